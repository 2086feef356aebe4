"""A notice alerted, then edited by staff in its dates, times or amounts: the chats it was
alerted to get one correction; an edit that leaves its numbers alone sends nothing.

The recording channel and the ward of tests/test_alerts.py; the clock is injected.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from chat_ward import TODAY
from test_alerts import ADMIN, Ward, close_ward, follow, open_ward, write_notice

from wardbot import facts
from wardbot.conversation import Conversation
from wardbot.outbox import WITHDRAWN_GRACE, Composer, Sender
from wardbot.portal_import import Importer
from wardbot.reply import Reply
from wardbot.store import ChatRef
from wardbot.store.announcements import CORRECTION_WAIT_MAX

BODY = (
    "Tổ dân phố 3 họp lúc 19h ngày 5/12 tại nhà văn hóa số 12 đường Lê Lợi.\n\n"
    "Mỗi hộ cử một người dự họp.\n\n"
    "Kinh phí 1.500.000 đồng. Mẫu đăng ký: [tải về](https://phuong.example/tep/mau-01.pdf)"
)


@pytest.fixture
async def alerted(tmp_path: Path) -> AsyncIterator[tuple[Ward, str]]:
    """A ward whose chat 1 (and chat 2) were alerted to a meeting notice."""
    ward = await open_ward(tmp_path)
    await ward.alerts.sync()
    await follow(ward, "1", "cu-tru")
    await follow(ward, "2", "cu-tru")
    notice = write_notice(ward.content, "hop-to", "Họp tổ dân phố 3", topics="cu-tru", body=BODY)
    await ward.watcher.refresh()
    await ward.sender.drain()
    assert sorted(ward.channel.chats()) == ["1", "2"]
    ward.channel.sent.clear()
    yield ward, notice
    await close_ward(ward)


def edit(ward: Ward, notice: str, old: str, new: str) -> None:
    path = ward.content / f"{notice}.md"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def sender_of(ward: Ward, **options: Any) -> Sender:
    """A sender for the ward's channel, on its clock, with `options` (as the bot's are)."""
    return Sender(
        ward.store,
        ward.channel,
        Composer(lambda: ward.engine.corpus, ward.store, today=lambda: ward.engine.today),
        clock=ward.clock,
        monotonic=ward.channel.ticks,
        sleep=ward.channel.ticks.sleep,
        **options,
    )


def holding(ward: Ward, chat_id: str, until: float) -> Sender:
    """A sender that holds the alerts and corrections of `chat_id` until `until`: staff just
    asked that resident something (wardbot.desk)."""

    async def alerts_wait(chat: ChatRef) -> float | None:
        return until if chat.chat_id == chat_id else None

    return sender_of(ward, alerts_wait=alerts_wait)


def corrections(ward: Ward) -> list[tuple[str, Reply]]:
    return [(chat, reply) for chat, (reply,), _ in ward.channel.sent]


async def saved(ward: Ward, notice: str, old: str, new: str) -> list[tuple[str, Reply]]:
    """`edit`, noticed by the bot, and what then went out (forgotten afterwards)."""
    edit(ward, notice, old, new)
    await ward.watcher.refresh()
    await ward.sender.drain()
    sent = corrections(ward)
    ward.channel.sent.clear()
    return sorted(sent, key=lambda one: one[0])


async def test_a_changed_time_reaches_the_alerted_chats_once_with_the_new_line(
    alerted: tuple[Ward, str],
) -> None:
    ward, notice = alerted
    await ward.store.unsubscribe(ChatRef("telegram", "2"), "cu-tru")
    await follow(ward, "3", "cu-tru")  # followed after the alert: never read the old time
    edit(ward, notice, "họp lúc 19h", "họp lúc 20h")
    assert await ward.watcher.refresh()
    await ward.sender.drain()

    ((chat, reply),) = corrections(ward)
    assert chat == "1"
    assert reply.title == "✏️ Phường vừa sửa thông báo “Họp tổ dân phố 3”"
    assert "họp lúc 20h ngày 5/12" in reply.text
    assert "Mỗi hộ" not in reply.text  # only the lines whose numbers changed
    (button,) = reply.buttons
    conversation = Conversation(ward.engine, ward.store, ward.settings)
    (full,) = await conversation.handle_action(ChatRef("telegram", "1"), button.action)
    assert "20h" in full.text
    assert ADMIN.chat_id not in ward.channel.chats()  # staff are not told

    await ward.alerts.sync()
    assert not await ward.sender.drain(), "one correction per edit"


async def test_a_changed_date_is_a_correction_too(alerted: tuple[Ward, str]) -> None:
    ward, notice = alerted
    edit(ward, notice, "ngày 5/12", "ngày 6/12")
    await ward.watcher.refresh()
    await ward.sender.drain()
    assert sorted(chat for chat, _ in corrections(ward)) == ["1", "2"]
    assert all("6/12" in reply.text for _, reply in corrections(ward))


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Mỗi hộ cử một người dự họp.", "Mỗi hộ gia đình cử một người đến dự họp."),
        ("nhà văn hóa", "nhà văn hoá"),
        ("title: Họp tổ dân phố 3", "title: Họp Tổ dân phố 3 (thông báo)"),
        ("1.500.000 đồng", "1500000 đồng"),
        ("ngày 5/12", "ngày 05/12"),
        ("tep/mau-01.pdf", "tep/2026/mau-02.pdf"),
        ("[tải về](https://phuong.example/tep/mau-01.pdf)", "phuong.example/tep/mau-02.docx"),
    ],
    ids=[
        "reworded",
        "typo",
        "title-renamed",
        "amount-regrouped",
        "leading-zero",
        "link-address",
        "file-name",
    ],
)
async def test_an_edit_with_the_same_numbers_sends_nothing(
    alerted: tuple[Ward, str], old: str, new: str
) -> None:
    ward, notice = alerted
    edit(ward, notice, old, new)
    assert await ward.watcher.refresh()
    await ward.sender.drain()
    assert ward.channel.sent == []
    edit(ward, notice, "họp lúc 19h", "họp lúc 20h")  # then the time, which is news
    await ward.watcher.refresh()
    await ward.sender.drain()
    assert sorted(chat for chat, _ in corrections(ward)) == ["1", "2"]


async def test_a_decimal_written_with_a_point_or_a_comma_is_the_same_value(
    alerted: tuple[Ward, str],
) -> None:
    """Vietnamese writes "2,5 triệu", a keyboard or a copied text "2.5 triệu": the same
    amount, no correction; "3,5" is another one."""
    ward, notice = alerted
    new = "Kinh phí 2,5 triệu đồng, lãi 1,5%."
    assert len(await saved(ward, notice, "Kinh phí 1.500.000 đồng.", new)) == 2
    assert await saved(ward, notice, "2,5 triệu đồng, lãi 1,5%", "2.5 triệu đồng, lãi 1.5%") == []
    sent = await saved(ward, notice, "2.5 triệu", "3,5 triệu")
    assert [chat for chat, _ in sent] == ["1", "2"]
    assert all("Kinh phí 3,5 triệu đồng" in reply.text for _, reply in sent)


@pytest.mark.parametrize(
    "written", ["1,5 triệu đồng", "1 triệu 500 nghìn đồng", "1.500 ngàn đồng", "1500000 đồng"]
)
async def test_an_amount_written_in_words_sends_nothing_but_another_amount_does(
    alerted: tuple[Ward, str], written: str
) -> None:
    """Staff rewrite "1.500.000 đồng" as "1,5 triệu đồng": the same sum to pay, so nobody
    is told; 1,6 million is news."""
    ward, notice = alerted
    assert await saved(ward, notice, "1.500.000 đồng", written) == []
    sent = await saved(ward, notice, written, "1,6 triệu đồng")
    assert [chat for chat, _ in sent] == ["1", "2"]
    assert all("Kinh phí 1,6 triệu đồng" in reply.text for _, reply in sent)


@pytest.mark.parametrize(
    ("old", "new", "shown"),
    [
        ("Tổ dân phố 3 họp", "Tổ dân phố 3 tạm hoãn cuộc họp", "tạm hoãn cuộc họp lúc 19h"),
        ("Mỗi hộ cử một người dự họp.", "Cuộc họp đã huỷ.", "Cuộc họp đã huỷ."),
        ("title: Họp", "title: KHÔNG TỔ CHỨC - Họp", "Tổ dân phố 3 họp lúc 19h"),
    ],
    ids=["postponed", "called-off", "not-held-in-title"],
)
async def test_a_notice_edited_to_say_it_is_postponed_or_called_off_is_a_correction(
    alerted: tuple[Ward, str], old: str, new: str, shown: str
) -> None:
    """Staff call the meeting off in its notice, its numbers unchanged: those who read it
    hear of it (deleting the file would tell them nothing: it may as well be a rename)."""
    ward, notice = alerted
    sent = await saved(ward, notice, old, new)
    assert [chat for chat, _ in sent] == ["1", "2"]
    assert all(shown in reply.text for _, reply in sent)
    assert await saved(ward, notice, "nhà văn hóa", "nhà văn hoá") == []  # then a typo fixed


@pytest.mark.parametrize("written", ["19 giờ", "19h00", "19:00", "19 giờ 00"])
async def test_a_time_written_another_way_sends_nothing(
    alerted: tuple[Ward, str], written: str
) -> None:
    ward, notice = alerted
    assert await saved(ward, notice, "họp lúc 19h", f"họp lúc {written}") == []
    sent = await saved(ward, notice, f"họp lúc {written}", "họp lúc 19h30")  # half an hour later
    assert [chat for chat, _ in sent] == ["1", "2"]
    for again in ("19:30", "19 giờ 30 phút", "19g30"):
        assert await saved(ward, notice, "họp lúc 19h30", f"họp lúc {again}") == [], again
        await saved(ward, notice, f"họp lúc {again}", "họp lúc 19h30")


@pytest.mark.parametrize("written", ["7 giờ tối", "7h tối", "7:00 tối"])
async def test_an_evening_time_on_a_twelve_hour_clock_sends_nothing_but_another_does(
    alerted: tuple[Ward, str], written: str
) -> None:
    """Staff rewrite "họp lúc 19h" as "họp lúc 7 giờ tối": the same hour, so nobody is
    told; "8 giờ tối" (or "7 giờ sáng") is news."""
    ward, notice = alerted
    assert await saved(ward, notice, "họp lúc 19h", f"họp lúc {written}") == []
    for later in ("8 giờ tối", "7 giờ sáng"):
        sent = await saved(ward, notice, f"họp lúc {written}", f"họp lúc {later}")
        assert [chat for chat, _ in sent] == ["1", "2"], later
        assert all(f"họp lúc {later}" in reply.text for _, reply in sent)
        await saved(ward, notice, f"họp lúc {later}", f"họp lúc {written}")


async def test_a_meeting_moved_to_another_place_is_a_correction_the_same_place_reworded_is_not(
    alerted: tuple[Ward, str],
) -> None:
    """Staff move the meeting from the neighbourhood's hall to the ward office, its date
    and time unchanged: those who read the notice would go to the wrong place, so they
    are told. The same place written another way (or with a word added) tells nobody."""
    ward, notice = alerted
    place = "tại nhà văn hóa số 12 đường Lê Lợi"
    assert await saved(ward, notice, place, "tại Nhà văn hoá (số 12 Lê Lợi)") == []
    moved = "tại trường tiểu học số 12 Lê Lợi"  # the same number, another place
    sent = await saved(ward, notice, "tại Nhà văn hoá (số 12 Lê Lợi)", moved)
    assert [chat for chat, _ in sent] == ["1", "2"]
    assert all(f"họp lúc 19h ngày 5/12 {moved}" in reply.text for _, reply in sent)
    assert await saved(ward, notice, moved, "tại sân trường tiểu học số 12 Lê Lợi") == []
    again = "Địa điểm: Trường Tiểu học số 12 đường Lê Lợi. Hiện tại mỗi hộ cử"
    assert await saved(ward, notice, "Mỗi hộ cử", again) == []  # the same place, said again
    assert await saved(ward, notice, "Kinh phí", "Hỏi tại số điện thoại 0912.345.678. Kinh phí")
    assert await saved(ward, notice, "Hỏi tại số điện thoại", "Gọi số điện thoại") == []
    sent = await saved(ward, notice, "Kinh phí", "Nộp tại Ủy ban nhân dân phường. Kinh phí")
    assert [chat for chat, _ in sent] == ["1", "2"]  # a place said "Ủy ban" is one too


async def test_a_telephone_number_or_a_range_written_another_way_sends_nothing(
    alerted: tuple[Ward, str],
) -> None:
    ward, notice = alerted
    line = "Hỏi đáp: 0912.345.678, 7h30-11h."
    assert len(await saved(ward, notice, "Mỗi hộ cử", f"{line} Mỗi hộ cử")) == 2
    for written in ("0912 345 678, 7h30 - 11h.", "+84 912 345 678, 7h30–11h00."):
        assert await saved(ward, notice, line.partition(" ")[2], written) == [], written
        await saved(ward, notice, written, line.partition(" ")[2])
    sent = await saved(ward, notice, "0912.345.678", "0912.345.679")  # another number
    assert [chat for chat, _ in sent] == ["1", "2"]
    assert all("0912.345.679" in reply.text for _, reply in sent)


async def test_a_year_added_to_a_date_sends_nothing_but_another_year_does(
    alerted: tuple[Ward, str],
) -> None:
    """Staff add the year to a date ("ngày 5/12" made "ngày 5/12/2024" in a notice of
    1/8/2024): the day the chats read is the same, so nothing is sent, in the text as in
    the title, nor when an edit undone before its correction left adds it on the way. A
    year a reader would not have taken (5/12/2023) is news."""
    ward, notice = alerted
    assert TODAY.year == 2024  # "5/12" in a notice of 1/8/2024 means 5/12/2024
    assert await saved(ward, notice, "ngày 5/12", "ngày 05/12/2024") == []
    assert await saved(ward, notice, "title: Họp tổ dân phố 3", "title: Họp tổ 3 ngày 5/12") == []
    assert await saved(ward, notice, "tổ 3 ngày 5/12", "tổ 3 ngày 5/12/2024") == []
    edit(ward, notice, "họp lúc 19h", "họp lúc 20h")
    await ward.watcher.refresh()  # a correction queued...
    edit(ward, notice, "họp lúc 20h", "họp lúc 19h")  # the year still there
    await ward.watcher.refresh()
    await ward.sender.drain()  # ...and dropped: the numbers are back as the chats read them
    assert ward.channel.sent == []
    sent = await saved(ward, notice, "ngày 05/12/2024", "ngày 5/12/2023")
    assert [chat for chat, _ in sent] == ["1", "2"]
    assert all("ngày 5/12/2023" in reply.text for _, reply in sent)
    assert all("Mỗi hộ" not in reply.text for _, reply in sent)


@pytest.mark.parametrize(
    "written",
    [
        "ngày 05 tháng 12 năm 2024",
        "NGÀY 5 THÁNG 12",
        "mùng 5 tháng 12",
        "ngày 05-12-2024",
        "ngày 05.12.2024",
    ],
)
async def test_a_date_written_in_words_or_with_dashes_sends_nothing_but_another_date_does(
    alerted: tuple[Ward, str], written: str
) -> None:
    """Staff rewrite "ngày 5/12" as "ngày 05 tháng 12 năm 2024" (or "05-12-2024"): the
    same day, so nobody is told; another day so written is news."""
    ward, notice = alerted
    assert await saved(ward, notice, "ngày 5/12", written) == []
    moved = written.replace("5", "6", 1)
    sent = await saved(ward, notice, written, moved)
    assert [chat for chat, _ in sent] == ["1", "2"]
    assert all(moved in reply.text for _, reply in sent)


async def test_a_place_written_short_is_the_same_place(alerted: tuple[Ward, str]) -> None:
    """Staff shorten "Ủy ban nhân dân phường" to "UBND phường" or "trường trung học cơ sở"
    to "trường THCS": nobody is told; the meeting moved to a "trường THPT" is news."""
    ward, notice = alerted
    place = "tại nhà văn hóa số 12 đường Lê Lợi"
    office = "tại Hội trường Ủy ban nhân dân phường"
    assert len(await saved(ward, notice, place, office)) == 2
    assert await saved(ward, notice, office, "tại hội trường UBND phường") == []
    school = "tại trường trung học cơ sở Lê Lợi"
    assert len(await saved(ward, notice, "tại hội trường UBND phường", school)) == 2
    assert await saved(ward, notice, school, "tại trường THCS Lê Lợi") == []
    sent = await saved(ward, notice, "tại trường THCS Lê Lợi", "tại trường THPT Lê Lợi")
    assert [chat for chat, _ in sent] == ["1", "2"]


async def test_a_day_of_the_week_moved_is_a_correction_the_same_day_written_again_is_not(
    alerted: tuple[Ward, str],
) -> None:
    """The weekday added to the date (5/12/2024 is a Thursday) or written in figures
    ("thứ 7" for "thứ Bảy") tells nobody; a meeting moved from Saturday to Sunday, with
    no date written, is news."""
    ward, notice = alerted
    assert await saved(ward, notice, "ngày 5/12", "thứ Năm, ngày 5/12") == []
    assert len(await saved(ward, notice, "thứ Năm, ngày 5/12", "vào thứ Bảy")) == 2
    assert await saved(ward, notice, "vào thứ Bảy", "vào thứ 7") == []
    sent = await saved(ward, notice, "vào thứ 7", "vào Chủ nhật")
    assert [chat for chat, _ in sent] == ["1", "2"]
    assert all("họp lúc 19h vào Chủ nhật" in reply.text for _, reply in sent)


async def test_a_meeting_moved_from_the_morning_to_the_afternoon_is_a_correction(
    alerted: tuple[Ward, str],
) -> None:
    """A notice giving a part of the day, no hour ("sáng ngày 5/12", "chiều thứ Năm"):
    moved to another part, its date unchanged, those who read it would come at the wrong
    time, so they are told; so are they of "tuần này" made "tuần sau". The same part written another way, or left out beside the
    date, tells nobody, nor do words that only look like one ("chiều dài", "tối đa")."""
    ward, notice = alerted
    assert len(await saved(ward, notice, "họp lúc 19h ngày 5/12", "họp sáng ngày 5/12")) == 2
    sent = await saved(ward, notice, "họp sáng ngày 5/12", "họp chiều ngày 5/12")
    assert [chat for chat, _ in sent] == ["1", "2"]
    assert all("Tổ dân phố 3 họp chiều ngày 5/12" in reply.text for _, reply in sent)
    assert await saved(ward, notice, "họp chiều ngày 5/12", "họp buổi chiều ngày 5/12") == []
    assert (
        await saved(ward, notice, "Mỗi hộ cử", "Xe đỗ theo chiều dọc, tối đa hai xe. Mỗi hộ cử")
        == []
    )
    assert len(await saved(ward, notice, "buổi chiều ngày 5/12", "tối thứ Năm 5/12")) == 2
    assert await saved(ward, notice, "tối thứ Năm 5/12", "đêm thứ Năm 5/12") == []
    assert await saved(ward, notice, "đêm thứ Năm 5/12", "thứ Năm 5/12") == []
    # A day named from today is one too: "tuần này" made "tuần sau" (next week's Thursday).
    assert await saved(ward, notice, "thứ Năm 5/12", "thứ Năm 5/12 tuần này") == []
    assert len(await saved(ward, notice, "thứ Năm 5/12 tuần này", "thứ Năm tuần này")) == 2
    sent = await saved(ward, notice, "thứ Năm tuần này", "thứ Năm tuần sau")
    assert [chat for chat, _ in sent] == ["1", "2"]
    assert all("họp thứ Năm tuần sau" in reply.text for _, reply in sent)
    # The week after next is another week still.
    sent = await saved(ward, notice, "thứ Năm tuần sau", "thứ Năm tuần sau nữa")
    assert [chat for chat, _ in sent] == ["1", "2"]
    assert all("họp thứ Năm tuần sau nữa" in reply.text for _, reply in sent)
    assert await saved(ward, notice, "tuần sau nữa", "tuần tới nữa") == []
    # A part of the day given to a day with no hour: the rest of the day is no longer open.
    assert len(await saved(ward, notice, "thứ Năm tuần tới nữa", "thứ Năm 5/12")) == 2
    sent = await saved(ward, notice, "thứ Năm 5/12", "sáng thứ Năm 5/12")
    assert [chat for chat, _ in sent] == ["1", "2"]
    assert all("họp sáng thứ Năm 5/12" in reply.text for _, reply in sent)
    assert await saved(ward, notice, "sáng thứ Năm 5/12", "thứ Năm 5/12") == []  # left out


async def test_a_date_changed_in_the_title_names_the_title_the_chats_read(
    alerted: tuple[Ward, str],
) -> None:
    """The date is only in the title: the correction says which notice it was, and what
    it is called now (its text says nothing new)."""
    ward, notice = alerted
    assert await saved(ward, notice, "title: Họp tổ dân phố 3", "title: Họp tổ 3 ngày 5/12") == []
    sent = await saved(ward, notice, "title: Họp tổ 3 ngày 5/12", "title: Họp tổ 3 ngày 6/12")
    assert [reply.title for _, reply in sent] == [
        "✏️ Phường vừa sửa thông báo “Họp tổ 3 ngày 5/12”, nay là “Họp tổ 3 ngày 6/12”"
    ] * 2
    sent = await saved(ward, notice, "họp lúc 19h", "họp lúc 20h")  # the title unchanged
    assert [reply.title for _, reply in sent] == [
        "✏️ Phường vừa sửa thông báo “Họp tổ 3 ngày 6/12”"
    ] * 2


async def test_edits_in_a_row_within_the_gathering_wait_are_one_correction(
    alerted: tuple[Ward, str],
) -> None:
    ward, notice = alerted
    sender = sender_of(ward, settle=30.0)
    edit(ward, notice, "họp lúc 19h", "họp lúc 20h")
    await ward.watcher.refresh()
    ward.now[0] += 10
    await sender.drain()
    assert ward.channel.sent == [], "waits for the rest of the edits"
    edit(ward, notice, "họp lúc 20h", "họp lúc 20h30")
    await ward.watcher.refresh()
    ward.now[0] += 25
    await sender.drain()
    assert ward.channel.sent == [], "waits from the last edit"
    ward.now[0] += 5
    await sender.drain()
    assert sorted(chat for chat, _ in corrections(ward)) == ["1", "2"]
    assert all("20h30" in reply.text for _, reply in corrections(ward))
    ward.now[0] += 3600
    await ward.alerts.sync()
    await sender.drain()
    assert len(ward.channel.sent) == 2


async def test_a_notice_saved_as_typed_for_minutes_is_one_correction_of_the_last_save(
    alerted: tuple[Ward, str],
) -> None:
    """An editor saving every 20 seconds while staff retype the time, then the date: the
    correction waits for the saves to stop, and says what staff ended with."""
    ward, notice = alerted
    sender = sender_of(ward, settle=30.0)
    saves = [
        ("họp lúc 19h", "họp lúc h"),
        ("họp lúc h", "họp lúc 2h"),
        ("họp lúc 2h", "họp lúc 20h"),
        ("ngày 5/12", "ngày /12"),
        ("ngày /12", "ngày 6/12"),
    ]
    for old, new in saves:
        edit(ward, notice, old, new)
        await ward.watcher.refresh()
        await sender.drain()
        assert ward.channel.sent == [], "staff are still typing"
        ward.now[0] += 20
    ward.now[0] += 10
    await sender.drain()
    assert sorted(chat for chat, _ in corrections(ward)) == ["1", "2"]
    assert all("họp lúc 20h ngày 6/12" in reply.text for _, reply in corrections(ward))
    ward.now[0] += 3600
    await ward.alerts.sync()
    await sender.drain()
    assert len(ward.channel.sent) == 2


async def test_a_notice_autosaved_for_half_an_hour_is_corrected_every_ten_minutes_not_never(
    alerted: tuple[Ward, str],
) -> None:
    """An editor left open saves every 10 seconds for half an hour while the house number
    keeps moving: each correction waits for the saves to stop, but CORRECTION_WAIT_MAX at
    most, then shows the notice as it reads then."""
    ward, notice = alerted
    sender = sender_of(ward, settle=30.0)
    first = ward.now[0]
    left: list[float] = []  # when a correction left
    for save in range(1800 // 10):
        edit(ward, notice, f"nhà văn hóa số {12 + save} ", f"nhà văn hóa số {13 + save} ")
        await ward.watcher.refresh()
        sent = len(ward.channel.sent)
        await sender.drain()
        if len(ward.channel.sent) > sent:
            left.append(ward.now[0])
        ward.now[0] += 10
    # Each leaves the gathering wait (30 s) after the bound; the next is queued at the
    # next save (10 s).
    gaps = [b - a for a, b in zip([first, *left], left, strict=False)]
    assert gaps == [CORRECTION_WAIT_MAX + 30, CORRECTION_WAIT_MAX + 30 + 10], "not never"


async def test_an_edit_undone_before_its_correction_left_sends_nothing(
    alerted: tuple[Ward, str],
) -> None:
    ward, notice = alerted
    edit(ward, notice, "họp lúc 19h", "họp lúc 20h")
    await ward.watcher.refresh()
    edit(ward, notice, "họp lúc 20h", "họp lúc 19h")
    await ward.watcher.refresh()
    await ward.sender.drain()
    assert ward.channel.sent == []
    edit(ward, notice, "họp lúc 19h", "họp lúc 21h")
    await ward.watcher.refresh()
    await ward.sender.drain()
    assert sorted(chat for chat, _ in corrections(ward)) == ["1", "2"]
    assert all("21h" in reply.text for _, reply in corrections(ward))


async def test_a_notice_deleted_while_its_correction_waits_sends_nothing(
    alerted: tuple[Ward, str],
) -> None:
    ward, notice = alerted
    sender = sender_of(ward, settle=30.0)
    edit(ward, notice, "họp lúc 19h", "họp lúc 20h")
    await ward.watcher.refresh()
    (ward.content / f"{notice}.md").unlink()
    await ward.watcher.refresh()
    for _ in range(10):  # past the gathering wait and the grace for a file saved anew
        ward.now[0] += 30
        await sender.drain()
    assert ward.channel.sent == []
    assert not await ward.store.due("telegram", ward.now[0] + 3600)


async def test_a_restart_sends_a_correction_once(alerted: tuple[Ward, str]) -> None:
    ward, notice = alerted
    edit(ward, notice, "họp lúc 19h", "họp lúc 20h")
    await ward.watcher.refresh()  # queued; the bot stops before it leaves
    await close_ward(ward)

    again = await open_ward(ward.root)
    ward.store, ward.engine = again.store, again.engine  # the fixture closes them
    assert not await again.watcher.refresh(), "the files did not change while stopped"
    await again.alerts.sync()  # as at every start
    await again.sender.drain()
    assert sorted(chat for chat, _ in corrections(again)) == ["1", "2"]
    await again.alerts.sync()
    assert not await again.sender.drain()


async def upgraded(ward: Ward, version: int, *updates: tuple[str, tuple[object, ...]]) -> Ward:
    """`ward` stopped, its database written back to schema `version` with `updates`, then
    started again (the fixture closes what it opens); nothing went out at the start."""
    await close_ward(ward)
    with sqlite3.connect(ward.settings.data_dir / "bot.sqlite3") as raw:
        for sql, parameters in updates:
            raw.execute(sql, parameters)
        raw.execute(f"PRAGMA user_version = {version}")
        # What later migrations added, a database of that version does not have either.
        if version < 19:
            raw.execute("ALTER TABLE questions DROP COLUMN chosen")
        if version < 20:
            raw.execute("ALTER TABLE chats DROP COLUMN is_group")
        if version < 21:
            raw.execute("DROP TABLE inbox")
            raw.execute("DROP TABLE inbox_seen")
        if version < 23:
            raw.execute("DROP TABLE alert_parts")
        if version < 24:
            raw.execute("DROP TABLE follow_up_subjects")
        if version < 26:
            raw.execute("DROP TABLE offered_matches")
        if version < 27:
            raw.execute("ALTER TABLE chats DROP COLUMN thread")
        if version < 28:
            raw.execute("ALTER TABLE outbox DROP COLUMN burst")
        if version < 29:
            raw.execute("ALTER TABLE chats DROP COLUMN seen_thread")
        if version < 31:
            raw.execute("ALTER TABLE questions DROP COLUMN part_of")
        if version < 32:
            raw.execute("ALTER TABLE ticket_messages DROP COLUMN source")
            raw.execute("ALTER TABLE ticket_messages DROP COLUMN corrects")
            raw.execute("ALTER TABLE staff_offers DROP COLUMN source")
        if version < 33:
            raw.execute("DROP TABLE reply_windows")
        if version == 34:
            raw.execute("ALTER TABLE web_resume DROP COLUMN used")
        if version < 34:
            raw.execute("DROP TABLE web_resume")
        if version < 36:
            raw.execute("ALTER TABLE questions DROP COLUMN source")
            raw.execute("ALTER TABLE staff_offers DROP COLUMN parts")
            raw.execute("ALTER TABLE ticket_messages DROP COLUMN parts")
        if version < 37:
            raw.execute("ALTER TABLE seen_announcements DROP COLUMN copy_of")
        if version < 38:
            raw.execute("ALTER TABLE staff_offers DROP COLUMN complaint")
            raw.execute("ALTER TABLE tickets DROP COLUMN complaint")
        if version < 39:
            raw.execute("DROP TABLE quoted_lines")
        if 21 <= version < 39:
            raw.execute("ALTER TABLE inbox_seen DROP COLUMN chat_id")
        if version < 40:
            raw.execute("DROP TABLE pending_removals")
        if version < 41:
            raw.execute("DROP TABLE staff_hints")
    again = await open_ward(ward.root)
    ward.store, ward.engine = again.store, again.engine
    await again.alerts.sync()  # as at every start
    await again.sender.drain()
    assert again.channel.sent == []
    return again


async def time_changed(ward: Ward, notice: str) -> list[str]:
    """The chats corrected once the meeting's time is changed (news, whatever came before)."""
    edit(ward, notice, "họp lúc 19h", "họp lúc 20h")
    await ward.watcher.refresh()
    await ward.sender.drain()
    return sorted(chat for chat, _ in corrections(ward))


