"""The subscriptions database: on a temporary file, reopened the way a restart does."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from test_telegram_app import read_only_folder

from wardbot.notice_changes import NoticeRef
from wardbot.schema import MIGRATIONS
from wardbot.store import ChatRef, Store
from wardbot.store.base import StoreError
from wardbot.tickets import TicketBook

ALICE = ChatRef("telegram", "1001")
BINH = ChatRef("telegram", "1002")
ZALO_ALICE = ChatRef("zalo", "1001")  # same id on another channel: another chat


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "bot.sqlite3"


async def test_subscribe_is_idempotent_and_listed_in_order(db_path: Path) -> None:
    async with await Store.open(db_path) as store:
        assert await store.subscribe(ALICE, "bhyt") is True
        assert await store.subscribe(ALICE, "hoc-bong") is True
        assert await store.subscribe(ALICE, "bhyt") is False
        assert await store.subscriptions_of(ALICE) == ["bhyt", "hoc-bong"]
        assert await store.subscriptions_of(BINH) == []


async def test_subscribers_of_a_topic_per_channel(db_path: Path) -> None:
    async with await Store.open(db_path) as store:
        for chat in (ALICE, BINH, ZALO_ALICE):
            await store.subscribe(chat, "bhyt")
        await store.subscribe(BINH, "cu-tru")
        assert await store.subscribers_of("bhyt") == [ALICE, BINH, ZALO_ALICE]
        assert await store.subscribers_of("bhyt", channel="zalo") == [ZALO_ALICE]
        assert await store.subscribers_of("cu-tru") == [BINH]
        assert await store.subscribers_of("nothing") == []


async def test_unsubscribe_one_and_all(db_path: Path) -> None:
    async with await Store.open(db_path) as store:
        await store.subscribe(ALICE, "bhyt")
        await store.subscribe(ALICE, "hoc-bong")
        await store.subscribe(ALICE, "cu-tru")
        assert await store.unsubscribe(ALICE, "bhyt") is True
        assert await store.unsubscribe(ALICE, "bhyt") is False
        assert await store.subscriptions_of(ALICE) == ["cu-tru", "hoc-bong"]
        assert await store.unsubscribe_all(ALICE) == 2
        assert await store.unsubscribe_all(ALICE) == 0
        assert await store.subscriptions_of(ALICE) == []


async def test_subscriptions_survive_a_restart(db_path: Path) -> None:
    async with await Store.open(db_path) as store:
        await store.subscribe(ALICE, "bhyt")
    async with await Store.open(db_path) as reopened:
        assert await reopened.subscriptions_of(ALICE) == ["bhyt"]
        assert await reopened.schema_version() == len(MIGRATIONS)


async def test_the_database_uses_wal_and_the_schema_is_versioned(db_path: Path) -> None:
    async with await Store.open(db_path):
        pass
    with sqlite3.connect(db_path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    raw.close()


async def test_a_database_from_a_newer_bot_is_refused(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    raw = sqlite3.connect(db_path)
    raw.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    raw.close()
    with pytest.raises(StoreError, match="newer"):
        await Store.open(db_path)


async def test_forget_deletes_every_row_about_the_chat_only(db_path: Path) -> None:
    async with await Store.open(db_path) as store:
        await store.subscribe(ALICE, "bhyt")
        await store.subscribe(ALICE, "hoc-bong")
        await store.subscribe(BINH, "bhyt")
        await store.subscribe(ZALO_ALICE, "bhyt")
        assert await store.forget(ALICE) == 3  # two subscriptions and the chat itself
        assert await store.subscriptions_of(ALICE) == []
        assert await store.subscribers_of("bhyt") == [BINH, ZALO_ALICE]
    with sqlite3.connect(db_path) as raw:
        for (table,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            rows = raw.execute(f'SELECT * FROM "{table}"').fetchall()
            assert not any(ALICE.chat_id in map(str, row) and "telegram" in row for row in rows)
    raw.close()


async def test_forget_covers_tables_added_later(db_path: Path) -> None:
    """A later migration's per-chat table (a question log, an outbox) is forgotten too."""
    async with await Store.open(db_path) as store:
        await store.subscribe(ALICE, "bhyt")
    raw = sqlite3.connect(db_path)
    raw.execute("CREATE TABLE question_log (channel TEXT, chat_id TEXT, asked_at TEXT)")
    raw.execute("INSERT INTO question_log VALUES ('telegram', '1001', '2024-08-01')")
    raw.execute("INSERT INTO question_log VALUES ('telegram', '1002', '2024-08-01')")
    raw.commit()
    raw.close()
    async with await Store.open(db_path) as store:
        assert "question_log" in await store.per_chat_tables()
        await store.forget(ALICE)
    raw = sqlite3.connect(db_path)
    assert raw.execute("SELECT chat_id FROM question_log").fetchall() == [("1002",)]
    raw.close()


