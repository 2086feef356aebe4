"""The ward's documents as served: faq.yaml and content/ read, analysed and indexed.

`Library` keeps them up to date: a full reload (the last good faq.yaml serving while the
file cannot be read), a few notice files brought up to date in place, the search index
(wardbot.live_index) and the documents' vectors (wardbot.vectors) following. The engine
(wardbot.engine) answers from what it holds, under its lock.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from index.whoosh_index import IndexDamaged, SearchIndex
from wardbot.accents import AccentModel
from wardbot.analysis import (
    Analyzer,
    Lexicon,
    Stopwords,
    Vocabulary,
    analyse_document,
    synonyms_key,
)
from wardbot.corpus_analysis import Doc, Entry, analyse_all, analyse_changes, heads_and_body
from wardbot.faq_file import FaqFile, load_faq
from wardbot.live_index import (
    Documents,
    LiveIndex,
    body_limit,
    index_contents,
    index_doc,
)
from wardbot.live_index import fingerprint as index_fingerprint
from wardbot.loader import (
    LAST_GOOD_FAQ_COPIES,
    FaqShrink,
    another_file,
    conflict_problems,
    copy_problem,
    faq_shrink,
    faq_usable,
    id_clash,
    publish_order,
    read_last_good,
    same_notice,
    save_last_good,
    without_copies,
    without_id_clashes,
)
from wardbot.memory import give_back_memory
from wardbot.models import Announcement, Corpus, Problem
from wardbot.notice_files import companions, is_notice_file, unread_problem
from wardbot.notices import MAX_NOTICE_BYTES, as_last_read, load_announcement, load_content
from wardbot.staff_read import Stamp
from wardbot.state import AnalysedState, doc_key
from wardbot.vectors import GIVE_BACK_UP_TO, DocumentVectors
from wardbot.yaml_values import UnreadTopic

log = logging.getLogger(__name__)

# A first build of this many documents is opened again from what it saved (Engine.open):
# a smaller one leaves little garbage behind; a larger one peaks at several times what it
# keeps while building (1.3 GB at 100k), so the server has the memory anyway, and opening
# it again would cost the build 15 s more.
COMPACT_DOCS = (2_000, GIVE_BACK_UP_TO)


def compacted(docs: int) -> bool:
    """Whether a first build of `docs` documents is compacted (COMPACT_DOCS)."""
    return COMPACT_DOCS[0] <= docs <= COMPACT_DOCS[1]


@dataclass
class AnnouncementChanges:
    """What an update of some content/ files did."""

    added: list[Announcement] = field(default_factory=list)
    edited: list[Announcement] = field(default_factory=list)
    removed: list[Announcement] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.edited or self.removed)


def _stamps(files: dict[str, tuple[Stamp, Announcement]]) -> dict[str, Stamp]:
    return {path: stamped for path, (stamped, _) in files.items()}


def _by_length(vocab: Vocabulary) -> dict[int, list[str]]:
    """The corpus's plain words by length, where typo correction looks for neighbours."""
    buckets: dict[int, list[str]] = {}
    for word in vocab.df:
        if len(word) >= 3 and word.isascii() and word.isalpha():
            buckets.setdefault(len(word), []).append(word)
    return buckets


