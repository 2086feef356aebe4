"""Load everything the bot knows from the files ward staff edit, and choose which
faq.yaml it serves: the one just read, or its last good copy in the data folder.

The files themselves are read elsewhere: faq.yaml in `faq_file`, the notices in
`notices` (which files are notices: `notice_files`), with the checks both share in
`yaml_records` and `yaml_values` and the reading of a file in `staff_read`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wardbot.faq_file import FaqFile, load_faq
from wardbot.models import Announcement, Corpus, FaqEntry, Problem, Topic
from wardbot.notice_files import NOTICE_SKIPPED, conflict_original
from wardbot.notices import MAX_NOTICE_BYTES, load_content
from wardbot.process import partial_file

log = logging.getLogger(__name__)

# Kept in the data folder: the last faq.yaml that could be read, then the ones before it
# (an edit that lost entries can be undone from faq.last-good.1.yaml).
LAST_GOOD_FAQ_COPIES = ("faq.last-good.yaml", "faq.last-good.1.yaml", "faq.last-good.2.yaml")
# Beside them: which of the newest copy's topics and entries sharing an id serve, and the
# entries an edit broke served as they last read (`keep_served`).
SERVED_CHOICE = "faq.last-good.served.json"


def keep_copy(copies: Sequence[Path], data: bytes) -> None:
    """Save `data` as `copies[0]`; the copies before it move one place down, the oldest
    is dropped. Each copy is written aside then renamed over the old one: whoever reads
    one meanwhile (`bot.py check` beside the bot, a start) finds it whole, never missing,
    and a crash leaves whole files. The copies move only once `data` is on disk: a full
    disk leaves them all where they were."""
    with partial_file(copies[0]) as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
        for older, newer in zip(reversed(copies[1:]), reversed(copies[:-1]), strict=True):
            try:
                kept = newer.read_bytes()
            except FileNotFoundError:
                continue
            with partial_file(older) as moved:
                moved.write(kept)


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


def read_last_good(data_dir: Path) -> FaqFile | None:
    """The last good faq.yaml kept in the data folder, when it reads: what a bot on that
    folder serves, from its start, while faq.yaml cannot be used (`faq_usable`)."""
    return _read_copy(data_dir, 0)


def load_if_served(faq_file: Path, data_dir: Path) -> FaqFile | None:
    """`faq_file` read as a bot on `data_dir` reads it (of topics or entries sharing an id,
    the one it serves; an entry an edit broke as it last read), when that bot serves it; None
    while that bot serves its last good version instead (`faq_usable`: the file does not
    read, or lost a whole section, a mistyped `faq:` header), whose entries are not the
    file's."""
    last_good = read_last_good(data_dir)
    faq = load_faq(faq_file, serving=last_good)
    return faq if faq_usable(faq, last_good) else None


def _read_copy(data_dir: Path, index: int) -> FaqFile | None:
    """The last good copy `index` (0: the newest), when it reads. One where topics or
    entries share an id serves the one that served before it (`load_faq`'s `serving`),
    and an entry an edit broke its version served before: SERVED_CHOICE says which, else
    the copy before it, where it has that id once."""
    saved = data_dir / LAST_GOOD_FAQ_COPIES[index]
    if not saved.exists():
        return None
    copy = load_faq(saved)
    told_before = copy.ok_syntax and (copy.doubled or copy.broken or copy.broken_topics)
    if told_before and index == 0:
        chosen = _served_choice(data_dir, copy.data)
        if chosen is not None:
            return load_faq(saved, serving=chosen)
    if told_before and index + 1 < len(LAST_GOOD_FAQ_COPIES):
        before = _read_copy(data_dir, index + 1)
        if before is not None:
            copy = load_faq(saved, serving=before)
    return copy if copy.ok_syntax else None


def keep_served(data_dir: Path, faq: FaqFile, replaced: bytes | None = None) -> None:
    """Beside the newest last good copy (`faq`, as served: `faq.data` its bytes), which of
    its topics and entries sharing an id serve, and the topics and entries an edit broke
    as they are served instead (SERVED_CHOICE): the copies before it, which tell it too,
    are rotated out by the next edits, and a start must serve the same. None kept when no
    id is shared and nothing broken is served.

    `replaced`: the bytes of the newest copy `faq` is about to replace. Called so before
    it is (`save_last_good`), the choice kept for that copy stays beside the new one's, so
    that a crash before the copy is replaced still finds the old copy's."""
    path = data_dir / SERVED_CHOICE
    try:
        choice = _choice(faq)
        earlier = None if replaced is None else _choice_kept(data_dir, replaced)
        if choice is None and replaced is not None:
            return  # the old copy's choice stays until the new copy is in place
        if choice is None:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            return
        kept = {**choice, "before": earlier} if earlier is not None else choice
        data = json.dumps(kept, ensure_ascii=False, indent=1).encode("utf-8")
        with contextlib.suppress(OSError):
            if path.read_bytes() == data:
                return  # a restart: as it was
        with partial_file(path) as out:
            out.write(data)
    except OSError as exc:  # the copies before it still tell, until rotated out
        log.warning("%s cannot be written (%s)", path, exc)


