"""Commands for ward staff listed in ADMIN_IDS: /stats, /broadcast, /unanswered, /reload,
/tickets, /variant and /newfaq (a ticket into faq.yaml; wardbot.desk), /undo (the
latest of those edits, or of /unanswered's ➕, taken back) and /redo (those edits a hand
save of faq.yaml dropped, added again: wardbot.faq_guard).

For anyone else in a private chat on Telegram or Zalo, an admin command gets a short
refusal with the sender's own id (`telegram:123456789`) to pass on to whoever installs the
bot: neither app shows it, and it is the sender's own. In a group, and on channels whose
users cannot be admins, these commands do not exist: the conversation answers them as it
answers any unknown command.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from wardbot import messages as msg
from wardbot.alerts import Alerts
from wardbot.config import ADMIN_CHANNELS, Settings
from wardbot.desk import Desk
from wardbot.desk.staff import PRIVATE_COMMANDS
from wardbot.faq_edit import FaqEditError, FaqEditor, same_words, undo_for_staff
from wardbot.intents import questions_in
from wardbot.models import FaqEntry
from wardbot.per_chat import LastPerChat
from wardbot.ports import Searcher
from wardbot.redact import for_faq
from wardbot.reply import Button, Reply, button_label, digest
from wardbot.store import ChatRef, QuotedLine, Store
from wardbot.text import fold, nearest_ids

ADMIN_COMMANDS = PRIVATE_COMMANDS | {"tickets", "variant", "newfaq", "undo"}
# Buttons: under /unanswered, add a group as a variant; under /broadcast's preview, send
# it or drop it.
ADMIN_ACTIONS = frozenset({"uv", "bc", "bx"})
STATS_DAYS = 7
UNANSWERED_DAYS = 30
UNANSWERED_GROUPS = 10
WEEKLY_GROUPS = 5  # the weekly report's most asked questions the bot could not answer
SAME_QUESTION = 70  # rapidfuzz token_sort_ratio above which two questions are one group
_COMMAND = re.compile(r"/([A-Za-z_]+)(?:@\S*)?(?:\s+(.*))?", re.DOTALL)
DAY = 86400.0
BROADCAST_KEEP = 3600.0  # a broadcast shown for review can be sent for an hour


@dataclass
class _Broadcast:
    """A /broadcast shown to its admin for review, not sent yet (`queued` None) or sent."""

    topic_id: str | None
    target: str | None  # the topic's name; None: every follower
    text: str
    shown_at: float
    queued: int | None = None
    night: bool = False  # shown in quiet hours, saying it rings the followers' phones

    @property
    def ref(self) -> str:
        return digest(f"{self.topic_id}\n{self.text}")


def group_members(texts: Sequence[str], *, threshold: int = SAME_QUESTION) -> list[list[int]]:
    """The positions in `texts` of each group of similar questions, biggest group first,
    each group's newest first (see `group_questions`)."""
    keys: list[str] = []
    groups: list[list[int]] = []
    for number, text in enumerate(texts):
        key = " ".join(fold(text).split())
        if not key:
            continue
        match = process.extractOne(key, keys, scorer=fuzz.token_sort_ratio, score_cutoff=threshold)
        if match is None:
            keys.append(key)
            groups.append([number])
        else:
            groups[match[2]].append(number)
    groups.sort(key=lambda members: (-len(members), members[0]))
    return groups


def group_questions(
    texts: Sequence[str], *, threshold: int = SAME_QUESTION, examples: int = 2
) -> list[tuple[int, str, list[str]]]:
    """Questions grouped by similarity, biggest group first: (count, example, other wordings).

    Accents, case and word order are ignored, so "lam lai cccd" and "làm lại CCCD ở đâu"
    fall in one group. `texts` come newest first; each group's example is its newest.
    """
    return [
        _shown(texts, members, examples) for members in group_members(texts, threshold=threshold)
    ]


