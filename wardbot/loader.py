"""Load and check the files ward staff edit: faq.yaml and content/*.md.

Nothing here raises for bad input. Every mistake becomes a `Problem`
(`file:line: message`, in plain English for non-programmers) and only the
bad item is skipped, so one typo never takes the whole bot down.

YAML is composed into nodes instead of loaded into Python objects: nodes keep
their line numbers and show duplicate keys, which `yaml.safe_load` silently
drops. Values are read as the text staff typed (`node.value`), so `no` stays
"no" and `0123` stays "0123" instead of becoming False and 83.

Decisions where the format leaves room:
- Free-text fields (`name`, `question`, `answer`, `title`) must be text: a
  bare number, true/false or date there is reported, with a hint to quote it.
  Words in lists (keywords, variants, ids, synonyms) take any scalar as typed.
- Empty optional fields (`variants:` with nothing after it) count as absent.
- `topics`, `links` and synonym meanings may be one value instead of a list;
  `keywords` and `variants` must be lists, because `a, b` without brackets
  would silently become one phrase.
- A duplicate key makes its entry bad; at the top level the later section is
  ignored. Either way it is reported at the duplicate's line.
- A topic or FAQ entry with a bad optional field or an unknown key is reported and
  loads without it; one missing a required field is skipped. An unknown topic in a
  `topics` list is reported and left out, and the entry or notice still loads: one
  topic's typo must not take away every answer and notice tagged with it.
- Problems about a whole file are at line 1, or line 0 if it does not exist.
- An empty faq.yaml or one whose top level is not a mapping also gives
  `ok_syntax=False`: there is nothing usable, so keep the last good version.
- The date in a file name need not equal the front matter's `date`.
- A missing content/ folder is a problem too: a mistyped `--content` must not
  quietly mean "no announcements".
- Only regular files are read, and only after `stat` says so: a FIFO named like a
  notice would block the reader forever, a link loop would fail every reload. Folders,
  pipes, devices, link loops, broken links, links out of content/ and notices larger
  than the size cap are reported and skipped. A link to a file inside content/ is read.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import errno
import functools
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from wardbot.models import Announcement, Corpus, FaqEntry, Problem, Topic
from wardbot.text import fold

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_ID = re.compile(r"[a-z0-9-]+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_FILE_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})-[a-z0-9-]+\.md")
_SECTIONS = ("topics", "faq", "synonyms")
# A notice is read whole into memory and indexed: a pasted 50 MB file must not be.
MAX_NOTICE_BYTES = 200 * 1024


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
    # In a file that cannot be read: the ids its `id:` lines show (see `another_file`).
    ids_seen: frozenset[str] = frozenset()


# Kept in the data folder: the last faq.yaml that could be read, then the ones before it
# (an edit that lost entries can be undone from faq.last-good.1.yaml).
LAST_GOOD_FAQ_COPIES = ("faq.last-good.yaml", "faq.last-good.1.yaml", "faq.last-good.2.yaml")


def keep_copy(copies: Sequence[Path], data: bytes) -> None:
    """Save `data` as `copies[0]`; the copies before it move one place down, the oldest
    is dropped. Each step is a rename: a crash leaves whole files."""
    for older, newer in zip(reversed(copies[1:]), reversed(copies[:-1]), strict=True):
        if newer.exists():
            os.replace(newer, older)
    partial = copies[0].with_name(f".{copies[0].name}.tmp")
    partial.write_bytes(data)
    os.replace(partial, copies[0])


# An edit that drops at least this many entries, or this share of them (more than one),
# is most likely a truncated or half-pasted file rather than a deliberate clean-up.
SHRINK_MIN_ENTRIES = 5
SHRINK_SHARE = 0.25


@dataclass(frozen=True)
class FaqShrink:
    """FAQ entries that were in the last good faq.yaml and are gone from the new one."""

    gone: tuple[str, ...]  # their ids, in the old file's order
    before: int
    after: int


def faq_shrink(before: Sequence[FaqEntry], after: Sequence[FaqEntry]) -> FaqShrink | None:
    """The entries `after` lost, when they are many enough to look like an accident."""
    kept = {entry.id for entry in after}
    gone = tuple(entry.id for entry in before if entry.id not in kept)
    many = len(gone) >= SHRINK_MIN_ENTRIES or (
        len(gone) > 1 and len(gone) >= SHRINK_SHARE * len(before)
    )
    return FaqShrink(gone, len(before), len(after)) if many else None


class _Invalid(Exception):
    """A value is wrong; `line` is where to point the staff member."""

    def __init__(self, node: Node, message: str) -> None:
        super().__init__(message)
        self.line = _line(node)


class _Partly(_Invalid):
    """Part of a value is wrong: reported, and the rest of it (`kept`) is used."""

    def __init__(self, node: Node, message: str, kept: Any) -> None:
        super().__init__(node, message)
        self.kept = kept


_Parser = Callable[[Node], Any]


# --------------------------------------------------------------------- faq.yaml


def load_faq(path: Path) -> FaqFile:
    """Read faq.yaml: its topics, FAQ entries and synonyms."""
    src = str(path)
    text, problems = _read(path)
    root = None if text is None else _compose(text, src, problems)
    if text is not None and root is None and not problems:
        problems.append(Problem(src, 1, "the file is empty"))
    elif root is not None and not isinstance(root, MappingNode):
        message = "the file must have a 'topics:' and a 'faq:' section"
        problems.append(Problem(src, _line(root), message))
    if not isinstance(root, MappingNode):
        seen = frozenset(_ID_LINE.findall(text or ""))
        return FaqFile(problems=problems, ok_syntax=False, ids_seen=seen)

    sections: dict[str, Node] = {}
    for key, value in root.value:
        name = _key_name(key)
        if name in _SECTIONS:
            sections.setdefault(name, value)  # a later duplicate is already reported
        else:
            problems.append(Problem(src, _line(key), _unknown("section", name, _SECTIONS)))
    missing = tuple(name for name in ("topics", "faq") if name not in sections)
    for name in missing:
        problems.append(Problem(src, 1, f"missing the '{name}:' section"))

    result = FaqFile(problems=problems, missing_sections=missing)
    result.topics = _load_topics(sections.get("topics"), src, problems)
    known = {topic.id for topic in result.topics}
    result.faq = _load_entries(sections.get("faq"), known, src, problems)
    result.synonyms = _load_synonyms(sections.get("synonyms"), src, problems)
    problems.sort(key=lambda p: p.line)
    return result


def _load_topics(node: Node | None, src: str, problems: list[Problem]) -> list[Topic]:
    fields: dict[str, _Parser] = {"id": _id, "name": _text, "keywords": _list_of(_word)}
    records = _unique_records(
        node, "topics", "topic", fields, ("id", "name"), src, problems, partial=True
    )
    return [
        Topic(values["id"], values["name"], tuple(values.get("keywords", ())))
        for _, values in records
    ]


def _unique_records(
    node: Node | None,
    section: str,
    kind: str,
    fields: dict[str, _Parser],
    required: tuple[str, ...],
    src: str,
    problems: list[Problem],
    *,
    partial: bool = False,
) -> Iterator[tuple[Node, dict[str, Any]]]:
    """The valid records of a section, each with a first-seen id; the rest reported.
    `partial`: see _record."""
    first_line: dict[str, int] = {}
    hint = f"each {kind} starts with '- id:'"
    for item in _items(node, section, hint, src, problems):
        label = _label(kind, item)
        values = _record(item, label, fields, required, src, problems, partial=partial)
        if values is None:
            continue
        if values["id"] in first_line:
            message = f"{label}: id already used on line {first_line[values['id']]}"
            problems.append(Problem(src, _line(item), message))
            continue
        first_line[values["id"]] = _line(item)
        yield item, values


def _load_entries(
    node: Node | None, known: Collection[str], src: str, problems: list[Problem]
) -> list[FaqEntry]:
    fields: dict[str, _Parser] = {
        "id": _id,
        "question": _text,
        "answer": _answer,
        "variants": _list_of(_word),
        "topics": _topic_ids(known),
        "links": _list_of(_url, single=True),
    }
    entries: list[FaqEntry] = []
    required = ("id", "question", "answer")
    records = _unique_records(node, "faq", "entry", fields, required, src, problems, partial=True)
    for item, values in records:
        entries.append(
            FaqEntry(
                id=values["id"],
                question=values["question"],
                answer=values["answer"],
                variants=tuple(values.get("variants", ())),
                topics=tuple(values.get("topics", ())),
                links=tuple(values.get("links", ())),
                line=_line(item),
            )
        )
    return entries


def _load_synonyms(node: Node | None, src: str, problems: list[Problem]) -> dict[str, list[str]]:
    if node is None or _is_null(node):
        return {}
    if not isinstance(node, MappingNode):
        message = "'synonyms' must be lines like `hk: [hộ khẩu]`"
        problems.append(Problem(src, _line(node), message))
        return {}
    synonyms: dict[str, list[str]] = {}
    meanings = _list_of(_word, single=True)
    for key, value in node.value:
        term = _key_name(key).strip()
        if not term:
            problems.append(Problem(src, _line(key), "synonyms: a term is empty"))
            continue
        if term in synonyms:
            continue  # a duplicate, already reported
        try:
            found = meanings(value)
            if not found:
                raise _Invalid(value, "has no meaning after it")
        except _Invalid as exc:
            problems.append(Problem(src, exc.line, f"synonym '{term}' {exc}"))
        else:
            synonyms[term] = list(found)
    return synonyms


# ---------------------------------------------------------------------- content/


def load_announcement(
    path: Path,
    topics: Sequence[Topic] | None,
    *,
    folder: Path | None = None,
    max_bytes: int = MAX_NOTICE_BYTES,
) -> tuple[Announcement | None, list[Problem]]:
    """Read one content/YYYY-MM-DD-slug.md file; None if anything is wrong with it,
    except an unknown topic: that is reported and left out, and the notice loads (tagged
    from the keywords when none of its topics is known).

    `topics` None: faq.yaml's topics are not known (it cannot be read and there is no
    good copy of it): a notice's topics cannot be checked, so none is reported as unknown
    and none is kept. With `folder` (the content folder), a link is only followed to a
    file inside it.
    """
    src = str(path)
    name = _FILE_NAME.fullmatch(path.name)
    if name is None:
        message = "file name must look like 2024-07-15-short-title.md (a-z, 0-9 and '-')"
        return None, [Problem(src, 1, message)]
    if _parse_date(name.group(1)) is None:
        return None, [Problem(src, 1, f"file name date {name.group(1)} is not a real date")]
    unusable = _unusable_file(path, folder, max_bytes)
    if unusable is not None:
        return None, [unusable]
    text, problems = _read(path, max_bytes)
    if text is None:
        return None, problems

    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if line.strip()), 0)
    if lines[start].rstrip() != "---":
        message = "front matter is missing: start the file with '---', title:, date:, then '---'"
        return None, [Problem(src, start + 1, message)]
    end = next((i for i in range(start + 1, len(lines)) if lines[i].rstrip() == "---"), None)
    if end is None:
        return None, [Problem(src, start + 1, "front matter is not closed by a line '---'")]
    # Blank lines in place of everything before the YAML keep its line numbers the file's own.
    front = "\n" * (start + 1) + "\n".join(lines[start + 1 : end])
    before = len(problems)
    root = _compose(front, src, problems)
    if root is None and len(problems) == before:
        problems.append(Problem(src, start + 1, "front matter is empty: add title: and date:"))
    body = "\n".join(lines[end + 1 :]).strip()
    if not body:
        problems.append(Problem(src, end + 1, "the announcement has no text after the '---'"))

    known = None if topics is None else {topic.id for topic in topics}
    fields: dict[str, _Parser] = {
        "title": _text,
        "date": _date,
        "topics": _topic_ids(known),
        "source": _url,
        "expires": _date,
    }
    if root is None:
        return None, sorted(problems, key=lambda p: p.line)
    notes: list[Problem] = []  # reported, but the notice loads (an unknown topic)
    values = _record(root, "front matter", fields, ("title", "date"), src, problems, notes=notes)
    if values is not None and values.get("expires", values["date"]) < values["date"]:
        message = f"front matter: 'expires' {values['expires']} is before 'date' {values['date']}"
        problems.append(Problem(src, _key_line(root, "expires"), message))
    if values is None or problems:
        return None, sorted(problems + notes, key=lambda p: p.line)

    tagged = values.get("topics")
    if tagged is None:  # none given, or none of those given is known
        tagged = tag_topics(values["title"] + "\n" + body, topics or ())
    notice = Announcement(
        id=path.name.removesuffix(".md"),
        title=values["title"],
        date=values["date"],
        body=body,
        topics=tuple(tagged),
        source=values.get("source"),
        expires=values.get("expires"),
        path=src,
    )
    return notice, notes


Stamp = tuple[int, int, int, int]


def file_stamp(info: os.stat_result) -> Stamp:
    """What changes whenever a file is written: size, modification and change time, inode."""
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def is_notice_file(name: str) -> bool:
    """Whether a file in content/ is meant as a notice (and read, or reported): named
    *.md in any case, and not an editor's swap, backup or lock file ('.x.md.swp',
    '~$x.md', '#x.md#'). The full load and the running bot's watcher both ask this."""
    return not name.startswith((".", "~", "#")) and name.lower().endswith(".md")