def save_last_good(data_dir: Path, faq: FaqFile) -> None:
    """Save `faq` (read and found good; `faq.data` its bytes) as the newest last good copy,
    the copies before it moving one place down (`keep_copy`), with which of its topics and
    entries serve (`keep_served`). In an order that a crash at any point leaves a start
    serving what served before it or what serves now: the choice for the new copy is
    written (beside the old copy's) before the copy, and the old copy's dropped after."""
    copies = [data_dir / name for name in LAST_GOOD_FAQ_COPIES]
    try:
        replaced = copies[0].read_bytes()
    except FileNotFoundError:
        replaced = b""
    if replaced != faq.data:  # a restart or a touch keeps the older copies as they are
        keep_served(data_dir, faq, replaced=replaced)
        keep_copy(copies, faq.data)
    keep_served(data_dir, faq)


def _choice(faq: FaqFile) -> dict[str, Any] | None:
    """What `keep_served` keeps for `faq`; None when nothing is to be kept."""
    if not faq.doubled and not faq.kept and not faq.kept_topics:
        return None
    return {
        "copy": hashlib.sha256(faq.data).hexdigest(),
        "topics": {t.id: t.name for t in faq.topics if t.id in faq.doubled},
        "faq": {e.id: [e.question, e.answer] for e in faq.faq if e.id in faq.doubled},
        "kept": {
            e.id: {
                "question": e.question,
                "answer": e.answer,
                "variants": list(e.variants),
                "topics": list(e.topics),
                "links": list(e.links),
            }
            for e in faq.faq
            if e.id in faq.kept
        },
        "kept_topics": {
            t.id: {"name": t.name, "keywords": list(t.keywords)}
            for t in faq.topics
            if t.id in faq.kept_topics
        },
    }


def _choice_kept(data_dir: Path, data: bytes) -> dict[str, Any] | None:
    """The choice SERVED_CHOICE holds for the copy whose bytes are `data` (itself, or the
    one it keeps for the copy before: `keep_served`'s `replaced`), as written."""
    try:
        kept = json.loads((data_dir / SERVED_CHOICE).read_bytes())
    except (OSError, ValueError):
        return None
    digest = hashlib.sha256(data).hexdigest()
    for choice in (kept, kept.get("before") if isinstance(kept, dict) else None):
        if isinstance(choice, dict) and choice.get("copy") == digest:
            return {key: value for key, value in choice.items() if key != "before"}
    return None


def _served_choice(data_dir: Path, data: bytes) -> FaqFile | None:
    """What `keep_served` kept for the copy whose bytes are `data`; None when nothing was
    kept for it (a copy saved before: the copies before it say)."""
    kept = _choice_kept(data_dir, data)
    if kept is None:
        return None
    try:
        topics = [Topic(str(ident), str(name)) for ident, name in kept["topics"].items()]
        topics += [
            Topic(str(ident), str(topic["name"]), tuple(map(str, topic["keywords"])))
            for ident, topic in kept.get("kept_topics", {}).items()
        ]
        faq = [FaqEntry(str(ident), str(q), str(a)) for ident, (q, a) in kept["faq"].items()]
        faq += [
            FaqEntry(
                str(ident),
                str(entry["question"]),
                str(entry["answer"]),
                tuple(map(str, entry["variants"])),
                tuple(map(str, entry["topics"])),
                tuple(map(str, entry["links"])),
            )
            for ident, entry in kept.get("kept", {}).items()
        ]
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return FaqFile(topics, faq)


def faq_usable(new: FaqFile, last_good: FaqFile | None) -> bool:
    """Whether `new` is served. Not when it cannot be read, nor when it lost a whole
    section the last good version had (a mistyped 'faq:' header, a save caught half
    written): then the last good version keeps serving, if there is one."""
    if not new.ok_syntax:
        return False
    return last_good is None or not any(getattr(last_good, s) for s in new.missing_sections)


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


def faq_conflicts(faq_file: Path) -> list[Path]:
    """A sync tool's conflict copies of faq.yaml beside it (two officers saved it at once
    through a shared folder, and the tool kept both): the bot reads neither."""
    try:
        return sorted(
            path
            for path in faq_file.parent.iterdir()
            if conflict_original(path.name) == faq_file.name and path.is_file()
        )
    except OSError:  # the folder unreadable: faq.yaml's own problem says so
        return []


