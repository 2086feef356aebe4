"""Edit the staff's faq.yaml in place: add a way of asking to an entry, or a new entry.

Used when ward staff answer a resident's question in a group and an admin turns that
answer into FAQ knowledge ("closing the loop"). Synchronous: callers run it in a thread.

The staff's file stays as they wrote it. The file is not loaded and dumped again (a
round-trip dump re-indents every list to one style, joins wrapped lines, respaces inline
comments and puts an appended item after the comments that belong to the next key).
Instead, the loader's own YAML parser says where each node starts and ends, ruamel.yaml
renders only the new lines (quoting, `|` blocks, unicode as is, no line wrapping), and
those lines are spliced into the original text with the indentation the file already
uses. Every other byte is kept: comments, blank lines, key order, quoting, line endings.

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

import asyncio
import base64
import contextlib
import dataclasses
import datetime as dt
import io
import json
import logging
import os
import re
import stat
import tempfile
import threading
import time
import unicodedata
import zlib
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString, SingleQuotedScalarString
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from wardbot import messages as msg
from wardbot.faq_file import LINE_REF, FaqFile, load_faq, same_words
from wardbot.faq_guard import JOURNAL as CHAT_EDITS_JOURNAL
from wardbot.faq_guard import ChatEdit, ChatEdits, fingerprint
from wardbot.hours import VIETNAM
from wardbot.loader import faq_usable, keep_copy, read_last_good
from wardbot.models import FaqEntry, Problem
from wardbot.process import partial_file
from wardbot.staff_read import (
    Stamp,
    decode,
    encode,
    encoding_of,
    file_stamp,
    without_hidden_breaks,
)
from wardbot.text import fold

# Kept in the backup folder: the faq.yaml before the last edit, then the ones before it.
BEFORE_EDIT_COPIES = (
    "faq.before-edit.yaml",
    "faq.before-edit.1.yaml",
    "faq.before-edit.2.yaml",
)
SLUG_MAX = 50  # characters in an id made from a question
SLUG_WORDS = 6  # words of the question it keeps

log = logging.getLogger(__name__)

_STR = "tag:yaml.org,2002:str"
_ID = re.compile(r"[a-z0-9-]+")
# Line breaks as PyYAML (the loader's parser) counts them, so marks and lines agree.
# As the loader reads lines (staff_read.without_hidden_breaks): Windows', Unix's, old Macs'.
_LINE_BREAK = re.compile(r"\r\n|[\r\n]")
_LINE_ENDS = ("\n", "\r")
# Control characters YAML refuses (a pasted chat message may carry one); tab and newline stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")
_WIDE = 1_000_000  # never wrap a long Vietnamese line
# One edit at a time in this process; other writers are caught by the file's stamp.
_LOCK = threading.Lock()
# The file is composed by the parser the loader reads it with (libyaml when PyYAML has it):
# whatever the bot serves can be edited. PyYAML's own refuses some files libyaml reads (a
# Tab before a comment at a line's end); both give the same nodes and marks otherwise.
_COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class FaqEditError(Exception):
    """Why the edit was refused; message in Vietnamese for ward staff, naming file:line."""


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

    The list is made when the entry has none. A variant the entry already has, or its
    question, is refused; so is one another entry asks (as its question or a variant),
    naming that entry: two entries asking the same split the match and the bot would
    answer neither. The comparison ignores case, accents, spacing and end punctuation.
    """
    variant = _one_line(variant)
    if not _has_words(variant):
        raise FaqEditError(_NO_WORDS.format(what="Cách hỏi"))
    shown = str(faq_file)

    def plan(doc: _Doc, before: FaqFile) -> _Plan:
        entry = _find_entry(doc, entry_id, shown)
        if unchanged and not any(
            e.id == entry_id and fingerprint(e) == unchanged for e in before.faq
        ):
            raise FaqEditError(msg.faq_redo_entry_changed(entry_id))
        _refuse_duplicate(entry, entry_id, variant, shown)
        _refuse_asked_elsewhere(doc, entry, entry_id, variant, shown)
        splice = _variant_splice(doc, entry, entry_id, variant, shown)
        expected = [
            dataclasses.replace(e, variants=(*e.variants, variant)) if e.id == entry_id else e
            for e in before.faq
        ]
        return _Plan(splice, entry_id, expected)

    return _edit(Path(faq_file), Path(backup_dir), plan)


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
    question = _one_line(question)
    if not _has_words(question):
        raise FaqEditError(_NO_WORDS.format(what="Câu hỏi"))
    answer = _clean_answer(answer)
    topics = tuple(dict.fromkeys(t.strip() for t in topics if t.strip()))
    seen = {same_words(question)}
    kept: list[str] = []
    for text in map(_one_line, variants):
        if text and same_words(text) not in seen:
            seen.add(same_words(text))
            kept.append(text)
    if entry_id is not None and not _ID.fullmatch(entry_id):
        raise FaqEditError(f"id '{entry_id}' không hợp lệ: chỉ dùng a-z, 0-9 và dấu '-'.")
    shown = str(faq_file)

    def plan(doc: _Doc, before: FaqFile) -> _Plan:
        _refuse_asked(doc, [question, *kept], shown)
        taken = _entry_ids(doc)
        if entry_id is not None and entry_id in taken:
            raise FaqEditError(f"id '{entry_id}' đã có trong {shown}:{taken[entry_id]}.")
        new_id = entry_id or _unique(slug(question), taken)
        pairs: list[tuple[str, Any]] = [("id", new_id), ("question", _scalar(question))]
        if kept:
            pairs.append(("variants", CommentedSeq([_scalar(v) for v in kept])))
        if "\n" in answer:
            pairs.append(("answer", LiteralScalarString(answer + "\n")))
        else:
            pairs.append(("answer", _scalar(answer)))
        if topics:
            flow = CommentedSeq([_scalar(t) for t in topics])
            flow.fa.set_flow_style()
            pairs.append(("topics", flow))
        entry = FaqEntry(new_id, question, answer, tuple(kept), topics)
        return _Plan(_entry_splice(doc, pairs, shown), new_id, [*before.faq, entry])

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


