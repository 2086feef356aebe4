"""Loading faq.yaml and content/: what loads, and the exact `file:line` of every problem."""

from __future__ import annotations

import datetime as dt
import os
import unicodedata
from pathlib import Path

import pytest

from wardbot.faq_file import load_faq
from wardbot.loader import load_corpus
from wardbot.models import Problem, Topic
from wardbot.notices import load_announcement, load_content
from wardbot.topic_tags import notice_topics, tag_topics


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work in tmp_path so problems read `faq.yaml:7: ...`, as staff see them."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "content").mkdir()
    return tmp_path


def write(name: str, text: str | bytes) -> Path:
    path = Path(name)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def report(problems: list[Problem]) -> list[str]:
    return [str(p) for p in problems]


# Lines 1-10; a test's own entry starts at line 11.
FAQ_HEAD = """\
topics:
  - id: bhyt
    name: Bảo hiểm y tế
    keywords: [bhyt, thẻ bhyt]
  - id: cu-tru
    name: Cư trú
faq:
  - id: good
    question: Hỏi gì?
    answer: Trả lời.
"""

TOPICS = [
    Topic("bhyt", "Bảo hiểm y tế", ("bảo hiểm y tế", "bhyt", "thẻ bhyt")),
    Topic("moi-truong", "Môi trường", ("rác", "vệ sinh môi trường")),
    Topic("hanh-chinh", "Hành chính", ("hđnd", "một cửa")),
    Topic("cu-tru", "Cư trú", ("ct07",)),
]


# ------------------------------------------------------------------- faq.yaml


def test_valid_faq_loads_every_field() -> None:
    path = write(
        "faq.yaml",
        FAQ_HEAD
        + """\
  - id: bhyt-gia-han
    question: "  Gia hạn thẻ BHYT ở đâu?  "
    variants:
      - gia hạn bhyt
      - no
      - 0123
    answer: |
      Dòng một.\x20\x20
      Dòng hai.

    topics: bhyt
    links: [https://example.gov.vn/a, http://example.vn]
synonyms:
  hk: [hộ khẩu]
  gks: giấy khai sinh
""",
    )
    faq = load_faq(path)
    assert faq.problems == []
    assert faq.ok_syntax
    assert [t.id for t in faq.topics] == ["bhyt", "cu-tru"]
    assert faq.topics[0].keywords == ("bhyt", "thẻ bhyt")
    assert faq.topics[1].keywords == ()
    good, entry = faq.faq
    assert (good.id, good.line, good.topics, good.variants) == ("good", 8, (), ())
    assert entry.id == "bhyt-gia-han"
    assert entry.line == 11
    assert entry.question == "Gia hạn thẻ BHYT ở đâu?"
    # Values are read as typed: YAML would have made these False and 83.
    assert entry.variants == ("gia hạn bhyt", "no", "0123")
    assert entry.answer == "Dòng một.\nDòng hai."  # trailing spaces and blank line gone
    assert entry.topics == ("bhyt",)
    assert entry.links == ("https://example.gov.vn/a", "http://example.vn")
    assert faq.synonyms == {"hk": ["hộ khẩu"], "gks": ["giấy khai sinh"]}


def test_faq_text_is_normalised_to_nfc_and_crlf_bom_files_keep_their_lines() -> None:
    decomposed = unicodedata.normalize("NFD", "Hỏi về thẻ?")
    text = FAQ_HEAD.replace("Hỏi gì?", decomposed) + "  - id: bad\n"
    path = write("faq.yaml", b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    faq = load_faq(path)
    assert faq.faq[0].question == "Hỏi về thẻ?"
    assert unicodedata.is_normalized("NFC", faq.faq[0].question)
    assert report(faq.problems) == [
        "faq.yaml:11: mục 'bad': thiếu dòng question: (câu hỏi) — cả mục này bị bỏ qua",
        "faq.yaml:11: mục 'bad': thiếu dòng answer: (câu trả lời) — cả mục này bị bỏ qua",
    ]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (FAQ_HEAD + "  - id: x\n    question: Thẻ: gia hạn?\n", 12, "phải đặt trong ngoặc kép"),
        (FAQ_HEAD + "  - id: x\n\tquestion: q\n", 12, "hãy thụt lề bằng 4 dấu cách"),
        ("topics: [bhyt\nfaq: []\n", 1, "ngoặc vuông [ mở ở dòng này chưa được đóng"),
        ("topics: []\nfaq: []\nx: a\ufffe\n", 3, "ký tự vô hình không dùng được (mã U+FFFE)"),
    ],
)
def test_faq_syntax_error_loads_nothing(text: str, line: int, message: str) -> None:
    faq = load_faq(write("faq.yaml", text))
    assert not faq.ok_syntax
    assert (faq.topics, faq.faq, faq.synonyms) == ([], [], {})
    [problem] = faq.problems
    assert (problem.file, problem.line) == ("faq.yaml", line)
    assert message in problem.message
    assert problem.message.endswith(" — bot chưa đọc được cả tệp này")


def test_missing_faq_file() -> None:
    faq = load_faq(Path("nowhere.yaml"))
    assert not faq.ok_syntax
    assert report(faq.problems) == [
        ("nowhere.yaml:1: không tìm thấy tệp — bot chưa đọc được cả tệp này")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "faq.yaml:1: tệp trống, chưa có nội dung — bot chưa đọc được cả tệp này"),
        (
            "# only a comment\n",
            ("faq.yaml:1: tệp trống, chưa có nội dung — bot chưa đọc được cả tệp này"),
        ),
        (
            "- id: a\n",
            (
                "faq.yaml:1: tệp phải có phần topics: và phần faq: (mỗi phần bắt đầu bằng một dòng "
                "sát lề trái) — bot chưa đọc được cả tệp này"
            ),
        ),
        (
            b"topics: []\nfaq:\n  - id: caf\xe9\n",
            (
                "faq.yaml:3: tệp không được lưu theo bảng mã UTF-8: hãy lưu lại với bảng mã "
                "UTF-8 (trong Notepad: Lưu thành, mục Encoding chọn UTF-8) — bot chưa đọc được "
                "cả tệp này"
            ),
        ),
    ],
)
def test_unusable_faq_file_keeps_the_last_good_version(text: str | bytes, expected: str) -> None:
    faq = load_faq(write("faq.yaml", text))
    assert not faq.ok_syntax
    assert report(faq.problems) == [expected]


def test_top_level_sections() -> None:
    faq = load_faq(write("faq.yaml", "topics: []\nfaqs: []\nsynonym: {}\n"))
    assert faq.ok_syntax
    assert report(faq.problems) == [
        (
            "faq.yaml:1: thiếu phần faq: (một dòng faq: sát lề trái, các mục viết bên dưới) — "
            "chưa có câu hỏi đáp nào được nạp từ tệp này"
        ),
        "faq.yaml:2: 'faqs' viết sai, có phải 'faq'? — cả phần này bị bỏ qua",
        "faq.yaml:3: 'synonym' viết sai, có phải 'synonyms'? — cả phần này bị bỏ qua",
    ]


def test_sections_of_the_wrong_type() -> None:
    faq = load_faq(write("faq.yaml", "topics: bhyt\nfaq:\n  id: a\nsynonyms: [hk]\n"))
    assert report(faq.problems) == [
        (
            "faq.yaml:1: phần topics: phải là một danh sách, mỗi chủ đề bắt đầu bằng một dòng '- "
            "id:' — cả phần này bị bỏ qua"
        ),
        (
            "faq.yaml:3: phần faq: phải là một danh sách, mỗi mục bắt đầu bằng một dòng '- id:' "
            "— cả phần này bị bỏ qua"
        ),
        (
            "faq.yaml:4: phần synonyms: phải gồm các dòng dạng `hk: [hộ khẩu]` — cả phần này bị "
            "bỏ qua"
        ),
    ]


def test_duplicate_keys_are_reported_at_the_duplicate() -> None:
    text = FAQ_HEAD + (
        "  - id: twice\n"  # 11
        "    question: Q?\n"
        "    answer: A.\n"
        "    answer: B.\n"  # 14
        "faq:\n"  # 15: a second section, ignored
        "  - id: later\n"
        "    question: Q?\n"
        "    answer: A.\n"
    )
    faq = load_faq(write("faq.yaml", text))
    assert report(faq.problems) == [
        (
            "faq.yaml:14: dòng answer: lặp lại (đã có ở dòng 13): hãy xóa một trong hai dòng — "
            "cả mục này bị bỏ qua"
        ),
        (
            "faq.yaml:15: dòng faq: lặp lại (đã có ở dòng 7): hãy xóa một trong hai dòng — phần "
            "lặp lại này bị bỏ qua"
        ),
    ]
    assert [e.id for e in faq.faq] == ["good"]


