"""Typed numbers across the rules that decide them, end to end: a resident's realistic
sequences on the Zalo channel (numbered lines, against the fake Zalo Bot API), with a real
staff desk, alerts pushed as the outbox pushes them, staff answers, 'sai rồi', /topics and
restarts in between; the same on Telegram and the web chat (real buttons, a typed number
counts them; a page is pushed no alerts) and in the terminal (no staff, no alerts). Each
row says what the resident most plausibly meant; the clocks are the tests' own."""

from __future__ import annotations

import asyncio
import contextlib
import io
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from typing import Any

import httpx
import pytest
from browser import serve
from chat_ward import EXAMPLE, WARD_NAME
from fakes.telegram_api import FakeBotApi, visible_text
from fakes.zalo_api import FakeZaloApi
from test_desk import STAFF_GROUP, UNKNOWN, Clock, FakeRoom, staff
from test_webchat import SESSION, history, send
from test_zalo import Clock as ZaloClock
from test_zalo import zalo_settings

from handlers.telegram import TelegramChannel
from handlers.terminal import RULE, run_chat
from handlers.webchat import WebChatChannel
from handlers.zalo import ZaloChannel
from wardbot import messages as msg
from wardbot.alert_replies import alerts_reply
from wardbot.config import Secret, Settings
from wardbot.conversation import Conversation
from wardbot.desk import Desk
from wardbot.engine import Engine
from wardbot.hours import OfficeHours
from wardbot.models import Announcement
from wardbot.outbox import Composer, Sender
from wardbot.reply import Reply
from wardbot.store import ChatRef, Store
from wardbot.tickets import TicketBook
from wardbot.web import web_app

ZALO_RESIDENT = "6ede9afb3c3e4d6f8a01"
TELEGRAM_RESIDENT = 501


class Ward:
    """One channel as `bot.py run` makes it, with its staff desk (the staff group a
    FakeRoom), against the channel's fake API; `running()` starts it (again: a restart)
    on the same database. What the resident reads: `lines` of a message, numbered as
    they would type them."""

    api: Any
    chat: Any
    channel: Any
    pushed_numbered = True  # an alert's choices are read as numbered (else counted unseen)

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        hours = OfficeHours.parse("T2-T6 7:30-11:30 13:30-17:00")
        self.settings = replace(settings, staff_chat_id=STAFF_GROUP, office_hours=hours)
        self.room = FakeRoom()
        self.clock = Clock()  # the desk's and the conversation's

    def make(self, settings: Settings, conversation: Conversation) -> Any:
        raise NotImplementedError

    def text(self, call: Any) -> str:
        return str(call.text)

    def lines(self, call: Any) -> dict[int, str]:
        raise NotImplementedError

    def later(self) -> None:
        raise NotImplementedError

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        async with await Store.open(self.settings.data_dir / "bot.sqlite3") as store:
            self.store = store
            self.desk = Desk(TicketBook(store), self.settings, self.engine, clock=self.clock)
            self.desk.room = self.room
            conversation = Conversation(
                self.engine, store, self.settings, desk=self.desk, clock=self.clock
            )
            self.channel = self.make(self.settings, conversation)
            await self.channel.start()
            try:
                yield
            finally:
                await self.channel.stop()

    async def say(self, text: str) -> Any:
        return (await self.api.say(self.chat, text))[0]

    def mark(self) -> int:
        return len(self.api.calls)

    async def sent_since(self, mark: int) -> list[Any]:
        return list(self.api.sent(self.chat, since=mark))

    async def push(self, replies: list[Reply]) -> None:
        """An alert, as the outbox pushes it."""
        await self.channel.deliver(str(self.chat), replies)

    def sender(self) -> Sender:
        """The channel's outbox sender, as `bot.py run` makes it."""
        composer = Composer(
            lambda: self.engine.corpus,
            self.store,
            today=lambda: self.engine.today,
            kinds={"reply": self.desk.compose},
        )
        return Sender(
            self.store,
            self.channel,
            composer,
            on_done=self.desk.delivered,
            clock=self.clock,
            alerts_wait=self.desk.alerts_wait,
        )

    async def staff_answers(self, text: str) -> None:
        """Staff reply to the resident's ticket in the staff group; the outbox pushes it."""
        await self.desk.post_pending()
        await self.desk.on_staff_message(staff(text, reply_to=self.room.posts[0].message_id))
        await self.sender().drain()

    async def queue_alert(self) -> None:
        """The alert of two notices published together, queued for the resident (who
        follows their topics) as the bot queues it; the outbox sends what is due."""
        chat = ChatRef(self.channel.name, str(self.chat))
        notices = burst_notices(self.engine)
        for notice in notices:
            for topic in notice.topics:
                await self.store.subscribe(chat, topic)
        async with self.store.writing() as db:
            await db.executemany(
                "INSERT OR IGNORE INTO outbox (channel, chat_id, kind, ref, created_at, not_before) "
                "VALUES (?, ?, 'alert', ?, ?, ?)",
                [(chat.channel, chat.chat_id, n.id, self.clock(), self.clock()) for n in notices],
            )
        await self.sender().drain()

    async def staff_got(self) -> list[str]:
        await self.desk.post_pending()
        return [p.reply.text for p in self.room.posts]


