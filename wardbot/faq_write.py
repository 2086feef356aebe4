"""Edit the staff's faq.yaml in place: add a way of asking to an entry, or a new entry.

Used when ward staff answer a resident's question in a group and an admin turns that
answer into FAQ knowledge ("closing the loop"). Synchronous: callers run it in a thread.

The staff's file stays as they wrote it. The file is not loaded and dumped again (a
round-trip dump re-indents every list to one style, joins wrapped lines, respaces inline
comments and puts an appended item after the comments that belong to the next key).
Instead, the loader's own YAML parser says where each node starts and ends
(wardbot.faq_doc), ruamel.yaml renders only the new lines (quoting, `|` blocks, unicode as
is, no line wrapping: wardbot.faq_lines), and those lines are spliced into the original
text with the indentation the file already uses. Every other byte is kept: comments, blank
lines, key order, quoting, line endings.

An edit is written only when it is safe:
- the edited text is written to a temporary file beside faq.yaml and read back with
  `load_faq`, the same checks as `bot.py check`: it must bring no new problem (problems
  the file already had elsewhere do not block it) and must read back as exactly the old
  FAQ plus the change;
- faq.yaml must not have changed on disk since it was read (else read again and retry
  once);
- the previous version is kept in the backup folder (the last three), then the new one
  replaces faq.yaml atomically, with the file's permissions.

Messages for refusals are in Vietnamese, for ward staff, and name `file:line` where a line
is concerned.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import tempfile
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString
from yaml.nodes import Node

from wardbot import messages as msg
from wardbot.faq_doc import (
    Doc,
    FaqEditError,
    Splice,
    apply_splice,
    broken,
    entry_ids,
    find_entry,
    located,
    read_doc,
    refuse_asked,
    refuse_asked_elsewhere,
    refuse_duplicate,
)
from wardbot.faq_file import LINE_REF, FaqFile, free_id, load_faq, same_words
from wardbot.faq_guard import fingerprint
from wardbot.faq_lines import entry_splice, scalar, variant_splice
from wardbot.loader import faq_usable, keep_copy, read_last_good
from wardbot.models import FaqEntry, Problem
from wardbot.staff_read import Stamp, file_stamp, without_hidden_breaks
from wardbot.text import fold

# Kept in the backup folder: the faq.yaml before the last edit, then the ones before it.
BEFORE_EDIT_COPIES = (
    "faq.before-edit.yaml",
    "faq.before-edit.1.yaml",
    "faq.before-edit.2.yaml",
)
SLUG_MAX = 50  # characters in an id made from a question
SLUG_WORDS = 6  # words of the question it keeps

_ID = re.compile(r"[a-z0-9-]+")
# Control characters YAML refuses (a pasted chat message may carry one); tab and newline stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")
# One edit at a time in this process; other writers are caught by the file's stamp.
_LOCK = threading.Lock()


@dataclass(frozen=True)
class FaqEdit:
    """An edit that was written."""

    faq_file: Path
    entry_id: str  # the entry changed or created
    backup: Path | None  # where the previous version was kept (always set by this module)
    before: bytes = b""  # the file as it was, and as the edit wrote it (`undo`)
    after: bytes = b""
    # The bot reloaded with it (FaqEditor); False: another staff file was still being
    # saved, and the watcher applies the edit by itself once it is.
    applied: bool = True
    written: Stamp | None = None  # faq.yaml's stamp once the edit was written
    entry: FaqEntry | None = None  # the entry changed or created, as the edit left it


# ------------------------------------------------------------------- public API


def add_variant(
    faq_file: Path, entry_id: str, variant: str, *, backup_dir: Path, unchanged: str = ""
) -> FaqEdit:
    """Append `variant` to the `variants:` list of FAQ entry `entry_id`.

    `unchanged`: the entry's `faq_guard.fingerprint` it must still have (/redo adding a
    lost variant again never over a hand change of its entry); refused when it does not.
    An entry only renamed by hand since (its id alone changed) is followed to its new id.

    The list is made when the entry has none. A variant the entry already has, or its
    question, is refused; so is one another entry asks (as its question or a variant),
    naming that entry: two entries asking the same split the match and the bot would
    answer neither. The comparison ignores case, accents, spacing and end punctuation.
    """
    variant = one_line(variant)
    if not _has_words(variant):
        raise FaqEditError(_NO_WORDS.format(what="Cách hỏi"))
    shown = str(faq_file)

    def plan(doc: Doc, before: FaqFile) -> _Plan:
        target = _renamed(doc, before, entry_id, unchanged) if unchanged else entry_id
        entry = find_entry(doc, target, shown, before)
        _refuse_broken(before, entry, target, shown)
        if unchanged and not any(
            e.id == target and _unchanged(e, entry_id, unchanged) for e in before.faq
        ):
            raise FaqEditError(msg.faq_redo_entry_changed(target))
        refuse_duplicate(entry, target, variant, shown)
        refuse_asked_elsewhere(doc, entry, target, variant, shown)
        splice = variant_splice(doc, entry, target, variant, shown)
        expected = [
            dataclasses.replace(e, variants=(*e.variants, variant)) if e.id == target else e
            for e in before.faq
        ]
        return _Plan(splice, target, expected)

    return _edit(Path(faq_file), Path(backup_dir), plan)


def _unchanged(entry: FaqEntry, entry_id: str, unchanged: str) -> bool:
    """Whether `entry` is as /redo's edit found entry `entry_id` (`unchanged`), but for its id."""
    return fingerprint(dataclasses.replace(entry, id=entry_id)) == unchanged


