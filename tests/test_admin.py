"""Staff commands and the question log behind them.

/stats, /broadcast, /unanswered and /reload driven through the real Conversation (a real
Engine over tests/chat_ward.py, a real Store on a temp file), with an injected clock for
the 7-day, 30-day and retention windows.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from chat_ward import WARD_NAME

from wardbot import messages as msg
from wardbot.admin import Admin, group_questions
from wardbot.alerts import Alerts
from wardbot.config import ConfigError, Settings
from wardbot.conversation import Conversation
from wardbot.engine import Engine
from wardbot.hours import VIETNAM, QuietHours
from wardbot.reply import Reply
from wardbot.store import ChatRef, Store
from wardbot.tickets import TicketBook

DAY = 86400.0
NOW = 1_722_500_000.0  # 2024-08-01, the test ward's "today"
PUSHING = ("telegram", "zalo")

ADMIN = ChatRef("telegram", "42")  # the admin's private chat: chat id == user id
ADMIN_ID = "42"
ALICE = ChatRef("telegram", "1001")
BINH = ChatRef("telegram", "1002")
CHAU = ChatRef("zalo", "2001")
DUNG = ChatRef("telegram", "1003")
TERMINAL = ChatRef("terminal", "local")  # cannot be pushed to
GROUP = ChatRef("telegram", "-100777", private=False)  # a group the admin is in

PROBLEMS = ["faq.yaml:12: unknown key 'anwser'", "content/2024-13-01-x.md:1: bad date"]


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@dataclass
class Reloads:
    """The /reload callback: counts its calls and returns the given problems."""

    problems: Sequence[str] = ()
    calls: int = 0

    async def __call__(self) -> Sequence[str]:
        self.calls += 1
        return list(self.problems)


@dataclass
class Wakes:
    """Stands in for the outbox senders' wake-up."""

    count: int = 0

    def __call__(self) -> None:
        self.count += 1


@dataclass
class Bot:
    """The conversation with its admin commands, and what tests look at around it."""

    conversation: Conversation
    alerts: Alerts
    store: Store
    clock: Clock
    reloads: Reloads
    wakes: Wakes
    db_path: Path

    async def say(self, chat: ChatRef, text: str, sender: str | None = None) -> Reply:
        replies = await self.conversation.handle_text(chat, text, sender=sender)
        assert len(replies) == 1, replies
        return replies[0]

    async def staff(self, text: str) -> str:
        return (await self.say(ADMIN, text, sender=ADMIN_ID)).text

    async def press(self, reply: Reply, label: str) -> str:
        """The admin presses the button of `reply` whose label starts with `label`."""
        [button] = [b for b in reply.buttons if b.label.startswith(label)]
        [pressed] = await self.conversation.handle_action(ADMIN, button.action, sender=ADMIN_ID)
        return pressed.text

    async def broadcast(self, text: str) -> str:
        """`text` (a /broadcast) typed, reviewed, and sent with its button."""
        review = await self.say(ADMIN, text, sender=ADMIN_ID)
        return await self.press(review, "📣 Gửi")

    def rows(self, table: str, chat: ChatRef | None = None) -> list[tuple]:
        """Rows of `table` (about `chat` only, if given), read as another process would."""
        query = f"SELECT * FROM {table}"
        params: tuple[str, ...] = ()
        if chat is not None:
            query += " WHERE channel = ? AND chat_id = ?"
            params = (chat.channel, chat.chat_id)
        with sqlite3.connect(self.db_path) as db:
            return db.execute(query, params).fetchall()

    def questions(self) -> list[tuple[str, str, float, str, int]]:
        with sqlite3.connect(self.db_path) as db:
            return db.execute(
                "SELECT channel, chat_id, asked_at, text, answered FROM questions ORDER BY id"
            ).fetchall()

    def outbox(self) -> list[tuple[str, str, str]]:
        """(channel, chat_id, message text) of every message queued."""
        with sqlite3.connect(self.db_path) as db:
            return db.execute(
                "SELECT o.channel, o.chat_id, m.text FROM outbox o "
                "JOIN messages m ON o.kind IN ('message', 'note') AND o.ref = CAST(m.id AS TEXT) "
                "ORDER BY o.channel, o.chat_id"
            ).fetchall()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "db.sqlite3"


@pytest.fixture
async def store(db_path: Path) -> AsyncIterator[Store]:
    async with await Store.open(db_path) as opened:
        yield opened


@pytest.fixture
def settings(ward_settings: Settings) -> Settings:
    return replace(ward_settings, admin_ids=frozenset({"telegram:42"}))


def make_bot(
    engine: Engine, store: Store, settings: Settings, db_path: Path, problems: Sequence[str] = ()
) -> Bot:
    clock = Clock()
    wakes = Wakes()
    reloads = Reloads(problems)
    alerts = Alerts(engine, store, settings, PUSHING, wake=wakes, clock=clock)
    admin = Admin(engine, store, alerts, settings, reloads, clock=clock)
    conversation = Conversation(engine, store, settings, admin=admin, clock=clock)
    return Bot(conversation, alerts, store, clock, reloads, wakes, db_path)


@pytest.fixture
def bot(ward_engine: Engine, store: Store, settings: Settings, db_path: Path) -> Bot:
    return make_bot(ward_engine, store, settings, db_path, PROBLEMS)


async def finish(store: Store, channel: str, state: str, now: float) -> None:
    """Send (or fail) every message waiting on `channel`, as the outbox sender would."""
    for item in await store.due(channel, now):
        await store.mark_sending(item)
        await store.mark_done(item, state, now, "blocked" if state == "failed" else "")


# --- who may use the commands -----------------------------------------------------------


