"""A fake Zalo Official Account API (v3) and OAuth server on 127.0.0.1, and the webhook
sender Zalo is, for end-to-end tests of handlers/zalo_oa.py.

It imitates ../shared/reference/zalo.md §3 and §5: `POST /v4/oa/access_token` (form, the
app's secret in the header `secret_key`) renews the tokens from the current refresh token
only, and voids it (each renewal returns a new one); `POST /v3.0/oa/message/cs` needs a
valid `access_token` header (else `{"error": -216}`), a recipient (`user_id`, or the
`message_id` of a message a resident sent) and 1–2000 characters of text, and answers
`{"error": 0, "message": "Success", "data": {...}}`.

Billing as Zalo's: a send addressed to the `message_id` of a resident's latest message is a
free reply while within FREE_WINDOW of it and fewer than FREE_REPLIES went to it (`Sent.free`);
any other send is billed to the OA as proactive (`oa.billed`). A resident whose latest message
is older than SILENT_LIMIT gets nothing (-230).

Test controls: a resident writes (at a time of the test's choosing), sends a sticker, follows or unfollows (events signed as
Zalo signs them, posted to the bot's webhook); expire the access tokens; revoke the
consent; make sends to a resident fail with an OA error code; look at what was sent.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Self
from urllib.parse import parse_qsl

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from wardbot.web import AsgiServer, bound_socket

APP_ID = "3141592653589793238"
APP_SECRET = "FakeOaAppSecret_Qw3rTy"
SECRET_KEY = "FakeOaSecretKey_As9dF8"
OA_ID = "1234567890123456789"
FIRST_REFRESH = "first-refresh-token_ZxCv"
LIMIT = 2000
FREE_REPLIES = 8
FREE_WINDOW = 48 * 3600.0
SILENT_LIMIT = 7 * 86400.0


def new_token(kind: str) -> str:
    return f"{kind}-{secrets.token_urlsafe(12)}"


@dataclass
class Sent:
    """One message/cs call the fake accepted: to whom (a user id), as a reply to which
    message (None: by user id), what, and whether it was free (else billed as proactive)."""

    user_id: str
    reply_to: str | None
    text: str
    free: bool = False


class FakeZaloOa:
    """`async with FakeZaloOa() as oa:`; point ZALO_OA_API_BASE and ZALO_OA_OAUTH_BASE at
    `oa.base_url`."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock  # wall clock: the time of events, and of Zalo's windows
        self.refresh_token: str | None = FIRST_REFRESH  # the one Zalo accepts now
        self.access_tokens: set[str] = set()
        self.renewals = 0
        self.token_asks = 0  # renewals asked for, refused or not
        self.refused: dict[str, int] = {}  # user -> the OA error code a send to them gets
        # user -> (messages they get, then the OA error code every further send gets)
        self.refused_after: dict[str, tuple[int, int]] = {}
        self.sent: list[Sent] = []
        self.refusals: list[tuple[str, int]] = []  # (user, the OA error code) of each refused
        self.cs_calls: list[str] = []  # the access token of each message/cs call
        # Called with the access token of each message/cs call, before it is answered.
        self.on_send: Callable[[str], None] | None = None
        self._messages: dict[str, str] = {}  # msg_id -> the user who sent it
        # user -> their latest message: its id, when, the free replies it had
        self.latest: dict[str, tuple[str, float, int]] = {}
        self._changed = asyncio.Condition()
        app = Starlette(
            routes=[
                Route("/v4/oa/access_token", self._renew, methods=["POST"]),
                Route("/v3.0/oa/message/cs", self._send, methods=["POST"]),
            ]
        )
        self._server = AsgiServer(app, host="127.0.0.1")

    async def __aenter__(self) -> Self:
        await self._server.start(bound_socket())
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._server.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.port}"

    # --- Zalo's side ----------------------------------------------------------------

    async def _renew(self, request: Request) -> Response:
        self.token_asks += 1
        form = dict(parse_qsl((await request.body()).decode()))  # form-encoded
        if request.headers.get("secret_key") != APP_SECRET or form.get("app_id") != APP_ID:
            return JSONResponse({"error": -14002, "error_name": "Invalid app secret"})
        given = form.get("refresh_token")
        if form.get("grant_type") != "refresh_token" or not given or given != self.refresh_token:
            return JSONResponse(
                {
                    "error": -14014,
                    "error_name": "Invalid refresh token",
                    "error_description": "Refresh token is invalid or expired",
                }
            )
        self.refresh_token = new_token("refresh")
        access = new_token("access")
        self.access_tokens.add(access)
        self.renewals += 1
        return JSONResponse(
            {"access_token": access, "refresh_token": self.refresh_token, "expires_in": "90000"}
        )

    async def _send(self, request: Request) -> Response:
        token = request.headers.get("access_token", "")
        self.cs_calls.append(token)
        if self.on_send is not None:
            self.on_send(token)
        if token not in self.access_tokens:
            return JSONResponse({"error": -216, "message": "Access token is invalid"})
        body = json.loads(await request.body())
        recipient, text = body.get("recipient", {}), body.get("message", {}).get("text", "")
        reply_to = recipient.get("message_id")
        user = self._messages.get(reply_to) if reply_to else recipient.get("user_id")
        if not user or not isinstance(text, str) or not 1 <= len(text) <= LIMIT:
            return JSONResponse({"error": -201, "message": "Parameters are invalid"})
        if user in self.refused:
            self.refusals.append((str(user), self.refused[user]))
            return JSONResponse({"error": self.refused[user], "message": "refused"})
        latest = self.latest.get(str(user))
        if latest is not None and self.clock() - latest[1] > SILENT_LIMIT:
            self.refusals.append((str(user), -230))
            return JSONResponse({"error": -230, "message": "User has not interacted recently"})
        if user in self.refused_after:
            allowed, code = self.refused_after[user]
            if len(self.to(str(user))) >= allowed:
                return JSONResponse({"error": code, "message": "refused"})
        free = (
            latest is not None
            and reply_to == latest[0]
            and self.clock() - latest[1] <= FREE_WINDOW
            and latest[2] < FREE_REPLIES
        )
        if free and latest is not None:
            self.latest[str(user)] = (latest[0], latest[1], latest[2] + 1)
        self.sent.append(Sent(str(user), reply_to, text, free))
        async with self._changed:
            self._changed.notify_all()
        data = {"message_id": secrets.token_hex(16), "user_id": user}
        return JSONResponse({"error": 0, "message": "Success", "data": data})

    # --- test controls --------------------------------------------------------------

    def expire_access(self) -> None:
        """Every access token handed out so far is refused from now on (-216)."""
        self.access_tokens.clear()

    def revoke(self) -> None:
        """The OA's admin withdrew the app's access: no refresh token works any more."""
        self.refresh_token = None
        self.access_tokens.clear()

    @property
    def billed(self) -> list[Sent]:
        """The sends billed to the OA as proactive."""
        return [each for each in self.sent if not each.free]

    def to(self, user: str) -> list[Sent]:
        return [each for each in self.sent if each.user_id == user]

    async def wait_for(self, user: str, count: int = 1, within: float = 30.0) -> list[Sent]:
        """The first `count` messages sent to `user`, once they are."""

        async def wait() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: len(self.to(user)) >= count)

        await asyncio.wait_for(wait(), within)
        return self.to(user)[:count]

    # --- events, as Zalo posts them ---------------------------------------------------

    def event(
        self, name: str, user: str, *, at: float | None = None, **fields: Any
    ) -> dict[str, Any]:
        """An event as Zalo posts it, sent at `at` (wall clock; None: now)."""
        at = self.clock() if at is None else at
        stamp = str(int(at * 1000))
        if name in ("follow", "unfollow"):
            return {
                "app_id": APP_ID,
                "oa_id": OA_ID,
                "follower": {"id": user},
                "user_id_by_app": "9" + user[1:],
                "event_name": name,
                "source": "oa_profile",
                "timestamp": stamp,
            }
        msg_id = secrets.token_hex(16)
        self._messages[msg_id] = user
        if at >= self.latest.get(user, ("", -1.0, 0))[1]:
            self.latest[user] = (msg_id, at, 0)
        return {
            "app_id": APP_ID,
            "user_id_by_app": "9" + user[1:],
            "event_name": name,
            "timestamp": stamp,
            "sender": {"id": user},
            "recipient": {"id": OA_ID},
            "message": {"msg_id": msg_id, **fields},
        }

    def text(self, user: str, text: str, *, at: float | None = None) -> dict[str, Any]:
        return self.event("user_send_text", user, at=at, text=text)

    async def post(
        self, url: str, event: dict[str, Any], *, secret_key: str | None = SECRET_KEY
    ) -> httpx.Response:
        """Post `event` to the bot's webhook, signed with `secret_key` (None: unsigned)."""
        body = json.dumps(event, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json"}
        if secret_key is not None:
            mac = hashlib.sha256(
                APP_ID.encode() + body + event["timestamp"].encode() + secret_key.encode()
            ).hexdigest()
            headers["X-ZEvent-Signature"] = f"mac={mac}"
        async with httpx.AsyncClient() as client:
            return await client.post(url, content=body, headers=headers)
