"""Quiet hours: alerts and corrections about notices published, imported or corrected at
night (QUIET_HOURS, 21:30-6:30 Vietnam time by default) wait for the morning, through the
outbox (a restart at night neither loses nor repeats them); a notice marked `urgent: true`
goes at once. Staff answers and notes to admins are not held.

The recording channel and the ward of tests/test_alerts.py; the clock is injected and
set to Vietnam times.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from fakes.telegram_api import FakeBotApi, visible_text
from test_alerts import (
    ADMIN,
    Ticks,
    Ward,
    close_ward,
    follow,
    locked_once,
    open_ward,
    write_notice,
)
from test_telegram_app import bot_settings

from wardbot import messages as msg
from wardbot.alerts import Alerts
from wardbot.config import ConfigError, Settings
from wardbot.conversation import Conversation
from wardbot.delivery import TransientError
from wardbot.hours import VIETNAM, QuietHours
from wardbot.outbox import Composer, Sender, held_for_morning
from wardbot.publish import held_until
from wardbot.reply import Reply
from wardbot.store import ChatRef, Store
from wardbot.store.outbox import OutboxItem
from wardbot.web import web_app

NIGHT = QuietHours.parse("21:30-6:30")


def vn(day: int, hour: int, minute: int = 0, second: int = 0) -> float:
    """A moment of August 2024 in Vietnam time, as the sender's clock gives it."""
    return dt.datetime(2024, 8, day, hour, minute, second, tzinfo=VIETNAM).timestamp()


@pytest.fixture
async def ward(tmp_path: Path) -> AsyncIterator[Ward]:
    opened = await open_ward(tmp_path)
    assert await opened.alerts.sync() == {}
    await follow(opened, "1", "bhyt")
    yield opened
    await close_ward(opened)


def sender_for(ward: Ward, quiet: QuietHours | None = NIGHT, store: Store | None = None) -> Sender:
    """A sender over the ward's outbox and clock with quiet hours `quiet`, as the bot's."""
    store = store or ward.store
    return Sender(
        store,
        ward.channel,
        Composer(lambda: ward.engine.corpus, store, ward.content, today=lambda: ward.engine.today),
        clock=ward.clock,
        monotonic=ward.channel.ticks,
        sleep=ward.channel.ticks.sleep,
        quiet=quiet,
    )


async def publish(ward: Ward, slug: str, title: str, *, urgent: bool = False) -> str:
    """A notice for the followers of bhyt, noticed by the watcher at the ward's time."""
    notice = write_notice(ward.content, slug, title, topics="bhyt")
    if urgent:
        path = ward.content / f"{notice}.md"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("\ndate:", "\nurgent: true\ndate:", 1), encoding="utf-8")
    assert await ward.watcher.refresh()
    return notice


async def started(sender: Sender) -> None:
    """What a (re)started sender does first (`Sender.run`), then one drain."""
    stop = asyncio.Event()
    stop.set()
    await sender.run(stop)
    await sender.drain()


def titles(ward: Ward) -> list[str]:
    return [reply.title or "" for _, replies, _ in ward.channel.sent for reply in replies]


async def test_alerts_composed_at_night_wait_for_the_morning_and_go_once(ward: Ward) -> None:
    sender = sender_for(ward)
    ward.now[0] = vn(1, 23, 40)
    await publish(ward, "cat-nuoc", "Lịch cấp thẻ BHYT đợt 2")
    await sender.drain()
    ward.now[0] = vn(2, 3, 0)  # a portal import in the small hours
    await publish(ward, "thu-phi", "Thu phí BHYT hộ gia đình")
    await sender.drain()
    ward.now[0] = vn(2, 6, 29, 59)
    await sender.drain()
    assert ward.channel.sent == [], "no phone rings between 21:30 and 6:30"

    ward.now[0] = vn(2, 6, 30)
    await sender.drain()
    # The night's notices as one message, in the morning.
    (title,) = titles(ward)
    assert "2 thông báo mới" in title
    ward.now[0] = vn(2, 9, 0)
    await sender.drain()
    assert len(ward.channel.sent) == 1, "sent once"