@pytest.mark.parametrize(
    "command", ["/stats", "/unanswered", "/reload", "/broadcast all Hi", "/redo"]
)
@pytest.mark.parametrize(
    ("chat", "sender", "own_id"),
    [
        (ALICE, "1001", "telegram:1001"),  # a resident
        (ChatRef("zalo", "42"), "42", "zalo:42"),  # the admin's user id, on another channel
        (ChatRef("zalo", "8a1b2c"), "8a1b2c", "zalo:8a1b2c"),
        (ADMIN, None, None),  # the channel did not say who wrote
        (TERMINAL, "local", None),  # no user of the terminal can be an admin
    ],
    ids=["resident", "other-channel", "zalo", "no-sender", "terminal"],
)
async def test_admin_commands_refuse_anyone_else_and_tell_them_their_id(
    bot: Bot, chat: ChatRef, sender: str | None, own_id: str | None, command: str
) -> None:
    """Neither Telegram nor Zalo shows a user their id: a member of staff not yet in
    ADMIN_IDS who tries an admin command is told theirs, to pass on. Nothing else happens."""
    await bot.store.subscribe(ALICE, "bhyt")
    reply = await bot.say(chat, command, sender=sender)
    name = command.split()[0]
    if own_id is None:
        assert reply.text == msg.unknown_command(name)
    else:
        assert reply.text == (
            "Dạ, lệnh này chỉ dành cho cán bộ quản trị của phường. "
            f"Mã của anh/chị là {own_id} — nếu anh/chị là cán bộ, nhờ người cài đặt bot "
            "thêm mã này vào ADMIN_IDS."
        )
    assert reply.buttons == ()
    assert bot.outbox() == []
    assert bot.reloads.calls == 0
    assert bot.wakes.count == 0
    assert bot.questions() == []  # an unknown command is not a question either


@pytest.mark.parametrize(
    "command", ["/stats", "/unanswered", "/reload", "/broadcast all Hi", "/redo"]
)
async def test_admin_commands_do_not_exist_in_a_group_even_for_an_admin(
    bot: Bot, command: str
) -> None:
    await bot.conversation.handle_text(ALICE, "giá vàng hôm nay")  # a resident's question
    reply = await bot.say(GROUP, command, sender=ADMIN_ID)
    assert reply.text == msg.unknown_command(command.split()[0])
    assert "giá vàng" not in reply.text
    assert bot.outbox() == []
    assert bot.reloads.calls == 0
    assert "Thống kê" in (await bot.say(ADMIN, "/stats", sender=ADMIN_ID)).text  # in private


async def test_help_lists_the_admin_commands_to_an_admin_in_private_only(bot: Bot) -> None:
    """Staff just put in ADMIN_IDS find their commands in /help, as residents find theirs;
    residents, and a group the admin writes in, never see them."""
    admin_help = await bot.staff("/help")
    resident_help = (await bot.say(ALICE, "/help", sender="1001")).text
    group_help = (await bot.say(GROUP, "/help", sender=ADMIN_ID)).text
    assert admin_help.startswith(resident_help)
    for command in ("/stats", "/unanswered", "/broadcast", "/reload", "/undo", "/redo"):
        assert f"\n{command}" in admin_help, command
        assert command not in resident_help and command not in group_help
        word = command.removeprefix("/")
        reply = await bot.staff(command + (" all" if word == "broadcast" else ""))
        assert reply != msg.unknown_command(command), command  # each one listed works
    assert "/tickets" not in admin_help  # no staff group here: no tickets to list
    assert "tin nhắn riêng" in admin_help  # where they work


@pytest.mark.parametrize(
    "text", ["/forget", "/unsubscribe all", "/unsubscribe bhyt", "hủy đăng ký nhận tin bhyt"]
)
async def test_a_group_member_cannot_stop_or_delete_the_groups_alerts(bot: Bot, text: str) -> None:
    await bot.store.subscribe(GROUP, "bhyt")
    reply = await bot.say(GROUP, text, sender="1001")
    assert reply.text == msg.group_staff_only(WARD_NAME)
    assert await bot.store.subscriptions_of(GROUP) == ["bhyt"]
    pressed = await bot.conversation.handle_action(GROUP, "unsub:bhyt", sender="1001")
    assert [r.text for r in pressed] == [msg.group_staff_only(WARD_NAME)]
    assert await bot.store.subscriptions_of(GROUP) == ["bhyt"]


async def test_a_group_member_cannot_subscribe_the_group_but_may_ask(bot: Bot) -> None:
    for text in ("/subscribe bhyt", "đăng ký nhận tin học bổng", "/subscribe all"):
        assert (await bot.say(GROUP, text, sender="1001")).text == msg.group_staff_only(WARD_NAME)
    pressed = await bot.conversation.handle_action(GROUP, "sub:bhyt", sender="1001")
    assert [r.text for r in pressed] == [msg.group_staff_only(WARD_NAME)]
    assert await bot.store.subscriptions_of(GROUP) == []
    topics = await bot.say(GROUP, "/topics", sender="1001")  # the list is there to read
    assert topics.buttons
    answer = await bot.say(GROUP, "đăng ký khai sinh cho con cần giấy tờ gì", sender="1001")
    assert answer.title == "Đăng ký khai sinh cho con cần giấy tờ gì?"


async def test_staff_manage_a_groups_subscriptions(bot: Bot) -> None:
    subscribed = await bot.say(GROUP, "/subscribe bhyt", sender=ADMIN_ID)
    # What the group gets and loses, not the officer who typed it ("cho anh/chị").
    assert subscribed.text.endswith("em sẽ nhắn ngay vào nhóm.")
    await bot.conversation.handle_action(GROUP, "sub:hoc-bong", sender=ADMIN_ID)
    assert sorted(await bot.store.subscriptions_of(GROUP)) == ["bhyt", "hoc-bong"]
    await bot.say(GROUP, "/unsubscribe bhyt", sender=ADMIN_ID)
    assert await bot.store.subscriptions_of(GROUP) == ["hoc-bong"]
    forgot = await bot.say(GROUP, "/forget", sender=ADMIN_ID)
    assert forgot.text.startswith("Dạ, đã xóa toàn bộ dữ liệu của nhóm")
    assert "anh/chị" not in forgot.text
    assert await bot.store.subscriptions_of(GROUP) == []