async def test_numbers_kept_by_the_first_version_of_corrections_send_nothing_on_upgrade(
    alerted: tuple[Ward, str],
) -> None:
    """That version kept them as written, the link's digits too ("1.500.000", "01"): the
    upgrade learns them again, as it does those of a notice alerted before corrections."""
    ward, notice = alerted
    kept = json.dumps(["01", "1.500.000", "12", "19", "3", "5/12"])
    again = await upgraded(ward, 16, ("UPDATE seen_announcements SET numbers = ?", (kept,)))
    assert await time_changed(again, notice) == ["1", "2"]  # then the time, which is news


async def test_a_notice_already_saying_it_stops_something_sends_nothing_on_upgrade(
    alerted: tuple[Ward, str],
) -> None:
    """Numbers kept before the words that call a notice off were facts (migration 18): a
    notice that says "tạm ngừng" from the start is learnt again, not corrected."""
    ward, notice = alerted
    stops = "Trong giờ họp, bộ phận một cửa tạm ngừng tiếp dân. Mỗi hộ cử"
    edit(ward, notice, "Mỗi hộ cử", stops)  # as the notice read from the start
    again = await upgraded(ward, 17)
    assert await time_changed(again, notice) == ["1", "2"]  # then the time, which is news


async def test_a_notice_with_a_date_in_words_sends_nothing_on_upgrade(
    alerted: tuple[Ward, str],
) -> None:
    """Numbers kept before dates in words were read as dates (migration 22) took
    "ngày 05 tháng 12 năm 2024" for three numbers: learnt again, not corrected."""
    ward, notice = alerted
    edit(ward, notice, "ngày 5/12", "ngày 05 tháng 12 năm 2024")  # as it read from the start
    kept = json.dumps(["12", "1500000", "19:0", "2024", "3", "5"])
    again = await upgraded(ward, 21, ("UPDATE seen_announcements SET numbers = ?", (kept,)))
    assert await time_changed(again, notice) == ["1", "2"]  # then the time, which is news


