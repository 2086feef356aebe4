"""A document as the ranker reads it: one compact set of terms shared through a lexicon."""

from __future__ import annotations

import pickle

from wardbot.analysis import DEFAULT_STOPWORDS, Analyzer, Lexicon, analyse_document


def analysed(lexicon: Lexicon, title: str, body: str):  # type: ignore[no-untyped-def]
    heads, sentences = Analyzer.create().parts([title], body)
    return analyse_document(heads, sentences, DEFAULT_STOPWORDS, lexicon)


def test_one_set_answers_for_words_as_written_folded_and_paired() -> None:
    text = analysed(Lexicon(), "Gia hạn thẻ BHYT", "Mang theo căn cước công dân. Nộp phí bảo hiểm.")
    assert "hiểm" in text.terms and "hiem" in text.terms
    assert "hiễm" not in text.terms, "another accent is another spelling"
    assert "can" in text.terms and "căn" in text.terms and "cần" not in text.terms
    asked = frozenset({"bao_hiem", "y_te", "xay_dung"})
    assert asked & text.terms == {"bao_hiem", "y_te"}
    assert "the" in text.head_terms and "nop" not in text.head_terms
    assert text.body_words() >= {"can", "cuoc", "nop", "phi"}
    assert not text.body_words() & {"gia", "han", "gia_han", "hạn"}, "head words and pairs"
    assert text.head_pairs() == ["bao_hiem", "gia_han", "han_the", "hiem_y", "the_bao", "y_te"]


def test_documents_share_their_words_and_survive_a_round_trip() -> None:
    lexicon = Lexicon()
    first = analysed(lexicon, "Cấp thẻ BHYT cho trẻ em", "Trẻ em dưới 6 tuổi được cấp thẻ.")
    second = analysed(lexicon, "Thu phí thẻ BHYT", "Hộ gia đình nộp phí BHYT tại khu phố.")
    (one,) = [t for t in first.terms if t == "thẻ"]
    (other,) = [t for t in second.terms if t == "thẻ"]
    assert one is other, "one string for a word, however many documents use it"
    again = pickle.loads(pickle.dumps(second))
    assert again == second and "nộp" in again.terms and "khu_pho" in again.terms
