"""The weekly report to ward staff: every Monday at 8:00 (Vietnam time, as the office
opens and after the night's quiet hours) each admin gets the week's figures (/stats) and
the questions residents asked most that the bot could not answer, so that faq.yaml grows
from what residents ask without anyone having to remember /unanswered.

Once a week at most: the week is recorded as reported before the report is queued, so a
crash between the two loses that week's report rather than sending it twice. A bot
stopped on Monday morning sends the week's report when it starts, until the next Monday.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections.abc import Awaitable, Callable, Sequence

from wardbot.hours import VIETNAM
from wardbot.store import QuotedLine, Store

log = logging.getLogger(__name__)

REPORT_WEEKDAY = 0  # Monday
REPORT_HOUR = 8
WEEK_KEY = "weekly_report"  # store meta: the ISO week last reported ("2026-W49")
WEEK = 7 * 86400.0
# Looked at again at least this often: a clock set forward or back is caught within it.
RECHECK_SECONDS = 3600.0


def last_due(now: float) -> tuple[str, float]:
    """The latest report time at or before `now` (a Monday, 8:00 Vietnam time) and the
    ISO week it opens ("2026-W49")."""
    local = dt.datetime.fromtimestamp(now, VIETNAM)
    due = (local - dt.timedelta(days=(local.weekday() - REPORT_WEEKDAY) % 7)).replace(
        hour=REPORT_HOUR, minute=0, second=0, microsecond=0
    )
    if due > local:
        due -= dt.timedelta(days=7)
    year, week, _ = due.isocalendar()
    return f"{year}-W{week:02d}", due.timestamp()


class WeeklyReport:
    """Sends `report()` to admins through `tell` (Alerts.tell_admins: the outbox) once a
    week, with its lines quoting residents (for their /forget). The bot's first week is
    not reported: it has counted nothing yet."""

    name = "weekly"

    def __init__(
        self,
        store: Store,
        report: Callable[[], Awaitable[tuple[str, Sequence[QuotedLine]]]],
        tell: Callable[[str, Sequence[QuotedLine]], Awaitable[int]],
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.report = report
        self.tell = tell
        self.clock = clock

    async def send_due(self) -> bool:
        """Send this week's report if it is due and not sent; whether it was sent."""
        week, _ = last_due(self.clock())
        last = await self.store.meta_value(WEEK_KEY)
        if last == week:
            return False
        if last is None:  # the bot's first start: nothing counted yet, nothing to make
            await self.store.set_meta_value(WEEK_KEY, week)
            return False
        # Before recording: a failure here is tried again.
        text, quoted = await self.report()
        await self.store.set_meta_value(WEEK_KEY, week)
        told = await self.tell(text, quoted)
        log.info("weekly report %s queued for %d admin chat(s)", week, told)
        return True

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await self.send_due()
            now = self.clock()
            _, due = last_due(now)
            wait = max(1.0, min(due + WEEK - now, RECHECK_SECONDS))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), wait)
