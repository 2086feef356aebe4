"""Keeping the bot's parts alive (the channels' start, alert senders, file watcher, retention).

A task that raises is not gone for good: the error is logged at once (its traceback once
per outage, then a line at most every 10 minutes while it lasts: see Outage), the task
starts again after a pause that doubles up to a cap, /healthz reports it down until it runs
again, and admins are told once per outage (in Vietnamese: through the outbox, or straight
through the channel when the database is what fails; see Alerts.task_failing).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

FIRST_DELAY = 1.0
MAX_DELAY = 300.0
# While a part keeps failing, the log repeats it at most this often (seconds).
REPEAT_EVERY = 600.0


class Outage:
    """How a part that fails over and over (a platform down all night) is told in `logger`:
    its first failure at once, then at most one line every `every` seconds while it goes
    on (how many failures, since when), and one line when it works again. Retries come
    every few seconds to a minute: a line each buried the log under one outage."""

    def __init__(
        self,
        name: str,
        logger: logging.Logger,
        *,
        every: float = REPEAT_EVERY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self.logger = logger
        self.every = every
        self.clock = clock
        self.failures = 0
        self._since: float | None = None
        self._logged_at = 0.0

    def failed(self, why: object, level: int = logging.WARNING, *, traceback: bool = False) -> None:
        """One more failure, `why` in words (never holding a token). `traceback`: the
        exception being handled is a bug to report; its traceback goes with the first
        line only."""
        now = self.clock()
        self.failures += 1
        if self._since is None:
            self._since = self._logged_at = now
            self.logger.log(level, "%s: %s", self.name, why, exc_info=traceback)
        elif now - self._logged_at >= self.every:
            self._logged_at = now
            self.logger.log(
                level,
                "%s: still failing (%d times in %.0f min): %s",
                self.name,
                self.failures,
                (now - self._since) / 60,
                why,
            )

    def ended(self) -> None:
        """It works again: said when it had failed; the next failure is news."""
        if self._since is None:
            return
        self.logger.info(
            "%s: works again after %d failure(s) in %.0f min",
            self.name,
            self.failures,
            (self.clock() - self._since) / 60,
        )
        self.failures, self._since = 0, None


async def pause(seconds: float, stop: asyncio.Event) -> None:
    """Wait `seconds`, or less when `stop` is set."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


@dataclass
class Restarts:
    """How supervised tasks come back: delays, how to wait them, whom to tell."""

    first_delay: float = FIRST_DELAY
    max_delay: float = MAX_DELAY
    # Injectable so tests need not wait: (seconds, stop) -> returns when it is time.
    wait: Callable[[float, asyncio.Event], Awaitable[None]] = pause
    clock: Callable[[], float] = time.monotonic
    # Tells admins that the named task is failing; set once the outbox exists (wardbot.app).
    notify: Callable[[str], Awaitable[object]] | None = field(default=None)
    # Whether a task's error is one admins are told of another way (a full disk:
    # FullDiskWatch.folds, which tells it at once): logged, not told as the task failing too.
    told_otherwise: Callable[[BaseException], Awaitable[bool]] | None = field(default=None)
    # The named task ran well for `max_delay` after failing: a new failure is news again,
    # even after a restart (Alerts keeps whom it told in the database).
    recovered: Callable[[str], Awaitable[object]] | None = field(default=None)
    # Waits (seconds, ended) while an attempt runs: once `max_delay` is over and it still
    # runs, it has recovered, said at once (the bot may die before the attempt ends).
    settle: Callable[[float, asyncio.Event], Awaitable[None]] = pause


class Supervised:
    """Runs `work(stop)` until `stop` is set, restarting it whenever it raises.

    An attempt that lasts `max_delay` counts as recovered: the next failure waits the
    first delay again and is told to admins again.
    """

    def __init__(
        self,
        name: str,
        work: Callable[[asyncio.Event], Awaitable[None]],
        restarts: Restarts,
        *,
        check: Callable[[], bool] = lambda: True,
        quiet: tuple[type[Exception], ...] = (),
    ) -> None:
        self.name = name
        self.work = work
        self.restarts = restarts
        self.check = check
        # Errors that explain themselves (a channel that cannot reach its API): one line in
        # the log, without a traceback.
        self.quiet = quiet
        self.failures = 0
        # In the log: a task failing all night (every 5 min at most) is not a traceback each time.
        self.outage = Outage(name, log, clock=restarts.clock)
        self._running = False
        self._told = False

    def attempting(self) -> bool:
        """An attempt is under way (not waiting to restart after raising), well or not."""
        return self._running

    def is_running(self) -> bool:
        """For /healthz: an attempt is under way (not waiting to restart) and says it is well."""
        return self._running and self.check()

    async def run(self, stop: asyncio.Event) -> None:
        delay = self.restarts.first_delay
        while not stop.is_set():
            started = self.restarts.clock()
            self._running = True
            ended = asyncio.Event()
            settled = asyncio.create_task(self._settle(started, ended))
            try:
                await self.work(stop)
                if self.restarts.clock() - started >= self.restarts.max_delay:
                    await self._recovered()
                return
            except Exception as exc:
                self._running = False
                self.failures += 1
                if self.restarts.clock() - started >= self.restarts.max_delay:
                    delay, self._told = self.restarts.first_delay, False
                    await self._recovered()
                if isinstance(exc, self.quiet):
                    self.outage.failed(f"{exc}; trying again in {delay:.0f} s", logging.ERROR)
                else:
                    self.outage.failed(
                        f"stopped on an error ({type(exc).__name__}: {exc}); restarting in "
                        f"{delay:.0f} s",
                        logging.ERROR,
                        traceback=True,
                    )
                await self._tell(exc)
                await self.restarts.wait(delay, stop)
                delay = min(delay * 2, self.restarts.max_delay)
            finally:
                self._running = False
                ended.set()
                settled.cancel()

    async def _settle(self, started: float, ended: asyncio.Event) -> None:
        """Says the attempt begun at `started` recovered once it has run `max_delay`."""
        await self.restarts.settle(self.restarts.max_delay, ended)
        if not ended.is_set() and self.restarts.clock() - started >= self.restarts.max_delay:
            await self._recovered()

    async def _recovered(self) -> None:
        self.outage.ended()
        if self.restarts.recovered is None:
            return
        try:
            await self.restarts.recovered(self.name)
        except Exception:  # the next failure is not told: a lesser evil than a crash here
            log.exception("%s: could not note that it works again", self.name)

    async def _tell(self, exc: BaseException) -> None:
        # Not the error's text: it may hold a request URL, and so a bot token.
        if self._told or self.restarts.notify is None:
            return
        told_otherwise = self.restarts.told_otherwise
        try:
            if told_otherwise is not None and await told_otherwise(exc):
                log.info("%s: admins are told of this error another way", self.name)
                return  # not `_told`: a later error of another kind is news
        except Exception:  # told as the task failing, as without it
            log.exception("%s: could not tell whether admins hear of it another way", self.name)
        try:
            await self.restarts.notify(self.name)
            self._told = True
        except Exception:  # the database itself may be what fails: try at the next error
            log.exception("%s: could not tell admins about the error", self.name)
