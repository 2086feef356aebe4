"""A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests of the real bot.

It speaks enough of the Bot API for python-telegram-bot's Application: getMe,
deleteWebhook/setWebhook, long-polled getUpdates with offsets, sendMessage,
sendChatAction, answerCallbackQuery, editMessageText, setMyCommands. It checks what
Telegram checks (message length after HTML parsing, HTML well-formedness, callback_data
size, the token), records every call, and can be told to answer 429, 403 or 404 (for
a number of calls or until told to recover), or late.

Optionally (`rate_limit=30`) it enforces Telegram's overall limit as a sliding one-second
window: a sendMessage beyond `rate_limit` in the last second gets 429 with retry_after.
`delivered` counts the messages each chat received, `throttled` the 429s that limit gave.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import re
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from html import unescape
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse

from fakes.server import FakeApiServer

BOT_ID = 7000000001
TOKEN = "7000000001:AAFakeTokenForTests_x9"
JSON_PARAMS = {
    "reply_markup",
    "entities",
    "allowed_updates",
    "commands",
    "reply_parameters",
    "link_preview_options",
    "scope",
}
HTML_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre"}
HTML_TAGS |= {"tg-spoiler", "span", "blockquote", "tg-emoji"}
_TAG = re.compile(r"<(/?)([a-zA-Z-]+)((?:\s[^<>]*)?)>")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


class ApiError(Exception):
    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.retry_after = status, description, retry_after


@dataclass
class Call:
    """One request the bot made: method, decoded parameters, the status we answered."""

    method: str
    params: dict[str, Any]
    status: int = 200
    result: Any = None
    at: float = field(default_factory=time.monotonic)

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))

    @property
    def chat_id(self) -> int | None:
        chat = self.params.get("chat_id")
        return int(chat) if chat is not None else None

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback_data) of every inline button, in order."""
        markup = self.params.get("reply_markup") or {}
        return [
            (button["text"], button.get("callback_data", ""))
            for row in markup.get("inline_keyboard", [])
            for button in row
        ]


@dataclass
class _Failure:
    status: int
    description: str
    retry_after: int | None
    times: int | None  # None: until recover()


