"""A person's full name inside a question does not steer the search ("Nguyễn Văn An và
Trần Thị Bình đăng ký kết hôn ở đâu"), while a name the ward's own texts use, a street's
("điểm tiêm ở Trần Phú"), still finds its entry (wardbot.engine.Engine._read)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from own_ward import open_ward

from wardbot.engine import Engine

TODAY = dt.date(2026, 3, 2)
# Entries whose words a name shares: "văn" (văn hóa), "thị" (đô thị), "an" (an ninh),
# "bình" (bình đẳng), "minh" (minh bạch), and two vaccination points told apart by street.
FAQ = """\
faq:
  - id: ket-hon
    question: Đăng ký kết hôn ở đâu?
    answer: Hai anh chị đến Bộ phận Một cửa của phường, mang theo căn cước.
  - id: nha-van-hoa
    question: Thuê nhà văn hóa tổ dân phố để tổ chức tiệc thế nào?
    answer: Liên hệ tổ trưởng tổ dân phố để đăng ký ngày thuê.
  - id: do-thi
    question: Báo lấn chiếm vỉa hè, mất trật tự đô thị ở đâu?
    answer: Gọi đường dây nóng của phường hoặc nhắn qua Zalo phường.
  - id: an-ninh
    question: Báo tin mất an ninh trật tự ở khu phố cho ai?
    answer: Báo công an phường hoặc tổ an ninh khu phố.
  - id: binh-dang
    question: Tư vấn bình đẳng giới và phòng chống bạo lực gia đình ở đâu?
    answer: Hội Liên hiệp Phụ nữ phường tư vấn miễn phí.
  - id: minh-bach
    question: Xem công khai minh bạch thu chi ngân sách phường ở đâu?
    answer: Bảng tin trụ sở phường và trang thông tin điện tử của phường.
  - id: can-cuoc
    question: Làm căn cước cho con dưới 14 tuổi cần gì?
    answer: Mang giấy khai sinh của con đến công an phường.
  - id: tro-cap
    question: Người cao tuổi được trợ cấp xã hội hằng tháng không?
    answer: Người từ 80 tuổi không có lương hưu được trợ cấp hằng tháng.
  - id: tiem-tran-phu
    question: Điểm tiêm chủng số 25 Trần Phú làm việc mấy giờ?
    answer: Sáng thứ Ba và thứ Năm, từ 7 giờ 30.
  - id: tiem-ly-thuong-kiet
    question: Điểm tiêm chủng số 8 Lý Thường Kiệt làm việc mấy giờ?
    answer: Chiều thứ Hai và thứ Tư, từ 13 giờ 30.
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    opened = open_ward(tmp_path_factory.mktemp("names-ward"), FAQ, TODAY)
    yield opened
    opened.close()


def test_a_question_naming_people_is_answered_by_what_it_asks(engine):
    answer = engine.ask("Nguyễn Văn An và Trần Thị Bình đăng ký kết hôn ở đâu")
    assert answer.answered, answer
    assert answer.best is not None and answer.best.id == "ket-hon"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("điểm tiêm chủng bên Trần Phú làm việc giờ nào", "tiem-tran-phu"),
        ("Điểm tiêm Lý Thường Kiệt mấy giờ làm việc", "tiem-ly-thuong-kiet"),
        # Capitals on every word mark no name: leaving out a "name" found there would
        # take the words asked about ("Hỏi Làm Căn Cước", "Mai Em Đi Làm Căn Cước").
        ("Cho Em Hỏi Làm Căn Cước Cho Con Ở Đâu", "can-cuoc"),
        ("Mai Em Đi Làm Căn Cước Cho Con Được Không", "can-cuoc"),
    ],
)
def test_capitalised_words_that_name_no_one_still_pick_their_entry(engine, question, expected):
    """A street named after a person, and a message with every word capitalised."""
    answer = engine.ask(question)
    assert answer.answered, answer
    assert answer.best is not None and answer.best.id == expected
