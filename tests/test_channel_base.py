"""The channel toolkit (handlers.base) and the channel registry (wardbot.channels).

Every channel answers through `Answerer`; here it is driven directly with a conversation
that records what it is asked and can be held back, so order, bursts, numbered choices and
failures are checked once for all channels.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import pytest

from handlers.base import ANSWERED_LIST_FRESH, Answerer, Menus, asks_full_text, send_parts
from wardbot import channels
from wardbot import messages as msg
from wardbot.config import ConfigError, Secret, Settings
from wardbot.delivery import DeliveryError, ReplyRetry, RetryLater, TransientError
from wardbot.hours import VIETNAM
from wardbot.reply import Button, Reply
from wardbot.store import ChatRef

SETTINGS = Settings(ward_name="UBND Phường 2", ward_hotline="0276 3822 123")
MENU = (Button("Mất thẻ BHYT", "faq:bhyt-mat-the"), Button("Gia hạn BHYT", "faq:bhyt-gia-han"))


class Blocked(Exception):
    """Stands for a platform's "the resident blocked the bot"."""


class Talk:
    """A conversation that answers "re: TEXT", remembers the order it was asked in, and
    holds every answer while `gate` is closed."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.gate = asyncio.Event()
        self.gate.set()
        self.fail: Exception | None = None
        self.store = SimpleNamespace(forgetting=[])  # what the Answerer hooks /forget to

    async def handle_text(self, chat: ChatRef, text: str, **kwargs: Any) -> list[Reply]:
        self.asked.append(text)
        typing = kwargs.get("typing")
        if typing is not None:
            await typing()
        await self.gate.wait()
        if self.fail:
            raise self.fail
        return [Reply(f"re: {text}", buttons=MENU if text == "menu" else ())]

    async def handle_action(self, chat: ChatRef, action: str, **kwargs: Any) -> list[Reply]:
        self.asked.append(f"pressed {action}")
        return [Reply(f"opened {action}")]

    async def ticket_open(self, chat: ChatRef) -> bool:
        return False


class Screen:
    """A chat screen: what was sent, and (numbered channels) the buttons it numbered."""

    def __init__(self) -> None:
        self.shown: list[str] = []
        self.typing = 0
        self.fail: Exception | None = None

    async def send(self, replies: Sequence[Reply]) -> list[Button]:
        if self.fail:
            raise self.fail
        self.shown += [reply.text for reply in replies]
        return [button for reply in replies for button in reply.buttons]

    async def typed(self) -> None:
        self.typing += 1


def chat(number: int = 1) -> ChatRef:
    return ChatRef("test", str(number))


async def test_one_chat_is_answered_in_order_while_others_go_on() -> None:
    talk, screen, other = Talk(), Screen(), Screen()
    answerer = Answerer("test", talk, SETTINGS)  # type: ignore[arg-type]
    talk.gate.clear()
    first = asyncio.create_task(answerer.text(chat(), "một", screen.send))
    await asyncio.sleep(0)
    second = asyncio.create_task(answerer.text(chat(), "hai", screen.send))
    await asyncio.sleep(0.01)
    assert talk.asked == ["một"]  # "hai" waits for its chat's turn
    talk.gate.set()
    await asyncio.gather(first, second)
    await answerer.text(chat(2), "ba", other.send)
    assert screen.shown == ["re: một", "re: hai"] and other.shown == ["re: ba"]


async def test_under_a_burst_no_typing_indicators() -> None:
    talk, screens = Talk(), [Screen() for _ in range(10)]
    answerer = Answerer("test", talk, SETTINGS, calm_below=4)  # type: ignore[arg-type]
    talk.gate.clear()
    tasks = [
        asyncio.create_task(answerer.text(chat(n), "hỏi", s.send, typing=s.typed))
        for n, s in enumerate(screens)
    ]
    await asyncio.sleep(0.01)
    talk.gate.set()
    await asyncio.gather(*tasks)
    assert [s.typing for s in screens] == [1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
    assert all(s.shown == ["re: hỏi"] for s in screens)
    # Calm again: typing again.
    await answerer.text(chat(), "hỏi", screens[0].send, typing=screens[0].typed)
    assert screens[0].typing == 2


async def test_a_typed_number_presses_the_numbered_button() -> None:
    talk, screen = Talk(), Screen()
    answerer = Answerer("test", talk, SETTINGS, numbered=True)  # type: ignore[arg-type]
    await answerer.text(chat(), "menu", screen.send)
    await answerer.text(chat(), "2", screen.send)
    assert talk.asked[-1] == "pressed faq:bhyt-gia-han"
    await answerer.text(chat(), "menu", screen.send)
    await answerer.text(chat(), "7", screen.send)
    assert screen.shown[-1] == msg.number_not_in_list("7", 2)
    # Numbers refer to the list shown last: after a reply without one, "1" is a question.
    await answerer.text(chat(), "thanks", screen.send)
    await answerer.text(chat(), "1", screen.send)
    assert talk.asked[-1] == "1"
    # On a channel with real buttons, a number is just a message.
    buttons = Answerer("test", talk, SETTINGS)  # type: ignore[arg-type]
    await buttons.text(chat(), "menu", screen.send)
    await buttons.text(chat(), "2", screen.send)
    assert talk.asked[-1] == "2"


@pytest.mark.parametrize(
    "typed",
    [
        *("2 🙏", "2👍", "2?", "#2", "(2)", "2️⃣", "2 ạ?"),  # before: "no list to pick “2”"
        *("dạ số 2", "ok 2", "em chọn 2 nhen", "xem câu 2", "cho em xem số 2 ạ", "cái số 2"),
        *("2 hén", "2 nè", "2 nghen", "2 nha em", "2 thôi"),  # before: questions
        *("2 nha chị", "2 ạ anh", "ừ 2", "okie số 2"),
    ],
)
async def test_a_number_typed_with_words_or_marks_around_it_presses_that_button(
    typed: str,
) -> None:
    """Zalo residents pick by typing the number, and type it as they talk: with an emoji,
    a question mark, a word of their region or a polite "dạ"."""
    talk, screen = Talk(), Screen()
    answerer = Answerer("test", talk, SETTINGS, numbered=True)  # type: ignore[arg-type]
    await answerer.text(chat(), "menu", screen.send)
    await answerer.text(chat(), typed, screen.send)
    assert talk.asked[-1] == "pressed faq:bhyt-gia-han"


@pytest.mark.parametrize(
    "typed", ["2 độ", "2 tạ", "con 2", "em 2", "thứ 2", "cho em 2 cái", "2 chị", "2/9?", "2-9"]
)
async def test_a_number_with_a_word_that_counts_it_is_no_pick(typed: str) -> None:
    talk, screen = Talk(), Screen()
    answerer = Answerer("test", talk, SETTINGS, numbered=True)  # type: ignore[arg-type]
    await answerer.text(chat(), "menu", screen.send)
    await answerer.text(chat(), typed, screen.send)
    assert talk.asked[-1] == typed


async def test_a_backlog_after_an_outage_gets_one_late_apology_per_resident() -> None:
    """The bot was down three hours; Alice's three questions and Bình's one waited. Each is
    told sorry once, before their first answer (naming when it was sent), not before every
    answer. Alice writing again, and answered on time, gets no apology; a later outage
    keeping her next question gets its own."""
    talk, alice, binh = Talk(), Screen(), Screen()
    now = [1_800_000_000.0]
    answerer = Answerer("test", talk, SETTINGS, now=lambda: now[0])  # type: ignore[arg-type]
    for minutes, question in ((180, "một"), (170, "hai"), (160, "ba")):
        await answerer.text(chat(), question, alice.send, sent_at=now[0] - minutes * 60)
    await answerer.text(chat(2), "bốn", binh.send, sent_at=now[0] - 150 * 60)
    first = dt.datetime.fromtimestamp(now[0] - 180 * 60, VIETNAM).replace(tzinfo=None)
    assert alice.shown == [msg.late_answer(first), "re: một", "re: hai", "re: ba"]
    assert binh.shown[0].startswith("Dạ, em xin lỗi vì trả lời muộn") and len(binh.shown) == 2
    now[0] += 60
    await answerer.text(chat(), "năm", alice.send, sent_at=now[0] - 5)
    assert alice.shown[-1] == "re: năm"
    # Down again a day later: her question of then is a new backlog.
    now[0] += 86400
    await answerer.text(chat(), "sáu", alice.send, sent_at=now[0] - 7200)
    assert alice.shown[-2].startswith("Dạ, em xin lỗi vì trả lời muộn")
    assert alice.shown[-1] == "re: sáu"


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("xem toàn văn", True),
        ("Xem toan van a", True),
        ("📄 Xem toàn văn", True),  # the label pasted back
        ("cho em đọc toàn văn thông báo này nhé", True),
        ("xem đầy đủ", True),
        ("toàn văn", True),
        ("xem toàn văn luật đất đai", False),  # a question
        ("đầy đủ", False),
        ("hết", False),
    ],
)
def test_which_messages_ask_for_the_whole_notice(text: str, asks: bool) -> None:
    assert asks_full_text(text) is asks


async def test_a_failure_gets_the_polite_apology_and_a_blocked_chat_nothing() -> None:
    talk, screen = Talk(), Screen()
    answerer = Answerer("test", talk, SETTINGS, quiet=(Blocked,))  # type: ignore[arg-type]
    talk.fail = RuntimeError("the index is broken")
    await answerer.text(chat(), "hỏi", screen.send)
    assert screen.shown == [msg.error("UBND Phường 2", "0276 3822 123")]
    talk.fail = Blocked("Forbidden: bot was blocked by the user")
    await answerer.text(chat(), "hỏi", screen.send)
    assert len(screen.shown) == 1  # nothing sent to a chat that cannot read it
    talk.fail = None
    screen.fail = RuntimeError("the platform is down")
    await answerer.text(chat(), "hỏi", screen.send)  # no exception escapes
    screen.fail = None
    await answerer.text(chat(), "hỏi", screen.send)
    assert screen.shown[-1] == "re: hỏi"


class Parts:
    """A message split in parts, sent on a fake clock; `fail[n]`: the errors part n meets
    in turn before it goes through."""

    def __init__(self, count: int, **fail: list[DeliveryError]) -> None:
        self.count = count
        self.fail = fail
        self.sent: list[int] = []
        self.waits: list[float] = []
        self.now = 0.0
        self.retry = ReplyRetry(sleep=self.sleep, clock=lambda: self.now)

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds

    def part(self, number: int) -> Any:
        async def send() -> None:
            errors = self.fail.get(f"part{number}", [])
            if errors:
                raise errors.pop(0)
            self.sent.append(number)

        return send

    async def send(self, *, alert: bool) -> None:
        parts = [self.part(n) for n in range(1, self.count + 1)]
        classify = lambda exc: exc if isinstance(exc, DeliveryError) else None  # noqa: E731
        await send_parts(parts, classify, self.retry, alert=alert)


async def test_an_alert_in_parts_is_retried_from_the_part_that_failed() -> None:
    # Nothing out yet: the failure is the outbox's to retry later, whole.
    first = Parts(3, part1=[TransientError("502")])
    with pytest.raises(TransientError):
        await first.send(alert=True)
    assert first.sent == [] and first.waits == []
    # Part 1 is out: the rest is retried on the spot, waiting as long as the platform asks,
    # and part 1 is not sent again.
    later = Parts(3, part2=[TransientError("502"), RetryLater(60.0)])
    await later.send(alert=True)
    assert later.sent == [1, 2, 3]
    assert later.waits == [0.5, 60.0]
    # A resident waiting for a reply is not kept a minute: that 429 ends the retries.
    reply = Parts(3, part2=[TransientError("502"), RetryLater(60.0)])
    with pytest.raises(RetryLater):
        await reply.send(alert=False)
    assert reply.sent == [1]


# --- the registry ----------------------------------------------------------------------------


def test_the_registry_turns_channels_on_by_their_settings() -> None:
    assert channels.enabled(SETTINGS) == []
    both = replace(SETTINGS, telegram_token=Secret("1:a"), zalo_token=Secret("2:b"))
    assert [spec.name for spec in channels.enabled(both)] == ["telegram", "zalo"]
    assert set(channels.PUSH_CHANNELS) >= {"telegram", "zalo"}


def test_a_channel_checks_only_its_own_settings_when_on() -> None:
    short = replace(SETTINGS, zalo_webhook_secret=Secret("short"))
    channels.check(short)  # Zalo is off: its secret is not looked at
    with pytest.raises(ConfigError, match="từ 8 đến 256"):
        channels.check(replace(short, zalo_token=Secret("2:b")))
    hooked = replace(SETTINGS, telegram_token=Secret("1:a"), public_url="https://x.example")
    with pytest.raises(ConfigError, match="TELEGRAM_WEBHOOK_SECRET"):
        channels.check(hooked)


class EchoChannel:
    """A channel as small as one can be: what a new channel module provides."""

    name = "echo"

    def __init__(self, settings: Settings, conversation: object) -> None:
        self.settings, self.conversation = settings, conversation


def test_a_new_channel_is_one_spec(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = channels.ChannelSpec("echo", f"{__name__}:EchoChannel", lambda s: True, pushes=False)
    monkeypatch.setattr(channels, "SPECS", (*channels.SPECS, spec))
    [built] = channels.build(SETTINGS, conversation=object())  # type: ignore[arg-type]
    assert isinstance(built, EchoChannel) and built.settings is SETTINGS


@pytest.mark.parametrize("numbered", [True, False])
def test_an_alert_does_not_take_the_numbers_of_a_list_still_chosen_from(numbered: bool) -> None:
    """On Zalo and in the terminal (numbered lines), and on Telegram (buttons a typed
    number counts down to), an alert pushed while the resident may still be choosing
    from the list they were answered with comes after it: "2" keeps meaning that list's
    second choice. Long after, the alert's choices are the list."""
    now = [0.0]
    menus = Menus(numbered=numbered, clock=lambda: now[0])
    asked = tuple(Button(f"Câu {n}", f"faq:{n}") for n in (1, 2, 3))
    alert = (Button(msg.FULL_TEXT_BUTTON, "full:a"),)
    menus.remember("c", asked)
    now[0] += ANSWERED_LIST_FRESH - 1
    after = menus.pushed_after("c")
    assert after == 3
    menus.pushed("c", alert, after)
    assert menus.choice("c", "2") == asked[1]
    assert menus.choice("c", "4") == alert[0]
    # A broadcast (no choices) meanwhile leaves the numbers as they are; a second alert
    # numbers on after the first.
    menus.pushed("c", (), menus.pushed_after("c"))
    second = (Button(msg.FULL_TEXT_BUTTON, "full:b"),)
    menus.pushed("c", second, menus.pushed_after("c"))
    assert [menus.choice("c", n) for n in "245"] == [asked[1], alert[0], second[0]]

    now[0] += 2  # the list was shown ANSWERED_LIST_FRESH ago: the resident moved on
    assert menus.pushed_after("c") == 0
    menus.pushed("c", alert, 0)
    assert menus.choice("c", "1") == alert[0]
    assert menus.pushed_after("c") == 0, "an alert's list is not one the resident asked for"
