"""Load and check the files ward staff edit: faq.yaml and content/*.md.

Nothing here raises for bad input. Every mistake becomes a `Problem`
(`file:line: message`) and only the bad item is skipped, so one typo never takes the
whole bot down.

The messages are for ward staff, not programmers, so they are in plain Vietnamese (the
project's rule) and all written here, next to the rule each reports: what is wrong, with
field names and examples as staff must type them (`answer:`, `date: 2026-11-25`), and
after " — " what the mistake costs (the whole file, the entry or notice, or only one
line left out), so staff know what residents are missing until it is fixed.

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
  would silently become one phrase. `topics: a, b` is two topics (a topic's name
  with a comma in it stays one).
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

from wardbot.intents import topic_key
from wardbot.models import Announcement, Corpus, FaqEntry, Problem, Topic
from wardbot.process import partial_file
from wardbot.text import fold
from wardbot.yaml_hints import (
    ODD_SPACE,
    ODD_SPACE_HINT,
    bullet_hint,
    glued_key,
    syntax_error,
    wrong_bullet,
)

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_ID = re.compile(r"[a-z0-9-]+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_FILE_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})-[a-z0-9-]+\.md")
_SECTIONS = ("topics", "faq", "synonyms")
# The keys of a topic or an FAQ entry but `topics` (a section's name too).
_ENTRY_KEYS = ("id", "name", "keywords", "question", "variants", "answer", "links")
# Other files' line references in messages ("đã dùng ở dòng 20"): faq_edit renumbers them.
LINE_REF = re.compile(r"\bdòng (\d+)")
# What a problem costs, said after " — ".
_FAQ_UNREAD = "bot chưa đọc được cả tệp này"
_NOTICE_SKIPPED = "thông báo này chưa được đăng"
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
    is dropped. Each step is a rename: a crash leaves whole files. The copies move only
    once `data` is on disk: a full disk leaves them all where they were."""
    with partial_file(copies[0]) as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
        for older, newer in zip(reversed(copies[1:]), reversed(copies[:-1]), strict=True):
            if newer.exists():
                os.replace(newer, older)


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
    """Part of a value is wrong: reported, and the rest of it (`kept`) is used; `lost`
    says what is left out."""

    def __init__(self, node: Node, message: str, kept: Any, lost: str) -> None:
        super().__init__(node, message)
        self.kept = kept
        self.lost = lost


_Parser = Callable[[Node], Any]


@dataclass(frozen=True)
class _Kind:
    """What a block of `key: value` lines is, for the messages about it."""

    noun: str  # "mục"; "" for a notice's front matter: the file is the notice
    skipped: str  # what a bad required field costs
    kept: str  # what still works when only one field or line is left out
    example: str  # a line as staff would type it


_TOPIC = _Kind("chủ đề", "cả chủ đề này bị bỏ qua", "chủ đề vẫn được dùng", "name: Hộ tịch")
_ENTRY = _Kind("mục", "cả mục này bị bỏ qua", "mục vẫn được dùng", "answer: ...")
_NOTICE = _Kind("", _NOTICE_SKIPPED, "thông báo vẫn được đăng", "date: 2026-11-25")

# Required fields, as staff know them: said when one is missing or empty.
_WHAT = {
    "id": "mã, viết thường không dấu, ví dụ id: ho-tich",
    "name": "tên chủ đề",
    "question": "câu hỏi",
    "answer": "câu trả lời",
    "title": "tiêu đề thông báo",
    "date": "ngày đăng, ví dụ date: 2026-11-26",
}


# --------------------------------------------------------------------- faq.yaml


def load_faq(path: Path) -> FaqFile:
    """Read faq.yaml: its topics, FAQ entries and synonyms."""
    src = str(path)
    text, problems = _read(path, unread=_FAQ_UNREAD)
    # What a repeated key costs, by its depth: a later section is ignored; a repeated word
    # in synonyms: is; a topic or an entry with a repeated key is skipped.
    duplicates = {
        (0, ""): "phần lặp lại này bị bỏ qua",
        (1, "synonyms"): "dòng lặp lại này bị bỏ qua",
        (2, "topics"): _TOPIC.skipped,
        (2, "faq"): _ENTRY.skipped,
    }
    root = None if text is None else _compose(text, src, problems, _FAQ_UNREAD, duplicates)
    if text is not None and root is None and not problems:
        problems.append(Problem(src, 1, f"tệp trống, chưa có nội dung — {_FAQ_UNREAD}"))
    elif root is not None and not isinstance(root, MappingNode):
        message = (
            "tệp phải có phần topics: và phần faq: (mỗi phần bắt đầu bằng một dòng sát lề "
            f"trái) — {_FAQ_UNREAD}"
        )
        problems.append(Problem(src, _line(root), message))
    if not isinstance(root, MappingNode):
        seen = frozenset(_ID_LINE.findall(text or ""))
        return FaqFile(problems=problems, ok_syntax=False, ids_seen=seen)

    sections: dict[str, Node] = {}
    for key, value in root.value:
        name = _key_name(key)
        if name in _SECTIONS:
            sections.setdefault(name, value)  # a later duplicate is already reported
        elif name in _ENTRY_KEYS:  # "answer:" typed against the left margin
            message = (
                f"dòng {name}: nằm sát lề trái nên bot hiểu là một phần mới của tệp: hãy thụt "
                "lề cho thẳng với các dòng của mục ở trên — dòng này bị bỏ qua"
            )
            problems.append(Problem(src, _line(key), message))
        else:
            message = f"{_unknown('phần', name, _SECTIONS)} — cả phần này bị bỏ qua"
            problems.append(Problem(src, _line(key), message))
    missing = tuple(name for name in ("topics", "faq") if name not in sections)
    for name in missing:
        what = "chủ đề" if name == "topics" else "câu hỏi đáp"
        message = (
            f"thiếu phần {name}: (một dòng {name}: sát lề trái, các mục viết bên dưới) — "
            f"chưa có {what} nào được nạp từ tệp này"
        )
        problems.append(Problem(src, 1, message))

    result = FaqFile(problems=problems, missing_sections=missing)
    result.topics = _load_topics(sections.get("topics"), src, problems)
    result.faq = _load_entries(sections.get("faq"), result.topics, src, problems)
    result.synonyms = _load_synonyms(sections.get("synonyms"), src, problems)
    problems.sort(key=lambda p: p.line)
    return result


