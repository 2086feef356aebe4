"""The unit the ward office serves, as WARD_NAME names it: a xã's residents read "cán bộ
xã", a thị trấn's "cán bộ thị trấn", never "phường" (wardbot.messages.unit).

A real Engine over the chat ward, a real Store on a temp file, a staff desk whose group is
the in-memory room of tests/test_desk.py.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from chat_ward import EXAMPLE, ward_greeting
from test_desk import STAFF_GROUP, Clock, FakeRoom

from wardbot import messages as msg
from wardbot.config import Settings
from wardbot.conversation import Conversation
from wardbot.desk import Desk
from wardbot.engine import Engine
from wardbot.store import ChatRef, Store
from wardbot.tickets import TicketBook

RESIDENT = ChatRef("zalo", "u-77")
# Nothing in the chat ward answers it, and it names no unit itself (the offer quotes it).
UNKNOWN = "Cho hỏi có tổ chức lớp dạy bơi miễn phí cho trẻ em trong hè không?"


@pytest.mark.parametrize(
    ("ward_name", "word"),
    [
        ("UBND xã Mỹ Phước Điền", "xã"),
        ("UBND XÃ MỸ PHƯỚC ĐIỀN", "xã"),
        ("UBND xa My Phuoc Dien", "xã"),
        ("Ủy ban nhân dân Thị trấn Cái Bè", "thị trấn"),
        ("UBND thi tran Cai Be", "thị trấn"),
        ("UBND Phường 2", "phường"),
        ("UBND phuong Ben Nghe", "phường"),
        ("UBND phường Xã Đàn", "phường"),  # the first one named: a street's name follows
        ("UBND xã Phương Trung", "xã"),  # "Phương", a name, is no "phường"
        ("UBND thị xã Bình Long", "thị xã"),  # a town: not a "xã"
        ("Ủy ban nhân dân đặc khu Phú Quốc", "đặc khu"),
        ("Bộ phận Một cửa", "phường"),  # names none: as before
    ],
)
def test_the_unit_is_the_first_one_ward_name_names(ward_name: str, word: str) -> None:
    assert msg.unit(ward_name) == word


@pytest.mark.parametrize(
    ("ward_name", "word"),
    [
        ("UBND xã Mỹ Phước Điền", "xã"),
        ("UBND Thị trấn Cái Bè", "thị trấn"),
        ("UBND Phường 2", "phường"),
    ],
)
async def test_residents_and_staff_read_the_unit_ward_name_names(
    ward_engine: Engine, ward_settings: Settings, ward_name: str, word: str
) -> None:
    settings = replace(ward_settings, ward_name=ward_name, staff_chat_id=STAFF_GROUP)
    room = FakeRoom()
    async with await Store.open(settings.data_dir / "bot.sqlite3") as store:
        desk = Desk(TicketBook(store), settings, ward_engine, clock=Clock())
        desk.room = room
        conversation = Conversation(ward_engine, store, settings, desk=desk, clock=Clock())
        greeting, _topics = await conversation.handle_text(RESIDENT, "/start")
        [help_text] = await conversation.handle_text(RESIDENT, "/help")
        [subscribed] = await conversation.handle_text(RESIDENT, "/subscribe bhyt")
        [no_answer] = await conversation.handle_text(RESIDENT, UNKNOWN)
        [received] = await conversation.handle_action(RESIDENT, "staff:ask")
        photo = await conversation.attachment_note(RESIDENT, typed=True)
        await desk.post_pending()
    [ticket_post] = [post.reply.text for post in room.posts]
    read = {
        "greeting": (greeting.text, [f"khi {word} có thông báo mới", f"hỏi cán bộ {word}"]),
        "help": (
            help_text.text,
            [f"Thông báo mới nhất của {word}", f"Chuyển câu hỏi tới cán bộ {word}"],
        ),
        "subscribed": (subscribed.text, [f"Khi {word} có thông báo mới về chủ đề này"]),
        "no answer": (
            no_answer.text,
            [f"tới cán bộ {word} trả lời trực tiếp", f"Cán bộ {word} sẽ trả lời"],
        ),
        "ask button": (no_answer.buttons[0].label, [f"💬 Hỏi cán bộ {word}"]),
        "ticket received": (received.text, [f"tới cán bộ {word} (phiếu số 1)"]),
        "photo on the ticket": (photo, [f"tới cán bộ {word};", f"làm việc với {word}."]),
        # (Above it, the ward's own entries the bot guessed, which its staff wrote.)
        "staff": (ticket_post.splitlines()[-1], [f"thay mặt {word}."]),
    }
    for what, (text, says) in read.items():
        for words in says:
            assert words in text, (what, text)
        if word != "phường":
            assert "phường" not in text.casefold(), (what, text)


@pytest.mark.parametrize(
    ("ward_name", "word"),
    [
        ("UBND xã Mỹ Phước Điền", "xã"),
        ("UBND thị trấn Phú Mỹ", "thị trấn"),
        ("UBND thị trấn Phú Mỹ", "thi tran"),  # typed without diacritics
        ("UBND đặc khu Phú Quốc", "đặc khu"),
        ("UBND Phường 2", "phường"),
    ],
)
async def test_residents_who_name_the_unit_are_understood(
    ward_engine: Engine, ward_settings: Settings, ward_name: str, word: str
) -> None:
    """A resident types the bot's own words back, with the unit it names: the ask
    button's "Hỏi cán bộ xã", /latest's "Thông báo mới nhất của xã"; or greets the
    office by it, as "chào phường" does."""
    settings = replace(ward_settings, ward_name=ward_name)
    async with await Store.open(settings.data_dir / "bot.sqlite3") as store:
        conversation = Conversation(ward_engine, store, settings, clock=Clock())
        [latest] = await conversation.handle_text(RESIDENT, "/latest")
        greeting, *_ = await conversation.handle_text(RESIDENT, "/start")
        assert greeting.text == ward_greeting(ward_name)
        said = {
            f"Hỏi cán bộ {word}": msg.staff_unavailable(ward_name, settings.ward_hotline),
            f"thông báo mới nhất của {word}": latest.text,
            f"gặp cán bộ UBND {word}": msg.staff_unavailable(ward_name, settings.ward_hotline),
            f"tin mới của UBND {word}": latest.text,
            # A greeting (soon after /start's, nothing asked: greeted back in a line).
            f"chào {word} ạ": msg.greeted_back(ward_name, example=EXAMPLE),
        }
        for text, reply in said.items():
            got, *_ = await conversation.handle_text(RESIDENT, text)
            assert got.text == reply, text
        assert await store.unanswered(since=0) == [], "nothing goes to /unanswered"