async def test_a_notice_of_21_29_waiting_into_the_night_comes_with_the_nights_notices(
    ward: Ward,
) -> None:
    """Published at 21:29:50, its alert waits ALERT_GATHER_SECONDS for the rest of its
    burst, into the quiet hours: it waits for the morning too, and then comes with the
    notices of the night in one message, not one of its own."""
    sender = sender_for(ward)
    sender.settle = 30.0  # ALERT_GATHER_SECONDS by default
    ward.now[0] = vn(1, 21, 29, 50)
    await publish(ward, "lich", "Lịch cấp thẻ BHYT đợt 2")
    ward.now[0] = vn(1, 21, 30, 20)
    await sender.drain()
    ward.now[0] = vn(1, 23, 40)
    await publish(ward, "thu-phi", "Thu phí BHYT hộ gia đình")
    ward.now[0] = vn(1, 23, 41)
    await sender.drain()
    assert ward.channel.sent == []

    ward.now[0] = vn(2, 6, 30)
    await sender.drain()
    (title,) = titles(ward)
    assert "2 thông báo mới" in title


async def test_an_alert_of_the_evening_before_quiet_hours_goes_at_once(ward: Ward) -> None:
    sender = sender_for(ward)
    ward.now[0] = vn(1, 21, 29)
    await publish(ward, "cat-nuoc", "Lịch cấp thẻ BHYT đợt 2")
    await sender.drain()
    assert titles(ward) == ["🔔 Thông báo mới: Lịch cấp thẻ BHYT đợt 2"]


async def test_an_urgent_notice_goes_at_once_at_night_and_the_others_wait(ward: Ward) -> None:
    sender = sender_for(ward)
    ward.now[0] = vn(1, 23, 40)
    await publish(ward, "bao", "Bão số 3, cơ sở BHYT trực cấp cứu đêm nay", urgent=True)
    await publish(ward, "lich", "Lịch cấp thẻ BHYT đợt 2")  # not in the urgent one's message
    await publish(ward, "dien", "Cắt điện trạm y tế tối nay", urgent=True)
    await sender.drain()
    (title,) = titles(ward)
    assert "2 thông báo mới" in title
    (_, (urgent,), _) = ward.channel.sent[0]
    assert "Bão số 3" in urgent.text and "Cắt điện" in urgent.text and "Lịch" not in urgent.text

    ward.now[0] = vn(2, 6, 30)
    await sender.drain()
    assert titles(ward)[1:] == ["🔔 Thông báo mới: Lịch cấp thẻ BHYT đợt 2"]


async def test_a_notice_marked_urgent_after_its_alerts_were_held_sends_them_at_once(
    ward: Ward,
) -> None:
    """Published at 22:00, then found to be about tonight: staff add `urgent: true`."""
    sender = sender_for(ward)
    ward.now[0] = vn(1, 22, 0)
    notice = await publish(ward, "nuoc", "Cắt nước trạm y tế tối nay")
    await sender.drain()
    assert ward.channel.sent == []
    ward.now[0] = vn(1, 22, 10)
    path = ward.content / f"{notice}.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\ndate:", "\nurgent: true\ndate:", 1), encoding="utf-8")
    assert await ward.watcher.refresh()
    await sender.drain()
    assert titles(ward) == ["🔔 Thông báo mới: Cắt nước trạm y tế tối nay"]
    ward.now[0] = vn(2, 6, 30)
    await sender.drain()
    assert len(ward.channel.sent) == 1


