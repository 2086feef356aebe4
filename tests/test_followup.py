"""Follow-up questions: "mất bao lâu?" a short while after an answer asks more about it.

A real Engine (matching by meaning on, as the bot runs) over a small ward whose entry on
re-issuing an ID card says its place, fee, time and what parents do for a child, and a
real Store; the clock is the test's.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from own_ward import open_ward, own_ward

from handlers.terminal import run_chat
from wardbot import messages as msg
from wardbot.config import Settings
from wardbot.conversation import Conversation
from wardbot.engine import Engine
from wardbot.followup import asks_only, excerpt, follows_up
from wardbot.models import FaqEntry
from wardbot.reply import Reply
from wardbot.store import ChatRef, Store

TODAY = dt.date(2024, 8, 1)
CHAT = ChatRef("test", "7")
ID_CARD = "Cấp lại thẻ căn cước bị mất làm thế nào?"
BIRTH = "Đăng ký khai sinh cần giấy tờ gì?"
MARRIAGE = "Đăng ký kết hôn cần những gì?"
COPIES_FEE = "Lệ phí chứng thực bản sao là bao nhiêu?"
ALLOWANCE = "Đăng ký nhận trợ cấp xã hội cho người cao tuổi thế nào?"
FAQ = """\
topics:
  - id: can-cuoc
    name: Căn cước
    keywords: [căn cước, cccd]
  - id: ho-tich
    name: Hộ tịch
    keywords: [hộ tịch, khai sinh, kết hôn]

faq:
  - id: cap-lai-can-cuoc
    question: Cấp lại thẻ căn cước bị mất làm thế nào?
    variants: [làm lại cccd bị mất, mất căn cước công dân thì làm sao]
    answer: |
      Người dân đề nghị cấp lại thẻ căn cước, mang theo giấy tờ tùy thân còn lại (nếu có).
      - Nơi làm: Công an phường, hoặc trực tuyến trên ứng dụng VNeID.
      - Lệ phí: 70.000 đồng; làm trực tuyến 35.000 đồng.
      - Thời gian: 7 ngày làm việc kể từ khi nhận đủ hồ sơ.
      - Trẻ em dưới 14 tuổi: cha, mẹ hoặc người giám hộ làm thủ tục thay cho con.
      - Người đang ở xa: làm trực tuyến, nhận thẻ qua bưu điện.
      Trong thời gian chờ thẻ, tài khoản VNeID mức 2 dùng thay thẻ.
      Bà con giữ giấy hẹn để nhận thẻ.
    topics: [can-cuoc]
  - id: dang-ky-khai-sinh
    question: Đăng ký khai sinh cần giấy tờ gì?
    variants: [làm giấy khai sinh cho bé]
    answer: |
      Giấy chứng sinh và giấy tờ tùy thân của cha mẹ.
      - Lệ phí: miễn phí nếu đăng ký đúng hạn.
      - Thời gian: trả kết quả trong ngày.
    topics: [ho-tich]
  - id: dang-ky-ket-hon
    question: Đăng ký kết hôn cần những gì?
    variants: [thủ tục đăng ký kết hôn]
    answer: |
      Hai bên nam nữ cùng có mặt, mang giấy xác nhận tình trạng hôn nhân và giấy tờ tùy thân.
    topics: [ho-tich]
  - id: le-phi-chung-thuc
    question: Lệ phí chứng thực bản sao là bao nhiêu?
    variants: [phí công chứng bản sao]
    answer: |
      2.000 đồng một trang, từ trang thứ ba 1.000 đồng một trang.
  - id: gio-lam-viec
    question: Giờ làm việc của bộ phận một cửa?
    variants: [mấy giờ phường mở cửa]
    answer: |
      Sáng 7 giờ 30 đến 11 giờ 30, chiều 13 giờ 30 đến 17 giờ, từ thứ Hai đến thứ Sáu.
  - id: dang-ky-tam-tru
    question: Đăng ký tạm trú cần giấy tờ gì?
    variants: [hồ sơ đăng ký tạm trú]
    answer: |
      Tờ khai thay đổi thông tin cư trú (CT01) và giấy tờ chứng minh chỗ ở hợp pháp.
      Ai ở nơi khác từ 45 ngày trở lên thì phải đăng ký.
      Tạm trú có thời hạn tối đa 3 năm, sắp hết hạn thì gia hạn trước 20 ngày.
      Giấy xác nhận tạm trú có giá trị 9 tháng.
  - id: bhyt-ho-gia-dinh
    question: Tham gia bảo hiểm y tế hộ gia đình như thế nào?
    variants: [mua bhyt hộ gia đình]
    answer: |
      Đăng ký tại bộ phận một cửa của phường, mang theo căn cước của người tham gia.
      - Đóng theo quý, 6 tháng hoặc 12 tháng.
      - Có thể đóng 3 tháng, 6 tháng hoặc 12 tháng một lần tại đại lý thu.
  - id: tro-cap-xa-hoi
    question: Đăng ký nhận trợ cấp xã hội cho người cao tuổi thế nào?
    variants: [xin trợ cấp người cao tuổi]
    answer: |
      Nộp tờ khai tại bộ phận một cửa của phường.
      - Hồ sơ được giải quyết trong 10 ngày làm việc.
      - Trợ cấp chi trả mỗi tháng tại nhà văn hóa, hoặc 3 tháng một lần qua bưu điện.
