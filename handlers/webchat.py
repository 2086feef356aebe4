"""The web chat: the conversation on the ward's portal, served by the bot's own web server.

- `GET /chat`: a full-page chat (for a link or a QR code on the office wall);
  `/chat?embed=1` is the same page made for the widget's frame.
- `GET /widget.js`: one `<script>` tag adds a chat button and panel to any page of the
  sites in `WEB_ALLOWED_ORIGINS` (the panel is a frame of `/chat?embed=1`, which the
  browser shows only inside those sites: Content-Security-Policy frame-ancestors).
- `POST /chat/api/send` a message or a button press, named by a key the page makes for
  it: sent again (its answer was lost on the way back), it is neither stored nor answered
  twice. `GET /chat/api/events` the replies as server-sent events, `GET /chat/api/poll`
  the same by long polling; both resume after a cursor, so a page that reconnects
  refetches what it missed. They name the session in the X-Ward-Session header, never in
  the URL: the id is the only key to a conversation, and proxies and CDNs write URLs to
  their logs.
- `POST /chat/api/handoff` gives a short-lived, single-use token for the session, and
  `POST /chat/api/join` exchanges it for the session (from the address it was given to
  only: see Handoffs): the widget's frame opens the full page as `/chat#continue=TOKEN`
  (a fragment: never sent to a server, never in a log), so that page continues the
  widget's conversation even where the browser keeps the frame's storage apart from the
  bot's own pages (the bot on another site than the portal).
- `POST /chat/api/resume` {handle}: the session a resume handle opens and a new handle in
  its place (the old one stops working); {session}: a first handle for a conversation
  that has begun. The widget keeps the handle in the portal's own storage and hands it to
  its frame by postMessage, so that the conversation goes on from one page of a portal on
  another site to the next, where the browser gives the frame no storage that lasts
  (handlers/web_resume.py).

A browser is an anonymous session: a random id the page keeps in its storage, nothing
else. What the session was told is kept (`web_messages`, WEB_HISTORY_DAYS) so a reload
shows it again; /forget deletes it. Web visitors cannot be pushed to when the page is
closed: topics are followed on Zalo or Telegram instead; ward staff's answers ("hỏi cán
bộ") reach an open page at once and are shown on the next visit.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import functools
import hashlib
import html
import ipaddress
import json
import logging
import re
import secrets
import sqlite3
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from handlers.base import Answerer
from handlers.web_resume import Resumes
from wardbot import messages as msg
from wardbot.config import Settings, authority
from wardbot.conversation import (
    MAX_MESSAGE_CHARS,
    MAX_STAFF_MESSAGE_CHARS,
    ChatLocks,
    Conversation,
    message_length,
)
from wardbot.delivery import Pace
from wardbot.reply import Button, Reply
from wardbot.store import ChatRef, Store
from wardbot.text import one_line
from wardbot.web import RateLimit, Slots, json_or_none, read_limited

log = logging.getLogger(__name__)

CHANNEL = "web"
SESSION = re.compile(r"[A-Za-z0-9_-]{22,64}")  # the page's random id (>= 128 bits)
KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")  # the page's random name for one message it sends
# A cursor is a message's row id: SQLite's INTEGER, at most 2**63 - 1 (19 digits).
CURSOR = re.compile(r"[0-9]{1,19}")
MAX_CURSOR = 2**63 - 1
# A message of MAX_STAFF_MESSAGE_CHARS, in JSON (each character escaped, even), fits.
MAX_BODY_BYTES = 6 * MAX_STAFF_MESSAGE_CHARS + 1024
MAX_LABEL_CHARS = 200  # a pressed choice, as its bubble shows it: a title, in full
HEARTBEAT = 15.0  # an idle event stream sends a comment this often (proxies close idle ones)
LONG_POLL = 25.0
BATCH = 200
CSRF_HEADER = "X-Ward-Chat"
SESSION_HEADER = "X-Ward-Session"
ASSETS = "handlers.web_assets"
# A session may send `burst` messages at once, then one every `every` seconds; an address
# (an office's shared connection, a school) gets more.
SESSION_LIMIT = (8, 3.0)
ADDRESS_LIMIT = (40, 0.5)
# Reading replies (/chat/api/poll) has limits of its own, generous: a page polls about once
# a second (its long polls answered at once when past LISTENERS_PER_ADDRESS), a reload or
# a reconnect reads a few pages of history at once; a flood of reads (each a database
# query) is slowed down, and never eats into what the session may send.
POLL_SESSION_LIMIT = (30, 0.5)
POLL_ADDRESS_LIMIT = (200, 0.05)
# Event streams and long polls held open at once, per address and in all: each holds a
# connection (a file descriptor: a systemd service has 1,024) for as long as the page is
# open. A household's phones and tabs fit in the first; past it, a stream is refused (the
# page falls back to polling) and a long poll is answered at once, without waiting.
LISTENERS_PER_ADDRESS = 20
LISTENERS = 400
LISTENERS_RETRY = 30  # seconds: what a refused stream is told to wait (Retry-After)
# What one browser, and one client address, may add to the database: a session keeps its
# newest SESSION_MESSAGES (a reload shows them: one page of history); an address (an IPv6
# /64 network: one household or office) starts at most NEW_SESSIONS_PER_DAY conversations
# and stores at most BYTES_PER_DAY of messages, questions and answers, a day (Vietnam's).
# Session ids are the page's own choice: without these, one client could add ~0.7 GB a
# day within the rate limits, kept WEB_HISTORY_DAYS.
SESSION_MESSAGES = BATCH
NEW_SESSIONS_PER_DAY = 50
BYTES_PER_DAY = 4 * 1024 * 1024
# All sessions together keep their newest STORED_MESSAGES (counted every TRIM_EVERY
# messages stored): a wider IPv6 block has 65,536 /64 networks in a /48, each with its own
# allowance, and would otherwise fill the disk. A busy ward's month is a tenth of it.
STORED_MESSAGES = 200_000
TRIM_EVERY = 500
DAY = 86400.0
VIETNAM_OFFSET = 7 * 3600.0
# While the database cannot be written: what is held in memory instead (History). The
# bytes count each message as stored (JSON, UTF-8) plus what Python needs to hold one:
# without a cap on them, addresses from a wider IPv6 block (a /48 is 65,536 /64 networks,
# each with its own daily allowance) could fill the 1,000 sessions with 200 messages of
# 4,096 characters each, over a gigabyte.
MEMORY_MESSAGES = SESSION_MESSAGES
MEMORY_SESSIONS = 1000
MEMORY_BYTES = 16 * 1024 * 1024
ENTRY_OVERHEAD = 256
# A token that lets the full page continue the widget's conversation (Handoffs): how long
# it lasts (the new tab opens within seconds), and how many wait at most, in memory.
HANDOFF_SECONDS = 120.0
HANDOFFS = 1000
TOKEN = re.compile(r"[A-Za-z0-9_-]{22,64}")
# A resume handle (handlers/web_resume.py) lasts as long as the conversation's history is
# kept (WEB_HISTORY_DAYS): the resident back on the portal days later reads staff's answer.


@dataclass(frozen=True)
class Entry:
    """One message in a session's history, as the page shows it."""

    id: int
    author: str  # 'resident' or 'bot'
    body: dict[str, Any]
    at: float
    size: int = field(default=0, compare=False)  # what it takes in memory, when held there

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "from": self.author, "at": self.at, **self.body}


