"""`bot.py run` with Telegram and Zalo side by side: one process, one conversation core,
one database, and alerts reaching the subscribers of each platform (and nobody else); a
platform, or the database, failing while the bot starts keeps nothing else from serving."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from fakes.telegram_api import FakeBotApi, visible_text
from fakes.zalo_api import FakeZaloApi
from test_telegram_app import bot_settings, running_app

from handlers import zalo as zalo_channel
from wardbot import alerts as alerts_module
from wardbot import app
from wardbot import messages as msg
from wardbot.config import Secret, Settings
from wardbot.store import Store
from wardbot.supervise import Restarts

ZALO_FAN = "6ede9afb3c3e4d6f8a01"
ZALO_OTHER = "8a1b2c3d4e5f60718293"
ZALO_ADMIN = "0f0e0d0c0b0a09080706"
TELEGRAM_FAN = 901
TELEGRAM_ADMIN = 902


@pytest.fixture
def both(
    ward_files: Path,
    ward_settings: Settings,
    tmp_path: Path,
    telegram: FakeBotApi,
    zalo: FakeZaloApi,
) -> Settings:
    root = tmp_path / "ward"
    shutil.copytree(ward_files, root)
    settings = replace(
        ward_settings,
        faq_file=root / "faq.yaml",
        content_dir=root / "content",
        zalo_token=Secret(zalo.token),
        zalo_api_base=zalo.base_url,
        admin_ids=frozenset({f"zalo:{ZALO_ADMIN}"}),
    )
    return bot_settings(settings, telegram)


async def test_telegram_and_zalo_run_together_and_both_get_alerts(
    both: Settings, telegram: FakeBotApi, zalo: FakeZaloApi
) -> None:
    async with running_app(both) as base:
        async with httpx.AsyncClient() as client:
            checks = (await client.get(f"{base}/healthz")).json()["checks"]
        assert checks == {
            "telegram": True,
            "zalo": True,
            "telegram-alerts": True,
            "zalo-alerts": True,
            "watcher": True,
            "retention": True,
            "weekly": True,  # the Monday report to the Zalo admin
            "index": True,
            "data": True,
        }
        # The same question gets the same answer on both platforms.
        (on_telegram,) = await telegram.say(TELEGRAM_FAN, "mất thẻ bhyt")
        (on_zalo,) = await zalo.say(ZALO_FAN, "mat the bhyt")
        assert visible_text(on_telegram.text).startswith("Mất thẻ bảo hiểm y tế")
        assert on_zalo.text.startswith("Mất thẻ bảo hiểm y tế")

        await telegram.say(TELEGRAM_FAN, "/subscribe bhyt")
        await zalo.say(ZALO_FAN, "đăng ký nhận tin bảo hiểm y tế")
        await zalo.say(ZALO_OTHER, "đăng ký nhận tin học bổng")
        t_mark, z_mark = len(telegram.calls), len(zalo.calls)
        day = dt.date.today().isoformat()
        (both.content_dir / f"{day}-the-bhyt.md").write_text(
            f"---\ntitle: Phát thẻ BHYT đợt 3\ndate: {day}\ntopics: [bhyt]\n---\n"
            "Người dân nhận thẻ tại nhà văn hóa khu phố từ thứ hai.\n",
            encoding="utf-8",
        )
        (t_alert,) = await telegram.replies(TELEGRAM_FAN, since=t_mark, within=10)
        (z_alert,) = await zalo.replies(ZALO_FAN, since=z_mark, within=10)
        assert "Phát thẻ BHYT đợt 3" in visible_text(t_alert.text)
        assert "Phát thẻ BHYT đợt 3" in z_alert.text
        # Zalo has no buttons: "read it all" is a numbered choice, after the one the
        # subscription's reply offered a moment ago ("1. Xem các chủ đề").
        assert "2. 📄 Xem toàn văn" in z_alert.text and "(ví dụ: 2)" in z_alert.text
        assert zalo.sent(ZALO_OTHER, since=z_mark) == []

        # On Zalo the resident types the number to read the whole notice.
        (full,) = await zalo.say(ZALO_FAN, "2")
        assert "nhà văn hóa khu phố" in full.text

        # A Zalo admin can use the admin commands; a Zalo resident cannot.
        (stats,) = await zalo.say(ZALO_ADMIN, "/stats")
        assert "Bảo hiểm y tế: 2" in stats.text
        (refused,) = await zalo.say(ZALO_OTHER, "/stats")
        assert "Bảo hiểm y tế: 2" not in refused.text


async def test_zalo_alone_is_enough_to_run(
    ward_settings: Settings, zalo: FakeZaloApi, telegram: FakeBotApi
) -> None:
    settings = replace(
        bot_settings(ward_settings, telegram),
        telegram_token=None,
        zalo_token=Secret(zalo.token),
        zalo_api_base=zalo.base_url,
    )
    async with running_app(settings):
        greeting, topics = await zalo.say(ZALO_FAN, "/start", count=2)
        assert "UBND Phường 2" in greeting.text
        assert "1. 🔔 Nhận tin: Bảo hiểm y tế" in topics.text
    assert telegram.calls == []


async def test_a_zalo_token_refused_for_minutes_is_told_on_telegram_each_time_it_starts(
    both: Settings, telegram: FakeBotApi, zalo: FakeZaloApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Zalo token reset in Bot Creator is told to the Telegram admin, once while it lasts,
    and again when it is refused anew after Zalo took it in between; never to the Zalo
    admin, who would read it only once the token works again. Each time Zalo takes it
    again, the Telegram admin is told so, once, after it has kept taking it (BACK_AFTER,
    short here)."""
    monkeypatch.setattr(zalo_channel, "BACKOFF_FIRST", 0.01)  # the polls' waits, short
    monkeypatch.setattr(alerts_module, "BACK_AFTER", 0.2)
    monkeypatch.setattr(zalo_channel, "BACK_AFTER", 0.2)
    monkeypatch.setattr(zalo_channel, "BACKOFF_MAX", 0.05)
    settings = replace(both, admin_ids=both.admin_ids | {f"telegram:{TELEGRAM_ADMIN}"})
    note = msg.admin_zalo_token_refused(settings.ward_name)

    def told() -> list[str]:
        return [c.text for c in telegram.sent(TELEGRAM_ADMIN) if "ZALO_BOT_TOKEN" in c.text]

    def back() -> list[str]:
        return [c.text for c in telegram.sent(TELEGRAM_ADMIN) if "“zalo”: true" in c.text]

    def refused(since: int) -> int:
        return sum(c.method == "getUpdates" and c.code == 401 for c in zalo.calls[since:])

    async with running_app(settings):
        for times in (1, 2):
            monkeypatch.setattr(zalo_channel, "TOKEN_TELL_AFTER", float("inf"))
            zalo.fail(401, method="getUpdates", times=None)
            await zalo.say(ZALO_FAN, "alo")  # ends the poll under way; the next are refused
            monkeypatch.setattr(zalo_channel, "TOKEN_TELL_AFTER", 0.0)  # minutes go by
            await eventually(lambda: len(told()) >= times)
            mark = len(zalo.calls)
            await eventually(lambda: refused(mark) >= 3)
            assert len(told()) == times and visible_text(told()[-1]) == note  # not again
            assert len(back()) == times - 1
            zalo.recover("getUpdates")
            assert await zalo.say(ZALO_FAN, "/help")  # Zalo takes the token again
            await eventually(lambda: len(back()) >= times)
            assert visible_text(back()[-1]) == msg.admin_task_back(settings.ward_name, "zalo")
        assert await zalo.say(ZALO_ADMIN, "/help")
        assert len(back()) == 2, "once per outage"
        assert not [c for c in zalo.sent(ZALO_ADMIN) if "ZALO_BOT_TOKEN" in c.text]
        assert not [c for c in zalo.sent(ZALO_ADMIN) if "“zalo”: true" in c.text]


