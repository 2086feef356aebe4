"""What a YAML syntax error in a staff file means, in staff's words, and where it is.

PyYAML reports where its parser gave up, in parser terms ("could not find expected
':'", often on the line after the mistake). Ward staff need the line they got wrong and
what to type instead: `syntax_error` looks at the lines around the parser's mark for the
mistakes staff make with Word, a phone or a web page (curly quotes, pasted non-breaking
spaces, "•" for "-", a key glued to its text, a lost colon, text with ': ' or beginning
with a sign of YAML's, a line indented unlike its neighbours, a Tab) and says so in
Vietnamese, with the line retyped when it can. The loader adds what the mistake costs.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

import yaml

# Spaces YAML does not take for spaces (non-breaking, wide, zero-width; a byte-order mark
# mid-file), pasted from Word, Zalo or a web page; staff cannot see them.
ODD_SPACE = re.compile("[\u00a0\u2000-\u200b\u202f\u205f\u2060\u3000\ufeff]")
ODD_SPACE_HINT = (
    "có dấu cách lạ hoặc ký tự vô hình (hay có khi chép từ Word, Zalo hay trang web) mà "
    "bot không tính là dấu cách: hãy xóa cả dòng rồi gõ lại bằng bàn phím"
)

# The keys of faq.yaml (its sections, topics and entries) and of a notice's front matter:
# a line beginning with one of them (or a typo of one) lost its colon; one beginning with
# another word is text.
_KEYS = (
    *("topics", "faq", "synonyms", "id", "name", "keywords", "question", "variants"),
    *("answer", "links", "title", "date", "source", "expires", "urgent"),
)


# A section of faq.yaml begun off the left margin.
_SECTION = re.compile(r" +(topics|faq|synonyms): *(#.*)?")

# Word and Outlook turn typed quotes into these; YAML does not take them for quotes.
_CURLY_QUOTES = "“”‘’"
_STRAIGHT = str.maketrans("“”‘’", "\"\"''")


def syntax_error(exc: yaml.MarkedYAMLError, lines: Sequence[str]) -> tuple[int, str]:
    """Where a YAML syntax error is and what to do about it, in staff's words."""
    mark = exc.problem_mark or exc.context_mark
    index = mark.line if mark else 0
    problem = exc.problem or exc.context or ""
    here = lines[index] if index < len(lines) else ""
    if "escape" in problem or "hexdecimal" in problem:  # "C:\hồ sơ" in double quotes
        return index + 1, _escape_hint(here, mark.column if mark else 0)
    if any(quote in here for quote in _CURLY_QUOTES):
        return index + 1, (
            "dòng này có ngoặc kép cong “ ” hoặc ‘ ’ (Word tự đổi khi gõ), mà bot không "
            'tính là ngoặc kép: hãy gõ lại bằng ngoặc kép thẳng " ", viết '
            f"{_retyped(here.translate(_STRAIGHT))}"
        )
    for near in (_above(lines, index), index):
        # Where YAML looks for spaces: the indent, around the '-' and the key's colon.
        if near is not None and near < len(lines) and ODD_SPACE.search(_head(lines[near])):
            return near + 1, f"dòng này {ODD_SPACE_HINT}"
    # "• id: ho-tich" (a list typed in Word), "-id: ho-tich": noticed there or a line below.
    for near in (_above(lines, index), index):
        if near is not None and near < len(lines) and (bullet := wrong_bullet(lines[near])):
            typed = _BULLETED_KEY.fullmatch(lines[near].strip()[len(bullet) :].strip())
            if typed is not None:
                return near + 1, f"{bullet_hint(bullet)}, viết {_retyped('- ' + typed[0])}"
    # "answer:Sáng 7h30": YAML reads a key glued to its text as text (going on over the
    # lines below it), and stops further down, where a key was expected.
    for near in (_keyed_above(lines, index), index):
        if near is not None and near < len(lines) and (fixed := glued_key(lines[near])):
            return near + 1, fixed
    for near in (index, _above(lines, index)):  # "  id: x" under an entry: a '- ' lost
        if near is not None and near < len(lines) and (bare_id := _entry_dash_lost(lines, near)):
            return near + 1, bare_id
    if first_entry := _first_dash_lost(lines, index):  # "faq:" then "  id: x"
        return first_entry
    if section := _SECTION.fullmatch(here.rstrip()):  # " faq:" under the topics' lines
        return index + 1, (
            f"dòng {section[1]}: là đầu một phần của tệp nên phải viết sát lề trái: hãy xóa "
            "các dấu cách ở đầu dòng này"
        )
    if (lost := _lost_colon(lines, index)) and (
        # Else "could not find expected ':'" is told below, the lines between read too.
        "mapping values are not allowed" in problem or lost[2]
    ):
        return lost[:2]
    if index < len(lines) and (misaligned := _misaligned(lines, index)):
        return misaligned
    if mark is not None and (
        hint := _indicator(lines[index] if index < len(lines) else "", mark.column)
    ):
        return index + 1, hint
    if "could not find expected ':'" in problem and (dashless := _dash_lost(lines, index)):
        return dashless
    if "could not find expected ':'" in problem:
        # Noticed at the next line that has something on it; the key without its colon
        # is above, before the lines that go on its text (indented deeper).
        key = _colonless_key(lines, index)
        if key is not None:
            return key + 1, _unindented_text(lines, key) or _missing_colon(lines[key])
        if index == len(lines) - 1 and lines[index].strip() and ":" not in lines[index]:
            # The file ends in this line, with no line break: often a save caught half-way.
            return index + 1, (
                f"tệp dừng ở giữa dòng này (`{_shown(lines[index])}`): có thể tệp đang được "
                "lưu hay tải lên chưa xong; nếu không, dòng này thiếu dấu hai chấm hoặc bị "
                "cắt mất phần sau"
            )
    if "mapping values are not allowed" in problem:
        # "- id a" then "question: ...": the item's first key lost its colon, and YAML
        # reads "id a question" as one text followed by ': '.
        key = _colonless_key(lines, index)
        if key is not None and re.match(r"\s*-\s+\S", lines[key]):
            return key + 1, _missing_colon(lines[key])
        if opened := _text_opening_a_block(lines, index):
            return index + 1, opened
        quoted = _quoted(here)
        above = _keyed_above(lines, index)
        typed = _KEYED.fullmatch(lines[above].rstrip()) if above is not None else None
        if quoted is None and above is not None and typed is not None:
            # The text of the key above goes on over several lines, this one with ': '.
            return above + 1, (
                f"chữ của dòng {typed[2]}: viết trên nhiều dòng, và dòng {index + 1} có dấu "
                f"hai chấm và dấu cách (': '): hãy viết `{typed[2]}: |` rồi xuống dòng, mọi "
                f"dòng chữ thụt lề sâu hơn dòng {typed[2]}:"
            )
        return index + 1, (
            "chữ có dấu hai chấm và dấu cách (': ') ở giữa phải đặt trong ngoặc kép, "
            + (quoted or 'ví dụ answer: "Giờ làm việc: sáng 7h30"')
        )
    if "\\t" in problem:
        return index + 1, _tab_hint(lines, index, mark.column if mark else 0)
    if "flow sequence" in (exc.context or "") and exc.context_mark is not None:
        # "topics: [bhyt, cu-tru" with its ']' left out: YAML reads on into the next lines.
        start = exc.context_mark.line
        opened = lines[start].rstrip() if start < len(lines) else ""
        fixed = f"viết {_retyped(opened + ']')}" if "]" not in opened else "thêm dấu ]"
        return start + 1, f"ngoặc vuông [ mở ở dòng này chưa được đóng: {fixed}"
    if "end of stream" in problem and "quoted" in (exc.context or ""):
        start = exc.context_mark.line + 1 if exc.context_mark else index + 1
        return start, "ngoặc kép mở ở dòng này chưa được đóng: thêm dấu ngoặc kép ở cuối"
    if "document" in problem and (stray := _stray_end(lines, index)) is not None:
        return stray + 1, (
            f"dòng '{lines[stray].strip()}' viết sát lề trái làm bot hiểu là tệp dừng ở đây, "
            "các dòng bên dưới không được đọc: nếu đó là một dòng của câu trả lời, hãy viết "
            "`answer: |` rồi xuống dòng, mọi dòng chữ (cả dòng này) thụt lề sâu hơn dòng "
            "answer:; nếu không, hãy xóa dòng này"
        )
    if "but found '-'" in problem and (item := _item_under_text(lines, index)):
        return index + 1, item
    # What PyYAML says otherwise is in its terms and in English: what to look at, in ours,
    # at a line with something on it (not past the end of a file with a '{' left open).
    if not here.strip():
        started = exc.context_mark.line if exc.context_mark else _nearest(lines, index, -1)
        index = started if started is not None and started < index else index
    return index + 1, (
        "bot không đọc được tệp từ dòng này: hãy xem lại thụt lề (số dấu cách đầu dòng), "
        "dấu hai chấm, dấu '-' đầu dòng và ngoặc kép ở dòng này và dòng trên; nếu có chữ bắt "
        "đầu bằng một ký hiệu (như * & % @ ! `), hãy đặt cả chữ đó trong ngoặc kép"
    )


