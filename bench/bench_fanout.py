"""Fan-out benchmark: one announcement pushed to every subscriber through Telegram.

    .venv/bin/python bench/bench_fanout.py --quick            # 1,000 subscribers (~1.5 min)
    .venv/bin/python bench/bench_fanout.py                    # 10,000 (~12 min: two runs)
    .venv/bin/python bench/bench_fanout.py --subscribers 3000 --only crash --kill-at 0.5

The fake Bot API server from the tests (tests/fakes/telegram_api.py) listens on 127.0.0.1
and enforces Telegram's overall limit: at most 30 sendMessage calls in any rolling second,
the 31st gets HTTP 429 "retry after N". It counts the messages each chat received.

Everything on the bot's side is the real code: a TelegramChannel (python-telegram-bot
Application with its AIORateLimiter, polling the fake) over a real Engine and Conversation
(tests/chat_ward.py's small ward), the Store (aiosqlite file in a temporary directory),
Alerts.sync() and the outbox Sender + Composer with the channel's own pacing (29/s).
N private chats (distinct positive ids) follow one topic; Alerts.sync() takes its
baseline, a new announcement for that topic is written and loaded
(Engine.update_announcements), and a second Alerts.sync() queues N alerts.

Two runs, each on a fresh database and a fresh fake server:

- in-process: the sender runs in this process (same event loop as the fake server);
  a per-message breakdown of where the sender's time goes is printed too;
- kill -9: the sender runs in a child process (`--sender-child`, this script), killed
  with SIGKILL once `--kill-at` of the subscribers got their alert, then a new child is
  started on the same database and drains the rest. At most one message (the one in
  flight) may reach its chat twice.

Figures: delivered = messages received by subscribers (duplicates included); elapsed =
from the alerts being queued (the first child's start for kill -9) to the last delivery;
rate = delivered / (last delivery - first delivery), the sustained rate; 429s = answers
429 from the fake; lost = subscribers who got nothing; duplicated = subscribers who got
more than one message.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import logging
import os
import signal
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("PTB_TIMEDELTA", "1")  # PTB 22: retry_after as a timedelta, no warning

SCRIPT = Path(__file__).resolve()
ROOT = SCRIPT.parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from chat_ward import TODAY, write_chat_ward  # noqa: E402
from fakes.telegram_api import FakeBotApi  # noqa: E402

from handlers.telegram import TelegramChannel  # noqa: E402
from wardbot.alerts import Alerts  # noqa: E402
from wardbot.config import Secret, Settings  # noqa: E402
from wardbot.conversation import Conversation  # noqa: E402
from wardbot.engine import Engine  # noqa: E402
from wardbot.outbox import Composer, Sender  # noqa: E402
from wardbot.store import ChatRef, Store  # noqa: E402

DEFAULT_SUBSCRIBERS = 10_000
QUICK_SUBSCRIBERS = 1_000
RATE_LIMIT = 30  # what the fake server allows per rolling second, as Telegram does
FIRST_CHAT = 100_000_001  # private chats: positive ids
TOPIC = "bhyt"
NOTICE_ID = "2024-07-31-lich-cap-the-bhyt-thang-8"
NOTICE = """\
---
title: Lịch cấp thẻ BHYT cho hộ gia đình tháng 8/2024
date: 2024-07-31
topics: [bhyt]
---
UBND phường thông báo lịch cấp thẻ BHYT hộ gia đình tại bộ phận một cửa: sáng thứ Hai
và thứ Tư hằng tuần, từ 7 giờ 30 đến 11 giờ. Người dân mang theo CCCD.
"""
TARGET_RATE = 27.0
TARGET_LOST = 0
TARGET_DUPLICATES = 1
CHANNELS = ["telegram"]

log = logging.getLogger("bench_fanout")


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def chat_ids(count: int) -> list[int]:
    return list(range(FIRST_CHAT, FIRST_CHAT + count))


def ward_settings(root: Path, token: str, base_url: str) -> Settings:
    return Settings(
        faq_file=root / "ward" / "faq.yaml",
        content_dir=root / "ward" / "content",
        data_dir=root / "data",
        ward_name="UBND Phường 2",
        ward_hotline="0276 3822 123",
        telegram_token=Secret(token),
        telegram_base_url=base_url,
    )


def open_engine(settings: Settings, index: str) -> Engine:
    engine = Engine.open(
        settings.faq_file, settings.content_dir, settings.data_dir / index, today=TODAY
    )
    if engine.problems:
        raise SystemExit(f"the bench ward has problems: {[str(p) for p in engine.problems]}")
    return engine


async def pending(store: Store) -> int:
    counts = await store.outbox_counts(time.time())
    return counts.get("pending", 0) + counts.get("sending", 0)


# --- where the sender's time goes -----------------------------------------------------


@dataclass
class Breakdown:
    """Total seconds and calls of the sender's steps (wrapped instance methods)."""

    seconds: dict[str, float] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)

    def wrap(self, obj: object, method: str, label: str) -> None:
        inner: Callable[..., Awaitable[Any]] = getattr(obj, method)

        @functools.wraps(inner)
        async def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return await inner(*args, **kwargs)
            finally:
                self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - started
                self.calls[label] = self.calls.get(label, 0) + 1

        setattr(obj, method, timed)

    def attach(self, sender: Sender) -> None:
        self.wrap(sender, "_pace", "pace wait")
        self.wrap(sender.composer, "replies", "compose")
        self.wrap(sender.store, "mark_sending", "mark_sending")
        self.wrap(sender.channel, "deliver", "deliver (HTTP)")
        self.wrap(sender.store, "mark_done", "mark_done")
        self.wrap(sender.store, "due", "due (batch)")

    def line(self, messages: int) -> str:
        if not messages:
            return "(nothing sent)"
        parts = [
            f"{label} {seconds / messages * 1000:.2f}"
            for label, seconds in self.seconds.items()
            if self.calls.get(label)
        ]
        total = sum(self.seconds.values()) / messages * 1000
        return "ms per message: " + ", ".join(parts) + f"; sum {total:.2f}"


