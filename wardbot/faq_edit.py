"""The FAQ editor staff use from chat (➕, /variant, /newfaq, /undo, /redo): `FaqEditor`.

It makes each edit in a thread (wardbot.faq_write: how faq.yaml is edited in place, and
only when safe), then has the bot reload; keeps what /undo needs, across a restart too
(`UNDO_JOURNAL`); and tells admins when a hand save dropped edits made from chat
(wardbot.faq_guard), which /redo adds again.

Callers import the file-editing API from here too (`add_variant`, `add_entry`, `undo`...).
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import datetime as dt
import json
import logging
import os
import threading
import time
import zlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wardbot import messages as msg
from wardbot.faq_doc import FaqEditError as FaqEditError
from wardbot.faq_file import FaqFile
from wardbot.faq_file import same_words as same_words
from wardbot.faq_guard import JOURNAL as CHAT_EDITS_JOURNAL
from wardbot.faq_guard import ChatEdit, ChatEdits, fingerprint
from wardbot.faq_write import BEFORE_EDIT_COPIES as BEFORE_EDIT_COPIES
from wardbot.faq_write import FaqEdit as FaqEdit
from wardbot.faq_write import add_entry as add_entry
from wardbot.faq_write import add_variant as add_variant
from wardbot.faq_write import one_line, stamp_of
from wardbot.faq_write import slug as slug
from wardbot.faq_write import undo as undo
from wardbot.hours import VIETNAM
from wardbot.loader import keep_copy, load_if_served
from wardbot.process import partial_file
from wardbot.staff_read import Stamp

log = logging.getLogger(__name__)


# An edit made from chat (➕, /variant, /newfaq) can be undone with /undo this long after.
UNDO_FOR = msg.UNDO_MINUTES * 60.0
UNDO_KEPT = 20  # edits /undo can take back one after the other, the latest first
# In the data folder, what /undo needs of the edits made within UNDO_FOR, so that it works
# after a restart too: the file before and after each (compressed), when, and what.
UNDO_JOURNAL = "faq.undo.json"
# In the backup folder: faq.yaml as the latest chat edit a hand save overwrote left it, for
# staff to copy back what they lost (`FaqEditor.note_overwritten`).
AFTER_LOST_EDIT = "faq.after-chat-edit.yaml"


@dataclass(frozen=True)
class _Done:
    """The latest edit made from chat: when, and what undoing it takes back (for staff)."""

    edit: FaqEdit
    at: float
    what: str
    # The way of asking it added (a variant, or a new entry's question), for telling when a
    # hand save drops it (`FaqEditor.note_overwritten`); "" in a journal written before.
    asked: str = ""
    new_entry: bool = False

    def to_json(self) -> dict[str, Any]:
        edit = self.edit
        return {
            "faq_file": os.path.realpath(edit.faq_file),
            "entry_id": edit.entry_id,
            "backup": None if edit.backup is None else str(edit.backup),
            "before": _pack(edit.before),
            "after": _pack(edit.after),
            "at": self.at,
            "what": self.what,
            "asked": self.asked,
            "new_entry": self.new_entry,
        }

    @classmethod
    def from_json(cls, item: dict[str, Any], faq_file: Path) -> _Done:
        backup = item["backup"]
        edit = FaqEdit(
            faq_file,
            str(item["entry_id"]),
            None if backup is None else Path(backup),
            _unpack(item["before"]),
            _unpack(item["after"]),
        )
        asked, new_entry = str(item.get("asked", "")), bool(item.get("new_entry", False))
        return cls(edit, float(item["at"]), str(item["what"]), asked, new_entry)

    def told(self) -> tuple[str, str, str, bool]:
        """The edit as admins are told it was overwritten: when (HH:MM, the ward's time),
        the entry, the way of asking it added, whether it made the entry."""
        at = dt.datetime.fromtimestamp(self.at, VIETNAM).strftime("%H:%M")
        return at, self.edit.entry_id, self.asked, self.new_entry


def _pack(data: bytes) -> str:
    return base64.b64encode(zlib.compress(data)).decode("ascii")


def _unpack(text: str) -> bytes:
    return zlib.decompress(base64.b64decode(text, validate=True))


def _read_journal(path: Path, faq_file: Path) -> list[_Done]:
    """The edits `path` keeps of `faq_file` (of another, named before a restart: none);
    none from a journal that cannot be read, which is said in the log."""
    try:
        items = json.loads(path.read_bytes())["edits"]
        real = os.path.realpath(faq_file)
        return [_Done.from_json(i, faq_file) for i in items if i["faq_file"] == real]
    except FileNotFoundError:
        return []
    except (OSError, ValueError, KeyError, TypeError, zlib.error) as exc:
        log.warning("%s cannot be read (%s): /undo starts afresh", path, exc)
        return []


def _write_journal(path: Path, done: Sequence[_Done]) -> None:
    """`done` in place of `path`, whole or not at all; no file when there is none. A
    journal that cannot be written leaves /undo to this run, which is said in the log."""
    try:
        if not done:
            path.unlink(missing_ok=True)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"edits": [d.to_json() for d in done]}, ensure_ascii=False)
        with partial_file(path, mode=0o600) as out:  # the file may be a staff's own
            out.write(text.encode("utf-8"))
    except OSError as exc:
        log.warning("%s cannot be written (%s): /undo lasts until a restart", path, exc)


class FaqEditor:
    """faq.yaml edits asked for in a chat (wardbot.desk, wardbot.admin): made in a thread,
    the previous version kept in `backup_dir`, then `reload` so the bot answers with them.

    An edit is written beside faq.yaml, then renamed over it: its folder must be writable
    (a read-only mount, or a folder of another user's, is not). Callers ask `can_edit()`
    before offering an edit; admins are told once why not (`tell_admins`), and again
    should the folder become read-only after being writable."""

    def __init__(
        self,
        faq_file: Path,
        backup_dir: Path,
        reload: Callable[[], Awaitable[object]],
        *,
        tell_admins: Callable[[str], Awaitable[object]] | None = None,
        warn_admins: Callable[[str], Awaitable[object]] | None = None,
        on_writable: Callable[[], Awaitable[object]] | None = None,
        saving: Callable[[], bool] = lambda: False,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.faq_file = faq_file
        self.clock = clock
        self.backup_dir = backup_dir
        # The edits made from chat, the latest last, for /undo: each takes back the latest
        # left. Those within UNDO_FOR are kept in the journal too, for after a restart.
        self._journal = backup_dir / UNDO_JOURNAL
        # Written in a thread: one at a time, each with the edits kept when it runs, so
        # that of two edits at once the journal ends with both.
        self._journal_lock = threading.Lock()
        # Every edit made from chat, watched until a hand save shows it (faq_guard).
        self._edits = ChatEdits(backup_dir / CHAT_EDITS_JOURNAL, faq_file, clock)
        self._done: list[_Done] = _read_journal(self._journal, faq_file)
        if (recent := self._recent()) != self._done:  # those past UNDO_FOR go
            self._done = recent
            self._write()
        # The bot reads its staff files again; it may return False when nothing could be
        # applied yet (another file still being saved: ContentWatcher.refresh).
        self.reload = reload
        # Whether faq.yaml is being saved or uploaded (ContentWatcher.saving): an edit
        # renamed over it then would keep what was written so far and lose the rest.
        self.saving = saving
        self.tell_admins = tell_admins
        # Told each time edits made from chat are found overwritten (`note_overwritten`).
        self.warn_admins = warn_admins
        # Told that the folder is writable (again) since the start or the last note: so
        # that a note kept across restarts (wardbot.app: Alerts.tell_admins_once) is over.
        self.on_writable = on_writable
        self._told = False
        self._writable_told = False
        # faq.yaml as this editor last wrote it: its own write, not applied yet while an
        # edit just made reloads, is no staff save in progress (`saving`) to wait for.
        self._wrote: Stamp | None = None

    @property
    def folder(self) -> Path:
        return Path(os.path.realpath(self.faq_file)).parent

    def writable(self) -> bool:
        """Whether the bot may write faq.yaml's folder (as its effective user)."""
        effective = os.access in os.supports_effective_ids
        return os.access(self.folder, os.W_OK | os.X_OK, effective_ids=effective)

    async def can_edit(self) -> bool:
        """`writable()`; when not, admins are told why (once, until it is writable again)."""
        if self.writable():
            if self.on_writable is not None and not self._writable_told:
                await self.on_writable()
            self._told, self._writable_told = False, True
            return True
        if not self._told:
            self._told, self._writable_told = True, False
            log.warning("%s cannot be written: staff cannot edit faq.yaml from chat", self.folder)
            if self.tell_admins is not None:
                await self.tell_admins(msg.faq_folder_read_only_note(str(self.folder)))
        return False

    def _refuse_to_write(self) -> None:
        if not self.writable():
            raise FaqEditError(msg.faq_folder_read_only(str(self.folder)))
        if self.saving() and (self._wrote is None or stamp_of(self.faq_file) != self._wrote):
            raise FaqEditError(msg.faq_being_saved(str(self.faq_file)))

    async def add_variant(self, entry_id: str, variant: str) -> FaqEdit:
        self._refuse_to_write()
        edit = await asyncio.to_thread(
            add_variant, self.faq_file, entry_id, variant, backup_dir=self.backup_dir
        )
        self._wrote = edit.written
        what = msg.faq_undone_variant(entry_id, variant)
        await self._keep(_Done(edit, self.clock(), what, one_line(variant)))
        return dataclasses.replace(edit, applied=await self._reloaded())

    def _base(self, edit: FaqEdit) -> str:
        """A variant's entry as it was before `edit` added it (the variant is its last)."""
        assert edit.entry is not None
        return fingerprint(dataclasses.replace(edit.entry, variants=edit.entry.variants[:-1]))

    async def add_entry(self, question: str, answer: str, entry_id: str | None = None) -> FaqEdit:
        self._refuse_to_write()
        edit = await asyncio.to_thread(
            add_entry,
            self.faq_file,
            question,
            answer,
            backup_dir=self.backup_dir,
            entry_id=entry_id,
        )
        self._wrote = edit.written
        what = msg.faq_undone_entry(edit.entry_id, question)
        await self._keep(_Done(edit, self.clock(), what, one_line(question), new_entry=True))
        return dataclasses.replace(edit, applied=await self._reloaded())

    async def _reloaded(self) -> bool:
        """The bot reloaded now; False when `reload` says nothing could be applied yet (a
        staff file still being saved: the watcher applies it once it is)."""
        return await self.reload() is not False

    async def _keep(self, done: _Done) -> None:
        self._done = [*self._done[-(UNDO_KEPT - 1) :], done]
        edit = done.edit
        answer = edit.entry.answer if done.new_entry and edit.entry is not None else ""
        base = "" if done.new_entry else self._base(edit)
        watched = ChatEdit(done.at, edit.entry_id, done.asked, done.new_entry, answer, base)
        self._edits.made(watched, edit.after)
        await asyncio.to_thread(self._write)

    @staticmethod
    def _key(done: _Done) -> tuple[float, str, str, bool]:
        return done.at, done.edit.entry_id, done.asked, done.new_entry

    def _recent(self) -> list[_Done]:
        """The edits /undo may still take back: made within UNDO_FOR."""
        now = self.clock()
        return [done for done in self._done if now - done.at <= UNDO_FOR]

    def _write(self) -> None:
        """The journals, as the edits kept now: /undo's, those within UNDO_FOR (none: no
        file); the chat edits watched (faq_guard)."""
        snapshot = self._edits.snapshot()
        with self._journal_lock:
            _write_journal(self._journal, self._recent())
        self._edits.write(snapshot)

    def _read(self) -> FaqFile | None:
        """faq.yaml as the bot serves it: of two entries sharing an id (one copied above the
        other, its id left), the one an edit went to, as the bot chose it; None while the bot
        serves the last good version instead, edits and all (`load_if_served`)."""
        return load_if_served(self.faq_file, self.backup_dir)

    async def note_overwritten(self) -> None:
        """After faq.yaml was read again: the edits made from chat that a hand save dropped
        (faq_guard: not yet shown by one, or within UNDO_FOR) are told to admins, once, with
        /redo to add them again: an officer saved faq.yaml from an editor still holding it
        as it was before them, say. The file is left as saved; those edits leave /undo's
        journal (/undo cannot take back what is gone). Not while faq.yaml does not read, or
        lost a whole section (a mistyped `faq:` header): the last good version serves."""
        # Those made before the file is read (one made while it is read is in it or not,
        # as the read fell).
        looked = self._edits.current()
        if not looked:
            return
        faq = await asyncio.to_thread(self._read)
        if faq is None:
            return
        lost, back = self._edits.check(looked, faq, recent=UNDO_FOR)
        now = self.clock()
        if back and self.warn_admins is not None:
            await self.warn_admins(msg.faq_undone_edits_back([e.told(now) for e in back]))
        if not lost:
            await asyncio.to_thread(self._write)  # those a hand save showed, or brought back
            return
        for edit in lost:
            log.warning(
                "faq.yaml was saved without an edit made from chat at %s (%s)",
                *edit.told(now)[:2],
            )
        keys = {edit.key for edit in lost}
        undoable = [done for done in self._done if self._key(done) in keys]
        kept: str | None = None
        if undoable:  # what was lost, whole (a new entry's answer too), to copy back
            copy = self.backup_dir / AFTER_LOST_EDIT
            try:
                await asyncio.to_thread(keep_copy, [copy], undoable[-1].edit.after)
                kept = str(copy)
            except OSError as exc:
                log.warning("%s cannot be written (%s)", copy, exc)
        if self.warn_admins is not None:  # told first: should it fail, told at the next read
            await self.warn_admins(
                msg.faq_chat_edits_overwritten([e.told(now) for e in lost], kept)
            )
        self._done = [done for done in self._done if done not in undoable]
        await asyncio.to_thread(self._write)

    async def redo(self) -> str:
        """/redo: the edits a hand save dropped (`note_overwritten`) added again to faq.yaml
        as it is now, keeping the hand changes and comments; each can then be undone as
        any. One whose entry was changed by hand since (or removed, or whose way of asking
        another entry now has) is not forced: said, with why, and kept for a later /redo
        (one added back by hand meanwhile goes). What staff are told."""
        lost = self._edits.lost()
        if not lost:
            return msg.FAQ_REDO_NOTHING
        try:
            self._refuse_to_write()
        except FaqEditError as exc:
            return msg.faq_edit_failed(str(exc))
        added: list[ChatEdit] = []
        already: list[ChatEdit] = []
        refused: list[tuple[ChatEdit, str]] = []
        for edit in lost:
            faq = await asyncio.to_thread(self._read)
            if faq is not None and edit.in_file(faq):
                already.append(edit)
                self._edits.drop(edit.key)
                continue
            try:
                made = await asyncio.to_thread(self._add_again, edit)
            except FaqEditError as exc:
                refused.append((edit, str(exc)))
                continue
            self._wrote = made.written
            self._edits.drop(edit.key)
            what = (
                msg.faq_undone_entry(made.entry_id, edit.asked)
                if edit.new_entry
                else msg.faq_undone_variant(made.entry_id, edit.asked)
            )
            await self._keep(_Done(made, self.clock(), what, edit.asked, edit.new_entry))
            added.append(dataclasses.replace(edit, entry_id=made.entry_id))  # renamed by hand
        await asyncio.to_thread(self._write)
        applied = await self._reloaded() if added else True
        now = self.clock()
        return msg.faq_redone(
            [e.told(now) for e in added],
            [e.told(now) for e in already],
            [(e.told(now), why) for e, why in refused],
            applied=applied,
        )

    def _add_again(self, edit: ChatEdit) -> FaqEdit:
        if edit.new_entry:
            return add_entry(
                self.faq_file,
                edit.asked,
                edit.answer,
                backup_dir=self.backup_dir,
                entry_id=edit.entry_id,
            )
        return add_variant(
            self.faq_file,
            edit.entry_id,
            edit.asked,
            backup_dir=self.backup_dir,
            unchanged=edit.base,
        )

    async def undo(self) -> str:
        """/undo: the latest edit made from chat not yet undone taken back (within
        UNDO_FOR, while faq.yaml is as it left it), and the bot reloaded: what was undone,
        to tell staff, and whether /undo again takes back the one before. Two officers'
        edits in a row: the second's goes first, then the first's. Raises FaqEditError
        saying why not."""
        if not self._done:
            raise FaqEditError(msg.FAQ_UNDO_NOTHING)
        done = self._done[-1]
        if self.clock() - done.at > UNDO_FOR:
            raise FaqEditError(msg.faq_undo_too_late())
        self._refuse_to_write()
        # Out of the lists while faq.yaml is put back: not told lost by a read meanwhile.
        self._done.remove(done)
        watched = self._edits.drop(self._key(done))
        try:
            self._wrote = await asyncio.to_thread(undo, done.edit, backup_dir=self.backup_dir)
        except BaseException:  # kept, in its place among the edits made since
            self._done.insert(sum(d.at <= done.at for d in self._done), done)
            if watched is not None:
                self._edits.put_back(watched)
            raise
        # A save from an editor holding it would bring it back.
        self._edits.undone(watched, done.edit.before, done.edit.after)
        await asyncio.to_thread(self._write)
        log.info("faq.yaml: an edit made from chat undone (%s)", done.edit.entry_id)
        applied = await self._reloaded()
        # The one before can be undone next: recent, and faq.yaml now as it left it.
        earlier = self._done[-1] if self._done else None
        more = (
            earlier is not None
            and self.clock() - earlier.at <= UNDO_FOR
            and earlier.edit.after == done.edit.before
        )
        return msg.faq_undone(done.what, more=more, applied=applied)


async def undo_for_staff(editor: FaqEditor | None) -> str:
    """/undo, in the staff group or an admin's private chat: what staff are told."""
    if editor is None:
        return msg.faq_edit_failed(msg.FAQ_EDIT_OFF)
    try:
        return await editor.undo()
    except FaqEditError as exc:
        return msg.faq_undo_failed(str(exc))
