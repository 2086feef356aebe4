"""Chat edits of faq.yaml (➕, /variant, /newfaq) watched until a hand save shows them.

An officer who saves faq.yaml from an editor still holding it as it was before an edit made
from chat drops that edit. The bot cannot tell that save from a deliberate removal by
itself, so each chat edit is watched until a save the bot did not write (a hand save) has
it: that officer's editor then held it, and a later save without it is taken as meant.
A save without it before that is taken as made from an old copy: the edit is "lost",
admins are told once, and /redo adds it again (`FaqEditor.redo`). Within /undo's 30
minutes an edit is told lost even after a hand save showed it (two officers' editors).
An edit undone (/undo) is watched the other way: a hand save that has it again, from an
editor that read faq.yaml between the edit and its undo, brings it back, and admins are
told; once a hand save without it comes past /undo's 30 minutes, it is no longer watched.

Bounded: an edit is watched for WATCH_DAYS after it was made, a lost one kept for /redo
WATCH_DAYS after it was told; at most KEPT of them (the oldest go first). What is kept
(`faq.chat-edits.json` in the data folder) is what the edits added, which faq.yaml itself
publishes, and digests of the bot's own writes of faq.yaml: no chat, no resident.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import math
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wardbot.faq_file import FaqFile, same_words
from wardbot.hours import VIETNAM
from wardbot.models import FaqEntry
from wardbot.process import partial_file

WATCH_DAYS = 30
WATCH_FOR = WATCH_DAYS * 86400.0
KEPT = 100
OWN_KEPT = 20  # the bot's latest writes of faq.yaml, told from hand saves by their digest
JOURNAL = "faq.chat-edits.json"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChatEdit:
    """One edit made from chat, as the guard keeps it."""

    at: float
    entry_id: str
    asked: str  # the way of asking it added: a variant, or the new entry's question
    new_entry: bool = False
    answer: str = ""  # a new entry's answer, to add it again
    # A variant's entry as it was before the edit (`fingerprint`): /redo adds it again only
    # to that entry unchanged, never over a hand change of it.
    base: str = ""
    shown: bool = False  # a hand save has had it since it was made
    lost_at: float | None = None  # when admins were told a hand save dropped it
    undone_at: float | None = None  # when /undo took it back

    @classmethod
    def from_json(cls, item: object) -> ChatEdit:
        """As `snapshot` keeps it (a journal written before `undone_at`, or with fields a
        later version adds, reads too); ValueError or TypeError when its types are not."""
        if not isinstance(item, dict):
            raise TypeError(f"not an edit: {item!r}")
        lost, undone = item.get("lost_at"), item.get("undone_at")
        return cls(
            _seconds(item["at"]),
            _text(item["entry_id"]),
            _text(item["asked"]),
            item.get("new_entry", False) is True,
            _text(item.get("answer", "")),
            _text(item.get("base", "")),
            item.get("shown", False) is True,
            None if lost is None else _seconds(lost),
            None if undone is None else _seconds(undone),
        )

    @property
    def key(self) -> tuple[float, str, str, bool]:
        return self.at, self.entry_id, self.asked, self.new_entry

    def told(self, now: float) -> tuple[str, str, str, bool]:
        """As admins are told of it: when (HH:MM, the ward's time; with the day when not
        today), the entry, the way of asking it added, whether it made the entry."""
        at = dt.datetime.fromtimestamp(self.at, VIETNAM)
        today = dt.datetime.fromtimestamp(now, VIETNAM).date()
        when = at.strftime("%H:%M") if at.date() == today else at.strftime("%H:%M %d/%m")
        return when, self.entry_id, self.asked, self.new_entry

    def in_file(self, faq: FaqFile) -> bool:
        """faq.yaml asks it (anywhere, as a question or a variant); a new entry: or has an
        entry under its id (its question reworded by hand)."""
        wanted = same_words(self.asked)
        if any(wanted == same_words(t) for e in faq.faq for t in (e.question, *e.variants)):
            return True
        return self.new_entry and any(e.id == self.entry_id for e in faq.faq)

    def as_made(self, faq: FaqFile) -> bool:
        """faq.yaml has it as it was made: its entry with that way of asking."""
        wanted = same_words(self.asked)
        for entry in faq.faq:
            asks = (entry.question,) if self.new_entry else entry.variants
            if entry.id == self.entry_id and any(same_words(t) == wanted for t in asks):
                return True
        return False


def _seconds(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"not a time: {value!r}")
    return float(value)


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"not a text: {value!r}")
    return value


def fingerprint(entry: FaqEntry) -> str:
    """What /redo compares an entry with: its content, not where it stands in the file."""
    parts = [entry.id, entry.question, entry.answer, entry.variants, entry.topics, entry.links]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode("utf-8")).hexdigest()


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class ChatEdits:
    """The chat edits watched and lost, kept in `path` across restarts."""

    def __init__(self, path: Path, faq_file: Path, clock: Callable[[], float]) -> None:
        self.path = path
        self.faq_file = os.path.realpath(faq_file)
        self.clock = clock
        self.edits: list[ChatEdit] = []
        self.own: list[str] = []
        self._lock = threading.Lock()
        self._version = 0
        self._written = 0
        self._read()

    # ----------------------------------------------------------- what is kept

    def current(self) -> list[ChatEdit]:
        """Those within their WATCH_FOR (made, or told lost), the newest KEPT."""
        now = self.clock()
        kept = [e for e in self.edits if now - (e.lost_at or e.at) <= WATCH_FOR]
        return kept[-KEPT:]

    def lost(self) -> list[ChatEdit]:
        return [e for e in self.current() if e.lost_at is not None]

    def made(self, edit: ChatEdit, written: bytes) -> None:
        """`edit` watched; an undone one it adds again (meant: from chat) no longer is."""
        again = same_words(edit.asked)
        kept = [e for e in self.current() if e.undone_at is None or same_words(e.asked) != again]
        self.edits = [*kept, edit]
        self.wrote(written)

    def wrote(self, data: bytes) -> None:
        """faq.yaml as the bot wrote it: a read of it is no hand save."""
        self.own = [*self.own[-(OWN_KEPT - 1) :], digest(data)]

    def drop(self, key: tuple[float, str, str, bool]) -> ChatEdit | None:
        """The edit with `key` out (undone, added again); it, or None."""
        found = next((e for e in self.edits if e.key == key), None)
        self.edits = [e for e in self.edits if e.key != key]
        return found

    def put_back(self, edit: ChatEdit) -> None:
        self.edits = sorted([*self.edits, edit], key=lambda e: e.at)

    def undone(self, edit: ChatEdit | None, before: bytes, after: bytes) -> None:
        """/undo put faq.yaml back from `after` to `before`; `edit` (out since `drop`, None
        when not watched) watched for a save bringing it back. `after` saved again is no
        longer the bot's write: an editor saving what it held unchanged, a sync tool
        copying it back, bring the edit back too."""
        gone = digest(after)
        self.own = [d for d in self.own if d != gone]
        self.wrote(before)
        if edit is not None:
            self.put_back(dataclasses.replace(edit, undone_at=self.clock()))

    # --------------------------------------------------------------- the check

    def check(
        self, looked: Sequence[ChatEdit], faq: FaqFile, *, recent: float
    ) -> tuple[list[ChatEdit], list[ChatEdit]]:
        """faq.yaml read as `faq`; `looked`: the edits kept before it was read (one made or
        undone meanwhile is left alone). Those a hand save dropped are marked lost and
        returned (each once); a watched edit a hand save has is marked shown; a lost one
        the file has again (added back by hand) goes. `recent`: seconds within which an
        edit is told lost even once shown (/undo's). One whose entry an edit broke, served
        as it last read (`FaqFile.kept`: the bot's copy, not the file's), is left as it is
        until the entry reads again: neither lost (/redo cannot add to it) nor shown.
        Returned second (each once): the undone edits a hand save brought back."""
        now = self.clock()
        hand = digest(faq.data) not in self.own
        newly: list[ChatEdit] = []
        back: list[ChatEdit] = []
        changed: dict[tuple[float, str, str, bool], ChatEdit | None] = {}
        for edit in looked:
            if edit not in self.edits or edit.entry_id in faq.kept:
                continue
            if edit.undone_at is not None:
                if hand and edit.as_made(faq):
                    changed[edit.key] = None
                    back.append(edit)
                elif hand and now - edit.undone_at > recent:  # that editor is past the undo
                    changed[edit.key] = None
                continue
            present = edit.in_file(faq)
            if edit.lost_at is not None:
                if present:
                    changed[edit.key] = None
            elif present:
                if hand and not edit.shown:
                    changed[edit.key] = dataclasses.replace(edit, shown=True)
            elif not edit.shown or now - edit.at <= recent:
                changed[edit.key] = dataclasses.replace(edit, lost_at=now)
                newly.append(changed[edit.key])  # type: ignore[arg-type]
            else:  # taken out by hand by someone whose editor had it
                changed[edit.key] = None
        edits = [changed.get(e.key, e) for e in self.edits]
        self.edits = [e for e in edits if e is not None]
        return newly, back

    # ------------------------------------------------------------- the journal

    def _read(self) -> None:
        try:
            kept = json.loads(self.path.read_bytes())
            if kept["faq_file"] != self.faq_file:  # another faq.yaml before a restart
                return
            edits = [ChatEdit.from_json(item) for item in kept["edits"]]
            own = [_text(d) for d in kept["own"]][-OWN_KEPT:]
            self.edits, self.own = edits, own
        except FileNotFoundError:
            return
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("%s cannot be read (%s): chat edits are watched afresh", self.path, exc)

    def snapshot(self) -> tuple[int, bytes]:
        """What `write` writes: taken in the event loop, written in a thread."""
        self._version += 1
        edits = [dataclasses.asdict(e) for e in self.current()]
        data: dict[str, Any] = {"faq_file": self.faq_file, "edits": edits, "own": self.own}
        return self._version, json.dumps(data, ensure_ascii=False).encode("utf-8")

    def write(self, snapshot: tuple[int, bytes]) -> None:
        """The journal as `snapshot`, unless a later one was written already; one that
        cannot be written leaves the watch to this run, which is said in the log."""
        version, data = snapshot
        with self._lock:
            if version < self._written:
                return
            self._written = version
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with partial_file(self.path, mode=0o600) as out:
                    out.write(data)
            except OSError as exc:
                log.warning(
                    "%s cannot be written (%s): chat edits are watched until a restart",
                    self.path,
                    exc,
                )
