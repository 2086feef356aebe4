"""The weekly report: every Monday at 8:00 (Vietnam time) admins get the week's figures
and the questions residents asked most that the bot could not answer, once."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import sqlite3
import time
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from fakes.telegram_api import FakeBotApi, visible_text
from test_admin import ADMIN, ALICE, BINH, CHAU, Bot, db_path, make_bot, settings, store
from test_telegram_app import api, bot_settings, running_app

from wardbot import messages as msg
from wardbot.config import Settings
from wardbot.engine import Engine
from wardbot.hours import VIETNAM
from wardbot.store import ChatRef, Store
from wardbot.supervise import Restarts, Supervised
from wardbot.weekly import WEEK_KEY, WeeklyReport, last_due

# test_admin's and test_telegram_app's fixtures, used here too
__all__ = ["api", "db_path", "settings", "store"]

DAY = 86400.0


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> float:
    """A time around Monday 30 November 2026, Vietnam time (the 29th is a Sunday)."""
    return dt.datetime(2026, month, day, hour, minute, tzinfo=VIETNAM).timestamp()


def reports(bot: Bot) -> list[str]:
    """The weekly reports queued for the admin."""
    return [text for channel, chat, text in bot.outbox() if "Báo cáo tuần" in text]


async def ran_last_week(
    ward_engine: Engine, store: Store, settings: Settings, db_path: Path
) -> Bot:
    """A bot that ran the week before Monday 30 November 2026 (its report for that week
    made then): Monday's report is its next."""
    bot = make_bot(ward_engine, store, settings, db_path)
    bot.clock.now = at(23, 12)
    await weekly(bot).send_due()
    return bot


async def sent_report_quoting_alice(bot: Bot) -> None:
    """ALICE asks, the Tuesday before, what the bot cannot answer ("zqxwv"); Monday's
    report quoting it is made and sent."""
    bot.clock.now = at(24, 9)
    await bot.say(ALICE, "xin phép nuôi đà điểu zqxwv trong hẻm", sender=ALICE.chat_id)
    bot.clock.now = at(30, 8)
    assert await weekly(bot).send_due()
    await bot.store.mark_done(await bot.store.due("telegram", bot.clock.now), "sent", at(30, 8, 1))


def weekly(bot: Bot) -> WeeklyReport:
    """The report as `bot.py run` makes it (another instance: a restart)."""
    admin = bot.conversation.admin
    assert admin is not None
    return WeeklyReport(bot.store, admin.weekly_report, bot.alerts.tell_admins, clock=bot.clock)


async def test_admins_get_the_weeks_figures_and_most_asked_unanswered_questions_on_monday_at_8(
    ward_engine: Engine, store: Store, settings: Settings, db_path: Path
) -> None:
    bot = make_bot(ward_engine, store, settings, db_path)
    bot.clock.now = at(29, 20)  # the bot's first start, on a Sunday evening
    assert not await weekly(bot).send_due(), "nothing counted yet: no report"
    week = [
        (ALICE, "xin giấy phép xây dựng nhà ở", False),
        (BINH, "xin giay phep xay dung nha o", False),
        (CHAU, "giấy phép xây dựng nhà ở xin ở đâu", False),
        (ALICE, "cắt điện khu phố 3 đến mấy giờ", False),
        (BINH, "mất thẻ bhyt", True),
    ]
    for number, (chat, text, answered) in enumerate(week):
        await store.log_question(chat, text, answered, at(29, 20) + number * 60)

    bot.clock.now = at(30, 7, 59)
    assert not await weekly(bot).send_due(), "not before 8:00"
    bot.clock.now = at(30, 8)
    assert await weekly(bot).send_due()

    [(channel, chat, text)] = [row for row in bot.outbox() if "Báo cáo tuần" in row[2]]
    assert (channel, chat) == (ADMIN.channel, ADMIN.chat_id)
    lines = text.splitlines()
    assert "• Câu hỏi: 5" in lines and "• Chưa trả lời được: 4 (80%)" in lines
    most = [line for line in lines if line[:3] in ("1. ", "2. ", "3. ")]
    assert len(most) == 2 and most[0].endswith("— 3 lần") and "cắt điện" in most[1]
    assert "/unanswered" in text

    bot.clock.now = at(30, 9)
    assert not await weekly(bot).send_due(), "a restart the same week sends nothing again"
    bot.clock.now = at(30, 8) + 7 * DAY
    assert await weekly(bot).send_due(), "the next Monday, the next report"
    assert len(reports(bot)) == 2


