"""Staff Markdown (notices in content/, answers in faq.yaml) as the plain text residents
read on every channel, and previews of it that fill the room they are given.

Only what staff type is understood, line by line: headings, emphasis (**, *, __, _, ~~),
backslash escapes, `code`, links and <autolinks>, bullets (-, *, + become •), quotes,
rules and tables (each row one line, its cells joined by " — "). Line breaks are kept as
typed: staff break lines on purpose in faq.yaml. Punctuation that must stay as it is (in
an address, in code, escaped) is set aside while the rest is read, so "lich_cat_dien" in
a link is not taken for emphasis.

A text is read as blocks: paragraphs and headings. A preview keeps the whole blocks that
fit, then the start of the next one cut at the end of a sentence or a word, so that an
alert or a shortened notice says as much as its room allows; a heading is never left on
its own at the end.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# A cut part of a paragraph shorter than this says nothing: better leave it out.
MIN_CUT_CHARS = 40
ELLIPSIS = "…"

# Set-aside ASCII punctuation rides in the Private Use Area until the text is read.
_SET_ASIDE = 0xE000
_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_SET_ASIDE_CHAR = re.compile("[\ue021-\ue07e]")

_HEADING = re.compile(r"[ \t]{0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*")
_UNDERLINE = re.compile(r"[ \t]{0,3}(?:=+|-+)[ \t]*")  # under a heading's line
_RULE = re.compile(r"[ \t]{0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*")
_FENCE = re.compile(r"[ \t]{0,3}(?:```|~~~).*")
_BULLET = re.compile(r"^([ \t]*)[-*+][ \t]+(?=\S)")
_QUOTE = re.compile(r"[ \t]{0,3}>[ \t]?")
_TABLE_RULE = re.compile(r"[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)+\|?[ \t]*")

_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^>\s]+)>")
_URL = re.compile(r"(?:https?://|www\.)\S+")
_CODE = re.compile(r"(`+)(.+?)\1")
_EMPHASIS = (
    re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"),
    re.compile(r"(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)"),
    re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"),
    re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])"),
    re.compile(r"(?<!\w)_(?=[^\s_])(.+?)(?<=[^\s_])_(?!\w)"),
)
# Where a sentence or a list item ends: after . ! ? … ; followed by a space, or at a line end.
_SENTENCE_END = re.compile(r"[.!?…;](?=\s)|(?=\n)")


@dataclass(frozen=True)
class Block:
    """A paragraph (lines kept as typed) or a heading."""

    text: str
    heading: bool = False


def _set_aside(text: str) -> str:
    return _PUNCTUATION.sub(lambda m: chr(_SET_ASIDE + ord(m.group())), text)


def _restore(text: str) -> str:
    return _SET_ASIDE_CHAR.sub(lambda m: chr(ord(m.group()) - _SET_ASIDE), text)


def _link(match: re.Match[str]) -> str:
    label, url = match.group(1), match.group(2)
    if not url.startswith(("http://", "https://", "mailto:")):
        return label  # a page of the portal's own, meaningless here
    url = url.removeprefix("mailto:")
    return _set_aside(url) if label.strip() == url else f"{label} ({_set_aside(url)})"


def _inline(line: str) -> str:
    """One line's emphasis, code and links as plain text."""
    line = _CODE.sub(lambda m: _set_aside(m.group(2).strip()), line)
    line = _IMAGE.sub("", line)
    line = _LINK.sub(_link, line)
    line = _AUTOLINK.sub(lambda m: _set_aside(m.group(1).removeprefix("mailto:")), line)
    line = _URL.sub(lambda m: _set_aside(m.group()), line)
    for pattern in _EMPHASIS:
        line = pattern.sub(r"\1", line)
    return line


def _table_row(line: str) -> str:
    cells = (cell.strip() for cell in line.strip().strip("|").split("|"))
    return " — ".join(_inline(cell) for cell in cells if cell)


