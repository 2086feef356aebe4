"""What an in-force notice changes in a reply (wardbot.notice_notes): asked whether the
office is open on a day a holiday notice closes it, the resident is told so first (not
sent on a wasted trip by the usual hours); asked whether applications are still taken,
an FAQ answer says when the matter's notice ended, or until when it runs.

A ward of its own, on 1/9/2026 (a Tuesday), the day before National Day: a notice closes
the office on 1/9 and 2/9, work starts again on 3/9; another, its dates in words, stops
taking files on 10/9 and 11/9; a scholarship notice ended 20/8.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from own_ward import own_ward

from wardbot.config import Settings
from wardbot.conversation import Conversation
from wardbot.engine import Engine
from wardbot.hours import Closures, OfficeHours
from wardbot.models import Announcement, FaqEntry
from wardbot.notice_notes import asked_day, closed_days, closure_note, deadline_note
from wardbot.reply import Reply
from wardbot.store import ChatRef, Store

TODAY = dt.date(2026, 9, 1)  # a Tuesday
CHAT = ChatRef("test", "22")

HOURS_ANSWER = "Bộ phận một cửa làm việc từ thứ Hai đến thứ Sáu, sáng 7h30 - 11h30."
FAQ = f"""\
topics:
  - id: khuyen-hoc
    name: Khuyến học
    keywords: [học bổng, khuyến học]
faq:
  - id: gio-lam-viec
    question: Giờ làm việc của phường thế nào?
    variants: [phường có làm việc không, ủy ban mở cửa mấy giờ, bộ phận một cửa làm việc giờ nào]
    answer: |
      {HOURS_ANSWER}
  - id: ho-so-hoc-bong
    question: Xin học bổng khuyến học cần hồ sơ gì?
    variants: [nộp hồ sơ học bổng khuyến học, hồ sơ học bổng gồm những gì]
    answer: |
      Đơn xin học bổng có xác nhận của nhà trường và bảng điểm năm học trước.
    topics: [khuyen-hoc]
"""
HOLIDAY_TITLE = "Thông báo lịch nghỉ lễ Quốc khánh năm 2026"
SCHOLARSHIP_TITLE = "Thông báo nhận hồ sơ xét học bổng khuyến học năm 2026"
STOCKTAKE_TITLE = "Thông báo tạm ngừng tiếp nhận hồ sơ để kiểm kê"
NOTICES = {
    "2026-08-25-nghi-le.md": f"""---
title: {HOLIDAY_TITLE}
date: 2026-08-25
expires: 2026-09-02
---
Cán bộ phường nghỉ lễ từ ngày 1/9 đến hết ngày 2/9/2026, đi làm lại từ ngày 3/9/2026.
""",
    # Its dates in words: closed 10-11/9 (a Thursday and a Friday), taking files again 14/9.
    "2026-08-28-kiem-ke.md": f"""---
title: {STOCKTAKE_TITLE}
date: 2026-08-28
---
Bộ phận một cửa tạm ngừng tiếp nhận hồ sơ từ ngày 10 tháng 09 năm 2026 đến hết ngày 11 tháng 9
năm 2026, tiếp nhận lại từ ngày 14 tháng 9.
""",
    "2026-07-15-hoc-bong.md": f"""---