class ZaloWard(Ward):
    """Zalo: choices are numbered lines."""

    def __init__(self, api: FakeZaloApi, engine: Engine, settings: Settings) -> None:
        super().__init__(engine, settings)
        self.api, self.chat = api, ZALO_RESIDENT
        self.settings = zalo_settings(self.settings, api)
        self.polls = ZaloClock()

    def make(self, settings: Settings, conversation: Conversation) -> ZaloChannel:
        return ZaloChannel(
            settings, conversation, poll_timeout=0.1, clock=self.polls, sleep=self.polls.sleep
        )

    def lines(self, call: Any) -> dict[int, str]:
        found = (re.match(r"(\d+)\. (.*)", line) for line in call.text.splitlines())
        return {int(m[1]): m[2] for m in found if m}

    def later(self) -> None:
        self.polls.now += 3600
        self.clock.now += 3600


class TelegramWard(Ward):
    """Telegram: choices are buttons; a number typed counts them from the top."""

    def __init__(self, api: FakeBotApi, engine: Engine, settings: Settings) -> None:
        super().__init__(engine, settings)
        self.api, self.chat = api, TELEGRAM_RESIDENT
        self.settings = replace(
            self.settings, telegram_token=Secret(api.token), telegram_base_url=api.base_url
        )

    def make(self, settings: Settings, conversation: Conversation) -> TelegramChannel:
        return TelegramChannel(settings, conversation, poll_timeout=1)

    pushed_numbered = False  # an alert's buttons: what a number counts is not shown

    def text(self, call: Any) -> str:
        return visible_text(call.text)

    def lines(self, call: Any) -> dict[int, str]:
        return {number: label for number, (label, _) in enumerate(call.buttons, 1)}


class WebWard(Ward):
    """The web chat: choices are buttons (a reply's own actions first), and a number typed
    counts them from the top, as on Telegram; a page is never pushed alerts."""

    pushed_numbered = False

    def __init__(self, engine: Engine, settings: Settings) -> None:
        super().__init__(engine, settings)
        self.settings = replace(self.settings, web_chat=True)
        self.chat = SESSION
        self.seen = 0

    def make(self, settings: Settings, conversation: Conversation) -> WebChatChannel:
        return WebChatChannel(settings, conversation, clock=ZaloClock())

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        async with (
            super().running(),
            serve(web_app(self.channel.routes())) as url,
            httpx.AsyncClient(base_url=url, timeout=30.0) as client,
        ):
            self.client = client
            yield

    def mark(self) -> int:
        return self.seen

    async def sent_since(self, mark: int) -> list[dict[str, Any]]:
        entries = await history(self.client, SESSION, after=mark)
        if entries:
            self.seen = max(entry["id"] for entry in entries)
        return [entry for entry in entries if entry["from"] == "bot"]

    async def say(self, text: str) -> dict[str, Any]:
        mark = self.mark()
        assert (await send(self.client, text=text)).status_code == 200
        return (await self.sent_since(mark))[0]

    def text(self, call: Any) -> str:
        return "\n\n".join(part for part in (call.get("title"), call["text"]) if part)

    def lines(self, call: Any) -> dict[int, str]:
        shown = [*call.get("actions", []), *call.get("buttons", [])]
        return {number: button["label"] for number, button in enumerate(shown, 1)}


