"""Read the ward's notices: content/YYYY-MM-DD-slug.md files, front matter then Markdown
(see `yaml_records` for how mistakes are reported), and tag them with faq.yaml's topics.

Decisions where the format leaves room:
- The date in a file name need not equal the front matter's `date`.
- A missing content/ folder is a problem too: a mistyped `--content` must not
  quietly mean "no announcements".
- An unknown topic is reported and left out, and the notice is still published.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import re
import stat
from collections.abc import Mapping, Sequence
from pathlib import Path

from wardbot.models import Announcement, Problem, Topic
from wardbot.notice_files import (
    NOTICE_KEPT,
    NOTICE_SKIPPED,
    is_notice_file,
    name_problem,
    unread_problem,
    unusable_file,
)
from wardbot.staff_read import (
    Stamp,
    cannot_read,
    file_stamp,
    read_text,
    staff_text,
    without_hidden_breaks,
)
from wardbot.topic_tags import notice_topics
from wardbot.yaml_hints import ODD_SPACE, ODD_SPACE_HINT
from wardbot.yaml_records import (
    Kind,
    Parser,
    blank_comments,
    check_record,
    compose,
    key_line,
    not_kept,
)
from wardbot.yaml_values import (
    UnreadTopic,
    date_field,
    flag_field,
    text_field,
    topics_field,
    url_field,
)

# A notice is read whole into memory and indexed: a pasted 50 MB file must not be.
MAX_NOTICE_BYTES = 200 * 1024
# What a notice's front matter is, for the messages about it.
_NOTICE = Kind("", NOTICE_SKIPPED, "thông báo vẫn được đăng", "date: 2026-11-25")


def load_announcement(
    path: Path,
    topics: Sequence[Topic] | None,
    *,
    folder: Path | None = None,
    max_bytes: int = MAX_NOTICE_BYTES,
    unread_topics: Mapping[str, UnreadTopic] | None = None,
) -> tuple[Announcement | None, list[Problem]]:
    """Read one content/YYYY-MM-DD-slug.md file; None if anything is wrong with it,
    except an unknown topic: that is reported and left out, and the notice loads (tagged
    from the keywords when none of its topics is known).

    `topics` None: faq.yaml's topics are not known (it cannot be read and there is no
    good copy of it): a notice's topics cannot be checked, so none is reported as unknown
    and none is kept. With `folder` (the content folder), a link is only followed to a
    file inside it. `unread_topics`: see `load_content`.
    """
    src = str(path)
    # A path that is not there (mistyped to `bot.py announce`) is said so, not to be renamed.
    named = name_problem(path) if os.path.lexists(path) else None
    unusable = named or unusable_file(path, folder, max_bytes)
    if unusable is not None:
        return None, [unusable]
    text, problems = read_text(path, max_bytes, unread=NOTICE_SKIPPED, comments=_front_comments)
    if text is None:
        return None, problems
    warned, problems = problems, []  # of a comment typed in an old code: the notice loads

    def refused(line: int, message: str) -> tuple[None, list[Problem]]:
        return None, sorted([*warned, Problem(src, line, message)], key=lambda p: p.line)

    lines = text.split("\n")
    start, end = _front_bounds(lines)
    if not text.strip():  # often a save caught before its text was written
        return None, [Problem(src, 1, f"tệp trống, chưa có nội dung — {NOTICE_SKIPPED}")]
    if lines[start].rstrip() != "---" and _FENCE_LIKE.fullmatch(lines[start]):
        return refused(start + 1, _not_a_fence(lines[start]))
    if lines[start].rstrip() != "---" and (unfenced := _first_fence_missing(lines, start)):
        return refused(start + 1, unfenced)
    if lines[start].rstrip() != "---":
        needed = _front_for(lines[start], path.name[:10])  # the date name_problem checked
        message = (
            "thiếu phần đầu: tệp phải bắt đầu bằng một dòng ---, rồi các dòng title: và "
            f"date:, rồi một dòng --- nữa — {NOTICE_SKIPPED}; {needed}"
        )
        return None, [Problem(src, start + 1, message)]
    if end is None:
        fence = next(
            (i for i in range(start + 1, len(lines)) if _FENCE_LIKE.fullmatch(lines[i])), None
        )
        if fence is not None:
            return refused(fence + 1, _not_a_fence(lines[fence]))
        message = (
            "phần đầu (title:, date:) chưa được đóng bằng một dòng --- ở dưới — " + NOTICE_SKIPPED
        )
        return refused(start + 1, message)
    early = end
    end = _stray_fence(lines, start, early) or early
    if end != early:  # read as one front matter, the stray '---' blanked, its lines told once
        problems.append(Problem(src, early + 1, _ended_early(lines[early + 1 : end])))
        lines[early] = ""
    # Blank lines in place of everything before the YAML keep its line numbers the file's own.
    front = "\n" * (start + 1) + "\n".join(lines[start + 1 : end])
    before = len(problems)
    root = compose(front, src, problems, NOTICE_SKIPPED, {(0, ""): NOTICE_SKIPPED})
    if root is None and len(problems) == before:
        message = (
            f"phần đầu giữa hai dòng --- còn trống: hãy thêm title: và date: — {NOTICE_SKIPPED}"
        )
        problems.append(Problem(src, start + 1, message))
    body = "\n".join(lines[end + 1 :]).strip()
    if not body:
        message = f"thông báo chưa có nội dung dưới dòng --- — {NOTICE_SKIPPED}"
        problems.append(Problem(src, end + 1, message))

    # A date typed without its year most likely has the file name's (name_problem checked it).
    dated = functools.partial(date_field, year=int(path.name[:4]))
    fields: dict[str, Parser] = {
        "title": text_field,
        "date": dated,
        "topics": topics_field(topics, unread_topics),
        "source": url_field,
        "expires": dated,
        "urgent": flag_field,
    }
    notes: list[Problem] = warned  # reported, but the notice loads (an unknown topic)
    if root is None:
        return None, sorted(problems + notes, key=lambda p: p.line)
    # A topic or a link typed wrong leaves only it out: the notice is still published (a
    # bad expiry date is not: the notice would stay current forever).
    values = check_record(
        root, _NOTICE, fields, ("title", "date"), src, problems, lenient=_LENIENT, notes=notes
    )
    if values is not None and values.get("expires", values["date"]) < values["date"]:
        message = (
            f"ngày hết hạn (expires: {values['expires']}) trước ngày đăng "
            f"(date: {values['date']}) — {NOTICE_SKIPPED}"
        )
        problems.append(Problem(src, key_line(root, "expires"), message))
    if values is None or problems:
        return None, sorted(problems + not_kept(notes, _NOTICE), key=lambda p: p.line)

    tagged = values.get("topics")
    if tagged is None:  # none given, or none of those given is known
        tagged = notice_topics(values["title"], body, topics or ())
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
# leading space, an invisible character pasted with it.
_AROUND = rf"(?:\s|{ODD_SPACE.pattern})*"


def _front_bounds(lines: Sequence[str]) -> tuple[int, int | None]:
    """The lines a notice's front matter starts (its first line not blank: the first
    `---` when the notice has one) and ends at (the next `---`; None without one)."""
    start = next((i for i, line in enumerate(lines) if line.strip()), 0)
    if lines[start].rstrip() != "---":
        return start, None
    return start, next(
        (i for i in range(start + 1, len(lines)) if lines[i].rstrip() == "---"), None
    )


def _stray_fence(lines: Sequence[str], start: int, end: int) -> int | None:
    """The `---` a front matter from line `start` that ended early at line `end` was meant
    to end at: a stray `---` pasted among its lines (between `title:` and `date:`), the lines
    after it front matter lines (the first a notice's key) up to another `---`. None when the
    lines after `end` are the notice's text: among them a key the front matter gave already
    ("Date: 30/11" opening the text above a rule: a front matter gives a key once)."""
    given = {m[1].lower() for line in lines[start + 1 : end] if (m := _FRONT_KEY.match(line))}
    keys = 0
    for i in range(end + 1, len(lines)):
        line = lines[i]
        if line.rstrip() == "---":
            return i if keys else None
        if not line.strip():
            continue
        if (key := _FRONT_KEY.match(line)) and key[1].lower() in given:
            return None
        if key:
            keys += 1
        elif not keys or not (_ANY_KEY.match(line) or line[:1] in " \t-#"):
            return None
    return None


def _ended_early(after: Sequence[str]) -> str:
    """What to say of a stray `---` (`_stray_fence`), the front matter lines `after` it."""
    first = next(line.strip() for line in after if line.strip())
    return (
        f"phần đầu kết thúc sớm ở dòng --- này, nên các dòng sau nó (`{first}`…) bị đọc là nội "
        f"dung thông báo — {NOTICE_SKIPPED}; hãy xóa dòng --- này: phần đầu chỉ có hai dòng "
        "---, một ở trên cùng và một ở sau dòng cuối của phần đầu"
    )


def _front_comments(text: str) -> str:
    """A notice with the comments of its front matter blanked out (residents never see
    them); its text, Markdown, has none."""
    lines = text.split("\n")
    start, end = _front_bounds(lines)
    if end is not None:  # a stray '---' among its lines: up to the '---' meant
        end = _stray_fence(lines, start, end) or end
    if end is None and _FENCE_LIKE.fullmatch(lines[start]):  # a '---' Word made '—' (told)
        fences = (i for i in range(start + 1, len(lines)) if _FENCE_LIKE.fullmatch(lines[i]))
        end = next(fences, None)
    if end is None:
        return text
    front = blank_comments("\n".join(lines[start + 1 : end]))
    return "\n".join([*lines[: start + 1], front, *lines[end:]])


_FENCE_LIKE = re.compile(rf"{_AROUND}[-–—―−]+{_AROUND}")


def _not_a_fence(line: str) -> str:
    if ODD_SPACE.search(line) and ODD_SPACE.sub("", line).strip() == "---":
        return f"dòng này {ODD_SPACE_HINT} — {NOTICE_SKIPPED}"
    return (
        f"dòng này phải là đúng ba dấu gạch ngang --- sát lề trái, không phải `{line.rstrip()}` "
        f"(Word hay tự đổi --- thành —) — {NOTICE_SKIPPED}"
    )


_LENIENT = ("topics", "source", "urgent")


# The keys a notice's front matter begins with; any key ("người ký:" aside) that goes on it.
_FRONT_KEY = re.compile(r"(title|date|topics|source|expires|urgent)\s*:(\s|$)", re.I)
_ANY_KEY = re.compile(r"[A-Za-z][A-Za-z_-]*\s*:(\s|$)")
# Such a key that lost its colon ("title Họp tổ: khu phố 3"; told once the --- are there).
_COLON_LOST = re.compile(r"(title|date|topics|source|expires|urgent)\s+\S", re.I)


def _first_fence_missing(lines: Sequence[str], start: int) -> str | None:
    """What to say of a front matter typed without its first `---` (deleted by mistake, or
    never typed), its `title:` and `date:` lines at the top: where the `---` lines go (not a
    second front matter, holding these lines as the title). None for a notice that begins
    otherwise."""
    below = lines[start + 1] if start + 1 < len(lines) else ""
    if not (
        _FRONT_KEY.match(lines[start])
        or (_COLON_LOST.match(lines[start]) and _FRONT_KEY.match(below))
    ):
        return None
    last = start
    where = None
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if line.rstrip() == "---":
            where = f"trên dòng {start + 1}"
            break
        if not line.strip() or not (_ANY_KEY.match(line) or line[:1] in " \t-#"):
            break
        last = i
    where = where or f"trên dòng {start + 1} và một dòng --- dưới dòng {last + 1}"
    return (
        "thiếu dòng --- ở đầu tệp: phần đầu (title:, date:) phải nằm giữa hai dòng --- — "
        f"{NOTICE_SKIPPED}; hãy thêm một dòng --- {where}"
    )


def _front_for(first: str, date: str) -> str:
    """The front matter a notice without one needs, from its first line and its file name."""
    title = first.strip().lstrip("#").strip()
    if len(title) > 80:
        title = title[:80].rsplit(" ", 1)[0] + " …"
    if ":" in title or title[:1] in "-*&!%@`|>?[]{}\"'":
        title = '"' + title.replace('"', "'") + '"'
    return f"với tệp này, thêm bốn dòng ở đầu: `---`, `title: {title}`, `date: {date}`, `---`"


def as_last_read(
    path: Path, problems: list[Problem], before: Announcement | None
) -> tuple[Announcement | None, list[Problem]]:
    """A notice served before that no longer reads (an edit with a mistake, a save caught
    half-way) keeps serving as it last read while its file is there: residents keep their
    answer, its followers their alert. Its problems say so. None for any other notice."""
    if before is None or not os.path.isfile(path):
        return None, problems
    kept = [
        Problem(p.file, p.line, p.message.replace(NOTICE_SKIPPED, NOTICE_KEPT, 1)) for p in problems
    ]
    return before, kept


def named_date(notice: Announcement) -> dt.date | None:
    """The date a notice's file is named by (YYYY-MM-DD-slug.md); None for an id not so
    named (a notice not read from content/)."""
    try:
        return dt.date.fromisoformat(notice.id[:10])
    except ValueError:
        return None


def dated_otherwise(notice: Announcement) -> tuple[str, dt.date] | None:
    """`file:line` of a notice's date: line and the date its file is named by, when the two
    differ (not an error: the notice keeps its date:), most often a notice copied from an
    older one, its date left as it was; None when they agree."""
    named = named_date(notice)
    if named is None or notice.date == named or notice.path is None:
        return None
    with contextlib.suppress(OSError, UnicodeDecodeError):
        text = staff_text(Path(notice.path).read_bytes())
        lines = without_hidden_breaks(text).splitlines()
        line = next((n for n, text in enumerate(lines, 1) if _DATE_KEY.match(text)), 0)
        return f"{notice.path}:{line}", named
    return notice.path, named


_DATE_KEY = re.compile(r"\s*date\s*:")


# The stamp of a notice kept as it last read (`as_last_read`): its file is read again.
_STALE: Stamp = (-1, -1, -1, -1)


def load_content(
    content_dir: Path,
    topics: Sequence[Topic] | None,
    *,
    max_bytes: int = MAX_NOTICE_BYTES,
    parsed: dict[str, tuple[Stamp, Announcement]] | None = None,
    served: Mapping[str, Announcement] | None = None,
    unread_topics: Mapping[str, UnreadTopic] | None = None,
) -> tuple[list[Announcement], list[Problem]]:
    """Read every announcement in content_dir, newest first (then by id).

    `topics` None: faq.yaml's topics are not known (see `load_announcement`).
    `unread_topics`: faq.yaml's topics its own mistake skips (`FaqFile.unread_topics`).

    `parsed` holds notices read before, by path, with their file's stamp: a regular file
    whose stamp is unchanged is taken from it instead of being read again. It must come
    from a load with the same topics and `max_bytes`; it is brought up to date in place.
    A notice in it, or in `served` (by path: what the bot serves now), that no longer
    reads keeps serving as it last read (`as_last_read`).
    """
    try:
        paths = sorted(content_dir.iterdir())
    except FileNotFoundError:
        message = "không tìm thấy thư mục thông báo — bot chưa có thông báo nào"
        return [], [Problem(str(content_dir), 1, message)]
    except OSError as exc:
        message = f"{cannot_read(exc, folder=True)} — bot chưa có thông báo nào"
        return [], [Problem(str(content_dir), 1, message)]
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
        notice, found = load_announcement(
            path, topics, folder=content_dir, max_bytes=max_bytes, unread_topics=unread_topics
        )
        if notice is None and parsed is not None:
            earlier = (served or {}).get(str(path)) or parsed.get(str(path), (_STALE, None))[1]
            notice, found = as_last_read(path, found, earlier)
            if notice is not None:
                kept[str(path)] = (_STALE, notice)
                stamped = None
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
