"""Editing the staff's faq.yaml in place: what the bot then knows, and that nothing else in the
file moves (comments, quoting, layout), or that the edit is refused and the file untouched."""

from __future__ import annotations

import asyncio
import contextlib
import difflib
import itertools
import json
import os
import re
import stat
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
import yaml

from wardbot import faq_edit, faq_lines, faq_write
from wardbot.engine import Engine
from wardbot.faq_edit import FaqEditError, add_entry, add_variant, slug
from wardbot.faq_file import FaqFile, load_faq
from wardbot.loader import LAST_GOOD_FAQ_COPIES

# A ward's file as staff keep it: comments at the top, between entries and at line ends,
# quoted values, `|` answers, flow and block lists, and a section after faq:.
STAFF_FAQ = """\
# FAQ của UBND phường — do cán bộ phường cập nhật.
# Mỗi câu hỏi có id (chữ thường, gạch nối), câu hỏi, cách hỏi khác và câu trả lời.

topics:
  - id: bhyt                      # không đổi id này
    name: Bảo hiểm y tế
    keywords: [bảo hiểm y tế, bhyt, thẻ bhyt]
  - id: ho-tich
    name: Hộ tịch
    keywords: [khai sinh, kết hôn]

faq:
  # ---------------------------------------------------------------- BHYT
  - id: bhyt-muc-dong
    question: Mức đóng bảo hiểm y tế hộ gia đình là bao nhiêu?
    variants:
      - giá thẻ bhyt hộ gia đình
      - 'mua bhyt cho cả nhà hết bao nhiêu'   # hỏi nhiều nhất
    # Cập nhật khi lương cơ sở thay đổi.
    answer: |
      Người thứ nhất đóng 4,5% mức lương cơ sở.

      Người thứ hai, thứ ba, thứ tư đóng lần lượt 70%, 60%, 50% mức của người thứ nhất.
    topics: [bhyt]

  - id: bhyt-mat-the
    question: "Bị mất thẻ bảo hiểm y tế thì đi khám bệnh bằng gì?"
    answer: >
      Bà con xuất trình thẻ căn cước gắn chip hoặc ứng dụng VNeID khi đi khám.
    topics: [bhyt]  # cả căn cước

  # ---------------------------------------------------------------- Hộ tịch
  - id: ho-tich-khai-sinh
    question: Đăng ký khai sinh cho con cần giấy tờ gì?
    variants: [khai sinh cho bé, làm giấy khai sinh]
    answer: |
      Tờ khai, giấy chứng sinh và giấy tờ tùy thân của cha mẹ.
    topics: [ho-tich]
    # Sinh ở nước ngoài: hỏi thêm bộ phận hộ tịch.

# ---------------------------------------------------------------- Từ viết tắt
synonyms:
  gks: [giấy khai sinh]
  bhyt: [bảo hiểm y tế]
"""


@pytest.fixture
def faq_file(tmp_path: Path) -> Path:
    path = tmp_path / "ward" / "faq.yaml"
    path.parent.mkdir()
    path.write_text(STAFF_FAQ, encoding="utf-8")
    assert load_faq(path).problems == []
    return path


@pytest.fixture
def backups(tmp_path: Path) -> Path:
    return tmp_path / "data"


def entry(path: Path, entry_id: str):
    loaded = load_faq(path)
    assert loaded.problems == []
    return next(e for e in loaded.faq if e.id == entry_id)


def added_lines(before: str, after: str) -> list[str]:
    """The lines `after` adds; fails when it removes or changes any line of `before`."""
    added: list[str] = []
    matcher = difflib.SequenceMatcher(None, before.splitlines(), after.splitlines(), False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        assert op in ("equal", "insert"), (op, before.splitlines()[i1:i2])
        if op == "insert":
            added += after.splitlines()[j1:j2]
    return added


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != "faq.yaml")


# ------------------------------------------------------------------ add_variant


def test_variant_is_added_and_the_bot_then_knows_it(faq_file: Path, backups: Path) -> None:
    edit = add_variant(faq_file, "bhyt-muc-dong", "bhyt cả nhà đóng bao nhiêu", backup_dir=backups)

    assert (edit.faq_file, edit.entry_id) == (faq_file, "bhyt-muc-dong")
    assert entry(faq_file, "bhyt-muc-dong").variants == (
        "giá thẻ bhyt hộ gia đình",
        "mua bhyt cho cả nhà hết bao nhiêu",
        "bhyt cả nhà đóng bao nhiêu",
    )
    assert leftovers(faq_file.parent) == []  # no temporary file left beside it


def test_only_the_new_line_is_added_everything_else_kept_byte_for_byte(
    faq_file: Path, backups: Path
) -> None:
    add_variant(faq_file, "bhyt-muc-dong", "bhyt cả nhà đóng bao nhiêu", backup_dir=backups)

    after = faq_file.read_text(encoding="utf-8")
    # Under the last item, with its indentation; the comment before `answer:` stays below it.
    assert added_lines(STAFF_FAQ, after) == ["      - bhyt cả nhà đóng bao nhiêu"]
    assert (
        "      - 'mua bhyt cho cả nhà hết bao nhiêu'   # hỏi nhiều nhất\n"
        "      - bhyt cả nhà đóng bao nhiêu\n"
        "    # Cập nhật khi lương cơ sở thay đổi.\n"
    ) in after


def test_an_entry_without_variants_gets_a_list_after_its_question(
    faq_file: Path, backups: Path
) -> None:
    add_variant(faq_file, "bhyt-mat-the", "quên thẻ bhyt", backup_dir=backups)

    after = faq_file.read_text(encoding="utf-8")
    assert added_lines(STAFF_FAQ, after) == ["    variants:", "      - quên thẻ bhyt"]
    assert '?"\n    variants:\n      - quên thẻ bhyt\n    answer: >\n' in after
    assert entry(faq_file, "bhyt-mat-the").variants == ("quên thẻ bhyt",)


def test_a_flow_list_stays_a_flow_list(faq_file: Path, backups: Path) -> None:
    add_variant(faq_file, "ho-tich-khai-sinh", "khai sinh, cần gì?", backup_dir=backups)

    after = faq_file.read_text(encoding="utf-8")
    assert "    variants: [khai sinh cho bé, làm giấy khai sinh, 'khai sinh, cần gì?']\n" in after
    assert len(after.splitlines()) == len(STAFF_FAQ.splitlines())
    assert entry(faq_file, "ho-tich-khai-sinh").variants[-1] == "khai sinh, cần gì?"


@pytest.mark.parametrize(
    "variant", ["? khai sinh", "?khai sinh", ": khai sinh", "khai sinh cần gì?", "khai sinh ?con"]
)
def test_a_flow_list_item_a_yaml_parser_would_misread_is_quoted(
    faq_file: Path, backups: Path, variant: str
) -> None:
    add_variant(faq_file, "ho-tich-khai-sinh", variant, backup_dir=backups)

    text = faq_file.read_text(encoding="utf-8")
    assert f"    variants: [khai sinh cho bé, làm giấy khai sinh, '{variant}']\n" in text
    assert entry(faq_file, "ho-tich-khai-sinh").variants[-1] == variant
    # PyYAML without libyaml reads it the same (it ends plain text at '?' in a [...]
    # list), so the next edit can still read the file.
    assert yaml.safe_load(text)["faq"][2]["variants"][-1] == variant
    add_variant(faq_file, "bhyt-muc-dong", "bhyt cả nhà đóng bao nhiêu", backup_dir=backups)
    assert entry(faq_file, "bhyt-muc-dong").variants[-1] == "bhyt cả nhà đóng bao nhiêu"


def test_text_that_yaml_would_misread_is_quoted(faq_file: Path, backups: Path) -> None:
    add_variant(faq_file, "bhyt-muc-dong", "giờ nộp: 7:30", backup_dir=backups)
    add_variant(faq_file, "bhyt-muc-dong", "yes", backup_dir=backups)

    assert entry(faq_file, "bhyt-muc-dong").variants[-2:] == ("giờ nộp: 7:30", "yes")
    assert "      - 'yes'\n" in faq_file.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "variant",
    [
        "GIA THE BHYT HO GIA DINH",  # a variant it has, without accents, in capitals
        "  mua bhyt   cho cả nhà hết bao nhiêu ",  # another, with stray spaces
        "muc dong bao hiem y te ho gia dinh la bao nhieu",  # its question
    ],
)
def test_a_variant_it_already_has_is_refused(faq_file: Path, backups: Path, variant: str) -> None:
    with pytest.raises(FaqEditError, match="đã có") as refused:
        add_variant(faq_file, "bhyt-muc-dong", variant, backup_dir=backups)

    assert f"{faq_file}:" in str(refused.value)  # where the one it has is
    assert faq_file.read_text(encoding="utf-8") == STAFF_FAQ
    assert not backups.exists()


@pytest.mark.parametrize(
    ("variant", "owner", "kind", "line"),
    [
        ("Gia the BHYT ho gia dinh", "bhyt-muc-dong", "một cách hỏi", 17),  # its variant
        ("dang ky khai sinh cho con can giay to gi", "ho-tich-khai-sinh", "câu hỏi", 34),
        ("làm giấy khai sinh", "ho-tich-khai-sinh", "một cách hỏi", 35),  # in a [...] list
        # Its question with a comma and a dash typed in: the same words, as faq.yaml's
        # check of two entries asking alike reads them.
        ("Mức đóng bảo hiểm y tế, hộ gia đình - là bao nhiêu", "bhyt-muc-dong", "câu hỏi", 15),
    ],
)
def test_a_variant_another_entry_asks_is_refused_naming_that_entry(
    faq_file: Path, backups: Path, variant: str, owner: str, kind: str, line: int
) -> None:
    """Two officers, or a wrong button then the right one: the second entry asking the
    same would split the match, and the bot would answer neither."""
    with pytest.raises(FaqEditError) as refused:
        add_variant(faq_file, "bhyt-mat-the", variant, backup_dir=backups)

    said = str(refused.value)
    assert f"đó là {kind} của mục '{owner}' ({faq_file}:{line})" in said
    assert "bot không trả lời được mục nào" in said
    assert faq_file.read_text(encoding="utf-8") == STAFF_FAQ
    assert not backups.exists()


