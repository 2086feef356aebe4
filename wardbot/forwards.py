"""A message the resident forwarded to the bot (someone else's words: a notice, a rumour, a
neighbour's message), on the channels that say a message is forwarded (Telegram).

It is never answered as the resident's own question: a forwarded fake ("phường yêu cầu nộp
phí ...") that matches an FAQ entry about fees would look like the ward confirming it.
Instead, in this order:

1. While the desk listens to the chat (a ticket open, or the question for staff awaited),
   it goes to staff marked as forwarded; the bot does not answer it.
2. Else, when it quotes the title of a current notice (MIN_TITLE_WORDS words or more,
   compared as plain words), it is that notice (the bot's own alert forwarded back, say):
   the resident is told it is the ward's and shown it as it reads now, with a button to
   follow its topic, and it is the subject of follow-up questions.
3. Else the bot says it cannot confirm messages from elsewhere, asks what the resident
   wants to know, and gives the hotline.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable, Iterable

from wardbot import messages as msg
from wardbot.chat_memory import ChatMemory
from wardbot.config import Settings
from wardbot.models import Announcement
from wardbot.ports import Searcher, StaffDesk
from wardbot.questions import Questions
from wardbot.reply import Reply, with_button
from wardbot.store import ChatRef
from wardbot.subscriptions import Subscriptions
from wardbot.text import plain_words

log = logging.getLogger(__name__)

# A notice's title quoted in a forwarded message names it only when it has this many words
# or more: "Thông báo" alone, or "Lịch tiêm chủng", is quoted by messages of any source.
MIN_TITLE_WORDS = 3
# A title as plain words, worked out once per title rather than for every notice at every
# forward (a ward's titles: a few hundred kilobytes at most, even at 10,000 notices).
_plain_title = functools.lru_cache(maxsize=None)(plain_words)


def quoted_notice(
    notices: Iterable[Announcement], text: str, today: dt.date
) -> Announcement | None:
    """The current notice among `notices` whose title `text` contains, as plain words (a
    capital, an accent or a punctuation mark retyped changes nothing); of several, the
    one with the longest title. `today`: the engine's date, for expiry."""
    words = f" {plain_words(text)} "
    best: tuple[int, Announcement] | None = None
    for notice in notices:
        title = _plain_title(notice.title)
        size = len(title.split())
        if size < MIN_TITLE_WORDS or f" {title} " not in words:
            continue
        if not notice.is_current(today):
            continue
        if best is None or size > best[0]:
            best = (size, notice)
    return best[1] if best is not None else None


class Forwards:
    """Replies to forwarded messages (see the module's docstring)."""

    def __init__(
        self,
        engine: Searcher,
        settings: Settings,
        memory: ChatMemory,
        questions: Questions,
        subscriptions: Subscriptions,
        desk: Callable[[], StaffDesk | None],
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.memory = memory
        self.questions = questions
        self.subscriptions = subscriptions
        self._desk = desk

    async def reply(
        self,
        chat: ChatRef,
        text: str,
        *,
        sender: str | None,
        to_staff: bool,
        manages: bool,
        alerts: bool,
    ) -> list[Reply]:
        """The replies to `text`, forwarded. `to_staff`: the desk listens to the chat;
        `manages`: the sender may change what the chat follows; `alerts`: the chat's channel
        sends alerts (a button to follow the notice's topic)."""
        if to_staff:
            relayed = await self._to_staff(chat, text)
            if relayed is not None:
                return relayed
        notice = quoted_notice(self.engine.corpus.announcements, text, self.engine.today)
        if notice is None:
            s = self.settings
            return [Reply(msg.forwarded_unconfirmed(s.ward_name, s.ward_hotline))]
        shown = await self.questions.document_reply(notice)
        if alerts:
            follow = await self.subscriptions.notice_follow_button(chat, notice, manages)
            shown = with_button(shown, follow)
        await self.memory.keep_context(chat, (notice.id,), sender)
        return [Reply(msg.forwarded_notice(self.settings.ward_name)), shown]

    async def _to_staff(self, chat: ChatRef, text: str) -> list[Reply] | None:
        """`text` passed to staff, marked as forwarded: the question they awaited, or more
        on the open ticket. None: the desk did not take it (a locked database: it is
        read as when staff are not involved)."""
        desk = self._desk()
        if desk is None:
            return None
        marked = msg.forwarded_for_staff(text)
        try:
            opened = await desk.awaited(chat, marked)
            if opened is not None:
                return opened
            ticket = await desk.active(chat)
            if ticket is None:
                return None
            return [await desk.follow_up(chat, ticket, marked)]
        except Exception:
            log.exception("could not pass a forwarded message to staff")
            return None
