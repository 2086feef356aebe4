"""Follow-ups that find the line: what a follow-up asks is found in the entry just given, or
in the entry listed under it that is on just that ("Lệ phí ... là bao nhiêu?").

A real Engine (matching by meaning on, as the bot runs) over a small ward of its own, and
a real Store; the clock is the test's.
"""

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
CHAT = ChatRef("test", "15")
SHOP = "Đăng ký hộ kinh doanh cá thể như thế nào?"
SHOP_FEE = "Lệ phí đăng ký hộ kinh doanh là bao nhiêu?"
HOUSING = "Xin hỗ trợ sửa nhà cho gia đình khó khăn thế nào?"
HOUSING_WHO = "Gia đình như thế nào thì được hỗ trợ sửa nhà?"
COPIES = "Sao y giấy tờ ở phường cần mang gì?"
BUILDING_FEE = "Phí cấp giấy phép xây dựng nhà ở là bao nhiêu?"
LIBRARY = "Thư viện phường mở cửa giờ nào?"
DEATH = "Đăng ký khai tử cho người thân thế nào?"
MILITARY = "Đăng ký nghĩa vụ quân sự lần đầu thế nào?"
DISABILITY = "Xin trợ cấp cho người khuyết tật thế nào?"
ELDERLY = "Xin trợ cấp hằng tháng cho ông bà lớn tuổi thế nào?"
FAQ = f"""\
topics:
  - id: kinh-doanh
    name: Kinh doanh
    keywords: [hộ kinh doanh]
  - id: nha-o
    name: Nhà ở
    keywords: [sửa nhà, xây dựng]

faq:
  - id: ho-kinh-doanh
    question: {SHOP}
    variants: [mở tiệm tạp hóa cần đăng ký gì]
    answer: |
      Chủ hộ nộp giấy đề nghị đăng ký hộ kinh doanh kèm bản sao căn cước.
      Kết quả trả trong 3 ngày làm việc.
    topics: [kinh-doanh]
  - id: ho-kinh-doanh-le-phi
    question: {SHOP_FEE}
    variants: [mở tiệm có mất phí đăng ký không]
    answer: |
      Lệ phí đăng ký hộ kinh doanh là 100.000 đồng một lần.
    topics: [kinh-doanh]
  - id: ho-kinh-doanh-tam-ngung
    question: Tạm ngừng hộ kinh doanh thế nào?
    answer: |
      Chủ hộ gửi thông báo tạm ngừng kinh doanh chậm nhất 3 ngày trước khi ngừng.
    topics: [kinh-doanh]
  - id: sua-nha
    question: {HOUSING}
    variants: [xin tiền sửa nhà dột]
    answer: |
      Gia đình viết đơn gửi tổ trưởng khu phố, tổ trưởng chuyển lên phường xét duyệt.
      Kết quả xét duyệt được báo lại cho gia đình.
    topics: [nha-o]
  - id: sua-nha-doi-tuong
    question: {HOUSING_WHO}
    variants: [tiêu chuẩn được hỗ trợ sửa nhà]
    answer: |
      Gia đình có nhà hư hỏng nặng, thuộc diện khó khăn theo danh sách của phường.
    topics: [nha-o]
  - id: giay-phep-xay-dung-phi
    question: {BUILDING_FEE}
    answer: |
      Mức phí theo quy định của Bộ Tài chính, được niêm yết tại nơi nhận hồ sơ.
      Bà con đến Bộ phận một cửa của phường để nộp hồ sơ và đóng phí.
    topics: [nha-o]
  - id: sao-y
    question: {COPIES}
    answer: |
      Mang bản chính và bản chụp đến quầy chứng thực.
      Phí thu theo số trang của bản sao.
  - id: thu-vien
    question: {LIBRARY}
    answer: |
      Mở cửa từ thứ hai đến thứ sáu, sáng 8 giờ, chiều 14 giờ.
      Thứ bảy chỉ mở buổi sáng, chủ nhật nghỉ.
      Mượn sách cần có thẻ bạn đọc.
  - id: khai-tu
    question: {DEATH}
    answer: |
      Người thân đăng ký khai tử trong thời hạn 15 ngày kể từ ngày người đó mất.
      Mang giấy báo tử và giấy tờ tùy thân đến bộ phận một cửa.
      Trích lục khai tử được trả trong ngày.
  - id: nghia-vu-quan-su
    question: {MILITARY}
    answer: |
      Nam đủ 17 tuổi đăng ký tại Ban Chỉ huy quân sự phường, chậm nhất trước ngày 30 tháng 4.
      Mang theo căn cước và giấy khai sinh.
  - id: tro-cap-khuyet-tat
    question: {DISABILITY}
    answer: |
      Đối tượng: người khuyết tật nặng và đặc biệt nặng, có giấy xác nhận mức độ khuyết tật.
      Nộp tờ khai tại bộ phận một cửa của phường.
      Trợ cấp chi trả hằng tháng qua bưu điện.
  - id: tro-cap-cao-tuoi
    question: {ELDERLY}
    answer: |
      Ông bà không có lương hưu, sống một mình, được xét hưởng trợ cấp hằng tháng.
      Con cháu viết tờ khai gửi cán bộ xã hội của phường.
      Tiền chuyển vào tài khoản ngân hàng vào đầu tháng.
"""


