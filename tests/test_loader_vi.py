"""Ward staff's mistakes in their own words: what is wrong, what it costs, how to fix it.

The problem texts are Vietnamese (the project's rule for messages to ward staff); these
tests pin the hints a clerk needs most: Word's curly quotes, a missing colon, a notice
saved in another format, and whether a whole entry or notice, or only one line, is lost.
"""

from __future__ import annotations

import datetime as dt
import os
import textwrap
from pathlib import Path

import pytest
import yaml

from wardbot.faq_file import FaqFile, load_faq
from wardbot.loader import load_corpus
from wardbot.models import Topic
from wardbot.notices import dated_otherwise, load_content

TOPICS = [Topic("hanh-chinh", "Hành chính", ())]


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "content").mkdir()
    return tmp_path


def faq_problems(text: str) -> list[str]:
    Path("faq.yaml").write_text(text, encoding="utf-8")
    return [str(p) for p in load_faq(Path("faq.yaml")).problems]


def notice_problems(name: str, text: str | bytes) -> list[str]:
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    Path("content", name).write_bytes(data)
    return [str(p) for p in load_content(Path("content"), TOPICS)[1]]


HEAD = "topics:\n  - id: hanh-chinh\n    name: Hành chính\nfaq:\n"


def hop_problems(body: str, title: str = "Họp", encoding: str = "utf-8") -> list[str]:
    """The problems with a notice of 30/11/2026 (content/2026-11-30-hop.md) of this text."""
    text = f"---\ntitle: {title}\ndate: 2026-11-30\n---\n{body}"
    return notice_problems("2026-11-30-hop.md", text.encode(encoding))


def test_words_curly_quotes_are_named_and_the_line_shown_with_straight_ones() -> None:
    problems = faq_problems(
        HEAD + "  - id: gio\n    question: Mấy giờ?\n    answer: “Giờ làm việc: sáng 7h30”\n"
    )

    assert problems == [
        "faq.yaml:7: dòng này có ngoặc kép cong “ ” hoặc ‘ ’ (Word tự đổi khi gõ), mà bot "
        'không tính là ngoặc kép: hãy gõ lại bằng ngoặc kép thẳng " ", viết '
        '`answer: "Giờ làm việc: sáng 7h30"` — bot chưa đọc được cả tệp này'
    ]


def test_curly_quotes_that_break_nothing_are_kept_silently() -> None:
    assert faq_problems(HEAD + "  - id: gio\n    question: “Mấy giờ?”\n    answer: Sáng.\n") == []


def test_a_missing_colon_is_pointed_at_on_its_own_line() -> None:
    problems = faq_problems(
        HEAD + "  - id: gio\n    question: Mấy giờ?\n    answer: Sáng.\n    topics [hanh-chinh]\n"
        "\n  - id: tiep-dan\n    question: Tiếp dân?\n    answer: Thứ Năm.\n"
    )

    assert problems == [
        "faq.yaml:8: dòng này có thể thiếu dấu hai chấm: viết `topics: [hanh-chinh]` — "
        "bot chưa đọc được cả tệp này"
    ]


def test_a_title_that_lost_its_colon_before_text_with_one_is_one_problem_with_the_fix() -> None:
    problems = notice_problems(
        "2026-11-25-hop.md",
        "---\ntitle Họp tổ dân phố: khu phố 3, tối thứ Sáu\ndate: 2026-11-25\n---\nHọp.\n",
    )
    assert problems == [
        "content/2026-11-25-hop.md:2: dòng này thiếu dấu hai chấm sau title: viết `title: "
        '"Họp tổ dân phố: khu phố 3, tối thứ Sáu"` — thông báo này chưa được đăng vì thiếu '
        "tiêu đề thông báo"
    ]
    problems = faq_problems(
        HEAD + "  - id: gio\n    question Giờ làm việc: sáng mấy giờ?\n    answer: Sáng.\n"
    )
    assert problems == [
        "faq.yaml:6: mục 'gio': dòng này thiếu dấu hai chấm sau question: viết `question: "
        '"Giờ làm việc: sáng mấy giờ?"` — cả mục này bị bỏ qua vì thiếu câu hỏi'
    ]


def test_a_links_line_that_lost_its_colon_is_pointed_at_not_the_lines_below() -> None:
    problems = faq_problems(
        HEAD + "  - id: gio\n    question: Mấy giờ?\n    answer: Sáng.\n"
        "    links [https://dichvucong.gov.vn]\n\n  - id: tiep-dan\n    question: Tiếp dân?\n"
        "    answer: Thứ Năm.\n"
    )

    assert problems == [
        "faq.yaml:8: dòng này có thể thiếu dấu hai chấm: viết `links: "
        "[https://dichvucong.gov.vn]` — bot chưa đọc được cả tệp này"
    ]


def test_a_key_without_its_colon_above_the_lines_of_its_text_is_pointed_at() -> None:
    problems = faq_problems(
        HEAD + "  - id: gio\n    question: Mấy giờ?\n    answer\n      Sáng 7h30 đến 11h30\n"
        "  - id: tiep-dan\n    question: Tiếp dân?\n    answer: Thứ Năm.\n"
    )

    assert problems == [
        "faq.yaml:7: dòng này có thể thiếu dấu hai chấm: viết `answer:` — bot chưa đọc "
        "được cả tệp này"
    ]


def test_an_entry_whose_id_lost_its_colon_is_told_so_not_to_quote_the_next_line() -> None:
    problems = faq_problems(HEAD + "  - id gio\n    question: Mấy giờ?\n    answer: Sáng.\n")

    assert problems == [
        "faq.yaml:5: dòng này thiếu dấu hai chấm sau id: viết `- id: gio` — bot chưa đọc "
        "được cả tệp này"
    ]


@pytest.mark.parametrize(
    ("title", "date", "said"),
    [
        ("Thông báo họp tổ dân phố", "  date: 2026-11-25", "`title: Thông báo họp tổ dân phố`; "),
        ("Họp tổ 3: tối thứ Sáu", "    date: 25/11/2026", '`title: "Họp tổ 3: tối thứ Sáu"`; '),
    ],
)
def test_a_title_that_lost_its_colon_above_an_indented_date_is_told_not_the_date(
    title: str, date: str, said: str
) -> None:
    problems = notice_problems("2026-11-25-hop.md", f"---\ntitle {title}\n{date}\n---\nHọp.\n")
    assert problems == [
        f"content/2026-11-25-hop.md:2: dòng này thiếu dấu hai chấm sau title: viết {said}"
        "dòng 3 (date:) cũng phải thẳng hàng với dòng này: hãy xóa các dấu cách ở đầu dòng "
        "đó — thông báo này chưa được đăng"
    ]


def test_a_title_that_lost_its_colon_above_the_date_is_told_not_the_date() -> None:
    problems = notice_problems(
        "2026-11-25-hop.md", "---\ntitle Thông báo họp\ndate: 2026-11-25\n---\nHọp.\n"
    )
    assert problems == [
        "content/2026-11-25-hop.md:2: dòng này thiếu dấu hai chấm sau title: viết `title: "
        "Thông báo họp` — thông báo này chưa được đăng"
    ]


def test_a_question_that_lost_its_colon_above_an_answer_indented_deeper_is_told_both() -> None:
    problems = faq_problems(HEAD + "  - id: gio\n    question Mấy giờ?\n      answer: Sáng.\n")
    assert problems == [
        "faq.yaml:6: dòng này thiếu dấu hai chấm sau question: viết `question: Mấy giờ?`; "
        "dòng 7 (answer:) cũng phải thẳng hàng với dòng này: hãy thụt lề 4 dấu cách — bot "
        "chưa đọc được cả tệp này"
    ]


def test_a_repeated_line_says_what_it_costs_where_it_is() -> None:
    problems = faq_problems(
        "topics:\n  - id: hanh-chinh\n    name: Hành chính\n    name: HC\nfaq:\n"
        "  - id: gio\n    question: Mấy giờ?\n    answer: Sáng.\n"
        "    links:\n      - title: A\n        title: B\n"
        "  - id: tiep-dan\n    question: Tiếp dân?\n    answer: Thứ Năm.\n    answer: Thứ Sáu.\n"
    )

    assert problems[0] == (
        "faq.yaml:4: dòng name: lặp lại (đã có ở dòng 3): hãy xóa một trong hai dòng — "
        "cả chủ đề này bị bỏ qua"
    )
    assert problems[-1] == (
        "faq.yaml:15: dòng answer: lặp lại (đã có ở dòng 14): hãy xóa một trong hai dòng — "
        "cả mục này bị bỏ qua"
    )
    # Inside a line's value: that line's own check says what becomes of it.
    assert "faq.yaml:11: dòng title: lặp lại (đã có ở dòng 10): hãy xóa một trong hai dòng" in (
        problems
    )
    faq = load_faq(Path("faq.yaml"))
    assert [e.id for e in faq.faq] == ["gio"] and faq.topics == []


@pytest.mark.parametrize(
    ("name", "said"),
    [
        (
            "2026-11-26-hop-to-dan.md.txt",
            "tệp không có đuôi .md nên bot không đọc — thông báo này chưa được đăng; đổi "
            "tên thành 2026-11-26-hop-to-dan.md (Windows có thể đang ẩn đuôi .txt)",
        ),
        (
            "2026-11-27-lich.txt",
            "tệp không có đuôi .md nên bot không đọc — thông báo này chưa được đăng; đổi "
            "tên thành 2026-11-27-lich.md (Windows có thể đang ẩn đuôi .txt)",
        ),
        (
            "2026-11-27-lich.markdown",
            "tệp không có đuôi .md nên bot không đọc — thông báo này chưa được đăng; đổi "
            "tên thành 2026-11-27-lich.md",
        ),
        (  # saved with no extension at all (an editor's "All files", a phone's app)
            "2026-11-27-lich",
            "tệp không có đuôi .md nên bot không đọc — thông báo này chưa được đăng; đổi "
            "tên thành 2026-11-27-lich.md",
        ),
        (  # a space typed after the name when it was uploaded
            "2026-11-27-lich.md ",
            "tệp không có đuôi .md nên bot không đọc — thông báo này chưa được đăng; đổi "
            "tên thành 2026-11-27-lich.md",
        ),
        (
            "Thông báo họp.docx",
            "tệp .docx (soạn bằng Word) bot không đọc được — thông báo này chưa được đăng; "
            "hãy mở tệp, chọn Lưu thành (Save As) kiểu Plain Text (.txt) với bảng mã UTF-8, "
            "rồi đổi tên tệp thành 2026-11-26-thong-bao-hop.md",
        ),
        (
            "2026-11-28-thong-bao.docx",
            "tệp .docx (soạn bằng Word) bot không đọc được — thông báo này chưa được đăng; "
            "hãy mở tệp, chọn Lưu thành (Save As) kiểu Plain Text (.txt) với bảng mã UTF-8, "
            "rồi đổi tên tệp thành 2026-11-28-thong-bao.md",
        ),
    ],
)
def test_a_notice_saved_in_another_format_is_reported(name: str, said: str) -> None:
    Path("content", name).write_text("---\ntitle: T\ndate: 2026-11-26\n---\nB\n", "utf-8")

    notices, problems = load_content(Path("content"), TOPICS)

    assert notices == [] and [str(p) for p in problems] == [f"content/{name}:1: {said}"]


@pytest.mark.parametrize(
    "name",
    [
        *("anh.jpg", "to-trinh.pdf", "ghi-chu.md.pdf", "~$thong-bao.docx"),
        *(".x.md.swp", "x.md~", "x.md.bak", "2024-07-01-hop-dan.md.orig"),
    ],
)
def test_attachments_and_temporary_files_are_not_reported(name: str) -> None:
    Path("content", name).write_bytes(b"x")

    assert load_content(Path("content"), TOPICS) == ([], [])


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("giờ làm việc, thứ bảy có làm không", ("giờ làm việc", "thứ bảy có làm không")),
        ("mua bhyt, - cả nhà, thẻ [cũ]", ("mua bhyt", "- cả nhà", "thẻ [cũ]")),
        ("giờ làm việc", ("giờ làm việc",)),
        ('"làm việc, nghỉ trưa"', ("làm việc, nghỉ trưa",)),
        # One item put in quotes of its own: the quotes the clerk typed are not words asked.
        ("thẻ BHYT, \"mất thẻ\", 'làm lại'", ("thẻ BHYT", "mất thẻ", "làm lại")),
        ('thẻ BHYT, giấy "tạm trú"', ("thẻ BHYT", 'giấy "tạm trú"')),
    ],
)
def test_variants_written_without_brackets_load_and_are_shown_retyped(
    typed: str, meant: tuple[str, ...]
) -> None:
    Path("faq.yaml").write_text(
        HEAD
        + f"  - id: gio\n    question: Giờ làm việc?\n    answer: Sáng.\n    variants: {typed}\n",
        encoding="utf-8",
    )
    faq = load_faq(Path("faq.yaml"))

    # The clerk's obvious intent: the entry is served with those ways of asking.
    assert [(e.id, e.variants) for e in faq.faq] == [("gio", meant)]
    (problem,) = faq.problems
    assert problem.line == 8
    assert "bot tạm hiểu là" in problem.message and "mục vẫn được dùng" in problem.message
    # The line shown is what to type: YAML reads it as that same list.
    retyped = problem.message.split("viết `")[1].split("`")[0]
    assert yaml.safe_load(retyped) == {"variants": list(meant)}


def test_each_problem_says_what_it_costs() -> None:
    problems = faq_problems(
        HEAD + "  - id: khai-sinh\n    question: Q?\n    answer: A.\n    variants: a, b\n"
        "  - id: khai-sinh\n    question: Q2?\n    answer: A2.\n"
        "  - id: cu-tru\n    question: Q3?\n    anwser: A3.\n"
    )

    assert problems == [
        "faq.yaml:8: mục 'khai-sinh': dòng variants: danh sách phải nằm trong ngoặc vuông, "
        'viết `variants: [a, b]` (nếu là một câu có dấu phẩy thì viết `variants: ["a, b"]`) '
        "— bot tạm hiểu là 2 cách hỏi, mục vẫn được dùng",
        "faq.yaml:9: mã (id) 'khai-sinh' đã dùng cho mục ở dòng 5, mục đó vẫn được dùng — cả "
        "mục này bị bỏ qua; nếu đây là mục mới, hãy đặt cho nó một mã riêng, ví dụ khai-sinh-2",
        "faq.yaml:14: mục 'cu-tru': 'anwser' viết sai, có phải 'answer'? — cả mục này bị "
        "bỏ qua vì thiếu câu trả lời",
    ]


def test_a_notice_date_typed_the_vietnamese_way_is_shown_as_it_must_be() -> None:
    assert notice_problems(
        "2026-11-25-cat-dien.md", "---\ntitle: Cắt điện\ndate: 25/11/2026\n---\nB\n"
    ) == [
        "content/2026-11-25-cat-dien.md:3: dòng date: ngày phải viết dạng 2026-11-25 "
        "(năm-tháng-ngày), không phải 25/11/2026 — thông báo này chưa được đăng"
    ]


@pytest.mark.parametrize(
    ("lines", "line", "fixed"),
    [
        (
            "  - id: gio\n    question: Mấy giờ?\n    answer:Sáng 7h30.\n    topics: []\n",
            7,
            "answer: Sáng 7h30.",
        ),
        ("  - id:gio\n    question: Mấy giờ?\n    answer: Sáng.\n", 5, "- id: gio"),
        ("  - id: gio\n    question: Mấy giờ?\n    answer:|\n      Sáng 7h30.\n", 7, "answer: |"),
    ],
)
def test_a_key_glued_to_its_text_is_shown_with_the_space(lines: str, line: int, fixed: str) -> None:
    assert faq_problems(HEAD + lines) == [
        f"faq.yaml:{line}: sau dấu hai chấm phải có một dấu cách: viết `{fixed}` — bot chưa "
        "đọc được cả tệp này"
    ]


def test_an_item_of_one_glued_key_is_shown_with_the_space() -> None:
    problems = faq_problems(
        HEAD + "  - id: gio\n    question: Mấy giờ?\n    answer: Sáng.\n  - id:tiep\n"
    )

    assert problems == [
        "faq.yaml:8: mục: sau dấu hai chấm phải có một dấu cách: viết `id: tiep` — cả mục "
        "này bị bỏ qua"
    ]


