"""From text to the tokens the index stores and the features the ranker reads.

One `Analyzer` serves documents and questions alike, so both meet in the same form
(see wardbot.text for the normalisation itself). Questions additionally lose the
words that carry no subject: greetings, politeness, pronouns.
"""

from __future__ import annotations

import math
import re
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np

from wardbot.text import BUILTIN_AS_TYPED, BUILTIN_SYNONYMS, Synonyms, fold, fold_word, nfc, tokens

# Bump when tokenisation changes, so indexes built by older code are rebuilt.
ANALYSIS_VERSION = "9"

# Words that say nothing about what is asked: greetings, particles, pronouns, glue.
_STOP = set(
    """
    ạ à á ả dạ vâng ơi ới nhé nhá nha nhỉ hả hở hen ha vậy đấy nè ấy ah ạh ad admin alo
    chào xin cảm ơn cám thanks thank ok oke hi hello
    tôi em anh chị mình cháu tớ tui bạn
    cho hỏi muốn cần thì là của và với mà này đó các những rồi đã đang sẽ nên để
    giúp lắm quá rất nữa cũng vẫn còn hay hoặc thế ơ ừ ờ nhờ vui lòng xem
    hỉ nờ rứa
    """.split()
)
# Question words: they tell 'how much' from 'where', but weigh little on their own. The
# centre's 'chi' (gì), 'mô' (đâu), 'răng' (sao) are here for their unaccented forms (typed
# with accents they become the standard word, wardbot.text.REGIONAL_WORDS, but for 'chi',
# which is also 'chi trả').
_LIGHT = set(
    "ở đâu bao nhiêu nào khi sao gì mấy làm thế như phải được không có là ai chi mô răng".split()
)

# An unaccented word is only dropped when the ward's own texts mostly use it as a
# stopword: 'dang' is đang (glue) to some and đăng (đăng ký) to others, 'can' is cần
# or căn (căn cước). See `StopwordGuess`.
_STOP_FOLDED = {fold(w) for w in _STOP}
_LIGHT_FOLDED = {fold(w) for w in _LIGHT}

# Where a message's clauses meet: punctuation (not the comma or point inside '1,8' or
# '2.500'), and the conjunctions that join a story to its question ('..., nhưng ...',
# '... mà ...', '... thì làm sao?'). Group 1 holds the punctuation, to spot the '?'.
_CLAUSE_RE = re.compile(r"([;:!?…\n]+|[,.]+(?!\d))|\s(?:nhưng|mà|thì)\s")
# Words that make a clause a question (normalised: 'ko' is không, 'j' is gì), the
# centre's 'chi' (gì) among them; typed without accents they ask too ('can giay to chi',
# 'lam o dau', 'man rang': 'mô' and 'răng' are đâu and sao).
_ASKING = frozenset("gì đâu nào sao bao mấy ai không chưa chi".split())
_ASKING_FOLDED = frozenset({fold(w) for w in _ASKING} | {"mo", "rang"})
# A clause of something done ('đã nộp', 'vừa làm', 'làm xong', 'có rồi'), and of what went
# wrong or is lacking, whose words do say what is asked about ('bị mất', 'chưa có').
_DONE = frozenset("đã vừa xong rồi".split())
_AMISS = frozenset("bị mất hỏng rách hết chưa không".split())
# The same, typed without accents.
_DONE_FOLDED = frozenset(map(fold, _DONE))
_AMISS_FOLDED = frozenset(map(fold, _AMISS))