"""
TEMPORARY = "Đăng ký tạm trú cần giấy tờ gì?"
HEALTH_INSURANCE = "Tham gia bảo hiểm y tế hộ gia đình như thế nào?"


ward, engine, settings, store = own_ward(FAQ, "followup-ward", TODAY)


def engine_over(name: str, faq: str) -> Any:
    """A module-wide fixture: the engine over another small ward holding `faq`."""

    @pytest.fixture(scope="module")
    def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
        opened = open_ward(tmp_path_factory.mktemp(name), faq, TODAY)
        yield opened
        opened.close()

    return engine


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def conversation(engine: Engine, store: Store, settings: Settings, clock: Clock) -> Conversation:
    return Conversation(engine, store, settings, clock=clock)


@pytest.fixture
def fresh(engine: Engine, store: Store, settings: Settings, clock: Clock) -> Conversation:
    """Another conversation, that has answered nothing: how a message is read alone."""
    return Conversation(engine, store, settings, clock=clock)


def seen(replies: list[Reply]) -> list[tuple[str | None, str, tuple[str, ...]]]:
    return [(r.title, r.text, tuple(b.action for b in r.buttons)) for r in replies]


async def one(conversation: Conversation, text: str, chat: ChatRef = CHAT) -> Reply:
    replies = await conversation.handle_text(chat, text, sender=chat.chat_id)
    assert len(replies) == 1, replies
    return replies[0]


FOLLOW_UPS = [
    # (the first question, the follow-up, the entry it is about, what the reply says)
    ("làm lại cccd bị mất", "mất bao lâu?", ID_CARD, "Thời gian: 7 ngày làm việc"),
    ("làm lại cccd bị mất", "lệ phí bao nhiêu ạ", ID_CARD, "Lệ phí: 70.000 đồng"),
    ("làm lại cccd bị mất", "còn làm ở đâu", ID_CARD, "Nơi làm: Công an phường"),
    ("làm lại cccd bị mất", "thế còn cho con thì sao?", ID_CARD, "thay cho con"),
    ("làm lại cccd bị mất", "nếu ở xa thì sao", ID_CARD, "nhận thẻ qua bưu điện"),
    ("lam lai cccd bi mat", "le phi bao nhieu", ID_CARD, "Lệ phí: 70.000 đồng"),
    ("làm lại cccd bị mất", "có làm online được không", ID_CARD, "trực tuyến trên ứng dụng VNeID"),
    ("lam lai cccd bi mat", "mat bao lau vay", ID_CARD, "Thời gian: 7 ngày làm việc"),
    # "Còn" typed without accents, which "con" (a child) is too.
    ("lam lai cccd bi mat", "con le phi thi sao", ID_CARD, "Lệ phí: 70.000 đồng"),
    ("lam lai cccd bi mat", "the con lam o dau", ID_CARD, "Nơi làm: Công an phường"),
    ("lam lai cccd bi mat", "con cho con thi sao", ID_CARD, "thay cho con"),
    # Asked alone, "lệ phí" would be answered with the fee of another procedure.
    ("đăng ký khai sinh cần giấy tờ gì", "lệ phí bao nhiêu ạ", BIRTH, "miễn phí"),
    ("đăng ký khai sinh cần giấy tờ gì", "mất mấy ngày", BIRTH, "trả kết quả trong ngày"),
    # The south's "nhiêu" (bao nhiêu) and "tốn" (costs): the time, the amount.
    ("làm lại cccd bị mất", "mất nhiêu ngày", ID_CARD, "Thời gian: 7 ngày làm việc"),
    ("làm lại cccd bị mất", "tốn nhiêu tiền", ID_CARD, "Lệ phí: 70.000 đồng"),
    ("lam lai cccd bi mat", "ton nhieu tien vay", ID_CARD, "Lệ phí: 70.000 đồng"),
    ("làm lại cccd bị mất", "có mất nhiều ngày không", ID_CARD, "Thời gian: 7 ngày làm việc"),
    # The south's "mấy bữa" (bữa: a day) and "chừng nào" (khi nào).
    ("làm lại cccd bị mất", "mấy bữa thì có", ID_CARD, "Thời gian: 7 ngày làm việc"),
    ("lam lai cccd bi mat", "chung nao thi co vay", ID_CARD, "Thời gian: 7 ngày làm việc"),
    # Receiving ("lãnh", the south's; "lĩnh", "nhận") names nothing of its own: where the
    # allowance is paid, not where its file is handed in ("nộp": that one).
    ("xin trợ cấp người cao tuổi", "lãnh ở đâu", ALLOWANCE, "tại nhà văn hóa"),
    ("xin tro cap nguoi cao tuoi", "nhan tien o dau vay", ALLOWANCE, "tại nhà văn hóa"),
    ("xin trợ cấp người cao tuổi", "lĩnh tiền ở chỗ nào", ALLOWANCE, "tại nhà văn hóa"),
    ("xin trợ cấp người cao tuổi", "khi nào được lãnh", ALLOWANCE, "chi trả mỗi tháng"),
    ("xin trợ cấp người cao tuổi", "lãnh mấy tháng một lần", ALLOWANCE, "3 tháng một lần"),
    ("xin trợ cấp người cao tuổi", "nộp ở đâu", ALLOWANCE, "bộ phận một cửa"),
]


@pytest.mark.parametrize(("first", "then", "title", "says"), FOLLOW_UPS)
async def test_a_follow_up_is_answered_from_the_entry_just_given(
    conversation: Conversation, clock: Clock, first: str, then: str, title: str, says: str
) -> None:
    answer = await one(conversation, first)
    assert answer.title == title
    clock.now += 5 * 60
    reply = await one(conversation, then)
    assert reply.title == title
    assert says in reply.text
    # The lines that say it, not the whole entry again.
    assert reply.text != answer.text
    assert "Bà con" not in reply.text  # (folks: no child, no fee, no time)
    # The whole one is a tap away; and, as under any answer, "🙁 Chưa đúng ý tôi hỏi".
    assert [b.label for b in reply.buttons] == [msg.WHOLE_ANSWER_BUTTON, msg.WRONG_BUTTON]
    opened = await conversation.handle_action(CHAT, reply.buttons[0].action)
    # The whole answer as given first, but for its "🙁 Chưa đúng ý" (the bot's answer's).
    assert answer.buttons[-1].label == msg.WRONG_BUTTON
    assert seen(opened) == seen([replace(answer, buttons=answer.buttons[:-1])])


async def test_a_follow_up_said_by_every_line_of_the_answer_offers_nothing_to_open_again(
    conversation: Conversation, settings: Settings
) -> None:
    """ "Cần mang gì ạ" after the marriage entry, whose one line says it: the entry as any
    answer shows it, without "📄 Xem đầy đủ" opening the same line again; "xem đầy đủ"
    typed next (in the terminal) is told it was all."""
    answer = await one(conversation, "thủ tục đăng ký kết hôn")
    assert answer.title == MARRIAGE
    reply = await one(conversation, "cần mang gì ạ")
    assert reply.title == MARRIAGE and reply.text == answer.text
    assert [b.label for b in reply.buttons] == [msg.WRONG_BUTTON]
    output = io.StringIO()
    lines = ["thủ tục đăng ký kết hôn", "cần mang gì ạ", "xem đầy đủ", "/quit"]
    source = io.StringIO("".join(f"{line}\n" for line in lines))
    await asyncio.wait_for(run_chat(conversation, settings, source, output), 10)
    shown, typed = output.getvalue().split("> cần mang gì ạ\n", 1)[1].split("> xem đầy đủ\n")
    assert MARRIAGE in shown and msg.WHOLE_ANSWER_BUTTON not in shown
    assert msg.full_text_sent() in typed and MARRIAGE not in typed


async def test_follow_ups_keep_to_the_subject_and_to_an_entry_opened_from_a_list(
    conversation: Conversation, clock: Clock
) -> None:
    await one(conversation, "làm lại cccd bị mất")
    fee = await one(conversation, "lệ phí bao nhiêu ạ")
    time = await one(conversation, "mất bao lâu?")  # still the ID card, not the fee
    assert (fee.title, time.title) == (ID_CARD, ID_CARD)
    assert "7 ngày làm việc" in time.text
    assert "chờ thẻ" not in time.text  # "thời gian" there is no time the procedure takes
    # An entry opened by its button (a related question, a close match) is the subject.
    await conversation.handle_action(CHAT, "faq:dang-ky-khai-sinh")
    clock.now += 60
    assert "miễn phí" in (await one(conversation, "lệ phí bao nhiêu ạ")).text


MARRIAGE = "Đăng ký kết hôn cần những gì?"


async def test_how_long_after_an_entry_naming_only_how_long_it_is_valid_is_not_stated(
    conversation: Conversation,
) -> None:
    """The temporary residence entry names how long a registration lasts, how long before
    its end to renew, how long one stays before registering: no time the procedure takes.
    "Mất bao lâu?" after it is told the entry does not say, not one of those quoted as if
    it were the wait."""
    await one(conversation, "đăng ký tạm trú cần giấy tờ gì")
    reply = await one(conversation, "mất bao lâu?")
    assert reply.text == msg.not_stated(TEMPORARY, ("time",), "UBND Phường 2", "0276 3822 123")
    # The entry stays the subject: what it does say is still quoted from it.
    papers = await one(conversation, "cần mang theo giấy tờ gì")
    assert papers.title == TEMPORARY and "CT01" in papers.text


async def test_how_long_after_an_entry_naming_only_how_often_one_pays_is_not_stated(
    conversation: Conversation, clock: Clock
) -> None:
    """The household health insurance entry says how often one pays (by quarter, for 6 or
    12 months at a time): no time the procedure takes. "Mất bao lâu?" after it is told the
    entry does not say, not a payment period quoted as if it were the wait."""
    await one(conversation, "mua bhyt hộ gia đình")
    reply = await one(conversation, "mất bao lâu?")
    assert reply.text == msg.not_stated(
        HEALTH_INSURANCE, ("time",), "UBND Phường 2", "0276 3822 123"
    )
    # Asked after an entry saying both, the time it takes is quoted, not how often it pays.
    clock.now += 60
    await one(conversation, "xin trợ cấp người cao tuổi")
    reply = await one(conversation, "mất mấy ngày")
    assert "giải quyết trong 10 ngày làm việc" in reply.text
    assert "3 tháng một lần" not in reply.text


@pytest.mark.parametrize(
    ("line", "a_wait"),
    [
        ("Cấp mới 7 ngày.", True),  # "mới" (new), no "mỗi" (each)
        ("Thời gian giải quyết 5 ngày (tính theo ngày làm việc).", True),
        ("Trả kết quả sau 3 ngày kể từ ngày đóng lệ phí.", True),
        ("Thời gian: 7 ngày.", True),
        ("Nhận lương hưu hằng tháng, 2 tháng hoặc 3 tháng.", False),
        ("Khám sức khỏe định kỳ 6 tháng.", False),
        ("Gia hạn mỗi 12 tháng.", False),
    ],
)
def test_a_line_naming_how_often_is_no_answer_to_how_long_one_naming_a_wait_is(
    line: str, a_wait: bool
) -> None:
    """What "mất bao lâu?" quotes of an entry: a duration after a wait ("giải quyết",
    "trả kết quả", a "Thời gian:" label), not one of how often something recurs."""
    entry = FaqEntry("x", "Thủ tục X?", f"Nộp hồ sơ tại phường.\n{line}\n")
    found = excerpt(entry, "mất bao lâu?")
    assert (found is not None and found.lines == (line,)) is a_wait, found


@pytest.mark.parametrize(
    ("line", "a_wait"),
    [
        # Typed without accents, as some staff write faq.yaml: the same reading.
        ("Dong theo quy, 6 thang hoac 12 thang.", False),
        ("Tro cap chi tra 3 thang mot lan qua buu dien.", False),
        ("Kham suc khoe dinh ky 6 thang.", False),
        ("Nhan luong huu hang thang, 2 thang hoac 3 thang.", False),
        ("Ho so duoc giai quyet trong 10 ngay lam viec.", True),
        ("Cap moi 7 ngay.", True),  # "moi": "mới" (new) as well as "mỗi" (each)
        # "Định kì" is how some write "định kỳ".
        ("Khám sức khỏe định kì 6 tháng.", False),
    ],
)
def test_a_line_typed_without_accents_naming_how_often_is_no_answer_to_how_long(
    line: str, a_wait: bool
) -> None:
    """An entry written without accents ("Dong theo quy, 6 thang hoac 12 thang") is read
    as one written with them: "mất bao lâu?" does not quote how often one pays as the time
    the procedure takes, and still quotes its wait ("giai quyet trong 10 ngay")."""
    entry = FaqEntry("x", "Thủ tục X?", f"Nop ho so tai phuong.\n{line}\n")
    found = excerpt(entry, "mất bao lâu?")
    assert (found is not None and found.lines == (line,)) is a_wait, found


@pytest.mark.parametrize(
    "line",
    [
        "Hồ sơ giải quyết trong 10 ngày làm việc và trợ cấp chi trả hằng tháng.",
        "Trả thẻ trong 5 ngày làm việc (đóng theo năm).",
        "Thời gian giải quyết 10 ngày (tính theo ngày dương lịch).",
        "Cấp giấy trong 3 ngày, khám định kỳ 6 tháng một lần.",
    ],
)
def test_a_line_naming_a_wait_and_how_often_answers_how_long(line: str) -> None:
    """A line saying both how long the procedure takes and how often something recurs, in
    one breath: "mất bao lâu?" quotes it (the wait is there), and the resident is not told
    the entry does not say how long it takes."""
    entry = FaqEntry("x", "Thủ tục X?", f"Nộp hồ sơ tại phường.\n{line}\n")
    found = excerpt(entry, "mất bao lâu?")
    assert found is not None and found.lines == (line,), found


@pytest.mark.parametrize(
    ("line", "a_wait"),
    [
        # A deadline the resident keeps: no time the office takes.
        ("Cha mẹ đăng ký cho con trong thời hạn 60 ngày kể từ ngày sinh.", False),
        ("Nam đủ 17 tuổi đăng ký chậm nhất 30 ngày trước ngày nhập học.", False),
        ("Người thân khai báo trong 15 ngày kể từ khi người đó mất.", False),
        ("Hạn chót nộp hồ sơ: 20 ngày sau khi có thông báo.", False),
        ("Cha me dang ky trong thoi han 60 ngay ke tu ngay sinh.", False),
        # A deadline of the office's: the wait the resident asks about.
        ("Trong thời hạn 3 ngày làm việc kể từ ngày nhận đủ hồ sơ, phường trả kết quả.", True),
        ("Chậm nhất 5 ngày kể từ ngày nộp, cán bộ trả lời bằng văn bản.", True),
        ("Giấy được cấp trong thời hạn 10 ngày.", True),
    ],
)
def test_a_deadline_the_resident_keeps_is_no_answer_to_how_long(line: str, a_wait: bool) -> None:
    """ "Mất bao lâu?", "bao lâu thì có" ask how long the office takes: a line giving the
    resident's own deadline ("trong thời hạn 60 ngày kể từ ngày sinh", "chậm nhất") is no
    answer; one naming the office's work within its time limit is."""
    entry = FaqEntry("x", "Thủ tục X?", f"Nộp hồ sơ tại phường.\n{line}\n")
    for then in ("mất bao lâu?", "bao lâu thì có", "mấy ngày thì lấy được", "bao lau thi co"):
        found = excerpt(entry, then)
        assert (found is not None and found.lines == (line,)) is a_wait, (then, found)


@pytest.mark.parametrize(
    ("line", "at_once"),
    [
        ("Cán bộ đối chiếu bản chính rồi chứng thực và trả ngay.", True),
        ("Hồ sơ hợp lệ thì cấp giấy ngay trong buổi.", True),
        ("Nộp xong là lấy liền, khỏi chờ.", True),  # southern "liền"
        ("Can bo xu ly ngay lap tuc.", True),  # without accents
        # "Ngày" folds to "ngay" too: a day named is no wait.
        ("Trả kết quả ngày thứ Hai hằng tuần.", False),
        ("Nhận thẻ ngày 15 hằng tháng.", False),
        ("Nhận liên hệ qua số điện thoại của phường.", False),
    ],
)
def test_a_line_saying_it_is_done_at_once_answers_how_long(line: str, at_once: bool) -> None:
    """ "Mất bao lâu?" after an entry saying the office hands it over at once ("trả ngay",
    "lấy liền") gets that line, not "the entry does not say how long"; a line naming
    the day it is handed over ("trả kết quả ngày thứ Hai") is no such answer."""
    entry = FaqEntry("x", "Thủ tục X?", f"Mang bản chính và bản photo.\n{line}\n")
    for then in ("mất bao lâu?", "bao lau vay"):
        found = excerpt(entry, then)
        assert (found is not None and found.lines == (line,)) is at_once, (then, found)


@pytest.mark.parametrize(
    "then", ["khi nào phải làm", "bao lâu thì phải đăng ký", "phai di lam trong may ngay"]
)
def test_the_residents_deadline_answers_when_it_is_asked(then: str) -> None:
    """ "Khi nào phải làm" asks the resident's own deadline: its line answers it, though
    "mất bao lâu" (the office's time) it does not."""
    line = "Cha mẹ đăng ký khai sinh cho con trong thời hạn 60 ngày kể từ ngày sinh."
    entry = FaqEntry("x", "Đăng ký khai sinh thế nào?", f"Mang giấy chứng sinh.\n{line}\n")
    found = excerpt(entry, then)
    assert found is not None and found.lines == (line,), found
    assert excerpt(entry, "mất bao lâu") is None


