"""faq.yaml as the FAQ editor reads it: its bytes and lines, its YAML nodes, how it indents.

The loader's own YAML parser (`COMPOSER`) says where each node starts and ends, so that an
edit (wardbot.faq_write) can splice new lines (wardbot.faq_lines) into the original text
and keep every other byte. Also here: where an entry is, its ids, and which entry already
asks a question (an edit asking the same is refused, naming that entry's file:line).
"""

from __future__ import annotations

import os
import re
import stat
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from wardbot import messages as msg
from wardbot.faq_file import FaqFile, load_faq, same_words
from wardbot.staff_read import (
    Stamp,
    decode,
    encode,
    encoding_of,
    file_stamp,
    without_hidden_breaks,
)
from wardbot.text import nearest_ids

# Line breaks as PyYAML (the loader's parser) counts them, so marks and lines agree.
# As the loader reads lines (staff_read.without_hidden_breaks): Windows', Unix's, old Macs'.
_LINE_BREAK = re.compile(r"\r\n|[\r\n]")
_LINE_ENDS = ("\n", "\r")
# The file is composed by the parser the loader reads it with (libyaml when PyYAML has it):
# whatever the bot serves can be edited. PyYAML's own refuses some files libyaml reads (a
# Tab before a comment at a line's end); both give the same nodes and marks otherwise.
COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class FaqEditError(Exception):
    """Why the edit was refused; message in Vietnamese for ward staff, naming file:line."""


def located(shown: str, line: int, message: str) -> str:
    """A problem as staff are told it: `file:line: message`."""
    return f"{shown}:{line}: {message}"


def broken(before: FaqFile, shown: str) -> FaqEditError:
    """faq.yaml not edited until staff fix its problems, listed."""
    where = "\n".join(located(shown, p.line, p.message) for p in before.problems)
    return FaqEditError(f"{shown} đang có lỗi nên chưa sửa được; hãy sửa lỗi này trước:\n{where}")


# ------------------------------------------------------------ reading the file


@dataclass(frozen=True)
class Doc:
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
class Splice:
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


def read_doc(real: Path, shown: str, serving: FaqFile | None = None) -> tuple[Doc, FaqFile]:
    """The file and what the loader makes of it (`serving`: see `load_faq`); refused when
    it cannot be read or parsed."""
    try:
        info = os.stat(real)  # before reading: any write after it changes the stamp
        data = real.read_bytes() if stat.S_ISREG(info.st_mode) else b""
    except FileNotFoundError:
        raise FaqEditError(f"Không tìm thấy {shown}.") from None
    except OSError as exc:
        raise FaqEditError(f"Không đọc được {shown} ({exc.strerror}).") from None
    if not stat.S_ISREG(info.st_mode):
        raise FaqEditError(f"{shown} không phải là một tệp bình thường.")
    before = load_faq(real, serving=serving)
    if not before.ok_syntax:
        raise broken(before, shown)
    encoding = encoding_of(data)
    text = decode(data, encoding)
    try:
        root = yaml.compose(without_hidden_breaks(text), Loader=COMPOSER)
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
    return Doc(data, file_stamp(info), mode, owner, encoding, lines, newline, root), before


def _split_lines(text: str) -> list[str]:
    lines: list[str] = []
    start = 0
    for found in _LINE_BREAK.finditer(text):
        lines.append(text[start : found.end()])
        start = found.end()
    if start < len(text):
        lines.append(text[start:])
    return lines


def apply_splice(doc: Doc, splice: Splice) -> bytes:
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


def pair(mapping: MappingNode, name: str) -> tuple[Node, Node] | None:
    """The first `name: value` of a mapping (the one the loader reads)."""
    for key, value in mapping.value:
        if isinstance(key, ScalarNode) and key.value == name:
            return key, value
    return None


def _items(doc: Doc, section: str) -> list[Node]:
    found = pair(doc.root, section)
    if found is None or not isinstance(found[1], SequenceNode):
        return []
    return list(found[1].value)


def entry_ids(doc: Doc) -> dict[str, int]:
    """Every id in faq: (valid entries or not), with its 1-based line."""
    ids: dict[str, int] = {}
    for item in _items(doc, "faq"):
        found = pair(item, "id") if isinstance(item, MappingNode) else None
        if found is not None and isinstance(found[1], ScalarNode):
            ids.setdefault(str(found[1].value).strip(), found[1].start_mark.line + 1)
    return ids


