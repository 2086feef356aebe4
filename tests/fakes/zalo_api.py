"""A fake Zalo Bot Platform API on 127.0.0.1 for end-to-end tests of the real client and bot.

It imitates what ../shared/reference/zalo.md §5 describes: `POST|GET /bot{token}/{method}`
with JSON, form or query parameters; the `{ok, result}` / `{ok: false, error_code,
description}` envelope; a wrong token → 401, an unknown (case-sensitive) method → 404;
getUpdates that waits up to `timeout` and hands out ONE queued update, or 408 "Request
timeout", and fails while a webhook is set; sendMessage that needs `chat_id` and 1–2000
characters of `text`; sendPhoto, sendSticker, sendChatAction; setWebhook that wants an
https URL and an 8–256 character secret.

Test controls: queue a resident's text, sticker, image or unsupported message; post a
webhook delivery to the bot (wrapped or bare, with or without the secret header); make
the next N calls fail, or every call until recovered (429, 5xx, any code; HTTP 200 or
HTTP = error_code; even a non-JSON page); block a chat; slow a method down or hold it until released; wait for the bot's
replies.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import httpx
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from fakes.server import FakeApiServer

BOT_ID = "4213657089215436870"
# getMe's account_name is the bot's account handle, as in Zalo's docs ("bot.VDKyGxQvc"),
# not the name residents see: that one (given in Bot Creator, starting with "Bot") is what
# they write in a group, "@Bot Phường 2 ...", and getMe does not return it.
ACCOUNT_NAME = "bot.VDKyGxQvc"
DISPLAY_NAME = "Bot Phường 2"
TOKEN = f"{BOT_ID}:FakeZaloBotSecret_k3Jx9QwE7pL2"
MESSAGE_LIMIT = 2000
SECRET_HEADER = "X-Bot-Api-Secret-Token"
MAX_POLL_SECONDS = 60.0
TEXT = "message.text.received"
IMAGE = "message.image.received"
STICKER = "message.sticker.received"
UNSUPPORTED = "message.unsupported.received"
VOICE = "message.voice.received"

REGISTERED = object()  # post_webhook(secret=REGISTERED): the secret the bot gave setWebhook


def now_ms() -> int:
    return int(time.time() * 1000)


def new_id() -> str:
    """An opaque 20-hex-digit id, as Zalo's message ids look."""
    return secrets.token_hex(10)


class ApiError(Exception):
    def __init__(self, code: int, description: str, *, retry_after: float | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after


@dataclass
class Call:
    """One request the bot made: method, parameters, Zalo's answer (`code` 200 when ok)."""

    method: str
    params: dict[str, Any]
    code: int = 200
    http_status: int = 200
    result: Any = None
    at: float = field(default_factory=time.monotonic)

    @property
    def ok(self) -> bool:
        return self.code == 200

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))

    @property
    def chat_id(self) -> str | None:
        chat = self.params.get("chat_id")
        return str(chat) if chat is not None else None


@dataclass
class _Fault:
    code: int
    description: str
    times: int | None  # None: until recover()
    method: str | None
    http_status: int | None
    html: bool
    retry_after: float | None
    after: int = 0  # calls still let through before it starts
    oa_style: bool = False  # answered as the OA API answers: {error, message, data}


