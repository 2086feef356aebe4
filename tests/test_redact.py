"""What identifies a resident, blanked before their words go into faq.yaml (wardbot.redact)."""

from __future__ import annotations

import unicodedata

import pytest

from wardbot.redact import Redacted, blank_found, for_faq, full_names, scrub


@pytest.mark.parametrize(
    ("typed", "written", "kinds"),
    [
        (
            "Em là Lan, sđt 0912 345 678, hỏi về BHYT",
            "Em là …, sđt …, hỏi về BHYT",
            ("name", "number"),
        ),
        (
            "toi ten nguyen van an muon hoi lam cccd o dau",
            "toi ten … muon hoi lam cccd o dau",
            ("name",),
        ),
        (
            "tên con tôi là Minh Khôi, muốn đổi tên cho con",
            "tên con tôi là …, muốn đổi tên cho con",
            ("name",),
        ),
        ("bà Nguyễn Thị Hoa mất thẻ BHYT", "bà … mất thẻ BHYT", ("name",)),
        ("nhà số 45/7 hẻm 12 đường Lê Lợi", "nhà số … hẻm … đường Lê Lợi", ("address",)),
        ("địa chỉ: 12 đường Cao Thắng", "địa chỉ: … đường Cao Thắng", ("address",)),
        ("ngày sinh: 12-05-1988, CCCD 079088001234", "ngày sinh: …, CCCD …", ("birth", "number")),
        ("mail cho em: an.nguyen@gmail.com nhé", "mail cho em: … nhé", ("email",)),
        (
            "con tôi sinh ngày 12 tháng 3 năm 2020, làm khai sinh",
            "con tôi sinh ngày …, làm khai sinh",
            ("birth",),
        ),
        ("số nhà 27 kiệt 4 phải đăng ký gì", "số nhà … kiệt … phải đăng ký gì", ("address",)),
        ("TÔI TÊN NGUYỄN VĂN AN, HỎI VỀ BHYT", "TÔI TÊN …, HỎI VỀ BHYT", ("name",)),
        ("toi ten tam muon hoi ve bhyt", "toi ten … muon hoi ve bhyt", ("name",)),
        ("CHỊ TRẦN THỊ HOA MẤT THẺ BHYT", "CHỊ … MẤT THẺ BHYT", ("name",)),
        # Not personal: left as typed.
        ("LÀM LẠI CCCD Ở ĐÂU", None, ()),
        ("gia đình 4 người, nhà 2 tầng thì đóng bao nhiêu", None, ()),
        ("Nhà trong hẻm 3m có được xây 4 tầng không", None, ()),
        ("ngõ 2,5 mét xây mấy tầng, căn hộ 2 phòng ngủ", None, ()),
        ("nhà hẻm 4m, căn hộ 1203 tầng 12", "nhà hẻm 4m, căn hộ … tầng 12", ("address",)),
        ("lịch nghỉ Tết Giáp Ngọ 2026 thế nào", None, ()),
        ("học bổng năm học 2026-2027 nộp khi nào", None, ()),
        ("chuyển hộ khẩu từ Hồ Chí Minh về Hà Nội cần gì", None, ()),
        ("Hồ sơ đăng ký tạm trú cho con gồm gì", None, ()),
        ("Chị cho hỏi hồ sơ làm CCCD gồm gì ạ", None, ()),
        ("ông Chủ tịch UBND tiếp dân ngày nào", None, ()),
        ("muốn đổi tên cho con thì làm sao", None, ()),
        ("mẹ tôi sinh năm 1950 có được trợ cấp không", None, ()),
        ("Tôi là người dân khu phố 3, hỏi về tuyển sinh lớp 10", None, ()),
        ("thẻ bảo hiểm của bà tôi rách nát hết rồi", None, ()),
    ],
)
def test_what_goes_into_faq_yaml(typed: str, written: str | None, kinds: tuple[str, ...]) -> None:
    redacted = for_faq(typed)
    assert (redacted.text, redacted.kinds) == (written or typed, kinds)


