"""Scoring a question set: sections from the comment headers, the tables `bot.py eval` prints."""

from pathlib import Path

import pytest

from wardbot.evaluate import (
    ALL_SECTIONS,
    NO_SECTION,
    QuestionSetError,
    Report,
    format_metrics,
    format_sections,
    format_table,
    load_questions,
    load_sections,
)
from wardbot.models import Answer, Hit

QUESTIONS = """\
# A question set; these first comments are no section.
- q: before any header
  expect: []

# ======================================================================
# 1. Chuẩn, có dấu (standard)
# ======================================================================
- q: "mức đóng bhyt"  # std
  expect: [bhyt]
- expect: [cccd]
  q: làm lại cccd
# a comment that is no header
-   q: kích hoạt vneid
    expect:
    - vneid

# ===== Out of scope: the bot must abstain =====
- q: giá vàng
  expect: []

# ==== section: nodiac | Không dấu ====
- {q: muc dong bhyt, expect: [bhyt]}
"""


def test_sections_follow_the_comment_headers_in_question_order(tmp_path):
    path = tmp_path / "questions.yaml"
    path.write_text(QUESTIONS, encoding="utf-8")
    assert [q.q for q in load_questions(path)] == [
        "before any header",
        "mức đóng bhyt",
        "làm lại cccd",
        "kích hoạt vneid",
        "giá vàng",
        "muc dong bhyt",
    ]
    assert load_sections(path) == [
        NO_SECTION,
        "1. Chuẩn, có dấu (standard)",
        "1. Chuẩn, có dấu (standard)",
        "1. Chuẩn, có dấu (standard)",
        "Out of scope: the bot must abstain",
        "nodiac | Không dấu",
    ]


def test_sections_refuse_a_list_they_cannot_line_up(tmp_path):
    path = tmp_path / "questions.yaml"
    path.write_text("[{q: a, expect: []}, {q: b, expect: []}]\n", encoding="utf-8")
    with pytest.raises(QuestionSetError, match="section"):
        load_sections(path)


def _answers(right: dict[str, str]):
    """A fake `ask`: answers with `right[question]`, abstains on anything else."""

    def ask(question: str) -> Answer:
        if question in right:
            hit = Hit(type="faq", id=right[question], title="", score=0.9, doc=None)
            return Answer(question, True, (hit,))
        return Answer(question, False)

    return ask


def _report(tmp_path: Path, name: str, text: str, right: dict[str, str]) -> Report:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return Report.collect(_answers(right), load_questions(path))


def test_the_table_has_a_row_per_ward_and_their_unweighted_mean(tmp_path):
    north = _report(
        tmp_path,
        "north",
        "- {q: a, expect: [x]}\n- {q: b, expect: [y]}\n- {q: c, expect: []}\n",
        {"a": "x", "b": "z"},
    )
    south = _report(tmp_path, "south", "- {q: d, expect: [w]}\n- {q: e, expect: []}\n", {})
    lines = format_table([("north", north), ("south", south)]).splitlines()
    assert lines[0].split() == [
        "ward",
        "questions",
        "answerable",
        "top-1",
        "MRR@5",
        "out-of-scope",
        "abstain",
        "overall",
    ]
    rows = {line.split()[0]: line.split()[1:] for line in lines[1:]}
    assert rows["north"] == ["3", "0.500", "0.500", "1.000", "0.667"]
    assert rows["south"] == ["2", "0.000", "0.000", "1.000", "0.500"]
    # Each ward weighs the same (0.583, not 3/5 = 0.600); questions is the total.
    assert rows["mean"] == ["5", "0.250", "0.250", "1.000", "0.583"]
    assert lines[-1].startswith("mean")


def test_one_report_prints_one_metric_a_line_overall_last(tmp_path):
    report = _report(tmp_path, "one", "- {q: a, expect: [x]}\n- {q: b, expect: []}\n", {})
    assert format_metrics(report).splitlines() == [
        "questions             2",
        "answerable top-1      0.000",
        "MRR@5                 0.000",
        "out-of-scope abstain  1.000",
        "overall               0.500",
    ]


def test_sections_print_their_size_overall_first_and_wrong_answers(tmp_path):
    path = tmp_path / "questions.yaml"
    path.write_text(QUESTIONS, encoding="utf-8")
    report = Report.collect(_answers({"mức đóng bhyt": "bhyt"}), load_questions(path))
    lines = format_sections(report, load_sections(path), "north").splitlines()
    assert lines[0] == "north: by section"
    assert lines[1].split() == ["questions", "overall", "first", "wrong", "section"]
    rows = [line.split(maxsplit=4) for line in lines[2:]]
    assert rows == [
        ["1", "1.000", "-", "0", NO_SECTION],
        ["3", "0.333", "0.333", "0", "1. Chuẩn, có dấu (standard)"],
        ["1", "1.000", "-", "0", "Out of scope: the bot must abstain"],
        ["1", "0.000", "0.000", "0", "nodiac | Không dấu"],
        ["6", "0.500", "0.250", "0", ALL_SECTIONS],
    ]


def test_sections_tell_ranking_from_answering_and_count_wrong_answers(tmp_path):
    """'first' counts the right entry ranked first even when the bot did not dare answer;
    'wrong' counts a wrong entry given and an out-of-scope question answered."""
    path = tmp_path / "questions.yaml"
    path.write_text(
        "- {q: wrong entry, expect: [x]}\n"
        "- {q: right but unsure, expect: [x]}\n"
        "- {q: out of scope, expect: []}\n",
        encoding="utf-8",
    )
    replies = {
        "wrong entry": ("y", True),
        "right but unsure": ("x", False),
        "out of scope": ("x", True),
    }

    def ask(question: str) -> Answer:
        doc_id, answered = replies[question]
        hit = Hit(type="faq", id=doc_id, title="", score=0.5, doc=None)
        return Answer(question, answered, (hit,))

    report = Report.collect(ask, load_questions(path))
    assert report.ranked_first() == 0.5
    assert report.answered_wrongly() == 2
    last = format_sections(report, load_sections(path)).splitlines()[-1]
    assert last.split(maxsplit=4) == ["3", "0.000", "0.500", "2", ALL_SECTIONS]


def test_an_offer_holding_the_right_entry_counts_as_one_tap_from_the_answer(tmp_path):
    """Not answered but offered among the choices counts; offered only the wrong ones, or
    out of scope, does not."""
    path = tmp_path / "questions.yaml"
    path.write_text(
        "- {q: answered right, expect: [x]}\n"
        "- {q: offered right second, expect: [x]}\n"
        "- {q: offered wrong only, expect: [x]}\n"
        "- {q: out of scope, expect: []}\n",
        encoding="utf-8",
    )

    def hit(doc_id: str) -> Hit:
        return Hit(type="faq", id=doc_id, title="", score=0.5, doc=None)

    replies = {
        "answered right": Answer("", True, (hit("x"),)),
        "offered right second": Answer("", False, (hit("y"), hit("x")), (hit("y"), hit("x"))),
        "offered wrong only": Answer("", False, (hit("y"), hit("x")), (hit("y"),)),
        "out of scope": Answer("", False, (hit("x"),), (hit("x"),)),
    }
    report = Report.collect(replies.__getitem__, load_questions(path))
    assert report.answered_or_offered() == 2 / 3
    assert Report().answered_or_offered() is None