async def test_a_chat_that_sent_forget_gets_no_correction(alerted: tuple[Ward, str]) -> None:
    ward, notice = alerted
    await ward.store.forget(ChatRef("telegram", "1"))
    await follow(ward, "1", "cu-tru")  # and followed the topic again afterwards
    edit(ward, notice, "họp lúc 19h", "họp lúc 20h")
    await ward.watcher.refresh()
    await ward.sender.drain()
    assert [chat for chat, _ in corrections(ward)] == ["2"]


async def test_a_notice_no_longer_current_is_not_corrected(tmp_path: Path) -> None:
    ward = await open_ward(tmp_path)
    await ward.alerts.sync()
    await follow(ward, "1", "cu-tru")
    notice = write_notice(
        ward.content,
        "hop-to",
        "Họp tổ dân phố 3",
        topics="cu-tru",
        body=BODY,
        expires=TODAY + dt.timedelta(days=3),
    )
    await ward.watcher.refresh()
    await ward.sender.drain()
    await close_ward(ward)
    for days, edited, corrected in ((1, "20h", ["1"]), (5, "21h", [])):
        ward = await open_ward(tmp_path, today=TODAY + dt.timedelta(days=days))
        try:
            await ward.alerts.sync()
            edit(ward, notice, "họp lúc ", f"họp lúc {edited} thay vì ")
            await ward.watcher.refresh()
            await ward.sender.drain()
            assert [chat for chat, _ in corrections(ward)] == corrected
        finally:
            await close_ward(ward)


