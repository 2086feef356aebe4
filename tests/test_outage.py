"""The log of a part that keeps failing (wardbot.supervise.Outage): the first failure at
once, repeats at most every ten minutes with how long it has lasted, the recovery."""

from __future__ import annotations

import logging

import pytest

from wardbot.supervise import REPEAT_EVERY, Outage


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