def subfolder_problem(path: Path) -> Problem | None:
    """A folder inside content/ that holds notice files: they are not read, and staff who
    moved notices there (to sort them by year) must be told so."""
    if path.name.startswith((".", "~", "#")):
        return None
    try:
        count = sum(is_notice_file(child.name) for child in path.iterdir())
    except OSError:  # not a folder, gone, or unreadable
        return None
    if not count:
        return None
    where = path.parent.name or str(path.parent)
    message = (
        f"{count} notice file(s) in this sub-folder are not read: "
        f"notices must be directly in {where}/"
    )
    return Problem(str(path), 0, message)


def load_content(
    content_dir: Path,
    topics: Sequence[Topic] | None,
    *,
    max_bytes: int = MAX_NOTICE_BYTES,
    parsed: dict[str, tuple[Stamp, Announcement]] | None = None,
) -> tuple[list[Announcement], list[Problem]]:
    """Read every announcement in content_dir, newest first (then by id).

    `topics` None: faq.yaml's topics are not known (see `load_announcement`).

    `parsed` holds notices read before, by path, with their file's stamp: a regular file
    whose stamp is unchanged is taken from it instead of being read again. It must come
    from a load with the same topics and `max_bytes`; it is brought up to date in place.
    """
    try:
        paths = sorted(content_dir.iterdir())
    except FileNotFoundError:
        return [], [Problem(str(content_dir), 0, "folder not found")]
    except OSError as exc:
        return [], [Problem(str(content_dir), 0, f"cannot read the folder ({exc.strerror})")]
    notices: list[Announcement] = []
    problems: list[Problem] = []
    kept: dict[str, tuple[Stamp, Announcement]] = {}  # what `parsed` becomes
    for path in paths:
        # Editor swap, backup and lock files are not announcements, nor are other formats.
        if not is_notice_file(path.name):
            if (problem := subfolder_problem(path)) is not None:
                problems.append(problem)
            continue
        stamped: Stamp | None = None
        if parsed is not None:
            with contextlib.suppress(OSError):
                info = os.lstat(path)
                if stat.S_ISREG(info.st_mode):  # links are checked again every time
                    stamped = file_stamp(info)
            before = parsed.get(str(path))
            if stamped is not None and before is not None and before[0] == stamped:
                notices.append(before[1])
                kept[str(path)] = before
                continue
        notice, found = load_announcement(path, topics, folder=content_dir, max_bytes=max_bytes)
        problems.extend(found)
        if notice is not None:
            notices.append(notice)
            if stamped is not None and not found:  # read again next time, to report again
                kept[str(path)] = (stamped, notice)
    if parsed is not None:
        parsed.clear()
        parsed.update(kept)
    notices.sort(key=lambda n: (-n.date.toordinal(), n.id))
    return notices, problems