async def test_a_restart_at_night_neither_loses_nor_repeats_the_held_alerts(
    ward: Ward, tmp_path: Path
) -> None:
    ward.now[0] = vn(1, 23, 40)
    await publish(ward, "lich", "Lịch cấp thẻ BHYT đợt 2")
    await sender_for(ward).drain()
    # The bot restarts at 2:00: a new sender over the database as it was left.
    async with await Store.open(ward.settings.data_dir / "bot.sqlite3") as store:
        ward.now[0] = vn(2, 2, 0)
        again = sender_for(ward, store=store)
        await started(again)
        assert ward.channel.sent == []
        ward.now[0] = vn(2, 6, 30)
        await again.drain()
        assert titles(ward) == ["🔔 Thông báo mới: Lịch cấp thẻ BHYT đợt 2"]
    # And once more after 6:30: nothing goes twice.
    ward.now[0] = vn(2, 7, 0)
    await started(sender_for(ward))
    assert len(ward.channel.sent) == 1


async def corrected_at_night(ward: Ward, sender: Sender) -> Path:
    """A notice alerted in the afternoon, its time changed at 22:15: its path."""
    ward.now[0] = vn(1, 15, 0)
    notice = write_notice(
        ward.content, "cap-the", "Cấp thẻ BHYT", topics="bhyt", body="Cấp thẻ lúc 8h ngày 5/8."
    )
    await ward.watcher.refresh()
    await sender.drain()
    assert len(ward.channel.sent) == 1
    ward.now[0] = vn(1, 22, 15)
    path = ward.content / f"{notice}.md"
    path.write_text(path.read_text(encoding="utf-8").replace("8h", "9h"), encoding="utf-8")
    assert await ward.watcher.refresh()
    await sender.drain()
    return path


async def test_alerts_held_go_by_the_quiet_hours_the_bot_restarts_with(ward: Ward) -> None:
    ward.now[0] = vn(1, 23, 40)
    await publish(ward, "lich", "Lịch cấp thẻ BHYT đợt 2")
    await sender_for(ward).drain()
    # The operator sets QUIET_HOURS=22:00-5:00 and restarts the bot at 4:00.
    ward.now[0] = vn(2, 4, 0)
    await started(sender_for(ward, quiet=QuietHours.parse("22:00-5:00")))
    assert ward.channel.sent == []
    ward.now[0] = vn(2, 5, 0)
    await started(sender_for(ward, quiet=QuietHours.parse("22:00-5:00")))
    assert titles(ward) == ["🔔 Thông báo mới: Lịch cấp thẻ BHYT đợt 2"]

    # Another night, QUIET_HOURS=off and a restart at 23:50: the held alert goes now.
    ward.now[0] = vn(2, 23, 40)
    await publish(ward, "thu-phi", "Thu phí BHYT hộ gia đình")
    await sender_for(ward).drain()
    assert len(ward.channel.sent) == 1
    ward.now[0] = vn(2, 23, 50)
    await started(sender_for(ward, quiet=None))
    assert titles(ward)[1:] == ["🔔 Thông báo mới: Thu phí BHYT hộ gia đình"]


async def test_a_correction_made_at_night_waits_for_the_morning(ward: Ward) -> None:
    sender = sender_for(ward)
    await corrected_at_night(ward, sender)
    assert len(ward.channel.sent) == 1
    ward.now[0] = vn(2, 6, 30)
    await sender.drain()
    (_, (correction,), _) = ward.channel.sent[1]
    assert "9h" in correction.text


