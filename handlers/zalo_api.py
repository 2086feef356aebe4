"""A thin async client for the Zalo Bot Platform API (bot.zaloplatforms.com/docs).

Every method is a POST with a JSON body to `BASE/bot<TOKEN>/<method>`, answered with the
envelope `{"ok": true, "result": ...}` or `{"ok": false, "error_code": N, "description":
"..."}`. The envelope decides, not the HTTP status (Zalo's choice of status for errors is
undocumented); an error in the OA API's form, `{"error": -216, "message": "..."}`, is read
by its code; any other body falls back on the status. Failures become typed exceptions:

    ZaloError                  any failed call; .error_code (int | None), .method
    ├── BadRequest             400 and other 4xx: this request can never succeed as it is
    ├── InvalidToken           401: the token is wrong, expired or was reset
    ├── Forbidden              403
    ├── NotFound               404: unknown method (or chat)
    ├── TooManyRequests        429: quota exceeded; .retry_after in seconds, if Zalo said
    └── Unavailable            5xx, 408 outside getUpdates, a body that is not the envelope
        └── NetworkError       no answer at all: connection failure or timeout

The token sits in every request URL, so it never appears in this module's exceptions,
reprs or log lines, and httpx's own request log is redacted while a client is open.
"""

from __future__ import annotations

import logging
from types import TracebackType
from typing import Any

import httpx

from wardbot.config import DEFAULT_ZALO_BOT_API_BASE

__all__ = [
    "BadRequest",
    "Forbidden",
    "InvalidToken",
    "NetworkError",
    "NotFound",
    "TooManyRequests",
    "Unavailable",
    "ZaloBotApi",
    "ZaloError",
]

DEFAULT_TIMEOUT = 10.0  # seconds, for every call but getUpdates
POLL_GRACE = 5.0  # getUpdates' HTTP read timeout is its long-poll timeout plus this
IDLE = 408  # getUpdates' "nothing new" (ok:false, error_code 408, "Request timeout")
REDACTED = "<token>"


class ZaloError(Exception):
    """A Bot API call failed. `error_code` is Zalo's (or the HTTP status), None if neither."""

    def __init__(self, description: str, error_code: int | None = None, method: str = "") -> None:
        code = f" {error_code}" if error_code is not None else ""
        super().__init__(f"Zalo {method or 'API'}:{code} {description}".strip())
        self.description = description
        self.error_code = error_code
        self.method = method


class BadRequest(ZaloError):
    """400 (or another 4xx): a missing or wrong parameter; retrying will not help."""


class InvalidToken(ZaloError):
    """401: Zalo does not accept the bot token (wrong, expired, or reset in Bot Creator)."""


class Forbidden(ZaloError):
    """403: refused (Zalo's docs also use it for some internal errors)."""


class NotFound(ZaloError):
    """404: no such method, or no such chat."""