async def test_a_bot_stopping_while_an_alert_is_slow_takes_no_new_message_meanwhile(
    both: Settings, zalo: FakeZaloApi
) -> None:
    """The bot stops (a redeploy) while Zalo is slow to take an alert, which the stop waits
    for (up to 35 s). Before, it kept polling meanwhile: a message a resident sent then was
    taken, and its reply, slow too, made the stop longer still, past what `docker stop`
    allows, so the message was answered again after the restart. Now the bot takes no new
    message once it is stopping; the message waits with Zalo for the next start."""
    settings = replace(both, telegram_token=None)
    stop = asyncio.Event()
    running = asyncio.create_task(app.run(settings, stop=stop))
    try:
        async with httpx.AsyncClient() as client:  # up, the content watcher too
            for _ in range(600):
                with contextlib.suppress(httpx.HTTPError):
                    health = f"http://127.0.0.1:{settings.http_port}/healthz"
                    if (await client.get(health)).status_code == 200:
                        break
                await asyncio.sleep(0.05)
        await zalo.say(ZALO_FAN, "đăng ký nhận tin bảo hiểm y tế", within=30)
        slow = zalo.hold("sendMessage")
        day = dt.date.today().isoformat()
        (settings.content_dir / f"{day}-the-bhyt.md").write_text(
            f"---\ntitle: Phát thẻ BHYT đợt 3\ndate: {day}\ntopics: [bhyt]\n---\n"
            "Người dân nhận thẻ tại nhà văn hóa khu phố từ thứ hai.\n",
            encoding="utf-8",
        )
        await zalo.wait_until(lambda: bool(zalo.holding))  # the alert, with Zalo
        stop.set()
        await asyncio.sleep(0.5)  # the bot is stopping, waiting for the alert
        zalo.send_text(ZALO_OTHER, "mat the bhyt thi lam sao")
        await asyncio.sleep(0.5)  # a bot still polling would have taken it by now
        assert zalo.pending_updates == 1
        slow.set()
        await asyncio.wait_for(running, 60)
    finally:
        stop.set()
        zalo.hold("sendMessage").set()
        await asyncio.wait_for(asyncio.shield(running), 60)
    assert [call.chat_id for call in zalo.sent()][-1] == ZALO_FAN  # the alert went
    assert zalo.sent(ZALO_OTHER) == [] and zalo.pending_updates == 1