def read_last_good(data_dir: Path) -> FaqFile | None:
    """The last good faq.yaml kept in the data folder, when it reads: what a bot on that
    folder serves, from its start, while faq.yaml cannot be used (`faq_usable`)."""
    saved = data_dir / LAST_GOOD_FAQ_COPIES[0]
    if not saved.exists():
        return None
    previous = load_faq(saved)
    return previous if previous.ok_syntax else None


def faq_usable(new: FaqFile, last_good: FaqFile | None) -> bool:
    """Whether `new` is served. Not when it cannot be read, nor when it lost a whole
    section the last good version had (a mistyped 'faq:' header, a save caught half
    written): then the last good version keeps serving, if there is one."""
    if not new.ok_syntax:
        return False
    return last_good is None or not any(getattr(last_good, s) for s in new.missing_sections)


# An `id:` line as faq.yaml writes them, looked for in a file YAML cannot read.
_ID_LINE = re.compile(r"^[ \t]*(?:-[ \t]*)?id[ \t]*:[ \t]*[\"']?([a-z0-9][a-z0-9-]*)", re.M)
# So many ids shown and none of them the last good version's: another ward's file.
OTHER_FILE_IDS = 3


def another_file(new: FaqFile, last_good: FaqFile) -> bool:
    """Whether `last_good` is another file's, not an earlier version of `new`: `new`
    cannot be read, yet its `id:` lines show several ids and not one of them is in
    `last_good` (a new ward's first faq.yaml, over the copy the sample left in the data
    folder). Serving it would answer residents with another ward's entries. A file saved
    half-way shows the ids it kept, or none."""
    if new.ok_syntax or len(new.ids_seen) < OTHER_FILE_IDS:
        return False
    ids = {topic.id for topic in last_good.topics} | {entry.id for entry in last_good.faq}
    return not new.ids_seen & ids