class TooManyRequests(ZaloError):
    """429: over quota. `retry_after` is the wait Zalo asked for, None when it did not say."""

    def __init__(
        self,
        description: str,
        error_code: int | None = 429,
        method: str = "",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(description, error_code, method)
        self.retry_after = retry_after


class Unavailable(ZaloError):
    """Worth retrying later: a 5xx, a timeout reported by Zalo, an answer we cannot read."""


class NetworkError(Unavailable):
    """The request got no answer: connection refused or reset, DNS failure, timeout."""


_BY_CODE: dict[int, type[ZaloError]] = {
    400: BadRequest,
    401: InvalidToken,
    403: Forbidden,
    404: NotFound,
    408: Unavailable,
    429: TooManyRequests,
}


# Codes of the OA API's form of an error, {"error": -216, "message": "..."}, which one
# project's notes say the Bot API answers with at times (../shared/reference/zalo.md §6),
# read as the Bot API code of the same meaning: the token invalid or expired, a rate limit
# or quota, a bad parameter, the resident no longer following the bot (-213: refused as a
# chat that blocked it is). Other codes are errors without a known meaning.
_OA_CODES = {-216: 401, -220: 401, -32: 429, -211: 429, -201: 400, -213: 403}


def error_for(
    code: int | None, description: str, method: str = "", retry_after: float | None = None
) -> ZaloError:
    """The exception for an error code (Zalo's, the HTTP status, or an OA API code, which
    the exception keeps)."""
    meaning = _OA_CODES.get(code, code) if code is not None else None
    if meaning == 429:
        return TooManyRequests(description, code, method, retry_after)
    if meaning in _BY_CODE:
        return _BY_CODE[meaning](description, code, method)
    if code is not None and 400 <= code < 500:
        return BadRequest(description, code, method)
    if code is not None and 500 <= code < 600:
        return Unavailable(description, code, method)
    return ZaloError(description, code, method)


class _RedactToken(logging.Filter):
    """Takes the token out of httpx's 'HTTP Request: POST https://…/bot<TOKEN>/…' lines."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if self.token in text:
            record.msg, record.args = text.replace(self.token, REDACTED), None
        return True


class ZaloBotApi:
    """One bot's Bot API. Use `async with ZaloBotApi(token, base) as api:` or `aclose()`."""

    def __init__(
        self,
        token: str,
        base_url: str = DEFAULT_ZALO_BOT_API_BASE,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        read_timeout: float | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if not token:
            raise ValueError("a Zalo bot token is required")
        self._token = str(token)
        self.base_url = base_url.rstrip("/")
        # Connecting, sending and waiting for a free connection take `timeout`; waiting
        # for Zalo's answer takes `read_timeout` (default: the same), unless a call says.
        self.timeout = timeout
        self.read_timeout = read_timeout or timeout
        self._transport = transport
        self._redact = _RedactToken(self._token)
        self._http = self._open()

    def _open(self) -> httpx.AsyncClient:
        logging.getLogger("httpx").addFilter(self._redact)
        return httpx.AsyncClient(
            timeout=httpx.Timeout(self.timeout, read=self.read_timeout), transport=self._transport
        )

    def __repr__(self) -> str:
        return f"ZaloBotApi(base_url={self.base_url!r})"

    async def __aenter__(self) -> ZaloBotApi:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connections; a later call opens new ones (a channel whose start
        failed, and closed its client, can be started again)."""
        await self._http.aclose()
        logging.getLogger("httpx").removeFilter(self._redact)

    def _clean(self, text: str) -> str:
        return text.replace(self._token, REDACTED)

    # --- the one call ---------------------------------------------------------------

    async def call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        *,
        read_timeout: float | None = None,
    ) -> Any:
        """POST `params` as JSON to `method`; the envelope's `result`, or a ZaloError.

        `read_timeout` replaces the client's for waiting on the answer (long polls, alerts).
        """
        url = f"{self.base_url}/bot{self._token}/{method}"
        if self._http.is_closed:
            self._http = self._open()
        limits = (
            httpx.Timeout(self.timeout, read=read_timeout)
            if read_timeout
            else httpx.USE_CLIENT_DEFAULT
        )
        try:
            response = await self._http.post(url, json=params or {}, timeout=limits)
        except httpx.TimeoutException as exc:
            raise NetworkError(f"no answer in time ({type(exc).__name__})", None, method) from None
        except httpx.InvalidURL:
            raise ZaloError("the API base URL is not a valid URL", None, method) from None
        except httpx.HTTPError as exc:
            # httpx's messages do not contain the URL today; cleaned in case one ever does.
            detail = self._clean(str(exc)) or type(exc).__name__
            raise NetworkError(f"request failed: {detail}", None, method) from None
        return self._result(method, response)

    def _result(self, method: str, response: httpx.Response) -> Any:
        try:
            body = response.json()
        except ValueError:
            body = None
        status = response.status_code
        oa_code = as_int(body.get("error")) if isinstance(body, dict) else None
        if isinstance(body, dict) and "ok" not in body and oa_code:  # the OA API's form
            message = self._clean(str(body.get("message") or "no description"))
            raise error_for(oa_code, message, method)
        if not isinstance(body, dict) or not isinstance(body.get("ok"), bool):
            # Not the envelope: a proxy's error page, an empty body. Only the status is left.
            if status >= 400:
                raise error_for(status, f"HTTP {status} without a Bot API answer", method)
            raise Unavailable(f"HTTP {status} with an unreadable answer", None, method)
        if body["ok"]:
            return body.get("result")
        code = as_int(body.get("error_code"))
        if code is None and status >= 400:
            code = status
        description = self._clean(str(body.get("description") or "no description"))
        parameters = body.get("parameters")
        retry_after = (
            as_float(parameters.get("retry_after")) if isinstance(parameters, dict) else None
        )
        raise error_for(code, description, method, retry_after)

    # --- the methods ------------------------------------------------------------------

    async def get_me(self) -> dict[str, Any]:
        """getMe: {id, account_name, account_type, can_join_groups}. InvalidToken if refused."""
        return _as_dict(await self.call("getMe"))

    async def get_updates(self, timeout: float = 30.0) -> dict[str, Any] | None:  # noqa: ASYNC109 - Zalo's long-poll parameter
        """getUpdates: wait up to `timeout` s for ONE update; None when nothing came (408).

        Zalo hands each update out once and keeps no offset: what it returns is consumed.
        """
        try:
            result = await self.call(
                "getUpdates", {"timeout": f"{timeout:g}"}, read_timeout=timeout + POLL_GRACE
            )
        except Unavailable as exc:
            if exc.error_code == IDLE and not isinstance(exc, NetworkError):
                return None
            raise
        return result if isinstance(result, dict) and result else None

    async def set_webhook(self, url: str, secret_token: str) -> dict[str, Any]:
        """setWebhook: Zalo will POST updates to `url` (HTTPS) with the secret in a header."""
        return _as_dict(await self.call("setWebhook", {"url": url, "secret_token": secret_token}))

    async def delete_webhook(self) -> dict[str, Any]:
        """deleteWebhook: back to getUpdates (which fails while a webhook is set)."""
        return _as_dict(await self.call("deleteWebhook"))

    async def get_webhook_info(self) -> dict[str, Any]:
        """getWebhookInfo: {url, updated_at}; url is empty when none is set."""
        return _as_dict(await self.call("getWebhookInfo"))

    async def send_message(
        self, chat_id: str, text: str, *, read_timeout: float | None = None
    ) -> dict[str, Any]:
        """sendMessage: plain text, 1–2000 characters. Returns {message_id, date}.

        `read_timeout` replaces the client's wait for the answer."""
        params = {"chat_id": chat_id, "text": text}
        return _as_dict(await self.call("sendMessage", params, read_timeout=read_timeout))

    async def send_photo(
        self, chat_id: str, photo: str, caption: str | None = None
    ) -> dict[str, Any]:
        """sendPhoto: a public image URL, with an optional caption (≤ 2000 characters)."""
        params = {"chat_id": chat_id, "photo": photo}
        if caption:
            params["caption"] = caption
        return _as_dict(await self.call("sendPhoto", params))

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> None:
        """sendChatAction: show "typing…" in the chat for a few seconds."""
        await self.call("sendChatAction", {"chat_id": chat_id, "action": action})


def as_int(value: object) -> int | None:
    """`value` as an int (Zalo writes codes and ids as numbers or strings), or None."""
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None


def as_float(value: object) -> float | None:
    """`value` as a float (a number or a string of one), or None."""
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _as_dict(result: object) -> dict[str, Any]:
    return result if isinstance(result, dict) else {}
