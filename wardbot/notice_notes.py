"""Notes put above a reply when an in-force notice changes what it means for the resident.

- Whether the office is open on a day ("hôm nay phường có làm việc không", "mai ủy ban mở
  cửa hông", "thứ 7 có làm không", "2/9 phường có nghỉ không"): a current notice about a
  closure (its title: "nghỉ", "nghỉ lễ", "nghỉ Tết", "tạm ngừng/dừng tiếp nhận", "không làm
  việc") whose closure dates cover that day is said first; one naming no date it can read
  is said as in force. Without such a notice, a day in OFFICE_CLOSED is said to be closed.
- Whether something is still open ("còn hạn nộp không", "hết hạn chưa", "còn nhận không")
  answered with an FAQ entry: the notice on the same matter (its title sharing two words
  in a row with the question or the entry, and a topic when both have topics) whose
  `expires` is set says until when it runs, or that it ended.

A sentence each, in Vietnamese; the usual reply follows unchanged.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import unicodedata
from collections.abc import Iterable

from wardbot import facts, weekdays
from wardbot import messages as msg
from wardbot.hours import OfficeHours
from wardbot.models import Announcement, FaqEntry
from wardbot.text import fold

# Asking whether the office is open (folded): the verb, then a question word.
_ASKS_OPEN = re.compile(
    r"\b(?:lam viec|mo cua|truc|tiep dan|tiep nhan(?: ho so)?|nhan ho so|nghi(?: le| tet)?"
    r"|dong cua|lam|mo)(?: binh thuong| nua| ca ngay)? "
    r"(?:khong|ko|k|kh|hong|hok|hem|khum|kg|ha)\b"
)
# The office named: without a day, "phường có làm việc không" asks of today.
_OFFICE = re.compile(r"\b(?:phuong|xa|thi tran|uy ban|ubnd|ub|mot cua|van phong|tru so|co quan)\b")
_TODAY = re.compile(r"\b(?:hom|bua|ngay) nay\b|^nay\b")
# Not "mai táng" (a burial), "mai mốt", "mai kia", "mai sau" (some day), "chị Mai", "hoa mai".
_TOMORROW = re.compile(
    r"(?<!\bchi )(?<!\bco )(?<!\bba )(?<!\bong )(?<!\bchu )(?<!\bbac )"
    r"(?<!\bhoa )(?<!\bcay )\bmai\b(?! (?:tang|mot|kia|sau)\b)"
)
# "Mai" written with a capital after the first word is a name ("hỏi Mai có làm không").
_MAI_NAMED = re.compile(r"\S\s+Mai\b")
_AFTER_TOMORROW = re.compile(r"\b(?:ngay kia|ngay mot|bua mot)\b")
# Other days than one: "cuối tuần", "ngày lễ" ask of no single day.
_NO_ONE_DAY = re.compile(r"\b(?:cuoi tuan|ngay le|dip le|dip tet|ngay nghi|mai (?:mot|kia|sau))\b")
# Someone else's day off or work asked of: "mai học sinh có được nghỉ không".
_OTHERS = re.compile(
    r"\b(?:hoc sinh|sinh vien|nghi hoc|truong hoc|nha truong|cong ty|doanh nghiep"
    r"|nguoi lao dong|cong nhan|benh vien|ngan hang|buu dien)\b"
)
_DATE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?:/(\d{4}))?(?![\d/])")
# A date range as notices write it: "từ ngày 1/9 đến hết ngày 2/9/2026", "30/4 - 1/5".
_RANGE = re.compile(
    r"(?<![\d/])(\d{1,2}/\d{1,2}(?:/\d{4})?)\s*(?:[-–—]|\bden\b)\s*(?:het\s+)?(?:ngay\s+)?"
    r"(\d{1,2}/\d{1,2}(?:/\d{4})?)(?![\d/])"
)
# A range whose first day is written without its month, "từ ngày 13 đến 16/2", "ngày
# 30 - 2/1", "từ 4 đến hết ngày 5/12/2026" (folded, dates with slashes): that day is of the
# last one's month, or of the month before when it comes later in a month.
_SAME_MONTH = re.compile(
    r"\b(?P<from>tu (?:ngay )?|ngay )(?P<day>\d{1,2})(?P<to>\s*(?:[-–—]|\bden\b)\s*(?:het\s+)?"
    r"(?:ngay\s+)?)(?P<last>\d{1,2})/(?P<month>\d{1,2})(?:/(?P<year>\d{4}))?(?![\d/])"
)

# A closure of the office in a notice's title, as written (lower case, with its accents):
# "nghị" (a resolution, "đề nghị") folds to the same word as "nghỉ", so accents decide. A
# stop of something else ("tạm ngừng cấp nước", "tạm ngừng cung cấp điện", "tạm nghỉ sinh
# hoạt câu lạc bộ", "nhà nghỉ") is none: what stops is named.
_CLOSURE = re.compile(
    r"\blịch\s+nghỉ\b|\bnghỉ\s+(?:lễ|tết|bù|làm\s+việc|giỗ|quốc\s+khánh|ngày|dịp)\b"
    r"|\b(?:tạm\s+)?(?:ngừng|dừng|ngưng|nghỉ)\s+(?:việc\s+)?(?:tiếp\s+nhận|làm\s+việc"
    r"|tiếp\s+(?:công\s+)?dân|giải\s+quyết|trả\s+kết\s+quả)\b|\bkhông\s+làm\s+việc\b"
)
# The same in a title typed without any accent.
_CLOSURE_FOLDED = re.compile(
    r"\bnghi (?:le|tet|bu)\b|\blich nghi\b|\btam (?:ngung|dung) (?:tiep nhan|lam viec)\b"
    r"|\bkhong lam viec\b"
)
# A title naming others' days off, not the office's: "cho học sinh nghỉ học", "nhà nghỉ".
_OTHERS_OFF = re.compile(r"\b(?:hoc sinh|sinh vien|nghi hoc|nha nghi|truong hoc|cac truong)\b")
# Staff on duty through the closure, for some matters: "lịch trực", "vẫn tiếp nhận".
_ON_DUTY = re.compile(
    r"\btrực\b(?!\s+(?:tuyến|tiếp\b(?!\s+nhận)))|\bvẫn\s+(?:làm\s+việc|tiếp\s+nhận|giải\s+quyết"
    r"|trực)\b"
)
# A part of a sentence naming when work starts again, not days closed: "làm lại từ 3/9".
_REOPENS = re.compile(
    r"\b(?:lam viec (?:lai|tro lai|binh thuong)|tro lai lam viec|di lam lai|lam lai|hoat dong lai"
    r"|tiep nhan (?:lai|tro lai))\b"
)
_CLOSING_WORDS = re.compile(r"\bnghi\b|\btam (?:ngung|dung)\b|\bngung\b|\bkhong lam viec\b")
# A notice naming no date still counts this long after it was published.
UNDATED_DAYS = 30

# Asking whether a deadline is still ahead (folded).
_ASKS_DEADLINE = re.compile(
    r"\b(?:con han|het han|qua han|tre han|con nhan|con kip|con dang ky|con nop"
    r"|han (?:chot|cuoi|nop|dang ky)|nhan den (?:bao gio|khi nao|ngay nao))\b"
)
# A card's or paper's validity, not a notice's time: "thẻ BHYT còn hạn không", "CCCD hết
# hạn thì đổi ở đâu", "giấy phép hết hạn chưa".
_VALIDITY = re.compile(
    r"\b(?:the|giay|cccd|cmnd|can cuoc|ho chieu|bang lai|hop dong|visa|thi thuc|tam tru)\b"
    r"(?: [a-z0-9]+){0,3} (?:con|het|qua|sap het) han\b|\b(?:khi|neu|bi) het han\b"
    r"|\bhet han (?:thi|roi thi|phai|can|lam sao)\b"
)
# Words any question or title may hold: two of them in a row say nothing of the matter.
_GENERIC = frozenset(
    (
        "con han het qua tre kip nhan nop ho so dang ky khong ko k kh hong hok chua nua vay"
        " a ha nhe oi cho em toi minh hoi la co duoc den bao gio khi nao ngay thi da thong"
        " bao ve viec cua phuong xa nam thang va cac tai"
    ).split()
)
# How long after its expiry a notice is still told as ended.
ENDED_DAYS = 180


def asked_day(question: str, today: dt.date) -> dt.date | None:
    """The day `question` asks whether the office is open on; None when it asks no such
    thing (or of no single day: "cuối tuần")."""
    text = fold(question)
    if not _ASKS_OPEN.search(text) or _NO_ONE_DAY.search(text) or _OTHERS.search(text):
        return None
    if _AFTER_TOMORROW.search(text):
        return today + dt.timedelta(days=2)
    if _TODAY.search(text):
        return today
    if _TOMORROW.search(text) and not (_MAI_NAMED.search(question) and "mai" not in question):
        return today + dt.timedelta(days=1)
    if (found := _DATE.search(text)) is not None:
        return _day_of(found[0], today)
    if (typed := weekdays.TYPED_WEEKDAY.search(text)) is not None:
        return today + dt.timedelta(days=(weekdays.weekday(typed) - today.weekday()) % 7)
    return today if _OFFICE.search(text) else None


def _day_of(written: str, near: dt.date) -> dt.date | None:
    """'2/9' or '2/9/2026' as a date; without a year, the one nearest after `near` less a
    month (a notice of late December names 1/1 of the year after)."""
    day, month, *year = (int(n) for n in written.split("/"))
    try:
        found = dt.date(year[0] if year else near.year, month, day)
        if not year and found < near - dt.timedelta(days=31):
            found = found.replace(year=near.year + 1)
    except ValueError:
        return None
    return found


def _closure(notice: Announcement) -> bool:
    title = unicodedata.normalize("NFC", notice.title).casefold()
    if _OTHERS_OFF.search(fold(title)):
        return False
    return bool(_CLOSURE.search(title) or (fold(title) == title and _CLOSURE_FOLDED.search(title)))


def _on_duty(notice: Announcement) -> bool:
    """Whether `notice` says staff stay on duty for some matters while the office is closed."""
    text = unicodedata.normalize("NFC", f"{notice.title}\n{notice.body}").casefold()
    return bool(_ON_DUTY.search(text))


def closed_days(notice: Announcement) -> list[tuple[dt.date, dt.date]]:
    """The spans of days (both ends included) `notice` says the office is closed: the
    dates in its title and in its sentences about closing, not those saying when work
    starts again."""
    spans: list[tuple[dt.date, dt.date]] = []
    clauses = [notice.title, *re.split(r"[.;\n]", notice.body)]
    # "ngày 14 tháng 02 năm 2026", "2 tháng 9" are read as "14/02/2026", "2/9".
    for sentence in (facts.slashed_dates(fold(c), bare=True) for c in clauses):
        if not _CLOSING_WORDS.search(sentence):
            continue
        # "nghỉ từ 1/9 đến hết 2/9, đi làm lại từ 3/9": the part saying work starts again
        # names no closed day.
        clause = ",".join(p for p in sentence.split(",") if not _REOPENS.search(p))
        clause = _SAME_MONTH.sub(_month_given, clause)
        for start, end in _RANGE.findall(clause):
            first, last = _day_of(start, notice.date), _day_of(end, notice.date)
            if first and last and first <= last:
                spans.append((first, last))
        alone = _RANGE.sub(" ", clause)
        spans += [(day, day) for d in _DATE.finditer(alone) if (day := _day_of(d[0], notice.date))]
    return spans


def _month_given(found: re.Match[str]) -> str:
    """A `_SAME_MONTH` range with its first day's month (and year) written out."""
    month, year = int(found["month"]), found["year"]
    if int(found["day"]) > int(found["last"]):  # "30 - 2/1": December's 30th
        month = month - 1 or 12
        if year and month == 12:
            year = str(int(year) - 1)
    first = f"{found['day']}/{month}" + (f"/{year}" if year else "")
    last = found.string[found.start("last") : found.end()]
    return f"{found['from']}{first}{found['to']}{last}"


