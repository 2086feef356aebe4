"""The Zalo channel (handlers/zalo.py), end to end, against the fake Zalo Bot API on 127.0.0.1.

Residents' messages go in as updates served by getUpdates (long polling) or posted to the
bot's webhook; what the bot sends is recorded by the fake server, which refuses what Zalo
refuses (e.g. a message over 2000 characters).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import itertools
import logging
import re
import shutil
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from chat_ward import EXAMPLE, WARD_NAME
from fakes import zalo_api
from fakes.zalo_api import Call, FakeZaloApi
from test_staff_e2e import choice

from handlers import zalo
from handlers import zalo_api as zalo_api_client
from handlers.zalo import ZaloChannel
from wardbot import messages as msg
from wardbot.admin import Admin
from wardbot.alert_replies import alert_reply
from wardbot.alerts import BACK_AFTER, Alerts
from wardbot.config import ConfigError, Secret, Settings
from wardbot.conversation import Conversation
from wardbot.delivery import (
    REPLY_RETRY,
    ChatUnreachable,
    Deliverer,
    PermanentError,
    RetryLater,
    TransientError,
)
from wardbot.desk import Desk
from wardbot.doc_replies import document_reply, no_answer_reply
from wardbot.engine import Engine
from wardbot.faq_edit import FaqEditor
from wardbot.hours import VIETNAM
from wardbot.inbox import MAX_ATTEMPTS
from wardbot.models import Announcement, Answer, FaqEntry, Hit
from wardbot.outbox import MAX_BACKOFF, Composer, Sender, Senders
from wardbot.reply import Button, Reply, make_action
from wardbot.store import ChatRef, Store
from wardbot.supervise import Restarts
from wardbot.tickets import TicketBook
from wardbot.web import AsgiServer, bound_socket, web_app

ALICE = "6ede9afb3c3e4d6f8a01"
BINH = "8a1b2c3d4e5f60718293"
PUBLIC_URL = "https://bot.phuong2.example.vn"
SECRET = "s3cret-Zalo_webhook"
LONG_NOTICE = "2024-07-15-dieu-chinh-muc-dong-bhyt"
TOPICS_MENU = [
    "1. 🔔 Nhận tin: Bảo hiểm y tế",
    "2. 🔔 Nhận tin: Học bổng và khuyến học",
    "3. 🔔 Nhận tin: Cư trú",
    "4. 🔔 Nhận tin: Hộ tịch",
]


def zalo_settings(settings: Settings, api: FakeZaloApi, **changes: Any) -> Settings:
    return replace(settings, zalo_token=Secret(api.token), zalo_api_base=api.base_url, **changes)


class Clock:
    """A monotonic clock that stands still unless a test moves it, and a sleep that records
    each wait and ends it at once; `hold()` stops the loop in a chosen wait."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.waits: list[float] = []
        self.waiting = asyncio.Event()  # a wait is held
        self._held: Callable[[float], bool] | None = None
        self._released = asyncio.Event()

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        if self._held is not None and self._held(seconds):
            self.waiting.set()
            await self._released.wait()
        await asyncio.sleep(0)

    def hold(self, matching: Callable[[float], bool] = lambda _: True) -> None:
        """Hold the next wait `matching` (every wait after it too) until `release()`."""
        self._held = matching
        self.waiting.clear()
        self._released.clear()

    def release(self) -> None:
        self._held = None
        self._released.set()


def backoff(seconds: float) -> bool:
    """A wait after a failed poll (an idle poll's pause is shorter)."""
    return seconds >= zalo.BACKOFF_FIRST


@contextlib.asynccontextmanager
async def running_channel(
    api: FakeZaloApi,
    engine: Engine,
    settings: Settings,
    *,
    polls: Clock | None = None,
    retries: Clock | None = None,
    webhook_check: float | None = None,
    now: Callable[[], float] | None = None,
    **changes: Any,
) -> AsyncIterator[tuple[ZaloChannel, Store]]:
    """A started Zalo channel talking to the fake API; yields it and its store.

    `polls`: the poll loop's clock and waits; `retries`: those of its replies' retries;
    `webhook_check`: seconds between its looks at getWebhookInfo; `now`: its wall clock."""
    settings = zalo_settings(settings, api, **changes)
    options: dict[str, Any] = {} if now is None else {"now": now}
    if webhook_check is not None:
        options["webhook_check"] = webhook_check
    if polls is not None:
        options |= {"clock": polls, "sleep": polls.sleep}
    if retries is not None:
        options["reply_retry"] = replace(REPLY_RETRY, clock=retries, sleep=retries.sleep)
    async with await Store.open(settings.data_dir / "bot.sqlite3") as store:
        channel = ZaloChannel(
            settings, Conversation(engine, store, settings), poll_timeout=0.1, **options
        )
        await channel.start()
        try:
            yield channel, store
        finally:
            await channel.stop()


@pytest.fixture
async def api() -> AsyncIterator[FakeZaloApi]:
    async with FakeZaloApi() as fake:
        yield fake
        # Whatever a test did, no message the bot sent was empty or over Zalo's limit.
        for call in fake.of("sendMessage"):
            assert 1 <= len(call.text) <= 2000, len(call.text)


@pytest.fixture
def polls() -> Clock:
    return Clock()


@pytest.fixture
def retries() -> Clock:
    return Clock()


@pytest.fixture
async def polling(
    api: FakeZaloApi, ward_engine: Engine, ward_settings: Settings, polls: Clock, retries: Clock
) -> AsyncIterator[tuple[ZaloChannel, Store]]:
    """The channel polling the fake API; its waits (polls and retries) end at once."""
    async with running_channel(
        api, ward_engine, ward_settings, polls=polls, retries=retries
    ) as running:
        yield running


@pytest.fixture
def store(polling: tuple[ZaloChannel, Store]) -> Store:
    return polling[1]


@pytest.fixture
def channel(polling: tuple[ZaloChannel, Store]) -> ZaloChannel:
    return polling[0]


def in_a_group(text: str, bot: str | None = None) -> str:
    """A reply's text as a group reads it: the line under a list says to mention the bot
    with the number (a number alone never reaches it there)."""
    group_line = msg.choose_by_number(in_group=True, bot=bot)
    return text.replace(msg.choose_by_number(), group_line)


def menu(call: Call) -> list[str]:
    """The numbered lines of a message: '1. …', '2. …'."""
    return [line for line in call.text.splitlines() if re.match(r"\d+\. ", line)]


# --- start-up and shutdown ------------------------------------------------------------------


async def test_start_checks_the_token_removes_any_webhook_then_polls(
    api: FakeZaloApi, ward_engine: Engine, ward_settings: Settings
) -> None:
    async with running_channel(api, ward_engine, ward_settings) as (channel, _):
        await api.wait_until(lambda: len(api.of("getUpdates")) >= 2)
        assert [c.method for c in api.calls[:3]] == ["getMe", "deleteWebhook", "getUpdates"]
        assert channel.is_running()
        assert channel.routes() == []  # no webhook route when polling
    assert not channel.is_running()


async def test_idle_polls_are_not_failures(
    api: FakeZaloApi, channel: ZaloChannel, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="handlers.zalo")
    await api.wait_until(lambda: len(api.of("getUpdates")) >= 3)
    assert {c.code for c in api.of("getUpdates")} == {408}
    assert channel.is_running()
    assert caplog.text == ""


async def test_a_reply_zalo_is_slow_to_confirm_when_the_bot_stops_is_not_sent_again(
    api: FakeZaloApi,
    ward_engine: Engine,
    ward_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The bot stops (a redeploy) while Zalo, slow, has not yet answered the reply to a
    resident's question. Before, the stop gave up on it after its grace: the reply
    reached the resident all the same, and the question was answered again after the
    restart. Now Zalo's answer is waited for, and the question is answered once."""
    monkeypatch.setattr(zalo, "STOP_GRACE", 0.0)  # the grace is over at once
    held = api.hold("sendMessage")
    async with running_channel(api, ward_engine, ward_settings) as (channel, _):
        api.send_text(ALICE, "mất thẻ bhyt")
        await api.wait_until(lambda: bool(api.holding))  # the reply is with Zalo
        stopping = asyncio.create_task(channel.stop())
        await asyncio.sleep(0.05)  # before, the stop gave up on it then
        held.set()  # Zalo answers at last
        await stopping
    await api.wait_until(lambda: len(api.sent(ALICE)) == 1)
    async with running_channel(api, ward_engine, ward_settings) as (channel, _):
        await api.say(ALICE, "đăng ký tạm trú cần giấy tờ gì")  # answered after the restart
    replies = [call.text for call in api.sent(ALICE)]
    assert len(replies) == 2
    assert replies[0].startswith("Mất thẻ bảo hiểm y tế")
    assert not replies[1].startswith("Mất thẻ bảo hiểm y tế")


async def test_a_wrong_token_stops_start_up_with_a_clear_message(
    api: FakeZaloApi, ward_engine: Engine, ward_settings: Settings
) -> None:
    settings = replace(
        zalo_settings(ward_settings, api), zalo_token=Secret("4213657089215436870:wrong_9xQ")
    )
    async with await Store.open(settings.data_dir / "bot.sqlite3") as store:
        channel = ZaloChannel(settings, Conversation(ward_engine, store, settings))
        with pytest.raises(ConfigError, match="ZALO_BOT_TOKEN") as raised:
            await channel.start()
        await channel.stop()
    assert "wrong_9xQ" not in str(raised.value)
    assert not channel.is_running()


async def test_an_unreachable_api_stops_start_up(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    sock = bound_socket()  # never listening
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    settings = replace(ward_settings, zalo_token=Secret("1:abcdefgh"), zalo_api_base=base)
    try:
        async with await Store.open(settings.data_dir / "bot.sqlite3") as store:
            channel = ZaloChannel(settings, Conversation(ward_engine, store, settings))
            with pytest.raises(ConnectionError, match="cannot reach the Zalo Bot API"):
                await channel.start()
            await channel.stop()
    finally:
        sock.close()


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"zalo_token": None}, "ZALO_BOT_TOKEN is not set"),
        ({"public_url": PUBLIC_URL}, "ZALO_WEBHOOK_SECRET"),
        ({"public_url": PUBLIC_URL, "zalo_webhook_secret": Secret("short")}, "từ 8 đến 256"),
    ],
)
async def test_configuration_is_checked(
    ward_engine: Engine, ward_settings: Settings, changes: dict[str, Any], problem: str
) -> None:
    settings = replace(ward_settings, zalo_token=Secret("1:abcdefgh"))
    settings = replace(settings, **changes)
    async with await Store.open(settings.data_dir / "bot.sqlite3") as store:
        with pytest.raises(ConfigError, match=problem):
            ZaloChannel(settings, Conversation(ward_engine, store, settings))


# --- conversations --------------------------------------------------------------------------


async def test_start_offers_the_topics_as_numbered_choices(api: FakeZaloApi, store: Store) -> None:
    greeting, topics = await api.say(ALICE, "/start", count=2)
    assert greeting.text.startswith(
        "Dạ, xin chào anh/chị! Đây là trợ lý tự động của UBND Phường 2."
    )
    assert menu(topics) == TOPICS_MENU
    assert topics.text.count("Bảo hiểm y tế") == 1  # the numbered lines are the list
    assert topics.text.endswith(msg.choose_by_number())
    (done,) = await api.say(ALICE, "2")
    assert done.text.startswith(msg.subscribed(WARD_NAME, "Học bổng và khuyến học"))
    assert "2. 🔕 Bỏ nhận tin: Học bổng và khuyến học" in menu(done)
    assert await store.subscriptions_of(ChatRef("zalo", ALICE)) == ["hoc-bong"]


async def test_a_question_then_the_number_of_a_related_question(
    api: FakeZaloApi, store: Store
) -> None:
    mark = len(api.calls)
    (answer,) = await api.say(ALICE, "dang ky tam tru can giay to gi")
    assert answer.text.startswith("Đăng ký tạm trú cần giấy tờ gì?\n\n")
    assert "Nguồn: Hỏi đáp thủ tục của UBND Phường 2" in answer.text
    assert "Lưu ý: <b>không</b> cần bản sao sổ hộ khẩu & giấy tờ cũ." in answer.text  # as is
    assert f"{msg.RELATED}\n\n1. " in answer.text
    actions = [c.method for c in api.calls[mark:] if c.method != "getUpdates"]
    assert actions == ["sendChatAction", "sendMessage"]  # typing first, then the answer
    assert api.of("sendChatAction")[0].params == {"chat_id": ALICE, "action": "typing"}
    first = menu(answer)[0].removeprefix("1. ").rstrip("…")
    (opened,) = await api.say(ALICE, "1")
    assert opened.text.startswith(first)
    assert "Nguồn: Hỏi đáp thủ tục" in opened.text


async def test_read_it_all_is_numbered_first_apart_from_the_related_questions(
    api: FakeZaloApi, store: Store
) -> None:
    (notice,) = await api.say(ALICE, "điều chỉnh mức đóng bhyt hộ gia đình từ 01/7/2024")
    lines = menu(notice)
    assert lines[0] == f"1. {msg.FULL_TEXT_BUTTON}" and len(lines) >= 2
    assert f"{lines[0]}\n\n{msg.RELATED}\n\n{lines[1]}" in notice.text
    (related,) = await api.say(ALICE, "2")  # the first related question, as numbered
    assert related.text.startswith(lines[1].removeprefix("2. ").rstrip("…"))


async def test_numbers_refer_to_the_list_shown_last(api: FakeZaloApi, store: Store) -> None:
    (answer,) = await api.say(ALICE, "mất thẻ bhyt thì làm sao")
    count = len(menu(answer))
    assert count >= 2
    (hint,) = await api.say(ALICE, "9")
    assert hint.text.startswith(msg.number_not_in_list("9", count))
    assert menu(hint) == menu(answer)  # the same list, shown again
    (still,) = await api.say(ALICE, "1")  # and its numbers still work
    assert still.text.startswith(menu(answer)[0].removeprefix("1. ").rstrip("…"))
    (latest,) = await api.say(ALICE, "/latest")  # a new list replaces the old one
    assert latest.text.count("Lịch tiếp công dân") == 1  # each notice once
    (opened,) = await api.say(ALICE, "số 1")
    assert opened.text.startswith(menu(latest)[0].split(" — ", 1)[1])
    await api.say(ALICE, "/help")  # no list at all now
    (plain,) = await api.say(ALICE, "1")
    assert plain.text == msg.no_list_to_pick("1", EXAMPLE)


async def test_a_choice_typed_with_politeness_after_an_unanswered_question(
    api: FakeZaloApi, store: Store
) -> None:
    (answer,) = await api.say(ALICE, "mất thẻ bhyt thì làm sao")
    (unanswered,) = await api.say(ALICE, "giá vàng hôm nay bao nhiêu")
    assert menu(unanswered) == []
    (opened,) = await api.say(ALICE, "số 2 ạ")  # the list above still counts
    assert opened.text.startswith(menu(answer)[1].removeprefix("2. ").rstrip("…"))


async def test_an_unknown_topic_offers_only_the_topics_not_followed_yet_once_each(
    api: FakeZaloApi, store: Store
) -> None:
    await api.say(ALICE, "/subscribe bhyt")
    (reply,) = await api.say(ALICE, "đăng ký nhận tin tiêm chủng")
    assert reply.text.startswith(msg.unknown_topic_menu("tiêm chủng"))
    assert "• " not in reply.text and "Bảo hiểm y tế" not in reply.text
    assert menu(reply) == [
        f"1. {msg.subscribe_button('Học bổng và khuyến học')}",
        f"2. {msg.subscribe_button('Cư trú')}",
        f"3. {msg.subscribe_button('Hộ tịch')}",
    ]
    (done,) = await api.say(ALICE, "2")
    assert done.text.startswith(msg.subscribed(WARD_NAME, "Cư trú"))


