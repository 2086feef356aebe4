"""The staff group through the real python-telegram-bot Application (handlers.telegram_staff)
against the fake Bot API on 127.0.0.1: a resident on Telegram, a forum group of staff, the
desk on an injected clock (retention and retries without waiting for them)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from typing import Any

import pytest
from chat_ward import EXAMPLE, WARD_NAME
from fakes.telegram_api import Call, FakeBotApi, visible_text
from test_desk import DAY, Clock
from test_staff_e2e import eventually

from handlers.telegram import TelegramChannel
from handlers.telegram_staff import StaffHandlers, TelegramStaffRoom
from wardbot import messages as msg
from wardbot.config import Secret, Settings
from wardbot.conversation import Conversation
from wardbot.delivery import REPLY_RETRY
from wardbot.desk import Desk
from wardbot.desk.room import GroupUnreachable, StaffMessage
from wardbot.desk.staff import HINT_AGAIN
from wardbot.engine import Engine
from wardbot.store import Store
from wardbot.tickets import TicketBook

STAFF_GROUP = -1001234567
OLD_GROUP = -1009876543  # the group the ward used before turning Topics on
RESIDENT = 901
NEIGHBOUR = 902
OFFICER = 9001
QUESTION = "phường có lớp dạy bơi miễn phí cho trẻ em trong hè không"


async def _no_wait(_seconds: float) -> None:
    await asyncio.sleep(0)


NO_WAIT = replace(REPLY_RETRY, sleep=_no_wait)  # notes to staff retried without waiting


def desk_reply(text: str, reply_to: int) -> StaffMessage:
    """An officer's reply (Telegram's Reply) to the bot's message `reply_to`."""
    return StaffMessage(reply_to + 1000, text, str(OFFICER), "Lan", reply_to=reply_to)


async def ticket_posted(api: FakeBotApi, desk: Desk) -> tuple[int, Call]:
    """The resident asks for staff: the ticket's topic, and the bot's post in it."""
    await api.say(RESIDENT, f"/hoicanbo {QUESTION}")
    await desk.post_pending()
    thread = api.topic_named(STAFF_GROUP, "#1 · Telegram")
    [ticket_post] = api.sent_in_thread(STAFF_GROUP, thread)
    return thread, ticket_post


def admins_told(desk: Desk) -> list[str]:
    """What admins are told of the staff group from now on: 'lost', 'back', or the text
    of a note (Alerts.tell_admins_once), in order."""
    told: list[str] = []

    async def tell(what: str) -> None:
        told.append(what)

    async def note(key: str, text: str) -> None:
        told.append(text)

    desk.tell_lost = lambda: tell("lost")
    desk.tell_back = lambda: tell("back")
    desk.tell_admins = note
    return told


async def relayed(desk: Desk, within: float = 10.0) -> list[str]:
    """The staff answers queued for residents on Telegram, as they will read them, once
    one is (this harness runs no alert sender)."""
    deadline = asyncio.get_running_loop().time() + within
    while asyncio.get_running_loop().time() < deadline:
        items = await desk.tickets.store.due("telegram", 1e12)
        if items:
            return [reply.text for item in items for reply in await desk.compose(item) or []]
        await asyncio.sleep(0.05)
    raise AssertionError("no staff answer relayed")


@dataclass
class Staffed:
    api: FakeBotApi
    desk: Desk
    clock: Clock


@contextlib.asynccontextmanager
async def staffed(
    api: FakeBotApi,
    engine: Engine,
    settings: Settings,
    *,
    group: int = STAFF_GROUP,
    forum: bool = True,
) -> AsyncIterator[Staffed]:
    """The Telegram channel with the staff desk wired in as `bot.py run` does."""
    settings = replace(
        settings,
        telegram_token=Secret(api.token),
        telegram_base_url=api.base_url,
        staff_chat_id=group,
        admin_ids=frozenset({f"telegram:{OFFICER}"}),
    )
    api.staff_group(group, forum=forum)
    clock = Clock()
    async with await Store.open(settings.data_dir / "bot.sqlite3") as store:
        desk = Desk(TicketBook(store), settings, engine, clock=clock)
        conversation = Conversation(engine, store, settings, desk=desk, clock=clock)
        channel = TelegramChannel(settings, conversation, poll_timeout=1)
        desk.room = TelegramStaffRoom(channel.application, group)
        StaffHandlers(desk, desk.room, reply_retry=NO_WAIT).install(channel.application)
        await desk.follow_kept()
        await channel.start()
        try:
            yield Staffed(api, desk, clock)
        finally:
            await channel.stop()


