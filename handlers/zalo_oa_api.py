"""A thin async client for a Zalo Official Account's API v3 and the tokens it needs.

Calls go to `API_BASE/v3.0/oa/...` with the header `access_token`, answered
`{"error": 0, "message": "Success", "data": {...}}` or a non-zero `error` (the OA API's
codes, ../shared/reference/zalo.md §3), raised as handlers.zalo_api's exceptions (the
code kept in `error_code`): -216/-220 an invalid or expired token (renewed once here, and
the call tried again), -211/-32 over quota or rate, -213 not a follower, -230/-232 no
recent interaction, -234 night-time.

The access token lasts 25 hours; renewing it (`OAUTH_BASE/v4/oa/access_token`, the app's
secret in the header `secret_key`) returns a new refresh token and voids the old one. The
new pair is written to the data folder (`TokenFile`: mode 600, written aside then moved
over) before the new access token is used, so that a bot killed at any moment restarts
with the refresh token Zalo still accepts; the stored one wins over ZALO_OA_REFRESH_TOKEN
once there is one. No token ever appears in an exception, a repr or a log line.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx

from handlers.zalo_api import (
    DEFAULT_TIMEOUT,
    NetworkError,
    Unavailable,
    ZaloError,
    as_float,
    as_int,
    error_for,
)
from wardbot.process import keep_private, partial_file

log = logging.getLogger(__name__)

TOKEN_FILE = "zalo-oa-token.json"  # noqa: S105 - a file name
# Renewed this long before Zalo says the access token expires (its clock and ours differ,
# and a call takes time).
RENEW_BEFORE = 3600.0
EXPIRED = frozenset({-216, -220})  # the access token invalid or expired


class RefreshRefused(ZaloError):
    """Zalo refuses the refresh token for good (consent revoked, the token voided or
    mistyped): only a new consent on developers.zalo.me gives the OA back to the bot."""


@dataclass(frozen=True)
class Tokens:
    refresh_token: str
    access_token: str = ""
    expires_at: float = 0.0  # wall-clock time (time.time), 0: none yet
    # Which ZALO_OA_REFRESH_TOKEN these descend from (`origin_of`): a new one set by staff
    # after a new consent wins over the tokens renewed from the old one.
    origin: str = ""


def origin_of(refresh_token: str) -> str:
    """A short digest naming a refresh token without holding it."""
    return hashlib.sha256(refresh_token.encode()).hexdigest()[:16]


class TokenFile:
    """The OA's tokens in the data folder, as JSON, readable by the bot's user only."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> Tokens | None:
        """The stored tokens; None when there are none (or they are unreadable: said).
        Made the bot's user's alone first when others may read them (restored from a
        backup with `cp`): with them anyone writes as the ward to its followers."""
        keep_private([self.path])
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return Tokens(
                str(data["refresh_token"]),
                str(data.get("access_token") or ""),
                float(data.get("expires_at") or 0.0),
                str(data.get("origin") or ""),
            )
        except FileNotFoundError:
            return None
        except (OSError, ValueError, TypeError, KeyError) as exc:
            log.error(
                "zalo-oa: the stored tokens in %s cannot be read (%s); using ZALO_OA_REFRESH_TOKEN",
                self.path,
                type(exc).__name__,
            )
            return None

    def write(self, tokens: Tokens) -> None:
        """Written whole or not at all (a kill mid-write leaves the last good copy)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        body = {
            "refresh_token": tokens.refresh_token,
            "access_token": tokens.access_token,
            "expires_at": tokens.expires_at,
            "origin": tokens.origin,
        }
        with partial_file(self.path, mode=0o600) as out:
            out.write(json.dumps(body).encode())


class ZaloOaApi:
    """One Official Account's API. `aclose()` when done."""

    def __init__(
        self,
        app_id: str,
        app_secret: str,
        refresh_token: str,
        token_file: TokenFile,
        *,
        api_base: str,
        oauth_base: str,
        timeout: float = DEFAULT_TIMEOUT,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.app_id = app_id
        self._app_secret = str(app_secret)
        self.token_file = token_file
        self.api_base = api_base.rstrip("/")
        self.oauth_base = oauth_base.rstrip("/")
        self.clock = clock
        origin = origin_of(str(refresh_token))
        stored = token_file.read()
        if stored is not None and stored.origin == origin:
            self._tokens = stored
        else:  # the first start, or staff set a new refresh token since
            self._tokens = Tokens(str(refresh_token), origin=origin)
        self._renewing = asyncio.Lock()
        self._http = httpx.AsyncClient(timeout=timeout)

    def __repr__(self) -> str:
        return f"ZaloOaApi(app_id={self.app_id!r})"

    async def aclose(self) -> None:
        await self._http.aclose()

    def _open(self) -> None:
        if self._http.is_closed:
            self._http = httpx.AsyncClient(timeout=self._http.timeout)

    # --- tokens ---------------------------------------------------------------------

    async def access_token(self) -> str:
        """An access token good for a while yet, renewed first when it is not."""
        if self._tokens.access_token and self._tokens.expires_at - RENEW_BEFORE > self.clock():
            return self._tokens.access_token
        return await self.renew(self._tokens.access_token)

    async def renew(self, stale: str = "") -> str:
        """A new access token, unless another call renewed `stale` meanwhile. Stored
        (with the new refresh token) before it is returned. RefreshRefused when Zalo
        refuses the refresh token; Unavailable and such when it cannot be asked now."""
        async with self._renewing:
            if self._tokens.access_token != stale and self._tokens.access_token:
                return self._tokens.access_token
            body = await self._post(
                f"{self.oauth_base}/v4/oa/access_token",
                "renew the access token",
                data={
                    "app_id": self.app_id,
                    "grant_type": "refresh_token",
                    "refresh_token": self._tokens.refresh_token,
                },
                headers={"secret_key": self._app_secret},
            )
            access, refresh = body.get("access_token"), body.get("refresh_token")
            if not isinstance(access, str) or not access or not isinstance(refresh, str):
                code = as_int(body.get("error"))
                why = str(body.get("error_description") or body.get("error_name") or "")
                if code in (-32, 429):
                    raise error_for(-32, why or "rate limited", "access_token")
                raise RefreshRefused(why or "no token in the answer", code, "access_token")
            expires_in = as_float(body.get("expires_in")) or 90000.0
            tokens = Tokens(refresh, access, self.clock() + expires_in, self._tokens.origin)
            # Zalo voided the old refresh token: the new one is kept before anything else.
            try:
                self.token_file.write(tokens)
            except OSError as exc:
                log.error(
                    "zalo-oa: the renewed refresh token cannot be stored in %s (%s): the bot "
                    "works until it stops, then needs a new ZALO_OA_REFRESH_TOKEN",
                    self.token_file.path,
                    type(exc).__name__,
                )
            self._tokens = tokens
            log.info("zalo-oa: access token renewed")
            return access

    # --- calls ----------------------------------------------------------------------

    async def call(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        """POST `payload` to `API_BASE/path`; the answer's `data`, or a ZaloError. An
        invalid or expired access token is renewed once, and the call tried again; it is
        not used again should the renewal fail (the next `access_token` asks Zalo anew)."""
        token = await self.access_token()
        try:
            return await self._call(path, payload, token)
        except ZaloError as exc:
            if exc.error_code not in EXPIRED:
                raise
        if self._tokens.access_token == token:  # not renewed by another call meanwhile
            self._tokens = replace(self._tokens, access_token="")
        return await self._call(path, payload, await self.renew(token))

    async def _call(self, path: str, payload: dict[str, Any], token: str) -> dict[str, Any]:
        body = await self._post(
            f"{self.api_base}/{path}", path, json=payload, headers={"access_token": token}
        )
        code = as_int(body.get("error"))
        if code:
            raise error_for(code, str(body.get("message") or "no description"), path)
        data = body.get("data")
        return data if isinstance(data, dict) else {}

    async def _post(self, url: str, what: str, **request: Any) -> dict[str, Any]:
        self._open()
        try:
            response = await self._http.post(url, **request)
        except httpx.TimeoutException as exc:
            raise NetworkError(f"no answer in time ({type(exc).__name__})", None, what) from None
        except httpx.InvalidURL:
            raise ZaloError("the API base URL is not a valid URL", None, what) from None
        except httpx.HTTPError as exc:
            raise NetworkError(f"request failed: {type(exc).__name__}", None, what) from None
        status = response.status_code
        if status >= 500 or status == 429:  # Zalo's trouble, whatever the body says
            raise error_for(status, f"HTTP {status}", what)
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            if status >= 400:
                raise error_for(status, f"HTTP {status} without an answer", what)
            raise Unavailable(f"HTTP {status} with an unreadable answer", None, what)
        return body

    async def send_text(self, recipient: dict[str, str], text: str) -> dict[str, Any]:
        """message/cs: a text (≤ 2000 characters) to `{"message_id": ...}` (a reply, free
        within Zalo's window) or `{"user_id": ...}`."""
        return await self.call(
            "v3.0/oa/message/cs", {"recipient": recipient, "message": {"text": text}}
        )