async def test_admin_commands_are_case_insensitive(bot: Bot) -> None:
    assert "Thống kê" in await bot.staff("/STATS")


async def test_redo_from_an_admin_where_the_bot_cannot_edit_faq_yaml_says_so(bot: Bot) -> None:
    """/redo in an admin's private chat on a bot not allowed to edit faq.yaml: it says so,
    and reloads nothing."""
    assert await bot.staff("/redo") == msg.faq_edit_failed(msg.FAQ_EDIT_OFF)
    assert bot.reloads.calls == 0


# --- /stats -----------------------------------------------------------------------------


async def test_stats_names_each_topic_with_its_followers_and_the_weeks_questions(
    bot: Bot,
) -> None:
    store = bot.store
    for chat in (ALICE, BINH):
        await store.subscribe(chat, "bhyt")
    await store.subscribe(CHAU, "hoc-bong")
    # Questions: three this week (one unanswered), one unanswered just over a week ago.
    await store.log_question(ALICE, "mất thẻ bhyt", True, NOW - 1 * DAY)
    await store.log_question(BINH, "xin giấy phép xây dựng", False, NOW - 6.9 * DAY)
    await store.log_question(CHAU, "học bổng xét cho ai", True, NOW - 7 * DAY)
    await store.log_question(CHAU, "cắt điện khu phố 3", False, NOW - 7 * DAY - 60)
    # Messages: one sent and one failed this week, one sent ten days ago, one waiting.
    await store.queue_message("cũ", [ALICE], NOW - 10 * DAY)
    await finish(store, "telegram", "sent", NOW - 10 * DAY)
    await store.queue_message("tuần này", [ALICE, BINH], NOW - DAY)
    items = await store.due("telegram", NOW)
    await store.mark_sending(items[0])
    await store.mark_done(items[0], "sent", NOW - DAY)
    await store.mark_sending(items[1])
    await store.mark_done(items[1], "failed", NOW - DAY, "blocked")
    await store.queue_message("đang chờ", [CHAU], NOW)

    text = await bot.staff("/stats")

    assert "UBND Phường 2" in text
    lines = text.splitlines()
    for line in (
        "• Bảo hiểm y tế: 2",
        "• Học bổng và khuyến học: 1",
        "• Cư trú: 0",
        "• Hộ tịch: 0",
        "7 ngày qua:",
        "• Câu hỏi: 3",
        "• Chưa trả lời được: 1 (33%)",
        "• Tin báo đã gửi: 1, gửi lỗi: 1, đang chờ gửi: 1",
    ):
        assert line in lines, f"{line!r} not in:\n{text}"


async def test_stats_at_night_say_alerts_wait_for_the_morning(
    ward_engine: Engine, store: Store, settings: Settings, db_path: Path
) -> None:
    """In quiet hours the alerts waiting are no fault: /stats says when they leave."""
    night = replace(settings, quiet_hours=QuietHours.parse("21:30-6:30"))
    bot = make_bot(ward_engine, store, night, db_path)
    line = (
        "• Đang trong giờ không gửi tin ban đêm (21:30–6:30): tin báo về thông báo mới chờ "
        "đến 6:30 sáng mai"
    )
    assert line not in (await bot.staff("/stats"))  # 15:13 in Vietnam
    bot.clock.now = dt.datetime(2024, 8, 1, 23, 40, tzinfo=VIETNAM).timestamp()
    assert line in (await bot.staff("/stats"))


async def test_stats_say_how_many_failed_alerts_went_to_chats_that_blocked_the_bot(
    bot: Bot,
) -> None:
    """An alert refused because the resident blocked the bot is no fault of the bot's or
    the platform's: /stats says how many of those it failed are such."""
    store = bot.store
    for chat in (ALICE, BINH):
        await store.subscribe(chat, "bhyt")
    await store.queue_message("Họp tổ dân phố tối nay.", [ALICE, BINH], NOW - DAY)
    blocked, failed = await store.due("telegram", NOW)
    await store.mark_sending(blocked)
    assert await store.mark_unreachable(blocked, "Forbidden: bot was blocked by the user", NOW)
    await store.mark_sending(failed)
    await store.mark_done(failed, "failed", NOW, "Bad Request: message is too long")
    lines = (await bot.staff("/stats")).splitlines()
    assert "• Tin báo đã gửi: 0, gửi lỗi: 2 (1 vì người nhận đã chặn bot), đang chờ gửi: 0" in lines
    assert await store.subscriptions_of(ALICE) == []


async def test_stats_count_alerts_and_broadcasts_not_staff_answers_or_notes_to_admins(
    bot: Bot,
) -> None:
    # This week: a note to admins ("faq.yaml có lỗi"), a staff answer on a ticket, both
    # delivered; no alert, no broadcast.
    await bot.alerts.tell_admins("⚠️ faq.yaml có lỗi nên chưa nạp được")
    book = TicketBook(bot.store)
    ticket = await book.open(ALICE, "cho hỏi lớp học bơi", NOW)
    await book.add_staff_reply(ticket, "Dạ có.", None, 1, NOW)
    await finish(bot.store, "telegram", "sent", NOW)
    assert "• Tin báo đã gửi: 0, gửi lỗi: 0, đang chờ gửi: 0" in (await bot.staff("/stats"))
    # A broadcast is counted, as an alert would be.
    await bot.store.subscribe(BINH, "bhyt")
    assert "Đã xếp 1 tin" in await bot.broadcast("/broadcast bhyt Họp tổ dân phố tối nay.")
    lines = (await bot.staff("/stats")).splitlines()
    assert "• Tin báo đã gửi: 0, gửi lỗi: 0, đang chờ gửi: 1" in lines


