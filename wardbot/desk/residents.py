"""The desk as residents meet it: the offer to pass a question on, opening a ticket (within
the limits), what they write next on it, and their alerts held after a staff answer."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace

from wardbot import messages as msg
from wardbot.desk.base import DeskBase
from wardbot.desk.limits import HOUR, MAX_WAITING, TICKETS_PER_HOUR
from wardbot.hours import staff_answer_time
from wardbot.reply import Button, Reply
from wardbot.store import ChatRef
from wardbot.tickets import Offer, Parts, Ticket, rewritten

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


class ResidentSide(DeskBase):
    """Residents passing questions on to staff."""

    def when_staff_answer(self) -> str:
        at = dt.datetime.fromtimestamp(self.clock(), dt.UTC)
        return staff_answer_time(self.settings.office_hours, at, self.settings.ward_name)

    def ask_button(self) -> Button:
        return Button(msg.ask_staff_button(self.settings.ward_name), "staff:ask")

    async def offer(
        self, chat: ChatRef, question: str, *, complaint: bool = False, seen: bool = False
    ) -> str:
        """Keep `question` in case the resident accepts; the sentence explaining the offer
        (`complaint`: of a complaint, not a question). `seen`: the resident was shown what
        is shared lately; so they were if the chat passed a question on before (its
        tickets, kept anyway): then the sentence says it in a line."""
        await self.tickets.offer(chat, question, self.clock(), chat.message, complaint=complaint)
        if not seen:
            try:
                seen = await self.tickets.opened_after(chat, 0.0) > 0
            except Exception:  # a locked database: said in full, as to a first question
                log.exception("could not count a chat's tickets")
        return self.offer_said(chat.channel, complaint=complaint, seen=seen)

    def offer_said(self, channel: str, *, complaint: bool = False, seen: bool = False) -> str:
        """The sentence explaining the offer to pass a question (`complaint`: a complaint)
        on, as `offer` says it now (`seen`: in a line)."""
        when = self.when_staff_answer()
        ward = self.settings.ward_name
        return msg.staff_offer(ward, channel, when, complaint=complaint, seen=seen)

    async def offered(self, chat: ChatRef) -> Offer | None:
        """The question offered to pass on, that the resident may still accept, with the
        messages it came from; or None."""
        offer = await self.tickets.offer_of(chat, self.clock() - OFFER_KEEP)
        return offer if offer is not None and offer.question else None

    async def keep_offer(self, chat: ChatRef, offer: Offer) -> None:
        """`offer` (one joined of several of the resident's messages: `Offer.joined`) is
        now the question offered to pass on."""
        await self.tickets.offer(
            chat, offer.question, self.clock(), parts=offer.parts, complaint=offer.complaint
        )

    async def accept(self, chat: ChatRef) -> list[Reply]:
        """The resident pressed "Hỏi cán bộ": open a ticket with the offered question (or
        complaint: told so, and staff read it as one)."""
        offer = await self.tickets.offer_of(chat, self.clock() - OFFER_KEEP)
        question = offer.question if offer is not None else None
        # What staff get came from the message(s) that asked it, not from the press or "có".
        parts = offer.parts if offer is not None and offer.source is None else None
        chat = replace(chat, message=offer.source if offer is not None else None)
        active = await self.active(chat)
        if active is not None and question:
            await self.tickets.drop_offer(chat)
            return [await self.follow_up(chat, active, question, parts=parts)]
        if not question and active is not None:  # pressed again: it went the first time
            return [Reply(msg.ticket_already_open(self.settings.ward_name, active.id))]
        if not question:
            return [Reply(msg.staff_offer_gone(self.settings.ward_name))]
        complaint = offer is not None and offer.complaint
        return [await self._open(chat, question, parts, complaint=complaint)]

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
        offer = await self.tickets.offer_of(chat, now - OFFER_KEEP)
        if offer is not None and offer.question:
            ward = self.settings.ward_name
            text = msg.staff_offer_question(
                ward, offer.question, chat.channel, when, complaint=offer.complaint
            )
            return [Reply(text, buttons=(self.ask_button(),))]
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
        self,
        chat: ChatRef,
        ticket: Ticket,
        text: str,
        *,
        courtesy: bool = False,
        parts: Parts | None = None,
    ) -> Reply:
        """A further message on an open ticket: to the same topic. Saying so answers
        nothing and offers no choice: the list on screen before it stays in effect.
        A `courtesy` (thanks, goodbye) does not put an answered ticket back among those
        waiting for staff (/tickets, /stats): staff see it, with nothing to answer.
        `parts`: the resident's messages `text` joined (an offer `Offer.joined`)."""
        await self.tickets.add_resident_message(
            ticket, text, self.clock(), waits=not courtesy, source=chat.message, parts=parts
        )
        self._wake.set()
        held_up = self.unreachable is not None
        return Reply(
            msg.ticket_follow_up(self.settings.ward_name, ticket.id, held_up=held_up),
            keeps_choices=True,
        )

    async def correct(self, chat: ChatRef, text: str) -> list[Reply] | None:
        """The resident edited their message `chat.message` (`text`: as it reads now). When
        staff have it on the chat's open ticket, the new text goes to them as a correction
        of it, in the same place (their answer to the first still reaches the resident).
        None: staff have no such message (the edit is answered as a new message); []:
        staff have these very words (only their formatting changed, a link's preview
        came), nothing to pass on nor to say."""
        if chat.message is None:
            return None
        ticket = await self.active(chat)
        if ticket is None:
            return None
        earlier = await self.tickets.from_source(ticket, chat.message)
        if earlier is None:
            return None
        # Of a question joined of several messages, staff get it whole as it now reads.
        parts: Parts | None = None
        if earlier.parts is not None:
            joined = rewritten(earlier.text, earlier.parts, chat.message, text)
            if joined is not None:
                text, parts = joined
        if earlier.text != text:
            await self.tickets.add_resident_message(
                ticket, text, self.clock(), source=chat.message, corrects=earlier.id, parts=parts
            )
            self._wake.set()
            log.info("ticket %d: the resident corrected a message", ticket.id)
        elif earlier.corrects is None or earlier.source != chat.message:
            return []  # the words staff had (of this message): no change to tell of
        # (Else the correction's own update again, kept through a crash: told again.)
        held_up = self.unreachable is not None
        return [
            Reply(
                msg.ticket_correction(self.settings.ward_name, ticket.id, held_up=held_up),
                keeps_choices=True,
            )
        ]

    async def _open(
        self, chat: ChatRef, question: str, parts: Parts | None = None, *, complaint: bool = False
    ) -> Reply:
        refused = await self._refused(chat)
        if refused is not None:
            return Reply(refused)
        ticket = await self.tickets.open(
            chat, question, self.clock(), chat.message, parts=parts, complaint=complaint
        )
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
                complaint=complaint,
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