def test_two_topics_shown_to_residents_under_one_name_are_reported() -> None:
    """A topic block copied for a new topic, its name left as it was: residents see two
    topics of one name to follow, and following it by name picks the first."""
    text = (
        "topics:\n  - id: bhyt\n    name: Bảo hiểm y tế\n"
        "  - id: bhyt-hs\n    name: Bảo hiểm Y tế\n    keywords: [bhyt học sinh]\n"
        "  - id: cu-tru\n    name: Cư trú\nfaq: []\n"
    )
    faq = load_faq(write("faq.yaml", text))
    assert report(faq.problems) == [
        "faq.yaml:5: chủ đề 'bhyt-hs': tên 'Bảo hiểm Y tế' trùng với tên chủ đề 'bhyt' ở dòng "
        "3, nên người dân thấy hai chủ đề cùng tên — chủ đề vẫn được dùng; hãy đặt tên khác, "
        "ví dụ nói rõ chủ đề này dành cho ai"
    ]
    assert [t.id for t in faq.topics] == ["bhyt", "bhyt-hs", "cu-tru"]


def test_bad_topics_are_reported_and_the_rest_load() -> None:
    text = """\
topics:
  - id: bhyt
    name: BHYT
  - id: Bad Id
    name: X
  - id: no-name
  - id: bhyt
    name: again
  - id: kw
    name: Kw
    keyword: [a]
  - id: kw2
    name: Kw2
    keywords: a, b
  - id: blank
    name: "  "
faq: []
"""
    faq = load_faq(write("faq.yaml", text))
    assert report(faq.problems) == [
        (
            "faq.yaml:4: chủ đề 'Bad Id': dòng id: mã chỉ dùng chữ thường không dấu, số và dấu "
            "'-', ví dụ bad-id (không viết 'Bad Id') — cả chủ đề này bị bỏ qua"
        ),
        "faq.yaml:6: chủ đề 'no-name': thiếu dòng name: (tên chủ đề) — cả chủ đề này bị bỏ qua",
        (
            "faq.yaml:7: mã (id) 'bhyt' đã dùng cho chủ đề ở dòng 2, chủ đề đó vẫn được dùng — "
            "cả chủ đề này bị bỏ qua; nếu đây là chủ đề mới, hãy đặt cho nó một mã riêng, ví dụ "
            "bhyt-2"
        ),
        (
            "faq.yaml:11: chủ đề 'kw': 'keyword' viết sai, có phải 'keywords'? — dòng này bị bỏ "
            "qua, chủ đề vẫn được dùng"
        ),
        (
            "faq.yaml:14: chủ đề 'kw2': dòng keywords: danh sách phải nằm trong ngoặc vuông, "
            "viết `keywords: [a, b]` — bot tạm hiểu là 2 từ khóa, chủ đề vẫn được dùng"
        ),
        (
            "faq.yaml:16: chủ đề 'blank': dòng name: còn trống, chưa có tên chủ đề — cả chủ đề "
            "này bị bỏ qua"
        ),
    ]
    # A typo in a topic's keywords leaves them out, not the topic its residents follow;
    # keywords written without their brackets are read as the list meant.
    assert [(t.id, t.keywords) for t in faq.topics] == [
        ("bhyt", ()),
        ("kw", ()),
        ("kw2", ("a", "b")),
    ]


# Each bad entry starts at line 11, after FAQ_HEAD; `good` must still load.
BAD_ENTRIES = [
    (
        "  - id: bad\n    question: Q?\n    anwser: A.\n",
        [
            "faq.yaml:13: mục 'bad': 'anwser' viết sai, có phải 'answer'? — cả mục này bị bỏ "
            "qua vì thiếu câu trả lời"
        ],
    ),
    (
        "  - id: bad\n    answer: A.\n",
        ["faq.yaml:11: mục 'bad': thiếu dòng question: (câu hỏi) — cả mục này bị bỏ qua"],
    ),
    (
        "  - question: Q?\n    answer: A.\n",
        [
            (
                "faq.yaml:11: mục: thiếu dòng id: (mã, viết thường không dấu, ví dụ id: ho-tich) — "
                "cả mục này bị bỏ qua"
            )
        ],
    ),
    (
        "  - id: bad\n    question:\n    answer: A.\n",
        [
            (
                "faq.yaml:12: mục 'bad': dòng question: còn trống, chưa có câu hỏi — cả mục này bị "
                "bỏ qua"
            )
        ],
    ),
    (
        '  - id: bad\n    question: Q?\n    answer: ""\n',
        [
            (
                "faq.yaml:13: mục 'bad': dòng answer: còn trống, chưa có câu trả lời — cả mục này bị "
                "bỏ qua"
            )
        ],
    ),
    (
        "  - id: bad\n    question: 123\n    answer: A.\n",
        [
            (
                "faq.yaml:12: mục 'bad': dòng question: phải là chữ; nếu đúng ý là 123, hãy đặt "
                'trong ngoặc kép: "123" — cả mục này bị bỏ qua'
            )
        ],
    ),
    (
        "  - id: bad\n    question: Q?\n    answer: yes\n",
        [
            (
                "faq.yaml:13: mục 'bad': dòng answer: phải là chữ; nếu đúng ý là yes, hãy đặt "
                'trong ngoặc kép: "yes" — cả mục này bị bỏ qua'
            )
        ],
    ),
    (
        "  - id: bad\n    question:\n      vi: Q?\n    answer: A.\n",
        [
            (
                "faq.yaml:13: mục 'bad': dòng question: phải là chữ, không phải một danh sách hay "
                "một khối — cả mục này bị bỏ qua"
            )
        ],
    ),
    (
        "  - id: Bad_Id\n    question: Q?\n    answer: A.\n",
        [
            (
                "faq.yaml:11: mục 'Bad_Id': dòng id: mã chỉ dùng chữ thường không dấu, số và dấu "
                "'-', ví dụ bad-id (không viết 'Bad_Id') — cả mục này bị bỏ qua"
            )
        ],
    ),
    (
        "  - id: good\n    question: Q2?\n    answer: A2.\n",
        [
            (
                "faq.yaml:11: mã (id) 'good' đã dùng cho mục ở dòng 8, mục đó vẫn được dùng — "
                "cả mục này bị bỏ qua; nếu đây là mục mới, hãy đặt cho nó một mã riêng, ví dụ "
                "good-2"
            )
        ],
    ),
    (
        "  - just a question\n",
        [
            (
                "faq.yaml:11: mục: phải gồm các dòng dạng `tên: nội dung`, ví dụ `answer: ...` — cả "
                "mục này bị bỏ qua"
            )
        ],
    ),
    (
        "  - id: bad\n    question: Q?\n    answer: A.\n    answer: B.\n",
        [
            (
                "faq.yaml:14: dòng answer: lặp lại (đã có ở dòng 13): hãy xóa một trong hai dòng — "
                "cả mục này bị bỏ qua"
            )
        ],
    ),
]


@pytest.mark.parametrize(("entry", "expected"), BAD_ENTRIES)
def test_bad_faq_entry_is_reported_and_skipped(entry: str, expected: list[str]) -> None:
    tail = "  - id: after\n    question: Sau?\n    answer: Sau.\n"
    faq = load_faq(write("faq.yaml", FAQ_HEAD + entry + tail))
    assert report(faq.problems) == expected
    assert faq.ok_syntax
    assert [e.id for e in faq.faq] == ["good", "after"]


