"""`bot.py backup FOLDER`: a copy of what the data folder holds that cannot be made again.

The database (subscriptions, alerts waiting, tickets, the question log) is copied with
SQLite's online backup, so the copy is whole and consistent while the bot runs: a plain
`cp` of `bot.sqlite3` would miss what is still in its write-ahead log. The other files the
bot keeps there (the portal's import log, the last good copies of faq.yaml, the undo
journal, withdrawn and replaced notices) are copied as they are. What the bot makes again
from faq.yaml and content/ by itself (the search index, the vectors, the analysis cache)
and its lock are left out.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from pathlib import Path

from wardbot.app import RUN_LOCK
from wardbot.datadir import DATABASE
from wardbot.process import create_private, keep_private
from wardbot.state import STATE_FILE
from wardbot.vectors import VECTOR_FILE

# Made again from faq.yaml and content/ (or held only while the bot runs).
REBUILT = frozenset({"index", VECTOR_FILE, STATE_FILE, RUN_LOCK})
# How long the copy waits for a writer holding the database (another program's lock).
BUSY_SECONDS = 10.0


class BackupError(Exception):
    """The backup cannot be made; the message says why, in one line, for the operator."""


def backup(data_dir: Path, folder: Path) -> list[str]:
    """Copy `data_dir`'s database and kept files into `folder` (new, or an empty folder);
    the names copied, the database first. Nothing is written into `data_dir` (but for
    SQLite folding a write-ahead log that a crashed bot left behind into the database, as
    the bot's next start would), and a backup that fails leaves no database in `folder`
    that could pass for a whole one."""
    database = data_dir / DATABASE
    if not database.is_file():
        raise BackupError(
            f"{data_dir} holds no {DATABASE}: name the bot's data folder "
            "(DATA_DIR, or --data; with Docker, run the command in the container)"
        )
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise BackupError(f"{folder} is not an empty folder: name a new one")
    try:
        if folder.resolve().is_relative_to(data_dir.resolve()):
            raise BackupError(f"{folder} is inside the data folder: name one outside it")
        folder.mkdir(parents=True, exist_ok=True)
        _copy_database(database, folder / DATABASE)
        copied = [DATABASE]
        for entry in sorted(data_dir.iterdir()):
            name = entry.name
            if name in REBUILT or name.startswith((DATABASE, ".")):
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.copytree(entry, folder / name, symlinks=True)
            elif entry.is_file():
                shutil.copy2(entry, folder / name)
            else:
                continue
            copied.append(name)
    except (OSError, sqlite3.Error) as exc:
        for left in (folder / DATABASE, folder / f"{DATABASE}.part"):
            with contextlib.suppress(OSError):
                left.unlink()
        raise BackupError(f"cannot back up {data_dir} into {folder} ({_why(exc)})") from None
    _keep_earlier_private(folder)
    return copied


def _keep_earlier_private(folder: Path) -> None:
    """The databases of the earlier backups beside `folder` (a nightly one's
    /srv/wardbot-backups/DATE) made the bot's user's alone, as this one's is: those taken
    by an older version were readable by every user of the server for as long as they
    are kept."""
    try:
        beside = [entry for entry in folder.parent.iterdir() if entry != folder]
    except OSError:  # a folder that cannot be listed: nothing to look at
        return
    keep_private(entry / DATABASE for entry in beside if entry.is_dir() and not entry.is_symlink())


def _copy_database(source: Path, target: Path) -> None:
    """`source` copied whole into `target` by SQLite's backup (written beside it first)."""
    part = target.with_name(target.name + ".part")
    with contextlib.suppress(FileNotFoundError):
        part.unlink()
    create_private(part)  # residents' data: for the bot's user only, wherever backups go
    src = sqlite3.connect(source, timeout=BUSY_SECONDS)
    try:
        dst = sqlite3.connect(part)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")  # one file: nothing beside it to copy
        finally:
            dst.close()
    finally:
        src.close()
    os.replace(part, target)


def _why(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)
