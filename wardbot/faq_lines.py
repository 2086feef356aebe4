"""The lines an FAQ edit adds, and where they go in faq.yaml (a `Splice`).

ruamel.yaml renders only the new lines (quoting, `|` blocks, unicode as is, no line
wrapping), with the indentation the file already uses (faq_doc.style_of); each new list
item must read back as its text with every parser the bot reads faq.yaml with.
"""

from __future__ import annotations

import io
import re
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import SingleQuotedScalarString
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from wardbot import messages as msg
from wardbot.faq_doc import (
    COMPOSER,
    Doc,
    FaqEditError,
    Splice,
    Style,
    dash_at,
    is_alias,
    line_after,
    pair,
    style_of,
)
from wardbot.yaml_values import unbracketed_items

_STR = "tag:yaml.org,2002:str"
_WIDE = 1_000_000  # never wrap a long Vietnamese line


def _yaml(style: Style, *, offset: int | None = None, gap: int | None = None) -> YAML:
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


def scalar(text: str) -> str:
    """Text ruamel may write plain, quoted when the bot's YAML 1.1 parser would not read it as
    text (`yes`, `12:30`, `2024-07-15`)."""
    tag = Resolver().resolve(ScalarNode, text, (True, False))
    return text if tag == _STR else SingleQuotedScalarString(text)


def _item_text(text: str, *, flow: bool) -> str:
    """How one list item is written: `giá thẻ bhyt`, `'12:30'`, `'? hỏi'`... Quoted when
    ruamel would write it plain but a parser the bot reads with would not read it back
    (in a `[...]` list, PyYAML ends plain text at '?' and reads '? x' as a key)."""
    for value in (scalar(text), SingleQuotedScalarString(text)):
        seq = CommentedSeq([value])
        if flow:
            seq.fa.set_flow_style()
        lines = _dump(seq, _yaml(Style(), offset=0, gap=2))
        if len(lines) != 1:
            break
        item = lines[0][1:-1] if flow else lines[0][2:]
        if _reads_back(item, text, flow=flow):
            return item
    raise FaqEditError(f"Không viết được “{text}” trên một dòng.")


# The parsers a new item must read back the same with: PyYAML's own, and libyaml (which
# the loader uses when PyYAML has it); they differ on plain text in a `[...]` list.
_PARSERS = tuple(dict.fromkeys([yaml.SafeLoader, COMPOSER]))


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


def _pair_lines(key: str, value: Any, style: Style) -> list[str]:
    """`key: value` as lines at column 0 (a list or `|` block below the key as the file does)."""
    data = CommentedMap()
    data[key] = value
    return _dump(data, _yaml(style))


def _shift(lines: list[str], column: int) -> list[str]:
    return [" " * column + line if line else "" for line in lines]


def variant_splice(doc: Doc, entry: MappingNode, entry_id: str, variant: str, shown: str) -> Splice:
    if entry.flow_style:
        line = entry.start_mark.line + 1
        raise FaqEditError(
            f"{shown}:{line}: mục '{entry_id}' viết trên một dòng {{...}}, hãy sửa tay."
        )
    found = pair(entry, "variants")
    key_column = entry.start_mark.column
    style = style_of(doc)
    if found is None:  # no list yet: `variants:` after the question, as FORMATS.md orders them
        anchor = pair(entry, "question") or pair(entry, "id") or entry.value[0]
        at = line_after(doc, anchor[1], key_column)
        lines = _pair_lines("variants", CommentedSeq([scalar(variant)]), style)
        return Splice(at, 0, _shift(lines, key_column))
    key, value = found
    line = value.start_mark.line + 1
    if is_alias(key, value):
        message = f"{shown}:{key.start_mark.line + 1}: 'variants' của mục '{entry_id}' dùng chung"
        raise FaqEditError(f"{message} danh sách của chỗ khác (*), hãy sửa tay.")
    if isinstance(value, ScalarNode) and value.tag == "tag:yaml.org,2002:null":
        if value.start_mark.index == value.end_mark.index:  # `variants:` with nothing after it
            lines = _pair_lines("variants", CommentedSeq([scalar(variant)]), style)
            return Splice(key.start_mark.line + 1, 0, _shift(lines[1:], key_column))
        start = value.start_mark  # `variants: ~`
        text = doc.lines[start.line].rstrip("\r\n")
        flow = "[" + _item_text(variant, flow=True) + "]"
        edited = text[: start.column] + flow + text[value.end_mark.column :]
        return Splice(start.line, 1, [edited])
    if isinstance(value, ScalarNode) and value.style not in ("|", ">"):
        # `variants: a, b` (maybe carried on to the next lines), served as [a, b]
        # (yaml_values.list_field): written so, with it, on one line.
        start, end = value.start_mark, value.end_mark
        first = doc.lines[start.line].rstrip("\r\n")
        after = doc.lines[end.line].rstrip("\r\n")
        items = [*unbracketed_items(value), variant]
        flow = "[" + ", ".join(_item_text(item, flow=True) for item in items) + "]"
        edited = first[: start.column] + flow + after[end.column :]
        return Splice(start.line, end.line - start.line + 1, [edited])
    if isinstance(value, ScalarNode):  # `variants: |` (or `>`): a block of text
        return _block_splice(doc, key, value, entry_id, variant, shown)
    if not isinstance(value, SequenceNode):
        raise FaqEditError(f"{shown}:{line}: 'variants' của mục '{entry_id}' không phải danh sách.")
    if value.flow_style:  # `[a, b]`: add `, c` after the last item
        last = value.value[-1].end_mark if value.value else value.start_mark
        text = doc.lines[last.line].rstrip("\r\n")
        item = _item_text(variant, flow=True)
        split = last.column if value.value else last.column + 1
        edited = text[:split] + (", " if value.value else "") + item + text[split:]
        return Splice(last.line, 1, [edited])
    dash = value.start_mark.column
    last_item = value.value[-1]
    if last_item.start_mark.index < value.start_mark.index:
        raise FaqEditError(f"{shown}:{line}: 'variants' có một mục dùng (*), hãy sửa tay.")
    gap = style.list_gap
    if dash_at(doc, last_item.start_mark.line, dash) and last_item.start_mark.column > dash:
        gap = last_item.start_mark.column - dash
    text = " " * dash + "-" + " " * (gap - 1) + _item_text(variant, flow=False)
    return Splice(line_after(doc, last_item, dash), 0, [text])


