"""Announcements from the ward's web portal: `bot.py import` and the feed follower.

The portal is a fake on 127.0.0.1 (tests/fakes/portal.py) serving the pages under
tests/fixtures/portal/, written for these tests and built like real ward portal pages.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import email.utils
import gzip
import itertools
import json
import logging
import re
import sqlite3
import time
import tracemalloc
import unicodedata
import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import pytest
from fakes.portal import FIXTURES, FakePortal
from fakes.telegram_api import FakeBotApi
from sample_ward import NOTICES, write_ward
from test_telegram_app import bot_settings, read_only_folder, running_app

import bot
from wardbot import (
    alerts,
    portal_extract,
    portal_fetch,
    portal_import,
    portal_items,
    portal_log,
    portal_outcome,
    portal_retry,
    publish,
)
from wardbot.config import ConfigError, Settings
from wardbot.faq_file import load_faq
from wardbot.hours import vietnam_today
from wardbot.models import Announcement
from wardbot.notices import load_announcement
from wardbot.plaintext import plain
from wardbot.portal import (
    FAILING_POLLS,
    FeedFollower,
    failed_note,
    first_read_note,
    imported_note,
    reason_vi,
    recovered_note,
    replaced_note,
)
from wardbot.publish import queue_alerts
from wardbot.store import ChatRef, Store

WARD = "UBND Phường 5"
BHYT_PAGE = "trao-the-bhyt-hoc-sinh.html"
BHYT_TITLE = "Phường 5 trao thẻ BHYT cho học sinh có hoàn cảnh khó khăn"
OLD_PAGE = "tong-ket-phong-trao-2019.html"
CP1258_PAGE = "hoi-nghi-cuu-chien-binh-cp1258.html"
CP1258_TITLE = "HỘI NGHỊ BAN CHẤP HÀNH HỘI CỰU CHIẾN BINH PHƯỜNG 3 SƠ KẾT 6 THÁNG ĐẦU NĂM 2024"
WP_PAGE = "giao-ban-dan-van-quy-3.html"
WINDOWS_1258 = "text/html; charset=windows-1258"


@dataclass
class Ward:
    root: Path
    faq: Path
    content: Path
    data: Path

    @property
    def args(self) -> list[str]:
        return ["--faq", str(self.faq), "--content", str(self.content), "--data", str(self.data)]

    def settings(self, **changes: object) -> Settings:
        # No quiet hours unless a test asks: an alert composed while the suite runs at
        # night (21:30-6:30 Vietnam time) would wait for the morning.
        changes.setdefault("quiet_hours", None)
        return Settings(faq_file=self.faq, content_dir=self.content, data_dir=self.data, **changes)

    def imported(self) -> list[str]:
        """Every file in content/ that the sample ward did not have (hidden ones too)."""
        return sorted(p.name for p in self.content.iterdir() if p.name not in NOTICES)

    def notice(self, name: str) -> Announcement:
        notice, problems = load_announcement(self.content / name, load_faq(self.faq).topics)
        assert problems == [] and notice is not None
        return notice


@pytest.fixture
def ward(tmp_path, monkeypatch) -> Ward:
    return sample_ward_for_import(tmp_path, monkeypatch)


def sample_ward_for_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Ward:
    """The sample ward in `tmp_path`, its environment clean (the `ward` fixture)."""
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in ("FAQ_FILE", "CONTENT_DIR", "DATA_DIR", "PORTAL_FEEDS", "PORTAL_POLL_MINUTES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SEMANTIC_MATCHING", "off")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456789:AAE-test")  # the ward runs Telegram
    monkeypatch.delenv("ZALO_BOT_TOKEN", raising=False)
    # The fake portal takes every request at once (a test of the pause gives its own sleep).
    monkeypatch.setattr(portal_fetch, "REQUEST_INTERVAL", 0.0)
    faq, content = write_ward(tmp_path)
    return Ward(tmp_path, faq, content, tmp_path / "data")


@pytest.fixture
def portal():
    with FakePortal() as fake:
        yield fake


def run_import(ward: Ward, capsys, *sources: str, dry_run: bool = False) -> tuple[int, str, str]:
    capsys.readouterr()
    flags = ["--dry-run"] if dry_run else []
    code = bot.main(["import", *flags, *ward.args, *sources])
    out, err = capsys.readouterr()
    return code, out, err


def dmy(day: dt.date) -> bytes:
    """A date as the portals write it: 8/7/2024."""
    return f"{day.day}/{day.month}/{day.year}".encode()


def page_of_today(name: str = BHYT_PAGE, event: bytes = b"12/3/2024") -> bytes:
    """A fixture page whose article happened today (recent enough to be alerted)."""
    data = (FIXTURES / name).read_bytes()
    assert event in data
    return data.replace(event, dmy(dt.date.today()))


async def follow(ward: Ward, topic: str, chat: str = "77") -> None:
    """A resident follows `topic`, on a bot that has run before (so alerts are sent)."""
    async with await Store.open(ward.data / "bot.sqlite3") as store:
        await store.note_announcements([], time.time(), ["telegram"])
        await store.subscribe(ChatRef("telegram", chat), topic)


async def follow_veterans(ward: Ward) -> None:
    """A resident follows what the CP1258 page is about, a veterans' association (a topic
    added for it: the BHYT cards its report mentions in passing make it no BHYT notice)."""
    topic = "  - id: cuu-chien-binh\n    name: Cựu chiến binh\n    keywords: [cựu chiến binh]\n"
    text = ward.faq.read_text(encoding="utf-8")
    ward.faq.write_text(text.replace("topics:\n", "topics:\n" + topic, 1), encoding="utf-8")
    await follow(ward, "cuu-chien-binh")


async def alerted(settings: Settings) -> dict[str, int]:
    """What the running bot (on Telegram) does with new files: index them, queue their
    alerts."""
    on_telegram = replace(settings, telegram_token="123456789:AAE-test")
    return {notice: count for notice, count in (await queue_alerts(on_telegram)).items() if count}


async def alerts_waiting(ward: Ward) -> int:
    async with await Store.open(ward.data / "bot.sqlite3") as store:
        return len(await store.due("telegram", time.time() + 1))


# ------------------------------------------------------------------ extraction quality

EXTRACTION = [
    pytest.param(
        BHYT_PAGE,
        "text/html; charset=utf-8",
        BHYT_TITLE,
        dt.date(2024, 3, 12),  # "Chiều ngày 12/3/2024" in the text; no metadata
        ["Chiều ngày 12/3/2024, Ủy ban nhân dân Phường 5", "Dịp này, Hội Khuyến học phường"],
        [
            "Trang chủ",
            "Thủ tục hành chính",
            "Thông tin khác",
            "ra quân tổng vệ sinh",
            "(0)",
            "xếp hạng",
            "THỐNG KÊ TRUY CẬP",
            "Đang online",
            "image banner",
            "Ghi rõ nguồn",
        ],
        id="related-list-and-ratings",
    ),
    pytest.param(
        OLD_PAGE,
        "text/html; charset=utf-8",
        "Phường Hòa Thuận tổng kết 5 năm thực hiện phong trào “Khu dân cư xanh, sạch, đẹp” "
        "giai đoạn 2014-2019",
        dt.date(2019, 9, 24),  # "Ngày đăng bài: 24/09/2019", not the meeting's 23/9
        ["Ngày 23/9/2019, Ủy ban MTTQ Việt Nam phường Hòa Thuận", "Minh Tú"],
        [
            "CHUYÊN MỤC",
            "Làm theo lời Bác",
            "IMG20190923150211.jpg",
            "Ngày đăng bài",
            "Các tin khác",
        ],
        id="posting-date-line-and-image-names",
    ),
    pytest.param(
        CP1258_PAGE,
        WINDOWS_1258,
        CP1258_TITLE,
        dt.date(2024, 7, 8),  # a bare "08/7/2024" line over the article
        ["Sáng ngày 05/7/2024, Ban Chấp hành Hội Cựu chiến binh", "“Bộ đội Cụ Hồ”"],
        ["TRANG CHỦ", "Tin liên quan", "image advertisement", "Thư viện ảnh", "08/7/2024"],
        id="windows-1258-bare-date",
    ),
    pytest.param(
        WP_PAGE,
        "text/html; charset=UTF-8",
        "KHỐI DÂN VẬN ĐẢNG ỦY PHƯỜNG AN KHÁNH GIAO BAN CÔNG TÁC QUÝ III NĂM 2021",
        dt.date(2021, 10, 15),  # article:published_time, not "Sáng ngày 14/10/2021"
        ["Sáng ngày 14/10/2021, Khối Dân vận", "-Hồng Nhung-"],
        ["Trả lời", "Email của bạn", "Bài viết mới", "Bài trước", "Phản hồi", "© 2021"],
        id="metadata-date-and-comment-form",
    ),
]


@pytest.mark.parametrize(("page", "content_type", "title", "date", "kept", "gone"), EXTRACTION)
def test_an_imported_page_keeps_the_article_and_drops_the_portal_around_it(
    ward, portal, capsys, page, content_type, title, date, kept, gone
):
    url = portal.put_fixture("/tin-tuc/bai-viet", page, content_type)
    code, out, err = run_import(ward, capsys, url)
    assert (code, err) == (0, "")
    [name] = ward.imported()
    assert name.startswith(f"{date.isoformat()}-") and f"imported {ward.content / name}" in out
    notice = ward.notice(name)
    assert (notice.title, notice.date, notice.source) == (title, date, url)
    text = (ward.content / name).read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", text)
    for phrase in kept:
        assert notice.body.count(phrase) == 1, phrase  # there, and not repeated
    for furniture in gone:
        assert furniture not in notice.body, furniture


@pytest.mark.parametrize(
    ("in_title", "in_text"),
    [
        pytest.param("\v", "\b", id="typed"),
        pytest.param("&#11;", "&#8;", id="as-character-references"),
    ],
)
def test_a_control_character_pasted_into_an_article_is_read_as_a_space(
    ward, portal, capsys, in_title, in_text
):
    """An article pasted into the portal from Word keeps its line break (a vertical tab)
    in the heading and a stray control character in the text: imported all the same, each
    read as the space it looks like (as in staff files), not refused as a page with no
    article, and the notice written has none of them (staff are not told to delete them)."""
    page = (FIXTURES / BHYT_PAGE).read_text(encoding="utf-8")
    page = page.replace(
        '<h1 class="title">Phường 5 trao thẻ BHYT cho học sinh có',
        (f'<h1 class="title">Phường 5 trao thẻ BHYT cho học sinh{in_title}có'),
    )
    page = page.replace("<p>Dịp này, Hội Khuyến học", f"<p>Dịp này,{in_text} Hội Khuyến học")
    url = portal.put("/tin-tuc/bai-viet", page)
    code, _out, err = run_import(ward, capsys, url)
    assert (code, err) == (0, "")
    [name] = ward.imported()
    notice = ward.notice(name)  # (read with no problem to tell staff)
    assert notice.title == BHYT_TITLE
    assert "Dịp này, Hội Khuyến học phường cũng trao 30 suất học bổng" in notice.body
    text = (ward.content / name).read_text(encoding="utf-8")
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\\u000b|\\b", text)


BYLINE = '<p style="text-align:right"><strong>Tin, ảnh: Ngọc Hân</strong></p>'
SITE_FOOTERS = [
    pytest.param(
        "<p>CỔNG THÔNG TIN ĐIỆN TỬ PHƯỜNG 5</p>"
        "<p>Địa chỉ: số 12 đường Lê Lợi, Phường 5, thành phố Mỹ Tho</p>"
        "<p>Điện thoại: 0273 3822 555 - Đường dây nóng: 0912 345 678</p>"
        "<p>Email: ubndphuong5@example.vn</p>"
        "<p>Bản quyền thuộc Ủy ban nhân dân Phường 5.</p>"
        "<p>Chịu trách nhiệm chính: Nguyễn Văn An - Chủ tịch UBND phường</p>"
        "<p>Số lượt truy cập: 351.286</p><p>Đang truy cập: 12</p>",
        ["CỔNG THÔNG TIN", "Địa chỉ", "0273 3822 555", "0912 345 678", "ubndphuong5@", "Bản quyền"],
        id="address-hotline-copyright-counters",
    ),
    pytest.param(
        "<p>© 2024 UBND Phường 5 - Địa chỉ: số 12 đường Lê Lợi - Điện thoại: 0273 3822 555</p>",
        ["©", "Địa chỉ", "0273 3822 555"],
        id="one-copyright-line",
    ),
    pytest.param(
        "<p>CỔNG THÔNG TIN ĐIỆN TỬ PHƯỜNG 5</p><p>Địa chỉ: số 12 đường Lê Lợi, Phường 5</p>"
        "<p>Điện thoại: 0273 3822 555</p>",
        ["CỔNG THÔNG TIN", "Địa chỉ", "0273 3822 555"],
        id="site-name-and-contacts",
    ),
    pytest.param(
        '<div class="share">Chia sẻ: <a href="#">Facebook</a> <a href="#">Zalo</a></div>'
        "<p>Chia sẻ bài viết</p><p>In bài</p><p>Tags: BHYT, học sinh, khuyến học</p>",
        ["Chia sẻ", "Facebook", "In bài", "Tags"],
        id="share-buttons-and-tags",
    ),
]


@pytest.mark.parametrize(("footer", "gone"), SITE_FOOTERS)
def test_a_site_footer_inside_the_article_block_is_not_in_the_notice(
    ward, portal, capsys, footer, gone
):
    page = (FIXTURES / BHYT_PAGE).read_text(encoding="utf-8")
    url = portal.put("/tin-tuc/trao-the-bhyt", page.replace(BYLINE, BYLINE + footer))
    assert run_import(ward, capsys, url)[0] == 0
    [name] = ward.imported()
    body = ward.notice(name).body
    assert body.startswith("Chiều ngày 12/3/2024") and body.endswith("Tin, ảnh: Ngọc Hân")
    for furniture in gone:
        assert furniture not in body, furniture


def test_a_notices_own_copyright_and_contact_lines_are_kept(ward, portal, capsys):
    contact = (
        "<p>Bản quyền tác giả đối với ảnh trong bài thuộc về Hội Khuyến học phường.</p>"
        "<p>Phụ huynh có thắc mắc xin liên hệ bộ phận một cửa của phường.</p>"
        "<p>Địa chỉ: số 12 đường Lê Lợi, Phường 5</p><p>Điện thoại: 0273 3822 555</p>"
    )
    page = (FIXTURES / BHYT_PAGE).read_text(encoding="utf-8")
    url = portal.put("/tin-tuc/trao-the-bhyt", page.replace(BYLINE, contact))
    assert run_import(ward, capsys, url)[0] == 0
    [name] = ward.imported()
    assert "Bản quyền tác giả đối với ảnh" in ward.notice(name).body
    assert ward.notice(name).body.endswith(
        "Địa chỉ: số 12 đường Lê Lợi, Phường 5\n\nĐiện thoại: 0273 3822 555"
    )


def dated_beside(case: str, today: dt.date) -> bytes:
    """A fixture page showing today's date near the article, but not as its date."""
    shown = f"{today:%d/%m/%Y}"
    if case == "site-footer":
        page = (FIXTURES / BHYT_PAGE).read_text(encoding="utf-8")
        page = page.replace("<p>Ghi rõ nguồn", f"<p>Cập nhật: {shown}</p><p>Ghi rõ nguồn")
    elif case == "site-footer-in-the-article":
        page = (FIXTURES / BHYT_PAGE).read_text(encoding="utf-8")
        footer = f"<p>Cập nhật: {shown}</p><p>Bản quyền thuộc UBND Phường 5.</p>"
        page = page.replace(BYLINE, BYLINE + footer)
    elif case == "other-news":  # with the article's own date in its metadata
        page = (FIXTURES / BHYT_PAGE).read_text(encoding="utf-8")
        page = page.replace(
            '<meta name="viewport"',
            '<meta property="article:published_time" content="2024-03-12T16:20:00+07:00">\n'
            '<meta name="viewport"',
        )
        page = re.sub(
            r'<span class="date">\(\d\d/\d\d/2024\)', f'<span class="date">Ngày đăng: {shown}', page
        )
    elif case in ("registration-day", "in-the-text"):
        line = {
            "registration-day": f"Ngày đăng ký nhận thẻ bổ sung: {shown}.",
            "in-the-text": f"Danh sách học sinh được nhận thẻ đợt 2 đã được đăng ngày {shown} "
            "trên bảng tin của phường và trên cổng thông tin điện tử để phụ huynh theo dõi.",
        }[case]
        page = (FIXTURES / BHYT_PAGE).read_text(encoding="utf-8")
        page = page.replace("<p>Dịp này,", f"<p>{line}</p><p>Dịp này,")
    else:  # a sidebar (no "Tin mới" heading) beside a WordPress post without metadata
        page = (FIXTURES / WP_PAGE).read_text(encoding="utf-8")
        page = re.sub(r'<meta property="article:\w+_time"[^>]*>', "", page)
        page = page.replace(
            '<div id="content" class="site-content">',
            '<div id="content" class="site-content"><aside class="left"><h2>Lịch công tác</h2>'
            f'<ul><li><a href="/lich">Lịch công tác tuần 12</a> Đăng ngày {shown}</li></ul></aside>',
        )
    return page.encode("utf-8")


@pytest.mark.parametrize(
    ("case", "date"),
    [
        ("site-footer", dt.date(2024, 3, 12)),  # "Chiều ngày 12/3/2024" in the text
        ("site-footer-in-the-article", dt.date(2024, 3, 12)),
        ("other-news", dt.date(2024, 3, 12)),  # article:published_time
        ("sidebar", dt.date(2021, 10, 15)),  # "Đăng ngày 15/10/2021" under the title
        ("registration-day", dt.date(2024, 3, 12)),  # "ngày đăng ký" is no "ngày đăng"
        ("in-the-text", dt.date(2024, 3, 12)),  # "đăng ngày" in prose is not the dateline
    ],
)
def test_an_old_article_is_not_dated_by_the_footer_a_sidebar_other_news_or_its_text(
    ward, portal, capsys, case, date
):
    asyncio.run(follow(ward, "bhyt"))
    url = portal.put("/tin-tuc/bai-cu", dated_beside(case, dt.date.today()))
    assert run_import(ward, capsys, url)[0] == 0
    [name] = ward.imported()
    assert name.startswith(f"{date.isoformat()}-")
    assert ward.notice(name).date == date
    assert asyncio.run(alerts_waiting(ward)) == 0  # an old article: nobody is alerted


WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
DATELINES = [
    pytest.param('<div class="date">{weekday}, ngày {d} tháng {m} năm {y}</div>', id="long"),
    pytest.param('<div class="date">Ngày {d} tháng {m} năm {y}</div>', id="long-no-weekday"),
    pytest.param('<div class="meta">Ngày đăng: ngày {d} tháng {m} năm {y}</div>', id="posted-long"),
    pytest.param('<div class="date">{weekday}, {dmy} - 08:30 (GMT+7)</div>', id="time-zone"),
    pytest.param('<div class="date">08:30 | {weekday}, {dmy}</div>', id="time-first"),
    pytest.param("<div>({dmy})</div>", id="in-brackets"),
    pytest.param("<div>Ngày {d} tháng {m}, {y}</div>", id="long-comma-year"),
]


def shown_under_title(shown: str) -> str:
    """The fixture's page with `shown` under its title, and a text citing an older plan
    ("... ngày 20/01/2024") instead of the day of its event."""
    page = (FIXTURES / BHYT_PAGE).read_text(encoding="utf-8")
    heading = f'<h1 class="title">{BHYT_TITLE}</h1>'
    return page.replace(heading, f"{heading}\n{shown}").replace(
        "Chiều ngày 12/3/2024, Ủy ban",
        "Thực hiện Kế hoạch số 15/KH-UBND ngày 20/01/2024 của UBND quận, chiều nay Ủy ban",
    )


@pytest.mark.parametrize("dateline", DATELINES)
def test_a_vietnamese_dateline_dates_the_notice(ward, portal, capsys, dateline):
    # Posted today; the text cites an older plan ("... ngày 20/01/2024") and no event date.
    asyncio.run(follow(ward, "bhyt"))
    today = dt.date.today()
    shown = dateline.format(
        weekday=WEEKDAYS_VI[today.weekday()],
        d=today.day,
        m=today.month,
        y=today.year,
        dmy=f"{today:%d/%m/%Y}",
    )
    url = portal.put("/tin-tuc/trao-the-bhyt", shown_under_title(shown))
    assert run_import(ward, capsys, url)[0] == 0
    [name] = ward.imported()
    assert name.startswith(f"{today.isoformat()}-")
    notice = ward.notice(name)
    assert notice.date == today
    assert notice.body.startswith("Thực hiện Kế hoạch số 15/KH-UBND")  # no dateline left in it
    assert asyncio.run(alerts_waiting(ward)) == 1  # new today: the resident is alerted


@pytest.mark.parametrize(
    ("shown", "days"),
    [
        pytest.param('<span class="time">2 giờ trước</span>', 0, id="hours-ago"),
        pytest.param('<div class="meta">Đăng 3 ngày trước</div>', 3, id="days-ago"),
        pytest.param('<div class="meta">Tác giả: Minh Tú | cách đây 45 phút</div>', 0, id="meta"),
    ],
)
def test_an_article_dated_only_by_how_long_ago_it_was_posted_gets_that_day(
    ward, portal, shown, days
):
    # The portal shows its newest articles so; the text cites an older plan.
    url = portal.put("/tin-tuc/trao-the-bhyt", shown_under_title(shown))
    today = dt.date(2026, 11, 30)
    with portal_import.Importer(ward.settings(), today=lambda: today) as importer:
        [outcome] = importer.import_source(url)
    assert outcome.action == portal_outcome.NEW, outcome.why
    assert outcome.path is not None
    notice = ward.notice(outcome.path.name)
    assert notice.date == today - dt.timedelta(days=days)
    assert notice.body.startswith("Thực hiện Kế hoạch số 15/KH-UBND")  # nor the line in it


@pytest.mark.parametrize(
    "title",
    [
        "Lịch cắt điện khu phố 3 ngày 15/12/2026",  # to come (its month: 1 December)
        "Hội nghị sơ kết công tác dân vận ngày 25/11/2026",  # held before it was posted
    ],
)
def test_a_date_in_the_title_does_not_date_the_notice(ward, portal, title):
    # No date on the page but the title's: the feed item's date is the notice's.
    page = (FIXTURES / BHYT_PAGE).read_bytes().replace(BHYT_TITLE.encode(), title.encode())
    page = page.replace("Chiều ngày 12/3/2024, ".encode(), b"").replace(b"31/12/2024", b"2024")
    link = portal.put("/tin-tuc/thong-bao", page)
    feed = portal.put(
        "/rss/tin-tuc.xml",
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Tin</title><item><title>'
        f"{title}</title><link>{link}</link><pubDate>Sat, 28 Nov 2026 16:20:00 +0700</pubDate>"
        "</item></channel></rss>",
        "application/rss+xml",
    )
    with portal_import.Importer(ward.settings(), today=lambda: dt.date(2026, 11, 30)) as importer:
        [outcome] = importer.import_source(feed)
    assert outcome.action == portal_outcome.NEW and outcome.path is not None, outcome.why
    assert ward.notice(outcome.path.name).date == dt.date(2026, 11, 28)


@pytest.mark.parametrize(
    ("site", "heading"),
    [
        pytest.param(
            '<div id="header"><h1>CỔNG THÔNG TIN ĐIỆN TỬ PHƯỜNG 5</h1></div>',
            '<h2 class="title">{title}</h2>',
            id="h1-by-the-logo",
        ),
        pytest.param(
            '<div class="logo"><h1>ỦY BAN NHÂN DÂN PHƯỜNG 5</h1></div>',
            "<h2>{title}</h2>",
            id="plain-h2",
        ),
        pytest.param(
            "<header><h1>ỦY BAN NHÂN DÂN PHƯỜNG 5</h1><nav>Trang chủ</nav></header>",
            '<h3 class="news-title">{title}</h3>',
            id="header-element",
        ),
    ],
)
def test_the_sites_name_in_an_h1_by_its_logo_is_not_the_notices_title(
    ward, portal, capsys, site, heading
):
    title = "Phường 5 tổ chức tiêm vắc xin sởi cho trẻ em từ 1 đến 5 tuổi"
    page = (
        '<html><head><meta charset="utf-8"><title>Tin tức - Sự kiện</title></head><body>'
        f'{site}<div id="content">{heading.format(title=title)}<div class="date">12/03/2024'
        "</div><p>Sáng ngày 11/3/2024, Trạm Y tế Phường 5 tổ chức tiêm vắc xin sởi cho hơn 300 "
        "trẻ em trên địa bàn phường, đạt 98% kế hoạch.</p><p>Phụ huynh chưa đưa trẻ đi tiêm "
        "vui lòng liên hệ Trạm Y tế phường để được tiêm bù.</p></div></body></html>"
    )
    url = portal.put("/tin-tuc/tiem-vac-xin-soi", page)
    assert run_import(ward, capsys, url)[0] == 0
    [name] = ward.imported()
    notice = ward.notice(name)
    assert (notice.title, notice.date) == (title, dt.date(2024, 3, 12))
    assert notice.body.startswith("Sáng ngày 11/3/2024, Trạm Y tế")  # not the title again
    assert "PHƯỜNG 5" not in notice.body


def test_imported_notices_are_tagged_with_the_wards_topics(ward, portal, capsys):
    url = portal.put_fixture("/tin-tuc/trao-the-bhyt-hoc-sinh", BHYT_PAGE)
    assert run_import(ward, capsys, url)[0] == 0
    [name] = ward.imported()
    assert "topics: [bhyt, hoc-bong]" in (ward.content / name).read_text(encoding="utf-8")
    assert ward.notice(name).topics == ("bhyt", "hoc-bong")


def test_an_imported_meeting_report_is_not_tagged_with_a_topic_it_mentions_in_passing(
    ward, portal, capsys
):
    # A veterans' association meeting whose report lists, among its year's work, the
    # health insurance cards it gave out: no alert to everyone following BHYT.
    url = portal.put_fixture("/tin/851", CP1258_PAGE, WINDOWS_1258)
    assert run_import(ward, capsys, url)[0] == 0
    [name] = ward.imported()
    assert "\ntopics:" not in (ward.content / name).read_text(encoding="utf-8")
    assert ward.notice(name).topics == ()


def test_imported_notices_are_tagged_by_the_topic_served_not_a_copy_sharing_its_id(
    ward, portal, capsys
):
    assert bot.main(["index", *ward.args]) == 0  # the data folder keeps faq.yaml as served
    # A clerk copies the bhyt topic above itself to start another, and forgets its id.
    copy = "  - id: bhyt\n    name: Trật tự đô thị\n    keywords: [lấn chiếm vỉa hè]\n"
    text = ward.faq.read_text(encoding="utf-8")
    ward.faq.write_text(text.replace("topics:\n", "topics:\n" + copy, 1), encoding="utf-8")

    url = portal.put_fixture("/tin-tuc/trao-the-bhyt-hoc-sinh", BHYT_PAGE)
    assert run_import(ward, capsys, url)[0] == 0

    # Its followers are alerted: tagged by the keywords of the topic the bot serves.
    [name] = ward.imported()
    assert "topics: [bhyt, hoc-bong]" in (ward.content / name).read_text(encoding="utf-8")


