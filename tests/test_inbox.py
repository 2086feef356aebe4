"""No message lost, none answered twice, when the bot dies: `bot.py run` killed with
SIGKILL (an OOM kill, a power cut, `docker kill`) while it holds a message a platform
considers delivered, then started again.

The worst moment is made certain, not waited for: the fake platform keeps the bot's reply
to the resident waiting (`hold`) while it has already been told the message arrived (the
next getUpdates' offset; a webhook's 200).
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from chat_ward import WARD_NAME, write_chat_ward
from fakes.telegram_api import FakeBotApi, visible_text
from fakes.zalo_api import TEXT, FakeZaloApi
from test_faults import Bot, base_env, bot_process, free_port
from test_telegram import polling_channel
from test_zalo import running_channel

from wardbot import messages as msg
from wardbot.app import retention_task
from wardbot.config import Settings
from wardbot.datadir import DATABASE
from wardbot.engine import Engine
from wardbot.inbox import MAX_ATTEMPTS, SEEN_KEEP, WAITING_KEEP, Fate, Inbox
from wardbot.inbox import purge as inbox_purge
from wardbot.store import ChatRef, Store
from wardbot.supervise import Restarts

RESIDENT = 7301
QUESTION = "mất thẻ bhyt"
ANSWER = "Mất thẻ bảo hiểm y tế"  # how the chat ward's answer to QUESTION begins
ZALO_RESIDENT = "a1b2c3d4e5f60718293a"
SECRET = "s3cret-Webhook_token"


def ward_bot(tmp_path: Path, api: FakeBotApi, env: dict[str, str] | None = None) -> Bot:
    ward = tmp_path / "ward"
    if not ward.exists():
        ward.mkdir()
        write_chat_ward(ward)
    bot = Bot(api, ward, tmp_path / "data", free_port(), {})
    bot.env = base_env(bot, tmp_path) | (env or {})
    return bot


def inbox_rows(bot: Bot) -> int:
    with contextlib.closing(sqlite3.connect(bot.data / DATABASE)) as db:
        return int(db.execute("SELECT count(*) FROM inbox").fetchone()[0])


async def test_a_question_confirmed_to_telegram_when_the_bot_is_killed_is_answered_once_after(
    tmp_path: Path,
) -> None:
    """Telegram is told the question arrived (the next getUpdates' offset) while the
    answer is still on its way; kill -9 then. Before, the resident never got an answer:
    Telegram does not send a confirmed update again, and the bot had it in memory only."""
    async with FakeBotApi() as api:
        bot = ward_bot(tmp_path, api)
        async with bot_process(bot, cwd=tmp_path, kill=True):
            api.hold("sendMessage", RESIDENT)
            update = api.send_text(RESIDENT, QUESTION)
            await api.wait_until(lambda: bool(api.held) and api.confirmed > update["update_id"])
        api.drop_held()
        assert api.sent(RESIDENT) == []
        bot.log.clear()
        async with bot_process(bot, cwd=tmp_path):
            (answer,) = await api.replies(RESIDENT)
            assert visible_text(answer.text).startswith(ANSWER)
            # The next question is answered, and the first not again.
            await api.say(RESIDENT, "đăng ký tạm trú cần giấy tờ gì")
            assert len(api.sent(RESIDENT)) == 2
        assert inbox_rows(bot) == 0  # handled: nothing of them is kept


async def test_an_update_posted_to_the_webhook_when_the_bot_is_killed_is_answered_after(
    tmp_path: Path,
) -> None:
    """Webhook mode: the bot answered Telegram's POST 200 at once, then was killed while
    answering; Telegram does not post an update again once it got 200. Now the 200 comes
    once the update is in the database, and the restarted bot answers it."""
    async with FakeBotApi() as api:
        env = {"PUBLIC_URL": "https://bot.example.vn", "TELEGRAM_WEBHOOK_SECRET": SECRET}
        bot = ward_bot(tmp_path, api, env)
        async with bot_process(bot, cwd=tmp_path, kill=True):
            api.hold("sendMessage", RESIDENT)
            update = api.send_text(RESIDENT, QUESTION)
            assert await post(bot, update) == 200  # Telegram posts it
            await api.wait_until(lambda: bool(api.held))
        api.drop_held()
        bot.log.clear()
        async with bot_process(bot, cwd=tmp_path):
            (answer,) = await api.replies(RESIDENT)
            assert visible_text(answer.text).startswith(ANSWER)
            # Posted again (Telegram never got the 200 in the kill, say): not answered
            # again; the next question is.
            assert await post(bot, update) == 200
            assert await post(bot, api.send_text(RESIDENT, "đăng ký tạm trú cần giấy tờ gì")) == 200
            await api.replies(RESIDENT, 2)
        assert len(api.sent(RESIDENT)) == 2
        assert inbox_rows(bot) == 0


async def post(bot: Bot, update: dict[str, Any]) -> int:
    """Telegram posts `update` to the bot's webhook; the HTTP status it gets."""
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"http://127.0.0.1:{bot.port}/telegram",
            json=update,
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
            timeout=30,
        )
    return response.status_code


