"""Read and check faq.yaml: its topics, FAQ entries and synonyms (see `yaml_records` for
how mistakes are reported).

Decisions where the format leaves room:
- A topic or FAQ entry with a bad optional field or an unknown key is reported and
  loads without it; one missing a required field is skipped.
- An empty faq.yaml or one whose top level is not a mapping also gives
  `ok_syntax=False`: there is nothing usable, so keep the last good version.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Container, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from wardbot import messages as msg
from wardbot.intents import topic_key
from wardbot.models import FaqEntry, Problem, Topic
from wardbot.staff_read import read_bytes, text_of
from wardbot.text import fold, tokens
from wardbot.yaml_records import (
    RUN_TOGETHER,
    Invalid,
    Kind,
    Parser,
    Partly,
    blank_comments,
    check_record,
    compose,
    is_null,
    key_line,
    key_name,
    node_line,
    not_kept,
    unknown_name,
)
from wardbot.yaml_values import (
    UnreadTopic,
    id_field,
    list_field,
    merged_items,
    text_field,
    topics_field,
    url_field,
    word_field,
)

_SECTIONS = ("topics", "faq", "synonyms")
# The keys of a topic or an FAQ entry but `topics` (a section's name too).
_ENTRY_KEYS = ("id", "name", "keywords", "question", "variants", "answer", "links")
# Other files' line references in messages ("đã dùng ở dòng 20"): faq_write renumbers them.
LINE_REF = re.compile(r"\bdòng (\d+)")
# What a problem costs, said after " — ".
_FAQ_UNREAD = "bot chưa đọc được cả tệp này"


@dataclass
class FaqFile:
    """What loaded cleanly from faq.yaml, and what is wrong with the rest."""

    topics: list[Topic] = field(default_factory=list)
    faq: list[FaqEntry] = field(default_factory=list)
    synonyms: dict[str, list[str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # False when nothing usable could be read: the caller keeps its last good version.
    ok_syntax: bool = True
    # 'topics' or 'faq' is not in the file at all (a mistyped header, a save caught half
    # written): where the last good version had it, the caller keeps that version.
    missing_sections: tuple[str, ...] = ()
    # In a file that cannot be read: the ids its `id:` lines show (see `loader.another_file`).
    ids_seen: frozenset[str] = frozenset()
    # The bytes read: what was checked, so what is kept as the last good copy (the file
    # itself may have changed since: an editor saving it again).
    data: bytes = b""
    # The ids more than one topic or entry has (one of each served: `_unique_records`).
    doubled: frozenset[str] = frozenset()
    # The ids of entries a mistake skips (their id read, no valid entry has it), and of
    # those among them served as they last read instead (`serving`'s: `_kept_entries`).
    broken: frozenset[str] = frozenset()
    kept: frozenset[str] = frozenset()
    # The same of topics (`_kept_topics`).
    broken_topics: frozenset[str] = frozenset()
    kept_topics: frozenset[str] = frozenset()
    # The topics a mistake skips (none served instead), by their id as typed: an entry
    # or a notice tagged with one is told so (`yaml_values.topics_field`).
    unread_topics: dict[str, UnreadTopic] = field(default_factory=dict)


# A topic or an FAQ entry (`_kept_records`).
R = TypeVar("R", Topic, FaqEntry)

_TOPIC = Kind("chủ đề", "cả chủ đề này bị bỏ qua", "chủ đề vẫn được dùng", "name: Hộ tịch")
_ENTRY = Kind("mục", "cả mục này bị bỏ qua", "mục vẫn được dùng", "answer: ...")


# An `id:` line as faq.yaml writes them, looked for in a file YAML cannot read.
_ID_LINE = re.compile(r"^[ \t]*(?:-[ \t]*)?id[ \t]*:[ \t]*[\"']?([a-z0-9][a-z0-9-]*)", re.M)


def _misnamed_copy(path: Path) -> str | None:
    """The name of a file beside a missing faq.yaml that is it saved under another name:
    Notepad's faq.yaml.txt (Windows hides the .txt), FAQ.YAML, faq.yml; else None."""
    stem = path.stem.lower()
    meant = {path.name.lower(), f"{stem}.yml", f"{stem}.txt"}
    meant |= {f"{name}.txt" for name in (path.name.lower(), f"{stem}.yml")}
    try:
        found = sorted(o.name for o in path.parent.iterdir() if o.name.lower() in meant)
    except OSError:  # the folder itself missing or unreadable: told as the file is
        return None
    return next((name for name in found if name != path.name), None)


