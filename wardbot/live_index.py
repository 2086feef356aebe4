"""The search index the engine answers from, kept in the data folder.

`LiveIndex` holds the Whoosh index (index/) that serves: built from scratch, brought up
to date with only the documents changed, built again when its files turn out unreadable
while answering (in a temporary folder when the data folder refuses the new one), and
mended once the data folder can hold it again. Its state is told on /healthz.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from index.whoosh_index import IndexDamaged, IndexDoc, SearchIndex
from wardbot import corpus_analysis
from wardbot.analysis import ANALYSIS_VERSION, Vocabulary
from wardbot.corpus_analysis import Entry
from wardbot.scratch import INDEX_ASIDE, OwnedFolder
from wardbot.text import fold_word

log = logging.getLogger(__name__)
T = TypeVar("T")

# Candidate retrieval uses the words found in at most this share of documents...
SELECTIVE_SHARE = 0.03
SELECTIVE_MIN_DF = 30

# What an index is built of: the documents, their vocabulary, each one's key
# (state.doc_key) and the synonyms' (analysis.synonyms_key).
Documents = tuple[dict[str, Entry], Vocabulary, dict[str, str], str]


def selective_limit(vocab: Vocabulary) -> int:
    """Words in more documents than this are too common to retrieve candidates with."""
    return max(SELECTIVE_MIN_DF, int(SELECTIVE_SHARE * vocab.docs))


def index_doc(entry: Entry, vocab: Vocabulary, body_limit: int) -> IndexDoc:
    """What the index holds of a document."""
    text = entry.text
    return IndexDoc(
        id=entry.doc.id,
        type=entry.type,
        fields={
            "head_fold": [fold_word(t) for t in text.head],
            "head_bi": text.head_pairs(),
            # Each body word once, and only words selective enough to be searched for
            # (see retrieval.candidate_terms): the rescorer reads all of them from memory.
            "body_fold": sorted(w for w in text.body_words() if vocab.df.get(w, 0) <= body_limit),
        },
    )


def body_limit(vocab: Vocabulary) -> int:
    """The body words indexed: twice the query-time limit leaves room for notices added
    later."""
    return 2 * selective_limit(vocab)


def index_contents(keys: dict[str, str], synonyms: str) -> dict[str, Any]:
    """What the index is made from, kept beside it: the analysis and each document's key."""
    return {"analysis": f"{ANALYSIS_VERSION} {synonyms}", "docs": keys}


def fingerprint(keys: dict[str, str], synonyms: str) -> str:
    """What the index was built from: the analysis, the synonyms and every document."""
    digest = hashlib.sha256(f"analysis {ANALYSIS_VERSION}\n{synonyms}\n".encode())
    for doc_id in sorted(keys):
        digest.update(f"{doc_id} {keys[doc_id]}\n".encode())
    return digest.hexdigest()


