"""Staff answers in the outbox: the resident's message for each, and how its delivery ended
told in the staff group; answers waiting for a channel the bot does not run."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence

from wardbot import messages as msg
from wardbot.desk.base import DeskBase
from wardbot.reply import Reply
from wardbot.store.outbox import OutboxItem

log = logging.getLogger(__name__)


class Answers(DeskBase):
    """Staff answers on their way to residents (wardbot.outbox)."""

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
