"""Pictures staff put in an FAQ answer or a notice's text (`![mẫu CT01](hinh/ct01.png)`):
every channel shows residents text only, so the picture and its label are left out of
what they read (`plaintext.blocks`). `bot.py check` warns of each, at its line, and so
does the running bot, in chat, when staff save the answer or notice (wardbot.alerts)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from wardbot import messages as msg
from wardbot.models import Announcement, Corpus
from wardbot.plaintext import IMG_TAG, Picture, pictures
from wardbot.staff_read import staff_text, without_hidden_breaks


class Unseen(NamedTuple):
    """A picture residents will not see, at `file`:`line`; `in_faq`: in an FAQ answer
    (else in a notice), `held_in`: that answer's or notice's text."""

    file: str
    line: int
    picture: Picture
    in_faq: bool
    held_in: str

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def told(self, file: str | None = None) -> str:
        """The warning staff read of it (`bot.py check`, `announce`, the running bot's
        message), at its line of `file` (else of the file it was read from)."""
        picture = self.picture
        return msg.check_unseen_picture(
            f"{file or self.file}:{self.line}",
            picture.label,
            picture.address,
            in_faq=self.in_faq,
            link=picture.link,
            tag=picture.tag,
        )


def unseen_pictures(faq_file: Path, corpus: Corpus) -> Iterator[Unseen]:
    """Each picture in an FAQ answer, then in a notice."""
    lines = _lines(faq_file)
    starts = sorted(entry.line for entry in corpus.faq)
    for entry in sorted(corpus.faq, key=lambda e: e.line):
        found = pictures(entry.answer)
        if found:
            end = next((line for line in starts if line > entry.line), len(lines) + 1)
            for line, picture in _placed(found, lines, entry.line, end):
                yield Unseen(str(faq_file), line, picture, True, entry.answer)
    for notice in corpus.announcements:
        yield from notice_pictures(notice)


def notice_pictures(notice: Announcement) -> Iterator[Unseen]:
    """Each picture in a notice (`bot.py announce` warns of them too)."""
    found = pictures(notice.body)
    if found and notice.path:
        for line, picture in _placed(found, _lines(Path(notice.path)), 1, None):
            yield Unseen(str(notice.path), line, picture, False, notice.body)


def saves(found: Iterable[Unseen]) -> list[tuple[str, str, str, str, int]]:
    """Each picture of `found` as one save of the text holding it: the same at a reload of
    files unchanged or a move of its line, new when that answer or notice is saved again
    changed; one picture twice in a text is two. What is warned once per save (the running
    bot's admins, `bot.py chat`)."""
    alike: dict[tuple[str, str, str, str], int] = {}
    kept = []
    for unseen in found:
        key = (unseen.file, unseen.held_in, unseen.picture.label, unseen.picture.address)
        alike[key] = alike.get(key, -1) + 1
        kept.append((*key, alike[key]))
    return kept


def _lines(path: Path) -> list[str]:
    with contextlib.suppress(OSError, UnicodeDecodeError):
        return without_hidden_breaks(staff_text(path.read_bytes())).splitlines()
    return []


def _placed(
    found: list[Picture], lines: list[str], start: int, end: int | None
) -> Iterator[tuple[int, Picture]]:
    """Each picture with its line: the n-th "![" from line `start` (up to `end`), else the
    last one seen (or `start`: a picture written by reference or the file changed)."""
    marks = [
        number
        for number, text in enumerate(lines[start - 1 : None if end is None else end - 1], start)
        for _ in range(text.count("![") + len(IMG_TAG.findall(text)))
    ]
    for at, picture in enumerate(found):
        yield (marks[min(at, len(marks) - 1)] if marks else start), picture
