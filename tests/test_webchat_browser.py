"""The web chat in a real browser (Debian's Chromium, tests/browser.py): /chat on a phone
and a desktop, with the mouse and with the keyboard only, hostile input, and the widget
on a page of another site — one allowed to embed it, and one that is not.

Behind the page: the real WebChatChannel, Conversation, Engine and Store (as in
tests/test_webchat.py), served on 127.0.0.1; the portal pages by second servers on other
ports (other origins).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import inspect
import json
import re
import time
import unicodedata
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio
from browser import DESKTOP, PHONE, NewPage, Screenshot, serve
from playwright.async_api import ConsoleMessage, Frame, FrameLocator, Locator, Page, expect
from playwright.async_api import Route as Routed
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send
from test_webchat import DECOMPOSED_QUESTION

from handlers.web_resume import RESUME_GRACE
from handlers.webchat import SESSION_LIMIT, WebChatChannel, integrity, widget_script
from wardbot import channels
from wardbot import messages as msg
from wardbot.app import _alert_links
from wardbot.config import Settings
from wardbot.conversation import MAX_MESSAGE_CHARS, Conversation
from wardbot.engine import Engine
from wardbot.reply import Link, Reply
from wardbot.store import Store
from wardbot.web import web_app

pytestmark = pytest.mark.asyncio(loop_scope="session")

UI = msg.web_ui("UBND Phường 2", "0276 3822 123")
LOST_CARD = "Mất thẻ bảo hiểm y tế thì làm sao?"
UNKNOWN = "phuong co cho thue san bong da khong"
HOSTILE = '<script>window.pwned = 1</script><img src="x" onerror="window.pwned = 2"> &amp;'

PORTAL_PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cổng thông tin UBND Phường 2</title>
<link rel="icon" href="data:,">
<style>
  body {{ margin: 0; font: 16px/1.5 sans-serif; color: #222; }}
  header {{ background: #9b1c1c; color: #fff; padding: 1rem; }}
  main {{ padding: 1rem; max-width: 60rem; }}
</style>
</head><body>
<header><a href="#tin" style="color:#fff">Tin tức</a></header>
<main><h1>Cổng thông tin điện tử UBND Phường 2</h1>
<p id="tin">Thông báo lịch tiếp công dân, thủ tục hành chính, tin tức của phường.</p></main>
<script src="{bot}/widget.js" defer></script>
</body></html>"""
NONCE = "c2VydmVkLW9uY2U"
VIEWPORT_META = '<meta name="viewport" content="width=device-width, initial-scale=1">\n'


@dataclass
class Bot:
    url: str  # the bot's own server: /chat, /widget.js, the API
    portal: str  # a page of an allowed site, embedding the widget
    stranger: str  # the same page on a site that is not allowed
    store: Store
    channel: WebChatChannel


@pytest_asyncio.fixture(loop_scope="session")
async def bot(ward_settings: Settings, ward_engine: Engine) -> AsyncIterator[Bot]:
    bot_url: list[str] = []

    async def portal(request: Request) -> Response:
        return HTMLResponse(PORTAL_PAGE.format(bot=bot_url[0]))

    async def strict_portal(request: Request) -> Response:
        """The portal's page under a strict Content-Security-Policy that allows the bot's
        address as the README says (script-src and frame-src), and nothing inline."""
        bot = bot_url[0]
        page = PORTAL_PAGE.format(bot=bot).replace("<style>", f'<style nonce="{NONCE}">')
        policy = (
            f"default-src 'self'; script-src 'self' {bot}; frame-src {bot}; "
            f"style-src 'self' 'nonce-{NONCE}'; img-src 'self' data:"
        )
        return HTMLResponse(
            page.replace(' style="color:#fff"', ""), headers={"Content-Security-Policy": policy}
        )

    async def unscaled_portal(request: Request) -> Response:
        """An older portal's page, made for desktops: no viewport meta tag, so a phone lays
        it out 980 px wide and shows it zoomed out."""
        return HTMLResponse(PORTAL_PAGE.format(bot=bot_url[0]).replace(VIEWPORT_META, ""))

    async def checking_portal(request: Request) -> Response:
        """A portal whose CMS writes the tag as `bot.py widget` prints it: with the
        script's integrity value and crossorigin (the browser fetches it in CORS mode)."""
        bot = bot_url[0]
        checked = integrity(widget_script(made[0].settings))
        tag = f'<script src="{bot}/widget.js" defer></script>'
        return HTMLResponse(
            PORTAL_PAGE.format(bot=bot).replace(
                tag,
                f'<script src="{bot}/widget.js" integrity="{checked}" crossorigin="anonymous" '
                "defer></script>",
            )
        )

    made: list[WebChatChannel] = []
    pages = web_app(
        [
            Route("/", portal),
            Route("/strict", strict_portal),
            Route("/unscaled", unscaled_portal),
            Route("/checked", checking_portal),
        ]
    )
    async with contextlib.AsyncExitStack() as stack:
        allowed = await stack.enter_async_context(serve(pages))
        stranger = await stack.enter_async_context(serve(pages))
        settings = replace(ward_settings, web_chat=True, web_allowed_origins=(allowed,))
        store = await stack.enter_async_context(await Store.open(settings.data_dir / "bot.sqlite3"))
        conversation = Conversation(ward_engine, store, settings)
        # The rate limits' clock stands still: a test's messages all come at once.
        channel = WebChatChannel(settings, conversation, clock=lambda: 1000.0)
        made.append(channel)
        conversation.no_alerts = channels.no_push()
        conversation.alert_links = lambda: _alert_links(settings, [channel])
        await channel.start()
        stack.push_async_callback(channel.stop)
        bot_url.append(await stack.enter_async_context(serve(web_app(channel.routes()))))
        yield Bot(bot_url[0], allowed + "/", stranger + "/", store, channel)


def messages(page: Page | FrameLocator | Frame) -> tuple[Locator, Locator]:
    """The resident's messages and the bot's, in the log."""
    return page.locator("#chat-log .msg-you"), page.locator("#chat-log .msg-bot:not(.msg-typing)")


async def ask(page: Page, question: str) -> None:
    await ask_in(page, question)


async def ask_in(page: Page | FrameLocator, question: str) -> None:
    """Type `question` in the chat's box, on its page or in the widget's frame, and send."""
    await page.locator("#chat-input").fill(question)
    await page.locator("#chat-input").press("Enter")


async def answered(bot: Bot, new_page: NewPage, question: str = UNKNOWN) -> tuple[Page, Locator]:
    """A phone's chat where the resident asked `question` (by default something the bot
    has no answer to), and that answer has come: the page and the bot's messages."""
    page = await new_page(*PHONE)
    await page.goto(f"{bot.url}/chat")
    await ask(page, question)
    _, replies = messages(page)
    await expect(replies).to_have_count(1)
    return page, replies


async def stored(store: Store) -> int:
    async with store.db.execute("SELECT count(*) FROM web_messages") as rows:
        row = await rows.fetchone()
    return int(row[0]) if row else 0


