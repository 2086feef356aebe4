"""Candidates for a question, and their ranking: what the engine answers and offers from.

Lexical candidates come from the search index (wardbot.live_index), the documents closest
in meaning join them (wardbot.vectors), and each is read for the ranker
(wardbot.ranking), which scores them together.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from wardbot import ranking
from wardbot.analysis import Vocabulary, bigrams
from wardbot.library import Library
from wardbot.live_index import selective_limit
from wardbot.models import Announcement, FaqEntry, Hit
from wardbot.text import fold_word

CANDIDATES = 30
# Candidates are retrieved by a question's selective words (live_index.selective_limit)
# or, when it has none, its rarest few; and by at most this many word pairs.
MIN_CANDIDATE_WORDS = 3
MAX_CANDIDATE_PAIRS = 8
# The documents closest in meaning join the lexical candidates (a paraphrase may share
# no selective word with its answer).
SEMANTIC_CANDIDATES = 10


@dataclass(frozen=True)
class Scored:
    """A candidate as ranked."""

    hit: Hit
    prob: float
    model: ranking.LinearModel  # the model that scored it, whose thresholds apply
    candidate: ranking.Candidate


def candidate_terms(
    vocab: Vocabulary, query: ranking.Query, words: list[str], folded_words: list[str]
) -> dict[str, list[tuple[str, float]]]:
    """The selective words and word pairs of a question, weighted, per index field.

    Words found in most documents ('phường', 'người') would make Whoosh walk nearly
    every posting list for nothing: the rescoring reads them anyway.
    """
    limit = selective_limit(vocab)
    weight = {f: query.weights.get(w, 1.0) for f, w in zip(folded_words, words, strict=True)}
    ranked = sorted(weight, key=lambda f: vocab.df.get(f, 0))
    chosen = [f for f in ranked if vocab.df.get(f, 0) <= limit]
    pairs = [p for p in bigrams(folded_words) if 0 < vocab.df.get(p, 0) <= limit]
    pairs = sorted(pairs, key=lambda p: vocab.df[p])[:MAX_CANDIDATE_PAIRS]
    if not chosen:
        # Only common words: look for them in questions and titles alone.
        common = ranked[:MIN_CANDIDATE_WORDS]
        return {
            "head_fold": [(f, weight[f]) for f in common],
            "head_bi": [(p, 1.5) for p in pairs],
        }
    return {
        "head_fold": [(f, weight[f]) for f in chosen],
        "body_fold": [(f, 0.4 * weight[f]) for f in chosen],
        "head_bi": [(p, 1.5) for p in pairs],
    }


def candidates(
    library: Library,
    query: ranking.Query,
    words: list[str],
    vector: np.ndarray | None,
    exclude: str | None,
    today: dt.date,
) -> list[ranking.Candidate]:
    """Lexical candidates from Whoosh, plus the closest in meaning, read for rescoring
    (called holding the library's lock); `exclude`: a document left out."""
    folded_words = [query.corrections.get(w, fold_word(w)) for w in words]
    terms = candidate_terms(library.vocab, query, words, folded_words)
    index = library.index.current
    found = index.search(terms, limit=CANDIDATES) if index else []
    ids = list(dict.fromkeys(doc_id for doc_id, _type, _bm25 in found))
    semantic = library.vectors.index
    sem = semantic.score(vector) if vector is not None and len(semantic) else None
    if sem is not None:
        closeness = -(sem.head + sem.passage)
        top = np.argpartition(closeness, min(SEMANTIC_CANDIDATES, len(closeness)) - 1)
        top = top[:SEMANTIC_CANDIDATES]
        closest = top[np.argsort(closeness[top])]  # the closest first, as a full sort
        stale = library.vectors.stale
        ids += [
            semantic.ids[i]
            for i in closest
            if semantic.ids[i] not in ids and semantic.ids[i] not in stale
        ]
        head_mean, head_sd = float(sem.head.mean()), float(sem.head.std()) or 1.0
        passage_mean, passage_sd = float(sem.passage.mean()), float(sem.passage.std()) or 1.0
    query_folded = " ".join(folded_words)
    out = []
    for doc_id in ids:
        entry = library.entries.get(doc_id)
        if entry is None or doc_id == exclude:
            continue
        adjust, dated, other = 0.0, None, False
        if isinstance(entry.doc, Announcement):
            adjust = ranking.date_adjustment(entry.doc.date, entry.doc.expires, today)
            dated = str(entry.doc.date.year)
            other = ranking.other_event(query, entry.doc.title)
        feats = ranking.features(query, entry.text, query_folded, library.vocab, dated)
        row = (
            semantic.row.get(doc_id)
            if sem is not None and doc_id not in library.vectors.stale
            else None
        )
        notice = dated is not None
        tier = ranking.other_tier(query, entry.text.terms)
        if row is None or sem is None or vector is None:
            out.append(
                ranking.Candidate(
                    doc_id, feats, adjust, notice=notice, other_event=other, other_tier=tier
                )
            )
            continue
        head, passage = float(sem.head[row]), float(sem.passage[row])
        out.append(
            ranking.Candidate(
                doc_id,
                feats,
                adjust,
                sem_head=head,
                sem_passage=passage,
                sem_head_z=(head - head_mean) / head_sd,
                sem_passage_z=(passage - passage_mean) / passage_sd,
                sem_pair=semantic.pair(doc_id, vector),
                notice=notice,
                other_event=other,
                other_tier=tier,
            )
        )
    return out


def rank(
    library: Library,
    ranker: ranking.Ranker,
    query: ranking.Query,
    words: list[str],
    vector: np.ndarray | None,
    limit: int,
    exclude: str | None,
    today: dt.date,
) -> tuple[list[Scored], float]:
    """The best `limit` candidates, and the best one's rival (ranking.rival_probability)."""
    found = candidates(library, query, words, vector, exclude, today)
    scored = []
    probs = ranking.score(found, ranker)
    for candidate, (prob, model) in zip(found, probs, strict=True):
        entry = library.entries[candidate.doc_id]
        doc = entry.doc
        title = doc.question if isinstance(doc, FaqEntry) else doc.title
        hit = Hit(entry.type, doc.id, title, round(max(0.0, min(prob, 1.0)), 4), doc)  # type: ignore[arg-type]
        scored.append(Scored(hit, prob, model, candidate))
    scored.sort(key=lambda s: s.prob, reverse=True)
    return scored[:limit], ranking.rival_probability([p for p, _ in probs])
