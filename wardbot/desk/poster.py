"""The poster: a supervised task that posts what waits for staff in their group, each
ticket in its own forum topic or as a thread of replies, with the bot's best guesses."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Sequence

from wardbot import messages as msg
from wardbot.desk.group import GroupState
from wardbot.desk.room import GroupMoved, GroupUnreachable, StaffRoom, TopicGone
from wardbot.desk.withdraw import Withdrawals
from wardbot.hours import VIETNAM
from wardbot.models import FaqEntry, Hit
from wardbot.reply import Button, Reply, button_label, digest
from wardbot.tickets import Ticket, TicketMessage

log = logging.getLogger(__name__)

IDLE_POLL = 5.0  # how often the poster looks for work queued by another process
# While the bot cannot post in the staff group (removed from it, its rights taken away),
# how often the poster tries again (at once when Telegram says the bot is back).
GROUP_RETRY = 60.0


class Poster(Withdrawals, GroupState):
    """Posting tickets in the staff group."""

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
                # A forwarded message: named by the words forwarded, not by the mark
                # every forwarded ticket starts with.
                first = msg.forwarded_words(await self.tickets.question(ticket.id))
                thread = await room.create_topic(
                    msg.ticket_topic_name(
                        ticket.id, ticket.chat.channel, first, complaint=ticket.complaint
                    )
                )
                if not await self.tickets.set_thread(ticket.id, thread, room.chat_id):
                    await self._take_back(room, thread, ())
                    return
            reply_to = await self._reply_to(ticket.id, thread, message)
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

    async def _reply_to(
        self, ticket_id: int, thread: int | None, message: TicketMessage
    ) -> int | None:
        """The post `message`'s replies to: for a correction, the post of what it corrects
        (staff see it quoted); else, without topics, the ticket's last post (a thread)."""
        if message.corrects is not None:
            earlier = await self.tickets.message(message.corrects)
            if earlier is not None and earlier.staff_message_id is not None:
                return earlier.staff_message_id
        return None if thread is not None else await self.tickets.last_post(ticket_id)

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
        if message.corrects is not None:
            earlier = next((m for m in said if m.id == message.corrects), None)
            was = earlier.text if earlier is not None else ""
            return Reply(msg.ticket_correction_post(ticket.id, was, message.text))
        if first.id != message.id:
            return Reply(msg.ticket_follow_up_post(ticket.id, message.text))
        # Guessed from the words forwarded, not from the mark staff read them under.
        answer = await self.engine.ask_async(msg.forwarded_words(message.text))
        hits = [*answer.results[:3]]
        # Buttons that edit faq.yaml only when it can be (admins are told once why not).
        editable = self.editor is not None and await self.editor.can_edit()
        asked = dt.datetime.fromtimestamp(ticket.created_at, VIETNAM).strftime("%H:%M %d/%m/%Y")
        guesses = [f"{hit.title} ({hit.id})" for hit in hits]
        # Only what the resident was told is shared (msg.staff_offer): the question and
        # the channel; not the topics they follow.
        text = msg.ticket_post(
            self.settings.ward_name,
            ticket.id,
            ticket.chat.channel,
            asked,
            message.text,
            guesses,
            complaint=ticket.complaint,
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