def closure_note(
    question: str,
    notices: Iterable[Announcement],
    today: dt.date,
    ward_name: str,
    hours: OfficeHours | None = None,
) -> tuple[str, Announcement | None] | None:
    """The sentence to put first when `question` asks whether the office is open on a day:
    closed by a current closure notice, or while a closure notice naming no date is in
    force; else, with OFFICE_HOURS (`hours`) set, closed that day (OFFICE_CLOSED, or a
    weekday without hours: "chủ nhật có làm việc không") or open, and when. With the
    notice (None for OFFICE_HOURS). None otherwise."""
    day = asked_day(question, today)
    if day is None:
        return None
    undated = None
    for notice in sorted(notices, key=lambda n: n.date, reverse=True):
        if not notice.is_current(today) or not _closure(notice):
            continue
        spans = closed_days(notice)
        if any(start <= day <= end for start, end in spans):
            said = _day_said(day, today)
            closed_so = msg.closed_on_duty if _on_duty(notice) else msg.closed_by_notice
            return closed_so(said, notice.title, notice.date, ward_name), notice
        recent = notice.expires is not None or (today - notice.date).days <= UNDATED_DAYS
        if not spans and recent and undated is None:
            undated = notice
    if undated is not None:
        return msg.closure_in_force(undated.title, undated.date, ward_name), undated
    if hours is None:
        return None
    said = _day_said(day, today)
    if day in hours.closed:
        return msg.closed_that_day(said, ward_name), None
    open_hours = hours.hours_on(day)
    if open_hours is None:
        return msg.closed_weekday(said, ward_name), None
    return msg.open_that_day(said, open_hours, ward_name), None


