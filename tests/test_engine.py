"""The answer engine on a small ward: right answers, honest abstentions, fresh index."""

import asyncio
import datetime as dt
import logging
import os
import threading
import unicodedata
from pathlib import Path

import pytest
from fakes import disk
from sample_ward import write_ward

from wardbot.engine import Engine
from wardbot.semantic import load_embedder

TODAY = dt.date(2025, 1, 15)


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    root = tmp_path_factory.mktemp("ward")
    faq, content = write_ward(root)
    engine = Engine.open(faq, content, root / "data", today=TODAY, embedder=load_embedder())
    yield engine
    engine.close()


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Mức đóng BHYT hộ gia đình là bao nhiêu?", "bhyt-muc-dong"),
        ("muc dong bhyt ho gia dinh", "bhyt-muc-dong"),
        ("muwcs ddongs bhyt hooj gia ddinhf", "bhyt-muc-dong"),
        ("mua bảo hiểm y tế cho cả nhà hết bao nhiêu", "bhyt-muc-dong"),
        ("MẤT THẺ BHYT", "bhyt-mat-the"),
        ("làm mất thẻ bảo hiễm y tế", "bhyt-mat-the"),  # typo: ngã for hỏi
        ("lam lai cccd bi mat o dau", "cccd-cap-lai"),
        ("kích hoạt VNeID", "vneid-kich-hoat"),
        ("khi nào phát học bổng", "hoc-bong-khuyen-hoc"),
        ("hocj boongr khuyeens hocj", "hoc-bong-khuyen-hoc"),
        ("Chào ad ạ, cho em hỏi đăng ký tạm trú cần giấy tờ gì vậy ạ, em cảm ơn", "tam-tru"),
        ("dang ky thuong tru vao nha nguoi than", "thuong-tru"),
        ("ubnd làm việc thứ bảy không", "gio-lam-viec"),
        ("giờ làm việc của uỷ ban", "gio-lam-viec"),  # old tone placement
        (unicodedata.normalize("NFD", "Mức đóng bảo hiểm y tế hộ gia đình"), "bhyt-muc-dong"),
    ],
)
def test_residents_phrasings_reach_the_right_answer(engine, question, expected):
    answer = engine.ask(question)
    assert answer.answered, answer
    assert answer.best.id == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("em đánh rơi căn cước ở chợ", "cccd-cap-lai"),
        ("lỡ làm rớt cccd đâu mất", "cccd-cap-lai"),
        ("danh roi the can cuoc", "cccd-cap-lai"),
        ("bị thất lạc căn cước thì sao", "cccd-cap-lai"),
        ("con làm rơi thẻ bhyt rồi", "bhyt-mat-the"),
        ("lam rot the bao hiem y te", "bhyt-mat-the"),
    ],
)
def test_papers_dropped_or_mislaid_reach_the_entry_on_lost_ones(engine, question, expected):
    """ "Đánh rơi", "làm rớt" are what the ward's texts call "mất" ("thất lạc" too, by
    meaning): the re-issue entry is answered, not offered nor missed."""
    answer = engine.ask(question)
    assert answer.answered, answer
    assert answer.best.id == expected


# Words written without diacritics that are words as they are ("minh" of "chứng minh",
# "con" a child) beside others whose unaccented form is a stopword ("mình", "còn").
PLAIN_WORDS_FAQ = """\
faq:
  - id: doi-cmnd
    question: Chứng minh nhân dân hết giá trị thì đổi sang thẻ căn cước thế nào?
    answer: Từ 01/01/2025 chứng minh nhân dân hết giá trị; đến Công an phường làm thẻ căn cước.
  - id: cccd-con-han
    question: Thẻ căn cước công dân còn hạn có phải đổi sang thẻ mới không?
    answer: Thẻ còn hạn được dùng đến hết hạn ghi trên thẻ, không bắt buộc đổi.
  - id: xac-nhan-cu-tru
    question: Xin giấy xác nhận thông tin cư trú ở đâu?
    answer: Nộp đề nghị tại Công an phường hoặc trên VNeID, nhận kết quả bản điện tử.
"""


@pytest.mark.parametrize(
    "question",
    ["cmnd cũ còn dùng được không", "chứng minh nhân dân hết hạn đổi ở đâu"],
)
def test_a_word_without_diacritics_in_a_question_typed_with_them_is_that_word(tmp_path, question):
    """In "cmnd cũ còn dùng được không" (cmnd: chứng minh nhân dân), "minh" is the
    "minh" of "chứng minh", not "mình" typed without its accent (a stopword): dropped,
    the question asked of "chứng ... nhân dân cũ", and the entry on the old card was
    outranked by the one on whether a card still valid must be changed on the shipped
    ward; on this small one, too unsure even to be offered."""
    (tmp_path / "faq.yaml").write_text(PLAIN_WORDS_FAQ, encoding="utf-8")
    (tmp_path / "content").mkdir()
    opened = Engine.open(
        tmp_path / "faq.yaml",
        tmp_path / "content",
        tmp_path / "data",
        today=TODAY,
        embedder=load_embedder(),
    )
    try:
        answer = opened.ask(question)
    finally:
        opened.close()
    assert answer.best is not None and answer.best.id == "doi-cmnd", answer.results[:2]
    assert answer.answered or answer.offers[0].id == "doi-cmnd", answer.best


@pytest.mark.parametrize(
    "question",
    [
        "giá vàng hôm nay",
        "bảo hiểm xe máy",
        "đội nào vô địch bóng đá",
        "cách nấu phở bò",
    ],
)
def test_out_of_scope_questions_get_no_answer(engine, question):
    assert not engine.ask(question).answered


def test_no_answer_still_suggests_close_matches(engine):
    answer = engine.ask("bảo hiểm xe máy")
    assert not answer.answered
    assert answer.results and answer.results[0].type in ("faq", "announcement")


def test_the_year_asked_about_picks_the_notice(engine):
    assert engine.ask("mức đóng bhyt hộ gia đình năm 2023").best.id.startswith("2023-07-10")
    assert engine.ask("mức đóng bhyt hộ gia đình năm 2024").best.id.startswith("2024-07-12")


def test_a_place_inside_a_range_picks_the_notice(engine):
    best = engine.ask("kích hoạt định danh điện tử khu phố 5").best
    assert best.id == "2024-09-08-kich-hoat-dinh-danh-khu-pho-4-6"
    best = engine.ask("kích hoạt định danh điện tử kp 2").best
    assert best.id == "2024-09-01-kich-hoat-dinh-danh-khu-pho-1-3"


def test_expired_notices_are_not_listed_as_current(engine):
    assert all(n.id != "2024-11-02-thong-bao-cat-nuoc-tam-thoi" for n in engine.latest(10))


def test_latest_lists_current_notices_newest_first(engine):
    dates = [n.date for n in engine.latest(10)]
    assert dates == sorted(dates, reverse=True) and len(dates) == 4


def test_related_questions_exclude_the_entry_itself(engine):
    related = [h.id for h in engine.related("tam-tru")]
    assert "tam-tru" not in related
    assert "thuong-tru" in related


def test_topics_are_found_by_name_with_or_without_accents(engine):
    assert engine.find_topic("bảo hiểm y tế").id == "bhyt"
    assert engine.find_topic("hoc bong").id == "hoc-bong"
    assert engine.find_topic("BHYT").id == "bhyt"
    assert engine.find_topic("xổ số") is None