def test_imported_notices_are_tagged_by_the_last_good_topics_while_faq_yaml_lost_them(
    ward, portal, capsys
):
    assert bot.main(["index", *ward.args]) == 0  # the data folder keeps faq.yaml as served
    # A save with the topics header mistyped: the bot keeps serving the last good topics.
    text = ward.faq.read_text(encoding="utf-8")
    ward.faq.write_text(text.replace("topics:\n", "topic:\n", 1), encoding="utf-8")

    url = portal.put_fixture("/tin-tuc/trao-the-bhyt-hoc-sinh", BHYT_PAGE)
    assert run_import(ward, capsys, url)[0] == 0

    # Its followers are alerted: tagged by the topics the bot serves, not left untagged.
    [name] = ward.imported()
    assert "topics: [bhyt, hoc-bong]" in (ward.content / name).read_text(encoding="utf-8")


def test_a_repeated_lead_paragraph_is_written_once(ward, portal, capsys):
    # The Windows-1258 page repeats its lead as the start of the first paragraph.
    url = portal.put_fixture("/tin/1", CP1258_PAGE, WINDOWS_1258)
    assert run_import(ward, capsys, url)[0] == 0
    [name] = ward.imported()
    assert ward.notice(name).body.count("Sáng ngày 05/7/2024") == 1


# ---------------------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    "content_type",
    [WINDOWS_1258, "text/html; charset=iso-8859-1", "text/html; charset=utf-8", "text/html"],
    ids=["declared", "labelled-latin-1", "labelled-utf-8", "unlabelled"],
)
def test_a_windows_1258_page_comes_out_as_nfc_vietnamese_however_it_is_labelled(
    ward, portal, capsys, content_type
):
    url = portal.put_fixture("/tin/851", CP1258_PAGE, content_type)
    assert run_import(ward, capsys, url)[0] == 0
    [name] = ward.imported()
    notice = ward.notice(name)
    assert notice.title == CP1258_TITLE
    assert "tặng 40 thẻ bảo hiểm y tế cho hội viên có hoàn cảnh khó khăn" in notice.body
    assert unicodedata.is_normalized("NFC", (ward.content / name).read_text(encoding="utf-8"))
    assert (
        name
        == "2024-07-08-hoi-nghi-ban-chap-hanh-hoi-cuu-chien-binh-phuong-3-so-ket-6-thang-dau.md"
    )


@pytest.mark.parametrize(
    ("good", "bad"),
    [
        # The CMS cut an other-news title at a byte count, in the middle of "ậ".
        (
            "Lễ giao nhận quân năm 2024".encode(),
            "Lễ giao nh".encode() + "ậ".encode()[:2] + b"...",
        ),
        # A quote pasted from a Windows-1252 document, inside the article itself.
        ("Trần Thị Mỹ Linh".encode(), b"\x93" + "Trần Thị Mỹ Linh".encode() + b"\x94"),
    ],
    ids=["title-cut-mid-character", "windows-1252-quote"],
)
def test_a_utf8_page_with_a_stray_byte_is_still_read_as_utf8(ward, portal, capsys, good, bad):
    page = (FIXTURES / BHYT_PAGE).read_bytes()
    assert good in page
    url = portal.put("/tin-tuc/trao-the-bhyt", page.replace(good, bad), "text/html; charset=utf-8")
    assert run_import(ward, capsys, url)[0] == 0
    [name] = ward.imported()
    assert name == "2024-03-12-phuong-5-trao-the-bhyt-cho-hoc-sinh-co-hoan-canh-kho-khan.md"
    notice = ward.notice(name)
    assert (notice.title, notice.date) == (BHYT_TITLE, dt.date(2024, 3, 12))
    assert "trao 120 thẻ bảo hiểm y tế cho học sinh có hoàn cảnh khó khăn" in notice.body
    assert notice.topics == ("bhyt", "hoc-bong")


def test_a_page_in_decomposed_unicode_is_written_in_nfc(ward, portal, capsys):
    page = (FIXTURES / BHYT_PAGE).read_text(encoding="utf-8")
    decomposed = unicodedata.normalize("NFD", page)
    assert decomposed != page
    url = portal.put("/tin/nfd", decomposed)
    assert run_import(ward, capsys, url)[0] == 0
    [name] = ward.imported()
    text = (ward.content / name).read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", text)
    assert f'title: "{BHYT_TITLE}"' in text
    assert ward.notice(name).topics == ("bhyt", "hoc-bong")  # keywords match NFC text only


# ----------------------------------------------------------------------- nothing twice


def test_the_same_page_twice_is_imported_once(ward, portal, capsys):
    url = portal.put_fixture("/tin-tuc/trao-the-bhyt-hoc-sinh", BHYT_PAGE)
    assert run_import(ward, capsys, url)[0] == 0
    first = ward.imported()
    code, out, _ = run_import(ward, capsys, url)
    assert code == 0 and out.startswith(f"unchanged {ward.content / first[0]}")
    assert ward.imported() == first
    # Asked politely: a User-Agent naming the bot, and a conditional request the second time.
    requests = portal.hits("/tin-tuc/trao-the-bhyt-hoc-sinh")
    assert all(r.headers["User-Agent"].startswith("wardbot/") for r in requests)
    assert requests[1].headers["If-None-Match"] == portal.routes[requests[1].path].etag


def test_an_article_shared_with_a_tracking_address_and_edited_is_one_notice(ward, portal, capsys):
    # Staff import the link shared on Zalo; the portal later adds to the article, and the
    # feed (or staff) brings its plain address.
    page = (FIXTURES / BHYT_PAGE).read_text(encoding="utf-8")
    added = "".join(
        f"<p>Bổ sung đợt {number}: học sinh khu phố {number} nhận thẻ tại nhà văn hóa khu "
        "phố vào sáng thứ bảy tuần này, phụ huynh mang theo giấy tờ tùy thân.</p>"
        for number in range(1, 6)
    )
    edited = page.replace(BYLINE, added + BYLINE)
    shared = portal.put("/tin/5?utm_source=zalo&zarsrc=30", page)
    portal.put("/tin/5", page)  # (one article, whatever the address adds)
    assert run_import(ward, capsys, shared)[0] == 0
    portal.put("/tin/5?utm_source=zalo&zarsrc=30", edited)
    plain = portal.put("/tin/5", edited)
    code, out, _ = run_import(ward, capsys, plain)
    assert code == 0 and "updated" in out
    [name] = ward.imported()
    assert ward.notice(name).source == plain and "Bổ sung đợt 5" in ward.notice(name).body


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("/tin/5", "/tin/5/"),
        ("/index.php?id=5&cat=2", "/index.php?cat=2&id=5"),
        ("/tin/5", "saved page naming https://HOST/tin/5/#top"),
    ],
    ids=["trailing-slash", "parameter-order", "saved-page-naming-it-https"],
)
def test_an_edited_article_met_at_another_form_of_its_address_is_one_notice(
    ward, portal, capsys, first, then
):
    asyncio.run(follow(ward, "bhyt"))
    page = page_of_today().decode("utf-8")
    added = "".join(
        f"<p>Bổ sung đợt {number}: học sinh khu phố {number} nhận thẻ tại nhà văn hóa khu "
        "phố vào sáng thứ bảy tuần này, phụ huynh mang theo giấy tờ tùy thân.</p>"
        for number in range(1, 6)
    )
    edited = page.replace(BYLINE, added + BYLINE)
    url = portal.put(first, page)
    assert run_import(ward, capsys, url)[0] == 0
    [name] = ward.imported()
    assert asyncio.run(alerts_waiting(ward)) == 1
    portal.put(first, edited)
    if then.startswith("/"):
        source = portal.put(then, edited)
    else:  # staff saved the page; it names its address in another form
        named = then.split()[-1].replace("HOST", portal.base.removeprefix("http://"))
        saved = ward.root / "tin-5.html"
        saved.write_text(
            edited.replace("</head>", f'<link rel="canonical" href="{named}"></head>'),
            encoding="utf-8",
        )
        source = str(saved)
    code, out, _ = run_import(ward, capsys, source)
    assert code == 0 and f"updated {ward.content / name}" in out and "no new alert" in out
    assert ward.imported() == [name]  # no "-2.md"
    assert "Bổ sung đợt 5" in ward.notice(name).body
    assert ward.notice(name).source == url  # as first imported: that address works
    assert asyncio.run(alerts_waiting(ward)) == 1


def test_the_forms_of_one_address_are_one_key_and_other_addresses_are_not():
    key = portal_log.page_key
    assert (
        key("http://Phuong5.Example.VN:80/index.php?id=5&cat=2#binh-luan")
        == key("https://phuong5.example.vn:443/index.php/?cat=2&id=5&utm_source=zalo")
        == "https://phuong5.example.vn/index.php?cat=2&id=5"
    )
    assert key("https://phuong5.example.vn/tin/t%c3%a1") == key("https://phuong5.example.vn/tin/tá")
    assert key("https://phuong5.example.vn/tin/5") != key("https://phuong5.example.vn/tin/6")
    assert key("https://phuong5.example.vn/?id=5") != key("https://phuong5.example.vn/?id=5&p=2")
    assert key("https://phuong5.example.vn:8080/tin/5") != key("https://phuong5.example.vn/tin/5")


def test_a_reposted_article_at_another_address_is_not_imported_again(ward, portal, capsys):
    page = (FIXTURES / BHYT_PAGE).read_bytes()
    first = portal.put("/tin-tuc/trao-the-bhyt-hoc-sinh", page)
    # The same article under another section: other menus and other related news.
    repost = page.replace("Tin tức - Sự kiện".encode(), "Hoạt động đoàn thể".encode())
    repost = repost.replace(
        "Lễ giao nhận quân năm 2024".encode(), "Khai giảng lớp tin học".encode()
    )
    second = portal.put("/doan-the/chi-tiet?id=77", repost)
    code, out, _ = run_import(ward, capsys, first, second)
    assert code == 0
    assert f"skipped {second}: same text as {first}" in out
    assert len(ward.imported()) == 1
    # Re-posted with a word changed, under the same title: still the same article.
    third = portal.put("/tin/ban-in-lai", page.replace("120 thẻ".encode(), "120 tấm thẻ".encode()))
    code, out, _ = run_import(ward, capsys, third, second)
    assert code == 0 and out.count("same text as") == 2
    assert len(ward.imported()) == 1


def test_import_beside_a_running_bot_counts_the_alerts_the_bot_queued_first(
    ward, portal, capsys, monkeypatch
):
    """The running bot's watcher sees the imported file before `import` has opened the
    index: staff are told of the alerts it queued, not that the notice alerts nobody."""

    async def ran_before() -> None:
        async with await Store.open(ward.data / "bot.sqlite3") as store:
            await store.note_announcements([], time.time() - 60, ["telegram"])

    asyncio.run(ran_before())
    asyncio.run(follow(ward, "bhyt"))
    queue = publish.queue_alerts

    async def seen_by_the_bot_first(settings, *args, **kwargs):
        await queue(settings)  # the running bot's watcher, meanwhile
        return await queue(settings, *args, **kwargs)

    monkeypatch.setattr(publish, "queue_alerts", seen_by_the_bot_first)
    url = portal.put("/tin-tuc/trao-the-bhyt-hoc-sinh", page_of_today())
    code, out, _ = run_import(ward, capsys, url)
    [name] = ward.imported()
    assert code == 0 and f"{name.removesuffix('.md')}: 1 alert(s) queued" in out
    assert asyncio.run(alerts_waiting(ward)) == 1


def test_an_edited_article_updates_its_file_without_a_second_alert(ward, portal, capsys):
    asyncio.run(follow(ward, "bhyt"))
    page = page_of_today()
    url = portal.put("/tin-tuc/trao-the-bhyt-hoc-sinh", page)
    code, out, _ = run_import(ward, capsys, url)
    [name] = ward.imported()
    assert code == 0 and f"{name.removesuffix('.md')}: 1 alert(s) queued" in out
    assert asyncio.run(alerts_waiting(ward)) == 1

    portal.put(url.removeprefix(portal.base), page.replace("120 thẻ".encode(), "125 thẻ".encode()))
    code, out, _ = run_import(ward, capsys, url)
    assert code == 0 and f"updated {ward.content / name}" in out and "no new alert" in out
    assert ward.imported() == [name]
    assert "trao 125 thẻ bảo hiểm y tế" in ward.notice(name).body
    assert asyncio.run(alerts_waiting(ward)) == 1


@pytest.mark.parametrize("old_address", ["gone", "redirects", "shows-the-new-version"])
def test_a_moved_article_edited_on_the_way_updates_its_file_without_a_second_alert(
    ward, portal, capsys, old_address
):
    # A portal that makes addresses from titles: correcting the title moves the article.
    asyncio.run(follow(ward, "bhyt"))
    page = page_of_today()
    old = portal.put("/tin-tuc/phuong-5-trao-the-bhyt-cho-hoc-sinh", page)
    assert run_import(ward, capsys, old)[0] == 0
    [name] = ward.imported()
    assert asyncio.run(alerts_waiting(ward)) == 1

    title = f"{BHYT_TITLE} năm 2024"
    edited = page.replace(BHYT_TITLE.encode(), title.encode())
    edited = edited.replace("120 thẻ".encode(), "125 thẻ".encode())
    new = portal.put("/tin-tuc/phuong-5-trao-the-bhyt-cho-hoc-sinh-nam-2024", edited)
    moved = old.removeprefix(portal.base)
    if old_address == "gone":
        del portal.routes[moved]
    elif old_address == "redirects":
        portal.put(moved, b"", status=301, headers={"Location": new})
    else:  # the portal finds the article by its id: the old address shows it too
        portal.put(moved, edited)
    code, out, _ = run_import(ward, capsys, new)
    assert code == 0 and f"updated {ward.content / name}" in out and "no new alert" in out
    assert ward.imported() == [name]  # one notice, under its first name (its id)
    notice = ward.notice(name)
    assert notice.title == title and notice.source == new  # its link works again
    assert "trao 125 thẻ bảo hiểm y tế" in notice.body
    assert asyncio.run(alerts_waiting(ward)) == 1
    # The old address, should it come back with the old text, changes nothing.
    portal.put(moved, page)
    code, out, _ = run_import(ward, capsys, old)
    assert code == 0 and f"skipped {old}: same text as {new}" in out
    assert ward.imported() == [name] and "125 thẻ" in ward.notice(name).body


async def news_list_followed(
    ward: Ward,
    portal: FakePortal,
    text: str,
    day: dt.date,
    *,
    today: Callable[[], dt.date],
    clock: Callable[[], float],
) -> tuple[FeedFollower, tuple[str, str, dt.date]]:
    """A follower of a news list read once (what was there before: an article of `text`,
    formatted with its date, nine days before `day`), and that article's list entry."""
    older = ("/tin-tuc/cu", "Phường 5 ra quân tổng vệ sinh môi trường khu phố 2", day)
    portal.put(older[0], with_content(older[1], text.format(day - dt.timedelta(days=9))))
    news_list = portal.put("/tin-tuc", news_list_page([older]))
    followed = FeedFollower(ward.settings(portal_feeds=(news_list,)), today=today, clock=clock)
    await followed.poll()  # the list's first read: what was there before
    return followed, older


async def test_an_article_retitled_and_redated_at_a_new_address_stays_one_notice(ward, portal):
    # Staff fix a typo in a title and the day shown as they do; the portal makes the
    # address from the title, so the article moves and its old address answers 404.
    day = dt.date(2026, 11, 10)
    await follow(ward, "bhyt")
    text = (
        "<p>Ngày đăng: {:%d/%m/%Y}</p><p>Chiều 10/11/2026, Ủy ban MTTQ Phường 5 trao 400 thẻ "
        "bảo hiểm y tế cho người dân thuộc hộ cận nghèo trên địa bàn các khu phố.</p><p>Hộ "
        "chưa nhận thẻ liên hệ bộ phận một cửa UBND phường, mang theo căn cước.</p>"
    )
    old = ("/tin-tuc/trao-400-the-bhty-123", "Phường 5 trao 400 thẻ BHTY cho hộ cận nghèo", day)
    clock = [1_800_000_000.0]
    follower, older = await news_list_followed(
        ward, portal, text, day, today=lambda: day, clock=lambda: clock[0]
    )
    portal.put(old[0], with_content(old[1], text.format(day)))
    portal.put("/tin-tuc", news_list_page([old, older]))
    await follower.poll()
    [name] = [n for n in ward.imported() if n.startswith("2026-11-10")]
    assert await alerted(ward.settings()) == {name.removesuffix(".md"): 1}

    day, clock[0] = day + dt.timedelta(days=1), clock[0] + 86_400
    new = ("/tin-tuc/trao-400-the-bhyt-123", "Phường 5 trao 400 thẻ BHYT cho hộ cận nghèo", day)
    del portal.routes[old[0]]
    portal.put(new[0], with_content(new[1], text.format(day)))
    portal.put("/tin-tuc", news_list_page([new, older]))
    await follower.poll()
    assert [n for n in ward.imported() if n.startswith("2026-11-1")] == [name]
    notice = ward.notice(name)  # still answered with, under its corrected title and day
    assert (notice.title, notice.date, notice.source) == (new[1], day, portal.url(new[0]))
    assert follower.status()["withdrawn"] == 0
    assert await alerted(ward.settings()) == {}


def test_two_alike_notices_of_one_day_both_on_the_portal_are_two_notices(ward, portal, capsys):
    # One template, two neighbourhoods: nearly the same text, the same date.
    asyncio.run(follow(ward, "bhyt"))
    page = page_of_today()
    first = page.replace(BHYT_TITLE.encode(), f"{BHYT_TITLE} khu phố 1".encode())
    second = page.replace(BHYT_TITLE.encode(), f"{BHYT_TITLE} khu phố 2".encode())
    second = second.replace("120 thẻ".encode(), "85 thẻ".encode())
    second = second.replace("214 học sinh".encode(), "160 học sinh".encode())
    urls = [portal.put("/tin/kp1", first), portal.put("/tin/kp2", second)]
    code, out, _ = run_import(ward, capsys, *urls)
    assert code == 0 and out.count("imported") == 2
    assert len(ward.imported()) == 2
    assert asyncio.run(alerts_waiting(ward)) == 2


def test_two_notices_of_one_day_sharing_a_short_text_under_other_titles_are_two_notices(
    ward, portal, capsys
):
    # Staff post two notices the same morning, the title saying what each is about and
    # the text only where to ask: both stay on the portal, each its own notice and alert.
    asyncio.run(follow(ward, "bhyt", "77"))
    asyncio.run(follow(ward, "can-cuoc", "78"))
    today = dt.date.today()
    text = (
        f"<p>Ngày đăng: {today:%d/%m/%Y}</p><p>Mọi thắc mắc xin liên hệ bộ phận một cửa "
        "UBND Phường 5 trong giờ hành chính để được hướng dẫn cụ thể.</p>"
    )
    titles = [
        "Thông báo cấp đổi thẻ BHYT cho học sinh năm học mới",
        "Hướng dẫn người dân làm thủ tục cấp căn cước cho trẻ em dưới 14 tuổi",
    ]
    urls = [portal.put(f"/tin-tuc/tb-{i}", with_content(t, text)) for i, t in enumerate(titles)]
    code, out, _ = run_import(ward, capsys, *urls)
    assert code == 0 and out.count("imported") == 2, out
    assert sorted(ward.notice(name).title for name in ward.imported()) == sorted(titles)
    assert asyncio.run(alerts_waiting(ward)) == 2


@pytest.mark.parametrize("last_month", ["still there", "gone"])
async def test_next_months_notice_of_one_text_under_its_own_month_is_a_new_notice(
    ward, portal, last_month
):
    # The same few lines each month, the month in the title only: next month's schedule
    # is no re-post of this month's, nor this month's moved, whether this month's is still
    # listed. (Days around the real today, as alerts go only for notices at most
    # ALERT_MAX_AGE_DAYS old by the ward's calendar: this month's post new enough, the
    # article listed before it, nine days older, too old to alert.)
    day = vietnam_today() - dt.timedelta(days=alerts.ALERT_MAX_AGE_DAYS - 5)
    await follow(ward, "bhyt")
    text = (
        "<p>Ngày đăng: {:%d/%m/%Y}</p><p>Phụ huynh xem lịch tiêm cụ thể trong thông báo của "
        "trạm y tế, mọi thắc mắc xin liên hệ trạm y tế phường, nhớ mang theo thẻ BHYT của "
        "trẻ.</p>"
    )
    clock = [1_800_000_000.0]
    follower, older = await news_list_followed(
        ward, portal, text, day, today=lambda: day, clock=lambda: clock[0]
    )

    def month_post(day: dt.date) -> tuple[tuple[str, str, dt.date], str]:
        """The month's schedule as the news list shows it, and its notice's id."""
        slug = f"lich-tiem-chung-thang-{day.month}"
        return (f"/tin-tuc/{slug}", f"Lịch tiêm chủng tháng {day.month}", day), (
            f"{day.isoformat()}-{slug}"
        )

    this, this_id = month_post(day)
    portal.put(this[0], with_content(this[1], text.format(day)))
    portal.put("/tin-tuc", news_list_page([this, older]))
    await follower.poll()
    assert await alerted(ward.settings()) == {this_id: 1}

    first = day
    day = (day.replace(day=1) + dt.timedelta(days=31)).replace(day=1)  # next month's 1st
    clock[0] += (day - first).days * 86_400
    following, following_id = month_post(day)
    portal.put(following[0], with_content(following[1], text.format(day)))
    listed = [following, this, older]
    if last_month == "gone":
        del portal.routes[this[0]]
        listed.remove(this)
    portal.put("/tin-tuc", news_list_page(listed))
    await follower.poll()
    assert ward.notice(f"{this_id}.md").title == this[1]
    assert ward.notice(f"{following_id}.md").title == following[1]
    assert await alerted(ward.settings()) == {following_id: 1}


@pytest.mark.parametrize(
    "first, second",
    [
        pytest.param("120 thẻ tại khu phố 1", "85 thẻ tại khu phố 3", id="other-numbers"),
        pytest.param(  # the same numbers: only the neighbourhood's name differs
            "120 thẻ tại nhà văn hóa khu phố Tân Lập",
            "120 thẻ tại nhà văn hóa khu phố Hòa Bình",
            id="other-names",
        ),
        pytest.param(  # the same numbers: one more neighbourhood named
            "120 thẻ tại nhà văn hóa khu phố Tân Lập",
            "120 thẻ tại nhà văn hóa khu phố Tân Lập và khu phố Hòa Bình",
            id="a-name-added",
        ),
    ],
)
def test_two_notices_of_one_day_under_one_title_for_other_places_are_two_notices(
    ward, portal, capsys, first, second
):
    # One template, one title, one day: the cards handed out in two neighbourhoods.
    asyncio.run(follow(ward, "bhyt"))
    page = page_of_today()
    urls = [
        portal.put(f"/tin/{i}", page.replace("120 thẻ".encode(), place.encode()))
        for i, place in enumerate((first, second))
    ]
    code, out, _ = run_import(ward, capsys, *urls)
    assert code == 0 and out.count("imported") == 2 and "same text" not in out
    assert len(ward.imported()) == 2
    assert asyncio.run(alerts_waiting(ward)) == 2


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"Tin, ảnh: Ngọc Hân": "Tin, ảnh: Minh Tuấn"}, id="other-credit"),
        pytest.param({"Tin, ảnh: Ngọc Hân": "Tin: Ngọc Hân - Ảnh: Thanh Tùng"}, id="more-credit"),
        pytest.param({"Ban giám hiệu": "Ban Giám hiệu"}, id="a-capital-added"),
        pytest.param({"diện Bảo hiểm": "diện bảo hiểm"}, id="a-capital-dropped"),
    ],
)
def test_a_repost_in_another_section_credited_or_capitalised_otherwise_is_skipped(
    ward, portal, capsys, changes
):
    # One article posted again in another section, whose credit line or capitals differ: one
    # notice, one alert (the names that tell notices apart are a place's, not these).
    asyncio.run(follow(ward, "bhyt"))
    page = page_of_today()
    repost = page.replace("Tin tức - Sự kiện".encode(), "Hoạt động đoàn thể".encode())
    for old, new in {**changes, "120 thẻ": "120 tấm thẻ"}.items():  # and a word retyped
        assert old.encode() in repost
        repost = repost.replace(old.encode(), new.encode())
    first = portal.put("/tin-tuc/trao-the-bhyt", page)
    second = portal.put("/doan-the/chi-tiet?id=77", repost)
    code, out, _ = run_import(ward, capsys, first, second)
    assert code == 0 and f"skipped {second}: same text as {first}" in out
    assert len(ward.imported()) == 1
    assert asyncio.run(alerts_waiting(ward)) == 1


def test_a_repost_is_told_by_the_notice_staff_saved_as_unicode_in_notepad(ward, portal, capsys):
    # The bot reads a notice saved as UTF-16 ("Unicode"): so does the importer, comparing a
    # re-post's capitals with the words of the notice as staff left it.
    asyncio.run(follow(ward, "bhyt"))
    page = page_of_today()
    repost = page.replace("Tin tức - Sự kiện".encode(), "Hoạt động đoàn thể".encode())
    for old, new in {"Ban giám hiệu": "Ban Giám hiệu", "120 thẻ": "120 tấm thẻ"}.items():
        repost = repost.replace(old.encode(), new.encode())
    first = portal.put("/tin-tuc/trao-the-bhyt", page)
    assert run_import(ward, capsys, first)[0] == 0
    [name] = ward.imported()
    path = ward.content / name
    path.write_bytes(b"\xff\xfe" + path.read_text(encoding="utf-8").encode("utf-16-le"))

    second = portal.put("/doan-the/chi-tiet?id=77", repost)
    code, out, _ = run_import(ward, capsys, second)
    assert code == 0 and f"skipped {second}: same text as {first}" in out
    assert ward.imported() == [name]
    assert asyncio.run(alerts_waiting(ward)) == 1


def test_a_notice_posted_again_a_week_later_but_for_its_days_is_a_new_notice(ward, portal, capsys):
    # One title, one text each week but for its date: each week's notice is news.
    asyncio.run(follow(ward, "bhyt"))
    today = dt.date.today()
    last_week = page_of_today().replace(dmy(today), dmy(today - dt.timedelta(days=7)))
    urls = [portal.put("/tin/tuan-truoc", last_week), portal.put("/tin/tuan-nay", page_of_today())]
    code, out, _ = run_import(ward, capsys, *urls)
    assert code == 0 and out.count("imported") == 2 and "same text" not in out
    assert len(ward.imported()) == 2
    assert asyncio.run(alerts_waiting(ward)) == 2


def test_a_file_staff_deleted_is_not_imported_again(ward, portal, capsys):
    url = portal.put_fixture("/tin-tuc/trao-the-bhyt-hoc-sinh", BHYT_PAGE)
    assert run_import(ward, capsys, url)[0] == 0
    [name] = ward.imported()
    (ward.content / name).unlink()
    code, out, _ = run_import(ward, capsys, url)
    assert code == 0 and "was deleted; not imported again" in out
    # Not even once the portal edits it.
    page = (FIXTURES / BHYT_PAGE).read_bytes().replace("120 thẻ".encode(), "125 thẻ".encode())
    portal.put("/tin-tuc/trao-the-bhyt-hoc-sinh", page)
    code, out, _ = run_import(ward, capsys, url)
    assert code == 0 and "was deleted; not imported again" in out
    assert ward.imported() == []


