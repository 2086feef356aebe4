"""What residents ask about alerts and notices in their own words: why nothing was sent,
the newest notices, "xem toàn văn" under /latest, topics gone from faq.yaml in /mysubs,
and /forget with nothing left to delete."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from chat_ward import TODAY, write_chat_ward
from numbered_screen import Screen

from handlers.base import Answerer
from wardbot import messages as msg
from wardbot.config import Settings
from wardbot.conversation import Conversation
from wardbot.engine import Engine
from wardbot.hours import QuietHours
from wardbot.intents import parse_intent
from wardbot.models import Topic
from wardbot.reply import Reply
from wardbot.store import ChatRef, Store
from wardbot.topic_renames import REMEMBER_DAYS, follow_renamed_topics

CHAT = ChatRef("zalo", "31")


@pytest.fixture
async def store(ward_settings: Settings) -> AsyncIterator[Store]:
    async with await Store.open(ward_settings.data_dir / "bot.sqlite3") as opened:
        yield opened


@pytest.fixture
def conversation(ward_engine: Engine, store: Store, ward_settings: Settings) -> Conversation:
    return Conversation(ward_engine, store, ward_settings)


async def one(conversation: Conversation, text: str) -> Reply:
    (reply,) = await conversation.handle_text(CHAT, text)
    return reply


# --- why no alert came ------------------------------------------------------------------

WHY_NOTHING_SENT = [
    "răng không thấy gửi tin chi cho tui hết rứa",  # central
    "sao không thấy gửi tin gì cho tôi",  # northern
    "sao hổng thấy gửi tin gì hết vậy",  # southern
    "sao em khong nhan duoc thong bao nao ca tuan nay",
    "tại sao phường không gửi tin nữa",
    "mấy hôm nay sao không thấy phường gửi thông báo gì",
    "sao hong nhan dc tin gi het vay",  # unaccented, "được" typed "dc"
]


@pytest.mark.parametrize("text", WHY_NOTHING_SENT)
async def test_why_nothing_was_sent_says_what_the_chat_follows_and_when_alerts_come(
    conversation: Conversation, store: Store, text: str
) -> None:
    await store.subscribe(CHAT, "bhyt")
    reply = await one(conversation, text)
    assert "Bảo hiểm y tế" in reply.text
    assert "thông báo mới" in reply.text
    assert "chưa có thông tin" not in reply.text
    assert "latest" in [button.action for button in reply.buttons]


async def test_why_nothing_was_sent_following_nothing_says_so_and_how_to_follow(
    conversation: Conversation,
) -> None:
    reply = await one(conversation, "sao hổng thấy gửi tin gì hết vậy")
    assert "chưa đăng ký nhận tin chủ đề nào" in reply.text
    assert [button.action for button in reply.buttons] == ["topics", "latest"]


async def test_why_nothing_was_sent_names_the_quiet_hours_when_set(
    ward_engine: Engine, store: Store, ward_settings: Settings
) -> None:
    night = replace(ward_settings, quiet_hours=QuietHours.parse("21:30-6:30"))
    await store.subscribe(CHAT, "hoc-bong")
    reply = await one(Conversation(ward_engine, store, night), "sao không thấy gửi tin gì")
    assert "21:30–6:30" in reply.text
    assert "Học bổng và khuyến học" in reply.text


@pytest.mark.parametrize(
    "text",
    [
        "sao chưa gửi giấy hẹn",
        "sao chưa nhận được thông báo nộp thuế",
        "sao không nhận được tin nhắn otp",
        "sao ko nhan dc tin nhan kich hoat",
        "lâu rồi không thấy cán bộ",
    ],
)
def test_what_was_not_sent_besides_news_stays_a_question(text: str) -> None:
    assert parse_intent(text).kind == "question"


# --- the newest notices -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "tui muốn coi mấy cái tin mới",
        "cho xem thông báo mới nhất",
        "có tin gì mới không",
        "có thông báo mới nào không",
        "co gi moi hong",
        "xem giúp em các tin mới",
    ],
)
async def test_asking_for_the_newest_notices_lists_them_as_latest_does(
    conversation: Conversation, text: str
) -> None:
    asked = await one(conversation, text)
    latest = await one(conversation, "/latest")
    assert asked.text == latest.text
    assert asked.buttons == latest.buttons
    assert asked.buttons


# --- "xem toàn văn" under the newest notices ---------------------------------------------


@pytest.mark.parametrize("typed", ["xem toàn văn", "xem hết", "đọc đầy đủ"])
async def test_reading_in_full_under_the_latest_asks_which_notice_by_number(
    conversation: Conversation, ward_settings: Settings, typed: str
) -> None:
    answerer = Answerer("zalo", conversation, ward_settings, numbered=True)
    screen = Screen()
    await answerer.text(CHAT, "/latest", screen.send)
    listed = screen.shown[-1].buttons
    assert len(listed) > 1
    await answerer.text(CHAT, typed, screen.send)
    which = screen.shown[-1]
    assert which.text == msg.full_text_which_of()
    assert [b.label for b in which.buttons] == [b.label for b in listed]
    assert f"2. {listed[1].full_label}" in screen.lines()
    await answerer.text(CHAT, "2", screen.send)
    opened = screen.shown[-1]
    notice_id = listed[1].action.partition(":")[2]
    assert opened.title is not None
    assert opened == (await conversation.handle_action(CHAT, f"full:{notice_id}"))[0]


async def test_reading_in_full_under_a_latest_of_one_notice_opens_it(
    tmp_path: Path, store: Store, ward_settings: Settings
) -> None:
    faq, content = write_chat_ward(tmp_path)
    kept = "2024-07-15-dieu-chinh-muc-dong-bhyt.md"
    for notice in content.iterdir():
        if notice.name != kept:
            notice.unlink()
    engine = Engine.open(faq, content, tmp_path / "data", today=TODAY)
    try:
        conversation = Conversation(engine, store, ward_settings)
        answerer = Answerer("zalo", conversation, ward_settings, numbered=True)
        screen = Screen()
        await answerer.text(CHAT, "/latest", screen.send)
        (listed,) = screen.shown[-1].buttons
        await answerer.text(CHAT, "xem toàn văn", screen.send)
        whole = await conversation.handle_action(CHAT, f"full:{kept[:-3]}")
        assert listed.action == f"ann:{kept[:-3]}"
        assert screen.shown[-1] == whole[0]
    finally:
        engine.close()


# --- a followed topic staff removed -------------------------------------------------------

DAY = 86400.0
T0 = 1_722_470_400.0  # 2024-08-01


async def test_mysubs_names_a_topic_removed_from_faq_yaml_by_the_name_it_last_had(
    conversation: Conversation, store: Store
) -> None:
    """Staff removed "an-ninh" (named "An ninh trật tự") that the chat follows: /mysubs
    and its buttons name it so for as long as the bot remembers the name (REMEMBER_DAYS),
    stopping it by that name works, and only then its id is shown."""
    topics = list(conversation.engine.corpus.topics)
    await store.subscribe(CHAT, "bhyt")
    await store.subscribe(CHAT, "an-ninh")
    await follow_renamed_topics(store, [*topics, Topic("an-ninh", "An ninh trật tự")], T0)
    await follow_renamed_topics(store, topics, T0 + DAY)  # the block deleted from faq.yaml

    gone = msg.retired_topic("An ninh trật tự")
    mine = await one(conversation, "/mysubs")
    assert mine.text == msg.mysubs(["Bảo hiểm y tế", gone])
    assert [b.label for b in mine.buttons][1] == msg.unsubscribe_button(gone)
    assert "an-ninh" not in mine.text

    await follow_renamed_topics(store, topics, T0 + (REMEMBER_DAYS + 2) * DAY)
    assert (await one(conversation, "/mysubs")).text == msg.mysubs(
        ["Bảo hiểm y tế", msg.retired_topic("an-ninh")]
    )


async def test_a_topic_removed_from_faq_yaml_stops_by_the_name_it_last_had(
    conversation: Conversation, store: Store
) -> None:
    topics = list(conversation.engine.corpus.topics)
    await store.subscribe(CHAT, "an-ninh")
    await follow_renamed_topics(store, [*topics, Topic("an-ninh", "An ninh trật tự")], T0)
    await follow_renamed_topics(store, topics, T0 + DAY)
    stopped = await one(conversation, "/unsubscribe an ninh trật tự")
    assert stopped.text == msg.unsubscribed(msg.retired_topic("An ninh trật tự"))
    assert await store.subscriptions_of(CHAT) == []


# --- /forget with nothing left -------------------------------------------------------------


@pytest.mark.parametrize("again", ["/forget", "quên tôi đi"])
async def test_forget_a_second_time_says_nothing_was_stored(
    conversation: Conversation, store: Store, again: str
) -> None:
    await store.subscribe(CHAT, "bhyt")
    await one(conversation, "mất thẻ bhyt thì làm sao")
    assert (await one(conversation, "/forget")).text == msg.forget_done()
    assert (await one(conversation, again)).text == msg.forget_nothing()
    # Something stored again (a question asked): deleted, and said so.
    await one(conversation, "mất thẻ bhyt thì làm sao")
    assert (await one(conversation, again)).text == msg.forget_done()


async def test_forget_before_anything_was_stored_says_so(conversation: Conversation) -> None:
    assert (await one(conversation, "/forget")).text == msg.forget_nothing()