# --- a part failing while the bot starts ------------------------------------------------------


class Retries:
    """Restart pauses that end only when the test lets them: `release()` ends one,
    `open()` ends every pause from now on. Each pause's length is recorded."""

    def __init__(self) -> None:
        self.delays: list[float] = []
        self._released = asyncio.Semaphore(0)
        self._open = asyncio.Event()

    async def __call__(self, seconds: float, stop: asyncio.Event) -> None:
        self.delays.append(seconds)
        waiters = [
            asyncio.ensure_future(self._released.acquire()),
            asyncio.ensure_future(self._open.wait()),
            asyncio.ensure_future(stop.wait()),
        ]
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()

    def release(self) -> None:
        self._released.release()

    def open(self) -> None:
        self._open.set()


async def eventually(condition: Callable[[], bool]) -> None:
    for _ in range(500):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("not reached")


async def health(base: str) -> tuple[int, dict[str, bool]]:
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{base}/healthz")
    return response.status_code, response.json()["checks"]


async def healthy(base: str) -> None:
    for _ in range(500):
        if (await health(base))[0] == 200:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"/healthz never said all is well: {await health(base)}")


def write_news(content: Path, title: str) -> None:
    day = dt.date.today().isoformat()
    (content / f"{day}-tin-moi.md").write_text(
        f"---\ntitle: {title}\ndate: {day}\ntopics: [bhyt]\n---\n"
        "Người dân nhận thẻ tại nhà văn hóa khu phố từ thứ hai.\n",
        encoding="utf-8",
    )


