"""Replies as plain text, and cutting long texts into messages a channel accepts.

Shared by every channel without rich formatting (the terminal, Zalo, `bot.py ask`);
Telegram's HTML rendering lives in handlers/telegram.py but splits with `split_text`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from wardbot import followup
from wardbot import messages as msg
from wardbot.config import Settings
from wardbot.doc_replies import document_reply, no_answer_reply
from wardbot.intents import (
    PICK_TAIL,
    Intent,
    chosen_number,
    counted_choice,
    names_a_date,
    parse_intent,
    several_numbers,
    spelt_alone,
)
from wardbot.models import Answer
from wardbot.reply import DOC_KINDS, Button, Reply
from wardbot.subscriptions import TOPIC_ACTIONS
from wardbot.text import fold

Measure = Callable[[str], int]
# A choice from the list shown last, as typed with its diacritics folded: "3", "3.", "số 3",
# "so 3", "chọn 3", "câu 3", "mục số 3", "số 3 ạ", "3 nhé", "chọn câu 3 đi".
_CHOICE = re.compile(
    r"\s*(?:chon\s+)?(?:(?:cau|muc)\s+)?(?:so\s*)?(\d+)\s*[.)]?" + PICK_TAIL + r"[\s.!]*"
)
MAX_CHOICE_DIGITS = 3
MAX_CHOICES = 3  # picked at once; more is no choice a resident makes


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji counts twice)."""
    return len(text.encode("utf-16-le")) // 2


def split_text(
    text: str, limit: int, measure: Measure = len, *, first: int | None = None
) -> list[str]:
    """Cut `text` into parts with measure(part) <= limit (the first part <= `first`, when
    given: room is taken by a title above it).

    Cuts fall between paragraphs when possible, else between lines, then words, and only
    as a last resort inside a word. `measure` must add up character by character
    (len, utf16_len, the length after HTML escaping, ...).
    """
    if limit < 1 or (first is not None and first < 1):
        raise ValueError("limit must be positive")
    text = text.strip()
    if not text:
        return []
    if first is not None and first < limit and measure(text) > first:
        head = _split(text, first, measure, _SEPARATORS)[0]
        if text.startswith(head):  # always: parts are stripped pieces, in order
            return [head, *split_text(text[len(head) :], limit, measure)]
    return [part for part in _split(text, limit, measure, _SEPARATORS) if part]


_SEPARATORS = ("\n\n", "\n", " ")


def _split(text: str, limit: int, measure: Measure, separators: Sequence[str]) -> list[str]:
    if measure(text) <= limit:
        return [text.strip()]
    if not separators:
        return _hard_split(text, limit, measure)
    separator, finer = separators[0], separators[1:]
    parts: list[str] = []
    current = ""
    for piece in text.split(separator):
        candidate = f"{current}{separator}{piece}" if current else piece
        if measure(candidate) <= limit:
            current = candidate
            continue
        if current.strip():
            parts.append(current.strip())
        if measure(piece) <= limit:
            current = piece
        else:
            pieces = _split(piece, limit, measure, finer)
            parts.extend(pieces[:-1])
            current = pieces[-1]
    if current.strip():
        parts.append(current.strip())
    return parts


def _hard_split(
    text: str, limit: int, measure: Measure, pieces: Callable[[str], Sequence[str]] | None = None
) -> list[str]:
    """A word longer than `limit` cut between the characters people see (a letter with
    its accent marks, an emoji with its modifiers and joined parts, a flag), unless one
    alone is longer than `limit` (then between its code points: `pieces=list`)."""
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for piece in (pieces or _clusters)(text):
        width = measure(piece)
        if current and size + width > limit:
            parts.append("".join(current))
            current, size = [], 0
        if width > limit:
            parts.extend(_hard_split(piece, limit, measure, list))
            continue
        current.append(piece)
        size += width
    if current:
        parts.append("".join(current))
    return parts


_ZWJ = "\u200d"
# What never starts a character as people see it: a combining mark (an accent typed apart
# from its letter), a joiner, a variation selector, a skin tone, an emoji tag.
_EXTENDS = re.compile("[\u200c\u200d\ufe00-\ufe0f\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f]")
_FLAG_LETTER = re.compile("[\U0001f1e6-\U0001f1ff]")


def _clusters(text: str) -> list[str]:
    """`text` as the characters people see (close to Unicode's grapheme clusters): what
    extends a character, what follows a zero-width joiner and a flag's second letter join
    the one before."""
    clusters: list[list[str]] = []
    for ch in text:
        last = clusters[-1] if clusters else None
        joins = last is not None and (
            unicodedata.category(ch) in ("Mn", "Mc", "Me")
            or _EXTENDS.fullmatch(ch) is not None
            or last[-1] == _ZWJ
            or (_FLAG_LETTER.fullmatch(ch) is not None and _is_half_flag(last))
        )
        if last is not None and joins:
            last.append(ch)
        else:
            clusters.append([ch])
    return ["".join(cluster) for cluster in clusters]