async def test_forget_reaches_every_table_that_names_a_chat(db_path: Path) -> None:
    """/forget finds the tables about a chat by their `channel` and `chat_id` columns, so a
    migration's new table is forgotten without anyone listing it. One naming a chat any
    other way would be silently kept: every table with a column about a chat is found,
    but for the staff group's messages to take out of it (never a resident's chat)."""
    staff_group_only = {"staff_withdrawals"}
    async with await Store.open(db_path) as store:
        found = set(await store.per_chat_tables())
        async with store.db.execute(
            "SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) c "
            "WHERE m.type = 'table' AND c.name LIKE '%chat%'"
        ) as cursor:
            naming_a_chat = {row[0] for row in await cursor.fetchall()}
    assert {"questions", "subscriptions", "tickets", "web_messages"} <= found
    assert naming_a_chat - staff_group_only <= found


async def test_a_full_disk_is_reported_as_such_and_loses_nothing_already_stored(
    db_path: Path,
) -> None:
    async with await Store.open(db_path) as store:
        await store.subscribe(ALICE, "bhyt")
        # No page may be added any more: the disk is full, as far as SQLite can tell.
        async with store._db.execute("PRAGMA page_count") as cursor:
            (pages,) = await cursor.fetchone()
        await store._db.execute(f"PRAGMA max_page_count = {pages}")
        # SQLite ends the whole transaction itself on a full disk; the error says why,
        # not that there was nothing left to roll back.
        with pytest.raises(sqlite3.OperationalError, match="disk is full"):
            await store.queue_message("Thông báo " * 20_000, [ALICE, BINH], now=1.0)
        assert await store.subscriptions_of(ALICE) == ["bhyt"]
        await store._db.execute("PRAGMA max_page_count = 1073741823")
        assert await store.queue_message("Họp tổ dân phố", [ALICE], now=2.0) == 1


async def test_a_database_from_before_lasting_ticket_numbers_upgrades_in_place(
    db_path: Path,
) -> None:
    """Tickets, what was said on them and the map of staff posts survive the upgrade that
    stops ticket numbers being given again; from then on a forgotten number stays unused."""
    db_path.parent.mkdir(parents=True)
    raw = sqlite3.connect(db_path)
    for number, step in enumerate(MIGRATIONS[:4], 1):
        raw.executescript(f"BEGIN;\n{step}\nPRAGMA user_version = {number};\nCOMMIT;")
    raw.executescript(
        """
        INSERT INTO tickets (id, channel, chat_id, state, created_at, active_at, thread_id)
        VALUES (1, 'telegram', '1001', 'open', 10.0, 10.0, 501),
               (2, 'telegram', '1002', 'answered', 20.0, 30.0, 502);
        INSERT INTO ticket_messages (id, ticket_id, author, text, created_at, state)
        VALUES (1, 1, 'resident', 'lớp bơi hè', 10.0, 'posted'),
               (2, 2, 'resident', 'mượn loa đài', 20.0, 'posted'),
               (3, 2, 'staff', 'Dạ có.', 30.0, 'sent');
        INSERT INTO staff_posts (message_id, ticket_id) VALUES (900, 1), (901, 2);
        """
    )
    raw.commit()
    raw.close()
    async with await Store.open(db_path) as store:
        assert await store.schema_version() == len(MIGRATIONS)
        book = TicketBook(store)
        first = await book.by_post(900)
        assert first is not None and (first.chat, first.thread_id) == (ALICE, 501)
        assert [m.text for m in await book.messages(2)] == ["mượn loa đài", "Dạ có."]
        # Forgetting the newest ticket no longer frees its number, nor its messages' ids.
        await store.forget(BINH)
        assert await book.by_post(901) is None
        ticket = await book.open(BINH, "mượn bàn ghế", 40.0)
        assert ticket.id == 3
        [message] = await book.messages(3)
        assert message.id == 4
        await store.forget(ALICE)  # foreign keys are on again: the messages go with it
        assert await book.messages(1) == [] and await book.by_post(900) is None


