"""The resident conversation, channel-agnostic: (chat, text or button press) -> replies.

Channels (Telegram, Zalo, the terminal) only translate platform updates into calls to
`Conversation.handle_text` / `handle_action` and render the `Reply` objects that come back
(wardbot.reply). Here: reading what the resident sent and passing it to its part, which
are answering questions (wardbot.questions, with what it remembers of each chat in
wardbot.chat_memory), messages forwarded from elsewhere (wardbot.forwards), topics and
subscriptions (wardbot.subscriptions), staff commands
and the staff desk (wardbot.ports: what the conversation needs of them).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import unicodedata
from collections.abc import AsyncIterator, Callable, Hashable, Sequence
from dataclasses import replace

from wardbot import followup, news
from wardbot import messages as msg
from wardbot.alert_replies import open_button
from wardbot.chat_memory import (
    STAFF_OFFER_REMINDED,
    STAFF_OFFERED,
    STAFF_OFFERED_LISTED,
    YES_WITHIN,
    ChatMemory,
)
from wardbot.complaints import about_the_answer
from wardbot.config import Settings
from wardbot.doc_replies import find_document
from wardbot.forwards import Forwards
from wardbot.intents import (
    EMOJI,
    Intent,
    accepts_staff_offer,
    after_courtesies,
    asks_nothing,
    assents,
    declines_staff_offer,
    parse_intent,
)
from wardbot.models import Announcement, FaqEntry, Topic
from wardbot.news import LATEST_LISTED
from wardbot.ports import AdminCommands, Searcher, StaffDesk, Typing
from wardbot.questions import (
    SMALL_TALK,
    WRONG_WITHIN,
    Questions,
    logged_digest,
    small_talk_reply,
)
from wardbot.reply import DOC_KINDS, Button, Link, Reply, button_label, make_action
from wardbot.store import ChatRef, Store
from wardbot.subscriptions import TOPIC_ACTIONS, Subscriptions
from wardbot.tickets import Offer
from wardbot.topic_tags import tag_topics
from wardbot.ward_contact import WardContact

log = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 1500  # longer is a pasted document, not a question
# ...except for ward staff, who read what a resident writes them (the question typed for
# them, more on an open ticket, /hoicanbo TEXT) whole: up to a Telegram message.
MAX_STAFF_MESSAGE_CHARS = 4096

# With a ticket open, these go to staff too: a bare number answers them ("0912 345 678",
# "2 người"), as may "không phải".
RELAYED_INTENTS = frozenset(
    {"question", "complaint", "greet", "opener", "yes", "huh", "wrong", "upset", "number"}
    | {"phone", "emoji"}
    | set(SMALL_TALK)
)


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


def _clean(text: str) -> str:
    """NFC, what the engine and the patterns see: a control character (a lone carriage
    return, a vertical tab) becomes a space, since it separated words; other invisible
    characters (format marks, unassigned code points) go."""
    return "".join(_clean_char(ch) for ch in unicodedata.normalize("NFC", text))


def message_length(text: str) -> int:
    """How long `text` is as `handle_text` measures it (NFC, stripped): a letter with its
    accents written apart (NFD: text copied from a PDF, a keyboard set to "Unicode tổ
    hợp") counts once. What a channel compares with `longest_message`."""
    return len(_clean(text).strip())


def _clean_char(ch: str) -> str:
    category = unicodedata.category(ch)
    if ch in "\n\t" or category[0] != "C":
        return ch
    return " " if category == "Cc" else ""


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
        # Its parts: what it remembers of each chat, answering questions (offering them to
        # `desk`, which wardbot.app sets after the start), and the topics a chat follows.
        self.memory = ChatMemory(engine, store, clock)
        # At each /forget, what the engine keeps of the questions asked lately goes too.
        store.forgetting.append(lambda chat: engine.forget_asked())
        self.questions = Questions(engine, store, settings, self.memory, clock, lambda: self.desk)
        self.subscriptions = Subscriptions(engine, store, settings)
        self.contact = WardContact(self.questions)
        self.forwards = Forwards(
            engine, settings, self.memory, self.questions, self.subscriptions, lambda: self.desk
        )

    # --- entry points -------------------------------------------------------------

    async def handle_text(
        self,
        chat: ChatRef,
        text: str,
        *,
        typing: Typing | None = None,
        sender: str | None = None,
        forwarded: bool = False,
    ) -> list[Reply]:
        """Reply to a text message. `typing` is awaited alongside a search, if given.

        `sender` is the platform's id of the person who wrote (for admin commands, and a
        group's subscriptions); in a private chat it is usually the chat id. `forwarded`:
        the channel says the message was forwarded, someone else's words (wardbot.forwards):
        never answered as the resident's question, however long.
        """
        text = _clean(text).strip()
        # Whether the reply before offered to pass a question to staff: for this one only.
        staff_offered = self.memory.take_staff_offer(chat)
        # Whether it asked whether to stop alerts (a mistyped command's guess): likewise.
        asked = await self.memory.take_confirming(chat, sender)
        confirming = None if asked is None else asked[0]
        if forwarded:
            return await self.forwards.reply(
                chat,
                text,
                sender=sender,
                to_staff=len(text) <= MAX_STAFF_MESSAGE_CHARS and await self._relays(chat),
                manages=self._manages(chat, sender),
                alerts=chat.channel not in self.no_alerts,
            )
        if len(text) > MAX_MESSAGE_CHARS and not await self._for_staff(chat, text):
            return [Reply(msg.too_long(MAX_MESSAGE_CHARS))]
        if self.admin is not None and self.admin.handles(chat, sender, text):
            return await self.admin.handle(chat, text)
        if self.admin is not None and (own_id := self.admin.refuses(chat, sender, text)):
            return [Reply(msg.admins_only(self.settings.ward_name, own_id))]
        intent = parse_intent(text)
        manages = self._manages(chat, sender)
        await self.memory.recall_context(chat)
        if asked is not None and asked[1] < self.clock() - YES_WITHIN:
            if assents(text):
                # Asked long ago: "có" may answer what came since (a staff answer, an
                # alert), and stopping the alerts on it would be a guess. Asked again.
                await self.memory.confirming(chat, asked[0], sender)
                return [Reply(msg.unsubscribe_asked_long_ago(), keeps_choices=True)]
            confirming = None  # anything else: the question is left behind
        if confirming is not None and (declines_staff_offer(text) or intent.kind == "wrong"):
            # "không", "thôi khỏi", "không phải", "nhầm rồi" to "Ý anh/chị là ...?"
            return [Reply(msg.unsubscribe_declined())]
        if confirming is not None and assents(text):  # "có", "dạ vâng", "ừ", "dạ có"
            return await self._act(chat, confirming, sender)
        if confirming is not None and intent.kind in ("ack", "emoji"):
            # "hihi", "👍": no clear yes, and "Dạ vâng ạ" would say it was done. Still asked.
            await self.memory.confirming(chat, confirming, sender)
            return [Reply(msg.unsubscribe_unconfirmed(), keeps_choices=True)]
        # "không cần đâu" under the offer: heard (its button still works if they change
        # their mind), not asked as a question nor taken for "the answer missed".
        if staff_offered in (STAFF_OFFERED, STAFF_OFFER_REMINDED) and declines_staff_offer(text):
            return [Reply(msg.staff_offer_declined(self.settings.ward_name))]
        # Under the offer, what asks nothing ("tên em là An") may be more for staff.
        adds_to = await self._offered(chat) if staff_offered and asks_nothing(text) else None
        replies = await self._dispatch(
            chat, intent, text, typing, manages=manages, sender=sender, staff_offered=staff_offered
        )
        if adds_to is not None:
            replies = await self._add_to_offer(chat, adds_to, replies)
        return self._noting_staff_offer(chat, replies)

    async def correction(self, chat: ChatRef, text: str) -> list[Reply] | None:
        """The resident edited their message `chat.message` to `text`: when staff have it,
        the new text goes to them as a correction, and the bot answers what it knows of it
        as of any message with a ticket open, else says it went to staff ([]: staff have
        these very words). None: staff do not have it; the edit is answered as a new
        message (`handle_text`)."""
        text = _clean(text).strip()
        if self.desk is None or not chat.private or not text:
            return None
        intent = parse_intent(text)
        if intent.kind == "staff":  # "/hoicanbo TEXT" edited: staff have TEXT
            text = intent.arg
        if not text:
            return None
        try:
            told = await self.desk.correct(chat, text)
        except Exception:  # a locked database: answered as a new message
            log.exception("could not pass a resident's correction to staff")
            return None
        if not told:
            return told
        # Staff have the new words; the bot answers what it knows of them, as it does of
        # any message sent with a ticket open.
        intent = parse_intent(text)
        follow: Button | None = None
        if chat.channel not in self.no_alerts:
            follow = await self.subscriptions.follow_button(chat, intent, True)
        return await self.questions.beside_ticket(chat, intent, text, None, follow, told[0])

    async def _offered(self, chat: ChatRef) -> Offer | None:
        """The question offered to pass to staff, if any (a locked database: None)."""
        if self.desk is None:
            return None
        try:
            return await self.desk.offered(chat)
        except Exception:
            log.exception("could not read the question offered to staff")
            return None

    async def _add_to_offer(
        self, chat: ChatRef, before: Offer, replies: list[Reply]
    ) -> list[Reply]:
        """A message asking nothing ("Nguyễn Văn An, 0912 345 678"), sent under the offer
        to pass `before` to staff and not answered either, offered with it: the offer is
        for both, not for it alone (the question would reach staff without the question).
        `replies` to it, their offer naming a complaint when `before` was one."""
        if self.desk is None or not any(
            button == self.desk.ask_button() for reply in replies for button in reply.buttons
        ):
            return replies
        now = await self._offered(chat)
        if (
            now is None
            or before.question in now.question
            or len(before.question) + len(now.question) >= MAX_STAFF_MESSAGE_CHARS
        ):
            return replies
        try:
            # Of two messages: an edit of either reaches staff as the question rewritten.
            await self.desk.keep_offer(chat, before.joined(now))
        except Exception:  # the offer for the message alone stands
            log.exception("could not add to the question offered to staff")
            return replies
        if not before.complaint:
            return replies
        # What goes is the complaint, with what was added: the offer says so (in full, or
        # in its line).
        for seen in (False, True):
            said = self.desk.offer_said(chat.channel, seen=seen)
            meant = self.desk.offer_said(chat.channel, complaint=True, seen=seen)
            replies = [replace(reply, text=reply.text.replace(said, meant)) for reply in replies]
        return replies

    def _noting_staff_offer(self, chat: ChatRef, replies: list[Reply]) -> list[Reply]:
        """`replies`; when they offer to pass a question to staff, the chat's next message
        may take the offer in words ("có", "đồng ý"), as the button does."""
        if self.desk is None or not chat.private:
            return replies
        ask = self.desk.ask_button().action
        actions = [button.action for reply in replies for button in reply.buttons]
        if ask in actions:
            listed = any(action.partition(":")[0] in DOC_KINDS for action in actions)
            self.memory.staff_offered(chat, STAFF_OFFERED_LISTED if listed else STAFF_OFFERED)
        return replies

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

    async def attachment_note(
        self,
        chat: ChatRef,
        *,
        typed: bool,
        voice: bool = False,
        sticker: bool = False,
        sender: str | None = None,
    ) -> str:
        """What a resident is told of a photo, a file or a sticker they sent (`typed`: with
        text under it, which is answered or passed on as any message): the bot does not
        see it; while the chat's messages go to staff, staff do not get it either. A voice
        message (`voice`): whoever sends one may find typing hard, so the hotline too. A
        `sticker` from `sender` right after an answer thanks for it: thanked back once,
        then nothing ("")."""
        relays = await self._relays(chat)
        if sticker and not relays and self._just_answered(chat, sender):
            return "" if self.memory.thanked_before(chat, sender) else msg.liked()
        if voice:
            s = self.settings
            return msg.voice_unheard(s.ward_name, s.ward_hotline, relayed=relays)
        if relays:
            return msg.attachment_not_relayed(self.settings.ward_name, typed=typed)
        return msg.attachment_unread() if typed else msg.please_type(self.questions.example())

    def reads_sticker(self, chat: ChatRef, emoji: str | None, sender: str | None) -> bool:
        """Whether a sticker is read as its emoji typed alone (where the channel says which
        it shows: Telegram does): right after an answer, a thumbs-up sticker thanks for it
        as "👍" typed does, an angry one says it missed, a "😂" gets a short line. Otherwise
        it is a sticker (`attachment_note`: thanks after an answer, else a request to
        type)."""
        if not emoji or not self._just_answered(chat, sender):
            return False
        return parse_intent(emoji).kind in ("ack", "thanks", "upset", "emoji")

    async def handle_action(
        self, chat: ChatRef, action: str, *, sender: str | None = None
    ) -> list[Reply]:
        """Reply to a button press (or, on channels without buttons, a numbered choice);
        `sender` is who pressed it, as in `handle_text`."""
        # "Có" answers an offer only as the next message: a choice made is one.
        self.memory.take_staff_offer(chat)
        await self.memory.take_confirming(chat, sender)
        return self._noting_staff_offer(chat, await self._act(chat, action, sender))

    async def follow_picked(
        self, chat: ChatRef, actions: Sequence[str], off: Sequence[str], *, sender: str | None
    ) -> list[Reply]:
        """Several topics picked at once by their numbers on a list of topics ("1, 3"; the
        `actions` of their buttons): each followed, one followed already staying so (a
        number typed with others never stops a topic, as pressing its button alone does);
        `off`, numbers typed that are not on the list, named in the reply."""
        self.memory.take_staff_offer(chat)
        if chat.channel in self.no_alerts:
            return [self._alerts_elsewhere()]
        refs = (action.partition(":")[2] for action in actions)
        found = [await self.subscriptions.topic(ref) for ref in refs]
        topics = [topic for topic in found if topic is not None]
        if not topics:
            return [Reply(msg.not_found())]
        if not self._manages(chat, sender):
            return [Reply(msg.group_staff_only(self.settings.ward_name))]
        return [await self.subscriptions.follow_several(chat, topics, off)]

    async def _act(self, chat: ChatRef, action: str, sender: str | None) -> list[Reply]:
        kind, _, ref = action.partition(":")
        await self.memory.take_offered(chat)
        if self.admin is not None and self.admin.acts(chat, sender, action):
            return await self.admin.act(chat, action)
        if self.admin is not None and (own_id := self.admin.refuses_action(chat, sender, action)):
            return [Reply(msg.admins_only(self.settings.ward_name, own_id))]
        if kind in DOC_KINDS:
            doc = await self.questions.document_now(ref)
            if doc is None:
                return [Reply(msg.not_found())]
            # Picked (from a list still on screen): the subject now, no procedure awaited.
            self.memory.unnamed_pending(chat, sender, drop=True)
            if isinstance(doc, FaqEntry):
                await self.memory.recall_context(chat)  # after a restart: what it was for
                await self.questions.note_pick(chat, doc, sender)
            await self.memory.keep_context(chat, (doc.id,), sender)
            return [await self.questions.document_reply(doc)]
        if kind == "full":
            doc = await self.questions.document_now(ref)
            if not isinstance(doc, Announcement):
                return [Reply(msg.not_found())]
            await self.memory.keep_context(chat, (doc.id,), sender)
            return [await self.questions.document_reply(doc, full=True)]
        if (
            kind in (*TOPIC_ACTIONS, "dropall", "topics", "mysubs")
            and chat.channel in self.no_alerts
        ):
            return [self._alerts_elsewhere()]
        if kind == "dropall":
            if not self._manages(chat, sender):
                return [Reply(msg.group_staff_only(self.settings.ward_name))]
            return [await self.subscriptions.drop_all(chat, in_place=True)]
        if kind in TOPIC_ACTIONS:
            stops = kind in ("unsub", "drop")
            topic = await self.subscriptions.topic(
                ref, await self.store.subscriptions_of(chat) if stops else ()
            )
            if topic is None:
                return [Reply(msg.not_found())]
            if not self._manages(chat, sender):
                return [Reply(msg.group_staff_only(self.settings.ward_name))]
            return [await self.subscriptions.toggle(chat, kind, topic)]
        if kind == "wrong":
            # Under the chat's latest answer only: "sai rồi" takes back the latest question.
            asked = self.memory.last_asked(chat, sender)
            if asked is not None:
                latest: str | None = asked[0]
            else:  # since a restart: the chat's latest question, as logged, if any
                latest = await self.questions.latest_logged(chat)
            if latest is not None and logged_digest(latest) != ref:
                return [Reply(msg.wrong_button_stale(), keeps_choices=True)]
            await self.memory.keep_context(chat, (), sender)  # no subject to follow up
            return [await self.questions.wrong(chat, sender)]
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
        staff_offered: str | None = None,
    ) -> list[Reply]:
        s = self.settings
        offered = await self.memory.take_offered(chat)  # for the next message only
        if staff_offered is not None and self.desk is not None and chat.private:
            taken = await self._staff_offer_answered(chat, self.desk, intent, text, staff_offered)
            if taken is not None:
                return taken
        follow: Button | None = None  # a topic to follow, under the answer: where alerts come
        if chat.channel not in self.no_alerts:
            follow = await self.subscriptions.follow_button(chat, intent, manages)
        if self.desk is not None and chat.private and intent.kind in RELAYED_INTENTS:
            try:
                replies = await self.questions.with_desk(
                    self.desk, chat, intent, text, typing, follow
                )
            except Exception:  # a locked database: the bot still answers what it knows
                log.exception("could not check for a ticket; answering as the bot")
                replies = None
            if replies is not None:
                return replies
        if chat.channel in self.no_alerts and self._about_alerts(intent):
            return [self._alerts_elsewhere()]
        # The ward's topics (faq.yaml, as reloaded), named as examples in the greeting and
        # /help, and the question given as an example of asking (one its FAQ answers).
        topics = [topic.name for topic in self.engine.corpus.topics]
        example = self.questions.example()
        match intent.kind:
            case "greet" if self.memory.mid_conversation(chat, sender):
                # "alo có ai không" a while after a question: the bot is still there.
                return [Reply(msg.greeted_again(s.ward_name, example=example), keeps_choices=True)]
            case "greet" if self.memory.greeted(chat, sender):
                # "xin chào" right under the welcome, nothing asked since: greeted back.
                return [Reply(msg.greeted_back(s.ward_name, example=example), keeps_choices=True)]
            case "start" | "greet" if chat.channel in self.no_alerts:
                self.memory.greeted(chat, sender)
                alerts, links = self._alerts_where(chat)
                return [
                    Reply(
                        msg.greeting(s.ward_name, example=example, alerts=alerts, topics=topics),
                        links=links,
                    )
                ]
            case "start" if topics:
                self.memory.greeted(chat, sender)
                return [
                    Reply(msg.greeting(s.ward_name, example=example, topics=topics)),
                    await self.subscriptions.topics_reply(chat),
                ]
            case "start":  # no topics to offer
                self.memory.greeted(chat, sender)
                return [Reply(msg.greeting(s.ward_name, example=example))]
            case "greet":
                return [Reply(msg.greeting(s.ward_name, example=example, topics=topics))]
            case "help":
                staff = self.desk is not None
                alerts, links = self._alerts_where(chat)
                text = msg.help_text(
                    s.ward_name,
                    s.ward_hotline,
                    staff=staff,
                    example=example,
                    alerts=alerts,
                    topics=topics,
                )
                admin = sender is not None and s.is_admin(chat.channel, sender)
                if self.admin is not None and chat.private and admin:
                    text += "\n\n" + msg.admin_help(desk=staff)  # never residents' /help
                return [Reply(text, links=links)]
            case "ack" if offered is not None:
                # "Dạ vâng", "ừ" answering "có phải anh/chị muốn hỏi câu dưới đây?": a yes.
                return [await self.questions.yes(chat, offered)]
            case "thanks" | "ack" | "emoji" if intent.arg == EMOJI and self._thanked_before(
                chat, sender
            ):
                return []  # "👍" again under the same answer: one friendly line is enough
            case "emoji" if not self._asked_lately(chat, sender):  # "😂" first: what to do
                return [Reply(msg.ask_what(example), keeps_choices=True)]
            case "emoji":  # "😂", "🇻🇳" in a conversation: neither thanks nor an ok
                return [Reply(msg.emoji_seen(), keeps_choices=True)]
            case "thanks" | "ack" | "bye" | "wish" | "praise" | "welcome":
                return [small_talk_reply(intent)]
            case "upset" if intent.arg == "angry" and self._answered_lately(chat, sender):
                # "👎", "😡" under an answer: it missed, as "sai rồi" says.
                await self.memory.keep_context(chat, (), sender)
                return [await self.questions.wrong(chat, sender)]
            case "upset":
                staff = self.desk is not None and chat.private
                text = msg.upset(
                    s.ward_name, s.ward_hotline, angry=intent.arg == "angry", staff=staff
                )
                return [Reply(text, keeps_choices=True)]
            case "empty" | "huh" if self._just_answered(chat, sender):
                return [Reply(msg.unclear(), keeps_choices=True)]  # "???" under an answer
            case "yes":
                return [await self.questions.yes(chat, offered)]
            case "wrong" if (unnamed := self.memory.unnamed_pending(chat, sender)) is not None:
                # Said to "which procedure?": no answer since to take back (an earlier
                # one is no longer the latest); the procedure is still what is missing.
                return [self.questions.which_procedure(chat, followup.asks_only(unnamed))]
            case "wrong":
                await self.memory.keep_context(chat, (), sender)
                return [await self.questions.wrong(chat, sender)]
            case "empty" | "huh":  # "?", "...", "hả?", "gì vậy"
                return [Reply(msg.ask_what(example), keeps_choices=True)]
            case "complaint" if self._asked_lately(chat, sender) and about_the_answer(text):
                # "Em không hài lòng với câu trả lời" under an answer: it missed, as "sai
                # rồi" says; not a complaint about the ward. Under "em chưa có thông tin",
                # so too: the question stays what is offered to staff (as a complaint,
                # they would get these words without it).
                await self.memory.keep_context(chat, (), sender)
                return [await self.questions.wrong(chat, sender)]
            case "complaint" if not await self.questions.answered_outright(text):
                # About staff or service: heard, and passed on. One the FAQ answers
                # outright ("thất vọng quá, mất thẻ bhyt có làm lại được không") is a
                # question, however it is said: answered below.
                return [await self.questions.complaint(chat, text)]
            case "opener":  # "cho em hỏi": the question comes next
                return [Reply(msg.go_ahead(example), keeps_choices=True)]
            case "contact":  # "sđt phường là gì": the hotline (an FAQ entry on it answers)
                return await self.contact.phone(chat, text, typing, follow, sender)
            case "address":  # "phường ở đâu": WARD_ADDRESS (an FAQ entry on it answers)
                return await self.contact.address(chat, text, typing, follow, sender)
            case "office_phone":  # "sđt công an phường": never the ward's hotline as theirs
                return await self.contact.other_office_phone(
                    chat, text, intent.arg, typing, follow, sender
                )
            case "phone":  # "0909 123 456" alone: to be called back, which the bot cannot
                staff = self.desk is not None and chat.private
                text = msg.call_back(s.ward_name, s.ward_hotline, staff=staff, example=example)
                return [Reply(text, keeps_choices=True)]
            case "number":  # no list on screen, or too long a number to pick from one
                return [Reply(msg.no_list_to_pick(intent.arg, example), keeps_choices=True)]
            case "unknown_command":
                return [Reply(msg.unknown_command(intent.arg))]
            case "topics":
                return [await self.subscriptions.topics_reply(chat)]
            case "mysubs":
                return [await self.subscriptions.mysubs_reply(chat)]
            case "latest" if intent.arg and await self._news_asked(intent, text):
                # "có gì mới về bhyt không", "bhyt có thông báo chưa": its notices
                return await self._news_about(chat, intent.arg, text, typing, sender)
            case "latest" if not intent.arg:
                return [self._latest_reply(self.engine.latest())]
            case "why_no_alerts":  # "sao không thấy gửi tin gì": what it follows, and when
                return [await self.subscriptions.alerts_status(chat)]
            case "forget":
                if not manages:
                    return [Reply(msg.group_staff_only(self.settings.ward_name))]
                deleted = await self.desk.forget(chat) if self.desk is not None else 0
                deleted += await self.store.forget(chat)
                self.memory.forget(chat)
                group, follows = not chat.private, chat.channel not in self.no_alerts
                if not deleted:  # asked again, say: nothing was left to delete
                    return [Reply(msg.forget_nothing(group=group, alerts=follows))]
                return [Reply(msg.forget_done(group=group, alerts=follows))]
            case "staff":
                if self.desk is None and intent.arg:
                    # No staff desk: the question after /hoicanbo is answered like any other.
                    return await self.questions.answer(chat, intent.arg, typing, sender=sender)
                if self.desk is None or not chat.private:
                    return [self._staff_unavailable(chat)]
                return await self.desk.request(chat, intent.arg)
            case "subscribe":
                replies = await self.subscriptions.subscribe(chat, intent, manages)
                if (
                    replies is None
                    and intent.follows
                    and not self._topics_of(intent.arg)
                    and not await self._known(text)
                ):
                    # "theo dõi giá vàng": naming no topic, nor a question the bot knows
                    # anything of; the topics there are, rather than "no information".
                    replies = [await self.subscriptions.unknown_topic(chat, intent.arg)]
                if replies is not None:
                    return replies
            case "unsubscribe" if intent.guessed and intent.arg and manages:
                # "/nollow all": asked whether /unsubscribe all is meant, never done on a guess
                asked, action = await self.subscriptions.guessed(chat, intent, intent.guessed)
                if action is not None:
                    await self.memory.confirming(chat, action, sender)
                return [asked]
            case "unsubscribe":
                replies = await self.subscriptions.unsubscribe(chat, intent, manages)
                if replies is not None:
                    return replies
        if intent.kind == "question":  # "ok, còn lệ phí thì sao?": a follow-up, as alone
            text = after_courtesies(text)
        return await self.questions.answer(chat, text, typing, follow, sender=sender)

    async def _staff_offer_answered(
        self, chat: ChatRef, desk: StaffDesk, intent: Intent, text: str, how: str
    ) -> list[Reply] | None:
        """The message right under "Hỏi cán bộ phường" (offered `how`: see
        wardbot.chat_memory), when it answers the offer: "có", "đồng ý", "chuyển giúp em"
        take it, as the button does, and so does the button's label typed ("Hỏi cán bộ
        phường", "hỏi cán bộ": what the offer says to choose, typed where there is no
        button); "ok", "vâng" are told once that nothing went yet, and then take it as "có"
        does. Beside close matches, "có" may say one of them is it. None: the message is
        read as any other."""
        if intent.kind == "staff" and not intent.arg:
            takes = True
        elif intent.kind in ("yes", "ack"):
            takes = how != STAFF_OFFERED_LISTED and (
                intent.kind == "yes" or how == STAFF_OFFER_REMINDED
            )
        else:
            takes = accepts_staff_offer(text)
        if takes:
            return await desk.accept(chat)
        if intent.kind == "ack" and how == STAFF_OFFERED:
            self.memory.staff_offered(chat, STAFF_OFFER_REMINDED)
            offer = await self._offered(chat)
            complaint = offer is not None and offer.complaint
            kept = msg.staff_offer_kept(self.settings.ward_name, complaint=complaint)
            return [Reply(kept, keeps_choices=True)]
        return None

    def _just_answered(self, chat: ChatRef, sender: str | None) -> bool:
        """Whether the chat (in a group, `sender`) was given an answer a short while ago
        (not close matches: what is unclear then is which one)."""
        subject = self.memory.subject(chat, sender)
        return subject is not None and subject[1] is not None

    def _thanked_before(self, chat: ChatRef, sender: str | None) -> bool:
        """Whether the chat (in a group, `sender`) was just answered and has thanked for
        it by an emoji alone or a sticker already (if not, it now has)."""
        return self._just_answered(chat, sender) and self.memory.thanked_before(chat, sender)

    def _answered_lately(self, chat: ChatRef, sender: str | None) -> bool:
        """Whether the chat's (in a group, `sender`'s) latest question was answered, lately
        enough for "sai rồi" to take the answer back."""
        asked = self.memory.last_asked(chat, sender)
        return asked is not None and asked[1] and asked[2] >= self.clock() - WRONG_WITHIN

    def _asked_lately(self, chat: ChatRef, sender: str | None) -> bool:
        """Whether the chat (in a group, `sender`) asked a question lately enough for "sai
        rồi" to be about its reply, answered or not."""
        asked = self.memory.last_asked(chat, sender)
        return asked is not None and asked[2] >= self.clock() - WRONG_WITHIN

    async def _known(self, text: str) -> bool:
        """Whether the engine answers `text` or has close matches to offer for it."""
        answer = await self.engine.ask_async(text)
        return answer.answered or bool(answer.offers)

    def _about_alerts(self, intent: Intent) -> bool:
        """Whether the message is about following topics (not a question naming one)."""
        if intent.kind in ("topics", "mysubs", "why_no_alerts"):
            return True
        if intent.kind not in ("subscribe", "unsubscribe"):
            return False
        return (
            intent.explicit
            or not intent.arg
            or self.subscriptions.resolve(intent.arg, strict=True) is not None
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

    def notice_button(self, action: str) -> Button:
        """The button of `action` ('full:' and a notice's id) as an alert listing several
        notices showed it: under the notice's title (one gone since: "📄 Xem toàn văn")."""
        doc = find_document(self.engine.corpus, action.partition(":")[2])
        if isinstance(doc, Announcement):
            return replace(open_button(doc), action=action)
        return Button(msg.FULL_TEXT_BUTTON, action)

    async def _news_about(
        self, chat: ChatRef, subject: str, text: str, typing: Typing | None, sender: str | None
    ) -> list[Reply]:
        """The newest current notices on `subject` (wardbot.news), as /latest lists them;
        with none, one line saying so, and the message answered as a question (an FAQ
        entry on the subject may still help)."""
        topics = self._topics_of(subject)
        notices = news.on_subject(self.engine.latest(None), [t.id for t in topics], subject)
        asked = self._quoted(subject, topics)
        about = topics[0].name if len(topics) == 1 else asked
        if notices:
            return [self._latest_reply(notices[:LATEST_LISTED], about)]
        if (
            len(topics) == 1
            and self.engine.find_topic(news.topic_words(subject), keywords=False) is None
        ):
            # "khai sinh": none on what was asked, of the topic holding it ("Hộ tịch").
            about = msg.subject_in_topic(asked, topics[0].name)
        none = Reply(msg.latest(self.settings.ward_name, [], about), keeps_choices=True)
        return [none, *await self.questions.answer(chat, text, typing, sender=sender)]

    async def _news_asked(self, intent: Intent, text: str) -> bool:
        """Whether 'latest' of a subject (`text` the message) wants its notices: always
        when asked outright ("có gì mới về X không"). Asked whether news is out yet ("X có
        thông báo chưa"): when X is a topic ("bhyt", "về học bổng"); when it holds a topic's
        keyword, unless the search answers the message itself with an entry or notice on
        that topic ("có lịch tiêm chủng cho trẻ chưa": its FAQ entry; "có lịch phát thẻ
        bhyt chưa": that notice); naming none, never (a question)."""
        if intent.explicit:
            return True
        topics = self._topics_of(intent.arg)
        if not topics:
            return False
        if self.engine.find_topic(news.topic_words(intent.arg)) is not None:
            return True
        answer = await self.engine.ask_async(text)
        best = answer.best.doc if answer.best is not None else None
        on_topic = best is not None and (
            not best.topics or bool({t.id for t in topics}.intersection(best.topics))
        )
        return not (answer.answered and on_topic)

    def _quoted(self, subject: str, topics: Sequence[Topic]) -> str:
        """`subject` as a reply quotes it back: with its accents where the ward's texts
        make them plain ("cat dien": "cắt điện"), or as staff spelt the keyword of
        `topics` it is ("ket hon": "kết hôn", a keyword no other text of the ward uses)."""
        said = news.topic_words(subject)
        keyword = (k for t in topics for k in t.keywords if news.topic_words(k) == said)
        return self.engine.accented(subject) or next(keyword, subject)

    def _topics_of(self, subject: str) -> list[Topic]:
        """The topics `subject` names: one by its id, name or a keyword, else those of the
        keywords in it ("mức đóng bhyt", "phát thẻ bhyt"; typed without accents too:
        "tiem chung cho nguoi lon", topic_tags)."""
        corpus = self.engine.corpus
        topic = self.engine.find_topic(news.topic_words(subject))
        if topic is not None:
            return [topic]
        tagged = tag_topics(subject, corpus.topics)
        return [t for t in corpus.topics if t.id in tagged]

    def _latest_reply(self, notices: Sequence[Announcement], about: str = "") -> Reply:
        """/latest's list of `notices` (`about`: all on that subject), each a button."""
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
            msg.latest(ward, headings, about),
            buttons=buttons,
            numbered_text=msg.latest_menu(ward, len(headings), about),
        )