# What a backslash means in double quotes, which staff typing a folder ("C:\hồ sơ") or a
# code do not know: YAML refuses the text, or reads a sign they never see ("\b").
BACKSLASH_MEANS = (
    "trong ngoặc kép, dấu gạch chéo ngược \\ mở đầu một ký tự đặc biệt (như \\n là xuống dòng)"
)
# A backslash and what follows it, as typed between double quotes.
_ESCAPE = re.compile(r"\\(.?)")


def _escape_hint(line: str, column: int) -> str:
    """What to say of a backslash YAML could not read as an escape near `column` of
    `line`: what it means there, and the text written so that it is a backslash."""
    start = line.rfind("\\", 0, column + 1)
    typed = line[start : start + 2] if start >= 0 else "\\"
    said = f"dòng này có `{typed}`: {BACKSLASH_MEANS}, nên bot không đọc được"
    opened, closed = line.find('"'), line.rfind('"')
    if opened < 0 or closed <= opened:  # the quoted text goes on over other lines
        return f"{said}: {backslash_fixes(None)}"
    head, inner = line[:opened].rstrip(), line[opened + 1 : closed]
    return f"{said}: {backslash_fixes(inner, head)}"


def backslash_fixes(inner: str | None, head: str = "") -> str:
    """How to write a text typed in double quotes (`inner`, as typed, after `head`: "answer:",
    "-") so that each backslash in it is one: in single quotes, the backslashes written twice,
    or without quotes, each retyped when it reads back as meant. None: not retyped."""
    if inner is None:
        return (
            "hãy đặt chữ trong ngoặc đơn ' ' thay cho ngoặc kép, hoặc viết dấu \\ hai lần "
            "(\\\\), hoặc bỏ ngoặc kép"
        )
    # What staff see: each backslash one, but for those they wrote twice, or before a '"'.
    meant = _ESCAPE.sub(lambda m: m[1] if m[1] in '\\"' else m[0], inner)
    lead = f"{head} " if head else ""
    ways = []
    if "'" not in meant:
        ways.append(f"đặt chữ trong ngoặc đơn, viết {_retyped(lead + repr_single(meant))}")
    doubled = '"' + meant.replace("\\", "\\\\").replace('"', '\\"') + '"'
    ways.append(f"viết dấu \\ hai lần, {_retyped(lead + doubled)}")
    if _reads_plain(meant):
        ways.append(f"bỏ ngoặc kép, {_retyped(lead + meant)}")
    return "hãy " + "; hoặc ".join(ways)


