"""The ward's portal as a ward office meets it. Posts the ward takes down and then puts
back, or replaces by a corrected version of the same day: what residents are answered with
and alerted of, and what admins hear. A portal misbehaving: a post that never answers, a
server error, a login page, a page the bot finds no article in (the portal's layout
changed, its text filled in by JavaScript), a post that is only a scanned page: each told
to admins in a few Vietnamese words, the rest of the feed imported all the same. Through
the feed follower (the real import path) against the fake portal, the day and the clock
injected.
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

from wardbot import portal_fetch
from wardbot.portal import (
    FeedFollower,
    failed_note,
    links_alone_note,
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


async def one_notice_of_the_corrected_day(ward: Ward, portal, name: str) -> None:
    """The notice `name` reads as the corrected post (its link too), and the resident
    alerted of the first post hears only of the changed day: no second alert."""
    assert [n for n in ward.imported() if "phat-the" in n] == [name]
    notice = ward.notice(name)
    assert "Chủ nhật 06/12/2026" in notice.body and "thứ Bảy" not in notice.body
    assert notice.source == portal.url("/tin-tuc/phat-the-dinh-chinh")
    assert await alerted(ward.settings()) == {}
    assert await outbox(ward) == [("correction", "77")]


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
    await one_notice_of_the_corrected_day(ward, portal, name)
    # Admins hear the first post was taken down and the corrected one kept.
    assert site.told == [superseded_note(WARD, TITLE, portal.url("/tin-tuc/phat-the"))]
    assert "đã gỡ một bài đăng cùng ngày" in site.told[0]
    assert any("in place of" in o.describe() for o in outcomes)


def hamlets_notice(posted: dt.date, hamlet: str) -> str:
    """One template's notice, titled only "Thông báo", of the day the cards are handed out
    to the pupils of `hamlet`."""
    return with_content(
        "Thông báo",
        f'<p class="date">Ngày đăng: {posted:%d/%m/%Y}</p><p>UBND Phường 5 phát thẻ bảo hiểm '
        f"y tế cho học sinh {hamlet} tại nhà văn hóa khu phố từ 7 giờ đến 11 giờ sáng thứ Bảy "
        "05/12/2026. Phụ huynh mang theo căn cước khi nhận thẻ.</p><p>Thẻ có giá trị sử dụng "
        "từ ngày 01/01/2027, học sinh được khám chữa bệnh tại trạm y tế phường và các bệnh "
        "viện tuyến quận theo quy định của Bảo hiểm xã hội.</p>",
    )


@pytest.mark.parametrize(
    "first, second",
    [("khu phố Tân Lập", "khu phố Hòa Bình"), ("khu phố 3", "khu phố 5"), ("tổ 4", "tổ 12")],
)
async def test_a_notice_for_another_hamlet_posted_as_the_first_is_removed_is_alerted(
    ward, portal, first, second
):
    # Two notices of one template and one title the same day, for two hamlets: the
    # first taken down as the second is posted. The second is no correction of the
    # first: its residents are alerted of it, and admins hear the first was taken down.
    await follow(ward, "bhyt")
    site = Portal(ward, portal, dt.date.today())
    await site.poll()
    await alerted(ward.settings())
    portal.put("/tin-tuc/phat-the-1", hamlets_notice(site.today, first))
    site.list_only(("/tin-tuc/phat-the-1", site.today))
    await site.poll()
    [name] = [n for n in ward.imported() if n.startswith(site.today.isoformat())]
    assert await alerted(ward.settings()) == {name.removesuffix(".md"): 1}
    await delivered(ward)
    portal.put("/tin-tuc/phat-the-2", hamlets_notice(site.today, second))
    del portal.routes["/tin-tuc/phat-the-1"]
    site.list_only(("/tin-tuc/phat-the-2", site.today))
    await site.poll()
    [other] = [n for n in ward.imported() if n.startswith(site.today.isoformat())]
    assert other != name and second in ward.notice(other).body
    assert await alerted(ward.settings()) == {other.removesuffix(".md"): 1}
    assert site.told == [withdrawn_note(WARD, ["Thông báo"])]


async def test_a_corrected_post_of_the_same_day_naming_another_venue_is_a_correction(ward, portal):
    # Where to go corrected, the hamlet the same: one notice, a correction to those alerted.
    site, name = await portal_with_a_notice(ward, portal)
    await delivered(ward)
    corrected = cards_notice(site.today, "thứ Bảy 05/12/2026").replace(
        "tại nhà văn hóa khu phố", "tại Trường tiểu học Lê Lợi"
    )
    portal.put("/tin-tuc/phat-the-dinh-chinh", corrected)
    del portal.routes["/tin-tuc/phat-the"]
    site.list_only(("/tin-tuc/phat-the-dinh-chinh", site.today))
    await site.poll()
    assert [n for n in ward.imported() if "phat-the" in n] == [name]
    assert "Trường tiểu học Lê Lợi" in ward.notice(name).body
    assert await alerted(ward.settings()) == {}
    assert await outbox(ward) == [("correction", "77")]
    assert site.told == [superseded_note(WARD, TITLE, portal.url("/tin-tuc/phat-the"))]


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


# ----------------------------------------------------------------- a portal misbehaving

SCAN_TITLE = "Thông báo lịch cắt điện tháng 12"


def scanned(day: dt.date) -> str:
    """A notice posted as its scanned page: its title, its date, the image."""
    return with_content(
        SCAN_TITLE,
        f'<p class="date">Ngày đăng: {day:%d/%m/%Y}</p>'
        '<p><img src="/uploads/2026/12/tb-cat-dien.jpg" alt=""></p>',
    )


async def test_each_way_a_portal_fails_is_told_in_vietnamese_and_the_rest_imported(
    ward, portal, monkeypatch
):
    monkeypatch.setattr(portal_fetch, "DEADLINE", 2.0)  # a post that never answers
    today = dt.date.today()
    old = ("/tin-tuc/cu", today - dt.timedelta(days=5))
    portal.put(old[0], power_cut(old[1], "Trần Phú"))
    feed = portal.put("/rss.xml", rss_of(portal, [old]), "application/rss+xml")
    told: list[str] = []
    follower = FeedFollower(
        ward.settings(portal_feeds=(feed,)),
        today=lambda: today,
        on_failed=lambda sources, why: told.append(failed_note(sources, why)),
        on_links_alone=lambda notices: told.append(links_alone_note(WARD, notices)),
    )
    await follower.poll()  # the feed's first read
    login = with_content(
        "Đăng nhập hệ thống",
        "<form><p>Tên đăng nhập</p><input name=u><p>Mật khẩu</p>"
        "<input type=password name=p><button>Đăng nhập</button></form>",
    )
    script_only = (
        "<html><head><title>Thông báo tiêm chủng</title></head><body><div id=app></div>"
        '<script src="/app.js"></script></body></html>'
    )
    portal.put("/hang", power_cut(today, "Lê Lợi"), hang=True)
    portal.put("/loi-500", b"<h1>Internal Server Error</h1>", status=500)
    portal.put("/dang-nhap", login)
    portal.put("/giao-dien-moi", script_only)
    portal.put("/anh", scanned(today))
    portal.put("/hai-ba-trung", power_cut(today, "Hai Bà Trưng"))
    paths = ["/hang", "/loi-500", "/dang-nhap", "/giao-dien-moi", "/anh", "/hai-ba-trung"]
    portal.put(
        "/rss.xml", rss_of(portal, [(p, today) for p in paths] + [old]), "application/rss+xml"
    )
    try:
        await follower.poll()
    finally:
        portal.release()
    imported = ward.imported()
    assert any("hai-ba-trung" in name for name in imported)  # the rest still comes in
    [scan] = [name for name in imported if "lich-cat-dien-thang-12" in name]
    # The portal's moment (no answer, a server error, a maintenance page) passes: admins
    # hear that the bot tries again by itself (a post every 30 minutes), lest they act.
    again = (
        " (thường chỉ là trục trặc tạm thời của cổng thông tin); bot tự thử lại khoảng 30 "
        "phút một lần, cán bộ không cần làm gì, bài sẽ được nhập khi cổng thông tin trả lời "
        "bình thường"
    )
    reasons = {
        "/hang": "trang không trả lời kịp" + again,
        "/loi-500": "máy chủ cổng thông tin báo lỗi" + again,
        "/dang-nhap": "trang báo lỗi, đang bảo trì hoặc đòi đăng nhập" + again,
        "/giao-dien-moi": "không tìm thấy bài viết trên trang",
    }
    expected = [failed_note([f"«{p}»: {portal.url(p)}"], why) for p, why in reasons.items()]
    assert sorted(told) == sorted([*expected, links_alone_note(WARD, [(SCAN_TITLE, scan)])])
    assert f"• «{SCAN_TITLE}»: content/{scan}\n" in links_alone_note(WARD, [(SCAN_TITLE, scan)])
    # Read again, the slow post answering now: it comes in, and nothing is told twice.
    told.clear()
    portal.routes["/hang"].hang = False
    await follower.poll()
    assert told == [] and any("le-loi" in name for name in ward.imported())


async def test_a_corrected_re_post_read_while_the_first_is_still_up_is_one_alert(ward, portal):
    # Staff post the notice again with the day corrected, and the bot reads the portal
    # before they take the first one down: both are on it at that read.
    site, name = await portal_with_a_notice(ward, portal)
    await delivered(ward)
    corrected = cards_notice(site.today, "Chủ nhật 06/12/2026")
    portal.put("/tin-tuc/phat-the-dinh-chinh", corrected)
    site.list_only(("/tin-tuc/phat-the-dinh-chinh", site.today), ("/tin-tuc/phat-the", site.today))
    await site.poll()
    await one_notice_of_the_corrected_day(ward, portal, name)
    old = portal.url("/tin-tuc/phat-the")
    assert site.told == [superseded_note(WARD, TITLE, old, True)]
    assert "bài cũ vẫn còn trên cổng" in site.told[0]
    await delivered(ward)
    # Read again, both still up: nothing more. Then the first is taken down: the notice
    # stays (it reads as the corrected post), and admins are not told it was withdrawn.
    await site.poll()
    del portal.routes["/tin-tuc/phat-the"]
    site.list_only(("/tin-tuc/phat-the-dinh-chinh", site.today))
    await site.poll()
    await site.poll()
    assert [n for n in ward.imported() if "phat-the" in n] == [name]
    assert "Chủ nhật 06/12/2026" in ward.notice(name).body
    assert len(site.told) == 1
    assert await alerted(ward.settings()) == {} and await outbox(ward) == []


async def test_a_post_taken_down_and_put_back_again_and_again_tells_admins_once(ward, portal):
    # The ward's portal loses and finds a post at every read (a cache, an editor saving
    # it as a draft and publishing it again): admins hear it was taken down and put back
    # once; after that, only a state that holds for a poll is told.
    site, name = await portal_with_a_notice(ward, portal)

    def take_down() -> None:
        del portal.routes["/tin-tuc/phat-the"]
        site.list_only()

    def put_back() -> None:
        portal.put("/tin-tuc/phat-the", cards_notice(site.today, "thứ Bảy 05/12/2026"))
        site.list_only(("/tin-tuc/phat-the", site.today))

    for _ in range(4):
        take_down()
        await site.poll()
        assert name not in ward.imported()  # residents are not sent to it meanwhile
        put_back()
        await site.poll()
        assert name in ward.imported()
    assert site.told == [withdrawn_note(WARD, [TITLE]), restored_note(WARD, [TITLE])]
    assert await alerted(ward.settings()) == {}  # nor is a resident alerted again

    # Taken down and left so: told once it held a poll, once; telling admins failing
    # the first time (the queue down), it is told at the next poll, not lost.
    take_down()
    await site.poll()
    assert len(site.told) == 2
    told = site.follower.on_withdrawn

    def queue_down(titles):
        raise OSError("disk full")

    site.follower.on_withdrawn = queue_down
    await site.poll()
    site.follower.on_withdrawn = told
    assert len(site.told) == 2
    await site.poll()
    await site.poll()
    assert site.told[2:] == [withdrawn_note(WARD, [TITLE])]
    # Put back for good: admins, told it was gone, hear it is back.
    put_back()
    await site.poll()
    await site.poll()
    assert site.told[3:] == [restored_note(WARD, [TITLE])]
    assert await alerted(ward.settings()) == {}


def vaccination(posted: dt.date, vaccine: str, hour: str = "7 giờ 30 sáng") -> str:
    """The health station's notice of a vaccination day, one template for each vaccine."""
    return with_content(
        "Lịch tiêm chủng mở rộng tháng 12",
        f'<p class="date">Ngày đăng: {posted:%d/%m/%Y}</p><p>Trạm y tế Phường 5 tổ chức tiêm '
        f"{vaccine} từ {hour} thứ Bảy 12/12/2026 tại trạm y tế phường. Phụ huynh mang theo sổ "
        "tiêm chủng và thẻ bảo hiểm y tế của trẻ. Trẻ đang sốt hoặc mắc bệnh cấp tính được "
        "hẹn tiêm vào buổi khác. Mọi thắc mắc xin liên hệ cán bộ trạm y tế trong giờ hành "
        "chính.</p>",
    )