def blocks(markdown: str) -> list[Block]:
    """The text's paragraphs and headings, as plain text, in order."""
    lines = _ESCAPED.sub(lambda m: _set_aside(m.group(1)), markdown.replace("\r\n", "\n"))
    found: list[Block] = []
    paragraph: list[str] = []

    def end_paragraph() -> None:
        text = _restore("\n".join(paragraph)).strip()
        if text:
            found.append(Block(text))
        paragraph.clear()

    def heading(text: str) -> None:
        end_paragraph()
        text = _restore(_inline(text)).strip()
        if text:
            found.append(Block(text, heading=True))

    rows = lines.split("\n")
    code = False
    table = False
    for number, line in enumerate(rows):
        line = line.rstrip()
        following = rows[number + 1] if number + 1 < len(rows) else ""
        if table and _TABLE_RULE.fullmatch(line):  # the rule under the header row
            continue
        if _FENCE.fullmatch(line):
            code = not code
            continue
        if code:
            paragraph.append(_set_aside(line))
            continue
        if table and "|" in line:
            paragraph.append(_table_row(line))
            continue
        table = False
        line = line.removesuffix("\\").rstrip()  # a hard line break
        while _QUOTE.match(line):
            line = line[_QUOTE.match(line).end() :]  # type: ignore[union-attr]
        if not line.strip():
            end_paragraph()
        elif (found_heading := _HEADING.fullmatch(line)) is not None:
            heading(found_heading.group(1) or "")
        elif _UNDERLINE.fullmatch(line) and len(paragraph) == 1:
            heading(paragraph.pop())
        elif _RULE.fullmatch(line):
            end_paragraph()
        elif "|" in line and _TABLE_RULE.fullmatch(following):
            paragraph.append(_table_row(line))
            table = True
        else:
            paragraph.append(_inline(_BULLET.sub(r"\1• ", line, count=1)))
    end_paragraph()
    return found


def plain(markdown: str) -> str:
    """The text as residents read it: no Markdown syntax left."""
    return join(blocks(markdown))


def join(parts: Sequence[Block]) -> str:
    return "\n\n".join(block.text for block in parts)


def preview(parts: Sequence[Block], limit: int) -> tuple[str, bool]:
    """The start of the text within `limit` characters, and whether it was cut: the whole
    blocks that fit, then the next paragraph cut at a sentence or a word, marked "…"."""
    whole = join(parts)
    if len(whole) <= limit:
        return whole, False
    kept: list[Block] = []
    size = 0  # of the kept blocks joined, plus the blank line that follows them
    for block in parts:
        if size + len(block.text) + 2 > limit:  # room left for " …" after it
            break
        kept.append(block)
        size += len(block.text) + 2
    following = parts[len(kept)]
    room = limit - size
    cut = ""
    if not following.heading and (room >= MIN_CUT_CHARS or not kept):
        cut = cut_text(following.text, room)
    if cut:
        return join([*kept, Block(cut)]), True
    while kept and kept[-1].heading:  # a heading without what it heads says nothing
        kept.pop()
    if not kept:
        return cut_text(whole, limit), True
    return f"{join(kept)} {ELLIPSIS}", True


def cut_text(text: str, limit: int) -> str:
    """The start of `text` within `limit` characters, "…" included: up to its last
    sentence (or line) end when that keeps three quarters of the room, else up to its last
    whole word; inside a word only when a single word fills the room."""
    if len(text) <= limit:
        return text
    ends = [m.end() for m in _SENTENCE_END.finditer(text, 0, limit - 1)]
    ends = [end for end in ends if limit * 3 // 4 <= end <= limit - 2 and text[:end].strip()]
    if ends:
        return f"{text[: ends[-1]].rstrip()} {ELLIPSIS}"
    kept = text[: limit - 1]
    if not text[len(kept)].isspace() and re.search(r"\s", kept):
        kept = re.split(r"\s(?=\S*$)", kept)[0]
    return kept.rstrip(" \n,;:-–—") + ELLIPSIS
