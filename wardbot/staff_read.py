"""Reading a file ward staff saved (faq.yaml, a notice): its text, or why it cannot be
read, in staff's words; and the stamp that tells whether it changed since.

Reading never blocks: a FIFO or a device put where a file was is refused, not waited on.
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from wardbot.models import Problem

Stamp = tuple[int, int, int, int]


def file_stamp(info: os.stat_result) -> Stamp:
    """What changes whenever a file is written: size, modification and change time, inode."""
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def cannot_read(exc: OSError, *, folder: bool = False) -> str:
    """Why a file or folder could not be read, in staff's words (not the system's English)."""
    what = "thư mục" if folder else "tệp"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return (
            f"bot không có quyền đọc {what} này (bot chạy dưới tên người dùng khác): hãy cho "
            f"mọi người quyền đọc {what}, ví dụ chmod a+r{'x' if folder else ''} <tên {what}>"
        )
    return f"không đọc được {what} ({exc.strerror or exc})"


def too_large(src: str, size: int, max_bytes: int, *, unread: str) -> Problem:
    """A file over the size cap: only notices have one, hence the hint of `source:`."""
    message = (
        f"tệp quá lớn ({-(-size // 1024)} KB, tối đa {max_bytes // 1024} KB) — "
        f"{unread}; hãy rút gọn và để toàn văn ở đường dẫn source:"
    )
    return Problem(src, 1, message)


def read_text(
    path: Path,
    max_bytes: int | None = None,
    *,
    unread: str,
    comments: Callable[[str], str] | None = None,
) -> tuple[str | None, list[Problem]]:
    """The file's text (NFC, '\\n' line ends), or None and why it cannot be read
    (`unread`: what that costs). UTF-8, or UTF-16 with its byte-order mark.

    `comments(text)`: the text with what residents never see blanked out; a line there
    typed in an old Vietnamese code is only warned of.

    Never blocks: a FIFO or device is refused after opening without waiting, in case one
    replaced the file since it was checked.
    """
    data, problems = read_bytes(path, max_bytes, unread=unread)
    if data is None:
        return None, problems
    return text_of(data, str(path), unread=unread, comments=comments)


def read_bytes(
    path: Path, max_bytes: int | None = None, *, unread: str
) -> tuple[bytes | None, list[Problem]]:
    """The file's bytes, read once (`text_of` gives its text), or None and why they cannot
    be read (see `read_text`)."""
    src = str(path)

    def problem(line: int, what: str) -> tuple[None, list[Problem]]:
        return None, [Problem(src, line, f"{what} — {unread}")]

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return problem(1, "không tìm thấy tệp")
    except OSError as exc:
        return problem(1, cannot_read(exc))
    try:
        with os.fdopen(fd, "rb") as file:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return problem(1, "không phải tệp bình thường: hãy lưu lại thành tệp văn bản")
            data = file.read() if max_bytes is None else file.read(max_bytes + 1)
    except OSError as exc:
        return problem(1, cannot_read(exc))
    if max_bytes is not None and len(data) > max_bytes:
        return None, [too_large(src, len(data), max_bytes, unread=unread)]
    return data, []


def text_of(
    data: bytes, src: str, *, unread: str, comments: Callable[[str], str] | None = None
) -> tuple[str | None, list[Problem]]:
    """The text of a staff file's bytes `data`, read from `src` (see `read_text`)."""

    def problem(line: int, what: str) -> tuple[None, list[Problem]]:
        return None, [Problem(src, line, f"{what} — {unread}")]

    for magic, kind, how in _NOT_TEXT:  # "x.docx" renamed "x.md": still a Word file
        if data.startswith(magic):
            return problem(1, f"tệp này là {kind} chỉ được đổi tên, không phải văn bản: {how}")
    encoding = encoding_of(data)
    try:
        text = decode(data, encoding)
    except UnicodeDecodeError as exc:
        line = _line_at(data, exc.start, encoding)
        if exc.reason in ("unexpected end of data", "truncated data"):  # a letter cut in two
            what = (
                "tệp dừng ở giữa một chữ: có thể tệp đang được lưu hay tải lên chưa xong; "
                "nếu vẫn thấy báo lỗi này, hãy mở tệp, xem lại đoạn cuối rồi lưu lại"
            )
            return problem(line, what)
        # Saved as UTF-8, as the message below says, a legacy file keeps its garbled letters.
        latin = data.decode("latin-1").replace("\r", "")
        if not encoding.startswith("utf-16") and (found := _legacy(latin)) is not None:
            what = f"tệp gõ bằng {found.code.name}, như '{found.word}': {found.code.fix}"
            return problem(found.line, what)
        return problem(line, _NOT_UTF8)
    if text.count("\0") * 4 >= len(text) > 0:  # UTF-16 without its mark: every other byte 0
        return problem(1, _NOT_UTF8)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    warned = _controls(text, src)
    text = without_hidden_breaks(text)
    if (found := _legacy(text)) is not None:
        # What residents never see (a comment in faq.yaml) is only warned of.
        unseen = found if comments is None else _legacy(comments(text))
        if unseen is not None:
            what = (
                f"dòng này có chữ gõ bằng {unseen.code.name}, như '{unseen.word}', người dân "
                f"sẽ thấy chữ lỗi: {unseen.code.fix}"
            )
            return problem(unseen.line, what)
        what = (
            f"dòng ghi chú này có chữ gõ bằng {found.code.name}, như '{found.word}': "
            f"{found.code.fix} — người dân không thấy ghi chú nên tệp vẫn được dùng"
        )
        warned.append(Problem(src, found.line, what))
    # Staff paste decomposed accents (e.g. from PDFs); NFC makes equal words compare equal.
    return unicodedata.normalize("NFC", text), warned