def _misnamed_hint(path: Path, other: str) -> str:
    hidden = " (Windows có thể đang ẩn đuôi .txt của tệp)" if other.lower().endswith(".txt") else ""
    return (
        f"không tìm thấy tệp {path.name}, nhưng cùng thư mục có tệp {other}: hãy đổi tên tệp "
        f"đó thành {path.name}{hidden}"
    )


def load_faq(path: Path, serving: FaqFile | None = None) -> FaqFile:
    """Read faq.yaml: its topics, FAQ entries and synonyms.

    `serving`: what the bot serves now (its last good faq.yaml). Of the topics or entries
    that have one id (one copied to start a new one, its id left as it was), the one most
    like the one served under that id keeps serving, wherever the copy was pasted; the
    first in the file when none is served. An entry an edit broke (a mistake that skips
    it, its id still read) that `serving` has keeps serving as it was there, its problems
    saying so (`_kept_entries`); a new one, or one whose id cannot be read, is skipped."""
    src = str(path)
    data, problems = read_bytes(path, unread=_FAQ_UNREAD)
    if data is None and not path.exists() and (other := _misnamed_copy(path)) is not None:
        problems = [Problem(src, 1, f"{_misnamed_hint(path, other)} — {_FAQ_UNREAD}")]
    text = None
    if data is not None:
        text, problems = text_of(data, src, unread=_FAQ_UNREAD, comments=blank_comments)
    # What a repeated key costs, by its depth: a later section is ignored; a repeated word
    # in synonyms: is; a topic or an entry with a repeated key is skipped.
    duplicates = {
        (0, ""): "phần lặp lại này bị bỏ qua",
        (1, "synonyms"): "dòng lặp lại này bị bỏ qua",
        (2, "topics"): _TOPIC.skipped,
        (2, "faq"): _ENTRY.skipped,
    }
    root = None if text is None else compose(text, src, problems, _FAQ_UNREAD, duplicates)
    if text is not None and root is None and not problems:
        problems.append(Problem(src, 1, f"tệp trống, chưa có nội dung — {_FAQ_UNREAD}"))
    elif root is not None and not isinstance(root, MappingNode):
        message = (
            "tệp phải có phần topics: và phần faq: (mỗi phần bắt đầu bằng một dòng sát lề "
            f"trái) — {_FAQ_UNREAD}"
        )
        problems.append(Problem(src, node_line(root), message))
    if not isinstance(root, MappingNode):
        seen = frozenset(_ID_LINE.findall(text or ""))
        return FaqFile(problems=problems, ok_syntax=False, ids_seen=seen, data=data or b"")

    sections: dict[str, Node] = {}
    for key, value in root.value:
        name = key_name(key)
        if name in _SECTIONS:
            sections.setdefault(name, value)  # a later duplicate is already reported
        elif name in _ENTRY_KEYS:  # "answer:" typed against the left margin
            message = (
                f"dòng {name}: nằm sát lề trái nên bot hiểu là một phần mới của tệp: hãy thụt "
                "lề cho thẳng với các dòng của mục ở trên — dòng này bị bỏ qua"
            )
            problems.append(Problem(src, node_line(key), message))
        else:
            message = f"{unknown_name('phần', name, _SECTIONS)} — cả phần này bị bỏ qua"
            problems.append(Problem(src, node_line(key), message))
    missing = tuple(name for name in ("topics", "faq") if name not in sections)
    for name in missing:
        what = "chủ đề" if name == "topics" else "câu hỏi đáp"
        message = (
            f"thiếu phần {name}: (một dòng {name}: sát lề trái, các mục viết bên dưới) — "
            f"chưa có {what} nào được nạp từ tệp này"
        )
        problems.append(Problem(src, 1, message))

    result = FaqFile(problems=problems, missing_sections=missing, data=data or b"")
    doubled: set[str] = set()
    served_topics = {t.id: _topic_print(t.name) for t in serving.topics} if serving else {}
    topic_failed: list[_Failed] = []
    named: dict[str, tuple[Topic, int]] = {}  # see _same_name
    loaded = _load_topics(
        sections.get("topics"), src, problems, served_topics, doubled, topic_failed, named
    )
    last_topics = {t.id: t for t in serving.topics} if serving else {}
    kept_topics, result.broken_topics = _kept_topics(
        topic_failed, [t for _, t in loaded], last_topics, src, problems
    )
    for line, topic in kept_topics:
        _same_name(topic, line, named, src, problems)
    result.topics = [t for _, t in sorted([*loaded, *kept_topics], key=lambda lt: lt[0])]
    result.kept_topics = frozenset(t.id for _, t in kept_topics)
    result.unread_topics = _unread_topics(topic_failed, result.topics)
    served_faq = {e.id: _entry_print(e.question, e.answer) for e in serving.faq} if serving else {}
    failed: list[_Failed] = []
    result.faq = _load_entries(
        sections.get("faq"),
        result.topics,
        src,
        problems,
        served_faq,
        doubled,
        failed,
        result.unread_topics,
    )
    result.doubled = frozenset(doubled)
    last = {e.id: e for e in serving.faq} if serving else {}
    kept, result.broken = _kept_entries(failed, result.faq, result.topics, last, src, problems)
    result.faq = sorted([*result.faq, *kept], key=lambda entry: entry.line)
    result.kept = frozenset(entry.id for entry in kept)
    result.synonyms = _load_synonyms(sections.get("synonyms"), src, problems)
    problems.sort(key=lambda p: p.line)
    return result


