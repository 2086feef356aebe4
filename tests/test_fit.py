"""The ranker's probabilities and the listwise fit behind them (wardbot.ranking, wardbot.fit)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import random
from types import SimpleNamespace

import pytest

from wardbot import fit, ranking
from wardbot.evaluate import Question


def test_a_lone_candidate_gets_the_sigmoid_of_its_logit():
    assert ranking.probabilities([0.0]) == [0.5]
    assert ranking.probabilities([2.0])[0] == pytest.approx(1 / (1 + math.exp(-2.0)))
    assert ranking.probabilities([]) == []


def test_candidates_share_one_probability_with_none_of_them():
    """Two look-alikes share what one alone would get; with 'none of them' it adds up to 1."""
    alone = ranking.probabilities([2.0])[0]
    pair = ranking.probabilities([2.0, 2.0])
    assert pair[0] == pytest.approx(pair[1]) and pair[0] < alone
    assert sum(pair) < 1.0
    assert sum(pair) + 1 / (1 + 2 * math.exp(2.0)) == pytest.approx(1.0)
    # Far-out logits neither overflow nor lose the order.
    huge = ranking.probabilities([1000.0, 999.0, -1000.0])
    assert huge[0] > huge[1] > huge[2] >= 0.0 and sum(huge) == pytest.approx(1.0)


def _candidate(doc_id: str, cover: float) -> ranking.Candidate:
    features = ranking.Features(
        cover=cover,
        head_cover=cover,
        pairs=0.0,
        head_pairs=0.0,
        recall=cover,
        fuzzy=0.5,
        missing=1.0 - cover,
        year=0.0,
        length=0.3,
        focus_cover=cover,
    )
    return ranking.Candidate(doc_id, features)


def _asked(rng: random.Random, n: int, answerable: bool) -> fit.Asked:
    """Candidates covering the question a little; the right one, if any, covers it well."""
    candidates = [_candidate(f"doc{i}", rng.uniform(0.0, 0.4)) for i in range(n)]
    expect: tuple[str, ...] = ()
    if answerable:
        candidates[rng.randrange(n)] = _candidate("right", rng.uniform(0.6, 1.0))
        expect = ("right",)
    return fit.Asked(Question("q", expect), True, candidates)


def test_the_listwise_fit_learns_which_candidate_answers_and_when_none_does():
    rng = random.Random(7)
    asked = [_asked(rng, rng.randint(3, 8), answerable=i % 3 != 0) for i in range(120)]
    model = fit._listwise(
        asked, [[c.lexical.vector() for c in a.candidates] for a in asked], ranking.LEXICAL_FEATURES
    )
    ranker = ranking.Ranker(model, model)

    def probs(a: fit.Asked) -> dict[str, float]:
        return {c.doc_id: p for c, (p, _) in zip(a.candidates, ranking.score(a.candidates, ranker))}

    test = random.Random(8)
    for _ in range(20):
        answerable = probs(_asked(test, 5, answerable=True))
        assert max(answerable, key=answerable.__getitem__) == "right"
        assert answerable["right"] > 0.6
        out_of_scope = probs(_asked(test, 5, answerable=False))
        assert max(out_of_scope.values()) < 0.4  # "none of them" is the likeliest


# A model that reads only `cover`, as a logit: the questions below set each candidate's
# probability exactly.
COVER_ONLY = ranking.LinearModel(
    ranking.LEXICAL_FEATURES,
    tuple(1.0 if name == "cover" else 0.0 for name in ranking.LEXICAL_FEATURES),
    0.0,
    1.0,
    1.0,
)


def _asked_with(expect: tuple[str, ...], probs: dict[str, float]) -> fit.Asked:
    """A question whose candidates (doc id -> probability) COVER_ONLY scores so."""
    none = 1.0 - sum(probs.values())
    candidates = [
        ranking.Candidate(
            d, dataclasses.replace(_candidate(d, 0.0).lexical, cover=math.log(p / none))
        )
        for d, p in probs.items()
    ]
    return fit.Asked(Question("q", expect), True, candidates)


def _thresholds(*asked: fit.Asked) -> ranking.LinearModel:
    ward = SimpleNamespace(asked=list(asked))
    return fit._with_thresholds(COVER_ONLY, [ward], lambda c: c, lambda m: ranking.Ranker(m, m))


def test_the_answer_threshold_leaves_unanswered_what_it_would_get_as_often_wrong_as_right():
    """Answering the questions at p = 0.5 (as likely as "none of them": odds 1) gains one
    right answer (B) and gives two wrong ones (C, an out-of-scope question; D, a wrong
    entry) for losing a right abstention (C): the overall score is the same either way,
    but a wrong answer sends a resident on a wasted trip, so the threshold leaves them
    unanswered. The questions at p = 0.8 (odds 4) are answered."""
    chosen = _thresholds(
        _asked_with(("a",), {"a": 0.8}),
        _asked_with(("a",), {"a": 0.8}),
        _asked_with(("b",), {"b": 0.5}),
        _asked_with((), {"c": 0.5}),
        _asked_with(("d",), {"e": 0.5}),
    )
    assert 1.0 < chosen.answer_odds <= 4.0
    assert chosen.offer_odds == pytest.approx(chosen.answer_odds * fit.OFFER_SHARE, abs=1e-4)


@pytest.mark.parametrize(
    "probs",
    [
        pytest.param({"right": 0.4}, id="less likely than none of them"),
        pytest.param({"right": 0.5, "other": 0.45}, id="a near tie with another entry"),
    ],
)
def test_the_bot_never_answers_with_an_entry_not_clearly_likelier_than_its_rival(probs):
    """Even where answering would have been right every time, an entry the model finds
    less likely than "none of them" (0.4 against 0.6), or barely likelier than another
    entry (0.5 against 0.45), is not given as the answer."""
    question = _asked_with(("right",), probs)
    chosen = _thresholds(*[question] * 5)
    scored = [p for p, _ in ranking.score(question.candidates, ranking.Ranker(chosen, chosen))]
    assert scored == pytest.approx(list(probs.values()))
    assert not chosen.answers(max(scored), ranking.rival_probability(scored))


def test_the_best_is_measured_against_none_and_the_runner_up():
    # Two entries splitting the probability: the rival is the runner-up.
    assert ranking.rival_probability([0.5, 0.45, 0.01]) == pytest.approx(0.45)
    # One entry and a strong "none of them": the rival is "none".
    assert ranking.rival_probability([0.3, 0.05]) == pytest.approx(0.65)
    assert ranking.rival_probability([]) == 1.0


class _Ordered(frozenset):
    """A set that iterates in the order given: as a set may in another run (hash seeds)."""

    def __new__(cls, items):
        made = super().__new__(cls, items)
        made.order = tuple(items)
        return made

    def __iter__(self):
        return iter(self.order)


def test_features_do_not_depend_on_the_order_a_set_iterates_in():
    """`bot.py fit` writes the same ranker.json from the same wards, run after run: a
    sum over a set's words in another order (Python's hash seed differs per process)
    must not change a feature's last bits, which the fit would carry to the weights."""
    idf = {"a": 0.1, "b": 0.2, "c": 0.3}
    vocab = SimpleNamespace(idf=idf.__getitem__, max_idf=lambda: 1.0)
    query = ranking.Query("a b c", dict.fromkeys(idf, 1.0), {}, {}, frozenset())

    def recall(order):
        words = frozenset(idf)
        doc = SimpleNamespace(
            terms=words, head_terms=words, heads_folded=("a b c",), head_words=(_Ordered(order),)
        )
        return ranking.features(query, doc, "a b c", vocab).recall

    assert (0.1 + 0.2) + 0.3 != 0.1 + (0.2 + 0.3)  # these sums depend on the order
    assert recall(("a", "b", "c")) == recall(("c", "b", "a"))


