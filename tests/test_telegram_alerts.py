"""Alerts on Telegram end to end: `bot.py run` against the fake Bot API, with the real
watcher, outbox and sender; and how Telegram's errors reach the sender."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import shutil
import sqlite3
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from chat_ward import WARD_NAME
from fakes.telegram_api import FakeBotApi, visible_text
from test_telegram_app import bot_settings, running_app

from wardbot import messages as msg
from wardbot.config import Settings
from wardbot.conversation import Conversation
from wardbot.delivery import (
    REPLY_RETRY,
    ChatUnreachable,
    PermanentError,
    RetryLater,
    TransientError,
)
from wardbot.engine import Engine
from wardbot.outbox import MAX_BACKOFF, Composer, Sender
from wardbot.reply import Reply
from wardbot.store import ChatRef, Store

ADMIN_ID = 4242
CHAT = ChatRef("telegram", "901")


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake


@pytest.fixture
def own_ward(ward_files: Path, ward_settings: Settings, tmp_path: Path) -> Settings:
    """The chat ward copied, so this test may add notices and break faq.yaml."""
    root = tmp_path / "ward"
    shutil.copytree(ward_files, root)
    return replace(ward_settings, faq_file=root / "faq.yaml", content_dir=root / "content")


def notice(content: Path, slug: str, title: str, topics: str) -> str:
    day = dt.date.today().isoformat()
    (content / f"{day}-{slug}.md").write_text(
        f"---\ntitle: {title}\ndate: {day}\ntopics: [{topics}]\n---\n"
        "Từ tuần sau, người dân mang theo căn cước đến nhà văn hóa khu phố.\n",
        encoding="utf-8",
    )
    return f"{day}-{slug}"


async def test_a_notice_dropped_into_content_reaches_its_telegram_subscribers(
    api: FakeBotApi, own_ward: Settings
) -> None:
    settings = bot_settings(own_ward, api, admin_ids=frozenset({f"telegram:{ADMIN_ID}"}))
    async with running_app(settings):
        await api.say(501, "/subscribe bhyt")
        await api.say(502, "/subscribe hoc-bong")
        mark = len(api.calls)
        notice(settings.content_dir, "cap-the-bhyt", "Cấp thẻ BHYT cho người cao tuổi", "bhyt")
        (alert,) = await api.replies(501, since=mark, within=10)
        text = visible_text(alert.text)
        assert "Thông báo mới: Cấp thẻ BHYT cho người cao tuổi" in text
        assert "căn cước" in text
        ((label, action),) = alert.buttons
        assert label == msg.FULL_TEXT_BUTTON and action.startswith("full:")
        assert api.sent(502, since=mark) == []
        # The notice is searchable too, and tapping the button opens it.
        (answer,) = await api.say(503, "cấp thẻ bhyt cho người cao tuổi")
        assert "Cấp thẻ BHYT cho người cao tuổi" in visible_text(answer.text)

        # Staff break faq.yaml: the bot keeps answering and the admin is told where.
        faq = settings.faq_file
        faq.write_text(faq.read_text(encoding="utf-8") + "\n  - id: [oops\n", encoding="utf-8")
        (warning,) = await api.replies(ADMIN_ID, since=mark, within=10)
        assert f"{faq.name}:" in visible_text(warning.text) and str(faq) not in warning.text
        (still,) = await api.say(503, "mức đóng bhyt hộ gia đình")
        assert "Mức đóng bảo hiểm y tế hộ gia đình" in visible_text(still.text)


async def test_a_notice_whose_time_staff_change_is_corrected_on_telegram_once(
    api: FakeBotApi, own_ward: Settings
) -> None:
    settings = bot_settings(
        own_ward, api, admin_ids=frozenset({f"telegram:{ADMIN_ID}"}), ward_name="UBND xã Tân Hòa"
    )
    async with running_app(settings):
        await api.say(511, "/subscribe bhyt")
        mark = len(api.calls)
        slug = notice(settings.content_dir, "cap-the", "Cấp thẻ BHYT cho người cao tuổi", "bhyt")
        await api.replies(511, since=mark, within=10)
        path = settings.content_dir / f"{slug}.md"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("Từ tuần sau,", "Từ 8h ngày 5/12,"), encoding="utf-8")
        mark = len(api.calls)
        (correction,) = await api.replies(511, since=mark, within=10)
        shown = visible_text(correction.text)
        assert "✏️ Xã vừa sửa thông báo “Cấp thẻ BHYT cho người cao tuổi”" in shown
        assert "Từ 8h ngày 5/12, người dân mang theo căn cước" in shown
        ((label, action),) = correction.buttons
        assert label == msg.FULL_TEXT_BUTTON and action == f"full:{slug}"
        await api.say(511, "/mysubs")  # whatever was queued has had its turn
    assert len([c for c in api.sent(511) if "vừa sửa" in c.text]) == 1
    assert api.sent(ADMIN_ID) == []


async def test_a_notice_added_while_the_bot_was_down_goes_out_at_the_next_start(
    api: FakeBotApi, own_ward: Settings
) -> None:
    settings = bot_settings(own_ward, api)
    async with running_app(settings):
        await api.say(601, "đăng ký nhận tin học bổng")
    notice(settings.content_dir, "hoc-bong", "Trao học bổng khuyến học năm nay", "hoc-bong")
    mark = len(api.calls)
    async with running_app(replace(settings, http_port=bot_settings(settings, api).http_port)):
        (alert,) = await api.replies(601, since=mark, within=10)
        assert "Trao học bổng khuyến học năm nay" in visible_text(alert.text)
    async with running_app(replace(settings, http_port=bot_settings(settings, api).http_port)):
        await api.say(601, "/mysubs")
    assert len([c for c in api.sent(601) if "Trao học bổng" in c.text]) == 1


async def test_admin_commands_serve_admins_and_tell_others_their_id(
    api: FakeBotApi, own_ward: Settings
) -> None:
    settings = bot_settings(own_ward, api, admin_ids=frozenset({f"telegram:{ADMIN_ID}"}))
    async with running_app(settings):
        await api.say(701, "/subscribe bhyt")
        (refused,) = await api.say(702, "/stats")  # told their own id, for ADMIN_IDS
        assert visible_text(refused.text) == (
            "Dạ, lệnh này chỉ dành cho cán bộ quản trị của phường. Mã của anh/chị là "
            "telegram:702 — nếu anh/chị là cán bộ, nhờ người cài đặt bot thêm mã này vào "
            "ADMIN_IDS."
        )
        (stats,) = await api.say(ADMIN_ID, "/stats")
        assert "Bảo hiểm y tế: 1" in visible_text(stats.text)
        mark = len(api.calls)
        (review,) = await api.say(ADMIN_ID, "/broadcast bhyt Ngày 20/8 nghỉ tiếp dân buổi chiều.")
        assert "sẽ tới 1 người theo dõi" in visible_text(review.text)
        assert api.sent(701, since=mark) == []  # not before the admin sends it
        [(label, data), _] = review.buttons
        assert label == msg.broadcast_send_button(1)
        press = len(api.calls)
        api.press(ADMIN_ID, data, review)
        (queued,) = await api.replies(ADMIN_ID, since=press, within=10)
        assert "Đã xếp 1 tin" in visible_text(queued.text)
        (pushed,) = await api.replies(701, since=mark, within=10)
        # Who sends it and, as under an alert, how to stop: not the staff's words bare.
        assert visible_text(pushed.text) == (
            f"{msg.broadcast_title(WARD_NAME)}\n\nNgày 20/8 nghỉ tiếp dân buổi chiều.\n\n"
            f"{msg.ALERT_STOP}"
        )
        (refused,) = await api.say(702, "/broadcast all spam")
        assert visible_text(refused.text) == msg.admins_only(WARD_NAME, "telegram:702")


async def test_in_a_group_admin_commands_do_not_exist_and_only_staff_manage_alerts(
    api: FakeBotApi, own_ward: Settings
) -> None:
    group = -1009876543210
    settings = bot_settings(own_ward, api, admin_ids=frozenset({f"telegram:{ADMIN_ID}"}))
    async with running_app(settings):
        await api.say(701, "giá vàng hôm nay bao nhiêu")  # a resident's question, logged
        for text in ("@phuong2_test_bot /unanswered", "@phuong2_test_bot /stats"):
            (refused,) = await api.say(group, text, group=True, user_id=ADMIN_ID)
            assert visible_text(refused.text) == msg.unknown_command(text.split()[1])
        (subscribed,) = await api.say(group, "/subscribe bhyt", group=True, user_id=ADMIN_ID)
        assert visible_text(subscribed.text) == msg.subscribed(
            WARD_NAME, "Bảo hiểm y tế", group=True
        )
        for text in ("/unsubscribe all", "/forget", "@phuong2_test_bot hủy đăng ký nhận tin bhyt"):
            (refused,) = await api.say(group, text, group=True, user_id=702)
            assert visible_text(refused.text) == msg.group_staff_only(WARD_NAME)
        mark = len(api.calls)
        api.press(group, "unsub:bhyt", group=True, user_id=702)
        (refused,) = await api.replies(group, since=mark)
        assert visible_text(refused.text) == msg.group_staff_only(WARD_NAME)
        (mine,) = await api.say(group, "/mysubs", group=True, user_id=702)
        assert "Bảo hiểm y tế" in visible_text(mine.text)  # the group still follows it


async def test_a_chat_that_blocked_the_bot_while_it_was_down_is_unsubscribed_at_the_next_alert(
    api: FakeBotApi, own_ward: Settings
) -> None:
    """While the bot was stopped, a resident blocked it and a group removed it (Telegram's
    my_chat_member about the group waits for the next start, and says nothing of the
    resident). The next alert: each is tried once, Telegram refuses (blocked, kicked),
    and each is unsubscribed, for good; the others' alert goes out all the same, and a
    later start tries neither again."""
    group = -1009876543210
    settings = bot_settings(own_ward, api, admin_ids=frozenset({f"telegram:{ADMIN_ID}"}))
    async with running_app(settings):
        await api.say(701, "/subscribe bhyt")
        await api.say(702, "/subscribe bhyt")
        await api.say(group, "/subscribe bhyt", group=True, user_id=ADMIN_ID)
    api.block(701)
    api.remove_bot(group, by=ADMIN_ID)
    notice(settings.content_dir, "cap-the-bhyt", "Cấp thẻ BHYT cho người cao tuổi", "bhyt")
    mark = len(api.calls)
    again = replace(settings, http_port=bot_settings(settings, api).http_port)
    async with running_app(again):
        (alert,) = await api.replies(702, since=mark, within=10)
        assert "Cấp thẻ BHYT cho người cao tuổi" in visible_text(alert.text)
        await api.say(702, "/mysubs")  # whatever was queued has had its turn
    async with await Store.open(settings.data_dir / "bot.sqlite3") as store:
        assert await store.subscribers_of("bhyt") == [ChatRef("telegram", "702")]
    tried = [c for c in api.calls[mark:] if c.method == "sendMessage"]
    assert len([c for c in tried if c.chat_id in (701, group)]) == 2  # once each
    mark = len(api.calls)
    notice(settings.content_dir, "gia-han-bhyt", "Gia hạn thẻ BHYT năm nay", "bhyt")
    async with running_app(replace(settings, http_port=bot_settings(settings, api).http_port)):
        await api.replies(702, since=mark, within=10)
    assert {c.chat_id for c in api.calls[mark:] if c.method == "sendMessage"} == {702}


async def test_a_group_upgraded_to_a_supergroup_keeps_getting_its_alerts(
    api: FakeBotApi, own_ward: Settings
) -> None:
    """Upgrading a group to a supergroup gives it a new id, and Telegram refuses sends to
    the old one, naming the new one. The alert goes there at once, and so do later ones:
    the group's subscriptions moved with it."""
    old, new = -4012345678, -1004012345678
    settings = bot_settings(own_ward, api, admin_ids=frozenset({f"telegram:{ADMIN_ID}"}))
    async with running_app(settings):
        await api.say(old, "/subscribe bhyt", group=True, user_id=ADMIN_ID)
        api.migrate(old, new)
        mark = len(api.calls)
        notice(settings.content_dir, "cap-the-bhyt", "Cấp thẻ BHYT cho người cao tuổi", "bhyt")
        (first,) = await api.replies(new, since=mark, within=10)
        assert "Cấp thẻ BHYT cho người cao tuổi" in visible_text(first.text)
        mark = len(api.calls)
        notice(settings.content_dir, "gia-han-bhyt", "Gia hạn thẻ BHYT năm nay", "bhyt")
        (second,) = await api.replies(new, since=mark, within=10)
        assert "Gia hạn thẻ BHYT năm nay" in visible_text(second.text)
        (mine,) = await api.say(new, "/mysubs", group=True, user_id=ADMIN_ID)
        assert "Bảo hiểm y tế" in visible_text(mine.text)
    assert api.sent(old)[1:] == []  # nothing but the answer to /subscribe