def conflict_problems(faq_file: Path) -> list[Problem]:
    """What staff are told of `faq_conflicts`: the edits in such a copy are not served."""
    name = faq_file.name
    return [
        Problem(
            str(copy),
            1,
            f"tệp này là bản xung đột của {name}: hai người cùng sửa {name} và công cụ đồng bộ "
            f"giữ cả hai bản — bot không đọc tệp này, những gì sửa trong đó chưa được dùng; "
            f"hãy so với {name}, chép vào đó những gì cần giữ rồi xóa tệp này",
        )
        for copy in faq_conflicts(faq_file)
    ]


def id_clash(notice: Announcement, faq_lines: Mapping[str, int], faq_file: Path) -> Problem | None:
    """The problem with a notice that has the id of an FAQ entry (`faq_lines`: id -> line),
    or None. The entry wins: the notice is not served."""
    line = faq_lines.get(notice.id)
    if line is None:
        return None
    where = f"{faq_file}:{line}" if line else str(faq_file)
    message = (
        f"mã '{notice.id}' (tên tệp) trùng với mã một câu hỏi đáp ở {where} — "
        f"{NOTICE_SKIPPED}; hãy đổi tên tệp, ví dụ {notice.id}-tb.md"
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


def same_notice(one: Announcement, other: Announcement) -> bool:
    """Whether two notices of other files are one: the same date, title and text (a
    file saved again under another name, or copied into content/ twice)."""
    return (
        one.id != other.id
        and (one.date, one.title) == (other.date, other.title)
        and one.body == other.body
    )


# A copy still word for word the same this long after it was seen is told to admins in
# chat: one copied to be edited for another neighbourhood is edited well before (and is
# never told, nor told fixed); `bot.py check` and /reload list it at once.
COPY_TOLD_AFTER_SECONDS = 10 * 60.0


def copy_problem(copy: Announcement, kept: Announcement) -> Problem:
    """What staff are told of `copy`, not published since `kept` is the same notice."""
    name = Path(kept.path).name if kept.path else f"{kept.id}.md"
    message = (
        f"tệp này giống hệt thông báo {name} (cùng tiêu đề, ngày và nội dung) — "
        f"{NOTICE_SKIPPED} lần thứ hai; nếu là tệp thừa thì xóa đi (đã lưu thông báo với tên "
        f"mới thì xóa tệp cũ, {name}), còn nếu sẽ sửa tệp này thành một thông báo khác thì "
        "bot đăng ngay khi nội dung đã khác"
    )
    return Problem(copy.path or copy.id, 1, message, told_after=COPY_TOLD_AFTER_SECONDS)


def publish_order(notice: Announcement, served: Collection[str]) -> tuple[bool, float, str]:
    """Of the files of one notice, the one published comes first: the one the bot serves
    (ids in `served`), else the file saved first, then by name."""
    try:
        saved = os.stat(notice.path).st_mtime if notice.path else 0.0
    except OSError:
        saved = 0.0
    return notice.id not in served, saved, notice.id


def without_copies(
    notices: Sequence[Announcement], served: Collection[str] = ()
) -> tuple[list[Announcement], list[Problem]]:
    """`notices` but one of each notice saved in several files (`same_notice`), the first
    in `publish_order`, and a problem for each other file: residents never see one notice
    twice in a list or an answer (two alike, the bot would pick neither)."""
    groups: dict[tuple[dt.date, str], list[Announcement]] = {}
    for notice in notices:
        groups.setdefault((notice.date, notice.title), []).append(notice)
    copies: dict[str, Problem] = {}
    for group in groups.values():
        if len(group) < 2:
            continue
        ranked = sorted(group, key=lambda n: publish_order(n, served))
        for at, notice in enumerate(ranked):
            if notice.id in copies:
                continue
            for later in ranked[at + 1 :]:
                if later.id not in copies and same_notice(later, notice):
                    copies[later.id] = copy_problem(later, notice)
    kept = [notice for notice in notices if notice.id not in copies]
    return kept, list(copies.values())


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
    topics unknown (`notices.load_announcement`)."""
    faq = load_faq(faq_file, serving=last_good) if faq is None else faq
    faq_problems = faq.problems + conflict_problems(faq_file)
    serving = served(faq, last_good)
    if serving is None:
        notices, problems = load_content(content_dir, None, max_bytes=max_bytes)
        notices, copies = without_copies(notices)
        return Corpus(announcements=notices), faq_problems + problems + copies
    unread = serving.unread_topics  # a last good copy's are none: it loaded whole
    notices, problems = load_content(
        content_dir, serving.topics, max_bytes=max_bytes, unread_topics=unread
    )
    kept, clashes = without_id_clashes(notices, serving.faq, faq_file)
    kept, copies = without_copies(kept)
    corpus = Corpus(serving.topics, serving.faq, kept, serving.synonyms)
    return corpus, faq_problems + problems + clashes + copies
