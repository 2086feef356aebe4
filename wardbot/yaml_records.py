"""Check the `key: value` blocks staff type in YAML (faq.yaml's topics and entries, a
notice's front matter), and compose YAML into nodes.

Nothing here raises for bad input. Every mistake becomes a `Problem`
(`file:line: message`) and only the bad item is skipped, so one typo never takes the
whole bot down.

The messages are for ward staff, not programmers, so they are in plain Vietnamese (the
project's rule) and written next to the rule each reports (here, in `yaml_values`,
`faq_file`, `notices` and `notice_files`): what is wrong, with field names and examples
as staff must type them (`answer:`, `date: 2026-11-25`), and after " — " what the
mistake costs (the whole file, the entry or notice, or only one line left out), so staff
know what residents are missing until it is fixed.

YAML is composed into nodes instead of loaded into Python objects: nodes keep
their line numbers and show duplicate keys, which `yaml.safe_load` silently
drops. Values are read as the text staff typed (`node.value`), so `no` stays
"no" and `0123` stays "0123" instead of becoming False and 83.

Decisions where the format leaves room:
- Empty optional fields (`variants:` with nothing after it) count as absent.
- A duplicate key makes its entry bad; at the top level the later section is
  ignored. Either way it is reported at the duplicate's line.
- Problems about a whole file are at line 1, or line 0 if it does not exist.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import difflib
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from wardbot.models import Problem
from wardbot.text import fold
from wardbot.yaml_hints import ODD_SPACE, ODD_SPACE_HINT, glued_key, syntax_error

NULL_TAG = "tag:yaml.org,2002:null"


class Invalid(Exception):
    """A value is wrong; `line` is where to point the staff member."""

    def __init__(self, node: Node, message: str) -> None:
        super().__init__(message)
        self.line = node_line(node)


class Partly(Invalid):
    """Part of a value is wrong: reported, and the rest of it (`kept`) is used; `lost`
    says what is left out."""

    def __init__(self, node: Node, message: str, kept: Any, lost: str) -> None:
        super().__init__(node, message)
        self.kept = kept
        self.lost = lost


Parser = Callable[[Node], Any]


@dataclass(frozen=True)
class Kind:
    """What a block of `key: value` lines is, for the messages about it."""

    noun: str  # "mục"; "" for a notice's front matter: the file is the notice
    skipped: str  # what a bad required field costs
    kept: str  # what still works when only one field or line is left out
    example: str  # a line as staff would type it


# Required fields, as staff know them: said when one is missing or empty.
_WHAT = {
    "id": "mã, viết thường không dấu, ví dụ id: ho-tich",
    "name": "tên chủ đề",
    "question": "câu hỏi",
    "answer": "câu trả lời",
    "title": "tiêu đề thông báo",
    "date": "ngày đăng, ví dụ date: 2026-11-26",
}


# A notice's file name starts with its date (FORMATS.md: YYYY-MM-DD-slug.md).
_NAMED_BY_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})-")


def _what(name: str, src: str) -> str:
    """What the required field `name` holds, as staff are told when it is missing or
    empty; a notice's date by the one its file is named with, when that is a date (a
    clerk copies the example: one of another day would be a wrong date)."""
    found = _NAMED_BY_DATE.match(Path(src).name) if name == "date" else None
    if found is not None:
        with contextlib.suppress(ValueError):
            return f"ngày đăng, ví dụ date: {dt.date.fromisoformat(found.group(1)).isoformat()}"
    return _WHAT[name]


# libyaml's parser when PyYAML was built with it: same nodes and marks, several times faster.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _compose_fast(text: str) -> Node | None:
    """libyaml when it parses; for an error, PyYAML's own clearer wording and marks.

    PyYAML refuses a Tab after a key's colon ("answer:<Tab>Sáng"), which libyaml reads:
    when it stops at such a Tab above the line libyaml stopped at, the Tabs of the lines
    libyaml read are taken as spaces, so that the line told is the one to fix."""
    try:
        return yaml.compose(text, Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        if _YAML_LOADER is yaml.SafeLoader:
            raise
        fast = exc
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as slow:
        stop = _line_of(fast)
        if stop is None or "\\t" not in (slow.problem or "") or (_line_of(slow) or 0) >= stop:
            raise
        lines = text.split("\n")
        read = "\n".join(line.replace("\t", " ") for line in lines[:stop])
        try:
            yaml.compose("\n".join([read, *lines[stop:]]), Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as told:
            raise told from None
        raise fast from None


def _line_of(exc: yaml.YAMLError) -> int | None:
    """The line (0-based) a YAML error is marked at, if it is."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return mark.line if mark is not None else None