# An entry whose only fault is an optional field still answers, without that field.
PARTLY_BAD_ENTRIES = [
    (
        "  - id: bad\n    question: Q?\n    answer: A.\n    Topics: [bhyt]\n",
        [
            (
                "faq.yaml:14: mục 'bad': 'Topics' viết sai, có phải 'topics'? — dòng này bị bỏ qua, "
                "mục vẫn được dùng"
            )
        ],
        {"topics": ()},
    ),
    (
        "  - id: bad\n    question: Q?\n    answer: A.\n    variants: mua bhyt, giá\n",
        [
            (
                "faq.yaml:14: mục 'bad': dòng variants: danh sách phải nằm trong ngoặc vuông, "
                "viết `variants: [mua bhyt, giá]` (nếu là một câu có dấu phẩy thì viết "
                '`variants: ["mua bhyt, giá"]`) — bot tạm hiểu là 2 cách hỏi, mục vẫn được dùng'
            )
        ],
        {"variants": ("mua bhyt", "giá")},
    ),
    (
        "  - id: bad\n    question: Q?\n    answer: A.\n    variants:\n      - a\n      -\n",
        [
            (
                "faq.yaml:16: mục 'bad': dòng variants: có một mục để trống trong danh sách — chỉ bỏ "
                "qua dòng variants:, mục vẫn được dùng"
            )
        ],
        {"variants": ()},
    ),
    (
        "  - id: bad\n    question: Q?\n    answer: A.\n    variants:\n      - [a, b]\n",
        [
            (
                "faq.yaml:15: mục 'bad': dòng variants: phải là chữ, không phải một danh sách hay "
                "một khối — chỉ bỏ qua dòng variants:, mục vẫn được dùng"
            )
        ],
        {"variants": ()},
    ),
    (
        "  - id: bad\n    question: Q?\n    answer: A.\n    topics: [bhyt, cu-tr]\n",
        [
            (
                "faq.yaml:14: mục 'bad': dòng topics: chủ đề 'cu-tr' không có trong phần topics: "
                "của faq.yaml, có phải 'cu-tru'? — chủ đề này bị bỏ qua, mục vẫn được dùng"
            )
        ],
        {"topics": ("bhyt",)},
    ),
    (
        "  - id: bad\n    question: Q?\n    answer: A.\n    topics:\n      - bhyt\n      - xyz\n",
        [
            (
                "faq.yaml:16: mục 'bad': dòng topics: chủ đề 'xyz' không có trong phần topics: của "
                "faq.yaml — chủ đề này bị bỏ qua, mục vẫn được dùng"
            )
        ],
        {"topics": ("bhyt",)},
    ),
    (
        "  - id: bad\n    question: Q?\n    answer: A.\n    topics: xyz\n",
        [
            (
                "faq.yaml:14: mục 'bad': dòng topics: chủ đề 'xyz' không có trong phần topics: của "
                "faq.yaml — chủ đề này bị bỏ qua, mục vẫn được dùng"
            )
        ],
        {"topics": ()},
    ),
    (
        "  - id: bad\n    question: Q?\n    answer: A.\n    links: [ftp://x.vn/a]\n",
        [
            (
                "faq.yaml:14: mục 'bad': dòng links: phải là địa chỉ web bắt đầu bằng http:// "
                "hoặc https://, không phải 'ftp://x.vn/a' — chỉ bỏ qua dòng links:, mục vẫn được "
                "dùng"
            )
        ],
        {"links": ()},
    ),
    (
        "  - id: bad\n    question: Q?\n    answer: A.\n    links: [www.x.vn]\n",
        [
            (
                "faq.yaml:14: mục 'bad': dòng links: phải là địa chỉ web bắt đầu bằng http:// "
                "hoặc https://, không phải 'www.x.vn' — chỉ bỏ qua dòng links:, mục vẫn được dùng"
            )
        ],
        {"links": ()},
    ),
]


def test_text_cut_short_by_a_hash_is_kept_and_reported() -> None:
    entry = (
        "  - id: phim\n"
        "    question: Gọi tổng đài thế nào?  # hỏi nhiều\n"
        "    answer: Gọi 1022 rồi bấm phím #2 để gặp cán bộ.\n"
        "  - id: quoted\n"
        '    question: "Bấm phím #3 là gì?"\n'
        "    answer: |\n"
        "      Phím #3 là tổng đài viên.\n"
    )
    faq = load_faq(write("faq.yaml", FAQ_HEAD + entry))
    assert report(faq.problems) == [
        (
            "faq.yaml:12: mục 'phim': dòng question: dừng ở '…tổng đài thế nào?': phần sau dấu ' "
            "#' trên dòng đó bị hiểu là ghi chú; nếu nó là một phần nội dung, hãy đặt cả đoạn "
            'trong ngoặc kép "…" — phần sau dấu # bị mất, mục vẫn được dùng'
        ),
        (
            "faq.yaml:13: mục 'phim': dòng answer: dừng ở '…1022 rồi bấm phím': phần sau dấu ' "
            "#' trên dòng đó bị hiểu là ghi chú; nếu nó là một phần nội dung, hãy đặt cả đoạn "
            'trong ngoặc kép "…" — phần sau dấu # bị mất, mục vẫn được dùng'
        ),
    ]
    texts = {e.id: (e.question, e.answer) for e in faq.faq}
    assert texts["phim"] == ("Gọi tổng đài thế nào?", "Gọi 1022 rồi bấm phím")  # as YAML reads
    assert texts["quoted"] == ("Bấm phím #3 là gì?", "Phím #3 là tổng đài viên.")


def test_a_notice_title_cut_short_by_a_hash_is_reported_and_the_notice_loads() -> None:
    write(F, "---\ntitle: Thông báo #3 về tiêm chủng\ndate: 2024-07-15\n---\nB\n")
    notices, problems = load_content(Path("content"), TOPICS)
    assert [n.title for n in notices] == ["Thông báo"]
    assert [p.line for p in problems] == [2] and "trong ngoặc kép" in problems[0].message


@pytest.mark.parametrize(("entry", "expected", "fields"), PARTLY_BAD_ENTRIES)
def test_an_entry_with_a_bad_optional_field_is_reported_and_answers_without_it(
    entry: str, expected: list[str], fields: dict[str, tuple[str, ...]]
) -> None:
    tail = "  - id: after\n    question: Sau?\n    answer: Sau.\n"
    faq = load_faq(write("faq.yaml", FAQ_HEAD + entry + tail))
    assert report(faq.problems) == expected
    assert [e.id for e in faq.faq] == ["good", "bad", "after"]
    bad = faq.faq[1]
    assert (bad.question, bad.answer) == ("Q?", "A.")
    assert {name: getattr(bad, name) for name in fields} == fields


def test_an_entry_asking_what_another_asks_is_reported_and_both_still_answer() -> None:
    """An entry copied to give a newer answer, its question left as it was: the bot cannot
    tell which of the two a resident means, so staff must hear which entries collide (the
    same words, however capitals, spaces, punctuation or a decomposed accent differ)."""
    same = unicodedata.normalize("NFD", "  - id: hoi-lai\n    question: hỏi  GÌ\n")
    faq = load_faq(write("faq.yaml", FAQ_HEAD + same + "    answer: Trả lời mới.\n"))
    assert report(faq.problems) == [
        "faq.yaml:12: mục 'hoi-lai': câu hỏi trùng với câu hỏi của mục 'good' ở dòng 9, nên "
        "bot không phân biệt được hai mục khi người dân hỏi như vậy — mục vẫn được dùng; nếu "
        "mục này thay cho mục kia thì xóa mục cũ, nếu là hai việc khác nhau thì sửa câu hỏi "
        "cho khác"
    ]
    assert [e.id for e in faq.faq] == ["good", "hoi-lai"]
    other = load_faq(
        write("faq.yaml", FAQ_HEAD + "  - id: khac\n    question: Hỏi gì nữa?\n    answer: Khác.\n")
    )
    assert other.problems == []


def test_a_variant_asking_what_another_entry_asks_is_reported_at_its_line() -> None:
    """A way of asking listed under two entries, or one entry's question listed as another's
    variant: residents typing it get neither answer outright."""
    entries = (
        "  - id: a\n    question: Mất thẻ BHYT?\n    variants: [làm lại thẻ, mất sổ]\n"
        "    answer: A.\n"
        "  - id: b\n    question: Đổi thẻ BHYT?\n    variants:\n      - đổi thẻ\n"
        "      - Làm lại thẻ\n      - hỏi gì\n    answer: B.\n"
    )
    faq = load_faq(write("faq.yaml", FAQ_HEAD + entries))
    tail = (
        "nên bot không phân biệt được hai mục khi người dân hỏi như vậy — mục vẫn được dùng; "
        "hãy chỉ để cách hỏi này ở một mục"
    )
    assert report(faq.problems) == [
        f"faq.yaml:19: mục 'b': cách hỏi 'Làm lại thẻ' trùng với một cách hỏi (variants) của "
        f"mục 'a' ở dòng 13, {tail}",
        f"faq.yaml:20: mục 'b': cách hỏi 'hỏi gì' trùng với câu hỏi của mục 'good' ở dòng 9, "
        f"{tail}",
    ]
    assert [e.id for e in faq.faq] == ["good", "a", "b"]