def repr_single(text: str) -> str:
    """`text` in single quotes (it has none), where a backslash is itself."""
    return f"'{text}'"


def _reads_plain(text: str) -> bool:
    """Whether `text` written without quotes after a key reads back as itself."""
    try:
        return bool(yaml.safe_load(f"k: {text}") == {"k": text})
    except yaml.YAMLError:
        return False


def _dash_lost(lines: Sequence[str], index: int) -> tuple[int, str] | None:
    """A line of a list that lost its '- ' between two items ("- giá thẻ", "mua thẻ", "- đóng
    tiếp"), at their depth: YAML stops at the item below it. That line (numbered from 1)
    and what to say of it; None when that is not the mistake."""
    here = _ITEM_LINE.match(lines[index]) if index < len(lines) else None
    if here is None or _KEY_LINE.match(lines[index]):
        return None
    lost = None
    for i in range(index - 1, -1, -1):
        if not lines[i].strip() or _comment(lines[i]):
            continue
        if _indent(lines[i]) != len(here[1]) or _KEY_LINE.match(lines[i]):
            return None
        if _ITEM_LINE.match(lines[i]):
            break
        lost = i
    else:
        return None
    if lost is None:
        return None
    return lost + 1, (
        "dòng này thiếu dấu '-' ở đầu, mà các dòng trên và dưới có: mỗi mục của danh sách "
        f"là một dòng bắt đầu bằng '- ', viết {_retyped('- ' + lines[lost])}"
    )


# An entry's (or topic's) first line typed without its '- ': "  id: x", "id: x".
_BARE_ID = re.compile(r"( *)id: *(\S.*)")


def _entry_dash_lost(lines: Sequence[str], index: int) -> str | None:
    """What to say of an `id:` line typed without its '- ' at the depth of the entries'
    dashes or left of it (under the last entry, or against the margin): YAML reads it as
    the end of the list, and the indent, colon or quoting it then blames is no mistake.
    None when the line is not one."""
    bare = _BARE_ID.fullmatch(lines[index].rstrip())
    if bare is None:
        return None
    for i in range(index - 1, -1, -1):
        key = _KEY_LINE.match(lines[i])
        if key is None:
            continue
        if key[2] is not None:  # the '-' of the entry above
            if len(bare[1]) > len(key[1]):
                return None  # deeper than that '-': a second id: within the entry
            return (
                f"{_dash_lost_hint(bare[2])} với dấu '-' thẳng hàng với dấu '-' của mục ở "
                f"trên (dòng {i + 1}), các dòng còn lại của mục giữ nguyên"
            )
        if not key[1]:
            return None  # a section's header first: not under an entry
    return None


def _dash_lost_hint(ident: str) -> str:
    return (
        "dòng id: này thiếu '- ' ở đầu nên bot không biết đây là một mục mới: hãy thêm '- ' "
        f"trước id:, viết `- id: {ident}`"
    )


# The header of a section that is a list ("faq:"), against the left margin.
_LIST_HEADER = re.compile(r"(topics|faq): *(#.*)?")


def _first_dash_lost(lines: Sequence[str], index: int) -> tuple[int, str] | None:
    """The first entry (or topic) of its section typed without its '- ' ("faq:" then
    "  id: x"), with nothing but its own lines down to `index`: YAML reads it as keys of
    the section itself, and stops where the next entry's '-' comes or its lines go
    deeper; the indent it then blames is no mistake. (its line, what to say), or None."""
    first = None
    for i in range(min(index, len(lines) - 1), -1, -1):
        if _LIST_HEADER.fullmatch(lines[i].rstrip()):
            break
        key = _KEY_LINE.match(lines[i])
        if key is None:
            continue
        if key[2] is not None and i == index:
            continue  # the next entry's '-', where YAML stops
        if key[2] is not None or not key[1]:
            return None  # an entry with its '-' above, or a key against the margin
        first = i
    else:
        return None
    bare = None if first is None else _BARE_ID.fullmatch(lines[first].rstrip())
    if first is None or bare is None:
        return None
    return first + 1, (
        f"{_dash_lost_hint(bare[2])} (dấu '-' ở chỗ chữ id đang đứng), rồi thụt lề các dòng "
        "còn lại của mục cho thẳng hàng với chữ id"
    )


