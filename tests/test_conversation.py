"""The channel-agnostic conversation: what a resident sends, what they read back.

A real Engine over the small ward in tests/chat_ward.py and a real Store on a temp file.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import sqlite3
import unicodedata
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from chat_ward import EXAMPLE, NOTICES, WARD_NAME, ward_greeting

from handlers.base import Answerer
from handlers.telegram import render_html
from handlers.zalo import render_plain
from wardbot import messages as msg
from wardbot.alert_replies import alert_reply
from wardbot.config import Settings
from wardbot.conversation import Conversation
from wardbot.doc_replies import document_reply, no_answer_reply
from wardbot.engine import Engine
from wardbot.intents import paired_parts, parse_intent, questions_in
from wardbot.listed import listed_parts
from wardbot.models import Announcement, Answer, FaqEntry, Hit
from wardbot.per_chat import LastPerChat
from wardbot.reply import MAX_ACTION_BYTES, MAX_LABEL_CHARS, Button, Reply, make_action
from wardbot.store import ChatRef, Store

CHAT = ChatRef("test", "42")
LONG_NOTICE_ID = next(name[:-3] for name in NOTICES if "tiep-cong-dan" in name)


@pytest.fixture
async def store(ward_settings: Settings) -> AsyncIterator[Store]:
    async with await Store.open(ward_settings.data_dir / "bot.sqlite3") as opened:
        yield opened


@pytest.fixture
def conversation(ward_engine: Engine, store: Store, ward_settings: Settings) -> Conversation:
    return Conversation(ward_engine, store, ward_settings)


async def say(conversation: Conversation, text: str) -> list[Reply]:
    replies = await conversation.handle_text(CHAT, text)
    assert replies, f"no reply to {text!r}"
    for reply in replies:
        for button in reply.buttons:
            assert len(button.action.encode()) <= MAX_ACTION_BYTES
    return replies


async def one(conversation: Conversation, text: str) -> Reply:
    replies = await say(conversation, text)
    assert len(replies) == 1, replies
    return replies[0]


# --- commands -------------------------------------------------------------------------


async def test_start_greets_with_the_ward_name_and_offers_topics(
    conversation: Conversation,
) -> None:
    greeting, topics = await say(conversation, "/start")
    assert "UBND Phường 2" in greeting.text
    assert greeting.text.startswith("Dạ, xin chào")
    assert [b.action for b in topics.buttons] == [
        "sub:bhyt",
        "sub:hoc-bong",
        "sub:cu-tru",
        "sub:ho-tich",
    ]
    assert "Học bổng và khuyến học" in topics.text


async def test_help_lists_every_command_and_the_hotline(conversation: Conversation) -> None:
    reply = await one(conversation, "/help")
    for name, _ in msg.COMMANDS:
        if name != "hoicanbo":
            assert f"/{name}" in reply.text
    assert "0276 3822 123" in reply.text
    # Where alerts reach the chat, the greeting promises them.
    greeting, _topics = await say(conversation, "/start")
    assert "Nhắn tin cho anh/chị khi phường có thông báo mới" in greeting.text


async def test_without_a_staff_desk_hoicanbo_is_not_offered_and_its_question_is_answered(
    conversation: Conversation,
) -> None:
    """No STAFF_CHAT_ID: /help does not offer /hoicanbo, and a resident who types it
    anyway gets their question answered, or the usual no-answer reply with the hotline."""
    assert "/hoicanbo" not in (await one(conversation, "/help")).text
    answered = await one(conversation, "/hoicanbo cho hỏi đăng ký tạm trú cần giấy tờ gì")
    assert answered.title == "Đăng ký tạm trú cần giấy tờ gì?"
    assert "CT01" in answered.text
    unknown = await one(conversation, "/hoicanbo cho hỏi về giá vàng hôm nay")
    assert unknown.text == msg.no_answer("UBND Phường 2", "0276 3822 123")
    asked = await one(conversation, "/hoicanbo")  # no question: how to reach staff
    assert "gọi đường dây nóng 0276 3822 123" in asked.text
    assert "chưa kết nối" not in asked.text


async def test_a_question_in_another_language_is_told_in_english_to_write_in_vietnamese(
    ward_engine: Engine, store: Store, ward_settings: Settings
) -> None:
    """A foreign resident asking in English (or Korean...) could not read "hỏi lại bằng từ
    ngữ khác": the no-answer reply ends with a line in English saying what to do. Asked
    in Vietnamese, without accents too, the reply is as before."""
    conversation = Conversation(ward_engine, store, ward_settings)
    english = msg.in_vietnamese_only("UBND Phường 2", "0276 3822 123")
    assert "call UBND Phường 2 on 0276 3822 123" in english
    for question in ("Where can I rent a football pitch, please?", "축구장을 빌릴 수 있나요?"):
        reply = (await say(conversation, question))[-1]
        assert reply.text.endswith("\n\n" + english), question
        assert reply.text.startswith("Dạ"), question
    unknown = await one(conversation, "phuong co cho thue san bong da khong")
    assert "(English)" not in unknown.text
    no_hotline = Conversation(ward_engine, store, replace(ward_settings, ward_hotline=""))
    reply = (await say(no_hotline, "Where can I rent a football pitch, please?"))[-1]
    assert reply.text.endswith(msg.in_vietnamese_only("UBND Phường 2", ""))
    assert "Bộ phận Một cửa" in msg.in_vietnamese_only("UBND Phường 2", "")


async def test_without_a_hotline_residents_are_sent_to_the_one_stop_desk(
    ward_engine: Engine, store: Store, ward_settings: Settings
) -> None:
    conversation = Conversation(ward_engine, store, replace(ward_settings, ward_hotline=""))
    help_reply = await one(conversation, "/help")
    no_answer = await one(conversation, "giá vàng hôm nay bao nhiêu")
    for reply in (help_reply, no_answer):
        assert "Bộ phận Một cửa của UBND Phường 2" in reply.text
        assert "gọi đường dây nóng" not in reply.text


@pytest.mark.parametrize(
    ("text", "first_words"),
    [
        ("/start@phuong2_test_bot", "Dạ, xin chào"),
        ("/HELP", "Cách hỏi"),
        ("/help@phuong2_test_bot", "Cách hỏi"),
    ],
)
async def test_commands_addressed_to_the_bot_by_name(
    conversation: Conversation, text: str, first_words: str
) -> None:
    replies = await say(conversation, text)
    assert replies[0].text.startswith(first_words)


async def test_an_unknown_command_points_to_help(conversation: Conversation) -> None:
    reply = await one(conversation, "/giavang")
    assert "/giavang" in reply.text and "/help" in reply.text


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("/follow hoc bong", "/subscribe hoc bong"),
        ("/subcribe bhyt", "/subscribe bhyt"),
        ("/topic", "/topics"),
        ("/lastest", "/latest"),
        ("/hep", "/help"),
        # Two letters side by side swapped, the commonest slip on a phone (difflib rates
        # them low in a short word), and another bot's name misspelt.
        ("/hlep", "/help"),
        ("/tpoics", "/topics"),
        ("/folow hoc bong", "/subscribe hoc bong"),
        # A full-width slash (a keyboard set to it), a space after the slash.
        ("／mysubs", "/mysubs"),
        ("/ latest", "/latest"),
    ],
)
async def test_a_command_by_another_bots_name_or_mistyped_does_what_was_meant(
    conversation: Conversation, store: Store, typed: str, meant: str
) -> None:
    got = [r.text for r in await say(conversation, typed)]
    await store.unsubscribe_all(CHAT)
    assert got == [r.text for r in await say(conversation, meant)]


async def test_unfollow_stops_alerts_and_a_mistyped_unsubscribe_asks_first(
    conversation: Conversation, store: Store
) -> None:
    """Another bot's name (/unfollow) stops a topic as /unsubscribe does. A mistyped one
    ("/unsubcribe tất cả") stopped every alert on a guess; now it asks, and only "có"
    stops them."""
    await store.subscribe(CHAT, "bhyt")
    await store.subscribe(CHAT, "hoc-bong")
    assert (await one(conversation, "/unfollow bhyt")).text == msg.unsubscribed("Bảo hiểm y tế")
    asked = await one(conversation, "/unsubcribe tất cả")
    assert asked.text.startswith("Ý anh/chị là /unsubscribe all (ngừng nhận mọi tin)?")
    assert [b.action for b in asked.buttons] == ["dropall"]
    assert await store.subscriptions_of(CHAT) == ["hoc-bong"]
    stopped = await one(conversation, "có")
    assert stopped.text == msg.unsubscribed_all(1, "Học bổng và khuyến học")
    assert await store.subscriptions_of(CHAT) == []


@pytest.mark.parametrize("text", ["/nollow all", "/unsubcribe het", "/unfolow tất cả"])
async def test_a_guess_that_stops_every_alert_is_asked_never_done(
    conversation: Conversation, store: Store, text: str
) -> None:
    """ "/nollow all" was taken for /unsubscribe all and stopped every alert. Now it asks
    (the exact command named in the question): "không" keeps them, and so does anything
    else said next, after which "có" no longer stops them."""
    await store.subscribe(CHAT, "bhyt")
    await store.subscribe(CHAT, "cu-tru")
    asked = await one(conversation, text)
    assert asked.text.startswith("Ý anh/chị là /unsubscribe all (ngừng nhận mọi tin)?")
    assert asked.buttons[0].label == "✅ Đúng, ngừng nhận mọi tin"
    assert "trả lời “có” (hoặc nhắn 1)" in (asked.numbered_text or "")
    assert (await one(conversation, "không ạ")).text == msg.unsubscribe_declined()
    await one(conversation, text)
    await say(conversation, "mất thẻ bhyt")
    await say(conversation, "có")
    assert await store.subscriptions_of(CHAT) == ["bhyt", "cu-tru"]


@pytest.mark.parametrize("yes", ["dạ vâng", "ừ", "ok ạ", "dạ có", "vang a", "được"])
async def test_a_guess_is_done_on_a_spoken_yes_not_thanked_for(
    conversation: Conversation, store: Store, yes: str
) -> None:
    """ "Dạ vâng" to "Ý anh/chị là /unsubscribe all?" got "Dạ vâng ạ" and stopped
    nothing: the resident was sure it was done. A plain yes does it, as "có" does."""
    await store.subscribe(CHAT, "bhyt")
    await one(conversation, "/unfolow all")
    assert (await one(conversation, yes)).text == msg.unsubscribed_all(1, "Bảo hiểm y tế")
    assert await store.subscriptions_of(CHAT) == []


@pytest.mark.parametrize("no", ["không phải", "nhầm rồi", "ko", "thôi khỏi"])
async def test_a_guess_answered_no_keeps_the_alerts_and_says_so(
    conversation: Conversation, store: Store, no: str
) -> None:
    """ "Không phải" to the question got the line for an answer that missed."""
    await store.subscribe(CHAT, "bhyt")
    await one(conversation, "/nollow all")
    assert (await one(conversation, no)).text == msg.unsubscribe_declined()
    await say(conversation, "có")
    assert await store.subscriptions_of(CHAT) == ["bhyt"]


async def test_yes_to_a_guessed_removal_still_stops_the_alerts_after_a_restart(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    """ "Ý anh/chị là /unsubscribe all?", then the bot restarted (a deploy, or "có" waited in
    its inbox while it was down): "có" got "Dạ vâng ạ" and stopped nothing, and the
    resident took the alerts for stopped. Now it stops them, as without a restart; only
    as the next message, and what was written down for it (no text) goes with /forget."""
    path = ward_settings.data_dir / "bot.sqlite3"
    now = [1_800_000_000.0]

    @contextlib.asynccontextmanager
    async def running() -> AsyncIterator[tuple[Conversation, Store]]:
        """The bot started anew over the same data folder, a minute later."""
        now[0] += 60
        async with await Store.open(path) as store:
            yield Conversation(ward_engine, store, ward_settings, clock=lambda: now[0]), store

    async with running() as (bot, store):
        await store.subscribe(CHAT, "bhyt")
        await store.subscribe(CHAT, "cu-tru")
        await one(bot, "/unsubscibe bhyt")
    async with running() as (bot, store):
        stopped = await one(bot, "dạ có")
        assert stopped.text.startswith(msg.unsubscribed("Bảo hiểm y tế"))
        assert await store.subscriptions_of(CHAT) == ["cu-tru"]
        await one(bot, "/nollow all")
        await say(bot, "mất thẻ bhyt")  # the next message was no yes
    async with running() as (bot, store):
        await say(bot, "có")
        assert await store.subscriptions_of(CHAT) == ["cu-tru"]
        await one(bot, "/nollow all")
        await one(bot, "/forget")
        async with store.db.execute("SELECT COUNT(*) FROM pending_removals") as cursor:
            assert (await cursor.fetchone())[0] == 0


@pytest.mark.parametrize("restarted", [False, True])
async def test_yes_long_after_a_guessed_removal_stops_nothing_and_asks_again(
    ward_engine: Engine, ward_settings: Settings, restarted: bool
) -> None:
    """ "Ý anh/chị là /unsubscribe all?" left unanswered, then "ừ có" hours later (under a
    staff answer, an alert that came since) stopped every alert on a question long gone,
    with or without a restart between. Now nothing stops on it: the resident is asked
    again, and "có" at once then does it."""
    path = ward_settings.data_dir / "bot.sqlite3"
    now = [1_800_000_000.0]
    async with await Store.open(path) as store:
        bot = Conversation(ward_engine, store, ward_settings, clock=lambda: now[0])
        await store.subscribe(CHAT, "bhyt")
        await one(bot, "/unfolow all")
        now[0] += 3 * 3600
        if restarted:
            bot = Conversation(ward_engine, store, ward_settings, clock=lambda: now[0])
        neighbour = ChatRef("test", "43")  # asked meanwhile: the first chat's stays
        await store.subscribe(neighbour, "bhyt")
        await bot.handle_text(neighbour, "/nollow all", sender="43")
        asked = await one(bot, "ừ có")
        assert asked.text == msg.unsubscribe_asked_long_ago()
        assert await store.subscriptions_of(CHAT) == ["bhyt"]
        now[0] += 30
        assert (await one(bot, "có")).text == msg.unsubscribed_all(1, "Bảo hiểm y tế")
        assert await store.subscriptions_of(CHAT) == []


@pytest.mark.parametrize("unclear", ["hihi", "👍", "em hiểu rồi"])
async def test_a_guess_answered_neither_yes_nor_no_is_still_asked(
    conversation: Conversation, store: Store, unclear: str
) -> None:
    """ "hihi" or "👍" to the question is no clear yes: nothing stops, and the resident is
    told so (not "Dạ vâng ạ", which sounds done); "có" after it still stops them."""
    await store.subscribe(CHAT, "bhyt")
    await one(conversation, "/nollow all")
    still = await one(conversation, unclear)
    assert still.text == msg.unsubscribe_unconfirmed() and still.keeps_choices
    assert await store.subscriptions_of(CHAT) == ["bhyt"]
    await say(conversation, "có")
    assert await store.subscriptions_of(CHAT) == []


async def test_a_guess_that_stops_a_topic_is_asked_and_its_button_stops_it(
    conversation: Conversation, store: Store
) -> None:
    """ "/unsubscibe bhyt": the topic named, asked about; its button stops it. A guess
    naming no topic the chat follows is an unknown command, as before guessing."""
    await store.subscribe(CHAT, "bhyt")
    await store.subscribe(CHAT, "cu-tru")
    asked = await one(conversation, "/unsubscibe bhyt")
    assert asked.text.startswith("Ý anh/chị là /unsubscribe bhyt (ngừng nhận tin “Bảo hiểm y tế”)?")
    assert await store.subscriptions_of(CHAT) == ["bhyt", "cu-tru"]
    (stopped,) = await conversation.handle_action(CHAT, asked.buttons[0].action)
    assert stopped.text.startswith(msg.unsubscribed("Bảo hiểm y tế"))
    assert await store.subscriptions_of(CHAT) == ["cu-tru"]
    unknown = await one(conversation, "/unsubscibe hộ tịch")
    assert unknown.text == msg.unknown_command("/unsubscibe")
    assert await store.subscriptions_of(CHAT) == ["cu-tru"]


@pytest.mark.parametrize("text", ["bỏ theo dõi hết", "hủy hết", "/unsubscribe all"])
async def test_stopping_all_of_one_topic_names_it(
    conversation: Conversation, store: Store, text: str
) -> None:
    """Following one topic, "stop them all" says which one stopped, as stopping it by
    name does; of several, how many."""
    await store.subscribe(CHAT, "bhyt")
    stopped = await one(conversation, text)
    assert "“Bảo hiểm y tế”" in stopped.text and "chủ đề anh/chị đang theo dõi" not in stopped.text
    assert await store.subscriptions_of(CHAT) == []
    await store.subscribe(CHAT, "bhyt")
    await store.subscribe(CHAT, "cu-tru")
    assert (await one(conversation, text)).text == msg.unsubscribed_all(2)


@pytest.mark.parametrize(("text", "topic"), [("hủy bhyt", "bhyt"), ("bo cu tru", "cu-tru")])
async def test_stopping_a_followed_topic_by_its_name_alone_stops_it(
    conversation: Conversation, store: Store, text: str, topic: str
) -> None:
    """ "Hủy bhyt" under /mysubs, with no "nhận tin": the topic the chat follows, named
    exactly, stops (it was read as a question about health insurance). Not followed, or
    named by a procedure ("hủy kết hôn": a keyword of Hộ tịch), it stays a question."""
    await store.subscribe(CHAT, "bhyt")
    await store.subscribe(CHAT, "cu-tru")
    await store.subscribe(CHAT, "ho-tich")
    stopped = await one(conversation, text)
    assert stopped.title is None and stopped.text.startswith("Dạ, đã hủy nhận tin về “")
    assert topic not in await store.subscriptions_of(CHAT)
    again = await one(conversation, text)
    assert not again.text.startswith(("Dạ, đã hủy", "Dạ, anh/chị chưa đăng ký nhận tin"))
    await one(conversation, "hủy kết hôn")
    assert "ho-tich" in await store.subscriptions_of(CHAT)


@pytest.mark.parametrize("text", ["/forgit", "/stats", "/forge", "/froget", "/ofrget"])
async def test_forget_and_admin_commands_are_never_guessed(
    conversation: Conversation, store: Store, text: str
) -> None:
    """/forget deletes what the chat follows: only typed as it is. An admin's /stats
    (0.8 alike to /start) is an unknown command where admin commands do not exist."""
    await store.subscribe(CHAT, "bhyt")
    reply = await one(conversation, text)
    assert reply.text == msg.unknown_command(text)
    assert await store.subscriptions_of(CHAT) == ["bhyt"]


@pytest.mark.parametrize("text", ["/usbscribe all", "/nsubscribe all"])
async def test_a_command_as_near_to_subscribe_as_to_unsubscribe_is_not_guessed(
    conversation: Conversation, store: Store, text: str
) -> None:
    """ "/usbscribe all" (the first two letters of /subscribe swapped) was taken for
    /unsubscribe: a resident following every topic stopped them all."""
    await store.subscribe(CHAT, "bhyt")
    reply = await one(conversation, text)
    assert reply.text == msg.unknown_command(text.split()[0])
    assert await store.subscriptions_of(CHAT) == ["bhyt"]


# --- questions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "faq_id"),
    [
        ("Mức đóng BHYT hộ gia đình là bao nhiêu?", "bhyt-muc-dong-ho-gia-dinh"),
        ("muc dong bhyt ho gia dinh", "bhyt-muc-dong-ho-gia-dinh"),
        ("mất thẻ bhyt", "bhyt-mat-the"),
        ("dang ky tam tru can giay to gi", "dang-ky-tam-tru"),
        ("đăng ký thường trú ở đâu", "dang-ky-thuong-tru"),
        ("đăng ký khai sinh", "dang-ky-khai-sinh"),
        ("đăng ký tạm trú", "dang-ky-tam-tru"),
        ("hoc bong khuyen hoc xet cho ai", "hoc-bong-khuyen-hoc"),
    ],
)
async def test_questions_get_the_faq_answer(
    conversation: Conversation, ward_engine: Engine, store: Store, question: str, faq_id: str
) -> None:
    entry = ward_engine.corpus.document(faq_id)
    reply = await one(conversation, question)
    assert entry is not None and reply.title == entry.question
    assert reply.text.startswith(entry.answer.strip()[:40])
    assert reply.footer == "Nguồn: Hỏi đáp thủ tục của UBND Phường 2"
    assert await store.subscriptions_of(CHAT) == []  # "đăng ký ..." questions are not subscriptions
    # A topic's keyword ("tạm trú", "khai sinh") is not its name: nothing to follow offered.
    assert not any(b.label.startswith(msg.subscribe_button("")) for b in reply.buttons)


async def test_an_answer_offers_its_links_and_related_questions(conversation: Conversation) -> None:
    reply = await one(conversation, "dang ky tam tru can giay to gi")
    *related, missed = reply.buttons
    assert related, "related questions expected"
    assert all(b.action.startswith("faq:") for b in related)
    assert "faq:dang-ky-tam-tru" not in [b.action for b in related]
    assert missed.label == msg.WRONG_BUTTON  # last: "sai rồi" in one tap
    assert reply.buttons_title == msg.RELATED
    fee = await one(conversation, "muc dong bhyt ho gia dinh")
    assert [(link.label, link.url) for link in fee.links] == [
        (msg.READ_MORE, "https://baohiemxahoi.gov.vn/bhyt?a=1&b=2")
    ]


async def test_related_entries_with_a_notice_among_them_are_called_content_not_questions(
    conversation: Conversation,
) -> None:
    with_notice = await one(conversation, "gia hạn thẻ bhyt")
    assert any(b.action.startswith("ann:") for b in with_notice.buttons)
    (text,), _ = render_plain([with_notice])
    assert "Nội dung liên quan:\n\n1. " in text and "Câu hỏi liên quan" not in text
    questions = await one(conversation, "đăng ký thường trú ở đâu")
    *related, _ = questions.buttons
    assert related and all(b.action.startswith("faq:") for b in related)
    (text,), _ = render_plain([questions])
    assert "Câu hỏi liên quan:\n\n1. " in text


async def test_pressing_a_related_question_opens_it(conversation: Conversation) -> None:
    first = await one(conversation, "dang ky tam tru can giay to gi")
    button = first.buttons[0]
    (opened,) = await conversation.handle_action(CHAT, button.action)
    assert opened.title is not None and button.label.rstrip("…") in opened.title
    assert opened.footer == "Nguồn: Hỏi đáp thủ tục của UBND Phường 2"


async def test_an_out_of_scope_question_gets_an_apology_and_the_hotline(
    conversation: Conversation,
) -> None:
    reply = await one(conversation, "giá vàng hôm nay bao nhiêu")
    assert reply.text.startswith("Dạ, em xin lỗi, hiện em chưa có thông tin về câu hỏi này ạ.")
    assert "gọi đường dây nóng 0276 3822 123" in reply.text
    assert reply.title is None


async def test_an_expired_announcement_says_so_before_anything_else(
    conversation: Conversation,
) -> None:
    """Asked about a past campaign, the resident gets it, marked as a record, not news."""
    reply = await one(conversation, "chiến dịch diệt lăng quăng phòng sốt xuất huyết")
    assert reply.title == "Chiến dịch diệt lăng quăng phòng sốt xuất huyết"
    assert reply.text.startswith(
        "⚠️ Lưu ý: thông báo này đã hết hạn (có hiệu lực đến ngày 30/06/2024), chỉ còn để tham khảo."
    )
    current = await one(conversation, "điều chỉnh mức đóng bhyt hộ gia đình từ 01/7/2024")
    assert current.title is not None and "hết hạn" not in current.text


async def test_an_announcement_shows_its_date_source_and_a_way_to_read_it_all(
    conversation: Conversation,
) -> None:
    reply = await one(conversation, "điều chỉnh mức đóng bhyt hộ gia đình từ 01/7/2024")
    assert reply.title == "Về việc điều chỉnh mức đóng BHYT hộ gia đình từ 01/7/2024"
    assert reply.footer == "Thông báo ngày 15/07/2024"
    assert [link.url for link in reply.links] == ["https://phuong.example.gov.vn/tin/bhyt-2024"]
    assert msg.TRIMMED_NOTE in reply.text
    assert "Đoạn 7" not in reply.text
    full = reply.buttons[0]
    assert full.label == msg.FULL_TEXT_BUTTON
    (whole,) = await conversation.handle_action(CHAT, full.action)
    assert "Đoạn 7" in whole.text and msg.TRIMMED_NOTE not in whole.text


@pytest.mark.parametrize("source", ["https://phuong.example.gov.vn/tin/quy-hoach", None])
def test_read_it_all_of_a_huge_notice_sends_a_few_messages_then_where_the_rest_is(
    ward_settings: Settings, source: str | None
) -> None:
    """A 200 KB decree opened with "Xem toàn văn": not hundreds of messages on any channel."""
    body = "\n\n".join(
        f"Điều {n}. " + "Quy định chi tiết về quy hoạch khu dân cư của phường. " * (2 + n % 15)
        for n in range(400)
    )
    notice = Announcement("2024-07-30-quy-hoach", "Quy hoạch", dt.date(2024, 7, 30), body)
    reply = document_reply(
        replace(notice, source=source), ward_settings, today=dt.date(2024, 8, 1), full=True
    )
    zalo_messages, zalo_menu = render_plain([reply])
    telegram_messages = render_html(reply)
    assert 1 <= len(zalo_messages) <= 3 and 1 <= len(telegram_messages) <= 3
    assert zalo_messages[0].startswith("Quy hoạch\n\nĐiều 0.") and zalo_menu == []
    if source:
        assert zalo_messages[-1].endswith(f"{msg.ORIGINAL_DOCUMENT}: {source}")
        assert "xem tiếp" in zalo_messages[-1]
    else:
        assert f"Bộ phận Một cửa của {ward_settings.ward_name}" in zalo_messages[-1]
    assert "Điều 399." not in "".join(zalo_messages)


OUTAGE = Announcement(
    "2024-07-23-cup-dien-khan",
    "Tạm ngừng cung cấp điện khu phố 3, 4 ngày 25/7",
    dt.date(2024, 7, 23),
    "## Thông báo khẩn\n\n"
    "Do sự cố đường dây trung thế, Điện lực tạm ngừng cung cấp điện khu phố 3 và khu phố 4 "
    "từ 7 giờ đến 16 giờ ngày 25/7/2024 để sửa chữa, thay thế thiết bị. "
    "Các hộ dân, cơ sở kinh doanh chủ động sắp xếp công việc, không đến gần khu vực thi công. "
    "Mọi thắc mắc xin liên hệ tổng đài Điện lực 1900 1006 hoặc bộ phận một cửa UBND phường "
    "trong giờ hành chính để được hướng dẫn cụ thể, kể cả ngoài giờ khi có việc khẩn cấp.\n\n"
    "Trân trọng thông báo.",
)


def test_an_alert_fills_its_room_past_a_heading_and_a_long_paragraph() -> None:
    """An alert whose notice opens with a heading, then a paragraph longer than the alert:
    the resident reads the heading and most of the paragraph, not the heading alone."""
    (alert,) = render_plain([alert_reply(OUTAGE)])[0]
    text = alert_reply(OUTAGE).text
    assert text.startswith("Thông báo khẩn\n\nDo sự cố đường dây trung thế, Điện lực")
    assert "Các hộ dân, cơ sở kinh doanh chủ động" in text
    assert "tổng đài Điện lực 1900 1006" in text
    assert 380 < len(text) <= 400 and text.endswith("…")
    assert "Do sự cố đường dây trung thế" in alert


def test_a_preview_is_never_a_heading_alone() -> None:
    """A heading whose paragraph cannot start within the room is left out with it."""
    body = "Mở đầu thông báo. " * 20 + "\n\n## Thời gian\n\n" + "Từ 7 giờ đến 16 giờ. " * 30
    notice = replace(OUTAGE, body=body)
    text = alert_reply(notice).text
    assert "Thời gian" not in text and text.endswith("Mở đầu thông báo. …")


def test_a_paragraph_cut_in_a_preview_ends_with_a_whole_word() -> None:
    words = " ".join(f"từ{n}" for n in range(200))  # no sentence end to cut at
    text = alert_reply(replace(OUTAGE, body=words)).text
    assert len(text) <= 400 and text.endswith("…")
    assert text[:-1].split()[-1] in words.split()


def test_read_it_all_sends_up_to_its_limit_not_only_the_paragraphs_that_fit_whole(
    ward_settings: Settings,
) -> None:
    """A notice of long paragraphs opened with "Xem toàn văn": close to 3,000 characters of
    it (two Zalo messages), not the one paragraph that fits whole."""
    paragraph = (
        "Ủy ban MTTQ phường tổ chức hội nghị sơ kết công tác Mặt trận sáu tháng đầu năm. " * 20
    )
    notice = replace(OUTAGE, body="\n\n".join([paragraph.strip()] * 3))
    reply = document_reply(notice, ward_settings, today=dt.date(2024, 8, 1), full=True)
    shown, _ = reply.text.split("\n\n(Văn bản dài", 1)
    assert 2_800 < len(shown) <= 3_000
    assert shown.endswith("sáu tháng đầu năm. …")
    assert len("".join(render_plain([reply])[0])) > 2_800


STAFF_MARKDOWN = """\
## Thời gian