async def test_the_first_start_makes_no_report_so_admins_hear_of_no_failing_one(
    ward_engine: Engine, store: Store, settings: Settings, db_path: Path
) -> None:
    """The bot's first week is not reported, and nothing is made for it: a report that
    could not be made then (the database locked) told admins the weekly report failed, and
    /healthz said so, for a report no one was to get. The next Monday's goes as usual."""
    bot = make_bot(ward_engine, store, settings, db_path)
    bot.clock.now = at(29, 20)  # the bot's first start, on a Sunday evening
    report = weekly(bot)

    async def locked() -> str:
        raise sqlite3.OperationalError("database is locked")

    report.report = locked
    stop = asyncio.Event()

    async def no_wait(_seconds: float, _stop: asyncio.Event) -> None:
        await asyncio.sleep(0)

    task = Supervised(
        report.name, report.run, Restarts(wait=no_wait, notify=bot.alerts.task_failing)
    )
    running = asyncio.create_task(task.run(stop))
    try:
        for _ in range(500):
            if await store.meta_value(WEEK_KEY) is not None or task.failures:
                break
            await asyncio.sleep(0.01)
        healthy = task.is_running()  # what /healthz shows under "weekly"
    finally:
        stop.set()
    await asyncio.wait_for(running, 5)
    assert bot.outbox() == [], "neither a report nor a note that it failed"
    assert healthy and task.failures == 0
    bot.clock.now = at(30, 8)
    assert await weekly(bot).send_due(), "the next Monday, the report"
    assert len(reports(bot)) == 1


async def test_a_bot_stopped_on_monday_morning_sends_the_report_when_it_starts(
    ward_engine: Engine, store: Store, settings: Settings, db_path: Path
) -> None:
    bot = await ran_last_week(ward_engine, store, settings, db_path)
    await store.log_question(ALICE, "cắt điện khu phố 3 đến mấy giờ", False, at(29, 9))
    bot.clock.now = at(1, 15, month=12)  # started again on Tuesday afternoon
    assert await weekly(bot).send_due()
    [report] = reports(bot)
    assert "“cắt điện khu phố 3 đến mấy giờ” — 1 lần" in report


async def test_the_report_says_when_every_question_was_answered_and_lists_no_faq_wording(
    ward_engine: Engine, store: Store, settings: Settings, db_path: Path
) -> None:
    """A question faq.yaml now asks (added by ➕ since) is not one to add any more."""
    bot = await ran_last_week(ward_engine, store, settings, db_path)
    faq_wording = ward_engine.corpus.faq[0].question
    await store.log_question(ALICE, faq_wording, False, at(28, 9))
    await store.log_question(BINH, "mất thẻ bhyt", True, at(28, 10))
    bot.clock.now = at(30, 8)
    assert await weekly(bot).send_due()
    [report] = reports(bot)
    assert "Tuần qua không có câu hỏi nào bot chưa trả lời được." in report
    assert faq_wording not in report


async def test_the_running_report_sends_what_is_due_at_once_and_stops_when_asked(
    ward_engine: Engine, store: Store, settings: Settings, db_path: Path
) -> None:
    """As `bot.py run` keeps it: started on a Monday after 8:00 with the week not yet
    reported, the report goes; the bot stopping does not wait for the next Monday."""
    bot = await ran_last_week(ward_engine, store, settings, db_path)
    bot.clock.now = at(30, 9)
    stop = asyncio.Event()
    running = asyncio.create_task(weekly(bot).run(stop))
    try:
        for _ in range(500):
            if reports(bot):
                break
            await asyncio.sleep(0.01)
        assert len(reports(bot)) == 1
    finally:
        stop.set()
    await asyncio.wait_for(running, 5)


def test_weekly_report_is_on_by_default_and_off_by_setting() -> None:
    assert Settings.from_env({}).weekly_report
    assert not Settings.from_env({"WEEKLY_REPORT": "off"}).weekly_report
    assert replace(Settings(), weekly_report=False).weekly_report is False


# --- through `bot.py run` -----------------------------------------------------------------


async def seed_last_week(settings: Settings, question: str) -> None:
    """A bot that ran last week (its report recorded then) and was asked `question`,
    which it could not answer, an hour ago: the report is due when it starts."""
    async with await Store.open(settings.data_dir / "bot.sqlite3") as store:
        now = time.time()
        earlier, _ = last_due(now - 7 * DAY)
        await store.set_meta_value(WEEK_KEY, earlier)
        await store.log_question(ChatRef("telegram", "708"), question, False, now - 3600)


