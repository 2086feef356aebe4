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
import json
import math
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz import fuzz

from wardbot.analysis import DocText, Stopwords, Vocabulary, bigrams
from wardbot.text import GOVERNMENT_TIERS, event_numbers, fold_word, government_tiers

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
    # folded word pair -> the words of it typed with diacritics (and not corrected)
    pairs: Mapping[str, tuple[str, ...]]
    years: frozenset[str]
    # The words of the clause that asks, when the message also tells a story (None: the
    # whole message asks). See Analyzer.asking_words.
    focus: frozenset[str] | None = None
    # The sessions, terms or school grades it names by number ("kỳ họp thứ hai": {2};
    # text.event_numbers).
    events: frozenset[int] = frozenset()
    # The tiers of government whose council or committee it names ("hđnd tỉnh":
    # {"province"}; text.government_tiers).
    tiers: frozenset[str] = frozenset()

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
    year: float  # +1 the document is about the year asked, 0 mentions it or none asked, -1 not
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


def probabilities(logits: Sequence[float]) -> list[float]:
    """Each candidate's probability of being the answer: the softmax of the logits and
    the outside option's 0. Candidates compete: two close ones share what one alone
    would get, so neither is answered with as if it were alone (a lone candidate gets
    the logistic sigmoid of its logit)."""
    if not logits:
        return []
    top = max(0.0, *logits)
    exps = [math.exp(logit - top) for logit in logits]
    total = math.exp(-top) + sum(exps)
    return [e / total for e in exps]


def rival_probability(probs: Sequence[float]) -> float:
    """What the best of a question's candidates (`probabilities`, all of them) must beat
    to be answered with: the likelier of "none of them" (the outside option: what the
    candidates leave of 1) and the runner-up. Measuring the best against it, not on its
    own, answers a question where two entries split the probability ('cư trú': permanent
    or temporary residence?) with a choice of both, and one where "none" is strong with
    nothing."""
    if not probs:
        return 1.0
    ordered = sorted(probs, reverse=True)
    return max(1.0 - sum(probs), ordered[1] if len(ordered) > 1 else 0.0, 0.0)


LEXICAL_FEATURES = (
    "cover",
    "head_cover",
    "pairs",
    "head_pairs",
    "recall",
    "fuzzy",
    "missing",
    "year",
    "length*cover",
    "length*recall",
    "length*head_cover",
    "focus_cover",
)
# Meaning: cosine of the question with the document's phrasings and its passage, each
# also against the best other candidate (a clear winner vs. a crowd) and as a z-score
# over the ward's documents (what is high for this ward); and the lexical model's logit
# against the best other candidate's.
SEMANTIC_FEATURES = (
    "sem_head",
    "sem_passage",
    "sem_head_gap",
    "sem_passage_gap",
    "sem_head_z",
    "sem_passage_z",
    "lexical_gap",
)


@dataclass(frozen=True)
class Candidate:
    """One document as a possible answer: what the rescoring read of it."""

    doc_id: str
    lexical: Features
    adjust: float = 0.0  # fixed nudge to the logit (an announcement's date: date_adjustment)
    # Cosines with the question, and their z-scores over the ward's documents; None
    # while the document has no vectors yet (it is then ranked lexically).
    sem_head: float | None = None
    sem_passage: float | None = None
    sem_head_z: float = 0.0
    sem_passage_z: float = 0.0
    # The question's vector times, component by component, its closest phrasing's and
    # then its passage's (see SemanticIndex.pair): what the semantic model's `dims`
    # weigh. None without vectors.
    sem_pair: np.ndarray | None = field(default=None, compare=False, repr=False)
    notice: bool = False  # an announcement (dated), not an FAQ entry
    # A notice whose title numbers other sessions, terms or grades than the question
    # does ("kỳ họp thứ nhất" for "kỳ họp thứ hai": other_event).
    other_event: bool = False
    # A document about another tier's council or committee than the one asked about
    # ("hđnd tỉnh" against the ward's own council: other_tier).
    other_tier: bool = False


def other_event(query: Query, title: str) -> bool:
    """Whether `title` numbers sessions, terms or grades, none of them one the question
    names."""
    if not query.events:
        return False
    named = event_numbers(title)
    return bool(named) and not (named & query.events)


# The folded word pair that ends a council's or committee's name ("... nhân dân tỉnh"),
# as documents' terms hold it, and the tier it names.
_TIER_PAIRS = {f"dan_{word}": tier for word, tier in GOVERNMENT_TIERS.items()}