class Library:
    """One ward's FAQ and announcements, analysed and indexed, kept up to date."""

    def __init__(
        self,
        faq_file: Path,
        content_dir: Path,
        data_dir: Path,
        *,
        background_vectors: bool = False,
        max_notice_bytes: int = MAX_NOTICE_BYTES,
    ) -> None:
        self.faq_file = Path(faq_file)
        self.content_dir = Path(content_dir)
        self.data_dir = Path(data_dir)
        self.max_notice_bytes = max_notice_bytes
        self.corpus = Corpus()
        self.problems: list[Problem] = []
        self.faq_ok = True  # False while faq.yaml cannot be parsed (the last good one serves)
        self.faq_missing = False  # ...and there is no last good one: no FAQ, no topics
        # faq.yaml's topics its own mistake skips, told as such to notices tagged with one.
        self._unread_topics: dict[str, UnreadTopic] = {}
        self.faq_shrink: FaqShrink | None = None  # the last reload lost many FAQ entries
        # Notice files not published as the same notice as another's (`without_copies`):
        # read again when a notice leaves or changes, as one of them may then be published.
        self._copies: set[str] = set()
        # Held while answering and while what follows is swapped for a new version.
        self.lock = threading.RLock()
        self._update_lock = threading.Lock()  # one writer at a time (reload or update)
        self.entries: dict[str, Entry] = {}
        self.index = LiveIndex(self.data_dir, self.lock, self._update_lock, self._indexed)
        self.analyzer = Analyzer.create()
        self.vocab = Vocabulary.of([])
        self.lexicon = Lexicon()  # the documents' terms, numbered (see DocText)
        self.keys: dict[str, str] = {}  # doc id -> doc_key(doc), for the index's fingerprint
        self.synonyms = ""
        # What the last load parsed and analysed (wardbot.state), read from disk once.
        self._state: AnalysedState | None = None
        self._state_read = False
        self.vocab_by_length: dict[int, list[str]] = {}  # typo correction's neighbours
        self._force_build = False
        self.built_afresh = 0  # documents the last load analysed from scratch (and saved)
        self.accents = AccentModel()
        # Meaning: vectors are computed apart from answering (wardbot.vectors), and a
        # document without them yet is ranked lexically.
        self.vectors = DocumentVectors(
            self.data_dir, self._documents, self.lock, background=background_vectors
        )

    def rebuild(self) -> list[Problem]:
        """Reload the files and rebuild the index from scratch, whatever is on disk. An
        index it cannot write is the caller's to report (`bot.py index`: one line), so it
        raises that OSError without logging it."""
        self._force_build = True
        try:
            with self._update_lock, self.index.written(logged=False):
                return self._reload()
        finally:
            self._force_build = False

    def reload(self) -> list[Problem]:
        """Re-read faq.yaml and content/; returns (and keeps) the problems found.

        When faq.yaml cannot be read at all, the last version that could keeps serving.
        """
        with self._update_lock, self.index.written():
            return self._reload()

    def _reload(self) -> list[Problem]:
        previous = self._last_good_faq()
        faq = load_faq(self.faq_file, serving=previous)
        problems = [*faq.problems, *conflict_problems(self.faq_file)]
        if previous is not None and another_file(faq, previous):
            log.warning(
                "%s cannot be read, and the last good version is another file's (none of "
                "its ids is in it): not serving it",
                self.faq_file,
            )
            previous = None
        self.faq_ok = faq_usable(faq, previous)
        self.faq_missing = not faq.ok_syntax and previous is None
        self.faq_shrink = None
        self._unread_topics = faq.unread_topics
        if previous is not None and not self.faq_ok:
            faq.topics, faq.faq, faq.synonyms = previous.topics, previous.faq, previous.synonyms
            self._unread_topics = {}
            log.warning("%s is unreadable; serving the last good version", self.faq_file)
        elif not faq.ok_syntax:
            log.warning(
                "%s is unreadable and there is no good version of it yet: no FAQ and no "
                "topics until it is fixed: %s",
                self.faq_file,
                "; ".join(str(p) for p in problems[:5]),
            )
        else:
            if previous is not None:
                self.faq_shrink = faq_shrink(previous.faq, faq.faq)
            if self.faq_shrink is not None:
                log.warning(
                    "%s lost %d of its %d FAQ entries (%s); the previous version is kept as %s",
                    self.faq_file,
                    len(self.faq_shrink.gone),
                    self.faq_shrink.before,
                    ", ".join(self.faq_shrink.gone),
                    self.data_dir / LAST_GOOD_FAQ_COPIES[1],
                )
            self._keep_last_good(faq)
        state = self._saved_state()
        # No FAQ and no good copy of it: the topics are unknown, not an empty list (a
        # notice's topics are then neither checked nor reported, as `bot.py check` does).
        topics = None if self.faq_missing else faq.topics
        parsing = repr((topics, self.max_notice_bytes, self._unread_topics))
        files = dict(state.files) if state is not None and state.parsing == parsing else {}
        served = {notice.path: notice for notice in self.corpus.announcements if notice.path}
        notices, content_problems = load_content(
            self.content_dir,
            topics,
            max_bytes=self.max_notice_bytes,
            parsed=files,
            served=served,
            unread_topics=self._unread_topics,
        )
        problems += content_problems
        kept, clashes = without_id_clashes(notices, faq.faq, self.faq_file)
        kept, copies = without_copies(kept, {notice.id for notice in served.values()})
        problems += clashes + copies
        self._copies = {problem.file for problem in copies}
        corpus = Corpus(topics=faq.topics, faq=faq.faq, announcements=kept, synonyms=faq.synonyms)
        self._install(corpus, parsing, files)
        self.problems = problems
        return problems

    def _saved_state(self) -> AnalysedState | None:
        """What the last load analysed: kept in memory, read from the data folder at first."""
        if self._force_build:
            return None
        if self._state is None and not self._state_read:
            self._state_read = True
            self._state = AnalysedState.load(self.data_dir)
        return self._state

    def _last_good_faq(self) -> FaqFile | None:
        """The FAQ that served last: the one in memory, else the copy in the data folder."""
        corpus = self.corpus
        if corpus.topics or corpus.faq:
            return FaqFile(corpus.topics, corpus.faq, corpus.synonyms)
        return read_last_good(self.data_dir)

    def _keep_last_good(self, faq: FaqFile) -> None:
        """Save faq.yaml as read and found good (`faq.data`, not the file read again: an
        editor may be saving it anew) as the last good copy (`save_last_good`)."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        save_last_good(self.data_dir, faq)

    def _install(
        self, corpus: Corpus, parsing: str, files: dict[str, tuple[Stamp, Announcement]]
    ) -> None:
        docs: list[Doc] = [*corpus.faq, *corpus.announcements]
        keys = {doc.id: doc_key(doc) for doc in docs}
        synonyms = synonyms_key(corpus.synonyms)
        saved = self._saved_state()
        state = None
        if saved is not None and saved.analysis == synonyms:
            state = analyse_changes(saved, docs, keys, corpus)
        analysed_all = state is None
        if state is None:
            state = analyse_all(docs, keys, synonyms, corpus)
        changed = (
            state is not saved or saved.parsing != parsing or _stamps(saved.files) != _stamps(files)
        )
        state.parsing, state.files = parsing, files
        analyzer = Analyzer.create(corpus.synonyms)
        # Words the corpus uses are never decoded as Telex; unaccented stopwords are
        # decided by how the corpus spells them.
        analyzer.known = frozenset(w for w in state.usage if w.isascii())
        analyzer.stopwords = Stopwords.from_usage(state.usage)
        entries = {doc.id: Entry(doc, state.texts[keys[doc.id]]) for doc in docs}
        vocab = state.vocab
        live = self.index
        fingerprint = index_fingerprint(keys, synonyms)
        contents = index_contents(keys, synonyms)
        index = None
        if not self._force_build:
            index = SearchIndex.open(live.directory, fingerprint) or live.brought_up_to_date(
                entries, vocab, fingerprint, contents
            )
        if index is None:
            index = live.build(entries, vocab, keys, synonyms)
        if analysed_all and compacted(len(entries)):
            # Writing the state holds a table of everything written (20 MB at 10,000
            # notices): put it in the memory the analysis and the index build just freed.
            give_back_memory()
        saved_now = changed and state.save(self.data_dir)
        self.built_afresh = len(entries) if analysed_all and saved_now else 0
        with self.lock:
            old = live.current
            self.vectors.forget(d for d, k in self.keys.items() if keys.get(d) != k)
            self.corpus = corpus
            self.analyzer = analyzer
            self.accents = state.accents
            self.lexicon = state.lexicon
            self.entries = entries
            self.keys = keys
            self.synonyms = synonyms
            self.vocab = vocab
            self.vocab_by_length = _by_length(vocab)
            live.current = index
            self._state = state
        if old is not None and old is not index:
            old.close()
        self.vectors.want()

    def _indexed(self) -> Documents:
        """What the index is built of (LiveIndex; called holding self.lock)."""
        return self.entries, self.vocab, self.keys, self.synonyms

    def update_announcements(self, paths: Iterable[Path]) -> AnnouncementChanges:
        """Bring the given content/ files up to date in place: added, edited or deleted.

        Only those files are read and only their documents reindexed, so a new notice is
        searchable within moments even in a large corpus. The index keeps serving the
        previous state until the update is committed. Word statistics are updated too;
        stopword and Telex decisions keep the ones made at the last full load.
        """
        with self._update_lock:
            corpus = self.corpus
            current = {a.id: a for a in corpus.announcements}
            faq_lines = {e.id: e.line for e in corpus.faq}
            changes = AnnouncementChanges()
            touched: set[str] = set()
            paths = {Path(p) for p in paths}
            # A notice's scan (x.pdf beside x.md) is reported or not as x.md is there.
            paths |= {other for p in paths if is_notice_file(p.name) for other in companions(p)}
            # Files left out as copies of a notice are read again (few, and while staff
            # have not deleted them): the notice they copy may have changed or gone.
            paths |= {Path(p) for p in self._copies}
            for path in paths:
                if not is_notice_file(path.name):  # a sub-folder, a misnamed notice
                    touched.add(str(path))
                    if (problem := unread_problem(path)) is not None:
                        changes.problems.append(problem)
                    continue
                touched.add(str(path))
                doc_id = path.stem
                if not os.path.lexists(path):  # a broken link or a loop is reported below
                    if doc_id in current:
                        changes.removed.append(current.pop(doc_id))
                    continue
                notice, problems = load_announcement(
                    path,
                    None if self.faq_missing else corpus.topics,
                    folder=self.content_dir,
                    max_bytes=self.max_notice_bytes,
                    unread_topics=self._unread_topics,
                )
                if notice is None:  # an edit with a mistake: served as it last read
                    notice, problems = as_last_read(path, problems, current.get(doc_id))
                if notice is not None and (clash := id_clash(notice, faq_lines, self.faq_file)):
                    problems.append(clash)
                    notice = None
                changes.problems += problems
                old = current.pop(doc_id, None)
                if notice is None:
                    if old is not None:
                        changes.removed.append(old)
                elif old is None:
                    changes.added.append(notice)
                elif old != notice:
                    changes.edited.append(notice)
                if notice is not None:
                    current[notice.id] = notice
            self._copies -= touched
            self._leave_out_copies(current, changes, {a.id: a for a in corpus.announcements})
            self.problems = [p for p in self.problems if p.file not in touched] + changes.problems
            if changes.changed:
                with self.index.written():
                    self._apply(corpus, current, changes)
            return changes

    def _leave_out_copies(
        self,
        current: dict[str, Announcement],
        changes: AnnouncementChanges,
        served: dict[str, Announcement],
    ) -> None:
        """Take out of `current` and `changes` each notice just added or edited that is the
        same notice as another file's (`same_notice`) coming before it in `publish_order`,
        as `without_copies` does at a full load, and tell it."""
        fresh = sorted(
            changes.added + changes.edited, key=lambda notice: publish_order(notice, served)
        )
        for notice in fresh:
            order = publish_order(notice, served)
            twin = next(
                (
                    other
                    for other in current.values()
                    if same_notice(notice, other) and publish_order(other, served) < order
                ),
                None,
            )
            if twin is None:
                continue
            del current[notice.id]
            if notice.id in served:
                changes.edited = [n for n in changes.edited if n.id != notice.id]
                changes.removed.append(served[notice.id])
            else:
                changes.added = [n for n in changes.added if n.id != notice.id]
            changes.problems.append(copy_problem(notice, twin))
            self._copies.add(notice.path)

    def _apply(
        self, corpus: Corpus, current: dict[str, Announcement], changes: AnnouncementChanges
    ) -> None:
        notices = sorted(current.values(), key=lambda a: a.id)
        notices.sort(key=lambda a: a.date, reverse=True)  # as load_content orders them
        new_corpus = Corpus(
            topics=corpus.topics, faq=corpus.faq, announcements=notices, synonyms=corpus.synonyms
        )
        analyzer = self.analyzer
        entries = dict(self.entries)
        gone = [entries.pop(a.id) for a in changes.removed + changes.edited if a.id in entries]
        stopwords = analyzer.stopwords
        fresh = [
            Entry(
                doc,
                analyse_document(*analyzer.parts(*heads_and_body(doc)), stopwords, self.lexicon),
            )
            for doc in changes.added + changes.edited
        ]
        entries.update((entry.doc.id, entry) for entry in fresh)
        vocab = self.vocab.changed([e.text for e in gone], [e.text for e in fresh])
        keys = dict(self.keys)
        for notice in changes.removed:
            keys.pop(notice.id, None)
        keys.update((entry.doc.id, doc_key(entry.doc)) for entry in fresh)
        live = self.index
        old = index = live.current
        if index is not None:
            try:
                index.update(
                    (index_doc(entry, vocab, body_limit(vocab)) for entry in fresh),
                    delete=[a.id for a in changes.removed],
                    fingerprint=index_fingerprint(keys, self.synonyms),
                    contents=index_contents(keys, self.synonyms),
                )
            except IndexDamaged as exc:
                log.error("the search index cannot be read (%s): building it again", exc)
                index = live.build(entries, vocab, keys, self.synonyms)
        with self.lock:
            live.current = index
            self.vectors.forget(a.id for a in changes.edited + changes.removed)
            self.corpus = new_corpus
            self.entries = entries
            self.keys = keys
            self.vocab = vocab
            self.vocab_by_length = _by_length(vocab)
        if old is not None and old is not index:
            old.close()
        self.vectors.want()

    def _documents(self) -> dict[str, Doc]:
        """Every document by id, for wardbot.vectors (called holding self.lock)."""
        return {doc_id: entry.doc for doc_id, entry in self.entries.items()}

    def refresh_vectors(self) -> int:
        """Compute the vectors documents lack (new or edited ones); returns how many
        (DocumentVectors.refresh)."""
        return self.vectors.refresh()

    def staff_files_status(self) -> dict[str, object]:
        """For /healthz: which faq.yaml serves ("ok"; "last good" while the file cannot be
        read; "none" when no good version was ever read), and how many problems the last
        read of the staff files found (`bot.py check` lists them)."""
        faq = "none" if self.faq_missing else "ok" if self.faq_ok else "last good"
        return {"faq": faq, "problems": len(self.problems)}

    def close(self) -> None:
        self.vectors.close()  # a pass under way saves what it computed
        with self.lock:
            self.index.close()
