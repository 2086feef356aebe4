"""Staff Markdown (notices in content/) as the plain text residents read on every
channel, and previews of it that fill the room they are given.

A text is read as blocks: paragraphs and headings, as staff separate them with blank
lines. A preview keeps the whole blocks that fit, then the start of the next one cut at
the end of a sentence or a word, so that an alert or a shortened notice says as much as
its room allows; a heading is never left on its own at the end.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# A cut part of a paragraph shorter than this says nothing: better leave it out.
MIN_CUT_CHARS = 40
ELLIPSIS = "…"

_HEADING = re.compile(r"[ \t]{0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*")
# Where a sentence or a list item ends: after . ! ? … ; followed by a space, or at a line end.
_SENTENCE_END = re.compile(r"[.!?…;](?=\s)|(?=\n)")


@dataclass(frozen=True)
class Block:
    """A paragraph (lines kept as typed) or a heading."""

    text: str
    heading: bool = False


def blocks(markdown: str) -> list[Block]:
    """The text's paragraphs and headings, as plain text, in order."""
    body = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", markdown.replace("\r\n", "\n"))
    body = re.sub(r"\[([^\]]+)\]\((https?://[^)\s]+)\)", r"\1 (\2)", body)
    body = re.sub(r"(\*\*|__)(.+?)\1", r"\2", body)
    found: list[Block] = []
    lines: list[str] = []

    def end_paragraph() -> None:
        text = "\n".join(lines).strip()
        if text:
            found.append(Block(text))
        lines.clear()

    for line in body.split("\n"):
        heading = _HEADING.fullmatch(line)
        if heading is not None:
            end_paragraph()
            if (heading.group(1) or "").strip():
                found.append(Block(heading.group(1).strip(), heading=True))
        elif line.strip():
            lines.append(line.rstrip())
        else:
            end_paragraph()
    end_paragraph()
    return found


def plain(markdown: str) -> str:
    """The text as residents read it: no #, ** or [link](url) syntax."""
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
