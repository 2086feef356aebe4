"""The answer engine: the ward's files in, ranked and trusted answers out.

`Engine.open()` loads faq.yaml and content/ into the engine's `Library` (wardbot.library),
which builds (or reuses) the Whoosh index under the data directory, keeps what the engine
needs to rescore candidates in memory, and keeps all of it up to date as staff edit the
files; the engine only answers, reading the library under its lock, from the candidates
wardbot.retrieval finds and ranks.
`ask()` is synchronous and takes a few milliseconds; `ask_async()` runs it in a worker
thread so a chat channel's event loop never waits on it. The documents' vectors, for
matching by meaning, are kept up to date apart from answering (wardbot.vectors).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import math
import re
from collections.abc import Collection, Iterable
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from wardbot import ranking, retrieval
from wardbot.analysis import bigrams
from wardbot.corpus_analysis import Doc
from wardbot.hours import vietnam_today
from wardbot.intents import topic_form_texts, topic_forms, topic_key
from wardbot.library import AnnouncementChanges, Library, compacted
from wardbot.loader import FaqShrink
from wardbot.memory import give_back_memory, tune_allocator
from wardbot.models import Announcement, Answer, Corpus, FaqEntry, Hit, Problem, Topic
from wardbot.news import LATEST_LISTED
from wardbot.notices import MAX_NOTICE_BYTES
from wardbot.redact import full_names
from wardbot.retrieval import Scored
from wardbot.semantic import Embedder, RecentQuestions
from wardbot.text import (
    diacritics_share,
    fold,
    fold_word,
    forget_words,
    nfc,
    sounds_alike,
    spells_a_syllable,
    tokens,
)

log = logging.getLogger(__name__)
_TYPED_WORD = re.compile(r"[^\W_]+")

# A resident's question: a longer message is read as its asking clause and the story
# just before it (Analyzer.within), of what this many characters hold; the rest is noise.
MAX_QUESTION_CHARS = 600
# Looked through for that clause, at most (the chat channels take 1,500; `bot.py ask` more).
MAX_READ_CHARS = 4000
# A question must carry at least this share of one unknown word's weight: a lone
# 'phường' or a number asks nothing the bot could answer.
MIN_QUESTION_WEIGHT = 0.3
# Related entries need not answer anything; they must only be on the same subject: one
# of the entry's topics, or this close by score for an entry without topics.
RELATED_FLOOR = 0.02
# A notice older than this is not offered as related reading (it still answers questions).
RELATED_NOTICE_DAYS = 365
MAX_OFFERS = 3  # "Có phải anh/chị muốn hỏi...": at most this many close matches
# Once the best is plausible enough to offer, the next ones are offered beside it down
# to this share of the offer threshold: a question's candidates share one probability,
# so a close second may hold little of it (leave-one-ward-out: the right entry is among
# the offers for 27 of the 43 answerable questions not answered, not 23).
OFFER_COMPANION_SHARE = 0.1
# A question of at most this many words, all of them in an entry's question or title,
# names that entry's subject ("bảo hiểm", "thẻ bhyt"): too vague to answer, but the
# entries about it are offered even when none is likely enough on its own.
TOPIC_QUESTION_WORDS = 4
# A message mostly typed with diacritics meant its unaccented syllables as typed ('ly
# hôn', 'người ta'); below this share, missing diacritics are restored for the embedder.
ACCENTED_SHARE = 0.5
# A resident's words are quoted back with their diacritics put back only when each spelling
# chosen is at least this many times likelier than the next (`Engine.accented`). The parts
# quoted are those the ward's texts do not answer, where their spellings guide least: at
# 2, 6 of the 19 quoted (of 40 such questions, over this repository's ward) came out
# misspelt ("em muốn hội về ly hôn", "bộ em mất"); at 20, 1 of the 8 quoted.
QUOTE_SURETY = 20.0


class Engine:
    """Answers questions from one ward's FAQ and announcements."""

    def __init__(
        self,
        faq_file: Path,
        content_dir: Path,
        data_dir: Path,
        *,
        today: dt.date | None = None,
        embedder: Embedder | None = None,
        ranker: ranking.Ranker | None = None,
        background_vectors: bool = False,
        max_notice_bytes: int = MAX_NOTICE_BYTES,
    ) -> None:
        # The documents, kept up to date apart from answering.
        self.library = Library(
            faq_file,
            content_dir,
            data_dir,
            background_vectors=background_vectors,
            max_notice_bytes=max_notice_bytes,
        )
        self.vectors = self.library.vectors
        self._today = today
        self.ranker = ranker or ranking.load_ranker()
        self.embedder = embedder
        self._recent: RecentQuestions | None = None  # the embedder's, for repeated questions
        self._question_error: str | None = None  # why the model failed on the last question

    # ---------------------------------------------------------------- loading
    @classmethod
    def open(
        cls,
        faq_file: Path,
        content_dir: Path,
        data_dir: Path,
        *,
        today: dt.date | None = None,
        embedder: Embedder | None = None,
        ranker: ranking.Ranker | None = None,
        background_vectors: bool = False,
        max_notice_bytes: int = MAX_NOTICE_BYTES,
        embed_at_most: int | None = None,
    ) -> Engine:
        """Load the ward's files and make sure the index is current.

        With an embedder, document vectors are computed before this returns, or, with
        `background_vectors`, in a thread while the engine already answers lexically.
        `embed_at_most`: compute none before returning when more documents than this lack
        them (DocumentVectors.refresh).
        """

        def opened() -> Engine:
            engine = cls(
                faq_file,
                content_dir,
                data_dir,
                today=today,
                ranker=ranker,
                max_notice_bytes=max_notice_bytes,
            )
            engine.reload()
            return engine

        engine = opened()
        if compacted(engine.library.built_afresh):
            # What a first build keeps was made among its passing garbage, which leaves the
            # process tens of MB larger than a restart: open again from what it just saved.
            engine.close()
            del engine
            give_back_memory()
            engine = opened()
        tune_allocator()  # the build is over: from here the process serves questions
        fitted_for = engine.ranker.embedder
        if embedder is not None and not fitted_for:
            # `bot.py fit --lexical` wrote a ranker without a model for meaning: its
            # stand-in would make every document with vectors unanswerable.
            log.warning(
                "the ranker was fitted without the embedding model (bot.py fit --lexical): "
                "answering by words only"
            )
            embedder = None
            engine.vectors.error = "the ranker was fitted without meaning (bot.py fit --lexical)"
        engine.embedder = embedder
        if embedder is not None and fitted_for != embedder.name:
            log.warning(
                "the ranker was fitted for embedder %s, not %s: refit it (bot.py fit)",
                fitted_for,
                embedder.name,
            )
        engine.vectors.background = background_vectors
        if embedder is not None:
            if not background_vectors:
                engine.vectors.refresh(at_most=embed_at_most)
            elif not engine.vectors.take_saved():  # a restart has them at once, at no cost
                engine.vectors.want()
        return engine

    @property
    def today(self) -> dt.date:
        return self._today or vietnam_today()

    # What the library serves, read as the engine's (callers know the engine only).
    @property
    def corpus(self) -> Corpus:
        return self.library.corpus

    @property
    def problems(self) -> list[Problem]:
        """The problems the last read of faq.yaml and content/ found."""
        return self.library.problems

    @property
    def faq_ok(self) -> bool:
        """False while faq.yaml cannot be parsed (the last good one serves)."""
        return self.library.faq_ok

    @property
    def faq_missing(self) -> bool:
        """...and there is no last good one: no FAQ, no topics."""
        return self.library.faq_missing

    @property
    def faq_shrink(self) -> FaqShrink | None:
        """Set when the last reload lost many FAQ entries."""
        return self.library.faq_shrink

    def rebuild(self) -> list[Problem]:
        """Reload the files and rebuild the index from scratch (Library.rebuild)."""
        return self.library.rebuild()

    def reload(self) -> list[Problem]:
        """Re-read faq.yaml and content/; returns (and keeps) the problems found
        (Library.reload)."""
        return self.library.reload()

    def update_announcements(self, paths: Iterable[Path]) -> AnnouncementChanges:
        """Bring the given content/ files up to date in place (Library.update_announcements)."""
        return self.library.update_announcements(paths)

    def refresh_vectors(self) -> int:
        """Compute the vectors documents lack (new or edited ones); returns how many
        (DocumentVectors.refresh)."""
        return self.library.refresh_vectors()

    def staff_files_status(self) -> dict[str, object]:
        """For /healthz: which faq.yaml serves, and how many problems the last read of
        the staff files found (Library.staff_files_status)."""
        return self.library.staff_files_status()

    def index_state(self) -> str:
        """For /healthz: "ok", "behind", "temporary" or "missing" (LiveIndex.state)."""
        return self.library.index.state()

    def index_failure(self) -> OSError | None:
        """The write refused that keeps the index from the data folder (LiveIndex.failure)."""
        return self.library.index.failure()

    def mend_index(self) -> bool:
        """Build the index again in the data folder when it is not there; returns whether
        it did (LiveIndex.mend)."""
        return self.library.index.mend()

    # ---------------------------------------------------------------- meaning
    @property
    def embedder(self) -> Embedder | None:
        return self.vectors.embedder

    @embedder.setter
    def embedder(self, embedder: Embedder | None) -> None:
        self.vectors.embedder = embedder

    def semantic_status(self) -> dict[str, object]:
        """For /healthz and the log: is meaning used, and for how many documents."""
        status = self.vectors.status(len(self.library.entries))
        if self._question_error is not None:
            status["error"] = self._question_error
        return status

    def _embedding_text(self, question: str, words: list[str], corrections: dict[str, str]) -> str:
        """The question as the embedder should read it: normalised, diacritics restored
        when it was typed mostly without them.

        `words`: the question analysed; `corrections`: the typo corrections the lexical
        side already found (Query).
        """
        if diacritics_share(question) >= ACCENTED_SHARE:
            return " ".join(words)
        fixes = {w: f for w, f in corrections.items() if w == fold_word(w)}
        return " ".join(self.library.accents.restore([fixes.get(w, w) for w in words]))

    def close(self) -> None:
        self.library.close()

    # ---------------------------------------------------------------- asking
    def forget_asked(self) -> None:
        """A resident's /forget: nothing of the questions asked lately stays in memory
        (kept by their text, which no chat is tied to: all of them go)."""
        recent = self._recent
        if recent is not None:
            recent.forget()
        forget_words()

    def ask(self, question: str, limit: int = 5) -> Answer:
        """Ranked results for `question`, and whether the best is trusted enough to answer."""
        return self.library.index.searching(lambda: self._ask(question, limit))

    async def ask_async(self, question: str, limit: int = 5) -> Answer:
        return await asyncio.to_thread(self.ask, question, limit)

    def _corrections(self, words: Iterable[str]) -> dict[str, str]:
        """Typed words the corpus never uses, mapped to the corpus word one edit away."""
        fixes: dict[str, str] = {}
        for word in words:
            folded = fold(word)
            if folded in self.library.vocab.df or len(folded) < 4 or folded.isdigit():
                continue
            nearby = [
                w
                for n in (len(folded) - 1, len(folded), len(folded) + 1)
                for w in self.library.vocab_by_length.get(n, ())
            ]
            match = process.extractOne(folded, nearby, scorer=Levenshtein.distance, score_cutoff=1)
            if match is not None:
                fixes[word] = match[0]
        return fixes

    def _read(self, question: str) -> tuple[str, list[str]]:
        """The question as the search reads it, and its words: without the full names of
        people in it ("Nguyễn Văn An và Trần Thị Bình đăng ký kết hôn", whose words would
        pull towards any text that has them), except a name the ward's own texts use as
        one, a street's or a school's ("điểm tiêm ở Trần Phú", wardbot.redact.full_names)."""
        text = nfc(question)
        names = [(s, e) for s, e in full_names(text) if not self._ward_says(text[s:e])]
        for start, end in reversed(names):
            text = f"{text[:start]} {text[end:]}"
        read = text if names else question
        if len(read) > MAX_QUESTION_CHARS:
            read = self.library.analyzer.within(read[:MAX_READ_CHARS], MAX_QUESTION_CHARS)
        words = self.library.analyzer.words(read)
        accented = diacritics_share(read) >= ACCENTED_SHARE
        stopwords = self.library.analyzer.stopwords
        return read, [w for w in words if not stopwords.is_stop(w, as_typed=accented)]

    def _ward_says(self, phrase: str) -> bool:
        """Whether the ward's texts have every pair of words of `phrase` (accent-folded)."""
        folded = [fold_word(w) for w in self.library.analyzer.words(phrase)]
        return all(pair in self.library.vocab.df for pair in bigrams(folded))

    def _query(self, question: str, words: list[str]) -> ranking.Query:
        focus, done = self.library.analyzer.story(question[:MAX_QUESTION_CHARS])
        return ranking.make_query(
            question,
            words,
            self.library.vocab,
            self.library.analyzer.stopwords,
            self._corrections(words),
            focus,
            done,
        )

    def _question_vector(self, question: str, query: ranking.Query) -> np.ndarray | None:
        """The question's sentence vector, when documents have vectors to compare it with."""
        if self.embedder is None or not len(self.vectors.index):
            return None
        question = question[:MAX_QUESTION_CHARS]
        text = self._embedding_text(
            question, self.library.analyzer.words(question), query.corrections
        )
        if self._recent is None or self._recent.embedder is not self.embedder:
            self._recent = RecentQuestions(self.embedder)
        try:
            vector = self._recent.vector(text)
        except Exception as exc:  # the model failing (out of memory): answer by words
            if self._question_error is None:
                log.exception("the embedding model failed on a question: answering by words")
            self._question_error = f"{type(exc).__name__}: {exc}"
            return None
        self._question_error = None
        return vector

    def _scored(
        self, question: str, limit: int
    ) -> tuple[ranking.Query | None, list[Scored], float]:
        """The analysed question, its ranked candidates, and the best one's rival
        (ranking.rival_probability)."""
        question, words = self._read(question)
        if not words or self.library.index.current is None:
            return None, [], 1.0
        query = self._query(question, words)
        vector = self._question_vector(question, query)
        return query, *self._rank(query, words, vector, limit, exclude=None)

    def _ask(self, question: str, limit: int) -> Answer:
        query, ranked, rival = self._scored(question, limit)
        hits = tuple(s.hit for s in ranked)
        if query is None or not self._asks_something(query):
            # 'xin chào phường', '1': nothing specific was asked; suggest, don't answer.
            return Answer(question, False, hits)
        best = ranked[0] if ranked else None
        if best is None:
            return Answer(question, False, hits)
        if best.model.answers(best.prob, rival) and ranking.may_answer(best.candidate):
            # An expired notice can still be the answer ('the blood drive of 2024, where
            # was it?'): the ranker demands a much better match, and the reply says so.
            return Answer(question, True, hits)
        # Not sure: offer the plausible ones ("Có phải anh/chị muốn hỏi..."), if any.
        floor = best.model.offer_floor(rival)
        topic = self._names_a_topic(query)  # its entries are offered, likely or not
        if best.prob >= floor:
            floor *= OFFER_COMPANION_SHARE
        elif not topic:
            return Answer(question, False, hits)
        offers = tuple(
            s.hit
            for s in ranked[:MAX_OFFERS]
            if (s.prob >= floor) or (topic and s.candidate.lexical.head_cover >= 1.0)
        )
        return Answer(question, False, hits, offers)

    @staticmethod
    def _names_a_topic(query: ranking.Query) -> bool:
        """A short question (a topic named alone: 'bhyt', 'hộ nghèo'), whose entries are
        those whose heading has every word of it; counted as typed ('bhyt' is one word,
        though it is read as 'bảo hiểm y tế')."""
        return len(query.text.split()) <= TOPIC_QUESTION_WORDS

    def explain(self, question: str, limit: int = 5) -> list[tuple[Hit, ranking.Candidate]]:
        """The ranked hits with what the rescoring read of each (for tuning and debugging)."""
        return self.library.index.searching(
            lambda: [(s.hit, s.candidate) for s in self._scored(question, limit)[1]]
        )

    def candidates(self, question: str) -> list[ranking.Candidate]:
        """Every candidate the ranker would score for `question`, unranked (for fitting)."""

        def candidates() -> list[ranking.Candidate]:
            text, words = self._read(question)
            if not words or self.library.index.current is None:
                return []
            query = self._query(text, words)
            vector = self._question_vector(text, query)
            return retrieval.candidates(self.library, query, words, vector, None, self.today)

        return self.library.index.searching(candidates)

    def asks_something(self, question: str) -> bool:
        with self.library.lock:
            text, words = self._read(question)
            return bool(words) and self._asks_something(self._query(text, words))

    def _rank(
        self,
        query: ranking.Query,
        words: list[str],
        vector: np.ndarray | None,
        limit: int,
        exclude: str | None,
    ) -> tuple[list[Scored], float]:
        """The best `limit` candidates, and the best one's rival (retrieval.rank)."""
        return retrieval.rank(
            self.library, self.ranker, query, words, vector, limit, exclude, self.today
        )

    def _asks_something(self, query: ranking.Query) -> bool:
        """Whether the words besides numbers say enough to pick an answer at all."""
        weight = sum(w for word, w in query.weights.items() if not word.isdigit())
        return weight >= MIN_QUESTION_WEIGHT * self.library.vocab.max_idf()

    # ---------------------------------------------------------------- browsing
    def accented(self, text: str) -> str | None:
        """`text` (a resident's words) as a reply may quote it back: with the capitals
        typed ("Phường 5", "CCCD"), Telex decoded, diacritics put back where the ward's
        texts make each choice plain ("bang lai xe": "bằng lái xe"); abbreviations ("sdt")
        as typed, and all of a text typed mostly with diacritics (its unaccented words
        meant so). None when unsure: a choice the texts leave open, or an unaccented
        syllable they never use."""
        words = tokens(text, known=self.library.analyzer.known, regional=False)
        if diacritics_share(text) >= ACCENTED_SHARE:
            return " ".join(_cased(words, text))
        model = self.library.accents
        for word in words:
            if word == fold_word(word) and word not in model.spellings and spells_a_syllable(word):
                return None
        restored = model.restore_surely(words, math.log(QUOTE_SURETY))
        return None if restored is None else " ".join(_cased(restored, text))

    def heading_names(self, doc_id: str, text: str) -> bool:
        """Whether the heading of `doc_id` (its question and variants, or its title) has
        a word of `text`, read as a question's words are ("bhyt": "bảo hiểm y tế"; a typo
        mended), spelt as typed: a close match found by other words only ("mất ví thì làm
        sao" and the lost ID card, by "mất") names nothing `text` does."""

        def names() -> bool:
            entry = self.library.entries.get(doc_id)
            read, words = self._read(text)
            if entry is None or not words:
                return False
            query = self._query(read, words)
            return any(ranking.credit(query, w, entry.text.head_terms) > 0.5 for w in words)

        return self.library.index.searching(names)

    def related(self, doc_id: str, limit: int = 3) -> list[Hit]:
        """Other entries on the subject of `doc_id`, for 'related questions' buttons:
        ranked with `doc_id`'s phrasing as the question (by meaning once it has vectors),
        and sharing a topic with it when it has topics. Words alone put the entry on
        deferring military call-up beside student loans ("trường hợp nào ... được"), and
        marriage registration beside blood donation ("cần điều kiện gì")."""

        def related() -> list[Hit]:
            entry = self.library.entries.get(doc_id)
            if entry is None:
                return []
            stopwords = self.library.analyzer.stopwords
            words = [w for w in entry.text.head if not stopwords.is_stop(w, as_typed=True)]
            query = ranking.make_query(
                entry.doc.id, words, self.library.vocab, self.library.analyzer.stopwords, {}
            )
            hits, _ = self._rank(query, words, self._phrasing_vector(doc_id), limit * 4, doc_id)
            on_topic = bool(entry.doc.topics)  # then the topic decides, not the score
            return [
                s.hit
                for s in hits
                if (on_topic or s.hit.score >= RELATED_FLOOR)
                and _related(entry.doc, s.hit.doc, self.today)
            ][:limit]

        return self.library.index.searching(related)

    def _phrasing_vector(self, doc_id: str) -> np.ndarray | None:
        """The vector of `doc_id`'s first phrasing (its question or title), read as a
        resident's question; None while it has none."""
        semantic = self.vectors.index
        if doc_id in self.vectors.stale or doc_id not in semantic.row:
            return None
        heads, _ = semantic.vectors_of(doc_id)
        return heads.codes[0].astype(np.float32) * heads.scales[0]

    def latest(self, limit: int | None = LATEST_LISTED) -> list[Announcement]:
        """Current announcements, newest first (`limit` None: all of them)."""
        today = self.today
        current = [a for a in self.corpus.announcements if a.is_current(today)]
        current.sort(key=lambda a: (a.date, a.id), reverse=True)
        return current[:limit]

    def find_topic(
        self, text: str, among: Collection[str] | None = None, *, keywords: bool = True
    ) -> Topic | None:
        """A topic named by id, name or keyword, accents and small typos forgiven, and the
        brackets or quotes around it ("/subscribe <bhyt>", as /help writes it). `among`:
        only the topics of these ids; without `keywords`, by its id or name (or a part of
        it: intents.topic_forms) only."""
        wanted = topic_key(text)
        if not wanted:
            return None
        choices: dict[str, Topic] = {}
        for topic in self.corpus.topics:
            if among is not None and topic.id not in among:
                continue
            for label in (topic.id, topic.name, *(topic.keywords if keywords else ())):
                choices.setdefault(topic_key(label), topic)
            for form in topic_forms(topic.id, topic.name):
                choices.setdefault(form, topic)
        if wanted in choices:
            return choices[wanted]
        match = process.extractOne(wanted, list(choices), scorer=fuzz.ratio, score_cutoff=85)
        if match:
            return choices[match[0]]
        # Spelt as said in the south ("cư chú", "hộ tịt"): the same sounds, the same topic.
        # One topic only: a sound two topics share names neither.
        alike = {
            topic
            for topic in self.corpus.topics
            if (among is None or topic.id in among)
            and any(
                sounds_alike(text, label)
                for label in (
                    *topic_form_texts(topic.id, topic.name),
                    *(topic.keywords if keywords else ()),
                )
            )
        }
        return alike.pop() if len(alike) == 1 else None

    def document(self, doc_id: str) -> Doc | None:
        entry = self.library.entries.get(doc_id)
        return entry.doc if entry else None


def _cased(words: list[str], typed: str) -> list[str]:
    """`words` (of `typed`, lower case) with the capitals of the words typed that they
    spell, accents aside ("Phuong": "Phường"; a word read as another, as typed)."""
    said = _TYPED_WORD.findall(typed)
    if len(said) != len(words):
        return words
    return [
        word
        if fold_word(word) != fold_word(as_typed.lower())
        else word.upper()
        if as_typed.isupper() and len(as_typed) > 1
        else word[:1].upper() + word[1:]
        if as_typed[:1].isupper()
        else word
        for word, as_typed in zip(words, said, strict=True)
    ]


def _related(doc: FaqEntry | Announcement, other: FaqEntry | Announcement, today: dt.date) -> bool:
    """Whether `other` may be offered as related to `doc`: on one of its topics (when it
    has topics: staff sorted them so), and, for a notice, still current and from the
    last RELATED_NOTICE_DAYS (a report of a meeting years ago is no reading for
    someone asking how to apply for something)."""
    if doc.topics and not set(doc.topics) & set(other.topics):
        return False
    if isinstance(other, Announcement):
        return other.is_current(today) and (today - other.date).days <= RELATED_NOTICE_DAYS
    return True
