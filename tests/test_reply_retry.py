"""How long a resident may wait for a reply that keeps failing (wardbot.delivery.ReplyRetry),
on a fake clock: each attempt takes `took` seconds, each wait advances the clock."""

from __future__ import annotations

import pytest

from wardbot.delivery import DeliveryError, PermanentError, ReplyRetry, RetryLater, TransientError


class Platform:
    """A send that fails with each of `errors` in turn, then succeeds."""

    def __init__(self, *errors: DeliveryError, took: float = 0.0) -> None:
        self.errors = list(errors)
        self.took = took
        self.now = 0.0
        self.attempts = 0
        self.waits: list[float] = []
        self.retry = ReplyRetry(sleep=self.sleep, clock=lambda: self.now)

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds

    async def send(self) -> str:
        self.attempts += 1
        self.now += self.took
        if self.errors:
            raise self.errors.pop(0)
        return "sent"

    async def run(self) -> str:
        return await self.retry.run(
            self.send, lambda exc: exc if isinstance(exc, DeliveryError) else None
        )


async def test_a_few_5xx_are_retried_after_growing_waits() -> None:
    platform = Platform(*[TransientError("502 Bad Gateway")] * 4)
    assert await platform.run() == "sent"
    assert platform.waits == [0.5, 1.0, 2.0, 4.0]


async def test_a_platform_still_failing_after_the_last_wait_gives_up() -> None:
    platform = Platform(*[TransientError("502 Bad Gateway")] * 5)
    with pytest.raises(TransientError):
        await platform.run()
    assert platform.attempts == 5


async def test_slow_failures_give_up_within_ten_seconds() -> None:
    platform = Platform(*[TransientError("timed out")] * 5, took=3.0)
    with pytest.raises(TransientError):
        await platform.run()
    assert platform.waits == [0.5]  # a third try would end past 10 s
    assert platform.now <= 10.0


async def test_a_short_429_is_waited_out_a_long_one_is_not() -> None:
    platform = Platform(RetryLater(3.0))
    assert await platform.run() == "sent"
    assert platform.waits == [3.0]
    platform = Platform(RetryLater(60.0))
    with pytest.raises(RetryLater):
        await platform.run()
    assert platform.waits == []


async def test_a_refused_message_is_not_retried() -> None:
    platform = Platform(PermanentError("400 Bad Request"))
    with pytest.raises(PermanentError):
        await platform.run()
    assert platform.attempts == 1