def test_staff_edits_stay_until_the_portal_changes_the_article(ward, portal, capsys):
    url = portal.put_fixture("/tin-tuc/trao-the-bhyt-hoc-sinh", BHYT_PAGE)
    assert run_import(ward, capsys, url)[0] == 0
    [name] = ward.imported()
    path = ward.content / name
    edited = path.read_text(encoding="utf-8") + "\nPhụ huynh nhớ mang theo thẻ căn cước.\n"
    path.write_text(edited, encoding="utf-8")

    code, out, _ = run_import(ward, capsys, url)
    assert code == 0 and "edited by staff" in out
    assert path.read_text(encoding="utf-8") == edited

    page = (FIXTURES / BHYT_PAGE).read_bytes().replace("120 thẻ".encode(), "125 thẻ".encode())
    portal.put("/tin-tuc/trao-the-bhyt-hoc-sinh", page)
    code, out, _ = run_import(ward, capsys, url)
    assert code == 0 and f"updated {ward.content / name}" in out
    assert "125 thẻ" in path.read_text(encoding="utf-8")
    [kept] = (ward.data / "portal-replaced").iterdir()
    assert kept.read_text(encoding="utf-8") == edited and str(kept) in out


def test_a_notice_only_saved_again_as_unicode_in_notepad_is_no_staff_edit(ward, portal, capsys):
    """Opened and saved as "Unicode" (UTF-16, Windows line ends), its text unchanged: the
    portal's edit replaces it without telling staff theirs was kept aside."""
    url = portal.put_fixture("/tin-tuc/trao-the-bhyt-hoc-sinh", BHYT_PAGE)
    assert run_import(ward, capsys, url)[0] == 0
    [name] = ward.imported()
    path = ward.content / name
    text = path.read_text(encoding="utf-8")
    path.write_bytes(b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le"))

    code, out, _ = run_import(ward, capsys, url)
    assert code == 0 and "edited by staff" not in out

    page = (FIXTURES / BHYT_PAGE).read_bytes().replace("120 thẻ".encode(), "125 thẻ".encode())
    portal.put("/tin-tuc/trao-the-bhyt-hoc-sinh", page)
    code, out, _ = run_import(ward, capsys, url)
    assert code == 0 and f"updated {ward.content / name}" in out
    assert "staff version" not in out and not (ward.data / "portal-replaced").exists()
    assert "125 thẻ" in path.read_text(encoding="utf-8")


def test_an_article_the_portal_redates_is_not_taken_by_check_for_a_copied_notice(
    ward, portal, capsys
):
    """The portal corrects an article's date: its file keeps its name (no second alert)
    under the new date, and `bot.py check` does not ask staff to put the old one back, as
    it does for a notice copied with its date: left as it was; a date staff type there
    later is warned of again."""
    page = (FIXTURES / WP_PAGE).read_bytes()
    url = portal.put("/tin-tuc/giao-ban", page, "text/html; charset=UTF-8")
    assert run_import(ward, capsys, url)[0] == 0
    redated = page.replace(b"2021-10-15T08:12:40", b"2021-10-18T08:12:40")
    redated = redated.replace("Khối Dân vận".encode(), "Khối Dân vận Đảng ủy".encode(), 1)
    portal.put("/tin-tuc/giao-ban", redated, "text/html; charset=UTF-8")
    code, out, _ = run_import(ward, capsys, url)
    [name] = ward.imported()
    assert code == 0 and f"updated {ward.content / name}" in out
    assert name.startswith("2021-10-15-") and ward.notice(name).date == dt.date(2021, 10, 18)

    assert bot.main(["check", *ward.args]) == 0
    _, err = capsys.readouterr()
    assert "cảnh báo" not in err and "Không có lỗi" in err

    path = ward.content / name
    path.write_text(
        path.read_text(encoding="utf-8").replace("date: 2021-10-18", "date: 2021-10-20"),
        encoding="utf-8",
    )
    assert bot.main(["check", *ward.args]) == 0
    _, err = capsys.readouterr()
    assert f"cảnh báo: {path}:3: dòng date: ghi ngày 2021-10-20" in err


# ---------------------------------------------------------------------------- bad pages


@dataclass
class Bad:
    path: str
    why: str
    route: dict


NEWS_LIST_BYTES = (FIXTURES / "tin-tuc-danh-muc.html").read_bytes()
BAD = [
    pytest.param(Bad("/khong-co-trang-nay", "the server answered 404 Not Found", {}), id="404"),
    pytest.param(Bad("/cham", "timed out", {"hang": True}), id="timeout"),
    pytest.param(
        Bad("/lon", "too large (more than 16 KB)", {"body": b"<html>" + b"x" * 40_000}),
        id="huge",
    ),
    pytest.param(
        Bad("/lon-dan", "too large (more than 16 KB)", {"stream": 200_000}), id="huge-streamed"
    ),
    pytest.param(
        Bad(
            "/van-ban.pdf",
            "not an HTML page or an RSS/Atom feed (application/pdf)",
            {"body": b"%PDF-1.4 ...", "content_type": "application/pdf"},
        ),
        id="pdf",
    ),
    pytest.param(
        Bad(
            "/tin-tuc",
            "no article found on the page",
            # Menus and one news item: no article, nor a list of them to import.
            {"body": re.sub(rb"<li><a href=\"/tin-tuc/(?!trao).*\n", b"", NEWS_LIST_BYTES)},
        ),
        id="no-article",
    ),
    pytest.param(
        Bad(
            "/khong-ngay",
            "no publication date found",
            {
                "body": (FIXTURES / BHYT_PAGE)
                .read_bytes()
                .replace("Chiều ngày 12/3/2024, ".encode(), b"")
                .replace(b"31/12/2024", b"2024")
            },
        ),
        id="no-date",
    ),
]


@pytest.mark.parametrize("bad", BAD)
def test_a_bad_page_is_reported_with_its_address_and_why_and_nothing_is_written(
    ward, portal, capsys, monkeypatch, bad
):
    # Long enough for the good page on a busy host; the hanging one still times out.
    monkeypatch.setattr(portal_fetch, "READ_TIMEOUT", 2.0)
    monkeypatch.setattr(portal_fetch, "MAX_BYTES", 16 * 1024)
    if bad.route:
        portal.put(bad.path, **bad.route)
    good = portal.put_fixture("/tin-tuc/trao-the-bhyt-hoc-sinh", BHYT_PAGE)
    url = portal.url(bad.path)
    code, out, err = run_import(ward, capsys, url, good)
    assert code == 1
    assert f"{url}: {bad.why}" in err
    assert f"imported {ward.content}/2024-03-12-" in out  # the good source still imported
    assert len(ward.imported()) == 1  # nothing half-written, no temporary file left


def test_an_article_with_images_pasted_in_is_imported_however_large_they_are(
    ward, portal, capsys, monkeypatch
):
    # Staff pasted photos into the article: the page carries them as base64 (data: URIs),
    # megabytes of it, beyond the size a page may be; the article itself is small.
    monkeypatch.setattr(portal_fetch, "MAX_BYTES", 16 * 1024)
    photo = "data:image/jpeg;base64," + "/9j/4AAQSkZJRgABAQ" * 4_000  # ~72 KB
    page = (FIXTURES / BHYT_PAGE).read_text(encoding="utf-8")
    page = page.replace('src="/uploads/2024/03/trao-the-bhyt.jpg"', f'src="{photo}"')
    url = portal.put("/tin-tuc/trao-the-bhyt-hoc-sinh", page)
    assert len(portal.routes["/tin-tuc/trao-the-bhyt-hoc-sinh"].body) > 64 * 1024
    code, _, err = run_import(ward, capsys, url)
    assert (code, err) == (0, "")
    [name] = ward.imported()
    notice = (ward.content / name).read_text(encoding="utf-8")
    assert "Dịp này, Hội Khuyến học phường" in notice and "base64" not in notice


def _deflated(data: bytes, wbits: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    return packer.compress(data) + packer.flush()


@pytest.mark.parametrize(
    ("encoding", "pack"),
    [
        ("gzip", gzip.compress),
        ("deflate", lambda data: _deflated(data, zlib.MAX_WBITS)),
        ("deflate", lambda data: _deflated(data, -zlib.MAX_WBITS)),  # raw, as IIS sends it
    ],
    ids=["gzip", "deflate", "raw-deflate"],
)
def test_an_article_the_portal_sends_compressed_is_imported(ward, portal, capsys, encoding, pack):
    page = (
        (FIXTURES / BHYT_PAGE)
        .read_bytes()
        .replace(b"https://phuong5.example.vn", portal.base.encode())
    )
    url = portal.put(
        "/tin-tuc/trao-the-bhyt-hoc-sinh", pack(page), headers={"Content-Encoding": encoding}
    )
    code, _, err = run_import(ward, capsys, url)
    assert (code, err) == (0, "")
    [name] = ward.imported()
    assert "Hội Khuyến học phường" in (ward.content / name).read_text(encoding="utf-8")
    assert (
        portal.hits("/tin-tuc/trao-the-bhyt-hoc-sinh")[0].headers["Accept-Encoding"]
        == "gzip, deflate"
    )


def test_a_small_compressed_answer_that_inflates_to_megabytes_is_refused_before_it_is_held(
    portal,
):
    # 20 KB of gzip that inflates to 20 MB (a compression bomb; a page on a portal broken
    # into, or altered on its way over plain http): refused as too large while it inflates,
    # never held whole in memory (the bot on a small server would be killed, every channel
    # with it).
    bomb = gzip.compress(b" " * 20_000_000, 9)
    assert len(bomb) < 30_000
    url = portal.put("/bom", bomb, headers={"Content-Encoding": "gzip"})
    with portal_fetch.Fetcher(["127.0.0.1"], max_bytes=16 * 1024) as fetcher:
        tracemalloc.start()
        try:
            with pytest.raises(portal_fetch.FetchError, match="too large"):
                fetcher.get(url)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 4_000_000, peak


def test_a_compressed_answer_cut_or_garbled_is_said_broken_not_a_connection_failure(portal):
    page = gzip.compress((FIXTURES / BHYT_PAGE).read_bytes())
    url = portal.put("/hong", page[:20] + b"\xff" * 200, headers={"Content-Encoding": "gzip"})
    with (
        portal_fetch.Fetcher(["127.0.0.1"]) as fetcher,
        pytest.raises(portal_fetch.FetchError, match="compressed, and broken"),
    ):
        fetcher.get(url)


def test_a_page_compressed_twice_is_refused_with_why_and_admins_told_in_vietnamese(
    ward, portal, capsys
):
    # "Content-Encoding: gzip, gzip": 1 KB could inflate to gigabytes in two steps; no
    # portal sends it, and the bot (which asks for gzip or deflate once) does not read it.
    page = (FIXTURES / BHYT_PAGE).read_bytes()
    url = portal.put(
        "/hai-lop", gzip.compress(gzip.compress(page)), headers={"Content-Encoding": "gzip, gzip"}
    )
    code, _, err = run_import(ward, capsys, url)
    assert code == 1
    why = "compressed in a way the bot does not read (gzip, gzip)"
    assert f"{url}: {why}" in err
    assert reason_vi(why).startswith("máy chủ cổng thông tin gửi trang nén theo cách bot không đọc")
    assert ward.imported() == []


def test_an_article_longer_than_max_notice_kb_is_reported_not_written(
    ward, portal, capsys, monkeypatch
):
    monkeypatch.setenv("MAX_NOTICE_KB", "1")  # the article is about 2 KB
    url = portal.put_fixture("/tin-tuc/trao-the-bhyt-hoc-sinh", BHYT_PAGE)
    code, _, err = run_import(ward, capsys, url)
    assert code == 1
    said = "tệp quá lớn (2 KB, tối đa 1 KB) — thông báo này chưa được đăng"
    assert f"{url}: the bot would not serve it: {said}" in err
    # Admins are told the loader's own words, in Vietnamese.
    why = err.split(f"{url}: ", 1)[1].splitlines()[0]
    assert reason_vi(why).startswith(said)
    assert ward.imported() == []


def test_a_redirect_off_the_portal_is_not_followed(ward, portal, capsys):
    away = f"http://localhost:{portal.base.rsplit(':', 1)[1]}/tin-tuc/trao-the-bhyt-hoc-sinh"
    portal.put_fixture("/tin-tuc/trao-the-bhyt-hoc-sinh", BHYT_PAGE)
    url = portal.put("/chuyen-huong", b"", status=302, headers={"Location": away})
    code, _, err = run_import(ward, capsys, url)
    assert code == 1 and f"{url}: redirected to localhost" in err
    assert portal.hits("/tin-tuc/trao-the-bhyt-hoc-sinh") == []
    assert ward.imported() == []


def test_a_missing_file_is_reported(ward, capsys, tmp_path):
    code, _, err = run_import(ward, capsys, str(tmp_path / "khong-co.html"))
    assert code == 1 and f"{tmp_path / 'khong-co.html'}: file not found" in err


def test_a_saved_page_is_imported_from_its_file(ward, capsys):
    code, _, _ = run_import(ward, capsys, str(FIXTURES / WP_PAGE))
    assert code == 0
    [name] = ward.imported()
    # Its source is the address the page names as its own.
    assert ward.notice(name).source == (
        "https://ankhanh.example.vn/2021/10/15/khoi-dan-van-giao-ban-quy-iii/"
    )


def test_import_into_a_data_folder_it_cannot_write_names_that_folder(ward, capsys):
    """It said "could not write the notice", and staff looked at content/, which was fine:
    the data folder (where what was imported is remembered) is the one to fix."""
    with read_only_folder(ward.data):
        code, _out, err = run_import(ward, capsys, str(FIXTURES / BHYT_PAGE))
    assert code == 1
    assert f"could not write in {ward.data} (" in err
    assert "the notice" not in err
    assert ward.imported() == []


def test_import_needs_a_source(ward, capsys):
    with pytest.raises(SystemExit) as stopped:
        bot.main(["import", *ward.args])
    assert stopped.value.code == 2


# -------------------------------------------------------------------- feeds and dry-run


# The title the feed fixture gives the item of OLD_PAGE (admins are told it with its page).
OLD_ITEM = "Phường Hòa Thuận tổng kết 5 năm phong trào “Khu dân cư xanh, sạch, đẹp”"


def as_listed(url: str, title: str = OLD_ITEM) -> str:
    """A page that failed, as admins are told of it: the title its feed shows, its address."""
    return f"«{title}»: {url}"


def serve_feed(portal: FakePortal, feed: str = "rss.xml") -> str:
    portal.put_fixture("/tin-tuc/trao-the-bhyt-hoc-sinh", BHYT_PAGE)
    portal.put_fixture("/tin-tuc/tong-ket-phong-trao-2019", OLD_PAGE)
    return portal.put_fixture("/rss/tin-tuc.xml", feed, "application/rss+xml; charset=utf-8")


def test_a_feed_imports_each_of_its_items_once(ward, portal, capsys):
    feed = serve_feed(portal)
    code, out, _ = run_import(ward, capsys, feed)
    assert code == 0 and out.count(f"imported {ward.content}/") == 2
    assert ward.imported() == [
        "2019-09-24-phuong-hoa-thuan-tong-ket-5-nam-thuc-hien-phong-trao-khu-dan-cu-xanh.md",
        "2024-03-12-phuong-5-trao-the-bhyt-cho-hoc-sinh-co-hoan-canh-kho-khan.md",
    ]
    pages_read = len(portal.requests)
    code, out, _ = run_import(ward, capsys, feed)
    assert code == 0 and out.count(f"unchanged {ward.content}/") == 2
    # Items the feed shows unchanged are not fetched again: only the feed was read.
    assert [r.path for r in portal.requests[pages_read:]] == ["/rss/tin-tuc.xml"]


@pytest.mark.parametrize(
    ("encoding", "content_type"),
    [
        ("utf-8-sig", "text/html; charset=utf-8"),
        ("utf-8-sig", "text/plain"),
        ("utf-16", "application/octet-stream"),
    ],
    ids=["utf-8-labelled-html", "utf-8-labelled-text", "utf-16-unlabelled"],
)
def test_a_feed_starting_with_a_byte_order_mark_is_read_however_it_is_labelled(
    ward, portal, capsys, encoding, content_type
):
    serve_feed(portal)
    rss = (FIXTURES / "rss.xml").read_text(encoding="utf-8")
    rss = rss.replace("https://phuong5.example.vn", portal.base)  # (put() does UTF-8 only)
    rss = rss.replace('encoding="utf-8"', f'encoding="{encoding.removesuffix("-sig")}"')
    feed = portal.put("/rss.xml", rss.encode(encoding), content_type)  # with its BOM
    code, out, err = run_import(ward, capsys, feed)
    assert (code, err) == (0, "")
    assert out.count(f"imported {ward.content}/") == 2 and len(ward.imported()) == 2


@pytest.mark.parametrize(
    "published",
    [
        "Tue, 12 Mar 2024 06:20:00 +0700",  # 11 March in UTC, which feedparser gives
        "12/03/2024 06:20",  # as Vietnamese portals write it (feedparser reads no date)
    ],
)
def test_a_page_without_a_date_takes_its_feed_items_date_as_in_vietnam(
    ward, portal, capsys, published
):
    page = (FIXTURES / BHYT_PAGE).read_text(encoding="utf-8")
    page = page.replace("Chiều ngày 12/3/2024,", "Chiều qua,").replace(
        " đến hết ngày 31/12/2024", ""
    )
    portal.put("/tin-tuc/trao-the-bhyt-hoc-sinh", page)
    rss = (FIXTURES / "rss.xml").read_text(encoding="utf-8")
    rss = rss.replace("Tue, 12 Mar 2024 16:20:00 +0700", published)
    portal.put_fixture("/tin-tuc/tong-ket-phong-trao-2019", OLD_PAGE)
    feed = portal.put("/rss/tin-tuc.xml", rss, "application/rss+xml")
    assert run_import(ward, capsys, feed)[0] == 0
    name = "2024-03-12-phuong-5-trao-the-bhyt-cho-hoc-sinh-co-hoan-canh-kho-khan.md"
    assert name in ward.imported()
    assert ward.notice(name).date == dt.date(2024, 3, 12)


@pytest.mark.parametrize(
    "broken", ["9999-12-31T23:00:00-05:00", "Fri, 31 Dec 2099 08:00:00 +0700", "0001-01-01"]
)
def test_a_feed_items_impossible_date_neither_dates_a_notice_nor_stops_the_feed(
    ward, portal, capsys, broken
):
    page = (FIXTURES / BHYT_PAGE).read_text(encoding="utf-8")
    page = page.replace("Chiều ngày 12/3/2024,", "Chiều qua,").replace(
        " đến hết ngày 31/12/2024", ""
    )
    portal.put("/tin-tuc/trao-the-bhyt-hoc-sinh", page)  # no date of its own
    portal.put_fixture("/tin-tuc/tong-ket-phong-trao-2019", OLD_PAGE)
    rss = (FIXTURES / "rss.xml").read_text(encoding="utf-8")
    feed = portal.put(
        "/rss/tin-tuc.xml",
        rss.replace("Tue, 12 Mar 2024 16:20:00 +0700", broken),
        "application/rss+xml",
    )
    code, _, err = run_import(ward, capsys, feed)
    assert code == 1 and "no publication date" in err  # that item only, for what it lacks
    assert ward.imported() == [
        "2019-09-24-phuong-hoa-thuan-tong-ket-5-nam-thuc-hien-phong-trao-khu-dan-cu-xanh.md"
    ]


@pytest.mark.parametrize("stamps", ["its own", "one for all"])
def test_a_feed_items_date_comes_before_a_date_its_text_cites(ward, portal, capsys, stamps):
    # Posted today with no date on the page; its text cites January's plan.
    asyncio.run(follow(ward, "bhyt"))
    posted = dt.datetime.now(dt.timezone(dt.timedelta(hours=7)))  # in Vietnam
    page = (
        (FIXTURES / BHYT_PAGE)
        .read_text(encoding="utf-8")
        .replace(
            "Chiều ngày 12/3/2024, Ủy ban",
            "Thực hiện Kế hoạch số 15/KH-UBND ngày 20/01/2024 của UBND quận, chiều nay Ủy ban",
        )
    )
    portal.put("/tin-tuc/trao-the-bhyt-hoc-sinh", page)
    portal.put_fixture("/tin-tuc/tong-ket-phong-trao-2019", OLD_PAGE)
    rss = (FIXTURES / "rss.xml").read_text(encoding="utf-8")
    now = email.utils.format_datetime(posted)
    rss = rss.replace("Tue, 12 Mar 2024 16:20:00 +0700", now)
    if stamps == "one for all":  # a feed stamping every item with the time it was made
        rss = rss.replace("Tue, 24 Sep 2019 09:00:00 +0700", now)
    feed = portal.put("/rss/tin-tuc.xml", rss, "application/rss+xml")
    assert run_import(ward, capsys, feed)[0] == 0
    [name] = [n for n in ward.imported() if "bhyt" in n]
    if stamps == "its own":
        assert ward.notice(name).date == posted.date()
        assert asyncio.run(alerts_waiting(ward)) == 1  # news today: the resident is alerted
    else:  # such dates say nothing of the article: the page's own is kept
        assert ward.notice(name).date == dt.date(2024, 1, 20)


def test_a_feed_listing_its_items_oldest_first_has_its_newest_imported(
    ward, portal, capsys, monkeypatch
):
    monkeypatch.setattr(portal_items, "MAX_FEED_ITEMS", 3)  # of 5 items: the 3 newest
    page = (FIXTURES / BHYT_PAGE).read_text(encoding="utf-8")
    first = dt.date.today() - dt.timedelta(days=4)
    items = []
    for number in range(5):  # oldest first
        day = first + dt.timedelta(days=number)
        portal.put(
            f"/tin-tuc/{number}",
            page.replace("12/3/2024", dmy(day).decode()).replace(BHYT_TITLE, f"Tin số {number}"),
        )
        items.append(
            f"<item><title>Tin {number}</title><link>{portal.base}/tin-tuc/{number}</link>"
            f"<pubDate>{day:%a, %d %b %Y} 08:00:00 +0700</pubDate></item>"
        )
    feed = portal.put(
        "/rss/tin-tuc.xml",
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Tin</title>{"".join(items)}'
        "</channel></rss>",
        "application/rss+xml",
    )
    assert run_import(ward, capsys, feed)[0] == 0
    assert [name[:10] for name in ward.imported()] == [
        (first + dt.timedelta(days=number)).isoformat() for number in (2, 3, 4)
    ]


ERROR_PAGES = [
    pytest.param("Không tìm thấy trang", "Trang bạn yêu cầu không tồn tại", id="not-found"),
    pytest.param("404 - Page not found", "The page you requested was not found", id="404"),
    pytest.param("Hệ thống đang bảo trì", "Cổng thông tin đang được nâng cấp", id="maintenance"),
    pytest.param("Đăng nhập hệ thống", "Vui lòng nhập tên đăng nhập và mật khẩu", id="login"),
]


@pytest.mark.parametrize(("title", "text"), ERROR_PAGES)
def test_a_feed_items_error_page_served_as_200_is_not_a_notice_and_the_article_comes_later(
    ward, portal, capsys, title, text
):
    # The portal answers 200 with an error page while the article is not ready.
    serve_feed(portal)
    error_page = (
        f'<html><head><meta charset="utf-8"><title>{title}</title></head><body>'
        f'<div class="content"><h1>{title}</h1><p>{text}, xin vui lòng quay lại trang chủ '
        "hoặc dùng chức năng tìm kiếm để tìm thông tin cần thiết trên cổng thông tin.</p>"
        "</div></body></html>"
    )
    page = portal.put("/tin-tuc/trao-the-bhyt-hoc-sinh", error_page)
    code, _, err = run_import(ward, capsys, portal.url("/rss/tin-tuc.xml"))
    assert code == 1 and f"{page}: an error, maintenance or login page" in err
    assert ward.imported() == [
        "2019-09-24-phuong-hoa-thuan-tong-ket-5-nam-thuc-hien-phong-trao-khu-dan-cu-xanh.md"
    ]
    portal.put_fixture("/tin-tuc/trao-the-bhyt-hoc-sinh", BHYT_PAGE)  # the article, at last
    assert run_import(ward, capsys, portal.url("/rss/tin-tuc.xml"))[0] == 0
    assert "2024-03-12-phuong-5-trao-the-bhyt-cho-hoc-sinh-co-hoan-canh-kho-khan.md" in (
        ward.imported()
    )
    assert reason_vi(f"an error, maintenance or login page, not an article («{title}»)") == (
        "trang báo lỗi, đang bảo trì hoặc đòi đăng nhập"
    )


def test_a_category_page_of_teasers_is_not_a_notice_but_its_articles_are(ward, portal, capsys):
    teasers = "".join(
        f'<div class="news-item"><h3><a href="/tin-tuc/bai-{number}">Phường 5 tổ chức hoạt '
        f"động số {number} cho người dân trên địa bàn</a></h3><span>1{number}/03/2024</span>"
        f"<p>Sáng ngày 1{number}/3/2024, UBND Phường 5 phối hợp với các đoàn thể tổ chức hoạt "
        f"động số {number} nhằm chăm lo đời sống vật chất, tinh thần cho người dân.</p></div>"
        for number in range(6)
    )
    page = (
        '<html><head><meta charset="utf-8"><title>Tin tức - Sự kiện</title></head><body>'
        f'<div id="main"><h1>Tin tức - Sự kiện</h1>{teasers}'
        '<div class="paging"><a href="?page=2">2</a></div></div></body></html>'
    )
    titles = []
    for number in range(6):
        titles.append(f"Phường 5 tổ chức hoạt động số {number} cho người dân trên địa bàn")
        portal.put(f"/tin-tuc/bai-{number}", article(titles[-1], dt.date(2024, 3, 10 + number)))
    # Under many addresses: every time, not now and then.
    urls = [portal.put(f"/tin-tuc?trang={number}", page) for number in range(40)]
    code, _, err = run_import(ward, capsys, *urls)
    assert (code, err) == (0, "")
    assert sorted(ward.notice(name).title for name in ward.imported()) == titles


def other_news(number: int, shape: str) -> str:
    """A teaser of another article of the site, as the portals lay them out."""
    title = f"Phường 5 tổ chức hoạt động số {number} cho người dân trên địa bàn"
    lead = (
        f"Sáng ngày 1{number}/3/2024, UBND Phường 5 phối hợp với các đoàn thể tổ chức hoạt "
        f"động số {number} nhằm chăm lo đời sống vật chất, tinh thần cho người dân."
    )
    link = f"/tin-tuc/hoat-dong-{number}"
    if shape == "cards":
        return (
            f'<div class="card"><a href="{link}"><img src="/anh/{number}.jpg" alt=""></a>'
            f'<h4><a href="{link}">{title}</a></h4><span class="date">1{number}/03/2024</span>'
            f'<p class="sapo">{lead}</p></div>'
        )
    return f'<div class="item"><h3><a href="{link}">{title}</a></h3><p>{lead}</p></div>'


@pytest.mark.parametrize("shape", ["related-without-heading", "cards"])
def test_a_list_of_other_articles_after_the_article_is_not_in_the_notice(
    ward, portal, capsys, shape
):
    teasers = "".join(other_news(number, shape) for number in range(8))
    page = (FIXTURES / BHYT_PAGE).read_text(encoding="utf-8")
    page = page.replace('<div class="other-news">', teasers + '<div class="other-news">')
    # The article's own paragraphs with links to the site, one under a linked title.
    own = (
        '<div class="box"><h3><a href="/van-ban/ke-hoach-12">Kế hoạch số 12/KH-UBND về BHYT '
        'học sinh</a></h3><p>Phụ huynh xem <a href="/van-ban/ke-hoach-12">Kế hoạch số '
        "12/KH-UBND về bảo hiểm y tế học sinh</a> để biết danh sách các em được nhận thẻ đợt "
        "tiếp theo.</p></div>"
    )
    page = page.replace(BYLINE, own + BYLINE)
    url = portal.put("/tin-tuc/trao-the-bhyt-hoc-sinh", page)
    assert run_import(ward, capsys, url)[0] == 0
    [name] = ward.imported()
    body = ward.notice(name).body
    assert "hoạt động số" not in body and "Phường 5 tổ chức" not in body
    for own_paragraph in ("Chiều ngày 12/3/2024", "Dịp này", "Phụ huynh xem Kế hoạch", "Ngọc Hân"):
        assert body.count(own_paragraph) == 1, own_paragraph
    assert len(body.split("\n\n")) == 6


def test_a_file_the_article_sends_residents_to_keeps_its_address(ward, portal, capsys):
    last = "<p>Dịp này, Hội Khuyến học phường cũng trao"
    attached = (
        '<p>Danh sách học sinh được nhận thẻ, <a href="/uploads/danh sach (dot 1).pdf">xem '
        '<b>file đính kèm</b></a>. Mẫu đơn: <a href="mau-don.docx#trang-2">tải về</a>.</p>'
        '<p><a href="https://phuong5.example.vn/uploads/QD_12_2024.xlsx">QD_12_2024.xlsx</a></p>'
        '<p>Xem thêm tại <a href="/tin-tuc/hoc-bong-2024">bài viết về học bổng</a>.</p>'
    )
    page = (FIXTURES / BHYT_PAGE).read_text(encoding="utf-8").replace(last, attached + last)
    url = portal.put("/tin-tuc/trao-the-bhyt/", page)
    assert run_import(ward, capsys, url)[0] == 0
    [name] = ward.imported()
    text = (ward.content / name).read_text(encoding="utf-8")
    files = f"{portal.base}/uploads"
    assert (
        f"Danh sách học sinh được nhận thẻ, xem file đính kèm ({files}/danh%20sach%20%28dot%201%29.pdf)."
        f" Mẫu đơn: tải về ({portal.base}/tin-tuc/trao-the-bhyt/mau-don.docx).\n\n"
        f"{files}/QD_12_2024.xlsx\n\n"
        "Xem thêm tại bài viết về học bổng.\n\n"
    ) in text
    # A resident reads the addresses as written.
    assert f"xem file đính kèm ({files}/danh%20sach%20%28dot%201%29.pdf)." in plain(text)


def with_content(title: str, content: str) -> str:
    """The fixture's page around another article: `title`, then `content`."""
    page = (FIXTURES / BHYT_PAGE).read_text(encoding="utf-8")
    start = page.index('<div class="news-content">')
    end = page.index('<div class="other-news">')
    body = f'<div class="news-content">{content}</div></div>\n        '
    return page[:start].replace(BHYT_TITLE, title) + body + page[end:]


def test_an_article_of_nothing_but_its_date_and_share_buttons_is_reported_as_no_article(
    ward, portal, capsys
):
    page = with_content(
        "Thông báo lịch tiếp công dân tháng 4 năm 2024",
        '<p class="date">Ngày đăng: 01/04/2024</p><p>Chia sẻ:</p><p>Facebook</p><p>Zalo</p>',
    )
    url = portal.put("/tin-tuc/thong-bao-124", page)
    code, _, err = run_import(ward, capsys, url)
    assert code == 1
    assert f"{url}: no article found on the page (only menus, lists or links)" in err
    assert "unexpected error" not in err and ward.imported() == []


@pytest.mark.parametrize(
    ("content", "body"),
    [
        pytest.param(
            '<p class="date">Thứ Hai, 01/04/2024 - 08:15</p>'
            '<p><a href="/uploads/2024/tb-123.pdf">Xem file đính kèm</a></p>',
            "Xem file đính kèm ({base}/uploads/2024/tb-123.pdf)",
            id="its-file",
        ),
        pytest.param(  # the link's words only the file's name: the notice says what it is
            '<p class="date">Thứ Hai, 01/04/2024 - 08:15</p>'
            '<p><a href="/uploads/2024/tb-123.pdf">tb-123.pdf</a></p>',
            "Xem file đính kèm: {base}/uploads/2024/tb-123.pdf",
            id="its-file-by-name",
        ),
        pytest.param(  # not the site's banner, nor (in an article with text) its photos
            '<p class="date">Ngày đăng: 01/04/2024</p>'
            '<p style="text-align:center"><img src="/uploads/2024/04/tb cat dien.jpg" '
            'alt="tb-cat-dien.jpg" width="800"></p><p>Chia sẻ:</p>',
            "Xem ảnh thông báo: {base}/uploads/2024/04/tb%20cat%20dien.jpg",
            id="a-scanned-page",
        ),
        pytest.param(
            '<p class="date">Ngày đăng: 01/04/2024</p><p><a href="/uploads/2024/04/tb-lon.png">'
            '<img src="/uploads/2024/04/tb-nho.png"></a></p>',
            "Xem ảnh thông báo: {base}/uploads/2024/04/tb-lon.png",
            id="a-scanned-page-linked-to-its-full-size",
        ),
    ],
)
def test_a_notice_posted_as_its_file_or_a_scanned_page_is_imported_with_its_address(
    ward, portal, capsys, content, body
):
    title = "Thông báo số 123/TB-UBND về lịch tiếp công dân tháng 4 năm 2024"
    url = portal.put("/tin-tuc/thong-bao-123", with_content(title, content))
    code, _, err = run_import(ward, capsys, url)
    assert (code, err) == (0, "")
    [name] = ward.imported()
    notice = ward.notice(name)
    assert (notice.title, notice.date) == (title, dt.date(2024, 4, 1))
    assert notice.body == body.format(base=portal.base)


def test_a_page_of_more_files_than_a_notice_attaches_or_of_a_thumbnail_is_no_notice(
    ward, portal, capsys
):
    # A page listing more files than a notice attaches is a list of documents, not one.
    files = "".join(
        f'<p><a href="/uploads/2024/qd-{n}.pdf">Quyết định số {n}/QĐ-UBND</a></p>'
        for n in range(1, 5)
    )
    listing = portal.put("/van-ban", with_content("Văn bản chỉ đạo điều hành", files))
    # Nor is a page of a picture leading to another article.
    thumbnail = (
        '<p class="date">01/04/2024</p><p><a href="/tin-tuc/hoi-nghi">'
        '<img src="/uploads/2024/04/hoi-nghi.jpg"></a></p>'
    )
    pictured = portal.put("/anh", with_content("Hình ảnh hoạt động của phường", thumbnail))
    code, _, err = run_import(ward, capsys, listing, pictured)
    assert code == 1
    assert f"{listing}: no article found on the page" in err
    assert f"{pictured}: no article found on the page" in err
    assert ward.imported() == []


@pytest.mark.parametrize(
    "title",
    [
        "404 hộ gia đình được nhận thẻ BHYT năm 2024",
        "Hướng dẫn đăng nhập ứng dụng VNeID mức 2",
        "Không tìm thấy chủ sở hữu xe máy bị tạm giữ, phường thông báo",
    ],
)
def test_an_article_titled_like_an_error_page_is_still_imported(ward, portal, capsys, title):
    page = (FIXTURES / BHYT_PAGE).read_text(encoding="utf-8").replace(BHYT_TITLE, title)
    url = portal.put("/tin-tuc/bai-viet", page)
    assert run_import(ward, capsys, url)[0] == 0
    [name] = ward.imported()
    assert ward.notice(name).title == title


def test_dry_run_prints_what_would_be_written_and_writes_nothing(ward, portal, capsys):
    feed = serve_feed(portal)
    repost = portal.put_fixture("/doan-the/chi-tiet?id=77", BHYT_PAGE)
    code, out, _ = run_import(ward, capsys, feed, repost, dry_run=True)
    assert code == 0
    assert out.count("would write") == 2 and f"skipped {repost}: same text as" in out
    assert (
        f"would write {ward.content}/2024-03-12-phuong-5-trao-the-bhyt-cho-hoc-sinh-co-hoan-canh-kho-khan.md"
        in out
    )
    assert f'---\ntitle: "{BHYT_TITLE}"\ndate: 2024-03-12\ntopics: [bhyt, hoc-bong]\n' in out
    assert ward.imported() == []
    assert not ward.data.exists()
    # Nothing was remembered either: the real run imports both.
    assert run_import(ward, capsys, feed)[0] == 0
    assert len(ward.imported()) == 2


# ------------------------------------------------------------------------ the follower


class Polls:
    """The follower's wait between polls, driven by the test: no wall-clock waits."""

    def __init__(self) -> None:
        self.intervals: list[float] = []
        self._done: asyncio.Queue[None] = asyncio.Queue()
        self._go: asyncio.Queue[None] = asyncio.Queue()

    async def wait(self, seconds: float, stop: asyncio.Event) -> None:
        self.intervals.append(seconds)
        await self._done.put(None)
        await self._go.get()

    async def finished(self) -> None:
        await asyncio.wait_for(self._done.get(), 30)

    async def let_go(self) -> None:
        """Let the follower out of its wait (to find `stop` set)."""
        await self._go.put(None)

    async def again(self) -> None:
        """Let the follower poll once more, and wait until it has."""
        await self._go.put(None)
        await self.finished()


async def test_the_follower_imports_a_feed_update_that_reaches_a_subscriber_once(ward, portal):
    feed = serve_feed(portal)
    settings = ward.settings(portal_feeds=(feed,), portal_poll_minutes=20)
    await follow(ward, "bhyt")
    await follow_veterans(ward)
    notes: list[str] = []
    failures: list[tuple[str, str]] = []

    async def on_imported(titles: list[str]) -> None:  # as the bot tells admins: a coroutine
        notes.append(imported_note(WARD, titles))

    polls = Polls()
    follower = FeedFollower(
        settings,
        on_imported=on_imported,
        on_failed=lambda sources, why: failures.extend((source, why) for source in sources),
        wait=polls.wait,
    )
    stop = asyncio.Event()
    running = asyncio.create_task(follower.run(stop))
    await polls.finished()
    # Both in one message to admins.
    assert len(ward.imported()) == 2 and len(notes) == 1
    assert notes[0].startswith("📥 Đã nhập 2 thông báo mới từ cổng thông tin của phường:\n• «")
    assert f"\n• «{BHYT_TITLE}»" in notes[0]
    assert await alerted(settings) == {}  # both too old to alert anyone

    # The portal publishes a new notice (a veterans' meeting, today) while the bot runs.
    portal.put(
        "/tin-tuc/hoi-nghi-cuu-chien-binh", page_of_today(CP1258_PAGE, b"08/7/2024"), WINDOWS_1258
    )
    portal.put_fixture("/rss/tin-tuc.xml", "rss-updated.xml", "application/rss+xml")
    await polls.again()
    [new] = [n for n in ward.imported() if n.startswith(dt.date.today().isoformat())]
    assert len(ward.imported()) == 3 and notes[1:] == [imported_note(WARD, [CP1258_TITLE])]
    assert notes[1] == f"📥 Đã nhập thông báo mới từ cổng thông tin của phường: «{CP1258_TITLE}»."
    # What the running bot's content watcher does next: one alert, for the follower.
    assert await alerted(settings) == {new.removesuffix(".md"): 1}
    assert await alerts_waiting(ward) == 1

    # Nothing new: the feed answers 304 and nothing else is fetched.
    before = len(portal.requests)
    await polls.again()
    assert [(r.path, "If-None-Match" in r.headers) for r in portal.requests[before:]] == [
        ("/rss/tin-tuc.xml", True)
    ]
    # The portal edits the notice (its feed item shows a new date): the file is updated,
    # admins are not told of a new notice, and the subscriber gets no second alert.
    edited = page_of_today(CP1258_PAGE, b"08/7/2024").replace(b"40 th", b"45 th")
    portal.put("/tin-tuc/hoi-nghi-cuu-chien-binh", edited, WINDOWS_1258)
    updated_feed = (FIXTURES / "rss-updated.xml").read_bytes()
    portal.put(
        "/rss/tin-tuc.xml", updated_feed.replace(b"10:15:00", b"11:30:00"), "application/rss+xml"
    )
    await polls.again()
    assert "tặng 45 thẻ bảo hiểm y tế" in ward.notice(new).body
    assert len(notes) == 2
    assert await alerted(settings) == {}
    assert await alerts_waiting(ward) == 1

    stop.set()
    await polls.let_go()
    await asyncio.wait_for(running, 10)
    assert polls.intervals == [20 * 60.0] * 4
    assert failures == []


async def test_an_article_edited_on_the_portal_under_the_same_feed_date_is_updated(ward, portal):
    # Portals keep an item's date when its article is edited: the power cut's hours
    # corrected reach the bot when the feed next changes (another article posted).
    today = dt.date(2026, 11, 30)

    def notice(hours: str, posted: dt.date = today) -> str:
        return with_content(
            f"Lịch cắt điện khu phố {posted.day} trong tuần này",
            f'<p class="date">Ngày đăng: {posted:%d/%m/%Y}</p><p>Điện lực thành phố tạm ngừng '
            f"cung cấp điện tại khu phố {posted.day}, Phường 5 để bảo trì lưới điện, {hours} "
            "ngày thứ Bảy tuần này.</p>",
        )

    old_day = today - dt.timedelta(days=20)
    pages = {"/tin-tuc/cat-dien": (today, "từ 7 giờ đến 11 giờ"), "/tin-tuc/cu": (old_day, "")}
    items = []
    for path, (posted, hours) in pages.items():
        link = portal.put(path, notice(hours, posted))
        items.append(
            f"<item><title>{path}</title><link>{link}</link>"
            f"<pubDate>{email.utils.format_datetime(dt.datetime(*posted.timetuple()[:3], 8))}"
            "</pubDate></item>"
        )
    rss = '<?xml version="1.0"?><rss version="2.0"><channel><title>Tin</title>{}</channel></rss>'
    feed = portal.put("/rss/tin-tuc.xml", rss.format("".join(items)), "application/rss+xml")
    now = [1_800_000_000.0]
    follower = FeedFollower(
        ward.settings(portal_feeds=(feed,)), today=lambda: today, clock=lambda: now[0]
    )
    await follower.poll()
    [name] = [n for n in ward.imported() if n.startswith("2026-11-30")]
    assert "từ 7 giờ đến 11 giờ" in ward.notice(name).body

    portal.put("/tin-tuc/cat-dien", notice("từ 8 giờ đến 11 giờ"))  # corrected
    portal.put("/rss/tin-tuc.xml", rss.format("".join(items[::-1])))  # the feed changes
    now[0] += 600
    await follower.poll()  # read ten minutes ago: not yet
    assert "từ 7 giờ đến 11 giờ" in ward.notice(name).body
    now[0] += 3600
    portal.put("/rss/tin-tuc.xml", rss.format("".join(items)))
    asked = len(portal.hits("/tin-tuc/cu"))
    [outcome] = [o for o in await follower.poll() if o.action == portal_outcome.UPDATED]
    assert outcome.path == ward.content / name  # its file, its name: no second alert
    assert "từ 8 giờ đến 11 giờ" in ward.notice(name).body
    assert len(portal.hits("/tin-tuc/cu")) == asked  # an old article is not read again
    # Read again an hour later, unchanged ("not modified"): not again within the hour.
    for minutes, feed_order, reads in ((61, items[::-1], 1), (10, items, 0)):
        now[0] += minutes * 60
        portal.put("/rss/tin-tuc.xml", rss.format("".join(feed_order)))
        before = portal.hits("/tin-tuc/cat-dien")
        await follower.poll()
        assert len(portal.hits("/tin-tuc/cat-dien")) - len(before) == reads


async def test_a_feed_read_for_the_first_time_alerts_nobody_of_the_news_it_already_had(
    ward, portal
):
    # The bot has run for a while (a resident follows BHYT); staff now add the portal's
    # feed, which lists a recent article: imported, and no alert for it.
    await follow(ward, "bhyt")
    await follow_veterans(ward)
    feed = serve_feed(portal)
    portal.put("/tin-tuc/trao-the-bhyt-hoc-sinh", page_of_today())
    del portal.routes["/tin-tuc/tong-ket-phong-trao-2019"]  # one item failing, poll after poll
    settings = ward.settings(portal_feeds=(feed,))
    async with await Store.open(ward.data / "bot.sqlite3") as store:
        follower = FeedFollower(settings, note_quietly=store.note_quietly)  # as the bot has it
        await follower.poll()
        assert len(ward.imported()) == 1
        assert await alerted(settings) == {}
        # What the portal publishes afterwards is news.
        portal.put(
            "/tin-tuc/hoi-nghi-cuu-chien-binh",
            page_of_today(CP1258_PAGE, b"08/7/2024"),
            WINDOWS_1258,
        )
        portal.put_fixture("/rss/tin-tuc.xml", "rss-updated.xml", "application/rss+xml")
        await follower.poll()
    [new] = [n for n in ward.imported() if "cuu-chien-binh" in n]
    assert await alerted(settings) == {new.removesuffix(".md"): 1}


async def test_a_stop_during_a_poll_asks_the_portal_nothing_more_and_loses_nothing(ward, portal):
    """A stop while the portal is slow to answer: the follower asks nothing more once the
    bot is stopping (its read is not waited for, it would hold the stop), and the article
    it did not read is read at the next start, the feed not taken for read."""
    feed = serve_feed(portal)
    articles = ("/tin-tuc/trao-the-bhyt-hoc-sinh", "/tin-tuc/tong-ket-phong-trao-2019")
    for path in articles:
        portal.routes[path].hang = True  # the portal is slow: no answer yet
    settings = ward.settings(portal_feeds=(feed,))
    stop = asyncio.Event()
    follower = FeedFollower(settings)
    running = asyncio.create_task(follower.run(stop))
    for _ in range(300):  # a guard, not a measure: until the first article is asked
        if any(portal.hits(path) for path in articles):
            break
        await asyncio.sleep(0.1)
    stop.set()
    for _ in range(300):  # until the follower has seen the stop (its read goes on apart)
        if follower.halted:
            break
        await asyncio.sleep(0.01)
    portal.release()  # the article asked is never answered
    await asyncio.wait_for(running, 30)
    [asked] = [path for path in articles if portal.hits(path)]  # the other was not
    assert ward.imported() == []

    for path in articles:
        portal.routes[path].hang = False
    await FeedFollower(settings).poll()  # the next start
    [unread] = [path for path in articles if path != asked]
    assert len(portal.hits(unread)) == 1
    assert len(ward.imported()) == 2  # the one cut off too


async def test_admins_hear_once_of_what_a_poll_a_stop_cut_short_had_imported(ward, portal):
    """A stop while the portal is slow with the second of two new articles: the first
    was imported (its residents are alerted at the next start), and admins hear of it
    then, with the second, once."""
    today = dt.date(2026, 11, 30)
    old = ("/tin-tuc/tran-phu", today - dt.timedelta(days=5))
    portal.put(old[0], power_cut(old[1], "Trần Phú"))
    feed = portal.put("/rss/tin-tuc.xml", rss_of(portal, [old]), "application/rss+xml")
    settings = ward.settings(portal_feeds=(feed,))
    told: list[list[str]] = []

    def follower() -> FeedFollower:  # as the bot starts it
        return FeedFollower(
            settings,
            on_imported=lambda titles: told.append(list(titles)),
            today=lambda: today,
            clock=lambda: 1_800_000_000.0,
        )

    await follower().poll()  # the feed's first read
    told.clear()
    first = ("/tin-tuc/le-loi", today - dt.timedelta(days=2))
    second = ("/tin-tuc/nguyen-trai", today - dt.timedelta(days=1))
    third = ("/tin-tuc/hai-ba-trung", today)
    portal.put(first[0], power_cut(first[1], "Lê Lợi"))
    portal.put(second[0], power_cut(second[1], "Nguyễn Trãi"), hang=True)
    portal.put(third[0], power_cut(third[1], "Hai Bà Trưng"))
    listed = [third, second, first, old]
    portal.put("/rss/tin-tuc.xml", rss_of(portal, listed), "application/rss+xml")
    stop = asyncio.Event()
    cut = follower()
    running = asyncio.create_task(cut.run(stop))
    for _ in range(300):  # a guard, not a measure: until the second article is asked
        if portal.hits(second[0]):
            break
        await asyncio.sleep(0.1)
    stop.set()
    for _ in range(300):  # until the follower has seen the stop (its read goes on apart)
        if cut.halted:
            break
        await asyncio.sleep(0.01)
    portal.release()
    await asyncio.wait_for(running, 30)
    assert told == [] and any("le-loi" in name for name in ward.imported())
    assert not portal.hits(third[0])  # asked nothing more once stopping

    portal.routes[second[0]].hang = False
    restarted = follower()  # the next start
    await restarted.poll()
    await restarted.poll()
    await follower().poll()  # and the one after
    streets = ("Lê Lợi", "Nguyễn Trãi", "Hai Bà Trưng")
    assert told == [[f"Thông báo tạm ngừng cấp điện đường {street}" for street in streets]]


async def test_admins_hear_once_of_what_a_poll_imported_while_reload_polls_beside_it(ward, portal):
    """An admin's /reload polls while the interval's poll, its reading done, is still
    telling admins of the notice it imported: the notice is told once, not by both."""
    today = dt.date(2026, 11, 30)
    old = ("/tin-tuc/tran-phu", today - dt.timedelta(days=5))
    portal.put(old[0], power_cut(old[1], "Trần Phú"))
    feed = portal.put("/rss/tin-tuc.xml", rss_of(portal, [old]), "application/rss+xml")
    told: list[list[str]] = []
    telling, told_on = asyncio.Event(), asyncio.Event()

    async def tell(titles: list[str]) -> None:
        told.append(list(titles))
        if len(told) == 2:  # the interval's poll: its note is being queued meanwhile
            telling.set()
            await told_on.wait()

    follower = FeedFollower(
        ward.settings(portal_feeds=(feed,)),
        on_imported=tell,
        today=lambda: today,
        clock=lambda: 1_800_000_000.0,
    )
    await follower.poll()  # the feed's first read
    new = ("/tin-tuc/le-loi", today)
    portal.put(new[0], power_cut(new[1], "Lê Lợi"))
    portal.put("/rss/tin-tuc.xml", rss_of(portal, [new, old]), "application/rss+xml")
    interval = asyncio.create_task(follower.poll())
    await telling.wait()
    await follower.poll(every_item=True)  # /reload
    told_on.set()
    await interval
    await follower.poll()  # and the next poll
    assert told[1:] == [["Thông báo tạm ngừng cấp điện đường Lê Lợi"]]


async def test_a_note_to_admins_that_could_not_be_queued_is_told_at_the_next_poll(ward, portal):
    # The database busy as the first read's note is queued: the next poll tells it, as a
    # first read's (nobody was alerted), not as news.
    feed = serve_feed(portal)
    settings = ward.settings(portal_feeds=(feed,))
    imported: list[list[str]] = []
    first_read: list[list[str]] = []

    def tell(titles: list[str]) -> None:
        if not first_read:
            first_read.append([])
            raise sqlite3.OperationalError("database is locked")
        first_read.append(list(titles))

    async with await Store.open(ward.data / "bot.sqlite3") as store:
        follower = FeedFollower(
            settings,
            on_imported=imported.append,
            on_first_read=tell,
            note_quietly=store.note_quietly,
        )
        await follower.poll()
        assert len(ward.imported()) == 2
        await follower.poll()
        await follower.poll()
    assert imported == [] and len(first_read) == 2 and len(first_read[1]) == 2
    assert BHYT_TITLE in first_read[1]


async def test_a_feed_an_older_version_followed_is_no_first_read_after_the_upgrade(ward, portal):
    """An older version wrote no record of a feed one of whose items kept failing; what it
    imported from the feed is in the import log. After the upgrade, what the portal
    published meanwhile is news (it was taken for a new feed's backlog: nobody heard)."""
    await follow(ward, "bhyt")
    await follow_veterans(ward)
    feed = serve_feed(portal)
    portal.put("/tin-tuc/trao-the-bhyt-hoc-sinh", page_of_today())
    del portal.routes["/tin-tuc/tong-ket-phong-trao-2019"]  # one item failing, poll after poll
    settings = ward.settings(portal_feeds=(feed,))
    await FeedFollower(settings).poll()  # the older version's poll
    assert len(ward.imported()) == 1
    await alerted(settings)  # and the bot noticed what it imported
    log_path = ward.data / "portal-imports.json"
    kept = json.loads(log_path.read_text(encoding="utf-8"))
    kept["feeds"] = {}  # as the older version left it, recording no article's feed
    kept["version"] = 1
    for record in kept["articles"].values():
        record.pop("feed", None)
    log_path.write_text(json.dumps(kept), encoding="utf-8")
    portal.put(
        "/tin-tuc/hoi-nghi-cuu-chien-binh",
        page_of_today(CP1258_PAGE, b"08/7/2024"),
        WINDOWS_1258,
    )
    portal.put_fixture("/rss/tin-tuc.xml", "rss-updated.xml", "application/rss+xml")
    async with await Store.open(ward.data / "bot.sqlite3") as store:
        await FeedFollower(settings, note_quietly=store.note_quietly).poll()
    [new] = [n for n in ward.imported() if "cuu-chien-binh" in n]
    assert await alerted(settings) == {new.removesuffix(".md"): 1}


@pytest.mark.parametrize("upgraded", [False, True], ids=["new-ward", "upgraded-ward"])
async def test_a_second_feed_of_the_portal_read_for_the_first_time_alerts_nobody(
    ward, portal, upgraded
):
    """Staff add the portal's category feed beside the main one; it shares an article with
    it. What only the new feed lists is its backlog, not news."""
    await follow(ward, "bhyt")
    await follow_veterans(ward)
    feed = serve_feed(portal)
    portal.put("/tin-tuc/trao-the-bhyt-hoc-sinh", page_of_today())
    settings = ward.settings(portal_feeds=(feed,))
    async with await Store.open(ward.data / "bot.sqlite3") as store:
        await FeedFollower(settings, note_quietly=store.note_quietly).poll()
    assert await alerted(settings) == {}
    if upgraded:  # the main feed's articles imported by an older version, polled since
        log_path = ward.data / "portal-imports.json"
        kept = json.loads(log_path.read_text(encoding="utf-8"))
        for record in kept["articles"].values():
            record.pop("feed", None)
        log_path.write_text(json.dumps(kept), encoding="utf-8")
    portal.put(
        "/tin-tuc/hoi-nghi-cuu-chien-binh",
        page_of_today(CP1258_PAGE, b"08/7/2024"),
        WINDOWS_1258,
    )
    second = portal.put_fixture("/rss/thong-bao.xml", "rss-updated.xml", "application/rss+xml")
    settings = ward.settings(portal_feeds=(feed, second))
    async with await Store.open(ward.data / "bot.sqlite3") as store:
        await FeedFollower(settings, note_quietly=store.note_quietly).poll()
    assert any("cuu-chien-binh" in n for n in ward.imported())
    assert await alerted(settings) == {}


async def test_a_feed_staff_imported_at_another_form_of_its_address_is_no_first_read(
    ward, portal, capsys
):
    """Staff ran `bot.py import` on the feed's https address with a trailing slash; the
    follower reads it at its plain form: the same feed, so what it lists next is news."""
    await follow(ward, "bhyt")
    await follow_veterans(ward)
    feed = serve_feed(portal)
    portal.put_fixture("/rss/tin-tuc.xml/", "rss.xml", "application/rss+xml")  # the same
    portal.put("/tin-tuc/trao-the-bhyt-hoc-sinh", page_of_today())
    await asyncio.to_thread(run_import, ward, capsys, feed + "/")
    assert ward.imported()
    await alerted(ward.settings())  # the bot noticed it
    portal.put(
        "/tin-tuc/hoi-nghi-cuu-chien-binh",
        page_of_today(CP1258_PAGE, b"08/7/2024"),
        WINDOWS_1258,
    )
    portal.put_fixture("/rss/tin-tuc.xml", "rss-updated.xml", "application/rss+xml")
    settings = ward.settings(portal_feeds=(feed,))
    async with await Store.open(ward.data / "bot.sqlite3") as store:
        await FeedFollower(settings, note_quietly=store.note_quietly).poll()
    [new] = [n for n in ward.imported() if "cuu-chien-binh" in n]
    assert await alerted(settings) == {new.removesuffix(".md"): 1}


async def test_a_first_read_whose_news_could_not_be_remembered_is_tried_again_quietly(ward, portal):
    await follow(ward, "bhyt")
    feed = serve_feed(portal)
    portal.put("/tin-tuc/trao-the-bhyt-hoc-sinh", page_of_today())
    settings = ward.settings(portal_feeds=(feed,))
    async with await Store.open(ward.data / "bot.sqlite3") as store:
        locked = [True]

        async def note_quietly(refs, now):  # the database busy, the first time
            if locked.pop() if locked else False:
                raise sqlite3.OperationalError("database is locked")
            await store.note_quietly(refs, now)

        follower = FeedFollower(settings, note_quietly=note_quietly)
        [failed] = await follower.poll()
        assert failed.failed and failed.source == feed
        assert ward.imported() == []  # not one file without its note
        await follower.poll()
        assert len(ward.imported()) == 2
    assert await alerted(settings) == {}


async def failures_told(ward: Ward, *feeds: str, polls: int = 1) -> list[str]:
    """What admins are told of failures in `polls` polls of `feeds`."""
    failures: list[str] = []
    follower = FeedFollower(
        ward.settings(portal_feeds=feeds),
        on_failed=lambda sources, why: failures.append(failed_note(sources, why)),
    )
    for _ in range(polls):
        await follower.poll()
    return failures


async def test_admins_told_the_portal_failed_are_told_once_it_is_read_again(ward, portal):
    feed = portal.url("/rss/tin-tuc.xml")  # not there: 404
    told: list[str] = []

    def follower() -> FeedFollower:
        return FeedFollower(
            ward.settings(portal_feeds=(feed,)),
            on_failed=lambda sources, why: told.append(failed_note(sources, why)),
            on_recovered=lambda feeds: told.append(recovered_note(WARD, feeds)),
        )

    before = follower()
    await before.poll()
    await before.poll()
    # The bot restarts; the portal is back.
    after = follower()
    serve_feed(portal)
    await after.poll()
    await after.poll()
    assert told == [
        f"⚠️ Không nhập được tin từ cổng thông tin: không tìm thấy trang (lỗi 404).\n{feed}",
        "✅ Cổng thông tin của phường đã đọc được trở lại; tin mới sẽ được nhập như bình "
        f"thường.\n{feed}",
    ]


async def test_the_follower_tells_admins_of_a_failure_once_until_it_works_again(ward, portal):
    feed = portal.url("/rss/tin-tuc.xml")  # not there yet: 404
    failures: list[str] = []
    follower = FeedFollower(
        ward.settings(portal_feeds=(feed,)),
        on_failed=lambda sources, why: failures.append(failed_note(sources, why)),
    )
    await follower.poll()
    await follower.poll()
    assert failures == [
        f"⚠️ Không nhập được tin từ cổng thông tin: không tìm thấy trang (lỗi 404).\n{feed}"
    ]
    serve_feed(portal)
    await follower.poll()
    assert len(ward.imported()) == 2 and len(failures) == 1
    del portal.routes["/rss/tin-tuc.xml"]
    await follower.poll()
    assert len(failures) == 2


@pytest.mark.parametrize(
    ("route", "said"),
    [
        pytest.param(
            {"status": 301, "headers": {"Location": "/rss/cu.xml"}},
            "trang chuyển hướng vòng quanh, không dẫn tới bài viết nào",
            id="redirect-loop",
        ),
        pytest.param({"status": 410}, "bài viết đã bị gỡ khỏi cổng thông tin (lỗi 410)", id="gone"),
        pytest.param(
            {"status": 500},
            "máy chủ cổng thông tin báo lỗi (thường chỉ là trục trặc tạm thời của cổng thông "
            "tin); bot tự thử lại khoảng 15 phút một lần, cán bộ không cần làm gì, tin mới sẽ "
            "được nhập khi cổng thông tin trả lời bình thường",
            id="server-error",
        ),
        pytest.param(
            {"status": 403}, "cổng thông tin từ chối cho bot đọc trang (lỗi 403)", id="forbidden"
        ),
        pytest.param(
            {"body": (FIXTURES / BHYT_PAGE).read_bytes()},
            "địa chỉ này là một trang web nhưng không phải trang danh sách tin tức hay nguồn tin "
            "RSS/Atom: PORTAL_FEEDS cần địa chỉ nguồn tin RSS của cổng thông tin (ở nút hoặc "
            "biểu tượng RSS trên trang tin tức) hoặc địa chỉ trang danh sách tin tức (chuyên mục "
            "tin)",
            id="an-article-page",
        ),
        pytest.param(
            {
                "body": "<html><head><title>Hệ thống đang bảo trì</title></head><body>"
                "<h1>Hệ thống đang bảo trì</h1><p>Mời quay lại sau ít phút.</p></body></html>"
            },
            "trang báo lỗi, đang bảo trì hoặc đòi đăng nhập (thường chỉ là trục trặc tạm thời của "
            "cổng thông tin); bot tự thử lại khoảng 15 phút một lần, cán bộ không cần làm gì, tin "
            "mới sẽ được nhập khi cổng thông tin trả lời bình thường",
            id="maintenance-page",
        ),
        *(
            pytest.param(
                {
                    "body": f"<html><head><title>{title}</title></head><body><h1>{title}</h1>"
                    f"<p>{text}</p></body></html>"
                },
                "cổng thông tin chặn bot bằng trang kiểm tra chống robot (captcha, tường lửa), "
                "không phải do địa chỉ sai; cần nhờ bộ phận kỹ thuật của cổng thông tin cho "
                "phép bot của phường (User-Agent có chữ wardbot) đọc trang",
                id=name,
            )
            for name, title, text in (
                ("a-browser-check", "Just a moment...", "Checking your browser before accessing"),
                (
                    "a-captcha",
                    "Xác minh bạn không phải là robot",
                    "Vui lòng nhập mã captcha để tiếp tục truy cập cổng thông tin.",
                ),
            )
        ),
    ],
)
async def test_admins_are_told_what_went_wrong_not_a_vague_failure(ward, portal, route, said):
    feed = portal.put("/rss/tin-tuc.xml", **({"body": b""} | route))
    portal.put("/rss/cu.xml", b"", status=301, headers={"Location": "/rss/tin-tuc.xml"})
    assert await failures_told(ward, feed) == [
        f"⚠️ Không nhập được tin từ cổng thông tin: {said}.\n{feed}"
    ]


@pytest.mark.parametrize(("minutes", "feed_every", "post_every"), [(20, 20, 30), (60, 60, 60)])
async def test_admins_read_how_often_the_bot_tries_a_failing_feed_and_post_again(
    ward, portal, minutes, feed_every, post_every
):
    # PORTAL_POLL_MINUTES: a feed is read again at each poll, a post every 30 minutes or
    # at each poll when polls are further apart; what comes in then: news, or the post.
    down = portal.put("/rss/thong-bao.xml", b"<h1>Internal Server Error</h1>", status=500)
    feed = serve_feed(portal)
    follower = FeedFollower(ward.settings(portal_feeds=(feed, down), portal_poll_minutes=minutes))
    told: list[tuple[list[str], str]] = []
    follower.on_failed = lambda sources, why: told.append((sources, why))
    portal.put("/tin-tuc/tong-ket-phong-trao-2019", b"<h1>Bad Gateway</h1>", status=502)
    await follower.poll()
    [of_feed] = [why for sources, why in told if any(down in line for line in sources)]
    [of_post] = [why for sources, why in told if any("tong-ket" in line for line in sources)]
    assert f"bot tự thử lại khoảng {feed_every} phút một lần" in of_feed
    assert f"bot tự thử lại khoảng {post_every} phút một lần" in of_post
    assert "tin mới sẽ được nhập" in of_feed and "bài sẽ được nhập" in of_post


async def test_admins_are_told_when_the_portals_https_is_refused_not_that_it_is_unreachable(
    ward, portal
):
    # A certificate expired, signed by itself or lacking its chain (a browser may still
    # open the portal), and a portal answering plain HTTP where HTTPS is asked.
    with FakePortal(self_signed=True) as refused:
        feeds = (refused.url("/rss/tin-tuc.xml"), serve_feed(portal).replace("http:", "https:"))
        failures = await failures_told(ward, *feeds)
    assert failures == [
        "⚠️ Không nhập được tin từ cổng thông tin: chứng chỉ bảo mật (HTTPS) của cổng thông "
        "tin không hợp lệ (hết hạn, tự cấp hoặc thiếu chứng chỉ trung gian), dù trình duyệt có "
        "thể vẫn mở được; cần báo bộ phận kỹ thuật của cổng thông tin.\n" + feeds[0],
        "⚠️ Không nhập được tin từ cổng thông tin: không lập được kết nối bảo mật (HTTPS) với "
        "cổng thông tin (máy chủ dùng cấu hình bảo mật cũ hoặc sai); cần báo bộ phận kỹ thuật "
        "của cổng thông tin.\n" + feeds[1],
    ]


async def test_a_failure_admins_were_told_of_is_not_told_again_after_a_restart(ward, portal):
    """The bot restarted (an update, a reboot) while an item and a feed still fail for the
    same reasons: admins heard of each once, and hear nothing new. A new reason is news."""
    feed = serve_feed(portal)
    del portal.routes["/tin-tuc/tong-ket-phong-trao-2019"]  # one item failing
    broken = portal.url("/rss/thong-bao.xml")  # a second feed, not there: 404
    settings = ward.settings(portal_feeds=(feed, broken))
    failures: list[str] = []

    def started() -> FeedFollower:
        return FeedFollower(settings, on_failed=lambda sources, why: failures.extend(sources))

    await started().poll()
    item = as_listed(portal.url("/tin-tuc/tong-ket-phong-trao-2019"))
    assert sorted(failures) == sorted([broken, item])
    told = list(failures)
    await started().poll(every_item=True)  # after a restart, the item tried again too
    assert failures == told
    # The item fails for another reason now: news.
    portal.put("/tin-tuc/tong-ket-phong-trao-2019", b"%PDF-1.4", "application/pdf")
    await started().poll(every_item=True)
    assert len(failures) == 3


async def test_a_feed_behind_a_password_is_asked_with_that_password_as_written(ward, portal):
    serve_feed(portal)
    feed = portal.url("/rss/tin-tuc.xml").replace("http://", "http://QuanTri:Mk-9F2x@")
    await FeedFollower(ward.settings(portal_feeds=(feed,))).poll()
    [asked] = portal.hits("/rss/tin-tuc.xml")
    assert (
        asked.headers["Authorization"] == "Basic " + base64.b64encode(b"QuanTri:Mk-9F2x").decode()
    )


async def test_a_feeds_password_and_key_are_in_no_log_nor_admin_message(ward, portal, caplog):
    base = portal.base.replace("http://", "http://quantri:Mk-9f2x@")
    feed = f"{base}/rss/tin-tuc.xml?catid=5&token=tk-8c1e77"  # not there: 404
    failures: list[str] = []
    follower = FeedFollower(
        ward.settings(portal_feeds=(feed,)),
        on_failed=lambda sources, why: failures.append(failed_note(sources, why)),
    )
    with caplog.at_level(logging.INFO, logger="wardbot"):  # (the bot keeps httpx quiet)
        await follower.poll()
    [failure] = failures
    shown = f"http://quantri:***@{portal.base.removeprefix('http://')}/rss/tin-tuc.xml"
    assert failure.endswith(f"{shown}?catid=5&token=***")  # still says which feed
    assert caplog.records and f"{shown}?catid=5&token=***" in caplog.text
    for secret in ("Mk-9f2x", "tk-8c1e77"):
        assert secret not in failure and secret not in caplog.text


async def test_a_feed_sending_to_its_www_address_is_followed_there(ward):
    """PORTAL_FEEDS names the portal without www.; it sends every request to www. (or back):
    the same portal, not a host outside it. (An in-memory portal: no network.)"""
    pages = {
        "/rss/tin-tuc.xml": (FIXTURES / "rss.xml").read_bytes(),
        "/tin-tuc/trao-the-bhyt-hoc-sinh": (FIXTURES / BHYT_PAGE).read_bytes(),
        "/tin-tuc/tong-ket-phong-trao-2019": (FIXTURES / OLD_PAGE).read_bytes(),
    }

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.host != "www.phuong5.example.vn":
            return httpx.Response(
                301, headers={"Location": str(request.url.copy_with(host="www.phuong5.example.vn"))}
            )
        return httpx.Response(
            200,
            content=pages[request.url.path],
            headers={
                "Content-Type": "text/html; charset=utf-8"
                if "tin-tuc/" in request.url.path
                else "application/rss+xml"
            },
        )

    failures: list[tuple[str, str]] = []
    follower = FeedFollower(
        ward.settings(portal_feeds=("https://phuong5.example.vn/rss/tin-tuc.xml",)),
        on_failed=lambda sources, why: failures.extend((source, why) for source in sources),
        fetcher=lambda hosts: portal_fetch.Fetcher(hosts, transport=httpx.MockTransport(answer)),
    )
    await follower.poll()
    assert failures == [] and len(ward.imported()) == 2


async def test_a_redirect_from_https_down_to_http_is_refused_and_admins_told_why(ward):
    """A portal sending its https feed to plain http (a page there can be altered on its
    way): not followed, admins told in Vietnamese. Its http feed sent to https is read.
    (An in-memory portal: no network.)"""
    pages = {
        "/rss/tin-tuc.xml": (FIXTURES / "rss.xml").read_bytes(),
        "/tin-tuc/trao-the-bhyt-hoc-sinh": (FIXTURES / BHYT_PAGE).read_bytes(),
        "/tin-tuc/tong-ket-phong-trao-2019": (FIXTURES / OLD_PAGE).read_bytes(),
    }
    asked: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        wanted = "http" if downgrading else "https"
        if request.url.scheme != wanted:
            return httpx.Response(
                301, headers={"Location": str(request.url.copy_with(scheme=wanted))}
            )
        return httpx.Response(
            200,
            content=pages[request.url.path],
            headers={
                "Content-Type": "text/html; charset=utf-8"
                if "tin-tuc/" in request.url.path
                else "application/rss+xml"
            },
        )

    async def told(feed: str) -> list[str]:
        failures: list[str] = []
        follower = FeedFollower(
            ward.settings(portal_feeds=(feed,)),
            on_failed=lambda sources, why: failures.append(failed_note(sources, why)),
            fetcher=lambda hosts: portal_fetch.Fetcher(
                hosts, transport=httpx.MockTransport(answer)
            ),
        )
        await follower.poll()
        return failures

    downgrading = True
    feed = "https://phuong5.example.vn/rss/tin-tuc.xml"
    assert await told(feed) == [
        "⚠️ Không nhập được tin từ cổng thông tin: trang chuyển từ địa chỉ bảo mật (https) "
        "sang địa chỉ không bảo mật (http); bot không đọc theo, vì nội dung có thể bị sửa "
        "trên đường truyền; cần báo bộ phận kỹ thuật của cổng thông tin.\n" + feed
    ]
    assert asked == [feed]  # the plain http address never asked
    assert ward.imported() == []

    downgrading = False
    assert await told("http://phuong5.example.vn/rss/tin-tuc.xml") == []
    assert len(ward.imported()) == 2


async def test_admins_are_told_when_the_portal_replaces_a_notice_staff_edited(ward, portal):
    page = portal.put("/tin-tuc/trao-the-bhyt-hoc-sinh", page_of_today())
    rss = (
        (FIXTURES / "rss.xml")
        .read_bytes()
        .replace(b"https://phuong5.example.vn/tin-tuc/trao-the-bhyt-hoc-sinh", page.encode())
    )
    feed = portal.put("/rss/tin-tuc.xml", rss, "application/rss+xml")
    told: list[str] = []

    async def on_replaced(title: str, notice: str, kept: str) -> None:
        told.append(replaced_note(WARD, title, notice, kept))

    follower = FeedFollower(
        ward.settings(portal_feeds=(feed,)),
        on_imported=lambda titles: told.append(imported_note(WARD, titles)),
        on_replaced=on_replaced,
    )
    await follower.poll()
    [name] = [n for n in ward.imported() if "bhyt" in n]
    path = ward.content / name
    assert told == [imported_note(WARD, [BHYT_TITLE])]
    # The portal edits the article once: no staff edit to replace, nothing to tell.
    portal.put(page.removeprefix(portal.base), page_of_today().replace(b"120 th", b"121 th"))
    portal.put(feed.removeprefix(portal.base), rss.replace(b"16:20:00", b"16:40:00"))
    await follower.poll()
    assert "121 thẻ" in path.read_text(encoding="utf-8") and len(told) == 1

    staff = path.read_text(encoding="utf-8") + "\nPhụ huynh mang theo căn cước khi nhận thẻ.\n"
    path.write_text(staff, encoding="utf-8")
    portal.put(page.removeprefix(portal.base), page_of_today().replace(b"120 th", b"125 th"))
    portal.put(feed.removeprefix(portal.base), rss.replace(b"16:20:00", b"17:00:00"))
    await follower.poll()
    assert "125 thẻ" in path.read_text(encoding="utf-8")
    [kept] = (ward.data / "portal-replaced").iterdir()
    assert kept.read_text(encoding="utf-8") == staff
    assert told[1:] == [
        f"✏️ Cổng thông tin của phường vừa sửa bài «{BHYT_TITLE}», nên tệp thông báo {path} "
        "(cán bộ đã chỉnh sửa trước đó) đã được thay bằng nội dung mới từ cổng thông tin.\n"
        f"Bản cán bộ đã sửa được lưu tại {kept}; nếu vẫn cần phần đã chỉnh, vui lòng sửa lại "
        "tệp thông báo."
    ]


@pytest.mark.parametrize(
    "bad_link",
    ["https://ubnd.example.vn:80a/tin-tuc/abc", "http://[ubnd.example.vn/tin-tuc/abc"],
    ids=["port-typo", "unclosed-bracket"],
)
async def test_one_malformed_item_link_does_not_hold_up_the_rest_of_the_feed(
    ward, portal, bad_link
):
    good = portal.put_fixture("/tin-tuc/trao-the-bhyt-hoc-sinh", BHYT_PAGE)
    rss = (FIXTURES / "rss.xml").read_text(encoding="utf-8")
    rss = rss.replace("https://phuong5.example.vn/tin-tuc/trao-the-bhyt-hoc-sinh", good)
    rss = rss.replace("https://phuong5.example.vn/tin-tuc/tong-ket-phong-trao-2019", bad_link)
    feed = portal.put("/rss/tin-tuc.xml", rss, "application/rss+xml")
    failures: list[str] = []
    follower = FeedFollower(
        ward.settings(portal_feeds=(feed,)),
        on_failed=lambda sources, why: failures.append(failed_note(sources, why)),
    )
    outcomes = await follower.poll()
    await follower.poll()
    assert ward.imported() == [
        "2024-03-12-phuong-5-trao-the-bhyt-cho-hoc-sinh-co-hoan-canh-kho-khan.md"
    ]
    assert [(o.source, o.action, o.why) for o in outcomes if o.failed] == [
        (bad_link, "failed", "a feed item's page link is not a valid web address")
    ]
    assert failures == [  # once, naming the item's link as the feed gives it
        "⚠️ Không nhập được tin từ cổng thông tin: một bài trong nguồn tin RSS/Atom có liên "
        f"kết sai.\n{as_listed(bad_link)}"
    ]


async def test_items_failing_alike_are_told_to_admins_in_one_message(ward, portal):
    # The portal refuses the bot its article pages, not its feed: one message, not one per
    # item (a feed lists up to 30), and one for another reason; each post named by the
    # title the feed gives it, as its address alone does not say which it is.
    items = []
    for number in range(1, 5):
        link = portal.put(f"/tin-tuc/{number}", b"", status=403 if number < 4 else 404)
        items.append(
            f"<item><title>Lịch tiêm chủng  tháng {number}</title><link>{link}</link>"
            f"<pubDate>Tue, 0{number} Oct 2024 08:00:00 +0700</pubDate></item>"
        )
    feed = portal.put(
        "/rss/tin-tuc.xml",
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Tin</title>{"".join(items)}'
        "</channel></rss>",
        "application/rss+xml",
    )
    assert await failures_told(ward, feed, polls=2) == [  # the feed's oldest item first
        "⚠️ Không nhập được 3 bài từ cổng thông tin: cổng thông tin từ chối cho bot đọc trang "
        f"(lỗi 403).\n«Lịch tiêm chủng tháng 1»: {portal.url('/tin-tuc/1')}\n"
        f"«Lịch tiêm chủng tháng 2»: {portal.url('/tin-tuc/2')}\n"
        f"«Lịch tiêm chủng tháng 3»: {portal.url('/tin-tuc/3')}",
        "⚠️ Không nhập được tin từ cổng thông tin: không tìm thấy trang (lỗi 404).\n"
        f"«Lịch tiêm chủng tháng 4»: {portal.url('/tin-tuc/4')}",
    ]


async def test_a_listed_post_failing_again_otherwise_is_named_by_the_lists_title(ward, portal):
    # A portal without RSS: the news list's title names the post whose page fails, and
    # still when the unchanged list's failing post is tried again and fails otherwise.
    day = dt.date(2026, 11, 10)
    title = "Thông báo lịch cắt điện khu phố 3 ngày 12/11"
    post = ("/tin-tuc/cat-dien-kp3", title, day)
    older = [
        (f"/tin-tuc/cu-{n}", f"Phường 5 ra quân tổng vệ sinh môi trường khu phố {n}", day)
        for n in (1, 2)
    ]
    for path, shown, _ in older:
        text = "<p>Ngày đăng: 01/11/2026</p><p>" + "Người dân cùng dọn vệ sinh đường phố. " * 4
        portal.put(path, with_content(shown, text + "</p>"))
    news_list = portal.put("/tin-tuc", news_list_page(older))
    clock = [1_800_000_000.0]
    failures: list[str] = []
    follower = FeedFollower(
        ward.settings(portal_feeds=(news_list,)),
        today=lambda: day,
        clock=lambda: clock[0],
        on_failed=lambda sources, why: failures.append(failed_note(sources, why)),
    )
    await follower.poll()  # the list's first read
    portal.put(post[0], b"", status=403)
    portal.put("/tin-tuc", news_list_page([post, *older]))
    await follower.poll()
    portal.put(post[0], b"", status=404)
    clock[0] += 86_400  # due again, the list unchanged
    await follower.poll()
    named = f"«{title}»: {portal.url(post[0])}"
    assert failures == [
        f"⚠️ Không nhập được tin từ cổng thông tin: cổng thông tin từ chối cho bot đọc trang "
        f"(lỗi 403).\n{named}",
        f"⚠️ Không nhập được tin từ cổng thông tin: không tìm thấy trang (lỗi 404).\n{named}",
    ]


async def test_a_feed_trickling_in_its_headers_is_given_up_at_the_deadline(ward, portal):
    # Each header byte comes within the read timeout; the whole answer takes seconds of
    # (real) time, and many more on the fetcher's clock, which ticks a second a look.
    serve_feed(portal)
    feed = portal.put_fixture("/rss/tin-tuc.xml", "rss.xml", "application/rss+xml", trickle=True)
    ticks = itertools.count()
    failures: list[str] = []
    follower = FeedFollower(
        ward.settings(portal_feeds=(feed,)),
        on_failed=lambda sources, why: failures.append(failed_note(sources, why)),
        fetcher=lambda hosts: portal_fetch.Fetcher(hosts, deadline=30, clock=lambda: next(ticks)),
    )
    [outcome] = await follower.poll()
    assert (outcome.source, outcome.why) == (feed, "timed out (no complete answer in 30 s)")
    assert failures == [
        "⚠️ Không nhập được tin từ cổng thông tin: trang không trả lời kịp (thường chỉ là trục "
        "trặc tạm thời của cổng thông tin); bot tự thử lại khoảng 15 phút một lần, cán bộ không "
        f"cần làm gì, tin mới sẽ được nhập khi cổng thông tin trả lời bình thường.\n{feed}"
    ]
    assert ward.imported() == []


async def test_the_follower_fetches_nothing_outside_the_feeds_hosts(ward, portal):
    port = portal.base.rsplit(":", 1)[1]
    rss = (FIXTURES / "rss.xml").read_bytes()
    # One item on the portal, one elsewhere (localhost is not 127.0.0.1, the feed's host).
    rss = rss.replace(
        b"https://phuong5.example.vn/tin-tuc/tong-ket",
        f"http://localhost:{port}/tin-tuc/tong-ket".encode(),
    )
    serve_feed(portal)
    feed = portal.put("/rss/tin-tuc.xml", rss, "application/rss+xml")
    failures: list[tuple[str, str]] = []
    follower = FeedFollower(
        ward.settings(portal_feeds=(feed,)),
        on_failed=lambda sources, why: failures.extend((source, why) for source in sources),
    )
    outcomes = await follower.poll()
    assert [o.action for o in outcomes] == ["failed", "new"]
    assert outcomes[0].why == "host localhost is not one of the portal's (PORTAL_FEEDS)"
    assert failures == [
        (
            as_listed(f"http://localhost:{port}/tin-tuc/tong-ket-phong-trao-2019"),
            "địa chỉ không thuộc cổng thông tin đã cấu hình",
        )
    ]
    assert portal.hits("/tin-tuc/tong-ket-phong-trao-2019") == []


async def test_a_feed_failing_poll_after_poll_makes_the_follower_unhealthy_until_it_answers(
    ward, portal
):
    broken = portal.url("/rss/thong-bao.xml")  # not there: 404
    polls = Polls()
    follower = FeedFollower(
        ward.settings(portal_feeds=(broken, serve_feed(portal))), wait=polls.wait
    )
    stop = asyncio.Event()
    running = asyncio.create_task(follower.run(stop))
    await polls.finished()
    for _ in range(FAILING_POLLS - 1):  # a moment of the portal's is not an outage
        assert follower.healthy()
        await polls.again()
    assert not follower.healthy()
    assert follower.status() == {"feeds": 2, "failing": 1, "withdrawn": 0}
    portal.put_fixture("/rss/thong-bao.xml", "rss.xml", "application/rss+xml")
    await polls.again()
    assert follower.healthy() and follower.status() == {"feeds": 2, "failing": 0, "withdrawn": 0}
    stop.set()
    await polls.let_go()
    await asyncio.wait_for(running, 10)
    assert not follower.healthy()  # stopped


async def test_a_feed_failing_before_a_restart_is_unhealthy_at_its_first_poll_failing(ward, portal):
    broken = portal.url("/rss/thong-bao.xml")  # not there: 404
    settings = ward.settings(portal_feeds=(broken, serve_feed(portal)))
    before = FeedFollower(settings)
    for _ in range(FAILING_POLLS):
        await before.poll()
    assert before.status() == {"feeds": 2, "failing": 1, "withdrawn": 0}

    # The bot restarts (a deployment): the portal is still down, and /healthz says so.
    polls = Polls()
    after = FeedFollower(settings, wait=polls.wait)
    stop = asyncio.Event()
    running = asyncio.create_task(after.run(stop))
    await polls.finished()
    assert not after.healthy() and after.status() == {"feeds": 2, "failing": 1, "withdrawn": 0}
    portal.put_fixture("/rss/thong-bao.xml", "rss.xml", "application/rss+xml")
    await polls.again()
    assert after.healthy()
    stop.set()
    await polls.let_go()
    await asyncio.wait_for(running, 10)


async def test_a_feed_item_that_keeps_failing_is_fetched_less_and_less_often(ward, portal):
    """A feed listing a PDF: the feed is asked "changed since?" (and answers 304), the PDF
    is fetched less and less often, at least once a day, and admins hear of it once."""
    pdf = "/tin-tuc/ke-hoach-2019"
    feed_text = (FIXTURES / "rss.xml").read_text(encoding="utf-8")
    feed_text = feed_text.replace("/tin-tuc/tong-ket-phong-trao-2019", pdf)
    portal.put_fixture("/tin-tuc/trao-the-bhyt-hoc-sinh", BHYT_PAGE)
    portal.put(pdf, b"%PDF-1.4 " + b"x" * 200_000, "application/pdf")
    feed = portal.put("/rss/tin-tuc.xml", feed_text, "application/rss+xml")
    now = [1_800_000_000.0]
    failures: list[str] = []
    follower = FeedFollower(
        ward.settings(portal_feeds=(feed,)),
        on_failed=lambda sources, why: failures.extend(f"{source}: {why}" for source in sources),
        clock=lambda: now[0],
    )
    fetched_at: list[float] = []
    for _ in range(2 * 24 * 4):  # two days of polls, every 15 minutes
        asked = len(portal.hits(pdf))
        await follower.poll()
        if len(portal.hits(pdf)) > asked:
            fetched_at.append(now[0])
        now[0] += 15 * 60
    assert len(ward.imported()) == 1  # the article; the PDF is no notice
    assert failures == [
        f"{as_listed(portal.url(pdf))}: bài đăng chỉ là một tệp PDF, không có trang bài viết để bot đọc "
        "nội dung; nếu cần, cán bộ tự soạn thông báo trong thư mục content/"
    ]
    assert 3 <= len(fetched_at) <= 12  # not 192 times
    gaps = [later - earlier for earlier, later in itertools.pairwise(fetched_at)]
    assert gaps == sorted(gaps) and max(gaps) <= 24 * 3600
    # The feed itself is asked "changed since?" and answers 304, which counts as answering.
    later = portal.hits("/rss/tin-tuc.xml")[1:]
    assert later and all(
        r.headers["If-None-Match"] == portal.routes["/rss/tin-tuc.xml"].etag for r in later
    )
    assert follower.failing_feeds() == 0
    # The portal puts the article there and shows the item with a new date: read at once.
    portal.put_fixture(pdf, OLD_PAGE)
    portal.put("/rss/tin-tuc.xml", feed_text.replace("09:00:00 +0700", "09:30:00 +0700"))
    await follower.poll()
    assert len(ward.imported()) == 2 and len(failures) == 1


async def test_an_item_failing_while_the_portal_is_down_is_imported_soon_after_it_is_back(
    ward, portal
):
    # The feed (cached) answers; the article's page gets a server error for 12 hours.
    serve_feed(portal)
    page = "/tin-tuc/trao-the-bhyt-hoc-sinh"
    portal.put(page, b"<h1>503 Service Unavailable</h1>", status=503)
    now = [1_800_000_000.0]
    failures: list[str] = []
    follower = FeedFollower(
        ward.settings(portal_feeds=(portal.url("/rss/tin-tuc.xml"),)),
        on_failed=lambda sources, why: failures.extend(sources),
        clock=lambda: now[0],
    )
    fetched_at: list[float] = []
    for _ in range(12 * 4):  # every 15 minutes
        asked = len(portal.hits(page))
        await follower.poll()
        if len(portal.hits(page)) > asked:
            fetched_at.append(now[0])
        now[0] += 15 * 60
    assert failures == [as_listed(portal.url(page), BHYT_TITLE)]  # told once
    gaps = [later - earlier for earlier, later in itertools.pairwise(fetched_at)]
    assert 12 <= len(fetched_at) <= 30 and max(gaps) <= portal_retry.RETRY_AFTER
    # The portal is back: the article comes within half an hour, not hours later.
    portal.put_fixture(page, BHYT_PAGE)
    back = now[0]
    while len(ward.imported()) < 2 and now[0] - back <= portal_retry.RETRY_AFTER:
        await follower.poll()
        now[0] += 15 * 60
    assert len(ward.imported()) == 2


async def test_an_admins_reload_tries_a_backed_off_item_at_once(ward, portal):
    """An item backed off for hours is tried at once by an admin's /reload (staff fixed
    the portal and want it now); the interval's polls keep waiting for it."""
    pdf = "/tin-tuc/ke-hoach-2019"
    feed_text = (FIXTURES / "rss.xml").read_text(encoding="utf-8")
    feed_text = feed_text.replace("/tin-tuc/tong-ket-phong-trao-2019", pdf)
    portal.put_fixture("/tin-tuc/trao-the-bhyt-hoc-sinh", BHYT_PAGE)
    portal.put(pdf, b"%PDF-1.4 " + b"x" * 2_000, "application/pdf")
    feed = portal.put("/rss/tin-tuc.xml", feed_text, "application/rss+xml")
    now = [1_800_000_000.0]
    follower = FeedFollower(ward.settings(portal_feeds=(feed,)), clock=lambda: now[0])
    for _ in range(3):  # failed 3 times in an hour: next tried an hour after the third
        await follower.poll()
        now[0] += 30 * 60
    portal.put_fixture(pdf, OLD_PAGE)  # staff put the article there, the feed unchanged
    asked = len(portal.hits(pdf))
    await follower.poll()
    assert len(portal.hits(pdf)) == asked  # not due yet
    await follower.poll(every_item=True)
    assert len(portal.hits(pdf)) == asked + 1
    assert len(ward.imported()) == 2


async def test_reload_by_an_admin_tries_the_failing_items_of_the_running_bots_feed(ward, portal):
    pdf = "/tin-tuc/ke-hoach-2019"
    feed_text = (FIXTURES / "rss.xml").read_text(encoding="utf-8")
    feed_text = feed_text.replace("/tin-tuc/tong-ket-phong-trao-2019", pdf)
    portal.put_fixture("/tin-tuc/trao-the-bhyt-hoc-sinh", BHYT_PAGE)
    portal.put(pdf, b"%PDF-1.4 " + b"x" * 2_000, "application/pdf")
    feed = portal.put("/rss/tin-tuc.xml", feed_text, "application/rss+xml")
    async with FakeBotApi() as telegram:
        settings = bot_settings(
            ward.settings(
                portal_feeds=(feed,), semantic=False, admin_ids=frozenset({"telegram:5"})
            ),
            telegram,
        )
        async with running_app(settings):
            await reload_by_admin(telegram, 5)  # the start's poll, then this: failed twice
            asked = len(portal.hits(pdf))  # next due in 30 minutes
            await reload_by_admin(telegram, 5)
            assert len(portal.hits(pdf)) == asked + 1


async def test_a_feed_items_page_failing_does_not_make_the_portal_unhealthy(ward, portal):
    """An item's page gone (404) is that notice's problem, reported to admins; the feed
    itself is read."""
    feed = serve_feed(portal)
    del portal.routes["/tin-tuc/tong-ket-phong-trao-2019"]
    polls = Polls()
    failures: list[str] = []
    follower = FeedFollower(
        ward.settings(portal_feeds=(feed,)),
        wait=polls.wait,
        on_failed=lambda sources, why: failures.extend(sources),
    )
    stop = asyncio.Event()
    running = asyncio.create_task(follower.run(stop))
    await polls.finished()
    for _ in range(FAILING_POLLS):
        await polls.again()
    assert follower.healthy()
    assert failures == [as_listed(portal.url("/tin-tuc/tong-ket-phong-trao-2019"))]
    stop.set()
    await polls.let_go()
    await asyncio.wait_for(running, 10)


def followed_by_a_bot(ward: Ward, feed: str, telegram: FakeBotApi) -> Settings:
    """A running bot's settings: on Telegram, following `feed`, with admin 5."""
    ward_settings = ward.settings(
        portal_feeds=(feed,), semantic=False, admin_ids=frozenset({"telegram:5"})
    )
    return bot_settings(ward_settings, telegram)


async def reload_by_admin(telegram: FakeBotApi, admin: int) -> None:
    """An admin's /reload, once answered: its poll is over. (The note telling admins the
    feed fails goes to the same chat, at its own time: it is no answer to /reload.)"""
    mark = len(telegram.calls)
    telegram.send_text(admin, "/reload")
    await telegram.wait_until(
        lambda: any(c.text.startswith("Đã nạp lại") for c in telegram.sent(admin, since=mark)),
        within=60,
    )


async def test_healthz_says_the_portal_is_down_while_its_feed_cannot_be_read(ward, portal):
    """`bot.py run` with PORTAL_FEEDS unreachable: /healthz tells the truth (without the
    feed's address), and is well again once the feed answers."""
    feed = portal.url("/rss/tin-tuc.xml")  # not there yet: 404
    async with FakeBotApi() as telegram:
        settings = followed_by_a_bot(ward, feed, telegram)
        async with running_app(settings) as base, httpx.AsyncClient(base_url=base) as client:
            for _ in range(FAILING_POLLS - 1):  # the poll at the start, then each /reload
                await reload_by_admin(telegram, 5)

            async def healthz() -> dict:
                response = await client.get("/healthz")
                return {"code": response.status_code, **response.json()}

            for _ in range(3000):  # the start's poll may still be going: up to a minute
                body = await healthz()
                if not body["checks"]["portal"]:
                    break
                await asyncio.sleep(0.02)
            assert body["code"] == 503 and body["checks"]["portal"] is False
            assert body["portal"] == {"feeds": 1, "failing": 1, "withdrawn": 0}
            assert "127.0.0.1" not in json.dumps(body)
            serve_feed(portal)
            await reload_by_admin(telegram, 5)
            body = await healthz()
            assert body["code"] == 200 and body["checks"]["portal"] is True
            assert body["portal"] == {"feeds": 1, "failing": 0, "withdrawn": 0}


# ------------------------------------------------------------------------ configuration


def test_portal_settings_come_from_the_environment():
    settings = Settings.from_env(
        {
            "PORTAL_FEEDS": "https://phuong5.example.vn/rss.xml, http://ubnd.example.vn/feed",
            "PORTAL_POLL_MINUTES": "30",
        }
    )
    assert settings.portal_feeds == (
        "https://phuong5.example.vn/rss.xml",
        "http://ubnd.example.vn/feed",
    )
    assert settings.portal_poll_minutes == 30
    assert (Settings.from_env({}).portal_feeds, Settings.from_env({}).portal_poll_minutes) == (
        (),
        15,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"PORTAL_FEEDS": "phuong5.example.vn/rss.xml"},
            "PORTAL_FEEDS chưa đúng: “phuong5.example.vn/rss.xml” phải là địa chỉ web "
            r"\(http:// hoặc https://\) của một nguồn tin RSS hoặc một trang danh sách tin",
        ),
        ({"PORTAL_POLL_MINUTES": "15 phút"}, "PORTAL_POLL_MINUTES chưa đúng: phải là số phút"),
        ({"PORTAL_POLL_MINUTES": "0"}, "PORTAL_POLL_MINUTES chưa đúng: phải là số phút từ 1 trở"),
    ],
)
def test_bad_portal_settings_are_refused_with_a_clear_message(env, message):
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)