def served(new: FaqFile, last_good: FaqFile | None) -> FaqFile | None:
    """The FAQ a bot serves given faq.yaml as read now and its last good version: the new
    one when usable (`faq_usable`), else the last good one, unless that is another file's
    (`another_file`); None when there is none."""
    if faq_usable(new, last_good):
        return new
    if last_good is not None and another_file(new, last_good):
        return None
    return last_good


def id_clash(notice: Announcement, faq_lines: Mapping[str, int], faq_file: Path) -> Problem | None:
    """The problem with a notice that has the id of an FAQ entry (`faq_lines`: id -> line),
    or None. The entry wins: the notice is not served."""
    line = faq_lines.get(notice.id)
    if line is None:
        return None
    where = f"{faq_file}:{line}" if line else str(faq_file)
    return Problem(notice.path or notice.id, 1, f"id '{notice.id}' is already used at {where}")


def without_id_clashes(
    notices: Sequence[Announcement], faq: Sequence[FaqEntry], faq_file: Path
) -> tuple[list[Announcement], list[Problem]]:
    """The notices no FAQ entry shares an id with, and a problem for each of the others."""
    lines = {entry.id: entry.line for entry in faq}
    kept: list[Announcement] = []
    problems: list[Problem] = []
    for notice in notices:
        if (clash := id_clash(notice, lines, faq_file)) is not None:
            problems.append(clash)
        else:
            kept.append(notice)
    return kept, problems