# A range of numbered places ('khu phố 4-6', 'tổ 3 đến 5', 'kp 1-3'): only after the name
# of a neighbourhood unit, so dates ('ngày 1-3', '1-3/2025') and amounts stay as written.
_PLACE_UNITS = (
    "khu phố|khu pho|kp|tổ dân phố|to dan pho|tdp|tổ|to|ấp|ap|thôn|thon|xóm|xom|khóm|khom|"
    "khu vực|khu vuc|kv|buôn|buon|bản|ban|làng|lang"
)
# What every range has: a number, a dash or "đến", a number (a quick look before the full one).
_RANGE_HINT = re.compile(r"\d\s*(?:-|–|đến|tới|den|toi)\s*\d", re.IGNORECASE)
_RANGE_RE = re.compile(
    rf"\b({_PLACE_UNITS})\s*(\d{{1,2}})\s*(?:-|–|đến|tới|den|toi)\s*(\d{{1,2}})\b(?![/.-]\d)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Stopwords:
    """Which words carry no subject; unaccented ones decided by the corpus's usage."""

    ascii_stop: frozenset[str] = frozenset(_STOP_FOLDED)
    ascii_light: frozenset[str] = frozenset(_LIGHT_FOLDED)

    @classmethod
    def from_usage(cls, usage: Counter[str]) -> Stopwords:
        """`usage` counts the corpus's words as written (with diacritics)."""
        spellings: dict[str, Counter[str]] = {}
        for word, count in usage.items():
            spellings.setdefault(fold(word), Counter())[word] += count

        def mostly(words: set[str], folded: str) -> bool:
            seen = spellings.get(folded)
            if not seen:
                return True  # the corpus never uses it: trust the list
            hits = sum(n for w, n in seen.items() if w in words or w == folded)
            return hits * 2 >= sum(seen.values())

        return cls(
            frozenset(f for f in _STOP_FOLDED if mostly(_STOP, f)),
            frozenset(f for f in _LIGHT_FOLDED if mostly(_LIGHT | _STOP, f)),
        )

    def is_stop(self, token: str, *, as_typed: bool = False) -> bool:
        """Whether `token` carries no subject. `as_typed`: the text it comes from is
        written with diacritics (staff texts, a question typed mostly with them), so a
        word without any is that word ("minh" of "chứng minh", "thi" of an exam), not a
        stopword typed without them ("mình", "thì")."""
        return token in _STOP or (not as_typed and token.isascii() and token in self.ascii_stop)

    def is_light(self, token: str) -> bool:
        return token in _LIGHT or (token.isascii() and token in self.ascii_light)


DEFAULT_STOPWORDS = Stopwords()


def _clause_spans(text: str) -> list[tuple[int, int, int, bool]]:
    """Each clause of `text` (casefolded): where its words start and end, where it ends
    with its punctuation, and whether a '?' ends it."""
    spans = []
    start = 0
    for match in _CLAUSE_RE.finditer(text):
        spans.append((start, match.start(), match.end(), "?" in (match[1] or "")))
        start = match.end()
    spans.append((start, len(text), len(text), False))
    return spans


def _has(words: list[str], typed: frozenset[str], folded: frozenset[str]) -> bool:
    """Whether a clause has one of `typed`, or of `folded` typed without accents."""
    return any(w in typed or (w.isascii() and w in folded) for w in words)


def _expand_ranges(text: str) -> str:
    """'khu phố 4-6' also names khu phố 5: spell small numeric ranges out."""

    def spell(match: re.Match[str]) -> str:
        low, high = int(match.group(2)), int(match.group(3))
        if 0 < high - low <= 12:
            return " ".join([match.group(1), *(str(n) for n in range(low, high + 1))])
        return match.group(0)

    return _RANGE_RE.sub(spell, text)


def _canonical_number(token: str) -> str:
    return token.lstrip("0") or "0"


def bigrams(folded: list[str]) -> list[str]:
    return [f"{a}_{b}" for a, b in pairwise(folded)]


def synonyms_key(staff: Mapping[str, Iterable[str]]) -> str:
    """What analysing a document depends on beyond its text and ANALYSIS_VERSION: the
    built-in abbreviations and the ward's own synonyms. A change to either (an upgrade
    that adds an abbreviation, staff adding one) has every document analysed again."""
    own = sorted((term, list(means)) for term, means in staff.items())
    return repr((sorted(BUILTIN_SYNONYMS.items()), sorted(BUILTIN_AS_TYPED.items()), own))


@dataclass
class Analyzer:
    """Tokenises text with the built-in and the ward's own synonyms."""

    synonyms: Synonyms
    known: frozenset[str] = field(default_factory=frozenset)
    stopwords: Stopwords = DEFAULT_STOPWORDS

    @classmethod
    def create(cls, extra_synonyms: Mapping[str, str | Iterable[str]] | None = None) -> Analyzer:
        return cls(
            Synonyms.build(BUILTIN_SYNONYMS, extra_synonyms or {}, as_typed=BUILTIN_AS_TYPED)
        )

    def words(self, text: str, *, decode: bool = True) -> list[str]:
        """Normalised syllables of `text`, numbers without leading zeros.

        Questions are decoded (Telex leftovers); staff texts are taken as written.
        """
        if _RANGE_HINT.search(text):
            text = _expand_ranges(text)
        raw = tokens(text, self.synonyms, self.known, decode=decode)
        if not any(map(str.isdigit, raw)):
            return raw
        return [_canonical_number(t) if t.isdigit() else t for t in raw]

    def asking_words(self, text: str) -> frozenset[str] | None:
        """The words of the clause that asks, in a message that also tells a story.

        'Nhà tôi ở hẻm 5, hôm qua bị mất ví, giờ làm lại giấy tờ ở đâu?' asks about
        'giấy tờ', not 'ví': the last clause ending in '?' (else the last one with a
        question word), and when it names no subject of its own ('thì làm sao?') the
        clause before it too. None for a message of one clause, or one that asks nothing.
        """
        return self._focus(self._clauses(text))

    def story(self, text: str) -> tuple[frozenset[str] | None, frozenset[str]]:
        """`asking_words` and `done_words` of `text`, its clauses read once."""
        clauses = self._clauses(text)
        focus = self._focus(clauses)
        return focus, self._done(clauses, focus)

    def _focus(self, clauses: list[tuple[list[str], bool]]) -> frozenset[str] | None:
        if len(clauses) < 2:
            return None
        last = range(len(clauses) - 1, -1, -1)
        chosen = next((i for i in last if clauses[i][1]), None)
        if chosen is None:
            chosen = next((i for i in last if _has(clauses[i][0], _ASKING, _ASKING_FOLDED)), None)
        if chosen is None:
            return None
        focus = set(clauses[chosen][0])
        if chosen > 0 and all(
            self.stopwords.is_stop(w) or self.stopwords.is_light(w) for w in focus
        ):
            focus.update(clauses[chosen - 1][0])
        return frozenset(focus)

    def _clauses(self, text: str) -> list[tuple[list[str], bool]]:
        """A message's clauses: each one's words, and whether a '?' ends it."""
        text = nfc(text).casefold()
        clauses = [(self.words(text[a:b]), asked) for a, b, _end, asked in _clause_spans(text)]
        return [(words, asked) for words, asked in clauses if words]

    def within(self, text: str, limit: int) -> str:
        """At most `limit` characters of `text` (NFC) to read as the question: its start,
        unless the clause that asks (`asking_words`' choice) ends further on; then the
        story just before that clause and the clause itself. A long message tells its
        story first and asks last ('... Cho em hỏi giờ làm lại căn cước ở đâu ạ?'):
        its first `limit` characters would be all story and no question."""
        text = nfc(text)
        if len(text) <= limit:
            return text
        folded = text.casefold()
        if len(folded) != len(text):  # offsets would not match: rare letters, not Vietnamese
            return text[:limit]
        spans = _clause_spans(folded)
        ends = [end for _a, _b, end, asked in spans if asked]
        if not ends:
            ends = [
                end
                for a, b, end, _ in spans
                if _has(self.words(folded[a:b]), _ASKING, _ASKING_FOLDED)
            ]
        if not ends or ends[-1] <= limit:
            return text[:limit]
        end = ends[-1]
        start = end - limit
        space = text.find(" ", start, end)  # from a word's start, not its middle
        return text[space + 1 if space >= 0 else start : end].strip()

    def done_words(self, text: str, focus: frozenset[str] | None) -> frozenset[str]:
        """The words only a story's clauses of something done name ('em đăng ký kết hôn
        xong rồi, giờ nhập khẩu cho vợ cần gì': kết, hôn), not the asking clause
        (`focus`) nor a clause of what went wrong or is lacking ('bị mất thẻ', 'chưa
        có'): what the resident has done is not what they ask about."""
        return self._done(self._clauses(text), focus)

    def _done(
        self, clauses: list[tuple[list[str], bool]], focus: frozenset[str] | None
    ) -> frozenset[str]:
        if focus is None:
            return frozenset()
        done: set[str] = set()
        other: set[str] = set(focus)
        for words, _ in clauses:
            if set(words) <= focus:
                continue
            if _has(words, _DONE, _DONE_FOLDED) and not _has(words, _AMISS, _AMISS_FOLDED):
                done.update(words)
            else:
                other.update(words)
        return frozenset(done - other)

    def parts(self, heads: list[str], body: str) -> tuple[list[list[str]], list[list[str]]]:
        """A document's phrasings and body sentences, as word lists."""
        head_parts = [self.words(h, decode=False) for h in heads]
        sentences = re.split(r"\n\s*\n|(?<=[.!?;:])\s+", body)
        return head_parts, [self.words(p, decode=False) for p in sentences if p]


class Lexicon:
    """Every term of a corpus numbered once; every document's set of term numbers.

    Thousands of documents share a few tens of thousands of distinct words and word
    pairs: each document keeps its terms as sorted numbers in one shared array (see
    TermSet), 2 or 4 bytes a term, instead of sets of strings of its own. Terms and
    numbers are only ever added (under the engine's update lock); a full analysis starts
    a new lexicon.
    """

    __slots__ = ("numbers", "plain", "pool", "terms")

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}
        self.terms: list[str] = []
        self.plain = bytearray()  # 1 for a folded word: no diacritics, not a pair
        self.pool = array("H")  # the TermSets' numbers, one sorted run each

    def number(self, term: str) -> int:
        found = self.numbers.get(term)
        if found is None:
            self.terms.append(term)
            self.plain.append("_" not in term and fold_word(term) == term)
            found = self.numbers[term] = len(self.terms) - 1
        return found

    def numbered(self, terms: Iterable[str]) -> list[int]:
        """The sorted numbers of `terms` (numbering the new ones)."""
        terms = terms if isinstance(terms, set | frozenset | list | tuple) else list(terms)
        found: set[int | None] = set(map(self.numbers.get, terms))
        if None in found:
            found.discard(None)
            found.update(self.number(term) for term in terms if term not in self.numbers)
        return sorted(found)  # type: ignore[arg-type]

    def frequencies(self, sets: Sequence[TermSet]) -> Counter[str]:
        """In how many of `sets` (all this lexicon's) each term is."""
        if not sets:
            return Counter()
        pool = np.frombuffer(self.pool, dtype=np.uint16 if self.pool.typecode == "H" else np.uint32)
        counts = np.zeros(len(self.terms), dtype=np.int64)
        for at in range(0, len(sets), 1024):  # in chunks: bincount's copy stays small
            chunk = [pool[termset._start : termset._end] for termset in sets[at : at + 1024]]
            counts += np.bincount(np.concatenate(chunk), minlength=len(self.terms))
        terms = self.terms
        return Counter({terms[n]: int(counts[n]) for n in np.flatnonzero(counts)})

    def intern(self, term: str) -> str:
        """The lexicon's own copy of `term`: one string however many documents use it."""
        return self.terms[self.number(term)]

    def store(self, numbers: list[int]) -> int:
        """Append a sorted run of numbers to the pool; returns where it starts."""
        if numbers and numbers[-1] >= 1 << 16 and self.pool.typecode == "H":
            self.pool = array("I", self.pool)  # past 65,536 terms: four bytes a number
        start = len(self.pool)
        self.pool.extend(numbers)
        return start