def _is_half_flag(cluster: Sequence[str]) -> bool:
    return len(cluster) == 1 and _FLAG_LETTER.fullmatch(cluster[0]) is not None


def numbered(reply: Reply) -> Reply:
    """The reply as shown where its buttons are numbered lines: without its tap-only
    buttons, and with `numbered_text`, if it has one, as its text (the lines list its
    items; the text need not list them too)."""
    if any(button.tap_only for button in reply.buttons):
        lead = sum(not button.tap_only for button in reply.buttons[: reply.lead])
        buttons = tuple(button for button in reply.buttons if not button.tap_only)
        reply = replace(reply, buttons=buttons, lead=lead)
    if reply.numbered_text is None or not reply.buttons:
        return reply
    return replace(reply, text=reply.numbered_text)


def plain_text(reply: Reply) -> str:
    """The reply's title, text, source and links, as plain text (no buttons: see
    `numbered_buttons`)."""
    blocks = [reply.title or "", reply.text, reply.footer or ""]
    blocks.append("\n".join(f"{link.label}: {link.url}" for link in reply.links))
    return "\n\n".join(block.strip() for block in blocks if block.strip())


def numbered_menu(buttons: Sequence[Button], start: int = 1) -> str:
    """Buttons as a numbered list, for channels where the resident types the number (each
    labelled in full: a line has room where a button does not)."""
    return "\n".join(
        f"{number}. {button.full_label or button.label}"
        for number, button in enumerate(buttons, start)
    )


def numbered_buttons(reply: Reply, start: int = 1) -> str:
    """The reply's buttons as numbered lines from `start`, in their order (the numbers a
    resident types): its own actions ("📄 Xem toàn văn") first, apart, then `buttons_title`
    above the buttons it introduces ("Câu hỏi liên quan:")."""
    own, others = reply.buttons[: reply.lead], reply.buttons[reply.lead :]
    blocks = [numbered_menu(own, start)]
    if others:
        blocks += [reply.buttons_title or "", numbered_menu(others, start + len(own))]
    return "\n\n".join(block.strip() for block in blocks if block.strip())


def typed_number(text: str) -> int | None:
    """The number a message picks from a list ("2", "số 2 ạ", "chọn 2"), or None."""
    digits = _choice_digits(text)
    return None if digits is None else int(digits)


def _choice_digits(text: str, *, turned: bool = True) -> str | None:
    """The number `text` picks as typed ("2", "số 2 ạ", "cái thứ hai", "hai ạ", "thế còn số
    2 thì sao": "2"), or None (not a choice, or more than MAX_CHOICE_DIGITS digits: a phone
    number, a year). `turned`: "thế còn X thì sao" may name the line X."""
    folded = fold(text)
    if (match := _CHOICE.fullmatch(folded)) is not None:
        digits = match.group(1)
    elif (counted := counted_choice(folded)) is not None:
        digits = counted
    elif alone := spelt_alone(text) or chosen_number(text):
        # "một", "hai ạ", "2 🙏", "#2", "dạ số 2": as parse_intent reads them, so that a
        # number it takes for a pick is never answered "no list to pick from" under one.
        digits = alone
    elif turned and (other := followup.turned_to(text)) is not None:
        # "Thế còn số 2 thì sao" under a list: its line 2, not the answer asked of "2".
        return _choice_digits(other, turned=False)
    else:
        return None
    return digits if len(digits) <= MAX_CHOICE_DIGITS else None


# A topic's buttons in the lists that offer to follow it (wardbot.subscriptions'
# TOPIC_ACTIONS): every topic, a topic not found, which of several.
FOLLOWING = ("sub", "unsub", "follow")


@dataclass(frozen=True)
class Follows:
    """Several topics picked at once from a numbered list of topics ("1, 3"): each to be
    followed (`buttons`, theirs on the list); `off`: numbers typed that are not on it."""

    buttons: tuple[Button, ...]
    off: tuple[str, ...] = ()


def typed_numbers(text: str) -> list[str] | None:
    """The numbers a message picks several choices by ("1 và 2", "1, 3", "2 3"), as
    typed; None when it names fewer than two."""
    return several_numbers(fold(text))


def numbered_choice(
    text: str, menu: Sequence[Button], *, numbered: bool = True
) -> Button | tuple[Button, ...] | Follows | Reply | None:
    """What `text` means where `menu` was the list of choices shown last: the button its
    number picks; a number not on the list gets a reply saying so, with the list again;
    None when it is not a number or no list is shown (then it is a message like any).
    Several numbers ("1 và 2"): the entries they open, each once, or (not all entries,
    or too many) a reply asking for one at a time, with the list again; topics on numbered
    lines (`Follows`), each to follow, and the numbers not on the list.
    `numbered`: the choices were shown as numbered lines (else as buttons, on Telegram)."""
    several = typed_numbers(text) if menu else None
    if several is not None and names_a_date(text) and max(map(int, several)) > len(menu):
        return None  # "2-9" under three lines: National Day asked of, no run of lines
    if several is not None:
        return _several(several, menu, numbered=numbered)
    digits = _choice_digits(text) if menu else None
    if digits is None:
        return _past_the_list(text, menu, numbered=numbered) if menu else None
    if 1 <= int(digits) <= len(menu):
        return menu[int(digits) - 1]
    return _not_on_list(digits, menu, numbered=numbered)