async def test_an_offer_kept_by_a_version_without_complaints_is_passed_on_as_a_question(
    db_path: Path,
) -> None:
    """Migration 38 records whether an offer to pass on (and a ticket) is a complaint:
    what an earlier version kept was offered as a question, and is accepted as one; a
    complaint offered after the upgrade is kept as one."""
    db_path.parent.mkdir(parents=True)
    raw = sqlite3.connect(db_path)
    for number, step in enumerate(MIGRATIONS[:37], 1):
        raw.executescript(f"BEGIN;\n{step}\nPRAGMA user_version = {number};\nCOMMIT;")
    raw.execute(
        "INSERT INTO staff_offers (channel, chat_id, question, offered_at) VALUES (?, ?, ?, ?)",
        (ALICE.channel, ALICE.chat_id, "lớp bơi hè", 10.0),
    )
    raw.commit()
    raw.close()
    async with await Store.open(db_path) as store:
        book = TicketBook(store)
        kept = await book.offer_of(ALICE)
        assert kept is not None and (kept.question, kept.complaint) == ("lớp bơi hè", False)
        await book.offer(BINH, "cán bộ thái độ quá tệ", 20.0, complaint=True)
        offered = await book.offer_of(BINH)
        assert offered is not None and offered.complaint
        ticket = await book.open(BINH, offered.question, 30.0, complaint=offered.complaint)
        assert ticket.complaint
        reread = await book.get(ticket.id)
        assert reread is not None and reread.complaint
        earlier = await book.open(ALICE, kept.question, 40.0, complaint=kept.complaint)
        assert not earlier.complaint


async def test_tickets_posted_before_the_staff_group_was_recorded_are_taken_for_the_current(
    db_path: Path,
) -> None:
    """Migration 9 leaves the staff group of tickets posted before it NULL; the desk's
    first start takes them to be in the group configured then (where they were posted,
    the ward's group unchanged), so retention and /forget still take the residents'
    questions out of it. A ticket never posted names no group."""
    db_path.parent.mkdir(parents=True)
    raw = sqlite3.connect(db_path)
    for number, step in enumerate(MIGRATIONS[:8], 1):
        raw.executescript(f"BEGIN;\n{step}\nPRAGMA user_version = {number};\nCOMMIT;")
    raw.executescript(
        """
        INSERT INTO tickets (id, channel, chat_id, state, created_at, active_at, thread_id)
        VALUES (1, 'telegram', '1001', 'open', 10.0, 10.0, 501),
               (2, 'telegram', '1002', 'open', 20.0, 20.0, NULL),
               (3, 'zalo', '1001', 'open', 30.0, 30.0, NULL);
        INSERT INTO staff_posts (message_id, ticket_id) VALUES (900, 2), (901, 2);
        """
    )
    raw.commit()
    raw.close()
    async with await Store.open(db_path) as store:
        book = TicketBook(store)
        assert [t.staff_chat_id for t in await book.listing()] == [None, None, None]
        assert await book.claim(-100999) == 2
        assert await book.claim(-100777) == 0  # once: later tickets record their group
        assert [t.staff_chat_id for t in await book.listing()] == [-100999, -100999, None]
        assert await book.purge(100.0, 100.0) == 3
        due = await book.due_withdrawals(1e12)
        assert [(w.chat_id, w.thread_id, w.message_id) for w in due] == [
            (-100999, 501, None),
            (-100999, None, 900),
            (-100999, None, 901),
        ]


async def test_after_an_upgrade_notices_there_at_installation_stay_unalerted(
    db_path: Path,
) -> None:
    """Version 4 left every notice not alerted at 0, those indexed when the bot was
    installed too: a later fix of one of those alerts it, the installed ones never."""
    installed_at = 1722486012.3456789
    db_path.parent.mkdir(parents=True)
    raw = sqlite3.connect(db_path, isolation_level=None)
    for number, migration in enumerate(MIGRATIONS[:4]):
        raw.executescript(f"BEGIN;\n{migration}\nPRAGMA user_version = {number + 1};\nCOMMIT;")
    raw.execute("INSERT INTO meta VALUES ('alerts_since', ?)", (str(installed_at),))
    raw.executemany(
        "INSERT INTO seen_announcements (id, seen_at, alerted) VALUES (?, ?, 0)",
        [("2024-07-01-installed", installed_at), ("2024-08-01-no-topic", installed_at + 600)],
    )
    raw.close()
    async with await Store.open(db_path) as store:
        await store.subscribe(ALICE, "bhyt")
        notices = [
            NoticeRef("2024-07-01-installed", ("bhyt",)),
            NoticeRef("2024-08-01-no-topic", ("bhyt",)),
        ]
        queued = await store.note_announcements(notices, installed_at + 7200, ["telegram"])
        assert queued == {"2024-08-01-no-topic": 1}