async def test_a_mistyped_unfollow_all_asks_and_1_or_yes_stops_every_alert(
    api: FakeZaloApi, store: Store
) -> None:
    """ "/nollow all" stopped every alert on a guess. On Zalo, with no buttons, the
    question says to answer "có" or 1, its one numbered line; either stops them."""
    chat = ChatRef("zalo", ALICE)
    for text in ("/nollow all", "/unsubcribe het"):
        await store.subscribe(chat, "bhyt")
        await store.subscribe(chat, "cu-tru")
        (asked,) = await api.say(ALICE, text)
        assert asked.text.startswith(
            "Ý anh/chị là /unsubscribe all (ngừng nhận mọi tin)? Nếu đúng, anh/chị trả lời "
            "“có” (hoặc nhắn 1)."
        )
        assert menu(asked) == ["1. ✅ Đúng, ngừng nhận mọi tin"]
        assert await store.subscriptions_of(chat) == ["bhyt", "cu-tru"]
        (stopped,) = await api.say(ALICE, "1" if text == "/nollow all" else "có")
        assert stopped.text.startswith(msg.unsubscribed_all(2))
        assert await store.subscriptions_of(chat) == []


async def test_subscribing_in_plain_vietnamese(api: FakeZaloApi, store: Store) -> None:
    (reply,) = await api.say(ALICE, "đăng ký nhận tin học bổng")
    assert reply.text.startswith(msg.subscribed(WARD_NAME, "Học bổng và khuyến học"))
    (also,) = await api.say(ALICE, "dang ky nhan tin bhyt")
    assert also.text.startswith(msg.subscribed(WARD_NAME, "Bảo hiểm y tế"))
    (mine,) = await api.say(ALICE, "/mysubs")
    assert mine.text.startswith(msg.mysubs_menu(2))
    assert mine.text.count("Bảo hiểm y tế") == 1  # the numbered lines are the list
    assert menu(mine) == [
        "1. 🔕 Bỏ nhận tin: Bảo hiểm y tế",
        "2. 🔕 Bỏ nhận tin: Học bổng và khuyến học",
        f"3. {msg.UNSUBSCRIBE_ALL_BUTTON}",
    ]
    (dropped,) = await api.say(ALICE, "1")
    assert dropped.text.startswith(msg.unsubscribed("Bảo hiểm y tế"))
    assert await store.subscriptions_of(ChatRef("zalo", ALICE)) == ["hoc-bong"]
    assert await store.subscriptions_of(ChatRef("telegram", ALICE)) == []


@pytest.mark.parametrize("send", ["send_sticker", "send_image"])
async def test_stickers_and_images_get_a_polite_request_to_type(
    api: FakeZaloApi, store: Store, send: str
) -> None:
    """Not silence, which looks like a bot that is down."""
    mark = len(api.calls)
    getattr(api, send)(ALICE)
    (reply,) = await api.replies(ALICE, since=mark)
    assert reply.text == msg.please_type(EXAMPLE)


async def test_photos_sent_together_get_one_request_to_type(api: FakeZaloApi, store: Store) -> None:
    """Three photos of a form sent at once are three messages on Zalo (Telegram groups
    them as an album): one request to type answers them all, not three alike in a row. A
    photo after a question is told again; a second photo just after it is not; a photo
    minutes later is told again. The list on screen stays throughout (a sticker after an
    answer is thanks: below)."""
    mark = len(api.calls)
    sent = zalo_api.now_ms()
    for _ in range(3):
        api.send_image(ALICE, date=sent)
    api.send_text(ALICE, "mất thẻ bhyt", date=sent + 1000)  # answered after the photos
    note, answer = await api.replies(ALICE, 2, since=mark)
    assert note.text == msg.please_type(EXAMPLE)
    assert answer.text.startswith("Mất thẻ bảo hiểm y tế")
    mark = len(api.calls)
    api.send_image(ALICE, date=sent + 5000)
    api.send_image(ALICE, date=sent + 7000)
    api.send_image(ALICE, date=sent + 185_000)
    api.send_text(ALICE, "1", date=sent + 186_000)
    replies = await api.replies(ALICE, 3, since=mark)
    assert [call.text for call in replies[:2]] == [msg.please_type(EXAMPLE)] * 2
    assert replies[2].text.startswith(menu(answer)[0].removeprefix("1. ").rstrip("…"))


async def test_a_sticker_after_an_answer_is_thanks_once_never_please_type(
    api: FakeZaloApi, store: Store
) -> None:
    """A sticker right after an answer is a thank-you (Zalo does not say which picture it
    is): it was asked to type its question. Now one friendly line, and stickers after it
    under the same answer get nothing; the list on screen still answers "2"."""
    (answer,) = await api.say(ALICE, "mất thẻ bhyt")
    mark = len(api.calls)
    sent = zalo_api.now_ms()
    api.send_sticker(ALICE, date=sent)
    api.send_sticker(ALICE, date=sent + 90_000)  # apart from the first: no burst
    api.send_text(ALICE, "2", date=sent + 91_000)
    thanked, picked = await api.replies(ALICE, 2, since=mark)
    assert thanked.text == msg.liked()
    assert picked.text.startswith(menu(answer)[1].removeprefix("2. ").rstrip("…"))


async def test_a_question_sent_twice_at_once_is_answered_once(
    api: FakeZaloApi, store: Store
) -> None:
    """A double tap on send, or a message sent again on a slow network: the whole answer
    (on Zalo perhaps several messages) twice in a row buried the first. Now the second
    copy gets one line pointing up, and "2" still picks from the answer's list. The same
    question asked again later, or small talk sent twice, is answered as before."""
    mark = len(api.calls)
    sent = zalo_api.now_ms()
    api.send_text(ALICE, "mất thẻ bhyt thì làm sao", date=sent)
    api.send_text(ALICE, "Mất thẻ bhyt thì làm sao ", date=sent + 2000)
    answer, again = await api.replies(ALICE, 2, since=mark)
    assert answer.text.startswith("Mất thẻ bảo hiểm y tế")
    assert again.text == msg.answered_just_above()
    (picked,) = await api.say(ALICE, "2", date=sent + 4000)
    assert picked.text.startswith(menu(answer)[1].removeprefix("2. ").rstrip("…"))
    mark = len(api.calls)
    api.send_text(ALICE, "mất thẻ bhyt thì làm sao", date=sent + 60_000)
    (asked_again,) = await api.replies(ALICE, since=mark)
    assert asked_again.text == answer.text
    mark = len(api.calls)
    api.send_text(ALICE, "cảm ơn", date=sent + 61_000)
    api.send_text(ALICE, "cảm ơn", date=sent + 62_000)
    thanked = await api.replies(ALICE, 2, since=mark)
    assert thanked[0].text == thanked[1].text != msg.answered_just_above()


async def test_a_voice_message_gets_the_hotline_with_the_request_to_type(
    api: FakeZaloApi, store: Store
) -> None:
    """A voice message is how many older residents write, who may not type well: whom to
    call comes with the request to type."""
    mark = len(api.calls)
    api.send_voice(ALICE)
    (reply,) = await api.replies(ALICE, since=mark)
    assert reply.text == msg.voice_unheard("UBND Phường 2", "0276 3822 123", relayed=False)
    assert "0276 3822 123" in reply.text


async def test_an_emoji_alone_is_read_for_what_it_says(api: FakeZaloApi, store: Store) -> None:
    """Zalo has no "🙁 Chưa đúng ý tôi hỏi" button: a 👎 (or 😡) under an answer says it
    missed, as "sai rồi" does, and gets the other close matches; 🤔 or ❓ says the resident
    is lost; 😡 or 😢 with no answer to have missed, that something upset them, and they
    are asked what. "Dạ vâng ạ" to any would brush them off; 👍 is thanked for."""
    await api.say(ALICE, "mất thẻ bhyt")
    (sorry,) = await api.say(ALICE, "👎🏻")
    assert sorry.text.startswith("Dạ, em xin lỗi vì trả lời chưa đúng ý anh/chị.")
    assert "\n1. " in sorry.text
    (lost,) = await api.say(ALICE, "🤔")
    assert lost.text == msg.ask_what(EXAMPLE)
    await api.say(ALICE, "mất thẻ bhyt")
    (angry,) = await api.say(ALICE, "😡😡")
    assert angry.text.startswith("Dạ, em xin lỗi vì trả lời chưa đúng ý anh/chị.")
    (still,) = await api.say(ALICE, "😡")  # the apology made: what is the matter?
    assert still.text.startswith("Dạ, em rất tiếc vì anh/chị đang không vui.")
    (fine,) = await api.say(ALICE, "👍")
    assert fine.text == msg.liked()


async def test_a_question_typed_under_a_photo_is_answered(api: FakeZaloApi, store: Store) -> None:
    """A photo of a card with the question as its caption: the question is answered, after
    a line saying the photo itself is not seen, as on Telegram; in a group, without the
    bot's mention."""
    (answer,) = await api.say(ALICE, "mất thẻ bhyt")
    mark = len(api.calls)
    api.send_image(ALICE, caption="mất thẻ bhyt")
    note, reply = await api.replies(ALICE, 2, since=mark)
    assert (note.text, reply.text) == (msg.attachment_unread(), answer.text)
    group = "g9f8e7d6c5b4a3928170"
    mark = len(api.calls)
    api.send_image(group, caption="@Bot Phường 2 mất thẻ bhyt", group=True, user_id=ALICE)
    note, reply = await api.replies(group, 2, since=mark)
    assert (note.text, reply.text) == (msg.attachment_unread(), in_a_group(answer.text))
    mark = len(api.calls)
    api.send_image(ALICE, caption=" ")  # no question with it
    (reply,) = await api.replies(ALICE, since=mark)
    assert reply.text == msg.please_type(EXAMPLE)


async def test_a_message_answered_hours_after_it_was_sent_gets_an_apology_first(
    api: FakeZaloApi, ward_engine: Engine, ward_settings: Settings, polls: Clock
) -> None:
    """The bot was down; what residents wrote meanwhile is answered when it starts. An
    answer hours late (by Zalo's `date`) comes after a line saying when the message was
    sent, a photo's request to type too; one on time, without. A resident whose messages
    waited together is told sorry once, not before each answer."""
    late = [0.0]  # how long after Zalo's clock the bot reads a message
    now = lambda: time.time() + late[0]  # noqa: E731
    async with running_channel(api, ward_engine, ward_settings, polls=polls, now=now):
        (on_time,) = await api.say(ALICE, "mất thẻ bhyt")
        assert on_time.text.startswith("Mất thẻ bảo hiểm y tế")
        late[0] = 5 * 3600.0
        mark = len(api.calls)
        kept = api.send_image(ALICE)
        apology, please = await api.replies(ALICE, 2, since=mark)
        sent_at = dt.datetime.fromtimestamp(kept["message"]["date"] / 1000, VIETNAM)
        assert apology.text == msg.late_answer(sent_at.replace(tzinfo=None))
        assert please.text == msg.please_type(EXAMPLE)
        mark = len(api.calls)
        api.send_text(ALICE, "mất thẻ bhyt")  # sent in the same outage: no second apology
        (answer,) = await api.replies(ALICE, since=mark)
        assert answer.text == on_time.text


async def test_content_zalo_withholds_gets_the_hotline_too(api: FakeZaloApi, store: Store) -> None:
    """Zalo sends "unsupported" instead of what a protected account (a child's) wrote:
    asking them to type, and nothing more, would answer every message of theirs alike."""
    mark = len(api.calls)
    api.send_unsupported(ALICE)
    (reply,) = await api.replies(ALICE, since=mark)
    assert reply.text.startswith("Dạ, Zalo không chuyển nội dung tin nhắn này cho em")
    assert "gọi đường dây nóng 0276 3822 123" in reply.text


async def test_a_10000_character_message_is_declined_politely(
    api: FakeZaloApi, store: Store
) -> None:
    text = ("Tôi muốn hỏi về thủ tục cấp lại thẻ bảo hiểm y tế cho cả nhà. " * 200)[:10_000]
    (reply,) = await api.say(ALICE, text)
    assert reply.text == msg.too_long(1500)
    (next_one,) = await api.say(ALICE, "mất thẻ bhyt")  # and the bot carries on
    assert next_one.text.startswith("Mất thẻ bảo hiểm y tế")


async def test_a_long_answer_is_split_between_paragraphs_below_2000_characters(
    api: FakeZaloApi, store: Store
) -> None:
    mark = len(api.calls)
    api.send_text(ALICE, "quy trình một cửa gồm những bước nào")
    await api.replies(ALICE, 3, since=mark)
    await api.wait_until(lambda: "Nguồn:" in api.sent(ALICE, since=mark)[-1].text)
    parts = api.sent(ALICE, since=mark)
    assert all(len(part.text) < 2000 for part in parts)
    assert parts[0].text.startswith("Quy trình giải quyết hồ sơ tại bộ phận một cửa")
    for part in parts[1:]:  # each part starts a paragraph
        assert part.text.startswith("Bước "), part.text[:40]
    assert "Bước 14:" in parts[-1].text  # the source stays with the last paragraph
    assert parts[-1].text.endswith("Nguồn: Hỏi đáp thủ tục của UBND Phường 2")


async def test_one_chats_messages_are_answered_in_order(api: FakeZaloApi, store: Store) -> None:
    mark = len(api.calls)
    for question in ("mất thẻ bhyt", "đăng ký khai sinh cho con", "gia han the bhyt o dau"):
        api.send_text(ALICE, question)
    replies = await api.replies(ALICE, 3, since=mark)
    assert [r.text.split("\n", 1)[0] for r in replies] == [
        "Mất thẻ bảo hiểm y tế thì làm sao?",
        "Đăng ký khai sinh cho con cần giấy tờ gì?",
        "Gia hạn thẻ bảo hiểm y tế hộ gia đình ở đâu?",
    ]


async def test_a_repeated_delivery_is_answered_once(api: FakeZaloApi, store: Store) -> None:
    mark = len(api.calls)
    first = api.send_text(ALICE, "mất thẻ bhyt")
    api.push(first)  # Zalo delivers the same message again
    api.send_text(ALICE, "/help")
    replies = await api.replies(ALICE, 2, since=mark)
    await api.wait_until(lambda: api.pending_updates == 0)
    assert replies[0].text.startswith("Mất thẻ bảo hiểm y tế")
    assert replies[1].text.startswith("Cách hỏi")
    assert len(api.sent(ALICE, since=mark)) == 2