async def test_the_nights_corrections_and_new_notices_reach_a_follower_as_one_message(
    ward: Ward,
) -> None:
    """A notice alerted in the afternoon has its time changed at 22:15, then again at
    23:50; a new notice comes at 23:40. At 6:30 the follower gets one message: the new
    notice, then the corrected one with the line that changed (as it reads then), each
    with its button; not a correction and an alert a second apart, in the order the
    night happened to queue them."""
    sender = sender_for(ward)
    path = await corrected_at_night(ward, sender)
    ward.now[0] = vn(1, 23, 40)
    await publish(ward, "thu-phi", "Thu phí BHYT hộ gia đình")
    await sender.drain()
    ward.now[0] = vn(1, 23, 50)  # the correction waits from this edit on
    path.write_text(path.read_text(encoding="utf-8").replace("9h", "9h30"), encoding="utf-8")
    assert await ward.watcher.refresh()
    await sender.drain()
    assert len(ward.channel.sent) == 1

    ward.now[0] = vn(2, 6, 30)
    await sender.drain()
    ward.now[0] = vn(2, 7, 0)
    await sender.drain()
    ((_, (morning,), _),) = ward.channel.sent[1:]
    assert morning.title == "🔔 1 thông báo mới, 1 thông báo vừa được sửa"
    new, corrected = morning.text.split("\n\n")
    assert new.startswith("• Thu phí BHYT hộ gia đình (01/08/2024)")
    assert corrected == "• ✏️ Đã sửa: Cấp thẻ BHYT (01/08/2024)\nCấp thẻ lúc 9h30 ngày 5/8."
    assert [button.full_label for button in morning.buttons] == [
        "Thu phí BHYT hộ gia đình",
        "Cấp thẻ BHYT",
    ]
    assert not await ward.store.due("telegram", vn(2, 12, 0)), "each sent once"


async def test_a_correction_held_goes_at_once_when_its_notice_is_marked_urgent(
    ward: Ward,
) -> None:
    sender = sender_for(ward)
    path = await corrected_at_night(ward, sender)
    ward.now[0] = vn(1, 22, 20)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\ndate:", "\nurgent: true\ndate:", 1), encoding="utf-8")
    assert await ward.watcher.refresh()
    await sender.drain()
    (_, (correction,), _) = ward.channel.sent[1]
    assert "9h" in correction.text


async def test_alerts_failing_at_21_25_then_held_for_the_night_are_no_outage_all_night(
    ward: Ward,
) -> None:
    """The platform fails the alerts of 21:25 to two chats for a few minutes; from 21:30
    they wait for the morning, untried. /healthz (`sending`) does not report the channel
    down all night for failures nothing is tried against; a broadcast failing at night
    still is."""
    await follow(ward, "2", "bhyt")
    sender = sender_for(ward)
    ward.now[0] = vn(1, 21, 25)
    await publish(ward, "lich", "Lịch cấp thẻ BHYT đợt 2")
    for chat in ("1", "2"):
        ward.channel.plan[chat] = [TransientError("503 Service Unavailable")] * 10
    for minute in range(25, 33):
        ward.now[0] = vn(1, 21, minute)
        ward.channel.ticks.now += 60
        await sender.drain()
    ward.now[0] = vn(1, 23, 0)
    ward.channel.ticks.now += 90 * 60
    await sender.drain()
    assert sender.sending(), "nothing is tried at night: nothing is known to fail"

    # A broadcast (not held) fails for ten minutes at night: down.
    for chat in ("7", "8"):
        ward.channel.plan[chat] = [TransientError("503 Service Unavailable")] * 20
        await follow(ward, chat, "cu-tru")
    await ward.alerts.broadcast("cu-tru", "Mất nước khu phố 3 đến 2 giờ sáng.")
    for _ in range(15):
        ward.now[0] += 60
        ward.channel.ticks.now += 60
        await sender.drain()
    assert not sender.sending()


async def test_notes_to_admins_are_not_held(ward: Ward) -> None:
    sender = sender_for(ward)
    ward.now[0] = vn(1, 23, 40)
    await ward.alerts.tell_admins("faq.yaml có lỗi")
    await sender.drain()
    assert ward.channel.chats() == [ADMIN.chat_id]


async def test_with_quiet_hours_off_alerts_go_at_any_hour(ward: Ward) -> None:
    settings = Settings.from_env({"QUIET_HOURS": "off"})
    assert settings.quiet_hours is None
    sender = sender_for(ward, quiet=settings.quiet_hours)
    ward.now[0] = vn(2, 3, 0)
    await publish(ward, "lich", "Lịch cấp thẻ BHYT đợt 2")
    await sender.drain()
    assert titles(ward) == ["🔔 Thông báo mới: Lịch cấp thẻ BHYT đợt 2"]