Từ **7 giờ** đến *16 giờ* ngày 25/7, __cả ngày__ _thứ Năm_.

### Khu vực ảnh hưởng

* Đường Nguyễn Huệ
+ Chợ phường
- Hẻm 12 < hẻm 14 > hẻm 16

| Khu phố | Giờ cắt |
|---|---|
| KP3 | 7:00 |
| KP4 | 12:00 |

Xem <https://pc.example.vn/tra_cuu> hoặc [tại đây](https://pc.example.vn/lich_cat_dien?khu=kp_3).\x20\x20
Giá \\*dự kiến\\*; `mã_KH` trên hóa đơn; mã BHYT_HGD, 2*3*4.
Tin mới: https://phuong2.example.vn/_tin_/*moi*"""

STAFF_PLAIN = """\
Thời gian

Từ 7 giờ đến 16 giờ ngày 25/7, cả ngày thứ Năm.

Khu vực ảnh hưởng

• Đường Nguyễn Huệ
• Chợ phường
• Hẻm 12 < hẻm 14 > hẻm 16

Khu phố — Giờ cắt
KP3 — 7:00
KP4 — 12:00

Xem https://pc.example.vn/tra_cuu hoặc tại đây (https://pc.example.vn/lich_cat_dien?khu=kp_3).
Giá *dự kiến*; mã_KH trên hóa đơn; mã BHYT_HGD, 2*3*4.
Tin mới: https://phuong2.example.vn/_tin_/*moi*"""


def test_staff_markdown_in_a_notice_reads_as_plain_text(ward_settings: Settings) -> None:
    """Headings apart, no emphasis marks, escapes or brackets, bullets as •, a table's rows
    as lines; an address keeps its underscores."""
    notice = replace(OUTAGE, body=STAFF_MARKDOWN)
    reply = document_reply(notice, ward_settings, today=dt.date(2024, 8, 1))
    assert reply.text == STAFF_PLAIN
    (zalo,), _ = render_plain([reply])
    assert STAFF_PLAIN in zalo


def test_staff_markdown_in_an_faq_answer_reads_as_in_a_notice(ward_settings: Settings) -> None:
    entry = FaqEntry("lich-cat-dien", "Lịch cắt điện khu phố 3?", STAFF_MARKDOWN + "\n")
    reply = document_reply(entry, ward_settings, today=dt.date(2024, 8, 1))
    assert reply.text == STAFF_PLAIN
    (telegram,) = render_html(reply)
    assert "**" not in telegram and "## " not in telegram and "|---" not in telegram


async def test_the_search_runs_with_the_typing_indicator(conversation: Conversation) -> None:
    shown: list[str] = []

    async def typing() -> None:
        shown.append("typing")

    await conversation.handle_text(CHAT, "mất thẻ bhyt", typing=typing)
    await conversation.handle_text(CHAT, "/help", typing=typing)
    assert shown == ["typing"]  # only a search shows it


# --- topics and subscriptions -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("/subscribe bhyt", "bhyt"),
        ("/subscribe@phuong2_test_bot Bảo hiểm y tế", "bhyt"),
        ("/subscribe bao hiem y te", "bhyt"),
        # As /help writes it ("/subscribe <chủ đề>"), or quoted as the replies quote it.
        ("/subscribe <bhyt>", "bhyt"),
        ("/subscribe “Học bổng và khuyến học”", "hoc-bong"),
        ("đăng ký nhận tin bhyt", "bhyt"),
        ("DANG KY NHAN TIN BHYT", "bhyt"),
        ("theo dõi tin học bổng", "hoc-bong"),
        ("nhận tin học bổng", "hoc-bong"),
        ("theo dõi bhyt", "bhyt"),
        ("theo doi hoc bong nhe", "hoc-bong"),
        ("nhan thong bao bhyt", "bhyt"),
        ("cho em đăng ký nhận thông báo về cư trú với ạ", "cu-tru"),
        # Spelt as the south says it (tr/ch, final ch/t): before, "chưa tìm thấy chủ đề".
        ("/subscribe cư chú", "cu-tru"),
        ("đăng ký nhận tin hộ tịt", "ho-tich"),
        # Asking to be told a topic's news: before, an answer about scholarships.
        ("có tin học bổng thì báo em nhé", "hoc-bong"),
        ("neu co thong bao ve cu tru thi nhan tui nghen", "cu-tru"),
        ("báo cho bác biết khi có tin bhyt", "bhyt"),
        ("gửi tin hộ tịch cho mình với", "ho-tich"),
        # "Tin tức" whole (not "tức học bổng"), the south's "nghen" closing, a phone's
        # "tb" and "e": before, a search, or "chưa tìm thấy chủ đề".
        ("nhận tin tức học bổng", "hoc-bong"),
        ("báo tui với nếu có tin cư trú nghen", "cu-tru"),
        ("co tb hoc bong thi bao e nhe", "hoc-bong"),
        # When, said after the topic's name: before, "chưa tìm thấy chủ đề 'học bổng năm
        # nay'"; and an interjection before it all ("ủa", "ơ"), once read as a question.
        ("có thông báo học bổng năm nay thì báo em", "hoc-bong"),
        ("co tin bhyt thang nay thi bao tui nghen", "bhyt"),
        ("có tin cư trú năm ni thì báo em với", "cu-tru"),
        ("theo dõi tin hộ tịch sắp tới nha", "ho-tich"),
        ("ủa có thông báo học bổng thì báo em nha", "hoc-bong"),
        ("ua ma co tin bhyt thi bao tui nha", "bhyt"),
        ("ơ cho em nhận tin cư trú", "cu-tru"),
        # Asked to do it for them, the south's "giùm", "dùm": before, a search for
        # "giùm tui bhyt" and nothing followed.
        ("theo dõi giùm tui bhyt nghen", "bhyt"),
        ("theo doi hoc bong dum em", "hoc-bong"),
        ("nhận tin cư trú giúp mình", "cu-tru"),
    ],
)
async def test_subscribing_in_words_or_by_command(
    conversation: Conversation, store: Store, ward_engine: Engine, text: str, topic: str
) -> None:
    reply = await one(conversation, text)
    name = ward_engine.corpus.topic(topic).name  # type: ignore[union-attr]
    assert reply.text == msg.subscribed(WARD_NAME, name)
    assert await store.subscriptions_of(CHAT) == [topic]
    again = await one(conversation, text)
    assert again.text == msg.already_subscribed(name)


@pytest.mark.parametrize(
    ("text", "topics"),
    [
        ("/subscribe bhyt, hoc bong", ["bhyt", "hoc-bong"]),
        ("đăng ký nhận tin bhyt và cư trú", ["bhyt", "cu-tru"]),
        ("theo dõi hộ tịch với học bổng", ["ho-tich", "hoc-bong"]),
    ],
)
async def test_several_topics_named_at_once_are_each_followed_and_stopped(
    conversation: Conversation, store: Store, ward_engine: Engine, text: str, topics: list[str]
) -> None:
    names = [ward_engine.corpus.topic(t).name for t in topics]  # type: ignore[union-attr]
    reply = await one(conversation, text)
    assert reply.text == msg.subscribed_several(WARD_NAME, names)
    assert sorted(await store.subscriptions_of(CHAT)) == sorted(topics)
    stopped = await one(conversation, f"/unfollow {' và '.join(topics)}")
    assert stopped.text == msg.unsubscribed_several(names)
    assert await store.subscriptions_of(CHAT) == []


async def test_several_topics_one_of_them_unknown_follow_none(
    conversation: Conversation, store: Store
) -> None:
    reply = await one(conversation, "/subscribe bhyt, giá vàng")
    assert reply.text.startswith("Dạ, em chưa tìm thấy chủ đề “bhyt, giá vàng”")
    assert await store.subscriptions_of(CHAT) == []
    # Under the topics there are, a button for each: the text says what to do with them.
    assert reply.buttons and reply.text.endswith("chọn chủ đề muốn nhận tin ở bên dưới nhé.")


