"""What one start of the engine leaves for the next: parsed notices and analysed documents.

Reading, parsing and analysing every notice is most of what opening a large corpus
costs (tens of seconds at 10,000 notices); the result hardly changes between two starts.
`AnalysedState` keeps it, pickled in the data folder:

- each notice file parsed, with the file's stamp (size, modification and change times,
  inode): a file whose stamp is unchanged is not read again;
- each document's analysis (DocText), by a digest of the document itself: a document
  read anew but unchanged (a touched file, an edited faq.yaml around it) is not
  analysed again;
- the corpus-wide counts made from every document (word usage, the accent model, the
  vocabulary), kept up to date as documents come and go.

The notices' bodies go at the end of the file and are not read back with the rest: a
notice loaded from the file reads its body from there when asked (a few microseconds),
so a large archive's text stays on disk (10 MB at 10,000 notices). The file is only
ever replaced, never written in place: a running engine keeps the one it read open.

Word usage and the accent model are only ever added to (they cannot take a document
back out); once many documents have changed since they were counted from scratch, the
engine counts them from scratch again (see Library._install). The file is the bot's
own, in its own data folder: whoever can write there can change what the bot does anyway.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import weakref
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from wardbot.accents import AccentModel
from wardbot.analysis import ANALYSIS_VERSION, DocText, Lexicon, Vocabulary
from wardbot.models import Announcement, FaqEntry, kept_body
from wardbot.process import partial_file
from wardbot.staff_read import Stamp

log = logging.getLogger(__name__)

STATE_FILE = "analysis.pickle"
# Bump when anything pickled here changes shape.
FORMAT = 9


def doc_key(doc: FaqEntry | Announcement) -> str:
    """A digest of everything about a document its analysis depends on."""
    return hashlib.blake2b(repr(doc).encode(), digest_size=16).hexdigest()


@dataclass
class AnalysedState:
    """Parsed files and analysed documents of the last load, with the counts over them."""

    # What the analysis depends on beyond the documents and ANALYSIS_VERSION: the synonyms
    # (analysis.synonyms_key).
    analysis: str
    # What parsing depends on beyond the files (topics, size cap).
    parsing: str
    lexicon: Lexicon
    texts: dict[str, DocText]  # doc key -> analysis, for the documents in `keys`
    keys: dict[str, str]  # doc id -> doc key: the corpus the counts below describe
    usage: Counter[str]  # words as written, over every document counted
    accents: AccentModel
    vocab: Vocabulary
    # Documents added, changed or removed since usage and accents were counted afresh.
    drift: int = 0
    files: dict[str, tuple[Stamp, Announcement]] = field(default_factory=dict)

    def save(self, folder: Path) -> bool:
        """Write the state into `folder`, whole or not at all; False when it cannot."""
        path = folder / STATE_FILE
        # Its own partial file: `bot.py ask` or `announce` may save beside a running bot.
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with partial_file(path) as out:
                out.write(_header())
                bodies = _Bodies(kept_body(notice) for _, notice in self.files.values())
                _Pickler(out, self.lexicon.pool, bodies).dump(self)
                self.lexicon.pool.tofile(out)
                bodies.write(out)
        except OSError as exc:  # a full disk or a read-only folder: the next start is slower
            log.warning("could not save the analysed documents in %s: %s", path, exc)
            return False
        return True

    @classmethod
    def load(cls, folder: Path) -> AnalysedState | None:
        """The state saved in `folder`, or None when there is none this code can use."""
        path = folder / STATE_FILE
        try:
            with path.open("rb") as saved:
                if saved.read(len(_header())) != _header():
                    log.info("%s was written by another version; analysing afresh", path)
                    return None
                unpickler = _Unpickler(saved)
                state = unpickler.load()
                unpickler.read_pool(saved)
                unpickler.find_bodies(saved)
        except FileNotFoundError:
            return None
        except Exception as exc:  # damaged: analyse afresh
            log.info("not using %s (%s); analysing every document", path, exc)
            return None
        return state if isinstance(state, cls) else None


def _header() -> bytes:
    """The first line of the file: what wrote it, checked before anything is unpickled."""
    return f"wardbot analysed state {FORMAT} analysis {ANALYSIS_VERSION}\n".encode()


class _BodyFile:
    """The saved state a notice's body was read back from, open for as long as it is used."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self.base = 0  # where the bodies start in the file
        weakref.finalize(self, os.close, fd)

    def size(self) -> int:
        return os.fstat(self._fd).st_size

    def read(self, at: int, size: int) -> bytes:
        data = os.pread(self._fd, size, self.base + at)
        if len(data) != size:  # only if the file was cut short by someone else
            raise OSError(f"a notice's body is missing from the saved state ({STATE_FILE})")
        return data


