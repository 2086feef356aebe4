"""Dates as Vietnamese portals write them, read from an article's lines.

"07/10/2019", "ngày 15 tháng 3 năm 2024", a dateline ("Thứ Sáu, 15/03/2024 - 08:30
(GMT+7)"), a labelled line ("Ngày đăng bài: 07/10/2019", "Cập nhật: ..."), how long ago
("2 giờ trước"), the first date in the opening. Which of them is the article's date, in
what order, is wardbot.portal_extract's choice; the patterns here are also what
wardbot.portal_clean drops as the page's meta lines.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

_DMY = r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?!\d)"
# "ngày 15 tháng 3 năm 2024", "15 tháng 03 năm 2024", "Ngày 15 tháng 3, 2024"
_LONG = r"(?:ngày\s+)?(?<!\d)(\d{1,2})\s+tháng\s+(\d{1,2})\s*(?:,?\s+năm\s+|,\s*)(\d{4})(?!\d)"
_DAY = rf"(?:{_DMY}|{_LONG})"
_ANY_DATE = re.compile(_DAY, re.I)
# What may stand beside the date in a dateline: "Thứ Sáu", "08:30", "8h30", "(GMT+7)".
WEEKDAY = r"(?:thứ\s+(?:[2-7]|[^\W\d_]+)|chủ\s+nhật|cn)"
TIME = r"(?:\d{1,2}\s*[:h]\s*\d{2}(?:\s*:\s*\d{2})?(?:\s*(?:am|pm|sa|ch))?)"
TIME_ZONE = r"(?:\(?\s*(?:gmt|utc)\s*[+-]\s*\d{1,2}(?::?\d{2})?\s*\)?)"
_SEP = r"\s*[,|–—-]?\s*"
# A date with the weekday and the time around it, in the orders the portals use:
# "Thứ Hai, 08/7/2024 10:15", "08:30 | Thứ Sáu, 15/03/2024", "Thứ Sáu, 15/03/2024 - 08:30
# (GMT+7)", "Thứ Sáu, ngày 15 tháng 3 năm 2024".
DATELINE = (
    rf"(?:{TIME}{_SEP})?(?:{WEEKDAY}{_SEP})?(?:{TIME}{_SEP})?(?:ngày\s+)?{_DAY}"
    rf"(?:{_SEP}{TIME})?(?:\s*{TIME_ZONE})?"
)
# ... alone on its line, maybe in brackets: "(15/03/2024)".
DATE_LINE = re.compile(rf"^\s*[(\[]?\s*{DATELINE}\s*[)\]]?\s*$", re.I)
# "Ngày đăng bài: 07/10/2019", "Đăng ngày 15/10/2021", "Ngày đăng tin: ..." (not "Ngày đăng
# ký", registration), "Đăng lúc: 08:30 15/03/2024", "Ngày đăng: ngày 15 tháng 3 năm 2024"
POSTED_LABEL = (
    r"(?:ngày\s+đăng(?:\s+bài|\s+tin)?(?!\s*k[ýí])|đăng\s+ngày|đăng\s+lúc|ngày\s+xuất\s+bản)"
)
UPDATED_LABEL = r"(?:ngày\s+cập\s+nhật|cập\s+nhật(?:\s+lúc|\s+ngày)?)"
# The label, maybe a few words ("Thứ Sáu, ", "lúc "), maybe the time, then the date.
_AFTER_LABEL = rf"\s*:?\s*(?:[^\d\n]{{0,25}}?)(?:{TIME}{_SEP})?{_DAY}"
_POSTED = re.compile(POSTED_LABEL + _AFTER_LABEL, re.I)
_UPDATED = re.compile(UPDATED_LABEL + _AFTER_LABEL, re.I)
EARLIEST = dt.date(1990, 1, 1)


def _date(day: str, month: str, year: str, today: dt.date) -> dt.date | None:
    try:
        found = dt.date(int(year), int(month), int(day))
    except ValueError:
        return None
    return found if possible_date(found, today) else None


def possible_date(day: dt.date, today: dt.date) -> bool:
    """A day the ward could have posted on: not before 1990, not after tomorrow."""
    return EARLIEST <= day <= today + dt.timedelta(days=1)


def _first(pattern: re.Pattern[str], text: str, today: dt.date) -> dt.date | None:
    for match in pattern.finditer(text):
        day, month, year = [g for g in match.groups() if g is not None][-3:]
        found = _date(day, month, year, today)
        if found is not None:
            return found
    return None


def text_date(text: str, today: dt.date) -> dt.date | None:
    """The first date written the Vietnamese way in `text` ("12/03/2024 06:20")."""
    return _first(_ANY_DATE, text, today)


# A "Ngày đăng ..." line longer than this is prose ("... văn bản đăng ngày 10/01/2024 ..."),
# not the page saying when it posted the article.
META_LINE_WORDS = 16


def posted_date(lines: Iterable[str], today: dt.date) -> dt.date | None:
    """The date the article says it was posted ("Ngày đăng bài: 07/10/2019")."""
    return _labelled(_POSTED, lines, today)


def updated_date(lines: Iterable[str], today: dt.date) -> dt.date | None:
    """The date the article says it was last updated ("Cập nhật: 07/10/2019")."""
    return _labelled(_UPDATED, lines, today)


def _labelled(pattern: re.Pattern[str], lines: Iterable[str], today: dt.date) -> dt.date | None:
    for line in lines:
        if len(line.split()) <= META_LINE_WORDS:
            found = _first(pattern, line, today)
            if found is not None:
                return found
    return None


# How long ago the page says the article was posted ("2 giờ trước", "Đăng 3 ngày trước",
# "cách đây 5 phút"): what some portals show for their newest articles instead of a date.
_AGO_DAYS = {"giây": 0, "phút": 0, "giờ": 0, "ngày": 1, "tuần": 7, "tháng": 30, "năm": 365}
_AGO_UNIT = "(giây|phút|giờ|ngày|tuần|tháng|năm)"
_AGO_LINE = re.compile(
    r"^(?:(?:ngày\s+)?đăng(?:\s+lúc)?\s*:?\s*)?"
    rf"(?:cách\s+đây\s+(\d+)\s+{_AGO_UNIT}(?:\s+trước)?|(\d+)\s+{_AGO_UNIT}\s+trước)$",
    re.I,
)

# Where a meta line's parts meet: " | ", " - ", " • ".
META_SEPARATOR = re.compile(r"(\s+[|•–—-]\s+)")


def ago_date(lines: Iterable[str], today: dt.date) -> dt.date | None:
    """The day a meta line's "2 giờ trước" or "Đăng 3 ngày trước" says (minutes and hours:
    today), its line alone or a part of it ("Tác giả: Minh Tú | 2 giờ trước")."""
    for line in lines:
        if len(line.split()) > META_LINE_WORDS:
            continue
        for part in META_SEPARATOR.split(line)[::2]:
            found = _AGO_LINE.match(" ".join(part.strip(" ()[]").split()))
            if found is not None:
                count, unit = [g for g in found.groups() if g is not None]
                return today - dt.timedelta(days=int(count) * _AGO_DAYS[unit.lower()])
    return None


def opening_date(paragraphs: list[str], today: dt.date) -> dt.date | None:
    """A date line at the top of the article, else the first date in its first two
    paragraphs ("Chiều ngày 07/7/2022, ...", "Ngày 08/7/2024, ...")."""
    found = dateline_date(paragraphs[:3], today)
    if found is not None:
        return found
    prose = [p for p in paragraphs if not DATE_LINE.match(p)]
    return _first(_ANY_DATE, "\n".join(prose[:2]), today)


def dateline_date(lines: Iterable[str], today: dt.date) -> dt.date | None:
    """The date of a line that is only a date ("Thứ Sáu, ngày 15 tháng 3 năm 2024")."""
    for line in lines:
        if DATE_LINE.match(line):
            found = _first(_ANY_DATE, line, today)
            if found is not None:
                return found
    return None
