"""The real python-telegram-bot Application, end to end, against a fake Bot API on 127.0.0.1.

Residents' messages go in as updates served by getUpdates (long polling); what the bot
sends is recorded by the fake server, which checks it the way Telegram does.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest
from chat_ward import EXAMPLE, WARD_NAME
from fakes.telegram_api import FakeBotApi, utf16_len, visible_text

from handlers.telegram import TelegramChannel, render_html
from wardbot import messages as msg
from wardbot.alert_replies import alert_reply
from wardbot.config import Secret, Settings
from wardbot.conversation import Conversation
from wardbot.delivery import ReplyRetry
from wardbot.desk import Desk
from wardbot.engine import Engine
from wardbot.hours import VIETNAM
from wardbot.models import Announcement
from wardbot.reply import Link, Reply
from wardbot.store import ChatRef, Store
from wardbot.tickets import TicketBook

ALICE = 501
BINH = 502
GROUP = -1001234567890
QUICK = ReplyRetry(waits=(0.01, 0.02, 0.04, 0.08))  # the bot's waits, in hundredths


@contextlib.asynccontextmanager
async def polling_channel(
    api: FakeBotApi, engine: Engine, settings: Settings, **options: Any
) -> AsyncIterator[tuple[TelegramChannel, Store]]:
    """A Telegram channel polling the fake server; yields it and its store."""
    settings = replace(settings, telegram_token=Secret(api.token), telegram_base_url=api.base_url)
    async with await Store.open(settings.data_dir / "bot.sqlite3") as store:
        conversation = Conversation(engine, store, settings)
        channel = TelegramChannel(settings, conversation, poll_timeout=1, **options)
        await channel.start()
        try:
            yield channel, store
        finally:
            await channel.stop()


@contextlib.asynccontextmanager
async def running_bot(api: FakeBotApi, engine: Engine, settings: Settings) -> AsyncIterator[Store]:
    """A Telegram channel polling the fake server; yields its store."""
    async with polling_channel(api, engine, settings) as (_, store):
        yield store


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake


@pytest.fixture
async def store(
    api: FakeBotApi, ward_engine: Engine, ward_settings: Settings
) -> AsyncIterator[Store]:
    async with running_bot(api, ward_engine, ward_settings) as opened:
        yield opened


def shown(call: object) -> str:
    """What the resident reads (HTML parsed)."""
    return visible_text(call.text)  # type: ignore[attr-defined]


# --- start-up -----------------------------------------------------------------------------


async def test_start_up_sets_the_vietnamese_command_menu_and_polls(
    api: FakeBotApi, store: Store
) -> None:
    # No staff desk (STAFF_CHAT_ID): no /hoicanbo in the menu.
    menu = [(c["command"], c["description"]) for c in api.commands]
    assert menu == list(msg.commands(WARD_NAME, staff=False))
    assert [name for name, _ in menu] == [n for n, _ in msg.COMMANDS if n != "hoicanbo"]
    assert ("latest", "Thông báo mới nhất của phường") in menu
    assert api.of("deleteWebhook"), "polling starts by removing any webhook"
    await api.wait_until(lambda: bool(api.of("getUpdates")))  # a long poll, answered after 1 s


@pytest.mark.parametrize(
    ("ward_name", "unit"), [(WARD_NAME, "phường"), ("UBND xã Mỹ Phước Điền", "xã")]
)
async def test_with_a_staff_desk_the_menu_offers_hoicanbo(
    api: FakeBotApi, ward_engine: Engine, ward_settings: Settings, ward_name: str, unit: str
) -> None:
    """The menu names the unit WARD_NAME names: a xã's says "xã", never "phường"."""
    settings = replace(
        ward_settings,
        ward_name=ward_name,
        telegram_token=Secret(api.token),
        telegram_base_url=api.base_url,
        staff_chat_id=-100999,
    )
    async with await Store.open(settings.data_dir / "bot.sqlite3") as store:
        desk = Desk(TicketBook(store), settings, ward_engine)
        conversation = Conversation(ward_engine, store, settings, desk=desk)
        channel = TelegramChannel(settings, conversation, poll_timeout=1)
        await channel.start()
        try:
            menu = {c["command"]: c["description"] for c in api.commands}
            assert list(menu) == [name for name, _ in msg.COMMANDS]
            assert menu["latest"] == f"Thông báo mới nhất của {unit}"
            assert menu["hoicanbo"] == f"Chuyển câu hỏi tới cán bộ {unit}"
            assert unit == "phường" or not [a for a in menu.values() if "phường" in a]
        finally:
            await channel.stop()


@pytest.mark.parametrize("status", [404, 401])
async def test_polling_survives_a_while_of_refused_get_updates(
    api: FakeBotApi, ward_engine: Engine, ward_settings: Settings, status: int
) -> None:
    # python-telegram-bot takes a 401/404 from getUpdates for a revoked token and stops
    # polling for good; Telegram answers so for a moment in outages too.
    quick = {"refused_retry": 0.01, "refused_retry_max": 0.05}
    async with polling_channel(api, ward_engine, ward_settings, **quick) as (channel, _):
        await api.wait_until(lambda: bool(api.of("getUpdates")))
        assert channel.is_running()
        api.fail("getUpdates", status, times=None)
        refused = lambda: [c for c in api.of("getUpdates") if c.status == status]  # noqa: E731
        await api.wait_until(lambda: len(refused()) >= 3)  # still asking, again and again
        assert not channel.is_running(), "/healthz must say Telegram is down meanwhile"
        api.recover("getUpdates")
        (reply,) = await api.say(ALICE, "/help")
        assert "Cách hỏi:" in shown(reply)
        assert channel.is_running()


