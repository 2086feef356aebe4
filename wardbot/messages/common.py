"""What the texts of every audience share: the unit the ward office serves ("phường",
"xã"), counts, dates and durations as Vietnamese writes them, channel names, how to reach
the ward office, lists of names, and the edits of faq.yaml made from chat as listed.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence

from wardbot.text import UNITS, fold

# The units (wardbot.text.UNITS), each with its words as written and without diacritics.
_UNITS = tuple((name, name.split(), fold(name).split()) for name in UNITS)


def unit(ward_name: str) -> str:
    """The unit the ward office serves, as its residents call it ("cán bộ xã", "của xã"):
    the first of _UNITS that `ward_name` names, in any case, with its diacritics or
    without ("UBND xa My Phuoc Dien": "xã"); "phường" when it names none."""
    words = re.findall(r"[^\W_]+", unicodedata.normalize("NFC", ward_name).casefold())
    for start in range(len(words)):
        for name, written, plain in _UNITS:
            if words[start : start + len(written)] in (written, plain):
                return name
    return "phường"


# The example of a question for a ward with no FAQ and no notice to ask about (else
# `example_question` picks its own).
_GENERAL_EXAMPLE = "Đăng ký tạm trú cần giấy tờ gì?"

# An FAQ question fit to be shown as an example: one question, plainly worded (no
# brackets, quotes, lists or several sentences), of at least a few words; staff who title
# their entries without a question mark ("Đăng ký kết hôn cần giấy tờ gì") write it so too.
_PLAIN_QUESTION = re.compile(r"[^()\[\]\"“”,;:/.…!?]+\??")
_FEWEST_WORDS = 5
# A notice title fit to be asked about: plainly worded, short enough to type.
_MOST_TITLE_WORDS = 12


def example_question(questions: Iterable[str], titles: Iterable[str] = ()) -> str:
    """The example of a question the greeting, /help and "what do you ask?" give: one the
    ward's own FAQ answers (`questions`, faq.yaml's, in its order), a short, typical one:
    the plainly worded one of the fewest words (at least _FEWEST_WORDS; one with its
    question mark first), the first of them; failing that the shortest. A ward with no FAQ
    is asked about one of its notices (`titles`, newest first): "Cho hỏi về lịch tiêm
    chủng tháng 8", which the bot answers, not a question it has nothing on;
    _GENERAL_EXAMPLE when it has neither."""
    asked = [" ".join(question.split()) for question in questions]
    plain = [q for q in asked if _PLAIN_QUESTION.fullmatch(q) and len(q.split()) >= _FEWEST_WORDS]
    shortest = min(
        plain or [q for q in asked if q],
        key=lambda q: (plain != [] and not q.endswith("?"), len(q.split())),
        default="",
    )
    return shortest or _about_notice(titles) or _GENERAL_EXAMPLE


def _about_notice(titles: Iterable[str]) -> str:
    """The example "Cho hỏi về <title>" for the newest plainly worded, short notice title
    ("" if none): "Về việc cắt điện" is asked "Cho hỏi về việc cắt điện", not "về về"."""
    for title in (" ".join(title.split()) for title in titles):
        if title.isupper():  # "VỀ VIỆC TIÊM PHÒNG …", as residents type it: lower case
            title = title.lower()
        words = title.split()
        if words and fold(words[0]) == "ve":  # "Về việc khởi công …": "Cho hỏi về việc …"
            words = words[1:]
            title = " ".join(words)
        if 3 <= len(words) <= _MOST_TITLE_WORDS and _PLAIN_QUESTION.fullmatch(title):
            first = words[0]
            # "Lịch tiêm chủng" reads "lịch tiêm chủng" mid-sentence; "UBND", "Hà Nội" do not.
            if first[1:].islower() and (len(words) < 2 or not words[1][:1].isupper()):
                title = first.lower() + title[len(first) :]
            return f"Cho hỏi về {title.rstrip('?')}"
    return ""


# Where a chat gets alerts, for the texts that promise them: HERE (Telegram, Zalo);
# ELSEWHERE, on the ward's Zalo or Telegram bot, whose links come with the reply (the web
# chat, when they are configured); NOWHERE (the web chat without such links).
HERE, ELSEWHERE, NOWHERE = "here", "elsewhere", "nowhere"


def figure(count: int) -> str:
    """A count as Vietnamese writes it, its thousands grouped with dots: "12.345" (not for
    ids, numbers typed as commands, years)."""
    return f"{count:,}".replace(",", ".")


WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


def weekday(day: dt.date) -> str:
    """'thứ Hai' ... 'Chủ nhật': the day of the week of `day`."""
    return WEEKDAYS[day.weekday()]


def vn_date(day: dt.date) -> str:
    """15/07/2024: the way dates are written in Vietnamese documents."""
    return day.strftime("%d/%m/%Y")


def contact_line(ward_name: str, hotline: str, address: str = "") -> str:
    """How to reach the ward office: its hotline, or with none set its one-stop desk (at
    `address`, WARD_ADDRESS, when one is given)."""
    if hotline:
        return f"gọi đường dây nóng {hotline}"
    at = f" ({address})" if address else ""
    return f"liên hệ Bộ phận Một cửa của {ward_name}{at} trong giờ hành chính"


CHANNEL_NAMES = {
    "telegram": "Telegram",
    "zalo": "Zalo",
    "zalo-oa": "Zalo OA",  # the ward's Official Account, as residents know it
    "web": "trang web",
    "terminal": "máy tính",
}


def channel_name(channel: str) -> str:
    return CHANNEL_NAMES.get(channel, channel)


def duration(seconds: float) -> str:
    """'5 phút', '3 giờ', '2 ngày': roughly how long ('dưới 1 phút': not a minute)."""
    minutes = max(0, round(seconds / 60))
    if minutes < 1:
        return "dưới 1 phút"
    if minutes < 60:
        return f"{minutes} phút"
    hours = round(minutes / 60)
    if hours < 48:
        return f"{hours} giờ"
    return f"{round(hours / 24)} ngày"


def _all_of(count: int, noun: str) -> str:
    """ "cả 12 chủ đề" (all 12 topics); one is no whole: "chủ đề"."""
    return noun if count == 1 else f"cả {figure(count)} {noun}"


def _quoted(names: Sequence[str]) -> str:
    """“A”, “B” và “C”."""
    quoted = [f"“{name}”" for name in names]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} và {quoted[-1]}"


def chat_edit_rows(edits: Sequence[tuple[str, str, str, bool]]) -> str:
    """Edits of faq.yaml made from chat, one line each: (when, entry, the way of asking it
    added, whether it made the entry)."""
    return "\n".join(
        f"• {at}: mục mới {entry_id} (“{asked}”)"
        if new_entry
        else f"• {at}: cách hỏi “{asked}” của mục {entry_id}"
        for at, entry_id, asked, new_entry in edits
    )