@pytest.mark.parametrize(
    ("then", "aspect"),
    [
        ("bao giờ có kết quả", "time"),
        ("chừng nào có kết quả vậy", "time"),
        ("bao gio co ket qua", "time"),
        ("bao lâu thì xong", "time"),
        ("mấy ngày mới có", "time"),
        ("mất mấy hôm", "time"),
        ("lấy kết quả ở đâu", "place"),
    ],
)
def test_when_the_result_comes_asks_the_time(then: str, aspect: str) -> None:
    """ "Bao giờ có kết quả", "bao lâu thì xong", the north's "mấy hôm" name nothing of
    their own: they ask the time (or, "lấy kết quả ở đâu", the place) of the subject."""
    assert follows_up(then, answered_alone=True)
    assert asks_only(then) == (aspect,)
    line = "Phường giải quyết trong 5 ngày làm việc tại bộ phận một cửa."
    found = excerpt(FaqEntry("x", "Thủ tục X?", f"Lệ phí 20.000 đồng.\n{line}\n"), then)
    assert found is not None and found.lines == (line,), found


@pytest.mark.parametrize(
    ("then", "aspects", "alone_gets"),
    [
        # Alone, it gets the fee of certified copies, the only fee named on its own.
        ("lệ phí bao nhiêu ạ", ("fee",), COPIES_FEE),
        # Alone, "mất" (lost; died; takes) finds the lost ID card.
        ("mất bao lâu?", ("time",), ID_CARD),
        ("mat may ngay vay", ("time",), None),
    ],
)
async def test_a_follow_up_the_entry_does_not_answer_gets_no_other_procedures_answer(
    conversation: Conversation,
    fresh: Conversation,
    then: str,
    aspects: tuple[str, ...],
    alone_gets: str | None,
) -> None:
    """The marriage entry names no fee and no time: asked after it, "lệ phí bao nhiêu ạ"
    or "mất bao lâu?" gets neither another procedure's answer nor close matches about
    whatever fits its words (what each gets alone), but that the entry does not say it,
    and the hotline."""
    alone = await fresh.engine.ask_async(then)
    assert alone_gets is None or alone_gets in [hit.doc.title for hit in alone.results[:2]]
    await one(conversation, "đăng ký kết hôn cần những gì")
    reply = await one(conversation, then)
    assert reply.title is None
    assert reply.text == msg.not_stated(MARRIAGE, aspects, "UBND Phường 2", "0276 3822 123")
    assert "chưa nêu" in reply.text and "0276 3822 123" in reply.text
    assert not reply.buttons


async def test_the_wrong_button_under_a_follow_ups_lines_takes_that_back(
    conversation: Conversation, store: Store
) -> None:
    """On Telegram and the web chat, the lines answering a follow-up are the latest answer:
    "🙁 Chưa đúng ý tôi hỏi" under them takes them back (the follow-up, about its subject,
    goes to /unanswered) and offers the other close matches; the button under the first
    answer is now one under an earlier answer."""
    first = await one(conversation, "làm lại cccd bị mất")
    fee = await one(conversation, "lệ phí bao nhiêu ạ")
    assert fee.buttons[-1].label == msg.WRONG_BUTTON
    stale = await conversation.handle_action(CHAT, first.buttons[-1].action, sender="7")
    assert [r.text for r in stale] == [msg.wrong_button_stale()]
    [sorry] = await conversation.handle_action(CHAT, fee.buttons[-1].action, sender="7")
    assert sorry.text.startswith("Dạ, em xin lỗi vì trả lời chưa đúng ý anh/chị.")
    assert sorry.buttons and "faq:cap-lai-can-cuoc" not in [b.action for b in sorry.buttons]
    assert await store.unanswered(0) == [f"{ID_CARD} lệ phí bao nhiêu ạ"]


@pytest.mark.parametrize(
    ("text", "aspects"),
    [
        ("lệ phí bao nhiêu ạ", ("fee",)),
        ("mất bao lâu?", ("time",)),
        ("dạ cho em hỏi cần giấy tờ gì ạ", ("papers",)),
        ("ad oi nop o dau vay", ("place",)),
        ("có làm online được không", ("online",)),
        ("lệ phí và thời gian", ("fee", "time")),
        # How much, alone: once "cho em hỏi" (asking to ask), "nhiêu" taken for "nhiều".
        ("nhiêu", ("amount",)),
        ("được bao nhiêu vậy", ("amount",)),
        ("dc nhiu z", ("amount",)),
    ],
)
async def test_a_question_naming_no_procedure_is_asked_which_one(
    fresh: Conversation, store: Store, text: str, aspects: tuple[str, ...]
) -> None:
    """With no answer before it to ask more about, a question asking only a fee, a time,
    a place... is asked which procedure it means: alone, the engine gives it whichever
    procedure's fee (or, for "mất", a death's registration) fits its few words. It is no
    question for staff's /unanswered."""
    reply = await one(fresh, text)
    assert reply.text == msg.which_procedure(aspects)
    assert "thủ tục nào" in reply.text and reply.title is None and not reply.buttons
    assert await store.unanswered(0) == []


async def test_the_procedure_named_next_is_asked_about_with_it(
    fresh: Conversation, store: Store, clock: Clock
) -> None:
    """Asked which procedure, the resident names it: the two are asked together, so the
    answer is about that procedure's fee (logged as one question). Named ten minutes later,
    or in a group by another member, it is a question of its own."""
    await one(fresh, "lệ phí bao nhiêu ạ")
    clock.now += 60
    answer = await one(fresh, "làm lại cccd bị mất")
    assert answer.title == ID_CARD
    fee = await one(fresh, "còn khai sinh")  # a new subject now: no fee asked with it
    assert fee.title == BIRTH
    await one(fresh, "lệ phí bao nhiêu ạ", ChatRef("test", "late"))
    clock.now += 10 * 60 + 1
    await one(fresh, "làm lại cccd bị mất", ChatRef("test", "late"))
    group = ChatRef("test", "-100", private=False)
    await fresh.handle_text(group, "mất bao lâu?", sender="501")
    await fresh.handle_text(group, "đăng ký khai sinh", sender="502")
    forgot = ChatRef("test", "forgot")  # /forget forgets the question too
    await one(fresh, "lệ phí bao nhiêu ạ", forgot)
    await one(fresh, "/forget", forgot)
    await one(fresh, "đăng ký kết hôn", forgot)
    async with store.db.execute("SELECT text FROM questions ORDER BY id") as rows:
        logged = [row[0] for row in await rows.fetchall()]
    assert logged == [
        "làm lại cccd bị mất lệ phí bao nhiêu ạ",
        "còn khai sinh",
        "làm lại cccd bị mất",
        "đăng ký khai sinh",
        "đăng ký kết hôn",
    ]


async def test_in_a_group_two_members_asked_which_procedure_each_name_their_own(
    fresh: Conversation, store: Store, clock: Clock
) -> None:
    """Two members ask "lệ phí bao nhiêu ạ" and "mất bao lâu?" in turn, and each is asked
    which procedure: the first member's answer is asked about with the first's question,
    not read alone (the second's ask no longer takes the place of the first's)."""
    group = ChatRef("test", "-100", private=False)
    await fresh.handle_text(group, "lệ phí bao nhiêu ạ", sender="501")
    await fresh.handle_text(group, "mất bao lâu?", sender="502")
    clock.now += 60
    [fee] = await fresh.handle_text(group, "làm lại cccd bị mất", sender="501")
    [time] = await fresh.handle_text(group, "đăng ký khai sinh", sender="502")
    assert (fee.title, time.title) == (ID_CARD, BIRTH)
    async with store.db.execute("SELECT text FROM questions ORDER BY id") as rows:
        logged = [row[0] for row in await rows.fetchall()]
    assert logged == ["làm lại cccd bị mất lệ phí bao nhiêu ạ", "đăng ký khai sinh mất bao lâu?"]


async def test_saying_wrong_to_which_procedure_takes_no_earlier_answer_back(
    conversation: Conversation, store: Store, clock: Clock
) -> None:
    """ "Sai rồi" after "anh/chị đang hỏi về thủ tục nào?" (a number typed between, with no
    list on screen) is said to that ask: the answer given a quarter of an hour before is
    not taken back (nor put in staff's /unanswered, nor its close matches offered), and
    the procedure is asked for again; named next, it is asked about with the question."""
    first = await one(conversation, "làm lại cccd bị mất")
    clock.now += 12 * 60
    which = await one(conversation, "lệ phí bao nhiêu ạ")
    assert which.text == msg.which_procedure(("fee",))
    assert (await one(conversation, "1")).text == msg.no_list_to_pick(
        "1", conversation.questions.example()
    )
    again = await one(conversation, "sai rồi")
    assert again.text == which.text and not again.buttons
    assert await store.unanswered(0) == []
    fee = await one(conversation, "đăng ký khai sinh")
    assert fee.title == BIRTH
    # The button under the first answer is one under an earlier answer now.
    [sorry] = await conversation.handle_action(CHAT, first.buttons[-1].action, sender="7")
    assert sorry.text == msg.wrong_button_stale()


async def test_an_entry_picked_after_which_procedure_is_what_sai_roi_is_about(
    conversation: Conversation, clock: Clock
) -> None:
    """Asked which procedure, the resident picks one from the list still on screen: the
    procedure is no longer awaited, so "sai rồi" next says the pick missed (the other
    close matches), not "which procedure?" again."""
    [offer] = await conversation.handle_text(CHAT, "khai sinh kết hôn", sender="7")
    assert offer.buttons
    clock.now += 11 * 60
    assert (await one(conversation, "lệ phí bao nhiêu ạ")).text == msg.which_procedure(("fee",))
    await conversation.handle_action(CHAT, "faq:dang-ky-khai-sinh", sender="7")
    sorry = await one(conversation, "sai rồi")
    assert sorry.text != msg.which_procedure(("fee",))
    assert sorry.text.startswith("Dạ, em xin lỗi")


@pytest.mark.parametrize(
    "text",
    [
        "giấy tờ nhà cần những gì",  # a house ("nhà"), though "nha" is a particle
        "lệ phí chứng thực bản sao bao nhiêu",
        "làm lại cccd bị mất bao lâu",
    ],
)
async def test_a_question_naming_a_procedure_is_read_as_asked(
    fresh: Conversation, text: str
) -> None:
    reply = (await fresh.handle_text(CHAT, text))[0]
    assert "thủ tục nào" not in reply.text


NOT_FOLLOW_UPS = [
    "còn đăng ký kết hôn thì sao",  # a new subject, read alone
    "đăng ký tạm trú cần giấy tờ gì",
    "giờ làm việc",
    "giá vàng hôm nay bao nhiêu",  # nothing the ward knows: no answer, as alone
    "gia vang hom nay",
    "tiền điện tháng này",  # a bill, not the ID card's fee
    "cảm ơn ạ",  # small talk
    "ok",
    "1",  # a number with no list on screen
    "/latest",  # a command
]


@pytest.mark.parametrize("then", NOT_FOLLOW_UPS)
async def test_a_message_naming_its_own_subject_is_read_alone(
    conversation: Conversation, fresh: Conversation, then: str
) -> None:
    await one(conversation, "làm lại cccd bị mất")
    other = ChatRef("test", "other")
    assert seen(await conversation.handle_text(CHAT, then)) == seen(
        await fresh.handle_text(other, then)
    )