def compose(
    text: str,
    src: str,
    problems: list[Problem],
    unread: str,
    duplicates: Mapping[tuple[int, str], str],
) -> Node | None:
    """Parse YAML into nodes; on a syntax error report it (`unread`: what that costs) and
    return None. `duplicates`: what a repeated key costs, by its depth and top-level
    section (see _duplicate_keys)."""
    try:
        root = _compose_fast(text)
    except yaml.MarkedYAMLError as exc:
        line, what = syntax_error(exc, text.split("\n"))
        problems.append(Problem(src, line, f"{what} — {unread}"))
        return None
    except yaml.YAMLError as exc:  # a ReaderError: a character YAML refuses (U+FFFE)
        # (Control characters are read as spaces before: staff_read.without_hidden_breaks.)
        position = getattr(exc, "position", 0)
        line = text[:position].count("\n") + 1
        code = text[position : position + 1] or " "
        before = text[text.rfind("\n", 0, position) + 1 : position].split()
        where = f"sau chữ '{before[-1]}'" if before else "ở đầu dòng"
        what = (
            f"dòng này có một ký tự vô hình không dùng được (mã U+{ord(code):04X}) {where}, "
            "thường do dán từ nơi khác: hãy xóa ký tự đó, hoặc xóa dòng và gõ lại"
        )
        problems.append(Problem(src, line, f"{what} — {unread}"))
        return None
    lines = text.split("\n")
    if isinstance(root, ScalarNode) and not root.style:
        # "title:Họp" then "date:2026-11-25": every key glued to its text, one text in all.
        glued = glued_key(lines[root.start_mark.line])
        if glued is not None:
            problems.append(Problem(src, node_line(root), f"{glued} — {unread}"))
            return None
    if root is not None:
        problems.extend(_duplicate_keys(root, src, duplicates))
        _mark_comment_cuts(root, lines)
    return root


_COMMENT_LINE = re.compile(r"^[ \t]*#.*$", re.M)


def blank_comments(text: str) -> str:
    """`text` with its comments blanked out (line breaks kept, so lines keep their
    numbers): what is left is what the bot reads. Past a syntax error only whole lines
    begun with '#' are known to be comments."""
    covered = bytearray(len(text))  # 1 where a token (a key, a text, a sign of YAML) is
    scanned_to = 0
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            start, end = token.start_mark.index, token.end_mark.index
            covered[start:end] = b"\1" * (end - start)
            scanned_to = max(scanned_to, end)
    except yaml.YAMLError:
        tail = _COMMENT_LINE.sub(lambda m: " " * len(m.group()), text[scanned_to:])
        return _blank(text[:scanned_to], covered) + tail
    return _blank(text, covered)


def _blank(text: str, covered: bytearray) -> str:
    return "".join(char if covered[at] or char == "\n" else " " for at, char in enumerate(text))


_COMMENT_AFTER = re.compile(r"\s+#")


def _mark_comment_cuts(root: Node, lines: list[str]) -> None:
    """Mark each unquoted text followed by ' #' on its line: YAML reads the rest of the
    line as a comment, so "bấm phím #2 để gặp cán bộ" would silently become "bấm phím"
    (see text_field). And give each unquoted text typed on several lines the lines as typed
    (`typed`): libyaml's nodes do not hold them, and a line begun with '-' is told from a
    dash within a line by them alone (yaml_values.merged_items); each text in double quotes
    too, its quotes with it: which backslash staff typed is told by them alone (a Tab, a
    line break, typed or folded, read the same: yaml_values.text_field)."""
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:  # an alias: the same node again, or a loop ('&a [*a]')
            continue
        seen.add(id(node))
        if isinstance(node, ScalarNode):
            end = node.end_mark
            if not node.style and end.line < len(lines):
                cut = bool(_COMMENT_AFTER.match(lines[end.line], end.column))
                setattr(node, "cut_by_comment", cut)  # noqa: B010 (yaml's nodes declare none)
                if cut and node.tag == NULL_TAG:  # nothing before the '#': all of it was cut
                    setattr(node, "comment", lines[end.line][end.column :].strip())  # noqa: B010
            start = node.start_mark
            if (not node.style and start.line < end.line < len(lines)) or (
                node.style == '"' and end.line < len(lines)
            ):
                typed = [*lines[start.line : end.line], lines[end.line][: end.column]]
                typed[0] = typed[0][start.column :]
                setattr(node, "typed", typed)  # noqa: B010
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, MappingNode):
            stack.extend(value for _, value in node.value)