async def test_another_instance_polling_with_the_same_token_is_reported(
    api: FakeBotApi, ward_engine: Engine, ward_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    # Telegram answers 409 to the one of two bots polling with one token that asked first.
    quick = {"refused_retry": 0.01, "refused_retry_max": 0.05}
    async with polling_channel(api, ward_engine, ward_settings, **quick) as (channel, _):
        await api.wait_until(lambda: bool(api.of("getUpdates")))
        conflict = "Conflict: terminated by other getUpdates request"
        api.fail("getUpdates", 409, times=None, description=conflict)
        await api.wait_until(lambda: sum(c.status == 409 for c in api.of("getUpdates")) >= 2)
        assert not channel.is_running(), "/healthz must say Telegram is down meanwhile"
        assert "another copy of the bot" in caplog.text
        api.recover("getUpdates")
        (reply,) = await api.say(ALICE, "/help")
        assert "Cách hỏi:" in shown(reply)
        assert channel.is_running()


async def test_get_updates_refused_all_night_is_told_as_one_outage(
    api: FakeBotApi, ward_engine: Engine, ward_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """getUpdates refused (409: another copy polls with the token; 401 in a moment of
    outage) at every try: one line at the first refusal, then at most every 10 minutes, and
    one when a poll is answered again, as for a 502. Before, every retry logged an error
    (every 5 minutes all night) and nothing said when it ended."""
    caplog.set_level(logging.INFO)
    quick = {"refused_retry": 0.01, "refused_retry_max": 0.01}
    async with polling_channel(api, ward_engine, ward_settings, **quick) as _:
        await api.wait_until(lambda: bool(api.of("getUpdates")))
        conflict = "Conflict: terminated by other getUpdates request"
        api.fail("getUpdates", 409, times=5, description=conflict)
        (reply,) = await api.say(ALICE, "/help")
        assert "Cách hỏi:" in shown(reply)
        assert [c.status for c in api.of("getUpdates")].count(409) == 5
    refused = [m for m in caplog.messages if "getUpdates refused" in m]
    assert len(refused) == 1, refused
    assert "another copy of the bot" in refused[0]
    assert "telegram: works again after 5 failure(s) in 0 min" in caplog.messages


async def test_an_outage_of_get_updates_is_one_log_line_not_a_traceback_a_poll(
    api: FakeBotApi, ward_engine: Engine, ward_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """Telegram answers 502 for a while (its outages do): python-telegram-bot asks again
    every 30 s at most, and logged a traceback of 30 lines at each. The log says it once,
    in one line, and once more when getUpdates is answered again."""
    caplog.set_level(logging.INFO)
    async with polling_channel(api, ward_engine, ward_settings) as _:
        await api.wait_until(lambda: bool(api.of("getUpdates")))
        api.fail("getUpdates", 502, times=3, description="Bad Gateway")
        (reply,) = await api.say(ALICE, "/help")
        assert "Cách hỏi:" in shown(reply)
        assert [c.status for c in api.of("getUpdates")].count(502) == 3
    assert not [r for r in caplog.records if r.exc_info], "no traceback"
    failed = [m for m in caplog.messages if "getUpdates failed" in m]
    assert failed == ["telegram: getUpdates failed (Bad Gateway); asking again"]
    assert "telegram: works again after 3 failure(s) in 0 min" in caplog.messages


async def test_stopping_during_an_outage_of_get_updates_logs_no_traceback(
    api: FakeBotApi, ward_engine: Engine, ward_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """The bot stops (a redeploy) while Telegram answers getUpdates with 502: the last
    getUpdates, which tells Telegram which updates were taken, fails too. python-telegram-
    bot logged an ERROR with a 25-line traceback for it. It is one line: what it did not
    confirm comes again at the next start and is answered once (the inbox)."""
    caplog.set_level(logging.INFO)
    async with polling_channel(api, ward_engine, ward_settings) as (channel, _):
        await api.wait_until(lambda: bool(api.of("getUpdates")))
        api.fail("getUpdates", 502, times=None, description="Bad Gateway")
        await api.wait_until(lambda: not channel.is_running())  # the failure taken in
        mark = len(api.of("getUpdates"))
    assert len(api.of("getUpdates")) > mark, "the last getUpdates was asked"
    assert not [r for r in caplog.records if r.exc_info], "no traceback"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_polling_is_reported_down_from_the_first_failed_poll_until_one_is_answered(
    api: FakeBotApi, ward_engine: Engine, ward_settings: Settings
) -> None:
    """Telegram answers getUpdates with 502 (an outage): /healthz said all was well for 2
    minutes, while no resident's message came in; Zalo's polling is down from its first
    failed poll."""
    async with polling_channel(api, ward_engine, ward_settings) as (channel, _):
        await api.wait_until(lambda: bool(api.of("getUpdates")))
        assert channel.is_running()
        api.fail("getUpdates", 502, times=None, description="Bad Gateway")
        await api.wait_until(lambda: any(c.status == 502 for c in api.of("getUpdates")))
        await api.wait_until(lambda: not channel.is_running())  # at the next poll at most
        api.recover("getUpdates")
        (reply,) = await api.say(ALICE, "/help")
        assert "Cách hỏi:" in shown(reply)
        assert channel.is_running()


async def test_an_update_python_telegram_bot_cannot_read_is_skipped_in_one_log_line(
    api: FakeBotApi, ward_engine: Engine, ward_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """An update with a field of a type python-telegram-bot does not expect (a Bot API
    change it predates, a self-hosted server's quirk): it failed on the whole answer and
    asked again at once for the same update, a hundred times a second, logging the update
    (a resident's words and name) with two tracebacks each time, and no message after it
    came in. It is skipped, said in one line naming only its id."""
    caplog.set_level(logging.INFO)
    async with polling_channel(api, ward_engine, ward_settings) as _:
        await api.wait_until(lambda: bool(api.of("getUpdates")))
        odd = api._message(ALICE, None, False, text="Nguyễn Văn Riêng hỏi")
        odd["date"] = "hôm qua"  # a Unix time in the Bot API
        skipped = api.push({"message": odd})
        (reply,) = await api.say(BINH, "/help")
        assert "Cách hỏi:" in shown(reply)  # the offset moved past it
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert [m for m in caplog.messages if "cannot be read" in m] == [
        f"telegram: update {skipped['update_id']} cannot be read (TypeError); skipped"
    ]
    assert "Riêng" not in caplog.text


async def test_polling_that_gets_no_answer_is_reported_down(
    api: FakeBotApi, ward_engine: Engine, ward_settings: Settings
) -> None:
    now = [1000.0]
    options = {"clock": lambda: now[0], "stale_after": 60.0}
    async with polling_channel(api, ward_engine, ward_settings, **options) as (channel, _):
        await api.wait_until(lambda: bool(api.of("getUpdates")))
        assert channel.is_running()
        now[0] += 61  # a minute without any answer to getUpdates
        assert not channel.is_running()
        answered = len(api.of("getUpdates"))
        await api.wait_until(lambda: len(api.of("getUpdates")) > answered)
        assert channel.is_running()


# --- every command ------------------------------------------------------------------------


async def test_start(api: FakeBotApi, store: Store) -> None:
    greeting, topics = await api.say(ALICE, "/start", count=2)
    assert shown(greeting).startswith(
        "Dạ, xin chào anh/chị! Đây là trợ lý tự động của UBND Phường 2."
    )
    assert [data for _, data in topics.buttons] == [
        "sub:bhyt",
        "sub:hoc-bong",
        "sub:cu-tru",
        "sub:ho-tich",
    ]
    assert topics.params["parse_mode"] == "HTML"
    # Buttons apart from the text: the text lists the topics, as before.
    assert "• Học bổng và khuyến học\n" in shown(topics)


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/help", "/unsubscribe <chủ đề | all>"),
        ("/topics", "Các chủ đề anh/chị có thể nhận tin:"),
        ("/subscribe bhyt", msg.subscribed(WARD_NAME, "Bảo hiểm y tế")),
        ("/subscribe", "Các chủ đề anh/chị có thể nhận tin:"),
        ("/unsubscribe bhyt", msg.not_subscribed("Bảo hiểm y tế")),
        ("/unsubscribe all", msg.unsubscribed_all(0)),
        ("/mysubs", msg.mysubs([])),
        ("/latest", "Các thông báo mới nhất của UBND Phường 2:"),
        ("/forget", msg.forget_nothing()),  # a new chat: nothing stored to delete
        ("/help@phuong2_test_bot", "Cách hỏi:"),
    ],
)
async def test_every_command(api: FakeBotApi, store: Store, command: str, expected: str) -> None:
    (reply,) = await api.say(ALICE, command)
    assert expected in shown(reply)


async def test_typing_xem_toan_van_after_an_alert_opens_that_notice(
    api: FakeBotApi, ward_engine: Engine, ward_settings: Settings
) -> None:
    notice = ward_engine.corpus.document("2024-07-15-dieu-chinh-muc-dong-bhyt")
    assert isinstance(notice, Announcement)
    async with polling_channel(api, ward_engine, ward_settings) as (channel, _):
        await channel.deliver(str(ALICE), [alert_reply(notice)])
        replies = await api.say(ALICE, "Xem toàn văn")
        whole = "\n".join(shown(reply) for reply in replies)
        assert whole.startswith("Về việc điều chỉnh mức đóng BHYT hộ gia đình từ 01/7/2024")
        assert "Đoạn 7" in whole


async def test_help_shows_the_hotline(api: FakeBotApi, store: Store) -> None:
    (reply,) = await api.say(ALICE, "/help")
    assert "gọi đường dây nóng 0276 3822 123" in shown(reply)


async def test_subscribe_then_mysubs_then_forget(api: FakeBotApi, store: Store) -> None:
    await api.say(ALICE, "/subscribe hoc bong")
    await api.say(ALICE, "đăng ký nhận tin bhyt")
    (mine,) = await api.say(ALICE, "/mysubs")
    assert "• Bảo hiểm y tế\n• Học bổng và khuyến học" in shown(mine)  # in faq.yaml's order
    assert [label for label, _ in mine.buttons] == [
        msg.unsubscribe_button("Bảo hiểm y tế"),
        msg.unsubscribe_button("Học bổng và khuyến học"),
        msg.UNSUBSCRIBE_ALL_BUTTON,
    ]
    await api.say(ALICE, "/forget")
    assert await store.subscriptions_of(ChatRef("telegram", str(ALICE))) == []
    (after,) = await api.say(ALICE, "/mysubs")
    assert shown(after) == msg.mysubs([])


# --- buttons ------------------------------------------------------------------------------


async def test_a_mistyped_unfollow_all_asks_with_a_button_that_stops_every_alert(
    api: FakeBotApi, store: Store
) -> None:
    """ "/nollow all" stopped every alert on a guess: now a question with one button,
    which stops them (the question becomes the answer)."""
    chat = ChatRef("telegram", str(ALICE))
    await store.subscribe(chat, "bhyt")
    await store.subscribe(chat, "cu-tru")
    (asked,) = await api.say(ALICE, "/nollow all")
    assert shown(asked).startswith("Ý anh/chị là /unsubscribe all (ngừng nhận mọi tin)?")
    assert "bấm nút bên dưới" in shown(asked)
    assert asked.buttons == [("✅ Đúng, ngừng nhận mọi tin", "dropall")]
    assert await store.subscriptions_of(chat) == ["bhyt", "cu-tru"]
    mark = len(api.calls)
    api.press(ALICE, "dropall", message=asked)
    await api.wait_until(lambda: bool(api.of("editMessageText", since=mark)))
    (edit,) = api.of("editMessageText", since=mark)
    assert shown(edit) == msg.unsubscribed_all(2)
    assert await store.subscriptions_of(chat) == []


async def test_a_topic_button_subscribes_and_updates_the_list_in_place(
    api: FakeBotApi, store: Store
) -> None:
    (topics,) = await api.say(ALICE, "/topics")
    mark = len(api.calls)
    api.press(ALICE, "sub:bhyt", message=topics)
    await api.wait_until(lambda: bool(api.of("editMessageText", since=mark)))
    (edit,) = api.of("editMessageText", since=mark)
    assert int(edit.params["message_id"]) == topics.result["message_id"]
    assert shown(edit).startswith(msg.subscribed(WARD_NAME, "Bảo hiểm y tế"))
    assert ("🔕 Bỏ nhận tin: Bảo hiểm y tế", "unsub:bhyt") in edit.buttons
    assert api.of("answerCallbackQuery", since=mark), "the button's spinner is stopped"
    assert api.sent(ALICE, since=mark) == []  # updated in place, nothing new
    (mine,) = await api.say(ALICE, "/mysubs")
    assert "• Bảo hiểm y tế" in shown(mine)


async def test_a_button_press_is_acted_on_when_stopping_its_spinner_fails(
    api: FakeBotApi, store: Store
) -> None:
    (topics,) = await api.say(ALICE, "/topics")
    api.fail("answerCallbackQuery", 502, description="Bad Gateway")  # a moment of outage
    mark = len(api.calls)
    api.press(ALICE, "sub:bhyt", message=topics)
    await api.wait_until(lambda: bool(api.of("editMessageText", since=mark)))
    (edit,) = api.of("editMessageText", since=mark)
    assert shown(edit).startswith(msg.subscribed(WARD_NAME, "Bảo hiểm y tế"))  # not the apology
    assert await store.subscriptions_of(ChatRef("telegram", str(ALICE))) == ["bhyt"]


async def test_a_list_that_cannot_be_updated_for_a_moment_is_sent_anew(
    api: FakeBotApi, store: Store
) -> None:
    (topics,) = await api.say(ALICE, "/topics")
    api.fail("editMessageText", 502, description="Bad Gateway")
    mark = len(api.calls)
    api.press(ALICE, "sub:bhyt", message=topics)
    (sent,) = await api.replies(ALICE, since=mark)
    assert shown(sent).startswith(msg.subscribed(WARD_NAME, "Bảo hiểm y tế"))  # not the apology
    assert ("🔕 Bỏ nhận tin: Bảo hiểm y tế", "unsub:bhyt") in sent.buttons


async def test_a_related_question_button_opens_that_answer(api: FakeBotApi, store: Store) -> None:
    (answer,) = await api.say(ALICE, "dang ky tam tru can giay to gi")
    label, data = answer.buttons[0]
    assert data.startswith("faq:")
    mark = len(api.calls)
    api.press(ALICE, data, message=answer)
    (opened,) = await api.replies(ALICE, since=mark)
    assert shown(opened).startswith(label.rstrip("…"))
    assert "<b>" in opened.text  # the question is the bold title


async def test_a_command_corrected_by_editing_the_message_is_done(
    api: FakeBotApi, store: Store
) -> None:
    mark = len(api.calls)
    typo = api.send_text(ALICE, "/dangky bhyt")  # not a command: no guess made
    (unknown,) = await api.replies(ALICE, since=mark)
    assert shown(unknown) == msg.unknown_command("/dangky")
    mark = len(api.calls)
    api.edit_text(typo, "/subscribe bhyt")  # fixed in place, as Telegram lets one do
    (done,) = await api.replies(ALICE, since=mark)
    assert shown(done).startswith(msg.subscribed(WARD_NAME, "Bảo hiểm y tế"))
    assert await store.subscriptions_of(ChatRef("telegram", str(ALICE))) == ["bhyt"]


async def test_a_message_answered_hours_after_it_was_sent_gets_an_apology_first(
    api: FakeBotApi, ward_engine: Engine, ward_settings: Settings
) -> None:
    """The bot was down; Telegram kept what residents wrote meanwhile and hands it over at
    the start. An answer hours late comes after a line saying when the message was sent,
    once for the messages kept together; one on time, or to a message edited just now
    (however old its first wording), without."""
    late = [0.0]  # how long after Telegram's clock the bot reads a message
    wall_clock = lambda: time.time() + late[0]  # noqa: E731
    async with polling_channel(api, ward_engine, ward_settings, wall_clock=wall_clock):
        mark = len(api.calls)
        api.send_text(ALICE, "dang ky tam tru can giay to gi")
        (on_time,) = await api.replies(ALICE, since=mark)
        assert shown(on_time).startswith("Đăng ký tạm trú cần giấy tờ gì?")
        late[0] = 3 * 3600.0
        mark = len(api.calls)
        kept = api.send_text(ALICE, "dang ky tam tru can giay to gi")
        apology, answer = await api.replies(ALICE, 2, since=mark)
        sent_at = dt.datetime.fromtimestamp(kept["message"]["date"], VIETNAM)
        assert shown(apology) == msg.late_answer(sent_at.replace(tzinfo=None))
        assert shown(answer).startswith("Đăng ký tạm trú cần giấy tờ gì?")
        # Another message kept through the same outage: the apology said it, not again.
        mark = len(api.calls)
        api.send_text(ALICE, "/help")
        (helped,) = await api.replies(ALICE, since=mark)
        assert shown(helped).startswith("Cách hỏi")
        # Edited now, a message of hours ago is answered as new: no apology.
        mark = len(api.calls)
        old = {"message": {**kept["message"], "date": int(time.time() - late[0])}}
        late[0] = 0.0
        api.edit_text(old, "/help")
        (helped,) = await api.replies(ALICE, since=mark)
        assert shown(helped).startswith("Cách hỏi")


@pytest.mark.parametrize("typed", ["2", "số 2 ạ", "chọn 2"])
async def test_a_number_typed_under_buttons_presses_the_button_in_that_place(
    api: FakeBotApi, store: Store, typed: str
) -> None:
    (answer,) = await api.say(ALICE, "mat the bhyt thi lam sao")
    label, _ = answer.buttons[1]
    (opened,) = await api.say(ALICE, typed)
    assert shown(opened).startswith(label.rstrip("…"))
    assert "Nguồn: Hỏi đáp thủ tục" in shown(opened)


async def test_a_number_past_the_buttons_points_to_them_and_shows_them_again(
    api: FakeBotApi, store: Store
) -> None:
    (answer,) = await api.say(ALICE, "dang ky tam tru can giay to gi")
    (hint,) = await api.say(ALICE, "9")
    assert shown(hint) == msg.number_not_a_button("9")
    # The buttons a number picks: all but "🙁 Chưa đúng ý", which is never numbered.
    assert answer.buttons[-1][0] == msg.WRONG_BUTTON
    assert hint.buttons == answer.buttons[:-1]
    (unanswered,) = await api.say(ALICE, "giá vàng hôm nay bao nhiêu")  # no choices of its own
    assert unanswered.buttons == []
    (opened,) = await api.say(ALICE, "1")  # the buttons on screen still count
    assert shown(opened).startswith(answer.buttons[0][0].rstrip("…"))


async def test_an_alert_arriving_while_an_answer_is_on_its_way_comes_after_it(
    api: FakeBotApi, ward_engine: Engine, ward_settings: Settings
) -> None:
    """An alert is pushed to Alice while the answer to her question is still on its way
    (Telegram slow for a moment). Before, the two went out side by side: a number typed
    next picked from one of the two lists only (the alert's "📄 Xem toàn văn", third on
    screen, was "not among the choices", or the answer's second was). Now the alert
    waits for the answer, as on Zalo: it comes after it, and its button is numbered on
    from the answer's."""
    notice = ward_engine.corpus.document("2024-07-15-dieu-chinh-muc-dong-bhyt")
    assert isinstance(notice, Announcement)
    async with polling_channel(api, ward_engine, ward_settings) as (channel, _):
        gate = api.pause("sendMessage", ALICE)
        mark = len(api.calls)
        api.send_text(ALICE, "mất thẻ bhyt")
        await api.wait_until(lambda: len(api.paused) == 1)
        alert = asyncio.create_task(channel.deliver(str(ALICE), [alert_reply(notice)]))
        # The alert on its way too, or waiting for the chat's turn.
        turn = channel.answerer.locks._locks
        for _ in range(3000):
            if len(api.paused) == 2 or turn.get(str(ALICE), (None, 0))[1] == 2:
                break
            await asyncio.sleep(0.01)
        gate.set()
        await alert
        answer, pushed = await api.replies(ALICE, since=mark, count=2)
        assert shown(answer).startswith("Mất thẻ bảo hiểm y tế")
        assert notice.title in shown(pushed)
        listed = [data for _, data in answer.buttons if not data.startswith("wrong:")]
        assert len(listed) >= 2 and pushed.buttons == [(msg.FULL_TEXT_BUTTON, f"full:{notice.id}")]
        (whole,) = await api.say(ALICE, str(len(listed) + 1))  # numbered on: the alert's button
        assert shown(whole).startswith(notice.title)


async def test_a_number_under_an_alert_opens_it(
    api: FakeBotApi, ward_engine: Engine, ward_settings: Settings
) -> None:
    notice = ward_engine.corpus.document("2024-07-15-dieu-chinh-muc-dong-bhyt")
    assert isinstance(notice, Announcement)
    async with polling_channel(api, ward_engine, ward_settings) as (channel, _):
        await channel.deliver(str(ALICE), [alert_reply(notice)])
        replies = await api.say(ALICE, "1")
        assert "Đoạn 7" in "\n".join(shown(reply) for reply in replies)


# --- questions ----------------------------------------------------------------------------


async def test_an_unaccented_question_gets_its_answer(api: FakeBotApi, store: Store) -> None:
    mark = len(api.calls)
    (reply,) = await api.say(ALICE, "muc dong bhyt ho gia dinh la bao nhieu")
    assert reply.text.startswith("<b>Mức đóng bảo hiểm y tế hộ gia đình là bao nhiêu?</b>")
    assert "Nguồn: Hỏi đáp thủ tục của UBND Phường 2" in shown(reply)
    assert '<a href="https://baohiemxahoi.gov.vn/bhyt?a=1&amp;b=2">Xem thêm</a>' in reply.text
    actions = [c.method for c in api.calls[mark:] if c.method != "getUpdates"]
    assert actions == ["sendChatAction", "sendMessage"]  # typing first, then the answer


async def test_an_out_of_scope_question_apologises_and_gives_the_hotline(
    api: FakeBotApi, store: Store
) -> None:
    (reply,) = await api.say(ALICE, "giá vàng hôm nay bao nhiêu")
    assert shown(reply).startswith("Dạ, em xin lỗi, hiện em chưa có thông tin về câu hỏi này ạ.")
    assert "0276 3822 123" in shown(reply)


async def test_a_5000_character_message_is_declined_in_one_short_message(
    api: FakeBotApi, store: Store
) -> None:
    (reply,) = await api.say(
        ALICE, ("Tôi muốn hỏi về thủ tục cấp lại thẻ bảo hiểm y tế. " * 100)[:5000]
    )
    assert shown(reply) == msg.too_long(1500)


async def test_a_long_answer_is_split_between_paragraphs(api: FakeBotApi, store: Store) -> None:
    replies = await api.say(ALICE, "quy trình một cửa gồm những bước nào", count=3)
    assert len(replies) >= 3
    for part in replies:
        assert utf16_len(shown(part)) < 4096 and utf16_len(part.text) < 4096
        assert "\n\n" not in shown(part)[-2:]
    assert shown(replies[0]).startswith("Quy trình giải quyết hồ sơ tại bộ phận một cửa")
    for part in replies[1:]:
        assert shown(part).startswith("Bước ")  # each part starts a paragraph
    assert not any(part.buttons for part in replies[:-1])  # buttons go under the last part
    assert "Nguồn:" in shown(replies[-1])


LONG_TITLE = (
    "Thông báo về việc tổ chức lấy ý kiến nhân dân về dự thảo điều chỉnh quy hoạch chi tiết "
    "xây dựng tỷ lệ 1/500 khu dân cư và tái định cư phục vụ dự án mở rộng tuyến đường liên "
    "phường đoạn từ cầu Sa Đéc đến nút giao Quốc lộ 80, bao gồm các khu phố 1, 2, 3, 4, 5 và "
    "6 cùng các hộ dân bị ảnh hưởng bởi dự án trên địa bàn phường (đợt 2 năm 2024)"
)


def test_a_long_title_is_shown_whole_and_a_pasted_paragraph_cut_at_a_word() -> None:
    (whole,) = render_html(Reply("Nội dung.", title=LONG_TITLE))
    assert visible_text(whole).startswith(f"{LONG_TITLE}\n\nNội dung.")
    pasted = " ".join([LONG_TITLE] * 3)
    (cut,) = render_html(Reply("Nội dung.", title=pasted))
    title = visible_text(cut).split("\n\n", 1)[0]
    assert len(title) <= 600 and title.endswith("…")
    assert pasted.startswith(title[:-1]) and pasted[len(title) - 1] == " "


def test_an_answer_with_many_long_links_is_sent_in_parts_telegram_accepts() -> None:
    # Staff may list many links under an answer (a portal's long addresses): more than
    # one message holds.
    base = "https://dichvucong.gov.vn/p/home/dvc-chi-tiet-thu-tuc-hanh-chinh.html?ma_thu_tuc="
    links = tuple(Link(f"Thủ tục {n}", f"{base}{n:04d}&{'x' * 60}") for n in range(40))
    parts = render_html(Reply("Nội dung trả lời.", title="Tiêu đề", footer="Nguồn", links=links))
    assert len(parts) > 1
    assert all(utf16_len(part) <= 4000 for part in parts)
    whole = "\n".join(visible_text(part) for part in parts)  # each part parses alone
    assert whole.startswith("Tiêu đề\n\nNội dung trả lời.")
    assert all(f"Thủ tục {n}" in whole for n in range(40))


async def test_html_like_text_is_escaped(api: FakeBotApi, store: Store) -> None:
    (reply,) = await api.say(ALICE, "dang ky tam tru can giay to gi")
    assert "Lưu ý: <b>không</b> cần bản sao sổ hộ khẩu & giấy tờ cũ." in shown(reply)
    assert "&lt;b&gt;không&lt;/b&gt;" in reply.text
    (odd,) = await api.say(ALICE, "<b>giá vàng</b> & <script>alert(1)</script>")
    assert shown(odd).startswith("Dạ, em xin lỗi")
    assert all(call.status == 200 for call in api.of("sendMessage"))


async def test_a_sticker_gets_a_polite_request_to_type(api: FakeBotApi, store: Store) -> None:
    mark = len(api.calls)
    api.send_sticker(ALICE)  # 👍 with nothing answered: nothing to thank for
    (reply,) = await api.replies(ALICE, since=mark)
    assert shown(reply) == msg.please_type(EXAMPLE)


async def test_a_thumbs_up_sticker_right_after_an_answer_is_thanks(
    api: FakeBotApi, store: Store
) -> None:
    """Telegram says which emoji a sticker stands for: 👍 under an answer thanks for it,
    as "👍" typed does, once (another under the same answer gets nothing); a sticker
    standing for no emoji thanks for the next answer too, never asked to type."""
    (answer,) = await api.say(ALICE, "mất thẻ bhyt thì làm sao")
    assert shown(answer).startswith("Mất thẻ bảo hiểm y tế thì làm sao?")
    mark = len(api.calls)
    api.send_sticker(ALICE)
    (thanked,) = await api.replies(ALICE, since=mark)
    assert shown(thanked) == msg.liked()
    mark = len(api.calls)
    api.send_sticker(ALICE)
    await api.say(ALICE, "đăng ký tạm trú cần giấy tờ gì")
    (again,) = api.sent(ALICE, since=mark)  # the answer alone
    assert shown(again).startswith("Đăng ký tạm trú")
    mark = len(api.calls)
    api.send_sticker(ALICE, emoji=None)
    (plain,) = await api.replies(ALICE, since=mark)
    assert shown(plain) == msg.liked()


async def test_a_voice_message_gets_the_hotline_with_the_request_to_type(
    api: FakeBotApi, store: Store
) -> None:
    """Who sends a voice message may find typing hard: the hotline comes too."""
    mark = len(api.calls)
    api.send_voice(ALICE)
    (reply,) = await api.replies(ALICE, since=mark)
    assert shown(reply) == msg.voice_unheard("UBND Phường 2", "0276 3822 123", relayed=False)
    assert "0276 3822 123" in shown(reply)


async def test_an_album_gets_one_answer_not_one_per_photo(api: FakeBotApi, store: Store) -> None:
    """Residents send photos of papers several at once (an album: a message each). Before,
    each photo got the request to type (three photos: three times the same message), and
    under an album with a question typed under its first photo, the others asked to type
    the question just answered. Now an album gets one request, or the answer alone."""
    mark = len(api.calls)
    for _ in range(3):
        api.send_photo(ALICE, album="cccd")
    api.send_photo(ALICE, "đăng ký tạm trú cần giấy tờ gì", album="giay-to")
    api.send_photo(ALICE, album="giay-to")
    api.send_text(ALICE, "/help")  # the chat's messages are answered in order
    said = lambda: [shown(call) for call in api.sent(ALICE, since=mark)]  # noqa: E731
    await api.wait_until(lambda: any("Cách hỏi:" in text for text in said()))
    assert said()[:2] == [msg.please_type(EXAMPLE), msg.attachment_unread()]
    assert said()[2].startswith("Đăng ký tạm trú cần giấy tờ gì?")
    assert len(said()) == 4


@pytest.mark.parametrize(
    "content",
    [
        {"dice": {"emoji": "🎲", "value": 3}},
        {"story": {"chat": {"id": -100777, "type": "channel", "title": "Phường 2"}, "id": 9}},
    ],
)
async def test_a_dice_or_a_shared_story_gets_a_polite_request_to_type(
    api: FakeBotApi, store: Store, content: dict[str, Any]
) -> None:
    """A message with nothing to read that is neither a sticker nor a file (a dice, a
    story shared from the ward's channel): before, silence, as if the bot were down; now
    the same request to type as for a sticker."""
    mark = len(api.calls)
    api.send_content(ALICE, **content)
    (reply,) = await api.replies(ALICE, since=mark)
    assert shown(reply) == msg.please_type(EXAMPLE)


async def test_a_photo_with_a_question_typed_under_it_gets_the_answer(
    api: FakeBotApi, store: Store
) -> None:
    mark = len(api.calls)
    api.send_photo(ALICE, "mất thẻ bhyt thì làm sao")
    note, reply = await api.replies(ALICE, 2, since=mark)
    assert shown(note) == msg.attachment_unread()  # the photo itself is not seen
    assert shown(reply).startswith("Mất thẻ bảo hiểm y tế thì làm sao?")
    mark = len(api.calls)
    api.send_photo(ALICE)  # nothing typed: asked to type
    (bare,) = await api.replies(ALICE, since=mark)
    assert shown(bare) == msg.please_type(EXAMPLE)
    mark = len(api.calls)
    api.send_photo(GROUP, "ảnh đẹp quá", group=True)  # for the group, not the bot
    photo = api.send_photo(GROUP, "@phuong2_test_bot gia han the bhyt o dau", group=True)
    note, answer = await api.replies(GROUP, 2, since=mark)
    assert note.params["reply_parameters"]["message_id"] == photo["message"]["message_id"]
    assert shown(answer).startswith("Gia hạn thẻ bảo hiểm y tế")


# --- groups -------------------------------------------------------------------------------


async def test_in_a_group_only_messages_for_the_bot_are_answered(
    api: FakeBotApi, store: Store
) -> None:
    mark = len(api.calls)
    api.send_text(GROUP, "mọi người ơi mai họp tổ dân phố nhé", group=True)
    api.send_text(GROUP, "/latest@other_bot", group=True)
    api.send_sticker(GROUP, group=True)
    mention = api.send_text(GROUP, "@phuong2_test_bot mất thẻ bhyt thì làm sao", group=True)
    (reply,) = await api.replies(GROUP, since=mark)
    assert shown(reply).startswith("Mất thẻ bảo hiểm y tế thì làm sao?")
    assert reply.params["reply_parameters"]["message_id"] == mention["message"]["message_id"]
    mark = len(api.calls)
    (answer,) = await api.say(GROUP, "gia han the bhyt o dau", group=True, reply_to_bot=True)
    assert shown(answer).startswith("Gia hạn thẻ bảo hiểm y tế")
    (helped,) = await api.say(GROUP, "/help", group=True)
    assert shown(helped).startswith("Cách hỏi")
    assert len(api.sent(GROUP, since=mark)) == 2  # nothing for the chatter or the other bot
    # A command this bot does not have, addressed to it by name: a hint, not silence.
    (hint,) = await api.say(GROUP, "/giavang@phuong2_test_bot", group=True)
    assert shown(hint) == msg.unknown_command("/giavang")


async def test_in_a_group_which_procedure_is_answered_in_a_reply_to_it(
    api: FakeBotApi, store: Store
) -> None:
    """A member's question naming no procedure is asked which one: in a group, where the
    bot reads only what mentions it or replies to it, the member is told to reply to that
    message (a plain "đăng ký tạm trú" there is not for the bot); the reply names it."""
    mark = len(api.calls)
    api.send_text(GROUP, "@phuong2_test_bot cần giấy tờ gì ạ", group=True, user_id=77)
    (which,) = await api.replies(GROUP, since=mark)
    assert shown(which) == msg.which_procedure(("papers",), group=True)
    assert "trả lời tin nhắn này" in shown(which)
    mark = len(api.calls)
    api.send_text(GROUP, "đăng ký tạm trú", group=True, user_id=77)
    api.send_text(GROUP, "đăng ký tạm trú", group=True, user_id=77, reply_to=which)
    (fee,) = await api.replies(GROUP, since=mark)
    assert shown(fee).startswith("Đăng ký tạm trú cần giấy tờ gì?")
    assert len(api.sent(GROUP, since=mark)) == 1  # nothing for the plain message


async def test_in_a_group_with_topics_answers_stay_in_the_topic_asked_in(
    api: FakeBotApi, store: Store
) -> None:
    forum = -1005550001
    api.staff_group(forum, title="Cư dân khu phố 3")  # a residents' group with topics
    thread = api.staff_topic(forum, "Hỏi đáp thủ tục", user_id=77)
    mark = len(api.calls)
    question = "@phuong2_test_bot dang ky tam tru can giay to gi"
    api.send_text(forum, question, group=True, user_id=77, thread_id=thread)
    (answer,) = await api.replies(forum, since=mark)
    assert answer.result["message_thread_id"] == thread
    label, data = answer.buttons[0]
    mark = len(api.calls)
    api.press(forum, data, message=answer, group=True, user_id=77)
    (opened,) = await api.replies(forum, since=mark)
    assert shown(opened).startswith(label.rstrip("…"))
    assert opened.result.get("message_thread_id") == thread  # not the General topic
    mark = len(api.calls)
    api.send_photo(forum, group=True, reply_to=answer)  # no question typed under it
    (please,) = await api.replies(forum, since=mark)
    assert shown(please) == msg.please_type(EXAMPLE)
    assert please.result.get("message_thread_id") == thread


async def test_in_a_group_with_topics_every_message_of_an_answer_stays_in_the_topic(
    api: FakeBotApi, store: Store
) -> None:
    """An answer in more than one message, in a topic of a residents' group: /start (the
    greeting, then the topics), a question typed under a photo (the note that photos go
    unseen, then the answer). Before, only the first message (quoting the question) was
    in the topic; the rest went to the General topic, away from who asked. Now all of it
    stays in the topic."""
    forum = -1005550001
    api.staff_group(forum, title="Cư dân khu phố 3")
    thread = api.staff_topic(forum, "Hỏi đáp thủ tục", user_id=77)
    mark = len(api.calls)
    api.send_text(forum, "/start@phuong2_test_bot", group=True, user_id=77, thread_id=thread)
    greeting, topics = await api.replies(forum, since=mark, count=2)
    assert [greeting.thread_id, topics.thread_id] == [thread, thread]
    mark = len(api.calls)
    question = "@phuong2_test_bot đăng ký tạm trú cần giấy tờ gì"
    api.send_photo(forum, question, group=True, reply_to=greeting)
    note, answer = await api.replies(forum, since=mark, count=2)
    assert shown(note).startswith("Dạ, em chưa xem được ảnh")
    assert [note.thread_id, answer.thread_id] == [thread, thread]


# --- persistence, failures ------------------------------------------------------------------


async def test_subscriptions_survive_a_restart(
    api: FakeBotApi, ward_engine: Engine, ward_settings: Settings
) -> None:
    async with running_bot(api, ward_engine, ward_settings):
        await api.say(BINH, "/subscribe cư trú")
        await api.say(BINH, "theo dõi tin học bổng")
    async with running_bot(
        api, ward_engine, ward_settings
    ):  # a new Application, the store reopened
        (mine,) = await api.say(BINH, "/mysubs")
    assert "• Học bổng và khuyến học\n• Cư trú" in shown(mine)


async def test_flood_control_is_waited_out(
    api: FakeBotApi, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # PTB 22 warns when it builds RetryAfter unless it may use timedelta already.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    api.fail("sendMessage", 429, retry_after=1)
    (reply,) = await api.say(ALICE, "mất thẻ bhyt", within=10)
    assert shown(reply).startswith("Mất thẻ bảo hiểm y tế")
    assert [c.status for c in api.of("sendMessage")] == [429, 200]


async def test_an_update_this_version_cannot_read_does_not_stop_the_bot(
    api: FakeBotApi, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    """Telegram sends an update python-telegram-bot cannot read (here a poll without a
    field this version requires; a kind of content newer than it, say). Before, getUpdates
    asked for that update again and again: no resident was answered any more, while
    /healthz still said Telegram was fine. Now it is skipped, said in the log, and the
    next question is answered."""
    poll = {"id": "1", "question": "Họp tổ?", "total_voter_count": 0, "is_closed": False}
    poll |= {"options": [{"text": "Có", "voter_count": 0}], "is_anonymous": True}
    api.send_content(ALICE, poll={**poll, "type": "regular", "allows_multiple_answers": False})
    (reply,) = await api.say(ALICE, "mất thẻ bhyt", within=10)
    assert shown(reply).startswith("Mất thẻ bảo hiểm y tế")
    assert "cannot be read" in caplog.text


async def test_a_burst_of_5xx_still_gets_the_question_answered_once(
    api: FakeBotApi, ward_engine: Engine, ward_settings: Settings
) -> None:
    async with polling_channel(api, ward_engine, ward_settings, reply_retry=QUICK):
        api.fail("sendMessage", 502, times=2, description="Bad Gateway")
        (reply,) = await api.say(ALICE, "mất thẻ bhyt")
        assert shown(reply).startswith("Mất thẻ bảo hiểm y tế")
        (later,) = await api.say(ALICE, "/help")  # nothing else came in between
        assert "Cách hỏi:" in shown(later)
        assert [c.status for c in api.of("sendMessage")] == [502, 502, 200, 200]


@pytest.mark.parametrize("status", [400, 403])
async def test_a_refused_reply_is_not_retried(
    api: FakeBotApi, ward_engine: Engine, ward_settings: Settings, status: int
) -> None:
    async with polling_channel(api, ward_engine, ward_settings, reply_retry=QUICK):
        # A 400 gets the polite error message instead; a 403: the resident blocked the bot.
        expected = [400, 200] if status == 400 else [403]
        to_alice = lambda: [c.status for c in api.of("sendMessage") if c.chat_id == ALICE]  # noqa: E731
        api.fail("sendMessage", status)
        api.send_text(ALICE, "mất thẻ bhyt")
        await api.wait_until(lambda: len(to_alice()) == len(expected))
        (reply,) = await api.say(BINH, "mất thẻ bhyt")  # a retry would have come by now
        assert shown(reply).startswith("Mất thẻ bảo hiểm y tế")
        assert to_alice() == expected


async def test_a_resident_who_blocked_the_bot_does_not_stop_it(
    api: FakeBotApi, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="handlers.base")
    api.block(ALICE)
    mark = len(api.calls)
    api.send_text(ALICE, "mất thẻ bhyt")
    await api.wait_until(lambda: any(c.status == 403 for c in api.calls[mark:]))
    (reply,) = await api.say(BINH, "mất thẻ bhyt")
    assert shown(reply).startswith("Mất thẻ bảo hiểm y tế")
    # Said in the log once the refusal is handled, which may come after Binh's answer.
    for _ in range(400):
        if "blocked the bot" in caplog.text:
            break
        await asyncio.sleep(0.05)
    assert "blocked the bot" in caplog.text


async def test_an_internal_error_is_logged_and_answered_politely(
    api: FakeBotApi, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    await store.close()  # the database goes away under the bot
    (reply,) = await api.say(ALICE, "/mysubs")
    assert shown(reply) == msg.error("UBND Phường 2", "0276 3822 123")
    assert "failed to handle an update" in caplog.text