def test_the_question_log_blanks_numbers_and_emails_only() -> None:
    assert scrub("Em là Lan, sđt 0912 345 678") == "Em là Lan, sđt …"
    assert (
        scrub("nhiệm kỳ 2026 – 2031, năm học 2025/2026")
        == "nhiệm kỳ 2026 – 2031, năm học 2025/2026"
    )


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        (
            "làm việc 7.30 - 11.30 và 13.30-17.00, gọi 0912.345.678",
            "làm việc 7.30 - 11.30 và 13.30-17.00, gọi …",
        ),
        (
            "lệ phí 1.500.000 đồng hay 2.000.000đ, stk 1.234.567",
            "lệ phí 1.500.000 đồng hay 2.000.000đ, stk …",
        ),
        (
            "trợ cấp 1.800.000 VNĐ/tháng, CMND 271.234.567",
            "trợ cấp 1.800.000 VNĐ/tháng, CMND …",
        ),
    ],
)
def test_office_hours_and_money_are_no_phone_numbers(typed: str, written: str) -> None:
    # As many digits as a phone, but they identify no one; a number without a unit may
    # be an account or an ID card, and goes.
    assert scrub(typed) == written
    assert for_faq(typed).text == written


def test_a_staff_answer_loses_what_it_repeats_of_the_residents_words_only() -> None:
    found = for_faq("cháu tên là Trần Thị Bích, số cháu 0912 345 678, mail bich@gmail.com").found
    answer = (
        "Chào chị Bích (Trần Thị Bích): cán bộ gọi lại 0912.345.678 và gửi về BICH@gmail.com; "
        "hoặc gọi 0276 3822 123, gặp chị Hoa."
    )
    assert blank_found(answer, found) == (
        "Chào chị … (…): cán bộ gọi lại … và gửi về …; hoặc gọi 0276 3822 123, gặp chị Hoa."
    )


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("Tôi là Nguyễn Đức Anh, hỏi về BHYT", "Tôi là …, hỏi về BHYT"),
        ("Chị Lan Anh ơi cho em hỏi", "Chị … ơi cho em hỏi"),
        ("Tôi tên Ngọc Anh, muốn hỏi", "Tôi tên …, muốn hỏi"),
        ("TÔI TÊN NGUYỄN ĐỨC ANH MUỐN HỎI", "TÔI TÊN … MUỐN HỎI"),
        ("TÔI TÊN LAN ANH, EM MUỐN HỎI", "TÔI TÊN …, EM MUỐN HỎI"),
        ("CHÁU TÊN LAN EM MUỐN HỎI", "CHÁU TÊN … EM MUỐN HỎI"),
        ("con tôi là Trần Thị Bé, học lớp 3", "con tôi là …, học lớp 3"),
    ],
)
def test_a_given_name_that_is_also_a_form_of_address_is_blanked(typed: str, written: str) -> None:
    # "Anh", "Em", "Bé" are given names too: a name that ends with one is blanked whole.
    assert for_faq(typed).text == written


@pytest.mark.parametrize(
    "typed",
    [
        "HỒ SƠ ĐĂNG KÝ KẾT HÔN GỒM NHỮNG GÌ",
        "LÝ LỊCH TƯ PHÁP LÀM Ở ĐÂU",
        "CHO TÔI HỎI LƯU TRÚ CHO NGƯỜI NƯỚC NGOÀI",
        "TÔI Ở PHƯỜNG NÀO THÌ NỘP HỒ SƠ",
        "LÀM CĂN CƯỚC CHO CON Ở ĐÂU",
        "CHUYỂN HỘ KHẨU VỀ HỒ CHÍ MINH",
        "Đoàn Thanh niên phường có tuyển tình nguyện viên không?",
        "Hồ Sơ Đăng Ký Tạm Trú gồm gì",
        "Trợ cấp Mai Táng Phí cho Người Cao Tuổi",
    ],
)
def test_a_question_in_capitals_or_title_case_names_no_one(typed: str) -> None:
    # Common words that start like a family name ("HỒ SƠ", "Lưu trú") and a capital
    # letter after a form of address typed in capitals ("CON Ở") are no names.
    assert for_faq(typed) == Redacted(typed, (), ())


