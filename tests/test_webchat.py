"""The web chat over HTTP (no browser): the real WebChatChannel, Conversation, Engine and
Store behind the bot's own web server on 127.0.0.1, driven the way the page drives it.

tests/test_webchat_browser.py drives the same through the page in a real Chromium.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
import logging
import logging.handlers
import re
import unicodedata
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest
from browser import serve
from chat_ward import WARD_NAME
from test_telegram_app import free_port, read_only_folder, running_app

import bot
from handlers.web_resume import RESUME_GRACE, Resumes
from handlers.webchat import (
    ADDRESS_LIMIT,
    HANDOFF_SECONDS,
    LISTENERS_PER_ADDRESS,
    MAX_BODY_BYTES,
    SESSION_LIMIT,
    SESSION_MESSAGES,
    WebChatChannel,
    reply_body,
)
from wardbot import channels
from wardbot import messages as msg
from wardbot.app import _alert_links
from wardbot.config import ConfigError, Settings
from wardbot.conversation import MAX_MESSAGE_CHARS, MAX_STAFF_MESSAGE_CHARS, Conversation
from wardbot.desk import Desk
from wardbot.desk.limits import HOUR, TICKETS_PER_ORIGIN_HOUR
from wardbot.doc_replies import doc_button
from wardbot.engine import Engine
from wardbot.reply import MAX_LABEL_CHARS, Reply
from wardbot.store import ChatRef, Store
from wardbot.tickets import TicketBook
from wardbot.web import AsgiServer, bound_socket, web_app

SESSION = "s" * 21 + "AbC_-0123456789xyz"  # 39 characters, as a page makes (43)
OTHER = "o" * 43
PORTAL = "https://phuong2.example.gov.vn"
ZALO_BOT = "https://zalo.me/s/1234567890"
HEADERS = {"X-Ward-Chat": "1", "Content-Type": "application/json"}
OURS = {"X-Ward-Session": SESSION}  # how the page names its session when reading
# A question of 1,261 letters, its accents written apart (NFD): 1,638 code points.
DECOMPOSED_QUESTION = unicodedata.normalize(
    "NFD",
    13 * "Tôi muốn hỏi về thủ tục đăng ký khai sinh cho con, cần chuẩn bị những giấy tờ gì "
    "và nộp ở đâu ạ? ",
)
EVENTS_TIMEOUT = 10.0  # seconds a test waits for an event before failing


class Clock:
    """The rate limits' clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def settings(ward_settings: Settings) -> Settings:
    return replace(
        ward_settings, web_chat=True, web_allowed_origins=(PORTAL,), zalo_bot_url=ZALO_BOT
    )


@pytest.fixture
async def store(settings: Settings) -> AsyncIterator[Store]:
    async with await Store.open(settings.data_dir / "bot.sqlite3") as opened:
        yield opened


@pytest.fixture
def clock() -> Clock:
    return Clock()


def web_channel(
    settings: Settings, engine: Engine, store: Store, clock: Callable[[], float]
) -> WebChatChannel:
    """The channel as `bot.py run` wires it (wardbot.app._serve)."""
    conversation = Conversation(engine, store, settings)
    channel = WebChatChannel(settings, conversation, clock=clock)
    conversation.no_alerts = channels.no_push()
    conversation.alert_links = lambda: _alert_links(settings, [channel])
    return channel


@pytest.fixture
async def channel(
    settings: Settings, ward_engine: Engine, store: Store, clock: Clock
) -> AsyncIterator[WebChatChannel]:
    made = web_channel(settings, ward_engine, store, clock)
    await made.start()
    yield made
    await made.stop()


@pytest.fixture
async def client(channel: WebChatChannel) -> AsyncIterator[httpx.AsyncClient]:
    async with (
        serve(web_app(channel.routes())) as url,
        httpx.AsyncClient(base_url=url, timeout=30.0) as opened,
    ):
        yield opened


async def send(client: httpx.AsyncClient, session: str = SESSION, **body: Any) -> httpx.Response:
    """POST a message as the page does (same origin, its header, JSON)."""
    origin = str(client.base_url).rstrip("/")
    return await client.post(
        "/chat/api/send",
        content=json.dumps({"session": session, **body}),
        headers={**HEADERS, "Origin": origin},
    )


async def history(
    client: httpx.AsyncClient, session: str = SESSION, after: int = 0
) -> list[dict[str, Any]]:
    response = await client.get(
        "/chat/api/poll", params={"after": after}, headers={"X-Ward-Session": session}
    )
    assert response.status_code == 200
    messages: list[dict[str, Any]] = response.json()["messages"]
    return messages


class Events:
    """An open event stream, read one server-sent event at a time."""

    def __init__(self, response: httpx.Response) -> None:
        assert response.headers["content-type"].startswith("text/event-stream")
        self.lines = response.aiter_lines()

    async def next(self, count: int) -> list[tuple[int, dict[str, Any]]]:
        """The next `count` message events: (id, entry); fails after EVENTS_TIMEOUT."""
        events: list[tuple[int, dict[str, Any]]] = []
        event_id: int | None = None
        data: list[str] = []
        async with asyncio.timeout(EVENTS_TIMEOUT):
            while len(events) < count:
                line = await anext(self.lines)
                if line.startswith("id: "):
                    event_id = int(line[4:])
                elif line.startswith("data: "):
                    data.append(line[6:])
                elif line == "" and data:
                    assert event_id is not None, "every message event carries its cursor"
                    events.append((event_id, json.loads("\n".join(data))))
                    event_id, data = None, []
        return events


@contextlib.asynccontextmanager
async def events(
    client: httpx.AsyncClient, after: int = 0, headers: dict[str, str] | None = None
) -> AsyncIterator[Events]:
    headers = {"X-Ward-Session": SESSION, **(headers or {})}
    params = {"after": str(after)}
    async with client.stream("GET", "/chat/api/events", params=params, headers=headers) as r:
        yield Events(r)


# --- the page --------------------------------------------------------------------------