@pytest.mark.parametrize(
    "text",
    [
        "nhan tin cho can bo phuong",
        "nhắn tin hỏi phường được không",
        "nhận tin học bổng ở đâu?",
        "theo dõi thẻ bhyt",
        "theo dõi hồ sơ cư trú",
        "gửi thông báo cho tổ trưởng khu phố",
        "có thông báo học bổng thì nộp hồ sơ ở đâu",
        "báo cho tôi khi có thông báo học bổng năm nay cần những giấy tờ gì",
    ],
)
async def test_texting_the_ward_is_no_subscription(
    conversation: Conversation, store: Store, text: str
) -> None:
    """Unaccented "nhan tin" is "nhắn tin" (to text) as often as "nhận tin" (to get news):
    only a topic named exactly, and no question, makes it a subscription; so with "theo
    dõi" ("theo dõi hồ sơ": to keep track of an application)."""
    replies = await say(conversation, text)
    assert all("chưa tìm thấy chủ đề" not in r.text for r in replies)
    assert await store.subscriptions_of(CHAT) == []


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("theo dõi giá xăng dầu", "giá xăng dầu"),
        ("theo doi ket qua xo so", "ket qua xo so"),
        ("cho em nhận tin về giá xăng dầu", "giá xăng dầu"),
        ("nhận thông báo kết quả xổ số", "kết quả xổ số"),
        # The asking for them is no part of what is not found ("giùm tui giá xăng dầu").
        ("theo dõi giùm tui giá xăng dầu nghen", "giá xăng dầu"),
        ("theo doi ket qua xo so dum em", "ket qua xo so"),
    ],
)
async def test_following_what_is_no_topic_shows_the_topics(
    conversation: Conversation, store: Store, text: str, wanted: str
) -> None:
    """Asked to follow what no topic covers, and that the bot knows nothing of as a
    question either, the resident is told it is no topic and shown those there are (with
    a button each), not "no information on this question"."""
    reply = await one(conversation, text)
    assert reply.text.startswith(f"Dạ, em chưa tìm thấy chủ đề “{wanted}”")
    assert reply.buttons and all(b.action.startswith("sub:") for b in reply.buttons)
    assert await store.subscriptions_of(CHAT) == []


async def test_texting_what_is_no_topic_stays_a_question(conversation: Conversation) -> None:
    """Unaccented "nhan tin" may be "nhắn tin" (to text): what follows is no topic asked
    for, and the message is answered as a question."""
    for text in ("nhan tin gia xang dau", "nhắn tin giá xăng dầu"):
        reply = await one(conversation, text)
        assert "chủ đề" not in reply.text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("đăng ký cư trú", "Cư trú"),
        ("dang ky ho tich", "Hộ tịch"),
        ("đăng ký học bổng", "Học bổng và khuyến học"),
    ],
)
async def test_registering_for_a_topic_is_a_question_with_following_one_tap_away(
    conversation: Conversation, store: Store, text: str, name: str
) -> None:
    """The verb "đăng ký" is how ward procedures are named: "đăng ký cư trú" asks how to register
    residence. It is answered (or offered) as any question; the topic it names is offered
    to follow, last, and that button subscribes without replacing the answer."""
    asked = await one(conversation, text)
    assert asked.text != msg.subscribed(WARD_NAME, name)
    assert await store.subscriptions_of(CHAT) == []
    follow = asked.buttons[-1]
    assert follow.label == msg.subscribe_button(name)
    assert [b.label for b in asked.buttons].count(follow.label) == 1
    (followed,) = await conversation.handle_action(CHAT, follow.action)
    assert followed.text == msg.subscribed(WARD_NAME, name) and not followed.replace
    assert len(await store.subscriptions_of(CHAT)) == 1
    again = await one(conversation, text)  # followed now: nothing more to offer
    assert msg.subscribe_button(name) not in [b.label for b in again.buttons]


@pytest.mark.parametrize(
    "text",
    [
        "/subscribe",
        "đăng ký nhận tin",
        "báo cho em khi có thông báo mới nhé",
        # The ward's news as a whole: before, "chưa tìm thấy chủ đề “phường”".
        "nhận tin nhắn của phường",
        "theo dõi tin tức của ủy ban phường",
        "theo doi thong bao tu phuong minh nha",
    ],
)
async def test_subscribe_without_a_topic_offers_the_list(
    conversation: Conversation, text: str
) -> None:
    reply = await one(conversation, text)
    assert "chưa tìm thấy" not in reply.text
    assert len(reply.buttons) == 4 and all(b.action.startswith("sub:") for b in reply.buttons)


async def test_an_unknown_topic_lists_the_real_ones(
    conversation: Conversation, store: Store
) -> None:
    for text in ("/subscribe tiêm chủng", "đăng ký nhận tin tiêm chủng"):
        reply = await one(conversation, text)
        assert "“tiêm chủng”" in reply.text
        assert "• Bảo hiểm y tế" in reply.text
        assert [b.action for b in reply.buttons][:1] == ["sub:bhyt"]
    assert await store.subscriptions_of(CHAT) == []
    await store.subscribe(CHAT, "bhyt")  # followed: marked, and not offered again
    reply = await one(conversation, "/subscribe tiêm chủng")
    assert "• Bảo hiểm y tế — đang nhận tin ✅" in reply.text
    assert [b.action for b in reply.buttons] == ["sub:hoc-bong", "sub:cu-tru", "sub:ho-tich"]


@pytest.mark.parametrize(
    "text",
    [
        "hủy đăng ký học bổng",
        "huy dang ky hoc bong",
        "/unsubscribe hoc-bong",
        "bỏ theo dõi học bổng",
    ],
)
async def test_unsubscribing_in_words_or_by_command(
    conversation: Conversation, store: Store, text: str
) -> None:
    await store.subscribe(CHAT, "hoc-bong")
    await store.subscribe(CHAT, "bhyt")
    reply = await one(conversation, text)
    assert reply.text == msg.unsubscribed("Học bổng và khuyến học")
    assert await store.subscriptions_of(CHAT) == ["bhyt"]


@pytest.mark.parametrize(
    "text", ["hủy đăng ký tạm trú", "huy dang ky ket hon", "/unsubscribe tạm trú"]
)
async def test_a_procedure_named_by_a_topic_keyword_never_unsubscribes(
    conversation: Conversation, store: Store, text: str
) -> None:
    """ "hủy đăng ký tạm trú" is about cancelling a residence registration: keywords of
    Cư trú or Hộ tịch are procedures, only a topic's own name stops its alerts."""
    await store.subscribe(CHAT, "cu-tru")
    await store.subscribe(CHAT, "ho-tich")
    reply = await one(conversation, text)
    assert reply.text not in (msg.unsubscribed("Cư trú"), msg.unsubscribed("Hộ tịch"))
    assert sorted(await store.subscriptions_of(CHAT)) == ["cu-tru", "ho-tich"]


@pytest.mark.parametrize(
    ("text", "unclear"),
    [("/unsubscribe bảo hiểm", "bảo hiểm"), ("hủy nhận tin tạm trú", "tạm trú")],
)
async def test_stopping_an_unclear_topic_offers_only_the_chats_own_topics_to_stop(
    conversation: Conversation, store: Store, text: str, unclear: str
) -> None:
    """Which topic to stop is unclear: the choices stop one of the chat's own topics,
    none subscribes to anything."""
    await store.subscribe(CHAT, "bhyt")
    await store.subscribe(CHAT, "cu-tru")
    reply = await one(conversation, text)
    assert reply.text == msg.unknown_topic_to_unsubscribe(unclear, ["Bảo hiểm y tế", "Cư trú"])
    assert [b.label for b in reply.buttons] == [
        msg.unsubscribe_button("Bảo hiểm y tế"),
        msg.unsubscribe_button("Cư trú"),
        msg.UNSUBSCRIBE_ALL_BUTTON,
    ]
    (stopped,) = await conversation.handle_action(CHAT, reply.buttons[0].action)
    assert stopped.text.startswith(msg.unsubscribed("Bảo hiểm y tế"))
    assert await store.subscriptions_of(CHAT) == ["cu-tru"]


async def test_stopping_an_unclear_topic_while_following_none_says_so(
    conversation: Conversation, store: Store
) -> None:
    reply = await one(conversation, "/unsubscribe bảo hiểm")
    assert reply.text == msg.unknown_topic_to_unsubscribe("bảo hiểm", [])
    assert "chưa nhận tin chủ đề nào" in reply.text
    assert reply.buttons == ()


@pytest.mark.parametrize(
    "text",
    [
        "/unsubscribe all",
        "huy dang ky tat ca",
        "hủy nhận tin tất cả",
        # In the resident's own words, with no verb of alerts, under /mysubs' list.
        "hủy hết",
        "thôi huỷ tất cả đi",
        "tắt hết thông báo",
        "cho em hủy hết đăng ký ạ",
    ],
)
async def test_unsubscribing_from_everything(
    conversation: Conversation, store: Store, text: str
) -> None:
    await store.subscribe(CHAT, "hoc-bong")
    await store.subscribe(CHAT, "bhyt")
    reply = await one(conversation, text)
    assert reply.text == msg.unsubscribed_all(2)
    assert await store.subscriptions_of(CHAT) == []


@pytest.mark.parametrize(
    "text",
    [
        "đúng hết",
        "dùng hết",
        "bỏ hết",
        "hủy hết hồ sơ",
        "hủy hết rồi à?",
        # Questions that start the same way.
        "hủy hết hạn thẻ bhyt",
        "thủ tục hủy tất cả giấy tờ cũ",
    ],
)
async def test_all_said_of_something_else_keeps_every_topic(
    conversation: Conversation, store: Store, text: str
) -> None:
    """ "Đúng hết" (all right), "bỏ hết" (throw it all away), a question: not "hủy hết"."""
    await store.subscribe(CHAT, "bhyt")
    reply = await one(conversation, text)
    assert reply.text != msg.unsubscribed_all(1)
    assert await store.subscriptions_of(CHAT) == ["bhyt"]


@pytest.mark.parametrize(
    "text",
    [
        "/subscribe all",
        "/subscribe tất cả",
        "đăng ký nhận tin tất cả các chủ đề",
        # As "theo dõi bhyt" follows one, and "bỏ theo dõi tất cả" stops them all.
        "theo dõi tất cả",
        "nhận tin tất cả các chủ đề nhé",
    ],
)
async def test_following_every_topic_at_once(
    conversation: Conversation, store: Store, text: str
) -> None:
    """A resident who wants every notice follows every topic in one go, as they can stop
    them all in one go; asked again, they are told they follow them all already."""
    await store.subscribe(CHAT, "cu-tru")
    reply = await one(conversation, text)
    assert reply.text == msg.subscribed_all(WARD_NAME, 4)
    assert sorted(await store.subscriptions_of(CHAT)) == ["bhyt", "cu-tru", "ho-tich", "hoc-bong"]
    again = await one(conversation, text)
    assert again.text == msg.subscribed_all(WARD_NAME, 0)


async def test_unsubscribing_from_everything_reads_naturally_for_one_topic_or_several(
    conversation: Conversation, store: Store
) -> None:
    await store.subscribe(CHAT, "bhyt")
    one_topic = await one(conversation, "/unsubscribe all")
    assert one_topic.text.startswith("Dạ, đã hủy nhận tin về “Bảo hiểm y tế”.")  # named
    for topic in ("bhyt", "hoc-bong", "cu-tru"):
        await store.subscribe(CHAT, topic)
    several = await one(conversation, "hủy nhận tin tất cả")
    assert several.text.startswith("Dạ, đã hủy nhận tin cả 3 chủ đề anh/chị đang theo dõi.")


async def test_mysubs_empty_then_listed(conversation: Conversation, store: Store) -> None:
    empty = await one(conversation, "/mysubs")
    assert empty.text == msg.mysubs([])
    await store.subscribe(CHAT, "bhyt")
    listed = await one(conversation, "tôi đang theo dõi gì")
    assert "• Bảo hiểm y tế" in listed.text
    assert [b.label for b in listed.buttons] == [msg.unsubscribe_button("Bảo hiểm y tế")]
    # The text says what its button does, as the numbered list on Zalo does.
    assert listed.text.endswith("Muốn bỏ nhận tin chủ đề này, anh/chị chọn bên dưới.")


async def test_topic_buttons_toggle_and_update_the_list(
    conversation: Conversation, store: Store
) -> None:
    (subscribed,) = await conversation.handle_action(CHAT, "sub:cu-tru")
    assert subscribed.replace
    assert subscribed.text.startswith(msg.subscribed(WARD_NAME, "Cư trú"))
    assert "unsub:cu-tru" in [b.action for b in subscribed.buttons]
    assert await store.subscriptions_of(CHAT) == ["cu-tru"]
    (unsubscribed,) = await conversation.handle_action(CHAT, "unsub:cu-tru")
    assert unsubscribed.text.startswith(msg.unsubscribed("Cư trú"))
    assert "sub:cu-tru" in [b.action for b in unsubscribed.buttons]
    assert await store.subscriptions_of(CHAT) == []


async def test_a_button_of_mysubs_shows_the_topics_still_followed_not_every_topic(
    conversation: Conversation, store: Store
) -> None:
    """After "🔕 Bỏ nhận tin" in /mysubs, the list shown is what the chat still follows:
    no button there subscribes to anything."""
    await store.subscribe(CHAT, "bhyt")
    await store.subscribe(CHAT, "hoc-bong")
    mine = await one(conversation, "/mysubs")
    (after,) = await conversation.handle_action(CHAT, mine.buttons[0].action)
    assert after.replace
    assert after.text == "\n\n".join(
        [msg.unsubscribed("Bảo hiểm y tế"), msg.mysubs(["Học bổng và khuyến học"])]
    )
    assert [b.label for b in after.buttons] == [msg.unsubscribe_button("Học bổng và khuyến học")]
    (last,) = await conversation.handle_action(CHAT, after.buttons[0].action)
    assert last.text == msg.unsubscribed("Học bổng và khuyến học")
    assert [b.label for b in last.buttons] == [msg.TOPICS_BUTTON]
    assert await store.subscriptions_of(CHAT) == []


async def test_a_topic_removed_from_faq_yaml_is_shown_as_such_and_can_be_stopped(
    conversation: Conversation, store: Store
) -> None:
    """The chat followed "quan-su" before staff removed it: /mysubs names it by its id,
    marked as no longer offered, and both its button and /unsubscribe stop it."""
    gone = msg.retired_topic("quan-su")
    assert gone.startswith("quan-su") and gone != "quan-su"
    await store.subscribe(CHAT, "bhyt")
    await store.subscribe(CHAT, "quan-su")
    mine = await one(conversation, "/mysubs")
    assert mine.text == msg.mysubs(["Bảo hiểm y tế", gone])
    assert mine.buttons[1].label == msg.unsubscribe_button(gone)
    (pressed,) = await conversation.handle_action(CHAT, mine.buttons[1].action)
    assert pressed.text.startswith(msg.unsubscribed(gone))
    assert await store.subscriptions_of(CHAT) == ["bhyt"]
    await store.subscribe(CHAT, "quan-su")
    typed = await one(conversation, "/unsubscribe quan-su")
    assert typed.text == msg.unsubscribed(gone)
    assert await store.subscriptions_of(CHAT) == ["bhyt"]


async def test_forget_deletes_the_chats_subscriptions(
    conversation: Conversation, store: Store
) -> None:
    await store.subscribe(CHAT, "bhyt")
    assert (await one(conversation, "xóa dữ liệu của tôi")).text == msg.forget_done()
    assert await store.subscriptions_of(CHAT) == []
    await store.subscribe(CHAT, "bhyt")
    assert (await one(conversation, "/forget")).text == msg.forget_done()
    assert await store.subscriptions_of(CHAT) == []


@pytest.mark.parametrize(
    "text",
    ["quên tôi đi", "Quên em đi nhé", "xóa hết thông tin của tôi đi", "đừng lưu gì của tôi"],
)
async def test_forget_as_residents_say_it_deletes_the_chats_subscriptions(
    conversation: Conversation, store: Store, text: str
) -> None:
    await store.subscribe(CHAT, "bhyt")
    assert (await one(conversation, text)).text == msg.forget_done()
    assert await store.subscriptions_of(CHAT) == []


@pytest.mark.parametrize(
    "text",
    [
        "quên mật khẩu VNeID",
        "quên mang căn cước",
        "em quên mật khẩu tài khoản",
        "xóa đăng ký tạm trú",
        "xoa an tich",
    ],
)
async def test_forgetting_something_else_is_a_question_and_deletes_nothing(
    conversation: Conversation, store: Store, text: str
) -> None:
    await store.subscribe(CHAT, "bhyt")
    assert parse_intent(text).kind == "question"
    assert (await one(conversation, text)).text != msg.forget_done()
    assert await store.subscriptions_of(CHAT) == ["bhyt"]


async def test_forget_leaves_the_questions_nowhere_in_the_database_files(
    conversation: Conversation, ward_settings: Settings
) -> None:
    """Not even in the free pages or the write-ahead log, while the bot keeps running."""
    question = "giấy phép nuôi chim họa mi zqxwv ở khu phố 9"
    await say(conversation, question)
    database = ward_settings.data_dir / "bot.sqlite3"
    wal = database.with_name("bot.sqlite3-wal")
    files = (database, wal)
    assert any(b"zqxwv" in path.read_bytes() for path in files if path.exists())
    assert (await one(conversation, "/forget")).text == msg.forget_done()
    for path in files:
        if path.exists():
            assert b"zqxwv" not in path.read_bytes(), path.name


async def test_forget_leaves_nothing_of_the_chat_in_the_conversations_memory(
    conversation: Conversation,
) -> None:
    """Every per-chat structure the conversation keeps in memory (the latest question, the
    subject of follow-ups, a procedure awaited, the greeting, what was read back from the
    database...) lets the chat go at /forget: one added later is checked too."""
    for text in ("alo", "mất thẻ bhyt", "lệ phí bao nhiêu?", "giấy phép nuôi chim zqxwv"):
        await say(conversation, text)
    memory = conversation.memory
    per_chat = {name: v for name, v in vars(memory).items() if isinstance(v, LastPerChat)}
    key = (CHAT.channel, CHAT.chat_id)
    held = [name for name, kept in per_chat.items() if key in kept]
    assert len(held) >= 5, held  # the chat is remembered in most of them

    assert (await one(conversation, "/forget")).text == msg.forget_done()

    assert [name for name, kept in per_chat.items() if key in kept] == []


# --- announcements ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        *("/latest", "tin mới", "thông báo mới nhất", "co tin gi moi khong"),
        # What's new, said as residents say it: before, "chưa có thông tin" or a guess.
        *("có gì mới không", "phường có tin gì mới không ạ", "bên phường có gì mới không"),
        *("dạo này phường có thông báo gì không", "hôm nay có thông báo gì mới không"),
        # Asked of the bot by name: "... không anh", "... hông chị", "... chưa em".
        *("có tin gì mới không anh", "co gi moi hong chi", "có thông báo gì mới chưa em"),
        # Asking politely first, or calling, names no subject ("hỏi", "chị ơi" are none).
        *("cho em hỏi có gì mới không", "chị ơi có gì mới không", "anh có tin gì mới không"),
        # The centre's "chi" (gì) of no subject: before, "chưa có thông tin".
        *("có chi mới không", "co tin chi chua rua", "có thông báo chi mới chưa"),
    ],
)
async def test_latest_lists_current_announcements_newest_first(
    conversation: Conversation, text: str
) -> None:
    reply = await one(conversation, text)
    lines = [line for line in reply.text.splitlines() if line.startswith("• ")]
    assert lines[0].startswith("• 25/07/2024 — Lịch tiếp công dân")
    assert lines[1].startswith("• 20/07/2024 — Thông báo xét học bổng")
    assert "lăng quăng" not in reply.text  # expired on 30/06/2024
    assert len(reply.buttons) == 3