async def open_ticket(ward: Ward) -> None:
    no_answer = await ward.say(UNKNOWN)
    ask = [
        n for n, label in ward.lines(no_answer).items() if msg.ask_staff_button(WARD_NAME) in label
    ]
    assert ask, no_answer.text
    await ward.say(str(ask[0]))


# --- the table ---------------------------------------------------------------------------
# Each step: what the resident (or staff, or the platform) does, and what the resident
# most plausibly meant by it, as the bot must take it. `LINE`: the line the resident sees
# numbered so, the latest one shown with that number (its title is what opens).

BHYT_LOST = "mất thẻ bhyt thì làm sao"  # answered; related: two entries, the notice (1-3)
BHYT_NOTICE = "Về việc điều chỉnh mức đóng BHYT"
SCHOLARSHIP = "Thông báo xét học bổng khuyến học năm 2024"
RATE = "Mức đóng bảo hiểm y tế hộ gia đình là bao nhiêu?"
LINE = "line"
# A line's number as words, in what the resident says ("số hai", "cái đầu tiên").
SPOKEN = {"tiên": 1, "hai": 2, "ba": 3}
LINES = "lines"  # several numbers typed at once ("1 và 2"): the first one's line opens first
FOLLOWS = "follows"  # several topics picked at once, each followed: "follows:NAME|NAME"
DAY = "day"  # a day of a month asked of ("2/9?"): answered as a question, no line, no list


@dataclass(frozen=True)
class Say:
    text: str
    # LINE; LINES; "open:<title>"; "staff" (relayed, and only that); "which" (which
    # notice?); "not on list"; "no list"; "call back" (a phone number alone: the bot
    # cannot call, says where staff answer); "one at a time" (several numbers that each
    # do something: typed one a message); FOLLOWS; "asked": a question, answered by the bot (and
    # relayed to staff too with a ticket open).
    means: str


@dataclass(frozen=True)
class Do:
    # "ticket", "alert" (two notices, pushed), "queued alert" (the same, queued in the
    # outbox: sent when due), "staff answer", "restart", "later"
    what: str


def opens(title: str) -> str:
    return f"open:{title}"


