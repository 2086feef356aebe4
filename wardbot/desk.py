"""“Hỏi cán bộ”: a question the bot cannot answer goes to ward staff, and the answer comes back.

The desk is channel-agnostic. Residents reach it through the conversation (any channel);
staff work in one Telegram group (`STAFF_CHAT_ID`), which a `StaffRoom` (handlers/
telegram_staff.py) lets the desk post in. The flow:

1. With "no answer", a private chat is offered to pass the question on (a button, a
   numbered choice on Zalo). "hỏi cán bộ" or /hoicanbo offer the last question again, or
   take the next message. Accepting opens a ticket (wardbot.tickets).
2. `run()`, a supervised task, posts what waits for staff: each ticket in its own forum
   topic when the group has topics, else as a thread of replies; with the ticket number,
   the channel, the question and the bot's own best guesses (what the resident was told is shared).
3. A staff member replies to the bot's message (or types /r TEXT there); the answer is
   queued in the outbox for the resident's channel, signed as the ward. When it arrives
   the staff message gets a 👍; when it cannot be delivered, staff are told in the topic.
4. While the ticket is open the resident's further messages go to the same place.
5. Admins turn an answered ticket into FAQ knowledge: the question as a variant of an
   existing entry, or a new entry with the staff answer (wardbot.faq_edit), then reload.

Only replies to the bot's messages and /r are relayed: staff talking among themselves in
a topic never reaches a resident.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import datetime as dt
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from wardbot import messages as msg
from wardbot.config import Settings
from wardbot.faq_edit import FaqEditError, FaqEditor, undo_for_staff
from wardbot.hours import VIETNAM, staff_answer_time
from wardbot.models import FaqEntry, Hit
from wardbot.redact import blank_found, for_faq
from wardbot.reply import Button, Reply, button_label, digest
from wardbot.store import ChatRef, OutboxItem
from wardbot.tickets import AnsweredJustNow, Ticket, TicketBook, TicketMessage, Withdrawal

if TYPE_CHECKING:
    from wardbot.ports import Searcher

log = logging.getLogger(__name__)

OFFER_KEEP = 86400.0  # an offered question can be accepted for a day
# A ticket still waiting for staff (their answer, or to be posted in the group while it is
# unreachable) or whose answer waits for the resident's channel is kept at least this long,
# however short QUESTION_LOG_DAYS (0: no question log, tickets kept a day): a question
# passed on before a long weekend or Tết is still there for staff when they are back.
WAITING_TICKET_KEEP = 14 * 86400.0
AWAIT_QUESTION = 900.0  # after a bare "hỏi cán bộ", the next 15 minutes' message is the question
# A ticket quiet this long no longer takes the resident's messages; one still waiting for
# staff does for WAITING_TICKET_KEEP: told staff answer after the holidays, the resident
# who writes more before then reaches them, on the same ticket.
TICKET_IDLE = 3 * 86400.0
# For this long after a staff answer reached a resident (on a ticket still open) they may
# still be answering it ("2", people in the household): their alerts wait meanwhile, so
# that an alert's numbered lines or buttons do not take that number (as long as
# handlers.base.ANSWERED_LIST_FRESH, a list's).
STAFF_ANSWER_FRESH = 600.0
# The meta key under which a staff group's new id is kept (+ the id it had before).
MOVED_KEY = "staff-group-moved:"
IDLE_POLL = 5.0  # how often the poster looks for work queued by another process
# While the bot cannot post in the staff group (removed from it, its rights taken away),
# how often the poster tries again (at once when Telegram says the bot is back).
GROUP_RETRY = 60.0
# A flood of tickets (one web client making up session ids, say) must not bury the staff
# group: a chat may open TICKETS_PER_HOUR tickets an hour (counted in the database and in
# memory: /forget deletes the tickets, not what they count for), and so may an address
# where the channel's chat ids are the client's own choice (ChatRef.origin); with
# MAX_WAITING tickets not yet posted (the group down, or flooded) no more are opened.
HOUR = 3600.0
TICKETS_PER_HOUR = 3
TICKETS_PER_ORIGIN_HOUR = 10  # an office's or a school's shared connection
MAX_WAITING = 30
LISTED = 30  # tickets /tickets shows; it says how many more there are
# Two officers answering one ticket at once, neither having seen the other's answer: an
# answer from another officer than the one who answered in the last ANSWER_CLASH, the
# resident silent since, is held (the resident would get two answers, perhaps differing)
# and its officer told; sent again after that, it goes.
ANSWER_CLASH = 300.0
ANSWERERS_KEPT = 1000  # staff messages relayed lately whose sender the desk remembers
# What a ticket gone by /forget or retention left in the staff group is deleted there; a
# deletion that fails (Telegram down, the bot's rights taken away) is tried again after a
# minute, then doubling up to hourly, for a week.
WITHDRAW_RETRY = 60.0
WITHDRAW_RETRY_MAX = 3600.0
WITHDRAW_FOR = 7 * 86400.0
_COMMAND = re.compile(r"/([A-Za-z_]+)(?:@\S*)?(?:\s+(.*))?", re.DOTALL)
# A ticket number first in a command's text ('12', '#12'); not the start of an FAQ id such
# as '2024-thue'.
_NUMBER = re.compile(r"#?(\d{1,9})(?![\w-])\s*(.*)", re.DOTALL)
STAFF_COMMANDS = frozenset({"r", "close", "reopen", "tickets", "variant", "newfaq", "undo"})
# Admin commands for a private chat with the bot only (wardbot.admin): typed in the staff
# group, staff are told where they work rather than met with silence.
PRIVATE_COMMANDS = frozenset({"stats", "broadcast", "unanswered", "reload", "redo"})
HELP_COMMANDS = frozenset({"help", "start"})
# Commands whose leading number is always the ticket's (/close 12, /variant 12 ID, /newfaq 12),
# even in another ticket's topic; /r's is only with '#' there ("/r 3 ngày nữa" is an answer).
NUMBER_FIRST = frozenset({"close", "reopen", "variant", "newfaq"})


class PerHour:
    """At most `limit` events per key in any hour, counted in memory only (a key may be an
    address: personal data, never written down). The `size` latest keys are kept."""

    def __init__(self, limit: int, clock: Callable[[], float], size: int = 10_000) -> None:
        self.limit = limit
        self.clock = clock
        self.size = size
        self._seen: OrderedDict[str, tuple[float, ...]] = OrderedDict()

    def take(self, key: str) -> bool:
        """True, and counted, when `key` is under its limit; False otherwise."""
        now = self.clock()
        recent = tuple(at for at in self._seen.pop(key, ()) if at > now - HOUR)
        allowed = len(recent) < self.limit
        self._seen[key] = (*recent, now) if allowed else recent
        if len(self._seen) > self.size:
            self._seen.popitem(last=False)
        return allowed

    def full(self, key: str) -> bool:
        """Whether `key` has reached its limit (nothing counted)."""
        now = self.clock()
        return sum(at > now - HOUR for at in self._seen.get(key, ())) >= self.limit


class TopicGone(Exception):
    """The ticket's forum topic no longer exists (staff deleted it): post in a new one."""