BHYT_NOTICE = "2024-07-15-dieu-chinh-muc-dong-bhyt"


@pytest.mark.parametrize(
    "text",
    [
        "có gì mới về bhyt không",
        "co thong bao moi ve bao hiem y te khong",
        "bhyt có gì mới hông",  # the south's "hông"
        "dạo này thẻ bhyt có tin gì mới không anh",
        "xem tin mới về bảo hiểm y tế",
        # Asked politely or calling first: the subject is still "bhyt" alone.
        "cho em hỏi bhyt có gì mới không ạ",
        "chị ơi có thông báo mới về bhyt không",
        "bhyt có chi mới không",  # the centre's "chi" (gì)
    ],
)
async def test_whats_new_about_a_topic_lists_only_its_notices(
    conversation: Conversation, text: str
) -> None:
    """Before, "chưa có thông tin", or an FAQ answer on BHYT: now the topic's notices,
    as /latest lists them (the notice's `topics` name it)."""
    reply = await one(conversation, text)
    assert reply.text.startswith("Thông báo mới nhất của UBND Phường 2 về bảo hiểm y tế:")
    assert [b.action for b in reply.buttons] == [make_action("ann", BHYT_NOTICE)]
    assert reply.numbered_text is not None and "về bảo hiểm y tế" in reply.numbered_text


@pytest.mark.parametrize(
    "text",
    [
        "bhyt có thông báo chưa",
        "thẻ bhyt đã có thông báo chưa ạ",
        "đã có lịch phát thẻ bhyt chưa",
        "co thong bao bao hiem y te chua",
        "chị ơi bhyt có lịch chưa",
    ],
)
async def test_whether_a_topics_news_is_out_yet_lists_its_notices(
    conversation: Conversation, text: str
) -> None:
    """ "Has the health insurance notice come out yet": before, an FAQ answer about
    health insurance or "chưa có thông tin"; now what "có gì mới về bhyt" lists."""
    reply = await one(conversation, text)
    assert reply.text.startswith("Thông báo mới nhất của UBND Phường 2 về bảo hiểm y tế:")
    assert [b.action for b in reply.buttons] == [make_action("ann", BHYT_NOTICE)]


@pytest.mark.parametrize(
    "text",
    [
        # Naming no topic: a question about that ("tiếp công dân" has a notice, by title).
        "đã có lịch tiếp công dân chưa",
        "khi nào có thông báo nhận tiền",
        # "Có thông báo không" may ask whether one must notify: a question.
        "tạm trú có thông báo không",
    ],
)
async def test_whether_news_is_out_of_no_topic_is_a_question(
    ward_engine: Engine, store: Store, ward_settings: Settings, text: str
) -> None:
    """Answered as the question it is, as another chat's search for it answers it."""
    replies = await say(Conversation(ward_engine, store, ward_settings), text)
    assert all("thông báo mới" not in reply.text for reply in replies), text
    other = ChatRef(CHAT.channel, "another")
    asked = await Conversation(ward_engine, store, ward_settings).questions.answer(
        other, text, None
    )
    assert [r.text for r in replies] == [r.text for r in asked]


async def test_whats_new_about_a_topic_gives_its_notice_not_its_faq_answer(
    conversation: Conversation,
) -> None:
    reply = await one(conversation, "học bổng có gì mới chưa")
    assert "Thông báo xét học bổng khuyến học năm 2024" in reply.text
    assert "hoàn cảnh khó khăn" not in reply.text  # the FAQ answer on scholarships


async def test_whats_new_about_a_subject_reads_the_titles_of_notices_without_topics(
    conversation: Conversation,
) -> None:
    """No topic names "tiếp công dân", and its notice has none: its title has the words."""
    reply = await one(conversation, "lịch tiếp công dân có gì mới không")
    assert [b.action for b in reply.buttons] == [make_action("ann", LONG_NOTICE_ID)]
    assert "về lịch tiếp công dân" in reply.text


async def test_whats_new_about_a_subject_without_notices_says_so_and_answers(
    conversation: Conversation,
) -> None:
    """No current notice on residence (nor any on dengue: that one expired): one line says
    so, and the question is answered as any other would be."""
    none, *answer = await say(conversation, "dạo này có tin gì về tạm trú không")
    # What was asked, and the topic that holds it (before, "về cư trú" alone).
    assert none.text == "Dạ, hiện chưa có thông báo mới nào về tạm trú (chủ đề Cư trú)."
    assert answer and answer[0].title == "Đăng ký tạm trú cần giấy tờ gì?"
    # Typed without accents: quoted back with them, where the ward's texts make them plain.
    for text in ("sốt xuất huyết có thông báo gì mới không", "sot xuat huyet co tin gi moi ko"):
        none, *_ = await say(conversation, text)
        assert none.text == "Dạ, hiện chưa có thông báo mới nào về sốt xuất huyết.", text
    # "Căn" (of "căn cước") is no "cần" to drop as politeness: the subject is whole.
    for text in ("căn cước có gì mới không", "can cuoc co tin gi moi khong"):
        none, *_ = await say(conversation, text)
        assert none.text.endswith(("về căn cước.", "về can cuoc.")), text


@pytest.mark.parametrize(
    "text",
    [
        "làm cccd mới ở đâu",
        "mẫu tờ khai mới",
        "hộ nghèo mới thoát nghèo có được hỗ trợ không",
        "con mới sinh làm khai sinh cần gì",
        "có tin gì về học bổng thì báo em nhé",
        # The resident's own matters, and what was just said: a question, as before.
        *("hồ sơ của tôi có gì mới không", "đơn của em có tin gì chưa"),
        *("có gì mới về cái này không", "vụ đó có gì mới chưa"),
    ],
)
async def test_questions_saying_moi_are_no_news_request(
    conversation: Conversation, text: str
) -> None:
    for reply in await say(conversation, text):
        assert "thông báo mới" not in reply.text, text


async def test_labels_too_long_for_a_button_are_cut_between_words(
    conversation: Conversation,
) -> None:
    reply = await one(conversation, "/latest")
    headings = [
        line[2:].replace(" — ", " ") for line in reply.text.splitlines() if line[:2] == "• "
    ]
    labels = [button.label for button in reply.buttons]
    cut = [(label, full) for label, full in zip(labels, headings, strict=True) if label != full]
    assert cut, "the ward has a notice whose title does not fit on a button"
    for label, full in cut:
        assert len(label) <= MAX_LABEL_CHARS and label.endswith("…")
        assert full.startswith(label.removesuffix("…") + " "), label  # whole words only
    assert labels[0] == "25/07/2024 Lịch tiếp công dân định kỳ của Chủ tịch UBND…"


async def test_an_announcement_with_a_long_id_opens_from_its_button(
    conversation: Conversation,
) -> None:
    assert len(f"ann:{LONG_NOTICE_ID}".encode()) > MAX_ACTION_BYTES
    latest = await one(conversation, "/latest")
    action = latest.buttons[0].action
    assert action == make_action("ann", LONG_NOTICE_ID)
    (opened,) = await conversation.handle_action(CHAT, action)
    assert opened.title == "Lịch tiếp công dân định kỳ của Chủ tịch UBND phường tháng 8"
    assert opened.footer == "Thông báo ngày 25/07/2024"


async def test_a_stale_button_is_answered_politely(conversation: Conversation) -> None:
    for action in ("faq:removed-entry", "sub:removed-topic", "whatever", "full:bhyt-mat-the"):
        (reply,) = await conversation.handle_action(CHAT, action)
        assert reply.text == msg.not_found()


# --- small talk and odd input -------------------------------------------------------------


async def test_a_greeting_again_soon_after_gets_a_line_not_the_whole_greeting(
    ward_engine: Engine, store: Store, ward_settings: Settings
) -> None:
    """ "alo", then "alo có ai không", "bạn là ai": before, the whole greeting (what the
    bot can do, an example) came each time. Soon after one, with nothing asked since, the
    bot greets back in a line (not "em vẫn đang ở đây", odd right after its own hello), and
    the list on screen stays; ten minutes later, the greeting again."""
    now = [1_700_000_000.0]
    conversation = Conversation(ward_engine, store, ward_settings, clock=lambda: now[0])
    full = ward_greeting()
    assert (await one(conversation, "alo")).text == full
    for again in ("alo có ai không", "bạn là ai", "xin chao", "chào ad"):
        now[0] += 60
        reply = await one(conversation, again)
        assert (
            reply.text == msg.greeted_back("UBND Phường 2", example=EXAMPLE) and reply.keeps_choices
        )
        assert "trợ lý tự động của UBND Phường 2" in reply.text
        assert "vẫn đang ở đây" not in reply.text
    now[0] += 11 * 60
    assert (await one(conversation, "chào ad")).text == full
    other = ChatRef("test", "43")  # /start greets in full, and counts as the greeting
    assert (await conversation.handle_text(other, "/start"))[0].text == full
    assert (await conversation.handle_text(other, "xin chao"))[0].text == msg.greeted_back(
        "UBND Phường 2", example=EXAMPLE
    )


async def test_in_a_group_each_member_is_greeted_as_themselves(
    ward_engine: Engine, store: Store, ward_settings: Settings
) -> None:
    """In a group, one member's welcome is no greeting of another: before, member 2's
    "alo" right after member 1's /start got "greeted back" (as though welcomed), and a
    member who had just asked got it too, not "em vẫn đang ở đây". Each member is greeted
    as their own conversation says: welcomed, greeted back, or still there."""
    now = [1_700_000_000.0]
    conversation = Conversation(ward_engine, store, ward_settings, clock=lambda: now[0])
    group = ChatRef("test", "-500", private=False)
    ward = "UBND Phường 2"
    await conversation.handle_text(group, "mất thẻ bhyt thì làm sao", sender="3")
    now[0] += 60
    [welcome, _topics] = await conversation.handle_text(group, "/start", sender="1")
    assert welcome.text == ward_greeting(ward)
    now[0] += 60
    [first] = await conversation.handle_text(group, "alo", sender="2")
    assert first.text == ward_greeting(ward)
    now[0] += 60
    for sender in ("1", "2"):
        [back] = await conversation.handle_text(group, "chào ad", sender=sender)
        assert back.text == msg.greeted_back(ward, example=EXAMPLE), sender
    [still] = await conversation.handle_text(group, "alo có ai không", sender="3")
    assert still.text == msg.greeted_again(ward, example=EXAMPLE)


async def test_a_greeting_mid_conversation_says_the_bot_is_still_there(
    ward_engine: Engine, store: Store, ward_settings: Settings
) -> None:
    """ "alo có ai không" a few minutes after a question (the resident waited, read, came
    back): "em vẫn đang ở đây", whether the bot welcomed them first or not; a greeting an
    hour after the last question is a new visit, welcomed in full."""
    now = [1_700_000_000.0]
    conversation = Conversation(ward_engine, store, ward_settings, clock=lambda: now[0])
    again = msg.greeted_again("UBND Phường 2", example=EXAMPLE)
    for chat, first in ((CHAT, "/start"), (ChatRef("test", "44"), None)):
        if first is not None:
            await conversation.handle_text(chat, first)
        now[0] += 60
        await conversation.handle_text(chat, "mất thẻ bhyt thì làm sao")
        now[0] += 5 * 60
        (reply,) = await conversation.handle_text(chat, "alo có ai không")
        assert reply.text == again and reply.keeps_choices
    now[0] += 3600
    (reply,) = await conversation.handle_text(CHAT, "alo có ai không")
    assert reply.text == ward_greeting()


@pytest.mark.parametrize(
    "text",
    [
        "chào",
        "xin chào ad",
        "alo",
        "a lô",  # as a phone is answered, typed apart
        "a lo",
        "alô",
        "A lô ạ",
        "Chào phường ạ",
        "chào xã ạ",  # a commune's residents greet theirs
        "chào cháu",  # an older resident, to the bot as to a young officer
        "hello",
        # Is anyone there? The greeting says who is.
        "alo có ai không",
        "Có ai trực không ạ",
        "có cán bộ ở đây không",
        # Who answers? The greeting says: the ward's automatic assistant.
        "bạn là ai",
        "em là người thật hay máy vậy",
    ],
)
async def test_a_greeting_alone_gets_the_greeting(conversation: Conversation, text: str) -> None:
    assert (await one(conversation, text)).text == ward_greeting()


@pytest.mark.parametrize(
    ("text", "said"),
    [
        # The south's "nghen", "nhen", "hen", "nè", and how it names a young officer: "bé".
        ("cảm ơn em nghen", msg.thanks()),
        ("cám ơn bé nhen", msg.thanks()),
        ("cam on nhieu hen", msg.thanks()),
        ("ok nghen", msg.acknowledged()),
        ("dạ được rồi nè", msg.acknowledged()),
        # The centre's "hỉ", "nờ", "rứa" (so): "ok rứa hỉ" is no greeting "hi".
        ("ok rứa hỉ", msg.acknowledged()),
        ("dạ vâng hỉ", msg.acknowledged()),
        ("cảm ơn nờ", msg.thanks()),
        ("chào ad nghen", ward_greeting()),
        # Who is there, asked with a particle: the greeting says.
        ("alo có ai hông dzậy", ward_greeting()),
        ("có ai trực hông nè", ward_greeting()),
        ("bạn là ai rứa", ward_greeting()),
    ],
)
async def test_small_talk_closed_by_a_central_or_southern_particle_is_small_talk(
    conversation: Conversation, store: Store, text: str, said: str
) -> None:
    """A particle of central or southern speech closing thanks, an ok or a greeting is
    as "nhé" is: not "em chưa có thông tin về câu hỏi này", nor close matches."""
    reply = await one(conversation, text)
    assert reply.text == said and reply.buttons == ()
    assert await store.question_counts(0) == (0, 0)


@pytest.mark.parametrize("text", ["đúng rồi đó", "phải rồi nghen", "có đó"])
async def test_yes_closed_by_a_southern_particle_opens_the_close_match(
    ward_engine: Engine, store: Store, ward_settings: Settings, text: str
) -> None:
    """ "Dạ, có phải anh/chị muốn hỏi câu dưới đây?" — "đúng rồi đó": that entry."""
    conversation = Conversation(ward_engine, store, ward_settings, clock=lambda: 1_800_000_000.0)
    (offered,) = (await one(conversation, "thủ tục hành chính")).buttons
    opened = await one(conversation, text)
    assert [opened] == await conversation.handle_action(CHAT, offered.action)


@pytest.mark.parametrize("text", ["😢", "😭😭", "😡", "😤", "👎"])
async def test_an_upset_emoji_alone_is_asked_what_happened(
    conversation: Conversation, store: Store, text: str
) -> None:
    """Sad, angry or displeased, with no answer before it to have missed: not "Dạ vâng ạ" nor an
    apology for an answer never given, but what happened and how the ward helps (here,
    with no staff desk, the hotline); nothing is logged as a question."""
    reply = await one(conversation, text)
    angry = text in ("😡", "😤", "👎")
    assert reply.text == msg.upset(WARD_NAME, "0276 3822 123", angry=angry, staff=False)
    assert reply.text.startswith("Dạ, em rất tiếc" if angry else "Dạ, anh/chị đừng buồn")
    assert "0276 3822 123" in reply.text
    assert await store.question_counts(0) == (0, 0)


async def test_an_angry_emoji_under_an_answer_says_it_missed_and_question_marks_ask_what(
    conversation: Conversation, store: Store
) -> None:
    """ "???" under an answer: what was unclear in it (not "cần hỏi gì?" as if nothing
    had been answered); "😡" under it: the answer missed, as "sai rồi" says; "???" with
    no answer before it: what to ask."""
    assert (await one(conversation, "???")).text == msg.ask_what(EXAMPLE)
    await one(conversation, "bhyt")  # close matches: which one is unclear, not an answer
    assert (await one(conversation, "???")).text == msg.ask_what(EXAMPLE)
    await one(conversation, "mất thẻ bhyt thì làm sao")
    assert (await one(conversation, "???")).text == msg.unclear()
    sorry = await one(conversation, "😡")
    assert sorry.text.startswith("Dạ, em xin lỗi vì trả lời chưa đúng ý anh/chị.")
    assert "mất thẻ bhyt thì làm sao" in await store.unanswered(0)


@pytest.mark.parametrize(
    "text", ["không hiểu", "k hiểu gì cả", "em chưa hiểu lắm ạ", "khó hiểu quá", "chưa rõ ạ"]
)
async def test_saying_it_was_not_understood_asks_what_was_unclear(
    conversation: Conversation, store: Store, text: str
) -> None:
    """ "Không hiểu" under an answer: what in it was unclear, as "???" gets, not 'no
    information about this question'; with no answer before it: what to ask. Neither
    is a question for staff's /unanswered; a question naming what it asks about is."""
    assert (await one(conversation, text)).text == msg.ask_what(EXAMPLE)
    await one(conversation, "mất thẻ bhyt thì làm sao")
    assert (await one(conversation, text)).text == msg.unclear()
    assert await store.unanswered(0) == []
    asked = await one(conversation, "tôi không hiểu thủ tục đăng ký tạm trú")
    assert asked.title == "Đăng ký tạm trú cần giấy tờ gì?"


@pytest.mark.parametrize(
    "text",
    [
        "ko hiu",  # "không hiểu" typed the phone way
        "e hok hỉu j hết",
        "hổng hiểu gì hết trơn",  # southern
        "khum hiuuu",
        "chưa hiểu lắm ạ",
        "vậy là sao ad",
        "nghĩa là chi rứa",  # central
        "dị là sao ta",  # southern
    ],
)
async def test_puzzlement_as_phones_and_regions_say_it_asks_what_was_unclear(
    conversation: Conversation, store: Store, text: str
) -> None:
    """Under an answer, "không hiểu" however it is typed or said, and "là sao" (what
    does that mean), get what was unclear: not 'no information about this question',
    and nothing for staff's /unanswered."""
    await one(conversation, "mất thẻ bhyt thì làm sao")
    assert (await one(conversation, text)).text == msg.unclear()
    assert await store.unanswered(0) == []


@pytest.mark.parametrize(
    "text",
    [
        "không hiểu sao thẻ bhyt bị khóa",
        "ko hiu sao dang ky tam tru bi tu choi",
        "tạm vắng là sao",
        "thẻ bhyt nghĩa là gì",
    ],
)
def test_a_question_with_puzzled_words_in_it_is_still_a_question(text: str) -> None:
    """Words of puzzlement around a subject of its own ask about that subject."""
    assert parse_intent(text).kind == "question"