class FakeZaloApi(FakeApiServer):
    """Start with `async with FakeZaloApi() as api:`; point the bot at `api.base_url`.

    `errors_with_http_200`: answer every error with HTTP 200 (only the JSON says it failed);
    otherwise the HTTP status is the error code, 408 included.
    """

    def __init__(self, token: str = TOKEN, *, errors_with_http_200: bool = False) -> None:
        super().__init__()
        self.token = token
        self.errors_with_http_200 = errors_with_http_200
        self.webhook: dict[str, Any] = {"url": "", "updated_at": now_ms()}
        self.blocked: dict[str, int] = {}
        self._faults: list[_Fault] = []
        self._delays: dict[str, float] = {}
        self._holds: dict[str, asyncio.Event] = {}
        # (method, chat id) whose requests wait, undone, in `held` until `drop_held()`.
        self._chat_holds: set[tuple[str, str]] = set()
        self.held: list[Call] = []
        self.holding: list[Call] = []  # requests `hold` kept waiting (answered once released)
        self._dropped = asyncio.Event()
        self._updates: list[dict[str, Any]] = []

    def _on_close(self) -> None:
        for hold in self._holds.values():
            hold.set()
        self._dropped.set()

    @property
    def base_url(self) -> str:
        """What ZALO_BOT_API_BASE would be: requests go to `{base_url}/bot{token}/{method}`."""
        return f"http://127.0.0.1:{self.port}"

    # --- what residents do ------------------------------------------------------------

    def update(
        self,
        event_name: str,
        chat_id: str,
        *,
        user_id: str | None = None,
        message_id: str | None = None,
        group: bool = False,
        **fields: Any,
    ) -> dict[str, Any]:
        """An update as Zalo sends it (not queued): `{event_name, message}`."""
        sender = user_id or chat_id
        return {
            "event_name": event_name,
            "message": {
                "message_id": message_id or new_id(),
                "date": now_ms(),
                "from": {"id": sender, "display_name": "Dân phường 2", "is_bot": False},
                "chat": {"id": chat_id, "chat_type": "GROUP" if group else "PRIVATE"},
                **fields,
            },
        }

    def send_text(self, chat_id: str, text: str, **kwargs: Any) -> dict[str, Any]:
        """A resident writes `text`: queued for getUpdates; returns the update."""
        return self.push(self.update(TEXT, chat_id, text=text, **kwargs))

    def send_sticker(self, chat_id: str, **kwargs: Any) -> dict[str, Any]:
        sticker = {"sticker": "bfe7a3e1d3b55e0b07a4", "url": "https://zalo-api.zadn.vn/s/1.png"}
        return self.push(self.update(STICKER, chat_id, **sticker, **kwargs))

    def send_image(self, chat_id: str, caption: str | None = None, **kwargs: Any) -> dict[str, Any]:
        # The docs say `photo`; python-zalo-bot and OpenClaw read `photo_url`: send both.
        url = "https://photo-stal-1.zadn.vn/w600/anh-cccd.jpg"
        image: dict[str, Any] = {"photo": url, "photo_url": url}
        if caption is not None:
            image["caption"] = caption
        return self.push(self.update(IMAGE, chat_id, **image, **kwargs))

    def send_voice(self, chat_id: str, **kwargs: Any) -> dict[str, Any]:
        """A voice message: its recording's address (`voice_url`), no text."""
        voice = {"voice_url": "https://voice-stal-1.zadn.vn/ghi-am.aac"}
        return self.push(self.update(VOICE, chat_id, **voice, **kwargs))

    def send_unsupported(self, chat_id: str, **kwargs: Any) -> dict[str, Any]:
        """What Zalo sends instead of the content for protected users (e.g. children)."""
        return self.push(self.update(UNSUPPORTED, chat_id, **kwargs))

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue any update (a repeated one too) for the next getUpdates."""
        self._updates.append(update)
        asyncio.get_running_loop().create_task(self._notify())
        return update

    async def post_webhook(
        self,
        url: str,
        update: dict[str, Any],
        *,
        secret: object = REGISTERED,
        wrapped: bool = True,
    ) -> httpx.Response:
        """POST `update` to the bot's webhook at `url`, as Zalo does.

        `wrapped`: as `{"ok": true, "result": update}` (the docs' sample) or bare (what
        OpenClaw says arrives). `secret`: the header's value; by default the secret the
        bot registered with setWebhook; None sends no header.
        """
        if secret is REGISTERED:
            secret = self.webhook.get("secret_token")
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers[SECRET_HEADER] = str(secret)
        body = {"ok": True, "result": update} if wrapped else update
        async with httpx.AsyncClient() as client:
            return await client.post(url, content=json.dumps(body), headers=headers)

    # --- test controls ----------------------------------------------------------------

    def fail(
        self,
        code: int,
        *,
        times: int | None = 1,
        method: str | None = None,
        http_status: int | None = None,
        description: str | None = None,
        retry_after: float | None = None,
        html: bool = False,
        after: int = 0,
        oa_style: bool = False,
    ) -> None:
        """Answer the next `times` calls (of `method`, or any) with error `code`;
        `times=None`: every call, until `recover()`. `after`: let that many calls through
        first (the second part of a long message fails, say).

        `http_status`: the HTTP status sent with it (default: 200 if errors_with_http_200,
        else `code`). `html`: a proxy's HTML error page instead of the JSON envelope.
        `oa_style`: `{"error": code, "message": description, "data": {}}` with HTTP 200,
        as the OA API answers (one project's notes say some Bot API errors come so;
        ../shared/reference/zalo.md §6), `code` being an OA code such as -216.
        """
        if description is None:
            description = {
                400: "Bad Request",
                401: "Unauthorized",
                403: "Internal Server Error",  # sic: the docs label 403 this way
                404: "Not Found",
                429: "Too Many Requests: quota exceeded",
            }.get(code, "Internal Server Error" if code >= 500 else "Error")
        self._faults.append(
            _Fault(
                code, description, times, method, http_status, html, retry_after, after, oa_style
            )
        )

    def recover(self, method: str | None = None) -> None:
        """Forget the failures planned for `method` (None: those planned for any method)."""
        self._faults = [fault for fault in self._faults if fault.method != method]

    def block(self, chat_id: str, code: int = 403) -> None:
        """Sends to `chat_id` fail with `code` from now on (the resident left, blocked...)."""
        self.blocked[chat_id] = code

    def slow(self, method: str, seconds: float) -> None:
        """Answer `method` only after `seconds`."""
        self._delays[method] = seconds

    def hold(self, method: str) -> asyncio.Event:
        """Keep `method`'s requests waiting until the returned event is set."""
        return self._holds.setdefault(method, asyncio.Event())

    def hold_chat(self, method: str, chat_id: str) -> None:
        """Keep every `method` request to `chat_id` waiting, undone, in `held`: the bot is
        stuck there (a slow network) when the test kills it."""
        self._chat_holds.add((method, chat_id))

    def drop_held(self) -> None:
        """The requests held are answered 502, undone (their bot is gone); no more holds."""
        self._chat_holds.clear()
        self._dropped.set()

    # --- inspection -------------------------------------------------------------------

    def sent(self, chat_id: str | None = None, *, since: int = 0) -> list[Call]:
        """Messages the bot sent successfully (sendMessage), optionally to one chat."""
        return [
            c
            for c in self.calls[since:]
            if c.method == "sendMessage" and c.ok and chat_id in (None, c.chat_id)
        ]

    @property
    def pending_updates(self) -> int:
        return len(self._updates)

    def _calls_so_far(self) -> list[Any]:
        return [(c.method, c.code) for c in self.calls if c.method != "getUpdates"]

    async def say(
        self, chat_id: str, text: str, count: int = 1, *, within: float = 30.0, **kwargs: Any
    ) -> list[Call]:
        """A resident sends `text` (polling); returns the bot's first `count` replies."""
        mark = len(self.calls)
        self.send_text(chat_id, text, **kwargs)
        return (await self.replies(chat_id, count, since=mark, within=within))[:count]

    # --- the API ----------------------------------------------------------------------

    async def _endpoint(self, request: Request) -> Response:
        method = request.path_params["method"]
        call = Call(method, await self._params(request))
        html, http_status, oa_style = False, None, False
        try:
            if request.path_params["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            if method in self._delays:
                await asyncio.sleep(self._delays[method])
            if method in self._holds:
                if not self._holds[method].is_set():
                    self.holding.append(call)
                    await self._notify()
                await self._holds[method].wait()
            if (method, str(call.params.get("chat_id"))) in self._chat_holds:
                self.held.append(call)
                await self._notify()
                await self._dropped.wait()
                return JSONResponse({"ok": False, "error_code": 502}, status_code=502)
            fault = self._take_fault(method)
            if fault is not None:
                # A proxy's error page comes with its own status, never a 200.
                html, oa_style = fault.html, fault.oa_style
                http_status = fault.http_status or (fault.code if html else None)
                if oa_style:
                    http_status = fault.http_status or 200
                raise ApiError(fault.code, fault.description, retry_after=fault.retry_after)
            result = await self._handle(method, call.params, request)
        except ApiError as exc:
            call.code = exc.code
            call.http_status = http_status or self._error_status(exc.code)
            await self._record(call)
            if html:
                page = f"<html><body><h1>{exc.code} {exc.description}</h1></body></html>"
                return HTMLResponse(page, status_code=call.http_status)
            if oa_style:
                oa = {"error": exc.code, "message": exc.description, "data": {}}
                return JSONResponse(oa, status_code=call.http_status)
            body: dict[str, Any] = {
                "ok": False,
                "error_code": exc.code,
                "description": exc.description,
            }
            if exc.retry_after is not None:
                body["parameters"] = {"retry_after": exc.retry_after}
            return JSONResponse(body, status_code=call.http_status)
        call.result = result
        await self._record(call)
        if method == "sendChatAction":
            return JSONResponse({"ok": True})  # no `result` at all, as documented
        return JSONResponse({"ok": True, "result": result})

    def _error_status(self, code: int) -> int:
        return 200 if self.errors_with_http_200 else code

    def _take_fault(self, method: str) -> _Fault | None:
        for fault in self._faults:
            if fault.method in (None, method):
                if fault.after > 0:
                    fault.after -= 1
                    return None
                if fault.times is None:
                    return fault
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    @staticmethod
    async def _params(request: Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query_params)
        body = await request.body()
        if not body:
            return params
        if request.headers.get("content-type", "").startswith("application/json"):
            loaded = json.loads(body)
            if isinstance(loaded, dict):
                params.update(loaded)
            return params
        params.update(parse_qsl(body.decode(), keep_blank_values=True))
        return params

    async def _handle(
        self, method: str, params: dict[str, Any], request: Request | None = None
    ) -> Any:
        match method:  # case-sensitive, as Zalo's
            case "getMe":
                return {
                    "id": BOT_ID,
                    "account_name": ACCOUNT_NAME,
                    "account_type": "BASIC",
                    "can_join_groups": False,
                }
            case "getUpdates":
                return await self._get_updates(params, request)
            case "setWebhook":
                url, secret = str(params.get("url") or ""), str(params.get("secret_token") or "")
                if not url.startswith("https://"):
                    raise ApiError(400, "Bad Request: url must be an https URL")
                if not 8 <= len(secret) <= 256:
                    raise ApiError(400, "Bad Request: secret_token must have 8-256 characters")
                self.webhook = {"url": url, "secret_token": secret, "updated_at": now_ms()}
                return {"url": url, "updated_at": self.webhook["updated_at"]}
            case "deleteWebhook":
                self.webhook = {"url": "", "updated_at": now_ms()}
                return dict(self.webhook)
            case "getWebhookInfo":
                return {"url": self.webhook["url"], "updated_at": self.webhook["updated_at"]}
            case "sendMessage":
                self._chat(params)
                self._text(params.get("text"), "text", required=True)
                return {"message_id": new_id(), "date": now_ms()}
            case "sendPhoto":
                self._chat(params)
                photo = str(params.get("photo") or "")
                if not photo.startswith(("https://", "http://")):
                    raise ApiError(400, "Bad Request: photo must be a public image URL")
                self._text(params.get("caption"), "caption", required=False)
                return {"message_id": new_id(), "date": now_ms()}
            case "sendSticker":
                self._chat(params)
                if not params.get("sticker"):
                    raise ApiError(400, "Bad Request: sticker is required")
                return {"message_id": new_id(), "date": now_ms()}
            case "sendChatAction":
                self._chat(params)
                if params.get("action") not in ("typing", "upload_photo"):
                    raise ApiError(400, "Bad Request: action must be typing")
                return None
        raise ApiError(404, "Not Found")

    def _chat(self, params: dict[str, Any]) -> str:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, str | int) or not str(chat_id).strip():
            raise ApiError(400, "Bad Request: chat_id is required")
        chat_id = str(chat_id)
        if chat_id in self.blocked:
            code = self.blocked[chat_id]
            raise ApiError(code, {404: "Not Found"}.get(code, "Forbidden"))
        return chat_id

    @staticmethod
    def _text(value: object, name: str, *, required: bool) -> None:
        if value is None and not required:
            return
        if not isinstance(value, str) or not value:
            raise ApiError(400, f"Bad Request: {name} is required")
        if len(value) > MESSAGE_LIMIT:
            raise ApiError(400, f"Bad Request: {name} must have at most 2000 characters")

    async def _get_updates(
        self, params: dict[str, Any], request: Request | None = None
    ) -> dict[str, Any]:
        """Long polling: the oldest update, once one comes. A poller that went away while
        waiting (a bot process stopped) takes nothing: the update stays for the next."""
        if self.webhook["url"]:
            raise ApiError(400, "Bad Request: a webhook is set; call deleteWebhook first")
        try:
            timeout = min(float(params.get("timeout") or 30), MAX_POLL_SECONDS)
        except ValueError:
            raise ApiError(400, "Bad Request: timeout must be a number of seconds") from None
        if not self._updates and not self._closing:
            async with self._changed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        self._changed.wait_for(lambda: bool(self._updates) or self._closing),
                        timeout,
                    )
        if not self._updates or (request is not None and await request.is_disconnected()):
            raise ApiError(408, "Request timeout")
        return self._updates.pop(0)
