"""A topic whose id staff changed keeps its followers when the change takes more than one
save: the old block removed, the new one added later (or broken, then fixed); the note
to admins outlives a crash; buttons shown before the change still act on the topic."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from chat_ward import WARD_NAME
from fakes.telegram_api import FakeBotApi
from test_alerts import (
    Ward,
    admin_notes,
    close_ward,
    follow,
    open_ward,
    residents,
    restarted,
    write_notice,
)
from test_telegram import ALICE, BINH, running_bot, shown

from wardbot import messages as msg
from wardbot.alerts import Alerts
from wardbot.config import Settings
from wardbot.engine import Engine
from wardbot.reply import digest
from wardbot.store import ChatRef
from wardbot.subscriptions import Subscriptions
from wardbot.topic_renames import REMEMBER_DAYS, RENAMED_KEY, renamed_ids

NAME = "Học bổng và khuyến học"
OLD_BLOCK = f"  - id: hoc-bong\n    name: {NAME}\n    keywords: [học bổng, khuyến học]\n"
# The new block, its name typed with other capitals: the same name.
NEW_BLOCK = "  - id: khuyen-hoc\n    name: Học Bổng và Khuyến Học\n    keywords: [học bổng]\n"
DAY = 86400.0


def edit_faq(ward: Ward, old: str, new: str) -> None:
    faq = ward.settings.faq_file
    text = faq.read_text(encoding="utf-8")
    assert old in text
    faq.write_text(text.replace(old, new), encoding="utf-8")


def moved_note(followers: int) -> str:
    return msg.admin_topic_followers_moved(
        "hoc-bong", "khuyen-hoc", "Học Bổng và Khuyến Học", followers
    )


async def removed_then(ward: Ward) -> Ward:
    """Chats 5001 and 5002 follow hoc-bong; staff delete its block (told it is gone)."""
    await follow(ward, "5001", "hoc-bong")
    await follow(ward, "5002", "hoc-bong", "bhyt")
    edit_faq(ward, OLD_BLOCK, "")
    await ward.watcher.refresh()
    assert msg.admin_topics_gone([("hoc-bong", 2)], REMEMBER_DAYS) in await admin_notes(ward)
    ward.channel.sent.clear()
    return ward


@pytest.fixture
async def started(tmp_path: Path) -> AsyncIterator[list[Ward]]:
    """A ward after its first start; the test puts each restarted one in the list."""
    ward = await open_ward(tmp_path)
    await ward.alerts.sync()
    await ward.alerts.report_problems()
    wards = [ward]
    yield wards
    await close_ward(wards[-1])


async def test_a_topic_deleted_then_added_under_a_new_id_days_later_keeps_its_followers(
    started: list[Ward],
) -> None:
    """Two saves days apart, a restart between: the followers move at the second save,
    admins hear it once, and the topic's next notice reaches each follower once."""
    ward = await removed_then(started[0])
    ward = await restarted(ward, later=3 * DAY)
    started.append(ward)
    edit_faq(ward, "topics:\n", "topics:\n" + NEW_BLOCK)
    await ward.watcher.refresh()
    assert (await admin_notes(ward)).count(moved_note(2)) == 1
    assert await ward.store.subscriber_counts() == {"khuyen-hoc": 2, "bhyt": 1}
    ward.channel.sent.clear()
    write_notice(ward.content, "trao-hoc-bong", "Trao học bổng đợt 2", topics="khuyen-hoc")
    await ward.watcher.refresh()
    await ward.sender.drain()
    assert sorted(residents(ward)) == ["5001", "5002"]
    ward.channel.sent.clear()
    ward = await restarted(ward, later=60.0)  # nothing moved or told twice
    started.append(ward)
    assert ward.channel.sent == []
    assert await ward.store.subscriber_counts() == {"khuyen-hoc": 2, "bhyt": 1}


async def test_a_topic_deleted_longer_ago_than_the_limit_is_not_taken_for_a_new_one(
    started: list[Ward],
) -> None:
    ward = await removed_then(started[0])
    ward = await restarted(ward, later=(REMEMBER_DAYS + 1) * DAY)
    started.append(ward)
    edit_faq(ward, "topics:\n", "topics:\n" + NEW_BLOCK)
    await ward.watcher.refresh()
    assert moved_note(2) not in await admin_notes(ward)
    assert await ward.store.subscriber_counts() == {"hoc-bong": 2, "bhyt": 1}


