"""Topics named as residents name them: by the start of a name ("theo dõi tin bảo hiểm")
and several picked at once from the numbered list of topics ("1, 3"), in a ward whose
topics share their first words ("Bảo hiểm y tế", "Bảo hiểm xã hội")."""

from __future__ import annotations

import datetime as dt

import pytest
from numbered_screen import Screen
from own_ward import own_ward

from handlers.base import Answerer
from handlers.zalo import render_plain
from wardbot import messages as msg
from wardbot.config import Settings
from wardbot.conversation import Conversation
from wardbot.engine import Engine
from wardbot.intents import parse_intent
from wardbot.reply import Reply
from wardbot.store import ChatRef, Store

TODAY = dt.date(2024, 8, 1)
WARD = "UBND Phường 2"
FAQ = """\
topics:
  - id: bhyt
    name: Bảo hiểm y tế
    keywords: [bhyt, thẻ bhyt]
  - id: bhxh
    name: Bảo hiểm xã hội
    keywords: [bhxh, lương hưu]
  - id: hoc-bong
    name: Học bổng và khuyến học
    keywords: [học bổng]
  - id: cu-tru
    name: Cư trú
    keywords: [thường trú, tạm trú]
  - id: giao-duc
    name: Giáo dục
    keywords: [trường học]
faq:
  - id: bhyt-mat-the
    question: Mất thẻ bảo hiểm y tế thì làm lại ở đâu?
    answer: Anh/chị làm lại thẻ tại Bộ phận Một cửa, mang theo căn cước.
    topics: [bhyt]
"""
CHAT = ChatRef("zalo", "77")

ward, engine, settings, store = own_ward(FAQ, "topic-names-ward", TODAY)


@pytest.fixture
def conversation(engine: Engine, store: Store, settings: Settings) -> Conversation:
    return Conversation(engine, store, settings)


async def one(conversation: Conversation, text: str) -> Reply:
    (reply,) = await conversation.handle_text(CHAT, text)
    return reply


@pytest.mark.parametrize(
    ("text", "wanted"),
    [("tôi muốn theo dõi tin bảo hiểm", "bảo hiểm"), ("/subscribe bao hiem", "bao hiem")],
)
async def test_the_start_of_several_names_asks_which_and_follows_none_yet(
    conversation: Conversation, store: Store, text: str, wanted: str
) -> None:
    reply = await one(conversation, text)
    assert reply.text == msg.which_topic(wanted, ["Bảo hiểm y tế", "Bảo hiểm xã hội"])
    assert [b.label for b in reply.buttons] == [
        msg.subscribe_button("Bảo hiểm y tế"),
        msg.subscribe_button("Bảo hiểm xã hội"),
    ]
    assert await store.subscriptions_of(CHAT) == []
    # On Zalo, the two as numbered lines; the second picked follows it alone.
    (shown,), _ = render_plain([reply])
    assert shown.startswith(msg.which_topic_menu(wanted))
    assert "1. 🔔 Nhận tin: Bảo hiểm y tế\n2. 🔔 Nhận tin: Bảo hiểm xã hội" in shown
    (picked,) = await conversation.handle_action(CHAT, reply.buttons[1].action)
    assert picked.text == msg.subscribed(WARD, "Bảo hiểm xã hội")
    assert await store.subscriptions_of(CHAT) == ["bhxh"]


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("tôi muốn theo dõi tin bảo hiểm y", "Bảo hiểm y tế"),
        ("đăng ký nhận tin học bổng và khuyến", "Học bổng và khuyến học"),
        ("/subscribe khuyến học", "Học bổng và khuyến học"),
        ("theo dõi tin bảo hiểm xã", "Bảo hiểm xã hội"),
    ],
)
async def test_the_start_of_one_name_follows_that_topic(
    conversation: Conversation, store: Store, text: str, topic: str
) -> None:
    reply = await one(conversation, text)
    assert reply.text == msg.subscribed(WARD, topic)
    followed = await store.subscriptions_of(CHAT)
    assert [t.name for t in engine_topics(conversation) if t.id in followed] == [topic]


@pytest.mark.parametrize("text", ["theo dõi tin y tế", "/subscribe hội", "theo dõi tin tế"])
async def test_a_word_inside_a_name_follows_nothing(
    conversation: Conversation, store: Store, text: str
) -> None:
    """ "y tế" ends "Bảo hiểm y tế" but begins none: the topics there are, nothing followed."""
    reply = await one(conversation, text)
    assert reply.text.startswith("Dạ, em chưa tìm thấy chủ đề")
    assert await store.subscriptions_of(CHAT) == []


