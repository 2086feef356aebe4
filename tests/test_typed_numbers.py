"""Typed numbers across the rules that decide them, end to end: a resident's realistic
sequences on the Zalo channel (numbered lines, against the fake Zalo Bot API), with a real
staff desk, alerts pushed as the outbox pushes them, staff answers, 'sai rồi', /topics and
restarts in between; the same on Telegram (real buttons, a typed number counts them) and
the terminal. Each row says what the resident most plausibly meant."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace

import pytest
from fakes.zalo_api import Call, FakeZaloApi
from test_desk import STAFF_GROUP, UNKNOWN, Clock, FakeRoom, staff
from test_zalo import zalo_settings

from handlers.zalo import ZaloChannel
from wardbot import messages as msg
from wardbot.config import Settings
from wardbot.conversation import Conversation, Reply, alerts_reply
from wardbot.desk import Desk
from wardbot.engine import Engine
from wardbot.hours import OfficeHours
from wardbot.outbox import Composer, Sender
from wardbot.store import ChatRef, Store
from wardbot.tickets import TicketBook

ALICE = "6ede9afb3c3e4d6f8a01"
CHAT = ChatRef("zalo", ALICE)


def menu(call: Call) -> list[str]:
    return [line for line in call.text.splitlines() if re.match(r"\d+\. ", line)]


class Ward:
    """One Zalo channel as `bot.py run` makes it, with its staff desk (the staff group a
    FakeRoom); `restart()` starts it again on the same database."""

    def __init__(self, api: FakeZaloApi, engine: Engine, settings: Settings) -> None:
        self.api, self.engine, self.settings = api, engine, settings
        self.room = FakeRoom()
        self.clock = Clock()
        self.polls = MonotonicClock()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[ZaloChannel]:
        settings = zalo_settings(self.settings, self.api)
        async with await Store.open(settings.data_dir / "bot.sqlite3") as store:
            self.store = store
            desk = Desk(TicketBook(store), settings, self.engine, clock=self.clock)
            desk.room = self.room
            self.desk = desk
            conversation = Conversation(self.engine, store, settings, desk=desk, clock=self.clock)
            channel = ZaloChannel(
                settings, conversation, poll_timeout=0.1, clock=self.polls, sleep=self.polls.sleep
            )
            self.channel = channel
            await channel.start()
            try:
                yield channel
            finally:
                await channel.stop()

    async def say(self, text: str) -> Call:
        return (await self.api.say(ALICE, text))[0]

    async def staff_answers(self, text: str) -> Call:
        """Staff reply to the resident's ticket in the staff group; the outbox pushes it."""
        await self.desk.post_pending()
        post = self.room.posts[0]
        await self.desk.on_staff_message(staff(text, reply_to=post.message_id))
        mark = len(self.api.calls)
        composer = Composer(
            lambda: self.engine.corpus, self.store, kinds={"reply": self.desk.compose}
        )
        sender = Sender(
            self.store, self.channel, composer, on_done=self.desk.delivered, clock=self.clock
        )
        await sender.drain()
        return self.api.sent(ALICE, since=mark)[-1]

    async def staff_got(self) -> list[str]:
        await self.desk.post_pending()
        return [p.reply.text for p in self.room.posts]


class MonotonicClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        import asyncio

        await asyncio.sleep(0)


@pytest.fixture
async def api() -> AsyncIterator[FakeZaloApi]:
    async with FakeZaloApi() as fake:
        yield fake


@pytest.fixture
def ward(api: FakeZaloApi, ward_engine: Engine, ward_settings: Settings) -> Ward:
    hours = OfficeHours.parse("T2-T6 7:30-11:30 13:30-17:00")
    settings = replace(ward_settings, staff_chat_id=STAFF_GROUP, office_hours=hours)
    return Ward(api, ward_engine, settings)


async def open_ticket(ward: Ward) -> None:
    no_answer = await ward.say(UNKNOWN)
    ask = [line for line in menu(no_answer) if msg.ASK_STAFF_BUTTON in line]
    assert ask, no_answer.text
    await ward.say(ask[0].split(".")[0])


# --- the table ---------------------------------------------------------------------------
# Each step: what the resident (or staff, or the platform) does, and what the resident
# most plausibly meant by it, as the bot must take it. `LINE`: the line the resident sees
# numbered so, the latest one shown with that number (its title is what opens).