def test_a_colon_inside_a_block_of_text_is_not_taken_for_a_glued_key() -> None:
    problems = faq_problems(
        HEAD + "  - id: gio\n    question: Mấy giờ?\n    answer: |\n      Hotline:0276 3822 123\n"
        "    topics [hanh-chinh]\n  - id: tiep\n    question: Tiếp dân?\n    answer: Thứ Năm.\n"
    )

    assert problems == [
        "faq.yaml:9: dòng này có thể thiếu dấu hai chấm: viết `topics: [hanh-chinh]` — "
        "bot chưa đọc được cả tệp này"
    ]


@pytest.mark.parametrize(
    ("front", "line", "fixed"),
    [
        ("title:Họp tổ dân phố\ndate:2026-11-25\n", 2, "title: Họp tổ dân phố"),
        ("title: Họp tổ dân phố\ndate:2026-11-25\n", 3, "date: 2026-11-25"),
        ("title:Họp tổ dân phố\ndate: 2026-11-25\n", 2, "title: Họp tổ dân phố"),
    ],
)
def test_a_notice_key_glued_to_its_text_is_shown_with_the_space(
    front: str, line: int, fixed: str
) -> None:
    assert notice_problems("2026-11-25-hop.md", f"---\n{front}---\nHọp lúc 19h.\n") == [
        f"content/2026-11-25-hop.md:{line}: sau dấu hai chấm phải có một dấu cách: viết "
        f"`{fixed}` — thông báo này chưa được đăng"
    ]


@pytest.mark.parametrize(
    ("answer", "fix"),
    [
        ("Giờ làm việc: 7:30", 'viết `answer: "Giờ làm việc: 7:30"`'),
        (
            'Xem mục "Hộ tịch": nộp ở một cửa',
            """viết `answer: 'Xem mục "Hộ tịch": nộp ở một cửa'`""",
        ),
        (
            "Mục \"Hộ tịch\": nộp ở 'một cửa'",
            "hoặc viết `answer: |` rồi xuống dòng, viết chữ ở dòng dưới, thụt lề thêm hai dấu cách",
        ),
    ],
)
def test_text_with_a_colon_is_shown_in_quotes_that_fit_it(answer: str, fix: str) -> None:
    problems = faq_problems(HEAD + f"  - id: gio\n    question: Mấy giờ?\n    answer: {answer}\n")

    assert problems == [
        "faq.yaml:7: chữ có dấu hai chấm và dấu cách (': ') ở giữa phải đặt trong ngoặc kép, "
        f"{fix} — bot chưa đọc được cả tệp này"
    ]


def test_text_over_several_lines_with_a_colon_is_told_to_be_a_block() -> None:
    problems = faq_problems(
        HEAD + "  - id: gio\n    question: Mấy giờ?\n    answer: Sáng 7h30 đến 11h30.\n"
        "      Chiều: 13h30 đến 17h.\n"
    )

    assert problems == [
        "faq.yaml:7: chữ của dòng answer: viết trên nhiều dòng, và dòng 8 có dấu hai chấm và "
        "dấu cách (': '): hãy viết `answer: |` rồi xuống dòng, mọi dòng chữ thụt lề sâu hơn "
        "dòng answer: — bot chưa đọc được cả tệp này"
    ]


BULLET = "mỗi mục trong danh sách phải bắt đầu bằng dấu gạch ngang '-' rồi một dấu cách"


@pytest.mark.parametrize(
    ("entry", "said"),
    [
        ("  • id: tiep", f"dòng bắt đầu bằng '•': {BULLET}"),
        ("  – id: tiep", f"dòng bắt đầu bằng '–': {BULLET}"),
        ("  -id: tiep", "sau dấu gạch ngang '-' đầu dòng phải có một dấu cách"),
    ],
)
def test_an_entry_begun_with_a_bullet_is_shown_begun_with_a_dash(entry: str, said: str) -> None:
    gio = "  - id: gio\n    question: Mấy giờ?\n    answer: Sáng.\n"
    tiep = f"{entry}\n    question: Tiếp dân?\n    answer: Thứ Năm.\n"
    expected = f"{said}, viết `- id: tiep` — bot chưa đọc được cả tệp này"

    assert faq_problems(HEAD + gio + tiep) == [f"faq.yaml:8: {expected}"]
    # The first entry too, where YAML stops a line below it.
    assert faq_problems(HEAD + tiep + gio) == [f"faq.yaml:5: {expected}"]


def test_variants_listed_with_bullets_are_shown_with_dashes() -> None:
    problems = faq_problems(
        HEAD + "  - id: gio\n    question: Mấy giờ?\n    variants:\n      • mấy giờ mở cửa\n"
        "      • giờ hành chính\n    answer: Sáng.\n"
    )

    assert problems == [
        "faq.yaml:8: mục 'gio': dòng variants: dòng bắt đầu bằng '•': mỗi mục trong danh "
        "sách phải bắt đầu bằng dấu gạch ngang '-' rồi một dấu cách, viết `- mấy giờ mở cửa` "
        "— chỉ bỏ qua dòng variants:, mục vẫn được dùng"
    ]


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("ngày 30 tháng 11 năm 2026", "2026-11-30"),
        ("Ngày 5 tháng 1, 2027", "2027-01-05"),
        ("30 / 11 / 2026", "2026-11-30"),
        ("2026-11-30 08:00", "2026-11-30"),
        ("2026/11/30", "2026-11-30"),
        ("30/11/26", "2026-11-30"),
    ],
)
def test_a_notice_date_typed_otherwise_is_shown_as_that_date(typed: str, shown: str) -> None:
    assert notice_problems("2026-11-30-hop.md", f"---\ntitle: Họp\ndate: {typed}\n---\nB\n") == [
        f"content/2026-11-30-hop.md:3: dòng date: ngày phải viết dạng {shown} "
        f"(năm-tháng-ngày), không phải {typed} — thông báo này chưa được đăng"
    ]


@pytest.mark.parametrize(
    ("typed", "wrong"),
    [
        ("31/11/2026", "ngày 31/11/2026 không có thật: tháng 11 chỉ có 30 ngày"),
        (
            "29/02/2027",
            "ngày 29/02/2027 không có thật: năm 2027 không phải năm nhuận nên tháng 2 chỉ có 28 "
            "ngày",
        ),
        ("31/02/2028", "ngày 31/02/2028 không có thật: tháng 2 năm 2028 chỉ có 29 ngày"),
        (
            "ngày 31 tháng 4 năm 2026",
            "ngày 31 tháng 4 năm 2026 không có thật: tháng 4 chỉ có 30 ngày",
        ),
        ("15/13/2026", "ngày 15/13/2026 không có thật: không có tháng 13, tháng chỉ từ 1 đến 12"),
        ("0/11/2026", "ngày 0/11/2026 không có thật: không có ngày 0 trong tháng"),
    ],
)
def test_a_notice_date_that_is_no_day_is_told_why_not_its_form(typed: str, wrong: str) -> None:
    """A date typed the Vietnamese way that is no day: staff are told what is wrong with the
    day itself, not shown another form to retype it in (nor another day to copy)."""
    assert notice_problems("2026-11-30-hop.md", f"---\ntitle: Họp\ndate: {typed}\n---\nB\n") == [
        f"content/2026-11-30-hop.md:3: dòng date: {wrong}; hãy xem lại ngày, và viết theo dạng "
        "năm-tháng-ngày — thông báo này chưa được đăng"
    ]


@pytest.mark.parametrize(
    ("typed", "line", "wrong"),
    [
        ("2026-11-31", 3, "ngày 2026-11-31 không có thật: tháng 11 chỉ có 30 ngày"),
        (
            "2027-02-29",
            3,
            "ngày 2027-02-29 không có thật: năm 2027 không phải năm nhuận nên tháng 2 chỉ có 28 "
            "ngày",
        ),
        (
            "2026-13-01",
            3,
            "ngày 2026-13-01 không có thật: không có tháng 13, tháng chỉ từ 1 đến 12 (có phải "
            "2026-01-13? ngày viết dạng năm-tháng-ngày)",
        ),
    ],
)
def test_a_notice_date_in_form_that_is_no_day_is_told_why(
    typed: str, line: int, wrong: str
) -> None:
    assert notice_problems("2026-11-30-hop.md", f"---\ntitle: Họp\ndate: {typed}\n---\nB\n") == [
        f"content/2026-11-30-hop.md:{line}: dòng date: {wrong} — thông báo này chưa được đăng"
    ]


EARLY = (
    "phần đầu kết thúc sớm ở dòng --- này, nên các dòng sau nó (`{first}`…) bị đọc là nội "
    "dung thông báo — thông báo này chưa được đăng; hãy xóa dòng --- này: phần đầu chỉ có "
    "hai dòng ---, một ở trên cùng và một ở sau dòng cuối của phần đầu"
)


def test_a_stray_fence_in_a_notice_front_matter_is_told_where_the_front_matter_ended() -> None:
    """A '---' pasted between title: and date: ends the front matter there: staff are told
    that line, not that date: is missing (it is there); the other notices still load."""
    Path("content/2026-11-20-khac.md").write_text(
        "---\ntitle: Tiêm chủng\ndate: 2026-11-20\n---\nSáng thứ bảy.\n", encoding="utf-8"
    )
    text = "---\ntitle: Họp\n---\ndate: 2026-11-30\n---\nHọp tổ dân phố.\n"
    Path("content/2026-11-30-hop.md").write_text(text, encoding="utf-8")
    notices, problems = load_content(Path("content"), TOPICS)
    assert [str(p) for p in problems] == [
        "content/2026-11-30-hop.md:3: " + EARLY.format(first="date: 2026-11-30")
    ]
    assert [n.id for n in notices] == ["2026-11-20-khac"]


def test_the_lines_after_a_stray_fence_are_still_checked_at_their_own_lines() -> None:
    text = "---\ntitle: Họp\n---\n\ndate: 31/11/2026\n---\nB\n"
    assert notice_problems("2026-11-30-hop.md", text) == [
        "content/2026-11-30-hop.md:3: " + EARLY.format(first="date: 31/11/2026"),
        "content/2026-11-30-hop.md:5: dòng date: ngày 31/11/2026 không có thật: tháng 11 chỉ "
        "có 30 ngày; hãy xem lại ngày, và viết theo dạng năm-tháng-ngày — thông báo này chưa "
        "được đăng",
    ]


def test_a_stray_fence_above_a_notice_topics_keeps_its_lines_from_residents() -> None:
    """title: and date: above the stray '---': the notice is not published with its
    topics: line and the '---' shown to residents as its text."""
    text = "---\ntitle: Họp\ndate: 2026-11-30\n---\ntopics: [hanh-chinh]\n---\nB\n"
    assert notice_problems("2026-11-30-hop.md", text) == [
        "content/2026-11-30-hop.md:4: " + EARLY.format(first="topics: [hanh-chinh]")
    ]


def test_a_rule_in_a_notice_text_is_no_stray_fence() -> None:
    text = "---\ntitle: Họp\ndate: 2026-11-30\n---\nZalo: 0912 345 678\n\n---\n\nChiều: dọn.\n---\n"
    Path("content/2026-11-30-hop.md").write_text(text, encoding="utf-8")
    notices, problems = load_content(Path("content"), TOPICS)
    assert problems == []
    assert notices[0].body == "Zalo: 0912 345 678\n\n---\n\nChiều: dọn.\n---"


def test_key_lines_opening_a_notice_text_above_a_rule_are_its_text() -> None:
    """A notice's text that opens with lines like its keys ("Date:", "Time:") and then a
    '---' rule, under a front matter that already gave its date: a front matter gives a key
    once, so those lines are the text, the notice published as before, nothing told."""
    text = (
        "---\ntitle: Meeting\ndate: 2026-11-30\n---\n"
        "Date: 30/11/2026\nTime: 8:00\n\n---\n\nHọp tổ dân phố.\n"
    )
    Path("content/2026-11-30-hop.md").write_text(text, encoding="utf-8")
    notices, problems = load_content(Path("content"), TOPICS)
    assert problems == []
    assert [n.body for n in notices] == ["Date: 30/11/2026\nTime: 8:00\n\n---\n\nHọp tổ dân phố."]


def test_a_day_and_month_that_are_no_day_are_told_so_without_a_year_guessed() -> None:
    assert notice_problems("2027-11-30-hop.md", "---\ntitle: Họp\ndate: 31/11\n---\nB\n") == [
        "content/2027-11-30-hop.md:3: dòng date: ngày 31/11 không có thật: tháng 11 chỉ có 30 "
        "ngày; hãy xem lại ngày, và viết theo dạng năm-tháng-ngày, có cả năm — thông báo này "
        "chưa được đăng"
    ]


def test_an_expiry_date_that_is_no_day_is_told_why() -> None:
    text = "---\ntitle: Họp\ndate: 2026-11-30\nexpires: 31/11/2026\n---\nB\n"
    assert notice_problems("2026-11-30-hop.md", text) == [
        "content/2026-11-30-hop.md:4: dòng expires: ngày 31/11/2026 không có thật: tháng 11 chỉ "
        "có 30 ngày; hãy xem lại ngày, và viết theo dạng năm-tháng-ngày — thông báo này chưa "
        "được đăng"
    ]


@pytest.mark.parametrize("typed", ["ngày 5 tháng 12", "5/12", "05-12", "Ngày 05 tháng 12"])
def test_a_notice_date_typed_without_its_year_is_not_shown_as_another_date(typed: str) -> None:
    """Without a year, the day and month typed are shown in the form to use, the year said
    to be a guess: not another day (2026-11-25) that staff would copy as the fix."""
    assert notice_problems("2027-11-30-hop.md", f"---\ntitle: Họp\ndate: {typed}\n---\nB\n") == [
        "content/2027-11-30-hop.md:3: dòng date: ngày phải viết đủ năm, dạng năm-tháng-ngày: "
        f"2027-12-05 nếu là ngày 5 tháng 12 năm 2027, không phải {typed} — thông báo này chưa "
        "được đăng"
    ]


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        (
            "[Lưu ý] Mang CCCD",
            "chữ bắt đầu bằng '[' (YAML hiểu là một ký hiệu riêng) phải đặt "
            'trong ngoặc kép, viết `answer: "[Lưu ý] Mang CCCD"`',
        ),
        (
            "@phuong2 trên Zalo",
            "chữ bắt đầu bằng '@' (YAML hiểu là một ký hiệu riêng) phải đặt "
            'trong ngoặc kép, viết `answer: "@phuong2 trên Zalo"`',
        ),
        (
            '"Một cửa" nhận hồ sơ',
            "ngoặc kép ở đầu chữ phải bao cả câu, viết "
            """`answer: '"Một cửa" nhận hồ sơ'`""",
        ),
        (
            # As Excel or a CSV export writes a quote within quotes: twice.
            '"Mang ""CCCD"" bản gốc"',
            'chữ trong ngoặc kép không được có hai dấu ngoặc kép liền nhau (""): viết '
            """`answer: 'Mang "CCCD" bản gốc'`""",
        ),
        (
            "- Mang CCCD",
            "danh sách trong dòng answer: phải viết thành một khối: `answer: |` rồi "
            "xuống dòng, mỗi ý một dòng (bắt đầu bằng '-'), thụt lề sâu hơn dòng answer:",
        ),
        (
            "| Mang CCCD",
            "sau dấu '|' không viết chữ trên cùng dòng: xuống dòng rồi mới viết "
            "chữ, thụt lề sâu hơn dòng answer:",
        ),
    ],
)
def test_text_begun_with_a_sign_of_yaml_is_told_how_to_write_it(answer: str, said: str) -> None:
    problems = faq_problems(HEAD + f"  - id: gio\n    question: Mấy giờ?\n    answer: {answer}\n")

    assert problems == [f"faq.yaml:7: {said} — bot chưa đọc được cả tệp này"]


ODD = (
    "có dấu cách lạ hoặc ký tự vô hình (hay có khi chép từ Word, Zalo hay trang web) mà bot "
    "không tính là dấu cách: hãy xóa cả dòng rồi gõ lại bằng bàn phím"
)


@pytest.mark.parametrize(
    ("entry", "line"),
    [
        (
            "  - id: gio\n    question: Mấy giờ?\n\u00a0\u00a0\u00a0\u00a0answer: Sáng.\n    topics: []\n",
            7,
        ),
        ("  - id: gio\n\u00a0\u00a0\u00a0\u00a0question: Mấy giờ?\n    answer: Sáng.\n", 6),
        ("  - id: gio\n    question: Mấy giờ?\n    answer:\u00a0Sáng.\n    topics: []\n", 7),
        ("  -\u00a0id: gio\n    question: Mấy giờ?\n    answer: Sáng.\n", 5),
    ],
)
def test_a_non_breaking_space_pasted_into_a_line_is_named(entry: str, line: int) -> None:
    assert faq_problems(HEAD + entry) == [
        f"faq.yaml:{line}: dòng này {ODD} — bot chưa đọc được cả tệp này"
    ]