async def portal_with(ward: Ward, portal, first: str, second: str) -> tuple[Portal, str]:
    """A followed portal on which `first` (a post of today, imported and alerted to chat 77)
    is joined by `second`, both up: the first's notice's file name."""
    await follow(ward, "bhyt")
    site = Portal(ward, portal, dt.date.today())
    await site.poll()
    portal.put("/tin-tuc/tiem-chung", first)
    site.list_only(("/tin-tuc/tiem-chung", site.today))
    await site.poll()
    [name] = [n for n in ward.imported() if n.startswith(site.today.isoformat())]
    assert await alerted(ward.settings()) == {name.removesuffix(".md"): 1}
    await delivered(ward)
    portal.put("/tin-tuc/tiem-chung-2", second)
    listed = [("/tin-tuc/tiem-chung-2", site.today), ("/tin-tuc/tiem-chung", site.today)]
    site.list_only(*listed)
    await site.poll()
    return site, name


async def test_two_notices_of_one_template_posted_side_by_side_stay_two(ward, portal):
    # The same title the same day, nearly all words alike, but another vaccine for other
    # children: the first notice is not overwritten by the second, which is alerted.
    today = dt.date.today()
    first = vaccination(today, "vắc xin phòng lao BCG cho trẻ sơ sinh")
    second = vaccination(today, "vắc xin sởi cho trẻ 9 tháng tuổi")
    site, name = await portal_with(ward, portal, first, second)
    [other] = [n for n in ward.imported() if n.startswith(today.isoformat()) and n != name]
    assert "BCG" in ward.notice(name).body and "sởi" in ward.notice(other).body
    assert await alerted(ward.settings()) == {other.removesuffix(".md"): 1}
    assert await outbox(ward) == [("alert", "77")]  # no "correction" of the first
    assert site.told == []


@pytest.mark.parametrize(
    "hour",
    ["13 giờ 30 chiều", "13 giờ 30 chiều (đính chính thời gian)"],
    ids=["hour", "hour-said-corrected"],
)
async def test_a_re_post_beside_the_first_changing_its_hour_is_its_correction(ward, portal, hour):
    today = dt.date.today()
    first = vaccination(today, "vắc xin sởi cho trẻ 9 tháng tuổi")
    second = vaccination(today, "vắc xin sởi cho trẻ 9 tháng tuổi", hour)
    site, name = await portal_with(ward, portal, first, second)
    assert [n for n in ward.imported() if n.startswith(today.isoformat())] == [name]
    assert "13 giờ 30" in ward.notice(name).body
    assert await alerted(ward.settings()) == {}
    assert await outbox(ward) == [("correction", "77")]
    assert len(site.told) == 1 and "bài cũ vẫn còn trên cổng" in site.told[0]