def test_an_unknown_entry_is_refused_by_its_id(faq_file: Path, backups: Path) -> None:
    with pytest.raises(FaqEditError, match="'bhyt-khong-co'"):
        add_variant(faq_file, "bhyt-khong-co", "hỏi gì đó", backup_dir=backups)

    assert faq_file.read_text(encoding="utf-8") == STAFF_FAQ


def test_a_file_that_does_not_parse_is_refused_with_its_line(faq_file: Path, backups: Path) -> None:
    broken = STAFF_FAQ.replace(
        "    question: Đăng ký khai sinh cho con cần giấy tờ gì?",
        "    question: Khai sinh: cần giấy tờ gì?",  # ': ' in unquoted text
    )
    faq_file.write_text(broken, encoding="utf-8")
    line = broken.splitlines().index("    question: Khai sinh: cần giấy tờ gì?") + 1

    with pytest.raises(FaqEditError) as refused:
        add_variant(faq_file, "bhyt-muc-dong", "bhyt cả nhà", backup_dir=backups)

    assert re.search(rf"{re.escape(str(faq_file))}:{line}(?!\d)", str(refused.value))
    assert faq_file.read_text(encoding="utf-8") == broken
    assert leftovers(faq_file.parent) == []


def test_a_word_line_break_pasted_in_an_answer_does_not_block_an_edit(
    faq_file: Path, backups: Path
) -> None:
    """faq.yaml with a line break of Word's (a vertical tab) pasted into an answer is
    served, its mark read as a space: an officer's ➕ on it works, the mark kept as typed."""
    pasted = STAFF_FAQ.replace("gắn chip hoặc", "gắn chip\vhoặc")
    faq_file.write_text(pasted, encoding="utf-8")
    add_variant(faq_file, "bhyt-mat-the", "mất thẻ bhyt", backup_dir=backups)
    edited = load_faq(faq_file)
    assert [str(p) for p in edited.problems] == [
        f"{faq_file}:31: dòng này có một dấu xuống dòng của Word (Shift+Enter) sau chữ 'chip', "
        "thường do dán từ Word hay Excel: bot đọc nó như một dấu cách — tệp vẫn được dùng; hãy "
        "xóa ký tự này (bấm Delete ngay sau chữ đó) rồi gõ dấu cách hay xuống dòng như ý muốn"
    ]
    mat_the = next(e for e in edited.faq if e.id == "bhyt-mat-the")
    assert mat_the.variants == ("mất thẻ bhyt",)
    assert "gắn chip hoặc ứng dụng" in mat_the.answer
    assert added_lines(pasted, faq_file.read_text(encoding="utf-8")) == [
        "    variants:",
        "      - mất thẻ bhyt",
    ]


def test_an_unrelated_bad_entry_does_not_block_an_edit(faq_file: Path, backups: Path) -> None:
    # Below the edit, so every line of these problems moves: a typo'd key (one problem: the
    # entry is skipped for want of the answer it meant), and an id used twice (its message
    # names the line of the first one, "đã dùng ở dòng N", which moves too).
    bad = STAFF_FAQ.replace(
        "\n# ---",
        "\n  - id: ho-tich-khai-sinh\n    question: Trùng id\n    answer: x\n\n"
        "  - id: ho-tich-ket-hon\n    question: Kết hôn cần gì?\n    anwser: Tờ khai.\n"
        "\n# ---",
    )
    faq_file.write_text(bad, encoding="utf-8")
    assert len(load_faq(faq_file).problems) == 2

    add_variant(faq_file, "bhyt-muc-dong", "bhyt cả nhà đóng bao nhiêu", backup_dir=backups)

    loaded = load_faq(faq_file)
    assert len(loaded.problems) == 2
    assert "bhyt cả nhà đóng bao nhiêu" in entry_of(loaded, "bhyt-muc-dong").variants


def test_a_variant_goes_to_the_entry_served_not_a_copy_pasted_above_it(
    faq_file: Path, backups: Path
) -> None:
    backups.mkdir()
    (backups / LAST_GOOD_FAQ_COPIES[0]).write_text(STAFF_FAQ, encoding="utf-8")  # as served
    copied = STAFF_FAQ.replace(
        "  - id: bhyt-mat-the\n",
        "  - id: ho-tich-khai-sinh\n    question: Khai tử cần gì?\n    answer: Tờ khai tử.\n\n"
        "  - id: bhyt-mat-the\n",
    )
    faq_file.write_text(copied, encoding="utf-8")

    add_variant(faq_file, "ho-tich-khai-sinh", "giấy khai sinh cho bé", backup_dir=backups)

    written = faq_file.read_text(encoding="utf-8")
    assert written.index("giấy khai sinh cho bé") > written.index("làm giấy khai sinh")
    served = load_faq(faq_file, serving=load_faq(backups / LAST_GOOD_FAQ_COPIES[0]))
    assert entry_of(served, "ho-tich-khai-sinh").variants == (
        "khai sinh cho bé",
        "làm giấy khai sinh",
        "giấy khai sinh cho bé",
    )


def test_a_variant_goes_into_a_variants_line_written_without_brackets(
    faq_file: Path, backups: Path
) -> None:
    typed = STAFF_FAQ.replace(
        "variants: [khai sinh cho bé, làm giấy khai sinh]",
        "variants: khai sinh cho bé, làm giấy khai sinh  # hỏi nhiều",
    )
    faq_file.write_text(typed, encoding="utf-8")

    add_variant(faq_file, "ho-tich-khai-sinh", "giấy khai sinh cần gì?", backup_dir=backups)

    assert load_faq(faq_file).problems == []  # the line is now written as it should be
    assert entry(faq_file, "ho-tich-khai-sinh").variants == (
        "khai sinh cho bé",
        "làm giấy khai sinh",
        "giấy khai sinh cần gì?",
    )
    assert "# hỏi nhiều" in faq_file.read_text(encoding="utf-8")


def test_a_variant_added_to_an_unbracketed_line_keeps_its_quoted_items_as_meant(
    faq_file: Path, backups: Path
) -> None:
    typed = STAFF_FAQ.replace(
        "variants: [khai sinh cho bé, làm giấy khai sinh]",
        'variants: khai sinh cho bé, "làm giấy khai sinh"',
    )
    faq_file.write_text(typed, encoding="utf-8")

    add_variant(faq_file, "ho-tich-khai-sinh", "giấy khai sinh cần gì?", backup_dir=backups)

    assert entry(faq_file, "ho-tich-khai-sinh").variants == (
        "khai sinh cho bé",
        "làm giấy khai sinh",
        "giấy khai sinh cần gì?",
    )


def test_a_variant_goes_into_an_unbracketed_variants_line_carried_on_to_the_next(
    faq_file: Path, backups: Path
) -> None:
    # Read (and told by check) as two ways of asking; /variant adds a third, not refused
    # as "not a list".
    typed = STAFF_FAQ.replace(
        "variants: [khai sinh cho bé, làm giấy khai sinh]",
        "variants: khai sinh cho bé,\n      làm giấy khai sinh  # hỏi nhiều",
    )
    faq_file.write_text(typed, encoding="utf-8")
    assert entry_of(load_faq(faq_file), "ho-tich-khai-sinh").variants == (
        "khai sinh cho bé",
        "làm giấy khai sinh",
    )

    add_variant(faq_file, "ho-tich-khai-sinh", "giấy khai sinh cần gì?", backup_dir=backups)

    assert entry(faq_file, "ho-tich-khai-sinh").variants == (
        "khai sinh cho bé",
        "làm giấy khai sinh",
        "giấy khai sinh cần gì?",
    )
    assert "# hỏi nhiều" in faq_file.read_text(encoding="utf-8")


def test_a_new_entry_leaves_free_the_id_a_copy_left_out_is_told_to_take(
    faq_file: Path, backups: Path
) -> None:
    # A clerk copied an entry to start a new one and left its id; check tells them to name
    # the copy 'gio-lam-viec-2'. An admin's /newfaq whose question makes that same id:
    copied = STAFF_FAQ.replace(
        "  - id: bhyt-mat-the\n",
        "  - id: gio-lam-viec\n    question: Phường làm việc mấy giờ?\n    answer: 7 giờ 30.\n"
        "  - id: gio-lam-viec\n    question: Thứ bảy có làm không?\n    answer: Sáng có.\n"
        "  - id: bhyt-mat-the\n",
    )
    faq_file.write_text(copied, encoding="utf-8")
    (told,) = load_faq(faq_file).problems
    assert told.message.endswith("ví dụ gio-lam-viec-2")

    edit = add_entry(faq_file, "Giờ làm việc", "Từ 7 giờ 30 đến 17 giờ.", backup_dir=backups)

    # Written (not refused for the copy already there), under an id of its own, and the
    # copy is still told the id it was told before, which nothing has taken.
    assert edit.entry_id == "gio-lam-viec-3"
    after = load_faq(faq_file)
    assert entry_of(after, "gio-lam-viec-3").answer == "Từ 7 giờ 30 đến 17 giờ."
    (still,) = after.problems
    assert still.message == told.message and still.line == told.line