def _stray_end(lines: Sequence[str], index: int) -> int | None:
    """The line, at or above `index`, of a '---' or '...' against the left margin, which
    YAML takes for the end of the file; None if there is none."""
    for i in range(min(index, len(lines) - 1), -1, -1):
        if lines[i].rstrip() in ("---", "..."):
            return i
    return None


# The keys whose value is a text (a list under them is written in a block of text).
_TEXTS = ("question", "answer", "title", "name")


def _item_under_text(lines: Sequence[str], index: int) -> str | None:
    """What to say of a '-' line YAML stopped at, against a key above it at its depth: a
    list meant as part of that key's text, or items whose list key ("topics:") is missing.
    None when no such key is above it."""
    depth = _indent(lines[index])
    for i in range(index - 1, -1, -1):
        if not lines[i].strip() or _comment(lines[i]) or _indent(lines[i]) > depth:
            continue
        typed = _KEY_LINE.match(lines[i])
        if typed is None or _column(typed, dash=False) != depth:
            return None
        key = lines[i][typed.end(1) + len(typed[2] or "") :].split(":")[0]
        if key in _TEXTS:
            return (
                f"dòng '-' này nằm dưới dòng {key}: (dòng {i + 1}) mà không thụt lề sâu hơn "
                f"dòng đó: nếu đây là một phần của chữ, hãy viết `{key}: |` rồi xuống dòng, "
                f"mọi dòng chữ (cả các dòng '-') thụt lề sâu hơn dòng {key}:"
            )
        return (
            "dòng '-' này không thuộc danh sách nào: các dòng '-' phải viết dưới một dòng "
            "như `topics:` hay `variants:` (không có chữ sau dấu hai chấm), thụt lề sâu hơn "
            "dòng đó"
        )
    return None


def _tab_hint(lines: Sequence[str], index: int, column: int) -> str:
    """What to say of a Tab YAML refused at `column` of line `index`: in the indent, to
    indent with spaces, how many when the lines above tell (`_spaces_wanted`); after it
    ("-<Tab>giá thẻ", Tab pressed to line the text up), the line retyped with a space in
    its place, since its indent is spaces and looks right."""
    line = lines[index]
    indent = len(line) - len(line.lstrip(" \t"))
    if "\t" in line[:indent] or column < indent:
        wanted = _spaces_wanted(lines, index)
        spaces = f"{wanted} dấu cách (thẳng hàng như đã viết ở trên)" if wanted else "dấu cách"
        return f"dòng này thụt lề bằng phím Tab: hãy thụt lề bằng {spaces}"
    fixed = line[:indent] + re.sub(r"[ \t]*\t[ \t]*", " ", line[indent:]).rstrip()
    return (
        "dòng này có ký tự Tab ở giữa dòng (phím Tab gõ sau dấu -), mà bot không tính là "
        f"dấu cách: hãy thay bằng một dấu cách, viết {_retyped(fixed)}"
    )


def _spaces_wanted(lines: Sequence[str], index: int) -> int | None:
    """How many spaces line `index`, indented with a Tab, should start with: as many as
    the line above it indented with spaces, two more when that line opens what this one
    is in ("variants:", "answer: |", or "- id: gio" above "question:"); None when no line
    above tells."""
    here = lines[index].lstrip(" \t")
    for line in reversed(lines[:index]):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            return None
        if text.endswith((":", "|", ">")):
            return len(indent) + 2  # the first line of what it opens
        if text.startswith("- ") and not here.startswith("-"):
            # Under "- id: gio", the entry's next key; under "- a variant", which key comes
            # back is not told by the lines (the entry's, further left).
            return len(indent) + 2 if ": " in text else None
        return len(indent)
    return None


# A key staff type, its colon, and its text without the space between ("answer:Sáng",
# "- id:ho-tich"); not an address ("- https://...").
_GLUED = re.compile(r"\s*(-\s+)?([A-Za-z][A-Za-z_-]*):([^ \t/].*)")


def glued_key(line: str) -> str | None:
    """What to say about a line whose key has no space after its colon; None if it has."""
    typed = _GLUED.fullmatch(line)
    if typed is None:
        return None
    fixed = f"{typed[1] or ''}{typed[2]}: {typed[3]}"
    return f"sau dấu hai chấm phải có một dấu cách: viết {_retyped(fixed)}"


# A line as staff type it: its key, and its text (unquoted).
_KEYED = re.compile(r"\s*(-\s+)?([A-Za-z][A-Za-z_-]*): +([^\s\"'].*)")