# What tells a topic or an entry copied under the same id from the one served with it.
Print = tuple[str, ...]


def _topic_print(name: str) -> Print:
    return (name,)


def _entry_print(question: str, answer: str) -> Print:
    return (question, answer)


@dataclass(frozen=True)
class _Served:
    """What decides which of the records sharing an id is served (see `load_faq`)."""

    prints: Mapping[str, Print]  # id -> what the one served has
    print_of: Callable[[dict[str, Any]], Print]
    doubled: set[str]  # filled with the ids several records have


def _load_topics(
    node: Node | None,
    src: str,
    problems: list[Problem],
    serving: Mapping[str, Print],
    doubled: set[str],
    failed: list[_Failed],
    named: dict[str, tuple[Topic, int]],
) -> list[tuple[int, Topic]]:
    """The topics that load, each with its line; `failed`: filled as `_unique_records`;
    `named`: filled as `_same_name`."""
    fields: dict[str, Parser] = {
        "id": id_field,
        "name": text_field,
        "keywords": list_field(word_field, key="keywords"),
    }
    served = _Served(serving, lambda values: _topic_print(values["name"]), doubled)
    records = _unique_records(
        node,
        "topics",
        _TOPIC,
        fields,
        ("id", "name"),
        src,
        problems,
        served,
        partial=True,
        failed=failed,
    )
    topics = []
    for item, values in records:
        topic = Topic(values["id"], values["name"], tuple(values.get("keywords", ())))
        _same_name(topic, key_line(item, "name"), named, src, problems)
        topics.append((node_line(item), topic))
    return topics


def _same_name(
    topic: Topic,
    line: int,
    named: dict[str, tuple[Topic, int]],
    src: str,
    problems: list[Problem],
) -> None:
    """Tell a topic (its name at `line`) whose name another one has (a topic copied for
    another, its name left as it was; a new topic under the name of one an edit broke,
    served as it last read): residents see two topics of one name. `named`: the name as
    residents type it -> the topic and its line, of those seen so far; the later of the
    two in the file is told, pointing at the other."""
    key = topic_key(topic.name)
    other, at = named.setdefault(key, (topic, line))
    if other.id == topic.id:
        return
    here = topic
    if line < at:  # a topic kept at its broken block, above the one that has its name
        named[key] = (topic, line)
        here, other, line, at = other, topic, at, line
    message = (
        f"chủ đề '{here.id}': tên '{here.name}' trùng với tên chủ đề "
        f"'{other.id}' ở dòng {at}, nên người dân thấy hai chủ đề cùng tên — "
        f"{_TOPIC.kept}; hãy đặt tên khác, ví dụ nói rõ chủ đề này dành cho ai"
    )
    problems.append(Problem(src, line, message))


