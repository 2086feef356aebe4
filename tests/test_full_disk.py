"""A disk that fills while the bot runs is told to admins in chat, once per episode, and
so is its end (wardbot.full_disk). The recording channel and the ward of
tests/test_alerts.py, on its injected clock; SQLite refuses writes as on a full disk
(max_page_count), and the data folder's disk shows no room (tests/fakes/disk.py)."""

from __future__ import annotations

import asyncio
import datetime as dt
import errno
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from fakes import disk
from fakes.telegram_api import FakeBotApi, visible_text
from test_alerts import ADMIN, Ward, close_ward, open_ward
from test_meaning import HashEmbedder
from test_telegram_app import api, bot_settings, running_app

from wardbot import full_disk
from wardbot import messages as msg
from wardbot.alerts import Alerts
from wardbot.config import Settings
from wardbot.full_disk import FullDiskWatch
from wardbot.store import ChatRef
from wardbot.supervise import Restarts, Supervised
from wardbot.vectors import VECTOR_FILE

# test_telegram_app's fixture, used here too
__all__ = ["api"]


@pytest.fixture
async def ward(tmp_path: Path) -> AsyncIterator[Ward]:
    opened = await open_ward(tmp_path)
    yield opened
    await close_ward(opened)


def watch(ward: Ward) -> FullDiskWatch:
    """The watcher as the bot runs it: the channel passed for direct notes too, and the
    vector cache's saves looked at."""
    alerts = Alerts(
        ward.engine,
        ward.store,
        ward.settings,
        [ward.channel.name],
        clock=ward.clock,
        direct={ward.channel.name: ward.channel},
    )
    return FullDiskWatch(ward.store, alerts, ward.clock, saving=[ward.engine.vectors])


class Refusing:
    """SQLite refusing every write that needs a page more ("database or disk is full")."""

    def __init__(self, ward: Ward) -> None:
        self.ward = ward
        self.residents = 0

    async def fill(self) -> None:
        db = self.ward.store.db
        async with db.execute("PRAGMA page_count") as cursor:
            (pages,) = await cursor.fetchone()  # type: ignore[misc]
        await db.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(sqlite3.OperationalError, match="database or disk is full"):
            for _ in range(100_000):  # residents subscribing fill what room is left
                await self.subscribe()

    async def subscribe(self) -> None:
        self.residents += 1
        await self.ward.store.subscribe(ChatRef("telegram", str(10_000 + self.residents)), "bhyt")

    async def room(self) -> None:
        await self.ward.store.db.execute("PRAGMA max_page_count = 1073741823")


async def notes(ward: Ward) -> list[tuple[str, str]]:
    """Every message sent so far, outbox drained: (chat, text)."""
    await ward.sender.drain()
    return [(chat, reply.text) for chat, replies, _ in ward.channel.sent for reply in replies]


def full_note(ward: Ward) -> tuple[str, str]:
    return ADMIN.chat_id, msg.admin_disk_full(ward.settings.ward_name, str(ward.settings.data_dir))


async def test_a_full_disk_is_told_once_however_many_writes_fail(ward: Ward) -> None:
    watcher, refusing = watch(ward), Refusing(ward)
    await watcher.look()
    assert await notes(ward) == [], "nothing to tell while writes go through"
    await refusing.fill()
    for _ in range(3):  # ticks, with residents' writes refused between them
        await watcher.look()
        with pytest.raises(sqlite3.OperationalError):
            await refusing.subscribe()
        ward.now[0] += 30
    # Sent straight through the channel: the outbox is in the database that cannot grow.
    assert ward.channel.sent and await ward.store.outbox_counts(0) == {}
    assert await notes(ward) == [full_note(ward)]