async def test_telegram_unreachable_at_start_keeps_zalo_serving_until_it_is_back(
    both: Settings, telegram: FakeBotApi, zalo: FakeZaloApi, caplog: pytest.LogCaptureFixture
) -> None:
    telegram.fail("getMe", 502, times=None)  # Telegram's API down while the bot starts
    retries = Retries()
    async with running_app(both, healthy=False, restarts=Restarts(wait=retries)) as base:
        # Zalo residents are answered and alerted all the same.
        (answer,) = await zalo.say(ZALO_FAN, "mat the bhyt")
        assert answer.text.startswith("Mất thẻ bảo hiểm y tế")
        await zalo.say(ZALO_FAN, "đăng ký nhận tin bảo hiểm y tế")
        mark = len(zalo.calls)
        write_news(both.content_dir, "Phát thẻ BHYT đợt 4")
        (alert,) = await zalo.replies(ZALO_FAN, since=mark, within=10)
        assert "Phát thẻ BHYT đợt 4" in alert.text
        # /healthz tells which part is down; the Zalo admin hears of it, in Vietnamese.
        code, checks = await health(base)
        assert code == 503
        assert checks == {
            "telegram": False,
            "zalo": True,
            "telegram-alerts": False,
            "zalo-alerts": True,
            "watcher": True,
            "retention": True,
            "weekly": True,  # the Monday report to the Zalo admin
            "index": True,
            "data": True,
        }
        # ... and since when: what a monitoring tool shows beside it.
        async with httpx.AsyncClient() as client:
            since = (await client.get(f"{base}/healthz")).json()["down_since"]
        assert sorted(since) == ["telegram", "telegram-alerts"]
        assert dt.datetime.fromisoformat(since["telegram"]) <= dt.datetime.now(dt.UTC)
        (note,) = await zalo.replies(ZALO_ADMIN, within=10)
        assert "kết nối với Telegram" in note.text and "“telegram”: false" in note.text
        # Tried again, backing off as any failed part of the bot.
        retries.release()
        await eventually(lambda: len(retries.delays) == 2)
        assert retries.delays == [1.0, 2.0]
        # The first failed try is one line of the log that says why, without a traceback;
        # the tries after it, minutes apart at most, are not said again (supervise.Outage).
        tries = [r for r in caplog.records if "cannot reach the Telegram Bot API" in r.message]
        assert len(tries) == 1 and not any(r.exc_info for r in tries)
        # Telegram answers again: it is served from the next try on.
        telegram.recover("getMe")
        retries.open()
        await healthy(base)
        async with httpx.AsyncClient() as client:
            assert (await client.get(f"{base}/healthz")).json()["down_since"] == {}
        (reply,) = await telegram.say(TELEGRAM_FAN, "mất thẻ bhyt")
        assert visible_text(reply.text).startswith("Mất thẻ bảo hiểm y tế")


async def test_zalo_unreachable_at_start_is_tried_again_while_telegram_serves(
    both: Settings, telegram: FakeBotApi, zalo: FakeZaloApi
) -> None:
    zalo.fail(502, method="getMe", times=1)  # Zalo's API down at the first try
    retries = Retries()
    async with running_app(both, healthy=False, restarts=Restarts(wait=retries)) as base:
        (reply,) = await telegram.say(TELEGRAM_FAN, "mất thẻ bhyt")
        assert visible_text(reply.text).startswith("Mất thẻ bảo hiểm y tế")
        code, checks = await health(base)
        assert (code, checks["zalo"], checks["telegram"]) == (503, False, True)
        retries.open()
        await healthy(base)
        (answer,) = await zalo.say(ZALO_FAN, "mat the bhyt")
        assert answer.text.startswith("Mất thẻ bảo hiểm y tế")


