"""Which of faq.yaml's topics a text names (`tag_topics`), and which a notice is about
(`notice_topics`), for notices that name none of them themselves.

A notice is about what its title and lead say. A keyword further down is often a
passing mention: a ward meeting's report lists what was done ("trao 400 thẻ BHYT"), a
notice asks people to bring their ID card and health insurance card. Such a mention
alone must not send the notice to everyone following that topic, so below the lead a
topic counts only when the text keeps coming back to it: mentioned in several
sentences, often enough for the notice's length, and counted for less in a sentence
that lists other topics too. A notice whose title and lead name no topic ("Thông báo",
"Tin về việc tổ chức phiên chợ nhân đạo") has its subject below them: there one
sentence about a topic alone is enough, in a short notice; in one of any length, a
topic that opens the text below the lead and comes back. A missed alert is worse
than an extra one.
"""

from __future__ import annotations

import functools
import itertools
import re
import string
import unicodedata
from collections.abc import Sequence

from wardbot.models import Topic
from wardbot.text import fold, spells_a_syllable, stopped_tones, tones_placed

# The lead: the body's first paragraph, up to about this many words (whole sentences, at
# least one); a page imported without paragraph breaks is not all lead.
LEAD_WORDS = 60
# Below the lead, a topic needs at least this many mentions (sentences, see
# `notice_topics`)...
BODY_MENTIONS = 2.0
# ... and one for every this many words of the text below the lead.
WORDS_PER_MENTION = 100

# Short one-line paragraphs above the lead that do not end a sentence introduce it and are
# read with it: a heading ("# THÔNG BÁO", "**KÍNH GỬI: ...**"), a date line, an opening
# line ending in a colon ("UBND phường thông báo như sau:"). At most this many, of at
# most HEADING_WORDS words each.
LEAD_HEADINGS = 3
HEADING_WORDS = 20

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_SENTENCE_FINAL = re.compile(r"[.!?…]\W*$")
# A sentence asking people to bring or show a paper ("Nhớ mang theo CCCD"), or saying
# what they must have or hand in ("Trẻ phải có hộ khẩu thường trú", "Điều kiện: ...",
# "Hồ sơ gồm ..."), in folded text: the paper or condition is no subject of the notice.
# Not "phải đăng ký" or "đã đăng ký": "phải đăng ký tạm trú" may be what it is about.
_REQUIRED = re.compile(
    r"(?<!\w)(?:mang theo|nho mang|mang (?:day )?du|xuat trinh|kem theo"
    r"|(?:phai|can|bat buoc)(?: phai)? (?:co|la)|yeu cau (?:phai )?co"
    r"|dieu kien(?:\s*:| la)|ho so gom)(?!\w)"
)
# A sentence ends at . ! ? ; … followed by a space (not "2.340.000"), or at a line break.
_SENTENCE_END = re.compile(r"(?<=[.!?;…])\s+|\s*\n\s*")


def tag_topics(text: str, topics: Sequence[Topic]) -> tuple[str, ...]:
    """The ids of the topics whose keywords occur in text, as whole words.

    Accents are tolerated word by word, the same way for the text and the keywords: a
    word typed without accents stands for the same word with any ("bảo hiem y tế",
    "the bhyt", a keyword staff wrote "bao hiểm y te"), while two words both typed with
    accents must be the same ("rời rạc" is no "rác"), wherever their tone marks are
    placed ("sức khoẻ" is "sức khỏe"). A word ending in p, t, c or ch typed with its
    vowel marks but no tone ("kêt hôn", "câp căn cươc") has lost it, since such a word
    takes sắc or nặng, never none: it stands for either ("kết", "kệt"), the other words
    of a keyword telling which; any other word with marks and no tone is a word as typed
    ("hôn" is no "hồn"). One exception keeps short words
    apart: a single-word keyword that is a Vietnamese syllable ("lũ", "hộ", "rác") is
    not found typed without its accents in a sentence written with accents, where "lu",
    "ho" or "rac" is another word; only in a sentence typed without any ("thong tin roi
    rac" may mean "rác"). Abbreviations ("hđnd" as "hdnd", "bhyt") are no such word.
    """
    lowered = tones_placed(unicodedata.normalize("NFC", text.casefold()))
    unaccented = "\n".join(s for s in _SENTENCE_END.split(lowered) if fold(s) == s)
    return tuple(
        topic.id
        for topic, (spelt, stripped) in zip(topics, _keyword_patterns(tuple(topics)), strict=True)
        if (spelt and spelt.search(lowered)) or (stripped and stripped.search(unaccented))
    )


def notice_topics(title: str, body: str, topics: Sequence[Topic]) -> tuple[str, ...]:
    """The ids of the topics a notice is about, in the order `topics` lists them.

    A topic whose keyword is in the title or the lead is tagged. Below the lead, each
    sentence naming topics gives each of them 1/k of a mention (k: how many topics it
    names, so a list of several counts little for each); a topic is tagged when its
    mentions reach BODY_MENTIONS and one for every WORDS_PER_MENTION words there. When
    the title and lead name no topic, one sentence naming a topic alone is mention
    enough (still one for every WORDS_PER_MENTION words). There the sentences just below
    the lead (LEAD_WORDS words of them: "UBND phường thông báo đến toàn thể nhân dân..."
    said nothing) open what the notice is about: a topic they name, alone or with
    another, reaching BODY_MENTIONS is tagged however long the notice (a long one names
    its subject a few times, not every 100 words). A sentence asking to bring a paper or
    saying what one must have (`_REQUIRED`: a school's intake asking for a child's
    permanent residence, its papers) names no subject: it is no mention (two of them in
    a short notice made one), though its words count.
    """
    lead, rest = _lead(body)
    headline = set(tag_topics(title + "\n" + " ".join(lead), topics))
    mentions = dict.fromkeys((t.id for t in topics), 0.0)
    alone: set[str] = set()
    opening: set[str] = set()
    words = 0
    for sentence in rest:
        words_before, words = words, words + len(sentence.split())
        if _REQUIRED.search(fold(sentence)):
            continue  # a paper to bring, a condition: no subject, however many
        named = tag_topics(sentence, topics)
        for topic_id in named:
            mentions[topic_id] += 1 / len(named)
        if named:
            alone.update(named if len(named) == 1 else ())
            opening.update(named if words_before < LEAD_WORDS else ())
    needed = {t.id: BODY_MENTIONS if headline or t.id not in alone else 1.0 for t in topics}
    return tuple(
        t.id
        for t in topics
        if t.id in headline
        or (mentions[t.id] >= needed[t.id] and mentions[t.id] * WORDS_PER_MENTION >= words)
        or (not headline and t.id in opening and mentions[t.id] >= BODY_MENTIONS)
    )