@pytest.mark.parametrize(
    "question",
    ["", "   ", "🙂🙂🙂", "?!?!...", "Привет, как дела?", "你好", "x" * 10_000, "bhyt " * 2_000],
)
def test_bad_input_never_crashes(engine, question):
    answer = engine.ask(question)
    assert answer.question == question
    if not question.strip() or not any(ch.isalpha() for ch in question):
        assert not answer.answered


async def test_asking_does_not_block_the_event_loop(engine, monkeypatch):
    # Each search waits for a callback that only the event loop can run: a search run on
    # the loop's own thread waits in vain, and fails once the bound is up (the others at once).
    loop = asyncio.get_running_loop()
    search = engine._ask
    blocked = threading.Event()

    def search_once_the_loop_answers(question, limit):
        answered = threading.Event()
        loop.call_soon_threadsafe(answered.set)
        if blocked.is_set() or not answered.wait(timeout=5):
            blocked.set()
            raise AssertionError("the search ran on the event loop's thread")
        return search(question, limit)

    monkeypatch.setattr(engine, "_ask", search_once_the_loop_answers)
    answers = await asyncio.gather(*(engine.ask_async("mức đóng bhyt") for _ in range(20)))
    assert all(a.best.id == "bhyt-muc-dong" for a in answers)


def test_changed_files_are_never_answered_stale(tmp_path):
    faq, content = write_ward(tmp_path)
    data = tmp_path / "data"
    Engine.open(faq, content, data, today=TODAY).close()
    faq.write_text(
        faq.read_text(encoding="utf-8").replace(
            "Khi nào phường phát học bổng khuyến học?", "Khi nào phường trao học bổng Vừ A Dính?"
        ),
        encoding="utf-8",
    )
    engine = Engine.open(faq, content, data, today=TODAY)
    assert engine.ask("học bổng vừ a dính trao khi nào").best.id == "hoc-bong-khuyen-hoc"
    assert "Vừ A Dính" in engine.ask("học bổng vừ a dính").best.title
    engine.close()


def test_an_unchanged_index_is_reused(tmp_path):
    faq, content = write_ward(tmp_path)
    data = tmp_path / "data"
    Engine.open(faq, content, data, today=TODAY).close()
    live = (data / "index" / "CURRENT").read_text()
    Engine.open(faq, content, data, today=TODAY).close()
    assert (data / "index" / "CURRENT").read_text() == live


def test_a_half_written_index_never_serves(tmp_path):
    faq, content = write_ward(tmp_path)
    data = tmp_path / "data"
    Engine.open(faq, content, data, today=TODAY).close()
    # A build that died half-way leaves a generation nobody points to...
    broken = data / "index" / "gen-99"
    broken.mkdir()
    (broken / "junk_WRITELOCK").write_text("")
    engine = Engine.open(faq, content, data, today=TODAY)
    assert engine.ask("mức đóng bhyt").best.id == "bhyt-muc-dong"
    engine.close()
    # ...and a pointer to a missing generation means: rebuild.
    (data / "index" / "CURRENT").write_text("gen-1234")
    engine = Engine.open(faq, content, data, today=TODAY)
    assert engine.ask("mức đóng bhyt").best.id == "bhyt-muc-dong"
    engine.close()


def test_a_broken_faq_keeps_the_last_good_version_serving(tmp_path):
    faq, content = write_ward(tmp_path)
    data = tmp_path / "data"
    engine = Engine.open(faq, content, data, today=TODAY)
    good = faq.read_text(encoding="utf-8")
    faq.write_text(good + "\n  - id: [unclosed\n", encoding="utf-8")
    problems = engine.reload()
    assert problems and str(problems[0]).startswith(f"{faq}:")
    assert engine.ask("mức đóng bhyt").best.id == "bhyt-muc-dong"
    engine.close()
    # A restart with the file still broken serves the last good version too.
    engine = Engine.open(faq, content, data, today=TODAY)
    assert engine.problems
    assert engine.ask("mức đóng bhyt").best.id == "bhyt-muc-dong"
    engine.close()


ANOTHER_WARDS_BROKEN_FAQ = """\
topics:
  - id: ho-tich
    name: Hộ tịch
faq:
  - id: khai-sinh
    question: Làm giấy khai sinh ở đâu?
    answer: Tại UBND xã.
  - id: ket-hon
    question: Đăng ký kết hôn cần gì?
    answer: "Giấy tờ tùy thân
  - id: khai-tu
    question: Khai tử ở đâu?
    answer: Tại UBND xã.
"""


def test_a_new_wards_first_broken_faq_never_serves_the_last_good_copy_of_another(tmp_path):
    """The sample tried first leaves its faq.yaml as the last good copy; the ward's own
    file, broken from the start, must not make the bot answer with the sample's entries."""
    faq, content = write_ward(tmp_path)
    data = tmp_path / "data"
    Engine.open(faq, content, data, today=TODAY).close()  # the sample, tried first
    faq.write_text(ANOTHER_WARDS_BROKEN_FAQ, encoding="utf-8")
    engine = Engine.open(faq, content, data, today=TODAY)
    try:
        assert engine.faq_missing and not engine.corpus.faq
        assert engine.problems and str(engine.problems[0]).startswith(f"{faq}:")
        best = engine.ask("mức đóng bhyt hộ gia đình").best
        assert best is None or best.type == "announcement"
    finally:
        engine.close()


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text.replace("\nfaq:\n", "\nFAQ:\n"),  # a mistyped header
        lambda text: text.replace("topics:\n", "topic:\n", 1),
        lambda text: text[: text.index("\nfaq:\n")],  # a save caught half written
    ],
    ids=["faq-header", "topics-header", "half-saved"],
)
def test_a_faq_that_lost_a_whole_section_keeps_the_last_good_version_serving(tmp_path, damage):
    faq, content = write_ward(tmp_path)
    engine = Engine.open(faq, content, tmp_path / "data", today=TODAY)
    topics = [t.id for t in engine.corpus.topics]
    faq.write_text(damage(faq.read_text(encoding="utf-8")), encoding="utf-8")
    problems = engine.reload()
    assert any("thiếu phần" in p.message for p in problems)
    assert not engine.faq_ok, "admins are told the file cannot be used"
    assert engine.ask("mức đóng bhyt").best.id == "bhyt-muc-dong"
    assert [t.id for t in engine.corpus.topics] == topics
    engine.close()


def test_a_faq_without_topics_still_updates_when_it_never_had_them(tmp_path):
    faq, content = write_ward(tmp_path)
    text = faq.read_text(encoding="utf-8")
    no_topics = text[: text.index("topics:")] + text[text.index("\nfaq:\n") + 1 :]
    faq.write_text(no_topics, encoding="utf-8")
    engine = Engine.open(faq, content, tmp_path / "data", today=TODAY)
    before = len(engine.corpus.faq)
    renamed = no_topics.replace("  - id: gio-lam-viec\n", "  - id: gio-lam-viec-2\n")
    faq.write_text(renamed, encoding="utf-8")
    engine.reload()
    assert engine.faq_ok and len(engine.corpus.faq) == before
    assert "gio-lam-viec-2" in {e.id for e in engine.corpus.faq}
    engine.close()


