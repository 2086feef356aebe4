"""Fitting the ranker on labelled wards, and the honest figure: leave one ward out.

`bot.py fit WARD_DIR...` opens each ward with the real engine, reads every candidate
the engine would score for every question (wardbot.ranking.Candidate), and fits two
linear models: a lexical one (always usable) and one that adds the semantic features
(used for documents that have vectors). Both are fitted listwise, as the engine scores
(ranking.probabilities): a question's candidates compete with each other and with the
outside option "none of them", so the models learn both which candidate answers and
when none does (a conditional logit with an outside option, maximised with scipy's
L-BFGS). Each model's answer threshold is chosen on the same training questions, and
its offer threshold follows from it. Both are odds against the best candidate's rival,
the likelier of "none of them" and the runner-up (ranking.rival_probability): the bot
answers when its best is so many times as likely as anything else it could believe.
The result is written as JSON (wardbot/ranker.json by default), which the engine loads.

Before that it prints leave-one-ward-out results: for each ward, fit on the others and
score that ward through `Engine.ask`, exactly as `bot.py eval` would. A figure for a
ward the model was fitted on flatters it; this one does not.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
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

log = logging.getLogger(__name__)

# L2 regularisation (the inverse of the penalty on standardised weights, against the
# likelihood summed over questions): chosen by leave-one-ward-out over the shared wards,
# with the answer odds WRONG_ANSWER_COST chooses. Mean overall (questions answered
# wrongly): 0.848 (35) at 0.5, 0.862 (38) at 1, 0.867 (40) at 1.25, 0.873 (41) at 1.5,
# 0.869 (39) at 1.75, 0.865 (39) at 2, 0.866 (44) at 3.
REGULARISATION_C = 1.5
# The semantic model also weighs each dimension of the question-times-document vectors
# (ranking.Candidate.sem_pair): hundreds of weights from a few hundred questions, so
# they are held back harder than the named features, by scaling their standardised
# values down. Chosen by leave-one-ward-out over the shared wards: mean overall 0.839 at
# 0.05, 0.843 at 0.07, 0.858 at 0.1, 0.860 at 0.15, 0.859 at 0.2; with the thresholds
# WRONG_ANSWER_COST chooses, 0.862 (38 answered wrongly) at 0.1, 0.855 (42) at 0.13;
# with answer odds and REGULARISATION_C 1.5, 0.865 (40) at 0.07, 0.873 (41) at 0.1,
# 0.864 (41) at 0.13.
PAIR_SCALE = 0.1
# The offer odds are this share of the answer odds: a best candidate between the two is
# offered as a close match, with its runners-up (engine.OFFER_COMPANION_SHARE). The
# training wards cannot choose it: the models answer nearly all of their questions, so
# there is almost nothing unsure to learn offering from. Chosen by leave-one-ward-out:
# the right entry is offered for 32 of the 49 answerable questions not answered (33 at
# 0.15, 30 at 0.25), and 15 of 117 out-of-scope questions get offers (26 at 0.15), which
# costs a resident little ("Có phải anh/chị muốn hỏi..." and the hotline).
OFFER_SHARE = 0.2
# Choosing the answer threshold, a wrong answer (a wrong entry, or an answer to an
# out-of-scope question) costs this much more than a question left unanswered: it
# sends a resident on a wasted trip, while the no-answer reply offers close matches and
# the hotline. The overall score weighs the two alike, and around its best threshold it
# barely moves while wrong answers do. Leave-one-ward-out over the shared wards, mean
# overall (questions answered wrongly) with the embedder: 0.859 (45) at 0, 0.862 (38) at
# 0.25, 0.5 and 1; without it (`fit --lexical`): 0.797 (57) at 0, 0.777 (44) at 0.25,
# 0.772 (37) at 0.5 (measured with the probability threshold the answer odds replaced;
# with the odds, the shared wards' own choice stays near 1 up to a cost of 0.75, and
# MIN_ANSWER_ODDS decides).
WRONG_ANSWER_COST = 0.25
# The answer odds are never below this: the bot answers only with an entry clearly
# likelier than "none of them" and than any other entry; a near tie is offered. The
# training wards alone would choose about 1 (their own questions flatter the models).
# Leave-one-ward-out, mean overall (questions answered wrongly): 0.873 (41) at 1, 0.866
# (37) at 1.25, 0.864 (34) at 1.3, 0.864 (33) at 1.35, 0.854 (32) at 1.5.
MIN_ANSWER_ODDS = 1.35


@dataclass
class Asked:
    """One training question: its labels and the engine's candidates for it."""

    question: Question
    asks: bool  # the engine found something specific asked
    candidates: list[ranking.Candidate]


@dataclass
class WardData:
    ward: Ward
    engine: Engine
    asked: list[Asked]