async def test_a_notice_renamed_after_its_alert_is_corrected_under_its_new_name(
    alerted: tuple[Ward, str],
) -> None:
    ward, notice = alerted
    new = ward.content / f"{TODAY}-hop-to-dan-pho.md"
    (ward.content / f"{notice}.md").rename(new)
    await ward.watcher.refresh()
    await ward.sender.drain()
    assert ward.channel.sent == [], "a rename is no news"
    edit(ward, new.stem, "họp lúc 19h", "họp lúc 20h")
    await ward.watcher.refresh()
    await ward.sender.drain()
    assert sorted(chat for chat, _ in corrections(ward)) == ["1", "2"]
    assert all(reply.buttons[0].action == f"full:{new.stem}" for _, reply in corrections(ward))


async def test_a_correction_still_waiting_when_its_notice_is_renamed_goes_under_the_new_name(
    alerted: tuple[Ward, str],
) -> None:
    """Staff change the meeting's time, then rename the notice's file before the
    correction left (within the gathering wait, or at night while quiet hours hold it):
    the chats still hear of the new time, under the notice's new name, once."""
    ward, notice = alerted
    sender = sender_of(ward, settle=30.0)
    edit(ward, notice, "họp lúc 19h", "họp lúc 20h")
    await ward.watcher.refresh()
    new = ward.content / f"{TODAY}-hop-to-dan-pho.md"
    (ward.content / f"{notice}.md").rename(new)
    await ward.watcher.refresh()
    for _ in range(10):  # past the gathering wait and the grace for a notice gone
        ward.now[0] += 30
        await sender.drain()
    sent = corrections(ward)
    assert sorted(chat for chat, _ in sent) == ["1", "2"]
    assert all("họp lúc 20h" in reply.text for _, reply in sent)
    assert all(reply.buttons[0].action == f"full:{new.stem}" for _, reply in sent)


