"""How the alert queue tells a notice it has seen from a new one: an announcement as it
sees it (`NoticeRef`), a renamed file (`renamed_from`), a copy (`copy_of`), a title's typo
fixed (`typo_of`), and the digests of a notice's text and numbers kept to tell them.
Pure functions; `wardbot.store` keeps what they compare in SQLite."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

from wardbot import facts
from wardbot.text import accents_retyped, fold, plain_words, spells_a_syllable, tokens


@dataclass(frozen=True)
class NoticeRef:
    """An announcement as the alert queue sees it: its id, topics, whether it is worth an
    alert at all (an expired notice added late is indexed, not alerted), and its title
    and date (ISO), which tell a renamed notice from a new one; `body` reads its text
    (asked only of a new notice sharing its title and date with another: a copy)."""

    id: str
    topics: tuple[str, ...]
    alert: bool = True
    title: str = ""
    date: str = ""
    body: Callable[[], str] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Gone:
    """An alerted notice no longer in content/: what a new one may be renamed from."""

    id: str
    title: str
    date: str
    text_digest: str | None


# A title's typo: at most this many of its words misspelt, each by at most this many
# letters (added, dropped or changed), in a word of TYPO_WORD_LETTERS letters at least, and
# one of the two no Vietnamese word (`spells_a_syllable`): else it is another word.
TYPO_WORDS = 2
TYPO_LETTERS = 2
TYPO_WORD_LETTERS = 3
_NUMBER = re.compile(r"\d+")
_WORDS = re.compile(r"[^\W_]+")


def text_digest(body: str) -> str:
    """A notice's text as compared for a rename: its words (case, spaces and punctuation
    aside; accents kept: "Tân Hòa" and "Tân Hóa" may be two places)."""
    words = " ".join(tokens(body, decode=False))
    return hashlib.blake2b(words.encode(), digest_size=16).hexdigest()


def digest_of(notice: NoticeRef) -> str | None:
    return text_digest(notice.body()) if notice.body is not None else None


def numbers_of(notice: NoticeRef) -> str | None:
    """The numbers of `notice` (`facts.notice_numbers`) as kept: JSON, sorted."""
    if notice.body is None:
        return None
    return json.dumps(sorted(facts.notice_numbers(notice.title, notice.body())))


def numbers_unchanged(notice: NoticeRef, now: str | None, kept: str | None) -> bool:
    """Whether the numbers `now` (`numbers_of`) say what those `kept` said: the same, or
    but for a year added to a date or taken from it (`facts.same`)."""
    if now == kept:
        return True
    if now is None or kept is None:
        return False
    try:
        dated: dt.date | None = dt.date.fromisoformat(notice.date)
    except ValueError:
        dated = None
    return facts.same(json.loads(now), json.loads(kept), dated)


def numbers_learnt(now: str | None, kept: str | None) -> str | None:
    """The numbers `kept` (`numbers_of`), those of a version that did not read whether a
    notice is moved, with what `now` (`numbers_unchanged` from them) says of it
    (`facts.learnt`): learnt at the first look after the upgrade, edits since are news."""
    if now is None or kept is None:
        return kept
    learnt = facts.learnt(json.loads(kept), json.loads(now))
    return kept if learnt == set(json.loads(kept)) else json.dumps(sorted(learnt))


def renamed_from(notice: NoticeRef, gone: list[Gone]) -> str | None:
    """The id of the alerted notice that `notice` is under a new name (its file renamed),
    taken from `gone` (one new name for each old one): of the same date and text word for
    word (as last seen), with the same title or a typo of it fixed (`typo_of`). Another
    text under the same title (today's second power cut, in another neighbourhood, put in
    place of the first), next week's schedule in place of this week's (other numbers), or
    another text under a look-alike title, is a new notice. An old notice whose text is
    not known (none seen since it was alerted) is matched by its title alone."""
    same_day = [old for old in gone if old.date == notice.date]
    if not notice.title or not same_day:
        return None
    digest = digest_of(notice)
    match = next(
        (
            old
            for old in same_day
            if old.title == notice.title and old.text_digest in (None, digest)
        ),
        None,
    )
    if match is None and digest is not None:
        match = next(
            (
                old
                for old in same_day
                if old.text_digest == digest and typo_of(old.title, notice.title)
            ),
            None,
        )
    if match is None:
        return None
    gone.remove(match)
    return match.id


def typo_of(title: str, fixed: str) -> bool:
    """Whether `fixed` is `title` but for a typo: its accents (left out, or a tone placed
    otherwise), capitals, punctuation or spaces, or a word or two misspelt by a letter or
    two ("thág", "chng"). Not another number ("tuần 1", "tuần 2"), nor another word ("mới",
    "thứ hai"; "tổ A", "tổ B": too short a word to tell a typo; "Lê Lợi", "Lê Lai" or "Tân
    Hòa", "Tây Hòa", "Tân Hóa": each a word, so two streets or places, however close)."""
    theirs, words = plain_words(title), plain_words(fixed)
    if _NUMBER.findall(theirs) != _NUMBER.findall(words):
        return False
    if theirs.replace(" ", "") == words.replace(" ", ""):
        old, new = _WORDS.findall(title), _WORDS.findall(fixed)
        if len(old) != len(new) or any(fold(a) != fold(b) for a, b in zip(old, new, strict=False)):
            return True  # its spaces retyped
        return all(accents_retyped(a, b) for a, b in zip(old, new, strict=True))
    old, new = theirs.split(), words.split()
    if len(old) != len(new):
        return False
    changed = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
    return len(changed) <= TYPO_WORDS and all(
        min(len(a), len(b)) >= TYPO_WORD_LETTERS
        and Levenshtein.distance(a, b) <= TYPO_LETTERS
        and not (spells_a_syllable(a) and spells_a_syllable(b))
        for a, b in changed
    )


def copy_of(
    notice: NoticeRef,
    by_date: dict[str, list[NoticeRef]],
    alerted: dict[str, bool],
) -> str | None:
    """The id of an alerted notice still there of which `notice` is a copy: the same date
    and text, and the same title or a typo of it fixed in the copy (two neighbourhoods'
    notices of one day differ in their text)."""
    if notice.body is None or not notice.title:
        return None
    for other in by_date.get(notice.date, ()):
        if other.id == notice.id or not alerted.get(other.id) or other.body is None:
            continue
        if other.title != notice.title and not typo_of(other.title, notice.title):
            continue
        if other.body() == notice.body():
            return other.id
    return None


def copy_of_before(
    notice: NoticeRef,
    known: Mapping[str, tuple[str | None, str | None]],
    digests: Mapping[str, str | None],
    alerted: Mapping[str, bool],
    current: Collection[str],
) -> str | None:
    """The id of an alerted notice still there of which `notice` is a copy as it read
    before its last edit: its title, date and text as last seen (`known`, `digests`).
    Copied, then the original edited in place of the copy: the copy reads as residents
    were alerted already."""
    digest = digest_of(notice)
    if digest is None or not notice.title:
        return None
    for other in current:
        if other == notice.id or not alerted.get(other) or digests.get(other) != digest:
            continue
        if known.get(other) == (notice.title, notice.date):
            return other
    return None