def _lead(body: str) -> tuple[list[str], list[str]]:
    """The body's sentences split into its lead (with the headings above it, see
    LEAD_HEADINGS) and the rest (see LEAD_WORDS)."""
    paragraphs = [p for p in _PARAGRAPH_BREAK.split(body.strip()) if p.strip()]
    if not paragraphs:
        return [], []
    heads = 0
    while heads < min(LEAD_HEADINGS, len(paragraphs) - 1) and _heading(paragraphs[heads]):
        heads += 1
    first = _sentences(paragraphs[heads])
    lead, words = first[:1], len(first[0].split())
    for sentence in first[1:]:
        words += len(sentence.split())
        if words > LEAD_WORDS:
            break
        lead.append(sentence)
    rest = first[len(lead) :] + [s for p in paragraphs[heads + 1 :] for s in _sentences(p)]
    return [s for p in paragraphs[:heads] for s in _sentences(p)] + lead, rest


def _heading(paragraph: str) -> bool:
    """Whether a paragraph above the lead introduces it (see LEAD_HEADINGS)."""
    line = paragraph.strip()
    if "\n" in line or len(line.split()) > HEADING_WORDS:
        return False
    return line.startswith("#") or not _SENTENCE_FINAL.search(line)


def _sentences(paragraph: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(paragraph.strip()) if s.strip()]


_Pattern = re.Pattern[str] | None


@functools.lru_cache(maxsize=64)
def _keyword_patterns(topics: tuple[Topic, ...]) -> list[tuple[_Pattern, _Pattern]]:
    """Per topic, one pattern for its keywords as `tag_topics` finds them in any text, and
    one for its single-word keywords typed without accents, for the sentences typed
    without any: two searches a topic, however many keywords (a province's archive is
    tagged at once)."""
    patterns = []
    for topic in topics:
        keywords = {
            tones_placed(unicodedata.normalize("NFC", k.casefold())).strip() for k in topic.keywords
        }
        keywords.discard("")
        syllables = {k for k in keywords if _syllable(k)}
        spelt = [re.escape(k) for k in syllables]
        spelt += [r"\s+".join(map(_any_accents, k.split())) for k in keywords - syllables]
        stripped = [re.escape(fold(k)) for k in syllables if fold(k) != k]
        patterns.append((_phrases(spelt), _phrases(stripped)))
    return patterns


def bare_syllables(topics: Sequence[Topic]) -> list[tuple[str, str]]:
    """(topic id, keyword) for each keyword of one syllable typed without accents ("rac",
    "lu"): found only as typed (`tag_topics`), never in a notice that spells it "rác" or
    "lũ", since it could stand for several words ("rác", "rạc"); `bot.py check` warns."""
    return [
        (topic.id, keyword)
        for topic in topics
        for keyword in dict.fromkeys(k.casefold().strip() for k in topic.keywords)
        if _syllable(keyword) and fold(keyword) == keyword
    ]


def _syllable(keyword: str) -> bool:
    """Whether a keyword (case-folded) is one word that is a Vietnamese syllable."""
    return bool(keyword) and " " not in keyword and spells_a_syllable(fold(keyword))


def _any_accents(word: str) -> str:
    """A pattern for `word` as typed, or typed without accents when it has some, or with
    its tone lost or found when it is a stopped syllable ("kết", "kêt": `stopped_tones`);
    or with any accents when it has none."""
    if fold(word) != word:
        spellings = dict.fromkeys((word, fold(word), *stopped_tones(word)))
        return f"(?:{'|'.join(map(re.escape, spellings))})"
    return "".join(_SAME_LETTER.get(ch, re.escape(ch)) for ch in word)


# Latin letters with accents: Latin-1 Supplement, Extended-A and -B, Extended Additional.
_LATIN_CODES = (*range(0xC0, 0x250), *range(0x1E00, 0x1F00))
# Each letter typed without accents, as a class of the letters that fold to it ("a":
# "[aàáả…]", "d": "[dđ]").
_SAME_LETTER = {
    base: f"[{base}{''.join(letter for _, letter in pairs)}]"
    for base, pairs in itertools.groupby(
        sorted((fold(ch), ch) for ch in map(chr, _LATIN_CODES) if ch == ch.casefold()),
        key=lambda pair: pair[0],
    )
    if base in string.ascii_lowercase
}


def _phrases(alternatives: Sequence[str]) -> re.Pattern[str] | None:
    """One pattern for the keywords' patterns, as whole words."""
    if not alternatives:
        return None
    return re.compile(rf"(?<!\w)(?:{'|'.join(sorted(alternatives))})(?!\w)")