class _StoredBody:
    """A notice's deflated body, in a saved state file (what models._Compressed reads)."""

    __slots__ = ("_at", "_file", "_size")

    def __init__(self, file: _BodyFile, at: int, size: int) -> None:
        self._file, self._at, self._size = file, at, size

    def __len__(self) -> int:
        return self._size

    def read(self) -> bytes:
        return self._file.read(self._at, self._size)

    def __reduce__(self) -> tuple[object, ...]:  # pickled anywhere else: as the bytes
        return (bytes, (self.read(),))


class _Bodies:
    """The notices' bodies a save puts after everything else, each placed once."""

    def __init__(self, kept: Iterable[object]) -> None:
        self._kept = {id(body): body for body in kept}
        self._placed: dict[int, tuple[int, int]] = {}  # id -> (offset, size)
        self._order: list[object] = []
        self._end = 0

    def place(self, obj: object) -> tuple[int, int] | None:
        """Where `obj` goes, if it is a body (else None: it is pickled as usual)."""
        key = id(obj)
        if key not in self._kept:
            return None
        if key not in self._placed:
            size = len(obj)  # type: ignore[arg-type]
            self._placed[key] = (self._end, size)
            self._order.append(obj)
            self._end += size
        return self._placed[key]

    def write(self, out: BinaryIO) -> None:
        for body in self._order:
            out.write(body if isinstance(body, bytes) else body.read())  # type: ignore[attr-defined]


# The lexicon's pool (every document's term numbers) is the one large array: it goes
# after the pickle as raw bytes and is read straight into place, where pickling it
# inline would hold a second copy of it while loading. The bodies come last.
class _Pickler(pickle.Pickler):
    def __init__(self, out: BinaryIO, pool: array[int], bodies: _Bodies) -> None:
        super().__init__(out, protocol=5)
        self._pool = pool
        self._bodies = bodies

    def persistent_id(self, obj: object) -> tuple[str, str | int, int] | None:
        if obj is self._pool:
            return ("pool", self._pool.typecode, len(self._pool))
        if (placed := self._bodies.place(obj)) is not None:
            return ("body", *placed)
        return None


class _Unpickler(pickle.Unpickler):
    _pool: tuple[array[int], int] | None = None
    _file: _BodyFile | None = None
    _bodies_end = 0

    def __init__(self, source: BinaryIO) -> None:
        super().__init__(source)
        self._source = source

    def persistent_load(self, pid: object) -> object:
        if isinstance(pid, tuple) and len(pid) == 3 and pid[0] == "body":
            if self._file is None:
                self._file = _BodyFile(os.dup(self._source.fileno()))
            at, size = pid[1], pid[2]
            self._bodies_end = max(self._bodies_end, at + size)
            return _StoredBody(self._file, at, size)
        if not (isinstance(pid, tuple) and len(pid) == 3 and pid[0] == "pool"):
            raise pickle.UnpicklingError(f"unknown reference {pid!r}")
        pool: array[int] = array(pid[1])
        self._pool = (pool, pid[2])
        return pool

    def read_pool(self, source: BinaryIO) -> None:
        if self._pool is not None:
            pool, size = self._pool
            pool.fromfile(source, size)

    def find_bodies(self, source: BinaryIO) -> None:
        """The bodies start here; the file must hold every one of them."""
        if self._file is not None:
            self._file.base = source.tell()
            if self._file.size() < self._file.base + self._bodies_end:
                raise pickle.UnpicklingError("the notices' bodies are cut short")