async def test_stats_window_moves_with_the_clock(bot: Bot) -> None:
    await bot.say(ALICE, "xin giấy phép xây dựng nhà ở")
    assert "• Chưa trả lời được: 1 (100%)" in (await bot.staff("/stats")).splitlines()
    bot.clock.now += 8 * DAY
    lines = (await bot.staff("/stats")).splitlines()
    assert "• Câu hỏi: 0" in lines
    assert "• Chưa trả lời được: 0" in lines


async def test_stats_count_a_question_the_resident_edited_as_one_as_it_now_reads(
    bot: Bot,
) -> None:
    """On Telegram a resident may edit a question they sent (a typo fixed, a word added),
    and the bot answers it again: it is still one question. /stats counts it once, and
    /unanswered lists it as it now reads, not each of its wordings."""
    asked = replace(ALICE, message="301")  # the platform's id of the message edited
    await bot.say(asked, "xin giấy phép xây dưng")
    await bot.say(asked, "xin giấy phép xây dựng")  # edited
    await bot.say(asked, "xin giấy phép xây dựng nhà ở riêng lẻ")  # edited again
    await bot.say(replace(ALICE, message="302"), "đổi bằng lái xe")  # another question
    lines = (await bot.staff("/stats")).splitlines()
    assert "• Câu hỏi: 2" in lines
    assert "• Chưa trả lời được: 2 (100%)" in lines
    text = await bot.staff("/unanswered")
    assert "“xin giấy phép xây dựng nhà ở riêng lẻ” — 1 lần" in text
    assert "“đổi bằng lái xe” — 1 lần" in text
    assert "“xin giấy phép xây dựng”" not in text and "dưng" not in text


# --- /broadcast -------------------------------------------------------------------------


async def subscribe_ward(store: Store) -> None:
    """Three bhyt followers that can be pushed to, one on the terminal, one elsewhere."""
    for chat in (ALICE, BINH, CHAU, TERMINAL):
        await store.subscribe(chat, "bhyt")
    await store.subscribe(ALICE, "hoc-bong")
    await store.subscribe(DUNG, "hoc-bong")


async def test_broadcast_to_a_topic_queues_one_message_per_follower_that_can_be_reached(
    bot: Bot,
) -> None:
    await subscribe_ward(bot.store)
    text = await bot.broadcast("/broadcast bhyt Hạn chót gia hạn thẻ BHYT là 31/8.")
    assert "Đã xếp 3 tin" in text
    assert "Bảo hiểm y tế" in text
    assert bot.outbox() == [
        ("telegram", "1001", "Hạn chót gia hạn thẻ BHYT là 31/8."),
        ("telegram", "1002", "Hạn chót gia hạn thẻ BHYT là 31/8."),
        ("zalo", "2001", "Hạn chót gia hạn thẻ BHYT là 31/8."),
    ]
    assert bot.wakes.count == 1
    assert bot.questions() == []  # a staff command is not a resident's question


@pytest.mark.parametrize("typed", ["bhty", "BHYT-", "bảo-hiểm-y-tế"])
async def test_a_broadcast_to_a_mistyped_topic_names_the_nearest_and_sends_nothing(
    bot: Bot, typed: str
) -> None:
    await subscribe_ward(bot.store)
    reply = await bot.say(ADMIN, f"/broadcast {typed} Họp tổ dân phố tối nay.", ADMIN_ID)
    assert "Có phải 'bhyt'?" in reply.text and "/broadcast bhyt NỘI DUNG" in reply.text
    assert reply.buttons == ()
    assert bot.outbox() == []


async def test_a_broadcast_is_shown_for_review_and_sent_once_by_its_button(bot: Bot) -> None:
    """A message to thousands cannot be taken back: /broadcast shows the text and how many
    it reaches, and sends nothing until the admin presses "Gửi"; pressed twice (a slow
    network), it goes once. "Hủy" sends nothing, and so does a button of an older review."""
    await subscribe_ward(bot.store)
    review = await bot.say(ADMIN, "/broadcast all Phường nghỉ làm việc ngày 2/9.", ADMIN_ID)
    assert review.text == msg.admin_broadcast_review(4, None, "Phường nghỉ làm việc ngày 2/9.")
    assert "giờ không gửi tin ban đêm" not in review.text  # 15:13 in Vietnam
    assert bot.outbox() == [] and bot.wakes.count == 0
    assert [b.label for b in review.buttons] == ["📣 Gửi cho 4 người", msg.BROADCAST_DROP_BUTTON]
    assert "Đã xếp 4 tin" in await bot.press(review, "📣 Gửi")
    again = await bot.press(review, "📣 Gửi")
    assert again == msg.admin_broadcast_sent_already(4, None)
    assert len(bot.outbox()) == 4 and bot.wakes.count == 1

    # Dropped: nothing sent, and its "Gửi" pressed after that sends nothing either.
    dropped = await bot.say(ADMIN, "/broadcast bhyt Họp tổ dân phố tối nay.", ADMIN_ID)
    assert await bot.press(dropped, "✖️") == msg.BROADCAST_DROPPED
    assert await bot.press(dropped, "📣 Gửi") == msg.broadcast_button_stale()
    # Typed again, corrected: the first review's button no longer sends.
    typo = await bot.say(ADMIN, "/broadcast bhyt Hop to dan pho toi nay", ADMIN_ID)
    fixed = await bot.say(ADMIN, "/broadcast bhyt Họp tổ dân phố tối nay, 19h.", ADMIN_ID)
    assert await bot.press(typo, "📣 Gửi") == msg.broadcast_button_stale()
    # Nor does a review left for more than an hour.
    bot.clock.now += 3601
    assert await bot.press(fixed, "📣 Gửi") == msg.broadcast_button_stale()
    assert len(bot.outbox()) == 4
    # Another's button pressed by someone not in ADMIN_IDS sends nothing.
    late = await bot.say(ADMIN, "/broadcast bhyt Họp tổ dân phố tối nay, 19h.", ADMIN_ID)
    await bot.conversation.handle_action(ALICE, late.buttons[0].action, sender="1001")
    assert len(bot.outbox()) == 4