async def test_a_name_said_as_the_south_says_it_follows_that_topic_but_another_word_does_not(
    conversation: Conversation, store: Store
) -> None:
    """ "dáo dục" is "Giáo dục" as the south says it; "đạo đức" (ethics) shares its
    letters but not its sounds ("đ" is said like no "gi"): the topics are shown instead."""
    refused = await one(conversation, "/subscribe đạo đức")
    assert refused.text.startswith("Dạ, em chưa tìm thấy chủ đề")
    assert await store.subscriptions_of(CHAT) == []
    followed = await one(conversation, "/subscribe dáo dục")
    assert followed.text == msg.subscribed(WARD, "Giáo dục")
    assert await store.subscriptions_of(CHAT) == ["giao-duc"]


def engine_topics(conversation: Conversation) -> list:  # type: ignore[type-arg]
    return list(conversation.engine.corpus.topics)


async def test_several_numbers_under_the_topics_follow_each_and_name_one_off_the_list(
    conversation: Conversation, store: Store, settings: Settings
) -> None:
    answerer = Answerer("zalo", conversation, settings, numbered=True)
    screen = Screen()
    await answerer.text(CHAT, "/topics", screen.send)
    await answerer.text(CHAT, "1,3", screen.send)
    names = ["Bảo hiểm y tế", "Học bổng và khuyến học"]
    assert screen.shown[-1].text == msg.subscribed_several(WARD, names)
    assert sorted(await store.subscriptions_of(CHAT)) == ["bhyt", "hoc-bong"]
    # Followed already ("1", its line now "Bỏ nhận tin"), it stays followed; 9 is named.
    await answerer.text(CHAT, "/topics", screen.send)
    await answerer.text(CHAT, "1 và 4 và 9", screen.send)
    assert screen.shown[-1].text == (
        f"{msg.subscribed_several(WARD, ['Bảo hiểm y tế', 'Cư trú'])}\n\n"
        f"{msg.numbers_not_in_list(['9'])}"
    )
    assert sorted(await store.subscriptions_of(CHAT)) == ["bhyt", "cu-tru", "hoc-bong"]


async def test_a_run_past_the_end_of_the_topics_follows_them_all_and_names_the_rest_once(
    conversation: Conversation, store: Store, settings: Settings
) -> None:
    """A run, "1-25", under a shorter list of topics (a list longer than twenty lines takes such a
    run too): every topic on it followed, the numbers past its end named as one run, not
    "no list", nor each number one by one."""
    answerer = Answerer("zalo", conversation, settings, numbered=True)
    screen = Screen()
    await answerer.text(CHAT, "/topics", screen.send)
    count = len(engine_topics(conversation))
    await answerer.text(CHAT, "1-25", screen.send)
    assert len(await store.subscriptions_of(CHAT)) == count
    assert screen.shown[-1].text.endswith(
        f"Các số từ {count + 1} đến 25 không có trong danh sách em vừa gửi nên em bỏ qua ạ."
    )


async def test_several_numbers_under_which_topic_follow_both(
    conversation: Conversation, store: Store, settings: Settings
) -> None:
    answerer = Answerer("zalo", conversation, settings, numbered=True)
    screen = Screen()
    await answerer.text(CHAT, "theo dõi tin bảo hiểm", screen.send)
    await answerer.text(CHAT, "1 và 2", screen.send)
    assert screen.shown[-1].text == msg.subscribed_several(
        WARD, ["Bảo hiểm y tế", "Bảo hiểm xã hội"]
    )
    assert sorted(await store.subscriptions_of(CHAT)) == ["bhxh", "bhyt"]


@pytest.mark.parametrize(
    ("typed", "picked"),
    [("/subscribe 2", "2"), ("theo dõi 2", "2"), ("đăng ký nhận tin số 2", "số 2")],
)
async def test_a_number_from_no_list_shown_shows_the_topics_to_pick_again_on_zalo(
    conversation: Conversation, store: Store, settings: Settings, typed: str, picked: str
) -> None:
    """No list was shown in this chat (or it was before a restart): which topic "2" meant
    is not guessed. The topics come as numbered lines, as /topics shows them, and "2"
    then picks the second of them."""
    answerer = Answerer("zalo", conversation, settings, numbered=True)
    screen = Screen()
    await answerer.text(CHAT, typed, screen.send)
    (shown,) = screen.shown
    assert shown.text.startswith(msg.topic_picked_without_list(picked))
    assert await store.subscriptions_of(CHAT) == []
    (lines,), _ = render_plain([shown])
    assert "2. 🔔 Nhận tin: Bảo hiểm xã hội" in lines
    await answerer.text(CHAT, "2", screen.send)
    assert screen.shown[-1].text.startswith(msg.subscribed(WARD, "Bảo hiểm xã hội"))
    assert await store.subscriptions_of(CHAT) == ["bhxh"]