async def test_a_database_locked_at_start_delays_the_first_alerts_and_stops_nothing(
    both: Settings, telegram: FakeBotApi, zalo: FakeZaloApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_app(both):
        await telegram.say(TELEGRAM_FAN, "/subscribe bhyt")
    # A notice published while the bot is down; at the next start the database is locked
    # (another program holds it) when the bot looks for such notices.
    write_news(both.content_dir, "Phát thẻ BHYT đợt 5")
    real = Store.note_announcements
    tries: list[object] = []

    async def locked_at_first(self: Store, *args: Any) -> object:
        tries.append(args)
        if len(tries) == 1:
            raise sqlite3.OperationalError("database is locked")
        return await real(self, *args)

    monkeypatch.setattr(Store, "note_announcements", locked_at_first)
    retries = Retries()
    mark = len(telegram.calls)
    async with running_app(both, healthy=False, restarts=Restarts(wait=retries)) as base:
        # The bot runs and answers meanwhile; /healthz says the watcher is down.
        (reply,) = await telegram.say(TELEGRAM_FAN, "mất thẻ bhyt")
        assert visible_text(reply.text).startswith("Mất thẻ bảo hiểm y tế")
        (answer,) = await zalo.say(ZALO_FAN, "mat the bhyt")
        assert answer.text.startswith("Mất thẻ bảo hiểm y tế")
        code, checks = await health(base)
        assert (code, checks["watcher"], checks["telegram"], checks["zalo"]) == (
            503,
            False,
            True,
            True,
        )
        (note,) = await zalo.replies(ZALO_ADMIN, within=10)
        assert "“watcher”: false" in note.text
        assert not any(
            "đợt 5" in visible_text(c.text) for c in telegram.sent(TELEGRAM_FAN, since=mark)
        )
        # Tried again: the notice published while the bot was down is alerted.
        retries.open()
        await healthy(base)
        await telegram.wait_until(
            lambda: any("đợt 5" in visible_text(c.text) for c in telegram.sent(TELEGRAM_FAN)),
            within=10,
        )
    assert retries.delays == [1.0]


async def test_a_staff_answer_for_zalo_while_zalo_cannot_start_is_told_and_sent_once_it_does(
    both: Settings, telegram: FakeBotApi, zalo: FakeZaloApi
) -> None:
    """Zalo unreachable when the bot starts (tried again and again): no sender runs for it,
    so an officer's answer to a Zalo resident would wait without a word, not even the
    ten-minute note. They are told at once, and the answer goes once Zalo is up."""
    group = -1001234567
    telegram.staff_group(group, forum=True)
    staffed = replace(both, staff_chat_id=group)
    async with running_app(staffed):
        await zalo.say(ZALO_FAN, "/hoicanbo phường có cho mượn bàn ghế làm đám cưới không")
        await telegram.wait_until(lambda: telegram.sent(group), within=10)
    [ticket_post] = telegram.sent(group)

    zalo.fail(502, method="getMe", times=None)
    retries = Retries()
    async with running_app(staffed, healthy=False, restarts=Restarts(wait=retries)):
        mark, zalo_mark = len(telegram.calls), len(zalo.calls)
        telegram.send_text(
            group, "Dạ có ạ, liên hệ tổ dân phố.", group=True, user_id=9200, reply_to=ticket_post
        )
        (told,) = await telegram.replies(group, since=mark, within=10)
        assert visible_text(told.text) == msg.relay_channel_off(1, "zalo")

        zalo.recover("getMe")
        retries.open()
        (answer,) = await zalo.replies(ZALO_FAN, since=zalo_mark, within=10)
        assert "liên hệ tổ dân phố" in answer.text
        await telegram.wait_until(lambda: telegram.reactions, within=10)  # 👍: delivered


async def test_a_question_for_staff_while_telegram_cannot_start_is_told_it_waits(
    both: Settings, telegram: FakeBotApi, zalo: FakeZaloApi
) -> None:
    """Staff answer on Telegram: while it cannot be reached since the bot started, a Zalo
    resident asking for staff is told honestly that the question has not reached them
    yet (with the hotline); it is posted once Telegram is up."""
    group = -1001234567
    telegram.staff_group(group, forum=True)
    telegram.fail("getMe", 502, times=None)
    retries = Retries()
    staffed = replace(both, staff_chat_id=group)
    async with running_app(staffed, healthy=False, restarts=Restarts(wait=retries)) as base:
        (received,) = await zalo.say(ZALO_FAN, "/hoicanbo phường có cho mượn bàn ghế không")
        assert "phiếu số 1" in received.text and "chưa chuyển được" in received.text
        assert "0276 3822 123" in received.text

        telegram.recover("getMe")
        retries.open()
        await healthy(base)
        await telegram.wait_until(lambda: telegram.sent(group), within=10)
        (second,) = await zalo.say(ZALO_OTHER, "/hoicanbo phường có cho mượn loa không")
        assert "✅ Em đã chuyển câu hỏi tới cán bộ phường (phiếu số 2)" in second.text


async def test_a_photo_a_zalo_resident_sends_staff_is_said_not_to_reach_them(
    both: Settings, telegram: FakeBotApi, zalo: FakeZaloApi
) -> None:
    """A Zalo resident with a ticket open sends staff a photo of a paper, with a line under
    it: the line reaches staff, and the resident is told the photo does not."""
    group = -1001234567
    telegram.staff_group(group, forum=True)
    async with running_app(replace(both, staff_chat_id=group)):
        await zalo.say(ZALO_FAN, "/hoicanbo phường có cho mượn bàn ghế làm đám cưới không")
        mark = len(zalo.calls)
        zalo.send_image(ZALO_FAN, caption="giấy mời họp của nhà em đây ạ")
        note, relayed = await zalo.replies(ZALO_FAN, 2, since=mark, within=10)
        assert note.text == msg.attachment_not_relayed(both.ward_name, typed=True)
        assert relayed.text == msg.ticket_follow_up(both.ward_name, 1, held_up=False)
        await telegram.wait_until(
            lambda: any("giấy mời họp" in visible_text(c.text) for c in telegram.sent(group)),
            within=10,
        )
        mark = len(zalo.calls)
        zalo.send_image(ZALO_FAN)
        (alone,) = await zalo.replies(ZALO_FAN, since=mark, within=10)
        assert alone.text == msg.attachment_not_relayed(both.ward_name, typed=False)