def test_announce_at_night_tells_staff_when_the_alerts_leave(tmp_path: Path) -> None:
    settings = Settings(content_dir=tmp_path, quiet_hours=NIGHT)
    usual = write_notice(tmp_path, "lich", "Lịch cấp thẻ BHYT", topics="bhyt")
    storm = write_notice(tmp_path, "bao", "Bão số 3", topics="bhyt")
    path = tmp_path / f"{storm}.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("\ndate:", "\nurgent: true\ndate:", 1),
        encoding="utf-8",
    )
    assert held_until(settings, usual, vn(1, 23, 40)) == "6:30 sáng mai"
    assert held_until(settings, usual, vn(2, 3, 0)) == "6:30 sáng nay"
    assert held_until(settings, usual, vn(2, 9, 0)) is None
    # Run at 21:29:45, its alerts leave after ALERT_GATHER_SECONDS (30): in quiet hours.
    assert settings.alert_gather_seconds == 30
    assert held_until(settings, usual, vn(1, 21, 29, 45)) == "6:30 sáng mai"
    assert held_until(settings, usual, vn(1, 21, 29, 25)) is None
    assert held_until(settings, usual, vn(1, 23, 59, 45)) == "6:30 sáng mai"
    assert held_until(settings, storm, vn(1, 23, 40)) is None
    assert held_until(replace(settings, quiet_hours=None), usual, vn(1, 23, 40)) is None

    said = msg.announce_published("content/a.md", 3, None, 30, "6:30 sáng mai", str(NIGHT))
    assert "đã xếp 3 tin báo: gửi lúc 6:30 sáng mai (từ 21:30–6:30 không gửi tin báo" in said
    assert "urgent: true" in said and "30 giây" not in said
    assert "30 giây" in msg.announce_published("content/a.md", 3, None, 30, None, str(NIGHT))


def test_quiet_hours_are_21_30_to_6_30_unless_set() -> None:
    assert Settings.from_env({}).quiet_hours == NIGHT
    assert Settings.from_env({"QUIET_HOURS": "22h-6h"}).quiet_hours == QuietHours(22 * 60, 360)
    assert Settings.from_env({"QUIET_HOURS": "1:00 – 5:00"}).quiet_hours == QuietHours(60, 300)
    for wrong in ("22:00", "22:00-22:00", "25:00-6:00", "tối"):
        with pytest.raises(ConfigError, match="QUIET_HOURS"):
            Settings.from_env({"QUIET_HOURS": wrong})


def test_quiet_hours_over_midnight_and_within_a_day() -> None:
    assert NIGHT.until(vn(1, 21, 29, 59)) is None
    assert NIGHT.until(vn(1, 21, 30)) == vn(2, 6, 30)
    assert NIGHT.until(vn(2, 0, 0)) == vn(2, 6, 30)
    assert NIGHT.until(vn(2, 6, 30)) is None
    early = QuietHours.parse("1:00-5:00")
    assert early.until(vn(1, 0, 59)) is None
    assert early.until(vn(1, 4, 0)) == vn(1, 5, 0)
    # The end of the night holding a moment, or else of the next one.
    assert NIGHT.next_end(vn(1, 21, 29)) == NIGHT.next_end(vn(2, 3, 0)) == vn(2, 6, 30)
    assert NIGHT.next_end(vn(2, 6, 30)) == vn(3, 6, 30)
    assert early.next_end(vn(1, 0, 30)) == early.next_end(vn(1, 4, 0)) == vn(1, 5, 0)
    assert early.next_end(vn(1, 5, 0)) == vn(2, 5, 0)
    assert str(NIGHT) == "21:30–6:30"