async def test_a_running_bot_sends_the_report_to_each_admin_in_a_private_chat_once(
    api: FakeBotApi, ward_settings: Settings
) -> None:
    """`bot.py run` with the staff desk on: the admin gets the report in their private
    chat, once, even after a restart the same week; the staff group, where residents'
    questions would reach every member, gets none."""
    admin, group = 4711, -1001234567
    api.staff_group(group, forum=True)
    settings = bot_settings(
        ward_settings, api, admin_ids=frozenset({f"telegram:{admin}"}), staff_chat_id=group
    )
    await seed_last_week(settings, "cắt điện khu phố 3 đến mấy giờ")

    def told(chat: int) -> list[str]:
        return [visible_text(c.text) for c in api.sent(chat) if "Báo cáo tuần" in c.text]

    async with running_app(settings):
        await api.wait_until(lambda: told(admin), within=10)
    async with running_app(settings):
        await asyncio.sleep(1)  # time for a second report to be queued and sent, were it
    [report] = told(admin)
    assert "“cắt điện khu phố 3 đến mấy giờ” — 1 lần" in report
    assert told(group) == []


async def test_admins_only_on_a_channel_the_bot_does_not_run_get_nothing_and_nothing_fails(
    api: FakeBotApi, ward_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """ADMIN_IDS names a Zalo officer only, the bot runs Telegram only: no report goes to
    anyone, and neither the log nor /healthz shows an error of the weekly task."""
    settings = bot_settings(ward_settings, api, admin_ids=frozenset({"zalo:8123"}))
    await seed_last_week(settings, "cắt điện khu phố 3 đến mấy giờ")
    async with running_app(settings) as base, httpx.AsyncClient() as client:
        await asyncio.sleep(1)  # time for the report to be made and fail, were it to
        health = (await client.get(f"{base}/healthz")).json()
    assert health["checks"]["weekly"] is True, health
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert [c for c in api.sent() if "Báo cáo tuần" in c.text] == []


async def test_a_report_that_cannot_be_made_is_told_to_admins_by_name_and_sent_once_it_can(
    ward_engine: Engine, store: Store, settings: Settings, db_path: Path
) -> None:
    """The database locked as the Monday report is made: the task restarts, and admins
    read, in Vietnamese, that the weekly report is what failed (not the task's code name);
    the report goes once it can be made."""
    bot = await ran_last_week(ward_engine, store, settings, db_path)
    bot.clock.now = at(30, 8)
    report = weekly(bot)
    admin = bot.conversation.admin
    assert admin is not None
    failures = [sqlite3.OperationalError("database is locked")]

    async def made() -> str:
        if failures:
            raise failures.pop()
        return await admin.weekly_report()

    report.report = made
    stop = asyncio.Event()

    async def no_wait(_seconds: float, _stop: asyncio.Event) -> None:
        await asyncio.sleep(0)

    task = Supervised(
        report.name, report.run, Restarts(wait=no_wait, notify=bot.alerts.task_failing)
    )
    running = asyncio.create_task(task.run(stop))
    try:
        for _ in range(500):
            if reports(bot):
                break
            await asyncio.sleep(0.01)
    finally:
        stop.set()
    await asyncio.wait_for(running, 5)
    assert len(reports(bot)) == 1
    [note] = [text for _, _, text in bot.outbox() if text.startswith("⚠️")]
    assert "báo cáo tuần" in note and "phần weekly" not in note
    assert "“weekly”: false" in note  # what /healthz shows meanwhile


async def test_a_resident_who_forgets_leaves_their_question_in_no_report_kept_by_the_bot(
    ward_engine: Engine, store: Store, settings: Settings, db_path: Path
) -> None:
    """The report quotes residents' unanswered questions, and the bot keeps what it queued
    (the text of a note) until the question log's retention: a resident's /forget takes
    their words out of the report kept in the database files too, not only out of the
    question log (admins have read the report they were sent; another resident's question
    stays in it)."""
    bot = await ran_last_week(ward_engine, store, settings, db_path)
    bot.clock.now = at(29, 9)
    await bot.say(ALICE, "xin phép nuôi đà điểu zqxwv trong hẻm", sender=ALICE.chat_id)
    await bot.say(BINH, "cắt điện khu phố 3 đến mấy giờ", sender=BINH.chat_id)
    bot.clock.now = at(30, 8)
    assert await weekly(bot).send_due()
    [report] = reports(bot)
    assert "zqxwv" in report and "cắt điện khu phố 3" in report

    assert (await bot.say(ALICE, "/forget", sender=ALICE.chat_id)).text == msg.forget_done()

    files = [db_path, db_path.with_name(db_path.name + "-wal")]
    for path in files:
        if path.exists():
            assert b"zqxwv" not in path.read_bytes(), path.name
    [report] = reports(bot)
    assert "zqxwv" not in report and "cắt điện khu phố 3" in report
    assert msg.weekly_question_forgotten() in report


def kept_reports(path: Path) -> list[str]:
    """The weekly reports the bot keeps in its database (waiting to go, or sent)."""
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT text FROM messages WHERE text LIKE '%Báo cáo tuần%'")
        return [row[0] for row in rows.fetchall()]


def holds(path: Path, word: bytes) -> list[str]:
    """The database files (and write-ahead log) that hold `word` anywhere, free pages too."""
    files = [path, path.with_name(path.name + "-wal")]
    return [f.name for f in files if f.exists() and word in f.read_bytes()]


async def test_a_question_edited_after_the_report_is_quoted_no_more_once_its_resident_forgets(
    api: FakeBotApi, ward_settings: Settings
) -> None:
    """On Telegram a resident asks what the bot cannot answer and the Monday report quotes
    it; then they edit that message (the question log now holds only its new wording)
    and send /forget. The report the bot keeps quotes their words no more, in the database
    files neither, though those words are nowhere else to be looked for; another
    resident's question stays quoted."""
    admin, resident, other = 4711, 5150, 5151
    settings = bot_settings(ward_settings, api, admin_ids=frozenset({f"telegram:{admin}"}))
    path = settings.data_dir / "bot.sqlite3"
    async with await Store.open(path) as store:  # this week's report is made already
        await store.set_meta_value(WEEK_KEY, last_due(time.time())[0])
    async with running_app(settings):
        mark = len(api.calls)
        asked = api.send_text(resident, "xin phép nuôi đà điểu zqxwv trong hẻm")
        await api.replies(resident, since=mark)
        await api.say(other, "cắt điện khu phố 3 đến mấy giờ")
    async with await Store.open(path) as store:  # a week later
        await store.set_meta_value(WEEK_KEY, last_due(time.time() - 7 * DAY)[0])

    def told() -> list[str]:
        return [visible_text(c.text) for c in api.sent(admin) if "Báo cáo tuần" in c.text]

    async with running_app(settings):
        await api.wait_until(told, within=10)
        assert "zqxwv" in told()[0]
        mark = len(api.calls)
        api.edit_text(asked, "xin phép nuôi đà điểu trong hẻm nhà mình")
        await api.replies(resident, since=mark)
        [done] = await api.say(resident, "/forget")
        assert visible_text(done.text) == msg.forget_done()

    [report] = kept_reports(path)
    assert "zqxwv" not in report and "nhà mình" not in report
    assert msg.weekly_question_forgotten() in report
    assert "“cắt điện khu phố 3 đến mấy giờ” — 1 lần" in report
    assert holds(path, b"zqxwv") == []


async def test_a_report_kept_past_the_question_logs_retention_is_unquoted_by_forget(
    ward_engine: Engine, store: Store, settings: Settings, db_path: Path
) -> None:
    """The question log's retention deletes a question before the report quoting it (kept
    as long from when it went, days later): the resident's /forget takes it out of the
    report still. At the report's own retention, nothing of which chat it quoted stays."""
    bot = await ran_last_week(ward_engine, store, settings, db_path)
    await sent_report_quoting_alice(bot)
    await store.purge(at(25, 0))  # the question is older than the log keeps
    assert bot.rows("questions", ALICE) == []
    assert "zqxwv" in reports(bot)[0]

    assert (await bot.say(ALICE, "/forget", sender=ALICE.chat_id)).text == msg.forget_done()

    [report] = reports(bot)
    assert "zqxwv" not in report and msg.weekly_question_forgotten() in report
    assert holds(db_path, b"zqxwv") == []


async def test_a_chat_whose_question_a_report_quoted_is_kept_no_longer_than_the_report(
    ward_engine: Engine, store: Store, settings: Settings, db_path: Path
) -> None:
    """At the retention of the report (sent a question log's days ago), neither the report
    nor which chats it quoted stays: no row names the resident who asked."""
    bot = await ran_last_week(ward_engine, store, settings, db_path)
    await sent_report_quoting_alice(bot)

    def naming_alice() -> list[str]:
        with sqlite3.connect(db_path) as db:
            tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            return [
                table
                for table in tables
                for row in db.execute(f'SELECT * FROM "{table}"')
                if ALICE.chat_id in row
            ]

    assert naming_alice() != []
    await store.purge(at(30, 9))  # the report went an hour ago; a question log of no days
    assert reports(bot) == [] and naming_alice() == []


async def test_a_retention_killed_midway_leaves_a_later_note_as_it_was_written(
    ward_engine: Engine, store: Store, settings: Settings, db_path: Path
) -> None:
    """The report's retention dies between deleting the report and which chats it quoted
    (the bot killed; here the second delete fails): nothing is deleted, and the next pass
    deletes both. A note queued after it (which may get the report's id) reads as it was
    written, even after a resident the report quoted sends /forget."""
    bot = make_bot(ward_engine, store, settings, db_path)
    bot.clock.now = at(23, 12)
    await weekly(bot).send_due()
    bot.clock.now = at(24, 9)
    await bot.say(ALICE, "xin phép nuôi đà điểu zqxwv trong hẻm", sender=ALICE.chat_id)
    bot.clock.now = at(30, 8)
    assert await weekly(bot).send_due()
    await store.mark_done(await store.due("telegram", bot.clock.now), "sent", at(30, 8, 1))

    await store.db.execute(
        "CREATE TEMP TRIGGER killed BEFORE DELETE ON quoted_lines "
        "BEGIN SELECT RAISE(ABORT, 'killed'); END"
    )
    with pytest.raises(sqlite3.DatabaseError, match="killed"):
        await store.purge(at(30, 9))
    assert "zqxwv" in reports(bot)[0]  # all or nothing: kept whole until the next pass
    await store.db.execute("DROP TRIGGER killed")
    async with store.db.execute("SELECT max(id) FROM messages") as cursor:
        (report,) = await cursor.fetchone()  # type: ignore[misc]
    await store.purge(at(30, 9))
    assert reports(bot) == []

    lines = "\n".join(f"Dòng {n} của thông báo mới." for n in range(12))
    await store.queue_message(lines, [BINH], at(30, 10))
    async with store.db.execute("SELECT max(id) FROM messages") as cursor:
        assert (await cursor.fetchone()) == (report,)  # the report's id, free again
    # Retention took her question with the report: nothing of hers is left, and she is
    # told so; the new note keeps every line it was written with.
    assert (await bot.say(ALICE, "/forget", sender=ALICE.chat_id)).text == msg.forget_nothing()
    assert [text for _, chat, text in bot.outbox() if chat == BINH.chat_id] == [lines]


async def test_a_note_never_takes_the_quotes_an_older_version_left_of_a_deleted_one(
    ward_engine: Engine, store: Store, settings: Settings, db_path: Path
) -> None:
    """A database an older version left with the rows saying which chats a deleted report
    quoted (its retention killed between the two deletes): a broadcast queued with that
    report's id reads as written after the resident's /forget, and no row names them."""
    bot = make_bot(ward_engine, store, settings, db_path)
    async with store.db.execute("SELECT coalesce(max(id), 0) + 1 FROM messages") as cursor:
        (free,) = await cursor.fetchone()  # type: ignore[misc]
    await store.db.execute(
        "INSERT INTO quoted_lines (channel, chat_id, message, line, unquoted) "
        "VALUES (?, ?, ?, 1, 'một câu hỏi đã xóa')",
        (ALICE.channel, ALICE.chat_id, free),
    )
    lines = "\n".join(f"Dòng {n} của thông báo mới." for n in range(12))
    await store.queue_message(lines, [BINH], at(30, 10))
    # The note queued under the deleted one's id took its stale quote away: nothing of
    # hers is left when she asks to be forgotten, and the note reads as written.
    assert bot.rows("quoted_lines", ALICE) == []
    assert (await bot.say(ALICE, "/forget", sender=ALICE.chat_id)).text == msg.forget_nothing()
    assert [text for _, chat, text in bot.outbox() if chat == BINH.chat_id] == [lines]
