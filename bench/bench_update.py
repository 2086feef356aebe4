"""How soon a new announcement is searchable while the bot runs, at 1k and 10k documents.

    .venv/bin/python bench/bench_update.py              # 1k and 10k documents
    .venv/bin/python bench/bench_update.py --quick      # 1k only
    .venv/bin/python bench/bench_update.py --sizes 10000 --rounds 10

For each size a synthetic corpus is written as in bench_search.py (the seed corpus's
announcements recombined), the engine opened on it, and then, `--rounds` times, one new
announcement is dropped into content/:

- watcher:  the real ContentWatcher (watchfiles + snapshot diff + incremental update)
            running in the event loop; the time is from the file's rename into content/ to
            the first moment `engine.ask(its title)` puts it first (polled every 5 ms).
- update:   `Engine.update_announcements([path])` alone, called directly.
- baseline: what a bot without incremental indexing would do: `Engine.rebuild()`
            (reload every file and rebuild the index).

Target (issue 4): searchable within 2 s at 10k documents.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
for path in (REPO, REPO / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from bench_search import (  # noqa: E402 - after the path set-up
    DEFAULT_SEED,
    read_seed_notices,
    synth_notice,
    write_corpus,
)

TARGET_S = 2.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def drop(content: Path, k: int, seeds: list, pool: list[str], rng: random.Random) -> Path:
    """Write announcement k aside, then rename it in, as `bot.py announce` does."""
    text, name = synth_notice(k, seeds, pool, rng)
    # A title no other notice has, so "found" means this one.
    text = text.replace("title: ", f"title: Thông báo số {k} về ", 1)
    tmp = content / f".bench-{k}.tmp"
    tmp.write_text(text, encoding="utf-8")
    target = content / name
    os.replace(tmp, target)
    return target


def title_of(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("title: "):
            return line.removeprefix("title: ").strip('"')
    raise ValueError(path)


async def measure(size: int, rounds: int, seed_dir: Path, random_seed: int) -> dict[str, object]:
    from wardbot.alerts import Alerts, ContentWatcher
    from wardbot.config import Settings
    from wardbot.engine import Engine
    from wardbot.store import Store

    seeds = read_seed_notices(seed_dir / "content")
    pool = [u for s in seeds for u in s.units if len(u) > 30]
    rng = random.Random(random_seed)
    with tempfile.TemporaryDirectory(prefix="bench-update-") as tmp:
        root = Path(tmp)
        log(f"{size}: writing the corpus")
        write_corpus(root, size, seed_dir / "faq.yaml", seeds, random_seed)
        content = root / "content"
        settings = Settings(faq_file=root / "faq.yaml", content_dir=content, data_dir=root / "data")
        started = time.perf_counter()
        engine = Engine.open(settings.faq_file, content, settings.data_dir)
        log(f"{size}: opened in {time.perf_counter() - started:.1f} s")
        store = await Store.open(settings.data_dir / "bot.sqlite3")
        alerts = Alerts(engine, store, settings, ["telegram"])
        await alerts.sync()
        watcher = ContentWatcher(engine, alerts, settings)
        stop = asyncio.Event()
        task = asyncio.create_task(watcher.run(stop))
        await asyncio.sleep(0.5)  # let watchfiles start watching
        k = size + 1
        watched: list[float] = []
        found = 0
        for _ in range(rounds):
            path = drop(content, k, seeds, pool, rng)
            began = time.perf_counter()
            title = title_of(path)
            while time.perf_counter() - began < 30:
                best = engine.ask(title).best
                if best is not None and best.id == path.stem:
                    watched.append(time.perf_counter() - began)
                    found += 1
                    break
                await asyncio.sleep(0.005)
            k += 1
            await asyncio.sleep(0.3)
        stop.set()
        await task

        direct: list[float] = []
        for _ in range(rounds):
            path = drop(content, k, seeds, pool, rng)
            began = time.perf_counter()
            engine.update_announcements([path])
            direct.append(time.perf_counter() - began)
            k += 1

        baseline: list[float] = []
        for _ in range(max(1, min(rounds, 3))):
            drop(content, k, seeds, pool, rng)
            began = time.perf_counter()
            engine.rebuild()
            baseline.append(time.perf_counter() - began)
            k += 1
        await store.close()
        engine.close()
    return {
        "size": size,
        "rounds": rounds,
        "found": found,
        "watcher": watched,
        "update": direct,
        "baseline": baseline,
    }


def fmt(values: list[float]) -> str:
    if not values:
        return "    —   /    —  "
    return f"{statistics.median(values):7.3f} / {max(values):6.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated corpus sizes")
    parser.add_argument("--quick", action="store_true", help="same as --sizes 1000")
    parser.add_argument("--rounds", type=int, default=5, help="announcements dropped per size")
    parser.add_argument("--seed", type=Path, default=DEFAULT_SEED, help="seed ward folder")
    parser.add_argument("--random-seed", type=int, default=20240715)
    args = parser.parse_args()
    sizes = [1000] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]
    results = [asyncio.run(measure(n, args.rounds, args.seed, args.random_seed)) for n in sizes]
    print()
    print("New announcement -> searchable, seconds (median / worst)")
    print(f"{'docs':>7}  {'watcher (ours)':>16}  {'update only':>16}  {'full rebuild':>16}  found")
    for r in results:
        print(
            f"{r['size']:>7}  {fmt(r['watcher'])}  {fmt(r['update'])}  {fmt(r['baseline'])}"
            f"  {r['found']}/{r['rounds']}"
        )
    print(f"target: searchable within {TARGET_S:g} s at 10k documents")


if __name__ == "__main__":
    main()
