"""Which files in content/ are notices: how a notice file is named, what is said of one
misnamed, saved in another format or moved into a sub-folder, and which can be read.

Only regular files are read, and only after `stat` says so: a FIFO named like a notice
would block the reader forever, a link loop would fail every reload. Folders, pipes,
devices, link loops, broken links, links out of content/ and notices larger than the
size cap are reported and skipped. A link to a file inside content/ is read.
"""

from __future__ import annotations

import errno
import glob
import os
import re
import stat
import unicodedata
from pathlib import Path

from wardbot.models import Problem
from wardbot.staff_read import cannot_read, staff_text, too_large
from wardbot.text import fold
from wardbot.yaml_values import no_such_day, parse_date, typed_day

# A notice's file name: the date, then a short name (2026-11-25-hop-to-dan.md).
_FILE_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})-[a-z0-9-]+\.md")
# What a problem with a notice costs, said after " — ".
NOTICE_SKIPPED = "thông báo này chưa được đăng"
# What it costs a notice served before the edit that brought it (see notices.as_last_read).
NOTICE_KEPT = "bot vẫn dùng bản đã đăng trước đó của thông báo này cho tới khi sửa xong"


def is_notice_file(name: str) -> bool:
    """Whether a file in content/ is meant as a notice (and read, or reported): named
    *.md in any case, and not an editor's swap, backup or lock file ('.x.md.swp',
    '~$x.md', '#x.md#'). The full load and the running bot's watcher both ask this."""
    return not name.startswith((".", "~", "#")) and name.lower().endswith(".md")


def name_problem(path: Path) -> Problem | None:
    """What is wrong with a notice file's name (not YYYY-MM-DD-slug.md, a copy's name, a
    date that does not exist), with the right name when it is plain; None if nothing."""
    src = str(path)
    name = _FILE_NAME.fullmatch(path.name)
    if name is None:
        return Problem(src, 1, _conflict_of(path) or _copy_of(path) or _bad_file_name(path))
    if parse_date(name.group(1)) is None:
        wrong = no_such_day(*map(int, name.group(1).split("-")))
        message = f"ngày {name.group(1)} trong tên tệp không có thật: {wrong} — {NOTICE_SKIPPED}"
        return Problem(src, 1, message)
    return None


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
        return f"tên tệp là tên của một bản sao — {NOTICE_SKIPPED}; đổi tên thành {original}"
    return (
        f"tệp này có vẻ là bản sao của {original} (chép tệp hay tải về hai lần) — "
        f"{NOTICE_SKIPPED}; nếu không cần thì xóa tệp này, nếu là một thông báo khác thì "
        f"đổi tên, ví dụ {typed['stem']}-2.md"
    )


# How sync tools keep the second of two saves made at once: Dropbox and Nextcloud
# ("x (Lan's conflicted copy 2026-11-30).md"), Syncthing ("x.sync-conflict-20261130-101500-
# ABCDEFG.md").
_CONFLICT = re.compile(
    r"(?P<stem>.+?)(?: \([^()]*conflicted copy[^()]*\)|\.sync-conflict-\d{8}-\d{6}-[a-z0-9]+)"
    r"(?P<extension>\.[^.]+)?",
    re.IGNORECASE,
)


def conflict_original(name: str) -> str | None:
    """The name of the file that `name` is a sync tool's conflict copy of (two people saved
    it at once, the tool kept both); None when it is no such copy."""
    typed = _CONFLICT.fullmatch(unicodedata.normalize("NFC", name))
    return None if typed is None else typed["stem"] + (typed["extension"] or "")


def _conflict_of(path: Path) -> str | None:
    """What to say of a sync tool's conflict copy of a notice: renamed as `_bad_file_name`
    would have it, the other officer's version would be published and alerted as a second
    notice."""
    original = conflict_original(path.name)
    if original is None or not _FILE_NAME.fullmatch(original):
        return None
    if not (path.parent / original).exists():
        return (
            "tên tệp là tên của một bản xung đột (công cụ đồng bộ đặt khi hai người cùng lưu "
            f"một tệp) — {NOTICE_SKIPPED}; nếu đây là bản cần giữ thì đổi tên thành {original}"
        )
    return (
        f"tệp này là bản xung đột của {original}: hai người cùng sửa thông báo đó và công cụ "
        f"đồng bộ giữ cả hai bản — {NOTICE_SKIPPED}; hãy so với {original}, chép vào đó những "
        "gì cần giữ rồi xóa tệp này (đổi tên thành một thông báo riêng thì tin sẽ được gửi "
        "hai lần)"
    )