SCENARIOS: dict[str, list[Say | Do]] = {
    "a number with an emoji, a mark or polite words around it picks its line, never 'no list'": [
        Say(BHYT_LOST, "asked"),
        Say("2 🙏", LINE),  # before: "hiện không có danh sách nào để chọn “2”"
        Say(BHYT_LOST, "asked"),
        Say("#2", LINE),
        Say(BHYT_LOST, "asked"),
        Say("dạ số 1", LINE),  # before: a question, answered "em chưa có thông tin"
        Say(BHYT_LOST, "asked"),
        Say("em chọn 2 nhen", LINE),
    ],
    "a number said to someone after a particle ('2 nha chị'), or after 'ừ', picks its line": [
        Say(BHYT_LOST, "asked"),
        Say("2 nha chị", LINE),  # before: a question, answered "em chưa có thông tin"
        Say(BHYT_LOST, "asked"),
        Say("ừ 2", LINE),
        Say(BHYT_LOST, "asked"),
        Say("okie số 1", LINE),
    ],
    "a day written in numbers under a list ('2/9?', '2-9', '2/9/2026?') is asked, no line": [
        Say(BHYT_LOST, "asked"),
        Say("2/9?", DAY),  # before: "hiện không có danh sách nào để chọn “2 9”" under it
        Say(BHYT_LOST, "asked"),
        Say("2/9/2026?", DAY),
        Say(BHYT_LOST, "asked"),
        Say("2-9", DAY),  # before: "số 4 không có trong danh sách", a run of lines 2 to 9
        Say(BHYT_LOST, "asked"),
        Say("1-3", LINES),  # every line of it on the list: a run, lines 1 to 3
    ],
    "'1/3' under a list picks lines 1 and 3; a run past its end ('1-25') is off it, no 'no list'": [
        Say(BHYT_LOST, "asked"),
        Say("1/3", LINES),  # before: a day asked of, "em chưa có thông tin"
        Say(BHYT_LOST, "asked"),
        Say("1 / 2 ạ", LINES),
        Say(BHYT_LOST, "asked"),
        Say("1-25", "not on list"),  # before: "hiện không có danh sách nào để chọn"
        Say("2", LINE),  # the list, shown again, still picks
    ],
    "numbers past a list's end, one too long to be a line's, are named off it, no 'no list'": [
        Say(BHYT_LOST, "asked"),
        Say("1-1000", "not on list"),  # before: "hiện không có danh sách nào để chọn “1 1000”"
        Say("1, 100", "not on list"),
        Say("1 - 99999999 ạ", "not on list"),
        Say("3", LINE),  # the list, shown again, still picks
    ],
    "'3/1', '1/2/3' under a list pick each line in the order typed; '1/3/2026' is a day": [
        Say(BHYT_LOST, "asked"),
        Say("3/1", LINES),
        Say(BHYT_LOST, "asked"),
        Say("1/2/3 ạ", LINES),
        Say(BHYT_LOST, "asked"),
        Say("1/3/2026", DAY),
    ],
    "'1/3' under numbered topics follows both": [
        Say("/topics", ""),
        Say("1/3", f"{FOLLOWS}:Bảo hiểm y tế|Cư trú"),
    ],
    "a line's number said in words, as a phone's voice typing writes it, or after 'xem'": [
        Say(BHYT_LOST, "asked"),
        Say("số hai", LINE),
        Say("xem cái đầu tiên", LINE),
        Say("chọn số ba", LINE),
    ],
    "'thế còn số 2 thì sao' under a list asks for its line 2, not what the answer says of '2'": [
        Say(BHYT_LOST, "asked"),
        Say("1", LINE),
        Say("thế còn số 2 thì sao", LINE),
        Say("còn cái thứ ba thì sao ạ", LINE),
    ],
    "xem toàn văn under a burst, a ticket open: asks which notice, not sent to staff": [
        Do("ticket"),
        Do("alert"),
        Say("xem toàn văn", "which"),
        Say("2", LINE),
    ],
    "a ticket open: a number off the list to staff, then one on it still picks its line": [
        Do("ticket"),
        Say(BHYT_LOST, "asked"),
        Say("5", "staff"),  # staff asked how many live there
        Say("2", LINE),  # the list is still on screen, and 2 is on it
        Say("lớp học ở hồ bơi nào ạ", "staff"),  # relayed, and nothing more: the list stays
        Say("1", LINE),
    ],
    "a restart under close matches and a burst numbered after them: each line still opens": [
        Say(BHYT_LOST, "asked"),
        Do("alert"),  # lines 4 and 5
        Do("restart"),
        Say("5", opens(SCHOLARSHIP)),
    ],
    "a restart under close matches and a burst: the list's own line": [
        Say(BHYT_LOST, "asked"),
        Do("alert"),
        Do("restart"),
        Say("2", LINE),
    ],
    "a restart under a burst: xem toàn văn asks which": [
        Say(BHYT_LOST, "asked"),
        Do("alert"),
        Do("restart"),
        Say("xem toàn văn", "which"),  # a list of its own, from 1
        Say("1", LINE),
    ],
    "a restart under /topics: a number still follows the topic on its line": [
        Say("/topics", ""),
        Do("restart"),
        Say("2", opens(msg.subscribed(WARD_NAME, "Học bổng và khuyến học"))),
    ],
    "a restart, then an alert while the list is fresh: numbered after it": [
        Say(BHYT_LOST, "asked"),
        Do("restart"),
        Do("alert"),
        Say("4", opens(BHYT_NOTICE)),
    ],
    "a restart, then an alert while the list is fresh: '2' is still the list's": [
        Say(BHYT_LOST, "asked"),  # 2. Mức đóng bảo hiểm y tế hộ gia đình là bao nhiêu?
        Do("restart"),
        Do("alert"),
        Say("2", opens(RATE)),
    ],
    "a restart, a phone number: no choice, and the list still works after it": [
        Say(BHYT_LOST, "asked"),
        Do("restart"),
        Say("0912345678", "call back"),
        Say("7", "not on list"),
        Say("2", LINE),
    ],
    "staff ask how many live there over an old list: '2' answers them": [
        Do("ticket"),
        Say(BHYT_LOST, "asked"),
        Do("staff answer"),
        Say("2", "staff"),
    ],
    "staff ask, the bot restarts, the resident answers '2': still to staff": [
        Do("ticket"),
        Say(BHYT_LOST, "asked"),
        Do("staff answer"),
        Do("restart"),
        Say("2", "staff"),
    ],
    "a phone number under a list: no choice, and the list still works after it": [
        Say(BHYT_LOST, "asked"),
        Say("0912345678", "call back"),
        Say("7", "not on list"),
        Say("2", LINE),
    ],
    "'sai rồi' offers other close matches: a number picks from them": [
        Say(BHYT_LOST, "asked"),
        Say("sai rồi", ""),
        Say("1", LINE),
    ],
    "an alert long after the list: its lines from 1, '1' opens its first notice": [
        Say(BHYT_LOST, "asked"),
        Do("later"),
        Do("alert"),
        Say("1", opens(BHYT_NOTICE)),
    ],
    "a number off a list with an alert numbered after it: the whole list again": [
        Say(BHYT_LOST, "asked"),
        Do("alert"),
        Say("9", "not on list"),
        Say("5", opens(SCHOLARSHIP)),
    ],
    "/topics, then an alert: its lines after the topics, '2' still the second topic": [
        Say("/topics", ""),
        Do("alert"),
        Say("2", opens(msg.subscribed(WARD_NAME, "Học bổng và khuyến học"))),
    ],
    "a ticket open, an alert: its lines pick its notices, a number off them is for staff": [
        Do("ticket"),
        Do("alert"),
        Say("12", "staff"),
        Say("2", opens(SCHOLARSHIP)),
    ],
    "a ticket open, 'xem toàn văn' under a burst, then a number off its question: staff": [
        Do("ticket"),
        Do("alert"),
        Say("xem toàn văn", "which"),
        Say("3", "staff"),
        Say("1", LINE),
    ],
    "a burst after a fresh list, then a staff answer: a number answers staff": [
        Do("ticket"),
        Say(BHYT_LOST, "asked"),
        Do("alert"),
        Do("staff answer"),
        Say("3", "staff"),
    ],
    "staff ask how many live there, then an alert is queued: '2' still answers them": [
        Do("ticket"),
        Do("staff answer"),
        Do("queued alert"),  # it waits while the resident may be answering staff
        Say("2", "staff"),
    ],
    "an alert queued just after a staff answer goes out later, numbered from 1": [
        Do("ticket"),
        Do("staff answer"),
        Do("queued alert"),
        Do("later"),
        Do("queued alert"),  # what is due goes out (the same alert: queued once)
        Say("2", opens(SCHOLARSHIP)),
    ],
    "'xem toàn văn' of an answer shown whole leaves its related questions to pick": [
        Say(BHYT_LOST, "asked"),
        Say("xem toàn văn", ""),
        Say("2", LINE),
    ],
    "two questions answered at once: 'xem toàn văn' opens the notice among the answers": [
        Say("mức đóng bhyt điều chỉnh từ 01/7/2024 thế nào? đăng ký tạm trú cần gì?", "asked"),
        Say("xem toàn văn", opens(BHYT_NOTICE)),
    ],
    "thanks and 'ok' under a list: a number typed next still picks from it": [
        Say(BHYT_LOST, "asked"),
        Say("cảm ơn ạ", ""),
        Say("ok", ""),
        Say("2", LINE),
    ],
    "thanks under a list with a ticket open: a number on it still picks its line": [
        Do("ticket"),
        Say(BHYT_LOST, "asked"),
        Say("dạ em cảm ơn ạ", "asked"),  # staff see it too
        Say("1", LINE),
    ],
    "a restart under the one close match asked about: 'có' still opens it": [
        Say("thủ tục hành chính", "asked"),  # "Dạ, có phải anh/chị muốn hỏi câu dưới đây?"
        Do("restart"),
        Say("có", opens("Quy trình giải quyết hồ sơ tại bộ phận một cửa")),
    ],
    "two numbers typed at once under a list: the lines open, the first first": [
        Say(BHYT_LOST, "asked"),
        Say("1 và 2", LINES),
    ],
    "a run of topics typed at once ('1-3', 'từ 2 đến 4'): each followed, line 2 too": [
        Say("/topics", ""),
        Say("1-3", f"{FOLLOWS}:Bảo hiểm y tế|Học bổng và khuyến học|Cư trú"),
        Say("1", ""),  # "📋 Các chủ đề" under it: the topics again
        Say("từ 2 đến 4 nhen", f"{FOLLOWS}:Học bổng và khuyến học|Cư trú|Hộ tịch"),
    ],
    "two numbers typed at once under numbered topics: both followed, none toggled off": [
        Say("/topics", ""),
        Say("1, 3", f"{FOLLOWS}:Bảo hiểm y tế|Cư trú"),
        Say("1", ""),  # "📋 Các chủ đề" under it: the topics again
        Say("2", opens(msg.subscribed(WARD_NAME, "Học bổng và khuyến học"))),
    ],
    "'sai rồi' after a restart still offers the other matches": [
        Say(BHYT_LOST, "asked"),
        Do("restart"),
        Say("sai rồi", ""),
        Say("1", LINE),
    ],
}