@pytest.mark.parametrize("key", ["\u200banswer", "answer\u00a0", "\ufeffanswer"])
def test_a_key_with_an_invisible_character_is_named_not_called_a_typo(key: str) -> None:
    problems = faq_problems(HEAD + f"  - id: gio\n    question: Mấy giờ?\n    {key}: Sáng.\n")

    assert problems == [
        f"faq.yaml:7: mục 'gio': dòng answer: {ODD} — cả mục này bị bỏ qua vì thiếu câu trả lời"
    ]


# "Thông báo về việc họp tổ dân phố" typed with a TCVN3 (.VnTime) font, as the letters
# its bytes are in Windows' Western code page: what Notepad shows, and saves as UTF-8.
TCVN3_TITLE = "Th«ng b¸o vÒ viÖc häp tæ d©n phè"
TCVN3_FIX = (
    "hãy chuyển sang Unicode bằng Unikey (Công cụ chuyển mã, nguồn TCVN3, đích Unicode) "
    "rồi lưu lại với bảng mã UTF-8"
)


def test_a_notice_typed_in_tcvn3_and_saved_as_utf8_is_not_published_as_garbled_text() -> None:
    assert hop_problems(f"Kính gửi bà con.\n{TCVN3_TITLE}.\n") == [
        "content/2026-11-30-hop.md:6: dòng này có chữ gõ bằng bảng mã cũ TCVN3 (phông "
        f".VnTime), như 'Th«ng', người dân sẽ thấy chữ lỗi: {TCVN3_FIX} — thông báo này chưa "
        "được đăng"
    ]
    assert faq_problems(HEAD + f"  - id: gio\n    question: Mấy giờ?\n    answer: {TCVN3_TITLE}\n")[
        0
    ].startswith("faq.yaml:7: dòng này có chữ gõ bằng bảng mã cũ TCVN3")


def test_a_faq_comment_typed_in_tcvn3_or_vni_is_warned_of_and_the_file_still_served() -> None:
    """Residents never read a comment: pasted from an old document, it is no reason to
    hold the whole file at its last good version."""
    text = (
        f"# {TCVN3_TITLE}\n{HEAD}  - id: gio   # {VNI_TITLE}\n    question: Mấy giờ?\n"
        "    answer: Sáng thứ Hai.\n"
    )
    Path("faq.yaml").write_text(text, encoding="utf-8")
    loaded = load_faq(Path("faq.yaml"))
    assert (loaded.ok_syntax, [entry.answer for entry in loaded.faq]) == (True, ["Sáng thứ Hai."])
    assert [str(p) for p in loaded.problems] == [
        "faq.yaml:1: dòng ghi chú này có chữ gõ bằng bảng mã cũ TCVN3 (phông .VnTime), như "
        f"'Th«ng': {TCVN3_FIX} — người dân không thấy ghi chú nên tệp vẫn được dùng"
    ]
    Path("faq.yaml").write_text(text.replace(f"# {TCVN3_TITLE}", "# FAQ"), encoding="utf-8")
    assert str(load_faq(Path("faq.yaml")).problems[0]).startswith(
        "faq.yaml:6: dòng ghi chú này có chữ gõ bằng bảng mã cũ VNI (phông VNI-Times)"
    )


@pytest.mark.parametrize(
    ("answer", "line"),
    [
        (f'"Xem # {TCVN3_TITLE}"', 7),  # quoted: the '#' is text
        (f"|\n      # {TCVN3_TITLE}", 8),  # a block: its lines are all text
    ],
)
def test_legacy_text_after_a_hash_that_is_no_comment_still_holds_the_file(
    answer: str, line: int
) -> None:
    text = HEAD + f"  - id: gio\n    question: Mấy giờ?\n    answer: {answer}\n"
    assert faq_problems(text)[0].startswith(
        f"faq.yaml:{line}: dòng này có chữ gõ bằng bảng mã cũ TCVN3"
    )


def test_a_notice_comment_typed_in_tcvn3_is_warned_of_and_the_notice_published() -> None:
    assert hop_problems("Kính gửi bà con.\n", title=f"Họp\n# {TCVN3_TITLE}") == [
        "content/2026-11-30-hop.md:3: dòng ghi chú này có chữ gõ bằng bảng mã cũ TCVN3 (phông "
        f".VnTime), như 'Th«ng': {TCVN3_FIX} — người dân không thấy ghi chú nên tệp vẫn được "
        "dùng"
    ]
    assert len(load_content(Path("content"), TOPICS)[0]) == 1
    # In the text, Markdown, a '#' begins a heading residents read.
    assert hop_problems(f"# {TCVN3_TITLE}\n")[0].startswith(
        "content/2026-11-30-hop.md:5: dòng này có chữ gõ bằng bảng mã cũ TCVN3"
    )


def test_a_notice_comment_in_tcvn3_is_told_with_a_front_matter_yaml_cannot_read() -> None:
    """Both at their lines, as faq.yaml's are: not one save to fix each."""
    problems = hop_problems("Kính gửi bà con.\n", title=f"[Họp\n# {TCVN3_TITLE}")
    assert [problem.split(": ")[0] for problem in problems] == [
        "content/2026-11-30-hop.md:2",
        "content/2026-11-30-hop.md:3",
    ]
    assert "dòng ghi chú này có chữ gõ bằng bảng mã cũ TCVN3" in problems[1]


def test_a_notice_comment_in_vni_is_told_with_a_fence_word_made_a_dash() -> None:
    """The '---' under the front matter typed in Word ('—'): the comment above it is a
    comment still, only warned of, and the dash told at its line."""
    text = f"---\ntitle: Họp\n# {VNI_TITLE}\ndate: 2026-11-30\n—\nKính gửi bà con.\n"
    problems = notice_problems("2026-11-30-hop.md", text)
    assert [problem.split(": ")[0] for problem in problems] == [
        "content/2026-11-30-hop.md:3",
        "content/2026-11-30-hop.md:5",
    ]
    assert "dòng ghi chú này có chữ gõ bằng bảng mã cũ VNI" in problems[0]
    assert "dòng này phải là đúng ba dấu gạch ngang ---" in problems[1]


def test_a_notice_saved_in_tcvn3_bytes_is_told_how_to_convert_it() -> None:
    """Told only to save it as UTF-8, staff would get the garbled letters above."""
    text = f"---\ntitle: {TCVN3_TITLE}\ndate: 2026-11-30\n---\n{TCVN3_TITLE}.\n"
    assert notice_problems("2026-11-30-hop.md", text.encode("latin-1")) == [
        "content/2026-11-30-hop.md:2: tệp gõ bằng bảng mã cũ TCVN3 (phông .VnTime), như "
        f"'Th«ng': {TCVN3_FIX} — thông báo này chưa được đăng"
    ]


def test_latin_letters_and_signs_in_unicode_text_are_not_taken_for_tcvn3() -> None:
    body = "Ứng dụng Zalo® và VssID©; giá 50.000đ · giờ mở cửa « 7h30 »; Nestlé, Müller.\n"
    assert hop_problems(body) == []


# The same words typed with a VNI (VNI-Times) font: a vowel then its marks, each a letter
# of Windows' Western code page; and a greeting with ư, ơ and the hook ("gửi", "phường").
VNI_TITLE = "Thoâng baùo veà vieäc hoïp toå daân phoá"
VNI_GREETING = "Kính göûi baø con phöôøng"
VNI_FIX = (
    "hãy chuyển sang Unicode bằng Unikey (Công cụ chuyển mã, nguồn VNI Windows, đích "
    "Unicode) rồi lưu lại với bảng mã UTF-8"
)


def test_a_faq_typed_with_a_vni_font_is_told_at_its_line_and_the_last_good_one_serves() -> None:
    good = HEAD + "  - id: gio\n    question: Mấy giờ?\n    answer: Sáng thứ Hai.\n"
    Path("faq.yaml").write_text(good, encoding="utf-8")
    last_good = load_faq(Path("faq.yaml"))
    typed = HEAD + f"  - id: gio\n    question: Mấy giờ?\n    answer: |\n      {VNI_GREETING}\n"
    Path("faq.yaml").write_text(typed, encoding="utf-8")

    corpus, problems = load_corpus(Path("faq.yaml"), Path("content"), last_good=last_good)
    assert [str(p) for p in problems] == [
        "faq.yaml:8: dòng này có chữ gõ bằng bảng mã cũ VNI (phông VNI-Times), như 'Kính', "
        f"người dân sẽ thấy chữ lỗi: {VNI_FIX} — bot chưa đọc được cả tệp này"
    ]
    assert [entry.answer for entry in corpus.faq] == ["Sáng thứ Hai."]


def test_a_notice_typed_with_a_vni_font_is_not_published_saved_either_way() -> None:
    assert hop_problems(f"Kính gửi bà con.\n\n{VNI_TITLE}.\n") == [
        "content/2026-11-30-hop.md:7: dòng này có chữ gõ bằng bảng mã cũ VNI (phông "
        f"VNI-Times), như 'Thoâng', người dân sẽ thấy chữ lỗi: {VNI_FIX} — thông báo này chưa "
        "được đăng"
    ]
    assert hop_problems(f"{VNI_TITLE}.\n", title="Hop", encoding="cp1252") == [
        "content/2026-11-30-hop.md:5: tệp gõ bằng bảng mã cũ VNI (phông VNI-Times), như "
        f"'Thoâng': {VNI_FIX} — thông báo này chưa được đăng"
    ]


def test_a_vni_line_of_acute_grave_circumflex_and_dot_marks_is_told_too() -> None:
    """'Thông báo lịch họp': no ơ, ư, hook or tilde in it to tell VNI by."""
    assert hop_problems("Thoâng baùo lòch hoïp.\n")[0].startswith(
        "content/2026-11-30-hop.md:5: dòng này có chữ gõ bằng bảng mã cũ VNI (phông VNI-Times)"
    )


def test_unicode_vietnamese_and_other_languages_are_not_taken_for_vni() -> None:
    body = (
        "Giờ làm việc: sáng thứ Hai, chiều thứ Năm; hồ sơ nộp qua cổng dịch vụ công, phí "
        "50.000đ. Gặp ông Hoà, bà Thuý: khoá học, quý vị, tuyên truyền, giúp đỡ, rõ ràng.\n"
        "Cô giáo Hoà và Thuý, giá vé.\n\n"
        "Noël à Paris, une idée créée par Zoë; el niño reúne a la familia en el país de "
        "Peña; São Paulo, João; Müller, Jörg, Ærø, naïve coïncidence.\n"
    )
    assert hop_problems(body) == []


def test_soft_hyphens_pasted_with_unicode_text_are_not_taken_for_tcvn3() -> None:
    """A web page's or Word's optional hyphens (U+00AD, TCVN3's "ư" when read in the
    Western page) inside words of a line typed in Unicode."""
    body = "Phường tổ chức tiêm vắc\xadxin; mang theo sổ tiêm chủng\xadkhi đến trạm y tế.\n"
    assert hop_problems(body) == []


@pytest.mark.parametrize(
    ("front", "line", "key"),
    [
        ("title: Họp\ndate: 2026-11-30\u200b\n", 3, "date"),
        ("title: Họp\ndate: \ufeff2026-11-30\n", 3, "date"),
        ("title: Họp\ndate: 2026-11-30\nexpires: 2026-12-31\u2060\n", 4, "expires"),
        ("title: Họp\ndate: 2026-11-30\nurgent: true\u200b\n", 4, "urgent"),
    ],
)
def test_an_invisible_character_pasted_into_a_value_is_named_not_shown_as_the_same_text(
    front: str, line: int, key: str
) -> None:
    """Pasted from Zalo or a web page, `2026-11-30` followed by a zero-width space looks
    like the date it is said to have to be: staff are told what is really wrong."""
    assert notice_problems("2026-11-30-hop.md", f"---\n{front}---\nB\n")[0].startswith(
        f"content/2026-11-30-hop.md:{line}: dòng {key}: {ODD} — "
    )


def test_a_non_breaking_space_in_a_topics_name_still_parts_its_words() -> None:
    """Visible as a gap, unlike a zero-width space: the topic is taken, as typed with a
    space (and staff are told its id, as then)."""
    front = "title: Họp\ndate: 2026-11-30\ntopics: [Hành\u00a0chính]\n"
    assert notice_problems("2026-11-30-hop.md", f"---\n{front}---\nB\n") == [
        "content/2026-11-30-hop.md:4: dòng topics: hãy viết mã chủ đề: 'hanh-chinh' thay cho "
        "'Hành\u00a0chính' (topics: [hanh-chinh]) — bot tạm hiểu là 'hanh-chinh', thông báo vẫn "
        "được đăng"
    ]


def test_an_invisible_character_in_an_id_or_a_link_is_named() -> None:
    entry = "  - id: gio\u200b\n    question: Mấy giờ?\n    answer: Sáng.\n"
    assert faq_problems(HEAD + entry) == [
        f"faq.yaml:5: mục 'gio\u200b': dòng id: {ODD} — cả mục này bị bỏ qua"
    ]
    link = "  - id: gio\n    question: Mấy giờ?\n    answer: Sáng.\n    links: [https://a.vn/\u200bx]\n"
    assert faq_problems(HEAD + link) == [
        f"faq.yaml:8: mục 'gio': dòng links: {ODD} — chỉ bỏ qua dòng links:, mục vẫn được dùng"
    ]


@pytest.mark.parametrize("fence", ["\u200b---", "---\ufeff", "\u2060---"])
def test_a_front_matter_line_with_an_invisible_character_is_named(fence: str) -> None:
    """Not "the file must begin with a --- line": it does, to the eye."""
    first = notice_problems("2026-11-30-hop.md", f"{fence}\ntitle: Họp\ndate: 2026-11-30\n---\nB\n")
    closing = notice_problems(
        "2026-11-30-hop.md", f"---\ntitle: Họp\ndate: 2026-11-30\n{fence}\nB\n"
    )
    assert first == [f"content/2026-11-30-hop.md:1: dòng này {ODD} — thông báo này chưa được đăng"]
    assert closing == [
        f"content/2026-11-30-hop.md:4: dòng này {ODD} — thông báo này chưa được đăng"
    ]


@pytest.mark.parametrize(
    "copy",
    [
        "Copy of 2026-11-25-hop.md",
        "2026-11-25-hop - Copy.md",
        "2026-11-25-hop - Bản sao (2).md",
        "2026-11-25-hop (1).md",
        "2026-11-25-hop copy 2.md",
    ],
)
def test_a_copy_of_a_notice_is_not_told_to_be_renamed_into_a_second_notice(copy: str) -> None:
    text = "---\ntitle: Họp tổ dân phố\ndate: 2026-11-25\n---\nHọp lúc 19h.\n"
    # Alone, it is the notice under another name.
    assert notice_problems(copy, text) == [
        f"content/{copy}:1: tên tệp là tên của một bản sao — thông báo này chưa được đăng; "
        "đổi tên thành 2026-11-25-hop.md"
    ]

    Path("content/2026-11-25-hop.md").write_text(text, "utf-8")
    notices, problems = load_content(Path("content"), TOPICS)
    # Beside the original: renamed as a name of its own, it would be published twice.
    assert [n.id for n in notices] == ["2026-11-25-hop"]
    assert [str(p) for p in problems] == [
        f"content/{copy}:1: tệp này có vẻ là bản sao của 2026-11-25-hop.md (chép tệp hay tải "
        "về hai lần) — thông báo này chưa được đăng; nếu không cần thì xóa tệp này, nếu là "
        "một thông báo khác thì đổi tên, ví dụ 2026-11-25-hop-2.md"
    ]