# ------------------------------------------------------------ reading the file


@dataclass(frozen=True)
class _Doc:
    """faq.yaml as read: its bytes, its lines (with their ends) and its YAML nodes."""

    data: bytes
    stamp: Stamp
    mode: int
    owner: tuple[int, int]  # the file's uid and gid
    encoding: str  # as read, kept when written (staff_read.encoding_of)
    lines: list[str]
    newline: str
    root: MappingNode


@dataclass(frozen=True)
class _Splice:
    """Replace `removed` lines from line index `at` (0-based) by `new` (without line ends)."""

    at: int
    removed: int
    new: list[str]

    def to_new(self, line: int) -> int:
        """A 1-based line of the old text in the new one; 0 inside the replaced lines."""
        if line <= self.at:
            return line
        if line > self.at + self.removed:
            return line + len(self.new) - self.removed
        return 0

    def in_new(self, line: int) -> int:
        """A 1-based line of the new text; 0 inside the new lines."""
        return 0 if self.at < line <= self.at + len(self.new) else line


@dataclass(frozen=True)
class _Plan:
    splice: _Splice
    entry_id: str
    expected: list[FaqEntry]  # what load_faq must read from the edited file


_Planner = Callable[[_Doc, FaqFile], _Plan]


def _read(real: Path, shown: str) -> tuple[_Doc, FaqFile]:
    """The file and what the loader makes of it; refused when it cannot be read or parsed."""
    try:
        info = os.stat(real)  # before reading: any write after it changes the stamp
        data = real.read_bytes() if stat.S_ISREG(info.st_mode) else b""
    except FileNotFoundError:
        raise FaqEditError(f"Không tìm thấy {shown}.") from None
    except OSError as exc:
        raise FaqEditError(f"Không đọc được {shown} ({exc.strerror}).") from None
    if not stat.S_ISREG(info.st_mode):
        raise FaqEditError(f"{shown} không phải là một tệp bình thường.")
    before = load_faq(real)
    if not before.ok_syntax:
        raise _broken(before, shown)
    encoding = encoding_of(data)
    text = decode(data, encoding)
    try:
        root = yaml.compose(without_hidden_breaks(text), Loader=_COMPOSER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise FaqEditError(f"{shown}:{line}: không đọc được tệp YAML ({exc.problem}).") from None
    if not isinstance(root, MappingNode) or root.flow_style:
        raise FaqEditError(f"{shown}:1: tệp không có dạng 'topics:' / 'faq:' từng dòng.")
    found = _LINE_BREAK.search(text)
    newline = found.group() if found and found.group() in ("\r\n", "\r") else "\n"
    mode = stat.S_IMODE(info.st_mode)
    owner = (info.st_uid, info.st_gid)
    lines = _split_lines(text)
    return _Doc(data, file_stamp(info), mode, owner, encoding, lines, newline, root), before


def _split_lines(text: str) -> list[str]:
    lines: list[str] = []
    start = 0
    for found in _LINE_BREAK.finditer(text):
        lines.append(text[start : found.end()])
        start = found.end()
    if start < len(text):
        lines.append(text[start:])
    return lines


def _apply(doc: _Doc, splice: _Splice) -> bytes:
    head = doc.lines[: splice.at]
    tail = doc.lines[splice.at + splice.removed :]
    if head and not head[-1].endswith(_LINE_ENDS):
        head[-1] += doc.newline
    new = [line + doc.newline for line in splice.new]
    replaced = doc.lines[splice.at : splice.at + splice.removed]
    if new and replaced and not tail and not replaced[-1].endswith(_LINE_ENDS):
        new[-1] = new[-1].removesuffix(doc.newline)
    text = "".join([*head, *new, *tail])
    return encode(text, doc.encoding)


# ------------------------------------------------------------------ the nodes


def _pair(mapping: MappingNode, name: str) -> tuple[Node, Node] | None:
    """The first `name: value` of a mapping (the one the loader reads)."""
    for key, value in mapping.value:
        if isinstance(key, ScalarNode) and key.value == name:
            return key, value
    return None


def _items(doc: _Doc, section: str) -> list[Node]:
    found = _pair(doc.root, section)
    if found is None or not isinstance(found[1], SequenceNode):
        return []
    return list(found[1].value)


def _entry_ids(doc: _Doc) -> dict[str, int]:
    """Every id in faq: (valid entries or not), with its 1-based line."""
    ids: dict[str, int] = {}
    for item in _items(doc, "faq"):
        found = _pair(item, "id") if isinstance(item, MappingNode) else None
        if found is not None and isinstance(found[1], ScalarNode):
            ids.setdefault(str(found[1].value).strip(), found[1].start_mark.line + 1)
    return ids


def _find_entry(doc: _Doc, entry_id: str, shown: str) -> MappingNode:
    for item in _items(doc, "faq"):
        found = _pair(item, "id") if isinstance(item, MappingNode) else None
        if (
            found is not None
            and isinstance(found[1], ScalarNode)
            and str(found[1].value).strip() == entry_id.strip()
        ):
            assert isinstance(item, MappingNode)
            return item
    raise FaqEditError(f"Không có mục nào có id '{entry_id}' trong {shown}.")


def _is_alias(key: Node, value: Node) -> bool:
    """`key: *name`: the value node is the anchored one, written earlier in the file."""
    return bool(value.start_mark.index < key.end_mark.index)


def _last_line(doc: _Doc, node: Node) -> int:
    """The 0-based index of the last line holding `node`'s text (not trailing blank lines)."""
    while not getattr(node, "flow_style", True) and node.value:
        if isinstance(node, MappingNode):
            key, value = node.value[-1]
            if _is_alias(key, value):
                return int(key.end_mark.line)
            node = value
        else:
            node = node.value[-1]
    end = node.end_mark
    line = min(end.line if end.column > 0 else end.line - 1, len(doc.lines) - 1)
    while line > node.start_mark.line and not doc.lines[line].strip():
        line -= 1  # a block scalar's end mark comes after the blank lines that follow it
    return int(line)


def _after(doc: _Doc, node: Node, column: int) -> int:
    """Where to insert after `node`: past its text and comments indented deeper than column."""
    at = _last_line(doc, node) + 1
    while at < len(doc.lines):
        line = doc.lines[at].rstrip("\r\n")
        text = line.lstrip(" ")
        if not text.startswith("#") or len(line) - len(text) <= column:
            break
        at += 1
    return at


def _indent(doc: _Doc, line: int) -> int:
    text = doc.lines[line]
    return len(text) - len(text.lstrip(" "))


# ------------------------------------------------------------ the file's style


@dataclass(frozen=True)
class _Style:
    """How this faq.yaml indents, learnt from the file (FORMATS.md's layout by default)."""

    list_offset: int = 2  # a block list's '-' to the right of its key
    list_gap: int = 2  # from a '-' to the item's text
    block: int = 2  # a `|` block's text to the right of its key
    entry_gap: int = 2  # from an entry's '-' to its keys
    section_offset: int = 2  # faq:'s and topics:' '-' to the right of the section key
    blank_between: bool = True  # entries are separated by a blank line


def _style(doc: _Doc) -> _Style:
    offsets: Counter[int] = Counter()
    gaps: Counter[int] = Counter()
    blocks: Counter[int] = Counter()
    entry_gaps: Counter[int] = Counter()
    sections: Counter[int] = Counter()
    blanks: Counter[bool] = Counter()
    for name in ("topics", "faq"):
        found = _pair(doc.root, name)
        if found is None or not isinstance(found[1], SequenceNode) or found[1].flow_style:
            continue
        section, seq = found
        dash = seq.start_mark.column
        sections[dash - section.start_mark.column] += 1
        previous: Node | None = None
        for item in seq.value:
            if previous is not None and name == "faq":
                between = doc.lines[_last_line(doc, previous) + 1 : item.start_mark.line]
                blanks[any(not line.strip() for line in between)] += 1
            previous = item
            if not isinstance(item, MappingNode) or item.flow_style:
                continue
            if item.start_mark.column > dash and _dash_at(doc, item.start_mark.line, dash):
                entry_gaps[item.start_mark.column - dash] += 1
            for key, value in item.value:
                if _is_alias(key, value):
                    continue
                if isinstance(value, SequenceNode) and not value.flow_style and value.value:
                    offsets[value.start_mark.column - key.start_mark.column] += 1
                    first = value.value[0]
                    if first.start_mark.line == value.start_mark.line:
                        gaps[first.start_mark.column - value.start_mark.column] += 1
                elif isinstance(value, ScalarNode) and value.style in ("|", ">"):
                    body = range(value.start_mark.line + 1, _last_line(doc, value) + 1)
                    text = next((i for i in body if doc.lines[i].strip()), None)
                    if text is not None:
                        blocks[_indent(doc, text) - key.start_mark.column] += 1

    def common(counts: Counter[int], default: int, low: int) -> int:
        found = [(n, value) for value, n in counts.items() if low <= value <= 12]
        return max(found)[1] if found else default

    return _Style(
        list_offset=common(offsets, 2, 0),
        list_gap=common(gaps, 2, 2),
        block=common(blocks, 2, 1),
        entry_gap=common(entry_gaps, 2, 2),
        section_offset=common(sections, 2, 0),
        blank_between=blanks[True] >= blanks[False],
    )


def _dash_at(doc: _Doc, line: int, column: int) -> bool:
    text = doc.lines[line]
    return len(text) > column and text[column] == "-"


# ---------------------------------------------------------------- new lines


def _yaml(style: _Style, *, offset: int | None = None, gap: int | None = None) -> YAML:
    dumper = YAML(typ="rt", pure=True)
    dumper.width = _WIDE
    dumper.allow_unicode = True
    offset = style.list_offset if offset is None else offset
    gap = style.list_gap if gap is None else gap
    dumper.indent(mapping=style.block, sequence=offset + gap, offset=offset)
    return dumper


def _dump(data: Any, dumper: YAML) -> list[str]:
    out = io.StringIO()
    dumper.dump(data, out)
    return out.getvalue().rstrip("\n").split("\n")


def _scalar(text: str) -> str:
    """Text ruamel may write plain, quoted when the bot's YAML 1.1 parser would not read it as
    text (`yes`, `12:30`, `2024-07-15`)."""
    tag = Resolver().resolve(ScalarNode, text, (True, False))
    return text if tag == _STR else SingleQuotedScalarString(text)


def _item_text(text: str, *, flow: bool) -> str:
    """How one list item is written: `giá thẻ bhyt`, `'12:30'`, `'? hỏi'`... Quoted when
    ruamel would write it plain but a parser the bot reads with would not read it back
    (in a `[...]` list, PyYAML ends plain text at '?' and reads '? x' as a key)."""
    for value in (_scalar(text), SingleQuotedScalarString(text)):
        seq = CommentedSeq([value])
        if flow:
            seq.fa.set_flow_style()
        lines = _dump(seq, _yaml(_Style(), offset=0, gap=2))
        if len(lines) != 1:
            break
        item = lines[0][1:-1] if flow else lines[0][2:]
        if _reads_back(item, text, flow=flow):
            return item
    raise FaqEditError(f"Không viết được “{text}” trên một dòng.")


# The parsers a new item must read back the same with: PyYAML's own, and libyaml (which
# the loader uses when PyYAML has it); they differ on plain text in a `[...]` list.
_PARSERS = tuple(dict.fromkeys([yaml.SafeLoader, _COMPOSER]))


def _reads_back(item: str, text: str, *, flow: bool) -> bool:
    """Whether every parser reads `item`, as a list's item, as `text`."""
    doc = f"[{item}]" if flow else f"- {item}"
    for loader in _PARSERS:
        try:
            if yaml.load(doc, Loader=loader) != [text]:  # noqa: S506 (safe loaders only)
                return False
        except yaml.YAMLError:
            return False
    return True


def _pair_lines(key: str, value: Any, style: _Style) -> list[str]:
    """`key: value` as lines at column 0 (a list or `|` block below the key as the file does)."""
    data = CommentedMap()
    data[key] = value
    return _dump(data, _yaml(style))


def _shift(lines: list[str], column: int) -> list[str]:
    return [" " * column + line if line else "" for line in lines]


def _variant_splice(
    doc: _Doc, entry: MappingNode, entry_id: str, variant: str, shown: str
) -> _Splice:
    if entry.flow_style:
        line = entry.start_mark.line + 1
        raise FaqEditError(
            f"{shown}:{line}: mục '{entry_id}' viết trên một dòng {{...}}, hãy sửa tay."
        )
    found = _pair(entry, "variants")
    key_column = entry.start_mark.column
    style = _style(doc)
    if found is None:  # no list yet: `variants:` after the question, as FORMATS.md orders them
        anchor = _pair(entry, "question") or _pair(entry, "id") or entry.value[0]
        at = _after(doc, anchor[1], key_column)
        lines = _pair_lines("variants", CommentedSeq([_scalar(variant)]), style)
        return _Splice(at, 0, _shift(lines, key_column))
    key, value = found
    line = value.start_mark.line + 1
    if _is_alias(key, value):
        message = f"{shown}:{key.start_mark.line + 1}: 'variants' của mục '{entry_id}' dùng chung"
        raise FaqEditError(f"{message} danh sách của chỗ khác (*), hãy sửa tay.")
    if isinstance(value, ScalarNode) and value.tag == "tag:yaml.org,2002:null":
        if value.start_mark.index == value.end_mark.index:  # `variants:` with nothing after it
            lines = _pair_lines("variants", CommentedSeq([_scalar(variant)]), style)
            return _Splice(key.start_mark.line + 1, 0, _shift(lines[1:], key_column))
        start = value.start_mark  # `variants: ~`
        text = doc.lines[start.line].rstrip("\r\n")
        flow = "[" + _item_text(variant, flow=True) + "]"
        edited = text[: start.column] + flow + text[value.end_mark.column :]
        return _Splice(start.line, 1, [edited])
    if not isinstance(value, SequenceNode):
        raise FaqEditError(f"{shown}:{line}: 'variants' của mục '{entry_id}' không phải danh sách.")
    if value.flow_style:  # `[a, b]`: add `, c` after the last item
        last = value.value[-1].end_mark if value.value else value.start_mark
        text = doc.lines[last.line].rstrip("\r\n")
        item = _item_text(variant, flow=True)
        split = last.column if value.value else last.column + 1
        edited = text[:split] + (", " if value.value else "") + item + text[split:]
        return _Splice(last.line, 1, [edited])
    dash = value.start_mark.column
    last_item = value.value[-1]
    if last_item.start_mark.index < value.start_mark.index:
        raise FaqEditError(f"{shown}:{line}: 'variants' có một mục dùng (*), hãy sửa tay.")
    gap = style.list_gap
    if _dash_at(doc, last_item.start_mark.line, dash) and last_item.start_mark.column > dash:
        gap = last_item.start_mark.column - dash
    text = " " * dash + "-" + " " * (gap - 1) + _item_text(variant, flow=False)
    return _Splice(_after(doc, last_item, dash), 0, [text])


def _entry_splice(doc: _Doc, pairs: list[tuple[str, Any]], shown: str) -> _Splice:
    style = _style(doc)
    found = _pair(doc.root, "faq")
    if found is None:  # no faq: section at all: add one at the end
        dash = doc.root.start_mark.column + style.section_offset
        lines = ["", " " * doc.root.start_mark.column + "faq:", *_entry_lines(pairs, style, dash)]
        return _Splice(len(doc.lines), 0, lines)
    key, value = found
    if isinstance(value, SequenceNode) and not value.flow_style and value.value:
        dash = value.start_mark.column
        lines = _entry_lines(pairs, style, dash)
        blank = [""] if style.blank_between else []
        return _Splice(_after(doc, value.value[-1], dash), 0, blank + lines)
    empty = isinstance(value, ScalarNode) and value.start_mark.index == value.end_mark.index
    if empty and value.tag == "tag:yaml.org,2002:null":  # `faq:` with nothing after it
        dash = key.start_mark.column + style.section_offset
        return _Splice(key.start_mark.line + 1, 0, _entry_lines(pairs, style, dash))
    if (
        isinstance(value, SequenceNode)
        and not value.value
        and value.start_mark.line == value.end_mark.line == key.start_mark.line
    ):  # `faq: []` (a new ward's file): no entries yet; the list is written in block style
        line = key.start_mark.line
        text = doc.lines[line].rstrip("\r\n")
        kept = text[: value.start_mark.column].rstrip() + text[value.end_mark.column :]
        dash = key.start_mark.column + style.section_offset
        return _Splice(line, 1, [kept, *_entry_lines(pairs, style, dash)])
    line = key.start_mark.line + 1
    raise FaqEditError(
        f"{shown}:{line}: 'faq:' không phải danh sách '- id:' từng dòng, hãy sửa tay."
    )


def _entry_lines(pairs: list[tuple[str, Any]], style: _Style, dash: int) -> list[str]:
    """A new entry's lines: '- id: ...' at column `dash`, its keys one under the other."""
    out: list[str] = []
    for key, value in pairs:
        for line in _pair_lines(key, value, style):
            lead = "-" + " " * (style.entry_gap - 1) if not out else " " * style.entry_gap
            out.append(" " * dash + lead + line if line else "")
    return out


# --------------------------------------------------------------- checking it


def _validate(doc: _Doc, before: FaqFile, after: FaqFile, plan: _Plan, shown: str) -> None:
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
        where = "\n".join(_where(shown, p.line, p.message) for p in new or after.problems)
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


def _asked(entry: MappingNode) -> Iterator[tuple[ScalarNode, bool]]:
    """The ways an entry is asked, as nodes: its question (True), then its variants (False)."""
    question = _pair(entry, "question")
    if question is not None and isinstance(question[1], ScalarNode):
        yield question[1], True
    found = _pair(entry, "variants")
    items = found[1].value if found is not None and isinstance(found[1], SequenceNode) else []
    for item in items:
        if isinstance(item, ScalarNode):
            yield item, False


def _refuse_duplicate(entry: MappingNode, entry_id: str, variant: str, shown: str) -> None:
    wanted = same_words(variant)
    for node, is_question in _asked(entry):
        if same_words(str(node.value)) != wanted:
            continue
        line = node.start_mark.line + 1
        if is_question:
            raise FaqEditError(
                f"Cách hỏi “{variant}” đã có: đó là câu hỏi của mục '{entry_id}' ({shown}:{line})."
            )
        raise FaqEditError(f"Cách hỏi “{variant}” đã có trong mục '{entry_id}' ({shown}:{line}).")


def _refuse_asked_elsewhere(
    doc: _Doc, entry: MappingNode, entry_id: str, variant: str, shown: str
) -> None:
    """Refuse a variant that another entry of faq: already asks, naming that entry."""
    wanted = same_words(variant)
    for item in _items(doc, "faq"):
        if item is entry or not isinstance(item, MappingNode):
            continue
        for node, is_question in _asked(item):
            if same_words(str(node.value)) != wanted:
                continue
            other = _id_of(item)
            where = f"{shown}:{node.start_mark.line + 1}"
            kind = "câu hỏi" if is_question else "một cách hỏi"
            raise FaqEditError(
                f"Cách hỏi “{variant}” đã có: đó là {kind} của mục '{other}' ({where}). "
                "Hai mục cùng một cách hỏi thì bot không trả lời được mục nào, nên không thêm. "
                f"Nếu câu này đúng ra thuộc mục '{entry_id}', hãy bỏ nó khỏi mục '{other}' "
                "trong faq.yaml trước."
            )


def _id_of(item: MappingNode) -> str:
    found = _pair(item, "id")
    return str(found[1].value).strip() if found and isinstance(found[1], ScalarNode) else ""


def _refuse_asked(doc: _Doc, texts: Sequence[str], shown: str) -> None:
    """Refuse a new entry asking what an entry of faq: already asks (its question or a
    variant), naming that entry."""
    wanted = {same_words(text): text for text in texts}
    for item in _items(doc, "faq"):
        if not isinstance(item, MappingNode):
            continue
        entry_id = _id_of(item)
        for node, is_question in _asked(item):
            text = wanted.get(same_words(str(node.value)))
            if text is None:
                continue
            where = f"{shown}:{node.start_mark.line + 1}"
            kind = "câu hỏi" if is_question else "một cách hỏi"
            raise FaqEditError(
                f"Câu hỏi “{text}” đã có: đó là {kind} của mục '{entry_id}' ({where}), "
                "nên không tạo mục mới. Nếu cần đổi câu trả lời, hãy sửa mục đó trong faq.yaml."
            )


# A question that is only what identified its writer, blanked ("…": wardbot.redact).
_NO_WORDS = "{what} trống (hoặc chỉ còn dấu … sau khi che thông tin cá nhân), không có gì để thêm."


def _has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _one_line(text: str) -> str:
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


def _where(shown: str, line: int, message: str) -> str:
    return f"{shown}:{line}: {message}"


# ------------------------------------------------------------------- writing


def _refuse_unserved(before: FaqFile, data_dir: Path, shown: str) -> None:
    """Refused while the bot serves the last good version (`loader.faq_usable`: a mistyped
    'faq:' header, say), which the data folder (`backup_dir`) keeps: an entry written under
    a new 'faq:' header would make the file usable with that entry alone, every other
    entry gone from the bot's answers."""
    if not faq_usable(before, read_last_good(data_dir)):
        raise _broken(before, shown)


def _broken(before: FaqFile, shown: str) -> FaqEditError:
    """faq.yaml not edited until staff fix its problems, listed."""
    where = "\n".join(_where(shown, p.line, p.message) for p in before.problems)
    return FaqEditError(f"{shown} đang có lỗi nên chưa sửa được; hãy sửa lỗi này trước:\n{where}")


def _edit(faq_file: Path, backup_dir: Path, plan: _Planner) -> FaqEdit:
    """Read, plan, check and write; once more when faq.yaml changed meanwhile."""
    shown = str(faq_file)
    real = Path(os.path.realpath(faq_file))  # a linked faq.yaml stays a link
    with _LOCK:
        for _ in range(2):
            doc, before = _read(real, shown)
            _refuse_unserved(before, backup_dir, shown)
            edit = plan(doc, before)
            written = _apply(doc, edit.splice)
            tmp = _write_temp(real, written, doc, shown)
            try:
                _validate(doc, before, load_faq(tmp), edit, shown)
                if _stamp(real) != doc.stamp:
                    continue
                backup = _put_in_place(tmp, real, doc, backup_dir, shown)
            finally:
                tmp.unlink(missing_ok=True)
            _sync_folder(real.parent)
            stamp = _stamp(real)
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
        doc, _ = _read(real, shown)
        if doc.data != edit.after:
            raise FaqEditError(msg.faq_undo_changed(shown))
        tmp = _write_temp(real, edit.before, doc, shown)
        try:
            if not load_faq(tmp).ok_syntax:  # as it was served before the edit: never expected
                raise FaqEditError(f"bản cũ của {shown} không đọc được; tệp giữ nguyên.")
            if _stamp(real) != doc.stamp:
                raise FaqEditError(msg.faq_undo_changed(shown))
            _put_in_place(tmp, real, doc, backup_dir, shown)
        finally:
            tmp.unlink(missing_ok=True)
        _sync_folder(real.parent)
        return _stamp(real)


def _put_in_place(tmp: Path, real: Path, doc: _Doc, backup_dir: Path, shown: str) -> Path:
    """faq.yaml as read (`doc`) kept in the backup folder, then `tmp` renamed over it (one
    atomic step); where the backup is."""
    backup = _keep_backup(backup_dir, doc.data, shown)
    try:
        os.replace(tmp, real)
    except OSError as exc:
        raise FaqEditError(f"Không ghi được {shown} ({exc.strerror}); tệp giữ nguyên.") from None
    return backup


def _stamp(path: Path) -> Stamp | None:
    try:
        return file_stamp(os.stat(path))
    except OSError:
        return None


def _write_temp(real: Path, data: bytes, doc: _Doc, shown: str) -> Path:
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
        if self.saving() and (self._wrote is None or _stamp(self.faq_file) != self._wrote):
            raise FaqEditError(msg.faq_being_saved(str(self.faq_file)))

    async def add_variant(self, entry_id: str, variant: str) -> FaqEdit:
        self._refuse_to_write()
        edit = await asyncio.to_thread(
            add_variant, self.faq_file, entry_id, variant, backup_dir=self.backup_dir
        )
        self._wrote = edit.written
        what = msg.faq_undone_variant(entry_id, variant)
        await self._keep(_Done(edit, self.clock(), what, _one_line(variant)))
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
        await self._keep(_Done(edit, self.clock(), what, _one_line(question), new_entry=True))
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

    async def note_overwritten(self) -> None:
        """After faq.yaml was read again: the edits made from chat that a hand save dropped
        (faq_guard: not yet shown by one, or within UNDO_FOR) are told to admins, once, with
        /redo to add them again: an officer saved faq.yaml from an editor still holding it
        as it was before them, say. The file is left as saved; those edits leave /undo's
        journal (/undo cannot take back what is gone). Not while faq.yaml does not read."""
        # Those made before the file is read (one made while it is read is in it or not,
        # as the read fell).
        looked = self._edits.current()
        if not looked:
            return
        faq = await asyncio.to_thread(load_faq, self.faq_file)
        if not faq.ok_syntax:
            return
        lost = self._edits.check(looked, faq, recent=UNDO_FOR)
        if not lost:
            await asyncio.to_thread(self._write)  # those a hand save showed
            return
        now = self.clock()
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
            faq = await asyncio.to_thread(load_faq, self.faq_file)
            if faq.ok_syntax and edit.in_file(faq):
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
            added.append(edit)
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
        self._edits.wrote(done.edit.before)
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
