"""The resident conversation, channel-agnostic: (chat, text or button press) -> replies.

Channels (Telegram, Zalo, the terminal) only translate platform updates into calls to
`Conversation.handle_text` / `handle_action` and render the `Reply` objects that come back.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import itertools
import logging
import time
import unicodedata
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from wardbot import facts, followup, plaintext
from wardbot import messages as msg
from wardbot.config import Settings
from wardbot.intents import (
    Intent,
    after_courtesies,
    parse_intent,
    questions_in,
    topic_forms,
    topic_key,
    topic_list,
)
from wardbot.language import plainly_foreign
from wardbot.models import Announcement, Answer, Corpus, FaqEntry, Hit, Topic
from wardbot.per_chat import LastPerChat
from wardbot.redact import scrub
from wardbot.store import MAX_LOGGED_CHARS, ChatRef, Store, refused_write
from wardbot.text import one_line

log = logging.getLogger(__name__)

__all__ = ["Button", "ChatRef", "Conversation", "Link", "Reply"]

MAX_MESSAGE_CHARS = 1500  # longer is a pasted document, not a question
# ...except for ward staff, who read what a resident writes them (the question typed for
# them, more on an open ticket, /hoicanbo TEXT) whole: up to a Telegram message.
MAX_STAFF_MESSAGE_CHARS = 4096
ANNOUNCEMENT_PREVIEW_CHARS = 900
# "Read it all" sends at most this much (about three Zalo messages, one or two on
# Telegram), then says where the rest is: a long decree must not become hundreds of messages.
FULL_TEXT_CHARS = 3000
ALERT_PREVIEW_CHARS = 400  # an alert is a heads-up: the first lines, then "read it all"
MAX_LABEL_CHARS = 60
MAX_ACTION_BYTES = 64  # Telegram's callback_data limit


@dataclass(frozen=True)
class Button:
    """A choice offered under a reply; `action` goes back to `handle_action` when chosen.

    `full_label`: the label uncut, for numbered lines (Zalo, the terminal), which have room
    for it where a button does not (`label` is cut to fit one). `tap_only`: shown only
    where it is a real button (Telegram, the web chat); as a numbered line it would be
    clutter (what it does, the resident may as well type: "sai rồi")."""

    label: str
    action: str
    full_label: str | None = None
    tap_only: bool = False


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Reply:
    """One message to the resident, in plain text: the channel escapes and decorates it.

    `title` is shown emphasised above `text`, `footer` (the source) below it, then `links`,
    then `buttons_title` introducing the buttons. The first `lead` buttons act on this reply
    itself ("📄 Xem toàn văn"): they come first, apart, and `buttons_title` introduces only
    the others. `numbered_text`, when `text` lists the buttons' items itself (/topics,
    /latest), replaces it where the buttons are numbered lines (Zalo, the terminal), so that
    each item shows once. `replace` asks the channel to update the message whose button was
    pressed, if it can. `keeps_choices`: the reply answers nothing and offers no choice
    of its own ("no information", "please type"): numbers typed next still pick from the
    list shown before it. `ends_choices`: pushed to the chat (a staff answer), numbers
    typed next no longer pick from the list shown before it: "2" then answers staff.
    `silent`: pushed in quiet hours (a staff answer at 23:40): where the platform can, it
    arrives without a sound (Telegram's disable_notification; Zalo has no such flag).
    """

    text: str
    title: str | None = None
    footer: str | None = None
    buttons: tuple[Button, ...] = ()
    links: tuple[Link, ...] = ()
    buttons_title: str | None = None
    replace: bool = False
    lead: int = 0
    numbered_text: str | None = None
    keeps_choices: bool = False
    ends_choices: bool = False
    silent: bool = False


class Searcher(Protocol):
    """What the conversation needs from the answer engine (wardbot.engine.Engine)."""

    corpus: Corpus

    @property
    def today(self) -> dt.date: ...

    async def ask_async(self, question: str, limit: int = 5) -> Answer: ...
    def related(self, doc_id: str, limit: int = 3) -> list[Hit]: ...
    def latest(self, limit: int = 5) -> list[Announcement]: ...
    def find_topic(self, text: str) -> Topic | None: ...


class AdminCommands(Protocol):
    """Staff commands (wardbot.admin.Admin); anyone else is refused in private, with their
    own id for ADMIN_IDS (`refuses`), and in a group they do not exist."""

    def handles(self, chat: ChatRef, sender: str | None, text: str) -> bool: ...
    async def handle(self, chat: ChatRef, text: str) -> list[Reply]: ...
    def refuses(self, chat: ChatRef, sender: str | None, text: str) -> str | None: ...
    def refuses_action(self, chat: ChatRef, sender: str | None, action: str) -> str | None: ...
    def acts(self, chat: ChatRef, sender: str | None, action: str) -> bool: ...
    async def act(self, chat: ChatRef, action: str) -> list[Reply]: ...


class StaffDesk(Protocol):
    """Passing questions to ward staff (wardbot.desk.Desk), for private chats."""

    def ask_button(self) -> Button: ...
    async def offer(self, chat: ChatRef, question: str) -> str: ...
    async def accept(self, chat: ChatRef) -> list[Reply]: ...
    async def request(self, chat: ChatRef, text: str) -> list[Reply]: ...
    async def awaited(self, chat: ChatRef, text: str) -> list[Reply] | None: ...
    async def active(self, chat: ChatRef) -> Any: ...
    async def follow_up(
        self, chat: ChatRef, ticket: Any, text: str, *, courtesy: bool = False
    ) -> Reply: ...
    async def listening(self, chat: ChatRef) -> bool: ...
    async def forget(self, chat: ChatRef) -> None: ...


Typing = Callable[[], Awaitable[object]]
# A question kept for "sai rồi": as typed, answered, when, by whom, and whether worded by
# the resident (see Conversation._asked).
Asked = tuple[str, bool, float, str | None, bool]
# A topic's buttons, by the list they are in (see Conversation._toggle): 'sub' and 'unsub'
# in the list of every topic, 'drop' in the list of the chat's own, 'follow' under an answer.
TOPIC_ACTIONS = ("sub", "unsub", "drop", "follow")
# What a resident may add to a ticket that is open: questions and the small talk around them.
# Small talk closing a turn, and its short reply.
SMALL_TALK: dict[str, Callable[[], str]] = {
    "thanks": msg.thanks,
    "ack": msg.acknowledged,
    "bye": msg.farewell,
    "wish": msg.wished,
}
# ...which, on an open ticket, leave staff nothing to answer: staff see them, but the
# ticket does not wait for staff again ("ok", "dạ vâng" after their answer close a turn as
# thanks do; a resident with more to say says it).
COURTESY = frozenset(SMALL_TALK)
# With a ticket open, these go to staff too: a bare number answers them ("0912 345 678",
# "2 người"), as may "không phải".
RELAYED_INTENTS = frozenset(
    {"question", "greet", "opener", "yes", "huh", "wrong", "number", *SMALL_TALK}
)
# "Có" opens the one close match the bot just asked about, if said this soon after.
YES_WITHIN = 10 * 60.0
# "Sai rồi" takes back the chat's answer to a question asked this recently.
WRONG_WITHIN = 30 * 60.0
WRONG_OFFERS = 3  # the other close matches offered then
ASKED_KEPT = 4096  # chats whose latest question "sai rồi" may take back, the most recent


def _small_talk_reply(kind: str) -> Reply:
    """The short reply to thanks, "ok", a goodbye or good wishes: it answers nothing and
    offers no choice, so a number typed next still picks from the list on screen."""
    return Reply(SMALL_TALK[kind](), keeps_choices=True)


class ChatLocks:
    """Channels answer chats concurrently, but one chat's messages strictly in order."""

    def __init__(self) -> None:
        self._locks: dict[Hashable, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def hold(self, chat_id: Hashable) -> AsyncIterator[None]:
        lock, users = self._locks.get(chat_id, (asyncio.Lock(), 0))
        self._locks[chat_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[chat_id]
            if users == 1:
                del self._locks[chat_id]
            else:
                self._locks[chat_id] = (lock, users - 1)


def make_action(kind: str, ident: str) -> str:
    """'faq:<id>', or 'faq:#<digest>' when the id would not fit in 64 bytes."""
    action = f"{kind}:{ident}"
    if len(action.encode()) <= MAX_ACTION_BYTES:
        return action
    return f"{kind}:#{digest(ident)}"


def digest(ident: str) -> str:
    """A short stand-in for an id or a text in a button's action (64 bytes at most)."""
    return hashlib.blake2b(ident.encode(), digest_size=10).hexdigest()


def button_label(text: str) -> str:
    """`text` on one line, within MAX_LABEL_CHARS (see `one_line`)."""
    return one_line(text, MAX_LABEL_CHARS)


def _clean(text: str) -> str:
    """NFC, what the engine and the patterns see: a control character (a lone carriage
    return, a vertical tab) becomes a space, since it separated words; other invisible
    characters (format marks, unassigned code points) go."""
    return "".join(_clean_char(ch) for ch in unicodedata.normalize("NFC", text))


def _clean_char(ch: str) -> str:
    category = unicodedata.category(ch)
    if ch in "\n\t" or category[0] != "C":
        return ch
    return " " if category == "Cc" else ""


def doc_button(doc: FaqEntry | Announcement) -> Button:
    """A button that opens `doc`, labelled with its question or title (in full on a
    numbered line)."""
    kind = "faq" if isinstance(doc, FaqEntry) else "ann"
    label = " ".join(doc.title.split())
    return Button(button_label(label), make_action(kind, doc.id), full_label=label)


def document_reply(
    doc: FaqEntry | Announcement,
    settings: Settings,
    related: Sequence[Hit] = (),
    *,
    today: dt.date,
    full: bool = False,
) -> Reply:
    """An FAQ answer or an announcement, with its source and related entries as buttons.
    A notice past its expiry date (`today` tells) opens with a note saying so."""
    buttons = [doc_button(hit.doc) for hit in related]
    lead = 0
    if isinstance(doc, FaqEntry):
        text = plaintext.plain(doc.answer)
        title, footer = doc.question, msg.faq_source(settings.ward_name)
        links = tuple(Link(msg.READ_MORE, url) for url in doc.links)
    else:
        body = plaintext.blocks(doc.body)
        limit = FULL_TEXT_CHARS if full else ANNOUNCEMENT_PREVIEW_CHARS
        text, trimmed = plaintext.preview(body, limit)
        if trimmed and full:
            text += "\n\n" + msg.rest_elsewhere(settings.ward_name, has_source=bool(doc.source))
        elif trimmed:
            text += f"\n\n{msg.TRIMMED_NOTE}"
            buttons.insert(0, Button(msg.FULL_TEXT_BUTTON, make_action("full", doc.id)))
            lead = 1  # not a related question: before them, apart
        if doc.expires is not None and not doc.is_current(today):
            text = f"{msg.expired_note(doc.expires)}\n\n{text}"
        title, footer = doc.title, msg.announcement_source(doc.date)
        links = (Link(msg.ORIGINAL_DOCUMENT, doc.source),) if doc.source else ()
    return Reply(
        text,
        title=title,
        footer=footer,
        buttons=tuple(buttons),
        links=links,
        buttons_title=_related_title(related),
        lead=lead,
    )


def excerpt_reply(part: followup.Excerpt, settings: Settings, today: dt.date) -> Reply:
    """The lines of an entry that answer a follow-up about it ("Lệ phí: 70.000 đồng"),
    under its question or title, with a button that opens it whole."""
    whole = document_reply(part.doc, settings, today=today)
    kind = "faq" if isinstance(part.doc, FaqEntry) else "ann"
    text = "\n".join(part.lines)
    doc = part.doc
    if isinstance(doc, Announcement) and doc.expires is not None and not doc.is_current(today):
        text = f"{msg.expired_note(doc.expires)}\n\n{text}"
    button = Button(msg.WHOLE_ANSWER_BUTTON, make_action(kind, part.doc.id))
    return replace(whole, text=text, buttons=(button,), buttons_title=None, lead=1)


def _related_title(related: Sequence[Hit]) -> str | None:
    """ "Câu hỏi liên quan:", or "Nội dung liên quan:" when notices are among them."""
    if not related:
        return None
    return msg.related(notices=_any_notice(related))


def _any_notice(hits: Sequence[Hit]) -> bool:
    """Whether notices are among `hits`: a notice's title is no question ("câu hỏi")."""
    return any(isinstance(hit.doc, Announcement) for hit in hits)


def alert_reply(doc: Announcement, topic_names: Sequence[str] = ()) -> Reply:
    """A new notice pushed to its subscribers: title, date, first lines, 'read it all'."""
    text, _ = plaintext.preview(plaintext.blocks(doc.body), ALERT_PREVIEW_CHARS)
    return Reply(
        text,
        title=msg.alert_title(doc.title),
        footer=msg.alert_footer(doc.date, topic_names),
        buttons=(Button(msg.FULL_TEXT_BUTTON, make_action("full", doc.id)),),
        links=(Link(msg.ORIGINAL_DOCUMENT, doc.source),) if doc.source else (),
    )


def broadcast_reply(text: str, ward_name: str) -> Reply:
    """A staff broadcast pushed to followers: who sends it and, as under an alert, how to
    stop (`ward_name` empty: no title)."""
    title = msg.broadcast_title(ward_name) if ward_name else None
    return Reply(text, title=title, footer=msg.ALERT_STOP)


@dataclass(frozen=True)
class Correction:
    """A notice the chat was alerted to, edited since in its numbers: the notice as it
    reads now, the names of the topics the chat follows it by, the numbers the chat read
    (`told`) and its title then (`told_title`; "" when unchanged)."""

    doc: Announcement
    topic_names: Sequence[str]
    told: frozenset[str]
    told_title: str = ""


def _changed_lines(doc: Announcement, told: frozenset[str], chars: int) -> str:
    """The lines of `doc` that write a number (or a word calling it off) the chat did
    not read (`told`), else its first lines: about `chars` characters."""
    body = plaintext.plain(doc.body)
    lines = facts.lines_with(body, facts.unread(facts.facts(body), told, doc.date))
    if lines:
        return plaintext.cut_text("\n".join(lines), chars)
    return plaintext.preview(plaintext.blocks(doc.body), chars)[0]


def correction_reply(correction: Correction, ward_name: str) -> Reply:
    """A notice the chat was alerted to, edited since in its numbers: the lines that
    write a number it did not read (else its first lines), and 'read it all' as in its
    alert."""
    doc = correction.doc
    return replace(
        alert_reply(doc, correction.topic_names),
        text=_changed_lines(doc, correction.told, ALERT_PREVIEW_CHARS),
        title=msg.correction_title(ward_name, doc.title, was=correction.told_title),
    )


ALERT_BURST_LINE_CHARS = 140  # each notice of a burst: its title, and its first line


def alerts_reply(
    notices: Sequence[tuple[Announcement, Sequence[str]]],
    corrections: Sequence[Correction] = (),
    ward_name: str = "",
) -> Reply:
    """Notices published together, pushed to a chat as one message (wardbot.outbox): each
    one's title, date and first line, and a button that opens it whole; then the notices
    alerted before and corrected meanwhile (the night's, in the morning), each with the
    lines that changed. One notice is alerted as `alert_reply` shows it, one correction
    as `correction_reply`. `notices`: each with the names of the topics the chat follows
    it by."""
    if len(notices) == 1 and not corrections:
        return alert_reply(*notices[0])
    if len(corrections) == 1 and not notices:
        return correction_reply(corrections[0], ward_name)
    items = []
    for doc, _ in notices:
        # Its first paragraph, on one line (a heading says less than the text under it).
        first = next((b.text for b in plaintext.blocks(doc.body) if not b.heading), "")
        line = plaintext.cut_text(" ".join(first.split()), ALERT_BURST_LINE_CHARS)
        items.append(msg.alert_burst_item(doc.date, doc.title, line))
    for fixed in corrections:
        changed = _changed_lines(fixed.doc, fixed.told, ALERT_BURST_LINE_CHARS)
        line = " ".join(changed.split())
        items.append(
            msg.correction_burst_item(fixed.doc.date, fixed.doc.title, line, fixed.told_title)
        )
    names = [name for _, topic_names in notices for name in topic_names]
    names += [name for fixed in corrections for name in fixed.topic_names]
    docs = [doc for doc, _ in notices] + [fixed.doc for fixed in corrections]
    return Reply(
        "\n\n".join(items),
        title=msg.alert_burst_title(len(notices), len(corrections), ward_name),
        footer=msg.alert_footer(None, list(dict.fromkeys(names))),
        buttons=tuple(open_button(doc) for doc in docs),
        buttons_title=msg.ALERT_BURST_OPEN,
    )


def open_button(doc: Announcement) -> Button:
    """The button that opens `doc` whole, under its title (one notice among several)."""
    return Button(button_label(doc.title), make_action("full", doc.id), full_label=doc.title)


def wrong_button(question: str) -> Button:
    """ "🙁 Chưa đúng ý tôi hỏi" under the answer to `question`: "sai rồi" in one tap. It
    names the question as the log keeps it, which tells it after a restart too."""
    return Button(msg.WRONG_BUTTON, f"wrong:{_logged_digest(question)}", tap_only=True)


def _logged_digest(question: str) -> str:
    """`digest` of `question` as the question log keeps it (numbers blanked, cut)."""
    return digest(_as_logged(question))


def _as_logged(question: str) -> str:
    """`question` as the question log keeps it (numbers blanked, cut)."""
    return scrub(question)[:MAX_LOGGED_CHARS]


def _with_button(reply: Reply, button: Button | None) -> Reply:
    """`reply` with `button` last among its choices (unchanged without one)."""
    return reply if button is None else replace(reply, buttons=(*reply.buttons, button))


def no_answer_reply(
    answer: Answer, settings: Settings, staff: tuple[str, Button] | None = None
) -> Reply:
    """Not sure: 'Có phải anh/chị muốn hỏi một trong các câu dưới đây?' with the close
    matches the engine offers (the text asks it: no title above them); nothing plausible:
    'no information yet' and whom to call. `staff`: the offer to pass the question to
    ward staff (what it means, and its button); last, to a question plainly in another
    language, a line in English saying that the bot reads Vietnamese only."""
    extra, ask = ((f"\n\n{staff[0]}",), (staff[1],)) if staff else ((), ())
    if plainly_foreign(answer.question):  # asking to reword in Vietnamese reaches nobody
        extra = (*extra, "\n\n" + msg.in_vietnamese_only(settings.ward_name, settings.ward_hotline))
    if answer.offers:
        return Reply(
            "".join(
                (
                    msg.offer(
                        settings.ward_name,
                        settings.ward_hotline,
                        len(answer.offers),
                        notices=_any_notice(answer.offers),
                    ),
                    *extra,
                )
            ),
            buttons=(*(doc_button(hit.doc) for hit in answer.offers), *ask),
        )
    return Reply(
        "".join((msg.no_answer(settings.ward_name, settings.ward_hotline), *extra)),
        buttons=ask,
        keeps_choices=not ask,
    )


def not_stated_reply(
    title: str, aspects: Sequence[str], settings: Settings, staff: tuple[str, Button] | None
) -> Reply:
    """A follow-up asking only what the entry `title` just given does not say (its fee,
    time...): that it does not, whom to call, and `staff` (as `no_answer_reply`)."""
    text = msg.not_stated(title, aspects, settings.ward_name, settings.ward_hotline)
    if staff is None:
        return Reply(text, keeps_choices=True)
    return Reply(f"{text}\n\n{staff[0]}", buttons=(staff[1],))


class Conversation:
    """Turns what a resident sends into replies. One instance serves every chat."""

    def __init__(
        self,
        engine: Searcher,
        store: Store,
        settings: Settings,
        *,
        admin: AdminCommands | None = None,
        desk: StaffDesk | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.engine = engine
        self.store = store
        self.settings = settings
        self.admin = admin
        self.desk = desk
        self.clock = clock
        # Channels whose chats cannot be pushed to (the web chat: a closed page); their
        # residents follow topics on the channels `alert_links` names instead.
        self.no_alerts: frozenset[str] = frozenset()
        self.alert_links: Callable[[], Sequence[Link]] = tuple
        # Per chat and (in a group) member, the latest question as typed, whether it was
        # answered, when and by whom: what "sai rồi" takes back (in a group, one's own, when
        # another member asked since too), offers to staff as the resident wrote it, and
        # finds other close matches to, with or without the question log
        # (QUESTION_LOG_DAYS=0, a read-only data folder); and whether it is the resident's
        # wording (not so a follow-up about an entry, kept after the entry's own question:
        # see `_note_pick`). See `_last_asked`.
        self._asked: LastPerChat[dict[str | None, Asked]] = LastPerChat(ASKED_KEPT)
        # Per private chat, the one close match its latest message was asked about ("có
        # phải anh/chị muốn hỏi câu dưới đây?") and when: what "có", "đúng rồi" opens.
        self._offered: LastPerChat[tuple[str, float]] = LastPerChat(ASKED_KEPT)
        # Per chat, the entry its latest question was answered with, or the close matches
        # it was offered, when, and (in a group) for whom: the subject a follow-up ("mất
        # bao lâu?") asks more about (wardbot.followup). Ids only: what the resident typed
        # is in `_asked` already. In memory: a restart forgets it, as /forget does.
        self._context: LastPerChat[tuple[tuple[str, ...], float, str | None]] = LastPerChat(
            ASKED_KEPT
        )
        # Per chat and (in a group) member, a question that named no procedure ("lệ phí
        # bao nhiêu?") and when: the bot asked which procedure, and the next question
        # names it. In a group, each member's own: two may be asked at once.
        self._unnamed: LastPerChat[dict[str | None, tuple[str, float]]] = LastPerChat(ASKED_KEPT)
        # The private chats whose subject written down before a restart was read (or
        # replaced) since the start: `_recall_context`.
        self._recalled: LastPerChat[bool] = LastPerChat(ASKED_KEPT)

    # --- entry points -------------------------------------------------------------

    async def handle_text(
        self,
        chat: ChatRef,
        text: str,
        *,
        typing: Typing | None = None,
        sender: str | None = None,
    ) -> list[Reply]:
        """Reply to a text message. `typing` is awaited alongside a search, if given.

        `sender` is the platform's id of the person who wrote (for admin commands, and a
        group's subscriptions); in a private chat it is usually the chat id.
        """
        text = _clean(text).strip()
        if len(text) > MAX_MESSAGE_CHARS and not await self._for_staff(chat, text):
            return [Reply(msg.too_long(MAX_MESSAGE_CHARS))]
        if self.admin is not None and self.admin.handles(chat, sender, text):
            return await self.admin.handle(chat, text)
        if self.admin is not None and (own_id := self.admin.refuses(chat, sender, text)):
            return [Reply(msg.admins_only(self.settings.ward_name, own_id))]
        intent = parse_intent(text)
        manages = self._manages(chat, sender)
        await self._recall_context(chat)
        return await self._dispatch(chat, intent, text, typing, manages=manages, sender=sender)

    def longest_message(self) -> int:
        """The longest message any chat may send (a channel refuses longer ones before
        they reach `handle_text`, which decides between MAX_MESSAGE_CHARS and, for a
        message to staff, MAX_STAFF_MESSAGE_CHARS)."""
        return MAX_STAFF_MESSAGE_CHARS if self.desk is not None else MAX_MESSAGE_CHARS

    async def ticket_open(self, chat: ChatRef) -> bool:
        """Whether the chat has a ticket open, so that its messages reach staff too: a
        number not on the list shown answers them ("5", people in the household)."""
        if self.desk is None or not chat.private:
            return False
        try:
            return await self.desk.active(chat) is not None
        except Exception:  # a locked database: the list's reply, as without a desk
            log.exception("could not check for a ticket")
            return False

    async def _for_staff(self, chat: ChatRef, text: str) -> bool:
        """Whether a message too long for a question goes to staff, who read it whole."""
        if len(text) > MAX_STAFF_MESSAGE_CHARS:
            return False
        if self.desk is not None and chat.private and parse_intent(text).kind == "staff":
            return True  # /hoicanbo TEXT
        return await self._relays(chat)

    async def _relays(self, chat: ChatRef) -> bool:
        """Whether the chat's next message goes to staff (a ticket open, or the question
        for them awaited)."""
        if self.desk is None or not chat.private:
            return False
        try:
            return await self.desk.listening(chat)
        except Exception:  # a locked database: as without a desk
            log.exception("could not check for a ticket")
            return False

    async def attachment_note(self, chat: ChatRef, *, typed: bool) -> str:
        """What a resident is told of a photo, a file or a sticker they sent (`typed`: with
        text under it, which is answered or passed on as any message): the bot does not
        see it; while the chat's messages go to staff, staff do not get it either."""
        if await self._relays(chat):
            return msg.attachment_not_relayed(self.settings.ward_name, typed=typed)
        return msg.attachment_unread() if typed else msg.please_type()

    async def handle_action(
        self, chat: ChatRef, action: str, *, sender: str | None = None
    ) -> list[Reply]:
        """Reply to a button press (or, on channels without buttons, a numbered choice);
        `sender` is who pressed it, as in `handle_text`."""
        kind, _, ref = action.partition(":")
        # "Có" answers the offer only as the next message: a choice made is one.
        self._offered.drop((chat.channel, chat.chat_id))
        if self.admin is not None and self.admin.acts(chat, sender, action):
            return await self.admin.act(chat, action)
        if self.admin is not None and (own_id := self.admin.refuses_action(chat, sender, action)):
            return [Reply(msg.admins_only(self.settings.ward_name, own_id))]
        if kind in ("faq", "ann", "doc"):
            doc = await self._document_now(ref)
            if doc is None:
                return [Reply(msg.not_found())]
            # Picked (from a list still on screen): the subject now, no procedure awaited.
            self._unnamed_pending(chat, sender, drop=True)
            if isinstance(doc, FaqEntry):
                await self._note_pick(chat, doc, sender)
            await self._keep_context(chat, (doc.id,), sender)
            return [await self._document_reply(doc)]
        if kind == "full":
            doc = await self._document_now(ref)
            if not isinstance(doc, Announcement):
                return [Reply(msg.not_found())]
            await self._keep_context(chat, (doc.id,), sender)
            return [await self._document_reply(doc, full=True)]
        if (
            kind in (*TOPIC_ACTIONS, "dropall", "topics", "mysubs")
            and chat.channel in self.no_alerts
        ):
            return [self._alerts_elsewhere()]
        if kind == "dropall":
            if not self._manages(chat, sender):
                return [Reply(msg.group_staff_only(self.settings.ward_name))]
            return [await self._drop_all(chat, in_place=True)]
        if kind in TOPIC_ACTIONS:
            stops = kind in ("unsub", "drop")
            topic = self._topic(ref, await self.store.subscriptions_of(chat) if stops else ())
            if topic is None:
                return [Reply(msg.not_found())]
            if not self._manages(chat, sender):
                return [Reply(msg.group_staff_only(self.settings.ward_name))]
            return [await self._toggle(chat, kind, topic)]
        if kind == "wrong":
            # Under the chat's latest answer only: "sai rồi" takes back the latest question.
            asked = self._last_asked(chat, sender)
            if asked is not None:
                latest: str | None = asked[0]
            else:  # since a restart: the chat's latest question, as logged, if any
                latest = await self._latest_logged(chat)
            if latest is not None and _logged_digest(latest) != ref:
                return [Reply(msg.wrong_button_stale(), keeps_choices=True)]
            await self._keep_context(chat, (), sender)  # no subject to follow up
            return [await self._wrong(chat, sender)]
        if kind == "staff" and ref == "ask":
            if self.desk is None or not chat.private:
                return [self._staff_unavailable(chat)]
            return await self.desk.accept(chat)
        if kind in ("topics", "latest", "mysubs", "help") and not ref:
            return await self._dispatch(chat, Intent(kind), "", None)
        return [Reply(msg.not_found())]

    # --- dispatch -----------------------------------------------------------------

    def _manages(self, chat: ChatRef, sender: str | None) -> bool:
        """Whether `sender` may change what the chat follows or /forget it: anyone in their
        own chat; in a group, ward staff only, so that no member stops a whole group's
        alerts or deletes what it follows."""
        return chat.private or (sender is not None and self.settings.is_admin(chat.channel, sender))

    async def _dispatch(
        self,
        chat: ChatRef,
        intent: Intent,
        text: str,
        typing: Typing | None,
        *,
        manages: bool = True,
        sender: str | None = None,
    ) -> list[Reply]:
        s = self.settings
        offered = self._offered.pop((chat.channel, chat.chat_id))  # for the next only
        follow = await self._follow_button(chat, intent, manages)
        if self.desk is not None and chat.private and intent.kind in RELAYED_INTENTS:
            try:
                replies = await self._with_desk(self.desk, chat, intent, text, typing, follow)
            except Exception:  # a locked database: the bot still answers what it knows
                log.exception("could not check for a ticket; answering as the bot")
                replies = None
            if replies is not None:
                return replies
        if chat.channel in self.no_alerts and self._about_alerts(intent):
            return [self._alerts_elsewhere()]
        match intent.kind:
            case "start" | "greet" if chat.channel in self.no_alerts:
                alerts, links = self._alerts_where(chat)
                return [Reply(msg.greeting(s.ward_name, alerts=alerts), links=links)]
            case "start":
                return [Reply(msg.greeting(s.ward_name)), await self._topics_reply(chat)]
            case "greet":
                return [Reply(msg.greeting(s.ward_name))]
            case "help":
                staff = self.desk is not None
                alerts, links = self._alerts_where(chat)
                text = msg.help_text(s.ward_name, s.ward_hotline, staff=staff, alerts=alerts)
                return [Reply(text, links=links)]
            case "ack" if offered is not None:
                # "Dạ vâng", "ừ" answering "có phải anh/chị muốn hỏi câu dưới đây?": a yes.
                return [await self._yes(chat, offered)]
            case "thanks" | "ack" | "bye" | "wish":
                return [_small_talk_reply(intent.kind)]
            case "yes":
                return [await self._yes(chat, offered)]
            case "wrong" if (unnamed := self._unnamed_pending(chat, sender)) is not None:
                # Said to "which procedure?": no answer since to take back (an earlier
                # one is no longer the latest); the procedure is still what is missing.
                return [self._which_procedure(chat, followup.asks_only(unnamed))]
            case "wrong":
                await self._keep_context(chat, (), sender)
                return [await self._wrong(chat, sender)]
            case "empty" | "huh":  # "?", "...", "hả?", "gì vậy"
                return [Reply(msg.ask_what(), keeps_choices=True)]
            case "opener":  # "cho em hỏi": the question comes next
                return [Reply(msg.go_ahead(), keeps_choices=True)]
            case "number":  # no list on screen, or too long a number to pick from one
                return [Reply(msg.no_list_to_pick(intent.arg), keeps_choices=True)]
            case "unknown_command":
                return [Reply(msg.unknown_command(intent.arg))]
            case "topics":
                return [await self._topics_reply(chat)]
            case "mysubs":
                return [await self._mysubs_reply(chat)]
            case "latest":
                return [self._latest_reply()]
            case "forget":
                if not manages:
                    return [Reply(msg.group_staff_only(self.settings.ward_name))]
                if self.desk is not None:
                    await self.desk.forget(chat)
                await self.store.forget(chat)
                self._asked.drop((chat.channel, chat.chat_id))
                self._context.drop((chat.channel, chat.chat_id))
                self._unnamed.drop((chat.channel, chat.chat_id))
                return [Reply(msg.forget_done(group=not chat.private))]
            case "staff":
                if self.desk is None and intent.arg:
                    # No staff desk: the question after /hoicanbo is answered like any other.
                    return await self._answer(chat, intent.arg, typing, sender=sender)
                if self.desk is None or not chat.private:
                    return [self._staff_unavailable(chat)]
                return await self.desk.request(chat, intent.arg)
            case "subscribe":
                replies = await self._subscribe(chat, intent, manages)
                if replies is not None:
                    return replies
            case "unsubscribe":
                replies = await self._unsubscribe(chat, intent, manages)
                if replies is not None:
                    return replies
        if intent.kind == "question":  # "ok, còn lệ phí thì sao?": a follow-up, as alone
            text = after_courtesies(text)
        return await self._answer(chat, text, typing, follow, sender=sender)

    def _about_alerts(self, intent: Intent) -> bool:
        """Whether the message is about following topics (not a question naming one)."""
        if intent.kind in ("topics", "mysubs"):
            return True
        if intent.kind not in ("subscribe", "unsubscribe"):
            return False
        return (
            intent.explicit or not intent.arg or self._resolve(intent.arg, strict=True) is not None
        )

    def _alerts_where(self, chat: ChatRef) -> tuple[str, tuple[Link, ...]]:
        """Where `chat` gets alerts (messages.HERE, ELSEWHERE, NOWHERE), and the links to
        the ward's bots that send them, for the texts that speak of alerts."""
        if chat.channel not in self.no_alerts:
            return msg.HERE, ()
        links = tuple(self.alert_links())
        return (msg.ELSEWHERE if links else msg.NOWHERE), links

    def _alerts_elsewhere(self) -> Reply:
        links = tuple(self.alert_links())
        return Reply(msg.alerts_elsewhere(self.settings.ward_name, bool(links)), links=links)

    def _staff_unavailable(self, chat: ChatRef) -> Reply:
        if self.desk is not None and not chat.private:
            return Reply(msg.staff_private_only(self.settings.ward_name))
        return Reply(msg.staff_unavailable(self.settings.ward_name, self.settings.ward_hotline))

    async def _with_desk(
        self,
        desk: StaffDesk,
        chat: ChatRef,
        intent: Intent,
        text: str,
        typing: Typing | None,
        follow: Button | None,
    ) -> list[Reply] | None:
        """A message in a private chat while staff may be involved: the question the
        resident was asked to type for staff; or, with a ticket open, a message that also
        goes to staff (the bot still answers what it knows). None: staff are not involved."""
        if intent.kind == "question":
            opened = await desk.awaited(chat, text)
            if opened is not None:
                return opened
        ticket = await desk.active(chat)
        if ticket is None:
            return None
        courtesy = intent.kind in COURTESY
        relayed = await desk.follow_up(chat, ticket, text, courtesy=courtesy)
        if intent.kind in SMALL_TALK:
            return [_small_talk_reply(intent.kind)]
        if intent.kind != "question":
            return [relayed]
        text = after_courtesies(text)  # staff have it whole; "ok, còn lệ phí?" asks the rest
        if followup.asks_only(text) and self._subject(chat, None) is None:
            # "cần giấy tờ gì" naming no procedure, no answer before it: staff, who have
            # the ticket's question, know which it means (alone, it gets a birth's papers).
            return [relayed]
        # No "🙁 Chưa đúng ý": "sai rồi" goes to staff, as all the resident writes now.
        each = await self._answer_each(chat, text, typing, follow, wrong=False)
        if each:
            return each
        answer = await self._search(text, typing)
        more, keeps = await self._try_follow_up(chat, text, answer, follow, None, staff=False)
        if more is not None:
            return more or [relayed]  # unsure: staff, who have it, answer it
        await self._record(chat, text, answer.answered, None)
        if answer.answered and answer.best is not None:
            await self._keep_context(chat, (answer.best.id,), None)
            return [_with_button(await self._document_reply(answer.best.doc), follow)]
        if not keeps:  # no close matches shown: nothing to follow up
            await self._keep_context(chat, (), None)
        return [relayed]

    # --- questions ----------------------------------------------------------------

    async def _answer(
        self,
        chat: ChatRef,
        question: str,
        typing: Typing | None,
        follow: Button | None = None,
        *,
        sender: str | None = None,
    ) -> list[Reply]:
        """The answer, or the close matches, or 'no information yet'; `follow` (a topic to
        follow) last under any of them. `sender`: who asked, in a group. A message asking
        two or three questions gets an answer to each, when each has one. One asking only
        what any procedure has ("lệ phí bao nhiêu?"), with no answer before it to ask more
        about, is asked which procedure it means: alone, it would get whichever procedure's
        fee fits its few words best; the procedure named next is asked about with it."""
        aspects = followup.asks_only(question)
        if aspects and self._subject(chat, sender) is None:
            self._note_unnamed(chat, sender, question)
            return [self._which_procedure(chat, aspects)]
        unnamed = self._unnamed_pending(chat, sender, drop=True)
        if unnamed is not None:
            question = f"{question} {unnamed}"  # "căn cước" + "lệ phí bao nhiêu?"
        each = await self._answer_each(chat, question, typing, follow, sender)
        if each:
            return each
        answer = await self._search(question, typing)
        more, keeps = await self._try_follow_up(chat, question, answer, follow, sender)
        if more is not None:
            return more
        await self._record(chat, question, answer.answered, sender)
        if answer.answered and answer.best is not None:
            await self._keep_context(chat, (answer.best.id,), sender)
            reply = _with_button(
                await self._document_reply(answer.best.doc), wrong_button(question)
            )
            return [_with_button(reply, follow)]
        if not keeps:
            await self._keep_context(chat, tuple(hit.id for hit in answer.offers), sender)
        staff = await self._staff_offer(chat, question)
        if len(answer.offers) == 1 and chat.private:
            self._offered.set((chat.channel, chat.chat_id), (answer.offers[0].id, self.clock()))
        return [_with_button(no_answer_reply(answer, self.settings, staff), follow)]

    def _which_procedure(
        self, chat: ChatRef, aspects: tuple[str, ...], *, listed: bool = False
    ) -> Reply:
        """Asking which procedure a question naming none means (in a group, to be answered
        in a reply to it: the bot reads no other message there but those naming it).
        `listed`: close matches were just offered; they stay on screen to pick from."""
        text = msg.which_procedure(aspects, group=not chat.private, listed=listed)
        return Reply(text, keeps_choices=True)

    def _note_unnamed(self, chat: ChatRef, sender: str | None, question: str) -> None:
        """`question` named no procedure: the chat's (in a group, `sender`'s) next names it."""
        since = self.clock() - followup.FOLLOW_UP_WITHIN
        kept = self._unnamed.get((chat.channel, chat.chat_id), {})
        kept = {who: was for who, was in kept.items() if was[1] >= since}  # the others'
        kept[None if chat.private else sender] = (question, self.clock())
        self._unnamed.set((chat.channel, chat.chat_id), kept)

    def _unnamed_pending(
        self, chat: ChatRef, sender: str | None, *, drop: bool = False
    ) -> str | None:
        """The question naming no procedure the chat (in a group, `sender`) was just asked
        about ("anh/chị đang hỏi về thủ tục nào?"), while the procedure is awaited; or None.
        `drop`: forgotten, as the procedure named now is asked about with it."""
        kept = self._unnamed.get((chat.channel, chat.chat_id), {})
        who = None if chat.private else sender
        unnamed = kept.pop(who, None) if drop else kept.get(who)
        if unnamed is None or unnamed[1] < self.clock() - followup.FOLLOW_UP_WITHIN:
            return None
        return unnamed[0]

    async def _answer_each(
        self,
        chat: ChatRef,
        question: str,
        typing: Typing | None,
        follow: Button | None,
        sender: str | None = None,
        *,
        wrong: bool = True,
    ) -> list[Reply]:
        """For a message asking two or three questions each with an answer of its own: an
        answer to each (`follow` under the last, and `wrong`: "🙁 Chưa đúng ý tôi hỏi"),
        logged as one question; else []."""
        each = await self._each_answered(question, typing)
        if not each:
            return []
        await self._record(chat, question, True, sender)
        # A follow-up next ("lệ phí bao nhiêu?") is about the message: about them all.
        await self._keep_context(chat, tuple(doc.id for doc in each), sender)
        replies = [document_reply(doc, self.settings, today=self.engine.today) for doc in each]
        last = replies[-1]
        if wrong:
            last = _with_button(last, wrong_button(question))  # takes back all of them
        return [*replies[:-1], _with_button(last, follow)]

    async def _yes(self, chat: ChatRef, offered: tuple[str, float] | None) -> Reply:
        """ "Có", "đúng rồi": to the one close match just asked about, it opens; otherwise
        it is an acknowledgement, and a number typed next still picks from the list."""
        doc = None
        if offered is not None and offered[1] >= self.clock() - YES_WITHIN:
            doc = self._document(offered[0])
        if doc is None:
            return Reply(msg.acknowledged(), keeps_choices=True)
        await self._keep_context(chat, (doc.id,), None)
        return await self._document_reply(doc)

    # --- follow-up questions ("mất bao lâu?") ---------------------------------------

    async def _keep_context(self, chat: ChatRef, ids: tuple[str, ...], sender: str | None) -> None:
        """The entry the chat was just answered with (or the close matches offered): what
        a follow-up asks more about. None offered: there is no subject to follow up. In a
        private chat it is written down too (ids and when: `Store.keep_subject`), so that a
        follow-up handled after a restart is still about it. In a group, a member left
        with no subject ("sai rồi" to their own answer after another member asked) leaves
        another member's alone."""
        key = (chat.channel, chat.chat_id)
        if ids:
            self._context.set(key, (ids, self.clock(), None if chat.private else sender))
        elif chat.private or self._context.get(key, ((), 0.0, sender))[2] == sender:
            self._context.drop(key)
        if not chat.private or not self.store.writable:
            return
        self._recalled.set(key, True)  # what memory holds now is the latest
        now = self.clock()
        try:
            await self.store.keep_subject(chat, ids, now, now - followup.FOLLOW_UP_WITHIN)
        except Exception as exc:  # a locked database: only a restart would forget it
            log.debug("the subject of a chat's follow-ups is not kept: %s", exc)

    async def _recall_context(self, chat: ChatRef) -> None:
        """For a private chat nothing was answered in since the start (the bot restarted,
        and a follow-up it left in the inbox is handled now): the subject written down
        before, read once."""
        key = (chat.channel, chat.chat_id)
        if not chat.private or key in self._context or key in self._recalled:
            return
        self._recalled.set(key, True)
        try:
            kept = await self.store.subject(chat, self.clock() - followup.FOLLOW_UP_WITHIN)
        except Exception as exc:  # a locked database: as without it
            log.debug("the subject of a chat's follow-ups cannot be read: %s", exc)
            return
        if kept is not None:
            self._context.set(key, (kept[0], kept[1], None))

    def _subject(
        self, chat: ChatRef, sender: str | None
    ) -> tuple[str, FaqEntry | Announcement | None] | None:
        """What the chat (in a group, `sender`) was answered about a short while ago: the
        entry's question or title and the entry; after close matches were offered, the
        question they were offered for and None. None: no subject to follow up."""
        key = (chat.channel, chat.chat_id)
        since = self.clock() - followup.FOLLOW_UP_WITHIN
        context = self._context.get(key, None)
        if context is None or context[1] < since:
            return None
        ids, _, asker = context
        if not chat.private and asker != sender:
            return None
        if len(ids) == 1 and (doc := self._document(ids[0])) is not None:
            return doc.title, doc
        asked = self._last_asked(chat, sender)  # the question they were offered for
        return (asked[0], None) if asked is not None and asked[2] >= since else None

    async def _try_follow_up(
        self,
        chat: ChatRef,
        question: str,
        alone: Answer,
        follow: Button | None,
        sender: str | None,
        *,
        staff: bool = True,
    ) -> tuple[list[Reply] | None, bool]:
        """`question` (answered `alone` as it is) as a follow-up, if it is one: its replies
        (see `_follow_up`), or None: it is read alone; and then whether the subject stays
        (an entry, through a follow-up nothing answers: "có cần ảnh không"; after close
        matches, the question kept for them would be this one now)."""
        subject = self._subject(chat, sender)
        if subject is None or not followup.follows_up(question, alone.answered):
            return None, False
        more = await self._follow_up(chat, question, subject, alone, follow, sender, staff=staff)
        return more, more is None and subject[1] is not None

    async def _follow_up(
        self,
        chat: ChatRef,
        question: str,
        subject: tuple[str, FaqEntry | Announcement | None],
        alone: Answer,
        follow: Button | None,
        sender: str | None,
        *,
        staff: bool = True,
    ) -> list[Reply] | None:
        """A follow-up answered: from the lines of the entry just given that say what it
        asks (its fee, time, place), or with the entry the subject and it asked together
        find. Still unsure, where the message asks only what any procedure has ("lệ phí
        bao nhiêu", "mất bao lâu?"): that the entry does not say it, and whom to ask (alone,
        it would get another procedure's fee, or whatever fits "mất"); after close matches,
        where it was answered alone: those to both, or 'no information'; else None, and it
        is answered alone (so
        too when `alone` found the entry on it listed under the one given, that both asked
        together find next to it: "Lệ phí làm thẻ căn cước" after the ID card).
        `staff`: False with a ticket open, where staff get the message and "sai rồi":
        no "🙁 Chưa đúng ý", and unsure, [] (not the bot's no-answer)."""
        wrong = wrong_button if staff else lambda _: None
        about, doc = subject
        asked = f"{about} {question}"
        worded = doc is None  # "<the entry's question> mất bao lâu?" is no resident's
        part = followup.excerpt(doc, question) if doc is not None else None
        if doc is not None and part is not None:
            await self._record(chat, asked, True, sender, worded=worded)
            await self._keep_context(chat, (doc.id,), sender)
            reply = excerpt_reply(part, self.settings, self.engine.today)
            return [_with_button(_with_button(reply, wrong(asked)), follow)]
        answer = await self.engine.ask_async(asked)
        best = answer.best if answer.answered else None
        if best is not None and (doc is None or best.id != doc.id):
            await self._record(chat, asked, True, sender, worded=worded)
            await self._keep_context(chat, (best.id,), sender)
            reply = _with_button(await self._document_reply(best.doc), wrong(asked))
            return [_with_button(reply, follow)]
        if doc is None and (asks := followup.asks_only(question)):
            # About close matches offered ("lệ phí bao nhiêu?" under three procedures),
            # or several answers given at once, none of which it names: which one? A list
            # offered stays on screen to pick from (and a procedure named next is asked
            # about with it). With a ticket open, staff, who have the question, answer it.
            if not staff:
                return []
            self._note_unnamed(chat, sender, question)
            before = self._last_asked(chat, sender)
            listed = before is not None and not before[1]  # offered, not answered
            return [_with_button(self._which_procedure(chat, asks, listed=listed), follow)]
        if alone.answered and await self._beside(doc, alone, answer):
            return None
        # Asking only what the entry does not say ("mất bao lâu?"): read alone, it would
        # get whatever fits its few words (a death's registration, for "mất").
        aspects = followup.asks_only(question) if doc is not None else ()
        if not alone.answered and not aspects:
            return None
        await self._record(chat, asked, False, sender, worded=worded)
        if not staff:
            return []
        offer = await self._staff_offer(chat, asked)
        if doc is not None and aspects:
            reply = not_stated_reply(doc.title, aspects, self.settings, offer)
        else:
            unsure = Answer(asked, False, answer.results, answer.offers)
            reply = no_answer_reply(unsure, self.settings, offer)
        return [_with_button(reply, follow)]

    async def _beside(
        self, doc: FaqEntry | Announcement | None, alone: Answer, together: Answer
    ) -> bool:
        """Whether the entry `alone` answers with is one listed as related under `doc`
        and the second the follow-up and `doc` asked `together` find: more on the same
        subject (the ID card's fee), not the same question of another procedure."""
        if doc is None or alone.best is None:
            return False
        if alone.best.id not in [hit.doc.id for hit in together.results[:2]]:
            return False
        related = await asyncio.to_thread(self.engine.related, doc.id, 3)
        return any(hit.doc.id == alone.best.id for hit in related)

    async def _each_answered(
        self, question: str, typing: Typing | None
    ) -> list[FaqEntry | Announcement]:
        """For a message plainly asking several questions, the answer to each, when every
        one has its own; else []: it is asked whole (the engine would answer it with the
        entry best covering both, often neither's)."""
        parts = questions_in(question)
        if not parts:
            return []

        async def ask_each() -> list[Answer]:
            return [await self.engine.ask_async(part) for part in parts]

        if typing is None:
            answers = await ask_each()
        else:
            answers, _ = await asyncio.gather(ask_each(), typing())
        docs = [a.best.doc for a in answers if a.answered and a.best is not None]
        if len(docs) < len(parts) or len({doc.id for doc in docs}) < len(docs):
            return []
        return docs

    async def _staff_offer(self, chat: ChatRef, question: str) -> tuple[str, Button] | None:
        """In a private chat with ward staff set up: `question` kept in case the resident
        accepts, with the sentence explaining the offer and its button; else None."""
        if self.desk is None or not chat.private:
            return None
        try:
            return (await self.desk.offer(chat, question), self.desk.ask_button())
        except Exception:  # without the offer, the hotline is still there
            log.exception("could not keep the question to offer it to staff")
            return None

    async def _wrong(self, chat: ChatRef, sender: str | None) -> Reply:
        """The resident says the last answer missed ("sai rồi", "không phải"): sorry; the
        question counts as unanswered, so staff see it in /unanswered; the other close
        matches to it are offered (not again when the bot had only offered some), then
        ward staff or the hotline. In a group, only the `sender`'s own question is."""
        since = self.clock() - WRONG_WITHIN
        asked = self._last_asked(chat, sender)
        if asked is not None and asked[2] < since:
            asked = None
        taken = None
        if self.store.writable and (chat.private or asked is not None):
            # (The log keeps no asker: in a group, the member's own question by its text.)
            own = None if chat.private or asked is None else _as_logged(asked[0])
            try:
                taken = await self.store.take_back_answer(chat, since, own)
            except Exception:  # a locked database: the apology and the hotline still go
                log.exception("could not take back an answer")
        if asked is not None:  # as typed (the log blanks numbers), with or without a log
            taken = asked[:2]
            self._set_asked(chat, sender, (asked[0], False, *asked[2:]))
        offers: tuple[Hit, ...] = ()
        staff = None
        if taken is not None:
            question, answered = taken
            if answered:
                offers = await self._other_matches(question)
            staff = await self._staff_offer(chat, question)
        s = self.settings
        text = msg.wrong_answer(
            s.ward_name, s.ward_hotline, offers=len(offers), notices=_any_notice(offers)
        )
        if staff is not None:
            text = f"{text}\n\n{staff[0]}"
        buttons = (*(doc_button(hit.doc) for hit in offers), *([staff[1]] if staff else []))
        return Reply(text, buttons=buttons, keeps_choices=not buttons)

    async def _latest_logged(self, chat: ChatRef) -> str | None:
        """The chat's latest question in the log, within WRONG_WITHIN (a private chat's:
        the log keeps no asker), or None (none, or the log unreadable)."""
        if not chat.private:
            return None
        try:
            return await self.store.latest_question(chat, self.clock() - WRONG_WITHIN)
        except Exception:  # a locked database: "sai rồi" as without the check
            log.warning("could not read the chat's latest question", exc_info=True)
            return None

    async def _other_matches(self, question: str) -> tuple[Hit, ...]:
        """The close matches to `question` besides the entries it was answered with (one
        for each question of a message asking several), for "sai rồi"."""
        answer = await self.engine.ask_async(question)
        given = {doc.id for doc in await self._each_answered(question, None)}
        if not given and answer.answered and answer.best is not None:
            given = {answer.best.doc.id}
        others = (hit for hit in answer.results if hit.doc.id not in given)
        return tuple(itertools.islice(others, WRONG_OFFERS))

    async def _search(self, question: str, typing: Typing | None) -> Answer:
        if typing is None:
            return await self.engine.ask_async(question)
        # The indicator's round trip overlaps the search instead of adding to it.
        answer, _ = await asyncio.gather(self.engine.ask_async(question), typing())
        return answer

    async def _record(
        self,
        chat: ChatRef,
        question: str,
        answered: bool,
        sender: str | None,
        *,
        worded: bool = True,
    ) -> None:
        """`question` logged for /stats and /unanswered, and kept as the chat's (in a group,
        `sender`'s) latest question for "sai rồi" (`worded`: as `_asked` says)."""
        self._set_asked(chat, sender, (question, answered, self.clock(), sender, worded))
        await self._log(chat, question, answered)

    def _last_asked(self, chat: ChatRef, sender: str | None) -> Asked | None:
        """The chat's latest question (in a group, `sender`'s own), as `_record` kept it."""
        return self._asked.get((chat.channel, chat.chat_id), {}).get(
            None if chat.private else sender
        )

    def _set_asked(self, chat: ChatRef, sender: str | None, asked: Asked) -> None:
        key = (chat.channel, chat.chat_id)
        kept = dict(self._asked.get(key, {}))
        kept[None if chat.private else sender] = asked
        self._asked.set(key, kept)

    async def _note_pick(self, chat: ChatRef, entry: FaqEntry, sender: str | None) -> None:
        """The resident opened `entry` after a question the bot did not answer (or that
        they said it answered wrongly): when `entry` is one of the question's close
        matches, what they picked from the offer, /unanswered proposes it to staff as
        the entry that question is a wording of. Not after a follow-up about an entry:
        kept after that entry's own question, it is no wording of the one picked."""
        asked = self._last_asked(chat, sender)  # in a group, one's own question only
        since = self.clock() - WRONG_WITHIN
        if asked is None or asked[1] or asked[2] < since or not asked[4]:
            return
        if not (self.settings.question_log_days and self.store.writable):
            return
        try:
            answer = await self.engine.ask_async(asked[0])
            if any(hit.doc.id == entry.id for hit in answer.results):
                own = None if chat.private else _as_logged(asked[0])
                await self.store.note_choice(chat, entry.id, since, own)
        except Exception:  # the resident's answer does not wait on the log
            log.exception("could not keep the entry a resident picked")

    async def _log(self, chat: ChatRef, question: str, answered: bool) -> None:
        """The log behind /stats and /unanswered: the question, not who the resident is.
        Answering needs no disk: a full disk or a locked database loses a log line, not
        the resident's answer. A read-only data folder (see wardbot.datadir) logs nothing."""
        if self.settings.question_log_days and self.store.writable:
            try:
                await self.store.log_question(chat, scrub(question), answered, self.clock())
            except Exception as exc:
                if not refused_write(exc):
                    log.exception("could not log a question; answering anyway")
                else:  # a full disk, a lock (/healthz: 'data'): no traceback at each question
                    log.warning("could not log a question (%s); answering anyway", exc)

    async def _document_reply(self, doc: FaqEntry | Announcement, *, full: bool = False) -> Reply:
        related = await asyncio.to_thread(self.engine.related, doc.id, 3)
        return document_reply(doc, self.settings, related, today=self.engine.today, full=full)

    def notice_button(self, action: str) -> Button:
        """The button of `action` ('full:' and a notice's id) as an alert listing several
        notices showed it: under the notice's title (one gone since: "📄 Xem toàn văn")."""
        doc = self._document(action.partition(":")[2])
        if isinstance(doc, Announcement):
            return replace(open_button(doc), action=action)
        return Button(msg.FULL_TEXT_BUTTON, action)

    async def _document_now(self, ref: str) -> FaqEntry | Announcement | None:
        """`_document`, or a notice renamed since (its typo fixed) under its new name: the
        buttons of the alerts that went out under the old one still open it."""
        doc = self._document(ref)
        if doc is not None:
            return doc
        renames = await self.store.renames()
        if ref.startswith("#"):
            ref = next((old for old in renames if digest(old) == ref[1:]), ref)
        for _ in range(len(renames)):  # renamed again and again: to its last name
            if ref not in renames:
                break
            ref = renames[ref]
        return self.engine.corpus.document(ref) if ref in renames.values() else None

    def _document(self, ref: str) -> FaqEntry | Announcement | None:
        corpus = self.engine.corpus
        if not ref.startswith("#"):
            return corpus.document(ref)
        docs: Sequence[FaqEntry | Announcement] = [*corpus.faq, *corpus.announcements]
        return next((d for d in docs if digest(d.id) == ref[1:]), None)

    # --- topics and subscriptions -------------------------------------------------

    def _topic(self, ref: str, followed: Sequence[str] = ()) -> Topic | None:
        """The topic a button's `ref` (its id, or '#digest') means; among the `followed`
        ones faq.yaml no longer has too, so that they can still be stopped."""
        topics = [*self.engine.corpus.topics, *self._retired(followed)]
        if ref.startswith("#"):
            return next((t for t in topics if digest(t.id) == ref[1:]), None)
        return next((t for t in topics if t.id == ref), None)

    def _retired(self, followed: Sequence[str]) -> list[Topic]:
        """The topics in `followed` since removed from faq.yaml: named by their id, marked
        as no longer offered (alerts no longer come for them, but the chat follows them)."""
        corpus = self.engine.corpus
        return [Topic(t, msg.retired_topic(t)) for t in followed if corpus.topic(t) is None]

    def _topic_name(self, topic_id: str) -> str:
        topic = self.engine.corpus.topic(topic_id)
        return topic.name if topic else msg.retired_topic(topic_id)

    def _resolve(self, wanted: str, *, strict: bool, followed: Sequence[str] = ()) -> Topic | None:
        """The topic `wanted` names. Strict: only its id or name, never a keyword; or the
        id of one of the `followed` topics faq.yaml no longer has.

        Keywords are procedures too ('đăng ký khai sinh' is a question, not a subscription).
        """
        if strict:
            key = topic_key(wanted)
            named = (t for t in self.engine.corpus.topics if key in topic_forms(t.id, t.name))
            retired = (t for t in self._retired(followed) if key == topic_key(t.id))
            return next(named, None) or next(retired, None)
        return self.engine.find_topic(wanted)

    def _resolve_each(
        self, wanted: str, *, strict: bool, followed: Sequence[str] = ()
    ) -> list[Topic]:
        """The topics of "bhyt, học bổng", "bhyt và cư trú" (each named as `_resolve` takes
        it), when every part names one; else []."""
        parts = [part for part in topic_list(wanted) if part]
        if len(parts) < 2:
            return []
        topics = [self._resolve(part, strict=strict, followed=followed) for part in parts]
        named = [topic for topic in topics if topic is not None]
        return list(dict.fromkeys(named)) if len(named) == len(topics) else []

    async def _subscribe(self, chat: ChatRef, intent: Intent, manages: bool) -> list[Reply] | None:
        if not intent.arg or (intent.arg == "all" and not self.engine.corpus.topics):
            return [await self._topics_reply(chat)]
        if intent.arg == "all":
            if not manages:
                return [Reply(msg.group_staff_only(self.settings.ward_name))]
            return [await self._follow_all(chat)]
        strict = not intent.explicit
        topic = self._resolve(intent.arg, strict=strict)
        named = [topic] if topic else self._resolve_each(intent.arg, strict=strict)
        if not named:
            return [await self._unknown_topic(chat, intent.arg)] if intent.explicit else None
        if not manages:
            return [Reply(msg.group_staff_only(self.settings.ward_name))]
        if len(named) == 1:
            return [await self._follow(chat, named[0])]
        for each in named:
            await self.store.subscribe(chat, each.id)
        text = msg.subscribed_several(self.settings.ward_name, [each.name for each in named])
        return [Reply(text, buttons=(Button(msg.TOPICS_BUTTON, "topics"),))]

    async def _toggle(self, chat: ChatRef, kind: str, topic: Topic) -> Reply:
        """A topic's button pressed (`kind`: one of TOPIC_ACTIONS). The list it was in is
        shown again, updated in place where the channel can: the numbers on screen must keep
        meaning what the resident sees, so a button of their own topics' list shows what
        they still follow, not every topic. Under an answer, the answer stays."""
        if kind == "follow":
            return await self._follow(chat, topic)
        if kind == "sub":
            added = await self.store.subscribe(chat, topic.id)
            said = (
                msg.subscribed(self.settings.ward_name, topic.name, group=not chat.private)
                if added
                else msg.already_subscribed(topic.name)
            )
        else:
            removed = await self.store.unsubscribe(chat, topic.id)
            said = msg.unsubscribed(topic.name) if removed else msg.not_subscribed(topic.name)
        if kind == "drop" and not await self.store.subscriptions_of(chat):
            return Reply(said, buttons=(Button(msg.TOPICS_BUTTON, "topics"),), replace=True)
        listing = await (self._mysubs_reply(chat) if kind == "drop" else self._topics_reply(chat))
        numbered = listing.numbered_text and f"{said}\n\n{listing.numbered_text}"
        return Reply(
            f"{said}\n\n{listing.text}",
            buttons=listing.buttons,
            replace=True,
            numbered_text=numbered,
        )

    async def _follow(self, chat: ChatRef, topic: Topic) -> Reply:
        added = await self.store.subscribe(chat, topic.id)
        text = (
            msg.subscribed(self.settings.ward_name, topic.name, group=not chat.private)
            if added
            else msg.already_subscribed(topic.name)
        )
        return Reply(text, buttons=(Button(msg.TOPICS_BUTTON, "topics"),))

    async def _follow_all(self, chat: ChatRef) -> Reply:
        """Every topic followed at once ("/subscribe all"), as "/unsubscribe all" stops them;
        a ward's only topic followed as by its name (not "cả 1 chủ đề")."""
        topics = self.engine.corpus.topics
        if len(topics) == 1:
            return await self._follow(chat, topics[0])
        added = [await self.store.subscribe(chat, topic.id) for topic in topics]
        text = msg.subscribed_all(self.settings.ward_name, len(topics) if any(added) else 0)
        return Reply(text, buttons=(Button(msg.TOPICS_BUTTON, "topics"),))

    async def _follow_button(self, chat: ChatRef, intent: Intent, manages: bool) -> Button | None:
        """For a question like "đăng ký cư trú" naming a topic exactly (never by a keyword:
        "đăng ký tạm trú" is only a question) that the chat does not follow yet: a button
        to follow it, so that a resident who meant to subscribe is one tap away."""
        if intent.kind != "question" or not intent.arg or not manages:
            return None
        if chat.channel in self.no_alerts:
            return None
        topic = self._resolve(intent.arg, strict=True)
        if topic is None or topic.id in await self.store.subscriptions_of(chat):
            return None
        return Button(msg.subscribe_button(topic.name), make_action("follow", topic.id))

    async def _unsubscribe(
        self, chat: ChatRef, intent: Intent, manages: bool
    ) -> list[Reply] | None:
        if intent.arg == "all" and not manages:
            return [Reply(msg.group_staff_only(self.settings.ward_name))]
        if intent.arg == "all":
            return [await self._drop_all(chat)]
        followed = await self._followed(chat)
        if not intent.arg:
            # "hủy nhận tin", "đừng gửi tin nữa": which topics, or all; never all unasked.
            if not followed:
                return [Reply(msg.unsubscribed_all(0))]
            return [Reply(msg.choose_topic_to_unsubscribe(), buttons=self._unsub_buttons(followed))]
        # Only a topic's own name, id or part of its name: a keyword names a procedure too
        # ("hủy đăng ký tạm trú" asks how to cancel a temporary residence, not Cư trú).
        topic = self._resolve(intent.arg, strict=True, followed=followed)
        named = [topic] if topic else self._resolve_each(intent.arg, strict=True, followed=followed)
        if not named and intent.explicit:  # which one? only the chat's own can be meant
            names = [self._topic_name(t) for t in followed]
            return [
                Reply(
                    msg.unknown_topic_to_unsubscribe(intent.arg, names),
                    buttons=self._unsub_buttons(followed),
                    numbered_text=msg.unknown_topic_to_unsubscribe_menu(intent.arg, len(names)),
                )
            ]
        if not named:
            return None
        if not manages:
            return [Reply(msg.group_staff_only(self.settings.ward_name))]
        if len(named) > 1:
            for each in named:
                await self.store.unsubscribe(chat, each.id)
            return [Reply(msg.unsubscribed_several([each.name for each in named]))]
        removed = await self.store.unsubscribe(chat, named[0].id)
        text = msg.unsubscribed(named[0].name) if removed else msg.not_subscribed(named[0].name)
        return [Reply(text)]

    async def _unknown_topic(self, chat: ChatRef, wanted: str) -> Reply:
        """Following a topic not found: the topics there are, and a "🔔 Nhận tin" choice
        for each one the chat does not follow yet."""
        followed = set(await self.store.subscriptions_of(chat))
        topics = self.engine.corpus.topics
        buttons = tuple(
            Button(msg.subscribe_button(t.name), make_action("sub", t.id))
            for t in topics
            if t.id not in followed
        )
        return Reply(
            msg.unknown_topic(wanted, [(t.name, t.id in followed) for t in topics]),
            buttons=buttons,
            numbered_text=msg.unknown_topic_menu(wanted),
        )

    def _unsub_buttons(self, topic_ids: Sequence[str]) -> tuple[Button, ...]:
        """The buttons of the chat's own topics' list: "🔕 Bỏ nhận tin" for each, then one
        for all of them when there are several."""
        each = tuple(
            Button(msg.unsubscribe_button(self._topic_name(t)), make_action("drop", t))
            for t in topic_ids
        )
        return (*each, Button(msg.UNSUBSCRIBE_ALL_BUTTON, "dropall")) if len(each) > 1 else each

    async def _drop_all(self, chat: ChatRef, *, in_place: bool = False) -> Reply:
        count = await self.store.unsubscribe_all(chat)
        return Reply(msg.unsubscribed_all(count), replace=in_place)

    async def _topics_reply(self, chat: ChatRef) -> Reply:
        followed = set(await self.store.subscriptions_of(chat))
        topics = self.engine.corpus.topics
        buttons = tuple(
            Button(msg.unsubscribe_button(t.name), make_action("unsub", t.id))
            if t.id in followed
            else Button(msg.subscribe_button(t.name), make_action("sub", t.id))
            for t in topics
        )
        names = [(t.name, t.id in followed) for t in topics]
        return Reply(
            msg.topics_list(self.settings.ward_name, names),
            buttons=buttons,
            numbered_text=msg.topics_menu(self.settings.ward_name, names),
        )

    async def _followed(self, chat: ChatRef) -> list[str]:
        """The chat's topic ids, in the order of faq.yaml (topics since removed last)."""
        order = {topic.id: n for n, topic in enumerate(self.engine.corpus.topics)}
        followed = await self.store.subscriptions_of(chat)
        return sorted(followed, key=lambda t: order.get(t, len(order)))

    async def _mysubs_reply(self, chat: ChatRef) -> Reply:
        followed = await self._followed(chat)
        if not followed:
            return Reply(msg.mysubs([]), buttons=(Button(msg.TOPICS_BUTTON, "topics"),))
        names = [self._topic_name(t) for t in followed]
        return Reply(
            msg.mysubs(names),
            buttons=self._unsub_buttons(followed),
            numbered_text=msg.mysubs_menu(len(names)),
        )

    def _latest_reply(self, limit: int = 5) -> Reply:
        notices = self.engine.latest(limit)
        headings = [msg.announcement_heading(a.date, a.title) for a in notices]
        buttons = tuple(
            Button(
                button_label(f"{msg.vn_date(a.date)} {a.title}"),
                make_action("ann", a.id),
                full_label=heading,
            )
            for a, heading in zip(notices, headings, strict=True)
        )
        ward = self.settings.ward_name
        return Reply(
            msg.latest(ward, headings),
            buttons=buttons,
            numbered_text=msg.latest_menu(ward, len(headings)),
        )