async def test_an_urgent_line_typed_wrong_is_reported_and_the_notice_still_published(
    ward: Ward,
) -> None:
    notice = write_notice(ward.content, "bao", "Bão số 3", topics="bhyt")
    path = ward.content / f"{notice}.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\ndate:", "\nurgent: rất gấp\ndate:", 1), encoding="utf-8")
    assert await ward.watcher.refresh()
    assert any("urgent" in str(problem) for problem in ward.engine.problems)
    assert notice in {a.id for a in ward.engine.corpus.announcements}


# --- on Telegram: the real channel against the fake Bot API ------------------------------


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake


@pytest.fixture
async def telegram(ward: Ward, api: FakeBotApi) -> AsyncIterator[Sender]:
    """A sender over the real Telegram channel, on the ward's clock, with quiet hours;
    staff answers ('reply' rows) composed as the desk would, from their text."""
    from handlers.telegram import TelegramChannel

    channel = TelegramChannel(
        bot_settings(ward.settings, api), Conversation(ward.engine, ward.store, ward.settings)
    )
    await channel.application.initialize()

    async def answer(item: OutboxItem) -> list[Reply]:
        return [Reply(await ward.store.message_text(item.ref) or "", ends_choices=True)]

    ticks = Ticks()
    composer = Composer(
        lambda: ward.engine.corpus,
        ward.store,
        ward.content,
        today=lambda: ward.engine.today,
        kinds={"reply": answer},
    )
    yield Sender(
        ward.store,
        channel,
        composer,
        clock=ward.clock,
        monotonic=ticks,
        sleep=ticks.sleep,
        quiet=NIGHT,
    )
    await channel.application.shutdown()


async def test_on_telegram_a_night_alert_waits_and_an_urgent_one_rings_at_once(
    ward: Ward, api: FakeBotApi, telegram: Sender
) -> None:
    ward.now[0] = vn(1, 23, 40)
    await publish(ward, "lich", "Lịch cấp thẻ BHYT đợt 2")
    await publish(ward, "bao", "Bão số 3, cơ sở BHYT trực cấp cứu đêm nay", urgent=True)
    await telegram.drain()
    (storm,) = api.sent(1)
    assert "Bão số 3" in visible_text(storm.text) and "Lịch cấp thẻ" not in storm.text
    assert "disable_notification" not in storm.params, "an urgent alert rings"

    ward.now[0] = vn(2, 6, 30)
    await telegram.drain()
    (_, morning) = api.sent(1)
    assert "Lịch cấp thẻ BHYT đợt 2" in visible_text(morning.text)
    assert "disable_notification" not in morning.params
    ward.now[0] = vn(2, 8, 0)
    await telegram.drain()
    assert len(api.sent(1)) == 2


async def test_on_telegram_a_staff_answer_at_night_goes_at_once_without_a_sound(
    ward: Ward, api: FakeBotApi, telegram: Sender
) -> None:
    resident = ChatRef("telegram", "7")
    ward.now[0] = vn(1, 23, 40)
    await ward.store.queue_message(
        "Cán bộ: hồ sơ của anh đã xong.", [resident], ward.now[0], kind="reply"
    )
    await ward.alerts.tell_admins("Thông báo mới chưa thuộc chủ đề nào.")
    await ward.alerts.broadcast(None, "Mất nước khu phố 3 đến 2 giờ sáng.")
    await telegram.drain()
    (answer,) = api.sent(7)
    (note,) = api.sent(int(ADMIN.chat_id))
    (broadcast,) = api.sent(1)  # staff chose to send it now: with its sound
    assert answer.params.get("disable_notification") == "true"
    assert note.params.get("disable_notification") == "true"
    assert "disable_notification" not in broadcast.params

    ward.now[0] = vn(2, 9, 0)  # by day, as always
    await ward.store.queue_message(
        "Cán bộ: mời anh đến nhận.", [resident], ward.now[0], kind="reply"
    )
    await telegram.drain()
    assert "disable_notification" not in api.sent(7)[1].params