def load_corpus(
    faq_file: Path,
    content_dir: Path,
    *,
    max_bytes: int = MAX_NOTICE_BYTES,
    last_good: FaqFile | None = None,
    faq: FaqFile | None = None,
) -> tuple[Corpus, list[Problem]]:
    """Load everything the bot knows; problems come faq.yaml first, then content/.

    `faq` is faq.yaml when the caller has read it already. When it is not usable
    (`faq_usable`), `last_good` is what the bot serves and the notices are read against
    its topics; without a last good copy either, the bot serves the notices alone, their
    topics unknown (`load_announcement`)."""
    faq = load_faq(faq_file) if faq is None else faq
    serving = served(faq, last_good)
    if serving is None:
        notices, problems = load_content(content_dir, None, max_bytes=max_bytes)
        return Corpus(announcements=notices), faq.problems + problems
    notices, problems = load_content(content_dir, serving.topics, max_bytes=max_bytes)
    kept, clashes = without_id_clashes(notices, serving.faq, faq_file)
    corpus = Corpus(serving.topics, serving.faq, kept, serving.synonyms)
    return corpus, faq.problems + problems + clashes


# ------------------------------------------------------------------ topic tags


def tag_topics(text: str, topics: Sequence[Topic]) -> tuple[str, ...]:
    """The ids of the topics whose keywords occur in text, as whole words.

    A keyword with diacritics is looked for in the lower-cased text with its
    accents, because folding makes words collide ("rác" would match "rời rạc").
    A keyword written without them ("bhyt", "vneid") is looked for in the
    folded text, so it matches however the text spells it.
    """
    lowered = unicodedata.normalize("NFC", text.casefold())
    folded = fold(text)
    return tuple(
        topic.id
        for topic, (accented, plain) in zip(topics, _keyword_patterns(tuple(topics)), strict=True)
        if (accented and accented.search(lowered)) or (plain and plain.search(folded))
    )


_Patterns = tuple[re.Pattern[str] | None, re.Pattern[str] | None]