def console_errors(page: Page) -> list[str]:
    """Errors the page logs from now on (a script or style the CSP refused, a failed load)."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors


async def twice(route: Routed) -> None:
    """Fulfil a poll with each of its messages twice."""
    response = await route.fetch()
    body = await response.json()
    body["messages"] = [entry for entry in body["messages"] for _ in range(2)]
    await route.fulfill(response=response, json=body)


async def release(page: Page, held: Sequence[Routed]) -> None:
    """A test's end: the page's routes go and each request held ends (a route left waiting
    is a pending task that, collected during a later test, logs "Task was destroyed but it
    is pending!" into that test's log)."""
    await page.unroute_all(behavior="ignoreErrors")
    for route in held:
        with contextlib.suppress(Exception):  # the page may have given up on it
            await route.abort()


def hold_in(held: list[Routed]) -> Callable[[Routed], Awaitable[None]]:
    """Requests never answered (kept in `held`, for `release`)."""

    async def hold(route: Routed) -> None:
        held.append(route)

    return hold


def first_dies(dead: list[Routed]) -> Callable[[Routed], Awaitable[None]]:
    """The first request waits on a connection gone without a word (kept in `dead`, for
    `release`); the later ones go through."""

    async def route_it(route: Routed) -> None:
        if dead:
            await route.continue_()
        else:
            dead.append(route)

    return route_it


async def move_clock_until(
    page: Page, done: Callable[[], object], step_ms: int, steps: int
) -> None:
    """Move the page's clock (page.clock.install) by `step_ms` at a time, at most `steps`
    times, until `done()` (or what it awaits) is true."""
    for _ in range(steps):
        found = done()
        if await found if inspect.isawaitable(found) else found:
            return
        await page.clock.run_for(step_ms)
        await page.wait_for_timeout(50)


async def test_an_unaccented_question_is_answered_once_and_kept_after_a_reload(
    bot: Bot, new_page: NewPage, screenshot: Screenshot
) -> None:
    page = await new_page(*PHONE)
    errors = console_errors(page)
    await page.goto(f"{bot.url}/chat")
    await expect(page.locator("#chat-intro")).to_have_text(UI["intro"])
    send = page.get_by_role("button", name=UI["send"])
    await expect(send).to_be_disabled()  # nothing typed yet
    await page.get_by_label(UI["input_label"]).fill("mat the bhyt thi lam sao")
    await expect(send).to_be_enabled()
    await send.click()
    yours, replies = messages(page)
    await expect(replies.last).to_contain_text(LOST_CARD)
    await expect(replies.last).to_contain_text("VssID")
    # The question shows once: the optimistic bubble became the stored entry.
    await expect(yours).to_have_count(1)
    await expect(yours.locator(".msg-text")).to_have_text("mat the bhyt thi lam sao")
    await expect(page.locator("#chat-input")).to_have_value("")
    await expect(page.locator(".msg-typing")).to_have_count(0)
    # Each message names its sender for screen readers.
    await expect(replies.last.locator(".visually-hidden").first).to_have_text(f"{UI['bot']}: ")
    await screenshot(page, "answered", animations="disabled")
    assert errors == []
    # Reloaded, through a connection that delivers every entry twice (as a reconnect
    # racing a refetch does): the history is shown, each message once.
    await page.route("**/chat/api/poll?**", twice)
    await page.reload()
    await expect(replies).to_have_count(1)
    await expect(replies.first).to_contain_text(LOST_CARD)
    await expect(yours).to_have_count(1)
    await expect(page.locator("#chat-log")).to_have_attribute("aria-busy", "false")


async def test_a_suggestion_is_pressed_and_the_no_answer_reply_gives_the_hotline(
    bot: Bot, new_page: NewPage, screenshot: Screenshot
) -> None:
    page = await new_page(*DESKTOP)
    await page.goto(f"{bot.url}/chat")
    await ask(page, "bhyt")
    yours, replies = messages(page)
    offer = replies.last
    await expect(offer).to_contain_text("Dạ, có phải anh/chị muốn hỏi một trong các câu dưới đây?")
    choices = offer.get_by_role("group", name="Lựa chọn").get_by_role("button")
    await expect(choices).to_have_count(3)
    await offer.get_by_role("button", name=LOST_CARD).click()
    await expect(replies).to_have_count(2)
    await expect(replies.last).to_contain_text("VssID")
    await expect(yours.last).to_contain_text(LOST_CARD)
    await ask(page, UNKNOWN)
    await expect(replies).to_have_count(3)
    await expect(replies.last).to_contain_text("hiện em chưa có thông tin")
    hotline = replies.last.get_by_role("link", name="0276 3822 123")
    await expect(hotline).to_have_attribute("href", "tel:02763822123")  # a tap calls it
    await expect(yours).to_have_count(3)
    await expect(replies.last).to_be_in_viewport(ratio=1)  # scrolled to the newest
    await screenshot(page, "desktop", animations="disabled")


async def test_the_english_line_for_a_foreign_resident_is_marked_as_english(
    bot: Bot, new_page: NewPage
) -> None:
    """The line in English under the reply to a message in another language is its own
    paragraph marked lang="en": a screen reader reads it with an English voice, not the
    page's Vietnamese one, which would garble it. The Vietnamese part stays Vietnamese."""
    page = await new_page(*PHONE)
    await page.goto(f"{bot.url}/chat")
    await ask(page, "Where can I rent a football pitch, please?")
    _, replies = messages(page)
    paragraphs = replies.last.locator(".msg-text")
    await expect(paragraphs).to_have_count(2)
    await expect(paragraphs.first).to_contain_text("chưa có thông tin")
    await expect(paragraphs.first).not_to_have_attribute("lang", "en")
    await expect(paragraphs.last).to_have_attribute("lang", "en")
    await expect(paragraphs.last).to_contain_text("understands Vietnamese only")
    await expect(paragraphs.last.get_by_role("link", name="0276 3822 123")).to_have_count(1)


async def test_read_it_all_is_drawn_before_the_related_questions_and_opens_the_notice(
    bot: Bot, new_page: NewPage
) -> None:
    page = await new_page(*DESKTOP)
    await page.goto(f"{bot.url}/chat")
    await ask(page, "điều chỉnh mức đóng bhyt hộ gia đình từ 01/7/2024")
    _, replies = messages(page)
    notice = replies.last
    related = notice.get_by_role("group", name=msg.RELATED)
    await expect(related.get_by_role("button").first).to_be_visible()
    await expect(related.get_by_role("button", name=msg.FULL_TEXT_BUTTON)).to_have_count(0)
    # Top to bottom: "read it all", then the heading, then the related questions.
    order = await notice.locator(".msg-choice-button, .msg-choices-title").all_inner_texts()
    assert order[:2] == [msg.FULL_TEXT_BUTTON, msg.RELATED]
    await notice.get_by_role("button", name=msg.FULL_TEXT_BUTTON).click()
    await expect(replies).to_have_count(2)
    await expect(replies.last).to_contain_text("Đoạn 7")


async def test_everything_with_the_keyboard_only(
    bot: Bot, new_page: NewPage, screenshot: Screenshot
) -> None:
    page = await new_page(*DESKTOP)
    await page.goto(f"{bot.url}/chat")
    box = page.locator("#chat-input")
    await expect(box).to_be_focused()  # on a desktop the page starts in the question box
    await page.keyboard.type("thẻ bhyt")
    await page.keyboard.press("Enter")
    _, replies = messages(page)
    await expect(replies.last.get_by_role("button").nth(1)).to_be_visible()  # two or more
    # Shift+Tab from the box reaches the newest suggestions, last one first.
    await page.keyboard.press("Shift+Tab")
    last_choice = replies.last.get_by_role("button").last
    await expect(last_choice).to_be_focused()
    # The focused button shows a focus ring (retried: a reply being drawn on a busy machine
    # can replace the button between finding it and reading its style).
    await expect(last_choice).to_have_css("outline-style", "solid")
    await screenshot(page, "focus", animations="disabled")
    for _ in range(await replies.last.get_by_role("button").count() - 1):
        await page.keyboard.press("Shift+Tab")  # back through the others to the first
    chosen = replies.last.get_by_role("button").first
    await expect(chosen).to_be_focused()
    label = await chosen.text_content()
    await page.keyboard.press("Enter")
    await expect(replies).to_have_count(2)
    await expect(replies.last.locator(".msg-title")).to_have_text(label or "")
    # Back to the box with Tab, a line break with Shift+Enter, sent with Enter.
    for _ in range(10):
        if await box.evaluate("b => b === document.activeElement"):
            break
        await page.keyboard.press("Tab")
    await expect(box).to_be_focused()
    await page.keyboard.type("cho hoi")
    await page.keyboard.press("Shift+Enter")
    await page.keyboard.type("lam tam tru can gi")
    await expect(box).to_have_value("cho hoi\nlam tam tru can gi")
    await page.keyboard.press("Enter")
    await expect(replies).to_have_count(3)
    await expect(replies.last.locator(".msg-title")).to_have_text("Đăng ký tạm trú cần giấy tờ gì?")


@pytest.mark.parametrize("how", ["keyboard", "click", "tap"])
async def test_after_sending_with_the_button_the_box_has_the_focus_again(
    bot: Bot, new_page: NewPage, how: str
) -> None:
    """The send button, disabled once the box is empty, must not leave the focus on the
    page's body: a keyboard or screen-reader user would start again from the top, and a
    phone's keyboard would close after each message."""
    phone = how == "tap"
    page = await new_page(*(PHONE if phone else DESKTOP), has_touch=phone, is_mobile=phone)
    await page.goto(f"{bot.url}/chat")
    box, button = page.locator("#chat-input"), page.locator("#chat-send")
    _, replies = messages(page)
    for count, question in enumerate(["mat the bhyt", "dang ky tam tru"], start=1):
        await box.fill(question)
        if how == "keyboard":
            await box.focus()
            await page.keyboard.press("Tab")
            await expect(button).to_be_focused()
            await page.keyboard.press("Enter")
        elif how == "click":
            await button.click()
        else:
            await button.tap()
        await expect(replies).to_have_count(count)
        await expect(box).to_be_focused()
        await expect(box).to_have_value("")


async def press_enter_while_composing(page: Page, typed: str, word: str, key_code: int) -> None:
    """Type `typed`, then `word` held open by the input method (as a phone's keyboard holds
    the word being typed until a space, or a computer's Vietnamese keyboard a word it is
    still putting accents on), then press Enter as a key of `key_code`: 13 when the
    keyboard passes Enter on (a phone's "send" key), 229 when the input method keeps it."""
    cdp = await page.context.new_cdp_session(page)
    await cdp.send("Input.insertText", {"text": typed})
    await cdp.send(
        "Input.imeSetComposition",
        {"text": word, "selectionStart": len(word), "selectionEnd": len(word)},
    )
    key = {"key": "Enter", "code": "Enter", "windowsVirtualKeyCode": key_code}
    await cdp.send("Input.dispatchKeyEvent", {"type": "rawKeyDown", **key})
    if key_code == 13:
        await cdp.send("Input.dispatchKeyEvent", {"type": "char", "text": "\r", **key})
    await cdp.send("Input.dispatchKeyEvent", {"type": "keyUp", **key})


async def test_a_phones_send_key_sends_the_question_with_its_last_word_still_open(
    bot: Bot, new_page: NewPage
) -> None:
    """Android keyboards keep the word being typed open until a space, and their Enter
    ("send") key comes while it is: the question goes whole, not a new line in the box."""
    page = await new_page(*PHONE, has_touch=True, is_mobile=True)
    await page.goto(f"{bot.url}/chat")
    box = page.locator("#chat-input")
    await box.focus()
    await press_enter_while_composing(page, "mat the ", "bhyt", 13)
    yours, replies = messages(page)
    await expect(yours.locator(".msg-text")).to_have_text(["mat the bhyt"])
    await expect(box).to_have_value("")
    await expect(replies).to_have_count(1)
    await expect(replies.last.locator(".msg-title")).to_have_text(LOST_CARD)
    await page.keyboard.insert_text("cảm ơn")  # the next one starts in an empty box
    await expect(box).to_have_value("cảm ơn")


async def test_an_enter_the_input_method_keeps_sends_no_half_typed_word(
    bot: Bot, new_page: NewPage
) -> None:
    """A computer's input method uses Enter to put its word in: nothing is sent then,
    the next Enter sends."""
    page = await new_page(*DESKTOP)
    await page.goto(f"{bot.url}/chat")
    box = page.locator("#chat-input")
    await box.focus()
    await press_enter_while_composing(page, "mat the ", "bhyt", 229)
    yours, replies = messages(page)
    await expect(box).to_have_value("mat the bhyt")
    await page.keyboard.press("Enter")
    await expect(yours.locator(".msg-text")).to_have_text(["mat the bhyt"])
    await expect(replies).to_have_count(1)


async def test_hostile_input_is_shown_as_text_and_a_long_paste_is_refused(
    bot: Bot, new_page: NewPage
) -> None:
    page = await new_page(*PHONE)
    await page.goto(f"{bot.url}/chat")
    await ask(page, HOSTILE)
    yours, replies = messages(page)
    await expect(replies).to_have_count(1)
    await expect(yours.last.locator(".msg-text")).to_have_text(HOSTILE)
    assert await page.evaluate("window.pwned") is None
    assert await page.locator("#chat-log img, #chat-log script").count() == 0
    # The ward's own answer with HTML-like text shows it as written.
    await ask(page, "lam tam tru can giay to gi")
    await expect(replies.last).to_contain_text("Lưu ý: <b>không</b> cần bản sao sổ hộ khẩu &")
    before = await stored(bot.store)
    # 10,000 characters pasted: the box keeps what fits and says why.
    box = page.locator("#chat-input")
    await box.focus()
    await page.keyboard.insert_text("a" * 10_000)
    await expect(box).to_have_value("a" * MAX_MESSAGE_CHARS)
    await expect(page.locator("#chat-log .notice").last).to_have_text(UI["too_long"])
    # Past the box's limit by a script: refused in Vietnamese, nothing sent.
    await box.evaluate(
        "(b) => { b.value = 'a'.repeat(10000); b.dispatchEvent(new Event('input')); }"
    )
    await box.press("Enter")
    await expect(page.locator("#chat-log .notice")).to_have_count(1)
    await expect(page.locator("#chat-log .notice")).to_have_text(UI["too_long"])
    await expect(yours).to_have_count(2)
    assert await stored(bot.store) == before


async def test_a_question_pasted_with_its_accents_apart_is_sent_whole(
    bot: Bot, new_page: NewPage
) -> None:
    """Text copied from a PDF writes each accent as a character of its own (NFD): 1,261
    letters are 1,638 characters to the box's limit. Pasted, it is put in written the
    usual way, and sent whole, not cut at 1,500 with a note that it is too long."""
    page = await new_page(*PHONE)
    await page.goto(f"{bot.url}/chat")
    box = page.locator("#chat-input")
    await box.focus()
    await page.keyboard.insert_text(DECOMPOSED_QUESTION)
    usual = unicodedata.normalize("NFC", DECOMPOSED_QUESTION)
    await expect(box).to_have_value(usual)
    await box.press("Enter")
    yours, replies = messages(page)
    await expect(replies).to_have_count(1)
    await expect(yours.last.locator(".msg-text")).to_have_text(usual.strip())
    await expect(page.locator("#chat-log .notice")).to_have_count(0)
    await expect(replies.last).not_to_have_text(msg.too_long(MAX_MESSAGE_CHARS))


async def test_forget_clears_the_page(bot: Bot, new_page: NewPage) -> None:
    page = await new_page(*PHONE)
    await page.goto(f"{bot.url}/chat")
    await ask(page, "mat the bhyt")
    yours, replies = messages(page)
    await expect(replies).to_have_count(1)
    await ask(page, "/forget")
    await expect(replies).to_have_count(1)
    await expect(replies.first).to_contain_text("đã xóa toàn bộ dữ liệu")
    await expect(yours).to_have_count(0)
    await page.reload()
    await expect(replies).to_have_count(1)
    await expect(replies.first).to_contain_text("đã xóa toàn bộ dữ liệu")


async def test_a_forget_whose_send_went_unanswered_is_done_once(
    bot: Bot, new_page: NewPage
) -> None:
    """The bot takes /forget and deletes the history, but the answer to the page's send is
    lost (a mobile network, a proxy): the page sends it again under its key, or after a
    reload, which came before that answer. Done once, the page says "deleted"; done again,
    the bot said there was nothing to delete and that replaced it."""
    page, replies = await answered(bot, new_page, "mat the bhyt")
    yours, _ = messages(page)
    held: list[Routed] = []

    async def answer_lost(route: Routed) -> None:
        if "/forget" in (route.request.post_data or "") and not held:
            held.append(route)
            await route.fetch()  # the bot has it, and answers through the events; the
            # send's own answer never reaches the page (held: see `release`)
        else:
            await route.continue_()

    await page.route("**/chat/api/send", answer_lost)
    await ask(page, "/forget")
    await expect(replies.first).to_contain_text("đã xóa toàn bộ dữ liệu")
    await page.reload()
    # The page has sent again, or dropped, what it kept as not through.
    await page.wait_for_function("sessionStorage.getItem('wardbot.chat.pending') === null")
    async with bot.store.db.execute("SELECT author, body FROM web_messages") as rows:
        stored = [(author, json.loads(body)["text"]) for author, body in await rows.fetchall()]
    assert stored == [("bot", msg.forget_done(alerts=False))]
    await expect(replies).to_have_count(1)
    await expect(replies.first).to_contain_text("đã xóa toàn bộ dữ liệu")
    await expect(yours).to_have_count(0)
    await release(page, held)
    assert held


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("portal", ["", "strict"], ids=["portal", "strict-csp"])
async def test_the_widget_on_an_allowed_site_opens_answers_and_closes_with_escape(
    bot: Bot, new_page: NewPage, screenshot: Screenshot, size: tuple[int, int], portal: str
) -> None:
    """Also on a portal page whose Content-Security-Policy allows the bot's address only
    where the README says (script-src, frame-src), and no inline style or script."""
    page = await new_page(*size)
    errors = console_errors(page)  # the frame's too
    await page.goto(bot.portal + portal)
    launcher = page.get_by_role("button", name=msg.WEB_WIDGET_BUTTON)
    await expect(launcher).to_be_visible()
    await expect(launcher).to_have_attribute("aria-expanded", "false")
    await screenshot(page, "closed", animations="disabled")
    # From the page's own link to the chat button with Tab, opened with Enter.
    await page.locator("header a").focus()
    await page.keyboard.press("Tab")
    await expect(launcher).to_be_focused()
    await page.keyboard.press("Enter")
    panel = page.get_by_role("dialog", name="Hỏi đáp UBND Phường 2")
    await expect(panel).to_be_visible()
    await expect(launcher).to_have_attribute("aria-expanded", "true")
    chat = page.frame_locator("iframe[title='Hỏi đáp UBND Phường 2']")
    box = chat.locator("#chat-input")
    await expect(box).to_be_focused()  # the resident can type at once
    await page.keyboard.type("mat the bhyt thi lam sao")
    await page.keyboard.press("Enter")
    _, replies = messages(chat)
    await expect(replies.last).to_contain_text(LOST_CARD)
    await screenshot(page, "open", animations="disabled")
    assert errors == []
    await page.keyboard.press("Escape")  # pressed inside the frame
    await expect(panel).to_be_hidden()
    await expect(launcher).to_be_focused()
    await expect(launcher).to_have_attribute("aria-expanded", "false")
    # Opened again: the conversation is still there; the close button closes it too.
    await launcher.click()
    await expect(replies.last).to_contain_text(LOST_CARD)
    await panel.get_by_role("button", name=msg.WEB_WIDGET_CLOSE).click()
    await expect(panel).to_be_hidden()
    await expect(launcher).to_be_focused()
    # The portal's own links may open and close it too (README).
    await page.evaluate("window.WardChat.open()")
    await expect(panel).to_be_visible()
    await expect(replies.last).to_contain_text(LOST_CARD)
    await page.evaluate("window.WardChat.close()")
    await expect(panel).to_be_hidden()


async def test_an_answer_coming_while_the_widget_is_closed_shows_on_its_button(
    bot: Bot, new_page: NewPage, screenshot: Screenshot
) -> None:
    """The receipt of a question for ward staff says the answer shows on this page: one
    that comes while the resident reads the portal with the panel closed marks the chat
    button, and screen readers hear it, until the panel is opened again."""
    page = await new_page(*DESKTOP)
    await page.goto(bot.portal)
    launcher = page.get_by_role("button", name=msg.WEB_WIDGET_BUTTON)
    panel = page.get_by_role("dialog", name="Hỏi đáp UBND Phường 2")
    unread = page.locator("[data-ward-chat] .unread")
    await launcher.click()
    chat = page.frame_locator("iframe")
    await ask_in(chat, UNKNOWN)
    _, replies = messages(chat)
    await expect(replies).to_have_count(1)
    await expect(unread).to_be_hidden()  # answered with the panel open: nothing to mark
    await panel.get_by_role("button", name=msg.WEB_WIDGET_CLOSE).click()
    await expect(panel).to_be_hidden()
    frame = next(f for f in page.frames if "/chat" in f.url)
    session = await frame.evaluate("localStorage.getItem('wardbot.chat.session')")
    await bot.channel.deliver(session, [Reply(STAFF_ANSWER, title="Cán bộ")])
    await expect(unread).to_be_visible()
    await expect(launcher).to_have_accessible_name(
        f"{msg.WEB_WIDGET_BUTTON} ({msg.WEB_WIDGET_UNREAD})"
    )
    await expect(page.locator("[data-ward-chat] [role=status]")).to_have_text(
        f"{msg.WEB_WIDGET_BUTTON}: {msg.WEB_WIDGET_UNREAD}"
    )
    await screenshot(page, "unread", animations="disabled")
    await launcher.click()
    await expect(replies.last).to_contain_text(STAFF_ANSWER)
    await expect(unread).to_be_hidden()
    await expect(launcher).to_have_accessible_name(msg.WEB_WIDGET_BUTTON)
    await expect(page.locator("[data-ward-chat] [role=status]")).to_have_text("")
    # The next visit, on a slow connection: opened and closed before the history came.
    # What was said before is no new message.
    asked, slow = asyncio.Event(), asyncio.Event()

    async def slowly(route: Routed) -> None:
        asked.set()
        await slow.wait()
        await route.continue_()

    await page.route("**/chat/api/poll?**", slowly)
    await page.reload()
    await launcher.click()
    await asyncio.wait_for(asked.wait(), 20)
    await launcher.click()
    await expect(panel).to_be_hidden()
    slow.set()
    await expect(replies).to_have_count(2)
    await expect(unread).to_be_hidden()


async def test_back_on_a_phone_closes_the_widget_and_stays_on_the_portal_page(
    bot: Bot, new_page: NewPage
) -> None:
    """On a phone the open chat covers the page: Android's Back closes it, as it would a
    page of its own, instead of leaving the ward's portal. Closed otherwise, it leaves no
    step behind: Back then goes where it went before the chat was opened."""
    page = await new_page(*PHONE)
    before = bot.portal + "?trang=truoc"
    await page.goto(before)
    await page.goto(bot.portal)
    launcher = page.get_by_role("button", name=msg.WEB_WIDGET_BUTTON)
    panel = page.get_by_role("dialog", name="Hỏi đáp UBND Phường 2")
    await launcher.click()
    await expect(panel).to_be_visible()
    await page.go_back()
    await expect(panel).to_be_hidden()
    await expect(launcher).to_be_visible()
    assert page.url == bot.portal
    # Opened again and closed with its own button: Back leaves for the page before.
    await launcher.click()
    await expect(panel).to_be_visible()
    await panel.get_by_role("button", name=msg.WEB_WIDGET_CLOSE).click()
    await expect(panel).to_be_hidden()
    await page.go_back()
    await expect(page).to_have_url(before)


async def test_on_a_portal_page_made_for_desktops_a_phone_opens_the_chat_as_a_page(
    bot: Bot, new_page: NewPage
) -> None:
    """An older portal's page without a viewport meta tag is laid out 980 px wide and shown
    zoomed out on a phone: a panel in it had 6 px text and buttons too small to tap. The
    launcher is drawn at the phone's scale, and the chat opens as its own page, which
    Back leaves for the portal's page again."""
    page = await new_page(360, 740, has_touch=True, is_mobile=True)
    await page.goto(bot.portal + "unscaled")
    launcher = page.get_by_role("button", name=msg.WEB_WIDGET_BUTTON)
    await expect(launcher).to_be_visible()
    assert await page.evaluate("visualViewport.scale") < 0.5  # the page, zoomed out
    shown_height = await launcher.evaluate(
        "b => b.getBoundingClientRect().height * visualViewport.scale"
    )
    assert shown_height >= 44  # a finger's width on the phone's screen
    await launcher.tap()
    await expect(page).to_have_url(f"{bot.url}/chat")
    await ask(page, "mat the bhyt")
    _, replies = messages(page)
    await expect(replies.last).to_contain_text(LOST_CARD)
    assert await page.evaluate("visualViewport.scale") == 1
    await page.go_back()
    await expect(page).to_have_url(bot.portal + "unscaled")


async def test_on_a_desktop_the_widget_leaves_the_tabs_history_alone(
    bot: Bot, new_page: NewPage
) -> None:
    """A panel beside the page is not a page: opening it adds no step to the history."""
    page = await new_page(*DESKTOP)
    await page.goto(bot.portal)
    steps = await page.evaluate("history.length")
    await page.get_by_role("button", name=msg.WEB_WIDGET_BUTTON).click()
    await expect(page.get_by_role("dialog", name="Hỏi đáp UBND Phường 2")).to_be_visible()
    assert await page.evaluate("history.length") == steps


@pytest.mark.parametrize("how", ["reopened", "left-open"])
async def test_a_chat_opened_while_the_bot_restarts_shows_once_the_bot_is_back(
    bot: Bot, new_page: NewPage, how: str
) -> None:
    """The portal's page came while the bot was up; the resident opens the chat while it
    restarts (the frame gets the browser's error page): the chat shows once the bot is
    back, in the panel left open or opened again, without reloading the portal's page."""
    page = await new_page(*DESKTOP)
    await page.goto(bot.portal)
    pages_back = await page.evaluate("history.length")
    if how == "left-open":
        await page.clock.install()  # no timer fires unless the test moves the clock
    refused: list[str] = []

    async def restarting(route: Routed) -> None:
        refused.append(route.request.url)
        await route.abort("connectionrefused")

    await page.route("**/chat?embed=1", restarting)
    launcher = page.get_by_role("button", name=msg.WEB_WIDGET_BUTTON)
    panel = page.get_by_role("dialog", name="Hỏi đáp UBND Phường 2")
    async with page.expect_event("requestfailed"):
        await launcher.click()
    await expect(panel).to_be_visible()
    await page.unroute("**/chat?embed=1")  # the bot is back
    if how == "reopened":
        await panel.get_by_role("button", name=msg.WEB_WIDGET_CLOSE).click()
        await expect(panel).to_be_hidden()
        await launcher.click()
    else:
        await move_clock_until(page, lambda: False, 1_000, 6)
    chat = page.frame_locator("iframe[title='Hỏi đáp UBND Phường 2']")
    await expect(chat.locator("#chat-input")).to_be_visible()
    assert len(refused) == 1
    # No error page left behind in the tab's history: Back leaves the portal's page.
    assert await page.evaluate("history.length") == pages_back


async def test_the_widget_shows_nothing_on_a_site_that_is_not_allowed(
    bot: Bot, new_page: NewPage
) -> None:
    page = await new_page(*DESKTOP)
    warnings: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if message.type == "warning":
            warnings.append(message.text)

    page.on("console", console)
    async with page.expect_response(f"{bot.url}/widget.js"):
        await page.goto(bot.stranger)
    await page.wait_for_load_state("load")
    await expect(page.locator("[data-ward-chat]")).to_have_count(0)
    await expect(page.get_by_role("button", name=msg.WEB_WIDGET_BUTTON)).to_have_count(0)
    assert await page.evaluate("typeof window.WardChat") == "undefined"
    assert len(warnings) == 1 and "WEB_ALLOWED_ORIGINS" in warnings[0]


async def test_a_narrow_phone_and_reduced_motion(
    bot: Bot, new_page: NewPage, screenshot: Screenshot
) -> None:
    page = await new_page(320, 568, reduced_motion="reduce")
    await page.goto(f"{bot.url}/chat")
    await ask(page, "thẻ bhyt")
    _, replies = messages(page)
    await expect(replies.last.get_by_role("button").nth(1)).to_be_visible()  # suggestions
    await expect(replies.last).to_be_in_viewport()
    # Nothing wider than the screen, nothing moving.
    assert await page.evaluate("document.documentElement.scrollWidth") == 320
    for selector in ("#chat-input", "#chat-send"):
        box = await page.locator(selector).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 320
    animation = await replies.last.evaluate("m => getComputedStyle(m).animationName")
    assert animation == "none"
    await screenshot(page, "320px")


STAFF_ANSWER = "Dạ, phường có lớp dạy bơi miễn phí cho trẻ em vào tháng 6 tại nhà văn hóa."


async def session_of(page: Page) -> str:
    session = await page.evaluate("localStorage.getItem('wardbot.chat.session')")
    assert isinstance(session, str) and len(session) == 43  # 32 random bytes, base64url
    return session


async def test_a_staff_answer_reaches_the_open_page_and_the_next_visit(
    bot: Bot, new_page: NewPage
) -> None:
    page, replies = await answered(bot, new_page)
    await bot.channel.deliver(await session_of(page), [Reply(STAFF_ANSWER, title="Cán bộ")])
    await expect(replies).to_have_count(2)
    await expect(replies.last).to_contain_text(STAFF_ANSWER)
    await page.reload()
    await expect(replies.last).to_contain_text(STAFF_ANSWER)
    await expect(replies).to_have_count(2)


async def test_a_staff_answer_coming_while_the_resident_reads_further_up_is_pointed_to(
    bot: Bot, new_page: NewPage, screenshot: Screenshot
) -> None:
    """Scrolled up to read an earlier answer, the resident is not pulled away from it by a
    staff answer, nor left unaware of it: a button over the box says a message came, and
    takes them to it. At the end of the conversation, a new message simply shows."""
    page, replies = await answered(bot, new_page)
    session = await session_of(page)
    log = page.locator("#chat-log")
    jump = page.get_by_role("button", name=UI["new_below"])
    long_answer = "Dạ, hồ sơ gồm: " + "giấy tờ tùy thân, tờ khai, ảnh 3x4; " * 40
    await bot.channel.deliver(session, [Reply(long_answer, title="Cán bộ")])
    await expect(replies).to_have_count(2)
    await expect(jump).to_be_hidden()  # read at the end: nothing to point to
    await log.evaluate("l => { l.scrollTop = 0; }")
    await bot.channel.deliver(session, [Reply(STAFF_ANSWER, title="Cán bộ")])
    await expect(replies).to_have_count(3)
    await expect(jump).to_be_visible()
    await expect(replies.last).not_to_be_in_viewport()
    await expect(replies.first).to_be_in_viewport()  # still where the resident reads
    await screenshot(page, "new-below", animations="disabled")
    await jump.click()
    await expect(replies.last).to_be_in_viewport(ratio=1)
    await expect(jump).to_be_hidden()
    await expect(page.locator("#chat-input")).to_be_focused()
    # Scrolled down by hand to it, the button goes too.
    await log.evaluate("l => { l.scrollTop = 0; }")
    await bot.channel.deliver(session, [Reply("Dạ, cán bộ xin bổ sung: mang theo bản gốc.")])
    await expect(jump).to_be_visible()
    await log.evaluate("l => { l.scrollTop = l.scrollHeight; }")
    await expect(jump).to_be_hidden()
    # The history a reload shows is no new message.
    await page.reload()
    await expect(replies).to_have_count(4)
    await expect(page.locator("#chat-log")).to_have_attribute("aria-busy", "false")
    await expect(jump).to_be_hidden()


async def test_a_staff_answer_coming_while_the_resident_is_in_another_tab_shows_in_its_title(
    bot: Bot, new_page: NewPage
) -> None:
    """Waiting for ward staff's answer, the resident reads another tab: the chat's tab
    counts the messages that came, as chat sites do, until the resident is back."""
    page, replies = await answered(bot, new_page)
    title = "Hỏi đáp UBND Phường 2"
    await expect(page).to_have_title(title)
    await page.evaluate(
        "window.shownTab = false;"
        "Object.defineProperty(document, 'visibilityState', "
        "{get: () => (window.shownTab ? 'visible' : 'hidden')});"
        "document.dispatchEvent(new Event('visibilitychange'))"
    )
    session = await session_of(page)
    await bot.channel.deliver(session, [Reply(STAFF_ANSWER, title="Cán bộ")])
    await expect(page).to_have_title(f"(1) {title}")
    await bot.channel.deliver(session, [Reply("Dạ, cán bộ xin bổ sung: mang theo bản gốc.")])
    await expect(page).to_have_title(f"(2) {title}")
    await page.evaluate(
        "window.shownTab = true; document.dispatchEvent(new Event('visibilitychange'))"
    )
    await expect(page).to_have_title(title)
    await expect(replies).to_have_count(3)


async def test_a_message_of_another_day_shows_its_day_beside_its_time(
    bot: Bot, new_page: NewPage
) -> None:
    """The page shows the last days' messages again, and a staff answer may come the day
    after the question: "16:45" above "14:02" would read as answered before it was asked.
    Today's messages show their time alone."""
    page = await new_page(*PHONE)
    await page.goto(f"{bot.url}/chat")
    await ask(page, UNKNOWN)
    mine, replies = messages(page)
    await expect(replies).to_have_count(1)
    stamp = mine.first.locator(".msg-time")
    await expect(stamp).to_have_text(re.compile(r"^\d\d:\d\d$"))
    said = dt.datetime.fromisoformat(str(await stamp.get_attribute("datetime")))
    day = said.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%d/%m")
    await page.clock.set_system_time(said + dt.timedelta(days=2))  # the next visit
    await page.reload()
    await expect(replies).to_have_count(1)
    await expect(stamp).to_have_text(re.compile(rf"^\d\d:\d\d {day}$"))
    await page.clock.set_system_time(said + dt.timedelta(days=400))  # another year
    await page.reload()
    await expect(stamp).to_have_text(re.compile(rf"^\d\d:\d\d {day}/{said.year}$"))


async def test_a_link_named_by_what_it_holds_says_which_site_it_opens(
    bot: Bot, new_page: NewPage
) -> None:
    """ "Xem thêm" under an answer: a phone shows no address on hover, and a resident
    should see that it opens dichvucong.gov.vn before tapping it. A link that shows its
    address already says nothing more."""
    page, replies = await answered(bot, new_page)
    links = (
        Link(msg.READ_MORE, "https://www.dichvucong.gov.vn/p/home/dvc-trang-chu.html"),
        Link("phuong2.gov.vn", "https://phuong2.gov.vn/"),
    )
    await bot.channel.deliver(await session_of(page), [Reply("Dạ, mời xem.", links=links)])
    await expect(replies).to_have_count(2)
    rows = replies.last.locator(".msg-links li")
    await expect(rows).to_have_text(
        [
            f"{msg.READ_MORE} (dichvucong.gov.vn) {UI['new_tab']}",
            f"phuong2.gov.vn {UI['new_tab']}",
        ]
    )


async def test_web_addresses_in_an_answer_are_links_and_nothing_else_is(
    bot: Bot, new_page: NewPage
) -> None:
    """Ward staff write addresses with or without "https://", as Telegram and Zalo link
    both; an e-mail address, a word's end and a script's address are no links."""
    page, replies = await answered(bot, new_page)
    text = (
        "Dạ, bà con vào Cổng Dịch vụ công quốc gia (dichvucong.gov.vn) hoặc "
        "https://dichvucong.bocongan.gov.vn/tra-cuu. Góp ý gửi hotro@phuong2.gov.vn; "
        "xem TP.HCM, Phường.vn, [bấm](javascript:alert(1)) hay javascript:alert(2)."
    )
    hostile = Link("Mở", "javascript:window.pwned=1")
    reply = Reply(text, links=(hostile, Link("Cổng thông tin", "https://phuong2.gov.vn/tin")))
    await bot.channel.deliver(await session_of(page), [reply])
    await expect(replies).to_have_count(2)
    anchors = replies.last.locator("a")
    await expect(anchors).to_have_count(3)
    hrefs = [await a.get_attribute("href") for a in await anchors.all()]
    assert hrefs == [
        "https://dichvucong.gov.vn/",
        "https://dichvucong.bocongan.gov.vn/tra-cuu",
        "https://phuong2.gov.vn/tin",
    ]
    await expect(anchors.first).to_contain_text("dichvucong.gov.vn")
    for anchor in await anchors.all():  # a new tab, which cannot reach back to the chat
        assert await anchor.get_attribute("target") == "_blank"
        assert await anchor.get_attribute("rel") == "noopener noreferrer"
    await expect(replies.last).to_contain_text("hotro@phuong2.gov.vn; xem TP.HCM, Phường.vn,")
    await expect(replies.last).to_contain_text("[bấm](javascript:alert(1)) hay javascript:")


async def opened_polling_gets_a_staff_answer(bot: Bot, page: Page) -> None:
    """Open the chat on `page`, see it long-poll, and see a staff answer reach it."""
    async with page.expect_request(lambda r: "/chat/api/poll" in r.url and "wait=1" in r.url):
        await page.goto(f"{bot.url}/chat")
    await bot.channel.deliver(await session_of(page), [Reply(STAFF_ANSWER)])
    _, replies = messages(page)
    await expect(replies).to_have_count(1)
    await expect(replies.last).to_contain_text(STAFF_ANSWER)


async def test_a_page_past_its_networks_open_streams_still_gets_its_answers(
    bot: Bot, new_page: NewPage
) -> None:
    """Its network (a school, a carrier's shared address) has as many pages open as the
    bot lets one address hold: this page's event stream is refused and its long polls
    are answered at once. It polls, and a staff answer still reaches it."""
    listening = bot.channel.listening
    per_key = listening.per_key
    listening.per_key = 0
    try:
        page = await new_page(*PHONE)
        await opened_polling_gets_a_staff_answer(bot, page)
        await expect(page.get_by_role("status")).to_have_text("")
    finally:
        listening.per_key = per_key


async def test_without_event_streams_the_page_falls_back_to_long_polling(
    bot: Bot, new_page: NewPage
) -> None:
    page = await new_page(*PHONE)
    # A proxy that does not pass server-sent events through.
    await page.route("**/chat/api/events?**", lambda route: route.fulfill(status=503))
    await opened_polling_gets_a_staff_answer(bot, page)
    await expect(page.locator("#chat-offline")).to_be_hidden()


async def test_a_flood_is_told_in_vietnamese_to_wait_and_the_message_is_kept(
    bot: Bot, new_page: NewPage, screenshot: Screenshot
) -> None:
    page = await new_page(*PHONE)
    await page.goto(f"{bot.url}/chat")
    burst, every = SESSION_LIMIT
    yours, replies = messages(page)
    for n in range(burst):
        await ask(page, f"cam on {n}")
    await expect(replies).to_have_count(burst)
    await ask(page, "cam on lan nua")
    notice = page.locator("#chat-log .notice")
    await expect(notice).to_have_text(msg.web_slow_down(round(every)))
    await expect(notice).to_be_in_viewport(ratio=1)
    # The message refused is back in the box, to send once the wait is over.
    await expect(page.locator("#chat-input")).to_have_value("cam on lan nua")
    await expect(page.get_by_role("button", name=UI["send"])).to_be_disabled()
    await expect(yours).to_have_count(burst)
    await screenshot(page, "slow-down", animations="disabled")


class HostRewritingProxy:
    """What nginx's plain `proxy_pass http://127.0.0.1:8080;` does to a request: the Host
    header the bot sees is the proxy's upstream, not the address in the browser."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = [(k, v) for k, v in scope["headers"] if k != b"host"]
            scope = {**scope, "headers": [*headers, (b"host", b"127.0.0.1:8080")]}
        await self.app(scope, receive, send)


async def test_behind_a_proxy_that_rewrites_the_host_the_page_still_chats(
    bot: Bot, new_page: NewPage
) -> None:
    proxied = web_app(bot.channel.routes())
    proxied.add_middleware(HostRewritingProxy)
    async with serve(proxied) as url:
        page = await new_page(*PHONE)
        await page.goto(f"{url}/chat")
        await ask(page, "mat the bhyt thi lam sao")
        yours, replies = messages(page)
        await expect(replies.last).to_contain_text(LOST_CARD)
        await expect(yours).to_have_count(1)
        await expect(page.locator("#chat-log .notice")).to_have_count(0)


async def test_the_session_id_never_appears_in_a_url(bot: Bot, new_page: NewPage) -> None:
    """Proxies and CDNs log URLs; the session id is the only key to a conversation."""
    page = await new_page(*PHONE)
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    await page.goto(f"{bot.url}/chat")
    await ask(page, "mat the bhyt thi lam sao")
    _, replies = messages(page)
    await expect(replies.last).to_contain_text(LOST_CARD)
    session = await session_of(page)
    # A staff answer reaches the open page through its event stream...
    await bot.channel.deliver(session, [Reply(STAFF_ANSWER)])
    await expect(replies.last).to_contain_text(STAFF_ANSWER)
    await page.reload()  # ...and a reload fetches the history
    await expect(replies).to_have_count(2)
    assert any("/chat/api/events" in url for url in urls)
    assert any("/chat/api/poll" in url for url in urls)
    assert [url for url in urls if session in url or "session=" in url] == []


async def test_the_widget_shows_on_an_allowed_site_spelt_with_capitals(
    bot: Bot, new_page: NewPage, ward_settings: Settings, ward_engine: Engine
) -> None:
    """WEB_ALLOWED_ORIGINS=http://LocalHost:PORT/ is the portal at http://localhost:PORT."""
    bot_url: list[str] = []

    async def portal(request: Request) -> Response:
        return HTMLResponse(PORTAL_PAGE.format(bot=bot_url[0]))

    async with serve(web_app([Route("/", portal)])) as site:
        port = site.rsplit(":", 1)[1]
        env = {"WEB_CHAT": "on", "WEB_ALLOWED_ORIGINS": f"http://LocalHost:{port}/"}
        settings = replace(
            ward_settings, web_allowed_origins=Settings.from_env(env).web_allowed_origins
        )
        channel = WebChatChannel(settings, Conversation(ward_engine, bot.store, settings))
        async with serve(web_app(channel.routes())) as url:
            bot_url.append(url)
            page = await new_page(*DESKTOP)
            await page.goto(f"http://localhost:{port}/")
            launcher = page.get_by_role("button", name=msg.WEB_WIDGET_BUTTON)
            await expect(launcher).to_be_visible()
            await launcher.click()
            chat = page.frame_locator("iframe[title='Hỏi đáp UBND Phường 2']")
            await expect(chat.locator("#chat-input")).to_be_visible()  # the frame is allowed


async def test_the_connection_lost_note_is_a_status_that_goes_once_the_bot_answers(
    bot: Bot, new_page: NewPage
) -> None:
    """Back online, the resident sends a message: the note goes with its answer, not when
    a long poll (held up to 25 s) next returns; screen readers hear it come and go."""
    page = await new_page(*PHONE)
    held: list[Routed] = []

    async def hold(route: Routed) -> None:  # a long poll the bot has not answered yet
        held.append(route)

    await page.route("**/chat/api/events?**", lambda route: route.fulfill(status=502))
    await page.route(lambda url: "/chat/api/poll" in url and "wait=1" in url, hold)
    async with page.expect_request(lambda r: "/chat/api/poll" in r.url and "wait=1" in r.url):
        await page.goto(f"{bot.url}/chat")
    status = page.get_by_role("status")
    await expect(status).to_have_text(UI["offline"])
    await expect(page.locator("#chat-offline")).to_be_visible()
    await ask(page, "mat the bhyt thi lam sao")
    _, replies = messages(page)
    await expect(replies.last).to_contain_text(LOST_CARD)
    await expect(page.locator("#chat-offline")).to_be_hidden()
    await expect(status).to_have_text("")
    assert held, "the long poll was still waiting"
    await release(page, held)


async def test_a_page_left_open_across_a_fresh_database_still_shows_what_is_said(
    bot: Bot, new_page: NewPage
) -> None:
    """The bot reinstalled with an empty database (or an older backup): its ids start
    again below the open page's cursor. The page shows the conversation as it is now."""
    page = await new_page(*PHONE)
    await page.goto(f"{bot.url}/chat")
    yours, replies = messages(page)
    for question in ("mat the bhyt", "cam on", "lam tam tru can giay to gi"):
        await ask(page, question)
    await expect(replies).to_have_count(3)
    async with bot.store.writing() as db:  # a fresh database: ids count from 1 again
        await db.execute("DELETE FROM web_messages")
        await db.execute("DELETE FROM sqlite_sequence WHERE name = 'web_messages'")
    await ask(page, "dang ky thuong tru o dau")
    await expect(replies.last.locator(".msg-title")).to_have_text("Đăng ký thường trú ở đâu?")
    await expect(yours.locator(".msg-text")).to_have_text(["dang ky thuong tru o dau"])
    await expect(replies).to_have_count(1)
    # The open page hears what comes next (a staff answer) at once.
    await bot.channel.deliver(await session_of(page), [Reply(STAFF_ANSWER)])
    await expect(replies.last).to_contain_text(STAFF_ANSWER)


async def test_an_answer_already_on_its_way_when_the_network_went_leaves_the_note(
    bot: Bot, new_page: NewPage
) -> None:
    """A response sent before the phone lost its network, arriving after, is drawn; the
    note stays until the phone says it is back (it was cleared, and an event stream
    opened just before stayed quiet: nothing brought the note back)."""
    page = await new_page(*PHONE)
    await page.goto(f"{bot.url}/chat")
    _, replies = messages(page)
    await ask(page, "mat the bhyt thi lam sao")
    await expect(replies).to_have_count(1)
    held: list[Routed] = []

    async def hold(route: Routed) -> None:  # the catch-up after a send, on its way
        held.append(route)

    await page.route(lambda url: "/chat/api/poll" in url and "wait=1" not in url, hold)
    async with page.expect_request(lambda r: "/chat/api/poll" in r.url and "wait=1" not in r.url):
        await ask(page, "cam on")
    status = page.get_by_role("status")
    await page.context.set_offline(True)
    await expect(status).to_have_text(UI["offline"])
    late = {"id": 10**6, "from": "bot", "text": STAFF_ANSWER}
    for route in held:
        await route.fulfill(json={"messages": [late]})
    await expect(replies.last).to_contain_text(STAFF_ANSWER)
    await expect(status).to_have_text(UI["offline"])
    await page.context.set_offline(False)
    await expect(status).to_have_text("")
    await page.unroute_all(behavior="ignoreErrors")


async def test_a_phone_losing_its_network_shows_the_note_at_once_and_clears_it_when_back(
    bot: Bot, new_page: NewPage
) -> None:
    page = await new_page(*PHONE)
    await page.goto(f"{bot.url}/chat")
    await ask(page, "mat the bhyt thi lam sao")
    _, replies = messages(page)
    await expect(replies).to_have_count(1)
    status = page.get_by_role("status")
    await page.context.set_offline(True)
    await expect(status).to_have_text(UI["offline"])
    await page.context.set_offline(False)
    await expect(status).to_have_text("")  # the event stream is opened again at once
    await bot.channel.deliver(await session_of(page), [Reply(STAFF_ANSWER)])
    await expect(replies.last).to_contain_text(STAFF_ANSWER)


async def test_a_message_whose_answer_was_lost_on_the_way_is_sent_again_and_answered_once(
    bot: Bot, new_page: NewPage
) -> None:
    """Flaky 3G: the bot got the question and answered it, the response to the send never
    reached the phone. The page tries again by itself; the bot knows the message."""
    page = await new_page(*PHONE)
    await page.goto(f"{bot.url}/chat")
    lost: list[str] = []

    async def lose_the_first(route: Routed) -> None:
        await route.fetch()  # the bot has it
        if lost:
            await route.continue_()
        else:
            lost.append(route.request.url)
            await route.abort("connectionreset")

    await page.route("**/chat/api/send", lose_the_first)
    await ask(page, "mat the bhyt thi lam sao")
    yours, replies = messages(page)
    await expect(replies).to_have_count(1)
    await expect(replies.last).to_contain_text(LOST_CARD)
    await expect(yours).to_have_count(1)
    await expect(yours.locator(".msg-status")).to_have_count(0)  # no longer "Đang gửi…"
    await expect(page.locator("#chat-offline")).to_be_hidden()
    assert lost
    assert await page.locator("#chat-log .notice").count() == 0
    assert await page.locator("#chat-input").input_value() == ""
    assert await stored(bot.store) == 2  # the question and its answer, once each
    await page.unroute_all(behavior="ignoreErrors")


async def test_a_message_sent_without_a_network_goes_once_the_phone_is_back(
    bot: Bot, new_page: NewPage
) -> None:
    page = await new_page(*PHONE)
    await page.goto(f"{bot.url}/chat")
    yours, replies = messages(page)
    await page.context.set_offline(True)
    await expect(page.get_by_role("status")).to_have_text(UI["offline"])
    await ask(page, "mat the bhyt thi lam sao")
    await expect(yours.locator(".msg-status")).to_have_text(UI["sending"])
    # Nothing reached the bot: it is not said to be answering.
    await expect(page.locator(".msg-typing")).to_have_count(0)
    await ask(page, "cam on")  # after it, in order
    await expect(yours).to_have_count(2)
    await page.context.set_offline(False)
    await expect(replies).to_have_count(2)
    await expect(replies.first).to_contain_text(LOST_CARD)
    await expect(yours.locator(".msg-text")).to_have_text(["mat the bhyt thi lam sao", "cam on"])
    await expect(yours.locator(".msg-status")).to_have_count(0)
    await expect(page.get_by_role("status")).to_have_text("")
    assert await page.locator("#chat-log .notice").count() == 0
    assert await stored(bot.store) == 4


async def test_a_message_typed_while_the_history_still_loads_goes_once(
    bot: Bot, new_page: NewPage
) -> None:
    """On a slow connection the resident types before the page has the conversation so
    far, and that first load then fails: the message is shown once and sent once (the
    page took it, kept for a reload, for one left over from the page before, and showed
    and sent it a second time)."""
    page = await new_page(*PHONE)
    held: list[Routed] = []
    await page.route("**/chat/api/poll?**", hold_in(held))  # the history, slow to come
    async with page.expect_request("**/chat/api/poll?**"):
        await page.goto(f"{bot.url}/chat")
    yours, replies = messages(page)
    await page.context.set_offline(True)  # the phone loses its network meanwhile
    await ask(page, "mat the bhyt thi lam sao")
    await expect(yours).to_have_count(1)
    for route in held:  # so the history does not come
        await route.abort("internetdisconnected")
    await page.unroute("**/chat/api/poll?**")
    await expect(page.locator("#chat-log")).to_have_attribute("aria-busy", "false")
    await expect(yours).to_have_count(1)  # not drawn again as left over from a page before
    pending = await page.evaluate("JSON.parse(sessionStorage.getItem('wardbot.chat.pending'))")
    assert len(pending["waiting"]) == 1
    await page.context.set_offline(False)
    await expect(replies).to_have_count(1)
    await expect(replies.first).to_contain_text(LOST_CARD)
    await expect(yours).to_have_count(1)
    assert await stored(bot.store) == 2


async def test_the_widget_speaks_vietnamese_on_a_portal_page_marked_as_english(
    bot: Bot, new_page: NewPage
) -> None:
    """Many portal templates say lang="en" (or nothing): a screen reader would read the
    widget's Vietnamese with an English voice. The widget says its own language."""
    page = await new_page(*PHONE)
    await page.goto(bot.portal)
    await expect(page.get_by_role("button", name=msg.WEB_WIDGET_BUTTON)).to_be_visible()
    await page.evaluate("document.documentElement.lang = 'en'")
    languages = await page.evaluate(
        """() => {
            const root = document.querySelector("[data-ward-chat]").shadowRoot;
            return [...root.querySelectorAll("button, .panel")].map(
                (node) => node.matches(":lang(vi)") && !node.matches(":lang(en)"));
        }"""
    )
    assert languages and all(languages)


@pytest.mark.parametrize(("font_px", "height"), [(16, 330), (24, 330), (24, 480)])
async def test_with_the_keyboard_open_or_large_text_the_answer_keeps_the_room(
    bot: Bot, new_page: NewPage, screenshot: Screenshot, font_px: int, height: int
) -> None:
    """A small phone with its keyboard open leaves ~330 px; an older resident's larger
    default text (the browser's font size setting) makes every line taller. The header
    and the hotline line do not take the screen from the answer."""
    page = await new_page(360, height)
    browser = await page.context.new_cdp_session(page)  # Chromium's font size setting
    await browser.send("Page.setFontSizes", {"fontSizes": {"standard": font_px, "fixed": font_px}})
    await page.goto(f"{bot.url}/chat")
    await ask(page, "mat the bhyt thi lam sao")
    _, replies = messages(page)
    await expect(replies.last).to_contain_text(LOST_CARD)
    await screenshot(page, f"{font_px}px-{height}")
    shown = await page.locator("#chat-log").evaluate("log => log.clientHeight")
    assert shown >= 0.45 * height
    await expect(page.get_by_label(UI["input_label"])).to_be_in_viewport(ratio=1)


async def test_a_phone_with_room_shows_the_intro_and_the_hotline(
    bot: Bot, new_page: NewPage
) -> None:
    page = await new_page(*PHONE)
    await page.goto(f"{bot.url}/chat")
    await expect(page.locator("#chat-intro")).to_be_visible()
    await expect(page.locator("#chat-contact")).to_be_visible()
    await expect(page.locator("#chat-contact a")).to_have_attribute("href", "tel:02763822123")


async def test_a_suggestion_tapped_twice_on_a_slow_phone_is_asked_once(
    bot: Bot, new_page: NewPage
) -> None:
    """The phone lags, the resident taps again: the second tap of a choice still being
    sent or answered does nothing (once answered, it may be pressed again)."""
    page, replies = await answered(bot, new_page, "bhyt")
    yours, _ = messages(page)
    held: list[Routed] = []

    async def slow(route: Routed) -> None:
        held.append(route)

    await page.route("**/chat/api/send", slow)
    choice = replies.first.get_by_role("button", name=LOST_CARD)
    async with page.expect_request("**/chat/api/send"):
        await choice.click()
    await choice.click()
    await expect(yours).to_have_count(2)
    [first] = held
    await first.continue_()
    await page.unroute_all(behavior="ignoreErrors")
    await expect(replies).to_have_count(2)
    await expect(replies.last).to_contain_text("VssID")
    await expect(yours).to_have_count(2)
    assert await stored(bot.store) == 4
    await choice.click()  # answered: pressing it again asks again
    await expect(replies).to_have_count(3)


@pytest.mark.parametrize("reached", [False, True], ids=["lost-on-the-way", "answer-lost"])
async def test_a_page_reloaded_while_a_message_is_still_being_sent_sends_it_once(
    bot: Bot, new_page: NewPage, reached: bool
) -> None:
    """The page seems stuck on flaky 3G and the resident reloads it (the usual reflex)
    while a question still says "Đang gửi…": it is not lost, nor asked twice when the bot
    had it already."""
    page = await new_page(*PHONE)
    await page.goto(f"{bot.url}/chat")
    down = [True]

    async def flaky(route: Routed) -> None:
        if not down[0]:
            await route.continue_()
            return
        if reached and "/send" in route.request.url:
            await route.fetch()  # the bot has it; its answer does not come back
        await route.abort("connectionreset")

    await page.route("**/chat/api/send", flaky)
    await page.route("**/chat/api/events?**", flaky)  # nor does the event saying so,
    await page.route("**/chat/api/poll?**", flaky)  # nor a poll once events fail
    # The event stream opened with the page, before the routes, would still bring the
    # message the bot stored (its "Đang gửi…" gone before the resident reloads): the
    # phone's network comes back, and the page opens it again, into the flaky network.
    async with page.expect_event("requestfailed", lambda r: "/chat/api/events" in r.url):
        await page.evaluate("window.dispatchEvent(new Event('online'))")
    async with page.expect_request("**/chat/api/send"):
        await ask(page, "mat the bhyt thi lam sao")
    yours, replies = messages(page)
    await expect(yours.locator(".msg-status")).to_have_text(UI["sending"])
    await page.reload()
    down[0] = False
    await expect(replies).to_have_count(1)
    await expect(replies.last).to_contain_text(LOST_CARD)
    await expect(yours.locator(".msg-text")).to_have_text(["mat the bhyt thi lam sao"])
    await expect(yours.locator(".msg-status")).to_have_count(0)
    assert await stored(bot.store) == 2
    # Nothing is sent again at the next reload.
    await page.reload()
    await expect(replies).to_have_count(1)
    await expect(yours).to_have_count(1)
    assert await page.evaluate("sessionStorage.getItem('wardbot.chat.pending')") is None
    await page.unroute_all(behavior="ignoreErrors")


async def test_the_typing_note_shows_once_the_bot_has_the_message_until_it_answers(
    bot: Bot, new_page: NewPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = await new_page(*PHONE)
    await page.goto(f"{bot.url}/chat")
    thinking = asyncio.Event()
    answer = bot.channel.answerer.text

    async def slow(*args: object, **kwargs: object) -> None:
        await thinking.wait()
        await answer(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(bot.channel.answerer, "text", slow)
    await ask(page, "mat the bhyt thi lam sao")
    yours, replies = messages(page)
    typing = page.locator(".msg-typing")
    await expect(typing).to_contain_text(UI["typing"])
    await expect(yours.locator(".msg-status")).to_have_count(0)  # no longer "Đang gửi…"
    thinking.set()
    await expect(replies.last).to_contain_text(LOST_CARD)
    await expect(typing).to_have_count(0)


async def test_behind_a_proxy_that_holds_the_event_stream_the_page_falls_back_to_polling(
    bot: Bot, new_page: NewPage
) -> None:
    """Some proxies (an antivirus scanning HTTPS on an office PC, a carrier's) keep a
    streamed response until it ends: the event stream opens and nothing ever comes. A
    stream that brought nothing did not work, however long it was held: after a few,
    the page polls, and a staff answer reaches it."""
    page = await new_page(*PHONE)
    await page.clock.install()
    held: list[Routed] = []
    await page.route("**/chat/api/events?**", hold_in(held))
    await page.goto(f"{bot.url}/chat")
    polled: list[str] = []
    page.on("request", lambda r: polled.append(r.url) if "wait=1" in r.url else None)
    # Each held stream is given up after 40 s of silence, then 2 s; the page's first one
    # opens once it has drawn the history, in real time: the clock is moved until it polls.
    await move_clock_until(page, lambda: bool(polled), 15_000, 12)
    assert polled, f"still waiting for event streams ({len(held)} opened)"
    assert len(held) == 3  # three streams that brought nothing, then polling
    await bot.channel.deliver(await session_of(page), [Reply(STAFF_ANSWER)])
    _, replies = messages(page)
    await expect(replies.last).to_contain_text(STAFF_ANSWER)
    await release(page, held)


async def test_back_on_the_tab_after_another_app_the_page_shows_what_came_meanwhile(
    bot: Bot, new_page: NewPage
) -> None:
    """Android freezes a page in the background and its event stream dies without a
    word; the resident, waiting for ward staff's answer, comes back to the tab. The page
    fetches what it missed and listens again at once, not after 40 s of silence."""
    page = await new_page(*PHONE)
    await page.clock.install()  # no timer fires unless the test moves the clock
    await page.goto(f"{bot.url}/chat")
    await ask(page, UNKNOWN)
    _, replies = messages(page)
    await expect(replies).to_have_count(1)
    dead: list[Routed] = []
    await page.route("**/chat/api/events?**", first_dies(dead))
    async with page.expect_request("**/chat/api/events?**"):
        await page.evaluate("window.dispatchEvent(new Event('online'))")  # the stream dies
    await bot.channel.deliver(await session_of(page), [Reply(STAFF_ANSWER)])
    await page.clock.run_for(20_000)  # the bot's comments stopped coming
    await page.evaluate(
        "Object.defineProperty(document, 'visibilityState', {value: 'visible'});"
        "document.dispatchEvent(new Event('visibilitychange'))"
    )
    await expect(replies.last).to_contain_text(STAFF_ANSWER)
    await bot.channel.deliver(await session_of(page), [Reply("Dạ, thêm một ý nữa.")])
    await expect(replies.last).to_contain_text("Dạ, thêm một ý nữa.")  # listening again
    await release(page, dead)


async def test_a_long_poll_cut_without_a_word_is_given_up_and_the_page_polls_again(
    bot: Bot, new_page: NewPage
) -> None:
    """Polling (the portal's proxy passes no event streams), the phone moves from Wi-Fi to
    mobile data while a long poll waits: that connection is dead without a word, and the
    resident, waiting for ward staff's answer, keeps looking at the page. A poll the bot
    has not answered well past its 25 s is given up and made again, as a silent stream is."""
    page = await new_page(*PHONE)
    await page.clock.install()
    await page.route("**/chat/api/events?**", lambda route: route.fulfill(status=503))
    dead: list[Routed] = []
    await page.route(lambda url: "/chat/api/poll" in url and "wait=1" in url, first_dies(dead))
    await page.goto(f"{bot.url}/chat")
    # Three event streams refused, about 2 s apart, then polling.
    await move_clock_until(page, lambda: bool(dead), 1_000, 20)
    assert dead, "the page never polled"
    await bot.channel.deliver(await session_of(page), [Reply(STAFF_ANSWER)])
    _, replies = messages(page)
    await move_clock_until(page, replies.count, 10_000, 12)  # two minutes at most
    await expect(replies.last).to_contain_text(STAFF_ANSWER)
    await release(page, dead)


async def test_a_message_sent_on_a_connection_gone_without_a_word_is_sent_again(
    bot: Bot, new_page: NewPage
) -> None:
    """The phone changes network just as the resident sends: the request waits on a dead
    connection, with no error ever. The page gives it up and sends the message again
    (the same key: asked once), and the messages typed after it follow."""
    page = await new_page(*PHONE)
    await page.clock.install()
    await page.goto(f"{bot.url}/chat")
    dead: list[Routed] = []
    await page.route("**/chat/api/send", first_dies(dead))
    async with page.expect_request("**/chat/api/send"):
        await ask(page, "mat the bhyt thi lam sao")
    await ask(page, "cam on")
    yours, replies = messages(page)

    async def both_answered() -> bool:
        return await replies.count() == 2

    await move_clock_until(page, both_answered, 10_000, 12)  # two minutes at most
    await expect(replies).to_have_count(2)
    await expect(replies.first).to_contain_text(LOST_CARD)
    await expect(yours.locator(".msg-status")).to_have_count(0)
    assert await stored(bot.store) == 4
    await release(page, dead)


async def test_a_page_reloaded_after_the_bot_stopped_mid_answer_gets_the_answer(
    bot: Bot, new_page: NewPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bot restarts while working out an answer: the question is stored, its answer
    never is, the page's request is cut and it says "Đang gửi…". The resident reloads: the
    history shows the question, with no answer; the page sends it again (the same key) and
    the bot, back, answers it."""
    page = await new_page(*PHONE)
    await page.goto(f"{bot.url}/chat")
    answer = bot.channel.answerer.text

    async def stopped(*args: object, **kwargs: object) -> None:
        return None  # the bot went down before it answered

    monkeypatch.setattr(bot.channel.answerer, "text", stopped)
    down = [True]

    async def flaky(route: Routed) -> None:
        if not down[0]:
            await route.continue_()
            return
        if "/send" in route.request.url:
            await route.fetch()  # stored; no answer; the connection is cut
        await route.abort("connectionreset")

    await page.route("**/chat/api/send", flaky)
    await page.route("**/chat/api/events?**", flaky)
    async with page.expect_request("**/chat/api/send"):
        await ask(page, "mat the bhyt thi lam sao")
    yours, replies = messages(page)
    for _ in range(200):  # the bot has the question
        if await stored(bot.store):
            break
        await asyncio.sleep(0.05)
    assert await stored(bot.store) == 1
    monkeypatch.setattr(bot.channel.answerer, "text", answer)  # the bot is back
    await page.reload()
    down[0] = False
    await expect(replies).to_have_count(1)
    await expect(replies.last).to_contain_text(LOST_CARD)
    await expect(yours.locator(".msg-text")).to_have_text(["mat the bhyt thi lam sao"])
    assert await stored(bot.store) == 2
    await page.unroute_all(behavior="ignoreErrors")


# Each send's time on the page's clock, in window.sends, and the time its failure (a
# response other than 2xx) came back, in window.failures.
TIMED_SENDS = """
const realFetch = window.fetch;
window.sends = [];
window.failures = [];
window.fetch = (url, options) => {
  const response = realFetch(url, options);
  if (!String(url).includes("/chat/api/send")) return response;
  window.sends.push(Date.now());
  return response.then((r) => {
    if (!r.ok) window.failures.push(Date.now());
    return r;
  });
};
"""


async def test_phones_cut_off_by_the_same_restart_do_not_all_try_again_at_once(
    bot: Bot, new_page: NewPage
) -> None:
    """The bot restarts behind the ward's proxy (502): every open page's message fails at
    the same instant. Each waits a random part of its pause before trying again, so the
    bot, back, is not hit by all of them in the same instant."""
    pauses = []
    held: list[Routed] = []
    for luck in (0.0, 0.99):  # what Math.random says on each phone
        page = await new_page(*PHONE)
        await page.add_init_script(f"Math.random = () => {luck};" + TIMED_SENDS)
        await page.clock.install()
        await page.route("**/chat/api/events?**", hold_in(held))  # (nothing else answers)
        await page.route("**/chat/api/send", lambda route: route.fulfill(status=502))
        await page.goto(f"{bot.url}/chat")
        await expect(page.locator("#chat-log")).to_have_attribute("aria-busy", "false")
        now = await page.evaluate("Date.now()")
        await page.clock.pause_at(now + 1000)  # from here, no timer fires unless moved
        await ask(page, "mat the bhyt thi lam sao")
        await expect(page.get_by_role("status")).to_have_text(UI["offline"])
        # The page has its failure before its clock moves: on a busy host it may come
        # after the offline note (which the event stream can show too), and a clock moved
        # meanwhile would lengthen the pause measured.
        for _ in range(200):
            if await page.evaluate("window.failures.length >= 1"):
                break
            await asyncio.sleep(0.05)
        # Up to the longest first pause (a busy host may take a moment to try again; the
        # times are the page's clock's, so the pause measured is the same).
        sends = "window.sends.length >= 2"
        await move_clock_until(page, lambda p=page: p.evaluate(sends), 100, 10)
        failed, again = await page.evaluate("[window.failures[0], window.sends[1]]")
        pauses.append(again - failed)
        await page.unroute_all(behavior="ignoreErrors")
    assert pauses == [500, 995]
    for route in held:
        with contextlib.suppress(Exception):
            await route.abort()


async def test_messages_queued_behind_one_refused_as_too_many_wait_in_the_box_too(
    bot: Bot, new_page: NewPage
) -> None:
    """Offline on the bus, the resident types more messages than the bot takes at once;
    back online, the bot answers the first ones and asks to wait. Those after the one
    refused are not sent into the refusal (and lost, their bubbles gone): they wait in
    the box with it, in order, to send once the wait is over."""
    page = await new_page(*PHONE)
    await page.goto(f"{bot.url}/chat")
    burst, every = SESSION_LIMIT
    yours, replies = messages(page)
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.post_data or "") if r.method == "POST" else None)
    await page.context.set_offline(True)
    await expect(page.get_by_role("status")).to_have_text(UI["offline"])
    for n in range(burst + 2):
        await ask(page, f"cam on {n}")
    await expect(yours).to_have_count(burst + 2)
    await page.context.set_offline(False)
    await expect(page.locator("#chat-log .notice")).to_have_text(msg.web_slow_down(round(every)))
    await expect(replies).to_have_count(burst)
    await expect(page.locator("#chat-input")).to_have_value(f"cam on {burst}\ncam on {burst + 1}")
    await expect(yours).to_have_count(burst)
    assert await stored(bot.store) == 2 * burst
    assert not [body for body in sent if f"cam on {burst + 1}" in body]  # not sent into the wait


async def portal_elsewhere(bot: Bot, page: Page) -> str:
    """The portal's page on a site of its own, allowed to embed the widget: `localhost`
    while the bot is at 127.0.0.1 (another site: the browser keeps the frame's storage apart
    from the bot's pages, or refuses it storage at all)."""
    site = bot.portal.rstrip("/").replace("127.0.0.1", "localhost")
    bot.channel.settings = replace(
        bot.channel.settings,
        web_allowed_origins=(*bot.channel.settings.web_allowed_origins, site),
    )
    return site + "/"


async def test_the_full_page_opened_from_the_widget_on_another_site_continues_it(
    bot: Bot, new_page: NewPage
) -> None:
    """Portal phuongx.gov.vn, bot chat.example.org: the resident asks in the widget, then
    opens the chat as a page of its own; that page shows what they asked and goes on with
    it. No address the browser asks for holds the conversation's key."""
    page = await new_page(*DESKTOP)
    await page.goto(await portal_elsewhere(bot, page))
    await page.get_by_role("button", name=msg.WEB_WIDGET_BUTTON).click()
    chat = page.frame_locator("iframe[title='Hỏi đáp UBND Phường 2']")
    await ask_in(chat, "mat the bhyt thi lam sao")
    await expect(messages(chat)[1].last).to_contain_text(LOST_CARD)
    # The premise: the bot's own page, opened by hand, holds another conversation.
    alone = await page.context.new_page()
    await alone.goto(f"{bot.url}/chat")
    await expect(alone.locator("#chat-input")).to_be_visible()
    await expect(messages(alone)[0]).to_have_count(0)
    await alone.close()
    urls: list[str] = []
    page.context.on("request", lambda request: urls.append(request.url))
    async with page.context.expect_page() as opened:
        await chat.get_by_role("link", name=UI["full_page"]).click()
    full = await opened.value
    mine, replies = messages(full)
    await expect(mine.first).to_contain_text("mat the bhyt thi lam sao")
    await expect(replies.last).to_contain_text(LOST_CARD)
    assert full.url == f"{bot.url}/chat"  # the token left the address bar
    assert await full.evaluate("window.opener") is None
    await ask(full, UNKNOWN)
    await expect(replies).to_have_count(2)
    session = await full.evaluate("localStorage.getItem('wardbot.chat.session')")
    assert session and not any(session in url for url in urls)
    # A link no longer good (used, or past its two minutes): the page says so.
    stale = await page.context.new_page()
    await stale.goto(f"{bot.url}/chat#continue=" + "x" * 32)
    await expect(stale.locator("#chat-log .notice")).to_have_text(msg.WEB_HANDOFF_EXPIRED)


async def test_a_widget_whose_chat_could_not_load_says_so_and_tries_again(
    bot: Bot, new_page: NewPage
) -> None:
    """A flaky network: the widget's script came, the chat's did not. The panel says so in
    Vietnamese with the hotline to call, and its retry button brings the chat."""
    page = await new_page(*PHONE)
    await page.goto(bot.portal)
    await page.clock.install()  # no timer retries by itself: the button does
    await page.context.route("**/chat/app.js", lambda route: route.abort("connectionreset"))
    await page.get_by_role("button", name=msg.WEB_WIDGET_BUTTON).click()
    panel = page.get_by_role("dialog", name="Hỏi đáp UBND Phường 2")
    failed = panel.get_by_role("alert")
    await move_clock_until(page, failed.is_visible, 500, 10)
    await expect(failed).to_have_text(
        msg.web_widget_failed("UBND Phường 2", "0276 3822 123") + msg.WEB_WIDGET_RETRY
    )
    await expect(failed.get_by_role("link", name="0276 3822 123")).to_have_attribute(
        "href", "tel:02763822123"
    )
    retry = panel.get_by_role("button", name=msg.WEB_WIDGET_RETRY)
    await expect(retry).to_be_focused()
    await page.context.unroute("**/chat/app.js")
    await retry.click()
    chat = page.frame_locator("iframe[title='Hỏi đáp UBND Phường 2']")
    await expect(chat.locator("#chat-input")).to_be_visible()
    await expect(failed).to_be_hidden()
    await ask_in(chat, "mat the bhyt")
    await expect(messages(chat)[1].last).to_contain_text(LOST_CARD)


async def test_a_chat_page_whose_script_could_not_load_says_so(bot: Bot, new_page: NewPage) -> None:
    page = await new_page(*PHONE)
    await page.route("**/chat/app.js", lambda route: route.abort("connectionreset"))
    await page.goto(f"{bot.url}/chat")
    note = page.get_by_text(msg.web_widget_failed("UBND Phường 2", "0276 3822 123"))
    await expect(note).to_be_visible()
    await page.unroute("**/chat/app.js")
    await page.get_by_role("link", name=msg.WEB_WIDGET_RETRY).click()
    await expect(page.locator("#chat-input")).to_be_visible()
    await expect(note).to_have_count(0)
    await ask(page, "mat the bhyt")
    await expect(messages(page)[1].last).to_contain_text(LOST_CARD)


async def test_a_chat_page_in_a_browser_without_javascript_says_so_with_the_hotline(
    bot: Bot, new_page: NewPage
) -> None:
    """JavaScript turned off (a phone browser's data-saving mode): no box that sends
    nothing, no "Thử lại" that cannot help; what to do instead, and the hotline to tap."""
    page = await new_page(*PHONE, java_script_enabled=False)
    await page.goto(f"{bot.url}/chat")
    # In <noscript>, which Playwright's text and role queries pass over.
    note = page.locator("noscript p")
    await expect(note).to_be_visible()
    await expect(note).to_have_text(msg.web_noscript("UBND Phường 2", "0276 3822 123"))
    await expect(note.locator("a[href='tel:02763822123']")).to_have_text("0276 3822 123")
    await expect(page.locator("#chat-input")).to_be_hidden()
    # Shown after a few seconds otherwise (see the test above): not there at all.
    await expect(page.locator("#chat-unloaded")).to_have_css("display", "none")


async def test_a_portal_that_checks_the_widgets_integrity_shows_it(
    bot: Bot, new_page: NewPage
) -> None:
    """The tag as `bot.py widget` prints it (integrity, crossorigin), on another site."""
    page = await new_page(*DESKTOP)
    errors = console_errors(page)
    await page.goto(await portal_elsewhere(bot, page) + "checked")
    await page.get_by_role("button", name=msg.WEB_WIDGET_BUTTON).click()
    chat = page.frame_locator("iframe[title='Hỏi đáp UBND Phường 2']")
    await expect(chat.locator("#chat-input")).to_be_visible()
    assert errors == []


RESUME_KEY = "wardbot.chat.resume"  # handlers/web_assets/widget.js


async def new_handle(page: Page, before: str | None = None) -> str:
    """The resume handle the widget keeps in the portal's storage, once it is not `before`."""
    kept = await page.wait_for_function(
        "([key, before]) => { const h = localStorage.getItem(key); return h !== before && h; }",
        arg=[RESUME_KEY, before],
    )
    return str(await kept.json_value())


async def open_widget(page: Page) -> FrameLocator:
    """The widget's panel opened on the portal's page: its chat, once ready."""
    await page.get_by_role("button", name=msg.WEB_WIDGET_BUTTON).click()
    chat = page.frame_locator("iframe[title='Hỏi đáp UBND Phường 2']")
    await expect(chat.locator("#chat-input")).to_be_visible()
    return chat


async def test_on_another_site_the_widget_keeps_the_conversation_from_page_to_page(
    bot: Bot, new_page: NewPage
) -> None:
    """Portal phuongx.gov.vn, bot chat.example.org: the browser gives the widget's frame no
    storage of its own that lasts, yet the conversation goes on on the portal's next page.
    The portal's storage holds a handle for it, not the conversation's key, and a new one
    after each page: the one before no longer opens it."""
    page = await new_page(*DESKTOP)
    site = await portal_elsewhere(bot, page)
    await page.goto(site)
    chat = await open_widget(page)
    await ask_in(chat, "mat the bhyt thi lam sao")
    yours, replies = messages(chat)
    await expect(replies.last).to_contain_text(LOST_CARD)
    first = await new_handle(page)
    await page.goto(site + "?trang=thu-tuc")
    chat = await open_widget(page)
    yours, replies = messages(chat)
    await expect(yours).to_have_count(1)
    await expect(yours.first).to_contain_text("mat the bhyt thi lam sao")
    await expect(replies.last).to_contain_text(LOST_CARD)
    second = await new_handle(page, first)
    async with bot.store.db.execute("SELECT DISTINCT chat_id FROM web_messages") as rows:
        (session,) = [row[0] for row in await rows.fetchall()]
    assert second and session not in (first, second)
    await ask_in(chat, UNKNOWN)
    await expect(replies).to_have_count(2)
    # The handle used before opens nothing once its RESUME_GRACE is over: put back, the
    # portal's next page starts a conversation of its own.
    bot.channel.resumes.clock = lambda: time.time() + RESUME_GRACE + 1
    await page.evaluate(f"localStorage.setItem('{RESUME_KEY}', {first!r})")
    await page.goto(site + "?trang=tin-tuc")
    chat = await open_widget(page)
    yours, replies = messages(chat)
    await expect(chat.locator("#chat-log")).to_have_attribute("aria-busy", "false")
    await expect(yours).to_have_count(0)


async def test_a_handle_trade_whose_answer_is_lost_still_opens_the_conversation(
    bot: Bot, new_page: NewPage
) -> None:
    """On the portal's next page the trade of the widget's handle reaches the bot but its
    answer is lost on the way (a phone changing networks): the panel still shows the
    resident's conversation, and the page after that too."""
    page = await new_page(*DESKTOP)
    site = await portal_elsewhere(bot, page)
    await page.goto(site)
    chat = await open_widget(page)
    await ask_in(chat, "mat the bhyt thi lam sao")
    await expect(messages(chat)[1].last).to_contain_text(LOST_CARD)
    first = await new_handle(page)
    lost: list[str] = []

    async def answer_lost(route: Routed) -> None:
        if lost or "handle" not in (route.request.post_data_json or {}):
            await route.continue_()
            return
        response = await route.fetch()  # the bot traded it
        lost.append(str((await response.json()).get("session")))
        await route.abort("connectionreset")

    await page.route("**/chat/api/resume", answer_lost)
    await page.goto(site + "?trang=thu-tuc")
    chat = await open_widget(page)
    yours, replies = messages(chat)
    await expect(yours.first).to_contain_text("mat the bhyt thi lam sao")
    await expect(replies.last).to_contain_text(LOST_CARD)
    assert lost and lost[0] != "None"
    second = await new_handle(page, first)
    await page.unroute_all(behavior="ignoreErrors")
    await page.goto(site + "?trang=tin-tuc")
    chat = await open_widget(page)
    await expect(messages(chat)[0].first).to_contain_text("mat the bhyt thi lam sao")
    await new_handle(page, second)


async def test_forget_in_the_widget_on_another_site_ends_its_handle(
    bot: Bot, new_page: NewPage
) -> None:
    """/forget deletes the handle with the conversation: the portal's next page opens an
    empty chat, though the portal still holds the handle."""
    page = await new_page(*DESKTOP)
    site = await portal_elsewhere(bot, page)
    await page.goto(site)
    chat = await open_widget(page)
    await ask_in(chat, "mat the bhyt thi lam sao")
    yours, replies = messages(chat)
    await expect(replies.last).to_contain_text(LOST_CARD)
    await ask_in(chat, "/forget")
    await expect(replies.last).to_contain_text("đã xóa toàn bộ dữ liệu")
    before = await new_handle(page)
    await page.goto(site + "?trang=2")
    chat = await open_widget(page)
    yours, replies = messages(chat)
    await expect(chat.locator("#chat-log")).to_have_attribute("aria-busy", "false")
    await expect(chat.locator("#chat-log")).not_to_contain_text("mat the bhyt")
    await expect(yours).to_have_count(0)
    # The handle the portal kept opened nothing; none is kept for a chat not used yet.
    assert await page.evaluate(f"localStorage.getItem('{RESUME_KEY}')") == before
    async with bot.store.db.execute("SELECT count(*) FROM web_resume") as rows:
        assert (await rows.fetchone()) == (0,)
    # Once the resident writes again, the new conversation goes on to the next page.
    await ask_in(chat, UNKNOWN)
    await expect(replies).to_have_count(1)
    await new_handle(page, before)
    await page.goto(site + "?trang=3")
    chat = await open_widget(page)
    await expect(messages(chat)[0]).to_have_count(1)
    await expect(chat.locator("#chat-log")).not_to_contain_text("mat the bhyt")


async def test_a_phone_on_a_portal_page_made_for_desktops_carries_the_conversation(
    bot: Bot, new_page: NewPage
) -> None:
    """A phone asks in the widget's panel on one page of a portal on another site, then
    opens the chat on a page made for desktops (no viewport meta tag), where the chat opens
    as a page of its own: that page shows what was asked and goes on with it."""
    page = await new_page(360, 740, has_touch=True, is_mobile=True)
    site = await portal_elsewhere(bot, page)
    await page.goto(site)
    chat = await open_widget(page)
    await ask_in(chat, "mat the bhyt thi lam sao")
    await expect(messages(chat)[1].last).to_contain_text(LOST_CARD)
    await new_handle(page)
    await page.goto(site + "unscaled")
    assert await page.evaluate("visualViewport.scale") < 0.5  # the page, zoomed out
    await page.get_by_role("button", name=msg.WEB_WIDGET_BUTTON).tap()
    await expect(page).to_have_url(f"{bot.url}/chat")  # its token out of the address bar
    yours, replies = messages(page)
    await expect(yours.first).to_contain_text("mat the bhyt thi lam sao")
    await expect(replies.first).to_contain_text(LOST_CARD)
    await ask(page, UNKNOWN)
    await expect(replies).to_have_count(2)
    async with bot.store.db.execute("SELECT count(DISTINCT chat_id) FROM web_messages") as rows:
        assert (await rows.fetchone()) == (1,)
    await page.go_back()
    await expect(page).to_have_url(site + "unscaled")