@pytest.mark.parametrize("mention", ["@Bot Phường 2", "@bot phường  2,"])
async def test_in_a_group_the_bots_name_is_not_part_of_the_question(
    api: FakeZaloApi, store: Store, mention: str
) -> None:
    """In a group, Zalo shows the bot only messages that mention it, the mention as plain
    text: the question after it is answered as it would be in private, and a command
    after it is the command."""
    group = "g9f8e7d6c5b4a3928170"
    (private,) = await api.say(ALICE, "mất thẻ bhyt")
    (asked,) = await api.say(group, f"{mention} mất thẻ bhyt", group=True, user_id=ALICE)
    assert asked.text == in_a_group(private.text) != private.text
    assert asked.text.endswith("Anh/chị gõ @, chọn tên bot rồi nhắn số thứ tự (ví dụ: 1) để chọn.")
    (picked,) = await api.say(group, f"{mention} 1", group=True, user_id=ALICE)
    assert picked.text.startswith("Gia hạn thẻ bảo hiểm y tế")
    (helped,) = await api.say(group, f"{mention} /help", group=True, user_id=ALICE)
    assert helped.text.startswith("Cách hỏi")
    # Staff read an unanswered question in /unanswered as it was asked, without "( )".
    await api.say(group, f"giá vàng hôm nay ({mention.strip(',')})?", group=True, user_id=ALICE)
    assert (await store.unanswered(0.0))[0] == "giá vàng hôm nay?"
    # A resident's own words that merely contain "@" and the name's first word stay.
    assert zalo._without_mention("email a@Bot.vn", zalo._mention_pattern(["Bot"])) == (
        "email a@Bot.vn"
    )


@pytest.mark.parametrize(
    "said",
    [
        "@Bot Một Cửa mất thẻ bhyt",
        "mất thẻ bhyt (@Bot Một Cửa)",
        "[@Bot Một Cửa] mất thẻ bhyt",  # no "[ ]" left before the question or command
        f"@{zalo_api.ACCOUNT_NAME} mất thẻ bhyt",  # getMe's handle, typed
    ],
)
async def test_in_a_group_the_name_set_in_zalo_bot_name_is_the_mention(
    api: FakeZaloApi, ward_engine: Engine, ward_settings: Settings, said: str
) -> None:
    """getMe gives the bot's account handle, not the name residents see and mention: that
    one is ZALO_BOT_NAME, for a bot whose name is not 'Bot' and the ward's own."""
    group = "g9f8e7d6c5b4a3928170"
    async with running_channel(api, ward_engine, ward_settings, zalo_bot_name="Bot Một Cửa"):
        (private,) = await api.say(ALICE, "mất thẻ bhyt")
        (asked,) = await api.say(group, said, group=True, user_id=ALICE)
        assert asked.text == in_a_group(private.text, "Bot Một Cửa")
        assert asked.text.endswith("nhắn “@Bot Một Cửa 1” (nhắc tên bot kèm số thứ tự) để chọn.")
        command = said.replace("mất thẻ bhyt", "/help")
        (helped,) = await api.say(group, command, group=True, user_id=ALICE)
        assert helped.text.startswith("Cách hỏi")


@pytest.mark.parametrize("given", ["Bot Một Cửa", "@Bot Một Cửa", " @Bot Một Cửa "])
def test_zalo_bot_name_may_be_written_as_residents_type_it(given: str) -> None:
    assert Settings.from_env({"ZALO_BOT_NAME": given}).zalo_bot_name == "Bot Một Cửa"


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("Bot Phường2", "@Bot Phường 2 mất thẻ bhyt"),  # getMe spaces the name otherwise
        ("Bot Phường 2", "@BotPhường2, mất thẻ bhyt"),
        ("Bot Phường 2", "@Bot Phường 2\u200b mất thẻ bhyt"),  # an invisible space after it
        ("Bot Phường 2", "cho hỏi @bot phường 2: mất thẻ bhyt"),
        ("Bot Phường 2", "mất thẻ bhyt (@Bot Phường 2)"),
        ("Bot Phường 2", "[@Bot Phường 2] mất thẻ bhyt"),
        ("Bot Phường 2", "“@Bot Phường 2” mất thẻ bhyt"),
    ],
)
def test_the_bots_name_is_taken_out_however_it_is_spaced(name: str, said: str) -> None:
    question = zalo._without_mention(said, zalo._mention_pattern([name]))
    assert question in ("mất thẻ bhyt", "cho hỏi mất thẻ bhyt")


async def test_in_a_group_admin_commands_do_not_exist_and_only_staff_manage_alerts(
    api: FakeZaloApi, ward_engine: Engine, ward_settings: Settings
) -> None:
    admin_id, group = "a1b2c3d4e5f6a7b8c9d0", "g9f8e7d6c5b4a3928170"
    settings = zalo_settings(ward_settings, api, admin_ids=frozenset({f"zalo:{admin_id}"}))
    async with await Store.open(settings.data_dir / "bot.sqlite3") as store:

        async def no_reload() -> list[str]:
            return []

        alerts = Alerts(ward_engine, store, settings, ["zalo"])
        admin = Admin(ward_engine, store, alerts, settings, no_reload)
        conversation = Conversation(ward_engine, store, settings, admin=admin)
        channel = ZaloChannel(settings, conversation, poll_timeout=0.1)
        await channel.start()
        try:
            await api.say(ALICE, "giá vàng hôm nay bao nhiêu")  # a resident's question
            (stats,) = await api.say(admin_id, "/stats")  # in private the admin has them
            assert stats.text.startswith("📊")
            (refused,) = await api.say(group, "/unanswered", group=True, user_id=admin_id)
            assert refused.text == msg.unknown_command("/unanswered")
            (added,) = await api.say(group, "/subscribe bhyt", group=True, user_id=admin_id)
            assert added.text.startswith(msg.subscribed(WARD_NAME, "Bảo hiểm y tế", group=True))
            await api.say(group, "/topics", group=True, user_id=ALICE)
            for text in ("1", "/unsubscribe all", "/forget"):  # 1: the bhyt line of /topics
                (refused,) = await api.say(group, text, group=True, user_id=ALICE)
                assert refused.text == msg.group_staff_only(WARD_NAME)
            assert await store.subscriptions_of(ChatRef("zalo", group)) == ["bhyt"]
            # A broadcast from Zalo: reviewed, then sent with the number of its choice.
            await store.subscribe(ChatRef("zalo", ALICE), "bhyt")
            (review,) = await api.say(admin_id, "/broadcast bhyt Sáng mai cắt nước.")
            assert "sẽ tới 2 người theo dõi" in review.text
            assert await store.due("zalo", 1e12) == []
            (queued,) = await api.say(admin_id, choice(review.text, "📣 Gửi cho 2 người"))
            assert "Đã xếp 2 tin" in queued.text
            assert len(await store.due("zalo", 1e12)) == 2
        finally:
            await channel.stop()


async def test_an_admin_on_zalo_picks_an_unanswered_group_by_the_number_shown(
    api: FakeZaloApi, ward_engine: Engine, ward_settings: Settings, tmp_path: Path
) -> None:
    """/unanswered on Zalo: its ➕ choices are numbered lines, and a group without one (a
    message asking two questions) comes first. The line for group 2 is choice 1: it says
    which group it adds (not "1. 2. ➕ …", where "2" typed for group 2 picks another)."""
    admin_id = "a1b2c3d4e5f6a7b8c9d0"
    settings = zalo_settings(ward_settings, api, admin_ids=frozenset({f"zalo:{admin_id}"}))
    faq = tmp_path / "faq.yaml"
    shutil.copyfile(settings.faq_file, faq)
    async with await Store.open(settings.data_dir / "bot.sqlite3") as store:

        async def no_reload() -> list[str]:
            return []

        two = "mất thẻ bhyt thì làm sao, còn tạm trú cần gì?"
        asked = "thẻ bảo hiểm của bà tôi rách nát hết rồi xin cái mới được không"
        for text in (two, two, asked):
            await store.log_question(ChatRef("zalo", ALICE), text, False, time.time())
        alerts = Alerts(ward_engine, store, settings, ["zalo"])
        editor = FaqEditor(faq, tmp_path / "backups", no_reload)
        admin = Admin(ward_engine, store, alerts, settings, no_reload, editor=editor)
        conversation = Conversation(ward_engine, store, settings, admin=admin)
        channel = ZaloChannel(settings, conversation, poll_timeout=0.1)
        await channel.start()
        try:
            (listing,) = await api.say(admin_id, "/unanswered")
            assert f"1. “{two}” — 2 lần" in listing.text and f"2. “{asked}” — 1 lần" in listing.text
            [line] = [line for line in listing.text.splitlines() if "➕" in line]
            assert line.startswith("1. ➕ Nhóm 2 ") and "Nhóm 1" not in listing.text
            (done,) = await api.say(admin_id, "1")
            assert done.text.startswith("📝 Đã thêm") and asked in done.text
            assert asked in faq.read_text(encoding="utf-8")
            assert "còn tạm trú cần gì" not in faq.read_text(encoding="utf-8")
        finally:
            await channel.stop()


async def test_the_token_never_reaches_the_logs(
    api: FakeZaloApi, ward_engine: Engine, ward_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="httpx")  # even if the bot set it to WARNING
    async with running_channel(api, ward_engine, ward_settings):
        await api.say(ALICE, "mất thẻ bhyt")
    assert "HTTP Request: POST" in caplog.text
    assert api.token.split(":")[1] not in caplog.text


# --- failures during a conversation ---------------------------------------------------------


@pytest.mark.parametrize("http_status", [200, 429])
async def test_a_429_from_send_message_is_waited_out(
    api: FakeZaloApi, store: Store, http_status: int
) -> None:
    api.fail(429, method="sendMessage", http_status=http_status)
    (reply,) = await api.say(ALICE, "mất thẻ bhyt")
    assert reply.text.startswith("Mất thẻ bảo hiểm y tế")
    assert [c.code for c in api.of("sendMessage")] == [429, 200]


@pytest.mark.parametrize("http_status", [200, None], ids=["http-200", "http-5xx"])
async def test_5xx_from_send_message_is_retried_with_backoff(
    api: FakeZaloApi, store: Store, retries: Clock, http_status: int | None
) -> None:
    api.fail(500, method="sendMessage", http_status=http_status)
    api.fail(503, method="sendMessage", http_status=http_status)
    (reply,) = await api.say(ALICE, "mất thẻ bhyt")
    assert reply.text.startswith("Mất thẻ bảo hiểm y tế")
    assert [c.code for c in api.of("sendMessage")] == [500, 503, 200]
    assert retries.waits == [0.5, 1.0]  # waits grow


async def test_a_burst_of_502_still_gets_the_question_answered_once(
    api: FakeZaloApi, store: Store
) -> None:
    api.fail(502, method="sendMessage", times=2, html=True)
    (reply,) = await api.say(ALICE, "mất thẻ bhyt")
    assert reply.text.startswith("Mất thẻ bảo hiểm y tế")
    (later,) = await api.say(ALICE, "/help")  # nothing else came in between
    assert later.text.startswith("Cách hỏi")
    assert [c.code for c in api.of("sendMessage")] == [502, 502, 200, 200]


@pytest.mark.parametrize("code", [400, 404])
async def test_a_refused_reply_is_not_retried(api: FakeZaloApi, store: Store, code: int) -> None:
    # A 400 gets the polite error message instead; a 404 means the chat cannot be reached.
    expected = [400, 200] if code == 400 else [404]
    to_alice = lambda: [c.code for c in api.of("sendMessage") if c.chat_id == ALICE]  # noqa: E731
    api.fail(code, method="sendMessage")
    api.send_text(ALICE, "mất thẻ bhyt")
    await api.wait_until(lambda: len(to_alice()) == len(expected))
    (reply,) = await api.say(BINH, "mất thẻ bhyt")  # a retry would have come by now
    assert reply.text.startswith("Mất thẻ bảo hiểm y tế")
    assert to_alice() == expected


async def test_a_reply_refused_with_403_is_sent_again(
    api: FakeZaloApi, store: Store, retries: Clock
) -> None:
    """Zalo's docs label 403 "internal server error"; the resident has just written, so
    it is not that they blocked the bot: the answer is sent again, as after a 5xx."""
    api.fail(403, method="sendMessage")
    (reply,) = await api.say(ALICE, "mất thẻ bhyt")
    assert reply.text.startswith("Mất thẻ bảo hiểm y tế")
    assert [c.code for c in api.of("sendMessage")] == [403, 200]


async def test_a_429_asking_for_a_long_wait_does_not_leave_the_resident_waiting(
    api: FakeZaloApi, store: Store
) -> None:
    api.fail(429, method="sendMessage", retry_after=60)
    (reply,) = await api.say(ALICE, "mất thẻ bhyt", within=5)
    assert reply.text == msg.error("UBND Phường 2", "0276 3822 123")