async def test_a_group_upgraded_while_the_bot_was_stopped_gets_what_waited_there_once(
    api: FakeBotApi, own_ward: Settings
) -> None:
    """A group upgraded to a supergroup while the bot was stopped (Telegram's word of it
    never reached the bot), a notice published meanwhile: at the start its alert goes to
    the supergroup, once, its subscriptions with it; a restart sends nothing again."""
    old, new = -4012345681, -1004012345681
    settings = bot_settings(own_ward, api, admin_ids=frozenset({f"telegram:{ADMIN_ID}"}))
    async with running_app(settings):
        await api.say(old, "/subscribe bhyt", group=True, user_id=ADMIN_ID)
    api.migrate(old, new)
    notice(settings.content_dir, "cap-the-bhyt", "Cấp thẻ BHYT cho người cao tuổi", "bhyt")
    mark = len(api.calls)
    async with running_app(replace(settings, http_port=bot_settings(settings, api).http_port)):
        (alert,) = await api.replies(new, since=mark, within=10)
        assert "Cấp thẻ BHYT cho người cao tuổi" in visible_text(alert.text)
        (mine,) = await api.say(new, "/mysubs", group=True, user_id=ADMIN_ID)
        assert "Bảo hiểm y tế" in visible_text(mine.text)
    async with running_app(replace(settings, http_port=bot_settings(settings, api).http_port)):
        await api.say(new, "/mysubs", group=True, user_id=ADMIN_ID)
    sent = [c for c in api.sent(new, since=mark) if "Cấp thẻ BHYT" in visible_text(c.text)]
    assert len(sent) == 1
    assert [c for c in api.sent(old, since=mark) if c.status == 200] == []