@pytest.mark.parametrize(
    "text", ["có ai được miễn học phí không", "ai ký xác nhận không", "BHYT là gì"]
)
def test_a_question_about_who_is_no_greeting(text: str) -> None:
    assert parse_intent(text).kind == "question"


@pytest.mark.parametrize(
    "text", ["cảm ơn", "cam on ad nhieu a", "ok cảm ơn nhé", "ok cảm ơn", "thanks"]
)
async def test_thanks_get_a_short_polite_reply(conversation: Conversation, text: str) -> None:
    assert (await one(conversation, text)).text == msg.thanks()


@pytest.mark.parametrize(
    "text",
    [
        "c.ơn",
        "c.on",
        "c ơn",
        "C.ơn ad nhiều ạ",
        "em c.ơn chị",
        "cám ơn nhiều",
        "c.ơn, chúc ad sức khỏe",
    ],
)
async def test_thanks_typed_short_after_an_answer_are_thanks(
    conversation: Conversation, store: Store, text: str
) -> None:
    """ "c.ơn" ("cảm ơn" typed short) under an answer: a short polite reply, not a search for
    what "c" may abbreviate ("no information", or another ward's answer on căn cước)."""
    answered = await one(conversation, "mất thẻ bhyt thì làm sao")
    assert "VssID" in answered.text
    reply = await one(conversation, text)
    assert reply.text == msg.thanks() and reply.buttons == ()
    async with store.db.execute("SELECT count(*) FROM questions WHERE answered = 0") as rows:
        assert (await rows.fetchone()) == (0,)  # not logged as an unanswered question


@pytest.mark.parametrize("text", ["c ổn không", "c ổn rồi ạ"])
async def test_a_c_before_another_word_than_on_is_not_thanked_for(
    conversation: Conversation, text: str
) -> None:
    """ "c ổn không" asks "chị ổn không": no "không có gì ạ" to it."""
    await one(conversation, "mất thẻ bhyt thì làm sao")
    assert all(reply.text != msg.thanks() for reply in await say(conversation, text))


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("vâng", msg.acknowledged()),
        ("dạ", msg.acknowledged()),
        ("được rồi", msg.acknowledged()),
        ("ok", msg.acknowledged()),
        ("dạ vâng, em hiểu rồi ạ", msg.acknowledged()),
        ("👍", msg.liked()),
        ("😊😊😊", msg.liked()),
        ("❤️", msg.liked()),
        ("🌹🌹", msg.liked()),
        ("🙏", msg.thanks()),
        ("hihi", msg.acknowledged()),
        ("haha ok ạ", msg.acknowledged()),
        ("đc r", msg.acknowledged()),
        ("hehe cảm ơn ad", msg.thanks()),
        ("dạ con cảm ơn cô chú", msg.thanks()),
        # An older resident calls the bot "cháu" (grandchild), as they would a young officer.
        ("cảm ơn cháu", msg.thanks()),
        ("cam on chau nhieu nhe", msg.thanks()),
        ("ok cháu", msg.acknowledged()),
        ("cảm ơn xã nhiều", msg.thanks()),
        # The officer who answered, thanked for it.
        ("cảm ơn chị đã hỗ trợ", msg.thanks()),
        ("dạ em cảm ơn cán bộ ạ", msg.thanks()),
        ("Cảm ơn chị Lan nhiều ạ", msg.thanks()),
        ("cảm ơn chị Thu Hà đã hỗ trợ", msg.thanks()),
        ("em cam on ad da tra loi", msg.thanks()),
        ("dạ con hiểu rồi ạ", msg.acknowledged()),
        ("dạ em nhận được rồi ạ", msg.acknowledged()),
        ("ok đã nhận", msg.acknowledged()),
        ("xong rồi ạ", msg.acknowledged()),
        ("tốt quá", msg.acknowledged()),
        ("tuyệt vời ạ", msg.acknowledged()),
        ("chân thành cảm ơn", msg.thanks()),
        # Thanked for as politely when said rudely ("mày", "mi") or in English.
        ("cam on may", msg.thanks()),
        ("cảm ơn mày", msg.thanks()),
        ("cảm ơn mi nhé", msg.thanks()),
        ("tks", msg.thanks()),
        ("thank you", msg.thanks()),
        ("ok thanks", msg.thanks()),
        ("thanks a lot", msg.thanks()),
        ("many thanks", msg.thanks()),
        ("thank kiu", msg.thanks()),
        ("oke", msg.acknowledged()),
        ("okie", msg.acknowledged()),
        ("bye", msg.farewell()),
        ("chúc mừng năm mới ad nhé", msg.wished()),
        ("em chúc cả nhà một ngày tốt lành", msg.wished()),
        # "Nhiều" typed "nhieu", "nhiu" before what is wished, or after thanks: no "bao
        # nhiêu" (that one closes a message: "được nhiu z").
        ("chuc ad nhieu suc khoe", msg.wished()),
        ("chúc cả nhà nhiu sức khỏe nha", msg.wished()),
        ("cảm ơn nhiu", msg.thanks()),
        ("tạm biệt", msg.farewell()),
        ("cảm ơn em, tạm biệt nhé", msg.farewell()),
        # Thanks and good wishes, a goodbye, each said in its own part of the message.
        ("Dạ em cảm ơn chị, chúc chị sức khỏe", msg.thanks()),
        ("em cảm ơn chị chúc chị sức khỏe ạ", msg.thanks()),
        ("cảm ơn cán bộ. Tạm biệt", msg.farewell()),
        ("Chào chị, em cảm ơn ạ", msg.thanks()),
        # Leaving, said of oneself: a goodbye ("thôi" here stops nothing).
        ("thôi con đi đây ạ", msg.farewell()),
        ("thoi tui di nghen", msg.farewell()),
        ("em về nha chị", msg.farewell()),
        ("hẹn mai gặp lại nha", msg.farewell()),
        ("gặp lại sau nghen", msg.farewell()),
        ("chúc ad ngủ ngon", msg.farewell()),
        ("ngủ ngon nhé", msg.farewell()),
        # The south's "ừa", "ờ ha", "ok ha": ok.
        ("ừa", msg.acknowledged()),
        ("ờ ha, được rồi", msg.acknowledged()),
        ("ok ha em", msg.acknowledged()),
        # Praise: thanked for, as "👍" is.
        ("hay quá ta", msg.liked()),
        ("em giỏi ghê", msg.liked()),
        ("bot xịn thiệt", msg.liked()),
        ("giỏi quá, cảm ơn nghen", msg.thanks()),
        # "You're welcome" to the bot's thanks.
        ("hổng có chi nghen", msg.acknowledged()),
        ("dạ không có gì đâu ạ", msg.acknowledged()),
        # The centre thanks its elders: "mệ" (grandmother), "bọ" (father).
        ("con cảm ơn mệ", msg.thanks()),
        ("cam on bo nha", msg.thanks()),
    ],
)
async def test_acknowledgements_and_farewells_get_a_short_natural_reply(
    conversation: Conversation, store: Store, text: str, said: str
) -> None:
    """Not "no information about this question", no suggestions, no "text only"."""
    reply = await one(conversation, text)
    assert reply.text == said and reply.buttons == ()
    async with store.db.execute("SELECT count(*) FROM questions") as rows:
        assert (await rows.fetchone()) == (0,)  # not logged as an unanswered question


@pytest.mark.parametrize("emoji", ["😂", "🇻🇳", "😅😅", "🎉"])
async def test_an_emoji_saying_neither_thanks_nor_ok_is_not_thanked_for(
    conversation: Conversation, emoji: str
) -> None:
    """ "😂", "🇻🇳" were taken as thanks ("em cảm ơn anh/chị"). Sent first, they get the
    line saying how to ask; under an answer, a short neutral line."""
    first = await one(conversation, emoji)
    assert first.text == msg.ask_what(EXAMPLE)
    await one(conversation, "mất thẻ bhyt thì làm sao")
    under = await one(conversation, emoji)
    assert under.text == msg.emoji_seen() and "cảm ơn" not in under.text


async def test_a_thumbs_up_thanks_once_for_each_answer(conversation: Conversation) -> None:
    """ "👍" then "🙏" under one answer: one friendly line, then nothing (a line for each
    was chatter); under the next answer, the line again. Typed thanks always get theirs."""
    await one(conversation, "mất thẻ bhyt thì làm sao")
    assert (await one(conversation, "👍")).text == msg.liked()
    assert await conversation.handle_text(CHAT, "🙏") == []
    assert await conversation.handle_text(CHAT, "👍🏻") == []
    assert (await one(conversation, "cảm ơn ạ")).text == msg.thanks()
    await one(conversation, "đăng ký tạm trú cần giấy tờ gì")
    assert (await one(conversation, "🙏")).text == msg.thanks()


@pytest.mark.parametrize(
    "text",
    [
        "không muốn nhận tin nữa",
        "đừng gửi tin nữa",
        "thôi nhận tin",
        "em không muốn nhận thông báo nữa ạ",
        # Naming no news ("gửi" alone), "khỏi" (no need), the south's "hông".
        "thôi khỏi gửi nữa nha",
        "dung nhan nua",
        "đừng gửi cho tui nữa",
        "hông nhận tin nữa đâu",
    ],
)
async def test_asking_to_stop_alerts_offers_each_topic_and_all_deleting_nothing_yet(
    conversation: Conversation, store: Store, text: str
) -> None:
    await store.subscribe(CHAT, "bhyt")
    await store.subscribe(CHAT, "cu-tru")
    reply = await one(conversation, text)
    assert [b.label for b in reply.buttons] == [
        msg.unsubscribe_button("Bảo hiểm y tế"),
        msg.unsubscribe_button("Cư trú"),
        msg.UNSUBSCRIBE_ALL_BUTTON,
    ]
    assert sorted(await store.subscriptions_of(CHAT)) == ["bhyt", "cu-tru"]
    (stopped,) = await conversation.handle_action(CHAT, reply.buttons[-1].action)
    assert stopped.text == msg.unsubscribed_all(2)
    assert await store.subscriptions_of(CHAT) == []
    nothing = await one(conversation, text)
    assert nothing.text == msg.unsubscribed_all(0) and nothing.buttons == ()


@pytest.mark.parametrize("text", ["thôi em đi đây", "thôi tui đi nghen", "thoi minh ve nha"])
async def test_leaving_is_a_goodbye_and_stops_no_alerts(
    conversation: Conversation, store: Store, text: str
) -> None:
    """ "Thôi em đi đây" says goodbye: the "thôi" of it asks to stop nothing."""
    await store.subscribe(CHAT, "bhyt")
    reply = await one(conversation, text)
    assert reply.text == msg.farewell() and reply.buttons == ()
    assert await store.subscriptions_of(CHAT) == ["bhyt"]


@pytest.mark.parametrize(
    "text",
    [
        "thôi việc có được trợ cấp không",
        "em đi làm ở xa có phải đăng ký tạm trú không",
        "đi đâu để làm căn cước",
        "hay là phải nộp ở phường",
        "không có giấy tờ gì thì sao",
        "gặp lại cán bộ hôm qua ở đâu",
    ],
)
def test_questions_with_words_of_small_talk_stay_questions(text: str) -> None:
    assert parse_intent(text).kind == "question"


@pytest.mark.parametrize(
    "text", ["thôi gửi cho em đi", "thoi gui di", "sao phường không gửi tin nữa", "không gửi tin"]
)
async def test_asking_to_be_sent_or_saying_alerts_stopped_coming_offers_no_stopping(
    conversation: Conversation, store: Store, text: str
) -> None:
    """ "Thôi gửi cho em đi" is "well, send it to me then"; "(phường) không gửi tin" says
    alerts do not come: neither is asked to stop them (the topics to stop came)."""
    await store.subscribe(CHAT, "bhyt")
    replies = await say(conversation, text)
    stop = msg.unsubscribe_button("Bảo hiểm y tế")
    assert all(b.label != stop for r in replies for b in r.buttons)
    assert await store.subscriptions_of(CHAT) == ["bhyt"]


@pytest.mark.parametrize("text", ["", "   ", "?!...", "?", "hả?", "Gì vậy", "ủa", "mô rứa"])
async def test_nothing_to_read_asks_what_the_question_is(
    conversation: Conversation, text: str
) -> None:
    # Not "I can only read text": it was text.
    assert (await one(conversation, text)).text == msg.ask_what(EXAMPLE)


@pytest.mark.parametrize(
    "text",
    [
        "cho em hỏi",
        "Cho mình hỏi chút ạ",
        "em muốn hỏi",
        "ad ơi",
        "cho e hoi cai",
        "hỏi tí được ko",
        "tui muốn hỏi cái ni",
        "cho con hỏi với ạ",
        "Vâng, cảm ơn bạn. Cho mình hỏi thêm",
    ],
)
async def test_asking_to_ask_invites_the_question(
    conversation: Conversation, store: Store, text: str
) -> None:
    """The question comes in the next message: not "no information about this question"
    (nothing was asked yet), and nothing for staff's /unanswered."""
    shown = await one(conversation, "/topics")
    reply = await one(conversation, text)
    assert reply.text == msg.go_ahead(EXAMPLE) and reply.buttons == ()
    assert reply.keeps_choices and shown.buttons  # "2" next still picks from the topics
    async with store.db.execute("SELECT count(*) FROM questions") as rows:
        assert (await rows.fetchone()) == (0,)


@pytest.mark.parametrize(
    "text",
    [
        "cảm ơn, cho hỏi thông tin học bổng",
        "Cảm ơn. Hướng dẫn làm căn cước",
        "cảm ơn Tạm trú",
        "cảm ơn chị Lan, mất thẻ bhyt thì sao",
    ],
)
def test_thanks_before_a_question_leave_it_a_question(text: str) -> None:
    assert parse_intent(text).kind == "question"


@pytest.mark.parametrize("text", ["có", "không", "được không"])
def test_a_yes_or_no_alone_is_not_asking_to_ask(text: str) -> None:
    assert parse_intent(text).kind != "opener"


@pytest.mark.parametrize("text", ["thẻ", "hộ", "hà"])
def test_a_word_typed_with_other_accents_is_no_puzzlement(text: str) -> None:
    assert parse_intent(text).kind == "question"


@pytest.mark.parametrize(
    "text",
    [
        "sai rồi",
        "Không phải ạ",
        "ko dung",
        "trả lời sai rồi em ơi",
        "không phải ý tôi",
        "dạ không phải ạ",
        "sai rồi bạn ơi",
        "không phải thế",
        "ý em không phải vậy",
        "chả liên quan",
        "bạn hiểu nhầm rồi",
        "em hỏi cái khác mà",
        "không phải cái ni",  # central "ni": này
        # The south's "trật" (wrong), "trật lất" (completely wrong).
        "trật lất hết rồi bot ơi",
        "trat roi",
        "bot trả lời không đúng",
        "câu trả lời chưa đúng ý",
        # A complaint about the answer itself: it missed, not the ward's service.
        "em không hài lòng với câu trả lời",
        "tôi không hài lòng với câu trả lời của bot",
        "không",  # to "có phải anh/chị muốn hỏi ...?"
        # Said rudely: the same, not an answer found for the insult.
        "ngu",
        "bot ngu quá",
        "trả lời vớ vẩn",
        "Đồ vô dụng",
        # With what the resident went through around it.
        "hỏi mãi mà không trả lời được, bot ngu quá",
        "răng hỏi hoài mà bot cứ trả lời sai bét, ngu thế",
    ],
)
async def test_saying_the_answer_missed_offers_the_other_close_matches_and_tells_staff(
    conversation: Conversation, store: Store, text: str
) -> None:
    question = "mất thẻ bhyt làm sao"
    answered = await one(conversation, question)
    assert answered.title == "Mất thẻ bảo hiểm y tế thì làm sao?"
    sorry = await one(conversation, text)
    assert sorry.text.startswith("Dạ, em xin lỗi vì trả lời chưa đúng ý anh/chị. Có phải")
    offered = [b.label for b in sorry.buttons]
    assert 1 <= len(offered) <= 3 and answered.title not in offered
    # Staff see it among the questions the bot could not answer (/unanswered, /stats).
    assert await store.unanswered(0) == [question]
    assert await store.question_counts(0) == (1, 1)
    # Said again, of the same question: no list again, a way to ask again and the hotline.
    again = await one(conversation, "sai rồi")
    assert again.text.startswith("Dạ, em xin lỗi vì trả lời chưa đúng ý anh/chị.\n\n")
    assert "0276 3822 123" in again.text and again.buttons == ()


@pytest.mark.parametrize(
    "text",
    [
        "cán bộ làm việc thái độ quá, hẹn mãi không trả hồ sơ, tôi rất bức xúc",
        "can bo phuong hach dich qua",
        "Tôi không hài lòng với cách giải quyết của phường.",
    ],
)
async def test_a_complaint_about_staff_or_service_is_heard_not_answered_with_faq_entries(
    conversation: Conversation, store: Store, text: str
) -> None:
    """Acknowledged, and whom it goes to (the hotline; staff, with a desk: test_desk);
    no close matches, which would brush it off, and nothing for /unanswered to add."""
    heard = await one(conversation, text)
    assert heard.text == msg.complaint_heard("UBND Phường 2", "0276 3822 123")
    assert "0276 3822 123" in heard.text and heard.buttons == ()
    assert await store.unanswered(0) == []


async def test_a_complaint_about_the_answer_is_one_about_the_ward_without_an_answer(
    conversation: Conversation, store: Store
) -> None:
    """ "Em không hài lòng với câu trả lời" with no answer before it has no answer to take
    back: heard as a complaint; under an answer, one about staff's answer ("... của cán bộ
    phường") is still a complaint about the ward, not "sai rồi"."""
    heard = msg.complaint_heard("UBND Phường 2", "0276 3822 123")
    assert (await one(conversation, "em không hài lòng với câu trả lời")).text == heard
    answered = await one(conversation, "mất thẻ bhyt làm sao")
    assert answered.title == "Mất thẻ bảo hiểm y tế thì làm sao?"
    staff = await one(conversation, "em không hài lòng với câu trả lời của cán bộ phường")
    assert staff.text == heard
    assert await store.unanswered(0) == []


@pytest.mark.parametrize(
    "text",
    [
        "khiếu nại đất đai nộp ở đâu",
        "tôi rất bức xúc, mất thẻ bhyt thì làm sao",  # feelings aside, a procedure asked
        "cán bộ hẹn mai em quay lại",  # an appointment for tomorrow, not "hẹn mãi"
        "thái độ phục vụ quá tốt",
    ],
)
def test_a_question_or_praise_is_no_complaint(text: str) -> None:
    assert parse_intent(text).kind == "question"