def test_synonyms_are_checked_one_by_one() -> None:
    text = """\
topics: []
faq: []
synonyms:
  hk: [hộ khẩu, sổ hộ khẩu]
  gks:
  cccd: {a: b}
  kb: [khám bệnh, ""]
  2024: năm nay
"""
    faq = load_faq(write("faq.yaml", text))
    assert report(faq.problems) == [
        (
            "faq.yaml:5: synonyms: 'gks' chưa có nghĩa nào, ví dụ gks: [từ đầy đủ] — dòng này bị "
            "bỏ qua"
        ),
        (
            "faq.yaml:6: synonyms: 'cccd' phải là một danh sách trong ngoặc vuông, ví dụ [thứ "
            "nhất, thứ hai] — dòng này bị bỏ qua"
        ),
        "faq.yaml:7: synonyms: 'kb' có một mục để trống trong danh sách — dòng này bị bỏ qua",
    ]
    assert faq.synonyms == {"hk": ["hộ khẩu", "sổ hộ khẩu"], "2024": ["năm nay"]}


@pytest.mark.parametrize(
    "text",
    [
        "&a [*a]\n",
        "topics: &t [*t]\nfaq: []\n",
        "faq:\n  - !!python/object/apply:os.system [echo hi]\ntopics: []\n",
        "faq:\n  - <<: {id: a}\n    question: q\n    answer: a\ntopics: []\n",
        "? [a, b]\n: c\n",
        "topics: 5\nfaq: 'x'\nsynonyms: 3\n",
        "topics:\n  - id: [a]\n    name: {x: y}\n    keywords: [[a]]\nfaq: [[], 1, null]\n",
        "faq:\n  - id:\n    question: ~\n    answer: !!binary aGk=\n",
        "topics: []\nfaq: []\n---\ntopics: []\n",
        "\x00",
    ],
)
def test_load_faq_never_raises(text: str) -> None:
    faq = load_faq(write("faq.yaml", text))
    assert faq.problems
    assert all(p.file == "faq.yaml" and p.line >= 1 for p in faq.problems)


# -------------------------------------------------------------------- content/

NOTICE = """\
---
title: Thông báo
date: 2024-07-15
---
Nội dung.
"""


def test_valid_announcement_loads_every_field() -> None:
    title = unicodedata.normalize("NFD", "Điều chỉnh mức đóng")
    path = write(
        "content/2024-07-15-muc-dong.md",
        f"""\
---
title: {title}
date: "2024-07-16"
topics: bhyt
source: https://example.gov.vn/tb/1
expires: 2024-08-31
---

Dòng một.

Dòng hai.
""",
    )
    notice, problems = load_announcement(path, TOPICS)
    assert problems == []
    assert notice is not None
    assert notice.id == "2024-07-15-muc-dong"
    assert notice.title == "Điều chỉnh mức đóng"
    assert notice.date == dt.date(2024, 7, 16)  # the front matter wins over the file name
    assert notice.body == "Dòng một.\n\nDòng hai."
    assert notice.topics == ("bhyt",)
    assert notice.source == "https://example.gov.vn/tb/1"
    assert notice.expires == dt.date(2024, 8, 31)
    assert notice.path == "content/2024-07-15-muc-dong.md"


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        ("", ("bhyt", "moi-truong")),  # no topics: tagged from the title and body
        ("topics: []\n", ()),
        ("topics: [cu-tru, cu-tru]\n", ("cu-tru",)),
    ],
)
def test_announcement_topics(front: str, expected: tuple[str, ...]) -> None:
    text = f"---\ntitle: Thẻ BHYT\ndate: 2024-07-15\n{front}---\nThu gom rác.\n"
    notice, problems = load_announcement(write("content/2024-07-15-a.md", text), TOPICS)
    assert problems == []
    assert notice is not None
    assert notice.topics == expected