@pytest.mark.parametrize(
    "conflict",
    [
        "2026-11-25-hop (conflicted copy 2026-11-30).md",  # Dropbox
        "2026-11-25-hop (Lan's conflicted copy 2026-11-30).md",
        "2026-11-25-hop (conflicted copy 2026-11-30 101500).md",  # Nextcloud
        "2026-11-25-hop.sync-conflict-20261130-101500-ABCDEFG.md",  # Syncthing
    ],
)
def test_a_sync_tools_conflict_copy_is_not_told_to_be_renamed_into_a_second_notice(
    conflict: str,
) -> None:
    """Two officers saved the notice at once through a shared folder: the sync tool keeps
    the other's version beside it. Told to rename it as a name of its own, staff would
    publish it as a second notice, its followers alerted twice."""
    text = "---\ntitle: Họp tổ dân phố\ndate: 2026-11-25\n---\nHọp lúc 19h30.\n"
    # Alone, it may be the version to keep.
    assert notice_problems(conflict, text) == [
        f"content/{conflict}:1: tên tệp là tên của một bản xung đột (công cụ đồng bộ đặt khi "
        "hai người cùng lưu một tệp) — thông báo này chưa được đăng; nếu đây là bản cần giữ "
        "thì đổi tên thành 2026-11-25-hop.md"
    ]

    Path("content/2026-11-25-hop.md").write_text(text.replace("19h30", "19h"), "utf-8")
    notices, problems = load_content(Path("content"), TOPICS)
    assert [n.id for n in notices] == ["2026-11-25-hop"]
    assert [str(p) for p in problems] == [
        f"content/{conflict}:1: tệp này là bản xung đột của 2026-11-25-hop.md: hai người cùng "
        "sửa thông báo đó và công cụ đồng bộ giữ cả hai bản — thông báo này chưa được đăng; "
        "hãy so với 2026-11-25-hop.md, chép vào đó những gì cần giữ rồi xóa tệp này (đổi tên "
        "thành một thông báo riêng thì tin sẽ được gửi hai lần)"
    ]


def test_a_file_cut_in_the_middle_of_a_letter_is_told_as_saved_half_way() -> None:
    """A save caught half-way (a phone's upload, a web file manager) can end inside a
    letter's bytes: it is not a file in another encoding, and must not be told as one."""
    text = HEAD + "  - id: gio\n    question: Mấy giờ?\n    answer: Sáng thứ Hai.\n"
    data = text.encode()
    Path("faq.yaml").write_bytes(data[: data.index("thứ".encode()) + 3])  # "th" and a byte of "ứ"

    assert [str(p) for p in load_faq(Path("faq.yaml")).problems] == [
        "faq.yaml:7: tệp dừng ở giữa một chữ: có thể tệp đang được lưu hay tải lên chưa xong; "
        "nếu vẫn thấy báo lỗi này, hãy mở tệp, xem lại đoạn cuối rồi lưu lại — bot chưa đọc "
        "được cả tệp này"
    ]


# Notepad's "Unicode" and "Unicode big endian" (and Excel's "Unicode Text"): UTF-16 with
# its byte-order mark, Windows line ends.
UTF16 = {"le": b"\xff\xfe", "be": b"\xfe\xff"}


def utf16(text: str, order: str) -> bytes:
    return UTF16[order] + text.replace("\n", "\r\n").encode(f"utf-16-{order}")


@pytest.mark.parametrize("order", ["le", "be"])
def test_a_faq_saved_as_unicode_in_notepad_is_read_with_its_line_numbers(order: str) -> None:
    good = HEAD + "  - id: gio\n    question: Mấy giờ?\n    answer: Sáng thứ Hai.\n"
    Path("faq.yaml").write_bytes(utf16(good, order))
    loaded = load_faq(Path("faq.yaml"))
    assert (loaded.problems, [e.answer for e in loaded.faq]) == ([], ["Sáng thứ Hai."])

    bad = good + "  - id: nghi\n    question: Nghỉ lễ?\n    answr: Có.\n"
    Path("faq.yaml").write_bytes(utf16(bad, order))
    assert str(load_faq(Path("faq.yaml")).problems[0]).startswith("faq.yaml:10: ")


def test_a_notice_saved_as_unicode_is_published_and_its_date_line_found() -> None:
    text = "---\ntitle: Họp tổ dân phố\ndate: 2026-11-20\n---\nTối thứ Sáu.\n"
    Path("content", "2026-11-30-hop.md").write_bytes(utf16(text, "le"))
    (notice,), problems = load_content(Path("content"), TOPICS)
    assert (notice.title, notice.body, problems) == ("Họp tổ dân phố", "Tối thứ Sáu.", [])
    assert dated_otherwise(notice) == ("content/2026-11-30-hop.md:3", dt.date(2026, 11, 30))


def test_a_file_in_utf16_without_its_mark_is_told_to_be_saved_as_utf8() -> None:
    """Not told to retype line 1 for an invisible character (its every other byte is 0)."""
    text = "topics:\n  - id: a\n    name: A\nfaq:\n  - id: b\n    question: Q?\n    answer: A.\n"
    Path("faq.yaml").write_bytes(text.encode("utf-16-le"))
    assert [str(p) for p in load_faq(Path("faq.yaml")).problems] == [
        "faq.yaml:1: tệp không được lưu theo bảng mã UTF-8: hãy lưu lại với bảng mã UTF-8 "
        "(trong Notepad: Lưu thành, mục Encoding chọn UTF-8) — bot chưa đọc được cả tệp này"
    ]


def test_a_unicode_file_cut_in_the_middle_of_a_letter_is_told_as_saved_half_way() -> None:
    text = HEAD + "  - id: gio\n    question: Mấy giờ?\n    answer: Sáng thứ Hai.\n"
    Path("faq.yaml").write_bytes(utf16(text, "le")[:-1])

    assert [str(p) for p in load_faq(Path("faq.yaml")).problems] == [
        "faq.yaml:7: tệp dừng ở giữa một chữ: có thể tệp đang được lưu hay tải lên chưa xong; "
        "nếu vẫn thấy báo lỗi này, hãy mở tệp, xem lại đoạn cuối rồi lưu lại — bot chưa đọc "
        "được cả tệp này"
    ]


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_a_line_separator_pasted_into_an_answer_reads_as_the_space_it_looks_like(
    separator: str,
) -> None:
    """Notepad shows no line break there; YAML would see one, cut the answer and count
    every line after it one too many."""
    text = HEAD + (
        f"  - id: gio\n    question: Mấy giờ?\n    answer: Sáng thứ Hai,{separator}chiều thứ Ba.\n"
        "  - id: nghi\n    question: Nghỉ lễ?\n    answr: Có.\n"
    )
    Path("faq.yaml").write_text(text, encoding="utf-8")
    loaded = load_faq(Path("faq.yaml"))
    assert [entry.answer for entry in loaded.faq] == ["Sáng thứ Hai, chiều thứ Ba."]
    assert str(loaded.problems[0]).startswith("faq.yaml:10: ")


def test_a_notice_with_a_line_separator_in_its_title_keeps_its_date_lines_number() -> None:
    text = "---\ntitle: Họp tổ\u2028dân phố\ndate: 2026-11-20\n---\nTối thứ Sáu.\n"
    Path("content", "2026-11-30-hop.md").write_text(text, encoding="utf-8")
    (notice,), problems = load_content(Path("content"), TOPICS)
    assert (notice.title, problems) == ("Họp tổ dân phố", [])
    assert dated_otherwise(notice) == ("content/2026-11-30-hop.md:3", dt.date(2026, 11, 30))


def test_keys_written_in_vietnamese_are_shown_in_english() -> None:
    problems = faq_problems(
        HEAD + "  - id: gio\n    câu hỏi: Mấy giờ?\n    question: Mấy giờ?\n"
        "    Trả lời: Sáng.\n    chủ đề: [hanh-chinh]\n"
    )

    assert problems == [
        "faq.yaml:6: mục 'gio': tên dòng phải viết bằng tiếng Anh: 'question', không phải "
        "'câu hỏi' — dòng này bị bỏ qua; hãy sửa cả dòng này",
        "faq.yaml:8: mục 'gio': tên dòng phải viết bằng tiếng Anh: 'answer', không phải "
        "'Trả lời' — cả mục này bị bỏ qua vì thiếu câu trả lời",
        "faq.yaml:9: mục 'gio': tên dòng phải viết bằng tiếng Anh: 'topics', không phải "
        "'chủ đề' — dòng này bị bỏ qua; hãy sửa cả dòng này",
    ]
    Path("content/2026-11-25-hop.md").write_text(
        "---\ntiêu đề: Họp tổ dân phố\nngày: 2026-11-25\n---\nHọp lúc 19h.\n", "utf-8"
    )
    _, problems = load_content(Path("content"), TOPICS)
    assert [str(p) for p in problems] == [
        "content/2026-11-25-hop.md:2: tên dòng phải viết bằng tiếng Anh: 'title', không phải "
        "'tiêu đề' — thông báo này chưa được đăng vì thiếu tiêu đề thông báo",
        "content/2026-11-25-hop.md:3: tên dòng phải viết bằng tiếng Anh: 'date', không phải "
        "'ngày' — thông báo này chưa được đăng vì thiếu ngày đăng, ví dụ date: 2026-11-25",
    ]


@pytest.mark.parametrize(
    ("entries", "said"),
    [
        (
            "  - id: gio\n    question: Mấy giờ?\n     answer: Sáng.\n",
            "faq.yaml:7: dòng này thụt lề 5 dấu cách, còn dòng trên (dòng 6) 4: các dòng của "
            "một mục phải thẳng hàng với nhau; hãy thụt lề 4 dấu cách",
        ),
        (
            "  - id: gio\n    question: Mấy giờ?\n   answer: Sáng.\n    topics: []\n",
            "faq.yaml:7: dòng này thụt lề 3 dấu cách, còn dòng trên (dòng 6) 4: các dòng của "
            "một mục phải thẳng hàng với nhau; hãy thụt lề 4 dấu cách",
        ),
        (
            "  - id: gio\n    question: Mấy giờ?\n    variants:\n      - mấy giờ mở cửa\n"
            "    answer: Sáng.\n   - id: tiep\n     question: Tiếp dân?\n     answer: Thứ Năm.\n",
            "faq.yaml:10: dấu '-' của mục này thụt lề 3 dấu cách, còn mục ở trên (dòng 5) 2: "
            "các mục phải thẳng hàng với nhau; hãy thụt lề 2 dấu cách",
        ),
        (  # only the '-' one space off: that line is told, not the aligned one after it
            "  - id: gio\n    question: Mấy giờ?\n    answer: Sáng.\n"
            "   - id: tiep\n    question: Tiếp dân?\n    answer: Thứ Năm.\n",
            "faq.yaml:8: dấu '-' của mục này thụt lề 3 dấu cách, còn mục ở trên (dòng 5) 2: "
            "các mục phải thẳng hàng với nhau; hãy thụt lề 2 dấu cách",
        ),
        (  # ... the first entry: the entry after it is what it is told against
            "   - id: gio\n    question: Mấy giờ?\n    answer: Sáng.\n"
            "  - id: tiep\n    question: Tiếp dân?\n    answer: Thứ Năm.\n",
            "faq.yaml:5: dấu '-' của mục này thụt lề 3 dấu cách, còn mục ở dưới (dòng 8) 2: "
            "các mục phải thẳng hàng với nhau; hãy thụt lề 2 dấu cách",
        ),
    ],
)
def test_a_line_indented_unlike_its_neighbours_is_told_by_how_much(entries: str, said: str) -> None:
    assert faq_problems(HEAD + entries) == [f"{said} — bot chưa đọc được cả tệp này"]


GIO = "  - id: gio\n    question: Mấy giờ?\n"


@pytest.mark.parametrize(
    ("entry", "said"),
    [
        (  # a way of asking added one space short of the others
            "    variants:\n      - mấy giờ mở cửa\n     - mấy giờ đóng cửa\n"
            "      - thứ bảy có làm không\n    answer: Sáng.\n",
            "faq.yaml:9: dấu '-' ở dòng này thụt lề 5 dấu cách, còn dòng trên (dòng 8) 6: các "
            "dòng '-' của một danh sách phải thẳng hàng với nhau; hãy thụt lề 6 dấu cách",
        ),
        (  # ... or under the key, as far in as variants: itself
            "    variants:\n      - mấy giờ mở cửa\n    - mấy giờ đóng cửa\n    answer: Sáng.\n",
            "faq.yaml:9: dấu '-' ở dòng này thụt lề 4 dấu cách, còn dòng trên (dòng 8) 6: các "
            "dòng '-' của một danh sách phải thẳng hàng với nhau; hãy thụt lề 6 dấu cách",
        ),
        (  # the first one a space deeper than those below it: that one is told
            "    variants:\n       - mấy giờ mở cửa\n      - mấy giờ đóng cửa\n"
            "      - thứ bảy có làm không\n    answer: Sáng.\n",
            "faq.yaml:8: dấu '-' ở dòng này thụt lề 7 dấu cách, còn dòng dưới (dòng 9) 6: các "
            "dòng '-' của một danh sách phải thẳng hàng với nhau; hãy thụt lề 6 dấu cách",
        ),
        (  # a line of an answer one space short of the lines above it
            "    answer: |\n      Sáng từ 7 giờ 30.\n      Chiều từ 13 giờ 30.\n"
            "     Thứ bảy nghỉ.\n    topics: []\n",
            "faq.yaml:10: dòng chữ này thụt lề 5 dấu cách, còn dòng trên (dòng 9) 6: các dòng "
            "chữ của dòng answer: (dòng 7) phải thẳng hàng với nhau; hãy thụt lề 6 dấu cách",
        ),
        (  # the answer's first line deeper than the lines below it: that one is told
            "    answer: |\n        Sáng từ 7 giờ 30.\n      Chiều từ 13 giờ 30.\n"
            "      Thứ bảy nghỉ.\n    topics: []\n",
            "faq.yaml:8: dòng chữ này thụt lề 8 dấu cách, còn dòng dưới (dòng 9) 6: các dòng "
            "chữ của dòng answer: (dòng 7) phải thẳng hàng với nhau; hãy thụt lề 6 dấu cách",
        ),
    ],
)
def test_a_way_of_asking_or_a_line_of_an_answer_indented_unlike_its_neighbours_is_told(
    entry: str, said: str
) -> None:
    assert faq_problems(HEAD + GIO + entry) == [f"{said} — bot chưa đọc được cả tệp này"]


@pytest.mark.parametrize("indent", [" ", "  "])
def test_a_section_header_indented_is_told_to_start_at_the_margin(indent: str) -> None:
    text = HEAD.replace("faq:", indent + "faq:") + GIO + "    answer: Sáng.\n"
    assert faq_problems(text) == [
        "faq.yaml:4: dòng faq: là đầu một phần của tệp nên phải viết sát lề trái: hãy xóa "
        "các dấu cách ở đầu dòng này — bot chưa đọc được cả tệp này"
    ]


def test_a_way_of_asking_indented_deeper_than_the_one_above_is_not_merged_into_it() -> None:
    """YAML reads "- b" indented deeper than "- a" as words of a: the two ways of asking
    would be one that nobody types, silently."""
    Path("faq.yaml").write_text(
        HEAD + GIO + "    variants:\n      - mấy giờ mở cửa\n        - mấy giờ đóng cửa\n"
        "      - thứ bảy có làm không\n    answer: Sáng.\n",
        encoding="utf-8",
    )
    loaded = load_faq(Path("faq.yaml"))
    assert [str(p) for p in loaded.problems] == [
        "faq.yaml:9: mục 'gio': dòng variants: dấu '-' ở dòng này thụt lề sâu hơn dấu '-' ở "
        "dòng trên (dòng 8), nên bot đọc nó là chữ nối tiếp dòng trên: hãy cho hai dấu '-' "
        "thẳng hàng với nhau — bot tạm hiểu là 2 cách hỏi riêng, mục vẫn được dùng"
    ]
    assert loaded.faq[0].variants == ("mấy giờ mở cửa", "mấy giờ đóng cửa", "thứ bảy có làm không")


def test_a_way_of_asking_wrapped_onto_a_second_line_is_one_even_with_a_dash_in_it() -> None:
    """A dash within a line ("tạm trú - tạm vắng") of a way of asking typed on two lines
    is no second way of asking: only a line begun with '-' is."""
    Path("faq.yaml").write_text(
        HEAD + GIO + "    variants:\n      - đăng ký tạm trú - tạm vắng cho người\n"
        "        thuê trọ\n      - thứ bảy có làm không\n    answer: Sáng.\n",
        encoding="utf-8",
    )
    loaded = load_faq(Path("faq.yaml"))
    assert loaded.problems == []
    assert loaded.faq[0].variants == (
        "đăng ký tạm trú - tạm vắng cho người thuê trọ",
        "thứ bảy có làm không",
    )