def _renamed(doc: Doc, before: FaqFile, entry_id: str, unchanged: str) -> str:
    """The id /redo adds a lost variant of entry `entry_id` under: its own while the entry
    there is unchanged; else the one entry staff only renamed since, even when its old id
    now names another entry (split off under it, say: never that one's); else its own
    while the file has it (refused as changed), else it is gone: refused."""
    renamed = [e.id for e in before.faq if _unchanged(e, entry_id, unchanged)]
    if entry_id in renamed:
        return entry_id
    if len(renamed) == 1:
        return renamed[0]
    if entry_id in entry_ids(doc):
        return entry_id
    raise FaqEditError(msg.faq_redo_entry_gone(entry_id))


def add_entry(
    faq_file: Path,
    question: str,
    answer: str,
    *,
    backup_dir: Path,
    entry_id: str | None = None,
    topics: Sequence[str] = (),
    variants: Sequence[str] = (),
) -> FaqEdit:
    """Append a new entry at the end of `faq:`.

    A question (or variant) that an entry already asks, as its question or a variant, is
    refused, naming that entry: two entries asking the same split the match and the bot
    would answer neither. Without `entry_id`, the id is made from the question (`slug`)
    and given a `-2`, `-3`... suffix when faq.yaml already uses it; a given id that is taken
    is refused. A multi-line answer is written as a `|` block. Repeated or empty variants
    are left out.
    """
    question = one_line(question)
    if not _has_words(question):
        raise FaqEditError(_NO_WORDS.format(what="Câu hỏi"))
    answer = _clean_answer(answer)
    topics = tuple(dict.fromkeys(t.strip() for t in topics if t.strip()))
    seen = {same_words(question)}
    kept: list[str] = []
    for text in map(one_line, variants):
        if text and same_words(text) not in seen:
            seen.add(same_words(text))
            kept.append(text)
    if entry_id is not None and not _ID.fullmatch(entry_id):
        raise FaqEditError(f"id '{entry_id}' không hợp lệ: chỉ dùng a-z, 0-9 và dấu '-'.")
    shown = str(faq_file)

    def plan(doc: Doc, before: FaqFile) -> _Plan:
        refuse_asked(doc, [question, *kept], shown)
        taken = entry_ids(doc)
        if entry_id is not None and entry_id in taken:
            raise FaqEditError(f"id '{entry_id}' đã có trong {shown}:{taken[entry_id]}.")
        # The ids entries left out for sharing one are told to take stay theirs.
        ids = {entry.id for entry in before.faq}
        told = {free_id(ident, ids): 0 for ident in before.doubled if ident in ids}
        new_id = entry_id or _unique(slug(question), {**taken, **told})
        pairs: list[tuple[str, Any]] = [("id", new_id), ("question", scalar(question))]
        if kept:
            pairs.append(("variants", CommentedSeq([scalar(v) for v in kept])))
        if "\n" in answer:
            pairs.append(("answer", LiteralScalarString(answer + "\n")))
        else:
            pairs.append(("answer", scalar(answer)))
        if topics:
            flow = CommentedSeq([scalar(t) for t in topics])
            flow.fa.set_flow_style()
            pairs.append(("topics", flow))
        entry = FaqEntry(new_id, question, answer, tuple(kept), topics)
        return _Plan(entry_splice(doc, pairs, shown), new_id, [*before.faq, entry])

    return _edit(Path(faq_file), Path(backup_dir), plan)


def slug(text: str) -> str:
    """An id made from a question: its first words, folded to ASCII, joined by '-'.

    'Mất thẻ BHYT thì làm sao?' -> 'mat-the-bhyt-thi-lam-sao'. At most SLUG_WORDS words and
    SLUG_MAX characters; 'cau-hoi' when nothing is left.
    """
    words = re.findall(r"[a-z0-9]+", fold(text))
    made = ""
    for word in words[:SLUG_WORDS]:
        longer = f"{made}-{word}" if made else word
        if len(longer) > SLUG_MAX:
            break
        made = longer
    if not made and words:
        made = words[0][:SLUG_MAX]
    return made or "cau-hoi"


