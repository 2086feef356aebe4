"""The ward's portal as a ward office meets it. Posts the ward takes down and then puts
back, or replaces by a corrected version of the same day: what residents are answered with
and alerted of, and what admins hear. Through the feed follower (the real import path)
against the fake portal, the day and the clock injected.
"""

from __future__ import annotations

import datetime as dt
import time

import httpx
import pytest
from fakes.portal import FakePortal
from fakes.telegram_api import FakeBotApi
from test_portal import (
    WARD,
    Ward,
    alerted,
    follow,
    followed_by_a_bot,
    power_cut,
    reload_by_admin,
    rss_of,
    sample_ward_for_import,
    with_content,
)
from test_telegram_app import running_app

from wardbot.portal import (
    FeedFollower,
    restored_note,
    superseded_note,
    withdrawn_note,
)
from wardbot.store import Store


@pytest.fixture
def ward(tmp_path, monkeypatch) -> Ward:
    return sample_ward_for_import(tmp_path, monkeypatch)


@pytest.fixture
def portal():
    with FakePortal() as fake:
        yield fake


TITLE = "Thông báo phát thẻ BHYT cho học sinh khu phố 3"
OLDER = "/tin-tuc/ve-sinh"


# More of the notice: a text this long, a day changed is still "nearly the same text".
MORE = (
    "<p>Đợt này phường phát thẻ cho học sinh các trường tiểu học, trung học cơ sở trên địa "
    "bàn khu phố 3, gồm cả học sinh học trái tuyến ở các phường lân cận.</p><p>Mọi thắc mắc "
    "xin liên hệ cán bộ phụ trách lao động thương binh xã hội của phường để được giải đáp, "
    "hoặc gọi số điện thoại đường dây nóng của UBND phường trong giờ hành chính.</p>"
)


def cards_notice(posted: dt.date, handed_out: str, more: str = "") -> str:
    """The ward's notice of a day the cards are handed out, posted on `posted` (`more`:
    paragraphs after its own)."""
    return with_content(
        TITLE,
        f'<p class="date">Ngày đăng: {posted:%d/%m/%Y}</p><p>UBND Phường 5 phát thẻ bảo '
        "hiểm y tế cho học sinh khu phố 3 tại nhà văn hóa khu phố từ 7 giờ đến 11 giờ sáng "
        f"{handed_out}. Phụ huynh mang theo căn cước khi nhận thẻ.</p><p>Thẻ có giá trị sử "
        "dụng từ ngày 01/01/2027, học sinh được khám chữa bệnh tại trạm y tế phường và các "
        "bệnh viện tuyến quận theo quy định của Bảo hiểm xã hội.</p><p>Học sinh chưa có tên "
        "trong danh sách, phụ huynh liên hệ bộ phận một cửa UBND phường trong giờ hành chính "
        f"để được hướng dẫn bổ sung hồ sơ, mang theo giấy khai sinh.</p>{more}",
    )


class Portal:
    """The ward's portal as the follower reads it: a feed, a week-old post on it, and
    what admins are told (each note as the running bot words it)."""

    def __init__(self, ward: Ward, fake: FakePortal, today: dt.date) -> None:
        self.fake, self.today = fake, today
        self.older = (OLDER, today - dt.timedelta(days=7))
        fake.put(
            OLDER,
            with_content(
                "Phường 5 ra quân tổng vệ sinh môi trường",
                f'<p class="date">Ngày đăng: {self.older[1]:%d/%m/%Y}</p><p>Phường 5 ra quân '
                "tổng vệ sinh môi trường khu phố 2 sáng Chủ nhật, mời bà con tham gia.</p>",
            ),
        )
        self.now = [1_800_000_000.0]
        self.told: list[str] = []
        self.follower = FeedFollower(
            ward.settings(portal_feeds=(self.list_only(),)),
            on_withdrawn=lambda titles: self.told.append(withdrawn_note(WARD, titles)),
            on_restored=lambda titles: self.told.append(restored_note(WARD, titles)),
            on_superseded=lambda *about: self.told.append(superseded_note(WARD, *about)),
            today=lambda: today,
            clock=lambda: self.now[0],
        )

    def list_only(self, *posts: tuple[str, dt.date]) -> str:
        """The feed lists `posts` (path, day), newest first, then the older post."""
        return self.fake.put(
            "/rss.xml", rss_of(self.fake, [*posts, self.older]), "application/rss+xml"
        )

    async def poll(self, hours: float = 1.0):
        self.now[0] += hours * 3600
        return await self.follower.poll()


async def portal_with_a_notice(ward: Ward, portal, more: str = "") -> tuple[Portal, str]:
    """A followed portal whose notice of today (`more`: see cards_notice) was imported
    and alerted (to chat 77): the notice's file name."""
    await follow(ward, "bhyt")
    site = Portal(ward, portal, dt.date.today())
    await site.poll()  # the feed's first read: what was there before, alerting nobody
    await alerted(ward.settings())
    portal.put("/tin-tuc/phat-the", cards_notice(site.today, "thứ Bảy 05/12/2026", more))
    site.list_only(("/tin-tuc/phat-the", site.today))
    await site.poll()
    [name] = [n for n in ward.imported() if n.startswith(site.today.isoformat())]
    assert await alerted(ward.settings()) == {name.removesuffix(".md"): 1}
    return site, name


async def delivered(ward: Ward) -> None:
    """Every message waiting went out (as the running bot's sender sends them)."""
    async with await Store.open(ward.data / "bot.sqlite3") as store:
        for item in await store.due("telegram", 4e9):
            assert await store.mark_sending(item)
            await store.mark_done(item, "sent", time.time())


