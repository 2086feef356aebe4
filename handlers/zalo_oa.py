"""The Zalo Official Account channel: a ward's existing OA (API v3, handlers/zalo_oa_api.py)
in front of the conversation core.

Zalo posts the OA's events to PUBLIC_URL/zalo-oa, signed (`X-ZEvent-Signature`); they go
into the inbox (wardbot.inbox) before Zalo hears 200, then are answered in the background.
Following the OA gets the greeting, unfollowing drops the chat's subscriptions.

Zalo bills a message to a resident by how it is addressed: as a reply to their latest
message (`recipient.message_id`), the first FREE_REPLIES within REPLY_WINDOW of it are
free; by user id, or later, or more, it is billed as proactive. So each resident's latest
message is kept (its id, when, the replies to it: wardbot.store.windows), and every message
for them alone (an answer, a staff answer, a note to an admin: Reply.personal) goes as a
reply while that is free, else by user id; alerts and broadcasts, news for many, always by
user id. A message answered long after it came (the bot was down, and answers what its
inbox kept) has its answer after a line saying so (handlers.base.late_note); one whose
writer has been silent longer than Zalo lets the OA write to them (WRITE_WINDOW) is not
answered at all. Lists are numbered lines, as on the Zalo Bot channel (the same rendering,
handlers.zalo.render_plain), and the resident types the number.

Alerts go through message/cs, within Zalo's rules: a resident silent for about 7 days
cannot be written to (-230/-232: that alert is dropped, the subscriptions kept, and alerts
reach them again once they write), one who unfollowed never (-213: unreachable).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import hashlib
import hmac
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from handlers.base import (
    AlertWay,
    Answerer,
    Send,
    answer_parts,
    send_parts,
    under_attachment,
)
from handlers.intake import Intake, Recheck
from handlers.zalo import alert_texts, from_ms, render_plain
from handlers.zalo_api import Unavailable, ZaloError
from handlers.zalo_oa_api import TOKEN_FILE, RefreshRefused, TokenFile, ZaloOaApi
from wardbot import messages as msg
from wardbot.config import ConfigError, Settings, setting_error
from wardbot.conversation import Conversation
from wardbot.delivery import (
    REPLY_RETRY,
    AwaitsResident,
    ChatUnreachable,
    DeliveryError,
    Pace,
    PermanentError,
    ReplyRetry,
    RetryLater,
    TransientError,
)
from wardbot.inbox import SEEN_KEEP, Inbox
from wardbot.reply import Button, Reply
from wardbot.store import ChatRef
from wardbot.store.windows import REPLY_WINDOW
from wardbot.web import MAX_UPDATE_BYTES, json_or_none, read_limited

log = logging.getLogger(__name__)

CHANNEL = "zalo-oa"
WEBHOOK_PATH = "/zalo-oa"
SIGNATURE_HEADER = "X-ZEvent-Signature"
TEXT_EVENT = "user_send_text"
FOLLOW_EVENT = "follow"
UNFOLLOW_EVENT = "unfollow"
# What a resident may send besides text: answered "please type your question".
NON_TEXT_EVENTS = frozenset(
    f"user_send_{kind}"
    for kind in ("image", "file", "sticker", "audio", "video", "gif", "location", "link")
)
# A voice message, recorded in Zalo's chat: its recording is an audio attachment.
VOICE_EVENT = "user_send_audio"
# A sticker: right after an answer, thanks for it.
STICKER_EVENT = "user_send_sticker"
# A photo, maybe with a question typed under it (the message's `text`).
IMAGE_EVENT = "user_send_image"
CONCURRENT_UPDATES = 32
STOP_GRACE = 3.0
REFUSED_NOTE = "zalo-oa-refused"  # the admins' note on a refused refresh token (wardbot.told)
REFUSED_LOG_EVERY = 600.0
# While Zalo refuses the refresh token, it is asked again on its own (nobody may write):
# a minute on, then every 2, 4, 8, 10, 10... minutes. A moment's refusal is over within a
# minute or two; a consent revoked for good costs Zalo's OAuth endpoint six calls an hour.
TOKEN_RECHECK = Recheck(first=60.0, most=600.0)
# A signed event older than this is refused: Zalo's own retries come within hours, and the
# inbox remembers every event taken for longer (SEEN_KEEP), so a request replayed by
# whoever got hold of it is never handled a second time.
EVENT_MAX_AGE = SEEN_KEEP / 2  # a day
# The OA API's codes (handlers.zalo_oa_api) that decide an alert's fate.
NOT_FOLLOWING = -213
SILENT_TOO_LONG = frozenset({-230, -232})  # no interaction within Zalo's window
NIGHT = -234
OVER_QUOTA = frozenset({-211, -32})
BAD_PARAMETER = -201
# Zalo's window for replies: free for this many messages within REPLY_WINDOW of the
# resident's latest message; and the time after which it takes nothing for them at all.
FREE_REPLIES = 8
WRITE_WINDOW = 7 * 86400.0
# Zalo sends OA messages of this kind from 06:00 to 21:59, Vietnam time.
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
MORNING = dt.time(6, 0)


def signature(app_id: str, body: bytes, timestamp: str, secret_key: str) -> str:
    """The hex SHA-256 Zalo signs a webhook request with: of the app's id, the body as
    posted, the body's timestamp and the OA's secret key, in that order."""
    return hashlib.sha256(
        app_id.encode() + body + timestamp.encode() + secret_key.encode()
    ).hexdigest()


def _keyed(event: dict[str, Any]) -> tuple[str, str] | None:
    """(key, chat id) of an event to act on (handlers.intake); None for one to ignore."""
    found = _event_in(event)
    return None if found is None else found[:2]


def _event_in(event: dict[str, Any]) -> tuple[str, str, str] | None:
    """(key, chat id, event name) of an event to act on; None for one to ignore. The key
    names the delivery (Zalo may post one again). A message event in a shape Zalo does not
    write (a list for an id, a message that is not an object) is ignored, said in one line."""
    name = event.get("event_name")
    if not isinstance(name, str):
        log.warning("zalo-oa: ignored a signed event without an event name")
        return None
    if name in (FOLLOW_EVENT, UNFOLLOW_EVENT):
        follower = event.get("follower")
        user = follower.get("id") if isinstance(follower, dict) else None
        at = event.get("timestamp")
        key = f"{name}:{user}:{at}"
    elif name == TEXT_EVENT or name in NON_TEXT_EVENTS:
        sender, message = event.get("sender"), event.get("message")
        user = sender.get("id") if isinstance(sender, dict) else None
        msg_id = message.get("msg_id") if isinstance(message, dict) else None
        if not isinstance(message, dict) or not (msg_id is None or _an_id(msg_id)):
            user = None  # said below, as a sender Zalo would not name
        key = f"{name}:{msg_id}" if msg_id else f"{name}:{user}:{event.get('timestamp')}"
    else:  # the OA's own messages, "seen" and "received" receipts, forms...
        log.debug("zalo-oa: ignoring an event %r", name)
        return None
    if not _an_id(user):
        log.warning(
            "zalo-oa: ignored a signed %s event whose user or message is not as Zalo writes them",
            name,
        )
        return None
    return key, str(user), name


def _an_id(value: object) -> bool:
    """Whether `value` is an id as Zalo writes them: a string of digits or letters, or
    a number (never a list, an object, true or false)."""
    return isinstance(value, str | int) and not isinstance(value, bool) and bool(str(value))


def _retryable(exc: Exception) -> DeliveryError | None:
    """A reply's failure worth trying again at once: Zalo busy or unreachable."""
    if isinstance(exc, Unavailable):
        return TransientError(str(exc))
    return None


