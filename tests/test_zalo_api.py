"""The Zalo Bot API client (handlers/zalo_api.py) against the fake Bot API on 127.0.0.1:
the envelope, typed errors whatever the HTTP status, idle long polls, and the token kept
out of every message, repr and log line."""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import AsyncIterator

import pytest
from fakes.zalo_api import BOT_ID, FakeZaloApi

from handlers.zalo_api import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    NotFound,
    TooManyRequests,
    Unavailable,
    ZaloBotApi,
    ZaloError,
)
from wardbot.web import bound_socket

CHAT = "6ede9afb3c3e4d6f8a01"


@pytest.fixture(params=[False, True], ids=["http-status-is-error-code", "http-200-errors"])
async def api(request: pytest.FixtureRequest) -> AsyncIterator[FakeZaloApi]:
    async with FakeZaloApi(errors_with_http_200=request.param) as fake:
        yield fake


@pytest.fixture
async def client(api: FakeZaloApi) -> AsyncIterator[ZaloBotApi]:
    async with ZaloBotApi(api.token, api.base_url) as opened:
        yield opened


def secret_part(token: str) -> str:
    return token.split(":", 1)[1]


def everything_shown(error: BaseException) -> str:
    """The exception as a log line or a traceback would show it."""
    return f"{error} {error!r} " + "".join(traceback.format_exception(error))


# --- results ------------------------------------------------------------------------------


async def test_get_me_returns_the_bot(client: ZaloBotApi) -> None:
    me = await client.get_me()
    assert me["id"] == BOT_ID
    assert me["account_type"] == "BASIC"


async def test_send_message_returns_its_id_and_date(api: FakeZaloApi, client: ZaloBotApi) -> None:
    sent = await client.send_message(CHAT, "Dạ, em chào anh/chị.")
    assert re.fullmatch(r"[0-9a-f]{20}", sent["message_id"])
    assert sent["date"] > 1_700_000_000_000  # milliseconds
    (call,) = api.sent(CHAT)
    assert call.text == "Dạ, em chào anh/chị."


async def test_photo_and_typing(api: FakeZaloApi, client: ZaloBotApi) -> None:
    sent = await client.send_photo(CHAT, "https://phuong2.example.vn/lich.png", caption="Lịch")
    assert sent["message_id"]
    assert await client.send_chat_action(CHAT) is None  # the body is just {"ok": true}
    assert [c.method for c in api.calls] == ["sendPhoto", "sendChatAction"]
    assert api.calls[1].params == {"chat_id": CHAT, "action": "typing"}


async def test_get_updates_returns_one_update_then_none_when_idle(
    api: FakeZaloApi, client: ZaloBotApi
) -> None:
    first = api.send_text(CHAT, "xin chào")
    second = api.send_sticker(CHAT)
    assert await client.get_updates(timeout=0.1) == first  # one at a time, not a list
    assert await client.get_updates(timeout=0.1) == second
    assert await client.get_updates(timeout=0.1) is None  # 408 "Request timeout": nothing new
    assert [c.params["timeout"] for c in api.of("getUpdates")] == ["0.1"] * 3
    assert api.of("getUpdates")[-1].code == 408


async def test_a_long_poll_may_take_longer_than_an_ordinary_call(api: FakeZaloApi) -> None:
    # getUpdates' read timeout is its own timeout + 5 s, whatever the client's default is.
    api.slow("getUpdates", 0.3)
    async with ZaloBotApi(api.token, api.base_url, timeout=0.2) as short:
        assert await short.get_updates(timeout=0.1) is None
        api.slow("getMe", 0.3)
        with pytest.raises(NetworkError, match="no answer in time"):
            await short.get_me()


async def test_webhook_methods(api: FakeZaloApi, client: ZaloBotApi) -> None:
    set_ = await client.set_webhook("https://bot.phuong2.example.vn/zalo", "s3cret-Webhook_token")
    assert set_["url"] == "https://bot.phuong2.example.vn/zalo"
    assert (await client.get_webhook_info())["url"] == "https://bot.phuong2.example.vn/zalo"
    with pytest.raises(ZaloError):  # Zalo refuses getUpdates while a webhook is set
        await client.get_updates(timeout=0.1)
    assert (await client.delete_webhook())["url"] == ""
    assert await client.get_updates(timeout=0.1) is None


# --- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (400, BadRequest),
        (401, InvalidToken),
        (403, Forbidden),
        (404, NotFound),
        (429, TooManyRequests),
        (500, Unavailable),
        (502, Unavailable),
        (503, Unavailable),
    ],
)
async def test_errors_are_typed_from_the_envelope(
    api: FakeZaloApi, client: ZaloBotApi, code: int, error: type[ZaloError]
) -> None:
    api.fail(code, method="sendMessage")
    with pytest.raises(error) as raised:
        await client.send_message(CHAT, "Dạ")
    assert raised.value.error_code == code
    assert raised.value.method == "sendMessage"
    assert str(code) in str(raised.value)
    # The fault was used up: the next call goes through.
    assert (await client.send_message(CHAT, "Dạ"))["message_id"]


