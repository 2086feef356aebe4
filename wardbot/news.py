"""Asking what is new about a subject ("có gì mới về bhyt không", "học bổng có thông báo gì
mới chưa"), and which of the ward's notices are on it.

A notice is on a subject when its `topics` (as written, or tagged from the topics' keywords
when it is loaded) hold the topic the subject names. A notice with no topic, and every
notice when the subject names no topic ("cắt nước có gì mới không"), is on it when its
title has all the subject's words, accents aside.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence

from wardbot.models import Announcement
from wardbot.small_talk import ASKING
from wardbot.text import UNITS, fold, plain_words

LATEST_LISTED = 5  # notices /latest lists, newest first, and "có gì mới về bhyt" too

# Asked at the end of "có gì mới không", as the south says it too ("hông", "hông ta"), and
# whom it is asked of ("... không anh", "... chưa em", "... hông chị").
_WHOM = r"(?: (?:anh|em|chi|ad|admin|ban|bot|a|ha|vay|nhi|nha|nhe))*"
ASKED = rf"(?: khong| ko| k| hong| hok| chua)(?: ta| ha| vay)?{_WHOM}"
# "... chưa": whether it has come out yet.
_YET = rf" chua(?: ta| ha| vay)?{_WHOM}"
_NEWS = r"(?:tin|tin tuc|thong bao|ban tin)"
_NEW = r"(?:moi nhat|moi|gan day|gan nhat)"
# When: "dạo này", "gần đây" ... before or after the subject, no part of it.
_LATELY = r"(?:dao nay|gan day|hom nay|tuan nay|thang nay|nam nay|hien nay|moi day|luc nay)"
# "(có tin gì) về (chủ đề) X", "liên quan đến X".
_ABOUT = (
    r"(?:ve|lien quan(?: den| toi)?)"
    r"(?: (?:chu de|linh vuc|van de|viec|mang|cac|nhung))?"
)
_SUBJECT = r"(?P<subject>\w+(?: \w+){0,4}?)"
_WHEN = rf"(?: {_LATELY})?"
_SHOW = r"(?:(?:xem|coi|doc) )?(?:(?:cac|nhung) )?"
# "Gì", as the centre says it too ("có chi mới không", "bhyt có tin chi mới không rứa").
WHAT = r"(?:gi|chi)"
# Asking or calling, before what is asked: "cho em hỏi", "dạ", "chị ơi", "ad ơi".
_OPENING = (
    r"(?:(?:da|vang|(?:cho|xin)(?: (?:em|minh|toi|tui|con|chau))? hoi"
    r"|(?:anh|chi|em|ad|admin|bot|ban|co|chu|bac|ong|ba|moi nguoi|ca nha) oi) )*"
)
_OPENED = re.compile(_OPENING)
_ASKING_NEWS = tuple(
    re.compile(pattern)
    for pattern in (
        # "(Dạo này) có gì mới về X không", "có thông báo mới về X không", "có tin gì về X".
        rf"{_OPENING}(?:(?:{_LATELY}|ben|o|oi) )*"
        rf"co (?:{_NEWS}(?: {WHAT}| nao)?(?: {_NEW})?|{WHAT} {_NEW})"
        rf" {_ABOUT} {_SUBJECT}{_WHEN}(?:{ASKED})?",
        # "(Về) X (dạo này) có gì mới chưa", "X có thông báo gì không".
        rf"{_OPENING}(?:(?:{_LATELY}|ve) )*{_SUBJECT}{_WHEN} co"
        rf" (?:{WHAT} {_NEW}(?:{ASKED})?|{_NEWS}(?: (?:{WHAT}|nao)(?: {_NEW})?| {_NEW}){ASKED})",
        # "(Xem) tin mới về X", "thông báo mới nhất của X", "thông báo về X mới nhất".
        rf"{_SHOW}{_NEWS} {_NEW} (?:{_ABOUT}|cua) {_SUBJECT}",
        rf"{_SHOW}{_NEWS} {_ABOUT} {_SUBJECT} (?:moi nhat|gan day|gan nhat)",
    )
)
# Asked more loosely, news of a subject only when it names a topic (the caller's to tell):
# "bhyt (đã) có thông báo chưa", "học bổng có lịch chưa", "(đã) có lịch phát thẻ bhyt
# chưa", "có thông báo học bổng chưa". Naming no topic ("có lịch tiếp dân chưa", "có
# thông báo nhận tiền chưa"), or with "không" ("lưu trú có thông báo không": must one
# tell?), they are questions.
_SCHEDULE = rf"(?:{_NEWS}|lich)(?: {_NEW})?"
_ASKING_TOPIC_NEWS = tuple(
    re.compile(pattern)
    for pattern in (
        rf"{_OPENING}(?:ve )?{_SUBJECT}{_WHEN} (?:da )?co {_SCHEDULE}{_YET}",
        rf"{_OPENING}(?:da )?co {_SCHEDULE} {_SUBJECT}{_WHEN}{_YET}",
    )
)
# Words before a topic's name that add nothing to it: "(về) (chủ đề) bhyt", "các học bổng".
_AROUND_TOPIC = re.compile(r"(?:(?:ve|lien quan(?: den| toi)?|chu de|linh vuc|mang|cac|nhung) )+")
# Words naming the ward itself, or no one: "phường mình", "bên xã", "ubnd phường 2" are
# no subject (what is new there is all /latest lists).
_NO_SUBJECT = frozenset(
    {word for unit in UNITS for word in fold(unit).split()}
    | {"ubnd", "uy", "ban", "nhan", "dan", "minh", "ta", "ben", "o", "nay", "ni", "do"}
    | {"anh", "chi", "em", "ad", "admin", "bot"}  # asked of whoever answers: "anh có gì mới không"
)
# The subject going on to ask or tell something else: "có tin gì về bhyt thì báo em".
_NOT_A_SUBJECT = frozenset({"thi", "khi", "neu"})
# The resident's own matters ("hồ sơ của tôi", "đơn em nộp", "con tôi"): their state is
# asked, not the ward's notices.
_MINE = re.compile(r"\b(?:toi|tui|tao|tau|(?:cua|ma) (?:em|minh|con|chau))\b")
# Pointing back at what was said ("cái này", "vụ đó", "nó"): no subject of its own.
_POINTING = frozenset({"nay", "ni", "do", "kia", "no", "day"})
_POINTED = frozenset({"cai", "vu", "viec", "chuyen", "van", "de", "thu", "may", "nhung"})


def subject_asked(said: str, original: Sequence[str]) -> str | None:
    """When `said` (folded words, politeness stripped) asks what is new: the subject it
    names, as typed in `original`, or "" (none: "phường mình có gì mới không"); None when
    it asks no such thing, or asks more of it ("học bổng nào có gì mới")."""
    return _subject(said, original, _ASKING_NEWS)


def topic_news_asked(said: str, original: Sequence[str]) -> str | None:
    """When `said` (as `subject_asked` reads it) asks whether news of a subject is out yet
    ("bhyt có thông báo chưa", "đã có lịch phát thẻ bhyt chưa"): the subject, as typed;
    news asked only if it names a topic, else a question. None when not so asked."""
    return _subject(said, original, _ASKING_TOPIC_NEWS) or None


def topic_words(subject: str) -> str:
    """`subject` folded, without the words before a topic's name that add nothing to it
    ("về chủ đề bhyt": "bhyt"); what is left names a topic, or more than one ("phát thẻ
    bhyt")."""
    folded = plain_words(subject)
    match = _AROUND_TOPIC.match(folded + " ")
    rest = folded[match.end() :] if match else folded
    return rest or folded


def _subject(said: str, original: Sequence[str], asking: Sequence[re.Pattern[str]]) -> str | None:
    match = next(filter(None, (pattern.fullmatch(said) for pattern in asking)), None)
    if match is None:
        return None
    subject = match.group("subject")
    opening = _OPENED.match(subject + " ")  # "cho em hỏi bhyt có gì mới": of "bhyt"
    opened = len(opening.group().split()) if opening else 0
    start = len(said[: match.start("subject")].split())
    if subject.split()[opened:][:1] == ["hoi"] and _typed(original[start + opened]) != "hội":
        opened += 1  # "em hỏi bhyt có gì mới" ("hội khuyến học" is a subject)
    words = subject.split()[opened:]
    if not words:  # "cho em hỏi có gì mới không": what is new, of nothing
        return ""
    said_words = " ".join(words)
    if ASKING.search(said_words) or _NOT_A_SUBJECT.intersection(words) or _MINE.search(said_words):
        return None
    if set(words) <= _POINTING | _POINTED and _POINTING.intersection(words):
        return None  # "có gì mới về cái này không": asked of what was said, a question
    if all(word in _NO_SUBJECT or word.isdigit() for word in words):
        return ""
    return " ".join(original[start + opened : start + opened + len(words)])


def _typed(word: str) -> str:
    return unicodedata.normalize("NFC", word).casefold()


def on_subject(
    notices: Iterable[Announcement], topics: Collection[str], subject: str
) -> list[Announcement]:
    """The `notices` on the subject typed as `subject`, which names the topics of ids
    `topics` (perhaps none), in the order given."""
    wanted = plain_words(subject).split()
    return [
        notice
        for notice in notices
        if (topics and notice.topics and set(topics).intersection(notice.topics))
        or ((not topics or not notice.topics) and _titled(notice, wanted))
    ]


def _titled(notice: Announcement, words: Sequence[str]) -> bool:
    title = set(plain_words(notice.title).split())
    return bool(words) and all(word in title for word in words)
