"""The desk as staff meet it in their group: answers relayed to residents (replies to the
bot, /r) and their edits, the staff commands and buttons, /tickets."""

from __future__ import annotations

import contextlib
import logging
import re

from wardbot import messages as msg
from wardbot.desk.base import remember
from wardbot.desk.faq_loop import FaqLoop
from wardbot.desk.room import StaffMessage
from wardbot.faq_edit import undo_for_staff
from wardbot.reply import digest
from wardbot.text import fold
from wardbot.tickets import AnsweredJustNow, Ticket, TicketMessage

log = logging.getLogger(__name__)

LISTED = 30  # tickets /tickets shows; it says how many more there are
# Two officers answering one ticket at once, neither having seen the other's answer: an
# answer from another officer than the one who answered in the last ANSWER_CLASH, the
# resident silent since, is held (the resident would get two answers, perhaps differing)
# and its officer told; sent again after that, it goes.
ANSWER_CLASH = 300.0
# A staff message that reached no resident while a ticket is open: its officer is told so
# (and how to answer), again after HINT_AGAIN; outside a topic, naming HINT_NAMES tickets.
HINT_AGAIN = 2 * 3600.0
HINT_NAMES = 5
# A bare acknowledgement among staff ("👍", "ok", "oke em", "ừ ạ", "+1"): no answer to a
# resident, neither as a reply to the bot's post nor typed without replying. Words as
# `fold` gives them: an ok word ("ừ", "ờ" fold to "u", "o"), with particles and pronouns
# only; not "k" (texting's "không", an answer) nor "có", "vâng", "được" (a yes).
_ACK_WORDS = frozenset("ok oke okay okie oki okela u uh uhm um o".split())
_ACK_AROUND = _ACK_WORDS | frozenset("a ah nhe nha nhen nghen em anh chi c e roi".split())
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


