"""Residents asking how to reach an office (wardbot.ward_contact): where the ward office
is (WARD_ADDRESS), its phone when an FAQ entry only says where the number is posted, and
another office's phone ("sđt công an phường"), never answered with the ward's hotline."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from dataclasses import replace
from pathlib import Path

import pytest
from chat_ward import WARD_NAME
from own_ward import open_ward, own_ward

from handlers.terminal import run_chat
from wardbot import messages as msg
from wardbot.config import Settings
from wardbot.conversation import Conversation
from wardbot.engine import Engine
from wardbot.intents import names_phone_number, parse_intent
from wardbot.reply import Reply
from wardbot.store import ChatRef, Store

TODAY = dt.date(2024, 8, 1)
CHAT = ChatRef("test", "19")
HOTLINE = "0276 3822 123"
ADDRESS = "Số 12 Nguyễn Huệ, khu phố 3"

POSTED = "Số điện thoại của phường được niêm yết tại bảng tin."
CLINIC = "Trạm y tế phường trực cấp cứu 24/24, số điện thoại 0276 3822 115."
FAQ = f"""\
topics: []

faq:
  - id: duong-day-nong
    question: Đường dây nóng của phường là số nào?
    variants: [đường dây nóng của phường, số điện thoại phường]
    answer: {POSTED}
  - id: tram-y-te-dien-thoai
    question: Số điện thoại trạm y tế phường là bao nhiêu?
    variants: [sđt trạm y tế phường]
    answer: {CLINIC}
  - id: vneid-quen-mat-khau
    question: Quên mật khẩu VNeID thì làm sao?
    variants: [đổi số điện thoại vneid]
    answer: |
      Chọn "Quên mật khẩu" trên ứng dụng VNeID và nhập mã OTP gửi về điện thoại.
      Nếu không còn dùng số điện thoại đã đăng ký, bà con đến Công an cấp xã/phường.
  - id: bhyt-mat-the
    question: Mất thẻ bảo hiểm y tế thì làm sao?
    answer: Dùng ứng dụng VssID thay cho thẻ giấy.
