"""The writers' turns on the store's one connection, and telling SQLite refusing a write
(a full disk, a read-only file, another program's lock) from a fault of the bot's."""

from __future__ import annotations

import asyncio
import contextlib
import re
import shutil
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from types import TracebackType

import aiosqlite

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


class Turns:
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
