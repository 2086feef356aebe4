"""Keeping every document's vectors up to date, apart from answering.

After each load or update the engine says its documents changed (`want`). This works
out which lack vectors (new or edited ones), takes them from the cache under the data
folder when it has them, computes the rest in batches (in a background thread when
asked) and swaps each batch into the semantic index the engine reads. Until a document
has its vectors it is ranked lexically. A long pass saves its progress every
SAVE_EVERY_SECONDS and when the engine closes, so a restart carries on from there.
Embedding and the index itself are wardbot.semantic's.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from wardbot.memory import give_back_memory
from wardbot.models import Announcement, FaqEntry
from wardbot.semantic import (
    PASSAGE_CHARS,
    DocTexts,
    DocVectors,
    Embedder,
    SemanticIndex,
    Stopped,
    VectorCache,
    cached_vector,
    embed_documents,
    text_keys,
)

log = logging.getLogger(__name__)

VECTOR_FILE = "vectors.npz"
VECTOR_BATCH_DOCS = 64  # documents embedded at least between two swaps of the semantic index
# After a first build or a restart installs this many documents' vectors, their copies go
# back to the system; past it the pause is not worth it (see engine.COMPACT_DOCS).
GIVE_BACK_UP_TO = 30_000
# A long pass (a first build over thousands of notices) saves what it has computed this
# often, so a bot stopped or killed meanwhile starts again from there, not from nothing.
SAVE_EVERY_SECONDS = 30.0
# How long closing waits for a pass under way to stop at its next few texts and save.
CLOSE_WAIT_SECONDS = 5.0


def doc_texts(doc: FaqEntry | Announcement) -> DocTexts:
    """What the embedder reads of a document (see wardbot.semantic)."""
    if isinstance(doc, FaqEntry):
        return DocTexts(
            (doc.question, *doc.variants), f"{doc.question}\n{doc.answer[:PASSAGE_CHARS]}"
        )
    return DocTexts((doc.title,), f"{doc.title}\n{doc.body[:PASSAGE_CHARS]}")


class DocumentVectors:
    """The semantic index of a ward's documents, kept up to date.

    `documents()` gives the documents as they are now, by id, in a dict of its own (kept
    by the pass); it is called holding `lock`, the lock under which the engine also reads
    `index`.
    """

    def __init__(
        self,
        data_dir: Path,
        documents: Callable[[], dict[str, FaqEntry | Announcement]],
        lock: threading.RLock,
        *,
        background: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`clock`: seconds, for when progress is saved (tests inject their own)."""
        self.embedder: Embedder | None = None
        self.background = background
        self.index = SemanticIndex({})
        self.error: str | None = None  # the last failure, until a pass succeeds
        # The write refused at the last save of the cache (a full disk, a quota reached),
        # until a save goes through or the cache is found up to date: looked at by
        # wardbot.full_disk, which tells admins of a full disk and calls save_again.
        self.unsaved: OSError | None = None
        self.pending = 0  # documents the last pass left without vectors (refresh's at_most)
        # Documents edited or removed since the pass under way (or the last) read them:
        # their vectors in `index` were made from other texts, and are not used.
        self.stale: set[str] = set()
        self._path = data_dir / VECTOR_FILE
        self._documents = documents
        self._lock = lock
        # doc id -> hash of the texts its vectors in `index` were made from
        self._texts: dict[str, int] = {}
        self._pass_lock = threading.Lock()  # one pass at a time
        self._thread: threading.Thread | None = None
        self._wanted = threading.Event()
        self._clock = clock
        self._closing = threading.Event()

    def forget(self, doc_ids: Iterable[str]) -> None:
        """These documents changed: their vectors go unused until a pass has read them
        again (called holding the lock). A pass under way, over thousands of notices,
        would otherwise go on ranking an edited entry by its old text's meaning."""
        self.stale.update(doc_ids)

    def want(self) -> None:
        """Documents changed: bring their vectors up to date (in the background if asked)."""
        if self.embedder is None or not self.background or self._closing.is_set():
            return
        self._wanted.set()
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._worker, name="vectors", daemon=True)
            self._thread.start()

    @property
    def computing(self) -> bool:
        """Whether a background pass is computing vectors now (or is about to)."""
        thread = self._thread
        return thread is not None and thread.is_alive()

    def close(self, wait: float = CLOSE_WAIT_SECONDS) -> None:
        """Stop: a pass under way stops within a few texts and saves what it computed
        (waited for up to `wait` seconds); no pass starts after."""
        self._closing.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(wait)

    def _worker(self) -> None:
        while self._wanted.is_set() and not self._closing.is_set():
            self._wanted.clear()
            try:
                self.refresh()
            except Exception as exc:  # a full disk, a model fault: answer lexically, say so
                self.error = f"{type(exc).__name__}: {exc}"
                log.exception("computing document vectors failed; ranking lexically")
                return

    def refresh(self, at_most: int | None = None) -> int:
        """Compute the vectors documents lack (new or edited ones); returns how many.

        With `at_most`, when more documents than that lack them, none is computed: those
        saved are installed and the rest are counted in `pending` (`bot.py ask` beside a
        bot still computing a large archive's would wait for them all, printing nothing).

        Vectors already in the semantic index or in the cache file are installed at
        once; the rest are computed in batches, each swapped in as it is done, so a large
        first build makes answers better progressively rather than all at the end. The
        index is made with room for them all, so a batch costs only its own vectors. The
        cache file is read for this and let go after, then written from the new index:
        the semantic index holds what answering needs.
        """
        return self._pass(compute=True, at_most=at_most)[0]

    def take_saved(self) -> bool:
        """Install the saved vectors as they are, when they are exactly the documents'
        (a restart): a fraction of a second, no model. False when there is more to do."""
        return self._pass(compute=False)[1] > 0

    def status(self, documents: int) -> dict[str, object]:
        """For /healthz and the log: is meaning used, and for how many of the `documents`."""
        return {
            "model": self.embedder.name if self.embedder is not None else None,
            "documents": len(self.index),
            "of": documents,
            "error": self.error,
        }

    def _pass(self, compute: bool, at_most: int | None = None) -> tuple[int, int]:
        """(documents embedded, documents given vectors); then, after a first build or a
        restart, their copies go back to the system (not worth a pause past GIVE_BACK_UP_TO)."""
        computed, installed = self._update(compute, at_most)
        if VECTOR_BATCH_DOCS <= installed <= GIVE_BACK_UP_TO:
            give_back_memory()
        return computed, installed

    def _update(self, compute: bool, at_most: int | None = None) -> tuple[int, int]:
        """_pass() before giving memory back. Without `compute`, only the saved index as
        it is (take_saved)."""
        embedder = self.embedder
        if embedder is None:
            return 0, 0
        with self._pass_lock:
            with self._lock:
                documents = self._documents()
                semantic, held = self.index, self._texts
                self.stale.clear()  # this pass reads every document as it is now
            cache = VectorCache(self._path)
            digests: dict[str, int] = {}
            keys: dict[str, tuple[list[str], str]] = {}
            vectors: dict[str, DocVectors] = {}
            todo: list[str] = []  # documents to embed (their texts are made again then)
            todo_heads = 0
            for doc_id, doc in documents.items():
                texts = doc_texts(doc)
                digests[doc_id] = hash(texts)
                keys[doc_id] = text_keys(embedder, texts)
            if not held and (saved := cache.as_index(keys)) is not None:  # a restart
                self._install(digests, saved)
                self.error = None
                return 0, len(saved)
            if not compute:
                return 0, 0
            for doc_id, (heads, passage) in keys.items():
                if held.get(doc_id) == digests[doc_id]:
                    vectors[doc_id] = semantic.vectors_of(doc_id)
                elif (found := cached_vector(cache, heads, passage)) is not None:
                    vectors[doc_id] = found
                else:
                    todo.append(doc_id)
                    todo_heads += len(heads)
            # Room for every document still to embed: each batch is added without copying.
            self.pending = 0
            if at_most is not None and len(todo) > at_most:
                self.pending, todo, todo_heads = len(todo), [], 0
            index = SemanticIndex(vectors, room=(len(todo), todo_heads))
            changed = len(vectors) != len(held) or any(d not in held for d in vectors)
            if changed:
                self._install(digests, index)
            saved_at = self._clock()
            embedded = 0
            for start in range(0, len(todo), VECTOR_BATCH_DOCS):
                batch = {
                    d: doc_texts(documents[d]) for d in todo[start : start + VECTOR_BATCH_DOCS]
                }
                try:
                    computed = embed_documents(embedder, cache, batch, stop=self._closing.is_set)
                except Stopped:  # closing: what is done so far is saved below
                    log.info("document vectors: stopped with %d of %d", len(index), len(keys))
                    break
                index = index.extended(computed)
                embedded += len(computed)
                self._install(digests, index)
                if self._clock() - saved_at >= SAVE_EVERY_SECONDS:
                    self._save(index, keys)  # a stop or a crash now loses little
                    saved_at = self._clock()
            wanted = {k for heads, passage in keys.values() for k in (*heads, passage)}
            if not self.pending and (todo or changed or cache.keys() != wanted):
                self._save(index, keys)
            elif not self.pending:  # the cache on disk is the index: nothing left unsaved
                self.unsaved = None
            self.error = None
            return embedded, sum(held.get(d) != digests[d] for d in index.ids)

    def _save(self, index: SemanticIndex, keys: dict[str, tuple[list[str], str]]) -> None:
        """Save the vectors for a restart. A failure (a full disk) costs only that: the
        pass goes on (it stopped there, and the documents after waited for the next
        change of the ward's files for their vectors) and the next save tries again; it
        is kept in `unsaved` for the full-disk watcher (admins told, /healthz)."""
        try:
            index.save(self._path, keys)
        except OSError as exc:
            self.unsaved = exc
            log.warning(
                "could not save the document vectors in %s (%s): a restart now would "
                "compute them again",
                self._path,
                exc,
            )
        else:
            self.unsaved = None

    def save_again(self) -> None:
        """The data folder's disk has room again after a save of the cache was refused:
        a pass in the background saves it now, not at the next change of the ward's
        files (wardbot.full_disk)."""
        if self.unsaved is not None:
            self.want()

    def _install(self, digests: dict[str, int], semantic: SemanticIndex) -> None:
        with self._lock:
            self._texts = {d: digests[d] for d in semantic.ids}
            self.index = semantic