_NOT_UTF8 = (
    "tệp không được lưu theo bảng mã UTF-8: hãy lưu lại với bảng mã UTF-8 "
    "(trong Notepad: Lưu thành, mục Encoding chọn UTF-8)"
)
# Line and paragraph separators (pasted from web pages and PDFs) and NEL that YAML takes
# for line breaks, though Notepad shows none there: a line cut where staff see none
# (an answer's text falls to the left margin) and every line number after it off by one.
# Read as the spaces they look like.
_NOT_LINE_BREAKS = {0x85: " ", 0x2028: " ", 0x2029: " "}
# Control characters pasted from Word or Excel (Word's Shift+Enter line break is a
# vertical tab, its page break a form feed; other programs leave others), which YAML
# refuses: the whole faq.yaml would be, for a character staff cannot see. Read as a
# space, in its place (the columns of the rest of the line are kept, so the structure
# staff see is the one read); each line with one is warned of (`_controls`).
_CONTROLS = "".join(map(chr, [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]))
_CONTROLS = _CONTROLS.replace("\x85", "")  # NEL: a hidden line break, above
_AS_SPACES = {**_NOT_LINE_BREAKS, **dict.fromkeys(map(ord, _CONTROLS), " ")}
_CONTROL = re.compile(f"[{re.escape(_CONTROLS)}]")
_CONTROL_NAMES = {
    "\v": "một dấu xuống dòng của Word (Shift+Enter)",
    "\f": "một dấu ngắt trang của Word",
}


def without_hidden_breaks(text: str) -> str:
    """`text` with the line breaks Notepad does not show, and control characters, as
    spaces, character for character (a YAML node's marks in it are the original's)."""
    return text.translate(_AS_SPACES)


def _controls(text: str, src: str) -> list[Problem]:
    """A warning for each line with a control character inside its text (read as a
    space), saying which and after which word; one at a line's end changes nothing."""
    warned = []
    for number, line in enumerate(text.split("\n"), 1):
        found = _CONTROL.search(line.rstrip(f" \t{_CONTROLS}"))
        if found is None:
            continue
        char = found.group()
        what = _CONTROL_NAMES.get(char, f"một ký tự điều khiển vô hình (mã U+{ord(char):04X})")
        before = _CONTROL.sub(" ", line[: found.start()]).split()
        where, there = (
            (f"sau chữ '{before[-1]}'", "ngay sau chữ đó") if before else ("ở đầu dòng",) * 2
        )
        message = (
            f"dòng này có {what} {where}, thường do dán từ Word hay Excel: bot đọc nó như một "
            f"dấu cách — tệp vẫn được dùng; hãy xóa ký tự này (bấm Delete {there}) rồi gõ dấu "
            "cách hay xuống dòng như ý muốn"
        )
        warned.append(Problem(src, number, message))
    return warned


# How a staff file's bytes are text: UTF-8, with the byte-order mark Notepad may write or
# without, or UTF-16 (what Notepad and Excel call "Unicode"), told by its byte-order mark.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def encoding_of(data: bytes) -> str:
    """The encoding a staff file's bytes are read in (`decode`) and written back in."""
    return next((name for bom, name in _BOMS if data.startswith(bom)), "utf-8")


def _body(data: bytes, encoding: str) -> bytes:
    return data[2:] if encoding.startswith("utf-16") else data


def decode(data: bytes, encoding: str) -> str:
    """The text of `data` in `encoding` (`encoding_of`), without its byte-order mark."""
    return _body(data, encoding).decode(encoding)


def staff_text(data: bytes) -> str:
    """The text of a staff file's bytes, in the encoding they show (`encoding_of`)."""
    return decode(data, encoding_of(data))


def encode(text: str, encoding: str) -> bytes:
    """`text` as bytes in `encoding` (`encoding_of`), with the file's byte-order mark."""
    return (f"\ufeff{text}" if encoding.startswith("utf-16") else text).encode(encoding)


def _line_at(data: bytes, at: int, encoding: str) -> int:
    """The line of the byte `at` of a file's text (after its byte-order mark)."""
    return _body(data, encoding)[:at].decode(encoding, errors="replace").count("\n") + 1