@dataclass(frozen=True)
class _Plan:
    splice: Splice
    entry_id: str
    expected: list[FaqEntry]  # what load_faq must read from the edited file


_Planner = Callable[[Doc, FaqFile], _Plan]


# --------------------------------------------------------------- checking it


def _validate(doc: Doc, before: FaqFile, after: FaqFile, plan: _Plan, shown: str) -> None:
    """Refuse an edit that brings a problem or would not read back as intended."""
    splice = plan.splice

    def key(problem: Problem, to: Callable[[int], int]) -> tuple[int, str]:
        message = LINE_REF.sub(lambda m: f"dòng {to(int(m.group(1)))}", problem.message)
        return to(problem.line), message

    had = Counter(key(p, splice.to_new) for p in before.problems)
    has = Counter(key(p, splice.in_new) for p in after.problems)
    added = has - had
    new = [p for p in after.problems if key(p, splice.in_new) in added]
    if not after.ok_syntax or new:
        where = "\n".join(located(shown, p.line, p.message) for p in new or after.problems)
        raise FaqEditError(
            f"Không sửa {shown}: bản sửa sẽ gây lỗi (số dòng là của bản sau khi sửa):\n{where}"
        )

    def plain(entries: Sequence[FaqEntry]) -> list[FaqEntry]:
        return [dataclasses.replace(e, line=0) for e in entries]

    same = (
        plain(after.faq) == plain(plan.expected)
        and after.topics == before.topics
        and after.synonyms == before.synonyms
    )
    if not same:
        raise FaqEditError(
            f"Không sửa {shown}: đọc lại bản sửa không ra đúng nội dung mong muốn "
            "(lỗi của bot, xin báo bộ phận kỹ thuật); tệp giữ nguyên."
        )


# ------------------------------------------------------------------ the words


# A question that is only what identified its writer, blanked ("…": wardbot.redact).
_NO_WORDS = "{what} trống (hoặc chỉ còn dấu … sau khi che thông tin cá nhân), không có gì để thêm."


def _has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def one_line(text: str) -> str:
    return " ".join(_CONTROL.sub(" ", unicodedata.normalize("NFC", text)).split())


def _clean_answer(text: str) -> str:
    """As the loader reads it back: NFC, '\\n' line ends, no trailing spaces, stripped; a
    line separator pasted with it (from a web page or a PDF) the space the loader reads."""
    text = _CONTROL.sub("", unicodedata.normalize("NFC", without_hidden_breaks(text)))
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return "\n".join(line.rstrip() for line in text.split("\n"))


def _unique(base: str, taken: dict[str, int]) -> str:
    made, n = base, 1
    while made in taken:
        n += 1
        suffix = f"-{n}"
        made = base[: SLUG_MAX - len(suffix)].rstrip("-") + suffix
    return made


# ------------------------------------------------------------------- writing


def _refuse_broken(before: FaqFile, entry: Node, entry_id: str, shown: str) -> None:
    """Refused while a mistake skips the entry (`load_faq`'s `broken`): a way of asking
    added to its block would reach no resident. Whether the bot serves the entry as it
    last read (`kept`) or not at all, each is told so, with the entry's mistakes: once
    they are fixed the block reads, and the edit can be checked against what it then is."""
    if entry_id not in before.broken:
        return
    lines = range(entry.start_mark.line + 1, entry.end_mark.line + 2)
    mistakes = [located(shown, p.line, p.message) for p in before.problems if p.line in lines]
    told = (
        msg.faq_entry_kept_not_edited
        if entry_id in before.kept
        else msg.faq_entry_broken_not_edited
    )
    raise FaqEditError(told(entry_id, shown, mistakes))


def _refuse_unserved(before: FaqFile, last_good: FaqFile | None, shown: str) -> None:
    """Refused while the bot serves the last good version (`loader.faq_usable`: a mistyped
    'faq:' header, say), which the data folder (`backup_dir`) keeps: an entry written under
    a new 'faq:' header would make the file usable with that entry alone, every other
    entry gone from the bot's answers."""
    if not faq_usable(before, last_good):
        raise broken(before, shown)