class PageParts(HTMLParser):
    """What a CSP of `script-src 'self'; style-src 'self'` would block, and the ui block."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.styles: list[str] = []
        self.inline: list[str] = []
        self.html: dict[str, str | None] = {}
        self._in_ui = False
        self.ui = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.html = found
        if tag == "script":
            self.scripts.append(found)
            self._in_ui = found.get("id") == "ui"
        if tag == "link" and found.get("rel") == "stylesheet":
            self.styles.append(found.get("href") or "")
        if tag == "style" or "style" in found or any(k.startswith("on") for k in found):
            self.inline.append(tag)

    def handle_endtag(self, tag: str) -> None:
        self._in_ui = False

    def handle_data(self, data: str) -> None:
        if self._in_ui:
            self.ui += data


def parse_page(text: str) -> PageParts:
    parts = PageParts()
    parts.feed(text)
    return parts


def frame_ancestors(response: httpx.Response) -> str:
    found = re.search(r"frame-ancestors ([^;]+)", response.headers["content-security-policy"])
    assert found
    return found.group(1).strip()


async def test_the_page_loads_only_its_own_script_and_style_and_cannot_be_framed_elsewhere(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    response = await client.get("/chat")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    csp = response.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "style-src 'self';" in csp and "unsafe" not in csp
    assert frame_ancestors(response) == "'none'"
    assert response.headers["x-frame-options"] == "DENY"  # browsers too old for the CSP
    page = parse_page(response.text)
    assert page.html == {"lang": "vi", "data-mode": "page"}
    assert [s.get("src") for s in page.scripts if s.get("type") != "application/json"] == [
        "/chat/app.js"
    ]
    assert page.styles == ["/chat/app.css"]
    assert page.inline == [], "inline styles or handlers would be blocked by the CSP"
    assert json.loads(page.ui) == {
        **msg.web_ui(settings.ward_name, settings.ward_hotline),
        "max_chars": MAX_MESSAGE_CHARS,  # no staff desk here: a question's limit
    }
    assert f"<title>{msg.web_title(settings.ward_name)}</title>" in response.text
    for path, kind in (("/chat/app.js", "text/javascript"), ("/chat/app.css", "text/css")):
        asset = await client.get(path)
        assert asset.status_code == 200
        assert asset.headers["content-type"] == f"{kind}; charset=utf-8"
        assert len(asset.text) > 1000


async def test_the_bots_own_address_opens_the_chat(client: httpx.AsyncClient) -> None:
    """`https://hoidap.phuong2.gov.vn/` typed bare, or printed so on a poster: the chat,
    not a "Not Found" page."""
    response = await client.get("/")
    assert response.status_code == 302 and response.headers["location"] == "/chat"
    assert (await client.get("/", follow_redirects=True)).url.path == "/chat"


async def test_the_embedded_page_may_be_framed_by_the_allowed_sites_only(
    client: httpx.AsyncClient, settings: Settings, ward_engine: Engine, store: Store, clock: Clock
) -> None:
    response = await client.get("/chat", params={"embed": "1"})
    assert frame_ancestors(response) == f"'self' {PORTAL}"
    # X-Frame-Options cannot name the portal: left out, not to hide the chat there.
    assert "x-frame-options" not in response.headers
    assert parse_page(response.text).html["data-mode"] == "embed"
    # Without WEB_ALLOWED_ORIGINS only the bot's own pages may frame it.
    alone = web_channel(replace(settings, web_allowed_origins=()), ward_engine, store, clock)
    async with serve(web_app(alone.routes())) as url, httpx.AsyncClient(base_url=url) as other:
        framed = await other.get("/chat?embed=1")
        assert frame_ancestors(framed) == "'self'"
        assert framed.headers["x-frame-options"] == "SAMEORIGIN"
        assert frame_ancestors(await other.get("/chat")) == "'none'"
        widget = await other.get("/widget.js")
        assert '"origins": []' in widget.text


async def test_the_widget_script_carries_its_settings(client: httpx.AsyncClient) -> None:
    response = await client.get("/widget.js")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/javascript; charset=utf-8"
    assert "{{config}}" not in response.text
    config = json.loads(re.search(r"const config = (\{.*?\});", response.text).group(1))  # type: ignore[union-attr]
    assert config == {
        "origins": [PORTAL],
        "label": msg.WEB_WIDGET_BUTTON,
        "title": "Hỏi đáp UBND Phường 2",
        "close": msg.WEB_WIDGET_CLOSE,
        "unread": msg.WEB_WIDGET_UNREAD,
        "failed": msg.web_widget_failed("UBND Phường 2", "0276 3822 123"),
        "retry": msg.WEB_WIDGET_RETRY,
        "hotline": "0276 3822 123",
    }


async def test_the_widget_script_is_readable_by_a_portal_that_checks_its_integrity(
    client: httpx.AsyncClient,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A portal's CMS that writes `integrity="sha384-..." crossorigin` on its script tags:
    the browser fetches /widget.js in CORS mode (blocked without Access-Control-Allow-Origin,
    also when revalidated) and runs it only if its hash is the one `bot.py widget` printed
    for these settings."""
    first = await client.get("/widget.js", headers={"Origin": PORTAL})
    assert first.headers["access-control-allow-origin"] == "*"
    again = await client.get(
        "/widget.js", headers={"Origin": PORTAL, "If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304 and again.headers["access-control-allow-origin"] == "*"
    assert (await client.get("/widget.js")).content == first.content  # the same every time
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name, value in (
        ("WARD_NAME", settings.ward_name),
        ("WARD_HOTLINE", settings.ward_hotline),
        ("WEB_CHAT", "on"),
        ("WEB_ALLOWED_ORIGINS", PORTAL),
    ):
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    assert bot.main(["widget", "--url", "https://hoidap.example.org/"]) == 0
    printed = capsys.readouterr().out.strip()
    digest = base64.b64encode(hashlib.sha384(first.content).digest()).decode()
    assert printed == (
        f'<script src="https://hoidap.example.org/widget.js" integrity="sha384-{digest}" '
        'crossorigin="anonymous" defer></script>'
    )
    # Without the bot's address there is nothing to print: it says which setting to give.
    assert bot.main(["widget"]) == 2
    assert "PUBLIC_URL" in capsys.readouterr().err


async def handoff(client: httpx.AsyncClient, session: str) -> httpx.Response:
    return await client.post("/chat/api/handoff", json={"session": session}, headers=HEADERS)


async def test_the_full_page_opened_from_the_widget_continues_its_conversation_once(
    client: httpx.AsyncClient, channel: WebChatChannel, clock: Clock
) -> None:
    """The widget's frame, whose storage the browser keeps apart from the bot's own pages
    (the bot on another site), gets a token; the full page exchanges it for the session,
    once, within two minutes. Another site's page gets neither. A panel where nothing
    was asked yet gets no token: the full page keeps the conversation the resident may
    have on the bot's own pages, rather than opening an empty one over it."""
    empty = await handoff(client, SESSION)
    assert empty.status_code == 200 and empty.json() == {"token": None}
    await send(client, text="mat the bhyt")
    await send(client, session=OTHER, text="mat the bhyt")
    given = await handoff(client, SESSION)
    assert given.status_code == 200 and given.headers["cache-control"] == "no-store"
    token = given.json()["token"]
    assert SESSION not in token and len(token) >= 22
    join = await client.post("/chat/api/join", json={"token": token}, headers=HEADERS)
    assert join.status_code == 200 and join.json() == {"session": SESSION}
    used = await client.post("/chat/api/join", json={"token": token}, headers=HEADERS)
    assert used.status_code == 404 and used.json() == {"error": msg.WEB_HANDOFF_EXPIRED}
    late = (await handoff(client, SESSION)).json()["token"]
    clock.now += HANDOFF_SECONDS + 1
    gone = await client.post("/chat/api/join", json={"token": late}, headers=HEADERS)
    assert gone.status_code == 404
    # From another site's page: refused, as every API call of the chat.
    stranger = {**HEADERS, "Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
    refused = await client.post("/chat/api/handoff", json={"session": SESSION}, headers=stranger)
    assert refused.status_code == 403
    fresh = (await handoff(client, OTHER)).json()["token"]
    stolen = await client.post("/chat/api/join", json={"token": fresh}, headers=stranger)
    assert stolen.status_code == 403
    ok = await client.post("/chat/api/join", json={"token": fresh}, headers=HEADERS)
    assert ok.json() == {"session": OTHER}
    for bad in ({"session": "short"}, {"token": 5}, []):
        assert (
            await client.post("/chat/api/handoff", json=bad, headers=HEADERS)
        ).status_code == 400


async def test_a_link_carrying_a_stranger_s_token_does_not_put_a_resident_in_their_conversation(
    client: httpx.AsyncClient,
) -> None:
    """Someone makes a conversation, asks for a 'Mở toàn trang' token for it (their own
    server can, at each click on a link of theirs) and sends a resident /chat#continue=
    with it: the resident's page would adopt that conversation, and the stranger, who
    holds its key, read every question the resident typed there and the ward's answers.
    A token opens its conversation only from the address it was given to: the widget's
    frame and the page it opens are one browser."""
    stranger, resident = "198.51.100.23", "203.0.113.7"
    await send_from(client, stranger, OTHER, "xin chao")
    token = (
        await client.post(
            "/chat/api/handoff", json={"session": OTHER}, headers=from_address(stranger)
        )
    ).json()["token"]
    joined = await client.post(
        "/chat/api/join", json={"token": token}, headers=from_address(resident)
    )
    assert joined.status_code == 404 and joined.json() == {"error": msg.WEB_HANDOFF_EXPIRED}
    # Used up: not tried again from elsewhere, nor from the address it was given to.
    again = await client.post(
        "/chat/api/join", json={"token": token}, headers=from_address(stranger)
    )
    assert again.status_code == 404
    # The resident's own panel and full page (one browser, one address) still continue.
    await send_from(client, resident, SESSION, "mat the bhyt")
    own = (
        await client.post(
            "/chat/api/handoff", json={"session": SESSION}, headers=from_address(resident)
        )
    ).json()["token"]
    joined = await client.post(
        "/chat/api/join", json={"token": own}, headers=from_address(resident)
    )
    assert joined.status_code == 200 and joined.json() == {"session": SESSION}


async def resume(client: httpx.AsyncClient, **body: Any) -> httpx.Response:
    return await client.post("/chat/api/resume", json=body, headers=HEADERS)


async def test_a_resume_handle_opens_the_conversation_once_and_is_replaced(
    client: httpx.AsyncClient, channel: WebChatChannel, store: Store, clock: Clock
) -> None:
    """The widget on a portal on another site keeps a handle in the portal's storage: it
    opens the conversation on the next page once, for a new handle; a copy used after that
    opens nothing. A chat never used gets none; another site's page gets nothing."""
    assert (await resume(client, session=SESSION)).json() == {"handle": None}
    await send(client, text="mat the bhyt")
    given = await resume(client, session=SESSION)
    assert given.status_code == 200 and given.headers["cache-control"] == "no-store"
    first = given.json()["handle"]
    assert isinstance(first, str) and SESSION not in first and len(first) >= 22
    async with store.db.execute("SELECT digest, chat_id FROM web_resume") as rows:
        kept = await rows.fetchall()
    assert [row[1] for row in kept] == [SESSION] and first not in kept[0][0]  # only a digest
    opened = await resume(client, handle=first)
    assert opened.status_code == 200 and opened.json()["session"] == SESSION
    second = opened.json()["handle"]
    assert second != first
    assert (await resume(client, handle=first)).status_code == 200  # RESUME_GRACE
    used = await resume(client, handle=first)
    assert used.status_code == 404 and used.json() == {"error": msg.WEB_HANDOFF_EXPIRED}
    stranger = {**HEADERS, "Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
    stolen = await client.post("/chat/api/resume", json={"handle": second}, headers=stranger)
    assert stolen.status_code == 403
    assert (await resume(client, handle=second)).json()["session"] == SESSION
    for bad in ({"handle": "short"}, {"session": 5}, {}):
        assert (await resume(client, **bad)).status_code == 400


async def test_a_resume_handle_lasts_as_long_as_the_history_and_ends_on_forget(
    client: httpx.AsyncClient, channel: WebChatChannel, settings: Settings, clock: Clock
) -> None:
    channel.resumes.clock = clock
    await send(client, text="mat the bhyt")
    await send(client, OTHER, text="mat the bhyt")
    days = settings.web_history_days * 86400.0
    late = (await resume(client, session=SESSION)).json()["handle"]
    clock.now += days - 60
    opened = await resume(client, handle=late)  # the resident back weeks later
    assert opened.json()["session"] == SESSION
    clock.now += days + 1
    assert (await resume(client, handle=opened.json()["handle"])).status_code == 404
    mine = (await resume(client, session=OTHER)).json()["handle"]
    await send(client, OTHER, text="/forget")
    assert (await resume(client, handle=mine)).status_code == 404


async def test_a_handle_whose_trade_was_lost_still_opens_the_conversation_just_after(
    client: httpx.AsyncClient, channel: WebChatChannel, clock: Clock
) -> None:
    """The answer to a trade lost on the way (the resident went on to the portal's next
    page meanwhile), or two tabs opening the chat at once with the one handle the portal
    keeps: the handle opens the same conversation once more within RESUME_GRACE, each
    time for a handle of its own. Past that, or a third time, it opens nothing."""
    channel.resumes.clock = clock
    await send(client, text="mat the bhyt")
    kept = (await resume(client, session=SESSION)).json()["handle"]
    first = (await resume(client, handle=kept)).json()
    clock.now += RESUME_GRACE - 5
    again = await resume(client, handle=kept)
    assert again.status_code == 200 and again.json()["session"] == SESSION
    assert again.json()["handle"] not in (kept, first["handle"])
    # Both new handles open the conversation: whichever tab wrote the portal's storage last.
    for handle in (first["handle"], again.json()["handle"]):
        assert (await resume(client, handle=handle)).json()["session"] == SESSION
    assert (await resume(client, handle=kept)).status_code == 404  # a third time
    late = (await resume(client, session=SESSION)).json()["handle"]
    assert (await resume(client, handle=late)).status_code == 200
    clock.now += RESUME_GRACE + 1
    assert (await resume(client, handle=late)).status_code == 404  # its grace is over


async def test_a_resume_handle_lasts_no_longer_than_a_shortened_history(
    client: httpx.AsyncClient, channel: WebChatChannel, store: Store, clock: Clock
) -> None:
    """The operator lowers WEB_HISTORY_DAYS from 30 to 7 and restarts the bot: a handle
    given before lasts 7 days from then, as the history does, not the 30 it had."""
    channel.resumes.clock = clock
    await send(client, text="mat the bhyt")
    kept = (await resume(client, session=SESSION)).json()["handle"]
    restarted = Resumes(store, 7 * 86400.0, clock)
    await restarted.purge()  # at the start, then every hour
    clock.now += 7 * 86400.0 + 60
    assert await restarted.take(kept) is None


@pytest.mark.parametrize("path", ["/chat/app.js", "/chat/app.css", "/widget.js"])
async def test_a_file_of_the_chat_the_browser_has_is_not_sent_again(
    client: httpx.AsyncClient, path: str
) -> None:
    """The widget loads on every page of the portal, the chat's files on every visit: on
    a phone's 3G, a browser that has them is told they are unchanged, without the file."""
    first = await client.get(path)
    assert first.status_code == 200 and first.headers["cache-control"] == "no-cache"
    tag = first.headers["etag"]
    for held in (tag, f"W/{tag}", f'"other", {tag}'):
        again = await client.get(path, headers={"If-None-Match": held})
        assert again.status_code == 304
        assert again.content == b""
        assert again.headers["etag"] == tag
    changed = await client.get(path, headers={"If-None-Match": '"an-older-version"'})
    assert changed.status_code == 200 and changed.text == first.text


async def test_allowed_origins_are_read_as_browsers_spell_them(
    ward_engine: Engine, store: Store, clock: Clock
) -> None:
    """Capitals and a default port in WEB_ALLOWED_ORIGINS: the widget's check against
    `location.origin` and the frame's CSP must still name the ward's site."""
    env = {
        "WEB_CHAT": "on",
        "WEB_ALLOWED_ORIGINS": "HTTPS://Phuong2.Example.gov.vn:443/, http://WWW.phuong2.example.gov.vn:80,"
        "https://phuong2.example.gov.vn, http://localhost:8080",
    }
    settings = Settings.from_env(env)
    assert settings.web_allowed_origins == (
        "https://phuong2.example.gov.vn",
        "http://www.phuong2.example.gov.vn",
        "http://localhost:8080",
    )
    channel = web_channel(settings, ward_engine, store, clock)
    async with serve(web_app(channel.routes())) as url, httpx.AsyncClient(base_url=url) as client:
        widget = (await client.get("/widget.js")).text
        assert '"origins": ["https://phuong2.example.gov.vn", "http://www.phuong2' in widget
        framed = await client.get("/chat?embed=1")
        assert frame_ancestors(framed) == (
            "'self' https://phuong2.example.gov.vn http://www.phuong2.example.gov.vn "
            "http://localhost:8080"
        )


@pytest.mark.parametrize("origin", ["http://[::1]:8080", "https://[2001:DB8::1]/"])
def test_a_site_at_an_ipv6_address_is_refused_saying_why_and_what_to_use(origin: str) -> None:
    """Chromium drops "http://[::1]:8080" from the frame's CSP frame-ancestors (its grammar
    has no IPv6 addresses), so the chat could never show there: the operator is told so,
    not that a scheme and host are missing."""
    with pytest.raises(ConfigError) as refused:
        Settings.from_env({"WEB_CHAT": "on", "WEB_ALLOWED_ORIGINS": f"https://x.vn,{origin}"})
    assert "IPv6" in str(refused.value) and "host name" in str(refused.value)
    assert "không có đường dẫn phía sau" not in str(refused.value)


async def test_a_ward_name_with_markup_cannot_break_out_of_the_page(
    settings: Settings, ward_engine: Engine, store: Store, clock: Clock
) -> None:
    name = 'P2 <!--<script> </script><script>alert("x")</script> & <b>'
    odd = web_channel(replace(settings, ward_name=name), ward_engine, store, clock)
    async with serve(web_app(odd.routes())) as url, httpx.AsyncClient(base_url=url) as client:
        text = (await client.get("/chat")).text
    assert "<script>alert" not in text and "<!--" not in text and "<b>" not in text
    page = parse_page(text)
    assert len(page.scripts) == 2  # the ui block and app.js: nothing added by the name
    assert json.loads(page.ui)["title"] == msg.web_title(name)


async def test_a_communes_chat_page_names_the_commune(
    settings: Settings, ward_engine: Engine, store: Store, clock: Clock
) -> None:
    commune = web_channel(
        replace(settings, ward_name="UBND xã Mỹ Phước Điền"), ward_engine, store, clock
    )
    async with serve(web_app(commune.routes())) as url, httpx.AsyncClient(base_url=url) as client:
        text = (await client.get("/chat")).text
    ui = json.loads(parse_page(text).ui)
    assert ui["bot"] == "Trợ lý xã"
    assert "<title>Hỏi đáp UBND xã Mỹ Phước Điền</title>" in text
    assert "phường" not in text.casefold()
    assert not [label for label in ui.values() if "phường" in str(label).casefold()]


# --- sending and receiving ---------------------------------------------------------------


async def test_an_unaccented_question_is_answered_and_kept_in_the_history(
    client: httpx.AsyncClient,
) -> None:
    response = await send(client, text="mat the bhyt thi lam sao")
    assert response.status_code == 200
    sent = response.json()
    assert sent["ok"] is True
    mine, answer = await history(client)
    assert mine["id"] == sent["id"]
    assert (mine["from"], mine["text"]) == ("resident", "mat the bhyt thi lam sao")
    assert answer["from"] == "bot" and answer["id"] > mine["id"]
    assert answer["title"] == "Mất thẻ bảo hiểm y tế thì làm sao?"
    assert "VssID" in answer["text"]
    # A page that has seen the question resumes after it; another session sees nothing.
    assert [e["id"] for e in await history(client, after=mine["id"])] == [answer["id"]]
    assert await history(client, OTHER) == []


async def test_a_suggestion_pressed_is_kept_as_the_residents_choice_and_answered(
    client: httpx.AsyncClient,
) -> None:
    label = "Đăng ký tạm trú cần giấy tờ gì?"
    response = await send(client, action="faq:dang-ky-tam-tru", label=label)
    assert response.status_code == 200
    pressed, answer = await history(client)
    assert pressed == {
        "id": response.json()["id"],
        "from": "resident",
        "at": pressed["at"],
        "text": label,
        "action": True,
    }
    assert answer["title"] == label


async def test_a_suggestion_is_labelled_in_full_and_pressed_shows_it_in_full(
    client: httpx.AsyncClient, ward_engine: Engine
) -> None:
    """The page's buttons wrap their text: a related question or close match longer than
    a Telegram button ("…gồm những bước nào?") is not cut there, and once pressed the
    resident's bubble shows it whole too."""
    doc = ward_engine.document("quy-trinh-mot-cua")
    assert doc is not None and len(doc.title) > MAX_LABEL_CHARS  # Telegram's button's
    (button,) = reply_body(Reply(msg.RELATED, buttons=(doc_button(doc),)))["buttons"]
    assert button["label"] == doc.title
    await send(client, action=button["action"], label=button["label"])
    pressed, answer = await history(client)
    assert pressed["text"] == answer["title"] == doc.title


async def test_a_message_sent_again_after_its_answer_was_lost_is_answered_once(
    client: httpx.AsyncClient, store: Store
) -> None:
    """A phone on flaky 3G: the bot got the message, the answer to the send did not
    reach the page, so the page sends it again with the same key (and, the network
    back, perhaps while the first is still being answered)."""
    first = await send(client, text="mat the bhyt thi lam sao", key="k" * 22)
    again, meanwhile = await asyncio.gather(
        send(client, text="mat the bhyt thi lam sao", key="k" * 22),
        send(client, action="faq:dang-ky-tam-tru", label="Tạm trú", key="p" * 22),
    )
    pressed_again = await send(client, action="faq:dang-ky-tam-tru", label="Tạm trú", key="p" * 22)
    assert [r.status_code for r in (first, again, meanwhile, pressed_again)] == [200] * 4
    assert again.json() == first.json()
    assert pressed_again.json() == meanwhile.json()
    found = await history(client)
    assert [(e["from"], e.get("key")) for e in found] == [
        ("resident", "k" * 22),
        ("bot", None),
        ("resident", "p" * 22),
        ("bot", None),
    ]
    # Another session's key is its own; without a key every message is a new one.
    assert (await send(client, OTHER, text="cam on", key="k" * 22)).json()["id"] > found[-1]["id"]
    await send(client, text="cam on")
    await send(client, text="cam on")
    later = await history(client, after=found[-1]["id"])
    assert [e["from"] for e in later] == ["resident", "bot"] * 2


async def test_half_an_emoji_is_answered_not_an_internal_error(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    """An emoji cut in two (its first half escaped alone in the JSON): the question is
    answered, with U+FFFD in the half's place, not refused with a 500 and a traceback."""
    half = json.dumps({"session": SESSION, "key": "half-emoji", "text": "mat the bhyt @"})
    body = half.replace("@", "\\ud83d")  # as a page's JSON.stringify writes it
    origin = str(client.base_url).rstrip("/")
    response = await client.post(
        "/chat/api/send", content=body, headers={**HEADERS, "Origin": origin}
    )
    assert response.status_code == 200, response.text
    mine, answer = await history(client)
    assert mine["text"] == "mat the bhyt \ufffd"
    assert answer["title"] == "Mất thẻ bảo hiểm y tế thì làm sao?"
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


@pytest.mark.parametrize("key", ["short", "k" * 65, "khóa" * 6, 12345678, ["k" * 22]])
async def test_a_key_no_page_makes_is_refused(client: httpx.AsyncClient, key: object) -> None:
    response = await send(client, text="cam on", key=key)
    assert response.status_code == 400
    assert response.json() == {"error": msg.WEB_BAD_REQUEST}
    assert await history(client) == []


async def test_a_number_typed_under_the_suggestions_picks_the_button_in_that_place(
    client: httpx.AsyncClient,
) -> None:
    """As on Telegram: the choices are buttons, yet residents used to Zalo type "2"."""
    await send(client, text="the bhyt")
    offer = (await history(client))[-1]
    labels = [b["label"] for b in offer["buttons"]]
    assert len(labels) >= 2
    await send(client, text="số 2 ạ")
    assert (await history(client))[-1]["title"] == labels[1]
    await send(client, text="9")  # past the last button: which ones there are
    past = (await history(client))[-1]
    assert past["text"] == msg.number_not_a_button("9")
    assert past["buttons"]  # the buttons again


async def test_the_latest_notices_are_listed_once_as_their_buttons(
    client: httpx.AsyncClient,
) -> None:
    """The page's buttons name each notice in full: the text above them no longer lists
    the same titles a second time (on a phone, in the portal's small frame, a second
    screen of the same lines), as Zalo's numbered lines list them once."""
    await send(client, text="/latest")
    latest = (await history(client))[-1]
    labels = [button["label"] for button in latest["buttons"]]
    assert len(labels) >= 2 and all(" — " in label for label in labels)
    for label in labels:
        title = label.split(" — ", 1)[1]
        assert title not in latest["text"]
        assert sum(title in b["label"] for b in latest["buttons"]) == 1
    assert latest["text"] == msg.latest_menu(WARD_NAME, len(labels))
    await send(client, text="2")  # the second button, as on Zalo its line 2
    assert (await history(client))[-1]["title"] == labels[1].split(" — ", 1)[1]


async def test_read_it_all_comes_apart_from_the_related_questions(
    client: httpx.AsyncClient,
) -> None:
    await send(client, text="điều chỉnh mức đóng bhyt hộ gia đình từ 01/7/2024")
    notice = (await history(client))[-1]
    assert [b["label"] for b in notice["actions"]] == [msg.FULL_TEXT_BUTTON]
    assert notice["buttons_title"] == msg.RELATED
    assert notice["buttons"] and msg.FULL_TEXT_BUTTON not in [b["label"] for b in notice["buttons"]]


async def test_markup_is_stored_and_returned_verbatim_for_the_page_to_show_as_text(
    client: httpx.AsyncClient,
) -> None:
    hostile = '<script>alert("x")</script><img src=x onerror="alert(1)"> & &amp; </p>'
    assert (await send(client, text=hostile)).status_code == 200
    mine, _ = await history(client)
    assert mine["text"] == hostile
    # An answer from faq.yaml with HTML-like text comes back as the ward wrote it.
    await send(client, text="lam tam tru can giay to gi")
    answer = (await history(client))[-1]
    assert "Lưu ý: <b>không</b> cần bản sao sổ hộ khẩu & giấy tờ cũ." in answer["text"]


async def test_events_bring_each_message_once_with_its_cursor_and_resume_after_one(
    client: httpx.AsyncClient,
) -> None:
    await send(client, text="hoc bong khuyen hoc xet cho ai")
    async with events(client) as stream:
        (first, question), (second, answer) = await stream.next(2)
        assert question["text"] == "hoc bong khuyen hoc xet cho ai" and first == question["id"]
        assert answer["title"] == "Học bổng khuyến học của phường xét cho ai?"
        assert second == answer["id"] > first
        # While the stream is open, a new message arrives on it at once.
        await send(client, text="dang ky thuong tru o dau")
        (_, asked), (_, answered) = await stream.next(2)
        assert asked["text"] == "dang ky thuong tru o dau"
        assert answered["title"] == "Đăng ký thường trú ở đâu?"
    # A page reconnecting after the first answer gets only what came after it...
    async with events(client, after=second) as stream:
        resumed = await stream.next(2)
        assert resumed[0][1]["text"] == "dang ky thuong tru o dau"
    # ... and so does EventSource's own reconnect, which says where it was in a header.
    async with events(client, headers={"Last-Event-ID": str(resumed[0][0])}) as stream:
        [(last, entry)] = await stream.next(1)
        assert (last, entry["title"]) == (resumed[1][0], "Đăng ký thường trú ở đâu?")


async def test_a_long_poll_waits_for_the_next_message(client: httpx.AsyncClient) -> None:
    waiting = asyncio.create_task(
        client.get("/chat/api/poll", params={"after": 0, "wait": 1}, headers=OURS)
    )
    await asyncio.sleep(0.2)
    assert not waiting.done()
    await send(client, text="mat the bhyt")
    response = await asyncio.wait_for(waiting, EVENTS_TIMEOUT)
    assert response.json()["messages"][0]["text"] == "mat the bhyt"


# --- refused requests ------------------------------------------------------------------------


async def test_a_message_from_another_site_is_refused(client: httpx.AsyncClient) -> None:
    for origin in ("https://evil.example", PORTAL):  # the portal embeds the frame, not sends
        response = await client.post(
            "/chat/api/send",
            content=json.dumps({"session": SESSION, "text": "/forget"}),
            headers={**HEADERS, "Origin": origin},
        )
        assert response.status_code == 403
        assert response.json() == {"error": msg.WEB_FORBIDDEN}
    assert await history(client) == []


PUBLIC = "https://hoidap.phuong2.example.gov.vn"
# nginx's plain `proxy_pass http://127.0.0.1:8080;` passes this Host on, not the browser's.
PROXY_HOST = "127.0.0.1:8080"


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "same-origin"},  # what a browser says of the page's own request
        {"X-Forwarded-Host": "hoidap.phuong2.example.gov.vn, 10.0.0.7"},  # an older browser
        {"X-Forwarded-Host": "HoiDap.Phuong2.example.gov.vn:443"},
    ],
    ids=["sec-fetch-site", "x-forwarded-host", "x-forwarded-host-spelt-otherwise"],
)
async def test_a_message_through_a_reverse_proxy_that_rewrote_the_host_is_answered(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await client.post(
        "/chat/api/send",
        content=json.dumps({"session": SESSION, "text": "mat the bhyt"}),
        headers={**HEADERS, "Host": PROXY_HOST, "Origin": PUBLIC, **headers},
    )
    assert response.status_code == 200, response.text
    assert (await history(client))[-1]["title"] == "Mất thẻ bảo hiểm y tế thì làm sao?"


async def test_behind_a_proxy_public_url_names_the_pages_origin(
    settings: Settings, ward_engine: Engine, store: Store, clock: Clock
) -> None:
    public = web_channel(replace(settings, public_url=PUBLIC), ward_engine, store, clock)
    async with serve(web_app(public.routes())) as url, httpx.AsyncClient(base_url=url) as client:
        body = json.dumps({"session": SESSION, "text": "mat the bhyt"})
        ours = {**HEADERS, "Host": PROXY_HOST, "Origin": PUBLIC}
        response = await client.post("/chat/api/send", content=body, headers=ours)
        assert response.status_code == 200
        evil = {**ours, "Origin": "https://evil.example"}
        response = await client.post("/chat/api/send", content=body, headers=evil)
        assert response.status_code == 403


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
async def test_a_browser_saying_the_request_comes_from_another_site_is_refused(
    client: httpx.AsyncClient, site: str
) -> None:
    """Even when the Origin it names looks like this bot's (Host, X-Forwarded-Host)."""
    own = str(client.base_url).rstrip("/")
    response = await client.post(
        "/chat/api/send",
        content=json.dumps({"session": SESSION, "text": "/forget"}),
        headers={**HEADERS, "Origin": own, "Sec-Fetch-Site": site},
    )
    assert response.status_code == 403
    assert response.json() == {"error": msg.WEB_FORBIDDEN}
    assert await history(client) == []


async def test_a_message_without_the_pages_header_or_json_is_refused(
    client: httpx.AsyncClient,
) -> None:
    body = json.dumps({"session": SESSION, "text": "mat the bhyt"})
    response = await client.post(
        "/chat/api/send", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 403
    assert response.json() == {"error": msg.WEB_FORBIDDEN}
    # A plain HTML form can send neither the header nor JSON.
    form = await client.post(
        "/chat/api/send",
        data={"session": SESSION, "text": "mat the bhyt"},
        headers={"X-Ward-Chat": "1"},
    )
    assert form.status_code == 415
    assert await history(client) == []


@pytest.mark.parametrize("length", [10_000, MAX_MESSAGE_CHARS + 1])
async def test_a_message_too_long_is_refused_in_vietnamese_and_not_stored(
    client: httpx.AsyncClient, length: int
) -> None:
    response = await send(client, text="a" * length)
    assert response.status_code == 413
    assert response.json() == {"error": msg.too_long(MAX_MESSAGE_CHARS)}
    assert await history(client) == []
    # The longest allowed is answered.
    assert (await send(client, text="a" * MAX_MESSAGE_CHARS)).status_code == 200


async def test_a_question_in_decomposed_unicode_is_measured_by_its_letters(
    client: httpx.AsyncClient,
) -> None:
    """Text copied from a PDF or typed with a keyboard set to "Unicode tổ hợp" writes
    each accent as a character of its own (NFD): a question of 1,261 letters is 1,638
    code points then. It is as long as the same question written the usual way, as the
    conversation measures it (and Telegram's and Zalo's residents are)."""
    question = DECOMPOSED_QUESTION
    assert len(unicodedata.normalize("NFC", question)) <= MAX_MESSAGE_CHARS < len(question)
    response = await send(client, text=question)
    assert response.status_code == 200
    [asked, answer] = await history(client)
    assert asked["text"] == question
    assert answer["text"] != msg.too_long(MAX_MESSAGE_CHARS)


async def test_a_body_that_does_not_end_is_refused_without_reading_it_all(
    channel: WebChatChannel,
) -> None:
    app = web_app(channel.routes())
    chunk = b"x" * 1024
    read = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal read
        read += 1
        if read > 1000:  # 1 MB: the old way read it all before refusing
            return {"type": "http.disconnect"}
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def respond(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/chat/api/send",
        "raw_path": b"/chat/api/send",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"bot.test"),
            (b"x-ward-chat", b"1"),
            (b"content-type", b"application/json"),
        ],
        "client": ("127.0.0.1", 5000),
        "server": ("bot.test", 80),
    }
    await app(scope, receive, respond)
    assert sent[0]["status"] == 413
    assert read * len(chunk) <= MAX_BODY_BYTES + len(chunk)


async def test_a_flood_from_one_session_is_slowed_down_with_retry_after(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    burst, every = SESSION_LIMIT
    for n in range(burst):
        assert (await send(client, text=f"cam on {n}")).status_code == 200
    response = await send(client, text="cam on nua")
    assert response.status_code == 429
    seconds = round(every)
    assert response.headers["Retry-After"] == str(seconds)
    assert response.json() == {"error": msg.web_slow_down(seconds)}
    assert len(await history(client)) == 2 * burst, "the refused message was not stored"
    # Another browser is not slowed down; this one may go again once the time has passed.
    assert (await send(client, OTHER, text="cam on")).status_code == 200
    clock.now += every
    assert (await send(client, text="cam on nua")).status_code == 200


async def test_a_flood_of_reads_is_slowed_down_but_a_page_polling_its_replies_is_not(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    """Each read of the replies is a database query: a client reading as fast as it can
    gets 429, while a page polling about once a second (and reading a few pages of its
    history on a reload) is never refused, nor kept from sending."""
    assert (await send(client, text="cam on")).status_code == 200

    async def read() -> httpx.Response:
        return await client.get("/chat/api/poll", params={"after": "0"}, headers=OURS)

    for _ in range(10 * 60):  # ten minutes of a page polling once a second
        clock.now += 1.0
        for _ in range(3 if clock.now % 60 == 0 else 1):  # now and then a reload
            polled = await read()
            assert polled.status_code == 200 and len(polled.json()["messages"]) == 2
    flood = [(await read()).status_code for _ in range(100)]
    assert 429 in flood and flood.count(200) < 40
    refused = await read()
    seconds = int(refused.headers["Retry-After"])
    assert refused.status_code == 429 and seconds >= 1
    assert refused.json() == {"error": msg.web_slow_down(seconds)}
    # The flood spent its reads only: the session may still send; another session reads.
    assert (await send(client, text="cam on nua")).status_code == 200
    assert len(await history(client, OTHER)) == 0
    clock.now += 60
    assert (await read()).status_code == 200


async def test_one_address_cannot_hold_open_more_than_its_share_of_event_streams(
    client: httpx.AsyncClient, channel: WebChatChannel, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each open event stream or long poll holds a connection (a file descriptor, which a
    systemd service has 1,024 of) until it ends: one client opening thousands would take
    the bot's web server, its database and its Telegram and Zalo connections down."""
    # A long poll over the limit is answered at once: it would otherwise wait this long.
    monkeypatch.setattr("handlers.webchat.LONG_POLL", 3600.0)
    per_address = LISTENERS_PER_ADDRESS
    async with contextlib.AsyncExitStack() as open_streams:
        streams = []
        for number in range(per_address):
            session = f"{number:03d}" + "s" * 40
            params, headers = {"after": "0"}, {"X-Ward-Session": session}
            streams.append(
                await open_streams.enter_async_context(
                    client.stream("GET", "/chat/api/events", params=params, headers=headers)
                )
            )
        assert all(stream.status_code == 200 for stream in streams)
        refused = await opened_briefly(client, OURS)
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) >= 1
        assert refused.json() == {"error": msg.WEB_BUSY}
        # The page, its events refused, falls back to polling: still answered, at once.
        async with asyncio.timeout(EVENTS_TIMEOUT):
            polled = await client.get(
                "/chat/api/poll", params={"after": "0", "wait": "1"}, headers=OURS
            )
        assert (polled.status_code, polled.json()) == (200, {"messages": []})
        # A stream that ends gives its place back.
        await streams[0].aclose()
        for _ in range(200):  # once the server has seen the connection go
            if (again := await opened_briefly(client, OURS)).status_code == 200:
                break
            await asyncio.sleep(0.05)
        assert again.status_code == 200


async def test_all_addresses_together_hold_open_a_bounded_number_of_streams(
    client: httpx.AsyncClient, channel: WebChatChannel
) -> None:
    """Addresses are cheap to an attacker with an IPv6 block (a /48 is 65,536 /64
    networks): all of them together hold at most `total` streams open."""
    channel.listening.total = 2
    async with contextlib.AsyncExitStack() as open_streams:
        for session in (SESSION, OTHER):
            opened = await open_streams.enter_async_context(
                client.stream(
                    "GET",
                    "/chat/api/events",
                    params={"after": "0"},
                    headers={"X-Ward-Session": session},
                )
            )
            assert opened.status_code == 200
        third = await opened_briefly(client, {"X-Ward-Session": "t" * 43})
        assert third.status_code == 429


async def opened_briefly(client: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
    """An event stream opened, then closed at once: its status (and a refusal's body)."""
    async with (
        asyncio.timeout(EVENTS_TIMEOUT),
        client.stream("GET", "/chat/api/events", params={"after": "0"}, headers=headers) as r,
    ):
        if r.status_code != 200:
            await r.aread()
        return r


async def test_one_address_cannot_flood_ward_staff_with_tickets(
    settings: Settings, ward_engine: Engine, store: Store, clock: Clock
) -> None:
    """Session ids are the page's own choice: a client making up a new one for each
    "/hoicanbo" is held back by its address, and told the hotline."""
    staffed = replace(settings, staff_chat_id=-100999)
    desk = Desk(TicketBook(store), staffed, ward_engine, clock=clock)
    conversation = Conversation(ward_engine, store, staffed, desk=desk, clock=clock)
    conversation.no_alerts = channels.no_push()
    channel = WebChatChannel(staffed, conversation, clock=clock)
    await channel.start()
    try:
        async with (
            serve(web_app(channel.routes())) as url,
            httpx.AsyncClient(base_url=url, timeout=30.0) as client,
        ):
            for number in range(1, TICKETS_PER_ORIGIN_HOUR + 1):
                session = f"{number:03d}" + "s" * 40
                await send(client, session, text=f"/hoicanbo câu hỏi {number}")
                assert f"phiếu số {number}" in (await history(client, session))[-1]["text"]
            made_up = "m" * 43
            assert (await send(client, made_up, text="/hoicanbo thêm nữa")).status_code == 200
            [_, refused] = await history(client, made_up)
            assert refused["text"] == msg.ticket_limit("UBND Phường 2", "0276 3822 123")
            assert len(await desk.tickets.listing()) == TICKETS_PER_ORIGIN_HOUR
            # An hour later that address may ask staff again.
            clock.now += HOUR
            await send(client, made_up, text="/hoicanbo thêm nữa")
            number = TICKETS_PER_ORIGIN_HOUR + 1
            assert f"phiếu số {number}" in (await history(client, made_up))[-1]["text"]
    finally:
        await channel.stop()


async def test_a_ticket_opened_on_the_web_says_where_the_answer_will_be(
    settings: Settings, ward_engine: Engine, store: Store, clock: Clock
) -> None:
    """A closed page cannot be told anything: the resident is not promised the answer
    "in this conversation" (as on Zalo) but told to open this page again, in this
    browser; there the staff answer is."""
    staffed = replace(settings, staff_chat_id=-100999)
    desk = Desk(TicketBook(store), staffed, ward_engine, clock=clock)
    conversation = Conversation(ward_engine, store, staffed, desk=desk, clock=clock)
    channel = WebChatChannel(staffed, conversation, clock=clock)
    await channel.start()
    try:
        async with (
            serve(web_app(channel.routes())) as url,
            httpx.AsyncClient(base_url=url, timeout=30.0) as client,
        ):
            await send(client, text="/hoicanbo phường có lớp dạy bơi không")
            receipt = (await history(client))[-1]["text"]
            assert "phiếu số 1" in receipt
            assert "mở lại trang hỏi đáp này trên cùng điện thoại và cùng trình duyệt" in receipt
            assert "trong cuộc trò chuyện này" not in receipt
            await channel.deliver(SESSION, [Reply("Dạ, có lớp vào tháng 6.")])
            assert (await history(client))[-1]["text"] == "Dạ, có lớp vào tháng 6."
    finally:
        await channel.stop()
    zalo = await desk.request(ChatRef("zalo", "42"), "phường có lớp dạy bơi không")
    assert "ngay trong cuộc trò chuyện này" in zalo[0].text


async def test_a_long_message_for_ward_staff_is_taken_as_on_telegram_and_zalo(
    settings: Settings, ward_engine: Engine, store: Store, clock: Clock
) -> None:
    """Staff read what a resident writes them whole (up to MAX_STAFF_MESSAGE_CHARS): a
    long "/hoicanbo ..." and more on an open ticket reach them; a long question does not."""
    staffed = replace(settings, staff_chat_id=-100999)
    desk = Desk(TicketBook(store), staffed, ward_engine, clock=clock)
    conversation = Conversation(ward_engine, store, staffed, desk=desk, clock=clock)
    conversation.no_alerts = channels.no_push()
    channel = WebChatChannel(staffed, conversation, clock=clock)
    story = ("Nhà em ở khu phố 3, mẹ em già yếu không đi lại được, cần xác nhận cư trú. " * 60)[
        :3000
    ].strip()
    await channel.start()
    try:
        async with (
            serve(web_app(channel.routes())) as url,
            httpx.AsyncClient(base_url=url, timeout=30.0) as client,
        ):
            page = parse_page((await client.get("/chat")).text)
            assert json.loads(page.ui)["max_chars"] == MAX_STAFF_MESSAGE_CHARS
            assert (await send(client, text=f"/hoicanbo {story}")).status_code == 200
            assert "phiếu số 1" in (await history(client))[-1]["text"]
            [ticket] = await desk.tickets.listing()
            assert story in "\n".join(m.text for m in await desk.tickets.messages(ticket.id))
            # More on the open ticket, as long: to staff too.
            more = "Em bổ sung: " + story
            assert (await send(client, text=more)).status_code == 200
            texts = [m.text for m in await desk.tickets.messages(ticket.id)]
            assert more in texts
            # A long question with no ticket open is refused as on every channel.
            assert (await send(client, OTHER, text=story)).status_code == 200
            assert (await history(client, OTHER))[-1]["text"] == msg.too_long(MAX_MESSAGE_CHARS)
            # Past what staff take: refused before anything is stored.
            too_long = "a" * (MAX_STAFF_MESSAGE_CHARS + 1)
            response = await send(client, text=f"/hoicanbo {too_long}")
            assert response.status_code == 413
    finally:
        await channel.stop()


# --- /forget, staff answers, alerts ----------------------------------------------------------


async def test_forget_deletes_the_history_and_the_page_is_told_to_clear_it(
    client: httpx.AsyncClient, store: Store
) -> None:
    await send(client, text="mat the bhyt")
    seen = (await history(client))[-1]["id"]  # what the open page has shown
    await send(client, text="/forget")
    [done] = await history(client)
    assert done["from"] == "bot" and done["reset"] is True
    assert done["text"] == msg.forget_done(alerts=False)
    assert "nhận tin" not in done["text"]  # no topics to follow on the web: none deleted
    # The open page resumes after what it had seen: it gets the reset, not an empty list.
    assert [e["id"] for e in await history(client, after=seen)] == [done["id"]]
    async with store.db.execute("SELECT count(*) FROM web_messages") as rows:
        assert (await rows.fetchone()) == (1,)


@pytest.mark.parametrize("said", ["xoa lich su tro chuyen", "Xoá hết tin nhắn của em nhé"])
async def test_asking_to_delete_the_chat_history_in_words_deletes_it(
    client: httpx.AsyncClient, said: str
) -> None:
    """A resident on a phone others use too asks, in their words, for the conversation the
    page shows again on each visit to go: it goes, as with /forget."""
    await send(client, text="so cccd cua toi la 079123456789 mat the bhyt")
    await send(client, text=said)
    [done] = await history(client)
    assert done["reset"] is True and done["text"] == msg.forget_done(alerts=False)


async def test_a_forget_sent_again_under_its_key_is_done_once(client: httpx.AsyncClient) -> None:
    """The page sends /forget again under the same key when its send's answer was lost, or
    after a reload that came before that answer: /forget deleted the history, the message
    with its key too; the bot must not take it for a new one, forget again and put "there
    is nothing to delete" in place of "deleted". A /forget typed again is a new one."""
    await send(client, text="mat the bhyt", key="k" * 16)
    first = await send(client, text="/forget", key="f" * 16)
    [done] = await history(client)
    assert done["reset"] is True and done["text"] == msg.forget_done(alerts=False)
    again = await send(client, text="/forget", key="f" * 16)
    assert again.status_code == 200 and again.json()["id"] == done["id"] != first.json()["id"]
    assert await history(client) == [done]
    await send(client, text="/forget", key="g" * 16)
    assert (await history(client))[-1]["text"] == msg.forget_nothing(alerts=False)


async def test_forget_after_small_talk_says_the_conversation_was_deleted_and_again_nothing(
    client: httpx.AsyncClient,
) -> None:
    """The page's history is a conversation kept: said nothing but a greeting and thanks
    (no question logged, no topic), the resident is told it was deleted, not that nothing
    was stored while the page is cleared; typed again right after, nothing is left."""
    await send(client, text="chào em")
    await send(client, text="cám ơn nha")
    await send(client, text="/forget")
    [done] = await history(client)
    assert done["reset"] is True and done["text"] == msg.forget_done(alerts=False)
    await send(client, text="/forget")
    assert (await history(client))[-1]["text"] == msg.forget_nothing(alerts=False)


async def test_forget_ends_a_link_to_the_full_page_not_yet_opened(
    client: httpx.AsyncClient,
) -> None:
    """The widget's "Mở toàn trang" gave a link (its tab not opened yet, or blocked);
    the resident then says /forget: the link no longer opens the conversation, whose
    next messages the resident now means to be theirs alone."""
    await send(client, text="mat the bhyt")
    await send(client, session=OTHER, text="mat the bhyt")
    token = (await handoff(client, SESSION)).json()["token"]
    other = (await handoff(client, OTHER)).json()["token"]
    await send(client, text="/forget")
    join = await client.post("/chat/api/join", json={"token": token}, headers=HEADERS)
    assert join.status_code == 404 and join.json() == {"error": msg.WEB_HANDOFF_EXPIRED}
    # Another browser's link is not touched.
    kept = await client.post("/chat/api/join", json={"token": other}, headers=HEADERS)
    assert kept.json() == {"session": OTHER}


async def test_a_staff_answer_reaches_an_open_page_and_a_later_visit(
    client: httpx.AsyncClient, channel: WebChatChannel
) -> None:
    async with events(client) as stream:
        await asyncio.sleep(0.1)  # the stream is waiting for messages
        await channel.deliver(SESSION, [Reply("Dạ, phường có lớp bơi vào tháng 6.", title="#3")])
        [(_, entry)] = await stream.next(1)
    assert (entry["from"], entry["title"]) == ("bot", "#3")
    assert [e["text"] for e in await history(client)] == ["Dạ, phường có lớp bơi vào tháng 6."]


@pytest.mark.parametrize("text", ["/subscribe bhyt", "dang ky nhan tin hoc bong", "/topics"])
async def test_following_a_topic_on_the_web_points_to_zalo(
    client: httpx.AsyncClient, store: Store, text: str
) -> None:
    await send(client, text=text)
    _, reply = await history(client)
    assert reply["text"] == msg.alerts_elsewhere(WARD_NAME, True)
    assert reply["links"] == [{"label": msg.follow_on("zalo"), "url": ZALO_BOT}]
    assert "Telegram" not in reply["text"]  # the ward has a Zalo bot only: no Telegram named
    assert await store.subscribers_of("bhyt") == []


ALERT_COMMANDS = ("/topics", "/subscribe", "/unsubscribe", "/mysubs")


@pytest.mark.parametrize("text", ["/start", "/help", "xin chào"])
async def test_start_and_help_on_the_web_promise_alerts_on_zalo_not_here(
    client: httpx.AsyncClient, text: str
) -> None:
    await send(client, text=text)
    _, reply = await history(client)
    assert "Nhắn tin cho anh/chị khi phường có thông báo mới" not in reply["text"]
    assert [c for c in ALERT_COMMANDS if c in reply["text"]] == []
    assert "đăng ký nhận tin bhyt" not in reply["text"]
    # The link below names the platform: the text names none it may not have (Telegram).
    assert "mở đường dẫn bên dưới để nhắn cho bot của phường" in reply["text"]
    assert "Telegram" not in reply["text"]
    assert reply["links"] == [{"label": msg.follow_on("zalo"), "url": ZALO_BOT}]
    if text == "/help":
        assert "/latest" in reply["text"] and "/forget" in reply["text"]


@pytest.mark.parametrize("text", ["/start", "/help"])
async def test_without_zalo_or_telegram_the_web_says_it_sends_no_alerts(
    settings: Settings, ward_engine: Engine, store: Store, clock: Clock, text: str
) -> None:
    alone = web_channel(replace(settings, zalo_bot_url=None), ward_engine, store, clock)
    async with serve(web_app(alone.routes())) as url, httpx.AsyncClient(base_url=url) as client:
        await send(client, text=text)
        _, reply = await history(client)
    assert "Trang web này không tự gửi thông báo khi phường có tin mới" in reply["text"]
    assert "Zalo" not in reply["text"] and "links" not in reply
    assert [c for c in ALERT_COMMANDS if c in reply["text"]] == []


@pytest.mark.parametrize("text", ["đăng ký nhận tin", "/subscribe bhyt", "/topics"])
async def test_without_zalo_or_telegram_following_a_topic_sends_nobody_to_them(
    settings: Settings, ward_engine: Engine, store: Store, clock: Clock, text: str
) -> None:
    """A web-only ward has no bot on Zalo or Telegram: the reply must not send residents
    there, and the "tin mới" it suggests instead really lists the latest notices."""
    alone = web_channel(replace(settings, zalo_bot_url=None), ward_engine, store, clock)
    async with serve(web_app(alone.routes())) as url, httpx.AsyncClient(base_url=url) as client:
        await send(client, text=text)
        _, reply = await history(client)
        assert "Zalo" not in reply["text"] and "Telegram" not in reply["text"]
        assert "không gửi được thông báo tự động" in reply["text"]
        assert "“tin mới”" in reply["text"] and "links" not in reply
        await send(client, text="tin mới")
        await send(client, text="/latest")
        *_, latest, _, command = await history(client)
    assert latest["text"] == command["text"] != reply["text"]


async def test_registering_for_a_topic_on_the_web_is_answered_without_a_follow_button(
    client: httpx.AsyncClient, store: Store
) -> None:
    """A closed page gets no alerts: "đăng ký cư trú" is answered, nothing offers following."""
    await send(client, text="đăng ký cư trú")
    _, reply = await history(client)
    assert reply["text"] != msg.alerts_elsewhere(WARD_NAME, True)
    labels = [button["label"] for button in reply.get("buttons", [])]
    assert msg.subscribe_button("Cư trú") not in labels
    assert await store.subscribers_of("cu-tru") == []


async def test_a_bad_session_id_or_cursor_is_refused(client: httpx.AsyncClient) -> None:
    assert (await send(client, "short", text="xin chao")).status_code == 400
    assert (await send(client, "x" * 30 + "/../", text="xin chao")).status_code == 400
    bad = await client.get("/chat/api/poll", params={"after": "-1"}, headers=OURS)
    assert bad.status_code == 400
    assert bad.json() == {"error": msg.WEB_BAD_REQUEST}


async def test_a_url_naming_a_session_opens_nothing(client: httpx.AsyncClient) -> None:
    """The session id is the only key to a conversation, and proxies and CDNs log URLs: a
    logged URL of an older page (?session=...) must not read the conversation."""
    await send(client, text="toi ten Tran Thi B, CCCD 079123456789, xin lam lai the bhyt")
    for path in ("/chat/api/poll", "/chat/api/events"):
        response = await client.get(path, params={"session": SESSION, "after": 0})
        assert response.status_code == 400, path
        assert response.json() == {"error": msg.WEB_BAD_REQUEST}
        assert "079123456789" not in response.text
    assert len(await history(client)) == 2  # named in the header, it is read


@pytest.mark.parametrize(
    ("params", "headers"),
    [
        ({"after": str(2**63)}, {}),  # past SQLite's INTEGER
        ({"after": "9" * 5000}, {}),  # past what int() reads
        ({"after": "0" * 20}, {}),  # more than 19 digits
        ({"after": "²"}, {}),  # a digit to str.isdigit(), not to int()
        ({}, {"Last-Event-ID": str(2**63)}),
        ({}, {"Last-Event-ID": "1" * 20}),
    ],
)
async def test_a_cursor_no_message_can_have_is_refused_without_an_error_logged(
    client: httpx.AsyncClient, params: dict[str, str], headers: dict[str, str]
) -> None:
    logged = logging.handlers.BufferingHandler(100)
    server_log = logging.getLogger("uvicorn.error")  # where a 500's traceback goes
    server_log.addHandler(logged)
    try:
        for path in ("/chat/api/poll", "/chat/api/events"):
            response = await client.get(path, params=params, headers={**OURS, **headers})
            assert response.status_code == 400, path
            assert response.json() == {"error": msg.WEB_BAD_REQUEST}
    finally:
        server_log.removeHandler(logged)
    assert logged.buffer == []


async def test_the_largest_cursor_is_still_one(client: httpx.AsyncClient) -> None:
    await send(client, text="xin chao")
    largest = {"after": str(2**63 - 1)}
    response = await client.get("/chat/api/poll", params=largest, headers=OURS)
    assert (response.status_code, response.json()) == (200, {"messages": []})
    padded = await client.get("/chat/api/poll", params={"after": "0" * 19}, headers=OURS)
    assert padded.json()["messages"][0]["text"] == "xin chao"


# --- a data folder that cannot be written -------------------------------------------------


async def test_a_read_only_data_folder_still_answers_on_the_web_and_healthz_says_so(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """README: with DATA_DIR read-only the bot still answers. The page shows the replies
    (held in memory); /healthz says the data folder is down, the web chat up, and where its
    conversations go; the hourly purge does not fill the log with tracebacks."""
    settings = replace(settings, http_port=free_port())
    async with await Store.open(settings.data_dir / "bot.sqlite3"):
        pass  # a database from before, as a bot that ran there leaves it
    with read_only_folder(settings.data_dir):
        async with (
            running_app(settings, healthy=False) as base,
            httpx.AsyncClient(base_url=base, timeout=30.0) as client,
        ):
            response = await send(client, text="mat the bhyt thi lam sao")
            assert response.status_code == 200, response.text
            mine, answer = await history(client)
            assert (mine["id"], mine["text"]) == (response.json()["id"], "mat the bhyt thi lam sao")
            assert answer["title"] == "Mất thẻ bảo hiểm y tế thì làm sao?"
            assert await history(client, after=mine["id"]) == [answer]
            health = await client.get("/healthz")
            assert health.status_code == 503
            assert health.json()["checks"]["data"] is False
            assert health.json()["checks"]["web"] is True
            assert health.json()["web"] == {"history": "memory"}
    logged = [r for r in caplog.records if r.name.startswith(("handlers", "uvicorn"))]
    assert [r.getMessage() for r in logged if r.levelno >= logging.ERROR or r.exc_info] == []


async def test_healthz_says_the_web_chat_keeps_its_conversations_when_it_can(
    settings: Settings,
) -> None:
    settings = replace(settings, http_port=free_port())
    async with running_app(settings) as base, httpx.AsyncClient(base_url=base) as client:
        body = (await client.get("/healthz")).json()
        assert body["checks"]["web"] is True and body["web"] == {"history": "database"}


async def test_while_the_database_refuses_writes_the_page_gets_every_reply_in_order(
    client: httpx.AsyncClient, channel: WebChatChannel, store: Store
) -> None:
    """A full disk, say: held in memory meanwhile, and nothing skipped once it is back."""
    await send(client, text="xin chao")
    seen = (await history(client))[-1]["id"]  # the open page's cursor
    await store.db.execute("PRAGMA query_only = ON")  # every write fails from now on
    try:
        response = await send(client, text="mat the bhyt")
        assert response.status_code == 200
        held = await history(client, after=seen)
        assert [e["from"] for e in held] == ["resident", "bot"]
        assert held[0]["id"] == response.json()["id"] > seen
        assert held[1]["title"] == "Mất thẻ bảo hiểm y tế thì làm sao?"
        await channel.deliver(SESSION, [Reply("Dạ, cán bộ phường đã nhận câu hỏi.")])
        seen = (await history(client, after=seen))[-1]["id"]
    finally:
        await store.db.execute("PRAGMA query_only = OFF")
    await send(client, text="dang ky thuong tru o dau")
    after = await history(client, after=seen)
    assert [e["text"] for e in after][:1] == ["dang ky thuong tru o dau"]
    assert after[-1]["title"] == "Đăng ký thường trú ở đâu?"
    # A reload shows it all, in order, each message once.
    everything = await history(client)
    assert len(everything) == 7
    assert [e["id"] for e in everything] == sorted({e["id"] for e in everything})


async def test_a_second_spell_of_refused_writes_still_gets_every_reply_to_the_page(
    client: httpx.AsyncClient, store: Store
) -> None:
    """Messages held in a second outage go past those the database stored in between: the
    page's cursor never passes over them."""
    for question in ("mat the bhyt", "dang ky thuong tru o dau", "mat the bhyt"):
        await store.db.execute("PRAGMA query_only = ON")  # an outage
        try:
            seen = (await history(client))[-1]["id"] if await history(client) else 0
            await send(client, text=question)
            assert [e["from"] for e in await history(client, after=seen)] == ["resident", "bot"]
        finally:
            await store.db.execute("PRAGMA query_only = OFF")
        seen = (await history(client))[-1]["id"]
        await send(client, text="xin chao")  # stored again
        assert [e["text"] for e in await history(client, after=seen)][:1] == ["xin chao"]
    everything = await history(client)
    assert len(everything) == 12
    assert [e["id"] for e in everything] == sorted({e["id"] for e in everything})


async def test_forget_deletes_the_messages_held_in_memory_too(
    client: httpx.AsyncClient, store: Store
) -> None:
    await store.db.execute("PRAGMA query_only = ON")  # held in memory from here
    await send(client, text="so cccd cua toi la 079123456789 mat the bhyt")
    await store.db.execute("PRAGMA query_only = OFF")
    await send(client, text="/forget")
    kept = await history(client)  # what anyone with the session id gets
    assert "079123456789" not in json.dumps(kept, ensure_ascii=False)
    assert [e.get("reset") for e in kept][:1] == [True]  # the page starts afresh


async def test_what_is_held_in_memory_has_a_cap_and_the_longest_silent_sessions_go_first(
    client: httpx.AsyncClient, channel: WebChatChannel, store: Store
) -> None:
    """Many sessions (addresses from a wide IPv6 block, each within its own allowance)
    while the database refuses writes: what memory holds stays under the cap, whatever
    their number; the sessions heard from longest ago go first, the resident writing now
    keeps the whole conversation, and one whose session went starts afresh."""
    cap = 40_000
    channel.history.memory_bytes = cap
    question = "Cho tôi hỏi thủ tục cấp lại thẻ bảo hiểm y tế bị mất ạ. " * 20  # ~1,500 bytes
    sessions = [f"{n:03d}" + "m" * 40 for n in range(20)]
    await store.db.execute("PRAGMA query_only = ON")  # held in memory from here
    try:
        for session in sessions:
            response = await send(client, session, text=question)
            assert response.status_code == 200, response.text
        assert await history(client, sessions[0]) == []  # heard from first: gone
        mine, answer = await history(client, sessions[-1])
        assert (mine["text"], answer["from"]) == (question, "bot")
        assert 0 < channel.history.held_bytes <= cap
        # The resident whose conversation went writes again: answered, as a new one.
        response = await send(client, sessions[0], text="mat the bhyt")
        assert response.status_code == 200
        kept = await history(client, sessions[0])
        assert [e["from"] for e in kept] == ["resident", "bot"]
        assert kept[-1]["title"] == "Mất thẻ bảo hiểm y tế thì làm sao?"
        assert "reset" not in kept[-1]
        assert channel.history.held_bytes <= cap
    finally:
        await store.db.execute("PRAGMA query_only = OFF")


# --- what one client may add to the database ----------------------------------------------


async def stored_rows(store: Store, session: str = SESSION) -> int:
    async with store.db.execute(
        "SELECT count(*) FROM web_messages WHERE chat_id = ?", (session,)
    ) as rows:
        row = await rows.fetchone()
    return int(row[0]) if row else 0


async def test_a_session_keeps_its_newest_messages_and_drops_the_oldest(
    client: httpx.AsyncClient, channel: WebChatChannel, store: Store
) -> None:
    await channel.deliver(SESSION, [Reply(f"tin số {n}") for n in range(SESSION_MESSAGES + 5)])
    await send(client, text="mat the bhyt")
    kept = await history(client)  # what a reload shows
    assert len(kept) == SESSION_MESSAGES == await stored_rows(store)
    assert kept[0]["text"] == "tin số 7"  # the 7 oldest are gone
    assert kept[-2]["text"] == "mat the bhyt"
    assert kept[-1]["title"] == "Mất thẻ bảo hiểm y tế thì làm sao?"


async def test_all_conversations_together_keep_their_newest_messages(
    client: httpx.AsyncClient, channel: WebChatChannel, store: Store
) -> None:
    """Many sessions from many networks, each within its own allowance (a wide IPv6
    block): the database keeps the newest messages of all, the oldest conversations go
    first, and the resident writing now keeps the whole conversation."""
    channel.history.stored_messages, channel.history.trim_every = 9, 1
    sessions = [f"{n:03d}" + "d" * 40 for n in range(6)]
    for session in sessions:
        response = await send(client, session, text="mat the bhyt")
        assert response.status_code == 200, response.text
    async with store.db.execute("SELECT count(*) FROM web_messages") as rows:
        assert await rows.fetchone() == (9,)
    assert await history(client, sessions[0]) == []
    assert [e["from"] for e in await history(client, sessions[1])] == ["bot"]
    for session in sessions[2:]:
        assert [e["from"] for e in await history(client, session)] == ["resident", "bot"]


def from_address(address: str) -> dict[str, str]:
    """A request from `address`, as a proxy on 127.0.0.1 (FORWARDED_ALLOW_IPS) says."""
    return {**HEADERS, "X-Forwarded-For": address}


async def send_from(
    client: httpx.AsyncClient, address: str, session: str, text: str
) -> httpx.Response:
    return await client.post(
        "/chat/api/send",
        content=json.dumps({"session": session, "text": text}),
        headers={**from_address(address), "Origin": str(client.base_url).rstrip("/")},
    )


async def test_one_address_making_up_sessions_is_refused_new_ones_until_the_next_day(
    settings: Settings, ward_engine: Engine, store: Store, clock: Clock
) -> None:
    channel = web_channel(settings, ward_engine, store, clock)
    channel.allowance = type(channel.allowance)(sessions=3, clock=clock)
    home = "2001:db8:1:2::"  # one household's IPv6 /64: any address in it is the same client
    async with serve(web_app(channel.routes())) as url, httpx.AsyncClient(base_url=url) as client:
        for n in range(3):
            response = await send_from(client, f"{home}{n + 1}", f"{n:03d}" + "s" * 40, "xin chao")
            assert response.status_code == 200
        response = await send_from(client, f"{home}99", "n" * 43, "mat the bhyt")
        assert response.status_code == 429
        assert response.json() == {
            "error": msg.web_too_many_sessions("UBND Phường 2", "0276 3822 123")
        }
        assert int(response.headers["Retry-After"]) > 0
        assert await history(client, "n" * 43) == []
        # A conversation already under way goes on; another network starts its own.
        assert (await send_from(client, f"{home}1", "000" + "s" * 40, "cam on")).status_code == 200
        assert (await send_from(client, "2001:db8:1:3::1", "n" * 43, "xin chao")).status_code == 200
        # The next day (Vietnam's) the household may start new ones again.
        clock.now += 86400
        assert (await send_from(client, f"{home}7", "m" * 43, "xin chao")).status_code == 200


async def test_one_address_storing_too_much_in_a_day_is_told_to_come_back_tomorrow(
    settings: Settings, ward_engine: Engine, store: Store, clock: Clock
) -> None:
    channel = web_channel(settings, ward_engine, store, clock)
    channel.allowance = type(channel.allowance)(size=20_000, clock=clock)
    long = ("Cho em hỏi thủ tục đăng ký thường trú cho con mới sinh ở phường mình ạ. " * 30)[
        :MAX_MESSAGE_CHARS
    ]
    async with serve(web_app(channel.routes())) as url, httpx.AsyncClient(base_url=url) as client:
        for accepted in range(ADDRESS_LIMIT[0]):  # within the rate limit
            response = await send_from(client, "203.0.113.7", f"{accepted:03d}" * 15, long)
            if response.status_code != 200:
                break
        assert response.status_code == 429 and 0 < accepted < 10
        assert response.json() == {"error": msg.web_daily_limit("UBND Phường 2", "0276 3822 123")}
        async with store.db.execute(
            "SELECT sum(length(CAST(body AS BLOB))) FROM web_messages"
        ) as r:
            assert 20_000 <= (await r.fetchone())[0] < 20_000 + 10_000  # type: ignore[index]
        # Another address is not held back; this one is, until the next day.
        assert (await send_from(client, "198.51.100.1", "x" * 43, "xin chao")).status_code == 200
        clock.now += 86400
        assert (await send_from(client, "203.0.113.7", "y" * 43, "xin chao")).status_code == 200


async def test_a_number_typed_after_a_staff_answer_is_no_choice_from_the_list_before_it(
    client: httpx.AsyncClient, channel: WebChatChannel
) -> None:
    """Staff answer a ticket with a question ("Nhà mình có mấy người ạ?") while the
    resident's suggestions are still on the page: "2" answers them, as on Telegram and
    Zalo; it does not press the second suggestion."""
    await send(client, text="the bhyt")
    offer = (await history(client))[-1]
    labels = [b["label"] for b in offer["buttons"]]
    assert len(labels) >= 2
    asks = Reply("Nhà mình có mấy người ạ?", title="Cán bộ phường trả lời", ends_choices=True)
    await channel.deliver(SESSION, [asks])
    await send(client, text="2")
    said = (await history(client))[-1]
    assert said.get("title") != labels[1]


async def test_a_message_the_bot_stopped_answering_is_answered_when_sent_again(
    settings: Settings, ward_engine: Engine, store: Store, clock: Clock
) -> None:
    """The bot restarts (an upgrade, `docker restart`) while a slow answer is being worked
    out: the question is stored, its answer never is, the page's request is cut. The page
    sends it again with its key once the bot is back: it is answered then, not just
    acknowledged as already there (the resident would wait for an answer forever)."""
    before = web_channel(settings, ward_engine, store, clock)
    await before.start()
    stuck, release, gone = asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def slow(*args: object, **kwargs: object) -> None:
        stuck.set()
        try:
            await release.wait()  # still thinking when the bot stops; never answers
        finally:
            gone.set()

    before.answerer.text = slow  # type: ignore[method-assign]
    server = AsgiServer(web_app(before.routes()), host="127.0.0.1")
    await server.start(bound_socket())
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
        cut = asyncio.create_task(send(client, text="mat the bhyt thi lam sao", key="k" * 22))
        await stuck.wait()
        await before.stop()
        await server.stop(grace=0.1)
        with contextlib.suppress(httpx.HTTPError):
            await cut
        release.set()  # (the process is gone: nothing of it runs on)
        await gone.wait()
    after = web_channel(settings, ward_engine, store, clock)
    await after.start()
    try:
        async with (
            serve(web_app(after.routes())) as url,
            httpx.AsyncClient(base_url=url, timeout=30.0) as client,
        ):
            again = await send(client, text="mat the bhyt thi lam sao", key="k" * 22)
            assert again.status_code == 200
            mine, answer = await history(client)
            assert (mine["id"], mine["key"]) == (again.json()["id"], "k" * 22)
            assert answer["title"] == "Mất thẻ bảo hiểm y tế thì làm sao?"
            # Sent once more (that answer was lost too): not answered twice.
            assert (await send(client, text="mat the bhyt thi lam sao", key="k" * 22)).json() == (
                again.json()
            )
            assert len(await history(client)) == 2
    finally:
        await after.stop()
