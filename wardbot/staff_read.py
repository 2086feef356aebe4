"""Reading a file ward staff saved (faq.yaml, a notice): its text, or why it cannot be
read, in staff's words; and the stamp that tells whether it changed since.

Reading never blocks: a FIFO or a device put where a file was is refused, not waited on.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import unicodedata
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
        return problem(0, cannot_read(exc))
    try:
        with os.fdopen(fd, "rb") as file:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return problem(1, "không phải tệp bình thường: hãy lưu lại thành tệp văn bản")
            data = file.read() if max_bytes is None else file.read(max_bytes + 1)
    except OSError as exc:
        return problem(0, cannot_read(exc))
    if max_bytes is not None and len(data) > max_bytes:
        return None, [too_large(src, len(data), max_bytes, unread=unread)]
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
        # Saved as UTF-8, as the message below says, a TCVN3 file keeps its garbled letters.
        if (legacy := _tcvn3(data.decode("latin-1").replace("\r", ""))) is not None:
            return problem(legacy[0], f"tệp gõ bằng {_TCVN3}, như '{legacy[1]}': {_CONVERT}")
        what = (
            "tệp không được lưu theo bảng mã UTF-8: hãy lưu lại với bảng mã UTF-8 "
            "(trong Notepad: Lưu thành, mục Encoding chọn UTF-8)"
        )
        return problem(line, what)
    # Staff paste decomposed accents (e.g. from PDFs); NFC makes equal words compare equal.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if (legacy := _tcvn3(text)) is not None:
        what = (
            f"dòng này có chữ gõ bằng {_TCVN3}, như '{legacy[1]}', người dân sẽ thấy chữ lỗi: "
            f"{_CONVERT}"
        )
        return problem(legacy[0], what)
    return unicodedata.normalize("NFC", text), []


# TCVN3 (ABC): the 8-bit Vietnamese of the .VnTime fonts, still in old documents. Its
# letters, read as Windows' Western code page (as Notepad shows them, and saves them as
# UTF-8), are signs no language writes inside a word ("Th«ng b¸o": "Thông báo"), or
# letters of other languages ("häp": "họp").
_TCVN3 = "bảng mã cũ TCVN3 (phông .VnTime)"
_CONVERT = (
    "hãy chuyển sang Unicode bằng Unikey (Công cụ chuyển mã, nguồn TCVN3, đích Unicode) "
    "rồi lưu lại với bảng mã UTF-8"
)
_TCVN3_SIGNS = "¡¢£¤¥¦§¨©ª«¬\xad®µ¶·¸¹»¼½¾×÷"
_TCVN3_LETTERS = "ÆÇËÎÏÐÑØÜÞßäåæçëîïñöøûüþ"
_IN_WORD = re.compile(rf"[A-Za-z][{_TCVN3_SIGNS}{_TCVN3_LETTERS}]+[A-Za-z]")
_SIGN_IN_WORD = re.compile(rf"[A-Za-z][{_TCVN3_SIGNS}]+[A-Za-z]")


def _tcvn3(text: str) -> tuple[int, str] | None:
    """The first line of `text` written in TCVN3 (two words of it at least, one with a
    sign inside: not a German name), with its first such word; None when there is none."""
    if not any(sign in text for sign in _TCVN3_SIGNS):
        return None
    for number, line in enumerate(text.split("\n"), 1):
        words = [word for word in line.split() if _IN_WORD.search(word)]
        if len(words) >= 2 and any(_SIGN_IN_WORD.search(word) for word in words):
            return number, words[0].strip(".,;:!?()\"'")
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