def test_a_posted_line_of_sixteen_words_still_dates_the_article():
    """A meta line naming the author and the source is not prose (up to 16 words)."""
    from wardbot.portal_extract import posted_date

    line = "Ngày đăng: 01/08/2024 | Người viết: Nguyễn Văn An | Nguồn: Văn phòng UBND phường 5"
    assert len(line.split()) == 16
    assert posted_date([line], dt.date(2024, 9, 1)) == dt.date(2024, 8, 1)


# ----------------------------------------------------------------- articles withdrawn


def power_cut(day: dt.date, street: str) -> str:
    """A notice posted on `day` about `street`, built like the fixture's page."""
    return with_content(
        f"Thông báo tạm ngừng cấp điện đường {street}",
        f'<p class="date">Ngày đăng: {day:%d/%m/%Y}</p><p>Điện lực thành phố tạm ngừng cung '
        f"cấp điện trên đường {street}, Phường 5 để bảo trì lưới điện từ 7 giờ đến 11 giờ "
        "sáng thứ Bảy tuần này.</p>",
    )


def rss_of(portal: FakePortal, items: list[tuple[str, dt.date]]) -> str:
    """The feed listing `items` (path, day), newest first."""
    listed = "".join(
        f"<item><title>{path}</title><link>{portal.url(path)}</link><pubDate>"
        f"{email.utils.format_datetime(dt.datetime(day.year, day.month, day.day, 8))}"
        "</pubDate></item>"
        for path, day in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Tin</title>{listed}</channel></rss>'


async def test_an_article_the_ward_removed_from_its_portal_is_no_longer_a_notice(ward, portal):
    today = dt.date(2026, 11, 30)
    streets = {
        "/tin-tuc/le-loi": (today, "Lê Lợi"),
        "/tin-tuc/tran-hung-dao": (today - dt.timedelta(days=1), "Trần Hưng Đạo"),
        "/tin-tuc/hai-ba-trung": (today - dt.timedelta(days=2), "Hai Bà Trưng"),
        "/tin-tuc/nguyen-trai": (today - dt.timedelta(days=20), "Nguyễn Trãi"),
    }
    for path, (day, street) in streets.items():
        portal.put(path, power_cut(day, street))
    listed = [(path, day) for path, (day, _) in streets.items()]
    feed = portal.put("/rss/tin-tuc.xml", rss_of(portal, listed), "application/rss+xml")
    told: list[str] = []
    now = [1_800_000_000.0]
    follower = FeedFollower(
        ward.settings(portal_feeds=(feed,)),
        on_withdrawn=lambda titles: told.extend(titles),
        on_failed=lambda sources, why: told.append(why),
        today=lambda: today,
        clock=lambda: now[0],
    )
    await follower.poll()
    files = {path: ward.content / str(record["file"]) for path, record in imported_records(ward)}
    assert all(file.exists() for file in files.values()) and len(files) == 4

    # The ward deletes one notice (404), withdraws another (410), and a third answers a
    # server error for now; all three leave the feed, the oldest one ages out of it.
    portal.put("/tin-tuc/tran-hung-dao", b"Not Found", status=404)
    portal.put("/tin-tuc/le-loi", b"Gone", status=410)
    portal.put("/tin-tuc/hai-ba-trung", b"Bad Gateway", status=502)
    portal.put("/rss/tin-tuc.xml", rss_of(portal, [listed[3]]), "application/rss+xml")
    now[0] += 3600
    asked = len(portal.hits("/tin-tuc/nguyen-trai"))
    await follower.poll()
    assert not files["/tin-tuc/tran-hung-dao"].exists() and not files["/tin-tuc/le-loi"].exists()
    assert files["/tin-tuc/hai-ba-trung"].exists()  # a server error removes nothing
    assert files["/tin-tuc/nguyen-trai"].exists()
    assert len(portal.hits("/tin-tuc/nguyen-trai")) == asked  # still listed: not re-read
    kept = ward.data / "portal-withdrawn"
    assert sorted(p.name for p in kept.iterdir()) == sorted(
        files[p].name for p in ("/tin-tuc/le-loi", "/tin-tuc/tran-hung-dao")
    )
    assert sorted(told) == [
        "Thông báo tạm ngừng cấp điện đường Lê Lợi",
        "Thông báo tạm ngừng cấp điện đường Trần Hưng Đạo",
    ]
    assert follower.status() == {"feeds": 1, "failing": 0, "withdrawn": 2}
    # The server is back and lists it again: nothing more is removed, nor told.
    now[0] += 3600
    portal.put("/tin-tuc/hai-ba-trung", power_cut(*streets["/tin-tuc/hai-ba-trung"]))
    portal.put("/rss/tin-tuc.xml", rss_of(portal, [listed[2], listed[3]]), "application/rss+xml")
    await follower.poll()
    assert files["/tin-tuc/hai-ba-trung"].exists() and len(told) == 2


async def test_a_portal_down_or_answering_404_for_its_feed_removes_no_notice(ward, portal):
    today = dt.date(2026, 11, 30)
    portal.put("/tin-tuc/le-loi", power_cut(today, "Lê Lợi"))
    listed = [("/tin-tuc/le-loi", today)]
    feed = portal.put("/rss/tin-tuc.xml", rss_of(portal, listed), "application/rss+xml")
    follower = FeedFollower(ward.settings(portal_feeds=(feed,)), today=lambda: today)
    await follower.poll()
    [name] = ward.imported()
    # The whole site answers 404 (a web server up while the portal's software is not).
    portal.routes.clear()
    await follower.poll()
    assert ward.imported() == [name] and follower.status()["withdrawn"] == 0


def imported_records(ward: Ward) -> list[tuple[str, dict]]:
    """(path on the portal, record) of each article the import log holds with a file."""
    book = json.loads((ward.data / "portal-imports.json").read_text(encoding="utf-8"))
    return [
        (re.sub(r"^https?://[^/]+", "", url), record)
        for url, record in book["articles"].items()
        if record.get("file")
    ]


def test_a_page_imported_by_hand_and_then_removed_is_withdrawn_until_it_is_back(
    ward, portal, capsys
):
    page = portal.put_fixture("/tin-tuc/trao-the-bhyt", BHYT_PAGE)
    assert run_import(ward, capsys, page)[0] == 0
    [name] = ward.imported()
    portal.put("/tin-tuc/trao-the-bhyt", b"Not Found", status=404)
    code, out, _ = run_import(ward, capsys, page, dry_run=True)
    assert code == 0 and out.startswith(f"would withdraw {ward.content / name}: {BHYT_TITLE}")
    assert ward.imported() == [name]
    code, out, _ = run_import(ward, capsys, page)
    assert code == 0 and out.startswith(f"withdrew {ward.content / name}: {BHYT_TITLE}")
    assert ward.imported() == [] and (ward.data / "portal-withdrawn" / name).exists()
    # The ward puts the article back: it is a notice again, under its name.
    portal.put_fixture("/tin-tuc/trao-the-bhyt", BHYT_PAGE)
    code, out, _ = run_import(ward, capsys, page)
    assert code == 0 and "(back on the portal)" in out and ward.imported() == [name]


# ------------------------------------------------------- a portal with no RSS, its news list

NEWS_LIST = (FIXTURES / "tin-tuc-danh-muc.html").read_text(encoding="utf-8")
LISTED = {  # the fixture list's articles: path -> (title, day)
    "/tin-tuc/trao-the-bhyt": (BHYT_TITLE, dt.date(2024, 3, 12)),
    "/tin-tuc/ra-quan-ve-sinh-moi-truong": (
        "Phường 5 ra quân tổng vệ sinh môi trường",
        dt.date(2024, 3, 11),
    ),
    "/tin-tuc/hoi-nghi-dan-chu-co-so": (
        "Hội nghị triển khai quy chế dân chủ ở cơ sở",
        dt.date(2024, 3, 8),
    ),
}


def article(title: str, day: dt.date) -> str:
    return with_content(
        title,
        f'<p class="date">Ngày đăng: {day:%d/%m/%Y}</p><p>{title}: UBND Phường 5 thông báo '
        "tới toàn thể nhân dân trên địa bàn phường được biết và cùng thực hiện.</p>",
    )


def news_list_with(*added: tuple[str, str]) -> str:
    """The fixture's news list with articles (path, title) added at its top."""
    items = "".join(f'<li><a href="{path}">{title}</a></li>' for path, title in added)
    return NEWS_LIST.replace('<ul class="news-list">', f'<ul class="news-list">{items}')


def serve_news_list(portal: FakePortal) -> str:
    for path, (title, day) in LISTED.items():
        portal.put(path, article(title, day))
    for path in ("/", "/gioi-thieu", "/lien-he"):
        portal.put(path, article("Cổng thông tin điện tử Phường 5 giới thiệu", dt.date(2024, 1, 2)))
    return portal.put("/tin-tuc", NEWS_LIST)


async def test_a_portal_with_only_a_news_list_page_has_its_articles_followed(ward, portal):
    news_list = serve_news_list(portal)
    today = dt.date(2026, 11, 30)
    imported: list[str] = []
    failures: list[str] = []
    now = [1_800_000_000.0]
    follower = FeedFollower(
        ward.settings(portal_feeds=(news_list,)),
        on_imported=imported.extend,
        on_failed=lambda sources, why: failures.append(why),
        today=lambda: today,
        clock=lambda: now[0],
    )
    await follower.poll()
    assert sorted(imported) == sorted(title for title, _ in LISTED.values())
    assert len(ward.imported()) == 3 and failures == []
    # Neither the menu, the site's root nor the list's other pages were read.
    asked = {request.path for request in portal.requests}
    assert asked == {"/tin-tuc", *LISTED}

    # The list unchanged: one short request ("changed since?"), nothing else.
    before = len(portal.requests)
    await follower.poll()
    assert [(r.path, "If-None-Match" in r.headers) for r in portal.requests[before:]] == [
        ("/tin-tuc", True)
    ]
    # The ward posts an article: it is imported, and the articles known are not read again.
    new_title = "Thông báo lịch tiếp công dân của Chủ tịch UBND Phường 5 tháng 12"
    portal.put("/tin-tuc/lich-tiep-cong-dan", article(new_title, today))
    portal.put("/tin-tuc", news_list_with(("/tin-tuc/lich-tiep-cong-dan", new_title)))
    now[0] += 900
    before = len(portal.requests)
    await follower.poll()
    assert imported[3:] == [new_title] and failures == []
    assert [r.path for r in portal.requests[before:]] == ["/tin-tuc", "/tin-tuc/lich-tiep-cong-dan"]
    # The ward deletes the new article, and it leaves the list: its notice is withdrawn.
    [removed] = [n for n in ward.imported() if n.startswith("2026-11-30")]
    portal.put("/tin-tuc/lich-tiep-cong-dan", b"Not Found", status=404)
    portal.put("/tin-tuc", NEWS_LIST)
    now[0] += 3600
    await follower.poll()
    assert removed not in ward.imported() and len(ward.imported()) == 3
    assert follower.status() == {"feeds": 1, "failing": 0, "withdrawn": 1}


async def test_a_news_list_has_at_most_so_many_new_pages_read_a_poll(ward, portal):
    news_list = serve_news_list(portal)
    follower = FeedFollower(ward.settings(portal_feeds=(news_list,)))
    await follower.poll()  # the first read: every article listed
    assert len(ward.imported()) == 3
    added = []
    for number in range(portal_import.NEW_PAGES_PER_POLL + 2):
        title = f"Phường 5 thông báo kế hoạch số {number} về công tác phòng cháy chữa cháy"
        portal.put(f"/tin-tuc/ke-hoach-{number}", article(title, dt.date.today()))
        added.append((f"/tin-tuc/ke-hoach-{number}", title))
    portal.put("/tin-tuc", news_list_with(*added))
    await follower.poll()
    assert len(ward.imported()) == 3 + portal_import.NEW_PAGES_PER_POLL
    await follower.poll()  # the list has not changed since: the rest are read all the same
    assert len(ward.imported()) == 3 + len(added)
    before = len(portal.requests)
    await follower.poll()
    assert [r.path for r in portal.requests[before:]] == ["/tin-tuc"]


def test_the_fetcher_leaves_a_pause_between_two_requests(portal):
    portal.put("/a", "<html><body>a</body></html>")
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    with portal_fetch.Fetcher(
        ["127.0.0.1"], interval=1.0, clock=lambda: now[0], sleep=sleep
    ) as fetcher:
        fetcher.get(portal.url("/a"))
        now[0] += 0.25
        fetcher.get(portal.url("/a"))
        now[0] += 5
        fetcher.get(portal.url("/a"))
    assert slept == [0.75]


def test_an_article_withdrawn_at_its_old_address_then_met_at_its_new_one_is_one_notice(
    ward, portal, capsys
):
    # The title corrected, the article moved; its old address was read first (404).
    asyncio.run(follow(ward, "bhyt"))
    page = page_of_today()
    old = portal.put("/tin-tuc/phuong-5-trao-the-bhyt-cho-hoc-sinh", page)
    assert run_import(ward, capsys, old)[0] == 0
    [name] = ward.imported()
    title = f"{BHYT_TITLE} năm 2024"
    edited = page.replace(BHYT_TITLE.encode(), title.encode()).replace(b"120 th", b"125 th")
    new = portal.put("/tin-tuc/phuong-5-trao-the-bhyt-cho-hoc-sinh-nam-2024", edited)
    del portal.routes[old.removeprefix(portal.base)]
    assert run_import(ward, capsys, old)[1].startswith("withdrew")
    code, out, _ = run_import(ward, capsys, new)
    assert code == 0 and f"updated {ward.content / name}" in out and "no new alert" in out
    assert ward.imported() == [name] and ward.notice(name).title == title
    assert asyncio.run(alerts_waiting(ward)) == 1


async def test_admins_are_told_where_a_feed_sends_the_bot_off_the_portal(ward, portal):
    # The ward merged: its old portal sends every page to the new ward's portal.
    port = portal.base.rsplit(":", 1)[1]
    moved = f"http://localhost:{port}/rss/tin-tuc.xml"
    feed = portal.put("/rss/tin-tuc.xml", b"", status=301, headers={"Location": moved})
    assert await failures_told(ward, feed) == [
        "⚠️ Không nhập được tin từ cổng thông tin: trang chuyển sang localhost, ngoài cổng "
        "thông tin đã cấu hình (nếu đó là địa chỉ mới của cổng thông tin, cần sửa "
        f"PORTAL_FEEDS).\n{feed}"
    ]


async def test_only_recent_articles_no_longer_listed_are_read_again(ward, portal):
    # A list pinning an old notice at its top: what it dropped since is not all read again.
    today = dt.date(2026, 11, 30)
    streets = {
        "/tin-tuc/ghim": (today - dt.timedelta(days=400), "Lý Thường Kiệt"),
        "/tin-tuc/le-loi": (today - dt.timedelta(days=3), "Lê Lợi"),
        "/tin-tuc/tran-phu": (today - dt.timedelta(days=40), "Trần Phú"),
    }
    for path, (day, street) in streets.items():
        portal.put(path, power_cut(day, street))
    pinned = ("/tin-tuc/ghim", streets["/tin-tuc/ghim"][0])
    listed = [(path, day) for path, (day, _) in streets.items()]
    feed = portal.put("/rss/tin-tuc.xml", rss_of(portal, listed), "application/rss+xml")
    now = [1_800_000_000.0]
    follower = FeedFollower(
        ward.settings(portal_feeds=(feed,)), today=lambda: today, clock=lambda: now[0]
    )
    await follower.poll()
    assert len(ward.imported()) == 3
    portal.put("/tin-tuc/le-loi", b"Not Found", status=404)
    portal.put("/rss/tin-tuc.xml", rss_of(portal, [pinned]), "application/rss+xml")
    now[0] += 3600
    asked = len(portal.hits("/tin-tuc/tran-phu"))
    await follower.poll()
    assert len(portal.hits("/tin-tuc/tran-phu")) == asked  # 40 days old: not read again
    assert len(ward.imported()) == 2 and follower.status()["withdrawn"] == 1


async def test_a_news_lists_links_to_pages_that_are_no_articles_are_not_told_to_admins(
    ward, portal
):
    # Beside its news, the list links to a category and a page about the ward (no date).
    serve_news_list(portal)
    category = "Văn bản chỉ đạo điều hành của Ủy ban nhân dân phường"
    about = "Giới thiệu chung về lịch sử hình thành Phường 5"
    portal.put_fixture("/van-ban", "tin-tuc-danh-muc.html")
    portal.put("/gioi-thieu-chung", with_content(about, f"<p>{about}: {'nội dung ' * 30}</p>"))
    news_list = portal.put(
        "/tin-tuc", news_list_with(("/van-ban", category), ("/gioi-thieu-chung", about))
    )
    failures: list[str] = []
    now = [1_800_000_000.0]
    follower = FeedFollower(
        ward.settings(portal_feeds=(news_list,)),
        on_failed=lambda sources, why: failures.extend(sources),
        clock=lambda: now[0],
    )
    await follower.poll()
    assert len(ward.imported()) == 3 and failures == []
    # Nor are they read at every poll.
    portal.put("/tin-tuc", news_list_with(("/gioi-thieu-chung", about), ("/van-ban", category)))
    now[0] += 900
    asked = len(portal.hits("/van-ban"))
    await follower.poll()
    assert failures == [] and len(portal.hits("/van-ban")) == asked + 1  # tried once more
    # Then less and less often; nor do they hold up the news: the list's new articles are
    # read, however many such links it has.
    added = []
    for number in range(portal_import.NEW_PAGES_PER_POLL):
        title = f"Trang giới thiệu số {number} về các đơn vị của Phường 5"
        portal.put(f"/gioi-thieu-{number}", with_content(title, f"<p>{'nội dung ' * 30}</p>"))
        added.append((f"/gioi-thieu-{number}", title))
    portal.put("/tin-tuc", news_list_with(*added, ("/van-ban", category)))
    now[0] += 900
    await follower.poll()
    assert len(portal.hits("/van-ban")) == asked + 1 and failures == []
    new_title = "Thông báo lịch tiếp công dân của Chủ tịch UBND Phường 5 tháng 12"
    portal.put("/tin-tuc/lich-tiep-cong-dan", article(new_title, dt.date.today()))
    portal.put("/tin-tuc", news_list_with(("/tin-tuc/lich-tiep-cong-dan", new_title), *added))
    now[0] += 900
    await follower.poll()
    assert len(ward.imported()) == 4 and failures == []


async def test_admins_of_the_running_bot_hear_of_a_notice_withdrawn(ward, portal):
    today = dt.date.today()
    for path, street in (("/tin-tuc/le-loi", "Lê Lợi"), ("/tin-tuc/tran-phu", "Trần Phú")):
        portal.put(path, power_cut(today, street))
    listed = [("/tin-tuc/le-loi", today), ("/tin-tuc/tran-phu", today - dt.timedelta(days=1))]
    feed = portal.put("/rss/tin-tuc.xml", rss_of(portal, listed), "application/rss+xml")
    async with FakeBotApi() as telegram:
        settings = followed_by_a_bot(ward, feed, telegram)
        async with running_app(settings) as base, httpx.AsyncClient(base_url=base) as client:
            await reload_by_admin(telegram, 5)
            assert len(ward.imported()) == 2
            question = "tạm ngừng cấp điện đường Lê Lợi"
            (answer,) = await telegram.say(901, question)
            assert "Lê Lợi" in answer.text  # the notice answers
            portal.put("/tin-tuc/le-loi", b"Gone", status=410)
            portal.put("/rss/tin-tuc.xml", rss_of(portal, listed[1:]), "application/rss+xml")
            await reload_by_admin(telegram, 5)
            await telegram.wait_until(
                lambda: any(
                    c.text.startswith(
                        "🗑️ Cổng thông tin của phường đã gỡ bài «Thông báo tạm "
                        "ngừng cấp điện đường Lê Lợi»"
                    )
                    for c in telegram.sent(5)
                ),
                within=30,
            )
            assert len(ward.imported()) == 1
            (answer,) = await telegram.say(901, question)  # no longer, nor is it offered
            assert "Lê Lợi" not in json.dumps(answer.params, ensure_ascii=False)
            body = (await client.get("/healthz")).json()
            assert body["portal"] == {"feeds": 1, "failing": 0, "withdrawn": 1}


async def test_a_feed_whose_first_read_failed_alerts_nobody_of_the_news_it_already_had(
    ward, portal
):
    # Staff add the feed while the portal is down: its first read fails; once the portal is
    # back, the news it already had is imported quietly all the same.
    await follow(ward, "bhyt")
    feed = portal.put("/rss/tin-tuc.xml", b"Service Unavailable", status=503)
    settings = ward.settings(portal_feeds=(feed,))
    async with await Store.open(ward.data / "bot.sqlite3") as store:
        follower = FeedFollower(settings, note_quietly=store.note_quietly)
        await follower.poll()
        await follower.poll()
        portal.put("/tin-tuc/bhyt", page_of_today())
        today = [("/tin-tuc/bhyt", dt.date.today())]
        portal.put("/rss/tin-tuc.xml", rss_of(portal, today), "application/rss+xml")
        await follower.poll()
        assert len(ward.imported()) == 1
        assert await alerted(settings) == {}
        # What the portal publishes afterwards is news (another post: one under the same
        # title the same day, a number changed, beside the first, would be its correction).
        other = page_of_today().replace(b"120 th", b"125 th")
        other = other.replace("có hoàn cảnh khó khăn".encode(), "vùng ngập lụt".encode())
        portal.put("/tin-tuc/bhyt-2", other)
        listed = [("/tin-tuc/bhyt-2", dt.date.today()), *today]
        portal.put("/rss/tin-tuc.xml", rss_of(portal, listed), "application/rss+xml")
        await follower.poll()
    assert len(ward.imported()) == 2 and len(await alerted(settings)) == 1


def test_importing_a_news_list_page_imports_the_articles_it_lists(ward, portal, capsys):
    """A portal with no RSS: `bot.py import` of its news list imports each article it
    links to (all of them, not a poll's share), as a feed's items, and nothing else."""
    news_list = serve_news_list(portal)
    more = [
        (f"/tin-tuc/thong-bao-so-{n}", f"Thông báo số {n} của UBND Phường 5 về tổ dân phố")
        for n in range(1, portal_import.NEW_PAGES_PER_POLL + 1)
    ]
    for number, (path, title) in enumerate(more, start=1):
        portal.put(path, article(title, dt.date(2024, 3, 12 + number)))
    portal.put("/tin-tuc", news_list_with(*more))
    code, out, _ = run_import(ward, capsys, news_list, dry_run=True)
    assert (
        code == 0 and ward.imported() == [] and out.count("would write") == len(LISTED) + len(more)
    )
    code, out, err = run_import(ward, capsys, news_list)
    assert (code, err) == (0, "") and len(ward.imported()) == len(LISTED) + len(more)
    titles = {ward.notice(name).title for name in ward.imported()}
    assert titles == {title for title, _ in LISTED.values()} | {title for _, title in more}
    # Neither the menu nor the site's root were read; the list's next page was (its first
    # held nothing but news), and it is not there: what the first lists is imported.
    asked = {"/tin-tuc", "/tin-tuc?page=2", *LISTED, *(p for p, _ in more)}
    assert {r.path for r in portal.requests} == asked
    # Again: nothing new.
    code, out, err = run_import(ward, capsys, news_list)
    assert (code, err) == (0, "") and "imported " not in out and "updated " not in out
    assert len(ward.imported()) == len(LISTED) + len(more)


def test_a_data_folder_that_is_a_file_is_named_so(ward, portal, capsys):
    """`--data` naming a file: the import said to fix or remove a portal-imports.json
    that is not there."""
    ward.data.write_text("not a folder", encoding="utf-8")
    page = portal.put_fixture("/tin-tuc/trao-the-bhyt", BHYT_PAGE)
    code, _, err = run_import(ward, capsys, page)
    assert code == 1 and ward.imported() == []
    assert err.splitlines()[0] == (
        f"{page}: the data folder {ward.data} is a file, not a folder: name a folder as "
        "DATA_DIR (or --data)"
    )


@pytest.mark.parametrize(
    "typed", ["http://[phuong5.example.vn/tin-tuc", "https://phuong5.example.vn:80a/tin-tuc"]
)
def test_a_mistyped_web_address_is_named_so_in_one_line(ward, capsys, typed):
    """A bracket or a port mistyped: `bot.py import` ended on a ValueError traceback (or
    looked for a file of that name)."""
    code, _, err = run_import(ward, capsys, typed, "https://phuong5.example.vn:80a/tin-tuc")
    assert code == 1 and ward.imported() == []
    assert err.splitlines()[0] == f"{typed}: not a valid web address"
    assert "Traceback" not in err


def test_importing_a_page_that_is_neither_an_article_nor_a_news_list_fails(ward, portal, capsys):
    menu = portal.put("/so-do-trang", "<html><body><p>Sơ đồ trang</p></body></html>")
    code, _, err = run_import(ward, capsys, menu)
    assert code == 1 and ward.imported() == []
    assert err.startswith(f"{menu}: the article has no title\n")


NEWS_TITLE = "Phường 5 tổ chức ra quân tổng vệ sinh môi trường"


@pytest.mark.parametrize(
    ("page", "listed"),
    [
        pytest.param(
            '<header class="site-header"><a href="/gioi-thieu">Giới thiệu về Ủy ban nhân '
            'dân Phường 5</a></header><nav><a href="/thu-tuc">Thủ tục hành chính cấp phường '
            'năm 2024</a></nav><main><article class="post"><a href="/tin/ra-quan/"><img '
            f'src="/a.jpg"></a><h2 class="entry-title"><a href="/tin/ra-quan/">{NEWS_TITLE}'
            '</a></h2></article></main><aside class="widget-area"><a href="/tin/cu">Tin xem '
            'nhiều nhất trong tháng của phường</a></aside><div class="site-footer"><a '
            'href="/lien-he">Liên hệ với Ủy ban nhân dân phường</a></div>',
            ["/tin/ra-quan/"],
            id="wordpress",
        ),
        pytest.param(
            '<div id="ctl00_mainmenu"><ul class="dropdown-menu"><li><a href="/Pages/gt.aspx">'
            'Giới thiệu chung về phường năm 2024</a></li></ul></div><div class="news"><a '
            f'href="/Pages/tin-tuc.aspx?ItemID=12" title="{NEWS_TITLE}">Xem</a> <a '
            f'href="tin-tuc.aspx?ItemID=13">{NEWS_TITLE} đợt 2</a></div><div class="paging">'
            '<a href="/Pages/tin-tuc.aspx?Page=2">2</a></div>',
            ["/Pages/tin-tuc.aspx?ItemID=12", "/Pages/tin-tuc.aspx?ItemID=13"],
            id="sharepoint-items-by-query",
        ),
        pytest.param(
            f'<div class="news-item"><div class="news-header"><a href="/tin/1">{NEWS_TITLE}'
            '</a></div></div><div class="news-item"><a href="/files/ke-hoach.pdf">Kế hoạch '
            'tổ chức ra quân tổng vệ sinh</a> <a href="https://baochinhphu.vn/tin">Chính phủ '
            'chỉ đạo tổ chức ra quân tổng vệ sinh</a> <a href="#top">Lên đầu trang của '
            'cổng thông tin</a> <a href="/">Cổng thông tin điện tử Phường 5</a></div>',
            ["/tin/1"],
            id="not-files-other-sites-anchors-or-the-root",
        ),
    ],
)
def test_a_news_lists_articles_are_its_title_links_outside_the_sites_furniture(page, listed):
    from wardbot.portal_listing import listed_articles

    base = "https://phuong5.example.vn"
    found = listed_articles(f"<html><body>{page}</body></html>", f"{base}/Pages/tin-tuc.aspx")
    assert [item.url.removeprefix(base) for item in found] == listed


def test_a_removed_article_whose_notice_staff_broke_is_withdrawn_all_the_same(ward, portal, capsys):
    page = portal.put_fixture("/tin-tuc/trao-the-bhyt", BHYT_PAGE)
    assert run_import(ward, capsys, page)[0] == 0
    [name] = ward.imported()
    (ward.content / name).write_text("---\ntitle: [\n---\n", encoding="utf-8")  # a slip
    portal.put("/tin-tuc/trao-the-bhyt", b"Gone", status=410)
    code, out, _ = run_import(ward, capsys, page)
    assert code == 0 and out.startswith(f"withdrew {ward.content / name}: {name[:-3]}")
    assert ward.imported() == [] and (ward.data / "portal-withdrawn" / name).exists()


async def test_a_news_lists_link_to_no_article_tried_again_while_the_list_is_unchanged_is_not_told(
    ward, portal
):
    # The list links to a page about the ward (no date): skipped without a word to admins,
    # also when it is tried again at a poll where the list itself answers "not modified".
    serve_news_list(portal)
    about = "Giới thiệu chung về lịch sử hình thành Phường 5"
    portal.put("/gioi-thieu-chung", with_content(about, f"<p>{about}: {'nội dung ' * 30}</p>"))
    news_list = portal.put("/tin-tuc", news_list_with(("/gioi-thieu-chung", about)))
    failures: list[str] = []
    now = [1_800_000_000.0]
    follower = FeedFollower(
        ward.settings(portal_feeds=(news_list,)),
        on_failed=lambda sources, why: failures.append(why),
        clock=lambda: now[0],
    )
    await follower.poll()
    assert len(ward.imported()) == 3 and failures == []
    asked = len(portal.hits("/gioi-thieu-chung"))
    now[0] += 900
    outcomes = await follower.poll()
    assert len(portal.hits("/gioi-thieu-chung")) == asked + 1  # tried again, the list unchanged
    assert failures == [], failures
    assert [o.action for o in outcomes] == [portal_outcome.SKIPPED]


@dataclass
class LayoutChanged:
    """A followed news list whose articles (the old ones included) read with no date
    after three polls: what admins were told, and how to put the portal right."""

    news_list: str
    follower: FeedFollower
    failures: list[tuple[list[str], str]]
    recovered: list[str]
    now: list[float]
    added: list[tuple[str, str]]

    async def poll(self, *, every_item: bool = False) -> None:
        self.now[0] += 900
        await self.follower.poll(every_item=every_item)

    def put_right(self, portal: FakePortal) -> None:
        for path, (title, day) in LISTED.items():
            portal.put(path, article(title, day))
        for path, title in self.added:
            portal.put(path, article(title, dt.date.today()))


async def layout_changed(ward: Ward, portal: FakePortal) -> LayoutChanged:
    news_list = serve_news_list(portal)
    failures: list[tuple[list[str], str]] = []
    recovered: list[str] = []
    now = [1_800_000_000.0]
    follower = FeedFollower(
        ward.settings(portal_feeds=(news_list,)),
        on_failed=lambda sources, why: failures.append((sources, why)),
        on_recovered=recovered.extend,
        clock=lambda: now[0],
    )
    follower._running = True  # (as `run` has it: /healthz's view)
    await follower.poll()
    assert len(ward.imported()) == 3 and failures == []

    # The portal's new software shows its articles otherwise: the bot finds no date on any
    # page, the old articles' included.
    def undated(title: str) -> str:
        return with_content(
            title, f"<p>{title}: {'UBND Phường 5 thông báo tới nhân dân. ' * 8}</p>"
        )

    for path, (title, _) in LISTED.items():
        portal.put(path, undated(title))
    added = []
    for number in (1, 2):
        title = f"Phường 5 thông báo lịch tiêm chủng mở rộng đợt {number} năm 2026"
        portal.put(f"/tin-tuc/tiem-chung-{number}", undated(title))
        added.append((f"/tin-tuc/tiem-chung-{number}", title))
    portal.put("/tin-tuc", news_list_with(*added))
    changed = LayoutChanged(news_list, follower, failures, recovered, now, added)
    for _ in range(3):
        await changed.poll()
    return changed


async def test_a_news_list_whose_articles_no_longer_read_is_told_to_admins_as_a_layout_change(
    ward, portal
):
    # Its new articles must not be skipped in silence.
    changed = await layout_changed(ward, portal)
    assert len(changed.failures) == 1, changed.failures  # told once
    [(sources, why)] = changed.failures
    assert sources == [changed.news_list] and "giao diện" in why
    follower = changed.follower
    assert not follower.healthy() and follower.status()["failing"] == 1
    assert len(ward.imported()) == 3  # (the undated pages are no notices)
    # The portal is put right: the articles are imported, admins hear it reads again.
    changed.put_right(portal)
    await changed.poll(every_item=True)
    assert len(ward.imported()) == 5 and changed.recovered == [changed.news_list]
    assert follower.healthy()


async def test_a_news_list_read_again_behind_a_captcha_on_its_articles_is_not_told_as_working(
    ward, portal
):
    # The portal changed its article layout (admins told), then put a bot check in front of
    # its articles. The list itself reads: admins must not be told news is imported as
    # usual while every article is refused; once articles read, they are.
    changed = await layout_changed(ward, portal)
    failures = changed.failures
    assert len(failures) == 1 and "giao diện" in failures[0][1]
    for path in [*LISTED, *(path for path, _ in changed.added)]:
        portal.put(path, CAPTCHA_PAGE)
    await changed.poll(every_item=True)
    assert len(failures) == 2 and failures[1][1].startswith("cổng thông tin chặn bot"), failures
    assert changed.recovered == []  # not "✅ đã đọc được trở lại" beside the captcha's warning

    changed.put_right(portal)
    await changed.poll(every_item=True)
    assert changed.recovered == [changed.news_list] and len(ward.imported()) == 5


# A bot check's page: no text to extract, only its title says what it is.
CAPTCHA_PAGE = (
    "<html><head><title>Xác minh bạn không phải là robot</title></head><body>"
    '<form><img src="/captcha.png"><input name="captcha"></form></body></html>'
)


def test_a_captcha_in_place_of_an_article_is_the_portals_moment_not_the_articles():
    with pytest.raises(portal_extract.NotAnArticle) as refused:
        portal_extract.extract_article(CAPTCHA_PAGE, today=dt.date(2026, 11, 30))
    assert portal_outcome.passing(refused.value.why)  # tried again soon, as for a 503
    assert reason_vi(refused.value.why).startswith("cổng thông tin chặn bot")


async def test_an_item_failing_at_a_feeds_first_read_alerts_nobody_once_it_is_read(ward, portal):
    # Staff add the portal's feed; its server, asked the backlog's pages one after the
    # other, answers 503 for a recent one. Read at the next poll, that article is no news.
    await follow(ward, "bhyt")
    today = dt.date.today()

    def feed_of(*numbers: int) -> str:
        items = "".join(
            f"<item><title>Tin {number}</title><link>{portal.base}/tin-tuc/{number}</link>"
            f"<pubDate>{today:%a, %d %b %Y} 0{number}:00:00 +0700</pubDate></item>"
            for number in numbers
        )
        return f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'

    bhyt = (
        (FIXTURES / BHYT_PAGE).read_text(encoding="utf-8").replace("12/3/2024", dmy(today).decode())
    )

    def page(number: int) -> str:
        return bhyt.replace(BHYT_TITLE, f"{BHYT_TITLE} đợt {number}").replace(
            "120 thẻ", f"{100 + number} thẻ"
        )

    for number in (1, 3):
        portal.put(f"/tin-tuc/{number}", page(number))
    portal.put("/tin-tuc/2", b"Service Unavailable", status=503)
    feed = portal.put("/rss/tin-tuc.xml", feed_of(2, 1), "application/rss+xml")
    settings = ward.settings(portal_feeds=(feed,))
    async with await Store.open(ward.data / "bot.sqlite3") as store:
        follower = FeedFollower(settings, note_quietly=store.note_quietly)  # as the bot has it
        await follower.poll()
        assert len(ward.imported()) == 1
        assert await alerted(settings) == {}  # (the running bot indexes what comes)
        portal.put("/tin-tuc/2", page(2))
        await follower.poll()
        assert len(ward.imported()) == 2
        assert await alerted(settings) == {}
        # What the portal publishes afterwards is news.
        portal.put("/rss/tin-tuc.xml", feed_of(3, 2, 1), "application/rss+xml")
        await follower.poll()
    [new] = [n for n in ward.imported() if n.endswith("-dot-3.md")]
    assert await alerted(settings) == {new.removesuffix(".md"): 1}


async def test_an_import_log_that_cannot_be_read_is_named_to_admins_not_blamed_on_the_portal(
    ward, portal
):
    feed = serve_feed(portal)
    ward.data.mkdir(parents=True, exist_ok=True)
    (ward.data / "portal-imports.json").write_text('{"articles": {', encoding="utf-8")
    [told] = await failures_told(ward, feed)
    assert told.startswith(
        "⚠️ Không nhập được tin từ cổng thông tin: tệp data/portal-imports.json (bot ghi nhớ "
        "các bài đã nhập) bị hỏng"
    ), told
    assert ward.imported() == []


async def test_an_article_removed_behind_a_not_found_page_or_a_redirect_home_is_withdrawn(
    ward, portal
):
    # Many portals answer 200 for an article taken down: their "not found" page, or their
    # home page after a redirect. Gone from the feed too, it is no notice any more; a
    # maintenance page, or an article moved to another address, withdraws nothing.
    today = dt.date(2026, 11, 30)
    streets = {
        "/tin-tuc/le-loi": (today, "Lê Lợi"),
        "/tin-tuc/tran-hung-dao": (today - dt.timedelta(days=1), "Trần Hưng Đạo"),
        "/tin-tuc/hai-ba-trung": (today - dt.timedelta(days=2), "Hai Bà Trưng"),
        "/tin-tuc/pasteur": (today - dt.timedelta(days=3), "Pasteur"),
        "/tin-tuc/nguyen-trai": (today - dt.timedelta(days=20), "Nguyễn Trãi"),
    }
    for path, (day, street) in streets.items():
        portal.put(path, power_cut(day, street))
    portal.put("/", NEWS_LIST)
    listed = [(path, day) for path, (day, _) in streets.items()]
    feed = portal.put("/rss/tin-tuc.xml", rss_of(portal, listed), "application/rss+xml")
    withdrawn: list[str] = []
    now = [1_800_000_000.0]
    follower = FeedFollower(
        ward.settings(portal_feeds=(feed,)),
        on_withdrawn=withdrawn.extend,
        today=lambda: today,
        clock=lambda: now[0],
    )
    await follower.poll()
    files = {path: ward.content / str(record["file"]) for path, record in imported_records(ward)}
    assert len(files) == 5

    def page_titled(title: str) -> str:
        return (
            f'<html><head><meta charset="utf-8"><title>{title}</title></head><body>'
            f"<h1>{title}</h1><p>Xin vui lòng quay lại trang chủ.</p></body></html>"
        )

    portal.put("/tin-tuc/le-loi", page_titled("Bài viết không tồn tại"))
    portal.put("/tin-tuc/tran-hung-dao", b"", status=302, headers={"Location": "/"})
    portal.put("/tin-tuc/hai-ba-trung", page_titled("Hệ thống đang bảo trì"))
    portal.put("/tin-tuc/pasteur-moi", power_cut(streets["/tin-tuc/pasteur"][0], "Pasteur"))
    portal.put("/tin-tuc/pasteur", b"", status=301, headers={"Location": "/tin-tuc/pasteur-moi"})
    portal.put("/rss/tin-tuc.xml", rss_of(portal, [listed[4]]), "application/rss+xml")
    now[0] += 3600
    await follower.poll()
    assert sorted(withdrawn) == [
        "Thông báo tạm ngừng cấp điện đường Lê Lợi",
        "Thông báo tạm ngừng cấp điện đường Trần Hưng Đạo",
    ]
    assert not files["/tin-tuc/le-loi"].exists() and not files["/tin-tuc/tran-hung-dao"].exists()
    assert files["/tin-tuc/hai-ba-trung"].exists() and files["/tin-tuc/pasteur"].exists()


async def test_a_portal_refusing_the_bot_every_article_but_not_its_feed_is_unhealthy(ward, portal):
    # The portal's firewall lets its RSS through (a cache serves it) but refuses the bot
    # every article: nothing can be imported, and /healthz must not say all is well.
    feed = serve_feed(portal)
    for path in ("/tin-tuc/trao-the-bhyt-hoc-sinh", "/tin-tuc/tong-ket-phong-trao-2019"):
        portal.put(path, b"Forbidden", status=403)
    failures: list[str] = []
    now = [1_800_000_000.0]
    follower = FeedFollower(
        ward.settings(portal_feeds=(feed,)),
        on_failed=lambda sources, why: failures.append(why),
        clock=lambda: now[0],
    )
    follower._running = True  # (as `run` has it: /healthz's view)
    for _ in range(8):  # two hours of polls: the pages are tried less and less often
        await follower.poll()
        now[0] += 900
    assert not follower.healthy() and follower.status()["failing"] == 1
    assert failures == ["cổng thông tin từ chối cho bot đọc trang (lỗi 403)"]  # told once
    serve_feed(portal)  # let through again
    await follower.poll(every_item=True)  # an admin's /reload
    assert follower.healthy() and len(ward.imported()) == 2


@pytest.mark.parametrize(
    ("content_type", "said"),
    [
        pytest.param("application/pdf", "tệp PDF", id="pdf"),
        pytest.param("image/jpeg", "tệp ảnh", id="image"),
    ],
)
async def test_a_feed_item_that_is_only_a_file_is_told_to_admins_as_such(
    ward, portal, content_type, said
):
    feed = serve_feed(portal)
    item = portal.put("/tin-tuc/tong-ket-phong-trao-2019", b"%PDF-1.4 ...", content_type)
    [told] = await failures_told(ward, feed)
    assert told == (
        f"⚠️ Không nhập được tin từ cổng thông tin: bài đăng chỉ là một {said}, không có trang "
        "bài viết để bot đọc nội dung; nếu cần, cán bộ tự soạn thông báo trong thư mục "
        f"content/.\n{as_listed(item)}"
    )


async def test_a_news_list_that_no_longer_lists_its_news_is_told_as_a_layout_change(ward, portal):
    news_list = serve_news_list(portal)
    failures: list[str] = []
    follower = FeedFollower(
        ward.settings(portal_feeds=(news_list,)),
        on_failed=lambda sources, why: failures.append(why),
    )
    await follower.poll()
    assert len(ward.imported()) == 3 and failures == []
    # The portal's new software fills its list in by JavaScript: the page the bot reads
    # shows no list. The address staff gave was right: they must not be told otherwise.
    portal.put(
        "/tin-tuc",
        '<html><head><meta charset="utf-8"><title>Tin tức - Sự kiện</title></head><body>'
        '<nav><a href="/">Trang chủ</a><a href="/gioi-thieu">Giới thiệu</a></nav>'
        '<div id="app"></div><script src="/app.js"></script></body></html>',
    )
    await follower.poll()
    assert failures == [
        "trang danh sách tin bot vẫn đọc trước đây nay không còn hiện danh sách tin nào (có "
        "thể cổng thông tin đã đổi giao diện, hoặc trang chỉ hiện tin bằng JavaScript); cần "
        "báo người phụ trách kỹ thuật của bot"
    ]


# --------------------------------------- a news list's dates, its order and its other pages


def dated_in_list_only(title: str) -> str:
    """An article page showing no date at all (the portal dates it in its list only)."""
    return with_content(
        title, f"<p>{title}: UBND Phường 5 thông báo tới toàn thể nhân dân được biết.</p>"
    )


SUBJECTS = [  # news unlike one another: (title, its text)
    ("Phường 5 tổ chức tiêm chủng mở rộng cho trẻ em", "Trạm y tế tiêm vắc xin sởi cho trẻ."),
    ("Lịch cắt điện khu phố 3 để bảo trì lưới điện", "Điện lực cắt điện từ 7 giờ đến 11 giờ."),
    ("Thông báo thu phí vệ sinh môi trường quý IV", "Tổ thu phí đến từng hộ gia đình."),
    ("Hội nghị đối thoại giữa Chủ tịch UBND phường với nhân dân", "Mời đại diện các hộ dự."),
    ("Kế hoạch tổng vệ sinh kênh rạch trên địa bàn phường", "Đoàn viên thanh niên ra quân."),
    ("Tuyển chọn công dân nhập ngũ năm 2027 của Phường 5", "Thanh niên khám sức khỏe."),
    ("Hướng dẫn đăng ký tài khoản định danh điện tử mức 2", "Công an phường hỗ trợ tại nhà."),
    ("Phát động phong trào hiến máu tình nguyện đợt hai", "Đăng ký tại nhà văn hóa."),
    ("Trao học bổng cho học sinh nghèo vượt khó học giỏi", "Hội khuyến học trao quà."),
    ("Tập huấn phòng cháy chữa cháy cho các hộ kinh doanh", "Cảnh sát PCCC hướng dẫn."),
]


def news(portal: FakePortal, days: list[dt.date]) -> list[tuple[str, str, dt.date]]:
    """Articles unlike one another, dated in the list only, served: (path, title, day)."""
    entries = []
    for number, day in enumerate(days):
        title, text = SUBJECTS[number]
        portal.put(f"/tin-tuc/tin-{number}", with_content(title, f"<p>{title}. {text}</p>"))
        entries.append((f"/tin-tuc/tin-{number}", title, day))
    return entries


def news_list_page(entries: list[tuple[str, str, dt.date]], paging: str = "") -> str:
    """The fixture's news list with other entries (path, title, day), each showing its
    day under its title, and other links to the list's pages."""
    items = "".join(
        f'<div class="news-item"><h3><a href="{path}">{title}</a></h3>'
        f'<span class="news-date">{day:%d/%m/%Y}</span></div>'
        for path, title, day in entries
    )
    start = NEWS_LIST.index('<ul class="news-list">')
    end = NEWS_LIST.index("</ul>", start) + 5
    page = NEWS_LIST[:start] + items + NEWS_LIST[end:]
    start = page.index('<div class="paging">')
    return page[:start] + paging + page[page.index("</div>", start) + 6 :]


def test_a_news_lists_articles_undated_on_their_pages_take_the_day_the_list_shows(ward, portal):
    today = dt.date(2026, 11, 30)
    entries = [
        ("/tin-tuc/cat-dien", "Lịch cắt điện khu phố 3 ngày 02/12/2026 để bảo trì lưới", today),
        (
            "/tin-tuc/tiem-chung",
            "Phường 5 tổ chức tiêm chủng mở rộng cho trẻ em",
            dt.date(2026, 11, 27),
        ),
    ]
    for path, title, _ in entries:
        portal.put(path, dated_in_list_only(title))
    news_list = portal.put("/tin-tuc", news_list_page(entries))
    failures: list[str] = []
    follower = FeedFollower(
        ward.settings(portal_feeds=(news_list,)),
        on_failed=lambda sources, why: failures.append(why),
        today=lambda: today,
    )
    asyncio.run(follower.poll())
    # Each by the day beside it in the list: not its title's day (the power cut's), not
    # "no publication date".
    assert ward.imported() == [
        "2026-11-27-phuong-5-to-chuc-tiem-chung-mo-rong-cho-tre-em.md",
        "2026-11-30-lich-cat-dien-khu-pho-3-ngay-02-12-2026-de-bao-tri-luoi.md",
    ]
    assert failures == []


@pytest.mark.parametrize(
    "entry, day",
    [
        pytest.param(
            '<li><a href="/a">{t}</a> (12/03/2024)</li>', dt.date(2024, 3, 12), id="beside"
        ),
        pytest.param(
            '<tr><td><a href="/a">{t}</a></td><td>12-03-2024</td></tr>',
            dt.date(2024, 3, 12),
            id="row",
        ),
        pytest.param(
            '<div><time datetime="2024-03-12T08:00:00+07:00">Thứ Ba</time><a href="/a">{t}</a>'
            "</div>",
            dt.date(2024, 3, 12),
            id="time",
        ),
        pytest.param(
            '<li><a href="/a">{t}</a><span>2 giờ trước</span></li>', dt.date(2026, 11, 30), id="ago"
        ),
        pytest.param(
            '<li><a href="/a">{t}</a><p>Sáng ngày 10/3/2024, UBND phường đã tổ chức buổi lễ trao '
            "thẻ bảo hiểm y tế cho các em học sinh có hoàn cảnh khó khăn trên địa bàn.</p></li>",
            None,
            id="teaser-prose",
        ),
        pytest.param('<li><a href="/a">{t} ngày 15/03/2024</a></li>', None, id="title"),
    ],
)
def test_the_day_a_news_list_shows_beside_an_article_is_read_not_its_title_or_teaser(entry, day):
    from wardbot.portal_listing import listed_articles

    title = "Phường 5 trao thẻ bảo hiểm y tế cho học sinh"
    other = entry.replace('"/a"', '"/b"').replace("{t}", "Phường 5 ra quân tổng vệ sinh môi trường")
    tag = "table" if "<tr>" in entry else "div"
    page = f"<html><body><{tag}>{entry.format(t=title)}{other}</{tag}></body></html>"
    found = listed_articles(page, "https://phuong5.gov.vn/tin-tuc", today=dt.date(2026, 11, 30))
    assert [(item.url, item.day) for item in found] == [
        ("https://phuong5.gov.vn/a", day),
        ("https://phuong5.gov.vn/b", day),
    ]


def test_a_news_list_listing_oldest_first_has_its_newest_imported(ward, portal, monkeypatch):
    monkeypatch.setattr(portal_items, "MAX_FEED_ITEMS", 3)  # of 5 articles: the 3 newest
    today = dt.date(2026, 11, 30)
    entries = news(portal, [today - dt.timedelta(days=4 - number) for number in range(5)])
    news_list = portal.put("/tin-tuc", news_list_page(entries))
    asyncio.run(FeedFollower(ward.settings(portal_feeds=(news_list,)), today=lambda: today).poll())
    assert [name[:10] for name in ward.imported()] == ["2026-11-28", "2026-11-29", "2026-11-30"]


def paging(*pages: tuple[str, str]) -> str:
    """A news list's links to its pages: (words, address)."""
    return '<div class="paging">' + " ".join(f'<a href="{p}">{w}</a>' for w, p in pages) + "</div>"


def listed_news(portal: FakePortal, pages: int) -> tuple[list[tuple[str, str, dt.date]], str, str]:
    """The fixture's listed articles served, on a news list linking `pages` pages: those
    articles (path, title, day), the list's paging links, and its address."""
    old = [(path, title, day) for path, (title, day) in LISTED.items()]
    for path, title, day in old:
        portal.put(path, article(title, day))
    links = paging(*((str(n), f"/tin-tuc?page={n}") for n in range(1, pages + 1)))
    return old, links, portal.put("/tin-tuc", news_list_page(old, links))


def serve_pages(
    portal: FakePortal, pages: list[list[tuple[str, str, dt.date]]], links: str
) -> None:
    """The news list's pages now show these entries: the first at /tin-tuc, then ?page=2..."""
    portal.put("/tin-tuc", news_list_page(pages[0], links))
    for number, entries in enumerate(pages[1:], start=2):
        portal.put(f"/tin-tuc?page={number}", news_list_page(entries, links))


async def test_a_news_list_oldest_first_over_pages_has_its_news_read_from_its_last_page(
    ward, portal
):
    # Page 1 shows the oldest articles and never changes: news is added to the last page.
    today = dt.date(2026, 11, 30)
    entries = news(portal, [today - dt.timedelta(days=10 - number) for number in range(8)])
    links = paging(("1", "/tin-tuc"), ("2", "/tin-tuc?page=2"), ("3", "/tin-tuc?page=3"))
    news_list = portal.put("/tin-tuc", news_list_page(entries[:3], links))
    portal.put("/tin-tuc?page=2", news_list_page(entries[3:6], links))
    portal.put("/tin-tuc?page=3", news_list_page(entries[6:7], links))
    imported: list[str] = []
    follower = FeedFollower(
        ward.settings(portal_feeds=(news_list,)), on_imported=imported.extend, today=lambda: today
    )
    await follower.poll()
    assert entries[6][1] in imported  # the newest, alone on the last page
    # The ward posts an article: it lands on the last page.
    portal.put("/tin-tuc?page=3", news_list_page(entries[6:8], links))
    before = len(imported)
    await follower.poll()
    assert imported[before:] == [entries[7][1]]
    assert (
        f"{entries[7][2]}-phat-dong-phong-trao-hien-mau-tinh-nguyen-dot-hai.md" in ward.imported()
    )
    await follower.poll()  # nothing new: nothing imported twice
    assert len(imported) == before + 1 and len(ward.imported()) == len(set(ward.imported()))


async def test_a_news_list_with_more_news_than_its_first_page_shows_has_it_all_read(ward, portal):
    # The bot was stopped a day: seven articles were posted, page 1 shows three of them.
    today = dt.date(2026, 11, 30)
    old, links, news_list = listed_news(portal, 6)
    imported: list[str] = []
    follower = FeedFollower(
        ward.settings(portal_feeds=(news_list,)), on_imported=imported.extend, today=lambda: today
    )
    await follower.poll()
    assert len(imported) == 3
    new = news(portal, [today] * 7)  # newest first
    pages = [(new + old)[start : start + 3] for start in range(0, 10, 3)]
    serve_pages(portal, pages, links)
    await follower.poll()
    assert sorted(imported[3:]) == sorted(title for _, title, _ in new)
    # Page 3 lists an article imported before: page 4 is not read.
    assert portal.hits("/tin-tuc?page=3") and not portal.hits("/tin-tuc?page=4")
    await follower.poll()
    assert len(imported) == 10 and len(ward.imported()) == 10


async def test_a_news_list_pinning_an_old_notice_has_the_news_of_its_next_pages_read(ward, portal):
    # The list keeps an old notice pinned at its top; the bot was stopped while seven
    # articles were posted: page 1 shows the pinned one and three of them.
    today = dt.date(2026, 11, 30)
    old, links, news_list = listed_news(portal, 6)
    imported: list[str] = []
    follower = FeedFollower(
        ward.settings(portal_feeds=(news_list,)), on_imported=imported.extend, today=lambda: today
    )
    await follower.poll()
    assert len(imported) == 3
    new = news(portal, [today - dt.timedelta(days=number) for number in range(7)])
    pages = [[old[0], *new[:3]], new[3:6], [new[6], *old[1:]]]
    serve_pages(portal, pages, links)
    await follower.poll()
    assert sorted(imported[3:]) == sorted(title for _, title, _ in new)
    assert portal.hits("/tin-tuc?page=3") and not portal.hits("/tin-tuc?page=4")


async def test_a_news_list_whose_every_page_is_news_has_a_bounded_number_read(ward, portal):
    today = dt.date(2026, 11, 30)
    links = paging(*((str(n), f"/tin-tuc?page={n}") for n in range(1, 10)))
    first = [(path, title, day) for path, (title, day) in LISTED.items()]
    for path, title, day in first:
        portal.put(path, article(title, day))
    news_list = portal.put("/tin-tuc", news_list_page(first, links))
    follower = FeedFollower(ward.settings(portal_feeds=(news_list,)), today=lambda: today)
    await follower.poll()
    assert not any("page=" in r.path for r in portal.requests)  # a first read: page 1 alone
    entries = news(portal, [today] * 10)
    portal.put("/tin-tuc", news_list_page(entries[:2], links))
    for page in range(2, 10):
        portal.put(f"/tin-tuc?page={page}", news_list_page(entries[page : page + 1], links))
    await follower.poll()
    pages_read = {r.path for r in portal.requests if "page=" in r.path}
    assert pages_read == {f"/tin-tuc?page={n}" for n in range(2, 2 + portal_import.MORE_LIST_PAGES)}


def undated(list_page: str) -> str:
    """A news list page showing no day beside its articles."""
    return re.sub(r'<span class="news-date">[^<]*</span>', "", list_page)


async def test_an_undated_news_list_oldest_first_over_pages_has_its_news_found(
    ward, portal, monkeypatch
):
    # The list shows no dates, its oldest articles on page 1 (which never changes), its
    # newest on the last page; the articles' pages show their dates.
    monkeypatch.setattr(portal_items, "MAX_FEED_ITEMS", 3)  # page 1's are never imported
    today = dt.date(2026, 11, 30)
    entries = []
    for number in range(8):
        title, _ = SUBJECTS[number]
        day = today - dt.timedelta(days=10 - number)
        portal.put(f"/tin-tuc/tin-{number}", article(title, day))
        entries.append((f"/tin-tuc/tin-{number}", title, day))
    links = paging(("1", "/tin-tuc"), ("2", "/tin-tuc?page=2"), ("3", "/tin-tuc?page=3"))
    news_list = portal.put("/tin-tuc", undated(news_list_page(entries[:3], links)))
    portal.put("/tin-tuc?page=2", undated(news_list_page(entries[3:6], links)))
    portal.put("/tin-tuc?page=3", undated(news_list_page(entries[6:7], links)))
    imported: list[str] = []
    follower = FeedFollower(
        ward.settings(portal_feeds=(news_list,)),
        on_imported=imported.extend,
        today=lambda: today,
        clock=lambda: 1_800_000_000.0,
    )
    await follower.poll()
    assert entries[6][1] in imported  # the newest, alone on the last page
    # The ward posts an article: it lands on the last page, and is imported.
    portal.put("/tin-tuc?page=3", undated(news_list_page(entries[6:8], links)))
    before = len(imported)
    await follower.poll()
    assert imported[before:] == [entries[7][1]]
    # Nothing new: the list's first and last pages read, no article (its order is known,
    # and page 1's oldest articles are no news).
    asked = len(portal.requests)
    await follower.poll()
    assert len(imported) == before + 1 and len(ward.imported()) == len(set(ward.imported()))
    assert [r.path for r in portal.requests[asked:]] == ["/tin-tuc", "/tin-tuc?page=3"]


def test_an_undated_news_list_oldest_first_on_one_long_page_has_its_newest_imported(
    ward, portal, monkeypatch
):
    monkeypatch.setattr(portal_items, "MAX_FEED_ITEMS", 3)  # of 5 articles: the 3 newest
    today = dt.date(2026, 11, 30)
    entries = []
    for number in range(5):
        title, _ = SUBJECTS[number]
        day = today - dt.timedelta(days=4 - number)
        portal.put(f"/tin-tuc/tin-{number}", article(title, day))
        entries.append((f"/tin-tuc/tin-{number}", title, day))
    news_list = portal.put("/tin-tuc", undated(news_list_page(entries)))
    asyncio.run(FeedFollower(ward.settings(portal_feeds=(news_list,)), today=lambda: today).poll())
    assert [name[:10] for name in ward.imported()] == ["2026-11-28", "2026-11-29", "2026-11-30"]


async def test_an_undated_news_list_keeps_its_order_known_over_a_poll_it_had_not_changed(
    ward, portal, monkeypatch
):
    """The order of a list showing no dates is learnt once: a poll the portal answers "not
    changed" keeps it. Else, the list changing later and its oldest article's page down
    then, the list was taken for newest first: its oldest articles imported as news and
    the one just posted, at its end, never."""
    monkeypatch.setattr(portal_items, "MAX_FEED_ITEMS", 3)  # of 5 articles: the 3 newest
    today = dt.date(2026, 11, 30)
    entries = []
    for number in range(6):
        title, _ = SUBJECTS[number]
        day = today - dt.timedelta(days=5 - number)
        portal.put(f"/tin-tuc/tin-{number}", article(title, day))
        entries.append((f"/tin-tuc/tin-{number}", title, day))
    news_list = portal.put("/tin-tuc", undated(news_list_page(entries[:5])))
    imported: list[str] = []
    follower = FeedFollower(
        ward.settings(portal_feeds=(news_list,)),
        on_imported=imported.extend,
        today=lambda: today,
        clock=lambda: 1_800_000_000.0,
    )
    await follower.poll()  # its first read: the 3 newest
    await follower.poll()  # the list as it was ("not changed")
    assert portal.requests[-1].path == "/tin-tuc" and len(imported) == 3
    imported.clear()
    portal.put("/tin-tuc/tin-0", "Lỗi máy chủ", status=500)
    portal.put("/tin-tuc", undated(news_list_page(entries)))  # one more, at its end
    await follower.poll()
    assert imported == [entries[5][1]]
    assert len(ward.imported()) == 4


def test_importing_a_news_list_reads_its_next_pages_as_the_follower_does(ward, portal, capsys):
    # Staff import the list after a week away: page 1 shows three of the seven articles
    # posted since the last import, pages 2 and 3 the rest, page 3 one imported before.
    today = dt.date.today()
    old, links, news_list = listed_news(portal, 8)
    assert run_import(ward, capsys, news_list)[0] == 0
    assert len(ward.imported()) == 3
    new = news(portal, [today] * 7)
    pages = [(new + old)[start : start + 3] for start in range(0, 10, 3)]
    # (An article moved on to page 2 while page 1 was read: on both, imported once.)
    pages[1].insert(0, new[2])
    serve_pages(portal, pages, links)
    code, out, err = run_import(ward, capsys, news_list)
    assert (code, err) == (0, "")
    assert sum(line.startswith("imported ") for line in out.splitlines()) == 7
    assert not [line for line in out.splitlines() if line.endswith(new[2][0])]  # (not twice)
    assert len(ward.imported()) == 10
    assert {ward.notice(name).title for name in ward.imported()} >= {t for _, t, _ in new}
    # Page 3 lists an article imported before: page 4 is not read.
    assert portal.hits("/tin-tuc?page=3") and not portal.hits("/tin-tuc?page=4")
    # Again: page 1 alone, nothing written.
    before = len(portal.requests)
    code, out, err = run_import(ward, capsys, news_list)
    assert (code, err) == (0, "") and "imported " not in out and len(ward.imported()) == 10
    assert not any("page=" in r.path for r in portal.requests[before:])


def test_importing_a_news_list_whose_every_page_is_news_reads_a_bounded_number(
    ward, portal, capsys
):
    today = dt.date.today()
    links = paging(*((str(n), f"/tin-tuc?page={n}") for n in range(1, 10)))
    entries = news(portal, [today] * 10)
    news_list = portal.put("/tin-tuc", news_list_page(entries[:2], links))
    for page in range(2, 10):
        portal.put(f"/tin-tuc?page={page}", news_list_page(entries[page : page + 1], links))
    assert run_import(ward, capsys, news_list)[0] == 0
    pages_read = {r.path for r in portal.requests if "page=" in r.path}
    assert pages_read == {f"/tin-tuc?page={n}" for n in range(2, 2 + portal_import.MORE_LIST_PAGES)}
    assert len(ward.imported()) == 2 + portal_import.MORE_LIST_PAGES


STREETS = [
    "Lê Lợi", "Trần Phú", "Nguyễn Trãi", "Hai Bà Trưng", "Lý Thường Kiệt", "Quang Trung",
    "Hùng Vương", "Phan Chu Trinh", "Điện Biên Phủ", "Võ Thị Sáu", "Nguyễn Huệ", "Bạch Đằng",
]  # fmt: skip


def power_cuts(portal: FakePortal, today: dt.date, count: int) -> list[tuple[str, dt.date]]:
    """`count` notices of power cuts on other streets, newest first: (path, day)."""
    notices = []
    for number, street in enumerate(STREETS[:count]):
        day = today - dt.timedelta(days=number)
        portal.put(f"/tin-tuc/cat-dien-{number}", power_cut(day, street))
        notices.append((f"/tin-tuc/cat-dien-{number}", day))
    return notices


ATOM = "application/atom+xml"


def atom_of(portal: FakePortal, items: list[tuple[str, dt.date]], following: str = "") -> str:
    """An Atom feed's page listing `items` (path, day), linking to its next page, if any."""
    entries = "".join(
        f"<entry><title>{path}</title><id>{portal.url(path)}</id>"
        f'<link href="{portal.url(path)}"/><updated>{day.isoformat()}T08:00:00+07:00</updated>'
        "</entry>"
        for path, day in items
    )
    link = f'<link rel="next" href="{following}"/>' if following else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Tin tức</title>{link}{entries}</feed>"
    )


