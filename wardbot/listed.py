"""Papers a story lists, then asks about all at once: "hôm qua em bị móc túi, mất cả căn
cước với thẻ bhyt, giờ em phải làm lại cái nào trước?". The asking clause names none of
them but points back to them ("cái nào", "mấy cái đó", "cả hai", "làm lại hết"), so the
message is the same question asked of each paper: `listed_parts` gives it once per paper,
the other papers left out, for the bot to answer each (wardbot.questions).

A paper named in passing ("em mất thẻ bhyt, căn cước thì vẫn còn") is no list: something
is said of it, and the question is about the other one only. Nor are papers the resident
has ("em có cccd với bằng lái rồi", "... em vẫn còn"), nor an asking clause naming a
procedure of its own ("muốn đăng ký tạm trú thì mang cái nào"): "cái nào" is which of the
papers to bring for it, one question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from wardbot.intents import (
    JOINING,
    MAX_QUESTIONS,
    PERSONAL,
    SAYING,
    Part,
    a_name,
    ends_paper,
)
from wardbot.small_talk import ASKING
from wardbot.text import fold

MAX_WORDS = 6  # of a paper listed: "thẻ bảo hiểm y tế", "giấy xác nhận tình trạng hôn nhân"
MAX_WHOSE = 3  # words after "của": "của em bé", "của thằng út"
# Words, and the marks that separate clauses or list items.
_TOKEN = re.compile(r"[^\W_]+|[,;.!?\n+&]")
_LIST_MARKS = frozenset(",+&")  # "căn cước, thẻ bhyt", "cccd + bhyt": items of a list
# Pointing back to several things named before (folded): "cái nào", central "cái mô",
# "mấy cái đó/này/ni", "hai cái", "cả hai", "tất cả", "hết" of "làm lại hết" (not "làm
# hết bao lâu", how long it takes), "tụi nó".
_BACK = re.compile(
    r"\b(?:(?:cai|giay|loai|thu) (?:nao|mo)"
    r"|(?:may|cac|hai|2|ba|3) (?:cai|thu|giay|loai|the)(?: (?:do|nay|kia|ni|no|day|ay))?"
    r"|ca (?:hai|2|ba|3)|tat ca"
    r"|(?<=\b(?:lam|cap|xin|doi|lai) )het(?! (?:bao|may|nhieu|tien|bn)\b)"
    r"|(?:tui|chung|bon) no)\b"
)
_PERSONAL_FOLDED = frozenset(map(fold, PERSONAL))  # "cua be": "của bé" typed without accents
# Asking, besides ASKING: "đi đâu", central "cái mô", "làm răng".
_ASKS_TOO = re.compile(r"\b(?:dau|mo|rang)\b")
# The things weighed against each other ("cái nào rẻ hơn", "khác nhau"): one question
# about all of them, not the same one asked of each.
_WEIGHED = re.compile(r"\b(?:hon|khac|giong|so sanh|so voi|phan biet|bang nhau|hay la|chon)\b")
# Said after the last paper listed, still the list's clause ("mất cả hai thẻ luôn rồi").
_AFTER_LIST = frozenset({"roi", "luon", "nua", "a", "ah", "het"})
# Having the papers listed ("có", "giữ"; "còn" after "vẫn", "đều", "đang", "chỉ"), typed
# with accents or none at all (not "cô", "con"); not after a "no" ("chưa có", "không còn").
_HAVING = frozenset({"có", "co", "giữ", "giu"})
_STILL = frozenset({"van", "deu", "dang", "chi"})
_NOT = frozenset({"khong", "ko", "k", "hong", "chua", "chang", "cha", "dau", "het"})
# Said between having and the papers, or after having them ("có sẵn cả cccd", "có rồi").
_WITH_HAVING = frozenset({"ca", "san", "du", "roi", "nguyen", "day", "ne", "do", "a", "ah"})
# What is done, asked with a procedure named after it ("đăng ký tạm trú", "làm hộ chiếu")
# and how or when ("làm gấp", "làm trước": no procedure).
_DOING = frozenset({"lam", "xin", "nop", "dang", "ky", "ki", "dk", "cap", "doi"})
_HOW = frozenset({"nhanh", "gap", "som", "le", "lien", "ngay", "kip", "online"})


@dataclass(frozen=True)
class _Token:
    typed: str
    folded: str
    start: int
    end: int

    @property
    def word(self) -> bool:
        return self.folded[:1].isalnum()


def listed_parts(text: str) -> list[Part]:
    """For a message listing two or three papers ("cả căn cước với thẻ bhyt", "cccd và
    bhyt", "cccd, bhyt, bằng lái") and then, in a later clause, asking about them by
    pointing back ("làm lại cái nào trước", "mấy cái đó làm ở đâu", "làm lại hết"): the
    message once per paper, the others and the pointing words left out ("...mất hết giấy
    tờ, cả căn cước, giờ em phải làm lại trước, làm ở đâu ạ"). Each part is a question
    only if the bot has an answer to it (`Part.plain` False). [] for any other message."""
    tokens = [_Token(m.group(), fold(m.group()), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    folded = " ".join(token.folded for token in tokens)
    # The last: "mất tất cả giấy tờ" before it is the story.
    back = next(reversed(list(_BACK.finditer(folded))), None)
    if back is None:
        return []
    at = folded[: back.start()].count(" ")  # the token the pointing words start at
    asked = " ".join(token.folded for token in tokens[at:])
    asks = "?" in text or ASKING.search(asked) is not None or _ASKS_TOO.search(asked)
    if not asks or _WEIGHED.search(asked):
        return []
    # The asking clause starts after the last mark before the pointing words: the list is
    # in a clause before it ("cccd với bhyt cái nào cần mang theo" asks one thing of both).
    clause = max((i for i in range(at) if not tokens[i].word), default=None)
    if clause is None:
        return []
    items = _last_list(tokens[:clause])
    if not 2 <= len(items) <= MAX_QUESTIONS:
        return []
    pointed = range(at, at + len(back.group().split()))
    papers = [i for i, token in enumerate(tokens) if items[0][0] <= token.start < items[-1][1]]
    listed = {tokens[i].folded for i in papers}
    if _had(tokens, papers[0], papers[-1]) or _names_another(tokens, clause, pointed, listed):
        return []  # which of the papers to bring: one question
    pointing = (tokens[pointed[0]].start, tokens[pointed[-1]].end)
    return [Part(_only(text, items, kept, pointing), False) for kept in range(len(items))]


def _had(tokens: list[_Token], first: int, last: int) -> bool:
    """Whether the papers listed from `tokens[first]` to `tokens[last]` are had: "em có
    (sẵn) cccd với bằng lái", "cccd với bằng lái em vẫn còn", "... thì có rồi"."""
    before = first - 1
    while before >= 0 and tokens[before].folded in _WITH_HAVING:
        before -= 1
    if before >= 0 and _has(tokens, before):
        return True
    end = next((i for i in range(last + 1, len(tokens)) if not tokens[i].word), len(tokens))
    return any(
        _has(tokens, at) and all(t.folded in _WITH_HAVING for t in tokens[at + 1 : end])
        for at in range(last + 1, end)
    )


def _has(tokens: list[_Token], at: int) -> bool:
    """Whether `tokens[at]` says having: "có", "giữ", "vẫn còn"; not "chưa có"."""
    token = tokens[at]
    said = tokens[at - 1].folded if at > 0 and tokens[at - 1].word else ""
    if not token.word or said in _NOT:
        return False
    return token.typed.casefold() in _HAVING or (token.folded == "con" and said in _STILL)


def _names_another(tokens: list[_Token], clause: int, pointed: range, listed: set[str]) -> bool:
    """Whether the asking clause (after `tokens[clause]`) names a procedure of its own
    after what is done ("đăng ký tạm trú", "làm hộ chiếu"), not the papers `listed` (their
    words) nor "làm lại", "xin cấp", "làm gấp"."""
    for at in range(clause + 1, len(tokens)):
        if tokens[at].folded not in _DOING:
            continue
        end = at + 1
        while end < len(tokens) and end not in pointed and _paper_word(tokens, end):
            if tokens[end].folded in _DOING | _HOW:
                break
            end += 1
        if {t.folded for t in tokens[at + 1 : end]} - listed:
            return True
    return False


def _last_list(tokens: list[_Token]) -> list[tuple[int, int]]:
    """The (start, end) characters of each paper of the last list in `tokens`: papers
    joined by "và"/"với"/"lẫn", "," or "+", the first after what is done with it ("mất
    cả căn cước"), each of a few words; one joined by a comma is a clause of its own (not
    "căn cước thì vẫn còn", something said of it)."""
    best: list[tuple[int, int]] = []
    at = 0
    while at < len(tokens):
        items = _list_from(tokens, at)
        if len(items) >= 2:
            best = [(tokens[first].start, tokens[last].end) for first, last in items]
            at = items[-1][1] + 1
        else:
            at += 1
    return best


def _list_from(tokens: list[_Token], join: int) -> list[tuple[int, int]]:
    """The papers (first and last token) of a list whose first joining mark or word is
    `tokens[join]`, or []: the paper before it and those after it."""
    if not _joins(tokens[join]):
        return []
    named = _before_whose(tokens, join)  # "giấy khai sinh của con, căn cước": the paper's end
    start = named
    while start > 0 and tokens[start - 1].word and _paper_word(tokens, start - 1):
        start -= 1
    if start == named or named - start > MAX_WORDS:
        return []
    items = [(start, join - 1)]
    while join < len(tokens) and _joins(tokens[join]):
        first = end = join + 1
        while end < len(tokens) and tokens[end].word and _paper_word(tokens, end):
            end += 1
        if not 0 < end - first <= MAX_WORDS:
            break
        end = _past_whose(tokens, end)  # "giấy khai sinh của con": left out with it
        # After a comma, the paper is the clause's whole ("căn cước thì vẫn còn" is not).
        rest = _after_paper(tokens, end)
        if tokens[join].folded in _LIST_MARKS and rest < len(tokens) and tokens[rest].word:
            break
        items.append((first, end - 1))
        join = end
    papers = [[t.typed for t in tokens[first : last + 1]] for first, last in items]
    if any(map(a_name, papers)) or len({fold(" ".join(p)) for p in papers}) < len(papers):
        return []
    return items


def _after_paper(tokens: list[_Token], at: int) -> int:
    """Where the list's clause goes on after a paper ending before `tokens[at]`: past the
    particles closing it ("thẻ bhyt luôn rồi")."""
    while at < len(tokens) and tokens[at].folded in _AFTER_LIST:
        at += 1
    return at


def _past_whose(tokens: list[_Token], at: int) -> int:
    """Past whose the paper ending before `tokens[at]` is ("của con", "của em bé", "của
    thằng út"), if that follows; else `at`."""
    if at >= len(tokens) or tokens[at].folded != "cua":
        return at
    end = at + 1
    while end < len(tokens) and end - at <= MAX_WHOSE and tokens[end].word:
        if not _whose(tokens[end]) and ends_paper([t.folded for t in tokens], end):
            break
        end += 1
    return end if end > at + 1 else at


def _before_whose(tokens: list[_Token], at: int) -> int:
    """Where whose the paper ending before `tokens[at]` is starts ("của con", "của em bé"),
    if that precedes; else `at`."""
    folded = [t.folded for t in tokens]
    for cua in range(at - 2, max(at - 2 - MAX_WHOSE, -1), -1):
        if not tokens[cua].word:
            break
        if tokens[cua].folded == "cua":
            whose = range(cua + 1, at)
            return cua if all(_whose(tokens[i]) or not ends_paper(folded, i) for i in whose) else at
    return at


def _whose(token: _Token) -> bool:
    return token.typed.casefold() in PERSONAL or token.folded in _PERSONAL_FOLDED


def _joins(token: _Token) -> bool:
    return token.folded in _LIST_MARKS or token.typed.casefold() in JOINING


def _paper_word(tokens: list[_Token], at: int) -> bool:
    """Whether `tokens[at]` may be a word of a paper's name: no joining word, none saying
    what is done with it, who, or when."""
    token = tokens[at]
    if token.typed.casefold() in JOINING or token.folded in SAYING | _AFTER_LIST:
        return False
    if _whose(token):
        return False
    return not ends_paper([t.folded for t in tokens], at)


def _only(text: str, items: list[tuple[int, int]], kept: int, pointing: tuple[int, int]) -> str:
    """`text` with only the `kept`th of the papers listed at `items`, and without the
    words `pointing` back to them all, its spaces tidied."""
    start, end = items[kept]
    cut = [(items[0][0], start), (end, items[-1][1]), pointing]
    kept_text = text
    for first, last in sorted(cut, reverse=True):
        kept_text = kept_text[:first] + " " + kept_text[last:]
    return re.sub(r"\s+([,;.!?])", r"\1", " ".join(kept_text.split()))
