"""A day of the week as residents type it, read in one place for every module that reads
one in a message (wardbot.followup, wardbot.notice_notes): "thứ 7", "thu 7", "thu7", "t7",
"t 7", "thứ bảy", "thu bay", "thứ tư" (and "thứ bốn"), "cn", "chủ nhật", "chu nhat",
"chủ nhựt", and as the south says it, "chúa nhựt". Staff's OFFICE_HOURS days (ranges,
"Mon-Fri") are wardbot.hours' own.
"""

from __future__ import annotations

import re

# The word after "thứ", folded, as the day's number ("thứ hai" is 2).
DAY_NUMBERS = {"hai": 2, "ba": 3, "tu": 4, "bon": 4, "nam": 5, "sau": 6, "bay": 7}
# In folded text (`wardbot.text.fold`): `day` is the number or word typed; none for Sunday.
# A bare "t" takes a number only: before a word ("t nam nay", "t sau"), "t" is "tôi".
TYPED_WEEKDAY = re.compile(
    r"\b(?:thu ?(?P<day>[2-7]|hai|ba|tu|bon|nam|sau|bay)|t ?(?P<number>[2-7]))\b"
    r"|\b(?:chu[a]? nh[au]t|cn)\b"
)


def weekday(found: re.Match[str]) -> int:
    """The day `found` (a `TYPED_WEEKDAY` match) names, as `datetime.date.weekday()`:
    Monday is 0, Sunday 6."""
    day = found["day"] or found["number"]
    if day is None:
        return 6
    return (DAY_NUMBERS.get(day) or int(day)) - 2


def shorthand(found: re.Match[str]) -> bool:
    """Whether `found` types its day otherwise than the office writes it out ("thứ bảy",
    "chủ nhật"): by its number ("thứ 7", "t7"), "cn" or "chủ nhựt"."""
    day = found["day"] or found["number"]
    return day.isdigit() if day is not None else found[0] != "chu nhat"