async def test_a_procedure_asked_in_anger_is_still_answered(conversation: Conversation) -> None:
    answered = await one(conversation, "tôi rất bức xúc, mất thẻ bhyt thì làm sao")
    assert answered.title == "Mất thẻ bảo hiểm y tế thì làm sao?"
    # Asked without a word the complaint rule knows as asking: what the FAQ answers
    # outright is still a question, however it is said.
    upset = await one(conversation, "thật thất vọng, mất thẻ bhyt rồi có làm lại được không")
    assert upset.title == "Mất thẻ bảo hiểm y tế thì làm sao?"


@pytest.mark.parametrize(
    "text",
    [
        "chờ mãi không thấy ai trả lời, cho em hỏi phường có nhận hồ sơ chiều thứ bảy",
        "thất vọng quá, xin hỏi phường có trợ cấp cho người khuyết tật không",
        "cán bộ hẹn mãi, giờ em nộp lại hồ sơ ở phường khác có được không",
    ],
)
async def test_a_question_asked_in_a_grievance_is_treated_as_a_question(
    conversation: Conversation, store: Store, text: str
) -> None:
    """A resident who says a question comes ("cho em hỏi", "xin hỏi") or asks whether
    something may be done ("có được không") is not thanked for a complaint they did not
    make: told what the bot knows (here nothing), and the question is kept for staff's
    /unanswered, as any question the FAQ misses."""
    reply = (await say(conversation, text))[-1]
    assert msg.complaint_heard("UBND Phường 2", "0276 3822 123") not in reply.text
    assert await store.unanswered(0) == [text]


@pytest.mark.parametrize("text", ["bot ngu quá", "sai rồi", "dở hơi"])
async def test_saying_an_answer_missed_with_none_given_offers_help_not_an_apology(
    conversation: Conversation, store: Store, text: str
) -> None:
    """No answer yet (or none since /forget): nothing to be sorry for, nothing taken back;
    a calm reply saying how to ask, and the hotline."""
    calm = msg.nothing_to_take_back("UBND Phường 2", "0276 3822 123", example=EXAMPLE)
    first = await one(conversation, text)
    assert first.text == calm and "0276 3822 123" in first.text
    assert "xin lỗi vì trả lời" not in first.text
    await one(conversation, "mất thẻ bhyt làm sao")
    await one(conversation, "/forget")
    after = await one(conversation, text)
    assert after.text == calm and after.buttons == ()
    assert await store.unanswered(0) == []


async def test_the_button_under_an_answer_says_it_missed_in_one_tap(
    conversation: Conversation, store: Store
) -> None:
    """ "🙁 Chưa đúng ý tôi hỏi" under an answer does what "sai rồi" does: sorry, the other
    close matches, and the question goes to staff's /unanswered. Under an earlier answer
    it takes back nothing: it says which answer it belongs to."""
    earlier = await one(conversation, "dang ky tam tru can giay to gi")
    question = "mất thẻ bhyt làm sao"
    answered = await one(conversation, question)
    missed = answered.buttons[-1]
    assert missed.label == msg.WRONG_BUTTON
    [stale] = await conversation.handle_action(CHAT, earlier.buttons[-1].action)
    assert stale.text == msg.wrong_button_stale()
    assert await store.unanswered(0) == []
    [sorry] = await conversation.handle_action(CHAT, missed.action)
    assert sorry.text.startswith("Dạ, em xin lỗi vì trả lời chưa đúng ý anh/chị. Có phải")
    offered = [b.label for b in sorry.buttons]
    assert 1 <= len(offered) <= 3 and answered.title not in offered
    assert await store.unanswered(0) == [question]


async def test_after_a_restart_the_button_under_an_earlier_answer_takes_nothing_back(
    conversation: Conversation, store: Store, ward_engine: Engine, ward_settings: Settings
) -> None:
    """The bot restarted since its answers (its memory is gone; the question log is not):
    🙁 under an earlier answer still takes back nothing, rather than the chat's latest
    question; under the latest answer it does, the number in it as the log keeps it."""
    earlier = await one(conversation, "dang ky tam tru can giay to gi")
    question = "mất thẻ bhyt số 0912345678 làm sao"
    latest = await one(conversation, question)
    restarted = Conversation(ward_engine, store, ward_settings)
    [stale] = await restarted.handle_action(CHAT, earlier.buttons[-1].action)
    assert stale.text == msg.wrong_button_stale()
    assert await store.unanswered(0) == []
    [sorry] = await restarted.handle_action(CHAT, latest.buttons[-1].action)
    assert sorry.text.startswith("Dạ, em xin lỗi vì trả lời chưa đúng ý anh/chị.")
    assert await store.unanswered(0) == ["mất thẻ bhyt số … làm sao"]


async def test_no_missed_button_under_what_the_resident_opened_or_was_only_offered(
    conversation: Conversation,
) -> None:
    """An entry the resident opened themselves, or close matches offered, is no answer of
    the bot's to take back."""
    answered = await one(conversation, "dang ky tam tru can giay to gi")
    [opened] = await conversation.handle_action(CHAT, answered.buttons[0].action)
    assert msg.WRONG_BUTTON not in [b.label for b in opened.buttons]
    offered = (await conversation.handle_text(ChatRef("telegram", "999"), "đăng ký"))[0]
    assert offered.title is None and len(offered.buttons) >= 2
    assert msg.WRONG_BUTTON not in [b.label for b in offered.buttons]


async def test_scolding_the_bot_before_any_question_gets_help_and_the_hotline(
    conversation: Conversation, store: Store
) -> None:
    reply = await one(conversation, "mày ngu vl")  # no answer given: none to be sorry for
    assert reply.text == msg.nothing_to_take_back("UBND Phường 2", "0276 3822 123", example=EXAMPLE)
    assert reply.title is None and reply.buttons == ()
    async with store.db.execute("SELECT count(*) FROM questions") as rows:
        assert (await rows.fetchone()) == (0,)


@pytest.mark.parametrize(
    "text", ["ngủ", "nhập ngũ", "nhap ngu", "chị Ngọc ơi", "chi ngoc oi", "dot nay", "người dân"]
)
def test_words_an_insult_folds_to_are_no_insult(text: str) -> None:
    assert parse_intent(text).kind != "wrong"


async def test_in_a_group_saying_the_answer_missed_takes_back_only_ones_own_question(
    conversation: Conversation, store: Store
) -> None:
    """In a group, "sai rồi" from a member is about the answer they were given, not about
    another member's question asked since: that answer stands, and its alternatives are
    not offered; each member's own "sai rồi" takes theirs back."""
    group = ChatRef("telegram", "-100777", private=False)
    await conversation.handle_text(group, "mất thẻ bhyt làm sao", sender="501")
    await conversation.handle_text(group, "đăng ký khai sinh cần giấy tờ gì", sender="502")
    [sorry] = await conversation.handle_text(group, "sai rồi", sender="501")
    assert "Đăng ký khai sinh" not in " ".join(b.label for b in sorry.buttons)
    assert await store.unanswered(0) == ["mất thẻ bhyt làm sao"]
    [sorry] = await conversation.handle_text(group, "sai rồi", sender="502")
    assert sorry.buttons
    assert await store.unanswered(0) == ["đăng ký khai sinh cần giấy tờ gì", "mất thẻ bhyt làm sao"]
    [sorry] = await conversation.handle_text(group, "sai rồi", sender="503")  # asked nothing
    assert sorry.buttons == ()


async def test_saying_the_answer_missed_long_after_takes_nothing_back(
    ward_engine: Engine, store: Store, ward_settings: Settings
) -> None:
    now = [1_800_000_000.0]
    conversation = Conversation(ward_engine, store, ward_settings, clock=lambda: now[0])
    await one(conversation, "mất thẻ bhyt làm sao")
    now[0] += 2 * 3600  # another day's "sai rồi" is not about that answer
    sorry = await one(conversation, "sai rồi")
    assert sorry.buttons == () and await store.unanswered(0) == []


@pytest.mark.parametrize(
    "text",
    [
        "khai sai ngày sinh trong giấy khai sinh thì sửa thế nào",
        "không phải đóng bhyt à",
        "sai tên trên thẻ căn cước",
    ],
)
def test_questions_about_mistakes_stay_questions(text: str) -> None:
    assert parse_intent(text).kind == "question"


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1", "1"),
        ("2024", "2024"),
        ("số 3", "3"),
        ("chọn 2", "2"),
        ("mục số 1 nhé", "1"),
        ("chọn câu 2", "2"),  # with a list, it picks the second line
        ("cái thứ hai", "2"),  # counted as people count: no question for /unanswered
        ("câu thứ 3 ạ", "3"),
    ],
)
async def test_a_bare_number_with_no_list_on_screen_asks_for_a_question(
    conversation: Conversation, text: str, number: str
) -> None:
    reply = (await one(conversation, text)).text
    assert reply == msg.no_list_to_pick(number, EXAMPLE)
    assert f"“{number}”" in reply and "gõ câu hỏi" in reply  # not "I only read text"


@pytest.mark.parametrize("text", ["một", "Một", "mot", "một ạ", "1", "số một", "hai nhé"])
async def test_a_number_alone_with_no_list_says_there_is_none_and_asks_for_a_question(
    conversation: Conversation, text: str
) -> None:
    """ "một" alone, with nothing on screen to pick from: before, it was searched as a
    question and got whichever long entry had the word "một" in it. Now, as "1" and "số
    một": no list to pick from, type the question; a short line, no entry."""
    reply = await one(conversation, text)
    assert reply.text.startswith("Dạ, hiện không có danh sách nào để chọn “")
    assert "gõ câu hỏi" in reply.text and reply.title is None and len(reply.text) < 160


@pytest.mark.parametrize(
    "text", ["1 năm đóng bhyt bao nhiêu", "một năm đóng bhyt bao nhiêu", "hai vợ chồng"]
)
def test_a_question_opening_with_a_number_is_no_choice(text: str) -> None:
    assert parse_intent(text).kind != "number"


async def test_a_very_long_message_is_declined_politely(conversation: Conversation) -> None:
    reply = await one(conversation, "mất thẻ bhyt " * 800)
    assert reply.text == msg.too_long(1500)


async def test_decomposed_unicode_reads_like_composed(conversation: Conversation) -> None:
    composed = "Mất thẻ bảo hiểm y tế thì làm sao?"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert (await one(conversation, decomposed)).title == (await one(conversation, composed)).title


async def test_a_carriage_return_separates_words_like_a_space(
    conversation: Conversation,
) -> None:
    typed = "Đăng\r\nký\rkhai\x0bsinh\x1fcho con\rcần giấy tờ gì"
    reply = await one(conversation, typed)
    assert reply.title == "Đăng ký khai sinh cho con cần giấy tờ gì?"


@pytest.mark.parametrize("text", ["这是什么", "Как получить паспорт?", "<script>alert(1)</script>"])
async def test_other_scripts_and_markup_are_just_questions(
    conversation: Conversation, text: str
) -> None:
    reply = await one(conversation, text)
    assert reply.text.startswith("Dạ, em xin lỗi")


async def test_two_questions_in_one_message_get_an_answer_each(
    conversation: Conversation, store: Store
) -> None:
    """Asked whole, the engine gives the entry best covering both: often neither's."""
    question = "mất thẻ bhyt thì làm sao, còn đăng ký tạm trú cần giấy tờ gì?"
    first, second = await say(conversation, question)
    assert first.title == "Mất thẻ bảo hiểm y tế thì làm sao?"
    assert second.title == "Đăng ký tạm trú cần giấy tờ gì?"
    assert await store.question_counts(0) == (2, 0)  # two questions asked, answered
    sorry = await one(conversation, "sai rồi")  # takes the message back, as any answer
    assert sorry.text.startswith("Dạ, em xin lỗi vì trả lời chưa đúng ý anh/chị.")
    assert await store.unanswered(0) == [
        "còn đăng ký tạm trú cần giấy tờ gì",
        "mất thẻ bhyt thì làm sao",
    ]


async def test_of_two_questions_the_one_without_an_answer_is_named_not_dropped(
    conversation: Conversation, store: Store
) -> None:
    """One question answered, the other finding nothing: the answer, then the no-answer
    reply a question alone gets (the hotline), saying which question it is about; that
    question is in /unanswered, and "sai rồi" still takes back the message."""
    asked = "mất thẻ bhyt thì làm sao, còn giá vé xe buýt lên thành phố là bao nhiêu?"
    answer, unanswered = await say(conversation, asked)
    assert answer.title == "Mất thẻ bảo hiểm y tế thì làm sao?"
    assert unanswered.title is None
    assert unanswered.text == (
        f"{msg.about_parts(['giá vé xe buýt lên thành phố là bao nhiêu'])}\n\n"
        + msg.no_answer(WARD_NAME, "0276 3822 123")
    )
    assert msg.about_parts(["còn giá vé xe buýt"]) == "Về câu “Giá vé xe buýt”:"
    assert await store.unanswered(0) == ["còn giá vé xe buýt lên thành phố là bao nhiêu"]
    sorry = await one(conversation, "sai rồi")
    assert sorry.text.startswith("Dạ, em xin lỗi vì trả lời chưa đúng ý anh/chị.")
    assert "mất thẻ bhyt thì làm sao" in await store.unanswered(0)


async def test_two_lost_papers_in_one_question_are_answered_or_the_other_is_said_unknown(
    conversation: Conversation, store: Store
) -> None:
    """One sentence naming two papers: the ward's answer about the one it has, then,
    for the other, that the bot has no information and whom to ask (not silence); two
    papers the ward has: both answered.
    """
    answer, other = await say(conversation, "em bi mat ca the bhyt va bang lai xe thi lam sao")
    assert answer.title == "Mất thẻ bảo hiểm y tế thì làm sao?"
    assert other.text.startswith("Về câu")
    assert other.text.endswith(msg.no_answer(WARD_NAME, "0276 3822 123"))
    assert await store.unanswered(0) == ["em bi mat ca bang lai xe thi lam sao"]
    first, second = await say(conversation, "làm lại thẻ bhyt với giấy khai sinh ở đâu ạ")
    assert first.title == "Mất thẻ bảo hiểm y tế thì làm sao?"
    assert second.title == "Đăng ký khai sinh cho con cần giấy tờ gì?"


async def test_a_question_quoted_back_has_its_diacritics_put_back_or_is_not_quoted(
    conversation: Conversation,
) -> None:
    """The question of several nothing answers is named by the resident's words: typed
    without diacritics, quoted with them where the ward's texts spell each word plainly;
    with a word they never spell ("buyt"), not quoted (unaccented in an accented reply,
    it reads oddly) but called the question left."""
    answer, other = await say(conversation, "mat the bhyt thi lam sao? nop ho so ket hon o dau?")
    assert answer.title == "Mất thẻ bảo hiểm y tế thì làm sao?"
    assert other.text.startswith("Về câu “Nộp hồ sơ kết hôn ở đâu”:")
    asked = "mat the bhyt thi lam sao? gia ve xe buyt len thanh pho la bao nhieu?"
    _, other = await say(conversation, asked)
    assert other.text.startswith("Về câu hỏi còn lại:")
    assert "buyt" not in other.text
    # Asked first, its reply comes first: no question is "left" yet, it is the first.
    asked = "gia ve xe buyt len thanh pho la bao nhieu? mat the bhyt thi lam sao?"
    other, answer = await say(conversation, asked)
    assert other.text.startswith("Về câu hỏi thứ nhất:")
    assert answer.title == "Mất thẻ bảo hiểm y tế thì làm sao?"


async def test_unquoted_questions_left_in_two_replies_are_named_by_their_place(
    conversation: Conversation,
) -> None:
    """Two questions of three nothing answers, one with close matches and one without,
    neither quotable: each reply says which question it is about ("the question left",
    twice, would not)."""
    asked = (
        "mat the bhyt thi lam sao? gia vang hom nay bao nhieu?"
        " hoc bong cho sinh vien ngoai tinh thi sao?"
    )
    answer, *others = await say(conversation, asked)
    assert answer.title == "Mất thẻ bảo hiểm y tế thì làm sao?"
    # In the order asked, though the third has close matches and the second none.
    assert [other.text.split("\n")[0] for other in others] == [
        "Về câu hỏi thứ hai:",
        "Về câu hỏi thứ ba:",
    ]
    assert msg.about_parts([None, None], [2, 3]) == "Về các câu hỏi thứ hai và thứ ba:"


async def test_replies_to_several_questions_follow_the_order_asked(
    conversation: Conversation,
) -> None:
    """The question nothing answers asked first: its reply first, then the answer."""
    unknown, answer = await say(
        conversation, "giá vé xe buýt lên thành phố là bao nhiêu? mất thẻ bhyt thì làm sao?"
    )
    assert unknown.text.startswith("Về câu “Giá vé xe buýt lên thành phố là bao nhiêu”:")
    assert answer.title == "Mất thẻ bảo hiểm y tế thì làm sao?"


async def test_a_paper_whose_close_matches_name_nothing_of_it_gets_no_list(
    conversation: Conversation,
) -> None:
    """ "Mất ví": the entries found by "mất" alone are no match for a wallet; the line
    saying the bot has no information, not a list of lost papers."""
    wallet, answer = await say(conversation, "mất ví và thẻ bhyt thì làm sao")
    assert answer.title == "Mất thẻ bảo hiểm y tế thì làm sao?"
    assert wallet.text.startswith("Về câu “Mất ví thì làm sao”:")
    assert wallet.text.endswith(msg.no_answer(WARD_NAME, "0276 3822 123"))
    assert not [b for b in wallet.buttons if b.action.startswith("doc:")]


def test_papers_named_before_what_is_done_and_people_joined_by_va() -> None:
    """ "Khai sinh và khai tử làm ở đâu": asked of each as of one ("làm khai tử ở đâu");
    two people joined by "và" are one question about both, not two papers."""
    assert [part.text for part in paired_parts("khai sinh và khai tử làm ở đâu")] == [
        "làm khai sinh ở đâu",
        "làm khai tử ở đâu",
    ]
    # A capital opening the message (as phones put one) opens no part in its middle.
    assert [part.text for part in paired_parts("Khai sinh và khai tử làm ở đâu")] == [
        "làm khai sinh ở đâu",
        "làm khai tử ở đâu",
    ]
    assert paired_parts("CCCD và thẻ BHYT làm ở đâu")[0].text == "làm CCCD ở đâu"
    assert paired_parts("Lê Văn Nam và Phạm Thị Hoa đăng ký kết hôn ở đâu") == []
    assert paired_parts("vợ và chồng đăng ký kết hôn ở đâu") == []
    assert paired_parts("bố và mẹ làm giấy khai sinh cho con ở đâu") == []