def burst_notices(engine: Engine) -> list[Announcement]:
    """Two notices published together, in the order of their alert."""
    notices = [
        a for a in engine.corpus.announcements if a.title.startswith((BHYT_NOTICE, SCHOLARSHIP))
    ]
    return sorted(notices, key=lambda a: a.title, reverse=True)


def burst(engine: Engine) -> Reply:
    """The alert of two notices published together, as the outbox composes it."""
    return alerts_reply([(doc, ["Bảo hiểm y tế"]) for doc in burst_notices(engine)])


async def run(ward: Ward, steps: list[Say | Do]) -> None:
    screen: dict[int, str] = {}  # each number as the resident last read it
    async with contextlib.AsyncExitStack() as stack:
        await stack.enter_async_context(ward.running())
        for number, step in enumerate(steps, 1):
            if isinstance(step, Do):
                mark = ward.mark()
                if step.what == "ticket":
                    await open_ticket(ward)
                elif step.what == "alert":
                    await ward.push([burst(ward.engine)])
                elif step.what == "queued alert":
                    await ward.queue_alert()
                elif step.what == "staff answer":
                    await ward.staff_answers("Dạ, nhà mình có mấy người ạ?")
                elif step.what == "restart":
                    await stack.aclose()
                    await stack.enter_async_context(ward.running())
                elif step.what == "later":
                    ward.later()
                if "alert" not in step.what or ward.pushed_numbered:
                    for call in await ward.sent_since(mark):
                        screen.update(ward.lines(call))
                continue
            relayed = len(await ward.staff_got())
            reply = await ward.say(step.text)
            to_staff = (await ward.staff_got())[relayed:]
            check(f"{type(ward).__name__}, step {number}", step, ward.text(reply), to_staff, screen)
            screen.update(ward.lines(reply))