async def test_admins_are_told_once_the_bot_writes_again_and_of_a_second_episode(
    ward: Ward,
) -> None:
    watcher, refusing = watch(ward), Refusing(ward)
    await refusing.fill()
    await watcher.look()
    ward.now[0] += 5400
    await watcher.look()  # still full: the note that it writes again cannot be queued
    assert await notes(ward) == [full_note(ward)]
    await refusing.room()
    await watcher.look()  # not known yet: no write went through since
    await refusing.subscribe()  # a resident's write goes through again
    for _ in range(3):
        await watcher.look()
    back = (ADMIN.chat_id, msg.admin_disk_room_again(ward.settings.ward_name, 5400))
    assert await notes(ward) == [full_note(ward), back]

    await refusing.fill()  # a second episode is news again
    await watcher.look()
    await watcher.look()
    assert await notes(ward) == [full_note(ward), back, full_note(ward)]


async def test_a_disk_that_fills_under_an_idle_bot_is_told_before_a_write_fails(
    ward: Ward, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No write was refused yet: the disk shows no room, and that is told, once; its end
    too, once the disk has room again."""
    watcher = watch(ward)
    with monkeypatch.context() as full:
        disk.fill(ward.settings.data_dir, full)
        await watcher.look()
        ward.now[0] += 600
        await watcher.look()
        assert await notes(ward) == [full_note(ward)]
    await watcher.look()
    await watcher.look()
    back = (ADMIN.chat_id, msg.admin_disk_room_again(ward.settings.ward_name, 600))
    assert await notes(ward) == [full_note(ward), back]


async def test_a_full_disk_is_told_at_the_next_tick_when_no_admin_could_be_reached(
    ward: Ward,
) -> None:
    watcher, refusing = watch(ward), Refusing(ward)
    await refusing.fill()
    ward.channel.plan[ADMIN.chat_id] = [ConnectionError("Telegram unreachable")]
    await watcher.look()
    assert await notes(ward) == []
    await watcher.look()
    await watcher.look()
    assert await notes(ward) == [full_note(ward)]


@pytest.mark.parametrize("admin_ids", [frozenset(), frozenset({"zalo:77"})])
async def test_a_full_disk_with_no_admin_chat_to_tell_breaks_nothing(
    ward: Ward, admin_ids: frozenset[str]
) -> None:
    """No admin configured, or only one on a channel the bot does not run: nothing is sent
    and the watcher keeps looking, through the episode and its end."""
    ward.settings = replace(ward.settings, admin_ids=admin_ids)
    watcher, refusing = watch(ward), Refusing(ward)
    await refusing.fill()
    await watcher.look()
    await watcher.look()
    await refusing.room()
    await refusing.subscribe()
    await watcher.look()
    assert await notes(ward) == []
    assert not ward.store.full()


async def test_the_running_bot_tells_its_admin_on_telegram_of_a_full_disk_and_its_end(
    api: FakeBotApi, ward_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The watcher as `python bot.py run` starts it: the admin's Telegram chat gets the
    note once while the disk stays full, then the note that the bot writes again."""
    admin = 4711
    settings = bot_settings(ward_settings, api, admin_ids=frozenset({f"telegram:{admin}"}))
    monkeypatch.setattr(full_disk, "LOOK_EVERY_SECONDS", 0.01)
    ticks = [0]
    look = FullDiskWatch.look

    async def counted(self: FullDiskWatch) -> None:
        await look(self)
        ticks[0] += 1

    monkeypatch.setattr(FullDiskWatch, "look", counted)

    async def until(condition: Callable[[], bool]) -> None:
        for _ in range(2000):
            if condition():
                return
            await asyncio.sleep(0.01)
        raise AssertionError("not by now")

    def notes() -> list[str]:
        return [visible_text(call.text) for call in api.sent(admin)]

    async with running_app(settings):
        with monkeypatch.context() as full:
            disk.fill(settings.data_dir, full)
            await until(lambda: len(notes()) == 1)
            seen = ticks[0]
            await until(lambda: ticks[0] >= seen + 5)  # ticks on a disk still full
            assert notes() == [msg.admin_disk_full(settings.ward_name, str(settings.data_dir))]
        await until(lambda: len(notes()) == 2)
        seen = ticks[0]
        await until(lambda: ticks[0] >= seen + 5)
    assert len(notes()) == 2 and notes()[1].startswith("✅ Ổ đĩa của máy chủ chạy bot")


class Once:
    """A background task run as the bot runs it (wardbot.app's Restarts: admins told of a
    task failing, unless `watcher` folds its error into the full disk), until its first
    failure is dealt with."""

    def __init__(self, watcher: FullDiskWatch) -> None:
        self.restarts = Restarts(
            clock=watcher.clock, notify=watcher.alerts.task_failing, told_otherwise=watcher.folds
        )

    async def __call__(self, work: Callable[[asyncio.Event], Awaitable[None]], name: str) -> None:
        stop = asyncio.Event()

        async def wait(seconds: float, stop: asyncio.Event) -> None:
            stop.set()

        await Supervised(name, work, replace(self.restarts, wait=wait)).run(stop)


async def test_a_task_failing_for_the_full_disk_admins_were_told_of_sends_no_note_of_its_own(
    ward: Ward,
) -> None:
    """One full disk, one message: a background task stopped by a write the full disk
    refuses is not told as failing too once admins were told of the disk (it is logged);
    a task failing for another reason meanwhile still is."""
    watcher, refusing = watch(ward), Refusing(ward)
    once = Once(watcher)

    async def writes(stop: asyncio.Event) -> None:
        await refusing.subscribe()

    async def breaks(stop: asyncio.Event) -> None:
        raise RuntimeError("a bug")

    await refusing.fill()
    await watcher.look()
    await once(writes, "portal")
    assert await notes(ward) == [full_note(ward)]
    await once(breaks, "weekly-report")
    failing = (ADMIN.chat_id, msg.admin_task_failing(ward.settings.ward_name, "weekly-report"))
    assert await notes(ward) == [full_note(ward), failing]


async def test_a_task_stopped_by_the_full_disk_before_the_first_look_tells_only_the_disk(
    ward: Ward,
) -> None:
    """The disk fills between two looks and a task's write is refused first: admins get
    the one message that the disk is full, at once, not a note that the task is failing
    (and the disk's message after it at the next look)."""
    watcher, refusing = watch(ward), Refusing(ward)
    once = Once(watcher)

    async def writes(stop: asyncio.Event) -> None:
        await refusing.subscribe()

    await refusing.fill()
    await once(writes, "portal")
    assert await notes(ward) == [full_note(ward)]
    await once(writes, "weekly-report")
    for _ in range(2):
        await watcher.look()
        ward.now[0] += 30
    assert await notes(ward) == [full_note(ward)]


@pytest.fixture
def notice(ward_settings: Settings) -> Iterator[Path]:
    """Today's notice staff publish in the chat tests' content/ (shared by the session):
    gone again after the test, the other tests' ward as it was."""
    path = ward_settings.content_dir / f"{dt.date.today().isoformat()}-tiem-vac-xin.md"
    yield path
    path.unlink(missing_ok=True)


def publish(notice: Path) -> None:
    notice.write_text(
        f"---\ntitle: Tiêm vắc xin sởi\ndate: {notice.name[:10]}\n---\nLịch tiêm vắc xin sởi.\n",
        encoding="utf-8",
    )


async def until(condition: Callable[[], bool], what: str) -> None:
    for _ in range(3000):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"not by now: {what}")


