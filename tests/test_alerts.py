"""Subscriptions turned into alerts: new notices noticed, queued once, pushed at a pace.

A recording channel stands in for Telegram or Zalo here; tests/test_telegram_alerts.py runs
the same path through python-telegram-bot and the fake Bot API.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import functools
import itertools
import logging
import os
import shutil
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from chat_ward import TODAY, write_chat_ward

from wardbot import messages as msg
from wardbot import outbox
from wardbot.admin import Admin
from wardbot.alerts import (
    BACK_AFTER,
    FORCE_WAIT_AT_MOST_SECONDS,
    SETTLE_AT_MOST_SECONDS,
    SETTLE_SECONDS,
    UNRUN_GRACE,
    Alerts,
    ContentWatcher,
    saved_snapshot,
)
from wardbot.app import retention_task
from wardbot.config import Settings
from wardbot.conversation import Conversation
from wardbot.delivery import (
    ChatMoved,
    ChatUnreachable,
    Pace,
    PermanentError,
    RetryLater,
    TransientError,
)
from wardbot.engine import Engine
from wardbot.faq_edit import FaqEdit, FaqEditError, FaqEditor
from wardbot.faq_file import load_faq
from wardbot.hours import VIETNAM
from wardbot.outbox import (
    MAX_ATTEMPTS,
    MAX_BACKOFF,
    NOTICE_RECHECK,
    RETRY_FOR,
    WITHDRAWN_GRACE,
    Composer,
    Sender,
    Senders,
)
from wardbot.reply import Reply
from wardbot.store import ChatRef, Store
from wardbot.store.chats import UNREACHABLE_KEEP
from wardbot.supervise import MAX_DELAY, Restarts, Supervised
from wardbot.told import REMIND_AFTER
from wardbot.topic_renames import REMEMBER_DAYS

ADMIN = ChatRef("telegram", "42")


class Ticks:
    """A monotonic clock that moves only when the sender waits, and then at once."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


class Recorder:
    """A channel that records what it is asked to push, and when (on `ticks`, the sender's
    pacing clock); failures can be planned per chat."""

    def __init__(self, name: str = "telegram", pace: Pace | None = None) -> None:
        self.name = name
        self.pace = pace or Pace(per_second=1000.0, per_chat_interval=0.0)
        self.ticks = Ticks()
        self.sent: list[tuple[str, list[Reply], float]] = []
        self.tried: list[tuple[str, float]] = []  # every attempt, failed or not
        self.plan: dict[str, list[BaseException]] = {}
        self.attempts = 0
        self.hold_at: int | None = None  # block forever on this attempt (a crash mid-send)
        self.holding = asyncio.Event()

    async def deliver(self, chat_id: str, replies: Sequence[Reply]) -> None:
        self.attempts += 1
        self.tried.append((chat_id, self.ticks()))
        if self.hold_at == self.attempts:
            self.holding.set()
            await asyncio.Event().wait()
        planned = self.plan.get(chat_id)
        if planned:
            raise planned.pop(0)
        self.sent.append((chat_id, list(replies), self.ticks()))

    def chats(self) -> list[str]:
        return [chat for chat, _, _ in self.sent]


@dataclass
class Ward:
    root: Path
    settings: Settings
    engine: Engine
    store: Store
    alerts: Alerts
    watcher: ContentWatcher
    channel: Recorder
    sender: Sender
    now: list[float]

    @property
    def content(self) -> Path:
        return self.settings.content_dir

    def clock(self) -> float:
        return self.now[0]


async def open_ward(root: Path, channel: Recorder | None = None, *, today: dt.date = TODAY) -> Ward:
    faq, content = root / "faq.yaml", root / "content"
    if not faq.exists():
        write_chat_ward(root)
    settings = Settings(
        faq_file=faq,
        content_dir=content,
        data_dir=root / "data",
        ward_name="UBND Phường 2",
        admin_ids=frozenset({f"{ADMIN.channel}:{ADMIN.chat_id}"}),
    )
    engine = Engine.open(faq, content, settings.data_dir, today=today)
    store = await Store.open(settings.data_dir / "bot.sqlite3")
    now = [time.time()]
    channel = channel or Recorder()
    sender = Sender(
        store,
        channel,
        Composer(lambda: engine.corpus, store, content, today=lambda: engine.today),
        clock=lambda: now[0],
        monotonic=channel.ticks,
        sleep=channel.ticks.sleep,
    )
    alerts = Alerts(engine, store, settings, [channel.name], clock=lambda: now[0])
    # Each test's edit is one whole save, applied at the next look (settling has its own).
    watcher = ContentWatcher(engine, alerts, settings, settle_seconds=0.0)
    return Ward(root, settings, engine, store, alerts, watcher, channel, sender, now)


async def close_ward(ward: Ward) -> None:
    await ward.store.close()
    ward.engine.close()


@pytest.fixture
async def ward(tmp_path: Path) -> AsyncIterator[Ward]:
    opened = await open_ward(tmp_path)
    assert await opened.alerts.sync() == {}, "the first start only remembers what is there"
    yield opened
    await close_ward(opened)


def write_notice(
    content: Path,
    slug: str,
    title: str,
    *,
    day: dt.date = TODAY,
    topics: str | None = None,
    body: str = "Nội dung chi tiết của thông báo.",
    expires: dt.date | None = None,
) -> str:
    notice_id = f"{day.isoformat()}-{slug}"
    front = [f"title: {title}", f"date: {day.isoformat()}"]
    if topics is not None:
        front.append(f"topics: [{topics}]")
    if expires is not None:
        front.append(f"expires: {expires.isoformat()}")
    (content / f"{notice_id}.md").write_text(
        "---\n" + "\n".join(front) + "\n---\n" + body + "\n", encoding="utf-8"
    )
    return notice_id


def residents(ward: Ward) -> list[str]:
    """The chats the ward's messages went to, but the admin's (told of staff mistakes)."""
    return [chat for chat in ward.channel.chats() if chat != ADMIN.chat_id]


async def follow(ward: Ward, chat_id: str, *topics: str) -> ChatRef:
    chat = ChatRef(ward.channel.name, chat_id)
    for topic in topics:
        await ward.store.subscribe(chat, topic)
    return chat


# --- noticing new announcements ---------------------------------------------------------


async def test_the_first_start_indexes_what_is_there_without_alerting(tmp_path: Path) -> None:
    write_chat_ward(tmp_path)
    write_notice(tmp_path / "content", "tiem-chung", "Lịch tiêm chủng tháng 8", topics="bhyt")
    ward = await open_ward(tmp_path)
    try:
        await follow(ward, "1", "bhyt")
        assert await ward.alerts.sync() == {}
        assert not await ward.sender.drain()
        assert ward.channel.sent == []
        assert ward.engine.ask("lịch tiêm chủng tháng 8").best.id.endswith("tiem-chung")
    finally:
        await close_ward(ward)


async def test_a_new_notice_alerts_exactly_its_subscribers_once(ward: Ward) -> None:
    await follow(ward, "1", "bhyt")
    await follow(ward, "2", "hoc-bong")
    await follow(ward, "3", "bhyt", "cu-tru")
    await follow(ward, "4", "hoc-bong", "ho-tich")
    notice = write_notice(
        ward.content,
        "cap-the-bhyt-hoc-sinh",
        "Cấp thẻ bảo hiểm y tế cho học sinh năm học mới",
        topics="bhyt",
        body="Học sinh nhận thẻ bảo hiểm y tế tại trường từ ngày 15/8.\n\nChi tiết liên hệ.",
    )
    assert await ward.watcher.refresh()
    best = ward.engine.ask("cấp thẻ bhyt cho học sinh năm học mới").best
    assert best is not None and best.id == notice  # searchable at once

    await ward.sender.drain()
    assert sorted(ward.channel.chats()) == ["1", "3"]
    assert not await ward.watcher.refresh()
    await ward.alerts.sync()
    assert not await ward.sender.drain(), "nothing is queued twice"
    assert sorted(ward.channel.chats()) == ["1", "3"]


async def test_the_alert_shows_title_date_first_lines_and_opens_the_whole_notice(
    ward: Ward,
) -> None:
    await follow(ward, "1", "bhyt")
    body = "\n\n".join(f"Đoạn {n}: " + "thông tin chi tiết về việc cấp thẻ. " * 8 for n in range(8))
    write_notice(ward.content, "cap-the", "Cấp thẻ BHYT đợt 2", topics="bhyt", body=body)
    await ward.watcher.refresh()
    await ward.sender.drain()
    ((chat, (reply,), _),) = ward.channel.sent
    assert reply.title is not None and "Cấp thẻ BHYT đợt 2" in reply.title
    assert reply.footer is not None and "01/08/2024" in reply.footer
    assert "Bảo hiểm y tế" in reply.footer  # why the resident gets it
    assert reply.text.startswith("Đoạn 0:") and "Đoạn 7" not in reply.text
    (button,) = reply.buttons
    conversation = Conversation(ward.engine, ward.store, ward.settings)
    (full,) = await conversation.handle_action(ChatRef("telegram", chat), button.action)
    assert "Đoạn 7" in full.text


async def test_a_topic_an_edit_breaks_still_alerts_its_followers_and_can_be_followed(
    tmp_path: Path,
) -> None:
    """Staff empty the name of the topic bhyt in faq.yaml: it serves as it last read, so a
    notice tagged with it still alerts its followers, after a restart too, and residents
    are still offered it to follow."""
    ward = await open_ward(tmp_path)
    try:
        await ward.alerts.sync()
        await follow(ward, "1", "bhyt")
        faq = ward.settings.faq_file
        text = faq.read_text(encoding="utf-8")
        faq.write_text(text.replace("    name: Bảo hiểm y tế\n", "    name:\n", 1), "utf-8")
        await ward.watcher.refresh()
        write_notice(ward.content, "cap-the", "Cấp thẻ bảo hiểm y tế cho học sinh", topics="bhyt")
        assert await ward.watcher.refresh()
        await ward.sender.drain()
        assert residents(ward) == ["1"]
    finally:
        await close_ward(ward)
    ward = await open_ward(tmp_path)  # restarted, the topic still broken
    try:
        assert "Bảo hiểm y tế" in [topic.name for topic in ward.engine.corpus.topics]
        write_notice(ward.content, "gia-han", "Gia hạn thẻ bảo hiểm y tế", topics="bhyt")
        assert await ward.watcher.refresh()
        await ward.sender.drain()
        assert residents(ward) == ["1"]
    finally:
        await close_ward(ward)


async def test_a_notice_without_topics_reaches_the_followers_of_its_keywords(ward: Ward) -> None:
    await follow(ward, "1", "hoc-bong")
    await follow(ward, "2", "bhyt")
    write_notice(
        ward.content,
        "trao-thuong",
        "Trao thưởng cho học sinh giỏi",
        body="Hội khuyến học phường trao học bổng cho 20 em học sinh vượt khó.",
    )
    await ward.watcher.refresh()
    await ward.sender.drain()
    assert ward.channel.chats() == ["1"]


@pytest.mark.parametrize(
    ("title", "body", "alerted"),
    [
        # A meeting asking newcomers to bring their papers is about neither paper.
        (
            "Họp tổ dân phố 4 bàn việc chỉnh trang hẻm",
            "Sáng Chủ nhật, tổ dân phố 4 họp tại nhà văn hóa bàn việc chỉnh trang hẻm.\n\n"
            "Bà con góp ý về đèn chiếu sáng và lịch quét dọn.\n\n"
            "Ai mới chuyển đến thì mang theo giấy tạm trú và thẻ BHYT để tổ ghi danh sách.",
            [],
        ),
        # A scholarship notice listing the papers to hand in is about scholarships only.
        (
            "Xét học bổng học kỳ I cho học sinh vượt khó",
            "Hội phường nhận hồ sơ xét học bổng đến hết ngày 20/11.\n\n"
            "Hồ sơ gồm đơn, bảng điểm, bản sao thẻ BHYT và xác nhận tạm trú nếu có.",
            ["2"],
        ),
        # A generic title and a heading above the lead, in a long notice about BHYT.
        (
            "Thông báo",
            "**THÔNG BÁO**\n\nVề việc gia hạn thẻ BHYT hộ gia đình trước ngày 31/12.\n\n"
            + "Đến hạn, hộ gia đình nộp tiền tại đại lý thu gần nhà và nhận biên lai. " * 8,
            ["1"],
        ),
        # Written without accents, as some staff type on the phone.
        ("Thong bao gia han the bao hiem y te", "Cac ho den tram y te truoc 31/12.", ["1"]),
        # ... or with some of them.
        ("Hướng dẫn gia hạn thẻ bao hiểm y te hộ gia đình", "Các hộ đến đại lý thu.", ["1"]),
        # A long notice under a generic lead, about what opens the text below it.
        (
            "Thông báo của UBND phường",
            "UBND phường thông báo đến toàn thể nhân dân trên địa bàn được biết.\n\n"
            "Từ tháng 12, công an phường nhận hồ sơ đăng ký tạm trú vào chiều thứ Bảy.\n\n"
            + "Người dân đến đúng giờ hẹn, xếp hàng theo số thứ tự tại bộ phận tiếp nhận. " * 20
            + "\n\nHồ sơ tạm trú nộp trực tuyến vẫn được nhận như trước.\n\n"
            + "Cán bộ hướng dẫn tận tình, người dân không phải chờ lâu như trước đây nữa. " * 10
            + "\n\nNgười dân nhớ mang theo thẻ BHYT nếu cần khai báo thêm.",
            ["3"],
        ),
        # ... however long: 1,500 words coming back to it twice.
        (
            "THONG BAO",
            "UBND phường thông báo đến toàn thể nhân dân trên địa bàn được biết.\n\n"
            "Từ tháng 12, công an phường nhận hồ sơ đăng ký tạm trú vào chiều thứ Bảy.\n\n"
            + "Người dân đến đúng giờ hẹn, xếp hàng theo số thứ tự tại bộ phận tiếp nhận. " * 50
            + "\n\nHo so tam tru nop truc tuyen van duoc nhan nhu truoc.\n\n"
            + "Cán bộ hướng dẫn tận tình, người dân không phải chờ lâu như trước đây nữa. " * 50
            + "\n\nChủ nhà trọ báo tạm trú cho người thuê trong 3 ngày.",
            ["3"],
        ),
    ],
)
async def test_a_notice_without_topics_reaches_only_the_followers_of_what_it_is_about(
    ward: Ward, title: str, body: str, alerted: list[str]
) -> None:
    await follow(ward, "1", "bhyt")
    await follow(ward, "2", "hoc-bong")
    await follow(ward, "3", "cu-tru")
    write_notice(ward.content, "thong-bao", title, body=body)
    await ward.watcher.refresh()
    await ward.sender.drain()
    assert residents(ward) == alerted


async def test_editing_a_notice_does_not_alert_again_and_deleting_it_unindexes_it(
    ward: Ward,
) -> None:
    await follow(ward, "1", "cu-tru")
    notice = write_notice(
        ward.content, "tam-tru", "Hướng dẫn khai báo tạm trú dịp lễ", topics="cu-tru"
    )
    await ward.watcher.refresh()
    await ward.sender.drain()
    assert ward.channel.chats() == ["1"]

    path = ward.content / f"{notice}.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Nội dung", "Nội dung đã sửa"), encoding="utf-8"
    )
    assert await ward.watcher.refresh()
    assert "đã sửa" in ward.engine.document(notice).body
    await ward.sender.drain()
    assert ward.channel.chats() == ["1"]

    path.unlink()
    assert await ward.watcher.refresh()
    assert ward.engine.document(notice) is None
    answer = ward.engine.ask("khai báo tạm trú dịp lễ")
    assert all(hit.id != notice for hit in answer.results)


async def test_a_notice_file_renamed_is_not_alerted_again(ward: Ward) -> None:
    await follow(ward, "1", "bhyt")
    notice = write_notice(ward.content, "lich-tiem", "Lịch tiêm chủng tháng 8", topics="bhyt")
    await ward.watcher.refresh()
    await ward.sender.drain()
    assert ward.channel.chats() == ["1"]

    old, new = ward.content / f"{notice}.md", ward.content / f"{TODAY}-lich-tiem-chung.md"
    old.rename(new)
    assert await ward.watcher.refresh()
    assert ward.engine.document(new.stem) is not None
    await ward.sender.drain()
    assert ward.channel.chats() == ["1"], "not alerted again"

    # Another notice the same day is news, and so is one with that title on another day.
    write_notice(ward.content, "tiem-bo-sung", "Lịch tiêm chủng bổ sung tháng 8", topics="bhyt")
    later = TODAY + dt.timedelta(days=7)
    write_notice(ward.content, "lich-tiem", "Lịch tiêm chủng tháng 8", topics="bhyt", day=later)
    await ward.watcher.refresh()
    await ward.sender.drain()
    assert ward.channel.chats() == ["1", "1"]  # the two published together: one message
    assert len(ward.channel.sent[-1][1][0].buttons) == 2


SCHEDULE = (
    "Trạm y tế phường tiêm vắc xin sởi cho trẻ từ 9 tháng tuổi vào sáng thứ Bảy 10/8, "
    "từ 7 giờ 30 đến 11 giờ, tại nhà văn hóa khu phố 2. Phụ huynh mang theo sổ tiêm chủng."
)


async def published(ward: Ward, slug: str, title: str, body: str) -> str:
    """A notice about bhyt written into content/, noticed, and what is due sent."""
    notice = write_notice(ward.content, slug, title, topics="bhyt", body=body)
    await ward.watcher.refresh()
    await ward.sender.drain()
    return notice


async def in_place_of(ward: Ward, old: str, slug: str, title: str, body: str) -> str:
    """The notice `old` deleted and another one written (the same one renamed and edited,
    or a new one in its place), both noticed at once; then what is due is sent."""
    (ward.content / f"{old}.md").unlink()
    new = write_notice(ward.content, slug, title, topics="bhyt", body=body)
    assert await ward.watcher.refresh()
    await ward.sender.drain()
    return new


async def test_a_notice_renamed_with_its_title_typo_fixed_is_not_alerted_again(
    ward: Ward,
) -> None:
    """Staff fix a typo in a notice's title and its file name at once (the file moved to
    the new name): the same notice, not news."""
    await follow(ward, "1", "bhyt")
    notice = write_notice(
        ward.content, "lich-tiem-chng", "Lịch tiêm chủng thág 8", topics="bhyt", body=SCHEDULE
    )
    await ward.watcher.refresh()
    await ward.sender.drain()
    assert ward.channel.chats() == ["1"]

    fixed = await in_place_of(ward, notice, "lich-tiem-chung", "Lịch tiêm chủng tháng 8", SCHEDULE)
    assert ward.engine.document(fixed) is not None
    assert ward.channel.chats() == ["1"], "not alerted again"

    # Its capitals changed too, and its text retyped (spaces, punctuation): still the same.
    retyped = SCHEDULE.replace(", ", " ,  ").replace(". ", "... ")
    await in_place_of(ward, fixed, "lich-tiem-chung-thang-8", "LỊCH TIÊM CHỦNG THÁNG 8", retyped)
    assert ward.channel.chats() == ["1"], "not alerted again"


async def test_a_notice_moved_by_copying_it_and_fixing_its_title_is_not_alerted_again(
    ward: Ward,
) -> None:
    """The same, done as a file manager does a move: the file copied to its new name, the
    typo fixed in the copy, and only then the original deleted."""
    await follow(ward, "1", "bhyt")
    notice = write_notice(
        ward.content, "lich-tiem-chng", "Lịch tiêm chủng thág 8", topics="bhyt", body=SCHEDULE
    )
    await ward.watcher.refresh()
    await ward.sender.drain()
    copy = ward.content / f"{TODAY.isoformat()}-lich-tiem-chung.md"
    copy.write_bytes((ward.content / f"{notice}.md").read_bytes())
    assert await ward.watcher.refresh()
    # Word for word the same, the copy waits (admins are told of it) until it is edited.
    assert ward.engine.document(copy.stem) is None
    text = copy.read_text(encoding="utf-8").replace("thág 8", "tháng 8")
    copy.write_text(text, encoding="utf-8")
    assert await ward.watcher.refresh()
    await ward.sender.drain()
    assert residents(ward) == ["1"], "a copy whose text is the same is no news"
    (ward.content / f"{notice}.md").unlink()
    assert await ward.watcher.refresh()
    await ward.sender.drain()
    assert residents(ward) == ["1"], "not alerted again"
    assert ward.engine.document(copy.stem) is not None


async def test_a_new_notice_like_one_removed_is_still_news(ward: Ward) -> None:
    """Next week's schedule put in place of this week's (the old file deleted), the same
    text but for its dates and a title a few letters apart, is a new notice; so is another
    text under a title one letter apart."""
    await follow(ward, "1", "bhyt")
    week = await published(ward, "lich-tiem-tuan-1", "Lịch tiêm chủng tuần 1", SCHEDULE)
    next_week = SCHEDULE.replace("10/8", "17/8")
    await in_place_of(ward, week, "lich-tiem-tuan-2", "Lịch tiêm chủng tuần 2", next_week)
    assert ward.channel.chats() == ["1", "1"]

    ward.now[0] += 3600
    other = write_notice(
        ward.content, "hop-to-1", "Họp tổ dân phố An Hòa", topics="bhyt", body="Họp về an ninh."
    )
    await ward.watcher.refresh()
    await ward.sender.drain()
    await in_place_of(ward, other, "hop-to-2", "Họp tổ dân phố An Hội", "Họp về vệ sinh.")
    assert ward.channel.chats() == ["1", "1", "1", "1"]

    # The same text word for word under a title with a word more, or another place whose
    # name differs by its accents only (and so does the text), is news too.
    ward.now[0] += 3600
    first = write_notice(ward.content, "a", "Họp dân Tân Hòa", topics="bhyt", body="Tại Tân Hòa.")
    await ward.watcher.refresh()
    await ward.sender.drain()
    second = await in_place_of(ward, first, "b", "Họp dân Tân Hóa", "Tại Tân Hóa.")
    await in_place_of(ward, second, "c", "Họp dân Tân Hóa mở rộng", "Tại Tân Hóa.")
    assert ward.channel.chats() == ["1"] * 7