@dataclass
class Answering:
    """The resident's message being answered: its id, when they sent it (wall clock), and
    the replies to it sent in this turn. Held only while it is answered: what /forget
    deletes in that turn is not kept back, yet its confirmation still goes as a reply to
    the message that asked for it (free), not by user id (billed)."""

    msg_id: str
    at: float
    replies: int = 0


def until_morning(now: float) -> float:
    """Seconds from `now` (wall clock) to the next 06:00 in Vietnam."""
    local = dt.datetime.fromtimestamp(now, VIETNAM)
    morning = dt.datetime.combine(local.date(), MORNING, VIETNAM)
    if morning <= local:
        morning += dt.timedelta(days=1)
    return max(60.0, (morning - local).total_seconds())


class ZaloOaChannel:
    """One Official Account serving the conversation. `start()` / `stop()` from
    wardbot.app; `deliver()` from the alert sender."""

    name = CHANNEL
    # About 20 requests a second are said to be allowed: half leaves room for replies.
    pace = Pace(per_second=10.0, per_chat_interval=1.0)

    def __init__(
        self,
        settings: Settings,
        conversation: Conversation,
        *,
        reply_retry: ReplyRetry = REPLY_RETRY,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        """`sleep`: the waits between asking Zalo again for the token it refused."""
        app_id, secret = settings.zalo_oa_app_id, settings.zalo_oa_app_secret
        key, refresh = settings.zalo_oa_secret_key, settings.zalo_oa_refresh_token
        if not (app_id and secret and key and refresh and settings.public_url):
            raise ConfigError("the Zalo Official Account channel is not configured")
        self.settings = settings
        self.conversation = conversation
        self.reply_retry = reply_retry
        self.clock = clock
        self.now = now
        self._secret_key = str(key)
        self.api = ZaloOaApi(
            app_id,
            secret,
            refresh,
            TokenFile(settings.data_dir / TOKEN_FILE),
            api_base=settings.zalo_oa_api_base,
            oauth_base=settings.zalo_oa_oauth_base,
            clock=now,
        )
        self.answerer = Answerer(
            CHANNEL,
            conversation,
            settings,
            numbered=True,
            # Said once by `_refused`; the message waits for the new token's start.
            held=(RefreshRefused,),
            slots=CONCURRENT_UPDATES,
            clock=clock,
            now=now,
        )
        self.inbox = Inbox(conversation.store, CHANNEL)
        self.intake = Intake(
            self.inbox,
            _keyed,
            self._handle,
            CHANNEL,
            held=self.answerer.held,
            probe=self._token_works,
            recheck=TOKEN_RECHECK,
            sleep=sleep,
        )
        self._running = False
        self._revoked = False  # Zalo refused the refresh token: only staff can fix it
        self._refused_at: float | None = None
        # Set by wardbot.app: tells admins a note once (key, text); and says it is over
        # (key), so that it is told again should it come back.
        self.tell_admins: Callable[[str, str], Awaitable[None]] | None = None
        self.untell_admins: Callable[[str], Awaitable[None]] | None = None

    # --- lifecycle ------------------------------------------------------------------

    def routes(self) -> list[BaseRoute]:
        return [Route(WEBHOOK_PATH, self.webhook, methods=["POST"])]

    async def start(self) -> None:
        """Check that Zalo gives the OA an access token, then answer what a stop left."""
        try:
            await self.api.access_token()
        except RefreshRefused as exc:
            await self._refused(exc)
            await self.api.aclose()
            raise setting_error(
                "ZALO_OA_REFRESH_TOKEN",
                "Zalo từ chối refresh token của Official Account (quyền truy cập đã bị thu hồi, "
                "hoặc mã sai hay đã dùng hết): hãy cấp lại quyền cho ứng dụng trên "
                "developers.zalo.me, đặt ZALO_OA_REFRESH_TOKEN mới rồi khởi động lại bot",
            ) from exc
        except ZaloError as exc:
            await self.api.aclose()
            raise ConnectionError(
                f"cannot get an access token from Zalo ({self.settings.zalo_oa_oauth_base}): {exc}"
            ) from exc
        self._revoked = False
        # A note on a refused token may stand from a run before (its ✅ still waiting when
        # that run stopped, or the token set anew and the bot restarted): Zalo takes it.
        await self._refusal_over()
        await self.intake.replay()
        self._running = True
        log.info("zalo-oa: receiving at %s%s", self.settings.public_url, WEBHOOK_PATH)

    async def stop_receiving(self) -> None:
        """Webhook requests are refused from now on (Zalo posts them again later)."""
        self._running = False

    async def stop(self) -> None:
        self._running = False
        self.intake.leave()  # what waits for a new refresh token: answered at the next start
        try:
            if self.intake.tasks:
                _, late = await asyncio.wait(set(self.intake.tasks), timeout=STOP_GRACE)
                for task in late:
                    task.cancel()
                if late:
                    await asyncio.wait(late)
            await self.inbox.flush()
        finally:
            await self.api.aclose()

    def outage_explained(self) -> bool:
        """Whether admins hear of what keeps the channel down from its own note: Zalo
        refuses the OA's refresh token (wardbot.down_notes tells no second note)."""
        return self._revoked

    def is_running(self) -> bool:
        """Started, not stopped, and the OA's refresh token not refused since."""
        return self._running and not self._revoked

    async def _refused(self, exc: ZaloError) -> None:
        """The refresh token is refused for good: logged, and admins told, once."""
        if self._revoked:
            return
        self._revoked = True
        log.error(
            "zalo-oa: Zalo refuses the Official Account's refresh token (%s): give the app "
            "access again on developers.zalo.me, set the new ZALO_OA_REFRESH_TOKEN and "
            "restart; the other channels keep serving",
            exc,
        )
        if self.tell_admins is not None:
            try:
                await self.tell_admins(
                    REFUSED_NOTE, msg.admin_zalo_oa_refused(self.settings.ward_name)
                )
            except Exception:  # the database may be what fails: the log said it
                log.exception("zalo-oa: could not tell admins")

    async def _token_works(self) -> bool:
        """Whether Zalo gives the OA an access token now (renewed, when due, from the
        refresh token it refused before): asked while messages wait, when a message comes
        and every few minutes (TOKEN_RECHECK)."""
        try:
            await self.api.access_token()
        except RefreshRefused as exc:
            await self._refused(exc)
            return False
        except ZaloError as exc:
            log.info("zalo-oa: cannot ask Zalo for an access token now (%s)", exc)
            return False
        await self._accepted()
        return True

    async def _accepted(self) -> None:
        """Zalo took the OA's token (a message went out, an access token came): after a
        refusal, what residents wrote meanwhile is answered now, in order, /healthz is up,
        and a refusal later is told to admins again."""
        if not self._revoked:
            return
        self._revoked = False
        log.info("zalo-oa: Zalo takes the Official Account's token again; answering what waited")
        self.intake.resume()
        await self._refusal_over()

    async def _refusal_over(self) -> None:
        """Admins told the refresh token was refused are told it is over (once it stays
        so: wardbot.alerts.Alerts.untold), and a later refusal is news again."""
        if self.untell_admins is not None:
            try:
                await self.untell_admins(REFUSED_NOTE)
            except Exception:  # the database may be what fails: told again only if it is
                log.exception("zalo-oa: could not forget the note on the refresh token")

    # --- receiving ------------------------------------------------------------------

    async def webhook(self, request: Request) -> Response:
        """POST /zalo-oa: an event, trusted only when its signature is right; answered at
        once (kept in the inbox first), handled in the background."""
        if not self._running:
            return Response(status_code=503)
        given = request.headers.get(SIGNATURE_HEADER, "").strip()
        if not given.startswith("mac="):
            return self._refuse()
        body = await read_limited(request, MAX_UPDATE_BYTES)
        if body is None:
            return Response(status_code=413)
        event = json_or_none(body)
        stamp = event.get("timestamp") if isinstance(event, dict) else None
        if not isinstance(event, dict) or not isinstance(stamp, str | int):
            return self._refuse()
        app_id = str(self.settings.zalo_oa_app_id)
        expected = signature(app_id, body, str(stamp), self._secret_key)
        if not hmac.compare_digest(given[4:].lower().encode(), expected.encode()):
            return self._refuse()
        if str(event.get("app_id", app_id)) != app_id:
            return self._refuse()
        if self._stale(str(stamp)):
            return self._refuse("is signed but too old to be Zalo's (a request replayed?)")
        await self.accept(event)
        return Response(status_code=200)

    def _stale(self, stamp: str) -> bool:
        """Whether an event's `timestamp` (milliseconds) is older than EVENT_MAX_AGE, or
        not a time at all."""
        try:
            at = int(stamp) / 1000
        except ValueError:
            return True
        return self.now() - at > EVENT_MAX_AGE

    def _refuse(self, why: str = "") -> Response:
        """403, said in the log at most once every REFUSED_LOG_EVERY (a wrong
        ZALO_OA_SECRET_KEY leaves the OA unanswered; a stranger must not flood the log)."""
        now = self.clock()
        if self._refused_at is None or now - self._refused_at >= REFUSED_LOG_EVERY:
            self._refused_at = now
            if why:
                log.warning("zalo-oa: refused a webhook request that %s", why)
            else:
                log.warning(
                    "zalo-oa: refused a webhook request whose %s is not right (a stranger's, "
                    "or ZALO_OA_SECRET_KEY is not the OA's secret key: then residents get no "
                    "answers)",
                    SIGNATURE_HEADER,
                )
        return Response(status_code=403)

    async def accept(self, event: dict[str, Any]) -> bool:
        """Keep one event in the inbox, then handle it in the background. False when it
        is ignored or a repeat."""
        return await self.intake.accept(event)

    # --- answering ------------------------------------------------------------------

    async def _handle(self, chat_id: str, event: dict[str, Any]) -> None:
        name = event.get("event_name")
        chat = ChatRef(CHANNEL, chat_id)  # an OA's chats are one person's each
        message = event.get("message")
        msg_id = message.get("msg_id") if isinstance(message, dict) else None
        sent_at = from_ms(event.get("timestamp"))
        answering = Answering(str(msg_id), sent_at) if msg_id and sent_at is not None else None
        send: Send = functools.partial(self._send, chat_id, answering=answering)
        if name == UNFOLLOW_EVENT:
            # Zalo lets the OA write to followers only: the topics go (as /unsubscribe all).
            try:
                dropped = await self.conversation.store.unsubscribe_all(chat)
            except Exception:
                log.exception("zalo-oa: an unfollowing resident's subscriptions stay")
                return
            log.info("zalo-oa: a resident unfollowed the OA; %d subscription(s) dropped", dropped)
            return
        if name == FOLLOW_EVENT:
            await self.answerer.text(chat, "/start", send, sender=chat_id)
            return
        if msg_id and sent_at is not None:
            await self._wrote(chat, str(msg_id), sent_at)
        if not await self._reachable(chat, sent_at):
            log.info(
                "zalo-oa: a message kept since %s is not answered: Zalo takes nothing for its "
                "writer, silent since",
                dt.datetime.fromtimestamp(sent_at or 0, VIETNAM).strftime("%d/%m %H:%M"),
            )
            return
        raw = message.get("text") if isinstance(message, dict) else None
        text = raw if isinstance(raw, str) else ""
        typed = bool(text.strip())
        if name == IMAGE_EVENT and typed:
            # A question typed under a photo: answered, after a line saying the photo
            # itself went unseen, as on the Zalo bot and Telegram.
            send = await under_attachment(self.conversation, chat, send)
        elif name != TEXT_EVENT or not typed:
            voice, sticker = name == VOICE_EVENT, name == STICKER_EVENT
            await self.answerer.unread(
                chat, send, voice=voice, sticker=sticker, sender=chat_id, sent_at=sent_at
            )
            return
        attached = name == IMAGE_EVENT
        await self.answerer.text(
            chat, text, send, sender=chat_id, sent_at=sent_at, attached=attached
        )

    async def _send(
        self, chat_id: str, replies: Sequence[Reply], *, answering: Answering | None = None
    ) -> list[Button]:
        """Replies in a conversation (to the message `answering`), each part a reply to the
        resident's latest message while that is free, else by user id (`_send_text`),
        retried briefly when Zalo is busy. Returns the buttons, now numbered in the chat."""
        texts, buttons = render_plain(replies)
        parts = answer_parts(
            texts, functools.partial(self._send_text, chat_id, answering=answering)
        )
        await send_parts(parts, _retryable, self.reply_retry)
        return buttons

    async def _send_text(
        self,
        chat_id: str,
        text: str,
        *,
        personal: bool = True,
        answering: Answering | None = None,
    ) -> object:
        """One message to a resident: `personal` (for them alone), as a reply to their
        latest message while Zalo's window has a free reply left; else by user id."""
        chat = ChatRef(CHANNEL, chat_id)
        reply_to = await self._free_reply(chat, answering) if personal else None
        recipient = {"message_id": reply_to} if reply_to else {"user_id": chat_id}
        try:
            sent = await self.api.send_text(recipient, text)
        except RefreshRefused as exc:
            await self._refused(exc)
            raise
        await self._accepted()
        if answering is not None and reply_to == answering.msg_id:
            answering.replies += 1
        if reply_to:
            try:
                await self.conversation.store.replied(chat, reply_to)
            except Exception as exc:  # a reply uncounted: at worst one billed later
                log.warning("zalo-oa: a reply sent was not counted (%s)", type(exc).__name__)
        return sent

    # --- Zalo's window ----------------------------------------------------------------

    async def _wrote(self, chat: ChatRef, msg_id: str, sent_at: float) -> None:
        """Keep the resident's message as their latest (when it is), for `_free_reply`."""
        try:
            await self.conversation.store.wrote(chat, msg_id, sent_at)
        except Exception as exc:  # the answer still goes, by user id
            log.warning("zalo-oa: a resident's latest message was not kept (%s)", exc)

    async def _latest(self, chat: ChatRef) -> tuple[str, float, int] | None:
        try:
            return await self.conversation.store.latest_message(chat)
        except Exception as exc:
            log.warning("zalo-oa: a resident's latest message cannot be read (%s)", exc)
            return None

    async def _free_reply(self, chat: ChatRef, answering: Answering | None = None) -> str | None:
        """The id of the resident's latest message while a reply to it is free (within
        REPLY_WINDOW, fewer than FREE_REPLIES sent); else None. The message being answered
        (`answering`) when none later is kept: /forget deleted the one kept in this very
        turn, and the confirmation answers the resident's own message, or keeping it
        failed."""
        latest = await self._latest(chat)
        if answering is not None and (latest is None or latest[1] < answering.at):
            latest = (answering.msg_id, answering.at, answering.replies)
        if latest is None:
            return None
        msg_id, at, replies = latest
        if self.now() - at > REPLY_WINDOW or replies >= FREE_REPLIES:
            return None
        return msg_id

    async def _reachable(self, chat: ChatRef, sent_at: float | None) -> bool:
        """Whether Zalo still takes messages for the writer of a message sent at
        `sent_at`: they wrote within WRITE_WINDOW (that message, or a later one kept)."""
        if sent_at is None:
            return True
        latest = await self._latest(chat)
        heard = max(sent_at, latest[1] if latest else sent_at)
        return self.now() - heard <= WRITE_WINDOW

    # --- alerts (wardbot.delivery.Deliverer) -------------------------------------------

    async def deliver(self, chat_id: str, replies: Sequence[Reply]) -> None:
        """Push replies to a follower through message/cs, or raise a DeliveryError
        (handlers.base.Answerer.push_alert): news by user id, a message for them alone
        (Reply.personal) as a reply while free."""
        personal = any(reply.personal for reply in replies)
        way = AlertWay(
            render=alert_texts,
            messages=lambda _, texts: [
                functools.partial(self._send_text, chat_id, text, personal=personal)
                for text in texts
            ],
            classify=_retryable,
            failure=self._alert_refused,
            retry=self.reply_retry,
        )
        await self.answerer.push_alert(chat_id, replies, way)

    async def _alert_refused(self, exc: Exception) -> DeliveryError | None:
        """`_alert_failure` of a refusal by Zalo; None: not one."""
        return self._alert_failure(exc) if isinstance(exc, ZaloError) else None

    def _alert_failure(self, exc: ZaloError) -> DeliveryError:
        """What an alert refused by Zalo means for it and the chat (wardbot.outbox)."""
        code = exc.error_code
        if code == NOT_FOLLOWING:
            return ChatUnreachable(str(exc))
        if code in SILENT_TOO_LONG:
            # Zalo's rule, not a fault: nothing reaches this resident until they write to
            # the OA again. An alert is dropped for them (their topics stay); a staff
            # answer waits for them (wardbot.outbox).
            log.info(
                "zalo-oa: a message was refused for a resident who has not written to the OA "
                "for days (%s); alerts to them are dropped, other messages wait",
                exc,
            )
            return AwaitsResident(f"the resident has not written to the OA lately ({exc})")
        if code == NIGHT:
            return RetryLater(until_morning(self.now()), str(exc))
        if code == BAD_PARAMETER:
            return PermanentError(str(exc))
        # Over quota or rate (OVER_QUOTA), Zalo busy or unreachable, a refused token, an
        # unknown code: tried again later, with the outbox's back-off.
        return TransientError(str(exc))