async def test_an_admin_button_pressed_once_out_of_admin_ids_is_refused_with_the_id(
    bot: Bot, settings: Settings
) -> None:
    """ADMIN_IDS changed (an officer moved to another post) and the bot restarted: a button
    of an admin's shown before (a broadcast's "Gửi") sends nothing, and says why, with the
    id to pass on, as a command typed would; before, it read "not found"."""
    await subscribe_ward(bot.store)
    review = await bot.say(ADMIN, "/broadcast bhyt Họp tổ dân phố tối nay.", ADMIN_ID)
    admin = bot.conversation.admin
    assert isinstance(admin, Admin)
    admin.settings = replace(settings, admin_ids=frozenset({"telegram:7"}))
    assert await bot.press(review, "📣 Gửi") == msg.admins_only(WARD_NAME, "telegram:42")
    assert bot.outbox() == []


async def test_a_broadcast_reviewed_at_night_says_it_rings_phones(
    ward_engine: Engine, store: Store, settings: Settings, db_path: Path
) -> None:
    """A broadcast goes at any hour and rings (staff chose to send it now): at 23:40 the
    review says so, and when the quiet hours end, for what can wait."""
    night = replace(settings, quiet_hours=QuietHours.parse("21:30-6:30"))
    bot = make_bot(ward_engine, store, night, db_path)
    bot.clock.now = dt.datetime(2024, 8, 1, 23, 40, tzinfo=VIETNAM).timestamp()
    await subscribe_ward(bot.store)
    review = await bot.say(ADMIN, "/broadcast bhyt Sáng mai cắt nước.", ADMIN_ID)
    assert (
        "Đang trong giờ không gửi tin ban đêm (21:30–6:30): tin này vẫn gửi ngay và đổ "
        "chuông điện thoại người nhận; tin không gấp thì nên để đến 6:30 sáng mai." in review.text
    )
    assert "Đã xếp 3 tin" in await bot.press(review, "📣 Gửi")


async def test_a_broadcast_reviewed_before_the_quiet_hours_is_shown_again_in_them(
    ward_engine: Engine, store: Store, settings: Settings, db_path: Path
) -> None:
    """Reviewed at 21:20 (nothing said of the night) and "Gửi" pressed at 21:40: it does
    not ring the followers' phones unwarned; the review comes again saying so, and its
    "Gửi" sends it."""
    night = replace(settings, quiet_hours=QuietHours.parse("21:30-6:30"))
    bot = make_bot(ward_engine, store, night, db_path)
    bot.clock.now = dt.datetime(2024, 8, 1, 21, 20, tzinfo=VIETNAM).timestamp()
    await subscribe_ward(bot.store)
    review = await bot.say(ADMIN, "/broadcast bhyt Sáng mai cắt nước.", ADMIN_ID)
    assert "giờ không gửi tin ban đêm" not in review.text
    bot.clock.now += 20 * 60
    [again] = await bot.conversation.handle_action(ADMIN, review.buttons[0].action, sender=ADMIN_ID)
    assert again.text == msg.admin_broadcast_review(
        3, "Bảo hiểm y tế", "Sáng mai cắt nước.", ("21:30–6:30", "6:30 sáng mai")
    )
    assert bot.outbox() == []
    assert "Đã xếp 3 tin" in await bot.press(again, "📣 Gửi")


async def test_broadcast_all_reaches_each_follower_once(bot: Bot) -> None:
    await subscribe_ward(bot.store)
    text = await bot.broadcast("/broadcast all Phường nghỉ làm việc ngày 2/9.")
    assert "Đã xếp 4 tin" in text
    assert [(c, i) for c, i, _ in bot.outbox()] == [
        ("telegram", "1001"),  # follows two topics, told once
        ("telegram", "1002"),
        ("telegram", "1003"),
        ("zalo", "2001"),
    ]


async def test_broadcast_all_says_to_whom_it_went_and_that_nobody_follows_anything(
    bot: Bot,
) -> None:
    """ "/broadcast all" goes to everyone following a topic: staff read so, not "người theo
    dõi mọi chủ đề" (who follow every topic), nor, with no follower at all, "Không có ai
    theo dõi mọi chủ đề" (nobody follows every topic: some may follow one)."""
    nobody = await bot.staff("/broadcast all Phường nghỉ làm việc ngày 2/9.")
    assert nobody == "Chưa có ai nhận tin chủ đề nào; chưa gửi tin nào."
    await subscribe_ward(bot.store)
    review = await bot.staff("/broadcast all Phường nghỉ làm việc ngày 2/9.")
    assert review.startswith("📣 Xem lại trước khi gửi: tin dưới đây sẽ tới 4 người đang nhận tin")
    queued = await bot.broadcast("/broadcast all Phường nghỉ làm việc ngày 2/9.")
    assert queued.startswith("Đã xếp 4 tin vào hàng gửi cho mọi người đang nhận tin")
    assert "mọi chủ đề" not in nobody + review + queued


async def test_broadcast_topic_is_case_insensitive(bot: Bot) -> None:
    await subscribe_ward(bot.store)
    assert "Đã xếp 2 tin" in await bot.broadcast("/broadcast HOC-BONG Nộp hồ sơ trước 30/8.")
    assert [i for _, i, _ in bot.outbox()] == ["1001", "1003"]