async def test_a_feed_over_pages_has_the_news_of_its_next_pages_read_when_its_first_is_all_news(
    ward, portal
):
    # An Atom feed showing two entries a page; the bot was stopped while four were posted.
    today = dt.date(2026, 11, 30)
    notices = power_cuts(portal, today, 7)
    old = notices[4:]  # the four newest: posted while the bot was stopped
    feed = portal.put("/feed.atom", atom_of(portal, old[:2], "/feed.atom?page=2"), ATOM)
    portal.put("/feed.atom?page=2", atom_of(portal, old[2:], "/feed.atom?page=3"), ATOM)
    imported: list[str] = []
    follower = FeedFollower(
        ward.settings(portal_feeds=(feed,)), on_imported=imported.extend, today=lambda: today
    )
    await follower.poll()  # its first read: its first page alone
    assert len(imported) == 2 and not portal.hits("/feed.atom?page=2")
    pages = [notices[start : start + 2] for start in range(0, 7, 2)]
    for number, entries in enumerate(pages, start=1):
        address = "/feed.atom" if number == 1 else f"/feed.atom?page={number}"
        portal.put(address, atom_of(portal, entries, f"/feed.atom?page={number + 1}"), ATOM)
    await follower.poll()
    assert len(imported) == 6 and len(ward.imported()) == 6
    titles = {ward.notice(name).title for name in ward.imported()}
    assert {f"Thông báo tạm ngừng cấp điện đường {street}" for street in STREETS[:4]} <= titles
    # Page 3 lists a notice imported before: page 4 is not read.
    assert portal.hits("/feed.atom?page=3") and not portal.hits("/feed.atom?page=4")
    await follower.poll()  # nothing new: nothing twice
    assert len(imported) == 6