def _quoted(line: str) -> str | None:
    """`line` (a key and its text) retyped with the text in quotes: 'viết `…`'. None when
    the line has no key, or the text no room for quotes (then a hint says how)."""
    typed = _KEYED.fullmatch(line.rstrip())
    return None if typed is None else _in_quotes(f"{typed[1] or ''}{typed[2]}", typed[3])


def _in_quotes(key: str, text: str) -> str:
    for quote in "\"'":  # a backslash in double quotes starts an escape
        if quote not in text and not (quote == '"' and "\\" in text):
            return "viết " + _retyped(f"{key}: {quote}{text}{quote}")
    return f"hoặc viết `{key}: |` rồi xuống dòng, viết chữ ở dòng dưới, thụt lề thêm hai dấu cách"


# The keys whose value is a list.
_LISTS = ("keywords", "variants", "topics", "links")
# A key whose text begins with a character YAML reads as a sign of its own ("- Mang CCCD",
# "[Lưu ý] ...", '"Một cửa" nhận hồ sơ', "@phuong", "* Ghi chú").
_SIGNED = re.compile(r"(\s*(?:-\s+)?)([A-Za-z][A-Za-z_-]*): +([-*&!%@`|>?\[\]{}\"'].*)")


def _indicator(line: str, column: int) -> str | None:
    """What to say when YAML stopped in the text of `line` because of how it begins."""
    typed = _SIGNED.fullmatch(line.rstrip())
    if typed is None or column < len(line) - len(line.lstrip()) + len(typed[2]) + 1:
        return None
    key, text = typed[2], typed[3]
    if text[0] == "[" and key in _LISTS:  # "[bhyt], [cu-tru]": one list, not two
        items = ", ".join(i.strip() for i in re.findall(r"[^\[\],]+", text) if i.strip())
        return (
            f"danh sách của dòng {key}: nằm trong một cặp ngoặc vuông, các mục cách nhau bằng "
            f"dấu phẩy: viết {_retyped(f'{typed[1].lstrip()}{key}: [{items}]')}"
        )
    if re.match(r"[-*]\s", text):  # a list pasted after the key
        return (
            f"danh sách trong dòng {key}: phải viết thành một khối: `{key}: |` rồi xuống "
            f"dòng, mỗi ý một dòng (bắt đầu bằng '-'), thụt lề sâu hơn dòng {key}:"
        )
    if text[0] in "|>":  # a block begun with its text on the same line
        return (
            f"sau dấu '{text[0]}' không viết chữ trên cùng dòng: xuống dòng rồi mới viết chữ, "
            f"thụt lề sâu hơn dòng {key}:"
        )
    if text[0] == '"' and text.endswith('"') and '""' in text[1:-1]:
        # Excel and CSV write a quote within quotes twice ("Mang ""CCCD"" bản gốc"): in
        # YAML that ends the text. Quoted once, inside other quotes, residents see one.
        fixed = _in_quotes(typed[1].lstrip() + key, text[1:-1].replace('""', '"'))
        return f'chữ trong ngoặc kép không được có hai dấu ngoặc kép liền nhau (""): {fixed}'
    fixed = _in_quotes(typed[1].lstrip() + key, text)
    if text[0] in "\"'":  # '"Một cửa" nhận hồ sơ': the quotes end before the text does
        return f"ngoặc kép ở đầu chữ phải bao cả câu, {fixed}"
    return (
        f"chữ bắt đầu bằng '{text[0]}' (YAML hiểu là một ký hiệu riêng) phải đặt trong "
        f"ngoặc kép, {fixed}"
    )


# What Word, phones and web pages make of a list's dash; a dash with no space after it.
_BULLET = re.compile(r"\s*([•·●▪◦‣∙–—*+](?=\s)|[•·●▪◦‣∙–—]|-(?=[^\s\d-]))")
# After it, as an item of faq.yaml begins: one of its keys, and its text.
_BULLETED_KEY = re.compile(rf"(?:{'|'.join(_KEYS)}):(?: .*)?")


def wrong_bullet(text: str) -> str | None:
    """The mark `text` starts with where a list item needs '- ' ('•', '–', '-' with no
    space after it); None when it does not."""
    typed = _BULLET.match(text)
    return typed[1] if typed else None


def bullet_hint(mark: str) -> str:
    """What to say of a list item begun with `mark` (see `wrong_bullet`)."""
    if mark == "-":
        return "sau dấu gạch ngang '-' đầu dòng phải có một dấu cách"
    return (
        f"dòng bắt đầu bằng '{mark}': mỗi mục trong danh sách phải bắt đầu bằng dấu gạch "
        "ngang '-' rồi một dấu cách"
    )


def _above(lines: Sequence[str], index: int) -> int | None:
    """The nearest line above `index` with something on it, comments aside."""
    for i in range(min(index, len(lines)) - 1, -1, -1):
        if lines[i].strip() and not _comment(lines[i]):
            return i
    return None


def _head(line: str) -> str:
    """A line up to its first colon and the character after it."""
    cut = line.find(":")
    return line if cut < 0 else line[: cut + 2]


def _shown(line: str) -> str:
    """A line as a message quotes it: its words, long ones shortened."""
    words = line.strip().split()
    return " ".join(words if len(words) <= 12 else [*words[:8], "…", *words[-2:]])