def visible_text(text: str) -> str:
    """The text a user sees for an HTML-formatted message; ApiError where Telegram fails."""
    out: list[str] = []
    stack: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "<":
            tag = _TAG.match(text, i)
            if tag is None or tag.group(2).lower() not in HTML_TAGS:
                raise ApiError(400, f"Bad Request: can't parse entities: unsupported tag at {i}")
            name = tag.group(2).lower()
            if tag.group(1):
                if not stack or stack.pop() != name:
                    raise ApiError(400, f"Bad Request: can't parse entities: unexpected </{name}>")
            else:
                stack.append(name)
            i = tag.end()
        elif ch == "&":
            entity = _ENTITY.match(text, i)
            if entity is None:
                raise ApiError(400, f"Bad Request: can't parse entities: bare & at {i}")
            out.append(unescape(entity.group(0)))
            i = entity.end()
        elif ch == ">":
            raise ApiError(400, f"Bad Request: can't parse entities: bare > at {i}")
        else:
            out.append(ch)
            i += 1
    if stack:
        raise ApiError(400, f"Bad Request: can't parse entities: <{stack[-1]}> not closed")
    return "".join(out)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class FakeBotApi(FakeApiServer):
    """Start with `async with FakeBotApi() as api:`; point the bot at `api.base_url`."""

    def __init__(
        self,
        token: str = TOKEN,
        username: str = "phuong2_test_bot",
        *,
        rate_limit: int | None = None,
    ) -> None:
        super().__init__()
        self.token = token
        self.username = username
        # sendMessage calls let through per rolling second overall; None: no limit (default).
        self.rate_limit = rate_limit
        self.delivered: Counter[int] = Counter()  # chat id -> messages sent to it (200)
        self.throttled = 0  # 429s answered because of rate_limit
        self._recent_sends: deque[float] = deque()  # monotonic times, within the last second
        self.commands: list[dict[str, str]] = []
        self.webhook: dict[str, Any] = {}
        self.blocked: set[int] = set()
        self._failures: dict[str, list[_Failure]] = {}
        self._delays: dict[str, float] = {}
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._query_ids = itertools.count(555000)
        self._chats: dict[int, dict[str, Any]] = {}

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def bot_user(self) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Trợ lý Phường 2",
            "username": self.username,
        }

    # --- what residents do ------------------------------------------------------------

    def chat(self, chat_id: int, *, group: bool = False) -> dict[str, Any]:
        if group:
            chat = {"id": chat_id, "type": "supergroup", "title": "Tổ dân phố 3"}
        else:
            chat = {"id": chat_id, "type": "private", "first_name": "Dân"}
        return self._chats.setdefault(chat_id, chat)

    def _message(
        self, chat_id: int, user_id: int | None, group: bool, **fields: Any
    ) -> dict[str, Any]:
        user = user_id if user_id is not None else abs(chat_id)
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat(chat_id, group=group),
            "from": {"id": user, "is_bot": False, "first_name": "Dân", "language_code": "vi"},
            **fields,
        }

    def send_text(
        self,
        chat_id: int,
        text: str,
        *,
        group: bool = False,
        user_id: int | None = None,
        reply_to_bot: bool = False,
    ) -> dict[str, Any]:
        """Queue a text message; commands and @mentions get their entities, as Telegram does."""
        entities = []
        command = re.match(r"/[A-Za-z0-9_]+(?:@\w+)?", text)
        if command:
            entities.append(
                {"type": "bot_command", "offset": 0, "length": utf16_len(command.group(0))}
            )
        for mention in re.finditer(r"@\w+", text):
            if command and mention.start() < command.end():
                continue
            offset = utf16_len(text[: mention.start()])
            entities.append(
                {"type": "mention", "offset": offset, "length": utf16_len(mention.group(0))}
            )
        fields: dict[str, Any] = {"text": text}
        if entities:
            fields["entities"] = entities
        if reply_to_bot:
            earlier = self._message(chat_id, None, group, text="(tin nhắn trước của bot)")
            earlier["from"] = self.bot_user
            fields["reply_to_message"] = earlier
        return self.push({"message": self._message(chat_id, user_id, group, **fields)})

    def send_sticker(self, chat_id: int, *, group: bool = False) -> dict[str, Any]:
        sticker = {
            "file_id": "CAACAgIAAxkBAAEBsticker",
            "file_unique_id": "AgADsticker",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "👍",
        }
        return self.push({"message": self._message(chat_id, None, group, sticker=sticker)})

    def press(
        self,
        chat_id: int,
        data: str,
        message: Call | None = None,
        *,
        group: bool = False,
        user_id: int | None = None,
    ) -> dict[str, Any]:
        """Press a button with `data` under a message the bot sent (by default a stand-in)."""
        shown = self._message(chat_id, None, group, text=message.text if message else "…")
        shown["from"] = self.bot_user
        if message is not None and isinstance(message.result, dict):
            shown["message_id"] = message.result["message_id"]
        user = user_id if user_id is not None else abs(chat_id)
        query = {
            "id": str(next(self._query_ids)),
            "from": {"id": user, "is_bot": False, "first_name": "Dân"},
            "chat_instance": f"ci{chat_id}",
            "message": shown,
            "data": data,
        }
        return self.push({"callback_query": query})

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": next(self._update_ids), **update}
        self._updates.append(update)
        asyncio.get_running_loop().create_task(self._notify())
        return update

    # --- test controls ----------------------------------------------------------------

    def fail(
        self,
        method: str,
        status: int,
        *,
        times: int | None = 1,
        retry_after: int | None = None,
        description: str | None = None,
    ) -> None:
        """Answer the next `times` calls of `method` with an error (429 takes retry_after);
        `times=None`: every call, until `recover(method)`."""
        if description is None:
            description = {
                429: f"Too Many Requests: retry after {retry_after}",
                403: "Forbidden: bot was blocked by the user",
                401: "Unauthorized",
                404: "Not Found",
            }.get(status, "Bad Request")
        self._failures.setdefault(method.lower(), []).append(
            _Failure(status, description, retry_after, times)
        )

    def recover(self, method: str) -> None:
        """Answer `method` normally again (drop the failures still pending)."""
        self._failures.pop(method.lower(), None)

    def slow(self, method: str, seconds: float) -> None:
        """Answer `method` only after `seconds` (what it does is done, and recorded, then)."""
        self._delays[method.lower()] = seconds

    def block(self, chat_id: int) -> None:
        """The resident blocked the bot: every send to the chat gets 403."""
        self.blocked.add(chat_id)

    # --- inspection -------------------------------------------------------------------

    def sent(self, chat_id: int | None = None, *, since: int = 0) -> list[Call]:
        """Messages the bot sent successfully (sendMessage), optionally to one chat."""
        return [
            c
            for c in self.calls[since:]
            if c.method == "sendMessage" and c.status == 200 and chat_id in (None, c.chat_id)
        ]

    async def say(
        self, chat_id: int, text: str, count: int = 1, *, within: float = 5.0, **kwargs: Any
    ) -> list[Call]:
        """A resident sends `text`; returns the bot's `count` replies."""
        mark = len(self.calls)
        self.send_text(chat_id, text, **kwargs)
        return await self.replies(chat_id, count, since=mark, within=within)

    # --- the API ----------------------------------------------------------------------

    async def _endpoint(self, request: Request) -> JSONResponse:
        method = request.path_params["method"]
        params = await self._params(request)
        call = Call(method, params)
        try:
            if request.path_params["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            if method.lower() in self._delays:
                await asyncio.sleep(self._delays[method.lower()])
            self._maybe_fail(method, params)
            self._throttle(method)
            result = await self._handle(method, params)
        except ApiError as exc:
            call.status = exc.status
            body: dict[str, Any] = {
                "ok": False,
                "error_code": exc.status,
                "description": exc.description,
            }
            if exc.retry_after is not None:
                body["parameters"] = {"retry_after": exc.retry_after}
            await self._record(call)
            return JSONResponse(body, status_code=exc.status)
        call.result = result
        await self._record(call)
        return JSONResponse({"ok": True, "result": result})

    async def _record(self, call: Call) -> None:
        if call.status == 200 and call.method.lower() == "sendmessage":
            self.delivered[int(call.params["chat_id"])] += 1
        await super()._record(call)

    @staticmethod
    async def _params(request: Request) -> dict[str, Any]:
        body = await request.body()
        params: dict[str, Any] = dict(request.query_params)
        if request.headers.get("content-type", "").startswith("application/json"):
            params.update(json.loads(body or b"{}"))
            return params
        for key, value in parse_qsl(body.decode(), keep_blank_values=True):
            params[key] = json.loads(value) if key in JSON_PARAMS else value
        return params

    def _maybe_fail(self, method: str, params: dict[str, Any]) -> None:
        chat = params.get("chat_id")
        sends = ("sendMessage", "sendChatAction", "editMessageText")
        if method in sends and chat is not None and int(chat) in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        pending = self._failures.get(method.lower())
        if pending:
            failure = pending[0]
            if failure.times is not None:
                failure.times -= 1
                if failure.times <= 0:
                    pending.pop(0)
            raise ApiError(failure.status, failure.description, failure.retry_after)

    def _throttle(self, method: str) -> None:
        """With `rate_limit`: a sendMessage over the limit of the last second gets 429."""
        if self.rate_limit is None or method.lower() != "sendmessage":
            return
        now = time.monotonic()
        recent = self._recent_sends
        while recent and recent[0] <= now - 1.0:
            recent.popleft()
        if len(recent) >= self.rate_limit:
            self.throttled += 1
            wait = max(1, math.ceil(recent[0] + 1.0 - now))
            raise ApiError(429, f"Too Many Requests: retry after {wait}", wait)
        recent.append(now)

    async def _handle(self, method: str, params: dict[str, Any]) -> Any:
        match method.lower():
            case "getme":
                return {
                    **self.bot_user,
                    "can_join_groups": True,
                    "can_read_all_group_messages": False,
                    "supports_inline_queries": False,
                }
            case "deletewebhook":
                self.webhook = {}
                return True
            case "setwebhook":
                self.webhook = dict(params)
                return True
            case "getupdates":
                return await self._get_updates(params)
            case "sendmessage":
                return self._message_result(params)
            case "editmessagetext":
                result = self._message_result(params)
                result["message_id"] = int(params["message_id"])
                return result
            case "sendchataction" | "answercallbackquery":
                return True
            case "setmycommands":
                for command in params.get("commands", []):
                    if not re.fullmatch(r"[a-z0-9_]{1,32}", command["command"]):
                        raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
                    if not 1 <= len(command["description"]) <= 256:
                        raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
                self.commands = list(params.get("commands", []))
                return True
            case "close" | "logout":
                return True
        raise ApiError(404, "Not Found")

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 30.0)
        limit = int(params.get("limit") or 100)
        if offset:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if not self._updates and timeout > 0 and not self._closing:
            async with self._changed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        self._changed.wait_for(lambda: bool(self._updates) or self._closing),
                        timeout,
                    )
        return self._updates[:limit]

    def _message_result(self, params: dict[str, Any]) -> dict[str, Any]:
        text = str(params.get("text", ""))
        shown = visible_text(text) if str(params.get("parse_mode", "")).upper() == "HTML" else text
        if not shown.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_len(shown) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        for row in (params.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        chat_id = int(params["chat_id"])
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chats.get(chat_id, {"id": chat_id, "type": "private"}),
            "from": self.bot_user,
            "text": shown,
        }