class AlreadyGone(Exception):
    """What the desk meant to delete in the staff group is not there any more."""


class GroupUnreachable(Exception):
    """The bot cannot act in that group: it is no member of it, the group is gone, or the
    bot lacks the right to do it (its message says what to fix)."""


class GroupMoved(GroupUnreachable):
    """Telegram gave the staff group a new id (a group upgraded to a supergroup, as turning
    on Topics does): the same people, at `new_chat_id`, where the desk follows it."""

    def __init__(self, new_chat_id: int, message: str = "") -> None:
        super().__init__(message or f"the group has a new id, {new_chat_id}")
        self.new_chat_id = new_chat_id


class StaffRoom(Protocol):
    """The staff group, as the desk uses it (handlers.telegram_staff.TelegramStaffRoom).
    `chat_id` is the group it posts in; deleting names the group, since a ticket may have
    been posted in the one the ward used before. `post` raises TopicGone for a topic that
    is no longer there; `delete_topic` and `delete_message` raise AlreadyGone for what is
    no longer there, GroupUnreachable when the bot cannot reach the group; `is_forum`,
    `create_topic` and `post` raise GroupUnreachable when the bot cannot post tickets there
    (removed from the group, or without the right a group with topics needs), GroupMoved
    when Telegram gave the group a new id (the desk then sets `chat_id` to it)."""

    chat_id: int

    async def is_forum(self) -> bool: ...
    async def create_topic(self, name: str) -> int: ...
    async def post(
        self, reply: Reply, *, thread_id: int | None = None, reply_to: int | None = None
    ) -> list[int]: ...
    async def react(self, message_id: int) -> None: ...
    async def close_topic(self, thread_id: int) -> None: ...
    async def reopen_topic(self, thread_id: int) -> None: ...
    async def delete_topic(self, chat_id: int, thread_id: int) -> None: ...
    async def delete_message(self, chat_id: int, message_id: int) -> None: ...


@dataclass(frozen=True)
class StaffMessage:
    """A text message in the staff group, as the channel saw it.

    `reply_to` is the message it explicitly replies to (not a forum topic's opening
    message, which Telegram also presents as "replied to"), `reply_to_bot` whether
    that message is the bot's, and `reply_to_text` its text when it is (a post about a
    ticket names the ticket, even once the ticket is gone). `anonymous`: written as the
    group itself (an administrator's "Remain anonymous") or, `as_channel`, as a channel the
    member runs: no sender id or name (`sender_id` and `sender_name` empty).
    `attachment`: a photo, file or sticker, `text` its caption: residents get text only;
    `album`: the media group it came in, a message per photo or file.
    """

    message_id: int
    text: str
    sender_id: str
    sender_name: str
    thread_id: int | None = None
    reply_to: int | None = None
    reply_to_bot: bool = False
    reply_to_text: str = ""
    anonymous: bool = False
    as_channel: bool = False
    attachment: bool = False
    album: str | None = None