class StaffSide(FaqLoop):
    """Staff in their group."""

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
        not gone out, else follows it as a correction. A bare acknowledgement that was not
        sent ("ok"), edited into an answer, is relayed then, as if just sent: an answer from
        then on, whose later edits correct it. Any other edit relays nothing."""
        earlier = await self.tickets.answer_from(message.message_id, await self._group())
        if earlier is None and message.message_id in self._held:
            return [msg.staff_held_edit_not_sent(self._held[message.message_id])]
        if earlier is None and message.message_id in self._acks:
            return await self._ack_edited(message, self._acks[message.message_id])
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

    async def _ack_edited(self, message: StaffMessage, ticket_id: int) -> list[str]:
        """A bare acknowledgement replying to ticket `ticket_id`'s post, held, now edited:
        into an answer ("ok, chị mang CCCD lên …") or `/r TEXT`, it is relayed, once, as if
        just sent (relayed, its next edits find it an answer); into another acknowledgement,
        nothing; into another desk command, nothing runs, and the officer is told so. Not
        on a closed ticket, though: an edit does not open it again, as no answer's edit
        does; its officer is told how to send it."""
        text = message.text.strip()
        command = _COMMAND.fullmatch(text)
        if bare_acknowledgement(text):
            return []
        if command is not None and (name := command[1].lower()) != "r":
            # "/close" typed over the "ok": run nothing, but say so (silence left the
            # officer believing the ticket closed).
            return (
                [msg.staff_edit_command_not_run(name, ticket_id)] if name in STAFF_COMMANDS else []
            )
        del self._acks[message.message_id]
        if command is not None:  # "/r TEXT", "/r #12 TEXT": the command, as if just sent
            said = await self.on_staff_message(message)
        else:
            ticket = await self.tickets.get(ticket_id)
            if ticket is None:
                return [msg.staff_ticket_gone(ticket_id)]
            if ticket.closed:  # closed since (or before): an edit may send it once open
                remember(self._acks, message.message_id, ticket_id)
                return [msg.staff_ack_edited_closed(ticket_id)]
            # Held (a colleague's answer just before), or its channel not running: told so.
            said = await self._relay(ticket, text, message)
        sent = await self.tickets.answer_from(message.message_id, await self._group())
        if sent is None:  # "/r" with no text, or naming no ticket: its next edit may send it
            if message.message_id not in self._held:
                remember(self._acks, message.message_id, ticket_id)
            return said
        return said or [msg.staff_ack_edited_sent(sent.ticket_id)]

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
        reached no one. Anything else is staff talking among themselves, or an answer
        typed in the wrong place: its officer is told it reached no one (`_hint`)."""
        group = await self._group()
        if message.reply_to is not None:
            ticket = await self.tickets.by_post(message.reply_to, group)
            if ticket is None and message.reply_to_bot and message.thread_id is not None:
                ticket = await self.tickets.by_thread(message.thread_id, group)
            if ticket is not None:
                if not message.attachment and bare_acknowledgement(message.text):
                    # "👍" to a colleague, "ok" (I'll take it): sent only if confirmed, or
                    # once edited into an answer (`on_staff_edit`).
                    remember(self._acks, message.message_id, ticket.id)
                    return [msg.staff_ack_not_sent(ticket.id, message.text.strip())]
                return await self._relay(ticket, message.text, message)
            gone = await self._gone_ticket(message)
            if gone is not None:
                return [msg.staff_ticket_gone(gone)]
            if message.reply_to_bot:
                # The bot's note to an officer, a listing: meant for a resident all the
                # same (the note asked them to type the answer), and nothing was sent.
                return [msg.staff_reply_names_no_ticket()]
        return await self._hint(message, group)

    async def _hint(self, message: StaffMessage, group: int | None) -> list[str]:
        """A staff message that reached no resident may be an answer typed without
        replying to the bot (the officer takes it as sent), or staff talking among
        themselves. While a ticket it may answer is open, its officer is told it went
        nowhere and how to send it, once in HINT_AGAIN for that ticket: in a ticket's
        topic; replying to a colleague's answer (adding to it); or replying to nothing,
        anywhere else, while tickets wait for an answer (again at once when one they were
        not told of waits: the message may answer it). A reply to anyone else's message
        outside a topic is conversation, and a photo there would not be sent by a reply
        either; a bare acknowledgement ("ok", an emoji) is no answer anywhere."""
        if not message.attachment and bare_acknowledgement(message.text):
            return []
        ticket = None
        if message.thread_id is not None:
            ticket = await self.tickets.by_thread(message.thread_id, group)
        in_topic = ticket is not None
        if ticket is None and message.reply_to is not None:
            answer = await self.tickets.answer_from(message.reply_to, group)
            ticket = None if answer is None else await self.tickets.get(answer.ticket_id)
            if ticket is None:
                return []
        every = msg.duration(HINT_AGAIN)
        if ticket is not None:
            if ticket.closed or not await self._hint_due(message, [ticket.id], outside=False):
                return []
            if message.attachment:  # a reply would not send a photo either: text only
                return [msg.staff_attachment_not_sent()]
            named = None if in_topic else ticket.id
            return [
                msg.relay_not_sent_hint(named, answered=ticket.answered_at is not None, every=every)
            ]
        if message.attachment:
            return []
        # Waiting only: a ticket answered and left open (as many are) would have every
        # officer chatting here reminded every HINT_AGAIN for as long as it stays open.
        waiting = await self.tickets.listing(("open",), limit=200)
        here = [t.id for t in waiting if t.staff_chat_id is not None and t.staff_chat_id == group]
        if not here or not await self._hint_due(message, here, outside=True):
            return []
        return [msg.relay_not_sent_open(here[:HINT_NAMES], len(here[HINT_NAMES:]), every=every)]

    async def _hint_due(self, message: StaffMessage, tickets: list[int], *, outside: bool) -> bool:
        """Whether the officer is to be told (now noted as told) about `tickets`, in a
        ticket's topic or replying to its answer, or `outside` any: one of them not told of
        there within HINT_AGAIN (kept in the database: a restart does not tell it again)."""
        return await self.tickets.hint_due(
            message.sender_id, tickets, outside=outside, now=self.clock(), every=HINT_AGAIN
        )

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
        remember(self._answerers, message.message_id, (message.sender_id, message.sender_name))

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
            remember(self._held, message.message_id, ticket.id)
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


def bare_acknowledgement(text: str) -> bool:
    """Whether a staff message is only an acknowledgement ("👍", "ok ạ", "ừ em", "+1",
    "..."): said to colleagues, not an answer for a resident."""
    if not text.strip():
        return False
    words = re.findall(r"\w+", fold(text.replace("+1", " ")))
    return not words or (set(words) <= _ACK_AROUND and bool(_ACK_WORDS & set(words)))
