"""“Hỏi cán bộ” end to end: `python bot.py run` with the fake Telegram (a staff forum group
and a resident) and the fake Zalo (residents), restarted in the middle.

What is checked is what people see: the resident's offer and ticket number, the topic
staff find in their group, the answer the resident receives, what is not relayed, the
bot answering by itself once staff made the question an FAQ variant, and /forget.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import re
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from chat_ward import WARD_NAME, write_chat_ward
from fakes.portal import FakePortal
from fakes.telegram_api import FakeBotApi, visible_text
from fakes.zalo_api import FakeZaloApi
from read_only import read_only
from test_faults import ADMIN, Bot, base_env, bot_process, free_port

from wardbot import messages as msg
from wardbot.datadir import DATABASE

STAFF_GROUP = -1001234567
OFFICER = ADMIN  # in ADMIN_IDS: may also edit faq.yaml
CLERK = 9200  # in the staff group, not an admin
ZALO_RESIDENT = "6ede9afb3c3e4d6f8a01"
TELEGRAM_RESIDENT = 901
# No FAQ entry of the chat ward shares enough words with this to answer it (checked below).
RENEWAL = "muốn nộp tiếp tiền thẻ khám bệnh cho cả nhà thì đi đâu"


async def eventually(condition: Callable[[], object], within: float = 20.0) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("never happened")
        await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def bot_run(
    tmp_path: Path,
    telegram: FakeBotApi,
    zalo: FakeZaloApi,
    env: dict[str, str] | None = None,
    ward: Path | None = None,
) -> AsyncIterator[Bot]:
    """`bot.py run` on the ward in tmp_path (written on the first start, kept after), or in
    `ward`, with `env` added to its environment."""
    ward = ward or tmp_path / "ward"
    if not ward.exists():
        ward.mkdir()
        write_chat_ward(ward)
    bot = Bot(telegram, ward, tmp_path / "data", free_port(), {})
    bot.env = (
        base_env(bot, tmp_path)
        | {
            "ZALO_BOT_TOKEN": zalo.token,
            "ZALO_BOT_API_BASE": zalo.base_url,
            "STAFF_CHAT_ID": str(STAFF_GROUP),
        }
        | (env or {})
    )
    async with bot_process(bot, cwd=tmp_path):
        checks = (await bot.health())["checks"]
        assert checks["staff-desk"] is True, checks
        yield bot
    assert "Traceback" not in bot.stderr, bot.stderr
    assert telegram.token not in bot.stderr and zalo.token not in bot.stderr


def choice(text: str, label: str) -> str:
    """The number Zalo shows before `label` in a numbered list."""
    for line in text.splitlines():
        number, _, rest = line.partition(". ")
        if number.isdigit() and rest.startswith(label):
            return number
    raise AssertionError(f"{label!r} not offered in:\n{text}")


def posts(api: FakeBotApi, thread: int) -> list[str]:
    return [visible_text(call.text) for call in api.sent_in_thread(STAFF_GROUP, thread)]


async def zalo_ticket(telegram: FakeBotApi, zalo: FakeZaloApi) -> int:
    """A Zalo resident asks staff (the first ticket): its topic, once the bot posted there."""
    await zalo.say(ZALO_RESIDENT, f"/hoicanbo {RENEWAL}")
    await eventually(lambda: len(telegram.topics.get(STAFF_GROUP, {})) == 1)
    [thread] = list(telegram.topics[STAFF_GROUP])
    await eventually(lambda: posts(telegram, thread))
    return thread


async def test_a_question_goes_to_staff_and_the_answer_comes_back(tmp_path: Path) -> None:
    async with FakeBotApi() as telegram, FakeZaloApi() as zalo:
        telegram.staff_group(STAFF_GROUP, forum=True)
        async with bot_run(tmp_path, telegram, zalo):
            # A Zalo resident's question the bot cannot answer: offered, accepted.
            (offer,) = await zalo.say(ZALO_RESIDENT, RENEWAL)
            assert "chưa có thông tin" in offer.text or "có phải anh/chị muốn hỏi" in offer.text
            assert "kênh nhắn tin (Zalo)" in offer.text
            (received,) = await zalo.say(ZALO_RESIDENT, choice(offer.text, "💬 Hỏi cán bộ"))
            assert "phiếu số 1" in received.text

            # Staff see it in a topic of its own.
            await eventually(lambda: len(telegram.topics.get(STAFF_GROUP, {})) == 1)
            first = telegram.topic_named(STAFF_GROUP, "#1 · Zalo")
            await eventually(lambda: posts(telegram, first))
            assert RENEWAL in posts(telegram, first)[0]

            # A Telegram resident asks staff directly: a second topic.
            (direct,) = await telegram.say(
                TELEGRAM_RESIDENT, "/hoicanbo phường có cho mượn bàn ghế làm đám cưới không"
            )
            assert "phiếu số 2" in visible_text(direct.text)
            await eventually(lambda: len(telegram.topics[STAFF_GROUP]) == 2)
            second = telegram.topic_named(STAFF_GROUP, "#2 · Telegram")
            await eventually(lambda: posts(telegram, second))

        # The bot restarts before staff answer: nothing is lost.
        async with bot_run(tmp_path, telegram, zalo):
            [ticket_post] = telegram.sent_in_thread(STAFF_GROUP, first)
            mark = len(zalo.calls)
            telegram.send_text(
                STAFF_GROUP,
                "Dạ, anh/chị nộp tại đại lý thu BHYT ở nhà văn hóa khu phố 2.",
                group=True,
                user_id=CLERK,
                first_name="Lan",
                reply_to=ticket_post,
            )
            (answer,) = await zalo.replies(ZALO_RESIDENT, since=mark, within=20)
            assert "Cán bộ UBND Phường 2 trả lời (phiếu số 1)" in answer.text
            assert "đại lý thu BHYT ở nhà văn hóa khu phố 2" in answer.text
            assert "Lan" not in answer.text
            await eventually(lambda: telegram.reactions)  # 👍: delivered

            # Staff talking in the topic, not replying to the bot: not relayed.
            mark = len(zalo.calls)
            telegram.send_text(
                STAFF_GROUP,
                "chị Hoa ơi đại lý còn mở không",
                group=True,
                user_id=CLERK,
                thread_id=first,
            )
            await eventually(lambda: any("chưa được gửi" in p for p in posts(telegram, first)))
            await asyncio.sleep(1.0)  # what would have been relayed would be out by now
            assert zalo.sent(ZALO_RESIDENT, since=mark) == []

            # The Telegram resident blocked the bot: staff are told in that ticket's topic.
            telegram.block(TELEGRAM_RESIDENT)
            [second_post] = telegram.sent_in_thread(STAFF_GROUP, second)
            telegram.send_text(
                STAFF_GROUP, "Dạ có ạ.", group=True, user_id=CLERK, reply_to=second_post
            )
            await eventually(lambda: any("⚠️ Phiếu số 2" in p for p in posts(telegram, second)))
            assert "người dân đã chặn bot" in posts(telegram, second)[-1]

            # The officer makes the question a variant of the renewal FAQ entry...
            telegram.send_text(
                STAFF_GROUP, "/variant bhyt-gia-han", group=True, user_id=OFFICER, thread_id=first
            )
            await eventually(lambda: any("Đã thêm" in p for p in posts(telegram, first)), 30)
            assert "muốn nộp tiếp tiền thẻ khám bệnh" in (tmp_path / "ward" / "faq.yaml").read_text(
                encoding="utf-8"
            )
            # ...and from then on the bot answers that question itself.
            (itself,) = await telegram.say(4242, RENEWAL, within=10)
            assert visible_text(itself.text).startswith("Gia hạn thẻ bảo hiểm y tế hộ gia đình")

            # Staff list the tickets in the group: where each one is, not what was asked.
            mark = len(telegram.calls)
            telegram.send_text(STAFF_GROUP, "/tickets", group=True, user_id=CLERK)
            (listing,) = await telegram.replies(STAFF_GROUP, since=mark, within=10)
            shown = visible_text(listing.text)
            [row] = [line for line in shown.splitlines() if line.startswith("• #1 · Zalo")]
            assert "đã trả lời" in row and row.endswith(f" · https://t.me/c/1234567/{first}")
            assert "thẻ khám bệnh" not in shown

            # /forget: the ticket and its topic are gone; nothing in the group quotes it.
            await zalo.say(ZALO_RESIDENT, "/forget", within=10)
            assert first in telegram.deleted_topics.get(STAFF_GROUP, {})
            quoting = [
                message
                for (chat_id, _), message in telegram.messages.items()
                if chat_id == STAFF_GROUP and "thẻ khám bệnh" in str(message)
            ]
            assert quoting == []
            (listing,) = await telegram.say(OFFICER, "/tickets")
            assert "#1 " not in visible_text(listing.text)
            assert "#2 · Telegram" in visible_text(listing.text)


async def test_an_faq_edit_reloads_the_wards_files_without_reading_the_portal(
    tmp_path: Path,
) -> None:
    """With PORTAL_FEEDS, /variant and /newfaq reload faq.yaml and content/ only (/reload
    reads the feeds too): staff are not kept waiting on the portal, and the portal's news
    is not imported as a side effect of an FAQ edit."""
    from test_portal_e2e import OLD_PAGE, OLD_TITLE, feed  # it imports from this module

    with FakePortal() as portal:
        rss = "/rss/tin-tuc.xml"
        feed_url = portal.put(rss, feed([]), "application/rss+xml")
        async with FakeBotApi() as telegram, FakeZaloApi() as zalo:
            telegram.staff_group(STAFF_GROUP, forum=True)
            async with bot_run(tmp_path, telegram, zalo, {"PORTAL_FEEDS": feed_url}) as bot:
                await eventually(lambda: portal.hits(rss))  # read once at the start
                await telegram.say(TELEGRAM_RESIDENT, f"/hoicanbo {RENEWAL}")
                await eventually(lambda: len(telegram.topics.get(STAFF_GROUP, {})) == 1)
                [thread] = list(telegram.topics[STAFF_GROUP])
                await eventually(lambda: posts(telegram, thread))  # the topic is the ticket's
                # An article on the portal meanwhile, for its next poll (in 15 minutes).
                page = portal.put_fixture("/tin-tuc/trao-the-bhyt", OLD_PAGE)
                then = dt.datetime(2024, 3, 12, 16, 20, tzinfo=dt.timezone(dt.timedelta(hours=7)))
                portal.put(rss, feed([(OLD_TITLE, page, then)]))
                read = len(portal.hits(rss))
                telegram.send_text(
                    STAFF_GROUP,
                    "/variant bhyt-gia-han",
                    group=True,
                    user_id=OFFICER,
                    thread_id=thread,
                )
                await eventually(lambda: any("Đã thêm" in p for p in posts(telegram, thread)), 30)
                assert len(portal.hits(rss)) == read
                assert list(bot.content.glob("2024-03-12-*.md")) == []


async def test_a_ward_folder_mounted_read_only_offers_no_faq_edits_and_admins_hear_why(
    tmp_path: Path,
) -> None:
    """Docker's `-v "$PWD:/app/ward:ro"`: the bot serves, but cannot write faq.yaml.
    Admins are told so once, at the start (not again at the next start: they know);
    tickets come without the buttons that edit it."""
    ward = tmp_path / "ward"
    ward.mkdir()
    write_chat_ward(ward)
    async with FakeBotApi() as telegram, FakeZaloApi() as zalo:
        telegram.staff_group(STAFF_GROUP, forum=True)
        with read_only(ward) as folder:
            async with bot_run(tmp_path, telegram, zalo, ward=folder.path):

                def notes() -> list[str]:
                    shown = [visible_text(c.text) for c in telegram.sent(ADMIN)]
                    return [text for text in shown if "không có quyền ghi" in text]

                await eventually(notes)
                assert str(folder.path) in notes()[0]
                await telegram.say(TELEGRAM_RESIDENT, f"/hoicanbo {RENEWAL}")
                await eventually(lambda: len(telegram.topics.get(STAFF_GROUP, {})) == 1)
                [thread] = list(telegram.topics[STAFF_GROUP])
                await eventually(lambda: telegram.sent_in_thread(STAFF_GROUP, thread))
                [post] = telegram.sent_in_thread(STAFF_GROUP, thread)
                assert [label for label, _ in post.buttons] == ["✔️ Đóng phiếu"]
                assert len(notes()) == 1
            async with bot_run(tmp_path, telegram, zalo, ward=folder.path):
                pass  # started: what it had to tell admins is queued
        with contextlib.closing(sqlite3.connect(tmp_path / "data" / DATABASE)) as db:
            queued = db.execute("SELECT COUNT(*) FROM outbox WHERE kind = 'note'").fetchone()
        assert queued == (1,)


async def test_an_answer_for_a_channel_the_bot_no_longer_runs_is_told_and_kept(
    tmp_path: Path,
) -> None:
    """A Zalo resident's ticket, then the bot restarted without Zalo configured: an officer's
    answer cannot go out. They are told at once, under their answer, that the resident has
    not got it and that it is kept for when the bot runs Zalo again; once it does, it goes."""
    async with FakeBotApi() as telegram, FakeZaloApi() as zalo:
        telegram.staff_group(STAFF_GROUP, forum=True)
        async with bot_run(tmp_path, telegram, zalo):
            thread = await zalo_ticket(telegram, zalo)

        async with bot_run(tmp_path, telegram, zalo, {"ZALO_BOT_TOKEN": ""}) as bot:
            [ticket_post] = telegram.sent_in_thread(STAFF_GROUP, thread)
            mark, zalo_mark = len(telegram.calls), len(zalo.calls)
            telegram.send_text(
                STAFF_GROUP,
                "Dạ, anh/chị nộp tại đại lý thu BHYT ở nhà văn hóa khu phố 2.",
                group=True,
                user_id=CLERK,
                reply_to=ticket_post,
            )
            (told,) = await telegram.replies(STAFF_GROUP, since=mark, within=10)
            assert visible_text(told.text) == msg.relay_channel_off(1, "zalo")
            await bot.wait_log(r"ticket 1: .*zalo is not running")  # for whoever runs the bot
            assert zalo.sent(ZALO_RESIDENT, since=zalo_mark) == []

        # Restarted again without Zalo: they were told already, not again.
        async with bot_run(tmp_path, telegram, zalo, {"ZALO_BOT_TOKEN": ""}) as bot:
            assert (await bot.health())["answers_waiting"] == {"zalo": 1}
        with contextlib.closing(sqlite3.connect(tmp_path / "data" / DATABASE)) as db:
            notes = db.execute("SELECT text FROM ticket_messages WHERE author = 'note'")
            assert notes.fetchall() == []

        async with bot_run(tmp_path, telegram, zalo):
            (answer,) = await zalo.replies(ZALO_RESIDENT, since=zalo_mark, within=20)
            assert "đại lý thu BHYT ở nhà văn hóa khu phố 2" in answer.text
            await eventually(lambda: telegram.reactions)  # 👍: delivered


async def test_an_answer_waiting_when_the_bot_restarts_without_its_channel_is_told_once(
    tmp_path: Path,
) -> None:
    """An officer's answer to a Zalo resident still waits in the outbox (Zalo failing at
    that moment) when the bot is restarted without Zalo configured: staff are told in the
    ticket's topic that the resident has not got it (once: not again at the next such
    restart), /healthz counts it, and once the bot runs Zalo again it reaches the
    resident. Before, it waited without a word to anyone."""
    answer = "Dạ, anh/chị nộp tại đại lý thu BHYT ở nhà văn hóa khu phố 2."
    async with FakeBotApi() as telegram, FakeZaloApi() as zalo:
        telegram.staff_group(STAFF_GROUP, forum=True)
        async with bot_run(tmp_path, telegram, zalo):
            thread = await zalo_ticket(telegram, zalo)
            [ticket_post] = telegram.sent_in_thread(STAFF_GROUP, thread)
            zalo.fail(500, method="sendMessage", times=None)
            mark = len(zalo.calls)
            telegram.send_text(STAFF_GROUP, answer, group=True, user_id=CLERK, reply_to=ticket_post)
            # Tried, and refused: it waits to be tried again.
            await eventually(
                lambda: any(c.method == "sendMessage" and not c.ok for c in zalo.calls[mark:])
            )
        zalo.recover("sendMessage")

        told = msg.ticket_note_post(1, msg.relay_stranded("zalo"))
        for _ in range(2):
            async with bot_run(tmp_path, telegram, zalo, {"ZALO_BOT_TOKEN": ""}) as bot:
                assert (await bot.health())["answers_waiting"] == {"zalo": 1}
                await bot.wait_log(r"1 staff answer\(s\) wait for zalo")
                await eventually(lambda: told in posts(telegram, thread))
        assert posts(telegram, thread).count(told) == 1

        zalo_mark = len(zalo.calls)
        async with bot_run(tmp_path, telegram, zalo) as bot:
            (delivered,) = await zalo.replies(ZALO_RESIDENT, since=zalo_mark, within=20)
            assert "đại lý thu BHYT ở nhà văn hóa khu phố 2" in delivered.text
            assert (await bot.health())["answers_waiting"] == {}


async def test_the_bot_removed_from_the_staff_group_says_so_and_loses_no_question(
    tmp_path: Path,
) -> None:
    """Someone removes the bot from the staff group: the log says so in one line naming the
    fix, /healthz reports the desk down, a resident asking for staff meanwhile is told
    honestly that their question waits (with the hotline), and once the bot is back as an
    administrator the question reaches staff, and admins are told the desk is back."""
    async with FakeBotApi() as telegram, FakeZaloApi() as zalo:
        telegram.staff_group(STAFF_GROUP, forum=True)
        async with bot_run(tmp_path, telegram, zalo) as bot:
            telegram.remove_bot(STAFF_GROUP, by=CLERK)
            await bot.wait_log(r"staff group -1001234567: .*removed")
            await eventually(lambda: telegram.sent(ADMIN))  # admins hear of it too
            await bot.wait_health(lambda checks: checks["staff-desk"] is False)

            (received,) = await telegram.say(TELEGRAM_RESIDENT, f"/hoicanbo {RENEWAL}")
            told = visible_text(received.text)
            assert "phiếu số 1" in told and "chưa chuyển được" in told
            assert "0276 3822 123" in told
            await asyncio.sleep(1.0)  # the poster's try, refused
            assert telegram.topics.get(STAFF_GROUP, {}) == {}

            telegram.restore_bot(STAFF_GROUP, by=CLERK)
            await eventually(lambda: telegram.topics.get(STAFF_GROUP), within=30)
            [thread] = list(telegram.topics[STAFF_GROUP])
            await eventually(lambda: posts(telegram, thread))
            assert RENEWAL in posts(telegram, thread)[0]
            await bot.wait_health(lambda checks: checks["staff-desk"] is True)
            assert len(re.findall("the bot was removed from the group", bot.stderr)) == 1, (
                bot.stderr
            )

            def told_admin() -> list[str]:
                texts = [visible_text(c.text) for c in telegram.sent(ADMIN)]
                return [text for text in texts if "nhóm cán bộ" in text]

            back = msg.admin_task_back(WARD_NAME, "staff-desk")
            await eventually(lambda: len(told_admin()) >= 2)  # and once it is back
            assert told_admin()[1:] == [back], "told once that it is lost, once that it is back"


async def test_the_bot_demoted_in_a_forum_staff_group_says_so_and_loses_no_question(
    tmp_path: Path,
) -> None:
    """Made a plain member of a group with topics, the bot cannot open a topic per ticket:
    said once in the log, /healthz reports it, residents are told, nothing is lost."""
    async with FakeBotApi() as telegram, FakeZaloApi() as zalo:
        telegram.staff_group(STAFF_GROUP, forum=True)
        async with bot_run(tmp_path, telegram, zalo) as bot:
            telegram.demote_bot(STAFF_GROUP, by=CLERK)
            await bot.wait_log(r"staff group -1001234567: .*Manage topics")
            await bot.wait_health(lambda checks: checks["staff-desk"] is False)
            (received,) = await telegram.say(TELEGRAM_RESIDENT, f"/hoicanbo {RENEWAL}")
            assert "chưa chuyển được" in visible_text(received.text)

            telegram.restore_bot(STAFF_GROUP, by=CLERK)
            await eventually(lambda: telegram.topics.get(STAFF_GROUP), within=30)
            await bot.wait_health(lambda checks: checks["staff-desk"] is True)


async def test_an_faq_edit_made_by_mistake_is_undone_from_the_group(tmp_path: Path) -> None:
    """An officer made a resident's question a variant of the wrong entry; /undo in the
    ticket's topic puts faq.yaml back as it was, byte for byte, and the bot answers as
    before at once. Two officers answering at once: the resident gets one answer."""
    async with FakeBotApi() as telegram, FakeZaloApi() as zalo:
        telegram.staff_group(STAFF_GROUP, forum=True)
        async with bot_run(tmp_path, telegram, zalo):
            faq = tmp_path / "ward" / "faq.yaml"
            before = faq.read_bytes()
            thread = await zalo_ticket(telegram, zalo)
            [ticket_post] = telegram.sent_in_thread(STAFF_GROUP, thread)
            mark = len(zalo.calls)
            for user, name, text in (
                (CLERK, "Lan", "Dạ, nộp ở đại lý."),
                (OFFICER, "Minh", "Ở UBND."),
            ):
                telegram.send_text(
                    STAFF_GROUP,
                    text,
                    group=True,
                    user_id=user,
                    first_name=name,
                    reply_to=ticket_post,
                )
            await eventually(lambda: any("⏸️" in p for p in posts(telegram, thread)))
            await asyncio.sleep(1.0)  # a second answer would be out by now
            [answer] = zalo.sent(ZALO_RESIDENT, since=mark)
            assert "Dạ, nộp ở đại lý." in answer.text
            held = next(p for p in posts(telegram, thread) if "⏸️" in p)
            assert "anh/chị Lan" in held

            telegram.send_text(
                STAFF_GROUP, "/variant bhyt-gia-han", group=True, user_id=OFFICER, thread_id=thread
            )
            await eventually(lambda: any("Đã thêm" in p for p in posts(telegram, thread)), 30)
            (itself,) = await telegram.say(4242, RENEWAL, within=10)
            assert visible_text(itself.text).startswith("Gia hạn thẻ bảo hiểm y tế hộ gia đình")

            telegram.send_text(STAFF_GROUP, "/undo", group=True, user_id=OFFICER, thread_id=thread)
            await eventually(lambda: any("Đã hoàn tác" in p for p in posts(telegram, thread)), 30)
            assert faq.read_bytes() == before
            (again,) = await telegram.say(4242, RENEWAL, within=10)
            assert not visible_text(again.text).startswith("Gia hạn thẻ bảo hiểm y tế hộ gia đình")