def _retyped(line: str) -> str:
    """A line as a message asks staff to write it, in backquotes: shortened as `_shown`
    shortens it, with what the '…' stands for, so that no one copies it in as typed."""
    shown = _shown(line)
    if len(shown.split()) == len(line.split()):
        return f"`{shown}`"
    return f"`{shown}` (chỗ … là phần chữ ở giữa đang có trên dòng, giữ nguyên)"


# A line that begins a key ("    answer: ..."), or an entry ("  - id: ..."), and its text.
_KEY_LINE = re.compile(r"( *)(- +)?[A-Za-z0-9][A-Za-z0-9_-]*:(?: |$)")
# An item of a list ("      - giờ làm việc"), or a line of text typed as one.
_ITEM_LINE = re.compile(r"( *)- +\S")
# A key whose text is the block of lines below it ("answer: |", "answer: >-").
_BLOCK_KEY = re.compile(r"( *)(- +)?([A-Za-z][A-Za-z_-]*): *[|>][-+0-9]*\s*(#.*)?$")


def _misaligned(lines: Sequence[str], index: int) -> tuple[int, str] | None:
    """The line (numbered from 1) indented unlike its neighbours where YAML gave up at
    `index`, and what to say of it; None when that is not the mistake."""
    for told in (_misaligned_text, _misaligned_item, _misaligned_entry):
        if found := told(lines, index):
            return found
    if said := _misaligned_key(lines, index):
        return index + 1, said
    return None


def _misaligned_entry(lines: Sequence[str], index: int) -> tuple[int, str] | None:
    """An entry whose '-' is a space or two off from the entry before it ("   - id: x"
    under "  - id: y"), its other lines where the entries' lines are: YAML gives up at
    the line after the '-', which is where it should be; the '-' line is what to fix."""
    here = _KEY_LINE.match(lines[index])
    if here is None or here[2] is not None:
        return None
    entry = None
    for i in range(index - 1, -1, -1):
        above = _KEY_LINE.match(lines[i])
        if above is not None:
            if above[2] is None:
                return None  # a key of the same entry above: _misaligned_key tells it
            entry = i, above
            break
    if entry is None:
        return None
    i, start = entry
    ours = _column(start, True)
    # The entry before it in its section or, for the first one, the entry after it.
    for where, rows in (("trên", range(i - 1, -1, -1)), ("dưới", range(index + 1, len(lines)))):
        for j in rows:
            other = _KEY_LINE.match(lines[j])
            if other is None or (other[2] is None and len(other[1]) >= ours):
                continue  # text, comments; the keys of an entry
            if other[2] is None:
                break  # a section's header ("faq:"): none in this section that way
            theirs = _column(other, True)
            if ours == theirs or abs(ours - theirs) > 2 or _column(other, False) != len(here[1]):
                return None  # aligned; another depth; the lines after the '-' are off too
            return i + 1, (
                f"dấu '-' của mục này thụt lề {ours} dấu cách, còn mục ở {where} "
                f"(dòng {j + 1}) {theirs}: các mục phải thẳng hàng với nhau; hãy thụt lề "
                f"{theirs} dấu cách"
            )
    return None


def _misaligned_key(lines: Sequence[str], index: int) -> str | None:
    """What to say of a key or an entry indented unlike the one above it (5 spaces under
    4, an entry's '-' one space off): YAML reads it as the text above going on, or as the
    end of the list."""
    here = _KEY_LINE.match(lines[index])
    if here is None:
        return None
    dash = here[2] is not None
    for i in range(index - 1, -1, -1):
        above = _KEY_LINE.match(lines[i])
        if above is None or (dash and above[2] is None):
            continue  # the text of a key, a list of words, a comment; keys within an entry
        ours, theirs = _column(here, dash), _column(above, dash)
        if ours == theirs or abs(ours - theirs) > 2:
            return None  # aligned; a block of another depth
        header = not lines[i][above.end() :].split("#")[0].strip()
        if not above[1] and (dash or header):
            return None  # a section's header ("faq:"), its entries below it
        if not above[1]:  # "title: Họp" then "  date: ..." in a notice's front matter
            return (
                f"dòng này thụt lề {ours} dấu cách, còn dòng trên (dòng {i + 1}) viết sát lề "
                "trái: hai dòng phải thẳng hàng với nhau; hãy xóa các dấu cách ở đầu dòng này"
            )
        what = "dấu '-' của mục này" if dash else "dòng này"
        other = "mục ở trên" if dash else "dòng trên"
        return (
            f"{what} thụt lề {ours} dấu cách, còn {other} (dòng {i + 1}) {theirs}: các "
            f"{'mục' if dash else 'dòng của một mục'} phải thẳng hàng với nhau; hãy thụt lề "
            f"{theirs} dấu cách"
        )
    return None