def other_tier(query: Query, terms: Container[str]) -> bool:
    """Whether a document (its folded `terms`, word pairs included) names the council
    or committee of some tier of government, but of none the question names ("hđnd
    tỉnh" against a notice on the ward's own council). A document that names none is
    not judged."""
    if not query.tiers:
        return False
    named = {tier for pair, tier in _TIER_PAIRS.items() if pair in terms}
    return bool(named) and not (named & query.tiers)


def may_answer(candidate: Candidate) -> bool:
    """Whether `candidate` may be given as the answer at all, however likely. Not a
    notice about another event than the one asked: about none of the years asked,
    neither dated in one nor naming it anywhere ("hiến máu năm 2025" is not answered
    with the 2026 drive's notice: it is offered), or numbering another session, term
    or school grade ("kỳ họp thứ hai" is not answered with the first session's, "lớp
    10" with the admissions to grades 1 and 6). An FAQ entry has no year or number of
    its own and is never held back so. Nor, notice or entry, a document about another
    tier's council or committee ("sđt ubnd tỉnh" is not answered with the ward's own
    hotline: other_tier)."""
    if candidate.other_tier:
        return False
    return not (candidate.notice and (candidate.lexical.year < 0 or candidate.other_event))


@dataclass(frozen=True)
class LinearModel:
    """A linear model over named features, with the thresholds chosen for it.

    A candidate's logit weighs it against the outside option, "none of the candidates
    answers", whose logit is 0; `score` turns the logits of all a question's candidates
    into probabilities that, with the outside option's, add up to 1.

    `dims`, when given, weighs each dimension of a candidate's `sem_pair`: a cosine in
    which the dimensions that tell a resident's question from its answer's neighbours
    count more (fitted with the rest by `bot.py fit`, for the embedder it names).
    """

    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float
    # Answer when the best candidate is at least this many times as likely as its rival
    # (`rival_probability`); below, offer candidates from `offer_odds` times it on.
    answer_odds: float
    offer_odds: float
    dims: np.ndarray | None = field(default=None, compare=False, repr=False)

    def answers(self, best: float, rival: float) -> bool:
        """Whether the best candidate, of probability `best`, is given as the answer."""
        return best >= self.answer_odds * rival

    def offer_floor(self, rival: float) -> float:
        """The probability from which candidates are offered when none is answered."""
        return self.offer_odds * rival

    def logit(self, vector: Sequence[float], pair: np.ndarray | None = None) -> float:
        linear = sum(w * x for w, x in zip(self.weights, vector, strict=True)) + self.bias
        # A pair of another size comes from another embedder (Engine.open warns): unweighed.
        if self.dims is not None and pair is not None and len(pair) == len(self.dims):
            linear += float(np.dot(self.dims, pair))
        return linear

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "features": list(self.features),
            "weights": [round(w, 6) for w in self.weights],
            "bias": round(self.bias, 6),
            "answer_odds": round(self.answer_odds, 4),
            "offer_odds": round(self.offer_odds, 4),
        }
        if self.dims is not None:
            out["dims"] = [round(float(d), 5) for d in self.dims]
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any], expected: tuple[str, ...]) -> LinearModel:
        features = tuple(data["features"])
        if features != expected:
            raise ValueError(f"model features {features} are not this code's {expected}")
        weights = tuple(float(w) for w in data["weights"])
        if len(weights) != len(features):
            raise ValueError("the model needs one weight per feature")
        dims = data.get("dims")
        return cls(
            features,
            weights,
            float(data["bias"]),
            float(data["answer_odds"]),
            float(data["offer_odds"]),
            None if dims is None else np.asarray(dims, dtype=np.float32),
        )


# 3: the thresholds are odds against the best candidate's rival (answer_odds,
# offer_odds; rival_probability), not probabilities. 2: the logits are normalised over a
# question's candidates (`probabilities`), and fitted that way; version 1's were each a
# probability on its own.
MODEL_VERSION = 3
# Written by `bot.py fit` from labelled wards (see wardbot.fit); loaded by the engine.
DEFAULT_MODEL = Path(__file__).with_name("ranker.json")