def check(where: str, step: Say, text: str, to_staff: list[str], screen: dict[int, str]) -> None:
    """What the bot did with `step` (its reply `text`, what reached staff) is what the
    resident meant, `screen` being the numbers they had read."""
    kind, _, title = step.means.partition(":")
    if kind in (LINE, LINES):
        digits = re.findall(r"\d+", step.text)
        spoken = [SPOKEN[word] for word in step.text.split() if word in SPOKEN]  # "số hai"
        number = int(digits[0]) if digits else spoken[0]
        kind, title = "open", screen[number].removeprefix("📄 ").rstrip("…")
    if kind == "staff":
        assert text == msg.ticket_follow_up(WARD_NAME, 1), (where, step, text)
        assert to_staff and step.text in to_staff[-1], (where, step)
        return
    if kind == "asked":
        return
    if kind == DAY:
        assert "danh sách" not in text, (where, step, text)  # neither "no list" nor "off it"
        titles = [line.removeprefix("📄 ").rstrip("…") for line in screen.values()]
        assert not any(text.startswith(title) for title in titles), (where, step, text)
        return
    assert not to_staff, (where, step)
    if kind == "open":
        assert text.startswith(title), (where, step, text[:80])
    elif kind == "which":
        assert text.startswith(msg.full_text_which_of()), (where, step, text)
    elif kind == "not on list":  # the number typed (of a run, its end)
        number = re.findall(r"\d+", step.text)[-1]
        assert text.startswith(f"Dạ, số {number} không có trong"), (where, step, text)
    elif kind == FOLLOWS:
        assert text.startswith(msg.subscribed_several(WARD_NAME, title.split("|"))), (where, text)
    elif kind == "one at a time":
        assert text.startswith("Dạ, anh/chị") and "lần lượt" in text, (where, step, text)
    elif kind == "no list":
        assert text.startswith(msg.no_list_to_pick(step.text, EXAMPLE)), (where, step, text)
    elif kind == "call back":
        opening = msg.call_back(WARD_NAME, "", staff=False, example=EXAMPLE).split(". ")[0]
        assert text.startswith(opening), (where, step, text)


