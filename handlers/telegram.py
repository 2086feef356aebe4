"""The Telegram channel: python-telegram-bot v22 in front of the conversation core.

Polling by default; a webhook at PUBLIC_URL/telegram, served by the bot's own web
server, when PUBLIC_URL is set. This module only translates: Telegram updates into
`Conversation` calls, `Reply` objects into HTML messages with inline buttons.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import html
import json
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from telegram import (
    BotCommand,
    CallbackQuery,
    ChatMember,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import (
    AIORateLimiter,
    Application,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from handlers.base import AlertWay, Answerer, Part, Rendered, Send, send_parts, stop_line
from wardbot import messages as msg
from wardbot.config import ConfigError, Settings, setting_error
from wardbot.conversation import ChatLocks, Conversation
from wardbot.delivery import (
    REPLY_RETRY,
    ChatClosed,
    ChatMoved,
    ChatUnreachable,
    DeliveryError,
    Pace,
    PermanentError,
    ReplyRetry,
    RetryLater,
    TransientError,
)
from wardbot.inbox import Fate, Inbox
from wardbot.intents import COMMAND_NAMES
from wardbot.render import split_text, utf16_len
from wardbot.reply import MAX_ACTION_BYTES, Button, Reply
from wardbot.store import ChatRef
from wardbot.supervise import Outage
from wardbot.text import one_line
from wardbot.web import (
    STALE_AFTER,
    WEBHOOK_CHECK,
    Receiving,
    Recent,
    WebhookWatch,
    not_an_update,
    same_address,
    webhook_json,
)

log = logging.getLogger(__name__)

CHANNEL = "telegram"
WEBHOOK_PATH = "/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
MESSAGE_LIMIT = 4000  # Telegram allows 4096 UTF-16 units; leave room for its own counting
# Room for the title is kept in every part of a reply: a title longer than this (a pasted
# paragraph) is cut at a word, "…" marking the cut. Even all "&" (escaped five times as
# long) it leaves room for the text.
MAX_TITLE_CHARS = 600
# Seconds to wait for Telegram's answer: python-telegram-bot's default for conversations;
# longer for alerts, where giving up on a slow answer means sending the alert again.
READ_TIMEOUT = 5.0
ALERT_READ_TIMEOUT = 30.0
SEEN_MAX = 4096  # recent albums, and chats closed, kept in memory
# getUpdates refused (401/404): ask again after this wait, doubled each time, capped.
REFUSED_RETRY_FIRST = 5.0
REFUSED_RETRY_MAX = 300.0
# my_chat_member: the bot removed from the staff group, or its rights there changed.
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]
CHAT_GONE = ("chat not found", "user is deactivated", "bot was kicked", "peer_id_invalid")
# What Telegram answers a message into a forum topic it no longer takes: deleted, or closed
# (to a bot that may not post there).
TOPIC_GONE = ("message thread not found", "topic_deleted", "topic_id_invalid")
TOPIC_CLOSED = ("topic_closed",)
NON_TEXT = (
    filters.Sticker.ALL
    | filters.PHOTO
    | filters.VIDEO
    | filters.VOICE
    | filters.AUDIO
    | filters.ANIMATION
    | filters.Document.ALL
    | filters.LOCATION
    | filters.CONTACT
    | filters.VIDEO_NOTE
)


# --- rendering ----------------------------------------------------------------------


def _escaped_len(text: str) -> int:
    return utf16_len(html.escape(text, quote=False))


def _link(label: str, url: str) -> str:
    if url.startswith(("https://", "http://")):
        return f'<a href="{html.escape(url, quote=True)}">{html.escape(label, quote=False)}</a>'
    return html.escape(f"{label}: {url}", quote=False)


def render_html(reply: Reply, limit: int = MESSAGE_LIMIT) -> list[str]:
    """The reply as Telegram HTML messages, each within `limit`, split between paragraphs.

    Everything in the reply is escaped: it comes from staff files and residents.
    """
    title = one_line(reply.title or "", MAX_TITLE_CHARS)
    head = f"<b>{html.escape(title, quote=False)}</b>" if title else ""
    tail_blocks = []
    if reply.footer:
        tail_blocks.append(f"<i>{html.escape(reply.footer, quote=False)}</i>")
    if reply.links:
        tail_blocks.append("\n".join(_link(link.label, link.url) for link in reply.links))
    if reply.buttons_title and reply.buttons:
        tail_blocks.append(html.escape(reply.buttons_title, quote=False))
    tail = "\n\n".join(tail_blocks)
    budget = limit - utf16_len(head) - utf16_len(tail) - 4
    after: list[str] = []
    if budget < limit // 4:  # many links, say: they follow in messages of their own
        after, tail = _by_lines(tail, limit), ""
        budget = limit - utf16_len(head) - 4
    parts = [html.escape(p, quote=False) for p in split_text(reply.text, budget, _escaped_len)]
    parts = parts or [""]
    parts[0] = "\n\n".join(block for block in (head, parts[0]) if block)
    parts[-1] = "\n\n".join(block for block in (parts[-1], tail) if block)
    return [part for part in (*parts, *after) if part.strip()]


def _by_lines(rendered: str, limit: int) -> list[str]:
    """Rendered HTML in messages within `limit`, cut between lines (a link is one line)."""
    parts: list[str] = []
    for line in rendered.split("\n"):
        if parts and utf16_len(parts[-1]) + 1 + utf16_len(line) <= limit:
            parts[-1] += "\n" + line
        else:
            parts.append(line)
    return [part.strip("\n") for part in parts]


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """Reply.buttons as inline buttons, one per row (labels are questions, often long)."""
    kept = _sendable(reply.buttons)
    if len(kept) < len(reply.buttons):
        log.warning("button action longer than %d bytes dropped", MAX_ACTION_BYTES)
    rows = [[InlineKeyboardButton(b.label, callback_data=b.action)] for b in kept]
    return InlineKeyboardMarkup(rows) if rows else None


def _sendable(buttons: Sequence[Button]) -> list[Button]:
    """The buttons Telegram accepts (callback_data within 64 bytes)."""
    return [b for b in buttons if len(b.action.encode()) <= MAX_ACTION_BYTES]


def shown_buttons(replies: Sequence[Reply]) -> list[Button]:
    """The buttons the replies show, top to bottom: a number typed next picks among them."""
    return [button for reply in replies for button in _sendable(reply.buttons)]


def alert_html(replies: Sequence[Reply], after: int = 0) -> Rendered:
    """An alert's messages (handlers.base.AlertParts): the words each says (its HTML
    unescaped, where what the chat read of the alert is found), the buttons they show (not
    numbered: `after` changes nothing), and the HTML sent, which the alert is known by."""
    sent = [part for reply in replies for part in render_html(reply)]
    return [html.unescape(part) for part in sent], shown_buttons(replies), sent


async def _alert_failure(exc: Exception) -> DeliveryError | None:
    """What an alert refused by Telegram means for it and the chat (wardbot.outbox); None:
    not Telegram's refusal."""
    if not isinstance(exc, TelegramError):
        return None
    return delivery_error(exc) or TransientError(str(exc))