async def test_a_group_the_bot_is_added_back_to_is_told_if_its_topics_stopped_meanwhile(
    api: FakeBotApi, own_ward: Settings
) -> None:
    """The bot removed from a group and added back: before, it said nothing, and staff
    waited for alerts that never came, the group's topics stopped by an alert refused
    while it was out. Now the group is told, when added back, to choose its topics again;
    added back before any alert was refused, it is told nothing and its alerts go on."""
    back, out = -1004012345682, -1004012345683
    settings = bot_settings(own_ward, api, admin_ids=frozenset({f"telegram:{ADMIN_ID}"}))
    async with running_app(settings):
        for group in (back, out):
            await api.say(group, "/subscribe bhyt", group=True, user_id=ADMIN_ID)
            api.remove_bot(group, by=ADMIN_ID)
        mark = len(api.calls)
        api.restore_bot(back, by=ADMIN_ID)
        notice(settings.content_dir, "cap-the-bhyt", "Cấp thẻ BHYT cho người cao tuổi", "bhyt")
        (alert,) = await api.replies(back, since=mark, within=10)
        assert "Cấp thẻ BHYT cho người cao tuổi" in visible_text(alert.text)
        refused = [(out, 403)]
        await api.wait_until(
            lambda: any(
                [(c.chat_id, c.status)] == refused for c in api.of("sendMessage", since=mark)
            )
        )

        api.restore_bot(out, by=ADMIN_ID)
        (told,) = await api.replies(out, since=mark)
        assert visible_text(told.text) == msg.group_back_unsubscribed(WARD_NAME)
        (mine,) = await api.say(out, "/subscribe bhyt", group=True, user_id=ADMIN_ID)
        assert visible_text(mine.text).startswith(
            msg.subscribed(WARD_NAME, "Bảo hiểm y tế", group=True)
        )
        await api.say(back, "/mysubs", group=True, user_id=ADMIN_ID)  # after its re-adding
    assert len(api.sent(back, since=mark)) == 2  # the alert and the answer to /mysubs


async def test_a_group_upgraded_to_a_supergroup_manages_its_topics_there_at_once(
    api: FakeBotApi, ward_engine: Engine, ward_settings: Settings
) -> None:
    """Telegram tells the bot of the upgrade: what the group follows moves to the new id
    then, not at the next alert. Staff see it in /mysubs there, and stopping it there stops
    it (no alert reaches the supergroup through the old id afterwards)."""
    from test_telegram import polling_channel

    old, new = -4012345679, -1004012345679
    settings = replace(ward_settings, admin_ids=frozenset({f"telegram:{ADMIN_ID}"}))
    async with polling_channel(api, ward_engine, settings) as (_, store):
        await api.say(old, "/subscribe bhyt", group=True, user_id=ADMIN_ID)
        api.upgrade(old, new, user_id=ADMIN_ID)
        (mine,) = await api.say(new, "/mysubs", group=True, user_id=ADMIN_ID)
        assert "Bảo hiểm y tế" in visible_text(mine.text)
        (stopped,) = await api.say(new, "/unsubscribe all", group=True, user_id=ADMIN_ID)
        assert visible_text(stopped.text) == msg.unsubscribed_all(1, "Bảo hiểm y tế")
        for chat_id in (old, new):
            assert await store.subscriptions_of(ChatRef("telegram", str(chat_id))) == []