def _load_topics(node: Node | None, src: str, problems: list[Problem]) -> list[Topic]:
    fields: dict[str, _Parser] = {"id": _id, "name": _text, "keywords": _list_of(_word)}
    records = _unique_records(
        node, "topics", _TOPIC, fields, ("id", "name"), src, problems, partial=True
    )
    return [
        Topic(values["id"], values["name"], tuple(values.get("keywords", ())))
        for _, values in records
    ]


def _unique_records(
    node: Node | None,
    section: str,
    kind: _Kind,
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
    for item in _items(node, section, kind, src, problems):
        values = _record(item, kind, fields, required, src, problems, partial=partial)
        if values is None:
            continue
        if values["id"] in first_line:
            message = (
                f"mã (id) '{values['id']}' đã dùng ở dòng {first_line[values['id']]} — "
                f"{kind.skipped}; hãy đặt mã khác, ví dụ {values['id']}-2"
            )
            problems.append(Problem(src, _line(item), message))
            continue
        first_line[values["id"]] = _line(item)
        yield item, values


def _load_entries(
    node: Node | None, topics: Sequence[Topic], src: str, problems: list[Problem]
) -> list[FaqEntry]:
    fields: dict[str, _Parser] = {
        "id": _id,
        "question": _question,
        "answer": _answer,
        "variants": _list_of(_word),
        "topics": _topic_ids(topics),
        "links": _list_of(_url, single=True),
    }
    entries: list[FaqEntry] = []
    required = ("id", "question", "answer")
    records = _unique_records(node, "faq", _ENTRY, fields, required, src, problems, partial=True)
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
        message = "phần synonyms: phải gồm các dòng dạng `hk: [hộ khẩu]` — cả phần này bị bỏ qua"
        problems.append(Problem(src, _line(node), message))
        return {}
    synonyms: dict[str, list[str]] = {}
    meanings = _list_of(_word, single=True)
    for key, value in node.value:
        term = _key_name(key).strip()
        if not term:
            message = "synonyms: có một dòng chưa có từ trước dấu hai chấm — dòng này bị bỏ qua"
            problems.append(Problem(src, _line(key), message))
            continue
        if term in synonyms:
            continue  # a duplicate, already reported
        try:
            found = meanings(value)
            if not found:
                raise _Invalid(value, f"chưa có nghĩa nào, ví dụ {term}: [từ đầy đủ]")
        except _Invalid as exc:
            message = f"synonyms: '{term}' {exc} — dòng này bị bỏ qua"
            problems.append(Problem(src, exc.line, message))
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
        return None, [Problem(src, 1, _copy_of(path) or _bad_file_name(path.name))]
    if _parse_date(name.group(1)) is None:
        message = f"ngày {name.group(1)} trong tên tệp không có thật — {_NOTICE_SKIPPED}"
        return None, [Problem(src, 1, message)]
    unusable = _unusable_file(path, folder, max_bytes)
    if unusable is not None:
        return None, [unusable]
    text, problems = _read(path, max_bytes, unread=_NOTICE_SKIPPED)
    if text is None:
        return None, problems

    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if line.strip()), 0)
    if not text.strip():  # often a save caught before its text was written
        return None, [Problem(src, 1, f"tệp trống, chưa có nội dung — {_NOTICE_SKIPPED}")]
    if lines[start].rstrip() != "---" and _FENCE_LIKE.fullmatch(lines[start]):
        return None, [Problem(src, start + 1, _not_a_fence(lines[start]))]
    if lines[start].rstrip() != "---":
        message = (
            "thiếu phần đầu: tệp phải bắt đầu bằng một dòng ---, rồi các dòng title: và "
            f"date:, rồi một dòng --- nữa — {_NOTICE_SKIPPED}; {_front_for(lines[start], name[1])}"
        )
        return None, [Problem(src, start + 1, message)]
    end = next((i for i in range(start + 1, len(lines)) if lines[i].rstrip() == "---"), None)
    if end is None:
        fence = next(
            (i for i in range(start + 1, len(lines)) if _FENCE_LIKE.fullmatch(lines[i])), None
        )
        if fence is not None:
            return None, [Problem(src, fence + 1, _not_a_fence(lines[fence]))]
        message = (
            "phần đầu (title:, date:) chưa được đóng bằng một dòng --- ở dưới — " + _NOTICE_SKIPPED
        )
        return None, [Problem(src, start + 1, message)]
    # Blank lines in place of everything before the YAML keep its line numbers the file's own.
    front = "\n" * (start + 1) + "\n".join(lines[start + 1 : end])
    before = len(problems)
    root = _compose(front, src, problems, _NOTICE_SKIPPED, {(0, ""): _NOTICE_SKIPPED})
    if root is None and len(problems) == before:
        message = (
            f"phần đầu giữa hai dòng --- còn trống: hãy thêm title: và date: — {_NOTICE_SKIPPED}"
        )
        problems.append(Problem(src, start + 1, message))
    body = "\n".join(lines[end + 1 :]).strip()
    if not body:
        message = f"thông báo chưa có nội dung dưới dòng --- — {_NOTICE_SKIPPED}"
        problems.append(Problem(src, end + 1, message))

    fields: dict[str, _Parser] = {
        "title": _text,
        "date": _date,
        "topics": _topic_ids(topics),
        "source": _url,
        "expires": _date,
        "urgent": _flag,
    }
    if root is None:
        return None, sorted(problems, key=lambda p: p.line)
    notes: list[Problem] = []  # reported, but the notice loads (an unknown topic)
    # A topic or a link typed wrong leaves only it out: the notice is still published (a
    # bad expiry date is not: the notice would stay current forever).
    values = _record(
        root, _NOTICE, fields, ("title", "date"), src, problems, lenient=_LENIENT, notes=notes
    )
    if values is not None and values.get("expires", values["date"]) < values["date"]:
        message = (
            f"ngày hết hạn (expires: {values['expires']}) trước ngày đăng "
            f"(date: {values['date']}) — {_NOTICE_SKIPPED}"
        )
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
        urgent=values.get("urgent", False),
        path=src,
    )
    return notice, notes


