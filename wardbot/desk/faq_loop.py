"""Closing the loop: an answered ticket into faq.yaml, its question as a variant of an entry
or a new entry with the staff answer, what identifies the resident blanked."""

from __future__ import annotations

from wardbot import messages as msg
from wardbot.desk.base import DeskBase
from wardbot.faq_edit import FaqEditError
from wardbot.redact import blank_found, for_faq
from wardbot.tickets import Ticket


class FaqLoop(DeskBase):
    """Tickets into FAQ entries (wardbot.faq_edit)."""

    async def add_variant(self, ticket: Ticket, entry_id: str) -> str:
        """The ticket's question becomes a way of asking FAQ entry `entry_id`, with what
        identifies the resident blanked (wardbot.redact.for_faq: faq.yaml is public)."""
        # A forwarded message: the words forwarded, not the mark staff read them under.
        question = for_faq(msg.forwarded_words(await self.tickets.question(ticket.id)))
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
        question = for_faq(msg.forwarded_words(said[0].text))
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