async def outbox(ward: Ward) -> list[tuple[str, str]]:
    """(kind, chat) of every message waiting, corrections held to be gathered included."""
    async with await Store.open(ward.data / "bot.sqlite3") as store:
        return [(item.kind, item.chat.chat_id) for item in await store.due("telegram", 4e9)]


async def test_a_post_taken_down_then_put_back_is_a_notice_again_and_admins_hear_so(ward, portal):
    site, name = await portal_with_a_notice(ward, portal)
    del portal.routes["/tin-tuc/phat-the"]
    site.list_only()
    await site.poll()
    assert name not in ward.imported()
    assert site.told == [withdrawn_note(WARD, [TITLE])]

    # The ward puts it back, at its address: the notice is back under its name, told to
    # admins, and not alerted again to the resident alerted of it.
    portal.put("/tin-tuc/phat-the", cards_notice(site.today, "thứ Bảy 05/12/2026"))
    site.list_only(("/tin-tuc/phat-the", site.today))
    await site.poll()
    assert name in ward.imported() and "thứ Bảy 05/12/2026" in ward.notice(name).body
    assert site.told[1:] == [restored_note(WARD, [TITLE])]
    assert "đã đăng lại bài «" + TITLE + "» (trước đó đã gỡ)" in site.told[1]
    assert await alerted(ward.settings()) == {}
    assert site.follower.status()["withdrawn"] == 0
    await site.poll()  # read again: told once
    assert len(site.told) == 2


async def test_a_post_taken_down_then_posted_again_at_another_address_is_one_notice(ward, portal):
    # Posted again the next day, as a new post: its title and text as before.
    site, name = await portal_with_a_notice(ward, portal)
    del portal.routes["/tin-tuc/phat-the"]
    site.list_only()
    await site.poll()
    tomorrow = site.today + dt.timedelta(days=1)
    portal.put("/tin-tuc/phat-the-2", cards_notice(tomorrow, "thứ Bảy 05/12/2026"))
    site.list_only(("/tin-tuc/phat-the-2", tomorrow))
    await site.poll(hours=24)
    assert [n for n in ward.imported() if n != name and "phat-the" in n] == []
    assert ward.notice(name).source == portal.url("/tin-tuc/phat-the-2")  # its link works
    assert site.told[1:] == [restored_note(WARD, [TITLE])]
    assert await alerted(ward.settings()) == {}


@pytest.mark.parametrize("more", ["", MORE], ids=["short", "long"])
async def test_a_corrected_post_of_the_same_day_in_place_of_the_first_is_no_second_alert(
    ward, portal, more
):
    # Staff post the notice again with the day corrected, and take the first one down,
    # between two reads of the portal.
    site, name = await portal_with_a_notice(ward, portal, more)
    await delivered(ward)
    corrected = cards_notice(site.today, "Chủ nhật 06/12/2026", more)
    portal.put("/tin-tuc/phat-the-dinh-chinh", corrected)
    del portal.routes["/tin-tuc/phat-the"]
    site.list_only(("/tin-tuc/phat-the-dinh-chinh", site.today))
    outcomes = await site.poll()
    # One notice, answering with the corrected day; its link goes to the corrected post.
    assert [n for n in ward.imported() if "phat-the" in n] == [name]
    notice = ward.notice(name)
    assert "Chủ nhật 06/12/2026" in notice.body and "thứ Bảy" not in notice.body
    assert notice.source == portal.url("/tin-tuc/phat-the-dinh-chinh")
    # No second alert: the resident alerted of the first hears only of the changed day.
    assert await alerted(ward.settings()) == {}
    assert await outbox(ward) == [("correction", "77")]
    # Admins hear the first post was taken down and the corrected one kept.
    assert site.told == [superseded_note(WARD, TITLE, portal.url("/tin-tuc/phat-the"))]
    assert "đã gỡ một bài đăng cùng ngày" in site.told[0]
    assert any("in place of" in o.describe() for o in outcomes)


async def test_admins_of_the_running_bot_hear_a_withdrawn_notice_is_back(ward, portal):
    today = dt.date.today()
    portal.put("/tin-tuc/phat-the", cards_notice(today, "thứ Bảy 05/12/2026"))
    portal.put("/tin-tuc/le-loi", power_cut(today - dt.timedelta(days=1), "Lê Lợi"))
    listed = [("/tin-tuc/phat-the", today), ("/tin-tuc/le-loi", today - dt.timedelta(days=1))]
    feed = portal.put("/rss/tin-tuc.xml", rss_of(portal, listed), "application/rss+xml")
    question = "phát thẻ bhyt cho học sinh khu phố 3"
    async with FakeBotApi() as telegram:
        settings = followed_by_a_bot(ward, feed, telegram)
        async with running_app(settings) as base, httpx.AsyncClient(base_url=base) as client:
            await reload_by_admin(telegram, 5)
            portal.put("/tin-tuc/phat-the", b"Gone", status=410)
            portal.put("/rss/tin-tuc.xml", rss_of(portal, listed[1:]), "application/rss+xml")
            await reload_by_admin(telegram, 5)
            assert (await client.get("/healthz")).json()["portal"]["withdrawn"] == 1
            (answer,) = await telegram.say(901, question)
            assert "05/12/2026" not in answer.text
            portal.put("/tin-tuc/phat-the", cards_notice(today, "thứ Bảy 05/12/2026"))
            portal.put("/rss/tin-tuc.xml", rss_of(portal, listed), "application/rss+xml")
            await reload_by_admin(telegram, 5)
            await telegram.wait_until(
                lambda: any(c.text.startswith("↩️ Cổng thông tin") for c in telegram.sent(5)),
                within=30,
            )
            (answer,) = await telegram.say(902, question)
            assert "05/12/2026" in answer.text  # answered with again
            assert (await client.get("/healthz")).json()["portal"]["withdrawn"] == 0