def _unique_records(
    node: Node | None,
    section: str,
    kind: Kind,
    fields: dict[str, Parser],
    required: tuple[str, ...],
    src: str,
    problems: list[Problem],
    served: _Served,
    *,
    partial: bool = False,
    failed: list[_Failed] | None = None,
) -> Iterator[tuple[Node, dict[str, Any]]]:
    """The valid records of a section, one for each id; the others reported (`served`:
    which one of those sharing an id is kept). `partial`: see check_record. `failed`:
    filled with the records a mistake skips, with their problems' places."""
    records, notes = [], []
    for item in _items(node, section, kind, src, problems):
        told = len(problems)
        values = check_record(item, kind, fields, required, src, problems, partial=partial)
        if values is not None:
            records.append((item, values))
            notes.append(slice(told, len(problems)))
        elif failed is not None:
            failed.append(_Failed(item, range(told, len(problems))))
    sharing: dict[str, list[int]] = {}
    for at, (_, values) in enumerate(records):
        sharing.setdefault(values["id"], []).append(at)
    kept = {ident: _kept(ats, records, served, ident) for ident, ats in sharing.items()}
    served.doubled.update(ident for ident, ats in sharing.items() if len(ats) > 1)
    for at, (item, values) in enumerate(records):
        ident = values["id"]
        if kept[ident] == at:
            yield item, values
            continue
        # Its lines said left out while it is used: it is not, they are to be fixed too.
        problems[notes[at]] = not_kept(problems[notes[at]], kind)
        free = free_id(ident, sharing)
        at = node_line(records[kept[ident]][0])
        message = (
            f"mã (id) '{ident}' đã dùng cho {kind.noun} ở dòng {at}, "
            f"{kind.noun} đó vẫn được dùng — {kind.skipped}; nếu đây là {kind.noun} mới, hãy "
            f"đặt cho nó một mã riêng, ví dụ {free}"
        )
        problems.append(Problem(src, node_line(item), message))


def free_id(ident: str, taken: Container[str]) -> str:
    """The id a topic or entry left out for sharing `ident` is told to take (`ident-2`,
    else `-3`...: the first of the section's ids, `taken`, not yet had)."""
    return next(f"{ident}-{n}" for n in itertools.count(2) if f"{ident}-{n}" not in taken)


def _kept(
    ats: Sequence[int], records: Sequence[tuple[Node, dict[str, Any]]], served: _Served, ident: str
) -> int:
    """Of the records at `ats`, all with the id `ident`, the one served: the most like the
    one served now under that id (the same question and answer, else one of them), the
    first of those alike."""
    now = served.prints.get(ident)
    if now is None:
        return ats[0]

    def likeness(at: int) -> int:
        return sum(a == b for a, b in zip(served.print_of(records[at][1]), now, strict=True))

    return max(ats, key=lambda at: (likeness(at), -at))


def _items(
    node: Node | None, section: str, kind: Kind, src: str, problems: list[Problem]
) -> list[Node]:
    """The items of a top-level list section (an empty section has none)."""
    if node is None or is_null(node):
        return []
    if not isinstance(node, SequenceNode):
        message = (
            f"phần {section}: phải là một danh sách, mỗi {kind.noun} bắt đầu bằng một dòng "
            "'- id:' — cả phần này bị bỏ qua"
        )
        problems.append(Problem(src, node_line(node), message))
        return []
    return list(node.value)