def reply_body(reply: Reply) -> dict[str, Any]:
    """A reply as the page draws it: plain text fields (the page never parses HTML). A
    reply whose text lists its buttons' items (/latest) has its `numbered_text` instead,
    as on Zalo: the buttons below name each in full, and a list shown twice over is
    twice the scrolling in the portal's small chat frame."""
    listed = reply.numbered_text if reply.numbered_text and reply.buttons else None
    body: dict[str, Any] = {"text": listed or reply.text}
    if reply.title:
        body["title"] = reply.title
    if reply.footer:
        body["footer"] = reply.footer
    if reply.links:
        body["links"] = [
            {"label": link.label, "url": link.url}
            for link in reply.links
            if urlsplit(link.url).scheme in ("http", "https")
        ]
    # The reply's own actions ("📄 Xem toàn văn") are drawn first, apart from the buttons
    # that `buttons_title` introduces. Labelled in full: the page's buttons wrap their
    # text (a label cut to fit Telegram's would hide what a related question asks).
    own, others = reply.buttons[: reply.lead], reply.buttons[reply.lead :]
    if own:
        body["actions"] = [_choice(b) for b in own]
    if others:
        body["buttons"] = [_choice(b) for b in others]
        if reply.buttons_title:
            body["buttons_title"] = reply.buttons_title
    return body


def _choice(button: Button) -> dict[str, str]:
    return {"label": button.full_label or button.label, "action": button.action}


def drawn(replies: Sequence[Reply]) -> list[Button]:
    """The replies' buttons in the order the page draws them (a reply's own actions
    first): what a number typed picks."""
    return [button for reply in replies for button in reply.buttons]


