"""Vietnamese normalisation: what residents type meets what staff wrote."""

import unicodedata

import pytest

from wardbot.analysis import Analyzer
from wardbot.language import plainly_foreign
from wardbot.text import (
    BUILTIN_SYNONYMS,
    Synonyms,
    canonical_tone,
    decode_telex,
    decode_vni,
    event_numbers,
    fold,
    fold_word,
    government_tiers,
    normalize,
    sounds_alike,
    tokens,
)

SYNONYMS = Synonyms.build(BUILTIN_SYNONYMS)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Đăng ký BHYT", "dang ky bhyt"),
        ("Hộ nghèo, cận nghèo", "ho ngheo, can ngheo"),
        ("ĐỊNH DANH ĐIỆN TỬ", "dinh danh dien tu"),
        (unicodedata.normalize("NFD", "mức đóng"), "muc dong"),
    ],
)
def test_fold_strips_every_diacritic(typed, expected):
    assert fold(typed) == expected


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("hoà", "hòa"),
        ("thuỷ", "thủy"),
        ("khoẻ", "khỏe"),
        ("tuỳ", "tùy"),
        ("hoá", "hóa"),
        ("khoá", "khóa"),
        ("quý", "quý"),  # qu is a consonant: the tone stays on y
        ("giường", "giường"),
        ("người", "người"),
        ("hòa", "hòa"),
    ],
)
def test_one_tone_placement_for_old_and_new_spelling(old, new):
    assert canonical_tone(old) == new


@pytest.mark.parametrize(
    ("keys", "word"),
    [
        ("hocj", "học"),
        ("boongr", "bổng"),
        ("muwcs", "mức"),
        ("ddongs", "đóng"),
        ("hooj", "hộ"),
        ("ddinhf", "đình"),
        ("nguwowif", "người"),
        ("ddaauf", "đầu"),
        ("vieetj", "việt"),
        ("nhw", "như"),
        ("tieengs", "tiếng"),
    ],
)
def test_leftover_telex_keystrokes_are_decoded(keys, word):
    assert decode_telex(keys) == word


@pytest.mark.parametrize("word", ["bhyt", "cccd", "ubnd", "vneid", "hoc", "co", "sms", "2024"])
def test_words_that_are_not_telex_are_left_alone(word):
    assert decode_telex(word) is None


@pytest.mark.parametrize(
    ("keys", "word"), [("ho5c", "học"), ("bo6ng3", "bổng"), ("d9i", "đi"), ("nguo7i2", "người")]
)
def test_vni_keystrokes_are_decoded(keys, word):
    assert decode_vni(keys) == word


@pytest.mark.parametrize("word", ["kp1", "t7", "2024", "abc", "ct07"])
def test_numbers_in_abbreviations_are_not_vni(word):
    assert decode_vni(word) is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("BHYT", "bảo hiểm y tế"),
        ("bhxh tn", "bảo hiểm xã hội tự nguyện"),
        ("CCCD", "căn cước công dân"),
        ("cmnd", "chứng minh nhân dân"),
        ("UBND phường", "ủy ban nhân dân phường"),
        ("HĐND", "hội đồng nhân dân"),
        ("MTTQ", "mặt trận tổ quốc"),
        ("kp 3", "khu phố 3"),
        ("ko dc", "không được"),
        ("đc k", "được không"),
        ("VNeID", "vneid định danh điện tử"),
        ("thủ tục ly dị", "thủ tục ly hôn"),  # an everyday word for the official one
        # Copied from official papers, with or without the đ.
        ("cấp GCN QSDĐ", "cấp giấy chứng nhận quyền sử dụng đất"),
        ("gcn qsdd", "giấy chứng nhận quyền sử dụng đất"),
        ("đóng cửa HKD", "đóng cửa hộ kinh doanh"),
        ("ct ubnd là ai", "chủ tịch ủy ban nhân dân là ai"),
        # "hs" is a pupil, but what one hands in is a file.
        ("bhyt hs", "bảo hiểm y tế học sinh"),
        ("nộp hs ở đâu", "nộp hồ sơ ở đâu"),
    ],
)
def test_abbreviations_are_expanded(typed, expected):
    assert normalize(typed, SYNONYMS) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("hocj boongr", "học bổng"),
        ("muwcs ddongs bhyt", "mức đóng bảo hiểm y tế"),
        ("Hoà giải ở KP2", "hòa giải ở kp2"),
        (unicodedata.normalize("NFD", "Thẻ BHYT hoà"), "thẻ bảo hiểm y tế hòa"),
        ("  Xin   chào!!! ", "xin chào"),
    ],
)
def test_whole_questions_normalise(typed, expected):
    assert normalize(typed, SYNONYMS) == expected