STAFF_GROUP = -1001234567
CLERK = 9200
BUSY = 32  # updates python-telegram-bot handles at once (TelegramChannel: concurrent_updates)


async def test_a_staff_answer_confirmed_to_telegram_when_the_bot_is_killed_reaches_the_resident(
    tmp_path: Path,
) -> None:
    """A busy moment: the bot is answering BUSY residents over a slow network when a
    staff member answers a ticket; Telegram is told the answer arrived, the bot has not
    got to it yet; kill -9. Before, the resident never got the answer and staff were
    never told."""
    async with FakeBotApi() as api:
        api.staff_group(STAFF_GROUP, forum=True)
        bot = ward_bot(tmp_path, api, {"STAFF_CHAT_ID": str(STAFF_GROUP)})
        async with bot_process(bot, cwd=tmp_path, kill=True):
            (received,) = await api.say(RESIDENT, "/hoicanbo phường có cho mượn bàn ghế không")
            assert "phiếu số 1" in visible_text(received.text)
            await api.wait_until(lambda: len(api.topics.get(STAFF_GROUP, {})) == 1)
            [thread] = list(api.topics[STAFF_GROUP])
            await api.wait_until(lambda: bool(api.sent_in_thread(STAFF_GROUP, thread)))
            [ticket_post] = api.sent_in_thread(STAFF_GROUP, thread)
            for resident in range(8001, 8001 + BUSY):
                api.hold("sendMessage", resident)
                api.send_text(resident, QUESTION)
            await api.wait_until(lambda: len(api.held) == BUSY)
            answer = api.send_text(
                STAFF_GROUP,
                "Dạ có, anh/chị liên hệ văn phòng khu phố.",
                group=True,
                user_id=CLERK,
                first_name="Lan",
                reply_to=ticket_post,
            )
            await api.wait_until(lambda: api.confirmed > answer["update_id"])
        api.drop_held()
        mark = len(api.calls)
        bot.log.clear()
        async with bot_process(bot, cwd=tmp_path):
            (relayed,) = await api.replies(RESIDENT, since=mark)
            assert "trả lời (phiếu số 1)" in visible_text(relayed.text)
            assert "liên hệ văn phòng khu phố" in visible_text(relayed.text)
            for resident in range(8001, 8001 + BUSY):  # and every question is answered
                (answered,) = await api.replies(resident)
                assert visible_text(answered.text).startswith(ANSWER)
        assert len(api.sent(RESIDENT, since=mark)) == 1
        assert inbox_rows(bot) == 0


def zalo_bot(tmp_path: Path, api: FakeBotApi, zalo: FakeZaloApi, **env: str) -> Bot:
    base = {"ZALO_BOT_TOKEN": zalo.token, "ZALO_BOT_API_BASE": zalo.base_url}
    return ward_bot(tmp_path, api, base | env)


async def test_a_zalo_message_polled_when_the_bot_is_killed_is_answered_once_after(
    tmp_path: Path,
) -> None:
    """Zalo's getUpdates hands each message out once: a bot killed while answering it
    lost it for good."""
    async with FakeBotApi() as api, FakeZaloApi() as zalo:
        bot = zalo_bot(tmp_path, api, zalo)
        async with bot_process(bot, cwd=tmp_path, kill=True):
            zalo.hold_chat("sendMessage", ZALO_RESIDENT)
            zalo.send_text(ZALO_RESIDENT, QUESTION)
            await zalo.wait_until(lambda: bool(zalo.held))
        zalo.drop_held()
        assert zalo.sent(ZALO_RESIDENT) == []
        bot.log.clear()
        async with bot_process(bot, cwd=tmp_path):
            (answer,) = await zalo.replies(ZALO_RESIDENT)
            assert answer.text.startswith(ANSWER)
            await zalo.say(ZALO_RESIDENT, "đăng ký tạm trú cần giấy tờ gì")
            assert len(zalo.sent(ZALO_RESIDENT)) == 2
        assert inbox_rows(bot) == 0