F = "content/2024-07-15-a.md"
BAD_NOTICES = [
    (
        "---\ndate: 2024-07-15\n---\nB\n",
        [(f"{F}:2: thiếu dòng title: (tiêu đề thông báo) — thông báo này chưa được đăng")],
    ),
    (
        "---\ntitle: T\n---\nB\n",
        [
            (
                f"{F}:2: thiếu dòng date: (ngày đăng, ví dụ date: 2024-07-15) — thông báo này chưa được đăng"
            )
        ],
    ),
    (
        "---\ntitle: T\ndate:\n---\nB\n",
        [
            (
                f"{F}:3: dòng date: còn trống, chưa có ngày đăng, ví dụ date: 2024-07-15 — thông báo này "
                "chưa được đăng"
            )
        ],
    ),
    (
        "---\ntitel: T\ndate: 2024-07-15\n---\nB\n",
        [
            f"{F}:2: 'titel' viết sai, có phải 'title'? — thông báo này chưa được đăng vì thiếu "
            "tiêu đề thông báo"
        ],
    ),
    (
        "---\ntitle: T\ndate: 15/07/2024\n---\nB\n",
        [
            (
                f"{F}:3: dòng date: ngày phải viết dạng 2024-07-15 (năm-tháng-ngày), không phải "
                "15/07/2024 — thông báo này chưa được đăng"
            )
        ],
    ),
    (
        "---\ntitle: T\ndate: 2024-7-5\n---\nB\n",
        [
            (
                f"{F}:3: dòng date: ngày phải viết dạng 2024-07-05 (năm-tháng-ngày), không phải 2024-7-5 "
                "— thông báo này chưa được đăng"
            )
        ],
    ),
    (
        "---\ntitle: T\ndate: 2024-02-30\n---\nB\n",
        [
            f"{F}:3: dòng date: ngày 2024-02-30 không có thật: tháng 2 năm 2024 chỉ có 29 ngày "
            "— thông báo này chưa được đăng"
        ],
    ),
    (  # the day written before the month, as Vietnamese dates are: the date meant is shown
        "---\ntitle: T\ndate: 2024-15-07\n---\nB\n",
        [
            f"{F}:3: dòng date: ngày 2024-15-07 không có thật: không có tháng 15, tháng chỉ từ "
            "1 đến 12 (có phải 2024-07-15? ngày viết dạng năm-tháng-ngày) — thông báo này chưa "
            "được đăng"
        ],
    ),
    (
        "---\ntitle: 2024\ndate: 2024-07-15\n---\nB\n",
        [
            (
                f'{F}:2: dòng title: phải là chữ; nếu đúng ý là 2024, hãy đặt trong ngoặc kép: "2024" '
                "— thông báo này chưa được đăng"
            )
        ],
    ),
    (
        "---\ntitle: T\ndate: 2024-07-15\nexpires: 2024-07-14\n---\nB\n",
        [
            (
                f"{F}:4: ngày hết hạn (expires: 2024-07-14) trước ngày đăng (date: 2024-07-15) — thông "
                "báo này chưa được đăng"
            )
        ],
    ),
    (
        "---\ntitle: T\ndate: 2024-07-15\nexpires: soon\n---\nB\n",
        [
            (
                f"{F}:4: dòng expires: ngày phải viết dạng 2026-11-25 (năm-tháng-ngày), không phải soon "
                "— thông báo này chưa được đăng"
            )
        ],
    ),
    (
        "---\ntitle: T\ntitle: U\ndate: 2024-07-15\n---\nB\n",
        [
            (
                f"{F}:3: dòng title: lặp lại (đã có ở dòng 2): hãy xóa một trong hai dòng — thông báo "
                "này chưa được đăng"
            )
        ],
    ),
    (
        "---\ntitle: T\ndate: 2024-07-15\n---\n\n  \n",
        [f"{F}:4: thông báo chưa có nội dung dưới dòng --- — thông báo này chưa được đăng"],
    ),
    (
        "Thông báo\n",
        [
            (
                f"{F}:1: thiếu phần đầu: tệp phải bắt đầu bằng một dòng ---, rồi các dòng title: và "
                "date:, rồi một dòng --- nữa — thông báo này chưa được đăng; với tệp này, thêm bốn "
                "dòng ở đầu: `---`, `title: Thông báo`, `date: 2024-07-15`, `---`"
            )
        ],
    ),
    (
        "",
        [(f"{F}:1: tệp trống, chưa có nội dung — thông báo này chưa được đăng")],
    ),
    (
        "---\ntitle: T\ndate: 2024-07-15\nB\n",
        [
            (
                f"{F}:1: phần đầu (title:, date:) chưa được đóng bằng một dòng --- ở dưới — thông báo "
                "này chưa được đăng"
            )
        ],
    ),
    (
        "---\n---\nB\n",
        [
            (
                f"{F}:1: phần đầu giữa hai dòng --- còn trống: hãy thêm title: và date: — thông báo này chưa "
                "được đăng"
            )
        ],
    ),
    (
        "---\n- title\n---\nB\n",
        [
            (
                f"{F}:2: phải gồm các dòng dạng `tên: nội dung`, ví dụ `date: 2026-11-25` — thông báo này "
                "chưa được đăng"
            )
        ],
    ),
    (
        "---\ntitle: Thẻ: mới\ndate: 2024-07-15\n---\nB\n",
        [
            (
                f"{F}:2: chữ có dấu hai chấm và dấu cách (': ') ở giữa phải đặt trong ngoặc kép, "
                'viết `title: "Thẻ: mới"` — thông báo này chưa được đăng'
            )
        ],
    ),
    (
        # Lines are the .md file's own, also after blank lines at the top.
        "\n\n---\ntitle: T\ndate: 2024-07-15\nexpire: 2024-08-01\n---\nB\n",
        [f"{F}:6: 'expire' viết sai, có phải 'expires'? — thông báo này chưa được đăng"],
    ),
    (
        b"---\ntitle: T\ndate: 2024-07-15\n---\nB\xe1o c\xe1o\n",
        [
            (
                f"{F}:5: tệp không được lưu theo bảng mã UTF-8: hãy lưu lại với bảng mã UTF-8 (trong "
                "Notepad: Lưu thành, mục Encoding chọn UTF-8) — thông báo này chưa được đăng"
            )
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), BAD_NOTICES)
def test_bad_announcement_is_reported_and_skipped(text: str | bytes, expected: list[str]) -> None:
    write(F, text)
    write("content/2024-07-16-ok.md", NOTICE)
    notices, problems = load_content(Path("content"), TOPICS)
    assert report(problems) == expected
    assert [n.id for n in notices] == ["2024-07-16-ok"]


@pytest.mark.parametrize(
    ("front", "expected", "topics"),
    [
        (
            "topics: [bhty, cu-tru]",
            [
                (
                    f"{F}:4: dòng topics: chủ đề 'bhty' không có trong phần topics: của faq.yaml, có "
                    "phải 'bhyt'? — chủ đề này bị bỏ qua, thông báo vẫn được đăng"
                )
            ],
            ("cu-tru",),
        ),
        (  # none of its topics is known: tagged from the keywords, as without topics
            "topics: bhxh",
            [
                (
                    f"{F}:4: dòng topics: chủ đề 'bhxh' không có trong phần topics: của faq.yaml — chủ "
                    "đề này bị bỏ qua, thông báo vẫn được đăng"
                )
            ],
            ("bhyt",),
        ),
        (  # a topic written as residents see it, by its name, or its id in capitals
            "topics: [Bảo hiểm y tế, cu-tru]",
            [
                (
                    f"{F}:4: dòng topics: hãy viết mã chủ đề: 'bhyt' thay cho 'Bảo hiểm y tế' "
                    "(topics: [bhyt, cu-tru]) — bot tạm hiểu là 'bhyt', thông báo vẫn được đăng"
                )
            ],
            ("bhyt", "cu-tru"),
        ),
        (
            "topics: BHYT",
            [
                (
                    f"{F}:4: dòng topics: hãy viết mã chủ đề: 'bhyt' thay cho 'BHYT' "
                    "(topics: [bhyt]) — bot tạm hiểu là 'bhyt', thông báo vẫn được đăng"
                )
            ],
            ("bhyt",),
        ),
        (  # unknown, written as no id can be: left out, as any unknown topic
            "topics: [bao hiem, cu-tru]",
            [
                (
                    f"{F}:4: dòng topics: chủ đề 'bao hiem' không có trong phần topics: của "
                    "faq.yaml — chủ đề này bị bỏ qua, thông báo vẫn được đăng"
                )
            ],
            ("cu-tru",),
        ),
    ],
)
def test_an_unknown_topic_is_reported_and_the_notice_still_loads(
    front: str, expected: list[str], topics: tuple[str, ...]
) -> None:
    write(F, f"---\ntitle: Thẻ BHYT mới\ndate: 2024-07-15\n{front}\n---\nB\n")
    parsed: dict = {}  # what a running bot keeps between loads
    notices, problems = load_content(Path("content"), TOPICS, parsed=parsed)
    assert report(problems) == expected
    assert [(n.id, n.topics) for n in notices] == [("2024-07-15-a", topics)]
    again, reported = load_content(Path("content"), TOPICS, parsed=parsed)
    assert report(reported) == expected, "reported on every load until it is fixed"
    assert again == notices


BAD_NAME = (
    "tên tệp phải có dạng năm-tháng-ngày-tên-ngắn.md, chỉ dùng chữ thường không dấu, số và "
    "dấu '-' — thông báo này chưa được đăng; "
)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("2024-7-15-a.md", BAD_NAME + "đổi tên thành 2024-07-15-a.md"),
        ("2024-07-15.md", BAD_NAME + "đổi tên thành 2024-07-15-thong-bao.md"),
        ("2024-07-15-Tiêu-đề.md", BAD_NAME + "đổi tên thành 2024-07-15-tieu-de.md"),
        ("2024-07-15 a.md", BAD_NAME + "đổi tên thành 2024-07-15-a.md"),
        ("2024-07-15-a.MD", BAD_NAME + "đổi tên thành 2024-07-15-a.md"),
        ("thong-bao.md", BAD_NAME + "đổi tên thành 2024-07-15-thong-bao.md"),
        (
            "2024-02-30-a.md",
            "ngày 2024-02-30 trong tên tệp không có thật: tháng 2 năm 2024 chỉ có 29 ngày — "
            "thông báo này chưa được đăng",
        ),
    ],
)
def test_bad_file_names_are_reported_at_line_1(name: str, message: str) -> None:
    write(f"content/{name}", NOTICE)
    notices, problems = load_content(Path("content"), TOPICS)
    assert report(problems) == [f"content/{name}:1: {message}"]
    assert notices == []


def test_editor_files_attachments_and_other_files_are_ignored() -> None:
    for name in [
        ".2024-07-15-a.md.swp",
        ".2024-07-15-a.md",
        "#2024-07-15-a.md#",
        "~2024-07-15-a.md",
        "2024-07-15-a.md~",
        "2024-07-15-a.md.bak",
        "2024-07-15-a.txt.tmp",
        "~$2024-07-15-a.docx",
        "anh.jpg",
        "to-khai.pdf",
        "README",
    ]:
        write(f"content/{name}", "not an announcement")
    Path("content/images").mkdir()  # a folder of attachments is no one's mistake
    write("content/images/anh.jpg", "jpeg")
    assert load_content(Path("content"), TOPICS) == ([], [])


def test_notices_saved_in_another_format_are_reported_not_read() -> None:
    """Notepad's x.md.txt (Windows hides the .txt), a .txt, a Word file: not read, and
    staff are told how to fix each, so a notice does not silently stay unpublished."""
    for name in ["2024-07-15-a.md.txt", "2024-07-16-b.txt", "2024-07-17-c.docx"]:
        write(f"content/{name}", NOTICE)
    write("content/2024-07-18-ok.md", NOTICE)
    notices, problems = load_content(Path("content"), TOPICS)
    assert [n.id for n in notices] == ["2024-07-18-ok"]
    assert report(problems) == [
        "content/2024-07-15-a.md.txt:1: tệp không có đuôi .md nên bot không đọc — thông báo "
        "này chưa được đăng; đổi tên thành 2024-07-15-a.md (Windows có thể đang ẩn đuôi .txt)",
        "content/2024-07-16-b.txt:1: tệp không có đuôi .md nên bot không đọc — thông báo này "
        "chưa được đăng; đổi tên thành 2024-07-16-b.md (Windows có thể đang ẩn đuôi .txt)",
        "content/2024-07-17-c.docx:1: tệp .docx (soạn bằng Word) bot không đọc được — thông "
        "báo này chưa được đăng; hãy mở tệp, chọn Lưu thành (Save As) kiểu Plain Text (.txt) "
        "với bảng mã UTF-8, rồi đổi tên tệp thành 2024-07-17-c.md",
    ]