def open_wards(
    wards: Sequence[Ward],
    embedder: Embedder | None,
    stack: ExitStack,
    *,
    today: dt.date | None = None,
) -> list[WardData]:
    """Each ward in its own engine (on a temporary data directory) with its candidates,
    read on `today` (None: today in Vietnam): a notice's age is one of what the engine
    reads, so a fit on another day gives a slightly other model."""
    # Named for the embedder: a ranker for no embedder makes the engine drop it.
    placeholder = dataclasses.replace(
        _neutral_ranker(), embedder=embedder.name if embedder is not None else ""
    )
    out = []
    for ward in wards:
        data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="fit-")))
        engine = Engine.open(
            ward.faq, ward.content, data_dir, embedder=embedder, ranker=placeholder, today=today
        )
        stack.callback(engine.close)
        asked = []
        for question in load_questions(ward.questions):
            candidates = engine.candidates(question.q)
            asked.append(Asked(question, engine.asks_something(question.q), candidates))
        out.append(WardData(ward, engine, asked))
    return out


def _neutral_ranker() -> ranking.Ranker:
    lexical = ranking.LinearModel(
        ranking.LEXICAL_FEATURES, (0.0,) * len(ranking.LEXICAL_FEATURES), 0.0, 1.0, 1.0
    )
    names = ranking.LEXICAL_FEATURES + ranking.SEMANTIC_FEATURES
    return ranking.Ranker(lexical, ranking.LinearModel(names, (0.0,) * len(names), 0.0, 1.0, 1.0))


def _listwise(
    asked: Sequence[Asked],
    rows: Sequence[Sequence[Sequence[float]]],
    names: tuple[str, ...],
    pairs: Sequence[np.ndarray] | None = None,
) -> ranking.LinearModel:
    """A LinearModel (thresholds still to choose) fitted listwise. For each question,
    the softmax over its candidates and the outside option ("none of them", logit 0), as
    ranking.probabilities scores, should give its right candidates (any of them), or for
    an out-of-scope question the outside option, a high probability: the likelihood is
    maximised with an L2 penalty on the standardised weights. `rows[q]` holds question
    q's candidates' named features; `pairs[q]` their Candidate.sem_pair, whose weights
    become the model's `dims`. An announcement's date adjustment is a fixed offset, as
    when scoring."""
    from scipy.optimize import minimize

    x = np.vstack([np.asarray(r, dtype=float) for r in rows])
    named = x.shape[1]
    scaling = np.ones(named)
    if pairs is not None:
        x = np.hstack([x, np.vstack(pairs)])
        scaling = np.concatenate([scaling, np.full(x.shape[1] - named, PAIR_SCALE)])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    scale /= scaling
    x = (x - mean) / scale
    right = np.array([c.doc_id in a.question.expect for a in asked for c in a.candidates])
    offset = np.array([c.adjust for a in asked for c in a.candidates])
    sizes = np.array([len(a.candidates) for a in asked])
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    question = np.repeat(np.arange(len(asked)), sizes)  # each candidate's question
    answerable = np.add.reduceat(right, starts) > 0

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        weights, bias = theta[:-1], theta[-1]
        logits = x @ weights + bias + offset
        top = np.maximum(np.maximum.reduceat(logits, starts), 0.0)  # 0: the outside option
        exps = np.exp(logits - top[question])
        outside = np.exp(-top)
        total = outside + np.add.reduceat(exps, starts)
        prob = exps / total[question]
        # Likelihood: the right candidates' share, or the outside option's.
        share = np.where(answerable, np.add.reduceat(np.where(right, prob, 0.0), starts), 1.0)
        nll = -np.log(np.where(answerable, share, outside / total)).sum()
        grad = prob - np.where(right, prob / share[question], 0.0)  # d nll / d logit
        value = nll + 0.5 * weights @ weights / REGULARISATION_C
        gradient = np.append(x.T @ grad + weights / REGULARISATION_C, grad.sum())
        return float(value), gradient

    result = minimize(
        loss, np.zeros(x.shape[1] + 1), jac=True, method="L-BFGS-B", options={"maxiter": 1000}
    )
    if not result.success:
        log.warning("fitting the %d-feature model stopped short: %s", named, result.message)
    theta = result.x
    weights = theta[:-1] / scale  # back to raw features: the engine reads those
    bias = float(theta[-1] - (theta[:-1] * mean / scale).sum())
    dims = None if pairs is None else weights[named:].astype(np.float32)
    return ranking.LinearModel(
        names, tuple(float(w) for w in weights[:named]), bias, 1.0, 1.0, dims
    )


def _pairs(asked: Sequence[Asked]) -> list[np.ndarray] | None:
    """Each question's candidates' Candidate.sem_pair, zeros where a candidate has
    none; None if no candidate has one."""
    size = next((len(c.sem_pair) for a in asked for c in a.candidates if c.sem_pair is not None), 0)
    if not size:
        return None
    zeros = np.zeros(size, dtype=np.float32)
    return [
        np.vstack([c.sem_pair if c.sem_pair is not None else zeros for c in a.candidates])
        for a in asked
    ]