# --- setting up a ward with N subscribers and N alerts queued ------------------------


async def subscribe_all(store: Store, count: int) -> None:
    for chat in chat_ids(count):
        await store.subscribe(ChatRef("telegram", str(chat)), TOPIC)


async def queue_alerts(engine: Engine, alerts: Alerts, settings: Settings, count: int) -> None:
    """A new notice for the topic everyone follows, loaded, then Alerts.sync()."""
    path = settings.content_dir / f"{NOTICE_ID}.md"
    path.write_text(NOTICE, encoding="utf-8")
    changes = await asyncio.to_thread(engine.update_announcements, [path])
    if [a.id for a in changes.added] != [NOTICE_ID]:
        raise SystemExit(f"the new notice was not loaded: {changes}")
    queued = await alerts.sync()
    if queued.get(NOTICE_ID) != count:
        raise SystemExit(f"expected {count} alerts queued, got {queued}")


async def prepare(root: Path, api: FakeBotApi, count: int) -> tuple[Settings, Engine, Store]:
    (root / "ward").mkdir()
    write_chat_ward(root / "ward")
    settings = ward_settings(root, api.token, api.base_url)
    engine = open_engine(settings, "index-parent")
    store = await Store.open(settings.data_dir / "bot.sqlite3")
    started = time.monotonic()
    await subscribe_all(store, count)
    say(f"{count} chats subscribed in {time.monotonic() - started:.1f} s")
    return settings, engine, store


# --- the figures ----------------------------------------------------------------------