# What two entries (or topics) run together cost: both are one block with repeated keys.
RUN_TOGETHER = {"faq": "cả hai mục này bị bỏ qua", "topics": "cả hai chủ đề này bị bỏ qua"}


def _duplicate_keys(root: Node, src: str, costs: Mapping[tuple[int, str], str]) -> list[Problem]:
    """Each key repeated in its block, at the repeat's line. `costs`: what that costs, by
    (depth, top-level section; "" at the top); where none is given (deeper, inside a
    field's value), the field's own check says what happens to it."""
    problems: list[Problem] = []
    seen: set[int] = set()  # anchors and aliases share nodes, even in cycles
    stack: list[tuple[Node, int, str]] = [(root, 0, "")]
    while stack:
        node, depth, section = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, MappingNode):
            first: dict[str, int] = {}
            merged = False  # two entries run together: the repeats after its id are its own
            for key, value in node.value:
                name = key_name(key)
                if name == "id" and name in first and depth == 2 and section in RUN_TOGETHER:
                    # "- id: a ... id: b ...": the second entry lost its '- '.
                    typed = value.value if isinstance(value, ScalarNode) else "..."
                    message = (
                        f"dòng id: thứ hai trong cùng một mục (mục bắt đầu ở dòng {first[name]}): "
                        f"nếu đây là một mục mới, hãy thêm '- ' trước id:, viết `- id: {typed}` "
                        f"thẳng hàng với dấu '-' ở trên — {RUN_TOGETHER[section]}"
                    )
                    problems.append(Problem(src, node_line(key), message))
                    merged = True
                elif name in first and not merged:
                    cost = costs.get((depth, section))
                    message = (
                        f"dòng {name}: lặp lại (đã có ở dòng {first[name]}): hãy xóa một trong "
                        "hai dòng" + (f" — {cost}" if cost else "")
                    )
                    problems.append(Problem(src, node_line(key), message))
                elif name not in first:
                    first[name] = node_line(key)
                inside = name if depth == 0 else section
                stack.extend(((key, depth + 1, inside), (value, depth + 1, inside)))
        elif isinstance(node, SequenceNode):
            stack.extend((child, depth + 1, section) for child in node.value)
    return problems


def node_line(node: Node) -> int:
    """The line a node begins on, counted from 1 as staff see it."""
    return int(node.start_mark.line) + 1


def key_name(node: Node) -> str:
    """A key as typed (a list or block used as a key is named as such)."""
    return str(node.value) if isinstance(node, ScalarNode) else "(a list or block)"


def key_line(node: Node, name: str) -> int:
    """The line of the key `name` in a block; the block's own line without one."""
    pairs = node.value if isinstance(node, MappingNode) else []
    return next((node_line(key) for key, _ in pairs if key_name(key) == name), node_line(node))


def is_null(node: Node) -> bool:
    """Whether nothing was typed there."""
    return isinstance(node, ScalarNode) and node.tag == NULL_TAG


def unknown_name(what: str, name: str, allowed: Sequence[str]) -> str:
    """What to say of a `what` named `name`, which is none of `allowed`."""
    close = closest(name, allowed)
    if close or ODD_SPACE.search(name):
        return _misspelt(name, close or name)
    return f"'{name}' không phải {what} bot biết (chỉ có {', '.join(allowed)})"


def _misspelt(typed: str, meant: str) -> str:
    """`typed` stands for the key `meant`: a typo, the key in Vietnamese, or the key with
    characters staff cannot see (a zero-width space, a non-breaking one, copied from a web
    page or Zalo)."""
    if ODD_SPACE.search(typed):
        return f"dòng {ODD_SPACE.sub('', typed).strip()}: {ODD_SPACE_HINT}"
    if _KEYS_IN_VIETNAMESE.get(fold(typed)) == meant:
        return f"tên dòng phải viết bằng tiếng Anh: '{meant}', không phải '{typed}'"
    return f"'{typed}' viết sai, có phải '{meant}'?"


