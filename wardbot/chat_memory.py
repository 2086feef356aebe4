"""What the conversation remembers of each chat between two messages: the latest question
(what "sai rồi" takes back), the one close match offered (what "có" opens), the subject a
follow-up asks more about, and a question that named no procedure.

In memory and bounded (wardbot.per_chat); a private chat's subject, the close match it
was asked about and the removal it was asked to confirm are written down too (ids, no
text), so that a follow-up, or "có", handled after a restart is still about them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from wardbot import followup
from wardbot.doc_replies import find_document
from wardbot.models import Announcement, FaqEntry
from wardbot.per_chat import LastPerChat
from wardbot.ports import Searcher
from wardbot.store import ChatRef, Store

log = logging.getLogger(__name__)

# A question kept for "sai rồi": as typed, answered, when, by whom, and whether worded by
# the resident (see ChatMemory._asked).
Asked = tuple[str, bool, float, str | None, bool]


def as_message(questions: Sequence[str]) -> str:
    """The questions a message asked (`questions_in`), as kept for "sai rồi": one alone,
    itself; several, each on a line of its own ending in "?", which `questions_of` and
    `question_parts` read back (the question log keeps them apart, as one message's)."""
    if len(questions) == 1:
        return questions[0]
    return "\n".join(f"{question}?" for question in questions)


def questions_of(kept: str) -> list[str]:
    """The questions of a message `as_message` kept, when it asked several; else []."""
    lines = kept.split("\n")
    if len(lines) < 2 or not all(line.endswith("?") for line in lines):
        return []
    return [line.removesuffix("?") for line in lines]


# "Có" answers the bot's question (the one close match offered, a removal to confirm) if
# said this soon after it: later, other messages may have come between (an alert, a staff
# answer asking something), and "có" may be about them.
YES_WITHIN = 10 * 60.0

ASKED_KEPT = 4096  # chats whose latest question "sai rồi" may take back, the most recent
GREETED_WITHIN = 10 * 60.0  # a greeting again this soon is answered in a line
# Shown this recently, what passing a question to staff shares is not said again in full
# (as long as a question offered to staff can be accepted: wardbot.desk.residents).
NOTICE_SEEN_WITHIN = 86400.0


# How a reply offered to pass a question to staff: alone ("có" takes it); beside close
# matches to choose from ("có" may say one of them is it: only "đồng ý", "chuyển giúp em"
# take it); or after an "ok" to it was told that nothing went yet ("vâng" takes it too).
STAFF_OFFERED = "offered"
STAFF_OFFERED_LISTED = "listed"
STAFF_OFFER_REMINDED = "reminded"


class ChatMemory:
    """The conversation's memory of every chat (see the module's docstring)."""

    def __init__(self, engine: Searcher, store: Store, clock: Callable[[], float]) -> None:
        self.engine = engine
        self.store = store
        self.clock = clock
        # Per chat and (in a group) member, the latest question as typed, whether it was
        # answered, when and by whom: what "sai rồi" takes back (in a group, one's own, when
        # another member asked since too), offers to staff as the resident wrote it, and
        # finds other close matches to, with or without the question log
        # (QUESTION_LOG_DAYS=0, a read-only data folder); and whether it is the resident's
        # wording (not so a follow-up about an entry, kept after the entry's own question:
        # see `Questions.note_pick`). See `last_asked`.
        self._asked: LastPerChat[dict[str | None, Asked]] = LastPerChat(ASKED_KEPT)
        # Per private chat, the one close match its latest message was asked about ("có
        # phải anh/chị muốn hỏi câu dưới đây?") and when: what "có", "đúng rồi" opens.
        # Written down too, for the next message after a restart: `offer`, `take_offered`.
        self._offered: LastPerChat[tuple[str, float]] = LastPerChat(ASKED_KEPT)
        # The private chats whose close match written down before a restart was read (or
        # replaced) since the start: nothing is written down for them but what memory has.
        self._offer_recalled: LastPerChat[bool] = LastPerChat(ASKED_KEPT)
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
        # replaced) since the start: `recall_context`.
        self._recalled: LastPerChat[bool] = LastPerChat(ASKED_KEPT)
        # Per private chat, whether the reply to its latest message offered to pass its
        # question to staff (the "Hỏi cán bộ" button), and how (STAFF_OFFERED...): what
        # "có", "đồng ý" typed next take, as the button does.
        self._staff_offered: LastPerChat[str] = LastPerChat(ASKED_KEPT)
        # Per chat and (in a group) member, when they were last greeted in full (/start,
        # "chào"): a greeting again soon after gets a line, not the whole greeting again.
        # In a group, each member's own (the ids `_asked` holds too, in memory only): one
        # member's welcome is no greeting of another.
        self._greeted: LastPerChat[dict[str | None, float]] = LastPerChat(ASKED_KEPT)
        # Per private chat, when it was last shown what passing a question to staff shares
        # (the offer's notice: the resident's consent): an offer within NOTICE_SEEN_WITHIN
        # says so in a line. In memory: a restart shows it in full again.
        self._notice_shown: LastPerChat[float] = LastPerChat(ASKED_KEPT)
        # Per chat, a removal the reply to its latest message asked about ("Ý anh/chị là
        # /unsubscribe all?", a mistyped command's guess): the action that does it, when,
        # and (in a group) whom it asked. "Có" typed next does it (within YES_WITHIN), as
        # its button does. A private chat's is written down too (the action and when), for
        # "có" after a restart.
        self._confirming: LastPerChat[tuple[str, float, str | None]] = LastPerChat(ASKED_KEPT)
        # The private chats whose removal written down before a restart was read (or
        # replaced) since the start: `take_confirming`.
        self._removal_recalled: LastPerChat[bool] = LastPerChat(ASKED_KEPT)
        # Per chat, the answer (when it was given, and in a group to whom) an emoji alone or
        # a sticker already thanked for: one friendly line each, not one per sticker.
        self._thanked: LastPerChat[tuple[float, str | None]] = LastPerChat(ASKED_KEPT)

    def forget(self, chat: ChatRef) -> None:
        """/forget: everything kept about the chat (its latest question, its subject, a
        procedure awaited, a close match offered, its greeting, and that its rows were read
        back from the database): no structure here holds its id any more."""
        key = (chat.channel, chat.chat_id)
        for kept in (
            self._asked,
            self._offered,
            self._offer_recalled,
            self._context,
            self._unnamed,
            self._recalled,
            self._staff_offered,
            self._greeted,
            self._notice_shown,
            self._confirming,
            self._removal_recalled,
            self._thanked,
        ):
            kept.drop(key)

    async def offer(self, chat: ChatRef, doc_id: str) -> None:
        """The private chat's latest message was asked about the one close match `doc_id`:
        what its next, "có", opens (`take_offered`)."""
        key, now = (chat.channel, chat.chat_id), self.clock()
        self._offered.set(key, (doc_id, now))
        self._offer_recalled.set(key, True)
        if not self.store.writable:
            return
        try:
            await self.store.keep_offered(chat, doc_id, now, now - followup.FOLLOW_UP_WITHIN)
        except Exception as exc:  # a locked database: only a restart would forget it
            log.debug("the close match offered to a chat is not kept: %s", exc)

    async def take_offered(self, chat: ChatRef) -> tuple[str, float] | None:
        """The close match the chat's previous message was asked about and when (`offer`),
        for this message only: gone once taken. After a restart, the one written down."""
        key = (chat.channel, chat.chat_id)
        offered = self._offered.pop(key)
        if not chat.private or not self.store.writable:
            return offered
        if offered is None and key in self._offer_recalled:
            return None  # nothing offered since the start, nor written down before it
        self._offer_recalled.set(key, True)
        try:
            kept = await self.store.take_offered(chat)
        except Exception as exc:  # a locked database: what memory has
            log.debug("the close match offered to a chat cannot be read: %s", exc)
            return offered
        return offered or kept

    def staff_offered(self, chat: ChatRef, how: str) -> None:
        """The reply to the chat's latest message offered to pass its question to staff,
        `how`: STAFF_OFFERED, STAFF_OFFERED_LISTED or STAFF_OFFER_REMINDED."""
        self._staff_offered.set((chat.channel, chat.chat_id), how)

    def notice_seen(self, chat: ChatRef) -> bool:
        """Whether the chat was shown what passing a question to staff shares a short while
        ago (NOTICE_SEEN_WITHIN): `saw_notice`."""
        shown = self._notice_shown.get((chat.channel, chat.chat_id), None)
        return shown is not None and shown >= self.clock() - NOTICE_SEEN_WITHIN

    def saw_notice(self, chat: ChatRef) -> None:
        """The chat was just shown what passing a question to staff shares."""
        self._notice_shown.set((chat.channel, chat.chat_id), self.clock())

    def greeted(self, chat: ChatRef, sender: str | None = None) -> bool:
        """Whether the chat (in a group, `sender`) was greeted in full a short while ago
        (GREETED_WITHIN); if not, it is now."""
        key, now = (chat.channel, chat.chat_id), self.clock()
        last = self._welcomed(chat, sender)
        if last is not None and last >= now - GREETED_WITHIN:
            return True
        kept = {
            who: at for who, at in self._greeted.get(key, {}).items() if at >= now - GREETED_WITHIN
        }
        kept[None if chat.private else sender] = now
        self._greeted.set(key, kept)
        return False

    def _welcomed(self, chat: ChatRef, sender: str | None) -> float | None:
        """When the chat (in a group, `sender`) was last greeted in full, if lately kept."""
        kept = self._greeted.get((chat.channel, chat.chat_id), {})
        return kept.get(None if chat.private else sender)

    def mid_conversation(self, chat: ChatRef, sender: str | None) -> bool:
        """Whether the chat (in a group, `sender`) asked a question a short while ago
        (GREETED_WITHIN), after they were last greeted in full: a greeting now asks
        whether the bot is still there, not to be welcomed."""
        asked = self.last_asked(chat, sender)
        if asked is None or asked[2] < self.clock() - GREETED_WITHIN:
            return False
        welcomed = self._welcomed(chat, sender)
        return welcomed is None or asked[2] >= welcomed

    async def confirming(self, chat: ChatRef, action: str, sender: str | None) -> None:
        """The reply to the chat's (in a group, `sender`'s) latest message asked whether
        to do `action`, a removal: see `take_confirming`. A private chat's is written down
        too, so that "có" handled after a restart still does it."""
        key, now = (chat.channel, chat.chat_id), self.clock()
        self._confirming.set(key, (action, now, sender))
        if not chat.private or not self.store.writable:
            return
        self._removal_recalled.set(key, True)
        try:
            await self.store.keep_removal(chat, action, now)
        except Exception as exc:  # a locked database: only a restart would forget it
            log.debug("the removal a chat was asked to confirm is not kept: %s", exc)

    async def take_confirming(self, chat: ChatRef, sender: str | None) -> tuple[str, float] | None:
        """The removal asked about in reply to the chat's previous message (`confirming`)
        and when it was asked, for this message only, and (in a group) only when `sender`
        was asked; else None. After a restart, a private chat's written down, as without
        a restart (how long ago it was asked, YES_WITHIN, is the caller's to weigh)."""
        key = (chat.channel, chat.chat_id)
        kept = self._confirming.pop(key)
        if chat.private and self.store.writable and (kept or key not in self._removal_recalled):
            self._removal_recalled.set(key, True)
            try:
                written = await self.store.take_removal(chat)
            except Exception as exc:  # a locked database: what memory has
                log.debug("the removal a chat was asked to confirm cannot be read: %s", exc)
                written = None
            if kept is None and written is not None:
                kept = (written[0], written[1], None)
        if kept is None or (not chat.private and kept[2] != sender):
            return None
        return kept[0], kept[1]

    def thanked_before(self, chat: ChatRef, sender: str | None) -> bool:
        """Whether the answer the chat (in a group, `sender`) was given last was thanked
        for by an emoji alone or a sticker already; if not, it is now."""
        key = (chat.channel, chat.chat_id)
        context = self._context.get(key, None)
        if context is None:
            return False
        answer = (context[1], None if chat.private else sender)
        if self._thanked.get(key, None) == answer:
            return True
        self._thanked.set(key, answer)
        return False

    def take_staff_offer(self, chat: ChatRef) -> str | None:
        """How the reply to the chat's previous message offered to pass its question to
        staff (see `staff_offered`), for this message only; None: it did not."""
        return self._staff_offered.pop((chat.channel, chat.chat_id))

    def note_unnamed(self, chat: ChatRef, sender: str | None, question: str) -> None:
        """`question` named no procedure: the chat's (in a group, `sender`'s) next names it."""
        since = self.clock() - followup.FOLLOW_UP_WITHIN
        kept = self._unnamed.get((chat.channel, chat.chat_id), {})
        kept = {who: was for who, was in kept.items() if was[1] >= since}  # the others'
        kept[None if chat.private else sender] = (question, self.clock())
        self._unnamed.set((chat.channel, chat.chat_id), kept)

    def unnamed_pending(
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

    async def keep_context(self, chat: ChatRef, ids: tuple[str, ...], sender: str | None) -> None:
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

    async def recall_context(self, chat: ChatRef) -> None:
        """For a private chat nothing was answered in since the start (the bot restarted,
        and a follow-up it left in the inbox is handled now): the subject written down
        before, read once. Close matches offered (or several answers given at once, or a
        message asking several questions): the question they were for, as the question
        log has it (when it keeps one), which a follow-up is asked with, "sai rồi" takes
        back and an entry picked from the close matches is kept with, as before the
        restart."""
        key = (chat.channel, chat.chat_id)
        if not chat.private or key in self._context or key in self._recalled:
            return
        self._recalled.set(key, True)
        since = self.clock() - followup.FOLLOW_UP_WITHIN
        try:
            kept = await self.store.subject(chat, since)
            logged = None
            if kept is not None and self.last_asked(chat, None) is None:
                logged = await self.store.latest_asked(chat, since)
        except Exception as exc:  # a locked database: as without it
            log.debug("the subject of a chat's follow-ups cannot be read: %s", exc)
            return
        if kept is not None:
            self._context.set(key, (kept[0], kept[1], None))
        # Worded by the resident: several ids, or several questions, are no follow-up's.
        if kept is not None and logged is not None and (len(kept[0]) > 1 or len(logged[0]) > 1):
            asked = (as_message(logged[0]), logged[1], logged[2], None, True)
            self.set_asked(chat, None, asked)

    def subject(
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
        if len(ids) == 1 and (doc := find_document(self.engine.corpus, ids[0])) is not None:
            return doc.title, doc
        asked = self.last_asked(chat, sender)  # the question they were offered for
        return (asked[0], None) if asked is not None and asked[2] >= since else None

    def answered_together(self, chat: ChatRef, sender: str | None) -> tuple[str, ...]:
        """The entries the chat (in a group, `sender`) was just given answers of at once,
        for a message asking several questions (the subject `subject` gives as None with
        them); () if its latest question got one answer, close matches or none."""
        asked = self.last_asked(chat, sender)
        if self.subject(chat, sender) is None or asked is None or not asked[1]:
            return ()
        ids = self._context.get((chat.channel, chat.chat_id), ((), 0.0, None))[0]
        return ids if len(ids) > 1 else ()

    def last_asked(self, chat: ChatRef, sender: str | None) -> Asked | None:
        """The chat's latest question (in a group, `sender`'s own), as `Questions.record`
        kept it."""
        return self._asked.get((chat.channel, chat.chat_id), {}).get(
            None if chat.private else sender
        )

    def set_asked(self, chat: ChatRef, sender: str | None, asked: Asked) -> None:
        key = (chat.channel, chat.chat_id)
        kept = dict(self._asked.get(key, {}))
        kept[None if chat.private else sender] = asked
        self._asked.set(key, kept)