def test_a_name_in_capitals_is_still_found_by_its_family_name() -> None:
    assert for_faq("CON TÔI LÀ LÊ MINH, HỒ SƠ NỘP Ở ĐÂU").text == "CON TÔI LÀ …, HỒ SƠ NỘP Ở ĐÂU"


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("Họ tên: Phí Văn Tú, muốn hỏi về BHYT", "Họ tên: …, muốn hỏi về BHYT"),
        ("Họ và tên: Hà Thị Thu", "Họ và tên: …"),
        ("Tên: Chu Minh Khang. Hỏi về CCCD", "Tên: …. Hỏi về CCCD"),
        ("tên tôi: Lã Văn Bình", "tên tôi: …"),
        ("Anh Minh ơi cho em hỏi", "Anh … ơi cho em hỏi"),
        ("Thầy Nam ơi, cô giáo Lan và bác sĩ Hùng", "Thầy … ơi, cô giáo … và bác sĩ …"),
        ("Cô giáo chủ nhiệm và bác sĩ trạm y tế", "Cô giáo chủ nhiệm và bác sĩ trạm y tế"),
        ("Chị Chi ơi, hồ sơ của em", "Chị … ơi, hồ sơ của em"),
        # Not a name: kept.
        ("Đổi tên: cần giấy tờ gì", "Đổi tên: cần giấy tờ gì"),
        ("Chi oi cho em hoi ve bhyt", "Chi oi cho em hoi ve bhyt"),
    ],
)
def test_a_name_in_a_form_s_field_or_that_is_also_a_word_is_blanked(
    typed: str, written: str
) -> None:
    # A family name not among the common ones ("Phí", "Hà", "Chu", "Lã") after "Họ tên:";
    # "Minh" and "Chi" with a capital after a form of address are names, not "mình", "chị".
    assert for_faq(typed).text == written


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("Đường Nguyễn Văn Cừ có cấm xe tải không?", None),
        ("Tuyển sinh lớp 6 trường THCS Lê Quý Đôn cần gì", None),
        ("Phường Nguyễn Cư Trinh gần Bệnh viện Nguyễn Tri Phương", None),
        ("Thị trấn Trần Văn Thời có chợ đêm không", None),
        ("tàu ra đặc khu Lý Sơn mấy giờ chạy", None),
        ("đường số 5 khu phố 3 bị ngập", None),
        ("Bà Rịa Vũng Tàu chuyển hộ khẩu về đây được không", None),
        ("chuyển hộ khẩu từ Phan Thiết, Cao Lãnh hay Châu Đốc về", None),
        ("đường Bà Huyện Thanh Quan gần chợ Bà Chiểu", None),
        ("45 phố Huế có được cấp phép không", "… phố Huế có được cấp phép không"),
        ("nhà đường Lê Lợi, số 45, có bị giải tỏa", "nhà đường Lê Lợi, số …, có bị giải tỏa"),
    ],
)
def test_a_street_or_school_named_after_a_person_is_kept_and_its_house_number_blanked(
    typed: str, written: str | None
) -> None:
    assert for_faq(typed).text == (written or typed)


def test_a_staff_answer_loses_the_house_number_and_birth_date_it_repeats() -> None:
    found = for_faq("cháu tên là Trần Thị Bích, nhà số 45/7 hẻm 12, sinh ngày 03/04/1990").found
    answer = "Chị Bích sinh 03/04/1990, nhà 45/7 hẻm 12: nộp ở phường, lớp 12 học 7 giờ."
    assert blank_found(answer, found) == (
        "Chị … sinh …, nhà … hẻm …: nộp ở phường, lớp 12 học 7 giờ."
    )