def find_entry(doc: Doc, entry_id: str, shown: str, before: FaqFile | None = None) -> MappingNode:
    """The entry `entry_id`; of several with that id, the one the loader served in
    `before` (the others are left out: an edit of one would change nothing)."""
    served = {entry.id: entry.line for entry in before.faq} if before is not None else {}
    found_first: MappingNode | None = None
    for item in _items(doc, "faq"):
        found = pair(item, "id") if isinstance(item, MappingNode) else None
        if (
            found is not None
            and isinstance(found[1], ScalarNode)
            and str(found[1].value).strip() == entry_id.strip()
        ):
            assert isinstance(item, MappingNode)
            if served.get(entry_id.strip(), item.start_mark.line + 1) == item.start_mark.line + 1:
                return item
            found_first = found_first or item
    if found_first is not None:
        return found_first
    ids = [entry.id for entry in before.faq] if before is not None else [*entry_ids(doc)]
    nearest = nearest_ids(entry_id, dict.fromkeys(ids, ()))
    raise FaqEditError(msg.unknown_entry(entry_id, shown, nearest))


def is_alias(key: Node, value: Node) -> bool:
    """`key: *name`: the value node is the anchored one, written earlier in the file."""
    return bool(value.start_mark.index < key.end_mark.index)


def _last_line(doc: Doc, node: Node) -> int:
    """The 0-based index of the last line holding `node`'s text (not trailing blank lines)."""
    while not getattr(node, "flow_style", True) and node.value:
        if isinstance(node, MappingNode):
            key, value = node.value[-1]
            if is_alias(key, value):
                return int(key.end_mark.line)
            node = value
        else:
            node = node.value[-1]
    end = node.end_mark
    line = min(end.line if end.column > 0 else end.line - 1, len(doc.lines) - 1)
    while line > node.start_mark.line and not doc.lines[line].strip():
        line -= 1  # a block scalar's end mark comes after the blank lines that follow it
    return int(line)


def line_after(doc: Doc, node: Node, column: int) -> int:
    """Where to insert after `node`: past its text and comments indented deeper than column."""
    at = _last_line(doc, node) + 1
    while at < len(doc.lines):
        line = doc.lines[at].rstrip("\r\n")
        text = line.lstrip(" ")
        if not text.startswith("#") or len(line) - len(text) <= column:
            break
        at += 1
    return at


def _indent(doc: Doc, line: int) -> int:
    text = doc.lines[line]
    return len(text) - len(text.lstrip(" "))


# ------------------------------------------------------------ the file's style


@dataclass(frozen=True)
class Style:
    """How this faq.yaml indents, learnt from the file (FORMATS.md's layout by default)."""

    list_offset: int = 2  # a block list's '-' to the right of its key
    list_gap: int = 2  # from a '-' to the item's text
    block: int = 2  # a `|` block's text to the right of its key
    entry_gap: int = 2  # from an entry's '-' to its keys
    section_offset: int = 2  # faq:'s and topics:' '-' to the right of the section key
    blank_between: bool = True  # entries are separated by a blank line


def style_of(doc: Doc) -> Style:
    offsets: Counter[int] = Counter()
    gaps: Counter[int] = Counter()
    blocks: Counter[int] = Counter()
    entry_gaps: Counter[int] = Counter()
    sections: Counter[int] = Counter()
    blanks: Counter[bool] = Counter()
    for name in ("topics", "faq"):
        found = pair(doc.root, name)
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
            if item.start_mark.column > dash and dash_at(doc, item.start_mark.line, dash):
                entry_gaps[item.start_mark.column - dash] += 1
            for key, value in item.value:
                if is_alias(key, value):
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

    return Style(
        list_offset=common(offsets, 2, 0),
        list_gap=common(gaps, 2, 2),
        block=common(blocks, 2, 1),
        entry_gap=common(entry_gaps, 2, 2),
        section_offset=common(sections, 2, 0),
        blank_between=blanks[True] >= blanks[False],
    )


def dash_at(doc: Doc, line: int, column: int) -> bool:
    text = doc.lines[line]
    return len(text) > column and text[column] == "-"


# ------------------------------------------------------------ who asks what


def _asked(entry: MappingNode) -> Iterator[tuple[ScalarNode, bool]]:
    """The ways an entry is asked, as nodes: its question (True), then its variants (False)."""
    question = pair(entry, "question")
    if question is not None and isinstance(question[1], ScalarNode):
        yield question[1], True
    found = pair(entry, "variants")
    items = found[1].value if found is not None and isinstance(found[1], SequenceNode) else []
    for item in items:
        if isinstance(item, ScalarNode):
            yield item, False


def refuse_duplicate(entry: MappingNode, entry_id: str, variant: str, shown: str) -> None:
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


def refuse_asked_elsewhere(
    doc: Doc, entry: MappingNode, entry_id: str, variant: str, shown: str
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
    found = pair(item, "id")
    return str(found[1].value).strip() if found and isinstance(found[1], ScalarNode) else ""


def refuse_asked(doc: Doc, texts: Sequence[str], shown: str) -> None:
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
