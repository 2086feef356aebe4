"""Fitting the ranker on labelled wards, and the honest figure: leave one ward out.

`bot.py fit WARD_DIR...` opens each ward with the real engine, reads every candidate
the engine would score for every question (wardbot.ranking.Candidate), and fits two
logistic models with scikit-learn: a lexical one (always usable) and one that adds the
semantic features (used for documents that have vectors). Each model's answer and
offer thresholds are chosen on the same training questions. The result is written as
JSON (wardbot/ranker.json by default), which the engine loads.

Before that it prints leave-one-ward-out results: for each ward, fit on the others and
score that ward through `Engine.ask`, exactly as `bot.py eval` would. A figure for a
ward the model was fitted on flatters it; this one does not.
"""

from __future__ import annotations

import dataclasses
import statistics
import tempfile
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from wardbot import ranking
from wardbot.engine import Engine
from wardbot.evaluate import Outcome, Question, Report, Ward, load_questions
from wardbot.semantic import Embedder

# L2 regularisation: the features are few and the wards differ, so keep weights modest.
REGULARISATION_C = 0.3
# The semantic model also weighs each dimension of the question-times-document vectors
# (ranking.Candidate.sem_pair): hundreds of weights from a few hundred questions, so
# they are held back harder than the named features, by scaling their standardised
# values down. Chosen by leave-one-ward-out over the shared wards (0.05-0.15 all gain).
PAIR_SCALE = 0.1
# Offering close matches costs a resident little when they are wrong, so an offer that
# contains the right answer is worth more than a useless one costs.
USELESS_OFFER_COST = 0.5


@dataclass
class Asked:
    """One training question: its labels and the engine's candidates for it."""

    question: Question
    asks: bool  # the engine found something specific asked
    candidates: list[ranking.Candidate]
    current: dict[str, bool]  # doc id -> may be given as the answer (not expired)


@dataclass
class WardData:
    ward: Ward
    engine: Engine
    asked: list[Asked]


def open_wards(
    wards: Sequence[Ward], embedder: Embedder | None, stack: ExitStack
) -> list[WardData]:
    """Each ward in its own engine (on a temporary data directory) with its candidates."""
    placeholder = _neutral_ranker()
    out = []
    for ward in wards:
        data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="fit-")))
        engine = Engine.open(
            ward.faq, ward.content, data_dir, embedder=embedder, ranker=placeholder
        )
        stack.callback(engine.close)
        asked = []
        for question in load_questions(ward.questions):
            candidates = engine.candidates(question.q)
            current = {
                c.doc_id: engine.is_current(doc)
                for c in candidates
                if (doc := engine.document(c.doc_id)) is not None
            }
            asked.append(Asked(question, engine.asks_something(question.q), candidates, current))
        out.append(WardData(ward, engine, asked))
    return out


def _neutral_ranker() -> ranking.Ranker:
    lexical = ranking.LinearModel(
        ranking.LEXICAL_FEATURES, (0.0,) * len(ranking.LEXICAL_FEATURES), 0.0, 1.0, 1.0
    )
    names = ranking.LEXICAL_FEATURES + ranking.SEMANTIC_FEATURES
    return ranking.Ranker(lexical, ranking.LinearModel(names, (0.0,) * len(names), 0.0, 1.0, 1.0))


def _logistic(  # type: ignore[no-untyped-def]
    rows: list[list[float]],
    labels: list[bool],
    names: tuple[str, ...],
    pairs: np.ndarray | None = None,
):
    """A fitted LinearModel (thresholds still to choose) over standardised features;
    with `pairs` (one row per candidate, Candidate.sem_pair), its `dims` as well."""
    from sklearn.linear_model import LogisticRegression

    x = np.asarray(rows, dtype=float)
    y = np.asarray(labels, dtype=bool)
    named = x.shape[1]
    scaling = np.ones(named)
    if pairs is not None:
        x = np.hstack([x, pairs])
        scaling = np.concatenate([scaling, np.full(pairs.shape[1], PAIR_SCALE)])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    scale /= scaling
    model = LogisticRegression(C=REGULARISATION_C, max_iter=5000)
    model.fit((x - mean) / scale, y)
    weights = model.coef_[0] / scale  # back to raw features: the engine reads those
    bias = float(model.intercept_[0] - (model.coef_[0] * mean / scale).sum())
    dims = None if pairs is None else weights[named:].astype(np.float32)
    return ranking.LinearModel(
        names, tuple(float(w) for w in weights[:named]), bias, 1.0, 1.0, dims
    )


