"""Putting back the diacritics a resident left out, from how the ward's own texts spell.

"muc dong bhyt bao nhieu" reads, to a sentence-embedding model, like a foreign
language; "mức đóng bảo hiểm y tế bao nhiêu" does not. Each unaccented syllable could
be one of several words (bao: bao, báo, bảo, bão), so the choice is made for the whole
sentence at once: a small bigram model over the spellings the ward's FAQ and
announcements use, decoded with Viterbi. A syllable the texts never use stays as typed.

The model is a proper conditional one, P(word | previous word), smoothed towards the
word's own frequency by Witten-Bell: the more different words follow a word, the more
its unseen followers are trusted. So one "ly hôn" in the texts beats many "quản lý"
for "thu tuc ly hon": "lý" is common, but never followed by "hôn".
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain, pairwise

from wardbot.text import fold_word

# Added to every count when a word's own frequency is estimated (a word the texts never
# use, typed as is, still gets a little).
_ADD = 0.5


@dataclass
class AccentModel:
    """How often each spelling is used, and which spellings follow which.

    Counting only tallies words and pairs (fast, in bulk); the spellings of each
    accent-folded syllable are grouped from the distinct words when first needed.
    """

    words: Counter[str] = field(default_factory=Counter)
    pairs: Counter[tuple[str, str]] = field(default_factory=Counter)
    _spellings: dict[str, Counter[str]] | None = field(default=None, repr=False, compare=False)
    # How many different words follow each word (Witten-Bell's trust in the unseen), and
    # the denominator of a word's own frequency; counted when first needed.
    _followers: Counter[str] | None = field(default=None, repr=False, compare=False)
    _total: float = field(default=0.0, repr=False, compare=False)

    @classmethod
    def of(cls, sequences: Iterable[Sequence[str]]) -> AccentModel:
        """`sequences`: runs of words as written (tones in one place), e.g. sentences."""
        model = cls()
        model.add(sequences)
        return model

    def copy(self) -> AccentModel:
        return AccentModel(self.words.copy(), self.pairs.copy())

    def add(self, sequences: Iterable[Sequence[str]]) -> None:
        """Count more texts in (a notice added since the model was made)."""
        sequences = list(sequences)
        self.words.update(chain.from_iterable(sequences))
        self.pairs.update(chain.from_iterable(map(pairwise, sequences)))
        self._spellings = self._followers = None

    @property
    def spellings(self) -> dict[str, Counter[str]]:
        """Spellings per accent-folded syllable, with how often each is used."""
        spellings = self._spellings
        if spellings is None:
            spellings = {}
            for word, count in self.words.items():
                seen = spellings.get(folded := fold_word(word))
                if seen is None:
                    seen = spellings[folded] = Counter()
                seen[word] = count
            self._spellings = spellings
        return spellings

    def _options(self, word: str) -> list[str]:
        if word != fold_word(word) or not word.isalpha():
            return [word]  # typed with diacritics (or a number): taken as typed
        seen = self.spellings.get(word)
        return list(seen) if seen else [word]

    def _counted(self) -> Counter[str]:
        followers = self._followers
        if followers is None:
            followers = self._followers = Counter(first for first, _ in self.pairs)
            self._total = self.words.total() + _ADD * len(self.words)
        return followers

    def _prior(self, word: str) -> float:
        """How often `word` is used, of all the words of the texts."""
        self._counted()
        return (self.words.get(word, 0) + _ADD) / self._total

    def _step(self, previous: str, word: str) -> float:
        """log P(word | previous), Witten-Bell smoothed towards P(word)."""
        trust = max(1, self._counted()[previous])
        seen = self.words.get(previous, 0)
        prior = self._prior(word)
        if not seen:
            return math.log(prior)
        return math.log((self.pairs.get((previous, word), 0) + trust * prior) / (seen + trust))

    def restore(self, words: Sequence[str]) -> list[str]:
        """The likeliest spelling of `words` (normalised syllables, some unaccented)."""
        if not words:
            return []
        # Viterbi over each word's possible spellings; short sentences, few options each.
        best = {w: (math.log(self._prior(w)), [w]) for w in self._options(words[0])}
        for word in words[1:]:
            step = {}
            for option in self._options(word):
                score, path = max(
                    ((s + self._step(prev, option), p) for prev, (s, p) in best.items()),
                    key=lambda item: item[0],
                )
                step[option] = (score, [*path, option])
            best = step
        return max(best.values(), key=lambda item: item[0])[1]

    def restore_surely(self, words: Sequence[str], margin: float) -> list[str] | None:
        """`restore`, when each spelling it picks is likelier than any other for that
        word by `margin` (a log ratio: the best spelling of the rest of the sentence
        given each); else None. A word the texts never use is taken as typed."""
        if not words:
            return []
        options = [self._options(word) for word in words]
        # Max-product forward and backward passes: the best path through each option.
        ahead = [{o: math.log(self._prior(o)) for o in options[0]}]
        for choices in options[1:]:
            last = ahead[-1]
            ahead.append({o: max(s + self._step(p, o) for p, s in last.items()) for o in choices})
        behind = [{o: 0.0 for o in options[-1]}]
        for at in range(len(words) - 2, -1, -1):
            after = behind[0]
            behind.insert(
                0, {o: max(self._step(o, n) + s for n, s in after.items()) for o in options[at]}
            )
        picked = []
        for before, after in zip(ahead, behind, strict=True):
            ranked = sorted(before, key=lambda o: before[o] + after[o], reverse=True)
            best = before[ranked[0]] + after[ranked[0]]
            if len(ranked) > 1 and best - (before[ranked[1]] + after[ranked[1]]) < margin:
                return None
            picked.append(ranked[0])
        return picked