@dataclass
class _Places:
    """Where in a group the messages of one alert go (`TelegramChannel._where_open`): the
    places left to try, in turn (None: not looked up yet), and those that refused it."""

    left: list[int | None] | None = None
    tried: list[int | None] = field(default_factory=list)


# --- which group messages are for us ------------------------------------------------


def _mentions_bot(message: Message) -> bool:
    bot = message.get_bot()
    mentions = {
        **message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION]),
        **message.parse_caption_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION]),
    }
    for entity, text in mentions.items():
        if (
            entity.type == MessageEntity.MENTION
            and text[1:].lower() == (bot.username or "").lower()
        ):
            return True
        if entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot.id:
            return True
    return False


class _Addressed(filters.MessageFilter):
    """Private chats; in groups, only messages that mention the bot or reply to it."""

    def filter(self, message: Message) -> bool:
        return message.chat.type == ChatType.PRIVATE or addressed(message)


def addressed(message: Message) -> bool:
    """Whether a group message mentions the bot or replies to it."""
    replied = message.reply_to_message
    if replied and replied.from_user and replied.from_user.id == message.get_bot().id:
        return True
    return _mentions_bot(message)


class _CommandForUs(filters.MessageFilter):
    """A command addressed to this bot by name: '/lenh@ourbot'."""

    def filter(self, message: Message) -> bool:
        return command_addressee(message) == (message.get_bot().username or "").lower()


def command_addressee(message: Message) -> str | None:
    """The bot a command names ('/lenh@somebot': 'somebot', lower-cased), in a text or a
    photo's caption; None when the message is no command or names no bot."""
    kinds: list[str | None] = [MessageEntity.BOT_COMMAND]
    found = message.parse_entities(kinds) if message.text else message.parse_caption_entities(kinds)
    for entity, text in found.items():
        if entity.offset == 0:
            _, at, target = text.partition("@")
            return target.lower() if at else None
    return None


def _without_mention(message: Message) -> str:
    """The text (or a photo's caption) with '@ourbot' taken out: 'hi @ward_bot lịch tiếp
    dân' -> 'hi lịch tiếp dân'."""
    text = message.text or message.caption or ""
    username = (message.get_bot().username or "").lower()
    mentions = (
        message.parse_entities([MessageEntity.MENTION])
        if message.text is not None
        else message.parse_caption_entities([MessageEntity.MENTION])
    )
    for value in mentions.values():
        if value[1:].lower() == username:
            text = text.replace(value, " ", 1)
    return " ".join(text.split()) if text.strip() else text


# --- receiving ------------------------------------------------------------------------

NO_UPDATES = json.dumps({"ok": True, "result": []}).encode()
# getUpdates answers waited out (see _Polling), and what they mean.
_REFUSED: dict[int, str] = {
    HTTPStatus.UNAUTHORIZED: "token revoked, or a Telegram outage",
    HTTPStatus.NOT_FOUND: "token revoked, or a Telegram outage",
    # Two bots polling with one token: Telegram answers 409 to the one that asked first.
    HTTPStatus.CONFLICT: "another copy of the bot is running with this token: stop one",
}


def _readable(payload: bytes) -> bytes:
    """getUpdates' answer with each update python-telegram-bot cannot read (a field of a
    type it does not expect) replaced by an empty one of the same id, which moves the
    offset past it. Otherwise python-telegram-bot fails on the whole answer and asks again
    at once for the same update: no message came in after it, and every try logged the
    update (residents' words and names) with two tracebacks, a hundred times a second."""
    try:
        body = json.loads(payload)
    except ValueError:
        return payload
    updates = body.get("result") if isinstance(body, dict) else None
    if not isinstance(updates, list):
        return payload
    skipped = False
    for n, update in enumerate(updates):
        try:
            Update.de_json(update)
        except Exception as exc:
            key = update.get("update_id") if isinstance(update, dict) else None
            if type(key) is not int:  # no id to move the offset past: left as it came
                continue
            _unreadable(key, exc)
            updates[n] = {"update_id": key}
            skipped = True
    return json.dumps(body).encode() if skipped else payload


def _unreadable(key: int, exc: Exception) -> None:
    """One line for an update skipped: its id and the error's type only (the error's text
    may quote what the resident sent)."""
    log.warning("telegram: update %d cannot be read (%s); skipped", key, type(exc).__name__)