def _load_entries(
    node: Node | None,
    topics: Sequence[Topic],
    src: str,
    problems: list[Problem],
    serving: Mapping[str, Print],
    doubled: set[str],
    failed: list[_Failed],
    unread_topics: Mapping[str, UnreadTopic],
) -> list[FaqEntry]:
    fields: dict[str, Parser] = {
        "id": id_field,
        "question": _question,
        "answer": _answer,
        "variants": list_field(word_field, key="variants"),
        "topics": topics_field(topics, unread_topics),
        "links": list_field(url_field, single=True),
    }
    entries: list[FaqEntry] = []
    required = ("id", "question", "answer")
    served = _Served(
        serving, lambda values: _entry_print(values["question"], values["answer"]), doubled
    )
    records = _unique_records(
        node, "faq", _ENTRY, fields, required, src, problems, served, partial=True, failed=failed
    )
    asked: dict[str, tuple[str, int, bool]] = {}  # see _asked_before
    for item, values in records:
        problems += _asked_before(item, values, asked, src)
        entries.append(
            FaqEntry(
                id=values["id"],
                question=values["question"],
                answer=values["answer"],
                variants=tuple(values.get("variants", ())),
                topics=tuple(values.get("topics", ())),
                links=tuple(values.get("links", ())),
                line=node_line(item),
            )
        )
    return entries


@dataclass(frozen=True)
class _Failed:
    """A record a mistake skips, and where its check's problems are in the list."""

    item: Node
    told: range


def _kept_entries(
    failed: Sequence[_Failed],
    loaded: Sequence[FaqEntry],
    topics: Sequence[Topic],
    last: Mapping[str, FaqEntry],
    src: str,
    problems: list[Problem],
) -> tuple[list[FaqEntry], frozenset[str]]:
    """The entries served as they last read (`last`: id -> entry, what the bot serves)
    in place of those an edit broke (`failed`), and the ids of all of those broken
    (`_kept_records`).

    A kept entry keeps its answer, ways of asking and links, the topics still in the file,
    and takes the broken block's line. A way of asking the file now gives another entry
    (moved out of it in the same edit) is that entry's: the kept one no longer asks it.
    One whose question another entry of the file asks (a new entry written to replace it,
    its question the same) is not kept: that entry, the staff's latest word, answers it,
    where both would otherwise be offered and neither answered; staff are told at the
    broken block (msg.faq_entry_kept_asked_elsewhere)."""
    known = {topic.id for topic in topics}
    asked = {asked_words(t) for entry in loaded for t in (entry.question, *entry.variants)}
    asked_by: dict[str, tuple[str, int, bool]] = {}
    for entry in loaded:
        for text, question in ((entry.question, True), *((v, False) for v in entry.variants)):
            asked_by.setdefault(asked_words(text), (entry.id, entry.line, question))

    def keep(before: FaqEntry, line: int) -> FaqEntry | None:
        taken = asked_by.get(asked_words(before.question))
        if taken is not None:
            other, at, question = taken
            told = msg.faq_entry_kept_asked_elsewhere(before.id, other, at, as_question=question)
            problems.append(Problem(src, line, told))
            return None
        mine = tuple(t for t in before.topics if t in known)
        variants = tuple(v for v in before.variants if asked_words(v) not in asked)
        return replace(before, variants=variants, topics=mine, line=line)

    have = {entry.id for entry in loaded}
    kept, broken = _kept_records(failed, have, last, keep, _ENTRY, src, problems)
    return [entry for _, entry in kept], broken


def _kept_topics(
    failed: Sequence[_Failed],
    loaded: Sequence[Topic],
    last: Mapping[str, Topic],
    src: str,
    problems: list[Problem],
) -> tuple[list[tuple[int, Topic]], frozenset[str]]:
    """The topics served as they last read (`last`: id -> topic, what the bot serves) in
    place of those an edit broke (`failed`), each with the broken block's line, and the
    ids of all of those broken (`_kept_records`): a topic whose name an edit emptied keeps
    its followers alerted and its entries and notices tagged."""
    have = {topic.id for topic in loaded}
    return _kept_records(failed, have, last, lambda before, _: before, _TOPIC, src, problems)