# A line meant as the front matter's '---': Word's dashes ('—' for '---'), four of them, a
# leading space.
_FENCE_LIKE = re.compile(r"\s*[-–—―−]+\s*")


def _not_a_fence(line: str) -> str:
    return (
        f"dòng này phải là đúng ba dấu gạch ngang --- sát lề trái, không phải `{line.rstrip()}` "
        f"(Word hay tự đổi --- thành —) — {_NOTICE_SKIPPED}"
    )


_LENIENT = ("topics", "source", "urgent")


def _front_for(first: str, date: str) -> str:
    """The front matter a notice without one needs, from its first line and its file name."""
    title = first.strip().lstrip("#").strip()
    if len(title) > 80:
        title = title[:80].rsplit(" ", 1)[0] + " …"
    if ":" in title or title[:1] in "-*&!%@`|>?[]{}\"'":
        title = '"' + title.replace('"', "'") + '"'
    return f"với tệp này, thêm bốn dòng ở đầu: `---`, `title: {title}`, `date: {date}`, `---`"


Stamp = tuple[int, int, int, int]


def file_stamp(info: os.stat_result) -> Stamp:
    """What changes whenever a file is written: size, modification and change time, inode."""
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def is_notice_file(name: str) -> bool:
    """Whether a file in content/ is meant as a notice (and read, or reported): named
    *.md in any case, and not an editor's swap, backup or lock file ('.x.md.swp',
    '~$x.md', '#x.md#'). The full load and the running bot's watcher both ask this."""
    return not name.startswith((".", "~", "#")) and name.lower().endswith(".md")


# How Windows (in English and Vietnamese), macOS, browsers and Drive name a second copy.
_COPY = re.compile(
    r"(?:copy of |bản sao của |bản sao )?(?P<stem>.+?)"
    r"(?: - copy(?: \(\d+\))?| - bản sao(?: \(\d+\))?| copy(?: \d+)?| \(\d+\))?",
    re.IGNORECASE,
)


def _copy_of(path: Path) -> str | None:
    """What to say of a notice file named as a copy of another ('Copy of x.md', 'x - Copy.md',
    'x (1).md'): renamed as `_bad_file_name` would have it, it would be published twice."""
    stem = unicodedata.normalize("NFC", path.name)[: -len(".md")]
    typed = _COPY.fullmatch(stem)
    if typed is None or typed["stem"] == stem:
        return None
    original = typed["stem"] + ".md"
    if not _FILE_NAME.fullmatch(original):
        return None
    if not (path.parent / original).exists():
        return f"tên tệp là tên của một bản sao — {_NOTICE_SKIPPED}; đổi tên thành {original}"
    return (
        f"tệp này có vẻ là bản sao của {original} (chép tệp hay tải về hai lần) — "
        f"{_NOTICE_SKIPPED}; nếu không cần thì xóa tệp này, nếu là một thông báo khác thì "
        f"đổi tên, ví dụ {typed['stem']}-2.md"
    )


