"""Per chat, the resident's latest message and the replies sent to it since (migration 33):
what a channel whose platform bills a reply and a pushed message differently (a Zalo
Official Account) needs to send each message as the kind that costs the ward least.

Kept as long as a reply to the message can be free (REPLY_WINDOW), whatever
QUESTION_LOG_DAYS: a day's question log must not make a staff answer on the second day
billed, nor a long one keep what is of no more use (`purge_windows`)."""

from __future__ import annotations

from wardbot.store.base import Database
from wardbot.store.chat_ref import ChatRef

# Zalo's window: replies to a resident's latest message are free this long after it.
REPLY_WINDOW = 48 * 3600.0


class ReplyWindows(Database):
    """reply_windows."""

    async def wrote(self, chat: ChatRef, message_id: str, at: float) -> None:
        """The resident of `chat` sent the message `message_id` at `at` (wall clock): it is
        their latest unless one kept is later (a backlog handled late), and no reply went to
        it yet. The same message again (a repeated delivery) keeps its count."""
        async with self._write:
            await self._db.execute(
                "INSERT INTO reply_windows (channel, chat_id, message_id, at, replies) "
                "VALUES (?, ?, ?, ?, 0) ON CONFLICT (channel, chat_id) DO UPDATE SET "
                "message_id = excluded.message_id, at = excluded.at, replies = 0 "
                "WHERE excluded.at >= reply_windows.at "
                "AND excluded.message_id != reply_windows.message_id",
                (chat.channel, chat.chat_id, message_id, at),
            )

    async def latest_message(self, chat: ChatRef) -> tuple[str, float, int] | None:
        """The resident's latest message kept: its id, when it was sent, and how many
        replies went to it; None when none is kept."""
        async with self._db.execute(
            "SELECT message_id, at, replies FROM reply_windows WHERE channel = ? AND chat_id = ?",
            (chat.channel, chat.chat_id),
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None else (str(row[0]), float(row[1]), int(row[2]))

    async def replied(self, chat: ChatRef, message_id: str) -> None:
        """One more message went out as a reply to `message_id` (nothing counted when the
        resident has written again since)."""
        async with self._write:
            await self._db.execute(
                "UPDATE reply_windows SET replies = replies + 1 "
                "WHERE channel = ? AND chat_id = ? AND message_id = ?",
                (chat.channel, chat.chat_id, message_id),
            )

    async def purge_windows(self, now: float) -> int:
        """Forget the residents' latest messages sent more than REPLY_WINDOW before `now`
        (no reply to them is free any more); returns how many."""
        async with self._write:
            cursor = await self._db.execute(
                "DELETE FROM reply_windows WHERE at < ?", (now - REPLY_WINDOW,)
            )
        return max(cursor.rowcount, 0)