@dataclass
class Result:
    name: str
    subscribers: int
    delivered: int
    elapsed: float
    rate: float
    throttled: int
    lost: int
    duplicated: int
    extra: int  # messages beyond one per subscriber
    outbox: dict[str, int]
    notes: list[str] = field(default_factory=list)

    def verdict(self, kill: bool) -> str:
        checks = [
            ("rate", self.rate >= TARGET_RATE),
            ("lost", self.lost <= TARGET_LOST),
            ("dup", self.duplicated <= (TARGET_DUPLICATES if kill else 0)),
        ]
        missed = [name for name, ok in checks if not ok]
        return "OK" if not missed else "MISSED: " + ", ".join(missed)


def figures(
    name: str, api: FakeBotApi, count: int, started: float, outbox: dict[str, int]
) -> Result:
    wanted = set(chat_ids(count))
    deliveries = [c for c in api.sent() if c.chat_id in wanted]
    times = sorted(c.at for c in deliveries)
    received = [api.delivered.get(chat, 0) for chat in wanted]
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    return Result(
        name=name,
        subscribers=count,
        delivered=len(deliveries),
        elapsed=(times[-1] - started) if times else 0.0,
        rate=(len(times) - 1) / span if span else 0.0,
        throttled=sum(1 for c in api.of("sendMessage") if c.status == 429),
        lost=sum(1 for n in received if n == 0),
        duplicated=sum(1 for n in received if n > 1),
        extra=sum(n - 1 for n in received if n > 1),
        outbox=outbox,
    )


# --- run 1: the sender in this process -----------------------------------------------


async def run_in_process(count: int, limit_s: float, rate_limit: int) -> Result:
    with tempfile.TemporaryDirectory(prefix="wardbot-fanout-") as tmp:
        root = Path(tmp)
        async with FakeBotApi(rate_limit=rate_limit) as api:
            settings, engine, store = await prepare(root, api, count)
            channel = TelegramChannel(settings, Conversation(engine, store, settings))
            composer = Composer(
                lambda: engine.corpus, store, settings.content_dir, today=lambda: engine.today
            )
            sender = Sender(store, channel, composer)
            breakdown = Breakdown()
            breakdown.attach(sender)
            alerts = Alerts(engine, store, settings, CHANNELS, wake=sender.wake)
            stop = asyncio.Event()
            task: asyncio.Task[None] | None = None
            try:
                if await alerts.sync() != {}:
                    raise SystemExit("the first Alerts.sync() should only take the baseline")
                await channel.start()
                task = asyncio.create_task(sender.run(stop), name="sender")
                say(f"in-process: queueing {count} alerts")
                started = time.monotonic()
                await queue_alerts(engine, alerts, settings, count)
                deadline = started + limit_s
                while await pending(store) and time.monotonic() < deadline:
                    await asyncio.sleep(0.5)
                    if task.done():
                        task.result()
                        break
            finally:
                stop.set()
                if task is not None:
                    await asyncio.wait_for(task, 30)
                await channel.stop()
            outbox = await store.outbox_counts(0)
            await store.close()
            engine.close()
            result = figures("in-process", api, count, started, outbox)
        stats = sender.stats
        result.notes.append(
            f"sender: sent {stats.sent}, rate-limited {stats.rate_limited}, "
            f"retried {stats.retried}, failed {stats.failed}"
        )
        result.notes.append(breakdown.line(stats.sent))
        wall = result.elapsed or 1.0
        shares = ", ".join(
            f"{label} {seconds / wall * 100:.0f}%" for label, seconds in breakdown.seconds.items()
        )
        result.notes.append(f"share of elapsed: {shares}")
        return result


# --- run 2: the sender in a child process, killed with SIGKILL and restarted ---------


async def spawn_child(root: Path, api: FakeBotApi, number: int) -> asyncio.subprocess.Process:
    command = [
        sys.executable,
        str(SCRIPT),
        "--sender-child",
        str(root),
        "--base-url",
        api.base_url,
        "--token",
        api.token,
        "--index",
        f"index-child{number}",
    ]
    return await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.PIPE)


