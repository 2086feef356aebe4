"""The ward's portal feed followed by `python bot.py run`: a new article on the portal
reaches a subscriber as one alert, and admins hear what was imported.

The fake portal (tests/fakes/portal.py) serves a feed and its pages; the bot runs as staff
run it, with PORTAL_FEEDS. An admin's /reload reads the feed at once instead of waiting
for the interval.
"""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime
from pathlib import Path

from chat_ward import write_chat_ward
from fakes.portal import FIXTURES, FakePortal
from fakes.telegram_api import FakeBotApi, visible_text
from test_faults import ADMIN, Bot, base_env, bot_process, free_port
from test_staff_e2e import eventually

RESIDENT = 901
OLD_PAGE = "trao-the-bhyt-hoc-sinh.html"
OLD_TITLE = "Phường 5 trao thẻ BHYT cho học sinh có hoàn cảnh khó khăn"
NEW_TITLE = "Phường 5 phát thẻ BHYT đợt mới cho người cao tuổi trên địa bàn"


def todays_page(today: dt.date) -> str:
    """A portal article published `today`, built like the fixture's page."""
    page = (FIXTURES / OLD_PAGE).read_text(encoding="utf-8")
    return page.replace(OLD_TITLE, NEW_TITLE).replace(
        "Chiều ngày 12/3/2024", f"Chiều ngày {today.day}/{today.month}/{today.year}"
    )


def feed(items: list[tuple[str, str, dt.datetime]]) -> str:
    entries = "".join(
        f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid>"
        f"<pubDate>{format_datetime(when)}</pubDate></item>"
        for title, link, when in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Tin tức Phường 5</title><link>https://phuong5.example.vn</link>{entries}"
        "</channel></rss>"
    )


async def test_a_new_portal_article_reaches_a_subscriber_as_one_alert(tmp_path: Path) -> None:
    ward = tmp_path / "ward"
    ward.mkdir()
    write_chat_ward(ward)
    vn = dt.timezone(dt.timedelta(hours=7))
    with FakePortal() as portal:
        old = portal.put_fixture("/tin-tuc/trao-the-bhyt", OLD_PAGE)
        then = dt.datetime(2024, 3, 12, 16, 20, tzinfo=vn)
        rss = "/rss/tin-tuc.xml"
        feed_url = portal.put(rss, feed([(OLD_TITLE, old, then)]), "application/rss+xml")
        async with FakeBotApi() as telegram:
            bot = Bot(telegram, ward, tmp_path / "data", free_port(), {})
            bot.env = base_env(bot, tmp_path) | {"PORTAL_FEEDS": feed_url}
            async with bot_process(bot, cwd=tmp_path):
                # The feed is read at start: the 2024 article is imported, not alerted.
                await eventually(lambda: len(list(bot.content.glob("2024-03-12-*.md"))) == 1)
                assert (await bot.health())["checks"]["portal"] is True
                await telegram.say(RESIDENT, "/subscribe bhyt")

                # One date for the page, the feed and the check, Vietnam's (the notice is
                # named by the feed item's day there): a run across midnight, in Vietnam or
                # where the tests run (from 17:00 UTC they differ), stays right.
                now = dt.datetime.now(vn)
                today = now.date()
                new = portal.put("/tin-tuc/phat-the-bhyt-nguoi-cao-tuoi", todays_page(today))
                portal.put(rss, feed([(NEW_TITLE, new, now), (OLD_TITLE, old, then)]))
                mark = len(telegram.calls)
                telegram.send_text(ADMIN, "/reload")

                def alerts() -> list[str]:
                    shown = [visible_text(c.text) for c in telegram.sent(RESIDENT, since=mark)]
                    return [text for text in shown if NEW_TITLE in text]

                await eventually(alerts, within=30)
                await eventually(
                    lambda: any(
                        "Đã nhập thông báo mới" in visible_text(c.text) and NEW_TITLE in c.text
                        for c in telegram.sent(ADMIN, since=mark)
                    )
                )
                # Read again: nothing new, no second alert.
                telegram.send_text(ADMIN, "/reload")

                def reloads() -> int:
                    sent = telegram.sent(ADMIN, since=mark)
                    return sum(visible_text(c.text).startswith("Đã nạp lại") for c in sent)

                await eventually(lambda: reloads() == 2)
                assert len(alerts()) == 1
                # The reloaded content holds the new notice: the bot answers with it.
                (answer,) = await telegram.say(RESIDENT, "phát thẻ bhyt cho người cao tuổi")
                assert NEW_TITLE in visible_text(answer.text)
                assert len(list(bot.content.glob(f"{today.isoformat()}-*.md"))) == 1


async def test_admins_hear_when_the_portal_replaces_a_notice_staff_edited(tmp_path: Path) -> None:
    ward = tmp_path / "ward"
    ward.mkdir()
    write_chat_ward(ward)
    vn = dt.timezone(dt.timedelta(hours=7))
    then = dt.datetime(2024, 3, 12, 16, 20, tzinfo=vn)
    page = (FIXTURES / OLD_PAGE).read_text(encoding="utf-8")
    with FakePortal() as portal:
        url = portal.put("/tin-tuc/trao-the-bhyt", page)
        rss = "/rss/tin-tuc.xml"
        feed_url = portal.put(rss, feed([(OLD_TITLE, url, then)]), "application/rss+xml")
        async with FakeBotApi() as telegram:
            bot = Bot(telegram, ward, tmp_path / "data", free_port(), {})
            bot.env = base_env(bot, tmp_path) | {"PORTAL_FEEDS": feed_url}
            async with bot_process(bot, cwd=tmp_path):
                await eventually(lambda: len(list(bot.content.glob("2024-03-12-*.md"))) == 1)
                [notice] = bot.content.glob("2024-03-12-*.md")
                # Staff add a line of their own to the imported notice.
                staff = notice.read_text(encoding="utf-8") + "\nMang theo căn cước khi nhận thẻ.\n"
                notice.write_text(staff, encoding="utf-8")
                # Then the portal corrects the article (its feed item shows a new date).
                portal.put("/tin-tuc/trao-the-bhyt", page.replace("120 thẻ", "125 thẻ"))
                portal.put(rss, feed([(OLD_TITLE, url, then + dt.timedelta(hours=1))]))
                mark = len(telegram.calls)
                telegram.send_text(ADMIN, "/reload")

                def told() -> list[str]:
                    shown = [visible_text(c.text) for c in telegram.sent(ADMIN, since=mark)]
                    return [text for text in shown if "vừa sửa bài" in text]

                await eventually(told)
                [kept] = (tmp_path / "data" / "portal-replaced").iterdir()
                assert kept.read_text(encoding="utf-8") == staff
                assert "125 thẻ" in notice.read_text(encoding="utf-8")
                [message] = told()
                assert OLD_TITLE in message and notice.name in message and kept.name in message
