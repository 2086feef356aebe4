"""The values of the fields staff type in YAML (`yaml_records`): each parser takes a
node and returns its value, None when it is empty, or raises `Invalid` (or `Partly`)
with what is wrong in staff's words.

Decisions where the format leaves room:
- Free-text fields (`name`, `question`, `answer`, `title`) must be text: a
  bare number, true/false or date there is reported, with a hint to quote it.
  Words in lists (keywords, variants, ids, synonyms) take any scalar as typed.
- `topics`, `links` and synonym meanings may be one value instead of a list;
  `keywords` and `variants` are lists: `variants: a, b` written without brackets is
  read as the list the clerk meant ([a, b]; one quoted text, a list of one) and
  reported with the line retyped as it should be written, the entry still served.
  `topics: a, b` is two topics (a topic's name with a comma in it stays one).
- An unknown topic in a `topics` list is reported and left out, and the entry or notice
  still loads: one topic's typo must not take away every answer and notice tagged with it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Container, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from wardbot.intents import topic_key
from wardbot.models import Topic
from wardbot.text import fold
from wardbot.yaml_hints import (
    BACKSLASH_MEANS,
    ODD_SPACE_HINT,
    backslash_fixes,
    bullet_hint,
    wrong_bullet,
)
from wardbot.yaml_records import NULL_TAG, Invalid, Parser, Partly, closest, is_null

_STR = "tag:yaml.org,2002:str"
_ID = re.compile(r"[a-z0-9-]+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def word_field(node: Node) -> str | None:
    """Any scalar, as typed and stripped; None if empty."""
    if not isinstance(node, ScalarNode):
        raise Invalid(node, "phải là chữ, không phải một danh sách hay một khối")
    text = "" if node.tag == NULL_TAG else str(node.value).strip()
    return text or None


def code_field(node: Node) -> str | None:
    """A value read as a code, not as text (an id, a date, a link, a topic, true/false):
    an invisible character pasted into it is named, else the value would be said to be
    wrong while it looks, to staff, as it should (`2026-11-30` and a zero-width space)."""
    text = word_field(node)
    if text is not None and _INVISIBLE.search(text):
        raise Invalid(node, ODD_SPACE_HINT)
    return text


# What nothing shows, not even as a gap (zero-width spaces and joiners, a byte-order mark
# mid-text): a non-breaking space in a topic's name still parts its words.
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff]")


def text_field(node: Node) -> str | None:
    """Free text: a bare number, true/false or date here is more likely a slip than meant.
    Text cut short by a ' #' (read as a comment) is kept as YAML read it, and reported."""
    if isinstance(node, ScalarNode) and node.tag not in (_STR, NULL_TAG):
        value = node.value
        raise Invalid(
            node, f'phải là chữ; nếu đúng ý là {value}, hãy đặt trong ngoặc kép: "{value}"'
        )
    text = word_field(node)
    if text is not None and isinstance(node, ScalarNode) and node.style == '"':
        _unseen_escapes(node, text)
    if text is not None and getattr(node, "cut_by_comment", False):
        words = text.split()
        end = ("…" if len(words) > 4 else "") + " ".join(words[-4:])
        message = (
            f"dừng ở '{end}': phần sau dấu ' #' trên dòng đó bị hiểu là ghi chú; nếu nó là "
            'một phần nội dung, hãy đặt cả đoạn trong ngoặc kép "…"'
        )
        raise Partly(node, message, text, "phần sau dấu # bị mất")
    return text


# The signs a backslash typed in double quotes makes that nothing shows (staff typing a
# folder, "C:\\bieu mau", mean the backslash), and how they were typed. A Tab or a line
# break ("\\t", "\\n") may be meant, and the bot's own edits write a Tab so.
_UNSEEN_ESCAPES = {
    "\0": "\\0", "\a": "\\a", "\b": "\\b", "\v": "\\v", "\f": "\\f",
    "\r": "\\r", "\x1b": "\\e",
}  # fmt: skip
_AS_TYPED = {**_UNSEEN_ESCAPES, "\t": "\\t", "\n": "\\n"}


def _unseen_escapes(node: ScalarNode, text: str) -> None:
    """Text in double quotes where a backslash made a sign residents would not see ("\\b"
    in "C:\\bieu mau"): reported, the text kept as typed, each backslash one (a Tab or a
    line break in it too: the same slip, "C:\\thu muc\\bieu mau"; not one typed as itself,
    a Tab key, a blank line between two lines of the text)."""
    if not any(sign in text for sign in _UNSEEN_ESCAPES):
        return
    source = getattr(node, "typed", None)  # the lines as typed (yaml_records.compose)
    slips = set(_ESCAPED.findall("\n".join(source))) if source else set()
    as_typed = {
        ch: way
        for ch, way in _AS_TYPED.items()
        if ch in _UNSEEN_ESCAPES or not source or way[1] in slips
    }
    typed = "".join(as_typed.get(ch, ch) for ch in text)
    signs = ", ".join(dict.fromkeys(f"`{as_typed[ch]}`" for ch in text if ch in as_typed))
    inner = None if "\n" in typed else typed.replace('"', '\\"')  # lines: not shown in one
    message = (
        f"có {signs}: {BACKSLASH_MEANS}, ở đây là ký tự người dân không thấy; "
        + backslash_fixes(inner)
    )
    raise Partly(node, message, typed, "tạm đọc mỗi dấu \\ như đã gõ")


# A backslash typed in double quotes and the sign after it ("\\\\" is one backslash).
_ESCAPED = re.compile(r"\\(.)")


def id_field(node: Node) -> str | None:
    """An id: lower-case letters without accents, digits and '-'."""
    text = code_field(node)
    if text is not None and not _ID.fullmatch(text):
        example = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or "ho-tich"
        raise Invalid(
            node,
            f"mã chỉ dùng chữ thường không dấu, số và dấu '-', ví dụ {example} "
            f"(không viết '{text}')",
        )
    return text


def url_field(node: Node) -> str | None:
    """A web address, http:// or https://."""
    text = code_field(node)
    if text is None:
        return None
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in text):
        raise Invalid(
            node, f"phải là địa chỉ web bắt đầu bằng http:// hoặc https://, không phải '{text}'"
        )
    return text


