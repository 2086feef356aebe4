"""Rescoring search candidates and deciding whether to answer at all.

Whoosh finds candidates; this module reads each one against the question the way a
careful clerk would: how much of what was asked does the document cover (weighting
rare words more than common ones), do the question's word pairs appear in it, how
close is it to one of the entry's own phrasings. A question whose important words the
best document does not cover ("bảo hiểm xe máy" against a health-insurance FAQ) gets
an honest "no answer" rather than a near miss.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from rapidfuzz import fuzz

from wardbot.analysis import DocText, Stopwords, Vocabulary, bigrams
from wardbot.text import fold_word

# Answer only above this estimated probability; below it, say so and suggest.
ANSWER_THRESHOLD = 0.095
LIGHT_WEIGHT = 0.3
NUMBER_WEIGHT = 0.5
LONG_QUESTION_WORDS = 16
# A word typed with diacritics that the document has only with other ones ('hiễm'
# for 'hiểm' is a typo; 'tô' for 'tổ' is another word) counts for this much.
ACCENT_MISMATCH_CREDIT = 0.5
TYPO_CREDIT = 0.8
RECENCY_EDGE = 0.2
# An expired notice is no longer offered as current: it needs a much better match.
EXPIRED_PENALTY = 1.5


@dataclass(frozen=True)
class Query:
    """A question, analysed: its words (accent-folded) with weights, and word pairs."""

    text: str
    weights: dict[str, float]  # word as typed (tones in one place) -> weight
    corrections: dict[str, str]  # word as typed -> the corpus word (folded) it likely meant
    pairs: frozenset[str]
    years: frozenset[str]
    # The words of the clause that asks, when the message also tells a story (None: the
    # whole message asks). See Analyzer.asking_words.
    focus: frozenset[str] | None = None

    @property
    def total(self) -> float:
        return sum(self.weights.values())


@dataclass(frozen=True)
class Features:
    cover: float  # share of the question's weight found anywhere in the document
    head_cover: float  # ... found in its question, variants or title
    pairs: float  # share of the question's word pairs found in the document
    head_pairs: float  # ... found in its question, variants or title
    recall: float  # share of the best-matching phrasing's words the question contains
    fuzzy: float  # closest phrasing, character-level
    missing: float  # weight of the heaviest question word the document lacks
    year: float  # +1 the document names the year asked about, -1 it does not, 0 none asked
    length: float  # how long the question is (0 short .. 1 long and chatty)
    focus_cover: float  # `cover` of the clause that asks alone (= cover for one clause)

    def vector(self) -> list[float]:
        return [
            self.cover,
            self.head_cover,
            self.pairs,
            self.head_pairs,
            self.recall,
            self.fuzzy,
            self.missing,
            self.year,
            # A long, chatty question carries context the entry never mentions: there,
            # covering the question and containing the entry's phrasing weigh more.
            self.length * self.cover,
            self.length * self.recall,
            self.length * self.head_cover,
            # A chatty message tells who and where before it asks: what the document
            # covers of the asking clause says more than the story's words it lacks.
            self.focus_cover,
        ]

    def logit(self) -> float:
        return sum(w * x for w, x in zip(WEIGHTS, self.vector(), strict=True)) + BIAS


def probability(logit: float) -> float:
    return 1.0 / (1.0 + math.exp(-logit))


# A logistic model over the features above, fitted on a labelled question set
# (candidates that answer the question vs. those that do not) and checked by 5-fold
# cross-validation; the features are shares and ratios, so they carry over to other
# wards' files. Refit with the same features when the features change (each question's
# top 10 candidates, date adjustment left out, L2 0.01 on the mean log-loss).
WEIGHTS = (0.905, 1.005, 0.782, 0.656, 0.930, 0.316, -0.422, 0.511, 0.651, 0.558, 0.622, 0.882)
BIAS = -5.064


def make_query(
    text: str,
    words: list[str],
    vocab: Vocabulary,
    stopwords: Stopwords,
    correct: dict[str, str],
    focus: frozenset[str] | None = None,
) -> Query:
    """Weights: rarer words weigh more; question words ('bao nhiêu', 'ở đâu') little."""
    weights: dict[str, float] = {}
    for word in words:
        # 'tô' is rare even where 'to', 'tổ' and 'tờ' are common: weigh what was typed.
        weight = vocab.idf(correct.get(word, word))
        if stopwords.is_light(word):
            weight *= LIGHT_WEIGHT
        elif word.isdigit():
            weight *= NUMBER_WEIGHT
        weights[word] = max(weights.get(word, 0.0), weight)
    folded = [correct.get(w, fold_word(w)) for w in words]
    pairs = frozenset(bigrams(folded))
    years = frozenset(w for w in folded if len(w) == 4 and w.isdigit() and w[:2] in ("19", "20"))
    return Query(text, weights, correct, pairs, years, focus)


def features(query: Query, doc: DocText, query_folded: str, vocab: Vocabulary) -> Features:
    total = query.total or 1.0
    cover = head_cover = missing = focus_cover = focus_total = 0.0
    for word, weight in query.weights.items():
        found = _credit(query, word, doc.all_exact, doc.all_folded)
        cover += weight * found
        if query.focus is not None and word in query.focus:
            focus_cover += weight * found
            focus_total += weight
        head_cover += weight * _credit(query, word, doc.head_exact, doc.head_folded)
        if found < 1.0 and not word.isdigit():
            missing = max(missing, weight * (1.0 - found))
    asked = {fold_word(w) for w in query.weights} | set(query.corrections.values())
    recall = 0.0
    for words in doc.head_words:
        if words:
            weight = sum(vocab.idf(w) for w in words)
            recall = max(recall, sum(vocab.idf(w) for w in words & asked) / weight)
    if query.pairs:
        pairs = len(query.pairs & doc.bigrams) / len(query.pairs)
        head_pairs = len(query.pairs & doc.head_bigrams) / len(query.pairs)
    else:
        pairs, head_pairs = cover / total, head_cover / total
    fuzzy = max((fuzz.token_sort_ratio(query_folded, h) for h in doc.heads_folded), default=0.0)
    return Features(
        cover=cover / total,
        head_cover=head_cover / total,
        pairs=pairs,
        head_pairs=head_pairs,
        recall=recall,
        fuzzy=fuzzy / 100.0,
        missing=missing / (vocab.max_idf() or 1.0),
        year=(1.0 if query.years & doc.all_folded else -1.0) if query.years else 0.0,
        length=min(1.0, len(query.weights) / LONG_QUESTION_WORDS),
        focus_cover=focus_cover / focus_total if focus_total else cover / total,
    )


def _credit(query: Query, word: str, exact: frozenset[str], folded: frozenset[str]) -> float:
    """How far `word` of the question is present in a document's words (0 to 1).

    A word typed without diacritics matches any accented form; one typed with them
    matches its own spelling fully and other accents only in part ('hiễm' for 'hiểm'
    is a typo, but 'tô' for 'tổ' is another word).
    """
    plain = fold_word(word)
    accented = word != plain
    if accented and word in exact:
        return 1.0
    if plain in folded:
        return ACCENT_MISMATCH_CREDIT if accented else 1.0
    fixed = query.corrections.get(word)
    if fixed is not None and fixed in folded:
        return TYPO_CREDIT * (ACCENT_MISMATCH_CREDIT if accented else 1.0)
    return 0.0


def date_adjustment(date: dt.date, expires: dt.date | None, today: dt.date) -> float:
    """Nudges to an announcement's logit: freshness, and expiry."""
    # Among similar notices prefer the newer: a small edge fading over ten years.
    adjust = RECENCY_EDGE * max(0.0, 1.0 - (today - date).days / 3650)
    if expires is not None and expires < today:
        adjust -= EXPIRED_PENALTY
    return adjust