def test_staff_synonyms_extend_the_builtin_list():
    staff = Synonyms.build(BUILTIN_SYNONYMS, {"gks": "giấy khai sinh", "hk": ["hộ khẩu"]})
    assert normalize("xin gks và sổ hk", staff) == "xin giấy khai sinh và sổ hộ khẩu"


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("đánh rơi thẻ", "đánh mất thẻ"),
        ("danh roi the", "đánh mất the"),
        ("làm rớt sổ", "làm mất sổ"),
        ("lam rot so", "làm mất so"),
        ("làm rơi giấy khai sinh", "làm mất giấy khai sinh"),
        ("bị rơi thẻ", "bị mất thẻ"),
        # Typed otherwise, or without accents, these are other words: left as typed.
        ("làm rồi mà chưa có", "làm rồi mà chưa có"),
        ("lam roi ma chua co", "lam roi ma chua co"),
        ("đăng ký bị rồi", "đăng ký bị rồi"),
        ("con thi bị rớt", "con thi bị rớt"),
        ("hồ sơ bị đánh rớt", "hồ sơ bị đánh rớt"),  # turned down, not lost
    ],
)
def test_losing_papers_however_said_reads_as_mat(typed, read):
    """Documents and questions alike: one word, "mất", for papers lost."""
    assert " ".join(Analyzer.create().words(typed)) == read


def test_words_the_corpus_uses_are_not_read_as_telex():
    assert tokens("boong tàu", known={"boong"}) == ["boong", "tàu"]
    assert tokens("boongr") == ["bổng"]


@pytest.mark.parametrize("text", ["", "🙂🙂🙂", "?!...", "Привет мир", "你好", "a" * 10_000])
def test_odd_input_never_raises(text):
    assert isinstance(normalize(text, SYNONYMS), str)


@pytest.mark.parametrize(
    ("message", "asks", "story"),
    [
        # The story's words are not the question's; the clause ending in '?' asks.
        ("Nhà tôi ở hẻm 5, hôm qua bị mất ví, giờ làm lại giấy tờ ở đâu?", "giấy", "ví"),
        # 'thì làm sao' names nothing: the clause before it says what is asked about.
        ("Tôi mới chuyển nhà, con tôi muốn đổi trường thì làm sao?", "trường", "nhà"),
        # No '?': the last clause with a question word; '1,8' is a number, not two clauses.
        ("Lương 1,8 triệu, đóng bảo hiểm bao nhiêu", "đóng", "triệu"),
        # The centre's 'chi' (gì), with accents and without.
        ("Hồi tháng trước nhà em sửa mái, chừ con đi học cần giấy tờ chi hỉ", "giấy", "mái"),
        ("hoi thang truoc nha em sua mai, chu con di hoc can giay to chi", "giay", "mai"),
        # Question words typed without accents: 'o dau', 'khong', and the centre's 'mo', 'rang'.
        ("nha em o kiet 7, bi mat vi, chu lam lai the xe o dau", "xe", "vi"),
        ("nha em o kiet 7, bi mat vi, chu lam lai the xe o mo", "xe", "vi"),
        ("nha em o kiet 7, bi mat vi, chu lam lai the xe man rang", "xe", "vi"),
        ("nha em o kiet 7, mai nha bi dot, con em di hoc co duoc giam hoc phi khong", "phi", "dot"),
    ],
)
def test_the_clause_that_asks_is_told_from_the_story(message, asks, story):
    focus = Analyzer.create().asking_words(message)
    assert focus is not None
    assert asks in focus
    assert story not in focus