async def test_a_zalo_webhook_delivery_when_the_bot_is_killed_is_answered_once_after(
    tmp_path: Path,
) -> None:
    """Zalo's POST was answered 200 before the message was safe: killed then, the bot
    lost it. Now 200 comes once it is in the database; a delivery Zalo repeats is
    answered once."""
    async with FakeBotApi() as api, FakeZaloApi() as zalo:
        env = {
            "PUBLIC_URL": "https://bot.example.vn",
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "ZALO_WEBHOOK_SECRET": SECRET,
        }
        bot = zalo_bot(tmp_path, api, zalo, **env)
        url = f"http://127.0.0.1:{bot.port}/zalo"
        async with bot_process(bot, cwd=tmp_path, kill=True):
            zalo.hold_chat("sendMessage", ZALO_RESIDENT)
            update = zalo.update(TEXT, ZALO_RESIDENT, text=QUESTION)
            assert (await zalo.post_webhook(url, update)).status_code == 200
            await zalo.wait_until(lambda: bool(zalo.held))
        zalo.drop_held()
        bot.log.clear()
        async with bot_process(bot, cwd=tmp_path):
            (answer,) = await zalo.replies(ZALO_RESIDENT)
            assert answer.text.startswith(ANSWER)
            assert (await zalo.post_webhook(url, update)).status_code == 200  # again
            second = zalo.update(TEXT, ZALO_RESIDENT, text="đăng ký tạm trú cần giấy tờ gì")
            assert (await zalo.post_webhook(url, second)).status_code == 200
            await zalo.replies(ZALO_RESIDENT, 2)
        assert len(zalo.sent(ZALO_RESIDENT)) == 2
        assert inbox_rows(bot) == 0


async def test_a_follow_up_left_in_the_inbox_by_a_kill_is_about_the_answer_before_it(
    tmp_path: Path,
) -> None:
    """The resident got an answer, then asked "lệ phí bao nhiêu ạ" about it as the bot was
    killed: the restarted bot answers it as it would have, about that answer (which does
    not say its fee), not with "anh/chị đang hỏi về thủ tục nào?" as if nothing came
    before. What it kept for that: the entry's id and when, nothing the resident wrote."""
    async with FakeBotApi() as api, FakeZaloApi() as zalo:
        bot = zalo_bot(tmp_path, api, zalo)
        async with bot_process(bot, cwd=tmp_path, kill=True):
            (answer,) = await zalo.say(ZALO_RESIDENT, QUESTION)
            assert answer.text.startswith(ANSWER)
            zalo.hold_chat("sendMessage", ZALO_RESIDENT)
            zalo.send_text(ZALO_RESIDENT, "lệ phí bao nhiêu ạ")
            await zalo.wait_until(lambda: bool(zalo.held))
        zalo.drop_held()
        with contextlib.closing(sqlite3.connect(bot.data / DATABASE)) as db:
            kept = db.execute("SELECT channel, chat_id, ids FROM follow_up_subjects").fetchall()
        assert kept == [("zalo", ZALO_RESIDENT, "bhyt-mat-the")]
        bot.log.clear()
        async with bot_process(bot, cwd=tmp_path):
            (_, fee) = await zalo.replies(ZALO_RESIDENT, 2)
            assert fee.text.startswith("Dạ, thông tin em có về “Mất thẻ bảo hiểm y tế"), fee.text
            assert "lệ phí" in fee.text
        assert inbox_rows(bot) == 0


# --- the inbox itself -------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


