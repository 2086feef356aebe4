"""A read-only database read from a copy that holds its write-ahead log too."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from wardbot.scratch import OwnedFolder, remove_stale

log = logging.getLogger(__name__)

COPY_PREFIX = "wardbot-db-"


class Copy:
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


def with_its_log(path: Path) -> Copy | None:
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
        return Copy(path)
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
