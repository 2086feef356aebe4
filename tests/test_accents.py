"""Diacritics put back from how the ward's own texts spell (wardbot.accents)."""

from __future__ import annotations

import math

from wardbot.accents import AccentModel
from wardbot.engine import QUOTE_SURETY


def model(*sentences: str) -> AccentModel:
    return AccentModel.of(sentence.split() for sentence in sentences)


WARD = model(
    "mức đóng bảo hiểm y tế hộ gia đình năm nay",
    "cơn bão số 5 gây mưa lớn",
    "báo cáo kết quả quản lý đất đai",
    "quản lý hộ tịch và quản lý cư trú",
    "lý do chậm trả kết quả",
    "cán bộ quản lý",
    "nộp giấy tờ chứng minh đã ly hôn",
    "thủ tục đăng ký kết hôn",
)


def test_an_unaccented_question_gets_the_wards_spellings_back() -> None:
    words = "muc dong bao hiem y te ho gia dinh".split()
    assert WARD.restore(words) == "mức đóng bảo hiểm y tế hộ gia đình".split()


def test_a_rare_spelling_wins_where_its_neighbour_says_so() -> None:
    # "lý" is used six times and "ly" once, but "lý" is never followed by "hôn".
    assert WARD.restore("thu tuc ly hon".split()) == "thủ tục ly hôn".split()
    assert WARD.restore("quan ly ho tich".split()) == "quản lý hộ tịch".split()


def test_words_typed_with_diacritics_or_unknown_to_the_ward_stay_as_typed() -> None:
    assert WARD.restore("mức dong xyz".split()) == "mức đóng xyz".split()
    assert WARD.restore([]) == []


def test_spellings_are_put_back_surely_only_where_the_texts_make_each_choice_plain() -> None:
    """ "ly hon" is plainly "ly hôn" and "bao hiem" "bảo hiểm"; "bao" alone is "bảo" (in
    "bảo hiểm"), "bão" and "báo" about as often: no sure choice."""
    surely = math.log(2)
    assert WARD.restore_surely("thu tuc ly hon".split(), surely) == "thủ tục ly hôn".split()
    assert WARD.restore_surely("dong bao hiem".split(), surely) == "đóng bảo hiểm".split()
    assert WARD.restore_surely(["bao"], surely) is None
    assert WARD.restore_surely([], surely) == []


# News of the ward's associations: "hội" is common; "hỏi" rare, never after "muốn".
NEWS = model(
    "hội khuyến học phường trao học bổng",
    "hội phụ nữ phường họp",
    "hội nghị tổng kết năm",
    "đại hội hội cựu chiến binh",
    "cán bộ trả lời câu hỏi của bà con",
    "bà con muốn đăng ký tạm trú",
    "thủ tục ly hôn",
)


def test_a_question_is_quoted_back_only_when_no_word_is_likely_misspelt() -> None:
    """The ward's news says "hội" far more often than "hỏi": "em muon hoi ve ly hon" is
    not quoted back as "em muốn hội về ly hôn"; a question its texts spell plainly is."""
    quoting = math.log(QUOTE_SURETY)
    assert NEWS.restore_surely("em muon hoi ve ly hon".split(), quoting) is None
    restored = NEWS.restore_surely("muon dang ky tam tru".split(), quoting)
    assert restored == "muốn đăng ký tạm trú".split()


def test_a_notice_counted_in_later_changes_the_spelling() -> None:
    grown = model("báo cáo tình hình")
    assert grown.restore("con bao".split())[1] == "báo"
    grown.add([["cơn", "bão", "lớn"], ["cơn", "bão", "số", "3"]])
    assert grown.restore("con bao".split()) == ["cơn", "bão"]