async def test_a_correction_waits_like_an_alert_while_the_resident_may_be_answering_staff(
    alerted: tuple[Ward, str],
) -> None:
    ward, notice = alerted
    until = ward.clock() + 600
    sender = holding(ward, "1", until)
    edit(ward, notice, "họp lúc 19h", "họp lúc 20h")
    await ward.watcher.refresh()
    await sender.drain()
    assert [chat for chat, _ in corrections(ward)] == ["2"]
    ward.now[0] = until
    await sender.drain()
    assert [chat for chat, _ in corrections(ward)] == ["2", "1"]


async def test_a_correction_still_waiting_outlives_two_saves_that_delete_and_rewrite_the_file(
    alerted: tuple[Ward, str],
) -> None:
    """An editor that saves by deleting the file and writing it again: each time the notice
    is away for a moment, the corrections still waiting wait for it (WITHDRAWN_GRACE)."""
    ward, notice = alerted
    until = ward.clock() + 100
    sender = holding(ward, "2", until)
    edit(ward, notice, "họp lúc 19h", "họp lúc 20h")
    await ward.watcher.refresh()
    path = ward.content / f"{notice}.md"
    text = path.read_text(encoding="utf-8")

    async def saved_anew(at: float) -> None:
        """The file away at `at` (while the sender looks), back 5 seconds later."""
        path.unlink()
        await ward.watcher.refresh()
        ward.now[0] = at
        await sender.drain()
        path.write_text(text, encoding="utf-8")
        await ward.watcher.refresh()
        ward.now[0] = at + 5
        await sender.drain()

    await saved_anew(ward.clock())  # chat 1's correction waits for it, then leaves
    assert [chat for chat, _ in corrections(ward)] == ["1"]
    await saved_anew(until)  # chat 2's, held until now, waits for it as well
    assert [chat for chat, _ in corrections(ward)] == ["1", "2"]