# Keys staff may write in Vietnamese, by their words without accents.
_KEYS_IN_VIETNAMESE = {
    **dict.fromkeys(("ma", "ma so"), "id"),
    **dict.fromkeys(("ten", "ten chu de"), "name"),
    **dict.fromkeys(("tu khoa", "cac tu khoa"), "keywords"),
    **dict.fromkeys(("cau hoi", "hoi"), "question"),
    **dict.fromkeys(("cach hoi khac", "cac cach hoi khac", "cach hoi"), "variants"),
    **dict.fromkeys(("tra loi", "cau tra loi", "dap", "noi dung"), "answer"),
    **dict.fromkeys(("chu de", "cac chu de"), "topics"),
    **dict.fromkeys(("lien ket", "duong dan", "link"), "links"),
    **dict.fromkeys(("tieu de", "ten thong bao"), "title"),
    **dict.fromkeys(("ngay", "ngay dang", "ngay thang"), "date"),
    **dict.fromkeys(("nguon", "nguon tin"), "source"),
    **dict.fromkeys(("het han", "ngay het han", "han"), "expires"),
    **dict.fromkeys(("khan", "khan cap", "gap", "hoa toc"), "urgent"),
}


def closest(name: str, allowed: Sequence[str]) -> str | None:
    """The one of `allowed` that `name` most likely stands for: in Vietnamese, or misspelt."""
    english = _KEYS_IN_VIETNAMESE.get(fold(name))
    if english in allowed:
        return english
    close = difflib.get_close_matches(ODD_SPACE.sub("", name).strip().lower(), allowed, n=1)
    return close[0] if close else None


def _colon_lost(name: str, value: Node, fields: Mapping[str, Parser]) -> tuple[str, str] | None:
    """A key read from a line that lost its colon after a field's name, YAML having taken
    the colon in its text for the key's ("title Họp tổ: khu phố 3"): that field, and the
    line retyped with its colon (the text in quotes, as it holds one). None otherwise."""
    field, _, rest = name.partition(" ")
    field = field.lower()
    if field not in fields or not rest.strip():
        return None
    text = rest.strip()
    if isinstance(value, ScalarNode) and not is_null(value):
        text = f"{text}: {value.value.strip()}"
    words = text.replace('"', "'").split()
    shown = " ".join(words if len(words) <= 12 else [*words[:10], "…"])
    return field, f'dòng này thiếu dấu hai chấm sau {field}: viết `{field}: "{shown}"`'


def _label(kind: Kind, node: Node) -> str:
    """`mục 'bhyt-gia-han': `, `mục: ` while it has no readable id, nothing for a notice."""
    if not kind.noun:
        return ""
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if key_name(key) == "id" and not is_null(value) and isinstance(value, ScalarNode):
                return f"{kind.noun} '{value.value.strip()}': "
    return f"{kind.noun}: "