async def test_a_follow_up_needs_a_recent_answer(
    conversation: Conversation, fresh: Conversation, clock: Clock
) -> None:
    """After the window, after "sai rồi" and after /forget, "lệ phí bao nhiêu" is read
    alone (and answered with the only fee the ward's texts name on their own)."""
    alone = seen(await fresh.handle_text(ChatRef("test", "other"), "lệ phí bao nhiêu ạ"))
    assert alone[0][1] == msg.which_procedure(("fee",))

    await one(conversation, "làm lại cccd bị mất")
    clock.now += 10 * 60 + 1  # ten minutes on
    assert seen([await one(conversation, "lệ phí bao nhiêu ạ")]) == alone

    await one(conversation, "làm lại cccd bị mất")
    await one(conversation, "sai rồi")
    assert seen([await one(conversation, "lệ phí bao nhiêu ạ")]) == alone

    answer = await one(conversation, "làm lại cccd bị mất")  # its 🙁 as "sai rồi"
    assert answer.buttons[-1].label == msg.WRONG_BUTTON
    await conversation.handle_action(CHAT, answer.buttons[-1].action, sender=CHAT.chat_id)
    assert seen([await one(conversation, "lệ phí bao nhiêu ạ")]) == alone

    await one(conversation, "làm lại cccd bị mất")
    await one(conversation, "/forget")
    assert seen([await one(conversation, "lệ phí bao nhiêu ạ")]) == alone


async def test_a_follow_up_nothing_answers_leaves_the_subject_for_the_next(
    conversation: Conversation, fresh: Conversation, clock: Clock
) -> None:
    """ "Có cần chụp ảnh không" after the ID card: the entry does not say, nor does any
    other ("chưa có thông tin", as alone); "mất bao lâu?" next is still about the ID card,
    not read alone (a close match to confirm), until ten minutes after the answer."""
    other = ChatRef("test", "other")
    await one(conversation, "làm lại cccd bị mất")
    clock.now += 4 * 60
    photo = await one(conversation, "có cần chụp ảnh không")
    assert seen([photo]) == seen(await fresh.handle_text(other, "có cần chụp ảnh không"))
    clock.now += 4 * 60
    time = await one(conversation, "mất bao lâu?")
    assert (time.title, time.text) == (
        ID_CARD,
        "• Thời gian: 7 ngày làm việc kể từ khi nhận đủ hồ sơ.",
    )
    await one(conversation, "làm lại cccd bị mất")
    await one(conversation, "có cần chụp ảnh không")
    clock.now += 10 * 60 + 1  # ten minutes after the answer
    alone = seen(await fresh.handle_text(other, "mất bao lâu?"))
    assert seen([await one(conversation, "mất bao lâu?")]) == alone != seen([time])
    # After close matches, the subject is the question they were offered for: a message
    # nothing answers ends it (it is no question to follow up, nor "làm thủ tục cho bé").
    third = ChatRef("test", "third")
    await one(conversation, "làm thủ tục cho bé", third)
    await one(conversation, "có cần chụp ảnh không", third)
    alone = seen(await fresh.handle_text(ChatRef("test", "another"), "lệ phí bao nhiêu ạ"))
    assert seen([await one(conversation, "lệ phí bao nhiêu ạ", third)]) == alone


async def test_a_follow_up_after_two_answers_at_once_is_about_them(
    conversation: Conversation, fresh: Conversation
) -> None:
    """ "Lệ phí bao nhiêu ạ" after a birth and a marriage answered at once asks about them:
    the birth's (free), not the fee of certified copies it gets alone."""
    alone = await fresh.engine.ask_async("lệ phí bao nhiêu ạ")
    assert alone.best is not None and alone.best.doc.title == COPIES_FEE
    both = await conversation.handle_text(
        CHAT, "đăng ký khai sinh cần giấy tờ gì? và đăng ký kết hôn cần những gì?"
    )
    assert [r.title for r in both] == [BIRTH, "Đăng ký kết hôn cần những gì?"]
    fee = await one(conversation, "lệ phí bao nhiêu ạ")
    assert fee.title == BIRTH and "miễn phí" in fee.text


async def test_in_a_group_a_follow_up_is_about_the_askers_own_question(
    conversation: Conversation, fresh: Conversation
) -> None:
    """As "sai rồi": the group's latest question, followed up by the member who asked it."""
    group = ChatRef("test", "-100", private=False)
    await conversation.handle_text(group, "làm lại cccd bị mất", sender="1")
    by_another = await conversation.handle_text(group, "lệ phí bao nhiêu ạ", sender="2")
    assert seen(by_another) == seen(await fresh.handle_text(group, "lệ phí bao nhiêu ạ"))
    await conversation.handle_text(group, "làm lại cccd bị mất", sender="1")
    own = await conversation.handle_text(group, "mất bao lâu?", sender="1")
    assert own[0].title == ID_CARD and "7 ngày làm việc" in own[0].text


async def test_in_the_terminal_a_follow_up_after_a_number_picked_from_a_list(
    conversation: Conversation, settings: Settings
) -> None:
    """The channels share it: in the terminal, a close match opened by its number, then
    "lệ phí bao nhiêu" about it (alone, it would get the fee of copies certified)."""
    output = io.StringIO()
    lines = ["làm thủ tục cho bé", "2", "lệ phí bao nhiêu ạ", "/quit"]
    source = io.StringIO("".join(f"{line}\n" for line in lines))
    await asyncio.wait_for(run_chat(conversation, settings, source, output), 10)
    offered, rest = output.getvalue().split("> làm thủ tục cho bé\n", 1)[1].split("> 2\n", 1)
    assert f"2. {BIRTH}" in offered
    opened, fee = rest.split("> lệ phí bao nhiêu ạ\n", 1)
    assert BIRTH in opened
    assert BIRTH in fee and "Lệ phí: miễn phí nếu đăng ký đúng hạn." in fee
    assert "chứng thực" not in fee


@pytest.mark.parametrize("typed", ["xem đầy đủ", "xem toàn văn"])
async def test_typing_the_whole_answers_label_after_a_follow_up_opens_it(
    conversation: Conversation, settings: Settings, typed: str
) -> None:
    """Under the fee line, "📄 Xem đầy đủ" typed (on Zalo, as its numbered line says) opens
    the whole answer, not "em đã gửi hết nội dung" (the resident saw one line of it)."""
    output = io.StringIO()
    lines = ["làm lại cccd bị mất", "lệ phí bao nhiêu ạ", typed, "/quit"]
    source = io.StringIO("".join(f"{line}\n" for line in lines))
    await asyncio.wait_for(run_chat(conversation, settings, source, output), 10)
    fee, whole = output.getvalue().split("> lệ phí bao nhiêu ạ\n", 1)[1].split(f"> {typed}\n")
    assert f"1. {msg.WHOLE_ANSWER_BUTTON}" in fee and "Thời gian" not in fee
    assert msg.full_text_sent() not in whole
    assert ID_CARD in whole and "Thời gian: 7 ngày làm việc" in whole


# A ward whose entry on a first ID card names no fee, and another entry gives the fee.
CARD_FIRST = "Làm thẻ căn cước lần đầu cho trẻ em như thế nào?"
CARD_FEE = "Lệ phí làm thẻ căn cước là bao nhiêu?"
CARD_FAQ = f"""\
faq:
  - id: can-cuoc-lan-dau
    question: {CARD_FIRST}
    variants: [làm căn cước cho con, trẻ em làm căn cước]
    answer: |
      Trẻ dưới 14 tuổi được cấp thẻ căn cước theo đề nghị của cha, mẹ hoặc người giám hộ.
      Cha mẹ đưa trẻ đến Công an phường để thu nhận thông tin, hoặc đăng ký qua VNeID.
  - id: le-phi-can-cuoc
    question: {CARD_FEE}
    variants: [làm căn cước hết bao nhiêu tiền, phí cấp đổi căn cước]
    answer: |
      Cấp lần đầu không thu lệ phí; cấp đổi 50.000 đồng, cấp lại 70.000 đồng.
  - id: le-phi-chung-thuc
    question: Lệ phí chứng thực bản sao là bao nhiêu?
    variants: [phí công chứng bản sao]
    answer: |
      2.000 đồng một trang, từ trang thứ ba 1.000 đồng một trang.
  - id: dang-ky-ket-hon
    question: Đăng ký kết hôn cần những gì?
    variants: [thủ tục đăng ký kết hôn]
    answer: |
      Hai bên nam nữ cùng có mặt, mang giấy xác nhận tình trạng hôn nhân và giấy tờ tùy thân.
  - id: gio-lam-viec
    question: Giờ làm việc của bộ phận một cửa?
    variants: [mấy giờ phường mở cửa]
    answer: |
      Sáng 7 giờ 30 đến 11 giờ 30, chiều 13 giờ 30 đến 17 giờ, từ thứ Hai đến thứ Sáu.
"""


card_engine = engine_over("card-ward", CARD_FAQ)


@pytest.mark.parametrize("then", ["bao nhiêu tiền", "hết bao nhiêu tiền vậy"])
async def test_a_follow_up_answered_by_the_entry_listed_under_the_answer_gets_it(
    card_engine: Engine, store: Store, settings: Settings, clock: Clock, then: str
) -> None:
    """The first ID card's entry names no fee; the ID card's fee entry, listed under it,
    answers "bao nhiêu tiền" alone: the resident gets it, not 'chưa có thông tin'. After
    the marriage entry, the ID card's fee is another procedure's: not given."""
    conversation = Conversation(card_engine, store, settings, clock=clock)
    first = await one(conversation, "làm căn cước cho con")
    assert first.title == CARD_FIRST
    assert "faq:le-phi-can-cuoc" in [b.action for b in first.buttons]  # listed under it
    fee = await one(conversation, then)
    assert fee.title == CARD_FEE
    alone = await card_engine.ask_async(then)  # what the engine finds for it alone
    assert alone.answered and alone.best is not None and alone.best.doc.title == CARD_FEE
    await one(conversation, "thủ tục đăng ký kết hôn")
    assert (await one(conversation, then)).title != CARD_FEE


@pytest.mark.parametrize("fee", ["bao nhiêu tiền", "có mất tiền hông"])
@pytest.mark.parametrize("then", ["mất bao lâu nghen", "mất nhiêu ngày", "còn nộp ở đâu"])
async def test_after_the_fee_entry_a_follow_up_is_still_about_the_procedure(
    card_engine: Engine, store: Store, settings: Settings, clock: Clock, fee: str, then: str
) -> None:
    """The fee entry, reached by a follow-up under the first ID card, answers the fee only:
    the next follow-up ("mất bao lâu nghen", how long; "nộp ở đâu") asks about the first
    ID card still, not about the fee entry ("chưa nêu thời gian" of a fee)."""
    conversation = Conversation(card_engine, store, settings, clock=clock)
    assert (await one(conversation, "làm căn cước cho con")).title == CARD_FIRST
    assert (await one(conversation, fee)).title == CARD_FEE
    reply = await one(conversation, then)
    assert CARD_FEE not in reply.text
    assert CARD_FIRST in reply.text or reply.title == CARD_FIRST


# A ward whose entries on health insurance are listed under one another: the one on a lost
# card names no time nor fee; staff wrote the one on changing clinics as asked "khi nào",
# and the one on small children's cards asks whether it is free.
LOST_CARD = "Bị mất thẻ bảo hiểm y tế thì đi khám bệnh bằng gì?"
CLINIC = "Muốn đổi nơi đăng ký khám chữa bệnh ban đầu thì làm thế nào?"
CHILD_CARD = "Trẻ em dưới 6 tuổi có được cấp thẻ bảo hiểm y tế miễn phí không?"
BHYT_FAQ = f"""\
topics:
  - id: bhyt
    name: Bảo hiểm y tế
faq:
  - id: bhyt-mat-the
    question: {LOST_CARD}
    variants: [mất thẻ bhyt, làm lại thẻ bảo hiểm y tế bị mất]
    answer: |
      Bà con không cần làm lại thẻ giấy: khi đi khám có thể dùng CCCD gắn chip hoặc VNeID.
    topics: [bhyt]
  - id: bhyt-doi-noi-kham
    question: {CLINIC}
    variants: [đổi nơi khám bhyt, đổi nơi kcb ban đầu khi nào được]
    answer: |
      Người tham gia được đổi nơi khám vào tháng đầu của mỗi quý, tại đại lý thu hoặc BHXH.
    topics: [bhyt]
  - id: bhyt-tre-em
    question: {CHILD_CARD}
    variants: [bhyt cho trẻ dưới 6 tuổi]
    answer: |
      Có. Trẻ em dưới 6 tuổi được Nhà nước đóng bảo hiểm y tế.
    topics: [bhyt]
"""