@dataclass(frozen=True)
class Ranker:
    """The lexical model (always) and the one that adds meaning (when vectors exist)."""

    lexical: LinearModel
    semantic: LinearModel
    trained_on: tuple[str, ...] = ()
    # The embedder whose vectors the semantic model was fitted on (Embedder.name): its
    # weights, `dims` above all, mean nothing for another model's vectors.
    embedder: str = ""
    # The day the wards were read on (`bot.py fit --today`): notices' ages count, so the
    # same wards fitted on another day give a slightly other model.
    fitted_on: str = ""

    def as_json(self) -> dict[str, object]:
        return {
            "version": MODEL_VERSION,
            "trained_on": list(self.trained_on),
            "embedder": self.embedder,
            "fitted_on": self.fitted_on,
            "lexical": self.lexical.as_json(),
            "semantic": self.semantic.as_json(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Ranker:
        if data.get("version") != MODEL_VERSION:
            raise ValueError(f"model version {data.get('version')!r}, expected {MODEL_VERSION}")
        return cls(
            LinearModel.from_json(data["lexical"], LEXICAL_FEATURES),
            LinearModel.from_json(data["semantic"], LEXICAL_FEATURES + SEMANTIC_FEATURES),
            tuple(data.get("trained_on", ())),
            str(data.get("embedder", "")),
            str(data.get("fitted_on", "")),
        )

    def save(self, path: Path) -> None:
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(self.as_json(), indent=2) + "\n", encoding="utf-8")
        tmp.replace(path)


def load_ranker(path: Path = DEFAULT_MODEL) -> Ranker:
    return Ranker.from_json(json.loads(Path(path).read_text(encoding="utf-8")))


def _lexical_logits(candidates: Sequence[Candidate], lexical: LinearModel) -> list[float]:
    return [lexical.logit(c.lexical.vector()) + c.adjust for c in candidates]


def semantic_rows(
    candidates: Sequence[Candidate],
    lexical: LinearModel,
    lexical_logits: Sequence[float] | None = None,
) -> list[list[float]]:
    """The semantic model's inputs; a candidate without vectors counts as cosine 0."""
    lex = lexical_logits if lexical_logits is not None else _lexical_logits(candidates, lexical)
    heads = [c.sem_head or 0.0 for c in candidates]
    passages = [c.sem_passage or 0.0 for c in candidates]
    heads_other, passages_other, lex_other = map(_best_others, (heads, passages, lex))
    return [
        [
            *c.lexical.vector(),
            heads[i],
            passages[i],
            heads[i] - heads_other[i],
            passages[i] - passages_other[i],
            c.sem_head_z,
            c.sem_passage_z,
            lex[i] - lex_other[i],
        ]
        for i, c in enumerate(candidates)
    ]


def _best_others(values: Sequence[float]) -> list[float]:
    """For each value, the best of the others (itself when it is alone)."""
    if len(values) < 2:
        return list(values)
    first = max(range(len(values)), key=values.__getitem__)
    second = max((v for j, v in enumerate(values) if j != first))
    return [second if i == first else values[first] for i in range(len(values))]


def score(candidates: Sequence[Candidate], ranker: Ranker) -> list[tuple[float, LinearModel]]:
    """Each candidate's probability of answering the question, and the model behind it:
    the semantic model when every candidate has vectors, else the lexical one for all.
    One model for a question's candidates: a lexical logit beside semantic ones is not
    on their scale (a notice just published, before its vectors, took "mất thẻ bhyt"
    from the entry on a lost card with 0.64 against 0.35; lexically the entry has 0.89,
    and once the notice has vectors 0.97)."""
    logits = _lexical_logits(candidates, ranker.lexical)
    models = [ranker.lexical] * len(candidates)
    if candidates and all(c.sem_head is not None for c in candidates):
        rows = semantic_rows(candidates, ranker.lexical, logits)  # reads them all first
        logits = [
            ranker.semantic.logit(row, c.sem_pair) + c.adjust
            for row, c in zip(rows, candidates, strict=True)
        ]
        models = [ranker.semantic] * len(candidates)
    return list(zip(probabilities(logits), models, strict=True))


def make_query(
    text: str,
    words: list[str],
    vocab: Vocabulary,
    stopwords: Stopwords,
    correct: dict[str, str],
    focus: frozenset[str] | None = None,
    done: frozenset[str] = frozenset(),
) -> Query:
    """Weights: rarer words weigh more; question words ('bao nhiêu', 'ở đâu') little, and
    so do the words only a story of something done names (`done`, Analyzer.done_words)."""
    weights: dict[str, float] = {}
    for word in words:
        # 'tô' is rare even where 'to', 'tổ' and 'tờ' are common: weigh what was typed.
        weight = vocab.idf(correct.get(word, word))
        if stopwords.is_light(word) or word in done:
            weight *= LIGHT_WEIGHT
        elif word.isdigit():
            weight *= NUMBER_WEIGHT
        weights[word] = max(weights.get(word, 0.0), weight)
    folded = [correct.get(w, fold_word(w)) for w in words]
    typed = [(w,) if w not in correct and w != fold_word(w) else () for w in words]
    pairs: dict[str, tuple[str, ...]] = {}
    for pair, (first, second) in zip(bigrams(folded), pairwise(typed), strict=True):
        pairs[pair] = tuple(sorted({*pairs.get(pair, ()), *first, *second}))
    years = frozenset(w for w in folded if len(w) == 4 and w.isdigit() and w[:2] in ("19", "20"))
    # Read as typed: a tier the ward's texts never name ('tỉnh') is no typo for one of
    # their words ('định').
    tiers = government_tiers([fold_word(w) for w in words])
    return Query(text, weights, correct, pairs, years, focus, event_numbers(text), tiers)


def features(
    query: Query, doc: DocText, query_folded: str, vocab: Vocabulary, dated: str | None = None
) -> Features:
    """What the rescoring reads of `doc` for `query`; `dated`: an announcement's year."""
    total = query.total or 1.0
    cover = head_cover = missing = focus_cover = focus_total = 0.0
    for word, weight in query.weights.items():
        found = credit(query, word, doc.terms)
        cover += weight * found
        if query.focus is not None and word in query.focus:
            focus_cover += weight * found
            focus_total += weight
        head_cover += weight * credit(query, word, doc.head_terms)
        if found < 1.0 and not word.isdigit():
            missing = max(missing, weight * (1.0 - found))
    asked = {fold_word(w) for w in query.weights} | set(query.corrections.values())
    recall = 0.0
    for words in doc.head_words:
        if words:
            # fsum: sets iterate in an order that changes from run to run (hash seeds);
            # a plain sum's last bits would, and `bot.py fit` would differ each time.
            weight = math.fsum(vocab.idf(w) for w in words)
            recall = max(recall, math.fsum(vocab.idf(w) for w in words & asked) / weight)
    if query.pairs:
        pairs = sum(_pair_credit(p, a, doc.terms) for p, a in query.pairs.items())
        head_pairs = sum(_pair_credit(p, a, doc.head_terms) for p, a in query.pairs.items())
        pairs, head_pairs = pairs / len(query.pairs), head_pairs / len(query.pairs)
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
        year=_year(query.years, doc, dated),
        length=min(1.0, len(query.weights) / LONG_QUESTION_WORDS),
        focus_cover=focus_cover / focus_total if focus_total else cover / total,
    )


