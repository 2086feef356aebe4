"""What the bot remembers about chats: subscriptions, in SQLite (aiosqlite, WAL).

Only the least personal data is kept: a chat is its channel name and opaque chat id,
with no names and no message text. Every table that holds rows about a chat has the
columns `channel` and `chat_id`; `forget()` finds such tables itself, so tables added by
later migrations (a question log, an alerts outbox) are forgotten too.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import os
import re
import shutil
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Literal

import aiosqlite

from wardbot import facts
from wardbot.notice_changes import (
    Gone,
    NoticeRef,
    copy_of,
    digest_of,
    numbers_of,
    numbers_unchanged,
    renamed_from,
)
from wardbot.schema import MIGRATIONS
from wardbot.scratch import OwnedFolder, remove_stale

log = logging.getLogger(__name__)


class StoreError(RuntimeError):
    """The database cannot be used (e.g. written by a newer version of the bot)."""


@dataclass(frozen=True, order=True)
class ChatRef:
    """One conversation on one channel: ('telegram', '12345'), ('terminal', 'local').

    `private` says whether it is one person's chat with the bot rather than a group's, as
    the channel saw it (admin commands and a group's subscriptions depend on it); it is
    not part of the chat's identity. `origin`, where a channel's chat ids are chosen by
    the client (the web chat's sessions), is where the message came from (the client's
    address), for limits a chat id cannot enforce; it is never stored. `thread`, in a
    Telegram group with forum topics, is the topic the message came from (None: General,
    or no topics): where the group's alerts go once it subscribes from there.
    """

    channel: str
    chat_id: str
    private: bool = field(default=True, compare=False)
    origin: str | None = field(default=None, compare=False, repr=False)
    thread: int | None = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        return f"{self.channel}:{self.chat_id}"


# Why a broadcast waiting for a chat was dropped when the chat stopped its last topic.
UNSUBSCRIBED_DROP = "the chat stopped following every topic"

# A correction waits ALERT_GATHER_SECONDS from the last edit of the notice's numbers, but
# no more than this from when it was queued: an editor left open, saving every few
# seconds as the numbers move, must not hold it back for good (`_queue_corrections`).
CORRECTION_WAIT_MAX = 600.0


# Why an alert waits for the morning, as its outbox row says (wardbot.outbox holds it).
QUIET_HELD = "quiet hours"
# Why an alert or a correction was dropped when its notice stayed out of content/ (the
# portal took its article down): sent after all if the notice comes back.
WITHDRAWN_DROP = "the announcement was withdrawn"


# The last line migration 25 gave the refs of the corrections waiting then: their numbers
# are as a version before migration 22 read them (`facts.same_as_read_before_22`).
READ_BEFORE_22 = "read before migration 22"


def correction_ref(notice_id: str, edit: int, before: Sequence[str], title: str = "") -> str:
    """An outbox 'correction' row's ref: the notice's id, which change of its numbers
    (each one's corrections are rows of their own), the numbers the chat was told before
    (JSON), and the title it had then (a line of its own; none in a ref queued by an
    earlier version)."""
    return f"{notice_id}\n{edit}\n{json.dumps(sorted(before))}\n{title}"


def read_correction_ref(ref: str) -> tuple[str, frozenset[str], str, bool]:
    """(notice id, numbers told before, title before or "", whether those numbers are as a
    version before migration 22 read them: `READ_BEFORE_22`) of a `correction_ref`."""
    notice_id, _, told, title, reading = (*ref.split("\n", 4), "", "", "", "")[:5]
    numbers = frozenset(facts.number_value(n) for n in json.loads(told or "[]"))
    return notice_id, numbers, title, reading == READ_BEFORE_22


@dataclass(frozen=True)
class OutboxItem:
    """One message waiting in the outbox: an 'alert' (ref: announcement id), a
    'correction' of one (ref: `correction_ref`), a 'message' (a broadcast) or a 'note' (to
    admins) (ref: id of its text in the messages table), or a 'reply' (a staff answer on a
    ticket: wardbot.tickets)."""

    id: int
    chat: ChatRef
    kind: str
    ref: str
    attempts: int
    created_at: float = 0.0  # when it was queued (time.time())
    # The first row of the message it was last handed to the platform in (an alert with
    # the others of its burst); None: never handed over. Retried, it goes with those rows.
    burst: int | None = None


def _rows(items: OutboxItem | Sequence[OutboxItem]) -> list[OutboxItem]:
    return [items] if isinstance(items, OutboxItem) else list(items)


class _NotWaiting(Exception):
    """A row to mark is no longer waiting: the transaction marking it is rolled back."""


MAX_LOGGED_CHARS = 500
# A chat's latest question logged since a time (channel, chat id, time): what "sai rồi"
# and its button are about.
_LATEST_QUESTION = (
    "FROM questions WHERE channel = ? AND chat_id = ? AND asked_at >= ? "
    "ORDER BY asked_at DESC, id DESC LIMIT 1"
)


def _latest_question(text: str | None) -> str:
    """`_LATEST_QUESTION`, or, given a question's `text`, the latest logged so (a further
    parameter)."""
    if text is None:
        return _LATEST_QUESTION
    return _LATEST_QUESTION.replace("asked_at >= ? ", "asked_at >= ? AND text = ? ")


COPY_PREFIX = "wardbot-db-"


class _Copy:
    """A database and its write-ahead log copied into a temporary folder of their own.

    The copy holds everything the database does (chat ids, tickets, web conversations): a
    bot killed before `cleanup` leaves it behind, so the next read-only start removes the
    copies of the same database no bot runs from (wardbot.scratch)."""

    def __init__(self, path: Path) -> None:
        self._folder = OwnedFolder(COPY_PREFIX, path)
        try:
            self.name = Path(self._folder.name) / path.name
            for suffix in ("", "-wal"):  # the log after the database: it only adds to it
                shutil.copyfile(f"{path}{suffix}", f"{self.name}{suffix}")
        except BaseException:
            self.cleanup()
            raise

    def cleanup(self) -> None:
        self._folder.cleanup()


def _with_its_log(path: Path) -> _Copy | None:
    """A copy of the database at `path` with its write-ahead log, when it has one that
    holds anything; None when the file alone is the whole database, or it cannot be
    copied (then what only the log holds is not read, and the log says so)."""
    try:
        remove_stale(COPY_PREFIX, path)
    except OSError as exc:  # the temporary folder cannot be listed: nothing to remove
        log.warning("cannot look for copies of %s left behind: %s", path, exc)
    try:
        if os.path.getsize(f"{path}-wal") == 0:
            return None
    except OSError:  # no log: the database was closed cleanly
        return None
    try:
        return _Copy(path)
    except OSError as exc:
        log.warning(
            "%s: cannot copy it to read its write-ahead log (%s): the changes saved last "
            "before the bot stopped are not read",
            path,
            exc.strerror or exc,
        )
        return None


# How long SQLite waits for a lock another program holds (busy_timeout), by default: longer
# than any writer of the bot's own holds it. While the last write found the database
# locked (staff browsing bot.sqlite3 in "DB Browser for SQLite", a backup), a background
# write waits LOCKED_WAIT only: it fails and its task tries again later, rather than
# holding the one connection (every read waits behind it) for the whole wait each time.
BUSY_WAIT = 5.0
LOCKED_WAIT = 0.25
# A resident's own change (following a topic, /forget) waits this long at most, for its
# turn among the bot's writers and for another program's lock together: the resident
# is asked at once to try again shortly, not kept waiting behind every background write.
PROMPT_WAIT = 2.0


class _Turns:
    """The writers' turns on the one connection (a lock), noting whether the last write
    went through: `refused` holds why SQLite last refused one ("database or disk is
    full", "database is locked" past the wait), None once a write succeeds. For /healthz
    (`data`). Each turn sets how long SQLite waits for another program's lock (see
    BUSY_WAIT)."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._lock = asyncio.Lock()
        self._db = db
        self.refused: str | None = None
        # False for the turn under way when its success proves nothing (a delete, which
        # even a full disk takes): `refused` then stays as it was.
        self.proves = True
        self.patience = BUSY_WAIT  # the wait of a background write (tests shorten it)
        self._waits: float | None = None  # busy_timeout as last set (None: as opened)

    async def __aenter__(self) -> None:
        await self._lock.acquire()
        try:
            await self._wait(LOCKED_WAIT if self.locked() else self.patience)
        except BaseException:
            self._lock.release()
            raise

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._ended(exc)

    def _ended(self, exc: BaseException | None) -> None:
        """The turn is over (`exc`: why it failed): note whether its write went through,
        and give the next writer its turn."""
        try:
            if exc is None:
                if self.proves:
                    self.refused = None
            elif refused_write(exc):
                self.refused = str(exc)
        finally:
            self.proves = True
            self._lock.release()

    def locked(self) -> bool:
        """Whether the last write found the database locked by another program."""
        return self.refused is not None and re.search("locked|busy", self.refused) is not None

    @contextlib.asynccontextmanager
    async def within(self, seconds: float, lock_wait: float | None = None) -> AsyncIterator[None]:
        """A resident's turn: it and SQLite's wait for another program's lock take
        `seconds` at most (the lock's wait `lock_wait` at most, when given); "database is
        locked" when the turn does not come by then."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        try:
            await asyncio.wait_for(self._lock.acquire(), seconds)
        except TimeoutError:
            raise sqlite3.OperationalError("database is locked") from None
        try:
            left = max(0.0, deadline - loop.time())
            await self._wait(left if lock_wait is None else min(left, lock_wait))
            yield
        except BaseException as exc:
            self._ended(exc)
            raise
        self._ended(None)

    async def _wait(self, seconds: float) -> None:
        if seconds != self._waits:
            await self._db.execute(f"PRAGMA busy_timeout = {round(seconds * 1000)}")
            self._waits = seconds


# SQLite's words for a write the database cannot take: a full disk, a read-only file or
# folder, a write the disk failed, a lock another program held past busy_timeout (5 s:
# longer than any writer of the bot's own holds it).
_REFUSED = re.compile(r"full|readonly|read-only|disk I/O|locked|busy")


# Less free room than this on a disk is a full disk: SQLite's next page, and its journal's,
# may not fit (about 16 database pages).
ROOM_BYTES = 64 * 1024


def no_room(folder: Path) -> bool:
    """Whether the disk holding `folder` is full (False when that cannot be told)."""
    try:
        return shutil.disk_usage(folder).free < ROOM_BYTES
    except OSError:
        return False


def refused_write(exc: BaseException) -> bool:
    """Whether `exc` is SQLite refusing a write (see _REFUSED), not a fault of the bot's."""
    return isinstance(exc, sqlite3.OperationalError) and _REFUSED.search(str(exc)) is not None


class Store:
    """Async access to the bot's database. Open with `await Store.open(path)`."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db
        # One connection is shared by concurrent handlers: writes take turns, so a
        # transaction never interleaves with another coroutine's statements.
        self._write = _Turns(db)
        self._copy: _Copy | None = None  # a read-only database read from a copy
        # The database's file as opened ((device, inode) at its path): deleted or replaced
        # under the running bot, what it writes is lost at the restart (saves()).
        self._file: tuple[Path, tuple[int, int]] | None = None
        self._gone_told = False
        self._full_told = False
        # Called with the chat at each /forget, before its rows go: what a part of the bot
        # keeps about chats outside the database (the web chat's messages held in memory).
        self.forgetting: list[Callable[[ChatRef], None]] = []

    writable = True
    # How long a resident's own change (following a topic, /forget) waits at most for the
    # database before the resident is asked to try again shortly (see PROMPT_WAIT).
    prompt_wait = PROMPT_WAIT

    def saves(self) -> bool:
        """For /healthz: the data folder can be written (the bot did not start read-only),
        SQLite did not refuse the last write (a disk that filled while the bot runs), the
        database is still where it was opened, and its disk has room (two looks at the
        disk)."""
        return self.writable and self._write.refused is None and self._in_place() and self._room()

    def _room(self) -> bool:
        """Whether the database's disk has room; says once when not. An idle bot said all
        was well on a full disk until a resident's subscription was refused."""
        if self._file is None:
            return True
        full = no_room(self._file[0].parent)
        if full and not self._full_told:
            log.error(
                "the disk of the data folder %s is full: the bot saves nothing new "
                "(subscriptions, alerts, the question log) until it has room",
                self._file[0].parent,
            )
        self._full_told = full
        return not full

    def _in_place(self) -> bool:
        """Whether the database's file is still the one the bot writes; says once when
        not (deleted or replaced: what is saved now is lost at the restart)."""
        if self._file is None:
            return True
        path, opened = self._file
        try:
            found = os.stat(path)
            same = (found.st_dev, found.st_ino) == opened
        except OSError:
            same = False
        if not same and not self._gone_told:
            log.error(
                "the database %s was deleted or replaced while the bot runs: what it saves "
                "now is lost when it stops; restart the bot",
                path,
            )
        self._gone_told = not same
        return same

    @classmethod
    async def open(cls, path: Path | str, *, read_only: bool = False) -> Store:
        """Open (creating if needed) and migrate the database at `path`.

        `read_only` is for a data folder the bot cannot write: what is saved there is
        read (a resident's subscriptions, those still in the write-ahead log a crash left
        included), every write fails with "attempt to write a readonly database", and
        without a database the bot starts with an empty one.
        """
        try:
            if read_only:
                return await cls._open_read_only(Path(path))
            return await cls._open(path)
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError):  # locked, a full or read-only disk
                raise
            raise StoreError(
                f"the database {path} cannot be read ({exc}): it is damaged, or is no "
                "database of the bot's; restore it from a backup, or move it away for the bot "
                "to start with an empty one (the subscriptions and tickets it held are then lost)"
            ) from exc

    @classmethod
    async def _open(cls, path: Path | str) -> Store:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        db = await aiosqlite.connect(path, isolation_level=None)
        try:
            await db.execute("PRAGMA journal_mode = WAL")
            await db.execute("PRAGMA synchronous = NORMAL")
            await db.execute("PRAGMA foreign_keys = ON")
            await db.execute(f"PRAGMA busy_timeout = {round(BUSY_WAIT * 1000)}")
            # Deleted rows are overwritten, not left in free pages: /forget really forgets.
            await db.execute("PRAGMA secure_delete = ON")
            store = cls(db)
            await store._migrate()
            if str(path) != ":memory:":
                found = await asyncio.to_thread(os.stat, path)
                store._file = (Path(path), (found.st_dev, found.st_ino))
        except BaseException:
            await db.close()
            raise
        return store

    @classmethod
    async def _open_read_only(cls, path: Path) -> Store:
        if not await asyncio.to_thread(path.exists):
            store = await cls.open(":memory:")
        else:
            # Without write access SQLite cannot make the write-ahead log's index file;
            # "immutable" reads the database file as it is (the bot is its only writer).
            # What a bot that stopped abruptly (a crash, a power cut) left in the
            # write-ahead log would go unread: the two are then read from a copy.
            copy = await asyncio.to_thread(_with_its_log, path)
            try:
                where = copy.name if copy is not None else path
                mode = "mode=ro" if copy is not None else "mode=ro&immutable=1"
                uri = f"{(await asyncio.to_thread(where.resolve)).as_uri()}?{mode}"
                db = await aiosqlite.connect(uri, uri=True, isolation_level=None)
            except BaseException:
                if copy is not None:
                    await asyncio.to_thread(copy.cleanup)
                raise
            store = cls(db)
            store._copy = copy
            try:
                version = await store.schema_version()
            except BaseException:
                await store.close()
                raise
            if version != len(MIGRATIONS):
                log.error("%s needs an upgrade this bot cannot write; starting empty", path)
                await store.close()
                store = await cls.open(":memory:")
        store.writable = False
        await store._db.execute("PRAGMA query_only = ON")
        return store

    async def close(self) -> None:
        await self._db.close()
        if self._copy is not None:
            await asyncio.to_thread(self._copy.cleanup)
            self._copy = None

    @contextlib.asynccontextmanager
    async def _transaction(self, begin: str = "BEGIN") -> AsyncIterator[None]:
        """One transaction, committed when the block ends and rolled back when it fails.

        The caller holds `_write`. When the failure already ended the transaction (SQLite
        rolls back by itself on some disk errors) or the rollback fails too, the original
        error is the one raised: it is what says what went wrong.
        """
        await self._db.execute(begin)
        try:
            yield
            await self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:
                try:
                    await self._db.execute("ROLLBACK")
                except Exception:  # the first error is the one to report
                    log.warning("rollback failed after an error", exc_info=True)
            raise

    @property
    def db(self) -> aiosqlite.Connection:
        """The connection, for modules that keep their own tables here (wardbot.tickets).
        Reads may use it directly; writes go through `writing()`."""
        return self._db

    @contextlib.asynccontextmanager
    async def writing(
        self,
        begin: str = "BEGIN IMMEDIATE",
        *,
        proves: bool = True,
        synced: bool = False,
        prompt: bool = False,
    ) -> AsyncIterator[aiosqlite.Connection]:
        """One write transaction, taking turns with every other writer of this store.
        `proves=False`: its success does not show that the database takes writes again
        (deletes only: /healthz keeps `data` down after a refused write). `synced`: on
        the disk when it ends, a power cut included (other writes may be lost in one, as
        SQLite's synchronous=NORMAL allows: never half written). `prompt`: a write every
        message received waits for before it is handled (wardbot.inbox): its turn comes
        within `prompt_wait`, and another program's lock is waited LOCKED_WAIT only, so
        that the resident's own change after it still has its `prompt_wait`."""
        turn: contextlib.AbstractAsyncContextManager[None] = (
            self._write.within(self.prompt_wait, LOCKED_WAIT) if prompt else self._write
        )
        async with turn:
            self._write.proves = proves
            if synced:
                await self._db.execute("PRAGMA synchronous = FULL")
            try:
                async with self._transaction(begin):
                    yield self._db
            finally:
                if synced:
                    with contextlib.suppress(sqlite3.Error, ValueError):  # FULL is only slower
                        await self._db.execute("PRAGMA synchronous = NORMAL")

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
        if version == len(MIGRATIONS):
            return
        # A step may make a table again (SQLite's way to change a column): with foreign
        # keys on, dropping the old table would delete the rows that refer to it. They are
        # off during the steps (a no-op inside a transaction, hence here) and checked
        # before each step commits.
        await self._db.execute("PRAGMA foreign_keys = OFF")
        try:
            for number in range(version, len(MIGRATIONS)):
                await self._migrate_step(number)
        finally:
            await self._db.execute("PRAGMA foreign_keys = ON")

    async def _migrate_step(self, number: int) -> None:
        """One transaction per step: a failed migration leaves the previous version intact."""
        try:
            await self._db.executescript(
                f"BEGIN;\n{MIGRATIONS[number]}\nPRAGMA user_version = {number + 1};"
            )
            async with self._db.execute("PRAGMA foreign_key_check") as cursor:
                broken = await cursor.fetchone()
            if broken is not None:
                raise StoreError(
                    f"migration {number + 1} left a row in {broken[0]} that refers to "
                    f"nothing in {broken[2]}"
                )
            await self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:
                await self._db.execute("ROLLBACK")
            raise

    # --- subscriptions ------------------------------------------------------------

    async def subscribe(self, chat: ChatRef, topic_id: str) -> bool:
        """Follow `topic_id`; False when the chat already followed it."""
        today = dt.date.today().isoformat()
        async with self._write.within(self.prompt_wait):
            return await self._subscribe(chat, topic_id, today)

    async def _subscribe(self, chat: ChatRef, topic_id: str, today: str) -> bool:
        async with self._transaction():
            # The topic it subscribes from is where its alerts go (migration 27), and
            # one it wrote from (migration 29).
            await self._db.execute(
                "INSERT INTO chats (channel, chat_id, is_group, thread, seen_thread) "
                "VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (channel, chat_id) DO UPDATE SET is_group = excluded.is_group, "
                "thread = excluded.thread, "
                "seen_thread = COALESCE(excluded.seen_thread, chats.seen_thread)",
                (chat.channel, chat.chat_id, int(not chat.private), chat.thread, chat.thread),
            )
            # A chat that blocked the bot and now subscribes again can be reached again.
            await self._db.execute(
                "DELETE FROM unreachable WHERE channel = ? AND chat_id = ?",
                (chat.channel, chat.chat_id),
            )
            cursor = await self._db.execute(
                "INSERT OR IGNORE INTO subscriptions (channel, chat_id, topic_id, since) "
                "VALUES (?, ?, ?, ?)",
                (chat.channel, chat.chat_id, topic_id, today),
            )
        return cursor.rowcount > 0

    async def unsubscribe(self, chat: ChatRef, topic_id: str) -> bool:
        """Stop following `topic_id`; False when the chat did not follow it. With its last
        topic go what was kept for its alerts and the broadcasts waiting (`_followed_none`)."""
        async with self._write.within(self.prompt_wait), self._transaction():
            cursor = await self._db.execute(
                "DELETE FROM subscriptions WHERE channel = ? AND chat_id = ? AND topic_id = ?",
                (chat.channel, chat.chat_id, topic_id),
            )
            await self._followed_none(chat)
        return cursor.rowcount > 0

    async def unsubscribe_all(self, chat: ChatRef) -> int:
        """Stop following every topic; returns how many were followed."""
        async with self._write.within(self.prompt_wait), self._transaction():
            cursor = await self._db.execute(
                "DELETE FROM subscriptions WHERE channel = ? AND chat_id = ?",
                (chat.channel, chat.chat_id),
            )
            await self._followed_none(chat)
        return cursor.rowcount

    async def _followed_none(self, chat: ChatRef) -> None:
        """The chat stopped its last topic (if it follows none now): the broadcasts still
        waiting for it are dropped, as its alerts are (a follower who stopped everything
        gets nothing more; nor could they go where its pushes went, kept in the row that
        goes next), and so is its row in `chats` (`_drop_unsubscribed`)."""
        await self._db.execute(
            "UPDATE outbox SET state = 'dropped', done_at = ?, error = ? "
            "WHERE channel = ? AND chat_id = ? AND kind = 'message' AND state = 'pending' "
            "AND NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.channel = ? AND s.chat_id = ?)",
            (time.time(), UNSUBSCRIBED_DROP, *(chat.channel, chat.chat_id) * 2),
        )
        await self._drop_unsubscribed(chat)

    async def _drop_unsubscribed(self, chat: ChatRef) -> None:
        """The chat's row in `chats` (whether it is a group, its forum topics), kept for its
        alerts, once it follows nothing: the least data about a chat the bot no longer
        alerts. Subscribing again writes it anew."""
        await self._db.execute(
            "DELETE FROM chats WHERE channel = ? AND chat_id = ? AND NOT EXISTS "
            "(SELECT 1 FROM subscriptions s WHERE s.channel = ? AND s.chat_id = ?)",
            (chat.channel, chat.chat_id, chat.channel, chat.chat_id),
        )

    async def is_group(self, chat: ChatRef) -> bool:
        """Whether `chat` is a group, as its channel said last (migration 20); False for a
        chat not known."""
        async with self._db.execute(
            "SELECT is_group FROM chats WHERE channel = ? AND chat_id = ?",
            (chat.channel, chat.chat_id),
        ) as cursor:
            row = await cursor.fetchone()
        return bool(row and row[0])

    async def alerts_thread(self, chat: ChatRef) -> int | None:
        """The forum topic of a group where its alerts go: the one it last subscribed
        from (migration 27); None: General, or a chat without topics."""
        return await self._topic_of(chat, "thread")

    async def forget_thread(self, chat: ChatRef, thread: int) -> None:
        """The group's topic `thread` is gone (deleted): its alerts go to General from now
        on (unless it subscribed from another topic meanwhile), and it is no topic to
        fall back on either."""
        async with self._write, self._transaction():
            await self._db.execute(
                "UPDATE chats SET thread = NULL WHERE channel = ? AND chat_id = ? AND thread = ?",
                (chat.channel, chat.chat_id, thread),
            )
            await self._db.execute(
                "UPDATE chats SET seen_thread = NULL "
                "WHERE channel = ? AND chat_id = ? AND seen_thread = ?",
                (chat.channel, chat.chat_id, thread),
            )

    async def seen_thread(self, chat: ChatRef) -> int | None:
        """The forum topic a subscribed group last wrote to the bot from (migration 29),
        where its alerts go when its own topic and General are closed to the bot."""
        return await self._topic_of(chat, "seen_thread")

    async def _topic_of(
        self, chat: ChatRef, column: Literal["thread", "seen_thread"]
    ) -> int | None:
        """A forum topic the chat's row in `chats` keeps in `column`; None: none kept."""
        async with self._db.execute(
            f"SELECT {column} FROM chats WHERE channel = ? AND chat_id = ?",  # noqa: S608
            (chat.channel, chat.chat_id),
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row and row[0] is not None else None

    async def note_thread(self, chat: ChatRef, thread: int) -> None:
        """A group wrote to the bot from its forum topic `thread`: kept if it follows a
        topic (a chat that follows nothing has no row), written only when it changed."""
        async with self._db.execute(
            "SELECT seen_thread FROM chats WHERE channel = ? AND chat_id = ?",
            (chat.channel, chat.chat_id),
        ) as cursor:
            row = await cursor.fetchone()
        if row is None or row[0] == thread:
            return
        async with self._write:
            await self._db.execute(
                "UPDATE chats SET seen_thread = ? WHERE channel = ? AND chat_id = ?",
                (thread, chat.channel, chat.chat_id),
            )

    async def note_group(self, chat: ChatRef) -> None:
        """`chat` wrote as a group: a subscribed chat known as private (subscribed before
        migration 20) is known as a group from now on."""
        async with self._write:
            await self._db.execute(
                "UPDATE chats SET is_group = 1 WHERE channel = ? AND chat_id = ? AND is_group = 0",
                (chat.channel, chat.chat_id),
            )

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

    async def subscriber_counts(self) -> dict[str, int]:
        """Topic id -> how many chats follow it."""
        async with self._db.execute(
            "SELECT topic_id, COUNT(*) FROM subscriptions GROUP BY topic_id"
        ) as cursor:
            return {row[0]: row[1] for row in await cursor.fetchall()}

    async def subscribed_chats(self) -> list[ChatRef]:
        """Every chat following at least one topic."""
        async with self._db.execute(
            "SELECT DISTINCT channel, chat_id FROM subscriptions ORDER BY channel, chat_id"
        ) as cursor:
            return [ChatRef(row[0], row[1]) for row in await cursor.fetchall()]

    # --- announcements and alerts --------------------------------------------------

    async def note_announcements(
        self, notices: Sequence[NoticeRef], now: float, channels: Sequence[str]
    ) -> dict[str, int] | None:
        """Remember `notices`; queue one alert per subscriber for those not alerted yet
        that are worth it: new ones, and those first seen as not worth an alert (no topic,
        a mistyped date) that staff have fixed since. An alerted notice that gains a topic
        (a wrong one corrected) is alerted to that topic's followers who follow none of the
        topics it was alerted for.

        `notices` are all the notices there are now. A new one with the title, date and
        text of one already alerted that is no longer among them (its file left content/),
        or that title with a typo fixed (`renamed_from`), is the
        same notice under a new name (its file renamed): it is not alerted again, and the
        alerts for the old name still waiting go out for the new one (a rename mid fan-out
        loses none). While both are there they are two notices (a power cut in two
        neighbourhoods the same day, under the same title), each alerted. Both being worth
        an alert means that date is within the last ALERT_MAX_AGE_DAYS (wardbot.alerts),
        so the match is always with a recent alert.

        The very first call on a database only remembers them (installing the bot must
        not flood anyone, then or when those notices are edited later) and returns None.
        Otherwise returns, for each notice seen for the first time or alerted now, how
        many alerts were queued for subscribers on `channels` (those that can push: not
        the terminal). Marking a notice alerted and queueing its alerts is one
        transaction: a crash leaves either both or neither.
        """
        async with self._write, self._transaction("BEGIN IMMEDIATE"):
            return await self._note_announcements(notices, now, channels)

    async def note_quietly(self, notices: Sequence[NoticeRef], now: float) -> None:
        """Remember `notices` as alerted, queueing no alert: news subscribers would get all
        at once, as the portal's feed has it when the bot first reads it. (Before their
        files appear in content/: the watcher then finds them known.)"""
        async with self._write, self._transaction("BEGIN IMMEDIATE"):
            await self._db.executemany(
                "INSERT OR IGNORE INTO seen_announcements (id, seen_at, alerted, title, date) "
                "VALUES (?, ?, 1, ?, ?)",
                [(n.id, now, n.title or None, n.date or None) for n in notices],
            )

    async def _note_announcements(
        self, notices: Sequence[NoticeRef], now: float, channels: Sequence[str]
    ) -> dict[str, int] | None:
        async with self._db.execute("SELECT value FROM meta WHERE key = 'alerts_since'") as cur:
            baseline = await cur.fetchone()
        async with self._db.execute(
            "SELECT id, alerted, title, date, topics, text_digest, numbers FROM seen_announcements"
        ) as cursor:
            rows = await cursor.fetchall()
        # The topics each notice was alerted for (None: not known).
        alerted_for = {row[0]: json.loads(row[4]) if row[4] else None for row in rows}
        # Known notices as they read now (only those edited since: this runs on every
        # change to content/): a renamed one is compared with its last version.
        known = {row[0]: (row[2], row[3]) for row in rows}
        digests = {row[0]: row[5] for row in rows}
        numbers = {row[0]: row[6] for row in rows}
        await self._db.executemany(
            "UPDATE seen_announcements SET title = ?, date = ? WHERE id = ?",
            [
                (n.title or None, n.date or None, n.id)
                for n in notices
                if n.id in known and known[n.id] != (n.title or None, n.date or None)
            ],
        )
        alerted = {row[0]: bool(row[1]) for row in rows}
        current = {notice.id for notice in notices}
        # Alerted notices that left content/: what a new one may be renamed from.
        gone = [
            Gone(row[0], row[2], row[3], row[5])
            for row in rows
            if row[1] and row[2] and row[3] and row[0] not in current
        ]
        if baseline is None:
            await self._db.execute(
                "INSERT INTO meta (key, value) VALUES ('alerts_since', ?)", (str(now),)
            )
        await self._requeue_withdrawn(current, now)
        queued: dict[str, int] = {}
        by_date: dict[str, list[NoticeRef]] = {}
        for notice in notices:
            by_date.setdefault(notice.date, []).append(notice)
        for notice in notices:
            worth = baseline is not None and notice.alert and bool(notice.topics)
            if alerted.get(notice.id):
                # Alerted already, or there when the bot was installed: its text as it
                # reads now tells it if it is renamed next (`renamed_from`).
                await self._keep_digest(notice, digests.get(notice.id))
                # Its dates, times or amounts changed since: those told hear of it.
                told = await self._keep_numbers(notice, numbers.get(notice.id))
                if worth and told is not None:
                    titled = (*told, known[notice.id][0] or "")  # its title before the edit
                    corrected = await self._queue_corrections(notice, titled, now, channels)
                    log.info("%s: numbers edited; %d correction(s) queued", notice.id, corrected)
                # Its topics corrected since, the followers of the new ones hear of it.
                before = alerted_for.get(notice.id)
                if worth and before is not None and set(notice.topics) - set(before):
                    queued[notice.id] = await self._queue_alerts(notice, now, channels, before)
                    await self._db.execute(
                        "UPDATE seen_announcements SET topics = ? WHERE id = ?",
                        (json.dumps(sorted({*before, *notice.topics})), notice.id),
                    )
                continue
            first_seen = notice.id not in alerted
            copied = copy_of(notice, by_date, alerted) if worth and first_seen else None
            if copied is not None:
                # Copied to be edited (another neighbourhood's notice), or to be moved (the
                # original deleted next): not news until its text differs, or the original
                # is gone (then it is that notice renamed).
                log.debug("%s is an unedited copy of %s: not alerted", notice.id, copied)
                continue
            if worth:
                alerted[notice.id] = True  # a copy of it in this same pass is no news
            topics = json.dumps(sorted(notice.topics)) if worth else None
            if first_seen:
                await self._db.execute(
                    "INSERT INTO seen_announcements "
                    "(id, seen_at, alerted, title, date, topics, text_digest, numbers) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        notice.id,
                        now,
                        int(worth or baseline is None),
                        notice.title or None,
                        notice.date or None,
                        topics,
                        digest_of(notice) if notice.alert and notice.topics else None,
                        numbers_of(notice) if notice.alert and notice.topics else None,
                    ),
                )
            elif worth:  # first seen as not worth an alert, and fixed since
                await self._db.execute(
                    "UPDATE seen_announcements SET alerted = 1, topics = ?, text_digest = ?, "
                    "numbers = ? WHERE id = ?",
                    (topics, digest_of(notice), numbers_of(notice), notice.id),
                )
            same = renamed_from(notice, gone) if worth else None
            if same is not None:
                moved = await self._db.execute(
                    "UPDATE OR IGNORE outbox SET ref = ? "
                    "WHERE kind = 'alert' AND ref = ? AND state IN ('pending', 'sending')",
                    (notice.id, same),
                )
                # So do its corrections still waiting (held for the night, say): gone
                # with the old name, the chats would never hear of the new numbers.
                await self._db.execute(
                    "UPDATE OR IGNORE outbox SET ref = ? || substr(ref, instr(ref, char(10))) "
                    "WHERE kind = 'correction' AND state IN ('pending', 'sending') "
                    "AND substr(ref, 1, instr(ref, char(10)) - 1) = ?",
                    (notice.id, same),
                )
                # Alerted for the old name's topics; one it gained on the way is news to
                # its followers (those who follow none of the old ones).
                before = alerted_for.get(same)
                gained = before is not None and bool(set(notice.topics) - set(before))
                await self._db.execute(
                    "UPDATE seen_announcements SET topics = ? WHERE id = ?",
                    (
                        None if before is None else json.dumps(sorted({*before, *notice.topics})),
                        notice.id,
                    ),
                )
                # Taken: another notice with that title and date later is a new one. Its
                # alerts' buttons open the new name.
                await self._db.execute(
                    "UPDATE seen_announcements SET title = NULL, date = NULL, renamed_to = ? "
                    "WHERE id = ?",
                    (notice.id, same),
                )
                log.info(
                    "%s is %s renamed (same date and title, or its typo fixed): not alerted again; "
                    "%d alert(s) "
                    "still waiting go out under the new name",
                    notice.id,
                    same,
                    max(moved.rowcount, 0),
                )
                queued[notice.id] = (
                    await self._queue_alerts(notice, now, channels, before or ()) if gained else 0
                )
            elif worth:
                queued[notice.id] = await self._queue_alerts(notice, now, channels)
            elif first_seen:
                queued[notice.id] = 0
        return None if baseline is None else queued

    async def _requeue_withdrawn(self, current: set[str], now: float) -> None:
        """The alerts and corrections dropped while their notice was away (`WITHDRAWN_DROP`)
        of the notices among `current`, back: an article the portal put back is news to
        those who never got it; the outbox judges each again as it goes."""
        async with self._db.execute(
            "SELECT id, CASE kind WHEN 'alert' THEN ref "
            "ELSE substr(ref, 1, instr(ref, char(10)) - 1) END "
            "FROM outbox WHERE kind IN ('alert', 'correction') AND state = 'dropped' "
            "AND error = ?",
            (WITHDRAWN_DROP,),
        ) as cursor:
            back = [row[0] for row in await cursor.fetchall() if row[1] in current]
        if back:
            await self._db.executemany(
                "UPDATE outbox SET state = 'pending', not_before = ?, attempts = 0, "
                "done_at = NULL, error = NULL, burst = NULL WHERE id = ?",
                [(now, row_id) for row_id in back],
            )
            log.info("%d alert(s) dropped while their notice was withdrawn queued again", len(back))

    async def _keep_digest(self, notice: NoticeRef, kept: str | None) -> None:
        """Keep the text of an alerted notice that could still be news (recent, current,
        with a topic: only those are matched by `renamed_from`) as it reads now: edited
        since its alert, or alerted by an earlier version that kept no text."""
        if not (notice.alert and notice.topics) or notice.body is None:
            return
        digest = digest_of(notice)
        if digest != kept:
            await self._db.execute(
                "UPDATE seen_announcements SET text_digest = ? WHERE id = ?", (digest, notice.id)
            )

    async def _keep_numbers(
        self, notice: NoticeRef, kept: str | None
    ) -> tuple[int, list[str]] | None:
        """Keep the numbers of an alerted notice that could still be news as it reads now
        (as `_keep_digest` keeps its text); when an edit changed them, which change this is
        and the numbers it had before (None: unchanged, or not known before)."""
        if not (notice.alert and notice.topics) or notice.body is None:
            return None
        now = numbers_of(notice)
        if numbers_unchanged(notice, now, kept):
            return None
        await self._db.execute(
            "UPDATE seen_announcements SET numbers = ?, number_edits = number_edits + 1 "
            "WHERE id = ?",
            (now, notice.id),
        )
        async with self._db.execute(
            "SELECT number_edits FROM seen_announcements WHERE id = ?", (notice.id,)
        ) as cursor:
            row = await cursor.fetchone()
        return None if kept is None or row is None else (int(row[0]), list(json.loads(kept)))

    async def _queue_corrections(
        self,
        notice: NoticeRef,
        edit: tuple[int, Sequence[str], str],
        now: float,
        channels: Sequence[str],
    ) -> int:
        """One correction of `notice` (`edit`: which change of its numbers, and the numbers
        and title it had before) for each chat on `channels` its alert went to (under this name or
        the one its file was renamed from) that still follows one of its topics; how many.
        Not for a chat with one still waiting: that one goes out with the notice as it
        reads then (edits in a row are one correction), and waits again from this edit:
        an editor saving as staff type ("19h", "h", "2h", "20h") sends the last save only.
        A chat whose alert has not left yet reads the edited notice. It waits again
        CORRECTION_WAIT_MAX at most after it was queued (`not_before`, which edits leave
        alone): an editor saving for an hour sends a correction every few minutes."""
        await self._db.execute(
            "UPDATE outbox SET created_at = MAX(created_at, MIN(?, not_before + ?)) "
            "WHERE kind = 'correction' AND state = 'pending' "
            "AND channel IN (SELECT value FROM json_each(?)) "
            "AND substr(ref, 1, instr(ref, char(10)) - 1) = ?",
            (now, CORRECTION_WAIT_MAX, json.dumps(list(channels)), notice.id),
        )
        cursor = await self._db.execute(
            "INSERT OR IGNORE INTO outbox "
            "(channel, chat_id, kind, ref, created_at, not_before) "
            "SELECT DISTINCT a.channel, a.chat_id, 'correction', ?, ?, ? FROM outbox a "
            "WHERE a.kind = 'alert' AND a.state IN ('sent', 'sending') "
            "AND (a.ref = ? OR a.ref IN (SELECT id FROM seen_announcements WHERE renamed_to = ?)) "
            "AND a.channel IN (SELECT value FROM json_each(?)) "
            "AND EXISTS (SELECT 1 FROM subscriptions s "
            "WHERE s.channel = a.channel AND s.chat_id = a.chat_id "
            "AND s.topic_id IN (SELECT value FROM json_each(?))) "
            "AND NOT EXISTS (SELECT 1 FROM unreachable u "
            "WHERE u.channel = a.channel AND u.chat_id = a.chat_id) "
            "AND NOT EXISTS (SELECT 1 FROM outbox c "
            "WHERE c.channel = a.channel AND c.chat_id = a.chat_id AND c.kind = 'correction' "
            "AND c.state = 'pending' AND substr(c.ref, 1, instr(c.ref, char(10)) - 1) = ?) "
            "ORDER BY a.channel, a.chat_id",
            (
                correction_ref(notice.id, *edit),
                now,
                now,
                notice.id,
                notice.id,
                json.dumps(list(channels)),
                json.dumps(list(notice.topics)),
                notice.id,
            ),
        )
        return max(cursor.rowcount, 0)

    async def renames(self) -> dict[str, str]:
        """Each notice whose file was renamed -> the id it was renamed to (migration 14)."""
        async with self._db.execute(
            "SELECT id, renamed_to FROM seen_announcements WHERE renamed_to IS NOT NULL"
        ) as cursor:
            return {row[0]: row[1] for row in await cursor.fetchall()}

    async def alerts_queued_since(self, notice_id: str, since: float) -> int | None:
        """How many alerts were queued for `notice_id` by whoever first noticed it, if that
        was at `since` or later (the running bot's watcher, while `bot.py announce` was
        still opening the index); None when it was noticed before, not at all, or by the
        first start (which queues none)."""
        async with self._db.execute(
            "SELECT 1 FROM seen_announcements WHERE id = ? AND seen_at >= ? AND seen_at >= "
            "(SELECT CAST(value AS REAL) + 1.0 FROM meta WHERE key = 'alerts_since')",
            (notice_id, since),
        ) as cursor:
            if await cursor.fetchone() is None:
                return None
        async with self._db.execute(
            "SELECT COUNT(*) FROM outbox WHERE kind = 'alert' AND ref = ?", (notice_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def _queue_alerts(
        self,
        notice: NoticeRef,
        now: float,
        channels: Sequence[str],
        alerted_for: Sequence[str] = (),
    ) -> int:
        """One alert for each subscriber of `notice`'s topics on `channels`, but not those
        following one of `alerted_for` (the topics it was alerted for already); how many."""
        cursor = await self._db.execute(
            "INSERT OR IGNORE INTO outbox "
            "(channel, chat_id, kind, ref, created_at, not_before) "
            "SELECT DISTINCT s.channel, s.chat_id, 'alert', ?, ?, ? FROM subscriptions s "
            "WHERE s.topic_id IN (SELECT value FROM json_each(?)) "
            "AND s.channel IN (SELECT value FROM json_each(?)) "
            "AND NOT EXISTS (SELECT 1 FROM unreachable u "
            "WHERE u.channel = s.channel AND u.chat_id = s.chat_id) "
            "AND NOT EXISTS (SELECT 1 FROM subscriptions o "
            "WHERE o.channel = s.channel AND o.chat_id = s.chat_id "
            "AND o.topic_id IN (SELECT value FROM json_each(?))) "
            "ORDER BY s.channel, s.chat_id",
            (
                notice.id,
                now,
                now,
                json.dumps(list(notice.topics)),
                json.dumps(list(channels)),
                json.dumps(list(alerted_for)),
            ),
        )
        return max(cursor.rowcount, 0)

    async def queue_message(
        self, text: str, chats: Sequence[ChatRef], now: float, *, kind: str = "message"
    ) -> int:
        """Queue `text` for each chat, a broadcast ('message') or a note to admins ('note');
        returns how many."""
        async with self._write, self._transaction("BEGIN IMMEDIATE"):
            cursor = await self._db.execute(
                "INSERT INTO messages (text, created_at) VALUES (?, ?)", (text, now)
            )
            ref = str(cursor.lastrowid)
            await self._db.executemany(
                "INSERT OR IGNORE INTO outbox (channel, chat_id, kind, ref, created_at, "
                "not_before) VALUES (?, ?, ?, ?, ?, ?)",
                [(chat.channel, chat.chat_id, kind, ref, now, now) for chat in chats],
            )
        return len(set(chats))

    async def message_text(self, ref: str) -> str | None:
        async with self._db.execute("SELECT text FROM messages WHERE id = ?", (ref,)) as cursor:
            row = await cursor.fetchone()
        return row[0] if row else None

    async def recover_outbox(self, channel: str) -> int:
        """After a crash: messages caught mid-send go back in the queue (sent at most twice)."""
        async with self._write:
            cursor = await self._db.execute(
                "UPDATE outbox SET state = 'pending' WHERE channel = ? AND state = 'sending'",
                (channel,),
            )
        return cursor.rowcount

    async def due(
        self, channel: str, now: float, limit: int = 100, *, settle: float = 0.0
    ) -> list[OutboxItem]:
        """Messages for `channel` waiting to be sent and due by `now`: one chat's (a staff
        answer, a note to admins) first, then alerts and broadcasts, each oldest first; a
        fan-out to thousands of chats takes minutes at the platform's pace. An alert is due
        only once queued `settle` seconds ago: the other notices of its burst (files
        copied one by one, a portal import) are queued meanwhile, and go out with it. So
        is a correction: the edits staff make in a row go out as one."""
        async with self._db.execute(
            "SELECT id, chat_id, kind, ref, attempts, created_at, burst FROM outbox "
            "WHERE channel = ? AND state = 'pending' AND not_before <= ? "
            "AND (kind NOT IN ('alert', 'correction') OR created_at <= ?) "
            "ORDER BY kind IN ('alert', 'message', 'correction'), id LIMIT ?",
            (channel, now, now - settle, limit),
        ) as cursor:
            rows = await cursor.fetchall()
        return [OutboxItem(r[0], ChatRef(channel, r[1]), *r[2:]) for r in rows]

    async def alerts_with(
        self,
        item: OutboxItem,
        now: float,
        window: tuple[float, float],
        limit: int,
        *,
        settled: float | None = None,
    ) -> list[OutboxItem]:
        """The alerts that go out in one message with `item` (itself first): those waiting
        for its chat, due by `now`, queued within `window` (from, to); at most `limit`,
        oldest first. With `settled`, the corrections waiting for it too, queued (their
        last edit) by then: the night's corrections go with the night's alerts.

        Once a message was handed to the platform (`OutboxItem.burst`), its rows go
        together again, due or not, and no other joins them: the chat may have got part
        of it (a long alert on Zalo), which only the same message can go on from."""
        if item.burst is not None:
            return [item, *await self._burst_rows(item, limit)]
        # Looked up by the chat (the unique index), not among every row waiting for the
        # channel (`outbox_due`, which `+` keeps out): a fan-out to 10,000 chats asks this
        # 10,000 times.
        async with self._db.execute(
            "SELECT id, chat_id, kind, ref, attempts, created_at, burst FROM outbox "
            "WHERE channel = ? AND chat_id = ? AND kind IN ('alert', 'correction') "
            "AND (kind = 'alert' OR created_at <= ?) AND +state = 'pending' "
            "AND +not_before <= ? AND created_at >= ? AND created_at <= ? AND id != ? "
            "AND burst IS NULL ORDER BY id LIMIT ?",
            (
                item.chat.channel,
                item.chat.chat_id,
                -1.0 if settled is None else settled,
                now,
                *window,
                item.id,
                max(0, limit - 1),
            ),
        ) as cursor:
            rows = await cursor.fetchall()
        return [item, *(OutboxItem(r[0], item.chat, *r[2:]) for r in rows)]

    async def _burst_rows(self, item: OutboxItem, limit: int) -> list[OutboxItem]:
        """The other rows waiting of the message `item` was last handed over in."""
        async with self._db.execute(
            "SELECT id, chat_id, kind, ref, attempts, created_at, burst FROM outbox "
            "WHERE channel = ? AND chat_id = ? AND kind IN ('alert', 'correction') "
            "AND +state = 'pending' AND +burst = ? AND id != ? ORDER BY id LIMIT ?",
            (item.chat.channel, item.chat.chat_id, item.burst, item.id, max(0, limit - 1)),
        ) as cursor:
            rows = await cursor.fetchall()
        return [OutboxItem(r[0], item.chat, *r[2:]) for r in rows]

    async def next_due(self, channel: str, settle: float = 0.0) -> float | None:
        """When the earliest waiting message for `channel` is due (None: nothing waits);
        an alert, `settle` seconds after it was queued at the earliest (see `due`)."""
        async with self._db.execute(
            "SELECT MIN(CASE WHEN kind IN ('alert', 'correction') "
            "THEN MAX(not_before, created_at + ?) "
            "ELSE not_before END) FROM outbox WHERE channel = ? AND state = 'pending'",
            (settle, channel),
        ) as cursor:
            row = await cursor.fetchone()
        return row[0] if row and row[0] is not None else None

    async def mark_sending(self, items: OutboxItem | Sequence[OutboxItem]) -> bool:
        """Written before the message leaves: after a crash it is the one that may repeat.
        Several rows sent as one message (a burst of alerts) are marked together, in one
        transaction: all or none; each keeps the message it goes in (`OutboxItem.burst`:
        the first row's id), to go in it again if it is retried.

        False, and nothing marked, when one is no longer waiting for that chat: /forget
        deleted it (or its chat was found unreachable, or moved to a new id) after the
        sender read it. It must not be sent then (a moved one goes to the new id at the
        next drain).
        """
        rows = _rows(items)
        try:
            async with self._write, self._transaction("BEGIN IMMEDIATE"):
                for item in rows:
                    cursor = await self._db.execute(
                        "UPDATE outbox SET state = 'sending', attempts = attempts + 1, "
                        "burst = ? "
                        "WHERE id = ? AND channel = ? AND chat_id = ? AND state = 'pending'",
                        (rows[0].id, item.id, item.chat.channel, item.chat.chat_id),
                    )
                    if cursor.rowcount < 1:
                        raise _NotWaiting
        except _NotWaiting:
            return False
        return True

    async def drop_waiting(self, item: OutboxItem, now: float, error: str) -> bool:
        """Drop a message no longer wanted, if it still waits for the chat it was read for
        (not when it has moved to a chat's new id since: there it may be wanted)."""
        async with self._write:
            cursor = await self._db.execute(
                "UPDATE outbox SET state = 'dropped', done_at = ?, error = ? "
                "WHERE id = ? AND channel = ? AND chat_id = ? AND state = 'pending'",
                (now, error, item.id, item.chat.channel, item.chat.chat_id),
            )
        return cursor.rowcount > 0

    async def mark_done(
        self, items: OutboxItem | Sequence[OutboxItem], state: str, now: float, error: str = ""
    ) -> None:
        """Finish a message: 'sent', 'failed' (with why) or 'dropped' (nothing left to send).
        The rows of one message (a burst of alerts) are finished together, in one
        transaction."""
        async with self._write, self._transaction():
            await self._db.executemany(
                "UPDATE outbox SET state = ?, done_at = ?, error = ? WHERE id = ?",
                [(state, now, error or None, item.id) for item in _rows(items)],
            )

    async def mark_retry(
        self, item: OutboxItem, not_before: float, error: str, attempts: int
    ) -> None:
        async with self._write:
            await self._db.execute(
                "UPDATE outbox SET state = 'pending', not_before = ?, error = ?, attempts = ? "
                "WHERE id = ?",
                (not_before, error, attempts, item.id),
            )

    async def release_held(
        self, now: float, *, notices: Sequence[str] | None = None, channel: str | None = None
    ) -> int:
        """The alerts and corrections waiting for the end of quiet hours (QUIET_HELD) are
        due `now`, to be judged again: those about `notices` (staff marked them urgent
        meanwhile), or all those for `channel` (its sender starts, maybe with other quiet
        hours, or none). How many."""
        async with self._write:
            cursor = await self._db.execute(
                "UPDATE outbox SET not_before = ? WHERE state = 'pending' AND not_before > ? "
                "AND kind IN ('alert', 'correction') AND error LIKE ? "
                "AND (? IS NULL OR channel = ?) AND (? IS NULL OR (CASE WHEN kind = 'alert' "
                "THEN ref ELSE substr(ref, 1, instr(ref, char(10)) - 1) END) "  # a correction's
                "IN (SELECT value FROM json_each(?)))",  # ref: 'id\nedit\n[numbers]'
                (
                    now,
                    now,
                    f"{QUIET_HELD}%",
                    channel,
                    channel,
                    *[None if notices is None else json.dumps(list(notices))] * 2,
                ),
            )
        return max(cursor.rowcount, 0)

    async def held_for_morning(self, now: float) -> dict[str, tuple[int, float]]:
        """Per channel, the alerts and corrections held by quiet hours (QUIET_HELD) and
        still waiting at `now`: how many, and when the first of them goes (/healthz)."""
        async with self._db.execute(
            "SELECT channel, COUNT(*), MIN(not_before) FROM outbox WHERE state = 'pending' "
            "AND kind IN ('alert', 'correction') AND not_before > ? AND error LIKE ? "
            "GROUP BY channel ORDER BY channel",
            (now, f"{QUIET_HELD}%"),
        ) as cursor:
            return {row[0]: (int(row[1]), float(row[2])) for row in await cursor.fetchall()}

    async def is_unreachable(self, chat: ChatRef) -> bool:
        """Whether `chat` was found unreachable (`mark_unreachable`) and has not
        subscribed since: what it followed was dropped then."""
        async with self._db.execute(
            "SELECT 1 FROM unreachable WHERE channel = ? AND chat_id = ?",
            (chat.channel, chat.chat_id),
        ) as cursor:
            return await cursor.fetchone() is not None

    async def mark_unreachable(self, item: OutboxItem, reason: str, now: float) -> bool:
        """`item`'s chat blocked the bot (or is gone): drop its subscriptions and waiting
        messages, and remember it (a new subscription clears that).

        Nothing is written, and False returned, when `item` is gone: the chat sent /forget
        while the message was leaving, and nothing about it may be kept.
        """
        chat = item.chat
        async with self._write, self._transaction():
            async with self._db.execute("SELECT 1 FROM outbox WHERE id = ?", (item.id,)) as cur:
                if await cur.fetchone() is None:
                    return False
            await self._db.execute(
                "INSERT OR REPLACE INTO unreachable (channel, chat_id, since, reason) "
                "VALUES (?, ?, ?, ?)",
                (chat.channel, chat.chat_id, now, reason),
            )
            await self._db.execute(
                "DELETE FROM subscriptions WHERE channel = ? AND chat_id = ?",
                (chat.channel, chat.chat_id),
            )
            await self._drop_unsubscribed(chat)
            await self._db.execute(
                "UPDATE outbox SET state = 'failed', done_at = ?, error = ? "
                "WHERE channel = ? AND chat_id = ? AND state IN ('pending', 'sending')",
                (now, reason, chat.channel, chat.chat_id),
            )
        return True

    async def move_chat(self, chat: ChatRef, new_chat_id: str, now: float) -> int:
        """The chat lives on under `new_chat_id` (a Telegram group upgraded to a
        supergroup): its subscriptions and the messages waiting for it move there, and so
        do the alerts it has read (a correction of one goes to the new id) and the parts of
        a long alert it got while the rest did not go out. What the new id
        has already stays (a topic it follows too; a message queued for both ids is sent
        once). Returns how many waiting messages moved."""
        old = (chat.channel, chat.chat_id)
        new = (chat.channel, new_chat_id)
        async with self._write, self._transaction():
            await self._db.execute(  # a group upgraded is a group still
                "INSERT OR IGNORE INTO chats (channel, chat_id, is_group) VALUES (?, ?, "
                "COALESCE((SELECT is_group FROM chats WHERE channel = ? AND chat_id = ?), 0))",
                (*new, *old),
            )
            # As for a chat that subscribes: one marked unreachable can be reached again.
            await self._db.execute("DELETE FROM unreachable WHERE channel = ? AND chat_id = ?", new)
            await self._db.execute(
                "INSERT OR IGNORE INTO subscriptions (channel, chat_id, topic_id, since) "
                "SELECT channel, ?, topic_id, since FROM subscriptions "
                "WHERE channel = ? AND chat_id = ?",
                (new_chat_id, *old),
            )
            await self._db.execute(
                "DELETE FROM subscriptions WHERE channel = ? AND chat_id = ?", old
            )
            await self._drop_unsubscribed(chat)
            cursor = await self._db.execute(
                "UPDATE OR IGNORE outbox SET chat_id = ? "
                "WHERE channel = ? AND chat_id = ? AND state = 'pending'",
                (new_chat_id, *old),
            )
            moved = max(cursor.rowcount, 0)
            await self._db.execute(
                "UPDATE OR IGNORE outbox SET chat_id = ? WHERE channel = ? AND chat_id = ? "
                "AND kind IN ('alert', 'correction') AND state IN ('sent', 'sending')",
                (new_chat_id, *old),
            )
            await self._db.execute(  # those the new id has already
                "UPDATE outbox SET state = 'dropped', done_at = ?, error = ? "
                "WHERE channel = ? AND chat_id = ? AND state = 'pending'",
                (now, f"the chat moved to {new_chat_id}, which has it already", *old),
            )
            # The parts of a long alert the old id got: its members see them in the new
            # one (Telegram shows the old group's messages there), so the rest goes on.
            await self._db.execute(
                "UPDATE OR IGNORE alert_parts SET chat_id = ? WHERE channel = ? AND chat_id = ?",
                (new_chat_id, *old),
            )
        return moved

    async def drop_pushes(
        self, channels: Sequence[str], now: float, error: str, queued_by: float
    ) -> int:
        """Drop the alerts and broadcasts waiting for `channels` (ones the bot does not
        run) that were queued by `queued_by`; how many."""
        async with self._write:
            cursor = await self._db.execute(
                "UPDATE outbox SET state = 'dropped', done_at = ?, error = ? "
                "WHERE kind IN ('alert', 'message', 'correction') "
                "AND state IN ('pending', 'sending') "
                "AND channel IN (SELECT value FROM json_each(?)) AND created_at <= ?",
                (now, error, json.dumps(list(channels)), queued_by),
            )
        return max(cursor.rowcount, 0)

    async def outbox_counts(self, since: float) -> dict[str, int]:
        """State -> alerts and broadcasts (not staff answers, not notes to admins): those
        waiting, and those finished since `since`; 'blocked': how many of those 'failed'
        were for a chat that blocked the bot (or is gone) and is still unreachable."""
        async with self._db.execute(
            "SELECT state, COUNT(*) FROM outbox WHERE kind IN ('alert', 'message', 'correction') "
            "AND (state IN ('pending', 'sending') OR done_at >= ?) GROUP BY state",
            (since,),
        ) as cursor:
            counts = {row[0]: row[1] for row in await cursor.fetchall()}
        async with self._db.execute(
            "SELECT COUNT(*) FROM outbox o WHERE kind IN ('alert', 'message', 'correction') "
            "AND state = 'failed' AND done_at >= ? AND EXISTS (SELECT 1 FROM unreachable u "
            "WHERE u.channel = o.channel AND u.chat_id = o.chat_id)",
            (since,),
        ) as cursor:
            row = await cursor.fetchone()
        if row and row[0]:
            counts["blocked"] = int(row[0])
        return counts

    # --- the question log ----------------------------------------------------------

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
            await self._db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value)
            )

    async def log_question(self, chat: ChatRef, text: str, answered: bool, now: float) -> None:
        async with self._write:
            await self._db.execute(
                "INSERT INTO questions (channel, chat_id, asked_at, text, answered) "
                "VALUES (?, ?, ?, ?, ?)",
                (chat.channel, chat.chat_id, now, text[:MAX_LOGGED_CHARS], int(answered)),
            )

    async def latest_question(self, chat: ChatRef, since: float) -> str | None:
        """The chat's latest question logged since `since` (as logged), or None."""
        async with self._db.execute(
            f"SELECT text {_LATEST_QUESTION}", (chat.channel, chat.chat_id, since)
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None else str(row[0])

    async def latest_asked(self, chat: ChatRef, since: float) -> tuple[str, bool, float] | None:
        """The chat's latest question logged since `since` (as logged), whether it was
        answered, and when; or None."""
        async with self._db.execute(
            f"SELECT text, answered, asked_at {_LATEST_QUESTION}",
            (chat.channel, chat.chat_id, since),
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None else (str(row[0]), bool(row[1]), float(row[2]))

    async def take_back_answer(
        self, chat: ChatRef, since: float, text: str | None = None
    ) -> tuple[str, bool] | None:
        """The resident says the bot's answer missed: the chat's latest question logged
        since `since` counts from now on as not answered (/unanswered shows it to staff,
        /stats counts it so), and the entry they opened from the close matches offered
        for it (`note_choice`), if any, as no entry they picked: it missed too. Returns
        the question (as logged) and whether it had been answered; None when none is
        logged. `text`: the latest logged so (in a group, a member's own question: the log
        keeps no asker)."""
        async with self._write:
            async with self._db.execute(
                f"SELECT id, text, answered, chosen {_latest_question(text)}",
                (chat.channel, chat.chat_id, since, *([text] if text is not None else [])),
            ) as cursor:
                row = await cursor.fetchone()
            if row is None:
                return None
            if row[2] or row[3] is not None:
                await self._db.execute(
                    "UPDATE questions SET answered = 0, chosen = NULL WHERE id = ?", (row[0],)
                )
        return row[1], bool(row[2])

    # --- an alert's parts sent ---------------------------------------------------------

    async def alert_parts_sent(self, chat: ChatRef, digest: str) -> int:
        """How many parts of the alert `digest` went out to `chat` while the rest has not
        (`note_alert_parts`); 0 when none is known."""
        async with self._db.execute(
            "SELECT sent FROM alert_parts WHERE channel = ? AND chat_id = ? AND digest = ?",
            (chat.channel, chat.chat_id, digest),
        ) as cursor:
            row = await cursor.fetchone()
        return 0 if row is None else int(row[0])

    async def note_alert_parts(
        self, chat: ChatRef, digest: str, sent: int, now: float, read: str | None = None
    ) -> None:
        """`sent` parts of the alert `digest` went out to `chat`, and `read` says what the
        chat read in them (JSON, see `alert_parts_read`); 0: all of them (or none to
        keep): the row goes."""
        async with self._write:
            if sent:
                await self._db.execute(
                    "INSERT OR REPLACE INTO alert_parts (channel, chat_id, digest, sent, at, "
                    "read) VALUES (?, ?, ?, ?, ?, ?)",
                    (chat.channel, chat.chat_id, digest, sent, now, read),
                )
            else:
                await self._db.execute(
                    "DELETE FROM alert_parts WHERE channel = ? AND chat_id = ? AND digest = ?",
                    (chat.channel, chat.chat_id, digest),
                )

    async def alert_parts_read(self, chat: ChatRef) -> list[tuple[str, str]]:
        """The alerts partly sent to `chat` whose read part is known: (digest, what was
        read, as `note_alert_parts` kept it), the latest first."""
        async with self._db.execute(
            "SELECT digest, read FROM alert_parts WHERE channel = ? AND chat_id = ? "
            "AND read IS NOT NULL ORDER BY at DESC",
            (chat.channel, chat.chat_id),
        ) as cursor:
            return [(row[0], row[1]) for row in await cursor.fetchall()]

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
        key = (chat.channel, chat.chat_id)
        async with self._db.execute(
            "SELECT id, at FROM offered_matches WHERE channel = ? AND chat_id = ?", key
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        async with self._write:
            await self._db.execute(
                "DELETE FROM offered_matches WHERE channel = ? AND chat_id = ?", key
            )
        return str(row[0]), float(row[1])

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

    async def question_counts(self, since: float) -> tuple[int, int]:
        """(questions, unanswered questions) asked since `since`."""
        async with self._db.execute(
            "SELECT COUNT(*), COALESCE(SUM(answered = 0), 0) FROM questions WHERE asked_at >= ?",
            (since,),
        ) as cursor:
            row = await cursor.fetchone()
        return (row[0], row[1]) if row else (0, 0)

    async def unanswered(self, since: float, limit: int = 500) -> list[str]:
        """The latest questions the bot could not answer, newest first."""
        return [text for text, _ in await self.unanswered_choices(since, limit)]

    async def unanswered_choices(
        self, since: float, limit: int = 500
    ) -> list[tuple[str, str | None]]:
        """`unanswered`, each with the FAQ entry the resident then opened from the close
        matches offered (`note_choice`), if any."""
        async with self._db.execute(
            "SELECT text, chosen FROM questions WHERE answered = 0 AND asked_at >= ? "
            "ORDER BY asked_at DESC LIMIT ?",
            (since, limit),
        ) as cursor:
            return [(row[0], row[1]) for row in await cursor.fetchall()]

    async def note_choice(
        self, chat: ChatRef, entry_id: str, since: float, text: str | None = None
    ) -> bool:
        """The resident opened FAQ entry `entry_id` from the close matches offered for
        their latest question: kept with that question if it was logged since `since`,
        unanswered, with no choice kept yet (the first pick is the one that answered
        them). Whether it was kept. `text`: as `take_back_answer`'s."""
        async with self._write:
            cursor = await self._db.execute(
                f"UPDATE questions SET chosen = ? WHERE id = (SELECT id {_latest_question(text)}) "  # noqa: S608
                "AND answered = 0 AND chosen IS NULL",
                (
                    entry_id,
                    chat.channel,
                    chat.chat_id,
                    since,
                    *([text] if text is not None else []),
                ),
            )
            return cursor.rowcount > 0

    async def purge(self, before: float) -> int:
        """Delete logged questions, finished outbox rows, what a chat was shown last, the
        parts of an alert it got, the subject of its follow-ups and the close match it was
        asked about, older than `before`."""
        async with self._write:
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
            await self._db.execute(
                "DELETE FROM messages WHERE created_at < ? AND NOT EXISTS ("
                "SELECT 1 FROM outbox WHERE kind IN ('message', 'note') "
                "AND ref = CAST(messages.id AS TEXT))",
                (before,),
            )
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
        keeps elsewhere, first); returns rows deleted."""
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
            for table in tables:
                cursor = await self._db.execute(
                    f'DELETE FROM "{table}" WHERE channel = ? AND chat_id = ?',  # noqa: S608
                    (chat.channel, chat.chat_id),
                )
                deleted += max(cursor.rowcount, 0)
        return deleted