async def test_broadcast_to_a_topic_nobody_follows_queues_nothing(bot: Bot) -> None:
    await subscribe_ward(bot.store)
    text = await bot.staff("/broadcast cu-tru Lịch tiếp dân thay đổi.")
    assert text == msg.admin_broadcast_queued(0, "Cư trú")
    assert "Không có ai theo dõi" in text
    assert bot.outbox() == []
    assert bot.wakes.count == 0


@pytest.mark.parametrize(
    "command",
    ["/broadcast", "/broadcast bhyt", "/broadcast all   ", "/broadcast dien-nuoc Mất điện"],
)
async def test_broadcast_without_text_or_with_an_unknown_topic_explains_usage(
    bot: Bot, command: str
) -> None:
    await subscribe_ward(bot.store)
    text = await bot.staff(command)
    assert text.startswith("Cách dùng: /broadcast")
    assert "bhyt, hoc-bong, cu-tru, ho-tich" in text
    assert bot.outbox() == []


async def test_broadcast_text_may_start_on_the_next_line(bot: Bot) -> None:
    # BUG: wardbot/admin.py:131 `arg.partition(" ")` splits the topic from the text at the
    # first space only, so "/broadcast bhyt\nKính gửi bà con..." reads the topic as
    # "bhyt\nKính" and answers with the usage text; nothing is queued. Staff naturally
    # type the topic, then the message on a new line. Fix: `target, _, text =
    # arg.partition(" ")` -> `target, text = (arg.split(maxsplit=1) + ["", ""])[:2]`
    # (split on any whitespace), keeping the message's own line breaks.
    await subscribe_ward(bot.store)
    text = await bot.broadcast("/broadcast bhyt\nKính gửi bà con,\nhạn gia hạn thẻ là 31/8.")
    assert "Đã xếp 3 tin" in text
    assert {m for _, _, m in bot.outbox()} == {"Kính gửi bà con,\nhạn gia hạn thẻ là 31/8."}


async def test_tell_admins_reaches_admins_on_pushing_channels_only(
    ward_engine: Engine, store: Store, ward_settings: Settings, db_path: Path
) -> None:
    settings = replace(
        ward_settings, admin_ids=frozenset({"telegram:42", "zalo:9a", "terminal:local"})
    )
    bot = make_bot(ward_engine, store, settings, db_path)
    assert await bot.alerts.tell_admins("faq.yaml có lỗi") == 2
    assert bot.outbox() == [
        ("telegram", "42", "faq.yaml có lỗi"),
        ("zalo", "9a", "faq.yaml có lỗi"),
    ]
    assert bot.wakes.count == 1
    nobody = Alerts(ward_engine, store, ward_settings, PUSHING, wake=bot.wakes, clock=bot.clock)
    assert await nobody.tell_admins("không ai nghe") == 0
    assert bot.wakes.count == 1
    assert len(bot.outbox()) == 2


# --- /unanswered ------------------------------------------------------------------------


async def test_unanswered_groups_the_same_question_typed_differently(bot: Bot) -> None:
    log = bot.store.log_question
    await log(ALICE, "làm lại cccd", False, NOW - 3 * DAY)
    await log(BINH, "lam lai CCCD o dau", False, NOW - 2 * DAY)
    await log(CHAU, "xin giấy phép xây dựng", False, NOW - 1 * DAY)  # newest, but alone
    await log(DUNG, "mất thẻ bhyt", True, NOW - 1 * DAY)  # answered: not listed
    await log(DUNG, "đổi bằng lái xe", False, NOW - 31 * DAY)  # before the 30-day window

    text = await bot.staff("/unanswered")

    group = text.index("1. “lam lai CCCD o dau” — 2 lần")
    also = text.index("cũng hỏi: “làm lại cccd”")
    single = text.index("2. “xin giấy phép xây dựng” — 1 lần")
    assert group < also < single
    assert "30 ngày" in text
    assert "mất thẻ bhyt" not in text
    assert "bằng lái" not in text
    assert "3." not in text


async def test_unanswered_with_nothing_to_show(bot: Bot) -> None:
    await bot.store.log_question(ALICE, "đổi bằng lái xe", False, NOW - 31 * DAY)
    await bot.store.log_question(ALICE, "mất thẻ bhyt", True, NOW)
    text = await bot.staff("/unanswered")
    assert text == msg.admin_unanswered(30, [])
    assert "không có câu hỏi nào" in text


async def test_unanswered_says_the_days_the_question_log_keeps(
    ward_engine: Engine, store: Store, settings: Settings, db_path: Path
) -> None:
    """QUESTION_LOG_DAYS=7: the list is a week's, and says so, not "30 days"."""
    bot = make_bot(ward_engine, store, replace(settings, question_log_days=7), db_path)
    await bot.say(ALICE, "xin giấy phép xây dựng nhà ở")
    text = await bot.staff("/unanswered")
    assert "(7 ngày qua)" in text and "30 ngày" not in text


async def test_unanswered_window_moves_with_the_clock(bot: Bot) -> None:
    await bot.say(ALICE, "xin giấy phép xây dựng nhà ở")
    assert "“xin giấy phép xây dựng nhà ở” — 1 lần" in await bot.staff("/unanswered")
    bot.clock.now += 30 * DAY + 1
    assert "xây dựng" not in await bot.staff("/unanswered")


def test_group_questions_ignores_accents_case_and_word_order() -> None:
    groups = group_questions(
        ["CCCD làm lại", "lam lai cccd", "  làm   lại CCCD ", "xin giấy phép xây dựng", "  "]
    )
    assert groups == [
        (3, "CCCD làm lại", ["lam lai cccd", "làm lại CCCD"]),
        (1, "xin giấy phép xây dựng", []),
    ]


def test_group_questions_lists_each_wording_once_and_at_most_the_examples_asked() -> None:
    texts = ["mất điện", "mat dien", "mất điện", "Mất điện", "MAT DIEN"]
    assert group_questions(texts, examples=2) == [(5, "mất điện", ["mat dien", "Mất điện"])]
    assert group_questions(texts, examples=0) == [(5, "mất điện", [])]


