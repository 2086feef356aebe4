"""The store's connection: opening (read-only too) and migrating the database, the
writers' turns and transactions, and whether what the bot saves is kept (/healthz)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from types import TracebackType
from typing import Self

import aiosqlite

from wardbot.process import create_private, keep_private
from wardbot.schema import MIGRATIONS
from wardbot.store.turns import BUSY_WAIT, LOCKED_WAIT, PROMPT_WAIT, Turns, no_room
from wardbot.store.wal_copy import Copy, with_its_log

log = logging.getLogger(__name__)


class StoreError(RuntimeError):
    """The database cannot be used (e.g. written by a newer version of the bot)."""


class Database:
    """The connection to the bot's database: opening and migrating it, its writers'
    turns and transactions, and whether it still saves (/healthz). The store's parts
    (wardbot.store) build on it."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db
        # One connection is shared by concurrent handlers: writes take turns, so a
        # transaction never interleaves with another coroutine's statements.
        self._write = Turns(db)
        self._copy: Copy | None = None  # a read-only database read from a copy
        # The database's file as opened ((device, inode) at its path): deleted or replaced
        # under the running bot, what it writes is lost at the restart (saves()).
        self._file: tuple[Path, tuple[int, int]] | None = None
        self._gone_told = False
        self._full_told = False
        # Writes in the data folder fail for lack of room while its disk shows room (a
        # disk quota reached): found, and found over, by wardbot.full_disk (a write tried).
        self.over_quota = False

    writable = True
    # How long a resident's own change (following a topic, /forget) waits at most for the
    # database before the resident is asked to try again shortly (see PROMPT_WAIT).
    prompt_wait = PROMPT_WAIT

    def saves(self) -> bool:
        """For /healthz: the data folder can be written (the bot did not start read-only),
        SQLite did not refuse the last write (a disk that filled while the bot runs), the
        database is still where it was opened, and its disk has room (two looks at the
        disk), and no disk quota is reached (`over_quota`)."""
        return (
            self.writable
            and self._write.refused is None
            and not self.over_quota
            and self._in_place()
            and self._room()
        )

    def full(self) -> bool:
        """Whether what the bot writes fails for lack of room: SQLite refused the last write
        as on a full disk ("database or disk is full"), or the database's disk has no room,
        or the bot's disk quota is reached (wardbot.full_disk tells admins)."""
        refused = self._write.refused
        return (refused is not None and "full" in refused) or (
            self.writable and (self.over_quota or not self._room())
        )

    def refused_io(self) -> bool:
        """Whether SQLite refused the last write with "disk I/O error": what it says of a
        write past a disk quota (EDQUOT, unlike ENOSPC, is no "full" to it), and of a
        failing disk (wardbot.full_disk tells the two apart)."""
        return self._write.refused is not None and "disk I/O" in self._write.refused

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
    async def open(cls, path: Path | str, *, read_only: bool = False) -> Self:
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
    async def _open(cls, path: Path | str) -> Self:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            create_private(Path(path))
            # Made by an older version, or restored from its backup: as it should be now.
            keep_private(Path(f"{path}{end}") for end in ("", "-wal", "-shm"))
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
    async def _open_read_only(cls, path: Path) -> Self:
        if not await asyncio.to_thread(path.exists):
            store = await cls.open(":memory:")
        else:
            # Without write access SQLite cannot make the write-ahead log's index file;
            # "immutable" reads the database file as it is (the bot is its only writer).
            # What a bot that stopped abruptly (a crash, a power cut) left in the
            # write-ahead log would go unread: the two are then read from a copy.
            copy = await asyncio.to_thread(with_its_log, path)
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

    async def __aenter__(self) -> Self:
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
