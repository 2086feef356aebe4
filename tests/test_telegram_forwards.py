"""Messages a resident forwards to the bot on Telegram (a notice, a rumour, a neighbour's
message: `forward_origin`), through the real python-telegram-bot Application against the
fake Bot API: never answered as the resident's own question (wardbot.forwards)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from chat_ward import WARD_NAME
from fakes.telegram_api import FakeBotApi, visible_text
from test_telegram import ALICE, polling_channel, shown
from test_telegram_staff import RESIDENT, STAFF_GROUP, staffed

from handlers.telegram import TelegramChannel
from wardbot import messages as msg
from wardbot.alert_replies import alert_reply
from wardbot.config import Settings
from wardbot.engine import Engine
from wardbot.forwards import quoted_notice
from wardbot.models import Announcement

HOTLINE = "0276 3822 123"
# A rumour as it goes round a neighbourhood group: asked in the resident's own words, the
# same text gets the FAQ entry on the household health-insurance fee.
RUMOUR = (
    "Mức đóng bảo hiểm y tế hộ gia đình năm nay phường yêu cầu mỗi hộ nộp thêm 500.000 đồng "
    "phí quản lý, hạn chót thứ sáu này, ai không nộp sẽ bị khóa thẻ"
)
FEE_ANSWER = "Người thứ nhất đóng 4,5% mức lương cơ sở"
BHYT_NOTICE = "2024-07-15-dieu-chinh-muc-dong-bhyt"


@pytest.fixture
async def channel(
    api: FakeBotApi, ward_engine: Engine, ward_settings: Settings
) -> AsyncIterator[TelegramChannel]:
    async with polling_channel(api, ward_engine, ward_settings) as (running, _):
        yield running


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake


async def test_a_forwarded_rumour_is_not_answered_but_sent_to_the_hotline(
    api: FakeBotApi, channel: TelegramChannel
) -> None:
    (typed,) = await api.say(ALICE, RUMOUR)
    assert FEE_ANSWER in shown(typed)  # typed, it is a question the FAQ answers

    (reply,) = await api.say(ALICE, RUMOUR, forwarded_from="Tổ dân phố 5")
    assert shown(reply) == msg.forwarded_unconfirmed(WARD_NAME, HOTLINE)
    assert "chuyển tiếp từ nơi khác" in shown(reply)
    assert HOTLINE in shown(reply)
    assert reply.buttons == []  # no "chưa đúng ý", no close matches to pick as if asked


async def test_a_long_forwarded_message_gets_the_same_reply_not_too_long(
    api: FakeBotApi, channel: TelegramChannel
) -> None:
    long = " ".join([RUMOUR] * 15)
    assert 1500 < len(long) < 4096
    (reply,) = await api.say(ALICE, long, forwarded_from="Tổ dân phố 5")
    assert shown(reply) == msg.forwarded_unconfirmed(WARD_NAME, HOTLINE)


async def test_the_bots_own_alert_forwarded_back_is_shown_as_the_wards_notice_as_it_reads_now(
    api: FakeBotApi, ward_engine: Engine, channel: TelegramChannel
) -> None:
    notice = ward_engine.corpus.document(BHYT_NOTICE)
    assert isinstance(notice, Announcement)
    mark = len(api.calls)
    await channel.deliver(str(ALICE), [alert_reply(notice)])
    (alert,) = await api.replies(ALICE, 1, since=mark)

    said, shown_notice = await api.say(
        ALICE, visible_text(alert.text), count=2, forwarded_from="Hàng xóm"
    )
    assert shown(said) == msg.forwarded_notice(WARD_NAME)
    assert "chính thức của phường" in shown(said)
    assert shown(shown_notice).startswith(notice.title)
    assert "mức lương cơ sở tăng lên 2.340.000 đồng" in shown(shown_notice)
    # Its topic, which the resident does not follow: one tap away.
    assert (msg.subscribe_button("Bảo hiểm y tế"), "follow:bhyt") in shown_notice.buttons

    # The notice is now what a follow-up is about (alone, "which procedure?" is asked).
    (more,) = await api.say(ALICE, "lệ phí bao nhiêu?")
    assert shown(more).startswith(notice.title)
    assert "2.340.000 đồng" in shown(more)


async def test_a_forwarded_message_quoting_a_notice_title_in_other_words_is_the_notice(
    api: FakeBotApi, ward_engine: Engine, channel: TelegramChannel
) -> None:
    """Titles compared as plain words: without accents, capitals and punctuation."""
    text = "Ae oi, thong bao xet hoc bong khuyen hoc nam 2024!! nop ho so som nhe"
    said, shown_notice = await api.say(ALICE, text, count=2, forwarded_from="Lớp 9A")
    assert shown(said) == msg.forwarded_notice(WARD_NAME)
    assert shown(shown_notice).startswith("Thông báo xét học bổng khuyến học năm 2024")


async def test_a_forwarded_expired_notice_is_not_confirmed(
    api: FakeBotApi, channel: TelegramChannel
) -> None:
    text = "Chiến dịch diệt lăng quăng phòng sốt xuất huyết: các hộ nộp 50.000 đồng"
    (reply,) = await api.say(ALICE, text, forwarded_from="Khu phố 3")
    assert shown(reply) == msg.forwarded_unconfirmed(WARD_NAME, HOTLINE)


async def test_a_message_forwarded_while_a_ticket_is_open_goes_to_staff_marked_as_forwarded(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    async with FakeBotApi() as api, staffed(api, ward_engine, ward_settings) as staff:
        await api.say(RESIDENT, "/hoicanbo phường có thu phí vệ sinh hằng tháng không ạ")
        await staff.desk.post_pending()
        thread = api.topic_named(STAFF_GROUP, "#1 · Telegram")

        (reply,) = await api.say(RESIDENT, RUMOUR, forwarded_from="Tổ dân phố 5")
        assert FEE_ANSWER not in shown(reply)
        assert shown(reply) == msg.ticket_follow_up(WARD_NAME, 1, held_up=False)
        await staff.desk.post_pending()
        posted = api.sent_in_thread(STAFF_GROUP, thread)[-1]
        assert visible_text(posted.text) == msg.ticket_follow_up_post(
            1, msg.forwarded_for_staff(RUMOUR)
        )
        assert "Tin chuyển tiếp" in visible_text(posted.text)


async def test_a_message_forwarded_as_the_question_staff_awaited_opens_the_ticket_marked(
    ward_engine: Engine, ward_settings: Settings
) -> None:
    async with FakeBotApi() as api, staffed(api, ward_engine, ward_settings) as staff:
        (asked,) = await api.say(RESIDENT, "/hoicanbo")
        assert shown(asked).startswith("Dạ, anh/chị vui lòng")

        (reply,) = await api.say(RESIDENT, RUMOUR, forwarded_from="Tổ dân phố 5")
        assert "phiếu số 1" in shown(reply)
        await staff.desk.post_pending()
        thread = api.topic_named(STAFF_GROUP, "#1 · Telegram")
        [post] = api.sent_in_thread(STAFF_GROUP, thread)
        assert "Tin chuyển tiếp" in visible_text(post.text)
        assert RUMOUR in visible_text(post.text)


def test_a_title_of_two_words_quoted_in_a_forward_names_no_notice() -> None:
    """ "Họp dân" is in messages of any source: a forward quoting it is not confirmed as
    the ward's notice; a title of three words or more is."""
    today = dt.date(2024, 8, 1)
    short = Announcement("2024-07-30-hop-dan", "Họp dân", dt.date(2024, 7, 30), "")
    longer = Announcement("2024-07-31-hop-dan-kp3", "Họp dân khu phố 3", dt.date(2024, 7, 31), "")
    assert quoted_notice([short], "Họp dân tối nay, mỗi hộ nộp 100.000 đồng", today) is None
    assert quoted_notice([short, longer], "HỌP DÂN KHU PHỐ 3 tối nay!", today) is longer