def test_a_broken_faq_on_a_fresh_data_folder_says_there_is_no_good_version(tmp_path, caplog):
    faq, content = write_ward(tmp_path)
    faq.write_text(faq.read_text(encoding="utf-8") + "\n  - id: [unclosed\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="wardbot.library"):
        engine = Engine.open(faq, content, tmp_path / "data", today=TODAY)
    assert engine.faq_missing and not engine.corpus.faq and not engine.corpus.topics
    (warning,) = [r.getMessage() for r in caplog.records]
    assert "no good version" in warning and "serving the last good" not in warning
    assert f"{faq}:" in warning  # what to fix, as file:line
    engine.close()


def test_an_edit_that_loses_many_entries_is_flagged_and_the_old_file_kept(tmp_path):
    faq, content = write_ward(tmp_path)
    data = tmp_path / "data"
    full = faq.read_text(encoding="utf-8")
    Engine.open(faq, content, data, today=TODAY).close()
    # A save cut short: the last four of the eight entries are gone, yet it still parses.
    faq.write_text(full[: full.index("  - id: hoc-bong-khuyen-hoc")], encoding="utf-8")
    engine = Engine.open(faq, content, data, today=TODAY)
    assert engine.faq_shrink is not None
    assert engine.faq_shrink.gone == (
        "hoc-bong-khuyen-hoc",
        "tam-tru",
        "thuong-tru",
        "gio-lam-viec",
    )
    assert (data / "faq.last-good.1.yaml").read_text(encoding="utf-8") == full
    # One more edit still leaves the full file among the copies; a plain restart moves nothing.
    faq.write_text(full[: full.index("  - id: tam-tru")], encoding="utf-8")
    engine.reload()
    engine.close()
    Engine.open(faq, content, data, today=TODAY).close()
    assert (data / "faq.last-good.2.yaml").read_text(encoding="utf-8") == full


def test_an_edit_saved_on_a_full_disk_keeps_the_last_good_copy(tmp_path, monkeypatch):
    """`bot.py index` (or the bot) after an edit, on a full data disk: the last good copy
    was moved aside before the new one failed to write, and a later broken faq.yaml had
    no good version to fall back on (no FAQ for residents)."""
    faq, content = write_ward(tmp_path)
    data = tmp_path / "data"
    Engine.open(faq, content, data, today=TODAY).close()
    good = (data / "faq.last-good.yaml").read_bytes()
    faq.write_text(faq.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    disk.fill(data, monkeypatch)
    with pytest.raises(OSError):
        Engine.open(faq, content, data, today=TODAY)
    assert (data / "faq.last-good.yaml").read_bytes() == good
    assert not (data / "faq.last-good.1.yaml").exists()
    assert sorted(path.name for path in data.glob(".*.tmp")) == []  # no partial left


def test_the_last_good_copy_is_the_faq_that_was_checked_not_the_file_read_again(
    tmp_path, monkeypatch
):
    """An editor saving faq.yaml again (half written, say) just after the bot read and
    checked it: the copy kept as the last good one is what was checked, so a later
    restart on the broken file still serves every answer."""
    import wardbot.library

    faq, content = write_ward(tmp_path)
    data = tmp_path / "data"
    good = faq.read_bytes()
    edited = good.replace(b"VssID", b"VssID (app)")
    faq.write_bytes(edited)
    read = wardbot.library.load_faq

    def read_then_saved_again(path, serving=None):
        checked = read(path, serving=serving)
        faq.write_bytes(edited[: edited.index(b"  - id: tam-tru")] + b"  - id: [cut")
        return checked

    monkeypatch.setattr(wardbot.library, "load_faq", read_then_saved_again)
    Engine.open(faq, content, data, today=TODAY).close()
    monkeypatch.setattr(wardbot.library, "load_faq", read)
    assert (data / "faq.last-good.yaml").read_bytes() == edited
    engine = Engine.open(faq, content, data, today=TODAY)
    assert engine.ask("đăng ký tạm trú cần giấy tờ gì").best.id == "tam-tru"
    engine.close()


def test_the_last_good_copy_is_never_missing_while_a_new_one_is_kept(tmp_path, monkeypatch):
    """`bot.py check` or `announce` reading the last good copy while the bot keeps a newer
    one: at every step of the rotation there is a whole copy to read."""
    import os

    faq, content = write_ward(tmp_path)
    data = tmp_path / "data"
    Engine.open(faq, content, data, today=TODAY).close()
    faq.write_text(faq.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    Engine.open(faq, content, data, today=TODAY).close()
    kept = data / "faq.last-good.yaml"
    seen = []
    replace = os.replace

    def watched_replace(src, dst):
        seen.append(kept.exists())
        replace(src, dst)
        seen.append(kept.exists())

    monkeypatch.setattr(os, "replace", watched_replace)
    faq.write_text(faq.read_text(encoding="utf-8") + "# edited again\n", encoding="utf-8")
    Engine.open(faq, content, data, today=TODAY).close()
    assert seen and all(seen)
    assert (data / "faq.last-good.2.yaml").exists() and "edited again" in kept.read_text("utf-8")


def test_removing_one_entry_is_an_ordinary_edit(tmp_path):
    faq, content = write_ward(tmp_path)
    engine = Engine.open(faq, content, tmp_path / "data", today=TODAY)
    full = faq.read_text(encoding="utf-8")
    faq.write_text(full[: full.index("  - id: gio-lam-viec")], encoding="utf-8")
    engine.reload()
    assert engine.faq_shrink is None and engine.document("gio-lam-viec") is None
    engine.close()


# A clerk copies an entry to the top of faq: to start a new one, edits it and forgets its id.
COPIED_ON_TOP = """\
faq:
  - id: gio-lam-viec
    question: Thứ bảy phường có tiếp dân không?
    answer: Sáng thứ bảy có cán bộ trực một cửa.
"""


def test_an_entry_copied_under_its_id_leaves_the_one_served_serving(tmp_path):
    faq, content = write_ward(tmp_path)
    data = tmp_path / "data"
    engine = Engine.open(faq, content, data, today=TODAY)
    served = engine.document("gio-lam-viec")
    assert served is not None and "7 giờ 30" in served.answer
    faq.write_text(
        faq.read_text(encoding="utf-8").replace("faq:\n", COPIED_ON_TOP, 1), encoding="utf-8"
    )
    copy_line = faq.read_text(encoding="utf-8").split("\n").index("  - id: gio-lam-viec") + 1
    at = faq.read_text(encoding="utf-8").split("\n").index("  - id: gio-lam-viec", copy_line) + 1

    told = [str(p) for p in engine.reload()]

    assert f"{faq}:{copy_line}: mã (id) 'gio-lam-viec' đã dùng cho mục ở dòng {at}" in "\n".join(
        told
    )
    assert "7 giờ 30" in engine.document("gio-lam-viec").answer
    assert engine.ask("giờ làm việc của ủy ban phường").best.id == "gio-lam-viec"
    engine.close()
    # A restart, faq.yaml unchanged: the entry that served before the copy still serves.
    engine = Engine.open(faq, content, data, today=TODAY)
    assert "7 giờ 30" in engine.document("gio-lam-viec").answer
    assert any(p.line == copy_line for p in engine.problems)
    engine.close()


def test_an_entry_copied_under_its_id_keeps_the_one_served_after_later_edits_and_a_restart(
    tmp_path,
):
    faq, content = write_ward(tmp_path)
    data = tmp_path / "data"
    engine = Engine.open(faq, content, data, today=TODAY)
    faq.write_text(
        faq.read_text(encoding="utf-8").replace("faq:\n", COPIED_ON_TOP, 1), encoding="utf-8"
    )
    engine.reload()
    # The clerk goes on editing other entries, the copy still there; each edit served.
    for n in range(3):
        faq.write_text(faq.read_text(encoding="utf-8") + f"# sửa lần {n}\n", encoding="utf-8")
        engine.reload()
        assert "7 giờ 30" in engine.document("gio-lam-viec").answer
    engine.close()

    engine = Engine.open(faq, content, data, today=TODAY)
    assert "7 giờ 30" in engine.document("gio-lam-viec").answer
    engine.close()


def test_a_bad_entry_is_reported_and_the_rest_still_answer(tmp_path):
    faq, content = write_ward(tmp_path)
    text = faq.read_text(encoding="utf-8").replace(
        "    answer: Có thể dùng", "    anwser: Có thể dùng"
    )
    faq.write_text(text, encoding="utf-8")
    engine = Engine.open(faq, content, tmp_path / "data", today=TODAY)
    assert any("anwser" in str(p) for p in engine.problems)
    assert engine.document("bhyt-mat-the") is None
    assert engine.ask("mức đóng bhyt").best.id == "bhyt-muc-dong"
    engine.close()


# An edit to the entry bhyt-mat-the with a mistake that skips it, as staff make them.
BROKEN_EDITS = {
    "answer misspelt": ("    answer: Có thể dùng", "    anwser: Có thể dùng"),
    "question twice": (
        "    variants: [làm mất thẻ bhyt",
        "    question: Mất thẻ BHYT thì sao?\n    variants: [làm mất thẻ bhyt",
    ),
    "answer emptied": (
        "    answer: Có thể dùng thẻ căn cước gắn chip hoặc ứng dụng VssID thay cho thẻ giấy.",
        "    answer:",
    ),
}
KEPT = "bot vẫn dùng bản trước đó của mục này cho tới khi sửa xong"


def _edit(faq: Path, old: str, new: str) -> None:
    text = faq.read_text(encoding="utf-8")
    assert old in text
    faq.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("damage", BROKEN_EDITS)
def test_an_entry_an_edit_breaks_keeps_answering_as_it_last_read(tmp_path, damage):
    faq, content = write_ward(tmp_path)
    data = tmp_path / "data"
    engine = Engine.open(faq, content, data, today=TODAY)
    _edit(faq, *BROKEN_EDITS[damage])
    line = faq.read_text(encoding="utf-8").split("\n").index("  - id: bhyt-mat-the") + 1
    last = len(faq.read_text(encoding="utf-8").split("\n"))

    told = [p for p in engine.reload() if p.file == str(faq) and line <= p.line < last]

    # Residents still get the answer they got before the edit...
    assert engine.ask("làm mất thẻ bhyt").best.id == "bhyt-mat-the"
    assert "VssID" in engine.document("bhyt-mat-the").answer
    # ...and staff are told the mistake at its line, and that the old version still serves.
    assert told and all(str(p).endswith(KEPT) for p in told)
    assert "bị bỏ qua" not in str(told)
    engine.reload()  # reloaded again, still broken: still served
    assert "VssID" in engine.document("bhyt-mat-the").answer
    engine.close()
    # Restarts with the entry still broken, other edits made meanwhile (the last good
    # copies rotate): the version it had still serves.
    for n in range(4):
        faq.write_text(faq.read_text(encoding="utf-8") + f"# sửa lần {n}\n", encoding="utf-8")
        engine = Engine.open(faq, content, data, today=TODAY)
        assert "VssID" in engine.document("bhyt-mat-the").answer
        assert engine.ask("làm mất thẻ bhyt").best.id == "bhyt-mat-the"
        engine.close()
    # Fixed, with a new answer: the new one serves.
    text = faq.read_text(encoding="utf-8")
    start = text.index("  - id: bhyt-mat-the")
    end = text.index("  - id: ", start + 1)
    fixed = (
        "  - id: bhyt-mat-the\n    question: Mất thẻ bảo hiểm y tế thì đi khám bệnh bằng gì?\n"
        "    answer: Dùng ứng dụng VNeID khi đi khám.\n    topics: [bhyt]\n"
    )
    faq.write_text(text[:start] + fixed + text[end:], encoding="utf-8")
    engine = Engine.open(faq, content, data, today=TODAY)
    assert engine.document("bhyt-mat-the").answer == "Dùng ứng dụng VNeID khi đi khám."
    assert not [p for p in engine.problems if KEPT in p.message]
    engine.close()


def test_an_entry_written_twice_both_copies_broken_says_which_copy_is_kept_at_each_line(
    tmp_path,
):
    """Staff paste the entry bhyt-mat-the a second time and each copy has a mistake: the
    entry serves as it last read; the first copy's line says so, the second copy's line
    says it is a second writing of that entry, skipped, not that the whole entry is."""
    faq, content = write_ward(tmp_path)
    engine = Engine.open(faq, content, tmp_path / "data", today=TODAY)
    text = faq.read_text(encoding="utf-8")
    start = text.index("  - id: bhyt-mat-the")
    end = text.index("  - id: ", start + 1)
    first = text[start:end].replace("    answer: Có thể dùng", "    anwser: Có thể dùng")
    second = first.replace("    anwser:", "    answr:")
    faq.write_text(text[:start] + first + second + text[end:], encoding="utf-8")
    lines = faq.read_text(encoding="utf-8").split("\n")
    first_id = lines.index("  - id: bhyt-mat-the") + 1

    problems = engine.reload()

    assert "VssID" in engine.document("bhyt-mat-the").answer
    [in_first] = [p for p in problems if p.file == str(faq) and "'anwser'" in p.message]
    [in_second] = [p for p in problems if p.file == str(faq) and "'answr'" in p.message]
    assert lines[in_first.line - 1].startswith("    anwser:")
    assert lines[in_second.line - 1].startswith("    answr:")
    assert in_first.message.endswith(KEPT)
    assert in_second.message.endswith(
        f"mục này được viết hai lần trong tệp (lần đầu ở dòng {first_id}), nên lần viết này "
        "bị bỏ qua; bot vẫn dùng bản trước đó của mục này cho tới khi sửa xong: hãy sửa lỗi "
        "và chỉ giữ lại một lần viết của mục"
    )
    assert "cả mục này bị bỏ qua" not in str(problems)
    engine.close()


def test_a_way_of_asking_moved_out_of_an_entry_the_same_edit_broke_answers_where_it_went(
    tmp_path,
):
    """Staff split 'thẻ bhyt bị rách' out of bhyt-mat-the into an entry of its own and, in
    the same save, misspell the old entry's answer key: the old entry serves as it last
    read, but without the way of asking the file now gives to the new entry, which
    answers it (not two entries offered for it, the resident answered by neither)."""
    faq, content = write_ward(tmp_path)
    engine = Engine.open(faq, content, tmp_path / "data", today=TODAY)
    _edit(
        faq,
        "    variants: [làm mất thẻ bhyt, thẻ bhyt bị rách]",
        "    variants: [làm mất thẻ bhyt]",
    )
    _edit(faq, *BROKEN_EDITS["answer misspelt"])
    _edit(
        faq,
        "  - id: cccd-cap-lai\n",
        "  - id: bhyt-the-rach\n    question: Thẻ bảo hiểm y tế bị rách thì làm sao?\n"
        "    variants: [thẻ bhyt bị rách]\n    answer: Đến bưu điện phường để đổi thẻ mới.\n"
        "    topics: [bhyt]\n  - id: cccd-cap-lai\n",
    )

    engine.reload()

    answer = engine.ask("thẻ bhyt bị rách")
    assert answer.answered and answer.best.id == "bhyt-the-rach"
    assert engine.ask("làm mất thẻ bhyt").best.id == "bhyt-mat-the"  # still kept
    assert "VssID" in engine.document("bhyt-mat-the").answer
    engine.close()


TOPIC_KEPT = "bot vẫn dùng bản trước đó của chủ đề này cho tới khi sửa xong"


def test_a_topic_an_edit_breaks_keeps_serving_as_it_last_read_through_restarts(tmp_path):
    """Staff empty the name of the topic bhyt: it keeps serving as it was (its entries and
    notices still tagged with it, residents still able to follow it), and staff are told
    the mistake at its line, ending as for an entry; through later edits and restarts."""
    faq, content = write_ward(tmp_path)
    data = tmp_path / "data"
    engine = Engine.open(faq, content, data, today=TODAY)
    _edit(faq, "    name: Bảo hiểm y tế\n", "    name:\n")
    line = faq.read_text(encoding="utf-8").split("\n").index("    name:") + 1

    told = [p for p in engine.reload() if p.file == str(faq) and p.line == line]

    assert [t.name for t in engine.corpus.topics if t.id == "bhyt"] == ["Bảo hiểm y tế"]
    assert engine.document("bhyt-mat-the").topics == ("bhyt",)
    [problem] = told
    assert problem.message.endswith(f"bản sửa này của chủ đề chưa được dùng; {TOPIC_KEPT}"), (
        problem.message
    )
    engine.close()
    for n in range(4):  # the last good copies all have it broken: still served
        faq.write_text(faq.read_text(encoding="utf-8") + f"# sửa lần {n}\n", encoding="utf-8")
        engine = Engine.open(faq, content, data, today=TODAY)
        assert [t.name for t in engine.corpus.topics if t.id == "bhyt"] == ["Bảo hiểm y tế"]
        assert any(p.line == line and p.message.endswith(TOPIC_KEPT) for p in engine.problems)
        engine.close()
    # Fixed with a new name: the new name serves.
    _edit(faq, "    name:\n", "    name: Bảo hiểm y tế, bảo hiểm xã hội\n")
    engine = Engine.open(faq, content, data, today=TODAY)
    assert [t.name for t in engine.corpus.topics if t.id == "bhyt"] == [
        "Bảo hiểm y tế, bảo hiểm xã hội"
    ]
    assert not [p for p in engine.problems if TOPIC_KEPT in p.message]
    engine.close()


@pytest.mark.parametrize("written", ["below", "above"])
def test_a_kept_topic_whose_name_a_new_topic_has_is_told_as_two_topics_of_one_name(
    tmp_path, written
):
    """Staff write a new topic under bhyt's name and, in the same save, empty bhyt's name:
    bhyt still serves as it last read (its followers still alerted), so residents see two
    topics "Bảo hiểm y tế" to follow; staff are told so at the later of the two, as for
    two topics the file names alike, after a restart too."""
    faq, content = write_ward(tmp_path)
    data = tmp_path / "data"
    engine = Engine.open(faq, content, data, today=TODAY)
    _edit(faq, "    name: Bảo hiểm y tế\n", "    name:\n")
    new_topic = "  - id: bao-hiem\n    name: Bảo hiểm y tế\n"
    beside = "  - id: cu-tru\n" if written == "below" else "  - id: bhyt\n"
    _edit(faq, beside, new_topic + beside)
    lines = faq.read_text(encoding="utf-8").split("\n")
    kept_at = lines.index("  - id: bhyt") + 1
    new_at = lines.index("  - id: bao-hiem") + 2  # its name's line
    if written == "below":
        at, message = (
            new_at,
            f"chủ đề 'bao-hiem': tên 'Bảo hiểm y tế' trùng với tên chủ đề 'bhyt' ở dòng {kept_at}",
        )
    else:
        at, message = (
            kept_at,
            f"chủ đề 'bhyt': tên 'Bảo hiểm y tế' trùng với tên chủ đề 'bao-hiem' ở dòng {new_at}",
        )

    def told(problems):
        return [p.message for p in problems if p.line == at and "hai chủ đề cùng tên" in p.message]

    problems = engine.reload()

    assert [t.name for t in engine.corpus.topics if t.id in ("bhyt", "bao-hiem")] == [
        "Bảo hiểm y tế",
        "Bảo hiểm y tế",
    ]
    assert told(problems) == [
        f"{message}, nên người dân thấy hai chủ đề cùng tên — chủ đề vẫn được dùng; hãy đặt "
        "tên khác, ví dụ nói rõ chủ đề này dành cho ai"
    ]
    engine.close()
    engine = Engine.open(faq, content, data, today=TODAY)
    assert len(told(engine.problems)) == 1
    engine.close()


def test_a_topic_deleted_or_renamed_in_the_edit_that_breaks_it_is_not_kept(tmp_path):
    faq, content = write_ward(tmp_path)
    engine = Engine.open(faq, content, tmp_path / "data", today=TODAY)
    # hoc-bong deleted; bhyt's id changed (a new topic) in the same edit that broke it.
    _edit(faq, "  - id: hoc-bong\n    name: Học bổng\n    keywords: [học bổng, khuyến học]\n", "")
    _edit(faq, "  - id: bhyt\n    name: Bảo hiểm y tế\n", "  - id: bao-hiem\n    name:\n")

    problems = engine.reload()

    assert {t.id for t in engine.corpus.topics} == {"can-cuoc", "cu-tru"}
    assert not [p for p in problems if TOPIC_KEPT in p.message]
    assert any("cả chủ đề này bị bỏ qua" in p.message for p in problems)
    engine.close()


def test_a_broken_entry_whose_question_a_new_entry_asks_is_not_kept_and_staff_are_told(
    tmp_path,
):
    """Staff write a new entry for the question of bhyt-mat-the (a new answer, a new id)
    and, in the same save, break the old entry: the new entry answers that question, not
    the old version kept beside it (the two would be offered, neither answered), and staff
    are told at the old entry's line which entry now answers it."""
    faq, content = write_ward(tmp_path)
    data = tmp_path / "data"
    engine = Engine.open(faq, content, data, today=TODAY)
    _edit(faq, *BROKEN_EDITS["answer misspelt"])
    _edit(
        faq,
        "  - id: cccd-cap-lai\n",
        "  - id: bhyt-mat-the-moi\n"
        "    question: Mất thẻ bảo hiểm y tế thì đi khám bệnh bằng gì?\n"
        "    answer: Dùng ứng dụng VNeID hoặc VssID khi đi khám.\n"
        "    topics: [bhyt]\n  - id: cccd-cap-lai\n",
    )
    lines = faq.read_text(encoding="utf-8").split("\n")
    old_at = lines.index("  - id: bhyt-mat-the") + 1
    new_at = lines.index("  - id: bhyt-mat-the-moi") + 1

    problems = engine.reload()

    answer = engine.ask("Mất thẻ bảo hiểm y tế thì đi khám bệnh bằng gì?")
    assert answer.answered and answer.best.id == "bhyt-mat-the-moi"
    assert engine.document("bhyt-mat-the") is None
    told = [str(p) for p in problems if p.line == old_at]
    assert (
        f"{faq}:{old_at}: mục 'bhyt-mat-the' có lỗi ở bản sửa này, và câu hỏi của bản trước đó "
        f"trùng với câu hỏi của mục 'bhyt-mat-the-moi' ở dòng {new_at}, nên bot dùng mục "
        "'bhyt-mat-the-moi' cho câu hỏi này" in "\n".join(told)
    ), told
    assert not [p for p in problems if KEPT in p.message]  # the mistake says it is skipped
    engine.close()
    engine = Engine.open(faq, content, data, today=TODAY)  # a restart: the same
    assert engine.ask("Mất thẻ bảo hiểm y tế thì đi khám bệnh bằng gì?").best.id == (
        "bhyt-mat-the-moi"
    )
    assert engine.document("bhyt-mat-the") is None
    engine.close()


class Crash(Exception):
    """The bot killed while saving the last good copy of faq.yaml."""


def test_a_crash_at_any_step_of_saving_the_last_good_copy_still_serves_a_kept_entry(
    tmp_path, monkeypatch
):
    """bhyt-mat-the broken for so many edits that every last good copy has it broken (its
    last version known only from beside the newest copy); the bot killed at each rename of
    the next save in turn: at the restart it still answers as it last read."""
    real_replace = os.replace
    renames = 0
    crash_at = None

    def replace(src, dst, *args, **kwargs):
        nonlocal renames
        if Path(dst).name.startswith("faq.last-good"):
            renames += 1
            if renames == crash_at:
                raise Crash
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    for step in range(1, 10):
        root = tmp_path / str(step)
        root.mkdir()
        faq, content = write_ward(root)
        data = root / "data"
        engine = Engine.open(faq, content, data, today=TODAY)
        _edit(faq, *BROKEN_EDITS["answer misspelt"])
        engine.reload()
        for n in range(3):
            faq.write_text(faq.read_text(encoding="utf-8") + f"# sửa {n}\n", encoding="utf-8")
            engine.reload()
        faq.write_text(faq.read_text(encoding="utf-8") + "# sửa nữa\n", encoding="utf-8")
        renames, crash_at = 0, step
        try:
            engine.reload()
        except Crash:
            pass
        else:  # no more renames in a save: every step tried
            assert step > 3
            engine.close()
            break
        finally:
            crash_at = None
        engine.close()

        engine = Engine.open(faq, content, data, today=TODAY)
        assert "VssID" in engine.document("bhyt-mat-the").answer, step
        assert engine.ask("làm mất thẻ bhyt").best.id == "bhyt-mat-the"
        engine.close()
    else:
        raise AssertionError("a save that never ends")


def test_a_new_entry_with_a_mistake_is_skipped_and_a_deleted_one_is_gone(tmp_path):
    faq, content = write_ward(tmp_path)
    engine = Engine.open(faq, content, tmp_path / "data", today=TODAY)
    text = faq.read_text(encoding="utf-8")
    start = text.index("  - id: bhyt-mat-the")
    end = text.index("  - id: ", start + 1)
    # The entry deleted, another one added with its answer misspelt, and one whose id was
    # changed in the same edit that broke it (a new entry: the old one is deleted).
    new = (
        "  - id: bhyt-hoc-sinh\n    question: Học sinh mua bảo hiểm y tế ở đâu?\n"
        "    anwser: Tại trường học.\n"
    )
    text = text[:start] + new + text[end:]
    text = text.replace(
        "  - id: cccd-cap-lai\n    question: Bị mất thẻ căn cước thì làm lại ở đâu?",
        "  - id: can-cuoc-cap-lai\n    question: Bị mất thẻ căn cước thì làm lại ở đâu?\n"
        "    question: Làm lại căn cước ở đâu?",
    )
    faq.write_text(text, encoding="utf-8")

    problems = engine.reload()

    assert engine.document("bhyt-mat-the") is None
    assert engine.document("bhyt-hoc-sinh") is None
    assert engine.document("cccd-cap-lai") is None
    assert engine.document("can-cuoc-cap-lai") is None
    assert any("anwser" in p.message and "cả mục này bị bỏ qua" in p.message for p in problems)
    assert not [p for p in problems if KEPT in p.message]
    engine.close()


@pytest.mark.parametrize("question", ["1", "2024", "xin chào", "alo ad ơi", "dạ em cảm ơn ạ"])
def test_a_question_that_asks_nothing_specific_is_not_answered(engine, question):
    assert not engine.ask(question).answered


def test_a_year_asked_picks_the_notice_of_that_year_not_one_that_mentions_it(tmp_path):
    # Neither title names a year; the newer notice names the older year in passing ('up
    # from 2023'). A question about 2023 still means the notice of 2023, however fresher
    # the other one is.
    faq, content = write_ward(tmp_path)
    for path in content.glob("*muc-dong-bhyt*"):
        path.unlink()
    (content / "2023-07-10-muc-dong-bhyt.md").write_text(
        "---\ntitle: Mức đóng BHYT hộ gia đình theo lương cơ sở mới\ndate: 2023-07-10\n---\n"
        "Người thứ nhất đóng 972.000 đồng một năm.\n",
        encoding="utf-8",
    )
    (content / "2024-07-12-muc-dong-bhyt.md").write_text(
        "---\ntitle: Mức đóng BHYT hộ gia đình theo lương cơ sở mới\ndate: 2024-07-12\n---\n"
        "Người thứ nhất đóng 1.263.600 đồng một năm, tăng so với mức của năm 2023.\n",
        encoding="utf-8",
    )
    engine = Engine.open(faq, content, tmp_path / "data", today=TODAY)
    try:
        assert engine.ask("mức đóng bhyt hộ gia đình năm 2023").results[0].id.startswith("2023")
        assert engine.ask("mức đóng bhyt hộ gia đình năm 2024").results[0].id.startswith("2024")
    finally:
        engine.close()


def test_a_school_year_asked_picks_that_school_years_notice(tmp_path):
    # "năm học 2025-2026" names two years: the notice for 2025-2026 is about both, the
    # one for 2024-2025 only about one, and the rescoring reads it so.
    faq, content = write_ward(tmp_path)
    for start in (2024, 2025):
        (content / f"{start}-08-20-hoc-bong-nam-hoc-{start}-{start + 1}.md").write_text(
            f"---\ntitle: Xét học bổng khuyến học năm học {start}-{start + 1}\n"
            f"date: {start}-08-20\n---\n"
            f"Hội Khuyến học phường nhận hồ sơ xét học bổng năm học {start}-{start + 1} "
            f"đến hết ngày 15/9/{start}.\n",
            encoding="utf-8",
        )
    engine = Engine.open(faq, content, tmp_path / "data", today=TODAY)
    try:
        for start in (2024, 2025):
            question = f"hoc bong khuyen hoc nam hoc {start}-{start + 1} han nop ho so"
            best = engine.ask(question).results[0].id
            assert best == f"{start}-08-20-hoc-bong-nam-hoc-{start}-{start + 1}", question
        years = {
            hit.id: candidate.lexical.year
            for hit, candidate in engine.explain("học bổng năm học 2025-2026")
            if "hoc-bong-nam-hoc" in hit.id
        }
        assert years == {
            "2025-08-20-hoc-bong-nam-hoc-2025-2026": 1.0,
            "2024-08-20-hoc-bong-nam-hoc-2024-2025": 0.5,
        }
    finally:
        engine.close()


def test_a_current_notice_beats_a_newer_expired_look_alike(tmp_path):
    # Same subject; the newer notice has already expired. The current one is ranked
    # first and answers, rather than the bot declining because the best has expired.
    faq, content = write_ward(tmp_path)
    for day, expires in (("2024-10-01", ""), ("2024-12-01", "expires: 2024-12-31\n")):
        (content / f"{day}-tiem-phong-dai.md").write_text(
            f"---\ntitle: Tiêm phòng bệnh dại cho chó mèo\ndate: {day}\n{expires}---\n"
            "Thú y phường tiêm phòng dại cho chó mèo tại nhà văn hóa khu phố.\n",
            encoding="utf-8",
        )
    engine = Engine.open(faq, content, tmp_path / "data", today=TODAY)
    try:
        answer = engine.ask("tiêm phòng bệnh dại cho chó mèo")
        assert answer.answered and answer.best.id == "2024-10-01-tiem-phong-dai"
    finally:
        engine.close()


# A notice about one event, and questions about it and about its look-alike that the
# ward has not published: the look-alike's date would send a resident on a wrong day.
OTHER_EVENT = [
    pytest.param(
        "2026-06-01-hien-mau",
        "Ngày hội hiến máu tình nguyện năm 2026",
        "Ngày hội hiến máu tình nguyện tổ chức tại hội trường UBND phường, 7 giờ sáng 14/6.",
        "ngày hội hiến máu năm 2026 tổ chức ở đâu",
        "ngày hội hiến máu năm 2025 tổ chức ở đâu",
        id="another year",
    ),
    pytest.param(
        "2026-04-08-ky-hop-thu-nhat",
        "Kỳ họp thứ nhất HĐND phường nhiệm kỳ 2026-2031",
        "Kỳ họp thứ nhất Hội đồng nhân dân phường khai mạc sáng 10/4 tại hội trường.",
        "kỳ họp thứ nhất hđnd phường khai mạc ngày nào",
        "kỳ họp thứ hai hđnd phường khai mạc ngày nào",
        id="another session",
    ),
    pytest.param(
        "2026-07-20-tuyen-sinh-lop-1-lop-6",
        "Tuyển sinh lớp 1, lớp 6 năm học 2026-2027",
        "Các trường trên địa bàn phường nhận hồ sơ tuyển sinh từ 1/7 đến 31/7.",
        "tuyển sinh lớp 6 năm học 2026-2027 nhận hồ sơ đến ngày nào",
        "tuyển sinh lớp 10 năm học 2026-2027 nhận hồ sơ đến ngày nào",
        id="another school grade",
    ),
    pytest.param(
        "2025-12-20-ky-hop-hdnd-phuong-cuoi-nam",
        "Kỳ họp HĐND phường cuối năm 2025",
        "Hội đồng nhân dân phường họp ngày 20/12/2025, thông qua nghị quyết về dự toán ngân sách.",
        "kỳ họp hđnd phường cuối năm 2025 thông qua nghị quyết gì",
        "kỳ họp hđnd tỉnh cuối năm 2025 thông qua nghị quyết gì",
        id="another tier's council",
    ),
]


@pytest.mark.parametrize(("notice", "title", "body", "asked", "other"), OTHER_EVENT)
def test_a_notice_about_another_event_is_offered_not_answered(
    tmp_path, notice, title, body, asked, other
):
    faq, content = write_ward(tmp_path)
    day = notice[:10]
    (content / f"{notice}.md").write_text(
        f"---\ntitle: {title}\ndate: {day}\n---\n{body}\n", encoding="utf-8"
    )
    engine = Engine.open(faq, content, tmp_path / "data", today=dt.date.fromisoformat(day))
    try:
        same = engine.ask(asked)
        assert same.answered and same.best.id == notice
        answer = engine.ask(other)
        assert not answer.answered
        assert [hit.id for hit in answer.offers][:1] == [notice]
    finally:
        engine.close()


def test_a_question_about_another_tiers_committee_is_not_answered_with_the_wards_own(
    tmp_path,
):
    # The ward's hotline is no answer to "the province's committee's number": a resident
    # would call the wrong office. An FAQ entry is held back as a notice would be.
    faq, content = write_ward(tmp_path)
    faq.write_text(
        "faq:\n"
        "  - id: duong-day-nong\n"
        "    question: Số điện thoại đường dây nóng của UBND phường là bao nhiêu?\n"
        "    answer: Gọi 0236 3821 123 (Ủy ban nhân dân phường), trong giờ hành chính.\n",
        encoding="utf-8",
    )
    engine = Engine.open(faq, content, tmp_path / "data", today=TODAY)
    try:
        own = engine.ask("số điện thoại ubnd phường")
        assert own.answered and own.best.id == "duong-day-nong"
        other = engine.ask("số điện thoại ubnd tỉnh")
        assert not other.answered
        assert [hit.id for hit in other.results][:1] == ["duong-day-nong"]
    finally:
        engine.close()


def test_a_word_pair_typed_with_diacritics_matches_only_as_spelt(tmp_path):
    # 'tiền già' (the old-age allowance, in residents' words) shares its letters, not its
    # words, with 'tiền gia hạn' (the renewal fee): like single words, a pair typed with
    # diacritics counts fully only where the document spells it so.
    faq, content = write_ward(tmp_path)
    faq.write_text(
        "faq:\n"
        "  - id: bhyt-gia-han\n"
        "    question: Nộp tiền gia hạn thẻ BHYT ở đâu?\n"
        "    answer: Tại đại lý thu BHYT hoặc qua ứng dụng VssID.\n"
        "  - id: tro-cap-nguoi-gia\n"
        "    question: Người già từ 80 tuổi có được trợ cấp hằng tháng không?\n"
        "    answer: Có, nộp tờ khai tại bộ phận một cửa.\n",
        encoding="utf-8",
    )
    for path in content.glob("*.md"):
        path.unlink()
    engine = Engine.open(faq, content, tmp_path / "data", today=TODAY)
    try:
        accented = engine.ask("tiền già")
        assert not (accented.answered and accented.best.id == "bhyt-gia-han")
        # Without diacritics both readings stand, and the pair points to the fee.
        assert engine.ask("tien gia").results[0].id == "bhyt-gia-han"
    finally:
        engine.close()


def test_a_notice_with_an_faq_entrys_id_is_reported_where_the_entry_is(tmp_path):
    """Staff are told which faq.yaml line already has the id, whether the notice was there
    at start or dropped in later; the FAQ entry keeps answering."""
    faq, content = write_ward(tmp_path)
    text = faq.read_text(encoding="utf-8").replace(
        "  - id: bhyt-muc-dong", "  - id: 2024-08-01-muc-dong-bhyt", 1
    )
    faq.write_text(text, encoding="utf-8")
    line = text.splitlines().index("  - id: 2024-08-01-muc-dong-bhyt") + 1
    clashing = content / "2024-08-01-muc-dong-bhyt.md"
    clashing.write_text("---\ntitle: Lịch tiêm\ndate: 2024-08-01\n---\nTiêm.\n", encoding="utf-8")
    engine = Engine.open(faq, content, tmp_path / "data", today=TODAY)
    try:
        said = (
            f"{clashing}:1: mã '2024-08-01-muc-dong-bhyt' (tên tệp) trùng với mã một câu hỏi "
            f"đáp ở {faq}:{line} — thông báo này chưa được đăng; hãy đổi tên tệp, ví dụ "
            "2024-08-01-muc-dong-bhyt-tb.md"
        )
        assert [str(p) for p in engine.problems] == [said]
        clashing.write_text(
            "---\ntitle: Lịch tiêm\ndate: 2024-08-02\n---\nTiêm.\n", encoding="utf-8"
        )
        assert [str(p) for p in engine.update_announcements([clashing]).problems] == [said]
        assert engine.ask("mức đóng bhyt hộ gia đình").best.id == "2024-08-01-muc-dong-bhyt"
        assert "Lịch tiêm" not in {a.title for a in engine.corpus.announcements}
    finally:
        engine.close()


POWER_CUT = "---\ntitle: Cắt điện khu phố 3\ndate: 2025-01-14\n---\nCắt điện từ 8h đến 16h.\n"


def test_a_notice_saved_again_under_another_name_is_served_once_and_its_copy_told(tmp_path):
    """Residents see it once in /latest and get it as the answer (two alike, the bot would
    pick neither); staff are told which file to delete, at start and for a copy dropped
    in later; once the first file is deleted, the copy is served in its place."""
    faq, content = write_ward(tmp_path)
    first = content / "2025-01-14-cat-dien.md"
    first.write_text(POWER_CUT, encoding="utf-8")
    os.utime(first, (1_700_000_000, 1_700_000_000))  # saved first
    again = content / "2025-01-14-cat-dien-kp3.md"  # named so that it sorts first
    again.write_text(POWER_CUT, encoding="utf-8")
    engine = Engine.open(faq, content, tmp_path / "data", today=TODAY)

    def told() -> list[str]:
        return [str(p) for p in engine.problems]

    def copy_of(copy: Path, kept: Path) -> str:
        return (
            f"{copy}:1: tệp này giống hệt thông báo {kept.name} (cùng tiêu đề, ngày và nội "
            "dung) — thông báo này chưa được đăng lần thứ hai; nếu là tệp thừa thì xóa đi (đã "
            f"lưu thông báo với tên mới thì xóa tệp cũ, {kept.name}), còn nếu sẽ sửa tệp này "
            "thành một thông báo khác thì bot đăng ngay khi nội dung đã khác"
        )

    try:
        titles = [a.title for a in engine.latest(10)]
        assert titles.count("Cắt điện khu phố 3") == 1
        assert engine.ask("cắt điện khu phố 3").answered
        assert engine.ask("cắt điện khu phố 3").best.id == "2025-01-14-cat-dien"
        assert told() == [copy_of(again, first)]

        third = content / "2025-01-14-cat-dien-3.md"
        third.write_text(POWER_CUT, encoding="utf-8")
        engine.update_announcements([third])
        assert [a.title for a in engine.latest(10)].count("Cắt điện khu phố 3") == 1
        assert sorted(told()) == sorted([copy_of(again, first), copy_of(third, first)])

        first.unlink()
        engine.update_announcements([first])
        [served] = [a for a in engine.corpus.announcements if a.title == "Cắt điện khu phố 3"]
        assert engine.ask("cắt điện khu phố 3").best.id == served.id
        [left] = {again, third} - {content / f"{served.id}.md"}
        assert told() == [copy_of(left, content / f"{served.id}.md")]
    finally:
        engine.close()


RELATED_FAQ = """\
topics:
  - id: ho-tich
    name: Hộ tịch
  - id: y-te
    name: Y tế
faq:
  - id: ket-hon
    question: Đăng ký kết hôn cần điều kiện và giấy tờ gì?
    answer: Hai bên nộp tờ khai đăng ký kết hôn tại UBND phường.
    topics: [ho-tich]
  - id: ly-hon
    question: Muốn ly hôn thì làm thủ tục ở đâu?
    answer: Nộp đơn tại Tòa án nhân dân khu vực.
    topics: [ho-tich]
  - id: doc-than
    question: Xin giấy xác nhận tình trạng hôn nhân ở đâu?
    answer: Tại bộ phận một cửa UBND phường.
    topics: [ho-tich]
  - id: hien-mau
    question: Muốn hiến máu tình nguyện cần điều kiện và giấy tờ gì?
    answer: Từ đủ 18 tuổi, cân nặng từ 45 kg, mang theo căn cước.
    topics: [y-te]
"""


def _notice(date: dt.date, title: str) -> str:
    return f"---\ntitle: {title}\ndate: {date.isoformat()}\ntopics: [ho-tich]\n---\n{title}.\n"


def test_related_entries_are_on_the_entry_s_subject_not_only_its_words(tmp_path):
    """An answer's 'related' buttons are the ward's other entries and recent notices on
    its topic: marriage registration is not followed by blood donation, which shares
    its "cần điều kiện và giấy tờ gì", nor by the report of a meeting two years ago."""
    (tmp_path / "faq.yaml").write_text(RELATED_FAQ, encoding="utf-8")
    content = tmp_path / "content"
    content.mkdir()
    recent, old = TODAY - dt.timedelta(days=20), TODAY - dt.timedelta(days=800)
    (content / f"{recent}-ket-hon-luu-dong.md").write_text(
        _notice(recent, "Lịch đăng ký kết hôn lưu động tại các khu phố"), encoding="utf-8"
    )
    (content / f"{old}-tong-ket-ho-tich.md").write_text(
        _notice(old, "Hội nghị tổng kết công tác đăng ký kết hôn, hộ tịch"), encoding="utf-8"
    )
    engine = Engine.open(
        tmp_path / "faq.yaml", content, tmp_path / "data", today=TODAY, embedder=load_embedder()
    )
    try:
        related = {h.id for h in engine.related("ket-hon", 5)}
        assert "hien-mau" not in related
        assert f"{old}-tong-ket-ho-tich" not in related
        assert {"ly-hon", "doc-than", f"{recent}-ket-hon-luu-dong"} <= related
    finally:
        engine.close()


def test_notices_tagged_with_a_topic_skipped_for_its_id_are_told_so_while_running(tmp_path):
    """The running bot tells admins what `check` tells: the topic's id at its line keeps
    it off, at a reload and when a notice is saved while it runs."""
    faq, content = write_ward(tmp_path)
    text = faq.read_text(encoding="utf-8")
    faq.write_text(text.replace("  - id: cu-tru\n", "  - id: Cư trú\n"), encoding="utf-8")
    line = text.splitlines().index("  - id: cu-tru") + 1
    said = (
        f"dòng topics: mã (id) của chủ đề 'cư trú' ở dòng {line} của faq.yaml chưa hợp lệ nên "
        "chủ đề đó chưa được nạp, chưa gắn vào đây được cho tới khi sửa xong"
    )
    first = content / "2025-01-10-tam-tru.md"
    first.write_text(
        "---\ntitle: Khai báo tạm trú\ndate: 2025-01-10\ntopics: [cư trú]\n---\nTại công an.\n",
        encoding="utf-8",
    )
    engine = Engine.open(faq, content, tmp_path / "data", today=TODAY)
    try:
        assert any(p.file == str(first) and said in p.message for p in engine.problems)
        second = content / "2025-01-12-thuong-tru.md"
        second.write_text(first.read_text(encoding="utf-8"), encoding="utf-8")
        problems = engine.update_announcements([second]).problems
        assert any(p.file == str(second) and said in p.message for p in problems)
    finally:
        engine.close()