def _pairs(asked: Sequence[Asked]) -> np.ndarray | None:
    """Each candidate's Candidate.sem_pair, zeros where it has none; None if none has."""
    size = next((len(c.sem_pair) for a in asked for c in a.candidates if c.sem_pair is not None), 0)
    if not size:
        return None
    zeros = np.zeros(size, dtype=np.float32)
    return np.vstack(
        [c.sem_pair if c.sem_pair is not None else zeros for a in asked for c in a.candidates]
    )


def _lexical_only(c: ranking.Candidate) -> ranking.Candidate:
    return ranking.Candidate(c.doc_id, c.lexical, c.adjust)


def fit(wards: Sequence[WardData]) -> ranking.Ranker:
    """Both models and their thresholds, from the questions of `wards`."""
    asked = [a for w in wards for a in w.asked if a.candidates]
    labels = [c.doc_id in a.question.expect for a in asked for c in a.candidates]
    lexical = _logistic(
        [c.lexical.vector() for a in asked for c in a.candidates],
        labels,
        ranking.LEXICAL_FEATURES,
    )
    semantic_asked = [a for a in asked if any(c.sem_head is not None for c in a.candidates)]
    if semantic_asked:
        semantic = _logistic(
            [row for a in semantic_asked for row in ranking.semantic_rows(a.candidates, lexical)],
            [c.doc_id in a.question.expect for a in semantic_asked for c in a.candidates],
            ranking.LEXICAL_FEATURES + ranking.SEMANTIC_FEATURES,
            _pairs(semantic_asked),
        )
    else:  # no embedder: the semantic model is never used; keep the file complete
        names = ranking.LEXICAL_FEATURES + ranking.SEMANTIC_FEATURES
        semantic = ranking.LinearModel(names, (0.0,) * len(names), -10.0, 1.0, 1.0)
    lexical = _with_thresholds(lexical, wards, _lexical_only, lambda m: ranking.Ranker(m, semantic))
    semantic = _with_thresholds(semantic, wards, lambda c: c, lambda m: ranking.Ranker(lexical, m))
    embedders = {w.engine.embedder.name for w in wards if w.engine.embedder is not None}
    return ranking.Ranker(
        lexical, semantic, tuple(w.ward.name for w in wards), ",".join(sorted(embedders))
    )


def _with_thresholds(
    model: ranking.LinearModel,
    wards: Sequence[WardData],
    view: Callable[[ranking.Candidate], ranking.Candidate],
    ranker_of: Callable[[ranking.LinearModel], ranking.Ranker],
) -> ranking.LinearModel:
    """Choose the answer threshold for the best mean overall score over the wards, then
    the offer threshold below it for the most useful offers."""
    ranker = ranker_of(model)
    # Per ward, per question: (expect, asks, [(doc id, prob, current)] best first).
    ranked = []
    for w in wards:
        rows = []
        for a in w.asked:
            scored = ranking.score([view(c) for c in a.candidates], ranker)
            order = sorted(
                zip(a.candidates, scored, strict=True), key=lambda item: item[1][0], reverse=True
            )
            rows.append(
                (
                    a.question.expect,
                    a.asks,
                    [(c.doc_id, p, a.current[c.doc_id]) for c, (p, _) in order],
                )
            )
        ranked.append(rows)
    grid = [round(t, 3) for t in np.linspace(0.02, 0.95, 94)]

    def overall(rows: list, t: float) -> float:
        right = 0
        for expect, asks, top in rows:
            answered = asks and bool(top) and top[0][1] >= t and top[0][2]
            right += (answered and top[0][0] in expect) if expect else not answered
        return right / len(rows) if rows else 0.0

    answer = max(grid, key=lambda t: (statistics.fmean(overall(r, t) for r in ranked), -t))

    def usefulness(t: float) -> float:
        total = 0.0
        for rows in ranked:
            for expect, asks, top in rows:
                if asks and top and top[0][1] >= answer and top[0][2]:
                    continue  # answered: no offer
                offered = [d for d, p, _ in top[:3] if p >= t]
                if not offered:
                    continue
                total += 1.0 if set(offered) & set(expect) else -USELESS_OFFER_COST
        return total

    offer = max((t for t in grid if t <= answer), key=lambda t: (usefulness(t), t), default=answer)
    return dataclasses.replace(model, answer=answer, offer=offer)


def evaluate(data: WardData, ranker: ranking.Ranker) -> Report:
    """`data`'s questions through the real engine with `ranker`."""
    data.engine.ranker = ranker
    return Report([Outcome(a.question, data.engine.ask(a.question.q)) for a in data.asked])


def leave_one_out(wards: Sequence[WardData]) -> dict[str, Report]:
    """Each ward scored by a ranker fitted on all the others."""
    return {
        held.ward.name: evaluate(held, fit([w for w in wards if w is not held])) for held in wards
    }