async def test_the_old_id_put_back_keeps_its_followers_where_they_were(
    started: list[Ward],
) -> None:
    """Staff put the deleted block back: nothing moves; a topic of its name added later is
    a second topic of that name (told as such), not its new id."""
    ward = await removed_then(started[0])
    edit_faq(ward, "topics:\n", "topics:\n" + OLD_BLOCK)
    await ward.watcher.refresh()
    edit_faq(ward, "topics:\n", "topics:\n" + NEW_BLOCK)
    await ward.watcher.refresh()
    assert moved_note(2) not in await admin_notes(ward)
    assert await ward.store.subscriber_counts() == {"hoc-bong": 2, "bhyt": 1}


async def test_a_new_id_whose_block_is_broken_gets_the_followers_once_fixed(
    started: list[Ward],
) -> None:
    """The id changed and the name left empty in one save: the old topic is gone, the new
    one does not read (staff are told both). Fixed the next day, its followers move."""
    ward = started[0]
    await follow(ward, "5001", "hoc-bong")
    edit_faq(ward, OLD_BLOCK, "  - id: khuyen-hoc\n    name:\n")
    await ward.watcher.refresh()
    notes = await admin_notes(ward)
    assert msg.admin_topics_gone([("hoc-bong", 1)], REMEMBER_DAYS) in notes
    ward = await restarted(ward, later=DAY)
    started.append(ward)
    edit_faq(ward, "  - id: khuyen-hoc\n    name:\n", NEW_BLOCK)
    await ward.watcher.refresh()
    assert moved_note(1) in await admin_notes(ward)
    assert await ward.store.subscriptions_of(ChatRef(ward.channel.name, "5001")) == ["khuyen-hoc"]


async def test_the_topics_gone_warning_says_a_new_id_under_the_same_name_keeps_followers(
    started: list[Ward],
) -> None:
    """Staff told a followed topic is gone learn both ways to keep its followers: the old
    id put back, or the topic added under its new id with the same name within the days
    it is remembered."""
    ward = started[0]
    await follow(ward, "5001", "hoc-bong")
    edit_faq(ward, OLD_BLOCK, "")
    await ward.watcher.refresh()
    (warning,) = [note for note in await admin_notes(ward) if note.startswith("⚠️ faq.yaml không")]
    assert "đặt lại mã cũ" in warning
    assert f"mã mới nhưng giữ nguyên tên trong vòng {REMEMBER_DAYS} ngày" in warning


class Crash(BaseException):
    """The bot killed at this point."""


