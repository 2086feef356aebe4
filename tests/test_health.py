"""/healthz as a monitoring tool reads it: which part is down, since when (the first look
that found it down, by /healthz or by the bot's own look every 30 s), and back to 200 with
nothing down once the part is well again; a part that cannot be looked at is down, the
others still told."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import httpx
import pytest

from wardbot import web
from wardbot.web import Health, web_app

START = dt.datetime(2026, 12, 2, 8, 0, tzinfo=dt.UTC).timestamp()


class Parts:
    """Three parts of a bot, each well or not as the test says, on a clock of its own."""

    def __init__(self) -> None:
        self.well = {"telegram": True, "portal": True, "data": True}
        self.now = START
        self.health = Health(
            {name: (lambda name=name: self.well[name]) for name in self.well},
            clock=lambda: self.now,
        )

    async def healthz(self) -> tuple[int, dict[str, Any]]:
        transport = httpx.ASGITransport(app=web_app(checks=self.health))
        async with httpx.AsyncClient(transport=transport, base_url="http://bot") as client:
            response = await client.get("/healthz")
        return response.status_code, response.json()


def at(minutes: float) -> str:
    """START plus `minutes`, as /healthz writes it."""
    return dt.datetime.fromtimestamp(START + minutes * 60, dt.UTC).isoformat(timespec="seconds")


async def test_a_part_down_is_named_with_the_time_it_went_down_until_it_is_well() -> None:
    parts = Parts()
    assert await parts.healthz() == (
        200,
        {"status": "ok", "checks": parts.well, "down_since": {}},
    )
    parts.now += 60
    parts.well["portal"] = False
    code, body = await parts.healthz()
    assert code == 503 and body["checks"] == {"telegram": True, "portal": False, "data": True}
    assert body["down_since"] == {"portal": at(1)}
    assert body["down_since"]["portal"] == "2026-12-02T08:01:00+00:00"
    parts.now += 25 * 60  # still down: since the first time it was found down
    parts.well["data"] = False
    code, body = await parts.healthz()
    assert code == 503 and body["down_since"] == {"portal": at(1), "data": at(26)}
    parts.now += 60
    parts.well["portal"] = parts.well["data"] = True
    assert (await parts.healthz())[0] == 200
    assert (await parts.healthz())[1]["down_since"] == {}
    parts.now += 60  # a new outage has a time of its own
    parts.well["portal"] = False
    assert (await parts.healthz())[1]["down_since"] == {"portal": at(28)}


async def test_the_bots_own_look_dates_an_outage_nobody_asked_about(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The part fails at 8:01 and the monitoring tool first asks at 8:30: /healthz says
    8:01, found by the bot's own look, not 8:30."""
    monkeypatch.setattr(web, "LOOK_EVERY", 0.01)
    parts = Parts()
    stop = asyncio.Event()
    watching = asyncio.create_task(parts.health.watch(stop))
    try:
        parts.now += 60
        parts.well["telegram"] = False
        for _ in range(500):
            if parts.health.down_since():
                break
            await asyncio.sleep(0.01)
        parts.now += 29 * 60
        code, body = await parts.healthz()
    finally:
        stop.set()
        await asyncio.wait_for(watching, 5)
    assert code == 503 and body["down_since"] == {"telegram": at(1)}


async def test_a_part_that_cannot_be_looked_at_is_down_and_the_others_still_told() -> None:
    parts = Parts()

    def unreadable() -> bool:
        raise PermissionError("/srv/ward/data/bot.sqlite3")

    parts.health.checks["index"] = unreadable
    code, body = await parts.healthz()
    assert code == 503
    assert body["checks"] == {"telegram": True, "portal": True, "data": True, "index": False}
    assert body["down_since"] == {"index": at(0)}
    assert "srv" not in str(body), "no folder of the server in what anyone may read"
