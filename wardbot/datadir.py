"""The data folder: whether the bot can write there, and a stand-in folder when it cannot.

Answering needs no writes. When DATA_DIR cannot be written (a read-only mount, the wrong
owner, a full disk), the search index is built in a temporary folder seeded with what
DATA_DIR holds, and the database is opened read-only (see Store.open): the bot answers,
reads the saved subscriptions, and saves nothing until the folder is writable again.

Whether it can be written is tried with real bytes flushed to the disk (an empty file is
made on a full disk all the same); a write that fails anyway while the engine or the
database opens (the disk filled up meanwhile, or had only a few kilobytes left) sends the
bot down the same read-only path instead of stopping it.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import functools
import logging
import os
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from wardbot.config import Settings
from wardbot.scratch import INDEX_ASIDE, STAND_IN, OwnedFolder, remove_stale
from wardbot.store import Store
from wardbot.store.turns import no_room

if TYPE_CHECKING:
    from wardbot.engine import Engine

log = logging.getLogger(__name__)

DATABASE = "bot.sqlite3"
PROBE_BYTES = 64 * 1024  # written and flushed to find a full disk; about 16 database pages
READ_ONLY = (
    "the data folder %s cannot be written (%s): answering questions only; subscriptions, "
    "alerts and the question log resume once it is writable and the bot is restarted"
)
FULL = (
    "the data folder %s is full (%s): answering questions only; subscriptions, alerts and "
    "the question log resume once its disk has room and the bot is restarted"
)
NO_SCRATCH = (
    "the data folder {} cannot be written ({}), and no temporary folder can be written "
    "either to answer from meanwhile: make the data folder writable, or give the bot a "
    "writable temporary folder (TMPDIR; with docker run --read-only, add --tmpfs /tmp)"
)
# What a write into the data folder raises when it fails: the file system's errors, and
# SQLite's ("disk I/O error", "database or disk is full", "attempt to write a readonly
# database"). A locked database is none of these: another process is writing.
WRITE_FAILURES = (OSError, sqlite3.OperationalError)
T = TypeVar("T")


def probe(folder: Path) -> Exception | None:
    """Why the bot cannot write in `folder` (made if missing); None when it can."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder) as probe:
            probe.write(os.urandom(PROBE_BYTES))  # random: no file system compresses it away
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as exc:
        return exc
    return None


def unwritable(folder: Path) -> str | None:
    """Why the bot could not write in `folder`, in a few words, without making it (as
    `bot.py check` asks, before the bot's first start); None when it could. A folder not
    made yet is looked at through the nearest one above it that is there."""
    there = folder
    while not there.exists() and not there.is_symlink() and there != there.parent:
        there = there.parent
    if there == folder:
        problem = probe(folder)
        return reason(problem) if problem is not None else _held_unwritable(folder)
    if not there.is_dir():
        return f"{there}: {not_a_folder(there)}"
    if not os.access(there, os.W_OK | os.X_OK):
        return f"{there}: {os.strerror(errno.EACCES)}"  # where it would be made
    return None


def _held_unwritable(folder: Path) -> str | None:
    """What the bot writes in place inside the writable `folder` and could not (the
    database, the search index's folders), as made by another user, say a restore or
    `bot.py index` run as root: the bot would start answering questions only, as for the
    folder itself. None when it could write them all."""
    database, index = folder / DATABASE, folder / "index"
    held = [database.with_name(database.name + end) for end in ("", "-wal", "-shm")]
    held.append(index)
    # Only the bot's own folders: a volume's lost+found, root's, is none of its business.
    for root, folders, _ in os.walk(index):
        held += [Path(root, name) for name in sorted(folders)]
    for path in held:
        wanted = os.W_OK | os.X_OK if path.is_dir() else os.W_OK
        if path.exists() and not os.access(path, wanted):
            return f"{path}: {os.strerror(errno.EACCES)}"
    return None


def reason(exc: BaseException) -> str:
    """Why a write failed, in a few words ("No space left on device")."""
    if isinstance(exc, FileExistsError | NotADirectoryError):  # DATA_DIR naming no folder
        return not_a_folder(exc.filename)
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)


def not_a_folder(path: str | os.PathLike[str] | None) -> str:
    """What is on `path` instead of a folder, in a few words: a file (a typo, a backup's
    name), or a symbolic link whose target is missing (the disk it points to is not
    mounted), which Python finds "existing" all the same."""
    if path is not None and os.path.islink(path):
        with contextlib.suppress(OSError):
            target = os.readlink(path)
            if not os.path.exists(path):
                where = os.path.normpath(os.path.join(os.path.abspath(path), "..", target))
                shown = target if os.path.isabs(target) else f"{target}, that is {where}"
                return (
                    f"{os.fspath(path)} is a symbolic link to {shown}, which does not exist: "
                    "is its disk mounted?"
                )
    return "a file, not a folder, is on that path"


def is_write_failure(exc: BaseException) -> bool:
    """Whether `exc` says the data folder cannot take a write (not a locked database)."""
    if isinstance(exc, sqlite3.OperationalError):
        return "locked" not in str(exc) and "busy" not in str(exc)
    return isinstance(exc, OSError)