@functools.lru_cache(maxsize=64)
def _keyword_patterns(topics: tuple[Topic, ...]) -> list[_Patterns]:
    """Per topic, one pattern for its keywords with diacritics and one for those without:
    two searches a topic, however many keywords (a province's archive is tagged at once)."""
    patterns = []
    for topic in topics:
        keywords = {unicodedata.normalize("NFC", k.casefold()).strip() for k in topic.keywords}
        accented = sorted(k for k in keywords if k and fold(k) != k)
        plain = sorted(k for k in keywords if k and fold(k) == k)
        patterns.append((_phrases(accented), _phrases(plain)))
    return patterns


def _phrases(keywords: Sequence[str]) -> re.Pattern[str] | None:
    if not keywords:
        return None
    # Any run of whitespace between words, so a keyword still matches across a line break.
    alternatives = (r"\s+".join(re.escape(word) for word in k.split()) for k in keywords)
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)")


# ------------------------------------------------------------ reading and YAML


def _unusable_file(path: Path, folder: Path | None, max_bytes: int) -> Problem | None:
    """Why `path` cannot be a notice, decided by `stat` alone: opening a FIFO would block."""
    src = str(path)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return Problem(src, 0, "file not found")
    except OSError as exc:
        return Problem(src, 0, f"cannot read the file ({exc.strerror})")
    if stat.S_ISLNK(info.st_mode):
        try:
            info = os.stat(path)
        except FileNotFoundError:
            return Problem(src, 1, "is a link to a file that does not exist: delete the link")
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return Problem(src, 1, "is a link that leads back to itself: delete the link")
            return Problem(src, 1, f"cannot read the file ({exc.strerror})")
        if folder is not None:
            target, inside = os.path.realpath(path), os.path.realpath(folder)
            if os.path.commonpath([target, inside]) != inside:
                message = "is a link to a file outside the content folder: copy the file here"
                return Problem(src, 1, message)
    if stat.S_ISDIR(info.st_mode):
        return Problem(src, 1, "is a folder, not a file: an announcement must be one .md file")
    if not stat.S_ISREG(info.st_mode):
        return Problem(src, 1, "is not an ordinary file (a pipe, socket or device): delete it")
    if info.st_size > max_bytes:
        return _too_large(src, info.st_size, max_bytes)
    return None


def _too_large(src: str, size: int, max_bytes: int) -> Problem:
    message = (
        f"the file is too large ({-(-size // 1024)} KB, at most {max_bytes // 1024} KB): "
        "shorten it and put the full text behind a 'source:' link"
    )
    return Problem(src, 1, message)


def _read(path: Path, max_bytes: int | None = None) -> tuple[str | None, list[Problem]]:
    """The file's text (NFC, '\\n' line ends), or None and why it cannot be read.

    Never blocks: a FIFO or device is refused after opening without waiting, in case one
    replaced the file since it was checked.
    """
    src = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return None, [Problem(src, 0, "file not found")]
    except OSError as exc:
        return None, [Problem(src, 0, f"cannot read the file ({exc.strerror})")]
    try:
        with os.fdopen(fd, "rb") as file:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None, [Problem(src, 1, "is not an ordinary file: save it as a text file")]
            data = file.read() if max_bytes is None else file.read(max_bytes + 1)
    except OSError as exc:
        return None, [Problem(src, 0, f"cannot read the file ({exc.strerror})")]
    if max_bytes is not None and len(data) > max_bytes:
        return None, [_too_large(src, len(data), max_bytes)]
    try:
        text = data.decode("utf-8-sig")  # Notepad's byte-order mark is harmless
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [Problem(src, line, "the file is not saved as UTF-8 text; save it as UTF-8")]
    # Staff paste decomposed accents (e.g. from PDFs); NFC makes equal words compare equal.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text), []


# libyaml's parser when PyYAML was built with it: same nodes and marks, several times faster.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _compose_fast(text: str) -> Node | None:
    """libyaml when it parses; for an error, PyYAML's own clearer wording and marks."""
    try:
        return yaml.compose(text, Loader=_YAML_LOADER)
    except yaml.YAMLError:
        if _YAML_LOADER is yaml.SafeLoader:
            raise
    return yaml.compose(text, Loader=yaml.SafeLoader)


