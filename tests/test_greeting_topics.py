"""The greeting and /help name the ward's own topics (faq.yaml) as examples, on every
channel, and a ward without topics is not promised news by topic at all."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterator

import pytest
from own_ward import open_ward

from wardbot.config import Settings
from wardbot.conversation import Conversation
from wardbot.engine import Engine
from wardbot.semantic import load_embedder
from wardbot.store import ChatRef, Store

TODAY = dt.date(2024, 8, 1)
WITH_TOPICS = """\
topics:
  - id: dat-dai
    name: Đất đai và xây dựng nhà ở
    keywords: [đất đai, sổ đỏ]
  - id: kinh-doanh
    name: Hộ kinh doanh
    keywords: [hộ kinh doanh, giấy phép kinh doanh]
  - id: do-thi
    name: Trật tự đô thị
    keywords: [lấn chiếm vỉa hè]
faq:
  - id: so-do
    question: Làm sổ đỏ lần đầu cần giấy tờ gì?
    answer: Anh/chị nộp đơn đăng ký đất đai tại Bộ phận Một cửa.
    topics: [dat-dai]
"""
NO_TOPICS = """\
faq:
  - id: so-do
    question: Làm sổ đỏ lần đầu cần giấy tờ gì?
    answer: Anh/chị nộp đơn đăng ký đất đai tại Bộ phận Một cửa.
"""
# What the old fixed texts named, whatever the ward's topics were.
NOT_THE_WARDS = ("BHYT", "bhyt", "hộ tịch", "học bổng", "căn cước", "cư trú")
CHANNELS = [ChatRef("telegram", "1"), ChatRef("zalo", "2"), ChatRef("terminal", "3")]
WEB = ChatRef("web", "4")


def _engine(tmp_path_factory: pytest.TempPathFactory, faq: str) -> Iterator[Engine]:
    engine = open_ward(tmp_path_factory.mktemp("greeting-ward"), faq, TODAY)
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def topical(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    yield from _engine(tmp_path_factory, WITH_TOPICS)


@pytest.fixture(scope="module")
def topicless(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    yield from _engine(tmp_path_factory, NO_TOPICS)


@pytest.fixture
async def store(ward_settings: Settings) -> AsyncIterator[Store]:
    async with await Store.open(ward_settings.data_dir / "bot.sqlite3") as opened:
        yield opened


def _conversation(engine: Engine, store: Store, settings: Settings) -> Conversation:
    conversation = Conversation(engine, store, settings)
    conversation.no_alerts = frozenset({"web"})  # as the web chat is set up
    return conversation


async def _text(conversation: Conversation, chat: ChatRef, message: str) -> str:
    return "\n".join(reply.text for reply in await conversation.handle_text(chat, message))


@pytest.mark.parametrize("chat", [*CHANNELS, WEB], ids=lambda chat: chat.channel)
async def test_the_greeting_and_help_name_the_wards_own_topics(
    topical: Engine, store: Store, ward_settings: Settings, chat: ChatRef
) -> None:
    conversation = _conversation(topical, store, ward_settings)
    greeting = await _text(conversation, chat, "/start")
    assert "(hộ kinh doanh, trật tự đô thị…)" in greeting
    help_text = await _text(conversation, chat, "/help")
    for text in (greeting, help_text):
        assert not [word for word in NOT_THE_WARDS if word in text], text
    if chat is not WEB:  # where alerts reach the chat: following by a sentence, for real
        assert "“đăng ký nhận tin hộ kinh doanh”" in help_text
        assert "“hủy đăng ký trật tự đô thị”" in help_text
        await _text(conversation, chat, "đăng ký nhận tin trật tự đô thị")
        await _text(conversation, chat, "đăng ký nhận tin hộ kinh doanh")
        assert sorted(await store.subscriptions_of(chat)) == ["do-thi", "kinh-doanh"]
        await _text(conversation, chat, "hủy đăng ký trật tự đô thị")
        assert await store.subscriptions_of(chat) == ["kinh-doanh"]


@pytest.mark.parametrize("chat", [*CHANNELS, WEB], ids=lambda chat: chat.channel)
async def test_a_ward_without_topics_promises_no_news_by_topic(
    topicless: Engine, store: Store, ward_settings: Settings, chat: ChatRef
) -> None:
    conversation = _conversation(topicless, store, ward_settings)
    replies = await conversation.handle_text(chat, "/start")
    assert len(replies) == 1  # no list of topics that says there are none
    greeting = replies[0].text
    assert "Giải đáp các thủ tục, giấy tờ thường gặp\n" in greeting
    assert "chủ đề" not in greeting
    help_text = await _text(conversation, chat, "/help")
    for text in (greeting, help_text):
        assert not [word for word in NOT_THE_WARDS if word in text], text
    for offer in ("/topics", "/subscribe", "/unsubscribe", "/mysubs", "đăng ký nhận tin"):
        assert offer not in help_text
    assert "“tin mới”" in help_text


# A ward that publishes notices but has written no FAQ yet.
NOTICES_ONLY = """\
topics:
  - id: y-te
    name: Y tế
    keywords: [tiêm chủng]
faq: []
"""
NOTICE = """\
---
title: "Lịch tiêm phòng sởi cho trẻ dưới 5 tuổi"
date: 2024-07-20
topics: [y-te]
---
Trạm y tế phường tiêm phòng sởi cho trẻ dưới 5 tuổi từ 7 giờ sáng thứ Bảy, 3/8/2024.
Phụ huynh mang theo sổ tiêm chủng của trẻ.
"""
TOO_LONG = """\
---
title: "Phường tổ chức hội nghị tổng kết công tác dân vận và phong trào thi đua của năm 2023"
date: 2024-07-28
---
Hội nghị tổng kết công tác dân vận diễn ra tại hội trường phường.
"""


@pytest.fixture(scope="module")
def notices_only(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    root = tmp_path_factory.mktemp("notices-only-ward")
    (root / "faq.yaml").write_text(NOTICES_ONLY, encoding="utf-8")
    (root / "content").mkdir()
    (root / "content" / "2024-07-20-tiem-phong-soi.md").write_text(NOTICE, encoding="utf-8")
    (root / "content" / "2024-07-28-tong-ket.md").write_text(TOO_LONG, encoding="utf-8")
    engine = Engine.open(
        root / "faq.yaml", root / "content", root / "data", today=TODAY, embedder=load_embedder()
    )
    yield engine
    engine.close()


@pytest.mark.parametrize("chat", [*CHANNELS, WEB], ids=lambda chat: chat.channel)
async def test_a_ward_with_notices_and_no_faq_gives_an_example_it_answers(
    notices_only: Engine, store: Store, ward_settings: Settings, chat: ChatRef
) -> None:
    conversation = _conversation(notices_only, store, ward_settings)
    greeting = await _text(conversation, chat, "/start")
    # Asked about its own notice (the short one: a long title is no question to type), not
    # a question the ward has nothing on.
    example = "Cho hỏi về lịch tiêm phòng sởi cho trẻ dưới 5 tuổi"
    assert f"ví dụ: “{example}”" in greeting
    assert "“cho hoi ve lich tiem phong soi cho tre duoi 5 tuoi”" in await _text(
        conversation, chat, "/help"
    )
    assert "sổ tiêm chủng của trẻ" in await _text(conversation, chat, example)