class _Polling(HTTPXRequest):
    """The getUpdates request: tells `receiving` how Telegram answers, and outlives refusals.

    python-telegram-bot takes a 401/404 from getUpdates for a revoked token and stops
    polling for good, while the process looks alive. Telegram answers so for a moment in
    outages too; and 409 while another copy of the bot polls with the token. Here a refusal
    is logged (as an outage: once, then every 10 min), waited out (5 s, doubling up to 5
    min) and handed on as "no updates", so the polling loop simply asks again.
    """

    def __init__(
        self, retry_first: float, retry_max: float, receiving: Receiving, outage: Outage
    ) -> None:
        super().__init__(connection_pool_size=1)  # python-telegram-bot's own for getUpdates
        self.retry_first = retry_first
        self.retry_max = retry_max
        self.receiving = receiving
        self.outage = outage  # polls failing or refused, told in the log
        self.closing = asyncio.Event()  # set while stopping: no more waiting
        self._retry = retry_first

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        try:
            code, payload = await super().do_request(*args, **kwargs)
        except TelegramError as exc:  # no connection, a timeout
            if not self.closing.is_set():
                raise
            return self._stopping(one_line(str(exc), 200))
        if code != HTTPStatus.OK and self.closing.is_set():
            return self._stopping(f"HTTP {code}")
        why = _REFUSED.get(code)
        if why is None:
            if code == HTTPStatus.OK:
                self.receiving.answered()
                self.outage.ended()
                self._retry = self.retry_first
                payload = _readable(payload)
            return code, payload
        self.receiving.failed()
        wait, self._retry = self._retry, min(self._retry * 2, self.retry_max)
        self.outage.failed(
            f"getUpdates refused ({code}; {why}); asking again in {wait:.0f} s", logging.ERROR
        )
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.closing.wait(), wait)
        return HTTPStatus.OK, NO_UPDATES

    def _stopping(self, why: str) -> tuple[int, bytes]:
        """The bot stops while getUpdates fails (an outage): its last one, which tells
        Telegram which updates were taken, in one line, where python-telegram-bot logged an
        error with a traceback. Those updates come again at the next start: the inbox
        answers each once."""
        log.info("telegram: getUpdates failed while stopping (%s); nothing is lost", why)
        return HTTPStatus.OK, NO_UPDATES


class _Requests(HTTPXRequest):
    """Every other Bot API request: notes whether Telegram refuses the token (401/404).

    In webhook mode no getUpdates shows a revoked token: Telegram still posts updates and
    refuses every answer. Refused until a request is answered again, for /healthz.
    """

    def __init__(self, read_timeout: float) -> None:
        super().__init__(read_timeout=read_timeout)
        self.refused = False

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        code, payload = await super().do_request(*args, **kwargs)
        if code in (HTTPStatus.UNAUTHORIZED, HTTPStatus.NOT_FOUND):
            if not self.refused:
                log.error(
                    "telegram: Telegram refused TELEGRAM_BOT_TOKEN (%d): was it revoked? "
                    "copy the current one from @BotFather (/token) and restart the bot",
                    code,
                )
            self.refused = True
        elif code == HTTPStatus.OK:
            self.refused = False
        return code, payload


# --- the channel ----------------------------------------------------------------------