def check_record(
    node: Node,
    kind: Kind,
    fields: Mapping[str, Parser],
    required: Sequence[str],
    src: str,
    problems: list[Problem],
    *,
    partial: bool = False,
    lenient: Collection[str] = (),
    notes: list[Problem] | None = None,
) -> dict[str, Any] | None:
    """Check one block of `key: value` lines; its values, or None if anything is wrong.

    A parser returns None for an empty value: absent if optional, reported if required.
    With `partial`, a bad optional field or an unknown key is reported and left out, and
    the record still loads: a typo in a topic's keywords or an entry's variants must not
    take its answer away; so is a bad value of a field in `lenient`, and a key unknown but
    as a typo of one of them, or like none of the fields. A value that is only
    partly wrong (Partly: an unknown topic among known ones) is reported and the rest of
    it kept, in any record. Those problems (of what is left out while the record loads) go
    to `notes` when given, the record's others to `problems`.

    A misspelt required key ('anwser') is one problem, at its line: the key is unknown
    and the entry skipped for want of what it meant.
    """
    label = _label(kind, node)
    first = (len(problems), len(notes) if notes is not None else 0)
    if not isinstance(node, MappingNode):
        glued = glued_key(node.value) if isinstance(node, ScalarNode) and not node.style else None
        what = glued or f"phải gồm các dòng dạng `tên: nội dung`, ví dụ `{kind.example}`"
        problems.append(Problem(src, node_line(node), f"{label}{what} — {kind.skipped}"))
        return None
    values: dict[str, Any] = {}
    seen: set[str] = set()
    misspelt: dict[str, tuple[int, str]] = {}  # a required key -> its typo's problem's place
    ok = True
    for key, value in node.value:
        name = key_name(key)
        if name not in fields:
            colonless = _colon_lost(name, value, fields)
            meant = colonless[0] if colonless else closest(name, [*fields])
            # A line of the staff's own ("người ký:") or a misspelt lenient field ("topic:")
            # is left out as a bad value of a lenient field is: the record still loads.
            left_out = partial or (bool(lenient) and (meant is None or meant in lenient))
            lost = f"dòng này bị bỏ qua, {kind.kept}" if left_out else kind.skipped
            said = colonless[1] if colonless else unknown_name("tên dòng", name, [*fields])
            message = f"{label}{said} — {lost}"
            if meant is not None and meant in required and meant not in misspelt:
                misspelt[meant] = (len(problems), said)
            told = problems if notes is None or partial or not left_out else notes
            told.append(Problem(src, node_line(key), message))
            ok = ok and left_out
            continue
        if name in seen:
            ok = False  # a duplicate key, already reported
            continue
        seen.add(name)
        try:
            parsed = fields[name](value)
        except Partly as exc:
            message = f"{label}dòng {name}: {exc} — {exc.lost}, {kind.kept}"
            (problems if notes is None else notes).append(Problem(src, exc.line, message))
            parsed = exc.kept
        except Invalid as exc:
            if (partial and name not in required) or name in lenient:
                message = f"{label}dòng {name}: {exc} — chỉ bỏ qua dòng {name}:, {kind.kept}"
                (problems if notes is None else notes).append(Problem(src, exc.line, message))
                continue
            message = f"{label}dòng {name}: {exc} — {kind.skipped}"
            problems.append(Problem(src, exc.line, message))
            ok = False
            continue
        if parsed is not None:
            values[name] = parsed
        elif name in required:
            message = f"{label}dòng {name}: còn trống, chưa có {_what(name, src)} — {kind.skipped}"
            if getattr(value, "cut_by_comment", False):  # "answer: #1 một cửa"
                typed = getattr(value, "comment", "").replace('"', "'")
                message = (
                    f"{label}dòng {name}: chữ bắt đầu bằng '#' bị hiểu là ghi chú nên dòng "
                    f'như còn trống: hãy đặt trong ngoặc kép, viết `{name}: "{typed}"` — '
                    + kind.skipped
                )
            problems.append(Problem(src, node_line(value), message))
            ok = False
    for name in required:
        if name in seen:
            continue
        ok = False
        if name in misspelt:
            index, said = misspelt[name]
            problems[index] = Problem(
                problems[index].file,
                problems[index].line,
                f"{label}{said} — {kind.skipped} vì thiếu {_what(name, src)}",
            )
            continue
        message = f"{label}thiếu dòng {name}: ({_what(name, src)}) — {kind.skipped}"
        problems.append(Problem(src, node_line(node), message))
    if ok:
        return values
    # What its lines said still works does not: the record is skipped.
    problems[first[0] :] = not_kept(problems[first[0] :], kind)
    if notes is not None:
        notes[first[1] :] = not_kept(notes[first[1] :], kind)
    return None


def not_kept(told: Sequence[Problem], kind: Kind) -> list[Problem]:
    """`told` of a record skipped after all: a line said to be left out while the record
    is still used ("dòng này bị bỏ qua, thông báo vẫn được đăng") asks to be fixed too,
    not to contradict the line that skips the record."""
    tail = f", {kind.kept}"
    return [
        dataclasses.replace(p, message=f"{p.message.removesuffix(tail)}; {FIX_TOO}")
        if p.message.endswith(tail)
        else p
        for p in told
    ]


# Said of a line left out of a record that another mistake skips whole.
FIX_TOO = "hãy sửa cả dòng này"