async def test_after_an_upgrade_a_notice_alerted_before_it_is_not_alerted_again_if_renamed(
    db_path: Path,
) -> None:
    """Version 6 kept no title or date: they are filled in from the notices still there."""
    db_path.parent.mkdir(parents=True)
    raw = sqlite3.connect(db_path, isolation_level=None)
    for number, migration in enumerate(MIGRATIONS[:6]):
        raw.executescript(f"BEGIN;\n{migration}\nPRAGMA user_version = {number + 1};\nCOMMIT;")
    raw.execute("INSERT INTO meta VALUES ('alerts_since', '1722400000.0')")
    raw.execute("INSERT INTO seen_announcements VALUES ('2024-08-01-lich-tim', 1722480000.0, 1)")
    raw.close()
    async with await Store.open(db_path) as store:
        await store.subscribe(ALICE, "bhyt")
        notice = NoticeRef("2024-08-01-lich-tim", ("bhyt",), True, "Lịch tiêm", "2024-08-01")
        assert await store.note_announcements([notice], 1722490000.0, ["telegram"]) == {}
        renamed = dataclasses.replace(notice, id="2024-08-01-lich-tiem")
        assert await store.note_announcements([renamed], 1722490060.0, ["telegram"]) == {
            "2024-08-01-lich-tiem": 0
        }


async def test_a_read_only_folder_shows_what_a_crashed_bot_left_in_the_write_ahead_log(
    tmp_path: Path,
) -> None:
    """A bot killed (kill -9, a power cut) leaves its last writes in bot.sqlite3-wal; a
    bot started on that folder read-only must read them too."""
    running = tmp_path / "running"
    store = await Store.open(running / "bot.sqlite3")
    try:
        await store.subscribe(ALICE, "bhyt")
        await store.subscribe(BINH, "hoc-bong")
        await store.unsubscribe(BINH, "hoc-bong")
        # The folder as the crash leaves it: the changes are in the log only.
        left = tmp_path / "left"
        left.mkdir()
        for name in ("bot.sqlite3", "bot.sqlite3-wal"):
            shutil.copyfile(running / name, left / name)
    finally:
        await store.close()
    assert (left / "bot.sqlite3-wal").stat().st_size > 0
    with read_only_folder(left):
        async with await Store.open(left / "bot.sqlite3", read_only=True) as reading:
            assert await reading.subscriptions_of(ALICE) == ["bhyt"]
            assert await reading.subscriptions_of(BINH) == []
            with pytest.raises(sqlite3.OperationalError, match="readonly"):
                await reading.subscribe(BINH, "bhyt")
    assert sorted(p.name for p in left.iterdir()) == ["bot.sqlite3", "bot.sqlite3-wal"]


async def crashed_folder(tmp_path: Path) -> Path:
    """A data folder as a killed bot leaves it: its last writes in bot.sqlite3-wal."""
    running = tmp_path / "running"
    async with await Store.open(running / "bot.sqlite3") as store:
        await store.subscribe(ALICE, "bhyt")
        left = tmp_path / "left"
        left.mkdir()
        for name in ("bot.sqlite3", "bot.sqlite3-wal"):
            shutil.copyfile(running / name, left / name)
    assert (left / "bot.sqlite3-wal").stat().st_size > 0
    return left


READ_ONLY_BOT = """
import asyncio, sys
from wardbot.store import Store

async def serve():
    store = await Store.open(sys.argv[1], read_only=True)
    print("serving", flush=True)
    await asyncio.sleep(60)
    await store.close()

asyncio.run(serve())
"""