async def test_an_edit_while_the_alert_still_waits_is_one_alert_with_the_new_text(
    tmp_path: Path,
) -> None:
    ward = await open_ward(tmp_path)
    try:
        await ward.alerts.sync()
        await follow(ward, "1", "cu-tru")
        sender = sender_of(ward, settle=30.0)
        notice = write_notice(
            ward.content, "hop-to", "Họp tổ dân phố 3", topics="cu-tru", body=BODY
        )
        await ward.watcher.refresh()
        ward.now[0] += 10
        await sender.drain()
        assert ward.channel.sent == [], "the alert gathers its burst"
        edit(ward, notice, "họp lúc 19h", "họp lúc 20h")
        await ward.watcher.refresh()
        ward.now[0] += 3600
        await sender.drain()
        ((chat, alert),) = corrections(ward)
        assert chat == "1"
        assert "✏️" not in alert.title
        assert "họp lúc 20h" in alert.text
    finally:
        await close_ward(ward)


def portal_page(meta: str) -> str:
    """A ward portal's news page, saved, with `meta` under its text."""
    text = "".join(
        f"<p>Đoạn {n}: công an phường tiếp nhận hồ sơ đăng ký tạm trú từ 7h30 đến 11h "
        f"ngày 5/8/2024 tại trụ sở số 12 đường Lê Lợi, người dân mang theo giấy tờ.</p>"
        for n in range(1, 4)
    )
    return (
        '<html><head><meta property="article:published_time" content="2024-08-01T08:00:00">'
        "<title>Tiếp nhận hồ sơ tạm trú</title></head><body><div class='article'>"
        f"<h1>Tiếp nhận hồ sơ tạm trú</h1>{text}"
        f"<p>{meta}</p>"
        "</div></body></html>"
    )