def test_a_wordpress_feed_has_its_next_pages_read_a_bounded_number(ward, portal, capsys):
    # WordPress links no next page from its feed: its pages are ?paged=2, 3, …
    today = dt.date.today()
    notices = power_cuts(portal, today, 12)
    wordpress = "<channel><title>Tin</title><generator>https://wordpress.org/?v=6.7</generator>"

    def page(items: list[tuple[str, dt.date]]) -> str:
        return rss_of(portal, items).replace("<channel><title>Tin</title>", wordpress)

    feed = portal.put("/feed/", page(notices[:2]), "application/rss+xml")
    for number in range(2, 7):
        start = 2 * (number - 1)
        portal.put(
            f"/feed/?paged={number}", page(notices[start : start + 2]), "application/rss+xml"
        )
    assert run_import(ward, capsys, feed)[0] == 0
    pages_read = {r.path for r in portal.requests if "paged=" in r.path}
    assert pages_read == {f"/feed/?paged={n}" for n in range(2, 2 + portal_import.MORE_LIST_PAGES)}
    assert len(ward.imported()) == 2 * (1 + portal_import.MORE_LIST_PAGES)


# ------------------------------------------------ a feed's first read, as staff hear of it


async def test_admins_are_told_a_first_read_brought_the_portals_news_and_alerted_nobody(
    ward, portal
):
    # The bot has run for a while (a resident follows BHYT); staff add the portal's feed,
    # which lists an article of today about BHYT.
    await follow(ward, "bhyt")
    await follow_veterans(ward)
    feed = serve_feed(portal)
    portal.put("/tin-tuc/trao-the-bhyt-hoc-sinh", page_of_today())
    async with FakeBotApi() as telegram:
        settings = followed_by_a_bot(ward, feed, telegram)
        async with running_app(settings):
            first_read = "📥 Lần đầu đọc tin từ cổng thông tin của phường: đã nhập 2 thông báo"
            await telegram.wait_until(
                lambda: any(c.text.startswith(first_read) for c in telegram.sent(5)), within=60
            )
            [note] = [c.text for c in telegram.sent(5) if c.text.startswith("📥")]
            assert f"• «{BHYT_TITLE}»" in note and "không gửi báo tin cho người dân" in note
            # What the portal publishes next is news: admins and the resident hear of it.
            portal.put(
                "/tin-tuc/hoi-nghi-cuu-chien-binh",
                page_of_today(CP1258_PAGE, b"08/7/2024"),
                WINDOWS_1258,
            )
            portal.put_fixture("/rss/tin-tuc.xml", "rss-updated.xml", "application/rss+xml")
            await reload_by_admin(telegram, 5)
            await telegram.wait_until(lambda: telegram.sent(77), within=60)
            told = [c.text for c in telegram.sent(5) if c.text.startswith("📥")]
            assert told == [note, imported_note(WARD, [CP1258_TITLE])]
    # The resident got one alert: the new notice's, none of the first read's.
    [alert] = telegram.sent(77)
    assert "CỰU CHIẾN BINH" in alert.text.upper() and BHYT_TITLE not in alert.text