async def test_a_notice_alerted_once_its_topic_was_added_is_not_alerted_again_when_renamed(
    ward: Ward,
) -> None:
    """A notice first published without a topic, alerted once staff added one, then
    renamed with a typo in its title fixed: the same notice, not news (its text was not
    kept when it was alerted, so it was taken for a new one)."""
    await follow(ward, "1", "bhyt")
    notice = write_notice(ward.content, "lich-tiem-chng", "Lịch tiêm chủng thág 8", body=SCHEDULE)
    await ward.watcher.refresh()
    await ward.sender.drain()
    assert ward.channel.chats() == [ADMIN.chat_id], "no topic yet: only admins are told"
    write_notice(
        ward.content, "lich-tiem-chng", "Lịch tiêm chủng thág 8", topics="bhyt", body=SCHEDULE
    )
    assert await ward.watcher.refresh()
    await ward.sender.drain()
    assert ward.channel.chats() == [ADMIN.chat_id, "1"]

    await in_place_of(ward, notice, "lich-tiem-chung", "Lịch tiêm chủng tháng 8", SCHEDULE)
    assert ward.channel.chats() == [ADMIN.chat_id, "1"], "not alerted again"


async def test_a_notice_alerted_by_an_earlier_version_is_not_alerted_again_when_renamed(
    ward: Ward,
) -> None:
    """A notice alerted before the bot kept notices' text (its row has none), renamed
    with its title's typo fixed after the upgrade: the text it had when the bot last saw
    it tells it is the same notice."""
    await follow(ward, "1", "bhyt")
    notice = await published(ward, "lich-tiem-chng", "Lịch tiêm chủng thág 8", SCHEDULE)
    await ward.store.db.execute("UPDATE seen_announcements SET text_digest = NULL")
    await ward.store.db.commit()
    await ward.alerts.sync()  # the upgraded bot looks at its notices (at its start)

    await in_place_of(ward, notice, "lich-tiem-chung", "Lịch tiêm chủng tháng 8", SCHEDULE)
    assert ward.channel.chats() == ["1"], "not alerted again"


async def test_a_new_notice_in_place_of_a_deleted_one_with_its_title_is_news(ward: Ward) -> None:
    """A notice deleted and another written under the same title the same day, with
    another text (today's second power cut, in another neighbourhood), is a new notice:
    its followers are alerted. Renamed with its text unchanged, it is the same notice,
    even when its text was edited before the rename."""
    await follow(ward, "1", "bhyt")
    title = "Thông báo lịch cắt điện"
    kp1 = write_notice(ward.content, "cat-dien", title, topics="bhyt", body="Khu phố 1, 8 giờ.")
    await ward.watcher.refresh()
    await ward.sender.drain()
    kp3 = await in_place_of(ward, kp1, "cat-dien-kp3", title, "Khu phố 3, 13 giờ.")
    assert ward.channel.chats() == ["1", "1"]
    (reply,) = ward.channel.sent[-1][1]
    assert "Khu phố 3" in reply.text and reply.buttons[0].action == f"full:{kp3}"

    write_notice(ward.content, "cat-dien-kp3", title, topics="bhyt", body="Khu phố 3, 14 giờ.")
    assert await ward.watcher.refresh()  # edited in place: no alert
    kp3 = await in_place_of(ward, kp3, "cat-dien-khu-pho-3", title, "Khu phố 3, 14 giờ.")
    # Renamed: not alerted again; the hour changed before the rename is corrected, under
    # the new name (the correction waiting went along).
    assert ward.channel.chats() == ["1", "1", "1"]
    (correction,) = ward.channel.sent[-1][1]
    assert (correction.title or "").startswith("✏️") and "14 giờ" in correction.text
    assert correction.buttons[0].action == f"full:{kp3}"


async def test_two_notices_with_one_title_the_same_day_are_two_notices(ward: Ward) -> None:
    await follow(ward, "1", "bhyt")
    title = "Thông báo lịch cắt điện"
    kp1 = write_notice(ward.content, "cat-dien-kp1", title, topics="bhyt", body="Khu phố 1.")
    await ward.watcher.refresh()  # its alert waits (a channel down, a long fan-out)
    kp3 = write_notice(ward.content, "cat-dien-kp3", title, topics="bhyt", body="Khu phố 3.")
    assert await ward.watcher.refresh()
    await ward.sender.drain()
    # Both alerted (in one message: they wait together), each opening its own notice: the
    # second takes nothing over.
    ((_, (reply,), _),) = ward.channel.sent
    assert [button.action for button in reply.buttons] == [f"full:{kp1}", f"full:{kp3}"]

    # The first renamed while the second stays: the same notice, not alerted again.
    (ward.content / f"{kp1}.md").rename(ward.content / f"{TODAY}-cat-dien-khu-pho-1.md")
    assert await ward.watcher.refresh()
    await ward.sender.drain()
    assert len(ward.channel.sent) == 1
    # A third that day, under that title too, is news again.
    kp5 = write_notice(ward.content, "cat-dien-kp5", title, topics="bhyt", body="Khu phố 5.")
    assert await ward.watcher.refresh()
    await ward.sender.drain()
    assert ward.channel.sent[-1][1][0].buttons[0].action == f"full:{kp5}"
    assert len(ward.channel.sent) == 2


async def test_a_notice_copied_to_be_edited_is_alerted_once_edited_not_as_a_duplicate(
    ward: Ward,
) -> None:
    """Staff copy yesterday's power cut notice for another neighbourhood, then edit the
    copy: residents get the edited one, never a second copy of the first; a copy made to
    move a file (copied, then the original deleted) is not news at all."""
    await follow(ward, "1", "bhyt")
    title = "Thông báo lịch cắt điện"
    kp1 = write_notice(ward.content, "cat-dien-kp1", title, topics="bhyt", body="Khu phố 1.")
    await ward.watcher.refresh()
    await ward.sender.drain()
    assert len(ward.channel.sent) == 1

    copy = ward.content / f"{TODAY.isoformat()}-cat-dien-kp3.md"
    copy.write_bytes((ward.content / f"{kp1}.md").read_bytes())
    assert await ward.watcher.refresh()
    await ward.sender.drain()
    assert residents(ward) == ["1"], "an unedited copy is the same notice twice"
    assert ward.engine.document(copy.stem) is None
    ward.now[0] += 5 * 60  # the clerk takes a few minutes to edit it
    assert not await ward.watcher.refresh()
    copy.write_text(copy.read_text(encoding="utf-8").replace("Khu phố 1.", "Khu phố 3."), "utf-8")
    assert await ward.watcher.refresh()
    await ward.sender.drain()
    assert residents(ward) == ["1", "1"]
    # Copied to be edited, the copy was never news to admins: neither told nor told fixed.
    assert ADMIN.chat_id not in ward.channel.chats()
    (reply,) = [sent for sent in ward.channel.sent if sent[0] == "1"][-1][1]
    assert "Khu phố 3." in reply.text and reply.buttons[0].action == f"full:{copy.stem}"

    moved = ward.content / f"{TODAY.isoformat()}-cat-dien-khu-pho-3.md"
    moved.write_bytes(copy.read_bytes())  # a move done as copy, then delete
    assert await ward.watcher.refresh()
    copy.unlink()
    assert await ward.watcher.refresh()
    await ward.sender.drain()
    assert residents(ward) == ["1", "1"]
    assert ward.engine.document(moved.stem) is not None


async def test_a_notice_copy_left_as_it_is_for_minutes_is_told_to_admins_once(
    ward: Ward,
) -> None:
    """A copy still word for word the notice ten minutes on is no copy being edited: admins
    hear of it once (with no edit to wake the bot), and that it is fixed once deleted."""
    await follow(ward, "1", "bhyt")
    title = "Thông báo lịch cắt điện"
    kp1 = write_notice(ward.content, "cat-dien-kp1", title, topics="bhyt", body="Khu phố 1.")
    assert await ward.watcher.refresh()
    copy = ward.content / f"{TODAY.isoformat()}-cat-dien-kp3.md"
    copy.write_bytes((ward.content / f"{kp1}.md").read_bytes())
    assert await ward.watcher.refresh()
    await ward.sender.drain()
    assert ward.channel.chats() == ["1"]
    assert [a.title for a in ward.engine.latest(10)].count(title) == 1, "served once meanwhile"

    ward.now[0] += 9 * 60
    assert not await ward.watcher.refresh()
    await ward.sender.drain()
    assert ward.channel.chats() == ["1"], "not yet: it may still be edited"
    ward.now[0] += 60
    assert not await ward.watcher.refresh()
    await ward.sender.drain()
    assert ward.channel.chats() == ["1", ADMIN.chat_id]
    note = ward.channel.sent[-1][1][0].text
    assert f"{copy.name}:1:" in note and f"{kp1}.md" in note
    ward.now[0] += 60
    assert not await ward.watcher.refresh()
    await ward.sender.drain()
    assert ward.channel.chats() == ["1", ADMIN.chat_id], "told once"

    copy.unlink()
    assert await ward.watcher.refresh()
    await ward.sender.drain()
    assert ward.channel.chats() == ["1", ADMIN.chat_id, ADMIN.chat_id]
    assert ward.channel.sent[-1][1][0].text == msg.admin_problems_fixed()


async def test_a_notice_copy_is_told_ten_minutes_after_it_was_first_seen_restarts_aside(
    tmp_path: Path,
) -> None:
    """A bot restarted every few minutes (a crash loop, deploys) still tells admins of a copy
    left as it is, ten minutes after it first saw it, and once: not again after a later
    restart. A copy deleted and made again waits its ten minutes anew."""
    first = await open_ward(tmp_path)
    assert await first.alerts.sync() == {}
    kp1 = write_notice(first.content, "cat-dien-kp1", "Lịch cắt điện", topics="bhyt")
    assert await first.watcher.refresh()
    copy = first.content / f"{TODAY.isoformat()}-cat-dien-kp3.md"
    copy.write_bytes((first.content / f"{kp1}.md").read_bytes())
    assert await first.watcher.refresh()
    now = first.now[0]
    await close_ward(first)

    async def restarted(after_minutes: float) -> list[str]:
        """The admin's messages of a bot started `after_minutes` after the copy was made."""
        ward = await open_ward(tmp_path)
        try:
            ward.now[0] = now + after_minutes * 60
            await ward.alerts.sync()
            await ward.alerts.report_problems()  # as `bot.py run` does at its start
            await ward.sender.drain()
            return [sent[0].text for chat, sent, _ in ward.channel.sent if chat == ADMIN.chat_id]
        finally:
            await close_ward(ward)

    assert await restarted(4) == []
    assert await restarted(8) == [], "not yet: it may still be edited"
    (note,) = await restarted(10.5)
    assert f"{copy.name}:1:" in note and f"{kp1}.md" in note
    assert await restarted(12) == [], "told once"

    saved = copy.read_bytes()
    copy.unlink()
    assert await restarted(13) == [msg.admin_problems_fixed()]
    copy.write_bytes(saved)
    assert await restarted(14) == [], "copied again: ten minutes from now"
    assert await restarted(23) == []
    assert len(await restarted(24.5)) == 1


async def test_a_copy_left_behind_when_its_original_is_edited_is_not_alerted_again(
    ward: Ward,
) -> None:
    """Staff copy a notice, then edit the original (not the copy): the copy, left with the
    text residents were alerted with already, is no news to them, then or later."""
    copy, _ = await copy_left_behind(ward, sent_first=True)
    write_notice(ward.content, "hop", "Họp tổ dân phố", body="Họp tổ.")  # a later edit
    assert await ward.watcher.refresh()
    await ward.sender.drain()
    replies = [reply for chat, sent, _ in ward.channel.sent if chat == "1" for reply in sent]
    opened = {button.action for reply in replies for button in reply.buttons}
    assert f"full:{copy.stem}" not in opened, "the old text again, beside its correction"
    # The original's edit is still told, as a correction.
    assert [reply.text for reply in replies] == ["Khu phố 1.", "Khu phố 1 và 2."]
    assert "sửa thông báo" in (replies[-1].title or "")


async def copy_left_behind(ward: Ward, *, sent_first: bool = False) -> tuple[Path, str]:
    """A notice alerted to chat "1", copied, then the original edited instead of the copy:
    the copy left behind, published with the text residents were alerted with. Returns the
    copy and the original's id. `sent_first`: the alert has reached chat "1" before the
    notice is copied (else it may still wait in the outbox then)."""
    await follow(ward, "1", "bhyt")
    kp1 = write_notice(
        ward.content, "cat-dien-kp1", "Thông báo lịch cắt điện", topics="bhyt", body="Khu phố 1."
    )
    assert await ward.watcher.refresh()
    if sent_first:
        await ward.sender.drain()
        assert residents(ward) == ["1"]
    copy = ward.content / f"{TODAY.isoformat()}-cat-dien-kp1-cu.md"
    copy.write_bytes((ward.content / f"{kp1}.md").read_bytes())
    assert await ward.watcher.refresh()
    original = ward.content / f"{kp1}.md"
    original.write_text(original.read_text("utf-8").replace("Khu phố 1.", "Khu phố 1 và 2."))
    assert await ward.watcher.refresh()
    await ward.sender.drain()
    assert ward.engine.document(copy.stem) is not None
    return copy, kp1


def reuse(copy: Path, title: str, body: str) -> None:
    """Staff reuse a notice's file for another notice: its title and text retyped."""
    copy.write_text(
        f"---\ntitle: {title}\ndate: {TODAY.isoformat()}\ntopics: [bhyt]\n---\n{body}\n",
        encoding="utf-8",
    )


async def test_a_copy_left_behind_then_edited_into_another_notice_is_alerted_once(
    ward: Ward,
) -> None:
    """The copy a clerk left behind (the original edited instead) is later reused for
    another notice: that one is news, alerted to its topic's followers once, like any new
    notice; further edits of it are edits of an alerted notice. Reworded only, it is still
    the news residents read: nothing is sent."""
    copy, _ = await copy_left_behind(ward)
    await follow(ward, "2", "bhyt")  # follows since: gets the new notice too
    sent = len(ward.channel.sent)
    copy.write_text(copy.read_text("utf-8").replace("Khu phố 1.", "Xin báo bà con Khu phố 1."))
    assert await ward.watcher.refresh()
    assert not await ward.sender.drain(), "the old news again"
    reuse(copy, "Lịch tiêm chủng tháng 9", "Tiêm chủng tại trạm y tế phường.")
    assert await ward.watcher.refresh()
    await ward.sender.drain()
    news = ward.channel.sent[sent:]
    assert sorted(chat for chat, _, _ in news) == ["1", "2"]
    for _, (reply,), _ in news:
        assert "tháng 9" in (reply.title or "") and "sửa thông báo" not in (reply.title or "")
        assert reply.buttons[0].action == f"full:{copy.stem}"

    # A typo fixed in it afterwards is an edit as any: nothing sent, nothing twice.
    copy.write_text(copy.read_text("utf-8").replace("trạm y tế", "Trạm Y tế"), "utf-8")
    assert await ward.watcher.refresh()
    await ward.alerts.sync()
    assert not await ward.sender.drain()
    assert len(ward.channel.sent) == sent + 2