def _misaligned_item(lines: Sequence[str], index: int) -> tuple[int, str] | None:
    """An item of a list of words (a way of asking under `variants:`) whose '-' is not
    under the one above it: YAML takes it for the end of the list. When the list's first
    item is the one off, and the items below agree with this one, the first is told."""
    here = _ITEM_LINE.match(lines[index])
    if here is None or _KEY_LINE.match(lines[index]):
        return None
    above = _nearest(lines, index, -1)
    if (
        above is None
        or not (item := _ITEM_LINE.match(lines[above]))
        or _KEY_LINE.match(lines[above])
    ):
        return None
    ours, theirs = len(here[1]), len(item[1])
    if ours == theirs or abs(ours - theirs) > 2:
        return None
    first = (before := _nearest(lines, above, -1)) is None or not _ITEM_LINE.match(lines[before])
    below = _nearest(lines, index, 1)
    if (
        first
        and below is not None
        and _ITEM_LINE.match(lines[below])
        and _indent(lines[below]) == ours
    ):
        odd, good, where = above, index, "dưới"
    else:
        odd, good, where = index, above, "trên"
    return odd + 1, (
        f"dấu '-' ở dòng này thụt lề {_indent(lines[odd])} dấu cách, còn dòng {where} (dòng "
        f"{good + 1}) {_indent(lines[good])}: các dòng '-' của một danh sách phải thẳng hàng "
        f"với nhau; hãy thụt lề {_indent(lines[good])} dấu cách"
    )


def _misaligned_text(lines: Sequence[str], index: int) -> tuple[int, str] | None:
    """A line of a key's block of text ("answer: |") indented less than the lines above it
    but deeper than the key: YAML ends the text at the first line less indented than the
    block's first line. When only that first line is deeper than the lines below it, it
    is told."""
    ours = _indent(lines[index])
    if not lines[index].strip():
        return None
    owner = _nearest(lines, index, -1)  # the key the block is under, above its deeper lines
    while owner is not None and _indent(lines[owner]) > ours:
        owner = _nearest(lines, owner, -1)
    key = _BLOCK_KEY.match(lines[owner]) if owner is not None else None
    if owner is None or key is None or _column(key, dash=False) >= ours:
        return None
    first = _nearest(lines, owner, 1)
    if first is None or first >= index or _indent(lines[first]) <= ours:
        return None
    above = _nearest(lines, index, -1)
    below = _nearest(lines, index, 1)
    alike = below is not None and _indent(lines[below]) == ours
    if above == first and alike and below is not None and not _KEY_LINE.match(lines[below]):
        odd, good, where = first, index, "dưới"
    else:
        odd, good, where = index, above if above is not None else first, "trên"
    return odd + 1, (
        f"dòng chữ này thụt lề {_indent(lines[odd])} dấu cách, còn dòng {where} (dòng "
        f"{good + 1}) {_indent(lines[good])}: các dòng chữ của dòng {key[3]}: (dòng "
        f"{owner + 1}) phải thẳng hàng với nhau; hãy thụt lề {_indent(lines[good])} dấu cách"
    )


def _nearest(lines: Sequence[str], index: int, step: int) -> int | None:
    """The nearest line above (step -1) or below (step 1) `index` with something on it,
    comments aside."""
    i = index + step
    while 0 <= i < len(lines):
        if lines[i].strip() and not _comment(lines[i]):
            return i
        i += step
    return None


def _column(line: re.Match[str], dash: bool) -> int:
    """Where an entry's '-' is, or where a line's key begins (after a '-' if any)."""
    return len(line[1]) if dash else len(line[1]) + len(line[2] or "")


def _keyed_above(lines: Sequence[str], index: int) -> int | None:
    """The nearest line above `index` with a ':' on it, comments aside, when the lines
    between go on its text (indented deeper); None otherwise."""
    between: list[str] = []
    for i in range(min(index, len(lines)) - 1, -1, -1):
        if not lines[i].strip() or _comment(lines[i]):
            continue
        if ":" in lines[i]:
            return i if all(_indent(b) > _indent(lines[i]) for b in between) else None
        between.append(lines[i])
    return None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def _colonless_key(lines: Sequence[str], index: int) -> int | None:
    """The line above `index` that may lack its key's colon: of the lines without a key's
    ':' (one followed by a space or ending the line) just above it (blank lines and
    comments aside), the least indented, the first of those; None when the line just
    above has one."""
    found: list[int] = []
    for i in range(index - 1, -1, -1):
        if not lines[i].strip() or _comment(lines[i]):
            continue
        if re.search(r":(\s|$)", lines[i]):  # a key's colon, not the one of "https://"
            break
        found.append(i)
    if not found:
        return None
    return min(reversed(found), key=lambda i: len(lines[i]) - len(lines[i].lstrip()))