title: {SCHOLARSHIP_TITLE}
date: 2026-07-15
expires: 2026-08-20
topics: [khuyen-hoc]
---
Hội Khuyến học phường nhận hồ sơ đến hết ngày 20/8/2026.
""",
}

ward, engine, settings, store = own_ward(FAQ, "notice-notes-ward", TODAY, NOTICES)


@pytest.fixture
def conversation(engine: Engine, store: Store, settings: Settings) -> Conversation:
    return Conversation(engine, store, settings)


async def ask(conversation: Conversation, text: str) -> Reply:
    replies = await conversation.handle_text(CHAT, text)
    assert replies, f"no reply to {text!r}"
    return replies[0]


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("hôm nay phường có làm việc không ạ", "hôm nay (thứ Ba, 01/09/2026)"),
        ("bua nay uy ban co mo cua hong", "hôm nay (thứ Ba, 01/09/2026)"),
        ("phường có làm việc không", "hôm nay (thứ Ba, 01/09/2026)"),
        ("mai phuong lam viec ko", "ngày mai (thứ Tư, 02/09/2026)"),
        ("thứ 4 bộ phận một cửa có làm việc không", "ngày mai (thứ Tư, 02/09/2026)"),
        ("ngày 2/9 ủy ban có mở cửa không chị", "ngày mai (thứ Tư, 02/09/2026)"),
    ],
)
async def test_a_day_a_holiday_notice_closes_is_said_first_then_the_hours(
    conversation: Conversation, text: str, day: str
) -> None:
    reply = await ask(conversation, text)
    first, _, rest = reply.text.partition("\n\n")
    assert day in first, text
    assert "nghỉ" in first and f"“{HOLIDAY_TITLE}”" in first, text
    # The usual reply still follows (here the hours, where the search finds them).
    assert HOURS_ANSWER in rest or text == "bua nay uy ban co mo cua hong", text
    assert any(b.action == "ann:2026-08-25-nghi-le" for b in reply.buttons), "it opens there"


@pytest.mark.parametrize(
    "text",
    [
        "thứ 5 phường có làm việc không",  # 3/9: work starts again (the notice says so)
        "thu hai uy ban co mo cua khong",  # 7/9
        "giờ làm việc của phường thế nào",  # asks no day
    ],
)
async def test_a_day_the_notice_leaves_open_gets_the_hours_alone(
    conversation: Conversation, text: str
) -> None:
    reply = await ask(conversation, text)
    assert reply.text.strip() == HOURS_ANSWER, text


@pytest.mark.parametrize(
    "text",
    [
        "còn hạn nộp hồ sơ học bổng không",
        "hồ sơ học bổng khuyến học hết hạn chưa",
        "học bổng khuyến học còn nhận hồ sơ không chị",
    ],
)
async def test_asked_whether_still_open_the_answer_says_its_notice_ended(
    conversation: Conversation, text: str
) -> None:
    reply = await ask(conversation, text)
    assert reply.title == "Xin học bổng khuyến học cần hồ sơ gì?", text
    first, _, rest = reply.text.partition("\n\n")
    assert f"“{SCHOLARSHIP_TITLE}” đã hết hạn từ ngày 20/08/2026" in first, text
    assert "bảng điểm" in rest, text


async def test_a_deadline_not_asked_gets_the_answer_alone(conversation: Conversation) -> None:
    reply = await ask(conversation, "xin học bổng khuyến học cần hồ sơ gì")
    assert "hết hạn" not in reply.text
    assert reply.text.startswith("Đơn xin học bổng")


async def test_a_day_in_office_closed_is_said_closed_without_a_notice(
    engine: Engine, store: Store, settings: Settings
) -> None:
    hours = OfficeHours.parse("T2-T6 7:30-11:30")
    closed = replace(hours, closed=Closures.parse("4/9/2026"))
    conversation = Conversation(engine, store, replace(settings, office_hours=closed))
    reply = await ask(conversation, "thứ 6 phường có làm việc không")
    assert reply.text.startswith("⚠️ Dạ, thứ Sáu, 04/09/2026 là ngày nghỉ của phường")
    assert HOURS_ANSWER in reply.text


@pytest.mark.parametrize(
    ("text", "note", "entry"),
    [
        (
            "chủ nhật phường có làm việc không",
            "⚠️ Dạ, Chủ nhật, 06/09/2026 phường không làm việc ạ.",
            True,
        ),
        (
            "chúa nhựt ủy ban có làm hông",
            "⚠️ Dạ, Chủ nhật, 06/09/2026 phường không làm việc ạ.",
            False,
        ),
        (
            "thu 7 phuong co mo cua ko",
            "🕐 Dạ, thứ Bảy, 05/09/2026 phường có làm việc, từ 7:30–11:30 ạ.",
            True,
        ),
        (
            "thứ năm ủy ban có làm việc không",
            "🕐 Dạ, thứ Năm, 03/09/2026 phường có làm việc, từ 7:30–11:30 và 13:30–17:00 ạ.",
            False,
        ),
    ],
)
async def test_a_day_asked_of_is_answered_from_the_office_hours(
    engine: Engine, store: Store, settings: Settings, text: str, note: str, entry: bool
) -> None:
    """With OFFICE_HOURS set, "is the office open on Sunday" is answered for that day
    first (before, only a holiday in OFFICE_CLOSED or a closure notice was said: a ward
    whose FAQ entry names no Sunday left the resident to work it out), the FAQ entry on
    working hours under it."""
    hours = OfficeHours.parse("T2-T6 7:30-11:30, 13:30-17:00; T7 7:30-11:30")
    conversation = Conversation(engine, store, replace(settings, office_hours=hours))
    reply = await ask(conversation, text)
    first, _, rest = reply.text.partition("\n\n")
    assert first == note, text
    # Under it, the entry on working hours when it answers (as it must for the questions
    # worded as the entry is; the others are near the line, and refits move it); else
    # nothing, not "em chưa có thông tin" under a note that has just told it.
    assert rest == "" or HOURS_ANSWER in rest, (text, rest)
    assert HOURS_ANSWER in rest or not entry, text
    assert "chưa có thông tin" not in reply.text, text
    # Without OFFICE_HOURS, no day is said: the hours are not known.
    plain = await ask(Conversation(engine, store, settings), text)
    assert not plain.text.startswith(("⚠️", "🕐")), text


def _notice(title: str, body: str, expires: dt.date | None = None) -> Announcement:
    return Announcement("n", title, dt.date(2026, 8, 28), body=body, expires=expires)


def test_a_closure_naming_no_date_is_told_while_in_force() -> None:
    notice = _notice("Tạm ngừng tiếp nhận hồ sơ để nâng cấp hệ thống", "Mong bà con thông cảm.")
    said = closure_note("nay phường có nhận hồ sơ không", [notice], TODAY, "Phường 5")
    assert said is not None and said[1] is notice
    assert "đang có thông báo “Tạm ngừng tiếp nhận hồ sơ" in said[0]


def test_a_resolution_is_no_closure() -> None:
    # "nghị" folds to the word "nghỉ" does: the accents decide.
    notice = _notice("Nghị quyết về kế hoạch năm 2026", "Áp dụng từ 1/9/2026.")
    assert closure_note("hôm nay phường có làm việc không", [notice], TODAY, "Phường 5") is None


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("hom nay co lam viec khong", TODAY),
        ("ngay mot phuong co mo cua hok", TODAY + dt.timedelta(days=2)),
        ("chủ nhật ủy ban có trực không", dt.date(2026, 9, 6)),
        ("cuối tuần phường có làm việc không", None),  # no single day
        ("làm giấy khai sinh ở đâu", None),  # asks nothing of the office's days
        ("hỏi chị Mai có làm việc không", None),  # a name, not tomorrow
        ("cho em hoi Mai co lam viec khong", None),
        ("hoa mai phường có làm không", TODAY),  # a flower, not tomorrow
        ("em mai lên phường có làm việc không", TODAY + dt.timedelta(days=1)),
        ("mai mốt phường có làm việc không", None),  # some day soon, no one day
        ("mai học sinh có được nghỉ không", None),  # the pupils' day off
        # "t" before a word is "tôi" ("tôi tự lên phường"), no "thứ tư": the office, today.
        ("t tu len phuong nop, phuong co lam viec ko", TODAY),
        ("t nam nay moi lam lan dau, co lam viec khong", None),
    ],
)
def test_the_day_asked(text: str, day: dt.date | None) -> None:
    assert asked_day(text, TODAY) == day


@pytest.mark.parametrize(
    ("title", "body"),
    [
        ("Thông báo tạm ngừng cấp nước khu phố 3", "Tạm ngừng cấp nước từ 7h ngày 2/9/2026."),
        ("Lịch tạm ngừng cung cấp điện", "Tạm ngừng cung cấp điện ngày 2/9 tại khu phố 2."),
        ("Cho học sinh nghỉ học do bão", "Học sinh nghỉ học ngày 2/9."),
        ("Lịch nghỉ lễ Quốc khánh của học sinh", "Học sinh nghỉ ngày 2/9/2026."),
        ("Kiểm tra các nhà nghỉ, khách sạn", "Kiểm tra từ 1/9 đến 5/9."),
        ("Tạm nghỉ sinh hoạt câu lạc bộ dưỡng sinh", "Mong các hội viên thông cảm."),
    ],
)
def test_something_else_stopping_is_no_closure_of_the_office(title: str, body: str) -> None:
    notice = _notice(title, body)
    assert closure_note("mai phường có làm việc không", [notice], TODAY, "Phường 5") is None


def test_a_holiday_with_staff_on_duty_is_not_said_closed() -> None:
    notice = _notice(
        "Lịch trực tiếp nhận hồ sơ dịp nghỉ lễ 2/9",
        "Trong dịp nghỉ lễ 2/9, bộ phận một cửa vẫn tiếp nhận hồ sơ khai tử.",
    )
    said = closure_note("mai ủy ban có mở cửa không", [notice], TODAY, "Phường 5")
    assert said is not None and said[1] is notice
    assert "không làm việc" not in said[0]
    assert "ngày mai (thứ Tư, 02/09/2026) là ngày nghỉ" in said[0]
    assert "chỉ trực, tiếp nhận một số việc" in said[0]


CCCD = FaqEntry("cccd", "Cấp đổi căn cước hết hạn ở đâu?", "Tại công an phường.")
MOBILE = Announcement(
    "cccd-luu-dong",
    "Cấp đổi căn cước lưu động tại khu phố 3",
    dt.date(2026, 7, 1),
    body="",
    expires=dt.date(2026, 8, 1),
)


@pytest.mark.parametrize(
    "text",
    [
        "thẻ căn cước của em còn hạn không",
        "căn cước hết hạn thì đổi ở đâu",
        "cccd bi het han lam sao",
        "giấy phép lái xe hết hạn chưa",
    ],
)
def test_a_card_still_valid_is_no_deadline_of_a_notice(text: str) -> None:
    assert deadline_note(text, CCCD, [MOBILE], TODAY) is None


def test_a_notice_still_taking_applications_is_asked_of() -> None:
    said = deadline_note("cấp đổi căn cước lưu động còn nhận không", CCCD, [MOBILE], TODAY)
    assert said is not None and "đã hết hạn từ ngày 01/08/2026" in said[0]


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("thứ 7 phường có làm việc không", "thứ Bảy, 05/09/2026"),
        ("thu 7 phuong co lam viec khong", "thứ Bảy, 05/09/2026"),
        ("thu7 phuong co lam viec ko", "thứ Bảy, 05/09/2026"),
        ("t7 phường có làm việc không", "thứ Bảy, 05/09/2026"),
        ("t 7 phuong co lam viec k", "thứ Bảy, 05/09/2026"),
        ("thứ bảy phường có làm việc không", "thứ Bảy, 05/09/2026"),
        ("thu bay phuong co lam viec khong", "thứ Bảy, 05/09/2026"),
        ("thứ hai ủy ban có mở cửa không", "thứ Hai, 07/09/2026"),
        ("thu hai uy ban co mo cua khong", "thứ Hai, 07/09/2026"),
        ("t2 uy ban co mo cua ko", "thứ Hai, 07/09/2026"),
        ("thứ tư ủy ban có mở cửa không", "ngày mai (thứ Tư, 02/09/2026)"),
        ("thu tu uy ban co mo cua khong", "ngày mai (thứ Tư, 02/09/2026)"),
        ("chủ nhật phường có làm việc không", "Chủ nhật, 06/09/2026"),
        ("chu nhat phuong co lam viec khong", "Chủ nhật, 06/09/2026"),
        ("cn phường có làm việc không", "Chủ nhật, 06/09/2026"),
        ("chủ nhựt phường có làm việc hông", "Chủ nhật, 06/09/2026"),
    ],
)
def test_a_weekday_however_typed_is_the_day_asked(text: str, day: str) -> None:
    """Every way a resident types a day of the week names the same day: here, in OFFICE_CLOSED
    (every day of the week after 1/9), the note names it."""
    closed = OfficeHours(
        OfficeHours.parse("T2-CN 7:30-11:30").week, Closures.parse("2/9/2026-7/9/2026")
    )
    said = closure_note(text, [], TODAY, "Phường 5", closed)
    assert said is not None, text
    assert said[0].startswith(f"⚠️ Dạ, {day} là ngày nghỉ"), text


@pytest.mark.parametrize(
    ("text", "closed"),
    [
        ("ngày 10/9 phường có nhận hồ sơ không", "thứ Năm, 10/09/2026"),
        ("11/9 bộ phận một cửa có tiếp nhận hồ sơ không", "thứ Sáu, 11/09/2026"),
    ],
)
async def test_a_closure_dated_in_words_names_the_day_closed(
    conversation: Conversation, text: str, closed: str
) -> None:
    reply = await ask(conversation, text)
    first = reply.text.partition("\n\n")[0]
    assert first.startswith(f"⚠️ Dạ, {closed} phường nghỉ"), first
    assert f"“{STOCKTAKE_TITLE}”" in first


async def test_a_day_a_closure_dated_in_words_leaves_open_gets_no_note(
    conversation: Conversation,
) -> None:
    # 14/9: files are taken again; the notice's dates read, it is not "in force" every day.
    reply = await ask(conversation, "14/9 phường có nhận hồ sơ không")
    assert "⚠️" not in reply.text


@pytest.mark.parametrize(
    "body",
    [
        "Phường nghỉ làm việc ngày 14 tháng 02 năm 2026.",
        "Phuong nghi lam viec ngay 14 thang 2 nam 2026.",
        "Phường nghỉ Tết từ 13 tháng 2 đến hết 16 tháng 2, làm việc lại từ 17 tháng 2.",
        "Phuong nghi tet tu ngay 13 thang 2 den het ngay 16 thang 2.",
        # The first day without its month: that of the last.
        "Phường nghỉ Tết từ ngày 13 đến hết ngày 16 tháng 2, làm việc lại từ 17 tháng 2.",
        "Phuong nghi tet tu 13 - 16/2/2026.",
        "Phường nghỉ Tết ngày 13-16/2.",
    ],
)
def test_a_closure_dated_in_words_is_read(body: str) -> None:
    notice = Announcement("tet", "Lịch nghỉ Tết Bính Ngọ", dt.date(2026, 2, 2), body=body)
    today = dt.date(2026, 2, 13)  # a Friday: tomorrow is 14/2
    said = closure_note("mai phường có làm việc không", [notice], today, "Phường 5")
    assert said is not None
    assert said[0].startswith("⚠️ Dạ, ngày mai (thứ Bảy, 14/02/2026) phường nghỉ"), said[0]
    # The day work starts again, and a day after, get no note.
    assert closure_note("17/2 phường có làm việc không", [notice], today, "Phường 5") is None


def test_a_range_across_a_month_end_written_with_one_month_is_read() -> None:
    notice = _notice("Lịch nghỉ Tết Dương lịch", "Phường nghỉ từ ngày 31 đến hết 2/1/2027.")
    assert closed_days(notice) == [(dt.date(2026, 12, 31), dt.date(2027, 1, 2))]


@pytest.mark.parametrize(
    "body",
    [
        "Phường tạm ngừng tiếp nhận hồ sơ 3 tháng 2 lần để kiểm kê.",
        "Phuong tam ngung tiep nhan ho so dat dai 1 thang 10 ngay de chinh ly.",
    ],
)
def test_a_count_in_months_is_no_day_closed(body: str) -> None:
    """ "3 tháng 2 lần" counts how often, no 3/2: the notice names no day closed (a
    resident asking of 3/2 is not told the office is closed that day)."""
    notice = _notice("Thông báo tạm ngừng tiếp nhận hồ sơ", body)
    assert closed_days(notice) == []


async def test_a_message_asking_two_things_has_the_closure_on_the_part_it_concerns(
    conversation: Conversation,
) -> None:
    text = "xin học bổng khuyến học cần hồ sơ gì? mai phường có làm việc không?"
    replies = await conversation.handle_text(CHAT, text)
    assert len(replies) == 2, [r.text for r in replies]
    scholarship, hours = replies
    assert scholarship.text.startswith("Đơn xin học bổng"), scholarship.text
    note = "⚠️ Dạ, ngày mai (thứ Tư, 02/09/2026) phường nghỉ"
    assert hours.text.startswith(note), hours.text
    assert HOURS_ANSWER in hours.text
    assert any(b.action == "ann:2026-08-25-nghi-le" for b in hours.buttons)
    assert sum(r.text.count("⚠️") for r in replies) == 1  # said once