async def test_the_inbox_keeps_an_update_until_handled_and_drops_what_comes_again(
    tmp_path: Path,
) -> None:
    clock = Clock()
    async with await Store.open(tmp_path / DATABASE) as store:
        inbox = Inbox(store, "telegram", clock=clock)
        assert await inbox.keep("41", "7301", '{"q": 1}') is Fate.KEPT
        assert await inbox.keep("41", "7301", '{"q": 1}') is Fate.REPEAT  # sent again
        # A stop before it was handled: the next start takes it up.
        assert await Inbox(store, "telegram", clock=clock).left_over() == [("41", '{"q": 1}')]
        assert await Inbox(store, "zalo", clock=clock).left_over() == []  # the channel's own
        await inbox.done("41")
        assert await Inbox(store, "telegram", clock=clock).left_over() == []
        # Handled, and sent again (its confirmation lost in the kill): not answered twice.
        assert await inbox.keep("41", "7301", '{"q": 1}') is Fate.REPEAT


async def test_an_update_that_kills_the_bot_at_every_start_is_dropped_after_a_few(
    tmp_path: Path,
) -> None:
    async with await Store.open(tmp_path / DATABASE) as store:
        assert await Inbox(store, "telegram").keep("41", "7301", "{}") is Fate.KEPT
        for _ in range(MAX_ATTEMPTS):  # each start takes it up, and dies
            assert await Inbox(store, "telegram").left_over() == [("41", "{}")]
        assert await Inbox(store, "telegram").left_over() == []


async def test_forget_and_retention_delete_what_the_inbox_holds(tmp_path: Path) -> None:
    clock = Clock()
    async with await Store.open(tmp_path / DATABASE) as store:
        inbox = Inbox(store, "telegram", clock=clock)
        await inbox.keep("41", "7301", '{"text": "mất thẻ bhyt"}')
        await inbox.keep("42", "7302", '{"text": "tạm trú"}')
        await store.forget(ChatRef("telegram", "7301"))
        assert [key for key, _ in await Inbox(store, "telegram").left_over()] == ["42"]
        # Retention: a message older than QUESTION_LOG_DAYS goes, handled or not, but not
        # before WAITING_KEEP (the next start answers it); the keys kept against repeats go
        # after SEEN_KEEP.
        clock.now += SEEN_KEEP + 1
        assert await inbox_purge(store, clock.now - 3600, clock.now) == 0
        clock.now += WAITING_KEEP
        assert await inbox_purge(store, clock.now - 3600, clock.now) == 1
        assert await Inbox(store, "telegram").left_over() == []
        assert await inbox.keep("41", "7301", "{}") is Fate.KEPT  # a key long forgotten


async def test_the_retention_task_deletes_messages_never_handled(
    tmp_path: Path, ward_settings: Settings
) -> None:
    """What `bot.py run` does every few hours (wardbot.app): QUESTION_LOG_DAYS on."""
    long_ago = time.time() - 91 * 86400.0
    async with await Store.open(tmp_path / DATABASE) as store:
        await Inbox(store, "telegram", clock=lambda: long_ago).keep("41", "7301", "{}")
        await Inbox(store, "telegram").keep("42", "7302", "{}")
        stop = asyncio.Event()
        settings = replace(ward_settings, question_log_days=90)
        running = asyncio.create_task(retention_task(store, settings, Restarts()).run(stop))
        try:
            for _ in range(500):
                if await held_keys(store) == ["42"]:
                    break
                await asyncio.sleep(0.01)
        finally:
            stop.set()
            await running
        assert await held_keys(store) == ["42"]


async def held_keys(store: Store) -> list[str]:
    async with store.db.execute("SELECT update_key FROM inbox ORDER BY update_key") as rows:
        return [str(key) for (key,) in await rows.fetchall()]


async def test_a_received_message_is_on_the_disk_before_the_platform_is_told(
    tmp_path: Path,
) -> None:
    """A power cut must not take back what Telegram was told arrived: the inbox's write is
    synced (SQLite's synchronous=FULL), the bot's other writes stay as fast as before."""
    async with await Store.open(tmp_path / DATABASE) as store:
        statements: list[str] = []
        await store.db.set_trace_callback(statements.append)
        await Inbox(store, "telegram").keep("41", "7301", "{}")
        await store.db.set_trace_callback(None)
        insert = next(i for i, sql in enumerate(statements) if "INSERT INTO inbox " in sql)
        synced = [i for i, sql in enumerate(statements) if "synchronous = FULL" in sql]
        assert synced and synced[0] < insert
        async with store.db.execute("PRAGMA synchronous") as cursor:
            assert (await cursor.fetchone()) == (1,)  # NORMAL again