def test_a_scan_or_pdf_named_as_a_notice_is_reported_not_silently_ignored() -> None:
    """A notice dropped in as the PDF or photo of the paper one, named as a notice is:
    staff expect it published. Named otherwise, or beside its notice's own .md file, it
    is an attachment, ignored as before."""
    for name in ["2024-07-15-cat-dien.pdf", "2024-07-16-hop.JPG", "2024-07-17-a.jpg"]:
        write(f"content/{name}", "%PDF-1.4")
    write("content/2024-07-17-a.md", NOTICE)
    write("content/to-khai.pdf", "%PDF-1.4")
    notices, problems = load_content(Path("content"), TOPICS)
    assert [n.id for n in notices] == ["2024-07-17-a"]
    assert report(problems) == [
        "content/2024-07-15-cat-dien.pdf:1: tệp PDF bot không đọc được: bot chỉ đăng thông báo "
        "viết thành chữ trong tệp .md — thông báo này chưa được đăng; hãy chép chữ của thông "
        "báo vào tệp 2024-07-15-cat-dien.md (soạn bằng Notepad, lưu với bảng mã UTF-8)",
        "content/2024-07-16-hop.JPG:1: tệp ảnh bot không đọc được: bot chỉ đăng thông báo "
        "viết thành chữ trong tệp .md — thông báo này chưa được đăng; hãy chép chữ của thông "
        "báo vào tệp 2024-07-16-hop.md (soạn bằng Notepad, lưu với bảng mã UTF-8)",
    ]


def test_notices_moved_into_a_sub_folder_are_reported_as_not_read() -> None:
    write("content/2024-07-16-ok.md", NOTICE)
    Path("content/2024").mkdir()
    write("content/2024/2024-07-15-inner.md", NOTICE)
    write("content/2024/2024-07-14-other.md", NOTICE)
    notices, problems = load_content(Path("content"), TOPICS)
    assert [n.id for n in notices] == ["2024-07-16-ok"]
    assert report(problems) == [
        (
            "content/2024:1: thư mục con này có 2 tệp thông báo mà bot không đọc: thông báo phải "
            "nằm ngay trong thư mục content/ — các thông báo này chưa được đăng"
        )
    ]


def test_anything_but_a_regular_file_is_reported_without_being_opened(tmp_path: Path) -> None:
    """A FIFO would block the reader forever and a link loop fail every load: both are
    skipped and reported by `stat` alone, and the good notice still loads."""
    write("content/2024-07-15-good.md", NOTICE)
    Path("content/2024-07-16-loop.md").symlink_to("2024-07-16-loop.md")
    Path("content/2024-07-16-broken.md").symlink_to("2024-07-16-gone.md")
    os.mkfifo("content/2024-07-16-pipe.md")
    Path("content/2024-07-16-folder.md").mkdir()
    write(str(tmp_path / "elsewhere.md"), NOTICE)
    Path("content/2024-07-16-outside.md").symlink_to(tmp_path / "elsewhere.md")
    Path("content/2024-07-16-inside.md").symlink_to("2024-07-15-good.md")
    notices, problems = load_content(Path("content"), TOPICS)
    assert [n.id for n in notices] == ["2024-07-15-good", "2024-07-16-inside"]
    assert report(problems) == [
        (
            "content/2024-07-16-broken.md:1: là lối tắt (link) tới một tệp không còn nữa: hãy "
            "xóa lối tắt này — thông báo này chưa được đăng"
        ),
        (
            "content/2024-07-16-folder.md:1: là một thư mục, không phải tệp: mỗi thông báo là "
            "một tệp .md — thông báo này chưa được đăng"
        ),
        (
            "content/2024-07-16-loop.md:1: là lối tắt (link) trỏ vòng về chính nó: hãy xóa lối "
            "tắt này — thông báo này chưa được đăng"
        ),
        (
            "content/2024-07-16-outside.md:1: là lối tắt (link) tới một tệp ngoài thư mục thông "
            "báo: hãy chép chính tệp đó vào đây — thông báo này chưa được đăng"
        ),
        (
            "content/2024-07-16-pipe.md:1: không phải tệp bình thường (mà là pipe, socket hay "
            "thiết bị): hãy xóa nó — thông báo này chưa được đăng"
        ),
    ]


def test_a_notice_over_the_size_cap_is_reported_before_it_is_read() -> None:
    big = NOTICE + "Nội dung rất dài.\n" * 20_000  # about 400 KB
    write("content/2024-07-15-big.md", big)
    write("content/2024-07-16-small.md", NOTICE)
    notices, problems = load_content(Path("content"), TOPICS)
    assert [n.id for n in notices] == ["2024-07-16-small"]
    size_kb = -(-len(big.encode()) // 1024)
    assert report(problems) == [
        f"content/2024-07-15-big.md:1: tệp quá lớn ({size_kb} KB, tối đa 200 KB) — thông báo "
        "này chưa được đăng; hãy rút gọn và để toàn văn ở đường dẫn source:"
    ]
    notices, problems = load_content(Path("content"), TOPICS, max_bytes=1024 * 1024)
    assert (len(notices), problems) == (2, [])


def test_announcements_are_newest_first_then_by_id() -> None:
    for name, date in [("2024-01-01-b", "2024-01-01"), ("2024-05-01-c", "2024-05-01")]:
        write(f"content/{name}.md", NOTICE.replace("2024-07-15", date))
    write("content/2024-05-01-a.md", NOTICE.replace("2024-07-15", "2024-05-01"))
    notices, problems = load_content(Path("content"), TOPICS)
    assert problems == []
    assert [n.id for n in notices] == ["2024-05-01-a", "2024-05-01-c", "2024-01-01-b"]


def test_missing_content_folder() -> None:
    assert report(load_content(Path("nowhere"), TOPICS)[1]) == [
        ("nowhere:1: không tìm thấy thư mục thông báo — bot chưa có thông báo nào")
    ]


# ----------------------------------------------------------------- topic tags


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Gia hạn thẻ BHYT, hộ gia đình", ("bhyt",)),
        ("BẢO HIỂM Y TẾ", ("bhyt",)),
        ("gia hạn bảo hiểm\ny tế", ("bhyt",)),  # a phrase across a line break
        ("abhyt và bhyt2024", ()),  # word boundaries
        ("the bhyt", ("bhyt",)),  # a keyword without accents also matches folded text
        ("bao hiem y te", ("bhyt",)),  # a keyword with accents, typed without them
        ("Gia hạn thẻ bao hiem y te", ("bhyt",)),  # ... in a text that has some
        ("Gia hạn thẻ bảo hiem y tế", ("bhyt",)),  # ... or with some of them
        ("Gia hạn thẻ bảo hiềm y tế", ()),  # two words typed with accents must be the same
        ("Thu gom rác", ("moi-truong",)),
        ("thông tin rời rạc", ()),  # "rác" and "rạc" fold alike
        ("vệ sinh   môi trường", ("moi-truong",)),
        ("Kỳ họp HĐND phường", ("hanh-chinh",)),
        ("hdnd phuong", ("hanh-chinh",)),
        ("thong tin roi rac", ("moi-truong",)),  # typed without accents, "rác" may be meant
        ("Tờ khai CT07 và thẻ bhyt", ("bhyt", "cu-tru")),  # in the order topics are listed
        (unicodedata.normalize("NFD", "Thu gom rác"), ("moi-truong",)),
        ("", ()),
    ],
)
def test_tag_topics(text: str, expected: tuple[str, ...]) -> None:
    assert tag_topics(text, TOPICS) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hỗ trợ các hộ bị thiệt hại do lũ", ("ho", "lu")),
        ("Họ tên người nhận", ()),  # "họ" is no "hộ", however alike folded
        ("Trẻ bị ho kéo dài", ()),  # "ho" among accented words is "ho" (a cough)...
        ("Cái lu nước bị vỡ", ()),  # ... and "lu" a jar
        ("danh sach ho bi thiet hai do lu", ("ho", "lu")),  # typed without any: may be meant
        ("Họp HDND phường", ("hdnd",)),  # an abbreviation is no other word
    ],
)
def test_a_short_keyword_typed_without_accents_is_another_word_among_accented_ones(
    text: str, expected: tuple[str, ...]
) -> None:
    topics = [
        Topic("ho", "Hộ gia đình", ("hộ",)),
        Topic("lu", "Lũ lụt", ("lũ",)),
        Topic("hdnd", "HĐND", ("hđnd",)),
    ]
    assert tag_topics(text, topics) == expected