def _kept_records(
    failed: Sequence[_Failed],
    have: Container[str],
    last: Mapping[str, R],
    keep: Callable[[R, int], R | None],
    kind: Kind,
    src: str,
    problems: list[Problem],
) -> tuple[list[tuple[int, R]], frozenset[str]]:
    """Of the records a mistake skips (`failed`), those served as they last read: `keep`
    (the last version, the broken block's line) makes each, or refuses it (None), telling
    why. Only a block with one readable id that no record loaded has (`have`): two run
    together are both skipped, as told; a new one (not in `last`) is skipped. The problems
    of a kept block say it is kept (those of a second broken copy of it, that this copy is
    skipped for the first). Returns them with their lines, and the ids of all broken."""
    kept: dict[str, tuple[int, R]] = {}
    refused: set[str] = set()
    broken: set[str] = set()
    for record in failed:
        ident = _only_id(record.item)
        if ident is None:
            run = _run_together(record.item)
            ours = [(i, line) for i, line in run if i not in have and i not in kept]
            broken.update(i for i, _ in ours)
            for other, line in ours:
                if other in last and other not in refused:
                    made = keep(last[other], line)
                    if made is None:
                        refused.add(other)
                    else:
                        kept[other] = (line, made)
            _said_run_together(record.item, [i for i, _ in ours], kept, kind, src, problems)
            continue
        if ident in have:
            continue
        broken.add(ident)
        before = last.get(ident)
        if before is None or ident in refused:
            continue
        first = kept[ident][0] if ident in kept else None
        if first is None:
            line = node_line(record.item)
            made = keep(before, line)
            if made is None:
                refused.add(ident)
                continue
            kept[ident] = (line, made)
        keys = {node_line(key) for key, _ in record.item.value}
        for at, problem in enumerate(problems):
            if at in record.told or (problem.file == src and problem.line in keys):
                problems[at] = _said_kept(problem, kind, first)
    return list(kept.values()), frozenset(broken)


def _run_together(item: Node) -> list[tuple[str, int]]:
    """The ids, and their lines, of the records run together in one block (a second `id:`
    line whose '- ' was lost), each that reads; none for a block of one `id:` line."""
    if not isinstance(item, MappingNode):
        return []
    ids = [(value, node_line(key)) for key, value in item.value if key_name(key) == "id"]
    if len(ids) < 2:
        return []
    first: dict[str, int] = {}  # "id: gio" typed twice is one entry
    for node, line in ids:
        if (ident := _read_id(node)) is not None:
            first.setdefault(ident, line)
    return list(first.items())


def _said_run_together(
    item: Node,
    idents: Sequence[str],
    kept: Mapping[str, tuple[int, Any]],
    kind: Kind,
    src: str,
    problems: list[Problem],
) -> None:
    """The problem of records run together (`idents`) said as costing what it does when
    some of them (those in `kept`) keep serving as they last read."""
    served = [ident for ident in idents if ident in kept]
    if not served:
        return
    skipped = [ident for ident in idents if ident not in kept]
    keys = {node_line(key) for key, _ in item.value if key_name(key) == "id"}
    cost = f" — {RUN_TOGETHER['faq' if kind is _ENTRY else 'topics']}"
    for at, problem in enumerate(problems):
        mistake, said, _ = problem.message.partition(cost)
        if problem.file == src and problem.line in keys and said:
            message = msg.faq_entries_run_together_kept(mistake, served, skipped, kind.noun)
            problems[at] = replace(problem, message=message)


def _unread_topics(failed: Sequence[_Failed], loaded: Sequence[Topic]) -> dict[str, UnreadTopic]:
    """The topics a mistake skips (`failed`) and none loaded replaces, by their one `id:`
    as typed, valid or not (`id: đất đai`)."""
    have = {topic.id for topic in loaded}
    unread: dict[str, UnreadTopic] = {}
    for record in failed:
        node = _id_node(record.item)
        if not isinstance(node, ScalarNode) or not (typed := node.value.strip()):
            continue
        if typed not in have:
            unread.setdefault(typed, UnreadTopic(node_line(node), _read_id(node) is None))
    return unread