# What follows `|` or `>` on a block's key line: its indicators, then maybe a comment.
_BLOCK_HEADER = re.compile(r"[|>][-+0-9]*([ \t]+#.*)?")


def _block_splice(
    doc: Doc, key: Node, value: ScalarNode, entry_id: str, variant: str, shown: str
) -> Splice:
    """`variants: |` (or `>`) and its lines below: the loader serves the whole text as one
    way of asking (yaml_values.unbracketed_items). One line of it: written as the list it
    stands for, with `variant`, on the key's line (its comment kept), as `variants: a, b` is.
    Several lines (staff most likely meant one way of asking a line, which the bot does not
    read): refused, with the list to write in its place."""
    start, end = value.start_mark, value.end_mark
    last = end.line if end.column else end.line - 1  # the block's last line, blank ones too
    while last > start.line and not doc.lines[last].strip():
        last -= 1
    rows = [text.strip() for text in doc.lines[start.line + 1 : last + 1] if text.strip()]
    if len(rows) > 1:
        ways = [*(row.removeprefix("- ").strip() for row in rows), variant]
        where = f"{shown}:{key.start_mark.line + 1}"
        raise FaqEditError(
            msg.faq_variants_block(where, entry_id, [_item_text(w, flow=False) for w in ways])
        )
    header = doc.lines[start.line].rstrip("\r\n")
    found = _BLOCK_HEADER.match(header, start.column)
    comment = (found.group(1) or "") if found else ""
    items = [item for item in unbracketed_items(value) if item] + [variant]
    flow = "[" + ", ".join(_item_text(item, flow=True) for item in items) + "]"
    return Splice(start.line, last - start.line + 1, [header[: start.column] + flow + comment])


def entry_splice(doc: Doc, pairs: list[tuple[str, Any]], shown: str) -> Splice:
    style = style_of(doc)
    found = pair(doc.root, "faq")
    if found is None:  # no faq: section at all: add one at the end
        dash = doc.root.start_mark.column + style.section_offset
        lines = ["", " " * doc.root.start_mark.column + "faq:", *_entry_lines(pairs, style, dash)]
        return Splice(len(doc.lines), 0, lines)
    key, value = found
    if isinstance(value, SequenceNode) and not value.flow_style and value.value:
        dash = value.start_mark.column
        lines = _entry_lines(pairs, style, dash)
        blank = [""] if style.blank_between else []
        return Splice(line_after(doc, value.value[-1], dash), 0, blank + lines)
    empty = isinstance(value, ScalarNode) and value.start_mark.index == value.end_mark.index
    if empty and value.tag == "tag:yaml.org,2002:null":  # `faq:` with nothing after it
        dash = key.start_mark.column + style.section_offset
        return Splice(key.start_mark.line + 1, 0, _entry_lines(pairs, style, dash))
    if (
        isinstance(value, SequenceNode)
        and not value.value
        and value.start_mark.line == value.end_mark.line == key.start_mark.line
    ):  # `faq: []` (a new ward's file): no entries yet; the list is written in block style
        line = key.start_mark.line
        text = doc.lines[line].rstrip("\r\n")
        kept = text[: value.start_mark.column].rstrip() + text[value.end_mark.column :]
        dash = key.start_mark.column + style.section_offset
        return Splice(line, 1, [kept, *_entry_lines(pairs, style, dash)])
    line = key.start_mark.line + 1
    raise FaqEditError(
        f"{shown}:{line}: 'faq:' không phải danh sách '- id:' từng dòng, hãy sửa tay."
    )


def _entry_lines(pairs: list[tuple[str, Any]], style: Style, dash: int) -> list[str]:
    """A new entry's lines: '- id: ...' at column `dash`, its keys one under the other."""
    out: list[str] = []
    for key, value in pairs:
        for line in _pair_lines(key, value, style):
            lead = "-" + " " * (style.entry_gap - 1) if not out else " " * style.entry_gap
            out.append(" " * dash + lead + line if line else "")
    return out