class Desk:
    """Tickets between residents and the staff group. Set `room` before `run()`."""

    def __init__(
        self,
        tickets: TicketBook,
        settings: Settings,
        engine: Searcher,
        *,
        clock: Callable[[], float] = time.time,
        wake_outbox: Callable[[], None] = lambda: None,
        editor: FaqEditor | None = None,
        serving: Callable[[str], bool] | None = None,
    ) -> None:
        self.tickets = tickets
        # Whether a channel's messages can go out now (None: every channel's). Answers to
        # a ticket from another (Zalo's, when the bot runs without ZALO_*, or Zalo cannot
        # be reached since the start) wait until they can.
        self.serving = serving
        self.settings = settings
        self.engine = engine
        self.clock = clock
        self.wake_outbox = wake_outbox
        self.editor = editor  # None: turning tickets into FAQ entries is off
        self.room: StaffRoom | None = None
        self.forum: bool | None = None  # asked of the room at the poster's start
        self._wake = asyncio.Event()
        self._running = False
        self._hinted: set[int] = set()
        # Albums whose staff were told they did not reach the resident: one note for all
        # their photos (a few, the latest: its messages arrive together).
        self._albums_told: collections.deque[str] = collections.deque(maxlen=20)
        self._per_origin = PerHour(TICKETS_PER_ORIGIN_HOUR, clock)
        self._per_chat = PerHour(TICKETS_PER_HOUR, clock)
        self._withdrawing: set[int] = set()  # withdrawals on their way to Telegram
        # Who wrote the staff messages relayed lately (id -> sender id, first name), in
        # memory: after a restart an answer just before is no one's, and nothing is held.
        self._answerers: OrderedDict[int, tuple[str, str]] = OrderedDict()
        # (ticket, officer, the answer theirs was held after): told once, their next goes.
        # Only clashes of the last ANSWER_CLASH matter: the latest few are kept.
        self._clash_told: collections.deque[tuple[int, str, int]] = collections.deque(
            maxlen=ANSWERERS_KEPT
        )
        # Held answers (staff message id -> ticket), in memory: an edit of one is told it
        # sends nothing either, rather than met with silence.
        self._held: OrderedDict[int, int] = OrderedDict()
        self._claimed = False  # tickets posted before their group was recorded: claimed
        # Why the bot cannot post in the staff group now (None: it can, as far as it knows):
        # residents are told their question waits, /healthz reports the desk down.
        self.unreachable: str | None = None
        self._told_lost = False  # the log and admins heard why
        self._losses = 0  # how many times the group was lost: a look begun before is stale
        # Admins told `text` once (key, text: wardbot.alerts.Alerts.tell_admins_once): the
        # staff group moved to a new id, which STAFF_CHAT_ID should name.
        self.tell_admins: Callable[[str, str], Awaitable[object]] | None = None
        # Admins are told once when the group is lost, and that is undone once it is back
        # (wardbot.app: Alerts.task_failing and task_recovered, as for a failing task).
        self.tell_lost: Callable[[], Awaitable[object]] | None = None
        self.tell_back: Callable[[], Awaitable[object]] | None = None
        # Staff answers waiting for a channel the bot does not run, per channel (/healthz).
        self.stranded: dict[str, int] = {}

    name = "staff-desk"

    # --- residents ---------------------------------------------------------------------

    def when_staff_answer(self) -> str:
        at = dt.datetime.fromtimestamp(self.clock(), dt.UTC)
        return staff_answer_time(self.settings.office_hours, at, self.settings.ward_name)

    def ask_button(self) -> Button:
        return Button(msg.ask_staff_button(self.settings.ward_name), "staff:ask")

    async def offer(self, chat: ChatRef, question: str) -> str:
        """Keep `question` in case the resident accepts; the sentence explaining the offer."""
        await self.tickets.offer(chat, question, self.clock())
        return msg.staff_offer(self.settings.ward_name, chat.channel, self.when_staff_answer())

    async def offered(self, chat: ChatRef) -> str | None:
        """The question offered to pass on, that the resident may still accept; or None."""
        return await self.tickets.offered(chat, self.clock() - OFFER_KEEP) or None

    async def accept(self, chat: ChatRef) -> list[Reply]:
        """The resident pressed "Hỏi cán bộ": open a ticket with the offered question."""
        active = await self.active(chat)
        question = await self.tickets.offered(chat, self.clock() - OFFER_KEEP)
        if active is not None and question:
            await self.tickets.drop_offer(chat)
            return [await self.follow_up(chat, active, question)]
        if not question and active is not None:  # pressed again: it went the first time
            return [Reply(msg.ticket_already_open(self.settings.ward_name, active.id))]
        if not question:
            return [Reply(msg.staff_offer_gone(self.settings.ward_name))]
        return [await self._open(chat, question)]

    async def request(self, chat: ChatRef, text: str) -> list[Reply]:
        """/hoicanbo [TEXT], "cho em gặp cán bộ": pass TEXT on, or offer the last
        unanswered question, or take the next message as the question."""
        now = self.clock()
        active = await self.active(chat)
        if text:
            if active is not None:
                return [await self.follow_up(chat, active, text)]
            return [await self._open(chat, text)]
        if active is not None:
            return [Reply(msg.ticket_already_open(self.settings.ward_name, active.id))]
        when = self.when_staff_answer()
        question = await self.tickets.offered(chat, now - OFFER_KEEP)
        if question:
            return [
                Reply(
                    msg.staff_offer_question(self.settings.ward_name, question, chat.channel, when),
                    buttons=(self.ask_button(),),
                )
            ]
        await self.tickets.offer(chat, "", now)
        return [Reply(msg.staff_type_question(self.settings.ward_name, when))]

    async def awaited(self, chat: ChatRef, text: str) -> list[Reply] | None:
        """When the resident was asked to type the question for staff: open the ticket."""
        if await self.tickets.offered(chat, self.clock() - AWAIT_QUESTION) != "":
            return None
        reply = await self._open(chat, text)
        # Refused: the resident's next message is a question for the bot again.
        await self.tickets.drop_offer(chat)
        return [reply]

    async def active(self, chat: ChatRef) -> Ticket | None:
        """The chat's open ticket, which takes what the resident writes next."""
        now = self.clock()
        return await self.tickets.active(chat, now - TICKET_IDLE, now - WAITING_TICKET_KEEP)

    async def alerts_wait(self, chat: ChatRef) -> float | None:
        """Until when alerts for `chat` wait (wardbot.outbox): STAFF_ANSWER_FRESH after a
        staff answer reached it, the ticket still open; None: they go now."""
        now = self.clock()
        answered = await self.tickets.staff_answered(chat, now - STAFF_ANSWER_FRESH)
        return None if answered is None else answered + STAFF_ANSWER_FRESH

    async def listening(self, chat: ChatRef) -> bool:
        """Whether the chat's next message goes to staff: the question it was asked to
        type for them, or more on its open ticket."""
        if await self.tickets.offered(chat, self.clock() - AWAIT_QUESTION) == "":
            return True
        return await self.active(chat) is not None

    async def follow_up(
        self, chat: ChatRef, ticket: Ticket, text: str, *, courtesy: bool = False
    ) -> Reply:
        """A further message on an open ticket: to the same topic. Saying so answers
        nothing and offers no choice: the list on screen before it stays in effect.
        A `courtesy` (thanks, goodbye) does not put an answered ticket back among those
        waiting for staff (/tickets, /stats): staff see it, with nothing to answer."""
        await self.tickets.add_resident_message(ticket, text, self.clock(), waits=not courtesy)
        self._wake.set()
        held_up = self.unreachable is not None
        return Reply(
            msg.ticket_follow_up(self.settings.ward_name, ticket.id, held_up=held_up),
            keeps_choices=True,
        )

    async def _open(self, chat: ChatRef, question: str) -> Reply:
        refused = await self._refused(chat)
        if refused is not None:
            return Reply(refused)
        ticket = await self.tickets.open(chat, question, self.clock())
        log.info("ticket %d opened from %s", ticket.id, chat.channel)
        self._wake.set()
        held_up = ""
        if self.unreachable is not None:
            held_up = msg.contact_line(self.settings.ward_name, self.settings.ward_hotline)
        return Reply(
            msg.ticket_received(
                self.settings.ward_name,
                ticket.id,
                self.when_staff_answer(),
                chat.channel,
                held_up=held_up,
            )
        )

    async def _refused(self, chat: ChatRef) -> str | None:
        """Why no ticket may be opened for `chat` now (with the hotline), or None."""
        ward, hotline = self.settings.ward_name, self.settings.ward_hotline
        waiting = await self.tickets.waiting_to_post()
        if waiting >= MAX_WAITING:
            log.warning("no ticket opened: %d tickets wait to be posted to staff", waiting)
            if self.unreachable is not None:  # not a matter of minutes
                return msg.staff_desk_unreachable(ward, hotline)
            return msg.staff_desk_busy(ward, hotline)
        opened = await self.tickets.opened_after(chat, self.clock() - HOUR)
        key = f"{chat.channel}:{chat.chat_id}"
        # The counts are taken last: only a ticket about to be opened counts.
        if (
            opened >= TICKETS_PER_HOUR
            or self._per_chat.full(key)
            or (chat.origin is not None and not self._per_origin.take(chat.origin))
        ):
            log.info("no ticket opened for a %s chat: too many this hour", chat.channel)
            return msg.ticket_limit(ward, hotline)
        self._per_chat.take(key)
        return None

    async def forget(self, chat: ChatRef) -> None:
        """Delete the chat's tickets, then take them out of the staff group too (what fails
        there is tried again later: `withdraw_due`). A ticket being posted at that moment is
        taken out by the poster (`_post`)."""
        await self._group()
        withdrawals = await self.tickets.forget(chat, self.clock())
        if self.room is not None:
            await self._withdraw(self.room, withdrawals)

    async def purge(self, before: float, waiting_before: float | None = None) -> int:
        """Retention: delete the tickets quiet since before `before` (those still waiting
        for staff, or for their answer to go out, since before `waiting_before` too), and
        take them out of the staff group as /forget does."""
        await self._group()
        deleted = await self.tickets.purge(before, self.clock(), waiting_before)
        if deleted:
            await self.withdraw_due()
        return deleted

    async def withdraw_due(self) -> int:
        """Delete in the staff group what gone tickets left there and is due (new, or a
        deletion that failed and is to be tried again); returns how many were tried."""
        if self.room is None:
            return 0
        await self._group()
        due = await self.tickets.due_withdrawals(self.clock())
        await self._withdraw(self.room, due)
        return len(due)

    async def _withdraw(self, room: StaffRoom, withdrawals: Sequence[Withdrawal]) -> None:
        """Take what gone tickets left out of the staff group: a topic, or messages. One
        that fails stays written down, to be tried again later (for WITHDRAW_FOR)."""
        for withdrawal in withdrawals:
            if withdrawal.id in self._withdrawing:
                continue  # being deleted by another task (the poster, a /forget)
            self._withdrawing.add(withdrawal.id)
            try:
                await self._delete(room, withdrawal)
            finally:
                self._withdrawing.discard(withdrawal.id)

    async def _group(self) -> int | None:
        """The staff group the room posts in. At the first call, tickets posted before
        their group was recorded are taken to be there (`TicketBook.claim`)."""
        if self.room is None:
            return None
        if not self._claimed:
            self._claimed = True
            claimed = await self.tickets.claim(self.room.chat_id)
            if claimed:
                log.info("%d ticket(s) posted before now recorded as in the staff group", claimed)
        return self.room.chat_id

    async def _delete(self, room: StaffRoom, withdrawal: Withdrawal) -> None:
        """Delete in the group the topic or message is in, never by its id in another one
        (ids are the group's own). The group the ward used before is tried as well: the
        resident's question is there as long as the bot is; a group the bot cannot reach,
        or one not known, is given up at once, with one line in the log."""
        what = "topic" if withdrawal.thread_id is not None else "message"
        group = withdrawal.chat_id
        if group is None:
            log.warning("a gone ticket's %s is in a staff group not known: left there", what)
            await self.tickets.withdrawn(withdrawal.id)
            return
        try:
            if withdrawal.thread_id is not None:
                await room.delete_topic(group, withdrawal.thread_id)
            elif withdrawal.message_id is not None:
                await room.delete_message(group, withdrawal.message_id)
        except AlreadyGone:
            pass
        except GroupUnreachable as exc:
            if group == room.chat_id:  # the bot's own group: its rights may come back
                await self._retry(withdrawal, what, exc)
                return
            log.warning(
                "a gone ticket's %s is in a staff group the bot cannot reach (%s): left there",
                what,
                exc,
            )
        except Exception as exc:
            await self._retry(withdrawal, what, exc)
            return
        await self.tickets.withdrawn(withdrawal.id)

    async def _retry(self, withdrawal: Withdrawal, what: str, exc: Exception) -> None:
        """A deletion that failed: tried again later, or given up after WITHDRAW_FOR."""
        now = self.clock()
        if now - withdrawal.created_at >= WITHDRAW_FOR:
            log.warning("gave up deleting a gone ticket's %s in the staff group: %s", what, exc)
            await self.tickets.withdrawn(withdrawal.id)
            return
        wait = min(WITHDRAW_RETRY * 2**withdrawal.attempts, WITHDRAW_RETRY_MAX)
        log.warning(
            "could not delete a gone ticket's %s in the staff group (%s); trying again in %.0f s",
            what,
            exc,
            wait,
        )
        await self.tickets.withdraw_later(withdrawal, now + wait)

    # --- the outbox: staff answers to residents -----------------------------------------

    async def compose(self, item: OutboxItem) -> list[Reply] | None:
        """The resident's message for an outbox row of kind 'reply'."""
        message = await self.tickets.message(int(item.ref))
        if message is None:
            return None
        title_of = (
            msg.staff_correction_title
            if await self.tickets.corrects(message)
            else msg.staff_answer_title
        )
        title = title_of(self.settings.ward_name, message.ticket_id, message.signer)
        # Staff may ask something ("mấy người?"): a number typed next is for them.
        return [Reply(message.text, title=title, footer=msg.STAFF_ANSWER_FOOTER, ends_choices=True)]

    async def delivered(self, item: OutboxItem, outcome: str, error: str) -> None:
        """How a staff answer's delivery ended (wardbot.outbox: 'sent', 'unreachable',
        'failed'): a 👍 on the staff message, or a note in the ticket's topic. A note too
        when it is late ('delayed'), once: it is still being sent."""
        if item.kind != "reply":
            return
        message = await self.tickets.message(int(item.ref))
        if message is None:
            return
        trouble = msg.delivery_trouble(item.chat.channel, error)
        if outcome == "delayed":
            await self.tickets.add_note(message.ticket_id, msg.relay_delayed(trouble), self.clock())
            self._wake.set()
            return
        ok = outcome == "sent"
        await self.tickets.reply_outcome(message.id, ok, error)
        if ok:
            # Only in the group the ticket is in: the staff message's id is that group's.
            ticket = await self.tickets.get(message.ticket_id)
            room = self.room
            here = room is not None and ticket is not None and self._in_room(ticket, room)
            if room is not None and here and message.staff_message_id is not None:
                with contextlib.suppress(Exception):
                    await room.react(message.staff_message_id)
            return
        why = msg.relay_unreachable() if outcome == "unreachable" else trouble
        await self.tickets.add_note(message.ticket_id, msg.relay_failed(why), self.clock())
        self._wake.set()

    async def note_stranded(self, unrun: Sequence[str]) -> dict[str, int]:
        """At the start: staff answers queued for a channel the bot now runs without (a
        token left out of the environment) cannot go out until it runs it again. Staff
        are told on each such ticket, once (not again at the next restart), the log says
        it, and `stranded` keeps the counts for /healthz. Nothing is dropped."""
        waiting, noted = await self.tickets.stranded(unrun, msg.relay_stranded, self.clock())
        self.stranded = waiting
        for channel, count in waiting.items():
            log.warning(
                "%d staff answer(s) wait for %s, which the bot does not run: they go out once "
                "it does",
                count,
                channel,
            )
        if noted:
            self._wake.set()
        return waiting

    # --- posting in the staff group -----------------------------------------------------

    def wake(self) -> None:
        self._wake.set()

    def is_running(self) -> bool:
        return self._running

    def healthy(self) -> bool:
        """For /healthz: the poster runs, and the bot can post in the staff group (as far
        as it knows: until the poster's first look, not counted as down)."""
        return self._running and not self._told_lost

    def not_started(self) -> None:
        """Until the poster runs (Telegram, where staff work, is not up yet): residents are
        told their questions wait. Nothing is logged: the channel says why it is down."""
        self.unreachable = "Telegram, where staff work, is not up yet"

    async def group_lost(self, why: str) -> None:
        """The bot cannot post in the staff group (Telegram said so, or refused a post):
        one line in the log and one note to admins, until it can again."""
        told, self.unreachable, self._told_lost = self._told_lost, why, True
        self._losses += 1
        if told:
            return
        log.error(
            "staff group %s: %s; questions for staff wait, and are posted once it can",
            self.room.chat_id if self.room is not None else self.settings.staff_chat_id,
            why,
        )
        await self._tell(self.tell_lost)

    async def follow(self, new_chat_id: int) -> None:
        """Telegram gave the staff group a new id (a group upgraded to a supergroup, as
        turning on Topics does; told by an update, or refusing a post): the desk works
        there from now on, and after a restart too while STAFF_CHAT_ID still names the old
        id (`follow_kept`). Staff are told there, admins asked once to set the new id."""
        room = self.room
        if room is None or new_chat_id == room.chat_id:
            return
        try:  # tickets posted before their group was recorded: in the old one
            await self._group()
        except Exception as exc:  # a read-only data folder: nothing is written anyway
            log.debug("staff group: tickets not claimed: %s", exc)
        old = room.chat_id
        if new_chat_id == old:  # followed meanwhile (Telegram says it twice)
            return
        room.chat_id = new_chat_id
        self.forum = None  # asked again: Topics turned on is what upgrades a group
        self._wake.set()
        log.warning(
            "staff group %d: Telegram gave it a new id, %d (upgraded to a supergroup); the "
            "bot works there now: set STAFF_CHAT_ID=%d",
            old,
            new_chat_id,
            new_chat_id,
        )
        try:
            await self.tickets.store.set_meta_value(f"{MOVED_KEY}{old}", str(new_chat_id))
        except Exception as exc:  # a read-only data folder: followed until a restart
            log.warning("staff group: its new id is not kept (%s): set STAFF_CHAT_ID", exc)
        if self.tell_admins is not None:
            text = msg.admin_staff_group_moved(old, new_chat_id)
            try:
                await self.tell_admins(f"{MOVED_KEY}{old}", text)
            except Exception:  # the log has said it already
                log.exception("staff group: could not tell admins of its new id")
        try:
            await room.post(Reply(msg.staff_group_followed(new_chat_id)))
        except Exception as exc:  # the poster's next round finds out what is wrong
            log.warning("staff group: could not tell staff the bot works there now: %s", exc)

    async def follow_kept(self) -> None:
        """At the start, before any update: the staff group where Telegram moved it, if
        STAFF_CHAT_ID still names the id it had (`follow`); another id set meanwhile wins."""
        room = self.room
        if room is None:
            return
        try:  # tickets posted before their group was recorded: in the configured one
            await self._group()
        except Exception as exc:  # a read-only data folder: nothing is written anyway
            log.debug("staff group: tickets not claimed: %s", exc)
        chat_id, seen = room.chat_id, {room.chat_id}
        while True:
            try:
                kept = await self.tickets.store.meta_value(f"{MOVED_KEY}{chat_id}")
            except Exception as exc:  # not read: the configured group, as before
                log.warning("staff group: a new id it was given cannot be read: %s", exc)
                return
            if kept is None or not kept.lstrip("-").isdigit() or int(kept) in seen:
                break
            chat_id = int(kept)
            seen.add(chat_id)
        if chat_id != room.chat_id:
            log.warning(
                "staff group %d has a new id, %d, since Telegram upgraded it: the bot works "
                "there; set STAFF_CHAT_ID=%d",
                room.chat_id,
                chat_id,
                chat_id,
            )
            room.chat_id = chat_id

    async def group_back(self) -> None:
        """The bot can post in the staff group again: what waits goes now."""
        if self.unreachable is None:
            return
        told, self.unreachable, self._told_lost = self._told_lost, None, False
        self._wake.set()
        if told:
            log.info("staff group: the bot can post there again")
            await self._tell(self.tell_back)

    @staticmethod
    async def _tell(tell: Callable[[], Awaitable[object]] | None) -> None:
        if tell is None:
            return
        try:
            await tell()
        except Exception:  # the log has said it already
            log.exception("staff group: could not tell admins")

    async def run(self, stop: asyncio.Event) -> None:
        """Post what waits for staff until `stop`; an error ends it (supervised: it
        restarts, and nothing is lost: a message is marked posted only once it is). A
        staff group the bot cannot post in is tried again every GROUP_RETRY."""
        self._running = True
        self.forum = None  # asked again: the group may have changed while this was down
        try:
            while not stop.is_set():
                wait = await self.round()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wait(stop), wait)
                self._wake.clear()
        except Exception:
            # Telegram unreachable, say: tried again after a pause (supervised), and until
            # a round goes well, residents are told their questions wait.
            if self.unreachable is None:
                self.unreachable = "the poster stopped on an error, to be tried again"
            raise
        finally:
            self._running = False

    async def round(self) -> float:
        """One round of the poster: what gone tickets left in the group is deleted, what
        waits is posted. Returns how long until the next round (unless woken)."""
        try:
            await self.withdraw_due()
            # Back only once the bot's rights there are looked at again: demoted in a
            # group with topics, it still posts in a ticket's topic, but cannot open one
            # for a new ticket. Not when Telegram said meanwhile that they are gone.
            probing = self.forum is None or self.unreachable is not None
            losses = self._losses
            await self.post_pending(probe=probing)
            if probing and losses == self._losses:
                await self.group_back()
        except GroupMoved as exc:  # what waits goes there at once
            await self.follow(exc.new_chat_id)
            return 0.0
        except GroupUnreachable as exc:
            await self.group_lost(str(exc))
            return GROUP_RETRY
        return IDLE_POLL

    async def _wait(self, stop: asyncio.Event) -> None:
        waiters = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()

    async def post_pending(self, *, probe: bool = False) -> int:
        """Post every message waiting for the staff group, in order; returns how many.
        `probe`: look at the group and the bot's rights there first, even when known."""
        room = self.room
        if room is None:
            return 0
        group = await self._group()
        if self.forum is None or probe:
            self.forum = await room.is_forum()
        posted = 0
        for message in await self.tickets.pending_posts():
            ticket = await self.tickets.get(message.ticket_id)
            if ticket is None:  # forgotten meanwhile
                continue
            if ticket.staff_chat_id not in (None, group):
                # Posted in the group the ward used before: taken out of it, and what the
                # resident said is posted here again, in order, from the next round on.
                await self._withdraw(room, await self.tickets.move(ticket.id, self.clock()))
                self._wake.set()
                break
            await self._post(room, ticket, message)
            posted += 1
        return posted

    async def _post(self, room: StaffRoom, ticket: Ticket, message: TicketMessage) -> None:
        """Post `message`. The resident may /forget meanwhile (the post waits on Telegram):
        what was just posted is then deleted again, not left without its ticket."""
        reply = await self._staff_reply(ticket, message)
        if reply is None:
            return  # forgotten meanwhile
        for _ in range(2):  # a topic staff deleted is made again, once
            thread = ticket.thread_id
            if self.forum and thread is None:
                first = await self.tickets.question(ticket.id)
                thread = await room.create_topic(
                    msg.ticket_topic_name(ticket.id, ticket.chat.channel, first)
                )
                if not await self.tickets.set_thread(ticket.id, thread, room.chat_id):
                    await self._take_back(room, thread, ())
                    return
            reply_to = None if thread is not None else await self.tickets.last_post(ticket.id)
            try:
                posted = await room.post(reply, thread_id=thread, reply_to=reply_to)
            except TopicGone:
                if not await self.tickets.set_thread(ticket.id, None):
                    return  # forgotten, and its topic deleted with it
                log.info("ticket %d: its topic is gone; making a new one", ticket.id)
                ticket = await self.tickets.get(ticket.id) or ticket
                continue
            if not await self.tickets.mark_posted(message, posted, room.chat_id):
                await self._take_back(room, thread, posted)
            return
        raise RuntimeError(f"ticket {ticket.id}: could not post in a topic")

    async def _take_back(
        self, room: StaffRoom, thread_id: int | None, posts: Sequence[int]
    ) -> None:
        """What was just posted for a ticket forgotten meanwhile: deleted again."""
        withdrawals = await self.tickets.withdraw(room.chat_id, thread_id, posts, self.clock())
        await self._withdraw(room, withdrawals)

    async def _staff_reply(self, ticket: Ticket, message: TicketMessage) -> Reply | None:
        if message.author == "note":
            return Reply(msg.ticket_note_post(ticket.id, message.text))
        said = await self.tickets.messages(ticket.id)
        if not said:
            return None
        first = said[0]
        if first.id != message.id:
            return Reply(msg.ticket_follow_up_post(ticket.id, message.text))
        answer = await self.engine.ask_async(message.text)
        hits = [*answer.results[:3]]
        # Buttons that edit faq.yaml only when it can be (admins are told once why not).
        editable = self.editor is not None and await self.editor.can_edit()
        asked = dt.datetime.fromtimestamp(ticket.created_at, VIETNAM).strftime("%H:%M %d/%m/%Y")
        guesses = [f"{hit.title} ({hit.id})" for hit in hits]
        # Only what the resident was told is shared (msg.staff_offer): the question and
        # the channel; not the topics they follow.
        text = msg.ticket_post(
            self.settings.ward_name, ticket.id, ticket.chat.channel, asked, message.text, guesses
        )
        return Reply(text, buttons=self._ticket_buttons(ticket.id, hits, editable=editable))

    def _ticket_buttons(
        self, ticket_id: int, hits: Sequence[Hit], *, editable: bool
    ) -> tuple[Button, ...]:
        buttons = []
        if editable:
            buttons += [
                Button(
                    button_label(msg.VARIANT_BUTTON + hit.title), f"tv:{ticket_id}:{digest(hit.id)}"
                )
                for hit in hits
                if isinstance(hit.doc, FaqEntry)
            ]
            buttons.append(Button(msg.NEW_FAQ_BUTTON, f"tn:{ticket_id}"))
        buttons.append(Button(msg.CLOSE_TICKET_BUTTON, f"tc:{ticket_id}"))
        return tuple(buttons)

    # --- staff in their group -------------------------------------------------------------

    async def on_staff_message(self, message: StaffMessage) -> list[str]:
        """A message in the staff group: relay it, run the command, or let it be.
        Returns what to say back, in the same place."""
        match = _COMMAND.fullmatch(message.text.strip())
        if match is None:
            return await self._on_plain(message)
        command, arg = match.group(1).lower(), (match.group(2) or "").strip()
        if command in PRIVATE_COMMANDS:
            return [msg.staff_command_private(command)]
        if command in HELP_COMMANDS:
            return [msg.staff_help()]
        if command not in STAFF_COMMANDS:
            return []  # another bot's command, or nothing of ours
        if command == "tickets":
            return [await self.listing(arg)]
        if command == "undo":  # the latest edit of faq.yaml, whichever ticket it came from
            refused = self._refuse_editor(message, undo=True)
            return [refused or await undo_for_staff(self.editor)]
        found = await self._ticket_for(message, arg, number_first=command in NUMBER_FIRST)
        if isinstance(found, str):
            return [found]
        ticket, arg = found
        if command == "r":
            if not arg:
                return [msg.staff_reply_empty()]
            return await self._relay(ticket, arg, message)
        if command == "close":
            return [await self._close(ticket)]
        if command == "reopen":
            return [await self._reopen(ticket)]
        refused = self._refuse_editor(message)
        if refused is not None:
            return [refused]
        if command == "variant":
            if not arg:
                return [msg.faq_variant_usage()]
            return [await self.add_variant(ticket, arg.split()[0])]
        entry_id = arg.split()[0] if arg else None
        return [await self.new_entry(ticket, entry_id, answer_from=message.reply_to)]

    def _refuse_editor(self, message: StaffMessage, *, undo: bool = False) -> str | None:
        """Why `message`'s sender may not edit faq.yaml (only ADMIN_IDS may), or None."""
        if message.anonymous:
            return msg.staff_anonymous(channel=message.as_channel, undo=undo)
        if not self.settings.is_admin("telegram", message.sender_id):
            return msg.staff_admin_only(f"telegram:{message.sender_id}")
        return None

    async def on_staff_edit(self, message: StaffMessage) -> list[str]:
        """Staff edited a message in their group. When it was an answer relayed to a
        resident (a reply to the bot, or /r), the corrected text replaces it while it has
        not gone out, else follows it as a correction. Any other edit relays nothing."""
        earlier = await self.tickets.answer_from(message.message_id, await self._group())
        if earlier is None and message.message_id in self._held:
            return [msg.staff_held_edit_not_sent(self._held[message.message_id])]
        ticket = None if earlier is None else await self.tickets.get(earlier.ticket_id)
        if earlier is None or ticket is None:
            return []
        text = message.text.strip()
        match = _COMMAND.fullmatch(text)
        if match is not None:  # "/r TEXT", "/r 12 TEXT": its text, on the same ticket
            if match.group(1).lower() != "r":
                return []
            found = await self._ticket_for(
                message, (match.group(2) or "").strip(), number_first=False
            )
            if isinstance(found, str) or found[0].id != ticket.id:
                # The ticket number fixed: the answer is the first ticket's resident's.
                return [msg.staff_edit_not_moved(ticket.id)]
            text = found[1].strip()
        if not text or text == earlier.text:
            return []
        if await self.tickets.revise(earlier.id, text):
            log.info("ticket %d: a staff answer corrected before it went out", ticket.id)
            return [msg.staff_answer_revised(ticket.id, sent=False)]
        queued = await self.tickets.add_staff_reply(
            ticket, text, earlier.signer, message.message_id, self.clock(), correction=True
        )
        if queued is None:
            return [msg.staff_ticket_gone(ticket.id)]
        log.info("ticket %d: a staff answer's correction queued", ticket.id)
        self.wake_outbox()
        # Out, or tried and failed (a try that timed out may have reached the resident).
        return [msg.staff_answer_revised(ticket.id, sent=True if earlier.state == "sent" else None)]

    async def on_staff_action(self, sender_id: str, action: str) -> list[str]:
        """A button under a ticket post: 'tc:N' close, 'tv:N:DIGEST' add a variant,
        'tn:N' a new FAQ entry."""
        kind, _, rest = action.partition(":")
        number, _, entry_ref = rest.partition(":")
        if kind not in ("tc", "tv", "tn") or not number.isdigit():
            return []
        ticket = await self.tickets.get(int(number))
        if ticket is None:
            return [msg.not_found()]
        if kind == "tc":
            return [await self._close(ticket)]
        if not self.settings.is_admin("telegram", sender_id):
            return [msg.staff_admin_only(f"telegram:{sender_id}")]
        if kind == "tn":
            return [await self.new_entry(ticket, None)]
        entry = next((e for e in self.engine.corpus.faq if digest(e.id) == entry_ref), None)
        if entry is None:
            return [msg.not_found()]
        return [await self.add_variant(ticket, entry.id)]

    async def _on_plain(self, message: StaffMessage) -> list[str]:
        """Relayed: a reply to the bot's post about a ticket, or to any message of the
        bot's in a ticket's topic; a reply to another message of the bot's is told it
        reached no one. Anything else is staff talking among themselves."""
        group = await self._group()
        if message.reply_to is not None:
            ticket = await self.tickets.by_post(message.reply_to, group)
            if ticket is None and message.reply_to_bot and message.thread_id is not None:
                ticket = await self.tickets.by_thread(message.thread_id, group)
            if ticket is not None:
                return await self._relay(ticket, message.text, message)
            gone = await self._gone_ticket(message)
            if gone is not None:
                return [msg.staff_ticket_gone(gone)]
            if message.reply_to_bot:
                # The bot's note to an officer, a listing: meant for a resident all the
                # same (the note asked them to type the answer), and nothing was sent.
                return [msg.staff_reply_names_no_ticket()]
        if message.thread_id is not None:
            ticket = await self.tickets.by_thread(message.thread_id, group)
            if ticket is not None and ticket.id not in self._hinted:
                self._hinted.add(ticket.id)  # once per ticket: staff may talk among themselves
                # A photo would not be sent as a reply either: residents get text only.
                if message.attachment:
                    return [msg.staff_attachment_not_sent()]
                return [msg.relay_not_sent_hint()]
        return []

    async def _ticket_for(
        self, message: StaffMessage, arg: str, *, number_first: bool
    ) -> tuple[Ticket, str] | str:
        """The ticket a command is about and the rest of `arg`, or what to tell staff.

        A number first in `arg` is the ticket's when it has '#', or when `number_first`
        (/close, /variant, /newfaq, as the README documents them); else the ticket is the
        one the message replies to or whose topic it is in; else a bare number first in
        `arg`. In a ticket's topic "/r 3 ngày nữa có kết quả" is an answer on that ticket,
        not on ticket 3, while "/close 3" closes ticket 3."""
        number = _NUMBER.fullmatch(arg)
        if number is not None and (number_first or arg.startswith("#")):
            numbered = await self.tickets.get(int(number.group(1)))
            if numbered is not None:
                return numbered, number.group(2).strip()
            # Never the topic's ticket instead: the answer was meant for another resident.
            return msg.staff_no_ticket(int(number.group(1)))
        context = None
        group = await self._group()
        if message.reply_to is not None:
            context = await self.tickets.by_post(message.reply_to, group)
        if context is None and message.thread_id is not None:
            context = await self.tickets.by_thread(message.thread_id, group)
        if context is not None:
            return context, arg
        if number is not None:
            numbered = await self.tickets.get(int(number.group(1)))
            if numbered is not None:
                return numbered, number.group(2).strip()
        gone = await self._gone_ticket(message)
        if gone is not None:
            return msg.staff_ticket_gone(gone)
        if number is not None:  # outside any ticket, a number first is the ticket's
            return msg.staff_no_ticket(int(number.group(1)))
        return msg.staff_which_ticket()

    async def _gone_ticket(self, message: StaffMessage) -> int | None:
        """The number of the ticket whose post (one of the bot's posts about a ticket, not
        its answers to staff) `message` replies to, when that ticket no longer exists:
        retention or the resident's /forget deleted it."""
        if not message.reply_to_bot:
            return None
        found = msg.TICKET_POST_NUMBER.match(message.reply_to_text)
        if found is None:
            return None
        number = int(found.group(1))
        return number if await self.tickets.get(number) is None else None

    async def _relay(self, ticket: Ticket, text: str, message: StaffMessage) -> list[str]:
        if message.attachment:  # not its caption alone: "the form is attached" without it
            if message.album is not None:
                if message.album in self._albums_told:
                    return []
                self._albums_told.append(message.album)
            return [msg.staff_attachment_not_sent()]
        text = text.strip()
        if not text:
            return []
        if await self.tickets.answer_from(message.message_id, await self._group()) is not None:
            # Relayed already: the bot died before noting the message handled, and handles
            # it again at its start (wardbot.inbox). The resident gets the answer once.
            log.info("ticket %d: a staff answer relayed already is not relayed again", ticket.id)
            return []
        named = self.settings.staff_signature == "name" and not message.anonymous
        signer = message.sender_name if named else None
        now = self.clock()
        # Before any wait: an answer handled at the same moment sees whose this one is.
        self._answerers[message.message_id] = (message.sender_id, message.sender_name)
        while len(self._answerers) > ANSWERERS_KEPT:
            self._answerers.popitem(last=False)

        def clashes(earlier: TicketMessage) -> bool:
            """`earlier`, the ticket's latest answer (the resident asked nothing since), is
            another officer's just before (not one the platform refused: the resident has
            no answer then)."""
            who = self._answerers.get(earlier.staff_message_id or 0)
            return (
                who is not None
                and earlier.state != "failed"
                and who[0] != message.sender_id
                and earlier.created_at > now - ANSWER_CLASH
                and (ticket.id, message.sender_id, earlier.id) not in self._clash_told
            )

        try:
            queued = await self.tickets.add_staff_reply(
                ticket, text, signer, message.message_id, now, held_if=clashes
            )
        except AnsweredJustNow as clash:
            earlier = clash.earlier
            self._answerers.pop(message.message_id, None)  # not relayed: no one's answer
            self._clash_told.append((ticket.id, message.sender_id, earlier.id))
            self._held[message.message_id] = ticket.id
            while len(self._held) > ANSWERERS_KEPT:
                self._held.popitem(last=False)
            who = self._answerers.get(earlier.staff_message_id or 0, ("", ""))[1]
            log.info(
                "ticket %d: a second officer's answer held: another went just before", ticket.id
            )
            return [msg.staff_answer_held(ticket.id, who, msg.duration(now - earlier.created_at))]
        if queued is None:
            return [msg.staff_ticket_gone(ticket.id)]
        if ticket.closed:  # an answer opens the ticket again: its topic too
            await self._reopen_topic(ticket)
        channel = ticket.chat.channel
        if self.serving is not None and not self.serving(channel):
            log.warning(
                "ticket %d: a staff answer waits: %s is not running (not configured, or not "
                "started yet); it goes out once it is",
                ticket.id,
                channel,
            )
            await self.tickets.told_stranded(queued, channel)  # not told again at a restart
            return [msg.relay_channel_off(ticket.id, channel)]
        log.info("ticket %d: a staff answer queued for %s", ticket.id, channel)
        self.wake_outbox()
        return []

    async def _close(self, ticket: Ticket) -> str:
        if not await self.tickets.close(ticket.id, self.clock()):
            return msg.ticket_was_closed(ticket.id)
        room = self.room
        if room is not None and self._in_room(ticket, room) and ticket.thread_id is not None:
            with contextlib.suppress(Exception):
                await room.close_topic(ticket.thread_id)
        return msg.ticket_closed(ticket.id)

    async def _reopen(self, ticket: Ticket) -> str:
        """/reopen: a ticket closed by mistake takes the resident's messages again."""
        if not await self.tickets.reopen(ticket.id, self.clock()):
            return msg.ticket_not_closed(ticket.id)
        await self._reopen_topic(ticket)
        log.info("ticket %d reopened", ticket.id)
        return msg.ticket_reopened(ticket.id)

    async def on_topic_closed(self, thread_id: int, *, closed: bool) -> None:
        """Staff closed a ticket's topic from Telegram's menu (or opened it again): the
        ticket with it, as /close (/reopen) would, so that a closed topic, where only the
        group's administrators may write, does not go on taking the resident's messages."""
        ticket = await self.tickets.by_thread(thread_id, await self._group())
        if ticket is None:
            return
        now = self.clock()
        done = await (self.tickets.close if closed else self.tickets.reopen)(ticket.id, now)
        if done:
            log.info("ticket %d %s with its topic", ticket.id, "closed" if closed else "reopened")

    async def _reopen_topic(self, ticket: Ticket) -> None:
        """The ticket's topic, closed with it, open again: staff who are no administrator
        of the group cannot write in a closed one."""
        room = self.room
        if room is not None and self._in_room(ticket, room) and ticket.thread_id is not None:
            with contextlib.suppress(Exception):  # open already (reopened by hand)
                await room.reopen_topic(ticket.thread_id)

    @staticmethod
    def _in_room(ticket: Ticket, room: StaffRoom) -> bool:
        """Whether the ticket is in the group the room posts in (or in none yet): ids of
        its topic and messages name something there."""
        return ticket.staff_chat_id in (None, room.chat_id)

    async def listing(self, page: str = "") -> str:
        """/tickets [PAGE]: numbers, channels, states and waits, with a link to each ticket
        in the staff group, LISTED a page; never the question. A listing is a message the
        desk keeps no record of (in the group, or in an admin's own chat), so /forget could
        not take a quote of a resident back; the question is one tap away, where /forget
        deletes it."""
        # Digits 0-9 only, and few of them ("²" is a digit to str.isdigit, and a page past
        # 10**9 is past the last one without overflowing SQLite's integers).
        typed = re.fullmatch(r"[0-9]{1,9}", page.strip())
        number = max(int(typed.group()), 1) if typed else 1
        now = self.clock()
        rows = []
        listed = await self.tickets.listing(limit=LISTED, offset=(number - 1) * LISTED)
        for ticket in listed:
            waited = msg.duration(now - ticket.active_at)
            link = await self._link(ticket)
            rows.append(msg.ticket_row(ticket.id, ticket.chat.channel, ticket.state, waited, link))
        total = await self.tickets.count()
        return msg.tickets_listing(rows, total, number, first=(number - 1) * LISTED)

    async def _link(self, ticket: Ticket) -> str | None:
        """The ticket in the staff group for its members: its topic, or the bot's first
        message about it. Only supergroups (ids -100…; forum groups are) have such links."""
        group = str(ticket.staff_chat_id or self.settings.staff_chat_id or "")
        if not group.startswith("-100"):
            return None
        target = ticket.thread_id
        if target is None:
            target = next(iter(await self.tickets.posts(ticket.id)), None)
        return None if target is None else f"https://t.me/c/{group[4:]}/{target}"

    # --- closing the loop: faq.yaml ----------------------------------------------------------

    async def add_variant(self, ticket: Ticket, entry_id: str) -> str:
        """The ticket's question becomes a way of asking FAQ entry `entry_id`, with what
        identifies the resident blanked (wardbot.redact.for_faq: faq.yaml is public)."""
        question = for_faq(await self.tickets.question(ticket.id))
        if self.editor is None:
            return msg.faq_edit_failed(msg.FAQ_EDIT_OFF)
        try:
            edit = await self.editor.add_variant(entry_id, question.text)
        except FaqEditError as exc:
            return msg.faq_edit_failed(str(exc))
        return msg.faq_variant_added(entry_id, question.text, question.kinds, applied=edit.applied)

    async def new_entry(
        self, ticket: Ticket, entry_id: str | None, answer_from: int | None = None
    ) -> str:
        """A new FAQ entry: the ticket's question (blanked as for a variant), a staff
        answer, with what it quotes of the resident's personal data (what was blanked in
        anything the resident wrote on the ticket) blanked too: the one relayed from the
        staff message `answer_from` (/newfaq typed as a reply to it), else the latest.
        Staff are shown the question as written, the answer taken (residents get it from
        now on: the latest may be a courtesy) and what was blanked: it is public."""
        said = await self.tickets.messages(ticket.id)
        answers = [m.text for m in said if m.author == "staff"]
        chosen = [m.text for m in said if m.author == "staff" and m.staff_message_id == answer_from]
        if not answers:
            return msg.faq_no_answer_yet(ticket.id)
        if self.editor is None:
            return msg.faq_edit_failed(msg.FAQ_EDIT_OFF)
        written = (chosen or answers)[-1]  # an edited answer: its last version
        question = for_faq(said[0].text)
        found = [f for m in said if m.author == "resident" for f in for_faq(m.text).found]
        answer = blank_found(written, found)
        kinds = question.kinds if answer == written else (*question.kinds, "quoted")
        try:
            edit = await self.editor.add_entry(question.text, answer, entry_id)
        except FaqEditError as exc:
            return msg.faq_edit_failed(str(exc))
        return msg.faq_entry_added(
            edit.entry_id, question.text, answer, kinds, applied=edit.applied
        )