@pytest.mark.parametrize(
    "meta",
    [
        "Ngày đăng: 01/08/2024 | Lượt xem: {n}",
        "{n} lượt xem",
        "Cập nhật lúc 10:{n:02d}",
        "Tin cập nhật lúc 10:{n:02d} ngày 05/08/2024",
        "Cập nhật lần cuối: 10:{n:02d} 05/08/2024",
        "Thời gian cập nhật: 05/08/2024 10:{n:02d}",
        "Tác giả: Minh Anh | Cập nhật: 05/08/2024 10:{n:02d}",
        "Ngày đăng: 01/08/2024 - Cập nhật lúc 10:{n:02d} ngày 05/08/2024",
        "Cập nhật {n} phút trước",
        "Số lần xem: {n}",
        "Đã xem {n} lần",
        "{n} giờ trước",
        "Tác giả: Minh Anh | Đăng {n} phút trước",
        "Lượt thích: {n} | {n} bình luận | Chia sẻ ({n})",
    ],
    ids=[
        "visits-in-meta-line",
        "visits",
        "updated-at-time",
        "news-updated-at",
        "updated-last",
        "update-time",
        "author-and-update",
        "posted-and-updated",
        "updated-minutes-ago",
        "times-seen",
        "seen-times",
        "posted-hours-ago",
        "author-and-minutes-ago",
        "likes-comments-shares",
    ],
)
async def test_a_portal_page_fetched_again_with_more_visits_sends_no_correction(
    tmp_path: Path, meta: str
) -> None:
    """A page whose visit counter, or the time it says it was updated (or how long ago),
    moves at each fetch (`bot.py import` run again, a feed whose items' stamps change),
    on a line of its own or in the meta line with the author and the posting date."""
    ward = await open_ward(tmp_path)
    try:
        await ward.alerts.sync()
        await follow(ward, "1", "cu-tru")
        saved = tmp_path / "trang.html"
        for n in (23, 57, 14):
            saved.write_text(portal_page(meta.format(n=n)), encoding="utf-8")
            with Importer(ward.settings, today=lambda: TODAY) as importer:
                (outcome,) = importer.run([str(saved)])
            assert not outcome.failed, outcome.why
            await ward.watcher.refresh()
            await ward.sender.drain()
        assert [(chat, reply.title) for chat, reply in corrections(ward)] == [
            ("1", "🔔 Thông báo mới: Tiếp nhận hồ sơ tạm trú")
        ], "the alert, and no correction"
    finally:
        await close_ward(ward)


async def test_a_correction_dropped_while_its_notice_was_withdrawn_goes_once_it_is_back(
    alerted: tuple[Ward, str],
) -> None:
    """The portal takes the edited article down before its correction left, then puts it
    back: those alerted to the old time still hear of the new one."""
    ward, notice = alerted
    path = ward.content / f"{notice}.md"
    edit(ward, notice, "họp lúc 19h", "họp lúc 20h")
    await ward.watcher.refresh()
    text = path.read_text(encoding="utf-8")
    path.unlink()
    await ward.watcher.refresh()
    await ward.sender.drain()
    ward.now[0] += WITHDRAWN_GRACE
    await ward.sender.drain()
    assert corrections(ward) == [] and ward.sender.stats.dropped == 2
    path.write_text(text, encoding="utf-8")
    await ward.watcher.refresh()
    await ward.sender.drain()
    assert sorted(chat for chat, _ in corrections(ward)) == ["1", "2"]
    assert all("họp lúc 20h" in reply.text for _, reply in corrections(ward))


@pytest.mark.parametrize(("amount", "corrected"), [("1.500.000", []), ("2.000.000", ["1", "2"])])
async def test_a_correction_queued_before_the_upgrade_is_not_sent_once_the_edit_is_undone(
    alerted: tuple[Ward, str], amount: str, corrected: list[str]
) -> None:
    """An earlier version queued it (held for the night) with the numbers as it read them:
    an hour on a 12-hour clock as written ("7 giờ tối" as 7:00), a date in words as three
    numbers, no place. Staff undo the edit after the upgrade: the notice reads as the chats
    read it, and nothing goes; an edit kept still goes."""
    ward, notice = alerted
    edit(ward, notice, "họp lúc 19h ngày 5/12", "họp lúc 7 giờ tối ngày 05 tháng 12 năm 2026")
    await ward.watcher.refresh()
    await ward.sender.drain()
    ward.channel.sent.clear()
    edit(ward, notice, "1.500.000 đồng", "2.000.000 đồng")
    told = json.dumps(["12", "1500000", "2026", "3", "5", "7:0"])  # as that version read it
    ref = f"{notice}\n1\n{told}\nHọp tổ dân phố 3"
    queued = "INSERT INTO outbox (channel, chat_id, kind, ref, created_at, not_before, error) "
    queued += "VALUES ('telegram', ?, 'correction', ?, 0, 9e9, 'quiet hours')"
    again = await upgraded(ward, 21, (queued, ("1", ref)), (queued, ("2", ref)))
    edit(again, notice, "2.000.000 đồng", f"{amount} đồng")  # undone, or kept
    await again.watcher.refresh()
    assert await again.store.release_held(again.now[0]) == 2  # the morning
    await again.sender.drain()
    assert sorted(chat for chat, _ in corrections(again)) == corrected