def _bad_file_name(path: Path) -> str:
    """What is wrong with a notice's file name, with the right name when it is plain: a
    name without its date is given the one of its date: line (`_own_name`)."""
    stem = re.sub(r"(?:\.md)+$", "", path.name, flags=re.IGNORECASE)  # x.md.md: an editor's
    fixed = _slug(stem) + ".md"
    # Dated the Vietnamese way, day first (30-11-2026-hop.md, 30.11.2026 hop.md).
    day_first = re.match(r"(\d{1,2})-(\d{1,2})-(\d{4})-", fixed)
    if day_first is not None:
        day, month, year = day_first.groups()
        fixed = f"{year}-{int(month):02}-{int(day):02}-{fixed[day_first.end() :]}"
    fixed = fixed if _FILE_NAME.fullmatch(fixed) else _own_name(path, stem)
    return (
        "tên tệp phải có dạng năm-tháng-ngày-tên-ngắn.md, chỉ dùng chữ thường không dấu, "
        f"số và dấu '-' — {NOTICE_SKIPPED}; đổi tên thành {fixed}"
    )


def _slug(text: str) -> str:
    """`text` as a file name's short name: accents folded, words joined by '-'."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


# A date however typed at the start of a file name ("2024-7-15-", "2024-07-15"), and a
# notice's date: and title: lines in its front matter.
_NAMED_DATE = re.compile(r"\d{1,4}[-.]\d{1,2}[-.]\d{1,4}(?:-|$)")
_FRONT_LINE = re.compile(r"(title|date)\s*:\s*(.*?)\s*$", re.IGNORECASE)
# A title's first words make a short name: the title itself is long.
_SLUG_WORDS = 6


def _own_name(path: Path, stem: str) -> str:
    """The name to give a notice whose file name (`stem`, without .md) has no date: its
    date: line's date and its file name (else its title) as the short name; without a
    date readable, the date the name starts with (29-11-2026.md), else that name with how
    to write the date in it."""
    front = _front_lines(path)
    slug = _slug(stem)
    named = _NAMED_DATE.match(slug)
    slug = slug[named.end() :] if named else slug
    slug = slug or "-".join(_slug(front.get("title", "")).split("-")[:_SLUG_WORDS])
    slug = slug or "thong-bao"
    day = typed_day(front.get("date", ""))
    day = day or (typed_day(named[0].rstrip("-")) if named else None)
    if day is None:
        return f"NGÀY-{slug}.md, với NGÀY là ngày đăng viết dạng năm-tháng-ngày, ví dụ 2026-11-25"
    return f"{day.isoformat()}-{slug}.md"


def _front_lines(path: Path) -> dict[str, str]:
    """The title: and date: a notice's first lines give, as typed, by lower-case key; none
    when it cannot be read. Reads only a regular file, never waiting (a FIFO)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return {}
    with os.fdopen(fd, "rb") as file:
        try:
            data = file.read(8192) if stat.S_ISREG(os.fstat(fd).st_mode) else b""
        except OSError:
            return {}
    try:
        text = staff_text(data)
    except UnicodeDecodeError:  # another code, or a letter cut at the end of what was read
        text = data.decode("utf-8", errors="replace")
    found: dict[str, str] = {}
    for line in text.splitlines()[:20]:
        if (typed := _FRONT_LINE.match(line.strip())) is not None:
            found.setdefault(typed[1].lower(), typed[2].strip("\"'"))
    return found


# A notice saved in another format: Notepad's .txt (shown without it when Windows hides
# extensions, so "x.md" typed as the name becomes x.md.txt), Word's and LibreOffice's.
_TEXT_FORMATS = (".txt", ".markdown")
_WORD_FORMATS = (".doc", ".docx", ".odt", ".rtf")
# A paper notice scanned or photographed: an attachment, unless named as a notice is
# with no notice of its name beside it (then it is meant as the notice itself).
_SCANNED = {".pdf": "tệp PDF", ".jpg": "tệp ảnh", ".jpeg": "tệp ảnh", ".png": "tệp ảnh"}
_SCANNED |= {".heic": "tệp ảnh", ".webp": "tệp ảnh"}
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
    return (
        lower.endswith(_TEXT_FORMATS + _WORD_FORMATS)
        or _scan_named_as_notice(lower)
        or _bare_notice_name(lower) is not None
    )


