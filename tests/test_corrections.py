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

from wardbot.conversation import Conversation, Reply
from wardbot.outbox import Composer, Sender
from wardbot.portal_import import Importer
from wardbot.store import ChatRef

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


def corrections(ward: Ward) -> list[tuple[str, Reply]]:
    return [(chat, reply) for chat, (reply,), _ in ward.channel.sent]


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


async def test_numbers_kept_by_the_first_version_of_corrections_send_nothing_on_upgrade(
    alerted: tuple[Ward, str],
) -> None:
    """That version kept them as written, the link's digits too ("1.500.000", "01"): the
    upgrade learns them again, as it does those of a notice alerted before corrections."""
    ward, notice = alerted
    await close_ward(ward)
    with sqlite3.connect(ward.settings.data_dir / "bot.sqlite3") as raw:
        raw.execute(
            "UPDATE seen_announcements SET numbers = ?",
            (json.dumps(["01", "1.500.000", "12", "19", "3", "5/12"]),),
        )
        raw.execute("ALTER TABLE chats DROP COLUMN is_group")  # as version 16 had it
        raw.execute("PRAGMA user_version = 16")
    again = await open_ward(ward.root)
    ward.store, ward.engine = again.store, again.engine  # the fixture closes them
    await again.alerts.sync()  # as at every start
    await again.sender.drain()
    assert again.channel.sent == []
    edit(again, notice, "họp lúc 19h", "họp lúc 20h")  # then the time, which is news
    await again.watcher.refresh()
    await again.sender.drain()
    assert sorted(chat for chat, _ in corrections(again)) == ["1", "2"]


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


async def test_a_correction_waits_like_an_alert_while_the_resident_may_be_answering_staff(
    alerted: tuple[Ward, str],
) -> None:
    ward, notice = alerted
    until = ward.clock() + 600  # staff just asked chat 1 something (wardbot.desk)

    async def alerts_wait(chat: ChatRef) -> float | None:
        return until if chat.chat_id == "1" else None

    sender = sender_of(ward, alerts_wait=alerts_wait)
    edit(ward, notice, "họp lúc 19h", "họp lúc 20h")
    await ward.watcher.refresh()
    await sender.drain()
    assert [chat for chat, _ in corrections(ward)] == ["2"]
    ward.now[0] = until
    await sender.drain()
    assert [chat for chat, _ in corrections(ward)] == ["2", "1"]


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
    ["Ngày đăng: 01/08/2024 | Lượt xem: {n}", "{n} lượt xem", "Cập nhật lúc 10:{n:02d}"],
    ids=["visits-in-meta-line", "visits", "updated-at-time"],
)
async def test_a_portal_page_fetched_again_with_more_visits_sends_no_correction(
    tmp_path: Path, meta: str
) -> None:
    """A page whose visit counter, or the time it says it was updated, moves at each fetch
    (`bot.py import` run again, a feed whose items' stamps change)."""
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