class TermSet:
    """A set of terms: a run of sorted numbers in its Lexicon's pool.

    Answers `term in s`, iteration, len() and `frozenset & s`, which is what rescoring
    and the vocabulary ask of a document.
    """

    __slots__ = ("_end", "_lexicon", "_start")

    def __init__(self, lexicon: Lexicon, terms: Iterable[str]) -> None:
        numbers = lexicon.numbered(terms)
        self._lexicon = lexicon
        self._start = lexicon.store(numbers)
        self._end = self._start + len(numbers)

    @classmethod
    def _at(cls, lexicon: Lexicon, start: int, end: int) -> TermSet:
        termset = cls.__new__(cls)
        termset._lexicon, termset._start, termset._end = lexicon, start, end
        return termset

    def __reduce__(self) -> tuple[object, ...]:
        # A small tuple, not a state dict: loading tens of thousands of them stays cheap.
        return (TermSet._at, (self._lexicon, self._start, self._end))

    @property
    def lexicon(self) -> Lexicon:
        return self._lexicon

    def __contains__(self, term: object) -> bool:
        number = self._lexicon.numbers.get(term)  # type: ignore[call-overload]
        if number is None:
            return False
        pool = self._lexicon.pool
        at = bisect_left(pool, number, self._start, self._end)
        return at < self._end and pool[at] == number

    def __len__(self) -> int:
        return self._end - self._start

    def __iter__(self) -> Iterator[str]:
        terms, pool = self._lexicon.terms, self._lexicon.pool
        return (terms[pool[i]] for i in range(self._start, self._end))

    def plain_words(self) -> Iterator[str]:
        """The folded words among the terms (no pairs, nothing with diacritics)."""
        lexicon = self._lexicon
        terms, pool, plain = lexicon.terms, lexicon.pool, lexicon.plain
        return (terms[n] for n in pool[self._start : self._end] if plain[n])

    def __rand__(self, other: Iterable[str]) -> frozenset[str]:
        return frozenset(t for t in other if t in self)

    __and__ = __rand__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TermSet) and set(self) == set(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"TermSet({sorted(self)!r})"


@dataclass(frozen=True, slots=True)
class DocText:
    """A document's terms, kept in memory for rescoring.

    Each set holds words as written, the same words accent-folded, and folded word
    pairs, in one TermSet: a word with diacritics can only be there as written, a word
    without them is there folded whenever it is there at all, and only pairs hold '_',
    which no word does. So one set answers "this spelling?", "any spelling?" and "this
    pair?" alike.
    """

    head: tuple[str, ...]  # the words of the question and variants, or of the title
    heads_folded: tuple[str, ...]  # each question/variant/title, folded, for fuzzy matching
    head_words: tuple[TermSet, ...]  # each phrasing's meaningful words, folded
    head_terms: TermSet  # the head's words (as written and folded) and pairs
    terms: TermSet  # the same for the whole document

    def __reduce__(self) -> tuple[object, ...]:
        fields = (self.head, self.heads_folded, self.head_words, self.head_terms, self.terms)
        return (DocText, fields)

    def head_pairs(self) -> list[str]:
        """The head's folded word pairs, sorted (for the index's pair field)."""
        return sorted(t for t in self.head_terms if "_" in t)

    def body_words(self) -> set[str]:
        """The folded words of the document that are not in its head (for the index)."""
        head = set(self.head_terms.plain_words())
        return {w for w in self.terms.plain_words() if w not in head}


def analyse_document(
    head_parts: list[list[str]],
    body_parts: list[list[str]],
    stopwords: Stopwords | None,
    lexicon: Lexicon | None = None,
) -> DocText:
    """What the ranker needs of a document, from its word lists (see Analyzer.parts).

    Without `stopwords` (not decided yet while a corpus is first counted) `head_words`
    is left empty, for `head_words()` to fill in.
    """
    lexicon = lexicon or Lexicon()
    intern = lexicon.intern
    head = [intern(t) for part in head_parts for t in part]
    head_terms: set[str] = set(head)
    for part in head_parts:
        folded = list(map(fold_word, part))
        head_terms.update(folded, bigrams(folded))
    terms = set(head_terms)
    for part in body_parts:
        folded = list(map(fold_word, part))
        terms.update(part, folded, bigrams(folded))
    return DocText(
        head=tuple(head),
        heads_folded=tuple(" ".join(fold_word(t) for t in part) for part in head_parts if part),
        head_words=head_words(head_parts, stopwords, lexicon) if stopwords else (),
        head_terms=TermSet(lexicon, head_terms),
        terms=TermSet(lexicon, terms),
    )


def head_words(
    head_parts: list[list[str]], stopwords: Stopwords, lexicon: Lexicon
) -> tuple[TermSet, ...]:
    """Each phrasing's meaningful words, folded: DocText.head_words."""
    return tuple(
        TermSet(
            lexicon,
            (fold_word(t) for t in part if not stopwords.is_stop(t) and not stopwords.is_light(t)),
        )
        for part in head_parts
        if part
    )


@dataclass
class Vocabulary:
    """Document frequencies of words (as written and accent-folded) and word pairs."""

    df: Counter[str]
    docs: int
    _idf: dict[str, float] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, texts: Iterable[DocText]) -> Vocabulary:
        texts = list(texts)
        sets = [text.terms for text in texts]
        lexicons = {id(termset.lexicon) for termset in sets}
        if len(lexicons) == 1:  # the usual case: the numbers are counted, not the strings
            return cls(sets[0].lexicon.frequencies(sets), len(texts))
        df: Counter[str] = Counter()
        for termset in sets:
            df.update(termset)
        return cls(df, len(texts))

    def changed(self, removed: Iterable[DocText], added: Iterable[DocText]) -> Vocabulary:
        """A new vocabulary with some documents taken out and others put in."""
        df = self.df.copy()
        n = self.docs
        for text in removed:
            df.subtract(text.terms)
            n -= 1
        for text in added:
            df.update(text.terms)
            n += 1
        return Vocabulary(+df, n)  # unary + drops the words no document has any more

    def idf(self, word: str) -> float:
        # Asked for every phrasing word of every candidate: computed once per word.
        cached = self._idf.get(word)
        if cached is None:
            n = max(self.docs, 1)
            cached = self._idf[word] = math.log(1 + (n + 1) / (self.df.get(word, 0) + 0.5))
        return cached

    def max_idf(self) -> float:
        return self.idf("")