def _unindented_text(lines: Sequence[str], index: int) -> str | None:
    """What to say of a line of text (not a key) at the depth of the key above it: meant
    as that key's text, it must be indented deeper ("answer: |" then text under it)."""
    words = lines[index].split()
    if words[:1] == ["-"]:
        words = words[1:]
    first = words[0].rstrip("：") if words else ""
    if re.fullmatch(r"[A-Za-z][A-Za-z_-]*", first) and (
        len(words) == 1 or difflib.get_close_matches(first.lower(), _KEYS, n=1)
    ):
        return None  # a key that lost its colon
    for i in range(index - 1, -1, -1):
        owner = _KEY_LINE.match(lines[i])
        if owner is None:
            continue
        column = _column(owner, dash=False)
        # At the key's depth, or left of it (a wrapped line pasted against the margin).
        if column < _indent(lines[index]) or not _texts_of(lines, i, index):
            return None
        key = lines[i][owner.end(1) + len(owner[2] or "") :].split(":")[0]
        block = "" if lines[i].rstrip().endswith(("|", ">")) else f"hãy viết `{key}: |`, rồi "
        deeper = (
            "thêm hai dấu cách"
            if column == _indent(lines[index])
            else f"{column + 2} dấu cách, nhiều hơn dòng {key}: hai dấu cách"
        )
        return (
            f"dòng này có vẻ là chữ của dòng {key}: ở trên (dòng {i + 1}) mà chưa thụt lề sâu "
            f"hơn dòng đó: {block}thụt lề mọi dòng chữ của nó {deeper}"
        )
    return None


def _texts_of(lines: Sequence[str], key: int, index: int) -> bool:
    """Whether the lines between `key` and `index` (comments and blank lines aside) are
    the text of `key`'s line: indented deeper than it, or not at all there."""
    depth = _indent(lines[key])
    between = [line for line in lines[key + 1 : index] if line.strip() and not _comment(line)]
    return all(_indent(line) > depth for line in between)


def _text_opening_a_block(lines: Sequence[str], index: int) -> str | None:
    """What to say of a key's text ending in a colon with its lines below it ("answer: Hồ
    sơ gồm:" then "- Tờ khai"): YAML reads that colon as one more key's, and quoting the
    first line alone would leave the lines below unread. None when that is not the case."""
    typed = _KEYED.fullmatch(lines[index].rstrip()) if index < len(lines) else None
    below = _nearest(lines, index, 1)
    if typed is None or not typed[3].endswith(":") or below is None:
        return None
    column, depth = _indent(lines[index]) + len(typed[1] or ""), _indent(lines[below])
    item = _ITEM_LINE.match(lines[below]) is not None
    # Its text goes on deeper, or as items at its depth; not a key of the entry below.
    if not ((item and depth >= column) or (depth > column and not _KEY_LINE.match(lines[below]))):
        return None
    key = typed[2]
    return (
        f"chữ của dòng {key}: kết thúc bằng dấu hai chấm và còn tiếp ở các dòng dưới, nên bot "
        f"hiểu nhầm dấu hai chấm đó: hãy viết `{key}: |` rồi xuống dòng, viết "
        f"{_retyped(typed[3])} và các dòng dưới nó, mọi dòng thụt lề {column + 2} dấu cách"
    )


# A key's name and its text, the colon between them lost ("title Thông báo họp").
_COLONLESS = re.compile(r"(\s*(?:-\s+)?)([A-Za-z][A-Za-z_-]*)\s+(\S.*)")


def _lost_colon(lines: Sequence[str], index: int) -> tuple[int, str, bool] | None:
    """A key of the line above `index` that lost its colon, YAML having stopped at the ': '
    of the key of `index`: it read the name, its text and the key below as one text
    ("title Thông báo họp" then "date: 2026-11-25"). The line without its colon (numbered
    from 1), retyped; the key below, when indented deeper than it (where a text going on
    is indented), told to line up with it too, and True, when it is. None when that is
    not the mistake."""
    if index >= len(lines) or not _KEY_LINE.match(lines[index]):
        return None
    key = _colonless_key(lines, index)
    if key is None and (above := _nearest(lines, index, -1)) is not None:
        key = None if _KEY_LINE.match(lines[above]) else above  # "title Họp tổ 3: tối nay"
    typed = _COLONLESS.fullmatch(lines[key].rstrip()) if key is not None else None
    if key is None or typed is None or not difflib.get_close_matches(typed[2].lower(), _KEYS):
        return None
    name, text = typed[1].lstrip() + typed[2], typed[3]
    plain = ": " not in text and " #" not in text
    said = f"dòng này thiếu dấu hai chấm sau {typed[2]}: " + (
        f"viết {_retyped(f'{name}: {text}')}" if plain else _in_quotes(name, text)
    )
    column, below = len(typed[1]), _KEY_LINE.match(lines[index])
    deeper = below is not None and _column(below, dash=False) > column
    if below is not None and deeper:
        what = lines[index][below.end(1) + len(below[2] or "") :].split(":")[0]
        said += f"; dòng {index + 1} ({what}:) cũng phải thẳng hàng với dòng này: " + (
            f"hãy thụt lề {column} dấu cách" if column else "hãy xóa các dấu cách ở đầu dòng đó"
        )
    return key + 1, said, deeper


def _missing_colon(line: str) -> str:
    if "：" in line:  # a Chinese or Japanese keyboard's colon, which YAML does not take
        fixed = _retyped(line.replace("：", ":", 1))
        return f"dấu hai chấm '：' ở dòng này không phải dấu ':' thường: viết {fixed}"
    typed = re.match(r"\s*(-\s+)?(\S+)\s*(.*)", line)
    fixed = f"{typed[1] or ''}{typed[2]}: {typed[3]}".rstrip() if typed else ""
    return f"dòng này có thể thiếu dấu hai chấm: viết `{fixed}`"
