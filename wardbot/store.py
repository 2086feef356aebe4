"""What the bot remembers about chats: subscriptions, in SQLite (aiosqlite, WAL).

Only the least personal data is kept: a chat is its channel name and opaque chat id,
with no names and no message text. Every table that holds rows about a chat has the
columns `channel` and `chat_id`; `forget()` finds such tables itself, so tables added by
later migrations (a question log, an alerts outbox) are forgotten too.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import aiosqlite


class StoreError(RuntimeError):
    """The database cannot be used (e.g. written by a newer version of the bot)."""


@dataclass(frozen=True, order=True)
class ChatRef:
    """One conversation on one channel: ('telegram', '12345'), ('terminal', 'local')."""

    channel: str
    chat_id: str

    def __str__(self) -> str:
        return f"{self.channel}:{self.chat_id}"


# Migration N brings a database from user_version N to N + 1. Append, never edit.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE chats (
        channel TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        PRIMARY KEY (channel, chat_id)
    ) WITHOUT ROWID;
    CREATE TABLE subscriptions (
        channel TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        topic_id TEXT NOT NULL,
        since TEXT NOT NULL,
        PRIMARY KEY (channel, chat_id, topic_id),
        FOREIGN KEY (channel, chat_id) REFERENCES chats (channel, chat_id) ON DELETE CASCADE
    ) WITHOUT ROWID;
    CREATE INDEX subscriptions_by_topic ON subscriptions (topic_id);
    """,
)


class Store:
    """Async access to the bot's database. Open with `await Store.open(path)`."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db
        # One connection is shared by concurrent handlers: writes take turns, so a
        # transaction never interleaves with another coroutine's statements.
        self._write = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path | str) -> Store:
        """Open (creating if needed) and migrate the database at `path`."""
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        db = await aiosqlite.connect(path, isolation_level=None)
        try:
            await db.execute("PRAGMA journal_mode = WAL")
            await db.execute("PRAGMA synchronous = NORMAL")
            await db.execute("PRAGMA foreign_keys = ON")
            await db.execute("PRAGMA busy_timeout = 5000")
            store = cls(db)
            await store._migrate()
        except BaseException:
            await db.close()
            raise
        return store

    async def close(self) -> None:
        await self._db.close()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def schema_version(self) -> int:
        async with self._db.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def _migrate(self) -> None:
        version = await self.schema_version()
        if version > len(MIGRATIONS):
            raise StoreError(
                f"the database has schema version {version}, newer than this bot knows "
                f"({len(MIGRATIONS)}): upgrade the bot, or use another DATA_DIR"
            )
        for number in range(version, len(MIGRATIONS)):
            # One transaction per step: a failed migration leaves the previous version intact.
            await self._db.executescript(
                f"BEGIN;\n{MIGRATIONS[number]}\nPRAGMA user_version = {number + 1};\nCOMMIT;"
            )

    # --- subscriptions ------------------------------------------------------------

    async def subscribe(self, chat: ChatRef, topic_id: str) -> bool:
        """Follow `topic_id`; False when the chat already followed it."""
        today = dt.date.today().isoformat()
        async with self._write:
            return await self._subscribe(chat, topic_id, today)

    async def _subscribe(self, chat: ChatRef, topic_id: str, today: str) -> bool:
        await self._db.execute("BEGIN")
        try:
            await self._db.execute(
                "INSERT OR IGNORE INTO chats (channel, chat_id) VALUES (?, ?)",
                (chat.channel, chat.chat_id),
            )
            cursor = await self._db.execute(
                "INSERT OR IGNORE INTO subscriptions (channel, chat_id, topic_id, since) "
                "VALUES (?, ?, ?, ?)",
                (chat.channel, chat.chat_id, topic_id, today),
            )
            added = cursor.rowcount > 0
            await self._db.execute("COMMIT")
        except BaseException:
            await self._db.execute("ROLLBACK")
            raise
        return added

    async def unsubscribe(self, chat: ChatRef, topic_id: str) -> bool:
        """Stop following `topic_id`; False when the chat did not follow it."""
        async with self._write:
            cursor = await self._db.execute(
                "DELETE FROM subscriptions WHERE channel = ? AND chat_id = ? AND topic_id = ?",
                (chat.channel, chat.chat_id, topic_id),
            )
        return cursor.rowcount > 0

    async def unsubscribe_all(self, chat: ChatRef) -> int:
        """Stop following every topic; returns how many were followed."""
        async with self._write:
            cursor = await self._db.execute(
                "DELETE FROM subscriptions WHERE channel = ? AND chat_id = ?",
                (chat.channel, chat.chat_id),
            )
        return cursor.rowcount

    async def subscriptions_of(self, chat: ChatRef) -> list[str]:
        """Topic ids the chat follows, in the order it subscribed to them."""
        async with self._db.execute(
            "SELECT topic_id FROM subscriptions WHERE channel = ? AND chat_id = ? "
            "ORDER BY since, topic_id",
            (chat.channel, chat.chat_id),
        ) as cursor:
            return [row[0] for row in await cursor.fetchall()]

    async def subscribers_of(self, topic_id: str, channel: str | None = None) -> list[ChatRef]:
        """Chats following `topic_id` (on one channel, or on all)."""
        query = "SELECT channel, chat_id FROM subscriptions WHERE topic_id = ?"
        params: tuple[str, ...] = (topic_id,)
        if channel is not None:
            query += " AND channel = ?"
            params += (channel,)
        async with self._db.execute(query + " ORDER BY channel, chat_id", params) as cursor:
            return [ChatRef(row[0], row[1]) for row in await cursor.fetchall()]

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
        """Delete every row about `chat`, in every per-chat table; returns rows deleted."""
        tables = await self.per_chat_tables()
        # The chats table goes last, after the tables that refer to it.
        tables.sort(key=lambda name: name == "chats")
        async with self._write:
            return await self._delete_chat(tables, chat)

    async def _delete_chat(self, tables: list[str], chat: ChatRef) -> int:
        deleted = 0
        await self._db.execute("BEGIN")
        try:
            for table in tables:
                cursor = await self._db.execute(
                    f'DELETE FROM "{table}" WHERE channel = ? AND chat_id = ?',  # noqa: S608
                    (chat.channel, chat.chat_id),
                )
                deleted += max(cursor.rowcount, 0)
            await self._db.execute("COMMIT")
        except BaseException:
            await self._db.execute("ROLLBACK")
            raise
        return deleted