@pytest.mark.parametrize(
    "message", ["Mức đóng bảo hiểm y tế là bao nhiêu?", "lương 1,8 triệu", "Chào phường, cảm ơn ạ"]
)
def test_a_message_of_one_clause_or_no_question_has_no_asking_clause(message):
    assert Analyzer.create().asking_words(message) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kích hoạt định danh khu phố 4-6", "kích hoạt định danh khu phố 4 5 6"),
        ("tổ 2 đến 4", "tổ 2 3 4"),
        ("KP 1-3", "khu phố 1 2 3"),
        # Dates and amounts are not places: they stay as written.
        ("ra quân ngày 1-3", "ra quân ngày 1 3"),
        ("nộp hồ sơ từ 1-3/2025", "nộp hồ sơ từ 1 3 2025"),
        ("tổ 2 họp ngày 1-3-2025", "tổ 2 họp ngày 1 3 2025"),
    ],
)
def test_only_ranges_of_numbered_places_are_spelt_out(text, expected):
    assert " ".join(Analyzer.create().words(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sổ hồng", "sổ hồng"),  # a land certificate, not 'sổ không'
        ("so hong", "so hong"),
        ("nhận 15 kg gạo", "nhận 15 kg gạo"),
        ("ko có bhyt", "không có bảo hiểm y tế"),
    ],
)
def test_abbreviations_never_swallow_words_or_units(text, expected):
    assert normalize(text, SYNONYMS) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("LÀM HỘ CHIẾU Ở MÔ", "làm hộ chiếu ở đâu"),
        ("vneid đăng nhập lại răng", "vneid định danh điện tử đăng nhập lại sao"),
        ("chừ rứa là răng", "giờ vậy là sao"),
        ("mần giấy tờ cho tụi em", "làm giấy tờ cho chúng em"),
        ("có được hông", "có được không"),
        ("đóng nhiêu một năm", "đóng bao nhiêu một năm"),
        ("mướn phòng trọ", "thuê phòng trọ"),
    ],
)
def test_southern_and_central_words_are_read_as_standard_vietnamese(typed, expected):
    assert normalize(typed, SYNONYMS) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "quy mô dự án",  # 'mô' is 'đâu' only on its own
        "mô hình",
        "mở cửa mấy giờ",  # matched with diacritics: 'mở' is not 'mô'
        "khám răng miệng cho trẻ",
        "trạm y tế có nhổ răng không",
        "bên hông nhà",
        "bao nhiêu",
    ],
)
def test_regional_words_keep_their_standard_meaning_where_they_have_one(typed):
    assert normalize(typed, SYNONYMS) == " ".join(tokens(typed, decode=False))


def test_staff_texts_keep_regional_words_as_written():
    assert " ".join(tokens("thuê người cắt lúa mướn", decode=False)) == "thuê người cắt lúa mướn"


def test_a_question_asked_in_central_speech_has_its_asking_clause():
    focus = Analyzer.create().asking_words("Nhà tui ở tổ 5, bị mất ví, chừ làm lại giấy tờ ở mô")
    assert focus is not None
    assert "giấy" in focus
    assert "ví" not in focus


def test_a_story_of_something_done_typed_without_accents_weighs_little():
    analyzer = Analyzer.create()
    message = "em da dang ky ket hon roi, chu lam giay khai sinh cho con can chi"
    done = analyzer.done_words(message, analyzer.asking_words(message))
    assert {"ket", "hon"} <= done
    assert "sinh" not in done
    lost = "em bi mat vi roi, chu lam lai the bhyt o mo"
    assert "vi" not in analyzer.done_words(lost, analyzer.asking_words(lost))


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("Kỳ họp thứ hai HĐND phường họp ngày nào?", {2}),
        ("KY HOP THU NHAT nhiệm kỳ 2026-2031", {1}),
        ("Kỳ họp thứ 8 HĐND phường", {8}),
        ("Đại hội Đảng bộ lần thứ XIV", {14}),
        ("bầu cử đại biểu Quốc hội khóa XVI", {16}),
        ("Tiêm phòng đợt thứ 3 năm 2025", {3}),
        ("Tuyển sinh lớp 1, lớp 6 năm học 2026-2027", {1, 6}),
        ("lớp học tiếng Anh miễn phí", set()),  # a class, not a grade
        ("thứ hai phường có làm việc không", set()),  # a weekday, not a session
        ("khoá học nghề miễn phí", set()),  # a course
        ("người thứ nhất đóng bao nhiêu", set()),  # a household member
    ],
)
def test_sessions_terms_and_grades_are_read_with_their_numbers(text, numbers):
    assert event_numbers(text) == numbers