@pytest.mark.parametrize(
    "text", ["Gia hạn thẻ bảo hiểm y tế", "gia han the bao hiem y te", "thẻ bao hiem y tế"]
)
def test_a_keyword_staff_typed_partly_accented_finds_the_text_however_typed(text: str) -> None:
    assert tag_topics(text, [Topic("bhyt", "BHYT", ("bao hiểm y te",))]) == ("bhyt",)


@pytest.mark.parametrize(
    ("text", "keyword"),
    [
        ("Lịch khám sức khoẻ cho thanh niên", "khám sức khỏe"),  # tone marks placed the old way
        ("Tổ hòa giải khu phố 3", "hoà giải"),  # ... or the keyword so
        ("Kiểm tra công trình thủy lợi", "thuỷ lợi"),
    ],
)
def test_a_keyword_is_found_wherever_its_tone_marks_are_placed(text: str, keyword: str) -> None:
    assert tag_topics(text, [Topic("t", "T", (keyword,))]) == ("t",)


@pytest.mark.parametrize(
    ("text", "keyword", "expected"),
    [
        # A stopped syllable with its vowel marks but no tone has lost it...
        ("Hướng dẫn đăng ký kêt hôn", "kết hôn", ("t",)),
        ("Câp căn cươc cho trẻ em", "cấp căn cước", ("t",)),
        ("Hướng dẫn đăng ký kết hôn", "đăng ky kêt hôn", ("t",)),  # ... in a keyword too,
        ("Cấp căn cước cho trẻ em", "câp căn cươc", ("t",)),
        ("Đăng ký kệt hôn", "kêt hôn", ("t",)),  # ... where either tone may be meant,
        ("Đăng ký kệt hôn", "kết hôn", ()),  # ... but two tones typed must be the same,
        ("Bảng giá chênh lêch", "chênh lệch", ("t",)),  # ch stops a syllable too
        # ... and any other word typed with marks and no tone is a word as typed.
        ("Lễ hôn phối", "hồn phối", ()),
        ("Khám bênh cho người già", "khám bệnh", ()),  # nh is no stop: "bênh" is a word
        ("Thông tin rời rạc", "thu gom rác", ()),
        ("Thông tin rời rạc", "rời rác", ()),
    ],
)
def test_a_word_that_lost_its_tone_is_found_only_where_it_cannot_be_read_as_typed(
    text: str, keyword: str, expected: tuple[str, ...]
) -> None:
    assert tag_topics(text, [Topic("t", "T", (keyword,))]) == expected


def test_tag_topics_ignores_empty_keywords() -> None:
    assert tag_topics("bất kỳ", [Topic("x", "X", ("", "  "))]) == ()


# What a notice is about, for one that names no topic (tags from where its keywords are).
GENERIC_LEAD = "UBND phường 5 thông báo đến toàn thể nhân dân trên địa bàn phường được biết."
NOTICE_TOPICS = [
    Topic("bhyt", "Bảo hiểm y tế", ("bảo hiểm y tế", "bhyt", "thẻ bhyt")),
    Topic("can-cuoc", "Căn cước", ("căn cước", "cccd", "vneid")),
    Topic("hoc-bong", "Học bổng", ("học bổng", "khuyến học")),
    Topic("cu-tru", "Cư trú", ("cư trú", "thường trú", "tạm trú")),
]
INTAKE = "Tuyển sinh vào lớp 1 năm học 2027 - 2028"
INTAKE_LEAD = "Trường Tiểu học Phú Lâm nhận hồ sơ tuyển sinh lớp 1 từ ngày 1/7 đến ngày 10/7."
MEETING = "Họp tổ dân phố 7 bàn kế hoạch quý IV"
MEETING_LEAD = "Tối 10/10, tổ dân phố 7 họp tại nhà văn hóa để bàn kế hoạch quý IV của khu phố."
FILLER = "Các hộ góp ý về việc chỉnh trang hẻm, chiếu sáng và tổ chức trung thu cho thiếu nhi. "