_BOOL = "tag:yaml.org,2002:bool"
_YES, _NO = frozenset({"true", "yes", "on", "co"}), frozenset({"false", "no", "off", "khong"})


def flag_field(node: Node) -> bool | None:
    """true or false (yes/no, có/không as staff may write them); None if empty."""
    text = code_field(node)
    if text is None:
        return None
    word = fold(text).lower()
    if node.tag == _BOOL or word in _YES | _NO:
        return word in _YES
    raise Invalid(node, f"chỉ ghi true (khẩn: báo ngay cả ban đêm) hoặc false, không phải '{text}'")


def date_field(node: Node, *, year: int | None = None) -> dt.date | None:
    """A date written yyyy-mm-dd; another way of writing one is reported as it. `year`:
    the one a date typed without it most likely has (a notice's file name's)."""
    text = code_field(node)
    if text is None:
        return None
    if not _DATE.fullmatch(text):
        raise Invalid(node, _typed_otherwise(text, year))
    date = parse_date(text)
    if date is None:
        wrong = no_such_day(*map(int, text.split("-")))
        raise Invalid(node, f"ngày {text} không có thật: {wrong}{_swapped(text)}")
    return date


def _swapped(text: str) -> str:
    """For yyyy-dd-mm typed for yyyy-mm-dd ("2026-30-11": the day written first, as
    Vietnamese dates are), the date meant, as a hint; '' when swapping makes none."""
    year, first, second = text.split("-")
    meant = parse_date(f"{year}-{second}-{first}")
    if meant is None:
        return ""
    return f" (có phải {meant.isoformat()}? ngày viết dạng năm-tháng-ngày)"