def _bad_file_name(name: str) -> str:
    """What is wrong with a notice's file name, with the right name when it is plain."""
    stem = re.sub(r"(?:\.md)+$", "", name, flags=re.IGNORECASE)  # x.md.md: an editor's .md
    fixed = re.sub(r"[^a-z0-9]+", "-", fold(stem)).strip("-") + ".md"
    # Dated the Vietnamese way, day first (30-11-2026-hop.md, 30.11.2026 hop.md).
    day_first = re.match(r"(\d{1,2})-(\d{1,2})-(\d{4})-", fixed)
    if day_first is not None:
        day, month, year = day_first.groups()
        fixed = f"{year}-{int(month):02}-{int(day):02}-{fixed[day_first.end() :]}"
    how = (
        f"đổi tên thành {fixed}"
        if _FILE_NAME.fullmatch(fixed)
        else "ví dụ 2026-11-25-hop-to-dan.md"
    )
    return (
        "tên tệp phải có dạng năm-tháng-ngày-tên-ngắn.md, chỉ dùng chữ thường không dấu, "
        f"số và dấu '-' — {_NOTICE_SKIPPED}; {how}"
    )


# A notice saved in another format: Notepad's .txt (shown without it when Windows hides
# extensions, so "x.md" typed as the name becomes x.md.txt), Word's and LibreOffice's.
_TEXT_FORMATS = (".txt", ".markdown")
_WORD_FORMATS = (".doc", ".docx", ".odt", ".rtf")
# Editors' and downloads' temporary copies are never reported ('x.md~', 'x.md.swp', ...).
_TEMPORARY = (
    *("~", ".swp", ".swo", ".swx", ".tmp", ".temp", ".bak", ".orig", ".rej"),
    *(".part", ".crdownload"),
)


def is_misnamed_notice(name: str) -> bool:
    """Whether a file in content/ looks like a notice saved in another format: not read,
    but reported (`unread_problem`). Images and PDFs (attachments) and temporary copies
    are not; the full load and the running bot's watcher both ask this."""
    lower = name.lower()
    if is_notice_file(name) or name.startswith((".", "~", "#")) or lower.endswith(_TEMPORARY):
        return False
    return lower.endswith(_TEXT_FORMATS + _WORD_FORMATS)


def unread_problem(path: Path) -> Problem | None:
    """Why something in content/ that is not a notice file is still worth telling staff
    about: a sub-folder holding notices, or a notice saved in another format; None for
    anything else (an attachment, a temporary file, nothing at all)."""
    return subfolder_problem(path) or _misnamed_problem(path)


def _misnamed_problem(path: Path) -> Problem | None:
    if not is_misnamed_notice(path.name) or not path.is_file():
        return None
    name, lower = path.name, path.name.lower()
    cut = lower.find(".md.")
    target = name[: cut + 3] if cut >= 0 else name.rsplit(".", 1)[0] + ".md"
    if not _FILE_NAME.fullmatch(target):  # "Thông báo họp.docx": a name as the loader wants
        plain = re.sub(r"[^a-z0-9]+", "-", fold(target[: -len(".md")])).strip("-") + ".md"
        target = plain if _FILE_NAME.fullmatch(plain) else "một tên như 2026-11-25-hop-to-dan.md"
    extension = "." + lower.rsplit(".", 1)[1]
    if lower.endswith(_WORD_FORMATS):
        message = (
            f"tệp {extension} (soạn bằng Word) bot không đọc được — {_NOTICE_SKIPPED}; hãy "
            "mở tệp, chọn Lưu thành (Save As) kiểu Plain Text (.txt) với bảng mã UTF-8, rồi "
            f"đổi tên tệp thành {target}"
        )
    else:
        hidden = f" (Windows có thể đang ẩn đuôi {extension})" if extension == ".txt" else ""
        message = (
            f"tệp không có đuôi .md nên bot không đọc — {_NOTICE_SKIPPED}; "
            f"đổi tên thành {target}{hidden}"
        )
    return Problem(str(path), 1, message)


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
        f"thư mục con này có {count} tệp thông báo mà bot không đọc: thông báo phải nằm "
        f"ngay trong thư mục {where}/ — các thông báo này chưa được đăng"
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
        message = "không tìm thấy thư mục thông báo — bot chưa có thông báo nào"
        return [], [Problem(str(content_dir), 0, message)]
    except OSError as exc:
        message = f"{_cannot_read(exc, folder=True)} — bot chưa có thông báo nào"
        return [], [Problem(str(content_dir), 0, message)]
    notices: list[Announcement] = []
    problems: list[Problem] = []
    kept: dict[str, tuple[Stamp, Announcement]] = {}  # what `parsed` becomes
    for path in paths:
        # Editor swap, backup and lock files are not announcements, nor are other formats
        # (those that look like a notice saved in the wrong one are reported).
        if not is_notice_file(path.name):
            if (problem := unread_problem(path)) is not None:
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
    message = (
        f"mã '{notice.id}' (tên tệp) trùng với mã một câu hỏi đáp ở {where} — "
        f"{_NOTICE_SKIPPED}; hãy đổi tên tệp, ví dụ {notice.id}-tb.md"
    )
    return Problem(notice.path or notice.id, 1, message)


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

    def problem(line: int, what: str) -> Problem:
        return Problem(src, line, f"{what} — {_NOTICE_SKIPPED}")

    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return problem(0, "không tìm thấy tệp")
    except OSError as exc:
        return problem(0, _cannot_read(exc))
    if stat.S_ISLNK(info.st_mode):
        try:
            info = os.stat(path)
        except FileNotFoundError:
            return problem(1, "là lối tắt (link) tới một tệp không còn nữa: hãy xóa lối tắt này")
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return problem(1, "là lối tắt (link) trỏ vòng về chính nó: hãy xóa lối tắt này")
            return problem(1, _cannot_read(exc))
        if folder is not None:
            target, inside = os.path.realpath(path), os.path.realpath(folder)
            if os.path.commonpath([target, inside]) != inside:
                return problem(
                    1,
                    "là lối tắt (link) tới một tệp ngoài thư mục thông báo: "
                    "hãy chép chính tệp đó vào đây",
                )
    if stat.S_ISDIR(info.st_mode):
        return problem(1, "là một thư mục, không phải tệp: mỗi thông báo là một tệp .md")
    if not stat.S_ISREG(info.st_mode):
        return problem(
            1, "không phải tệp bình thường (mà là pipe, socket hay thiết bị): hãy xóa nó"
        )
    if info.st_size > max_bytes:
        return _too_large(src, info.st_size, max_bytes)
    return None


