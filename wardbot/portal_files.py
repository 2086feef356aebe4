"""Imported articles as notice files in content/: rendered with their front matter, named
after their date and title, checked as the bot will read them, then renamed in.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Collection
from pathlib import Path

from wardbot.config import Settings
from wardbot.models import Announcement, Topic
from wardbot.notices import load_announcement
from wardbot.portal_extract import Article
from wardbot.text import fold
from wardbot.topic_tags import notice_topics

REPLACED_DIR = "portal-replaced"


class Refused(Exception):
    """The loader would not serve the notice as written (too large for MAX_NOTICE_KB...)."""


class BacklogNotRemembered(Exception):
    """A feed's first read could not have its notices remembered as alerted: the whole feed
    fails (and is read for the first time again), or its items would be alerted later."""


class NoticeFiles:
    """Writing the importer's notices (with `dry_run`, nothing: only what would be written)."""

    def __init__(
        self,
        settings: Settings,
        topics: list[Topic],
        faq_ids: Collection[str],
        *,
        dry_run: bool,
        on_backlog: Callable[[Announcement], None] | None,
    ) -> None:
        self.settings = settings
        self.topics = topics
        self.faq_ids = faq_ids
        self.dry_run = dry_run
        self.on_backlog = on_backlog

    def render(self, article: Article, source: str | None) -> str:
        """The announcement file: front matter as FORMATS.md has it, then the text."""
        topics = notice_topics(article.title, article.body, self.topics)
        lines = [
            "---",
            f"title: {json.dumps(article.title, ensure_ascii=False)}",
            f"date: {article.date.isoformat()}",
        ]
        if topics:
            lines.append(f"topics: [{', '.join(topics)}]")
        if source:
            lines.append(f"source: {json.dumps(source, ensure_ascii=False)}")
        return "\n".join([*lines, "---", article.body, ""])

    def free_name(self, article: Article, rendered: str) -> str:
        """`date-slug.md`, or `date-slug-2.md`... when another notice (or FAQ id) has it;
        a file holding exactly `rendered` is this very notice."""
        stem = f"{article.date.isoformat()}-{slug(article.title)}"
        name, number = stem, 1
        while True:
            path = self.settings.content_dir / f"{name}.md"
            if name not in self.faq_ids and not path.exists():
                return path.name
            with contextlib.suppress(OSError, UnicodeDecodeError):
                if path.read_text(encoding="utf-8") == rendered:
                    return path.name
            number += 1
            name = f"{stem}-{number}"

    def publish(self, path: Path, text: str, *, backlog: bool = False) -> None:
        """Write the notice beside content/, check it as the bot will read it, then rename
        it in: the content watcher never sees a half-written or broken file."""
        if self.dry_run:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=path.parent, prefix=".portal-"))
        try:
            draft = staging / path.name
            draft.write_text(text, encoding="utf-8")
            with open(draft, "rb") as written:
                os.fsync(written.fileno())
            notice, problems = load_announcement(
                draft, self.topics, max_bytes=self.settings.max_notice_bytes
            )
            if notice is None or problems:
                raise Refused("; ".join(p.message for p in problems) or "không đọc được tệp")
            if backlog and self.on_backlog is not None:
                try:
                    self.on_backlog(notice)  # (its id: the file's name, the draft's too)
                except Exception as exc:
                    raise BacklogNotRemembered(f"{type(exc).__name__}: {exc}") from exc
            os.replace(draft, path)
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def keep_staff_version(self, path: Path, current: bytes) -> Path:
        folder = self.settings.data_dir / REPLACED_DIR
        folder.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        kept = folder / f"{path.stem}.{stamp}.md"
        kept.write_bytes(current)
        return kept


_SLUG_MAX = 70


def slug(title: str) -> str:
    """'Phường 5 trao thẻ BHYT...' -> 'phuong-5-trao-the-bhyt...', at most _SLUG_MAX long."""
    made = ""
    for word in re.findall(r"[a-z0-9]+", fold(title)):
        longer = f"{made}-{word}" if made else word
        if len(longer) > _SLUG_MAX:
            break
        made = longer
    return made or "thong-bao"
