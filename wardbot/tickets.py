"""Tickets: residents' questions passed to ward staff, and what was said on them, in SQLite.

The tables are created by the store's migration 3 (wardbot.store); since migration 5 a
ticket's number and a message's id are never given again, so a number staff type after
`/forget` (or retention) deleted its ticket names no one. A ticket belongs to one
resident's chat (`channel`, `chat_id`), so `/forget` deletes it, and with it (by foreign
key) its messages and the map of the bot's posts in the staff group. What it leaves in
the staff group (its topic, or the bot's messages) is written down in the same
transaction as `Withdrawal`s (migration 8), for the desk to delete there. A ticket
records the staff group it was posted in (migration 9), and so does each withdrawal:
ids are a group's own, and the ward may have moved to another group since (so one id
may be two tickets' posts, one in each group: migration 13).

States: `open` (waiting for staff), `answered` (staff replied; the resident may still add
to it), `closed` (staff closed it). Messages on a ticket go both ways:

- `resident` (and `note`, the bot's own remarks for staff) wait as `pending` until the
  desk has posted them in the staff group, then are `posted`;
- `staff` replies are `queued` in the outbox for the resident's channel, then `sent` or
  `failed`.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import aiosqlite

from wardbot.store import ChatRef, Store

# What a note of the bot's on a ticket may hold. What the resident and staff say is kept
# whole (the channels bound it: wardbot.conversation.MAX_STAFF_MESSAGE_CHARS, Telegram's
# limit for staff), and a long one is posted or sent in parts.
MAX_TEXT_CHARS = 3500
OPEN_STATES = ("open", "answered")
# A staff answer's outbox row waiting for a channel the bot does not run, staff told so
# (`TicketBook.stranded`).
STRANDED = "waiting: the bot does not run {channel}"


@dataclass(frozen=True)
class Ticket:
    id: int
    chat: ChatRef
    state: str
    created_at: float
    active_at: float
    answered_at: float | None
    closed_at: float | None
    thread_id: int | None
    relay_error: str | None
    staff_chat_id: int | None = None  # the staff group its topic and posts are in
    # Opened from a complaint about the ward's staff or service, not a question (38).
    complaint: bool = False

    @property
    def closed(self) -> bool:
        return self.state == "closed"


# The resident's messages a question joined, in order: each one's platform id (None: not
# known) and how many characters of the question it gave; the parts are joined by "\n".
Parts = tuple[tuple[str | None, int], ...]


@dataclass(frozen=True)
class Offer:
    """A question offered to pass on to staff, and the resident's messages it came from:
    one, or several when what asked nothing, sent under the offer, went with it."""

    question: str
    parts: Parts
    complaint: bool = False  # a complaint about the ward (wardbot.complaints), no question

    @property
    def source(self) -> str | None:
        """The one message the question came from; None: several, or not known."""
        return self.parts[0][0] if len(self.parts) == 1 else None

    def joined(self, more: Offer) -> Offer:
        """This question with `more` after it, on a line of its own (what this one is: a
        complaint stays one)."""
        return Offer(
            f"{self.question}\n{more.question}", (*self.parts, *more.parts), self.complaint
        )


def rewritten(text: str, parts: Parts, source: str, new: str) -> tuple[str, Parts] | None:
    """`text`, joined of the messages `parts`, with the part from the message `source`
    now reading `new`, and the parts it is then joined of; None: `text` is not so joined
    (or no part came from `source`)."""
    if sum(size for _, size in parts) + len(parts) - 1 != len(text):
        return None
    pieces, start = [], 0
    for _, size in parts:
        pieces.append(text[start : start + size])
        start += size + 1
    at = [n for n, (of, _) in enumerate(parts) if of == source]
    if not at:
        return None
    pieces[at[-1]] = new
    sizes = tuple((of, len(piece)) for (of, _), piece in zip(parts, pieces, strict=True))
    return "\n".join(pieces), sizes


def _dumped(parts: Parts | None) -> str | None:
    """`parts` as stored (migration 36): None for one message (its `source` says it)."""
    return None if parts is None or len(parts) < 2 else json.dumps(parts)


def _loaded(source: object, parts: object, text: str) -> Parts:
    if isinstance(parts, str):
        return tuple((None if of is None else str(of), int(size)) for of, size in json.loads(parts))
    return ((None if source is None else str(source), len(text)),)


@dataclass(frozen=True)
class TicketMessage:
    id: int
    ticket_id: int
    author: str  # 'resident', 'staff' or 'note'
    text: str
    signer: str | None
    created_at: float
    state: str
    staff_message_id: int | None
    # The resident's message this one corrects (they edited it once staff had it); None.
    corrects: int | None = None
    source: str | None = None  # the platform's id of the message it came from, if known
    # The messages it joined (`Parts`, migration 36); None: one message (`source`).
    parts: Parts | None = None


@dataclass(frozen=True)
class Withdrawal:
    """What the desk still has to delete in the staff group for a ticket that is gone:
    its forum topic (`thread_id`), or one of the bot's messages (`message_id`), in the
    group `chat_id` (None: not known, so never deleted)."""

    id: int
    chat_id: int | None
    thread_id: int | None
    message_id: int | None
    created_at: float
    attempts: int


_TICKET_COLUMNS = (
    "id, channel, chat_id, state, created_at, active_at, answered_at, closed_at, thread_id, "
    "relay_error, staff_chat_id, complaint"
)
_MESSAGE_COLUMNS = (
    "id, ticket_id, author, text, signer, created_at, state, staff_message_id, corrects, "
    "source, parts"
)


class AnsweredJustNow(Exception):
    """Another officer's answer on the ticket went out just before (`earlier`), the resident
    silent since: this one is not queued (`TicketBook.add_staff_reply`'s `held_if`)."""

    def __init__(self, earlier: TicketMessage) -> None:
        super().__init__(f"ticket {earlier.ticket_id} was answered just before")
        self.earlier = earlier


def _ticket(row: Sequence[object]) -> Ticket:
    return Ticket(
        int(row[0]),  # type: ignore[call-overload]
        ChatRef(str(row[1]), str(row[2])),
        str(row[3]),
        float(row[4]),  # type: ignore[arg-type]
        float(row[5]),  # type: ignore[arg-type]
        row[6],  # type: ignore[arg-type]
        row[7],  # type: ignore[arg-type]
        row[8],  # type: ignore[arg-type]
        row[9],  # type: ignore[arg-type]
        row[10],  # type: ignore[arg-type]
        bool(row[11]),
    )


def _message(row: Sequence[object]) -> TicketMessage:
    message = TicketMessage(*row[:10])  # type: ignore[arg-type]
    if row[10] is None:
        return message
    return replace(message, parts=_loaded(row[9], row[10], message.text))


class TicketBook:
    """Reads and writes tickets in the bot's database (one `Store`)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # --- offers: the question a resident may choose to pass on ----------------------

    async def offer(
        self,
        chat: ChatRef,
        question: str,
        now: float,
        source: str | None = None,
        *,
        parts: Parts | None = None,
        complaint: bool = False,
    ) -> None:
        """Remember `question` as the one to pass on if the resident accepts; '' means
        'the next message is the question'. `source`: the message it came from; `parts`:
        the messages it joined, instead. `complaint`: it is a complaint, not a question."""
        if parts is not None and len(parts) == 1:
            source, parts = parts[0][0], None
        async with self.store.writing() as db:
            await db.execute(
                "INSERT OR REPLACE INTO staff_offers (channel, chat_id, question, offered_at, "
                "source, parts, complaint) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (chat.channel, chat.chat_id, question, now, source, _dumped(parts), complaint),
            )

    async def offer_of(self, chat: ChatRef, since: float | None = None) -> Offer | None:
        """The question offered to `chat` (since `since`, if given) with the messages it
        came from ('' when awaiting one), if any."""
        async with self.store.db.execute(
            "SELECT question, source, parts, offered_at, complaint FROM staff_offers "
            "WHERE channel = ? AND chat_id = ?",
            (chat.channel, chat.chat_id),
        ) as cursor:
            row = await cursor.fetchone()
        if row is None or (since is not None and row[3] < since):
            return None
        return Offer(str(row[0]), _loaded(row[1], row[2], str(row[0])), bool(row[4]))

    async def offered(self, chat: ChatRef, since: float) -> str | None:
        """The question offered to `chat` since `since` ('' when awaiting one), if any."""
        async with self.store.db.execute(
            "SELECT question FROM staff_offers WHERE channel = ? AND chat_id = ? "
            "AND offered_at >= ?",
            (chat.channel, chat.chat_id, since),
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None else str(row[0])

    async def drop_offer(self, chat: ChatRef) -> None:
        async with self.store.writing() as db:
            await db.execute(
                "DELETE FROM staff_offers WHERE channel = ? AND chat_id = ?",
                (chat.channel, chat.chat_id),
            )

    async def purge(self, before: float, now: float, waiting_before: float | None = None) -> int:
        """Delete tickets (with what was said on them) last active before `before`; what
        they left in the staff group is to be withdrawn (`due_withdrawals`). A ticket still
        waiting for staff (for their answer, or to be posted to them) or with a staff answer
        still on its way to the resident goes only when last active before `waiting_before`
        too (None: `before`)."""
        waiting = (
            "(state = 'open' OR EXISTS (SELECT 1 FROM ticket_messages m WHERE "
            "m.ticket_id = tickets.id AND m.state IN ('pending', 'queued')))"
        )
        later = before if waiting_before is None else min(before, waiting_before)
        where = f"active_at < ? AND (active_at < ? OR NOT {waiting})"
        async with self.store.writing() as db:
            deleted, _ = await _take_out(db, where, (before, later), now)
        return deleted

    async def purge_offers(self, before: float) -> int:
        async with self.store.writing() as db:
            cursor = await db.execute("DELETE FROM staff_offers WHERE offered_at < ?", (before,))
        return max(cursor.rowcount, 0)

    # --- tickets ----------------------------------------------------------------------

    async def open(
        self,
        chat: ChatRef,
        question: str,
        now: float,
        source: str | None = None,
        *,
        parts: Parts | None = None,
        complaint: bool = False,
    ) -> Ticket:
        """A new ticket with the resident's question waiting to be posted to staff; the
        offer it came from is used up. `source`: the message the question came from;
        `parts`: the messages it joined, instead. `complaint`: it is a complaint."""
        async with self.store.writing() as db:
            cursor = await db.execute(
                "INSERT INTO tickets (channel, chat_id, created_at, active_at, complaint) "
                "VALUES (?, ?, ?, ?, ?)",
                (chat.channel, chat.chat_id, now, now, complaint),
            )
            ticket_id = int(cursor.lastrowid or 0)
            await db.execute(
                "INSERT INTO ticket_messages (ticket_id, author, text, created_at, state, "
                "source, parts) VALUES (?, 'resident', ?, ?, 'pending', ?, ?)",
                (ticket_id, question, now, source, _dumped(parts)),
            )
            await db.execute(
                "DELETE FROM staff_offers WHERE channel = ? AND chat_id = ?",
                (chat.channel, chat.chat_id),
            )
        ticket = await self.get(ticket_id)
        assert ticket is not None
        return ticket

    async def get(self, ticket_id: int) -> Ticket | None:
        async with self.store.db.execute(
            f"SELECT {_TICKET_COLUMNS} FROM tickets WHERE id = ?",  # noqa: S608
            (ticket_id,),
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None else _ticket(row)

    async def active(
        self, chat: ChatRef, since: float, waiting_since: float | None = None
    ) -> Ticket | None:
        """The chat's latest ticket that is not closed and saw activity since `since`, or,
        still waiting for staff (over a weekend, Tết), since `waiting_since`."""
        waiting_since = since if waiting_since is None else min(since, waiting_since)
        async with self.store.db.execute(
            f"SELECT {_TICKET_COLUMNS} FROM tickets WHERE channel = ? AND chat_id = ? "  # noqa: S608
            "AND state IN ('open', 'answered') AND active_at >= ? "
            "AND (active_at >= ? OR state = 'open') ORDER BY id DESC LIMIT 1",
            (chat.channel, chat.chat_id, waiting_since, since),
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None else _ticket(row)

    async def staff_answered(self, chat: ChatRef, since: float) -> float | None:
        """When the latest staff answer reached the chat on a ticket still open, if at
        `since` or later; None otherwise."""
        async with self.store.db.execute(
            "SELECT MAX(o.done_at) FROM outbox o JOIN ticket_messages m "
            "ON o.ref = CAST(m.id AS TEXT) JOIN tickets t ON t.id = m.ticket_id "
            "WHERE o.channel = ? AND o.chat_id = ? AND o.kind = 'reply' AND o.state = 'sent' "
            "AND o.done_at >= ? AND t.state IN ('open', 'answered')",
            (chat.channel, chat.chat_id, since),
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None or row[0] is None else float(row[0])

    async def by_thread(self, thread_id: int, group: int | None = None) -> Ticket | None:
        """The ticket whose topic `thread_id` is in the staff group `group` (None: any)."""
        async with self.store.db.execute(
            f"SELECT {_TICKET_COLUMNS} FROM tickets WHERE thread_id = ? "  # noqa: S608
            "AND (? IS NULL OR staff_chat_id = ?) ORDER BY id DESC LIMIT 1",
            (thread_id, group, group),
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None else _ticket(row)

    async def by_post(self, message_id: int, group: int | None = None) -> Ticket | None:
        """The ticket a message the bot posted in the staff group `group` (None: any; the
        newest ticket, then, since two groups may have given the id) belongs to."""
        async with self.store.db.execute(
            "SELECT ticket_id FROM staff_posts JOIN tickets ON tickets.id = ticket_id "
            "WHERE message_id = ? AND (? IS NULL OR staff_chat_id = ?) "
            "ORDER BY ticket_id DESC LIMIT 1",
            (message_id, group, group),
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None else await self.get(int(row[0]))

    async def listing(
        self, states: Sequence[str] = OPEN_STATES, limit: int = 30, offset: int = 0
    ) -> list[Ticket]:
        """Tickets in `states`, oldest activity first (the longest waiting on top), from
        the `offset`-th on."""
        marks = ",".join("?" * len(states))
        async with self.store.db.execute(
            f"SELECT {_TICKET_COLUMNS} FROM tickets WHERE state IN ({marks}) "  # noqa: S608
            "ORDER BY state = 'answered', active_at, id LIMIT ? OFFSET ?",
            (*states, limit, offset),
        ) as cursor:
            return [_ticket(row) for row in await cursor.fetchall()]

    async def count(self, states: Sequence[str] = OPEN_STATES) -> int:
        """How many tickets are in `states`."""
        marks = ",".join("?" * len(states))
        async with self.store.db.execute(
            f"SELECT COUNT(*) FROM tickets WHERE state IN ({marks})",  # noqa: S608
            tuple(states),
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def add_resident_message(
        self,
        ticket: Ticket,
        text: str,
        now: float,
        *,
        waits: bool = True,
        source: str | None = None,
        corrects: int | None = None,
        parts: Parts | None = None,
    ) -> None:
        """A further message from the resident: posted to the same place; the ticket waits
        for staff again, unless not `waits` (thanks: nothing to answer). `source`: the
        message it came from; `corrects`: the resident message on the ticket it corrects
        (the resident edited that one); `parts`: the messages it joined."""
        async with self.store.writing() as db:
            await db.execute(
                "INSERT INTO ticket_messages (ticket_id, author, text, created_at, state, "
                "source, corrects, parts) VALUES (?, 'resident', ?, ?, 'pending', ?, ?, ?)",
                (ticket.id, text, now, source, corrects, _dumped(parts)),
            )
            await db.execute(
                "UPDATE tickets SET state = CASE WHEN ? THEN 'open' ELSE state END, "
                "active_at = ? WHERE id = ?",
                (waits, now, ticket.id),
            )

    async def add_note(self, ticket_id: int, text: str, now: float) -> None:
        """A remark of the bot's for staff on the ticket (a failed relay, say)."""
        async with self.store.writing() as db:
            await db.execute(
                "INSERT INTO ticket_messages (ticket_id, author, text, created_at, state) "
                "VALUES (?, 'note', ?, ?, 'pending')",
                (ticket_id, text[:MAX_TEXT_CHARS], now),
            )

    async def pending_posts(self, limit: int = 50) -> list[TicketMessage]:
        """Messages waiting to be posted in the staff group, oldest first."""
        async with self.store.db.execute(
            f"SELECT {_MESSAGE_COLUMNS} FROM ticket_messages "  # noqa: S608
            "WHERE state = 'pending' ORDER BY id LIMIT ?",
            (limit,),
        ) as cursor:
            return [_message(row) for row in await cursor.fetchall()]

    async def set_thread(
        self, ticket_id: int, thread_id: int | None, group: int | None = None
    ) -> bool:
        """The ticket's topic is `thread_id` (in the staff group `group`, when given).
        False when the ticket is gone (forgotten while its topic was being made)."""
        async with self.store.writing() as db:
            cursor = await db.execute(
                "UPDATE tickets SET thread_id = ?, staff_chat_id = COALESCE(?, staff_chat_id) "
                "WHERE id = ?",
                (thread_id, group, ticket_id),
            )
        return cursor.rowcount > 0

    async def mark_posted(
        self, message: TicketMessage, posted: Sequence[int], group: int | None = None
    ) -> bool:
        """`message` is in the staff group (`group`, when given) as the messages `posted`
        (a long one is split). False, and nothing recorded, when it is gone: forgotten
        while it was being posted."""
        async with self.store.writing() as db:
            cursor = await db.execute(
                "UPDATE ticket_messages SET state = 'posted', staff_message_id = ? "
                "WHERE id = ? AND ticket_id = ?",
                (posted[-1] if posted else None, message.id, message.ticket_id),
            )
            if cursor.rowcount <= 0:
                return False
            await db.execute(
                "UPDATE tickets SET staff_chat_id = COALESCE(?, staff_chat_id) WHERE id = ?",
                (group, message.ticket_id),
            )
            await db.executemany(
                "INSERT OR REPLACE INTO staff_posts (message_id, ticket_id) VALUES (?, ?)",
                [(posted_id, message.ticket_id) for posted_id in posted],
            )
        return True

    async def last_post(self, ticket_id: int) -> int | None:
        """The bot's latest message about the ticket in the staff group."""
        async with self.store.db.execute(
            "SELECT MAX(message_id) FROM staff_posts WHERE ticket_id = ?", (ticket_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None or row[0] is None else int(row[0])

    async def posts(self, ticket_id: int) -> list[int]:
        async with self.store.db.execute(
            "SELECT message_id FROM staff_posts WHERE ticket_id = ? ORDER BY message_id",
            (ticket_id,),
        ) as cursor:
            return [int(row[0]) for row in await cursor.fetchall()]

    async def messages(self, ticket_id: int) -> list[TicketMessage]:
        async with self.store.db.execute(
            f"SELECT {_MESSAGE_COLUMNS} FROM ticket_messages "  # noqa: S608
            "WHERE ticket_id = ? ORDER BY id",
            (ticket_id,),
        ) as cursor:
            return [_message(row) for row in await cursor.fetchall()]

    async def question(self, ticket_id: int) -> str:
        """The resident's first message on the ticket: what was asked."""
        async with self.store.db.execute(
            "SELECT text FROM ticket_messages WHERE ticket_id = ? ORDER BY id LIMIT 1",
            (ticket_id,),
        ) as cursor:
            row = await cursor.fetchone()
        return str(row[0]) if row else ""

    async def from_source(self, ticket: Ticket, source: str) -> TicketMessage | None:
        """The latest of the resident's messages on `ticket` that came from the message
        `source`, alone or joined with others (edited since, it may have been corrected
        already: that correction)."""
        async with self.store.db.execute(
            f"SELECT {_MESSAGE_COLUMNS} FROM ticket_messages m "  # noqa: S608
            "WHERE ticket_id = ? AND author = 'resident' AND (source = ? OR (parts IS NOT NULL "
            "AND EXISTS (SELECT 1 FROM json_each(m.parts) WHERE json_extract(value, '$[0]') = ?))) "
            "ORDER BY id DESC LIMIT 1",
            (ticket.id, source, source),
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None else _message(row)

    async def message(self, message_id: int) -> TicketMessage | None:
        async with self.store.db.execute(
            f"SELECT {_MESSAGE_COLUMNS} FROM ticket_messages WHERE id = ?",  # noqa: S608
            (message_id,),
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None else _message(row)

    async def add_staff_reply(
        self,
        ticket: Ticket,
        text: str,
        signer: str | None,
        staff_message_id: int | None,
        now: float,
        *,
        correction: bool = False,
        held_if: Callable[[TicketMessage], bool] | None = None,
    ) -> TicketMessage | None:
        """A staff answer for the resident, queued in the outbox in the same transaction:
        a crash loses neither the answer nor its delivery. A `correction` of an answer
        (its staff message edited) leaves the ticket as it is: closed stays closed. None,
        and nothing queued, when the ticket is gone (the resident's /forget meanwhile).
        Raises AnsweredJustNow, nothing queued, when the ticket's latest message is a
        staff answer `held_if` says this one clashes with (the resident's thanks since,
        which left the ticket answered, do not count): looked at in the same transaction,
        so of two answers handled at once only the first goes."""
        async with self.store.writing() as db:
            async with db.execute("SELECT state FROM tickets WHERE id = ?", (ticket.id,)) as found:
                state = await found.fetchone()
            if state is None:
                return None
            if held_if is not None:
                # Answered: what the resident wrote since the latest answer asked nothing.
                authors = "'staff'" if state[0] == "answered" else "'resident', 'staff'"
                async with db.execute(
                    f"SELECT {_MESSAGE_COLUMNS} FROM ticket_messages WHERE ticket_id = ? "  # noqa: S608
                    f"AND author IN ({authors}) ORDER BY id DESC LIMIT 1",
                    (ticket.id,),
                ) as cursor:
                    row = await cursor.fetchone()
                latest = None if row is None else _message(row)
                if latest is not None and held_if(latest):
                    raise AnsweredJustNow(latest)
            cursor = await db.execute(
                "INSERT INTO ticket_messages "
                "(ticket_id, author, text, signer, created_at, state, staff_message_id) "
                "VALUES (?, 'staff', ?, ?, ?, 'queued', ?)",
                (ticket.id, text, signer, now, staff_message_id),
            )
            reply_id = int(cursor.lastrowid or 0)
            if not correction:
                await db.execute(
                    "UPDATE tickets SET state = 'answered', active_at = ?, relay_error = NULL, "
                    "answered_at = COALESCE(answered_at, ?), closed_at = NULL WHERE id = ?",
                    (now, now, ticket.id),
                )
            await db.execute(
                "INSERT OR IGNORE INTO outbox (channel, chat_id, kind, ref, created_at, "
                "not_before) VALUES (?, ?, 'reply', ?, ?, ?)",
                (ticket.chat.channel, ticket.chat.chat_id, str(reply_id), now, now),
            )
        message = await self.message(reply_id)
        assert message is not None
        return message

    async def stranded(
        self, channels: Sequence[str], note: Callable[[str], str], now: float
    ) -> tuple[dict[str, int], list[int]]:
        """Staff answers waiting in the outbox for `channels`, which the bot does not run
        now (no sender takes them: they go once it runs them again). Each ticket with one
        staff have not been told about gets `note(channel)`, in the same
        transaction as the answers are marked told (their outbox row's error says why they
        wait: told once, across restarts). Returns how many wait, per channel, and the
        tickets noted now."""
        why = {channel: STRANDED.format(channel=channel) for channel in channels}
        async with self.store.writing() as db:
            async with db.execute(
                "SELECT o.id, o.channel, o.error, m.ticket_id FROM outbox o "
                "JOIN ticket_messages m ON m.id = CAST(o.ref AS INTEGER) "
                "WHERE o.kind = 'reply' AND o.state IN ('pending', 'sending') "
                "AND o.channel IN (SELECT value FROM json_each(?)) ORDER BY o.id",
                (json.dumps(list(channels)),),
            ) as cursor:
                rows = await cursor.fetchall()
            waiting: dict[str, int] = {}
            noted: dict[int, str] = {}
            for row_id, channel, error, ticket_id in rows:
                waiting[channel] = waiting.get(channel, 0) + 1
                if error == why[channel]:
                    continue
                noted.setdefault(ticket_id, channel)
                await db.execute("UPDATE outbox SET error = ? WHERE id = ?", (why[channel], row_id))
            for ticket_id, channel in noted.items():
                await db.execute(
                    "INSERT INTO ticket_messages (ticket_id, author, text, created_at, state) "
                    "VALUES (?, 'note', ?, ?, 'pending')",
                    (ticket_id, note(channel)[:MAX_TEXT_CHARS], now),
                )
        return waiting, list(noted)

    async def told_stranded(self, message: TicketMessage, channel: str) -> None:
        """Staff were told that their answer `message` waits for `channel`, which the bot
        does not run now: `stranded` does not tell them again at the next start."""
        async with self.store.writing() as db:
            await db.execute(
                "UPDATE outbox SET error = ? WHERE kind = 'reply' AND ref = ? "
                "AND state IN ('pending', 'sending')",
                (STRANDED.format(channel=channel), str(message.id)),
            )

    async def hint_due(
        self, officer: str, tickets: Sequence[int], *, outside: bool, now: float, every: float
    ) -> bool:
        """Whether `officer` is to be told that a message of theirs reached no resident,
        about `tickets` (in a ticket's topic or replying to its answer, or `outside` any):
        one of them they were not told of there within `every`. True notes them all told
        at `now`, in the same transaction, kept across restarts (migration 41); what is
        older than `every` is deleted. Tickets gone meanwhile count as told."""
        async with self.store.writing() as db:
            await _forget_hints(db, now - every)
            async with db.execute(
                "SELECT COUNT(*) FROM tickets t WHERE t.id IN (SELECT value FROM json_each(?)) "
                "AND NOT EXISTS (SELECT 1 FROM staff_hints h WHERE h.ticket_id = t.id "
                "AND h.officer = ? AND h.outside = ?)",
                (json.dumps(list(tickets)), officer, outside),
            ) as cursor:
                row = await cursor.fetchone()
            if not row or not row[0]:
                return False
            await db.execute(
                "INSERT OR REPLACE INTO staff_hints (officer, ticket_id, outside, at) "
                "SELECT ?, id, ?, ? FROM tickets WHERE id IN (SELECT value FROM json_each(?))",
                (officer, outside, now, json.dumps(list(tickets))),
            )
        return True

    async def purge_hints(self, before: float) -> int:
        """Retention: forget which officers were told about which ticket (`hint_due`) at
        or before `before`, in a group quiet since (where no note deleted them)."""
        async with self.store.writing() as db:
            return await _forget_hints(db, before)

    async def answer_from(self, staff_message_id: int, group: int | None) -> TicketMessage | None:
        """The latest staff answer relayed from message `staff_message_id` of the staff
        group `group` (None: any): what an edit of that message corrects."""
        async with self.store.db.execute(
            f"SELECT {_MESSAGE_COLUMNS} FROM ticket_messages "  # noqa: S608
            "WHERE author = 'staff' AND staff_message_id = ? AND ticket_id IN "
            "(SELECT id FROM tickets WHERE ? IS NULL OR staff_chat_id = ?) "
            "ORDER BY id DESC LIMIT 1",
            (staff_message_id, group, group),
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None else _message(row)

    async def revise(self, message_id: int, text: str) -> bool:
        """Staff corrected their answer before it went out: the resident gets `text`
        instead. False when it is on its way, or went out (nothing changed)."""
        async with self.store.writing() as db:
            cursor = await db.execute(
                "UPDATE ticket_messages SET text = ? WHERE id = ? AND author = 'staff' "
                "AND state = 'queued' AND EXISTS (SELECT 1 FROM outbox WHERE kind = 'reply' "
                "AND ref = ? AND state = 'pending' AND attempts = 0)",
                (text, message_id, str(message_id)),
            )
            if cursor.rowcount < 1:
                return False
            # A new id for its row in the outbox: a sender that read the first text and
            # waits its turn to send it finds its row gone (Store.mark_sending), sends
            # nothing, and the next drain sends this text.
            await db.execute(
                "UPDATE outbox SET id = (SELECT MAX(id) + 1 FROM outbox) "
                "WHERE kind = 'reply' AND ref = ? AND state = 'pending'",
                (str(message_id),),
            )
        return True

    async def corrects(self, message: TicketMessage) -> bool:
        """Whether staff answer `message` corrects an earlier one (its staff message edited)."""
        if message.staff_message_id is None:
            return False
        async with self.store.db.execute(
            "SELECT 1 FROM ticket_messages WHERE ticket_id = ? AND author = 'staff' "
            "AND staff_message_id = ? AND id < ? LIMIT 1",
            (message.ticket_id, message.staff_message_id, message.id),
        ) as cursor:
            return await cursor.fetchone() is not None

    async def reply_outcome(self, message_id: int, delivered: bool, error: str = "") -> None:
        """How the relay of a staff reply ended; a failure is marked on the ticket too."""
        async with self.store.writing() as db:
            await db.execute(
                "UPDATE ticket_messages SET state = ? WHERE id = ? AND author = 'staff'",
                ("sent" if delivered else "failed", message_id),
            )
            if not delivered:
                await db.execute(
                    "UPDATE tickets SET relay_error = ? WHERE id = "
                    "(SELECT ticket_id FROM ticket_messages WHERE id = ?)",
                    (error[:300] or "failed", message_id),
                )

    async def close(self, ticket_id: int, now: float) -> bool:
        """Close the ticket; False when it was closed already (or does not exist)."""
        async with self.store.writing() as db:
            cursor = await db.execute(
                "UPDATE tickets SET state = 'closed', closed_at = ? "
                "WHERE id = ? AND state != 'closed'",
                (now, ticket_id),
            )
        return cursor.rowcount > 0

    async def reopen(self, ticket_id: int, now: float) -> bool:
        """Open a closed ticket again (closed by mistake): waiting for staff, or answered
        when staff had answered it, and active from `now`, so that the resident's messages
        reach staff again. False when it was not closed (or does not exist)."""
        async with self.store.writing() as db:
            cursor = await db.execute(
                "UPDATE tickets SET state = CASE WHEN answered_at IS NULL THEN 'open' "
                "ELSE 'answered' END, closed_at = NULL, active_at = ? "
                "WHERE id = ? AND state = 'closed'",
                (now, ticket_id),
            )
        return cursor.rowcount > 0

    async def forget(self, chat: ChatRef, now: float) -> tuple[int, list[Withdrawal]]:
        """Delete the chat's tickets (their messages and posts with them); returns how many
        and what they left in the staff group, to withdraw. One transaction: what the desk
        posts meanwhile is either recorded here, or finds its ticket gone (`set_thread`,
        `mark_posted`)."""
        async with self.store.writing() as db:
            return await _take_out(
                db, "channel = ? AND chat_id = ?", (chat.channel, chat.chat_id), now
            )

    # --- withdrawals: what gone tickets left in the staff group ---------------------------

    async def withdraw(
        self, group: int, thread_id: int | None, posts: Sequence[int], now: float
    ) -> list[Withdrawal]:
        """Write down a topic (or, without one, messages) the desk posted in the staff
        group `group` for a ticket that was deleted meanwhile."""
        async with self.store.writing() as db:
            return await _withdrawals(db, group, thread_id, posts, now)

    async def claim(self, group: int) -> int:
        """Tickets posted before the staff group was recorded (migration 9) are taken to be
        in `group`, the one configured now: the one they were posted in, unless the ward
        changed group in the same upgrade. Returns how many."""
        async with self.store.writing() as db:
            cursor = await db.execute(
                "UPDATE tickets SET staff_chat_id = ? WHERE staff_chat_id IS NULL AND "
                "(thread_id IS NOT NULL OR id IN (SELECT ticket_id FROM staff_posts))",
                (group,),
            )
        return max(cursor.rowcount, 0)

    async def move(self, ticket_id: int, now: float) -> list[Withdrawal]:
        """A ticket still open when the ward moved to another staff group: what it left in
        the old group is to be deleted there, and what the resident said is posted again
        (in the new group)."""
        async with self.store.writing() as db:
            async with db.execute(
                "SELECT staff_chat_id, thread_id FROM tickets WHERE id = ?", (ticket_id,)
            ) as cursor:
                row = await cursor.fetchone()
            if row is None or row[0] is None:
                return []
            posts = await _posts(db, ticket_id) if row[1] is None else ()
            made = await _withdrawals(db, int(row[0]), row[1], posts, now)
            await db.execute("DELETE FROM staff_posts WHERE ticket_id = ?", (ticket_id,))
            await db.execute(
                "UPDATE tickets SET staff_chat_id = NULL, thread_id = NULL WHERE id = ?",
                (ticket_id,),
            )
            await db.execute(
                "UPDATE ticket_messages SET state = 'pending' "
                "WHERE ticket_id = ? AND author != 'staff' AND state = 'posted'",
                (ticket_id,),
            )
        return made

    async def due_withdrawals(self, now: float, limit: int = 50) -> list[Withdrawal]:
        async with self.store.db.execute(
            f"SELECT {_WITHDRAWAL_COLUMNS} FROM staff_withdrawals "  # noqa: S608
            "WHERE not_before <= ? ORDER BY id LIMIT ?",
            (now, limit),
        ) as cursor:
            return [_withdrawal(row) for row in await cursor.fetchall()]

    async def withdrawn(self, withdrawal_id: int) -> None:
        """Done (or given up): nothing more to delete for it."""
        async with self.store.writing() as db:
            await db.execute("DELETE FROM staff_withdrawals WHERE id = ?", (withdrawal_id,))

    async def withdraw_later(self, withdrawal: Withdrawal, not_before: float) -> None:
        async with self.store.writing() as db:
            await db.execute(
                "UPDATE staff_withdrawals SET attempts = ?, not_before = ? WHERE id = ?",
                (withdrawal.attempts + 1, not_before, withdrawal.id),
            )

    async def of_chat(self, chat: ChatRef) -> list[Ticket]:
        async with self.store.db.execute(
            f"SELECT {_TICKET_COLUMNS} FROM tickets WHERE channel = ? AND chat_id = ? "  # noqa: S608
            "ORDER BY id",
            (chat.channel, chat.chat_id),
        ) as cursor:
            return [_ticket(row) for row in await cursor.fetchall()]

    async def opened_after(self, chat: ChatRef, after: float) -> int:
        """How many tickets the chat opened after `after`."""
        async with self.store.db.execute(
            "SELECT COUNT(*) FROM tickets WHERE channel = ? AND chat_id = ? AND created_at > ?",
            (chat.channel, chat.chat_id, after),
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def waiting_to_post(self) -> int:
        """How many tickets have something waiting to be posted in the staff group."""
        async with self.store.db.execute(
            "SELECT COUNT(DISTINCT ticket_id) FROM ticket_messages WHERE state = 'pending'"
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def counts(self, since: float) -> tuple[int, int, float | None]:
        """(tickets waiting for staff, tickets answered since `since`, median seconds from
        a ticket's creation to its first answer among those)."""
        async with self.store.db.execute(
            "SELECT COUNT(*) FROM tickets WHERE state = 'open'"
        ) as cursor:
            row = await cursor.fetchone()
        waiting = int(row[0]) if row else 0
        async with self.store.db.execute(
            "SELECT answered_at - created_at FROM tickets WHERE answered_at >= ?", (since,)
        ) as cursor:
            waits = [float(r[0]) for r in await cursor.fetchall()]
        return waiting, len(waits), statistics.median(waits) if waits else None


async def _forget_hints(db: aiosqlite.Connection, before: float) -> int:
    """Delete the notes of officers told at or before `before` (inside the caller's
    transaction); how many."""
    cursor = await db.execute("DELETE FROM staff_hints WHERE at <= ?", (before,))
    return max(cursor.rowcount, 0)


_WITHDRAWAL_COLUMNS = "id, chat_id, thread_id, message_id, created_at, attempts"


def _withdrawal(row: Sequence[object]) -> Withdrawal:
    return Withdrawal(*row)  # type: ignore[arg-type]


async def _take_out(
    db: aiosqlite.Connection, where: str, params: tuple[object, ...], now: float
) -> tuple[int, list[Withdrawal]]:
    """Delete the tickets matching `where` (inside the caller's transaction), writing down
    what they left in the staff group: a ticket's topic (its messages go with it), or
    without one each of the bot's messages about it."""
    async with db.execute(
        f"SELECT id, staff_chat_id, thread_id FROM tickets WHERE {where} ORDER BY id",  # noqa: S608
        params,
    ) as cursor:
        tickets = [(int(row[0]), row[1], row[2]) for row in await cursor.fetchall()]
    withdrawals: list[Withdrawal] = []
    for ticket_id, group, thread_id in tickets:
        posts = await _posts(db, ticket_id) if thread_id is None else ()
        withdrawals += await _withdrawals(db, group, thread_id, posts, now)
    if tickets:
        await db.executemany("DELETE FROM tickets WHERE id = ?", [(t[0],) for t in tickets])
    return len(tickets), withdrawals


async def _posts(db: aiosqlite.Connection, ticket_id: int) -> tuple[int, ...]:
    async with db.execute(
        "SELECT message_id FROM staff_posts WHERE ticket_id = ? ORDER BY message_id",
        (ticket_id,),
    ) as cursor:
        return tuple(int(row[0]) for row in await cursor.fetchall())


async def _withdrawals(
    db: aiosqlite.Connection,
    group: int | None,
    thread_id: int | None,
    posts: Sequence[int],
    now: float,
) -> list[Withdrawal]:
    targets = [(thread_id, None)] if thread_id is not None else [(None, p) for p in posts]
    made = []
    for thread, message in targets:
        cursor = await db.execute(
            "INSERT INTO staff_withdrawals (chat_id, thread_id, message_id, created_at, "
            "not_before) VALUES (?, ?, ?, ?, ?)",
            (group, thread, message, now, now),
        )
        made.append(Withdrawal(int(cursor.lastrowid or 0), group, thread, message, now, 0))
    return made