@pytest.mark.parametrize(("hour", "silent"), [(23, True), (9, False)])
async def test_a_note_to_admins_sent_straight_when_the_database_fails_is_silent_at_night(
    ward: Ward, monkeypatch: pytest.MonkeyPatch, hour: int, silent: bool
) -> None:
    """The note that a part of the bot fails cannot wait in the outbox when the database
    is what fails (a full disk, a lock): it goes straight through the channel, and at
    23:00 it no longer rings the admin's phone, as a note through the outbox does not."""
    monkeypatch.setattr(ward.store, "queue_message", locked_once(ward.store.queue_message))
    alerts = Alerts(
        ward.engine,
        ward.store,
        ward.settings,
        ["telegram"],
        clock=lambda: vn(5, hour),
        direct={"telegram": ward.channel},
    )
    assert await alerts.task_failing("watcher") == 1
    ((chat, (note,), _),) = ward.channel.sent
    assert chat == ADMIN.chat_id
    assert note.silent is silent


async def test_alerts_held_for_the_night_leave_no_stale_sender_outage_in_healthz(
    ward: Ward,
) -> None:
    """Telegram failed every alert for ten minutes in the evening: /healthz reports the
    sender down. Once quiet hours hold those alerts, nothing is tried until 6:30: the
    outage seen before is no longer reported all night (a platform back at 21:35 kept
    the bot 'unhealthy' until the morning); tried again in the morning, it counts anew."""
    await follow(ward, "2", "bhyt")
    sender = sender_for(ward)
    ticks = ward.channel.ticks
    for chat in ("1", "2"):
        ward.channel.plan[chat] = [TransientError("502 Bad Gateway")] * 50
    ward.now[0] = vn(1, 21, 10)
    await publish(ward, "cat-nuoc", "Lịch cấp thẻ BHYT đợt 2")
    await sender.drain()
    assert ward.channel.attempts == 2 and sender.sending()  # one try for each chat
    while ward.now[0] < vn(1, 21, 25):  # tried again and again, failing
        ward.now[0] += 120
        ticks.now += 120
        await sender.drain()
    assert not sender.sending(), "every send failed for ten minutes: reported down"
    tried = ward.channel.attempts
    ward.now[0] = vn(1, 21, 40)
    ticks.now += 900
    await sender.drain()
    assert ward.channel.attempts == tried, "held for the night: not tried"
    assert sender.sending(), "nothing is being tried: no outage to report"
    ward.now[0] = vn(2, 6, 30)
    ticks.now += 9 * 3600
    await sender.drain()
    assert ward.channel.attempts > tried and sender.sending()


async def test_healthz_shows_the_alerts_held_for_the_morning_and_when_they_go(ward: Ward) -> None:
    """At 23:00 an operator looks at /healthz: it says quiet hours hold alerts now, how
    many wait for each channel (a correction too) and when they go, so that nothing
    waiting is taken for alerts lost, nor the sender for a broken one. Once they went,
    nothing is held."""
    sender = sender_for(ward)
    await corrected_at_night(ward, sender)  # a correction held at 22:15
    ward.now[0] = vn(1, 23, 40)
    await publish(ward, "thu-phi", "Thu phí BHYT hộ gia đình")
    await sender.drain()
    app = web_app(
        checks={"telegram": lambda: True},
        details={"quiet_hours": lambda: held_for_morning(ward.store, NIGHT, ward.now[0])},
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bot") as client:
        ward.now[0] = vn(2, 0, 5)
        response = await client.get("/healthz")
        assert response.status_code == 200
        assert response.json()["quiet_hours"] == {
            "hours": "21:30–6:30",
            "now": True,
            "held": {"telegram": 2},
            "until": "2024-08-02T06:30:00+07:00",
        }
        ward.now[0] = vn(2, 6, 30)
        await sender.drain()
        assert len(ward.channel.sent) == 2  # in the morning, one message for both
        ward.now[0] = vn(2, 6, 31)
        assert (await client.get("/healthz")).json()["quiet_hours"] == {
            "hours": "21:30–6:30",
            "now": False,
            "held": {},
            "until": None,
        }