def _typed_otherwise(text: str, year: int | None) -> str:
    """What to say of a date not written yyyy-mm-dd: that date so written when it is plain.
    One typed without its year is shown with `year`, said to be a guess: a day shown as
    the fix is copied as typed."""
    typed_date = _typed_date(text)
    if typed_date is not None:
        wrong = no_such_day(*typed_date)
        if wrong:
            return f"{_day_said(text)} không có thật: {wrong}; {_RETYPE}"
        meant = dt.date(*typed_date)
        return f"ngày phải viết dạng {meant.isoformat()} (năm-tháng-ngày), không phải {text}"
    typed = _YEARLESS.fullmatch(text.lower().strip())
    if typed is None:
        return f"ngày phải viết dạng 2026-11-25 (năm-tháng-ngày), không phải {text}"
    day, month = int(typed[1]), int(typed[2])
    wrong = no_such_day(2000, month, day)  # in no year (2000 was a leap year: 29/02 is)
    if wrong:
        return f"{_day_said(text)} không có thật: {wrong}; {_RETYPE}, có cả năm"
    try:
        guess = dt.date(year, month, day).isoformat() if year else None
    except ValueError:  # 29/02, the year guessed not a leap year
        guess = None
    shown = f"{guess} nếu là ngày {day} tháng {month} năm {year}" if guess else "ví dụ 2026-11-25"
    return f"ngày phải viết đủ năm, dạng năm-tháng-ngày: {shown}, không phải {text}"


# Dates as staff write them: 25/11/2026, 25/11/26, "ngày 25 tháng 11 năm 2026",
# 2026-11-25 08:00; and without the year: 25/11, "ngày 25 tháng 11".
_DAY_FIRST = re.compile(r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4}|\d{2})(?!\d)")
_IN_WORDS = re.compile(r"(?:ngày\s+)?(\d{1,2})\s+tháng\s+(\d{1,2})\s*(?:năm|,|/)?\s*(\d{4})")
_YEAR_FIRST = re.compile(r"(\d{4})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})")
_YEARLESS = re.compile(r"(?:ngày\s+)?(\d{1,2})\s*(?:[/.-]|\s+tháng\s+)\s*(\d{1,2})")


def typed_day(text: str) -> dt.date | None:
    """The day `text` writes, yyyy-mm-dd or as staff type it (25/11/2026); None if none."""
    typed = _typed_date(text) if not _DATE.fullmatch(text) else tuple(map(int, text.split("-")))
    if typed is None or no_such_day(*typed):
        return None
    return dt.date(*typed)


def _typed_date(text: str) -> tuple[int, int, int] | None:
    """The year, month and day a value that is not written yyyy-mm-dd stands for, when it
    is plain (a two-digit year as 20yy); they may make no day (`no_such_day`)."""
    lowered = text.lower()
    for pattern, order in (
        (_DAY_FIRST, (3, 2, 1)),
        (_IN_WORDS, (3, 2, 1)),
        (_YEAR_FIRST, (1, 2, 3)),
    ):
        typed = pattern.search(lowered)
        if typed is not None:
            year, month, day = (int(typed[i]) for i in order)
            return year + 2000 if year < 100 else year, month, day
    return None


def _day_said(text: str) -> str:
    """A date as typed, in a sentence: 'ngày 31/11/2026', 'ngày 31 tháng 11' as it is."""
    return text if text.lower().startswith("ngày") else f"ngày {text}"


# After what makes a date typed no day: what staff do (the day meant is theirs to say).
_RETYPE = "hãy xem lại ngày, và viết theo dạng năm-tháng-ngày"


def no_such_day(year: int, month: int, day: int) -> str:
    """Why `year`-`month`-`day` is no day, in staff's words ('' when it is one): the month
    that is none, the days the month has (a February by the year's leap)."""
    if not 1 <= month <= 12:
        return f"không có tháng {month}, tháng chỉ từ 1 đến 12"
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        return f"không có năm {year}"
    days = calendar.monthrange(year, month)[1]
    if day < 1:
        return f"không có ngày {day} trong tháng"
    if day <= days:
        return ""
    if month != 2:
        return f"tháng {month} chỉ có {days} ngày"
    if days == 28:
        return f"năm {year} không phải năm nhuận nên tháng 2 chỉ có 28 ngày"
    return f"tháng 2 năm {year} chỉ có 29 ngày"