@pytest.mark.parametrize("told", [True, False], ids=["bot-told-of-upgrade", "learnt-at-send"])
async def test_a_group_upgraded_after_its_alert_gets_the_correction_in_the_supergroup_once(
    api: FakeBotApi, own_ward: Settings, told: bool
) -> None:
    """The alert reached the group under its old id; the group was upgraded (Telegram told
    the bot, or the bot learns it when it next sends); staff then change the notice's
    time: the supergroup gets the correction, once."""
    old, new = -4012345680, -1004012345680
    settings = bot_settings(own_ward, api, admin_ids=frozenset({f"telegram:{ADMIN_ID}"}))
    async with running_app(settings):
        await api.say(old, "/subscribe bhyt", group=True, user_id=ADMIN_ID)
        mark = len(api.calls)
        slug = notice(settings.content_dir, "cap-the", "Cấp thẻ BHYT cho người cao tuổi", "bhyt")
        await api.replies(old, since=mark, within=10)
        if told:
            api.upgrade(old, new, user_id=ADMIN_ID)
            (mine,) = await api.say(new, "/mysubs", group=True, user_id=ADMIN_ID)
            assert "Bảo hiểm y tế" in visible_text(mine.text)
        else:
            api.migrate(old, new)
        path = settings.content_dir / f"{slug}.md"
        text = path.read_text(encoding="utf-8")
        mark = len(api.calls)
        path.write_text(text.replace("Từ tuần sau,", "Từ 8h ngày 5/12,"), encoding="utf-8")
        (correction,) = await api.replies(new, since=mark, within=10)
        assert "Từ 8h ngày 5/12" in visible_text(correction.text)
        await api.say(new, "/mysubs", group=True, user_id=ADMIN_ID)  # the queue had its turn
    assert len([c for c in api.sent(new) if "vừa sửa" in c.text]) == 1
    assert [c for c in api.sent(old) if "vừa sửa" in c.text] == []


# --- Telegram errors as the sender sees them -------------------------------------------