@pytest.mark.parametrize(
    ("title", "body", "expected"),
    [
        # The bug: a meeting that asks people to bring their cards is about neither.
        (
            MEETING,
            f"{MEETING_LEAD}\n\n{FILLER}\n\nKhi đến họp, bà con mang theo CCCD và thẻ BHYT.",
            (),
        ),
        # Mentioned in two sentences, but each also lists the other topic: a list.
        (
            MEETING,
            f"{MEETING_LEAD}\n\nMang theo CCCD, thẻ BHYT. {FILLER}\n\nAi quên CCCD, thẻ BHYT thì báo tổ.",
            (),
        ),
        # Twice on its own, but in a long report: once every 100 words is not reached.
        (
            MEETING,
            f"{MEETING_LEAD}\n\n{FILLER * 12}Tổ đã trao 40 thẻ BHYT. {FILLER * 12}Vận động mua BHYT.",
            (),
        ),
        # A long first paragraph (a page without breaks) is not all lead.
        (MEETING, f"{MEETING_LEAD} {FILLER * 8}Nhớ mang CCCD.", ()),
        # The title counts fully, whatever the body mentions in passing.
        (
            "Cấp căn cước lưu động tại khu phố 3",
            "Công an phường làm thủ tục tại nhà văn hóa.\n\nMang theo thẻ BHYT nếu có.",
            ("can-cuoc",),
        ),
        (
            "Phát thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi",
            "Phụ huynh đến nhận tại trạm.",
            ("bhyt",),
        ),
        # So does the lead.
        (
            "Thông báo trao thưởng cho học sinh vượt khó",
            "Hội trao 30 suất học bổng cho học sinh vượt khó.\n\nMang theo CCCD của phụ huynh.",
            ("hoc-bong",),
        ),
        # A heading, a date line or an opening line ending in a colon introduces the lead:
        # the paragraph after it is the lead still, however long the notice.
        (
            "Thông báo",
            f"# THÔNG BÁO\n\nVề việc gia hạn thẻ bảo hiểm y tế năm 2027.\n\n{FILLER * 6}",
            ("bhyt",),
        ),
        (
            "Thông báo",
            "**KÍNH GỬI: PHỤ HUYNH HỌC SINH KHU PHỐ 2**\n\nNgày 5 tháng 12 năm 2026\n\n"
            f"Hội khuyến học phường nhận hồ sơ xét trao quà cuối năm.\n\n{FILLER * 6}",
            ("hoc-bong",),
        ),
        (
            "Thông báo của UBND phường",
            "UBND phường thông báo đến toàn thể nhân dân như sau:\n\n"
            f"Từ tuần sau, công an phường cấp căn cước cho trẻ em tại nhà.\n\n{FILLER * 6}",
            ("can-cuoc",),
        ),
        # A bullet below the lead is a sentence like any: a passing mention.
        (
            MEETING,
            f"{MEETING_LEAD}\n\n- Mang theo CCCD và thẻ BHYT\n\n{FILLER * 6}",
            (),
        ),
        # Title and lead name no topic: what the notice is about is below them, and one
        # sentence on a topic alone is enough in a short notice...
        (
            "Ngày hội cuối tuần ở khu phố 3",
            "Tin về ngày hội do các đoàn thể phường tổ chức sáng Chủ nhật.\n\n"
            "Ngày hội trao 20 suất học bổng cho học sinh vượt khó của khu phố.",
            ("hoc-bong",),
        ),
        # ... but not one asking to bring a paper,
        (
            "Họp tổ dân phố 5 tối thứ Bảy",
            "Tổ họp lúc 19 giờ tại nhà văn hóa.\n\nBà con nhớ mang theo CCCD.",
            (),
        ),
        # ... nor in a long one,
        (MEETING, f"{MEETING_LEAD}\n\n{FILLER * 6}Tổ đã trao 40 thẻ BHYT.", ()),
        # ... nor when the title names another topic.
        (
            "Cấp căn cước cho người cao tuổi",
            "Công an phường làm thủ tục tại nhà văn hóa.\n\nAi có thẻ BHYT thì mang theo.",
            ("can-cuoc",),
        ),
        # Written without accents, a notice is read as its writer meant it.
        (
            "Thong bao gia han the bao hiem y te ho gia dinh",
            "Cac ho den tram y te phuong lam thu tuc truoc ngay 31/12.",
            ("bhyt",),
        ),
        # A long notice under a generic lead: its subject opens the text below the lead
        # and comes back a few times (once in a list: still it is the subject)...
        (
            "Thông báo của UBND phường 5",
            f"{GENERIC_LEAD}\n\nTừ ngày 2/12, công an phường cấp căn cước cho trẻ em dưới "
            f"14 tuổi tại hội trường khu phố.\n\n{FILLER * 12}Phụ huynh đăng ký trước để "
            f"nhận phiếu hẹn làm căn cước.\n\n{FILLER * 12}Nhớ mang theo CCCD và thẻ BHYT "
            "của trẻ.\n\nTrẻ đã có căn cước thì không cần đăng ký lại.",
            ("can-cuoc",),
        ),
        # ... however long it is (1,600 words naming it three times),
        (
            "Thông báo của UBND phường 5",
            f"{GENERIC_LEAD}\n\nTừ ngày 2/12, công an phường cấp căn cước cho trẻ em dưới "
            f"14 tuổi.\n\n{FILLER * 40}Phụ huynh đăng ký trước để nhận phiếu hẹn làm căn "
            f"cước.\n\n{FILLER * 40}Tre da co can cuoc thi khong can dang ky lai.",
            ("can-cuoc",),
        ),
        # ... and of two subjects opening it together, each coming back alone,
        (
            "Thông báo của UBND phường 5",
            f"{GENERIC_LEAD}\n\nPhường trao học bổng và cấp thẻ BHYT cho học sinh nghèo.\n\n"
            f"{FILLER * 30}Học bổng trao tại trường. Thẻ BHYT phát tại tổ.\n\n{FILLER * 30}"
            "Học bổng năm sau xét vào tháng 9. Thẻ BHYT có giá trị một năm.",
            ("bhyt", "hoc-bong"),
        ),
        # ... but a report whose opening names a topic once, and then only in a list, is
        # not about it,
        (
            MEETING,
            f"{MEETING_LEAD}\n\nTổ đã trao 40 thẻ BHYT cho các hộ khó khăn.\n\n"
            f"{FILLER * 12}Ai quên CCCD, thẻ BHYT thì báo tổ.\n\n{FILLER * 12}",
            (),
        ),
        # ... nor one naming it often, but not in its opening.
        (
            "Thông báo của UBND phường 5",
            f"{GENERIC_LEAD}\n\n{FILLER * 6}Tổ đã trao 40 thẻ BHYT. {FILLER * 6}Vận động "
            f"mua BHYT. {FILLER * 6}Thẻ BHYT phát tại tổ.\n\n{FILLER * 6}",
            (),
        ),
        # A school intake saying what a child must have is not about that: not in a
        # short notice,
        (
            INTAKE,
            f"{INTAKE_LEAD}\n\nTrẻ sinh năm 2021 phải có hộ khẩu thường trú trên địa bàn "
            "phường.\n\nPhụ huynh nộp hồ sơ tại văn phòng trường.",
            (),
        ),
        (
            INTAKE,
            f"{INTAKE_LEAD}\n\nĐiều kiện: trẻ sinh năm 2021, cư trú trên địa bàn phường.",
            (),
        ),
        (INTAKE, f"{INTAKE_LEAD}\n\nHồ sơ gồm giấy khai sinh và giấy xác nhận cư trú.", ()),
        # ... nor by two such sentences (they made two mentions: as many as a subject's),
        (
            INTAKE,
            f"{INTAKE_LEAD}\n\nTrẻ phải có đăng ký thường trú tại phường. Hồ sơ gồm giấy "
            "khai sinh và giấy xác nhận cư trú.",
            (),
        ),
        # ... nor by opening the text below the lead, then coming back once,
        (
            INTAKE,
            f"{INTAKE_LEAD}\n\nTrẻ cần có đăng ký thường trú hoặc tạm trú tại phường.\n\n"
            f"{FILLER * 12}Trẻ mới chuyển đến thì phụ huynh hỏi công an phường về tạm trú.",
            (),
        ),
        # ... while a sentence about doing it is a subject still.
        (
            "Thông báo của UBND phường 5",
            f"{GENERIC_LEAD}\n\nNgười từ nơi khác đến ở phải đăng ký tạm trú trong 30 ngày.",
            ("cu-tru",),
        ),
        (
            "Thông báo của UBND phường 5",
            f"{GENERIC_LEAD}\n\nTừ tháng 7, phường nhận hồ sơ đăng ký thường trú trực "
            f"tuyến.\n\n{FILLER * 12}Người đã đăng ký tạm trú thì không phải làm lại.",
            ("cu-tru",),
        ),
        # Named only below the lead, but the notice keeps coming back to it.
        (
            "Lịch phát thẻ tháng 11",
            "UBND phường thông báo lịch phát thẻ cho người dân các khu phố.\n\n"
            "Thẻ BHYT của khu phố 1 phát sáng thứ Hai. Thẻ BHYT của khu phố 2 phát chiều "
            "thứ Hai.\n\nAi mất thẻ BHYT thì làm đơn cấp lại.",
            ("bhyt",),
        ),
    ],
)
def test_notice_topics_are_what_the_notice_is_about(
    title: str, body: str, expected: tuple[str, ...]
) -> None:
    assert notice_topics(title, body, NOTICE_TOPICS) == expected


# ---------------------------------------------------------------------- corpus


def test_corpus_rejects_an_announcement_reusing_an_faq_id() -> None:
    faq = write("faq.yaml", FAQ_HEAD.replace("id: good", "id: 2024-07-15-a"))
    write("content/2024-07-15-a.md", NOTICE)
    write("content/2024-07-16-b.md", NOTICE.replace("Nội dung.", "Thẻ BHYT."))
    corpus, problems = load_corpus(faq, Path("content"))
    assert report(problems) == [
        (
            "content/2024-07-15-a.md:1: mã '2024-07-15-a' (tên tệp) trùng với mã một câu hỏi đáp "
            "ở faq.yaml:8 — thông báo này chưa được đăng; hãy đổi tên tệp, ví dụ "
            "2024-07-15-a-tb.md"
        )
    ]
    assert [e.id for e in corpus.faq] == ["2024-07-15-a"]
    assert [n.id for n in corpus.announcements] == ["2024-07-16-b"]
    assert corpus.announcements[0].topics == ("bhyt",)
    assert [t.id for t in corpus.topics] == ["bhyt", "cu-tru"]


def test_corpus_with_a_broken_faq_and_no_good_copy_has_the_notices_their_topics_unknown() -> None:
    """As the bot serves it: no FAQ, no topics, the notices; their topics are not known,
    so they are not reported as unknown (nor kept)."""
    faq = write("faq.yaml", "topics: [\n")
    write("content/2024-07-15-a.md", NOTICE.replace("---\nN", "topics: [bhyt]\n---\nN"))
    corpus, problems = load_corpus(faq, Path("content"))
    assert [(p.file, p.line) for p in problems] == [("faq.yaml", 2)]
    assert (corpus.topics, corpus.faq) == ([], [])
    assert [(n.id, n.topics) for n in corpus.announcements] == [("2024-07-15-a", ())]


def test_corpus_problems_come_faq_first() -> None:
    faq = write("faq.yaml", FAQ_HEAD + "  - id: bad\n")
    write("content/2024-07-15-a.md", "no front matter\n")
    _, problems = load_corpus(faq, Path("content"))
    assert [(p.file, p.line) for p in problems] == [
        ("faq.yaml", 11),
        ("faq.yaml", 11),
        ("content/2024-07-15-a.md", 1),
    ]