def _bare_notice_name(name: str) -> str | None:
    """The notice name a file was meant to have when it was saved without its '.md' (an
    editor's "All files", a phone's app) or with a space or a dot after it: else None."""
    bare = name.rstrip(" .")
    meant = bare if bare != name else f"{bare}.md" if "." not in bare else ""
    return meant if _FILE_NAME.fullmatch(meant) else None


def _scan_named_as_notice(lower: str) -> bool:
    stem, dot, extension = lower.rpartition(".")
    return bool(dot) and "." + extension in _SCANNED and bool(_FILE_NAME.fullmatch(stem + ".md"))


def companions(path: Path) -> list[Path]:
    """The files beside a notice that share its name but not its format (its scan,
    x.pdf; its copy saved as x.md.txt): what is said of them depends on it being there."""
    try:
        return [
            other
            for other in path.parent.glob(glob.escape(path.name[: -len(".md")]) + ".*")
            if other != path and is_misnamed_notice(other.name)
        ]
    except OSError:
        return []


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
    if (bare := _bare_notice_name(lower)) is not None:
        target = bare
    if _scan_named_as_notice(lower):
        return _scan_problem(path, target)
    if not _FILE_NAME.fullmatch(target):  # "Thông báo họp.docx": a name as the loader wants
        plain = _slug(target[: -len(".md")]) + ".md"
        target = plain if _FILE_NAME.fullmatch(plain) else _own_name(path, target[: -len(".md")])
    extension = "." + lower.rpartition(".")[2]
    if lower.endswith(_WORD_FORMATS):
        message = (
            f"tệp {extension} (soạn bằng Word) bot không đọc được — {NOTICE_SKIPPED}; hãy "
            "mở tệp, chọn Lưu thành (Save As) kiểu Plain Text (.txt) với bảng mã UTF-8, rồi "
            f"đổi tên tệp thành {target}"
        )
    else:
        hidden = f" (Windows có thể đang ẩn đuôi {extension})" if extension == ".txt" else ""
        message = (
            f"tệp không có đuôi .md nên bot không đọc — {NOTICE_SKIPPED}; "
            f"đổi tên thành {target}{hidden}"
        )
    return Problem(str(path), 1, message)


def _scan_problem(path: Path, target: str) -> Problem | None:
    """A PDF or a photo named as a notice: the notice itself, unless its notice is there."""
    try:
        if any(other.name.lower() == target.lower() for other in path.parent.iterdir()):
            return None  # an attachment of that notice
    except OSError:  # the folder gone meanwhile: so is the scan
        return None
    kind = _SCANNED["." + path.name.lower().rpartition(".")[2]]
    message = (
        f"{kind} bot không đọc được: bot chỉ đăng thông báo viết thành chữ trong tệp .md — "
        f"{NOTICE_SKIPPED}; hãy chép chữ của thông báo vào tệp {target.lower()} (soạn bằng "
        "Notepad, lưu với bảng mã UTF-8)"
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
    return Problem(str(path), 1, message)


def unusable_file(path: Path, folder: Path | None, max_bytes: int) -> Problem | None:
    """Why `path` cannot be a notice, decided by `stat` alone: opening a FIFO would block."""
    src = str(path)

    def problem(line: int, what: str) -> Problem:
        return Problem(src, line, f"{what} — {NOTICE_SKIPPED}")

    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return problem(1, "không tìm thấy tệp")
    except OSError as exc:
        return problem(1, cannot_read(exc))
    if stat.S_ISLNK(info.st_mode):
        try:
            info = os.stat(path)
        except FileNotFoundError:
            return problem(1, "là lối tắt (link) tới một tệp không còn nữa: hãy xóa lối tắt này")
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return problem(1, "là lối tắt (link) trỏ vòng về chính nó: hãy xóa lối tắt này")
            return problem(1, cannot_read(exc))
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
        return too_large(src, info.st_size, max_bytes, unread=NOTICE_SKIPPED)
    return None