bhyt_engine = engine_over("bhyt-ward", BHYT_FAQ)


@pytest.mark.parametrize(
    ("then", "aspects"), [("mat bao lau", ("time",)), ("lệ phí bao nhiêu", ("fee",))]
)
async def test_a_follow_up_gets_no_entry_listed_under_the_answer_on_another_procedure(
    bhyt_engine: Engine,
    settings: Settings,
    clock: Clock,
    store: Store,
    then: str,
    aspects: tuple[str, ...],
) -> None:
    """Under the lost card, changing clinics ("... khi nào được") and small children's
    free cards are listed, each asking the time or the fee of its own procedure: asked
    "mất bao lâu" or "lệ phí bao nhiêu" after the lost card, the resident is told the
    answer does not say it, not given the clinic's or the child's entry as if it did."""
    conversation = Conversation(bhyt_engine, store, settings, clock=clock)
    first = await one(conversation, "mat the bhyt thi lam sao")
    assert first.title == LOST_CARD
    listed = [b.action for b in first.buttons]
    assert "faq:bhyt-doi-noi-kham" in listed and "faq:bhyt-tre-em" in listed
    reply = await one(conversation, then)
    assert reply.title is None
    assert reply.text == msg.not_stated(LOST_CARD, aspects, "UBND Phường 2", "0276 3822 123")


async def test_asked_about_close_matches_naming_none_asks_which_leaving_them_to_pick(
    conversation: Conversation, store: Store, settings: Settings
) -> None:
    """ "Lệ phí bao nhiêu ạ" under close matches that are not sure, naming none of them:
    the bot asks which procedure, and the list stays on screen to pick from (no new
    guesses in its place, nothing for staff's /unanswered); named next, the procedure is
    asked about with it."""
    offered = await one(conversation, "làm thủ tục cho bé")
    assert offered.title is None and len(offered.buttons) > 1
    which = await one(conversation, "lệ phí bao nhiêu ạ")
    assert which.text == msg.which_procedure(("fee",), listed=True)
    assert which.keeps_choices and not which.buttons
    assert await store.unanswered(0) == ["làm thủ tục cho bé"]
    fee = await one(conversation, "khai sinh")
    assert fee.title == BIRTH
    output = io.StringIO()  # in the terminal: "2" still opens the list's second line
    lines = ["làm thủ tục cho bé", "lệ phí bao nhiêu ạ", "2", "/quit"]
    source = io.StringIO("".join(f"{line}\n" for line in lines))
    await asyncio.wait_for(run_chat(conversation, settings, source, output), 10)
    offered_text, rest = output.getvalue().split("> làm thủ tục cho bé\n", 1)[1].split("> 2\n", 1)
    second = next(line for line in offered_text.splitlines() if line.startswith("2. "))
    assert msg.which_procedure(("fee",), listed=True) in offered_text
    assert rest.removeprefix("─" * 60 + "\n").startswith(second.removeprefix("2. "))


async def test_after_a_restart_a_follow_up_is_still_about_the_answer_before_it(
    conversation: Conversation, store: Store, clock: Clock
) -> None:
    """A restart between the answer and "lệ phí bao nhiêu ạ" (a follow-up the stopped bot
    left in its inbox) changes nothing in a private chat: the entry's id and when are
    written down. Not after ten minutes, nor after "sai rồi"; nor in a group, where no
    member's id is written down."""

    def restarted() -> Conversation:
        return Conversation(conversation.engine, store, conversation.settings, clock=clock)

    await one(conversation, "làm lại cccd bị mất")
    clock.now += 60
    fee = await one(restarted(), "lệ phí bao nhiêu ạ")
    assert fee.title == ID_CARD and fee.text == "• Lệ phí: 70.000 đồng; làm trực tuyến 35.000 đồng."
    which = msg.which_procedure(("fee",))
    late, wrong = ChatRef("test", "late"), ChatRef("test", "wrong")
    await one(conversation, "làm lại cccd bị mất", late)
    await one(conversation, "làm lại cccd bị mất", wrong)
    await one(conversation, "sai rồi", wrong)
    group = ChatRef("test", "-100", private=False)
    await conversation.handle_text(group, "làm lại cccd bị mất", sender="501")
    async with store.db.execute("SELECT chat_id, ids FROM follow_up_subjects") as rows:
        assert sorted(await rows.fetchall()) == [
            ("7", "cap-lai-can-cuoc"),
            ("late", "cap-lai-can-cuoc"),
        ]
    [in_group] = await restarted().handle_text(group, "lệ phí bao nhiêu ạ", sender="501")
    assert in_group.text == msg.which_procedure(("fee",), group=True)
    assert (await one(restarted(), "lệ phí bao nhiêu ạ", wrong)).text == which
    clock.now += 10 * 60 + 1
    assert (await one(restarted(), "lệ phí bao nhiêu ạ", late)).text == which


async def test_after_a_restart_a_follow_up_under_close_matches_is_still_about_them(
    conversation: Conversation, store: Store, clock: Clock
) -> None:
    """Close matches offered, the bot restarted, then "lệ phí bao nhiêu ạ": as without
    the restart, the bot asks which of the procedures on screen it means (not as if no
    list were there), and a follow-up is asked with the question they were offered for,
    as the question log has it (nothing more is written down for it)."""

    def restarted() -> Conversation:
        return Conversation(conversation.engine, store, conversation.settings, clock=clock)

    offered = await one(conversation, "làm thủ tục cho bé")
    assert offered.title is None and len(offered.buttons) > 1
    clock.now += 60
    which = await one(restarted(), "lệ phí bao nhiêu ạ")
    assert which.text == msg.which_procedure(("fee",), listed=True)
    place = ChatRef("test", "place")
    kept = ChatRef("test", "kept")
    for chat in (place, kept):
        await one(conversation, "làm thủ tục cho bé", chat)
    clock.now += 60
    before = await one(conversation, "nộp ở đâu ạ", kept)
    after = await one(restarted(), "nộp ở đâu ạ", place)
    assert (after.title, after.text) == (before.title, before.text)


async def test_in_a_group_sai_roi_takes_back_the_members_own_question_after_anothers(
    conversation: Conversation, store: Store, clock: Clock
) -> None:
    """Two members ask in turn; the first says "sai rồi": their own answer is taken back
    (the other close matches to it, and it goes to /unanswered), not the other member's,
    which stays answered, nor nothing at all, as when only the chat's latest was kept."""
    group = ChatRef("test", "-100", private=False)
    await conversation.handle_text(group, "làm lại cccd bị mất", sender="501")
    clock.now += 30
    await conversation.handle_text(group, "đăng ký kết hôn cần những gì", sender="502")
    clock.now += 30
    [sorry] = await conversation.handle_text(group, "sai rồi", sender="501")
    assert sorry.buttons and ID_CARD not in [b.label for b in sorry.buttons]
    assert await store.unanswered(0) == ["làm lại cccd bị mất"]
    assert await store.question_counts(0) == (2, 1)


@pytest.mark.parametrize("then", ["cần mang gì", "phải mang những gì ạ", "cần những giấy gì"])
async def test_what_to_bring_is_asked_of_the_entry_just_given(
    conversation: Conversation, then: str
) -> None:
    """ "Cần mang gì" after the ID card asks its papers: the lines that name them, not
    "chưa có thông tin về câu hỏi này" (read alone, it names nothing the ward answers)."""
    answer = await one(conversation, "làm lại cccd bị mất")
    reply = await one(conversation, then)
    assert reply.title == ID_CARD and reply.text != answer.text
    assert "mang theo giấy tờ tùy thân" in reply.text and "Lệ phí" not in reply.text


async def test_asked_about_several_answers_naming_none_asks_which_without_a_list(
    conversation: Conversation,
) -> None:
    """After two answers at once (no close matches on screen), a question about them
    that they together do not answer is asked which procedure, not to pick "một trong
    các câu em vừa gợi ý ở trên": none was suggested."""
    both = await conversation.handle_text(
        CHAT, "đăng ký khai sinh cần giấy tờ gì? và đăng ký kết hôn cần những gì?"
    )
    assert len(both) == 2
    which = await one(conversation, "có làm online được không")
    assert which.text == msg.which_procedure(("online",)) and which.keeps_choices


@pytest.mark.parametrize(
    ("then", "says"),
    [
        ("mất bao lâu", {BIRTH: "Thời gian: trả kết quả trong ngày"}),
        ("lệ phí bao nhiêu", {BIRTH: "Lệ phí: miễn phí nếu đăng ký đúng hạn"}),
    ],
)
async def test_after_several_answers_a_follow_up_gets_the_lines_of_each_that_say_it(
    conversation: Conversation, then: str, says: dict[str, str]
) -> None:
    """After two answers at once, "mất bao lâu" gets the line of each that says it, under
    its question: before, the birth registration's whole answer came again, found by its
    own words with the two questions ("bao lâu"), as if it were the one meant. (A question
    neither says, "có làm online được không", is asked which procedure: see above.)"""
    both = await conversation.handle_text(
        CHAT, "đăng ký khai sinh cần giấy tờ gì? và đăng ký kết hôn cần những gì?"
    )
    assert [reply.title for reply in both] == [BIRTH, MARRIAGE]
    replies = await conversation.handle_text(CHAT, then)
    assert [reply.title for reply in replies] == list(says)
    for reply, line in zip(replies, says.values(), strict=True):
        assert line in reply.text
        assert reply.text != next(b for b in both if b.title == reply.title).text


@pytest.mark.parametrize("then", ["có cần ảnh không", "còn cho con thì sao"])
async def test_after_several_answers_what_none_says_does_not_get_one_again(
    conversation: Conversation, then: str
) -> None:
    """After two answers at once, a question neither answer's lines say ("có cần ảnh
    không") is read alone ("chưa có thông tin"): before, the birth registration's whole
    answer came again, found with the two questions, as if it said so."""
    await conversation.handle_text(
        CHAT, "đăng ký khai sinh cần giấy tờ gì? và đăng ký kết hôn cần những gì?"
    )
    reply = await one(conversation, then)
    assert reply.title is None
    assert reply.text.startswith("Dạ, em xin lỗi, hiện em chưa có thông tin về câu hỏi này")


@pytest.mark.parametrize(
    ("then", "says"),
    [
        ("ok, còn lệ phí thì sao?", "Lệ phí: 70.000 đồng"),
        ("dạ vâng, mất bao lâu ạ", "Thời gian: 7 ngày làm việc"),
        ("cảm ơn em. Cần mang gì", "mang theo giấy tờ tùy thân"),
        ("dạ vâng ạ.còn lệ phí thì sao", "Lệ phí: 70.000 đồng"),
        ("ok ạ.mất bao lâu ạ", "Thời gian: 7 ngày làm việc"),
    ],
)
async def test_a_follow_up_after_a_courtesy_is_still_about_the_answer(
    conversation: Conversation, then: str, says: str
) -> None:
    """ "Ok, còn lệ phí thì sao?": the "ok" closes the answer, the rest asks more about it,
    as it would alone; not "chưa có thông tin về câu hỏi này" (the "ok" read as what is
    named), nor a reply saying the entry names no papers ("dạ vâng" sought in its lines).
    A dot typed with no space after a particle ("ạ.còn") parts the courtesy off too."""
    await one(conversation, "làm lại cccd bị mất")
    reply = await one(conversation, then)
    assert reply.title == ID_CARD
    assert says in reply.text


