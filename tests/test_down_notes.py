"""A part that keeps running without doing its work (a channel whose platform stopped
answering, an alert sender whose sends all fail) is told to admins once it has been down
for ten minutes, once per outage, and told back once it has stayed well (wardbot.down_notes).
The recording channel and the ward of tests/test_alerts.py; /healthz's looks and the
notes on one injected clock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from test_alerts import ADMIN, Ward, close_ward, open_ward

from wardbot import messages as msg
from wardbot.alerts import Alerts
from wardbot.down_notes import TELL_AFTER, DownNotes, Watched
from wardbot.web import CARRY_WITHIN, START_GRACE, Health


@pytest.fixture
async def ward(tmp_path: Path) -> AsyncIterator[Ward]:
    opened = await open_ward(tmp_path)
    yield opened
    await close_ward(opened)


class Part:
    """A part as /healthz and its supervisor see it."""

    def __init__(self) -> None:
        self.well = True
        self.attempting = True  # not waiting to restart after raising
        self.explained = False  # its own note tells admins (a refused token)


class Watching:
    def __init__(self, ward: Ward, part: Part, name: str = "zalo", *, kept: bool = False) -> None:
        self.ward = ward
        self.backs: list[float] = []

        async def wait(seconds: float) -> None:  # the ✅'s wait, at once
            self.backs.append(seconds)

        alerts = Alerts(
            ward.engine,
            ward.store,
            ward.settings,
            [ward.channel.name],
            clock=lambda: ward.now[0],
            wait=wait,
        )
        self.health = Health(
            {name: lambda: part.well}, clock=lambda: ward.now[0], kept=ward.store if kept else None
        )
        watched = Watched(name, lambda: part.attempting, name, lambda: part.explained)
        self.alerts = alerts
        self.looked = False
        self.notes = DownNotes(
            self.health, alerts, [watched], ward.settings.ward_name, clock=lambda: ward.now[0]
        )

    async def look(self, after: float = 30.0) -> None:
        """`after` seconds later, /healthz's periodic look and what it tells admins (as
        Health.watch does: what the bot before found down read at its first)."""
        self.ward.now[0] += after
        if not self.looked:
            await self.health.recall()
            self.looked = True
        await self.health.look()
        await self.health.keep(self.ward.now[0])
        await self.notes.look()
        await asyncio.sleep(0)  # a ✅ waiting its turn goes

    async def told(self, count: int | None = None) -> list[str]:
        """The notes sent so far; with `count`, once that many are (a ✅ goes in a task)."""
        for _ in range(200):
            await self.ward.sender.drain()
            sent = [reply.text for _, replies, _ in self.ward.channel.sent for reply in replies]
            if count is None or len(sent) >= count:
                return sent
            await asyncio.sleep(0.01)
        return sent


async def test_a_channel_down_while_it_runs_is_told_after_ten_minutes_once_and_back(
    ward: Ward,
) -> None:
    part = Part()
    watching = Watching(ward, part)
    await watching.look()
    part.well = False  # Zalo stops answering the polls
    await watching.look()
    for _ in range(int(TELL_AFTER // 60) - 1):  # nine minutes: a hiccup is no news
        await watching.look(60)
    assert await watching.told() == []
    for _ in range(5):  # past ten minutes: told once, however long it lasts
        await watching.look(60)
    (note,) = await watching.told()
    assert note.startswith("⚠️ Từ ") and "không nhận được tin nhắn qua Zalo" in note
    assert all(chat == ADMIN.chat_id for chat, _, _ in ward.channel.sent)
    part.well = True
    await watching.look()
    back = msg.admin_task_back(ward.settings.ward_name, "zalo")
    assert await watching.told(2) == [note, back]
    assert watching.backs, "told back only after staying well a while"
    await watching.look()
    assert await watching.told() == [note, back]
    await watching.alerts.close()


@pytest.mark.parametrize("why", ["explained", "raising"])
async def test_an_outage_told_another_way_is_not_told_twice(ward: Ward, why: str) -> None:
    """A refused token has its own note (what to do); a part that raised was told by its
    supervisor (Alerts.task_failing)."""
    part = Part()
    part.explained = why == "explained"
    part.attempting = why != "raising"
    watching = Watching(ward, part)
    part.well = False
    for _ in range(20):
        await watching.look(60)
    assert await watching.told() == []


async def test_an_alert_sender_failing_for_long_says_alerts_wait(ward: Ward) -> None:
    part = Part()
    watching = Watching(ward, part, "zalo-alerts")
    part.well = False
    for _ in range(12):
        await watching.look(60)
    (note,) = await watching.told()
    assert "không gửi được tin báo qua Zalo" in note and "được giữ lại" in note


async def test_an_outage_across_a_restart_is_told_ten_minutes_after_it_began(
    ward: Ward,
) -> None:
    """A bot restarted (by hand, or by Docker after a crash) while Zalo stays down: the
    outage is the one that began before, as /healthz says after the start's grace, and
    admins hear of it once it has lasted ten minutes in all; not ten minutes after each
    start, which a bot restarting every few minutes would never reach."""
    part = Part()
    before = Watching(ward, part, kept=True)
    part.well = False
    await before.look()
    began = ward.now[0]
    for _ in range(6):  # six minutes down, then the bot restarts
        await before.look(60)
    assert await before.told() == []
    await before.alerts.close()
    ward.now[0] += 60  # the restart
    after = Watching(ward, part, kept=True)
    await after.look(5)
    assert after.health.down_at() == {"zalo": ward.now[0]}  # connecting: not judged yet
    await after.look(START_GRACE)
    assert after.health.down_at() == {"zalo": began}
    assert await after.told() == []  # 8.6 minutes in all
    for _ in range(3):
        await after.look(30)
    (note,) = await after.told()
    assert "không nhận được tin nhắn qua Zalo" in note
    await after.alerts.close()


@pytest.mark.parametrize("gap", [60.0, CARRY_WITHIN + 60.0])
async def test_a_part_well_again_or_a_bot_long_stopped_carries_no_outage(
    ward: Ward, gap: float
) -> None:
    """Zalo down before a restart and connected after it: that outage is over. Down
    again a while later, it is a new one. And a bot that was stopped for long says
    nothing of now: a part down at the start is down since the start."""
    part = Part()
    before = Watching(ward, part, kept=True)
    part.well = False
    for _ in range(8):
        await before.look(60)
    await before.alerts.close()
    ward.now[0] += gap
    after = Watching(ward, part, kept=True)
    if gap < CARRY_WITHIN:
        part.well = True  # connected at once
        await after.look(5)
        part.well = False
    started = ward.now[0]
    await after.look(START_GRACE)
    assert after.health.down_at()["zalo"] > started - 30
