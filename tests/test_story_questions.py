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