async def run_with_kill(count: int, kill_at: float, limit_s: float, rate_limit: int) -> Result:
    with tempfile.TemporaryDirectory(prefix="wardbot-fanout-kill-") as tmp:
        root = Path(tmp)
        async with FakeBotApi(rate_limit=rate_limit) as api:
            settings, engine, store = await prepare(root, api, count)
            alerts = Alerts(engine, store, settings, CHANNELS)
            if await alerts.sync() != {}:
                raise SystemExit("the first Alerts.sync() should only take the baseline")
            await queue_alerts(engine, alerts, settings, count)
            await store.close()
            engine.close()

            threshold = max(1, int(count * kill_at))
            children: list[asyncio.subprocess.Process] = []
            try:
                say(f"kill -9: child 1 sends until {threshold} chats have their alert")
                started = time.monotonic()
                children.append(await spawn_child(root, api, 1))
                await api.wait_until(lambda: len(api.delivered) >= threshold, within=limit_s)
                children[0].kill()  # SIGKILL, whatever it is doing
                killed_at = time.monotonic()
                await children[0].wait()
                at_kill = len(api.sent())
                say(f"kill -9: child 1 killed after {at_kill} deliveries; starting child 2")
                respawned = time.monotonic()
                children.append(await spawn_child(root, api, 2))
                out, _ = await asyncio.wait_for(children[1].communicate(), limit_s)
                if children[1].returncode != 0:
                    raise SystemExit(f"child 2 failed with exit code {children[1].returncode}")
                report = json.loads(out.decode().strip().splitlines()[-1])
            finally:
                for child in children:
                    if child.returncode is None:
                        child.kill()
                        await child.wait()
            store = await Store.open(settings.data_dir / "bot.sqlite3")
            outbox = await store.outbox_counts(0)
            await store.close()
            result = figures("kill -9 + restart", api, count, started, outbox)
            sent = api.sent()
            before = [c.at for c in sent[:at_kill]]
            after = [c.at for c in sent[at_kill:]]
            if before and after:
                gap = after[0] - before[-1]
                result.notes.append(
                    f"restart gap {gap:.2f} s from the last delivery of child 1 to the first "
                    f"of child 2 (spawned {respawned - killed_at:.2f} s after the kill, "
                    f"{report['startup_s']:.2f} s to load the ward and start PTB); "
                    f"rate without the gap {(len(sent) - 2) / (result_span(sent) - gap):.1f} msg/s"
                )
                result.notes.append(
                    f"child 1: {len(before)} deliveries in {before[-1] - before[0]:.1f} s "
                    f"({(len(before) - 1) / max(before[-1] - before[0], 1e-9):.1f} msg/s); "
                    f"child 2: {len(after)} in {after[-1] - after[0]:.1f} s "
                    f"({(len(after) - 1) / max(after[-1] - after[0], 1e-9):.1f} msg/s)"
                )
                repeated = sorted(c for c, n in api.delivered.items() if n > 1)
                if repeated:
                    result.notes.append(f"sent twice: chat(s) {repeated[:5]}")
            result.notes.append(
                f"child 2: recovered {report['recovered']} 'sending' row(s); sender stats "
                f"{report['stats']}; killed {killed_at - started:.1f} s into the run"
            )
            result.notes.append("child 2 " + report["breakdown"])
            return result


def result_span(calls: list[Any]) -> float:
    return calls[-1].at - calls[0].at if len(calls) > 1 else 1e-9


