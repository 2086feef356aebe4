"""The log of a part that keeps failing (wardbot.supervise.Outage): the first failure at
once, repeats at most every ten minutes with how long it has lasted, the recovery."""

from __future__ import annotations

import asyncio
import logging

import pytest

from wardbot.supervise import REPEAT_EVERY, Outage, Restarts, Supervised


def test_an_outage_is_told_at_its_start_every_ten_minutes_and_at_its_end(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    now = [0.0]
    outage = Outage("zalo", logging.getLogger("test.outage"), clock=lambda: now[0])
    for _ in range(60):  # a failure every 30 s for half an hour
        outage.failed("getUpdates failed (HTTP 502)")
        now[0] += 30
    outage.ended()
    assert REPEAT_EVERY == 600
    assert caplog.messages == [
        "zalo: getUpdates failed (HTTP 502)",
        "zalo: still failing (21 times in 10 min): getUpdates failed (HTTP 502)",
        "zalo: still failing (41 times in 20 min): getUpdates failed (HTTP 502)",
        "zalo: works again after 60 failure(s) in 30 min",
    ]
    caplog.clear()
    outage.ended()  # working all along: nothing to say
    outage.failed("getUpdates failed (HTTP 502)")  # a new outage is news at once
    assert caplog.messages == ["zalo: getUpdates failed (HTTP 502)"]


def test_a_surprise_has_its_traceback_once_per_outage(caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    outage = Outage("zalo", logging.getLogger("test.outage"), every=60, clock=lambda: now[0])
    for _ in range(3):
        try:
            raise KeyError("result")
        except KeyError as exc:
            outage.failed(f"unexpected error ({exc!r})", logging.ERROR, traceback=True)
        now[0] += 60
    assert [bool(r.exc_info) for r in caplog.records] == [True, False, False]


async def test_a_task_failing_all_night_logs_its_traceback_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A task that raises at every restart (a bug the portal's pages trigger, say) for
    hours: one traceback, then a line at most every ten minutes, not 30 lines every 5."""
    caplog.set_level(logging.INFO)
    now = [0.0]
    stop = asyncio.Event()
    tries = 0

    async def work(_stop: asyncio.Event) -> None:
        nonlocal tries
        tries += 1
        if tries == 40:
            stop.set()
        raise RuntimeError("portal down")

    async def wait(seconds: float, _stop: asyncio.Event) -> None:
        now[0] += seconds  # the pause before the next attempt, by the clock

    restarts = Restarts(wait=wait, clock=lambda: now[0])
    await asyncio.wait_for(Supervised("portal", work, restarts).run(stop), 5)
    assert tries == 40 and now[0] > 2.5 * 3600  # hours of failing
    assert [bool(r.exc_info) for r in caplog.records].count(True) == 1
    assert caplog.messages[0] == (
        "portal: stopped on an error (RuntimeError: portal down); restarting in 1 s"
    )
    assert len(caplog.messages) <= 1 + now[0] / REPEAT_EVERY
    assert caplog.messages[-1].startswith("portal: still failing (")
