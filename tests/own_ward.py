"""A test module's own small ward, for tests that need entries the shared chat ward
(tests/chat_ward.py) does not have: its faq.yaml in a temporary folder, a real Engine over
it with matching by meaning on (as the bot runs), and the settings and Store a
Conversation over it needs.

    ward, engine, settings, store = own_ward(FAQ, "followup-ward", TODAY)

at a test module's top level gives it the fixtures `ward`, `engine`, `settings` and
`store` (the last two per test; `ward_settings` comes from tests/conftest.py). `notices`
(file name: text) go in its content/.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from wardbot.config import Settings
from wardbot.engine import Engine
from wardbot.semantic import load_embedder
from wardbot.store import Store


def open_ward(
    root: Path, faq: str, today: dt.date, notices: Mapping[str, str] | None = None
) -> Engine:
    """`faq` written as `root`/faq.yaml beside content/ (holding `notices`, file name:
    text), and the Engine over it."""
    (root / "faq.yaml").write_text(faq, encoding="utf-8")
    (root / "content").mkdir()
    for name, text in (notices or {}).items():
        (root / "content" / name).write_text(text, encoding="utf-8")
    return Engine.open(
        root / "faq.yaml", root / "content", root / "data", today=today, embedder=load_embedder()
    )


def own_ward(
    faq: str, name: str, today: dt.date, notices: Mapping[str, str] | None = None
) -> tuple[Any, Any, Any, Any]:
    """The fixtures ward, engine, settings and store over a ward holding `faq`."""

    @pytest.fixture(scope="module")
    def ward(tmp_path_factory: pytest.TempPathFactory) -> Path:
        return tmp_path_factory.mktemp(name)

    @pytest.fixture(scope="module")
    def engine(ward: Path) -> Iterator[Engine]:
        opened = open_ward(ward, faq, today, notices)
        yield opened
        opened.close()

    @pytest.fixture
    def settings(ward: Path, ward_settings: Settings) -> Settings:
        return replace(ward_settings, faq_file=ward / "faq.yaml", content_dir=ward / "content")

    @pytest.fixture
    async def store(settings: Settings) -> AsyncIterator[Store]:
        async with await Store.open(settings.data_dir / "bot.sqlite3") as opened:
            yield opened

    return ward, engine, settings, store
