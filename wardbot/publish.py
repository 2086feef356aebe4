"""Publishing an announcement from the command line: validate, copy into content/, index."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from wardbot.config import Settings
from wardbot.loader import load_announcement, load_faq


class PublishError(Exception):
    """The announcement cannot be published; the message says why, as `file:line: ...`."""


def publish(source: Path, settings: Settings) -> Path:
    """Copy a valid announcement into the content folder and bring the index up to date.

    Nothing is copied when the file has a problem or would replace another notice.
    """
    source = Path(source)
    topics = load_faq(settings.faq_file).topics
    notice, problems = load_announcement(source, topics)
    if notice is None or problems:
        raise PublishError("\n".join(str(p) for p in problems) or f"{source}: cannot be read")
    target = settings.content_dir / source.name
    if target.exists() and target.resolve() != source.resolve():
        raise PublishError(f"{target}:1: an announcement with this name already exists")
    settings.content_dir.mkdir(parents=True, exist_ok=True)
    if target.resolve() != source.resolve():
        # Copy aside, then rename: the watcher never sees a half-written file.
        fd, tmp = tempfile.mkstemp(dir=settings.content_dir, prefix=".publish-", suffix=".tmp")
        os.close(fd)
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)
    from wardbot.engine import Engine

    Engine.open(settings.faq_file, settings.content_dir, settings.data_dir).close()
    return target