ward, engine, settings, store = own_ward(FAQ, "followup-lines-ward", TODAY)


@pytest.fixture
def conversation(engine: Engine, store: Store, settings: Settings) -> Conversation:
    now = 1_700_000_000.0
    return Conversation(engine, store, settings, clock=lambda: now)


async def asked(conversation: Conversation, *texts: str) -> list[str]:
    """Each message's one reply, as title, text and the buttons' actions."""
    shown = []
    for text in texts:
        replies = await conversation.handle_text(CHAT, text, sender=CHAT.chat_id)
        assert len(replies) == 1, replies
        (reply,) = replies
        shown.append(f"{reply.title}\n{reply.text}\n{[b.action for b in reply.buttons]}")
    return shown


@pytest.mark.parametrize("then", ["bao nhiêu tiền", "có mất tiền không ạ", "lệ phí bao nhiêu"])
async def test_a_fee_the_entry_does_not_state_comes_from_the_fee_entry_listed_under_it(
    conversation: Conversation, then: str
) -> None:
    """The shop registration entry names no fee; the fee entry is listed under it: asked
    the fee, the resident gets that entry, not 'the fee is not stated'."""
    first, reply = await asked(conversation, "đăng ký hộ kinh doanh cá thể", then)
    assert first.startswith(SHOP) and "faq:ho-kinh-doanh-le-phi" in first  # listed under it
    assert reply.startswith(SHOP_FEE)
    assert "100.000 đồng" in reply


async def test_criteria_the_entry_does_not_state_come_from_the_entry_on_them_listed_under_it(
    conversation: Conversation,
) -> None:
    first, reply = await asked(conversation, "xin hỗ trợ sửa nhà", "điều kiện thế nào")
    assert first.startswith(HOUSING) and "faq:sua-nha-doi-tuong" in first
    assert reply.startswith(HOUSING_WHO)
    assert "hư hỏng nặng" in reply


async def test_criteria_neither_the_entry_nor_one_under_it_states_are_said_not_stated(
    conversation: Conversation, settings: Settings
) -> None:
    """Under the library hours, none is on who may borrow: the resident is told so, and
    whom to ask, not another procedure's conditions."""
    _, reply = await asked(conversation, "thư viện phường mở cửa giờ nào", "điều kiện thế nào")
    expected = msg.not_stated(LIBRARY, ("conditions",), settings.ward_name, settings.ward_hotline)
    assert reply.split("\n[")[0] == f"None\n{expected}"


@pytest.mark.parametrize("then", ["bao nhiêu tiền 1 trang", "bao nhiêu tiền một trang"])
async def test_a_count_in_a_follow_up_is_no_word_the_line_must_hold(
    conversation: Conversation, then: str
) -> None:
    _, reply = await asked(conversation, "sao y giấy tờ cần mang gì", then)
    assert reply.startswith(COPIES)
    assert "Phí thu theo số trang" in reply
    assert "bản chính" not in reply  # that line, not the whole entry


async def test_where_is_the_office_to_go_to_not_where_a_price_list_is_posted(
    conversation: Conversation,
) -> None:
    """ "Niêm yết tại nơi nhận hồ sơ" says where the fee is posted ("Bộ Tài chính" is no
    "tại" either); "đến Bộ phận một cửa" says where to go."""
    _, reply = await asked(conversation, "phí cấp giấy phép xây dựng", "ở đâu ạ")
    assert reply.startswith(BUILDING_FEE)
    assert "Bà con đến Bộ phận một cửa" in reply
    assert "niêm yết" not in reply


@pytest.mark.parametrize(
    "then",
    [
        "thứ 7 có mở không",
        "thu 7 co mo khong",
        "thứ bảy có mở không",
        "t7 có mở cửa ko",
        "t7 co lam viec k",
        "thứ bảy có làm việc hông",
        "cn có ai trực không",
        # As wardbot.notice_notes read them too (one reader: wardbot.weekdays).
        "thu7 co mo khong",
        "t 7 co mo cua ko",
        "chủ nhựt có mở hông",
    ],
)
async def test_a_weekday_asked_after_opening_hours_gets_that_days_line(
    conversation: Conversation, then: str
) -> None:
    """ "Thứ 7", "t7" are "thứ bảy", "cn" "chủ nhật": the line about that day, not the whole
    hours again (nor the line about weekdays, which names "thứ" too), nor "no
    information" for want of a line saying "mở cửa", "làm việc" or "trực" itself."""
    first, reply = await asked(conversation, "thư viện phường mở cửa giờ nào", then)
    assert first.startswith(LIBRARY)
    assert reply.startswith(LIBRARY)
    assert "Thứ bảy chỉ mở buổi sáng" in reply
    assert "thứ hai đến thứ sáu" not in reply


