"""Temporary folders the bot makes under TMPDIR, and removes again even after a crash.

The bot sometimes works from a temporary folder: a copy of its database to read (a
read-only data folder), a stand-in data folder (one it cannot write), a search index
built aside (the data folder's disk full). It removes them when it stops, but a bot
killed meanwhile (kill -9, docker kill, out of memory) cannot: they stay, on a disk that
is often the full one. So each folder names what it stands in for in OWNER, whose lock
the bot holds while it runs (the system lets go of it when the process ends, however it
ends), and the next start removes the folders left for the same source whose lock it can
take (`remove_stale`). A running bot's folders, and those of other sources, stay.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import tempfile
from pathlib import Path
from types import TracebackType

log = logging.getLogger(__name__)

OWNER = "owner.json"  # in each folder: what it stands in for, and the bot's pid
# The folders made for a data folder: a stand-in for it (wardbot.datadir), and a search
# index built aside (wardbot.live_index). The database's copies are wardbot.store's.
STAND_IN = "wardbot-data-"
INDEX_ASIDE = "wardbot-index-"


class OwnedFolder:
    """A new folder `prefix*` under TMPDIR, owned by this process while it runs, for
    `source` (a file or a folder of the bot's). Used like tempfile.TemporaryDirectory."""

    def __init__(self, prefix: str, source: Path) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix=prefix)
        self.name = self._folder.name
        self._owner: int | None = None
        try:
            self._owner = os.open(Path(self.name) / OWNER, os.O_WRONLY | os.O_CREAT, 0o600)
            fcntl.flock(self._owner, fcntl.LOCK_EX | fcntl.LOCK_NB)
            owner = {"source": str(source.resolve()), "pid": os.getpid()}
            os.write(self._owner, json.dumps(owner).encode())
        except BaseException:
            self.cleanup()
            raise

    def cleanup(self) -> None:
        if self._owner is not None:
            os.close(self._owner)
            self._owner = None
        self._folder.cleanup()

    def __enter__(self) -> str:
        return self.name

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.cleanup()


def remove_stale(prefix: str, source: Path) -> int:
    """Remove the folders `prefix*` under TMPDIR made for `source` by bots no longer
    running; returns how many. Others' folders, and those of a running bot, are left."""
    wanted = str(source.resolve())
    removed = 0
    for folder in Path(tempfile.gettempdir()).glob(f"{prefix}*"):
        try:
            fd = os.open(folder / OWNER, os.O_RDONLY)
        except OSError:  # not one of ours, or not readable
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            owner = json.loads(os.read(fd, 65536) or b"{}")
        except (OSError, ValueError):  # its bot is running (or the file is not ours)
            continue
        finally:
            os.close(fd)
        if isinstance(owner, dict) and owner.get("source") == wanted:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
            log.info("removed a copy of %s a stopped bot left in %s", source, folder.parent)
    return removed