@dataclass(frozen=True)
class _Code:
    """An 8-bit Vietnamese code of old fonts, as its letters read in Windows' Western code
    page (as Notepad shows them, and saves them as UTF-8)."""

    name: str  # as staff know it
    source: str  # its name in Unikey's converter
    signs: str  # a text with none of these is not in it
    in_word: re.Pattern[str]  # a word that may be in it
    telling: re.Pattern[str]  # a word no language but it writes so
    alone: re.Pattern[str]  # ... so surely that it tells the code on a line of its own

    @property
    def fix(self) -> str:
        return (
            f"hãy chuyển sang Unicode bằng Unikey (Công cụ chuyển mã, nguồn {self.source}, "
            "đích Unicode) rồi lưu lại với bảng mã UTF-8"
        )


# TCVN3 (ABC): the code of the .VnTime fonts. Its letters are signs no language writes
# inside a word ("Th«ng b¸o": "Thông báo"), or letters of other languages ("häp": "họp").
_TCVN3_SIGNS = "¡¢£¤¥¦§¨©ª«¬\xad®µ¶·¸¹»¼½¾×÷"
_TCVN3_LETTERS = "ÆÇËÎÏÐÑØÜÞßäåæçëîïñöøûüþ"
_TCVN3 = _Code(
    "bảng mã cũ TCVN3 (phông .VnTime)",
    "TCVN3",
    _TCVN3_SIGNS,
    re.compile(rf"[A-Za-z][{_TCVN3_SIGNS}{_TCVN3_LETTERS}]+[A-Za-z]"),
    re.compile(rf"[A-Za-z][{_TCVN3_SIGNS}]+[A-Za-z]"),
    # Not Catalan's "col·legi" (its middle dot is a TCVN3 letter too).
    re.compile(rf"[A-Za-z][{_TCVN3_SIGNS.replace('·', '')}]+[A-Za-z]"),
)
# VNI Windows: the code of the VNI-Times fonts. A vowel is its plain letter followed by
# its marks, one letter of the Western page ("Thoâng baùo": "Thông báo"); ơ, ư, đ and the
# i's are letters of their own ("ô", "ö", "ñ", "í"...). What no other language writes:
# a mark after ơ or ư ("ôø": "ờ"), ư then ơ ("phöôøng": "phường"), a hook, dot or tilde
# after a vowel ("toå": "tổ", "Hoäi": "Hội"), a word begun with đ ("ñeán": "đến"), â's
# and ê's marks after a, e or o ("Thoâng": "Thông", "veà": "về"; not "hoà", Unicode's).
_VNI_MARKS = "ùøûõïâáàåãäêéèúüëÙØÛÕÏÂÁÀÅÃÄÊÉÈÚÜË"
_VNI_LETTERS = "ôöíìæóòîñÔÖÍÌÆÓÒÎÑ"
_VOWEL = "aeiouyAEIOUY"
_VNI = _Code(
    "bảng mã cũ VNI (phông VNI-Times)",
    "VNI Windows",
    "ôöåäûõñâáàÔÖÅÄÛÕÑÂÁÀ",
    re.compile(rf"[{_VOWEL}][{_VNI_MARKS}]|[A-Za-z][{_VNI_LETTERS}]|[{_VNI_LETTERS}][A-Za-z]"),
    re.compile(
        rf"[ôöÔÖ][{_VNI_MARKS}]|[öÖ][ôÔ]|[{_VOWEL}][åäûõÅÄÛÕ]|^\W*[ñÑ][{_VOWEL}]"
        r"|[aeoAEO][âÂ]|[aeAE][áàÁÀ]"
    ),
    # Not a word begun with ñ: Spanish has a few ("ñandú").
    re.compile(rf"[ôöÔÖ][{_VNI_MARKS}]|[öÖ][ôÔ]|[{_VOWEL}][åäûõÅÄÛÕ]|[aeoAEO][âÂ]|[aeAE][áàÁÀ]"),
)


# Letters only Unicode writes (no old code read in the Western page gives them): a line
# with one is typed in Unicode, whatever signs it also holds.
_UNICODE_VIETNAMESE = re.compile("[ăĂđĐĩĨũŨơƠưƯ\u1ea0-\u1ef9]")


@dataclass(frozen=True)
class _Found:
    code: _Code
    line: int
    word: str  # the first word of that line in it


def _legacy(text: str) -> _Found | None:
    """The first line of `text` typed in an old code (two words of it at least, one that
    no other language writes: not a German or Spanish name; or one word alone, as a
    title may be, that tells it beyond doubt), with its first such word."""
    codes = [code for code in (_TCVN3, _VNI) if any(sign in text for sign in code.signs)]
    if not codes:
        return None
    for number, line in enumerate(text.split("\n"), 1):
        if _UNICODE_VIETNAMESE.search(line):  # "vắc\xadxin": a soft hyphen from a web page
            continue
        for code in codes:
            words = [word for word in line.split() if code.in_word.search(word)]
            telling = code.alone if len(words) < 2 else code.telling
            if any(telling.search(word) for word in words):
                return _Found(code, number, words[0].strip(".,;:!?()\"'"))
    return None


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
