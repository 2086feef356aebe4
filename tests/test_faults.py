"""Fault injection against the real process: `python bot.py run` beside the fake Bot API.

Each test starts the bot as staff would (environment variables, a ward folder, a data
folder), injects faults from outside (the fake server's failures, a locked database,
odd files in content/, commands run beside it, webhook bodies) and checks what a
resident or an admin would notice. Several faults share a process where they do not
interfere: a start costs seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import re
import signal
import socket
import sqlite3
import sys
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from chat_ward import WARD_NAME, write_chat_ward
from fakes.portal import FakePortal
from fakes.telegram_api import Call, FakeBotApi, visible_text
from fakes.zalo_api import FakeZaloApi

from wardbot import messages as msg

ROOT = Path(__file__).resolve().parent.parent
ADMIN = 9100  # the ward officer's Telegram user id (ADMIN_IDS)
START_WITHIN = 90.0  # a loaded 2-core machine runs the whole suite beside these
STOP_WITHIN = 15.0  # SIGTERM to exit; the bot itself allows 5 s per part


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def notice(title: str, body: str, *, topics: str = "[bhyt]", day: dt.date | None = None) -> str:
    """An announcement's text, dated today unless told (so it is news and alerted)."""
    day = day or dt.date.today()
    return f"---\ntitle: {title}\ndate: {day.isoformat()}\ntopics: {topics}\n---\n{body}\n"


def today_name(slug: str) -> str:
    return f"{dt.date.today().isoformat()}-{slug}.md"


def texts(calls: list[Call]) -> list[str]:
    return [visible_text(call.text) for call in calls]


@dataclass
class Bot:
    """A running `bot.py run`: its fake Telegram, files, web server and log (stderr)."""

    api: FakeBotApi
    ward: Path  # holds faq.yaml and content/
    data: Path
    port: int
    env: dict[str, str]
    process: asyncio.subprocess.Process | None = None
    log: list[str] = field(default_factory=list)
    _logged: asyncio.Condition = field(default_factory=asyncio.Condition)

    @property
    def content(self) -> Path:
        return self.ward / "content"

    @property
    def stderr(self) -> str:
        return "".join(self.log)

    async def health(self) -> dict[str, Any]:
        """/healthz's body, its HTTP status under "code"."""
        async with httpx.AsyncClient() as client:
            response = await client.get(f"http://127.0.0.1:{self.port}/healthz", timeout=10)
        return {"code": response.status_code, **response.json()}

    async def wait_health(
        self, condition: Callable[[dict[str, bool]], bool], within: float = 30.0
    ) -> dict[str, Any]:
        """Ask /healthz until its checks satisfy `condition`; returns that body."""
        deadline = time.monotonic() + within
        body: dict[str, Any] = {}
        while time.monotonic() < deadline:
            body = await self.health()
            if condition(body["checks"]):
                return body
            await asyncio.sleep(0.1)
        raise AssertionError(f"/healthz never got there; last: {body}")

    async def wait_log(self, pattern: str, within: float = 30.0, *, count: int = 1) -> None:
        """Wait until `pattern` (a regular expression) appears `count` times in stderr."""

        def seen() -> bool:
            return len(re.findall(pattern, self.stderr)) >= count

        async def wait() -> None:
            async with self._logged:
                await self._logged.wait_for(seen)

        try:
            await asyncio.wait_for(wait(), within)
        except TimeoutError:
            raise AssertionError(f"{pattern!r} not logged; stderr:\n{self.stderr}") from None

    async def command(self, *args: str, within: float = 120.0) -> tuple[int, str, str]:
        """Run `bot.py ARGS` with the bot's environment (another process); (code, out, err)."""
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(ROOT / "bot.py"),
            *args,
            cwd=self.ward.parent,
            env=self.env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            out, err = await asyncio.wait_for(process.communicate(), within)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
        assert process.returncode is not None
        return process.returncode, out.decode(), err.decode()

    async def _read_stderr(self) -> None:
        assert self.process is not None and self.process.stderr is not None
        async for line in self.process.stderr:
            async with self._logged:
                self.log.append(line.decode(errors="replace"))
                self._logged.notify_all()