def test_the_note_of_a_first_read_names_each_notice_and_says_nobody_was_alerted():
    one = first_read_note(WARD, ["Lịch tiếp công dân tháng 12"])
    assert one.startswith(
        "📥 Lần đầu đọc tin từ cổng thông tin của phường: đã nhập thông báo «Lịch tiếp công "
        "dân tháng 12». Đây là tin đã đăng trước khi bot theo dõi cổng thông tin, nên bot "
        "không gửi báo tin cho người dân đã đăng ký"
    )
    two = first_read_note(WARD, ["Tin một", "Tin hai"])
    assert "đã nhập 2 thông báo đang có trên cổng:\n• «Tin một»\n• «Tin hai»\n" in two
    assert "nội dung các tin này" in two


@pytest.mark.parametrize(
    "days, oldest_first",
    [
        pytest.param([1, 2, 3, 5], True, id="oldest-first"),
        pytest.param([5, 3, 2, 1], False, id="newest-first"),
        pytest.param([1, 9, 8, 7, 6], False, id="old-notice-pinned-on-top"),
        pytest.param([4, 4], False, id="one-day"),
    ],
)
def test_a_news_list_is_taken_as_dated_oldest_first_only_when_it_mostly_is(days, oldest_first):
    # Taken so, its last page is read for news: a list newest first with an old notice
    # pinned at its top would have its oldest articles read instead of its news.
    items = [portal_items.Item(f"/tin-{day}", "listed", dt.date(2026, 11, day)) for day in days]
    assert portal_items.oldest_first(items) is oldest_first