class LiveIndex:
    """The index that serves, and why it may not be the data folder's up-to-date one.

    `documents()` (called holding `lock`) gives what to build it again from; `update_lock`
    is the one writer's (a reload or an update), which a repair or a mend also takes.
    """

    def __init__(
        self,
        data_dir: Path,
        lock: threading.RLock,
        update_lock: threading.Lock,
        documents: Callable[[], Documents],
    ) -> None:
        self.data_dir = data_dir
        self._lock = lock
        self._update_lock = update_lock
        self._documents = documents
        self.current: SearchIndex | None = None
        # Why the files' last change is not in the index (its write failed: a full disk, a
        # folder the bot cannot write); None once one succeeds. See state().
        self.error: OSError | None = None
        # The index serves from here when it was damaged and the data folder refused the
        # new one (`aside_why`); mend() brings it back.
        self.aside: OwnedFolder | None = None
        self.aside_why: OSError | None = None

    @property
    def directory(self) -> Path:
        return self.data_dir / "index"

    def build(
        self,
        entries: dict[str, Entry],
        vocab: Vocabulary,
        keys: dict[str, str],
        synonyms: str,
        directory: Path | None = None,
    ) -> SearchIndex:
        """A new index of `entries`, built from scratch and made the live one (in the data
        folder, unless `directory`)."""
        limit = body_limit(vocab)
        return SearchIndex.build(
            directory or self.directory,
            (index_doc(e, vocab, limit) for e in entries.values()),
            fingerprint(keys, synonyms),
            index_contents(keys, synonyms),
            size=len(entries),
        )

    def brought_up_to_date(
        self,
        entries: dict[str, Entry],
        vocab: Vocabulary,
        fingerprint: str,
        contents: dict[str, Any],
    ) -> SearchIndex | None:
        """The index on disk with the documents changed since it was written replaced.

        None (build afresh) when there is none, it was made with another analysis, or
        too much changed for the selective-word choices made at its build to hold.
        """
        index = SearchIndex.open(self.directory)
        if index is None:
            return None
        held = index.contents()
        before = held.get("docs") if held and held.get("analysis") == contents["analysis"] else None
        keys: dict[str, str] = contents["docs"]
        if not isinstance(before, dict):
            index.close()
            return None
        changed = [doc_id for doc_id, key in keys.items() if before.get(doc_id) != key]
        removed = [doc_id for doc_id in before if doc_id not in keys]
        if len(changed) + len(removed) > corpus_analysis.MAX_DRIFT_SHARE * max(len(keys), 1):
            index.close()
            return None
        limit = body_limit(vocab)
        try:
            index.update(
                (index_doc(entries[doc_id], vocab, limit) for doc_id in changed),
                delete=removed,
                fingerprint=fingerprint,
                contents=contents,
            )
        except IndexDamaged as exc:
            log.warning("the search index cannot be read (%s): building it again", exc)
            index.close()
            return None
        log.info("index: %d document(s) replaced, %d removed", len(changed), len(removed))
        return index

    def repair(self, damaged: SearchIndex, why: IndexDamaged) -> None:
        """Build the index again when its files turned out unreadable while answering (a
        crash or a disk fault damaged them): every question would fail until then, and
        at every start after."""
        with self._update_lock:
            with self._lock:
                if self.current is not damaged:
                    return  # built again meanwhile
                entries, vocab, keys, synonyms = self._documents()
            log.error("the search index cannot be read (%s): building it again", why)
            aside, why_aside = None, None
            try:
                index = self.build(entries, vocab, keys, synonyms)
            except OSError as exc:  # a full disk: every question would fail, and build again
                why_aside = exc
                aside = OwnedFolder(INDEX_ASIDE, self.data_dir)
                try:
                    index = self.build(entries, vocab, keys, synonyms, Path(aside.name))
                except BaseException:
                    aside.cleanup()
                    raise
                log.error(
                    "the search index cannot be written in %s (%s): answering from a copy in "
                    "%s until it can",
                    self.data_dir,
                    exc.strerror or exc,
                    aside.name,
                )
            with self._lock:
                self.current = index
                previous, self.aside = self.aside, aside
                self.aside_why = why_aside
            damaged.close()
            if previous is not None:  # the damaged index was a temporary copy
                previous.cleanup()
            if aside is None:
                log.info("the search index was built again: answering as usual")

    def state(self) -> str:
        """For /healthz (cheap: one look at the disk): "ok"; "behind" while the files' last
        change could not be written into it (answers come from the version before);
        "temporary" while it serves from a temporary folder, built there when it was found
        damaged and the data folder refused a new one; "missing" when its files were
        deleted from the data folder (mend builds it again)."""
        index = self.current
        if index is None or not index.generation.is_dir():
            return "missing"
        if self.aside is not None:
            return "temporary"
        return "ok" if self.error is None else "behind"

    def failure(self) -> OSError | None:
        """The write refused that keeps the index from the data folder (state "behind" or
        "temporary"; None else): a full disk is told to admins as such, not as the index
        failing (wardbot.full_disk)."""
        with self._lock:
            return self.aside_why if self.aside is not None else self.error

    def mend(self) -> bool:
        """Build the index again in the data folder when it is not there (deleted, or
        serving from a temporary folder); returns whether it did. The folder is first
        tried with a small write, so that a disk still full costs no build."""
        from wardbot.datadir import probe  # the data folder's own test of a write

        if self.state() not in ("missing", "temporary"):
            return False
        if probe(self.directory) is not None:
            return False
        with self._update_lock:
            with self._lock:
                entries, vocab, keys, synonyms = self._documents()
            try:
                index = self.build(entries, vocab, keys, synonyms)
            except OSError as exc:
                log.debug("the search index still cannot be written: %s", exc)
                return False
            with self._lock:
                old, self.current = self.current, index
                aside, self.aside = self.aside, None
            if old is not None:
                old.close()
            if aside is not None:
                aside.cleanup()
        log.info("the search index was built again in %s: answering as usual", self.data_dir)
        return True

    @contextlib.contextmanager
    def written(self, *, logged: bool = True) -> Iterator[None]:
        """Notes whether a change of the files reached the index (state); logs it when it
        did not (unless not `logged`)."""
        try:
            yield
        except OSError as exc:
            # Once per outage: the watcher tries every look.
            if self.error is None and logged:
                log.error(
                    "the search index cannot be written (%s): answering from what it holds "
                    "until it can",
                    exc,
                )
            self.error = exc
            raise
        self.error = None

    def searching(self, work: Callable[[], T]) -> T:
        """`work()` holding the lock; once more after building the index again when its
        files could not be read."""
        with self._lock:
            index = self.current
            try:
                return work()
            except IndexDamaged as exc:
                if index is None:
                    raise
                why = exc
        self.repair(index, why)
        with self._lock:
            return work()

    def close(self) -> None:
        """Close the index and remove a temporary copy (called holding the lock)."""
        if self.current is not None:
            self.current.close()
            self.current = None
        if self.aside is not None:
            self.aside.cleanup()
            self.aside = None
