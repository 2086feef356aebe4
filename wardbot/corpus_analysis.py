"""The ward's documents analysed for searching: each document's words, and the
corpus-wide counts (word usage, the accent model, the vocabulary) made from them.

`analyse_all` makes them from scratch; `analyse_changes` brings a saved state
(wardbot.state) up to the documents now served, analysing only what is new. The library
(wardbot.library) keeps the result; the engine answers from it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from wardbot.accents import AccentModel
from wardbot.analysis import (
    Analyzer,
    DocText,
    Lexicon,
    Stopwords,
    Vocabulary,
    analyse_document,
    head_words,
)
from wardbot.models import Announcement, Corpus, FaqEntry
from wardbot.state import AnalysedState

log = logging.getLogger(__name__)

# Word usage and the accent model count removed documents on until the documents added,
# changed or removed since they were counted from scratch exceed this share of the corpus.
MAX_DRIFT_SHARE = 0.2

Doc = FaqEntry | Announcement


@dataclass(frozen=True, slots=True)
class Entry:
    """A document served, with its analysed text."""

    doc: Doc
    text: DocText

    @property
    def type(self) -> str:
        return "faq" if isinstance(self.doc, FaqEntry) else "announcement"


def heads_and_body(doc: Doc) -> tuple[list[str], str]:
    """A document's phrasings (its question and variants, or its title) and its body."""
    if isinstance(doc, FaqEntry):
        return [doc.question, *doc.variants], doc.answer
    # The year helps tell this year's notice from last year's.
    return [doc.title], f"{doc.body}\n\nnăm {doc.date.year}"


def analyse_all(
    docs: list[Doc], keys: dict[str, str], synonyms: str, corpus: Corpus
) -> AnalysedState:
    """Every document analysed, and the corpus-wide counts made, from scratch."""
    analyzer = Analyzer.create(corpus.synonyms)
    accents = AccentModel()
    usage = accents.words  # the same count: words as written, over every run
    lexicon = Lexicon()
    # One document at a time, keeping only its head's words for later: the stopwords
    # (for the heads' meaningful words) are known once every document is counted.
    texts, heads = {}, {}
    for doc in docs:
        head_parts, sentences = analyzer.parts(*heads_and_body(doc))
        accents.add([*head_parts, *sentences])
        texts[keys[doc.id]] = analyse_document(head_parts, sentences, None, lexicon)
        heads[keys[doc.id]] = head_parts
    stopwords = Stopwords.from_usage(usage)
    for key, head_parts in heads.items():
        texts[key] = replace(texts[key], head_words=head_words(head_parts, stopwords, lexicon))
    vocab = Vocabulary.of(texts.values())
    return AnalysedState(synonyms, "", lexicon, texts, keys, usage, accents, vocab)


def analyse_changes(
    state: AnalysedState, docs: list[Doc], keys: dict[str, str], corpus: Corpus
) -> AnalysedState | None:
    """`state` brought up to the documents in `docs`, analysing only what is new.

    None when so much changed since the counts were made from scratch (they only
    grow: a removed document's words stay counted) that they should be made again.
    """
    fresh = [doc for doc in docs if keys[doc.id] not in state.texts]
    gone = [key for doc_id, key in state.keys.items() if keys.get(doc_id) != key]
    if not fresh and not gone:
        return state
    drift = state.drift + len(fresh) + len(gone)
    if drift > MAX_DRIFT_SHARE * max(len(docs), 1):
        return None
    accents = state.accents.copy()  # the old counts still serve meanwhile
    usage = accents.words
    analyzer = Analyzer.create(corpus.synonyms)
    parts = {doc.id: analyzer.parts(*heads_and_body(doc)) for doc in fresh}
    accents.add([words for heads, body in parts.values() for words in heads + body])
    stopwords = Stopwords.from_usage(usage)
    added = {keys[d.id]: analyse_document(*parts[d.id], stopwords, state.lexicon) for d in fresh}
    removed = [state.texts[key] for key in gone if key in state.texts]
    texts = {k: state.texts[k] if k in state.texts else added[k] for k in keys.values()}
    vocab = state.vocab.changed(removed, added.values())
    log.info(
        "analysed %d new or changed document(s), reused %d", len(fresh), len(docs) - len(fresh)
    )
    return AnalysedState(
        state.analysis, state.parsing, state.lexicon, texts, keys, usage, accents, vocab, drift
    )