def _id_node(item: Node) -> Node | None:
    """The value of a block's `id:` line, when it has one."""
    if not isinstance(item, MappingNode):
        return None
    ids = [value for key, value in item.value if key_name(key) == "id"]
    return ids[0] if len(ids) == 1 else None


def _read_id(node: Node) -> str | None:
    try:
        return id_field(node)
    except Invalid:
        return None


def _only_id(item: Node) -> str | None:
    """The id of an entry's block when it has one `id:` line and it reads."""
    node = _id_node(item)
    return None if node is None else _read_id(node)


def _said_kept(problem: Problem, kind: Kind, first: int | None = None) -> Problem:
    """`problem` of a broken topic or entry (`kind`), said as costing what it costs while
    it keeps serving as it last read (msg.faq_entry_kept); in a second copy of it (`first`:
    the kept copy's line), as skipped for that one (msg.faq_entry_copy_skipped). One that
    skips nothing is unchanged."""
    mistake, cost, because = problem.message.partition(f" — {kind.skipped}")
    if not cost:
        return problem
    if first is not None:
        return replace(problem, message=msg.faq_entry_copy_skipped(mistake, first, kind.noun))
    return replace(problem, message=msg.faq_entry_kept(mistake, because, kind.noun))


def asked_words(text: str) -> str:
    """A way of asking as two FAQ entries may not share it: its words, whatever their
    capitals, spacing and punctuation (the check below, and /variant and /newfaq's)."""
    return " ".join(tokens(text, decode=False))


def same_words(text: str) -> str:
    """What two ways of asking must share to be the same: their words as faq.yaml's check
    reads them (`asked_words`: a comma or a dash typed in changes nothing), folded."""
    return fold(asked_words(text))


def _asked_before(
    item: Node, values: dict[str, Any], asked: dict[str, tuple[str, int, bool]], src: str
) -> list[Problem]:
    """The problems with an entry's question or variants that an earlier entry asks in the
    same words (an entry copied for a newer answer, its question left as it was; a way of
    asking listed under two entries): residents typing it match both alike, so neither is
    answered outright, or one never is. Both still load.

    `asked`: each way of asking seen so far -> its entry's id, line, whether a question."""
    phrasings = [(values["question"], key_line(item, "question"), True)]
    # The entry read (`values`) is a mapping; its variants' lines are those of its nodes.
    typed = {key_name(key): value for key, value in item.value}
    variants, read = typed.get("variants"), values.get("variants", ())
    if not read or variants is None:
        lines = []
    elif isinstance(variants, SequenceNode):
        lines = [  # an item read with the one below it is read as the items meant
            line
            for node in variants.value
            for line in ([n for n, _ in merged_items(node)] or [node_line(node)])
        ]
    else:  # "variants: a, b" read as a list (`yaml_values.list_field`): all on its line
        lines = [node_line(variants)] * len(read)
    phrasings += [
        (text, line, False) for text, line in zip(values.get("variants", ()), lines, strict=True)
    ]
    problems = []
    for text, line, question in phrasings:
        key = asked_words(text)
        other, at, theirs = asked.setdefault(key, (values["id"], line, question))
        if other == values["id"]:
            continue
        what = "câu hỏi" if question else f"cách hỏi '{text}'"
        where = "câu hỏi" if theirs else "một cách hỏi (variants)"
        fix = (
            "nếu mục này thay cho mục kia thì xóa mục cũ, nếu là hai việc khác nhau thì sửa "
            "câu hỏi cho khác"
            if question and theirs
            else "hãy chỉ để cách hỏi này ở một mục"
        )
        message = (
            f"mục '{values['id']}': {what} trùng với {where} của mục '{other}' ở dòng {at}, "
            f"nên bot không phân biệt được hai mục khi người dân hỏi như vậy — {_ENTRY.kept}; {fix}"
        )
        problems.append(Problem(src, line, message))
    return problems