@pytest.mark.parametrize("steps", SCENARIOS.values(), ids=SCENARIOS.keys())
async def test_on_zalo(
    zalo: FakeZaloApi, ward_engine: Engine, ward_settings: Settings, steps: list[Say | Do]
) -> None:
    await run(ZaloWard(zalo, ward_engine, ward_settings), steps)


# Telegram's lists age by the real monotonic clock: not the rows an hour later. Its topics
# are buttons, each pressed alone: numbers typed at once are one at a time there.
TELEGRAM = {
    title: steps
    for title, steps in SCENARIOS.items()
    if Do("later") not in steps
    and not any(isinstance(step, Say) and step.means.startswith(FOLLOWS) for step in steps)
}
TELEGRAM["two numbers typed at once under topic buttons: one at a time"] = [
    Say("/topics", ""),
    Say("1, 3", "one at a time"),
    Say("2", opens(msg.subscribed(WARD_NAME, "Học bổng và khuyến học"))),
]


@pytest.mark.parametrize("steps", TELEGRAM.values(), ids=TELEGRAM.keys())
async def test_on_telegram(
    telegram: FakeBotApi, ward_engine: Engine, ward_settings: Settings, steps: list[Say | Do]
) -> None:
    await run(TelegramWard(telegram, ward_engine, ward_settings), steps)


# A page is not pushed alerts.
WEB = {
    title: steps
    for title, steps in TELEGRAM.items()
    if not any(isinstance(step, Do) and "alert" in step.what for step in steps)
}


@pytest.mark.parametrize("steps", WEB.values(), ids=WEB.keys())
async def test_on_the_web_chat(
    ward_engine: Engine, ward_settings: Settings, steps: list[Say | Do]
) -> None:
    await run(WebWard(ward_engine, ward_settings), steps)


# The terminal: one resident, no staff, no alerts, no restart (a chat is one run).
TERMINAL = {
    title: steps
    for title, steps in SCENARIOS.items()
    if all(isinstance(step, Say) and step.means != "staff" for step in steps)
}


@pytest.mark.parametrize("steps", TERMINAL.values(), ids=TERMINAL.keys())
async def test_in_the_terminal(
    ward_engine: Engine, ward_settings: Settings, steps: list[Say | Do]
) -> None:
    said = [step for step in steps if isinstance(step, Say)]
    output = io.StringIO()
    typed = io.StringIO("".join(f"{step.text}\n" for step in said) + "/quit\n")
    async with await Store.open(ward_settings.data_dir / "bot.sqlite3") as store:
        conversation = Conversation(ward_engine, store, ward_settings)
        await asyncio.wait_for(run_chat(conversation, ward_settings, typed, output), 10)
    rest = output.getvalue()
    screen: dict[int, str] = {}
    for number, step in enumerate(said, 1):
        rest = rest.split(f"> {step.text}\n", 1)[1]
        reply = rest.split("\n> ", 1)[0].removeprefix(f"{RULE}\n")
        check(f"terminal, step {number}", step, reply, [], screen)
        found = (re.match(r"(\d+)\. (.*)", line) for line in reply.splitlines())
        screen.update({int(m[1]): m[2] for m in found if m})