@pytest.mark.parametrize(
    ("text", "tiers"),
    [
        ("sđt ubnd tp.hcm", {"province"}),  # abbreviations expanded first
        ("HĐND tỉnh họp kỳ cuối năm", {"province"}),
        ("uy ban nhan dan phuong 5 o dau", {"commune"}),
        ("UBND xã và UBND quận cũ", {"commune", "district"}),
        ("người dân tỉnh Đồng Tháp", set()),  # the people of a province, no council
        ("nhân dân thị xã", set()),  # a former town or a township: not judged
    ],
)
def test_the_tier_of_a_council_or_committee_is_read_from_its_name(text, tiers):
    words = [fold_word(word) for word in Analyzer.create().words(text)]
    assert government_tiers(words) == tiers


@pytest.mark.parametrize(
    "typed",
    [
        "Where do I pay the garbage fee?",
        "I need to renew my residence card",
        "Birth certificate registration",
        "Is there a fee for this?",
        "please help with my marriage registration",
        "请问在哪里办理户口",
        "주민등록은 어디서 하나요",
        "Где можно получить справку?",
    ],
)
def test_a_message_in_another_language_reads_as_foreign(typed: str) -> None:
    assert plainly_foreign(typed)


@pytest.mark.parametrize(
    "typed",
    [
        "nop phi rac o dau",  # Vietnamese without accents
        "Nộp phí rác ở đâu?",
        "lam lai cccd va bhyt cho con",  # abbreviations
        "app vneid bi loi khong dang nhap duoc",  # a stray English word
        "hocj boongr dduwowcj bao nhieu",  # Telex keys left in
        "gui file scan qua email",  # English loanwords around unaccented Vietnamese
        "cho xin link form online",
        "co link form online ko",
        "link google form dang ky",
        "quen password app vneid",
        "update app vneid",  # "vneid" is an abbreviation, not an English word
        "toi cos there nop ho so online khong",  # "there": Telex for "thể"
        "dang ky cho this sinh online",  # "this": Telex for "thí"
        "Chào em, cho hỏi làm sao để get giấy xác nhận",
        "covid vaccine",
        "ok",
        "👍",
    ],
)
def test_vietnamese_however_typed_is_not_read_as_foreign(typed: str) -> None:
    assert not plainly_foreign(typed)


@pytest.mark.parametrize(
    ("said", "written"),
    [
        ("cư chú", "Cư trú"),  # tr/ch
        ("hộ tịt", "Hộ tịch"),  # final ch/t
        ("cu chu", "cu-tru"),  # without accents, against a topic's id
        ("dáo dục", "Giáo dục"),  # gi/d, as the south says both
        ("xắp xếp", "sắp xếp"),  # s/x
        ("học bỗng", "Học bổng"),  # hỏi/ngã
    ],
)
def test_a_name_spelt_as_a_region_says_it_sounds_like_the_standard_one(said, written):
    assert sounds_alike(said, written)


@pytest.mark.parametrize(
    ("said", "written"),
    [
        ("đạo đức", "Giáo dục"),  # "đ" is said like no "d" or "gi"
        ("dao duc", "Giáo dục"),  # typed without accents, a "d" may be an "đ": not alike
        ("đạo đức", "giao-duc"),
        ("cũ chú", "Cư trú"),  # other vowels and tones, typed with accents
        ("hộ tịt", "Hộ tịch và khai sinh"),
    ],
)
def test_other_words_with_letters_in_common_do_not_sound_alike(said, written):
    assert not sounds_alike(said, written)


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("cho toi hoi tam tru", ["cho", "tôi", "hỏi", "tam", "tru"]),
        ("em muon hoi ve hoc bong", ["em", "muốn", "hỏi", "về", "hoc", "bong"]),
        ("muon hoi ve hoc bong", ["muốn", "hỏi", "về", "hoc", "bong"]),
        # "hội" opening a word: a council, a conference
        ("co can hoi dong xet duyet khong", ["co", "can", "hoi", "dong", "xet", "duyet", "khong"]),
        ("em muon hoi nghi", ["em", "muon", "hoi", "nghi"]),
    ],
)
def test_asking_to_ask_typed_without_accents_is_read_with_them(typed, read):
    """The "toi", "hoi" of asking to ask are no "tối", "hội" weighing on the search (and read
    so by the meaning model too); a "hội đồng" stays one."""
    assert tokens(typed) == read