def test_a_given_name_that_is_a_word_or_a_place_too_stays_in_the_answer_elsewhere() -> None:
    found = for_faq("Tôi là Nguyễn Văn Bình, em gái tôi tên Hòa").found
    answer = (
        "Chào anh Bình, Phòng Tư pháp quận Tân Bình hướng dẫn anh Nguyễn Văn Bình và chị Hòa; "
        "tổ Hòa giải phường sẽ liên hệ."
    )
    assert blank_found(answer, found) == (
        "Chào anh …, Phòng Tư pháp quận Tân Bình hướng dẫn anh … và chị …; "
        "tổ Hòa giải phường sẽ liên hệ."
    )


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("tôi là nguyễn văn an muốn hỏi về bhyt", "tôi là … muốn hỏi về bhyt"),
        ("toi la tran thi hoa, hoi ve bhyt", "toi la …, hoi ve bhyt"),
        ("con tôi là phạm minh khôi ở phường 5", "con tôi là … ở phường 5"),
        ("Tôi là Nguyễn văn an", "Tôi là …"),
        ("nguyen van an hoi ve cccd", "… hoi ve cccd"),
        ("tôi là sinh viên, con tôi là học sinh", "tôi là sinh viên, con tôi là học sinh"),
    ],
)
def test_a_name_typed_in_lower_case_after_la_is_blanked(typed: str, written: str) -> None:
    # README: what no pattern finds is a name in lower case without "tên" or "là" before
    # it; after "là" (or with "văn", "thị"), a family name that is no other word starts one.
    assert for_faq(typed).text == written


def test_decomposed_accents_are_read_as_composed() -> None:
    typed = unicodedata.normalize("NFD", "Tôi là Nguyễn Văn An, chị Lan ơi")
    assert for_faq(typed).text == "Tôi là …, chị … ơi"


def test_a_staff_answer_with_nothing_to_blank_is_left_as_written() -> None:
    # (so staff are not told that something the answer repeated was blanked)
    answer = unicodedata.normalize("NFD", "Dạ, phường có lớp bơi miễn phí.")
    assert blank_found(answer, for_faq("cháu tên là Trần Thị Bích").found) == answer


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("Chị Lan\nThủ tục tạm trú cần gì", "Chị … Thủ tục tạm trú cần gì"),
        ("Tôi tên Bình\nMuốn hỏi về BHYT", "Tôi tên … Muốn hỏi về BHYT"),
        ("Họ tên:\nPhí Văn Tú\nĐịa chỉ: hẻm 12", "Họ tên: … Địa chỉ: hẻm …"),
    ],
)
def test_a_name_ends_with_its_line(typed: str, written: str) -> None:
    assert for_faq(typed).text == written


@pytest.mark.parametrize(
    ("typed", "names"),
    [
        ("Nguyễn Văn An và Trần Thị Bình đăng ký kết hôn", ["Nguyễn Văn An", "Trần Thị Bình"]),
        ("tôi tên Đỗ Minh Khang, muốn làm căn cước", ["Đỗ Minh Khang"]),  # found twice: once
        ("anh Tuấn hỏi giấy phép xây dựng", []),  # one word: a word or a place too
        ("chú Bảy ở tổ 3 hỏi đổi sổ đỏ", []),
        ("tôi là nguyễn văn an muốn hỏi", []),  # lower case: its run may take other words
        ("về Hồ Chí Minh làm hộ chiếu", []),
        ("Văn phòng đăng ký đất đai ở đâu", []),
        ("bà Lê Thị Hoa ở Hà Nội muốn hỏi", ["Lê Thị Hoa"]),  # another capital: a place
        # Every word capitalised: the capitals mark no name, its run would take the topic.
        ("Cho Em Hỏi Làm Căn Cước Ở Đâu", []),
        ("Mai Em Đi Làm Giấy Khai Sinh Được Không", []),
        ("Ông Bà Em Cao Tuổi Được Trợ Cấp Không", []),
    ],
)
def test_the_search_leaves_out_full_names_only(typed: str, names: list[str]) -> None:
    assert [typed[start:end] for start, end in full_names(typed)] == names
