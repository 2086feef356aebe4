"""What every chat channel does around the conversation, written once.

A channel module (handlers.telegram, handlers.zalo, handlers.web, the terminal) only
translates: platform updates into `Answerer.text` / `Answerer.action` calls, and replies
into the platform's messages through the `send` function it passes. The rest is here:

- one chat's messages are answered strictly in order, chats concurrently;
- the typing indicator is sent only while few messages are being answered (under a burst
  the platform's rate limit goes to answers);
- the choices shown last in each chat (numbered lines on Zalo and the terminal, buttons on
  Telegram and the web chat), and what a typed number ("2", "số 2 ạ", "chọn 2") means,
  the rules README's "Typed numbers" states;
- "xem toàn văn" typed: the full text of the notice shown last in the chat; that notice
  (its id) and the list shown last are kept in the database, so that after a restart
  "xem toàn văn" and a number typed still open what they opened before;
- a polite reply with the hotline when answering fails, and the error logged once;
- how the messages of one reply or alert are retried (`send_parts`), and where the retry
  of an alert cut off between its messages starts, after a restart too (`AlertParts`).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import inspect
import json
import logging
import math
import re
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, replace

from handlers.intake import DECISION
from wardbot import messages as msg
from wardbot.config import Settings
from wardbot.conversation import ChatLocks, Conversation
from wardbot.delivery import ONCE, ChatClosed, DeliveryError, ReplyRetry
from wardbot.hours import VIETNAM
from wardbot.per_chat import LastPerChat
from wardbot.ports import Typing
from wardbot.render import Follows, numbered_choice, topic_by_number, typed_number
from wardbot.reply import Button, Reply
from wardbot.store import ChatRef, Store
from wardbot.text import fold

log = logging.getLogger(__name__)

TYPING_MAX_IN_FLIGHT = 4  # more messages than this being answered: skip "typing…"
MENUS_MAX = 10_000  # chats whose last numbered list is remembered
# For this long after a list was shown in answer to the resident, they may still be
# choosing from it: an alert arriving meanwhile numbers its own lines after it.
ANSWERED_LIST_FRESH = 600.0
# A message answered this long after it was sent (the bot was down, and answers what it
# kept meanwhile) has its answer after a line saying so (`late_note`): a resident told,
# days later and without a word, how to register would take it for a new message.
LATE_AFTER = 3600.0
# Photos or stickers sent together (three pages of a form, on Zalo each a message of its
# own) are sent within this of each other: one request to type answers them all.
UNREAD_TOGETHER = 60.0
# The same question sent again within this (a double tap on send, a message re-sent on a
# slow network) is answered once: a long answer, or three messages of it on Zalo, twice
# in a row is a screen of repetition.
SENT_TWICE = 10.0
# Per chat: its latest message (folded), when it was sent and read (wall clock), and
# whether an entry or a notice answered it (Answerer.text).
Asked = tuple[str, float, float, bool]
# Per chat: the choices shown last, how many of the first answered the resident, and when.
Menu = tuple[tuple[Button, ...], int, float]
# What is written down of a chat (Answerer.keep_shown): the notice's action(s), its line's
# number, the list, and whether a document was shown.
Kept = tuple[str | None, int | None, Menu | None, bool]

# "xem toàn văn" as the trimmed notice's note says, and its close variants (accents
# optional, "📄" from a pasted label ignored): "đọc toàn văn", "cho em xem đầy đủ", "xem
# hết thông báo nhé", "xem thêm", "xem chi tiết". Only the whole message: "xem toàn văn
# luật đất đai" is a question.
_FULL_TEXT = re.compile(
    r"(?:cho (?:em|toi|minh|tui) )?"
    r"(?:(?:(?:xem|doc|mo) )?toan van|(?:xem|doc|mo) (?:noi dung |ban )?day du"
    r"|(?:xem|doc) (?:het|tiep|ca bai|them|chi tiet))"
    r"(?: (?:thong bao|van ban)(?: nay| do)?)?(?: (?:a|nhe|nha|voi|di))?"
)
_WORD = re.compile(r"[^\W_]+")

# One message of a reply or an alert: sends it (retried by `send_parts`).
Part = Callable[[], Awaitable[object]]

# Sends replies to the chat being answered; returns the buttons it showed as numbered
# choices (nothing on channels with real buttons).
Send = Callable[[Sequence[Reply]], Awaitable[Sequence[Button]]]


async def under_attachment(conversation: Conversation, chat: ChatRef, send: Send) -> Send:
    """`send` for a question typed under a photo or a file (its caption): the replies after
    a line saying the attachment itself went unseen (Conversation.attachment_note), each
    channel alike."""
    note = Reply(await conversation.attachment_note(chat, typed=True))

    async def noted(replies: Sequence[Reply]) -> Sequence[Button]:
        return await send([note, *replies])

    return noted


async def send_parts(
    parts: Sequence[Part],
    classify: Callable[[Exception], DeliveryError | None],
    retry: ReplyRetry,
    *,
    alert: bool = False,
) -> None:
    """Send the messages a reply or an alert was split into, in order, each retried as
    `retry` says while `classify` calls its failure temporary.

    `alert`: pushed for the outbox, which retries a failed alert whole, later and paced. Its
    first message is tried once, so that until something is out those retries stay the
    outbox's. Once a part is out, resending the whole alert would repeat what the chat
    already has: the rest are retried here instead, waiting as long as the platform asks.
    """
    rest = replace(retry, longest_retry_after=math.inf, budget=math.inf) if alert else retry
    for number, part in enumerate(parts):
        await (ONCE if alert and number == 0 else rest).run(part, classify)


def answer_parts(texts: Sequence[str], send: Callable[[str], Awaitable[object]]) -> list[Part]:
    """Each message of an answer (its `texts`, each sent by `send`) for `send_parts`, but
    for those that went out before, when the answer was cut off partway as the platform
    refused the bot's sending (handlers.intake.Decision): the resident does not read its
    first half twice. Each is noted there as it goes out."""
    decision = DECISION.get()
    out = list(decision.said) if decision is not None else []
    left = []
    for text in texts:
        if text in out:
            out.remove(text)
        else:
            left.append(text)

    def part(text: str) -> Part:
        async def sent() -> object:
            result = await send(text)
            if decision is not None:
                decision.said.append(text)
            return result

        return sent

    return [part(text) for text in left]


def late_note(sent_at: float | None, now: float) -> Reply | None:
    """What goes before the answer to a message sent at `sent_at` (wall clock; None: not
    known) and answered at `now`: an apology naming when it was sent, when that is more than
    LATE_AFTER ago; else nothing."""
    if sent_at is None or now - sent_at <= LATE_AFTER:
        return None
    local = dt.datetime.fromtimestamp(sent_at, VIETNAM).replace(tzinfo=None)
    return Reply(msg.late_answer(local), keeps_choices=True)


def stop_line(replies: Sequence[Reply], line: str) -> list[Reply]:
    """Pushed replies with `line` for how to stop the alerts (`msg.ALERT_STOP` under an
    alert or a broadcast): in a group, where only staff may, one that says so."""
    return [
        replace(reply, footer=reply.footer.replace(msg.ALERT_STOP, line)) if reply.footer else reply
        for reply in replies
    ]


@dataclass(frozen=True)
class Read:
    """What a chat read of an alert partly sent (`AlertParts`): the alert it was known by
    (`digest`), the paragraphs of its text that went out (`said`), and the notices it
    opens (its buttons' actions)."""

    digest: str
    said: frozenset[str]
    opens: frozenset[str]


def _digest(texts: Sequence[str]) -> str:
    return hashlib.blake2b("\x00".join(texts).encode(), digest_size=10).hexdigest()


def _paragraphs(reply: Reply) -> list[str]:
    return [part.strip() for part in reply.text.split("\n\n") if part.strip()]


def _opens(replies: Sequence[Reply]) -> frozenset[str]:
    return frozenset(button.action for reply in replies for button in reply.buttons)


def unread(replies: Sequence[Reply], read: Read) -> list[Reply]:
    """`replies` without what the chat has read of them (`read`): the paragraphs that went
    out, and the title of a reply some of whose paragraphs did (it headed their message).
    The rest (paragraphs not out, the source, the list) is kept."""
    left = []
    for reply in replies:
        kept = [part for part in _paragraphs(reply) if part not in read.said]
        if len(kept) < len(_paragraphs(reply)):
            reply = replace(reply, text="\n\n".join(kept), title=None)
        left.append(reply)
    return left


# An alert's messages as numbered after `after` choices on screen (`AlertWay.render`):
# the texts sent, the buttons they number, and the texts the alert is known by.
Rendered = tuple[list[str], list[Button], list[str]]


@dataclass(frozen=True)
class AlertWay:
    """What a channel supplies to push an alert (`Answerer.push_alert`); the rest (the
    chat's turn, numbering after the list on screen, the parts already out or read, the
    retries, what a number opens after it) is the same on every channel.

    `render(replies, after)`: the alert's messages (`Rendered`), with the buttons numbered
    after `after` choices. `messages(replies, texts)`: each message's send, for the texts
    `render` made of `replies`. `classify`: a platform failure as `send_parts` retries it.
    `failure`: what a failure that stopped the alert means for the outbox and the chat
    (gone, retry later, failed); None: not the platform's, raised as it is."""

    render: Callable[[Sequence[Reply], int], Rendered]
    messages: Callable[[Sequence[Reply], Sequence[str]], Sequence[Part]]
    classify: Callable[[Exception], DeliveryError | None]
    failure: Callable[[Exception], Awaitable[DeliveryError | None]]
    retry: ReplyRetry


class AlertParts:
    """Per chat, how many messages of an alert too long for one went out while the rest
    has not, in memory and in the database (migration 23), so that the outbox's retry of
    it starts with the first message the chat has not got, after a restart or a crash
    too: the resident does not read the first half twice. An alert is known by its
    messages' texts (as numbered from 1 where its lines are numbered on after a list that
    may have changed by the retry: `known_by`); once all are out it is forgotten (sent
    again on purpose: whole).

    An alert of notices changed before its retry (one of them withdrawn, so that it lists
    one less) is no longer known by its texts: what the chat read of it is kept too
    (migration 30), and `read_of` finds it by the notices it opens, so that the retry
    sends only what the chat has not read (`unread`)."""

    def __init__(self, channel: str, store: Store) -> None:
        self.channel = channel
        self.store = store
        # (chat, the alert's digest) -> how many of its messages went out
        self._sent: LastPerChat[int] = LastPerChat()

    def forget(self, chat_id: str) -> None:
        """/forget: what went out of its alerts goes from memory too (the rows are deleted)."""
        self._sent.drop_where(lambda key: isinstance(key, tuple) and key[0] == chat_id)

    async def rest_of(
        self,
        chat_id: str,
        replies: Sequence[Reply],
        texts_of: Callable[[Sequence[Reply]], tuple[list[str], list[Button], list[str]]],
    ) -> tuple[Sequence[Reply], list[str], list[Button], list[str], Read | None]:
        """What goes to the chat of the alert `replies`: partly sent before one of its
        notices was withdrawn, the rest, without what the chat has read (nor the withdrawn
        notice, if it had not gone out). (replies, texts, buttons, known_by: as `texts_of`
        makes them from the replies, the read: for `send`.)"""
        texts, buttons, known_by = texts_of(replies)
        read = await self.read_of(chat_id, known_by, replies)
        if read is None:
            return replies, texts, buttons, known_by, None
        rest = unread(replies, read)
        return (rest, *texts_of(rest), read)

    async def push(
        self, chat_id: str, replies: Sequence[Reply], after: int, way: AlertWay
    ) -> list[Button]:
        """Send the alert `replies` to the chat as `way` renders and sends it: what the chat
        has not got or read of it (`rest_of`, `send`). Returns the buttons it numbered."""
        shown, texts, buttons, known_by, read = await self.rest_of(
            chat_id, replies, lambda some: way.render(some, after)
        )
        sends = way.messages(shown, texts)
        await self.send(
            chat_id,
            list(zip(texts, sends, strict=True)),
            way.classify,
            way.retry,
            known_by=known_by,
            replies=shown,
            read=read,
        )
        return buttons

    async def read_of(
        self, chat_id: str, texts: Sequence[str], replies: Sequence[Reply]
    ) -> Read | None:
        """What the chat read of the alert `replies` (known by `texts`) as it was before a
        change, when it went out in part then: among the alerts partly sent to the chat,
        one that opened every notice this one opens and said some of its paragraphs.
        None: nothing read, or read as it is now (`send` goes on from the first message
        not out)."""
        opens = _opens(replies)
        said = {part for reply in replies for part in _paragraphs(reply)}
        if not opens or not said:
            return None
        chat = ChatRef(self.channel, chat_id)
        digest = _digest(texts)
        if self._sent.get((chat_id, digest), 0) or await self._kept(chat, digest):
            return None
        try:
            kept = await self.store.alert_parts_read(chat)
        except Exception as exc:  # a database that cannot be read: sent as it is
            log.debug("%s: what a chat read of an alert is not known: %s", self.channel, exc)
            return None
        for kept_digest, dumped in kept:
            try:
                record = json.loads(dumped)
                read = Read(kept_digest, frozenset(record["said"]), frozenset(record["opens"]))
            except (ValueError, TypeError, KeyError):
                continue
            if opens <= read.opens and said & read.said:
                return read
        return None

    async def send(
        self,
        chat_id: str,
        parts: Sequence[tuple[str, Part]],
        classify: Callable[[Exception], DeliveryError | None],
        retry: ReplyRetry,
        *,
        known_by: Sequence[str] = (),
        replies: Sequence[Reply] = (),
        read: Read | None = None,
    ) -> None:
        """Send the alert's messages (each one's text and sendMessage) not out yet, as
        `send_parts` sends an alert's. `known_by`: the texts the alert is known by, when
        not those sent (as many: its lines numbered from 1, where the numbers sent depend
        on the list on screen, which a retry may find changed). `replies`: what the
        messages say, for what the chat reads in them to be kept (`read_of`); `read`:
        what the chat read before of the alert these messages go on with (`unread`)."""
        texts = [text for text, _ in parts]
        if len(known_by) == len(parts):  # else split otherwise: known by the texts sent
            texts = list(known_by)
        left = await self._left(chat_id, texts, parts, replies, read)
        await send_parts(left, classify, retry, alert=True)

    async def _left(
        self,
        chat_id: str,
        texts: Sequence[str],
        parts: Sequence[tuple[str, Part]],
        replies: Sequence[Reply],
        read: Read | None,
    ) -> list[Part]:
        chat = ChatRef(self.channel, chat_id)
        digest = _digest(texts)
        key = (chat_id, digest)
        start = self._sent.get(key, 0) if len(parts) > 1 else 0
        if len(parts) > 1 and not start:
            start = await self._kept(chat, digest)
        opens = read.opens if read is not None else _opens(replies)
        said = set(read.said) if read is not None else set()
        units = [part for reply in replies for part in _paragraphs(reply)]
        before = read.digest if read is not None and read.digest != digest else None

        def part(number: int) -> Part:
            async def send() -> object:
                nonlocal before
                result = await parts[number][1]()
                sent = number + 1 if number + 1 < len(parts) else 0
                if sent:
                    self._sent.set(key, sent)
                else:
                    self._sent.drop(key)
                said.update(unit for unit in units if unit in parts[number][0])
                if sent or number:
                    await self._keep(chat, digest, sent, self._dump(said, opens))
                if before is not None:  # gone on with: what it read is in this one's
                    await self._keep(chat, before, 0)
                    before = None
                return result

            return send

        return [part(number) for number in range(min(start, len(parts) - 1), len(parts))]

    @staticmethod
    def _dump(said: set[str], opens: frozenset[str]) -> str | None:
        """What the chat read of an alert of notices, as kept (`read_of`); None: no notice."""
        if not opens or not said:
            return None
        return json.dumps({"said": sorted(said), "opens": sorted(opens)}, ensure_ascii=False)

    async def _kept(self, chat: ChatRef, digest: str) -> int:
        """The messages of an alert that went out before a restart (`_keep`)."""
        try:
            return await self.store.alert_parts_sent(chat, digest)
        except Exception as exc:  # a database that cannot be read: from the first one
            log.debug("%s: the parts of an alert sent are not known: %s", self.channel, exc)
            return 0

    async def _keep(self, chat: ChatRef, digest: str, sent: int, read: str | None = None) -> None:
        """Write down that `sent` messages of an alert went out (0: all of them), and what
        the chat read in them; a failed write costs a restart's retry its memory of them
        only."""
        try:
            await self.store.note_alert_parts(chat, digest, sent, time.time(), read)
        except Exception as exc:
            log.debug("%s: the parts of an alert sent are not kept: %s", self.channel, exc)


class Menus:
    """Per chat, the choices shown last: a typed number picks from them. `numbered`: they
    are shown as numbered lines (else as buttons, which residents count down to).

    An alert pushed while the resident may still be choosing from a list shown in answer
    to them (for ANSWERED_LIST_FRESH) does not take its numbers: "2" still means the
    second choice the resident asked for, and the alert's own choices come after the
    list's (numbered on from it where lines are numbered), so that every number on screen
    picks one thing. Later, an alert's choices are the list, from 1, as any reply's."""

    def __init__(
        self,
        size: int = MENUS_MAX,
        *,
        numbered: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        # Per chat: the choices, how many of the first were shown in answer to the
        # resident, and when.
        self._menus: LastPerChat[Menu] = LastPerChat(size)
        self.numbered = numbered
        self.clock = clock

    def choice(
        self, chat_id: str, text: str
    ) -> Button | tuple[Button, ...] | Follows | Reply | None:
        """The button `text` picks (the entries, for several numbers: "1 và 2"), a reply
        when its number is not on the list, or None (not a number, or no list shown): a
        message like any."""
        return numbered_choice(text, self.shown(chat_id), numbered=self.numbered)

    def __contains__(self, chat_id: str) -> bool:
        return chat_id in self._menus

    def drop(self, chat_id: str) -> None:
        self._menus.drop(chat_id)

    def shown(self, chat_id: str) -> tuple[Button, ...]:
        """The choices shown last in the chat (none known: nothing)."""
        return self._menus.get(chat_id, ((), 0, 0.0))[0]

    def state(self, chat_id: str) -> Menu | None:
        """The chat's list, how many of its first choices answered the resident, and when
        (this clock); None without a list."""
        return self._menus.get(chat_id, ((), 0, 0.0)) if chat_id in self._menus else None

    def restore(self, chat_id: str, buttons: Sequence[Button], answered: int, at: float) -> None:
        """A list kept from before a restart (`state`), shown in answer `at` (this clock)."""
        if buttons:
            self._menus.set(chat_id, (tuple(buttons), answered, at))

    def remember(self, chat_id: str, buttons: Sequence[Button]) -> None:
        """Numbers typed in this chat now refer to `buttons`, shown in answer to the
        resident (none: numbers mean nothing). A tap-only button ("🙁 Chưa đúng ý") is
        never a numbered choice, where it shows as a button either."""
        buttons = _numbered(buttons)
        if buttons:
            self._menus.set(chat_id, (tuple(buttons), len(buttons), self.clock()))
        else:
            self._menus.drop(chat_id)

    def pushed_after(self, chat_id: str, replies: Sequence[Reply] = ()) -> int:
        """How many choices on screen a message pushed to the chat now (an alert) numbers
        its own after: those of the chat's list while the resident may still be choosing
        from it (see the class), else none, as after `replies` that end it."""
        if any(reply.ends_choices for reply in replies):
            return 0
        buttons, answered, at = self._menus.get(chat_id, ((), 0, 0.0))
        fresh = answered and self.clock() - at < ANSWERED_LIST_FRESH
        return len(buttons) if fresh else 0

    def pushed(self, chat_id: str, buttons: Sequence[Button], after: int) -> None:
        """A pushed message showed `buttons`, numbered after the first `after` choices of
        the list (`pushed_after`, asked before it was sent)."""
        kept, answered, at = self._menus.get(chat_id, ((), 0, 0.0))
        if not after:
            kept, answered, at = (), 0, self.clock()
        choices = (*kept[:after], *_numbered(buttons))
        if choices:
            self._menus.set(chat_id, (choices, min(answered, after), at))
        else:
            self._menus.drop(chat_id)

    def after(self, chat_id: str, replies: Sequence[Reply], shown: Sequence[Button]) -> None:
        """Replies were sent showing `shown`: their choices are the list now, unless they
        offer none and answered nothing ("no information", a sticker), so that the list
        on screen before them still counts."""
        if shown or not all(reply.keeps_choices for reply in replies):
            self.remember(chat_id, shown)


def _sent_twice(chat: ChatRef, text: str, at: float, now: float, asked: Asked) -> bool:
    """Whether `text`, sent `at` and read `now`, is the chat's previous message (`asked`)
    sent again at once (SENT_TWICE), and read just after it: then it is not answered
    twice. Not when that one was answered long ago (the bot stopped in between: the copy
    comes after a restart), nor in a group, where another member asking the same is
    theirs."""
    said, then, read, answered = asked
    soon = abs(at - then) < SENT_TWICE and now - read < SENT_TWICE
    return chat.private and answered and soon and fold(text).strip() == said


async def _given(replies: Sequence[Reply]) -> list[Reply]:
    """Fixed replies, awaited as the conversation's are."""
    return list(replies)


def _numbered(buttons: Sequence[Button]) -> tuple[Button, ...]:
    """The buttons a typed number may pick: not the tap-only ones (`Button.tap_only`)."""
    return tuple(button for button in buttons if not button.tap_only)


def asks_full_text(text: str) -> bool:
    """Whether the message asks for the whole of the notice just shown ("xem toàn văn")."""
    return _FULL_TEXT.fullmatch(" ".join(_WORD.findall(fold(text)))) is not None


def _notices_listed(replies: Sequence[Reply]) -> tuple[Button, ...]:
    """The notices a reply lists and offers nothing else (/latest, "tin mới"): a button
    opening each whole, under its line's label; () when no reply does."""
    for reply in replies:
        choices = _numbered(reply.buttons)
        if choices and all(b.action.partition(":")[0] == "ann" for b in choices):
            return tuple(replace(b, action="full:" + b.action.partition(":")[2]) for b in choices)
    return ()


class FullTexts:
    """Per chat, what typing "xem toàn văn" opens: the "📄 Xem toàn văn" button of the
    document shown last (an answer, a notice, an alert: a reply with a title), the one
    button of each notice when that was an alert listing several, or a list of notices
    (/latest) shown since (the resident is asked which; with one notice listed, it opens),
    or nothing more when that one was shown whole."""

    def __init__(self, size: int = MENUS_MAX) -> None:
        self._shown: LastPerChat[tuple[Button, ...]] = LastPerChat(size)

    def seen(self, chat_id: str, replies: Sequence[Reply]) -> None:
        """Note the documents among replies just sent to the chat: what they leave to
        read whole (several answered at once: each one's; none: all shown whole)."""
        documents = [reply for reply in replies if reply.title is not None]  # not "thanks"
        if documents:
            # A notice's "📄 Xem toàn văn", and what a reply's own first buttons open (the
            # whole answer under the lines that answered a follow-up: "📄 Xem đầy đủ").
            full = (
                b
                for r in documents
                for at, b in enumerate(r.buttons)
                if at < r.lead or b.action.partition(":")[0] == "full"
            )
            self._shown.set(chat_id, tuple(full))
        elif listed := _notices_listed(replies):
            self._shown.set(chat_id, listed)

    def __contains__(self, chat_id: str) -> bool:
        return chat_id in self._shown

    def drop(self, chat_id: str) -> None:
        self._shown.drop(chat_id)

    def last(self, chat_id: str) -> tuple[Button, ...]:
        """The "📄 Xem toàn văn" button of the document shown last, each notice's of an
        alert listing several (none: shown whole)."""
        return self._shown.get(chat_id, ())

    def restore(self, chat_id: str, buttons: Sequence[Button]) -> None:
        """What the database kept from before a restart (see Answerer.recall)."""
        self._shown.set(chat_id, tuple(buttons))

    def open(self, chat_id: str, ward_name: str) -> Button | Reply:
        """The button to press for the chat's "xem toàn văn", or what to say instead."""
        if chat_id not in self._shown:
            return Reply(
                msg.full_text_which(ward_name), buttons=(Button(msg.LATEST_BUTTON, "latest"),)
            )
        buttons = self._shown.get(chat_id, ())
        if len(buttons) > 1:  # an alert listing several notices: which one?
            return Reply(msg.full_text_which_of(), buttons=buttons)
        # Shown whole already: nothing to open, and the list shown with it still holds.
        return buttons[0] if buttons else Reply(msg.full_text_sent(), keeps_choices=True)


class Answerer:
    """Answers one channel's messages through the conversation.

    `numbered`: the channel shows buttons as numbered lines (Zalo, the terminal), so a
    typed number presses one. `counted`: the channel shows real buttons, yet a typed
    number presses the one in that place (Telegram: "2" under three buttons means the
    second). `quiet`: errors meaning the chat cannot be written to (it blocked the bot):
    logged briefly, no apology attempted. `held`: errors meaning the bot cannot send to
    anyone now (its token refused): raised on, for the intake to keep the message and
    answer it once sending works (handlers.intake), no apology attempted. `told`: failures
    the channel tells the log of itself, once for many (the platform refusing sends as
    over quota): no traceback here. A message answered long after it was sent (`sent_at`,
    wall clock by `now`) has its answer after a line saying so (`late_note`), once per
    backlog: a resident whose three questions waited through an outage is told sorry
    once, before the first answer.
    """

    def __init__(
        self,
        channel: str,
        conversation: Conversation,
        settings: Settings,
        *,
        numbered: bool = False,
        counted: bool = False,
        quiet: tuple[type[BaseException], ...] = (),
        held: tuple[type[BaseException], ...] = (),
        told: tuple[type[BaseException], ...] = (),
        calm_below: int = TYPING_MAX_IN_FLIGHT,
        slots: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.channel = channel
        self.now = now
        self.conversation = conversation
        self.settings = settings
        self.menus = Menus(numbered=numbered, clock=clock) if numbered or counted else None
        self.full_texts = FullTexts()
        # What "xem toàn văn" opens, per chat, as last written to the database; and the
        # chats whose kept one was read since the start.
        self._kept: LastPerChat[Kept] = LastPerChat()
        self._recalled: LastPerChat[bool] = LastPerChat()
        # Per chat, when it was last told sorry for a late answer (wall clock): a message
        # sent before then was waiting with the one apologised for (`_late_note`).
        self._apologised: LastPerChat[float] = LastPerChat()
        # Per chat, what its latest message the bot cannot read was told, and when it was
        # sent (wall clock): the ones sent with it are not told the same again (`unread`).
        self._unread: LastPerChat[tuple[str, float]] = LastPerChat()
        # Per chat, its latest message answered (`Asked`): the same sent again at once is
        # not answered again (`_sent_twice`).
        self._asked: LastPerChat[Asked] = LastPerChat()
        self.quiet = quiet
        self.held = held
        self.told = told
        self.calm_below = calm_below
        self.locks = ChatLocks()
        self.in_flight = 0
        # At most `slots` messages answered at once (the others wait, in order per chat).
        self._slots = asyncio.Semaphore(slots) if slots else None
        self.alert_parts = AlertParts(channel, conversation.store)
        conversation.store.forgetting.append(self.forget)

    def forget(self, chat: ChatRef) -> None:
        """/forget: what this chat was shown goes from memory too (else the turn's end
        would write it down again, and "xem toàn văn" or a number would still open it)."""
        if chat.channel != self.channel:
            return
        if self.menus is not None:
            self.menus.drop(chat.chat_id)
        self.full_texts.drop(chat.chat_id)
        self._kept.drop(chat.chat_id)
        self._recalled.drop(chat.chat_id)
        self._apologised.drop(chat.chat_id)
        self._unread.drop(chat.chat_id)
        self._asked.drop(chat.chat_id)
        self.alert_parts.forget(chat.chat_id)

    @contextlib.asynccontextmanager
    async def _turn(self, chat: ChatRef) -> AsyncIterator[None]:
        """This chat's turn: after its earlier messages, and within the slots."""
        async with self.locks.hold(chat.chat_id):
            if self._slots is None:
                yield
                return
            async with self._slots:
                yield

    @contextlib.contextmanager
    def _busy(self) -> Iterator[bool]:
        """Counts a message being answered; yields whether things are calm enough for a
        typing indicator."""
        calm = self.in_flight < self.calm_below
        self.in_flight += 1
        try:
            yield calm
        finally:
            self.in_flight -= 1

    async def text(
        self,
        chat: ChatRef,
        text: str,
        send: Send,
        *,
        sender: str | None = None,
        typing: Typing | None = None,
        edit: bool = False,
        sent_at: float | None = None,
        forwarded: bool = False,
        attached: bool = False,
    ) -> None:
        """Answer a text message (or, where lists are numbered, a typed choice) the
        resident sent at `sent_at` (wall clock; None: not known); `edit`: the resident
        edited their message `chat.message` to `text` (Conversation.correction);
        `forwarded`: someone else's message the resident forwarded (no choice, no question:
        see Conversation.handle_text); `attached`: typed under a photo or a file."""
        with self._busy() as calm:
            async with self._turn(chat):
                self._unread.drop(chat.chat_id)  # a photo after this is told again
                asked = self._asked.pop(chat.chat_id)
                read = self.now()
                at = read if sent_at is None else sent_at
                typed = not (forwarded or attached or edit)  # a message of its own
                if forwarded:
                    answer = self.conversation.handle_text(
                        chat, text, sender=sender, forwarded=True
                    )
                elif typed and asked and _sent_twice(chat, text, at, read, asked):
                    self._asked.set(chat.chat_id, asked)  # a third copy is one too
                    answer = _given([Reply(msg.answered_just_above(), keeps_choices=True)])
                    await self._guarded(chat, send, answer, sent_at)
                    return
                else:
                    answer = self._text(chat, text, sender, calm, typing, edit=edit)
                sent = await self._guarded(chat, send, answer, sent_at)
                if sent is not None and typed:
                    entry = any(reply.title for reply in sent)
                    self._asked.set(chat.chat_id, (fold(text).strip(), at, read, entry))

    async def action(
        self, chat: ChatRef, action: str, send: Send, *, sender: str | None = None
    ) -> None:
        """Answer a button press."""
        with self._busy():
            async with self._turn(chat):
                self._unread.drop(chat.chat_id)
                self._asked.drop(chat.chat_id)  # a choice between two copies: not a copy
                replies = self.conversation.handle_action(chat, action, sender=sender)
                await self._guarded(chat, send, replies)

    async def say(
        self, chat: ChatRef, replies: Sequence[Reply], send: Send, *, sent_at: float | None = None
    ) -> None:
        """Send fixed replies in the chat's turn ("please type your question" for a
        sticker, say), to a message sent at `sent_at` (as `text`)."""

        async with self._turn(chat):
            await self._guarded(chat, send, _given(replies), sent_at)

    async def unread(
        self,
        chat: ChatRef,
        send: Send,
        *,
        voice: bool = False,
        sticker: bool = False,
        sender: str | None = None,
        sent_at: float | None = None,
    ) -> None:
        """Answer a message the bot cannot read (a sticker, a photo alone, a location, a
        file, a kind the platform added since) with a line saying what it reads
        (`Conversation.attachment_note`), in the chat's turn; the list on screen stays.
        Silence would look like a bot that is down; but several sent together (photos of a
        form's pages, a burst of stickers: Zalo makes each a message) to a private chat get
        the line once, as a Telegram album does, not once for each. A `sticker` from
        `sender` right after an answer thanks for it, once: never asked to type."""

        async def note() -> list[Reply]:
            self._asked.drop(chat.chat_id)  # a question after it is no copy of one before
            said = await self.conversation.attachment_note(
                chat, typed=False, voice=voice, sticker=sticker, sender=sender
            )
            if not said:  # a sticker after the one that thanked for the same answer
                return []
            at = self.now() if sent_at is None else sent_at
            told, then = self._unread.get(chat.chat_id, ("", -math.inf))
            self._unread.set(chat.chat_id, (said, at))
            together = said == told and abs(at - then) < UNREAD_TOGETHER
            if together and chat.private:  # in a group, another member's is not theirs
                return []
            return [Reply(said, keeps_choices=True)]

        async with self._turn(chat):
            await self._guarded(chat, send, note(), sent_at)

    async def _text(
        self,
        chat: ChatRef,
        text: str,
        sender: str | None,
        calm: bool,
        typing: Typing | None,
        *,
        edit: bool = False,
    ) -> list[Reply]:
        if edit and (corrected := await self.conversation.correction(chat, text)) is not None:
            return corrected  # staff had the message: they get the correction
        choice: Button | tuple[Button, ...] | Follows | Reply | None
        choice = await self.recall(chat.chat_id, text)
        if choice is None and self.menus is not None:
            choice = self.menus.choice(chat.chat_id, text)
        if choice is None and self.menus is not None:
            # "/subscribe 2" under a list of topics: its line 2, as "2" is.
            choice = topic_by_number(text, self.menus.shown(chat.chat_id))
        if isinstance(choice, Reply) and await self.conversation.ticket_open(chat):
            choice = None  # a number off the list, with a ticket open: for staff, who asked
        if choice is None and asks_full_text(text):
            # (which notice: still the bot's)
            choice = self.full_texts.open(chat.chat_id, self.settings.ward_name)
        if isinstance(choice, Button):
            return await self.conversation.handle_action(chat, choice.action, sender=sender)
        if isinstance(choice, tuple):  # "1 và 2": each entry picked, in turn
            replies: list[Reply] = []
            for button in choice:
                replies += await self.conversation.handle_action(chat, button.action, sender=sender)
            return replies
        if isinstance(choice, Follows):  # "1, 3" under the topics: both followed
            actions = [button.action for button in choice.buttons]
            return await self.conversation.follow_picked(chat, actions, choice.off, sender=sender)
        if isinstance(choice, Reply):
            return [choice]
        return await self.conversation.handle_text(
            chat, text, typing=typing if calm else None, sender=sender
        )

    async def _guarded(
        self,
        chat: ChatRef,
        send: Send,
        replies: Awaitable[list[Reply]],
        sent_at: float | None = None,
    ) -> list[Reply] | None:
        """Send what `replies` gives (after `late_note`'s line, for a message sent at
        `sent_at` long ago, unless the chat was told already: `_late_note`); when anything
        fails, log it and apologise politely (`held`: raised on). Returns the replies sent
        (None: failed). An answer decided before (`handlers.intake.Decision`: its sending
        was refused) is sent as it was, `replies` not asked again; one decided now is noted
        there before it is sent."""
        decision = DECISION.get()
        if decision is not None and decision.replies is not None:
            if inspect.iscoroutine(replies):
                replies.close()  # decided before: what deciding does is not done twice
            replies = _given(decision.replies)
        try:
            answered = await replies
            if decision is not None:
                decision.replies = answered
            now = self.now()
            late = self._late_note(chat, sent_at, now) if answered else None
            shown = await send([late, *answered] if late is not None else answered)
            if late is not None:
                self._apologised.set(chat.chat_id, now)
        except self.held:
            raise
        except self.quiet as exc:
            log.info("%s: a chat blocked the bot or is gone: %s", self.channel, exc)
            return None
        except ChatClosed:  # the channel logged it; an apology would be refused the same way
            return None
        except Exception as exc:
            why = self._not_saved(exc)
            if why is not None:  # expected meanwhile, and said at start-up: one line each
                log.warning("%s: a change was not saved: %s (%s)", self.channel, why, exc)
            elif not isinstance(exc, self.told):
                log.exception("%s: failed to handle an update", self.channel)
            with contextlib.suppress(Exception):
                await send([self.apology()])
            return None
        if self.menus is not None:
            self.menus.after(chat.chat_id, answered, shown)
        self.full_texts.seen(chat.chat_id, answered)
        await self.keep_shown(chat.chat_id)
        return answered

    def _late_note(self, chat: ChatRef, sent_at: float | None, now: float) -> Reply | None:
        """`late_note`'s line for a message of the chat's sent at `sent_at`, unless the
        chat was told sorry after it was sent: it waited in the same backlog as the message
        apologised for, and one apology says it for all (a message sent after that apology,
        and answered late again, was kept by a new outage: told again)."""
        told = self._apologised.get(chat.chat_id, None)
        if sent_at is not None and told is not None and sent_at <= told:
            return None
        return late_note(sent_at, now)

    async def push_after(self, chat_id: str, replies: Sequence[Reply]) -> int:
        """How many choices on screen `replies`, pushed to the chat now (an alert, a staff
        answer), number theirs after (`Menus.pushed_after`; the list kept from before a
        restart counts too)."""
        await self.recall(chat_id)
        return self.menus.pushed_after(chat_id, replies) if self.menus is not None else 0

    async def push_alert(self, chat_id: str, replies: Sequence[Reply], way: AlertWay) -> None:
        """Push an alert to a chat, or raise a DeliveryError (wardbot.delivery.Deliverer).

        In the chat's turn (after an answer on its way, not between its messages); its
        choices numbered on after the list the resident may still be choosing from. The
        first message is tried once, so that the outbox paces retries; once part of an
        alert is out, the rest is retried here rather than the whole alert resent
        (`send_parts`). When even that fails, the outbox's retry sends only the parts that
        did not go out, and not what the chat read, after a restart too (`AlertParts`).
        What a number and "xem toàn văn" open changes only once the platform took it all.
        """
        async with self.locks.hold(chat_id):
            after = await self.push_after(chat_id, replies)
            try:
                buttons = await self.alert_parts.push(chat_id, replies, after, way)
            except DeliveryError:
                raise
            except Exception as exc:
                error = await way.failure(exc)
                if error is None:
                    raise
                raise error from None
            await self.pushed(chat_id, replies, buttons, after)

    async def pushed(
        self, chat_id: str, replies: Sequence[Reply], shown: Sequence[Button], after: int
    ) -> None:
        """`replies` were pushed to the chat, showing `shown` after the first `after`
        choices (`push_after`, asked before): what a number and "xem toàn văn" open now,
        after a restart too."""
        if self.menus is not None:
            self.menus.pushed(chat_id, shown, after)
        self.full_texts.seen(chat_id, replies)
        await self.keep_shown(chat_id)

    async def keep_shown(self, chat_id: str) -> None:
        """Write down what "xem toàn văn" opens in the chat now (the notice's action, and
        the number of its line in the list shown last) and the list of choices shown last,
        when they changed: so that after a restart they still do (`recall`). A failed
        write costs only that."""
        menu = self.menus.state(chat_id) if self.menus is not None else None
        document = chat_id in self.full_texts
        if not document and menu is None and chat_id not in self._kept:
            return
        buttons = self.full_texts.last(chat_id)
        actions = [button.action for button in buttons]
        shown = [button.action for button in menu[0]] if menu is not None else []
        number = shown.index(actions[0]) + 1 if actions and actions[0] in shown else None
        if number is not None and shown[number - 1 : number - 1 + len(actions)] != actions:
            number = None
        # Several (an alert listing several notices): one action a line, numbered on.
        kept: Kept = ("\n".join(actions) or None, number, menu, document)
        if chat_id in self._kept and self._kept.get(chat_id, kept) == kept:
            return
        try:
            await self.conversation.store.keep_shown(
                ChatRef(self.channel, chat_id), *kept[:2], time.time(), self._dump(kept)
            )
        except Exception as exc:  # a read-only data folder, a locked database
            log.debug("%s: what a chat was shown last is not kept: %s", self.channel, exc)
            return
        self._kept.set(chat_id, kept)

    def _dump(self, kept: Kept) -> str | None:
        """The list as kept in the database: its lines, how many answered the resident,
        when (wall-clock time: the menus' clock starts again with the process), and
        whether a document was shown (else "xem toàn văn" opens nothing kept). None: no
        list, a document shown (all an earlier version kept)."""
        _, _, menu, document = kept
        if self.menus is None or (menu is None and document):
            return None
        buttons, answered, at = menu or ((), 0, self.menus.clock())
        lines = [[b.label, b.action, b.full_label] for b in buttons]
        when = time.time() - (self.menus.clock() - at)
        return json.dumps(
            {"lines": lines, "answered": answered, "at": when, "document": document},
            ensure_ascii=False,
        )

    def _load(self, chat_id: str, choices: str) -> tuple[Menu | None, bool]:
        """`_dump`'s list, restored into the menus, and whether a document was shown."""
        if self.menus is None:
            return None, True
        try:
            kept = json.loads(choices)
            buttons = tuple(Button(label, action, full) for label, action, full in kept["lines"])
            answered, when, document = int(kept["answered"]), float(kept["at"]), kept["document"]
        except (ValueError, TypeError, KeyError) as exc:
            log.debug("%s: the list a chat was shown last is unreadable: %s", self.channel, exc)
            return None, True
        self.menus.restore(chat_id, buttons, answered, self.menus.clock() - (time.time() - when))
        return self.menus.state(chat_id), bool(document)

    async def recall(self, chat_id: str, text: str = "") -> Button | None:
        """For a chat nothing was shown to since the start (the bot restarted): what was
        kept before, read once. The list shown last is again what a number picks from,
        and the notice shown last what "xem toàn văn" opens. (Kept by an earlier version,
        without its list: the button the number typed in `text` presses, if it is the
        number of the notice's line.)"""
        if chat_id in self.full_texts or (self.menus is not None and chat_id in self.menus):
            return None
        if chat_id in self._recalled:
            return None
        self._recalled.set(chat_id, True)
        try:
            kept = await self.conversation.store.shown(ChatRef(self.channel, chat_id))
        except Exception as exc:  # a locked database: as if nothing was kept
            log.debug("%s: what a chat was shown last cannot be read: %s", self.channel, exc)
            return None
        if kept is None:
            return None
        action, kept_number, choices = kept
        menu, document = self._load(chat_id, choices) if choices else (None, True)
        actions = action.split("\n") if action else []
        if len(actions) == 1:
            buttons = [Button(msg.FULL_TEXT_BUTTON, action)] if action else []
        else:  # each notice of an alert listing several, under its title again
            buttons = [self.conversation.notice_button(one) for one in actions]
        if document:
            self.full_texts.restore(chat_id, buttons)
        self._kept.set(chat_id, (action, kept_number, menu, document))
        number = typed_number(text) if self.menus is not None and choices is None else None
        if number is None or kept_number is None:
            return None
        place = number - kept_number
        return buttons[place] if 0 <= place < len(buttons) else None

    def _not_saved(self, exc: Exception) -> str | None:
        """Why a write failed, when that is all that went wrong: the data folder cannot be
        written (the bot started read-only, see wardbot.datadir), its disk is full, or
        another program holds the database (DB Browser for SQLite left open). The
        resident is asked to try again later; a traceback would tell staff nothing new."""
        if not isinstance(exc, sqlite3.OperationalError):
            return None
        store = getattr(self.conversation, "store", None)
        if store is not None and not store.writable:
            return "the data folder is read-only"
        if "full" in str(exc):  # SQLite: "database or disk is full"
            return "the data folder's disk is full"
        if "locked" in str(exc) or "busy" in str(exc):  # past the wait (wardbot.store)
            return "the database is locked by another program"
        return None

    def apology(self) -> Reply:
        """What the resident reads when answering failed: sorry, and whom to call."""
        return Reply(msg.error(self.settings.ward_name, self.settings.ward_hotline))
