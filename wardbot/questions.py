"""Answering what a resident asks: a question (or two or three in one message), a follow-up
about the entry just given ("mất bao lâu?"), "có" to the one close match offered, "sai
rồi" to an answer, an entry picked from a list; each logged for /stats and /unanswered,
and offered to ward staff when the bot has no answer.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Callable
from dataclasses import replace

from wardbot import followup, notice_notes
from wardbot import messages as msg
from wardbot.chat_memory import YES_WITHIN, ChatMemory, as_message, questions_of
from wardbot.config import Settings
from wardbot.doc_replies import (
    any_notice,
    doc_button,
    doc_buttons,
    document_reply,
    excerpt_reply,
    find_document,
    foreign_line,
    no_answer_reply,
    not_said_reply,
    not_stated_reply,
)
from wardbot.intents import (
    EMOJI,
    Intent,
    after_courtesies,
    named_words,
    paired_parts,
    question_parts,
)
from wardbot.listed import listed_parts
from wardbot.models import Announcement, Answer, FaqEntry, Hit
from wardbot.ports import Searcher, StaffDesk, Typing
from wardbot.redact import scrub
from wardbot.reply import Button, Reply, digest, with_button
from wardbot.store import ChatRef, Store
from wardbot.store.questions import MAX_LOGGED_CHARS
from wardbot.store.turns import refused_write

log = logging.getLogger(__name__)

# What a resident may add to a ticket that is open: questions and the small talk around them.
# Small talk closing a turn, and its short reply.
SMALL_TALK: dict[str, Callable[[], str]] = {
    "thanks": msg.thanks,
    "ack": msg.acknowledged,
    "bye": msg.farewell,
    "wish": msg.wished,
    "praise": msg.liked,  # "hay quá", "giỏi quá": thanked for, as "👍" is
    "welcome": msg.acknowledged,  # "không có chi", to the bot's thanks
}
# ...which, on an open ticket, leave staff nothing to answer: staff see them, but the
# ticket does not wait for staff again ("ok", "dạ vâng" after their answer close a turn as
# thanks do; a resident with more to say says it).
COURTESY = frozenset(SMALL_TALK)

# "Sai rồi" takes back the chat's answer to a question asked this recently.
WRONG_WITHIN = 30 * 60.0
WRONG_OFFERS = 3  # the other close matches offered then


def _answered_with(answer: Answer) -> FaqEntry | Announcement | None:
    """The entry or notice `answer` answers with, or None (unsure, or nothing found)."""
    return answer.best.doc if answer.answered and answer.best is not None else None


def _sibling(doc: FaqEntry | Announcement, turned: str, answer: Answer) -> Hit | None:
    """Asked "thế còn X thì sao" of `doc`, which names nothing of X: the first other of
    `answer`'s results (the subject and X asked together) that shares a topic with `doc`
    and is about X by its heading or the ways it is asked, not merely mentioning it in a
    line; None if there is none (a doc without topics has no siblings)."""
    if not doc.topics:
        return None
    return next(
        (
            hit
            for hit in answer.results
            if hit.id != doc.id
            and set(hit.doc.topics) & set(doc.topics)
            and followup.mentions(hit.doc, turned, heading_only=True)
        ),
        None,
    )


def _noted(reply: Reply, note: str, notice: Announcement | None) -> Reply:
    """`reply` opening with `note`, and a button opening `notice` unless it shows it."""
    noted = replace(reply, text=f"{note}\n\n{reply.text}" if reply.text else note)
    if notice is None or reply.title == notice.title:
        return noted
    buttons = list(reply.buttons)
    buttons.insert(reply.lead, doc_button(notice))  # after "Xem toàn văn"
    return replace(noted, buttons=tuple(buttons), keeps_choices=False)


def small_talk_reply(intent: Intent) -> Reply:
    """The short reply to thanks, "ok" ("👍" alone: thanks), a goodbye or good wishes: it
    answers nothing and offers no choice, so a number typed next still picks from the
    list on screen."""
    said = msg.liked if intent == Intent("ack", EMOJI) else SMALL_TALK[intent.kind]
    return Reply(said(), keeps_choices=True)


def wrong_button(question: str) -> Button:
    """ "🙁 Chưa đúng ý tôi hỏi" under the answer to `question`: "sai rồi" in one tap. It
    names the question as the log keeps it, which tells it after a restart too."""
    return Button(msg.WRONG_BUTTON, f"wrong:{logged_digest(question)}", tap_only=True)


def logged_digest(question: str) -> str:
    """`digest` of `question` as the question log keeps it (numbers blanked, cut)."""
    return digest(as_logged(question))


def as_logged(question: str) -> str:
    """`question` as the question log keeps it (numbers blanked, cut)."""
    return scrub(question)[:MAX_LOGGED_CHARS]


def _as_logged_each(question: str) -> list[str]:
    """`as_logged` of `question`, and of each question of a message asking several
    (`as_message`), which the log keeps apart: what finds one's own in a group's log."""
    return [as_logged(question), *(as_logged(part) for part in questions_of(question))]


class Questions:
    """Questions and what follows them, for every chat (see the module's docstring)."""

    def __init__(
        self,
        engine: Searcher,
        store: Store,
        settings: Settings,
        memory: ChatMemory,
        clock: Callable[[], float],
        desk: Callable[[], StaffDesk | None],
    ) -> None:
        self.engine = engine
        self.store = store
        self.settings = settings
        self.memory = memory
        self.clock = clock
        self.desk = desk  # the conversation's, which wardbot.app sets after the start

    def example(self) -> str:
        """The example of a question every reply that gives one shows: one the ward's FAQ
        (as reloaded) answers, or with no FAQ one of its current notices,
        `msg.example_question`."""
        notices = (notice.title for notice in self.engine.latest(None))
        return msg.example_question((entry.question for entry in self.engine.corpus.faq), notices)

    async def with_desk(
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
        if intent.kind in ("question", "complaint"):  # typed for staff: theirs
            opened = await desk.awaited(chat, text)
            if opened is not None:
                return opened
        ticket = await desk.active(chat)
        if ticket is None:
            return None
        courtesy = intent.kind in COURTESY
        relayed = await desk.follow_up(chat, ticket, text, courtesy=courtesy)
        return await self.beside_ticket(chat, intent, text, typing, follow, relayed)

    async def beside_ticket(
        self,
        chat: ChatRef,
        intent: Intent,
        text: str,
        typing: Typing | None,
        follow: Button | None,
        relayed: Reply,
    ) -> list[Reply]:
        """What the bot says of a message that went to staff on an open ticket (`relayed`:
        what it tells of that): the bot's own answer where it knows one, else `relayed`."""
        if intent.kind in SMALL_TALK:
            return [small_talk_reply(intent)]
        if intent.kind != "question":
            return [relayed]
        if foreign := foreign_line(text, self.settings):  # staff have it; the bot reads none
            return [replace(relayed, text=relayed.text + foreign)]
        text = after_courtesies(text)  # staff have it whole; "ok, còn lệ phí?" asks the rest
        if followup.asks_only(text) and self.memory.subject(chat, None) is None:
            # "cần giấy tờ gì" naming no procedure, no answer before it: staff, who have
            # the ticket's question, know which it means (alone, it gets a birth's papers).
            return [relayed]
        # No "🙁 Chưa đúng ý": "sai rồi" goes to staff, as all the resident writes now.
        each = await self._answer_each(chat, text, typing, follow, relayed=relayed)
        if each:
            return each
        answer = await self._search(text, typing)
        more, keeps = await self._try_follow_up(chat, text, answer, follow, None, staff=False)
        if more is not None:
            return more or [relayed]  # unsure: staff, who have it, answer it
        await self.record(chat, text, answer.answered, None)
        if answer.answered and answer.best is not None:
            await self.memory.keep_context(chat, (answer.best.id,), None)
            return [with_button(await self.document_reply(answer.best.doc), follow)]
        if not keeps:  # no close matches shown: nothing to follow up
            await self.memory.keep_context(chat, (), None)
        return [relayed]

    # --- questions ----------------------------------------------------------------

    async def answer(
        self,
        chat: ChatRef,
        question: str,
        typing: Typing | None,
        follow: Button | None = None,
        *,
        sender: str | None = None,
        follows: bool = True,
    ) -> list[Reply]:
        """The answer, or the close matches, or 'no information yet'; `follow` (a topic to
        follow) last under any of them. `sender`: who asked, in a group. `follows`: False
        for what is never a follow-up of the answer before it (where the office is). A
        message asking
        two or three questions gets an answer to each, when each has one. One asking only
        what any procedure has ("lệ phí bao nhiêu?"), with no answer before it to ask more
        about, is asked which procedure it means: alone, it would get whichever procedure's
        fee fits its few words best; the procedure named next is asked about with it.
        What an in-force notice changes comes first (wardbot.notice_notes): the office
        closed on the day asked, a deadline ended."""
        replies, in_parts = await self._answer(
            chat, question, typing, follow, sender=sender, follows=follows
        )
        return self._noted(chat, sender, question, replies, closure_noted=in_parts)

    def _closure(self, question: str) -> tuple[str, Announcement | None] | None:
        """The office's closure on the day `question` asks of, or its hours that day
        (`notice_notes.closure_note`)."""
        return notice_notes.closure_note(
            question,
            self.engine.corpus.announcements,
            self.engine.today,
            self.settings.ward_name,
            self.settings.office_hours,
        )

    def _noted(
        self,
        chat: ChatRef,
        sender: str | None,
        question: str,
        replies: list[Reply],
        *,
        closure_noted: bool = False,
    ) -> list[Reply]:
        """`replies` to `question`, the first opening with the office's closure on the day
        asked (unless `closure_noted`: a message answered part by part has it on the part
        asking of that day already), or the one giving an FAQ entry with its notice's
        deadline, when they apply."""
        if not replies:
            return replies
        today, notices = self.engine.today, self.engine.corpus.announcements
        closure = None if closure_noted else self._closure(question)
        if closure is not None:
            return [_noted(replies[0], *closure), *replies[1:]]
        subject = self.memory.subject(chat, sender)
        entry = subject[1] if subject is not None else None
        if not isinstance(entry, FaqEntry):
            return replies
        deadline = notice_notes.deadline_note(question, entry, notices, today)
        if deadline is None:
            return replies
        return [
            _noted(reply, *deadline) if reply.title == entry.question else reply
            for reply in replies
        ]

    async def _answer(
        self,
        chat: ChatRef,
        question: str,
        typing: Typing | None,
        follow: Button | None = None,
        *,
        sender: str | None = None,
        follows: bool = True,
    ) -> tuple[list[Reply], bool]:
        """The replies to `question`, and whether it was answered part by part (a message
        asking several questions: `_answer_each`)."""
        # The day asked of, told first (`answer`): of the message as sent, before any
        # procedure named earlier is added to it.
        day_told = self._closure(question) is not None
        aspects = followup.asks_only(question)
        if aspects and self.memory.subject(chat, sender) is None:
            self.memory.note_unnamed(chat, sender, question)
            return [self.which_procedure(chat, aspects)], False
        unnamed = self.memory.unnamed_pending(chat, sender, drop=True)
        if unnamed is not None:
            question = f"{question} {unnamed}"  # "căn cước" + "lệ phí bao nhiêu?"
        each = await self._answer_each(chat, question, typing, follow, sender)
        if each:
            return each, True
        whole = await self._answer_whole(chat, question, typing, follow, sender, follows, day_told)
        return whole, False

    async def _answer_whole(
        self,
        chat: ChatRef,
        question: str,
        typing: Typing | None,
        follow: Button | None,
        sender: str | None,
        follows: bool,
        day_told: bool = False,
    ) -> list[Reply]:
        """The replies to `question` asked as one question; `day_told`: whether the note
        put first tells whether the office works on the day it asks of (`_closure`)."""
        answer = await self._search(question, typing)
        more, keeps = None, False
        if follows:
            more, keeps = await self._try_follow_up(chat, question, answer, follow, sender)
        if more is not None:
            return more
        answer = self._not_again(chat, sender, answer)
        # Nothing answers "chúa nhựt ủy ban có làm hông", but the note `answer` puts first
        # tells whether the office works that day: no "em chưa có thông tin" under it.
        told = day_told and not answer.answered
        await self.record(chat, question, answer.answered or told, sender)
        if answer.answered and answer.best is not None:
            await self.memory.keep_context(chat, (answer.best.id,), sender)
            reply = with_button(await self.document_reply(answer.best.doc), wrong_button(question))
            return [with_button(reply, follow)]
        if told:
            return [with_button(Reply(""), follow)]
        if not keeps:
            await self.memory.keep_context(chat, tuple(hit.id for hit in answer.offers), sender)
        staff = await self.staff_offer(chat, question)
        if len(answer.offers) == 1 and chat.private:
            await self.memory.offer(chat, answer.offers[0].id)
        return [with_button(no_answer_reply(answer, self.settings, staff), follow)]

    def _not_again(self, chat: ChatRef, sender: str | None, answer: Answer) -> Answer:
        """`answer` without the entry just given among its close matches: "thứ 7 có làm
        không" right under the office hours' entry is not offered that entry, which the
        resident has just read ("có phải anh/chị muốn hỏi...?" about it would give it
        again), but what a question nothing answers gets."""
        subject = self.memory.subject(chat, sender)
        given = subject[1] if subject is not None else None
        if answer.answered or given is None:
            return answer
        return replace(answer, offers=tuple(hit for hit in answer.offers if hit.id != given.id))

    def which_procedure(
        self, chat: ChatRef, aspects: tuple[str, ...], *, listed: bool = False
    ) -> Reply:
        """Asking which procedure a question naming none means (in a group, to be answered
        in a reply to it: the bot reads no other message there but those naming it).
        `listed`: close matches were just offered; they stay on screen to pick from."""
        text = msg.which_procedure(aspects, group=not chat.private, listed=listed)
        return Reply(text, keeps_choices=True)

    async def _answer_each(
        self,
        chat: ChatRef,
        question: str,
        typing: Typing | None,
        follow: Button | None,
        sender: str | None = None,
        *,
        relayed: Reply | None = None,
    ) -> list[Reply]:
        """For a message asking two or three questions, at least one with an answer of its
        own: an answer to each answered (`follow` under the last reply, and "🙁 Chưa đúng ý
        tôi hỏi" under the last answer); for each part nothing answers, the reply a
        question alone gets then (close matches, or 'no information' and the offer to pass
        that part to staff), naming the part. Each part is logged as a question of its own
        (/stats counts what was asked; /unanswered lists those unanswered), and as one
        message's: "sai rồi" takes back the message's answer whole. With a ticket open
        (`relayed`: the reply saying staff have the message), no "Chưa đúng ý", and
        `relayed` for the parts unanswered. Else []."""
        each = await self._each_answered(question, typing)
        if not each:
            return []
        answered = [doc for _, answer in each if (doc := _answered_with(answer)) is not None]
        unanswered = [(part, answer) for part, answer in each if not answer.answered]
        # Not offered for those: the entries just given, above them or before (`_not_again`).
        given = {doc.id for doc in answered}
        if (before := self.memory.subject(chat, sender)) is not None and before[1] is not None:
            given.add(before[1].id)
        question = as_message([part for part, _ in each])  # what "sai rồi" takes back
        self.memory.set_asked(chat, sender, (question, True, self.clock(), sender, True))
        await self._log(chat, *((part, answer.answered) for part, answer in each))
        # A follow-up next ("lệ phí bao nhiêu?") is about the message: about them all.
        await self.memory.keep_context(chat, tuple(doc.id for doc in answered), sender)
        today = self.engine.today
        # Each reply at the place of the (first) question it is about: in the order asked.
        placed = [
            (at, document_reply(doc, self.settings, today=today))
            for at, (_, answer) in enumerate(each)
            if (doc := _answered_with(answer)) is not None
        ]
        if relayed is None:  # takes back all of them
            at, last = placed[-1]
            placed[-1] = (at, with_button(last, wrong_button(question)))
        if unanswered and relayed is not None:
            placed.append((len(each), relayed))  # of the message, after all its answers
        elif unanswered:
            placed.extend(await self._unanswered_parts(chat, each, given))
        placed.sort(key=lambda placing: placing[0])
        if relayed is None:  # with a ticket open, staff read it: no note, as for one question
            placed = self._closure_placed([part for part, _ in each], placed)
        replies = [reply for _, reply in placed]
        return [*replies[:-1], with_button(replies[-1], follow)]

    def _closure_placed(
        self, parts: list[str], placed: list[tuple[int, Reply]]
    ) -> list[tuple[int, Reply]]:
        """`placed` (the replies to a message's `parts`, each at the place of the first part
        it is about, in order) with the office's closure on a day a part asks of opening
        the reply about that part ("lệ phí bao nhiêu? mai phường có làm việc không": the
        second), each note once; a closure only the whole message asks of opens the first."""
        noted = list(placed)
        said: set[str] = set()
        for at, part in enumerate(parts):
            closure = self._closure(part)
            if closure is None or closure[0] in said:
                continue
            said.add(closure[0])
            about = max(i for i, (place, _) in enumerate(noted) if place <= at)
            noted[about] = (noted[about][0], _noted(noted[about][1], *closure))
        if not said and (closure := self._closure(" ".join(parts))) is not None:
            noted[0] = (noted[0][0], _noted(noted[0][1], *closure))
        return noted

    async def _unanswered_parts(
        self, chat: ChatRef, each: list[tuple[str, Answer]], given: set[str]
    ) -> list[tuple[int, Reply]]:
        """The replies to the questions of a message (`each`: each and its answer, in
        order) that nothing answers, each with the place of the first question it is
        about: for each with close matches naming something it names (not the entries
        `given`, which the resident has just read), those; for those with none, 'no
        information', one for questions asked one after the other; under the last, one
        offer to pass them all to staff. A close match found only by words the question
        shares with any procedure, or with the paper beside it ("mất ví" of "mất ví và
        cccd thì làm sao", by "mất"), is no match: a list of those would be noise."""
        unanswered = [(at, part, a) for at, (part, a) in enumerate(each) if not a.answered]
        staff = await self.staff_offer(chat, "\n".join(part for _, part, _ in unanswered))
        groups: list[tuple[list[int], list[str], tuple[Hit, ...]]] = []
        for at, part, answer in unanswered:
            named = named_words(part)
            offers = tuple(
                hit
                for hit in answer.offers
                if hit.id not in given and self.engine.heading_names(hit.id, named)
            )
            if offers or not groups or groups[-1][2] or groups[-1][0][-1] != at - 1:
                groups.append(([at], [part], offers))
            else:  # 'no information' for this one too, right after the one before
                groups[-1][0].append(at)
                groups[-1][1].append(part)
        last_answered = max((at for at, (_, a) in enumerate(each) if a.answered), default=-1)
        replies = []
        for number, (places, parts, offers) in enumerate(groups, 1):
            answer = Answer(" ".join(parts), False, offers=offers)
            reply = no_answer_reply(answer, self.settings, staff if number == len(groups) else None)
            # Several replies, or answers after this one: an unquoted one says which
            # questions by their places ("the questions left" is said after all answers).
            by_place = len(groups) > 1 or places[0] < last_answered
            about = msg.about_parts(
                [self.engine.accented(part) for part in parts],
                [at + 1 for at in places] if by_place else [],
            )
            replies.append((places[0], replace(reply, text=f"{about}\n\n{reply.text}")))
        offered = [hit for *_, offers in groups for hit in offers]
        if len(unanswered) == 1 and len(offered) == 1 and chat.private:
            await self.memory.offer(chat, offered[0].id)  # "có" opens it, as after a question
        return replies

    async def yes(self, chat: ChatRef, offered: tuple[str, float] | None) -> Reply:
        """ "Có", "đúng rồi": to the one close match just asked about, it opens; otherwise
        it is an acknowledgement, and a number typed next still picks from the list."""
        doc = None
        if offered is not None and offered[1] >= self.clock() - YES_WITHIN:
            doc = find_document(self.engine.corpus, offered[0])
        if doc is None:
            return Reply(msg.acknowledged(), keeps_choices=True)
        await self.memory.keep_context(chat, (doc.id,), None)
        return await self.document_reply(doc)

    # --- follow-up questions ("mất bao lâu?") ---------------------------------------

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
        subject = self.memory.subject(chat, sender)
        if subject is None:
            return None, False
        answered_alone = alone.answered
        if answered_alone and (turned := followup.turned_to(question)) is not None:
            # "Thế còn cho vợ thì sao": answered alone only by its "thì sao" (which finds
            # "bản sao"), not by what it turns to, it is asked of the subject before; "còn
            # đăng ký kết hôn thì sao", whose subject finds the same entry alone, is new.
            own = await self.engine.ask_async(turned)
            answered_alone = (
                own.answered
                and own.best is not None
                and alone.best is not None
                and own.best.id == alone.best.id
            )
        if not followup.follows_up(question, answered_alone) and not self._narrows(
            subject[1], alone, question
        ):
            return None, False
        more = await self._follow_up(chat, question, subject, alone, follow, sender, staff=staff)
        doc = subject[1]
        # Close matches of its own led by another entry: the resident moved on ("làm lại
        # giấy khai sinh" after the elderly allowance); "còn lệ phí?" next is about them,
        # the ones on screen (which leave out the entry just given, even as a third).
        moved_on = doc is not None and bool(alone.offers) and alone.offers[0].id != doc.id
        return more, more is None and doc is not None and not moved_on

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
        asks (its fee, time, place; after several answers at once, those of each), or with
        the entry the subject and it asked together find (not one of those just given).
        Still unsure, where the message asks only what any procedure has ("lệ phí bao
        nhiêu", "mất bao lâu?"): that the entry does not say it, and whom to ask (alone, it
        would get another procedure's fee, or whatever fits "mất"); after close matches,
        where it was answered alone: those to both, or 'no information'; else None, and it
        is answered alone (so too when `alone` found the entry on it listed under the one
        given, that both asked together find next to it: "Lệ phí làm thẻ căn cước" after
        the ID card).
        `staff`: False with a ticket open, where staff get the message and "sai rồi":
        no "🙁 Chưa đúng ý", and unsure, [] (not the bot's no-answer)."""
        wrong = wrong_button if staff else lambda _: None
        about, doc = subject
        asked = f"{about} {question}"
        worded = doc is None  # "<the entry's question> mất bao lâu?" is no resident's
        part = followup.excerpt(doc, question) if doc is not None else None
        aspects = followup.asks_only(question) if doc is not None else ()
        # "Lệ phí theo quy định hiện hành": a fee line naming no amount, where the entry
        # listed under the answer on its fee says it ("Lệ phí làm thẻ căn cước").
        on_it = None
        if part is not None and followup.names_no_amount(part, aspects):
            on_it = await self._related_on(doc, aspects)
        if doc is not None and part is not None and on_it is None:
            await self.record(chat, asked, True, sender, worded=worded)
            await self.memory.keep_context(chat, (doc.id,), sender)
            reply = excerpt_reply(part, self.settings, self.engine.today)
            return [with_button(with_button(reply, wrong(asked)), follow)]
        together = self.memory.answered_together(chat, sender)
        parts = [
            part
            for found in (find_document(self.engine.corpus, ref) for ref in together)
            if found is not None and (part := followup.excerpt(found, question)) is not None
        ]
        if parts:  # several answers given at once: the lines of each that say it
            await self.record(chat, asked, True, sender, worded=worded)
            await self.memory.keep_context(chat, together, sender)
            replies = [excerpt_reply(part, self.settings, self.engine.today) for part in parts]
            last = with_button(with_button(replies[-1], wrong(asked)), follow)
            return [*replies[:-1], last]
        if on_it is not None or (on_it := await self._related_on(doc, aspects)) is not None:
            await self.record(chat, asked, True, sender, worded=worded)
            # The procedure stays the subject: "mất bao lâu" next asks its time, not the
            # fee entry's (the entry on one of its facts, reached by a follow-up).
            await self.memory.keep_context(chat, (doc.id,) if doc is not None else (), sender)
            reply = with_button(await self.document_reply(on_it), wrong(asked))
            return [with_button(reply, follow)]
        # "Thế còn con gái thì sao": the subject's question asked again of X, its words
        # and X's (not "thì sao", which finds "bản sao").
        turned = followup.turned_to(question) if doc is not None else None
        answer = await self.engine.ask_async(f"{about} {turned}" if turned else asked)
        best = answer.best if answer.answered else None
        if best is not None and best.id in together:
            # One of the answers just given, found again by its words ("bao lâu" of "làm
            # trong bao lâu?"), none of whose lines says it: not that answer again, as if
            # it were the one meant.
            best = None
        if (
            best is not None
            and doc is not None
            and turned is not None
            and best.id == doc.id
            and not followup.mentions(doc, turned)
        ):
            # "Thế còn làm cho trẻ em thì sao" after changing an old ID card: the entry on
            # the same topic whose heading is about X (the first card, children too).
            best = _sibling(doc, turned, answer)
            if best is None:
                # "Thế còn người nước ngoài thì sao" after the marriage entry, which names
                # no foreigner, nor does any other on its topic: that it does not, and whom
                # to ask; not the entry again as if it were theirs, nor close matches to X
                # alone.
                await self.record(chat, asked, False, sender, worded=worded)
                if not staff:
                    return []
                offer = await self.staff_offer(chat, asked)
                what = self.engine.accented(turned)
                reply = not_said_reply(doc.title, what, self.settings, offer)
                return [with_button(reply, follow)]
        # Another entry; or, asked of X, still the entry just given and naming X: that
        # entry again (not close matches to X alone).
        if best is not None and (doc is None or best.id != doc.id or turned is not None):
            await self.record(chat, asked, True, sender, worded=worded)
            await self.memory.keep_context(chat, (best.id,), sender)
            reply = with_button(await self.document_reply(best.doc), wrong(asked))
            return [with_button(reply, follow)]
        if doc is None and (asks := followup.asks_only(question)):
            # About close matches offered ("lệ phí bao nhiêu?" under three procedures),
            # or several answers given at once, none of which it names: which one? A list
            # offered stays on screen to pick from (and a procedure named next is asked
            # about with it). With a ticket open, staff, who have the question, answer it.
            if not staff:
                return []
            self.memory.note_unnamed(chat, sender, question)
            before = self.memory.last_asked(chat, sender)
            listed = before is not None and not before[1]  # offered, not answered
            return [with_button(self.which_procedure(chat, asks, listed=listed), follow)]
        if alone.answered and await self._beside(doc, alone, answer):
            return None
        # Asking only what the entry does not say ("mất bao lâu?"): read alone, it would
        # get whatever fits its few words (a death's registration, for "mất").
        if not alone.answered and not aspects:
            return None
        await self.record(chat, asked, False, sender, worded=worded)
        if not staff:
            return []
        offer = await self.staff_offer(chat, asked)
        if doc is not None and aspects:
            reply = not_stated_reply(doc.title, aspects, self.settings, offer)
        else:
            unsure = Answer(asked, False, answer.results, answer.offers)
            reply = no_answer_reply(unsure, self.settings, offer)
        return [with_button(reply, follow)]

    @staticmethod
    def _narrows(doc: FaqEntry | Announcement | None, alone: Answer, question: str) -> bool:
        """Whether `question`, answered `alone` with `doc` just given, asks about some of
        its lines (`followup.narrows`): not the whole answer again."""
        if doc is None or not alone.answered or alone.best is None or alone.best.id != doc.id:
            return False
        return followup.narrows(doc, question)

    async def _related_on(
        self, doc: FaqEntry | Announcement | None, aspects: tuple[str, ...]
    ) -> FaqEntry | Announcement | None:
        """The first entry listed as related under `doc` that is on the `aspects` a
        follow-up asks and `doc` does not say (the ID card's fee, under its first issue;
        the criteria, under registering a poor household), or None."""
        if doc is None or not aspects:
            return None
        related = await asyncio.to_thread(self.engine.related, doc.id, 3)
        return next(
            (hit.doc for hit in related if followup.asked_by(hit.doc, aspects, of=doc)), None
        )

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
    ) -> list[tuple[str, Answer]]:
        """For a message plainly asking several questions, each part and what the engine
        answers it, when one at least has an answer of its own and those that have none
        plainly ask something (a subject named alone, or a sentence of the story around
        the question, is no question when nothing answers it); else []: it is asked whole
        (the engine would answer it with the entry best covering both, often neither's).
        One sentence asking the same of two papers ("mất cả cccd và bằng lái xe thì làm
        sao") is two questions so too, unless one entry answers it whole that neither
        part finds (one procedure for both): else the answer about one paper would say
        nothing of the other.
        """
        parts = question_parts(question)
        paired = not parts
        parts = parts or paired_parts(question) or listed_parts(question)
        if not parts:
            return []

        async def ask_each() -> list[Answer]:
            return [await self.engine.ask_async(part.text) for part in parts]

        if typing is None:
            answers = await ask_each()
        else:
            answers, _ = await asyncio.gather(ask_each(), typing())
        docs = [doc for a in answers if (doc := _answered_with(a)) is not None]
        if not docs or len({doc.id for doc in docs}) < len(docs):
            return []
        if any(not a.answered and not part.plain for part, a in zip(parts, answers, strict=True)):
            return []
        if paired:  # an entry answering the pair whole that neither part finds: asked whole
            whole = _answered_with(await self.engine.ask_async(question))
            if whole is not None and whole.id not in {doc.id for doc in docs}:
                return []
        return [(part.text, answer) for part, answer in zip(parts, answers, strict=True)]

    async def staff_offer(
        self, chat: ChatRef, question: str, *, complaint: bool = False
    ) -> tuple[str, Button] | None:
        """In a private chat with ward staff set up: `question` (`complaint`: a complaint)
        kept in case the resident accepts, with the sentence explaining the offer and its
        button; else None."""
        desk = self.desk()
        if desk is None or not chat.private:
            return None
        # What is shared with staff, once shown, is said in a line at the next offers.
        seen = self.memory.notice_seen(chat)
        try:
            said = await desk.offer(chat, question, complaint=complaint, seen=seen)
        except Exception:  # without the offer, the hotline is still there
            log.exception("could not keep the question to offer it to staff")
            return None
        self.memory.saw_notice(chat)
        return said, desk.ask_button()

    async def wrong(self, chat: ChatRef, sender: str | None) -> Reply:
        """The resident says the last answer missed ("sai rồi", "không phải"): sorry; the
        question counts as unanswered, so staff see it in /unanswered; the other close
        matches to it are offered (not again when the bot had only offered some), then
        ward staff or the hotline. In a group, only the `sender`'s own question is. With
        no question asked lately (or since /forget): no apology, help and the hotline."""
        since = self.clock() - WRONG_WITHIN
        asked = self.memory.last_asked(chat, sender)
        if asked is not None and asked[2] < since:
            asked = None
        taken = None
        if self.store.writable and (chat.private or asked is not None):
            # (The log keeps no asker: in a group, the member's own question by its text.)
            own = None if chat.private or asked is None else _as_logged_each(asked[0])
            try:
                logged = await self.store.take_back_answer(chat, since, own)
                if logged is not None:
                    taken = (as_message(logged[0]), logged[1])
            except Exception:  # a locked database: the apology and the hotline still go
                log.exception("could not take back an answer")
        if asked is not None:  # as typed (the log blanks numbers), with or without a log
            taken = asked[:2]
            self.memory.set_asked(chat, sender, (asked[0], False, *asked[2:]))
        s = self.settings
        if taken is None:  # nothing asked lately (or since /forget): no answer to be sorry for
            return Reply(
                msg.nothing_to_take_back(s.ward_name, s.ward_hotline, example=self.example()),
                keeps_choices=True,
            )
        offers: tuple[Hit, ...] = ()
        question, answered = taken
        if answered:
            offers = await self._other_matches(question)
        # The question came from an earlier message, not from "sai rồi": an edit of this
        # one is no correction of it (Desk.correct).
        staff = await self.staff_offer(replace(chat, message=None), question)
        text = msg.wrong_answer(
            s.ward_name, s.ward_hotline, offers=len(offers), notices=any_notice(offers)
        )
        if staff is not None:
            text = f"{text}\n\n{staff[0]}"
        buttons = (*doc_buttons(offers), *([staff[1]] if staff else []))
        return Reply(text, buttons=buttons, keeps_choices=not buttons)

    async def answered_outright(self, text: str) -> bool:
        """Whether the engine answers `text` with confidence (not only close matches)."""
        return (await self.engine.ask_async(text)).answered

    async def complaint(self, chat: ChatRef, text: str) -> Reply:
        """A complaint about the ward's staff or service (wardbot.complaints): heard, and
        passed on as a question nothing answers is: offered to ward staff (in a private
        chat, with the desk set up), and the hotline; no FAQ entries, which answer none."""
        s = self.settings
        heard = msg.complaint_heard(s.ward_name, s.ward_hotline)
        staff = await self.staff_offer(chat, text, complaint=True)
        if staff is None:
            return Reply(heard, keeps_choices=True)
        return Reply(f"{heard}\n\n{staff[0]}", buttons=(staff[1],))

    async def latest_logged(self, chat: ChatRef) -> str | None:
        """The chat's latest question in the log, within WRONG_WITHIN (a private chat's:
        the log keeps no asker), or None (none, or the log unreadable)."""
        if not chat.private:
            return None
        try:
            logged = await self.store.latest_question(chat, self.clock() - WRONG_WITHIN)
            return None if logged is None else as_message(logged)
        except Exception:  # a locked database: "sai rồi" as without the check
            log.warning("could not read the chat's latest question", exc_info=True)
            return None

    async def _other_matches(self, question: str) -> tuple[Hit, ...]:
        """The close matches to `question` besides the entries it was answered with (one
        for each question of a message asking several), for "sai rồi"."""
        answer = await self.engine.ask_async(question)
        each = await self._each_answered(question, None)
        given = {doc.id for _, answer in each if (doc := _answered_with(answer)) is not None}
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

    async def record(
        self,
        chat: ChatRef,
        question: str,
        answered: bool,
        sender: str | None,
        *,
        worded: bool = True,
    ) -> None:
        """`question` logged for /stats and /unanswered, and kept as the chat's (in a group,
        `sender`'s) latest question for "sai rồi" (`worded`: as `ChatMemory._asked` says)."""
        self.memory.set_asked(chat, sender, (question, answered, self.clock(), sender, worded))
        await self._log(chat, (question, answered))

    async def note_pick(self, chat: ChatRef, entry: FaqEntry, sender: str | None) -> None:
        """The resident opened `entry` after a question the bot did not answer (or that
        they said it answered wrongly, or one of a message's several it did not): when
        `entry` is one of the question's close matches, what they picked from the offer,
        /unanswered proposes it to staff as the entry that question is a wording of. Not
        after a follow-up about an entry: kept after that entry's own question, it is no
        wording of the one picked."""
        asked = self.memory.last_asked(chat, sender)  # in a group, one's own question only
        since = self.clock() - WRONG_WITHIN
        if asked is None or asked[2] < since or not asked[4]:
            return
        if not (self.settings.question_log_days and self.store.writable):
            return
        try:
            if parts := questions_of(asked[0]):  # each logged apart: the one it was offered for
                await self._note_part_pick(chat, parts, entry, since)
                return
            if asked[1]:
                return
            answer = await self.engine.ask_async(asked[0])
            if any(hit.doc.id == entry.id for hit in answer.results):
                own = None if chat.private else as_logged(asked[0])
                await self.store.note_choice(chat, entry.id, since, own)
        except Exception:  # the resident's answer does not wait on the log
            log.exception("could not keep the entry a resident picked")

    async def _note_part_pick(
        self, chat: ChatRef, parts: list[str], entry: FaqEntry, since: float
    ) -> None:
        """`note_pick` after a message asking several questions (`parts`): `entry`, among
        the close matches to one of them the log has unanswered (nothing answered it, or
        "sai rồi" took the message back), kept with that question as logged."""
        for part in parts:
            answer = await self.engine.ask_async(part)
            offered = any(hit.doc.id == entry.id for hit in answer.results)
            if offered and await self.store.note_choice(chat, entry.id, since, as_logged(part)):
                return

    async def _log(self, chat: ChatRef, *questions: tuple[str, bool]) -> None:
        """The log behind /stats and /unanswered: the question (or a message's several,
        each and whether it was answered), not who the resident is. Answering needs no
        disk: a full disk or a locked database loses a log line, not the resident's
        answer. A read-only data folder (see wardbot.datadir) logs nothing."""
        if self.settings.question_log_days and self.store.writable:
            scrubbed = [(scrub(question), answered) for question, answered in questions]
            try:
                if len(scrubbed) == 1:
                    await self.store.log_question(chat, *scrubbed[0], self.clock())
                else:
                    await self.store.log_message(chat, scrubbed, self.clock())
            except Exception as exc:
                if not refused_write(exc):
                    log.exception("could not log a question; answering anyway")
                else:  # a full disk, a lock (/healthz: 'data'): no traceback at each question
                    log.warning("could not log a question (%s); answering anyway", exc)

    async def document_reply(self, doc: FaqEntry | Announcement, *, full: bool = False) -> Reply:
        related = await asyncio.to_thread(self.engine.related, doc.id, 3)
        return document_reply(doc, self.settings, related, today=self.engine.today, full=full)

    async def document_now(self, ref: str) -> FaqEntry | Announcement | None:
        """`find_document`, or a notice renamed since (its typo fixed) under its new name: the
        buttons of the alerts that went out under the old one still open it."""
        doc = find_document(self.engine.corpus, ref)
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