async def test_a_copy_left_behind_reused_is_alerted_though_queueing_failed_half_way(
    ward: Ward, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database fails while the reused copy's alerts are being queued: nothing of that
    pass is kept, so the next look alerts it, once (the copy's mark is not lost alone)."""
    copy, _ = await copy_left_behind(ward)
    sent = len(ward.channel.sent)
    queue_alerts = ward.store._queue_alerts

    async def disk_full(*args: Any, **kwargs: Any) -> int:
        monkeypatch.setattr(ward.store, "_queue_alerts", queue_alerts)
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(ward.store, "_queue_alerts", disk_full)
    reuse(copy, "Lịch tiêm chủng tháng 9", "Tiêm chủng tại trạm y tế phường.")
    with pytest.raises(sqlite3.OperationalError):
        await ward.watcher.refresh()
    assert not await ward.sender.drain()
    assert await ward.watcher.refresh()
    assert not await ward.watcher.refresh()
    await ward.sender.drain()
    assert [chat for chat, _, _ in ward.channel.sent[sent:]] == ["1"]


async def test_a_copy_left_behind_reused_is_alerted_once_through_a_crash(ward: Ward) -> None:
    """The bot stops (a crash) between noticing the reused copy and sending its alert: the
    alert waits in the outbox and goes once after the restart, not twice."""
    copy, _ = await copy_left_behind(ward)
    sent = len(ward.channel.sent)
    reuse(copy, "Lịch tiêm chủng tháng 9", "Tiêm chủng tại trạm y tế phường.")
    assert await ward.watcher.refresh()  # queued, not sent: the bot stops here
    await close_ward(ward)
    again = await open_ward(ward.root, ward.channel)
    try:
        await again.alerts.sync()
        assert not await again.watcher.refresh()
        await again.alerts.sync()
        await again.sender.drain()
        assert [chat for chat, _, _ in ward.channel.sent[sent:]] == ["1"]
    finally:
        await close_ward(again)


async def test_a_notice_file_renamed_before_its_alerts_all_left_still_reaches_everyone_once(
    ward: Ward,
) -> None:
    for chat in ("1", "2", "3"):
        await follow(ward, chat, "bhyt")
    notice = write_notice(ward.content, "lich-tiem", "Lịch tiêm chủng tháng 8", topics="bhyt")
    await ward.watcher.refresh()  # three alerts wait (a long fan-out, a channel down)
    new = ward.content / f"{TODAY}-lich-tiem-chung.md"
    (ward.content / f"{notice}.md").rename(new)
    assert await ward.watcher.refresh()
    await ward.sender.drain()
    ward.now[0] += WITHDRAWN_GRACE
    await ward.sender.drain()
    assert sorted(ward.channel.chats()) == ["1", "2", "3"]
    for _, (reply,), _ in ward.channel.sent:
        assert reply.buttons[0].action == f"full:{new.stem}"  # opens the notice as named now


async def test_a_notice_added_while_the_bot_was_down_is_alerted_at_the_next_start(
    ward: Ward,
) -> None:
    await follow(ward, "1", "ho-tich")
    await close_ward(ward)
    notice = write_notice(ward.content, "ket-hon", "Đăng ký kết hôn ngày thứ bảy", topics="ho-tich")

    again = await open_ward(ward.root)
    try:
        assert await again.alerts.sync() == {notice: 1}
        await again.sender.drain()
        assert again.channel.chats() == ["1"]
        # And it is not alerted a second time at the start after that.
        assert await again.alerts.sync() == {}
    finally:
        await close_ward(again)
    ward.store = await Store.open(ward.settings.data_dir / "bot.sqlite3")  # for the fixture


async def test_expired_and_old_notices_are_indexed_but_not_alerted(ward: Ward) -> None:
    await follow(ward, "1", "bhyt")
    expired = write_notice(
        ward.content,
        "het-han",
        "Thu phí bảo hiểm y tế đợt cũ",
        day=TODAY - dt.timedelta(days=10),
        expires=TODAY - dt.timedelta(days=1),
        topics="bhyt",
    )
    archived = write_notice(
        ward.content,
        "luu-tru",
        "Tổng kết cấp thẻ bảo hiểm y tế năm trước",
        day=TODAY - dt.timedelta(days=200),
        topics="bhyt",
    )
    await ward.watcher.refresh()
    assert ward.engine.document(expired) is not None and ward.engine.document(archived) is not None
    assert not await ward.sender.drain()
    assert ward.channel.sent == []


async def test_an_alert_still_waiting_when_its_notice_expires_is_dropped_not_sent(
    ward: Ward,
) -> None:
    await follow(ward, "1", "bhyt")
    write_notice(
        ward.content, "hop", "Họp tổ dân phố về BHYT tối nay", topics="bhyt", expires=TODAY
    )
    ward.channel.plan["1"] = [TransientError("502 Bad Gateway")]
    await ward.watcher.refresh()
    await ward.sender.drain()
    assert ward.channel.sent == []  # to be tried again in a few seconds, but the bot stops
    await close_ward(ward)

    again = await open_ward(ward.root, today=TODAY + dt.timedelta(days=1))  # the next day
    try:
        again.now[0] = ward.now[0] + 86400
        await again.alerts.sync()
        await again.sender.drain()
        assert again.channel.sent == []
        assert await again.store.outbox_counts(0) == {"dropped": 1}, "not retried either"
    finally:
        await close_ward(again)
    ward.store = await Store.open(ward.settings.data_dir / "bot.sqlite3")  # for the fixture


async def test_an_alert_queued_before_a_long_stop_is_dropped_once_its_notice_is_old_news(
    ward: Ward, caplog: pytest.LogCaptureFixture
) -> None:
    for chat_id in ("1", "2", "3"):
        await follow(ward, chat_id, "bhyt")
    write_notice(ward.content, "gia-han", "Gia hạn thẻ BHYT hộ gia đình", topics="bhyt")
    await ward.watcher.refresh()  # queued, then the bot stops before sending any
    await close_ward(ward)

    # Two months later (the notice has no expiry date): news no more, as when queueing.
    later = TODAY + dt.timedelta(days=60)
    again = await open_ward(ward.root, today=later)
    try:
        again.now[0] = ward.now[0] + 60 * 86400
        await again.alerts.sync()
        with caplog.at_level(logging.INFO, logger="wardbot.outbox"):
            await again.sender.drain()
        assert again.channel.sent == []
        assert await again.store.outbox_counts(0) == {"dropped": 3}, "not retried either"
        dropped = [r for r in caplog.records if "dropped" in r.getMessage()]
        assert len(dropped) == 1, "one line for the notice, not one per chat"
        assert "30 days" in dropped[0].getMessage()
    finally:
        await close_ward(again)
    ward.store = await Store.open(ward.settings.data_dir / "bot.sqlite3")  # for the fixture


async def test_an_alert_that_waited_a_few_days_for_a_recent_notice_still_goes(ward: Ward) -> None:
    await follow(ward, "1", "bhyt")
    write_notice(
        ward.content,
        "gia-han",
        "Gia hạn thẻ BHYT hộ gia đình",
        day=TODAY - dt.timedelta(days=20),
        topics="bhyt",
    )
    await ward.watcher.refresh()
    await close_ward(ward)
    again = await open_ward(ward.root, today=TODAY + dt.timedelta(days=10))  # 30 days old
    try:
        await again.sender.drain()
        assert again.channel.chats() == ["1"]
    finally:
        await close_ward(again)
    ward.store = await Store.open(ward.settings.data_dir / "bot.sqlite3")  # for the fixture


@pytest.mark.parametrize(
    ("mistake", "fixed"),
    [
        ("date: 2023-08-01\ntopics: [bhyt]", "date: 2024-08-01\ntopics: [bhyt]"),
        ("date: 2024-08-01\ntopics: []", "date: 2024-08-01\ntopics: [bhyt]"),
        (
            "date: 2024-07-20\nexpires: 2024-07-31\ntopics: [bhyt]",  # meant 2024-08-31
            "date: 2024-07-20\nexpires: 2024-08-31\ntopics: [bhyt]",
        ),
    ],
    ids=["last-year-typed", "no-topic-yet", "expiry-in-the-past"],
)
async def test_a_notice_not_worth_an_alert_until_staff_fix_it_is_alerted_once_fixed(
    ward: Ward, mistake: str, fixed: str
) -> None:
    await follow(ward, "1", "bhyt")
    path = ward.content / f"{TODAY.isoformat()}-cap-the.md"
    text = "---\ntitle: Cấp thẻ BHYT học sinh\n{}\n---\nLịch nhận thẻ tại trường.\n"
    path.write_text(text.format(mistake), encoding="utf-8")
    await ward.watcher.refresh()
    await ward.sender.drain()
    told = ward.channel.chats()  # admins, of a notice in no topic
    assert told in ([], [ADMIN.chat_id])
    path.write_text(text.format(fixed), encoding="utf-8")  # a minute later
    assert await ward.watcher.refresh()
    await ward.sender.drain()
    assert ward.channel.chats() == [*told, "1"]
    # Alerted once: a later edit, or a restart, does not alert again.
    path.write_text(text.format(fixed).replace("Lịch nhận thẻ", "Lịch phát thẻ"), "utf-8")
    assert await ward.watcher.refresh()
    await ward.alerts.sync()
    await ward.sender.drain()
    assert ward.channel.chats() == [*told, "1"]


async def test_a_notice_copied_from_last_months_with_its_date_left_is_told_then_alerted_fixed(
    ward: Ward, caplog: pytest.LogCaptureFixture
) -> None:
    """Staff copy last month's schedule to a file named for today, retype its text and
    forget its date: line. Dated over a month ago it alerts nobody: admins hear so, once,
    with both dates (the notice is published meanwhile), and once the date is fixed its
    followers are alerted, once."""
    await follow(ward, "1", "bhyt")
    last_month = TODAY - dt.timedelta(days=31)
    path = ward.content / f"{TODAY.isoformat()}-lich-tiem-thang-8.md"
    text = "---\ntitle: Lịch tiêm chủng tháng 8\ndate: {}\ntopics: [bhyt]\n---\nTiêm ngày 10/8.\n"
    path.write_text(text.format(last_month.isoformat()), encoding="utf-8")
    assert await ward.watcher.refresh()
    assert ward.engine.document(path.stem) is not None  # published meanwhile
    assert await admin_notes(ward) == [
        f"⚠️ Thông báo mới “Lịch tiêm chủng tháng 8” ({path.name}) không được báo cho người "
        "theo dõi: dòng date: ghi ngày 01/07/2024, cũ hơn 30 ngày, trong khi tên tệp ghi ngày "
        "01/08/2024. Nếu tệp được chép từ một thông báo cũ, hãy sửa dòng date: — tin sẽ được "
        "báo ngay khi sửa xong."
    ]
    assert f"{path}: date 2024-07-01 is over 30 days old while the file name says" in caplog.text
    path.write_text(path.read_text(encoding="utf-8") + "Mang sổ tiêm.\n", encoding="utf-8")
    assert await ward.watcher.refresh()
    await ward.sender.drain()
    assert ward.channel.chats() == [ADMIN.chat_id], "told once"

    path.write_text(text.format(TODAY.isoformat()), encoding="utf-8")
    assert await ward.watcher.refresh()
    await ward.sender.drain()
    assert ward.channel.chats() == [ADMIN.chat_id, "1"]
    assert await ward.alerts.sync() == {}
    assert not await ward.sender.drain()

    # An old notice added to the archive under its own date is no matter for admins.
    old = TODAY - dt.timedelta(days=90)
    write_notice(ward.content, "tong-ket", "Tổng kết tiêm chủng", day=old, topics="bhyt")
    assert await ward.watcher.refresh()
    await ward.sender.drain()
    assert ward.channel.chats() == [ADMIN.chat_id, "1"]


async def test_admins_hear_once_of_a_new_notice_dated_far_ahead(ward: Ward) -> None:
    """A year mistyped ahead (2062 for 2026) would keep the notice first among the latest
    for decades: admins hear of it once. A notice dated a few days ahead (the meeting's day
    put as its date) is no matter for them."""
    await follow(ward, "1", "bhyt")
    write_notice(ward.content, "hop", "Họp về BHYT", topics="bhyt", day=TODAY + dt.timedelta(5))
    assert await ward.watcher.refresh()
    await ward.sender.drain()
    assert ward.channel.chats() == ["1"]
    ahead = TODAY.replace(year=2042)
    notice = write_notice(ward.content, "cap-the", "Cấp thẻ BHYT", topics="bhyt", day=ahead)
    assert await ward.watcher.refresh()
    assert (
        f"⚠️ Thông báo mới “Cấp thẻ BHYT” ({notice}.md) đề ngày 01/08/2042, sau hôm nay hơn "
        "30 ngày: nếu gõ nhầm năm, hãy sửa dòng date: — cho tới ngày đó thông báo này luôn "
        "đứng đầu các tin mới nhất."
    ) in await admin_notes(ward)
    assert ward.channel.chats().count(ADMIN.chat_id) == 1
    path = ward.content / f"{notice}.md"
    path.write_text(path.read_text(encoding="utf-8") + "Sửa.\n", encoding="utf-8")
    assert await ward.watcher.refresh()
    await ward.sender.drain()
    assert ward.channel.chats().count(ADMIN.chat_id) == 1, "told once"


async def test_a_notice_whose_topic_is_corrected_reaches_the_followers_of_the_right_one(
    ward: Ward,
) -> None:
    """Published under the wrong topic (tagged from a keyword, or mistyped), then fixed:
    the followers of the right topic hear of it too, once; nobody hears of it twice."""
    await follow(ward, "1", "bhyt")
    await follow(ward, "2", "hoc-bong")
    await follow(ward, "3", "bhyt", "hoc-bong")
    path = ward.content / f"{TODAY.isoformat()}-hoc-bong.md"
    text = "---\ntitle: Trao học bổng cho học sinh nghèo vượt khó\ndate: {}\n{}---\n{}\n"
    body = "Hội khuyến học phường trao 20 suất học bổng."
    path.write_text(text.format(TODAY, "topics: [bhyt]\n", body), encoding="utf-8")
    await ward.watcher.refresh()
    await ward.sender.drain()
    assert sorted(ward.channel.chats()) == ["1", "3"]

    path.write_text(text.format(TODAY, "topics: [hoc-bong]\n", body), encoding="utf-8")
    assert await ward.watcher.refresh()
    await ward.sender.drain()
    assert sorted(ward.channel.chats()) == ["1", "2", "3"]
    (reply,) = ward.channel.sent[-1][1]
    assert reply.footer is not None and "Học bổng" in reply.footer

    # Back and forth, another edit, faq.yaml unusable for a while: nothing more.
    path.write_text(text.format(TODAY, "topics: [bhyt, hoc-bong]\n", body + " Sửa."), "utf-8")
    assert await ward.watcher.refresh()
    faq = ward.settings.faq_file.read_text(encoding="utf-8")
    ward.settings.faq_file.write_text("topics: [\n", encoding="utf-8")
    assert await ward.watcher.refresh()
    ward.settings.faq_file.write_text(faq, encoding="utf-8")
    assert await ward.watcher.refresh()
    await ward.alerts.sync()
    await ward.sender.drain()  # the admin hears of faq.yaml
    assert sorted(c for c in ward.channel.chats() if c != ADMIN.chat_id) == ["1", "2", "3"]

    # Renamed, with a topic gained on the way: its followers hear of it at once.
    await follow(ward, "4", "cu-tru")
    renamed = ward.content / f"{TODAY.isoformat()}-trao-hoc-bong.md"
    path.unlink()
    renamed.write_text(text.format(TODAY, "topics: [hoc-bong, cu-tru]\n", body + " Sửa."), "utf-8")
    assert await ward.watcher.refresh()
    await ward.sender.drain()
    assert sorted(c for c in ward.channel.chats() if c != ADMIN.chat_id) == ["1", "2", "3", "4"]

    # An old notice's topic corrected is not news.
    old = TODAY - dt.timedelta(days=60)
    path = ward.content / f"{old.isoformat()}-tong-ket.md"
    path.write_text(text.format(old, "topics: [bhyt]\n", body), encoding="utf-8")
    assert await ward.watcher.refresh()
    path.write_text(text.format(old, "topics: [hoc-bong]\n", body), encoding="utf-8")
    assert await ward.watcher.refresh()
    assert not await ward.sender.drain()


async def test_a_notice_there_at_installation_is_not_alerted_when_edited_later(
    tmp_path: Path,
) -> None:
    write_chat_ward(tmp_path)
    notice = write_notice(tmp_path / "content", "lich", "Lịch tiêm chủng tháng 8", topics="")
    ward = await open_ward(tmp_path)
    try:
        await follow(ward, "1", "bhyt")
        assert await ward.alerts.sync() == {}
        write_notice(ward.content, "lich", "Lịch tiêm chủng tháng 8", topics="bhyt")
        assert await ward.watcher.refresh()
        assert ward.engine.document(notice).topics == ("bhyt",)
        assert not await ward.sender.drain()
        assert ward.channel.sent == []
    finally:
        await close_ward(ward)


async def test_alerts_waiting_for_a_channel_the_bot_does_not_run_are_dropped_at_its_start(
    ward: Ward, caplog: pytest.LogCaptureFixture
) -> None:
    """Queued for Zalo by an older `bot.py announce` on a ward that runs Telegram only:
    nothing would ever send them, /stats would count them as waiting for ever."""
    await follow(ward, "1", "bhyt")
    await ward.store.subscribe(ChatRef("zalo", "ab12"), "bhyt")
    write_notice(ward.content, "moi", "Thông báo mới về bảo hiểm y tế", topics="bhyt")
    ward.engine.reload()
    older = Alerts(ward.engine, ward.store, ward.settings, ["telegram", "zalo"], clock=ward.clock)
    assert list((await older.sync()).values()) == [2]

    with caplog.at_level(logging.INFO, logger="wardbot.alerts"):
        # A restart the same day (its Zalo token left out by mistake, say) keeps them.
        assert await ward.alerts.drop_unrun() == 0
        ward.now[0] += UNRUN_GRACE
        assert await ward.alerts.drop_unrun() == 1  # the bot runs Telegram only
        assert await ward.alerts.drop_unrun() == 0
    assert [r.getMessage() for r in caplog.records if "dropped" in r.getMessage()] == [
        "1 alert(s) waiting for zalo dropped: the bot does not run zalo"
    ]
    assert await ward.store.outbox_counts(0) == {"pending": 1, "dropped": 1}
    await ward.sender.drain()
    assert ward.channel.chats() == ["1"]


async def test_a_withdrawn_notice_is_not_sent(ward: Ward) -> None:
    await follow(ward, "1", "bhyt")
    notice = write_notice(ward.content, "nham", "Thông báo gửi nhầm về bhyt", topics="bhyt")
    await ward.watcher.refresh()
    (ward.content / f"{notice}.md").unlink()
    await ward.watcher.refresh()
    await ward.sender.drain()
    assert ward.channel.sent == []
    assert ward.sender.stats.dropped == 0  # it may yet come back
    ward.now[0] += WITHDRAWN_GRACE
    await ward.sender.drain()
    assert ward.channel.sent == []
    assert ward.sender.stats.dropped == 1
    assert await ward.store.next_due(ward.channel.name) is None


async def test_a_notice_withdrawn_while_the_watcher_waits_for_files_to_settle_is_not_sent(
    ward: Ward,
) -> None:
    """The portal takes an article down (its notice leaves content/) while it writes
    others: the watcher waits for them to settle before taking the notice out of the
    index, and the alert due meanwhile must not go out for a notice no longer there."""
    await follow(ward, "1", "bhyt")
    notice = write_notice(ward.content, "go-xuong", "Thông báo cấp thẻ bhyt", topics="bhyt")
    path = ward.content / f"{notice}.md"
    text = path.read_text(encoding="utf-8")
    await ward.watcher.refresh()
    watcher, _now = settling(ward)
    path.unlink()
    write_notice(ward.content, "dang-ghi", "Thông báo đang ghi về bhyt", topics="bhyt")
    assert not await watcher.refresh() and watcher.settle_in  # still settling
    assert ward.engine.document(notice) is not None
    await ward.sender.drain()
    assert ward.channel.sent == []
    path.write_text(text, encoding="utf-8")  # back within the grace: it goes, once
    ward.now[0] += NOTICE_RECHECK
    await ward.sender.drain()
    await ward.sender.drain()
    assert ward.channel.chats() == ["1"]


async def test_a_notice_withdrawn_past_its_grace_then_put_back_reaches_its_followers(
    ward: Ward,
) -> None:
    """The portal takes an article down before its alert left (held for the night, say),
    then puts it back: its followers, who never got it, hear of it once it is back."""
    await follow(ward, "1", "bhyt")
    notice = write_notice(ward.content, "tam-go", "Thông báo cấp thẻ bhyt", topics="bhyt")
    path = ward.content / f"{notice}.md"
    text = path.read_text(encoding="utf-8")
    await ward.watcher.refresh()
    path.unlink()
    await ward.watcher.refresh()
    await ward.sender.drain()
    ward.now[0] += WITHDRAWN_GRACE
    await ward.sender.drain()
    assert ward.channel.sent == [] and ward.sender.stats.dropped == 1

    path.write_text(text, encoding="utf-8")  # back on the portal
    await ward.watcher.refresh()
    await ward.sender.drain()
    assert ward.channel.chats() == ["1"]
    await ward.watcher.refresh()
    await ward.alerts.sync()
    await ward.sender.drain()
    assert ward.channel.chats() == ["1"], "once"


async def test_a_notice_gone_for_a_moment_mid_fan_out_still_reaches_everyone_once(
    ward: Ward,
) -> None:
    """Staff move a notice out and back (an editor saving by delete and rewrite)."""
    for chat in ("1", "2", "3"):
        await follow(ward, chat, "bhyt")
    notice = write_notice(ward.content, "moi", "Thông báo mới về bảo hiểm y tế", topics="bhyt")
    path = ward.content / f"{notice}.md"
    text = path.read_text(encoding="utf-8")
    await ward.watcher.refresh()
    ward.channel.hold_at = 2  # the fan-out is under way when the file disappears
    task = asyncio.create_task(ward.sender.drain())
    await asyncio.wait_for(ward.channel.holding.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await ward.store.recover_outbox(ward.channel.name)
    ward.channel.hold_at = None
    assert ward.channel.chats() == ["1"]

    path.unlink()
    await ward.watcher.refresh()
    await ward.sender.drain()
    ward.now[0] += 1.5
    path.write_text(text, encoding="utf-8")
    await ward.watcher.refresh()
    await ward.sender.drain()
    ward.now[0] += WITHDRAWN_GRACE
    await ward.sender.drain()
    assert sorted(ward.channel.chats()) == ["1", "2", "3"]
    assert ward.sender.stats.dropped == 0


async def test_every_notice_gone_at_once_is_reported_to_admins(ward: Ward) -> None:
    await follow(ward, "1", "bhyt")
    notices = ward.engine.corpus.announcements
    assert len(notices) >= 2
    for path in ward.content.iterdir():
        path.unlink()
    ward.content.rmdir()
    assert await ward.watcher.refresh()
    assert ward.engine.corpus.announcements == []
    await ward.sender.drain()
    ((chat, (reply,), _),) = ward.channel.sent
    assert chat == ADMIN.chat_id
    assert str(ward.content) in reply.text and f"{len(notices)} thông báo" in reply.text
    # Told once (and that a notice is back); a notice deleted on its own is no news.
    ward.content.mkdir()
    write_notice(ward.content, "a", "Thông báo bảo hiểm y tế", topics="bhyt")
    await ward.watcher.refresh()
    (ward.content / f"{TODAY.isoformat()}-a.md").unlink()
    await ward.watcher.refresh()
    ward.now[0] += WITHDRAWN_GRACE
    await ward.sender.drain()
    assert [chat for chat, _, _ in ward.channel.sent] == [ADMIN.chat_id] * 2
    assert ward.channel.sent[1][1][0].text == msg.admin_content_back(1)


@pytest.mark.parametrize("failing", ["index", "queue"])
async def test_a_change_that_failed_to_apply_is_applied_at_the_next_pass(
    ward: Ward, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    """A full disk while indexing or queueing: the next pass (a rescan) tries again."""
    await follow(ward, "1", "bhyt")
    target, name = (
        (ward.engine, "update_announcements")
        if failing == "index"
        else (ward.store, "note_announcements")
    )
    real = getattr(target, name)
    calls = []

    def fail_once(*args: object, **kwargs: object) -> object:
        calls.append(name)
        if len(calls) == 1:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(target, name, fail_once)
    notice = write_notice(ward.content, "moi", "Cấp thẻ bảo hiểm y tế đợt 4", topics="bhyt")
    with pytest.raises(OSError, match="No space left"):
        await ward.watcher.refresh()
    assert await ward.watcher.refresh()
    assert ward.engine.document(notice) is not None
    await ward.sender.drain()
    assert ward.channel.chats() == ["1"]
    assert not await ward.watcher.refresh()
    await ward.sender.drain()
    assert ward.channel.chats() == ["1"], "alerted exactly once"


async def test_a_problem_note_that_failed_to_queue_is_queued_at_the_next_pass(
    ward: Ward, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = ward.store.queue_message
    calls = []

    def fail_once(*args: object, **kwargs: object) -> object:
        calls.append(args)
        if len(calls) == 1:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(ward.store, "queue_message", fail_once)
    (ward.content / "2024-08-01-loi.md").write_text(
        "---\ntitle: Thiếu ngày\ntopics: [bhyt]\n---\nNội dung\n", encoding="utf-8"
    )
    with pytest.raises(OSError, match="No space left"):
        await ward.watcher.refresh()
    assert await ward.watcher.refresh()
    assert not await ward.watcher.refresh()
    await ward.sender.drain()
    ((chat, (reply,), _),) = ward.channel.sent
    assert chat == ADMIN.chat_id and "2024-08-01-loi.md:" in reply.text


# --- problems in staff files ----------------------------------------------------------


async def test_a_mistake_made_while_the_bot_runs_is_in_its_log_once(
    ward: Ward, caplog: pytest.LogCaptureFixture
) -> None:
    """A ward without admins (the web chat alone) reads its mistakes in the log: each one
    with its file and line when an edit brings it, not again at every later edit."""
    bad = ward.content / "2024-08-01-loi.md"
    bad.write_text("---\ntitle: Thiếu ngày\ntopics: [bhyt]\n---\nNội dung\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="wardbot.alerts"):
        await ward.watcher.refresh()
        write_notice(ward.content, "dung", "Cấp thẻ bảo hiểm y tế đợt 3", topics="bhyt")
        await ward.watcher.refresh()
    logged = [r.getMessage() for r in caplog.records if r.name == "wardbot.alerts"]
    assert [line for line in logged if "2024-08-01-loi.md:" in line] == [
        str(p) for p in ward.engine.problems
    ]


async def test_a_malformed_notice_is_skipped_and_reported_to_admins(ward: Ward) -> None:
    await follow(ward, "1", "bhyt")
    (ward.content / "2024-08-01-loi.md").write_text(
        "---\ntitle: Thiếu ngày\ntopics: [bhyt]\n---\nNội dung\n", encoding="utf-8"
    )
    good = write_notice(ward.content, "dung", "Cấp thẻ bảo hiểm y tế đợt 3", topics="bhyt")
    await ward.watcher.refresh()
    await ward.sender.drain()
    sent = {chat: replies for chat, replies, _ in ward.channel.sent}
    assert set(sent) == {"1", ADMIN.chat_id}
    assert sent["1"][0].title is not None and "đợt 3" in sent["1"][0].title
    note = sent[ADMIN.chat_id][0].text
    assert "2024-08-01-loi.md:" in note and "date" in note
    # Named as in the ward's folder, short on a phone: not by the server's whole path.
    assert f"{ward.content.name}/2024-08-01-loi.md:2:" in note
    assert str(ward.content) not in note
    assert ward.engine.document(good) is not None


async def test_a_notice_whose_topic_is_written_by_its_name_reaches_its_followers(
    ward: Ward,
) -> None:
    """Staff write the topic as residents see it ("Bảo hiểm y tế", "BHYT") instead of its
    id: the notice is published under that topic, its followers are alerted, and admins
    are told once how to write it."""
    await follow(ward, "1", "bhyt")
    await follow(ward, "2", "hoc-bong")
    notice = write_notice(ward.content, "the-moi", "Đổi thẻ đợt 3", topics="Bảo hiểm y tế")
    await ward.watcher.refresh()
    await ward.sender.drain()
    sent = {chat: replies for chat, replies, _ in ward.channel.sent}
    assert set(sent) == {"1", ADMIN.chat_id}
    assert ward.engine.document(notice).topics == ("bhyt",)
    note = sent[ADMIN.chat_id][0].text
    assert (
        f"{notice}.md:4: dòng topics: hãy viết mã chủ đề: 'bhyt' thay cho 'Bảo hiểm y tế'" in note
    )
    assert "bỏ qua" not in note, "nothing is left out: the note must not open saying so"
    write_notice(ward.content, "hoc-bong", "Học bổng đợt 2", topics="HOC-BONG")
    await ward.watcher.refresh()
    await ward.sender.drain()
    assert sorted(chat for chat in ward.channel.chats() if chat != ADMIN.chat_id) == ["1", "2"]
    notes = [replies[0].text for chat, replies, _ in ward.channel.sent if chat == ADMIN.chat_id]
    assert len(notes) == 2 and "thay cho 'HOC-BONG'" in notes[1]
    assert sum("thay cho 'Bảo hiểm y tế'" in note for note in notes) == 1, "told once"


async def test_admins_hear_once_of_a_new_notice_that_reaches_nobody_for_want_of_a_topic(
    ward: Ward,
) -> None:
    """A notice dropped into content/ with no topics: line and no topic's keyword in it
    alerts nobody: admins are told once, with how to fix it (as `announce` tells), and
    once fixed its followers are alerted."""
    await follow(ward, "1", "cu-tru")
    notice = write_notice(ward.content, "hop-to", "Lịch họp tổ dân phố tháng 8")
    await ward.watcher.refresh()
    await ward.sender.drain()
    ((chat, (note,), _),) = ward.channel.sent
    assert chat == ADMIN.chat_id
    assert "“Lịch họp tổ dân phố tháng 8”" in note.text and f"{notice}.md" in note.text
    assert "ghi dòng topics: [mã chủ đề] vào thông báo" in note.text

    path = ward.content / f"{notice}.md"
    path.write_text(path.read_text(encoding="utf-8") + "Sửa.\n", encoding="utf-8")
    assert await ward.watcher.refresh()
    await ward.sender.drain()
    assert len(ward.channel.sent) == 1, "told once"
    write_notice(ward.content, "hop-to", "Lịch họp tổ dân phố tháng 8", topics="cu-tru")
    assert await ward.watcher.refresh()
    await ward.sender.drain()
    assert ward.channel.chats() == [ADMIN.chat_id, "1"]

    # An old notice added to the archive, and one with a topic nobody follows, are no
    # matter for admins.
    write_notice(ward.content, "cu", "Họp tổ dân phố", day=TODAY - dt.timedelta(days=90))
    write_notice(ward.content, "ho-tich", "Đăng ký khai sinh", topics="ho-tich")
    assert await ward.watcher.refresh()
    await ward.sender.drain()
    assert ward.channel.chats() == [ADMIN.chat_id, "1"]


async def test_a_new_notice_whose_topics_line_names_no_topic_is_not_told_it_has_none(
    ward: Ward,
) -> None:
    """Its topics: line names no topic faq.yaml has (left out, the notice published): the
    note that it reaches nobody must not tell staff the line is missing, beside the problem
    that names it."""
    notice = write_notice(ward.content, "hop-to", "Lịch họp tổ dân phố", topics="Hành chính")
    await ward.watcher.refresh()
    await ward.sender.drain()
    problem, untagged = [replies[0].text for _, replies, _ in ward.channel.sent]
    assert f"{notice}.md:4: dòng topics: chủ đề 'Hành chính' không có" in problem
    assert f"({notice}.md): thông báo không thuộc chủ đề nào" in untagged
    assert "không có dòng topics:" not in untagged
    assert "dòng topics: không có mã chủ đề nào có trong faq.yaml" in untagged


@contextlib.contextmanager
def released(fifo: Path) -> Iterator[None]:
    """If a reader is stuck on `fifo` (the bug), end its wait so the test can fail, not hang."""
    try:
        yield
    finally:
        with contextlib.suppress(OSError):  # ENXIO: nobody is reading it, as it should be
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


async def test_a_link_loop_or_a_fifo_named_like_a_notice_is_reported_and_the_rest_updates(
    ward: Ward,
) -> None:
    await follow(ward, "1", "bhyt")
    (ward.content / "2024-08-01-vong.md").symlink_to("2024-08-01-vong.md")
    fifo = ward.content / "2024-08-01-ong.md"
    os.mkfifo(fifo)
    good = write_notice(ward.content, "dung", "Cấp thẻ bảo hiểm y tế đợt 3", topics="bhyt")
    with released(fifo):
        assert await asyncio.wait_for(ward.watcher.refresh(), timeout=60)
    assert ward.engine.document(good) is not None
    await ward.sender.drain()
    sent = {chat: replies for chat, replies, _ in ward.channel.sent}
    assert set(sent) == {"1", ADMIN.chat_id}
    note = sent[ADMIN.chat_id][0].text
    assert "2024-08-01-vong.md:1: là lối tắt (link) trỏ vòng về chính nó" in note
    assert "2024-08-01-ong.md:1: không phải tệp bình thường" in note
    # A restart over the same folder loads, reports the same and watches again.
    with released(fifo):
        engine = Engine.open(ward.settings.faq_file, ward.content, ward.root / "data2", today=TODAY)
        try:
            ContentWatcher(engine, ward.alerts, ward.settings)
            assert engine.document(good) is not None
            assert len(engine.problems) == 2
        finally:
            engine.close()


async def test_a_notice_moved_into_a_sub_folder_is_reported_while_running(ward: Ward) -> None:
    kept = write_notice(ward.content, "giu", "Cấp thẻ bảo hiểm y tế đợt 3", topics="bhyt")
    moved = write_notice(ward.content, "cu", "Lịch tiêm chủng tháng 8", topics="bhyt")
    await ward.watcher.refresh()
    (ward.content / "2024").mkdir()
    (ward.content / f"{moved}.md").rename(ward.content / "2024" / f"{moved}.md")
    await ward.watcher.refresh()
    assert ward.engine.document(moved) is None and ward.engine.document(kept) is not None
    (problem,) = ward.engine.problems
    assert problem.file == str(ward.content / "2024") and "bot không đọc" in problem.message
    await ward.sender.drain()
    note = next(r[0].text for chat, r, _ in ward.channel.sent if chat == ADMIN.chat_id)
    assert f"{ward.content.name}/2024:1:" in note
    # Moved back: served again, and the problem is gone.
    (ward.content / "2024" / f"{moved}.md").rename(ward.content / f"{moved}.md")
    await ward.watcher.refresh()
    assert ward.engine.document(moved) is not None and ward.engine.problems == []


async def test_a_notice_saved_as_md_txt_is_reported_while_running(ward: Ward) -> None:
    """Notepad saves "x.md" as x.md.txt (Windows hides the .txt): dropped into content/
    while the bot runs, it is not served, and staff are told what to rename it to."""
    await ward.watcher.refresh()
    name = "2024-08-01-lich-tiem.md"
    text = "---\ntitle: Lịch tiêm chủng\ndate: 2024-08-01\n---\nTiêm chủng tháng 8.\n"
    (ward.content / f"{name}.txt").write_text(text, encoding="utf-8")
    await ward.watcher.refresh()
    (problem,) = ward.engine.problems
    assert (problem.file, problem.line) == (str(ward.content / f"{name}.txt"), 1)
    assert f"đổi tên thành {name}" in problem.message
    await ward.sender.drain()
    note = next(r[0].text for chat, r, _ in ward.channel.sent if chat == ADMIN.chat_id)
    assert f"{ward.content.name}/{name}.txt:1: tệp không có đuôi .md" in note
    # Renamed as told: served, and the problem is gone.
    (ward.content / f"{name}.txt").rename(ward.content / name)
    await ward.watcher.refresh()
    assert ward.engine.document("2024-08-01-lich-tiem") is not None
    assert ward.engine.problems == []


async def test_a_published_notice_an_edit_breaks_keeps_serving_as_it_last_read(
    ward: Ward,
) -> None:
    """Staff open a published notice to add a line and break its date: line (or Word's
    dashes replace its ---): residents keep getting it as it was, its alerts still go, and
    staff hear the mistake with what it costs; reloading faq.yaml meanwhile changes none of
    it, nor does a restart. Fixed, the edit is served; deleted, the notice is gone."""
    await follow(ward, "1", "cu-tru")
    notice = write_notice(ward.content, "tam-tru", "Khai báo tạm trú dịp Tết", topics="cu-tru")
    assert await ward.watcher.refresh()
    path = ward.content / f"{notice}.md"
    good = path.read_text(encoding="utf-8")

    path.write_text(good.replace(f"date: {TODAY}", "date: 1/8") + "Thêm.\n", encoding="utf-8")
    assert await ward.watcher.refresh()
    assert ward.engine.document(notice) is not None
    ward.settings.faq_file.write_text(
        ward.settings.faq_file.read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    assert await ward.watcher.refresh()  # a full reload
    served = ward.engine.document(notice)
    assert served is not None and "Thêm" not in served.body
    (problem,) = ward.engine.problems
    assert problem.message.endswith(
        "— bot vẫn dùng bản đã đăng trước đó của thông báo này cho tới khi sửa xong"
    )
    restarted = Engine.open(ward.settings.faq_file, ward.content, ward.settings.data_dir)
    try:  # a restart meanwhile (a deploy) serves it too
        assert restarted.document(notice) == served
    finally:
        restarted.close()
    ward.now[0] += 3600  # past the grace a notice gone is given: it never went
    await ward.alerts.sync()
    await ward.sender.drain()
    assert sorted(ward.channel.chats()) == ["1", ADMIN.chat_id]

    path.write_text(good + "Thêm.\n", encoding="utf-8")
    assert await ward.watcher.refresh()
    assert "Thêm" in ward.engine.document(notice).body and ward.engine.problems == []
    path.unlink()
    assert await ward.watcher.refresh()
    assert ward.engine.document(notice) is None


async def test_a_scanned_notice_is_reported_until_its_text_is_put_beside_it(ward: Ward) -> None:
    """A notice dropped in as the PDF of the paper one: staff hear it is not published;
    once they type it into x.md beside it, the PDF is that notice's attachment: the
    problem is gone (they are told so) and followers are alerted, once."""
    await follow(ward, "1", "bhyt")
    scan = ward.content / "2024-08-01-lich-tiem.pdf"
    scan.write_bytes(b"%PDF-1.4 scanned")
    assert await ward.watcher.refresh()
    assert ward.engine.document("2024-08-01-lich-tiem") is None
    (note,) = await admin_notes(ward)
    assert f"{ward.content.name}/{scan.name}:1: tệp PDF bot không đọc được" in note

    write_notice(ward.content, "lich-tiem", "Lịch tiêm chủng tháng 8", topics="bhyt")
    assert await ward.watcher.refresh()
    assert ward.engine.problems == []
    assert "đều đã được sửa" in (await admin_notes(ward))[1]
    assert ward.channel.chats() == [ADMIN.chat_id, ADMIN.chat_id, "1"]


async def test_an_editor_lock_file_is_not_reported_while_running(ward: Ward) -> None:
    (ward.content / "~$2024-08-01-lich.md").write_text("lock", encoding="utf-8")
    (ward.content / "2024-08-02-HOA.MD").write_text("---\ntitle: T\n---\n", encoding="utf-8")
    await ward.watcher.refresh()
    # As a full load does: the lock file is nobody's notice; the .MD one is named wrongly.
    assert [Path(p.file).name for p in ward.engine.problems] == ["2024-08-02-HOA.MD"]


# --- files caught while they are saved ---------------------------------------------------


def settling(
    ward: Ward, meanwhile: Callable[[], object] = lambda: None
) -> tuple[ContentWatcher, list[float]]:
    """A watcher that waits for the staff files to stop changing, on a clock of its own;
    while a forced look waits, the clock moves on and `meanwhile()` happens."""
    now = [0.0]

    async def sleep(seconds: float) -> None:
        meanwhile()
        now[0] += seconds

    watcher = ContentWatcher(
        ward.engine, ward.alerts, ward.settings, clock=lambda: now[0], sleep=sleep
    )
    return watcher, now


def answer_of(ward: Ward, entry_id: str) -> str | None:
    return next((e.answer for e in ward.engine.corpus.faq if e.id == entry_id), None)


async def test_a_faq_caught_half_saved_is_applied_once_whole_never_shortened(ward: Ward) -> None:
    """An editor (or an upload) that writes faq.yaml in two steps: the watcher looking in
    between must not serve the answer cut where the first step ended."""
    watcher, now = settling(ward)
    faq = ward.settings.faq_file
    before = answer_of(ward, "bhyt-mat-the")
    old = "      Người dân dùng ứng dụng VssID"
    whole = faq.read_text(encoding="utf-8").replace(
        old, "      Bà con làm lại thẻ tại BHXH quận.\n      Người dân dùng ứng dụng VssID"
    )
    faq.write_text(whole[: whole.index(old)], encoding="utf-8")  # the first step
    assert not await watcher.refresh()
    now[0] += 1.0
    faq.write_text(whole, encoding="utf-8")  # the rest
    assert not await watcher.refresh()
    now[0] += SETTLE_SECONDS / 2  # less than SETTLE_SECONDS since the last write
    assert not await watcher.refresh()
    assert answer_of(ward, "bhyt-mat-the") == before
    now[0] += SETTLE_SECONDS / 2
    assert await watcher.refresh()
    assert answer_of(ward, "bhyt-mat-the") == (
        "Bà con làm lại thẻ tại BHXH quận.\nNgười dân dùng ứng dụng VssID thay cho thẻ giấy, "
        "hoặc đề nghị cấp lại thẻ tại cơ quan BHXH."
    )


def chat_editor(ward: Ward, watcher: ContentWatcher, *, told: bool = False) -> FaqEditor:
    """The in-chat FAQ editor wired to `watcher` as the bot wires it (its edits reloaded at
    once, refused while staff save faq.yaml); `told`: admins told of chat edits a hand
    save dropped, on the ward's clock."""
    faq = ward.settings.faq_file
    editor = FaqEditor(
        faq,
        ward.settings.data_dir,
        functools.partial(watcher.refresh, force=True),
        warn_admins=ward.alerts.tell_admins if told else None,
        saving=functools.partial(watcher.saving, faq),
        clock=ward.clock if told else time.time,
    )
    if told:
        watcher.on_faq_read = editor.note_overwritten
    return editor


async def save_settled(watcher: ContentWatcher, now: list[float], ward: Ward, data: bytes) -> None:
    """Staff save the ward's faq.yaml as `data`: read by `watcher` once it has settled."""
    ward.settings.faq_file.write_bytes(data)
    assert not await watcher.refresh()
    now[0] += SETTLE_SECONDS
    assert await watcher.refresh()


async def test_an_edit_from_chat_leaves_a_faq_being_uploaded_alone(ward: Ward) -> None:
    """An upload writing faq.yaml in steps, and an officer pressing ➕ meanwhile: an edit
    renamed over the file would keep what was written so far, the rest written to a file
    no longer there. Refused until the upload is over, then made."""
    watcher, now = settling(ward)
    faq = ward.settings.faq_file
    editor = chat_editor(ward, watcher)
    whole = faq.read_bytes()
    cut = whole.index(b"\n  - id:", whole.index(b"bhyt-mat-the")) + 1  # after that entry
    with faq.open("r+b") as upload:
        upload.truncate(0)
        upload.write(whole[:cut])  # the first step: it reads, with the entries after it gone
        upload.flush()
        assert not await watcher.refresh()
        with pytest.raises(FaqEditError, match="đang được lưu hay tải lên"):
            await editor.add_variant("bhyt-mat-the", "quên thẻ bảo hiểm")
        upload.write(whole[cut:])
    assert faq.read_bytes() == whole
    assert not await watcher.refresh()
    now[0] += SETTLE_SECONDS
    assert await watcher.refresh()
    await editor.add_variant("bhyt-mat-the", "quên thẻ bảo hiểm")
    edited = load_faq(faq)
    assert len(edited.faq) == len(ward.engine.corpus.faq) and edited.problems == []
    assert "quên thẻ bảo hiểm" in next(e for e in edited.faq if e.id == "bhyt-mat-the").variants


async def test_a_second_admins_edit_while_the_first_is_applied_is_not_taken_for_a_save(
    ward: Ward,
) -> None:
    """Two admins press ➕ on the same entry within a second: the bot's own write of the
    first, still being applied, is no staff save in progress. The second was refused as
    if faq.yaml were being uploaded; both are made, each once, and /undo takes the
    second back first."""
    faq = ward.settings.faq_file
    before = faq.read_bytes()
    second: list[asyncio.Task[FaqEdit]] = []
    now = [0.0]

    async def written_or_refused() -> bool:
        return "rớt thẻ".encode() in faq.read_bytes() or second[0].done()

    async def sleep(seconds: float) -> None:
        if not second:  # the second admin presses ➕ while the first edit is applied
            second.append(asyncio.create_task(editor.add_variant("bhyt-mat-the", "rớt thẻ")))
            await until(written_or_refused)
        now[0] += seconds

    watcher = ContentWatcher(
        ward.engine, ward.alerts, ward.settings, clock=lambda: now[0], sleep=sleep
    )
    editor = chat_editor(ward, watcher)
    first = await editor.add_variant("bhyt-mat-the", "quên thẻ bảo hiểm")
    assert first.applied and (await second[0]).applied
    served = next(e.variants for e in ward.engine.corpus.faq if e.id == "bhyt-mat-the")
    assert served.count("quên thẻ bảo hiểm") == 1 and served.count("rớt thẻ") == 1
    assert "rớt thẻ" in await editor.undo()
    assert "quên thẻ bảo hiểm" in await editor.undo()
    assert faq.read_bytes() == before
    # A staff save caught half way is still waited for.
    faq.write_bytes(before + b"# ghi ch")
    assert not await watcher.refresh()
    with pytest.raises(FaqEditError, match="đang được lưu hay tải lên"):
        await editor.add_variant("bhyt-mat-the", "quên thẻ bảo hiểm")


async def test_a_hand_save_from_an_editor_holding_the_old_faq_is_told_with_what_it_lost(
    ward: Ward,
) -> None:
    """An officer has faq.yaml open in an editor; meanwhile admins add a variant (➕) and an
    entry (/newfaq) from chat; the officer then saves what the editor holds, with their own
    change. The file is served as saved, and admins are told once which chat edits it
    lost and how to put them back; a save that keeps them tells nothing."""
    watcher, now = settling(ward)
    faq = ward.settings.faq_file
    ward.now[0] = dt.datetime.combine(dt.date.today(), dt.time(7, 0), VIETNAM).timestamp()
    editor = chat_editor(ward, watcher, told=True)
    saved = functools.partial(save_settled, watcher, now, ward)

    in_the_editor = faq.read_bytes()
    notes = len(await admin_notes(ward))
    await editor.add_variant("bhyt-mat-the", "quên thẻ bảo hiểm")
    ward.now[0] += 60
    added = await editor.add_entry("Phường có cho mượn loa không?", "Dạ có, liên hệ văn phòng.")
    after_edits = faq.read_bytes()
    # Saved from a fresh copy (the edits kept): nothing to tell.
    await saved(after_edits + "# ghi chú\n".encode())
    assert len(await admin_notes(ward)) == notes
    # Saved from the editor's old copy, with the officer's own change.
    old = "Người dân dùng ứng dụng VssID"
    hand = in_the_editor.decode("utf-8").replace(old, "Bà con dùng ứng dụng VssID").encode()
    await saved(hand)
    assert faq.read_bytes() == hand  # the hand save is not blocked
    assert "Bà con dùng ứng dụng VssID" in str(answer_of(ward, "bhyt-mat-the"))
    assert len(ward.engine.corpus.faq) == len(load_faq(faq).faq)  # nothing else lost
    told = (await admin_notes(ward))[notes:]
    copy = ward.settings.data_dir / "faq.after-chat-edit.yaml"
    assert told == [
        msg.faq_chat_edits_overwritten(
            [
                ("07:00", "bhyt-mat-the", "quên thẻ bảo hiểm", False),
                ("07:01", added.entry_id, "Phường có cho mượn loa không?", True),
            ],
            str(copy),
        )
    ]
    assert copy.read_bytes() == after_edits  # what was lost, whole, to copy back
    # Told once: the next save, still without them, tells nothing; /undo cannot take back
    # what is gone, and says there is nothing to undo.
    await saved(hand + "# ghi chú\n".encode())
    assert len(await admin_notes(ward)) == notes + 1
    with pytest.raises(FaqEditError, match="không còn lần sửa nào"):
        await editor.undo()


async def test_a_hand_save_the_bot_does_not_serve_is_not_told_to_have_dropped_chat_edits(
    ward: Ward,
) -> None:
    """The officer's old copy is saved with its "faq:" header mistyped: the bot keeps
    serving the last good version, chat edits and all, so admins are not told those edits
    are gone and no longer answered (they hear of the mistake); /undo still knows them.
    Once the header is fixed, the save served, they are told what it dropped."""
    watcher, now = settling(ward)
    faq = ward.settings.faq_file
    editor = chat_editor(ward, watcher, told=True)
    saved = functools.partial(save_settled, watcher, now, ward)

    def lost_notes(notes: list[str]) -> list[str]:
        return [n for n in notes if n.startswith("⚠️ faq.yaml vừa được lưu mà không còn")]

    in_the_editor = faq.read_bytes()
    await editor.add_variant("bhyt-mat-the", "quên thẻ bảo hiểm")
    broken = in_the_editor.replace(b"\nfaq:", b"\nfaqs:", 1)
    assert broken != in_the_editor
    await saved(broken)
    assert not ward.engine.faq_ok
    assert "quên thẻ bảo hiểm" in next(
        e.variants for e in ward.engine.corpus.faq if e.id == "bhyt-mat-the"
    )
    assert lost_notes(await admin_notes(ward)) == []
    await saved(in_the_editor)
    [told] = lost_notes(await admin_notes(ward))
    assert "“quên thẻ bảo hiểm” của mục bhyt-mat-the" in told


async def test_an_edit_from_chat_during_a_long_notice_upload_is_applied_once_it_is_over(
    ward: Ward,
) -> None:
    """An officer presses ➕ while a notice is still being uploaded into content/: the edit
    is written, the bot does not read the half notice to apply it, says it has not
    reloaded yet, and applies both by itself once the upload is over."""
    notice_id = write_notice(ward.content, "hop", "Họp tổ dân phố", topics="bhyt", body="x")
    path = ward.content / f"{notice_id}.md"
    whole = path.read_text(encoding="utf-8")
    more = itertools.count(1)
    upload_over = False

    def uploading() -> None:
        if not upload_over:
            path.write_text(whole + "Nội dung" * next(more), encoding="utf-8")

    watcher, now = settling(ward, uploading)
    editor = chat_editor(ward, watcher)
    edit = await editor.add_variant("bhyt-mat-the", "quên thẻ bảo hiểm")
    assert not edit.applied
    assert "quên thẻ bảo hiểm" not in next(
        e.variants for e in ward.engine.corpus.faq if e.id == "bhyt-mat-the"
    )
    assert ward.engine.document(notice_id) is None  # the half notice is not read
    upload_over = True
    path.write_text(whole + "Nội dung đầy đủ.", encoding="utf-8")
    assert not await watcher.refresh()
    now[0] += SETTLE_SECONDS
    assert await watcher.refresh()
    assert "quên thẻ bảo hiểm" in next(
        e.variants for e in ward.engine.corpus.faq if e.id == "bhyt-mat-the"
    )
    assert (doc := ward.engine.document(notice_id)) is not None
    assert doc.body.endswith("Nội dung đầy đủ.")
    # Nothing being saved: an edit is applied at once, and said so.
    assert (await editor.add_variant("bhyt-mat-the", "rớt thẻ bảo hiểm")).applied


async def test_a_notice_caught_half_saved_is_published_and_alerted_whole(ward: Ward) -> None:
    watcher, now = settling(ward)
    await follow(ward, "1", "bhyt")
    whole = "Đổi thẻ BHYT tại nhà văn hoá khu phố.\n\nMang theo căn cước, sáng thứ Bảy."
    notice_id = write_notice(ward.content, "doi-the", "Đổi thẻ BHYT", topics="bhyt", body=whole)
    path = ward.content / f"{notice_id}.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("Mang theo")], encoding="utf-8")
    assert not await watcher.refresh()
    now[0] += 0.5
    path.write_text(text, encoding="utf-8")
    assert not await watcher.refresh()
    assert ward.engine.document(notice_id) is None
    now[0] += SETTLE_SECONDS
    assert await watcher.refresh()
    doc = ward.engine.document(notice_id)
    assert doc is not None and doc.body == whole
    await ward.sender.drain()
    assert ward.channel.chats() == ["1"]
    assert "Đổi thẻ BHYT" in ward.channel.sent[0][1][0].text


async def test_a_file_saved_once_is_applied_within_seconds_and_reload_at_once(ward: Ward) -> None:
    watcher, now = settling(ward)
    # Staff try their edit in the chat right away; a new notice is answerable within 2 s.
    assert SETTLE_SECONDS <= 1.5
    write_notice(ward.content, "hop", "Họp tổ dân phố", topics="bhyt")
    assert not await watcher.refresh()
    now[0] += SETTLE_SECONDS
    assert await watcher.refresh()
    faq = ward.settings.faq_file
    faq.write_text(faq.read_text(encoding="utf-8").replace("VssID thay", "VssID hay"), "utf-8")
    assert await watcher.refresh(force=True)  # /reload: staff say the file is saved
    assert "VssID hay" in (answer_of(ward, "bhyt-mat-the") or "")
    assert now[0] <= 3 * SETTLE_SECONDS  # waited for the file to settle, no longer


async def test_reload_caught_in_a_half_saved_faq_waits_and_serves_it_whole(ward: Ward) -> None:
    """/reload typed while an editor (or an upload) is still writing faq.yaml: the half
    written so far is never served, what the edit wrote is once it is whole."""
    faq = ward.settings.faq_file
    before = answer_of(ward, "bhyt-mat-the")
    old = "      Người dân dùng ứng dụng VssID"
    whole = faq.read_text(encoding="utf-8").replace(
        old, "      Bà con làm lại thẻ tại BHXH quận.\n      Người dân dùng ứng dụng VssID"
    )
    served: list[str | None] = []

    def rest_written() -> None:
        served.append(answer_of(ward, "bhyt-mat-the"))
        if len(served) == 1:
            faq.write_text(whole, encoding="utf-8")

    watcher, _now = settling(ward, rest_written)
    faq.write_text(whole[: whole.index(old)], encoding="utf-8")  # the first step
    assert await watcher.refresh(force=True)
    assert served and set(served) == {before}, "the half-written file was served meanwhile"
    assert (answer_of(ward, "bhyt-mat-the") or "").startswith("Bà con làm lại thẻ tại BHXH quận.")
    assert (ward.settings.data_dir / "faq.last-good.yaml").read_text(encoding="utf-8") == whole


async def test_reload_while_a_file_never_stops_changing_applies_nothing_and_says_so(
    ward: Ward,
) -> None:
    """A copy or an upload of faq.yaml going on for longer than /reload waits: the last
    good answers keep serving, staff are told the file is still being saved, and the
    watcher applies it by itself once it is."""
    faq = ward.settings.faq_file
    before = answer_of(ward, "bhyt-mat-the")
    whole = faq.read_text(encoding="utf-8").replace("VssID thay", "VssID hay")
    steps = itertools.count(1)

    def a_bit_more() -> None:
        step = next(steps)
        faq.write_text(whole[: len(whole) * step // 100], encoding="utf-8")

    watcher, now = settling(ward, a_bit_more)
    a_bit_more()
    write_notice(ward.content, "hop", "Họp tổ dân phố", topics="bhyt")  # saved at once

    async def reload() -> list[str]:
        await watcher.refresh(force=True)
        return [str(problem) for problem in ward.engine.problems]

    admin = Admin(
        ward.engine, ward.store, ward.alerts, ward.settings, reload, saving=watcher.unsettled
    )
    (reply,) = await admin.handle(ADMIN, "/reload")
    assert answer_of(ward, "bhyt-mat-the") == before
    assert reply.text.startswith(f"Chưa nạp lại: {faq} đang được lưu hay tải lên (")
    assert "Bot sẽ tự nạp khi tệp lưu xong" in reply.text
    faq.write_text(whole, encoding="utf-8")  # the upload is over
    assert not await watcher.refresh()
    now[0] += SETTLE_SECONDS
    assert await watcher.refresh()
    assert "VssID hay" in (answer_of(ward, "bhyt-mat-the") or "")


async def test_the_running_watcher_looks_again_once_a_file_may_have_settled(ward: Ward) -> None:
    """No file event follows the last write: the watcher itself looks again, well before
    its periodic rescan."""
    applied = asyncio.Event()

    class Told:
        async def report_problems(self) -> None:
            await ward.alerts.report_problems()

        async def sync(self) -> object:
            applied.set()
            return await ward.alerts.sync()

    watcher = ContentWatcher(
        ward.engine, Told(), ward.settings, rescan_seconds=3600.0, settle_seconds=0.05
    )
    stop = asyncio.Event()
    running = asyncio.create_task(watcher.run(stop))
    notice_id = write_notice(ward.content, "hop", "Họp tổ dân phố", topics="bhyt")
    try:
        # Only a watcher that never looks again waits so long.
        await asyncio.wait_for(applied.wait(), 30)
    finally:
        stop.set()
        await running
    assert ward.engine.document(notice_id) is not None


async def test_a_notice_written_while_the_watch_is_being_set_up_is_not_left_to_the_rescan(
    ward: Ward, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A notice saved after the watcher's first look but before its watch is in place (a
    busy machine at start) sends no file event: it is applied within moments all the same,
    not half a minute later at the periodic rescan, and its followers are alerted."""
    import watchfiles

    applied = asyncio.Event()
    written: list[str] = []
    watch = watchfiles.awatch

    def late_watch(*folders: Any, **options: Any) -> Any:
        if not written:  # the first watch only: the look before it has been made
            written.append(write_notice(ward.content, "hop", "Họp tổ dân phố", topics="bhyt"))
        return watch(*folders, **options)

    class Told:
        async def report_problems(self) -> None:
            await ward.alerts.report_problems()

        async def sync(self) -> object:
            if written and ward.engine.document(written[0]) is not None:
                applied.set()
            return await ward.alerts.sync()

    monkeypatch.setattr(watchfiles, "awatch", late_watch)
    watcher = ContentWatcher(
        ward.engine, Told(), ward.settings, rescan_seconds=3600.0, settle_seconds=0.05
    )
    stop = asyncio.Event()
    running = asyncio.create_task(watcher.run(stop))
    try:
        await asyncio.wait_for(applied.wait(), 30)  # a guard, not a measure
    finally:
        stop.set()
        await running
    assert ward.engine.document(written[0]) is not None


@pytest.mark.parametrize("how", ["replaced", "made after the start"])
async def test_the_running_watcher_sees_notices_in_a_content_folder_made_anew(
    ward: Ward, how: str
) -> None:
    """Staff replace content/ with a fresh copy (deleted, then copied back from a USB stick
    or a shared drive), or create it after the bot started: a notice written in it is
    answerable within moments, not only at the periodic rescan (the watcher had kept
    watching the folder that was deleted, or none)."""
    applied = asyncio.Event()

    class Told:
        async def report_problems(self) -> None:
            await ward.alerts.report_problems()

        async def sync(self) -> object:
            applied.set()
            return await ward.alerts.sync()

    fresh = ward.root / "fresh"
    shutil.copytree(ward.content, fresh)
    next(fresh.iterdir()).unlink()  # the fresh copy differs: its arrival is applied
    if how == "made after the start":
        shutil.rmtree(ward.content)
        ward.engine.reload()
    watcher = ContentWatcher(
        ward.engine, Told(), ward.settings, rescan_seconds=3600.0, settle_seconds=0.05
    )
    stop = asyncio.Event()
    running = asyncio.create_task(watcher.run(stop))

    async def seen(change: Callable[[], object]) -> None:
        """`change()` made until the watcher applies what it changed."""
        for attempt in range(40):  # a guard, not a measure
            applied.clear()
            change()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(applied.wait(), 0.5 + attempt / 20)
                return
        raise AssertionError("the watcher never applied the change")

    faq = ward.settings.faq_file
    try:
        if how == "replaced":  # the folder as it was is watched
            await seen(lambda: write_notice(ward.content, "cu", "Thông báo cũ", topics="bhyt"))
            shutil.rmtree(ward.content)
        else:  # the faq.yaml's folder is
            await seen(lambda: faq.write_text(faq.read_text("utf-8") + "\n# .\n", "utf-8"))
        shutil.copytree(fresh, ward.content)
        await seen(lambda: None)  # the fresh copy is applied
        notice_id = ""
        for attempt in range(40):  # a guard, not a measure: written until it is seen
            applied.clear()
            notice_id = write_notice(ward.content, "hop", "Họp tổ dân phố", topics="bhyt")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(applied.wait(), 0.5 + attempt / 20)
            if ward.engine.document(notice_id) is not None:
                break
    finally:
        stop.set()
        await running
    assert ward.engine.document(notice_id) is not None


async def test_the_running_watcher_clears_the_problem_of_a_subfolder_deleted(
    ward: Ward,
) -> None:
    """Notices sorted into content/2024/ are reported as not read; staff who delete that
    folder see the problem cleared within moments, not only at the periodic rescan (a
    folder deleted is no folder any more, and its event was passed over)."""
    looked = asyncio.Event()

    class Told:
        async def report_problems(self) -> None:
            looked.set()
            await ward.alerts.report_problems()

        async def sync(self) -> object:
            return await ward.alerts.sync()

    folder = ward.content / "2024"
    folder.mkdir()
    write_notice(folder, "hop", "Họp tổ dân phố", topics="bhyt")
    ward.engine.reload()
    assert any(p.file == str(folder) for p in ward.engine.problems)
    watcher = ContentWatcher(
        ward.engine, Told(), ward.settings, rescan_seconds=3600.0, settle_seconds=0.05
    )
    stop = asyncio.Event()
    running = asyncio.create_task(watcher.run(stop))
    try:
        # The watcher watches: a notice written is applied.
        for attempt in range(40):  # a guard, not a measure
            looked.clear()
            write_notice(ward.content, "cu", "Thông báo cũ", topics="bhyt")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(looked.wait(), 0.5 + attempt / 20)
                break
        shutil.rmtree(folder)
        for attempt in range(40):  # a guard, not a measure
            if not any(p.file == str(folder) for p in ward.engine.problems):
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(looked.wait(), 0.5 + attempt / 20)
            looked.clear()
    finally:
        stop.set()
        await running
    assert not any(p.file == str(folder) for p in ward.engine.problems)


async def test_a_file_that_never_stops_changing_is_applied_after_a_while(ward: Ward) -> None:
    """A log or a sync tool rewriting a notice every second must not hold every edit."""
    watcher, now = settling(ward)
    notice_id = write_notice(ward.content, "hop", "Họp tổ dân phố", topics="bhyt")
    path = ward.content / f"{notice_id}.md"
    for second in range(int(SETTLE_AT_MOST_SECONDS) + 1):
        path.write_text(path.read_text(encoding="utf-8") + f"Dòng {second}.\n", "utf-8")
        applied = await watcher.refresh()
        assert applied == (second >= SETTLE_AT_MOST_SECONDS)
        now[0] += 1.0
    assert ward.engine.document(notice_id) is not None


async def test_a_start_on_staff_files_untouched_for_a_while_waits_for_nothing(
    ward: Ward,
) -> None:
    """The files were saved long before the bot starts, as at almost every start: it
    reads them at once, without a look to see them settle."""
    an_hour_ago = time.time() - 3600
    for path in [ward.settings.faq_file, *ward.content.iterdir()]:
        os.utime(path, (an_hour_ago, an_hour_ago))
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    snapshot = await saved_snapshot(ward.settings.faq_file, ward.content, sleep=sleep)
    assert waits == []
    assert snapshot.faq is not None and len(snapshot.files) == len(list(ward.content.iterdir()))


async def test_a_start_beside_a_notice_that_never_stops_changing_reads_it_within_seconds(
    ward: Ward, caplog: pytest.LogCaptureFixture
) -> None:
    """A sync tool rewriting a notice over and over as the bot starts: the bot does not
    wait for it longer than /reload would, then reads the files as they are and says
    which one was still being saved (the watcher applies it again once it is)."""
    notice_id = write_notice(ward.content, "hop", "Họp tổ dân phố", topics="bhyt")
    path = ward.content / f"{notice_id}.md"
    waits: list[float] = []

    async def rewriting(seconds: float) -> None:
        waits.append(seconds)
        path.write_text(path.read_text(encoding="utf-8") + "Thêm một dòng.\n", "utf-8")

    snapshot = await saved_snapshot(ward.settings.faq_file, ward.content, sleep=rewriting)
    assert waits and sum(waits) == pytest.approx(FORCE_WAIT_AT_MOST_SECONDS)
    assert snapshot.files[path] == (path.stat().st_mtime_ns, path.stat().st_size)
    assert f"read while still being saved (applied again once saved): {path}" in caplog.messages


async def test_a_sync_tools_conflict_copy_of_the_faq_is_told_to_admins_until_deleted(
    ward: Ward,
) -> None:
    """Two officers saved faq.yaml at once through a shared folder: the sync tool kept the
    other's save beside it, which the bot does not read. Admins hear of it as it appears
    (that officer's edit is not served), and that all is well once it is deleted."""
    watcher, now = settling(ward)
    faq = ward.settings.faq_file
    copy = faq.parent / "faq (Lan's conflicted copy 2026-11-30).yaml"
    copy.write_text(faq.read_text("utf-8").replace("VssID thay", "VssID hay"), "utf-8")
    assert not await watcher.refresh()
    now[0] += SETTLE_SECONDS
    assert await watcher.refresh()
    assert "VssID hay" not in (answer_of(ward, "bhyt-mat-the") or "")
    await ward.sender.drain()
    ((chat, (told,), _),) = ward.channel.sent
    assert chat == ADMIN.chat_id
    assert f"{copy}:1: tệp này là bản xung đột của faq.yaml" in told.text
    copy.unlink()
    assert not await watcher.refresh()
    now[0] += SETTLE_SECONDS
    assert await watcher.refresh()
    assert not [p for p in ward.engine.problems if p.file == str(copy)]
    await ward.sender.drain()
    assert len(ward.channel.sent) == 2 and str(copy) not in ward.channel.sent[1][1][0].text


async def test_a_broken_faq_keeps_the_last_good_version_and_tells_admins(ward: Ward) -> None:
    faq = ward.settings.faq_file
    faq.write_text(faq.read_text(encoding="utf-8") + "\n  - id: [oops\n", encoding="utf-8")
    await ward.watcher.refresh()
    best = ward.engine.ask("mức đóng bhyt hộ gia đình").best
    assert best is not None and best.id == "bhyt-muc-dong-ho-gia-dinh"
    await ward.sender.drain()
    ((chat, (reply,), _),) = ward.channel.sent
    assert chat == ADMIN.chat_id
    assert f"{faq.name}:" in reply.text and str(faq) not in reply.text
    assert "bản đúng gần nhất" in reply.text
    # The same problem is not reported again on the next change.
    write_notice(ward.content, "khac", "Một thông báo khác", topics="bhyt")
    await ward.watcher.refresh()
    await ward.sender.drain()
    assert len(ward.channel.sent) == 1


async def test_a_broken_faq_with_no_good_version_says_so_to_admins(tmp_path: Path) -> None:
    write_chat_ward(tmp_path)
    faq = tmp_path / "faq.yaml"
    faq.write_text(faq.read_text(encoding="utf-8") + "\n  - id: [oops\n", encoding="utf-8")
    ward = await open_ward(tmp_path)  # a fresh data folder: nothing good was ever saved
    await ward.alerts.report_problems()
    await ward.sender.drain()
    ((chat, (reply,), _),) = ward.channel.sent
    assert chat == ADMIN.chat_id
    assert "chưa có bản đúng nào" in reply.text and "bản đúng gần nhất" not in reply.text
    assert f"{faq.name}:" in reply.text and str(faq) not in reply.text
    await close_ward(ward)


async def test_an_edit_that_loses_many_faq_entries_tells_admins_which(ward: Ward) -> None:
    faq = ward.settings.faq_file
    full = faq.read_text(encoding="utf-8")
    faq.write_text(full[: full.index("  - id: dang-ky-tam-tru")], encoding="utf-8")
    await ward.watcher.refresh()
    await ward.sender.drain()
    ((chat, (reply,), _),) = ward.channel.sent
    assert chat == ADMIN.chat_id
    assert "mất 4 trong số 8 câu hỏi đáp" in reply.text
    for gone in ("dang-ky-tam-tru", "dang-ky-thuong-tru", "dang-ky-khai-sinh", "quy-trinh-mot-cua"):
        assert gone in reply.text
    assert "faq.last-good.1.yaml" in reply.text
    # Told once: the next change does not repeat it.
    write_notice(ward.content, "khac", "Một thông báo khác", topics="bhyt")
    await ward.watcher.refresh()
    await ward.sender.drain()
    assert len(ward.channel.sent) == 1


async def test_a_followed_topic_removed_from_the_faq_is_reported_to_admins_once(
    ward: Ward,
) -> None:
    """Staff who "fix" a topic's id (hoc-bong -> khuyen-hoc) and rename it too cut its
    followers off every alert (which topic they would want is not plain): they are told,
    with how many follow it, and how to undo it."""
    await follow(ward, "1", "hoc-bong")
    await follow(ward, "2", "hoc-bong", "bhyt")
    faq = ward.settings.faq_file
    faq.write_text(
        faq.read_text(encoding="utf-8")
        .replace("hoc-bong", "khuyen-hoc")
        .replace("name: Học bổng và khuyến học", "name: Khuyến học"),
        encoding="utf-8",
    )
    assert await ward.watcher.refresh()
    await ward.sender.drain()

    def told() -> list[str]:
        texts = [r.text for chat, (r,), _ in ward.channel.sent if chat == ADMIN.chat_id]
        return [text for text in texts if "người theo dõi" in text]

    (text,) = told()
    assert "hoc-bong: 2 người theo dõi" in text and "bhyt" not in text
    assert "đặt lại mã cũ" in text
    # Told once: the next change does not repeat it.
    write_notice(ward.content, "khac", "Một thông báo khác", topics="bhyt")
    await ward.watcher.refresh()
    await ward.sender.drain()
    assert len(told()) == 1


# --- the sender -----------------------------------------------------------------------


async def test_a_429_pauses_sending_then_every_alert_goes_once(ward: Ward) -> None:
    for chat in ("1", "2", "3"):
        await follow(ward, chat, "bhyt")
    ward.channel.plan["2"] = [RetryLater(5.0)]
    write_notice(ward.content, "moi", "Thông báo mới về bảo hiểm y tế", topics="bhyt")
    await ward.watcher.refresh()
    await ward.sender.drain()
    ward.now[0] += 5  # the retried message is due again
    await ward.sender.drain()
    assert sorted(ward.channel.chats()) == ["1", "2", "3"]
    refused = next(at for chat, at in ward.channel.tried if chat == "2")
    after = [at for chat, _, at in ward.channel.sent if chat != "1"]
    assert min(after) - refused == pytest.approx(5.0), "nothing may leave before retry_after"
    assert ward.sender.stats.rate_limited == 1


async def test_an_alert_slowed_by_429s_for_hours_is_neither_failed_nor_reported_late(
    ward: Ward,
) -> None:
    """A fan-out the platform slows down: no try failed, so no alert gives up early (only
    a message to one chat, such as a staff answer, is reported late: tests/test_desk.py)."""
    ended: list[str] = []

    async def on_done(item: Any, outcome: str, error: str) -> None:
        ended.append(outcome)

    ward.sender.on_done = on_done
    await follow(ward, "1", "bhyt")
    ward.channel.plan["1"] = [RetryLater(60.0)] * 300  # five hours of 429s
    write_notice(ward.content, "moi", "Thông báo mới về bảo hiểm y tế", topics="bhyt")
    await ward.watcher.refresh()
    for _ in range(300):
        await ward.sender.drain()
        due = await ward.store.next_due(ward.channel.name)
        assert due is not None
        ward.now[0] = max(ward.now[0], due)
    assert ended == [] and (await ward.store.due("telegram", ward.now[0]))[0].attempts == 0
    await ward.sender.drain()
    assert ward.channel.chats() == ["1"] and ended == ["sent"]


async def test_a_chat_that_blocked_the_bot_loses_its_subscriptions(ward: Ward) -> None:
    blocked = await follow(ward, "1", "bhyt", "hoc-bong")
    await follow(ward, "2", "bhyt")
    ward.channel.plan["1"] = [ChatUnreachable("Forbidden: bot was blocked by the user")]
    write_notice(ward.content, "moi", "Thông báo mới về bảo hiểm y tế", topics="bhyt")
    await ward.watcher.refresh()
    await ward.sender.drain()
    assert ward.channel.chats() == ["2"]
    assert await ward.store.subscriptions_of(blocked) == []
    # Nor is anything else kept for its alerts (its chats row: whether a group, its topic).
    async with ward.store.db.execute("SELECT chat_id FROM chats ORDER BY chat_id") as cursor:
        assert [row[0] for row in await cursor.fetchall()] == ["2"]
    write_notice(ward.content, "hoc-bong", "Trao học bổng khuyến học", topics="hoc-bong")
    await ward.watcher.refresh()
    await ward.sender.drain()
    assert ward.channel.chats() == ["2"]
    # Subscribing again (they unblocked the bot and wrote to it) makes the chat reachable.
    await ward.store.subscribe(blocked, "bhyt")
    write_notice(ward.content, "bhyt-3", "Gia hạn thẻ bảo hiểm y tế", topics="bhyt")
    await ward.watcher.refresh()
    await ward.sender.drain()
    assert sorted(ward.channel.chats()) == ["1", "2", "2"]


async def test_forget_from_a_chat_that_had_blocked_the_bot_leaves_nothing_about_it(
    ward: Ward,
) -> None:
    """A resident who blocked the bot, unblocks it and sends /forget: that they had blocked
    it (kept for a month, see below) goes with the rest, and no row names the chat."""
    blocked = await follow(ward, "1", "bhyt")
    ward.channel.plan["1"] = [ChatUnreachable("Forbidden: bot was blocked by the user")]
    write_notice(ward.content, "moi", "Thông báo mới về bảo hiểm y tế", topics="bhyt")
    await ward.watcher.refresh()
    await ward.sender.drain()
    assert await ward.store.is_unreachable(blocked)
    await ward.store.forget(blocked)
    assert not await ward.store.is_unreachable(blocked)
    for table in await ward.store.per_chat_tables():
        async with ward.store.db.execute(
            f'SELECT COUNT(*) FROM "{table}" WHERE channel = ? AND chat_id = ?',
            (blocked.channel, blocked.chat_id),
        ) as cursor:
            assert (await cursor.fetchone())[0] == 0, table


@pytest.mark.parametrize("question_log_days", [0, 90])
async def test_a_chat_that_blocked_the_bot_is_forgotten_by_retention_a_month_later(
    ward: Ward, question_log_days: int
) -> None:
    """What is kept of a chat that blocked the bot (or removed it from a group): its id,
    when and why, for /stats to count the alerts it refused and for a group added back to
    be told its topics stopped. Retention forgets it after UNREACHABLE_KEEP, whatever
    QUESTION_LOG_DAYS (no longer with a long question log, no sooner without one)."""
    first, later = await follow(ward, "1", "bhyt"), await follow(ward, "2", "bhyt")
    blocking = ChatUnreachable("Forbidden: bot was blocked by the user")
    ward.channel.plan["1"] = [blocking]
    write_notice(ward.content, "moi", "Thông báo mới về bảo hiểm y tế", topics="bhyt")
    await ward.watcher.refresh()
    await ward.sender.drain()
    blocked_at = ward.clock()
    ward.now[0] += 2 * 86400.0
    ward.channel.plan["2"] = [blocking]
    write_notice(ward.content, "bhyt-2", "Gia hạn thẻ bảo hiểm y tế", topics="bhyt")
    await ward.watcher.refresh()
    await ward.sender.drain()
    assert ward.channel.chats() == ["2"]
    assert await ward.store.is_unreachable(first) and await ward.store.is_unreachable(later)

    settings = replace(ward.settings, question_log_days=question_log_days)
    retention = retention_task(
        ward.store, settings, Restarts(), clock=lambda: blocked_at + UNREACHABLE_KEEP + 3600
    )
    stop = asyncio.Event()
    running = asyncio.create_task(retention.run(stop))
    try:
        for _ in range(500):
            if not await ward.store.is_unreachable(first):
                break
            await asyncio.sleep(0.01)
    finally:
        stop.set()
        await running
    assert not await ward.store.is_unreachable(first), "forgotten after UNREACHABLE_KEEP"
    assert await ward.store.is_unreachable(later), "blocked 28 days ago: still known"
    async with ward.store.db.execute("SELECT chat_id FROM unreachable") as cursor:
        assert [row[0] for row in await cursor.fetchall()] == ["2"]


async def test_a_chat_with_a_new_id_takes_its_subscriptions_and_waiting_messages_along(
    ward: Ward, caplog: pytest.LogCaptureFixture
) -> None:
    """A Telegram group upgraded to a supergroup lives on under a new id, and sends to the
    old one are refused, naming it. The group's subscriptions and waiting messages move
    there and go out at once; what the new id had already is not doubled."""
    caplog.set_level(logging.INFO)
    old = await follow(ward, "-400", "bhyt", "hoc-bong")
    new = await follow(ward, "-100400", "hoc-bong")  # staff subscribed the supergroup too
    ward.channel.plan["-400"] = [ChatMoved("-100400")] * 5
    await ward.store.queue_message("Chiều nay cắt điện khu phố 3.", [old, new], ward.now[0])
    write_notice(ward.content, "moi", "Thông báo mới về bảo hiểm y tế", topics="bhyt")
    await ward.watcher.refresh()
    await ward.sender.drain()
    assert ward.channel.chats() == ["-100400", "-100400"]  # the broadcast once, the alert
    assert await ward.store.subscriptions_of(old) == []
    assert sorted(await ward.store.subscriptions_of(new)) == ["bhyt", "hoc-bong"]
    write_notice(ward.content, "hoc-bong", "Trao học bổng khuyến học", topics="hoc-bong")
    await ward.watcher.refresh()
    await ward.sender.drain()
    assert ward.channel.chats() == ["-100400"] * 3
    assert ward.sender.stats.unreachable == ward.sender.stats.failed == 0
    logged = [r.getMessage() for r in caplog.records if r.name == "wardbot.outbox"]
    assert any("moved to a new id" in line for line in logged)
    assert not any("400" in line for line in logged)  # the log outlives /forget: no chat id
    # Nothing about the old id outlives the retention period (its row in `chats`: whether
    # a group, its forum topics): /forget sent from the supergroup could not reach it.
    await ward.store.purge(ward.now[0] + 1)
    assert await rows_about(ward.store, old) == 0


async def test_a_broadcast_waiting_for_a_chat_that_stops_every_topic_is_not_sent_there(
    ward: Ward,
) -> None:
    """A broadcast takes minutes to reach every follower (hours in an outage). A chat that
    stops its last topic meanwhile (`/unsubscribe all`) loses what was kept for its pushes
    (whether it is a group, its forum topic): before, the broadcast still went there, to a
    follower who had just stopped everything, into General instead of the group's topic,
    and on Zalo saying "gõ /unsubscribe" as to a private chat. Now it is dropped there; a
    chat still following a topic gets it, and so does a new broadcast after it subscribes
    again."""
    group = await follow(ward, "-500", "bhyt")
    stopping = await follow(ward, "7", "bhyt", "hoc-bong")
    staying = await follow(ward, "8", "bhyt", "hoc-bong")
    chats = [group, stopping, staying]
    await ward.store.queue_message("Chiều nay cắt điện khu phố 3.", chats, ward.now[0])
    assert await ward.store.unsubscribe_all(group) == 1
    assert await ward.store.unsubscribe(stopping, "bhyt")
    assert await ward.store.unsubscribe(stopping, "hoc-bong")
    assert await ward.store.unsubscribe(staying, "hoc-bong")  # still follows bhyt
    await ward.sender.drain()
    assert ward.channel.chats() == ["8"]
    # Not told as waiting (/stats) nor as failed: dropped.
    assert await ward.store.outbox_counts(0.0) == {"sent": 1, "dropped": 2}

    await ward.store.subscribe(group, "hoc-bong")
    await ward.store.queue_message("Tối nay họp tổ dân phố.", [group], ward.now[0])
    await ward.sender.drain()
    assert ward.channel.chats() == ["8", "-500"]


class ForgetsWhileSending(Recorder):
    """A channel during whose delivery to chat `during` the chat `forgetting` sends /forget."""

    def __init__(self, during: str, forgetting: str) -> None:
        super().__init__()
        self.during, self.forgetting = during, forgetting
        self.store: Store | None = None

    async def deliver(self, chat_id: str, replies: Sequence[Reply]) -> None:
        if chat_id == self.during and self.store is not None:
            store, self.store = self.store, None  # once
            await store.forget(ChatRef(self.name, self.forgetting))
        await super().deliver(chat_id, replies)


async def rows_about(store: Store, chat: ChatRef) -> int:
    """How many rows the database holds about `chat`, in every table."""
    rows = 0
    for table in await store.per_chat_tables():
        async with store.db.execute(
            f'SELECT COUNT(*) FROM "{table}" WHERE channel = ? AND chat_id = ?',
            (chat.channel, chat.chat_id),
        ) as cursor:
            row = await cursor.fetchone()
        rows += row[0] if row else 0
    return rows


@pytest.mark.parametrize(
    ("during", "blocked"),
    [("1", False), ("1", True), ("2", True)],
    ids=[
        "forgets-while-another-chat-is-sent-to",
        "and-had-blocked-the-bot",
        "while-its-own-leaves",
    ],
)
async def test_a_chat_that_forgets_while_alerts_go_out_gets_none_and_nothing_is_kept(
    tmp_path: Path, during: str, blocked: bool
) -> None:
    channel = ForgetsWhileSending(during=during, forgetting="2")
    ward = await open_ward(tmp_path, channel)
    try:
        await ward.alerts.sync()
        for chat in ("1", "2", "3"):
            await follow(ward, chat, "bhyt")
        if blocked:
            channel.plan["2"] = [ChatUnreachable("Forbidden: bot was blocked by the user")]
        write_notice(ward.content, "moi", "Thông báo mới về bảo hiểm y tế", topics="bhyt")
        await ward.watcher.refresh()
        channel.store = ward.store
        await ward.sender.drain()
        assert channel.store is None, "/forget was sent mid fan-out"
        sent = ["1", "3"] if blocked or during == "1" else ["1", "2", "3"]
        assert sorted(channel.chats()) == sent
        assert await rows_about(ward.store, ChatRef(channel.name, "2")) == 0
    finally:
        await close_ward(ward)


async def test_an_alert_waiting_for_a_chat_that_unsubscribed_since_is_not_sent(
    ward: Ward,
) -> None:
    one_topic = await follow(ward, "1", "bhyt", "hoc-bong")
    every_topic = await follow(ward, "2", "bhyt")
    await follow(ward, "3", "bhyt")
    write_notice(ward.content, "moi", "Thông báo mới về bảo hiểm y tế", topics="bhyt")
    await ward.watcher.refresh()  # three alerts wait (a long fan-out, a channel down)
    conversation = Conversation(ward.engine, ward.store, ward.settings)
    await conversation.handle_text(one_topic, "/unsubscribe bhyt")
    await conversation.handle_text(every_topic, "/unsubscribe all")
    await ward.sender.drain()
    assert ward.channel.chats() == ["3"]
    ward.now[0] += MAX_BACKOFF
    assert not await ward.sender.drain(), "dropped, not retried"
    assert ward.channel.chats() == ["3"]


async def test_transient_errors_are_retried_with_growing_delays_then_recorded(
    ward: Ward,
) -> None:
    await follow(ward, "1", "bhyt")
    await follow(ward, "2", "bhyt")
    ward.channel.plan["1"] = [TransientError("502 Bad Gateway")] * 2
    ward.channel.plan["2"] = [TransientError("timed out")] * MAX_ATTEMPTS
    write_notice(ward.content, "moi", "Thông báo mới về bảo hiểm y tế", topics="bhyt")
    await ward.watcher.refresh()
    delays = []
    for _ in range(MAX_ATTEMPTS + 1):
        await ward.sender.drain()
        due = await ward.store.next_due(ward.channel.name)
        if due is None:
            break
        delays.append(due - ward.now[0])
        ward.now[0] = due
    assert ward.channel.chats() == ["1"]  # after two failures
    assert delays == sorted(delays) and delays[-1] == MAX_BACKOFF, "growing, then hourly"
    assert sum(delays) >= RETRY_FOR, "given up only after a week of tries"
    counts = await ward.store.outbox_counts(0)
    assert counts == {"sent": 1, "failed": 1}


async def test_alerts_stuck_behind_a_failing_platform_show_in_the_log_and_healthz(
    ward: Ward, caplog: pytest.LogCaptureFixture
) -> None:
    """The platform answers every send with a 5xx while the bot still receives: the log
    says so at once, /healthz reports the sender down once it has failed for ten minutes,
    and both say when it sends again."""
    caplog.set_level(logging.INFO, logger="wardbot.outbox")
    for chat in ("1", "2"):
        await follow(ward, chat, "bhyt")
    ward.channel.plan = {chat: [TransientError("502 Bad Gateway")] * 20 for chat in ("1", "2")}
    write_notice(ward.content, "moi", "Thông báo mới về bảo hiểm y tế", topics="bhyt")
    await ward.watcher.refresh()
    await ward.sender.drain()
    failing = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(failing) == 1 and "502 Bad Gateway" in failing[0], "said once, not per message"
    assert ward.sender.sending(), "a moment of failure is not an outage"
    for _ in range(20):  # twenty minutes of tries, every one failing
        ward.channel.ticks.now += 60
        ward.now[0] += 60
        await ward.sender.drain()
    assert ward.channel.sent == [] and not ward.sender.sending()
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR] == [
        "telegram-alerts: every message has failed for 10 minutes (502 Bad Gateway); "
        "/healthz reports telegram-alerts down until one goes out"
    ]
    ward.channel.plan = {}
    ward.now[0] += MAX_BACKOFF
    await ward.sender.drain()
    assert sorted(ward.channel.chats()) == ["1", "2"] and ward.sender.sending()
    assert "sending works again" in caplog.records[-1].getMessage()

    # One chat's sends failing for long is that chat's trouble, not the channel's.
    ward.channel.plan = {"1": [TransientError("502 Bad Gateway")] * 20}
    write_notice(ward.content, "sau", "Thông báo thứ hai về bảo hiểm y tế", topics="bhyt")
    await ward.watcher.refresh()
    for _ in range(20):
        ward.channel.ticks.now += 60
        ward.now[0] += 60
        await ward.sender.drain()
    assert ward.channel.chats()[2:] == ["2"] and ward.sender.sending()


async def test_chats_found_unreachable_after_failing_for_long_leave_the_channel_healthy(
    ward: Ward,
) -> None:
    """Two residents who blocked the bot: the platform first answers their sends with
    passing errors (Zalo's 403 for 10 minutes), then they are found unreachable. Nothing
    is failing any more, so /healthz says the sender is well (it stayed down until some
    other message went out: days, in a quiet ward)."""
    for chat in ("1", "2"):
        await follow(ward, chat, "bhyt")
    blocked = [*[TransientError("403 Forbidden")] * 9, ChatUnreachable("blocked")]
    ward.channel.plan = {chat: list(blocked) for chat in ("1", "2")}
    write_notice(ward.content, "moi", "Thông báo mới về bảo hiểm y tế", topics="bhyt")
    await ward.watcher.refresh()
    down = False
    for _ in range(240):  # four hours of tries, a minute apart
        await ward.sender.drain()
        down = down or not ward.sender.sending()
        ward.channel.ticks.now += 60
        ward.now[0] += 60
    assert down, "every send failing to two chats for long is an outage"
    assert ward.sender.stats.unreachable == 2 and ward.channel.sent == []
    assert ward.sender.sending()


async def test_alerts_given_up_after_a_week_of_outage_leave_the_sender_down(ward: Ward) -> None:
    """The platform down for longer than alerts are tried (a week): once they are given
    up, nothing proves it answers again, so /healthz still says the sender is down."""
    for chat in ("1", "2"):
        await follow(ward, chat, "bhyt")
    ward.channel.plan = {chat: [TransientError("502 Bad Gateway")] * 1000 for chat in ("1", "2")}
    write_notice(ward.content, "moi", "Thông báo mới về bảo hiểm y tế", topics="bhyt")
    await ward.watcher.refresh()
    for _ in range(12 * 24):  # twelve days, an hour apart
        await ward.sender.drain()
        ward.channel.ticks.now += 3600
        ward.now[0] += 3600
    assert ward.sender.stats.failed == 2 and ward.channel.sent == []
    assert not ward.sender.sending()


class Outage(Recorder):
    """A channel that cannot reach its platform (the network is down) until `back_at`."""

    def __init__(self) -> None:
        super().__init__()
        self.clock: Callable[[], float] = time.time
        self.back_at = 0.0

    async def deliver(self, chat_id: str, replies: Sequence[Reply]) -> None:
        if self.clock() < self.back_at:
            self.tried.append((chat_id, self.ticks()))
            raise TransientError("All connection attempts failed")
        await super().deliver(chat_id, replies)


async def test_an_alert_outlives_an_outage_of_days_and_leaves_within_the_hour_after_it(
    tmp_path: Path,
) -> None:
    channel = Outage()
    ward = await open_ward(tmp_path, channel)
    try:
        await ward.alerts.sync()
        await follow(ward, "1", "bhyt")
        channel.clock = ward.clock
        channel.back_at = ward.now[0] + 6 * 86400  # down for six days (a long holiday)
        write_notice(ward.content, "moi", "Thông báo mới về bảo hiểm y tế", topics="bhyt")
        await ward.watcher.refresh()
        while True:
            await ward.sender.drain()
            due = await ward.store.next_due(channel.name)
            if due is None:
                break
            ward.now[0] = due
        assert channel.chats() == ["1"], "not lost, and sent once"
        assert ward.now[0] - channel.back_at <= MAX_BACKOFF
        assert await ward.store.outbox_counts(0) == {"sent": 1}
    finally:
        await close_ward(ward)


async def test_a_message_that_can_never_be_sent_is_recorded_not_retried(ward: Ward) -> None:
    await follow(ward, "1", "bhyt")
    ward.channel.plan["1"] = [PermanentError("400 Bad Request: message is too long")]
    write_notice(ward.content, "moi", "Thông báo mới về bảo hiểm y tế", topics="bhyt")
    await ward.watcher.refresh()
    await ward.sender.drain()
    ward.now[0] += 10_000
    assert not await ward.sender.drain()
    assert await ward.store.outbox_counts(0) == {"failed": 1}


async def test_one_chat_gets_at_most_one_message_per_interval(tmp_path: Path) -> None:
    channel = Recorder(pace=Pace(per_second=1000.0, per_chat_interval=1.0))
    ward = await open_ward(tmp_path, channel)
    try:
        await ward.alerts.sync()
        await follow(ward, "1", "bhyt", "hoc-bong")
        await follow(ward, "2", "bhyt")
        write_notice(ward.content, "a", "Thông báo bảo hiểm y tế", topics="bhyt")
        await ward.watcher.refresh()
        ward.now[0] += outbox.BURST_WINDOW + 1  # not one burst: two messages to chat 1
        write_notice(ward.content, "b", "Thông báo học bổng", topics="hoc-bong")
        await ward.watcher.refresh()
        await ward.sender.drain()
        times = [at for chat, _, at in channel.sent if chat == "1"]
        assert len(times) == 2 and times[1] - times[0] == pytest.approx(1.0)
        assert sorted(channel.chats()) == ["1", "1", "2"]
    finally:
        await close_ward(ward)


async def test_the_overall_pace_spaces_messages(tmp_path: Path) -> None:
    channel = Recorder(pace=Pace(per_second=20.0, per_chat_interval=0.0))
    ward = await open_ward(tmp_path, channel)
    try:
        await ward.alerts.sync()
        for number in range(6):
            await follow(ward, str(number), "bhyt")
        write_notice(ward.content, "a", "Thông báo bảo hiểm y tế", topics="bhyt")
        await ward.watcher.refresh()
        await ward.sender.drain()
        times = [at for _, _, at in channel.sent]
        gaps = [b - a for a, b in itertools.pairwise(times)]
        assert gaps == pytest.approx([0.05] * 5)
    finally:
        await close_ward(ward)


async def test_a_note_or_staff_answer_does_not_wait_behind_a_long_fan_out(tmp_path: Path) -> None:
    """Thousands of alerts take minutes at the platform's pace (10 a second on Zalo): a
    note to admins (or a staff answer to a resident) queued meanwhile goes out next."""
    channel = Recorder(pace=Pace(per_second=10.0, per_chat_interval=1.0))
    ward = await open_ward(tmp_path, channel)
    try:
        await ward.alerts.sync()
        for number in range(300):
            await follow(ward, str(1000 + number), "bhyt")
        write_notice(ward.content, "a", "Thông báo bảo hiểm y tế", topics="bhyt")
        await ward.watcher.refresh()  # 300 alerts: half a minute at this pace
        assert await ward.alerts.tell_admins("Dạ, có tệp cần sửa.") == 1
        await ward.sender.drain()
        assert len(channel.sent) == 301
        assert channel.chats().index(ADMIN.chat_id) == 0
    finally:
        await close_ward(ward)


async def test_a_crash_mid_fan_out_loses_nothing_and_repeats_at_most_one(ward: Ward) -> None:
    chats = [str(n) for n in range(1, 21)]
    for chat in chats:
        await follow(ward, chat, "bhyt")
    ward.channel.hold_at = 8  # the 8th message hangs: the process dies while sending it
    write_notice(ward.content, "moi", "Thông báo mới về bảo hiểm y tế", topics="bhyt")
    await ward.watcher.refresh()
    task = asyncio.create_task(ward.sender.drain())
    await asyncio.wait_for(ward.channel.holding.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    before = ward.channel.chats()
    assert len(before) == 7

    restarted = Recorder()
    sender = Sender(
        ward.store,
        restarted,
        Composer(lambda: ward.engine.corpus, ward.store, today=lambda: ward.engine.today),
    )
    stop = asyncio.Event()
    run = asyncio.create_task(sender.run(stop))
    for _ in range(200):
        if len(restarted.sent) >= len(chats) - len(before):
            break
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(run, 5)
    everything = before + restarted.chats()
    assert sorted(set(everything)) == sorted(chats), "nothing lost"
    assert len(everything) - len(set(everything)) <= 1, "at most the one in flight repeats"


async def test_an_alert_that_cannot_be_composed_holds_up_no_other_message(
    ward: Ward, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug composing one alert (a notice the renderer chokes on) is that alert's problem:
    it is retried later like a failed send, and the channel's other messages still go."""
    for chat in ("1", "2"):
        await follow(ward, chat, "bhyt")
    broken = write_notice(ward.content, "loi", "Thông báo bị lỗi hiển thị", topics="bhyt")
    await ward.watcher.refresh()
    fine = write_notice(ward.content, "tot", "Lịch tiêm chủng bổ sung", topics="bhyt")
    await ward.watcher.refresh()
    real = outbox.alerts_reply

    def choking(notices: Sequence[tuple[Any, Sequence[str]]], *rest: Any) -> Reply:
        if any(doc.id == broken for doc, _ in notices):
            raise ValueError("cannot render")
        return real(notices, *rest)

    monkeypatch.setattr(outbox, "alerts_reply", choking)
    await ward.sender.drain()
    opened = sorted((chat, reply.buttons[0].action) for chat, (reply,), _ in ward.channel.sent)
    assert opened == [("1", f"full:{fine}"), ("2", f"full:{fine}")]
    assert (await ward.store.outbox_counts(0)).get("pending") == 2  # tried again later
    monkeypatch.setattr(outbox, "alerts_reply", real)  # the bug fixed
    ward.now[0] += MAX_BACKOFF
    await ward.sender.drain()
    assert sorted(ward.channel.chats()) == ["1", "1", "2", "2"]


# --- announce -------------------------------------------------------------------------


async def test_alerts_for_a_notice_queued_before_this_process_loaded_it_wait_for_it(
    ward: Ward,
) -> None:
    """`bot.py announce` queues alerts itself; the bot may see the file a moment later."""
    await follow(ward, "1", "bhyt")
    notice = write_notice(ward.content, "moi", "Thông báo mới về bảo hiểm y tế", topics="bhyt")
    other = await open_ward(ward.root)  # the announce command's own view of the files
    try:
        assert await other.alerts.sync() == {notice: 1}
    finally:
        await close_ward(other)
    await ward.sender.drain()
    assert ward.channel.sent == []  # not loaded here yet: not dropped either
    await ward.watcher.refresh()
    ward.now[0] += 60
    await ward.sender.drain()
    assert ward.channel.chats() == ["1"]


# --- background tasks that fail -------------------------------------------------------


class Waits:
    """Restart pauses taken at once, each recorded with whether /healthz said the task ran."""

    def __init__(self) -> None:
        self.delays: list[float] = []
        self.healthy: list[bool] = []
        self.task: Supervised | None = None

    async def __call__(self, seconds: float, _stop: asyncio.Event) -> None:
        self.delays.append(seconds)
        if self.task is not None:
            self.healthy.append(self.task.is_running())
        await asyncio.sleep(0)


def locked_once(real: Callable[..., Awaitable[object]], times: int = 1) -> Any:
    """`real`, except that its first `times` calls find the database locked."""
    calls: list[object] = []

    async def flaky(*args: object, **kwargs: object) -> object:
        calls.append(args)
        if len(calls) <= times:
            raise sqlite3.OperationalError("database is locked")
        return await real(*args, **kwargs)

    return flaky


async def admin_notes(ward: Ward) -> list[str]:
    await ward.sender.drain()
    return [reply.text for chat, replies, _ in ward.channel.sent for reply in replies]


async def until(condition: Callable[[], Awaitable[bool]]) -> None:
    for _ in range(500):
        if await condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("not reached")


async def test_the_purge_survives_a_locked_database_and_admins_hear_of_it_once(
    ward: Ward, monkeypatch: pytest.MonkeyPatch
) -> None:
    stop = asyncio.Event()
    old = ChatRef("telegram", "7")
    await ward.store.log_question(old, "mất thẻ bhyt", True, time.time() - 400 * 86400)
    purge = locked_once(ward.store.purge, times=2)

    async def purge_then_stop(before: float) -> object:
        deleted = await purge(before)
        stop.set()  # purged once: enough for this test
        return deleted

    monkeypatch.setattr(ward.store, "purge", purge_then_stop)
    waits = Waits()
    restarts = Restarts(wait=waits, notify=ward.alerts.task_failing)
    waits.task = retention = retention_task(ward.store, ward.settings, restarts)
    await asyncio.wait_for(retention.run(stop), 5)
    assert await ward.store.question_counts(0) == (0, 0), "QUESTION_LOG_DAYS still enforced"
    assert waits.delays == [1.0, 2.0], "restarted with growing delays"
    assert waits.healthy == [False, False], "/healthz says retention is down meanwhile"
    (note,) = await admin_notes(ward)
    assert "xóa nhật ký câu hỏi cũ" in note and "“retention”: false" in note


async def three_alerts_queued(ward: Ward) -> None:
    """Three chats follow bhyt and a new bhyt notice arrives: three alerts wait."""
    for chat in ("1", "2", "3"):
        await follow(ward, chat, "bhyt")
    write_notice(ward.content, "moi", "Thông báo mới về bảo hiểm y tế", topics="bhyt")
    await ward.watcher.refresh()


async def test_alerts_queued_before_a_failed_start_are_still_delivered(
    ward: Ward, monkeypatch: pytest.MonkeyPatch
) -> None:
    await three_alerts_queued(ward)
    monkeypatch.setattr(ward.store, "recover_outbox", locked_once(ward.store.recover_outbox))
    senders = Senders([ward.sender], Restarts(wait=Waits()))
    senders.start()

    async def all_sent() -> bool:
        return len(ward.channel.sent) == 3

    try:
        await until(all_sent)
    finally:
        await senders.stop()
    assert sorted(ward.channel.chats()) == ["1", "2", "3"]


async def test_a_sent_alert_whose_record_failed_is_recorded_later_not_sent_again(
    ward: Ward, monkeypatch: pytest.MonkeyPatch
) -> None:
    await three_alerts_queued(ward)
    monkeypatch.setattr(ward.store, "mark_done", locked_once(ward.store.mark_done))
    senders = Senders([ward.sender], Restarts(wait=Waits()))
    senders.start()

    async def all_recorded() -> bool:
        return await ward.store.outbox_counts(0) == {"sent": 3}

    try:
        await until(all_recorded)
    finally:
        await senders.stop()
    assert sorted(ward.channel.chats()) == ["1", "2", "3"], "none sent twice"


async def test_when_the_database_fails_admins_are_told_directly_once(
    ward: Ward, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The note cannot be queued (the outbox is in the locked database): it goes straight
    # through the channel, and the supervisor does not tell again in the same outage.
    monkeypatch.setattr(ward.store, "queue_message", locked_once(ward.store.queue_message, 9))
    alerts = Alerts(
        ward.engine, ward.store, ward.settings, ["telegram"], direct={"telegram": ward.channel}
    )
    stop = asyncio.Event()
    attempts = 0

    async def failing(stop_: asyncio.Event) -> None:
        nonlocal attempts
        attempts += 1
        if attempts == 3:
            stop.set()
        raise sqlite3.OperationalError("database is locked")

    task = Supervised(
        "telegram-alerts", failing, Restarts(wait=Waits(), notify=alerts.task_failing)
    )
    await asyncio.wait_for(task.run(stop), 5)
    assert attempts == 3
    ((chat, replies, _),) = ward.channel.sent
    assert chat == ADMIN.chat_id
    assert "gửi tin báo qua Telegram" in replies[0].text


async def test_a_task_still_failing_after_a_restart_is_not_told_again(ward: Ward) -> None:
    """Admins told that a task fails are not told again by the next start of the bot while
    it still fails; once it ran well (MAX_DELAY without an error), a new failure is news."""
    now = [0.0]
    restarts = Restarts(
        wait=Waits(),
        notify=ward.alerts.task_failing,
        recovered=ward.alerts.task_recovered,
        clock=lambda: now[0],
    )

    async def a_run(failures: int, *, then_well_for: float = 0.0) -> None:
        """One start of the bot: the task fails `failures` times, then runs `then_well_for`
        seconds (by the clock) until the bot stops."""
        stop = asyncio.Event()
        tries = 0

        async def work(_stop: asyncio.Event) -> None:
            nonlocal tries
            tries += 1
            if tries <= failures:
                raise RuntimeError("portal down")
            now[0] += then_well_for
            stop.set()

        await asyncio.wait_for(Supervised("portal", work, restarts).run(stop), 5)

    name = ward.settings.ward_name
    failing, back = msg.admin_task_failing(name, "portal"), msg.admin_task_back(name, "portal")
    await a_run(2)
    assert await admin_notes(ward) == [failing]
    await a_run(2)  # restarted: still failing
    await a_run(1, then_well_for=MAX_DELAY)  # still failing, then well until the bot stops
    assert await admin_notes(ward) == [failing, back], "told once that it works again"
    assert "đã chạy bình thường trở lại" in back and "“portal”: true" in back
    await a_run(0, then_well_for=MAX_DELAY)  # well again: nothing new to tell
    assert await admin_notes(ward) == [failing, back]
    await a_run(1)  # a new failure, after it ran well
    assert await admin_notes(ward) == [failing, back, failing]


async def test_a_task_flapping_every_minute_is_told_once_and_not_back(ward: Ward) -> None:
    """A part that fails, runs a minute, fails again, for an hour, is one outage: admins
    get one ⚠️, no "✅ … trở lại" between the failures (it never ran 5 minutes well), and
    the ✅ once it has run well for 5 minutes."""
    now = [0.0]
    restarts = Restarts(
        wait=Waits(),
        notify=ward.alerts.task_failing,
        recovered=ward.alerts.task_recovered,
        clock=lambda: now[0],
    )
    stop, tries = asyncio.Event(), 0

    async def work(_stop: asyncio.Event) -> None:
        nonlocal tries
        tries += 1
        now[0] += 60.0 if tries <= 60 else MAX_DELAY  # a minute well each time, then for good
        if tries <= 60:
            raise RuntimeError("portal down")
        stop.set()

    await asyncio.wait_for(Supervised("portal", work, restarts).run(stop), 5)
    name = ward.settings.ward_name
    failing, back = msg.admin_task_failing(name, "portal"), msg.admin_task_back(name, "portal")
    assert await admin_notes(ward) == [failing, back], "one ⚠️, one ✅ at the end"


class Later:
    """A clock and a wait on it: time passes only when a test says so."""

    def __init__(self) -> None:
        self.now = 0.0
        self._due: list[tuple[float, asyncio.Future[None]]] = []

    async def wait(self, seconds: float) -> None:
        done = asyncio.get_running_loop().create_future()
        self._due.append((self.now + seconds, done))
        await done

    async def advance(self, seconds: float) -> None:
        await asyncio.sleep(0)  # a wait just begun is counted from now
        self.now += seconds
        for due, done in self._due:
            if due <= self.now and not done.done():
                done.set_result(None)
        self._due = [(due, done) for due, done in self._due if not done.done()]


def flapping_alerts(ward: Ward, later: Later) -> Alerts:
    return Alerts(
        ward.engine,
        ward.store,
        ward.settings,
        [ward.channel.name],
        clock=lambda: ward.now[0],  # (the outbox's: a note queued later would wait)
        wait=later.wait,
    )


async def test_a_token_refused_and_taken_every_minute_is_one_warning_and_one_back(
    ward: Ward,
) -> None:
    """A Zalo token refused, then taken a minute later, ten times over, is one outage:
    admins get one ⚠️, and the ✅ once it has been taken 5 minutes running, not a pair for
    each refusal."""
    later = Later()
    alerts = flapping_alerts(ward, later)
    name = ward.settings.ward_name
    refused, back = msg.admin_zalo_token_refused(name), msg.admin_task_back(name, "zalo")
    for _ in range(10):
        await alerts.tell_admins_once("zalo-token-refused", refused)
        await later.advance(60.0)  # refused for a minute
        await alerts.untold("zalo-token-refused", back=back)
        await later.advance(60.0)  # taken for a minute
    assert await admin_notes(ward) == [refused], "no ✅ between the refusals"
    await later.advance(BACK_AFTER)

    async def told_back() -> bool:
        return back in await admin_notes(ward)

    await until(told_back)
    assert await admin_notes(ward) == [refused, back]
    await alerts.tell_admins_once("zalo-token-refused", refused)  # a new outage, told
    assert await admin_notes(ward) == [refused, back, refused]


async def test_a_back_note_still_waiting_at_the_stop_is_not_sent(ward: Ward) -> None:
    """The bot stops while a ✅ waits: it is not sent (the token may be refused again at
    once), nothing is left running, and the ⚠️ still stands at the next start."""
    later = Later()
    alerts = flapping_alerts(ward, later)
    name = ward.settings.ward_name
    refused, back = msg.admin_zalo_oa_refused(name), msg.admin_task_back(name, "zalo-oa")
    await alerts.tell_admins_once("zalo-oa-refused", refused)
    await alerts.untold("zalo-oa-refused", back=back)
    await alerts.close()
    await later.advance(BACK_AFTER)
    assert [t for t in asyncio.all_tasks() if t is not asyncio.current_task()] == []
    again = flapping_alerts(ward, later)
    await again.tell_admins_once("zalo-oa-refused", refused)
    assert await admin_notes(ward) == [refused], "no ✅, and no second ⚠️ after the restart"


WATER_CUT = (
    "Tạm ngừng cấp nước từ 8 giờ đến 16 giờ để sửa chữa đường ống. Bà con chủ động trữ nước."
)


async def copied_as(ward: Ward, notice: str, slug: str, old: str, new: str) -> None:
    """The file of `notice` copied to `slug` with `old` replaced by `new` (a notice for
    another place made from it), noticed; then what is due is sent."""
    text = (ward.content / f"{notice}.md").read_text(encoding="utf-8")
    (ward.content / f"{TODAY.isoformat()}-{slug}.md").write_text(
        text.replace(old, new), encoding="utf-8"
    )
    assert await ward.watcher.refresh()
    await ward.sender.drain()


async def test_another_street_under_a_title_one_word_apart_is_news(ward: Ward) -> None:
    """Two notices of the same day for two streets, written from one template (the text
    names no street): a title whose changed word is another real word ("Lê Lợi", "Lê Lai";
    "Tân Hòa", "Tây Hòa") is another notice, not a typo fixed, whether the file was copied
    and its title edited or the first one removed before."""
    await follow(ward, "1", "bhyt")
    loi = write_notice(
        ward.content, "cat-nuoc-le-loi", "Cắt nước đường Lê Lợi", topics="bhyt", body=WATER_CUT
    )
    await ward.watcher.refresh()
    await ward.sender.drain()
    await copied_as(ward, loi, "cat-nuoc-le-lai", "Lê Lợi", "Lê Lai")
    assert ward.channel.chats() == ["1", "1"], "the copy for another street is news"

    ward.now[0] += 3600
    body = "Phun thuốc diệt muỗi vào sáng thứ Bảy. Đề nghị các hộ mở cửa."
    tan = write_notice(
        ward.content, "phun-tan-hoa", "Phun thuốc khu Tân Hòa", topics="bhyt", body=body
    )
    await ward.watcher.refresh()
    await ward.sender.drain()
    await in_place_of(ward, tan, "phun-tay-hoa", "Phun thuốc khu Tây Hòa", body)
    assert ward.channel.chats() == ["1"] * 4, "another place in its place is news"


async def test_a_place_whose_name_differs_by_its_tone_only_is_news(ward: Ward) -> None:
    """Two places, "Tân Hòa" and "Tân Hóa": a copy made for the other one (its template
    text naming neither) is alerted; a title whose missing accents are put back ("Tan
    Hoa") or whose tone is only placed otherwise ("Hoà") is still the same notice."""
    await follow(ward, "1", "bhyt")
    body = "Họp lúc 19 giờ tối thứ Sáu tại nhà văn hóa. Mời đại diện mỗi hộ tham dự."
    first = write_notice(ward.content, "hop-tan-hoa", "Họp dân Tân Hòa", topics="bhyt", body=body)
    await ward.watcher.refresh()
    await ward.sender.drain()
    await copied_as(ward, first, "hop-tan-hoa-2", "Tân Hòa", "Tân Hóa")
    assert ward.channel.chats() == ["1", "1"], "another place is news"

    ward.now[0] += 3600
    plain = write_notice(ward.content, "hop-an-hoa", "Hop dan An Hoa", topics="bhyt", body=body)
    await ward.watcher.refresh()
    await ward.sender.drain()
    fixed = await in_place_of(ward, plain, "hop-an-hoa-2", "Họp dân An Hoà", body)
    await in_place_of(ward, fixed, "hop-an-hoa-3", "Họp dân An Hòa", body)
    assert ward.channel.chats() == ["1"] * 3, "accents put back: not alerted again"


@pytest.mark.parametrize(
    "slug", ["lich-tiem-chng", "lich-tiem-chng-vac-xin-soi-cho-tre-em-tai-tram-y-te-phuong-2"]
)
async def test_the_alert_of_a_notice_renamed_since_still_opens_it(ward: Ward, slug: str) -> None:
    """Staff see a typo in the alert that went out, fix the title and rename the file: the
    alert is not sent again, and its "📄 Xem toàn văn" (and "xem toàn văn" typed under it)
    opens the notice under its new name, not "not found"; so after a second rename, and
    for a name too long for a button (which holds its digest)."""
    chat = await follow(ward, "1", "bhyt")
    notice = write_notice(
        ward.content, slug, "Lịch tiêm chủng thág 8", topics="bhyt", body=SCHEDULE
    )
    await ward.watcher.refresh()
    await ward.sender.drain()
    ((_, (alert,), _),) = ward.channel.sent
    fixed = await in_place_of(ward, notice, "lich-tiem-chung", "Lịch tiêm chủng tháng 8", SCHEDULE)
    await in_place_of(ward, fixed, "lich-tiem-chung-thang-8", "Lịch tiêm chủng tháng 8", SCHEDULE)
    assert ward.channel.chats() == ["1"], "not alerted again"
    conversation = Conversation(ward.engine, ward.store, ward.settings)
    assert alert.buttons[0].action.startswith("full:#") == (len(slug) > 20)
    (opened,) = await conversation.handle_action(chat, alert.buttons[0].action)
    assert "tiêm vắc xin sởi" in opened.text


async def test_a_task_that_ran_well_before_the_bot_died_is_told_of_when_it_fails_again(
    ward: Ward,
) -> None:
    """The task failed (admins told), then ran well for MAX_DELAY, and the bot died without
    stopping (a power cut, an OOM kill): at the next start its new failure is news."""
    now = [0.0]
    well = asyncio.Event()  # the attempt has run MAX_DELAY without an error
    noted = asyncio.Event()

    async def settle(seconds: float, ended: asyncio.Event) -> None:
        assert seconds == MAX_DELAY
        await well.wait()

    async def recovered(task: str) -> None:
        await ward.alerts.task_recovered(task)
        noted.set()

    restarts = Restarts(
        wait=Waits(),
        notify=ward.alerts.task_failing,
        recovered=recovered,
        clock=lambda: now[0],
        settle=settle,
    )
    tries = 0

    async def work(_stop: asyncio.Event) -> None:
        nonlocal tries
        tries += 1
        if tries == 1 or tries == 3:
            raise RuntimeError("portal down")
        now[0] += MAX_DELAY
        well.set()
        await asyncio.Event().wait()  # runs until the bot dies

    dying = asyncio.create_task(Supervised("portal", work, restarts).run(asyncio.Event()))
    await asyncio.wait_for(noted.wait(), 5)
    dying.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await dying
    assert len(await admin_notes(ward)) == 2, "the failure, then that it works again"
    stop = asyncio.Event()
    restarts.wait = lambda _seconds, _stop: _set(stop)
    await asyncio.wait_for(Supervised("portal", work, restarts).run(stop), 5)  # fails again
    assert len(await admin_notes(ward)) == 3, "the new failure is told"


async def _set(event: asyncio.Event) -> None:
    event.set()


async def test_a_part_flapping_is_one_outage_told_back_once_it_stays_well(ward: Ward) -> None:
    """The search index (or the staff group), well and failing again within minutes all
    night: admins hear one ⚠️, and one ✅ once it has stayed well for BACK_AFTER; not a
    pair at each flap (Alerts.task_well)."""
    waiting: list[asyncio.Event] = []

    async def wait(seconds: float) -> None:  # the ✅'s wait, ended by the test
        assert seconds == BACK_AFTER
        waiting.append(asyncio.Event())
        await waiting[-1].wait()

    flapping = Alerts(
        ward.engine, ward.store, ward.settings, [ward.channel.name], clock=ward.clock, wait=wait
    )
    for _ in range(3):
        await flapping.task_failing("index")
        await flapping.task_well("index")
        await asyncio.sleep(0)
    assert len(await admin_notes(ward)) == 1, "one ⚠️, no ✅ while it flaps"
    waiting[-1].set()  # well for BACK_AFTER this time
    for _ in range(100):
        if len(await admin_notes(ward)) == 2:
            break
        await asyncio.sleep(0.01)
    told, back = await admin_notes(ward)
    assert told == msg.admin_task_failing(ward.settings.ward_name, "index")
    assert back == msg.admin_task_back(ward.settings.ward_name, "index")
    await flapping.task_failing("index")  # a new outage: news again
    assert len(await admin_notes(ward)) == 3
    await flapping.close()


async def test_admins_told_faq_was_broken_hear_when_it_reads_again(ward: Ward) -> None:
    """A save caught half-way (a phone's upload, a web file manager) is told as broken;
    the whole file, a moment later, is told as read again: staff who went to look (or
    fixed a real mistake) know the bot now answers from their file."""
    faq = ward.settings.faq_file
    full = faq.read_text(encoding="utf-8")
    faq.write_text(full[: full.index("  - id: dang-ky-tam-tru") + 30], encoding="utf-8")
    await ward.watcher.refresh()
    faq.write_text(full, encoding="utf-8")
    await ward.watcher.refresh()
    await ward.sender.drain()

    texts = [r.text for chat, (r,), _ in ward.channel.sent if chat == ADMIN.chat_id]
    assert len(texts) == 2 and "bản đúng gần nhất" in texts[0]
    assert texts[1] == msg.admin_faq_readable(8)
    assert texts[1].startswith("✅ faq.yaml đã đọc được bình thường trở lại")
    # Told once: the next change says nothing more.
    write_notice(ward.content, "khac", "Một thông báo khác", topics="bhyt")
    await ward.watcher.refresh()
    await ward.sender.drain()
    assert len(ward.channel.sent) == 2


async def test_admins_told_entries_were_lost_hear_when_they_are_back(ward: Ward) -> None:
    faq = ward.settings.faq_file
    full = faq.read_text(encoding="utf-8")
    faq.write_text(full[: full.index("  - id: dang-ky-tam-tru")], encoding="utf-8")
    await ward.watcher.refresh()  # a save caught between two entries: it reads
    faq.write_text(full.replace("thay cho thẻ giấy", "thay thẻ giấy"), encoding="utf-8")
    await ward.watcher.refresh()
    await ward.sender.drain()

    texts = [r.text for chat, (r,), _ in ward.channel.sent if chat == ADMIN.chat_id]
    assert len(texts) == 2 and "mất 4 trong số 8 câu hỏi đáp" in texts[0]
    assert texts[1] == msg.admin_faq_readable(8)


async def test_admins_told_of_faq_and_a_notice_hear_both_fixed_when_fixed_together(
    ward: Ward,
) -> None:
    """faq.yaml broken and a notice's mistake, told together, fixed together: staff hear
    that faq.yaml reads again and that the notice's mistake is fixed too, in one message
    (with only faq.yaml told, only that it reads again: the test above)."""
    faq = ward.settings.faq_file
    full = faq.read_text(encoding="utf-8")
    faq.write_text(full[: full.index("  - id: dang-ky-tam-tru") + 30], encoding="utf-8")
    notice = ward.content / f"{TODAY.isoformat()}-hop.md"
    notice.write_text(
        f"---\ntitle: Họp\ndate: {TODAY.isoformat()}\ntopics: [bhyt]\nsource: phuong2.gov.vn\n"
        "---\nHọp.\n",
        encoding="utf-8",
    )
    await ward.watcher.refresh()
    faq.write_text(full, encoding="utf-8")
    write_notice(ward.content, "hop", "Họp", topics="bhyt")
    await ward.watcher.refresh()
    await ward.sender.drain()

    texts = [r.text for chat, (r,), _ in ward.channel.sent if chat == ADMIN.chat_id]
    assert len(texts) == 2 and "hop.md:5: dòng source:" in texts[0]
    assert texts[1] == msg.admin_faq_readable(8, rest_fixed=True)
    assert texts[1].startswith(msg.admin_faq_readable(8))
    assert msg.admin_problems_fixed() in texts[1]


async def test_entries_removed_on_purpose_are_not_told_as_back_at_the_next_edit(
    ward: Ward,
) -> None:
    faq = ward.settings.faq_file
    full = faq.read_text(encoding="utf-8")
    cut = full[: full.index("  - id: dang-ky-tam-tru")]
    faq.write_text(cut, encoding="utf-8")
    await ward.watcher.refresh()
    faq.write_text(cut + "\n", encoding="utf-8")  # another edit, the entries still gone
    await ward.watcher.refresh()
    await ward.sender.drain()

    texts = [r.text for chat, (r,), _ in ward.channel.sent if chat == ADMIN.chat_id]
    assert len(texts) == 1 and "mất 4 trong số 8 câu hỏi đáp" in texts[0]


async def test_a_problem_moved_down_by_an_edit_above_it_is_not_told_again(ward: Ward) -> None:
    """An unfixed mistake in faq.yaml is told once, not again each time an edit above it
    (a variant added by /variant, a new entry) moves it to another line."""
    faq = ward.settings.faq_file
    text = faq.read_text(encoding="utf-8").replace("topics: [cu-tru]", "topics: [cu-truu]", 1)
    faq.write_text(text, encoding="utf-8")
    await ward.watcher.refresh()
    faq.write_text(
        text.replace(
            "      - mua bhyt cho cả nhà hết bao nhiêu\n",
            "      - mua bhyt cho cả nhà hết bao nhiêu\n      - bhyt cả nhà\n",
        ),
        encoding="utf-8",
    )
    await ward.watcher.refresh()
    await ward.sender.drain()

    texts = [r.text for chat, (r,), _ in ward.channel.sent if chat == ADMIN.chat_id]
    assert len(texts) == 1 and "'cu-truu'" in texts[0]
    # Another mistake is new: told, alone.
    faq.write_text(
        faq.read_text(encoding="utf-8").replace("topics: [ho-tich]", "topics: [hotich]"),
        encoding="utf-8",
    )
    await ward.watcher.refresh()
    await ward.sender.drain()
    texts = [r.text for chat, (r,), _ in ward.channel.sent if chat == ADMIN.chat_id]
    assert len(texts) == 2 and "'hotich'" in texts[1] and "'cu-truu'" not in texts[1]


async def restarted(ward: Ward, *, later: float = 0.0) -> Ward:
    """The bot stopped and started again `later` seconds after `ward`'s clock: its start's
    report to admins made (as `bot.py run` makes it), and sent."""
    await ward.sender.drain()
    now = ward.clock()
    await close_ward(ward)
    again = await open_ward(ward.root)
    again.now[0] = now + later
    await again.alerts.sync()
    await again.alerts.report_problems()
    await again.sender.drain()
    return again


async def test_a_restart_tells_admins_only_what_is_new_or_still_wrong_a_day_on(
    tmp_path: Path,
) -> None:
    """A mistake in faq.yaml told to admins is not told again at each restart (a deploy,
    a reboot); still there a day after they were told, the next start reminds them of it;
    fixed while the bot was stopped, they hear it is fixed, as they would have running."""
    ward = await open_ward(tmp_path)
    await ward.alerts.sync()
    faq = ward.settings.faq_file
    faq.write_text(
        faq.read_text(encoding="utf-8").replace("topics: [cu-tru]", "topics: [cu-truu]", 1),
        encoding="utf-8",
    )
    await ward.watcher.refresh()
    told = await admin_notes(ward)
    assert len(told) == 1 and "'cu-truu'" in told[0]

    ward = await restarted(ward, later=3600.0)
    assert ward.channel.sent == []
    ward = await restarted(ward, later=REMIND_AFTER - 3600.0 + 1)
    (reminded,) = await admin_notes(ward)
    assert "'cu-truu'" in reminded
    ward = await restarted(ward, later=3600.0)  # reminded just now: not again
    assert ward.channel.sent == []

    faq.write_text(
        faq.read_text(encoding="utf-8").replace("topics: [cu-truu]", "topics: [cu-tru]"),
        encoding="utf-8",
    )
    ward = await restarted(ward)
    assert await admin_notes(ward) == [msg.admin_problems_fixed()]
    ward = await restarted(ward)
    assert ward.channel.sent == []
    await close_ward(ward)


async def test_content_gone_while_the_bot_was_stopped_is_told_at_its_start(
    tmp_path: Path,
) -> None:
    """A redeploy that mounted an empty content/ volume: every notice is gone when the
    bot starts. Admins are told, as they are when it happens while the bot runs (before,
    the start took the empty folder for how things were)."""
    ward = await open_ward(tmp_path)
    await ward.alerts.sync()
    await ward.alerts.report_problems()
    count = len(ward.engine.corpus.announcements)
    assert count > 1
    (tmp_path / "moved").mkdir()
    for notice in ward.content.glob("*.md"):
        notice.rename(tmp_path / "moved" / notice.name)
    ward = await restarted(ward, later=60.0)
    told = await admin_notes(ward)
    assert told == [msg.admin_content_gone(count, str(ward.content), folder_missing=False)]
    ward = await restarted(ward, later=60.0)  # still gone: told once
    assert ward.channel.sent == []
    # Put back while the bot was stopped: its start says they are back, once.
    for notice in (tmp_path / "moved").glob("*.md"):
        notice.rename(ward.content / notice.name)
    ward = await restarted(ward, later=60.0)
    assert await admin_notes(ward) == [msg.admin_content_back(count)]
    ward = await restarted(ward, later=60.0)
    assert ward.channel.sent == []
    await close_ward(ward)


async def test_admins_told_content_was_deleted_hear_once_it_is_back(tmp_path: Path) -> None:
    """content/ deleted under the running bot, admins told to restore it at once: once it
    is back (a copy put in its place), they hear that the bot answers with it again."""
    ward = await open_ward(tmp_path)
    await ward.alerts.sync()
    await ward.alerts.report_problems()
    count = len(ward.engine.corpus.announcements)
    saved = tmp_path / "saved"
    shutil.copytree(ward.content, saved)
    shutil.rmtree(ward.content)
    await ward.watcher.refresh()
    told = await admin_notes(ward)
    assert told == [msg.admin_content_gone(count, str(ward.content), folder_missing=True)]
    shutil.copytree(saved, ward.content)
    await ward.watcher.refresh()
    assert await admin_notes(ward) == [*told, msg.admin_content_back(count)]
    assert msg.admin_content_back(count).startswith("✅ Thư mục thông báo đã có lại")
    await ward.watcher.refresh()  # nothing new: not told again
    assert await admin_notes(ward) == [*told, msg.admin_content_back(count)]
    await close_ward(ward)


async def test_a_followed_topic_gone_is_not_told_again_at_each_restart(tmp_path: Path) -> None:
    ward = await open_ward(tmp_path)
    await ward.alerts.sync()
    await follow(ward, "5001", "hoc-bong")
    faq = ward.settings.faq_file
    faq.write_text(
        faq.read_text(encoding="utf-8")
        .replace("hoc-bong]", "khuyen-hoc]")
        .replace("id: hoc-bong\n", "id: khuyen-hoc\n")
        # renamed too: which topic its followers would want is for staff to say
        .replace("name: Học bổng và khuyến học", "name: Khuyến học"),
        encoding="utf-8",
    )
    await ward.watcher.refresh()
    # (and the notice still tagged with it, as a mistake)
    assert msg.admin_topics_gone([("hoc-bong", 1)], REMEMBER_DAYS) in await admin_notes(ward)
    assert await ward.store.subscriptions_of(ChatRef(ward.channel.name, "5001")) == ["hoc-bong"]
    ward = await restarted(ward, later=60.0)
    assert ward.channel.sent == []
    await close_ward(ward)


def change_topic_id(ward: Ward, old: str, new: str) -> None:
    """Staff change a topic's id in faq.yaml, and in the entries and notices tagged with it."""
    faq = ward.settings.faq_file
    faq.write_text(
        faq.read_text(encoding="utf-8")
        .replace(f"[{old}]", f"[{new}]")
        .replace(f"id: {old}\n", f"id: {new}\n"),
        encoding="utf-8",
    )
    for notice in ward.content.glob("*.md"):
        text = notice.read_text(encoding="utf-8")
        notice.write_text(text.replace(f"topics: [{old}]", f"topics: [{new}]"), encoding="utf-8")


async def test_a_topic_whose_id_staff_changed_keeps_its_followers_and_admins_hear_so(
    ward: Ward,
) -> None:
    """Its name the same, the new id is the old topic: its followers move there, get its
    next notice once, and not again the ones they had (now tagged with the new id)."""
    await follow(ward, "5001", "hoc-bong")
    await follow(ward, "5002", "hoc-bong", "bhyt")
    await follow(ward, "5003", "bhyt")
    write_notice(ward.content, "hop-hoc-bong", "Họp xét học bổng", topics="hoc-bong")
    await ward.watcher.refresh()
    await ward.sender.drain()
    assert sorted(residents(ward)) == ["5001", "5002"]
    await ward.store.purge(ward.clock() + 60)  # its sent alerts forgotten, as months on
    ward.channel.sent.clear()
    change_topic_id(ward, "hoc-bong", "khuyen-hoc")
    await ward.watcher.refresh()
    moved = msg.admin_topic_followers_moved("hoc-bong", "khuyen-hoc", "Học bổng và khuyến học", 2)
    # All that was sent: the note, no alert again of the notice now tagged with the new id.
    assert await admin_notes(ward) == [moved]
    assert await ward.store.subscriber_counts() == {"khuyen-hoc": 2, "bhyt": 2}
    assert await ward.store.subscriptions_of(ChatRef(ward.channel.name, "5002")) == [
        "bhyt",
        "khuyen-hoc",
    ]
    ward.channel.sent.clear()
    write_notice(ward.content, "hoc-bong-2", "Trao học bổng đợt 2", topics="khuyen-hoc")
    await ward.watcher.refresh()
    await ward.sender.drain()
    assert sorted(chat for chat, _, _ in ward.channel.sent) == ["5001", "5002"]  # once each
    ward.channel.sent.clear()
    ward = await restarted(ward, later=60.0)  # nothing moved or told twice
    assert ward.channel.sent == []
    assert await ward.store.subscriber_counts() == {"khuyen-hoc": 2, "bhyt": 2}
    await close_ward(ward)


async def test_a_topic_id_changed_while_the_bot_was_stopped_moves_its_followers_at_the_start(
    tmp_path: Path,
) -> None:
    """The kept topics outlive the restart: the followers move before the start's alerts
    are queued, so a notice for the new id written meanwhile reaches them once."""
    ward = await open_ward(tmp_path)
    await ward.alerts.sync()
    await ward.alerts.report_problems()
    await follow(ward, "5001", "hoc-bong")
    change_topic_id(ward, "hoc-bong", "khuyen-hoc")
    write_notice(ward.content, "hoc-bong-2", "Trao học bổng đợt 2", topics="khuyen-hoc")
    ward = await restarted(ward, later=60.0)
    assert residents(ward) == ["5001"]
    notes = [
        r.text for chat, replies, _ in ward.channel.sent if chat == ADMIN.chat_id for r in replies
    ]
    assert notes == [
        msg.admin_topic_followers_moved("hoc-bong", "khuyen-hoc", "Học bổng và khuyến học", 1)
    ]
    assert await ward.store.subscriptions_of(ChatRef(ward.channel.name, "5001")) == ["khuyen-hoc"]
    await close_ward(ward)


async def test_admins_are_told_of_an_entry_copied_under_its_id_by_the_copys_line(
    ward: Ward, caplog: pytest.LogCaptureFixture
) -> None:
    """A clerk copies the first entry above itself to start a new one and forgets its id:
    the one residents were served keeps serving, the copy is named by its line."""
    faq = ward.settings.faq_file
    lines = faq.read_text(encoding="utf-8").split("\n")
    first = lines.index("faq:") + 2
    entry_id = lines[first - 1].split("id:")[1].strip()
    served = ward.engine.document(entry_id)
    copy = f"  - id: {entry_id}\n    question: Câu hỏi mới?\n    answer: Câu trả lời mới.\n"
    faq.write_text("\n".join(lines).replace("faq:\n", "faq:\n" + copy, 1), encoding="utf-8")
    await ward.watcher.refresh()
    await ward.sender.drain()

    ((chat, (reply,), _),) = ward.channel.sent
    assert chat == ADMIN.chat_id
    assert (
        f"faq.yaml:{first}: mã (id) '{entry_id}' đã dùng cho mục ở dòng {first + 3}, mục đó "
        "vẫn được dùng"
    ) in reply.text
    assert ward.engine.document(entry_id) == dataclasses.replace(served, line=first + 3)
    # The log says the same, at the copy's line in faq.yaml.
    assert f"{faq}:{first}: mã (id) '{entry_id}' đã dùng cho mục ở dòng {first + 3}" in caplog.text


async def test_two_alike_problems_are_both_told(ward: Ward) -> None:
    faq = ward.settings.faq_file
    faq.write_text(
        faq.read_text(encoding="utf-8")
        + "  - question: Hỏi một?\n    answer: Đáp một.\n"
        + "  - question: Hỏi hai?\n    answer: Đáp hai.\n",
        encoding="utf-8",
    )
    await ward.watcher.refresh()
    await ward.sender.drain()

    ((chat, (reply,), _),) = ward.channel.sent
    assert chat == ADMIN.chat_id
    assert reply.text.count("mục: thiếu dòng id:") == 2


async def test_admins_told_of_a_mistake_hear_once_when_every_one_is_fixed(ward: Ward) -> None:
    """A notice caught half-saved (empty) is told; its text arriving a moment later, or
    staff fixing a real mistake, is told too: once, when nothing told is left to fix."""
    notice = ward.content / f"{TODAY.isoformat()}-hop.md"
    notice.write_text("", encoding="utf-8")
    (ward.content / "2024-08-01-loi.md").write_text(
        "---\ntitle: Họp\ndate: 01/08/2024\n---\nHọp.\n", encoding="utf-8"
    )
    await ward.watcher.refresh()
    write_notice(ward.content, "hop", "Họp tổ dân phố", topics="bhyt")
    await ward.watcher.refresh()  # one fixed, one to go: nothing said
    (ward.content / "2024-08-01-loi.md").unlink()
    await ward.watcher.refresh()
    write_notice(ward.content, "khac", "Một thông báo khác", topics="bhyt")
    await ward.watcher.refresh()
    await ward.sender.drain()

    texts = [r.text for chat, (r,), _ in ward.channel.sent if chat == ADMIN.chat_id]
    assert len(texts) == 2
    assert "tệp trống" in texts[0] and "01/08/2024" in texts[0]
    assert texts[1] == msg.admin_problems_fixed()


async def test_a_look_cut_short_as_the_bot_stops_tells_admins_nothing(
    ward: Ward, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C while the watcher looks at the files: the engine closes under the look,
    which is cancelled. Its index is closed, not missing: admins were told of an outage
    (and, at the next start, of its end) that never was."""
    told: list[str] = []

    async def index_news(state: str) -> None:
        told.append(state)

    watcher = ContentWatcher(
        ward.engine, ward.alerts, ward.settings, index_news=index_news, settle_seconds=0.0
    )
    looking, release = threading.Event(), threading.Event()

    def mend_slowly() -> bool:
        looking.set()
        release.wait(10)
        return False

    monkeypatch.setattr(ward.engine, "mend_index", mend_slowly)
    look = asyncio.create_task(watcher.refresh())
    try:
        assert await asyncio.to_thread(looking.wait, 10)
        ward.engine.close()  # the bot stopping
        look.cancel()
        with pytest.raises(asyncio.CancelledError):
            await look
    finally:
        release.set()
    assert told == []
