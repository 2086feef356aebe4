"""The Zalo Bot Platform channel: the Bot API (handlers/zalo_api.py) in front of the
conversation core.

Long polling by default; a webhook at PUBLIC_URL/zalo, served by the bot's own web server,
when PUBLIC_URL is set. Zalo bots have no buttons, so a reply's buttons become numbered
lines and the resident types the number: the channel remembers, per chat, the list it
showed last. It also implements wardbot.delivery.Deliverer for alerts.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import re
import secrets
import time
import unicodedata
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from handlers.base import (
    AlertWay,
    Answerer,
    Rendered,
    Send,
    answer_parts,
    send_parts,
    stop_line,
    under_attachment,
)
from handlers.intake import Intake
from handlers.zalo_api import (
    DEFAULT_TIMEOUT,
    BadRequest,
    Forbidden,
    InvalidToken,
    NotFound,
    TooManyRequests,
    Unavailable,
    ZaloBotApi,
    ZaloError,
)
from wardbot import messages as msg
from wardbot.alerts import BACK_AFTER
from wardbot.channels import zalo_secret_error, zalo_secret_fits
from wardbot.config import ConfigError, Settings, setting_error
from wardbot.conversation import Conversation
from wardbot.delivery import (
    REPLY_RETRY,
    ChatUnreachable,
    DeliveryError,
    Pace,
    PermanentError,
    ReplyRetry,
    RetryLater,
    TransientError,
)
from wardbot.inbox import Inbox
from wardbot.outbox import MAX_BACKOFF
from wardbot.per_chat import LastPerChat
from wardbot.render import numbered, numbered_buttons, plain_text, split_text, utf16_len
from wardbot.reply import Button, Reply
from wardbot.store import ChatRef
from wardbot.supervise import Outage
from wardbot.web import (
    STALE_AFTER,
    WEBHOOK_CHECK,
    Receiving,
    WebhookWatch,
    not_an_update,
    same_address,
    webhook_json,
)

log = logging.getLogger(__name__)

CHANNEL = "zalo"
WEBHOOK_PATH = "/zalo"
SECRET_HEADER = "X-Bot-Api-Secret-Token"  # noqa: S105 - a header name
# Zalo allows 2000 characters. Its counting is undocumented: measure in UTF-16 units (an
# emoji counts twice, as in Java and JavaScript) and keep a margin.
MESSAGE_LIMIT = 1900
TEXT_EVENT = "message.text.received"
IMAGE_EVENT = "message.image.received"  # a photo, maybe with a caption
HIDDEN_EVENT = "message.unsupported.received"  # Zalo withheld the content
# A voice message (its `voice_url`, a .aac file): residents who find typing hard send
# one, and silence would look like a bot that is down.
VOICE_EVENT = "message.voice.received"
# A sticker (Zalo says only which picture, not what it stands for): right after an
# answer, thanks for it.
STICKER_EVENT = "message.sticker.received"
# A sticker, a message of any other kind ("message.location.received", a file, one Zalo adds later):
# answered with what the bot reads, as the Zalo OA channel does. Other events go unread.
MESSAGE_EVENT = re.compile(r"message\.[a-z_]+\.received")
CONCURRENT_UPDATES = 32
MAX_CHOICES = 99
# Waits between getUpdates after a real failure.
BACKOFF_FIRST = 1.0
BACKOFF_MAX = 60.0
# Seconds to wait for Zalo's answer to an alert: giving up on a slow answer means sending
# the alert again. Conversations keep the client's shorter wait (DEFAULT_TIMEOUT).
ALERT_READ_TIMEOUT = 30.0
RETRY_AFTER_DEFAULT = 5.0  # Zalo's 429 names no wait; OpenClaw waits 5 s
# Alerts refused with 429 time after time: Zalo's "quota exceeded" may be a quota used up
# for the day or the month, not a burst. The pause doubles up to this (reset by an alert
# that goes out), and staff are told once it has lasted QUOTA_WARN_AFTER.
QUOTA_WAIT_MAX = 3600.0
QUOTA_WARN_AFTER = 300.0
# A chat whose alerts Zalo refuses (403/404, the token accepted) for this long has blocked
# the bot and loses its subscriptions. Not at once: Zalo's docs label 403 "internal server
# error", and a moment of that must not unsubscribe everyone an alert was going to.
UNREACHABLE_AFTER = 600.0
# Refusals counted together are each within this of the one before: the outbox tries a
# refused alert again within MAX_BACKOFF. One further apart follows a time its chat was not
# tried (its alert held for the night's quiet hours): it starts the count afresh.
REFUSALS_APART = 2 * MAX_BACKOFF
REFUSED_LOG_EVERY = 600.0  # seconds between log lines about refused webhook requests
# A token refused this long (Zalo refuses a good one for a moment too) is told to admins in
# chat, once: the log alone leaves Zalo's residents unanswered until someone reads it.
TOKEN_TELL_AFTER = 300.0
REFUSED_NOTE = "zalo-token-refused"  # its key (wardbot.told): told once until it works again
# A stop gives the replies under way this long; one whose message Zalo has not answered
# yet, its read timeout more (cut off, it may have arrived all the same, and the message
# it answers would be answered again at the next start).
STOP_GRACE = 3.0


# --- rendering ----------------------------------------------------------------------


def render_plain(
    replies: Sequence[Reply],
    limit: int = MESSAGE_LIMIT,
    *,
    after: int = 0,
    choose: Callable[[int], str] = msg.choose_by_number,
) -> tuple[list[str], list[Button]]:
    """The replies as plain-text messages within `limit` UTF-16 units, split between
    paragraphs, with their buttons as one numbered list across the replies, numbered on
    after `after` choices already on screen, `choose` (given the first number) saying how
    to pick; returns the messages and the buttons in the order of their numbers.

    Where the messages split does not depend on `after`: the room kept for a list is that
    of its lines numbered with two digits (MAX_CHOICES has no more), so that an alert
    numbered afresh when it is tried again (the list on screen changed meanwhile) splits
    as before, and its retry can go on from the first message not out
    (`handlers.base.AlertParts`)."""
    texts: list[str] = []
    buttons: list[Button] = []
    for reply in map(numbered, replies):
        shown = reply.buttons[: max(0, MAX_CHOICES - after - len(buttons))]
        start = after + len(buttons) + 1
        listed = replace(reply, buttons=shown)
        menu = numbered_buttons(listed, start=start)
        widest = max(start, 10)
        room = numbered_buttons(listed, start=widest), widest
        texts.extend(_render_one(reply, menu, limit, start, choose, room=room))
        buttons.extend(shown)
    return texts, buttons


def alert_texts(
    replies: Sequence[Reply], after: int, choose: Callable[[int], str] = msg.choose_by_number
) -> Rendered:
    """An alert's messages (`render_plain`), its buttons numbered after `after` choices,
    and the texts it is known by (handlers.base.AlertParts): its lines numbered from 1, so
    that a retry after the list on screen changed numbers them anew, and still goes on from
    the first message not out (the messages split alike whatever the numbers)."""
    texts, buttons = render_plain(replies, after=after, choose=choose)
    return texts, buttons, render_plain(replies, choose=choose)[0] if after else texts


def _join(*blocks: str) -> str:
    return "\n\n".join(block for block in blocks if block)


def _render_one(
    reply: Reply,
    menu: str,
    limit: int,
    first: int = 1,
    choose: Callable[[int], str] = msg.choose_by_number,
    *,
    room: tuple[str, int] | None = None,
) -> list[str]:
    """One reply: the title above the start of its text on its first message; the source,
    links and numbered list (whose first number is `first`) stay with its last paragraph.
    `room`: the list numbered as widely as it may be, and its first number: the room kept
    for the list (by default `menu`'s own)."""
    head = plain_text(Reply("", title=reply.title))
    links = plain_text(Reply("", footer=reply.footer, links=reply.links))
    tail = _join(links, menu, choose(first) if menu else "")
    wide, widest = room or (menu, first)
    kept = utf16_len(_join(links, wide, choose(widest) if wide else ""))
    text = reply.text.strip()
    whole = _join(head, text, tail)
    # Room for the text beside the tail (in every part: any may be the last), and in the
    # first part beside the title too.
    budget = limit - kept - 2 if tail else limit
    first = min(budget, limit - utf16_len(head) - 2) if head else budget
    fits = utf16_len(whole) - utf16_len(tail) + kept <= limit
    if fits or first < limit // 4:  # short, or an unusual title or list
        return split_text(whole, limit, utf16_len)
    parts = split_text(text, budget, utf16_len, first=first) or [""]
    if len(parts) == 1:  # the text fits beside the title or beside the tail, not both
        both = limit - utf16_len(head) - kept - 4
        if both >= limit // 4:
            parts = split_text(text, budget, utf16_len, first=both)
        else:
            parts.append("")  # the tail in a message of its own
    parts[0] = _join(head, parts[0])
    parts[-1] = _join(parts[-1], tail)
    return [part for part in parts if part]


def from_ms(stamp: object) -> float | None:
    """When a resident sent a message, as Zalo writes it (epoch milliseconds: the Zalo
    bot's `date`, the Official Account's `timestamp`), in wall-clock seconds; None when it
    is not such a time."""
    try:
        return int(str(stamp)) / 1000
    except ValueError:
        return None


def _is_private(message: dict[str, Any], chat_id: str, sender_id: object) -> bool:
    """Zalo marks a chat PRIVATE or GROUP; unmarked, a chat is private when it is the
    sender's own (their user id is its id)."""
    chat = message.get("chat")
    kind = chat.get("chat_type") if isinstance(chat, dict) else None
    if isinstance(kind, str) and kind:
        return kind.upper() == "PRIVATE"
    return sender_id is None or str(sender_id) == chat_id


# Spaces, visible or not (a zero-width space Zalo may leave after a mention).
_SPACES = "[\\s\u200b\u200c\u200d\u2060\ufeff]*"


def _mention_pattern(
    names: Sequence[object], ward_name: str | None = None
) -> re.Pattern[str] | None:
    """What a resident types to ask the bot in a group: '@' and one of `names` as Zalo
    shows it ('@Bot Phường 2'), in any case and spacing ('@BotPhường2' for 'Bot Phường 2'),
    with a comma or colon after it; None when there is no name to look for.

    `ward_name`, when the bot's name is not known (getMe gives only its account's handle,
    'bot.VDKyGxQvc'): Zalo makes every bot's name start with "Bot", and a ward names its bot
    after itself, so '@Bot' followed by words of the ward's name, in its order ('@Bot
    Phường 2' for 'UBND Phường 2'), is taken for the mention."""
    spellings = []
    for name in names:
        if isinstance(name, str) and name.split():
            letters = "".join(unicodedata.normalize("NFC", name).split())
            spellings.append(_SPACES.join(map(re.escape, letters)))
    if ward_name is not None:
        words = unicodedata.normalize("NFC", ward_name).split()
        spellings.append("Bot" + "".join(rf"(?:\s+{re.escape(word)}(?!\w))?" for word in words))
    if not spellings:
        return None
    spelt = "|".join(spellings)
    return re.compile(rf"(?<!\w)@{_SPACES}(?:{spelt})(?!\w){_SPACES}[,.:;–-]?", re.IGNORECASE)


# Brackets or quotes left with nothing inside once the mention is out: "(@Bot Phường 2)".
_EMPTY_PAIR = re.compile(r"\(\s*\)|\[\s*\]|\{\s*\}|\"\s*\"|“\s*”|«\s*»|'\s*'")


def _without_mention(text: str, mention: re.Pattern[str] | None) -> str:
    """A group message with the bot's mention taken out, '@Bot Phường 2 cho hỏi lịch tiếp
    dân' -> 'cho hỏi lịch tiếp dân': Zalo passes it as plain text, and the bot's name in
    the question would be searched for too (as would the brackets around it)."""
    if mention is None:
        return text
    text = mention.sub(" ", unicodedata.normalize("NFC", text))
    text = _EMPTY_PAIR.sub(" ", text)
    text = re.sub(r"\s+(?=[?!.,:;…])", "", " ".join(text.split()))  # "mất thẻ ?" -> "mất thẻ?"
    return text.lstrip(",.:;-– ")  # "@Bot Phường 2, /help"


def _retryable(exc: Exception) -> DeliveryError | None:
    """A 429 (waited out RETRY_AFTER_DEFAULT when Zalo names no wait) or a temporary
    failure, as ReplyRetry understands them; None for the rest."""
    if isinstance(exc, TooManyRequests):
        return RetryLater(exc.retry_after or RETRY_AFTER_DEFAULT, str(exc))
    if isinstance(exc, Unavailable | Forbidden):  # a 5xx, no answer, an unreadable answer
        # 403 too: Zalo's docs label it "internal server error", and a chat that has just
        # written (or just received the first part of an alert) has not blocked the bot.
        return TransientError(str(exc))
    return None


def _keyed(update: dict[str, Any]) -> tuple[str, str] | None:
    """(key, chat id) of an update to answer (handlers.intake); None for one to ignore."""
    found = _message_in(update)
    return None if found is None else found[:2]


def _message_in(update: dict[str, Any]) -> tuple[str, str, str, dict[str, Any]] | None:
    """(key, chat id, event, message) of an update to answer; None for one to ignore. The
    key names the delivery (Zalo may send one again), else is random."""
    event = update.get("event_name")
    message = update.get("message")
    if not isinstance(event, str) or MESSAGE_EVENT.fullmatch(event) is None:
        log.debug("zalo: ignoring an event %r", event)
        return None
    if not isinstance(message, dict):
        return None
    sender = message.get("from")
    if isinstance(sender, dict) and sender.get("is_bot") is True:
        # The bot's own message echoed, or another bot's in a group: answering it could
        # start two bots answering each other without end.
        log.debug("zalo: a bot's message ignored")
        return None
    chat = message.get("chat")
    chat_id = chat.get("id") if isinstance(chat, dict) else None
    if not isinstance(chat_id, str | int) or not str(chat_id):
        return None
    message_id = message.get("message_id")
    key = f"{event}:{message_id}" if message_id is not None else f"-:{secrets.token_hex(8)}"
    return key, str(chat_id), str(event), message


def _update_of(body: object) -> dict[str, Any] | None:
    """The update in a webhook body: wrapped as {ok, result} (the docs) or bare (OpenClaw)."""
    if not isinstance(body, dict):
        return None
    result = body.get("result")
    if body.get("ok") is True and isinstance(result, dict):
        body = result
    if not isinstance(body, dict) or not isinstance(body.get("event_name"), str):
        return None
    return body


# --- the channel ----------------------------------------------------------------------


class ZaloChannel:
    """One Zalo bot serving the conversation. `start()` / `stop()` from wardbot.app;
    `deliver()` from the alert sender."""

    name = CHANNEL
    # Zalo publishes no rate limit. The OA API is said to allow ~20 requests/s; half of
    # that leaves room for replies and typing indicators sent while alerts go out.
    pace = Pace(per_second=10.0, per_chat_interval=1.0)

    def __init__(
        self,
        settings: Settings,
        conversation: Conversation,
        *,
        poll_timeout: float = 30.0,
        read_timeout: float = DEFAULT_TIMEOUT,
        alert_read_timeout: float = ALERT_READ_TIMEOUT,
        reply_retry: ReplyRetry = REPLY_RETRY,
        stale_after: float = STALE_AFTER,
        webhook_check: float = WEBHOOK_CHECK,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        now: Callable[[], float] = time.time,
    ) -> None:
        if not settings.zalo_token:
            raise ConfigError("ZALO_BOT_TOKEN is not set")
        self.webhook_mode = bool(settings.public_url)
        secret = settings.zalo_webhook_secret or ""
        if self.webhook_mode and not zalo_secret_fits(secret):
            raise zalo_secret_error()
        self.settings = settings
        self.conversation = conversation
        self.poll_timeout = poll_timeout
        self.read_timeout = read_timeout
        self.alert_read_timeout = alert_read_timeout
        self.reply_retry = reply_retry
        # The poll loop's clock and waits (the clock also times chats refusing alerts):
        # injectable so tests need not wait.
        self.clock = clock
        self.sleep = sleep
        self.receiving = Receiving(stale_after, clock)  # any failed getUpdates counts
        self.poll_outage = Outage(CHANNEL, log, clock=clock)  # polls failing, in the log
        self.reply_quota = Outage(f"{CHANNEL} replies", log, clock=clock)  # refused: over quota
        self.webhook_url = f"{settings.public_url}{WEBHOOK_PATH}"
        self._webhook = WebhookWatch(CHANNEL, self._look_at_webhook, webhook_check)
        self.api = ZaloBotApi(
            settings.zalo_token, settings.zalo_api_base, read_timeout=read_timeout
        )
        # Zalo bots have no buttons: lists are numbered and the resident types the number.
        self.answerer = Answerer(
            CHANNEL,
            conversation,
            settings,
            numbered=True,
            quiet=(Forbidden, NotFound),  # the chat's doing
            held=(InvalidToken,),  # the bot's: the message waits (handlers.intake)
            told=(TooManyRequests,),  # `reply_quota`
            slots=CONCURRENT_UPDATES,
            clock=clock,
            now=now,  # wall clock: how late an answer is (handlers.base.late_note)
        )
        self.inbox = Inbox(conversation.store, CHANNEL)
        self.intake = Intake(
            self.inbox,
            _keyed,
            self._handle_update,
            CHANNEL,
            held=self.answerer.held,
            probe=self._token_works,
        )
        self._leaving: set[asyncio.Task[Any]] = set()  # whose message Zalo has not answered
        self._poller: asyncio.Task[None] | None = None
        self._running = False
        self._token_ok = True  # false from a refused token until Zalo accepts it again
        self._refused_since: float | None = None  # when Zalo began refusing the token
        # Set by wardbot.app: a note for admins, told once (key, text); and what a note
        # said is over (key), so that it is told again should it come back.
        self.tell_admins: Callable[[str, str], Awaitable[None]] | None = None
        self.untell_admins: Callable[[str], Awaitable[None]] | None = None
        # The token note may stand (told in this run, or in the last one): Zalo's next
        # acceptance of the token ends it.
        self._token_note_stands = True
        # When the note was last said to be over: its ✅ waits BACK_AFTER (wardbot.alerts),
        # and a refusal meanwhile is the same outage, said at once so that it is dropped.
        self._untold_at: float | None = None
        # Set whenever Zalo answers a call: a poll waiting out its backoff goes soon.
        self._zalo_answered = asyncio.Event()
        self._mention: re.Pattern[str] | None = None  # '@<the bot's name>' (see start)
        self._quota_wait = 0.0  # the pause after the last of 429s in a row on alerts
        # chat -> its first refusal and its last (clock)
        self._refusing: LastPerChat[tuple[float, float]] = LastPerChat()
        self._refused_at: float | None = None  # when a refused webhook request was logged
        self._groups: LastPerChat[bool] = LastPerChat()  # groups written down since the start

    # --- lifecycle ------------------------------------------------------------------

    def routes(self) -> list[BaseRoute]:
        """What this channel adds to the bot's web server."""
        return [Route(WEBHOOK_PATH, self.webhook, methods=["POST"])] if self.webhook_mode else []

    async def start(self) -> None:
        """Check the token, then set the webhook or start polling."""
        try:
            me = await self.api.get_me()
            # Residents mention the name Zalo shows them; getMe gives the account's handle.
            named = self.settings.zalo_bot_name
            ward = None if named else self.settings.ward_name
            self._mention = _mention_pattern([named, me.get("account_name")], ward)
            await self.intake.replay()
            if self.webhook_mode:
                await self.api.set_webhook(self.webhook_url, str(self.settings.zalo_webhook_secret))
                log.info("zalo: webhook set at %s", self.webhook_url)
                self._webhook.start()
            else:
                await self.api.delete_webhook()  # getUpdates fails while a webhook is set
                self.receiving.restart()
                self._poller = asyncio.create_task(self._poll(), name="zalo-poll")
                log.info("zalo: polling as %s", me.get("account_name") or me.get("id"))
        except InvalidToken as exc:
            await self.api.aclose()
            raise setting_error(
                "ZALO_BOT_TOKEN",
                "Zalo từ chối mã bot này: hãy chép lại mã từ Zalo Bot Creator (mã đổi mỗi khi "
                "được cấp lại)",
            ) from exc
        except Unavailable as exc:
            await self.api.aclose()
            raise ConnectionError(
                f"cannot reach the Zalo Bot API ({self.settings.zalo_api_base}): {exc}"
            ) from exc
        except ZaloError as exc:
            await self.api.aclose()
            raise ConfigError(f"Zalo không cho cài đặt bot: {exc}") from exc
        self._running = True

    async def stop_receiving(self) -> None:
        """No more getUpdates (what residents send meanwhile waits with Zalo for the next
        start); replies and alerts still go."""
        await self._webhook.stop()
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller

    async def stop(self) -> None:
        """Stop receiving, let the replies under way finish (briefly), close the client."""
        self._running = False
        try:
            await self.stop_receiving()
            self.intake.leave()  # what waits for the token: answered at the next start
            if self.intake.tasks:
                _, late = await asyncio.wait(set(self.intake.tasks), timeout=STOP_GRACE)
                if leaving := late & self._leaving:
                    await asyncio.wait(leaving, timeout=self.read_timeout + 1)
                    late = {task for task in late if not task.done()}
                for task in late:
                    task.cancel()
                if late:
                    await asyncio.wait(late)
            await self.inbox.flush()  # what a lock kept there, handled: not again at next start
        finally:
            await self.api.aclose()

    def outage_explained(self) -> bool:
        """Whether admins hear of what keeps the channel down from its own note: Zalo
        refuses the token (wardbot.down_notes tells no second note)."""
        return not self._token_ok

    def is_running(self) -> bool:
        """Up and receiving: polling gets answers (webhook mode: started, not stopped, the
        token not refused by Zalo since it last accepted it, and the webhook still ours)."""
        if not self._running:
            return False
        if self.webhook_mode:  # no poll to fail: a reply or alert refused the token
            return self._token_ok and not self._webhook.trouble
        return self._poller is not None and not self._poller.done() and self.receiving.ok()

    # --- receiving ------------------------------------------------------------------

    async def _poll(self) -> None:
        """getUpdates in a loop. 408 means nothing new; real failures back off, capped, and
        /healthz reports Zalo down until a poll is answered again."""
        delay = 0.0
        while True:
            started = self.clock()
            try:
                update = await self.api.get_updates(self.poll_timeout)
            except InvalidToken as exc:
                # A reset token needs someone to fix it, but Zalo refuses for a moment too:
                # back off like any failure, not straight to the longest wait. Said once
                # per outage: a token reset overnight must not log an error a minute.
                delay = min(max(delay * 2, BACKOFF_FIRST), BACKOFF_MAX)
                self._token_refused(exc)
                log.debug("zalo: getUpdates refused the token; retrying in %.0f s", delay)
                await self._tell_token_refused()
            except ZaloError as exc:
                delay = min(max(delay * 2, BACKOFF_FIRST), BACKOFF_MAX)
                self.poll_outage.failed(f"getUpdates failed ({exc}); retrying in {delay:.0f} s")
            except Exception as exc:  # the loop must outlive any surprise
                delay = min(max(delay * 2, BACKOFF_FIRST), BACKOFF_MAX)
                self.poll_outage.failed(
                    f"unexpected error while polling ({type(exc).__name__}: {exc})",
                    logging.ERROR,
                    traceback=True,
                )
            else:
                delay = 0.0
                await self._token_accepted()
                self.receiving.answered()
                self.poll_outage.ended()
                if update is not None:
                    await self.accept(update)
                elif self.clock() - started < self.poll_timeout / 2:
                    # An idle answer long before the timeout: do not hammer the API.
                    await self.sleep(min(1.0, self.poll_timeout / 2))
                continue
            self.receiving.failed()
            await self._back_off(delay)

    async def _back_off(self, delay: float) -> None:
        """Wait `delay` after a failed poll, cut to BACKOFF_FIRST once Zalo answers another
        call (a reply, an alert going out): Zalo is back, so residents' messages and
        /healthz need not wait out the rest of a minute's backoff. The short pause keeps
        a getUpdates that alone still fails from being asked at the alerts' pace."""
        self._zalo_answered.clear()
        waits = [
            asyncio.ensure_future(self.sleep(delay)),
            asyncio.ensure_future(self._zalo_answered.wait()),
        ]
        try:
            done, _ = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()
            await asyncio.gather(*waits, return_exceptions=True)
        if waits[0] not in done:
            await self.sleep(min(delay, BACKOFF_FIRST))

    async def webhook(self, request: Request) -> Response:
        """POST /zalo: an update from Zalo, trusted only with the right secret; answered
        at once, handled in the background."""
        data = await webhook_json(
            request,
            secret=self.settings.zalo_webhook_secret,
            header=SECRET_HEADER,
            channel=CHANNEL,
        )
        if isinstance(data, Response):
            if data.status_code == 403:
                self._refused_webhook()
            return data
        update = _update_of(data)
        if update is None:
            return not_an_update(CHANNEL)
        await self.accept(update)  # kept in the inbox before Zalo hears 200
        return Response(status_code=200)

    def _refused_webhook(self) -> None:
        """Say that a delivery was refused for its secret, at most once a REFUSED_LOG_EVERY:
        a proxy that drops the header leaves the bot deaf, and nothing else would show it
        (a stranger's requests must not flood the log either)."""
        now = self.clock()
        if self._refused_at is not None and now - self._refused_at < REFUSED_LOG_EVERY:
            return
        self._refused_at = now
        log.warning(
            "zalo: refused a webhook request without the right %s header (a stranger's, or "
            "the proxy in front of the bot drops the header: then residents get no answers)",
            SECRET_HEADER,
        )

    async def _look_at_webhook(self) -> str | None:
        """Whether Zalo still posts updates here, as getWebhookInfo tells: not when another
        copy of the bot, polling with the token, deleted the webhook, or one set it
        elsewhere."""
        try:
            info = await self.api.get_webhook_info()
        except InvalidToken as exc:  # /healthz need not wait for a resident's reply to fail
            self._token_refused(exc)
            await self._tell_token_refused()
            raise
        await self._token_accepted()
        if not same_address(info.get("url"), self.webhook_url):
            return (
                "the webhook is no longer set here (is another copy of the bot running with "
                "this token?); restart this bot to set it again"
            )
        return None

    async def accept(self, update: dict[str, Any]) -> bool:
        """Take one update (polled or posted): into the inbox (wardbot.inbox), then
        answered in the background. False when it is ignored or a repeat."""
        return await self.intake.accept(update)

    async def _handle_update(self, chat_id: str, update: dict[str, Any]) -> None:
        found = _message_in(update)
        if found is not None:
            await self._handle(chat_id, *found[2:])

    # --- answering ------------------------------------------------------------------

    async def _handle(self, chat_id: str, event: str, message: dict[str, Any]) -> None:
        """Answer one message (errors: wardbot's polite reply, see handlers.base)."""
        sender = message.get("from")
        sender_id = sender.get("id") if isinstance(sender, dict) else None
        chat = ChatRef(CHANNEL, chat_id, private=_is_private(message, chat_id, sender_id))
        text = message.get("text")
        send: Send = functools.partial(self._send, chat_id, in_group=not chat.private)
        if event == IMAGE_EVENT:
            # A question typed under a photo (its `caption`, as Zalo's docs name it):
            # answered, after a line saying the photo itself went unseen, as on Telegram.
            typed = [each for each in (message.get("caption"), text) if isinstance(each, str)]
            text = next((each for each in typed if each.strip()), None)
            if text is not None:
                send = await under_attachment(self.conversation, chat, send)
        if event not in (TEXT_EVENT, IMAGE_EVENT) or not isinstance(text, str):
            # A sticker, an image alone, a voice message; content Zalo does not pass on,
            # which typing again may not help (a protected account): whom to contact too.
            sent_at = from_ms(message.get("date"))
            if event != HIDDEN_EVENT:
                voice, sticker = event == VOICE_EVENT, event == STICKER_EVENT
                who = str(sender_id or chat_id)
                await self.answerer.unread(
                    chat, send, voice=voice, sticker=sticker, sender=who, sent_at=sent_at
                )
                return
            said = msg.content_hidden(self.settings.ward_name, self.settings.ward_hotline)
            await self.answerer.say(chat, [Reply(said, keeps_choices=True)], send, sent_at=sent_at)
            return

        async def typing() -> None:
            with contextlib.suppress(ZaloError):
                await self.api.send_chat_action(chat_id, "typing")

        if not chat.private:  # Zalo shows the bot group messages that mention or quote it
            text = _without_mention(text, self._mention)
            await self._note_group(chat)
        await self.answerer.text(
            chat,
            text,
            send,
            sender=str(sender_id or chat_id),
            typing=typing,
            sent_at=from_ms(message.get("date")),
            attached=event == IMAGE_EVENT,
        )

    async def _send(
        self,
        chat_id: str,
        replies: Sequence[Reply],
        *,
        in_group: bool = False,
    ) -> list[Button]:
        """Send replies in a conversation, each part retried briefly on 429 and temporary
        failures; returns the buttons, now numbered in the chat. `in_group`: a number typed
        alone there never reaches the bot (Zalo shows it a group's messages that mention
        it), so the list says to mention it."""
        texts, buttons = render_plain(replies, choose=self._choose(in_group))
        try:
            parts = answer_parts(texts, functools.partial(self._send_message, chat_id))
            await send_parts(parts, _retryable, self.reply_retry)
        except InvalidToken as exc:
            # The bot's own token, not the chat (which just wrote): said once, and /healthz
            # says so in webhook mode, where no failing poll would.
            self._token_refused(exc)
            raise
        except TooManyRequests as exc:
            # A quota used up refuses every reply for hours: said once (and how long it
            # lasts), not a traceback for each resident.
            self.reply_quota.failed(
                f"Zalo refuses replies as over quota ({exc}): the bot's Zalo sending quota "
                "may be used up; residents get no answer until Zalo takes them again"
            )
            raise
        await self._token_accepted()
        self.reply_quota.ended()
        return buttons

    def _choose(self, in_group: bool) -> Callable[[int], str]:
        """The line under a numbered list saying how to pick: in a group, with the bot's
        mention."""
        return functools.partial(
            msg.choose_by_number, in_group=in_group, bot=self.settings.zalo_bot_name
        )

    async def _note_group(self, chat: ChatRef) -> None:
        """A group wrote: the database knows it for one (a group subscribed before it
        could tell), so that its alerts say how to pick in a group. Once per start."""
        if chat.chat_id in self._groups:
            return
        try:
            await self.conversation.store.note_group(chat)
        except Exception as exc:  # a read-only data folder: the alerts' wording only
            log.debug("zalo: a group is not written down: %s", exc)
            return
        self._groups.set(chat.chat_id, True)

    def _messages(
        self, chat_id: str, texts: Sequence[str], read_timeout: float | None = None
    ) -> list[Callable[[], Awaitable[object]]]:
        """Each text's sendMessage, for handlers.base.send_parts (a resend may duplicate a
        message that did arrive: better than a half answer). `read_timeout` replaces the
        client's."""
        return [
            functools.partial(self._send_message, chat_id, text, read_timeout) for text in texts
        ]

    async def _send_message(
        self, chat_id: str, text: str, read_timeout: float | None = None
    ) -> object:
        """sendMessage; while Zalo has not answered, a stop waits for it (`stop`)."""
        task = asyncio.current_task()
        if task is not None:
            self._leaving.add(task)
        try:
            return await self.api.send_message(chat_id, text, read_timeout=read_timeout)
        finally:
            if task is not None:
                self._leaving.discard(task)

    # --- alerts (wardbot.delivery.Deliverer) -------------------------------------------

    async def deliver(self, chat_id: str, replies: Sequence[Reply]) -> None:
        """Push replies to a chat outside a conversation, or raise a DeliveryError
        (handlers.base.Answerer.push_alert)."""
        # In a group (as the database knows it: after a restart too), picking from the
        # list takes the bot's mention.
        in_group = await self.conversation.store.is_group(ChatRef(CHANNEL, chat_id))
        way = AlertWay(
            render=functools.partial(alert_texts, choose=self._choose(in_group)),
            # A slow answer is waited for: a message given up on may still arrive, and
            # the retry would send it twice.
            messages=lambda _, texts: self._messages(
                chat_id, texts, read_timeout=self.alert_read_timeout
            ),
            classify=_retryable,
            failure=functools.partial(self._alert_failure, chat_id),
            retry=self.reply_retry,
        )
        await self.answerer.push_alert(
            chat_id, self._for_group(replies) if in_group else replies, way
        )
        await self._token_accepted()
        self._refusing.drop(chat_id)
        self._quota_wait = 0.0

    async def _alert_failure(self, chat_id: str, exc: Exception) -> DeliveryError | None:
        """What an alert refused by Zalo means for it and the chat (wardbot.outbox); None:
        not Zalo's refusal."""
        if isinstance(exc, TooManyRequests):
            return self._rate_limited(exc)
        if isinstance(exc, BadRequest):
            return PermanentError(str(exc))
        if isinstance(exc, InvalidToken):
            # Zalo refuses the bot's own token (reset in Bot Creator, or expired): never
            # the chat's doing, whatever getMe answered a moment ago.
            self._token_refused(exc)
            return TransientError(str(exc))
        if isinstance(exc, (Forbidden, NotFound)):
            return await self._refused_chat(chat_id, exc)
        if isinstance(exc, ZaloError):  # NetworkError, Unavailable, any other
            return TransientError(str(exc))
        return None

    async def _refused_chat(self, chat_id: str, exc: ZaloError) -> DeliveryError:
        """Zalo refused the chat (blocked, gone): unreachable once it has refused for
        UNREACHABLE_AFTER, and only while the bot's own token works."""
        if not await self._token_works():
            # The bot's own problem (a reset token, an outage): not this chat's.
            return TransientError(str(exc))
        now = self.clock()
        first, last = self._refusing.get(chat_id, (now, now))
        if now - last > REFUSALS_APART:
            first = now
        if now - first < UNREACHABLE_AFTER:
            self._refusing.set(chat_id, (first, now))
            return TransientError(str(exc))
        self._refusing.drop(chat_id)
        return ChatUnreachable(str(exc))

    def _for_group(self, replies: Sequence[Reply]) -> list[Reply]:
        """An alert's replies as a Zalo group reads them: how to stop its alerts says that
        staff do it, with the bot's mention (a command alone never reaches the bot there)."""
        line = msg.alert_stop_in_group(self.settings.ward_name, self.settings.zalo_bot_name)
        return stop_line(replies, line)

    def _rate_limited(self, exc: TooManyRequests) -> RetryLater:
        """The outbox's pause after an alert refused with 429: the wait Zalo names, else
        RETRY_AFTER_DEFAULT doubling while the refusals go on, so that a used-up quota is
        not asked about every few seconds for days, and staff hear of it."""
        if exc.retry_after:
            return RetryLater(exc.retry_after, str(exc))
        before = self._quota_wait
        self._quota_wait = min(max(before * 2, RETRY_AFTER_DEFAULT), QUOTA_WAIT_MAX)
        if before < QUOTA_WARN_AFTER <= self._quota_wait:
            log.warning(
                "zalo: Zalo has refused alerts as over quota (429) for several minutes: the "
                "bot's Zalo sending quota may be used up; alerts wait and are tried again at "
                "most every %.0f minutes",
                QUOTA_WAIT_MAX / 60,
            )
        return RetryLater(self._quota_wait, str(exc))

    async def _token_works(self) -> bool:
        """Whether Zalo accepts the bot's token now: asked afresh each time, as a chat
        judged unreachable loses its subscriptions, and a token can be reset at any moment
        (a success a minute old would vouch for a token that is gone)."""
        try:
            await self.api.get_me()
        except InvalidToken as exc:
            self._token_refused(exc)
            return False
        except ZaloError as exc:
            log.warning("zalo: cannot check the bot's token (%s); the chat is not blamed", exc)
            return False
        await self._token_accepted()
        return True

    async def _token_accepted(self) -> None:
        """Zalo has just accepted the bot's token: said once after it was refused; a later
        refusal is told to admins again."""
        if not self._token_ok:
            log.info("zalo: Zalo accepts the bot's token again")
        self._token_ok = True
        self._refused_since = None
        self._zalo_answered.set()
        self.intake.resume()  # what residents sent while it was refused: answered now
        if self._token_note_stands and self.untell_admins is not None:
            try:
                await self.untell_admins(REFUSED_NOTE)
            except Exception:  # the database may be what fails: asked again next time
                log.exception("zalo: could not forget the note on the token")
                return
            self._token_note_stands, self._untold_at = False, self.clock()

    def _token_refused(self, exc: ZaloError) -> None:
        """Log a refused token once per outage: an alert to a thousand chats must not
        log a thousand errors."""
        if self._token_ok:
            log.error(
                "zalo: Zalo refuses the bot's token (%s): reset in Bot Creator? Set the new "
                "ZALO_BOT_TOKEN and restart; meanwhile residents' messages are kept and "
                "answered once it is accepted, alerts are retried later and no chat loses "
                "its subscriptions",
                exc,
            )
        self._token_ok = False
        if self._refused_since is None:
            self._refused_since = self.clock()

    async def _tell_token_refused(self) -> None:
        """A token refused for TOKEN_TELL_AFTER is told to admins (once: a reset token
        needs someone to set the new one). Refused again while the ✅ of the last refusal
        waits (`_untold_at`): said at once, the same outage (no new ⚠️, no ✅ yet)."""
        since = self._refused_since
        if self.tell_admins is None or since is None:
            return
        relapse = self._untold_at is not None and since - self._untold_at < BACK_AFTER
        if not relapse and self.clock() - since < TOKEN_TELL_AFTER:
            return
        self._token_note_stands, self._untold_at = True, None
        try:
            await self.tell_admins(
                REFUSED_NOTE, msg.admin_zalo_token_refused(self.settings.ward_name)
            )
        except Exception:  # the database may be what fails: the log said it
            log.exception("zalo: could not tell admins")