def test_a_paper_whose_first_word_unaccented_is_a_verb_is_asked_of_whole() -> None:
    """ "can cuoc" (not "cần"), "bảo hiểm" (not "báo") start a paper's name; "rớt" is what
    happened to both papers, asked of the second too."""
    assert [part.text for part in paired_parts("mat ca can cuoc va the bhyt o dau")] == [
        "mat ca can cuoc o dau",
        "mat ca the bhyt o dau",
    ]
    assert [part.text for part in paired_parts("mất thẻ bảo hiểm và căn cước thì sao")] == [
        "mất thẻ bảo hiểm thì sao",
        "mất căn cước thì sao",
    ]
    assert paired_parts("làm rớt thẻ bhyt với bằng lái thì làm sao")[1].text == (
        "làm rớt bằng lái thì làm sao"
    )


def test_puzzlement_after_an_answer_is_no_question() -> None:
    """ "Thế thì là sao", "k hiểu sao lại vậy": what was unclear?, not 'no information';
    "không hiểu sao" before what happened is a question."""
    for said in ("thế thì là sao", "vay thi la sao", "k hiểu sao lại vậy", "ko hieu sao lai the"):
        assert parse_intent(said).kind == "huh", said
    assert parse_intent("không hiểu sao thẻ bhyt bị khóa").kind == "question"


def test_a_quoted_question_keeps_the_capitals_typed(ward_engine: Engine) -> None:
    assert ward_engine.accented("em muốn hỏi về Phường 2 ạ") == "em muốn hỏi về Phường 2 ạ"
    assert ward_engine.accented("mất CCCD thì làm sao") == "mất CCCD thì làm sao"


def test_a_word_joining_clauses_or_questions_names_no_two_papers() -> None:
    """ "Và" between what the resident did and wants, or between two questions, is no
    pair of papers: such a message is asked whole (or as its questions)."""
    assert paired_parts("em mới chuyển về và muốn đăng ký tạm trú thì làm sao") == []
    assert paired_parts("tạm trú cần giấy tờ gì và lệ phí bao nhiêu") == []
    assert paired_parts("em bị mất ví và cccd") == []  # asks nothing
    # Two papers weighed against each other: one question about both.
    assert paired_parts("bhyt và bhxh khác nhau thế nào") == []
    assert paired_parts("the bhyt voi cccd cai nao can mang theo") == []
    assert [part.text for part in paired_parts("mất cccd + thẻ bhyt thì làm lại ở đâu")] == [
        "mất cccd thì làm lại ở đâu",
        "mất thẻ bhyt thì làm lại ở đâu",
    ]


async def test_a_story_listing_two_lost_papers_then_asking_which_gets_both_answers(
    conversation: Conversation,
) -> None:
    """Lost papers listed in the story ("mất thẻ bhyt với giấy khai sinh của con"), then
    asked about by pointing back ("làm lại mấy cái đó", "cái nào trước"): the answer on
    each, in the order listed, not the one the whole story fits best."""
    for asked in (
        "nhà tui bị trộm, mất thẻ bhyt với giấy khai sinh của con, giờ làm lại mấy cái đó sao ạ",
        "hom qua chay nha, mat the bhyt va giay khai sinh cua be, gio lam lai cai nao truoc a",
    ):
        replies = await say(conversation, asked)
        assert [reply.title for reply in replies] == [
            "Mất thẻ bảo hiểm y tế thì làm sao?",
            "Đăng ký khai sinh cho con cần giấy tờ gì?",
        ], asked


async def test_papers_had_asked_which_to_bring_for_another_procedure_get_its_answer(
    conversation: Conversation,
) -> None:
    """ "Có ... rồi, giờ muốn đăng ký tạm trú thì cần cái nào": which of them to bring for
    tạm trú, answered about tạm trú, not an answer on each paper; a story of papers lost
    still gets both answers."""
    for asked in (
        "tui có cccd với thẻ bhyt rồi, giờ muốn đăng ký tạm trú thì cần cái nào?",
        "căn cước với thẻ bhyt thì em vẫn còn, giờ đăng ký tạm trú mang cái nào",
    ):
        replies = await say(conversation, asked)
        assert [reply.title for reply in replies] == ["Đăng ký tạm trú cần giấy tờ gì?"], asked
    replies = await say(
        conversation,
        "bị lạc mất giấy tờ, cả thẻ bhyt với giấy khai sinh của bé, giờ làm lại cái nào trước",
    )
    assert [reply.title for reply in replies] == [
        "Mất thẻ bảo hiểm y tế thì làm sao?",
        "Đăng ký khai sinh cho con cần giấy tờ gì?",
    ]


async def test_a_paper_named_in_passing_gets_no_answer_of_its_own(
    conversation: Conversation,
) -> None:
    """ "Giấy khai sinh của bé thì vẫn còn": the question is about the lost card only."""
    replies = await say(
        conversation, "em mất thẻ bhyt, giấy khai sinh của bé thì vẫn còn, giờ làm lại ở đâu ạ"
    )
    assert [reply.title for reply in replies] == ["Mất thẻ bảo hiểm y tế thì làm sao?"]


def _listed(text: str) -> list[str]:
    return [part.text for part in listed_parts(text)]


def test_papers_listed_then_pointed_back_to_are_asked_of_each() -> None:
    """Northern, central and southern pointing back ("cái nào", "cái mô", "mấy cái đó",
    "làm lại hết"), a list by commas, and "của con" left out with its paper; not a paper
    said something of, papers weighed against each other, nor "làm hết bao lâu"."""
    assert _listed("mạ em làm rớt căn cước với thẻ bhyt, chừ làm lại cái mô trước rứa") == [
        "mạ em làm rớt căn cước, chừ làm lại trước rứa",
        "mạ em làm rớt thẻ bhyt, chừ làm lại trước rứa",
    ]
    story = "bữa hổm bị móc bóp, mất cccd, bằng lái, giấy khai sinh của thằng út"
    assert _listed(f"{story}, giờ làm lại hết thì làm sao") == [
        "bữa hổm bị móc bóp, mất cccd, giờ làm lại thì làm sao",
        "bữa hổm bị móc bóp, mất bằng lái, giờ làm lại thì làm sao",
        "bữa hổm bị móc bóp, mất giấy khai sinh của thằng út, giờ làm lại thì làm sao",
    ]
    assert len(_listed("em mat ca can cuoc voi the bhyt, lam lai ca hai o dau a")) == 2
    assert _listed("em mất thẻ bhyt, căn cước thì vẫn còn, giờ làm lại cái nào trước ạ") == []
    assert _listed("bhyt với bhxh, cái nào rẻ hơn") == []
    assert _listed("mất căn cước và thẻ bhyt, làm hết bao lâu") == []
    # The list in the asking clause itself: one question of both.
    assert _listed("thẻ bhyt với căn cước thì cái nào phải mang theo") == []


def test_papers_the_resident_has_or_brings_for_another_procedure_are_no_list() -> None:
    """Papers had ("có ... rồi", "đã có sẵn", "vẫn còn"), or an asking clause naming a
    procedure of its own ("đăng ký kết hôn"): "cái nào" asks which to bring, one question;
    not papers not had yet ("chưa có"), nor "xin cấp lại" them."""
    for had in (
        "em có cccd với bằng lái rồi, giờ mang cái nào theo ạ?",
        "e da co san ca cccd va bang lai, mang cai nao di a",
        "cccd với giấy khai sinh của bé em vẫn còn, giờ nộp cái nào ạ?",
        "mất ví nhưng bằng lái với cccd thì còn, nay đăng ký kết hôn cần cái nào",
    ):
        assert _listed(had) == [], had
    assert len(_listed("em chưa có cccd với bằng lái, giờ làm cái nào trước ạ")) == 2
    assert len(_listed("mất cccd với bằng lái, giờ xin cấp lại cái nào trước")) == 2


def test_a_first_paper_listed_with_whose_it_is_is_asked_of_too() -> None:
    """ "giấy khai sinh của bé, căn cước, thẻ bhyt": three papers, the first with whose it
    is ("của bé", left in its part), accented or not."""
    assert _listed(
        "cháy nhà, mất giấy khai sinh của bé, căn cước, thẻ bhyt, làm lại hết ở đâu"
    ) == [
        "cháy nhà, mất giấy khai sinh của bé, làm lại ở đâu",
        "cháy nhà, mất căn cước, làm lại ở đâu",
        "cháy nhà, mất thẻ bhyt, làm lại ở đâu",
    ]
    assert _listed("mat giay khai sinh cua be voi the bhyt, lam lai cai nao truoc") == [
        "mat giay khai sinh cua be, lam lai truoc",
        "mat the bhyt, lam lai truoc",
    ]


def test_what_is_asked_of_both_papers_before_the_first_is_asked_of_each() -> None:
    """ "Lệ phí" before the first paper is asked of the second too: not "khai sinh bao
    nhiêu", quoted back as a question of its own."""
    assert [part.text for part in paired_parts("lệ phí cccd và khai sinh bao nhiêu")] == [
        "lệ phí cccd bao nhiêu",
        "lệ phí khai sinh bao nhiêu",
    ]
    assert [part.text for part in paired_parts("thu tuc khai sinh va khai tu o dau")] == [
        "thu tuc khai sinh o dau",
        "thu tuc khai tu o dau",
    ]


async def test_two_questions_of_three_without_an_answer_get_one_reply_naming_both(
    conversation: Conversation, store: Store
) -> None:
    """Not the same "no information" twice in a row on a phone's screen: once, naming
    both questions; each is in /unanswered."""
    answer, unanswered = await say(
        conversation,
        "mất thẻ bhyt thì làm sao? giá vé xe buýt lên thành phố là bao nhiêu? "
        "còn sân bóng đá mini thuê ở đâu?",
    )
    assert answer.title == "Mất thẻ bảo hiểm y tế thì làm sao?"
    assert unanswered.text.startswith(
        "Về các câu “Giá vé xe buýt lên thành phố là bao nhiêu” và “Sân bóng đá mini thuê"
        " ở đâu”:\n\nDạ, em xin lỗi, hiện em chưa có thông tin"
    )
    assert sorted(await store.unanswered(0)) == [
        "còn sân bóng đá mini thuê ở đâu",
        "giá vé xe buýt lên thành phố là bao nhiêu",
    ]


async def test_stats_count_each_question_of_a_message_and_sai_roi_takes_back_them_all(
    conversation: Conversation, store: Store
) -> None:
    """Three questions in one message, one the bot cannot answer: staff's /stats counts
    three questions asked, one unanswered (what the resident asked), not "2, 1". "Sai
    rồi" then takes back the whole message's answer: all three count as unanswered and
    each is in /unanswered on its own, as each would be asked alone."""
    asked = (
        "mất thẻ bhyt thì làm sao? giá vé xe buýt lên thành phố là bao nhiêu? "
        "còn đăng ký tạm trú cần giấy tờ gì?"
    )
    replies = await say(conversation, asked)
    assert [reply.title for reply in replies] == [
        "Mất thẻ bảo hiểm y tế thì làm sao?",
        None,  # in the order asked
        "Đăng ký tạm trú cần giấy tờ gì?",
    ]
    assert await store.question_counts(0) == (3, 1)
    assert await store.unanswered(0) == ["giá vé xe buýt lên thành phố là bao nhiêu"]
    await one(conversation, "sai rồi")
    assert await store.question_counts(0) == (3, 3)
    assert sorted(await store.unanswered(0)) == [
        "còn đăng ký tạm trú cần giấy tờ gì",
        "giá vé xe buýt lên thành phố là bao nhiêu",
        "mất thẻ bhyt thì làm sao",
    ]


async def test_after_a_restart_the_button_under_a_messages_answers_takes_them_all_back(
    conversation: Conversation, store: Store, ward_engine: Engine, ward_settings: Settings
) -> None:
    """Two questions answered at once, the bot restarted: 🙁 under the last answer still
    takes the message back whole (both questions unanswered for staff), not told it
    belongs to an earlier answer; under an earlier answer it takes back nothing."""
    earlier = await one(conversation, "dang ky tam tru can giay to gi")
    first, second = await say(
        conversation, "mất thẻ bhyt thì làm sao, còn đăng ký khai sinh cần giấy tờ gì?"
    )
    restarted = Conversation(ward_engine, store, ward_settings)
    [stale] = await restarted.handle_action(CHAT, earlier.buttons[-1].action)
    assert stale.text == msg.wrong_button_stale()
    [sorry] = await restarted.handle_action(CHAT, second.buttons[-1].action)
    assert sorry.text.startswith("Dạ, em xin lỗi vì trả lời chưa đúng ý anh/chị.")
    assert first.title not in [b.label for b in sorry.buttons]
    assert sorted(await store.unanswered(0)) == [
        "còn đăng ký khai sinh cần giấy tờ gì",
        "mất thẻ bhyt thì làm sao",
    ]


async def test_in_a_group_sai_roi_takes_back_the_members_own_message_of_two_questions(
    conversation: Conversation, store: Store
) -> None:
    """A member asks two questions at once, another member asks after; the first says
    "sai rồi": both of their questions are taken back, the other member's answer stays."""
    group = ChatRef("test", "-100", private=False)
    asked = "mất thẻ bhyt thì làm sao, còn đăng ký khai sinh cần giấy tờ gì?"
    assert len(await conversation.handle_text(group, asked, sender="501")) == 2
    await conversation.handle_text(group, "đăng ký tạm trú cần giấy tờ gì", sender="502")
    await conversation.handle_text(group, "sai rồi", sender="501")
    assert await store.question_counts(0) == (3, 2)
    assert sorted(await store.unanswered(0)) == [
        "còn đăng ký khai sinh cần giấy tờ gì",
        "mất thẻ bhyt thì làm sao",
    ]


async def test_the_unanswered_question_is_not_offered_the_answer_just_given_above_it(
    conversation: Conversation,
) -> None:
    """The entry that answered one question of the message is not among the close
    matches offered for the other ("có phải anh/chị muốn hỏi: Mất thẻ...?" right under
    that answer): left with one, the resident is asked about it, and "có" opens it."""
    answer, unsure = await say(conversation, "mất thẻ bhyt thì làm sao? bảo hiểm thì sao?")
    assert answer.title == "Mất thẻ bảo hiểm y tế thì làm sao?"
    assert unsure.text.startswith(msg.about_parts(["bảo hiểm thì sao"]))
    assert [button.action for button in unsure.buttons] == ["faq:bhyt-gia-han"]
    opened = await one(conversation, "có")
    assert opened.title == "Gia hạn thẻ bảo hiểm y tế hộ gia đình ở đâu?"


async def test_the_unanswered_question_is_not_offered_the_answer_given_just_before(
    conversation: Conversation,
) -> None:
    """Nor the entry the message before was answered with, as a question asked alone
    is not: the resident has just read it."""
    await one(conversation, "mất thẻ bhyt thì làm sao")
    _, unsure = await say(conversation, "đăng ký thường trú ở đâu? bảo hiểm thì sao?")
    assert [button.action for button in unsure.buttons] == ["faq:bhyt-gia-han"]


async def test_yes_under_several_close_matches_for_one_question_of_two_opens_none(
    conversation: Conversation,
) -> None:
    """Several close matches offered for the question nothing answered: "có" says which
    of them no more than it does under a question asked alone (the list stays to pick
    from), not the first of them opened as if it had been the one asked about."""
    answer, unsure = await say(conversation, "đăng ký thường trú ở đâu? bảo hiểm thì sao?")
    assert answer.title == "Đăng ký thường trú ở đâu?"
    assert len(unsure.buttons) >= 2
    (yes,) = await say(conversation, "có")
    assert yes.title is None and yes.text == msg.acknowledged()


async def test_a_message_asking_two_questions_the_bot_cannot_answer_is_asked_whole(
    conversation: Conversation,
) -> None:
    """Neither part answered: one reply, as to one question (nothing to name apart); a
    sentence of the story told before the question, unanswered, is no question of its own."""
    (reply,) = await say(conversation, "giá vàng hôm nay bao nhiêu? còn giá xăng thì sao?")
    assert reply.text.startswith("Dạ, em xin lỗi, hiện em chưa có thông tin")
    (story,) = await say(
        conversation, "Em không biết phải làm sao. Đăng ký tạm trú cần giấy tờ gì ạ?"
    )
    assert story.title == "Đăng ký tạm trú cần giấy tờ gì?"


@pytest.mark.parametrize(
    "text",
    [
        "mức đóng bhyt hộ gia đình. còn đăng ký tạm trú thì cần giấy tờ gì",
        "mức đóng bhyt hộ gia đình còn đăng ký tạm trú thì cần giấy tờ gì",
        "mức đóng bhyt hộ gia đình bao nhiêu. Đăng ký tạm trú cần giấy tờ gì?",
        "Mức đóng bhyt hộ gia đình\nđăng ký tạm trú cần giấy tờ gì",
    ],
)
async def test_a_subject_named_alone_then_a_question_get_an_answer_each(
    conversation: Conversation, text: str
) -> None:
    """A subject named without a question word ("mức đóng bhyt hộ gia đình."), then
    another question after a full stop, a line break or "còn ... thì": both answered."""
    first, second = await say(conversation, text)
    assert first.title == "Mức đóng bảo hiểm y tế hộ gia đình là bao nhiêu?"
    assert second.title == "Đăng ký tạm trú cần giấy tờ gì?"


@pytest.mark.parametrize(
    "text",
    [
        # The story, then the question: about the resident, or a "không" saying no.
        "Nhà em mới chuyển về đây ở thuê. Đăng ký tạm trú cần giấy tờ gì ạ?",
        "Chủ nhà trọ không chịu ký. Vậy đăng ký tạm trú cần giấy tờ gì?",
        # "Còn" of what is still so, or no longer, turns to no other subject.
        "thẻ bảo hiểm y tế hộ gia đình còn hạn thì có phải gia hạn không",
        "bây giờ không còn sổ hộ khẩu thì đăng ký tạm trú cần giấy tờ gì",
        # An abbreviation's full stop ends no sentence.
        "UBND P. 2 đăng ký tạm trú cần giấy tờ gì",
    ],
)
async def test_one_question_told_in_two_sentences_is_not_split(
    conversation: Conversation, text: str
) -> None:
    assert questions_in(text) == []
    assert len(await say(conversation, text)) == 1


@pytest.mark.parametrize(
    "text",
    [
        "0909123456",
        "0909 123 456",
        "+84 909123456",
        "84909123456",
        "0909.123.456",
        "028 3823 4567",  # a landline
        "sđt em 0909123456",
        "Gọi lại cho chị số 0909-123-456 nhé",
    ],
)
async def test_a_phone_number_alone_is_told_the_bot_cannot_call_and_how_to_reach_staff(
    conversation: Conversation, store: Store, text: str
) -> None:
    """Most likely asking to be called back: not "em chưa hiểu số … là gì", not "no
    information"; the hotline (no staff desk here), and the number is kept nowhere."""
    reply = await one(conversation, text)
    assert reply.text == msg.call_back(WARD_NAME, "0276 3822 123", staff=False, example=EXAMPLE)
    assert "không gọi điện" in reply.text and "0276 3822 123" in reply.text
    assert "/hoicanbo" not in reply.text  # no staff desk to pass a question to
    async with store.db.execute("SELECT count(*) FROM questions") as rows:
        assert (await rows.fetchone()) == (0,)


