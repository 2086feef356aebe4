"""'Rồi sao nữa' after an answer in numbered steps ("Bước 1: ...", "Bước 2: ..."):
the steps after the one the resident says they did, or after the first when they name
none; never the first step again as if it came next (wardbot.followup.excerpt)."""

from __future__ import annotations

import datetime as dt

import pytest
from own_ward import own_ward

from wardbot.config import Settings
from wardbot.conversation import Conversation
from wardbot.engine import Engine
from wardbot.reply import Reply
from wardbot.store import ChatRef, Store

TODAY = dt.date(2026, 12, 2)
BUSINESS = "Đăng ký hộ kinh doanh như thế nào?"
FAQ = f"""\
topics:
  - id: kinh-doanh
    name: Kinh doanh
    keywords: [kinh doanh]
faq:
  - id: ho-kinh-doanh
    question: {BUSINESS}
    topics: [kinh-doanh]
    answer: |
      Bước 1: Chuẩn bị hồ sơ gồm giấy đề nghị đăng ký hộ kinh doanh và bản sao căn cước.
      Bước 2: Nộp hồ sơ tại bộ phận một cửa của phường hoặc trên Cổng Dịch vụ công.
      Bước 3: Nhận giấy biên nhận và chờ kết quả trong 3 ngày làm việc.
      Bước 4: Nhận giấy chứng nhận đăng ký hộ kinh doanh tại bộ phận một cửa.
  - id: giay-phep-xay-dung
    question: Xây nhà có phải xin giấy phép xây dựng không?
    answer: |
      Nhà ở riêng lẻ trong đô thị phải có giấy phép xây dựng trước khi khởi công.
"""
CHAT = ChatRef("test", "5")

ward, engine, settings, store = own_ward(FAQ, "steps-ward", TODAY)


@pytest.fixture
def conversation(engine: Engine, store: Store, settings: Settings) -> Conversation:
    return Conversation(engine, store, settings)


async def one(conversation: Conversation, text: str) -> Reply:
    replies = await conversation.handle_text(CHAT, text, sender=CHAT.chat_id)
    assert len(replies) == 1, replies
    return replies[0]


@pytest.mark.parametrize("then", ["rồi sao nữa", "roi sao nua", "xong rồi mần chi tiếp"])
async def test_what_comes_next_is_not_the_first_step_again(
    conversation: Conversation, then: str
) -> None:
    await one(conversation, "đăng ký hộ kinh doanh thế nào")
    reply = await one(conversation, then)
    assert reply.title == BUSINESS, reply
    assert "Bước 1" not in reply.text and "Bước 2" in reply.text, reply.text


@pytest.mark.parametrize(
    "then",
    [
        "nộp hồ sơ rồi thì sao nữa",
        "em nop ho so xong roi, tiep theo lam gi",
        "nộp rồi sao nữa",
        "làm xong bước 2 rồi làm gì nữa",
        "em làm xong bước 2 rồi, tiếp theo làm gì",  # before: no answer, "bước" named
    ],
)
async def test_what_comes_after_the_step_done_is_the_steps_after_it(
    conversation: Conversation, then: str
) -> None:
    await one(conversation, "đăng ký hộ kinh doanh thế nào")
    reply = await one(conversation, then)
    assert reply.title == BUSINESS, reply
    assert "Bước 3" in reply.text and "Bước 4" in reply.text, reply.text
    assert "Bước 1" not in reply.text and "Bước 2" not in reply.text, reply.text