def test_a_way_of_asking_indented_deeper_below_a_wrapped_one_is_told_at_its_own_line() -> None:
    Path("faq.yaml").write_text(
        HEAD + GIO + "    variants:\n      - mấy giờ mở cửa buổi sáng\n        và buổi chiều\n"
        "        - giờ đóng cửa - nghỉ trưa\n    answer: Sáng.\n",
        encoding="utf-8",
    )
    loaded = load_faq(Path("faq.yaml"))
    assert [p.line for p in loaded.problems] == [10]  # the '-' indented deeper
    assert loaded.faq[0].variants == (
        "mấy giờ mở cửa buổi sáng và buổi chiều",
        "giờ đóng cửa - nghỉ trưa",
    )


def test_a_synonym_indented_unlike_the_one_above_is_told_by_how_much() -> None:
    text = "synonyms:\n  gks: [giấy khai sinh]\n   ct07: [xác nhận cư trú]\n" + HEAD
    assert faq_problems(text) == [
        "faq.yaml:3: dòng này thụt lề 3 dấu cách, còn dòng trên (dòng 2) 2: các dòng của "
        "một mục phải thẳng hàng với nhau; hãy thụt lề 2 dấu cách — bot chưa đọc được cả tệp "
        "này"
    ]


@pytest.mark.parametrize("title", ["Họp tổ dân phố", '"Họp tổ dân phố: khu phố 3"'])
def test_a_notice_line_indented_under_the_title_is_told_to_start_at_the_margin(
    title: str,
) -> None:
    problems = notice_problems(
        "2026-11-25-hop.md", f"---\ntitle: {title}\n  date: 2026-11-25\n---\nHọp.\n"
    )
    assert problems == [
        "content/2026-11-25-hop.md:3: dòng này thụt lề 2 dấu cách, còn dòng trên (dòng 2) "
        "viết sát lề trái: hai dòng phải thẳng hàng với nhau; hãy xóa các dấu cách ở đầu "
        "dòng này — thông báo này chưa được đăng"
    ]


def test_an_entrys_last_line_against_the_left_margin_is_told_to_be_indented() -> None:
    problems = faq_problems(HEAD + "  - id: gio\n    question: Mấy giờ?\nanswer: Sáng.\n")

    assert problems[-1] == (
        "faq.yaml:7: dòng answer: nằm sát lề trái nên bot hiểu là một phần mới của tệp: hãy "
        "thụt lề cho thẳng với các dòng của mục ở trên — dòng này bị bỏ qua"
    )


def test_a_non_breaking_space_inside_text_is_not_blamed_for_a_tab_below() -> None:
    problems = faq_problems(
        HEAD + "  - id: gio\n    question: Mấy giờ?\n    answer: Sáng 7h30\u00a0đến 11h30.\n"
        "\ttopics: []\n"
    )

    assert problems == [
        "faq.yaml:8: dòng này thụt lề bằng phím Tab: hãy thụt lề bằng 4 dấu cách (thẳng hàng "
        "như đã viết ở trên) — bot chưa đọc được cả tệp này"
    ]


def test_a_tab_after_a_colon_read_well_is_not_blamed_for_a_tab_indent_below() -> None:
    # A Tab after "answer:" reads (as a space); the one to fix is the line indented by Tab.
    problems = faq_problems(
        HEAD + "  - id: gio\n    question: Mấy giờ?\n    answer:\tSáng 7h30.\n"
        "  - id: chu-nhat\n    question: Chủ nhật?\n    answer: |\n      Không.\n"
        "\t  Trừ khi có thông báo.\n"
    )

    assert problems == [
        "faq.yaml:12: dòng này thụt lề bằng phím Tab: hãy thụt lề bằng 6 dấu cách (thẳng "
        "hàng như đã viết ở trên) — bot chưa đọc được cả tệp này"
    ]


@pytest.mark.parametrize(
    ("below", "spaces"),
    [
        ("  - id: gio\n\tquestion: Mấy giờ?\n", 4),  # a key of the entry "- id:" opened
        ("  - id: gio\n    question: Mấy giờ?\n    variants:\n\t- mấy giờ mở cửa\n", 6),
        ("  - id: gio\n    question: Mấy giờ?\n\t\tanswer: Sáng.\n", 4),
        # Under a variant, the key that comes back is further left: no count is guessed.
        (
            "  - id: gio\n    question: Mấy giờ?\n    variants:\n      - mấy giờ\n\tanswer: Sáng.\n",
            None,
        ),
    ],
)
def test_a_tab_indent_is_told_how_many_spaces_to_use(below: str, spaces: int | None) -> None:
    """A clerk who indented with the Tab key is told how many spaces make the line sit as
    those above it do: "thụt lề bằng dấu cách" alone left them counting; none is guessed
    where the lines above do not tell."""
    (problem,) = faq_problems(HEAD + below)
    told = "hãy thụt lề bằng dấu cách" if spaces is None else f"hãy thụt lề bằng {spaces} dấu"
    assert told in problem, problem


def test_a_tab_after_a_dash_is_told_as_such_with_the_line_retyped() -> None:
    # Its indent is spaces, as the clerk sees it: the Tab is after the dash.
    problems = faq_problems(
        HEAD + "  - id: gio\n    question: Mấy giờ?\n    variants:\n      -\tmấy giờ mở cửa\n"
        "    answer: Sáng.\n"
    )

    assert problems == [
        "faq.yaml:8: dòng này có ký tự Tab ở giữa dòng (phím Tab gõ sau dấu -), mà bot không "
        "tính là dấu cách: hãy thay bằng một dấu cách, viết `- mấy giờ mở cửa` — bot chưa đọc "
        "được cả tệp này"
    ]


HEAD_GIO = HEAD + GIO
TIEP = "  - id: tiep\n    question: Tiếp dân?\n    answer: Thứ Năm.\n"


@pytest.mark.parametrize(
    ("lines", "line"),
    [
        ("    answer: |\n      Sáng 7h30.\n{}\n      Chiều 13h30.\n", 9),
        ("    answer: Sáng.\n\n{}\n", 9),
    ],
)
@pytest.mark.parametrize("mark", ["---", "..."])
def test_a_line_of_dashes_or_dots_at_the_margin_is_told_to_end_the_file(
    lines: str, line: int, mark: str
) -> None:
    problems = faq_problems(HEAD_GIO + lines.format(mark) + TIEP)

    assert problems == [
        f"faq.yaml:{line}: dòng '{mark}' viết sát lề trái làm bot hiểu là tệp dừng ở đây, các "
        "dòng bên dưới không được đọc: nếu đó là một dòng của câu trả lời, hãy viết `answer: "
        "|` rồi xuống dòng, mọi dòng chữ (cả dòng này) thụt lề sâu hơn dòng answer:; nếu "
        "không, hãy xóa dòng này — bot chưa đọc được cả tệp này"
    ]


def test_a_list_typed_under_an_answer_at_its_depth_is_told_to_go_in_its_block() -> None:
    problems = faq_problems(HEAD_GIO + "    answer: Hồ sơ gồm\n    - Tờ khai\n    - CCCD\n" + TIEP)

    assert problems == [
        "faq.yaml:8: dòng '-' này nằm dưới dòng answer: (dòng 7) mà không thụt lề sâu hơn dòng "
        "đó: nếu đây là một phần của chữ, hãy viết `answer: |` rồi xuống dòng, mọi dòng chữ "
        "(cả các dòng '-') thụt lề sâu hơn dòng answer: — bot chưa đọc được cả tệp này"
    ]


def test_a_topic_typed_as_an_item_under_a_notice_date_is_told_to_need_its_list() -> None:
    problems = hop_problems("Họp.\n", title="Họp\ndate: 2026-11-30\n- hanh-chinh")

    assert problems == [
        "content/2026-11-30-hop.md:4: dòng '-' này không thuộc danh sách nào: các dòng '-' phải "
        "viết dưới một dòng như `topics:` hay `variants:` (không có chữ sau dấu hai chấm), thụt "
        "lề sâu hơn dòng đó — thông báo này chưa được đăng"
    ]


def test_a_mistake_no_hint_knows_is_told_in_vietnamese_at_its_line() -> None:
    # A list typed in braces and left open: YAML's words for it are English, in its terms.
    problems = faq_problems(HEAD_GIO + "    answer: Sáng.\n    variants: {mấy giờ, giờ mở cửa\n")

    assert problems == [
        "faq.yaml:8: bot không đọc được tệp từ dòng này: hãy xem lại thụt lề (số dấu cách đầu "
        "dòng), dấu hai chấm, dấu '-' đầu dòng và ngoặc kép ở dòng này và dòng trên; nếu có chữ "
        "bắt đầu bằng một ký hiệu (như * & % @ ! `), hãy đặt cả chữ đó trong ngoặc kép — bot "
        "chưa đọc được cả tệp này"
    ]


def test_a_way_of_asking_that_lost_its_dash_between_two_is_told_at_its_line() -> None:
    problems = faq_problems(
        HEAD_GIO + "    variants:\n      - giá thẻ\n      mua thẻ ở đâu\n      - đóng tiếp\n"
        "    answer: Sáng.\n"
    )

    assert problems == [
        "faq.yaml:9: dòng này thiếu dấu '-' ở đầu, mà các dòng trên và dưới có: mỗi mục của "
        "danh sách là một dòng bắt đầu bằng '- ', viết `- mua thẻ ở đâu` — bot chưa đọc được "
        "cả tệp này"
    ]


def test_a_first_way_of_asking_that_lost_its_dash_is_told_and_the_others_kept_apart() -> None:
    Path("faq.yaml").write_text(
        HEAD_GIO + "    variants:\n      giá thẻ\n      - mua thẻ ở đâu\n      - đóng tiếp\n"
        "    answer: Sáng.\n",
        encoding="utf-8",
    )
    loaded = load_faq(Path("faq.yaml"))

    assert [str(p) for p in loaded.problems] == [
        "faq.yaml:8: mục 'gio': dòng variants: dòng này thiếu dấu '-' ở đầu, mà các dòng dưới "
        "có: mỗi cách hỏi là một dòng bắt đầu bằng '- ', viết `- giá thẻ` — bot tạm hiểu là 3 "
        "cách hỏi, mục vẫn được dùng"
    ]
    assert loaded.faq[0].variants == ("giá thẻ", "mua thẻ ở đâu", "đóng tiếp")


def test_a_notice_without_front_matter_is_shown_the_lines_to_add() -> None:
    assert notice_problems(
        "2026-11-21-hop.md", "# Thông báo: họp tổ dân phố 4\n\nHọp lúc 19h tại nhà văn hóa.\n"
    ) == [
        "content/2026-11-21-hop.md:1: thiếu phần đầu: tệp phải bắt đầu bằng một dòng ---, rồi "
        "các dòng title: và date:, rồi một dòng --- nữa — thông báo này chưa được đăng; với tệp "
        'này, thêm bốn dòng ở đầu: `---`, `title: "Thông báo: họp tổ dân phố 4"`, '
        "`date: 2026-11-21`, `---`"
    ]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (  # the first '---' deleted: the title: and date: lines are there
            'title: "Họp tổ dân phố: khu phố 4"\ndate: 2026-11-21\n---\nHọp lúc 19h.\n',
            "content/2026-11-21-hop.md:1: thiếu dòng --- ở đầu tệp: phần đầu (title:, date:) "
            "phải nằm giữa hai dòng --- — thông báo này chưa được đăng; hãy thêm một dòng --- "
            "trên dòng 1",
        ),
        (  # and the title's colon lost too: the --- first (that colon is told then)
            "title Họp tổ dân phố: khu phố 4\ndate: 2026-11-21\n---\nHọp lúc 19h.\n",
            "content/2026-11-21-hop.md:1: thiếu dòng --- ở đầu tệp: phần đầu (title:, date:) "
            "phải nằm giữa hai dòng --- — thông báo này chưa được đăng; hãy thêm một dòng --- "
            "trên dòng 1",
        ),
        (  # both left out
            "\ntitle: Họp tổ dân phố\ndate: 2026-11-21\ntopics: [hanh-chinh]\n\nHọp lúc 19h.\n",
            "content/2026-11-21-hop.md:2: thiếu dòng --- ở đầu tệp: phần đầu (title:, date:) "
            "phải nằm giữa hai dòng --- — thông báo này chưa được đăng; hãy thêm một dòng --- "
            "trên dòng 2 và một dòng --- dưới dòng 4",
        ),
    ],
)
def test_a_front_matter_without_its_first_fence_is_told_to_get_one_not_a_second_title(
    text: str, said: str
) -> None:
    assert notice_problems("2026-11-21-hop.md", text) == [said]


@pytest.mark.parametrize(
    ("text", "line", "typed"),
    [
        ("—\ntitle: Họp\ndate: 2026-11-21\n—\nHọp lúc 19h.\n", 1, "—"),
        ("---\ntitle: Họp\ndate: 2026-11-21\n----\nHọp lúc 19h.\n", 4, "----"),
        ("---\ntitle: Họp\ndate: 2026-11-21\n–––\nHọp lúc 19h.\n", 4, "–––"),
    ],
)
def test_a_front_matter_line_typed_with_other_dashes_is_named(
    text: str, line: int, typed: str
) -> None:
    assert notice_problems("2026-11-21-hop.md", text) == [
        f"content/2026-11-21-hop.md:{line}: dòng này phải là đúng ba dấu gạch ngang --- sát lề "
        f"trái, không phải `{typed}` (Word hay tự đổi --- thành —) — thông báo này chưa được đăng"
    ]


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (
            b"PK\x03\x04\x14\x00\x06\x00word/document.xml",
            "tệp này là một tệp Word (.docx) hay LibreOffice (.odt) chỉ được đổi tên, không "
            "phải văn bản: hãy mở nó, chọn Lưu thành (Save As) kiểu Plain Text (.txt) với bảng "
            "mã UTF-8, rồi đặt lại tên này",
        ),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "tệp này là một ảnh chỉ được đổi tên, không phải văn bản: hãy chép chữ của nó vào "
            "một tệp văn bản (soạn bằng Notepad) rồi lưu với tên này",
        ),
    ],
)
def test_a_word_file_or_a_picture_renamed_md_is_named_for_what_it_is(
    data: bytes, said: str
) -> None:
    assert notice_problems("2026-11-21-hop.md", data) == [
        f"content/2026-11-21-hop.md:1: {said} — thông báo này chưa được đăng"
    ]


@pytest.mark.parametrize(
    ("line", "said"),
    [
        (
            "source: www.phuong2.gov.vn/tin/hop",
            "dòng source: phải là địa chỉ web bắt đầu bằng http:// hoặc https://, không phải "
            "'www.phuong2.gov.vn/tin/hop' — chỉ bỏ qua dòng source:",
        ),
        (
            "topics: [hanh chinh cong]",
            "dòng topics: chủ đề 'hanh chinh cong' không có trong phần topics: của faq.yaml, có "
            "phải 'hanh-chinh'? — chủ đề này bị bỏ qua",
        ),
        (  # a topic written by its name is taken for it
            "topics: [Hành chính]",
            "dòng topics: hãy viết mã chủ đề: 'hanh-chinh' thay cho 'Hành chính' (topics: "
            "[hanh-chinh]) — bot tạm hiểu là 'hanh-chinh'",
        ),
    ],
)
def test_a_notice_with_a_link_or_topics_typed_wrong_is_published_without_them(
    line: str, said: str
) -> None:
    """Residents must not miss a notice for a link without its https:// or a topic written
    by its name: only that line is left out (the topics then come from the keywords)."""
    Path("content/2026-11-21-hop.md").write_text(
        f"---\ntitle: Họp về giờ làm việc\ndate: 2026-11-21\n{line}\n---\nHọp lúc 19h.\n", "utf-8"
    )
    topics = [Topic("hanh-chinh", "Hành chính", ("giờ làm việc",))]

    notices, problems = load_content(Path("content"), topics)

    assert [(n.id, n.topics, n.source) for n in notices] == [
        ("2026-11-21-hop", ("hanh-chinh",), None)
    ]
    assert [str(p) for p in problems] == [
        f"content/2026-11-21-hop.md:4: {said}, thông báo vẫn được đăng"
    ]


def test_topics_written_as_a_line_with_commas_are_each_a_topic() -> None:
    """'topics: hanh-chinh, bhyt' (no brackets) tags the notice with both, as staff meant."""
    Path("content/2026-11-21-hop.md").write_text(
        "---\ntitle: Họp\ndate: 2026-11-21\ntopics: hanh-chinh, bhyt\n---\nHọp lúc 19h.\n",
        "utf-8",
    )
    topics = [Topic("hanh-chinh", "Hành chính", ()), Topic("bhyt", "Bảo hiểm y tế", ())]

    notices, problems = load_content(Path("content"), topics)

    assert [(n.id, n.topics) for n in notices] == [("2026-11-21-hop", ("hanh-chinh", "bhyt"))]
    assert problems == []