def kept_before(ward: Ward, notice: str, unread: set[str]) -> str:
    """The facts of `notice` as it reads now (JSON), kept by a version that did not read
    those of `unread`."""
    text = (ward.content / f"{notice}.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    now = facts.notice_numbers("Họp tổ dân phố 3", text)
    assert now & unread
    return json.dumps(sorted(now - unread))


async def restarted(ward: Ward, numbers: str, *held: tuple[str, str]) -> Ward:
    """`ward` stopped with its notice's facts kept as `numbers` and the corrections `held`
    (chat, ref) held for the night, then started (the fixture closes what it opens):
    nothing went out at the start."""
    await close_ward(ward)
    with sqlite3.connect(ward.settings.data_dir / "bot.sqlite3") as raw:
        raw.execute("UPDATE seen_announcements SET numbers = ?", (numbers,))
        raw.executemany(
            "INSERT INTO outbox (channel, chat_id, kind, ref, created_at, not_before, error) "
            "VALUES ('telegram', ?, 'correction', ?, 0, 9e9, 'quiet hours')",
            held,
        )
    again = await open_ward(ward.root)
    ward.store, ward.engine = again.store, again.engine
    await again.alerts.sync()  # as at every start
    await again.sender.drain()
    assert again.channel.sent == []
    return again


async def test_a_notice_giving_a_part_of_the_day_sends_nothing_once_parts_are_read(
    alerted: tuple[Ward, str],
) -> None:
    """Its facts kept by a version that did not read parts of the day ("sáng thứ Năm"),
    nor words moving a notice (read since): the first look after the upgrade finds them
    unchanged, and corrects nobody."""
    ward, notice = alerted
    edit(ward, notice, "họp lúc 19h ngày 5/12", "họp sáng thứ Năm, ngày 5/12")
    again = await restarted(ward, kept_before(ward, notice, {"buổi sáng", facts.ON_SCHEDULE}))
    assert await saved(again, notice, "Mỗi hộ cử", "Mỗi hộ gia đình cử") == []


async def test_a_meeting_postponed_in_words_is_a_correction_once(
    alerted: tuple[Ward, str],
) -> None:
    """Staff move the meeting without a new number ("dời sang tuần sau", "chuyển sang buổi
    chiều", "lùi lại"): those who read the first time would come on the wrong day, so they
    are told, once per edit, with the line that moves it; the move reworded tells nobody,
    nor do words that only look like one ("di dời", "chuyển đến bộ phận một cửa"), and
    the meeting put back on schedule is news again."""
    ward, notice = alerted
    assert (
        await saved(
            ward,
            notice,
            "Mỗi hộ cử",
            "Hộ di dời vào tuần sau, hồ sơ chuyển đến bộ phận một cửa. Mỗi hộ cử",
        )
        == []
    )
    sent = await saved(ward, notice, "ngày 5/12 tại", "ngày 5/12 (dời sang tuần sau) tại")
    assert [chat for chat, _ in sent] == ["1", "2"]
    assert all("dời sang tuần sau" in reply.text for _, reply in sent)
    assert "Mỗi hộ" not in sent[0][1].text
    await ward.alerts.sync()
    assert not await ward.sender.drain(), "one correction per edit"
    assert await saved(ward, notice, "(dời sang tuần sau)", "(lùi lại sang tuần sau)") == []
    assert len(await saved(ward, notice, "(lùi lại sang tuần sau) ", "")) == 2  # back on
    sent = await saved(ward, notice, "ngày 5/12 tại", "ngày 5/12 (chuyển sang buổi chiều) tại")
    assert [chat for chat, _ in sent] == ["1", "2"]
    assert all("chuyển sang buổi chiều" in reply.text for _, reply in sent)


async def test_a_notice_already_postponed_at_the_upgrade_sends_nothing_then_its_next_move_does(
    alerted: tuple[Ward, str],
) -> None:
    """Its facts kept by a version that did not read words moving it, a notice that
    already said "dời sang tuần sau": the first look after the upgrade corrects nobody,
    and learns that it is moved, so that it put back on schedule next is told."""
    ward, notice = alerted
    edit(ward, notice, "ngày 5/12 tại", "ngày 5/12 (dời sang tuần sau) tại")
    again = await restarted(ward, kept_before(ward, notice, {facts.MOVED}))
    assert await saved(again, notice, "Mỗi hộ cử", "Mỗi hộ gia đình cử") == []
    sent = await saved(again, notice, "(dời sang tuần sau) ", "")
    assert [chat for chat, _ in sent] == ["1", "2"]


async def test_a_correction_queued_before_the_upgrade_of_a_postponed_notice_undone_sends_nothing(
    alerted: tuple[Ward, str],
) -> None:
    """The chats read "dời sang tuần sau" as a version that did not read words moving a
    notice; its hour changed, that version queued a correction (held for the night).
    Staff undo the hour after the upgrade: the notice reads as the chats read it, and
    nothing goes."""
    ward, notice = alerted
    assert len(await saved(ward, notice, "ngày 5/12 tại", "ngày 5/12 (dời sang tuần sau) tại")) == 2
    ref = f"{notice}\n9\n{kept_before(ward, notice, {facts.MOVED})}\nHọp tổ dân phố 3"
    edit(ward, notice, "họp lúc 19h", "họp lúc 20h")
    again = await restarted(ward, kept_before(ward, notice, {facts.MOVED}), ("1", ref), ("2", ref))
    edit(again, notice, "họp lúc 20h", "họp lúc 19h")  # undone
    await again.watcher.refresh()
    assert await again.store.release_held(again.now[0]) == 2  # the morning
    await again.sender.drain()
    assert corrections(again) == []


async def test_words_denying_a_move_or_a_postponement_send_nothing(
    alerted: tuple[Ward, str],
) -> None:
    """Staff add that the meeting is not moved ("không dời lịch", "chưa được lùi lại",
    "không hoãn", "không lùi thời hạn"): nobody is told; the deadline put back, or the
    meeting moved online while its hall is still written, is news (a wasted trip)."""
    ward, notice = alerted
    denied = (
        "Lưu ý: không dời lịch họp, chưa được lùi lại, vẫn họp dù mưa, không hoãn. "
        "Phường không lùi thời hạn nộp kinh phí. Mỗi hộ cử"
    )
    assert await saved(ward, notice, "Mỗi hộ cử", denied) == []
    sent = await saved(ward, notice, "Phường không lùi thời hạn", "Phường lùi thời hạn")
    assert [chat for chat, _ in sent] == ["1", "2"]
    assert all("Phường lùi thời hạn nộp kinh phí" in reply.text for _, reply in sent)
    assert len(await saved(ward, notice, "Phường lùi thời hạn", "Phường không lùi thời hạn")) == 2
    online = "Mỗi hộ cử một người dự họp. Cuộc họp chuyển sang hình thức trực tuyến."
    sent = await saved(ward, notice, "Mỗi hộ cử một người dự họp.", online)
    assert [chat for chat, _ in sent] == ["1", "2"]
    assert all("chuyển sang hình thức trực tuyến" in reply.text for _, reply in sent)


async def test_a_hall_written_short_with_its_quarter_glued_is_the_same_hall(
    alerted: tuple[Ward, str],
) -> None:
    """Staff write "nhà văn hóa khu phố 3" as "NVH KP3" or "Nhà VH KP 3": nobody is told; the
    meeting moved to "NVH KP4" is news."""
    ward, notice = alerted
    hall = "tại nhà văn hóa khu phố 3"
    assert len(await saved(ward, notice, "tại nhà văn hóa số 12 đường Lê Lợi", hall)) == 2
    assert await saved(ward, notice, hall, "tại NVH KP3") == []
    assert await saved(ward, notice, "tại NVH KP3", "tại Nhà VH KP 3") == []
    sent = await saved(ward, notice, "tại Nhà VH KP 3", "tại NVH KP4")
    assert [chat for chat, _ in sent] == ["1", "2"]
    assert all("NVH KP4" in reply.text for _, reply in sent)