BHYT_LOST = "mất thẻ bhyt thì làm sao"  # answered, with related questions: lines 1, 2
BHYT_NOTICE = "Về việc điều chỉnh mức đóng BHYT"
SCHOLARSHIP = "Thông báo xét học bổng khuyến học năm 2024"
RATE = "Mức đóng bảo hiểm y tế hộ gia đình là bao nhiêu?"
LINE = "line"


@dataclass(frozen=True)
class Say:
    text: str
    # LINE; "open:<title>"; "staff" (relayed, and only that); "which" (which notice?);
    # "not on list"; "no list"; "asked": a question, answered by the bot (and relayed to
    # staff too with a ticket open).
    means: str


@dataclass(frozen=True)
class Do:
    what: str  # "ticket", "alert" (two notices), "staff answer", "restart", "later"


def opens(title: str) -> str:
    return f"open:{title}"


SCENARIOS: dict[str, list[Say | Do]] = {
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
        Do("alert"),  # lines 3 and 4
        Do("restart"),
        Say("4", opens(SCHOLARSHIP)),
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
        Say("2", opens(msg.subscribed("Học bổng và khuyến học"))),
    ],
    "a restart, then an alert while the list is fresh: numbered after it": [
        Say(BHYT_LOST, "asked"),
        Do("restart"),
        Do("alert"),
        Say("3", opens(BHYT_NOTICE)),
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
        Say("0912345678", "no list"),
        Say("7", "not on list"),
        Say("2", LINE),
    ],
}


class Screen:
    """The numbered lines the resident has read, the latest of each number kept."""

    def __init__(self) -> None:
        self.lines: dict[int, str] = {}

    def read(self, call: Call) -> None:
        for line in menu(call):
            number, _, label = line.partition(". ")
            self.lines[int(number)] = label

    def title(self, number: int) -> str:
        return self.lines[number].removeprefix("📄 ").rstrip("…")


def burst(engine: Engine) -> Reply:
    """The alert of two notices published together, as the outbox composes it."""
    notices = [
        a for a in engine.corpus.announcements if a.title.startswith((BHYT_NOTICE, SCHOLARSHIP))
    ]
    return alerts_reply(
        [(doc, ["Bảo hiểm y tế"]) for doc in sorted(notices, key=lambda a: a.title, reverse=True)]
    )


async def run(ward: Ward, steps: list[Say | Do]) -> None:
    screen = Screen()
    async with contextlib.AsyncExitStack() as stack:
        await stack.enter_async_context(ward.running())
        for number, step in enumerate(steps, 1):
            where = f"step {number}: {step}"
            if isinstance(step, Do):
                mark = len(ward.api.calls)
                if step.what == "ticket":
                    await open_ticket(ward)
                elif step.what == "alert":
                    await ward.channel.deliver(ALICE, [burst(ward.engine)])
                elif step.what == "staff answer":
                    await ward.staff_answers("Dạ, nhà mình có mấy người ạ?")
                elif step.what == "restart":
                    await stack.aclose()
                    await stack.enter_async_context(ward.running())
                elif step.what == "later":
                    ward.polls.now += 3600
                    ward.clock.now += 3600
                for call in ward.api.sent(ALICE, since=mark):
                    screen.read(call)
                continue
            relayed = len(await ward.staff_got())
            reply = await ward.say(step.text)
            to_staff = (await ward.staff_got())[relayed:]
            kind, _, title = step.means.partition(":")
            if kind == LINE:
                kind, title = "open", screen.title(int(step.text))
            screen.read(reply)
            if kind == "staff":
                assert reply.text == msg.ticket_follow_up(1), (where, reply.text)
                assert to_staff and step.text in to_staff[-1], where
                continue
            if kind == "asked":
                continue
            assert not to_staff, where
            if kind == "open":
                assert reply.text.startswith(title), (where, title, reply.text[:80])
            elif kind == "which":
                assert reply.text.startswith(msg.full_text_which_of()), (where, reply.text)
            elif kind == "not on list":
                assert "không có trong danh sách" in reply.text, (where, reply.text)
            elif kind == "no list":
                assert reply.text == msg.no_list_to_pick(step.text), (where, reply.text)


@pytest.mark.parametrize("steps", SCENARIOS.values(), ids=SCENARIOS.keys())
async def test_what_a_typed_number_means(ward: Ward, steps: list[Say | Do]) -> None:
    await run(ward, steps)