@pytest.mark.parametrize(
    "line",
    [
        "topics: Đất đai, xây dựng",
        "topics: [Đất đai, xây dựng]",
        "topics: Đất đai, xây dựng, bhyt",
        "topics: [bhyt, Đất đai, xây dựng]",
    ],
)
def test_a_topic_whose_name_has_a_comma_is_taken_whole(line: str) -> None:
    """A topic named 'Đất đai, xây dựng' written by its name, with or without brackets: one
    topic, not 'Đất đai' and 'xây dựng', neither of which is one (the notice would lose it,
    staff told the topic they see in faq.yaml is not there)."""
    Path("content/2026-11-21-dat.md").write_text(
        f"---\ntitle: Cấp phép\ndate: 2026-11-21\n{line}\n---\nNộp hồ sơ tại phường.\n",
        "utf-8",
    )
    topics = [Topic("nha-dat", "Đất đai, xây dựng", ()), Topic("bhyt", "Bảo hiểm y tế", ())]

    notices, problems = load_content(Path("content"), topics)

    ids = ("bhyt", "nha-dat") if "[bhyt" in line else ("nha-dat", "bhyt")
    meant = ids if "bhyt" in line else ("nha-dat",)
    assert [n.topics for n in notices] == [meant]
    assert [str(p) for p in problems] == [
        "content/2026-11-21-dat.md:4: dòng topics: hãy viết mã chủ đề: 'nha-dat' thay cho "
        f"'Đất đai, xây dựng' (topics: [{', '.join(meant)}]) — bot tạm hiểu là 'nha-dat', "
        "thông báo vẫn được đăng"
    ]


@pytest.mark.parametrize("typed", ["hanh-chinh bhyt", "[hanh-chinh bhyt]"])
def test_topic_ids_parted_by_spaces_are_each_a_topic(typed: str) -> None:
    """Not one topic 'hanh-chinh bhyt' said unknown ("có phải 'bhyt'?") and dropped."""
    Path("faq.yaml").write_text(
        "topics:\n  - id: hanh-chinh\n    name: Hành chính\n  - id: bhyt\n    name: BHYT\n"
        f"faq:\n  - id: gio\n    question: Mấy giờ?\n    answer: Sáng.\n    topics: {typed}\n",
        encoding="utf-8",
    )

    faq = load_faq(Path("faq.yaml"))

    assert [e.topics for e in faq.faq] == [("hanh-chinh", "bhyt")]
    assert [str(p) for p in faq.problems] == [
        "faq.yaml:10: mục 'gio': dòng topics: các mã chủ đề phải cách nhau bằng dấu phẩy, trong "
        "ngoặc vuông: viết `topics: [hanh-chinh, bhyt]` — bot tạm hiểu là 2 chủ đề, mục vẫn "
        "được dùng"
    ]


@pytest.mark.parametrize("typed", ["hanh-chinh bhtyt", "[hanh-chinh bhtyt]"])
def test_topic_ids_parted_by_spaces_one_mistyped_keep_the_others(typed: str) -> None:
    """Not the whole 'hanh-chinh bhtyt' dropped with "có phải 'hanh-chinh'?" (writing
    which would lose 'bhyt'): the ids read are kept, the typo guessed, the line given."""
    Path("faq.yaml").write_text(
        "topics:\n  - id: hanh-chinh\n    name: Hành chính\n  - id: bhyt\n    name: BHYT\n"
        f"faq:\n  - id: gio\n    question: Mấy giờ?\n    answer: Sáng.\n    topics: {typed}\n",
        encoding="utf-8",
    )

    faq = load_faq(Path("faq.yaml"))

    assert [e.topics for e in faq.faq] == [("hanh-chinh",)]
    assert [str(p) for p in faq.problems] == [
        "faq.yaml:10: mục 'gio': dòng topics: chủ đề 'bhtyt' không có trong phần topics: của "
        "faq.yaml, có phải 'bhyt'? Các mã chủ đề phải cách nhau bằng dấu phẩy, trong ngoặc "
        "vuông: viết `topics: [hanh-chinh, bhyt]` — chủ đề này bị bỏ qua, mục vẫn được dùng"
    ]


def test_a_notice_with_an_expiry_typed_wrong_is_not_published_as_never_expiring() -> None:
    problems = notice_problems(
        "2026-11-21-hop.md", "---\ntitle: Họp\ndate: 2026-11-21\nexpires: 30/11/2026\n---\nB\n"
    )

    assert problems == [
        "content/2026-11-21-hop.md:4: dòng expires: ngày phải viết dạng 2026-11-30 "
        "(năm-tháng-ngày), không phải 30/11/2026 — thông báo này chưa được đăng"
    ]


@pytest.mark.parametrize(
    ("answer", "fix"),
    [
        ("answer: Sáng 7h30 đến 11h30.\n    Chiều 13h30 đến 17h.\n", "hãy viết `answer: |`, rồi "),
        ("answer: |\n    Sáng 7h30 đến 11h30.\n", ""),
    ],
)
def test_text_not_indented_under_its_key_is_not_told_to_lack_a_colon(answer: str, fix: str) -> None:
    problems = faq_problems(
        HEAD + f"  - id: gio\n    question: Mấy giờ?\n    {answer}    topics: [hanh-chinh]\n"
    )

    assert problems == [
        "faq.yaml:8: dòng này có vẻ là chữ của dòng answer: ở trên (dòng 7) mà chưa thụt lề sâu "
        f"hơn dòng đó: {fix}thụt lề mọi dòng chữ của nó thêm hai dấu cách — bot chưa đọc được "
        "cả tệp này"
    ]


@pytest.mark.parametrize(
    ("answer", "fix"),
    [
        # A wrapped line pasted against the left margin (a phone's or Word's wrap).
        ("answer: Sáng 7h30 đến 11h30.\nChiều 13h30 đến 17h.\n", "hãy viết `answer: |`, rồi "),
        ("answer: |\nSáng 7h30 đến 11h30.\n", ""),
        ("answer: |\n  Sáng 7h30 đến 11h30.\n", ""),
    ],
)
def test_text_left_of_its_key_is_told_the_indent_it_needs_not_a_colon(
    answer: str, fix: str
) -> None:
    """Not "viết `Chiều: 13h30 …`", which would make the text a key."""
    problems = faq_problems(
        HEAD + f"  - id: gio\n    question: Mấy giờ?\n    {answer}    topics: [hanh-chinh]\n"
    )

    assert problems == [
        "faq.yaml:8: dòng này có vẻ là chữ của dòng answer: ở trên (dòng 7) mà chưa thụt lề sâu "
        f"hơn dòng đó: {fix}thụt lề mọi dòng chữ của nó 6 dấu cách, nhiều hơn dòng answer: hai "
        "dấu cách — bot chưa đọc được cả tệp này"
    ]


@pytest.mark.parametrize(
    "below",
    [
        "      - Tờ khai CT01\n      - CCCD\n",
        "    - Tờ khai CT01\n    - CCCD\n",
        "      Tờ khai CT01.\n",
    ],
)
def test_an_answer_opening_a_list_with_a_colon_is_told_to_be_a_block(below: str) -> None:
    """ "answer: Hồ sơ gồm:" above its list: quoting that line alone would leave the list
    unread, so the fix is the block, the colon's line its first line."""
    problems = faq_problems(
        HEAD + f"  - id: ho-so\n    question: Hồ sơ?\n    answer: Hồ sơ gồm:\n{below}"
        "    topics: [hanh-chinh]\n"
    )

    assert problems == [
        "faq.yaml:7: chữ của dòng answer: kết thúc bằng dấu hai chấm và còn tiếp ở các dòng "
        "dưới, nên bot hiểu nhầm dấu hai chấm đó: hãy viết `answer: |` rồi xuống dòng, viết "
        "`Hồ sơ gồm:` và các dòng dưới nó, mọi dòng thụt lề 6 dấu cách — bot chưa đọc được cả "
        "tệp này"
    ]


def test_an_answer_ending_in_a_colon_alone_is_still_told_to_be_quoted() -> None:
    problems = faq_problems(
        HEAD + "  - id: ho-so\n    question: Hồ sơ?\n    answer: Hồ sơ gồm:\n"
        "    topics: [hanh-chinh]\n"
    )

    assert problems == [
        "faq.yaml:7: chữ có dấu hai chấm và dấu cách (': ') ở giữa phải đặt trong ngoặc kép, "
        'viết `answer: "Hồ sơ gồm:"` — bot chưa đọc được cả tệp này'
    ]


def test_a_notice_named_md_twice_is_told_its_name_with_md_once() -> None:
    """An editor that adds .md to a name typed with it (Windows hides extensions)."""
    problems = notice_problems(
        "2026-11-21-hop.md.md", "---\ntitle: Họp\ndate: 2026-11-21\n---\nB\n"
    )

    assert problems == [
        "content/2026-11-21-hop.md.md:1: tên tệp phải có dạng năm-tháng-ngày-tên-ngắn.md, chỉ "
        "dùng chữ thường không dấu, số và dấu '-' — thông báo này chưa được đăng; đổi tên thành "
        "2026-11-21-hop.md"
    ]


@pytest.mark.parametrize("name", ["30-11-2026-hop-to.md", "30.11.2026 Họp tổ.md"])
def test_a_notice_named_with_its_date_day_first_is_told_the_name_year_first(name: str) -> None:
    problems = notice_problems(name, "---\ntitle: Họp\ndate: 2026-11-30\n---\nB\n")

    assert problems == [
        f"content/{name}:1: tên tệp phải có dạng năm-tháng-ngày-tên-ngắn.md, chỉ dùng chữ "
        "thường không dấu, số và dấu '-' — thông báo này chưa được đăng; đổi tên thành "
        "2026-11-30-hop-to.md"
    ]


@pytest.mark.parametrize(
    ("name", "front", "meant"),
    [
        # Named as the title is said: its own date and its name, accents folded.
        ("Thông báo tuyển quân.md", "date: 2026-11-29", "2026-11-29-thong-bao-tuyen-quan.md"),
        # Only a date: the title's first words make the short name.
        ("2026-11-28.md", "date: 28/11/2026", "2026-11-28-lich-tiem-chung-cho-tre-duoi.md"),
        # Its date: line left empty or yearless: the date its name was typed with.
        ("29-11-2026.md", "date:", "2026-11-29-lich-tiem-chung-cho-tre-duoi.md"),
        ("2026.11.29.md", "date: 29/11", "2026-11-29-lich-tiem-chung-cho-tre-duoi.md"),
    ],
)
def test_a_notice_named_without_its_date_is_told_the_name_its_own_date_gives(
    name: str, front: str, meant: str
) -> None:
    """Not a name of some other notice to copy ("2026-11-25-hop-to-dan.md"), which staff
    would rename theirs to, dated a day it is not."""
    text = f"---\ntitle: Lịch tiêm chủng cho trẻ dưới 5 tuổi tháng 12\n{front}\n---\nB\n"
    problems = notice_problems(name, text)

    assert problems == [
        f"content/{name}:1: tên tệp phải có dạng năm-tháng-ngày-tên-ngắn.md, chỉ dùng chữ "
        "thường không dấu, số và dấu '-' — thông báo này chưa được đăng; đổi tên thành "
        f"{meant}"
    ]


def test_a_notice_named_without_a_date_and_with_none_readable_is_told_how_to_write_it() -> None:
    problems = notice_problems("Họp tổ dân phố.md", "---\ntitle: Họp\n---\nB\n")

    assert problems == [
        "content/Họp tổ dân phố.md:1: tên tệp phải có dạng năm-tháng-ngày-tên-ngắn.md, chỉ "
        "dùng chữ thường không dấu, số và dấu '-' — thông báo này chưa được đăng; đổi tên "
        "thành NGÀY-hop-to-dan-pho.md, với NGÀY là ngày đăng viết dạng năm-tháng-ngày, ví dụ "
        "2026-11-25"
    ]


def test_entries_and_notices_tagged_with_a_topic_skipped_for_its_id_are_told_why() -> None:
    """`id: đất đai` typed as the topic's name: the topic is skipped at its line, and an
    entry or a notice tagged with it was told the topic is not in topics:, where staff
    can see it is; they are told its id at that line is what keeps it off."""
    Path("faq.yaml").write_text(
        "topics:\n  - id: đất đai\n    name: Đất đai\n  - id: cu-tru\n    name: Cư trú\n"
        "  - id: ho-tich\nfaq:\n  - id: so-do\n    question: Làm sổ đỏ ở đâu?\n"
        "    answer: Nộp hồ sơ ở bộ phận một cửa.\n    topics: [đất đai, cu-tru]\n"
        "  - id: khai-sinh\n    question: Khai sinh cần gì?\n    answer: Giấy chứng sinh.\n"
        "    topics: [ho-tich]\n",
        encoding="utf-8",
    )
    Path("content", "2026-11-20-do-dac.md").write_text(
        "---\ntitle: Lịch đo đạc\ndate: 2026-11-20\ntopics: [Đất đai]\n---\nThứ hai.\n",
        encoding="utf-8",
    )
    corpus, problems = load_corpus(Path("faq.yaml"), Path("content"))

    unread = "nên chủ đề đó chưa được nạp, chưa gắn vào đây được cho tới khi sửa xong"
    assert [str(p) for p in problems if "dòng topics:" in p.message] == [
        "faq.yaml:11: mục 'so-do': dòng topics: mã (id) của chủ đề 'đất đai' ở dòng 2 của "
        f"faq.yaml chưa hợp lệ {unread} — chủ đề này bị bỏ qua, mục vẫn được dùng",
        "faq.yaml:15: mục 'khai-sinh': dòng topics: chủ đề 'ho-tich' ở dòng 6 của faq.yaml có lỗi "
        f"(xem lỗi ở dòng đó) {unread} — chủ đề này bị bỏ qua, mục vẫn được dùng",
        "content/2026-11-20-do-dac.md:4: dòng topics: mã (id) của chủ đề 'Đất đai' ở dòng 2 "
        f"của faq.yaml chưa hợp lệ {unread} — chủ đề này bị bỏ qua, thông báo vẫn được đăng",
    ]
    assert [(e.id, e.topics) for e in corpus.faq] == [("so-do", ("cu-tru",)), ("khai-sinh", ())]


def test_a_wide_colon_is_named_not_doubled() -> None:
    problems = faq_problems(
        HEAD + "  - id: gio\n    question: Mấy giờ?\n    answer： Sáng.\n    topics: []\n"
    )

    assert problems == [
        "faq.yaml:7: dấu hai chấm '：' ở dòng này không phải dấu ':' thường: viết "
        "`answer: Sáng.` — bot chưa đọc được cả tệp này"
    ]


@pytest.mark.parametrize(
    "variants", ["[giờ làm việc: mấy giờ, giờ mở cửa]", "\n      - giờ làm việc: mấy giờ"]
)
def test_a_variant_with_a_colon_is_told_to_be_quoted(variants: str) -> None:
    problems = faq_problems(
        HEAD + f"  - id: gio\n    question: Mấy giờ?\n    variants: {variants}\n    answer: Sáng.\n"
    )

    assert [p.split(": ", 1)[1] for p in problems] == [
        "mục 'gio': dòng variants: có dấu hai chấm và dấu cách (': ') nên bị hiểu sai: hãy đặt "
        'trong ngoặc kép, viết "giờ làm việc: mấy giờ" — chỉ bỏ qua dòng variants:, mục vẫn '
        "được dùng"
    ]


@pytest.mark.parametrize(
    ("topics", "said"),
    [
        (
            "[hanh-chinh], [bhyt]",
            "danh sách của dòng topics: nằm trong một cặp ngoặc vuông, các mục cách nhau bằng "
            "dấu phẩy: viết `topics: [hanh-chinh, bhyt]`",
        ),
        (
            "[hanh-chinh, bhyt",
            "ngoặc vuông [ mở ở dòng này chưa được đóng: viết `topics: [hanh-chinh, bhyt]`",
        ),
    ],
)
def test_a_list_in_brackets_typed_wrong_is_shown_as_one_list(topics: str, said: str) -> None:
    problems = faq_problems(
        HEAD + f"  - id: gio\n    question: Mấy giờ?\n    answer: Sáng.\n    topics: {topics}\n"
        "  - id: tiep\n    question: Tiếp dân?\n    answer: Thứ Năm.\n"
    )

    assert problems == [f"faq.yaml:8: {said} — bot chưa đọc được cả tệp này"]


