"""A data folder whose disk is full, without root (no tmpfs): writes into it fail as they
do on a full disk, everything else on the machine is written as usual.

The failures are injected where the bot's writes meet the system. On a full disk a file
is still made (an empty one needs no room) and a write may even seem to succeed (the
page cache takes it); it fails when flushed to the disk, so `os.fsync` fails there; and
`os.statvfs` (`shutil.disk_usage`, `df`) shows no room there.
SQLite writes from its own C code, out of Python's reach: opening the database there for
writing fails with SQLite's message.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import sqlite3
from pathlib import Path
from typing import Any

import aiosqlite
import pytest

NO_SPACE = os.strerror(errno.ENOSPC)  # "No space left on device"
# The statements that ask SQLite for room.
_WRITES = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


def inside(path: str | os.PathLike[str], folder: Path) -> bool:
    try:
        return Path(os.path.abspath(path)).is_relative_to(folder.resolve())
    except (TypeError, ValueError):
        return False


def no_space(error: int = errno.ENOSPC) -> OSError:
    return OSError(error, os.strerror(error))


def fill(
    folder: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    flushes: bool = True,
    error: int = errno.ENOSPC,
) -> None:
    """From now on `folder`'s disk is full: SQLite cannot open its database there for
    writing and, with `flushes`, no file written there reaches the disk. Without
    `flushes`: a disk with a few kilobytes left, where a small file still fits.
    `error=errno.EDQUOT`: the bot's user has used its quota there instead; `df` (statvfs)
    shows room, writes fail all the same, and SQLite says only "disk I/O error"."""
    real_connect = aiosqlite.connect
    said = "database or disk is full" if error == errno.ENOSPC else "disk I/O error"

    def connect(database: Any, *args: Any, **kwargs: Any) -> Any:
        if not kwargs.get("uri") and inside(str(database), folder):
            raise sqlite3.OperationalError(said)
        return real_connect(database, *args, **kwargs)

    monkeypatch.setattr(aiosqlite, "connect", connect)
    if error != errno.ENOSPC:
        flushes = True  # a quota: no write goes through, whatever `df` shows
    else:
        _no_room_shown(folder, monkeypatch, 0 if flushes else 8 * 1024)
    if not flushes:
        return
    real_fsync = os.fsync

    def fsync(fd: Any) -> None:
        fd = fd if isinstance(fd, int) else fd.fileno()
        try:
            where = os.readlink(f"/proc/self/fd/{fd}").removesuffix(" (deleted)")
        except OSError:  # not a file of this process's: the real call says what is wrong
            where = ""
        if where and inside(where, folder):
            raise no_space(error)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)


def _no_room_shown(folder: Path, monkeypatch: pytest.MonkeyPatch, left: int) -> None:
    """`os.statvfs` (`df`) shows `left` bytes free on `folder`'s disk."""
    real_statvfs = os.statvfs

    def statvfs(path: Any) -> os.statvfs_result:
        found = real_statvfs(path)
        if not inside(path, folder):
            return found
        blocks = left // found.f_frsize
        return os.statvfs_result((*found[:3], blocks, blocks, *found[5:]))

    monkeypatch.setattr(os, "statvfs", statvfs)


class IndexDisk:
    """The search index's folder on a disk that is full (`error`: ENOSPC), or that the bot
    may not write (EACCES), until `room()`: Whoosh creates no file under `folder`, and no
    file written there reaches the disk; the rest of the data folder is written as usual."""

    def __init__(
        self, folder: Path, monkeypatch: pytest.MonkeyPatch, error: int = errno.ENOSPC
    ) -> None:
        from whoosh.filedb.filestore import FileStorage

        self.full = True
        real_create, real_fsync = FileStorage.create_file, os.fsync

        def refused() -> OSError:
            return OSError(error, os.strerror(error))

        def create_file(storage: FileStorage, *args: Any, **kwargs: Any) -> Any:
            if self.full and inside(storage.folder, folder):
                raise refused()
            return real_create(storage, *args, **kwargs)

        def fsync(fd: Any) -> None:
            fd = fd if isinstance(fd, int) else fd.fileno()
            where = ""
            with contextlib.suppress(OSError):  # not a file: the real call says what is wrong
                where = os.readlink(f"/proc/self/fd/{fd}").removesuffix(" (deleted)")
            if self.full and where and inside(where, folder):
                raise refused()
            real_fsync(fd)

        monkeypatch.setattr(FileStorage, "create_file", create_file)
        monkeypatch.setattr(os, "fsync", fsync)

    def room(self) -> None:
        self.full = False


def sqlite_io_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on the open database refuses every write with "disk I/O error": what
    SQLite (3.40, WAL or not) says of a write the file system refuses with EDQUOT, a disk
    quota reached (SQLITE_IOERR_WRITE: only ENOSPC is "full" to it), or with EIO. Reads go
    on."""
    for name in ("execute", "executemany"):
        real = getattr(aiosqlite.Connection, name)

        def refusing(self: aiosqlite.Connection, sql: str, *args: Any, _real: Any = real) -> Any:
            if _WRITES.match(sql):
                raise sqlite3.OperationalError("disk I/O error")
            return _real(self, sql, *args)

        monkeypatch.setattr(aiosqlite.Connection, name, refusing)