@pytest.mark.parametrize(
    "then", ["mất bao lâu", "bao lâu thì có", "mấy ngày thì lấy được", "mat may ngay vay"]
)
async def test_how_long_gets_the_offices_time_not_the_residents_deadline(
    conversation: Conversation, settings: Settings, then: str
) -> None:
    """ "Bao lâu thì có" asks how long the office takes: the line saying it is done the same
    day, never the deadline for registering ("trong thời hạn 15 ngày kể từ ngày..."); an
    entry naming only a deadline is said not to state the time, with whom to call."""
    first, reply = await asked(conversation, "đăng ký khai tử cho người thân", then)
    assert first.startswith(DEATH)
    assert reply.startswith(DEATH)
    assert "trả trong ngày" in reply
    assert "15 ngày" not in reply
    _, reply = await asked(conversation, "đăng ký nghĩa vụ quân sự lần đầu", then)
    expected = msg.not_stated(MILITARY, ("time",), settings.ward_name, settings.ward_hotline)
    assert reply.split("\n[")[0] == f"None\n{expected}"


@pytest.mark.parametrize(
    "then", ["ai được hưởng", "những ai được nhận vậy", "ai duoc huong z", "đối tượng nào ạ"]
)
async def test_who_may_apply_gets_the_line_on_who(conversation: Conversation, then: str) -> None:
    """Who may apply, asked as residents ask it, is the entry's conditions: its line on
    who, not "no information" nor the whole answer again."""
    first, reply = await asked(conversation, "xin trợ cấp người khuyết tật", then)
    assert first.startswith(DISABILITY)
    assert reply.startswith(DISABILITY)
    assert "Đối tượng: người khuyết tật nặng" in reply
    assert "bưu điện" not in reply


@pytest.mark.parametrize(
    "then",
    [
        "người nào được nhận",
        "nhung nguoi nao dc huong",
        "ai dc nhan v",
        "nhà tui có được hông",
        "nha minh co duoc khong",
        "em có được nhận không ạ",
    ],
)
async def test_who_qualifies_asked_any_way_gets_the_line_naming_who(
    conversation: Conversation, then: str
) -> None:
    """Who gets it ("người nào", "ai"), or whether the resident's own household does,
    in the north's, centre's and south's words, with or without accents, asks the
    entry's conditions: its line naming who is "được xét hưởng", though it says no
    "đối tượng" — not the whole answer, close matches, nor "not stated"."""
    first, reply = await asked(conversation, "xin trợ cấp cho ông bà lớn tuổi", then)
    assert first.startswith(ELDERLY)
    assert reply.startswith(ELDERLY)
    assert "không có lương hưu, sống một mình" in reply
    assert "tài khoản ngân hàng" not in reply


@pytest.mark.parametrize(
    "then", ["hạn chót là khi nào", "tre nhat la bao gio a", "muộn nhất là mấy hôm", "hạn cuối?"]
)
async def test_the_latest_day_asked_gets_the_residents_deadline(
    conversation: Conversation, then: str
) -> None:
    """ "Hạn chót", "trễ nhất", "muộn nhất" ask the resident's own deadline, naming
    nothing a line must hold: the line saying it, not "no information"."""
    first, reply = await asked(conversation, "đăng ký nghĩa vụ quân sự lần đầu", then)
    assert first.startswith(MILITARY)
    assert reply.startswith(MILITARY)
    assert "chậm nhất trước ngày 30 tháng 4" in reply
    assert "Mang theo căn cước" not in reply
    _, reply = await asked(conversation, "đăng ký khai tử cho người thân", then)
    assert reply.startswith(DEATH)
    assert "trong thời hạn 15 ngày" in reply


@pytest.mark.parametrize(
    ("first", "then", "line"),
    [
        ("đăng ký khai tử cho người thân", "mất bao lâu hả bác", "trả trong ngày"),
        ("đăng ký khai tử cho người thân", "mat bao lau ha chu", "trả trong ngày"),
        ("đăng ký khai tử cho người thân", "mất mấy ngày vậy cô", "trả trong ngày"),
        ("sao y giấy tờ cần mang gì", "bao nhiêu tiền 1 trang hả", "Phí thu theo số trang"),
        ("đăng ký khai tử cho người thân", "mất mấy ngày hả bác ơi", "trả trong ngày"),
        ("đăng ký khai tử cho người thân", "co oi, mat bao lau", "trả trong ngày"),
        ("đăng ký khai tử cho người thân", "hả? thế mất bao lâu", "trả trong ngày"),
        # "Rồi" (then) opening it, or after "xong": the next step of what was answered.
        ("đăng ký khai tử cho người thân", "rồi mất mấy ngày", "trả trong ngày"),
        ("đăng ký khai tử cho người thân", "xong roi thi mat bao lau", "trả trong ngày"),
    ],
)
async def test_a_follow_up_closed_to_the_officer_still_asks_about_the_answer(
    conversation: Conversation, first: str, then: str, line: str
) -> None:
    """The north's "hả" and whom the resident addresses ("bác", "cô", "chú") close the
    question, or call the officer anywhere in it ("cô ơi"), naming nothing a line must
    hold, nor does "rồi" (then): the line that answers it, not close matches nor "no
    information"."""
    shown, reply = await asked(conversation, first, then)
    title = shown.split("\n")[0]
    assert reply.startswith(title)
    assert line in reply