async def test_replies_refused_as_over_quota_are_told_once_and_waited_for_as_zalo_asks(
    api: FakeZaloApi, store: Store, retries: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    """Zalo answers "quota exceeded" (429, no wait named) to every reply: the bot's quota
    is used up. Before, each reply was tried again half a second later, and each resident
    writing meanwhile put an error with a traceback in the log, as if the bot had a bug.
    Now a 429 is waited out 5 seconds (as alerts wait), and the log says once what it is,
    then once that Zalo takes replies again."""
    caplog.set_level(logging.INFO, logger="handlers")
    api.fail(429, method="sendMessage", times=None)
    for chat in (ALICE, BINH):
        mark = len(api.calls)
        api.send_text(chat, "mất thẻ bhyt")
        await api.wait_until(lambda: len(api.of("sendMessage", since=mark)) >= 6)
    await api.wait_until(lambda: len(retries.waits) >= 8)
    assert set(retries.waits) == {zalo.RETRY_AFTER_DEFAULT}
    assert "failed to handle an update" not in caplog.text
    assert not [record for record in caplog.records if record.exc_info]
    assert caplog.text.count("quota may be used up") == 1
    api.recover("sendMessage")
    (reply,) = await api.say(ALICE, "mất thẻ bhyt")
    assert reply.text.startswith("Mất thẻ bảo hiểm y tế")
    assert "zalo replies: works again" in caplog.text


async def test_zalo_down_for_a_while_does_not_stop_the_bot(
    api: FakeZaloApi, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    attempts = len(REPLY_RETRY.waits) + 2  # the reply's, then the polite error message
    api.fail(502, method="sendMessage", times=attempts, html=True)
    mark = len(api.calls)
    api.send_text(ALICE, "mất thẻ bhyt")
    await api.wait_until(lambda: len(api.of("sendMessage", since=mark)) == attempts)
    assert "failed to handle an update" in caplog.text
    (reply,) = await api.say(BINH, "mất thẻ bhyt")
    assert reply.text.startswith("Mất thẻ bảo hiểm y tế")


async def test_polling_recovers_from_get_updates_failures(
    api: FakeZaloApi, channel: ZaloChannel, polls: Clock
) -> None:
    api.fail(500, method="getUpdates", times=3)
    api.fail(429, method="getUpdates")
    (reply,) = await api.say(ALICE, "/help")
    assert reply.text.startswith("Cách hỏi")
    assert [c.code for c in api.of("getUpdates")[:4]] == [500, 500, 500, 429]
    assert polls.waits[:4] == [1.0, 2.0, 4.0, 8.0], "backing off, doubling each time"
    assert channel.is_running()


async def test_an_outage_of_get_updates_is_logged_once_not_at_every_retry(
    api: FakeZaloApi, channel: ZaloChannel, polls: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    """Zalo down all night (5xx at every poll): the log says so at the first failure and
    when a poll is answered again, not once a minute in between."""
    caplog.set_level(logging.INFO)
    api.fail(500, method="getUpdates", times=12)
    (reply,) = await api.say(ALICE, "/help")
    assert reply.text.startswith("Cách hỏi")
    assert [c.code for c in api.of("getUpdates")].count(500) == 12
    lines = [m for m in caplog.messages if m.startswith("zalo: ") and "getUpdates" in m]
    assert lines == [
        "zalo: getUpdates failed (Zalo getUpdates: 500 Internal Server Error); retrying in 1 s"
    ]
    assert "zalo: works again after 12 failure(s) in 0 min" in caplog.messages


async def test_one_refused_get_updates_does_not_cost_a_minute(
    api: FakeZaloApi, channel: ZaloChannel, polls: Clock
) -> None:
    # A moment of 401 (Zalo's hiccup, not a reset token) waits as long as any first failure.
    api.fail(401, method="getUpdates")
    (reply,) = await api.say(ALICE, "/help")
    assert reply.text.startswith("Cách hỏi")
    assert api.of("getUpdates")[0].code == 401
    assert polls.waits[0] == 1.0
    assert channel.is_running()


async def test_a_token_reset_while_polling_is_logged_once_with_what_to_do(
    api: FakeZaloApi, channel: ZaloChannel, polls: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    """The token is reset in Bot Creator while the bot polls: every poll is refused, for
    hours maybe. The log says so once, naming ZALO_BOT_TOKEN, not once a minute; and once
    more when Zalo takes the token again."""
    caplog.set_level(logging.INFO)
    token, api.token = api.token, f"{zalo_api.BOT_ID}:TheNewSecretAfterReset"
    mark = len(api.calls)
    await api.wait_until(lambda: len(api.of("getUpdates", since=mark)) >= 12)
    errors = [r for r in caplog.records if r.name == "handlers.zalo" and r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "ZALO_BOT_TOKEN" in errors[0].message
    api.token = token  # as if the bot were given the new token
    (reply,) = await api.say(ALICE, "/help")
    assert reply.text.startswith("Cách hỏi")
    assert "accepts the bot's token again" in caplog.text


async def test_a_token_refused_for_minutes_is_told_to_admins_once(
    api: FakeZaloApi, channel: ZaloChannel, polls: Clock
) -> None:
    """A token reset in Bot Creator leaves Zalo's residents unanswered: past a moment's
    refusal, admins hear it in chat (on another channel), once, not at every poll."""
    told: list[tuple[str, str]] = []

    async def tell(key: str, text: str) -> None:
        told.append((key, text))

    channel.tell_admins = tell
    mark = len(api.calls)
    api.fail(401, method="getUpdates", times=None)
    await api.wait_until(lambda: len(api.of("getUpdates", since=mark)) >= 3)
    assert told == []  # a moment's refusal: the log only
    polls.now += zalo.TOKEN_TELL_AFTER
    await api.wait_until(lambda: bool(told))
    mark = len(api.calls)
    await api.wait_until(lambda: len(api.of("getUpdates", since=mark)) >= 3)
    assert [key for key, _ in told] == ["zalo-token-refused"] * len(told)
    assert told[0][1] == msg.admin_zalo_token_refused(channel.settings.ward_name)
    assert "ZALO_BOT_TOKEN" in told[0][1] and "Người dân nhắn qua Zalo" in told[0][1]


async def test_a_token_refused_again_after_it_worked_is_told_again_once(
    api: FakeZaloApi, channel: ZaloChannel, polls: Clock
) -> None:
    """Admins set the new token (or Zalo took the old one back), then it is refused again
    later in the same run: that is news again, told once more after the same wait."""
    notes: dict[str, str] = {}  # as Alerts keeps them: told once until untold
    told: list[str] = []

    async def tell(key: str, text: str) -> None:
        if key not in notes:
            notes[key] = text
            told.append(text)

    async def untell(key: str) -> None:
        notes.pop(key, None)

    channel.tell_admins, channel.untell_admins = tell, untell
    note = msg.admin_zalo_token_refused(channel.settings.ward_name)

    def refused(since: int) -> int:
        return sum(call.code == 401 for call in api.of("getUpdates", since=since))

    for times in (1, 2):
        api.fail(401, method="getUpdates", times=None)
        mark = len(api.calls)
        await api.wait_until(lambda: refused(mark) >= 2)
        assert len(told) == times - 1  # a moment's refusal: the log only
        polls.now += zalo.TOKEN_TELL_AFTER
        await api.wait_until(lambda: len(told) == times)
        mark = len(api.calls)
        await api.wait_until(lambda: refused(mark) >= 3)
        assert told == [note] * times  # not again while it stays refused
        api.recover("getUpdates")
        assert await api.say(ALICE, "/help", within=5)  # Zalo takes the token again
        polls.now += BACK_AFTER  # and keeps taking it: admins are told it is back


async def test_a_token_refused_again_while_its_back_note_waits_is_said_at_once(
    api: FakeZaloApi, channel: ZaloChannel, polls: Clock
) -> None:
    """Zalo takes the token, then refuses it again a minute later: the same outage. The
    channel says so at once (Alerts then drops the ✅ it holds, and tells no new ⚠️),
    not after TOKEN_TELL_AFTER, by when the ✅ would have gone."""
    calls: list[str] = []

    async def tell(key: str, text: str) -> None:
        calls.append(f"tell {key}")

    async def untell(key: str) -> None:
        calls.append(f"untell {key}")

    channel.tell_admins, channel.untell_admins = tell, untell

    def refused(since: int) -> int:
        return sum(call.code == 401 for call in api.of("getUpdates", since=since))

    api.fail(401, method="getUpdates", times=None)
    mark = len(api.calls)
    await api.wait_until(lambda: refused(mark) >= 2)
    polls.now += zalo.TOKEN_TELL_AFTER
    await api.wait_until(lambda: bool(calls))
    api.recover("getUpdates")
    assert await api.say(ALICE, "/help", within=5)  # taken: the ✅ waits in Alerts
    assert calls == ["tell zalo-token-refused", "untell zalo-token-refused"]
    polls.now += 60.0
    api.fail(401, method="getUpdates", times=None)  # refused again, a minute later
    await api.wait_until(lambda: len(calls) == 3)
    assert calls[-1] == "tell zalo-token-refused", "said at once, the ✅ dropped"
    api.recover("getUpdates")
    assert await api.say(ALICE, "/help", within=5)
    await api.wait_until(lambda: len(calls) == 4)
    assert calls[-1] == "untell zalo-token-refused", "its ✅ waits anew"


async def test_a_token_refused_in_the_oa_apis_form_is_named_in_the_log(
    api: FakeZaloApi, channel: ZaloChannel, polls: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    """Zalo refuses the token with {"error": -216, "message": ...}, the OA API's form: the
    log says what to do about the token, not that Zalo's answer could not be read."""
    polls.hold(backoff)  # the loop stops once a poll failed
    api.fail(-216, method="getUpdates", oa_style=True, description="Access token is invalid")
    await asyncio.wait_for(polls.waiting.wait(), 5)
    errors = [r for r in caplog.records if r.name == "handlers.zalo" and r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "ZALO_BOT_TOKEN" in errors[0].message
    assert "-216 Access token is invalid" in errors[0].message
    assert await healthz(channel) == {"zalo": False}
    polls.release()
    (reply,) = await api.say(ALICE, "/help")
    assert reply.text.startswith("Cách hỏi")


async def healthz(channel: ZaloChannel) -> dict[str, bool]:
    """What /healthz says, with the channel checked as wardbot.app checks it."""
    app = web_app(checks={channel.name: channel.is_running})
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bot") as client:
        checks: dict[str, bool] = (await client.get("/healthz")).json()["checks"]
        return checks


@pytest.mark.parametrize(
    "fault",
    [{"code": 500}, {"code": 401}, {"code": 502, "html": True}],
    ids=["5xx", "401", "proxy-page"],
)
async def test_healthz_says_zalo_is_down_while_get_updates_fails(
    api: FakeZaloApi, channel: ZaloChannel, polls: Clock, fault: dict[str, Any]
) -> None:
    await api.wait_until(lambda: bool(api.of("getUpdates")))
    assert await healthz(channel) == {"zalo": True}
    polls.hold(backoff)  # the loop stops once a poll failed
    api.fail(method="getUpdates", times=None, **fault)
    await asyncio.wait_for(polls.waiting.wait(), 5)
    assert await healthz(channel) == {"zalo": False}
    api.recover("getUpdates")
    polls.release()
    (reply,) = await api.say(ALICE, "/help")  # polled again: receiving
    assert reply.text.startswith("Cách hỏi")
    assert await healthz(channel) == {"zalo": True}


async def test_zalo_answering_an_alert_ends_the_polls_backoff(
    api: FakeZaloApi, channel: ZaloChannel, polls: Clock
) -> None:
    """Zalo back after an outage that grew the poll's wait toward a minute: the first
    alert it takes shows it is back, so residents' messages are fetched again (and
    /healthz says `zalo` is up) at once, not once the rest of that minute is over."""
    await api.wait_until(lambda: bool(api.of("getUpdates")))
    polls.hold(lambda seconds: seconds > zalo.BACKOFF_FIRST)  # a long wait never ends alone
    api.fail(500, method="getUpdates", times=None)
    await asyncio.wait_for(polls.waiting.wait(), 5)
    assert await healthz(channel) == {"zalo": False}
    api.recover("getUpdates")
    await channel.deliver(BINH, [alert()])  # Zalo answers again
    (reply,) = await api.say(ALICE, "/help", within=5)
    assert reply.text.startswith("Cách hỏi")
    assert await healthz(channel) == {"zalo": True}


async def test_healthz_says_zalo_is_down_while_zalo_cannot_be_reached(
    api: FakeZaloApi, channel: ZaloChannel, polls: Clock
) -> None:
    await api.wait_until(lambda: bool(api.of("getUpdates")))
    assert await healthz(channel) == {"zalo": True}
    polls.hold(backoff)  # the loop stops once a poll failed
    await api.__aexit__(None, None, None)  # Zalo's server goes away: connections refused
    await asyncio.wait_for(polls.waiting.wait(), 5)
    assert await healthz(channel) == {"zalo": False}


async def test_healthz_says_zalo_is_down_when_no_poll_is_answered_for_long(
    api: FakeZaloApi, channel: ZaloChannel, polls: Clock
) -> None:
    await api.wait_until(lambda: bool(api.of("getUpdates")))
    polls.hold()  # the loop stops in its next wait: the pause after an idle poll
    await asyncio.wait_for(polls.waiting.wait(), 5)
    assert await healthz(channel) == {"zalo": True}
    polls.now += zalo.STALE_AFTER  # two minutes without an answer
    assert await healthz(channel) == {"zalo": False}
    polls.release()
    (reply,) = await api.say(ALICE, "/help")
    assert reply.text.startswith("Cách hỏi")
    assert await healthz(channel) == {"zalo": True}


async def test_an_internal_error_is_logged_and_answered_politely(
    api: FakeZaloApi, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    await store.close()  # the database goes away under the bot
    (reply,) = await api.say(ALICE, "/mysubs")
    assert reply.text == msg.error("UBND Phường 2", "0276 3822 123")
    assert "failed to handle an update" in caplog.text


# --- webhook --------------------------------------------------------------------------------


@pytest.fixture
async def webhook_mode(
    api: FakeZaloApi, ward_engine: Engine, ward_settings: Settings, polls: Clock
) -> AsyncIterator[tuple[ZaloChannel, str]]:
    """The channel in webhook mode (its clock: `polls`) behind the bot's web server;
    yields it and the local /zalo URL."""
    async with (
        running_channel(
            api,
            ward_engine,
            ward_settings,
            polls=polls,
            public_url=PUBLIC_URL,
            zalo_webhook_secret=Secret(SECRET),
        ) as (channel, _),
        served(channel) as url,
    ):
        yield channel, url


@contextlib.asynccontextmanager
async def served(channel: ZaloChannel) -> AsyncIterator[str]:
    """The channel's routes behind the bot's web server; yields the local /zalo URL."""
    server = AsgiServer(web_app(channel.routes()), host="127.0.0.1")
    await server.start(bound_socket())
    try:
        yield f"http://127.0.0.1:{server.port}/zalo"
    finally:
        await server.stop()


@pytest.fixture
def webhook(webhook_mode: tuple[ZaloChannel, str]) -> str:
    """The local /zalo URL of the channel in webhook mode."""
    return webhook_mode[1]


async def test_webhook_mode_registers_the_url_and_secret(api: FakeZaloApi, webhook: str) -> None:
    assert api.webhook["url"] == f"{PUBLIC_URL}/zalo"
    assert api.webhook["secret_token"] == SECRET
    assert not api.of("getUpdates"), "no polling in webhook mode"
    assert not api.of("deleteWebhook")


@pytest.mark.parametrize("wrapped", [True, False], ids=["wrapped", "bare"])
async def test_webhook_deliveries_are_answered(
    api: FakeZaloApi, webhook: str, wrapped: bool
) -> None:
    mark = len(api.calls)
    update = api.update("message.text.received", ALICE, text="dang ky tam tru can giay to gi")
    response = await api.post_webhook(webhook, update, wrapped=wrapped)
    assert response.status_code == 200
    (reply,) = await api.replies(ALICE, since=mark)
    assert reply.text.startswith("Đăng ký tạm trú cần giấy tờ gì?")


@pytest.mark.parametrize("secret", [None, "wrong-secret-value", SECRET + "x"])
async def test_webhook_without_the_right_secret_is_refused(
    api: FakeZaloApi, webhook: str, secret: str | None
) -> None:
    refused = api.update("message.text.received", ALICE, text="/start")
    response = await api.post_webhook(webhook, refused, secret=secret)
    assert response.status_code == 403
    # A right delivery afterwards proves the refused one was not handled.
    mark = len(api.calls)
    ok = api.update("message.text.received", ALICE, text="/help")
    assert (await api.post_webhook(webhook, ok)).status_code == 200
    (reply,) = await api.replies(ALICE, since=mark)
    assert reply.text.startswith("Cách hỏi")
    assert len(api.sent(ALICE)) == 1


async def test_webhook_ignores_unknown_events_and_repeats(api: FakeZaloApi, webhook: str) -> None:
    follow = api.update("user.follow", ALICE)  # no message a resident wrote
    assert (await api.post_webhook(webhook, follow)).status_code == 200
    question = api.update("message.text.received", ALICE, text="mất thẻ bhyt")
    for wrapped in (True, False, True):  # Zalo retries; the copies are dropped
        assert (await api.post_webhook(webhook, question, wrapped=wrapped)).status_code == 200
    sticker = api.update("message.sticker.received", ALICE, sticker="abc")
    assert (await api.post_webhook(webhook, sticker)).status_code == 200
    replies = await api.replies(ALICE, 2)
    assert replies[0].text.startswith("Mất thẻ bảo hiểm y tế")
    assert replies[1].text == msg.liked()  # a sticker under an answer: thanks
    assert len(api.sent(ALICE)) == 2


async def test_a_location_or_a_message_of_an_unknown_kind_gets_what_the_bot_reads(
    api: FakeZaloApi, webhook: str
) -> None:
    """A location shared, a file, a kind Zalo adds later: not silence (which looks like a
    bot that is down) but the line the Zalo OA channel sends, once however often Zalo
    delivers it; one that carries no message is not answered, nor does it stop the next."""
    location = api.update(
        "message.location.received", ALICE, location={"latitude": 10.77, "longitude": 106.7}
    )
    for wrapped in (True, False):
        assert (await api.post_webhook(webhook, location, wrapped=wrapped)).status_code == 200
    (reply,) = await api.replies(ALICE)
    assert reply.text == msg.please_type(EXAMPLE)
    mark = len(api.calls)
    broken = {"event_name": "message.contact.received", "message": "danh thiếp"}
    assert (await api.post_webhook(webhook, broken)).status_code == 200
    # Sent minutes later (one sent with the location is told with it: see photos together).
    later = api.update(
        "message.file.received",
        ALICE,
        file_url="https://f.zadn.vn/to-khai.pdf",
        date=zalo_api.now_ms() + 180_000,
    )
    assert (await api.post_webhook(webhook, later)).status_code == 200
    (reply,) = await api.replies(ALICE, since=mark)
    assert reply.text == msg.please_type(EXAMPLE)
    assert len(api.sent(ALICE)) == 2


async def test_messages_from_bots_are_not_answered(api: FakeZaloApi, webhook: str) -> None:
    """The bot's own message sent back, or another bot's in a group: two bots answering
    each other would never stop."""
    group = "g9f8e7d6c5b4a3928170"
    for chat, sender in ((ALICE, zalo_api.BOT_ID), (group, "7b6a5f4e3d2c1b0a9f8e")):
        echo = api.update("message.text.received", chat, user_id=sender, text="mất thẻ bhyt")
        echo["message"]["from"]["is_bot"] = True
        assert (await api.post_webhook(webhook, echo)).status_code == 200
    mark = len(api.calls)
    question = api.update("message.text.received", ALICE, text="/help")
    assert (await api.post_webhook(webhook, question)).status_code == 200
    (reply,) = await api.replies(ALICE, since=mark)
    assert reply.text.startswith("Cách hỏi")
    assert [call.text for call in api.sent()] == [reply.text]


NOT_UPDATES = [
    b"not json",
    b"[]",
    b"null",
    b'{"message": "x"}',
    b'{"ok": true, "result": {"message": {}}}',
    b"[" * 100_000 + b"]" * 100_000,  # deeper than json can parse
]


async def test_webhook_rejects_a_body_that_is_not_an_update(
    api: FakeZaloApi, webhook: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    headers = {"X-Bot-Api-Secret-Token": SECRET}
    async with httpx.AsyncClient() as client:
        for body in NOT_UPDATES:
            response = await client.post(webhook, content=body, headers=headers)
            assert response.status_code == 400, body[:20]
    mark = len(api.calls)
    help_ = api.update("message.text.received", ALICE, text="/help")
    assert (await api.post_webhook(webhook, help_)).status_code == 200  # still answered
    (reply,) = await api.replies(ALICE, since=mark)
    assert reply.text.startswith("Cách hỏi")
    assert not [r for r in caplog.records if r.exc_info], "no traceback for a bad body"
    assert caplog.text.count("not an update") == len(NOT_UPDATES)


async def test_webhook_answers_before_the_reply_is_sent(api: FakeZaloApi, webhook: str) -> None:
    release = api.hold("sendMessage")
    update = api.update("message.text.received", ALICE, text="mất thẻ bhyt")
    response = await asyncio.wait_for(api.post_webhook(webhook, update), 2)
    assert response.status_code == 200
    assert api.sent(ALICE) == []  # the answer is still on its way
    release.set()
    (reply,) = await api.replies(ALICE)
    assert reply.text.startswith("Mất thẻ bảo hiểm y tế")


async def held(channel: ZaloChannel) -> None:
    """Until a reply refused for the token has made the channel keep messages."""
    for _ in range(3000):
        if channel.intake.holding:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("no message was kept for the token")


async def test_webhook_mode_says_so_when_zalo_refuses_the_token(
    api: FakeZaloApi,
    webhook_mode: tuple[ZaloChannel, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The token is reset in Bot Creator while the bot runs on a webhook: no poll fails to
    show it, so the refused replies do. Staff read one error naming the token (no line
    blaming the residents' chats) and /healthz says Zalo is down until Zalo takes the token
    again. The residents who wrote meanwhile are not forgotten: once it works, each gets
    their answer, once, before the answer to what they write next."""
    caplog.set_level(logging.INFO)
    channel, url = webhook_mode
    assert await healthz(channel) == {"zalo": True}
    api.fail(401, times=None)  # every call: the token is refused
    for chat in (ALICE, BINH):
        update = api.update("message.text.received", chat, text="mất thẻ bhyt")
        assert (await api.post_webhook(url, update)).status_code == 200
    await held(channel)
    assert "answered in order" in caplog.text
    assert "blocked the bot" not in caplog.text
    # The bot's own errors: not asyncio's about an earlier test's task collected now.
    refused = [
        r for r in caplog.records if r.levelno == logging.ERROR and r.name.startswith("handlers")
    ]
    assert len(refused) == 1 and "ZALO_BOT_TOKEN" in refused[0].message
    assert await healthz(channel) == {"zalo": False}
    assert api.sent() == []
    api.recover()  # Zalo takes the token again
    mark = len(api.calls)
    update = api.update("message.text.received", ALICE, text="/help")
    assert (await api.post_webhook(url, update)).status_code == 200
    kept, helped = await api.replies(ALICE, 2, since=mark)
    assert kept.text.startswith("Mất thẻ bảo hiểm y tế")
    assert helped.text.startswith("Cách hỏi")
    (other,) = await api.replies(BINH, since=mark)
    assert other.text.startswith("Mất thẻ bảo hiểm y tế")
    await api.wait_until(channel.is_running)
    assert await healthz(channel) == {"zalo": True}
    await asyncio.sleep(0.2)  # nothing more comes: each answered once
    assert len(api.sent(ALICE)) == 2 and len(api.sent(BINH)) == 1


async def test_a_message_kept_while_the_token_is_refused_is_answered_after_a_restart(
    api: FakeZaloApi, ward_engine: Engine, ward_settings: Settings, polls: Clock
) -> None:
    """Zalo refuses the token (it expired overnight) while two residents write; staff set a
    new token and restart the bot. The next start answers each message once, in the order it came, saying sorry for the delay: before,
    they were dropped as sent to chats that had blocked the bot."""
    wall = [time.time()]
    webhook = {"public_url": PUBLIC_URL, "zalo_webhook_secret": Secret(SECRET)}
    async with (
        running_channel(
            api, ward_engine, ward_settings, polls=polls, now=lambda: wall[0], **webhook
        ) as (channel, _),
        served(channel) as url,
    ):
        api.fail(401, times=None)
        first = api.update("message.text.received", ALICE, text="mất thẻ bhyt")
        for update in (
            first,
            api.update("message.text.received", ALICE, text="/help"),
            api.update("message.text.received", BINH, text="mất thẻ bhyt"),
        ):
            assert (await api.post_webhook(url, update)).status_code == 200
        await held(channel)
    assert api.sent() == []
    api.recover()  # the new token
    wall[0] += 2 * 3600  # the next morning's start
    async with running_channel(
        api, ward_engine, ward_settings, polls=polls, now=lambda: wall[0], **webhook
    ):
        sorry, kept, helped = await api.replies(ALICE, 3)
        sent_at = dt.datetime.fromtimestamp(first["message"]["date"] / 1000, VIETNAM)
        assert sorry.text == msg.late_answer(sent_at.replace(tzinfo=None))
        assert kept.text.startswith("Mất thẻ bảo hiểm y tế")
        assert helped.text.startswith("Cách hỏi")
        await api.replies(BINH, 2)
    async with running_channel(api, ward_engine, ward_settings, polls=polls, **webhook):
        await asyncio.sleep(0.2)
    assert len(api.sent(ALICE)) == 3 and len(api.sent(BINH)) == 2, "each answered once"


async def test_messages_kept_over_more_restarts_than_a_crash_is_given_are_not_dropped(
    api: FakeZaloApi, ward_engine: Engine, ward_settings: Settings, polls: Clock
) -> None:
    """Zalo takes the token at each start but refuses the bot's replies, over more restarts
    than a message that kills the bot is tried at (MAX_ATTEMPTS): messages that only
    waited for Zalo are no starts that died on them. Before, each start counted against
    them, and after the third they were dropped unanswered."""
    webhook = {"public_url": PUBLIC_URL, "zalo_webhook_secret": Secret(SECRET)}
    api.fail(401, times=None, method="sendMessage")
    async with (
        running_channel(api, ward_engine, ward_settings, polls=polls, **webhook) as (channel, _),
        served(channel) as url,
    ):
        for update in (
            api.update("message.text.received", ALICE, text="mất thẻ bhyt"),
            api.update("message.text.received", ALICE, text="/help"),  # waits behind it
        ):
            assert (await api.post_webhook(url, update)).status_code == 200
        await held(channel)
    for _ in range(MAX_ATTEMPTS + 1):
        restarted = running_channel(api, ward_engine, ward_settings, polls=polls, **webhook)
        async with restarted as (channel, _):
            await held(channel)
    assert api.sent() == []
    api.recover("sendMessage")
    async with running_channel(api, ward_engine, ward_settings, polls=polls, **webhook):
        kept, helped = await api.replies(ALICE, 2)
        assert kept.text.startswith("Mất thẻ bảo hiểm y tế")
        assert helped.text.startswith("Cách hỏi")


def staffed(channel: ZaloChannel, store: Store) -> None:
    """The channel's residents may ask ward staff (a staff group set)."""
    settings = replace(channel.settings, staff_chat_id=-100999)
    channel.conversation.desk = Desk(TicketBook(store), settings, channel.conversation.engine)


async def tickets_of(store: Store, chat_id: str) -> list[str]:
    """The questions a chat's tickets put to staff."""
    async with store.db.execute(
        "SELECT m.text FROM ticket_messages m JOIN tickets t ON t.id = m.ticket_id "
        "WHERE t.chat_id = ? AND m.author = 'resident'",
        (chat_id,),
    ) as rows:
        return [str(text) for (text,) in await rows.fetchall()]


async def test_a_question_for_staff_kept_while_the_token_is_refused_reaches_them_once(
    api: FakeZaloApi, ward_engine: Engine, ward_settings: Settings, polls: Clock
) -> None:
    """A resident asks staff while Zalo refuses the bot's token (the bot decided: a ticket,
    and a reply saying so, refused); the bot restarts before the token works. The next start
    sends the reply decided then, with the same ticket's number: staff get the question
    once, not a second ticket for it."""
    webhook = {"public_url": PUBLIC_URL, "zalo_webhook_secret": Secret(SECRET)}
    question = "/hoicanbo nhà em muốn xin giấy xác nhận độc thân thì cần mang gì ạ"
    async with (
        running_channel(api, ward_engine, ward_settings, polls=polls, **webhook) as (
            channel,
            store,
        ),
        served(channel) as url,
    ):
        staffed(channel, store)
        api.fail(401, times=None)
        update = api.update("message.text.received", ALICE, text=question)
        assert (await api.post_webhook(url, update)).status_code == 200
        await held(channel)
        assert len(await tickets_of(store, ALICE)) == 1
    api.recover()  # the new token
    async with running_channel(api, ward_engine, ward_settings, polls=polls, **webhook) as (
        channel,
        store,
    ):
        staffed(channel, store)
        (received,) = await api.replies(ALICE)
        assert "phiếu số 1" in received.text
        assert len(await tickets_of(store, ALICE)) == 1, "staff asked once"
    async with running_channel(api, ward_engine, ward_settings, polls=polls, **webhook):
        await asyncio.sleep(0.2)
    assert len(api.sent(ALICE)) == 1


async def test_an_answer_cut_off_when_the_token_is_refused_goes_on_from_there_after_a_restart(
    api: FakeZaloApi,
    ward_engine: Engine,
    ward_settings: Settings,
    polls: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An answer too long for one Zalo message: its first message went out, then Zalo
    refused the bot's token. The bot restarts with the new token: the resident gets the
    rest of that answer, once, not its first message again."""
    steps = "\n\n".join(
        f"Bước {n}: mang theo căn cước, tờ khai và giấy tờ chứng minh chỗ ở. " * 6
        for n in range(1, 13)
    )
    long_answer = Reply(steps.replace(" \n\n", "\n\n").strip(), title="Các bước làm thủ tục")
    webhook = {"public_url": PUBLIC_URL, "zalo_webhook_secret": Secret(SECRET)}
    async with (
        running_channel(api, ward_engine, ward_settings, polls=polls, **webhook) as (channel, _),
        served(channel) as url,
    ):

        async def decided(*_: object, **__: object) -> list[Reply]:
            return [long_answer]

        monkeypatch.setattr(channel.conversation, "handle_text", decided)
        api.fail(401, method="sendMessage", after=1, times=None)
        update = api.update("message.text.received", ALICE, text="thu tuc nay lam the nao a")
        assert (await api.post_webhook(url, update)).status_code == 200
        await held(channel)
    (first,) = api.sent(ALICE)
    api.recover("sendMessage")  # the new token
    async with running_channel(api, ward_engine, ward_settings, polls=polls, **webhook):
        await api.replies(ALICE, 3)
    async with running_channel(api, ward_engine, ward_settings, polls=polls, **webhook):
        await asyncio.sleep(0.2)
    sent = [call.text for call in api.sent(ALICE)]
    assert sent == zalo.render_plain([long_answer])[0], "each message of it once, in order"
    assert sent[0] == first.text


async def test_an_answer_cut_off_then_a_new_message_while_refused_both_go_in_order_once(
    api: FakeZaloApi,
    ward_engine: Engine,
    ward_settings: Settings,
    polls: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An answer cut off after its first message as Zalo refused the token; the bot
    restarts, still refused, and the resident writes again. Once the token works, the
    resident reads the rest of the first answer, then the answer to the new message:
    nothing twice, nothing ahead of what it answers after."""
    steps = "\n\n".join(f"Bước {n}: mang theo căn cước và tờ khai đã điền. " * 8 for n in range(9))
    long_answer = Reply(steps.replace(" \n\n", "\n\n").strip(), title="Các bước làm thủ tục")
    short_answer = Reply("Dạ, phường làm việc từ thứ Hai đến thứ Sáu ạ.")
    webhook = {"public_url": PUBLIC_URL, "zalo_webhook_secret": Secret(SECRET)}

    async def decided(_: object, text: str, *__: object, **___: object) -> list[Reply]:
        return [long_answer if "thu tuc" in text else short_answer]

    api.fail(401, method="sendMessage", after=1, times=None)
    for text in ("thu tuc nay lam the nao a", "phuong lam viec gio nao"):
        async with (
            running_channel(api, ward_engine, ward_settings, polls=polls, **webhook) as (
                channel,
                _,
            ),
            served(channel) as url,
        ):
            monkeypatch.setattr(channel.conversation, "handle_text", decided)
            update = api.update("message.text.received", ALICE, text=text)
            assert (await api.post_webhook(url, update)).status_code == 200
            await held(channel)
    api.recover("sendMessage")
    async with running_channel(api, ward_engine, ward_settings, polls=polls, **webhook) as (
        channel,
        _,
    ):
        monkeypatch.setattr(channel.conversation, "handle_text", decided)
        expected = zalo.render_plain([long_answer])[0] + zalo.render_plain([short_answer])[0]
        await api.replies(ALICE, len(expected))
    await asyncio.sleep(0.2)
    assert [call.text for call in api.sent(ALICE)] == expected


# A channel in webhook mode, and a wait for its next looks at getWebhookInfo.
Watched = tuple[ZaloChannel, Callable[[], Awaitable[None]]]


@pytest.fixture
async def watched(
    api: FakeZaloApi, ward_engine: Engine, ward_settings: Settings, polls: Clock
) -> AsyncIterator[Watched]:
    """A channel in webhook mode looking at getWebhookInfo every 10 ms, and `checked`:
    until it has read getWebhookInfo's answer as it is now (asked twice)."""
    async with running_channel(
        api,
        ward_engine,
        ward_settings,
        polls=polls,
        webhook_check=0.01,
        public_url=PUBLIC_URL,
        zalo_webhook_secret=Secret(SECRET),
    ) as (channel, _):

        async def checked() -> None:
            asked = len(api.of("getWebhookInfo"))
            await api.wait_until(lambda: len(api.of("getWebhookInfo")) >= asked + 2)

        yield channel, checked


async def test_webhook_mode_reports_zalo_down_when_the_webhook_is_no_longer_ours(
    api: FakeZaloApi, watched: Watched, caplog: pytest.LogCaptureFixture
) -> None:
    """Another copy of the bot started with the same token (on a laptop, say: it polls,
    deleting the webhook) or set its own: Zalo posts nothing here any more, and no failing
    poll would show it. /healthz says so, and the log once, until the webhook is ours again."""
    channel, checked = watched
    await checked()
    assert await healthz(channel) == {"zalo": True}
    api.webhook = {"url": "", "updated_at": 1}  # the other copy's deleteWebhook
    await checked()
    await checked()
    assert await healthz(channel) == {"zalo": False}
    errors = [r.message for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "webhook is no longer set" in errors[0]
    api.webhook = {"url": f"{PUBLIC_URL}/zalo", "updated_at": 2}  # this bot restarted
    await checked()
    assert await healthz(channel) == {"zalo": True}


@pytest.mark.parametrize(
    "given", ["https://bot.phuong2.example.vn/zalo/", "https://BOT.Phuong2.example.vn:443/zalo"]
)
async def test_webhook_mode_reads_zalos_form_of_the_webhooks_address_as_ours(
    api: FakeZaloApi, watched: Watched, caplog: pytest.LogCaptureFixture, given: str
) -> None:
    """Zalo may give back the address it was set with in another form (a trailing slash,
    the host's case, the default port): it is still this bot's webhook, so /healthz says
    Zalo is up and the log has no error."""
    channel, checked = watched
    api.webhook = {**api.webhook, "url": given}
    await checked()
    assert await healthz(channel) == {"zalo": True}
    assert not [r for r in caplog.records if r.levelno == logging.ERROR]


async def test_webhook_mode_reports_zalo_down_when_the_webhook_look_finds_the_token_refused(
    api: FakeZaloApi, watched: Watched, caplog: pytest.LogCaptureFixture
) -> None:
    """The token is reset in Bot Creator while nobody writes to the bot: the minute's look
    at getWebhookInfo is refused, so /healthz says Zalo is down (and the log names the
    token, once) without waiting for a resident's reply to fail; it is up again once Zalo
    accepts the token."""
    channel, checked = watched
    api.fail(401, times=None, method="getWebhookInfo")
    await checked()
    await checked()
    assert await healthz(channel) == {"zalo": False}
    refused = [r.message for r in caplog.records if r.levelno == logging.ERROR]
    assert len(refused) == 1 and "ZALO_BOT_TOKEN" in refused[0]
    api.recover("getWebhookInfo")  # the new token is in place
    await checked()
    assert await healthz(channel) == {"zalo": True}


async def test_refused_webhook_requests_are_logged_without_flooding_the_log(
    api: FakeZaloApi, webhook: str, polls: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    """A proxy that drops the secret header leaves the bot deaf: the log says so, once in
    a while, however many requests come."""
    refused = api.update("message.text.received", ALICE, text="/help")
    for _ in range(3):
        assert (await api.post_webhook(webhook, refused, secret=None)).status_code == 403
    warned = lambda: [r for r in caplog.records if zalo.SECRET_HEADER in r.message]  # noqa: E731
    assert len(warned()) == 1
    assert warned()[0].levelno == logging.WARNING
    polls.now += zalo.REFUSED_LOG_EVERY
    assert (await api.post_webhook(webhook, refused, secret="wrong-secret")).status_code == 403
    assert len(warned()) == 2
    assert api.sent() == []


# --- what the numbered lines say -------------------------------------------------------------

LONG_QUESTION = FaqEntry(
    "tam-tru-sinh-vien",
    "Sinh viên thuê trọ dài hạn có phải đăng ký tạm trú tại Công an phường không, hồ sơ gồm gì?",
    "Có. Hồ sơ gồm tờ khai CT01 và hợp đồng thuê nhà.",
)
LONG_NOTICE_TITLE = Announcement(
    "2024-07-21-lay-y-kien-quy-hoach",
    "Thông báo lấy ý kiến nhân dân về dự thảo điều chỉnh quy hoạch khu dân cư phục vụ "
    "dự án mở rộng tuyến đường liên phường",
    dt.date(2024, 7, 21),
    "Nội dung.",
)


def hit(doc: FaqEntry | Announcement) -> Hit:
    kind = "faq" if isinstance(doc, FaqEntry) else "announcement"
    return Hit(kind, doc.id, doc.title, 0.5, doc)


def test_related_questions_and_close_matches_are_numbered_in_full(
    ward_settings: Settings,
) -> None:
    """A button's label is cut at 60 characters; a numbered line has room for it all."""
    assert len(LONG_QUESTION.question) > 60 and len(LONG_NOTICE_TITLE.title) > 60
    related = [hit(LONG_QUESTION), hit(LONG_NOTICE_TITLE)]
    answer = document_reply(LONG_QUESTION, ward_settings, related, today=dt.date(2024, 8, 1))
    (text,), _ = zalo.render_plain([answer])
    assert f"1. {LONG_QUESTION.question}\n2. {LONG_NOTICE_TITLE.title}\n" in text
    offered = no_answer_reply(Answer("tam tru", False, offers=tuple(related)), ward_settings)
    (text,), _ = zalo.render_plain([offered])
    assert f"1. {LONG_QUESTION.question}\n2. {LONG_NOTICE_TITLE.title}\n" in text
    assert "…" not in text


@pytest.mark.parametrize(
    ("word", "size"),
    [
        ("👨\u200d👩\u200d👧\u200d👦", 7),  # a family: four emoji joined
        ("🇻🇳", 2),  # a flag: two letters
        ("👍🏽", 2),  # a skin tone
        ("e\u0301", 2),  # an accent typed apart from its letter (é)
    ],
)
def test_a_word_longer_than_a_message_is_cut_between_characters_as_people_see_them(
    word: str, size: int
) -> None:
    """Only a "word" longer than a message (a pasted row of emoji, say) is cut inside, and
    then between what people see as one character, never inside an emoji or a letter."""
    text = "x" + word * 2000  # "x" and then the row: cuts fall anywhere in a character
    texts, _ = zalo.render_plain([Reply(text)])
    assert len(texts) > 1 and "".join(texts) == text
    cuts = list(itertools.accumulate(len(part) for part in texts))[:-1]
    assert all((cut - 1) % size == 0 for cut in cuts), cuts


@pytest.mark.parametrize("words", [400, 327])
def test_a_long_first_paragraph_starts_under_the_title_not_in_a_message_of_its_own(
    words: int,
) -> None:
    """ "Xem toàn văn" of a notice whose first paragraph is long: the first message is the
    title and the start of the text (with 255 words the text fits beside the title or
    beside the source, not both); nothing is lost or repeated."""
    paragraph = " ".join(f"từ{n}" for n in range(words))
    reply = Reply(
        paragraph, title="Lịch tiêm chủng mở rộng tháng 7", footer="Thông báo ngày 22/07/2024"
    )
    texts, _ = zalo.render_plain([reply])
    assert len(texts) == 2
    assert texts[0].startswith("Lịch tiêm chủng mở rộng tháng 7\n\ntừ0 từ1 ")
    assert all(zalo.utf16_len(text) <= zalo.MESSAGE_LIMIT for text in texts)
    assert texts[-1].endswith("\n\nThông báo ngày 22/07/2024")
    shown = " ".join(texts).split("\n\n", 1)[1].rsplit("\n\n", 1)[0]
    assert shown.split() == paragraph.split()


def test_a_long_message_splits_alike_whatever_number_its_list_starts_from() -> None:
    """An alert numbered on after the resident's list (from 4, 9, 12) splits where the
    same alert numbered from 1 splits: only its list's numbers differ, so that a retry
    numbered anew (the list on screen changed meanwhile) goes on from the message the
    resident has not got, neither repeating a paragraph nor leaving one out."""
    buttons = tuple(Button(f"Thông báo số {n}", make_action("full", f"n{n}")) for n in range(8))
    for filler in range(0, 400, 2):  # the first paragraph's end, here and there
        text = "\n\n".join(
            [("cắt điện khu phố tuần tới " * 55).strip() + "x" * filler, "Đoạn cuối."]
        )
        reply = Reply(text, title="🔔 8 thông báo mới", footer=msg.ALERT_STOP, buttons=buttons)
        first, _ = zalo.render_plain([reply])
        for after in (3, 8, 12):
            texts, _ = zalo.render_plain([reply], after=after)
            assert len(texts) == len(first), (filler, after)
            assert texts[:-1] == first[:-1], (filler, after)
            assert texts[-1].startswith(first[-1].split("\n\n1. ")[0]), (filler, after)
            assert all(zalo.utf16_len(one) <= zalo.MESSAGE_LIMIT for one in texts)


# --- alerts: deliver() ----------------------------------------------------------------------


def alert() -> Reply:
    return Reply(
        "Từ ngày 01/7/2024, mức lương cơ sở tăng lên 2.340.000 đồng …",
        title="🔔 Thông báo mới: Về việc điều chỉnh mức đóng BHYT hộ gia đình từ 01/7/2024",
        footer="Thông báo ngày 15/07/2024",
        buttons=(Button(msg.FULL_TEXT_BUTTON, make_action("full", LONG_NOTICE)),),
    )


async def test_the_channel_is_a_deliverer(channel: ZaloChannel) -> None:
    deliverer: Deliverer = channel
    assert deliverer.name == "zalo"
    assert 0 < deliverer.pace.per_second <= 20
    assert deliverer.pace.per_chat_interval == 1.0


async def test_deliver_reaches_the_chat_and_its_number_opens_the_notice(
    api: FakeZaloApi, channel: ZaloChannel
) -> None:
    await channel.deliver(BINH, [alert()])
    assert api.sent(ALICE) == []
    (sent,) = api.sent(BINH)
    assert sent.text.startswith("🔔 Thông báo mới: Về việc điều chỉnh mức đóng BHYT")
    assert menu(sent) == [f"1. {msg.FULL_TEXT_BUTTON}"]
    (opened,) = await api.say(BINH, "1")
    assert opened.text.startswith("Về việc điều chỉnh mức đóng BHYT hộ gia đình")
    # The whole notice this time, up to its last paragraph.
    await api.wait_until(lambda: "Đoạn 7:" in api.sent(BINH)[-1].text)


async def test_typing_xem_toan_van_after_an_alert_opens_that_notice(
    api: FakeZaloApi, channel: ZaloChannel
) -> None:
    await channel.deliver(BINH, [alert()])
    (opened,) = await api.say(BINH, "xem toàn văn")
    assert opened.text.startswith("Về việc điều chỉnh mức đóng BHYT hộ gia đình")
    await api.wait_until(lambda: "Đoạn 7:" in api.sent(BINH)[-1].text)


SCHOLARSHIP = "2024-07-20-xet-hoc-bong-khuyen-hoc"


def burst() -> Reply:
    """An alert listing two notices, each opened by its own line."""
    return Reply(
        "• Về việc điều chỉnh mức đóng BHYT…\n\n• Thông báo xét học bổng khuyến học năm 2024…",
        title="🔔 2 thông báo mới",
        buttons=(
            Button("Điều chỉnh mức đóng BHYT", make_action("full", LONG_NOTICE)),
            Button("Xét học bổng khuyến học", make_action("full", SCHOLARSHIP)),
        ),
        buttons_title=msg.ALERT_BURST_OPEN,
    )


async def test_a_number_typed_after_an_alert_picks_from_the_list_the_resident_asked_for(
    api: FakeZaloApi, channel: ZaloChannel, polls: Clock
) -> None:
    """A resident is offered close matches and answers "2"; an alert that came in between
    (with numbered lines of its own) does not take the number: its lines continue the
    numbers on screen, so each number still means one thing."""
    (offered,) = await api.say(ALICE, "mất thẻ bhyt thì làm sao")
    asked = menu(offered)
    assert len(asked) >= 2
    await channel.deliver(ALICE, [burst()])
    alerted = api.sent(ALICE)[-1]
    after = len(asked)
    assert menu(alerted) == [
        f"{after + 1}. Điều chỉnh mức đóng BHYT",
        f"{after + 2}. Xét học bổng khuyến học",
    ]
    assert alerted.text.endswith(msg.choose_by_number(after + 1))
    (picked,) = await api.say(ALICE, "2")
    assert picked.text.startswith(asked[1].removeprefix("2. ").rstrip("…"))

    # The alert's own numbers open its notices, while the resident's list stands.
    (offered,) = await api.say(ALICE, "mất thẻ bhyt thì làm sao")
    await channel.deliver(ALICE, [burst()])
    assert menu(api.sent(ALICE)[-1])[0].startswith(f"{len(menu(offered)) + 1}. ")
    (opened,) = await api.say(ALICE, str(len(menu(offered)) + 2))
    assert opened.text.startswith("Thông báo xét học bổng khuyến học năm 2024")

    # Long after the resident's last list, an alert's lines are numbered from 1 again.
    await api.say(ALICE, "mất thẻ bhyt thì làm sao")
    async with channel.answerer.locks.hold(ALICE):  # its turn is over: the list is shown
        polls.now += 3600
    await channel.deliver(ALICE, [burst()])
    assert menu(api.sent(ALICE)[-1])[0] == "1. Điều chỉnh mức đóng BHYT"
    (opened,) = await api.say(ALICE, "2")
    assert opened.text.startswith("Thông báo xét học bổng khuyến học năm 2024")


async def test_a_number_typed_after_a_staff_answer_is_no_choice_from_the_list_before_it(
    api: FakeZaloApi, channel: ZaloChannel
) -> None:
    """Staff answer a ticket with a question ("Nhà mình có mấy người ạ?") while the
    resident's list of close matches is still on screen: "2" answers them, it does not
    open the list's second line."""
    (offered,) = await api.say(ALICE, "mất thẻ bhyt thì làm sao")
    assert len(menu(offered)) >= 2
    asks = Reply("Nhà mình có mấy người ạ?", title="Cán bộ phường trả lời", ends_choices=True)
    await channel.deliver(ALICE, [asks])
    (said,) = await api.say(ALICE, "2")
    assert said.text == msg.no_list_to_pick("2", EXAMPLE)


async def test_after_a_restart_the_number_and_xem_toan_van_still_open_the_notice_shown_last(
    api: FakeZaloApi, ward_engine: Engine, ward_settings: Settings
) -> None:
    """A resident reads an alert (or a shortened notice given as an answer) and chooses
    "1. 📄 Xem toàn văn" after the bot restarted: the notice opens, as before the restart
    (the database keeps its id and the number of its line). A list shown after it takes
    that number over: the notice is then no longer what "1" opens."""
    async with running_channel(api, ward_engine, ward_settings) as (channel, _):
        await channel.deliver(BINH, [alert()])
        (asked,) = await api.say(ALICE, "điều chỉnh mức đóng bhyt hộ gia đình từ 01/7/2024")
        assert menu(asked)[0] == f"1. {msg.FULL_TEXT_BUTTON}"
        await api.say(ALICE, "/topics")
    async with running_channel(api, ward_engine, ward_settings) as (channel, store):
        (opened,) = await api.say(BINH, "1")
        assert opened.text.startswith("Về việc điều chỉnh mức đóng BHYT hộ gia đình")
        await api.wait_until(lambda: "Đoạn 7:" in api.sent(BINH)[-1].text)
        (pressed,) = await api.say(ALICE, "1")
        assert not pressed.text.startswith("Về việc điều chỉnh mức đóng BHYT")
        (typed,) = await api.say(ALICE, "xem toàn văn")  # the notice shown last, still
        assert typed.text.startswith("Về việc điều chỉnh mức đóng BHYT hộ gia đình")
        await api.wait_until(lambda: "Đoạn 7:" in api.sent(ALICE)[-1].text)
    async with running_channel(api, ward_engine, ward_settings) as (channel, store):
        (whole,) = await api.say(BINH, "xem toàn văn")  # the notice was just sent whole
        assert whole.text == msg.full_text_sent()
        assert await store.shown(ChatRef("zalo", BINH)) is not None
        await api.say(BINH, "/forget")
        assert await store.shown(ChatRef("zalo", BINH)) is None


async def test_after_a_restart_each_number_of_a_burst_alert_still_opens_its_notice(
    api: FakeZaloApi, ward_engine: Engine, ward_settings: Settings
) -> None:
    """An alert listing two notices, then the bot restarted (a deploy): "2" still opens
    the second notice, as it did before the restart (before, only "1" was kept)."""
    async with running_channel(api, ward_engine, ward_settings) as (channel, _):
        await channel.deliver(BINH, [burst()])
        assert menu(api.sent(BINH)[-1])[1] == "2. Xét học bổng khuyến học"
    async with running_channel(api, ward_engine, ward_settings) as (channel, _):
        (opened,) = await api.say(BINH, "2")
        assert opened.text.startswith("Thông báo xét học bổng khuyến học năm 2024")


async def test_an_alert_to_a_group_says_to_pick_with_the_bots_mention_after_a_restart_too(
    api: FakeZaloApi, ward_engine: Engine, ward_settings: Settings
) -> None:
    """A Zalo group follows a topic: its alerts, pushed after the bot restarted, say to
    pick a notice with the bot's mention (a number typed alone never reaches the bot in a
    group), as its answers there do; before, they said "nhắn số thứ tự" as in a private
    chat. A group subscribed before the bot knew groups apart is known once it writes."""
    staff, group = "a1b2c3d4e5f6a7b8c9d0", "g9f8e7d6c5b4a3928170"
    admins = frozenset({f"zalo:{staff}"})

    def picked_as(chat: str, *, in_group: bool) -> bool:
        """Whether the last alert to `chat` ends saying how to pick, as `in_group` says."""
        sent = api.sent(chat)[-1]
        first = int(menu(sent)[0].split(".")[0])
        line = msg.choose_by_number(first, in_group=in_group, bot=ward_settings.zalo_bot_name)
        return sent.text.endswith(f"\n\n{line}")

    settings = replace(ward_settings, admin_ids=admins)
    async with running_channel(api, ward_engine, settings):
        await api.say(group, "/subscribe bhyt", group=True, user_id=staff)
        await api.say(BINH, "/subscribe bhyt")
    async with running_channel(api, ward_engine, settings) as (channel, store):
        await channel.deliver(group, [burst()])
        assert picked_as(group, in_group=True)
        await channel.deliver(BINH, [burst()])
        assert picked_as(BINH, in_group=False)

        async with store.writing() as db:  # as a group subscribed before migration 20
            await db.execute("UPDATE chats SET is_group = 0")
        await channel.deliver(group, [burst()])
        assert picked_as(group, in_group=False)
        await api.say(group, "mất thẻ bhyt", group=True, user_id=ALICE)
        await channel.deliver(group, [burst()])
        assert picked_as(group, in_group=True)


@pytest.mark.parametrize("bot", ["Bot Một Cửa", None])
async def test_an_alert_to_a_group_says_how_staff_stop_it_there_with_the_bots_mention(
    api: FakeZaloApi, ward_engine: Engine, ward_settings: Settings, bot: str | None
) -> None:
    """'Ngừng nhận tin: gõ /unsubscribe' under an alert: typed alone in a Zalo group, the
    command never reaches the bot (it sees only messages that mention it), and only staff
    may stop a group's alerts. There the line says so, with the mention; typed as it
    says, it leads to stopping them."""
    staff, group = "a1b2c3d4e5f6a7b8c9d0", "g9f8e7d6c5b4a3928170"
    settings = replace(ward_settings, admin_ids=frozenset({f"zalo:{staff}"}), zalo_bot_name=bot)
    notice = ward_engine.corpus.document(LONG_NOTICE)
    assert isinstance(notice, Announcement)
    alert = alert_reply(notice, ["Bảo hiểm y tế"])
    async with running_channel(api, ward_engine, settings) as (channel, store):
        await api.say(group, "/subscribe bhyt", group=True, user_id=staff)
        await api.say(BINH, "/subscribe bhyt")
        await channel.deliver(group, [alert])
        await channel.deliver(BINH, [alert])
        assert "Ngừng nhận tin: gõ /unsubscribe" in api.sent(BINH)[-1].text
        told = api.sent(group)[-1].text
        assert "gõ /unsubscribe" not in told
        if bot is None:
            assert "Ngừng nhận tin cho nhóm: cán bộ phường gõ @, chọn tên bot rồi nhắn " in told
            return
        assert "Ngừng nhận tin cho nhóm: cán bộ phường nhắn “@Bot Một Cửa /unsubscribe”" in told
        (asked,) = await api.say(group, "@Bot Một Cửa /unsubscribe", group=True, user_id=staff)
        assert menu(asked) == ["1. 🔕 Bỏ nhận tin: Bảo hiểm y tế"]
        await api.say(group, "@Bot Một Cửa 1", group=True, user_id=staff)
        assert await store.subscriptions_of(ChatRef("zalo", group)) == []


async def test_xem_toan_van_after_a_burst_alert_asks_which_notice(
    api: FakeZaloApi, ward_engine: Engine, ward_settings: Settings
) -> None:
    """Typing "xem toàn văn" under an alert listing two notices asks which one (with a line for
    each, under its title), before a restart and after; it no longer opens the first
    one as if it were the only one."""
    which = [msg.full_text_which_of(), "", "1. Điều chỉnh mức đóng BHYT", "2. Xét học bổng"]
    async with running_channel(api, ward_engine, ward_settings) as (channel, _):
        await channel.deliver(BINH, [burst()])
        (asked,) = await api.say(BINH, "xem toàn văn")
        assert asked.text.startswith("\n".join(which))
        (opened,) = await api.say(BINH, "2")
        assert opened.text.startswith("Thông báo xét học bổng khuyến học năm 2024")
        await channel.deliver(ALICE, [burst()])
    async with running_channel(api, ward_engine, ward_settings) as (channel, _):
        (asked,) = await api.say(ALICE, "xem toàn văn")  # each under its title
        assert asked.text.startswith(f"{msg.full_text_which_of()}\n\n1. Về việc điều chỉnh")
        assert "\n2. Thông báo xét học bổng khuyến học năm 2024\n" in asked.text
        (opened,) = await api.say(ALICE, "1")
        assert opened.text.startswith("Về việc điều chỉnh mức đóng BHYT hộ gia đình")


async def test_forget_leaves_nothing_for_xem_toan_van_to_open(
    api: FakeZaloApi, ward_engine: Engine, ward_settings: Settings
) -> None:
    """/forget right after a shortened notice: neither the database nor the running bot
    keeps what the chat was shown (the row was written again after its reply, in memory
    it stayed), so "xem toàn văn" opens nothing, before a restart or after."""
    chat = ChatRef("zalo", ALICE)
    async with running_channel(api, ward_engine, ward_settings) as (_, store):
        (asked,) = await api.say(ALICE, "điều chỉnh mức đóng bhyt hộ gia đình từ 01/7/2024")
        assert menu(asked)[0] == f"1. {msg.FULL_TEXT_BUTTON}"
        await api.say(ALICE, "/forget")
        (typed,) = await api.say(ALICE, "xem toàn văn")  # after /forget's turn is over
        assert typed.text.startswith(msg.full_text_which(WARD_NAME))
        # (What is kept since is that reply's own "📰 Thông báo mới" line: no notice.)
        assert (await store.shown(chat) or (None,))[0] is None
    async with running_channel(api, ward_engine, ward_settings) as (_, store):
        (typed,) = await api.say(ALICE, "xem toàn văn")
        assert typed.text.startswith(msg.full_text_which(WARD_NAME))
        assert (await store.shown(chat) or (None,))[0] is None


async def test_deliver_splits_a_long_alert(api: FakeZaloApi, channel: ZaloChannel) -> None:
    long_text = "\n\n".join(f"Đoạn {n}: " + "nội dung thông báo " * 40 for n in range(12))
    long_text = "\n\n".join(paragraph.strip() for paragraph in long_text.split("\n\n"))
    await channel.deliver(ALICE, [Reply(long_text, title="Thông báo dài")])
    parts = api.sent(ALICE)
    assert len(parts) >= 4
    assert "\n\n".join(p.text for p in parts) == f"Thông báo dài\n\n{long_text}"


async def test_a_long_alert_whose_second_part_fails_for_a_moment_arrives_once(
    api: FakeZaloApi, channel: ZaloChannel, store: Store, ward_engine: Engine, retries: Clock
) -> None:
    """An alert too long for one Zalo message goes out in two. When the second fails for a
    moment (a 502), it alone is sent again: the resident does not read the first half
    twice."""
    now = [time.time()]
    sender = Sender(
        store, channel, Composer(lambda: ward_engine.corpus, store), clock=lambda: now[0]
    )
    text = "\n\n".join(f"Mục {n}: " + "lịch cắt điện khu phố tuần tới. " * 6 for n in range(12))
    text = "\n\n".join(paragraph.strip() for paragraph in text.split("\n\n"))
    await store.queue_message(text, [ChatRef("zalo", ALICE)], now[0])
    api.fail(502, method="sendMessage", after=1)
    await sender.drain()
    now[0] += MAX_BACKOFF  # a retry of the whole alert would be due by now
    await sender.drain()
    sent = api.sent(ALICE)
    assert len(sent) == 2
    assert "\n\n".join(call.text for call in sent) == f"{text}\n\n{msg.ALERT_STOP}"
    assert retries.waits == [REPLY_RETRY.waits[0]]  # the second part, sent again at once
    assert sender.stats.sent == 1 and sender.stats.retried == 0


async def test_an_alert_zalo_is_slow_to_confirm_when_the_bot_stops_is_not_sent_again(
    api: FakeZaloApi, channel: ZaloChannel, store: Store, ward_engine: Engine
) -> None:
    """The bot stops (a redeploy) while Zalo, slow, has not yet answered the alert it
    was handed. Before, the stop gave up on it after its grace: the alert reached the
    resident all the same, and went to them again after the restart. Now the answer is
    waited for, and after the restart only the alerts not sent yet go out, once each."""
    chats = [f"{number:020x}" for number in range(1, 5)]
    await store.queue_message("Họp tổ dân phố lúc 19h.", [ChatRef("zalo", c) for c in chats], 0)
    held = api.hold("sendMessage")
    sender = Sender(store, channel, Composer(lambda: ward_engine.corpus, store))
    senders = Senders([sender], Restarts())
    senders.start()
    await api.wait_until(lambda: bool(api.holding))  # the first alert is with Zalo
    assert sender.delivering()
    stopping = asyncio.create_task(senders.stop(grace=0))
    await asyncio.sleep(0.05)  # the grace is over: before, the stop gave up on it then
    held.set()  # Zalo answers at last
    await stopping
    await api.wait_until(lambda: len(api.sent()) == 1)

    restarted = Senders([Sender(store, channel, Composer(lambda: ward_engine.corpus, store))])
    restarted.start()
    await api.wait_until(lambda: {call.chat_id for call in api.sent()} == set(chats))
    await restarted.stop()
    assert sorted(call.chat_id for call in api.sent()) == chats


async def test_a_long_alert_whose_second_part_fails_for_long_is_resent_from_there(
    api: FakeZaloApi, channel: ZaloChannel, store: Store, ward_engine: Engine
) -> None:
    """The second part of a long alert keeps failing (Zalo down for a minute) after the
    first went out: the outbox tries the alert again later, and only what the resident
    has not received goes out then."""
    now = [time.time()]
    sender = Sender(
        store, channel, Composer(lambda: ward_engine.corpus, store), clock=lambda: now[0]
    )
    text = "\n\n".join(f"Mục {n}: " + "lịch cắt điện khu phố tuần tới. " * 6 for n in range(20))
    text = "\n\n".join(paragraph.strip() for paragraph in text.split("\n\n"))
    await store.queue_message(text, [ChatRef("zalo", ALICE)], now[0])
    api.fail(502, method="sendMessage", after=1, times=len(REPLY_RETRY.waits) + 1)
    await sender.drain()
    assert len(api.sent(ALICE)) == 1 and sender.stats.retried == 1
    now[0] += MAX_BACKOFF
    await sender.drain()
    sent = api.sent(ALICE)
    assert len(sent) == 3
    assert "\n\n".join(call.text for call in sent) == f"{text}\n\n{msg.ALERT_STOP}"
    assert sender.stats.sent == 1
    # Sent again on purpose: whole, as new.
    await channel.deliver(ALICE, [Reply(text, footer=msg.ALERT_STOP)])
    assert [call.text for call in api.sent(ALICE)[3:]] == [call.text for call in sent]


async def test_a_long_alert_cut_off_by_a_restart_goes_on_from_the_part_not_sent(
    api: FakeZaloApi,
    channel: ZaloChannel,
    store: Store,
    ward_engine: Engine,
    ward_settings: Settings,
) -> None:
    """The second part of a long alert keeps failing after the first went out, and the
    bot is restarted before Zalo is back. Before, the parts sent were remembered in
    memory only: after the restart the resident got the first part again. Now the
    retry starts from the part they have not got, after a restart too."""
    now = [time.time()]
    text = "\n\n".join(f"Mục {n}: " + "lịch cắt điện khu phố tuần tới. " * 6 for n in range(20))
    text = "\n\n".join(paragraph.strip() for paragraph in text.split("\n\n"))
    await store.queue_message(text, [ChatRef("zalo", ALICE)], now[0])
    api.fail(502, method="sendMessage", after=1, times=len(REPLY_RETRY.waits) + 1)
    before = Sender(
        store, channel, Composer(lambda: ward_engine.corpus, store), clock=lambda: now[0]
    )
    await before.drain()
    assert len(api.sent(ALICE)) == 1 and before.stats.retried == 1
    await channel.stop()  # the restart: nothing of the channel's memory is left

    settings = zalo_settings(ward_settings, api)
    again = ZaloChannel(settings, Conversation(ward_engine, store, settings), poll_timeout=0.1)
    await again.start()
    try:
        now[0] += MAX_BACKOFF
        sender = Sender(
            store, again, Composer(lambda: ward_engine.corpus, store), clock=lambda: now[0]
        )
        await sender.drain()
    finally:
        await again.stop()
    sent = api.sent(ALICE)
    assert len(sent) == 3
    assert "\n\n".join(call.text for call in sent) == f"{text}\n\n{msg.ALERT_STOP}"
    with sqlite3.connect(settings.data_dir / "bot.sqlite3") as raw:
        assert raw.execute("SELECT count(*) FROM alert_parts").fetchone() == (0,)  # done


def long_burst(notices: int = 10) -> Reply:
    """An alert listing many notices, too long for one Zalo message, each opened by its
    own numbered line."""
    lines = [
        f"• Thông báo số {n}: " + "lịch tiêm chủng và cắt điện khu phố tuần tới. " * 5
        for n in range(notices)
    ]
    return Reply(
        "\n\n".join(line.strip() for line in lines),
        title=f"🔔 {notices} thông báo mới",
        buttons=tuple(
            Button(f"Thông báo số {n}", make_action("full", f"notice-{n}")) for n in range(notices)
        ),
        buttons_title=msg.ALERT_BURST_OPEN,
    )


@pytest.mark.parametrize("stale", [True, False])
async def test_a_long_alert_retried_after_the_list_on_screen_changed_is_not_sent_twice(
    api: FakeZaloApi, channel: ZaloChannel, polls: Clock, stale: bool
) -> None:
    """A long alert came while the resident's list was on screen (its lines numbered on
    from it); its second part failed. Retried after the list went stale (or, the other
    way round, after the resident was shown a new list), its lines are numbered anew.
    Before, the parts were recognised by their exact text, and the resident got the whole
    alert again; now only the parts not out yet go, numbered as the chat's list is now."""
    if stale:
        (offered,) = await api.say(ALICE, "mất thẻ bhyt thì làm sao")
        assert len(menu(offered)) >= 2
    before = len(api.sent(ALICE))
    api.fail(502, method="sendMessage", after=1, times=len(REPLY_RETRY.waits) + 1)
    with pytest.raises(TransientError):
        await channel.deliver(ALICE, [long_burst()])
    first = api.sent(ALICE)[before:]
    assert len(first) == 1
    if stale:
        async with channel.answerer.locks.hold(ALICE):
            polls.now += 3600  # the resident moved on: the alert is numbered from 1 now
    else:
        (offered,) = await api.say(ALICE, "mất thẻ bhyt thì làm sao")
        assert len(menu(offered)) >= 2  # a list on screen: the alert is numbered after it
    before = len(api.sent(ALICE))
    await channel.deliver(ALICE, [long_burst()])
    rest = api.sent(ALICE)[before:]
    assert rest and first[0].text not in [call.text for call in rest]
    start = 1 if stale else len(menu(offered)) + 1
    assert menu(rest[-1])[0] == f"{start}. Thông báo số 0"
    assert rest[-1].text.endswith(msg.choose_by_number(start))
    # Nothing the resident read is repeated, nothing is missing.
    body = "\n\n".join(call.text for call in [*first, *rest])
    for n in range(10):
        assert body.count(f"• Thông báo số {n}: ") == 1
    # Each number on screen picks one thing: the alert's own lines, as numbered last.
    picked = channel.answerer.menus.choice(ALICE, str(start + 1))
    assert isinstance(picked, Button) and picked.action == make_action("full", "notice-1")


@pytest.mark.parametrize(
    ("fault", "error", "seconds"),
    [
        ({"code": 429}, RetryLater, 5.0),
        ({"code": 429, "retry_after": 12}, RetryLater, 12.0),
        ({"code": 429, "http_status": 200}, RetryLater, 5.0),
        ({"code": 500}, TransientError, None),
        ({"code": 503, "http_status": 200}, TransientError, None),
        ({"code": 502, "html": True}, TransientError, None),
        ({"code": 400}, PermanentError, None),
        ({"code": 401}, TransientError, None),  # the bot's token, never the chat's fault
        # Zalo's docs label 403 "internal server error": one refusal blames no chat.
        ({"code": 403}, TransientError, None),
        ({"code": 404, "http_status": 200}, TransientError, None),
    ],
)
async def test_deliver_failures_say_what_to_do(
    api: FakeZaloApi,
    channel: ZaloChannel,
    fault: dict[str, Any],
    error: type[Exception],
    seconds: float | None,
) -> None:
    api.fail(method="sendMessage", **fault)
    with pytest.raises(error) as raised:
        await channel.deliver(ALICE, [alert()])
    if seconds is not None:
        assert isinstance(raised.value, RetryLater)
        assert raised.value.seconds == seconds
    assert api.sent(ALICE) == []
    await channel.deliver(ALICE, [alert()])  # the fault is gone: delivered
    assert len(api.sent(ALICE)) == 1


async def test_alerts_over_quota_for_hours_are_asked_about_ever_less_often(
    api: FakeZaloApi,
    channel: ZaloChannel,
    store: Store,
    ward_engine: Engine,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Zalo answers every alert "quota exceeded" (429, no wait named): the bot's quota is
    used up. The pause doubles from 5 s up to an hour instead of asking every 5 s all day;
    staff read one warning; once Zalo takes alerts again they go out, and a later 429
    pauses 5 s again."""
    now, ticks = [time.time()], [1000.0]

    async def sleep(seconds: float) -> None:
        ticks[0] += seconds

    sender = Sender(
        store,
        channel,
        Composer(lambda: ward_engine.corpus, store),
        clock=lambda: now[0],
        monotonic=lambda: ticks[0],
        sleep=sleep,
    )
    await store.queue_message("Chiều nay cắt điện khu phố 3.", [ChatRef("zalo", BINH)], now[0])
    api.fail(429, times=None, method="sendMessage")
    for _ in range(240):  # four hours, a minute at a time
        await sender.drain()
        now[0] += 60
        ticks[0] += 60
    asked = len(api.of("sendMessage"))
    assert 8 <= asked <= 16, asked  # not 240 (or 2,880 at one try every 5 s)
    warned = [r for r in caplog.records if r.levelno == logging.WARNING and "quota" in r.message]
    assert len(warned) == 1
    api.recover("sendMessage")
    now[0] += zalo.QUOTA_WAIT_MAX
    await sender.drain()
    assert [call.text for call in api.sent(BINH)] == [
        f"Chiều nay cắt điện khu phố 3.\n\n{msg.ALERT_STOP}"
    ]
    api.fail(429, method="sendMessage")
    with pytest.raises(RetryLater) as raised:
        await channel.deliver(BINH, [alert()])
    assert raised.value.seconds == zalo.RETRY_AFTER_DEFAULT


async def test_an_alert_answered_late_by_zalo_is_sent_once(
    api: FakeZaloApi, ward_engine: Engine, ward_settings: Settings
) -> None:
    """Zalo answers after the usual wait (scaled down: 0.1 s here, 10 s in the bot): the
    alert path waits longer (30 s in the bot) instead of sending it again. Zalo's answer
    is held until a message sent after the alert, with the usual wait, has been given up
    on: no margin a busy machine could eat (connecting keeps its own, longer wait)."""
    settings = zalo_settings(ward_settings, api)
    async with await Store.open(settings.data_dir / "bot.sqlite3") as store:
        channel = ZaloChannel(
            settings,
            Conversation(ward_engine, store, settings),
            read_timeout=0.1,
            alert_read_timeout=60.0,
        )
        try:
            now = [time.time()]
            sender = Sender(
                store, channel, Composer(lambda: ward_engine.corpus, store), clock=lambda: now[0]
            )
            await store.queue_message(
                "Chiều nay cắt điện khu phố 3.", [ChatRef("zalo", BINH)], now[0]
            )
            answer = api.hold("sendMessage")
            draining = asyncio.create_task(sender.drain())
            await api.wait_until(lambda: len(api.holding) == 1)
            with pytest.raises(zalo_api_client.NetworkError, match="ReadTimeout"):
                await channel.api.send_message(ALICE, "Dạ.")  # the usual wait is over
            answer.set()
            await draining
            now[0] += MAX_BACKOFF  # any retry would be due by now
            await sender.drain()
            (sent,) = await api.replies(BINH)
            assert sent.text == f"Chiều nay cắt điện khu phố 3.\n\n{msg.ALERT_STOP}"
            assert sender.stats.sent == 1 and sender.stats.retried == 0
            assert len(api.sent(BINH)) == 1
        finally:
            await channel.stop()


@pytest.mark.parametrize("code", [403, 404])
async def test_deliver_to_a_chat_that_blocked_the_bot(
    api: FakeZaloApi, channel: ZaloChannel, polls: Clock, code: int
) -> None:
    """A chat is judged to have blocked the bot once Zalo has refused it for ten minutes."""
    api.block(ALICE, code)
    for _ in range(3):  # retried: for now it may be Zalo's passing trouble
        with pytest.raises(TransientError):
            await channel.deliver(ALICE, [alert()])
        polls.now += zalo.UNREACHABLE_AFTER / 3 - 1
    await channel.deliver(BINH, [alert()])  # others still get it
    assert len(api.sent(BINH)) == 1
    polls.now += 3
    with pytest.raises(ChatUnreachable):
        await channel.deliver(ALICE, [alert()])


async def test_deliver_to_a_follower_who_unfollowed(
    api: FakeZaloApi, channel: ZaloChannel, polls: Clock
) -> None:
    """Zalo answers an alert to a resident who unfollowed with -213 ("user not
    following", in the OA API's form). Before, that was an unknown error: the alert, and
    every later one, was tried again for a week, the chat kept its subscriptions. Now it
    is a refusal like a blocked chat's: judged unreachable after ten minutes of them."""
    api.fail(-213, method="sendMessage", times=None, oa_style=True, description="not follow")
    for _ in range(3):
        with pytest.raises(TransientError):
            await channel.deliver(ALICE, [alert()])
        polls.now += zalo.UNREACHABLE_AFTER / 3 - 1
    polls.now += 3
    with pytest.raises(ChatUnreachable):
        await channel.deliver(ALICE, [alert()])


async def test_a_refusal_after_a_night_without_tries_counts_afresh(
    api: FakeZaloApi, channel: ZaloChannel, polls: Clock
) -> None:
    """Zalo refused an alert at 21:25 (403, its "internal server error"); the alert then
    waited for the end of the quiet hours, untried. One more refusal at 6:30 is not ten
    minutes of refusals: the chat keeps its subscriptions; refused on for ten minutes from
    then, it has blocked the bot."""
    api.fail(403, method="sendMessage")
    with pytest.raises(TransientError):
        await channel.deliver(ALICE, [alert()])
    polls.now += 9 * 3600  # the night: nothing tried
    api.block(ALICE)
    with pytest.raises(TransientError):
        await channel.deliver(ALICE, [alert()])
    for _ in range(2):
        polls.now += zalo.UNREACHABLE_AFTER / 2 - 1
        with pytest.raises(TransientError):
            await channel.deliver(ALICE, [alert()])
    polls.now += 3
    with pytest.raises(ChatUnreachable):
        await channel.deliver(ALICE, [alert()])


async def test_zalo_refusing_alerts_for_a_moment_costs_no_chat_its_subscriptions(
    api: FakeZaloApi,
    channel: ZaloChannel,
    store: Store,
    ward_engine: Engine,
    polls: Clock,
) -> None:
    """Zalo answers an alert run with 403 ("internal server error" in its docs) for a
    few minutes while getMe works: the chats keep their subscriptions and get the alert
    once Zalo takes it again; later refusals start counting afresh."""
    chats = [ChatRef("zalo", chat_id) for chat_id in (ALICE, BINH)]
    for chat in chats:
        await store.subscribe(chat, "bhyt")
    now = [time.time()]
    sender = Sender(
        store, channel, Composer(lambda: ward_engine.corpus, store), clock=lambda: now[0]
    )
    await store.queue_message("Chiều nay cắt điện khu phố 3.", chats, now[0])
    api.fail(403, times=None, method="sendMessage")
    for _ in range(3):  # refused, tried again, for a few minutes
        await sender.drain()
        now[0] += 100
        polls.now += 100
    assert api.sent() == [] and sender.stats.unreachable == 0
    api.recover("sendMessage")
    now[0] += MAX_BACKOFF
    await sender.drain()
    assert [call.chat_id for call in api.sent()] == [ALICE, BINH]
    for chat in chats:
        assert await store.subscriptions_of(chat) == ["bhyt"]
    polls.now += zalo.UNREACHABLE_AFTER  # a new refusal, much later, is one refusal
    api.fail(403, method="sendMessage")
    with pytest.raises(TransientError):
        await channel.deliver(ALICE, [alert()])


async def test_deliver_with_a_reset_token_does_not_blame_the_chat(
    api: FakeZaloApi, ward_engine: Engine, ward_settings: Settings
) -> None:
    # The token was reset in Bot Creator after start-up: every call gets 401. Marking every
    # chat unreachable would drop every subscription; it is the bot's problem, not theirs.
    settings = replace(
        zalo_settings(ward_settings, api), zalo_token=Secret("4213657089215436870:old_Token1")
    )
    async with await Store.open(settings.data_dir / "bot.sqlite3") as store:
        channel = ZaloChannel(settings, Conversation(ward_engine, store, settings))
        try:
            with pytest.raises(TransientError):
                await channel.deliver(ALICE, [alert()])
        finally:
            await channel.stop()


@pytest.mark.parametrize("refusal", [401, 403])
async def test_a_token_reset_during_an_alert_costs_no_chat_its_subscriptions(
    api: FakeZaloApi,
    channel: ZaloChannel,
    store: Store,
    ward_engine: Engine,
    refusal: int,
    caplog: pytest.LogCaptureFixture,
    polls: Clock,
) -> None:
    """Staff reset the token in Bot Creator while an alert goes out, right after a chat
    that blocked the bot was told apart (getMe answered then). Zalo now refuses every send
    (401; or 403, which its docs also use for internal errors) and getMe too: that is the
    bot's problem, logged once. Only the chat that blocked the bot loses its subscriptions;
    the others get the alert once the token works again."""
    chi = "9c0d1e2f3a4b5c6d7e8f"
    chats = [ChatRef("zalo", chat_id) for chat_id in (ALICE, BINH, chi)]
    for chat in chats:
        await store.subscribe(chat, "bhyt")
    api.block(ALICE)
    with pytest.raises(TransientError):  # refused for long enough by the next alert
        await channel.deliver(ALICE, [alert()])
    polls.now += zalo.UNREACHABLE_AFTER

    # The poll loop waits meanwhile: a poll answered mid-reset would vouch for the token.
    polls.hold()
    await asyncio.wait_for(polls.waiting.wait(), 5)

    async def reset_after_the_blocked_chat(item: object, outcome: str, error: str) -> None:
        if outcome == "unreachable":
            api.fail(refusal, times=None, method="sendMessage")
            api.fail(401, times=None, method="getMe")
            api.fail(401, times=None, method="getUpdates")

    now = [time.time()]
    sender = Sender(
        store,
        channel,
        Composer(lambda: ward_engine.corpus, store),
        clock=lambda: now[0],
        on_done=reset_after_the_blocked_chat,
    )
    await store.queue_message("Chiều nay cắt điện khu phố 3.", chats, now[0])
    await sender.drain()
    assert api.sent() == []
    refused = [r for r in caplog.records if r.levelno == logging.ERROR and "token" in r.message]
    assert len(refused) == 1, [r.message for r in refused]
    assert await store.subscriptions_of(chats[0]) == []  # ALICE did block the bot
    for chat in chats[1:]:
        assert await store.subscriptions_of(chat) == ["bhyt"]
    api.recover("sendMessage")  # the new token is in place
    api.recover("getMe")
    api.recover("getUpdates")
    polls.release()
    now[0] += MAX_BACKOFF
    await sender.drain()
    assert [call.chat_id for call in api.sent()] == [BINH, chi]


async def test_deliver_while_zalo_is_unreachable(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    sock = bound_socket()
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    settings = replace(ward_settings, zalo_token=Secret("1:abcdefgh"), zalo_api_base=base)
    try:
        async with await Store.open(settings.data_dir / "bot.sqlite3") as store:
            channel = ZaloChannel(settings, Conversation(ward_engine, store, settings))
            try:
                with pytest.raises(TransientError):
                    await channel.deliver(ALICE, [alert()])
            finally:
                await channel.stop()
    finally:
        sock.close()
