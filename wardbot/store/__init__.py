"""What the bot remembers about chats: subscriptions, in SQLite (aiosqlite, WAL).

Only the least personal data is kept: a chat is its channel name and opaque chat id,
with no names and no message text. Every table that holds rows about a chat has the
columns `channel` and `chat_id`; `forget()` finds such tables itself, so tables added by
later migrations (a question log, an alerts outbox) are forgotten too.

`Store` is one object over one connection, its methods in a module for each concern:
- base: opening (read-only too) and migrating the database, the writers' turns (turns)
  and transactions, whether it still saves; a read-only one read from a copy (wal_copy);
- chats: subscriptions and the chats following topics (groups, forum topics, a chat that
  blocked the bot or moved to a new id); chat_ref: `ChatRef`;
- announcements: notices seen and alerted, their alerts and corrections queued;
- outbox: the messages waiting for a chat, as the senders take and finish them;
- questions: the question log; shown: what a chat was shown or offered lately;
- windows: a resident's latest message and the replies to it (what Zalo OA bills);
- here: what the bot notes about itself (meta), retention, and /forget.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence

import aiosqlite

from wardbot.store.announcements import AnnouncementRows
from wardbot.store.chat_ref import ChatRef as ChatRef
from wardbot.store.chats import ChatRows
from wardbot.store.outbox import OutboxRows
from wardbot.store.outbox import QuotedLine as QuotedLine
from wardbot.store.questions import QuestionLog
from wardbot.store.shown import ShownRows
from wardbot.store.windows import ReplyWindows

log = logging.getLogger(__name__)

# The rows saying which chats a note's lines quote whose note is gone (an older version's
# retention stopped between the two deletes): a note queued later may get the same id.
STALE_QUOTES = "DELETE FROM quoted_lines WHERE message NOT IN (SELECT id FROM messages)"


# Per-chat tables of messages on their way, which every message received writes to: what
# comes in and was seen (its key), the reply window it opens, the web chat's transcript
# and resume handle. Deleted by /forget, but not what the resident is told was stored.
PASSING = frozenset({"inbox", "inbox_seen", "reply_windows", "web_messages", "web_resume"})
# Of the web chat's transcript, what the resident said before the message being answered
# (/forget itself, stored as it came): a conversation kept, so counted. (The bot's own
# lines alone, as its reply to an earlier /forget, are not the resident's.)
TRANSCRIPT_BEFORE = (
    "SELECT count(*) FROM web_messages WHERE channel = ?1 AND chat_id = ?2 "
    "AND author = 'resident' AND id < ("
    "SELECT max(id) FROM web_messages WHERE channel = ?1 AND chat_id = ?2 "
    "AND author = 'resident')"
)


class Store(ChatRows, AnnouncementRows, OutboxRows, QuestionLog, ShownRows, ReplyWindows):
    """Async access to the bot's database. Open with `await Store.open(path)`."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        super().__init__(db)
        # Called with the chat at each /forget, before its rows go: what a part of the bot
        # keeps about chats outside the database (the web chat's messages held in memory).
        self.forgetting: list[Callable[[ChatRef], None]] = []

    # --- what the bot notes about itself ---------------------------------------------

    async def told_failing(self, task: str) -> bool:
        """Whether admins were told that the background task `task` fails, and it has not
        run well since (wardbot.supervise; kept across restarts)."""
        async with self._db.execute(
            "SELECT 1 FROM meta WHERE key = ?", (f"told-failing:{task}",)
        ) as cursor:
            return await cursor.fetchone() is not None

    async def set_told_failing(self, task: str, told: bool) -> None:
        async with self._write:
            if told:
                await self._db.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES (?, '1')",
                    (f"told-failing:{task}",),
                )
            else:
                await self._db.execute("DELETE FROM meta WHERE key = ?", (f"told-failing:{task}",))

    async def meta_value(self, key: str) -> str | None:
        """What a part of the bot keeps under `key` in the `meta` table (None: nothing)."""
        async with self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)) as cursor:
            row = await cursor.fetchone()
        return None if row is None else str(row[0])

    async def set_meta_value(self, key: str, value: str) -> None:
        async with self._write:
            await self._put_meta(key, value)

    async def _put_meta(self, key: str, value: str) -> None:
        await self._db.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value)
        )

    async def move_followers(
        self,
        old: str,
        new: str,
        *,
        note: Callable[[int], str | None] | None = None,
        to: Sequence[ChatRef] = (),
        now: float = 0.0,
        keep: Mapping[str, str] | None = None,
    ) -> int:
        """The chats following topic `old` follow `new` instead (`ChatRows._move_followers`);
        returns how many followed `old`. In the same transaction, so that a crash leaves
        all or none of it: the note `note(how many)` says is queued for the chats `to`
        (admins), and `keep`'s values are written in `meta` (what wardbot.topic_renames
        remembers of the change)."""
        async with self._write, self._transaction("BEGIN IMMEDIATE"):
            moved = await self._move_followers(old, new)
            text = note(moved) if note is not None else None
            if text and to:
                await self._queue_message(text, to, now, kind="note")
            for key, value in (keep or {}).items():
                await self._put_meta(key, value)
        return moved

    # --- retention ------------------------------------------------------------------

    async def purge(self, before: float) -> int:
        """Delete logged questions, finished outbox rows, what a chat was shown last, the
        parts of an alert it got, the subject of its follow-ups, the close match and the
        removal it was asked about, older than `before` (a resident's latest message, for
        the free replies to it, has a retention of its own: `purge_windows`). One
        transaction: a crash midway deletes nothing, and never a note without the rows
        saying which chats it quotes (`quoted_lines`, which a later note given the same id
        would inherit)."""
        async with self._write, self._transaction("BEGIN IMMEDIATE"):
            questions = await self._db.execute(
                "DELETE FROM questions WHERE asked_at < ?", (before,)
            )
            finished = await self._db.execute(
                "DELETE FROM outbox WHERE state NOT IN ('pending', 'sending') AND done_at < ?",
                (before,),
            )
            await self._db.execute("DELETE FROM shown_last WHERE shown_at < ?", (before,))
            await self._db.execute("DELETE FROM alert_parts WHERE at < ?", (before,))
            await self._db.execute("DELETE FROM follow_up_subjects WHERE at < ?", (before,))
            await self._db.execute("DELETE FROM offered_matches WHERE at < ?", (before,))
            await self._db.execute("DELETE FROM pending_removals WHERE at < ?", (before,))
            await self._db.execute(
                "DELETE FROM messages WHERE created_at < ? AND NOT EXISTS ("
                "SELECT 1 FROM outbox WHERE kind IN ('message', 'note') "
                "AND ref = CAST(messages.id AS TEXT))",
                (before,),
            )
            # Which chats a note's lines quote goes with the note.
            await self._db.execute(STALE_QUOTES)
        return max(questions.rowcount, 0) + max(finished.rowcount, 0)

    # --- privacy ------------------------------------------------------------------

    async def per_chat_tables(self) -> list[str]:
        """Every table holding rows about a chat: those with `channel` and `chat_id` columns."""
        async with self._db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        ) as cursor:
            names = [row[0] for row in await cursor.fetchall()]
        tables = []
        for name in names:
            async with self._db.execute("SELECT name FROM pragma_table_info(?)", (name,)) as cursor:
                columns = {row[0] for row in await cursor.fetchall()}
            if {"channel", "chat_id"} <= columns:
                tables.append(name)
        return tables

    async def forget(self, chat: ChatRef) -> int:
        """Delete every row about `chat`, in every per-chat table (and what `forgetting`
        keeps elsewhere, first); returns rows deleted, not counting those of PASSING (the
        message being answered, /forget itself, has some) but for the web chat's
        transcript before that message (TRANSCRIPT_BEFORE)."""
        for forget in self.forgetting:
            forget(chat)
        tables = await self.per_chat_tables()
        # The chats table goes last, after the tables that refer to it.
        tables.sort(key=lambda name: name == "chats")
        async with self._write.within(self.prompt_wait):
            deleted = await self._delete_chat(tables, chat)
            # The write-ahead log still holds the pages as they were before the delete:
            # copy it into the (now zeroed) database and empty it.
            async with self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)") as cursor:
                row = await cursor.fetchone()
            if row and row[0]:
                log.warning(
                    "forget: the database is busy; the deleted rows stay in its write-ahead "
                    "log until the next checkpoint"
                )
            return deleted

    async def _delete_chat(self, tables: list[str], chat: ChatRef) -> int:
        deleted = 0
        async with self._transaction():
            await self._unquote(chat)
            if "web_messages" in tables:
                async with self._db.execute(TRANSCRIPT_BEFORE, (chat.channel, chat.chat_id)) as c:
                    (deleted,) = await c.fetchone() or (0,)
            for table in tables:
                cursor = await self._db.execute(
                    f'DELETE FROM "{table}" WHERE channel = ? AND chat_id = ?',  # noqa: S608
                    (chat.channel, chat.chat_id),
                )
                if table not in PASSING:
                    deleted += max(cursor.rowcount, 0)
        return deleted