def _edit(faq_file: Path, backup_dir: Path, plan: _Planner) -> FaqEdit:
    """Read, plan, check and write; once more when faq.yaml changed meanwhile."""
    shown = str(faq_file)
    real = Path(os.path.realpath(faq_file))  # a linked faq.yaml stays a link
    with _LOCK:
        for _ in range(2):
            serving = read_last_good(backup_dir)  # of entries sharing an id, the one edited
            doc, before = read_doc(real, shown, serving)
            _refuse_unserved(before, serving, shown)
            edit = plan(doc, before)
            written = apply_splice(doc, edit.splice)
            tmp = _write_temp(real, written, doc, shown)
            try:
                _validate(doc, before, load_faq(tmp, serving=serving), edit, shown)
                backup = _put_in_place(tmp, real, doc, backup_dir, shown)
                if backup is None:  # a staff save landed meanwhile: edited on top of it
                    continue
            finally:
                tmp.unlink(missing_ok=True)
            _sync_folder(real.parent)
            stamp = stamp_of(real)
            entry = next(e for e in edit.expected if e.id == edit.entry_id)
            return FaqEdit(
                faq_file, edit.entry_id, backup, doc.data, written, written=stamp, entry=entry
            )
    raise FaqEditError(f"{faq_file.name} vừa được sửa, hãy thử lại.")


def undo(edit: FaqEdit, *, backup_dir: Path) -> Stamp | None:
    """Put faq.yaml back as it was before `edit`, byte for byte (comments and all): only
    while it is still as the edit left it. A change made since (by hand, or another edit)
    is never overwritten: refused, saying so. The version undone is kept as a backup.
    faq.yaml's stamp once put back."""
    shown = str(edit.faq_file)
    real = Path(os.path.realpath(edit.faq_file))
    with _LOCK:
        doc, _ = read_doc(real, shown)
        if doc.data != edit.after:
            raise FaqEditError(msg.faq_undo_changed(shown))
        tmp = _write_temp(real, edit.before, doc, shown)
        try:
            if not load_faq(tmp).ok_syntax:  # as it was served before the edit: never expected
                raise FaqEditError(f"bản cũ của {shown} không đọc được; tệp giữ nguyên.")
            if _put_in_place(tmp, real, doc, backup_dir, shown) is None:
                raise FaqEditError(msg.faq_undo_changed(shown))
        finally:
            tmp.unlink(missing_ok=True)
        _sync_folder(real.parent)
        return stamp_of(real)


def _put_in_place(tmp: Path, real: Path, doc: Doc, backup_dir: Path, shown: str) -> Path | None:
    """faq.yaml as read (`doc`) kept in the backup folder, then `tmp` renamed over it (one
    atomic step); where the backup is. None, nothing renamed, when faq.yaml is no longer as
    read: a staff save is never overwritten. Looked at again right before the rename, the
    backup written (synced to disk: a save landing then would otherwise be lost unseen)."""
    if stamp_of(real) != doc.stamp:
        return None
    backup = _keep_backup(backup_dir, doc.data, shown)
    if stamp_of(real) != doc.stamp:
        return None
    try:
        os.replace(tmp, real)
    except OSError as exc:
        raise FaqEditError(f"Không ghi được {shown} ({exc.strerror}); tệp giữ nguyên.") from None
    return backup


def stamp_of(path: Path) -> Stamp | None:
    try:
        return file_stamp(os.stat(path))
    except OSError:
        return None


def _write_temp(real: Path, data: bytes, doc: Doc, shown: str) -> Path:
    """The edited text beside faq.yaml (same disk, so the replace is atomic), synced, with
    the file's permissions and, as far as the bot may, its owner and group: staff sharing
    the folder through a group keep their write access."""
    try:
        fd, name = tempfile.mkstemp(dir=real.parent, prefix=f".{real.name}.", suffix=".edit")
    except OSError as exc:
        raise FaqEditError(f"Không ghi được {shown} ({exc.strerror}); tệp giữ nguyên.") from None
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        _keep_owner(tmp, doc.owner)
        os.chmod(tmp, doc.mode)  # after chown, which may clear the setgid bit
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise FaqEditError(f"Không ghi được {shown} ({exc.strerror}); tệp giữ nguyên.") from None
    return tmp


def _keep_owner(path: Path, owner: tuple[int, int]) -> None:
    """Give `path` faq.yaml's group (a group the bot is in), and its owner when the bot
    runs as root; a change the system refuses leaves the bot's own."""
    uid, gid = owner
    with contextlib.suppress(OSError, AttributeError):  # AttributeError: no chown (Windows)
        os.chown(path, uid if os.geteuid() == 0 else -1, gid)


def _keep_backup(backup_dir: Path, data: bytes, shown: str) -> Path:
    """Keep the version being replaced; the copies before it move one place down."""
    copies = [backup_dir / name for name in BEFORE_EDIT_COPIES]
    try:
        backup_dir.mkdir(parents=True, exist_ok=True)
        keep_copy(copies, data)
    except OSError as exc:
        raise FaqEditError(
            f"Không lưu được bản cũ của {shown} vào {backup_dir} ({exc.strerror}), nên chưa sửa."
        ) from None
    return copies[0]


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (where the system allows opening a folder)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