async def test_the_note_of_a_move_outlives_a_crash_right_after_the_move(
    started: list[Ward], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed once the followers moved, before anything else was written or sent: the
    note to admins waits in the outbox with the move and goes once after the restart."""
    ward = await removed_then(started[0])
    edit_faq(ward, "topics:\n", "topics:\n" + NEW_BLOCK)
    store = ward.store

    async def crash(key: str, value: str) -> None:
        raise Crash

    monkeypatch.setattr(store, "set_meta_value", crash)
    with pytest.raises(Crash):
        await ward.watcher.refresh()
    monkeypatch.undo()
    await close_ward(ward)  # nothing sent before the crash
    ward = await open_ward(ward.root)
    started.append(ward)
    await ward.alerts.sync()
    await ward.alerts.report_problems()
    assert (await admin_notes(ward)).count(moved_note(2)) == 1
    assert await ward.store.subscriber_counts() == {"khuyen-hoc": 2, "bhyt": 1}
    ward.channel.sent.clear()
    ward = await restarted(ward, later=60.0)
    started.append(ward)
    assert ward.channel.sent == []


async def test_a_move_that_fails_half_way_moves_nobody_and_is_done_whole_at_the_next_look(
    started: list[Ward], monkeypatch: pytest.MonkeyPatch
) -> None:
    ward = await removed_then(started[0])
    edit_faq(ward, "topics:\n", "topics:\n" + NEW_BLOCK)
    store = ward.store

    async def crash(*args: object, **kwargs: object) -> int:
        raise Crash

    monkeypatch.setattr(store, "_queue_message", crash)
    with pytest.raises(Crash):
        await ward.watcher.refresh()
    monkeypatch.undo()
    assert await store.subscriber_counts() == {"hoc-bong": 2, "bhyt": 1}
    ward = await restarted(ward, later=60.0)
    started.append(ward)
    assert (await admin_notes(ward)).count(moved_note(2)) == 1
    assert await ward.store.subscriber_counts() == {"khuyen-hoc": 2, "bhyt": 1}


# --- buttons shown before the change ------------------------------------------------------


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake


async def test_telegram_buttons_shown_before_a_topics_id_changed_act_on_its_new_id(
    api: FakeBotApi, ward_engine: Engine, ward_settings: Settings, tmp_path: Path
) -> None:
    """A list of topics on screen from before the change: "Nhận tin" on it follows the topic
    under its new id, and "Bỏ nhận tin" stops it, instead of "no such topic"."""
    faq = tmp_path / "faq.yaml"
    faq.write_text(ward_settings.faq_file.read_text(encoding="utf-8"), encoding="utf-8")
    engine = Engine.open(
        faq, ward_settings.content_dir, tmp_path / "index", today=ward_engine.today
    )
    settings = replace(ward_settings, faq_file=faq, admin_ids=frozenset())
    try:
        async with running_bot(api, engine, settings) as store:
            alerts = Alerts(engine, store, settings, ["telegram"])
            await alerts.sync()
            (topics,) = await api.say(ALICE, "/topics")
            assert (msg.subscribe_button(NAME), "sub:hoc-bong") in topics.buttons
            await api.say(BINH, "/subscribe học bổng")
            (mine,) = await api.say(BINH, "/mysubs")
            assert (msg.unsubscribe_button(NAME), "drop:hoc-bong") in mine.buttons
            text = faq.read_text(encoding="utf-8")
            faq.write_text(text.replace("id: hoc-bong\n", "id: khuyen-hoc\n"), encoding="utf-8")
            engine.reload()
            await alerts.sync()
            assert await store.subscribers_of("khuyen-hoc") == [ChatRef("telegram", str(BINH))]

            mark = len(api.calls)
            api.press(ALICE, "sub:hoc-bong", message=topics)
            await api.wait_until(lambda: bool(api.of("editMessageText", since=mark)))
            (edit,) = api.of("editMessageText", since=mark)
            assert shown(edit).startswith(msg.subscribed(WARD_NAME, NAME))
            assert await store.subscriptions_of(ChatRef("telegram", str(ALICE))) == ["khuyen-hoc"]

            mark = len(api.calls)
            api.press(BINH, "drop:hoc-bong", message=mine)
            await api.wait_until(lambda: bool(api.of("editMessageText", since=mark)))
            (edit,) = api.of("editMessageText", since=mark)
            assert shown(edit).startswith(msg.unsubscribed(NAME))
            assert await store.subscriptions_of(ChatRef("telegram", str(BINH))) == []
    finally:
        engine.close()


async def test_an_old_button_follows_each_later_id_change_past_an_id_reused_by_another_topic(
    started: list[Ward],
) -> None:
    """hoc-bong became khuyen-hoc, then hoc-tap; staff then gave the freed id khuyen-hoc to
    a topic of its own. A button shown while the topic was hoc-bong acts on hoc-tap, the
    topic it became, not on the other topic now called khuyen-hoc (nor does one shown for
    the new khuyen-hoc after it is deleted in turn)."""
    ward = started[0]
    await follow(ward, "5001", "hoc-bong")
    edit_faq(ward, "- id: hoc-bong\n", "- id: khuyen-hoc\n")
    await ward.watcher.refresh()
    edit_faq(ward, "- id: khuyen-hoc\n", "- id: hoc-tap\n")
    await ward.watcher.refresh()
    assert await ward.store.subscriber_counts() == {"hoc-tap": 1}
    other = "  - id: khuyen-hoc\n    name: Quỹ khuyến học của phường\n    keywords: [quỹ]\n"
    edit_faq(ward, "topics:\n", "topics:\n" + other)
    await ward.watcher.refresh()
    subscriptions = Subscriptions(ward.engine, ward.store, ward.settings)
    for ref in ("hoc-bong", "#" + digest("hoc-bong")):
        topic = await subscriptions.topic(ref)
        assert topic is not None and topic.id == "hoc-tap", ref
    assert (await subscriptions.topic("khuyen-hoc")).name == "Quỹ khuyến học của phường"
    edit_faq(ward, other, "")
    await ward.watcher.refresh()
    assert await subscriptions.topic("khuyen-hoc") is None


async def test_an_old_stop_button_stops_a_renamed_topic_staff_then_deleted(
    started: list[Ward],
) -> None:
    """hoc-bong became khuyen-hoc (its follower moved), then staff deleted khuyen-hoc: the
    chat still follows it. "Bỏ nhận tin" on its list from before the change stops it, as
    that button on a list shown after the change does, instead of "not found"."""
    ward = started[0]
    chat = await follow(ward, "5001", "hoc-bong")
    edit_faq(ward, "- id: hoc-bong\n", "- id: khuyen-hoc\n")
    await ward.watcher.refresh()
    edit_faq(ward, OLD_BLOCK.replace("hoc-bong", "khuyen-hoc"), "")
    await ward.watcher.refresh()
    followed = await ward.store.subscriptions_of(chat)
    assert followed == ["khuyen-hoc"] and ward.engine.faq_ok
    subscriptions = Subscriptions(ward.engine, ward.store, ward.settings)
    for ref in ("hoc-bong", "#" + digest("hoc-bong")):
        topic = await subscriptions.topic(ref, followed)
        assert topic is not None and topic.id == "khuyen-hoc", ref
        assert await subscriptions.topic(ref) is None, "not offered to follow"


async def renamed_then(ward: Ward) -> Subscriptions:
    """Chat 5001 follows hoc-bong; staff change its id to khuyen-hoc in one save."""
    await follow(ward, "5001", "hoc-bong")
    edit_faq(ward, "- id: hoc-bong\n", "- id: khuyen-hoc\n")
    await ward.watcher.refresh()
    assert await ward.store.subscriber_counts() == {"khuyen-hoc": 1}
    return Subscriptions(ward.engine, ward.store, ward.settings)


async def test_an_old_button_acts_on_the_renamed_topic_for_the_days_remembered_then_not(
    started: list[Ward],
) -> None:
    """What a topic's old id leads to is not kept for ever: a button shown before the
    change still acts on the topic REMEMBER_DAYS on, and is forgotten after."""
    await renamed_then(started[0])
    ward = await restarted(started[0], later=(REMEMBER_DAYS - 1) * DAY)
    started.append(ward)
    subscriptions = Subscriptions(ward.engine, ward.store, ward.settings)
    assert (await subscriptions.topic("hoc-bong")).id == "khuyen-hoc"
    ward = await restarted(ward, later=2 * DAY)
    started.append(ward)
    subscriptions = Subscriptions(ward.engine, ward.store, ward.settings)
    assert await subscriptions.topic("hoc-bong") is None
    assert await renamed_ids(ward.store) == []


async def test_a_rename_leading_to_a_topic_nobody_follows_any_more_is_forgotten_at_once(
    started: list[Ward],
) -> None:
    """Its follower stopped it, then staff deleted it: no button can act on it any more."""
    ward = started[0]
    await renamed_then(ward)
    await ward.store.unsubscribe(ChatRef(ward.channel.name, "5001"), "khuyen-hoc")
    edit_faq(ward, OLD_BLOCK.replace("hoc-bong", "khuyen-hoc"), "")
    await ward.watcher.refresh()
    assert await renamed_ids(ward.store) == []


async def test_a_rename_kept_by_the_last_release_still_leads_on_and_is_forgotten_in_time(
    started: list[Ward],
) -> None:
    """The last release kept {old id: new id}, without when: read as changed at the first
    look since, and forgotten REMEMBER_DAYS after it."""
    ward = started[0]
    edit_faq(ward, "- id: hoc-bong\n", "- id: khuyen-hoc\n")
    await ward.watcher.refresh()
    await ward.store.set_meta_value(RENAMED_KEY, '{"hoc-bong": "khuyen-hoc"}')
    ward = await restarted(ward, later=DAY)
    started.append(ward)
    subscriptions = Subscriptions(ward.engine, ward.store, ward.settings)
    assert (await subscriptions.topic("hoc-bong")).id == "khuyen-hoc"
    ward = await restarted(ward, later=(REMEMBER_DAYS - 1) * DAY)
    started.append(ward)
    assert await renamed_ids(ward.store) == ["hoc-bong"]
    ward = await restarted(ward, later=2 * DAY)
    started.append(ward)
    assert await renamed_ids(ward.store) == []