def parse_date(text: str) -> dt.date | None:
    """The date `text` writes yyyy-mm-dd, or None when there is no such day."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def list_field(item: Parser, *, single: bool = False, key: str = "") -> Parser:
    """A parser for a list of items; with `single`, one bare item is accepted too. With
    `key` (the field's name), a text where the list belongs is read as the list written
    without its brackets, and reported with its line retyped (`_unbracketed`)."""

    def parse(node: Node) -> tuple[Any, ...] | None:
        if is_null(node):
            return None
        plain = isinstance(node, ScalarNode) and not node.style
        mark = wrong_bullet(node.value) if plain else None
        if mark is not None:  # "• a" on one line, "• b" on the next: one text to YAML
            rest = node.value.lstrip()[len(mark) :].strip()
            first = re.split(r"\s+[•·●▪◦‣∙–—]\s*|\s+-", rest)[0]
            raise Invalid(node, f"{bullet_hint(mark)}, viết `- {first}`")
        if isinstance(node, SequenceNode):
            children = list(node.value)
        elif single and isinstance(node, ScalarNode):
            children = [node]
        elif key and plain and (dashless := _first_dash_lost(node, key)):
            raise dashless
        elif key and isinstance(node, ScalarNode):
            raise _unbracketed(node, key)
        else:
            raise Invalid(
                node, "phải là một danh sách trong ngoặc vuông, ví dụ [thứ nhất, thứ hai]"
            )
        parsed: list[Any] = []
        merged: Partly | None = None
        for child in children:
            _colon_in_item(child)
            value = item(child)
            if value is None:
                raise Invalid(child, "có một mục để trống trong danh sách")
            parts = merged_items(child) if isinstance(node, SequenceNode) else []
            if len(parts) > 1 and merged is None:
                merged = _merged(child, parts[1][0], len(parts), _ITEMS.get(key, "mục"))
            parsed.extend([text for _, text in parts] if len(parts) > 1 else [value])
        if merged is not None:
            merged.kept = tuple(parsed)
            raise merged
        return tuple(parsed)

    return parse


# A line of a plain text that begins with a list's '-' (the rest of it, the item).
_DASH_LINE = re.compile(r"\s*-\s+(\S.*)")


def merged_items(node: Node) -> list[tuple[int, str]]:
    """An item of a list in lines ("- a") that YAML read with the item below it, whose '-'
    was indented deeper ("a - b"): the items meant, each with its line (from 1). A dash
    within a line ("tạm trú - tạm vắng") or an item wrapped onto the next line is no new
    item: only a line that begins with '-' is. Empty for an item on one line."""
    typed: list[str] = getattr(node, "typed", [])  # yaml_records.compose keeps them
    if not isinstance(node, ScalarNode) or node.style or len(typed) < 2:
        return []
    items: list[tuple[int, list[str]]] = []
    for n, line in enumerate(typed):
        dash = _DASH_LINE.fullmatch(line) if n else None
        if n == 0 or dash:
            items.append((node.start_mark.line + 1 + n, [(dash[1] if dash else line).strip()]))
        elif line.strip():
            items[-1][1].append(line.strip())
    return [(line, " ".join(words)) for line, words in items]


def _merged(node: Node, line: int, count: int, what: str) -> Partly:
    """What to say of an item read with the one below it (`merged_items`), whose '-' is
    on `line`."""
    above = node.start_mark.line + 1
    message = (
        f"dấu '-' ở dòng này thụt lề sâu hơn dấu '-' ở dòng trên (dòng {above}), nên bot đọc "
        "nó là chữ nối tiếp dòng trên: hãy cho hai dấu '-' thẳng hàng với nhau"
    )
    told = Partly(node, message, (), f"bot tạm hiểu là {count} {what} riêng")
    told.line = line  # the line of the '-' indented deeper
    return told


# What the items of a list field are, for staff.
_ITEMS = {"variants": "cách hỏi", "keywords": "từ khóa"}
# What an item in a list in brackets cannot have unquoted.
_FLOW_SIGN = re.compile(r"[\[\]{},#\"'&*!|>%@`]|: |^[-?:]")


def unbracketed_items(node: ScalarNode) -> list[str]:
    """The items of a list written without its brackets (`variants: a, b`): its parts
    between commas; text in quotes is one item, and so is a part in quotes of its own
    (`a, "b"`: b, the quotes typed to mark it, not words of it). An empty text (`variants:
    |` with nothing below it yet, `""`) has none."""
    whole = str(node.value).strip()
    if node.style:
        return [whole] if whole else []
    parts = [p.strip() for p in whole.split(",")]
    return [_unquoted(p) for p in parts if _unquoted(p)]


def _unquoted(part: str) -> str:
    if len(part) >= 2 and part[0] == part[-1] and part[0] in "\"'":
        return part[1:-1].strip()
    return part


def _unbracketed(node: ScalarNode, key: str) -> Partly:
    """`variants: a, b`: the list meant, written without brackets, read as [a, b] (text in
    quotes as one item), told with the line as it should be written."""
    whole = str(node.value).strip()
    parts = unbracketed_items(node)
    typed = ", ".join(_flow_item(part) for part in parts)
    message = f"danh sách phải nằm trong ngoặc vuông, viết `{key}: [{typed}]`"
    if len(parts) > 1 and key == "variants":  # a way of asking may have a comma
        one = _flow_item(whole, quoted=True)
        message += f" (nếu là một câu có dấu phẩy thì viết `{key}: [{one}]`)"
    what = _ITEMS.get(key, "mục")
    read = f"{len(parts)} {what}" if parts else f"chưa có {what} nào"
    return Partly(node, message, tuple(parts), f"bot tạm hiểu là {read}")


def _first_dash_lost(node: Node, key: str) -> Partly | None:
    """A list whose first item lost its '- ' ("variants:", "  giá thẻ", "  - mua thẻ"):
    YAML reads its lines as one text, the '- ' of the lines below in it. Its items, told
    with the first line retyped; None when the text is on one line or has no '- '."""
    if not isinstance(node, ScalarNode):
        return None
    items = re.split(r"\s+-\s+", str(node.value).strip())
    if node.end_mark.line <= node.start_mark.line or len(items) < 2:
        return None
    what = _ITEMS.get(key, "mục")
    message = (
        f"dòng này thiếu dấu '-' ở đầu, mà các dòng dưới có: mỗi {what} là một dòng bắt "
        f"đầu bằng '- ', viết `- {items[0]}`"
    )
    return Partly(node, message, tuple(items), f"bot tạm hiểu là {len(items)} {what}")


def _flow_item(text: str, *, quoted: bool = False) -> str:
    """`text` as an item of a list in brackets: in quotes when it must be."""
    if not quoted and not _FLOW_SIGN.search(text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _colon_in_item(node: Node) -> None:
    """Raise for a list item of text with ': ' in it ("- giờ làm việc: mấy giờ"), which
    YAML reads as a key and its text."""
    if not isinstance(node, MappingNode) or len(node.value) != 1:
        return
    key, value = node.value[0]
    if isinstance(key, ScalarNode) and isinstance(value, ScalarNode):
        typed = f"{key.value}: {value.value}".replace('"', "'")
        raise Invalid(
            node,
            "có dấu hai chấm và dấu cách (': ') nên bị hiểu sai: hãy đặt trong ngoặc kép, "
            f'viết "{typed}"',
        )


def _names_with_commas(
    parts: Sequence[str], nodes: Sequence[Node], is_topic: Callable[[str], bool]
) -> tuple[list[str], list[Node]]:
    """A topics line's parts (split at its commas, by YAML's brackets or for a line without
    them) with a topic's name that has a comma in it ('Đất đai, xây dựng') put together
    again: at each part, the longest run of parts from it that names a topic; each with
    the node of its first part."""
    joined: list[str] = []
    at: list[Node] = []
    start = 0
    while start < len(parts):
        end = next(
            (end for end in range(len(parts), start, -1) if is_topic(", ".join(parts[start:end]))),
            start + 1,
        )
        joined.append(", ".join(parts[start:end]))
        at.append(nodes[start])
        start = end
    return joined, at


def topics_field(
    topics: Sequence[Topic] | None, unread: Mapping[str, UnreadTopic] | None = None
) -> Parser:
    """A list of topic ids (or one id), each declared in faq.yaml's topics. A topic
    written as its name ("Bảo hiểm y tế") or its id otherwise typed ("BHYT") is taken
    for that topic, and reported: staff write what residents see. `topics` None: the
    topics are not known; the ids are read, none is checked and none kept. `unread`: the
    topics a mistake of their own skips, by their id as typed: one of them is told as
    such, not as missing from faq.yaml."""
    skipped = {topic_key(typed): topic for typed, topic in (unread or {}).items()}
    words = list_field(code_field, single=True)
    known = {topic.id for topic in topics or ()}
    named: dict[str, str] = {}  # topic_key of a topic's name or id -> its id
    for topic in topics or ():
        named.setdefault(topic_key(topic.name), topic.id)
    named.update((topic_key(topic.id), topic.id) for topic in topics or ())

    def parse(node: Node) -> tuple[str, ...] | None:
        parsed = words(node)
        if parsed is None or topics is None:
            return None
        children = node.value if isinstance(node, SequenceNode) else [node]
        if len(parsed) == 1 and "," in parsed[0]:  # "topics: hanh-chinh, bhyt" means both
            parsed = tuple(part.strip() for part in parsed[0].split(",") if part.strip())
            children = children * len(parsed)
        parsed, children = _names_with_commas(
            parsed, children, lambda typed: typed in known or topic_key(typed) in named
        )
        spaced = _ids_with_spaces(parsed, children, known, named)
        if spaced is not None:  # "topics: cu-tru ho-tich": ids hold no space, so each is one
            parsed, children = spaced
        meant = [topic if topic in known else named.get(topic_key(topic)) for topic in parsed]
        kept = tuple(dict.fromkeys(t for t in meant if t))  # repeats are harmless
        for topic, same, child in zip(parsed, meant, children, strict=True):
            if same is None and (broken := skipped.get(topic_key(topic))) is not None:
                raise Partly(child, _unread_topic(topic, broken), kept or None, _TOPIC_LEFT)
            if same is None:  # one topic's typo must not hide what is tagged with it
                message = f"chủ đề '{topic}' không có trong phần topics: của faq.yaml"
                close = closest(topic, sorted(known))
                if close:
                    message += f", có phải '{close}'?"
                if spaced is not None:  # the line to write, with commas and the guess
                    guessed = [
                        same or closest(typed, sorted(known)) or typed
                        for typed, same in zip(parsed, meant, strict=True)
                    ]
                    line = ", ".join(dict.fromkeys(guessed))
                    said = f"{_COMMAS_NEEDED}: viết `topics: [{line}]`"
                    message += f" {said[0].upper()}{said[1:]}" if close else f"; {said}"
                raise Partly(child, message, kept or None, _TOPIC_LEFT)
            if same != topic:
                line = ", ".join(kept)
                message = f"hãy viết mã chủ đề: '{same}' thay cho '{topic}' (topics: [{line}])"
                raise Partly(child, message, kept, f"bot tạm hiểu là '{same}'")
        if spaced is not None:
            message = f"{_COMMAS_NEEDED}: viết `topics: [{', '.join(kept)}]`"
            raise Partly(node, message, kept, f"bot tạm hiểu là {len(kept)} chủ đề")
        return kept

    return parse


_COMMAS_NEEDED = "các mã chủ đề phải cách nhau bằng dấu phẩy, trong ngoặc vuông"


def _ids_with_spaces(
    parsed: Sequence[str], children: Sequence[Node], known: Container[str], named: Container[str]
) -> tuple[tuple[str, ...], list[Node]] | None:
    """The topics typed with spaces between them, not commas ("cu-tru ho-tich"), each
    word a topic's id or typed as one (a typo: "cu-tru ho-tch", at least one word known),
    parted (with their nodes); None when none is typed so."""
    words: list[str] = []
    nodes: list[Node] = []
    spaced = False
    for typed, child in zip(parsed, children, strict=True):
        split = typed.split()
        if (
            len(split) > 1
            and typed not in known
            and topic_key(typed) not in named
            and all(word in known or _ID_TYPED.fullmatch(word) for word in split)
            and any(word in known for word in split)
        ):
            words += split
            nodes += [child] * len(split)
            spaced = True
            continue
        words.append(typed)
        nodes.append(child)
    return (tuple(words), nodes) if spaced else None


# A word written as a topic's id is (lower case, no accents, hyphens between its parts).
_ID_TYPED = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

_TOPIC_LEFT = "chủ đề này bị bỏ qua"


@dataclass(frozen=True)
class UnreadTopic:
    """A topic of faq.yaml a mistake of its own skips: the line of its `id:` and whether
    that id is the mistake (`id: đất đai`)."""

    line: int
    bad_id: bool


def _unread_topic(typed: str, topic: UnreadTopic) -> str:
    """What to say of a topic tagged that faq.yaml has, but skipped for its own mistake."""
    where = f"dòng {topic.line} của faq.yaml"
    if topic.bad_id:
        why = f"mã (id) của chủ đề '{typed}' ở {where} chưa hợp lệ"
    else:
        why = f"chủ đề '{typed}' ở {where} có lỗi (xem lỗi ở dòng đó)"
    return f"{why} nên chủ đề đó chưa được nạp, chưa gắn vào đây được cho tới khi sửa xong"
