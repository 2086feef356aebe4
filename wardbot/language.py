"""Whether a message is plainly written in another language than Vietnamese.

The bot reads Vietnamese only. A resident who writes in English (a foreign spouse, a
worker from abroad) or in another script gets the no-answer reply, in Vietnamese, asking
them to reword: useless to them. `plainly_foreign` lets that reply add a line they can
read. It is meant to miss rather than to mistake: unaccented Vietnamese, its
abbreviations (BHYT, CCCD, VNeID), leftover Telex keys and a stray English word ("app",
"online") all read as Vietnamese.
"""

from __future__ import annotations

import re
import unicodedata

from wardbot.text import decode_telex, fold, spells_a_syllable

# The tone marks and letter shapes of Vietnamese, on Latin letters after NFD: a message
# carrying any was typed on a Vietnamese keyboard.
_VIETNAMESE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b")
# English words that Vietnamese hardly ever is, even typed without accents or with Telex
# keys left in ("how" is Telex for "hơ", which asks nothing; "is" for "í", "that" spells
# "thát", "can" is "cần", "there" is Telex for "thể" and "this" for "thí", as in "cos
# there nop online": left out).
_ENGLISH = frozenset(
    "how what where when why who which please need want help with your you are was "
    "were have has does from for about and would should could their they".split()
)
_WORD = re.compile(r"[a-z']+")
# English words of two letters that spell a Vietnamese syllable without its accents.
_SHORT_ENGLISH = frozenset("to do in on an am me my he so no go be by hi ha oh up we".split())
# The consonants an English word may open with, when more than one.
_OPENING = re.compile(r"[^aeiouy]{2,}(?=[aeiouy])")
_ENGLISH_OPENINGS = frozenset(
    "bl br ch chr cl cr dr fl fr gl gr kn ph pl pr qu sc sch scr sh sk sl sm sn sp spl "
    "spr st str sw th thr tr tw wh wr".split()
)


def plainly_foreign(text: str) -> bool:
    """True for a message most of whose letters are of another script (Chinese, Korean,
    Thai, Russian...), or written in English: words that Vietnamese typed without accents
    cannot be, three making half of the message or more, or two with an English asking
    word among them ("how", "where", "please")."""
    decomposed = unicodedata.normalize("NFD", text)
    if "đ" in text.casefold() or any(ch in _VIETNAMESE_MARKS for ch in decomposed):
        return False
    letters = [ch for ch in decomposed if ch.isalpha()]
    if len(letters) < 3:
        return False
    other = sum(1 for ch in letters if not unicodedata.name(ch, "").startswith("LATIN"))
    if other * 2 >= len(letters):
        return True
    words = [word.strip("'") for word in _WORD.findall(fold(text))]
    english = [word for word in words if word in _ENGLISH or _english_looking(word)]
    # "gui file scan qua email", "co link form online ko": English loanwords around
    # unaccented Vietnamese; a Vietnamese syllable ("gui", "co") says so, but for the
    # short English words that spell one ("to", "my"). (Longer English words that do,
    # "can", "the", "long", make such an English message missed, the side to err on.)
    vietnamese = any(
        spells_a_syllable(word) and (len(word) >= 3 or word not in _SHORT_ENGLISH)
        for word in words
        if len(word) >= 2
    )
    if len(english) >= 3 and len(english) * 2 >= len(words) and not vietnamese:
        return True
    return len(english) >= 2 and any(word in _ENGLISH for word in english)


def _english_looking(word: str) -> bool:
    """A word of three letters or more, with a vowel, that is neither a Vietnamese
    syllable nor one typed with Telex keys: not an abbreviation ("bhyt", "cccd", and
    "vneid", whose opening letters no English word has)."""
    if len(word) < 3 or not any(ch in "aeiou" for ch in word):
        return False
    opening = _OPENING.match(word)
    if opening and opening.group() not in _ENGLISH_OPENINGS:
        return False
    return not spells_a_syllable(word) and decode_telex(word) is None
