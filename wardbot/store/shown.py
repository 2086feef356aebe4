"""What a chat was shown or offered lately, across restarts: the subject of a follow-up,
the one close match it was asked about, the removal it was asked to confirm, what "xem
toàn văn" opens."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wardbot.store.base import Database
from wardbot.store.chat_ref import ChatRef


class ShownRows(Database):
    """follow_up_subjects, offered_matches, pending_removals and shown_last."""

    # --- what a follow-up asks more about ---------------------------------------------

    async def keep_subject(
        self, chat: ChatRef, ids: Sequence[str], now: float, stale_before: float
    ) -> None:
        """The entries `chat` was just answered with or offered (none: no subject now), see
        migration 24; every chat's kept before `stale_before` goes with it."""
        async with self._write:
            await self._db.execute(
                "DELETE FROM follow_up_subjects WHERE at < ? OR (channel = ? AND chat_id = ?)",
                (stale_before, chat.channel, chat.chat_id),
            )
            if ids:
                await self._db.execute(
                    "INSERT INTO follow_up_subjects (channel, chat_id, ids, at) "
                    "VALUES (?, ?, ?, ?)",
                    (chat.channel, chat.chat_id, "\n".join(ids), now),
                )

    async def subject(self, chat: ChatRef, since: float) -> tuple[tuple[str, ...], float] | None:
        """The entries `keep_subject` kept for `chat` since `since`, and when; or None."""
        async with self._db.execute(
            "SELECT ids, at FROM follow_up_subjects WHERE channel = ? AND chat_id = ? AND at >= ?",
            (chat.channel, chat.chat_id, since),
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None else (tuple(str(row[0]).split("\n")), float(row[1]))

    async def keep_offered(
        self, chat: ChatRef, doc_id: str, now: float, stale_before: float
    ) -> None:
        """The one close match `chat` was just asked about (see migration 26); every
        chat's kept before `stale_before` goes with it."""
        async with self._write:
            await self._db.execute("DELETE FROM offered_matches WHERE at < ?", (stale_before,))
            await self._db.execute(
                "INSERT OR REPLACE INTO offered_matches (channel, chat_id, id, at) "
                "VALUES (?, ?, ?, ?)",
                (chat.channel, chat.chat_id, doc_id, now),
            )

    async def take_offered(self, chat: ChatRef) -> tuple[str, float] | None:
        """The close match `keep_offered` kept for `chat` and when, deleted as read (it is
        for the chat's next message only); or None."""
        row = await self._take("offered_matches", "id, at", chat)
        return None if row is None else (str(row[0]), float(row[1]))

    async def _take(self, table: str, columns: str, chat: ChatRef) -> tuple[Any, ...] | None:
        """`columns` of `chat`'s row in `table` (one of this class's, a row per chat),
        deleted as read; None when it has none."""
        key = (chat.channel, chat.chat_id)
        where = "WHERE channel = ? AND chat_id = ?"
        async with self._db.execute(f"SELECT {columns} FROM {table} {where}", key) as cursor:  # noqa: S608
            row = await cursor.fetchone()
        if row is None:
            return None
        async with self._write:
            await self._db.execute(f"DELETE FROM {table} {where}", key)  # noqa: S608
        return tuple(row)

    # --- a removal asked about -------------------------------------------------------

    async def keep_removal(self, chat: ChatRef, action: str, now: float) -> None:
        """The removal `chat` was just asked to confirm (see migration 40). Kept past
        YES_WITHIN too, until the chat's next message (or the question log's retention):
        a yes long after is told nothing stopped, not "Dạ vâng ạ"."""
        async with self._write:
            await self._db.execute(
                "INSERT OR REPLACE INTO pending_removals (channel, chat_id, action, at) "
                "VALUES (?, ?, ?, ?)",
                (chat.channel, chat.chat_id, action, now),
            )

    async def take_removal(self, chat: ChatRef) -> tuple[str, float] | None:
        """The removal `keep_removal` kept for `chat` and when it was asked, deleted as
        read (it is for the chat's next message only); or None."""
        row = await self._take("pending_removals", "action, at", chat)
        return None if row is None else (str(row[0]), float(row[1]))

    # --- what a chat was shown last ----------------------------------------------------

    async def keep_shown(
        self,
        chat: ChatRef,
        action: str | None,
        number: int | None,
        now: float,
        choices: str | None = None,
    ) -> None:
        """What "xem toàn văn" opens in `chat` now (see migration 11), and the list of
        choices shown last (migration 15)."""
        async with self._write:
            await self._db.execute(
                "INSERT OR REPLACE INTO shown_last "
                "(channel, chat_id, action, number, shown_at, choices) VALUES (?, ?, ?, ?, ?, ?)",
                (chat.channel, chat.chat_id, action, number, now, choices),
            )

    async def shown(self, chat: ChatRef) -> tuple[str | None, int | None, str | None] | None:
        """(action, number, choices) kept by `keep_shown` for `chat`; None when nothing is
        kept."""
        async with self._db.execute(
            "SELECT action, number, choices FROM shown_last WHERE channel = ? AND chat_id = ?",
            (chat.channel, chat.chat_id),
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None else (row[0], row[1], row[2])