@pytest.mark.parametrize(
    "text",
    [
        "2024",
        "khu phố 4",
        "1000000",
        "lệ phí 50000 đồng",
        "mẹ em 65 tuổi",
        "079123456789",  # an ID card's twelve digits
        "0909123456 là số của ai",
        "sđt 0909123456 có gọi được không",
        "0909123456 và 0912345678",
    ],
)
def test_a_number_that_is_no_phone_number_alone_is_not_taken_for_one(text: str) -> None:
    assert parse_intent(text).kind != "phone"


@pytest.mark.parametrize(
    "text",
    ["số điện thoại phường là gì", "cho em xin sđt ubnd phường", "hotline phường", "sdt phuong a"],
)
async def test_asking_for_the_wards_phone_number_gets_the_hotline(
    ward_engine: Engine, store: Store, ward_settings: Settings, text: str
) -> None:
    """Not "em chưa có thông tin" (with the number only in its last line); with no
    WARD_HOTLINE set, the one-stop desk, saying there is no number to give."""
    reply = await one(Conversation(ward_engine, store, ward_settings), text)
    assert reply.text == msg.ward_phone(WARD_NAME, "0276 3822 123")
    assert reply.text.startswith("Dạ, đường dây nóng") and "0276 3822 123" in reply.text
    unset = Conversation(ward_engine, store, replace(ward_settings, ward_hotline=""))
    without = (await one(unset, text)).text
    assert without == msg.ward_phone(WARD_NAME, "") and "Bộ phận Một cửa" in without


@pytest.mark.parametrize(
    "text", ["số điện thoại", "đổi số điện thoại trên vneid", "số điện thoại công an phường"]
)
def test_a_question_about_a_phone_number_is_not_asking_for_the_wards(text: str) -> None:
    assert parse_intent(text).kind != "contact"


async def test_several_numbers_with_no_list_to_pick_from_are_no_question(
    conversation: Conversation,
) -> None:
    """ "1 và 2" (lines picked from a list the chat no longer has, or never had) is told
    what a number alone is told, not "chưa có thông tin về câu hỏi này"; a phone number
    typed in groups, or years, are no such choice."""
    for typed in ("1 và 2", "số 1, số 3", "2 3"):
        assert (await one(conversation, typed)).text == msg.no_list_to_pick(typed, EXAMPLE)
    assert parse_intent("0912 345 678").kind == "phone"  # a phone number, no choices
    assert parse_intent("năm 2024 và 2025").kind == "question"


async def test_wrong_after_two_answers_offers_neither_again(conversation: Conversation) -> None:
    """ "Sai rồi" to two answers given at once: the other close matches, not the two
    entries the resident has just read and called wrong."""
    first, second = await say(conversation, "mất thẻ bhyt thì làm sao, còn tạm trú cần gì?")
    assert (first.title, second.title) == (
        "Mất thẻ bảo hiểm y tế thì làm sao?",
        "Đăng ký tạm trú cần giấy tờ gì?",
    )
    sorry = await one(conversation, "sai rồi")
    offered = {b.action for b in sorry.buttons}
    assert offered and not offered & {"faq:bhyt-mat-the", "faq:dang-ky-tam-tru"}, offered


@pytest.mark.parametrize(
    "text",
    [
        "học bổng khuyến học xét cho ai? cần giấy tờ gì?",
        "đăng ký tạm trú ở đâu? cần giấy tờ gì?",
        "mất thẻ bhyt thì làm sao? cần giấy tờ gì?",
    ],
)
async def test_a_second_part_naming_nothing_asks_about_the_first(
    conversation: Conversation, text: str
) -> None:
    """ "Cần giấy tờ gì?" after a question is about that procedure: asked alone, it was
    answered confidently about another one (khai sinh)."""
    (reply,) = await say(conversation, text)
    assert reply.title is not None and "khai sinh" not in reply.title


def test_follow_ups_about_fees_papers_time_and_place_are_no_questions_of_their_own() -> None:
    for follow_up in ("có mất phí không?", "lệ phí bao nhiêu?", "mất bao lâu?", "nộp ở đâu ạ?"):
        assert questions_in(f"xin giấy xác nhận độc thân ở đâu? {follow_up}") == []
    assert questions_in("đăng ký tạm trú cần gì? mất thẻ thì sao?") == [
        "đăng ký tạm trú cần gì",
        "mất thẻ thì sao",
    ]


def test_a_child_after_a_comma_starts_no_second_question() -> None:
    """Unaccented, "con" is "còn" (and), but typed so it is mostly a child."""
    assert questions_in("làm giấy khai sinh ở đâu, con nhỏ thì ai đi làm vậy") == []
    assert questions_in("làm giấy khai sinh ở đâu, còn khai tử thì làm sao") == [
        "làm giấy khai sinh ở đâu",
        "còn khai tử thì làm sao",
    ]


@pytest.mark.parametrize(
    "text",
    [
        # One question and a story, or a second part with nothing of its own to ask.
        "Chào ad. Nhà em mới chuyển về, đang ở thuê. Vậy đăng ký tạm trú cần giấy tờ gì ạ? "
        "Em cảm ơn.",
        "mức đóng bhyt hộ gia đình bao nhiêu, còn năm ngoái thì sao",
    ],
)
async def test_one_question_with_more_around_it_gets_one_answer(
    conversation: Conversation, text: str
) -> None:
    assert len(await say(conversation, text)) == 1


async def test_an_unsure_question_asks_which_entry_was_meant(conversation: Conversation) -> None:
    reply = await one(conversation, "bhyt")
    assert reply.text == (
        "Dạ, có phải anh/chị muốn hỏi một trong các câu dưới đây? Nếu không phải, "
        "anh/chị vui lòng gọi đường dây nóng 0276 3822 123."
    )
    assert reply.buttons_title is None  # the text asks it; no second question above them
    assert reply.buttons[0].action == "faq:bhyt-muc-dong-ho-gia-dinh"
    assert 1 <= len(reply.buttons) <= 3


def test_one_close_match_is_asked_about_as_one(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    """Not "một trong các câu dưới đây" above a list of one."""
    entry = next(doc for doc in ward_engine.corpus.faq if doc.id == "bhyt-muc-dong-ho-gia-dinh")
    hit = Hit("faq", entry.id, entry.question, 0.3, entry)
    reply = no_answer_reply(Answer("bhyt", False, (hit,), (hit,)), ward_settings)
    assert reply.text == (
        "Dạ, có phải anh/chị muốn hỏi câu dưới đây? Nếu không phải, "
        "anh/chị vui lòng gọi đường dây nóng 0276 3822 123."
    )
    assert [b.action for b in reply.buttons] == ["faq:bhyt-muc-dong-ho-gia-dinh"]
    sorry = msg.wrong_answer("UBND Phường 2", "0276 3822 123", offers=1)
    assert "Có phải anh/chị muốn hỏi câu dưới đây?" in sorry


async def test_yes_to_the_one_close_match_asked_about_opens_it(
    ward_engine: Engine, store: Store, ward_settings: Settings
) -> None:
    """ "Dạ, có phải anh/chị muốn hỏi câu dưới đây?" — "đúng rồi ạ": that entry, as its
    number would open it; once, and not long after."""
    now = [1_800_000_000.0]
    conversation = Conversation(ward_engine, store, ward_settings, clock=lambda: now[0])
    asked = await one(conversation, "thủ tục hành chính")
    assert asked.text.startswith("Dạ, có phải anh/chị muốn hỏi câu dưới đây?")
    (offered,) = asked.buttons
    opened = await one(conversation, "đúng rồi ạ")
    assert [opened] == await conversation.handle_action(CHAT, offered.action)
    again = await one(conversation, "có")  # said again: nothing more is opened
    assert again.text == msg.acknowledged() and again.keeps_choices
    await one(conversation, "thủ tục hành chính")
    now[0] += 3600.0  # an hour later, "có" is about something else
    late = await one(conversation, "có")
    assert late.text == msg.acknowledged()


async def test_yes_to_the_one_close_match_opens_it_after_a_restart_too(
    ward_engine: Engine, store: Store, ward_settings: Settings
) -> None:
    """ "Dạ, có phải anh/chị muốn hỏi câu dưới đây?", then the bot restarted (or "có" waited
    in its inbox while it was down): "có" still opens that entry, where it got "Dạ vâng ạ"
    as if nothing had been asked. As without a restart, only as the next message, and only
    once; what was kept for it (an id and when, no text) goes once read."""
    now = [1_800_000_000.0]

    def restarted() -> Conversation:
        now[0] += 60
        return Conversation(ward_engine, store, ward_settings, clock=lambda: now[0])

    asked = await one(restarted(), "thủ tục hành chính")
    (offered,) = asked.buttons
    opened = await one(restarted(), "có")
    assert [opened] == await restarted().handle_action(CHAT, offered.action)
    again = await one(restarted(), "có")  # said again: nothing more is opened
    assert again.text == msg.acknowledged()
    await one(restarted(), "thủ tục hành chính")
    thanked = restarted()
    await one(thanked, "cảm ơn ạ")  # the next message was not "có"
    assert (await one(restarted(), "có")).text == msg.acknowledged()
    async with store.db.execute("SELECT COUNT(*) FROM offered_matches") as cursor:
        assert (await cursor.fetchone())[0] == 0


@pytest.mark.parametrize("said", ["dạ vâng", "vâng ạ", "ừ", "dạ"])
async def test_a_plain_yes_to_the_one_close_match_asked_about_opens_it(
    conversation: Conversation, said: str
) -> None:
    """ "Dạ vâng" answering "Dạ, có phải anh/chị muốn hỏi câu dưới đây?" is a yes, as "có"
    is: the entry, not "Anh/chị cần hỏi thêm gì cứ nhắn em nhé"."""
    asked = await one(conversation, "thủ tục hành chính")
    (offered,) = asked.buttons
    opened = await one(conversation, said)
    assert [opened] == await conversation.handle_action(CHAT, offered.action)
    again = await one(conversation, said)  # said again: agreement, nothing more opened
    assert again.text == msg.acknowledged()


async def test_yes_after_the_close_match_was_opened_by_its_button_opens_nothing_again(
    conversation: Conversation,
) -> None:
    """The resident pressed (or typed the number of) the one close match asked about, read
    it, and says "đúng rồi": that is agreement, not a request to be sent it again."""
    asked = await one(conversation, "thủ tục hành chính")
    (offered,) = asked.buttons
    await conversation.handle_action(CHAT, offered.action)
    agreed = await one(conversation, "đúng rồi ạ")
    assert agreed.text == msg.acknowledged() and agreed.title is None


async def test_nothing_plausible_gets_no_suggestions(conversation: Conversation) -> None:
    reply = await one(conversation, "giá vàng hôm nay bao nhiêu")
    assert reply.text.startswith("Dạ, em xin lỗi, hiện em chưa có thông tin về câu hỏi này ạ.")
    assert reply.buttons == ()


@pytest.mark.parametrize("fault", ["database or disk is full", "database is locked"])
async def test_a_question_is_answered_even_when_it_cannot_be_logged(
    ward_engine: Engine, store: Store, ward_settings: Settings, monkeypatch, caplog, fault
) -> None:
    import sqlite3

    async def failing_log(*args, **kwargs):
        raise sqlite3.OperationalError(fault)

    monkeypatch.setattr(store, "log_question", failing_log)
    reply = await one(Conversation(ward_engine, store, ward_settings), "mất thẻ bhyt")
    assert reply.title == "Mất thẻ bảo hiểm y tế thì làm sao?"
    assert "could not log a question" in caplog.text


async def test_a_resident_who_follows_while_another_program_holds_the_database_is_answered_at_once(
    ward_engine: Engine, ward_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """Staff browse bot.sqlite3 in "DB Browser for SQLite", which holds the database's
    lock: a resident who sends /follow is asked at once to try again shortly, not after
    waiting for the lock behind each of the bot's background writers in turn (about 18
    seconds, each waiting its 5); once the program lets go, /follow saves the
    subscription, once."""
    path = ward_settings.data_dir / "bot.sqlite3"
    shown: list[str] = []

    async def send(replies: list[Reply]) -> list[Button]:
        shown.extend(reply.text for reply in replies)
        return []

    async with await Store.open(path) as store:
        # SQLite's wait for another program's lock, made longer than a resident's reply
        # may take here (10 s, on a loaded machine): one that waited for it fails.
        await store.db.execute("PRAGMA busy_timeout = 30000")
        store.prompt_wait = 0.05
        answerer = Answerer(
            "telegram", Conversation(ward_engine, store, ward_settings), ward_settings
        )
        chat = ChatRef("telegram", "4242")
        holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        background: list[asyncio.Task[None]] = []

        async def sender_restarting() -> None:  # an alert sender, failing and restarted
            while True:
                with contextlib.suppress(sqlite3.OperationalError):
                    await store.recover_outbox("telegram")
                await asyncio.sleep(0.01)

        try:
            holder.execute("BEGIN EXCLUSIVE")
            await asyncio.wait_for(answerer.text(chat, "/follow bhyt", send), 10)
            background = [asyncio.create_task(sender_restarting()) for _ in range(3)]
            await asyncio.wait_for(answerer.text(chat, "/follow bhyt", send), 10)
            assert shown == [msg.error(WARD_NAME, ward_settings.ward_hotline)] * 2
            assert "a change was not saved: the database is locked by another program" in (
                caplog.text
            )
            assert "Traceback" not in caplog.text
        finally:
            for task in background:
                task.cancel()
            await asyncio.gather(*background, return_exceptions=True)
            holder.close()
        await answerer.text(chat, "/follow bhyt", send)
        assert shown[-1] == msg.subscribed(WARD_NAME, "Bảo hiểm y tế")
        assert await store.subscriptions_of(chat) == ["bhyt"]
        assert store.saves()


@pytest.mark.parametrize(
    ("error", "traceback"),
    [("database or disk is full", False), ("database is locked", False), ("no such table", True)],
)
async def test_a_question_log_the_database_refuses_is_one_line_not_a_traceback_each(
    conversation: Conversation,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    error: str,
    traceback: bool,
) -> None:
    """While the disk is full (or another program holds the database), every question
    still gets its answer, and the log line saying it was not logged comes without a
    traceback: a busy ward's log filled with one per question. A fault of the bot's own
    keeps its traceback."""

    async def refused(*args: object) -> None:
        raise sqlite3.OperationalError(error)

    monkeypatch.setattr(conversation.store, "log_question", refused)
    replies = await say(conversation, "mất thẻ bhyt")
    assert (replies[0].title or "").startswith("Mất thẻ")
    [line] = [r for r in caplog.records if "could not log a question" in r.getMessage()]
    assert (line.exc_info is not None) is traceback
    assert traceback or error in line.getMessage()


@pytest.mark.parametrize("topics", [0, 1])
async def test_following_every_topic_where_the_ward_has_one_or_none(
    tmp_path: Path, ward_settings: Settings, topics: int
) -> None:
    """A ward that opened one topic: "/subscribe all" follows it as by its name, instead
    of "đã đăng ký nhận tin về cả 1 chủ đề" ("all 1 topic") and "muốn bỏ bớt chủ đề nào"
    (which ones to drop); none yet: it says there is none."""
    faq = tmp_path / "ward" / "faq.yaml"
    (tmp_path / "ward" / "content").mkdir(parents=True)
    listed = "\n  - id: bhyt\n    name: Bảo hiểm y tế\n    keywords: [bhyt]" if topics else " []"
    faq.write_text(
        f"topics:{listed}\n\nfaq:\n  - id: bhyt-mat-the\n    question: Mất thẻ BHYT thì làm "
        "sao?\n    answer: Dùng ứng dụng VssID thay cho thẻ giấy.\n",
        encoding="utf-8",
    )
    settings = replace(ward_settings, faq_file=faq, content_dir=faq.parent / "content")
    engine = Engine.open(faq, settings.content_dir, tmp_path / "data", today=dt.date(2024, 8, 1))
    try:
        async with await Store.open(tmp_path / "bot.sqlite3") as store:
            conversation = Conversation(engine, store, settings)
            reply = await one(conversation, "/subscribe all")
            again = await one(conversation, "theo dõi tất cả")
            followed = await store.subscriptions_of(CHAT)
    finally:
        engine.close()
    if topics:
        assert reply.text == msg.subscribed(WARD_NAME, "Bảo hiểm y tế")
        assert again.text == msg.already_subscribed("Bảo hiểm y tế")
        assert followed == ["bhyt"]
    else:
        assert reply.text == again.text == msg.topics_list(WARD_NAME, [])
        assert followed == []


async def test_close_matches_with_a_notice_among_them_are_no_questions(
    conversation: Conversation,
) -> None:
    """ "sai rồi" offering other close matches, a notice among them ("Về việc điều chỉnh
    mức đóng BHYT…"), asks about "một trong các nội dung dưới đây", as "Nội dung liên
    quan:" heads such related entries: a notice's title is no question ("câu")."""
    await one(conversation, "mất thẻ bhyt")
    sorry = await one(conversation, "sai rồi")
    assert any(button.action.startswith("ann:") for button in sorry.buttons)
    assert "Có phải anh/chị muốn hỏi về một trong các nội dung dưới đây?" in sorry.text
    assert "câu dưới đây" not in sorry.text


def test_close_matches_asked_about_are_questions_or_notices() -> None:
    """The question above close matches names what they are, one or several."""
    ask = "Dạ, có phải anh/chị muốn hỏi"
    assert msg.offer(WARD_NAME, "", 1).startswith(f"{ask} câu dưới đây?")
    assert msg.offer(WARD_NAME, "", 3).startswith(f"{ask} một trong các câu dưới đây?")
    assert msg.offer(WARD_NAME, "", 1, notices=True).startswith(f"{ask} về nội dung dưới đây?")
    assert msg.offer(WARD_NAME, "", 2, notices=True).startswith(
        f"{ask} về một trong các nội dung dưới đây?"
    )


def test_a_related_notice_titled_as_the_entry_shown_says_its_date(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    """The FAQ answer, then a notice of the very same words below it: its button says it
    is the notice of that day, not the question just answered over again."""
    entry = next(doc for doc in ward_engine.corpus.faq if doc.id == "bhyt-muc-dong-ho-gia-dinh")
    notice = Announcement(
        "2026-11-25-muc-dong-bhyt", entry.question, dt.date(2026, 11, 25), "Mức đóng mới."
    )
    related = (Hit("ann", notice.id, notice.title, 0.5, notice),)
    reply = document_reply(entry, ward_settings, related, today=dt.date(2026, 11, 30))
    (button,) = reply.buttons
    assert button.full_label == f"{entry.question} (thông báo ngày 25/11/2026)"
    # Its button, cut short, keeps the date.
    assert button.label.endswith("… (thông báo ngày 25/11/2026)") and len(button.label) <= 60
