"""Every reply that shows residents how to ask gives, as its example, a question the
ward's own faq.yaml answers (a short, plainly worded one), not a fixed question another
ward's FAQ may hold; a ward with no FAQ gets a general example."""

from __future__ import annotations

import datetime as dt

import pytest
from own_ward import own_ward

from wardbot import messages as msg
from wardbot.config import Settings
from wardbot.conversation import Conversation
from wardbot.engine import Engine
from wardbot.store import ChatRef, Store

TODAY = dt.date(2024, 8, 1)
# A ward that answers about land and business only: no residence registration.
FAQ = """\
faq:
  - id: so-do
    question: Làm sổ đỏ lần đầu cho thửa đất được ông bà để lại cần những giấy tờ gì?
    answer: Anh/chị nộp đơn đăng ký đất đai kèm giấy tờ về quyền sử dụng đất.
  - id: ho-kd
    question: "Hộ kinh doanh: đăng ký ở đâu?"
    answer: Anh/chị nộp hồ sơ tại Bộ phận Một cửa.
  - id: xin-phep
    question: Sửa nhà có cần xin giấy phép xây dựng không?
    answer: Sửa chữa bên trong không thay đổi kết cấu thì không cần giấy phép.
  - id: tach-thua
    question: Tách thửa đất cần điều kiện gì?
    answer: Thửa đất sau khi tách phải đủ diện tích tối thiểu.
  - id: le-phi
    question: Lệ phí đăng ký hộ kinh doanh là bao nhiêu?
    answer: Lệ phí là 100.000 đồng.
"""
EXAMPLE = "Tách thửa đất cần điều kiện gì?"  # the fewest words of the plainly worded
CHAT = ChatRef("test", "71")

ward, engine, settings, store = own_ward(FAQ, "example-ward", TODAY)


@pytest.fixture
def conversation(engine: Engine, store: Store, settings: Settings) -> Conversation:
    return Conversation(engine, store, settings)


async def _text(conversation: Conversation, message: str) -> str:
    return "\n".join(reply.text for reply in await conversation.handle_text(CHAT, message))


async def test_every_reply_that_shows_how_to_ask_gives_the_wards_own_question(
    conversation: Conversation,
) -> None:
    said = [
        await _text(conversation, "/start"),
        await _text(conversation, "xin chào"),  # greeted back under the welcome
        await _text(conversation, "???"),
        await _text(conversation, "cho em hỏi"),
        await _text(conversation, "1"),  # no list on screen to pick from
        await _text(conversation, "sai rồi"),  # nothing asked yet to take back
        await conversation.attachment_note(CHAT, typed=False),  # a photo alone
    ]
    for text in said:
        assert f"“{EXAMPLE}”" in text, text
        assert "tạm trú" not in text, text
    help_text = await _text(conversation, "/help")
    assert "(ví dụ: “tach thua dat can dieu kien gi”)" in help_text  # typed without accents
    # The example is what the ward answers, typed as shown.
    answered, *_ = await conversation.handle_text(CHAT, EXAMPLE)
    assert answered.title == EXAMPLE


def test_the_example_is_a_short_plain_question_of_the_faq_or_a_general_one() -> None:
    questions = ["Hộ nghèo?", "Làm sổ đỏ (lần đầu) ở đâu?", "Làm giấy khai sinh cho con ở đâu?"]
    # Too short to show how to ask, and one with brackets, are passed over.
    assert msg.example_question(questions) == "Làm giấy khai sinh cho con ở đâu?"
    assert msg.example_question(questions[:2]) == "Hộ nghèo?"  # none plain: the shortest
    assert msg.example_question([]) == "Đăng ký tạm trú cần giấy tờ gì?"  # no FAQ
    # Entries titled without a question mark: a plain one of a few words, not a heading.
    titles = ["Giờ làm việc", "Đăng ký kết hôn cần giấy tờ gì", "Lệ phí chứng thực"]
    assert msg.example_question(titles) == "Đăng ký kết hôn cần giấy tờ gì"
    assert msg.example_question([*titles, "Làm khai sinh cho con mới sinh ở đâu?"]).endswith("?")


@pytest.mark.parametrize(
    ("title", "example"),
    [
        ("Lịch thu phí vệ sinh quý 3", "Cho hỏi về lịch thu phí vệ sinh quý 3"),
        # A title written "Về việc …", as notices are, is asked about once: no "về về".
        (
            "Về việc sửa chữa đường ống nước khu phố 4",
            "Cho hỏi về việc sửa chữa đường ống nước khu phố 4",
        ),
        # A title in capitals is asked as residents type it.
        ("VỀ VIỆC CẮT ĐIỆN KHU PHỐ 2", "Cho hỏi về việc cắt điện khu phố 2"),
    ],
)
def test_a_ward_without_faq_asks_about_a_notice_as_a_resident_would(
    title: str, example: str
) -> None:
    assert msg.example_question([], [title]) == example