def test_group_questions_ties_go_to_the_newest_group() -> None:
    assert [example for _, example, _ in group_questions(["cắt điện", "học bổng", "mua bhyt"])] == [
        "cắt điện",
        "học bổng",
        "mua bhyt",
    ]
    assert group_questions([]) == []


# --- /reload ----------------------------------------------------------------------------


async def test_reload_rereads_the_files_and_lists_the_problems(bot: Bot) -> None:
    text = await bot.staff("/reload")
    assert bot.reloads.calls == 1
    assert text.startswith("Đã nạp lại: 8 câu hỏi đáp, 4 thông báo.")
    for problem in PROBLEMS:
        assert problem in text.splitlines()


async def test_reload_without_problems_says_only_what_was_loaded(
    ward_engine: Engine, store: Store, settings: Settings, db_path: Path
) -> None:
    bot = make_bot(ward_engine, store, settings, db_path, problems=[])
    assert await bot.staff("/reload") == "Đã nạp lại: 8 câu hỏi đáp, 4 thông báo."
    assert bot.reloads.calls == 1


# --- the question log -------------------------------------------------------------------


async def test_questions_are_logged_with_the_answer_and_the_time(bot: Bot) -> None:
    answered = await bot.say(ALICE, "làm lại thẻ bhyt bị mất")
    assert answered.title == "Mất thẻ bảo hiểm y tế thì làm sao?"
    bot.clock.now += 60
    unanswered = await bot.say(BINH, "xin giấy phép xây dựng nhà ở")
    assert unanswered.title is None
    assert bot.questions() == [
        ("telegram", "1001", NOW, "làm lại thẻ bhyt bị mất", 1),
        ("telegram", "1002", NOW + 60, "xin giấy phép xây dựng nhà ở", 0),
    ]


@pytest.mark.parametrize("text", ["/help", "/start", "/topics", "chào ad", "cảm ơn nhé", "/bogus"])
async def test_commands_and_small_talk_are_not_logged(bot: Bot, text: str) -> None:
    await bot.conversation.handle_text(ALICE, text, sender="1001")
    assert bot.questions() == []


@pytest.mark.parametrize(
    ("question", "secret"),
    [
        ("làm lại thẻ bhyt bị mất, sđt em 0912 345 678", "345"),
        ("mat the bhyt goi 0912-345-678 hoac email an.nguyen@gmail.com", "an.nguyen"),
        ("mat the bhyt goi +84 912.345.678", "912"),
        ("cccd 079123456789 cua em bi mat thi lam lai o dau", "079123"),
        ("mat the bhyt, lien he 0912345678", "0912345678"),
        # BUG: wardbot/conversation.py:137 `\+?\d(?:[\s.-]?\d){6,}` allows one separator
        # character between digits, so a phone number written "0912 - 345 - 678" (or with
        # two spaces, "0912  345  678") is logged in full. Fix: allow a run of separators,
        # e.g. `\+?\d(?:[\s.()-]*\d){6,}` (or collapse whitespace before scrubbing).
        ("sdt 0912 - 345 - 678, cho hoi lam giay phep xay dung", "678"),
    ],
)
async def test_phone_numbers_ids_and_emails_never_reach_the_log(
    bot: Bot, question: str, secret: str
) -> None:
    await bot.say(ALICE, question)
    [(_, _, _, logged, _)] = bot.questions()
    assert secret not in logged
    assert "…" in logged
    assert sum(ch.isdigit() for ch in logged) < 7
    # What is left still tells staff what was asked.
    assert logged.split()[0] == question.split()[0]


async def test_nothing_is_logged_when_the_log_is_turned_off(
    ward_engine: Engine, store: Store, settings: Settings, db_path: Path
) -> None:
    bot = make_bot(ward_engine, store, replace(settings, question_log_days=0), db_path)
    reply = await bot.say(ALICE, "làm lại thẻ bhyt bị mất")
    assert reply.title == "Mất thẻ bảo hiểm y tế thì làm sao?"
    await bot.say(BINH, "xin giấy phép xây dựng nhà ở")
    assert bot.questions() == []
    # Admins are not told "0 questions, none unanswered": nothing is counted.
    stats = (await bot.staff("/stats")).splitlines()
    assert f"• Câu hỏi: {msg.QUESTION_LOG_OFF}" in stats
    # Alerts sent and tickets answered are kept a day then: the figures are a day's.
    assert "1 ngày qua:" in stats and "7 ngày qua:" not in stats
    assert not any(line.startswith("• Chưa trả lời được") for line in stats)
    assert await bot.staff("/unanswered") == msg.admin_unanswered_off()
    assert "QUESTION_LOG_DAYS=0" in msg.admin_unanswered_off()


# --- privacy: /forget and retention -----------------------------------------------------


async def test_forget_removes_everything_about_the_chat_and_nothing_else(bot: Bot) -> None:
    for chat, sender in ((ALICE, "1001"), (BINH, "1002")):
        await bot.say(chat, "/subscribe bhyt", sender=sender)
        await bot.say(chat, "xin giấy phép xây dựng nhà ở", sender=sender)
    await bot.broadcast("/broadcast bhyt Hạn gia hạn thẻ là 31/8.")
    await finish(bot.store, "telegram", "sent", NOW)
    await bot.broadcast("/broadcast bhyt Nhắc lại: hạn là 31/8.")  # still waiting
    for table in ("questions", "outbox", "subscriptions", "chats"):
        assert bot.rows(table, ALICE), table

    reply = await bot.say(ALICE, "/forget", sender="1001")

    assert reply.text == msg.forget_done()
    for table in ("questions", "outbox", "subscriptions", "chats", "unreachable"):
        assert bot.rows(table, ALICE) == [], table
    assert len(bot.rows("questions", BINH)) == 1
    assert len(bot.rows("outbox", BINH)) == 2
    assert await bot.store.subscriptions_of(BINH) == ["bhyt"]
    assert [item.chat for item in await bot.store.due("telegram", NOW)] == [BINH]
    assert "• Bảo hiểm y tế: 1" in (await bot.staff("/stats")).splitlines()


