"""How `bot.py run` stops: every part given its time, the whole stop within STOP_WITHIN.

The documented stop timeout is 90 s (`docker stop -t 90`, `--stop-timeout 90`, systemd's
default): past it the bot is killed, and what was on its way goes again at the next start.
Each part's own grace stays as it was; what changed is that parts that do not depend on
each other stop side by side, and that each wait is cut to what is left of the whole stop:
one after the other, each at the end of its grace, they once took over three minutes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from wardbot.channels import Channel
from wardbot.outbox import LEAVING_WAIT

log = logging.getLogger(__name__)

# The whole stop, at most: well within the 90 s a stop is given, leaving Python the time
# to close the database and exit on a busy host.
STOP_WITHIN = 60.0
# A background task (watcher, portal, desk, retention) ends at once when told; one that
# does not (a portal fetch under way) is cut off after this.
STOP_GRACE_SECONDS = 5.0
# No more polling: a long poll is cancelled, python-telegram-bot's last getUpdates (which
# tells Telegram which updates were taken) waits for its answer this long at most.
RECEIVING_STOP_SECONDS = 10.0
# A channel's stop: its replies under way given their time, and one whose message the
# platform has not answered yet, the reply's read timeout more (handlers.zalo.STOP_GRACE).
CHANNEL_STOP_SECONDS = 20.0
# Kept for the channels' own stop when the alert senders wait for a message leaving.
CHANNELS_LAST = 10.0
WEB_STOP_SECONDS = 5.0  # the web server finishes its requests (3 s), then drops them


class Deadline:
    """The end of a stop `within` seconds from now, by `clock` (the event loop's)."""

    def __init__(self, within: float, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.end = clock() + within

    def left(self, at_most: float, keep: float = 0.0) -> float:
        """`at_most` seconds, or what is left of the stop less `keep` when that is shorter."""
        return max(0.0, min(at_most, self.end - keep - self.clock()))


class WebServer(Protocol):
    async def stop(self) -> None: ...


class AlertSenders(Protocol):
    async def stop(self, grace: float = ..., leaving: float = ...) -> None: ...


async def stopped(
    name: str, stopping: Awaitable[object], within: float = STOP_GRACE_SECONDS
) -> None:
    """Wait for a part of the bot to stop, at most `within` seconds; never raise."""
    try:
        await asyncio.wait_for(stopping, within)
    except TimeoutError:
        log.warning("%s did not stop within %.0f s", name, within)
    except Exception:
        log.exception("%s failed", name)


async def stop_parts(
    web: WebServer,
    channels: Sequence[Channel],
    background: Sequence[asyncio.Task[None]],
    senders: AlertSenders,
    within: float = STOP_WITHIN,
) -> None:
    """Stop the bot's parts (their `stop` event already set) in at most `within` seconds.

    No new webhook deliveries first, then, side by side: no more polling (what residents
    send now waits with their platform for the next start), the background tasks, and the
    alert senders, whose message leaving is waited for (cut off, it may have arrived all
    the same and would go again at the next start); last, the channels finish their
    replies and close, in what is left."""
    deadline = Deadline(within, asyncio.get_running_loop().time)
    await stopped("web server", web.stop(), deadline.left(WEB_STOP_SECONDS))
    grace = deadline.left(STOP_GRACE_SECONDS)
    await asyncio.gather(
        *(
            stopped(c.name, c.stop_receiving(), deadline.left(RECEIVING_STOP_SECONDS))
            for c in channels
        ),
        *(stopped(task.get_name(), task, grace) for task in background),
        senders.stop(grace, deadline.left(LEAVING_WAIT, keep=grace + CHANNELS_LAST)),
    )
    await asyncio.gather(
        *(
            stopped(c.name, c.stop(), deadline.left(CHANNEL_STOP_SECONDS))
            for c in reversed(channels)
        )
    )