def entry_of(loaded, entry_id: str):
    return next(e for e in loaded.faq if e.id == entry_id)


# -------------------------------------------------------------------- add_entry


def test_a_new_entry_goes_last_in_faq_and_loads_with_its_multiline_answer(
    faq_file: Path, backups: Path
) -> None:
    answer = "Bà con đến bộ phận một cửa.\n\nMang theo:\n  - tờ khai\n  - căn cước  \n"
    edit = add_entry(
        faq_file,
        "Làm lại giấy khai sinh bị mất thì làm sao?",
        answer,
        backup_dir=backups,
        topics=["ho-tich"],
        variants=["mất giấy khai sinh", "Mat giay khai sinh", "trích lục khai sinh"],
    )

    loaded = load_faq(faq_file)
    assert loaded.problems == []
    new = loaded.faq[-1]
    assert new.id == edit.entry_id
    assert new.answer == "Bà con đến bộ phận một cửa.\n\nMang theo:\n  - tờ khai\n  - căn cước"
    assert new.variants == ("mất giấy khai sinh", "trích lục khai sinh")  # a repeat left out
    assert new.topics == ("ho-tich",)

    after = faq_file.read_text(encoding="utf-8")
    assert len(added_lines(STAFF_FAQ, after)) == 13  # nothing removed or changed
    # After the last entry and a blank line, as the file separates them; before the comment
    # that heads the next section.
    assert (
        "    topics: [ho-tich]\n"
        "    # Sinh ở nước ngoài: hỏi thêm bộ phận hộ tịch.\n"  # stays with its entry
        "\n"
        f"  - id: {edit.entry_id}\n"
        "    question: Làm lại giấy khai sinh bị mất thì làm sao?\n"
        "    variants:\n"
        "      - mất giấy khai sinh\n"
        "      - trích lục khai sinh\n"
        "    answer: |\n"
        "      Bà con đến bộ phận một cửa.\n"
        "\n"
        "      Mang theo:\n"
        "        - tờ khai\n"
        "        - căn cước\n"
        "    topics: [ho-tich]\n"
        "\n"
        "# ----------------------------------------------------------------"
    ) in after


def test_a_one_line_answer_is_written_on_the_key_line(faq_file: Path, backups: Path) -> None:
    edit = add_entry(faq_file, "Giờ làm việc?", "Từ 7:30 đến 17:00.", backup_dir=backups)

    assert "    answer: Từ 7:30 đến 17:00.\n" in faq_file.read_text(encoding="utf-8")
    assert entry(faq_file, edit.entry_id).answer == "Từ 7:30 đến 17:00."


def test_the_id_is_made_from_the_question_and_made_unique(faq_file: Path, backups: Path) -> None:
    # Different questions whose first six words are the same.
    first = add_entry(faq_file, "Bị mất thẻ BHYT làm lại ở đâu?", "Ở BHXH.", backup_dir=backups)
    second = add_entry(faq_file, "Bị mất thẻ BHYT làm lại bao lâu?", "7 ngày.", backup_dir=backups)
    third = add_entry(
        faq_file, "bi mat the BHYT lam lai mat phi khong", "Không.", backup_dir=backups
    )

    assert [first.entry_id, second.entry_id, third.entry_id] == [
        "bi-mat-the-bhyt-lam-lai",
        "bi-mat-the-bhyt-lam-lai-2",
        "bi-mat-the-bhyt-lam-lai-3",
    ]
    assert [e.id for e in load_faq(faq_file).faq][-3:] == [
        "bi-mat-the-bhyt-lam-lai",
        "bi-mat-the-bhyt-lam-lai-2",
        "bi-mat-the-bhyt-lam-lai-3",
    ]


@pytest.mark.parametrize(
    ("question", "variants", "entry_id", "line"),
    [
        # Another entry's question, typed without accents and with other end punctuation.
        ("bi mat the bao hiem y te thi di kham benh bang gi", (), "bhyt-mat-the", 27),
        # A variant of another entry, in capitals.
        ("LÀM GIẤY KHAI SINH", (), "ho-tich-khai-sinh", 35),
        # A new question, but one of its variants is another entry's.
        ("Giá thẻ BHYT năm nay?", ("giá thẻ bhyt hộ gia đình",), "bhyt-muc-dong", 17),
        # Another entry's question with a comma typed in.
        ("Bị mất thẻ bảo hiểm y tế, thì đi khám bệnh bằng gì", (), "bhyt-mat-the", 27),
    ],
)
def test_a_new_entry_asking_what_an_entry_already_asks_is_refused(
    faq_file: Path,
    backups: Path,
    question: str,
    variants: tuple[str, ...],
    entry_id: str,
    line: int,
) -> None:
    # Two entries asking the same split the match: the bot would answer neither.
    with pytest.raises(FaqEditError, match=f"đã có: đó là .* của mục '{entry_id}'") as refused:
        add_entry(faq_file, question, "Trả lời.", variants=variants, backup_dir=backups)

    assert f"{faq_file}:{line})" in str(refused.value)  # where staff find it
    assert faq_file.read_text(encoding="utf-8") == STAFF_FAQ
    assert not backups.exists()


def test_a_given_id_that_is_taken_is_refused(faq_file: Path, backups: Path) -> None:
    with pytest.raises(FaqEditError, match="'bhyt-mat-the' đã có"):
        add_entry(faq_file, "Q?", "A.", entry_id="bhyt-mat-the", backup_dir=backups)

    assert faq_file.read_text(encoding="utf-8") == STAFF_FAQ


@pytest.mark.parametrize(
    ("answer", "topics", "why"),
    [
        ("   ", (), "dòng answer: còn trống"),
        ("Có.", ("bhxh",), "chủ đề 'bhxh' không có trong phần topics:"),
    ],
)
def test_an_edit_that_would_bring_a_problem_is_refused(
    faq_file: Path, backups: Path, answer: str, topics: tuple[str, ...], why: str
) -> None:
    with pytest.raises(FaqEditError, match=re.escape(why)) as refused:
        add_entry(faq_file, "Câu hỏi mới?", answer, topics=topics, backup_dir=backups)

    assert f"{faq_file}:" in str(refused.value)
    assert faq_file.read_text(encoding="utf-8") == STAFF_FAQ
    assert leftovers(faq_file.parent) == []
    assert not backups.exists()


def test_slug_is_a_short_ascii_id() -> None:
    assert slug("Đăng ký thường trú cho con ở đâu?") == "dang-ky-thuong-tru-cho-con"
    assert slug("Mất thẻ BHYT thì làm sao?") == "mat-the-bhyt-thi-lam-sao"
    long = slug("Nghiêngggggggggggggggggg " * 5)
    assert len(long) <= 50 and re.fullmatch(r"[a-z0-9-]+", long)
    assert slug("???") == "cau-hoi"


# ------------------------------------------------------------- writing safely


def test_the_previous_versions_are_kept_last_three(faq_file: Path, backups: Path) -> None:
    versions = [faq_file.read_bytes()]
    edits = []
    for n in range(4):
        edits.append(add_variant(faq_file, "bhyt-muc-dong", f"cách hỏi {n}", backup_dir=backups))
        versions.append(faq_file.read_bytes())

    assert edits[-1].backup == backups / "faq.before-edit.yaml"
    assert (backups / "faq.before-edit.yaml").read_bytes() == versions[3]
    assert (backups / "faq.before-edit.1.yaml").read_bytes() == versions[2]
    assert (backups / "faq.before-edit.2.yaml").read_bytes() == versions[1]
    assert sorted(p.name for p in backups.iterdir()) == [
        "faq.before-edit.1.yaml",
        "faq.before-edit.2.yaml",
        "faq.before-edit.yaml",
    ]


def test_the_file_keeps_its_permissions(faq_file: Path, backups: Path) -> None:
    faq_file.chmod(0o640)

    add_variant(faq_file, "bhyt-muc-dong", "bhyt cả nhà", backup_dir=backups)

    assert stat.S_IMODE(os.stat(faq_file).st_mode) == 0o640


@pytest.mark.parametrize("bot_is_root", [True, False])
def test_the_file_keeps_its_group_and_as_root_its_owner(
    faq_file: Path, backups: Path, monkeypatch: pytest.MonkeyPatch, bot_is_root: bool
) -> None:
    """Staff share the ward's folder through a group: an edit by the bot must not hand
    faq.yaml to the bot's own user and group, which would take their write access away."""
    if os.geteuid() != 0:  # only root can hand a file to others: see what is asked for
        info = os.stat(faq_file)
        asked: list[tuple[int, int]] = []
        monkeypatch.setattr(os, "chown", lambda _path, uid, gid: asked.append((uid, gid)))
        monkeypatch.setattr(os, "geteuid", lambda: 0 if bot_is_root else info.st_uid)
        add_variant(faq_file, "bhyt-muc-dong", "bhyt cả nhà", backup_dir=backups)
        assert asked == [(info.st_uid if bot_is_root else -1, info.st_gid)]
        return
    staff_user, shared_group = 65534, 100  # nobody, users
    os.chown(faq_file, staff_user, shared_group)
    if not bot_is_root:  # the bot as another user of that group: it keeps the group
        monkeypatch.setattr(os, "geteuid", lambda: 1000)
        staff_user = 0
    faq_file.chmod(0o2664)

    add_variant(faq_file, "bhyt-muc-dong", "bhyt cả nhà", backup_dir=backups)

    info = os.stat(faq_file)
    assert (info.st_uid, info.st_gid) == (staff_user, shared_group)
    assert stat.S_IMODE(info.st_mode) == 0o2664


