"""What the whole process is set up with, once, before anything heavy is imported.

`bot.py` calls `prepare()` first thing; the benchmarks' workers call it too, so they
measure the process the bot really is. (How memory is handed out once the engine is open
is set by `Engine.open`: see wardbot.memory.)
"""

from __future__ import annotations

import codecs
import contextlib
import fcntl
import glob
import io
import logging
import os
import signal
import stat
import sys
import tempfile
import time
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import FrameType
from typing import BinaryIO, NoReturn

log = logging.getLogger(__name__)

# A partial file younger than this is left alone: its writer may not have locked it yet.
PARTIAL_GRACE_SECONDS = 60.0


def prepare() -> None:
    # Small vector products (a question against every document) are fastest on one
    # thread, and extra BLAS threads stall on a busy host; numpy reads this on import.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


# What a terminal that cannot show Vietnamese (LANG=C where Python does not turn it into
# UTF-8, a Latin-1 locale, PYTHONIOENCODING=ascii) is sent instead of the letters it lacks:
# them without their accents, as residents themselves type, and the bot's few symbols in
# ASCII; nothing for an emoji or another symbol, "?" for any other letter.
UNACCENTED = "wardbot-unaccented"
_ASCII_SYMBOLS = str.maketrans(
    {"─": "-", "•": "*", "“": '"', "”": '"', "‘": "'", "’": "'", "…": "...", "–": "-"}
    | {"—": "-", "đ": "d", "Đ": "D"}
)


def _unaccented(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    lacking = error.object[error.start : error.end].translate(_ASCII_SYMBOLS)
    bare = "".join(
        c
        for c in unicodedata.normalize("NFD", lacking)
        if unicodedata.category(c)[0] not in "MS" and unicodedata.category(c) != "Cf"
    )
    return bare.encode("ascii", "replace").decode("ascii"), error.end


def readable_stdio() -> None:
    """Standard output and error that never stop the program on a letter the terminal's
    encoding lacks (`_unaccented`), and standard input that never stops the chat on bytes
    its encoding cannot read (each becomes U+FFFD), nor on being closed."""
    codecs.register_error(UNACCENTED, _unaccented)
    if sys.stdin is None:  # started with it closed (`<&-`): it reads as empty
        sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 (the process's)
    for stream, errors in (
        (sys.stdout, UNACCENTED),
        (sys.stderr, UNACCENTED),
        (sys.stdin, "replace"),
    ):
        if isinstance(stream, io.TextIOWrapper):
            with contextlib.suppress(ValueError):  # closed
                stream.reconfigure(errors=errors)


def stop_on_sigterm() -> None:
    """From now on SIGTERM ends the process (exit status 143), until the running bot sets
    its own handler (a graceful stop). In the Docker image the bot is PID 1, and the
    kernel drops any signal PID 1 has no handler for: a `docker stop` while the bot was
    still starting was lost, and Docker killed the bot 10 s later, mid-send."""
    signal.signal(signal.SIGTERM, _exit_on_signal)


def _exit_on_signal(signum: int, frame: FrameType | None) -> NoReturn:
    raise SystemExit(128 + signum)


def remove_killed_partials(path: Path) -> None:
    """Delete the partial copies of `path` (`.NAME.*.tmp`) that processes killed while
    writing them left: nothing else would, and a bot killed over and over at that moment
    (out of memory after a large build) filled its disk. One is being written while its
    writer holds its lock (see `partial_file`): a process id would not tell, since a bot
    in another container is in another process namespace (and both are pid 1 there)."""
    prefix = f".{path.name}."
    now = time.time()
    for partial in path.parent.glob(f"{glob.escape(prefix)}*.tmp"):
        try:
            with partial.open("rb") as file:
                if now - os.fstat(file.fileno()).st_mtime < PARTIAL_GRACE_SECONDS:
                    continue
                fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                partial.unlink(missing_ok=True)  # no one's: its writer is gone
        except OSError:  # being written (locked), gone meanwhile, or not ours to read
            continue


def create_private(path: Path) -> None:
    """Make `path` an empty file that only its owner may read or write (0o600), unless
    something is there already. SQLite takes an empty file for a new database, and gives
    the write-ahead log and shared memory it makes beside it the database's permissions:
    a database begun so (residents' chats, subscriptions, questions and tickets) is not
    readable by every user of the server, as one made under the usual umask (0o644) is.
    A folder that cannot be written is left for SQLite to report in its own words."""
    with contextlib.suppress(OSError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def keep_private(paths: Iterable[Path]) -> None:
    """Make each of `paths` that other users may read or write (a database made before
    `create_private`, or restored with `cp` from such a backup: 0o644) its owner's alone,
    when the owner is the bot's user; a symbolic link, a missing file and another user's
    file are left as they are. Says in one line what it changed; a file system that refuses
    (mounted read-only), or takes the change but keeps no permissions, is said in one line
    too, and the bot goes on all the same."""
    tightened: list[str] = []
    refused: list[str] = []
    unkept: list[str] = []
    why = ""
    for path in paths:
        try:
            found = os.lstat(path)
        except OSError:  # not there (no write-ahead log yet), or not ours to look at
            continue
        mode = stat.S_IMODE(found.st_mode)
        if not stat.S_ISREG(found.st_mode) or found.st_uid != os.geteuid() or not mode & 0o077:
            continue
        try:
            os.chmod(path, mode & 0o700)
        except OSError as exc:
            refused.append(str(path))
            why = exc.strerror or str(exc)
        else:
            with contextlib.suppress(OSError):
                mode = stat.S_IMODE(os.lstat(path).st_mode)
            # A file system that keeps no permissions (a Windows drive under WSL, a USB
            # stick) takes the change and forgets it: saying it was made would be untrue.
            (unkept if mode & 0o077 else tightened).append(str(path))
    if tightened:
        log.warning(
            "%s could be read by other users of this server: now by the bot's user only",
            ", ".join(tightened),
        )
    if refused:
        log.warning(
            "%s can be read by other users of this server, and could not be made private "
            "(%s): run chmod 600 on it as the bot's user",
            ", ".join(refused),
            why,
        )
    if unkept:
        log.warning(
            "%s can be read by other users of this server, and its file system keeps no "
            "permissions (a Windows drive, a USB stick?): chmod changes nothing there; keep "
            "the bot's data folder on a Linux file system",
            ", ".join(unkept),
        )


@contextlib.contextmanager
def partial_file(path: Path, *, mode: int = 0o644) -> Iterator[BinaryIO]:
    """A file to write `path`'s new content into, moved over `path` when the block ends
    well (and removed when it does not): a name of its own, whichever process writes
    (`bot.py ask` beside a running bot), and locked until it is moved, so that no other
    process's `remove_killed_partials` takes it meanwhile. `mode`: 0o644 as open() makes
    a file; 0o600 for one that may hold a secret."""
    remove_killed_partials(path)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    partial = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            os.fchmod(out.fileno(), mode)
            # Where the filesystem has no locks (NFS without its lock daemon) the minute
            # of grace still keeps the file from a cleaner.
            with contextlib.suppress(OSError):
                fcntl.flock(out.fileno(), fcntl.LOCK_EX)
            yield out
            out.flush()
            os.fsync(out.fileno())  # whole on disk before it replaces the last good copy
            os.replace(partial, path)  # still locked: never taken for a killed one's
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