def _cannot_read(exc: OSError, *, folder: bool = False) -> str:
    """Why a file or folder could not be read, in staff's words (not the system's English)."""
    what = "thư mục" if folder else "tệp"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return (
            f"bot không có quyền đọc {what} này (bot chạy dưới tên người dùng khác): hãy cho "
            f"mọi người quyền đọc {what}, ví dụ chmod a+r{'x' if folder else ''} <tên {what}>"
        )
    return f"không đọc được {what} ({exc.strerror or exc})"


def _too_large(src: str, size: int, max_bytes: int) -> Problem:
    message = (
        f"tệp quá lớn ({-(-size // 1024)} KB, tối đa {max_bytes // 1024} KB) — "
        f"{_NOTICE_SKIPPED}; hãy rút gọn và để toàn văn ở đường dẫn source:"
    )
    return Problem(src, 1, message)


def _read(
    path: Path, max_bytes: int | None = None, *, unread: str
) -> tuple[str | None, list[Problem]]:
    """The file's text (NFC, '\\n' line ends), or None and why it cannot be read
    (`unread`: what that costs).

    Never blocks: a FIFO or device is refused after opening without waiting, in case one
    replaced the file since it was checked.
    """
    src = str(path)

    def problem(line: int, what: str) -> tuple[None, list[Problem]]:
        return None, [Problem(src, line, f"{what} — {unread}")]

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return problem(0, "không tìm thấy tệp")
    except OSError as exc:
        return problem(0, _cannot_read(exc))
    try:
        with os.fdopen(fd, "rb") as file:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return problem(1, "không phải tệp bình thường: hãy lưu lại thành tệp văn bản")
            data = file.read() if max_bytes is None else file.read(max_bytes + 1)
    except OSError as exc:
        return problem(0, _cannot_read(exc))
    if max_bytes is not None and len(data) > max_bytes:
        return None, [_too_large(src, len(data), max_bytes)]
    for magic, kind, how in _NOT_TEXT:  # "x.docx" renamed "x.md": still a Word file
        if data.startswith(magic):
            return problem(1, f"tệp này là {kind} chỉ được đổi tên, không phải văn bản: {how}")
    try:
        text = data.decode("utf-8-sig")  # Notepad's byte-order mark is harmless
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        if exc.reason == "unexpected end of data":  # the last letter cut in two
            what = (
                "tệp dừng ở giữa một chữ: có thể tệp đang được lưu hay tải lên chưa xong; "
                "nếu vẫn thấy báo lỗi này, hãy mở tệp, xem lại đoạn cuối rồi lưu lại"
            )
            return problem(line, what)
        what = (
            "tệp không được lưu theo bảng mã UTF-8: hãy lưu lại với bảng mã UTF-8 "
            "(trong Notepad: Lưu thành, mục Encoding chọn UTF-8)"
        )
        return problem(line, what)
    # Staff paste decomposed accents (e.g. from PDFs); NFC makes equal words compare equal.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text), []


