"""Staff Markdown (notices in content/, answers in faq.yaml) as the plain text residents
read on every channel, and previews of it that fill the room they are given.

markdown-it-py reads the text as CommonMark with tables, ~~strikethrough~~ and bare
addresses found (linkify, so "lich_cat_dien" in an address is not taken for emphasis);
walking its tokens gives the plain text: headings on their own line, no emphasis or code
marks, escapes resolved, links as "text (address)", bullets as "•" (but "+ 84 912 345 678"
is a phone number and keeps its plus), ordered items with their numbers, each table row
on one line, its cells joined by " — ". Line breaks stay as typed: staff break lines on
purpose in faq.yaml. Raw HTML is shown as typed, never interpreted, and a line indented
by four spaces is still a paragraph (staff do not mean code). Blocks that touch in the
source (a list under its lead line) stay one paragraph.

A text is read as blocks: paragraphs and headings. A preview keeps the whole blocks that
fit, then the start of the next one cut at the end of a sentence or a word, so that an
alert or a shortened notice says as much as its room allows; a heading is never left on
its own at the end.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

# A cut part of a paragraph shorter than this says nothing: better leave it out.
MIN_CUT_CHARS = 40
ELLIPSIS = "…"

# Where a sentence or a list item ends: after . ! ? … ; followed by a space, or at a line end.
_SENTENCE_END = re.compile(r"[.!?…;](?=\s)|(?=\n)")


class _Reader(MarkdownIt):
    """Addresses kept as staff typed them, not percent-encoded: residents read them."""

    def normalizeLink(self, url: str) -> str:
        return url

    def normalizeLinkText(self, link: str) -> str:
        return link


_MARKDOWN = (
    _Reader("commonmark", {"html": False, "linkify": True})
    .enable(["table", "strikethrough", "linkify"])
    .disable("code")
)
# Where a block starts: in the paragraph before it when no blank line comes between.
_BLOCKS = ("paragraph_open", "heading_open", "fence", "table_open", "hr")


@dataclass(frozen=True)
class Block:
    """A paragraph (lines kept as typed) or a heading."""

    text: str
    heading: bool = False


# A link's address typed without http:// ("dichvucong.gov.vn/thu-tuc"): residents can
# still type it, unlike a path of the portal's own ("/tin-tuc/123").
_DOMAIN = re.compile(
    r"(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*"
    r"\.(?!(?:pdf|docx?|xlsx?|odt|jpe?g|png|gif|html?|md|txt|zip)\b)[a-z]{2,}(?:[/?#]\S*)?$",
    re.I,
)


# "+ 84 912 345 678": a phone number typed with a space after its plus, which Markdown
# reads as a "+" bullet. A bullet followed by words ("+ 84 tuổi", "+ 2 bản sao") is one.
_PHONE_ITEM = re.compile(r"(?:84|\(84\))(?:[ .\-]?\d){8,10}(?![\d\w])")


def _phone_item(tokens: Sequence[Token], at: int) -> bool:
    """Whether the list item opened at `at` is a "+" one whose text starts with +84's
    number: its "+" is the number's, not a bullet."""
    item = tokens[at]
    if item.markup != "+" or at + 2 >= len(tokens) or tokens[at + 2].type != "inline":
        return False
    return bool(_PHONE_ITEM.match(tokens[at + 2].content))


def _link(link: Token, label: str) -> str:
    url = str(link.attrs.get("href", ""))
    if link.markup in ("autolink", "linkify"):  # <https://…> or a bare address
        return label.removeprefix("mailto:")
    if not url.startswith(("http://", "https://", "mailto:")) and not _DOMAIN.match(url):
        return label  # a page of the portal's own, meaningless here
    url = url.removeprefix("mailto:")
    return url if label.strip() in ("", url) else f"{label} ({url})"


def _inline(tokens: Sequence[Token]) -> str:
    """One paragraph's, heading's or cell's text without its marks."""
    out: list[str] = []
    links: list[tuple[Token, int]] = []  # the links open, and where their label starts
    kept: list[bool] = []  # for each emphasis open: whether its marks stay as typed
    for number, token in enumerate(tokens):
        if token.type in ("text", "code_inline"):
            out.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            out.append("\n")
        elif token.type in ("em_open", "strong_open"):
            # "2*3*4" inside a word is a product, not emphasis
            following = tokens[number + 1].content[:1] if number + 1 < len(tokens) else ""
            inside_word = token.markup[0] == "*" and out and out[-1][-1:].isalnum()
            kept.append(bool(inside_word and following.isalnum()))
            if kept[-1]:
                out.append(token.markup)
        elif token.type in ("em_close", "strong_close") and kept.pop():
            out.append(token.markup)
        elif token.type == "link_open":
            links.append((token, len(out)))
        elif token.type == "link_close":
            link, start = links.pop()
            out[start:] = [_link(link, "".join(out[start:]))]
    return "".join(out)  # images (see `pictures`), ~~ marks: nothing


