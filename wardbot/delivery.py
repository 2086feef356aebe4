"""What the alert sender needs from a channel: a way to push replies to one chat, its pace,
and the failures it may report; and the brief retries of a reply to a resident.

Channels (Telegram, Zalo) implement `Deliverer`; wardbot.outbox pushes alerts and
broadcasts through it and decides what each failure means for the message and the chat.
A reply in a conversation cannot wait for the outbox: `ReplyRetry` tries it again a few
times within seconds, while the resident is still looking at the chat.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from wardbot.reply import Reply

log = logging.getLogger(__name__)

T = TypeVar("T")


class DeliveryError(Exception):
    """A message could not be delivered; the subclass says what to do about it."""


class RetryLater(DeliveryError):
    """The platform asks us to slow down (HTTP 429): wait `seconds`, then try again."""

    def __init__(self, seconds: float, message: str = "") -> None:
        super().__init__(message or f"retry after {seconds:g} s")
        self.seconds = max(0.0, float(seconds))


class TransientError(DeliveryError):
    """Worth retrying later with backoff: network trouble, a 5xx, a timeout."""


class ChatUnreachable(DeliveryError):
    """This chat will never receive anything: it blocked the bot, was deleted, ...

    The chat is marked unreachable and its subscriptions are dropped.
    """


class ChatMoved(DeliveryError):
    """The chat lives on under another id (a Telegram group upgraded to a supergroup: the
    same people, a new id): its subscriptions and waiting messages move to `new_chat_id`,
    and the message goes out again, there."""

    def __init__(self, new_chat_id: str, message: str = "") -> None:
        super().__init__(message or f"the chat moved to {new_chat_id}")
        self.new_chat_id = new_chat_id


class PermanentError(DeliveryError):
    """This message can never be sent as it is (a 400): recorded as failed, not retried."""


class AwaitsResident(PermanentError):
    """The platform takes nothing for this chat until its person writes again (a Zalo
    Official Account follower silent for about a week): news (an alert, a correction, a
    broadcast) is dropped for them, as it would be stale by then; a staff answer or a note
    to an admin waits, and is tried again (wardbot.outbox)."""


class ChatClosed(PermanentError):
    """The chat is there and the bot in it, but nowhere there is open to the bot (a
    Telegram group whose forum topics, General among them, are closed to it): the message
    fails as a PermanentError does, and staff are told, naming the chat (`name`, its title
    where known), since only its administrators can open it again."""

    def __init__(self, name: str, message: str = "") -> None:
        super().__init__(message or "the chat is closed to the bot")
        self.name = name


@dataclass(frozen=True)
class Pace:
    """How fast a channel may push: messages per second overall, and the least time
    between two messages to the same chat."""

    per_second: float
    per_chat_interval: float = 1.0


class Deliverer(Protocol):
    """A channel that can push messages to chats outside a conversation."""

    name: str  # the channel, as in ChatRef.channel
    pace: Pace

    async def deliver(self, chat_id: str, replies: Sequence[Reply]) -> None:
        """Send `replies` to the chat, in order, or raise a DeliveryError subclass."""
        ...


@dataclass(frozen=True)
class ReplyRetry:
    """How a message to a resident waiting for it is retried.

    After a 5xx, a network failure or a timeout (a TransientError), or a 429 asking for a
    short wait (RetryLater), it is sent again after each of `waits` in turn. It gives up on
    any other failure, on a 429 asking for more than `longest_retry_after`, and when a
    retry taking as long as the last attempt would end past `budget` seconds after the
    first. A resend after a timeout may repeat a message that did arrive: better than no
    answer."""

    waits: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0)
    longest_retry_after: float = 5.0
    budget: float = 10.0
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep
    clock: Callable[[], float] = time.monotonic

    async def run(
        self,
        attempt: Callable[[], Awaitable[T]],
        classify: Callable[[Exception], DeliveryError | None],
    ) -> T:
        """`attempt()`'s result, retried while `classify` calls its failure temporary."""
        started = self.clock()
        for wait in self.waits:
            tried = self.clock()
            try:
                return await attempt()
            except Exception as exc:
                error = classify(exc)
                if isinstance(error, RetryLater):
                    if error.seconds > self.longest_retry_after:
                        raise
                    wait = max(wait, error.seconds)
                elif not isinstance(error, TransientError):
                    raise
                now = self.clock()
                if now - started + wait + (now - tried) > self.budget:  # as slow as this one
                    raise
                log.info("a reply failed (%s); sending it again in %.1f s", error, wait)
            await self.sleep(wait)
        return await attempt()


REPLY_RETRY = ReplyRetry()
ONCE = ReplyRetry(waits=())  # a single attempt: the outbox retries alerts itself