def _year(asked: frozenset[str], doc: DocText, dated: str | None) -> float:
    """The share of the years asked that the document is about (its title or phrasings
    name them, or it is an announcement of that year): 'năm học 2025-2026' is all about
    a notice for 2025-2026 and half about one for 2024-2025. If it is about none: 0 it
    only mentions one ('... up from 2024'), -1 not even that; 0 when no year is asked."""
    if not asked:
        return 0.0
    about = sum(year == dated or year in doc.head_terms for year in asked)
    if about:
        return about / len(asked)
    return 0.0 if asked & doc.terms else -1.0


def _pair_credit(pair: str, accented: tuple[str, ...], terms: Container[str]) -> float:
    """How far a question's word pair (folded) is in a document's `terms` (0 to 1): as
    for a single word, a pair typed with diacritics counts fully only where the document
    has those words spelt so ('tiền già' is not the 'tiền gia hạn' of a fee notice)."""
    if pair not in terms:
        return 0.0
    return 1.0 if all(word in terms for word in accented) else ACCENT_MISMATCH_CREDIT


def credit(query: Query, word: str, terms: Container[str]) -> float:
    """How far `word` of the question is present in a document's `terms` (0 to 1).

    A word typed without diacritics matches any accented form; one typed with them
    matches its own spelling fully and other accents only in part ('hiễm' for 'hiểm'
    is a typo, but 'tô' for 'tổ' is another word). `terms` holds the words both as
    written and folded (DocText).
    """
    plain = fold_word(word)
    accented = word != plain
    if accented and word in terms:
        return 1.0
    if plain in terms:
        return ACCENT_MISMATCH_CREDIT if accented else 1.0
    fixed = query.corrections.get(word)
    if fixed is not None and fixed in terms:
        return TYPO_CREDIT * (ACCENT_MISMATCH_CREDIT if accented else 1.0)
    return 0.0


def date_adjustment(date: dt.date, expires: dt.date | None, today: dt.date) -> float:
    """Nudges to an announcement's logit: freshness, and expiry."""
    # Among similar notices prefer the newer: a small edge fading over ten years.
    adjust = RECENCY_EDGE * max(0.0, 1.0 - (today - date).days / 3650)
    if expires is not None and expires < today:
        adjust -= EXPIRED_PENALTY
    return adjust