def _ward(name: str, seed: int) -> SimpleNamespace:
    """A ward's data as `fit.fit` reads it: its name and its labelled questions."""
    rng = random.Random(seed)
    asked = [_asked(rng, rng.randint(3, 8), answerable=i % 3 != 0) for i in range(60)]
    ward = SimpleNamespace(name=name, faq=f"{name}/faq.yaml")
    engine = SimpleNamespace(embedder=None, today=dt.date(2026, 12, 2))
    return SimpleNamespace(ward=ward, engine=engine, asked=asked)


def test_the_fit_is_the_same_whatever_order_the_wards_are_named_in():
    """`bot.py fit A B C` and `bot.py fit C A B` ship the same ranker: the optimiser's sums
    follow the questions' order, and a real fit carried those last bits to the weights'
    fourth decimal."""
    wards = [_ward("commune", 1), _ward("dev", 2), _ward("ward", 3)]
    first = fit.fit(wards)
    again = fit.fit([wards[2], wards[0], wards[1]])
    assert again.lexical.weights == first.lexical.weights
    assert again.lexical.bias == first.lexical.bias
    assert again.trained_on == first.trained_on == ("commune", "dev", "ward")


def test_the_model_records_the_day_its_wards_were_read_on():
    """A notice's age is among what the engine reads, so the same wards fitted another day
    give a slightly other model: the file says which day, for `bot.py fit --today` to
    rebuild it."""
    ranker = fit.fit([_ward("commune", 1), _ward("dev", 2)])
    assert ranker.fitted_on == "2026-12-02"
    kept = ranking.Ranker.from_json(json.loads(json.dumps(ranker.as_json())))
    assert kept.fitted_on == "2026-12-02" and kept.as_json() == ranker.as_json()
