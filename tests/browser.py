"""Browser tests: a real headless Chromium (Debian's `chromium` package) driven by Playwright.

Loaded by conftest.py (`pytest_plugins`). One Chromium serves the whole run, so a browser
test runs in the session's event loop, and so does every async fixture it uses:

    pytestmark = pytest.mark.asyncio(loop_scope="session")

    async def test_chat(new_page, screenshot):
        async with serve(web_app(routes)) as url:
            page = await new_page(*PHONE)
            await page.goto(f"{url}/chat")
            await screenshot(page, "chat")

    @pytest_asyncio.fixture(loop_scope="session")   # an async fixture for such a test
    async def chat_url(): ...

A browser test that breaks that rule fails saying so (its server would wait forever in a
loop nobody runs). No browser is ever downloaded: Chromium is /usr/bin/chromium (or
$CHROMIUM); when it is missing, browser tests fail saying how to install it.
Screenshots go to $BROWSER_SHOTS when set (to look at them), else to the test's tmp_path.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import os
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any, Protocol

import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, Page, async_playwright, expect
from starlette.applications import Starlette

from wardbot.web import AsgiServer, bound_socket

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PHONE = (390, 844)
DESKTOP = (1280, 800)
# How long a page action (click, goto, wait_for_selector...) or an assertion about the
# page (expect(...)) waits before failing: long enough for a busy shared host (with a
# load of 8 on 2 cores, 10 s was too short now and then).
ACTION_TIMEOUT_MS = 20_000
expect.set_options(timeout=ACTION_TIMEOUT_MS)

MISSING_CHROMIUM = """\
Browser tests need Chromium at {path}: Debian's package (Playwright's own browser
download is not used). Install it with:
    sudo apt-get install chromium fonts-noto-core
(.ci/run does that on CI), or set CHROMIUM to another Chromium's path."""


class NewPage(Protocol):
    def __call__(self, width: int = ..., height: int = ..., **options: Any) -> Awaitable[Page]:
        """A page in a fresh browser context (own cookies and storage) of that viewport."""
        ...


Screenshot = Callable[..., Awaitable[Path]]


@contextlib.asynccontextmanager
async def serve(app: Starlette) -> AsyncIterator[str]:
    """Serve `app` on 127.0.0.1 (a free port) in this event loop; yields its base URL."""
    server = AsgiServer(app, host="127.0.0.1")
    await server.start(bound_socket())
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        await server.stop()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    """The run's one headless Chromium (started by the first browser test)."""
    path = os.environ.get("CHROMIUM") or CHROMIUM
    if not os.access(path, os.X_OK):
        pytest.fail(MISSING_CHROMIUM.format(path=path), pytrace=False)
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=path, args=FLAGS)
        yield chromium
        await chromium.close()


@pytest_asyncio.fixture(loop_scope="session")
async def new_page(browser: Browser, request: pytest.FixtureRequest) -> AsyncIterator[NewPage]:
    """`await new_page(width, height, **context_options)`: a new page, 390x844 (a phone)
    unless told; PHONE and DESKTOP are the usual sizes. Each page has its own browser
    context, in Vietnamese and Vietnam's time zone unless `context_options` say otherwise,
    closed after the test. The test fails if a page threw a JavaScript error nobody caught.
    """
    _check_event_loops(request)
    contexts: list[BrowserContext] = []
    errors: list[str] = []

    async def make(width: int = PHONE[0], height: int = PHONE[1], **options: Any) -> Page:
        options = {"locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh", **options}
        context = await browser.new_context(viewport={"width": width, "height": height}, **options)
        contexts.append(context)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        context.on("weberror", lambda e: errors.append(e.error.stack or str(e.error)))
        return await context.new_page()

    yield make
    for context in contexts:
        await context.close()
    await _end_routes_in_flight()
    if errors:
        pytest.fail("JavaScript errors on the page:\n" + "\n".join(errors), pytrace=False)


async def _end_routes_in_flight() -> None:
    """Cancel route handlers still waiting when their page closed (a request a test held and
    never answered). Left pending, such a task is collected during some later test, and
    asyncio logs "Task was destroyed but it is pending!" as an error into that test's log,
    failing a test that checks its log has no errors."""
    stranded = [
        task
        for task in asyncio.all_tasks()
        if not task.done() and getattr(task.get_coro(), "__qualname__", "") in _ROUTE_HANDLERS
    ]
    for task in stranded:
        task.cancel()
    await asyncio.gather(*stranded, return_exceptions=True)


_ROUTE_HANDLERS = frozenset({"Page._on_route", "BrowserContext._on_route"})


@pytest.fixture
def screenshot(request: pytest.FixtureRequest, tmp_path: Path) -> Screenshot:
    """`await screenshot(page, name, **options)`: saves the page as a PNG, returns its path:
    <test>-<name>.png in $BROWSER_SHOTS if set, else in the test's tmp_path. `options` go to
    Playwright's page.screenshot (full_page=True, say)."""
    test = re.sub(r"\W+", "_", request.node.nodeid.removeprefix("tests/")).strip("_")

    async def take(page: Page, name: str, **options: Any) -> Path:
        folder = Path(os.environ.get("BROWSER_SHOTS") or tmp_path)
        path = folder / (test + "-" + re.sub(r"[^\w.-]+", "_", name) + ".png")
        await page.screenshot(path=path, **options)  # Playwright makes the folder
        return path

    return take


def _check_event_loops(request: pytest.FixtureRequest) -> None:
    """Fail a browser test that, or one of whose async fixtures, is not in the session loop."""
    item = request.node
    marker = item.get_closest_marker("asyncio")
    test_loop = (marker.kwargs.get("loop_scope") if marker else None) or request.config.getini(
        "asyncio_default_test_loop_scope"
    )
    problems = []
    if test_loop != "session":
        problems.append(
            f"{item.name} runs in the {test_loop or 'function'} event loop: add "
            '`pytestmark = pytest.mark.asyncio(loop_scope="session")` to its module'
        )
    default_loop = request.config.getini("asyncio_default_fixture_loop_scope")
    fixtures = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
    for name, definitions in fixtures.items():
        fixture = definitions[-1]
        if not (
            inspect.iscoroutinefunction(fixture.func) or inspect.isasyncgenfunction(fixture.func)
        ):
            continue
        loop = getattr(fixture.func, "_loop_scope", None) or default_loop
        if loop in (None, "", "fixture-scope"):  # pytest-asyncio: the fixture's own scope
            loop = fixture.scope
        if loop != "session":
            problems.append(
                f"async fixture {name!r} runs in the {loop} event loop: declare it with "
                '@pytest_asyncio.fixture(loop_scope="session")'
            )
    if problems:
        pytest.fail(
            "A browser test and its async fixtures must run in the session's event loop, "
            "where the browser is:\n" + "\n".join(problems),
            pytrace=False,
        )
