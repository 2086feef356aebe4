"""The on-disk Whoosh index: built aside and swapped in, opened only when it is up to date.

Text arrives already normalised (see wardbot.text): every field holds space-separated
tokens, so Whoosh only splits on spaces. A query is scored with Whoosh's BM25F formula
and statistics, but a term at a time over whole posting lists with numpy rather than by
Whoosh's per-posting Python loop: a common word's thousands of postings cost a few
milliseconds instead of tens, and the ranking is the one Whoosh's searcher would give.
The layout on disk:

    DIR/CURRENT          name of the live generation, replaced atomically
    DIR/gen-<n>/         a complete Whoosh index plus FINGERPRINT and CONTENTS (what the
                         documents in it were made from: see `contents`)

A build writes a new generation next to the live one, then points CURRENT at it, so a
crash mid-build leaves the previous index serving and never a half-written one.

Several processes may use one data directory (the running bot, `bot.py ask`, `index`,
`announce`): each holds a shared lock on the generation it has open (gen-<n>/IN_USE), and
an old generation is deleted only when nobody holds it. Building or updating takes an
exclusive lock on DIR/WRITING, so two writers never pick the same generation or commit
to one at once; readers never wait for it.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import shutil
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no sharing between processes, old generations just go
    fcntl = None  # type: ignore[assignment]

import numpy as np
from whoosh import index as whoosh_index
from whoosh import scoring
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import ID, TEXT, Schema
from whoosh.searching import Searcher
from whoosh.system import pack_uint
from whoosh.writing import SegmentWriter

log = logging.getLogger(__name__)

TEXT_FIELDS = ("head_fold", "head_bi", "body_fold")
# A segment's files stay apart, read through the file system's cache: joining them into
# one compound file left a first build 7 to 11 MB larger at 10,000 notices. It costs
# reads: p50/p99 +0.05/+0.1 ms at 10,000 notices, +0.1/+2 ms at 100,000 (bench/).
COMPOUND = False
# Whoosh's own write lock is left to `_writing`, which holds one across processes: a
# write that failed on a full disk (even while Whoosh set it up) kept Whoosh's lock taken
# by this process until its garbage was collected, and every later write of the running
# bot was refused (LockError): new notices were neither indexed nor alerted. Without
# fcntl (Windows), where `_writing` cannot lock, Whoosh's lock is all there is.
WHOOSH_LOCK = fcntl is None
BM25_B = 0.75
BM25_K1 = 1.2


class IndexDamaged(Exception):
    """The index's files cannot be read (cut short or overwritten by a crash, a disk fault):
    it must be built again from the documents."""


# What a write that fails for want of room or rights raises: the caller's to handle (a
# read-only data folder, a full disk tried again later), not a damaged index.
_WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM})


def _damaged(generation: Path, exc: Exception) -> IndexDamaged:
    return IndexDamaged(f"{generation}: {type(exc).__name__}: {exc}")


@dataclass(frozen=True)
class IndexDoc:
    """A document as the index sees it: an id, a kind, and token lists per text field."""

    id: str
    type: str
    fields: Mapping[str, Sequence[str]]


class _Words(TEXT):  # type: ignore[misc]
    """A TEXT field given words already analysed (a list, or joined by spaces): counted
    and encoded as Whoosh's Frequency format does, without its tokenizer's per-word
    machinery (a province's archive is millions of postings)."""

    def index(
        self, value: str | Sequence[str], **kwargs: object
    ) -> Iterator[tuple[bytes, int, float, bytes]]:
        boost = self.format.field_boost
        counts = Counter(value.split() if isinstance(value, str) else value)
        return ((w.encode("utf-8"), n, n * boost, pack_uint(n)) for w, n in counts.items())


class _Codec(W3Codec):  # type: ignore[misc]
    """Whoosh's codec without per-block length statistics (they serve Whoosh's own block
    skipping, which `search` does not use: it reads postings whole and scores them with
    the lengths column, still written; gathering them reads one document length for
    every posting written), and with the fastest compression."""

    length_stats = False

    def __init__(self) -> None:
        # zlib's fastest level for posting blocks: a province's archive writes tens of
        # thousands of them, and they are read back whole either way.
        super().__init__(compression=1)


def _schema() -> Schema:
    analyzer = SpaceSeparatedTokenizer()
    text = {name: _Words(analyzer=analyzer, phrase=False) for name in TEXT_FIELDS}
    return Schema(id=ID(stored=True, unique=True), type=ID(stored=True), **text)


def _as_fields(doc: IndexDoc) -> dict[str, str | Sequence[str]]:
    values = {name: doc.fields.get(name, ()) for name in TEXT_FIELDS}
    return {"id": doc.id, "type": doc.type, **values}


class SearchIndex:
    """Ranked candidate retrieval over the ward's documents."""

    def __init__(self, directory: Path, generation: Path) -> None:
        self.directory = directory
        self.generation = generation
        self._in_use = _hold(generation)
        ix = searcher = None
        try:
            ix = whoosh_index.open_dir(str(generation))
            searcher = ix.searcher(weighting=_weighting())
            self._lengths = _field_lengths(searcher)
        except BaseException:
            # Damaged (a file cut short): nothing of it stays open, nor held, so that the
            # generation can go once another replaces it.
            for opened in (searcher, ix):
                if opened is not None:
                    with contextlib.suppress(Exception):
                        opened.close()
            _release(self._in_use)
            raise
        self._ix, self._searcher = ix, searcher
        self._lock = threading.Lock()

    # ---------------------------------------------------------------- lifecycle
    @classmethod
    def build(
        cls,
        directory: Path,
        docs: Iterable[IndexDoc],
        fingerprint: str,
        contents: Mapping[str, object] | None = None,
        size: int = 0,
    ) -> SearchIndex:
        """Write a fresh index for `docs` beside the live one, then swap it in.

        `contents` is kept beside it for the caller to read back (see `contents()`).
        `size`, the number of documents if known, sizes the writer's memory.
        """
        directory.mkdir(parents=True, exist_ok=True)
        with _writing(directory):
            number = 1 + max((_gen_number(p.name) for p in directory.glob("gen-*")), default=0)
            generation = directory / f"gen-{number}"
            if generation.exists():
                shutil.rmtree(generation)
            generation.mkdir()
            try:
                ix = whoosh_index.create_in(str(generation), _schema())
                # Postings are pooled in memory, then spilled to sorted runs and merged: a
                # small pool keeps a ward's build small, a larger one saves a province's
                # archive many merges (10k documents: 32 MB; 100k: 384 MB, the most).
                limit = min(384, max(32, size // 400, (size - 20_000) // 200))
                writer = ix.writer(
                    limitmb=limit, codec=_Codec(), compound=COMPOUND, _lk=WHOOSH_LOCK
                )
                try:
                    for doc in docs:
                        writer.add_document(**_as_fields(doc))
                    writer.commit()
                except BaseException:
                    _abandon(writer)
                    raise
                finally:
                    ix.close()
                (generation / "FINGERPRINT").write_text(fingerprint, encoding="utf-8")
                if contents is not None:
                    _write_contents(generation, contents)
            except BaseException:  # a full disk: the half-made generation goes, not its room
                shutil.rmtree(generation, ignore_errors=True)
                raise
            _write_current(directory, generation.name)
            index = cls(directory, generation)  # held before another writer may clean up
            for old in directory.glob("gen-*"):
                if old.name != generation.name:
                    _remove_unused(old)
        return index

    @classmethod
    def open(cls, directory: Path, fingerprint: str | None = None) -> SearchIndex | None:
        """The live index if there is one (and it matches `fingerprint`), else None."""
        current = _read_current(directory)
        if not current:
            return None
        generation = directory / current
        try:
            stored = (generation / "FINGERPRINT").read_text(encoding="utf-8")
        except OSError:
            return None
        if fingerprint is not None and stored != fingerprint:
            return None
        try:
            index = cls(directory, generation)
        except Exception as exc:  # a damaged index is rebuilt, never fatal
            log.warning(
                "the search index %s cannot be read (%s): building it again", generation, exc
            )
            return None
        _remove_leftovers(directory, current)
        return index

    def close(self) -> None:
        with self._lock:
            self._searcher.close()
            self._ix.close()
            _release(self._in_use)
        if _read_current(self.directory) != self.generation.name:
            _remove_unused(self.generation)  # replaced while we used it: ours to clean up

    # ---------------------------------------------------------------- updates
    def update(
        self,
        docs: Iterable[IndexDoc],
        delete: Iterable[str] = (),
        fingerprint: str = "",
        contents: Mapping[str, object] | None = None,
    ) -> None:
        """Add or replace `docs` and remove the ids in `delete`, in one commit.

        Raises IndexDamaged when the index's own files cannot be read; a write that fails
        (a full disk, a read-only folder) raises as it came.
        """
        try:
            self._update(docs, delete, fingerprint, contents)
        except OSError as exc:
            if exc.errno in _WRITE_ERRNOS:
                raise
            raise _damaged(self.generation, exc) from exc
        except (MemoryError, IndexDamaged):
            raise
        except Exception as exc:
            raise _damaged(self.generation, exc) from exc

    def _update(
        self,
        docs: Iterable[IndexDoc],
        delete: Iterable[str],
        fingerprint: str,
        contents: Mapping[str, object] | None,
    ) -> None:
        # Searches go on meanwhile, on the segments as they were (a segment is never
        # changed, only replaced); only swapping the searcher waits for them. Holding their
        # lock here made every question wait for the whole commit, and for as long as
        # another process held the writer lock (`bot.py index` rebuilding an archive).
        with _writing(self.directory):
            writer = self._ix.writer(codec=_Codec(), compound=COMPOUND, _lk=WHOOSH_LOCK)
            try:
                for doc_id in delete:
                    writer.delete_by_term("id", doc_id)
                for doc in docs:
                    writer.update_document(**_as_fields(doc))
                writer.commit()
            except BaseException:
                _abandon(writer)
                raise
            if contents is not None:
                _write_contents(self.generation, contents)
            if fingerprint:
                (self.generation / "FINGERPRINT").write_text(fingerprint, encoding="utf-8")
            # Not `searcher.refresh()`: it reuses the readers of unchanged segments, and
            # with them their old sets of deleted documents (removed or replaced notices
            # would still be found).
            searcher = self._ix.searcher(weighting=_weighting())
            lengths = _field_lengths(searcher)
            with self._lock:
                old, self._searcher, self._lengths = self._searcher, searcher, lengths
                old.close()

    def contents(self) -> dict[str, object] | None:
        """What the caller said the index holds, at its last build or update (None: unknown)."""
        try:
            with (self.generation / "CONTENTS").open(encoding="utf-8") as saved:
                found = json.load(saved)
        except (OSError, ValueError):
            return None
        return found if isinstance(found, dict) else None

    # ---------------------------------------------------------------- queries
    def search(
        self, terms: Mapping[str, Iterable[tuple[str, float]]], limit: int = 30
    ) -> list[tuple[str, str, float]]:
        """(id, type, score) of the best `limit` documents for weighted terms per field.

        The same documents, scores and order as Whoosh's `searcher.search(Or(Term(field,
        text, boost=weight) ...), limit=limit)` with BM25F: a document's score is the sum
        over the terms it contains (a term given twice counts twice); equal scores go to
        the earlier document. Raises IndexDamaged when the index's files cannot be read.
        """
        try:
            return self._search(terms, limit)
        except MemoryError:
            raise
        except Exception as exc:
            raise _damaged(self.generation, exc) from exc

    def _search(
        self, terms: Mapping[str, Iterable[tuple[str, float]]], limit: int
    ) -> list[tuple[str, str, float]]:
        clauses = [
            (field, text, weight) for field, weighted in terms.items() for text, weight in weighted
        ]
        with self._lock:
            searcher = self._searcher
            scores = np.zeros(searcher.doc_count_all())
            matched = np.zeros(len(scores), dtype=bool)
            for field, text, weight in clauses:
                ids, tf = _postings(searcher, field, text)
                if not len(ids):
                    continue
                idf = searcher.idf(field, text)
                avg_length = searcher.avg_field_length(field) or 1
                length = self._lengths[field][ids]
                norm = BM25_K1 * ((1 - BM25_B) + BM25_B * length / avg_length)
                matched[ids] = True
                scores[ids] += idf * ((tf * (BM25_K1 + 1)) / (tf + norm)) * weight
            found = np.flatnonzero(matched)
            best = found[np.lexsort((found, -scores[found]))][:limit]
            return [
                (fields["id"], fields["type"], float(scores[docnum]))
                for docnum in best
                for fields in [searcher.stored_fields(int(docnum))]
            ]

    def doc_count(self) -> int:
        with self._lock:
            return int(self._searcher.doc_count())


def _write_contents(generation: Path, contents: Mapping[str, object]) -> None:
    partial = generation / ".CONTENTS.tmp"
    partial.write_text(json.dumps(contents), encoding="utf-8")
    os.replace(partial, generation / "CONTENTS")


def _weighting() -> scoring.WeightingModel:
    return scoring.BM25F(B=BM25_B, K1=BM25_K1)


def _field_lengths(searcher: Searcher) -> dict[str, np.ndarray]:
    """Each text field's length in every document, as BM25F reads it (Whoosh stores it
    rounded to one byte), by document number.

    Every file the search reads is opened here too: another process bringing the same
    generation up to date (`bot.py ask` after an edit) deletes the segments it merges,
    and a segment's stored fields, which Whoosh opens when first read, would be gone.
    """
    reader = searcher.reader()
    count = searcher.doc_count_all()
    for leaf, _offset in reader.leaf_readers():
        if leaf.doc_count_all():
            leaf.stored_fields(0)
    return {
        field: np.fromiter(
            (reader.doc_field_length(docnum, field, 1) for docnum in range(count)),
            dtype=np.float64,
            count=count,
        )
        for field in TEXT_FIELDS
    }


def _postings(searcher: Searcher, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    """Document numbers and term frequencies of `text` in `field` (deleted documents left out)."""
    reader = searcher.reader()
    if (field, text) not in reader:
        return np.empty(0, dtype=np.int64), np.empty(0)
    matcher = reader.postings(field, text)
    ids: list[int] = []
    tf: list[float] = []
    while matcher.is_active():
        ids.append(matcher.id())
        tf.append(matcher.weight())
        matcher.next()
    return np.array(ids, dtype=np.int64), np.array(tf, dtype=np.float64)


def _abandon(writer: SegmentWriter) -> None:
    """Give up a write that failed (a full disk): its open files and temporary pools."""
    with contextlib.suppress(Exception):
        writer.cancel()


@contextlib.contextmanager
def _writing(directory: Path) -> Iterator[None]:
    """Hold the directory's writer lock: one build or update at a time, across processes."""
    if fcntl is None:
        yield
        return
    fd = os.open(directory / "WRITING", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _hold(generation: Path) -> int | None:
    """Take a shared lock saying this process reads `generation` (None where unsupported).

    Raises FileNotFoundError when the generation was deleted before the lock was taken.
    """
    if fcntl is None:
        return None
    path = generation / "IN_USE"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_SH)
    try:
        # Another process may have been deleting it while we waited for the lock.
        same = os.stat(path).st_ino == os.fstat(fd).st_ino
    except OSError:
        same = False
    if not same:
        os.close(fd)
        raise FileNotFoundError(f"{generation} was removed")
    return fd


def _release(fd: int | None) -> None:
    if fd is not None:
        os.close(fd)  # closing the descriptor drops its lock


def _remove_unused(generation: Path) -> None:
    """Delete an old generation unless some process still has it open."""
    if fcntl is not None:
        try:
            fd = os.open(generation / "IN_USE", os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # in use: the process using it removes it when it closes
            os.close(fd)
            return
        try:
            shutil.rmtree(generation, ignore_errors=True)
        finally:
            os.close(fd)
        return
    shutil.rmtree(generation, ignore_errors=True)


def _remove_leftovers(directory: Path, current: str) -> None:
    """Delete the generations that builds killed half-way left: never pointed to, and the
    next start opens the live one without building, so nothing else would (a province's
    archive leaves hundreds of MB each time). Not while a writer is at work, whose new
    generation is no leftover; none that a process holds."""
    if fcntl is None:
        return
    try:
        fd = os.open(directory / "WRITING", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:  # a read-only folder: nothing can be deleted anyway
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return
        live = {current, _read_current(directory)}  # a build may have ended meanwhile
        for old in directory.glob("gen-*"):
            if old.name not in live and old.is_dir():
                _remove_unused(old)
    finally:
        os.close(fd)


def _gen_number(name: str) -> int:
    try:
        return int(name.removeprefix("gen-"))
    except ValueError:
        return 0


def _read_current(directory: Path) -> str | None:
    try:
        name = (directory / "CURRENT").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return name if name and (directory / name).is_dir() else None


def _write_current(directory: Path, name: str) -> None:
    tmp = directory / f"CURRENT.{os.getpid()}.tmp"
    tmp.write_text(name, encoding="utf-8")
    os.replace(tmp, directory / "CURRENT")