def _compose(text: str, src: str, problems: list[Problem]) -> Node | None:
    """Parse YAML into nodes; on a syntax error report it and return None."""
    try:
        root = _compose_fast(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "unreadable"
        if "mapping values are not allowed" in problem:
            hint = "put text that contains ': ' in quotes"
        elif "\\t" in problem:
            hint = "indent with spaces, not tabs"
        else:
            hint = "check the indentation and quotes here and on the line above"
        line = mark.line + 1 if mark else 1
        problems.append(Problem(src, line, f"YAML syntax error: {problem} ({hint})"))
        return None
    except yaml.YAMLError as exc:  # a ReaderError: a control character YAML refuses
        position = getattr(exc, "position", 0)
        line = text[:position].count("\n") + 1
        problems.append(Problem(src, line, "the file contains an invisible control character"))
        return None
    if root is not None:
        problems.extend(_duplicate_keys(root, src))
        _mark_comment_cuts(root, text.split("\n"))
    return root


_COMMENT_AFTER = re.compile(r"\s+#")


def _mark_comment_cuts(root: Node, lines: list[str]) -> None:
    """Mark each unquoted text followed by ' #' on its line: YAML reads the rest of the
    line as a comment, so "bấm phím #2 để gặp cán bộ" would silently become "bấm phím"
    (see _text)."""
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
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, MappingNode):
            stack.extend(value for _, value in node.value)


def _duplicate_keys(root: Node, src: str) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[int] = set()  # anchors and aliases share nodes, even in cycles
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, MappingNode):
            first: dict[str, int] = {}
            for key, value in node.value:
                name = _key_name(key)
                if name in first:
                    message = f"duplicate key '{name}' (already on line {first[name]})"
                    problems.append(Problem(src, _line(key), message))
                else:
                    first[name] = _line(key)
                stack.extend((key, value))
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
    return problems


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def _key_name(node: Node) -> str:
    return str(node.value) if isinstance(node, ScalarNode) else "(a list or block)"


def _key_line(node: Node, name: str) -> int:
    pairs = node.value if isinstance(node, MappingNode) else []
    return next((_line(key) for key, _ in pairs if _key_name(key) == name), _line(node))


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == _NULL


def _unknown(what: str, name: str, allowed: Sequence[str]) -> str:
    close = difflib.get_close_matches(name.lower(), allowed, n=1)
    return f"unknown {what} '{name}'" + (f" (did you mean '{close[0]}'?)" if close else "")


# ----------------------------------------------------- records and their values


def _items(
    node: Node | None, section: str, how: str, src: str, problems: list[Problem]
) -> list[Node]:
    """The items of a top-level list section (an empty section has none)."""
    if node is None or _is_null(node):
        return []
    if not isinstance(node, SequenceNode):
        problems.append(Problem(src, _line(node), f"'{section}' must be a list: {how}"))
        return []
    return list(node.value)


def _label(kind: str, node: Node) -> str:
    """`entry 'bhyt-gia-han'`, or just `entry` while it has no readable id."""
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if _key_name(key) == "id" and not _is_null(value) and isinstance(value, ScalarNode):
                return f"{kind} '{value.value.strip()}'"
    return kind


def _record(
    node: Node,
    label: str,
    fields: Mapping[str, _Parser],
    required: Sequence[str],
    src: str,
    problems: list[Problem],
    *,
    partial: bool = False,
    notes: list[Problem] | None = None,
) -> dict[str, Any] | None:
    """Check one block of `key: value` lines; its values, or None if anything is wrong.

    A parser returns None for an empty value: absent if optional, reported if required.
    With `partial`, a bad optional field or an unknown key is reported and left out, and
    the record still loads: a typo in a topic's keywords or an entry's variants must not
    take its answer away. A value that is only partly wrong (_Partly: an unknown topic
    among known ones) is reported and the rest of it kept, in any record; those problems
    go to `notes` when given, the record's others to `problems`.
    """
    if not isinstance(node, MappingNode):
        problems.append(Problem(src, _line(node), f"{label}: must be lines of `key: value`"))
        return None
    values: dict[str, Any] = {}
    seen: set[str] = set()
    ok = True
    for key, value in node.value:
        name = _key_name(key)
        if name not in fields:
            problems.append(
                Problem(src, _line(key), f"{label}: {_unknown('key', name, [*fields])}")
            )
            ok = ok and partial
            continue
        if name in seen:
            ok = False  # a duplicate key, already reported
            continue
        seen.add(name)
        try:
            parsed = fields[name](value)
        except _Partly as exc:
            (problems if notes is None else notes).append(
                Problem(src, exc.line, f"{label}: '{name}' {exc}")
            )
            parsed = exc.kept
        except _Invalid as exc:
            problems.append(Problem(src, exc.line, f"{label}: '{name}' {exc}"))
            ok = ok and partial and name not in required
            continue
        if parsed is not None:
            values[name] = parsed
        elif name in required:
            problems.append(Problem(src, _line(value), f"{label}: '{name}' is empty"))
            ok = False
    for name in required:
        if name not in seen:
            problems.append(Problem(src, _line(node), f"{label}: missing '{name}'"))
            ok = False
    return values if ok else None


