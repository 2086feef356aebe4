"""The data folder: whether the bot can write there, and a stand-in folder when it cannot.

Answering needs no writes. When DATA_DIR is read-only (a read-only mount, the wrong
owner), the search index is built in a temporary folder seeded with what DATA_DIR holds,
and the database is opened read-only (see Store.open): the bot answers, reads the saved
subscriptions, and saves nothing until the folder is writable again.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from wardbot.config import Settings

log = logging.getLogger(__name__)

DATABASE = "bot.sqlite3"
READ_ONLY = (
    "the data folder %s cannot be written (%s): answering questions only; subscriptions, "
    "alerts and the question log resume once it is writable and the bot is restarted"
)


def unwritable(folder: Path) -> str | None:
    """Why the bot cannot write in `folder` (made if missing); None when it can."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            return None
    except OSError as exc:
        return exc.strerror or str(exc)


@contextlib.contextmanager
def usable(settings: Settings) -> Iterator[tuple[Settings, bool]]:
    """(settings whose data folder the engine can write, whether DATA_DIR is read-only)."""
    problem = unwritable(settings.data_dir)
    if problem is None:
        yield settings, False
        return
    log.error(READ_ONLY, settings.data_dir, problem)
    with tempfile.TemporaryDirectory(prefix="wardbot-") as scratch:
        with contextlib.suppress(OSError):  # an unreadable DATA_DIR: start from nothing
            shutil.copytree(
                settings.data_dir,
                scratch,
                ignore=shutil.ignore_patterns(f"{DATABASE}*"),
                dirs_exist_ok=True,
            )
        yield replace(settings, data_dir=Path(scratch)), True