def _not_on_list(number: str, menu: Sequence[Button], *, numbered: bool) -> Reply:
    """To `number`, typed under `menu` but not on it: so said, with the list again."""
    if not numbered:
        return Reply(msg.number_not_a_button(number), buttons=tuple(menu))
    return Reply(msg.number_not_in_list(number, len(menu)), buttons=tuple(menu))


def _past_the_list(text: str, menu: Sequence[Button], *, numbered: bool) -> Reply | None:
    """A message of numbers only, one too long to be a line's ("1-1000", "1, 100", "1
    99999999"), under `menu`: its largest named off the list, never "no list to pick
    from" under one; None for any other message. Compared by length first: no run is
    built, nor a number of thousands of digits read."""
    intent = parse_intent(text)
    numbers = re.findall(r"\d+", intent.arg) if intent.kind == "number" else []
    off = [n for n in numbers if len(n) > MAX_CHOICE_DIGITS or not 1 <= int(n) <= len(menu)]
    if len(numbers) < 2 or not off:
        return None
    return _not_on_list(max(off, key=lambda n: (len(n.lstrip("0")), n)), menu, numbered=numbered)


# Stopping a line of the list by its number, with no other word of alerts: "hủy 2", or
# in a word ("hủy hai", "bỏ số hai": read as `typed_number` reads them under a list).
_STOP_LINE = re.compile(
    r"(?:huy|bo|tat|ngung|thoi)\s+((?:so\s*)?(?:\d+|[a-z]+)" + PICK_TAIL + r")[\s.!]*"
)


def topic_by_number(text: str, menu: Sequence[Button]) -> Button | None:
    """What "/subscribe 2", "đăng ký 2", "đăng ký nhận tin số 2", "/unsubscribe 1" pick
    where `menu`, a list of topics, was shown last: its line's topic, as a button that
    follows it (or, to unsubscribe, stops it), the list shown again as tapping its own
    button shows it. None when the message names no number, or its line is not a topic:
    the topic is asked for by name, as before."""
    intent = parse_intent(text)
    if (stop := _STOP_LINE.fullmatch(fold(text).strip())) is not None:
        # "hủy 2", "bỏ số 2"; a word as typed, with its accents ("bốn", not "bon")
        said = stop.group(1) if any(c.isdigit() for c in stop.group(1)) else text.split(None, 1)[1]
        if typed_number(said) is not None:
            intent = Intent("unsubscribe", said)
    # A bare "đăng ký 3" is read as a question about registering (its `arg`, "3").
    if intent.kind not in ("subscribe", "unsubscribe", "question") or not intent.arg:
        return None
    number = typed_number(intent.arg)
    if number is None or not 1 <= number <= len(menu):
        return None
    kind, _, ref = menu[number - 1].action.partition(":")
    if kind == "dropall" and intent.kind == "unsubscribe":
        return menu[number - 1]  # /mysubs' last line: every topic stopped
    if kind not in TOPIC_ACTIONS:
        return None
    if intent.kind != "unsubscribe":
        picked = "sub" if kind in ("sub", "unsub") else "follow"
    else:
        picked = "drop" if kind == "drop" else "unsub"
    return Button(menu[number - 1].label, f"{picked}:{ref}")


def _several(
    numbers: list[str], menu: Sequence[Button], *, numbered: bool
) -> tuple[Button, ...] | Follows | Reply:
    """`numbered_choice` of a message picking several: the entries their numbers open, or
    the topics to follow (a number not on the list named, not in the way of the others)."""
    on = [number for number in numbers if 1 <= int(number) <= len(menu)]
    listed = tuple(dict.fromkeys(menu[int(number) - 1] for number in on))
    off = tuple(dict.fromkeys(number for number in numbers if number not in on))
    if numbered and listed and all(b.action.partition(":")[0] in FOLLOWING for b in listed):
        return Follows(listed, off)
    if off:  # of a run ("1-25"), its end as typed
        return _not_on_list(max(off, key=int), menu, numbered=numbered)
    picked = tuple(dict.fromkeys(menu[int(number) - 1] for number in numbers))
    opens = all(button.action.partition(":")[0] in DOC_KINDS for button in picked)
    if not opens or len(picked) > MAX_CHOICES:
        return Reply(msg.one_number_at_a_time(numbered=numbered), buttons=tuple(menu))
    return picked


def plain_answer(answer: Answer, settings: Settings, today: dt.date) -> str:
    """What a resident would read for `answer` on `today`, as plain text (`bot.py ask`).

    An announcement is shown as "read it all" shows it: there is no button to press.
    """
    if answer.answered and answer.best is not None:
        reply = document_reply(answer.best.doc, settings, today=today, full=True)
    else:
        reply = no_answer_reply(answer, settings)
    return "\n\n".join(block for block in (plain_text(reply), numbered_buttons(reply)) if block)