async def test_numbers_from_no_list_shown_show_the_topics_as_buttons_on_telegram(
    conversation: Conversation, store: Store, settings: Settings
) -> None:
    chat = ChatRef("telegram", "78")
    answerer = Answerer("telegram", conversation, settings)
    screen = Screen()
    await answerer.text(chat, "/subscribe 1, 3", screen.send)
    (shown,) = screen.shown
    assert shown.text.startswith(msg.topic_picked_without_list("1, 3"))
    assert "• Học bổng và khuyến học" in shown.text
    assert await store.subscriptions_of(chat) == []
    tapped = shown.buttons[2]
    assert tapped.label == msg.subscribe_button("Học bổng và khuyến học")
    await answerer.action(chat, tapped.action, screen.send)
    assert await store.subscriptions_of(chat) == ["hoc-bong"]


@pytest.mark.parametrize(
    ("typed", "picked"),
    [
        ("hủy 1", "1"),
        ("huy 1", "1"),
        ("bỏ số 2", "số 2"),
        ("/unsubscribe 1", "1"),
        ("bỏ theo dõi 2", "2"),
        ("hủy 1, 3", "1 3"),
    ],
)
async def test_a_number_to_stop_from_no_list_shown_shows_the_chats_topics_on_zalo(
    conversation: Conversation, store: Store, settings: Settings, typed: str, picked: str
) -> None:
    """ "hủy 1" with no list on screen (one seen before a restart, or on another device):
    which topic is not guessed, as for "/subscribe 1". The topics the chat follows come
    as numbered lines to stop, and "1" then stops the first of them alone."""
    await store.subscribe(CHAT, "bhxh")
    await store.subscribe(CHAT, "hoc-bong")
    answerer = Answerer("zalo", conversation, settings, numbered=True)
    screen = Screen()
    await answerer.text(CHAT, typed, screen.send)
    (shown,) = screen.shown
    assert shown.text.startswith(msg.topic_picked_without_list(picked))
    assert sorted(await store.subscriptions_of(CHAT)) == ["bhxh", "hoc-bong"]
    (lines,), _ = render_plain([shown])
    assert "1. 🔕 Bỏ nhận tin: Bảo hiểm xã hội" in lines
    assert "2. 🔕 Bỏ nhận tin: Học bổng và khuyến học" in lines
    await answerer.text(CHAT, "1", screen.send)
    assert await store.subscriptions_of(CHAT) == ["hoc-bong"]


async def test_a_number_to_stop_from_no_list_shows_the_chats_topics_as_buttons_on_telegram(
    conversation: Conversation, store: Store, settings: Settings
) -> None:
    chat = ChatRef("telegram", "79")
    await store.subscribe(chat, "bhyt")
    await store.subscribe(chat, "cu-tru")
    answerer = Answerer("telegram", conversation, settings)
    screen = Screen()
    await answerer.text(chat, "hủy 2", screen.send)
    (shown,) = screen.shown
    assert shown.text.startswith(msg.topic_picked_without_list("2"))
    assert [b.label for b in shown.buttons[:2]] == [
        msg.unsubscribe_button("Bảo hiểm y tế"),
        msg.unsubscribe_button("Cư trú"),
    ]
    assert sorted(await store.subscriptions_of(chat)) == ["bhyt", "cu-tru"]
    await answerer.action(chat, shown.buttons[1].action, screen.send)
    assert await store.subscriptions_of(chat) == ["bhyt"]


async def test_a_number_to_stop_with_nothing_followed_says_there_is_nothing_to_stop(
    conversation: Conversation, store: Store
) -> None:
    reply = await one(conversation, "hủy 1")
    assert reply.text == msg.unsubscribed_all(0)


@pytest.mark.parametrize("text", ["hủy 2026", "bỏ 0912345678", "thôi 10 tuổi", "hủy 2 lần"])
def test_a_stop_word_before_a_year_a_phone_or_an_age_is_no_number_picked(text: str) -> None:
    """Only a list's line numbers after "hủy"/"bỏ" pick a topic to stop: a year, a phone
    number or "10 tuổi" is something else, left to be answered as a message."""
    assert parse_intent(text).kind != "unsubscribe"