def _load_synonyms(node: Node | None, src: str, problems: list[Problem]) -> dict[str, list[str]]:
    if node is None or is_null(node):
        return {}
    if not isinstance(node, MappingNode):
        message = "phần synonyms: phải gồm các dòng dạng `hk: [hộ khẩu]` — cả phần này bị bỏ qua"
        problems.append(Problem(src, node_line(node), message))
        return {}
    synonyms: dict[str, list[str]] = {}
    meanings = list_field(word_field, single=True)
    for key, value in node.value:
        term = key_name(key).strip()
        if not term:
            message = "synonyms: có một dòng chưa có từ trước dấu hai chấm — dòng này bị bỏ qua"
            problems.append(Problem(src, node_line(key), message))
            continue
        if term in synonyms:
            continue  # a duplicate, already reported
        try:
            found = meanings(value)
            if not found:
                raise Invalid(value, f"chưa có nghĩa nào, ví dụ {term}: [từ đầy đủ]")
        except Invalid as exc:
            message = f"synonyms: '{term}' {exc} — dòng này bị bỏ qua"
            problems.append(Problem(src, exc.line, message))
        else:
            synonyms[term] = list(found)
    return synonyms


def _question(node: Node) -> str | None:
    if isinstance(node, SequenceNode):  # several phrasings listed under question:
        raise Invalid(node, "chỉ ghi một câu hỏi; các cách hỏi khác viết ở dòng variants: bên dưới")
    return text_field(node)


# A line of a list or of numbered steps: never where an editor's wrap breaks a paragraph.
_LISTED = re.compile(r"\s*(?:[-+*•]|\d{1,2}[.)])\s")
# Editors wrap long lines at 72 or 80 columns ("Wrap at column", a YAML formatter), 60 at
# the narrowest; a wrapped line ends a word short of it.
_WRAP_FROM = 55


def _wrapped(lines: Sequence[str]) -> bool:
    """Whether `lines` (an unquoted text's, as YAML joins them) are a long paragraph an
    editor wrapped, meant joined: each line followed by another (not blank) breaks where
    the next word would have gone past the longest one, at least _WRAP_FROM wide. Lines
    typed to be seen apart are shorter, break where more would have fit, or begin a list's
    item."""
    widths = [len(line.rstrip()) for line in lines]
    width = max(widths)
    if width < _WRAP_FROM:
        return False
    for at, below in enumerate(lines[1:]):
        if not (lines[at].strip() and below.strip()):
            continue  # a blank line keeps a break: nothing joined there
        if _LISTED.match(below) or widths[at] + 1 + len(below.split()[0]) <= width:
            return False
    return True


def _answer(node: Node) -> str | None:
    if isinstance(node, SequenceNode):  # steps listed under answer: with '- '
        raise Invalid(
            node,
            "câu trả lời viết thành danh sách '- ' phải nằm trong một khối: viết `answer: |` "
            "rồi các dòng '- ...' bên dưới, thụt lề sâu hơn dòng answer:",
        )
    # Trailing spaces are invisible to staff but would show in chat layouts.
    text = text_field(node)
    if text is None:
        return None
    answer = "\n".join(line.rstrip() for line in text.split("\n"))
    # Unquoted text typed on several lines: YAML joins two lines that follow each other
    # with a space (a blank line between keeps a break), so the lines staff typed show as
    # one; the lines as typed (yaml_records.compose) tell whether any were joined.
    typed: Sequence[str] = ()
    if isinstance(node, ScalarNode) and not node.style:
        typed = getattr(node, "typed", ())
    if any(above.strip() and below.strip() for above, below in itertools.pairwise(typed)) and not (
        # wrapped at a column of the file, or as pasted from where it was wrapped
        _wrapped([" " * node.start_mark.column + typed[0], *typed[1:]])
        or _wrapped([line.strip() for line in typed])
    ):
        raise Partly(
            node,
            "câu trả lời viết trên nhiều dòng mà không có `answer: |`, nên người dân thấy các "
            "dòng liền nhau nối thành một dòng; muốn giữ xuống dòng như đã gõ, hãy viết "
            "`answer: |` rồi các dòng bên dưới, thụt lề sâu hơn dòng answer:; muốn nối thành "
            "một đoạn như bây giờ thì viết `answer: >` rồi các dòng đó bên dưới",
            answer,
            "tạm nối các dòng",
        )
    return answer