def _seconds(value: float | dt.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


def delivery_error(exc: Exception) -> DeliveryError | None:
    """What a failed send means (None: not a Telegram failure)."""
    if isinstance(exc, RetryAfter):
        return RetryLater(_seconds(exc.retry_after), str(exc))
    if isinstance(exc, Forbidden):  # blocked by the user, kicked from the group
        return ChatUnreachable(str(exc))
    if isinstance(exc, ChatMigrated):  # a group upgraded to a supergroup: a new id
        return ChatMoved(str(exc.new_chat_id), str(exc))
    if isinstance(exc, BadRequest):
        if any(gone in str(exc).lower() for gone in CHAT_GONE):
            return ChatUnreachable(str(exc))
        return PermanentError(str(exc))
    if isinstance(exc, TelegramError):  # network trouble, timeouts, Telegram's 5xx
        return TransientError(str(exc))
    return None


def topic_refused(exc: BadRequest) -> bool:
    """Whether Telegram refused a message for its forum topic (deleted or closed)."""
    text = str(exc).lower()
    return any(word in text for word in (*TOPIC_GONE, *TOPIC_CLOSED))


def _topic_closed(exc: BadRequest) -> bool:
    """Whether Telegram refused a message for its forum topic being closed (to a bot that
    is no administrator of the group), not deleted."""
    return any(word in str(exc).lower() for word in TOPIC_CLOSED)


def _topic(message: object) -> int | None:
    """The forum topic `message` is in (None: a chat without topics, or its General
    topic), where what answers it goes: every message of the answer, not only the first,
    which quotes the question."""
    if isinstance(message, Message) and message.is_topic_message:
        return message.message_thread_id
    return None


async def stop_spinner(query: CallbackQuery, where: str) -> None:
    """Answer a button press (its spinner stops). Too old to answer, or a moment of
    outage: logged, and the press is still acted on (never taken for another's)."""
    try:
        await query.answer()
    except TelegramError as exc:
        log.info("%s: could not answer a button press: %s", where, exc)


def _chat_of(update: Update) -> str:
    chat = update.effective_chat
    return str(chat.id) if chat is not None else ""


class _KeptUpdates(asyncio.Queue[object]):
    """The application's update queue, where an update goes only once the inbox holds it.

    python-telegram-bot tells Telegram a polled update arrived (the next getUpdates'
    offset) as soon as it is queued, and the webhook answers 200 then: a bot killed before
    handling it would lose it. Queued here, it is in the database first, and handled at
    the next start if need be; one Telegram sends again is dropped."""

    def __init__(self, inbox: Inbox) -> None:
        super().__init__()
        self.inbox = inbox

    async def put(self, item: object) -> None:
        if isinstance(item, Update):
            key = str(item.update_id)
            fate = await self.inbox.keep(key, _chat_of(item), item.to_json())
            if fate is Fate.REPEAT:
                log.debug("telegram: a repeated update dropped")
                return
        await super().put(item)

    async def replay(self, update: Update) -> None:
        """An update the inbox held from before a stop: handled like a new one."""
        await super().put(update)


_NO_LIMIT = 2**31 - 1  # updates held at once (each a small task) before their turn


class _InChatOrder(BaseUpdateProcessor):
    """Up to `max_concurrent_updates` updates handled at once, but one chat's one after
    another, in the order they came: a handler may await the store before it takes the
    chat's turn (a sticker asks whether the chat's messages go to staff), and a question
    sent after it must not be answered first. The same rule as handlers.intake's for Zalo.
    An update takes one of the places only in its chat's turn: a burst from one chat (a
    hundred messages forwarded at once) waiting for its turn holds none, where the other
    chats' updates would have waited behind it."""

    def __init__(self, max_concurrent_updates: int) -> None:
        # python-telegram-bot's own limit is taken before `do_process_update`, in no
        # chat's turn: it is left unbounded, and the places are counted here instead.
        super().__init__(_NO_LIMIT)
        self._chats = ChatLocks()
        self._places = asyncio.Semaphore(max_concurrent_updates)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:  # not of one chat (a poll's answer): in no chat's line
            async with self._places:
                await coroutine
            return
        async with self._chats.hold(chat.id), self._places:  # in the order they came
            await coroutine

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


class _Application(Application[Any, Any, Any, Any, Any, Any]):
    """An Application that takes each update off the inbox once it is handled."""

    inbox: Inbox | None = None

    async def process_update(self, update: object) -> None:
        await super().process_update(update)
        if isinstance(update, Update) and self.inbox is not None:
            await self.inbox.done(str(update.update_id))


class TelegramChannel:
    """One Telegram bot serving the conversation. `start()` / `stop()` from wardbot.app."""

    name = CHANNEL
    # Telegram allows about 30 messages a second overall; a little less leaves room for
    # answers to residents. One message a second per chat.
    pace = Pace(per_second=29.0, per_chat_interval=1.0)

    def __init__(
        self,
        settings: Settings,
        conversation: Conversation,
        *,
        poll_timeout: float = 10.0,
        read_timeout: float = READ_TIMEOUT,
        alert_read_timeout: float = ALERT_READ_TIMEOUT,
        refused_retry: float = REFUSED_RETRY_FIRST,
        refused_retry_max: float = REFUSED_RETRY_MAX,
        stale_after: float = STALE_AFTER,
        clock: Callable[[], float] = time.monotonic,
        webhook_check: float = WEBHOOK_CHECK,
        wall_clock: Callable[[], float] = time.time,
        reply_retry: ReplyRetry = REPLY_RETRY,
    ) -> None:
        if not settings.telegram_token:
            raise ConfigError("TELEGRAM_BOT_TOKEN is not set")
        self.settings = settings
        self.conversation = conversation
        self.webhook_mode = bool(settings.public_url)
        self.poll_timeout = poll_timeout
        self.read_timeout = read_timeout
        self.alert_read_timeout = alert_read_timeout
        self.reply_retry = reply_retry
        # Answered lately, and the last poll did not fail (refused, a 5xx, no connection).
        self.receiving = Receiving(stale_after, clock)
        # Webhook mode: why Telegram's updates do not reach the bot, if they do not (as
        # getWebhookInfo tells), and when the last one did (Telegram's clock: Unix time).
        self.wall_clock = wall_clock
        self._received_at = wall_clock()
        self._webhook = WebhookWatch(CHANNEL, self._look_at_webhook, webhook_check)
        self._polling = _Polling(
            refused_retry, refused_retry_max, self.receiving, Outage(CHANNEL, log, clock=clock)
        )
        # A resident who blocked the bot cannot be told anything (python-telegram-bot's
        # Forbidden): noted, not apologised for. Residents type "2" under buttons too: it
        # presses the second.
        self.answerer = Answerer(
            CHANNEL, conversation, settings, counted=True, quiet=(Forbidden,), now=wall_clock
        )
        self.inbox = Inbox(conversation.store, CHANNEL)
        self._queue = _KeptUpdates(self.inbox)
        self._replayed = False
        # Albums (several photos or files sent at once, a message each) already answered:
        # their other messages get no answer of their own.
        self._albums = Recent(SEEN_MAX)
        # Groups whose every place refused a reply (closed to the bot): logged once.
        self._closed_chats: set[str] = set()
        self._requests = _Requests(read_timeout)
        builder = (
            Application.builder()
            .application_class(_Application)
            .update_queue(self._queue)
            .token(settings.telegram_token)
            .base_url(settings.telegram_base_url)
            .concurrent_updates(_InChatOrder(32))
            .request(self._requests)
            .rate_limiter(AIORateLimiter(max_retries=3))
        )
        if self.webhook_mode:
            builder = builder.updater(None)  # our own web server receives the updates
        else:
            builder = builder.get_updates_request(self._polling)
        self.application = builder.build()
        if isinstance(self.application, _Application):
            self.application.inbox = self.inbox
        self._add_handlers()

    # --- lifecycle ------------------------------------------------------------------

    def routes(self) -> list[BaseRoute]:
        """What this channel adds to the bot's web server."""
        return [Route(WEBHOOK_PATH, self.webhook, methods=["POST"])] if self.webhook_mode else []

    async def start(self) -> None:
        app = self.application
        try:
            await app.initialize()
        except InvalidToken as exc:
            raise setting_error(
                "TELEGRAM_BOT_TOKEN",
                "Telegram từ chối mã bot này: hãy chép lại mã từ @BotFather (lệnh /token)",
            ) from exc
        except NetworkError as exc:
            raise ConnectionError(
                f"cannot reach the Telegram Bot API ({self.settings.telegram_base_url}): {exc}"
            ) from exc
        await self._set_commands()
        if not self._replayed:  # what a stopped bot left: once, before anything new
            for key, payload in await self.inbox.left_over():
                try:
                    update = Update.de_json(json.loads(payload), app.bot)
                except (ValueError, TypeError, KeyError, AttributeError):  # another version's
                    log.warning("telegram: a message a stop left cannot be read; dropped")
                    await self.inbox.done(key)
                    continue
                await self._queue.replay(update)
            self._replayed = True
        await app.start()
        if self.webhook_mode:
            await app.bot.set_webhook(
                url=f"{self.settings.public_url}{WEBHOOK_PATH}",
                secret_token=self.settings.telegram_webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
            )
            log.info("telegram: webhook set at %s%s", self.settings.public_url, WEBHOOK_PATH)
            self._received_at = self.wall_clock()
            self._webhook.start()
        elif app.updater is not None:
            self._polling.closing.clear()
            self.receiving.restart()
            await app.updater.start_polling(
                timeout=dt.timedelta(seconds=self.poll_timeout),
                allowed_updates=ALLOWED_UPDATES,
                error_callback=self._poll_failed,
            )
            log.info("telegram: polling as @%s", app.bot.username)

    def _poll_failed(self, exc: TelegramError) -> None:
        """A getUpdates python-telegram-bot asks again (a 5xx, no connection): one line per
        outage and a few while it lasts, where its own logged a traceback at each retry,
        every 30 s at most, all night long. Not receiving until a poll is answered, as on
        Zalo: /healthz said Telegram was well for the first 2 minutes of an outage."""
        self.receiving.failed()
        self._polling.outage.failed(f"getUpdates failed ({one_line(str(exc), 200)}); asking again")

    async def stop_receiving(self) -> None:
        """No more getUpdates (what residents send meanwhile waits with Telegram for the
        next start); replies and alerts still go."""
        app = self.application
        self._polling.closing.set()
        await self._webhook.stop()
        if app.updater is not None and app.updater.running:
            await app.updater.stop()

    async def stop(self) -> None:
        app = self.application
        await self.stop_receiving()
        if app.running:
            await app.stop()
        with contextlib.suppress(RuntimeError):  # never initialized
            await app.shutdown()
        await self.inbox.flush()  # what a lock kept there, handled: not again at the next start

    def address(self) -> str | None:
        """The bot's t.me link, once Telegram has said its username."""
        try:
            username = self.application.bot.username
        except RuntimeError:  # not initialized yet
            return None
        return f"https://t.me/{username}" if username else None

    def is_running(self) -> bool:
        """Up and receiving: polling gets answers (webhook mode: the application runs), and
        Telegram did not refuse the token in the latest answer to a request."""
        updater = self.application.updater
        if not self.application.running or self._requests.refused or self._webhook.trouble:
            return False
        return updater is None or (updater.running and self.receiving.ok())

    async def _set_commands(self) -> None:
        # /hoicanbo only where ward staff answer it (STAFF_CHAT_ID set up).
        offered = msg.commands(self.settings.ward_name, staff=self.conversation.desk is not None)
        commands = [BotCommand(name, about) for name, about in offered]
        try:
            await self.application.bot.set_my_commands(commands)
        except TelegramError as exc:  # the bot works without its menu
            log.warning("telegram: could not set the command menu: %s", exc)

    # --- webhook --------------------------------------------------------------------

    async def _look_at_webhook(self) -> str | None:
        """What keeps Telegram's updates from the webhook, as getWebhookInfo tells: it is
        no longer ours (another copy of the bot, polling with the token, removes it), or
        Telegram has failed to post since the last update came."""
        ours = f"{self.settings.public_url}{WEBHOOK_PATH}"
        info = await self.application.bot.get_webhook_info()
        failed_at = info.last_error_date
        if not same_address(info.url, ours):
            return (
                "the webhook is no longer set (is another copy of the bot polling with "
                "this token?); restart this bot to set it again"
            )
        if failed_at and failed_at.timestamp() > self._received_at and info.pending_update_count:
            return (
                f"Telegram cannot post updates to {ours}: {info.last_error_message} "
                f"({info.pending_update_count} waiting)"
            )
        return None

    async def webhook(self, request: Request) -> Response:
        """POST /telegram: an update from Telegram, trusted only with the right secret."""
        data = await webhook_json(
            request,
            secret=self.settings.telegram_webhook_secret,
            header=SECRET_HEADER,
            channel=CHANNEL,
        )
        if isinstance(data, Response):
            return data
        if not isinstance(data, dict) or type(data.get("update_id")) is not int:
            return not_an_update(CHANNEL)
        try:
            update = Update.de_json(data, self.application.bot)
        except Exception as exc:  # a field's type, a date past Python's: as _readable
            # Taken (200), as when polling: refused, Telegram would post it again and again,
            # the updates after it waiting meanwhile.
            _unreadable(data["update_id"], exc)
            return Response(status_code=200)
        self._received_at = self.wall_clock()
        await self.application.update_queue.put(update)  # kept in the inbox first
        return Response(status_code=200)

    # --- handlers -------------------------------------------------------------------

    def _add_handlers(self) -> None:
        new = filters.UpdateType.MESSAGE
        app = self.application
        app.add_handler(MessageHandler(new & filters.StatusUpdate.MIGRATE, self._on_migrate))
        app.add_handler(CommandHandler(sorted(COMMAND_NAMES), self._on_text, filters=new))
        # Unknown commands get a hint in private, and in groups when addressed to this bot
        # by name (others may be for another bot).
        ours = filters.ChatType.PRIVATE | _CommandForUs()
        app.add_handler(MessageHandler(new & filters.COMMAND & ours, self._on_text))
        app.add_handler(
            MessageHandler(new & filters.TEXT & ~filters.COMMAND & _Addressed(), self._on_text)
        )
        # A photo with a question typed under it: the question is answered.
        app.add_handler(
            MessageHandler(new & NON_TEXT & filters.CAPTION & _Addressed(), self._on_text)
        )
        app.add_handler(MessageHandler(new & NON_TEXT & _Addressed(), self._on_non_text))
        # Anything else with nothing to read in a private chat (a dice, a shared story, a
        # poll, a kind Telegram adds later): the same request, never silence.
        private = filters.ChatType.PRIVATE
        nothing_typed = ~filters.TEXT & ~filters.CAPTION & ~filters.StatusUpdate.ALL
        app.add_handler(MessageHandler(new & private & nothing_typed, self._on_non_text))
        # A message edited in a private chat (a command's typo fixed) is answered again; in
        # groups edits are chatter corrected, and a live location sends edits by the minute.
        edited = filters.UpdateType.EDITED_MESSAGE & filters.ChatType.PRIVATE
        app.add_handler(MessageHandler(edited & (filters.TEXT | filters.CAPTION), self._on_text))
        app.add_handler(CallbackQueryHandler(self._on_button))
        # The bot added to a group again (not the staff group: its handlers take that).
        app.add_handler(ChatMemberHandler(self._on_added, ChatMemberHandler.MY_CHAT_MEMBER))
        app.add_error_handler(self._on_error)

    async def _on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A command or a question (typed, or under a photo): ask the conversation, send
        what it says."""
        message = update.effective_message
        if message is None:
            return
        typed = message.text if message.text is not None else message.caption
        if typed is None:
            return
        chat = message.chat
        private = chat.type == ChatType.PRIVATE
        text = typed if private else _without_mention(message)
        quote = None if private else message.message_id  # in a group: whose question
        thread = _topic(message)

        async def typing() -> None:
            with contextlib.suppress(TelegramError):
                await context.bot.send_chat_action(
                    chat.id, ChatAction.TYPING, message_thread_id=thread
                )

        user = message.from_user
        ref = ChatRef(
            CHANNEL, str(chat.id), private=private, thread=thread, message=str(message.message_id)
        )
        await self._note_topic(ref)
        # Under a photo or a file: the resident is told it went unseen (not to staff either).
        note = []
        if message.text is None:
            self._album_answered(message)
            note = [Reply(await self.conversation.attachment_note(ref, typed=True))]

        edited = update.edited_message is not None

        async def send(replies: Sequence[Reply]) -> list[Button]:
            if edited and not replies:
                return []  # an edit staff had the words of already: nothing to say of it
            await self.send(chat.id, [*note, *replies], quote=quote, thread=thread)
            return shown_buttons(replies)

        await self.answerer.text(
            ref,
            text,
            send,
            sender=str(user.id) if user else None,
            typing=typing,
            edit=edited,
            # Someone else's words (a notice, a rumour): never taken for the resident's own.
            forwarded=message.forward_origin is not None,
            sent_at=(message.edit_date or message.date).timestamp(),
            attached=message.text is None,
        )

    async def _on_non_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A sticker, photo, voice message...: ask for a typed question (in a group, quoting
        it: whose it was, and in its topic); a sticker right after an answer may say thanks
        (Conversation.reads_sticker)."""
        message = update.effective_message
        if message is not None and not self._album_answered(message):
            chat = message.chat
            private = chat.type == ChatType.PRIVATE
            ref = ChatRef(CHANNEL, str(chat.id), private=private)
            quote = None if private else message.message_id
            sender = self._sender(chat.id, quote=quote, thread=_topic(message))
            sent_at = message.date.timestamp()
            # A sticker's emoji ("👍" under an answer: thanks) says what typing it would.
            emoji = message.sticker.emoji if message.sticker is not None else None
            user = str(message.from_user.id) if message.from_user else None
            if emoji and self.conversation.reads_sticker(ref, emoji, user):
                await self.answerer.text(ref, emoji, sender, sender=user, sent_at=sent_at)
                return
            voice, sticker = message.voice is not None, message.sticker is not None
            await self.answerer.unread(
                ref, sender, voice=voice, sticker=sticker, sender=user, sent_at=sent_at
            )

    async def _note_topic(self, chat: ChatRef) -> None:
        """A group wrote to the bot from a forum topic: where its alerts may go when both
        the topic it subscribed from and General are closed to the bot (deliver)."""
        if chat.thread is None or chat.private:
            return
        try:
            await self.conversation.store.note_thread(chat, chat.thread)
        except Exception as exc:  # a read-only data folder: only that fallback is missed
            log.debug("telegram: a group's topic is not written down: %s", exc)

    def _album_answered(self, message: Message) -> bool:
        """Whether the message is one of an album (two ID-card photos sent at once: a
        message each) of which another was answered already; notes that one was now. The
        resident gets one request to type for the album, or only the answer to the
        question typed under one of its photos."""
        album = message.media_group_id
        return album is not None and self._albums.seen(f"{message.chat.id}:{album}")

    async def _on_migrate(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A group upgraded to a supergroup (a new id; Telegram says so in both): what it
        follows moves there now, not at its next alert, so that /mysubs, /unsubscribe and
        /forget in the supergroup see it. In the new id's turn: before its next message."""
        message = update.effective_message
        if message is None:
            return
        if message.migrate_to_chat_id:
            old, new = message.chat.id, message.migrate_to_chat_id
        elif message.migrate_from_chat_id:
            old, new = message.migrate_from_chat_id, message.chat.id
        else:
            return
        store = self.conversation.store
        async with self.answerer.locks.hold(str(new)):
            try:
                moved = await store.move_chat(ChatRef(CHANNEL, str(old)), str(new), time.time())
            except Exception:  # the outbox still moves it at its next alert
                log.exception("telegram: could not move a group upgraded to a supergroup")
                return
        log.info("telegram: a group moved to a new id; %d waiting message(s) follow it", moved)

    async def _on_added(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The bot added back to a group it was removed from. An alert refused there
        meanwhile stopped the topics the group followed (nothing of them is kept): staff
        are told so there, not left waiting for alerts that never come."""
        change = update.my_chat_member
        if change is None or change.chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP):
            return
        gone = (ChatMember.LEFT, ChatMember.BANNED)
        if change.old_chat_member.status not in gone or change.new_chat_member.status in gone:
            return
        ref = ChatRef(CHANNEL, str(change.chat.id), private=False)
        try:
            if not await self.conversation.store.is_unreachable(ref):
                return  # what it follows goes on
        except Exception as exc:  # only the note is missed
            log.warning("telegram: a group the bot was added back to is not looked up: %s", exc)
            return
        note = Reply(msg.group_back_unsubscribed(self.settings.ward_name))
        await self.answerer.say(ref, [note], self._sender(change.chat.id))

    def _sender(self, chat_id: int, *, quote: int | None = None, thread: int | None = None) -> Send:
        async def send(replies: Sequence[Reply]) -> list[Button]:
            await self.send(chat_id, replies, quote=quote, thread=thread)
            return shown_buttons(replies)

        return send

    async def _on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """An inline button: stop its spinner, then act and answer (or update the message)."""
        query = update.callback_query
        chat = update.effective_chat
        if query is None or chat is None:
            return
        await stop_spinner(query, CHANNEL)
        pressed = query.message
        # In a group with topics, what the press sends goes to the pressed message's topic.
        thread = _topic(pressed)

        async def send(replies: Sequence[Reply]) -> list[Button]:
            for reply in replies:
                edited = (
                    reply.replace
                    and isinstance(pressed, Message)
                    and await self._edit(pressed, reply)
                )
                if not edited:
                    await self.send(chat.id, [reply], thread=thread)
            return shown_buttons(replies)

        ref = ChatRef(CHANNEL, str(chat.id), private=chat.type == ChatType.PRIVATE, thread=thread)
        await self._note_topic(ref)
        await self.answerer.action(
            ref,
            query.data or "",
            send,
            sender=str(query.from_user.id),
        )

    async def _edit(self, message: Message, reply: Reply) -> bool:
        parts = render_html(reply)
        if len(parts) != 1:
            return False
        try:
            await message.edit_text(
                parts[0],
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard(reply),
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return True
            log.info("telegram: could not edit a message (%s); sending a new one", exc)
            return False
        except Forbidden:  # blocked: nothing new can go either
            raise
        except TelegramError as exc:  # a 5xx, a timeout: a new message, retried, says it
            log.info("telegram: could not edit a message (%s); sending a new one", exc)
            return False
        return True

    async def send(
        self,
        chat_id: int | str,
        replies: Sequence[Reply],
        *,
        quote: int | None = None,
        thread: int | None = None,
    ) -> None:
        """Send replies to a chat (into forum topic `thread`, if given): each as one or
        more HTML messages, buttons on the last; each message retried briefly on temporary
        failures (`self.reply_retry`). A topic Telegram refuses (closed to the bot, or
        deleted meanwhile): what did not go there goes to General, a closed one's saying
        why, as an alert does (`deliver`), rather than nowhere."""
        parts = self._messages(
            chat_id, replies, quote=quote, thread=thread, read_timeout=self.read_timeout
        )
        sent = 0

        def counted(part: Part) -> Part:
            async def send() -> object:
                nonlocal sent
                result = await part()
                sent += 1
                return result

            return send

        try:
            await send_parts([counted(send) for _, send in parts], delivery_error, self.reply_retry)
        except BadRequest as exc:
            if thread is None and _topic_closed(exc):  # asked in General, closed since
                raise self._closed(chat_id, exc) from exc
            if thread is None or not topic_refused(exc):
                raise
            log.info("telegram: a forum topic refused a reply (%s); it goes to General", exc)
            # Not quoting the question: a reply to a message in the topic lands there. Part
            # of the reply in the topic already (closed meanwhile): the rest, without a note.
            why = _topic_closed(exc) and not sent
            note = [Reply(msg.topic_closed_answered_here())] if why else []
            general = self._messages(chat_id, [*note, *replies], read_timeout=self.read_timeout)
            general = general[: len(note)] + general[len(note) + sent :]
            try:
                await send_parts([send for _, send in general], delivery_error, self.reply_retry)
            except BadRequest as again:
                if not _topic_closed(again):
                    raise
                raise self._closed(chat_id, again) from again
        self._closed_chats.discard(str(chat_id))

    def _closed(self, chat_id: int | str, exc: BadRequest) -> ChatClosed:
        """A group where the reply's topic and General are both closed to the bot (no
        administrator there): the reply is dropped, not retried, and the resident cannot
        be told. One line in the log per group while it stays so (the Answerer neither
        logs it again nor tries an apology, which would be refused the same way)."""
        key = str(chat_id)
        if key not in self._closed_chats:
            if len(self._closed_chats) >= SEEN_MAX:
                self._closed_chats.clear()
            self._closed_chats.add(key)
            log.warning(
                "telegram: a group's topics and General are closed to the bot (%s): its "
                "replies there are dropped until one is opened or the bot made an "
                "administrator",
                exc,
            )
        return ChatClosed(key, "every place of the group is closed")

    def _messages(
        self,
        chat_id: int | str,
        replies: Sequence[Reply],
        *,
        quote: int | None = None,
        thread: int | None = None,
        read_timeout: float,
    ) -> list[tuple[str, Part]]:
        """Each message's text and sendMessage, for handlers.base.send_parts: the first
        quotes `quote` (in a group: whose question), each reply's last carries its
        buttons."""
        bot = self.application.bot
        messages: list[tuple[str, Part]] = []
        for reply in replies:
            parts = render_html(reply)
            for number, part in enumerate(parts, 1):
                send = functools.partial(
                    bot.send_message,
                    chat_id,
                    part,
                    parse_mode=ParseMode.HTML,
                    reply_markup=keyboard(reply) if number == len(parts) else None,
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                    reply_parameters=ReplyParameters(quote, allow_sending_without_reply=True)
                    if quote
                    else None,
                    message_thread_id=thread,
                    disable_notification=reply.silent or None,
                    read_timeout=read_timeout,
                )
                messages.append((part, send))
                quote = None
        return messages

    # --- alerts (wardbot.outbox) -----------------------------------------------------

    async def deliver(self, chat_id: str, replies: Sequence[Reply]) -> None:
        """Push replies to a chat for the alert sender, with failures as it understands
        them (handlers.base.Answerer.push_alert); in a group, where it takes alerts
        (`_where_open`)."""
        target: int | str = int(chat_id) if chat_id.lstrip("-").isdigit() else chat_id
        places = _Places()

        def messages(some: Sequence[Reply], _: Sequence[str]) -> list[Part]:
            # A slow answer is waited for: a message given up on may still arrive, and the
            # retry would send it twice.
            sends = self._messages(target, some, read_timeout=self.alert_read_timeout)
            return [
                functools.partial(self._where_open, chat_id, target, places, send)
                for _, send in sends
            ]

        way = AlertWay(
            render=alert_html,
            messages=messages,
            classify=delivery_error,
            failure=_alert_failure,
            retry=self.reply_retry,
        )
        await self.answerer.push_alert(chat_id, self._for_group(chat_id, replies), way)

    async def _where_open(
        self,
        chat_id: str,
        target: int | str,
        places: _Places,
        send: Callable[..., Awaitable[object]],
    ) -> object:
        """One message of an alert into the group's place for it: in a group with forum
        topics, the topic it subscribed from; that one refused (closed to the bot, or
        deleted), General; General closed too, the topic it last wrote to the bot from.
        Each is tried once an alert, the one that took its last message first; ChatClosed
        when none takes it."""
        chat = ChatRef(CHANNEL, chat_id)
        if places.left is None:
            thread = await self._stored_thread(self.conversation.store.alerts_thread, chat)
            places.left = list(dict.fromkeys([thread, None]))
        while places.left:
            place = places.left[0]
            try:
                return await send(message_thread_id=place)
            except BadRequest as exc:
                if not topic_refused(exc) or (place is None and not _topic_closed(exc)):
                    raise
                if place is not None:
                    await self._topic_refused(chat_id, place, exc)
                places.tried.append(places.left.pop(0))
                if place is None:  # General is closed: an open topic, if one is known
                    seen = await self._stored_thread(self.conversation.store.seen_thread, chat)
                    if seen is not None and seen not in (*places.tried, *places.left):
                        places.left.append(seen)
        raise ChatClosed(await self._title(target), "every place of the group is closed")

    async def _title(self, target: int | str) -> str:
        """A group's title, for staff (its id when Telegram does not say)."""
        try:
            chat = await self.application.bot.get_chat(target, read_timeout=self.read_timeout)
        except TelegramError as exc:
            log.debug("telegram: a group's title is not known: %s", exc)
            return str(target)
        return chat.title or str(target)

    def _for_group(self, chat_id: str, replies: Sequence[Reply]) -> Sequence[Reply]:
        """Pushed replies as the chat reads them: in a group (Telegram's group ids are
        negative, a person's chat's positive), how to stop its alerts says that staff do
        it (others typing it are refused)."""
        if not chat_id.startswith("-"):
            return replies
        line = msg.alert_stop_in_group(self.settings.ward_name, None, mention=False)
        return stop_line(replies, line)

    @staticmethod
    async def _stored_thread(
        read: Callable[[ChatRef], Awaitable[int | None]], chat: ChatRef
    ) -> int | None:
        """A forum topic of a group as the database has it (`read`: Store.alerts_thread,
        Store.seen_thread); None when it has none, or cannot be read (General, where
        alerts went before topics were kept)."""
        try:
            return await read(chat)
        except Exception as exc:
            log.debug("telegram: a forum topic of a group is not known: %s", exc)
            return None

    async def _topic_refused(self, chat_id: str, thread: int, exc: BadRequest) -> None:
        """Telegram refused a topic of a group's alerts: deleted (forgotten: its alerts go
        to General from now on) or closed (tried again next time: staff may reopen it)."""
        deleted = not _topic_closed(exc)
        log.info(
            "telegram: a group's alert topic is %s (%s); the alert goes elsewhere",
            "gone" if deleted else "closed",
            exc,
        )
        if not deleted:
            return
        try:
            await self.conversation.store.forget_thread(ChatRef(CHANNEL, chat_id), thread)
        except Exception as exc:  # tried, refused and sent to General again next time
            log.debug("telegram: a deleted alert topic is not forgotten: %s", exc)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The one error handler: log it, and tell the resident politely if we still can."""
        error = context.error
        if isinstance(error, Forbidden):
            log.info("telegram: a chat blocked the bot or removed it: %s", error)
            return
        log.error("telegram: failed to handle an update", exc_info=error)
        if not isinstance(update, Update) or update.effective_chat is None:
            return
        s = self.settings
        with contextlib.suppress(TelegramError):  # plain text: nothing to parse, nothing to fail
            await context.bot.send_message(
                update.effective_chat.id, msg.error(s.ward_name, s.ward_hotline)
            )
