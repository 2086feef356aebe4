"""Several notices published at once reach a follower as one message, not one each.

Staff drop a handful of announcements into content/, or a portal import brings several:
each chat gets one alert listing those it follows (title and first line each, and a way to
open each), with the outbox's guarantees kept: rows sent together are marked together, a
crash repeats the message at most once, a 429 or a failing chat delays the whole burst and
loses none of it, and each notice is still judged on its own when it leaves.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from pathlib import Path

import pytest
from chat_ward import TODAY
from fakes.telegram_api import FakeBotApi
from fakes.zalo_api import FakeZaloApi
from fakes.zalo_oa import FakeZaloOa
from test_alerts import Recorder, Ward, close_ward, follow, open_ward, write_notice
from test_telegram_app import bot_settings
from test_zalo import ALICE, Clock, zalo_settings
from test_zalo_oa import oa_settings

from handlers.telegram import TelegramChannel
from handlers.zalo import ZaloChannel
from handlers.zalo_oa import ZaloOaChannel
from wardbot.config import ConfigError, Settings
from wardbot.conversation import Conversation
from wardbot.delivery import REPLY_RETRY, PermanentError, RetryLater, TransientError
from wardbot.outbox import (
    BURST_MAX,
    BURST_WINDOW,
    MAX_BACKOFF,
    WITHDRAWN_GRACE,
    Composer,
    Sender,
)
from wardbot.reply import Reply
from wardbot.store import ChatRef


@pytest.fixture
async def ward(tmp_path: Path) -> AsyncIterator[Ward]:
    opened = await open_ward(tmp_path)
    assert await opened.alerts.sync() == {}
    yield opened
    await close_ward(opened)


def sender_for(
    ward: Ward, channel: Recorder, *, settle: float = 0.0, today: list[dt.date]
) -> Sender:
    """A sender over the ward's outbox on the ward's clock, judging notices by `today[0]`."""
    return Sender(
        ward.store,
        channel,
        Composer(lambda: ward.engine.corpus, ward.store, ward.content, today=lambda: today[0]),
        clock=ward.clock,
        monotonic=channel.ticks,
        sleep=channel.ticks.sleep,
        settle=settle,
    )


async def states(ward: Ward) -> dict[str, str]:
    """Each alert's notice -> its row's state (one chat's)."""
    async with ward.store.db.execute("SELECT ref, state FROM outbox WHERE kind = 'alert'") as cur:
        return {ref: state for ref, state in await cur.fetchall()}


TITLES = ("Lịch tiêm chủng tháng 8", "Cấp thẻ BHYT cho học sinh", "Thu phí BHYT đợt 2")


def publish_three(ward: Ward, **extra: dt.date) -> list[str]:
    return [
        write_notice(
            ward.content,
            f"tin-{number}",
            title,
            topics="bhyt",
            body=f"Dòng đầu của thông báo số {number}.\n\nĐoạn sau không hiện trong tin báo.",
            expires=extra.get(f"expires{number}"),
        )
        for number, title in enumerate(TITLES, 1)
    ]


async def test_notices_published_together_reach_a_follower_as_one_message(ward: Ward) -> None:
    await follow(ward, "1", "bhyt")
    await follow(ward, "2", "hoc-bong")
    ids = publish_three(ward)
    scholarship = write_notice(ward.content, "hoc-bong", "Trao học bổng", topics="hoc-bong")
    await ward.watcher.refresh()
    await ward.sender.drain()

    sent = {chat: replies for chat, replies, _ in ward.channel.sent}
    assert sorted(ward.channel.chats()) == ["1", "2"], "one message each"
    (burst,) = sent["1"]
    assert burst.title is not None and "3 thông báo mới" in burst.title
    for number, title in enumerate(TITLES, 1):  # each: its title, date and first line
        assert f"{title} (01/08/2024)\nDòng đầu của thông báo số {number}." in burst.text
    assert "Đoạn sau" not in burst.text
    assert burst.footer is not None and "Bảo hiểm y tế" in burst.footer
    # Each opens as a single alert's "📄 Xem toàn văn" does.
    assert [b.action for b in burst.buttons] == [f"full:{notice}" for notice in ids]
    conversation = Conversation(ward.engine, ward.store, ward.settings)
    (whole,) = await conversation.handle_action(ChatRef("telegram", "1"), burst.buttons[1].action)
    assert "Đoạn sau không hiện" in whole.text

    # A single notice keeps the alert it always had.
    (single,) = sent["2"]
    assert single.title == "🔔 Thông báo mới: Trao học bổng"
    assert [b.action for b in single.buttons] == [f"full:{scholarship}"]
    assert set((await states(ward)).values()) == {"sent"}


async def test_an_alert_waits_for_the_rest_of_its_burst(ward: Ward) -> None:
    """Files copied one by one (or imported from the portal one at a time) are noticed
    apart: an alert waits `settle` seconds after it was queued, and the notices queued
    meanwhile go with it."""
    await follow(ward, "1", "bhyt")
    channel = Recorder()
    sender = sender_for(ward, channel, settle=30.0, today=[TODAY])
    start = ward.now[0]
    first = write_notice(ward.content, "a", "Lịch tiêm chủng tháng 8", topics="bhyt")
    await ward.watcher.refresh()
    assert not await sender.drain()
    assert await ward.store.next_due("telegram", 30.0) == pytest.approx(start + 30.0)
    ward.now[0] += 20
    second = write_notice(ward.content, "b", "Cấp thẻ BHYT cho học sinh", topics="bhyt")
    await ward.watcher.refresh()
    assert not await sender.drain()
    ward.now[0] = start + 30.0
    await sender.drain()
    ((chat, (reply,), _),) = channel.sent
    assert chat == "1" and [b.action for b in reply.buttons] == [f"full:{first}", f"full:{second}"]

    # Published long after (past BURST_WINDOW) is another burst, even when both wait.
    ward.now[0] += 10
    third = write_notice(ward.content, "c", "Thu phí BHYT đợt 2", topics="bhyt")
    await ward.watcher.refresh()
    ward.now[0] += BURST_WINDOW + 1
    fourth = write_notice(ward.content, "d", "Lịch khám sức khỏe", topics="bhyt")
    await ward.watcher.refresh()
    ward.now[0] += 30.0
    await sender.drain()
    opened = [[b.action for b in replies[0].buttons] for _, replies, _ in channel.sent[1:]]
    assert opened == [[f"full:{third}"], [f"full:{fourth}"]]


async def test_a_crash_while_a_burst_leaves_repeats_it_once_and_loses_nothing(
    ward: Ward,
) -> None:
    await follow(ward, "1", "bhyt")
    ids = publish_three(ward)
    await ward.watcher.refresh()
    ward.channel.hold_at = 1  # the process dies while the burst's message is leaving
    task = asyncio.create_task(ward.sender.drain())
    await asyncio.wait_for(ward.channel.holding.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert set((await states(ward)).values()) == {"sending"}, "marked together"

    restarted = Recorder()
    sender = sender_for(ward, restarted, today=[TODAY])
    assert await ward.store.recover_outbox("telegram") == 3
    await sender.drain()
    ((_, (reply,), _),) = restarted.sent  # the same message, once more
    assert [b.action for b in reply.buttons] == [f"full:{notice}" for notice in ids]
    assert await states(ward) == dict.fromkeys(ids, "sent")


async def test_a_burst_rate_limited_or_failing_goes_later_whole(ward: Ward) -> None:
    await follow(ward, "1", "bhyt")
    await follow(ward, "2", "bhyt")
    ids = publish_three(ward)
    await ward.watcher.refresh()
    ward.channel.plan["1"] = [RetryLater(7.0), TransientError("502 Bad Gateway")]
    await ward.sender.drain()
    # The other chat is not held up by the first one's trouble.
    assert ward.channel.chats() == ["2"]
    async with ward.store.db.execute(
        "SELECT state, attempts, not_before FROM outbox WHERE chat_id = '1'"
    ) as cursor:
        rows = await cursor.fetchall()
    # A 429 is no failed try: all three wait together for the time asked.
    assert rows == [("pending", 0, pytest.approx(ward.now[0] + 7.0))] * 3

    ward.now[0] += 7.0
    await ward.sender.drain()  # 502: tried again later, each counting one try
    assert ward.channel.chats() == ["2"]
    ward.now[0] += 5.0
    await ward.sender.drain()
    assert ward.channel.chats() == ["2", "1"]
    (reply,) = ward.channel.sent[-1][1]
    assert [b.action for b in reply.buttons] == [f"full:{notice}" for notice in ids]
    async with ward.store.db.execute("SELECT DISTINCT state FROM outbox") as cursor:
        assert await cursor.fetchall() == [("sent",)]


async def test_each_notice_of_a_burst_is_judged_when_it_leaves(ward: Ward) -> None:
    """An alert that has become old news while it waited is dropped, not sent, as it
    would be alone; the burst goes without it (one left: the usual single alert)."""
    await follow(ward, "1", "bhyt")
    ids = publish_three(ward, expires1=TODAY + dt.timedelta(days=1))
    await ward.watcher.refresh()
    today = [TODAY + dt.timedelta(days=2)]  # an outage: the first has expired meanwhile
    channel = Recorder()
    await sender_for(ward, channel, today=today).drain()
    ((_, (reply,), _),) = channel.sent
    assert [b.action for b in reply.buttons] == [f"full:{ids[1]}", f"full:{ids[2]}"]
    assert await states(ward) == {ids[0]: "dropped", ids[1]: "sent", ids[2]: "sent"}

    # The chat stops following the topic of one of two: the other goes, as a single alert.
    await follow(ward, "2", "bhyt", "hoc-bong")
    scholarship = write_notice(ward.content, "hb", "Trao học bổng", topics="hoc-bong")
    health = write_notice(ward.content, "yt", "Khám sức khỏe", topics="bhyt")
    await ward.watcher.refresh()
    await ward.store.unsubscribe(ChatRef("telegram", "2"), "hoc-bong")
    await sender_for(ward, channel, today=[TODAY]).drain()
    (single,) = channel.sent[-1][1]
    assert single.title == "🔔 Thông báo mới: Khám sức khỏe"
    assert [b.action for b in single.buttons] == [f"full:{health}"]
    assert scholarship not in {b.action.partition(":")[2] for b in single.buttons}


async def test_a_very_large_burst_is_split_into_messages_of_at_most_burst_max(
    ward: Ward,
) -> None:
    await follow(ward, "1", "bhyt")
    count = BURST_MAX + 2
    for number in range(count):
        write_notice(ward.content, f"tin-{number:02d}", f"Thông báo số {number}", topics="bhyt")
    await ward.watcher.refresh()
    await ward.sender.drain()
    sizes = [len(replies[0].buttons) for _, replies, _ in ward.channel.sent]
    assert sizes == [BURST_MAX, 2]


@pytest.mark.parametrize(("value", "seconds"), [(None, 30), ("0", 0), ("120", 120)])
def test_alert_gather_seconds_is_read_from_the_environment(value: str | None, seconds: int) -> None:
    env = {} if value is None else {"ALERT_GATHER_SECONDS": value}
    assert Settings.from_env(env).alert_gather_seconds == seconds


@pytest.mark.parametrize("value", ["-1", "601", "half a minute"])
def test_a_wrong_alert_gather_seconds_stops_the_start_saying_so(value: str) -> None:
    with pytest.raises(ConfigError, match="ALERT_GATHER_SECONDS"):
        Settings.from_env({"ALERT_GATHER_SECONDS": value})


class Refusing(Recorder):
    """A platform that refuses for good any message opening the notice `refused` (a title
    it cannot parse, say), and records the others."""

    def __init__(self, refused: str) -> None:
        super().__init__()
        self.refused = f"full:{refused}"

    async def deliver(self, chat_id: str, replies: Sequence[Reply]) -> None:
        if any(b.action == self.refused for reply in replies for b in reply.buttons):
            self.attempts += 1
            raise PermanentError("Bad Request: can't parse entities")
        await super().deliver(chat_id, replies)


async def test_a_burst_refused_for_good_loses_only_the_notice_refused(ward: Ward) -> None:
    """The platform refuses the burst's message for good because of one notice: the others
    are each sent alone, and only that one fails (before, all of the burst failed)."""
    await follow(ward, "1", "bhyt")
    ids = publish_three(ward)
    await ward.watcher.refresh()
    channel = Refusing(ids[1])
    await sender_for(ward, channel, today=[TODAY]).drain()
    opened = [[b.action for b in replies[0].buttons] for _, replies, _ in channel.sent]
    assert opened == [[f"full:{ids[0]}"], [f"full:{ids[2]}"]]
    assert await states(ward) == {ids[0]: "sent", ids[1]: "failed", ids[2]: "sent"}


# --- a long burst on Zalo: split over several messages ----------------------------------


@contextlib.asynccontextmanager
async def zalo_ward(tmp_path: Path) -> AsyncIterator[tuple[Ward, FakeZaloApi, Clock]]:
    """The ward with a Zalo channel on the fake Bot API (its replies' retry waits on
    `Clock`, ended at once); yields the ward, the fake Zalo and that clock."""
    ward = await open_ward(tmp_path, Recorder("zalo"))
    try:
        assert await ward.alerts.sync() == {}
        async with FakeZaloApi() as api:
            yield ward, api, Clock()
            for call in api.of("sendMessage"):  # nothing over Zalo's limit
                assert 1 <= len(call.text) <= 2000
    finally:
        await close_ward(ward)


async def started_zalo(ward: Ward, api: FakeZaloApi, retries: Clock) -> ZaloChannel:
    settings = zalo_settings(ward.settings, api)
    channel = ZaloChannel(
        settings,
        Conversation(ward.engine, ward.store, settings),
        poll_timeout=0.1,
        reply_retry=replace(REPLY_RETRY, clock=retries, sleep=retries.sleep),
    )
    await channel.start()
    return channel


def zalo_sender(ward: Ward, channel: ZaloChannel) -> Sender:
    composer = Composer(lambda: ward.engine.corpus, ward.store, ward.content, today=lambda: TODAY)
    ticks = ward.channel.ticks  # the pace's clock and waits, ended at once
    return Sender(
        ward.store, channel, composer, clock=ward.clock, monotonic=ticks, sleep=ticks.sleep
    )


def publish_long(ward: Ward, numbers: range) -> list[str]:
    """Notices with long titles and first lines: seven or more make an alert longer than
    one Zalo message."""
    return [
        write_notice(
            ward.content,
            f"dai-{number:02d}",
            f"Thông báo số {number} về lịch tiêm chủng, cấp thẻ bảo hiểm y tế và thu phí",
            topics="bhyt",
            body=f"Dòng đầu của thông báo số {number}: " + "người dân mang theo giấy tờ. " * 5,
        )
        for number in numbers
    ]


def read_once_each(api: FakeZaloApi, chat_id: str, numbers: range) -> None:
    """Every notice's first line reached the chat, once; no message came twice."""
    texts = [call.text for call in api.sent(chat_id)]
    assert len(set(texts)) == len(texts), "a message sent twice"
    body = "\n".join(texts)
    for number in numbers:
        assert body.count(f"Dòng đầu của thông báo số {number}:") == 1, number


@pytest.mark.parametrize("code", [502, 429])
async def test_a_long_burst_partly_sent_on_zalo_then_joined_by_a_notice_is_read_once(
    tmp_path: Path, code: int
) -> None:
    """Seven notices make an alert of two Zalo messages; the first goes out, the second
    fails for long (Zalo down, or over quota: then no try is counted). Another notice is
    published before the retry. Before, the retry listed eight notices, unlike the alert
    partly sent, and the resident read the first seven's first message twice. Now the
    retry sends what the resident has not got of the seven, and the eighth comes in a
    message of its own."""
    async with zalo_ward(tmp_path) as (ward, api, retries):
        await follow(ward, ALICE, "bhyt")
        publish_long(ward, range(7))
        await ward.watcher.refresh()
        channel = await started_zalo(ward, api, retries)
        try:
            sender = zalo_sender(ward, channel)
            api.fail(code, method="sendMessage", after=1, times=len(REPLY_RETRY.waits) + 1)
            await sender.drain()
            assert len(api.sent(ALICE)) == 1  # of two
            assert (sender.stats.retried, sender.stats.rate_limited) == (
                (7, 0) if code == 502 else (0, 1)
            )
            ward.now[0] += 60
            publish_long(ward, range(7, 8))
            await ward.watcher.refresh()
            ward.now[0] += MAX_BACKOFF
            await sender.drain()
            await sender.drain()
        finally:
            await channel.stop()
        read_once_each(api, ALICE, range(8))
        assert await states(ward) == dict.fromkeys(
            [f"{TODAY.isoformat()}-dai-{n:02d}" for n in range(8)], "sent"
        )


async def test_a_long_burst_cut_off_on_zalo_by_a_crash_then_joined_by_a_notice_is_read_once(
    tmp_path: Path,
) -> None:
    """The bot dies (kill -9) while the second message of a seven-notice alert is being
    retried, and another notice is published before it is started again. Before, the
    alert went again with eight notices: the resident read the first message twice. Now
    the rest of the seven goes, then the eighth alone."""
    async with zalo_ward(tmp_path) as (ward, api, retries):
        await follow(ward, ALICE, "bhyt")
        publish_long(ward, range(7))
        await ward.watcher.refresh()
        channel = await started_zalo(ward, api, retries)
        try:
            api.fail(502, method="sendMessage", after=1)
            retries.hold()  # the second part waits for its retry: the bot dies meanwhile
            task = asyncio.create_task(zalo_sender(ward, channel).drain())
            await asyncio.wait_for(retries.waiting.wait(), 10)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
        finally:
            retries.release()
            await channel.stop()
        assert len(api.sent(ALICE)) == 1
        ward.now[0] += 60
        publish_long(ward, range(7, 8))
        await ward.watcher.refresh()

        assert await ward.store.recover_outbox("zalo") == 7
        channel = await started_zalo(ward, api, Clock())
        try:
            sender = zalo_sender(ward, channel)
            await sender.drain()
            await sender.drain()
        finally:
            await channel.stop()
        read_once_each(api, ALICE, range(8))
        assert set((await states(ward)).values()) == {"sent"}


def parts_of(api: FakeZaloApi, chat_id: str) -> list[str]:
    return [call.text for call in api.sent(chat_id)]


@pytest.mark.parametrize(("withdrawn", "restart"), [(1, False), (6, False), (6, True)])
async def test_a_long_burst_partly_sent_on_zalo_then_one_notice_withdrawn_is_read_once(
    tmp_path: Path, withdrawn: int, restart: bool
) -> None:
    """Seven notices make an alert of two Zalo messages; the first goes out, the second
    fails for long. Before the retry the portal withdraws one of the seven: one the
    resident has read in the first message (1), or one they have not (6). Before, the
    retry listed six notices, unlike the alert partly sent, and the resident read the
    first message's notices twice. Now the retry sends only what they have not read, the
    withdrawn notice not at all when it had not gone out, and its line in the list to
    open each notice goes too; after a restart as well."""
    async with zalo_ward(tmp_path) as (ward, api, retries):
        await follow(ward, ALICE, "bhyt")
        ids = publish_long(ward, range(7))
        await ward.watcher.refresh()
        channel = await started_zalo(ward, api, retries)
        try:
            sender = zalo_sender(ward, channel)
            api.fail(502, method="sendMessage", after=1, times=len(REPLY_RETRY.waits) + 1)
            await sender.drain()
            (first,) = parts_of(api, ALICE)
            assert "Dòng đầu của thông báo số 1:" in first
            assert "Dòng đầu của thông báo số 6:" not in first
            (ward.content / f"{ids[withdrawn]}.md").unlink()  # the portal withdraws it
            await ward.watcher.refresh()
            if restart:
                await channel.stop()
                channel = await started_zalo(ward, api, retries)
                sender = zalo_sender(ward, channel)
            ward.now[0] += MAX_BACKOFF
            await sender.drain()
            ward.now[0] += WITHDRAWN_GRACE
            await sender.drain()
            texts = parts_of(api, ALICE)
            # The list's numbers open the notices it shows: the sixth, the sixth kept.
            (opened,) = await api.say(ALICE, "6")
            sixth = [number for number in range(7) if number != withdrawn][5]
            assert opened.text.startswith(f"Thông báo số {sixth} về"), opened.text[:80]
        finally:
            await channel.stop()
        assert len(texts) > 1, "the rest of the alert went out"
        read = 1 if withdrawn == 1 else 0  # read in the first message, or never
        for number in range(7):
            said = "\n".join(texts).count(f"Dòng đầu của thông báo số {number}:")
            assert said == (read if number == withdrawn else 1), number
        rest = "\n".join(texts[1:])
        assert "thông báo mới" not in rest, "no second heading"
        assert f"Thông báo số {withdrawn} về" not in rest, "its line to open it is gone"
        for number in set(range(7)) - {withdrawn}:  # the others still open from the list
            assert f"Thông báo số {number} về" in rest, number
        assert await states(ward) == {
            notice: "dropped" if at == withdrawn else "sent" for at, notice in enumerate(ids)
        }


async def test_a_long_alert_partly_sent_on_a_zalo_oa_then_one_notice_withdrawn_is_read_once(
    tmp_path: Path,
) -> None:
    """The same on a Zalo Official Account: the first of two messages goes out, the OA
    refuses the second (over its rate), and one notice the resident read in the first is
    withdrawn before the retry. The retry sends only what they have not read."""
    ward = await open_ward(tmp_path, Recorder("zalo-oa"))
    try:
        assert await ward.alerts.sync() == {}
        async with FakeZaloOa() as oa:
            await follow(ward, ALICE, "bhyt")
            ids = publish_long(ward, range(7))
            await ward.watcher.refresh()
            settings = oa_settings(ward.settings, oa)
            channel = ZaloOaChannel(settings, Conversation(ward.engine, ward.store, settings))
            await channel.start()
            try:
                sender = zalo_sender(ward, channel)  # type: ignore[arg-type]
                oa.refused_after[ALICE] = (1, -32)
                await sender.drain()
                (first,) = [sent.text for sent in oa.to(ALICE)]
                assert "Dòng đầu của thông báo số 1:" in first
                assert "Dòng đầu của thông báo số 6:" not in first
                (ward.content / f"{ids[1]}.md").unlink()  # the portal withdraws it
                await ward.watcher.refresh()
                del oa.refused_after[ALICE]
                ward.now[0] += MAX_BACKOFF
                await sender.drain()
                ward.now[0] += WITHDRAWN_GRACE
                await sender.drain()
                texts = [sent.text for sent in oa.to(ALICE)]
            finally:
                await channel.stop()
        assert len(texts) > 1, "the rest of the alert went out"
        for number in range(7):
            said = "\n".join(texts).count(f"Dòng đầu của thông báo số {number}:")
            assert said == 1, number
    finally:
        await close_ward(ward)


async def test_a_long_burst_partly_sent_on_telegram_then_one_notice_withdrawn_is_read_once(
    tmp_path: Path,
) -> None:
    """Ten notices with long titles make an alert of two Telegram messages; the first goes
    out, the second fails for long (Telegram down). Before the retry the portal withdraws a
    notice the resident read in the first. Before, the retry sent the nine left whole from
    their heading on: the resident read the first message's notices twice (Zalo went on
    with what they had not read). Now Telegram does too."""
    ward = await open_ward(tmp_path, Recorder("telegram"))
    try:
        assert await ward.alerts.sync() == {}
        async with FakeBotApi() as api:
            await follow(ward, "901", "bhyt")
            ids = [
                write_notice(
                    ward.content,
                    f"dai-{number:02d}",
                    f"Thông báo số {number} về lịch tiêm chủng, cấp thẻ bảo hiểm y tế, "
                    + "thu phí vệ sinh và đăng ký tạm trú của người dân khu phố " * 6,
                    topics="bhyt",
                    body=f"Dòng đầu của thông báo số {number}: người dân mang theo giấy tờ & ảnh 3x4.",
                )
                for number in range(10)
            ]
            await ward.watcher.refresh()
            settings = bot_settings(ward.settings, api)
            retries = Clock()
            channel = TelegramChannel(
                settings,
                Conversation(ward.engine, ward.store, settings),
                reply_retry=replace(REPLY_RETRY, clock=retries, sleep=retries.sleep),
            )
            await channel.application.initialize()
            try:
                sender = zalo_sender(ward, channel)  # type: ignore[arg-type]
                api.fail("sendMessage", 502, after=1, times=len(REPLY_RETRY.waits) + 1)
                await sender.drain()
                (first,) = [call.text for call in api.sent(901) if call.status == 200]
                assert "Dòng đầu của thông báo số 1:" in first
                assert "Dòng đầu của thông báo số 9:" not in first
                (ward.content / f"{ids[1]}.md").unlink()  # the portal withdraws it
                await ward.watcher.refresh()
                ward.now[0] += MAX_BACKOFF
                await sender.drain()
                ward.now[0] += WITHDRAWN_GRACE
                await sender.drain()
                texts = [call.text for call in api.sent(901) if call.status == 200]
            finally:
                await channel.application.shutdown()
        assert len(texts) > 1, "the rest of the alert went out"
        for number in range(10):
            said = "\n".join(texts).count(f"Dòng đầu của thông báo số {number}:")
            assert said == 1, number
        assert "thông báo mới" not in "\n".join(texts[1:]), "no second heading"
    finally:
        await close_ward(ward)