# How files that are not text begin: renamed to .md or faq.yaml, they are still these.
_SAVE_AS = (
    "hãy mở nó, chọn Lưu thành (Save As) kiểu Plain Text (.txt) với bảng mã UTF-8, rồi đặt "
    "lại tên này"
)
_RETYPE = "hãy chép chữ của nó vào một tệp văn bản (soạn bằng Notepad) rồi lưu với tên này"
_NOT_TEXT = (
    (b"PK\x03\x04", "một tệp Word (.docx) hay LibreOffice (.odt)", _SAVE_AS),
    (b"\xd0\xcf\x11\xe0", "một tệp Word (.doc)", _SAVE_AS),
    (b"{\\rtf", "một tệp Word hay WordPad (.rtf)", _SAVE_AS),
    (b"%PDF", "một tệp PDF", _RETYPE),
    (b"\x89PNG", "một ảnh", _RETYPE),
    (b"\xff\xd8\xff", "một ảnh", _RETYPE),
)


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


def _compose(
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
    except yaml.YAMLError as exc:  # a ReaderError: a control character YAML refuses
        position = getattr(exc, "position", 0)
        line = text[:position].count("\n") + 1
        what = (
            "dòng này có một ký tự điều khiển vô hình (thường do dán từ nơi khác): "
            "hãy xóa dòng và gõ lại"
        )
        problems.append(Problem(src, line, f"{what} — {unread}"))
        return None
    lines = text.split("\n")
    if isinstance(root, ScalarNode) and not root.style:
        # "title:Họp" then "date:2026-11-25": every key glued to its text, one text in all.
        glued = glued_key(lines[root.start_mark.line])
        if glued is not None:
            problems.append(Problem(src, _line(root), f"{glued} — {unread}"))
            return None
    if root is not None:
        problems.extend(_duplicate_keys(root, src, duplicates))
        _mark_comment_cuts(root, lines)
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
                if cut and node.tag == _NULL:  # nothing before the '#': all of it was cut
                    setattr(node, "comment", lines[end.line][end.column :].strip())  # noqa: B010
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, MappingNode):
            stack.extend(value for _, value in node.value)


# What two entries (or topics) run together cost: both are one block with repeated keys.
_RUN_TOGETHER = {"faq": "cả hai mục này bị bỏ qua", "topics": "cả hai chủ đề này bị bỏ qua"}


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
                name = _key_name(key)
                if name == "id" and name in first and depth == 2 and section in _RUN_TOGETHER:
                    # "- id: a ... id: b ...": the second entry lost its '- '.
                    typed = value.value if isinstance(value, ScalarNode) else "..."
                    message = (
                        f"dòng id: thứ hai trong cùng một mục (mục bắt đầu ở dòng {first[name]}): "
                        f"nếu đây là một mục mới, hãy thêm '- ' trước id:, viết `- id: {typed}` "
                        f"thẳng hàng với dấu '-' ở trên — {_RUN_TOGETHER[section]}"
                    )
                    problems.append(Problem(src, _line(key), message))
                    merged = True
                elif name in first and not merged:
                    cost = costs.get((depth, section))
                    message = (
                        f"dòng {name}: lặp lại (đã có ở dòng {first[name]}): hãy xóa một trong "
                        "hai dòng" + (f" — {cost}" if cost else "")
                    )
                    problems.append(Problem(src, _line(key), message))
                elif name not in first:
                    first[name] = _line(key)
                inside = name if depth == 0 else section
                stack.extend(((key, depth + 1, inside), (value, depth + 1, inside)))
        elif isinstance(node, SequenceNode):
            stack.extend((child, depth + 1, section) for child in node.value)
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
    close = _close(name, allowed)
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


def _close(name: str, allowed: Sequence[str]) -> str | None:
    english = _KEYS_IN_VIETNAMESE.get(fold(name))
    if english in allowed:
        return english
    close = difflib.get_close_matches(ODD_SPACE.sub("", name).strip().lower(), allowed, n=1)
    return close[0] if close else None


# ----------------------------------------------------- records and their values


def _items(
    node: Node | None, section: str, kind: _Kind, src: str, problems: list[Problem]
) -> list[Node]:
    """The items of a top-level list section (an empty section has none)."""
    if node is None or _is_null(node):
        return []
    if not isinstance(node, SequenceNode):
        message = (
            f"phần {section}: phải là một danh sách, mỗi {kind.noun} bắt đầu bằng một dòng "
            "'- id:' — cả phần này bị bỏ qua"
        )
        problems.append(Problem(src, _line(node), message))
        return []
    return list(node.value)


def _label(kind: _Kind, node: Node) -> str:
    """`mục 'bhyt-gia-han': `, `mục: ` while it has no readable id, nothing for a notice."""
    if not kind.noun:
        return ""
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if _key_name(key) == "id" and not _is_null(value) and isinstance(value, ScalarNode):
                return f"{kind.noun} '{value.value.strip()}': "
    return f"{kind.noun}: "