def _shown(
    texts: Sequence[str], members: Sequence[int], examples: int
) -> tuple[int, str, list[str]]:
    """A group as /unanswered shows it: (count, example, other wordings, each once)."""
    wordings: list[str] = []
    for number in members:
        wording = " ".join(texts[number].split())
        if wording not in wordings:
            wordings.append(wording)
    return len(members), wordings[0], wordings[1 : 1 + examples]


class Admin:
    """Runs admin commands; `reload` re-reads the staff files and returns the problems."""

    def __init__(
        self,
        engine: Searcher,
        store: Store,
        alerts: Alerts,
        settings: Settings,
        reload: Callable[[], Awaitable[Sequence[str]]],
        *,
        desk: Desk | None = None,
        editor: FaqEditor | None = None,
        clock: Callable[[], float] = time.time,
        saving: Callable[[], Sequence[str]] = list,
    ) -> None:
        self.desk = desk
        # The staff files a `reload` found still being saved (ContentWatcher.unsettled).
        self.saving = saving
        self.editor = editor
        self.engine = engine
        self.store = store
        self.alerts = alerts
        self.settings = settings
        self.reload = reload
        self.clock = clock
        # Per admin chat, the latest /broadcast shown for review (in memory: a restart
        # makes its button stale, and nothing is sent unless pressed again).
        self._broadcasts: LastPerChat[_Broadcast] = LastPerChat(100)

    def handles(self, chat: ChatRef, sender: str | None, text: str) -> bool:
        """Whether `text` is an admin command from an admin, in a private chat (in a group
        it would show residents' questions and the statistics to everyone)."""
        match = _COMMAND.fullmatch(text.strip())
        return (
            chat.private
            and match is not None
            and match.group(1).lower() in ADMIN_COMMANDS
            and sender is not None
            and self.settings.is_admin(chat.channel, sender)
        )

    def refuses(self, chat: ChatRef, sender: str | None, text: str) -> str | None:
        """The sender's own ADMIN_IDS entry when `text` is an admin command from someone
        who is not an admin, in a private chat on a channel whose users can be admins;
        else None."""
        match = _COMMAND.fullmatch(text.strip())
        command = match is not None and match.group(1).lower() in ADMIN_COMMANDS
        return self._refused(chat, sender) if command else None

    def refuses_action(self, chat: ChatRef, sender: str | None, action: str) -> str | None:
        """As `refuses`, for an admin's button: pressed by someone no longer in ADMIN_IDS
        (a button shown before ADMIN_IDS changed)."""
        ours = action.partition(":")[0] in ADMIN_ACTIONS
        return self._refused(chat, sender) if ours else None

    def _refused(self, chat: ChatRef, sender: str | None) -> str | None:
        if (
            chat.private
            and sender is not None
            and chat.channel in ADMIN_CHANNELS
            and not self.settings.is_admin(chat.channel, sender)
        ):
            return f"{chat.channel}:{sender}"
        return None

    def acts(self, chat: ChatRef, sender: str | None, action: str) -> bool:
        """Whether `action` is an admin's button, pressed by an admin in a private chat."""
        return (
            chat.private
            and action.partition(":")[0] in ADMIN_ACTIONS
            and sender is not None
            and self.settings.is_admin(chat.channel, sender)
        )

    async def act(self, chat: ChatRef, action: str) -> list[Reply]:
        """'uv:WORDING:ENTRY' (digests): the wording a /unanswered group was shown with
        becomes a variant of the entry. It is looked up among every unanswered question,
        not as the group's example: a question asked again since the list was shown makes
        the newest wording the group's example. 'bc:REF', 'bx:REF': the broadcast shown
        for review is sent, or dropped."""
        kind, _, ref = action.partition(":")
        if kind in ("bc", "bx"):
            return [await self._confirm(chat, ref, send=kind == "bc")]
        wording_ref, _, entry_ref = ref.partition(":")
        if self.editor is None:
            return [Reply(msg.faq_edit_failed(msg.FAQ_EDIT_OFF))]
        days = self._unanswered_days()
        texts = await self.store.unanswered(self.clock() - days * DAY)
        wordings = (" ".join(text.split()) for text in texts)  # as group_questions shows them
        wording = next((w for w in wordings if digest(w) == wording_ref), None)
        entry = next((e for e in self.engine.corpus.faq if digest(e.id) == entry_ref), None)
        if wording is None or entry is None:
            return [Reply(msg.unanswered_button_stale(days))]
        # The log blanks numbers only: faq.yaml is public, and so blanks names too.
        written = for_faq(wording)
        try:
            edit = await self.editor.add_variant(entry.id, written.text)
        except FaqEditError as exc:
            return [Reply(msg.faq_edit_failed(str(exc)))]
        return [
            Reply(
                msg.faq_variant_added(entry.id, written.text, written.kinds, applied=edit.applied)
            )
        ]

    async def handle(self, chat: ChatRef, text: str) -> list[Reply]:
        match = _COMMAND.fullmatch(text.strip())
        assert match is not None
        command, arg = match.group(1).lower(), (match.group(2) or "").strip()
        if command == "stats":
            return [Reply(await self._stats())]
        if command == "unanswered":
            return [await self._unanswered()]
        if command in ("variant", "newfaq"):
            return [Reply(await self._ticket_to_faq(command, arg))]
        if command == "broadcast":
            return [await self._broadcast(chat, arg)]
        if command == "undo":
            return [Reply(await undo_for_staff(self.editor))]
        if command == "redo":
            editor = self.editor
            text = await editor.redo() if editor else msg.faq_edit_failed(msg.FAQ_EDIT_OFF)
            return [Reply(text)]
        if command == "tickets":
            return [Reply(await self.desk.listing(arg) if self.desk else msg.tickets_off())]
        problems = await self.reload()
        corpus = self.engine.corpus
        counts = (len(corpus.faq), len(corpus.announcements))
        return [Reply(msg.admin_reloaded(*counts, problems, self.saving()))]

    def _unanswered_days(self) -> int:
        """The days /unanswered covers: 30, or QUESTION_LOG_DAYS when fewer (the log kept
        no more; at least one, as retention keeps)."""
        return min(UNANSWERED_DAYS, max(self.settings.question_log_days, 1))

    async def _stats(self) -> str:
        # Over the days what is counted is kept: with QUESTION_LOG_DAYS under a week (0:
        # a day), retention deletes alerts sent and tickets answered before (wardbot.app),
        # and a week's figures would count only those days'.
        days = min(STATS_DAYS, max(self.settings.question_log_days, 1))
        since = self.clock() - days * DAY
        counts = await self.store.subscriber_counts()
        topics = [(t.name, counts.get(t.id, 0)) for t in self.engine.corpus.topics]
        questions: int | None
        questions, unanswered = await self.store.question_counts(since)
        if not self.settings.question_log_days:  # nothing logged: no count to give
            questions = None
        outbox = await self.store.outbox_counts(since)
        tickets = await self.desk.tickets.counts(since) if self.desk else None
        quiet = self.settings.quiet_hours
        morning = quiet.morning(self.clock()) if quiet is not None else None
        return msg.admin_stats(
            self.settings.ward_name,
            topics,
            days,
            questions,
            unanswered,
            sent=outbox.get("sent", 0),
            failed=outbox.get("failed", 0),
            blocked=outbox.get("blocked", 0),
            waiting=outbox.get("pending", 0) + outbox.get("sending", 0),
            tickets=tickets,
            held=(str(quiet), morning) if morning else None,
        )

    async def weekly_report(self) -> tuple[str, list[QuotedLine]]:
        """The report admins get every Monday morning (wardbot.weekly): /stats, and the
        questions asked most in its days that the bot could not answer, as /unanswered
        groups them (not those faq.yaml now asks); with its lines quoting a question, each
        with the chats that asked it so (for their /forget: Store.queue_message)."""
        stats = await self._stats()
        if not self.settings.question_log_days:
            return msg.admin_weekly(stats, None), []
        days = min(STATS_DAYS, self._unanswered_days())
        asked = self._faq_wordings()
        logged = await self.store.unanswered_askers(self.clock() - days * DAY)
        kept = [(t, chat) for t, chat in logged if same_words(for_faq(t).text) not in asked]
        texts = [text for text, _ in kept]
        groups = [_shown(texts, group, 0)[:2] for group in group_members(texts)[:WEEKLY_GROUPS]]
        text = msg.admin_weekly(stats, groups)
        lines = text.split("\n")
        quoted = []
        for number, (count, example) in enumerate(groups, 1):
            # The group lines come after the figures, which quote no resident.
            line = lines.index(msg.weekly_group(number, example, count), stats.count("\n") + 1)
            askers = frozenset(c for t, c in kept if " ".join(t.split()) == example)
            quoted.append(QuotedLine(line, askers, msg.weekly_group(number, None, count)))
        return text, quoted

    def _faq_wordings(self) -> set[str]:
        """The wordings faq.yaml asks (same_words): a question logged unanswered that is
        one now (an admin's ➕, /variant, an edit by hand) is done: the bot answers it,
        and faq.yaml would refuse it as a variant again."""
        return {same_words(q) for e in self.engine.corpus.faq for q in (e.question, *e.variants)}

    async def _unanswered(self) -> Reply:
        """The groups, each with a button adding it to an FAQ entry: the one residents
        who asked it picked most often from the close matches offered, else the one the
        engine finds closest (when there is one; not for a message asking several
        questions, which is no wording of one entry)."""
        if not self.settings.question_log_days:
            return Reply(msg.admin_unanswered_off())
        days = self._unanswered_days()
        logged = await self.store.unanswered_choices(self.clock() - days * DAY)
        asked = self._faq_wordings()
        rows = [row for row in logged if same_words(for_faq(row[0]).text) not in asked]
        texts = [text for text, _ in rows]
        members = group_members(texts)[:UNANSWERED_GROUPS]
        groups = [_shown(texts, group, 2) for group in members]
        faq = {entry.id: entry for entry in self.engine.corpus.faq}
        picked: list[tuple[FaqEntry, int] | None] = []
        for group in members:
            counts = Counter(chosen for i in group if (chosen := rows[i][1]) in faq)
            top = counts.most_common(1)
            picked.append((faq[top[0][0]], top[0][1]) if top else None)
        buttons = []
        editable = self.editor is not None and bool(groups) and await self.editor.can_edit()
        for number, ((_, example, _), pick) in enumerate(zip(groups, picked, strict=True), 1):
            if questions_in(example):
                continue
            entry = pick[0] if pick else None
            if entry is None:
                answer = await self.engine.ask_async(example)
                entry = next((h.doc for h in answer.results if isinstance(h.doc, FaqEntry)), None)
            if entry is not None and editable:
                label = button_label(f"{number}. ➕ {entry.question}")
                action = f"uv:{digest(example)}:{digest(entry.id)}"
                # As a numbered line (Zalo, the terminal) its own number comes first, and
                # is not the group's when a group before it has no button.
                full = msg.unanswered_choice(number, entry.question)
                buttons.append(Button(label, action, full_label=full))
        told = [(p[0].question, p[1]) if p else None for p in picked]
        text = msg.admin_unanswered(days, groups, told, added=len(logged) - len(rows))
        title = msg.UNANSWERED_BUTTONS if buttons else None
        return Reply(text, buttons=tuple(buttons), buttons_title=title)

    async def _ticket_to_faq(self, command: str, arg: str) -> str:
        """/variant N FAQ_ID, /newfaq N [ID]: ticket N into faq.yaml, as in the staff group."""
        number, _, rest = arg.partition(" ")
        ticket = None
        if self.desk is not None and number.lstrip("#").isdigit():
            ticket = await self.desk.tickets.get(int(number.lstrip("#")))
        if self.desk is None or ticket is None:
            return msg.admin_ticket_usage(command)
        entry_id = rest.split()[0] if rest.split() else None
        if command == "variant":
            if entry_id is None:
                return msg.admin_ticket_usage(command)
            return await self.desk.add_variant(ticket, entry_id)
        return await self.desk.new_entry(ticket, entry_id)

    async def _broadcast(self, chat: ChatRef, arg: str) -> Reply:
        """/broadcast TOPIC TEXT: shown to the admin as the followers will read it, with
        how many they are, to send with a button (a message to thousands of residents
        cannot be taken back: a typo, the wrong topic, 'all' by habit)."""
        topics = self.engine.corpus.topics
        # The text may start on the next line; its own line breaks are kept.
        target, text = ([*arg.split(maxsplit=1), "", ""])[:2]
        text = text.strip()
        if not target or not text:
            return Reply(msg.admin_broadcast_usage([t.id for t in topics]))
        topic_id: str | None = None
        if target.lower() in ("all", "tatca", "tất-cả"):
            label = None
        else:
            topic = next((t for t in topics if t.id == target.lower()), None)
            if topic is None:
                names = {t.id: (t.name,) for t in topics}
                return Reply(
                    msg.admin_broadcast_unknown_topic(
                        target, nearest_ids(target, names), [t.id for t in topics]
                    )
                )
            topic_id, label = topic.id, topic.name
        count = len(await self.alerts.broadcast_chats(topic_id))
        if not count:
            return Reply(msg.admin_broadcast_queued(0, label))
        pending = _Broadcast(topic_id, label, text, self.clock())
        self._broadcasts.set((chat.channel, chat.chat_id), pending)
        return self._review(pending, count)

    def _review(self, pending: _Broadcast, count: int) -> Reply:
        """`pending` shown for review, to `count` followers (in quiet hours, saying that
        it rings their phones)."""
        quiet = self.settings.quiet_hours
        morning = quiet.morning(self.clock()) if quiet is not None else None
        pending.night = morning is not None
        return Reply(
            msg.admin_broadcast_review(
                count, pending.target, pending.text, (str(quiet), morning) if morning else None
            ),
            buttons=(
                Button(msg.broadcast_send_button(count), f"bc:{pending.ref}"),
                Button(msg.BROADCAST_DROP_BUTTON, f"bx:{pending.ref}"),
            ),
        )

    async def _confirm(self, chat: ChatRef, ref: str, *, send: bool) -> Reply:
        """A button under a broadcast's review: sent once, however often it is pressed;
        a button of an older review (replaced, dropped, an hour old, or shown before a
        restart) sends nothing and says so. Reviewed before the quiet hours and pressed in
        them, it is shown again saying that it rings the followers' phones."""
        pending = self._broadcasts.get((chat.channel, chat.chat_id), None)
        if pending is None or pending.ref != ref:
            return Reply(msg.broadcast_button_stale())
        if pending.queued is not None:
            return Reply(msg.admin_broadcast_sent_already(pending.queued, pending.target))
        if not send:
            self._broadcasts.drop((chat.channel, chat.chat_id))
            return Reply(msg.BROADCAST_DROPPED)
        if self.clock() - pending.shown_at > BROADCAST_KEEP:
            self._broadcasts.drop((chat.channel, chat.chat_id))
            return Reply(msg.broadcast_button_stale())
        quiet = self.settings.quiet_hours
        if not pending.night and quiet is not None and quiet.morning(self.clock()):
            count = len(await self.alerts.broadcast_chats(pending.topic_id))
            return self._review(pending, count)
        pending.queued = await self.alerts.broadcast(pending.topic_id, pending.text)
        return Reply(msg.admin_broadcast_queued(pending.queued, pending.target))