async def test_purge_deletes_only_old_questions_and_finished_messages(bot: Bot) -> None:
    store, keep = bot.store, 90 * DAY
    await store.log_question(ALICE, "câu hỏi cũ", False, NOW - 91 * DAY)
    await store.log_question(ALICE, "câu hỏi mới", False, NOW - 89 * DAY)
    await store.queue_message("gửi xong từ lâu", [ALICE], NOW - 100 * DAY)
    await finish(store, "telegram", "sent", NOW - 95 * DAY)
    await store.queue_message("lỗi từ lâu", [BINH], NOW - 100 * DAY)
    await finish(store, "telegram", "failed", NOW - 95 * DAY)
    await store.queue_message("gửi xong gần đây", [ALICE], NOW - 100 * DAY)
    await finish(store, "telegram", "sent", NOW - 10 * DAY)
    await store.queue_message("còn chờ từ lâu", [CHAU], NOW - 100 * DAY)  # never sent

    assert await store.purge(NOW - keep) == 3

    assert [q[3] for q in bot.questions()] == ["câu hỏi mới"]
    assert [text for _, _, text in bot.outbox()] == ["gửi xong gần đây", "còn chờ từ lâu"]
    assert await store.message_text((await store.due("zalo", NOW))[0].ref) == "còn chờ từ lâu"
    assert await store.purge(NOW - keep) == 0
    assert await store.question_counts(0) == (1, 1)


# --- configuration ----------------------------------------------------------------------


def test_admin_ids_take_the_channel_in_any_case_and_match_the_admin(bot: Bot) -> None:
    settings = Settings.from_env({"ADMIN_IDS": " Telegram:42 , ZALO:8a1B2c "})
    assert settings.admin_ids == {"telegram:42", "zalo:8a1B2c"}
    assert settings.is_admin("telegram", "42") and settings.is_admin("zalo", "8a1B2c")


@pytest.mark.parametrize(
    ("value", "entry"),
    [
        ("telgram:123", "telgram:123"),  # a typo in the channel: it would never match
        ("telegram:42,web:abc", "web:abc"),  # web chat visitors are anonymous
        ("terminal:local", "terminal:local"),
        ("123456789", "123456789"),  # the channel left out
        ("telegram:@tuan", "telegram:@tuan"),  # a username, not the numeric id
        ("telegram:", "telegram:"),
        ("zalo:8a1b 2c", "zalo:8a1b 2c"),
        # Telegram's stand-in for any anonymous group administrator, not a person.
        ("telegram:1087968824", "telegram:1087968824"),
    ],
)
def test_an_admin_id_that_could_never_match_is_a_configuration_error(
    value: str, entry: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        Settings.from_env({"ADMIN_IDS": value})
    message = str(raised.value)
    assert message.startswith("Cài đặt ADMIN_IDS chưa đúng: ") and f"“{entry}”" in message
    assert "\n" not in message and "/stats" in message  # how to find one's own id


@pytest.mark.parametrize(
    ("value", "days"), [(None, 90), ("", 90), ("30", 30), (" 7 ", 7), ("0", 0)]
)
def test_question_log_days_from_the_environment(value: str | None, days: int) -> None:
    env = {} if value is None else {"QUESTION_LOG_DAYS": value}
    assert Settings.from_env(env).question_log_days == days


@pytest.mark.parametrize(("value", "kb"), [(None, 200), ("", 200), ("512", 512), (" 64 ", 64)])
def test_max_notice_kb_from_the_environment(value: str | None, kb: int) -> None:
    env = {} if value is None else {"MAX_NOTICE_KB": value}
    assert Settings.from_env(env).max_notice_bytes == kb * 1024


@pytest.mark.parametrize("value", ["0", "-5", "200KB", "1.5"])
def test_max_notice_kb_must_be_a_positive_whole_number(value: str) -> None:
    with pytest.raises(ConfigError, match="MAX_NOTICE_KB"):
        Settings.from_env({"MAX_NOTICE_KB": value})


@pytest.mark.parametrize("value", ["-1", "abc", "1.5", "90 ngày"])
def test_question_log_days_must_be_a_non_negative_whole_number(value: str) -> None:
    with pytest.raises(ConfigError, match="QUESTION_LOG_DAYS"):
        Settings.from_env({"QUESTION_LOG_DAYS": value})


async def test_after_forget_no_question_the_resident_asked_is_kept_in_memory(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A question asked again costs no model call: its vector is kept in memory, by its
    text. After the resident's /forget their words are kept there no more: the same words
    asked later by someone else go to the model again."""
    engine = bot.conversation.engine
    assert isinstance(engine, Engine) and engine.embedder is not None
    asked: list[str] = []
    inner = engine.embedder

    class Counting:
        name = inner.name

        def embed(self, texts: list[str], *, query: bool) -> Any:
            asked.extend(texts if query else [])
            return inner.embed(texts, query=query)

    monkeypatch.setattr(engine, "embedder", Counting())
    question = "thủ tục xin phép nuôi đà điểu zqxwv trong hẻm"
    await bot.say(ALICE, question, sender=ALICE.chat_id)
    await bot.say(BINH, question, sender=BINH.chat_id)
    assert len([t for t in asked if "zqxwv" in t]) == 1  # kept: the second cost nothing
    assert (await bot.say(ALICE, "/forget", sender=ALICE.chat_id)).text == msg.forget_done()
    await bot.say(CHAU, question, sender=CHAU.chat_id)
    assert len([t for t in asked if "zqxwv" in t]) == 2