"""

ward, engine, settings, store = own_ward(FAQ, "contact-ward", TODAY)


async def one(conversation: Conversation, text: str) -> Reply:
    replies = await conversation.handle_text(CHAT, text)
    assert len(replies) == 1, replies
    return replies[0]


@pytest.mark.parametrize(
    "text",
    [
        "địa chỉ ubnd phường ở đâu",
        "ubnd xã nằm ở đâu",
        "phuong o dau vay",
        "cho em hỏi trụ sở phường ở đường nào ạ",
        "phường ở mô",  # central: no "ờ" (ok) to a "mợ"
        "ubnd phường ở đâu hè",
    ],
)
async def test_asking_where_the_office_is_gets_ward_address_with_the_hotline(
    engine: Engine, store: Store, settings: Settings, text: str
) -> None:
    """Not "em chưa có thông tin": the address the ward set, and its hotline; with no
    WARD_ADDRESS, that the bot does not have it, and the hotline (logged unanswered, for
    staff to set it or add an entry)."""
    located = replace(settings, ward_address=ADDRESS)
    reply = await one(Conversation(engine, store, located), text)
    assert reply.text == msg.ward_address(WARD_NAME, ADDRESS, HOTLINE)
    assert ADDRESS in reply.text and HOTLINE in reply.text
    unset = await one(Conversation(engine, store, settings), text)
    assert unset.text == msg.ward_address(WARD_NAME, "", HOTLINE)
    assert "chưa có địa chỉ" in unset.text and HOTLINE in unset.text


def test_asking_where_something_else_is_is_no_question_about_the_office() -> None:
    for text in ("công an phường ở đâu", "nộp hồ sơ ở đâu", "đăng ký thường trú ở đâu"):
        assert parse_intent(text).kind != "address", text


@pytest.mark.parametrize("text", ["chợ phường ở đâu", "Chợ xã nằm ở đâu vậy"])
async def test_asking_where_the_wards_market_is_does_not_get_the_office_address(
    engine: Engine, store: Store, settings: Settings, text: str
) -> None:
    """ "Chợ" (the market) is "chỗ" unaccented, as "chỗ ubnd phường ở đâu" has it: the
    market's whereabouts are not the office's address (here nothing answers them)."""
    located = replace(settings, ward_address=ADDRESS)
    reply = await one(Conversation(engine, store, located), text)
    assert ADDRESS not in reply.text
    assert reply.text.startswith(("Dạ, em xin lỗi, hiện em chưa có thông tin", "Dạ, có phải"))
    place = await one(Conversation(engine, store, located), "chỗ ubnd phường ở đâu")
    assert place.text == msg.ward_address(WARD_NAME, ADDRESS, HOTLINE)


async def test_the_no_answer_reply_sends_residents_to_the_office_at_its_address(
    engine: Engine, store: Store, settings: Settings
) -> None:
    """With no hotline, "liên hệ Bộ phận Một cửa" says where it is; with one, the hotline."""
    without = replace(settings, ward_hotline="", ward_address=ADDRESS)
    reply = await one(Conversation(engine, store, without), "giá vàng hôm nay bao nhiêu")
    assert f"Bộ phận Một cửa của {WARD_NAME} ({ADDRESS}) trong giờ hành chính" in reply.text
    called = replace(settings, ward_address=ADDRESS)
    reply = await one(Conversation(engine, store, called), "giá vàng hôm nay bao nhiêu")
    assert f"gọi đường dây nóng {HOTLINE}" in reply.text


async def test_an_faq_answer_saying_only_where_the_number_is_posted_gets_the_hotline(
    engine: Engine, store: Store, settings: Settings
) -> None:
    """The entry answers (staff wrote it), and the hotline comes in a line under it; with
    no hotline set, the entry alone."""
    reply = await one(Conversation(engine, store, settings), "đường dây nóng của phường")
    assert POSTED in reply.text
    assert reply.text.endswith(msg.ward_hotline_too(WARD_NAME, HOTLINE))
    assert reply.text.count(HOTLINE) == 1
    unset = replace(settings, ward_hotline="")
    alone = await one(Conversation(engine, store, unset), "đường dây nóng của phường")
    assert POSTED in alone.text and "Đường dây nóng của" not in alone.text


async def test_an_faq_answer_giving_the_wards_number_is_left_alone(
    tmp_path: Path, ward_settings: Settings
) -> None:
    """An entry that gives a number is not contradicted by the hotline; an entry on the
    address beats WARD_ADDRESS."""
    faq = FAQ.replace(POSTED, "Số điện thoại của phường là 0276 3822 999.") + (
        "  - id: tru-so\n    question: Trụ sở UBND phường ở đâu?\n"
        "    variants: [địa chỉ ubnd phường ở đâu]\n"
        "    answer: Trụ sở UBND phường đặt tại số 5 Lê Lợi.\n"
    )
    (tmp_path / "ward").mkdir()
    opened = open_ward(tmp_path / "ward", faq, TODAY)
    try:
        located = replace(
            ward_settings,
            faq_file=tmp_path / "ward" / "faq.yaml",
            content_dir=tmp_path / "ward" / "content",
            ward_address=ADDRESS,
        )
        async with await Store.open(tmp_path / "bot.sqlite3") as own:
            conversation = Conversation(opened, own, located)
            phone = await one(conversation, "đường dây nóng của phường")
            where = await one(conversation, "địa chỉ ubnd phường ở đâu")
    finally:
        opened.close()
    assert "0276 3822 999" in phone.text and HOTLINE not in phone.text
    assert "số 5 Lê Lợi" in where.text and ADDRESS not in where.text


ONE_STOP = (
    "  - id: bo-phan-mot-cua\n    question: Bộ phận một cửa của phường làm những việc gì?\n"
    "    variants: [bộ phận một cửa, nộp hồ sơ ở đâu trong phường]\n"
    "    answer: Bộ phận một cửa tiếp nhận hồ sơ và trả kết quả thủ tục hành chính.\n"
)


async def test_an_faq_entry_that_only_mentions_a_place_does_not_hide_the_address(
    tmp_path: Path, ward_settings: Settings
) -> None:
    """ "Bộ phận một cửa ở đâu" answered outright by what the desk does (a way of asking
    it, "nộp hồ sơ ở đâu", says "ở đâu"): it does not say where the office is, so
    WARD_ADDRESS does; an entry asked as where the office is still beats it
    (test_an_faq_answer_giving_the_wards_number_is_left_alone)."""
    (tmp_path / "ward").mkdir()
    opened = open_ward(tmp_path / "ward", FAQ + ONE_STOP, TODAY)
    try:
        located = replace(
            ward_settings,
            faq_file=tmp_path / "ward" / "faq.yaml",
            content_dir=tmp_path / "ward" / "content",
            ward_address=ADDRESS,
        )
        async with await Store.open(tmp_path / "bot.sqlite3") as own:
            assert (await opened.ask_async("bộ phận một cửa ở đâu")).answered
            where = await one(Conversation(opened, own, located), "bộ phận một cửa ở đâu")
    finally:
        opened.close()
    assert where.text == msg.ward_address(WARD_NAME, ADDRESS, HOTLINE)


@pytest.mark.parametrize(
    "text",
    [
        "số điện thoại công an phường",
        "cho em xin sđt công an phường ạ",
        "so dien thoai cong an xa la bao nhieu",
    ],
)
async def test_the_polices_number_is_not_the_wards_hotline(
    engine: Engine, store: Store, settings: Settings, text: str
) -> None:
    """No entry gives it (the VNeID one only names the police): the bot says it does not
    have it, offers the hotline as the ward's, and the police's emergency number; the
    question is logged unanswered, for staff to add."""
    reply = await one(Conversation(engine, store, settings), text)
    assert reply.text.startswith("Dạ, em chưa có số điện thoại của c")
    assert f"đường dây nóng của {WARD_NAME} ({HOTLINE})" in reply.text
    assert "113" in reply.text and "VNeID" not in reply.text
    assert f"đường dây nóng của {WARD_NAME} là {HOTLINE}" not in reply.text
    async with store.db.execute("SELECT answered FROM questions") as rows:
        assert [tuple(row) for row in await rows.fetchall()] == [(0,)]


async def test_the_clinics_number_comes_from_the_faq_without_the_wards_hotline(
    engine: Engine, store: Store, settings: Settings
) -> None:
    reply = await one(Conversation(engine, store, settings), "sđt trạm y tế phường")
    assert CLINIC in reply.text and HOTLINE not in reply.text


def test_a_number_to_call_is_told_from_other_figures() -> None:
    assert names_phone_number(CLINIC) and names_phone_number("gọi 113")
    assert names_phone_number("ĐT: 028.3823.4567")
    for text in (POSTED, "lệ phí 1.000.000 đồng", "từ 01/7/2025", "năm 2024 có 12 tháng"):
        assert not names_phone_number(text), text


async def test_the_terminal_tells_the_address_and_another_offices_number_apart(
    engine: Engine, store: Store, settings: Settings
) -> None:
    located = replace(settings, ward_address=ADDRESS)
    conversation = Conversation(engine, store, located)
    output = io.StringIO()
    source = io.StringIO("phường ở đâu vậy\nsố điện thoại công an phường\n/quit\n")
    await asyncio.wait_for(run_chat(conversation, located, source, output), 10)
    out = output.getvalue()
    assert msg.ward_address(WARD_NAME, ADDRESS, HOTLINE) in out
    assert "Dạ, em chưa có số điện thoại của công an phường ạ." in out


async def test_ward_address_is_read_from_the_environment(
    engine: Engine, store: Store, settings: Settings
) -> None:
    """WARD_ADDRESS as an operator sets it (spaces around it dropped) is what residents get."""
    read = Settings.from_env({"WARD_ADDRESS": f"  {ADDRESS} ", "WARD_NAME": WARD_NAME})
    assert read.ward_address == ADDRESS
    located = replace(settings, ward_address=read.ward_address)
    reply = await one(Conversation(engine, store, located), "địa chỉ phường ở đâu")
    assert ADDRESS in reply.text