async def test_the_index_stopped_by_the_full_disk_tells_only_the_disk(
    api: FakeBotApi, ward_settings: Settings, monkeypatch: pytest.MonkeyPatch, notice: Path
) -> None:
    """Staff publish a notice as the disk fills, long before the watcher's next look: the
    index cannot take it, and the admin hears that the disk is full, not that the index
    cannot be written."""
    admin = 4712
    settings = bot_settings(ward_settings, api, admin_ids=frozenset({f"telegram:{admin}"}))
    monkeypatch.setattr(full_disk, "LOOK_EVERY_SECONDS", 3600.0)  # one look, at the start

    def notes() -> list[str]:
        return [visible_text(call.text) for call in api.sent(admin)]

    async with running_app(settings) as base:
        disk.fill(settings.data_dir, monkeypatch)
        disk.IndexDisk(settings.data_dir / "index", monkeypatch)
        publish(notice)

        async def index() -> object:
            async with httpx.AsyncClient() as client:
                return (await client.get(f"{base}/healthz")).json()["index"]

        for _ in range(600):
            if await index() == "behind":
                break
            await asyncio.sleep(0.05)
        assert await index() == "behind"
        await until(lambda: len(notes()) >= 1, "the admin told")
        publish(notice)  # saved again, tried again: nothing more to tell
        await asyncio.sleep(1.5)
    assert notes() == [msg.admin_disk_full(settings.ward_name, str(settings.data_dir))]