class History:
    """Each session's messages in the bot's database, and who is waiting for new ones.

    When the database cannot be written (a read-only data folder, a full disk), messages
    are held in memory instead, so that the page still shows its replies: the newest
    MEMORY_MESSAGES of the MEMORY_SESSIONS sessions heard from last, `memory_bytes` in all
    (the sessions heard from longest ago go first), lost at a restart. Their ids carry on
    from the database's, and the database's next ones go past them, so a page's cursor
    never skips a message.
    """

    def __init__(
        self,
        store: Store,
        clock: Callable[[], float] = time.time,
        *,
        memory_bytes: int = MEMORY_BYTES,
    ) -> None:
        self.store = store
        self.clock = clock
        self.memory_bytes = memory_bytes
        self.stored_messages, self.trim_every = STORED_MESSAGES, TRIM_EVERY
        self._until_count = 0  # messages to store before counting them all again
        self.held_bytes = 0  # what the messages held in memory take (Entry.size)
        self._waiters: dict[str, set[asyncio.Event]] = {}
        self._memory: OrderedDict[str, list[Entry]] = OrderedDict()
        self._memory_size: dict[str, int] = {}  # each session's share of held_bytes
        self._last_held = 0  # the highest id given to a message held in memory
        self.failing = False  # the last write failed: messages are held in memory
        store.forgetting.append(self._forget)

    def _forget(self, chat: ChatRef) -> None:
        """/forget: the session's messages held in memory go too."""
        if chat.channel == CHANNEL:
            self._drop(chat.chat_id)

    def _keep(self, session: str, entries: list[Entry]) -> None:
        """Hold `entries` for `session` instead of its own (none: nothing)."""
        if not entries:
            self._drop(session)
            return
        size = sum(entry.size for entry in entries)
        self.held_bytes += size - self._memory_size.get(session, 0)
        self._memory[session], self._memory_size[session] = entries, size

    def _drop(self, session: str) -> None:
        """What is held for `session` goes."""
        self._memory.pop(session, None)
        self.held_bytes -= self._memory_size.pop(session, 0)

    @property
    def stored(self) -> bool:
        """Whether new messages go to the database (else they are held in memory only)."""
        return self.store.writable and not self.failing

    async def add(self, session: str, author: str, body: dict[str, Any]) -> int:
        entry_id = None
        if self.store.writable:
            try:
                entry_id = await self._insert(session, author, body)
            except sqlite3.Error as exc:
                if not self.failing:
                    log.warning("web chat: cannot store messages (%s); keeping them in memory", exc)
                self.failing = True
            else:
                if self.failing:
                    log.info("web chat: storing messages again")
                self.failing = False
                if self._last_held:  # the next messages held go past this one
                    self._last_held = max(self._last_held, entry_id)
        if entry_id is None:
            entry_id = await self._hold(session, author, body)
        self.wake(session)
        return entry_id

    async def _insert(self, session: str, author: str, body: dict[str, Any]) -> int:
        row = (CHANNEL, session, author, json.dumps(body, ensure_ascii=False), self.clock())
        async with self.store.writing() as db:
            if not self._last_held:
                cursor = await db.execute(
                    "INSERT INTO web_messages (channel, chat_id, author, body, at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    row,
                )
            else:  # past the ids given to messages held in memory
                cursor = await db.execute(
                    "INSERT INTO web_messages (id, channel, chat_id, author, body, at) "
                    "VALUES (max(?, COALESCE((SELECT seq FROM sqlite_sequence "
                    "WHERE name = 'web_messages'), 0)) + 1, ?, ?, ?, ?, ?)",
                    (self._last_held, *row),
                )
            # The session's oldest messages beyond SESSION_MESSAGES go.
            await db.execute(
                "DELETE FROM web_messages WHERE channel = ? AND chat_id = ? AND id <= ("
                "SELECT id FROM web_messages WHERE channel = ? AND chat_id = ? "
                "ORDER BY id DESC LIMIT 1 OFFSET ?)",
                (CHANNEL, session, CHANNEL, session, SESSION_MESSAGES),
            )
            if self._until_count <= 0:  # the oldest of all beyond stored_messages go
                await db.execute(
                    "DELETE FROM web_messages WHERE id <= (SELECT id FROM web_messages "
                    "ORDER BY id DESC LIMIT 1 OFFSET ?)",
                    (self.stored_messages,),
                )
                self._until_count = self.trim_every
            self._until_count -= 1
        return int(cursor.lastrowid or 0)

    async def _hold(self, session: str, author: str, body: dict[str, Any]) -> int:
        if not self._last_held:
            self._last_held = await self._highest_stored()
        self._last_held += 1
        size = len(json.dumps(body, ensure_ascii=False).encode()) + ENTRY_OVERHEAD
        entry = Entry(self._last_held, author, body, self.clock(), size)
        entries = [*self._memory.get(session, ()), entry][-MEMORY_MESSAGES:]
        self._keep(session, entries)
        self._memory.move_to_end(session)  # the session heard from last
        # Too many sessions, or too much held: the sessions heard from longest ago go, then
        # (one session alone over the cap) this one's oldest messages.
        while len(self._memory) > MEMORY_SESSIONS or self.held_bytes > self.memory_bytes:
            oldest = next(iter(self._memory))
            if oldest != session:
                self._drop(oldest)
            elif len(entries) > 1:
                entries = entries[1:]
                self._keep(session, entries)
            else:
                break
        return self._last_held

    async def _highest_stored(self) -> int:
        async with self.store.db.execute(
            "SELECT max(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'web_messages'), "
            "0), COALESCE((SELECT max(id) FROM web_messages), 0))"
        ) as rows:
            row = await rows.fetchone()
        return int(row[0]) if row else 0

    async def after(self, session: str, cursor: int, limit: int = BATCH) -> list[Entry]:
        async with self.store.db.execute(
            "SELECT id, author, body, at FROM web_messages WHERE channel = ? AND chat_id = ? "
            "AND id > ? ORDER BY id LIMIT ?",
            (CHANNEL, session, cursor, limit),
        ) as rows:
            found = [Entry(r[0], r[1], json.loads(r[2]), r[3]) for r in await rows.fetchall()]
        held = [entry for entry in self._memory.get(session, ()) if entry.id > cursor]
        if held:
            found = sorted(found + held, key=lambda entry: entry.id)[:limit]
        return found

    async def sent(self, session: str, key: str) -> int | None:
        """The id of the resident's message in `session` that the page named `key`, if
        it is there: the page is sending it again."""
        return await self._keyed(session, "resident", "key", key)

    async def forgotten(self, session: str, key: str) -> int | None:
        """The id of the bot's reply saying `session`'s history was deleted by the message
        the page named `key` (/forget), if it is there: the page is sending that again (its
        answer lost, or a reload), and /forget has been done."""
        return await self._keyed(session, "bot", "forgot", key)

    async def _keyed(self, session: str, author: str, name: str, key: str) -> int | None:
        """The first entry of `author` in `session` whose body has `key` under `name`."""
        for entry in self._memory.get(session, ()):
            if entry.author == author and entry.body.get(name) == key:
                return entry.id
        async with self.store.db.execute(
            "SELECT id FROM web_messages WHERE channel = ? AND chat_id = ? "
            "AND author = ? AND json_extract(body, ?) = ? LIMIT 1",
            (CHANNEL, session, author, f"$.{name}", key),
        ) as rows:
            row = await rows.fetchone()
        return int(row[0]) if row else None

    async def answered(self, session: str, entry_id: int) -> bool:
        """Whether the bot said anything in `session` after the message `entry_id` (every
        message of a resident's is answered with at least one)."""
        return any(entry.author == "bot" for entry in await self.after(session, entry_id))

    async def exists(self, session: str) -> bool:
        """Whether `session` has any message (else it is a new conversation)."""
        if session in self._memory:
            return True
        async with self.store.db.execute(
            "SELECT 1 FROM web_messages WHERE channel = ? AND chat_id = ? LIMIT 1",
            (CHANNEL, session),
        ) as rows:
            return await rows.fetchone() is not None

    async def has(self, entry_id: int) -> bool:
        if any(entry.id == entry_id for entries in self._memory.values() for entry in entries):
            return True
        async with self.store.db.execute(
            "SELECT 1 FROM web_messages WHERE id = ?", (entry_id,)
        ) as rows:
            return await rows.fetchone() is not None

    async def purge(self, before: float) -> int:
        deleted = 0
        for session, entries in list(self._memory.items()):
            kept = [entry for entry in entries if entry.at >= before]
            deleted += len(entries) - len(kept)
            if len(kept) < len(entries):
                self._keep(session, kept)
        if self.store.writable:  # a read-only data folder holds nothing to delete
            async with self.store.writing() as db:
                cursor = await db.execute("DELETE FROM web_messages WHERE at < ?", (before,))
            deleted += max(cursor.rowcount, 0)
        return deleted

    def wake(self, session: str | None = None) -> None:
        """New messages for `session` (None: everyone, e.g. when stopping)."""
        groups = self._waiters.values() if session is None else [self._waiters.get(session, ())]
        for group in groups:
            for event in group:
                event.set()

    @contextlib.contextmanager
    def waiting(self, session: str) -> Any:
        event = asyncio.Event()
        self._waiters.setdefault(session, set()).add(event)
        try:
            yield event
        finally:
            group = self._waiters.get(session, set())
            group.discard(event)
            if not group:
                self._waiters.pop(session, None)