def _day_said(day: dt.date, today: dt.date) -> str:
    """'hôm nay (thứ Ba, 01/09/2026)', 'ngày mai (…)', 'thứ Năm, 03/09/2026'."""
    named = f"{msg.weekday(day)}, {msg.vn_date(day)}"
    days = (day - today).days
    return f"hôm nay ({named})" if days == 0 else f"ngày mai ({named})" if days == 1 else named


def deadline_note(
    question: str, entry: FaqEntry, notices: Iterable[Announcement], today: dt.date
) -> tuple[str, Announcement] | None:
    """When `question` asks whether `entry`'s matter is still open, the sentence saying
    until when its notice runs or that it ended, and the notice; None otherwise."""
    text = fold(question)
    if not _ASKS_DEADLINE.search(text) or _VALIDITY.search(text):
        return None
    pairs = _pairs(question) | _pairs(entry.question)
    if not pairs:
        return None
    found = [
        notice
        for notice in notices
        if notice.expires is not None
        and (today - notice.expires).days <= ENDED_DAYS
        and (not entry.topics or not notice.topics or set(entry.topics) & set(notice.topics))
        and pairs & _pairs(notice.title)
    ]
    if not found:
        return None
    notice = max(found, key=lambda n: (n.date, n.id))
    if notice.expires is None or notice.is_current(today):
        return msg.open_until(notice.title, notice.expires or today), notice
    return msg.ended_on(notice.title, notice.expires), notice


def _pairs(text: str) -> set[str]:
    """Two words in a row of `text` (folded) that are not both words any text holds."""
    words = re.findall(r"[a-z0-9]+", fold(text))
    return {
        f"{a} {b}"
        for a, b in itertools.pairwise(words)
        if a not in _GENERIC and b not in _GENERIC and not (a.isdigit() or b.isdigit())
    }