async def test_the_index_failing_on_after_the_full_disk_for_another_cause_is_told(
    api: FakeBotApi, ward_settings: Settings, monkeypatch: pytest.MonkeyPatch, notice: Path
) -> None:
    """The index's failure folded into the full disk's message; the disk then has room,
    the admin hears the bot writes again, but the index's folder still refuses the bot
    (its owner changed while room was made): the admin now hears that the index cannot
    be written, not only once it was well again (which it may never be)."""
    admin = 4714
    settings = bot_settings(ward_settings, api, admin_ids=frozenset({f"telegram:{admin}"}))
    monkeypatch.setattr(full_disk, "LOOK_EVERY_SECONDS", 0.05)
    name = settings.ward_name

    def notes() -> list[str]:
        return [visible_text(call.text) for call in api.sent(admin)]

    async with running_app(settings) as base:

        async def index() -> object:
            async with httpx.AsyncClient() as client:
                return (await client.get(f"{base}/healthz")).json()["index"]

        with monkeypatch.context() as full:
            disk.fill(settings.data_dir, full)
            disk.IndexDisk(settings.data_dir / "index", full)
            publish(notice)
            for _ in range(600):
                if await index() == "behind":
                    break
                await asyncio.sleep(0.05)
            assert await index() == "behind"
            await until(lambda: len(notes()) >= 1, "the full disk told")
        disk.IndexDisk(settings.data_dir / "index", monkeypatch, errno.EACCES)
        await until(lambda: len(notes()) >= 2, "the room told")
        publish(notice)  # saved again, the index tried again: refused, not for room
        await until(lambda: len(notes()) >= 3, "the index told")
        await asyncio.sleep(0.5)
        assert await index() == "behind"
    room_again = msg.admin_disk_room_again(name, 0.0).split(" (")[0]
    assert notes()[0] == msg.admin_disk_full(name, str(settings.data_dir))
    assert notes()[1].startswith(room_again)
    assert notes()[2:] == [msg.admin_task_failing(name, "index")]