def _record(
    node: Node,
    kind: _Kind,
    fields: Mapping[str, _Parser],
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
    take its answer away; so is a bad value of a field in `lenient`. A value that is only
    partly wrong (_Partly: an unknown topic among known ones) is reported and the rest of
    it kept, in any record. Those problems (of what is left out while the record loads) go
    to `notes` when given, the record's others to `problems`.

    A misspelt required key ('anwser') is one problem, at its line: the key is unknown
    and the entry skipped for want of what it meant.
    """
    label = _label(kind, node)
    if not isinstance(node, MappingNode):
        glued = glued_key(node.value) if isinstance(node, ScalarNode) and not node.style else None
        what = glued or f"phải gồm các dòng dạng `tên: nội dung`, ví dụ `{kind.example}`"
        problems.append(Problem(src, _line(node), f"{label}{what} — {kind.skipped}"))
        return None
    values: dict[str, Any] = {}
    seen: set[str] = set()
    misspelt: dict[str, tuple[int, str]] = {}  # a required key -> its typo's problem's place
    ok = True
    for key, value in node.value:
        name = _key_name(key)
        if name not in fields:
            lost = f"dòng này bị bỏ qua, {kind.kept}" if partial else kind.skipped
            message = f"{label}{_unknown('tên dòng', name, [*fields])} — {lost}"
            meant = _close(name, [*fields])
            if meant is not None and meant in required and meant not in misspelt:
                misspelt[meant] = (len(problems), name)
            problems.append(Problem(src, _line(key), message))
            ok = ok and partial
            continue
        if name in seen:
            ok = False  # a duplicate key, already reported
            continue
        seen.add(name)
        try:
            parsed = fields[name](value)
        except _Partly as exc:
            message = f"{label}dòng {name}: {exc} — {exc.lost}, {kind.kept}"
            (problems if notes is None else notes).append(Problem(src, exc.line, message))
            parsed = exc.kept
        except _Invalid as exc:
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
            message = f"{label}dòng {name}: còn trống, chưa có {_WHAT[name]} — {kind.skipped}"
            if getattr(value, "cut_by_comment", False):  # "answer: #1 một cửa"
                typed = getattr(value, "comment", "").replace('"', "'")
                message = (
                    f"{label}dòng {name}: chữ bắt đầu bằng '#' bị hiểu là ghi chú nên dòng "
                    f'như còn trống: hãy đặt trong ngoặc kép, viết `{name}: "{typed}"` — '
                    + kind.skipped
                )
            problems.append(Problem(src, _line(value), message))
            ok = False
    for name in required:
        if name in seen:
            continue
        ok = False
        if name in misspelt:
            index, typo = misspelt[name]
            problems[index] = Problem(
                problems[index].file,
                problems[index].line,
                f"{label}{_misspelt(typo, name)} — {kind.skipped} vì thiếu {_WHAT[name]}",
            )
            continue
        message = f"{label}thiếu dòng {name}: ({_WHAT[name]}) — {kind.skipped}"
        problems.append(Problem(src, _line(node), message))
    return values if ok else None


def _word(node: Node) -> str | None:
    """Any scalar, as typed and stripped; None if empty."""
    if not isinstance(node, ScalarNode):
        raise _Invalid(node, "phải là chữ, không phải một danh sách hay một khối")
    text = "" if node.tag == _NULL else str(node.value).strip()
    return text or None


def _text(node: Node) -> str | None:
    """Free text: a bare number, true/false or date here is more likely a slip than meant.
    Text cut short by a ' #' (read as a comment) is kept as YAML read it, and reported."""
    if isinstance(node, ScalarNode) and node.tag not in (_STR, _NULL):
        value = node.value
        raise _Invalid(
            node, f'phải là chữ; nếu đúng ý là {value}, hãy đặt trong ngoặc kép: "{value}"'
        )
    text = _word(node)
    if text is not None and getattr(node, "cut_by_comment", False):
        words = text.split()
        end = ("…" if len(words) > 4 else "") + " ".join(words[-4:])
        message = (
            f"dừng ở '{end}': phần sau dấu ' #' trên dòng đó bị hiểu là ghi chú; nếu nó là "
            'một phần nội dung, hãy đặt cả đoạn trong ngoặc kép "…"'
        )
        raise _Partly(node, message, text, "phần sau dấu # bị mất")
    return text


def _question(node: Node) -> str | None:
    if isinstance(node, SequenceNode):  # several phrasings listed under question:
        raise _Invalid(
            node, "chỉ ghi một câu hỏi; các cách hỏi khác viết ở dòng variants: bên dưới"
        )
    return _text(node)


def _answer(node: Node) -> str | None:
    if isinstance(node, SequenceNode):  # steps listed under answer: with '- '
        raise _Invalid(
            node,
            "câu trả lời viết thành danh sách '- ' phải nằm trong một khối: viết `answer: |` "
            "rồi các dòng '- ...' bên dưới, thụt lề sâu hơn dòng answer:",
        )
    # Trailing spaces are invisible to staff but would show in chat layouts.
    text = _text(node)
    return None if text is None else "\n".join(line.rstrip() for line in text.split("\n"))


def _id(node: Node) -> str | None:
    text = _word(node)
    if text is not None and not _ID.fullmatch(text):
        example = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or "ho-tich"
        raise _Invalid(
            node,
            f"mã chỉ dùng chữ thường không dấu, số và dấu '-', ví dụ {example} "
            f"(không viết '{text}')",
        )
    return text


def _url(node: Node) -> str | None:
    text = _word(node)
    if text is None:
        return None
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in text):
        raise _Invalid(
            node, f"phải là địa chỉ web bắt đầu bằng http:// hoặc https://, không phải '{text}'"
        )
    return text


_BOOL = "tag:yaml.org,2002:bool"
_YES, _NO = frozenset({"true", "yes", "on", "co"}), frozenset({"false", "no", "off", "khong"})


def _flag(node: Node) -> bool | None:
    """true or false (yes/no, có/không as staff may write them); None if empty."""
    text = _word(node)
    if text is None:
        return None
    word = fold(text).lower()
    if node.tag == _BOOL or word in _YES | _NO:
        return word in _YES
    raise _Invalid(
        node, f"chỉ ghi true (khẩn: báo ngay cả ban đêm) hoặc false, không phải '{text}'"
    )


def _date(node: Node) -> dt.date | None:
    text = _word(node)
    if text is None:
        return None
    if not _DATE.fullmatch(text):
        meant = _meant_date(text)
        example = meant.isoformat() if meant else "2026-11-25"
        raise _Invalid(node, f"ngày phải viết dạng {example} (năm-tháng-ngày), không phải {text}")
    date = _parse_date(text)
    if date is None:
        raise _Invalid(node, f"ngày {text} không có thật")
    return date


# Dates as staff write them: 25/11/2026, "ngày 25 tháng 11 năm 2026", 2026-11-25 08:00.
_DAY_FIRST = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})")
_IN_WORDS = re.compile(r"(?:ngày\s+)?(\d{1,2})\s+tháng\s+(\d{1,2})\s*(?:năm|,|/)?\s*(\d{4})")
_YEAR_FIRST = re.compile(r"(\d{4})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})")


def _meant_date(text: str) -> dt.date | None:
    """The date a value that is not written yyyy-mm-dd stands for, when it is plain."""
    lowered = text.lower()
    for pattern, order in (
        (_DAY_FIRST, (3, 2, 1)),
        (_IN_WORDS, (3, 2, 1)),
        (_YEAR_FIRST, (1, 2, 3)),
    ):
        typed = pattern.search(lowered)
        if typed is not None:
            with contextlib.suppress(ValueError):
                return dt.date(*(int(typed[i]) for i in order))
    return None


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
        plain = isinstance(node, ScalarNode) and not node.style
        mark = wrong_bullet(node.value) if plain else None
        if mark is not None:  # "• a" on one line, "• b" on the next: one text to YAML
            rest = node.value.lstrip()[len(mark) :].strip()
            first = re.split(r"\s+[•·●▪◦‣∙–—]\s*|\s+-", rest)[0]
            raise _Invalid(node, f"{bullet_hint(mark)}, viết `- {first}`")
        if isinstance(node, SequenceNode):
            children = list(node.value)
        elif single and isinstance(node, ScalarNode):
            children = [node]
        else:
            raise _Invalid(
                node, "phải là một danh sách trong ngoặc vuông, ví dụ [thứ nhất, thứ hai]"
            )
        parsed = []
        for child in children:
            _colon_in_item(child)
            value = item(child)
            if value is None:
                raise _Invalid(child, "có một mục để trống trong danh sách")
            parsed.append(value)
        return tuple(parsed)

    return parse


def _colon_in_item(node: Node) -> None:
    """Raise for a list item of text with ': ' in it ("- giờ làm việc: mấy giờ"), which
    YAML reads as a key and its text."""
    if not isinstance(node, MappingNode) or len(node.value) != 1:
        return
    key, value = node.value[0]
    if isinstance(key, ScalarNode) and isinstance(value, ScalarNode):
        typed = f"{key.value}: {value.value}".replace('"', "'")
        raise _Invalid(
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


def _topic_ids(topics: Sequence[Topic] | None) -> _Parser:
    """A list of topic ids (or one id), each declared in faq.yaml's topics. A topic
    written as its name ("Bảo hiểm y tế") or its id otherwise typed ("BHYT") is taken
    for that topic, and reported: staff write what residents see. `topics` None: the
    topics are not known; the ids are read, none is checked and none kept."""
    words = _list_of(_word, single=True)
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
        meant = [topic if topic in known else named.get(topic_key(topic)) for topic in parsed]
        kept = tuple(dict.fromkeys(t for t in meant if t))  # repeats are harmless
        for topic, same, child in zip(parsed, meant, children, strict=True):
            if same is None:  # one topic's typo must not hide what is tagged with it
                message = f"chủ đề '{topic}' không có trong phần topics: của faq.yaml"
                close = _close(topic, sorted(known))
                if close:
                    message += f", có phải '{close}'?"
                raise _Partly(child, message, kept or None, "chủ đề này bị bỏ qua")
            if same != topic:
                line = ", ".join(kept)
                message = f"hãy viết mã chủ đề: '{same}' thay cho '{topic}' (topics: [{line}])"
                raise _Partly(child, message, kept, f"bot tạm hiểu là '{same}'")
        return kept

    return parse