def test_two_entries_run_together_are_told_to_be_parted_by_a_dash() -> None:
    """A new entry typed under the last one without its '- ': one block with every key
    twice. Deleting one of each pair, as told before, would lose an entry for good."""
    problems = faq_problems(
        HEAD + "  - id: gio\n    question: Mấy giờ?\n    answer: Sáng.\n"
        "    id: tiep\n    question: Tiếp dân?\n    answer: Thứ Năm.\n"
    )

    assert problems == [
        "faq.yaml:8: dòng id: thứ hai trong cùng một mục (mục bắt đầu ở dòng 5): nếu đây là "
        "một mục mới, hãy thêm '- ' trước id:, viết `- id: tiep` thẳng hàng với dấu '-' ở "
        "trên — cả hai mục này bị bỏ qua"
    ]


GIO_TIEP = (
    HEAD + "  - id: gio\n    question: Mấy giờ?\n    answer: Sáng.\n"
    "  - id: tiep\n    question: Tiếp dân?\n    answer: Thứ Năm.\n"
)


@pytest.mark.parametrize(
    ("served", "said"),
    [
        (
            GIO_TIEP,
            "bản sửa này của hai mục chưa được dùng; bot vẫn dùng bản trước đó của các mục "
            "'gio', 'tiep' cho tới khi sửa xong",
        ),
        (
            GIO_TIEP.split("  - id: tiep")[0],  # 'tiep' is the new entry being typed
            "mục 'tiep' chưa được dùng; bot vẫn dùng bản trước đó của mục 'gio' cho tới khi "
            "sửa xong",
        ),
    ],
)
def test_entries_run_together_keep_serving_as_they_last_read(served: str, said: str) -> None:
    """A '- ' lost before an entry's id (a phone's editor, a paste) must not take the
    answers residents were getting away, the entry above the mistake's included."""
    Path("faq.yaml").write_text(served, encoding="utf-8")
    serving = load_faq(Path("faq.yaml"))
    Path("faq.yaml").write_text(
        GIO_TIEP.replace("  - id: tiep", "    id: tiep").replace("Sáng.", "Sáng 7h30."),
        encoding="utf-8",
    )

    faq = load_faq(Path("faq.yaml"), serving)

    assert [(e.id, e.answer) for e in faq.faq] == [(e.id, e.answer) for e in serving.faq], (
        "each entry served keeps its last answer"
    )
    assert faq.broken == {"gio", "tiep"} and faq.kept == {e.id for e in serving.faq}
    assert [str(p) for p in faq.problems] == [
        "faq.yaml:8: dòng id: thứ hai trong cùng một mục (mục bắt đầu ở dòng 5): nếu đây là "
        "một mục mới, hãy thêm '- ' trước id:, viết `- id: tiep` thẳng hàng với dấu '-' ở "
        f"trên — {said}"
    ]


LE_PHI = "  - id: le-phi\n    question: Lệ phí?\n    answer: Miễn phí.\n"


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        # Three run together: not "hai mục", and each named once.
        (
            GIO_TIEP.replace("  - id: tiep", "    id: tiep") + LE_PHI.replace("  - id", "    id"),
            "bản sửa này của 3 mục chưa được dùng; bot vẫn dùng bản trước đó của các mục "
            "'gio', 'tiep', 'le-phi' cho tới khi sửa xong",
        ),
        # One entry's id typed again below it: one entry, not "các mục 'gio', 'gio'".
        (
            GIO_TIEP + LE_PHI.replace("  - id: le-phi", "  - id: le-phi\n    id: le-phi"),
            "bản sửa này chưa được dùng; bot vẫn dùng bản trước đó của mục 'le-phi' cho tới "
            "khi sửa xong",
        ),
    ],
)
def test_entries_run_together_say_what_keeps_serving_as_many_as_they_are(
    typed: str, said: str
) -> None:
    Path("faq.yaml").write_text(GIO_TIEP + LE_PHI, encoding="utf-8")
    serving = load_faq(Path("faq.yaml"))
    Path("faq.yaml").write_text(typed, encoding="utf-8")

    faq = load_faq(Path("faq.yaml"), serving)

    assert {e.id for e in faq.faq} == {"gio", "tiep", "le-phi"}
    assert faq.problems and all(str(p).endswith(f" — {said}") for p in faq.problems)


def test_a_file_that_stops_mid_line_is_told_as_maybe_saved_half_way() -> None:
    text = HEAD + "  - id: gio\n    question: Mấy giờ?\n    answer: Sáng.\n  - id: tiep\n    quest"

    assert faq_problems(text) == [
        "faq.yaml:9: tệp dừng ở giữa dòng này (`quest`): có thể tệp đang được lưu hay tải lên "
        "chưa xong; nếu không, dòng này thiếu dấu hai chấm hoặc bị cắt mất phần sau — bot "
        "chưa đọc được cả tệp này"
    ]


def test_text_begun_with_a_hash_is_told_to_be_quoted_not_called_empty() -> None:
    problems = faq_problems(HEAD + "  - id: gio\n    question: Mấy giờ?\n    answer: #1 một cửa\n")

    assert problems == [
        "faq.yaml:7: mục 'gio': dòng answer: chữ bắt đầu bằng '#' bị hiểu là ghi chú nên dòng "
        'như còn trống: hãy đặt trong ngoặc kép, viết `answer: "#1 một cửa"` — cả mục này bị '
        "bỏ qua"
    ]
    # A line left empty on purpose, with a note after it, is no such text.
    assert (
        faq_problems(
            HEAD
            + "  - id: gio\n    question: Mấy giờ?\n    variants:  # thêm sau\n    answer: Sáng.\n"
        )
        == []
    )


@pytest.mark.parametrize(
    ("entry", "said"),
    [
        (
            "    question:\n      - Mấy giờ?\n      - Giờ mở cửa?\n    answer: Sáng.\n",
            "dòng question: chỉ ghi một câu hỏi; các cách hỏi khác viết ở dòng variants: bên dưới",
        ),
        (
            "    question: Mấy giờ?\n    answer:\n      - Sáng 7h30.\n      - Chiều 13h30.\n",
            "dòng answer: câu trả lời viết thành danh sách '- ' phải nằm trong một khối: viết "
            "`answer: |` rồi các dòng '- ...' bên dưới, thụt lề sâu hơn dòng answer:",
        ),
    ],
)
def test_a_question_or_an_answer_written_as_a_list_is_told_how_to_write_it(
    entry: str, said: str
) -> None:
    problems = faq_problems(HEAD + "  - id: gio\n" + entry)

    assert [p.split(": ", 1)[1] for p in problems] == [f"mục 'gio': {said} — cả mục này bị bỏ qua"]


# --- control characters pasted from Word or Excel ------------------------------------------

CONTROL_WARNING = (
    "dòng này có {what} sau chữ '{word}', thường do dán "
    "từ Word hay Excel: bot đọc nó như một dấu cách — tệp vẫn được dùng; hãy xóa ký tự này "
    "(bấm Delete ngay sau chữ đó) rồi gõ dấu cách hay xuống dòng như ý muốn"
)


@pytest.mark.parametrize(
    ("pasted", "said"),
    [
        ("\v", "một dấu xuống dòng của Word (Shift+Enter)"),
        ("\f", "một dấu ngắt trang của Word"),
        ("\x07", "một ký tự điều khiển vô hình (mã U+0007)"),
    ],
)
def test_a_control_character_pasted_into_an_answer_is_read_as_a_space_and_told(
    pasted: str, said: str
) -> None:
    """A line break of Word's (Shift+Enter) pasted into an answer: YAML refuses it, and
    the whole faq.yaml was refused for a character staff cannot see. It is read as the
    space it stands for; staff are told where it is and that the file is used."""
    entry = (
        "  - id: gio\n    question: Mấy giờ làm việc?\n"
        f"    answer: Sáng 7:30 đến 11:30.{pasted}Chiều 13:30 đến 17:00.\n"
    )
    Path("faq.yaml").write_text(HEAD + entry, encoding="utf-8")
    faq = load_faq(Path("faq.yaml"))
    assert faq.ok_syntax
    assert [e.answer for e in faq.faq] == ["Sáng 7:30 đến 11:30. Chiều 13:30 đến 17:00."]
    told = CONTROL_WARNING.format(what=said, word="11:30.")
    assert [str(p) for p in faq.problems] == [f"faq.yaml:7: {told}"]


def test_a_word_line_break_at_the_start_of_a_notices_line_is_told_there() -> None:
    assert hop_problems("Kính gửi bà con.\n\vMang theo căn cước.\n") == [
        "content/2026-11-30-hop.md:6: dòng này có một dấu xuống dòng của Word (Shift+Enter) "
        "ở đầu dòng, thường do dán từ Word hay Excel: bot đọc nó như một dấu cách — tệp vẫn "
        "được dùng; hãy xóa ký tự này (bấm Delete ở đầu dòng) rồi gõ dấu cách hay xuống dòng "
        "như ý muốn"
    ]


def test_a_control_character_at_a_lines_end_changes_nothing_and_is_not_told() -> None:
    entry = "  - id: gio\n    question: Mấy giờ làm việc?\x0b\n    answer: Sáng.\x07\x07\n"
    assert faq_problems(HEAD + entry) == []


@pytest.mark.parametrize(
    ("line", "word"),
    [
        ("TM. UBND PHÖÔØNG 2", "PHÖÔØNG"),  # a signature: one word in the code
        ("Thoâng", "Thoâng"),
        ("- Hoä", "Hoä"),
    ],
)
def test_a_vni_word_alone_on_its_line_is_told_too(line: str, word: str) -> None:
    """The last line of a notice typed with a VNI font, its only line so typed: no second
    word on it to tell the code by, yet residents would read it garbled."""
    assert hop_problems(f"Kính gửi bà con khu phố.\n\n{line}\n") == [
        "content/2026-11-30-hop.md:7: dòng này có chữ gõ bằng bảng mã cũ VNI (phông "
        f"VNI-Times), như '{word}', người dân sẽ thấy chữ lỗi: {VNI_FIX} — thông báo này chưa "
        "được đăng"
    ]


def test_a_word_of_another_language_alone_on_its_line_is_not_taken_for_an_old_code() -> None:
    body = "Kính gửi bà con.\n\nÑandú\n\nPeña\n\ncol·legi\n\nMüller\n"
    assert hop_problems(body) == []


def test_check_tells_a_notice_saved_twice_under_two_names_and_counts_it_once() -> None:
    Path("faq.yaml").write_text(HEAD + "  - id: gio\n    question: Mấy giờ?\n    answer: Sáng.\n")
    text = "---\ntitle: Họp tổ dân phố\ndate: 2026-11-30\n---\nHọp lúc 19h.\n"
    Path("content", "2026-11-30-hop.md").write_text(text, encoding="utf-8")
    Path("content", "2026-11-30-hop-to-5.md").write_text(text, encoding="utf-8")
    os.utime(Path("content", "2026-11-30-hop.md"), (1_700_000_000, 1_700_000_000))

    corpus, problems = load_corpus(Path("faq.yaml"), Path("content"))

    assert [a.id for a in corpus.announcements] == ["2026-11-30-hop"]
    assert [str(p) for p in problems] == [
        "content/2026-11-30-hop-to-5.md:1: tệp này giống hệt thông báo 2026-11-30-hop.md (cùng "
        "tiêu đề, ngày và nội dung) — thông báo này chưa được đăng lần thứ hai; nếu là tệp thừa "
        "thì xóa đi (đã lưu thông báo với tên mới thì xóa tệp cũ, 2026-11-30-hop.md), còn nếu "
        "sẽ sửa tệp này thành một thông báo khác thì bot đăng ngay khi nội dung đã khác"
    ]
    # Another text under the same title and date (another neighbourhood's) is another notice.
    Path("content", "2026-11-30-hop-to-5.md").write_text(text + "Tổ 5.\n", encoding="utf-8")
    assert len(load_corpus(Path("faq.yaml"), Path("content"))[0].announcements) == 2


def test_a_notice_line_of_the_clerks_own_or_a_misspelt_topics_is_left_out_not_the_notice() -> None:
    text = (
        "---\ntitle: Họp tổ dân phố\ndate: 2026-11-30\ntopic: [hanh-chinh]\n"
        "người ký: Chủ tịch UBND\n---\nHọp lúc 19h.\n"
    )
    Path("content", "2026-11-30-hop.md").write_text(text, encoding="utf-8")

    notices, problems = load_content(Path("content"), TOPICS)

    assert [n.id for n in notices] == ["2026-11-30-hop"]
    assert [str(p) for p in problems] == [
        "content/2026-11-30-hop.md:4: 'topic' viết sai, có phải 'topics'? — dòng này bị bỏ qua, "
        "thông báo vẫn được đăng",
        "content/2026-11-30-hop.md:5: 'người ký' không phải tên dòng bot biết (chỉ có title, "
        "date, topics, source, expires, urgent) — dòng này bị bỏ qua, thông báo vẫn được đăng",
    ]
    # An expiry date misspelt is not left out: the notice would stay current for ever.
    Path("content", "2026-11-30-hop.md").write_text(
        text.replace("topic: [hanh-chinh]", "expire: 2026-12-05"), encoding="utf-8"
    )
    assert load_content(Path("content"), TOPICS)[0] == []


def test_a_backslash_in_double_quotes_yaml_refuses_is_told_with_the_ways_to_write_it() -> None:
    problems = faq_problems(
        HEAD + '  - id: ho-so\n    question: Nộp ở đâu?\n    answer: "Nộp tại C:\\hồ sơ"\n'
    )

    assert problems == [
        "faq.yaml:7: dòng này có `\\h`: trong ngoặc kép, dấu gạch chéo ngược \\ mở đầu một "
        "ký tự đặc biệt (như \\n là xuống dòng), nên bot không đọc được: hãy đặt chữ trong "
        "ngoặc đơn, viết `answer: 'Nộp tại C:\\hồ sơ'`; hoặc viết dấu \\ hai lần, "
        '`answer: "Nộp tại C:\\\\hồ sơ"`; hoặc bỏ ngoặc kép, `answer: Nộp tại C:\\hồ sơ` '
        "— bot chưa đọc được cả tệp này"
    ]


def test_each_way_told_for_a_refused_backslash_reads_back_as_typed(tmp_path: Path) -> None:
    answer = "Mẫu tại D:\\Mau\\to-khai.doc"
    said = faq_problems(HEAD + f'  - id: mau\n    question: Mẫu ở đâu?\n    answer: "{answer}"\n')
    ways = [w for w in said[0].split("`") if w.startswith("answer: ")]

    assert len(ways) == 3
    for way in ways:
        loaded = load_faq_text(tmp_path, HEAD + f"  - id: mau\n    question: Mẫu?\n    {way}\n")
        assert [e.answer for e in loaded.faq] == [answer]


def load_faq_text(folder: Path, text: str) -> FaqFile:
    path = folder / "other.yaml"
    path.write_text(text, encoding="utf-8")
    return load_faq(path)


def test_a_backslash_read_as_an_unseen_sign_is_told_and_the_text_kept_as_typed() -> None:
    Path("faq.yaml").write_text(
        HEAD + '  - id: mau\n    question: Mẫu ở đâu?\n    answer: "C:\\thu muc\\bieu mau"\n',
        encoding="utf-8",
    )
    faq = load_faq(Path("faq.yaml"))

    assert [e.answer for e in faq.faq] == ["C:\\thu muc\\bieu mau"]
    assert [str(p) for p in faq.problems] == [
        "faq.yaml:7: mục 'mau': dòng answer: có `\\t`, `\\b`: trong ngoặc kép, dấu gạch chéo "
        "ngược \\ mở đầu một ký tự đặc biệt (như \\n là xuống dòng), ở đây là ký tự người dân "
        "không thấy; hãy đặt chữ trong ngoặc đơn, viết `'C:\\thu muc\\bieu mau'`; hoặc viết "
        'dấu \\ hai lần, `"C:\\\\thu muc\\\\bieu mau"`; hoặc bỏ ngoặc kép, '
        "`C:\\thu muc\\bieu mau` — tạm đọc mỗi dấu \\ như đã gõ, mục vẫn được dùng"
    ]


def test_a_tab_or_line_break_written_with_a_backslash_alone_is_read_silently() -> None:
    Path("faq.yaml").write_text(
        HEAD + '  - id: gio\n    question: Mấy giờ?\n    answer: "Sáng\\t7h30\\nChiều 13h30"\n',
        encoding="utf-8",
    )
    faq = load_faq(Path("faq.yaml"))

    assert faq.problems == []
    assert [e.answer for e in faq.faq] == ["Sáng\t7h30\nChiều 13h30"]