async def test_a_bot_started_on_a_full_disk_tells_its_admin_and_then_that_it_may_restart(
    api: FakeBotApi, ward_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Started read-only because the disk is full: the admin hears it once (answering
    only, restart once there is room), and once the disk has room, that the bot can be
    restarted to save again (it does not by itself)."""
    admin = 4713
    settings = bot_settings(ward_settings, api, admin_ids=frozenset({f"telegram:{admin}"}))
    monkeypatch.setattr(full_disk, "LOOK_EVERY_SECONDS", 0.01)

    def notes() -> list[str]:
        return [visible_text(call.text) for call in api.sent(admin)]

    with monkeypatch.context() as full:
        disk.fill(settings.data_dir, full)
        async with running_app(settings, healthy=False) as base:
            await until(lambda: len(notes()) == 1, "the full disk told")
            await asyncio.sleep(0.3)  # many looks on a disk still full
            assert notes() == [
                msg.admin_disk_full_at_start(settings.ward_name, str(settings.data_dir))
            ]
            full.undo()
            await until(lambda: len(notes()) == 2, "the room told")
            await asyncio.sleep(0.3)
            async with httpx.AsyncClient() as client:
                checks = (await client.get(f"{base}/healthz")).json()["checks"]
    assert len(notes()) == 2 and notes()[1].startswith("✅ Ổ đĩa của máy chủ chạy bot")
    assert "khởi động lại bot" in notes()[1]
    assert checks["data"] is False  # read-only until restarted


async def test_a_bot_started_past_its_disk_quota_tells_its_admin_as_of_a_full_disk(
    api: FakeBotApi, ward_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bot's user has used its disk quota: `df` shows room, yet every write into the
    data folder fails (EDQUOT) and the bot starts read-only. The admin hears it as of a
    full disk, once, then that the bot may be restarted once writes go through again."""
    admin = 4714
    settings = bot_settings(ward_settings, api, admin_ids=frozenset({f"telegram:{admin}"}))
    monkeypatch.setattr(full_disk, "LOOK_EVERY_SECONDS", 0.01)

    def notes() -> list[str]:
        return [visible_text(call.text) for call in api.sent(admin)]

    with monkeypatch.context() as quota:
        disk.fill(settings.data_dir, quota, error=errno.EDQUOT)
        assert not full_disk.no_room(settings.data_dir)  # `df` shows room
        async with running_app(settings, healthy=False):
            await until(lambda: len(notes()) == 1, "the quota told")
            await asyncio.sleep(0.3)  # many looks past the quota still
            assert notes() == [
                msg.admin_disk_full_at_start(settings.ward_name, str(settings.data_dir))
            ]
            quota.undo()
            await until(lambda: len(notes()) == 2, "the room told")
    assert notes()[1].startswith("✅ Ổ đĩa của máy chủ chạy bot")


def quota_reached(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bot's user reaches its disk quota while the bot runs: `df` shows room, files
    written in `folder` fail (EDQUOT), and SQLite says only "disk I/O error"."""
    disk.fill(folder, monkeypatch, error=errno.EDQUOT)
    disk.sqlite_io_errors(monkeypatch)
    assert not full_disk.no_room(folder)


async def looks_past_the_quota(ward: Ward, watcher: FullDiskWatch) -> None:
    """Three looks 30 s apart past the quota: the admin was told once, straight through
    the channel (nothing queued), and /healthz says `data` down."""
    for _ in range(3):
        await watcher.look()
        ward.now[0] += 30
    sent = [(chat, reply.text) for chat, replies, _ in ward.channel.sent for reply in replies]
    assert sent == [full_note(ward)]
    assert not ward.store.saves()


async def test_a_disk_quota_reached_while_the_bot_runs_is_told_as_a_full_disk(
    ward: Ward, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Admins hear of it once as of a full disk, /healthz says `data` down meanwhile, and
    they hear once the bot writes again."""
    watcher, refusing = watch(ward), Refusing(ward)
    with monkeypatch.context() as quota:
        quota_reached(ward.settings.data_dir, quota)
        with pytest.raises(sqlite3.OperationalError, match="disk I/O error"):
            await refusing.subscribe()
        await looks_past_the_quota(ward, watcher)
    await watcher.look()
    back = (ADMIN.chat_id, msg.admin_disk_room_again(ward.settings.ward_name, 90))
    assert await notes(ward) == [full_note(ward), back]
    assert ward.store.saves()


async def test_a_part_stopped_by_the_disk_quota_while_the_database_writes_tells_only_the_disk(
    ward: Ward, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The vectors' cache or the index fails past the quota before the database does (it
    reuses room it has): the part's failure is folded into the full disk's note."""
    watcher = watch(ward)
    with monkeypatch.context() as quota:
        disk.fill(ward.settings.data_dir, quota, error=errno.EDQUOT)
        failure = OSError(errno.EDQUOT, "Disk quota exceeded")
        assert await watcher.folds(failure)
        assert not ward.store.saves()
    assert await notes(ward) == [full_note(ward)]


async def test_a_task_stopped_by_the_disk_quota_before_the_first_look_tells_only_the_disk(
    ward: Ward, monkeypatch: pytest.MonkeyPatch
) -> None:
    watcher, refusing = watch(ward), Refusing(ward)
    once = Once(watcher)

    async def writes(stop: asyncio.Event) -> None:
        await refusing.subscribe()

    with monkeypatch.context() as quota:
        quota_reached(ward.settings.data_dir, quota)
        await once(writes, "portal")
        await once(writes, "weekly-report")
    assert await notes(ward) == [full_note(ward)]


async def test_a_failing_disk_is_not_told_as_a_full_one(
    ward: Ward, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite says "disk I/O error" of a failing disk too: a write tried in the data folder
    goes through, so no note of a full disk (the failing part is told as such)."""
    watcher, refusing = watch(ward), Refusing(ward)
    with monkeypatch.context() as failing:
        disk.sqlite_io_errors(failing)
        with pytest.raises(sqlite3.OperationalError, match="disk I/O error"):
            await refusing.subscribe()
        await watcher.look()
        assert not await watcher.folds(sqlite3.OperationalError("disk I/O error"))
        assert ward.channel.sent == []


async def test_the_running_bot_past_its_disk_quota_answers_and_tells_its_admin(
    api: FakeBotApi, ward_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`python bot.py run`, and the quota is reached while it runs: a resident's question is
    answered all the same, the admin hears of a full disk once, /healthz says `data` down;
    once the quota is raised, the admin hears that the bot writes again."""
    admin, resident = 4716, 7316
    settings = bot_settings(ward_settings, api, admin_ids=frozenset({f"telegram:{admin}"}))
    monkeypatch.setattr(full_disk, "LOOK_EVERY_SECONDS", 0.01)

    def notes() -> list[str]:
        return [visible_text(call.text) for call in api.sent(admin)]

    async with running_app(settings) as base, httpx.AsyncClient() as client:
        with monkeypatch.context() as quota:
            quota_reached(settings.data_dir, quota)
            (answer,) = await api.say(resident, "mất thẻ bhyt")
            assert visible_text(answer.text).startswith("Mất thẻ bảo hiểm y tế")
            await until(lambda: len(notes()) == 1, "the quota told")
            assert notes() == [msg.admin_disk_full(settings.ward_name, str(settings.data_dir))]
            health = await client.get(f"{base}/healthz")
            assert health.json()["checks"]["data"] is False
        await until(lambda: len(notes()) == 2, "the room told")
        assert notes()[1].startswith("✅ Ổ đĩa của máy chủ chạy bot")


async def test_a_vector_cache_refused_by_the_disk_quota_is_told_and_saved_once_there_is_room(
    ward: Ward, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The meaning vectors' cache is the first write past the quota (the database reuses
    room it has): admins hear of a full disk once, /healthz says `data` down, residents
    are still answered by meaning; once the quota is raised admins hear that the bot
    writes again, and the cache is saved then, not at the next edit of the ward's files."""
    watcher, vectors = watch(ward), ward.engine.vectors
    cache = ward.settings.data_dir / VECTOR_FILE
    ward.engine.embedder = HashEmbedder()
    with monkeypatch.context() as quota:
        disk.fill(ward.settings.data_dir, quota, error=errno.EDQUOT)
        ward.engine.refresh_vectors()
        assert not cache.exists()
        status = ward.engine.semantic_status()
        assert status["documents"] == status["of"] > 0 and status["error"] is None
        await looks_past_the_quota(ward, watcher)
    vectors.background = True  # as in `bot.py run`: saved again in a thread of its own
    await watcher.look()
    back = (ADMIN.chat_id, msg.admin_disk_room_again(ward.settings.ward_name, 90))
    assert await notes(ward) == [full_note(ward), back]
    await until(cache.exists, "the vector cache saved")
    await until(lambda: vectors.unsaved is None, "the cache's save noted")
    await watcher.look()
    assert await notes(ward) == [full_note(ward), back]
