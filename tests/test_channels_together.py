"""`bot.py run` with Telegram and Zalo side by side: one process, one conversation core,
one database, and alerts reaching the subscribers of each platform (and nobody else)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from fakes.telegram_api import FakeBotApi, visible_text
from fakes.zalo_api import FakeZaloApi
from test_telegram_app import bot_settings, running_app

from wardbot.config import Secret, Settings

ZALO_FAN = "6ede9afb3c3e4d6f8a01"
ZALO_OTHER = "8a1b2c3d4e5f60718293"
ZALO_ADMIN = "0f0e0d0c0b0a09080706"
TELEGRAM_FAN = 901


@pytest.fixture
async def telegram() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake


@pytest.fixture
async def zalo() -> AsyncIterator[FakeZaloApi]:
    async with FakeZaloApi() as fake:
        yield fake


@pytest.fixture
def both(
    ward_files: Path,
    ward_settings: Settings,
    tmp_path: Path,
    telegram: FakeBotApi,
    zalo: FakeZaloApi,
) -> Settings:
    root = tmp_path / "ward"
    shutil.copytree(ward_files, root)
    settings = replace(
        ward_settings,
        faq_file=root / "faq.yaml",
        content_dir=root / "content",
        zalo_token=Secret(zalo.token),
        zalo_api_base=zalo.base_url,
        admin_ids=frozenset({f"zalo:{ZALO_ADMIN}"}),
    )
    return bot_settings(settings, telegram)


async def test_telegram_and_zalo_run_together_and_both_get_alerts(
    both: Settings, telegram: FakeBotApi, zalo: FakeZaloApi
) -> None:
    async with running_app(both) as base:
        async with httpx.AsyncClient() as client:
            checks = (await client.get(f"{base}/healthz")).json()["checks"]
        assert checks == {
            "telegram": True,
            "zalo": True,
            "telegram-alerts": True,
            "zalo-alerts": True,
            "watcher": True,
            "retention": True,
        }
        # The same question gets the same answer on both platforms.
        (on_telegram,) = await telegram.say(TELEGRAM_FAN, "mất thẻ bhyt")
        (on_zalo,) = await zalo.say(ZALO_FAN, "mat the bhyt")
        assert visible_text(on_telegram.text).startswith("Mất thẻ bảo hiểm y tế")
        assert on_zalo.text.startswith("Mất thẻ bảo hiểm y tế")

        await telegram.say(TELEGRAM_FAN, "/subscribe bhyt")
        await zalo.say(ZALO_FAN, "đăng ký nhận tin bảo hiểm y tế")
        await zalo.say(ZALO_OTHER, "đăng ký nhận tin học bổng")
        t_mark, z_mark = len(telegram.calls), len(zalo.calls)
        day = dt.date.today().isoformat()
        (both.content_dir / f"{day}-the-bhyt.md").write_text(
            f"---\ntitle: Phát thẻ BHYT đợt 3\ndate: {day}\ntopics: [bhyt]\n---\n"
            "Người dân nhận thẻ tại nhà văn hóa khu phố từ thứ hai.\n",
            encoding="utf-8",
        )
        (t_alert,) = await telegram.replies(TELEGRAM_FAN, since=t_mark, within=10)
        (z_alert,) = await zalo.replies(ZALO_FAN, since=z_mark, within=10)
        assert "Phát thẻ BHYT đợt 3" in visible_text(t_alert.text)
        assert "Phát thẻ BHYT đợt 3" in z_alert.text
        assert "1. " in z_alert.text  # Zalo has no buttons: "read it all" is choice 1
        assert zalo.sent(ZALO_OTHER, since=z_mark) == []

        # On Zalo the resident types the number to read the whole notice.
        (full,) = await zalo.say(ZALO_FAN, "1")
        assert "nhà văn hóa khu phố" in full.text

        # A Zalo admin can use the admin commands; a Zalo resident cannot.
        (stats,) = await zalo.say(ZALO_ADMIN, "/stats")
        assert "Bảo hiểm y tế: 2" in stats.text
        (refused,) = await zalo.say(ZALO_OTHER, "/stats")
        assert "Bảo hiểm y tế: 2" not in refused.text


async def test_zalo_alone_is_enough_to_run(
    ward_settings: Settings, zalo: FakeZaloApi, telegram: FakeBotApi
) -> None:
    settings = replace(
        bot_settings(ward_settings, telegram),
        telegram_token=None,
        zalo_token=Secret(zalo.token),
        zalo_api_base=zalo.base_url,
    )
    async with running_app(settings):
        greeting, topics = await zalo.say(ZALO_FAN, "/start", count=2)
        assert "UBND Phường 2" in greeting.text
        assert "1. 🔔 Nhận tin: Bảo hiểm y tế" in topics.text
    assert telegram.calls == []