@pytest.mark.parametrize("wrong", ["sai rồi", "👎"])
async def test_in_a_group_a_members_sai_roi_leaves_anothers_follow_up_alone(
    conversation: Conversation, clock: Clock, wrong: str
) -> None:
    """Member 501 asks, then 502; 501 takes back their own answer ("sai rồi", or 👎, read
    as it): 502's "lệ phí bao nhiêu ạ" is still about the birth registration they were
    just answered, not met with "anh/chị đang hỏi về thủ tục nào ạ?"."""
    group = ChatRef("test", "-100", private=False)
    await conversation.handle_text(group, "làm lại cccd bị mất", sender="501")
    clock.now += 30
    await conversation.handle_text(group, "đăng ký khai sinh cần giấy tờ gì", sender="502")
    clock.now += 30
    [sorry] = await conversation.handle_text(group, wrong, sender="501")
    assert sorry.buttons and ID_CARD not in [b.label for b in sorry.buttons]
    [fee] = await conversation.handle_text(group, "lệ phí bao nhiêu ạ", sender="502")
    assert fee.title == BIRTH and "miễn phí" in fee.text


async def test_the_entry_just_given_is_not_offered_again_as_a_close_match(
    conversation: Conversation, fresh: Conversation
) -> None:
    """Right under the ID card's answer, a question nothing answers whose only close match
    is that entry: not "có phải anh/chị muốn hỏi câu dưới đây?" about what the resident
    has just read (the button would give it again), but the no-answer reply. Asked with
    nothing before it, that entry is offered as usual."""
    alone = await one(fresh, "căn cước gắn chip")
    assert [b.action for b in alone.buttons] == ["faq:cap-lai-can-cuoc"]
    assert (await one(conversation, "làm lại cccd bị mất")).title == ID_CARD
    after = await one(conversation, "căn cước gắn chip")
    assert "faq:cap-lai-can-cuoc" not in [b.action for b in after.buttons]
    assert after.text.startswith("Dạ, em xin lỗi, hiện em chưa có thông tin")


# An entry whose middle line names two facts in one clause: a wait and how long the paper
# stays valid; the lines around it name one each.
TWO_FACTS = [
    # (the line naming both, a line naming only the wait, one naming only the validity)
    (
        "Thẻ được cấp trong 7 ngày làm việc và có giá trị 5 năm.",
        "Thời gian giải quyết: 3 ngày làm việc.",
        "Giấy xác nhận có giá trị 6 tháng.",
    ),
    (
        "Giấy phép có hiệu lực 12 tháng và được trả sau 5 ngày.",
        "Trả kết quả sau 3 ngày.",
        "Giấy hẹn hết hạn sau 30 ngày.",
    ),
    (  # typed without accents
        "The duoc cap trong 7 ngay lam viec va co gia tri 5 nam.",
        "Thoi gian giai quyet: 3 ngay lam viec.",
        "Giay xac nhan co gia tri 6 thang.",
    ),
]


@pytest.mark.parametrize(("both", "wait", "valid"), TWO_FACTS)
@pytest.mark.parametrize(
    ("then", "wants_wait"),
    [
        ("mất bao lâu?", True),
        ("mat may ngay", True),
        ("có giá trị bao lâu ạ", False),
        ("dùng được mấy năm?", False),
        ("hieu luc bao lau", False),
        ("bao lâu thì hết hạn", False),
    ],
)
def test_a_line_naming_a_wait_and_a_validity_answers_both_questions(
    both: str, wait: str, valid: str, then: str, wants_wait: bool
) -> None:
    """ "Cấp trong 7 ngày làm việc và có giá trị 5 năm": "mất bao lâu?" quotes it with
    the other wait, "có giá trị bao lâu?" / "dùng được mấy năm?" with the other validity;
    neither question gets the line that only answers the other."""
    entry = FaqEntry("x", "Thủ tục X?", f"Nộp hồ sơ tại phường.\n{wait}\n{both}\n{valid}\n")
    found = excerpt(entry, then)
    assert found is not None
    assert found.lines == ((wait, both) if wants_wait else (both, valid))


@pytest.mark.parametrize(
    ("line", "a_fee"),
    [
        ("Quá hạn không đăng ký bị phạt tiền từ 200.000 đồng đến 500.000 đồng.", False),
        ("Qua han khong dang ky bi phat tien 300.000 dong.", False),
        ("Mức trợ cấp 500.000 đồng mỗi tháng.", False),
        ("Lệ phí 50.000 đồng và phạt 300.000 đồng nếu nộp quá hạn.", True),
        ("Nộp quá hạn bị phạt 300.000 đồng và lệ phí 50.000 đồng.", True),
        ("Người được trợ cấp không phải nộp lệ phí.", True),
        ("Cấp lại: 70.000đ.", True),
        ("Cap lai: 70.000 VND.", True),
        # "Kinh phí" is funding one gets, never a fee; "chi phí" is a cost, paid unless
        # a benefit claims it.
        ("Người chăm sóc được hỗ trợ kinh phí chăm sóc hằng tháng.", False),
        ("Nguoi cham soc co the nhan kinh phi cham soc.", False),
        ("Gia đình được hỗ trợ chi phí mai táng.", False),
        ("Người đề nghị tự chịu chi phí đo đạc.", True),
    ],
)
def test_a_fine_or_an_allowance_is_no_answer_to_the_fee(line: str, a_fee: bool) -> None:
    """ "Lệ phí bao nhiêu?" quotes what the resident pays for the procedure: not a fine
    for doing it late nor an allowance paid to them (which a resident would read as the
    price), but a line that names a fee beside them, or an amount written "70.000đ"."""
    entry = FaqEntry("x", "Thủ tục X?", f"Nộp tờ khai tại phường.\n{line}\n")
    found = excerpt(entry, "lệ phí bao nhiêu ạ")
    assert (found is not None and found.lines == (line,)) is a_fee, found


@pytest.mark.parametrize(
    ("then", "line"),
    [
        ("phạt bao nhiêu tiền", "Quá hạn bị phạt tiền từ 200.000 đồng đến 500.000 đồng."),
        ("tro cap bao nhieu tien", "Mức trợ cấp 500.000 đồng mỗi tháng."),
    ],
)
def test_a_question_about_the_fine_or_the_allowance_gets_it(then: str, line: str) -> None:
    """Asked about the fine or the allowance by name, the line naming its amount is it."""
    entry = FaqEntry("x", "Thủ tục X?", f"Lệ phí: 20.000 đồng.\n{line}\n")
    found = excerpt(entry, then)
    assert found is not None and found.lines == (line,), found


@pytest.mark.parametrize(
    "line",
    [
        "Có thể nộp qua Cổng Dịch vụ công quốc gia.",
        "Nop ho so qua mang tai dichvucong.gov.vn.",
    ],
)
def test_a_line_naming_the_online_portal_answers_whether_it_is_done_online(line: str) -> None:
    """ "Có làm online được không?" after an entry naming the public service portal quotes
    it, not "the entry does not say how to do it online"."""
    entry = FaqEntry("x", "Thủ tục X?", f"Mang theo giấy tờ tùy thân.\n{line}\n")
    found = excerpt(entry, "có làm online được không")
    assert found is not None and found.lines == (line,), found


async def test_how_long_a_paper_stays_valid_is_asked_of_the_entry_just_given(
    conversation: Conversation, fresh: Conversation
) -> None:
    """ "Có giá trị bao lâu?" after the temporary residence entry quotes how long the
    residence and its paper are valid (not its papers, nor how long one stays first);
    after the ID card entry, which does not say, the resident is told so
    (not another procedure's answer); asked with nothing before it, which procedure."""
    await one(conversation, "đăng ký tạm trú cần giấy tờ gì")
    valid = await one(conversation, "có giá trị bao lâu?")
    assert (valid.title, valid.text.splitlines()) == (
        TEMPORARY,
        [
            "Tạm trú có thời hạn tối đa 3 năm, sắp hết hạn thì gia hạn trước 20 ngày.",
            "Giấy xác nhận tạm trú có giá trị 9 tháng.",
        ],
    )
    await one(conversation, "làm lại cccd bị mất")
    reply = await one(conversation, "dùng được mấy năm?")
    assert reply.text == msg.not_stated(ID_CARD, ("validity",), "UBND Phường 2", "0276 3822 123")
    alone = await one(fresh, "có giá trị bao lâu", ChatRef("test", "other"))
    assert alone.text == msg.which_procedure(("validity",))


@pytest.mark.parametrize(
    ("first", "then", "title", "what"),
    [
        (
            "đăng ký kết hôn cần những gì",
            "thế còn người nước ngoài thì sao",
            MARRIAGE,
            "người nước ngoài",
        ),
        ("đăng ký khai sinh cần giấy tờ gì", "còn con nuôi thì sao", BIRTH, "con nuôi"),
        # Unaccented words are quoted with their diacritics put back when the ward's texts
        # make each plain, and not quoted at all when they do not ("nuoi" is no word of
        # theirs): never as typed ("con nuoi", "doi sdt").
        ("dang ky ket hon can gi", "thế còn nguoi o xa thi sao", MARRIAGE, "người ở xa"),
        ("dang ky khai sinh can giay to gi", "con con nuoi thi sao", BIRTH, None),
        ("làm lại cccd bị mất", "thế còn bằng lái xe thì sao", ID_CARD, "bằng lái xe"),
        # Opened by the surprise or the particles of any region ("ủa", "rứa", "dzậy"):
        # they are no part of what it asks about.
        (
            "đăng ký kết hôn cần những gì",
            "ủa vậy còn người nước ngoài thì sao",
            MARRIAGE,
            "người nước ngoài",
        ),
        (
            "đăng ký kết hôn cần những gì",
            "rứa người nước ngoài thì sao",
            MARRIAGE,
            "người nước ngoài",
        ),
        ("làm lại cccd bị mất", "dzậy còn bằng lái xe thì sao", ID_CARD, "bằng lái xe"),
    ],
)
async def test_what_about_someone_the_entry_just_given_does_not_name_is_told_so(
    conversation: Conversation,
    fresh: Conversation,
    first: str,
    then: str,
    title: str,
    what: str | None,
) -> None:
    """ "Thế còn người nước ngoài thì sao" after the marriage entry, which names no
    foreigner: the resident is told the entry does not speak of them, and whom to ask;
    not the entry again as if it were theirs (a wasted trip), nor, as read alone, close
    matches to "người nước ngoài" (or to "thì sao": "bản sao")."""
    alone = await one(fresh, then, ChatRef("test", "alone"))
    assert alone.title is None
    await one(conversation, first)
    reply = await one(conversation, then)
    assert reply.title is None
    assert reply.text == msg.not_said_of(title, what, "UBND Phường 2", "0276 3822 123")


