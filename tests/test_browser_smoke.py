"""The browser harness (tests/browser.py): Debian's Chromium opens a page the bot's web server
serves, a resident types Vietnamese and sends it with the keyboard only, and the page is
photographed at a phone's and a desktop's size."""

from __future__ import annotations

import struct
import unicodedata
from pathlib import Path

import pytest
from browser import DESKTOP, PHONE, NewPage, Screenshot, serve
from playwright.async_api import expect
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from wardbot.web import web_app

pytestmark = pytest.mark.asyncio(loop_scope="session")

QUESTION = "Phường mình làm căn cước công dân ở đâu, mấy giờ mở cửa?"

PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Hỏi phường</title>
<style>body { font: 18px sans-serif; margin: 1rem } input { width: 100%; font: inherit }</style>
</head><body>
<h1>Hỏi đáp – UBND Phường 2</h1>
<label for="q">Câu hỏi của bạn</label>
<input id="q" autocomplete="off">
<button id="send" type="button">Gửi</button>
<p id="answer" aria-live="polite"></p>
<script>
document.getElementById("send").addEventListener("click", async () => {
  const text = document.getElementById("q").value;
  const reply = await fetch("/echo", {method: "POST", body: text});
  document.getElementById("answer").textContent = (await reply.json()).answer;
});
</script>
</body></html>"""


async def page(request: Request) -> Response:
    return HTMLResponse(PAGE)


async def echo(request: Request) -> Response:
    """The server's answer names the question it received (so the text went there and back)."""
    text = (await request.body()).decode("utf-8")
    return JSONResponse({"answer": f"Bạn hỏi: {text}"})


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
async def test_vietnamese_typed_and_sent_with_the_keyboard_comes_back_from_the_server(
    size: tuple[int, int], new_page: NewPage, screenshot: Screenshot
) -> None:
    assert unicodedata.is_normalized("NFC", QUESTION)
    async with serve(web_app([Route("/", page), Route("/echo", echo, methods=["POST"])])) as url:
        tab = await new_page(*size)
        await tab.goto(url)
        await tab.keyboard.press("Tab")  # the first thing to focus is the question box
        await expect(tab.locator("#q")).to_be_focused()
        await tab.keyboard.type(QUESTION)
        await expect(tab.locator("#q")).to_have_value(QUESTION)
        await tab.keyboard.press("Tab")
        await expect(tab.locator("#send")).to_be_focused()
        await tab.keyboard.press("Enter")
        answer = tab.locator("#answer")
        await expect(answer).to_have_text(f"Bạn hỏi: {QUESTION}")
        shown = await answer.text_content()
        assert shown is not None and unicodedata.is_normalized("NFC", shown)
        shot = await screenshot(tab, "answered")
    assert png_size(shot) == size


async def test_screenshots_go_to_browser_shots_when_set(
    new_page: NewPage, screenshot: Screenshot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shots = tmp_path / "shots" / "today"
    monkeypatch.setenv("BROWSER_SHOTS", str(shots))
    tab = await new_page(*DESKTOP)
    await tab.set_content("<p>Xin chào</p>")
    path = await screenshot(tab, "chào bạn")
    assert path.parent == shots
    assert path.name.endswith("test_screenshots_go_to_browser_shots_when_set-chào_bạn.png")
    assert png_size(path) == DESKTOP
