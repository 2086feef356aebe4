"""The ward office's working hours (setting OFFICE_HOURS) and when staff will answer.

The setting is short text staff can write themselves, e.g.
`T2-T6 7:30-11:30 13:30-17:00; T7 7:30-11:30`: groups separated by `;`, each a list of
days (T2..T7 and CN, or Mon..Sun; ranges like `T2-T6`, lists like `T2,T4`) followed by one
or more time ranges (`7:30-11:30`, `7h30-11h30`, `7g30-11g30`, `7 giờ 30-11 giờ`,
`7.30-11.30`, `8-11`). Days are also read
as staff write them out: `Thứ 2`, `Thứ Hai`, `thu hai`, `Chủ nhật`, `Thứ 2 - 6`, `Thứ 2, 4,
6`, `thứ ba, năm`, and ranges with `đến` (`từ thứ 2 đến thứ 6 7:30 đến 11:30`); `sáng`,
`chiều`, `tối` beside the times are read (and must agree with them), `làm việc` too;
`CN nghỉ`, `CN không làm việc` is a day closed. A comma after the times before the next
days is a `;`: `T2-T6 7h-11h, 13h-17h, T7 7h-11h`. Times are 24-hour, Vietnam time, UTC+7
all year (a fixed offset: no tzdata needed).

OFFICE_CLOSED adds the days the office is closed whatever the weekday: public holidays
every year (`1/1, 30/4, 1/5, 2/9`) and dated ones (Tết, moved each year: `5/2/2027-13/2/2027`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from wardbot.messages import WEEKDAYS, unit
from wardbot.text import fold

VIETNAM = timezone(timedelta(hours=7), "ICT")


def vietnam_today() -> date:
    """Today's date in Vietnam, whatever the server's time zone (containers run in UTC:
    from 0:00 to 7:00 Vietnam time its date is still yesterday's)."""
    return datetime.now(VIETNAM).date()


LOOKAHEAD_DAYS = 14  # next_opening looks this far ahead

EXAMPLE = "T2-T6 7:30-11:30 13:30-17:00; T7 7:30-11:30"


def neutral_sentence(ward_name: str) -> str:
    """When staff answer, where the office's hours are not known."""
    return f"Cán bộ {unit(ward_name)} sẽ trả lời trong giờ hành chính."


OPEN_SENTENCE = "Cán bộ thường trả lời trong giờ làm việc."

# Weekday numbers as datetime.weekday(): Monday is 0.
_DAY_NAMES = {
    "t2": 0,
    "t3": 1,
    "t4": 2,
    "t5": 3,
    "t6": 4,
    "t7": 5,
    "cn": 6,
    **{name: day for day, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
    **{
        name: day
        for day, name in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
}
# Days as staff write them out, folded (`fold`): "Thứ 2", "thứ Hai", "Chủ nhật", "Thứ 2-6",
# "Thứ 2 - 6", "Thứ 2 đến 6", "T2-6", with a colon after them or not. A number after "thu"
# is a day only where no time goes on from it: "thu 7:30" or "Mon-Thu 7 - 11" have English
# Thursday ("thu") before a time.
_NUMBERED = {"hai": "2", "ba": "3", "tu": "4", "bon": "4", "nam": "5", "sau": "6", "bay": "7"}
_NUMBER = r"(?:[2-7]|(?:hai|ba|tu|bon|nam|sau|bay)\b)"
# "tối" before a time range, or before a time alone, is the evening ("T2-T6 tối 18h-20h",
# "thứ 6 tối 18h", refused for its missing end), not "tới" (to): unaccented, both are "toi".
_TIME_RANGE_AHEAD = r"\s*\d{1,2}(?:[:hg]\d{0,2})?\s*(?:[-–—]|den\b|toi\b)"
_TIME_AHEAD = r"\s*\d{1,2}[:hg]"
_TO = rf"\s*(?:[-–—]|\bden\b|\btoi\b(?!{_TIME_RANGE_AHEAD}|{_TIME_AHEAD}))\s*"
_WRITTEN_DAY = re.compile(
    rf"\b(?:(?:thu\s*|t(?=[2-7]))(?P<first>{_NUMBER})(?:{_TO}(?:thu\s*|t(?=[2-7]))?"
    rf"(?P<last>{_NUMBER}))?(?![\d.]|[:hg]\d|{_TO}\d)|chu\s*nhat\b|cn\b)"
    r"(?:\s*:(?!\d))?"
)
# "đến"/"tới" between two days or times is a range's dash; "từ" before the first says nothing.
# "tới" only between two times, and not before a time range: "T6 tối 18h-20h", "13h30-17h
# tối 18h-20h" are the evening.
_WRITTEN_RANGE = re.compile(rf"\s+den\s+|(?<=[\dhg])(?<!t\d)\s+toi\s+(?=\d)(?!{_TIME_RANGE_AHEAD})")
# Days that are not in the week ("Thứ 8", "T1"): refused by name, not read as a time.
_NO_SUCH_DAY = re.compile(
    r"\b(?:thu\s*|t)(?:[01]|[89]|tam|chin|muoi|nhat)\b(?![:.]|\s*(?:[-–—]|den\b|toi\b)\s*\d)"
)
_FROM = re.compile(r"(?:^|(?<=\s))tu\s+(?=[tcm\d])")
# A comma between one group's times and the next group's days: "T2-T6 7h30-11h30 13h30-17h,
# T7 7h30-11h30" is two groups, as with ";". Days listed before any time ("T2, T4 7h-11h")
# and a part of the day ("7h-11h, chiều 13h-17h") stay in their group.
_NEXT_DAYS = re.compile(
    r"\s*,\s*(?=(?:(?:buoi\s+)?(?:sang|chieu|toi)\s+)?(?:tu\s+)?"
    r"(?:thu\s*(?:[2-7]|hai|ba|tu|bon|nam|sau|bay)\b|t[2-7]\b|chu\s*nhat\b|cn\b"
    r"|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\b))"
)
_TIME_RANGE_BEFORE = re.compile(
    r"\d(?:[:hg]\d{0,2})?\s*(?:[-–—]|den|toi)\s*\d{1,2}(?:[:hg]\d{0,2})?$"
)


# Times as staff also write them: "7 giờ 30", "7 giờ", "7.30" (read as 7h30, 7h, 7:30).
# Only two digits after the dot, and no other dot or slash around: "7.5" is no time, and
# "30.4.2026" no day of the week; nothing outside OFFICE_HOURS reads times this way.
_HOURS_WORD = re.compile(
    r"\b(\d{1,2})\s*gio\b(?:\s*([0-5]\d)\b(?:\s*phut\b)?(?!\s*(?:gio\b|[:hg.])))?"
)
_DOTTED_TIME = re.compile(r"(?<![\d./])(\d{1,2})\.([0-5]\d)(?![\d./])")
# "(trừ chiều thứ 7)", "ngoại trừ thứ 7": an exception to the days before it, not read.
_EXCEPT = re.compile(r"\(?\s*(?:ngoai\s+)?\btru\b(?!\s*so\b)[^)]*\)?")


def _written_times(text: str) -> str:
    """`text` with "7 giờ 30", "7 giờ" and "7.30" written as 7h30, 7h and 7:30."""
    text = _replaced(_HOURS_WORD, text, lambda m: f"{m[1]}h{m[2] or ''}")
    return _replaced(_DOTTED_TIME, text, lambda m: f"{m[1]}:{m[2]}")


def _after_times(group: str) -> list[str]:
    """`group` cut where a comma after a time range is followed by days (`_NEXT_DAYS`)."""
    folded = fold(group)
    text = group if len(folded) == len(group) else folded
    parts, at = [], 0
    for match in _NEXT_DAYS.finditer(folded):
        if _TIME_RANGE_BEFORE.search(folded, 0, match.start()):
            parts.append(text[at : match.start()])
            at = match.end()
    return [*parts, text[at:]]


def _written_days(group: str) -> str:
    """`group` with the days staff write out as T2..T7 and CN, and "đến" as a dash:
    "Thứ 2 đến Thứ 6 7:30-11:30" is read as "T2-T6 7:30-11:30"; the rest as written
    (what is refused is quoted as staff typed it)."""

    def day(match: re.Match[str]) -> str:
        if match["first"] is None:
            return "CN "
        first, last = (_NUMBERED.get(n, n) if n else n for n in (match["first"], match["last"]))
        return f"T{first}-T{last} " if last else f"T{first} "

    text = _replaced(_WRITTEN_DAY, unicodedata.normalize("NFC", group), day)
    text = _replaced(_WRITTEN_RANGE, text, lambda _: "-")
    return _replaced(_FROM, text, lambda _: "")


def _replaced(pattern: re.Pattern[str], text: str, by: Callable[[re.Match[str]], str]) -> str:
    """`text` with what `pattern` finds in it folded (`fold`) replaced `by` the match."""
    folded = fold(text)
    if len(folded) != len(text):  # a letter folded to two: the text itself is lost, not read
        text = folded
    parts, at = [], 0
    for match in pattern.finditer(folded):
        parts += [text[at : match.start()], by(match)]
        at = match.end()
    return "".join([*parts, text[at:]])


_WEEKDAYS_VI = WEEKDAYS
_TIME = re.compile(r"(\d{1,2})(?:[:hHgG](\d{2})?)?")

Period = tuple[int, int]  # opening and closing minute of the day, closing excluded
_EARLIEST = 5 * 60  # no office opens before 5:00 unless open all day (0:00-24:00)


def _config_error(message: str) -> Exception:
    from wardbot.config import setting_error  # config imports this module

    return setting_error("OFFICE_HOURS", message, EXAMPLE)


CLOSED_EXAMPLE = "1/1, 30/4-1/5, 2/9, 5/2/2027-13/2/2027"
_DAY = re.compile(r"(\d{1,2})/(\d{1,2})(?:/(\d{4}))?")
MonthDay = tuple[int, int]


def _closed_error(message: str) -> Exception:
    from wardbot.config import setting_error  # config imports this module

    return setting_error("OFFICE_CLOSED", message, CLOSED_EXAMPLE)


@dataclass(frozen=True)
class Closures:
    """Days the office is closed whatever the weekday (OFFICE_CLOSED): spans of dates
    (`dated`, both ends included) and spans of days every year (`yearly`, as (month, day);
    one may run over New Year: 31/12-1/1)."""

    dated: tuple[tuple[date, date], ...] = ()
    yearly: tuple[tuple[MonthDay, MonthDay], ...] = ()

    @classmethod
    def parse(cls, text: str) -> Closures:
        """Read the OFFICE_CLOSED text; ConfigError naming the entry that is wrong."""
        dated: list[tuple[date, date]] = []
        yearly: list[tuple[MonthDay, MonthDay]] = []
        entries = [e.strip() for e in re.split(r"[,;\n]", text) if e.strip()]
        if not entries:
            raise _closed_error("chưa có ngày nào")
        for entry in entries:
            first, dash, last = re.sub(r"\s*[-–—]\s*", "-", entry).partition("-")
            start, end = _closed_day(first, entry), _closed_day(last if dash else first, entry)
            if isinstance(start, date) and isinstance(end, date):
                if end < start:
                    raise _closed_error(f"“{entry}” có ngày kết thúc trước ngày bắt đầu")
                dated.append((start, end))
            elif isinstance(start, tuple) and isinstance(end, tuple):
                yearly.append((start, end))
            else:
                raise _closed_error(
                    f"“{entry}”: hai đầu khoảng ngày cùng ghi năm, hoặc cùng không ghi"
                )
        return cls(tuple(dated), tuple(yearly))

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, date):
            return False
        if any(start <= day <= end for start, end in self.dated):
            return True
        today = (day.month, day.day)
        return any(
            start <= today <= end if start <= end else today >= start or today <= end
            for start, end in self.yearly
        )


def _closed_day(text: str, entry: str) -> date | MonthDay:
    """'5/2/2027' as a date, '30/4' as (4, 30); ConfigError otherwise."""
    match = _DAY.fullmatch(text)
    if match is None:
        raise _closed_error(f"“{entry}” không phải một ngày dạng 30/4 hoặc 5/2/2027")
    day, month = int(match[1]), int(match[2])
    try:
        # A day every year is checked against a leap year: 29/2 is a day.
        found = date(int(match[3]) if match[3] else 2024, month, day)
    except ValueError:
        where = f"“{text}”" if text == entry else f"“{text}” trong “{entry}”"
        raise _closed_error(f"{where} không có trên lịch") from None
    return found if match[3] else (month, day)


@dataclass(frozen=True)
class OfficeHours:
    """Opening periods for each weekday (index 0 is Monday), sorted and not overlapping,
    and the days the office is closed whatever the weekday (holidays)."""

    week: tuple[tuple[Period, ...], ...]
    closed: Closures = Closures()

    @classmethod
    def parse(cls, text: str) -> OfficeHours:
        """Read the OFFICE_HOURS text; ConfigError naming the part that is wrong."""
        days: list[list[Period]] = [[] for _ in range(7)]
        closed: dict[int, str] = {}  # days written as closed ("Chủ nhật nghỉ"), by group
        groups = [
            part.strip()
            for group in re.split(r"[;\n]", _written_times(text))
            for part in _after_times(group)
            if part.strip()
        ]
        if not groups:
            raise _config_error("chưa có ngày và giờ nào")
        for group in groups:
            group_days, periods = _parse_group(group)
            for day in group_days:
                days[day].extend(periods)
                if not periods:
                    closed.setdefault(day, group)
        for day, group in closed.items():
            if days[day]:
                raise _config_error(
                    f"{_WEEKDAYS_VI[day]} vừa có giờ làm việc vừa được ghi nghỉ (“{group}”): "
                    "hãy bỏ ngày đó khỏi một trong hai chỗ"
                )
        if not any(days):
            raise _config_error("chỉ ghi ngày nghỉ, chưa có ngày nào có giờ làm việc")
        return cls(tuple(_merged(periods) for periods in days))

    def is_open(self, at: datetime) -> bool:
        """Whether the office is open at `at` (an aware datetime, any time zone)."""
        local = _local(at)
        if local.date() in self.closed:
            return False
        second = local.hour * 3600 + local.minute * 60 + local.second
        return any(start * 60 <= second < end * 60 for start, end in self.week[local.weekday()])

    def next_opening(self, at: datetime) -> datetime | None:
        """The start (in UTC+7) of the first opening period beginning at or after `at`.

        None when no period begins within the next 14 days.
        """
        local = _local(at)
        limit = local + timedelta(days=LOOKAHEAD_DAYS)
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        for offset in range(LOOKAHEAD_DAYS + 1):
            day = midnight + timedelta(days=offset)
            if day.date() in self.closed:
                continue
            for start, _ in self.week[day.weekday()]:
                opening = day + timedelta(minutes=start)
                if local <= opening <= limit:
                    return opening
        return None

    def hours_on(self, day: date) -> str | None:
        """The office's hours on `day` as residents read them ("7:30–11:30 và 13:30–17:00"),
        or None when it is closed that day (its weekday has no hours, or OFFICE_CLOSED)."""
        periods = () if day in self.closed else self.week[day.weekday()]
        if not periods:
            return None
        return " và ".join(f"{_clock(start)}–{_clock(end)}" for start, end in periods)

    def when_staff_answer(self, at: datetime, ward_name: str) -> str:
        """A Vietnamese sentence telling a resident, at `at`, when staff will answer."""
        if self.is_open(at):
            return OPEN_SENTENCE
        opening = self.next_opening(at)
        if opening is None:
            return neutral_sentence(ward_name)
        local = _local(at)
        today = local.date()
        if today in self.closed:
            situation = f"Hôm nay là ngày nghỉ của {unit(ward_name)}"
        elif opening.date() != today:
            situation = "Hiện đã ngoài giờ làm việc"
        elif all(start > _minute(local) for start, _ in self.week[today.weekday()]):
            situation = "Hiện chưa đến giờ làm việc"
        elif 11 <= local.hour < 14:
            situation = "Hiện đang nghỉ trưa"
        else:
            situation = "Hiện đang ngoài giờ làm việc"
        return f"{situation}; cán bộ sẽ trả lời từ {_when(opening, today)}."


QUIET_EXAMPLE = "21:30-6:30"


@dataclass(frozen=True)
class QuietHours:
    """When alerts about new or corrected notices wait for the morning (QUIET_HOURS): from
    `start` to `end`, minutes of the day in Vietnam time, over midnight when `end` comes
    before `start`. Nobody's phone rings for a notice published at 23:40."""

    start: int
    end: int

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        """Read a QUIET_HOURS range such as `21:30-6:30`; ConfigError saying what is wrong."""
        from wardbot.config import setting_error  # config imports this module

        first, dash, last = re.sub(r"\s*[-–—]\s*", "-", text.strip()).partition("-")
        start, end = _minute_of(first), _minute_of(last)
        if not dash or start is None or end is None or start >= 24 * 60 or end > 24 * 60:
            raise setting_error(
                "QUIET_HOURS",
                "phải là một khoảng giờ Việt Nam (tin báo về thông báo mới soạn trong khoảng "
                f"này chờ đến hết khoảng mới gửi), hoặc off, không phải “{text}”",
                QUIET_EXAMPLE,
            )
        if start == end % (24 * 60):
            raise setting_error(
                "QUIET_HOURS",
                f"“{text}” bắt đầu và kết thúc cùng một giờ: hãy ghi một khoảng giờ, hoặc off "
                "để gửi tin báo vào bất cứ giờ nào",
                QUIET_EXAMPLE,
            )
        return cls(start, end % (24 * 60))

    def until(self, at: float) -> float | None:
        """When the quiet period holding the moment `at` (a Unix time) ends, as a Unix
        time; None when `at` is outside quiet hours."""
        local = datetime.fromtimestamp(at, VIETNAM)
        minute = _minute(local) + local.second / 60 + local.microsecond / 60e6
        if self.start < self.end:
            quiet = self.start <= minute < self.end
        else:
            quiet = minute >= self.start or minute < self.end
        if not quiet:
            return None
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        ends = midnight + timedelta(minutes=self.end)
        if ends <= local:  # after the start, before midnight: it ends tomorrow
            ends += timedelta(days=1)
        return ends.timestamp()

    def next_end(self, at: float) -> float:
        """When the quiet period holding `at`, or else the next one, ends (a Unix time)."""
        held = self.until(at)
        if held is not None:
            return held
        local = datetime.fromtimestamp(at, VIETNAM)
        starts = local.replace(hour=0, minute=0, second=0, microsecond=0)
        starts += timedelta(minutes=self.start)
        if starts <= local:
            starts += timedelta(days=1)
        ends = self.until(starts.timestamp())
        assert ends is not None  # quiet from its start
        return ends

    def length(self) -> float:
        """How long the quiet hours last, in seconds."""
        return (self.end - self.start) % (24 * 60) * 60.0

    def morning(self, at: float, now: float | None = None) -> str | None:
        """When alerts held at `at` leave, as staff read it at `now` (`at` by default:
        '6:30 sáng mai'); None when `at` is outside quiet hours."""
        ends = self.until(at)
        if ends is None:
            return None
        today = datetime.fromtimestamp(at if now is None else now, VIETNAM).date()
        return _when(datetime.fromtimestamp(ends, VIETNAM), today)

    def __str__(self) -> str:
        """'21:30–6:30', as staff read it."""
        return f"{_clock(self.start)}–{_clock(self.end)}"


def _clock(minute: int) -> str:
    return f"{minute // 60}:{minute % 60:02d}"


def staff_answer_time(hours: OfficeHours | None, at: datetime, ward_name: str) -> str:
    """When staff answer, as a sentence for residents; a neutral one when hours are unknown."""
    return neutral_sentence(ward_name) if hours is None else hours.when_staff_answer(at, ward_name)


def _parse_group(group: str) -> tuple[list[int], list[Period]]:
    """The days and the periods of one `;`-separated group."""
    # Staff write "T2 - T6", "7:30 – 11:30" (a dash from a word processor), "T2, T4".
    # "Thứ 2 đến Thứ 6", "Chủ nhật": T2-T6, CN (`_written_days`).
    _check_no_exception(group)
    _check_days_exist(group)
    written = _written_days(group)
    normalized = re.sub(r"\s*([-–—,])\s*", r"\1", written).replace("–", "-").replace("—", "-")
    tokens = [token for token in re.split(r"[\s,]+", normalized) if token]
    days: list[int] = []
    periods: list[Period] = []
    parts_of_day: list[tuple[str, int]] = []  # "sáng", "chiều" and where among the periods
    closed = False  # "Chủ nhật nghỉ": the days have no hours
    for token in tokens:
        word = fold(token).rstrip(":")
        if word in _FILLERS:  # "buổi sáng", "7:30-11:30 và 13:30-17:00", "T7 làm buổi sáng"
            continue
        if word in _PARTS_OF_DAY:
            parts_of_day.append((token, len(periods)))
        elif word in _CLOSED:
            closed = True
        elif days and not periods and re.fullmatch(r"[2-7]:?", token):
            days.append(_day(f"t{token[0]}", group))  # "Thứ 2, 4, 6": a time is a range
        elif days and not periods and word in _NUMBERED:
            days.append(_day(f"t{_NUMBERED[word]}", group))  # "thứ ba, năm": Tue and Thu
        elif token[0].isdigit():
            periods.append(_parse_period(token, group))
        elif periods:
            raise _config_error(
                f"ngày phải viết trước giờ, nhưng “{token}” trong “{group}” thì không"
            )
        else:
            days.extend(_parse_days(token, group))
    for token, at in parts_of_day:
        _check_part_of_day(token, periods[max(at - 1, 0) : at + 1], group)
    if not days:
        raise _config_error(
            f"“{group}” chưa ghi ngày nào (T2 đến T7 hoặc Thứ 2 đến Thứ 7, CN hoặc Chủ nhật)"
        )
    if closed and periods:
        raise _config_error(
            f"“{group}” vừa ghi nghỉ vừa ghi giờ: “nghỉ” chỉ dùng cho ngày nghỉ cả ngày, dạng "
            "CN nghỉ; giờ nghỉ trưa thì để trống giữa hai khoảng giờ, dạng 7:30-11:30 13:30-17:00"
        )
    if closed:
        return days, []
    if not periods:
        raise _config_error(f"“{group}” chưa ghi giờ làm việc, dạng 7:30-11:30")
    return days, periods


# Words staff put around the times, read as said: "sáng 7h30-11h30, chiều 13h30-17h".
# "sáng" or "chiều" must agree with a time range beside it: "chiều 1h30-5h" is refused
# (read as written it would be the small hours), never read as 13:30-17:00 by guess.
# "làm (việc)" says nothing ("Thứ 7 làm việc buổi sáng 7h30-11h30"); "nghỉ" or "không
# (làm việc)" is a day closed all day.
_FILLERS = frozenset({"buoi", "va", "&", "lam", "viec"})
_CLOSED = frozenset({"nghi", "khong"})
_PARTS_OF_DAY = {"sang": (0, 12 * 60), "chieu": (12 * 60, 24 * 60), "toi": (17 * 60, 24 * 60)}


def _check_no_exception(group: str) -> None:
    """ConfigError naming an exception to the days ("(trừ chiều thứ 7)"): each day's
    hours are written out instead, so that what is read is what staff see."""
    named = _found(_EXCEPT, group)
    if named is not None:
        raise _config_error(
            f"“{named.strip()}” (trong “{group}”): giờ làm việc không ghi phần trừ ra được, "
            "hãy ghi riêng từng ngày, ví dụ: T2-T6 7h30-17h; T7 7h30-11h30"
        )


def _check_days_exist(group: str) -> None:
    """ConfigError naming a day that is not in the week: "Thứ 8", "T1"."""
    named = _found(_NO_SUCH_DAY, group)
    if named is not None:
        raise _config_error(
            f"không có ngày “{named}” (trong “{group}”): tuần làm việc ghi từ Thứ 2 đến Thứ 7 "
            "(T2 đến T7) và Chủ nhật (CN)"
        )


def _found(pattern: re.Pattern[str], group: str) -> str | None:
    """What `pattern` finds in `group` folded, quoted as staff typed it; None if nothing."""
    folded = fold(group)
    match = pattern.search(folded)
    if match is None:
        return None
    return group[match.start() : match.end()] if len(folded) == len(group) else match[0]


def _check_part_of_day(token: str, beside: list[Period], group: str) -> None:
    """ConfigError unless one of the periods `beside` "sáng" or "chiều" (`token`) starts
    in that part of the day; with no period beside it, the group's own check says so."""
    first, last = _PARTS_OF_DAY[fold(token).rstrip(":")]
    if beside and not any(first <= start < last for start, _ in beside):
        raise _config_error(
            f"“{token}” trong “{group}” không khớp với giờ ghi cạnh nó: hãy ghi giờ theo 24 "
            "giờ, dạng 7:30-11:30 cho buổi sáng, 13:30-17:00 cho buổi chiều, 18:00-20:00 cho "
            "buổi tối"
        )


def _parse_days(token: str, group: str) -> list[int]:
    first, dash, last = token.partition("-")
    start = _day(first, group)
    if not dash:
        return [start]
    end = _day(last, group)
    if end < start:
        raise _config_error(
            f"khoảng ngày “{token}” trong “{group}” bị ngược (tuần tính từ thứ Hai đến Chủ nhật)"
        )
    return list(range(start, end + 1))


def _day(name: str, group: str) -> int:
    day = _DAY_NAMES.get(name.lower())
    if day is None:
        raise _config_error(
            f"không hiểu ngày “{name}” trong “{group}” (hãy dùng T2 đến T7 hoặc Thứ 2 đến "
            "Thứ 7, CN hoặc Chủ nhật, Mon đến Sun)"
        )
    return day


def _parse_period(token: str, group: str) -> Period:
    first, dash, last = token.partition("-")
    if not dash:
        raise _config_error(
            f"giờ “{token}” trong “{group}” chưa có giờ kết thúc: giờ mở cửa cần có giờ bắt "
            "đầu và giờ kết thúc, ví dụ: Thứ 6 18h-20h"
        )
    start, end = _time(first, token, group), _time(last, token, group)
    if start >= end:
        raise _config_error(f"khoảng giờ “{token}” trong “{group}” kết thúc trước khi bắt đầu")
    if start >= 24 * 60:
        raise _config_error(f"khoảng giờ “{token}” trong “{group}” bắt đầu sau 23:59")
    if start < _EARLIEST and end <= 12 * 60:  # "1:30-5:00" is an afternoon in 12-hour time
        raise _config_error(
            f"khoảng giờ “{token}” trong “{group}” là ban đêm: giờ chiều hãy ghi theo 24 giờ, "
            "dạng 13:30-17:00"
        )
    return start, end


def _time(text: str, token: str, group: str) -> int:
    if _TIME.fullmatch(text) is None:
        raise _config_error(
            f"“{text}” trong “{token}” (“{group}”) không phải giờ dạng 7:30 hoặc 7h30"
        )
    minute = _minute_of(text)
    if minute is None or minute > 24 * 60:
        raise _config_error(f"“{text}” trong “{token}” (“{group}”) không phải một giờ trong ngày")
    return minute


def _minute_of(text: str) -> int | None:
    """'7:30', '7h30', '7h', '7' as a minute of the day (24:00 is 1440, and 25:00 1500: the
    caller says what is too late); None when it is not written as a time."""
    match = _TIME.fullmatch(text.strip())
    if match is None or int(match[2] or 0) > 59:
        return None
    return int(match[1]) * 60 + int(match[2] or 0)


def _merged(periods: list[Period]) -> tuple[Period, ...]:
    """Periods sorted, overlapping or touching ones joined (a day may be in two groups)."""
    merged: list[Period] = []
    for start, end in sorted(periods):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def _local(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{at!r} has no time zone; give an aware datetime (e.g. in UTC)")
    return at.astimezone(VIETNAM)


def _minute(local: datetime) -> int:
    return local.hour * 60 + local.minute


def _when(opening: datetime, today: date) -> str:
    """'7:30 sáng nay', '13:30 chiều mai', '7:30 sáng thứ Hai, 30/11'."""
    hour = opening.hour
    part = "sáng" if hour < 11 else "trưa" if hour < 13 else "chiều" if hour < 18 else "tối"
    days = (opening.date() - today).days
    if days == 0:
        day = "nay"
    elif days == 1:
        day = "mai"
    else:
        day = f"{_WEEKDAYS_VI[opening.weekday()]}, {opening.day}/{opening.month}"
    return f"{opening.hour}:{opening.minute:02d} {part} {day}"