def test_a_linked_faq_file_stays_a_link(faq_file: Path, backups: Path, tmp_path: Path) -> None:
    link = tmp_path / "faq-link.yaml"
    link.symlink_to(faq_file)

    add_variant(link, "bhyt-muc-dong", "bhyt cả nhà", backup_dir=backups)

    assert link.is_symlink()
    assert "bhyt cả nhà" in entry(faq_file, "bhyt-muc-dong").variants


def test_windows_line_ends_and_byte_order_mark_are_kept(faq_file: Path, backups: Path) -> None:
    original = b"\xef\xbb\xbf" + STAFF_FAQ.replace("\n", "\r\n").encode()
    faq_file.write_bytes(original)

    add_variant(faq_file, "bhyt-mat-the", "quên thẻ bhyt", backup_dir=backups)

    data = faq_file.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\n") == data.count(b"\r\n") == STAFF_FAQ.count("\n") + 2
    assert entry(faq_file, "bhyt-mat-the").variants == ("quên thẻ bhyt",)


@pytest.mark.parametrize(("bom", "codec"), [(b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")])
def test_a_file_saved_as_unicode_in_notepad_is_edited_and_stays_so(
    faq_file: Path, backups: Path, bom: bytes, codec: str
) -> None:
    faq_file.write_bytes(bom + STAFF_FAQ.replace("\n", "\r\n").encode(codec))

    add_variant(faq_file, "bhyt-mat-the", "quên thẻ bhyt", backup_dir=backups)

    data = faq_file.read_bytes()
    assert data.startswith(bom)
    text = data[2:].decode(codec)
    added = added_lines(STAFF_FAQ, text.replace("\r\n", "\n"))
    assert added == ["    variants:", "      - quên thẻ bhyt"]
    assert text.count("\n") == text.count("\r\n")
    assert entry(faq_file, "bhyt-mat-the").variants == ("quên thẻ bhyt",)


def test_a_line_separator_pasted_into_an_answer_does_not_stop_an_edit(
    faq_file: Path, backups: Path
) -> None:
    """The bot reads it as the space Notepad shows (staff_read): so does the editor, and
    it stays in the file as it was."""
    pasted = STAFF_FAQ.replace("xuất trình thẻ", "xuất trình\u2028thẻ")
    faq_file.write_text(pasted, encoding="utf-8")

    add_variant(faq_file, "bhyt-mat-the", "quên thẻ bhyt", backup_dir=backups)

    after = faq_file.read_text(encoding="utf-8")
    assert added_lines(pasted, after) == ["    variants:", "      - quên thẻ bhyt"]
    assert entry(faq_file, "bhyt-mat-the").variants == ("quên thẻ bhyt",)


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_a_new_answer_with_a_pasted_line_separator_is_written_as_the_bot_reads_it(
    faq_file: Path, backups: Path, separator: str
) -> None:
    """An officer's answer pasted from a web page into chat: the space the loader reads
    the separator as (staff_read), not an edit refused as the bot's own error."""
    answer = f"Sáng 7:30 đến 11:30,{separator}chiều 13:30 đến 17:00.\nThứ Bảy nghỉ."

    edit = add_entry(faq_file, "Giờ làm việc của phường?", answer, backup_dir=backups)

    assert entry(faq_file, edit.entry_id).answer == (
        "Sáng 7:30 đến 11:30, chiều 13:30 đến 17:00.\nThứ Bảy nghỉ."
    )


def test_a_file_written_meanwhile_is_read_again(
    faq_file: Path, backups: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone saves faq.yaml while the edit is being checked: their change is not lost."""
    validate = faq_write._validate
    calls = []

    def someone_saves(*args, **kwargs):
        if not calls:
            text = faq_file.read_text(encoding="utf-8")
            faq_file.write_text(text + "  nhap: [nhập]  # thêm bởi cán bộ\n", encoding="utf-8")
        calls.append(1)
        return validate(*args, **kwargs)

    monkeypatch.setattr(faq_write, "_validate", someone_saves)
    add_variant(faq_file, "bhyt-muc-dong", "bhyt cả nhà", backup_dir=backups)

    assert len(calls) == 2
    text = faq_file.read_text(encoding="utf-8")
    assert "  nhap: [nhập]  # thêm bởi cán bộ\n" in text
    assert "bhyt cả nhà" in entry(faq_file, "bhyt-muc-dong").variants


def _saved_while_backed_up(
    faq_file: Path, monkeypatch: pytest.MonkeyPatch, change: Callable[[str], str]
) -> None:
    """An officer's editor saves faq.yaml (`change` of it) while the bot is keeping its
    copy of the version it replaces (a disk-synced write: the last step before the rename)."""
    keep = faq_write._keep_backup
    saved: list[str] = []

    def officer_saves(*args, **kwargs):
        path = keep(*args, **kwargs)
        if not saved:
            saved.append(change(faq_file.read_text(encoding="utf-8")))
            faq_file.write_text(saved[0], encoding="utf-8")
        return path

    monkeypatch.setattr(faq_write, "_keep_backup", officer_saves)


def test_a_staff_save_landing_while_the_edit_keeps_its_backup_is_not_overwritten(
    faq_file: Path, backups: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The officer's save is kept and the chat edit made on top of it: neither is lost."""
    _saved_while_backed_up(
        faq_file,
        monkeypatch,
        lambda text: text.replace("Bà con xuất trình", "Người dân xuất trình"),
    )
    add_variant(faq_file, "bhyt-mat-the", "quên thẻ bảo hiểm", backup_dir=backups)

    got = entry(faq_file, "bhyt-mat-the")
    assert got.variants == ("quên thẻ bảo hiểm",)
    assert got.answer.startswith("Người dân xuất trình")
    assert leftovers(faq_file.parent) == []


def test_undo_never_overwrites_a_staff_save_landing_while_it_keeps_its_backup(
    faq_file: Path, backups: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit = add_variant(faq_file, "bhyt-mat-the", "quên thẻ bảo hiểm", backup_dir=backups)
    _saved_while_backed_up(faq_file, monkeypatch, lambda text: text + "# cán bộ Lan đã xem\n")

    with pytest.raises(FaqEditError, match="đã được sửa tiếp"):
        faq_write.undo(edit, backup_dir=backups)

    assert faq_file.read_text(encoding="utf-8").endswith("# cán bộ Lan đã xem\n")
    assert entry(faq_file, "bhyt-mat-the").variants == ("quên thẻ bảo hiểm",)


def test_a_file_that_keeps_changing_is_refused(
    faq_file: Path, backups: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    validate = faq_write._validate

    def someone_keeps_saving(*args, **kwargs):
        with faq_file.open("a", encoding="utf-8") as file:
            file.write("# sửa tiếp\n")
        return validate(*args, **kwargs)

    monkeypatch.setattr(faq_write, "_validate", someone_keeps_saving)
    with pytest.raises(FaqEditError, match=re.escape("faq.yaml vừa được sửa, hãy thử lại")):
        add_variant(faq_file, "bhyt-muc-dong", "bhyt cả nhà", backup_dir=backups)

    assert faq_file.read_text(encoding="utf-8") == STAFF_FAQ + "# sửa tiếp\n" * 2
    assert leftovers(faq_file.parent) == []


def test_an_edit_that_would_not_read_back_as_meant_is_refused(
    faq_file: Path, backups: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A safety net: whatever the lines say, the loader must read exactly the change."""
    monkeypatch.setattr(faq_lines, "_item_text", lambda text, flow: "một cách hỏi khác")

    with pytest.raises(FaqEditError, match="đọc lại bản sửa"):
        add_variant(faq_file, "bhyt-muc-dong", "bhyt cả nhà", backup_dir=backups)

    assert faq_file.read_text(encoding="utf-8") == STAFF_FAQ
    assert leftovers(faq_file.parent) == []


def test_a_file_in_another_layout_keeps_its_own(tmp_path: Path, backups: Path) -> None:
    """Lists with '-' under their key, four-space keys: new lines follow the file, not ours."""
    text = (
        "topics:\n"
        "- id: bhyt\n"
        "  name: Bảo hiểm y tế\n"
        "faq:\n"
        "- id: a\n"
        "  question: Câu hỏi A?\n"
        "  variants:\n"
        "  - hỏi a\n"
        "  answer: |\n"
        "      Trả lời A.\n"
        "      Dòng hai.\n"
        "- id: b\n"
        "  question: Câu hỏi B rất dài\n"
        "    viết tiếp dòng dưới\n"
        "  answer: Trả lời B\n"
    )
    path = tmp_path / "faq.yaml"
    path.write_text(text, encoding="utf-8")

    add_variant(path, "a", "hỏi a cách khác", backup_dir=backups)
    add_variant(path, "b", "hỏi b", backup_dir=backups)
    edit = add_entry(path, "Câu hỏi C?", "Một.\nHai.", backup_dir=backups)

    assert added_lines(text, path.read_text(encoding="utf-8")) == [
        "  - hỏi a cách khác",
        "  variants:",
        "  - hỏi b",
        f"- id: {edit.entry_id}",
        "  question: Câu hỏi C?",
        "  answer: |",
        "      Một.",
        "      Hai.",
    ]
    loaded = load_faq(path)
    assert loaded.problems == []
    assert [e.variants for e in loaded.faq] == [("hỏi a", "hỏi a cách khác"), ("hỏi b",), ()]


def test_a_file_the_bot_serves_with_tabs_before_comments_can_be_edited(
    tmp_path: Path, backups: Path
) -> None:
    """Staff align line-end comments with the Tab key: the bot loads such a file (and
    `bot.py check` passes it), so /variant and /newfaq must edit it too."""
    text = (
        "topics:\n"
        "  - id: bhyt\t\t# không đổi id này\n"
        "    name: Bảo hiểm y tế\n"
        "faq:\n"
        "  - id: bhyt-mat-the\t# hỏi nhiều nhất\n"
        "    question: Mất thẻ bảo hiểm y tế thì làm sao?\n"
        "    variants:\n"
        "      - mất thẻ bhyt\t# từ Zalo\n"
        "    answer: Dùng ứng dụng VssID.\n"
    )
    path = tmp_path / "faq.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_faq(path).problems == []

    add_variant(path, "bhyt-mat-the", "làm lại thẻ bhyt", backup_dir=backups)
    edit = add_entry(path, "Gia hạn thẻ BHYT ở đâu?", "Tại đại lý thu.", backup_dir=backups)

    assert added_lines(text, path.read_text(encoding="utf-8")) == [
        "      - làm lại thẻ bhyt",
        "",
        f"  - id: {edit.entry_id}",
        "    question: Gia hạn thẻ BHYT ở đâu?",
        "    answer: Tại đại lý thu.",
    ]
    loaded = load_faq(path)
    assert loaded.problems == []
    assert loaded.faq[0].variants == ("mất thẻ bhyt", "làm lại thẻ bhyt")


@pytest.mark.parametrize("line", ["faq: []", "faq: []   # chưa có câu hỏi nào", "faq: [ ]"])
def test_a_new_wards_empty_faq_list_gets_its_first_entries(
    tmp_path: Path, backups: Path, line: str
) -> None:
    text = f"topics:\n  - id: bhyt\n    name: Bảo hiểm y tế\n\n{line}\n"
    path = tmp_path / "faq.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_faq(path).problems == []

    first = add_entry(path, "Làm CCCD ở đâu?", "Tại công an phường.", backup_dir=backups)
    second = add_entry(path, "Làm hộ chiếu ở đâu?", "Tại công an tỉnh.", backup_dir=backups)

    comment = line.partition("#")[2]
    written = path.read_text(encoding="utf-8").splitlines()
    assert written[4] == "faq:" + (f"   #{comment}" if comment else "")
    assert written[5:] == [
        f"  - id: {first.entry_id}",
        "    question: Làm CCCD ở đâu?",
        "    answer: Tại công an phường.",
        "",
        f"  - id: {second.entry_id}",
        "    question: Làm hộ chiếu ở đâu?",
        "    answer: Tại công an tỉnh.",
    ]
    loaded = load_faq(path)
    assert loaded.problems == []
    assert [e.question for e in loaded.faq] == ["Làm CCCD ở đâu?", "Làm hộ chiếu ở đâu?"]


# ------------------------------------------------ chat edits a hand save dropped


class _Told:
    """FaqEditor's warn_admins: what admins were told."""

    def __init__(self) -> None:
        self.notes: list[str] = []

    async def __call__(self, text: str) -> None:
        self.notes.append(text)


async def _reloaded() -> bool:
    return True


@contextlib.asynccontextmanager
async def _editing_served(
    faq_file: Path, backups: Path
) -> AsyncIterator[tuple[Engine, faq_edit.FaqEditor, _Told, list[float]]]:
    """A bot's engine serving `faq_file` and the chat editor reloading it, for edits met
    by hand saves: (engine, editor, what admins were told, the editor's clock to move)."""
    content = faq_file.parent / "content"
    content.mkdir()
    engine = Engine.open(faq_file, content, backups)

    async def reload() -> bool:
        await asyncio.to_thread(engine.reload)
        return True

    told, now = _Told(), [1_800_000_000.0]
    editor = faq_edit.FaqEditor(faq_file, backups, reload, warn_admins=told, clock=lambda: now[0])
    try:
        yield engine, editor, told, now
    finally:
        engine.close()


def _editor(faq_file: Path, backups: Path, told: _Told, now: list[float]) -> faq_edit.FaqEditor:
    return faq_edit.FaqEditor(faq_file, backups, _reloaded, warn_admins=told, clock=lambda: now[0])


async def test_a_hand_save_from_an_editor_open_for_hours_is_told_and_redo_adds_the_edit_again(
    faq_file: Path, backups: Path
) -> None:
    """An officer opens faq.yaml in the morning; at noon an admin adds a variant and an
    entry from chat; in the afternoon the officer saves what the editor holds, with their
    own change and comment. Admins are told (past /undo's 30 minutes too), and /redo adds
    both again on top of the file as saved: the officer's change and comment stay."""
    told, now = _Told(), [1_800_000_000.0]
    editor = _editor(faq_file, backups, told, now)
    await editor.add_variant("bhyt-mat-the", "quên thẻ bảo hiểm")
    added = await editor.add_entry("Phường có cho mượn loa không?", "Dạ có, liên hệ văn phòng.")
    await editor.note_overwritten()  # the bot reads its own write: no hand save showing them
    now[0] += 3 * 3600
    hand = STAFF_FAQ.replace("Người thứ nhất đóng", "Người thứ nhất (chủ hộ) đóng").replace(
        "# Cập nhật khi lương cơ sở thay đổi.", "# Cập nhật khi lương cơ sở thay đổi (7/2024)."
    )
    await asyncio.to_thread(faq_file.write_text, hand, encoding="utf-8")
    await editor.note_overwritten()
    assert len(told.notes) == 1
    assert "quên thẻ bảo hiểm" in told.notes[0] and f"mục mới {added.entry_id}" in told.notes[0]
    assert "/redo" in told.notes[0]
    await editor.note_overwritten()  # read again: told once
    assert len(told.notes) == 1

    reply = await editor.redo()
    assert "Đã thêm lại" in reply and "quên thẻ bảo hiểm" in reply
    text = await asyncio.to_thread(faq_file.read_text, encoding="utf-8")
    assert "(chủ hộ)" in text and "(7/2024)" in text  # the hand change kept
    loaded = load_faq(faq_file)
    assert loaded.problems == []
    entries = {e.id: e for e in loaded.faq}
    assert entries["bhyt-mat-the"].variants == ("quên thẻ bảo hiểm",)
    assert entries[added.entry_id].answer == "Dạ có, liên hệ văn phòng."
    assert added_lines(hand, text)[0] == "    variants:"  # spliced in, nothing else moved
    assert await editor.redo() == faq_edit.msg.FAQ_REDO_NOTHING  # each added once
    await editor.note_overwritten()
    assert len(told.notes) == 1


async def test_a_chat_edit_a_hand_save_showed_then_taken_out_later_is_not_told(
    faq_file: Path, backups: Path
) -> None:
    """An officer's editor had the chat edit (they saved the file with it, adding a note):
    taken out by them more than 30 minutes later, on purpose, it is not told lost."""
    told, now = _Told(), [1_800_000_000.0]
    editor = _editor(faq_file, backups, told, now)
    await editor.add_variant("bhyt-mat-the", "quên thẻ bảo hiểm")
    with_it = await asyncio.to_thread(faq_file.read_text, encoding="utf-8")
    await asyncio.to_thread(faq_file.write_text, with_it + "# đã xem\n", encoding="utf-8")
    await editor.note_overwritten()
    now[0] += faq_edit.UNDO_FOR + 60
    await asyncio.to_thread(faq_file.write_text, STAFF_FAQ + "# đã xem\n", encoding="utf-8")
    await editor.note_overwritten()
    assert told.notes == []
    assert await editor.redo() == faq_edit.msg.FAQ_REDO_NOTHING


async def test_chat_edits_are_watched_across_a_restart_for_thirty_days(
    faq_file: Path, backups: Path
) -> None:
    """The bot restarts between a chat edit and a save from an old copy: still told. An
    edit no hand save showed within 30 days is no longer watched (an editor held open that
    long is not expected, and a removal then is taken as meant)."""
    told, now = _Told(), [1_800_000_000.0]
    editor = _editor(faq_file, backups, told, now)
    await editor.add_variant("bhyt-mat-the", "quên thẻ bảo hiểm")
    await editor.add_variant("bhyt-mat-the", "rớt thẻ bảo hiểm")
    now[0] += 2 * 86400
    restarted = _editor(faq_file, backups, told, now)
    await asyncio.to_thread(faq_file.write_text, STAFF_FAQ, encoding="utf-8")
    await restarted.note_overwritten()
    assert len(told.notes) == 1 and "rớt thẻ bảo hiểm" in told.notes[0]
    assert "quên thẻ bảo hiểm" in told.notes[0]

    await restarted.add_variant("bhyt-mat-the", "mất thẻ bảo hiểm")
    now[0] += faq_edit_guard_days() * 86400 + 60
    await asyncio.to_thread(faq_file.write_text, STAFF_FAQ, encoding="utf-8")
    again = _editor(faq_file, backups, told, now)
    await again.note_overwritten()
    assert len(told.notes) == 1


def faq_edit_guard_days() -> int:
    from wardbot.faq_guard import WATCH_DAYS

    return WATCH_DAYS


async def _two_variants_an_hour_ago(
    faq_file: Path, backups: Path
) -> tuple[faq_edit.FaqEditor, _Told]:
    """Variants of two entries added from chat an hour ago: the editor, and what admins
    were told."""
    told, now = _Told(), [1_800_000_000.0]
    editor = _editor(faq_file, backups, told, now)
    await editor.add_variant("bhyt-mat-the", "quên thẻ bảo hiểm")
    await editor.add_variant("ho-tich-khai-sinh", "làm khai sinh cho con")
    now[0] += 3600
    return editor, told


async def test_redo_never_forces_an_edit_over_a_hand_change_of_its_entry(
    faq_file: Path, backups: Path
) -> None:
    """The officer's old copy also reworded the answer of the entry the lost variant was
    added to: /redo says so and leaves that entry as they wrote it; once they add it by
    hand, /redo has nothing left to do."""
    editor, told = await _two_variants_an_hour_ago(faq_file, backups)
    hand = STAFF_FAQ.replace("Bà con xuất trình", "Người dân xuất trình")
    await asyncio.to_thread(faq_file.write_text, hand, encoding="utf-8")
    await editor.note_overwritten()
    assert len(told.notes) == 1

    reply = await editor.redo()
    assert "Chưa thêm lại được" in reply
    assert faq_edit.msg.faq_redo_entry_changed("bhyt-mat-the") in reply
    assert "làm khai sinh cho con" in reply.partition("Chưa thêm lại được")[0]
    entries = {e.id: e for e in load_faq(faq_file).faq}
    assert entries["bhyt-mat-the"].variants == ()  # not forced
    assert "Người dân xuất trình" in entries["bhyt-mat-the"].answer
    assert entries["ho-tich-khai-sinh"].variants[-1] == "làm khai sinh cho con"
    # Still there for /redo (said again), until the officer adds it by hand.
    assert faq_edit.msg.faq_redo_entry_changed("bhyt-mat-the") in await editor.redo()
    text = await asyncio.to_thread(faq_file.read_text, encoding="utf-8")
    text = text.replace(
        '"Bị mất thẻ bảo hiểm y tế thì đi khám bệnh bằng gì?"\n',
        '"Bị mất thẻ bảo hiểm y tế thì đi khám bệnh bằng gì?"\n    variants: [quên thẻ bảo hiểm]\n',
    )
    await asyncio.to_thread(faq_file.write_text, text, encoding="utf-8")
    await editor.note_overwritten()
    assert await editor.redo() == faq_edit.msg.FAQ_REDO_NOTHING
    assert len(told.notes) == 1


async def test_an_undone_edit_a_hand_save_brings_back_is_told(
    faq_file: Path, backups: Path
) -> None:
    """A variant added to the wrong entry by mistake; an officer's editor reads faq.yaml
    before the admin's /undo, and the officer saves from it later: the variant is back
    and admins are told so, once. The admin adding it to the right entry from chat, or
    an officer adding it back by hand once past the undo, is meant: nothing is told."""
    told, now = _Told(), [1_800_000_000.0]
    editor = _editor(faq_file, backups, told, now)
    await editor.add_variant("bhyt-muc-dong", "mất thẻ bhyt đi khám được không")
    in_the_editor = await asyncio.to_thread(faq_file.read_text, encoding="utf-8")
    now[0] += 120
    assert "mất thẻ bhyt đi khám được không" in await editor.undo()
    await editor.note_overwritten()  # the bot reads its own write
    now[0] += 600
    hand = in_the_editor.replace("Bà con xuất trình", "Người dân xuất trình")
    await asyncio.to_thread(faq_file.write_text, hand, encoding="utf-8")
    await editor.note_overwritten()
    assert told.notes == [
        faq_edit.msg.faq_undone_edits_back(
            [("15:00", "bhyt-muc-dong", "mất thẻ bhyt đi khám được không", False)]
        )
    ]
    await editor.note_overwritten()  # read again: told once
    assert len(told.notes) == 1

    # Taken out by hand again, then an undone edit added again from chat where it belongs.
    await asyncio.to_thread(faq_file.write_text, STAFF_FAQ, encoding="utf-8")
    await editor.note_overwritten()
    await editor.add_variant("ho-tich-khai-sinh", "làm giấy khai sinh cho bé")
    await editor.undo()
    await editor.add_variant("ho-tich-khai-sinh", "làm giấy khai sinh cho bé")
    with_it = await asyncio.to_thread(faq_file.read_text, encoding="utf-8")
    await asyncio.to_thread(faq_file.write_text, with_it + "# đã xem\n", encoding="utf-8")
    await editor.note_overwritten()
    assert len(told.notes) == 1

    # Undone, then a save without it past /undo's 30 minutes: added back after, it is meant.
    await editor.add_variant("bhyt-mat-the", "quên thẻ bảo hiểm")
    text = await asyncio.to_thread(faq_file.read_text, encoding="utf-8")
    await editor.undo()
    now[0] += faq_edit.UNDO_FOR + 60
    await asyncio.to_thread(faq_file.write_text, with_it + "# xem lại\n", encoding="utf-8")
    await editor.note_overwritten()
    await asyncio.to_thread(faq_file.write_text, text + "# thêm lại\n", encoding="utf-8")
    await editor.note_overwritten()
    assert len(told.notes) == 1


async def test_an_undone_edit_saved_back_byte_for_byte_is_told(
    faq_file: Path, backups: Path
) -> None:
    """The officer's editor (or a sync tool's copy) holds faq.yaml as the chat edit left it
    and saves it unchanged after the /undo: the bot wrote those very bytes once, yet this
    save is no write of the bot's, and the undone variant is answered again: told."""
    told, now = _Told(), [1_800_000_000.0]
    editor = _editor(faq_file, backups, told, now)
    await editor.add_variant("bhyt-muc-dong", "mat the bhyt thi sao")
    held = await asyncio.to_thread(faq_file.read_bytes)
    now[0] += 60
    await editor.undo()
    await editor.note_overwritten()
    now[0] += 300
    await asyncio.to_thread(faq_file.write_bytes, held)
    await editor.note_overwritten()
    assert told.notes == [
        faq_edit.msg.faq_undone_edits_back(
            [("15:00", "bhyt-muc-dong", "mat the bhyt thi sao", False)]
        )
    ]


async def test_redo_never_adds_to_another_entry_given_the_old_id_of_a_renamed_one(
    faq_file: Path, backups: Path
) -> None:
    """The officer's old copy renamed the entry a lost variant went to and gave its old id
    to another entry: /redo adds the variant to the entry renamed, never to the one now
    under the old id (nor says to add it there by hand)."""
    editor, told = await _two_variants_an_hour_ago(faq_file, backups)
    hand = STAFF_FAQ.replace("id: bhyt-mat-the", "id: bhyt-the-cu").replace(
        "id: bhyt-muc-dong", "id: bhyt-mat-the"
    )
    await asyncio.to_thread(faq_file.write_text, hand, encoding="utf-8")
    await editor.note_overwritten()
    assert len(told.notes) == 1

    reply = await editor.redo()
    assert "quên thẻ bảo hiểm” của mục bhyt-the-cu" in reply
    entries = {e.id: e for e in load_faq(faq_file).faq}
    assert entries["bhyt-the-cu"].variants == ("quên thẻ bảo hiểm",)
    assert "quên thẻ bảo hiểm" not in entries["bhyt-mat-the"].variants


async def test_a_chat_edits_journal_of_an_older_version_or_garbled_is_no_stop(
    faq_file: Path, backups: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Kept by a version before /undo was watched (no `undone_at`), a lost edit is still
    added again by /redo after the upgrade. A journal with wrong values in it (written
    over by hand, say) is said in the log and started afresh: chat edits keep working."""
    told, now = _Told(), [1_800_000_000.0]
    editor = _editor(faq_file, backups, told, now)
    await editor.add_variant("bhyt-mat-the", "quên thẻ bảo hiểm")
    await asyncio.to_thread(faq_file.write_text, STAFF_FAQ, encoding="utf-8")
    await editor.note_overwritten()
    journal = backups / faq_edit.CHAT_EDITS_JOURNAL
    kept = json.loads(journal.read_bytes())
    for item in kept["edits"]:
        del item["undone_at"]
    journal.write_text(json.dumps(kept), encoding="utf-8")
    upgraded = _editor(faq_file, backups, told, now)
    assert "quên thẻ bảo hiểm” của mục bhyt-mat-the" in await upgraded.redo()

    kept["edits"][0]["at"] = None
    journal.write_text(json.dumps(kept), encoding="utf-8")
    garbled = _editor(faq_file, backups, told, now)
    assert "cannot be read" in caplog.text
    await garbled.add_variant("ho-tich-khai-sinh", "làm khai sinh cho con")
    await garbled.note_overwritten()
    assert "làm khai sinh cho con" in entry(faq_file, "ho-tich-khai-sinh").variants
    assert await garbled.redo() == faq_edit.msg.FAQ_REDO_NOTHING


async def test_redo_follows_an_entry_only_renamed_by_hand_and_says_when_one_is_gone(
    faq_file: Path, backups: Path
) -> None:
    """The officer's old copy renamed an entry a lost variant was added to (nothing else of
    it changed): /redo adds it there, under its new id. An entry that copy removed is said
    to be gone (to add by hand), not answered as if /redo took an id to type again."""
    editor, told = await _two_variants_an_hour_ago(faq_file, backups)
    hand = STAFF_FAQ.replace("id: bhyt-mat-the", "id: bhyt-mat-the-di-kham")
    start = hand.index("  - id: ho-tich-khai-sinh")
    hand = hand[:start] + hand[hand.index("\n# ---", start) + 1 :]  # removed
    await asyncio.to_thread(faq_file.write_text, hand, encoding="utf-8")
    await editor.note_overwritten()
    assert len(told.notes) == 1

    reply = await editor.redo()
    done, _, refused = reply.partition("Chưa thêm lại được")
    assert "quên thẻ bảo hiểm” của mục bhyt-mat-the-di-kham" in done
    assert faq_edit.msg.faq_redo_entry_gone("ho-tich-khai-sinh") in refused
    assert "gửi lại lệnh" not in reply
    entries = {e.id: e for e in load_faq(faq_file).faq}
    assert entries["bhyt-mat-the-di-kham"].variants == ("quên thẻ bảo hiểm",)
    assert "bhyt-mat-the" not in entries and "ho-tich-khai-sinh" not in entries
    assert "quên thẻ bảo hiểm" in await editor.undo()  # undone as any edit


async def test_redo_while_the_last_good_faq_yaml_serves_leaves_the_file_for_staff_to_fix(
    faq_file: Path, backups: Path
) -> None:
    """A hand save dropped a new entry made from chat (told); the officer then saves
    faq.yaml with its "faq:" header mistyped, so the bot keeps serving the last good
    version. /redo then is refused, saying what to fix: written under a new "faq:" header,
    the entry would have been the only one the bot served, every other entry gone. Once
    the header is fixed, /redo adds the entry again."""
    told, now = _Told(), [1_800_000_000.0]
    editor = _editor(faq_file, backups, told, now)
    added = await editor.add_entry("Phường có cho mượn loa không?", "Dạ có, liên hệ văn phòng.")
    now[0] += 3600
    await asyncio.to_thread(faq_file.write_text, STAFF_FAQ, encoding="utf-8")
    await editor.note_overwritten()
    assert len(told.notes) == 1
    # As the running bot keeps it (wardbot.library): faq.yaml as last served whole.
    last_good = backups / LAST_GOOD_FAQ_COPIES[0]
    await asyncio.to_thread(last_good.write_text, STAFF_FAQ, encoding="utf-8")
    mistyped = STAFF_FAQ.replace("\nfaq:", "\nfaqs:", 1)
    await asyncio.to_thread(faq_file.write_text, mistyped, encoding="utf-8")

    reply = await editor.redo()
    assert "Chưa thêm lại được" in reply and "'faqs' viết sai" in reply
    left = await asyncio.to_thread(faq_file.read_text, encoding="utf-8")
    assert left == mistyped  # left for staff to fix

    await asyncio.to_thread(faq_file.write_text, STAFF_FAQ, encoding="utf-8")
    assert "Đã thêm lại" in await editor.redo()
    entries = {e.id: e for e in load_faq(faq_file).faq}
    assert entries[added.entry_id].answer == "Dạ có, liên hệ văn phòng."
    assert len(entries) == len(load_faq_text(STAFF_FAQ, backups).faq) + 1


def load_faq_text(text: str, folder: Path) -> FaqFile:
    path = folder / "faq.as-text.yaml"
    path.write_text(text, encoding="utf-8")
    return load_faq(path)


async def test_a_chat_edit_made_while_faq_yaml_is_looked_at_for_lost_ones_is_not_told_lost(
    faq_file: Path, backups: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bot reads faq.yaml after one admin's ➕ to see whether a hand save dropped chat
    edits; a second admin's /newfaq is written while it reads: that entry is not told to
    admins as lost, and /undo still takes it back."""
    told, now = _Told(), [1_800_000_000.0]
    editor = _editor(faq_file, backups, told, now)
    await editor.add_variant("bhyt-mat-the", "quên thẻ bảo hiểm")
    read, go_on = threading.Event(), threading.Event()
    calls = itertools.count()
    real_load = faq_edit.load_if_served

    def reading(path: Path, data_dir: Path):
        loaded = real_load(path, data_dir)
        if next(calls) == 0:  # the look for lost edits: held until the second edit is in
            read.set()
            go_on.wait(10)
        return loaded

    monkeypatch.setattr(faq_edit, "load_if_served", reading)
    looking = asyncio.create_task(editor.note_overwritten())
    await asyncio.to_thread(read.wait, 10)
    added = await editor.add_entry("Phường có cho mượn loa không?", "Dạ có, liên hệ văn phòng.")
    go_on.set()
    await looking
    assert told.notes == []
    assert added.entry_id in await editor.undo()


async def test_an_undo_while_faq_yaml_is_looked_at_for_lost_edits_is_not_told_lost(
    faq_file: Path, backups: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/undo puts faq.yaml back; the bot reads it (the watcher, another admin's edit) before
    /undo is over: what /undo took back is not told to admins as lost to a hand save, and
    /undo ends well, saying what it took back."""
    told, now = _Told(), [1_800_000_000.0]
    editor = _editor(faq_file, backups, told, now)
    await editor.add_variant("bhyt-mat-the", "quên thẻ bảo hiểm")
    written, go_on = threading.Event(), threading.Event()
    real_undo = faq_edit.undo

    def undoing(edit: faq_edit.FaqEdit, *, backup_dir: Path):
        stamp = real_undo(edit, backup_dir=backup_dir)
        written.set()
        go_on.wait(10)
        return stamp

    monkeypatch.setattr(faq_edit, "undo", undoing)
    undo = asyncio.create_task(editor.undo())
    await asyncio.to_thread(written.wait, 10)
    await editor.note_overwritten()
    go_on.set()
    assert "quên thẻ bảo hiểm" in await undo
    assert told.notes == []


async def test_a_new_entry_from_chat_reworded_by_hand_is_not_told_lost(
    faq_file: Path, backups: Path
) -> None:
    """An admin adds an entry from chat (/newfaq); an officer then opens faq.yaml and
    rewords its question, keeping the entry: admins are not told it was dropped. Taken out
    whole by a save from an old copy, it is."""
    told, now = _Told(), [1_800_000_000.0]
    editor = _editor(faq_file, backups, told, now)
    added = await editor.add_entry("Phường có cho mượn loa không?", "Dạ có, liên hệ văn phòng.")
    edited = await asyncio.to_thread(faq_file.read_text, encoding="utf-8")
    reworded = edited.replace("Phường có cho mượn loa không?", "Phường có cho mượn loa, bàn ghế?")
    assert reworded != edited
    await asyncio.to_thread(faq_file.write_text, reworded, encoding="utf-8")
    await editor.note_overwritten()
    assert told.notes == []
    await asyncio.to_thread(faq_file.write_text, STAFF_FAQ, encoding="utf-8")
    await editor.note_overwritten()
    assert len(told.notes) == 1 and f"mục mới {added.entry_id}" in told.notes[0]


async def test_a_chat_edit_kept_by_a_hand_save_that_copied_its_entry_above_it_is_not_told_lost(
    faq_file: Path, backups: Path
) -> None:
    """An admin adds a variant from chat; an officer then copies that entry above itself to
    start a new one, leaving its id, and saves. The bot keeps serving the entry the variant
    went to (wardbot.loader), so the edit is not lost: admins are not told it was dropped,
    /redo has nothing to add, and /undo speaks of the hand save, not of nothing to undo."""
    async with _editing_served(faq_file, backups) as (engine, editor, told, _):
        await editor.add_variant("bhyt-mat-the", "quên thẻ bảo hiểm")
        await editor.note_overwritten()
        with_it = await asyncio.to_thread(faq_file.read_text, encoding="utf-8")
        copied = with_it.replace(
            "  - id: bhyt-mat-the\n",
            "  - id: bhyt-mat-the\n    question: Đổi thẻ bảo hiểm y tế ở đâu?\n"
            "    answer: Tại bưu điện phường.\n\n  - id: bhyt-mat-the\n",
        )
        await asyncio.to_thread(faq_file.write_text, copied, encoding="utf-8")
        await asyncio.to_thread(engine.reload)
        served = engine.document("bhyt-mat-the")
        assert served is not None and "căn cước" in served.answer  # the one the variant is in
        await editor.note_overwritten()

        assert told.notes == []
        assert await editor.redo() == faq_edit.msg.FAQ_REDO_NOTHING
        with pytest.raises(FaqEditError) as refused:
            await editor.undo()
        assert str(refused.value) == faq_edit.msg.faq_undo_changed(str(faq_file))
        assert await asyncio.to_thread(faq_file.read_text, encoding="utf-8") == copied


def test_a_variant_goes_into_a_one_line_variants_block_written_as_a_list(
    faq_file: Path, backups: Path
) -> None:
    """`variants: |` with one way of asking below it, read as that one: the way of asking
    added beside it, the block written as a list on the key's line, its comment kept and
    nothing else in the file moved."""
    typed = STAFF_FAQ.replace(
        "variants: [khai sinh cho bé, làm giấy khai sinh]\n",
        "variants: |  # hỏi nhiều\n      khai sinh cho bé\n",
    )
    faq_file.write_text(typed, encoding="utf-8")
    assert entry_of(load_faq(faq_file), "ho-tich-khai-sinh").variants == ("khai sinh cho bé",)

    add_variant(faq_file, "ho-tich-khai-sinh", "giấy khai sinh cần gì?", backup_dir=backups)

    written = faq_file.read_text(encoding="utf-8")
    assert written == typed.replace(
        "variants: |  # hỏi nhiều\n      khai sinh cho bé\n",
        "variants: [khai sinh cho bé, 'giấy khai sinh cần gì?']  # hỏi nhiều\n",
    )
    assert entry(faq_file, "ho-tich-khai-sinh").variants == (  # no problem left either
        "khai sinh cho bé",
        "giấy khai sinh cần gì?",
    )


def test_a_variant_for_a_variants_block_of_several_lines_says_how_to_write_the_list(
    faq_file: Path, backups: Path
) -> None:
    """`variants: |` with a way of asking on each line below it: the bot reads the lines as
    one way of asking. /variant writes nothing and says so, with the list to write in its
    place (each line one way of asking, the new one last)."""
    typed = STAFF_FAQ.replace(
        "variants: [khai sinh cho bé, làm giấy khai sinh]\n",
        "variants: |\n      khai sinh cho bé\n      làm giấy khai sinh\n",
    )
    faq_file.write_text(typed, encoding="utf-8")
    line = typed.split("\n").index("    variants: |") + 1

    with pytest.raises(FaqEditError) as refused:
        add_variant(faq_file, "ho-tich-khai-sinh", "thứ bảy: có làm không", backup_dir=backups)

    told = str(refused.value)
    assert f"{faq_file}:{line}" in told and "'ho-tich-khai-sinh'" in told
    assert told.endswith(
        "/reload:\n- khai sinh cho bé\n- làm giấy khai sinh\n- 'thứ bảy: có làm không'"
    )
    assert faq_file.read_text(encoding="utf-8") == typed
    assert entry_of(load_faq(faq_file), "ho-tich-khai-sinh").variants == (
        "khai sinh cho bé\nlàm giấy khai sinh",
    )
    # Written as told, the list reads as those three ways of asking.
    listed = typed.replace(
        "variants: |\n      khai sinh cho bé\n      làm giấy khai sinh\n",
        "variants:\n" + "".join(f"      {row}\n" for row in told.split("\n")[-3:]),
    )
    faq_file.write_text(listed, encoding="utf-8")
    assert entry(faq_file, "ho-tich-khai-sinh").variants == (
        "khai sinh cho bé",
        "làm giấy khai sinh",
        "thứ bảy: có làm không",
    )


@pytest.mark.parametrize("block", ["|", "|-", ">  # sẽ thêm"])
def test_a_variant_goes_into_an_empty_variants_block_as_its_only_way_of_asking(
    faq_file: Path, backups: Path, block: str
) -> None:
    """`variants: |` left empty (staff meant to fill it later): the entry has no way of
    asking from it, not an empty one, and /variant writes the list with the new one on the
    key's line (its comment kept), instead of refusing with a bot error."""
    typed = STAFF_FAQ.replace(
        "variants: [khai sinh cho bé, làm giấy khai sinh]\n", f"variants: {block}\n"
    )
    faq_file.write_text(typed, encoding="utf-8")
    loaded = load_faq(faq_file)
    assert entry_of(loaded, "ho-tich-khai-sinh").variants == ()
    assert [
        p.message.endswith("chưa có cách hỏi nào, mục vẫn được dùng") for p in loaded.problems
    ] == [True]

    add_variant(faq_file, "ho-tich-khai-sinh", "giấy khai sinh cần gì", backup_dir=backups)

    comment = block.partition(" ")[2]
    written = faq_file.read_text(encoding="utf-8")
    assert written == typed.replace(
        f"variants: {block}\n", f"variants: [giấy khai sinh cần gì]{comment and ' ' + comment}\n"
    )
    assert entry(faq_file, "ho-tich-khai-sinh").variants == ("giấy khai sinh cần gì",)


async def test_a_chat_edit_is_not_told_lost_by_a_save_whose_faq_header_is_mistyped(
    faq_file: Path, backups: Path
) -> None:
    """An admin adds a variant from chat; an officer then saves faq.yaml with its `faq:`
    header mistyped. The bot keeps serving the last good version, the variant in it
    (wardbot.loader.faq_usable): admins are not told the edit was dropped, and once the
    header is put right /undo still takes the variant back."""
    async with _editing_served(faq_file, backups) as (engine, editor, told, _):
        await editor.add_variant("bhyt-mat-the", "quên thẻ bảo hiểm")
        with_it = await asyncio.to_thread(faq_file.read_text, encoding="utf-8")
        mistyped = with_it.replace("\nfaq:\n", "\nfaqs:\n")
        await asyncio.to_thread(faq_file.write_text, mistyped, encoding="utf-8")
        await asyncio.to_thread(engine.reload)
        served = engine.document("bhyt-mat-the")
        assert served is not None and "quên thẻ bảo hiểm" in served.variants
        await editor.note_overwritten()
        assert told.notes == []

        await asyncio.to_thread(faq_file.write_text, with_it, encoding="utf-8")
        await asyncio.to_thread(engine.reload)
        await editor.note_overwritten()
        assert told.notes == []
        assert "quên thẻ bảo hiểm" in await editor.undo()


def test_a_variant_for_an_entry_an_edit_broke_is_refused_naming_its_mistake(
    faq_file: Path, backups: Path
) -> None:
    """The bot serves the entry as it last read (its last good copy in the data folder)
    until its mistake is fixed: a way of asking added to the broken text would reach no
    resident, so the admin is told to fix the mistake first, and the file is left alone."""
    Engine.open(faq_file, faq_file.parent / "content", backups).close()  # keeps the good copy
    broken = STAFF_FAQ.replace("    answer: |\n      Tờ khai", "    anwser: |\n      Tờ khai")
    assert broken != STAFF_FAQ
    faq_file.write_text(broken, encoding="utf-8")
    line = broken.splitlines().index("    anwser: |") + 1

    with pytest.raises(FaqEditError) as refused:
        add_variant(faq_file, "ho-tich-khai-sinh", "giấy tờ làm khai sinh", backup_dir=backups)

    told = str(refused.value)
    assert "'ho-tich-khai-sinh'" in told and "bot vẫn dùng bản trước đó" in told
    assert f"{faq_file}:{line}: " in told
    assert faq_file.read_text(encoding="utf-8") == broken
    # Another entry is edited as ever.
    add_variant(faq_file, "bhyt-muc-dong", "bhyt cả nhà đóng bao nhiêu", backup_dir=backups)
    assert "bhyt cả nhà đóng bao nhiêu" in faq_file.read_text(encoding="utf-8")


def test_a_variant_for_a_new_entry_a_mistake_skips_is_refused_naming_its_mistake(
    faq_file: Path, backups: Path
) -> None:
    """An officer adds an entry by hand with its answer key misspelt: the bot has no
    earlier version of it, so serves nothing for it. A way of asking added from chat would
    go into a block the bot does not read: refused, the admin told the entry is broken at
    its line and to fix the file first; the file is left as the officer saved it."""
    Engine.open(faq_file, faq_file.parent / "content", backups).close()  # keeps the good copy
    new = (
        "  - id: ho-tich-ket-hon\n"
        "    question: Đăng ký kết hôn cần gì?\n"
        "    anwser: Giấy xác nhận tình trạng hôn nhân và căn cước của hai bên.\n"
    )
    broken = STAFF_FAQ.replace("\n# ----", "\n" + new + "\n# ----", 1)
    assert broken != STAFF_FAQ
    faq_file.write_text(broken, encoding="utf-8")
    line = broken.splitlines().index(new.splitlines()[2]) + 1

    with pytest.raises(FaqEditError) as refused:
        add_variant(faq_file, "ho-tich-ket-hon", "làm giấy kết hôn", backup_dir=backups)

    told = str(refused.value)
    assert told.startswith(
        f"Mục 'ho-tich-ket-hon' trong {faq_file} đang có lỗi nên bot chưa dùng mục này, và "
        "chưa thêm cách hỏi vào được. Hãy sửa lỗi này trước rồi gửi lại lệnh:\n"
        f"{faq_file}:{line}: "
    )
    assert faq_file.read_text(encoding="utf-8") == broken
    assert not (backups / faq_write.BEFORE_EDIT_COPIES[0]).exists()
    # Once the officer fixes the key, the same /variant goes in.
    faq_file.write_text(broken.replace("    anwser:", "    answer:"), encoding="utf-8")
    add_variant(faq_file, "ho-tich-ket-hon", "làm giấy kết hôn", backup_dir=backups)
    assert entry(faq_file, "ho-tich-ket-hon").variants == ("làm giấy kết hôn",)


async def test_a_chat_edit_a_hand_save_dropped_while_breaking_its_entry_is_told_once_fixed(
    faq_file: Path, backups: Path
) -> None:
    """An admin adds a variant from chat; hours later an officer saves faq.yaml from an
    editor still holding it as before, the entry's answer key misspelt in the same save.
    The bot serves the entry as it last read (the variant with it) until the mistake is
    fixed: that copy is not the file's, so the edit is neither told lost (/redo could not
    add it to the broken entry) nor taken as kept by the save; once the mistake is fixed
    without it, admins are told, and /redo adds it again."""
    async with _editing_served(faq_file, backups) as (engine, editor, told, now):
        await editor.add_variant("bhyt-mat-the", "quên thẻ bảo hiểm")
        await editor.note_overwritten()
        now[0] += 3 * 3600
        misspelt = STAFF_FAQ.replace("    answer: >\n      Bà con", "    anwser: >\n      Bà con")
        assert misspelt != STAFF_FAQ
        await asyncio.to_thread(faq_file.write_text, misspelt, encoding="utf-8")
        await asyncio.to_thread(engine.reload)
        served = engine.document("bhyt-mat-the")
        assert served is not None and "quên thẻ bảo hiểm" in served.variants  # as it last read
        await editor.note_overwritten()
        assert told.notes == []

        now[0] += 3600
        fixed = STAFF_FAQ + "# đã sửa\n"
        await asyncio.to_thread(faq_file.write_text, fixed, encoding="utf-8")
        await asyncio.to_thread(engine.reload)
        await editor.note_overwritten()
        assert len(told.notes) == 1 and "quên thẻ bảo hiểm" in told.notes[0]
        assert "Đã thêm lại" in await editor.redo()
        assert entry(faq_file, "bhyt-mat-the").variants == ("quên thẻ bảo hiểm",)