# A ward with two ID card entries, one for the old card's change and one for a first card,
# children's included, on the ID card topic; and a birth entry for children on another.
OLD_CARD = "Chứng minh nhân dân hết giá trị thì đổi sang thẻ căn cước thế nào?"
FIRST_CARD = "Làm thẻ căn cước lần đầu, kể cả cho trẻ em, như thế nào?"
LOST_ID = "Bị mất thẻ căn cước thì làm lại ở đâu?"
SIBLING_FAQ = f"""\
topics:
  - id: can-cuoc
    name: Căn cước
  - id: ho-tich
    name: Hộ tịch
faq:
  - id: can-cuoc-doi-cmnd
    question: {OLD_CARD}
    variants: [đổi cmnd sang căn cước]
    answer: |
      Chứng minh nhân dân hết giá trị từ 01/01/2025; bà con đến Công an phường làm thẻ.
    topics: [can-cuoc]
  - id: can-cuoc-mat-the
    question: {LOST_ID}
    variants: [làm lại cccd bị mất]
    answer: |
      Công an phường cấp lại trong 7 ngày làm việc; trẻ em thì cha mẹ làm thay.
    topics: [can-cuoc]
  - id: can-cuoc-lan-dau
    question: {FIRST_CARD}
    variants: [làm căn cước lần đầu]
    answer: |
      Từ đủ 14 tuổi phải làm thẻ; dưới 14 tuổi làm theo nhu cầu của cha mẹ.
    topics: [can-cuoc]
  - id: khai-sinh
    question: Làm giấy khai sinh cho trẻ em cần gì?
    answer: |
      Giấy chứng sinh và giấy tờ tùy thân của cha mẹ.
    topics: [ho-tich]
"""


sibling_engine = engine_over("sibling-ward", SIBLING_FAQ)


@pytest.mark.parametrize(
    ("then", "title"),
    [
        ("thế còn làm cho trẻ em thì sao", FIRST_CARD),
        ("the con lam cho tre em thi sao", FIRST_CARD),
        # No entry on the ID card is about foreigners: told so, no other entry instead.
        ("thế còn người nước ngoài thì sao", None),
        # The birth entry's question names the papers for children, on another topic.
        ("thế còn giấy cho trẻ em thì sao", None),
    ],
)
async def test_what_about_x_gets_the_entry_on_the_same_topic_about_x(
    sibling_engine: Engine,
    store: Store,
    settings: Settings,
    clock: Clock,
    then: str,
    title: str | None,
) -> None:
    """ "Thế còn làm cho trẻ em thì sao" after changing an old ID card, which names no
    children: the entry on a first card, children's included, also on the ID card topic,
    answers it; not "chưa nói riêng về trẻ em" while the bot has the answer. Neither the
    lost card's entry, which names children in a line only, nor the birth entry, whose
    question names them but on another topic."""
    conversation = Conversation(sibling_engine, store, settings, clock=clock)
    assert (await one(conversation, "đổi cmnd sang căn cước")).title == OLD_CARD
    reply = await one(conversation, then)
    assert reply.title == title
    if title is None:
        assert reply.text.startswith(f"Dạ, thông tin em có về “{OLD_CARD}” chưa nói riêng")


@pytest.mark.parametrize("then", ["năm 2025 thì sao", "con nam 2025 thi sao"])
async def test_a_year_asked_after_an_entry_is_no_line_saying_years(
    conversation: Conversation, then: str
) -> None:
    """ "Năm 2025 thì sao" after the temporary residence entry, which names no year: not
    its line on staying "tối đa 3 năm" (a year asked is what is asked, no count of
    years), but that the entry does not say it, and whom to ask."""
    await one(conversation, "hồ sơ đăng ký tạm trú")
    reply = await one(conversation, then)
    assert "3 năm" not in reply.text
    assert reply.text.startswith(f"Dạ, thông tin em có về “{TEMPORARY}” chưa nói riêng")


@pytest.mark.parametrize(
    ("first", "then", "title"),
    [
        ("đăng ký khai sinh cần giấy tờ gì", "thế còn cho bé thì sao", BIRTH),
        ("dang ky khai sinh can giay to gi", "vay con cho be thi sao", BIRTH),
    ],
)
async def test_what_about_someone_the_entry_just_given_names_is_that_entry_again(
    conversation: Conversation, first: str, then: str, title: str
) -> None:
    """ "Thế còn cho bé thì sao" after the birth entry, asked in its own phrasings as
    "làm giấy khai sinh cho bé": its question asked again of the baby, which it still
    answers best, is that entry again, with the button to say it missed."""
    await one(conversation, first)
    reply = await one(conversation, then)
    assert reply.title == title
    assert any(button.action.startswith("wrong:") for button in reply.buttons)


async def test_what_about_someone_elsewhere_is_not_the_entry_again(
    conversation: Conversation,
) -> None:
    """ "Thế còn người già thì sao" after the ID card points elsewhere: the allowance for
    the elderly where "người già" finds it surely enough, else that the ID card's entry
    names no elderly; never the ID card again, nor its fee."""
    await one(conversation, "làm lại cccd bị mất")
    reply = await one(conversation, "thế còn người già thì sao")
    assert reply.title != ID_CARD and "70.000" not in reply.text
    if reply.title is not None:
        assert reply.title.startswith("Đăng ký nhận trợ cấp xã hội")
        assert "Nộp tờ khai" in reply.text
    else:
        assert reply.text.startswith(f"Dạ, thông tin em có về “{ID_CARD}” chưa nói riêng")


@pytest.mark.parametrize(
    ("then", "title", "says"),
    [
        ("thế còn lệ phí", ID_CARD, "Lệ phí: 70.000 đồng"),
        ("còn lệ phí thì sao", ID_CARD, "Lệ phí: 70.000 đồng"),
    ],
)
async def test_what_about_elsewhere_or_a_fact_is_not_the_entry_again(
    conversation: Conversation, then: str, title: str, says: str
) -> None:
    """ "Thế còn lệ phí" after the ID card asks the entry's fee: its line, not the entry
    whole."""
    whole = await one(conversation, "làm lại cccd bị mất")
    reply = await one(conversation, then)
    assert reply.title is not None and reply.title.startswith(title)
    assert says in reply.text
    assert reply.text != whole.text


@pytest.mark.parametrize("then", ["thế còn cho vợ thì sao"])
async def test_what_about_someone_is_not_answered_by_its_thi_sao(
    conversation: Conversation, fresh: Conversation, then: str
) -> None:
    """ "Thế còn cho vợ thì sao" after the household health insurance: read alone, its
    "thì sao" finds the entry on copies ("bản sao"), answered or offered; asked after an
    answer, it is asked of that answer (which names no wife: the resident is told so, and
    whom to call), not answered with certified copies, which nobody asked about."""
    alone = await one(fresh, then, ChatRef("test", "alone"))
    # The trap: what it would get read alone.
    offered = [button.action for button in alone.buttons]
    assert alone.title == COPIES_FEE or "faq:le-phi-chung-thuc" in offered
    await one(conversation, "mua bhyt hộ gia đình")
    reply = await one(conversation, then)
    assert reply.title != COPIES_FEE
    said = msg.not_said_of(HEALTH_INSURANCE, "cho vợ", "UBND Phường 2", "0276 3822 123")
    assert reply.text == said


@pytest.mark.parametrize(
    "where",
    [
        "bộ phận một cửa ở đâu",  # northern, with accents
        "ubnd phuong o dau",  # without accents
        "ủy ban phường mình ở mô rứa",  # central
        "ubnd phường nằm chỗ nào dzậy",  # southern
    ],
)
async def test_where_the_office_is_is_never_a_follow_up(
    conversation: Conversation, settings: Settings, where: str
) -> None:
    """Right under an answer whose line says to file "tại bộ phận một cửa của phường",
    asking where the office is gets no line of that answer: with no WARD_ADDRESS, that the
    bot does not have the address, and the hotline; a bare follow-up after it is about no
    answer before it (which procedure?)."""
    await one(conversation, "xin trợ cấp người cao tuổi")
    reply = await one(conversation, where)
    assert settings.ward_address == ""
    assert reply.title is None
    assert reply.text == msg.ward_address(settings.ward_name, "", settings.ward_hotline)
    assert "chưa có địa chỉ" in reply.text and settings.ward_hotline in reply.text
    fee = await one(conversation, "con le phi?")
    assert fee.text == msg.which_procedure(("fee",))


@pytest.mark.parametrize(
    ("first", "moved_to", "then"),
    [
        ("làm lại cccd bị mất", "làm thủ tục cho bé", "lệ phí bao nhiêu ạ"),  # northern
        ("lam lai cccd bi mat", "lam thu tuc cho be", "con le phi?"),  # without accents
        ("làm lại cccd bị mất", "làm thủ tục cho bé", "mất mấy ngày rứa"),  # central
        ("làm lại cccd bị mất", "làm thủ tục cho bé", "còn phí nhiêu vậy"),  # southern
    ],
)
async def test_a_follow_up_after_moving_on_is_not_about_the_older_answer(
    conversation: Conversation, first: str, moved_to: str, then: str
) -> None:
    """After the ID card's answer, the resident asks about something else, which gets close
    matches: a bare follow-up next is about what they moved on to (which of those
    procedures?), never the ID card's fee or time, which the entry would give."""
    assert (await one(conversation, first)).title == ID_CARD
    offered = await one(conversation, moved_to)
    assert offered.title is None and offered.buttons
    reply = await one(conversation, then)
    assert reply.title != ID_CARD
    assert "70.000" not in reply.text and "7 ngày" not in reply.text
    assert reply.text.startswith("Dạ, anh/chị đang hỏi về thủ tục nào ạ?")


@pytest.mark.parametrize(
    ("then", "says"),
    [
        # Southern: particles ("nè", "nghen", "hen"), "hông", "hổng" (không), "mần" (làm),
        # "dzậy" (vậy).
        ("nộp ở đâu nè", "Nơi làm: Công an phường"),
        ("mất bao lâu nghen", "Thời gian: 7 ngày làm việc"),
        ("lệ phí nhiêu hen", "Lệ phí: 70.000 đồng"),
        ("có làm online được hông", "trực tuyến trên ứng dụng VNeID"),
        ("có làm online được hổng", "trực tuyến trên ứng dụng VNeID"),
        ("dzậy mần ở đâu", "Nơi làm: Công an phường"),
        # Central: "hỉ" after "ở mô rứa".
        ("làm ở mô rứa hỉ", "Nơi làm: Công an phường"),
    ],
)
async def test_a_follow_up_in_central_or_southern_speech_is_about_the_answer(
    conversation: Conversation, then: str, says: str
) -> None:
    """Its particles and everyday words name nothing of their own: the lines of the answer
    just given that say it, not close matches about whatever fits "nộp", nor "no
    information"."""
    answer = await one(conversation, "làm lại cccd bị mất")
    assert answer.title == ID_CARD
    reply = await one(conversation, then)
    assert reply.title == ID_CARD
    assert says in reply.text and reply.text != answer.text  # its lines, not all again


@pytest.mark.parametrize(
    "then",
    [
        "được bao nhiêu tiền một tháng ạ",  # northern
        "bao nhieu tien 1 thang",  # without accents
        "nhiêu tiền 1 tháng rứa",  # central
        "mỗi tháng được mấy tiền vậy",  # southern
    ],
)
async def test_how_much_after_an_answer_naming_no_amount_is_told_so(
    conversation: Conversation, settings: Settings, then: str
) -> None:
    """The allowance's entry names no amount: "bao nhiêu tiền 1 tháng" under it is about
    it, told plainly that it does not say, and whom to ask; not another entry's amount,
    nor close matches about contributions."""
    assert (await one(conversation, "xin trợ cấp người cao tuổi")).title == ALLOWANCE
    reply = await one(conversation, then)
    assert reply.title is None
    assert reply.text == msg.not_stated(
        ALLOWANCE, ("amount",), settings.ward_name, settings.ward_hotline
    )
    assert "chưa nêu số tiền" in reply.text and settings.ward_hotline in reply.text


