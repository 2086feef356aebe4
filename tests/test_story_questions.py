"""A message that tells of a procedure already done before asking about another ("tôi
mới đăng ký tạm trú cho mấy đứa ở trọ xong, giờ muốn làm sổ đỏ thì sao") is answered
about the one it asks: the words only such a story names weigh little
(wardbot.analysis.Analyzer.done_words), while a story of what went wrong ("bị mất ví
rồi") still says what is asked about."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from own_ward import own_ward

from wardbot.analysis import Analyzer

TODAY = dt.date(2026, 12, 2)
FAQ = (Path(__file__).parent / "fixtures" / "story-ward" / "faq.yaml").read_text(encoding="utf-8")


ward, engine, settings, store = own_ward(FAQ, "story-ward", TODAY)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "chào chị, tôi mới làm thủ tục đăng ký tạm trú cho mấy đứa sinh viên ở trọ nhà "
            "tôi xong, giờ tôi muốn làm sổ đỏ lần đầu cho lô đất này thì sao",
            "so-do-lan-dau",
        ),
    ],
)
def test_a_story_of_a_procedure_done_does_not_take_the_question_after_it(engine, message, expected):
    """Before, the entry of the story's procedure was answered with (0.63)."""
    answer = engine.ask(message)
    assert answer.best is not None and answer.best.id == expected, answer


def test_only_the_words_of_something_done_weigh_little():
    analyzer = Analyzer.create()
    message = (
        "em vừa làm xong hồ sơ trợ cấp khuyết tật, hôm qua lại bị mất ví rồi, "
        "giờ làm lại thẻ bhyt ở đâu"
    )
    done = analyzer.done_words(message, analyzer.asking_words(message))
    assert "tật" in done  # the story of the file already made
    assert "ví" not in done  # what went wrong, 'rồi' or not
    assert "thẻ" not in done  # what is asked
    assert analyzer.done_words("mất thẻ bhyt làm lại ở đâu", None) == frozenset()


# A resident's long story (over the 600 characters the engine reads of a question), the
# question only at its end; and with a thank-you after the question.
LONG_STORY = (
    "Dạ con chào các cô chú ở phường. Con là Hùng, nhà con ở tổ 7 gần cây xăng đầu hẻm. "
    "Chuyện là tháng rồi nhà con làm đám cưới cho đứa em gái, họ hàng dưới quê lên đông "
    "lắm, con lo chạy tới chạy lui cả tuần, hết đi chợ rồi thuê rạp, thuê bàn ghế, rồi "
    "đưa đón ông bà ngoại ra bến xe. Xong đám thì con lại phải đi làm ca đêm ở xưởng gỗ "
    "ngoài khu công nghiệp, sáng về ngủ chưa được mấy tiếng đã phải chở mấy đứa nhỏ đi "
    "học. Vợ con thì đang bầu tháng thứ bảy nên con không dám để cổ làm việc nặng. "
    "Hôm qua con dọn lại cái tủ thờ thì thấy mấy giấy tờ cũ của ông nội để lẫn trong "
    "đó, ướt hết vì mấy bữa mưa dột mái tôn. Con phơi khô rồi mà chữ nhòe gần hết. "
)


@pytest.mark.parametrize("after", ["", " Con cảm ơn nhiều ạ, chúc cô chú sức khỏe."])
def test_a_long_story_still_asks_its_question_at_the_end(engine, after):
    """Only the first 600 characters of a question were read: a long story with its
    question last was answered from the story alone (here: nothing answered)."""
    message = LONG_STORY + "Cho con hỏi giờ con muốn xin bản sao trích lục khai sinh thì làm sao?"
    message += after
    assert len(LONG_STORY) > 600
    answer = engine.ask(message)
    assert answer.answered and answer.best.id == "trich-luc-ho-tich", answer


def test_a_long_message_is_read_from_its_start_when_it_asks_early():
    analyzer = Analyzer.create()
    message = "Xin giấy xác nhận cư trú ở đâu? " + "Nhà tôi ở tổ 3, " * 60
    read = analyzer.within(message, 600)
    assert read.startswith("Xin giấy xác nhận cư trú ở đâu?") and len(read) <= 600
    asked_last = "Nhà tôi ở tổ 3, " * 60 + "xin giấy xác nhận cư trú ở đâu?"
    read = analyzer.within(asked_last, 600)
    assert read.endswith("xin giấy xác nhận cư trú ở đâu?") and len(read) <= 600
    assert asked_last.endswith(read) and asked_last[-len(read) - 1] == " "  # a word's start
    assert analyzer.within("ngắn thôi", 600) == "ngắn thôi"