async def test_messages_left_that_cannot_be_read_do_not_keep_the_channel_from_starting(
    tmp_path: Path,
) -> None:
    """The database failing at the start (locked past the wait, gone): the channel starts
    and answers new messages; what was left waits for the next start."""
    store = await Store.open(tmp_path / DATABASE)
    await Inbox(store, "telegram").keep("41", "7301", "{}")
    await store.close()
    assert await Inbox(store, "telegram").left_over() == []
    async with await Store.open(tmp_path / DATABASE) as again:
        assert await held_keys(again) == ["41"]


async def test_a_resident_who_follows_while_another_program_holds_the_database_is_answered_at_once(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    """Staff leave bot.sqlite3 open in "DB Browser for SQLite", which holds its lock. The
    inbox's write comes before every message is handled: it does not wait the lock out
    (a background write's 5 s, here longer than the test allows), the message is handled
    unkept and the resident who sent /follow is asked at once to try again; once the
    program lets go, /follow saves the subscription and the inbox holds nothing."""
    settings = ward_settings
    async with FakeBotApi() as api, polling_channel(api, ward_engine, settings) as (_, store):
        store._write.patience = 30.0  # SQLite's wait for a background write (tests: longer)
        store.prompt_wait = 0.05
        holder = sqlite3.connect(settings.data_dir / DATABASE, isolation_level=None)
        try:
            holder.execute("BEGIN EXCLUSIVE")
            (refused,) = await asyncio.wait_for(api.say(RESIDENT, "/follow bhyt"), 10)
            assert visible_text(refused.text) == msg.error(WARD_NAME, settings.ward_hotline)
        finally:
            holder.close()
        (followed,) = await api.say(RESIDENT, "/follow bhyt")
        assert visible_text(followed.text) == msg.subscribed(WARD_NAME, "Bảo hiểm y tế")
        assert await store.subscriptions_of(ChatRef("telegram", str(RESIDENT))) == ["bhyt"]
        for _ in range(500):  # taken off the inbox once handled, just after the reply
            if not await held_keys(store):
                break
            await asyncio.sleep(0.01)
        assert await held_keys(store) == []
        assert store.saves()


async def test_a_message_handled_while_another_program_holds_the_database_is_not_handled_again(
    tmp_path: Path,
) -> None:
    """A resident's question was kept, then "DB Browser for SQLite" took the database's
    lock while the bot answered it: the answer went out, but the inbox could not take the
    question off. Before, it stayed there, and the next start answered it again, days
    later, out of the blue (a /follow followed again, an /unfollow undone). Now it goes
    off with the next write that goes through."""
    async with await Store.open(tmp_path / DATABASE) as store:
        store._write.patience = 0.05  # a background write's wait for the lock (tests: short)
        inbox = Inbox(store, "telegram")
        assert await inbox.keep("41", "7301", '{"text": "mất thẻ bhyt"}') is Fate.KEPT
        holder = sqlite3.connect(tmp_path / DATABASE, isolation_level=None)
        try:
            holder.execute("BEGIN EXCLUSIVE")
            await inbox.done("41")  # answered; the inbox cannot note it
        finally:
            holder.close()
        assert await inbox.keep("42", "7302", '{"text": "tạm trú"}') is Fate.KEPT
        assert await held_keys(store) == ["42"]
        await inbox.done("42")
        assert await Inbox(store, "telegram").left_over() == []


@contextlib.asynccontextmanager
async def started(
    channel: str, engine: Engine, settings: Settings
) -> AsyncIterator[tuple[Inbox, Store]]:
    """A started `channel` ('telegram', 'zalo') against its fake server: its inbox, store."""
    if channel == "telegram":
        async with FakeBotApi() as api, polling_channel(api, engine, settings) as (tg, store):
            yield tg.inbox, store
    else:
        async with FakeZaloApi() as zalo, running_channel(zalo, engine, settings) as (za, store):
            yield za.inbox, store


@pytest.mark.parametrize("channel", ["telegram", "zalo"])
async def test_a_message_handled_under_a_lock_is_taken_off_when_the_channel_stops(
    ward_engine: Engine, ward_settings: Settings, channel: str
) -> None:
    """The same, when no other write comes before the bot is stopped (systemctl stop, a
    redeploy): the channel takes the handled message off as it stops, so the next start
    does not answer it again."""
    settings = ward_settings
    async with started(channel, ward_engine, settings) as (inbox, store):
        store._write.patience = 0.05  # a background write's wait for the lock (tests: short)
        assert await inbox.keep("41", "7301", '{"text": "mất thẻ bhyt"}') is Fate.KEPT
        holder = sqlite3.connect(settings.data_dir / DATABASE, isolation_level=None)
        try:
            holder.execute("BEGIN EXCLUSIVE")
            await inbox.done("41")  # answered; the inbox cannot note it
        finally:
            holder.close()
        assert await held_keys(store) == ["41"]
    async with await Store.open(settings.data_dir / DATABASE) as again:
        assert await held_keys(again) == []
        assert await Inbox(again, channel).left_over() == []


async def test_without_a_question_log_a_message_waiting_over_a_long_stop_is_still_answered(
    tmp_path: Path,
) -> None:
    """QUESTION_LOG_DAYS=0 (no question log): the bot was killed holding a resident's
    question and stayed down over a long weekend. Before, the retention job, which starts
    with the bot, deleted the question (received more than a day before) ahead of the
    channel taking it up: the resident never got an answer."""
    async with FakeBotApi() as api:
        bot = ward_bot(tmp_path, api, {"QUESTION_LOG_DAYS": "0"})
        async with bot_process(bot, cwd=tmp_path, kill=True):
            api.hold("sendMessage", RESIDENT)
            update = api.send_text(RESIDENT, QUESTION)
            await api.wait_until(lambda: bool(api.held) and api.confirmed > update["update_id"])
        api.drop_held()
        with contextlib.closing(sqlite3.connect(bot.data / DATABASE)) as db, db:
            db.execute("UPDATE inbox SET received_at = received_at - 3 * 86400")
        bot.log.clear()
        api.slow("getMe", 2.0)  # Telegram slow to answer at the start: the purge runs first
        async with bot_process(bot, cwd=tmp_path):
            (answer,) = await api.replies(RESIDENT)
            assert visible_text(answer.text).startswith(ANSWER)
        assert inbox_rows(bot) == 0


FOLLOWER = "8812004455667788990"  # a Zalo OA follower's id, in the key of their follow
FOLLOW = f"follow:{FOLLOWER}:1800000000000"


def strings_in(value: object, seen: set[int] | None = None) -> list[str]:
    """Every string an object holds, however deep (its attributes, containers, keys)."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return []
    seen.add(id(value))
    if isinstance(value, str):
        return [value]
    if isinstance(value, bytes | int | float | bool) or value is None:
        return []
    if isinstance(value, dict):
        return [s for pair in value.items() for part in pair for s in strings_in(part, seen)]
    if isinstance(value, list | tuple | set | frozenset):
        return [s for item in value for s in strings_in(item, seen)]
    return strings_in(getattr(value, "__dict__", {}), seen)


@contextlib.contextmanager
def database_locked(path: Path) -> Iterator[None]:
    """Another program holds the database's write lock ("DB Browser for SQLite")."""
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        yield
    finally:
        holder.close()


async def test_a_delivery_handled_unkept_is_dropped_when_sent_again_and_kept_only_as_a_digest(
    tmp_path: Path,
) -> None:
    """A resident follows the OA while another program holds the database: the follow is
    handled unkept. Zalo posts it again, meanwhile and once the lock is gone: dropped both
    times. What the inbox holds in memory meanwhile names no follower."""
    async with await Store.open(tmp_path / DATABASE) as store:
        store._write.patience = 0.05
        inbox = Inbox(store, "zalo-oa")
        with database_locked(tmp_path / DATABASE):
            assert await inbox.keep(FOLLOW, FOLLOWER, "{}") is Fate.UNKEPT
            assert not any(FOLLOWER in held for held in strings_in(inbox))
            assert await inbox.keep(FOLLOW, FOLLOWER, "{}") is Fate.REPEAT
        assert await inbox.keep(FOLLOW, FOLLOWER, "{}") is Fate.REPEAT
        assert await inbox.keep("message:9", FOLLOWER, "{}") is Fate.KEPT


async def test_a_delivery_kept_is_dropped_when_sent_again_while_the_database_is_locked(
    tmp_path: Path,
) -> None:
    async with await Store.open(tmp_path / DATABASE) as store:
        store._write.patience = 0.05
        inbox = Inbox(store, "telegram")
        assert await inbox.keep("41", "7301", "{}") is Fate.KEPT
        await inbox.done("41")
        with database_locked(tmp_path / DATABASE):
            assert await inbox.keep("41", "7301", "{}") is Fate.REPEAT
            assert await inbox.keep("42", "7301", "{}") is Fate.UNKEPT


async def test_deliveries_seen_by_a_version_before_are_still_dropped_and_kept_as_digests(
    tmp_path: Path,
) -> None:
    """A version before kept the keys of the deliveries seen as they came, some with their
    chat. After the upgrade, one sent again is still dropped (not answered twice), on any
    channel; and the table no longer holds any key as it came, nor a chat."""
    clock = Clock()
    async with await Store.open(tmp_path / DATABASE) as store:
        await store.db.executemany(
            "INSERT INTO inbox_seen (channel, update_key, seen_at, chat_id) VALUES (?, ?, ?, ?)",
            [
                ("telegram", "41", clock.now - 60, None),
                ("zalo-oa", FOLLOW, clock.now - 60, FOLLOWER),
            ],
        )
        assert await Inbox(store, "telegram", clock=clock).keep("41", "7301", "{}") is Fate.REPEAT
        async with store.db.execute("SELECT update_key, chat_id FROM inbox_seen") as rows:
            kept = await rows.fetchall()
        assert len(kept) == 2
        assert all(len(key) == 64 and FOLLOWER not in key and chat is None for key, chat in kept)
        oa = Inbox(store, "zalo-oa", clock=clock)
        assert await oa.keep(FOLLOW, FOLLOWER, "{}") is Fate.REPEAT
        # Digested, they go SEEN_KEEP after they were seen, as before.
        await inbox_purge(store, clock.now - 86400 * 90, clock.now + SEEN_KEEP)
        assert await Inbox(store, "zalo-oa", clock=clock).keep(FOLLOW, FOLLOWER, "{}") is Fate.KEPT


async def test_a_delivery_zalo_posts_twice_at_once_while_the_database_is_locked_is_answered_once(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    """Staff hold bot.sqlite3 open in "DB Browser for SQLite": a question is handled
    unkept. Zalo posts it again while the first post still waits out the lock (its
    webhook's 200 comes late): the resident gets one answer, not two."""
    async with (
        FakeZaloApi() as zalo,
        running_channel(zalo, ward_engine, ward_settings) as (channel, store),
    ):
        store._write.patience = 0.05
        question = zalo.update(TEXT, ZALO_RESIDENT, text="mat the bhyt thi lam sao")
        with database_locked(ward_settings.data_dir / DATABASE):
            taken = await asyncio.gather(channel.accept(question), channel.accept(question))
        assert sorted(taken) == [False, True]
        # The chat's next message is answered after anything the copy would have had.
        (answer, help_) = await zalo.say(ZALO_RESIDENT, "/help", 2)
        assert answer.text.startswith(ANSWER)
        assert help_.text.startswith("Cách hỏi")
        assert len(zalo.sent(ZALO_RESIDENT)) == 2


async def test_a_delivery_kept_as_the_lock_goes_while_its_copy_was_handled_unkept_is_dropped(
    tmp_path: Path,
) -> None:
    """The first post of a delivery gives up on the lock (handled unkept); its copy, posted
    meanwhile, gets its turn just as the lock goes: dropped, and nothing of it is left in
    the inbox to be handled again at the next start."""
    path = tmp_path / DATABASE
    async with await Store.open(path) as store:
        inbox = Inbox(store, "zalo")
        holder = sqlite3.connect(path, isolation_level=None)
        try:
            holder.execute("BEGIN EXCLUSIVE")
            first = asyncio.create_task(inbox.keep("message:77", "c1", "{}"))
            first.add_done_callback(lambda _: holder.close())
            copy = asyncio.create_task(inbox.keep("message:77", "c1", "{}"))
            assert await first is Fate.UNKEPT
            assert await copy is Fate.REPEAT
        finally:
            holder.close()
        assert await held_keys(store) == []
        assert await Inbox(store, "zalo").left_over() == []
