"""What a notice says that residents act on, compared by value: the numbers written in
it (dates, times, amounts, house and telephone numbers), the places it sends residents
to, and the words that put it off, move it or call it off. An edit that changes them is told to
the chats it was alerted to (a correction: wardbot.store queues it, wardbot.outbox sends
it); one that writes them another way ("1.500.000" as "1500000", "19h30" as "19:30") or
rewords the rest is not.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable
from fractions import Fraction

from wardbot.plaintext import plain
from wardbot.text import canonical_tone

# A number as written: "19", "19:30", "5/12/2026", "1.500.000" (digits joined by . , : / -).
_NUMBER = re.compile(r"\d+(?:[.,:/-]\d+)*")
# An amount grouped in thousands: "1.500.000", "2,000".
_THOUSANDS = re.compile(r"\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*")
# A decimal: "2,5" as Vietnamese writes it, "2.5" as a keyboard may; "1.234,5", "1,234.5"
# grouped in thousands (the other mark).
_DECIMAL = re.compile(r"(\d+|\d{1,3}(?:([.,])\d{3})+)(?(2)(?!\2))[.,](\d+)")
# Where digits are no date, time or amount a resident reads: a web address, a file name
# ("bieu-mau-2024.docx").
_NOT_READ = re.compile(r"(?:https?://|www\.)\S+|[\w-]+\.[a-z][a-z0-9]{1,4}\b")


def number_value(written: str) -> str:
    """A number as its value, whichever way it is written: "1.500.000" is "1500000",
    "05/12" is "5/12", "07:30" is "7:30", "2,5" is "2.5"."""
    if _THOUSANDS.fullmatch(written):
        return str(int(re.sub(r"\D", "", written)))
    if decimal := _DECIMAL.fullmatch(written):
        whole = int(re.sub(r"\D", "", decimal[1]))
        return f"{whole}.{decimal[3]}"
    return re.sub(r"\d+", lambda digits: str(int(digits[0])), written)


# A time of day as Vietnamese writes it: "19h30", "19 giờ 30 (phút)", "19g30"; "19h",
# "19 giờ". Read as "19:30", "19:00".
_CLOCK = re.compile(r"(?<![\d.,:/])(\d{1,2})(?:\s*(?:h|giờ)\s*|g)(\d{2})(?!\d)(?:\s*phút\b)?", re.I)
_HOUR = re.compile(r"(?<![\d.,:/])(\d{1,2})\s*(?:h|giờ)(?!\w)", re.I)
# A time of the afternoon or evening written on a 12-hour clock: "2 giờ chiều", "7h30
# tối", "1 giờ trưa", "11 giờ đêm" (once read as "2:00 chiều"): the hour residents read,
# "14:00", "19:30", "13:00", "23:00", as "14h" says it.
_HALF_DAY = re.compile(r"(?<![\d.,:/])(\d{1,2}):(\d{2})(\s+(?:chiều|tối|trưa|đêm))(?!\w)", re.I)
_AFTER_NOON = {"chiều": range(1, 12), "tối": range(1, 12), "trưa": range(1, 6), "đêm": range(6, 12)}


def _half_day(found: re.Match[str]) -> str:
    hour = int(found[1])
    if hour in _AFTER_NOON[found[3].strip().lower()]:
        hour += 12
    return f"{hour}:{found[2]}{found[3]}"


# A telephone number, its digits grouped as staff like: "0912.345.678", "0912 345 678",
# "+84 912 345 678", "028 3822 1234". Its first group has 3 digits at least ("05.12.2026
# 08" is a date and an hour).
_PHONE = re.compile(r"(?<![\d.,:/])(?:\+84[\s.-]?|0)\d(?:[\s.-]?\d){7,9}(?![\d:/])")
# A range of times or dates written without spaces: "7:30-11:00", "5/12-7/12".
_RANGE = re.compile(r"[:/].*-|-.*[:/]")


# A date in words, "ngày 05 tháng 12 năm 2026", "mùng 5 tháng 12", "05 tháng 12 năm
# 2026", "tháng 12 năm 2026", or with dashes or dots, "05-12-2026", "05.12.2026": the date
# "05/12/2026", "5/12", "12/2026" says, written with slashes. A day and month in words
# without a year need "ngày" (or "mùng") before them ("3 tháng 2 lần" is no date).
_DAY_MONTH = re.compile(
    r"(?<![\w.,:/-])(?P<named>(?:ngày|ngay|mùng|mồng|mung|mong)\s+)?(?P<day>\d{1,2})\s+"
    r"(?:tháng|thang)\s+(?P<month>\d{1,2})(?:\s*(?:(?:năm|nam)\s+|[/-]\s*)(?P<year>\d{4}))?"
    r"(?![\d.,:/-]?\d)",
    re.I,
)
_MONTH_YEAR = re.compile(
    r"(?<![\w.,:/-])(?:tháng|thang)\s+(\d{1,2})\s*(?:(?:năm|nam)\s+|[/-]\s*)(\d{4})(?![\d.,:/-]?\d)",
    re.I,
)
_DASHED_DATE = re.compile(r"(?<![\d.,:/-])(\d{1,2})([.-])(\d{1,2})\2(\d{4})(?![\d.,:/-]?\d)")


def _a_date(day: str | None, month: str) -> bool:
    return (day is None or 1 <= int(day) <= 31) and 1 <= int(month) <= 12


# What makes a day and month in words, bare, a count instead ("3 tháng 2 lần", "nghỉ 1
# tháng 10 ngày"): a unit after it.
_COUNTED = re.compile(
    r"\s+(?:lần|lan|lượt|luot|buổi|buoi|tuần|tuan|(?:ngày|ngay)(?!\s+(?:thứ|thu|\d)))\b", re.I
)


def _day_month(found: re.Match[str], *, bare: bool = False) -> str:
    day, month, year = found["day"], found["month"], found["year"]
    if bare and not (found["named"] or year):
        bare = _COUNTED.match(found.string, found.end()) is None
    if not _a_date(day, month) or not (found["named"] or year or bare):
        return found[0]
    return f"{found['named'] or ''}{day}/{month}" + (f"/{year}" if year else "")


def _month_year(found: re.Match[str]) -> str:
    return f"{found[1]}/{found[2]}" if _a_date(None, found[1]) else found[0]


def _dashed(found: re.Match[str]) -> str:
    day, month, year = found[1], found[3], found[4]
    return f"{day}/{month}/{year}" if _a_date(day, month) else found[0]


def slashed_dates(text: str, *, bare: bool = False) -> str:
    """`text` with its dates in words or with dashes or dots written with slashes (the
    same date another way is no other fact; wardbot.notice_notes reads a closure's days
    so). `bare`: a day and month in words with neither "ngày" nor a year are a date too,
    where what is said is a date ("nghỉ 14 tháng 2")."""
    text = _DAY_MONTH.sub(lambda found: _day_month(found, bare=bare), text)
    return _DASHED_DATE.sub(_dashed, _MONTH_YEAR.sub(_month_year, text))


# An amount in words: "1,5 triệu", "1 triệu 500 nghìn", "500 ngàn", "2 tỷ": read as
# its digits ("1500000", "500000"), the same amount as "1.500.000" or "500.000".
_UNITS = {"tỷ": 10**9, "tỉ": 10**9, "triệu": 10**6, "nghìn": 10**3, "ngàn": 10**3}
_AMOUNT_PART = r"(\d+(?:[.,]\d+)*)\s*(tỷ|tỉ|triệu|nghìn|ngàn)(?!\w)"
_AMOUNT = re.compile(rf"(?<![\d.,:/]){_AMOUNT_PART}(?:\s+{_AMOUNT_PART})*", re.I)
_AMOUNT_PARTS = re.compile(_AMOUNT_PART, re.I)


def _amount(found: re.Match[str]) -> str:
    """The digits of an amount in words, its parts each of a smaller unit than the one
    before ("1 triệu 500 nghìn"); as written when it is no such amount."""
    total, last = Fraction(0), math.inf
    for number, unit in _AMOUNT_PARTS.findall(found[0]):
        size = _UNITS[unit.lower()]
        value = number_value(number)
        if size >= last or not re.fullmatch(r"\d+(?:\.\d+)?", value):
            return found[0]
        total, last = total + Fraction(value) * size, size
    return str(total.numerator) if total.denominator == 1 else found[0]


# A day of the week: "thứ Bảy", "thứ 7", "Chủ nhật"; not an ordinal ("lần thứ hai", "kỳ
# họp thứ 3", "tầng thứ năm": `_ORDINAL_OF` a word or two before it).
_WEEKDAY = re.compile(r"(?<!\w)(?:thứ\s+(hai|ba|tư|năm|sáu|bảy|[2-7])|(chủ\s+nhật))(?!\w)", re.I)
_WEEKDAY_NUMBERS = {"hai": "2", "ba": "3", "tư": "4", "năm": "5", "sáu": "6", "bảy": "7"}
_ORDINAL_OF = re.compile(
    r"(?<!\w)(?:lần|kỳ|kì|đợt|khóa|khoá|phiên|lớp|hạng|giải|vòng|tập|buổi|người|bậc|cấp|"
    r"chương|điều|khoản|mục|phần|trang|tầng|hàng|con|đứa|số)(?:\s+[^\W\d_]+){0,2}\s*$",
    re.I,
)


def _weekdays(text: str) -> tuple[str, set[str]]:
    """`text` with its days of the week taken out, and those days, each as one fact ("thứ
    7" for "thứ Bảy" and "thứ 7", "chủ nhật"): the same day written another way is no
    other fact, and the digit of "thứ 7" no number."""
    days: set[str] = set()

    def take(found: re.Match[str]) -> str:
        if _ORDINAL_OF.search(text, max(0, found.start() - 30), found.start()):
            return found[0]
        days.add(
            f"thứ {_WEEKDAY_NUMBERS.get(found[1].lower(), found[1])}" if found[1] else "chủ nhật"
        )
        return " "

    return _WEEKDAY.sub(take, text), days


# The part of the day something is on when no hour says it: "sáng thứ Hai", "chiều 5/12",
# "tối nay", "buổi sáng", "ca chiều" (not "8h sáng" alone, which the hour says, nor "chiều
# dài", "tối đa", "đèn chiếu sáng"). Evening and night are one: "tối", "đêm".
_PART_OF_DAY = re.compile(
    r"(?<!\w)(?:(?:buổi|ca|phiên)\s+(?P<named>sáng|trưa|chiều|tối|đêm)(?!\w)|"
    r"(?P<dated>sáng|trưa|chiều|tối|đêm)(?=\s+(?:thứ|chủ\s+nhật|cn|ngày|mùng|mồng|nay|mai|"
    r"mốt|hôm|\d{1,2}/\d{1,2})(?!\w)))",
    re.I,
)
_PARTS_OF_DAY = frozenset({"buổi sáng", "buổi trưa", "buổi chiều", "buổi tối"})
# A day, week or month named from the notice's own: "hôm nay", "sáng mai", "ngày mốt",
# "tuần này", "tuần sau" ("tuần tới"), "tháng sau", and the one after ("tuần sau nữa",
# "tuần tới nữa") (not "ngày nay", nowadays).
_RELATIVE_DAY = re.compile(
    r"(?<!\w)(?:(?P<on>hôm|ngày|sáng|trưa|chiều|tối|đêm)\s+(?P<day>nay|mai|mốt)|"
    r"(?P<span>tuần|tháng)\s+(?P<which>này|(?:sau|tới)(?P<next>\s+nữa)?|tiếp\s+theo))(?!\w)",
    re.I,
)
_RELATIVE_DAYS = frozenset(
    {"hôm nay", "ngày mai", "ngày mốt", "tuần này", "tuần sau", "tuần sau nữa", "tháng này"}
    | {"tháng sau", "tháng sau nữa"}
)
# An hour as `numbers` writes it ("8:0", "13:30").
_HOUR_FACT = re.compile(r"\d{1,2}:\d{1,2}")


def _when(text: str) -> set[str]:
    """The parts of the day `text` puts something on (`_PART_OF_DAY`) and the days it
    names from the notice's own (`_RELATIVE_DAY`), each as one fact ("buổi sáng", "ngày
    mai"): a morning meeting moved to the afternoon, or to tomorrow, is news."""
    when = set()
    for found in _PART_OF_DAY.finditer(text):
        word = (found["named"] or found["dated"]).lower()
        when.add("buổi tối" if word == "đêm" else f"buổi {word}")
    for found in _RELATIVE_DAY.finditer(text):
        if found["day"]:
            day = found["day"].lower()
            if not (day == "nay" and found["on"].lower() == "ngày"):
                when.add({"nay": "hôm nay", "mai": "ngày mai", "mốt": "ngày mốt"}[day])
        else:
            which = "này" if found["which"].lower() == "này" else "sau"
            when.add(f"{found['span'].lower()} {which}{' nữa' if found['next'] else ''}")
    return when


# Words that move what a notice announces to another time, the new one said in words or
# not at all ("dời sang tuần sau", "lùi lại đến thứ Sáu", "chuyển sang buổi chiều", "lùi
# hạn nộp đến ngày 15/12", "xin dời lịch"): one fact, `MOVED`; a notice that writes none
# is `ON_SCHEDULE` (`notice_numbers`), so that either written in place of the other is
# news; so does "chuyển sang hình thức trực tuyến" (nobody is to come). Not "di dời" (to
# relocate), "đẩy lùi" (to drive back), "vận chuyển", "chuyển đổi", "trao đổi"; "chuyển"
# and "đổi" move a time only with the time right after them; nor those denied ("không
# dời lịch": `_NEGATED`).
_TIME_WORD = (
    r"(?:(?:buổi|ca|sáng|trưa|chiều|tối|đêm|ngày|hôm|mai|mốt|thứ|chủ\s+nhật|tuần|tháng|lúc|"
    r"khi)(?!\w)|\d)"
)
_MOVED = re.compile(
    r"(?<!\w)(?<!di\s)(?<!đẩy\s)(?<!vận\s)(?<!luân\s)(?<!trao\s)(?<!biến\s)(?<!chuyển\s)"
    r"(?:(?:dời|lùi|đổi|chuyển)\s+(?:lịch|thời\s+gian)(?!\w)|(?:dời|lùi)\s+lại(?!\w)|"
    r"(?:dời|lùi)\s+(?:thời\s+)?hạn(?!\w)|"
    r"(?:dời|lùi)(?:\s+[^\W\d_]+){0,4}?\s+(?:sang|đến|tới|qua|vào|xuống)\s+" + _TIME_WORD + "|"
    r"(?:chuyển|đổi)(?:\s+(?:ngày|giờ))?\s+(?:sang|đến|tới|qua|vào)\s+" + _TIME_WORD + "|"
    r"(?:chuyển|đổi)\s+(?:sang|qua)\s+(?:hình\s+thức\s+)?(?:họp\s+)?(?:trực\s+tuyến|online)"
    r"(?!\w))",
    re.I,
)
MOVED = "dời lịch"
ON_SCHEDULE = "đúng lịch"
_SCHEDULE = frozenset({MOVED, ON_SCHEDULE})


# What denies the words after it, in their clause ("không dời lịch", "sẽ không bị hoãn",
# "chưa được lùi lại"): the word and the helping words between.
_NEGATED = re.compile(
    r"(?<!\w)(?:không|chưa|chẳng|chả|đừng|ko)(?:\s+(?:bị|được|phải|cần|có|thể|hề|còn|định|"
    r"sẽ|nên))*\s+$",
    re.I,
)


def _said(pattern: re.Pattern[str], text: str) -> list[str]:
    """What `pattern` finds in `text`, but where a negation denies it (`_NEGATED`)."""
    return [
        found[0]
        for found in pattern.finditer(text)
        if not _NEGATED.search(text, max(0, found.start() - 40), found.start())
    ]


def _phone(found: re.Match[str]) -> str:
    written = found[0]
    if not written.startswith("+") and len(re.split(r"[\s.-]", written)[0]) < 3:
        return written
    return "0" + re.sub(r"\D", "", written.removeprefix("+84"))


def numbers(text: str) -> frozenset[str]:
    """The numbers written in `text` (plain text): its dates, times, amounts, house and
    telephone numbers, as values (`number_value`; a time "19h30" or "7h30 tối" as
    "19:30", a date in
    words "ngày 5 tháng 12" as "5/12", an amount in words "1,5 triệu" as "1500000", a
    range "7h30-11h" as its two ends, a telephone number as its digits), not those of a
    web address or a file name. A notice whose numbers changed says another thing; one
    reworded or reformatted did not."""
    return _numbers_and_days(unicodedata.normalize("NFC", text))[0]


def _numbers_and_days(text: str) -> tuple[frozenset[str], set[str]]:
    """`numbers` of `text` (NFC), and the days of the week it names (`_weekdays`), read
    once for both."""
    read, days = _weekdays(slashed_dates(_NOT_READ.sub(" ", text)))
    read = _AMOUNT.sub(_amount, read)
    read = _HOUR.sub(r"\1:00", _CLOCK.sub(r"\1:\2", _PHONE.sub(_phone, read)))
    read = _HALF_DAY.sub(_half_day, read)
    written = _NUMBER.findall(read)
    ends = [end for n in written for end in (n.split("-") if _RANGE.search(n) else [n])]
    return frozenset(number_value(n) for n in ends), days


# Words that put off or call off what a notice announces: written into it, its numbers
# unchanged ("Tạm hoãn", "Cuộc họp đã hủy", "KHÔNG TỔ CHỨC"), they are news to its readers.
_CALLED_OFF = re.compile(
    r"\b(?:(?:tạm\s+)?hoãn|tạm\s+(?:dừng|ngừng|ngưng)|không\s+tổ\s+chức|(?:đã|bị)\s+h(?:ủy|uỷ)|"
    r"h(?:ủy|uỷ)\s+bỏ|không\s+còn\s+hiệu\s+lực)\b",
    re.I,
)


# Where a notice sends residents: what follows "Địa điểm:", or "tại" and a place ("tại
# nhà văn hóa khu phố 3", "tại Hội trường UBND phường"; not "hiện tại", "tại sao", "tại số
# điện thoại", "tại đường dây nóng"), to the end of its clause (a comma, the end of a
# sentence, the time: "lúc", "vào", "từ").
_PLACE_NOUNS = (
    r"nhà\s+(?:văn|thi|sinh|thiếu|vh)|nvh|tyt|kp\d*|tdp\d*|hội\s+trường|trụ\s+sở|ubnd|"
    r"(?:ủy|uỷ)\s+ban|phòng|trường|sân|"
    r"điểm|trạm|bộ\s+phận|khu\s+phố|tổ\s+dân|số(?!\s+(?:điện|đt|fax))|đường(?!\s+dây)|phố|"
    r"chợ|công\s+viên|hẻm|ngõ|tầng|"
    r"trung\s+tâm|bệnh\s+viện|đình|chùa|nhà\s+thờ|ban\s+quản|văn\s+phòng|quảng\s+trường"
)
_PLACE = re.compile(
    rf"(?:\bđịa\s+điểm\s*:?\s*|(?<!hiện\s)\btại\s+(?=(?:{_PLACE_NOUNS})\b))"
    r"(?P<place>[^.,;!?\n]+?)(?=\s+(?:lúc|vào|từ|trong)\b|[.,;!?\n]|$)",
    re.I,
)
# Words that name no place of their own: "số 12 đường Lê Lợi" is "12 Lê Lợi". (A place
# with words added or left out is the same place: `unread`.)
_PLACE_FILLER = frozenset({"số", "đường", "tại", "ở"})
# Words a place is written short for, as staff write them: "UBND phường" is "Ủy ban nhân
# dân phường", "trường THCS" "trường trung học cơ sở". Read when places are compared
# (`_place_words`), so that facts kept before they were read still compare.
_PLACE_SHORT = {
    "ubnd": "ủy ban nhân dân",
    "nvh": "nhà văn hóa",
    "vh": "văn hóa",  # "nhà VH"
    "thcs": "trung học cơ sở",
    "thpt": "trung học phổ thông",
    "tyt": "trạm y tế",
    "kp": "khu phố",
    "tdp": "tổ dân phố",
    "của": "",  # "bộ phận một cửa của UBND"
}
_PLACE_WORD = re.compile(r"[^\W_]+")


def _places(text: str) -> set[str]:
    """The places `text` sends residents to, each as one fact: its words, lower-case, in
    one tone placement, sorted ("@hóa lê lợi nhà văn"), so that "Nhà văn hoá (số 12 Lê
    Lợi)" is "nhà văn hóa số 12 đường Lê Lợi", while another place is news. Its numbers
    are facts of their own."""
    places = set()
    for found in _PLACE.finditer(text):
        words = {
            canonical_tone(word.casefold())
            for word in _PLACE_WORD.findall(found["place"])
            if not any(letter.isdigit() for letter in word)  # "12", "19h", "kp3": numbers
        }
        if words := words - _PLACE_FILLER:
            places.add("@" + " ".join(sorted(words)))
    return places


def _place_words(fact: str) -> set[str]:
    """The words of a place fact (`_places`), those written short in full (`_PLACE_SHORT`)."""
    return {word for short in fact[1:].split() for word in _PLACE_SHORT.get(short, short).split()}


def _called_off(text: str) -> set[str]:
    """The words of `text` that put off or call off what it announces, each as one fact."""
    return {
        " ".join(found.casefold().replace("uỷ", "ủy").split()) for found in _said(_CALLED_OFF, text)
    }


def facts(text: str) -> frozenset[str]:
    """What an edit of `text` (plain text) may change that residents act on: its numbers
    (`numbers`), the places it sends them to (`_places`), its days of the week, parts
    of the day and days named from today (`_when`), and the words that put it off or
    call it off, each as one fact ("hoãn", "đã hủy"). A notice whose facts changed says
    another thing."""
    text = unicodedata.normalize("NFC", text)
    found, days = _numbers_and_days(text)
    moved = {MOVED} if _said(_MOVED, text) else set()
    return found | _called_off(text) | _places(text) | days | _when(text) | moved


# Words that only say when, around a notice's numbers and days ("lúc 8 giờ sáng thứ Bảy,
# ngày 5 tháng 12"), and those a post correcting its day, hour or place adds ("đính chính",
# "thời gian mới", "điều chỉnh lại"): no other thing announced.
_WHEN_WORDS = frozenset(
    "lúc vào từ đến tới giờ h g phút sáng trưa chiều tối đêm ngày mùng mồng tháng năm "
    "thời gian hôm nay mai".split()
)
_AMENDED_WORDS = frozenset("đính chính điều chỉnh sửa đổi thay cập nhật lại mới".split())


def words_beside_facts(text: str) -> frozenset[str]:
    """The words of `text` (plain text) that are none of its `facts` nor say when (lower
    case, one tone placement): what a notice is about ("tiêm vắc xin sởi", "họp bàn việc
    làm đường"), which a post correcting its day, hour or place leaves as it was."""
    text = unicodedata.normalize("NFC", _NOT_READ.sub(" ", text))
    for said in (_PLACE, _WEEKDAY, _CALLED_OFF):
        text = said.sub(" ", text)
    words = (canonical_tone(word.casefold()) for word in _PLACE_WORD.findall(text))
    return frozenset(
        word
        for word in words
        if not any(letter.isdigit() for letter in word) and word not in _WHEN_WORDS
    )


def only_facts_changed(before: str, after: str) -> bool:
    """Whether `after` (plain text) is `before` with its facts changed (a day, an hour, a
    place: see `words_beside_facts`) and maybe words saying it was corrected: not another
    notice of the same template ("tiêm vắc xin phòng lao" beside "tiêm vắc xin sởi")."""
    kept, said = words_beside_facts(before), words_beside_facts(after)
    return kept <= said and said - kept <= _AMENDED_WORDS


# A date written with its year: "5/12/2026" (as a value: `number_value`).
_WITH_YEAR = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
# The year a reader takes a date written without one for: that of the day nearest the
# notice's date (a notice of 30/11/2026 that says "5/1" means 5/1/2027).
_NEAREST_DAYS = 183


def _as_read(fact: str, dated: dt.date | None) -> str:
    """`fact`, but a date written with the year that a reader of the notice dated `dated`
    takes it for when written without one ("5/12/2026" in a notice of 30/11/2026) as
    that date without its year ("5/12"): adding the year to a date changes no fact."""
    found = _WITH_YEAR.fullmatch(fact)
    if found is None or dated is None:
        return fact
    day, month, year = (int(part) for part in found.groups())
    try:
        written = dt.date(year, month, day)
    except ValueError:
        return fact
    if abs((written - dated).days) > _NEAREST_DAYS:
        return fact  # another year than a reader would take: "5/12/2025" is news
    return f"{day}/{month}"


_DATE = re.compile(r"(\d{1,2})/(\d{1,2})(?:/(\d{4}))?")


def _dates(found: Iterable[str], dated: dt.date | None) -> set[dt.date]:
    """The days that the facts `found` name, a date without its year in the year nearest
    `dated` (none without it)."""
    days = set()
    for fact in found:
        date = _DATE.fullmatch(fact)
        if date is None:
            continue
        day, month = int(date[1]), int(date[2])
        if date[3] is not None:
            years = [int(date[3])]
        elif dated is not None:
            years = [dated.year - 1, dated.year, dated.year + 1]
        else:
            continue
        with contextlib.suppress(ValueError):  # no such day
            near = dated or dt.date(years[0], month, day)
            days.add(min((dt.date(y, month, day) for y in years), key=lambda d: abs(d - near)))
    return days


def _day_of_week(day: dt.date) -> str:
    """As `_weekdays` names it: "thứ 2" to "thứ 7", "chủ nhật"."""
    return "chủ nhật" if day.weekday() == 6 else f"thứ {day.weekday() + 2}"


def unread(
    now: Iterable[str], told: Iterable[str], dated: dt.date | None, *, left_out: bool = False
) -> frozenset[str]:
    """The facts of `now` that `told` did not say, in a notice dated `dated`: a date
    given its year (or losing it) is the same fact (`_as_read`), and so is a place with
    words added or left out ("nhà văn hóa", "nhà văn hóa khu phố": `_PLACE`), not one
    with other words; a day of the week that a date of `now` falls on says nothing new;
    a part of the day, or a day named from today, is news only instead of another
    ("sáng thứ Hai" made "chiều thứ Hai", "hôm nay" made "ngày mai"), not added or left
    out beside what the notice said ("8h" as "8h sáng thứ Hai", "ngày 5/12" as "ngày mai
    5/12"), nor where `told` was kept by a version that did not read them; but a part of
    the day added to a day with no hour ("ngày 5/12" made "sáng ngày 5/12": the afternoon
    is no longer open) is news, unlike one left out (`left_out`: `now` are the facts an
    edit took out, `told` those it left); nor are words moving it (`MOVED`) where `told` says
    neither they nor `ON_SCHEDULE` (`learnt`)."""
    now = list(now)
    known = {_as_read(fact, dated) for fact in told}
    places = [_place_words(fact) for fact in known if fact.startswith("@")]
    restated = {_day_of_week(day) for day in _dates(now, dated)}
    untold = [kind for kind in (_PARTS_OF_DAY, _RELATIVE_DAYS, _SCHEDULE) if not known & kind]
    # Read by a version that reads parts of the day (they came before the words moving a
    # notice, whose fact or `ON_SCHEDULE` every told set since has), no hour told.
    if not left_out and known & _SCHEDULE and not any(_HOUR_FACT.fullmatch(f) for f in known):
        untold = [kind for kind in untold if kind is not _PARTS_OF_DAY]

    def read(fact: str) -> bool:
        if fact in restated:  # "thứ Năm" of "thứ Năm, ngày 5/12": the date says it
            return True
        if any(fact in kind for kind in untold):  # none of its kind told: said beside
            return True
        if fact.startswith("@"):
            words = _place_words(fact)
            return any(words <= place or place <= words for place in places)
        return _as_read(fact, dated) in known

    return frozenset(fact for fact in now if not read(fact))


def same(now: Iterable[str], told: Iterable[str], dated: dt.date | None) -> bool:
    """Whether the facts `now` say what `told` said, in a notice dated `dated`: none
    unread either way (`unread`)."""
    now, told = list(now), list(told)
    return not unread(now, told, dated) and not unread(told, now, dated, left_out=True)


def notice_numbers(title: str, markdown: str) -> frozenset[str]:
    """The facts of a notice (`facts`): those of its title and of its text as residents
    read it, and `ON_SCHEDULE` when no words move it (`_MOVED`)."""
    found = facts(f"{title}\n{plain(markdown)}")
    return found if MOVED in found else found | {ON_SCHEDULE}


def learnt(told: Iterable[str], now: Iterable[str]) -> frozenset[str]:
    """The facts `told`, kept by a version that did not read whether a notice is moved
    (no `_SCHEDULE` fact), with what the notice says of it `now` (`same` as `told`): so
    that words moving it written next are news, while those it had at the upgrade are
    not. So are its parts of the day and days named from today, when `told` has none (a
    version before that did not read them either): `unread` takes a part of the day
    given to a day with no hour as news where `told` has a `_SCHEDULE` fact."""
    told, now = frozenset(told), frozenset(now)
    if told & _SCHEDULE:
        return told
    learnt = told | (now & _SCHEDULE)
    for kind in (_PARTS_OF_DAY, _RELATIVE_DAYS):
        if not told & kind:
            learnt |= now & kind
    return learnt


def lines_with(text: str, wanted: frozenset[str]) -> list[str]:
    """The lines of `text` (plain text) that write one of the facts `wanted`."""
    return [line.strip() for line in text.splitlines() if wanted & facts(line) and line.strip()]


def _whole_numbers(written: Iterable[str]) -> set[str]:
    """The runs of digits of numbers as values (`number_value`), 0 left out: "1.5" is 1
    and 5, "19:0" is 19."""
    return {str(int(run)) for n in written for run in re.findall(r"\d+", number_value(n))} - {"0"}


def same_as_read_before_22(told: Iterable[str], title: str, markdown: str) -> bool:
    """Whether a notice (`title`, `markdown`) writes the numbers and the words calling it
    off that `told` holds as a version before migration 22 read them: a date in words as
    three numbers, "1,5 triệu" as 1.5, "7 giờ tối" as 7:00, no place nor weekday. The
    digits written are compared, not what they mean (which that reading did not know)."""
    text = unicodedata.normalize("NFC", f"{title}\n{plain(markdown)}")
    read = _PHONE.sub(_phone, _NOT_READ.sub(" ", text))
    told = list(told)
    words = {fact for fact in told if not any(letter.isdigit() for letter in fact)}
    return _whole_numbers(told) == _whole_numbers(_NUMBER.findall(read)) and words == _called_off(
        text
    )