class DailyAllowance:
    """What each client address may add in a day (Vietnam's, by `clock`): `sessions` new
    conversations and `size` bytes of messages. In memory, for the `remembered` addresses
    heard from last (as the rate limits)."""

    def __init__(
        self,
        sessions: int = NEW_SESSIONS_PER_DAY,
        size: int = BYTES_PER_DAY,
        *,
        clock: Callable[[], float] = time.time,
        remembered: int = 10_000,
    ) -> None:
        self.sessions = sessions
        self.size = size
        self.clock = clock
        self.remembered = remembered
        self._used: OrderedDict[str, tuple[int, int, int]] = OrderedDict()  # day, sessions, bytes

    def _today(self) -> int:
        return int((self.clock() + VIETNAM_OFFSET) // DAY)

    def _usage(self, client: str) -> tuple[int, int]:
        day, sessions, size = self._used.pop(client, (self._today(), 0, 0))
        if day != self._today():
            sessions, size = 0, 0
        self._used[client] = (self._today(), sessions, size)
        if len(self._used) > self.remembered:
            self._used.popitem(last=False)
        return sessions, size

    def exceeded(self, client: str, *, new_session: bool) -> str | None:
        """'sessions' or 'size' when `client` has used that up today; else None."""
        sessions, size = self._usage(client)
        if size >= self.size:
            return "size"
        if new_session and sessions >= self.sessions:
            return "sessions"
        return None

    def spend(self, client: str, *, new_session: bool = False, size: int = 0) -> None:
        sessions, used = self._usage(client)
        self._used[client] = (self._today(), sessions + new_session, used + size)

    def until_tomorrow(self) -> float:
        """Seconds until the next day begins (Vietnam's midnight)."""
        return (self._today() + 1) * DAY - VIETNAM_OFFSET - self.clock()


class Handoffs:
    """Short-lived, single-use tokens, each naming a session: the widget's frame passes
    one to the full page it opens, which takes it for the session itself. Held in memory
    (the newest `size` of them, for `seconds`): lost at a restart, which only means the
    full page starts a conversation of its own.

    A token opens its session only for the client (address, _client) it was made for: the
    frame and the page it opens are one browser. A link carrying a token is otherwise a
    way into a stranger's browser: someone who made a token for a conversation of their
    own (a server of theirs asks for one at each click on their link) would have the
    resident's page adopt it, and read all the resident writes there from then on."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        *,
        seconds: float = HANDOFF_SECONDS,
        size: int = HANDOFFS,
    ) -> None:
        self.clock = clock
        self.seconds = seconds
        self.size = size
        self._tokens: OrderedDict[str, tuple[str, float, str]] = OrderedDict()

    def make(self, session: str, client: str) -> str:
        token = secrets.token_urlsafe(24)
        self._tokens[token] = (session, self.clock() + self.seconds, client)
        while len(self._tokens) > self.size:
            self._tokens.popitem(last=False)
        return token

    def take(self, token: str, client: str) -> str | None:
        """The session `token` names, once, while it lasts, for the client it was made
        for; else None (the token is used up all the same)."""
        session, until, made_for = self._tokens.pop(token, ("", 0.0, ""))
        return session if session and self.clock() < until and client == made_for else None

    def forget(self, chat: ChatRef) -> None:
        """/forget: the tokens naming the session no longer open it."""
        if chat.channel == CHANNEL:
            for token in [t for t, (s, _, _) in self._tokens.items() if s == chat.chat_id]:
                del self._tokens[token]


@functools.lru_cache(maxsize=8)
def _asset(name: str) -> str:
    """A file of the page (package data: it does not change while the bot runs)."""
    return resources.files(ASSETS).joinpath(name).read_text(encoding="utf-8")


class WebChatChannel:
    """The web chat, one more channel of the bot (wardbot.channels)."""

    name = CHANNEL
    # Nothing leaves the bot: a message is a row in the history, read by the page.
    pace = Pace(per_second=1000.0, per_chat_interval=0.0)

    def __init__(
        self,
        settings: Settings,
        conversation: Conversation,
        *,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], float] = time.time,
    ) -> None:
        """`clock` paces the rate limits; `now` (the time of day) dates the daily ones."""
        self.settings = settings
        self.conversation = conversation
        # Choices are buttons, yet a number typed picks the one in that place, as on
        # Telegram: residents used to Zalo's numbered lists type "1".
        self.answerer = Answerer(CHANNEL, conversation, settings, counted=True)
        self.history = History(conversation.store)
        self.per_session = RateLimit(*SESSION_LIMIT, clock=clock)
        self.per_address = RateLimit(*ADDRESS_LIMIT, clock=clock)
        self.polls_per_session = RateLimit(*POLL_SESSION_LIMIT, clock=clock)
        self.polls_per_address = RateLimit(*POLL_ADDRESS_LIMIT, clock=clock)
        self.allowance = DailyAllowance(clock=now)
        self.listening = Slots(LISTENERS_PER_ADDRESS, LISTENERS)
        self.handoffs = Handoffs(clock)
        self.resumes = Resumes(conversation.store, settings.web_history_days * DAY, now)
        conversation.store.forgetting.append(self.handoffs.forget)
        # A message is looked for (sent again?) and stored in one go, per session; the
        # (session, key) of those being answered now.
        self._receiving = ChatLocks()
        self._answering: set[tuple[str, str]] = set()
        self._running = False
        self._purger: asyncio.Task[None] | None = None

    # --- lifecycle (wardbot.app) ---------------------------------------------------------

    def routes(self) -> list[BaseRoute]:
        return [
            # The bot's own address (hoidap.phuong2.gov.vn, README) typed or printed bare
            # opens the chat, not "Not Found".
            Route("/", self.home, methods=["GET", "HEAD"]),
            Route("/chat", self.page, methods=["GET"]),
            Route("/chat/app.js", self.asset("chat.js", "text/javascript"), methods=["GET"]),
            Route("/chat/app.css", self.asset("chat.css", "text/css"), methods=["GET"]),
            Route("/widget.js", self.widget, methods=["GET"]),
            Route("/chat/api/send", self.send, methods=["POST"]),
            Route("/chat/api/events", self.events, methods=["GET"]),
            Route("/chat/api/poll", self.poll, methods=["GET"]),
            Route("/chat/api/handoff", self.handoff, methods=["POST"]),
            Route("/chat/api/join", self.join, methods=["POST"]),
            Route("/chat/api/resume", self.resume, methods=["POST"]),
        ]

    async def start(self) -> None:
        self._running = True
        self._purger = asyncio.create_task(self._purge_old(), name="web-history")
        log.info("web chat at /chat and /widget.js")

    async def stop_receiving(self) -> None:
        """Nothing to do: the bot's web server, which receives for the web chat, has
        stopped first."""

    async def stop(self) -> None:
        self._running = False
        self.history.wake()  # open event streams end
        if self._purger is not None:
            self._purger.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._purger

    def is_running(self) -> bool:
        return self._running

    async def _purge_old(self) -> None:
        keep = self.settings.web_history_days * 86400.0
        failing = False
        while True:
            try:
                deleted = await self.history.purge(time.time() - keep)
                if deleted:
                    log.info("web chat: deleted %d old message(s)", deleted)
                await self.resumes.purge()
                failing = False
            except Exception as exc:
                # Once with its traceback, then one line an hour until it works again.
                if failing:
                    log.warning("web chat: still cannot delete old history: %s", exc)
                else:
                    log.exception("web chat: could not delete old history")
                failing = True
            await asyncio.sleep(3600.0)

    def status(self) -> dict[str, object]:
        """For /healthz: where the conversations go ('memory': the database cannot be
        written, so they are lost at a restart)."""
        return {"history": "database" if self.history.stored else "memory"}

    # --- pushing (wardbot.outbox: ward staff's answers) ---------------------------------

    async def deliver(self, chat_id: str, replies: Sequence[Reply]) -> None:
        """A message for a session (a staff answer): into its history; an open page gets
        it at once, a closed one on the next visit. What a number typed next picks, as
        after a reply (a staff answer ends the list: "2" then answers staff)."""
        async with self.answerer.locks.hold(chat_id):
            after = await self.answerer.push_after(chat_id, replies)
            for reply in replies:
                await self.history.add(chat_id, "bot", reply_body(reply))
            await self.answerer.pushed(chat_id, replies, drawn(replies), after)

    # --- pages ------------------------------------------------------------------------------

    def _headers(self, *, frame: bool = False) -> dict[str, str]:
        origins = self.settings.web_allowed_origins
        ancestors = " ".join(("'self'", *origins)) if frame else "'none'"
        headers = {
            "Content-Security-Policy": (
                "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                f"connect-src 'self'; base-uri 'none'; form-action 'none'; "
                f"frame-ancestors {ancestors}"
            ),
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-store",
        }
        # The same for browsers too old for frame-ancestors. X-Frame-Options names no
        # other site (ALLOW-FROM is gone from browsers), so a page the portal on another
        # site may frame goes without it: an old browser shows it framed anywhere, as it
        # would without the header, rather than nowhere.
        if not frame:
            headers["X-Frame-Options"] = "DENY"
        elif not origins:
            headers["X-Frame-Options"] = "SAMEORIGIN"
        return headers

    async def home(self, request: Request) -> Response:
        return RedirectResponse("/chat", status_code=302)

    async def page(self, request: Request) -> Response:
        """The chat page; `?embed=1` for the widget's frame (only inside allowed sites)."""
        embed = request.query_params.get("embed") == "1"
        s = self.settings
        texts = msg.web_ui(s.ward_name, s.ward_hotline)
        # What the box takes: the server's own limit, so both refuse the same messages.
        ui: dict[str, Any] = {**texts, "max_chars": self.conversation.longest_message()}
        if embed:  # the frame takes the widget's messages from these sites' pages only
            ui["origins"] = list(s.web_allowed_origins)
        text = (
            _asset("chat.html")
            .replace("{{lang}}", "vi")
            .replace("{{title}}", html.escape(msg.web_title(self.settings.ward_name)))
            .replace("{{mode}}", "embed" if embed else "page")
            # Shown when the page's script does not start (a flaky network): app.js
            # removes it; app.css shows it only after a few seconds.
            .replace("{{failed}}", html.escape(msg.web_widget_failed(s.ward_name, s.ward_hotline)))
            .replace("{{retry}}", html.escape(msg.WEB_WIDGET_RETRY))
            # Shown instead, the chat hidden, where the browser runs no script at all.
            .replace("{{noscript}}", _with_call(msg.web_noscript(s.ward_name, s.ward_hotline), s))
            # In a <script type="application/json"> block: no "<" at all, so neither
            # "</script>" nor "<!--<script>" (which would swallow the page) can occur.
            .replace("{{ui}}", _script_safe(json.dumps(ui)))
        )
        return Response(
            text, media_type="text/html; charset=utf-8", headers=self._headers(frame=embed)
        )

    def asset(self, name: str, media_type: str) -> Callable[[Request], Any]:
        async def serve(request: Request) -> Response:
            return _revalidated(request, _asset(name), media_type)

        return serve

    async def widget(self, request: Request) -> Response:
        """The embeddable script; it shows itself only on the allowed sites. Readable by
        any site (CORS): a portal whose tag carries `integrity` and `crossorigin` fetches
        it in CORS mode, and blocks it without that; its body is the same for the same
        settings and version (`bot.py widget` prints its integrity value)."""
        return _revalidated(
            request,
            widget_script(self.settings),
            "text/javascript",
            {"Access-Control-Allow-Origin": "*", "Cross-Origin-Resource-Policy": "cross-origin"},
        )

    # --- the API --------------------------------------------------------------------------

    def _refused(self, request: Request) -> Response | None:
        """Requests that are not the chat page's own: from another site (CSRF), without
        the page's header, or not JSON."""
        origin = request.headers.get("origin")
        if origin is not None and not self._own_origin(request, origin):
            return _error(403, msg.WEB_FORBIDDEN)
        if request.headers.get(CSRF_HEADER) != "1":
            return _error(403, msg.WEB_FORBIDDEN)
        if not request.headers.get("content-type", "").startswith("application/json"):
            return _error(415, msg.WEB_FORBIDDEN)
        return None

    def _own_origin(self, request: Request, origin: str) -> bool:
        """The page is served by this bot. A browser says so itself: Sec-Fetch-Site is
        "same-origin" for the page's own requests (whatever a reverse proxy did to the Host
        header on the way) and "cross-site" or "same-site" for another site's. Without it
        (an older browser, plain http), the origin's host must be the one the request was
        sent to: its Host (a proxy may change the scheme), a proxy's X-Forwarded-Host (its
        first value), or PUBLIC_URL's."""
        site = request.headers.get("sec-fetch-site")
        if site is not None:
            return site == "same-origin"
        scheme, netloc = urlsplit(origin)[:2]
        if not netloc:
            return False
        forwarded = request.headers.get("x-forwarded-host", "").split(",")[0]
        public = urlsplit(self.settings.public_url or "").netloc
        ours = {authority(scheme, h) for h in (request.headers.get("host", ""), forwarded, public)}
        return authority(scheme, netloc) in ours - {""}

    def _limited(self, client: str, session: str, *, reading: bool = False) -> Response | None:
        """A 429 when the session or its address goes too fast: in what it sends, or with
        `reading`, in how often it reads its replies (limits of their own)."""
        by_session, by_address = (
            (self.polls_per_session, self.polls_per_address)
            if reading
            else (self.per_session, self.per_address)
        )
        wait = max(by_session.wait(session), by_address.wait(client))
        if wait <= 0:
            return None
        seconds = max(1, round(wait))
        return _error(429, msg.web_slow_down(seconds), retry_after=seconds)

    async def _beyond_allowance(self, client: str, session: str) -> Response | None:
        """Refused when the address has added what it may today (its new conversations,
        its bytes); a new conversation is counted."""
        new = not await self.history.exists(session)
        exceeded = self.allowance.exceeded(client, new_session=new)
        if exceeded is None:
            self.allowance.spend(client, new_session=new)
            return None
        s = self.settings
        text = (
            msg.web_too_many_sessions(s.ward_name, s.ward_hotline)
            if exceeded == "sessions"
            else msg.web_daily_limit(s.ward_name, s.ward_hotline)
        )
        return _error(429, text, retry_after=max(1, round(self.allowance.until_tomorrow())))

    async def send(self, request: Request) -> Response:
        """POST /chat/api/send {session, text} or {session, action, label}, with the
        page's `key` for the message: stored, then answered; the replies arrive through
        events or poll. A key the session has sent already is answered with that
        message's id, and nothing else happens, unless that message was never answered
        (the bot stopped while answering it): then it is answered now."""
        refused = self._refused(request)
        if refused is not None:
            return refused
        body = await read_limited(request, MAX_BODY_BYTES)
        if body is None:
            return _error(413, msg.too_long(MAX_MESSAGE_CHARS))
        data = json_or_none(body)
        session = data.get("session") if isinstance(data, dict) else None
        if (
            not isinstance(data, dict)
            or not isinstance(session, str)
            or not SESSION.fullmatch(session)
        ):
            return _error(400, msg.WEB_BAD_REQUEST)
        text, action, key = data.get("text"), data.get("action"), data.get("key")
        if not (isinstance(text, str) and text.strip()) and not isinstance(action, str):
            return _error(400, msg.WEB_BAD_REQUEST)
        if key is not None and not (isinstance(key, str) and KEY.fullmatch(key)):
            return _error(400, msg.WEB_BAD_REQUEST)
        # Longer than any message may be; within it, the conversation decides as on every
        # channel (a question, or up to MAX_STAFF_MESSAGE_CHARS for staff). Measured as it
        # measures (a letter with its accents written apart counts once).
        longest = self.conversation.longest_message()
        text_length = message_length(text) if isinstance(text, str) else 0
        if text_length > longest and not isinstance(action, str):
            return _error(413, msg.too_long(MAX_MESSAGE_CHARS))
        client = _client(request)
        async with self._receiving.hold(session):
            # Sent again (the phone lost the answer to the first try): stored and answered
            # already, or being answered; the replies reach the page as any do. Stored
            # but never answered (the bot stopped meanwhile): answered now.
            earlier = await self.history.sent(session, key) if key is not None else None
            if earlier is None and key is not None:
                # /forget sent again: it deleted the history, itself with it; done once.
                forgot = await self.history.forgotten(session, key)
                if forgot is not None:
                    return JSONResponse({"ok": True, "id": forgot})
            if earlier is not None and (
                (session, key) in self._answering or await self.history.answered(session, earlier)
            ):
                return JSONResponse({"ok": True, "id": earlier})
            if earlier is None:
                limited = self._limited(client, session) or await self._beyond_allowance(
                    client, session
                )
                if limited is not None:
                    return limited
                if isinstance(action, str):
                    label = one_line(str(data.get("label") or ""), MAX_LABEL_CHARS)
                    said: dict[str, Any] = {"text": label, "action": True}
                else:
                    assert isinstance(text, str)
                    said = {"text": text}
                if key is not None:
                    said["key"] = key
                earlier = await self._add(client, session, "resident", said)
            mine = earlier
            answering = (session, key) if key is not None else None
            if answering is not None:
                self._answering.add(answering)
        # The session id is the page's own choice: the address limits what one client
        # may ask of ward staff (wardbot.desk), never stored.
        chat = ChatRef(CHANNEL, session, origin=client)
        sender = self._sender(client, session, mine, key)
        try:
            if isinstance(action, str):
                await self.answerer.action(chat, action, sender)
            else:
                assert isinstance(text, str)
                await self.answerer.text(chat, text, sender, sender=session)
        finally:
            if answering is not None:
                self._answering.discard(answering)
        return JSONResponse({"ok": True, "id": mine})

    async def _add(self, client: str, session: str, author: str, body: dict[str, Any]) -> int:
        """Into the session's history, counted against the client's daily allowance."""
        self.allowance.spend(client, size=len(json.dumps(body, ensure_ascii=False).encode()))
        return await self.history.add(session, author, body)

    def _sender(
        self, client: str, session: str, mine: int, key: str | None
    ) -> Callable[[Sequence[Reply]], Any]:
        async def send(replies: Sequence[Reply]) -> list[Button]:
            # /forget deleted the history, the resident's message with it: the page starts
            # afresh from the reply that says so, which keeps the message's key (no text),
            # so that the page sending it again does not forget twice.
            reset = not await self.history.has(mine)
            for number, reply in enumerate(replies):
                body = reply_body(reply)
                if reset and number == 0:
                    body["reset"] = True
                    if key is not None:
                        body["forgot"] = key
                await self._add(client, session, "bot", body)
            return drawn(replies)

        return send

    async def _json_body(self, request: Request) -> dict[str, Any] | Response:
        """A small JSON object from the chat page itself (else the error to answer)."""
        refused = self._refused(request)
        if refused is not None:
            return refused
        body = await read_limited(request, 1024)
        data = json_or_none(body) if body is not None else None
        return data if isinstance(data, dict) else _error(400, msg.WEB_BAD_REQUEST)

    async def handoff(self, request: Request) -> Response:
        """POST /chat/api/handoff {session}: a token for the full page to continue this
        conversation (join), single-use, for HANDOFF_SECONDS; null while it has no message
        (the full page then keeps the conversation of the bot's own pages, if any)."""
        data = await self._json_body(request)
        if isinstance(data, Response):
            return data
        session = data.get("session")
        if not isinstance(session, str) or not SESSION.fullmatch(session):
            return _error(400, msg.WEB_BAD_REQUEST)
        client = _client(request)
        limited = self._limited(client, session)
        if limited is not None:
            return limited
        exists = await self.history.exists(session)
        token = self.handoffs.make(session, client) if exists else None
        return JSONResponse({"token": token}, headers={"Cache-Control": "no-store"})

    async def join(self, request: Request) -> Response:
        """POST /chat/api/join {token}: the session a handoff token names (once, from the
        address it was given to)."""
        data = await self._json_body(request)
        if isinstance(data, Response):
            return data
        token = data.get("token")
        ours = isinstance(token, str) and TOKEN.fullmatch(token) is not None
        session = self.handoffs.take(str(token), _client(request)) if ours else None
        if session is None:
            return _error(404, msg.WEB_HANDOFF_EXPIRED)
        return JSONResponse({"session": session}, headers={"Cache-Control": "no-store"})

    async def resume(self, request: Request) -> Response:
        """POST /chat/api/resume {handle}: the session the widget's handle opens and the
        handle that replaces it ({session, handle}), once; {session}: a handle for it once
        its conversation has begun ({handle}; null before: nothing is kept for a chat
        opened and never used)."""
        data = await self._json_body(request)
        if isinstance(data, Response):
            return data
        handle, session = data.get("handle"), data.get("session")
        client = _client(request)
        no_store = {"Cache-Control": "no-store"}
        if isinstance(handle, str) and TOKEN.fullmatch(handle):
            wait = self.per_address.wait(client)
            if wait > 0:
                seconds = max(1, round(wait))
                return _error(429, msg.web_slow_down(seconds), retry_after=seconds)
            taken = await self.resumes.take(handle)
            if taken is None:
                return _error(404, msg.WEB_HANDOFF_EXPIRED)
            return JSONResponse({"session": taken[0], "handle": taken[1]}, headers=no_store)
        if isinstance(session, str) and SESSION.fullmatch(session):
            limited = self._limited(client, session)
            if limited is not None:
                return limited
            given = await self.resumes.give(session) if await self.history.exists(session) else None
            return JSONResponse({"handle": given}, headers=no_store)
        return _error(400, msg.WEB_BAD_REQUEST)

    def _session_and_cursor(self, request: Request) -> tuple[str, int] | Response:
        # From the header only: a URL naming a session (in a log) opens nothing.
        session = request.headers.get(SESSION_HEADER, "")
        # EventSource's own reconnect says where it was in a header.
        after = request.headers.get("last-event-id") or request.query_params.get("after", "0")
        cursor = _cursor(after)
        if not SESSION.fullmatch(session) or cursor is None:
            return _error(400, msg.WEB_BAD_REQUEST)
        return session, cursor

    async def poll(self, request: Request) -> Response:
        """GET /chat/api/poll?after=&wait=1 (the session in X-Ward-Session): the messages
        after the cursor; with `wait`, held up to LONG_POLL seconds until there is one."""
        found = self._session_and_cursor(request)
        if isinstance(found, Response):
            return found
        session, after = found
        client = _client(request)
        limited = self._limited(client, session, reading=True)
        if limited is not None:
            return limited
        entries = await self.history.after(session, after)
        wait = request.query_params.get("wait") == "1" and self._running
        if not entries and wait and self.listening.take(client):
            try:
                with self.history.waiting(session) as event:
                    entries = await self.history.after(session, after)
                    if not entries:
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(event.wait(), LONG_POLL)
                        entries = await self.history.after(session, after)
            finally:
                self.listening.give_back(client)
        return JSONResponse(
            {"messages": [e.as_json() for e in entries]}, headers={"Cache-Control": "no-store"}
        )

    async def events(self, request: Request) -> Response:
        """GET /chat/api/events?after= (X-Ward-Session): server-sent events, one per message
        (its cursor as the event id), a comment every HEARTBEAT seconds."""
        found = self._session_and_cursor(request)
        if isinstance(found, Response):
            return found
        session, after = found
        client = _client(request)
        if not self.listening.take(client):
            return _error(429, msg.WEB_BUSY, retry_after=LISTENERS_RETRY)
        return _Held(
            functools.partial(self.listening.give_back, client),
            self._stream(request, session, after),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    async def _stream(self, request: Request, session: str, after: int) -> AsyncIterator[str]:
        yield "retry: 2000\n\n"
        with self.history.waiting(session) as event:
            while self._running and not await request.is_disconnected():
                event.clear()
                entries = await self.history.after(session, after)
                for entry in entries:
                    after = entry.id
                    data = json.dumps(entry.as_json(), ensure_ascii=False)
                    yield f"id: {entry.id}\ndata: {data}\n\n"
                if entries:
                    continue
                try:
                    await asyncio.wait_for(event.wait(), HEARTBEAT)
                except TimeoutError:
                    yield ": ping\n\n"


class _Held(StreamingResponse):
    """A stream holding one of the channel's slots (Slots), given back however it ends:
    finished, cut by the client, or cancelled before its first line."""

    def __init__(self, give_back: Callable[[], None], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.give_back = give_back

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.give_back()


def _address(request: Request) -> str:
    return request.client.host if request.client else "?"


def _client(request: Request) -> str:
    """Who the limits count: the client's address; for IPv6 its /64 network (one home or
    office gets a whole /64, and picks any address in it)."""
    address = _address(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{ip}/64", strict=False))
    return address


def widget_script(settings: Settings) -> str:
    """/widget.js as served with these settings: its bytes, whose hash a portal's
    `integrity` attribute names, depend on nothing else (no date, no request)."""
    config = json.dumps(
        {
            "origins": list(settings.web_allowed_origins),
            "label": msg.WEB_WIDGET_BUTTON,
            "title": msg.web_title(settings.ward_name),
            "close": msg.WEB_WIDGET_CLOSE,
            "unread": msg.WEB_WIDGET_UNREAD,
            "failed": msg.web_widget_failed(settings.ward_name, settings.ward_hotline),
            "retry": msg.WEB_WIDGET_RETRY,
            "hotline": settings.ward_hotline,
        },
        ensure_ascii=False,
    )
    return _asset("widget.js").replace("/*{{config}}*/null", config)


def integrity(script: str) -> str:
    """The Subresource Integrity value of `script` as served (UTF-8): sha384-..."""
    digest = hashlib.sha384(script.encode()).digest()
    return "sha384-" + base64.b64encode(digest).decode()


def _revalidated(
    request: Request, text: str, media_type: str, extra: dict[str, str] | None = None
) -> Response:
    """A file of the chat (`text`), checked with the bot at each use but sent again only
    when it changed: a browser that has this version (its ETag in If-None-Match) gets 304
    and no body. The widget loads on every page of the portal, the chat's script and style
    on every visit: on a phone's 3G they are not downloaded each time."""
    tag = f'"{hashlib.blake2b(text.encode(), digest_size=12).hexdigest()}"'
    headers = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache", "ETag": tag}
    headers.update(extra or {})
    held = request.headers.get("if-none-match", "")
    if tag in (t.strip().removeprefix("W/") for t in held.split(",")) or held.strip() == "*":
        return Response(status_code=304, headers=headers)
    return Response(text, media_type=f"{media_type}; charset=utf-8", headers=headers)


def _with_call(text: str, settings: Settings) -> str:
    """`text` as HTML, the ward's hotline in it a number to tap and call (as app.js draws
    it in messages, for a page on which no script runs)."""
    number = settings.ward_hotline
    if not number or number not in text:
        return html.escape(text)
    dial = re.sub(r"[^0-9+]", "", number)
    call = f'<a class="chat-call" href="tel:{dial}">{html.escape(number)}</a>'
    return call.join(html.escape(part) for part in text.split(number))


def _script_safe(data: str) -> str:
    """JSON text that can sit inside a <script> element: its <, > and & escaped."""
    return data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _cursor(text: str) -> int | None:
    """The cursor `text` names; None unless it is one (ASCII digits, not past MAX_CURSOR:
    anything else would fail in int() or in SQLite, as a 500 with a traceback)."""
    if not CURSOR.fullmatch(text):
        return None
    value = int(text)
    return value if value <= MAX_CURSOR else None


def _error(status: int, text: str, *, retry_after: int | None = None) -> JSONResponse:
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return JSONResponse({"error": text}, status_code=status, headers=headers)
