"""“Hỏi cán bộ”: the conversation, the desk and the ticket book, with a staff room in memory.

A real Engine over the chat ward, a real Store on a temp file, a fake staff group that
records what the desk posts (tests/test_staff_e2e.py drives the same through `bot.py run`
and the fake Telegram and Zalo servers).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import logging
import shutil
import sqlite3
import unicodedata
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from chat_ward import EXAMPLE, TODAY, WARD_NAME
from read_only import read_only
from test_staff_e2e import eventually

from handlers.base import Answerer
from wardbot import messages as msg
from wardbot.admin import Admin
from wardbot.alerts import Alerts
from wardbot.app import retention_task
from wardbot.config import Settings
from wardbot.conversation import MAX_MESSAGE_CHARS, MAX_STAFF_MESSAGE_CHARS, Conversation
from wardbot.desk import Desk
from wardbot.desk.limits import HOUR, MAX_WAITING, TICKETS_PER_HOUR
from wardbot.desk.room import AlreadyGone, GroupUnreachable, StaffMessage, TopicGone
from wardbot.desk.staff import HINT_AGAIN
from wardbot.desk.withdraw import WITHDRAW_FOR
from wardbot.engine import Engine
from wardbot.faq_edit import FaqEditor
from wardbot.faq_file import load_faq
from wardbot.hours import Closures, OfficeHours
from wardbot.outbox import Composer, Sender
from wardbot.reply import Button, Reply, digest
from wardbot.store import ChatRef, Store
from wardbot.store.outbox import OutboxItem
from wardbot.supervise import Restarts
from wardbot.tickets import Ticket, TicketBook

RESIDENT = ChatRef("zalo", "u-77")
OTHER = ChatRef("telegram", "5151")
GROUP = ChatRef("telegram", "-100200", private=False)
STAFF = "9001"
STAFF_GROUP = -100999  # settings.staff_chat_id
UNKNOWN = "Cho hỏi phường có tổ chức lớp dạy bơi miễn phí cho trẻ em trong hè không?"
# Monday 30 November 2026, 09:00 in Vietnam (UTC+7): office hours.
MONDAY_9AM = dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC).timestamp()


@dataclass
class Post:
    message_id: int
    thread_id: int | None
    reply_to: int | None
    reply: Reply


class FakeRoom:
    """The staff group `chat_id`: topics and posts kept in lists; `fail` makes posting
    fail, `delete_fail` deleting. Ids are the group's own, so two groups give the same
    ones. Deleting in another group reaches it when it is in `elsewhere` (the bot is still
    a member there); any other group is "chat not found"."""

    def __init__(self, *, forum: bool = True, chat_id: int = STAFF_GROUP) -> None:
        self.chat_id = chat_id
        self.elsewhere: dict[int, FakeRoom] = {}
        self.forum = forum
        self.topics: dict[int, str] = {}
        self.closed: set[int] = set()
        self.posts: list[Post] = []
        self.reactions: list[int] = []
        self.deleted_topics: list[int] = []
        self.deleted_messages: list[int] = []
        self.fail: Exception | None = None
        self.delete_fail: Exception | None = None  # deleting fails (Telegram down, no rights)
        self._ids = itertools.count(500)

    async def is_forum(self) -> bool:
        return self.forum

    async def create_topic(self, name: str) -> int:
        if self.fail:
            raise self.fail
        assert self.forum and 1 <= len(name) <= 128
        thread = next(self._ids)
        self.topics[thread] = name
        return thread

    async def post(
        self, reply: Reply, *, thread_id: int | None = None, reply_to: int | None = None
    ) -> list[int]:
        if self.fail:
            raise self.fail
        if thread_id is not None and thread_id not in self.topics:
            raise TopicGone("Bad Request: message thread not found")
        post = Post(next(self._ids), thread_id, reply_to, reply)
        self.posts.append(post)
        return [post.message_id]

    async def react(self, message_id: int) -> None:
        self.reactions.append(message_id)

    async def close_topic(self, thread_id: int) -> None:
        self.closed.add(thread_id)

    async def reopen_topic(self, thread_id: int) -> None:
        self.closed.discard(thread_id)

    def group(self, chat_id: int) -> FakeRoom:
        if chat_id == self.chat_id:
            return self
        if chat_id in self.elsewhere:
            return self.elsewhere[chat_id]
        raise GroupUnreachable("Bad Request: chat not found")

    async def delete_topic(self, chat_id: int, thread_id: int) -> None:
        if self.delete_fail:
            raise self.delete_fail
        room = self.group(chat_id)
        if thread_id not in room.topics:
            raise AlreadyGone("Bad Request: TOPIC_ID_INVALID")
        room.deleted_topics.append(thread_id)
        room.topics.pop(thread_id, None)

    async def delete_message(self, chat_id: int, message_id: int) -> None:
        if self.delete_fail:
            raise self.delete_fail
        self.group(chat_id).deleted_messages.append(message_id)

    def in_thread(self, thread_id: int | None) -> list[Post]:
        return [p for p in self.posts if p.thread_id == thread_id]


class Clock:
    def __init__(self, now: float = MONDAY_9AM) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Pushed:
    """A channel for the outbox sender: records what residents receive; can refuse."""

    def __init__(self, name: str = "zalo") -> None:
        self.name = name
        self.sent: list[tuple[str, list[Reply]]] = []
        self.error: Exception | None = None
        from wardbot.delivery import Pace

        self.pace = Pace(per_second=1000.0, per_chat_interval=0.0)

    async def deliver(self, chat_id: str, replies: list[Reply]) -> None:
        if self.error:
            raise self.error
        self.sent.append((chat_id, list(replies)))


@pytest.fixture
async def store(ward_settings: Settings) -> AsyncIterator[Store]:
    async with await Store.open(ward_settings.data_dir / "bot.sqlite3") as opened:
        yield opened


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def settings(ward_settings: Settings) -> Settings:
    hours = OfficeHours.parse("T2-T6 7:30-11:30 13:30-17:00")
    return replace(
        ward_settings,
        staff_chat_id=STAFF_GROUP,
        office_hours=hours,
        admin_ids=frozenset({f"telegram:{STAFF}"}),
    )


@pytest.fixture
def room() -> FakeRoom:
    return FakeRoom()


@pytest.fixture
def desk(
    store: Store,
    settings: Settings,
    ward_engine: Engine,
    room: FakeRoom,
    clock: Clock,
    tmp_path: Path,
) -> Desk:
    """The desk as `bot.py run` makes it, its FAQ editor on a copy of faq.yaml."""
    faq = tmp_path / "desk-ward" / "faq.yaml"
    faq.parent.mkdir()
    shutil.copyfile(settings.faq_file, faq)
    editor = FaqEditor(faq, tmp_path / "desk-data", _no_reload)
    made = Desk(TicketBook(store), settings, ward_engine, clock=clock, editor=editor)
    made.room = room
    return made


@pytest.fixture
def conversation(
    ward_engine: Engine, store: Store, settings: Settings, desk: Desk, clock: Clock
) -> Conversation:
    return Conversation(ward_engine, store, settings, desk=desk, clock=clock)


def ask_button(reply: Reply) -> bool:
    return any(
        b.action == "staff:ask" and b.label == msg.ask_staff_button(WARD_NAME)
        for b in reply.buttons
    )


async def open_ticket(
    conversation: Conversation, chat: ChatRef = RESIDENT, text: str = UNKNOWN
) -> int:
    [no_answer] = await conversation.handle_text(chat, text)
    assert ask_button(no_answer)
    [received] = await conversation.handle_action(chat, "staff:ask")
    number = int(received.text.split("phiếu số ")[1].split(")")[0])
    return number


async def posted_ticket(conversation: Conversation, desk: Desk) -> int:
    """A ticket opened by RESIDENT for UNKNOWN, posted in the staff group; its number."""
    number = await open_ticket(conversation)
    await desk.post_pending()
    return number


def staff(
    text: str,
    *,
    reply_to: int | None = None,
    thread: int | None = None,
    sender: str = STAFF,
    name: str = "Lan",
    message_id: int = 7001,
) -> StaffMessage:
    return StaffMessage(message_id, text, sender, name, thread_id=thread, reply_to=reply_to)


async def outbox(store: Store, channel: str = "zalo") -> list[OutboxItem]:
    return await store.due(channel, 1e12)


# --- the offer -------------------------------------------------------------------------


async def test_no_answer_offers_to_ask_staff_saying_what_is_shared_and_when(
    conversation: Conversation,
) -> None:
    [reply] = await conversation.handle_text(RESIDENT, UNKNOWN)
    assert ask_button(reply)
    assert "Chỉ nội dung câu hỏi như anh/chị đã gõ và kênh nhắn tin (Zalo)" in reply.text
    assert "Cán bộ thường trả lời trong giờ làm việc." in reply.text  # Monday 9:00


SECOND_UNKNOWN = "Cho hỏi phường có cho mượn sân bóng vào cuối tuần không?"


@pytest.mark.parametrize("channel", ["telegram", "zalo", "web"])
async def test_what_is_shared_with_staff_is_said_in_full_once_then_in_a_line(
    conversation: Conversation, channel: str
) -> None:
    """The offer under "no answer" asks the resident's consent: the first time it says in
    full what goes to staff (the question as typed, the channel, no name or phone); before,
    every question the bot could not answer repeated it, five paragraphs a time. Shown once
    in the conversation, the next offer says in a line that the question goes as before
    and how to read what is shared again (/help, which says it); the button, and "có",
    still pass it on. The same text on every channel (buttons, numbered lines, web)."""
    chat = ChatRef(channel, "r-17")
    notice = msg.shared_with_staff("câu hỏi", channel)
    [first] = await conversation.handle_text(chat, UNKNOWN)
    assert ask_button(first) and notice in first.text
    assert all(len(part) <= 250 for part in first.text.split("\n\n")), first.text
    [second] = await conversation.handle_text(chat, SECOND_UNKNOWN)
    assert ask_button(second)
    assert "không kèm tên" not in second.text and "/help" in second.text
    offer = second.text.split("\n\n")[-1]
    assert offer == msg.staff_offer(WARD_NAME, channel, "", seen=True)
    assert "\n" not in offer and "/help" in offer and "câu hỏi này" in offer
    assert len(second.text) < len(first.text) - 100
    [helped] = await conversation.handle_text(chat, "/help")
    assert msg.shared_with_staff()[1:] in helped.text
    [again] = await conversation.handle_text(chat, SECOND_UNKNOWN)
    assert ask_button(again) and again.text.endswith(offer)
    [received] = await conversation.handle_text(chat, "có")
    assert "phiếu số 1" in received.text


async def test_the_line_offered_after_a_declined_offer_claims_no_question_passed_on_before(
    conversation: Conversation, desk: Desk
) -> None:
    """The resident saw the notice under an offer they did not take: nothing went to staff.
    The next offer's line must not say the question goes "as last time" (như lần trước),
    which reads as if the first one had been passed on and staff would answer it."""
    await conversation.handle_text(RESIDENT, UNKNOWN)
    [second] = await conversation.handle_text(RESIDENT, SECOND_UNKNOWN)
    assert await desk.tickets.opened_after(RESIDENT, 0.0) == 0  # none passed on
    line = second.text.split("\n\n")[-1]
    assert ask_button(second) and "/help" in line and "câu hỏi này" in line
    assert "lần trước" not in line


async def test_a_resident_who_passed_a_question_on_before_gets_the_line_after_a_restart(
    ward_engine: Engine, store: Store, settings: Settings, desk: Desk, clock: Clock
) -> None:
    """Whoever passed a question on before has agreed to what is shared: the line, even
    once the bot restarted (its memory gone; the chat's ticket is what tells). After
    /forget, which deletes the ticket, and for another resident: the notice in full."""
    number = await open_ticket(Conversation(ward_engine, store, settings, desk=desk, clock=clock))
    clock.now += 86400
    assert await desk.tickets.close(number, clock.now)  # staff closed it: messages no longer
    restarted = Conversation(ward_engine, store, settings, desk=desk, clock=clock)
    [offered] = await restarted.handle_text(RESIDENT, SECOND_UNKNOWN)
    assert ask_button(offered) and "/help để xem lại" in offered.text
    assert msg.shared_with_staff("câu hỏi", "zalo") not in offered.text
    [other] = await restarted.handle_text(OTHER, SECOND_UNKNOWN)
    assert msg.shared_with_staff("câu hỏi", "telegram") in other.text
    await restarted.handle_text(RESIDENT, "/forget")
    restarted = Conversation(ward_engine, store, settings, desk=desk, clock=clock)
    [after] = await restarted.handle_text(RESIDENT, SECOND_UNKNOWN)
    assert msg.shared_with_staff("câu hỏi", "zalo") in after.text


async def test_a_complaint_after_the_notice_was_shown_is_offered_in_a_line_as_one(
    conversation: Conversation,
) -> None:
    """Once shown what is shared, a complaint is offered in the line too, named as one."""
    await conversation.handle_text(RESIDENT, UNKNOWN)
    complaint = "cán bộ làm việc thái độ quá, hẹn mãi không trả hồ sơ, tôi rất bức xúc"
    [heard] = await conversation.handle_text(RESIDENT, complaint)
    assert ask_button(heard) and "chuyển ý kiến phản ánh này" in heard.text
    assert "/help để xem lại" in heard.text and "câu hỏi" not in heard.text


async def test_outside_office_hours_the_offer_says_when_staff_answer(
    conversation: Conversation, clock: Clock
) -> None:
    clock.now = MONDAY_9AM - 2 * 86400 + 10 * 3600  # Saturday 19:00
    [reply] = await conversation.handle_text(RESIDENT, UNKNOWN)
    assert "từ 7:30 sáng thứ Hai, 30/11" in reply.text


async def test_an_answered_question_and_a_group_get_no_offer(conversation: Conversation) -> None:
    [answered] = await conversation.handle_text(RESIDENT, "mất thẻ bhyt làm sao")
    assert answered.title and not ask_button(answered)
    [in_group] = await conversation.handle_text(GROUP, UNKNOWN, sender="1")
    assert not ask_button(in_group)
    [asked] = await conversation.handle_text(GROUP, "/hoicanbo", sender="1")
    assert asked.text == msg.staff_private_only(WARD_NAME)


async def test_another_offices_number_the_bot_lacks_is_offered_to_staff(
    conversation: Conversation, desk: Desk, room: FakeRoom
) -> None:
    """ "Sđt công an phường" that no entry gives: the bot says it does not have it, and
    offers to ask ward staff, who may know it; accepting passes that question on."""
    [reply] = await conversation.handle_text(RESIDENT, "sđt công an phường là số nào")
    assert reply.text.startswith("Dạ, em chưa có số điện thoại của công an phường")
    assert ask_button(reply)
    [received] = await conversation.handle_action(RESIDENT, "staff:ask")
    assert "phiếu số 1" in received.text
    await desk.post_pending()
    [post] = room.posts
    assert "sđt công an phường là số nào" in post.reply.text


async def test_of_two_questions_the_one_the_bot_cannot_answer_is_offered_to_staff(
    conversation: Conversation, desk: Desk, room: FakeRoom
) -> None:
    """One question answered, the other not: the offer to ask staff, as to that question
    alone, under the reply naming it; accepting sends staff that question, not the one
    answered. "Có" takes the offer as the button does."""
    answered, unanswered = await conversation.handle_text(
        RESIDENT, f"mất thẻ bhyt thì làm sao? {UNKNOWN}"
    )
    assert answered.title == "Mất thẻ bảo hiểm y tế thì làm sao?" and not ask_button(answered)
    assert unanswered.text.startswith(msg.about_parts([UNKNOWN.rstrip("?")]))
    assert ask_button(unanswered)
    [received] = await conversation.handle_text(RESIDENT, "có")
    assert "phiếu số 1" in received.text
    await desk.post_pending()
    [post] = room.posts
    assert f"“{UNKNOWN.rstrip('?')}”" in post.reply.text
    assert "mất thẻ" not in post.reply.text


async def test_an_upset_emoji_is_told_staff_can_help_and_with_a_ticket_open_reaches_them(
    conversation: Conversation, desk: Desk, room: FakeRoom
) -> None:
    """ "😢" alone: asked what happened, told staff help with what the bot cannot answer;
    with a ticket open, staff see it (what upset the resident may be their answer)."""
    [reply] = await conversation.handle_text(RESIDENT, "😢")
    assert reply.text == msg.upset(WARD_NAME, "0276 3822 123", angry=False, staff=True)
    assert "chuyển cán bộ phường" in reply.text
    await posted_ticket(conversation, desk)
    [thread] = list(room.topics)
    [relayed] = await conversation.handle_text(RESIDENT, "😭")
    assert relayed.text == msg.ticket_follow_up(WARD_NAME, 1)
    await desk.post_pending()
    assert [p.reply.text for p in room.in_thread(thread)][1:] == [
        msg.ticket_follow_up_post(1, "😭")
    ]


async def test_a_complaint_is_offered_to_staff_and_reaches_them_as_typed(
    conversation: Conversation, desk: Desk, room: FakeRoom, settings: Settings
) -> None:
    """A complaint about staff or service: heard, and passed on as a question nothing
    answers is (the offer, and "có" takes it), with the hotline; no FAQ entries."""
    complaint = "cán bộ làm việc thái độ quá, hẹn mãi không trả hồ sơ, tôi rất bức xúc"
    [heard] = await conversation.handle_text(RESIDENT, complaint)
    assert heard.text.startswith(msg.complaint_heard(WARD_NAME, settings.ward_hotline))
    # A complaint is no question: the offer says what goes is the complaint.
    assert "chuyển ý kiến phản ánh này tới cán bộ phường" in heard.text
    assert "câu hỏi" not in heard.text
    assert [b.action for b in heard.buttons] == ["staff:ask"] and ask_button(heard)
    [received] = await conversation.handle_text(RESIDENT, "có")
    assert "phiếu số 1" in received.text
    await desk.post_pending()
    [topic] = room.topics
    [post] = room.in_thread(topic)
    assert f"“{complaint}”" in post.reply.text


COMPLAINT = "cán bộ phường thái độ quá tệ, hẹn mãi không trả hồ sơ"


async def test_a_complaint_passed_on_is_called_one_to_the_resident_and_staff_a_question_not(
    conversation: Conversation, desk: Desk, room: FakeRoom
) -> None:
    """Accepted, the offer under a complaint stays what it said it was: the resident is
    told their complaint ("ý kiến phản ánh") went, and staff read it marked as one, in
    the post and in the topic's name; a question passed on beside it stays a question."""
    [heard] = await conversation.handle_text(RESIDENT, COMPLAINT)
    assert ask_button(heard)
    [received] = await conversation.handle_action(RESIDENT, "staff:ask")
    assert "Em đã chuyển ý kiến phản ánh của anh/chị tới cán bộ phường (phiếu số 1)" in (
        received.text
    )
    assert "câu hỏi" not in received.text
    [asked] = await conversation.handle_text(OTHER, UNKNOWN)
    assert ask_button(asked)
    [passed] = await conversation.handle_text(OTHER, "có")
    assert "Em đã chuyển câu hỏi tới cán bộ phường (phiếu số 2)" in passed.text
    await desk.post_pending()
    complaint_topic, question_topic = room.topics
    assert room.topics[complaint_topic].startswith("#1 · Zalo · Phản ánh: cán bộ phường")
    assert "Phản ánh" not in room.topics[question_topic]
    [complaint_post] = room.in_thread(complaint_topic)
    [question_post] = room.in_thread(question_topic)
    assert f"\nPhản ánh: “{COMPLAINT}”\n" in complaint_post.reply.text
    assert "Câu hỏi" not in complaint_post.reply.text
    assert f"\nCâu hỏi: “{UNKNOWN}”\n" in question_post.reply.text
    assert "Phản ánh" not in question_post.reply.text


async def test_what_asks_nothing_under_a_complaints_offer_goes_with_it_as_a_complaint(
    conversation: Conversation, desk: Desk, room: FakeRoom
) -> None:
    """The resident adds their name under the offer to pass a complaint on: the offer is
    for both, still named a complaint (and so when "ok" is told it has not gone yet), and
    both go as a complaint, to them and to staff."""
    await conversation.handle_text(RESIDENT, COMPLAINT)
    [again] = await conversation.handle_text(RESIDENT, "tên em là Nguyễn Văn An")
    assert ask_button(again)
    assert "chuyển ý kiến phản ánh này tới cán bộ phường" in again.text
    assert "chuyển câu hỏi này" not in again.text
    [kept] = await conversation.handle_text(RESIDENT, "ok")
    assert kept.text.startswith("Dạ vâng ạ. Ý kiến phản ánh của anh/chị chưa được chuyển")
    [received] = await conversation.handle_text(RESIDENT, "có")
    assert "Em đã chuyển ý kiến phản ánh của anh/chị" in received.text
    await desk.post_pending()
    [post] = room.posts
    assert f"\nPhản ánh: “{COMPLAINT}\ntên em là Nguyễn Văn An”\n" in post.reply.text


async def test_a_complaint_offered_before_a_restart_is_passed_on_as_one_after_it(
    conversation: Conversation,
    store: Store,
    settings: Settings,
    ward_engine: Engine,
    room: FakeRoom,
    clock: Clock,
) -> None:
    """The bot restarted between the offer under a complaint and the resident's press,
    and again before the ticket reached staff: still called a complaint both ways; and
    asked for with /hoicanbo after the restart, the offer still names it one."""
    [heard] = await conversation.handle_text(RESIDENT, COMPLAINT)
    assert ask_button(heard)

    def restarted() -> tuple[Desk, Conversation]:
        desk = Desk(TicketBook(store), settings, ward_engine, clock=clock)
        desk.room = room
        return desk, Conversation(ward_engine, store, settings, desk=desk, clock=clock)

    _, after = restarted()
    [again] = await after.handle_text(RESIDENT, "/hoicanbo")
    assert f"Dạ, ý kiến phản ánh của anh/chị: “{COMPLAINT}”" in again.text
    assert "chuyển ý kiến phản ánh này tới cán bộ phường" in again.text
    [received] = await after.handle_action(RESIDENT, "staff:ask")
    assert "Em đã chuyển ý kiến phản ánh của anh/chị tới cán bộ phường" in received.text
    poster, _ = restarted()
    await poster.post_pending()
    [topic] = room.topics
    [post] = room.in_thread(topic)
    assert f"\nPhản ánh: “{COMPLAINT}”\n" in post.reply.text


async def test_displeasure_with_a_no_answer_keeps_the_question_offered_to_staff(
    conversation: Conversation, desk: Desk, room: FakeRoom, settings: Settings
) -> None:
    """ "Em không hài lòng với câu trả lời" right under 'em chưa có thông tin' and the offer
    is about that reply, as "sai rồi" would be: the question stays what "có" passes on.
    Before, it was heard as a complaint about the ward, whose offer replaced the question's,
    and staff got a ticket saying only "em không hài lòng với câu trả lời"."""
    [no_answer] = await conversation.handle_text(RESIDENT, UNKNOWN)
    assert ask_button(no_answer)
    [sorry] = await conversation.handle_text(RESIDENT, "em không hài lòng với câu trả lời")
    assert sorry.text.startswith("Dạ, em xin lỗi vì trả lời chưa đúng ý anh/chị.")
    assert "chuyển câu hỏi này tới cán bộ phường" in sorry.text and ask_button(sorry)
    [received] = await conversation.handle_text(RESIDENT, "có")
    assert "phiếu số 1" in received.text
    await desk.post_pending()
    [topic] = room.topics
    [post] = room.in_thread(topic)
    assert f"Câu hỏi: “{UNKNOWN}”" in post.reply.text


async def test_with_a_staff_desk_help_offers_hoicanbo(conversation: Conversation) -> None:
    [reply] = await conversation.handle_text(RESIDENT, "/help")
    assert "/hoicanbo [câu hỏi] — Chuyển câu hỏi tới cán bộ phường" in reply.text


async def test_without_a_staff_group_asking_for_staff_gives_the_hotline(
    ward_engine: Engine, store: Store, ward_settings: Settings
) -> None:
    plain = Conversation(ward_engine, store, ward_settings)
    [no_answer] = await plain.handle_text(RESIDENT, UNKNOWN)
    assert not ask_button(no_answer)
    [reply] = await plain.handle_text(RESIDENT, "cho em gặp cán bộ")
    assert "0276 3822 123" in reply.text


# Asking for a person in the south's and centre's words: "kêu" (call), "giùm" (for me),
# "người thiệt" (a real person), or whether anyone real is there.
SOUTHERN_STAFF = [
    "kêu cán bộ giùm tui",
    "cho tui nói chuyện với người thiệt",
    "keu can bo dum em nha",
    "có ai là người thật không",
    "co ai la nguoi thiet hong",
]


@pytest.mark.parametrize("text", SOUTHERN_STAFF)
async def test_asking_for_a_person_in_everyday_words_reaches_staff_or_the_hotline(
    conversation: Conversation,
    ward_engine: Engine,
    store: Store,
    ward_settings: Settings,
    text: str,
) -> None:
    """With a staff group, what /hoicanbo gives (the question is asked for next); without
    one, the hotline: not "em chưa có thông tin" nor close matches."""
    [offer] = await conversation.handle_text(RESIDENT, text)
    assert offer.text.startswith("Dạ, anh/chị vui lòng nhắn điều cần hỏi cán bộ phường")
    plain = Conversation(ward_engine, store, ward_settings)
    [reply] = await plain.handle_text(ChatRef("test", "other"), text)
    assert reply.text == msg.staff_unavailable(WARD_NAME, "0276 3822 123")


# --- tickets reach staff -------------------------------------------------------------------


async def test_accepting_opens_a_ticket_posted_in_its_own_topic(
    conversation: Conversation, desk: Desk, room: FakeRoom, store: Store
) -> None:
    await store.subscribe(RESIDENT, "bhyt")
    number = await open_ticket(conversation)
    assert number == 1
    assert await desk.post_pending() == 1
    [topic] = room.topics.items()
    assert topic[1].startswith("#1 · Zalo · Cho hỏi phường có tổ chức lớp dạy bơi")
    [post] = room.in_thread(topic[0])
    assert f"“{UNKNOWN}”" in post.reply.text
    # The resident was told only the question and the channel go to staff: not what they
    # follow (the topic list is theirs).
    assert "theo dõi" not in post.reply.text and "Bảo hiểm y tế" not in post.reply.text
    assert [b.action for b in post.reply.buttons][-2:] == ["tn:1", "tc:1"]
    # A second resident gets a second topic.
    assert (
        await open_ticket(conversation, OTHER, "phường có cho mượn bàn ghế tổ chức đám cưới không")
        == 2
    )
    await desk.post_pending()
    assert len(room.topics) == 2
    assert await desk.post_pending() == 0  # each posted once


async def test_the_guesses_shown_to_staff_can_become_variants_by_button(
    conversation: Conversation, desk: Desk, room: FakeRoom
) -> None:
    await open_ticket(
        conversation, text="thẻ bảo hiểm của bà tôi rách nát hết rồi xin cái mới được không"
    )
    await desk.post_pending()
    [post] = room.posts
    variants = [b for b in post.reply.buttons if b.action.startswith("tv:1:")]
    assert variants and all(b.label.startswith("➕ Là cách hỏi khác của: ") for b in variants)
    assert "Bot tìm được (chưa đủ chắc để tự trả lời):" in post.reply.text


async def test_without_topics_a_ticket_is_a_thread_of_replies(
    conversation: Conversation, desk: Desk, room: FakeRoom
) -> None:
    room.forum = False
    await posted_ticket(conversation, desk)
    await conversation.handle_text(RESIDENT, "nhà em ở khu phố 3")
    await desk.post_pending()
    first, second = room.posts
    assert first.thread_id is None and first.reply_to is None
    assert second.reply_to == first.message_id
    assert second.reply.text == msg.ticket_follow_up_post(1, "nhà em ở khu phố 3")
    assert room.topics == {}


async def test_without_topics_an_answer_replying_to_the_ticket_reaches_the_resident(
    conversation: Conversation, desk: Desk, room: FakeRoom, store: Store
) -> None:
    """A staff group without topics: an answer typed replying to nothing, while the
    ticket waits, is told once that it reached no one, and how to answer that ticket; the
    answer replying to the ticket's post (or to its follow-up), or /r with the ticket's
    number, reaches the resident, and staff see it did (👍 on it)."""
    room.forum = False
    await posted_ticket(conversation, desk)
    await conversation.handle_text(RESIDENT, "nhà em ở khu phố 3")
    await desk.post_pending()
    first, follow_up = room.posts
    hint = await desk.on_staff_message(staff("Hồ sơ nộp ở tầng 1 ạ.", message_id=7002))
    assert hint == [msg.relay_not_sent_open([1], 0, every="2 giờ")] and "phiếu số 1" in hint[0]
    # Told once in a while: staff may be talking among themselves.
    assert await desk.on_staff_message(staff("chị Hoa xem giúp", message_id=7003)) == []
    said = "Dạ, anh/chị mang căn cước đến Bộ phận Một cửa ạ."
    assert await desk.on_staff_message(staff(said, reply_to=first.message_id)) == []
    later = "Sáng thứ Bảy vẫn nhận hồ sơ ạ."
    assert (
        await desk.on_staff_message(staff(later, reply_to=follow_up.message_id, message_id=7004))
        == []
    )
    assert await desk.on_staff_message(staff("/r 1 Không cần hẹn trước ạ.", message_id=7005)) == []
    channel = Pushed()
    composer = Composer(lambda: desk.engine.corpus, store, kinds={"reply": desk.compose})
    sender = Sender(store, channel, composer, on_done=desk.delivered, clock=desk.clock)
    await sender.drain()
    got = [
        (chat_id, reply.title, reply.text) for chat_id, replies in channel.sent for reply in replies
    ]
    title = "💬 Cán bộ UBND Phường 2 trả lời (phiếu số 1)"
    assert got == [
        (RESIDENT.chat_id, title, said),
        (RESIDENT.chat_id, title, later),
        (RESIDENT.chat_id, title, "Không cần hẹn trước ạ."),
    ]
    assert room.reactions == [7001, 7004, 7005]
    assert room.topics == {}


async def test_a_failing_staff_group_loses_no_ticket(
    conversation: Conversation, desk: Desk, room: FakeRoom
) -> None:
    await open_ticket(conversation)
    room.fail = RuntimeError("Telegram is down")
    with pytest.raises(RuntimeError):
        await desk.post_pending()
    room.fail = None
    assert await desk.post_pending() == 1
    assert len(room.posts) == 1


async def test_a_staff_group_the_bot_cannot_post_in_holds_tickets_and_residents_are_told(
    conversation: Conversation, desk: Desk, room: FakeRoom, caplog: pytest.LogCaptureFixture
) -> None:
    """Telegram refuses the poster (the bot removed from the group while it was stopped,
    say, so no word of it came): said once in the log and to admins, /healthz reports the
    desk down, residents asking meanwhile are told their question waits, with the hotline;
    once a post goes through, every ticket is there."""
    told: list[str] = []

    async def tell_lost() -> None:
        told.append("lost")

    async def tell_back() -> None:
        told.append("back")

    desk.tell_lost, desk.tell_back = tell_lost, tell_back
    room.fail = GroupUnreachable("the bot is not in the group (Forbidden: bot was kicked)")
    stop = asyncio.Event()
    poster = asyncio.create_task(desk.run(stop))
    try:
        await open_ticket(conversation)
        await eventually(lambda: desk.unreachable is not None)
        assert not desk.healthy()
        await conversation.handle_text(OTHER, UNKNOWN)
        [held] = await conversation.handle_action(OTHER, "staff:ask")
        assert "phiếu số 2" in held.text and "chưa chuyển được" in held.text
        assert "gọi đường dây nóng 0276 3822 123" in held.text
        [more] = await conversation.handle_text(OTHER, "nhà tôi ở tổ 5")
        assert more.text == msg.ticket_follow_up(WARD_NAME, 2, held_up=True)
        assert room.posts == [] and told == ["lost"]

        room.fail = None
        desk.wake()
        await eventually(lambda: len(room.topics) == 2)
        await eventually(desk.healthy)
        assert told == ["lost", "back"]
        assert [r.msg for r in caplog.records].count(
            "staff group %s: %s; questions for staff wait, and are posted once it can"
        ) == 1
    finally:
        stop.set()
        await poster


async def test_a_topic_staff_deleted_is_made_again(
    conversation: Conversation, desk: Desk, room: FakeRoom
) -> None:
    await posted_ticket(conversation, desk)
    [first_topic] = list(room.topics)
    await room.delete_topic(room.chat_id, first_topic)
    await conversation.handle_text(RESIDENT, "em hỏi thêm: có mất phí không ạ")
    await desk.post_pending()
    [new_topic] = list(room.topics)
    assert new_topic != first_topic
    assert "có mất phí không" in room.in_thread(new_topic)[0].reply.text


# --- the resident while a ticket is open --------------------------------------------------


async def test_further_messages_go_to_the_same_topic_and_known_answers_still_come(
    conversation: Conversation, desk: Desk, room: FakeRoom
) -> None:
    await posted_ticket(conversation, desk)
    [thread] = list(room.topics)
    [relayed] = await conversation.handle_text(RESIDENT, "lớp học ở hồ bơi nào ạ")
    assert relayed.text == msg.ticket_follow_up(WARD_NAME, 1)
    [answered] = await conversation.handle_text(RESIDENT, "mất thẻ bhyt làm sao")
    assert answered.title == "Mất thẻ bảo hiểm y tế thì làm sao?"
    await desk.post_pending()
    texts = [p.reply.text for p in room.in_thread(thread)]
    assert texts[1:] == [
        msg.ticket_follow_up_post(1, "lớp học ở hồ bơi nào ạ"),
        msg.ticket_follow_up_post(1, "mất thẻ bhyt làm sao"),
    ]
    # Commands are not relayed.
    await conversation.handle_text(RESIDENT, "/topics")
    assert await desk.post_pending() == 0


async def test_a_message_in_another_language_with_a_ticket_open_gets_the_english_line(
    conversation: Conversation, desk: Desk, room: FakeRoom
) -> None:
    """A foreign resident with a ticket open who writes in English (or another script)
    is told, as without a ticket, in a line they can read that the bot reads Vietnamese
    only; staff get the message as any other. A Vietnamese message gets no such line."""
    await posted_ticket(conversation, desk)
    [thread] = list(room.topics)
    english = msg.in_vietnamese_only(WARD_NAME, "0276 3822 123")
    asked = ("Where can I rent a football pitch, please?", "축구장을 빌릴 수 있나요?")
    for text in asked:
        [reply] = await conversation.handle_text(RESIDENT, text)
        assert reply.text == msg.ticket_follow_up(WARD_NAME, 1) + "\n\n" + english, text
    [vietnamese] = await conversation.handle_text(RESIDENT, "lớp học ở hồ bơi nào ạ")
    assert vietnamese.text == msg.ticket_follow_up(WARD_NAME, 1)
    await desk.post_pending()
    texts = [p.reply.text for p in room.in_thread(thread)]
    assert texts[1:3] == [msg.ticket_follow_up_post(1, text) for text in asked]


async def test_two_questions_with_a_ticket_open_get_an_answer_each_and_reach_staff(
    conversation: Conversation, desk: Desk, room: FakeRoom, store: Store
) -> None:
    """As without a ticket: each question the bot knows is answered (asked whole, neither
    is), and the message goes to staff once, logged once. As under one answer with a
    ticket open, no "🙁 Chưa đúng ý tôi hỏi": "sai rồi" reaches staff, who have the
    message (the button offered it to them again, and posted it twice)."""
    await posted_ticket(conversation, desk)
    [thread] = list(room.topics)
    asked = "mất thẻ bhyt thì làm sao, còn tạm trú cần gì?"
    first, second = await conversation.handle_text(RESIDENT, asked)
    assert (first.title, second.title) == (
        "Mất thẻ bảo hiểm y tế thì làm sao?",
        "Đăng ký tạm trú cần giấy tờ gì?",
    )
    [one] = await conversation.handle_text(RESIDENT, "mất thẻ bhyt thì làm sao")
    for reply in (first, second, one):
        assert msg.WRONG_BUTTON not in [b.label for b in reply.buttons]
    await desk.post_pending()
    assert [p.reply.text for p in room.in_thread(thread)][1:] == [
        msg.ticket_follow_up_post(1, asked),
        msg.ticket_follow_up_post(1, "mất thẻ bhyt thì làm sao"),
    ]
    # The ticket's question, each of the message's, and the last.
    assert await store.question_counts(0) == (4, 1)


async def test_two_questions_one_unanswered_with_a_ticket_open_say_staff_have_the_other(
    conversation: Conversation, desk: Desk, room: FakeRoom
) -> None:
    """With a ticket open, the question the bot knows is answered and the one it does not
    is left to staff, who get the message once: no second offer to ask them."""
    await posted_ticket(conversation, desk)
    [thread] = list(room.topics)
    asked = "mất thẻ bhyt thì làm sao? còn giá vé xe buýt lên thành phố là bao nhiêu?"
    answer, relayed = await conversation.handle_text(RESIDENT, asked)
    assert answer.title == "Mất thẻ bảo hiểm y tế thì làm sao?"
    assert relayed.text == msg.ticket_follow_up(WARD_NAME, 1)
    assert not ask_button(answer) and not ask_button(relayed)
    await desk.post_pending()
    assert [p.reply.text for p in room.in_thread(thread)][1:] == [
        msg.ticket_follow_up_post(1, asked)
    ]


@pytest.mark.parametrize("asked", ["cần giấy tờ gì", "dạ vâng, cần giấy tờ gì"])
async def test_a_follow_up_with_a_ticket_open_is_about_the_answer_just_given(
    conversation: Conversation, desk: Desk, room: FakeRoom, asked: str
) -> None:
    """With a ticket open, the bot still answers what it knows, follow-ups as without one:
    "cần giấy tờ gì" after the answer on permanent residence gets its lines (not the
    papers for a birth, what it gets alone), and reaches staff too, whole; so does it
    after a courtesy ("dạ vâng, ...")."""
    alone = await conversation.engine.ask_async("cần giấy tờ gì")
    assert (
        alone.best is not None
        and alone.best.doc.title == "Đăng ký khai sinh cho con cần giấy tờ gì?"
    )
    await posted_ticket(conversation, desk)
    [thread] = list(room.topics)
    [answer] = await conversation.handle_text(RESIDENT, "đăng ký thường trú ở đâu")
    [papers] = await conversation.handle_text(RESIDENT, asked)
    assert papers.title == answer.title == "Đăng ký thường trú ở đâu?"
    # No "🙁"; its one line, which says it, is the whole entry: no "📄 Xem đầy đủ" either.
    assert papers.text == answer.text and papers.buttons == ()
    # The entry names no fee: staff, who get the message, answer it (alone, it gets the
    # health-insurance contribution, another procedure's "how much").
    [fee] = await conversation.handle_text(RESIDENT, "bao nhiêu tiền")
    assert fee.text == msg.ticket_follow_up(WARD_NAME, 1)
    await desk.post_pending()
    assert [p.reply.text for p in room.in_thread(thread)][-2:] == [
        msg.ticket_follow_up_post(1, asked),
        msg.ticket_follow_up_post(1, "bao nhiêu tiền"),
    ]


async def test_a_question_naming_no_procedure_with_a_ticket_open_is_left_to_staff(
    conversation: Conversation, desk: Desk, room: FakeRoom, clock: Clock
) -> None:
    """ "Cần giấy tờ gì" a while after the ticket's question, no answer before it: staff,
    who have the ticket's question, know which procedure it means; the bot does not answer
    with the papers for a birth (what it gets alone, as a question naming no procedure
    without a ticket is asked which procedure instead)."""
    await posted_ticket(conversation, desk)
    [thread] = list(room.topics)
    clock.now += 11 * 60
    [papers] = await conversation.handle_text(RESIDENT, "cần giấy tờ gì")
    assert papers.text == msg.ticket_follow_up(WARD_NAME, 1)
    await desk.post_pending()
    texts = [p.reply.text for p in room.in_thread(thread)]
    assert texts[-1] == msg.ticket_follow_up_post(1, "cần giấy tờ gì")


async def test_thanks_to_the_officer_reach_staff_and_are_no_question(
    conversation: Conversation, desk: Desk, room: FakeRoom, store: Store
) -> None:
    """ "Cảm ơn chị Lan đã hỗ trợ ạ" after her answer: staff see it; the bot does not log it
    as a question it could not answer, nor, once the ticket is closed, offer to pass it on."""
    await posted_ticket(conversation, desk)
    [post] = room.posts
    await desk.on_staff_message(staff("Dạ có, lớp bơi mở từ 1/5.", reply_to=post.message_id))
    [thanked] = await conversation.handle_text(RESIDENT, "Cảm ơn chị Lan đã hỗ trợ ạ")
    assert thanked.text == msg.thanks()
    await desk.post_pending()
    last = room.in_thread(post.thread_id)[-1].reply.text
    assert last == msg.ticket_follow_up_post(1, "Cảm ơn chị Lan đã hỗ trợ ạ")
    await desk.on_staff_message(staff("/close", thread=post.thread_id, message_id=7002))
    [thanked] = await conversation.handle_text(RESIDENT, "dạ em cảm ơn cán bộ ạ")
    assert thanked.text == msg.thanks() and thanked.buttons == ()
    assert await store.question_counts(0) == (1, 1)  # the ticket's question only


async def test_thanks_after_the_answer_leave_the_ticket_answered_not_waiting_for_staff(
    conversation: Conversation, desk: Desk, room: FakeRoom
) -> None:
    """Most tickets end with the resident's thanks: staff see it in the topic, but the
    ticket is no longer listed as waiting for an answer at the top of /tickets (and in
    /stats) as if the resident had asked more; a further question is."""
    await posted_ticket(conversation, desk)
    [post] = room.posts
    await desk.on_staff_message(staff("Dạ có, lớp bơi mở từ 1/5.", reply_to=post.message_id))
    thanked = ("Cảm ơn chị Lan đã hỗ trợ ạ", "chúc cán bộ sức khỏe", "em cảm ơn ạ")
    for thanks in (*thanked, "Dạ em cảm ơn chị, chúc chị sức khỏe ạ"):
        [reply] = await conversation.handle_text(RESIDENT, thanks)
        assert reply.text != msg.ticket_follow_up(WARD_NAME, 1)  # no more asked
    await desk.post_pending()
    assert len(room.in_thread(post.thread_id)) == 5  # staff see each
    ticket = await desk.tickets.get(1)
    assert ticket is not None and ticket.state == "answered"
    assert "đã trả lời" in await desk.listing()
    assert (await desk.tickets.counts(0))[0] == 0
    await conversation.handle_text(RESIDENT, "cho em hỏi thêm lớp bơi có học buổi tối không")
    ticket = await desk.tickets.get(1)
    assert ticket is not None and ticket.state == "open"


async def test_ok_or_da_vang_after_the_answer_leave_the_ticket_answered(
    conversation: Conversation, desk: Desk, room: FakeRoom
) -> None:
    """ "Ok", "dạ vâng ạ" after staff's answer close the turn as thanks do: staff see them in
    the topic, the resident gets the short reply, and the ticket is not put back among
    those waiting for an answer (/tickets, /stats) as if the resident had asked more."""
    await posted_ticket(conversation, desk)
    [post] = room.posts
    await desk.on_staff_message(staff("Dạ có, lớp bơi mở từ 1/5.", reply_to=post.message_id))
    for said in ("ok", "dạ vâng ạ", "dạ em hiểu rồi ạ"):
        [reply] = await conversation.handle_text(RESIDENT, said)
        assert reply.text == msg.acknowledged()
        ticket = await desk.tickets.get(1)
        assert ticket is not None and ticket.state == "answered", said
    await desk.post_pending()
    assert len(room.in_thread(post.thread_id)) == 4  # the question, and each of the three
    assert (await desk.tickets.counts(0))[0] == 0


async def test_asking_to_ask_with_a_ticket_open_reaches_staff(
    conversation: Conversation, desk: Desk, room: FakeRoom
) -> None:
    """ "Cho em hỏi thêm" on an open ticket: staff see the resident has more to ask."""
    await posted_ticket(conversation, desk)
    [thread] = list(room.topics)
    [relayed] = await conversation.handle_text(RESIDENT, "cho em hỏi thêm với ạ")
    assert relayed.text == msg.ticket_follow_up(WARD_NAME, 1)
    [relayed] = await conversation.handle_text(RESIDENT, "cho em hỏi")
    assert relayed.text == msg.ticket_follow_up(WARD_NAME, 1)
    [relayed] = await conversation.handle_text(RESIDENT, "hả?")  # puzzled by staff's reply
    assert relayed.text == msg.ticket_follow_up(WARD_NAME, 1)
    await desk.post_pending()
    texts = [p.reply.text for p in room.in_thread(thread)][-3:]
    assert texts == [
        msg.ticket_follow_up_post(1, "cho em hỏi thêm với ạ"),
        msg.ticket_follow_up_post(1, "cho em hỏi"),
        msg.ticket_follow_up_post(1, "hả?"),
    ]


async def test_a_yes_with_a_ticket_open_reaches_staff(
    conversation: Conversation, desk: Desk, room: FakeRoom
) -> None:
    """Staff asked "nhà mình có hộ khẩu ở đây không ạ?": "có ạ" answers them."""
    await posted_ticket(conversation, desk)
    [thread] = list(room.topics)
    [relayed] = await conversation.handle_text(RESIDENT, "có ạ")
    assert relayed.text == msg.ticket_follow_up(WARD_NAME, 1)
    await desk.post_pending()
    assert room.in_thread(thread)[-1].reply.text == msg.ticket_follow_up_post(1, "có ạ")


async def test_a_phone_number_alone_points_to_hoicanbo_and_opens_no_ticket(
    conversation: Conversation, desk: Desk, room: FakeRoom, store: Store
) -> None:
    """Sent alone, a phone number asks to be called back: the bot cannot, so it says how
    to have staff answer here (/hoicanbo) and the hotline; the number goes nowhere. In a
    group, where /hoicanbo does not work, the hotline only."""
    [reply] = await conversation.handle_text(RESIDENT, "0909 123 456")
    assert reply.text == msg.call_back(WARD_NAME, "0276 3822 123", staff=True, example=EXAMPLE)
    assert "/hoicanbo" in reply.text and "0276 3822 123" in reply.text
    await desk.post_pending()
    assert room.posts == [] and await desk.active(RESIDENT) is None
    [in_group] = await conversation.handle_text(GROUP, "0909 123 456")
    assert in_group.text == msg.call_back(WARD_NAME, "0276 3822 123", staff=False, example=EXAMPLE)
    assert "/hoicanbo" not in in_group.text


async def test_a_number_alone_with_a_ticket_open_reaches_staff(
    conversation: Conversation, desk: Desk, room: FakeRoom
) -> None:
    """Staff ask for a phone number, or how many people: the resident answers with a number
    alone, after a list of answers too."""
    await posted_ticket(conversation, desk)
    [thread] = list(room.topics)
    [answered] = await conversation.handle_text(RESIDENT, "mất thẻ bhyt làm sao")
    assert answered.buttons  # related questions, numbered on Zalo
    for text in ("0912 345 678", "0912345678"):
        [relayed] = await conversation.handle_text(RESIDENT, text)
        assert relayed.text == msg.ticket_follow_up(WARD_NAME, 1)
    await desk.post_pending()
    texts = [p.reply.text for p in room.in_thread(thread)][-2:]
    assert texts == [
        msg.ticket_follow_up_post(1, "0912 345 678"),
        msg.ticket_follow_up_post(1, "0912345678"),
    ]


async def test_a_number_not_on_the_list_shown_with_a_ticket_open_reaches_staff(
    conversation: Conversation, desk: Desk, room: FakeRoom, settings: Settings
) -> None:
    """On Zalo, lists are numbered: staff ask how many people live there, the resident
    answers "5" under an answer listing related questions. It goes to staff (before, the
    bot said 5 was not on its list), while "1" still opens the list's first line."""
    answerer = Answerer("zalo", conversation, settings, numbered=True)
    shown: list[Reply] = []

    async def send(replies: Sequence[Reply]) -> list[Button]:
        shown.extend(replies)
        return [button for reply in replies for button in reply.buttons]

    await posted_ticket(conversation, desk)
    [thread] = list(room.topics)
    await answerer.text(RESIDENT, "mất thẻ bhyt làm sao", send)
    assert 1 < len(shown[-1].buttons) < 5  # related questions, numbered
    await answerer.text(RESIDENT, "1", send)
    assert shown[-1].title == shown[-2].buttons[0].label
    await answerer.text(RESIDENT, "5", send)
    assert shown[-1].text == msg.ticket_follow_up(WARD_NAME, 1)
    await desk.post_pending()
    assert room.in_thread(thread)[-1].reply.text == msg.ticket_follow_up_post(1, "5")


async def test_saying_the_answer_missed_offers_that_question_to_staff(
    conversation: Conversation, desk: Desk, room: FakeRoom
) -> None:
    question = "bà tôi bị mất thẻ bảo hiểm thì làm lại ở đâu"
    [answered] = await conversation.handle_text(RESIDENT, question)
    assert answered.title
    [sorry] = await conversation.handle_text(RESIDENT, "không phải ạ")
    assert sorry.text.startswith("Dạ, em xin lỗi vì trả lời chưa đúng ý anh/chị.")
    assert ask_button(sorry)
    [received] = await conversation.handle_action(RESIDENT, "staff:ask")
    assert "phiếu số 1" in received.text
    await desk.post_pending()
    [post] = room.posts
    assert f"“{question}”" in post.reply.text  # the question, not "không phải ạ"


async def test_saying_the_answer_missed_offers_staff_the_question_as_typed(
    conversation: Conversation, desk: Desk, room: FakeRoom
) -> None:
    """The question log blanks numbers (a file's, a phone's): staff get the question with
    them, as an unanswered question's offer gives it."""
    question = "bà tôi mất thẻ bảo hiểm thì làm lại ở đâu, hồ sơ số 12345678, gọi 0912345678"
    [answered] = await conversation.handle_text(RESIDENT, question)
    assert answered.title
    [sorry] = await conversation.handle_text(RESIDENT, "sai rồi")
    assert ask_button(sorry)
    await conversation.handle_action(RESIDENT, "staff:ask")
    await desk.post_pending()
    [post] = room.posts
    assert f"“{question}”" in post.reply.text


@pytest.mark.parametrize("change", [{"question_log_days": 0}, {"read_only": True}])
async def test_saying_the_answer_missed_without_the_question_log_still_offers_the_rest(
    ward_engine: Engine,
    store: Store,
    settings: Settings,
    desk: Desk,
    clock: Clock,
    room: FakeRoom,
    change: dict[str, object],
) -> None:
    """QUESTION_LOG_DAYS=0 or a read-only data folder keep no question log: "không phải"
    still gets the other close matches and the offer to pass the question to staff;
    after /forget, nothing of it is offered."""
    if change.pop("read_only", False):
        store.writable = False
    conversation = Conversation(
        ward_engine, store, replace(settings, **change), desk=desk, clock=clock
    )
    question = "bà tôi bị mất thẻ bảo hiểm thì làm lại ở đâu"
    [answered] = await conversation.handle_text(RESIDENT, question)
    [sorry] = await conversation.handle_text(RESIDENT, "không phải ạ")
    assert sorry.text.startswith("Dạ, em xin lỗi vì trả lời chưa đúng ý anh/chị. Có phải")
    offered = [b.label for b in sorry.buttons if b.action != "staff:ask"]
    assert offered and answered.title not in offered and ask_button(sorry)
    await conversation.handle_text(RESIDENT, "/forget")
    [forgotten] = await conversation.handle_text(RESIDENT, "không phải ạ")
    assert forgotten.buttons == ()


async def test_asking_for_staff_by_words_or_command(
    conversation: Conversation, desk: Desk, room: FakeRoom
) -> None:
    [offer] = await conversation.handle_text(RESIDENT, "cho em gặp cán bộ")
    assert offer.text.startswith("Dạ, anh/chị vui lòng nhắn điều cần hỏi cán bộ phường")
    [received] = await conversation.handle_text(
        RESIDENT, "Con tôi bị mất giấy khai sinh bản gốc, giờ sao?"
    )
    assert received.text.startswith("✅ Em đã chuyển câu hỏi tới cán bộ phường (phiếu số 1)")
    [again] = await conversation.handle_text(RESIDENT, "/hoicanbo")
    assert again.text == msg.ticket_already_open(WARD_NAME, 1)
    # Directly, with the question after the command, from another resident.
    [direct] = await conversation.handle_text(
        OTHER, "/hoicanbo phường có xe chở rác cồng kềnh không"
    )
    assert "phiếu số 2" in direct.text
    await desk.post_pending()
    assert [name.split(" · ")[0] for name in room.topics.values()] == ["#1", "#2"]


async def test_after_no_answer_asking_for_staff_offers_that_question(
    conversation: Conversation,
) -> None:
    await conversation.handle_text(RESIDENT, UNKNOWN)
    await conversation.handle_text(RESIDENT, "cảm ơn")  # the offer no longer just above
    [offer] = await conversation.handle_text(RESIDENT, "hỏi cán bộ")
    assert f"“{UNKNOWN}”" in offer.text and ask_button(offer)


@pytest.mark.parametrize("typed", ["Hỏi cán bộ phường", "💬 Hỏi cán bộ phường", "hoi can bo"])
async def test_the_offers_label_typed_right_under_it_passes_the_question_on(
    conversation: Conversation, desk: Desk, room: FakeRoom, typed: str
) -> None:
    """On Zalo the offer says to choose "Hỏi cán bộ phường" and has no button: a resident
    who types those words under it has the question passed on, as the numbered line
    would; before, they got the same offer again (the question quoted, the same line
    to choose), and typing the label again went round the same loop."""
    chat = ChatRef("zalo", "u-401")
    [no_answer] = await conversation.handle_text(chat, UNKNOWN)
    assert ask_button(no_answer)
    [taken] = await conversation.handle_text(chat, typed)
    assert taken.text.startswith("✅ Em đã chuyển câu hỏi tới cán bộ phường (phiếu số 1)")
    await desk.post_pending()
    [post] = room.posts
    assert f"Câu hỏi: “{UNKNOWN}”" in post.reply.text


async def test_an_offer_to_pass_a_question_on_names_its_button_and_a_typed_yes_takes_it(
    conversation: Conversation, desk: Desk, room: FakeRoom
) -> None:
    """The offer under "no answer" and after "hỏi cán bộ" names the button that passes the
    question on, as it reads on every channel (numbered on Zalo, without its emoji), and
    asks no question of its own; a resident who types "có" under it all the same has it
    passed on, as the button would (see test_a_typed_yes_under_the_offer_passes_...)."""
    [no_answer] = await conversation.handle_text(RESIDENT, UNKNOWN)
    await conversation.handle_text(RESIDENT, "cảm ơn")  # the offer no longer just above
    [offer] = await conversation.handle_text(RESIDENT, "hỏi cán bộ")
    label = msg.ask_staff_button(WARD_NAME).removeprefix("💬 ")
    for reply in (no_answer, offer):
        assert ask_button(reply)
        asked = reply.text.replace(f"“{UNKNOWN}”", "")
        assert f"chọn “{label}” bên dưới" in asked
        assert "?" not in asked.split("\n\n", 1)[-1], asked
    assert offer.text.startswith(f"Dạ, câu hỏi em chưa trả lời được của anh/chị: “{UNKNOWN}”")
    assert offer.text.count("chuyển câu hỏi") == 1  # said once, not asked then offered
    [yes] = await conversation.handle_text(RESIDENT, "có")
    assert yes.text.startswith("✅ Em đã chuyển câu hỏi tới cán bộ phường (phiếu số 1)")
    await desk.post_pending()
    [post] = room.posts
    assert f"Câu hỏi: “{UNKNOWN}”" in post.reply.text


async def test_a_typed_yes_under_the_offer_passes_the_question_on_not_the_yes(
    conversation: Conversation, desk: Desk, room: FakeRoom
) -> None:
    """Under "Hỏi cán bộ phường", a resident typing their yes ("đồng ý", "dạ cần ạ",
    "chuyển giúp em") has the question they asked passed on, as the button would: before,
    "đồng ý" was asked as a question, and the offer under its "no answer" was for "đồng ý",
    which reached staff in place of the question; "có" got "Dạ vâng ạ", and nothing went.
    "ok" is told that nothing went yet (it may mean "understood"), and a "vâng" or "ok"
    after that passes it on. Beside close matches to choose from, "có" may say one of them is meant:
    it passes nothing on, "chuyển cho cán bộ" does. A yes typed later, or "không cần",
    passes nothing on."""
    chats = (ChatRef("zalo", f"u-{n}") for n in itertools.count(100))

    async def after_offer(*said: str, question: str = UNKNOWN) -> tuple[ChatRef, Reply]:
        chat = next(chats)
        [offer] = await conversation.handle_text(chat, question)
        assert ask_button(offer)
        replies = [await conversation.handle_text(chat, text) for text in said]
        return chat, replies[-1][-1]

    for consent in ("có", "đồng ý", "dạ cần ạ", "chuyển giúp em với", "ok gửi cán bộ nhé"):
        chat, reply = await after_offer(consent)
        assert reply.text.startswith("✅ Em đã chuyển câu hỏi tới cán bộ phường"), consent
    for then in ("vâng", "ok"):
        chat, told = await after_offer("ok")
        assert told.text == msg.staff_offer_kept(WARD_NAME) and told.keeps_choices
        assert "chưa được chuyển" in told.text and await desk.active(chat) is None
        [taken] = await conversation.handle_text(chat, then)
        assert taken.text.startswith("✅ Em đã chuyển câu hỏi tới cán bộ phường")
    assert await desk.post_pending() == 7
    assert all(f"Câu hỏi: “{UNKNOWN}”" in post.reply.text for post in room.posts)
    for said in (("ok", "không cần"), ("không cần đâu",), ("cảm ơn", "có")):
        chat, reply = await after_offer(*said)
        assert not reply.text.startswith("✅"), said
        assert await desk.active(chat) is None, said
    # Answered, then "không phải": close matches and the offer; "có" picks none of them.
    question = "bà tôi bị mất thẻ bảo hiểm thì làm lại ở đâu"
    for consent, passed in (("có", False), ("chuyển cho cán bộ giúp em", True)):
        chat = next(chats)
        await conversation.handle_text(chat, question)
        [sorry] = await conversation.handle_text(chat, "không phải ạ")
        assert ask_button(sorry) and len(sorry.buttons) > 1
        [reply] = await conversation.handle_text(chat, consent)
        assert (await desk.active(chat) is not None) is passed, consent
        assert reply.text == msg.acknowledged() or passed


async def test_a_no_under_the_offer_is_heard_and_passes_nothing_on(
    conversation: Conversation, desk: Desk, store: Store
) -> None:
    """Under "Hỏi cán bộ phường" a resident says no ("không cần đâu ạ", "thôi khỏi, em cảm
    ơn", "dạ không", "thôi em tự lên phường hỏi"): the bot says it passed nothing on and
    how to ask staff later. Before, "không" was taken for "the answer missed" (there was
    none), and "không cần đâu" for more of the question: it was logged as unanswered and
    offered to staff again, joined to the question. A "có" after the no passes nothing on;
    a question under the offer that starts with "không" is still asked."""
    chats = (ChatRef("zalo", f"u-{n}") for n in itertools.count(400))
    for no in (
        "không",
        "không cần đâu ạ",
        "thôi khỏi, em cảm ơn",
        "thôi khỏi, em c.ơn",
        "dạ không",
        "ko cần",
        "thôi em tự lên phường hỏi",
    ):
        chat = next(chats)
        [offer] = await conversation.handle_text(chat, UNKNOWN)
        assert ask_button(offer)
        [reply] = await conversation.handle_text(chat, no)
        assert reply.text == msg.staff_offer_declined(WARD_NAME), no
        assert not ask_button(reply), no
        [after] = await conversation.handle_text(chat, "có")
        assert not after.text.startswith("✅"), no
        assert await desk.active(chat) is None, no
    # Not a no: a question that starts with "không" is asked.
    chat = next(chats)
    await conversation.handle_text(chat, UNKNOWN)
    [asked] = await conversation.handle_text(chat, "không có giấy khai sinh thì làm sao")
    assert asked.text != msg.staff_offer_declined(WARD_NAME)
    unanswered = await store.unanswered(0)
    assert UNKNOWN in unanswered  # the log is on: the question is in it, the noes are not
    assert not any(no in q for q in unanswered for no in ("không cần", "thôi khỏi", "ko cần"))


async def test_a_question_under_the_offer_made_of_no_words_is_asked_not_taken_for_a_no(
    conversation: Conversation, store: Store
) -> None:
    """Under "Hỏi cán bộ phường" a resident asks, without a "?", whether they need to go to
    the ward ("có cần lên phường không", "thôi có cần lên xã không ạ", "không cần lên
    phường à", "khỏi lên phường hả"): it is a question, asked and logged for staff, not
    answered "em chưa chuyển gì" as if they had said no. A no that ends a longer message
    ("em tự lên phường, không cần đâu") is still one."""
    chats = (ChatRef("zalo", f"u-{n}") for n in itertools.count(500))
    questions = (
        "có cần lên phường không",
        "em có cần lên phường không ạ",
        "cần lên phường không chị",
        "thôi có cần lên xã không ạ",
        "không cần lên phường à",
        "khỏi lên phường hả",
    )
    answered = set()
    for question in questions:
        chat = next(chats)
        [offer] = await conversation.handle_text(chat, UNKNOWN)
        assert ask_button(offer)
        replies = await conversation.handle_text(chat, question)
        assert msg.staff_offer_declined(WARD_NAME) not in [r.text for r in replies], question
        if any(r.title for r in replies):  # an entry found for it (in this small ward)
            answered.add(question)
    unanswered = await store.unanswered(0)
    logged = [q for q in questions if "lên phường" in q and "thôi" not in q and q not in answered]
    assert logged and all(q in unanswered for q in logged)
    for no in ("em tự lên phường, không cần đâu", "dạ em không cần đâu", "thôi không"):
        chat = next(chats)
        await conversation.handle_text(chat, UNKNOWN)
        [reply] = await conversation.handle_text(chat, no)
        assert reply.text == msg.staff_offer_declined(WARD_NAME), no


async def test_what_asks_nothing_under_the_offer_goes_with_the_question_not_for_it(
    conversation: Conversation, desk: Desk, room: FakeRoom
) -> None:
    """Under the offer, a resident adds their name and number (or where they live): the
    bot cannot answer that either, and its offer is for both; before, it was for the name
    alone, which reached staff without the question. A new question replaces the offer
    as before; the name added under the new offer goes with the new question only."""
    chat = ChatRef("zalo", "u-301")
    await conversation.handle_text(chat, UNKNOWN)
    [again] = await conversation.handle_text(chat, "tên em là Nguyễn Văn An, sđt 0912 345 678")
    assert ask_button(again)
    [taken] = await conversation.handle_text(chat, "hỏi cán bộ")  # the label, typed
    assert taken.text.startswith("✅ Em đã chuyển câu hỏi tới cán bộ phường")
    other = ChatRef("zalo", "u-302")
    await conversation.handle_text(other, UNKNOWN)
    new = "phường có cho mượn bàn ghế tổ chức đám cưới không"
    await conversation.handle_text(other, new)
    await conversation.handle_text(other, "nhà em ở hẻm 12 đường Lê Lợi")
    await conversation.handle_action(other, "staff:ask")
    await desk.post_pending()
    first, second = (post.reply.text for post in room.posts)
    assert f"“{UNKNOWN}\ntên em là Nguyễn Văn An, sđt 0912 345 678”" in first
    assert f"“{new}\nnhà em ở hẻm 12 đường Lê Lợi”" in second and UNKNOWN not in second


async def test_an_offer_too_old_is_not_sent(conversation: Conversation, clock: Clock) -> None:
    await conversation.handle_text(RESIDENT, UNKNOWN)
    clock.now += 2 * 86400
    [reply] = await conversation.handle_action(RESIDENT, "staff:ask")
    assert reply.text == msg.staff_offer_gone(WARD_NAME)


async def test_a_resident_asking_staff_too_often_is_given_the_hotline(
    conversation: Conversation, desk: Desk, room: FakeRoom, clock: Clock
) -> None:
    for number in range(1, TICKETS_PER_HOUR + 1):
        [received] = await conversation.handle_text(RESIDENT, f"/hoicanbo câu hỏi số {number}")
        assert f"phiếu số {number}" in received.text
        await desk.on_staff_action(STAFF, f"tc:{number}")
        clock.now += 60
    [refused] = await conversation.handle_text(RESIDENT, "/hoicanbo câu hỏi thêm")
    assert refused.text == msg.ticket_limit("UBND Phường 2", "0276 3822 123")
    assert "gọi đường dây nóng 0276 3822 123" in refused.text
    # Asked to type the question, the resident is refused once; the next message is a
    # question for the bot again.
    await conversation.handle_text(RESIDENT, "cho em gặp cán bộ")
    [refused] = await conversation.handle_text(RESIDENT, UNKNOWN)
    assert refused.text == msg.ticket_limit("UBND Phường 2", "0276 3822 123")
    [answered] = await conversation.handle_text(RESIDENT, "mất thẻ bhyt làm sao")
    assert answered.title == "Mất thẻ bảo hiểm y tế thì làm sao?"
    await desk.post_pending()
    assert len(room.topics) == TICKETS_PER_HOUR
    # Others are not held back, and an hour after the first ticket the resident is not.
    assert "phiếu số 4" in (await conversation.handle_text(OTHER, "/hoicanbo loa đài"))[0].text
    clock.now += HOUR - TICKETS_PER_HOUR * 60
    assert "phiếu số 5" in (await conversation.handle_text(RESIDENT, "/hoicanbo lần nữa"))[0].text


async def test_forget_does_not_reset_the_limit_of_tickets_an_hour(
    conversation: Conversation, desk: Desk, room: FakeRoom, store: Store, clock: Clock
) -> None:
    """/forget deletes the tickets the limit was counted from: a chat sending /forget after
    each would open a new topic in the staff group every few seconds."""
    for number in range(1, TICKETS_PER_HOUR + 1):
        [received] = await conversation.handle_text(RESIDENT, f"/hoicanbo câu hỏi số {number}")
        assert f"phiếu số {number}" in received.text
        await desk.post_pending()
        await conversation.handle_text(RESIDENT, "/forget")
        clock.now += 60
    [refused] = await conversation.handle_text(RESIDENT, "/hoicanbo câu hỏi thêm")
    assert refused.text == msg.ticket_limit("UBND Phường 2", "0276 3822 123")
    await desk.post_pending()
    assert len(room.deleted_topics) == TICKETS_PER_HOUR and room.topics == {}
    # The count is kept in memory only: /forget still leaves nothing about the chat.
    await conversation.handle_text(RESIDENT, "/forget")
    for table in await store.per_chat_tables():
        async with store.db.execute(
            f"SELECT COUNT(*) FROM {table} WHERE chat_id = ?",
            (RESIDENT.chat_id,),
        ) as cursor:
            assert (await cursor.fetchone())[0] == 0, table
    # An hour after the first ticket, the resident may ask staff again.
    clock.now += HOUR - TICKETS_PER_HOUR * 60
    [received] = await conversation.handle_text(RESIDENT, "/hoicanbo lần nữa")
    assert f"phiếu số {TICKETS_PER_HOUR + 1}" in received.text


async def test_no_ticket_is_opened_while_too_many_wait_to_reach_staff(
    conversation: Conversation, desk: Desk, room: FakeRoom
) -> None:
    room.fail = RuntimeError("Telegram is down")
    for number in range(MAX_WAITING):
        await conversation.handle_text(ChatRef("zalo", f"u-{number}"), f"/hoicanbo câu {number}")
    [refused] = await conversation.handle_text(RESIDENT, f"/hoicanbo {UNKNOWN}")
    assert refused.text == msg.staff_desk_busy("UBND Phường 2", "0276 3822 123")
    assert await desk.tickets.of_chat(RESIDENT) == []
    # Once the staff group has them, questions are taken again.
    room.fail = None
    assert await desk.post_pending() == MAX_WAITING
    assert await open_ticket(conversation) == MAX_WAITING + 1


async def test_a_demotion_told_while_the_desk_looks_at_the_group_is_not_undone_by_the_look(
    desk: Desk, room: FakeRoom
) -> None:
    """The bot demoted just as it starts: Telegram's word that it lost its rights comes
    while the poster is still asking the group what it is. What that look found is older
    news: residents are still told their questions wait."""
    asked, answer = asyncio.Event(), asyncio.Event()

    async def is_forum() -> bool:
        asked.set()
        await answer.wait()
        return True

    room.is_forum = is_forum  # type: ignore[method-assign]
    stop = asyncio.Event()
    poster = asyncio.create_task(desk.run(stop))
    await asked.wait()
    await desk.group_lost("the bot may no longer manage topics")
    stop.set()  # the poster ends after this one look
    answer.set()
    await poster
    assert desk.unreachable == "the bot may no longer manage topics"


async def test_a_full_queue_while_the_staff_group_is_unreachable_says_why_not_try_again_soon(
    conversation: Conversation, desk: Desk, room: FakeRoom
) -> None:
    """The bot removed from the staff group for hours: once MAX_WAITING questions wait,
    a resident is told staff cannot be reached now (with the hotline), not to try again
    in a few minutes."""
    await desk.group_lost("the bot was removed from the group")
    for number in range(MAX_WAITING):
        await conversation.handle_text(ChatRef("zalo", f"u-{number}"), f"/hoicanbo câu {number}")
    [refused] = await conversation.handle_text(RESIDENT, f"/hoicanbo {UNKNOWN}")
    assert refused.text == msg.staff_desk_unreachable("UBND Phường 2", "0276 3822 123")
    assert "ít phút" not in refused.text and "0276 3822 123" in refused.text


# --- staff answer ---------------------------------------------------------------------------


async def test_a_staff_reply_reaches_the_resident_signed_as_the_ward(
    conversation: Conversation, desk: Desk, room: FakeRoom, store: Store
) -> None:
    await posted_ticket(conversation, desk)
    [post] = room.posts
    assert (
        await desk.on_staff_message(
            staff("Dạ có, lớp bơi mở từ 1/6 tại nhà văn hóa.", reply_to=post.message_id)
        )
        == []
    )
    [item] = await outbox(store)
    assert item.kind == "reply" and item.chat == RESIDENT
    channel = Pushed()
    composer = Composer(lambda: desk.engine.corpus, store, kinds={"reply": desk.compose})
    sender = Sender(store, channel, composer, on_done=desk.delivered, clock=desk.clock)
    await sender.drain()
    [(chat_id, [reply])] = channel.sent
    assert chat_id == RESIDENT.chat_id
    assert reply.title == "💬 Cán bộ UBND Phường 2 trả lời (phiếu số 1)"
    assert "Lan" not in reply.title
    assert reply.text == "Dạ có, lớp bơi mở từ 1/6 tại nhà văn hóa."
    assert room.reactions == [7001]  # 👍 on the staff message once delivered
    ticket = await desk.tickets.get(1)
    assert ticket is not None and ticket.state == "answered"


async def test_a_staff_answer_handled_again_after_a_kill_reaches_the_resident_once(
    conversation: Conversation, desk: Desk, room: FakeRoom, store: Store
) -> None:
    """The bot was killed after queueing a staff answer, before it noted the staff
    message handled (wardbot.inbox): the next start handles the message again. Before,
    the resident got the answer twice."""
    await posted_ticket(conversation, desk)
    [post] = room.posts
    answer = staff("Dạ có, lớp bơi mở từ 1/5.", reply_to=post.message_id)
    assert await desk.on_staff_message(answer) == []
    assert await desk.on_staff_message(answer) == []  # the restarted bot
    [queued] = await outbox(store)
    assert queued.kind == "reply"
    # Another answer from the same member, in its own message, still goes.
    more = staff("Mang theo ảnh 3x4.", reply_to=post.message_id, message_id=7002)
    await desk.on_staff_message(more)
    assert len(await outbox(store)) == 2


async def test_a_staff_answer_edited_in_the_group_reaches_the_resident_corrected(
    conversation: Conversation, desk: Desk, room: FakeRoom, store: Store
) -> None:
    """Staff fix their answer with Telegram's Edit (a wrong date, a typo): before it went
    out, the resident gets the corrected text only; after, the correction follows, saying
    it is one. An edit of anything else (staff talking among themselves) relays nothing."""
    await posted_ticket(conversation, desk)
    [post] = room.posts
    await desk.on_staff_message(staff("Dạ có, lớp bơi mở từ 1/5.", reply_to=post.message_id))
    edited = staff("Dạ có, lớp bơi mở từ 1/6.", reply_to=post.message_id)
    assert await desk.on_staff_edit(edited) == [msg.staff_answer_revised(1, sent=False)]
    channel = Pushed()
    composer = Composer(lambda: desk.engine.corpus, store, kinds={"reply": desk.compose})
    sender = Sender(store, channel, composer, on_done=desk.delivered, clock=desk.clock)
    await sender.drain()
    [(_, [first])] = channel.sent
    assert first.text == "Dạ có, lớp bơi mở từ 1/6."
    # Sent already: the correction follows.
    fixed = staff("/r Dạ có, lớp bơi mở từ 1/6, học buổi sáng.", thread=post.thread_id)
    assert await desk.on_staff_edit(fixed) == [msg.staff_answer_revised(1, sent=True)]
    await sender.drain()
    [_, (_, [second])] = channel.sent
    assert second.text == "Dạ có, lớp bơi mở từ 1/6, học buổi sáng."
    assert second.title == msg.staff_correction_title("UBND Phường 2", 1, None)
    assert room.reactions == [7001, 7001]
    # Edited again to the same text, or an edit of a message that was never relayed: nothing.
    assert await desk.on_staff_edit(fixed) == []
    chatting = staff("mình gọi lại cho dân nhé", thread=post.thread_id, message_id=7002)
    assert await desk.on_staff_edit(chatting) == []
    assert await outbox(store) == []


async def test_an_edit_changing_the_ticket_number_of_an_answer_says_it_cannot_move_it(
    conversation: Conversation, desk: Desk, room: FakeRoom, store: Store
) -> None:
    """'/r 1 …' typed for ticket 2 by mistake, then edited to '/r 2 …': the answer went to
    ticket 1's resident and an edit cannot move it; staff are told so (and how to answer
    ticket 2) instead of silence, and nothing goes to either resident by the edit."""
    await open_ticket(conversation)
    await open_ticket(conversation, OTHER, "phường có cho mượn loa đài không")
    await desk.post_pending()
    await desk.on_staff_message(staff("/r 1 Dạ có, phường cho mượn loa đài miễn phí."))
    assert len(await outbox(store)) == 1
    for wrong in ("/r 2 Dạ có, phường cho mượn loa đài miễn phí.", "/r 9 Dạ có ạ."):
        said = await desk.on_staff_edit(staff(wrong))
        assert said == [msg.staff_edit_not_moved(1)]
    assert len(await outbox(store)) == 1 and await outbox(store, "telegram") == []


async def test_an_edit_while_the_answer_is_leaving_still_reaches_the_resident(
    conversation: Conversation, desk: Desk, room: FakeRoom, store: Store
) -> None:
    """The sender has read the answer and waits its turn to send it (the pace) when staff
    edit it: the resident gets the corrected text, never only the first."""
    await posted_ticket(conversation, desk)
    [post] = room.posts
    await desk.on_staff_message(staff("Dạ có, lớp bơi mở từ 1/5.", reply_to=post.message_id))
    waiting, go = asyncio.Event(), asyncio.Event()

    async def paced(_seconds: float) -> None:
        waiting.set()
        await go.wait()

    channel = Pushed()
    composer = Composer(lambda: desk.engine.corpus, store, kinds={"reply": desk.compose})
    sender = Sender(
        store,
        channel,
        composer,
        on_done=desk.delivered,
        clock=desk.clock,
        monotonic=lambda: 0.0,
        sleep=paced,
    )
    sender._next_slot = 1.0  # the next message may leave in a second: it waits for it
    draining = asyncio.create_task(sender.drain())
    await asyncio.wait_for(waiting.wait(), 5)
    edited = staff("Dạ có, lớp bơi mở từ 1/6.", reply_to=post.message_id)
    said = await desk.on_staff_edit(edited)
    go.set()
    await asyncio.wait_for(draining, 5)
    await sender.drain()
    texts = [reply.text for _, replies in channel.sent for reply in replies]
    assert said == [msg.staff_answer_revised(1, sent=False)]
    assert texts == ["Dạ có, lớp bơi mở từ 1/6."]


async def test_an_edit_of_an_answer_not_known_to_have_reached_the_resident_says_so(
    conversation: Conversation, desk: Desk, room: FakeRoom, store: Store, clock: Clock
) -> None:
    """Staff are told their answer went out only when it did: after a first try that
    failed (the platform down) it may or may not have reached the resident, so the
    correction follows it, and staff are told just that."""
    from wardbot.delivery import TransientError

    await posted_ticket(conversation, desk)
    [post] = room.posts
    await desk.on_staff_message(staff("Dạ có, lớp bơi mở từ 1/5.", reply_to=post.message_id))
    channel = Pushed()
    channel.error = TransientError("All connection attempts failed")
    composer = Composer(lambda: desk.engine.corpus, store, kinds={"reply": desk.compose})
    sender = Sender(store, channel, composer, on_done=desk.delivered, clock=clock)
    await sender.drain()  # tried once, waiting to be tried again
    edited = staff("Dạ có, lớp bơi mở từ 1/6.", reply_to=post.message_id)
    assert await desk.on_staff_edit(edited) == [msg.staff_answer_revised(1, sent=None)]
    assert "đã gửi trước đó" not in msg.staff_answer_revised(1, sent=None)
    channel.error = None
    clock.now += 3600
    await sender.drain()
    texts = [reply.text for _, replies in channel.sent for reply in replies]
    assert texts == ["Dạ có, lớp bơi mở từ 1/5.", "Dạ có, lớp bơi mở từ 1/6."]


async def test_a_correction_of_an_answer_on_a_closed_ticket_leaves_it_closed(
    conversation: Conversation, desk: Desk, room: FakeRoom, store: Store
) -> None:
    await posted_ticket(conversation, desk)
    [post] = room.posts
    await desk.on_staff_message(staff("Dạ có, lớp bơi mở từ 1/5.", reply_to=post.message_id))
    channel = Pushed()
    composer = Composer(lambda: desk.engine.corpus, store, kinds={"reply": desk.compose})
    sender = Sender(store, channel, composer, on_done=desk.delivered, clock=desk.clock)
    await sender.drain()
    await desk.on_staff_message(staff("/close", thread=post.thread_id, message_id=7002))
    edited = staff("Dạ có, lớp bơi mở từ 1/6.", reply_to=post.message_id)
    assert await desk.on_staff_edit(edited) == [msg.staff_answer_revised(1, sent=True)]
    await sender.drain()
    [_, (_, [correction])] = channel.sent
    assert correction.text == "Dạ có, lớp bơi mở từ 1/6."
    ticket = await desk.tickets.get(1)
    assert ticket is not None and ticket.state == "closed", "the correction reopened it"
    assert "#1 " not in await desk.listing()


async def test_a_long_staff_answer_reaches_the_resident_whole_in_parts(
    conversation: Conversation, desk: Desk, room: FakeRoom, store: Store
) -> None:
    from handlers.zalo import MESSAGE_LIMIT, render_plain

    await posted_ticket(conversation, desk)
    steps = [f"Bước {i}: nộp bản sao giấy tờ số {i} tại bộ phận một cửa." for i in range(1, 71)]
    answer = "\n".join(["Dạ, hồ sơ gồm:", *steps, "Trân trọng."])
    assert 3500 < len(answer) < 4096  # longer than a ticket message, as Telegram lets staff send
    await desk.on_staff_message(staff(answer, reply_to=room.posts[0].message_id))
    [item] = await outbox(store)
    [reply] = await desk.compose(item) or []
    assert reply.text == answer
    assert reply.ends_choices  # a number typed next answers staff, not an older list
    # Zalo takes 2,000 characters a message: it arrives in parts, none of it lost.
    parts, _ = render_plain([reply])
    assert len(parts) > 1 and all(len(part) <= MESSAGE_LIMIT for part in parts)
    said = "\n".join(parts)
    assert all(step in said for step in steps) and "Trân trọng." in said


async def test_signed_with_the_officer_name_when_configured(
    conversation: Conversation, desk: Desk, room: FakeRoom, store: Store
) -> None:
    desk.settings = replace(desk.settings, staff_signature="name")
    await posted_ticket(conversation, desk)
    await desk.on_staff_message(staff("Dạ có.", reply_to=room.posts[0].message_id))
    [item] = await outbox(store)
    [reply] = await desk.compose(item) or []
    assert reply.title == "💬 Cán bộ Lan (UBND Phường 2) trả lời (phiếu số 1)"


async def test_staff_talk_in_a_topic_is_not_relayed_and_r_is(
    conversation: Conversation, desk: Desk, room: FakeRoom, store: Store
) -> None:
    await posted_ticket(conversation, desk)
    [thread] = list(room.topics)
    hint = await desk.on_staff_message(staff("anh Nam xem giúp vụ này", thread=thread))
    assert hint == [msg.relay_not_sent_hint(None, answered=False, every="2 giờ")]
    assert await desk.on_staff_message(staff("ok để anh xem", thread=thread)) == []  # hinted once
    assert await outbox(store) == []
    assert await desk.on_staff_message(staff("/r Dạ có ạ", thread=thread)) == []
    [item] = await outbox(store)
    assert (await desk.compose(item) or [])[0].text == "Dạ có ạ"
    # Outside any topic, /r needs the ticket number.
    assert await desk.on_staff_message(staff("/r trả lời")) == [msg.staff_which_ticket()]
    assert (
        await desk.on_staff_message(staff("/r #1 Bổ sung: mang theo ảnh.", message_id=7002)) == []
    )
    assert len(await outbox(store)) == 2
    # Messages from the general chat, replying to nothing of the bot's: nothing happens.
    assert await desk.on_staff_message(staff("chào cả nhà", reply_to=424242)) == []
    assert len(await outbox(store)) == 2


async def test_a_photo_posted_in_a_tickets_topic_is_said_not_to_reach_the_resident(
    conversation: Conversation, desk: Desk, room: FakeRoom, store: Store
) -> None:
    """A scan or a voice message posted in the ticket's topic (no reply) is not told that a
    reply would send it: no reply sends a photo; the note says the resident gets text only."""
    await posted_ticket(conversation, desk)
    [thread] = list(room.topics)
    scan = replace(staff("Mẫu đơn đây ạ", thread=thread), attachment=True)
    assert await desk.on_staff_message(scan) == [msg.staff_attachment_not_sent()]
    assert await outbox(store) == []


COLLEAGUE = "9002"  # a second officer in the staff group


async def test_every_officer_typing_in_a_topic_without_replying_learns_it_reached_no_one(
    conversation: Conversation, desk: Desk, room: FakeRoom, store: Store, clock: Clock
) -> None:
    """Typed in a ticket's topic without replying to the bot, a message reaches no one.
    Each officer is told so (not only the first to do it), also once a colleague has
    answered (then as an addition), once in two hours per ticket, and not on a closed
    ticket: staff talking among themselves in the topic are not reminded at each line."""
    await posted_ticket(conversation, desk)
    [thread] = list(room.topics)
    answer = staff("Dạ có, từ 1/6 ạ.", reply_to=room.posts[0].message_id, message_id=7001)
    assert await desk.on_staff_message(answer) == []
    added = "Bổ sung: mang theo ảnh 3x4 nhé"
    told = await desk.on_staff_message(
        staff(added, thread=thread, sender=COLLEAGUE, name="Hoa", message_id=7002)
    )
    assert told == [msg.relay_not_sent_hint(None, answered=True, every="2 giờ")]
    assert "đã có câu trả lời" in told[0] and "reply" in told[0]
    # The officer who answered is told too, the first time they type without replying.
    mine = staff("chị Hoa ơi em trả lời rồi nhé", thread=thread, message_id=7003)
    assert await desk.on_staff_message(mine) == told
    again = staff("ok chị", thread=thread, sender=COLLEAGUE, message_id=7004)
    assert await desk.on_staff_message(again) == []
    clock.now += 2 * HOUR + 1
    later = staff("Chiều nay có lịch không ạ", thread=thread, sender=COLLEAGUE, message_id=7005)
    assert await desk.on_staff_message(later) == told
    assert len(await outbox(store)) == 1  # only the answer replying to the bot
    assert await desk.on_staff_message(staff("/close", thread=thread)) == [msg.ticket_closed(1)]
    clock.now += 2 * HOUR + 1
    closed = staff("phiếu này xong rồi", thread=thread, sender=COLLEAGUE, message_id=7006)
    assert await desk.on_staff_message(closed) == []


async def test_an_answer_typed_outside_any_ticket_is_told_while_tickets_wait(
    conversation: Conversation, desk: Desk, room: FakeRoom, store: Store, clock: Clock
) -> None:
    """In the group's General chat, a message replying to nothing reaches no one: while a
    ticket waits for an answer, each officer is told so once in two hours, with the
    waiting tickets' numbers and how to answer one, and again at once when a ticket they
    were not told of waits (their message may answer it). With none waiting (answered
    and left open, as many are, or closed), replying to a colleague, or only "ok" or an
    emoji, it is staff talking and the bot says nothing."""
    assert await desk.on_staff_message(staff("chào cả nhà")) == []  # no ticket yet
    await posted_ticket(conversation, desk)
    typed = staff("Dạ có lớp bơi từ 1/6 ạ.", message_id=7002)
    told = await desk.on_staff_message(typed)
    assert told == [msg.relay_not_sent_open([1], 0, every="2 giờ")]
    assert "phiếu số 1" in told[0] and "/r #1" in told[0]
    assert await desk.on_staff_message(staff("chị ơi", message_id=7003)) == []
    # A colleague's reply to someone's chat is conversation; so is a bare "ok" or emoji.
    chat = staff("vâng", reply_to=7003, sender=COLLEAGUE, message_id=7004)
    assert await desk.on_staff_message(chat) == []
    for ack in ("👍", "ok c", "😂😂"):
        assert await desk.on_staff_message(staff(ack, sender=COLLEAGUE)) == []
    # A second ticket within the two hours: told at once, both named, the older first.
    await open_ticket(conversation, OTHER, "phường có cho mượn loa đài không")
    await desk.post_pending()
    both = await desk.on_staff_message(staff("Dạ được ạ", message_id=7005))
    assert both == [msg.relay_not_sent_open([1, 2], 0, every="2 giờ")]
    assert "2 phiếu chờ trả lời (số 1, 2)" in both[0]
    assert await desk.on_staff_message(staff("chị Hoa đâu rồi", message_id=7006)) == []
    [second] = [p for p in room.posts if "loa đài" in p.reply.text]
    for number, post in ((1, room.posts[0]), (2, second)):
        answer = staff(
            f"Dạ trả lời phiếu {number}", reply_to=post.message_id, message_id=7010 + number
        )
        assert await desk.on_staff_message(answer) == []
    # Answered and left open: staff chatting here are not reminded of it.
    clock.now += 2 * HOUR + 1
    colleague = staff("Trưa nay ăn gì cả nhà", sender=COLLEAGUE, message_id=7007)
    assert await desk.on_staff_message(colleague) == []
    assert len(await outbox(store)) == len(await outbox(store, "telegram")) == 1


async def test_a_bare_acknowledgement_replying_to_the_ticket_is_sent_only_if_confirmed(
    conversation: Conversation, desk: Desk, room: FakeRoom, store: Store
) -> None:
    """An officer replies "👍" or "ok ạ" to the bot's post about a ticket: to colleagues
    (they take it), not to the resident, who would get a bare emoji from the ward. It is
    not sent, and the officer is told how to send it if it was meant; a short real answer
    ("Có ạ", "Vâng") goes."""
    await posted_ticket(conversation, desk)
    post = room.posts[0].message_id
    for ack in ("👍", "ok ạ", "Oke em", "+1"):
        told = await desk.on_staff_message(staff(ack, reply_to=post))
        assert told == [msg.staff_ack_not_sent(1, ack)] and f"/r #1 {ack}" in told[0]
    assert await outbox(store) == []
    assert await desk.on_staff_message(staff("/r #1 👍", message_id=7101)) == []
    assert await desk.on_staff_message(staff("Có ạ", reply_to=post, message_id=7102)) == []
    sent = [(await desk.compose(item) or [])[0].text for item in await outbox(store)]
    assert sent == ["👍", "Có ạ"]


async def sent_texts(desk: Desk, store: Store) -> list[str]:
    """What waits to go out to the Zalo residents, as they would read it."""
    return [(await desk.compose(item) or [])[0].text for item in await outbox(store)]


async def test_an_ok_edited_into_an_answer_once_the_ticket_closed_does_not_open_it(
    conversation: Conversation, desk: Desk, room: FakeRoom, store: Store, clock: Clock
) -> None:
    """An officer's "ok" to the ticket was not sent; a colleague closed the ticket; an hour
    on the officer edits the "ok" into an answer. An edit opens no closed ticket (as an
    answer's edit does not): the resident, whose next messages are questions again, gets
    nothing and the officer is told how to send it. Reopened, the next edit goes, once."""
    await posted_ticket(conversation, desk)
    post = room.posts[0].message_id
    assert await desk.on_staff_message(staff("oke em", reply_to=post)) == [
        msg.staff_ack_not_sent(1, "oke em")
    ]
    close = staff("/close", reply_to=post, sender=COLLEAGUE, message_id=7002)
    assert await desk.on_staff_message(close) == [msg.ticket_closed(1)]
    clock.now += HOUR
    answer = "oke em, chị mang thêm giấy khai sinh bản sao lên là được"
    told = await desk.on_staff_edit(staff(answer, reply_to=post))
    assert told == [msg.staff_ack_edited_closed(1)] and "/r #1" in told[0]
    assert await sent_texts(desk, store) == []
    assert (await desk.tickets.get(1)).closed  # type: ignore[union-attr]

    reopen = staff("/reopen", reply_to=post, sender=COLLEAGUE, message_id=7003)
    assert await desk.on_staff_message(reopen) == [msg.ticket_reopened(1)]
    assert await desk.on_staff_edit(staff(answer, reply_to=post)) == [msg.staff_ack_edited_sent(1)]
    assert await sent_texts(desk, store) == [answer]


async def test_an_ok_edited_into_an_r_command_sends_its_text_as_if_just_typed(
    conversation: Conversation, desk: Desk, room: FakeRoom, store: Store
) -> None:
    """An "ok" to the ticket, not sent, edited into "/r" with nothing after it is told so,
    as the command would be; edited again into "/r TEXT", the resident gets TEXT, and the
    officer is told it went rather than met with silence. Into "/close", nothing runs, and
    the officer is told so (before: silence, and the ticket believed closed)."""
    await posted_ticket(conversation, desk)
    post = room.posts[0].message_id
    await desk.on_staff_message(staff("ok a", reply_to=post))
    told = await desk.on_staff_edit(staff("/close", reply_to=post))
    assert told == [msg.staff_edit_command_not_run("close", 1)] and "/close 1" in told[0]
    assert not (await desk.tickets.get(1)).closed  # type: ignore[union-attr]
    assert await desk.on_staff_edit(staff("/r", reply_to=post)) == [msg.staff_reply_empty()]
    assert await sent_texts(desk, store) == []
    said = await desk.on_staff_edit(staff("/r Dạ bên em nhận hồ sơ sáng thứ bảy ạ", reply_to=post))
    assert said == [msg.staff_ack_edited_sent(1)]
    assert await sent_texts(desk, store) == ["Dạ bên em nhận hồ sơ sáng thứ bảy ạ"]
    assert not (await desk.tickets.get(1)).closed  # type: ignore[union-attr]


async def test_a_reply_to_a_colleagues_answer_without_topics_is_told_it_reached_no_one(
    conversation: Conversation, desk: Desk, room: FakeRoom, store: Store
) -> None:
    """A group without topics: an officer adds to a colleague's answer by replying to the
    colleague's message, not the bot's. Nothing reaches the resident (one answer, the
    colleague's), and the officer is told so, naming the ticket and how to send it."""
    room.forum = False
    await posted_ticket(conversation, desk)
    answer = staff("Dạ có ạ.", reply_to=room.posts[0].message_id, message_id=7001)
    assert await desk.on_staff_message(answer) == []
    added = staff("Thêm: mang ảnh 3x4", reply_to=7001, sender=COLLEAGUE, message_id=7002)
    told = await desk.on_staff_message(added)
    assert told == [msg.relay_not_sent_hint(1, answered=True, every="2 giờ")]
    assert "phiếu số 1 đã có câu trả lời" in told[0] and "/r #1" in told[0]
    assert len(await outbox(store)) == 1


async def test_a_relay_that_fails_is_told_to_staff_in_the_topic(
    conversation: Conversation,
    desk: Desk,
    room: FakeRoom,
    store: Store,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from wardbot.delivery import ChatUnreachable

    caplog.set_level(logging.INFO)  # the log's default level
    await posted_ticket(conversation, desk)
    await desk.on_staff_message(staff("Dạ có.", reply_to=room.posts[0].message_id))
    channel = Pushed()
    channel.error = ChatUnreachable("Forbidden: bot was blocked by the user")
    composer = Composer(lambda: desk.engine.corpus, store, kinds={"reply": desk.compose})
    await Sender(store, channel, composer, on_done=desk.delivered, clock=desk.clock).drain()
    await desk.post_pending()
    note = room.posts[-1]
    assert note.thread_id == room.posts[0].thread_id
    assert note.reply.text == msg.ticket_note_post(1, msg.relay_failed(msg.relay_unreachable()))
    ticket = await desk.tickets.get(1)
    assert ticket is not None and ticket.relay_error
    assert room.reactions == []
    # The log says which channel, never which chat: it outlives the resident's /forget.
    [unreachable] = [r.getMessage() for r in caplog.records if "unreachable" in r.getMessage()]
    assert unreachable.startswith("zalo-alerts: ")
    assert RESIDENT.chat_id not in caplog.text


async def test_an_answer_late_for_minutes_is_told_to_staff_once_and_still_delivered(
    conversation: Conversation, desk: Desk, room: FakeRoom, store: Store, clock: Clock
) -> None:
    from wardbot.delivery import TransientError
    from wardbot.outbox import DELAYED_AFTER

    await posted_ticket(conversation, desk)
    await desk.on_staff_message(staff("Dạ có.", reply_to=room.posts[0].message_id))
    channel = Pushed()
    channel.error = TransientError("All connection attempts failed")  # the platform is down
    composer = Composer(lambda: desk.engine.corpus, store, kinds={"reply": desk.compose})
    sender = Sender(store, channel, composer, on_done=desk.delivered, clock=clock)
    notes = []
    for tries in range(1, DELAYED_AFTER + 3):
        if tries == DELAYED_AFTER + 2:
            channel.error = None  # back
        await sender.drain()
        await desk.post_pending()
        notes = [p.reply.text for p in room.posts[1:]]
        if tries < DELAYED_AFTER:
            assert notes == [], "a moment's failure is not worth a note"
        due = await store.next_due(channel.name)
        clock.now = due if due is not None else clock.now
    # In Vietnamese, the platform's English words kept as a detail for the bot's installer.
    late = msg.ticket_note_post(
        1,
        "chưa gửi được câu trả lời tới người dân (Zalo chưa nhận tin; chi tiết kỹ thuật cho "
        "người cài đặt bot: All connection attempts failed). Bot vẫn đang tự gửi lại và sẽ "
        "thả 👍 vào tin trả lời khi người dân nhận được.",
    )
    assert notes == [late], "told once, while it is still being sent"
    assert [chat for chat, _ in channel.sent] == [RESIDENT.chat_id]
    assert room.reactions == [7001]  # 👍 on the staff message once delivered


async def test_an_answer_held_up_by_429s_for_minutes_is_told_to_staff_once_and_still_delivered(
    conversation: Conversation, desk: Desk, room: FakeRoom, store: Store, clock: Clock
) -> None:
    """Zalo answering 429 to every send (a big fan-out going on, or the bot's quota spent):
    no try fails, yet staff must hear that their answer is late, as for any failure."""
    from wardbot.delivery import RetryLater
    from wardbot.outbox import DELAYED_SECONDS

    await posted_ticket(conversation, desk)
    await desk.on_staff_message(staff("Dạ có.", reply_to=room.posts[0].message_id))
    answered_at = clock.now
    channel = Pushed()
    channel.error = RetryLater(60)

    async def sleep(seconds: float) -> None:  # the sender's pause after a 429, at once
        clock.now += seconds

    composer = Composer(lambda: desk.engine.corpus, store, kinds={"reply": desk.compose})
    sender = Sender(
        store, channel, composer, on_done=desk.delivered, clock=clock, monotonic=clock, sleep=sleep
    )
    late = msg.ticket_note_post(
        1, msg.relay_delayed(msg.delivery_trouble("zalo", "429: retry after 60 s"))
    )
    for _ in range(30):  # half an hour of 429s
        await sender.drain()
        await desk.post_pending()
        notes = [p.reply.text for p in room.posts[1:]]
        if clock.now - answered_at < DELAYED_SECONDS:
            assert notes == [], "a few 429s are not worth a note"
        due = await store.next_due(channel.name)
        assert due is not None, "still being sent"
        clock.now = max(clock.now, due)
    assert notes == [late], "told once, while it is still being sent"
    channel.error = None
    await sender.drain()
    assert [chat for chat, _ in channel.sent] == [RESIDENT.chat_id]
    assert room.reactions == [7001]  # 👍 on the staff message once delivered


async def test_closing_a_ticket_stops_relaying_the_resident(
    conversation: Conversation, desk: Desk, room: FakeRoom
) -> None:
    await posted_ticket(conversation, desk)
    [thread] = list(room.topics)
    assert await desk.on_staff_message(staff("/close", thread=thread)) == [msg.ticket_closed(1)]
    assert thread in room.closed
    assert await desk.on_staff_action(STAFF, "tc:1") == [msg.ticket_was_closed(1)]
    [reply] = await conversation.handle_text(RESIDENT, "lớp bơi còn chỗ không")
    assert ask_button(reply)  # a new question, not a follow-up
    assert await desk.post_pending() == 0


async def test_an_answer_on_a_closed_ticket_opens_its_topic_again(
    conversation: Conversation, desk: Desk, room: FakeRoom
) -> None:
    """An administrator of the group answers in the topic after it was closed: the answer
    opens the ticket again, and its topic with it, where staff who are not administrators
    can write again."""
    await posted_ticket(conversation, desk)
    [thread] = list(room.topics)
    await desk.on_staff_message(staff("/close", thread=thread))
    said = await desk.on_staff_message(staff("Dạ, còn chỗ ạ.", reply_to=room.posts[0].message_id))
    assert said == [] and room.closed == set()
    ticket = await desk.tickets.get(1)
    assert ticket is not None and ticket.state == "answered"


async def test_a_restarted_desk_maps_staff_replies_from_the_database(
    conversation: Conversation,
    desk: Desk,
    room: FakeRoom,
    store: Store,
    settings: Settings,
    ward_engine: Engine,
) -> None:
    await posted_ticket(conversation, desk)
    restarted = Desk(TicketBook(store), settings, ward_engine)
    restarted.room = room
    await restarted.on_staff_message(staff("Dạ có.", reply_to=room.posts[0].message_id))
    assert len(await outbox(store)) == 1


# --- admins ------------------------------------------------------------------------------------


async def test_tickets_and_stats_for_admins(
    conversation: Conversation,
    desk: Desk,
    room: FakeRoom,
    store: Store,
    settings: Settings,
    ward_engine: Engine,
    clock: Clock,
) -> None:
    admin = admin_of(ward_engine, store, settings, clock, desk=desk)
    conversation.admin = admin
    me = ChatRef("telegram", STAFF)
    await open_ticket(conversation)
    await open_ticket(conversation, OTHER, "phường có cho mượn loa đài không")
    await desk.post_pending()
    clock.now += 2 * 3600
    await desk.on_staff_message(staff("Dạ có.", reply_to=room.posts[0].message_id))
    [listing] = await conversation.handle_text(me, "/tickets", sender=STAFF)
    lines = listing.text.splitlines()
    assert lines[2].startswith("• #2 · Telegram · chờ trả lời · 2 giờ")
    assert lines[3].startswith("• #1 · Zalo · đã trả lời · dưới 1 phút")
    [stats] = await conversation.handle_text(me, "/stats", sender=STAFF)
    assert "Hỏi cán bộ: 1 phiếu đã trả lời, thời gian trả lời trung vị 2 giờ" in stats.text
    assert "Phiếu đang chờ cán bộ trả lời: 1" in stats.text
    # Not for residents, nor in the staff group from someone not in ADMIN_IDS.
    [resident] = await conversation.handle_text(RESIDENT, "/tickets", sender="u-77")
    assert "#1" not in resident.text
    [refused] = await desk.on_staff_action("12345", "tn:1")
    assert refused == msg.staff_admin_only("telegram:12345") and "telegram:12345" in refused
    typed = staff("/newfaq 1", sender="12345", message_id=7009)
    assert await desk.on_staff_message(typed) == [msg.staff_admin_only("telegram:12345")]


async def _no_reload() -> list[str]:
    return []


def admin_of(
    engine: Engine, store: Store, settings: Settings, clock: Clock, **kwargs: Any
) -> Admin:
    """The admin commands as `bot.py run` makes them (its /reload reads nothing)."""
    alerts = Alerts(engine, store, settings, ["zalo"])
    return Admin(engine, store, alerts, settings, _no_reload, clock=clock, **kwargs)


# --- privacy -------------------------------------------------------------------------------------


async def test_forget_deletes_the_tickets_and_their_topics(
    conversation: Conversation, desk: Desk, room: FakeRoom, store: Store
) -> None:
    await open_ticket(conversation)
    await open_ticket(conversation, OTHER, "phường có cho mượn loa đài không")
    await desk.post_pending()
    await desk.on_staff_message(staff("Dạ có.", reply_to=room.posts[0].message_id))
    [thread, _] = list(room.topics)
    await conversation.handle_text(RESIDENT, "/forget")
    assert room.deleted_topics == [thread]
    book = desk.tickets
    assert await book.of_chat(RESIDENT) == []
    assert await book.by_post(room.posts[0].message_id) is None
    async with store.db.execute("SELECT COUNT(*) FROM ticket_messages") as cursor:
        assert (await cursor.fetchone())[0] == 1  # the other resident's question only
    assert await outbox(store) == []  # the answer waiting for the forgotten resident is gone
    assert [t.id for t in await book.listing()] == [2]


async def test_forget_leaves_the_residents_id_and_words_in_no_table_nor_database_file(
    conversation: Conversation, desk: Desk, room: FakeRoom, store: Store, settings: Settings
) -> None:
    """Every table, found in sqlite_master (so one a later migration adds is looked at too),
    every column: after /forget nothing holds the resident's chat id or what they typed,
    their ticket, its messages, the staff answer waiting for them and the question log
    included; nor do the database files, free pages and write-ahead log."""
    await conversation.handle_text(RESIDENT, "/subscribe bhyt")
    await open_ticket(conversation, RESIDENT, "cho em hỏi thủ tục nuôi đà điểu zqxwv ạ")
    await desk.post_pending()
    await conversation.handle_text(RESIDENT, "em ở hẻm zqxwv, khu phố 3 ạ")
    await desk.on_staff_message(staff("Dạ chị chờ nhé.", reply_to=room.posts[0].message_id))
    await open_ticket(conversation, OTHER, "phường có cho mượn loa đài không")

    def holding() -> list[str]:
        found = []
        with sqlite3.connect(settings.data_dir / "bot.sqlite3") as raw:
            tables = raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            for (table,) in tables.fetchall():
                for row in raw.execute(f'SELECT * FROM "{table}"'):
                    if any(v == RESIDENT.chat_id or "zqxwv" in str(v) for v in row):
                        found.append(table)
        return sorted(set(found))

    assert {"questions", "subscriptions", "ticket_messages", "tickets"} <= set(holding())

    assert (await conversation.handle_text(RESIDENT, "/forget"))[0].text == msg.forget_done()

    assert holding() == []
    database = settings.data_dir / "bot.sqlite3"
    for path in (database, database.with_name("bot.sqlite3-wal")):
        if path.exists():
            assert b"zqxwv" not in path.read_bytes(), path.name
    async with store.db.execute("SELECT COUNT(*) FROM tickets") as cursor:
        assert (await cursor.fetchone())[0] == 1  # the other resident's ticket stays


async def test_a_number_forget_or_retention_freed_never_names_another_residents_ticket(
    conversation: Conversation, desk: Desk, room: FakeRoom, store: Store, clock: Clock
) -> None:
    assert await open_ticket(conversation) == 1
    await desk.post_pending()
    await conversation.handle_text(RESIDENT, "/forget")
    # The next resident's ticket gets a number of its own...
    assert await open_ticket(conversation, OTHER, "phường có cho mượn loa đài không") == 2
    await desk.post_pending()
    # ...so an answer staff meant for the forgotten ticket reaches no one.
    said = await desk.on_staff_message(staff("/r 1 Hồ sơ CCCD của chị đã xong"))
    assert said == [msg.staff_no_ticket(1)]
    assert await outbox(store, "telegram") == [] and await outbox(store) == []
    # Retention deleting the newest ticket frees no number either.
    clock.now += 86400
    assert await desk.purge(clock.now) == 1
    assert await open_ticket(conversation) == 3


DAY = 86400.0


def bot_post(post: Post, text: str, *, message_id: int = 7001) -> StaffMessage:
    """A staff member's reply to the bot's post `post`, as the staff group hands it over."""
    return StaffMessage(
        message_id,
        text,
        STAFF,
        "Lan",
        thread_id=post.thread_id,
        reply_to=post.message_id,
        reply_to_bot=True,
        reply_to_text=post.reply.text,
    )


@pytest.mark.parametrize("forum", [True, False])
async def test_retention_takes_a_ticket_out_of_the_staff_group_too(
    conversation: Conversation, desk: Desk, room: FakeRoom, clock: Clock, forum: bool
) -> None:
    """After QUESTION_LOG_DAYS the ticket's topic (or, without topics, the bot's posts
    quoting the resident) goes with its rows; the resident's later /forget finds nothing
    left to take out."""
    room.forum = forum
    await open_ticket(conversation)
    await conversation.handle_text(RESIDENT, "em hỏi thêm: lớp bơi có học buổi tối không")
    await desk.post_pending()
    posted = [p.message_id for p in room.posts]
    clock.now += 91 * DAY
    assert await desk.purge(clock.now - 90 * DAY) == 1
    if forum:
        assert room.deleted_topics == [room.posts[0].thread_id]
    else:
        assert room.deleted_messages == posted
    assert room.topics == {}
    assert await desk.tickets.due_withdrawals(1e12) == []


async def test_a_deletion_in_the_staff_group_that_fails_is_tried_again_later(
    ward_engine: Engine, conversation: Conversation, desk: Desk, room: FakeRoom, clock: Clock
) -> None:
    await posted_ticket(conversation, desk)
    [thread] = list(room.topics)
    room.delete_fail = RuntimeError("Telegram is down")
    clock.now += 91 * DAY
    await desk.purge(clock.now - 90 * DAY)
    assert thread in room.topics and room.deleted_topics == []
    # Tried again after a minute, then after two; not before.
    clock.now += 30
    await desk.withdraw_due()
    clock.now += 31
    await desk.withdraw_due()  # a minute on: tried, fails again
    assert len(await desk.tickets.due_withdrawals(clock.now + 120)) == 1
    room.delete_fail = None
    clock.now += 60
    await desk.withdraw_due()
    assert room.deleted_topics == [], "two minutes after the second failure, not one"
    # A restarted bot still knows: another desk on the same database deletes it.
    clock.now += 60
    again = Desk(desk.tickets, desk.settings, ward_engine, clock=clock)
    again.room = room
    assert await again.withdraw_due() == 1
    assert room.deleted_topics == [thread]
    assert await desk.tickets.due_withdrawals(1e12) == []


async def test_a_forget_whose_deletion_fails_is_tried_again_and_given_up_after_a_week(
    conversation: Conversation, desk: Desk, room: FakeRoom, clock: Clock
) -> None:
    await open_ticket(conversation)
    await open_ticket(conversation, OTHER, "phường có cho mượn loa đài không")
    await desk.post_pending()
    first, second = list(room.topics)
    room.delete_fail = RuntimeError("Forbidden: not enough rights to delete the topic")
    await conversation.handle_text(RESIDENT, "/forget")
    await conversation.handle_text(OTHER, "/forget")
    assert set(room.topics) == {first, second}
    # Staff delete one topic by hand meanwhile: nothing left to try for it.
    del room.topics[first]
    room.delete_fail = None
    clock.now += 61
    await desk.withdraw_due()
    assert room.deleted_topics == [second]
    assert await desk.tickets.due_withdrawals(1e12) == []
    # Rights that never come back: tried for a week, then let go.
    await open_ticket(conversation, ChatRef("zalo", "u-88"), "phường có cho mượn bàn ghế không")
    await desk.post_pending()
    room.delete_fail = RuntimeError("Forbidden: not enough rights to delete the topic")
    await conversation.handle_text(ChatRef("zalo", "u-88"), "/forget")
    clock.now += WITHDRAW_FOR - 1
    await desk.withdraw_due()
    assert len(await desk.tickets.due_withdrawals(1e12)) == 1
    clock.now += 3600
    await desk.withdraw_due()
    assert await desk.tickets.due_withdrawals(1e12) == []


async def test_the_retention_task_deletes_old_tickets_through_the_desk(
    conversation: Conversation,
    desk: Desk,
    room: FakeRoom,
    store: Store,
    settings: Settings,
    clock: Clock,
) -> None:
    """What `bot.py run` does every few hours (wardbot.app): QUESTION_LOG_DAYS on."""
    await posted_ticket(conversation, desk)
    [thread] = list(room.topics)
    clock.now += 91 * DAY
    logging_on = replace(settings, question_log_days=90)
    await run_retention_until(store, logging_on, desk, lambda: bool(room.deleted_topics))
    assert room.deleted_topics == [thread]
    assert await desk.tickets.of_chat(RESIDENT) == []


async def test_which_officer_was_told_is_kept_no_longer_than_hours_in_a_quiet_group(
    conversation: Conversation, desk: Desk, store: Store, settings: Settings, clock: Clock
) -> None:
    """An officer told a message of theirs reached no resident: the database notes their
    Telegram id and the ticket, not to tell them again for two hours, a restart included.
    No one writing in the group after, the retention task forgets it a few hours on; the
    ticket stays, and the officer writing again is told again."""
    await posted_ticket(conversation, desk)
    told = await desk.on_staff_message(staff("Dạ hè này có lớp bơi ạ"))
    assert told == [msg.relay_not_sent_open([1], 0, every="2 giờ")]

    def officers_noted() -> list[str]:
        with sqlite3.connect(settings.data_dir / "bot.sqlite3") as raw:
            return [str(row[0]) for row in raw.execute("SELECT officer FROM staff_hints")]

    assert officers_noted() == [STAFF]
    clock.now += HINT_AGAIN + HOUR
    await run_retention_until(store, settings, desk, lambda: not officers_noted())
    assert await desk.tickets.get(1) is not None
    again = await desk.on_staff_message(staff("Lớp ở nhà văn hóa khu 2", message_id=7002))
    assert again == told


OLD_GROUP = -100888  # the staff group a ward used before turning Topics on


async def posted_in_old_group(
    ward_engine: Engine, store: Store, settings: Settings, clock: Clock
) -> tuple[Desk, FakeRoom, Post]:
    """A ticket posted in the staff group the ward used before (without topics): the desk
    of then, that group, and the ticket's post there."""
    old = FakeRoom(forum=False, chat_id=OLD_GROUP)
    before = Desk(TicketBook(store), replace(settings, staff_chat_id=OLD_GROUP), ward_engine)
    before.clock = clock
    before.room = old
    await open_ticket(Conversation(ward_engine, store, settings, desk=before, clock=clock))
    await before.post_pending()
    [old_post] = old.posts
    return before, old, old_post


@pytest.mark.parametrize("still_member", [False, True])
async def test_after_a_move_to_a_new_staff_group_retention_deletes_nothing_there_by_old_ids(
    ward_engine: Engine, store: Store, settings: Settings, clock: Clock, still_member: bool
) -> None:
    """Turning Topics on makes the staff group a new supergroup (a new STAFF_CHAT_ID) whose
    ids start again: retention of a ticket posted in the old group must not delete the live
    ticket that has the same id in the new one. In the old group its post is deleted while
    the bot is still a member there, else given up at once (not tried for a week)."""
    before, old, old_post = await posted_in_old_group(ward_engine, store, settings, clock)
    clock.now += 60 * DAY
    new = FakeRoom(forum=True)
    if still_member:
        new.elsewhere[OLD_GROUP] = old
    desk = Desk(before.tickets, settings, ward_engine, clock=clock)
    desk.room = new
    number = await open_ticket(Conversation(ward_engine, store, settings, desk=desk, clock=clock))
    await desk.post_pending()
    [live] = new.posts
    assert live.thread_id == old_post.message_id  # the same id, in another group
    clock.now += 31 * DAY
    assert await desk.purge(clock.now - 90 * DAY) == 1
    assert (new.deleted_topics, new.deleted_messages) == ([], [])
    assert live.thread_id in new.topics and await desk.tickets.get(number) is not None
    assert old.deleted_messages == ([old_post.message_id] if still_member else [])
    assert await desk.tickets.due_withdrawals(1e12) == []


async def test_a_post_id_the_new_group_gives_again_still_names_the_old_groups_ticket(
    ward_engine: Engine, store: Store, settings: Settings, clock: Clock
) -> None:
    """Both groups without topics: the bot's first post in the new group has the id its
    first post in the old one had. Each stays its own ticket's: a reply in the new group
    answers the new ticket, and the old ticket's /forget still deletes its question in the
    old group (where the bot still is)."""
    before, old, old_post = await posted_in_old_group(ward_engine, store, settings, clock)
    new = FakeRoom(forum=False)
    new.elsewhere[OLD_GROUP] = old
    desk = Desk(before.tickets, settings, ward_engine, clock=clock)
    desk.room = new
    conversation = Conversation(ward_engine, store, settings, desk=desk, clock=clock)
    await open_ticket(conversation, OTHER, "phường có cho mượn bàn ghế tổ chức đám cưới không")
    await desk.post_pending()
    [new_post] = new.posts
    assert new_post.message_id == old_post.message_id  # the same id, in another group
    assert await desk.on_staff_message(bot_post(new_post, "Dạ có ạ.")) == []
    [reply] = await outbox(store, "telegram")
    assert reply.chat.chat_id == OTHER.chat_id
    await conversation.handle_text(RESIDENT, "/forget")
    assert old.deleted_messages == [old_post.message_id]
    assert new.deleted_messages == [] and await desk.tickets.get(2) is not None


async def test_an_answer_given_in_the_old_group_gets_no_thumbs_up_in_the_new_one(
    ward_engine: Engine, store: Store, settings: Settings, clock: Clock
) -> None:
    """Staff answered in the old group just before the ward moved; the answer goes out
    after the bot restarted in the new group: its 👍 would land on whatever message has
    that id there. None is given (the answer itself still reaches the resident)."""
    before, old, old_post = await posted_in_old_group(ward_engine, store, settings, clock)
    await before.on_staff_message(bot_post(old_post, "Dạ có ạ.", message_id=old_post.message_id))
    desk = Desk(before.tickets, settings, ward_engine, clock=clock)
    desk.room = new = FakeRoom(forum=True)
    channel = Pushed()
    composer = Composer(lambda: desk.engine.corpus, store, kinds={"reply": desk.compose})
    await Sender(store, channel, composer, on_done=desk.delivered, clock=clock).drain()
    assert len(channel.sent) == 1
    assert new.reactions == [] and old.reactions == []


async def test_an_answer_in_a_new_staff_group_never_reaches_an_old_groups_resident(
    ward_engine: Engine, store: Store, settings: Settings, clock: Clock
) -> None:
    """A reply in the new group to a bot message whose id was a ticket post in the old
    group is no answer on that ticket."""
    before = Desk(TicketBook(store), replace(settings, staff_chat_id=OLD_GROUP), ward_engine)
    before.clock = clock
    before.room = FakeRoom(forum=False, chat_id=OLD_GROUP)
    await open_ticket(Conversation(ward_engine, store, settings, desk=before, clock=clock))
    await before.post_pending()
    [old_post] = before.room.posts
    desk = Desk(before.tickets, settings, ward_engine, clock=clock)
    desk.room = FakeRoom(forum=True)
    # The bot's answer to /tickets in the new group happens to have the same id.
    reply = StaffMessage(
        7001,
        "Dạ, phường có lớp bơi vào tháng 6.",
        STAFF,
        "Lan",
        reply_to=old_post.message_id,
        reply_to_bot=True,
        reply_to_text="Phiếu đang chờ: 1",
    )
    assert await desk.on_staff_message(reply) == [msg.staff_reply_names_no_ticket()]
    assert await outbox(store) == []


async def test_a_ticket_open_when_the_ward_moves_group_is_posted_again_in_the_new_one(
    ward_engine: Engine, store: Store, settings: Settings, clock: Clock
) -> None:
    """The resident writes again after the move: the question and what followed are
    posted in the new group (in a topic of its own), and taken out of the old one."""
    before, old, _ = await posted_in_old_group(ward_engine, store, settings, clock)
    new = FakeRoom(forum=True)
    new.elsewhere[OLD_GROUP] = old
    desk = Desk(before.tickets, settings, ward_engine, clock=clock)
    desk.room = new
    conversation = Conversation(ward_engine, store, settings, desk=desk, clock=clock)
    await conversation.handle_text(RESIDENT, "em hỏi thêm: lớp bơi có học buổi tối không")
    for _ in range(3):
        await desk.post_pending()
    [thread] = list(new.topics)
    texts = [p.reply.text for p in new.in_thread(thread)]
    assert len(texts) == 2 and "lớp dạy bơi" in texts[0] and "buổi tối" in texts[1]
    assert old.deleted_messages == [old.posts[0].message_id]
    said = await desk.on_staff_message(bot_post(new.in_thread(thread)[0], "Dạ có ạ."))
    assert said == [] and len(await outbox(store)) == 1


async def test_staff_typing_an_admin_command_or_help_in_their_group_are_told_where_it_works(
    desk: Desk,
) -> None:
    """/stats, /unanswered... answer in a private chat only (what they show is not for a
    group); typed in the staff group they were met with silence."""
    assert await desk.on_staff_message(staff("/stats")) == [msg.staff_command_private("stats")]
    assert await desk.on_staff_message(staff("/unanswered@phuong2_bot")) == [
        msg.staff_command_private("unanswered")
    ]
    # /redo: the chat edits a hand save dropped, named in admins' private chats.
    assert await desk.on_staff_message(staff("/redo")) == [msg.staff_command_private("redo")]
    [help_text] = await desk.on_staff_message(staff("/help"))
    assert help_text == msg.staff_help() and "/r" in help_text
    assert await desk.on_staff_message(staff("/weather")) == []  # another bot's command


async def test_staff_answering_a_ticket_retention_deleted_are_told_it_is_gone(
    conversation: Conversation, desk: Desk, room: FakeRoom, store: Store, clock: Clock
) -> None:
    """The topic is still there (Telegram refused to delete it): an answer typed in it
    reaches no one, and staff are told so instead of hearing nothing."""
    await posted_ticket(conversation, desk)
    [post] = room.posts
    room.delete_fail = RuntimeError("Telegram is down")
    clock.now += 91 * DAY
    await desk.purge(clock.now - 90 * DAY)
    said = await desk.on_staff_message(bot_post(post, "Dạ, phường có lớp bơi vào tháng 6."))
    assert said == [msg.staff_ticket_gone(1)]
    assert "đã xóa theo thời hạn lưu hoặc người dân đã xóa dữ liệu" in said[0]
    assert await outbox(store) == []
    # /r as a reply to that post, the same.
    said = await desk.on_staff_message(bot_post(post, "/r Dạ có.", message_id=7002))
    assert said == [msg.staff_ticket_gone(1)]
    # A reply to another message of the bot's (not a ticket post): sent to no one, said so.
    other = replace(bot_post(post, "cảm ơn bot"), reply_to_text="✔️ Đã đóng phiếu số 1.")
    assert await desk.on_staff_message(other) == [msg.staff_reply_names_no_ticket()]


async def test_an_answer_sent_as_the_resident_forgets_is_told_the_ticket_is_gone(
    conversation: Conversation, desk: Desk, room: FakeRoom, store: Store
) -> None:
    """The resident's /forget lands between the desk finding the ticket an officer answers
    and writing the answer down: the officer is told the ticket is gone, not that the bot
    failed and to try again; nothing is queued for the resident."""
    await posted_ticket(conversation, desk)
    [post] = room.posts
    found = desk.tickets.by_post

    async def then_forgotten(message_id: int, group: int | None = None) -> Ticket | None:
        ticket = await found(message_id, group)
        await conversation.handle_text(RESIDENT, "/forget")
        return ticket

    desk.tickets.by_post = then_forgotten  # type: ignore[method-assign]
    said = await desk.on_staff_message(bot_post(post, "Dạ, phường có lớp bơi vào tháng 6."))
    assert said == [msg.staff_ticket_gone(1)]
    assert await outbox(store) == []


async def test_a_reply_to_the_bots_answer_about_a_live_ticket_is_not_told_it_is_gone(
    conversation: Conversation, desk: Desk, room: FakeRoom, clock: Clock
) -> None:
    """The bot's answers to staff name a ticket too ("Phiếu số 1 chưa có câu trả lời…"):
    a reply to one is no reply to a ticket post, and the ticket is there. Only a reply to
    one of the bot's posts about a ticket that really is gone says so."""
    room.forum = False
    number = await posted_ticket(conversation, desk)
    [answer] = await desk.on_staff_message(staff(f"/newfaq {number}"))
    assert answer.startswith(f"Phiếu số {number} ")
    reply = StaffMessage(
        7003,
        "Dạ, phường có lớp bơi miễn phí vào tháng 6.",
        STAFF,
        "Lan",
        reply_to=8000,
        reply_to_bot=True,
        reply_to_text=answer,
    )
    # Sent to no one (the bot's answer is no post about the ticket), and said so.
    assert await desk.on_staff_message(reply) == [msg.staff_reply_names_no_ticket()]
    said = await desk.on_staff_message(replace(reply, text="/r Dạ có ạ."))
    assert said == [msg.staff_which_ticket()]
    for text in (msg.ticket_was_closed(number), msg.staff_ticket_gone(number)):
        said = await desk.on_staff_message(replace(reply, reply_to_text=text))
        assert said == [msg.staff_reply_names_no_ticket()]
    # Its real posts, once the ticket is gone: told so.
    await conversation.handle_text(RESIDENT, "em hỏi thêm: có mất phí không ạ")
    await desk.post_pending()
    room.delete_fail = RuntimeError("Telegram is down")
    clock.now += 91 * DAY
    await desk.purge(clock.now - 90 * DAY)
    for post in room.posts:
        said = await desk.on_staff_message(bot_post(post, "Dạ có."))
        assert said == [msg.staff_ticket_gone(number)]


@pytest.mark.parametrize("forum", [True, False])
async def test_a_listing_links_to_each_ticket_and_quotes_no_resident(
    conversation: Conversation, desk: Desk, room: FakeRoom, forum: bool
) -> None:
    """/tickets is answered with a message the bot cannot take back on /forget: numbers,
    states and links to where the question is, never the question."""
    room.forum = forum
    said = "em tên Trần Thị B, nhà số 12 hẻm 5, hỏi trợ cấp cho con khuyết tật"
    await open_ticket(conversation, text=said)
    await desk.post_pending()
    await open_ticket(conversation, OTHER, "phường có cho mượn loa đài không")  # not posted yet
    [listing] = await desk.on_staff_message(staff("/tickets"))
    assert "Trần Thị B" not in listing and "loa đài" not in listing
    # The ticket's topic, or without topics the bot's first message about it.
    [post] = room.posts
    where = post.thread_id if forum else post.message_id
    assert listing.splitlines()[2:] == [
        f"• #1 · Zalo · chờ trả lời · dưới 1 phút · https://t.me/c/999/{where}",
        "• #2 · Telegram · chờ trả lời · dưới 1 phút",
    ]


async def test_a_long_listing_says_how_many_tickets_it_leaves_out(
    conversation: Conversation, desk: Desk, clock: Clock
) -> None:
    for number in range(1, 36):
        clock.now += 60
        await conversation.handle_text(
            ChatRef("telegram", str(1000 + number)), f"/hoicanbo câu {number}"
        )
        await desk.post_pending()
        if number == 30:
            [listing] = await desk.on_staff_message(staff("/tickets"))
            assert listing.splitlines()[-1].startswith("• #30 ")  # all of them: nothing more
    [listing] = await desk.on_staff_message(staff("/tickets"))
    lines = listing.splitlines()
    assert [line.split(" · ")[0] for line in lines[2:-1]] == [f"• #{n}" for n in range(1, 31)]
    assert lines[-1] == (
        "… và 5 phiếu khác (tổng cộng 35 phiếu đang mở): gõ /tickets 2 để xem tiếp."
    )
    # The next page: the 5 left out, and no "more".
    [second] = await desk.on_staff_message(staff("/tickets 2"))
    lines = second.splitlines()
    assert lines[0].endswith(", trang 2:")
    assert [line.split(" · ")[0] for line in lines[2:]] == [f"• #{n}" for n in range(31, 36)]
    [past] = await desk.on_staff_message(staff("/tickets 3"))
    assert past.startswith("Không có trang 3: chỉ có 35 phiếu đang mở.")


class SlowRoom(FakeRoom):
    """A staff group where making a topic or posting waits until `gate` opens (Telegram
    slow, or the group's rate limit holding the bot back); deleting a topic can wait too."""

    def __init__(self, *, forum: bool) -> None:
        super().__init__(forum=forum)
        self.gate = asyncio.Event()
        self.entered = asyncio.Event()
        self.delete_gate: asyncio.Event | None = None  # set: deleting a topic waits for it
        self.deleting = asyncio.Event()

    async def create_topic(self, name: str) -> int:
        self.entered.set()
        await self.gate.wait()
        return await super().create_topic(name)

    async def post(
        self, reply: Reply, *, thread_id: int | None = None, reply_to: int | None = None
    ) -> list[int]:
        if not self.forum:
            self.entered.set()
            await self.gate.wait()
        return await super().post(reply, thread_id=thread_id, reply_to=reply_to)

    async def delete_topic(self, chat_id: int, thread_id: int) -> None:
        if self.delete_gate is not None:
            self.deleting.set()
            await self.delete_gate.wait()
        await super().delete_topic(chat_id, thread_id)

    def left(self, text: str) -> list[str]:
        """What in the group still says `text`: topic names, posts not deleted."""
        names = [name for name in self.topics.values() if text in name]
        posts = [
            p.reply.text
            for p in self.posts
            if text in p.reply.text
            and p.message_id not in self.deleted_messages
            and (p.thread_id is None or p.thread_id in self.topics)
        ]
        return names + posts


@pytest.mark.parametrize("forum", [True, False])
async def test_forget_while_the_ticket_is_being_posted_takes_the_post_back(
    ward_engine: Engine, store: Store, settings: Settings, clock: Clock, forum: bool
) -> None:
    room = SlowRoom(forum=forum)
    desk = Desk(TicketBook(store), settings, ward_engine, clock=clock)
    desk.room = room
    conversation = Conversation(ward_engine, store, settings, desk=desk, clock=clock)
    await open_ticket(conversation)
    poster = asyncio.create_task(desk.post_pending())
    await room.entered.wait()  # the topic or the post is on its way to Telegram
    [done] = await conversation.handle_text(RESIDENT, "/forget")
    assert done.text == msg.forget_done()
    # Another resident asks meanwhile: a number of their own, posted as theirs.
    await open_ticket(conversation, OTHER, "phường có cho mượn loa đài không")
    room.gate.set()
    await poster
    assert room.left(UNKNOWN) == []
    await desk.post_pending()
    [theirs] = [p for p in room.posts if "loa đài" in p.reply.text]
    assert "Phiếu số 2" in theirs.reply.text
    assert (await desk.tickets.by_post(theirs.message_id)) == await desk.tickets.get(2)
    assert [p for p in room.posts if await desk.tickets.by_post(p.message_id)] == [theirs]


async def test_a_ticket_posted_while_forget_clears_the_group_goes_too(
    ward_engine: Engine, store: Store, settings: Settings, clock: Clock
) -> None:
    """/forget deletes the rows before it deletes anything in the group: a question the
    desk posts while an earlier ticket's topic is being deleted is not left behind."""
    room = SlowRoom(forum=True)
    room.gate.set()
    desk = Desk(TicketBook(store), settings, ward_engine, clock=clock)
    desk.room = room
    conversation = Conversation(ward_engine, store, settings, desk=desk, clock=clock)
    await open_ticket(conversation, text="phường có cho mượn loa đài không")
    await desk.post_pending()
    await desk.on_staff_action(STAFF, "tc:1")
    await open_ticket(conversation)  # a second ticket, not posted yet
    room.delete_gate = asyncio.Event()
    forget = asyncio.create_task(conversation.handle_text(RESIDENT, "/forget"))
    await room.deleting.wait()  # /forget is deleting the first ticket's topic...
    await desk.post_pending()  # ...while the desk posts what waits
    room.delete_gate.set()
    await forget
    assert room.left(UNKNOWN) == [] and room.left("loa đài") == []


@pytest.mark.parametrize(
    "text",
    [
        "gặp cán bộ",
        "cho em gap nguoi that",
        "em muốn nói chuyện với cán bộ phường",
        "cho tôi hỏi cán bộ trực tiếp được không",
        "/hoicanbo",
        "/hoicanbo@phuong2_bot",
    ],
)
def test_asking_for_a_person_is_understood(text: str) -> None:
    from wardbot.intents import parse_intent

    assert parse_intent(text).kind == "staff"


@pytest.mark.parametrize(
    "text",
    [
        "cán bộ địa chính ở đâu",
        "hỏi cán bộ địa chính về sổ đỏ thế nào",
        "gặp cán bộ tư pháp vào ngày nào",
        "cán bộ địa chính làm việc ngày nào",
        "kêu cán bộ địa chính đo đất thế nào",
    ],
)
def test_questions_about_officers_stay_questions(text: str) -> None:
    from wardbot.intents import parse_intent

    assert parse_intent(text).kind == "question"


# --- closing the loop: tickets and /unanswered into faq.yaml -------------------------------


class Reloads:
    def __init__(self) -> None:
        self.count = 0

    async def __call__(self) -> None:
        self.count += 1


@pytest.fixture
def staff_files(
    tmp_path: Path, settings: Settings, desk: Desk, conversation: Conversation, clock: Clock
) -> tuple[Path, Reloads]:
    """A copy of faq.yaml the desk and the admin commands may edit; reloads counted."""
    faq = tmp_path / "faq.yaml"
    shutil.copyfile(settings.faq_file, faq)
    reloads = Reloads()
    editor = FaqEditor(faq, tmp_path / "data", reloads, clock=clock)
    desk.editor = editor
    conversation.admin = admin_of(
        desk.engine, desk.tickets.store, settings, clock, desk=desk, editor=editor
    )
    return faq, reloads


def variants_of(faq: Path, entry_id: str) -> tuple[str, ...]:
    return next(e.variants for e in load_faq(faq).faq if e.id == entry_id)


async def test_a_guess_button_makes_the_question_a_variant(
    conversation: Conversation, desk: Desk, room: FakeRoom, staff_files: tuple[Path, Reloads]
) -> None:
    faq, reloads = staff_files
    question = "thẻ bảo hiểm của bà tôi rách nát hết rồi xin cái mới được không"
    await open_ticket(conversation, text=question)
    await desk.post_pending()
    button = next(b for b in room.posts[0].reply.buttons if "Mất thẻ bảo hiểm y tế" in b.label)
    [refused] = await desk.on_staff_action("12345", button.action)
    assert refused == msg.staff_admin_only("telegram:12345")
    assert question not in variants_of(faq, "bhyt-mat-the")
    said = await desk.on_staff_action(STAFF, button.action)
    assert said == [msg.faq_variant_added("bhyt-mat-the", question)]
    assert question in variants_of(faq, "bhyt-mat-the")
    assert reloads.count == 1
    # Twice is refused, and says why.
    [again] = await desk.on_staff_action(STAFF, button.action)
    assert again.startswith("Không sửa được faq.yaml:") and reloads.count == 1


async def test_an_edit_the_bot_could_not_reload_yet_is_not_told_as_served(
    conversation: Conversation, desk: Desk, room: FakeRoom, staff_files: tuple[Path, Reloads]
) -> None:
    """Another staff file still being saved when an officer presses a button: the edit is
    written, but the bot has not read it yet; staff are not told it answers already."""
    faq, reloads = staff_files

    async def still_saving() -> bool:
        reloads.count += 1
        return False  # as ContentWatcher.refresh(force=True) while a file keeps changing

    assert desk.editor is not None
    desk.editor.reload = still_saving
    question = "thẻ bảo hiểm của bà tôi rách nát hết rồi xin cái mới được không"
    await open_ticket(conversation, text=question)
    await desk.post_pending()
    button = next(b for b in room.posts[0].reply.buttons if "Mất thẻ bảo hiểm y tế" in b.label)
    [said] = await desk.on_staff_action(STAFF, button.action)
    assert question in variants_of(faq, "bhyt-mat-the") and reloads.count == 1
    assert said == msg.faq_variant_added("bhyt-mat-the", question, applied=False)
    assert "chưa nạp lại" in said and "đã nạp lại" not in said
    thread = room.posts[0].thread_id
    [undone] = await desk.on_staff_message(staff("/undo", thread=thread, message_id=7002))
    assert question not in variants_of(faq, "bhyt-mat-the") and reloads.count == 2
    assert undone.startswith("↩️ Đã hoàn tác")
    assert "chưa nạp lại" in undone and "đã nạp lại" not in undone


async def test_a_new_entry_from_the_staff_answer(
    conversation: Conversation, desk: Desk, room: FakeRoom, staff_files: tuple[Path, Reloads]
) -> None:
    faq, _ = staff_files
    await posted_ticket(conversation, desk)
    assert await desk.on_staff_action(STAFF, "tn:1") == [msg.faq_no_answer_yet(1)]
    answer = "Dạ có. Lớp bơi miễn phí mở từ 1/6 đến 31/7\ntại hồ bơi nhà văn hóa phường."
    await desk.on_staff_message(staff(answer, reply_to=room.posts[0].message_id))
    [said] = await desk.on_staff_action(STAFF, "tn:1")
    entry = load_faq(faq).faq[-1]
    assert said == msg.faq_entry_added(entry.id, UNKNOWN, answer)
    assert (entry.question, entry.answer.strip()) == (UNKNOWN, answer)


async def test_a_new_entry_shows_the_staff_answer_it_took_and_a_reply_chooses_it(
    conversation: Conversation, desk: Desk, room: FakeRoom, staff_files: tuple[Path, Reloads]
) -> None:
    """A ticket often ends with a courtesy ('Dạ không có gì ạ' to the resident's thanks):
    the new entry's answer, served to residents at once, is shown to staff, so they see
    which one it took; /newfaq typed as a reply to an answer takes that one."""
    faq, _ = staff_files
    await posted_ticket(conversation, desk)
    [thread] = list(room.topics)
    answer = "Dạ có. Lớp bơi miễn phí mở từ 1/6 đến 31/7 tại hồ bơi nhà văn hóa phường."
    await desk.on_staff_message(staff(answer, reply_to=room.posts[0].message_id))
    await conversation.handle_text(RESIDENT, "dạ em cảm ơn cán bộ ạ")
    await desk.post_pending()
    courtesy = "Dạ không có gì ạ."
    thanks = room.in_thread(thread)[-1]
    await desk.on_staff_message(staff(courtesy, reply_to=thanks.message_id, message_id=7002))
    [said] = await desk.on_staff_message(
        staff("/newfaq", reply_to=7001, thread=thread, message_id=7003)
    )
    entry = load_faq(faq).faq[-1]
    assert entry.answer.strip() == answer
    assert said == msg.faq_entry_added(entry.id, UNKNOWN, answer)
    assert f"“{answer}”" in said
    # The button takes the latest answer, and says which.
    await open_ticket(conversation, OTHER, "phường có cho mượn loa đài không")
    await desk.post_pending()
    await desk.on_staff_message(
        staff(courtesy, reply_to=room.posts[-1].message_id, message_id=7004)
    )
    [said] = await desk.on_staff_action(STAFF, "tn:2")
    assert f"“{courtesy}”" in said


async def test_a_question_goes_into_faq_yaml_without_the_residents_phone_or_id_number(
    conversation: Conversation, desk: Desk, room: FakeRoom, staff_files: tuple[Path, Reloads]
) -> None:
    faq, _ = staff_files
    asked = "Em là Lan, sđt 0912 345 678, cho hỏi phường có lớp dạy bơi miễn phí cho trẻ em không?"
    written = "Em là …, sđt …, cho hỏi phường có lớp dạy bơi miễn phí cho trẻ em không?"
    await open_ticket(conversation, text=asked)
    await desk.post_pending()
    answer = "Dạ có, lớp bơi miễn phí mở từ 1/6 tại nhà văn hóa; liên hệ 0276 3822 123."
    await desk.on_staff_message(staff(answer, reply_to=room.posts[0].message_id))
    [said] = await desk.on_staff_action(STAFF, "tn:1")
    new = load_faq(faq).faq[-1]
    # The question is a public title (and the id is made from it): blanked.
    assert (new.id, new.question) == ("em-la-sdt-cho-hoi-phuong", written)
    assert "345" not in faq.read_text(encoding="utf-8")
    assert new.answer == answer  # the ward's own number, in the staff answer, stays
    # Staff see what was written and what was blanked, to fix what no pattern finds.
    assert said == msg.faq_entry_added(new.id, written, answer, ("name", "number"))
    assert f"“{written}”" in said and "Đã che (…): tên người, số điện thoại / số giấy tờ." in said
    # As a variant of an entry, the same.
    cccd = "cccd 079123456789 của em bị mất thì làm lại ở đâu"
    await open_ticket(conversation, OTHER, cccd)
    await desk.post_pending()
    [said] = await desk.on_staff_action(STAFF, "tv:2:" + digest("bhyt-mat-the"))
    assert said == msg.faq_variant_added(
        "bhyt-mat-the", "cccd … của em bị mất thì làm lại ở đâu", ("number",)
    )
    assert "079123" not in faq.read_text(encoding="utf-8")


async def test_a_residents_name_address_and_birth_date_stay_out_of_faq_yaml(
    conversation: Conversation, desk: Desk, room: FakeRoom, staff_files: tuple[Path, Reloads]
) -> None:
    """faq.yaml is public and kept in git: /forget cannot take back what went into it. The
    resident's name (after an introduction, a form of address, or a family name), house
    number and date of birth are blanked in the question, and so is what the staff answer
    repeats of them; the ward's own hotline in the answer stays."""
    faq, _ = staff_files
    asked = (
        "Dạ cháu tên là Trần Thị Bích, nhà số 45/7 hẻm 12 đường Lê Lợi, sinh ngày 03/04/1990, "
        "cho hỏi phường có lớp dạy bơi miễn phí cho trẻ em không ạ?"
    )
    await open_ticket(conversation, text=asked)
    await conversation.handle_text(RESIDENT, "số của cháu là 0912 345 678 ạ")
    await desk.post_pending()
    answer = (
        "Dạ chị Bích, phường có lớp bơi miễn phí từ 1/6; cán bộ sẽ gọi lại chị ở số "
        "0912.345.678, hoặc chị gọi 0276 3822 123."
    )
    await desk.on_staff_message(staff(answer, reply_to=room.posts[0].message_id))
    [said] = await desk.on_staff_action(STAFF, "tn:1")
    text = faq.read_text(encoding="utf-8")
    for personal in ("Bích", "Trần", "45/7", "03/04/1990", "345"):
        assert personal not in text
    new = load_faq(faq).faq[-1]
    assert new.question == (  # the street, without the house number, names no one
        "Dạ cháu tên là …, nhà số … hẻm … đường Lê Lợi, sinh ngày …, "
        "cho hỏi phường có lớp dạy bơi miễn phí cho trẻ em không ạ?"
    )
    assert new.answer == (
        "Dạ chị …, phường có lớp bơi miễn phí từ 1/6; cán bộ sẽ gọi lại chị ở số …, "
        "hoặc chị gọi 0276 3822 123."
    )
    blanked = ("name", "address", "birth", "quoted")
    assert said == msg.faq_entry_added(new.id, new.question, new.answer, blanked)
    assert "Bích" not in said and "345" not in said


async def test_a_staff_answer_pasted_with_decomposed_accents_loses_the_residents_name(
    conversation: Conversation, desk: Desk, room: FakeRoom, staff_files: tuple[Path, Reloads]
) -> None:
    """An answer pasted from a document (accents as separate marks, NFD) that greets the
    resident by name: the name is blanked all the same before faq.yaml."""
    faq, _ = staff_files
    await open_ticket(conversation, text="cháu tên là Trần Thị Bích, phường có lớp bơi không")
    await desk.post_pending()
    answer = unicodedata.normalize("NFD", "Dạ chị Bích, phường có lớp bơi miễn phí từ 1/6.")
    await desk.on_staff_message(staff(answer, reply_to=room.posts[0].message_id))
    await desk.on_staff_action(STAFF, "tn:1")
    new = load_faq(faq).faq[-1]
    assert new.answer == "Dạ chị …, phường có lớp bơi miễn phí từ 1/6."


async def test_a_question_that_was_only_a_phone_number_is_not_published_blank(
    conversation: Conversation, desk: Desk, room: FakeRoom, staff_files: tuple[Path, Reloads]
) -> None:
    """ "Gọi em 0912 345 678" blanks to "Gọi em …"; "0912 345 678" alone to "…": no question
    to add to faq.yaml, as an entry or as a way of asking one."""
    faq, reloads = staff_files
    before = faq.read_bytes()
    await conversation.handle_text(RESIDENT, "/hoicanbo 0912 345 678")
    await desk.post_pending()
    await desk.on_staff_message(staff("Dạ, cán bộ sẽ gọi lại.", reply_to=room.posts[0].message_id))
    [new] = await desk.on_staff_action(STAFF, "tn:1")
    [variant] = await desk.on_staff_action(STAFF, "tv:1:" + digest("bhyt-mat-the"))
    for said in (new, variant):
        assert said.startswith("Không sửa được faq.yaml:") and "trống" in said
    assert faq.read_bytes() == before and reloads.count == 0


async def test_a_second_new_entry_for_the_same_question_is_refused_naming_the_first(
    conversation: Conversation, desk: Desk, room: FakeRoom, staff_files: tuple[Path, Reloads]
) -> None:
    faq, reloads = staff_files
    await posted_ticket(conversation, desk)
    answer = "Dạ có. Lớp bơi miễn phí mở từ 1/6 đến 31/7."
    await desk.on_staff_message(staff(answer, reply_to=room.posts[0].message_id))
    [added] = await desk.on_staff_action(STAFF, "tn:1")
    entry_id = load_faq(faq).faq[-1].id
    assert added == msg.faq_entry_added(entry_id, UNKNOWN, answer) and reloads.count == 1
    # The button pressed again, or /newfaq typed after it: two entries asking the same would
    # split the match and the bot would answer neither.
    [again] = await desk.on_staff_action(STAFF, "tn:1")
    thread = room.posts[0].thread_id
    [typed] = await desk.on_staff_message(staff("/newfaq", thread=thread, message_id=7002))
    for said in (again, typed):
        assert said.startswith("Không sửa được faq.yaml: Câu hỏi")
        assert f"đó là câu hỏi của mục '{entry_id}'" in said
    assert [e.id for e in load_faq(faq).faq if e.question == UNKNOWN] == [entry_id]
    assert reloads.count == 1


async def test_a_question_another_entry_already_has_is_not_added_to_a_second_one(
    conversation: Conversation, desk: Desk, room: FakeRoom, staff_files: tuple[Path, Reloads]
) -> None:
    """Two residents ask the same; two officers each make it a variant of a different
    entry (or one presses a wrong button, then the right one). The second is refused,
    naming the first: two entries asking the same, the bot would answer neither."""
    faq, reloads = staff_files
    first = await open_ticket(conversation)
    second = await open_ticket(conversation, OTHER, UNKNOWN)
    await desk.post_pending()
    [added] = await desk.on_staff_message(staff(f"/variant {first} hoc-bong-khuyen-hoc"))
    assert added == msg.faq_variant_added("hoc-bong-khuyen-hoc", UNKNOWN)
    [refused] = await desk.on_staff_message(
        staff(f"/variant {second} bhyt-mat-the", message_id=7002)
    )
    assert refused.startswith("Không sửa được faq.yaml: Cách hỏi")
    assert "đó là một cách hỏi của mục 'hoc-bong-khuyen-hoc'" in refused
    assert msg.faq_variant_added("bhyt-mat-the", UNKNOWN) != refused
    owners = [e.id for e in load_faq(faq).faq if UNKNOWN in e.variants]
    assert owners == ["hoc-bong-khuyen-hoc"] and reloads.count == 1


async def test_with_a_read_only_faq_folder_no_edit_is_offered_and_admins_are_told_once(
    conversation: Conversation,
    desk: Desk,
    room: FakeRoom,
    store: Store,
    settings: Settings,
    clock: Clock,
    tmp_path: Path,
) -> None:
    """Docker's `:ro` mount (or a folder of another user's): buttons that could only fail
    are not shown, and admins learn why, once."""
    ward = tmp_path / "ward"
    ward.mkdir()
    shutil.copyfile(settings.faq_file, ward / "faq.yaml")
    told: list[str] = []

    async def tell_admins(text: str) -> None:
        told.append(text)

    worn = "thẻ bảo hiểm của bà tôi rách nát hết rồi xin cái mới được không"
    with read_only(ward) as folder:
        desk.editor = editor = FaqEditor(
            folder.path / "faq.yaml", tmp_path / "data", _no_reload, tell_admins=tell_admins
        )
        conversation.admin = admin_of(desk.engine, store, settings, clock, desk=desk, editor=editor)
        await open_ticket(conversation, text=worn)
        await open_ticket(conversation, OTHER, UNKNOWN)
        await desk.post_pending()
        assert [[b.action for b in p.reply.buttons] for p in room.posts] == [["tc:1"], ["tc:2"]]
        assert told == [msg.faq_folder_read_only_note(str(folder.path))]
        assert "➕ Là cách hỏi khác của" in told[0] and "uid 10001" in told[0]
        # /unanswered offers no button either; typed anyway, the edit says why.
        await store.log_question(RESIDENT, worn, False, clock())
        me = ChatRef("telegram", STAFF)
        [listing] = await conversation.handle_text(me, "/unanswered", sender=STAFF)
        assert listing.buttons == ()
        [said] = await desk.on_staff_message(staff("/variant 1 bhyt-mat-the"))
        assert said == msg.faq_edit_failed(msg.faq_folder_read_only(str(folder.path)))
        assert len(told) == 1
        # Made writable (mounted read-write): the buttons are back, at once.
        folder.lift()
        await open_ticket(conversation, ChatRef("zalo", "u-99"), worn)
        await desk.post_pending()
        actions = [b.action for b in room.posts[-1].reply.buttons]
        assert any(a.startswith("tv:3:") for a in actions) and "tn:3" in actions
        [listing] = await conversation.handle_text(me, "/unanswered", sender=STAFF)
        assert listing.buttons != ()
        assert len(told) == 1


async def test_admins_turn_tickets_into_faq_from_their_private_chat(
    conversation: Conversation, desk: Desk, room: FakeRoom, staff_files: tuple[Path, Reloads]
) -> None:
    faq, _ = staff_files
    me = ChatRef("telegram", STAFF)
    # /help tells an admin, with a staff group, how to do it from here.
    [helped] = await conversation.handle_text(me, "/help", sender=STAFF)
    for usage_line in ("\n/tickets", "\n/variant SỐ_PHIẾU MÃ_MỤC", "\n/newfaq SỐ_PHIẾU"):
        assert usage_line in helped.text
    await open_ticket(conversation)
    [usage] = await conversation.handle_text(me, "/variant 1", sender=STAFF)
    assert usage.text == msg.admin_ticket_usage("variant")
    [done] = await conversation.handle_text(me, "/variant 1 hoc-bong-khuyen-hoc", sender=STAFF)
    assert done.text == msg.faq_variant_added("hoc-bong-khuyen-hoc", UNKNOWN)
    assert UNKNOWN in variants_of(faq, "hoc-bong-khuyen-hoc")
    # A resident typing the same is refused (and told their own id, for ADMIN_IDS).
    [refused] = await conversation.handle_text(RESIDENT, "/variant 1 bhyt-mat-the", sender="u-77")
    assert UNKNOWN not in variants_of(faq, "bhyt-mat-the")
    assert refused.text == msg.admins_only(WARD_NAME, f"{RESIDENT.channel}:u-77")


@pytest.mark.parametrize("typed", ["hoc-bong-khuyen-hc", "Học-Bổng-Khuyến-Học"])
async def test_a_mistyped_entry_id_is_answered_with_the_nearest_ids_and_nothing_written(
    conversation: Conversation, desk: Desk, staff_files: tuple[Path, Reloads], typed: str
) -> None:
    faq, _ = staff_files
    before = faq.read_bytes()
    me = ChatRef("telegram", STAFF)
    await open_ticket(conversation)
    [said] = await conversation.handle_text(me, f"/variant 1 {typed}", sender=STAFF)
    assert said.text == msg.faq_edit_failed(
        msg.unknown_entry(typed, str(faq), ["hoc-bong-khuyen-hoc"])
    )
    assert "Có phải 'hoc-bong-khuyen-hoc'?" in said.text
    assert faq.read_bytes() == before
    # Resent with the id offered, it is added.
    [done] = await conversation.handle_text(me, "/variant 1 hoc-bong-khuyen-hoc", sender=STAFF)
    assert done.text == msg.faq_variant_added("hoc-bong-khuyen-hoc", UNKNOWN)


async def test_an_unanswered_group_becomes_a_variant_by_button(
    conversation: Conversation, store: Store, staff_files: tuple[Path, Reloads], clock: Clock
) -> None:
    faq, reloads = staff_files
    me = ChatRef("telegram", STAFF)
    asked = "thẻ bảo hiểm của bà tôi rách nát hết rồi xin cái mới được không"
    await store.log_question(RESIDENT, asked, False, clock())
    [listing] = await conversation.handle_text(me, "/unanswered", sender=STAFF)
    [button] = [b for b in listing.buttons if b.label.startswith("1. ➕ ")]
    assert listing.buttons_title == msg.UNANSWERED_BUTTONS
    shown = button.label.removeprefix("1. ➕ ").rstrip("…")
    entry_id = next(e.id for e in load_faq(faq).faq if e.question.startswith(shown))
    # Only an admin, in a private chat, can press it: anyone else is told their own id.
    [refused] = await conversation.handle_action(RESIDENT, button.action, sender="u-77")
    assert refused.text == msg.admins_only(WARD_NAME, "zalo:u-77")
    assert asked not in variants_of(faq, entry_id)
    [done] = await conversation.handle_action(me, button.action, sender=STAFF)
    assert done.text == msg.faq_variant_added(entry_id, asked)
    assert asked in variants_of(faq, entry_id)
    assert reloads.count == 1


@pytest.mark.parametrize("how", ["offered", "after sai rồi"])
async def test_unanswered_proposes_the_entry_residents_picked_from_the_offer(
    conversation: Conversation, store: Store, staff_files: tuple[Path, Reloads], how: str
) -> None:
    """A resident the bot could not answer picks an entry from the close matches offered
    (or from those offered after "sai rồi"): /unanswered says so, and its button makes the
    question a wording of that entry, not of the one the engine finds closest."""
    faq, _ = staff_files
    me = ChatRef("telegram", STAFF)
    asked = "giấy tờ nhà" if how == "offered" else "mất thẻ bhyt thì làm sao"
    [reply] = await conversation.handle_text(OTHER, asked)
    if how == "after sai rồi":
        [reply] = await conversation.handle_text(OTHER, "sai rồi")
    offered = [b for b in reply.buttons if b.action.startswith("faq:")]
    closest = (await conversation.engine.ask_async(asked)).results[0].doc.id
    picked = next(b for b in offered if b.action != f"faq:{closest}")
    entry_id = picked.action.removeprefix("faq:")
    await conversation.handle_action(OTHER, picked.action, sender=OTHER.chat_id)
    # Opening another entry after that is reading on, not a second pick.
    await conversation.handle_action(OTHER, offered[0].action, sender=OTHER.chat_id)
    [listing] = await conversation.handle_text(me, "/unanswered", sender=STAFF)
    entry = next(e for e in load_faq(faq).faq if e.id == entry_id)
    assert f"👉 người hỏi đã chọn trong các gợi ý: “{entry.question}”" in listing.text
    [button] = [b for b in listing.buttons if b.label.startswith("1. ➕ ")]
    assert entry.question.startswith(button.label.removeprefix("1. ➕ ").rstrip("…"))
    [done] = await conversation.handle_action(me, button.action, sender=STAFF)
    assert done.text == msg.faq_variant_added(entry_id, asked)
    assert asked in variants_of(faq, entry_id)


async def test_an_entry_picked_for_the_unanswered_question_of_two_is_proposed_for_it(
    conversation: Conversation, staff_files: tuple[Path, Reloads]
) -> None:
    """One question of the message answered, close matches offered for the other: the
    entry the resident opens from them is proposed in /unanswered for that question, as
    for a question asked alone, and its button makes that question (not the message) a
    wording of the entry."""
    faq, _ = staff_files
    me = ChatRef("telegram", STAFF)
    answered, unsure = await conversation.handle_text(
        OTHER, "đăng ký thường trú ở đâu? bảo hiểm thì sao?"
    )
    assert answered.title == "Đăng ký thường trú ở đâu?"
    picked = [b for b in unsure.buttons if b.action.startswith("faq:")][-1]
    await conversation.handle_action(OTHER, picked.action, sender=OTHER.chat_id)
    entry = next(e for e in load_faq(faq).faq if f"faq:{e.id}" == picked.action)
    [listing] = await conversation.handle_text(me, "/unanswered", sender=STAFF)
    assert f"👉 người hỏi đã chọn trong các gợi ý: “{entry.question}”" in listing.text
    [button] = [b for b in listing.buttons if b.label.startswith("1. ➕ ")]
    [done] = await conversation.handle_action(me, button.action, sender=STAFF)
    assert done.text == msg.faq_variant_added(entry.id, "bảo hiểm thì sao")


async def test_an_entry_picked_for_the_unanswered_question_of_two_then_said_to_miss_is_no_pick(
    conversation: Conversation, staff_files: tuple[Path, Reloads]
) -> None:
    """As for a question asked alone: opened from the close matches, then "không phải",
    the entry is not told to staff as the resident's pick."""
    me = ChatRef("telegram", STAFF)
    _, unsure = await conversation.handle_text(OTHER, "đăng ký thường trú ở đâu? bảo hiểm thì sao?")
    picked = [b for b in unsure.buttons if b.action.startswith("faq:")][-1]
    await conversation.handle_action(OTHER, picked.action, sender=OTHER.chat_id)
    await conversation.handle_text(OTHER, "không phải")
    [listing] = await conversation.handle_text(me, "/unanswered", sender=STAFF)
    assert "“bảo hiểm thì sao” — 1 lần" in listing.text and "👉" not in listing.text


async def test_an_entry_picked_from_the_offer_after_a_restart_is_proposed_too(
    conversation: Conversation, store: Store, settings: Settings, staff_files: tuple[Path, Reloads]
) -> None:
    """The bot restarted between the close matches and the resident's pick: /unanswered
    still says which entry they picked, as without the restart."""
    me = ChatRef("telegram", STAFF)
    [reply] = await conversation.handle_text(OTHER, "giấy tờ nhà")
    offered = [b for b in reply.buttons if b.action.startswith("faq:")]
    assert len(offered) > 1
    restarted = Conversation(conversation.engine, store, settings, clock=conversation.clock)
    await restarted.handle_action(OTHER, offered[-1].action, sender=OTHER.chat_id)
    [listing] = await conversation.handle_text(me, "/unanswered", sender=STAFF)
    entry = next(e for e in load_faq(staff_files[0]).faq if f"faq:{e.id}" == offered[-1].action)
    assert f"👉 người hỏi đã chọn trong các gợi ý: “{entry.question}”" in listing.text


async def test_an_entry_picked_for_the_unanswered_question_of_two_after_a_restart_is_proposed(
    conversation: Conversation, store: Store, settings: Settings, staff_files: tuple[Path, Reloads]
) -> None:
    """One question of the message answered, close matches offered for the other, the
    bot restarted, then the resident picks one: /unanswered still proposes it for that
    question, as without the restart (and as for a question asked alone)."""
    me = ChatRef("telegram", STAFF)
    answered, unsure = await conversation.handle_text(
        OTHER, "đăng ký thường trú ở đâu? bảo hiểm thì sao?"
    )
    assert answered.title == "Đăng ký thường trú ở đâu?"
    picked = [b for b in unsure.buttons if b.action.startswith("faq:")][-1]
    restarted = Conversation(conversation.engine, store, settings, clock=conversation.clock)
    await restarted.handle_action(OTHER, picked.action, sender=OTHER.chat_id)
    entry = next(e for e in load_faq(staff_files[0]).faq if f"faq:{e.id}" == picked.action)
    [listing] = await conversation.handle_text(me, "/unanswered", sender=STAFF)
    assert f"👉 người hỏi đã chọn trong các gợi ý: “{entry.question}”" in listing.text
    [button] = [b for b in listing.buttons if b.label.startswith("1. ➕ ")]
    [done] = await conversation.handle_action(me, button.action, sender=STAFF)
    assert done.text == msg.faq_variant_added(entry.id, "bảo hiểm thì sao")


async def test_an_entry_picked_then_said_to_miss_is_no_pick(
    conversation: Conversation, staff_files: tuple[Path, Reloads]
) -> None:
    """A resident opens a close match, then says "không phải": /unanswered does not tell
    staff they picked it, nor propose it as the entry their question is a wording of; the
    next one they open from the offer is their pick."""
    me = ChatRef("telegram", STAFF)
    [offer] = await conversation.handle_text(OTHER, "giấy tờ nhà")
    first, second = [b for b in offer.buttons if b.action.startswith("faq:")][:2]
    await conversation.handle_action(OTHER, first.action, sender=OTHER.chat_id)
    await conversation.handle_text(OTHER, "không phải")
    [listing] = await conversation.handle_text(me, "/unanswered", sender=STAFF)
    assert "“giấy tờ nhà” — 1 lần" in listing.text and "👉" not in listing.text
    await conversation.handle_action(OTHER, second.action, sender=OTHER.chat_id)
    [listing] = await conversation.handle_text(me, "/unanswered", sender=STAFF)
    assert f"👉 người hỏi đã chọn trong các gợi ý: “{second.label}”" in listing.text


async def test_a_pick_after_a_follow_up_about_an_entry_is_no_wording_of_the_pick(
    conversation: Conversation, staff_files: tuple[Path, Reloads]
) -> None:
    """ "Làm ở đâu?" after the lost health-insurance card, then "sai rồi" and another entry
    picked: the question kept is that entry's own question and the follow-up, not words
    of the resident's. /unanswered lists it, but proposes no making it a wording of the
    entry picked (which would put one entry's question among another's variants)."""
    me = ChatRef("telegram", STAFF)
    [answer] = await conversation.handle_text(OTHER, "mất thẻ bhyt thì làm sao")
    [lines] = await conversation.handle_text(OTHER, "làm ở đâu?")
    assert lines.title == answer.title == "Mất thẻ bảo hiểm y tế thì làm sao?"
    assert lines.text == answer.text  # its one line says where: the whole entry, as given
    [sorry] = await conversation.handle_text(OTHER, "sai rồi")
    picked = next(b for b in sorry.buttons if b.action.startswith("faq:"))
    assert picked.action != "faq:bhyt-mat-the"
    await conversation.handle_action(OTHER, picked.action, sender=OTHER.chat_id)
    [listing] = await conversation.handle_text(me, "/unanswered", sender=STAFF)
    assert "“Mất thẻ bảo hiểm y tế thì làm sao? làm ở đâu?” — 1 lần" in listing.text
    assert "👉" not in listing.text
    assert all(b.action.split(":")[2] != digest(picked.action[4:]) for b in listing.buttons)


async def test_an_entry_opened_after_an_answer_or_long_after_is_no_pick(
    conversation: Conversation, store: Store, staff_files: tuple[Path, Reloads], clock: Clock
) -> None:
    """Only a pick from the matches offered for a question the bot did not answer counts:
    not a related question opened under an answer, nor an entry opened an hour later."""
    me = ChatRef("telegram", STAFF)
    [answer] = await conversation.handle_text(OTHER, "mất thẻ bhyt thì làm sao")
    related = next(b for b in answer.buttons if b.action.startswith("faq:"))
    await conversation.handle_action(OTHER, related.action, sender=OTHER.chat_id)
    await conversation.handle_text(OTHER, "sai rồi")  # now unanswered; nothing picked since
    [listing] = await conversation.handle_text(me, "/unanswered", sender=STAFF)
    assert "“mất thẻ bhyt thì làm sao” — 1 lần" in listing.text and "👉" not in listing.text
    [offer] = await conversation.handle_text(OTHER, "giấy tờ nhà")
    clock.now += 3600
    picked = next(b for b in offer.buttons if b.action.startswith("faq:"))
    await conversation.handle_action(OTHER, picked.action, sender=OTHER.chat_id)
    [listing] = await conversation.handle_text(me, "/unanswered", sender=STAFF)
    assert "“giấy tờ nhà” — 1 lần" in listing.text and "👉" not in listing.text


async def test_two_questions_taken_back_are_listed_each_as_a_question_of_its_own(
    conversation: Conversation, store: Store, staff_files: tuple[Path, Reloads], clock: Clock
) -> None:
    """ "Sai rồi" to two questions answered at once puts each in /unanswered, as each
    asked alone would be, each with its own button: not the message, which no button
    could make a wording of one entry in faq.yaml."""
    await conversation.handle_text(RESIDENT, "mất thẻ bhyt thì làm sao, còn tạm trú cần gì?")
    await conversation.handle_text(RESIDENT, "sai rồi")
    await store.log_question(OTHER, "thẻ bảo hiểm của bà tôi rách nát hết rồi", False, clock())
    me = ChatRef("telegram", STAFF)
    [listing] = await conversation.handle_text(me, "/unanswered", sender=STAFF)
    assert "“còn tạm trú cần gì” — 1 lần" in listing.text
    assert "“mất thẻ bhyt thì làm sao” — 1 lần" in listing.text
    assert "tạm trú cần gì?" not in listing.text  # the message whole
    assert [b.label[:4] for b in listing.buttons] == ["1. ➕", "2. ➕", "3. ➕"]


async def test_an_unanswered_question_naming_its_resident_goes_into_faq_yaml_blanked(
    conversation: Conversation, store: Store, staff_files: tuple[Path, Reloads], clock: Clock
) -> None:
    """The question log blanks numbers only (it is private); faq.yaml is public."""
    faq, _ = staff_files
    asked = "tôi tên Nguyễn Văn An, thẻ bảo hiểm của bà tôi rách nát hết rồi xin cái mới được không"
    await store.log_question(RESIDENT, asked, False, clock())
    me = ChatRef("telegram", STAFF)
    [listing] = await conversation.handle_text(me, "/unanswered", sender=STAFF)
    [done] = await conversation.handle_action(me, listing.buttons[0].action, sender=STAFF)
    assert "Nguyễn Văn An" not in faq.read_text(encoding="utf-8")
    written = asked.replace("Nguyễn Văn An", "…")
    assert written in done.text and "Đã che (…): tên người." in done.text


async def test_an_unanswered_button_still_works_after_the_question_is_asked_again(
    conversation: Conversation, store: Store, staff_files: tuple[Path, Reloads], clock: Clock
) -> None:
    faq, reloads = staff_files
    me = ChatRef("telegram", STAFF)
    asked = "thẻ bảo hiểm của bà tôi rách nát hết rồi xin cái mới được không"
    await store.log_question(RESIDENT, asked, False, clock())
    [listing] = await conversation.handle_text(me, "/unanswered", sender=STAFF)
    [button] = [b for b in listing.buttons if b.label.startswith("1. ➕ ")]
    entry_id = next(
        e.id
        for e in load_faq(faq).faq
        if e.question.startswith(button.label.removeprefix("1. ➕ ").rstrip("…"))
    )
    # A minute later another resident asks the same, typed differently: that wording is
    # now the group's newest, but the button adds the wording staff were shown.
    clock.now += 60
    again = "the bao hiem cua ba toi rach nat het roi xin cai moi duoc khong"
    await store.log_question(OTHER, again, False, clock())
    [done] = await conversation.handle_action(me, button.action, sender=STAFF)
    assert done.text == msg.faq_variant_added(entry_id, asked)
    assert asked in variants_of(faq, entry_id) and reloads.count == 1
    # Gone from the list (the resident sent /forget): staff are told, in staff terms.
    await conversation.handle_text(RESIDENT, "/forget")
    assert await store.unanswered(0) == [again]
    [gone] = await conversation.handle_action(me, button.action, sender=STAFF)
    assert gone.text == msg.unanswered_button_stale(30) and reloads.count == 1


async def test_a_stale_unanswered_button_says_the_days_the_list_covers(
    conversation: Conversation,
    desk: Desk,
    store: Store,
    settings: Settings,
    staff_files: tuple[Path, Reloads],
    clock: Clock,
) -> None:
    """QUESTION_LOG_DAYS=7: /unanswered says "7 ngày qua"; its button, the question gone
    meanwhile, said the question was no longer in the list of "30 ngày qua"."""
    week = replace(settings, question_log_days=7)
    editor = desk.editor
    conversation.admin = admin_of(desk.engine, store, week, clock, desk=desk, editor=editor)
    me = ChatRef("telegram", STAFF)
    asked = "thẻ bảo hiểm của bà tôi rách nát hết rồi xin cái mới được không"
    await store.log_question(RESIDENT, asked, False, clock())
    [listing] = await conversation.handle_text(me, "/unanswered", sender=STAFF)
    assert "(7 ngày qua)" in listing.text
    [button] = [b for b in listing.buttons if b.label.startswith("1. ➕ ")]
    await conversation.handle_text(RESIDENT, "/forget")
    [gone] = await conversation.handle_action(me, button.action, sender=STAFF)
    assert gone.text == msg.unanswered_button_stale(7)


async def test_a_number_in_an_answer_in_a_topic_is_not_a_ticket_number(
    conversation: Conversation, desk: Desk, room: FakeRoom, store: Store
) -> None:
    await open_ticket(conversation)
    await open_ticket(conversation, OTHER, "phường có cho mượn loa đài không")
    await desk.post_pending()
    first = room.posts[0].thread_id
    await desk.on_staff_message(staff("/r 2 ngày nữa có kết quả", thread=first))
    [item] = await outbox(store)
    assert item.chat == RESIDENT
    assert (await desk.compose(item) or [])[0].text == "2 ngày nữa có kết quả"
    # With '#', the number is the ticket's, wherever it is typed.
    await desk.on_staff_message(staff("/r #2 Dạ có.", thread=first, message_id=7002))
    assert [i.chat for i in await outbox(store, "telegram")] == [OTHER]


async def test_an_answer_for_a_ticket_number_that_is_no_ticket_reaches_no_one(
    conversation: Conversation, desk: Desk, room: FakeRoom, store: Store
) -> None:
    """'/r #7 …' names ticket 7 wherever it is typed: when there is no ticket 7 (a typo,
    or one /forget deleted), the answer goes nowhere and staff are told, rather than to
    the resident whose topic it was typed in, '#7' and all. '/r 7 …' outside any ticket,
    the same."""
    await posted_ticket(conversation, desk)
    first = room.posts[0].thread_id
    said = await desk.on_staff_message(staff("/r #7 Dạ, hồ sơ đã xong.", thread=first))
    assert said == [msg.staff_no_ticket(7)]
    said = await desk.on_staff_message(staff("/r 7 Dạ, hồ sơ đã xong.", message_id=7002))
    assert said == [msg.staff_no_ticket(7)]
    assert await outbox(store) == []


async def test_in_a_topic_a_number_first_in_close_variant_newfaq_is_the_ticket_number(
    conversation: Conversation, desk: Desk, room: FakeRoom, staff_files: tuple[Path, Reloads]
) -> None:
    faq, _ = staff_files
    first = await open_ticket(conversation)
    second = await open_ticket(conversation, OTHER, "phường có cho mượn loa đài không")
    await desk.post_pending()
    thread = room.posts[0].thread_id  # the first ticket's topic
    answer = "Dạ có, lớp bơi mở từ 1/6."
    await desk.on_staff_message(staff(answer, reply_to=room.posts[0].message_id))
    # As the README writes them: the ticket's own number, typed in its topic.
    said = await desk.on_staff_message(staff(f"/newfaq {first}", thread=thread, message_id=7002))
    new = load_faq(faq).faq[-1]
    assert said == [msg.faq_entry_added(new.id, UNKNOWN, answer)]
    assert (new.id, new.question) != (str(first), UNKNOWN) and new.question == UNKNOWN
    said = await desk.on_staff_message(
        staff(f"/variant {second} hoc-bong-khuyen-hoc", thread=thread, message_id=7003)
    )
    asked = "phường có cho mượn loa đài không"
    assert said == [msg.faq_variant_added("hoc-bong-khuyen-hoc", asked)]
    # Another ticket's number, typed in this topic, is that ticket.
    said = await desk.on_staff_message(staff(f"/close {second}", thread=thread, message_id=7004))
    assert said == [msg.ticket_closed(second)]
    assert [(await desk.tickets.get(n)).state for n in (first, second)] == ["answered", "closed"]
    # A number that is no ticket is not taken for this one.
    said = await desk.on_staff_message(staff("/close 99", thread=thread, message_id=7005))
    assert said == [msg.staff_no_ticket(99)]
    assert (await desk.tickets.get(first)).state == "answered"
    # An FAQ id that starts with digits is an id, not a ticket number.
    said = await desk.on_staff_message(staff("/variant 2024-khong-co", thread=thread))
    assert said == [msg.faq_edit_failed(f"Không có mục nào có id '2024-khong-co' trong {faq}.")]


async def test_a_reply_to_any_bot_message_in_the_topic_is_relayed(
    conversation: Conversation, desk: Desk, room: FakeRoom, store: Store
) -> None:
    await posted_ticket(conversation, desk)
    thread = room.posts[0].thread_id
    # The bot's reminder (not a ticket post) replied to: still that ticket's answer.
    said = staff("Dạ có ạ.", thread=thread)
    reply = replace(said, reply_to=99999, reply_to_bot=True)
    assert await desk.on_staff_message(reply) == []
    assert len(await outbox(store)) == 1
    # A reply to a colleague's message in the topic is not.
    colleague = replace(said, reply_to=88888, reply_to_bot=False, message_id=7005)
    await desk.on_staff_message(colleague)
    assert len(await outbox(store)) == 1


async def test_the_bot_answers_even_when_the_desk_cannot_use_the_database(
    conversation: Conversation, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def locked(*args: object) -> None:
        raise RuntimeError("database is locked")

    monkeypatch.setattr(desk.tickets, "active", locked)
    monkeypatch.setattr(desk.tickets, "offer", locked)
    monkeypatch.setattr(desk.tickets, "offered", locked)
    [known] = await conversation.handle_text(RESIDENT, "mất thẻ bhyt làm sao")
    assert known.title == "Mất thẻ bảo hiểm y tế thì làm sao?"
    [unknown] = await conversation.handle_text(RESIDENT, UNKNOWN)
    assert "0276 3822 123" in unknown.text and not ask_button(unknown)


# --- configuration --------------------------------------------------------------------------


def test_the_staff_group_from_the_environment() -> None:
    from wardbot.config import ConfigError

    env = {"TELEGRAM_BOT_TOKEN": "1:x", "STAFF_CHAT_ID": " -1001234567890 "}
    settings = Settings.from_env(env)
    assert (settings.staff_chat_id, settings.staff_signature) == (-1001234567890, "ward")
    assert Settings.from_env({**env, "STAFF_SIGNATURE": "Name"}).staff_signature == "name"
    assert Settings.from_env({}).staff_chat_id is None
    for wrong, complaint in [
        ({**env, "STAFF_CHAT_ID": "nhom-can-bo"}, "STAFF_CHAT_ID chưa đúng: phải là mã số"),
        ({**env, "STAFF_CHAT_ID": "12345"}, "là một số âm"),
        ({"STAFF_CHAT_ID": "-100123"}, "TELEGRAM_BOT_TOKEN chưa đúng: đang để trống"),
        ({**env, "STAFF_SIGNATURE": "officer"}, "phải là ward .* hoặc name"),
    ]:
        with pytest.raises(ConfigError, match=complaint):
            Settings.from_env(wrong)


async def test_only_a_message_for_staff_may_be_longer_than_a_question(
    conversation: Conversation, desk: Desk
) -> None:
    """Past 1,500 characters a message is a pasted document, not a question for the bot;
    staff read it whole (up to a Telegram message), and only when it is for them."""
    long = "Nhà em ở hẻm 5, khu phố 3, chưa được cấp sổ. " * 40
    assert MAX_MESSAGE_CHARS < len(long) <= MAX_STAFF_MESSAGE_CHARS
    [refused] = await conversation.handle_text(RESIDENT, long)
    assert refused.text == msg.too_long(MAX_MESSAGE_CHARS)
    await open_ticket(conversation)
    [relayed] = await conversation.handle_text(RESIDENT, long)
    assert relayed.text == msg.ticket_follow_up(WARD_NAME, 1)
    [refused] = await conversation.handle_text(RESIDENT, long * 3)  # more than Telegram sends
    assert refused.text == msg.too_long(MAX_MESSAGE_CHARS)
    said = await desk.tickets.messages(1)
    assert said[-1].text == long.strip()


@pytest.mark.parametrize("page", ["99999999999999999999", "²", "-1", "hai"])
async def test_tickets_with_a_page_that_is_no_page_lists_the_first_or_says_there_is_none(
    conversation: Conversation, desk: Desk, page: str
) -> None:
    await conversation.handle_text(ChatRef("telegram", "1001"), "/hoicanbo câu hỏi")
    await desk.post_pending()
    [listing] = await desk.on_staff_message(staff(f"/tickets {page}"))
    assert listing.startswith(("📋 Phiếu đang mở", "Không có trang")), listing


async def test_while_the_poster_fails_residents_are_told_their_question_waits(
    conversation: Conversation, desk: Desk, room: FakeRoom
) -> None:
    """Telegram cannot be reached while the bot runs (its API down, the network cut): the
    poster stops on the error, to be tried again after a pause; a resident asking for staff
    meanwhile is told their question has not reached them yet, not that it has. Once a
    round goes well, every question is there and residents are told so again."""
    await open_ticket(conversation)
    room.fail = RuntimeError("Telegram is down")
    with pytest.raises(RuntimeError):
        await desk.run(asyncio.Event())
    await conversation.handle_text(OTHER, UNKNOWN)
    [held] = await conversation.handle_action(OTHER, "staff:ask")
    assert "phiếu số 2" in held.text and "chưa chuyển được" in held.text

    room.fail = None
    await desk.round()
    assert len(room.topics) == 2
    third = ChatRef("zalo", "third-resident")
    await conversation.handle_text(third, UNKNOWN)
    [received] = await conversation.handle_action(third, "staff:ask")
    assert "✅" in received.text and "chưa chuyển được" not in received.text


async def test_the_bot_losing_its_rights_while_a_post_leaves_keeps_the_desk_down(
    conversation: Conversation, desk: Desk, room: FakeRoom, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The poster finds its rights back and posts; while that post is on its way Telegram
    says the bot was demoted again: the post going through does not undo that."""
    await desk.group_lost("the bot was removed from the group")
    await open_ticket(conversation)
    posting = room.post

    async def demoted_meanwhile(reply: Reply, **where: int | None) -> list[int]:
        posted = await posting(reply, **where)
        await desk.group_lost("the bot has no Manage topics right")
        return posted

    monkeypatch.setattr(room, "post", demoted_meanwhile)
    await desk.round()
    assert len(room.posts) == 1
    assert desk.unreachable == "the bot has no Manage topics right"


async def test_a_group_made_a_variant_by_button_leaves_unanswered_as_the_bot_now_answers_it(
    ward_files: Path, settings: Settings, store: Store, clock: Clock, tmp_path: Path
) -> None:
    """An admin presses ➕ under /unanswered: the bot reloads faq.yaml and answers that
    question from then on, so the next /unanswered no longer lists it (nor offers the same
    button again, which faq.yaml would refuse as a variant it has): only the ten groups the
    bot still cannot answer are shown."""
    ward = tmp_path / "ward"
    shutil.copytree(ward_files, ward)
    engine = Engine.open(ward / "faq.yaml", ward / "content", tmp_path / "engine", today=TODAY)
    try:
        settings = replace(settings, faq_file=ward / "faq.yaml", content_dir=ward / "content")

        async def reload() -> None:
            await asyncio.to_thread(engine.reload)

        editor = FaqEditor(settings.faq_file, tmp_path / "backups", reload)
        admin = admin_of(engine, store, settings, clock, editor=editor)
        conversation = Conversation(engine, store, settings, admin=admin, clock=clock)
        me = ChatRef("telegram", STAFF)
        asked = "thẻ bảo hiểm của bà tôi rách nát hết rồi xin cái mới được không"
        await conversation.handle_text(RESIDENT, asked)
        assert not (await engine.ask_async(asked)).answered
        [listing] = await conversation.handle_text(me, "/unanswered", sender=STAFF)
        [button] = [b for b in listing.buttons if b.label.startswith("1. ➕ ")]
        [done] = await conversation.handle_action(me, button.action, sender=STAFF)
        assert done.text.startswith("📝 Đã thêm")
        [answer] = await conversation.handle_text(OTHER, asked)  # answered at once
        assert answer.title == next(e.question for e in engine.corpus.faq if asked in e.variants)
        [listing] = await conversation.handle_text(me, "/unanswered", sender=STAFF)
        assert asked not in listing.text and listing.buttons == ()
        assert listing.text == msg.admin_unanswered(30, [], added=1)
    finally:
        engine.close()


# --- two officers answering one ticket ---------------------------------------------------


async def test_a_second_officers_answer_just_after_the_first_is_held_and_they_are_told(
    conversation: Conversation, desk: Desk, room: FakeRoom, store: Store, clock: Clock
) -> None:
    """Two officers reply to the same ticket within a minute, neither having seen the
    other's answer: the resident gets the first only, and the second officer is told so,
    with who answered, and that sending again sends it."""
    await posted_ticket(conversation, desk)
    [post] = room.posts
    first = staff("Dạ có, lớp bơi mở từ 1/6.", reply_to=post.message_id)
    assert await desk.on_staff_message(first) == []
    clock.now += 40
    second = staff(
        "Dạ phường có lớp bơi hè ạ.",
        reply_to=post.message_id,
        sender="9002",
        name="Minh",
        message_id=7002,
    )
    [told] = await desk.on_staff_message(second)
    assert "chưa được gửi" in told and "Lan" in told and "phiếu số 1" in told
    [queued] = await outbox(store)
    message = await desk.tickets.message(int(queued.ref))
    assert message is not None and message.text == "Dạ có, lớp bơi mở từ 1/6."
    # Sent again (a reply, or /r) after being told: it goes, as an addition.
    assert "/r #1 " in told
    # So it is after the resident's "ok" to the first: it asks nothing more.
    [third] = await conversation.handle_text(RESIDENT, "ok ạ")
    assert third.text == msg.acknowledged()
    other = staff("Có lớp ạ.", reply_to=post.message_id, sender="9003", message_id=7004)
    [held] = await desk.on_staff_message(other)
    assert "chưa được gửi" in held and "Lan" in held
    assert len(await outbox(store)) == 1
    again = staff(
        "/r #1 Dạ phường có lớp bơi hè ạ.",
        thread=post.thread_id,
        sender="9002",
        name="Minh",
        message_id=7003,
    )
    assert await desk.on_staff_message(again) == []
    assert len(await outbox(store)) == 2


async def test_an_officer_editing_their_held_answer_is_told_it_is_not_sent_either(
    conversation: Conversation, desk: Desk, room: FakeRoom, store: Store, clock: Clock
) -> None:
    """Minh's answer was held (Lan answered just before); Minh edits it, as staff edit an
    answer to correct it: nothing goes, and Minh is told so and how to send it, where the
    edit met silence and Minh took it for sent."""
    await posted_ticket(conversation, desk)
    [post] = room.posts
    await desk.on_staff_message(staff("Dạ có, lớp bơi mở từ 1/6.", reply_to=post.message_id))
    clock.now += 40
    held = staff(
        "Dạ có lớp ạ.", reply_to=post.message_id, sender="9002", name="Minh", message_id=7002
    )
    [told] = await desk.on_staff_message(held)
    assert told.startswith("⏸️")
    edited = replace(held, text="Dạ có lớp bơi hè ạ, đăng ký tại nhà văn hóa.")
    [note] = await desk.on_staff_edit(edited)
    assert note == msg.staff_held_edit_not_sent(1) and "/r #1 " in note
    assert len(await outbox(store)) == 1
    # Sent again as the notes say, it goes; an edit of it then corrects it as usual.
    again = staff("/r #1 Đăng ký tại nhà văn hóa.", sender="9002", name="Minh", message_id=7003)
    assert await desk.on_staff_message(again) == []
    assert len(await outbox(store)) == 2


async def test_a_resident_thanking_the_first_answer_does_not_let_a_second_through(
    conversation: Conversation, desk: Desk, room: FakeRoom, store: Store, clock: Clock
) -> None:
    """Lan answers; the resident says thanks at once (a courtesy: the ticket does not wait
    for staff again); Minh, not having seen Lan's answer, answers too. Held: the resident
    asked nothing more, and got two answers after saying thanks."""
    await posted_ticket(conversation, desk)
    [post] = room.posts
    await desk.on_staff_message(staff("Dạ có, lớp bơi mở từ 1/6.", reply_to=post.message_id))
    composer = Composer(lambda: desk.engine.corpus, store, kinds={"reply": desk.compose})
    await Sender(store, Pushed(), composer, on_done=desk.delivered, clock=clock).drain()
    clock.now += 20
    await conversation.handle_text(RESIDENT, "Dạ em cảm ơn ạ")
    ticket = await desk.tickets.get(1)
    assert ticket is not None and ticket.state == "answered"  # the thanks is no question
    clock.now += 20
    other = staff(
        "Dạ có lớp ạ.", reply_to=post.message_id, sender="9002", name="Minh", message_id=7002
    )
    [told] = await desk.on_staff_message(other)
    assert told.startswith("⏸️") and "chưa hỏi gì thêm" in told
    assert await outbox(store) == []
    # A question after the thanks: an answer to it is not held.
    await conversation.handle_text(RESIDENT, "Đăng ký ở đâu ạ?")
    clock.now += 10
    third = staff("Tại nhà văn hóa.", reply_to=post.message_id, sender="9003", message_id=7003)
    assert await desk.on_staff_message(third) == []
    assert len(await outbox(store)) == 1


async def test_two_officers_answering_at_the_same_moment_reach_the_resident_once(
    conversation: Conversation, desk: Desk, room: FakeRoom, store: Store
) -> None:
    """Handled concurrently (the staff group's updates are): still one answer."""
    await posted_ticket(conversation, desk)
    [post] = room.posts
    said = await asyncio.gather(
        desk.on_staff_message(staff("Dạ có ạ.", reply_to=post.message_id)),
        desk.on_staff_message(
            staff(
                "Có lớp ạ.", reply_to=post.message_id, sender="9002", name="Minh", message_id=7002
            )
        ),
    )
    assert len(await outbox(store)) == 1
    assert sorted(len(notes) for notes in said) == [0, 1]


async def test_an_answer_after_one_that_could_not_be_delivered_is_not_held(
    conversation: Conversation, desk: Desk, room: FakeRoom, store: Store, clock: Clock
) -> None:
    """The first officer's answer was refused by the platform (staff see a ⚠️ note): the
    resident has no answer, so a colleague's, a minute later, goes."""
    from wardbot.delivery import PermanentError

    await posted_ticket(conversation, desk)
    [post] = room.posts
    await desk.on_staff_message(staff("Dạ có ạ.", reply_to=post.message_id))
    channel = Pushed()
    channel.error = PermanentError("Bad Request: message is too long")
    composer = Composer(lambda: desk.engine.corpus, store, kinds={"reply": desk.compose})
    await Sender(store, channel, composer, on_done=desk.delivered, clock=clock).drain()
    clock.now += 60
    other = staff("Dạ có lớp bơi ạ.", reply_to=post.message_id, sender="9002", message_id=7002)
    assert await desk.on_staff_message(other) == []
    [queued] = await outbox(store)
    message = await desk.tickets.message(int(queued.ref))
    assert message is not None and message.text == "Dạ có lớp bơi ạ."


async def test_an_officer_answering_after_the_resident_wrote_again_or_later_is_not_held(
    conversation: Conversation, desk: Desk, room: FakeRoom, store: Store, clock: Clock
) -> None:
    """Not a clash: the same officer's second message, another officer's answer to what
    the resident wrote since, or one long after the first answer."""
    await posted_ticket(conversation, desk)
    [post] = room.posts
    await desk.on_staff_message(staff("Dạ có ạ.", reply_to=post.message_id))
    clock.now += 10
    await desk.on_staff_message(staff("Mở từ 1/6.", reply_to=post.message_id, message_id=7002))
    assert len(await outbox(store)) == 2
    await conversation.handle_text(RESIDENT, "Đăng ký ở đâu ạ?")
    clock.now += 10
    other = staff("Tại nhà văn hóa.", reply_to=post.message_id, sender="9002", message_id=7003)
    assert await desk.on_staff_message(other) == []
    clock.now += 3600
    late = staff("Bổ sung: mang ảnh.", reply_to=post.message_id, message_id=7004)
    assert await desk.on_staff_message(late) == []
    assert len(await outbox(store)) == 4


# --- /undo: an edit of faq.yaml made by mistake ---------------------------------------------


async def test_undo_takes_a_variant_added_by_mistake_back_byte_for_byte(
    conversation: Conversation, desk: Desk, room: FakeRoom, staff_files: tuple[Path, Reloads]
) -> None:
    """➕ pressed on the wrong guess: /undo in the group puts faq.yaml back as it was,
    comments and all, reloads the bot, and says what it took back. Only an admin may."""
    faq, reloads = staff_files
    faq.write_text("# Hỏi đáp của phường\n" + faq.read_text(encoding="utf-8"), encoding="utf-8")
    before = faq.read_bytes()
    question = "thẻ bảo hiểm của bà tôi rách nát hết rồi xin cái mới được không"
    await open_ticket(conversation, text=question)
    await desk.post_pending()
    button = next(b for b in room.posts[0].reply.buttons if "Mất thẻ bảo hiểm y tế" in b.label)
    [added] = await desk.on_staff_action(STAFF, button.action)
    assert "/undo" in added and faq.read_bytes() != before
    thread = room.posts[0].thread_id
    [refused] = await desk.on_staff_message(staff("/undo", thread=thread, sender="12345"))
    assert refused == msg.staff_admin_only("telegram:12345")
    assert question in variants_of(faq, "bhyt-mat-the")
    [undone] = await desk.on_staff_message(staff("/undo", thread=thread, message_id=7002))
    assert undone.startswith("↩️ Đã hoàn tác") and question in undone and "bhyt-mat-the" in undone
    assert faq.read_bytes() == before and reloads.count == 2
    # Nothing more to undo; the right button still works.
    [again] = await desk.on_staff_message(staff("/undo", thread=thread, message_id=7003))
    assert again.startswith("Không hoàn tác được:")
    assert faq.read_bytes() == before and reloads.count == 2


async def test_undo_of_a_new_entry_from_a_private_chat(
    conversation: Conversation, desk: Desk, room: FakeRoom, staff_files: tuple[Path, Reloads]
) -> None:
    faq, reloads = staff_files
    before = faq.read_bytes()
    me = ChatRef("telegram", STAFF)
    await posted_ticket(conversation, desk)
    await desk.on_staff_message(staff("Dạ không có gì ạ.", reply_to=room.posts[0].message_id))
    [added] = await conversation.handle_text(me, "/newfaq 1", sender=STAFF)
    new_id = load_faq(faq).faq[-1].id
    assert added.text.startswith("📝 Đã thêm mục mới") and "/undo" in added.text
    [refused] = await conversation.handle_text(RESIDENT, "/undo", sender="u-77")
    assert "/undo" not in refused.text and load_faq(faq).faq[-1].id == new_id
    [undone] = await conversation.handle_text(me, "/undo", sender=STAFF)
    assert undone.text.startswith("↩️ Đã hoàn tác") and new_id in undone.text
    assert faq.read_bytes() == before and reloads.count == 2


async def test_an_anonymous_admins_undo_is_told_to_type_it_in_private_not_to_press_a_button(
    conversation: Conversation, desk: Desk, room: FakeRoom, staff_files: tuple[Path, Reloads]
) -> None:
    """/undo written "as the group": who asks is unknown. The note said to press the button
    under the ticket's post, which adds to faq.yaml rather than undoing."""
    faq, _ = staff_files
    await posted_ticket(conversation, desk)
    thread = room.posts[0].thread_id
    await desk.on_staff_message(staff("/variant hoc-bong-khuyen-hoc", thread=thread))
    edited = faq.read_bytes()
    anonymous = replace(
        staff("/undo", thread=thread, sender="", name="", message_id=7002), anonymous=True
    )
    [told] = await desk.on_staff_message(anonymous)
    assert told == msg.staff_anonymous(undo=True)
    assert "/undo trong chat riêng" in told and "bấm nút" not in told and "/newfaq" not in told
    assert faq.read_bytes() == edited


async def two_edits(
    conversation: Conversation, desk: Desk, room: FakeRoom, staff_files: tuple[Path, Reloads]
) -> tuple[int | None, bytes]:
    """Lan's /variant on RESIDENT's ticket, then Minh's /newfaq on OTHER's: the first
    ticket's topic, and faq.yaml as the first edit left it."""
    faq, _ = staff_files
    await posted_ticket(conversation, desk)
    first = room.posts[0].thread_id
    await desk.on_staff_message(staff("/variant hoc-bong-khuyen-hoc", thread=first))
    after_first = faq.read_bytes()
    await open_ticket(conversation, OTHER, "phường có cho mượn loa đài không")
    await desk.post_pending()
    second = room.posts[-1]
    await desk.on_staff_message(staff("Dạ có ạ.", reply_to=second.message_id, message_id=7002))
    await desk.on_staff_message(staff("/newfaq", thread=second.thread_id, message_id=7003))
    return first, after_first


async def test_two_edits_in_a_row_are_undone_the_latest_first_then_the_one_before(
    conversation: Conversation, desk: Desk, room: FakeRoom, staff_files: tuple[Path, Reloads]
) -> None:
    """Lan's /variant, then Minh's /newfaq on another ticket, a minute apart: Lan's /undo
    takes Minh's back (the latest, named), and says /undo again takes back the one before;
    it does, where before it said there was no edit to undo and Lan's stayed."""
    faq, reloads = staff_files
    before = faq.read_bytes()
    first, after_first = await two_edits(conversation, desk, room, staff_files)
    second = room.posts[-1]
    [undone] = await desk.on_staff_message(staff("/undo", thread=first, message_id=7004))
    assert "loa đài" in undone and "/undo lần nữa" in undone
    assert faq.read_bytes() == after_first
    [again] = await desk.on_staff_message(staff("/undo", thread=first, message_id=7005))
    assert again.startswith("↩️ Đã hoàn tác") and "hoc-bong-khuyen-hoc" in again
    assert "/undo lần nữa" not in again
    assert faq.read_bytes() == before and reloads.count == 4
    [nothing] = await desk.on_staff_message(staff("/undo", thread=first, message_id=7006))
    assert nothing.startswith("Không hoàn tác được:") and faq.read_bytes() == before
    # faq.yaml edited by hand between two edits: the one before is not offered to undo.
    await desk.on_staff_message(staff("/variant hoc-bong-khuyen-hoc", thread=first))
    faq.write_bytes(faq.read_bytes() + b"# ghi ch\xc3\xba\n")
    await desk.on_staff_message(staff("/newfaq", thread=second.thread_id, message_id=7007))
    [undone] = await desk.on_staff_message(staff("/undo", thread=first, message_id=7008))
    assert undone.startswith("↩️ Đã hoàn tác") and "/undo lần nữa" not in undone


async def test_undo_never_overwrites_a_later_change_nor_comes_late(
    conversation: Conversation,
    desk: Desk,
    room: FakeRoom,
    staff_files: tuple[Path, Reloads],
    clock: Clock,
) -> None:
    """faq.yaml edited by hand after the ➕: /undo refuses rather than lose that edit; and
    past the window it refuses too, saying how to do it by hand."""
    faq, reloads = staff_files
    await posted_ticket(conversation, desk)
    thread = room.posts[0].thread_id
    await desk.on_staff_message(staff("/variant hoc-bong-khuyen-hoc", thread=thread))
    edited = faq.read_text(encoding="utf-8") + "\n# ghi chú của cán bộ\n"
    faq.write_text(edited, encoding="utf-8")
    [refused] = await desk.on_staff_message(staff("/undo", thread=thread, message_id=7002))
    assert refused.startswith("Không hoàn tác được:") and "sửa tay" in refused
    assert faq.read_text(encoding="utf-8") == edited and reloads.count == 1
    faq.write_text(edited.removesuffix("\n# ghi chú của cán bộ\n"), encoding="utf-8")
    clock.now += 31 * 60
    [late] = await desk.on_staff_message(staff("/undo", thread=thread, message_id=7003))
    assert late.startswith("Không hoàn tác được:") and "30 phút" in late
    assert UNKNOWN in variants_of(faq, "hoc-bong-khuyen-hoc") and reloads.count == 1


async def test_undo_works_after_a_restart_with_the_same_guarantees(
    conversation: Conversation,
    desk: Desk,
    room: FakeRoom,
    staff_files: tuple[Path, Reloads],
    clock: Clock,
    tmp_path: Path,
) -> None:
    """➕ pressed by mistake, then the bot restarted (an update, a power cut) a minute
    later: /undo still takes the edit back byte for byte, the one before it too, where it
    said there was nothing to undo. What it keeps for that (in the data folder) goes once
    undone or 30 minutes on; a change made by hand since is still never overwritten."""
    faq, _ = staff_files
    before = faq.read_bytes()
    data = tmp_path / "data"
    thread, after_first = await two_edits(conversation, desk, room, staff_files)

    def restarted() -> FaqEditor:
        clock.now += 60
        desk.editor = FaqEditor(faq, data, _no_reload, clock=clock)
        return desk.editor

    restarted()
    [undone] = await desk.on_staff_message(staff("/undo", thread=thread, message_id=7013))
    assert undone.startswith("↩️ Đã hoàn tác") and "loa đài" in undone
    assert "/undo lần nữa" in undone and faq.read_bytes() == after_first
    restarted()
    [again] = await desk.on_staff_message(staff("/undo", thread=thread, message_id=7014))
    assert "hoc-bong-khuyen-hoc" in again and faq.read_bytes() == before
    assert not list(data.glob("*undo*"))  # nothing left to undo: nothing kept
    restarted()
    [nothing] = await desk.on_staff_message(staff("/undo", thread=thread, message_id=7015))
    assert nothing == msg.faq_undo_failed(msg.FAQ_UNDO_NOTHING)
    # Changed by hand after the edit: refused after a restart as before it.
    await desk.on_staff_message(staff("/variant hoc-bong-khuyen-hoc", thread=thread))
    edited = faq.read_text(encoding="utf-8") + "\n# ghi chú của cán bộ\n"
    faq.write_text(edited, encoding="utf-8")
    restarted()
    [refused] = await desk.on_staff_message(staff("/undo", thread=thread, message_id=7016))
    assert refused.startswith("Không hoàn tác được:") and "sửa tay" in refused
    assert faq.read_text(encoding="utf-8") == edited
    # 30 minutes on, what undo needed is gone from the data folder.
    clock.now += 30 * 60
    restarted()
    assert not list(data.glob("*undo*"))
    [late] = await desk.on_staff_message(staff("/undo", thread=thread, message_id=7017))
    assert late.startswith("Không hoàn tác được:") and faq.read_text(encoding="utf-8") == edited
    # A journal a disk fault damaged: nothing to undo, said so, and the bot goes on.
    (data / "faq.undo.json").write_bytes(b'{"edits": [{"at": "h')
    restarted()
    [damaged] = await desk.on_staff_message(staff("/undo", thread=thread, message_id=7018))
    assert damaged == msg.faq_undo_failed(msg.FAQ_UNDO_NOTHING)


# --- retention without a question log ------------------------------------------------------


async def run_retention_until(
    store: Store, settings: Settings, desk: Desk, done: Callable[[], bool]
) -> None:
    """The retention job `bot.py run` starts (wardbot.app), on the desk's clock, until
    `done()` shows its first pass over."""
    stop = asyncio.Event()
    retention = retention_task(store, settings, Restarts(), desk)
    running = asyncio.create_task(retention.run(stop))
    try:
        for _ in range(500):
            if done():
                break
            await asyncio.sleep(0.01)
    finally:
        stop.set()
        await running
    assert done()


async def test_without_a_question_log_a_ticket_waiting_over_the_weekend_reaches_staff_monday(
    conversation: Conversation,
    desk: Desk,
    room: FakeRoom,
    store: Store,
    settings: Settings,
    clock: Clock,
) -> None:
    """QUESTION_LOG_DAYS=0: a question passed to staff on Friday afternoon, told "staff
    answer from Monday 7:30". Before, the retention job deleted the ticket (and its topic)
    on Saturday, a day after: staff found nothing on Monday and the resident never got an
    answer. A ticket answered and quiet for a day still goes."""
    clock.now = MONDAY_9AM + 4 * DAY + 7 * 3600  # Friday 16:00
    await posted_ticket(conversation, desk)
    await open_ticket(conversation, OTHER, "phường có cho mượn loa đài không")
    await desk.post_pending()
    waiting, answered = room.posts
    await desk.on_staff_message(staff("Dạ có ạ.", reply_to=answered.message_id))
    composer = Composer(lambda: desk.engine.corpus, store, kinds={"reply": desk.compose})
    await Sender(store, Pushed("telegram"), composer, on_done=desk.delivered, clock=clock).drain()
    no_log = replace(settings, question_log_days=0)
    clock.now += 3 * DAY - 7 * 3600  # Monday 9:00
    await run_retention_until(store, no_log, desk, lambda: bool(room.deleted_topics))
    assert room.deleted_topics == [answered.thread_id]  # answered, and quiet for days
    ticket = await desk.tickets.get(1)
    assert ticket is not None and ticket.state == "open" and waiting.thread_id in room.topics
    answer = staff("Dạ có lớp bơi.", reply_to=waiting.message_id, message_id=7002)
    assert await desk.on_staff_message(answer) == []
    assert [item.chat for item in await outbox(store)] == [RESIDENT]
    # The answer waits for Zalo, down for days: kept, while another ticket answered that
    # Monday goes; but not for ever.
    await open_ticket(conversation, OTHER, "phường có cho mượn bàn ghế không")
    await desk.post_pending()
    await desk.on_staff_message(
        staff("Dạ có.", reply_to=room.posts[-1].message_id, message_id=7003)
    )
    await Sender(store, Pushed("telegram"), composer, on_done=desk.delivered, clock=clock).drain()
    clock.now += 13 * DAY
    await run_retention_until(store, no_log, desk, lambda: len(room.deleted_topics) == 2)
    assert await desk.tickets.get(1) is not None and waiting.thread_id in room.topics
    clock.now += 2 * DAY
    await run_retention_until(store, no_log, desk, lambda: len(room.deleted_topics) == 3)
    assert await desk.tickets.get(1) is None


async def test_more_from_a_resident_whose_question_still_waits_after_the_holidays_reaches_staff(
    ward_engine: Engine, store: Store, settings: Settings, room: FakeRoom, clock: Clock
) -> None:
    """Asked on Monday evening before two days off, the resident is told staff answer from
    Thursday 7:30. On Thursday evening, no answer yet, they write more and ask again.
    Before, the ticket was taken as over after three quiet days: the bot said it knew
    nothing of what they added, and '/hoicanbo' opened a second ticket for staff. Both now
    go to ticket 1's topic; two weeks unanswered, the next question is the bot's again."""
    hours = replace(settings.office_hours, closed=Closures.parse("1/12, 2/12"))
    settings = replace(settings, office_hours=hours)
    desk = Desk(TicketBook(store), settings, ward_engine, clock=clock)
    desk.room = room
    conversation = Conversation(ward_engine, store, settings, desk=desk, clock=clock)
    clock.now = MONDAY_9AM + 8 * 3600  # Monday 17:00, Tuesday and Wednesday off
    await posted_ticket(conversation, desk)
    clock.now += 3 * DAY + 3600  # Thursday 18:00
    for more in ("em bổ sung: nhà em ở tổ 5, cháu 8 tuổi", "/hoicanbo sao chưa thấy trả lời ạ"):
        [said] = await conversation.handle_text(RESIDENT, more)
        assert said.text == msg.ticket_follow_up(WARD_NAME, 1)
    await desk.post_pending()
    first, *more_posts = room.posts
    assert [post.thread_id for post in more_posts] == [first.thread_id] * 2
    assert await desk.tickets.get(2) is None

    clock.now += 15 * DAY
    await open_ticket(conversation, text="phường có cho mượn loa đài không")


async def test_a_forwarded_question_becomes_a_variant_in_the_residents_words_not_the_mark(
    conversation: Conversation, desk: Desk, room: FakeRoom, staff_files: tuple[Path, Reloads]
) -> None:
    """A message forwarded as the question staff awaited reaches them marked as forwarded;
    made a way of asking an entry, faq.yaml (public, matched against every question) gets
    the forwarded words alone, not the mark staff read."""
    faq, _ = staff_files
    question = "thẻ bảo hiểm của bà tôi rách nát hết rồi xin cái mới được không"
    await conversation.handle_text(RESIDENT, "/hoicanbo")
    [received] = await conversation.handle_text(RESIDENT, question, forwarded=True)
    assert "phiếu số 1" in received.text
    await desk.post_pending()
    [post] = room.posts
    assert "Tin chuyển tiếp" in post.reply.text  # staff know whose words these are
    button = next(b for b in post.reply.buttons if "Mất thẻ bảo hiểm y tế" in b.label)
    said = await desk.on_staff_action(STAFF, button.action)
    assert said == [msg.faq_variant_added("bhyt-mat-the", question)]
    assert question in variants_of(faq, "bhyt-mat-the")
    assert not any("chuyển tiếp" in v for v in variants_of(faq, "bhyt-mat-the"))


async def test_a_forwarded_question_becomes_a_new_entry_in_the_forwarded_words(
    conversation: Conversation, desk: Desk, room: FakeRoom, staff_files: tuple[Path, Reloads]
) -> None:
    faq, _ = staff_files
    await conversation.handle_text(RESIDENT, "/hoicanbo")
    await conversation.handle_text(RESIDENT, UNKNOWN, forwarded=True)
    await desk.post_pending()
    answer = "Dạ, hè này phường mở lớp bơi miễn phí tại nhà văn hóa, đăng ký ở bộ phận một cửa."
    await desk.on_staff_message(staff(answer, reply_to=room.posts[0].message_id))
    [said] = await desk.on_staff_action(STAFF, "tn:1")
    entry = load_faq(faq).faq[-1]
    assert entry.question == UNKNOWN
    assert said == msg.faq_entry_added(entry.id, UNKNOWN, answer)


async def test_a_ticket_opened_by_a_forwarded_message_is_named_and_guessed_by_its_words(
    conversation: Conversation, desk: Desk, room: FakeRoom, ward_engine: Engine
) -> None:
    """The question awaited by staff comes as a forwarded message: its topic is named by
    the forwarded words (staff scan topics by them), not by the mark every forwarded
    ticket starts with; the FAQ entries the bot guesses are those the forwarded words
    find. The post itself still reads as forwarded."""
    words = "học bổng năm nay tăng lên 2 triệu"
    await conversation.handle_text(RESIDENT, "/hoicanbo")
    await conversation.handle_text(RESIDENT, words, forwarded=True)
    await desk.post_pending()
    [name] = room.topics.values()
    assert name == msg.ticket_topic_name(1, "zalo", words)
    [post] = room.posts
    assert msg.forwarded_for_staff(words) in post.reply.text
    found = [f"{hit.title} ({hit.id})" for hit in ward_engine.ask(words).results[:3]]
    assert found and "\n".join(f"{n}. {g}" for n, g in enumerate(found, 1)) in post.reply.text


async def test_an_edit_of_one_message_of_a_question_sent_in_two_reaches_staff_as_it_now_reads(
    conversation: Conversation, desk: Desk, room: FakeRoom
) -> None:
    """The resident asked in two messages on Telegram (the question, then their name under
    the offer: one question for staff), then edits one of them: staff get the question
    as it now reads, both parts, the edited one in its new words, marked as corrected;
    not the edited message alone, which would lose the other half. Editing the other
    part next keeps the first edit."""
    chat = ChatRef("telegram", "5252")
    name = "tên em là Nguyễn Văn An, sđt 0912 345 678"
    await conversation.handle_text(replace(chat, message="11"), UNKNOWN)
    [again] = await conversation.handle_text(replace(chat, message="12"), name)
    assert ask_button(again)
    await conversation.handle_action(chat, "staff:ask")
    await desk.post_pending()
    [thread] = room.topics

    fixed = UNKNOWN.replace("trẻ em", "người cao tuổi")
    told = await conversation.correction(replace(chat, message="11"), fixed)
    assert told is not None and [r.text for r in told] == [msg.ticket_correction(WARD_NAME, 1)]
    await desk.post_pending()
    first, correction = room.in_thread(thread)
    assert correction.reply.text == msg.ticket_correction_post(
        1, f"{UNKNOWN}\n{name}", f"{fixed}\n{name}"
    )
    assert correction.reply_to == first.message_id

    renamed = "tên em là Nguyễn Văn Bình, sđt 0912 345 678"
    await conversation.correction(replace(chat, message="12"), renamed)
    await desk.post_pending()
    *_, latest = room.in_thread(thread)
    assert latest.reply.text == msg.ticket_correction_post(
        1, f"{fixed}\n{name}", f"{fixed}\n{renamed}"
    )
    # The same words again (only their formatting changed): nothing to pass on.
    assert await conversation.correction(replace(chat, message="11"), fixed) == []