def _word(node: Node) -> str | None:
    """Any scalar, as typed and stripped; None if empty."""
    if not isinstance(node, ScalarNode):
        raise _Invalid(node, "must be text, not a list or a block")
    text = "" if node.tag == _NULL else str(node.value).strip()
    return text or None


def _text(node: Node) -> str | None:
    """Free text: a bare number, true/false or date here is more likely a slip than meant.
    Text cut short by a ' #' (read as a comment) is kept as YAML read it, and reported."""
    if isinstance(node, ScalarNode) and node.tag not in (_STR, _NULL):
        raise _Invalid(node, f'must be text (write "{node.value}" in quotes if you mean it)')
    text = _word(node)
    if text is not None and getattr(node, "cut_by_comment", False):
        words = text.split()
        end = ("…" if len(words) > 4 else "") + " ".join(words[-4:])
        message = (
            f"stops at '{end}': what follows ' #' on that line is read as a comment; "
            "if it is part of the text, put the whole text in quotes"
        )
        raise _Partly(node, message, text)
    return text


def _answer(node: Node) -> str | None:
    # Trailing spaces are invisible to staff but would show in chat layouts.
    text = _text(node)
    return None if text is None else "\n".join(line.rstrip() for line in text.split("\n"))


def _id(node: Node) -> str | None:
    text = _word(node)
    if text is not None and not _ID.fullmatch(text):
        raise _Invalid(node, f"must use only a-z, 0-9 and '-', not '{text}'")
    return text


def _url(node: Node) -> str | None:
    text = _word(node)
    if text is None:
        return None
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in text):
        raise _Invalid(node, f"must be a web address (http:// or https://), not '{text}'")
    return text


def _date(node: Node) -> dt.date | None:
    text = _word(node)
    if text is None:
        return None
    if not _DATE.fullmatch(text):
        raise _Invalid(node, f"must be a date written like 2024-07-15, not '{text}'")
    date = _parse_date(text)
    if date is None:
        raise _Invalid(node, f"{text} is not a real date")
    return date


def _parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _list_of(item: _Parser, *, single: bool = False) -> _Parser:
    """A parser for a list of items; with `single`, one bare item is accepted too."""

    def parse(node: Node) -> tuple[Any, ...] | None:
        if _is_null(node):
            return None
        if isinstance(node, SequenceNode):
            children = list(node.value)
        elif single and isinstance(node, ScalarNode):
            children = [node]
        else:
            raise _Invalid(node, "must be a list, like [first, second]")
        parsed = []
        for child in children:
            value = item(child)
            if value is None:
                raise _Invalid(child, "has an empty item")
            parsed.append(value)
        return tuple(parsed)

    return parse


def _topic_ids(known: Collection[str] | None) -> _Parser:
    """A list of topic ids (or one id), each declared in faq.yaml's topics. `known`
    None: the topics are not known; the ids are read, none is checked and none kept."""
    ids = _list_of(_id, single=True)

    def parse(node: Node) -> tuple[str, ...] | None:
        parsed = ids(node)
        if parsed is None or known is None:
            return None
        children = node.value if isinstance(node, SequenceNode) else [node]
        kept = tuple(dict.fromkeys(t for t in parsed if t in known))  # repeats are harmless
        for topic, child in zip(parsed, children, strict=True):
            if topic not in known:  # one topic's typo must not hide what is tagged with it
                message = "has " + _unknown("topic", topic, sorted(known))
                raise _Partly(child, message + " (left out)", kept or None)
        return kept

    return parse