@pytest.mark.parametrize("http_status", [200, 429])
async def test_429_carries_retry_after_when_given(
    api: FakeZaloApi, client: ZaloBotApi, http_status: int
) -> None:
    api.fail(429, method="sendMessage", retry_after=7, http_status=http_status)
    with pytest.raises(TooManyRequests) as raised:
        await client.send_message(CHAT, "Dạ")
    assert raised.value.retry_after == 7
    api.fail(429, method="sendMessage", http_status=http_status)
    with pytest.raises(TooManyRequests) as raised:
        await client.send_message(CHAT, "Dạ")
    assert raised.value.retry_after is None


async def test_the_json_decides_not_the_http_status(api: FakeZaloApi, client: ZaloBotApi) -> None:
    api.fail(500, method="getMe", http_status=200)
    with pytest.raises(Unavailable):
        await client.get_me()
    api.fail(400, method="getMe", http_status=502)
    with pytest.raises(BadRequest):
        await client.get_me()


async def test_a_page_that_is_not_json_is_a_temporary_failure(
    api: FakeZaloApi, client: ZaloBotApi
) -> None:
    api.fail(502, method="sendMessage", html=True)
    with pytest.raises(Unavailable, match="HTTP 502") as raised:
        await client.send_message(CHAT, "Dạ")
    assert raised.value.error_code == 502


@pytest.mark.parametrize(
    ("code", "error"),
    [(-216, InvalidToken), (-220, InvalidToken), (-32, TooManyRequests), (-201, BadRequest)],
)
async def test_an_error_in_the_oa_apis_form_is_read_too(
    api: FakeZaloApi, client: ZaloBotApi, code: int, error: type[ZaloError]
) -> None:
    """{"error": -216, "message": "..."}: said to come from the Bot API too at times. Its
    code and message are Zalo's word on what went wrong, not an unreadable answer."""
    api.fail(code, method="sendMessage", oa_style=True, description="Zalo nói vì sao")
    with pytest.raises(error) as raised:
        await client.send_message(CHAT, "Dạ")
    assert raised.value.error_code == code
    assert str(raised.value) == f"Zalo sendMessage: {code} Zalo nói vì sao"
    api.fail(-230, method="sendMessage", oa_style=True, description="no recent interaction")
    with pytest.raises(ZaloError, match="-230 no recent interaction") as other:
        await client.send_message(CHAT, "Dạ")
    assert type(other.value) is ZaloError  # a code without a meaning known here


async def test_message_length_and_required_parameters(client: ZaloBotApi) -> None:
    assert await client.send_message(CHAT, "x" * 2000)
    with pytest.raises(BadRequest, match="2000"):
        await client.send_message(CHAT, "x" * 2001)
    with pytest.raises(BadRequest, match="text is required"):
        await client.send_message(CHAT, "")
    with pytest.raises(BadRequest, match="chat_id is required"):
        await client.send_message("", "Dạ")
    with pytest.raises(BadRequest, match="https"):
        await client.set_webhook("http://bot.phuong2.example.vn/zalo", "s3cret-Webhook_token")
    with pytest.raises(BadRequest, match="8-256"):
        await client.set_webhook("https://bot.phuong2.example.vn/zalo", "short")


async def test_unknown_and_miscased_methods_are_not_found(client: ZaloBotApi) -> None:
    with pytest.raises(NotFound):
        await client.call("sendVoice")
    with pytest.raises(NotFound):
        await client.call("getme")  # method names are case-sensitive


# --- the token stays secret ---------------------------------------------------------------


async def test_a_wrong_token_is_invalid_token_and_never_shown(
    api: FakeZaloApi, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="httpx")  # even if the bot set it to WARNING
    wrong = f"{BOT_ID}:ThisIsNotTheRightSecret_123"
    async with ZaloBotApi(wrong, api.base_url) as client:
        with pytest.raises(InvalidToken) as raised:
            await client.get_me()
        assert raised.value.error_code == 401
        shown = f"{everything_shown(raised.value)} {client!r}"
    assert secret_part(wrong) not in shown
    assert secret_part(wrong) not in caplog.text
    assert "HTTP Request: POST" in caplog.text  # httpx did log the request, redacted


async def test_network_failures_never_show_the_token(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="httpx")  # even if the bot set it to WARNING
    token = f"{BOT_ID}:SecretPart_abc123"
    sock = bound_socket()  # bound, never listening: the connection is refused
    port = sock.getsockname()[1]
    try:
        async with ZaloBotApi(token, f"http://127.0.0.1:{port}") as client:
            with pytest.raises(NetworkError) as raised:
                await client.send_message(CHAT, "Dạ")
    finally:
        sock.close()
    assert raised.value.error_code is None
    assert isinstance(raised.value, Unavailable)  # worth retrying later
    assert secret_part(token) not in everything_shown(raised.value)
    assert secret_part(token) not in caplog.text


async def test_logs_of_successful_calls_do_not_show_the_token(
    api: FakeZaloApi, client: ZaloBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="httpx")  # even if the bot set it to WARNING
    await client.get_me()
    await client.send_message(CHAT, "Dạ")
    assert "HTTP Request: POST" in caplog.text
    assert secret_part(api.token) not in caplog.text
    assert secret_part(api.token) not in repr(client)