@pytest.fixture
async def channel(
    api: FakeBotApi, ward_engine: Engine, ward_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[object]:
    from handlers.telegram import TelegramChannel

    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    store = await Store.open(ward_settings.data_dir / "bot.sqlite3")
    telegram = TelegramChannel(
        bot_settings(ward_settings, api), Conversation(ward_engine, store, ward_settings)
    )
    await telegram.application.initialize()
    yield telegram
    await telegram.application.shutdown()
    await store.close()


async def test_delivery_errors_are_told_apart(api: FakeBotApi, channel: object) -> None:
    from handlers.telegram import TelegramChannel

    assert isinstance(channel, TelegramChannel)
    alert = [Reply("Nội dung", title="Thông báo")]
    await channel.deliver("801", alert)
    assert len(api.sent(801)) == 1

    api.block(802)
    with pytest.raises(ChatUnreachable):
        await channel.deliver("802", alert)
    # The rate limiter retries a 429 itself a few times; past that the sender waits.
    api.fail("sendMessage", 429, retry_after=1, times=10)
    with pytest.raises(RetryLater) as limited:
        await channel.deliver("803", alert)
    assert limited.value.seconds == 1
    api._failures.clear()
    api.fail("sendMessage", 400, description="Bad Request: chat not found")
    with pytest.raises(ChatUnreachable):
        await channel.deliver("804", alert)
    api.fail("sendMessage", 400, description="Bad Request: message text is empty")
    with pytest.raises(PermanentError):
        await channel.deliver("805", alert)
    api.fail("sendMessage", 502, description="Bad Gateway")
    with pytest.raises(TransientError):
        await channel.deliver("806", alert)


async def test_an_alert_answered_late_by_telegram_is_sent_once(
    api: FakeBotApi, ward_engine: Engine, ward_settings: Settings
) -> None:
    """Telegram answers after the usual wait (scaled down: 0.1 s here, 5 s in the bot): the
    alert path waits longer (30 s in the bot) instead of sending it again. Telegram's answer
    is held until a message sent after the alert, with the usual wait, has been given up
    on: no margin a busy machine could eat."""
    from telegram.error import TimedOut

    from handlers.telegram import TelegramChannel

    other = 806
    async with await Store.open(ward_settings.data_dir / "bot.sqlite3") as store:
        telegram = TelegramChannel(
            bot_settings(ward_settings, api),
            Conversation(ward_engine, store, ward_settings),
            read_timeout=0.1,
            alert_read_timeout=60.0,
        )
        await telegram.application.initialize()
        try:
            now = [time.time()]
            sender = Sender(
                store, telegram, Composer(lambda: ward_engine.corpus, store), clock=lambda: now[0]
            )
            await store.queue_message("Chiều nay cắt điện khu phố 3.", [CHAT], now[0])
            answers = [api.pause("sendMessage", int(CHAT.chat_id)), api.pause("sendMessage", other)]
            draining = asyncio.create_task(sender.drain())
            await api.wait_until(lambda: len(api.paused) == 1)
            with pytest.raises(TimedOut):  # the usual wait is over
                await telegram.application.bot.send_message(other, "Dạ.")
            for answer in answers:
                answer.set()
            await draining
            now[0] += MAX_BACKOFF  # any retry would be due by now
            await sender.drain()
            (sent,) = await api.replies(int(CHAT.chat_id))
            assert "cắt điện" in sent.text
            assert sender.stats.sent == 1 and sender.stats.retried == 0
            assert len(api.sent(int(CHAT.chat_id))) == 1
        finally:
            await telegram.application.shutdown()


async def test_a_long_alert_whose_second_part_fails_for_a_moment_arrives_once(
    api: FakeBotApi, ward_engine: Engine, ward_settings: Settings
) -> None:
    """A broadcast too long for one Telegram message goes out in two. When the second
    fails for a moment (a 502), it alone is sent again: the resident does not read the
    first half twice."""
    from handlers.telegram import TelegramChannel

    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async with await Store.open(ward_settings.data_dir / "bot.sqlite3") as store:
        telegram = TelegramChannel(
            bot_settings(ward_settings, api),
            Conversation(ward_engine, store, ward_settings),
            reply_retry=replace(REPLY_RETRY, sleep=sleep),
        )
        await telegram.application.initialize()
        try:
            now = [time.time()]
            sender = Sender(
                store, telegram, Composer(lambda: ward_engine.corpus, store), clock=lambda: now[0]
            )
            text = "\n\n".join(
                f"Mục {n}: " + "Lịch cắt điện khu phố trong tuần tới. " * 10 for n in range(12)
            )
            text = "\n\n".join(paragraph.strip() for paragraph in text.split("\n\n"))
            await store.queue_message(text, [CHAT], now[0])
            api.fail("sendMessage", 502, description="Bad Gateway", after=1)
            await sender.drain()
            now[0] += MAX_BACKOFF  # a retry of the whole broadcast would be due by now
            await sender.drain()
            sent = api.sent(int(CHAT.chat_id))
            assert len(sent) == 2
            assert "\n\n".join(call.text for call in sent) == f"{text}\n\n<i>{msg.ALERT_STOP}</i>"
            assert waits == [REPLY_RETRY.waits[0]]  # the second part, sent again at once
            assert sender.stats.sent == 1 and sender.stats.retried == 0
        finally:
            await telegram.application.shutdown()


async def test_forget_drops_the_count_of_parts_of_an_alert_sent_to_the_chat(
    api: FakeBotApi, ward_engine: Engine, ward_settings: Settings
) -> None:
    """A long alert's first part reached the resident, its second keeps failing: the bot
    remembers, in memory too, that one part went out. /forget deletes that memory with the
    rows: before, the count stayed in memory under the chat's id."""
    from handlers.telegram import TelegramChannel

    async def sleep(seconds: float) -> None:
        pass

    async with await Store.open(ward_settings.data_dir / "bot.sqlite3") as store:
        conversation = Conversation(ward_engine, store, ward_settings)
        telegram = TelegramChannel(
            bot_settings(ward_settings, api),
            conversation,
            reply_retry=replace(REPLY_RETRY, sleep=sleep),
        )
        await telegram.application.initialize()
        try:
            text = "\n\n".join(
                f"Mục {n}: " + "Lịch cắt điện khu phố trong tuần tới. " * 10 for n in range(12)
            )
            text = "\n\n".join(paragraph.strip() for paragraph in text.split("\n\n"))
            await store.queue_message(text, [CHAT], time.time())
            api.fail("sendMessage", 502, description="Bad Gateway", times=None, after=1)
            sender = Sender(store, telegram, Composer(lambda: ward_engine.corpus, store))
            await sender.drain()
            assert len(api.sent(int(CHAT.chat_id))) == 1  # its first part only
            sent = telegram.answerer.alert_parts._sent
            assert [key[0] for key in sent._last] == [CHAT.chat_id]  # type: ignore[index]
            await conversation.handle_text(CHAT, "/forget")
            assert len(sent) == 0
        finally:
            await telegram.application.shutdown()


async def test_a_group_upgraded_between_the_parts_of_a_long_alert_gets_the_rest_once(
    api: FakeBotApi, ward_engine: Engine, ward_settings: Settings
) -> None:
    """A broadcast too long for one message reaches a group in two; the group is upgraded
    to a supergroup after the first went out. Its members see the old group's messages in
    the supergroup: before, the whole broadcast went again under the new id, the first
    half twice. Now only the part not sent goes there, once."""
    from handlers.telegram import TelegramChannel

    old, new = -4012345690, -1004012345690
    group = ChatRef("telegram", str(old))
    text = "\n\n".join(
        f"Mục {n}: " + "Lịch cắt điện khu phố trong tuần tới. " * 10 for n in range(12)
    )
    async with await Store.open(ward_settings.data_dir / "bot.sqlite3") as store:
        telegram = TelegramChannel(
            bot_settings(ward_settings, api), Conversation(ward_engine, store, ward_settings)
        )
        await telegram.application.initialize()
        try:
            await store.subscribe(group, "bhyt")
            now = [time.time()]
            sender = Sender(
                store, telegram, Composer(lambda: ward_engine.corpus, store), clock=lambda: now[0]
            )
            await store.queue_message(text, [group], now[0])
            api.migrate(old, new, after=1)
            for _ in range(3):
                await sender.drain()
                now[0] += MAX_BACKOFF
            (first,) = [c for c in api.sent(old) if c.status == 200]
            (rest,) = api.sent(new)
            assert "Mục 0:" in first.text and "Mục 0:" not in rest.text
            assert "Mục 11:" in rest.text
            assert await store.subscriptions_of(ChatRef("telegram", str(new))) == ["bhyt"]
        finally:
            await telegram.application.shutdown()


async def test_a_long_alert_cut_off_by_a_crash_goes_on_from_the_part_not_sent(
    api: FakeBotApi, ward_engine: Engine, ward_settings: Settings
) -> None:
    """A broadcast too long for one Telegram message goes out in two; the bot is killed
    (a power cut, `docker kill`) after the first reached the resident, while the second is
    on its way. Before, the restarted bot sent the alert again from the first part: the
    resident read the first half twice. Now it goes on from the part not sent (as on
    Zalo), and nothing of it is kept once it is all out."""
    from handlers.telegram import TelegramChannel

    text = "\n\n".join(
        f"Mục {n}: " + "Lịch cắt điện khu phố trong tuần tới. " * 10 for n in range(12)
    )
    text = "\n\n".join(paragraph.strip() for paragraph in text.split("\n\n"))
    settings = bot_settings(ward_settings, api)
    async with await Store.open(ward_settings.data_dir / "bot.sqlite3") as store:
        conversation = Conversation(ward_engine, store, ward_settings)
        before = TelegramChannel(settings, conversation)
        await before.application.initialize()
        await store.queue_message(text, [CHAT], time.time())
        api.hold("sendMessage", int(CHAT.chat_id), after=1)  # the second part hangs
        sender = Sender(store, before, Composer(lambda: ward_engine.corpus, store))
        sending = asyncio.create_task(sender.drain())
        await api.wait_until(lambda: bool(api.held))
        sending.cancel()  # the crash: nothing after the first part is done or noted
        with contextlib.suppress(asyncio.CancelledError):
            await sending
        api.drop_held()
        assert len(api.sent(int(CHAT.chat_id))) == 1

        after = TelegramChannel(settings, Conversation(ward_engine, store, ward_settings))
        await after.application.initialize()
        try:
            assert await store.recover_outbox("telegram") == 1  # as the sender does at start
            sender = Sender(store, after, Composer(lambda: ward_engine.corpus, store))
            await sender.drain()
        finally:
            await after.application.shutdown()
            await before.application.shutdown()
        sent = api.sent(int(CHAT.chat_id))
        assert len(sent) == 2
        assert "\n\n".join(call.text for call in sent) == f"{text}\n\n<i>{msg.ALERT_STOP}</i>"
        assert sender.stats.sent == 1
    with sqlite3.connect(ward_settings.data_dir / "bot.sqlite3") as raw:
        assert raw.execute("SELECT count(*) FROM alert_parts").fetchone() == (0,)  # done


async def test_a_forum_group_gets_its_alerts_in_the_topic_it_subscribed_from(
    api: FakeBotApi, ward_engine: Engine, ward_settings: Settings
) -> None:
    """A residents' group with forum topics subscribes in its "Thông báo" topic. Before,
    its alerts went to General (and failed where General is closed); now they go to the
    topic. Telegram refusing the topic (deleted, or closed to the bot) sends that alert to
    General instead, once: it is never lost; a deleted topic is forgotten, a closed one
    (which staff may reopen) is tried again next time."""
    from test_telegram import polling_channel

    group = -1001234500001
    api.staff_group(group, title="Cư dân khu phố 3")
    topic = api.staff_topic(group, "Thông báo phường", user_id=ADMIN_ID)
    settings = replace(ward_settings, admin_ids=frozenset({f"telegram:{ADMIN_ID}"}))
    alert = [Reply("Nội dung", title="Thông báo mới")]
    async with polling_channel(api, ward_engine, settings) as (channel, store):
        (said,) = await api.say(
            group, "/subscribe bhyt", group=True, user_id=ADMIN_ID, thread_id=topic
        )
        assert said.thread_id == topic
        mark = len(api.calls)
        await channel.deliver(str(group), alert)
        (sent,) = api.sent(group, since=mark)
        assert sent.thread_id == topic

        # Closed to the bot: this alert goes to General; the next tries the topic again.
        api.fail("sendMessage", 400, description="Bad Request: TOPIC_CLOSED")
        mark = len(api.calls)
        await channel.deliver(str(group), alert)
        tried = [call for call in api.calls[mark:] if call.method == "sendMessage"]
        assert [call.thread_id for call in tried] == [topic, None]
        (sent,) = api.sent(group, since=mark)
        assert sent.thread_id is None and visible_text(sent.text) == "Thông báo mới\n\nNội dung"
        mark = len(api.calls)
        await channel.deliver(str(group), alert)
        assert [call.thread_id for call in api.sent(group, since=mark)] == [topic]

        # Deleted: this alert and the next go to General.
        api._drop_topic(group, topic)
        for _ in range(2):
            mark = len(api.calls)
            await channel.deliver(str(group), alert)
        tried = [call for call in api.calls[mark:] if call.method == "sendMessage"]
        assert [call.thread_id for call in tried] == [None]

        # /forget forgets the topic too; subscribing again from General: alerts go there.
        other = api.staff_topic(group, "Tin khu phố", user_id=ADMIN_ID)
        await api.say(group, "/subscribe hoc-bong", group=True, user_id=ADMIN_ID, thread_id=other)
        ref = ChatRef("telegram", str(group))
        assert await store.alerts_thread(ref) == other
        await api.say(group, "/forget", group=True, user_id=ADMIN_ID, thread_id=other)
        assert await store.alerts_thread(ref) is None
        await api.say(group, "/subscribe bhyt", group=True, user_id=ADMIN_ID)
        mark = len(api.calls)
        await channel.deliver(str(group), alert)
        assert [call.thread_id for call in api.sent(group, since=mark)] == [None]
        assert await store.subscriptions_of(ref) == ["bhyt"]

        # A topic button pressed in a topic: the alerts go there.
        third = api.staff_topic(group, "Bảo hiểm", user_id=ADMIN_ID)
        (shown,) = await api.say(group, "/mysubs", group=True, user_id=ADMIN_ID, thread_id=third)
        mark = len(api.calls)
        api.press(group, "sub:hoc-bong", shown, group=True, user_id=ADMIN_ID)
        (mine,) = await api.say(group, "/mysubs", group=True, user_id=ADMIN_ID, thread_id=third)
        assert "khuyến học" in visible_text(mine.text)  # the press was handled before it
        mark = len(api.calls)
        await channel.deliver(str(group), alert)
        assert [call.thread_id for call in api.sent(group, since=mark)] == [third]


async def test_an_alert_in_a_telegram_group_says_that_staff_stop_the_groups_alerts(
    api: FakeBotApi, channel: object
) -> None:
    """In a group only staff may stop its alerts (any other member typing /unsubscribe is
    told so). Before, an alert there told every member to type /unsubscribe; now its last
    line says that staff do (a group subscribed by an earlier version too); a private
    chat's still says to type it."""
    from handlers.telegram import TelegramChannel

    assert isinstance(channel, TelegramChannel)
    group = ChatRef("telegram", "-1001234500002", private=False)
    alert = [Reply("Nội dung", title="Thông báo mới", footer=msg.ALERT_STOP)]
    await channel.deliver(group.chat_id, alert)
    await channel.deliver("802", alert)
    (in_group,) = api.sent(int(group.chat_id))
    line = msg.alert_stop_in_group(channel.settings.ward_name, None, mention=False)
    assert line.startswith("Ngừng nhận tin cho nhóm: cán bộ ") and line.endswith(" gõ /unsubscribe")
    assert visible_text(in_group.text).endswith(line)
    assert msg.ALERT_STOP not in visible_text(in_group.text)
    (private,) = api.sent(802)
    assert visible_text(private.text).endswith(msg.ALERT_STOP)


async def test_a_reply_in_a_topic_closed_to_the_bot_goes_to_general_saying_why(
    api: FakeBotApi, ward_engine: Engine, ward_settings: Settings
) -> None:
    """The residents' group keeps its "Thông báo" topic closed, so that only its
    administrators write there, and the bot is no administrator. Staff subscribe the group
    from there, where they want its alerts. Before, Telegram refused the bot's reply into
    the closed topic and staff got nothing at all (an error in the log): they could not
    tell whether the group was subscribed. The reply now goes to General, first saying
    why it is there and what lets the bot write in closed topics."""
    from test_telegram import polling_channel

    group = -1001234500002
    api.staff_group(group, title="Cư dân khu phố 3")
    topic = api.staff_topic(group, "Thông báo phường", user_id=ADMIN_ID)
    settings = replace(ward_settings, admin_ids=frozenset({f"telegram:{ADMIN_ID}"}))
    async with polling_channel(api, ward_engine, settings) as (_, store):
        api.demote_bot(group, by=ADMIN_ID)
        api.staff_close_topic(group, topic, user_id=ADMIN_ID)
        mark = len(api.calls)
        note, said = await api.say(
            group, "/subscribe bhyt", 2, group=True, user_id=ADMIN_ID, thread_id=topic
        )
        assert note.thread_id is None and said.thread_id is None  # General
        assert visible_text(note.text) == msg.topic_closed_answered_here()
        assert visible_text(said.text).startswith("Dạ, đã đăng ký nhận tin")
        assert await store.subscriptions_of(ChatRef("telegram", str(group))) == ["bhyt"]
        refused = [c for c in api.calls[mark:] if c.method == "sendMessage" and c.status != 200]
        assert [c.thread_id for c in refused] == [topic]  # tried once there, not again

        # A question there is answered in General too, with the note once per reply.
        mark = len(api.calls)
        question = f"@{api.bot_user['username']} thẻ bảo hiểm y tế hết hạn thì gia hạn ở đâu"
        api.send_text(group, question, group=True, user_id=ADMIN_ID, thread_id=topic)
        (first, *rest) = await api.replies(group, 2, since=mark)
        assert visible_text(first.text) == msg.topic_closed_answered_here()
        assert rest and all(c.thread_id is None for c in (first, *rest))


async def test_a_reply_in_a_group_closed_everywhere_is_dropped_with_one_line_in_the_log(
    api: FakeBotApi,
    ward_engine: Engine,
    ward_settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A residents' group with forum topics, the bot a plain member, closes General and the
    topic a question was asked in. Before, each question there was tried in the topic, in
    General, then an apology in both, with an error and a traceback in the log every time.
    Now each reply is tried once in each place and dropped, no apology attempted, one
    warning for the group; once General is open again, questions are answered there."""
    from test_telegram import polling_channel

    group = -1001234500005
    api.staff_group(group, title="Cư dân khu phố 3")
    topic = api.staff_topic(group, "Hỏi đáp", user_id=ADMIN_ID)
    question = f"@{api.bot_user['username']} thẻ bảo hiểm y tế hết hạn thì gia hạn ở đâu"
    async with polling_channel(api, ward_engine, ward_settings):
        api.demote_bot(group, by=ADMIN_ID)
        api.staff_close_topic(group, topic, user_id=ADMIN_ID)
        api.staff_close_general(group, user_id=ADMIN_ID)
        mark = len(api.calls)

        def tried() -> list[int | None]:
            calls = api.calls[mark:]
            return [c.thread_id for c in calls if c.method == "sendMessage" and c.chat_id == group]

        with caplog.at_level(logging.INFO):
            for number, asked in enumerate((question, f"@{api.bot_user['username']} lịch")):
                api.send_text(group, asked, group=True, user_id=5301, thread_id=topic)
                await api.wait_until(lambda n=number: len(tried()) >= 2 * n + 2, 10)
            await api.say(5301, "/help")  # time enough for a retry, were there one
        assert tried() == [topic, None] * 2  # once each, no apology, nothing again
        assert api.sent(group) == []
        closed = [r for r in caplog.records if "closed to the bot" in r.getMessage()]
        assert len(closed) == 1
        assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []

        api.staff_close_general(group, user_id=ADMIN_ID, closed=False)
        mark = len(api.calls)
        api.send_text(group, question, group=True, user_id=5301, thread_id=topic)
        (note, *answer) = await api.replies(group, 2, since=mark)
        assert visible_text(note.text) == msg.topic_closed_answered_here()
        assert answer and answer[0].thread_id is None


async def test_a_forum_group_whose_general_topic_is_closed_gets_its_alerts_in_an_open_topic(
    api: FakeBotApi, own_ward: Settings
) -> None:
    """A residents' group with forum topics, the bot a plain member, subscribed from General;
    then its administrators close General, so that members write in the topics. Before,
    every alert to the group failed there (Telegram refused General) and nobody knew. Now
    it goes to the topic the group last wrote to the bot from; with that one closed too,
    staff are told which group lost the alert and what opens it again."""
    group = -1001234500003
    api.staff_group(group, title="Cư dân khu phố 3")
    asked = api.staff_topic(group, "Hỏi đáp", user_id=ADMIN_ID)
    settings = bot_settings(own_ward, api, admin_ids=frozenset({f"telegram:{ADMIN_ID}"}))
    async with running_app(settings):
        api.demote_bot(group, by=ADMIN_ID)
        await api.say(group, "/subscribe bhyt", group=True, user_id=ADMIN_ID)
        question = f"@{api.bot_user['username']} thẻ bảo hiểm y tế hết hạn thì gia hạn ở đâu"
        await api.say(group, question, group=True, user_id=5301, thread_id=asked)
        api.staff_close_general(group, user_id=ADMIN_ID)

        mark = len(api.calls)
        notice(settings.content_dir, "cap-the-bhyt", "Cấp thẻ BHYT cho người cao tuổi", "bhyt")
        (alert,) = await api.replies(group, since=mark, within=10)
        assert alert.thread_id == asked
        assert "Cấp thẻ BHYT cho người cao tuổi" in visible_text(alert.text)
        assert api.sent(ADMIN_ID, since=mark) == []

        # That topic closed too: nowhere left; staff hear of it, naming the group.
        api.staff_close_topic(group, asked, user_id=ADMIN_ID)
        mark = len(api.calls)
        notice(settings.content_dir, "kham-bhyt", "Khám sức khỏe bằng thẻ BHYT", "bhyt")
        (note,) = await api.replies(ADMIN_ID, since=mark, within=10)
        assert visible_text(note.text) == msg.admin_group_closed("Cư dân khu phố 3")
        assert api.sent(group, since=mark) == []
        tried = [c for c in api.calls[mark:] if c.method == "sendMessage" and c.chat_id == group]
        assert [c.thread_id for c in tried] == [None, asked]  # each tried once

        # General opened again: the alerts go there, as the group subscribed.
        api.staff_close_general(group, user_id=ADMIN_ID, closed=False)
        mark = len(api.calls)
        notice(settings.content_dir, "the-bhyt-hs", "Thẻ BHYT học sinh năm học mới", "bhyt")
        (alert,) = await api.replies(group, since=mark, within=10)
        assert alert.thread_id is None and "Thẻ BHYT học sinh" in visible_text(alert.text)


async def test_a_group_that_stops_every_topic_leaves_no_forum_topic_behind(
    api: FakeBotApi, ward_engine: Engine, ward_settings: Settings
) -> None:
    """Staff stop a forum group's alerts (/unsubscribe all, or its last topic, or the bot
    blocked): before, the group's row stayed, with the topic its alerts went to and the
    one it wrote from. Now nothing about it is kept once it follows nothing; subscribing
    again from General sends its alerts there."""
    from test_telegram import polling_channel

    group = -1001234500004
    api.staff_group(group, title="Cư dân khu phố 3")
    topic = api.staff_topic(group, "Thông báo phường", user_id=ADMIN_ID)
    settings = replace(ward_settings, admin_ids=frozenset({f"telegram:{ADMIN_ID}"}))
    database = ward_settings.data_dir / "bot.sqlite3"

    def kept() -> list[tuple[object, ...]]:
        with sqlite3.connect(database) as raw:
            return raw.execute(
                "SELECT thread, seen_thread FROM chats WHERE chat_id = ?", (str(group),)
            ).fetchall()

    async with polling_channel(api, ward_engine, settings) as (channel, store):
        ref = ChatRef("telegram", str(group))
        for stop in ("/unsubscribe all", "/unsubscribe hoc-bong"):
            await api.say(
                group, "/subscribe hoc-bong", group=True, user_id=ADMIN_ID, thread_id=topic
            )
            assert kept() == [(topic, topic)]
            await api.say(group, stop, group=True, user_id=ADMIN_ID, thread_id=topic)
            assert await store.subscriptions_of(ref) == []
            assert kept() == []

        await api.say(group, "/subscribe bhyt", group=True, user_id=ADMIN_ID)
        assert kept() == [(None, None)]
        mark = len(api.calls)
        await channel.deliver(str(group), [Reply("Nội dung", title="Thông báo mới")])
        assert [call.thread_id for call in api.sent(group, since=mark)] == [None]


async def test_a_group_following_nothing_upgraded_to_a_supergroup_leaves_no_row_about_it(
    api: FakeBotApi, ward_engine: Engine, ward_settings: Settings
) -> None:
    """A group following no topic (its members only ask the bot) upgraded to a supergroup:
    before, the bot wrote a row about the new id (as a private chat), kept for good, that
    neither retention nor anything else needed. Now a group that follows nothing leaves no
    row under either id; one that follows a topic keeps its row under the new id."""
    from test_telegram import polling_channel

    asking, following = (-4012345690, -1004012345690), (-4012345691, -1004012345691)

    def rows(chat_id: int) -> list[tuple[object, ...]]:
        with sqlite3.connect(ward_settings.data_dir / "bot.sqlite3") as raw:
            return raw.execute(
                "SELECT is_group FROM chats WHERE chat_id = ?", (str(chat_id),)
            ).fetchall()

    settings = replace(ward_settings, admin_ids=frozenset({f"telegram:{ADMIN_ID}"}))
    async with polling_channel(api, ward_engine, settings):
        await api.say(asking[0], "/mysubs", group=True, user_id=ADMIN_ID)
        await api.say(following[0], "/subscribe bhyt", group=True, user_id=ADMIN_ID)
        api.upgrade(*asking, user_id=ADMIN_ID)
        api.upgrade(*following, user_id=ADMIN_ID)
        (mine,) = await api.say(following[1], "/mysubs", group=True, user_id=ADMIN_ID)
        assert "Bảo hiểm y tế" in visible_text(mine.text)  # both upgrades were handled
        await api.say(asking[1], "/mysubs", group=True, user_id=ADMIN_ID)
        assert [rows(chat_id) for chat_id in asking] == [[], []]
        assert [rows(chat_id) for chat_id in following] == [[], [(1,)]]


async def test_a_topic_subscribed_with_a_typo_is_stopped_with_the_same_typo(
    api: FakeBotApi, ward_engine: Engine, ward_settings: Settings
) -> None:
    """/subscribe forgives a typo or a word typed without accents; before, /unsubscribe
    typed the same way said it found no such topic among the chat's own. Now it stops it.
    A near name of a topic the chat does not follow stops nothing, and a keyword (a
    procedure too: "tạm trú") still offers the chat's own topics to choose from."""
    from test_telegram import polling_channel

    async with polling_channel(api, ward_engine, ward_settings) as (_, store):
        chat, ref = 8801, ChatRef("telegram", "8801")
        await api.say(chat, "/subscribe bao hiem yte")
        await api.say(chat, "/subscribe hoc bong")
        await api.say(chat, "/subscribe cư trú")
        assert sorted(await store.subscriptions_of(ref)) == ["bhyt", "cu-tru", "hoc-bong"]
        (said,) = await api.say(chat, "/unsubscribe bao hiem yte")
        assert visible_text(said.text) == msg.unsubscribed("Bảo hiểm y tế")
        (said,) = await api.say(chat, "/unsubscribe khuyen hocc")  # part of a name, a typo
        assert visible_text(said.text) == msg.unsubscribed("Học bổng và khuyến học")
        assert await store.subscriptions_of(ref) == ["cu-tru"]
        (said,) = await api.say(chat, "/unsubscribe ho tichh")  # not followed
        assert visible_text(said.text).startswith("Dạ, em chưa tìm thấy chủ đề “ho tichh”")
        (said,) = await api.say(chat, "/unsubscribe tam tru")  # a keyword
        assert visible_text(said.text).startswith("Dạ, em chưa tìm thấy chủ đề “tam tru”")
        assert await store.subscriptions_of(ref) == ["cu-tru"]