def _lexical_only(c: ranking.Candidate) -> ranking.Candidate:
    """`c` as it is before its document has vectors: everything but the meaning."""
    return dataclasses.replace(
        c, sem_head=None, sem_passage=None, sem_head_z=0.0, sem_passage_z=0.0, sem_pair=None
    )


def _teaches(a: Asked) -> bool:
    """Whether a question can teach the models which candidate answers: it has
    candidates, and the right one among them unless it is out of scope (when the
    right entry was never found, no choice among these candidates was right)."""
    return bool(a.candidates) and (
        not a.question.expect or any(c.doc_id in a.question.expect for c in a.candidates)
    )


def fit(wards: Sequence[WardData]) -> ranking.Ranker:
    """Both models and their thresholds, from the questions of `wards`, in whatever order
    they are named: the optimiser sums over the questions in their order, whose last bits
    an ill-conditioned fit carries to the weights' fourth decimal, so the wards are taken
    by name (`bot.py fit A B` and `bot.py fit B A` write the same file)."""
    wards = sorted(wards, key=lambda w: (w.ward.name, str(w.ward.faq)))
    asked = [a for w in wards for a in w.asked if _teaches(a)]
    lexical = _listwise(
        asked,
        [[c.lexical.vector() for c in a.candidates] for a in asked],
        ranking.LEXICAL_FEATURES,
    )
    semantic_asked = [a for a in asked if all(c.sem_head is not None for c in a.candidates)]
    if semantic_asked:
        semantic = _listwise(
            semantic_asked,
            [ranking.semantic_rows(a.candidates, lexical) for a in semantic_asked],
            ranking.LEXICAL_FEATURES + ranking.SEMANTIC_FEATURES,
            _pairs(semantic_asked),
        )
    else:  # no embedder: the semantic model is never used; keep the file complete
        names = ranking.LEXICAL_FEATURES + ranking.SEMANTIC_FEATURES
        semantic = ranking.LinearModel(names, (0.0,) * len(names), -10.0, 1.0, 1.0)
    lexical = _with_thresholds(lexical, wards, _lexical_only, lambda m: ranking.Ranker(m, semantic))
    semantic = _with_thresholds(semantic, wards, lambda c: c, lambda m: ranking.Ranker(lexical, m))
    embedders = {w.engine.embedder.name for w in wards if w.engine.embedder is not None}
    days = {w.engine.today for w in wards}
    return ranking.Ranker(
        lexical,
        semantic,
        tuple(w.ward.name for w in wards),
        ",".join(sorted(embedders)),
        min(days).isoformat() if days else "",
    )


def _with_thresholds(
    model: ranking.LinearModel,
    wards: Sequence[WardData],
    view: Callable[[ranking.Candidate], ranking.Candidate],
    ranker_of: Callable[[ranking.LinearModel], ranking.Ranker],
) -> ranking.LinearModel:
    """Choose the answer odds (how many times as likely as its rival, "none of them" or
    the runner-up, the best candidate must be) for the best mean score over the wards,
    where a right answer or a right abstention scores 1 and a wrong answer
    -WRONG_ANSWER_COST; of two as good, the more cautious. The offer odds are
    OFFER_SHARE of them."""
    ranker = ranker_of(model)
    # Per ward, per question: (expect, asks, best (doc id, prob, may answer) or None, rival).
    ranked = []
    for w in wards:
        rows = []
        for a in w.asked:
            scored = ranking.score([view(c) for c in a.candidates], ranker)
            probs = [p for p, _ in scored]
            best = max(range(len(probs)), key=probs.__getitem__, default=None)
            top = None
            if best is not None:
                chosen = a.candidates[best]
                top = (chosen.doc_id, probs[best], ranking.may_answer(chosen))
            rows.append((a.question.expect, a.asks, top, ranking.rival_probability(probs)))
        ranked.append(rows)
    grid = [round(float(x), 3) for x in np.geomspace(MIN_ANSWER_ODDS, 10.0, 41)]

    def worth(rows: list, odds: float) -> float:
        total = 0.0
        for expect, asks, top, rival in rows:
            answered = asks and top is not None and top[1] >= odds * rival and top[2]
            right = (answered and top[0] in expect) if expect else not answered
            total += 1.0 if right else -WRONG_ANSWER_COST if answered else 0.0
        return total / len(rows) if rows else 0.0

    odds = max(grid, key=lambda k: (statistics.fmean(worth(r, k) for r in ranked), k))
    return dataclasses.replace(model, answer_odds=odds, offer_odds=round(odds * OFFER_SHARE, 4))


def evaluate(data: WardData, ranker: ranking.Ranker) -> Report:
    """`data`'s questions through the real engine with `ranker`."""
    data.engine.ranker = ranker
    return Report([Outcome(a.question, data.engine.ask(a.question.q)) for a in data.asked])


def leave_one_out(wards: Sequence[WardData]) -> dict[str, Report]:
    """Each ward scored by a ranker fitted on all the others."""
    return {
        held.ward.name: evaluate(held, fit([w for w in wards if w is not held])) for held in wards
    }
