"""What the alert sender needs from a channel: a way to push replies to one chat, its pace,
and the failures it may report.

Channels (Telegram, Zalo) implement `Deliverer`; wardbot.outbox pushes alerts and
broadcasts through it and decides what each failure means for the message and the chat.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from wardbot.conversation import Reply


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


class PermanentError(DeliveryError):
    """This message can never be sent as it is (a 400): recorded as failed, not retried."""


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