async def sender_child(root: Path, base_url: str, token: str, index: str) -> None:
    """--sender-child: drain the outbox of the database under `root`, print a JSON line."""
    begun = time.monotonic()
    parent = os.getppid()
    settings = ward_settings(root, token, base_url)
    engine = await asyncio.to_thread(open_engine, settings, index)
    store = await Store.open(settings.data_dir / "bot.sqlite3")
    counts = await store.outbox_counts(0)
    channel = TelegramChannel(settings, Conversation(engine, store, settings))
    composer = Composer(
        lambda: engine.corpus, store, settings.content_dir, today=lambda: engine.today
    )
    sender = Sender(store, channel, composer)
    breakdown = Breakdown()
    breakdown.attach(sender)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await channel.start()
    startup = time.monotonic() - begun
    task = asyncio.create_task(sender.run(stop), name="sender")
    try:
        while not stop.is_set():
            await asyncio.sleep(0.25)
            if task.done() or os.getppid() != parent:  # failed, or the parent is gone
                break
            if not await pending(store):
                break
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
        await channel.stop()
        await store.close()
        engine.close()
    report = {
        "recovered": counts.get("sending", 0),
        "startup_s": startup,
        "stats": {k: v for k, v in asdict(sender.stats).items() if k != "errors"},
        "breakdown": breakdown.line(sender.stats.sent),
    }
    print(json.dumps(report), flush=True)


# --- main -----------------------------------------------------------------------------


def table(results: list[tuple[Result, bool]], rate_limit: int) -> None:
    print(
        f"{'run':<18} {'subscribers':>11} {'delivered':>9} {'elapsed_s':>9} {'msg/s':>6} "
        f"{'429s':>5} {'lost':>5} {'duplicated':>10}  verdict"
    )
    for result, kill in results:
        print(
            f"{result.name:<18} {result.subscribers:>11} {result.delivered:>9} "
            f"{result.elapsed:>9.1f} {result.rate:>6.1f} {result.throttled:>5} "
            f"{result.lost:>5} {result.duplicated:>10}  {result.verdict(kill)}"
        )
    for result, _kill in results:
        print(f"\n{result.name}: outbox {dict(sorted(result.outbox.items()))}")
        for note in result.notes:
            print(f"  {note}")
    print(
        f"\ntargets: >= {TARGET_RATE:g} msg/s sustained (delivered / first-to-last delivery), "
        f"{TARGET_LOST} lost, duplicates 0 without a crash and <= {TARGET_DUPLICATES} across "
        f"the kill. The fake allows {rate_limit} sendMessage per rolling second; the sender "
        f"paces at {TelegramChannel.pace.per_second:g}/s."
    )


async def main(args: argparse.Namespace) -> None:
    count = QUICK_SUBSCRIBERS if args.quick else args.subscribers
    timeout = args.timeout or count / 10 + 120
    results: list[tuple[Result, bool]] = []
    if args.only in (None, "in-process"):
        results.append((await run_in_process(count, timeout, args.rate_limit), False))
        say(f"in-process run done: {results[-1][0].delivered} delivered")
    if args.only in (None, "crash"):
        results.append((await run_with_kill(count, args.kill_at, timeout, args.rate_limit), True))
    table(results, args.rate_limit)


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=DEFAULT_SUBSCRIBERS)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_SUBSCRIBERS} subscribers")
    parser.add_argument("--only", choices=["in-process", "crash"], help="run one of the two")
    parser.add_argument(
        "--kill-at", type=float, default=0.4, help="share delivered when the child is killed"
    )
    parser.add_argument("--timeout", type=float, help="seconds allowed per run")
    parser.add_argument(
        "--rate-limit",
        type=int,
        default=RATE_LIMIT,
        help=f"sendMessage calls the fake allows per rolling second (default {RATE_LIMIT})",
    )
    parser.add_argument("--sender-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--token", help=argparse.SUPPRESS)
    parser.add_argument("--index", help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(name)s %(levelname)s %(message)s")
    if args.sender_child:
        asyncio.run(sender_child(args.sender_child, args.base_url, args.token, args.index))
        return

    async def guarded() -> None:
        # SIGTERM (e.g. from `timeout`) cancels the run: the finally blocks kill the child
        # and delete the temporary directories.
        task = asyncio.current_task()
        assert task is not None
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
        await main(args)

    try:
        asyncio.run(guarded())
    except asyncio.CancelledError:
        sys.exit(128 + signal.SIGTERM)


if __name__ == "__main__":
    cli()
