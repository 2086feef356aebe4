"""Plain data shared by the loader, the search engine and the channels."""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass, field
from typing import Literal, overload

DocType = Literal["faq", "announcement"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a staff-edited file, reported as `file:line: message`. A
    problem with a whole file or folder (missing, unreadable, misnamed) is at line 1:
    FORMATS.md's `file:line:` has no form without a line, and line 0 reads as a bug."""

    file: str
    line: int
    message: str
    # Seconds it must last before admins are told in chat (0: at once): a notice copied
    # to be edited into another is a copy only until the clerk edits it (wardbot.alerts).
    told_after: float = 0.0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Topic:
    """A subject residents can follow (health insurance, scholarships, ...)."""

    id: str
    name: str
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class FaqEntry:
    """A question and its answer, written by ward staff in faq.yaml."""

    id: str
    question: str
    answer: str
    variants: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    line: int = 0

    @property
    def title(self) -> str:
        return self.question


class _Compressed:
    """A text field kept deflated: a province's archive of notices takes a third of the
    memory. Reading it inflates it again (microseconds for a notice).

    What is kept is the deflated bytes, or anything whose `read()` returns them: a notice
    read back from the engine's saved state leaves its body in that file (wardbot.state).
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self._slot = f"_{name}_z"

    @overload
    def __get__(self, obj: None, owner: type) -> str: ...
    @overload
    def __get__(self, obj: object, owner: type | None = None) -> str: ...
    def __get__(self, obj: object | None, owner: type | None = None) -> str:
        if obj is None:
            raise AttributeError("no default")  # for dataclasses: a required field
        kept = getattr(obj, self._slot)
        return zlib.decompress(kept if isinstance(kept, bytes) else kept.read()).decode()

    def __set__(self, obj: object, value: str) -> None:
        object.__setattr__(obj, self._slot, zlib.compress(value.encode(), 1))


@dataclass(frozen=True)
class Announcement:
    """A notice published by the ward: one Markdown file in content/."""

    id: str
    title: str
    date: dt.date
    body: _Compressed = _Compressed()
    topics: tuple[str, ...] = ()
    source: str | None = None
    expires: dt.date | None = None
    # `urgent: true` (a storm, a water cut tonight): its alert goes out at once, even in
    # quiet hours (QUIET_HOURS), when other alerts wait for the morning.
    urgent: bool = False
    path: str = ""

    def is_current(self, today: dt.date) -> bool:
        return self.expires is None or today <= self.expires


def kept_body(notice: Announcement) -> object:
    """What holds a notice's body: its deflated bytes, or what reads them (see _Compressed)."""
    return notice.__dict__["_body_z"]


@dataclass
class Corpus:
    """Everything the bot knows: what loaded cleanly from faq.yaml and content/."""

    topics: list[Topic] = field(default_factory=list)
    faq: list[FaqEntry] = field(default_factory=list)
    announcements: list[Announcement] = field(default_factory=list)
    # Staff-defined synonyms from faq.yaml: term -> what it means (both as typed).
    synonyms: dict[str, list[str]] = field(default_factory=dict)

    def topic(self, topic_id: str) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)

    def document(self, doc_id: str) -> FaqEntry | Announcement | None:
        for entry in self.faq:
            if entry.id == doc_id:
                return entry
        for notice in self.announcements:
            if notice.id == doc_id:
                return notice
        return None


@dataclass(frozen=True)
class Hit:
    """One ranked search result."""

    type: DocType
    id: str
    title: str
    score: float
    doc: FaqEntry | Announcement


@dataclass(frozen=True)
class Answer:
    """What the engine says to a question: ranked results and whether it dares to answer.

    `answered` is False when the bot should tell the resident it has no answer;
    `results` may then still hold suggestions (close matches).
    """

    question: str
    answered: bool
    results: tuple[Hit, ...] = ()
    # When not answered: the close matches worth offering ("Có phải anh/chị muốn hỏi...");
    # empty when nothing is plausible enough and the bot just says it does not know.
    offers: tuple[Hit, ...] = ()

    @property
    def best(self) -> Hit | None:
        return self.results[0] if self.results else None