def disk_full(folder: Path, exc: BaseException) -> bool:
    """Whether the write failed because the folder's disk is full."""
    if isinstance(exc, OSError) and exc.errno is not None:
        return exc.errno in (errno.ENOSPC, errno.EDQUOT)
    if "full" in str(exc):  # SQLite: "database or disk is full"
        return True
    return no_room(folder)  # SQLite says only "disk I/O error" when it cannot grow its files


class NoScratch(OSError):
    """Neither the data folder nor a temporary folder can be written: there is nowhere to
    answer from. The message says what to do (NO_SCRATCH)."""


@contextlib.contextmanager
def _stand_in(settings: Settings, problem: BaseException) -> Iterator[Settings]:
    """`settings` with a temporary data folder seeded with what DATA_DIR holds (the
    database aside: it is opened read-only where it is); says why, in one line."""
    full = disk_full(settings.data_dir, problem)
    log.error(FULL if full else READ_ONLY, settings.data_dir, reason(problem))
    try:
        folder = OwnedFolder(STAND_IN, settings.data_dir)
    except OSError:  # a read-only root too (docker run --read-only), or a full /tmp
        raise NoScratch(NO_SCRATCH.format(settings.data_dir, reason(problem))) from None
    with folder as scratch:
        with contextlib.suppress(OSError):  # an unreadable DATA_DIR: start from nothing
            shutil.copytree(
                settings.data_dir,
                scratch,
                ignore=shutil.ignore_patterns(f"{DATABASE}*"),
                dirs_exist_ok=True,
            )
        yield replace(settings, data_dir=Path(scratch))


@contextlib.contextmanager
def engine_for(
    settings: Settings,
    *,
    background_vectors: bool = False,
    failed: BaseException | None = None,
    embed_at_most: int | None = None,
) -> Iterator[tuple[Engine, bool]]:
    """(the engine over `settings`' files, whether the data folder is read-only).

    The engine's files go to a stand-in folder when the data folder cannot be written:
    found so before it opens, or when a write fails while it opens. `failed`: a write
    there failed already (the database's): go to the stand-in folder at once.
    `embed_at_most`: see Engine.open.
    """
    for prefix in (STAND_IN, INDEX_ASIDE):  # what a bot killed on this folder left
        try:
            remove_stale(prefix, settings.data_dir)
        except OSError as exc:  # the temporary folder cannot be listed: nothing to remove
            log.warning("cannot look for temporary folders left behind: %s", exc)
    problem = failed or probe(settings.data_dir)
    if problem is None:
        try:
            engine = settings.open_engine(
                background_vectors=background_vectors, embed_at_most=embed_at_most
            )
        except WRITE_FAILURES as exc:
            if not is_write_failure(exc):
                raise
            problem = exc
        else:
            try:
                yield engine, False
            finally:
                engine.close()
            return
    with _stand_in(settings, problem) as stand_in:
        engine = stand_in.open_engine(
            background_vectors=background_vectors, embed_at_most=embed_at_most
        )
        try:
            yield engine, True
        finally:
            engine.close()


@contextlib.asynccontextmanager
async def opened(
    settings: Settings, *, background_vectors: bool = True
) -> AsyncIterator[tuple[Engine, Store]]:
    """The engine and the database of `settings`, as `bot.py run` and `chat` serve them:
    both read-only when the data folder cannot be written, found so before they open or
    when a write fails while they do (`engine_for`). The engine opens in a thread of its
    own: a start-up interrupted meanwhile does not wait for it."""
    database = settings.data_dir / DATABASE
    with contextlib.ExitStack() as stack:

        def engine(failed: BaseException | None = None) -> tuple[Engine, bool]:
            return stack.enter_context(
                engine_for(settings, background_vectors=background_vectors, failed=failed)
            )

        engine_now, read_only = await in_thread(engine)
        try:
            store = await Store.open(database, read_only=read_only)
        except WRITE_FAILURES as exc:
            if read_only or not is_write_failure(exc):
                raise
            stack.close()  # the engine too: nothing is written in the data folder now
            engine_now, read_only = await in_thread(functools.partial(engine, exc))
            store = await Store.open(database, read_only=True)
        async with store:
            yield engine_now, store


async def in_thread(work: Callable[[], T]) -> T:
    """`work()` in a daemon thread, awaited: unlike asyncio.to_thread, a process that stops
    meanwhile (Ctrl-C while the engine opens) exits without waiting for it to finish."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[T] = loop.create_future()

    def settle(outcome: Callable[[], None]) -> None:
        if not done.done():  # cancelled meanwhile: nobody waits for it
            outcome()

    def run() -> None:
        try:
            result = work()
        except BaseException as exc:  # handed to the awaiting task, which raises it
            failure = exc
            with contextlib.suppress(RuntimeError):  # the loop is closed
                loop.call_soon_threadsafe(settle, lambda: done.set_exception(failure))
        else:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(settle, lambda: done.set_result(result))

    threading.Thread(target=run, name="opening", daemon=True).start()
    return await done
