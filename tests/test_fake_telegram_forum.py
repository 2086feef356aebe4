"""The fake Bot API's staff forum, driven by python-telegram-bot's real `telegram.Bot`.

What the ticket relay will rely on: topics created, posted into, closed, renamed and deleted
with Telegram's answers and errors; staff replies in a topic reaching the bot with
reply_to_message pointing at the bot's message; privacy mode keeping other group chatter
from the bot.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable

import pytest
from fakes.telegram_api import BOT_ID, FakeBotApi
from telegram import Bot, Message, Update
from telegram.error import BadRequest

STAFF = -1009876543210
STAFF_LAN = 801
STAFF_MINH = 802
ALICE = 501


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(api.token, base_url=api.base_url) as real:
        yield real


async def fetch(bot: Bot, after: int = 0) -> list[Update]:
    """What getUpdates hands the bot now (updates after update id `after`)."""
    return list(await bot.get_updates(offset=after + 1, timeout=0))


async def refusal(request: Awaitable[object]) -> str:
    """Await a Bot API request Telegram must refuse (400); its reason, in lower case."""
    with pytest.raises(BadRequest) as refused:
        await request
    return refused.value.message.lower()


def texts(updates: list[Update]) -> list[str | None]:
    return [u.message.text if u.message else None for u in updates]


async def ticket(bot: Bot, name: str = "Phiếu #12 · Thẻ BHYT") -> tuple[int, Message]:
    """The bot opens a topic for a ticket and posts the question there."""
    topic = await bot.create_forum_topic(STAFF, name)
    posted = await bot.send_message(
        STAFF, "Dân hỏi: gia hạn thẻ BHYT ở đâu?", message_thread_id=topic.message_thread_id
    )
    return topic.message_thread_id, posted


# --- topics ---------------------------------------------------------------------------------


async def test_the_bot_opens_a_topic_and_its_message_carries_the_thread(
    api: FakeBotApi, bot: Bot
) -> None:
    api.staff_group(STAFF, title="Cán bộ Phường 2")
    chat = await bot.get_chat(STAFF)
    assert (chat.type, chat.title, chat.is_forum) == ("supergroup", "Cán bộ Phường 2", True)

    topic = await bot.create_forum_topic(STAFF, "Phiếu #12 · Thẻ BHYT")
    assert topic.name == "Phiếu #12 · Thẻ BHYT"
    assert api.topics[STAFF] == {
        topic.message_thread_id: {
            "name": "Phiếu #12 · Thẻ BHYT",
            "closed": False,
            "icon_color": topic.icon_color,
            "created_by": BOT_ID,
        }
    }
    service = api.messages[(STAFF, topic.message_thread_id)]
    assert service["forum_topic_created"]["name"] == "Phiếu #12 · Thẻ BHYT"

    posted = await bot.send_message(
        STAFF, "Dân hỏi: gia hạn thẻ BHYT ở đâu?", message_thread_id=topic.message_thread_id
    )
    assert posted.message_thread_id == topic.message_thread_id
    assert posted.is_topic_message
    # Telegram's implicit reply: to the topic's creation message, the bot's own.
    assert posted.reply_to_message is not None
    assert posted.reply_to_message.message_id == topic.message_thread_id
    assert posted.reply_to_message.forum_topic_created is not None
    assert posted.reply_to_message.from_user is not None
    assert posted.reply_to_message.from_user.id == BOT_ID

    elsewhere = await bot.send_message(STAFF, "Tin chung cho cả nhóm")
    assert elsewhere.message_thread_id is None and not elsewhere.is_topic_message
    (call,) = api.sent_in_thread(STAFF, topic.message_thread_id)
    assert call.text == "Dân hỏi: gia hạn thẻ BHYT ở đâu?"
    assert call.thread_id == topic.message_thread_id
    assert api.topic_named(STAFF, "bhyt") == topic.message_thread_id
    assert api.messages[(STAFF, posted.message_id)]["text"] == "Dân hỏi: gia hạn thẻ BHYT ở đâu?"


async def test_topics_need_a_forum_and_a_name(api: FakeBotApi, bot: Bot) -> None:
    plain = -1001111111111
    api.staff_group(plain, forum=False)
    api.staff_group(STAFF)
    assert not (await bot.get_chat(plain)).is_forum
    assert await refusal(bot.create_forum_topic(plain, "Phiếu #1")) == "the chat is not a forum"
    assert await refusal(bot.create_forum_topic(-1002222222222, "Phiếu #1")) == "chat not found"
    assert await refusal(bot.create_forum_topic(STAFF, " \n ")) == "title must be non-empty"
    long = await bot.create_forum_topic(STAFF, "Hỏi về thủ tục " + "đăng ký tạm trú " * 20)
    assert len(long.name) == 128  # characters, not bytes: tdlib cuts, it does not refuse
    assert api.topics[STAFF][long.message_thread_id]["name"] == long.name
    assert (
        await refusal(bot.send_message(STAFF, "vào General", message_thread_id=1))
        == "message thread not found"
    )


async def test_closing_reopening_and_renaming_a_topic(api: FakeBotApi, bot: Bot) -> None:
    api.staff_group(STAFF)
    thread, _ = await ticket(bot)
    assert await bot.close_forum_topic(STAFF, thread)
    assert api.topics[STAFF][thread]["closed"] is True
    assert await refusal(bot.close_forum_topic(STAFF, thread)) == "topic_not_modified"
    # The bot manages topics (an admin), so it may still post in a closed one.
    still = await bot.send_message(STAFF, "Phiếu đã đóng.", message_thread_id=thread)
    assert still.message_thread_id == thread
    assert await bot.reopen_forum_topic(STAFF, thread)
    assert api.topics[STAFF][thread]["closed"] is False
    assert await refusal(bot.reopen_forum_topic(STAFF, thread)) == "topic_not_modified"

    assert await bot.edit_forum_topic(STAFF, thread, name="✅ Phiếu #12 · Thẻ BHYT")
    assert api.topics[STAFF][thread]["name"] == "✅ Phiếu #12 · Thẻ BHYT"
    assert api.topic_named(STAFF, "✅") == thread
    assert (
        await refusal(bot.edit_forum_topic(STAFF, thread, name="✅ Phiếu #12 · Thẻ BHYT"))
        == "topic_not_modified"
    )
    assert await refusal(bot.close_forum_topic(STAFF, thread + 500)) == "topic_id_invalid"


async def test_a_closed_general_topic_refuses_a_bot_that_is_no_administrator(
    api: FakeBotApi, bot: Bot
) -> None:
    """Staff close General (the group's messages without a thread): the bot, made a plain
    member, may post only in the topics still open; as an administrator, anywhere."""
    api.staff_group(STAFF)
    open_topic = api.staff_topic(STAFF, "Hỏi đáp", user_id=STAFF_LAN)
    api.staff_close_general(STAFF, user_id=STAFF_LAN)
    (_, closed) = await fetch(bot)  # the topic's creation, then General's closing
    assert closed.message is not None and closed.message.forum_topic_closed is not None
    assert closed.message.message_thread_id is None
    assert (await bot.send_message(STAFF, "vẫn gửi được")).message_thread_id is None  # an admin
    api.demote_bot(STAFF, by=STAFF_LAN)
    assert await refusal(bot.send_message(STAFF, "vào General")) == "topic_closed"
    in_topic = await bot.send_message(STAFF, "vào chủ đề mở", message_thread_id=open_topic)
    assert in_topic.message_thread_id == open_topic
    api.staff_close_general(STAFF, user_id=STAFF_LAN, closed=False)
    assert (await bot.send_message(STAFF, "General mở lại")).message_thread_id is None
    api.restore_bot(STAFF, by=STAFF_LAN)
    assert await bot.close_general_forum_topic(STAFF)
    assert await refusal(bot.close_general_forum_topic(STAFF)) == "topic_not_modified"
    assert await bot.reopen_general_forum_topic(STAFF)
    assert STAFF not in api.general_closed


async def test_a_deleted_topic_takes_its_messages_and_refuses_new_ones(
    api: FakeBotApi, bot: Bot
) -> None:
    api.staff_group(STAFF)
    thread, posted = await ticket(bot)
    other, _ = await ticket(bot, "Phiếu #13 · Tạm trú")
    assert await bot.delete_forum_topic(STAFF, thread)
    assert thread not in api.topics[STAFF] and thread in api.deleted_topics[STAFF]
    assert (STAFF, posted.message_id) not in api.messages
    assert (
        await refusal(bot.send_message(STAFF, "Còn ai không?", message_thread_id=thread))
        == "message thread not found"
    )
    assert await refusal(bot.close_forum_topic(STAFF, thread)) == "topic_id_invalid"
    assert await refusal(bot.delete_forum_topic(STAFF, thread)) == "topic_id_invalid"
    with pytest.raises(ValueError, match="no topic"):
        api.send_text(STAFF, "trả lời muộn", thread_id=thread, user_id=STAFF_LAN)
    # The other ticket is untouched.
    assert api.topic_named(STAFF, "Phiếu") == other
    assert (await bot.send_message(STAFF, "Vẫn ở đây", message_thread_id=other)).is_topic_message
    failed = api.of("sendMessage")[-2]
    assert (failed.status, failed.thread_id) == (400, thread)


# --- what staff write -------------------------------------------------------------------------


async def test_a_staff_reply_in_the_topic_reaches_the_bot_with_its_message(
    api: FakeBotApi, bot: Bot
) -> None:
    api.staff_group(STAFF)
    thread, posted = await ticket(bot)
    (call,) = api.sent_in_thread(STAFF, thread)
    api.send_text(
        STAFF, "Ra UBND phường, mang CCCD.", reply_to=call, user_id=STAFF_LAN, first_name="Lan"
    )
    api.send_text(STAFF, "Sáng thứ 7 cũng làm.", reply_to=posted.message_id, user_id=STAFF_MINH)

    lan, minh = await fetch(bot)
    assert lan.message is not None and minh.message is not None
    assert lan.message.text == "Ra UBND phường, mang CCCD."
    assert lan.message.from_user is not None
    assert (lan.message.from_user.id, lan.message.from_user.first_name) == (STAFF_LAN, "Lan")
    for update in (lan, minh):
        message = update.message
        assert message is not None and message.reply_to_message is not None
        assert message.chat.is_forum
        assert message.message_thread_id == thread and message.is_topic_message
        assert message.reply_to_message.message_id == posted.message_id
        assert message.reply_to_message.text == "Dân hỏi: gia hạn thẻ BHYT ở đâu?"
        assert message.reply_to_message.from_user is not None
        assert message.reply_to_message.from_user.id == BOT_ID

    # The bot answers a staff message without naming the thread: it lands in the topic.
    thanks = await bot.send_message(
        STAFF, "Đã chuyển cho dân.", reply_to_message_id=lan.message.message_id
    )
    assert thanks.message_thread_id == thread
    assert thanks.reply_to_message is not None
    assert thanks.reply_to_message.message_id == lan.message.message_id


async def test_a_plain_message_in_the_bots_topic_replies_to_the_topic(
    api: FakeBotApi, bot: Bot
) -> None:
    api.staff_group(STAFF)
    thread, _ = await ticket(bot)
    api.send_text(STAFF, "Mình nhận phiếu này.", thread_id=thread, user_id=STAFF_LAN)
    (update,) = await fetch(bot)
    message = update.message
    assert message is not None and message.reply_to_message is not None
    assert message.message_thread_id == thread and message.is_topic_message
    assert message.reply_to_message.message_id == thread
    assert message.reply_to_message.forum_topic_created is not None
    assert message.reply_to_message.forum_topic_created.name == "Phiếu #12 · Thẻ BHYT"
    assert message.reply_to_message.from_user is not None
    assert message.reply_to_message.from_user.id == BOT_ID


async def test_privacy_mode_keeps_unaddressed_group_messages_from_the_bot(
    api: FakeBotApi, bot: Bot
) -> None:
    api.staff_group(STAFF)
    thread, _ = await ticket(bot)
    chatter = api.send_text(STAFF, "Chiều nay họp giao ban nhé", user_id=STAFF_LAN)
    other_bot = api.send_text(STAFF, "/start@other_bot", user_id=STAFF_LAN)
    assert "undelivered" in chatter and "undelivered" in other_bot
    api.send_text(STAFF, "@phuong2_test_bot có phiếu mới không?", user_id=STAFF_LAN)
    api.send_text(STAFF, "/open", user_id=STAFF_LAN)
    api.send_text(STAFF, "/open@Phuong2_Test_Bot", user_id=STAFF_LAN)
    api.send_text(STAFF, "Mình xử lý.", thread_id=thread, user_id=STAFF_LAN)
    # A topic staff made themselves: the bot sees its service message, not the talk in it.
    theirs = api.staff_topic(STAFF, "Việc riêng tổ 3", user_id=STAFF_MINH)
    aside = api.send_text(STAFF, "Chuyện tổ 3", thread_id=theirs, user_id=STAFF_MINH)
    assert "undelivered" in aside
    assert aside["message"]["reply_to_message"]["message_id"] == theirs

    updates = await fetch(bot)
    assert texts(updates) == [
        "@phuong2_test_bot có phiếu mới không?",
        "/open",
        "/open@Phuong2_Test_Bot",
        "Mình xử lý.",
        None,
    ]
    created = updates[-1].message
    assert created is not None and created.forum_topic_created is not None
    assert created.forum_topic_created.name == "Việc riêng tổ 3"
    assert [u["message"]["text"] for u in api.undelivered] == [
        "Chiều nay họp giao ban nhé",
        "/start@other_bot",
        "Chuyện tổ 3",
    ]
    # The unseen messages still exist in the group: staff can reply to them, and so on.
    assert (STAFF, chatter["message"]["message_id"]) in api.messages


async def test_without_privacy_mode_every_group_message_arrives(api: FakeBotApi, bot: Bot) -> None:
    api.staff_group(STAFF, privacy=False)
    api.send_text(STAFF, "Chiều nay họp giao ban nhé", user_id=STAFF_LAN)
    loud = api.send_text(STAFF, "ai trực hôm nay?", user_id=STAFF_LAN, privacy=True)
    assert "undelivered" in loud
    assert texts(await fetch(bot)) == ["Chiều nay họp giao ban nhé"]


async def test_the_bot_deletes_messages_and_reacts(api: FakeBotApi, bot: Bot) -> None:
    api.staff_group(STAFF)
    thread, posted = await ticket(bot)
    staff = api.send_text(STAFF, "Đã trả lời dân.", thread_id=thread, user_id=STAFF_LAN)
    staff_id = staff["message"]["message_id"]

    assert await bot.set_message_reaction(STAFF, staff_id, "👍")
    assert api.reactions[(STAFF, staff_id)] == [{"type": "emoji", "emoji": "👍"}]
    assert await bot.set_message_reaction(STAFF, staff_id)  # no reaction: removes it
    assert api.reactions[(STAFF, staff_id)] == []
    assert await refusal(bot.set_message_reaction(STAFF, staff_id, "🦆")) == "reaction_invalid"
    assert (
        await refusal(bot.set_message_reaction(STAFF, staff_id, ["👍", "🔥"]))
        == "reactions_too_many"
    )
    assert (
        await refusal(bot.set_message_reaction(STAFF, staff_id + 999, "👍"))
        == "message to react not found"
    )

    assert await bot.delete_message(STAFF, posted.message_id)
    assert api.deleted_messages == [(STAFF, posted.message_id)]
    assert api.sent_in_thread(STAFF, thread)  # what was sent is still on record
    assert (
        await refusal(bot.delete_message(STAFF, posted.message_id)) == "message to delete not found"
    )
    # Deleting the topic's creation message deletes the topic.
    assert await bot.delete_message(STAFF, thread)
    assert thread in api.deleted_topics[STAFF] and (STAFF, staff_id) not in api.messages
    assert await refusal(bot.send_message(STAFF, "?", message_thread_id=thread)) == (
        "message thread not found"
    )
    with pytest.raises(ValueError, match="no message"):
        api.send_text(STAFF, "trả lời tin đã xoá", reply_to=posted.message_id, user_id=STAFF_LAN)


async def test_private_chats_keep_working_as_before(api: FakeBotApi, bot: Bot) -> None:
    api.send_text(ALICE, "xin chào")
    (hello,) = await fetch(bot)
    assert hello.message is not None and hello.message.message_thread_id is None
    answer = await bot.send_message(ALICE, "Chào bạn", reply_to_message_id=hello.message.message_id)
    assert answer.reply_to_message is not None
    assert answer.reply_to_message.text == "xin chào"
    assert (
        await refusal(bot.send_message(ALICE, "lạc chủ đề", message_thread_id=5))
        == "message thread not found"
    )
    api.send_text(ALICE, "cảm ơn", reply_to=answer.message_id)
    (thanks,) = await fetch(bot, hello.update_id)
    assert thanks.message is not None and thanks.message.reply_to_message is not None
    assert thanks.message.reply_to_message.text == "Chào bạn"