async def test_retention_deletes_the_topic_once_telegram_lets_it_and_answers_in_it_are_refused(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    async with FakeBotApi() as api, staffed(api, ward_engine, ward_settings) as staff:
        (received,) = await api.say(RESIDENT, f"/hoicanbo {QUESTION}")
        assert "phiếu số 1" in visible_text(received.text)
        await staff.desk.post_pending()
        thread = api.topic_named(STAFF_GROUP, "#1 · Telegram")
        [ticket_post] = api.sent_in_thread(STAFF_GROUP, thread)

        # Quiet for QUESTION_LOG_DAYS: retention, while Telegram refuses to delete.
        api.fail("deleteForumTopic", 500, times=None, description="Internal Server Error")
        staff.clock.now += 91 * DAY
        assert await staff.desk.purge(staff.clock.now - 90 * DAY) == 1
        assert thread in api.topics[STAFF_GROUP]

        # An officer answers in the topic left behind: told, not left wondering.
        mark = len(api.calls)
        api.send_text(STAFF_GROUP, "Dạ có ạ.", group=True, user_id=OFFICER, reply_to=ticket_post)
        (told,) = await api.replies(STAFF_GROUP, since=mark, within=10)
        assert visible_text(told.text) == msg.staff_ticket_gone(1)
        assert api.sent(RESIDENT, since=mark) == []

        # Telegram works again: the topic goes at the next try.
        api.recover("deleteForumTopic")
        staff.clock.now += 61
        await staff.desk.withdraw_due()
        assert thread in api.deleted_topics[STAFF_GROUP]
        assert await staff.desk.tickets.due_withdrawals(1e12) == []


async def test_a_topic_staff_deleted_first_is_not_tried_again(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    async with FakeBotApi() as api, staffed(api, ward_engine, ward_settings) as staff:
        await api.say(RESIDENT, f"/hoicanbo {QUESTION}")
        await staff.desk.post_pending()
        thread = api.topic_named(STAFF_GROUP, "#1 · Telegram")
        api._drop_topic(STAFF_GROUP, thread)  # an officer deleted the topic by hand
        (done,) = await api.say(RESIDENT, "/forget")
        assert visible_text(done.text) == msg.forget_done()
        assert [c.status for c in api.of("deleteForumTopic")] == [400]  # TOPIC_ID_INVALID
        assert await staff.desk.tickets.due_withdrawals(1e12) == []


@pytest.mark.parametrize("still_member", [True, False])
async def test_after_a_move_to_a_new_staff_group_old_posts_are_deleted_in_the_old_one_only(
    ward_engine: Engine,
    ward_settings: Settings,
    caplog: pytest.LogCaptureFixture,
    still_member: bool,
) -> None:
    """STAFF_CHAT_ID now names a new group: retention deletes a ticket posted in the old
    group there, while the bot is still a member; out of it, the deletion is given up at
    once with one line in the log. Nothing is deleted in the new group by the old ids."""
    async with FakeBotApi() as api:
        async with staffed(api, ward_engine, ward_settings, group=OLD_GROUP, forum=False) as old:
            await api.say(RESIDENT, f"/hoicanbo {QUESTION}")
            await old.desk.post_pending()
            old_posts = [(OLD_GROUP, c.result["message_id"]) for c in api.sent(OLD_GROUP)]
            assert len(old_posts) == 1
        if not still_member:
            del api._chats[OLD_GROUP]  # the bot left the old group: "chat not found"
        async with staffed(api, ward_engine, ward_settings) as staff:
            staff.clock.now += 60 * DAY
            await api.say(NEIGHBOUR, "/hoicanbo phường có cho mượn loa đài không")
            await staff.desk.post_pending()
            thread = api.topic_named(STAFF_GROUP, "#2 · Telegram")
            staff.clock.now += 31 * DAY
            with caplog.at_level(logging.WARNING, logger="wardbot.desk"):
                assert await staff.desk.purge(staff.clock.now - 90 * DAY) == 1
            deletes = [c for c in api.calls if c.method in ("deleteMessage", "deleteForumTopic")]
            assert [c.chat_id for c in deletes] == [OLD_GROUP]
            assert api.deleted_messages == (old_posts if still_member else [])
            assert thread in api.topics[STAFF_GROUP]
            assert await staff.desk.tickets.due_withdrawals(1e12) == []
            left = [r for r in caplog.records if "cannot reach" in r.getMessage()]
            assert len(left) == (0 if still_member else 1)


async def test_a_long_message_for_staff_is_posted_whole_in_parts_and_a_reply_to_any_part_answers(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    """A resident who writes staff at length (longer than a question for the bot, up to a
    Telegram message) is not told to be brief: the staff group gets every word, over as
    many messages as it takes, and a reply to any of them answers the ticket."""
    facts = [
        f"Ý {n}: nhà số {n} hẻm 5 & 7 <khu phố 3> chưa được cấp sổ hồng." for n in range(1, 65)
    ]
    question = f"{QUESTION}? " + " ".join(facts)
    assert 3500 < len(question) <= 4096
    more = "Bổ sung: " + " ".join(reversed(facts))[:3000]
    async with (
        FakeBotApi() as api,
        staffed(api, ward_engine, ward_settings, forum=False) as staff,
    ):
        (asked,) = await api.say(RESIDENT, "/hoicanbo")
        assert visible_text(asked.text).startswith("Dạ, anh/chị vui lòng nhắn điều cần hỏi")
        (received,) = await api.say(RESIDENT, question)
        assert "phiếu số 1" in visible_text(received.text)
        (added,) = await api.say(RESIDENT, more)
        assert visible_text(added.text) == msg.ticket_follow_up(WARD_NAME, 1)
        await staff.desk.post_pending()
        posts = api.sent(STAFF_GROUP)
        assert len(posts) > 2  # each message did not fit in one
        shown = " ".join(" ".join(visible_text(post.text) for post in posts).split())
        assert " ".join(question.split()) in shown and " ".join(more.split()) in shown
        for number, post in enumerate(posts):
            answer = f"Dạ, phường đã nhận hồ sơ ({number})."
            said = desk_reply(answer, post.result["message_id"])
            assert await staff.desk.on_staff_message(said) == []
            ticket = await staff.desk.tickets.messages(1)
            assert ticket[-1].author == "staff" and ticket[-1].text == answer


async def test_an_anonymous_admin_answering_as_the_group_reaches_the_resident(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    """An administrator of the staff group with "Remain anonymous" on writes as the group
    (Telegram's stand-in bot as the sender): the answer is the ward's, relayed and signed
    by the ward, even with STAFF_SIGNATURE=name. Editing faq.yaml needs to know who asks:
    they are told how, not left wondering."""
    settings = replace(ward_settings, staff_signature="name")
    async with FakeBotApi() as api, staffed(api, ward_engine, settings) as staff:
        thread, ticket_post = await ticket_posted(api, staff.desk)

        api.send_text(
            STAFF_GROUP, "Dạ có ạ, từ 1/6.", group=True, reply_to=ticket_post, as_group=True
        )
        [*_, answer] = await wait_for(lambda: staff.desk.tickets.messages(1), 2)
        assert (answer.author, answer.text, answer.signer) == ("staff", "Dạ có ạ, từ 1/6.", None)

        mark = len(api.calls)
        api.send_text(STAFF_GROUP, "/newfaq", group=True, thread_id=thread, as_group=True)
        (told,) = await api.replies(STAFF_GROUP, since=mark, within=10)
        assert visible_text(told.text) == msg.staff_anonymous()

        mark = len(api.calls)
        api.send_text(STAFF_GROUP, "/close", group=True, thread_id=thread, as_group=True)
        (closed,) = await api.replies(STAFF_GROUP, since=mark, within=10)
        assert visible_text(closed.text) == msg.ticket_closed(1)


async def test_an_officer_answering_as_a_channel_reaches_the_resident(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    """A member of the staff group who runs a channel may pick it in Telegram's "send as"
    menu: the message comes from that channel (another stand-in bot as the sender). Their
    answer is relayed as an anonymous administrator's is, signed by the ward; editing
    faq.yaml is refused saying why and what to do. A linked channel's own post, which
    Telegram copies into the group by itself, is no one's answer: nothing is said."""
    settings = replace(ward_settings, staff_signature="name")
    async with FakeBotApi() as api, staffed(api, ward_engine, settings) as staff:
        thread, ticket_post = await ticket_posted(api, staff.desk)

        api.send_text(
            STAFF_GROUP, "Dạ có ạ, từ 1/6.", group=True, reply_to=ticket_post, as_channel=-1005550
        )
        [*_, answer] = await wait_for(lambda: staff.desk.tickets.messages(1), 2)
        assert (answer.author, answer.text, answer.signer) == ("staff", "Dạ có ạ, từ 1/6.", None)

        mark = len(api.calls)
        api.send_text(STAFF_GROUP, "/newfaq", group=True, thread_id=thread, as_channel=-1005550)
        (told,) = await api.replies(STAFF_GROUP, since=mark, within=10)
        assert visible_text(told.text) == msg.staff_anonymous(channel=True)
        assert "tên kênh" in visible_text(told.text)

        mark = len(api.calls)
        api.send_text(
            STAFF_GROUP,
            "Thông báo lịch tiếp dân tháng 12",
            group=True,
            privacy=False,
            as_channel=-1005550,
            automatic_forward=True,
        )
        api.send_text(STAFF_GROUP, "/close", group=True, thread_id=thread, as_channel=-1005550)
        (closed,) = await api.replies(STAFF_GROUP, since=mark, within=10)
        assert visible_text(closed.text) == msg.ticket_closed(1)  # the forward: no word


async def wait_for(read, count: int, within: float = 10.0):  # type: ignore[no-untyped-def]
    """What `read()` returns once it holds `count` items (the bot handles updates apart)."""
    for _ in range(int(within / 0.05)):
        found = await read()
        if len(found) >= count:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"never {count}: {found}")


async def test_an_officer_editing_an_answer_in_the_group_corrects_it_for_the_resident(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    async with FakeBotApi() as api, staffed(api, ward_engine, ward_settings) as staff:
        _, ticket_post = await ticket_posted(api, staff.desk)
        answer = api.send_text(
            STAFF_GROUP, "Dạ có, từ 1/5.", group=True, user_id=OFFICER, reply_to=ticket_post
        )
        await wait_for(lambda: staff.desk.tickets.messages(1), 2)
        api.edit_text(answer, "Dạ có, từ 1/6.")
        [*_, corrected] = await wait_for(
            lambda: _texts(staff.desk.tickets.messages(1), "Dạ có, từ 1/6."), 1
        )
        assert corrected.author == "staff"


async def _texts(read, text: str):  # type: ignore[no-untyped-def]
    return [m for m in await read if m.text == text]


async def test_a_photo_sent_as_an_answer_is_not_lost_silently(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    """Residents get text only: an officer replying to a ticket with a photo or a file (a
    form's scan, with a caption) is told it did not reach the resident, and nothing half
    (the caption without its photo) is sent."""
    async with FakeBotApi() as api, staffed(api, ward_engine, ward_settings) as staff:
        _, ticket_post = await ticket_posted(api, staff.desk)
        mark = len(api.calls)
        api.send_photo(STAFF_GROUP, "Mẫu đơn đây ạ", group=True, reply_to=ticket_post)
        (told,) = await api.replies(STAFF_GROUP, since=mark, within=10)
        assert visible_text(told.text) == msg.staff_attachment_not_sent()
        assert [m.author for m in await staff.desk.tickets.messages(1)] == ["resident"]


async def all_handled(api: FakeBotApi, *, since: int) -> None:
    """Until what was sent in the staff group before now is handled: updates are handled
    in order, so once a /tickets sent now is answered."""
    ours = api.send_text(STAFF_GROUP, "/tickets", group=True, user_id=OFFICER)
    ours_id = ours["message"]["message_id"]
    await api.wait_until(
        lambda: any(
            c.params.get("reply_parameters", {}).get("message_id") == ours_id
            for c in api.sent(STAFF_GROUP, since=since)
        ),
        10,
    )


async def test_an_album_sent_as_an_answer_gets_one_note(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    """Three scanned pages sent together (an album: a message per photo, each a reply to
    the ticket) get one note that they did not reach the resident, not three."""
    async with FakeBotApi() as api, staffed(api, ward_engine, ward_settings) as staff:
        _, ticket_post = await ticket_posted(api, staff.desk)
        mark = len(api.calls)
        for caption in ("Mẫu đơn 3 trang ạ", None, None):
            api.send_photo(STAFF_GROUP, caption, group=True, reply_to=ticket_post, album="a1")
        (told,) = await api.replies(STAFF_GROUP, since=mark, within=10)
        assert visible_text(told.text) == msg.staff_attachment_not_sent()
        await all_handled(api, since=mark)
        notes = [
            c
            for c in api.sent(STAFF_GROUP, since=mark)
            if visible_text(c.text) == msg.staff_attachment_not_sent()
        ]
        assert len(notes) == 1


async def test_an_answer_typed_in_general_is_told_it_reached_no_one(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    """An officer answers a ticket by typing in the group's General chat (an administrator
    bot gets every message there, privacy mode or not): the bot replies under it that it
    reached no resident and how to answer ticket 1; the resident gets nothing."""
    async with FakeBotApi() as api, staffed(api, ward_engine, ward_settings) as staff:
        await ticket_posted(api, staff.desk)
        mark = len(api.calls)
        typed = api.send_text(
            STAFF_GROUP, "Dạ có lớp bơi từ 1/6 ạ", group=True, user_id=OFFICER, privacy=False
        )
        (told,) = await api.replies(STAFF_GROUP, since=mark, within=10)
        assert visible_text(told.text) == msg.relay_not_sent_open([1], 0, every="2 giờ")
        assert told.params["reply_parameters"]["message_id"] == typed["message"]["message_id"]
        assert api.sent(RESIDENT, since=mark) == []


def replies_to(api: FakeBotApi, typed: dict[str, Any], *, since: int) -> list[str]:
    """What the bot said in the staff group under the message `typed`, since `since`."""
    typed_id = typed["message"]["message_id"]
    return [
        visible_text(c.text)
        for c in api.sent(STAFF_GROUP, since=since)
        if c.params.get("reply_parameters", {}).get("message_id") == typed_id
    ]


async def test_the_reached_no_one_note_is_not_repeated_after_a_restart(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    """An officer is told once in two hours that a message of theirs reached no resident:
    the bot restarted (an update, a crash) within them does not tell them again under
    their next line; two hours after the note, it does."""
    told = msg.relay_not_sent_open([1], 0, every="2 giờ")
    async with FakeBotApi() as api:
        async with staffed(api, ward_engine, ward_settings) as staff:
            await ticket_posted(api, staff.desk)
            mark = len(api.calls)
            api.send_text(
                STAFF_GROUP, "Dạ có, hè này mở lớp ạ", group=True, user_id=OFFICER, privacy=False
            )
            (note,) = await api.replies(STAFF_GROUP, since=mark, within=10)
            assert visible_text(note.text) == told
        async with staffed(api, ward_engine, ward_settings) as staff:
            staff.clock.now += 30 * 60
            mark = len(api.calls)
            second = api.send_text(
                STAFF_GROUP,
                "Lớp học ở nhà văn hóa khu 4",
                group=True,
                user_id=OFFICER,
                privacy=False,
            )
            await all_handled(api, since=mark)
            assert replies_to(api, second, since=mark) == []
            staff.clock.now += HINT_AGAIN
            mark = len(api.calls)
            third = api.send_text(
                STAFF_GROUP, "Đăng ký trước ngày 15/5", group=True, user_id=OFFICER, privacy=False
            )
            await all_handled(api, since=mark)
            assert replies_to(api, third, since=mark) == [told]
            assert await staff.desk.tickets.store.due("telegram", 1e12) == []


async def test_an_ok_edited_into_an_answer_reaches_the_resident_once(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    """An officer replies "ok" to the ticket (not sent: an acknowledgement among staff),
    then edits it into the real answer: the resident gets that answer, once. Edited into
    another "ok" first, nothing goes; edited again after the answer, the resident gets the
    new wording in its place (not a second answer), as with any answer edited."""
    async with FakeBotApi() as api, staffed(api, ward_engine, ward_settings) as staff:
        _, ticket_post = await ticket_posted(api, staff.desk)
        mark = len(api.calls)
        ack = api.send_text(STAFF_GROUP, "ok", group=True, user_id=OFFICER, reply_to=ticket_post)
        (held,) = await api.replies(STAFF_GROUP, since=mark, within=10)
        assert visible_text(held.text) == msg.staff_ack_not_sent(1, "ok")
        mark = len(api.calls)
        api.edit_text(ack, "oke ạ")
        await all_handled(api, since=mark)
        assert replies_to(api, ack, since=mark) == []
        assert await staff.desk.tickets.store.due("telegram", 1e12) == []

        answer = "ok, anh mang sổ hộ khẩu cũ lên bộ phận một cửa chiều thứ 4 nhé"
        mark = len(api.calls)
        api.edit_text(ack, answer)
        assert await relayed(staff.desk) == [answer]
        await all_handled(api, since=mark)
        assert replies_to(api, ack, since=mark) == [msg.staff_ack_edited_sent(1)]
        assert "phiếu số 1" in msg.staff_ack_edited_sent(1)

        fixed = "ok, anh mang sổ hộ khẩu cũ và CCCD lên bộ phận một cửa chiều thứ 4 nhé"
        mark = len(api.calls)
        api.edit_text(ack, fixed)
        await all_handled(api, since=mark)
        assert replies_to(api, ack, since=mark) == [msg.staff_answer_revised(1, sent=False)]
        assert await relayed(staff.desk) == [fixed]


async def test_a_photo_captioned_with_another_bots_command_is_left_to_it(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    """A photo under the ticket with '/close@lich_truc_bot' typed as its caption is for
    that bot, as the same text would be: the ticket stays open."""
    async with FakeBotApi() as api, staffed(api, ward_engine, ward_settings) as staff:
        _, ticket_post = await ticket_posted(api, staff.desk)
        mark = len(api.calls)
        api.send_photo(STAFF_GROUP, "/close@lich_truc_bot", group=True, reply_to=ticket_post)
        await all_handled(api, since=mark)
        ticket = await staff.desk.tickets.get(1)
        assert ticket is not None and ticket.state == "open"


async def test_a_command_for_another_bot_in_the_staff_group_is_left_to_it(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    """With privacy mode off the bot sees every command in the group, other bots' too:
    '/help@another_bot' is not for it (nor would '/close@another_bot' close a ticket)."""
    async with FakeBotApi() as api, staffed(api, ward_engine, ward_settings) as staff:
        await ticket_posted(api, staff.desk)
        mark = len(api.calls)
        for text in ("/help@lich_truc_bot", "/close@lich_truc_bot 1", f"/help@{api.username}"):
            sent = api.send_text(STAFF_GROUP, text, group=True, user_id=OFFICER, privacy=False)
        ours = sent["message"]["message_id"]

        def answered() -> bool:  # the last one: those before it were handled first
            return any(
                c.params.get("reply_parameters", {}).get("message_id") == ours
                for c in api.sent(STAFF_GROUP, since=mark)
            )

        await api.wait_until(answered, 10)
        [helped] = api.sent(STAFF_GROUP, since=mark)
        assert visible_text(helped.text) == msg.staff_help()
        ticket = await staff.desk.tickets.get(1)
        assert ticket is not None and ticket.state == "open"


async def test_a_staff_chat_id_telegram_does_not_know_says_what_to_check(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    """STAFF_CHAT_ID copied without its -100 (or a group the bot was never added to): the
    reason the desk gives (in the log) names the setting to check, not a traceback."""
    async with FakeBotApi() as api, staffed(api, ward_engine, ward_settings) as staff:
        assert isinstance(staff.desk.room, TelegramStaffRoom)
        wrong = TelegramStaffRoom(staff.desk.room.application, -1234567)
        with pytest.raises(GroupUnreachable, match="check STAFF_CHAT_ID"):
            await wrong.is_forum()


async def test_a_bot_added_to_a_forum_group_without_manage_topics_is_caught_before_a_ticket(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    """The ward added the bot to its group with topics as a plain member (step 2 of the
    README skipped): the poster's first look at the group says so, before any resident is
    told their question reached staff; once the bot is made an administrator, it posts."""
    async with FakeBotApi() as api, staffed(api, ward_engine, ward_settings) as staff:
        api.bot_status[STAFF_GROUP] = "member"
        stop = asyncio.Event()
        poster = asyncio.create_task(staff.desk.run(stop))
        try:
            await eventually(lambda: staff.desk.unreachable is not None)
            assert "Manage topics" in (staff.desk.unreachable or "")
            (received,) = await api.say(RESIDENT, f"/hoicanbo {QUESTION}")
            assert "chưa chuyển được" in visible_text(received.text)

            api.restore_bot(STAFF_GROUP, by=OFFICER)
            await eventually(lambda: api.topics.get(STAFF_GROUP))
            await eventually(lambda: api.sent(STAFF_GROUP))
            assert staff.desk.unreachable is None
        finally:
            stop.set()
            await poster


async def test_a_bot_demoted_in_a_forum_group_stays_down_until_its_rights_are_back(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    """Made a plain member of the group with topics, the bot can still post in a ticket's
    own topic, not open one for a new ticket: a resident's follow-up posted meanwhile is
    no sign that the desk is back. Admins are told once, the next resident is told their
    question waits, and everything goes, in order and once, when the rights are back."""
    async with FakeBotApi() as api, staffed(api, ward_engine, ward_settings) as staff:
        told = admins_told(staff.desk)
        await staff.desk.round()
        thread, _ = await ticket_posted(api, staff.desk)
        api.demote_bot(STAFF_GROUP, by=OFFICER)
        await eventually(lambda: staff.desk.unreachable is not None)

        await api.say(RESIDENT, "nhà em có hai cháu")  # on the open ticket: its own topic
        await staff.desk.round()
        (received,) = await api.say(NEIGHBOUR, "/hoicanbo phường có cho mượn loa không")
        assert "chưa chuyển được" in visible_text(received.text)
        await staff.desk.round()
        assert told == ["lost"] and staff.desk.unreachable is not None
        assert len(api.topics[STAFF_GROUP]) == 1

        api.restore_bot(STAFF_GROUP, by=OFFICER)
        await eventually(lambda: staff.desk.unreachable is None)
        await staff.desk.round()
        assert told == ["lost", "back"]
        follow_ups = [visible_text(c.text) for c in api.sent_in_thread(STAFF_GROUP, thread)[1:]]
        assert len(follow_ups) == 1 and "nhà em có hai cháu" in follow_ups[0]
        second = api.topic_named(STAFF_GROUP, "#2 · Telegram")
        assert len(api.sent_in_thread(STAFF_GROUP, second)) == 1


async def test_a_bot_added_back_as_a_plain_member_of_a_forum_group_is_not_back_yet(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    """The bot was removed from the staff group before it started (so it never saw the
    group's topics); someone adds it back, as Telegram first does, as a plain member: in a
    group with topics it still cannot open one per ticket, so nobody is told it is back
    until it is made an administrator."""
    async with FakeBotApi() as api, staffed(api, ward_engine, ward_settings) as staff:
        told = admins_told(staff.desk)
        api.bot_status[STAFF_GROUP] = "kicked"
        await staff.desk.round()
        assert told == ["lost"]

        api.demote_bot(STAFF_GROUP, by=OFFICER)  # added back, as a member
        await api.say(RESIDENT, "/help")  # updates are handled in order: that one first
        assert told == ["lost"] and staff.desk.unreachable is not None
        (received,) = await api.say(RESIDENT, f"/hoicanbo {QUESTION}")
        assert "chưa chuyển được" in visible_text(received.text)

        api.restore_bot(STAFF_GROUP, by=OFFICER)
        await eventually(lambda: told == ["lost", "back"])
        await staff.desk.round()
        assert api.sent_in_thread(STAFF_GROUP, api.topic_named(STAFF_GROUP, "#1 · Telegram"))


async def test_a_photo_sent_on_an_open_ticket_is_said_not_to_reach_staff(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    """Staff asked to see a paper: the resident sends its photo, under it a line for them.
    The line goes on; the resident is told the photo itself reaches neither the bot nor
    staff, not that the bot answers from the text while 'this message' went to staff."""
    async with FakeBotApi() as api, staffed(api, ward_engine, ward_settings) as staff:
        thread, _ = await ticket_posted(api, staff.desk)
        mark = len(api.calls)
        api.send_photo(RESIDENT, "giấy mời họp của nhà em đây ạ")
        note, relayed = await api.replies(RESIDENT, 2, since=mark)
        assert visible_text(note.text) == msg.attachment_not_relayed(WARD_NAME, typed=True)
        assert visible_text(relayed.text) == msg.ticket_follow_up(WARD_NAME, 1, held_up=False)
        await staff.desk.post_pending()
        [*_, follow_up] = api.sent_in_thread(STAFF_GROUP, thread)
        assert "giấy mời họp của nhà em đây ạ" in visible_text(follow_up.text)

        mark = len(api.calls)
        api.send_photo(RESIDENT)  # the photo alone
        (alone,) = await api.replies(RESIDENT, since=mark)
        assert visible_text(alone.text) == msg.attachment_not_relayed(WARD_NAME, typed=False)


async def test_a_reply_to_the_bots_note_in_a_group_without_topics_is_said_not_sent(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    """In a group without topics, an officer told their photo did not reach the resident
    replies to that note with the answer typed: it names no ticket (the note is no post
    about one), so nothing is sent, and the officer is told so instead of silence."""
    async with (
        FakeBotApi() as api,
        staffed(api, ward_engine, ward_settings, forum=False) as staff,
    ):
        await api.say(RESIDENT, f"/hoicanbo {QUESTION}")
        await staff.desk.post_pending()
        [ticket_post] = api.sent(STAFF_GROUP)
        mark = len(api.calls)
        api.send_photo(STAFF_GROUP, "Mẫu đơn đây ạ", group=True, reply_to=ticket_post)
        (note,) = await api.replies(STAFF_GROUP, since=mark, within=10)
        assert visible_text(note.text) == msg.staff_attachment_not_sent()
        mark = len(api.calls)
        api.send_text(STAFF_GROUP, "Dạ có, từ 1/6 ạ.", group=True, user_id=OFFICER, reply_to=note)
        (told,) = await api.replies(STAFF_GROUP, since=mark, within=10)
        assert visible_text(told.text) == msg.staff_reply_names_no_ticket()
        assert api.sent(RESIDENT, since=mark) == []


async def test_a_ticket_closed_by_mistake_is_reopened_with_its_topic(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    """'✔️ Đóng phiếu' sits among the ticket's buttons: tapped by mistake, the officer is
    told how to undo it, and /reopen opens the ticket and its topic again (a closed topic
    takes no one's messages but its administrators'), so that what the resident writes
    next reaches staff again."""
    async with FakeBotApi() as api, staffed(api, ward_engine, ward_settings) as staff:
        thread, ticket_post = await ticket_posted(api, staff.desk)
        mark = len(api.calls)
        api.press(STAFF_GROUP, "tc:1", ticket_post, group=True, user_id=OFFICER)
        (closed,) = await api.replies(STAFF_GROUP, since=mark, within=10)
        assert visible_text(closed.text) == msg.ticket_closed(1)
        assert "/reopen 1" in msg.ticket_closed(1)
        assert api.topics[STAFF_GROUP][thread]["closed"]
        mark = len(api.calls)
        api.send_text(STAFF_GROUP, "/reopen 1", group=True, user_id=OFFICER)
        (reopened,) = await api.replies(STAFF_GROUP, since=mark, within=10)
        assert visible_text(reopened.text) == msg.ticket_reopened(1)
        assert not api.topics[STAFF_GROUP][thread]["closed"]
        ticket = await staff.desk.tickets.get(1)
        assert ticket is not None and ticket.state == "open"
        # The resident's next message reaches staff in the ticket's topic.
        (told,) = await api.say(RESIDENT, "em gửi thêm: bé nhà em 7 tuổi ạ")
        assert "phiếu số 1" in visible_text(told.text)
        await staff.desk.post_pending()
        assert "7 tuổi" in visible_text(api.sent_in_thread(STAFF_GROUP, thread)[-1].text)
        # Not closed: said so.
        mark = len(api.calls)
        api.send_text(STAFF_GROUP, "/reopen", group=True, user_id=OFFICER, thread_id=thread)
        (already,) = await api.replies(STAFF_GROUP, since=mark, within=10)
        assert visible_text(already.text) == msg.ticket_not_closed(1)


async def test_a_ticket_button_is_acted_on_when_stopping_its_spinner_fails(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    """An officer taps '✔️ Đóng phiếu' while Telegram fails for a moment to take the
    press's answer (a 502). Before, the press was dropped: the ticket stayed open, the
    group got the residents' apology ("hệ thống đang gặp sự cố"), and the press went on
    to the residents' handlers, which said the content was gone. Now the ticket is
    closed, and the officer is told so, as when Telegram answers."""
    async with FakeBotApi() as api, staffed(api, ward_engine, ward_settings) as staff:
        thread, ticket_post = await ticket_posted(api, staff.desk)
        api.fail("answerCallbackQuery", 502, description="Bad Gateway")
        mark = len(api.calls)
        api.press(STAFF_GROUP, "tc:1", ticket_post, group=True, user_id=OFFICER)
        (closed,) = await api.replies(STAFF_GROUP, since=mark, within=10)
        assert visible_text(closed.text) == msg.ticket_closed(1)
        assert api.topics[STAFF_GROUP][thread]["closed"]
        assert len(api.sent(STAFF_GROUP, since=mark)) == 1  # no apology before it


async def test_hoi_can_bo_tapped_twice_says_the_question_went_not_to_type_it_again(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    """A resident taps "Hỏi cán bộ" under a question the bot could not answer, and taps it
    again (the spinner seemed stuck). Before, the second tap said the question was no
    longer kept and asked them to type it again: staff would have got it twice. Now it
    says the question went to staff (its ticket number), and it goes once."""
    async with FakeBotApi() as api, staffed(api, ward_engine, ward_settings) as staff:
        (offer,) = await api.say(RESIDENT, QUESTION)
        [ask] = [data for _, data in offer.buttons if data == "staff:ask"]
        mark = len(api.calls)
        api.press(RESIDENT, ask, offer)
        api.press(RESIDENT, ask, offer)
        sent, again = await api.replies(RESIDENT, since=mark, count=2)
        assert "phiếu số 1" in visible_text(sent.text)
        assert visible_text(again.text) == msg.ticket_already_open(WARD_NAME, 1)
        assert await staff.desk.tickets.get(2) is None


async def test_a_second_officer_is_told_their_answer_was_held_through_a_moment_of_outage(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    """Two officers answer one ticket a moment apart; the second's is held (the resident
    would get two answers), and the bot's note saying so meets a 502. Before, the note was
    dropped with a line in the log: the officer saw nothing, took it as sent, and their
    next answer, the clash counted as told, reached the resident as a second answer. The
    note is retried, as a resident's reply is."""
    async with FakeBotApi() as api, staffed(api, ward_engine, ward_settings) as staff:
        _, ticket_post = await ticket_posted(api, staff.desk)
        mark = len(api.calls)
        api.send_text(
            STAFF_GROUP,
            "Dạ có, lớp bơi mở từ 1/6.",
            group=True,
            user_id=OFFICER,
            reply_to=ticket_post,
        )
        await eventually(lambda: staff.desk._answerers)  # the first answer taken
        staff.clock.now += 40
        api.fail("sendMessage", 502, description="Bad Gateway")
        api.send_text(
            STAFF_GROUP,
            "Dạ phường có lớp bơi hè ạ.",
            group=True,
            user_id=OFFICER + 1,
            first_name="Minh",
            reply_to=ticket_post,
        )
        (told,) = await api.replies(STAFF_GROUP, since=mark, within=10)
        assert "chưa được gửi" in visible_text(told.text)


async def test_a_staff_group_upgraded_to_a_supergroup_is_followed_there_at_once(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    """A ward working in a group without topics turns Topics on: Telegram makes it a
    supergroup with a new id. Before, the desk went down until admins set the new
    STAFF_CHAT_ID and restarted the bot, every question waiting meanwhile. Now the bot works
    in the new group at once: staff are told there, admins asked (in private) to set the
    new id when convenient, an answer typed there with /r reaches the resident, and a new
    question gets its topic there."""
    basic, upgraded = -4001234, -1004001234
    async with (
        FakeBotApi() as api,
        staffed(api, ward_engine, ward_settings, group=basic, forum=False) as staff,
    ):
        told = admins_told(staff.desk)
        await staff.desk.round()
        await api.say(RESIDENT, f"/hoicanbo {QUESTION}")
        await staff.desk.post_pending()
        api.staff_group(upgraded, forum=True)
        mark = len(api.calls)
        api.upgrade(basic, upgraded, user_id=OFFICER)
        (moved,) = await api.replies(upgraded, since=mark)
        assert visible_text(moved.text) == msg.staff_group_followed(upgraded)
        assert told == [msg.admin_staff_group_moved(basic, upgraded)]
        assert staff.desk.unreachable is None  # never down

        mark = len(api.calls)
        api.send_text(upgraded, "/r 1 Dạ có, lớp bơi mở từ 1/6.", group=True, user_id=OFFICER)
        assert await relayed(staff.desk) == ["Dạ có, lớp bơi mở từ 1/6."]

        (received,) = await api.say(NEIGHBOUR, "/hoicanbo phường có cho mượn loa không")
        assert "chưa chuyển được" not in visible_text(received.text)
        await staff.desk.round()
        thread = api.topic_named(upgraded, "#2 · Telegram")
        assert "cho mượn loa" in visible_text(api.sent_in_thread(upgraded, thread)[0].text)
        assert told == [msg.admin_staff_group_moved(basic, upgraded)]  # nothing more
        assert [c for c in api.sent(basic, since=mark) if c.status == 200] == []


async def test_a_staff_group_moved_before_the_bot_knew_is_followed_at_the_next_post(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    """The upgrade happened while the bot was stopped (its service messages lost): the
    first post finds out (Telegram names the new id in its refusal) and goes there, the
    desk never down."""
    basic, upgraded = -4001235, -1004001235
    async with (
        FakeBotApi() as api,
        staffed(api, ward_engine, ward_settings, group=basic, forum=False) as staff,
    ):
        told = admins_told(staff.desk)
        await staff.desk.round()
        api.staff_group(upgraded, forum=False)
        api.migrate(basic, upgraded)
        await api.say(RESIDENT, f"/hoicanbo {QUESTION}")
        mark = len(api.calls)
        for _ in range(3):
            await staff.desk.round()
        posted = [visible_text(c.text) for c in api.sent(upgraded, since=mark)]
        assert posted[0] == msg.staff_group_followed(upgraded)
        assert len([t for t in posted if QUESTION in t]) == 1  # once, there
        assert told == [msg.admin_staff_group_moved(basic, upgraded)]
        assert staff.desk.unreachable is None


async def test_a_staff_group_upgraded_while_the_bot_was_stopped_is_followed_at_the_start(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    """Staff turned Topics on while the bot was stopped (Telegram's service messages
    lost), and nothing waits to be posted. Before, the desk stayed in the old group until a
    resident's next question was refused there: staff answering in the supergroup were
    not heard as staff. Now the bot finds out as it starts: it works in the supergroup at
    once, staff and admins told once; the ticket posted in the old group is answered from
    the new one, and not posted again."""
    basic, upgraded = -4001237, -1004001237
    async with FakeBotApi() as api:
        async with staffed(api, ward_engine, ward_settings, group=basic, forum=False) as staff:
            await api.say(RESIDENT, f"/hoicanbo {QUESTION}")
            await staff.desk.round()
        api.staff_group(upgraded, forum=True)
        mark = len(api.calls)
        async with staffed(api, ward_engine, ward_settings, group=basic, forum=False) as staff:
            api.migrate(basic, upgraded)  # before the poster looks at the group
            told = admins_told(staff.desk)
            await staff.desk.round()  # the poster's first round, as it starts
            (moved,) = await api.replies(upgraded, since=mark)
            assert visible_text(moved.text) == msg.staff_group_followed(upgraded)
            assert told == [msg.admin_staff_group_moved(basic, upgraded)]
            assert staff.desk.unreachable is None

            api.send_text(upgraded, "/r 1 Dạ có, lớp bơi mở từ 1/6.", group=True, user_id=OFFICER)
            assert await relayed(staff.desk) == ["Dạ có, lớp bơi mở từ 1/6."]
            await staff.desk.round()
            assert [c for c in api.sent(upgraded, since=mark) if QUESTION in c.text] == []
        async with staffed(api, ward_engine, ward_settings, group=basic, forum=False) as staff:
            told = admins_told(staff.desk)
            await staff.desk.round()
            assert staff.desk.room is not None and staff.desk.room.chat_id == upgraded
            assert told == []  # once


@pytest.mark.parametrize("set_to", ["old", "new", "another"])
async def test_after_a_restart_the_moved_staff_group_is_used_unless_staff_chat_id_changed(
    ward_engine: Engine, ward_settings: Settings, set_to: str
) -> None:
    """The bot keeps the staff group's new id (one row of the database): restarted with
    STAFF_CHAT_ID still the old id, it works in the new group from the first update (a
    reply there is relayed, not answered as a resident's question); an id admins set
    since, the new one or another group's, is the one used."""
    basic, upgraded, other = -4001236, -1004001236, -1004009999
    async with FakeBotApi() as api:
        async with staffed(api, ward_engine, ward_settings, group=basic, forum=False) as staff:
            await staff.desk.round()
            api.staff_group(upgraded, forum=False)
            api.staff_group(other, forum=False)
            mark = len(api.calls)
            api.upgrade(basic, upgraded, user_id=OFFICER)
            await api.replies(upgraded, since=mark)
        configured = {"old": basic, "new": upgraded, "another": other}[set_to]
        expected = other if set_to == "another" else upgraded
        async with staffed(api, ward_engine, ward_settings, group=configured, forum=False) as staff:
            assert staff.desk.room is not None and staff.desk.room.chat_id == expected
            await api.say(RESIDENT, f"/hoicanbo {QUESTION}")
            await staff.desk.round()
            (post,) = [c for c in api.sent(expected) if QUESTION in visible_text(c.text)]
            mark = len(api.calls)
            api.send_text(expected, "Dạ có ạ.", group=True, user_id=OFFICER, reply_to=post)
            assert await relayed(staff.desk) == ["Dạ có ạ."]
            assert api.sent(expected, since=mark) == []  # no answer as to a resident


async def test_a_link_an_officer_hid_under_words_reaches_the_resident(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    """An officer answers with the form's address hidden under 'tại đây' (Telegram's
    link formatting, or text pasted from the portal). Before, the resident got 'Mẫu tờ
    khai tải tại đây.' with no address: the link was dropped. The address now follows the
    words it was under; a link that shows its own address is not written twice."""
    url = "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh.html"
    async with FakeBotApi() as api, staffed(api, ward_engine, ward_settings) as staff:
        _, ticket_post = await ticket_posted(api, staff.desk)
        text = "Dạ, mẫu tờ khai tải tại đây, nộp tại dichvucong.gov.vn nhé."
        under = {"type": "text_link", "offset": text.index("tại đây"), "length": 7, "url": url}
        shown = {
            "type": "text_link",
            "offset": text.index("dichvucong"),
            "length": len("dichvucong.gov.vn"),
            "url": "https://dichvucong.gov.vn/",
        }
        api.send_text(
            STAFF_GROUP,
            text,
            group=True,
            user_id=OFFICER,
            reply_to=ticket_post,
            entities=[under, shown],
        )
        [*_, answer] = await wait_for(lambda: staff.desk.tickets.messages(1), 2)
        assert answer.text == (
            f"Dạ, mẫu tờ khai tải tại đây ({url}), nộp tại dichvucong.gov.vn nhé."
        )


async def test_a_topic_closed_by_hand_closes_its_ticket_and_reopened_opens_it(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    """Staff answered by phone and close the ticket's topic from Telegram's menu, as they
    close any topic. Before, the ticket stayed open: /tickets listed it as waiting, and
    the resident's next messages went on into the closed topic, where only the group's
    administrators may write back. Closing the topic closes the ticket, as /close does;
    reopening it by hand opens the ticket again, as /reopen does."""
    async with FakeBotApi() as api, staffed(api, ward_engine, ward_settings) as staff:
        thread, _ = await ticket_posted(api, staff.desk)
        api.staff_close_topic(STAFF_GROUP, thread, user_id=OFFICER)
        mark = len(api.calls)  # updates are handled in order: the closing first
        (answer,) = await api.say(RESIDENT, "phường có cho mượn loa đài không")
        assert "phiếu số 1" not in visible_text(answer.text)
        assert await _state(staff.desk, 1) == "closed"
        await staff.desk.post_pending()
        assert api.sent(STAFF_GROUP, since=mark) == []

        api.staff_close_topic(STAFF_GROUP, thread, user_id=OFFICER, closed=False)
        (told,) = await api.say(RESIDENT, "em gửi thêm: bé nhà em 7 tuổi ạ")
        assert visible_text(told.text) == msg.ticket_follow_up(WARD_NAME, 1)


async def _state(desk: Desk, number: int) -> str | None:
    ticket = await desk.tickets.get(number)
    return None if ticket is None else ticket.state


async def test_a_question_edited_once_staff_have_it_reaches_them_as_its_correction(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    """A resident fixes the question they passed to staff by editing it in Telegram: staff
    see it as a correction of that question (named, under its post), not as something
    added; an officer answering the post of the first wording still reaches the resident."""
    async with FakeBotApi() as api, staffed(api, ward_engine, ward_settings) as staff:
        mark = len(api.calls)
        asked = api.send_text(RESIDENT, f"/hoicanbo {QUESTION}")
        await api.replies(RESIDENT, since=mark)
        await staff.desk.post_pending()
        thread = api.topic_named(STAFF_GROUP, "#1 · Telegram")
        [ticket_post] = api.sent_in_thread(STAFF_GROUP, thread)

        mark = len(api.calls)
        fixed = QUESTION.replace("trẻ em", "người cao tuổi")
        api.edit_text(asked, f"/hoicanbo {fixed}")
        (told,) = await api.replies(RESIDENT, since=mark)
        assert visible_text(told.text) == msg.ticket_correction(WARD_NAME, 1)
        await staff.desk.post_pending()
        [_, correction] = api.sent_in_thread(STAFF_GROUP, thread)
        shown = visible_text(correction.text)
        assert shown == msg.ticket_correction_post(1, QUESTION, fixed)
        assert "người dân nhắn thêm" not in shown
        assert (
            correction.params["reply_parameters"]["message_id"] == ticket_post.result["message_id"]
        )

        # An officer was answering the first wording: the answer still goes to the resident.
        api.send_text(
            STAFF_GROUP,
            "Dạ có, lớp bơi mở từ 1/6.",
            group=True,
            user_id=OFFICER,
            reply_to=ticket_post,
        )
        assert any("lớp bơi mở từ 1/6" in text for text in await relayed(staff.desk))


async def test_a_question_passed_on_with_the_button_then_edited_is_a_correction_for_staff(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    """The question the bot could not answer, passed on with "Hỏi cán bộ", then edited:
    staff get the correction of it; an edit of a message staff never had is answered."""
    async with FakeBotApi() as api, staffed(api, ward_engine, ward_settings) as staff:
        mark = len(api.calls)
        asked = api.send_text(RESIDENT, QUESTION)
        (offer,) = await api.replies(RESIDENT, since=mark)
        mark = len(api.calls)
        api.press(RESIDENT, "staff:ask", offer)
        await api.replies(RESIDENT, since=mark)
        await staff.desk.post_pending()

        mark = len(api.calls)
        fixed = QUESTION + " ở nhà văn hóa"
        api.edit_text(asked, fixed)
        (told,) = await api.replies(RESIDENT, since=mark)
        assert visible_text(told.text) == msg.ticket_correction(WARD_NAME, 1)
        [*_, correction] = await staff.desk.tickets.messages(1)
        assert correction.text == fixed and correction.corrects is not None


async def test_a_message_edited_into_a_question_the_bot_knows_is_answered_beside_staff(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    """With a ticket open, the bot answers what it knows of any message, staff getting it
    too: so also of a message the resident edits into such a question. Staff get the
    correction; the resident gets the answer at once, not only "passed on"."""
    async with FakeBotApi() as api, staffed(api, ward_engine, ward_settings) as staff:
        mark = len(api.calls)
        api.send_text(RESIDENT, f"/hoicanbo {QUESTION}")
        await api.replies(RESIDENT, since=mark)
        await staff.desk.post_pending()
        thread = api.topic_named(STAFF_GROUP, "#1 · Telegram")

        mark = len(api.calls)
        added = api.send_text(RESIDENT, "em hỏi thêm chuyện hồ bơi của phường")
        (told,) = await api.replies(RESIDENT, since=mark)
        assert visible_text(told.text) == msg.ticket_follow_up(WARD_NAME, 1)

        mark = len(api.calls)
        fixed = "mất thẻ bảo hiểm y tế thì làm sao"
        api.edit_text(added, fixed)
        (answer,) = await api.replies(RESIDENT, since=mark)
        assert "Mất thẻ bảo hiểm y tế thì làm sao?" in visible_text(answer.text)
        await staff.desk.post_pending()
        posts = [visible_text(p.text) for p in api.sent_in_thread(STAFF_GROUP, thread)]
        assert posts[-1] == msg.ticket_correction_post(
            1, "em hỏi thêm chuyện hồ bơi của phường", fixed
        )


async def test_an_edit_that_changes_no_word_staff_have_tells_the_resident_nothing(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    """Telegram reports an edit whose words are those staff already have (only their
    formatting changed, a link's preview came): nothing goes to staff, and the resident
    is not told their change was passed on; what they write next is answered as usual."""
    async with FakeBotApi() as api, staffed(api, ward_engine, ward_settings) as staff:
        mark = len(api.calls)
        asked = api.send_text(RESIDENT, f"/hoicanbo {QUESTION}")
        await api.replies(RESIDENT, since=mark)
        await staff.desk.post_pending()

        mark = len(api.calls)
        api.edit_text(asked, f"/hoicanbo {QUESTION}")
        api.send_text(RESIDENT, "nhà em ở tổ 5")  # answered after the edit (in order)
        await api.replies(RESIDENT, since=mark)  # anything said of the edit comes first
        told = [visible_text(call.text) for call in api.sent(RESIDENT, since=mark)]
        assert told == [msg.ticket_follow_up(WARD_NAME, 1)]
        assert [m.corrects for m in await staff.desk.tickets.messages(1)] == [None, None]


async def test_an_edit_of_saying_the_answer_missed_is_no_correction_of_the_question(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    """ "không phải ạ" offers staff the question asked before it: the resident who edits
    "không phải ạ" once staff have that question adds to it; staff are not told the
    question now reads "không phải ạ…"."""
    question = "bà tôi bị mất thẻ bảo hiểm thì làm lại ở đâu"
    async with FakeBotApi() as api, staffed(api, ward_engine, ward_settings) as staff:
        await api.say(RESIDENT, question)
        mark = len(api.calls)
        missed = api.send_text(RESIDENT, "không phải ạ")
        (sorry,) = await api.replies(RESIDENT, since=mark)
        mark = len(api.calls)
        api.press(RESIDENT, "staff:ask", sorry)
        await api.replies(RESIDENT, since=mark)
        await staff.desk.post_pending()
        thread = api.topic_named(STAFF_GROUP, "#1 · Telegram")

        mark = len(api.calls)
        # What the bot alone cannot answer (0.16 at best): the reply is about the ticket.
        more = "không phải ạ, cái thẻ đó của bà nội em"
        api.edit_text(missed, more)
        (told,) = await api.replies(RESIDENT, since=mark)
        assert visible_text(told.text) == msg.ticket_follow_up(WARD_NAME, 1)
        await staff.desk.post_pending()
        [_, post] = api.sent_in_thread(STAFF_GROUP, thread)
        assert visible_text(post.text) == msg.ticket_follow_up_post(1, more)


async def test_a_correction_reported_twice_reaches_staff_once_and_is_told_again(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    """The same edit reported again (its update kept through a crash, say): staff get the
    correction once; the resident, who may not have heard, is told of it again."""
    async with FakeBotApi() as api, staffed(api, ward_engine, ward_settings) as staff:
        mark = len(api.calls)
        asked = api.send_text(RESIDENT, f"/hoicanbo {QUESTION}")
        await api.replies(RESIDENT, since=mark)
        await staff.desk.post_pending()
        thread = api.topic_named(STAFF_GROUP, "#1 · Telegram")

        mark = len(api.calls)
        fixed = QUESTION.replace("trẻ em", "người cao tuổi")
        api.edit_text(asked, f"/hoicanbo {fixed}")
        api.edit_text(asked, f"/hoicanbo {fixed}")
        told = await api.replies(RESIDENT, 2, since=mark)
        assert [visible_text(call.text) for call in told] == [
            msg.ticket_correction(WARD_NAME, 1)
        ] * 2
        await staff.desk.post_pending()
        [_, correction] = api.sent_in_thread(STAFF_GROUP, thread)
        assert visible_text(correction.text) == msg.ticket_correction_post(1, QUESTION, fixed)


async def test_a_caption_edit_that_changes_no_word_staff_have_tells_the_resident_nothing(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    """The same for the words under a photo: the resident is not told again that the photo
    went unseen, for an edit that told staff nothing."""
    async with FakeBotApi() as api, staffed(api, ward_engine, ward_settings) as staff:
        await api.say(RESIDENT, f"/hoicanbo {QUESTION}")
        mark = len(api.calls)
        photo = api.send_photo(RESIDENT, "giấy tờ nhà em đây ạ")
        await api.replies(RESIDENT, since=mark)
        await staff.desk.post_pending()

        mark = len(api.calls)
        api.push({"edited_message": {**photo["message"], "edit_date": int(time.time())}})
        api.send_text(RESIDENT, "nhà em ở tổ 5")  # answered after the edit (in order)
        await api.replies(RESIDENT, since=mark)
        told = [visible_text(call.text) for call in api.sent(RESIDENT, since=mark)]
        assert told == [msg.ticket_follow_up(WARD_NAME, 1)]


async def test_one_residents_messages_are_answered_in_the_order_sent(
    ward_engine: Engine, ward_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stickers and questions sent at once (or kept through a stop and handed over
    together): with a staff desk a sticker first asks the store whether the chat's
    messages go to staff, which a typed command does not; on a slow disk that took a
    moment, and the replies still come in the order the messages were sent."""
    slow_note = Conversation.attachment_note

    async def on_a_slow_disk(self: Conversation, chat: object, **kwargs: Any) -> str:
        await asyncio.sleep(0.2)
        return await slow_note(self, chat, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Conversation, "attachment_note", on_a_slow_disk)
    async with FakeBotApi() as api, staffed(api, ward_engine, ward_settings):
        mark = len(api.calls)
        for _ in range(2):
            api.send_sticker(RESIDENT)
            api.send_text(RESIDENT, "/help")
        replies = await api.replies(RESIDENT, 4, since=mark)
        please = msg.please_type(EXAMPLE)
        assert [visible_text(r.text) == please for r in replies] == [True, False] * 2
        assert all(visible_text(r.text).startswith("Cách hỏi") for r in replies[1::2])


async def test_one_residents_burst_of_messages_does_not_hold_up_other_chats(
    ward_engine: Engine, ward_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A resident forwarding dozens of photos or stickers at once (Telegram forwards up to
    a hundred): they are read one after another and told once to type (not forty times),
    and while the first is slow (the store's check of the desk, here held until released)
    another resident's question is answered, not queued behind the whole burst."""
    held = asyncio.Event()
    note = Conversation.attachment_note

    async def on_a_held_disk(self: Conversation, chat: object, **kwargs: Any) -> str:
        await held.wait()
        return await note(self, chat, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Conversation, "attachment_note", on_a_held_disk)
    async with FakeBotApi() as api, staffed(api, ward_engine, ward_settings):
        mark = len(api.calls)
        burst = 40
        for _ in range(burst):
            api.send_sticker(RESIDENT)
        api.send_text(RESIDENT, "/help")  # read after the whole burst, in the chat's turn
        api.send_text(NEIGHBOUR, "/help")
        try:
            [helped] = await api.replies(NEIGHBOUR, since=mark, within=10.0)
            assert visible_text(helped.text).startswith("Cách hỏi")
            assert api.sent(RESIDENT, since=mark) == []  # the burst's first still held
        finally:
            held.set()
        please, helped = await api.replies(RESIDENT, 2, since=mark)
        assert visible_text(please.text) == msg.please_type(EXAMPLE)
        assert visible_text(helped.text).startswith("Cách hỏi")
        assert len(api.sent(RESIDENT, since=mark)) == 2
