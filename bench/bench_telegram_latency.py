"""Reply latency through Telegram: a resident's message in, the bot's answer out.

    .venv/bin/python bench/bench_telegram_latency.py        # 200 questions, the project files
    .venv/bin/python bench/bench_telegram_latency.py -n 500 --faq F --content D

The real python-telegram-bot Application (as `bot.py run` builds it: rate limiter,
concurrent updates, typing indicator) polls the fake Bot API server from the tests on
127.0.0.1. Latency is from the moment the update is queued at the fake server to the
moment the bot's sendMessage reaches it, so it includes long polling, the search, the
typing indicator and rendering, but no Internet round trip. Two runs:

- one at a time: each question waits for its answer before the next is sent;
- burst: every question at once, each from its own chat (e.g. after an announcement).
  The rate limiter (30 messages/s overall, as Telegram asks) dominates this one.

Questions are the FAQ's own questions and variants, cycled to the requested count.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import math
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from fakes.telegram_api import FakeBotApi  # noqa: E402

from handlers.telegram import TelegramChannel  # noqa: E402
from wardbot.config import Secret, Settings  # noqa: E402
from wardbot.conversation import Conversation  # noqa: E402
from wardbot.engine import Engine  # noqa: E402
from wardbot.store import Store  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def summary(name: str, latencies: list[float], took: float) -> str:
    ms = [x * 1000 for x in latencies]
    return (
        f"{name:<14} n={len(ms):<4} p50={percentile(ms, 50):7.1f} ms  "
        f"p90={percentile(ms, 90):7.1f} ms  p99={percentile(ms, 99):7.1f} ms  "
        f"max={max(ms):7.1f} ms  ({len(ms) / took:.1f} answers/s)"
    )


async def one_at_a_time(api: FakeBotApi, questions: list[str]) -> tuple[list[float], float]:
    latencies = []
    started = time.monotonic()
    for number, question in enumerate(questions):
        chat = 10_000 + number % 20
        mark = len(api.calls)
        sent = time.monotonic()
        api.send_text(chat, question)
        (reply, *_) = await api.replies(chat, since=mark, within=30)
        latencies.append(reply.at - sent)
    return latencies, time.monotonic() - started


async def burst(api: FakeBotApi, questions: list[str]) -> tuple[list[float], float]:
    mark = len(api.calls)
    started = time.monotonic()
    chats = [20_000 + n for n in range(len(questions))]
    for chat, question in zip(chats, questions, strict=True):
        api.send_text(chat, question)
    await api.wait_until(lambda: len(api.sent(since=mark)) >= len(chats), within=120)
    first: dict[int, float] = {}
    for call in api.sent(since=mark):
        if call.chat_id is not None:
            first.setdefault(call.chat_id, call.at)
    latencies = [first[chat] - started for chat in chats]
    return latencies, time.monotonic() - started


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--questions", type=int, default=200)
    parser.add_argument("--faq", type=Path, default=ROOT / "faq.yaml")
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as data:
        engine = Engine.open(args.faq, args.content, Path(data))
        phrasings = [p for e in engine.corpus.faq for p in (e.question, *e.variants)]
        questions = list(itertools.islice(itertools.cycle(phrasings), args.questions))
        asked = time.monotonic()
        for question in questions:
            engine.ask(question)
        search_ms = (time.monotonic() - asked) / len(questions) * 1000

        async with FakeBotApi() as api, await Store.open(Path(data) / "bot.sqlite3") as store:
            settings = Settings(telegram_token=Secret(api.token), telegram_base_url=api.base_url)
            settings = replace(settings, data_dir=Path(data))
            channel = TelegramChannel(settings, Conversation(engine, store, settings))
            await channel.start()
            try:
                await api.say(1, "/start", count=2)  # warm up
                sequential = await one_at_a_time(api, questions)
                bursty = await burst(api, questions)
            finally:
                await channel.stop()
        engine.close()

    print(f"{len(engine.corpus.faq)} FAQ entries; engine.ask alone: {search_ms:.2f} ms/question")
    print(summary("one at a time", *sequential))
    print(summary("burst", *bursty))


if __name__ == "__main__":
    asyncio.run(main())