def test_a_paragraph_break_and_a_tab_typed_in_a_text_with_an_unseen_sign_stay_as_typed() -> None:
    """Text in double quotes over several lines, a blank line between two paragraphs and
    a Tab typed as itself, with a "\\b" slip: kept as typed means the paragraphs and the
    Tab as staff typed them, not a "\\n" and a "\\t" shown to residents; staff are told of
    the `\\b` they typed alone."""
    Path("faq.yaml").write_text(
        HEAD + "  - id: mau\n    question: Mẫu ở đâu?\n"
        '    answer: "Tải mẫu ở C:\\bieu mau.\n\n      Nộp tại\tbộ phận một cửa."\n',
        encoding="utf-8",
    )
    faq = load_faq(Path("faq.yaml"))

    assert [e.answer for e in faq.faq] == ["Tải mẫu ở C:\\bieu mau.\nNộp tại\tbộ phận một cửa."]
    assert [str(p) for p in faq.problems] == [
        "faq.yaml:7: mục 'mau': dòng answer: có `\\b`: trong ngoặc kép, dấu gạch chéo "
        "ngược \\ mở đầu một ký tự đặc biệt (như \\n là xuống dòng), ở đây là ký tự người dân "
        "không thấy; hãy đặt chữ trong ngoặc đơn ' ' thay cho ngoặc kép, hoặc viết dấu \\ "
        "hai lần (\\\\), hoặc bỏ ngoặc kép — tạm đọc mỗi dấu \\ như đã gõ, mục vẫn được dùng"
    ]


def test_a_line_left_out_of_an_entry_skipped_for_its_id_asks_to_be_fixed_too() -> None:
    """A copied entry keeps the id of the one it was copied from: it is skipped, so a line
    of it left out is not said left out of an entry still used; the same line in the entry
    kept is."""
    line = "    topic: [hanh-chinh]\n"
    problems = faq_problems(
        HEAD
        + f"  - id: cu-tru\n    question: Đăng ký tạm trú?\n    answer: Ở công an phường.\n{line}"
        + f"  - id: cu-tru\n    question: Đăng ký thường trú?\n    answer: Cũng vậy.\n{line}"
    )
    kept, doubled, copy = problems
    assert kept.startswith("faq.yaml:8: ") and kept.endswith(", mục vẫn được dùng"), problems
    assert doubled.startswith("faq.yaml:9: mã (id) 'cu-tru' đã dùng cho mục ở dòng 5"), problems
    assert copy == (
        "faq.yaml:12: mục 'cu-tru': 'topic' viết sai, có phải 'topics'? — dòng này bị bỏ qua; "
        "hãy sửa cả dòng này"
    )


def test_a_topic_skipped_for_its_id_does_not_say_a_line_of_it_still_used() -> None:
    problems = faq_problems(
        "topics:\n  - id: y-te\n    name: Y tế\n"
        "  - id: y-te\n    name: Tiêm chủng\n    keyword: [tiêm]\nfaq:\n"
    )
    assert problems[-1] == (
        "faq.yaml:6: chủ đề 'y-te': 'keyword' viết sai, có phải 'keywords'? — dòng này bị bỏ "
        "qua; hãy sửa cả dòng này"
    ), problems


ANSWER_ON_TWO_LINES = (
    "  - id: gio\n    question: Mấy giờ làm việc?\n"
    "    answer: Sáng từ 7h30 đến 11h30.\n      Chiều từ 13h30 đến 17h.\n"
)


def test_an_answer_typed_on_two_lines_without_a_bar_is_told_joined_and_still_used() -> None:
    Path("faq.yaml").write_text(HEAD + ANSWER_ON_TWO_LINES, encoding="utf-8")
    loaded = load_faq(Path("faq.yaml"))
    assert [e.answer for e in loaded.faq] == ["Sáng từ 7h30 đến 11h30. Chiều từ 13h30 đến 17h."]
    assert [str(p) for p in loaded.problems] == [
        "faq.yaml:7: mục 'gio': dòng answer: câu trả lời viết trên nhiều dòng mà không có "
        "`answer: |`, nên người dân thấy các dòng liền nhau nối thành một dòng; muốn giữ xuống "
        "dòng như đã gõ, hãy viết `answer: |` rồi các dòng bên dưới, thụt lề sâu hơn dòng "
        "answer:; muốn nối thành một đoạn như bây giờ thì viết `answer: >` rồi các dòng đó "
        "bên dưới — tạm nối các dòng, mục vẫn được dùng"
    ]
    # Meant as one paragraph, said so as told: the same answer, nothing more to fix.
    folded = ANSWER_ON_TWO_LINES.replace("answer: Sáng", "answer: >\n      Sáng")
    Path("faq.yaml").write_text(HEAD + folded, encoding="utf-8")
    loaded = load_faq(Path("faq.yaml"))
    assert [e.answer for e in loaded.faq] == ["Sáng từ 7h30 đến 11h30. Chiều từ 13h30 đến 17h."]
    assert loaded.problems == []


@pytest.mark.parametrize(
    "answer",
    [
        "|\n      Sáng từ 7h30 đến 11h30.\n      Chiều từ 13h30 đến 17h.",
        '"Sáng từ 7h30 đến 11h30.\n      Chiều từ 13h30 đến 17h."',
        "'Sáng từ 7h30 đến 11h30.\n      Chiều từ 13h30 đến 17h.'",
        "Sáng từ 7h30 đến 11h30.\n\n      Chiều từ 13h30 đến 17h.",  # a blank line keeps a break
        "Sáng từ 7h30 đến 11h30, chiều từ 13h30 đến 17h.",
    ],
)
def test_an_answer_whose_lines_are_not_joined_unseen_is_not_told_of(answer: str) -> None:
    assert faq_problems(HEAD + f"  - id: gio\n    question: Mấy giờ?\n    answer: {answer}\n") == []


# One paragraph, in words of our own, to be wrapped as an editor wraps it.
LONG_ANSWER = (
    "Người dân mang căn cước đến bộ phận một cửa của phường vào giờ hành chính để nộp hồ sơ "
    "xin xác nhận, cán bộ tiếp nhận kiểm tra giấy tờ và hẹn ngày trả kết quả trong vòng ba "
    "ngày làm việc, hoặc nộp trực tuyến trên Cổng dịch vụ công quốc gia."
)


def wrapped(text: str, width: int, first: str, rest: str) -> str:
    """`text` broken into lines as an editor wraps it at `width` columns."""
    return "\n".join(textwrap.wrap(text, width, initial_indent=first, subsequent_indent=rest))


@pytest.mark.parametrize(
    "answer",
    [
        wrapped(LONG_ANSWER, 80, "    answer: ", "      "),  # "Wrap at column 80"
        "    answer:\n" + wrapped(LONG_ANSWER, 72, "      ", "      "),  # on the lines below
        "    answer: " + "\n      ".join(textwrap.wrap(LONG_ANSWER, 60)),  # pasted wrapped
    ],
)
def test_a_long_answer_an_editor_wrapped_is_read_as_the_paragraph_it_is_untold(
    answer: str,
) -> None:
    """The lines an editor wrapped a long answer into are one paragraph: joined as YAML
    joins them, which is what staff meant, so `check` has nothing to say of them."""
    Path("faq.yaml").write_text(
        HEAD + f"  - id: xac-nhan\n    question: Xin xác nhận ở đâu?\n{answer}\n", encoding="utf-8"
    )
    loaded = load_faq(Path("faq.yaml"))
    assert [e.answer for e in loaded.faq] == [LONG_ANSWER]
    assert loaded.problems == []


@pytest.mark.parametrize(
    "lines",
    [
        # a break where the next word would have fit: typed so
        "Người dân mang căn cước đến bộ phận một cửa của phường.\n"
        "      Cán bộ tiếp nhận kiểm tra giấy tờ và hẹn ngày trả kết quả trong vòng ba ngày.",
        # a long line, then an item of a list: typed to be seen apart
        "Người dân mang theo các giấy tờ sau đến bộ phận một cửa của phường\n"
        "      - căn cước hoặc giấy tờ tùy thân còn hạn có ảnh của người nộp hồ sơ",
        "Người dân làm theo các bước sau trên ứng dụng định danh điện tử VNeID\n"
        "      1) đăng nhập, chọn mục thủ tục hành chính rồi chọn việc cần làm",
    ],
)
def test_lines_of_an_answer_typed_apart_are_told_joined_long_as_they_are(lines: str) -> None:
    problems = faq_problems(
        HEAD + f"  - id: giay-to\n    question: Giấy tờ?\n    answer: {lines}\n"
    )
    assert len(problems) == 1 and "`answer: |`" in problems[0], problems


def test_a_line_left_out_of_a_notice_another_mistake_holds_back_is_not_said_published() -> None:
    """A mistyped `topic:` alone leaves only its line out and the notice is published; with
    a date that is no day as well, the notice is not: staff are not told both that it is
    and that it is not published, but to fix that line too."""
    alone = notice_problems(
        "2026-11-30-tiem.md", "---\ntitle: Tiêm chủng\ndate: 2026-11-30\ntopic: [y-te]\n---\nX.\n"
    )
    assert alone[0].endswith("dòng này bị bỏ qua, thông báo vẫn được đăng"), alone
    both = notice_problems(
        "2026-11-30-tiem.md", "---\ntitle: Tiêm chủng\ndate: 31/11/2026\ntopic: [y-te]\n---\nX.\n"
    )
    assert len(both) == 2, both
    assert both[0].endswith("thông báo này chưa được đăng"), both
    assert both[1] == (
        "content/2026-11-30-tiem.md:4: 'topic' viết sai, có phải 'topics'? — dòng này bị bỏ "
        "qua; hãy sửa cả dòng này"
    )
    # Held back by no line of its front matter: no text under it.
    empty = notice_problems(
        "2026-11-30-tiem.md", "---\ntitle: Tiêm chủng\ndate: 2026-11-30\ntopic: [y-te]\n---\n"
    )
    assert [p.rpartition(" — ")[2] for p in empty] == [
        "dòng này bị bỏ qua; hãy sửa cả dòng này",
        "thông báo này chưa được đăng",
    ], empty


def test_a_line_left_out_of_an_entry_a_missing_answer_skips_is_not_said_used() -> None:
    problems = faq_problems(
        HEAD + "  - id: cu-tru\n    question: Q?\n    variants: a, b\n    anwser: A.\n"
    )
    assert not any("mục vẫn được dùng" in p for p in problems), problems
    assert problems[0].endswith("bot tạm hiểu là 2 cách hỏi; hãy sửa cả dòng này"), problems
    assert problems[1].endswith("cả mục này bị bỏ qua vì thiếu câu trả lời"), problems


@pytest.mark.parametrize(
    "bare",
    [
        "  id: ket-hon\n",  # under the dashes of the entries above
        "\n  id: ket-hon\n",  # after the blank line that parts entries
        "id: ket-hon\n",  # against the left margin
    ],
)
def test_an_entry_typed_without_its_dash_is_told_to_add_it_not_to_indent_or_quote(
    bare: str,
) -> None:
    """YAML reads such a line as the end of the list, then blames the indent, or asks for
    quotes around the next line's text: advice that a clerk follows into a second mistake."""
    entries = (
        GIO
        + "    answer: Sáng.\n"
        + bare
        + ("    question: Đăng ký kết hôn cần gì?\n    answer: Hai bên cùng đến.\n")
    )

    problems = faq_problems(HEAD + entries)

    line = 9 if bare.startswith("\n") else 8
    assert problems == [
        f"faq.yaml:{line}: dòng id: này thiếu '- ' ở đầu nên bot không biết đây là một mục "
        "mới: hãy thêm '- ' trước id:, viết `- id: ket-hon` với dấu '-' thẳng hàng với dấu "
        "'-' của mục ở trên (dòng 5), các dòng còn lại của mục giữ nguyên — bot chưa đọc "
        "được cả tệp này"
    ]
    fixed = HEAD + entries.replace("id: ket-hon", "- id: ket-hon").replace("\n- id", "\n  - id")
    assert faq_problems(fixed) == []


@pytest.mark.parametrize(
    "typed",
    [
        "faq:\n  id: ket-hon\n    question: Kết hôn cần gì?\n    answer: CCCD.\n",
        # its other lines at its depth: a new entry added on top, typed as the next one reads
        "faq: # các mục\n  id: ket-hon\n  question: Kết hôn cần gì?\n  answer: CCCD.\n",
    ],
)
def test_the_first_entry_typed_without_its_dash_is_told_to_add_it_not_to_indent(
    typed: str,
) -> None:
    """YAML reads a section's first lines without a '-' as keys of the section itself,
    then blames the next lines' indent, or takes the next entry's '- id:' for text of the
    answer above it: advice that a clerk follows into a second mistake."""
    topics = "topics:\n  - id: ho-tich\n    name: Hộ tịch\n"
    others = GIO + "    answer: Sáng.\n"

    problems = faq_problems(topics + typed + others)

    assert problems == [
        "faq.yaml:5: dòng id: này thiếu '- ' ở đầu nên bot không biết đây là một mục mới: "
        "hãy thêm '- ' trước id:, viết `- id: ket-hon` (dấu '-' ở chỗ chữ id đang đứng), rồi "
        "thụt lề các dòng còn lại của mục cho thẳng hàng với chữ id — bot chưa đọc được cả "
        "tệp này"
    ]
    # as told: the dash where id was, the other lines under the id
    fixed = typed.replace("  id:", "  - id:").replace("\n  question", "\n    question")
    fixed = fixed.replace("\n  answer", "\n    answer")
    assert faq_problems(topics + fixed + others) == []


@pytest.mark.parametrize("saved_as", ["faq.yaml.txt", "FAQ.YAML", "faq.yml"])
def test_a_missing_faq_yaml_saved_under_another_name_is_told_to_be_renamed(
    saved_as: str,
) -> None:
    """Notepad saves "faq.yaml" as faq.yaml.txt and Windows hides the .txt: "file not
    found" beside a file that looks just like it leaves a clerk with nothing to try."""
    Path(saved_as).write_text(HEAD + GIO + "    answer: Sáng.\n", encoding="utf-8")

    problems = [str(p) for p in load_faq(Path("faq.yaml")).problems]

    hidden = " (Windows có thể đang ẩn đuôi .txt của tệp)" if saved_as.endswith(".txt") else ""
    assert problems == [
        f"faq.yaml:1: không tìm thấy tệp faq.yaml, nhưng cùng thư mục có tệp {saved_as}: hãy "
        f"đổi tên tệp đó thành faq.yaml{hidden} — bot chưa đọc được cả tệp này"
    ]
    Path(saved_as).rename("faq.yaml")
    assert [str(p) for p in load_faq(Path("faq.yaml")).problems] == []


def test_a_missing_faq_yaml_with_no_copy_beside_it_is_said_not_found() -> None:
    Path("faq-cu.yaml").write_text(HEAD, encoding="utf-8")  # another file: no guess

    assert [str(p) for p in load_faq(Path("faq.yaml")).problems] == [
        "faq.yaml:1: không tìm thấy tệp — bot chưa đọc được cả tệp này"
    ]


def test_a_long_line_retyped_in_a_hint_says_what_its_ellipsis_stands_for() -> None:
    """The line to write is shortened in the middle when long: copied in as shown, the
    answer residents read would lose its middle words, with no problem reported."""
    answer = "Nộp tại bộ phận một cửa của xã. Lưu ý: mang theo căn cước và giấy tờ nhà đất."

    problems = faq_problems(HEAD + GIO + f"    answer: {answer}\n")

    assert problems == [
        "faq.yaml:7: chữ có dấu hai chấm và dấu cách (': ') ở giữa phải đặt trong ngoặc kép, "
        'viết `answer: "Nộp tại bộ phận một cửa của … nhà đất."` (chỗ … là phần chữ ở '
        "giữa đang có trên dòng, giữ nguyên) — bot chưa đọc được cả tệp này"
    ]
    # A short line is shown whole, with nothing to explain.
    assert faq_problems(HEAD + GIO + "    answer: Lưu ý: mang căn cước.\n") == [
        "faq.yaml:7: chữ có dấu hai chấm và dấu cách (': ') ở giữa phải đặt trong ngoặc kép, "
        'viết `answer: "Lưu ý: mang căn cước."` — bot chưa đọc được cả tệp này'
    ]