def base_env(bot: Bot, home: Path) -> dict[str, str]:
    """The environment staff would give `bot.py run`: the fake Telegram, the ward's files,
    an admin (ADMIN), matching by words only (a start of seconds, not tens)."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "TELEGRAM_BOT_TOKEN": bot.api.token,
        "TELEGRAM_BASE_URL": bot.api.base_url,
        "HTTP_PORT": str(bot.port),
        "FAQ_FILE": str(bot.ward / "faq.yaml"),
        "CONTENT_DIR": str(bot.content),
        "DATA_DIR": str(bot.data),
        "WARD_NAME": "UBND Phường 2",
        "WARD_HOTLINE": "0276 3822 123",
        "ADMIN_IDS": f"telegram:{ADMIN}",
        "SEMANTIC_MATCHING": "off",
        "ALERT_GATHER_SECONDS": "0",  # each alert leaves at once (no burst to wait for)
        "QUIET_HOURS": "off",  # and at any hour the suite runs
    }


@contextlib.asynccontextmanager
async def bot_process(bot: Bot, *, cwd: Path, kill: bool = False) -> AsyncIterator[Bot]:
    """`bot.py run` with `bot.env`, until the block ends: then SIGTERM, and it must exit 0
    (`kill`: SIGKILL, as an out-of-memory kill or `docker kill` does, and nothing of it
    runs on)."""
    bot.process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "bot.py"),
        "run",
        cwd=cwd,
        env=bot.env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    reader = asyncio.create_task(bot._read_stderr())
    try:
        await bot.wait_log(r"running; stop with Ctrl-C", START_WITHIN)
        assert (await bot.health())["code"] == 200, bot.stderr
        try:
            yield bot
        except BaseException:
            print(bot.stderr)  # shown by pytest with the failure
            raise
        bot.process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        await asyncio.wait_for(bot.process.wait(), STOP_WITHIN)
        await asyncio.wait_for(reader, STOP_WITHIN)
    finally:
        if bot.process.returncode is None:
            bot.process.kill()
            await bot.process.wait()
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reader
    assert bot.process.returncode == (-signal.SIGKILL if kill else 0), bot.stderr


@contextlib.asynccontextmanager
async def running_bot(
    tmp_path: Path,
    *,
    env: dict[str, str] | None = None,
    prepare: Callable[[Path], None] = lambda content: None,
    tracebacks: bool = False,
) -> AsyncIterator[Bot]:
    """Start `bot.py run` on a copy of the chat ward; stop it with SIGTERM at the end.

    `prepare(content_dir)` runs before the start. On the way out: the process exits 0
    within STOP_WITHIN, no token is in its log, and (unless `tracebacks`) no traceback.
    """
    ward = tmp_path / "ward"
    ward.mkdir()
    write_chat_ward(ward)
    prepare(ward / "content")
    async with FakeBotApi() as api:
        bot = Bot(api, ward, tmp_path / "data", free_port(), {})
        bot.env = base_env(bot, tmp_path) | (env or {})
        async with bot_process(bot, cwd=tmp_path):  # no developer's .env there
            yield bot
    assert api.token not in bot.stderr
    assert api.token.split(":")[1] not in bot.stderr
    if not tracebacks:
        assert "Traceback" not in bot.stderr, bot.stderr


# --- 1, 4, 12: Telegram refusing and failing, admin commands in a group ----------------------


async def test_telegram_refusals_reply_failures_and_group_commands(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        api = bot.api
        assert (await bot.health())["checks"]["telegram"] is True
        (first,) = await api.say(701, "mất thẻ bhyt", within=30)
        assert texts([first])[0].startswith("Mất thẻ bảo hiểm y tế")

        # 4. sendMessage fails twice with 502: the resident's answer still arrives.
        mark = len(api.calls)
        api.fail("sendMessage", 502, times=2)
        (reply,) = await api.say(702, "dang ky tam tru can giay to gi", within=30)
        assert texts([reply])[0].startswith("Đăng ký tạm trú cần giấy tờ gì?")
        refused = [c for c in api.of("sendMessage", since=mark) if c.status == 502]
        assert [c.chat_id for c in refused] == [702, 702]
        assert len(api.sent(702)) == 1, "answered once"

        # 12. A resident's question nobody could answer, for /unanswered to show.
        await api.say(703, "gia vang 9999 hom nay bao nhieu", within=30)
        (private,) = await api.say(ADMIN, "/unanswered", within=30)
        assert "gia vang 9999" in visible_text(private.text)
        (resident,) = await api.say(704, "/unanswered", within=30)
        assert visible_text(resident.text) == msg.admins_only(WARD_NAME, "telegram:704")  # refused
        unknown = msg.unknown_command("/unanswered")
        # In a group the admin's command is unknown: no resident's question is posted there.
        group = -1001234
        mark = len(api.calls)
        for asked in (f"/unanswered@{api.username}", f"@{api.username} /unanswered"):
            (said,) = await api.say(group, asked, group=True, user_id=ADMIN, within=30)
            assert visible_text(said.text) == unknown
        (subscribed,) = await api.say(group, "/subscribe bhyt", group=True, user_id=ADMIN)
        assert "Bảo hiểm y tế" in visible_text(subscribed.text)
        # A member who is not staff cannot stop the group's alerts.
        (refusal,) = await api.say(group, "/unsubscribe bhyt", group=True, user_id=705)
        assert "chỉ cán bộ phường" in visible_text(refusal.text)
        (mysubs,) = await api.say(group, "/mysubs", group=True, user_id=705)
        assert "Bảo hiểm y tế" in visible_text(mysubs.text)
        assert not [t for t in texts(api.sent(group, since=mark)) if "gia vang" in t]

        # 1. getUpdates refused (401): /healthz says so, polling goes on, answers resume.
        api.fail("getUpdates", 401, times=None)
        await api.say(706, "/help", within=30)  # ends the long poll under way
        body = await bot.wait_health(lambda checks: not checks["telegram"])
        assert body["code"] == 503 and body["status"] == "unhealthy"
        await bot.wait_log(r"getUpdates refused \(401.*asking again in 5 s")
        api.send_text(707, "mất thẻ bhyt")  # written while the bot cannot receive
        api.recover("getUpdates")
        (late,) = await api.replies(707, within=30)
        assert texts([late])[0].startswith("Mất thẻ bảo hiểm y tế")
        body = await bot.wait_health(lambda checks: checks["telegram"])
        assert body["code"] == 200


# --- 1, 4 on Zalo: getUpdates refused, sendMessage failing -----------------------------------


async def test_zalo_refusals_and_reply_failures(tmp_path: Path) -> None:
    async with FakeZaloApi() as zalo:
        env = {"ZALO_BOT_TOKEN": zalo.token, "ZALO_BOT_API_BASE": zalo.base_url}
        async with running_bot(tmp_path, env=env) as bot:
            assert (await bot.health())["checks"]["zalo"] is True
            (first,) = await zalo.say("5a01", "mất thẻ bhyt", within=30)
            assert first.text.startswith("Mất thẻ bảo hiểm y tế")

            # 4. sendMessage fails twice (a 5xx burst): the answer still arrives, once.
            zalo.fail(500, times=2, method="sendMessage", http_status=502)
            (reply,) = await zalo.say("5a02", "dang ky tam tru can giay to gi", within=30)
            assert reply.text.startswith("Đăng ký tạm trú cần giấy tờ gì?")
            assert len(zalo.sent("5a02")) == 1

            # 1. getUpdates refused (401): /healthz says so; polling resumes afterwards.
            zalo.fail(401, times=None, method="getUpdates")
            await zalo.say("5a03", "/help", within=30)  # ends the long poll under way
            body = await bot.wait_health(lambda checks: not checks["zalo"])
            assert body["code"] == 503 and body["checks"]["telegram"] is True
            zalo.send_text("5a04", "mất thẻ bhyt")  # written while the bot cannot receive
            zalo.recover("getUpdates")
            (late,) = await zalo.replies("5a04", within=30)
            assert late.text.startswith("Mất thẻ bảo hiểm y tế")
            body = await bot.wait_health(lambda checks: checks["zalo"])
            assert body["code"] == 200
        assert zalo.token not in bot.stderr


# --- A stop while the ward's portal does not answer -----------------------------------------


async def test_a_stop_during_a_portal_read_that_never_answers_ends_in_time(
    tmp_path: Path,
) -> None:
    """The portal's feed is read in a thread; a stop while the portal keeps the bot waiting
    (a feed and its news list's pages, up to a minute each) waited for the whole read
    after every part had stopped, past the minute the stop promises and into Docker's
    kill. `running_bot` stops the bot with SIGTERM: it must exit within STOP_WITHIN."""
    with FakePortal() as portal:
        feed = portal.put("/tin-tuc", "", hang=True)  # never answers
        async with running_bot(tmp_path, env={"PORTAL_FEEDS": feed}) as bot:
            for _ in range(300):  # a guard, not a measure: until the feed is asked
                if portal.hits("/tin-tuc"):
                    break
                await asyncio.sleep(0.1)
            assert portal.hits("/tin-tuc"), bot.stderr  # the read is under way
        await bot.wait_log(r"wardbot.app: stopped")


# --- 2, 3, 5: the database locked by another program -----------------------------------------


@contextlib.asynccontextmanager
async def database_locked(data: Path) -> AsyncIterator[None]:
    """Hold an exclusive lock on the bot's database (as a backup tool or a stuck process)."""
    db = sqlite3.connect(
        data / "bot.sqlite3", timeout=30, isolation_level=None, check_same_thread=False
    )
    try:
        await asyncio.to_thread(db.execute, "BEGIN EXCLUSIVE")
        yield
        db.execute("ROLLBACK")
    finally:
        db.close()


async def test_a_locked_database_delays_but_loses_nothing(tmp_path: Path) -> None:
    async with running_bot(tmp_path, tracebacks=True) as bot:
        api = bot.api
        for chat in (801, 802):
            await api.say(chat, "/subscribe bhyt", within=30)
        # The first alert of a new notice fails once (502): it is queued to go again in 5 s.
        mark = len(api.calls)
        api.fail("sendMessage", 502, times=1)
        (bot.content / today_name("thu-phi-bhyt")).write_text(
            notice("Thu phí BHYT đợt 2", "Hộ gia đình nộp phí BHYT đợt 2 tại khu phố."),
            encoding="utf-8",
        )
        await api.wait_until(lambda: any(c.status == 502 for c in api.of("sendMessage")), 30)
        (failed,) = [c.chat_id for c in api.of("sendMessage", since=mark) if c.status == 502]
        assert failed in (801, 802)

        async with database_locked(bot.data):
            # 2. The question cannot be logged: the resident is answered all the same.
            (reply,) = await api.say(803, "mất thẻ bhyt", within=30)
            assert texts([reply])[0].startswith("Mất thẻ bảo hiểm y tế")
            await bot.wait_log(r"could not log a question \(database is locked\); answering anyway")
            # 3. The alert sender cannot record its retry: it stops, /healthz says so.
            body = await bot.wait_health(lambda checks: not checks["telegram-alerts"])
            assert body["code"] == 503 and body["checks"]["telegram"] is True
            # ...and the admin hears of it, although the note cannot wait in the database.
            (note,) = await api.replies(ADMIN, since=mark, within=30)
            assert "gửi tin báo qua Telegram" in visible_text(note.text)
            # 5. A notice written now is indexed, but its alerts cannot be queued.
            (bot.content / today_name("lich-cap-the-bhyt")).write_text(
                notice("Lịch cấp thẻ BHYT cho trẻ em", "Cấp thẻ BHYT cho trẻ em dưới 6 tuổi."),
                encoding="utf-8",
            )
            await bot.wait_log("could not apply changes to the staff files")

        # The lock is gone: the sender comes back, and nothing was lost or sent twice.
        await bot.wait_health(all, within=90)

        def both_alerted() -> bool:
            return all(
                any("Lịch cấp thẻ BHYT" in t for t in texts(api.sent(chat))) for chat in (801, 802)
            )

        await api.wait_until(both_alerted, within=90)
        for chat in (801, 802):
            alerts = texts(api.sent(chat, since=mark))
            assert sum("Thu phí BHYT đợt 2" in t for t in alerts) == 1, alerts
            assert sum("Lịch cấp thẻ BHYT" in t for t in alerts) == 1, alerts


# --- 6, 7, 9: odd files in content/, a notice too big, one saved by delete-and-write ---------

LOOP = "2024-07-30-vong-lap.md"
PIPE = "2024-07-31-ong-dan.md"
OUTSIDE = "2024-07-29-ngoai-thu-muc.md"
HUGE = "2024-07-28-qua-lon.md"


def odd_files(content: Path) -> None:
    """A link to itself, a pipe, a link out of the folder and a notice over MAX_NOTICE_KB."""
    (content / LOOP).symlink_to(LOOP)
    os.mkfifo(content / PIPE)
    elsewhere = content.parent / "elsewhere.md"
    elsewhere.write_text(notice("Ở ngoài", "Không thuộc thư mục."), encoding="utf-8")
    (content / OUTSIDE).symlink_to(elsewhere)
    body = "Danh sách hộ gia đình được hỗ trợ. " * 3000  # about 100 KB
    (content / HUGE).write_text(notice("Danh sách rất dài", body), encoding="utf-8")


async def test_odd_files_in_content_and_long_notices(tmp_path: Path) -> None:
    async with running_bot(tmp_path, env={"MAX_NOTICE_KB": "64"}, prepare=odd_files) as bot:
        api = bot.api
        # 6, 7. Each odd file is skipped and reported as file:line, in the log and to staff.
        for name in (LOOP, PIPE, OUTSIDE, HUGE):
            assert f"{bot.content / name}:1:" in bot.stderr, name
        (told,) = await api.replies(ADMIN, within=30)
        assert all(name in visible_text(told.text) for name in (LOOP, PIPE, OUTSIDE, HUGE))
        assert "tệp quá lớn" in visible_text(told.text)
        # The other notices are served.
        (answer,) = await api.say(901, "lich tiep cong dan cua chu tich phuong", within=30)
        assert "Lịch tiếp công dân" in visible_text(answer.text)

        # 6, 7. A long notice written next to them is alerted; "read it all" sends one
        # message of about 3,000 characters that says where to read the rest.
        await api.say(901, "/subscribe bhyt")
        mark = len(api.calls)
        paragraphs = (
            f"Mục {n}: hướng dẫn gia hạn thẻ BHYT theo từng đối tượng." for n in range(300)
        )
        (bot.content / today_name("huong-dan-gia-han-bhyt")).write_text(
            notice("Hướng dẫn gia hạn BHYT", "\n\n".join(paragraphs)), encoding="utf-8"
        )
        (alert,) = await api.replies(901, since=mark, within=30)
        assert "Hướng dẫn gia hạn BHYT" in visible_text(alert.text)
        ((label, data),) = alert.buttons
        assert label == "📄 Xem toàn văn"
        mark = len(api.calls)
        api.press(901, data, alert)
        (full,) = await api.replies(901, since=mark, within=30)
        await api.say(901, "/mysubs")  # answered after everything the press sent
        assert len(api.sent(901, since=mark)) == 2
        assert 2500 < len(visible_text(full.text)) < 4000
        assert "UBND Phường 2" in visible_text(full.text).split("Mục")[-1]

        # 9. A notice deleted and written back (as some editors save) while its alert goes
        # out to many subscribers, slowly: every subscriber still gets it, once.
        subscribers = list(range(910, 920))
        for chat in subscribers:
            await api.say(chat, "/subscribe bhyt")
        api.slow("sendMessage", 0.4)
        mark = len(api.calls)
        saved = bot.content / today_name("tiem-chung-mo-rong")
        text = notice("Lịch tiêm chủng mở rộng tháng này", "Tiêm chủng tại trạm y tế phường.")
        saved.write_text(text, encoding="utf-8")
        await api.wait_until(lambda: len(api.sent(since=mark)) >= 2, 30)
        updates = bot.stderr.count("updated 1 announcement file(s)")
        saved.unlink()
        await bot.wait_log(r"updated 1 announcement file\(s\)", count=updates + 1)
        await asyncio.sleep(1.5)  # the fault itself: the file stays away a second or two
        saved.write_text(text, encoding="utf-8")
        for chat in [901, *subscribers]:
            await api.replies(chat, since=mark, within=30)
        api.slow("sendMessage", 0)
        for chat in [901, *subscribers]:
            assert len(api.sent(chat, since=mark)) == 1, chat

    # SIGTERM stopped it in time (running_bot) though the pipe and the link loop are there.


# --- 10, 13: commands beside the running bot; webhook bodies that are not updates -----------

SECRET = "s3cret-Webhook_token"
CLASHING = "2024-08-01-lich-tiem-chung"  # an FAQ id that looks like a notice's name


def faq_id_like_a_notice(content: Path) -> None:
    with (content.parent / "faq.yaml").open("a", encoding="utf-8") as faq:
        faq.write(
            f"  - id: {CLASHING}\n"
            "    question: Lịch tiêm chủng của trạm y tế phường?\n"
            "    answer: Trạm y tế tiêm chủng mở rộng ngày 25 hằng tháng.\n"
        )


async def test_commands_beside_a_webhook_bot_and_bodies_that_are_not_updates(
    tmp_path: Path,
) -> None:
    webhook_env = {
        "PUBLIC_URL": "https://bot.phuong2.example.vn",
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
    }
    async with running_bot(tmp_path, env=webhook_env, prepare=faq_id_like_a_notice) as bot:
        api = bot.api
        url = f"http://127.0.0.1:{bot.port}/telegram"
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}

        async with httpx.AsyncClient(headers=headers, timeout=10) as client:

            async def say(chat_id: int, text: str) -> list[Call]:
                mark = len(api.calls)
                update = api.send_text(chat_id, text)
                assert (await client.post(url, json=update)).status_code == 200
                return await api.replies(chat_id, since=mark, within=30)

            # 13. Bodies that are not updates: 400, one line in the log, no traceback.
            for body in (b"[]", b"null", b'{"message": "x"}', b"[" * 100_000 + b"]" * 100_000):
                response = await client.post(url, content=body)
                assert response.status_code == 400, body[:20]
            await bot.wait_log("refused a webhook body that is not an update", count=4)
            # The same update delivered twice (Telegram missed our 200) is answered once.
            mark = len(api.calls)
            update = api.send_text(1001, "/help")
            for _ in range(2):
                assert (await client.post(url, json=update)).status_code == 200
            (helped,) = await api.replies(1001, since=mark, within=30)
            assert visible_text(helped.text).startswith("Cách hỏi")
            (subscribed,) = await say(1001, "/subscribe bhyt")
            assert "Bảo hiểm y tế" in visible_text(subscribed.text)
            assert len(api.sent(1001, since=mark)) == 2  # /help once, then /subscribe

            # 10. `index` twice and `announce` at once, beside the running bot.
            draft = tmp_path / today_name("phat-the-bhyt-mien-phi")
            draft.write_text(
                notice("Phát thẻ BHYT miễn phí cho người cao tuổi", "Nhận thẻ tại khu phố."),
                encoding="utf-8",
            )
            mark = len(api.calls)
            runs = await asyncio.gather(
                bot.command("index"), bot.command("announce", str(draft)), bot.command("index")
            )
            for code, out, err in runs:
                assert code == 0, out + err
            assert "đã đăng" in runs[1][1]
            (alert,) = await api.replies(1001, since=mark, within=30)
            assert "Phát thẻ BHYT miễn phí" in visible_text(alert.text)
            (answer,) = await say(1001, "phat the bhyt mien phi cho nguoi cao tuoi")
            assert "Phát thẻ BHYT miễn phí" in visible_text(answer.text)
            assert len(api.sent(1001, since=mark)) == 2, "alerted once"

            # A notice named like an FAQ id is refused, and not copied.
            clash = tmp_path / f"{CLASHING}.md"
            clash.write_text(notice("Lịch tiêm", "Tiêm chủng.", day=dt.date(2024, 8, 1)))
            code, out, err = await bot.command("announce", str(clash))
            assert code != 0 and "đã đăng" not in out
            assert f"mã '{CLASHING}' (tên tệp) trùng với mã một câu hỏi đáp" in err
            assert not (bot.content / clash.name).exists()