@pytest.mark.parametrize(
    "then",
    [
        "hết bao nhiêu tiền z",
        "tốn mấy tiền vậy",
        "mat bao nhieu tien",
        # "Bao nhiêu" with nothing after it asks the amount too; the south's "được nhiêu
        # vậy" was once "Dạ vâng ạ" (an ok: "nhiều" folds alike), "nhiu" a word of its own.
        "bao nhiêu ạ",  # northern
        "được nhiêu vậy",  # southern
        "dc nhieu z",  # without accents
        "nhiu rứa",  # central
    ],
)
async def test_how_much_after_an_answer_naming_an_amount_points_to_it(
    conversation: Conversation, then: str
) -> None:
    """The ID card's entry names its fee: "hết bao nhiêu tiền" under it gets that line."""
    await one(conversation, "làm lại cccd bị mất")
    reply = await one(conversation, then)
    assert reply.title == ID_CARD
    assert reply.text.startswith("• Lệ phí: 70.000 đồng")


@pytest.mark.parametrize("then", ["làm ở mô", "ở mô?", "lam o mo", "o mo", "o mo z"])
async def test_where_asked_in_central_speech_is_no_ok(
    conversation: Conversation, then: str
) -> None:
    """ "Ở mô" is the centre's "ở đâu": under the ID card's answer it gets the place line,
    not "Dạ vâng ạ" as if the resident had said "ờ" (ok) to a "mợ"."""
    await one(conversation, "làm lại cccd bị mất")
    reply = await one(conversation, then)
    assert reply.title == ID_CARD
    assert reply.text.startswith("• Nơi làm: Công an phường")


@pytest.mark.parametrize(
    "then", ["mỗi tháng mấy tiền", "bao nhieu tien 1 thang", "hàng tháng đóng bao nhiêu tiền"]
)
def test_how_much_a_month_gets_the_line_naming_the_amount_a_year(then: str) -> None:
    """How often the money is asked for is no word the line must hold: the line naming
    the amount a year answers "mỗi tháng mấy tiền" (not "chưa nêu số tiền cụ thể")."""
    line = "Người thứ nhất đóng 1.263.600 đồng/năm."
    entry = FaqEntry("x", "Mức đóng X là bao nhiêu?", f"Đóng tại đại lý thu.\n{line}\n")
    found = excerpt(entry, then)
    assert found is not None and found.lines == (line,)


# The first ID card's entry with a fee line of its own that names no amount.
VAGUE_FEE = "Lệ phí cấp theo quy định hiện hành."
VAGUE_CARD_FAQ = CARD_FAQ.replace(
    "hoặc đăng ký qua VNeID.\n", f"hoặc đăng ký qua VNeID.\n      {VAGUE_FEE}\n", 1
)


vague_card_engine = engine_over("vague-card-ward", VAGUE_CARD_FAQ)


@pytest.mark.parametrize("then", ["còn lệ phí?", "con le phi", "hết bao nhiêu tiền z"])
async def test_a_fee_line_naming_no_amount_gives_way_to_the_fee_entry_listed_under_it(
    vague_card_engine: Engine, store: Store, settings: Settings, clock: Clock, then: str
) -> None:
    """The first ID card's line "Lệ phí cấp theo quy định hiện hành" names no amount; the
    fee entry listed under it does: asked the fee, the resident gets that entry, not the
    line that tells them nothing. Asked where, the entry's own line still answers."""
    conversation = Conversation(vague_card_engine, store, settings, clock=clock)
    first = await one(conversation, "làm căn cước cho con")
    assert first.title == CARD_FIRST and VAGUE_FEE in first.text
    assert "faq:le-phi-can-cuoc" in [b.action for b in first.buttons]  # listed under it
    fee = await one(conversation, then)
    assert fee.title == CARD_FEE and "70.000 đồng" in fee.text
    await one(conversation, "làm căn cước cho con")
    place = await one(conversation, "làm ở đâu")
    assert place.title == CARD_FIRST and place.text.startswith("Cha mẹ đưa trẻ đến Công an")


@pytest.mark.parametrize("then", ["lãnh ở đâu", "nhan tien o dau vay", "lĩnh tiền ở chỗ nào"])
async def test_where_one_collects_it_is_where_it_is_paid_and_stays_on_the_subject(
    conversation: Conversation, then: str
) -> None:
    """Asked where the allowance is collected, the resident gets where it is paid, not
    where its file is handed in (nor "lãnh đạo" entries: "lãnh" is receiving); and "có
    cần giấy tờ gì hông" next is still about the allowance."""
    await one(conversation, "xin trợ cấp người cao tuổi")
    reply = await one(conversation, then)
    assert reply.title == ALLOWANCE
    assert "tại nhà văn hóa" in reply.text and "Nộp tờ khai" not in reply.text
    papers = await one(conversation, "có cần giấy tờ gì hông")
    assert papers.title == ALLOWANCE and "tờ khai" in papers.text


@pytest.mark.parametrize(
    ("body", "then", "lines"),
    [
        # Where the result is handed over, not where the file is received ("tiếp nhận").
        (
            "Hồ sơ tiếp nhận tại bộ phận một cửa.\nTrả kết quả tại Công an phường.\n",
            "nhận ở đâu",
            ("Trả kết quả tại Công an phường.",),
        ),
        (
            "Cá nhân nộp đơn tại UBND phường.\nNhận thẻ tại nhà văn hóa khu phố.\n",
            "lấy thẻ ở đâu",
            ("Nhận thẻ tại nhà văn hóa khu phố.",),
        ),
        # Typed without accents, as some staff write faq.yaml.
        (
            "Nop to khai tai bo phan mot cua.\nLanh tien tai nha van hoa khu pho.\n",
            "lanh o dau",
            ("Lanh tien tai nha van hoa khu pho.",),
        ),
        # No line says where it is handed over: any place line.
        (
            "Nộp tờ khai tại bộ phận một cửa.\nGiải quyết trong 10 ngày làm việc.\n",
            "lãnh ở đâu",
            ("Nộp tờ khai tại bộ phận một cửa.",),
        ),
        # When: the day it is paid, not how long the file takes.
        (
            "Giải quyết trong 10 ngày làm việc.\nChi trả từ ngày 5 hằng tháng tại phường.\n",
            "chừng nào được lãnh",
            ("Chi trả từ ngày 5 hằng tháng tại phường.",),
        ),
        (
            "Giải quyết trong 10 ngày làm việc.\nTrợ cấp chi trả tại phường.\n",
            "khi nào được lĩnh",
            ("Giải quyết trong 10 ngày làm việc.",),
        ),
    ],
)
def test_where_or_when_one_receives_it_prefers_the_lines_handing_it_over(
    body: str, then: str, lines: tuple[str, ...]
) -> None:
    found = excerpt(FaqEntry("x", "Thủ tục X?", body), then)
    assert found is not None and found.lines == lines, found


@pytest.mark.parametrize(
    ("then", "receiving"),
    [
        ("lãnh ở đâu", True),
        ("lanh o dau", True),
        ("lĩnh mấy tháng một lần", True),
        ("khi nào được lãnh", True),
        ("nhận ở đâu", True),
        # Other words typed with their accents: cold, a person, idle.
        ("lạnh ở đâu", False),
        ("nhân ở đâu", False),
        ("nhàn ở đâu", False),
    ],
)
def test_a_receiving_word_typed_as_one_names_nothing(then: str, receiving: bool) -> None:
    assert follows_up(then, answered_alone=True) is receiving


# "Rồi sao nữa" after an answer: the lines saying what follows what the resident did
# (the wait, the appointment slip, receiving the card), not what they did first.
WHAT_NEXT = [
    "rồi sao nữa",  # northern
    "roi sao nua a",  # without accents
    "xong rồi răng nữa",  # central ("răng": sao)
    "xong rồi mần chi tiếp",  # central ("mần chi": làm gì)
    "nộp xong rồi làm gì nữa vậy",  # southern
    "tiếp theo làm gì",
    "bước tiếp theo là gì",
    "sau đó thì sao",
]


@pytest.mark.parametrize("then", WHAT_NEXT)
async def test_what_comes_next_is_answered_by_the_lines_after_filing(
    conversation: Conversation, then: str
) -> None:
    """After re-issuing an ID card, "rồi sao nữa" gets the lines on what follows filing:
    the wait, keeping the appointment slip, the card by post; not the papers one brings,
    the fee or where to file, which the resident has already done."""
    answer = await one(conversation, "làm lại cccd bị mất")
    reply = await one(conversation, then)
    assert reply.title == ID_CARD and reply.text != answer.text
    assert "7 ngày làm việc" in reply.text and "giữ giấy hẹn để nhận thẻ" in reply.text
    assert "chờ thẻ" in reply.text and "nhận thẻ qua bưu điện" in reply.text
    assert "mang theo giấy tờ" not in reply.text and "70.000" not in reply.text
    assert "Nơi làm" not in reply.text
    assert [b.label for b in reply.buttons] == [msg.WHOLE_ANSWER_BUTTON, msg.WRONG_BUTTON]


@pytest.mark.parametrize("then", ["rồi sao nữa", "tiep theo lam gi"])
async def test_what_comes_next_after_an_answer_naming_no_further_step_is_that_was_all(
    conversation: Conversation, fresh: Conversation, then: str
) -> None:
    """The marriage entry is one line, naming nothing after it: "rồi sao nữa" is told
    plainly that what was sent is all the steps, what else it may ask, and whom to call;
    not the general "no information", nor another procedure's answer."""
    await one(conversation, "đăng ký kết hôn cần những gì")
    reply = await one(conversation, then)
    assert reply.text == msg.not_stated(MARRIAGE, ("next",), "UBND Phường 2", "0276 3822 123")
    assert "là tất cả" in reply.text and "0276 3822 123" in reply.text
    # With no answer before it, it asks which procedure is meant.
    alone = await one(fresh, then, ChatRef("test", "8"))
    assert alone.text == msg.which_procedure(("next",))


@pytest.mark.parametrize(
    "then",
    [
        "mất bao lâu thì có thẻ",
        "bao lâu thì lấy được thẻ",
        "may ngay thi co the",  # without accents
        "mấy bữa thì lãnh thẻ",  # southern
        "có thẻ mất bao lâu vậy",
    ],
)
async def test_how_long_until_the_card_is_the_time_of_the_answer_just_given(
    conversation: Conversation, clock: Clock, then: str
) -> None:
    """ "Mất bao lâu thì có thẻ" names the card any procedure hands over, nothing of its
    own: after the ID card it gets its time line; after household health insurance, whose
    entry names no wait, that the entry does not say it, and whom to call."""
    await one(conversation, "làm lại cccd bị mất")
    reply = await one(conversation, then)
    assert reply.title == ID_CARD
    assert "Thời gian: 7 ngày làm việc" in reply.text and "Lệ phí" not in reply.text
    clock.now += 60
    await one(conversation, "mua bhyt hộ gia đình")
    reply = await one(conversation, then)
    assert reply.text == msg.not_stated(
        HEALTH_INSURANCE, ("time",), "UBND Phường 2", "0276 3822 123"
    )


async def test_how_long_until_a_named_card_is_a_question_of_its_own(
    conversation: Conversation, settings: Settings
) -> None:
    """ "Mất bao lâu thì có thẻ căn cước" right after the birth entry names the ID card:
    it is answered from the ID card's entry, not as the birth's time. In the terminal,
    "rồi sao nữa" next is about the ID card."""
    output = io.StringIO()
    lines = ["đăng ký khai sinh", "mất bao lâu thì có thẻ căn cước", "rồi sao nữa", "/quit"]
    source = io.StringIO("".join(f"{line}\n" for line in lines))
    await asyncio.wait_for(run_chat(conversation, settings, source, output), 10)
    shown = output.getvalue().split("> mất bao lâu thì có thẻ căn cước\n", 1)[1]
    card, after = shown.split("> rồi sao nữa\n")
    assert ID_CARD in card and "chưa nêu" not in card and BIRTH not in card
    assert ID_CARD in after and "giữ giấy hẹn để nhận thẻ" in after