def blocks(markdown: str) -> list[Block]:
    """The text's paragraphs and headings, as plain text, in order."""
    found: list[Block] = []
    lines: list[str] = []  # of the paragraph being read
    end = 0  # the source line after the last block read
    indents: list[str] = []  # for each list item open: the indent of its lines after the first
    marker = ""  # the bullet or number that starts the next line
    cells: list[str] | None = None  # of the table row being read, in a table

    def end_paragraph() -> None:
        text = "\n".join(lines).strip("\n")
        if text.strip():
            found.append(Block(text))
        lines.clear()

    def put(text: str) -> None:
        nonlocal marker
        for line in text.split("\n"):
            lines.append(((marker or (indents[-1] if indents else "")) + line).rstrip())
            marker = ""

    heading = False
    tokens = _MARKDOWN.parse(markdown)
    for at, token in enumerate(tokens):
        if token.map is not None and token.type in _BLOCKS:
            if token.map[0] > end or token.type in ("heading_open", "hr"):
                end_paragraph()  # a blank line or a heading before it
            end = token.map[1]
        if token.type == "heading_open":
            heading = True
        elif token.type == "inline" and heading:
            if text := _inline(token.children or []).strip():
                found.append(Block(text, heading=True))
            heading = False
        elif token.type == "inline" and cells is not None:
            cells.append(_inline(token.children or []).strip())
        elif token.type == "inline":
            put(_inline(token.children or []))
        elif token.type == "fence":
            put(token.content.rstrip("\n"))
        elif token.type == "list_item_open":
            outer = indents[-1] if indents else ""
            if token.info:  # "1." or "1)"
                mark = f"{token.info}{token.markup} "
            else:
                mark = "+ " if _phone_item(tokens, at) else "• "
            marker = outer + mark
            indents.append(outer + " " * len(mark))
        elif token.type == "list_item_close":
            indents.pop()
            marker = ""
        elif token.type in ("table_open", "tr_open"):
            cells = []
        elif token.type == "tr_close" and cells is not None:
            if row := " — ".join(cell for cell in cells if cell):
                put(row)
        elif token.type == "table_close":
            cells = None
    end_paragraph()
    return found


@dataclass(frozen=True)
class Picture:
    """An image in staff Markdown (`![label](address)`): no channel shows it. `link`: the
    address of the link it is inside (`[![label](address)](link)`), which residents
    read in its place; "" when it is in none. `tag`: an HTML `<img>` (pasted from a web
    page), which residents read as typed, the Markdown reader taking no HTML."""

    label: str
    address: str
    link: str = ""
    tag: bool = False


# An HTML picture as typed in text (<img src="hinh/a.png" alt="mẫu">), and its attributes.
IMG_TAG = re.compile(r"<img\b[^>]*>", re.I)
_ATTRIBUTE = re.compile(r"""(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")


def pictures(markdown: str) -> list[Picture]:
    """The images in the text, in order: `blocks` leaves them out, label and all; then
    each paragraph's HTML <img> tags, which it shows as typed."""
    if "![" not in markdown and "<img" not in markdown.lower():
        return []  # every image is written so: most texts need no parse
    found = []
    for token in _MARKDOWN.parse(markdown):
        links: list[str] = []  # the addresses of the links open
        for child in token.children or ():
            if child.type == "link_open":
                links.append(str(child.attrs.get("href", "")))
            elif child.type == "link_close" and links:
                links.pop()
            elif child.type == "image":
                label, address = child.content.strip(), str(child.attrs.get("src", ""))
                found.append(Picture(label, address, links[-1] if links else ""))
        # A tag's address may be cut into a link (linkify): read on the text as one.
        typed = "".join(c.content for c in token.children or () if c.type == "text")
        for tag in IMG_TAG.findall(typed):
            attributes = {a[0].lower(): a[1] or a[2] or a[3] for a in _ATTRIBUTE.findall(tag)}
            label, address = attributes.get("alt", "").strip(), attributes.get("src", "")
            found.append(Picture(label, address, tag=True))
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