def kill_read_only_bots(folders: list[Path], tmp: Path) -> None:
    """Start a read-only bot on each folder in turn (TMPDIR `tmp`), and kill -9 it."""
    for folder in folders:
        bot = subprocess.Popen(
            [sys.executable, "-c", READ_ONLY_BOT, str(folder / "bot.sqlite3")],
            cwd=Path(__file__).resolve().parent.parent,
            env={**os.environ, "TMPDIR": str(tmp)},
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert bot.stdout is not None and bot.stdout.readline() == "serving\n"
        finally:
            bot.kill()
            bot.wait()
            if bot.stdout is not None:
                bot.stdout.close()


async def test_copies_of_the_database_killed_bots_left_are_removed_at_the_next_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only start reads the database from a copy in TMPDIR (chat ids, tickets, web
    conversations): a bot killed meanwhile (kill -9, docker kill, out of memory) cannot
    remove it, and /forget never reaches it. The next read-only start removes such copies
    of the same database; a running bot's copy, and copies of other databases, stay."""
    left = await crashed_folder(tmp_path)
    other = await crashed_folder(tmp_path / "other-ward")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    # Killed twice, and another ward's bot once.
    await asyncio.to_thread(kill_read_only_bots, [left, left, other], tmp)
    assert len(list(tmp.glob("wardbot-db-*"))) == 2  # without removal: 3
    with read_only_folder(left):
        async with await Store.open(left / "bot.sqlite3", read_only=True) as running:
            async with await Store.open(left / "bot.sqlite3", read_only=True) as started:
                assert await started.subscriptions_of(ALICE) == ["bhyt"]
                copies = {p.name for p in tmp.glob("wardbot-db-*")}
                assert len(copies) == 3  # the running bot's, this one's, the other ward's
            assert await running.subscriptions_of(ALICE) == ["bhyt"]
    [kept] = tmp.glob("wardbot-db-*")
    assert [p.name for p in kept.glob("*.sqlite3")] == ["bot.sqlite3"]
    assert json.loads((kept / "owner.json").read_text())["source"] == str(
        (other / "bot.sqlite3").resolve()
    )


async def test_a_read_only_start_that_fails_leaves_no_copy_of_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    left = tmp_path / "left"
    left.mkdir()
    (left / "bot.sqlite3").write_bytes(b"not a database, " * 512)
    (left / "bot.sqlite3-wal").write_bytes(b"nor a log" * 64)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    with read_only_folder(left), pytest.raises(StoreError):
        await Store.open(left / "bot.sqlite3", read_only=True)
    assert list(tmp.iterdir()) == []


async def test_the_notice_shown_last_is_kept_per_chat_and_goes_with_the_question_log(
    db_path: Path,
) -> None:
    """What "xem toàn văn" opens survives a restart; retention deletes it with the old
    questions."""
    async with await Store.open(db_path) as store:
        await store.keep_shown(ALICE, "full:2024-07-15-bhyt", 1, 100.0)
        await store.keep_shown(ZALO_ALICE, None, None, 200.0)
        await store.keep_shown(ALICE, "full:2024-07-16-hoc-bong", None, 300.0)
    async with await Store.open(db_path) as store:
        assert await store.shown(ALICE) == ("full:2024-07-16-hoc-bong", None, None)
        assert await store.shown(ZALO_ALICE) == (None, None, None)
        assert await store.shown(BINH) is None
        await store.purge(250.0)
        assert await store.shown(ZALO_ALICE) is None
        assert await store.shown(ALICE) is not None


async def test_a_follow_up_subject_goes_with_the_question_log_on_a_quiet_bot(
    db_path: Path,
) -> None:
    """The entries a chat was last answered with go at the next write after 10 minutes;
    on a bot no one writes to, retention deletes them with the old questions, not never."""
    async with await Store.open(db_path) as store:
        await store.keep_subject(ALICE, ("dang-ky-ket-hon",), 100.0, 0.0)
        await store.keep_subject(BINH, ("cap-lai-can-cuoc",), 300.0, 0.0)
        await store.purge(250.0)
        assert await store.subject(ALICE, 0.0) is None
        assert await store.subject(BINH, 0.0) == (("cap-lai-can-cuoc",), 300.0)


async def test_followers_moved_to_a_topics_new_id_are_each_kept_once(db_path: Path) -> None:
    """A chat that came to follow the new id too (between the change and the move) is one
    follower of it; the other topics stay as they were."""
    both, one = ChatRef("telegram", "1"), ChatRef("zalo", "2")
    async with await Store.open(db_path) as store:
        await store.subscribe(both, "hocbong")
        await store.subscribe(both, "hoc-bong")
        await store.subscribe(one, "bhyt")
        await store.subscribe(one, "hocbong")
        assert await store.move_followers("hocbong", "hoc-bong") == 2
        assert await store.subscriptions_of(both) == ["hoc-bong"]
        assert sorted(await store.subscriptions_of(one)) == ["bhyt", "hoc-bong"]
        assert await store.subscriber_counts() == {"bhyt": 1, "hoc-bong": 2}
