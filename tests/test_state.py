"""A restart reuses what the last start read and analysed (wardbot.state): only new or
changed notices are read and analysed again, and the answers are those of a fresh start."""

from __future__ import annotations

import datetime as dt
import os
import random
import tracemalloc
from pathlib import Path

import pytest
from sample_ward import write_ward

from index.whoosh_index import SearchIndex
from wardbot import corpus_analysis, notices
from wardbot import state as state_module
from wardbot.analysis import Analyzer
from wardbot.corpus_analysis import MAX_DRIFT_SHARE
from wardbot.engine import Engine
from wardbot.models import kept_body
from wardbot.state import STATE_FILE
from wardbot.text import BUILTIN_SYNONYMS

TODAY = dt.date(2024, 11, 2)


class Counted:
    """Counts the documents analysed and the notice files read while the engine opens."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.analysed: list[str] = []
        self.read: list[str] = []
        parts, load = Analyzer.parts, notices.load_announcement

        def counted_parts(analyzer: Analyzer, heads: list[str], body: str):  # type: ignore[no-untyped-def]
            self.analysed.append(heads[0])
            return parts(analyzer, heads, body)

        def counted_load(path: Path, *args, **kwargs):  # type: ignore[no-untyped-def]
            self.read.append(path.name)
            return load(path, *args, **kwargs)

        monkeypatch.setattr(Analyzer, "parts", counted_parts)
        monkeypatch.setattr(notices, "load_announcement", counted_load)

    def clear(self) -> None:
        self.analysed.clear()
        self.read.clear()


@pytest.fixture
def ward(tmp_path: Path) -> tuple[Path, Path, Path]:
    faq, content = write_ward(tmp_path)
    return faq, content, tmp_path / "data"


def open_engine(ward: tuple[Path, Path, Path]) -> Engine:
    faq, content, data = ward
    return Engine.open(faq, content, data, today=TODAY)


def best(engine: Engine, question: str) -> str | None:
    answer = engine.ask(question)
    return answer.best.doc.id if answer.answered and answer.best else None


def notice(title: str, body: str) -> str:
    return f"---\ntitle: {title}\ndate: 2024-10-20\ntopics: [bhyt]\n---\n{body}\n"


def test_a_restart_reads_and_analyses_nothing_that_did_not_change(
    ward: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    counted = Counted(monkeypatch)
    first = open_engine(ward)
    question = "mất thẻ bhyt thì khám bệnh bằng gì"
    answer = best(first, question)
    assert answer == "bhyt-mat-the"
    assert len(counted.read) == 5 and len(counted.analysed) > 5
    first.close()
    assert (ward[2] / STATE_FILE).exists()

    counted.clear()
    again = open_engine(ward)
    assert counted.read == [] and counted.analysed == []
    assert best(again, question) == answer
    assert [d.id for d in again.corpus.announcements] == [d.id for d in first.corpus.announcements]
    again.close()


def test_a_restart_reads_and_analyses_only_the_notices_added_or_edited(
    ward: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Four changes are a large share of this small ward: allow them without a full redo.
    monkeypatch.setattr(corpus_analysis, "MAX_DRIFT_SHARE", 0.5)
    counted = Counted(monkeypatch)
    open_engine(ward).close()
    content = ward[1]
    # While the bot is down: a notice added, one edited, one only touched, one removed.
    (content / "2024-10-20-kham-suc-khoe-nguoi-cao-tuoi.md").write_text(
        notice("Khám sức khỏe miễn phí cho người cao tuổi", "Người từ 60 tuổi mang thẻ BHYT."),
        encoding="utf-8",
    )
    edited = content / "2024-07-12-muc-dong-bhyt-ho-gia-dinh-2024.md"
    edited.write_text(
        edited.read_text(encoding="utf-8") + "\nHạn nộp đợt này là ngày 30 tháng 9.\n",
        encoding="utf-8",
    )
    touched = content / "2024-09-01-kich-hoat-dinh-danh-khu-pho-1-3.md"
    os.utime(touched, ns=(1, 1))
    (content / "2024-11-02-thong-bao-cat-nuoc-tam-thoi.md").unlink()

    counted.clear()
    builds: list[str] = []
    build = SearchIndex.build.__func__  # type: ignore[attr-defined]

    def counted_build(cls, *args, **kwargs):  # type: ignore[no-untyped-def]
        builds.append("built")
        return build(cls, *args, **kwargs)

    monkeypatch.setattr(SearchIndex, "build", classmethod(counted_build))
    engine = open_engine(ward)
    assert builds == [], "the index on disk is brought up to date, not built again"
    assert sorted(counted.read) == sorted(
        [
            "2024-10-20-kham-suc-khoe-nguoi-cao-tuoi.md",
            "2024-07-12-muc-dong-bhyt-ho-gia-dinh-2024.md",
            "2024-09-01-kich-hoat-dinh-danh-khu-pho-1-3.md",
        ]
    )
    # The touched notice was read but is unchanged: not analysed again.
    assert sorted(counted.analysed) == [
        "Khám sức khỏe miễn phí cho người cao tuổi",
        "Mức đóng BHYT hộ gia đình từ ngày 01/7/2024",
    ]
    assert best(engine, "kham suc khoe mien phi nguoi cao tuoi") == (
        "2024-10-20-kham-suc-khoe-nguoi-cao-tuoi"
    )
    assert engine.document("2024-11-02-thong-bao-cat-nuoc-tam-thoi") is None
    assert not any(h.doc.id.endswith("cat-nuoc-tam-thoi") for h in engine.ask("cắt nước").results)

    # And a start from scratch gives exactly the same answers.
    fresh = open_engine((ward[0], ward[1], ward[2].with_name("fresh-data")))
    for question in ["hạn nộp bhyt hộ gia đình 2024", "mất cccd", "khám sức khỏe người già"]:
        assert engine.ask(question) == fresh.ask(question)
    fresh.close()
    engine.close()


def test_an_faq_edit_does_not_analyse_the_notices_again(
    ward: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    counted = Counted(monkeypatch)
    engine = open_engine(ward)
    faq = ward[0]
    faq.write_text(
        faq.read_text(encoding="utf-8").replace(
            "Đến Công an cấp xã nơi cư trú", "Đến Công an phường nơi cư trú"
        ),
        encoding="utf-8",
    )
    counted.clear()
    engine.reload()
    assert counted.read == []
    assert counted.analysed == ["Bị mất thẻ căn cước thì làm lại ở đâu?"]
    assert "Công an phường" in engine.document("cccd-cap-lai").answer  # type: ignore[union-attr]
    engine.close()


def test_a_damaged_saved_state_is_ignored(ward: tuple[Path, Path, Path]) -> None:
    open_engine(ward).close()
    (ward[2] / STATE_FILE).write_bytes(b"\x80\x05not a pickle")
    engine = open_engine(ward)
    assert best(engine, "mất thẻ bhyt") == "bhyt-mat-the"
    engine.close()


def test_after_many_changes_everything_is_analysed_afresh(
    ward: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    counted = Counted(monkeypatch)
    first = open_engine(ward)
    docs = len(first.corpus.faq) + len(first.corpus.announcements)
    first.close()
    content = ward[1]
    added = int(MAX_DRIFT_SHARE * docs) + 2
    for n in range(added):
        (content / f"2024-10-{n + 1:02d}-thong-bao-so-{n}.md").write_text(
            notice(f"Thông báo số {n}", f"Nội dung thông báo số {n} về bảo hiểm y tế."),
            encoding="utf-8",
        )
    counted.clear()
    engine = open_engine(ward)
    # Word counts only grow between full analyses: past the drift limit, all is redone.
    assert len(counted.analysed) == len(engine.corpus.faq) + len(engine.corpus.announcements)
    engine.close()


def test_a_state_that_cannot_be_saved_costs_only_time(
    ward: tuple[Path, Path, Path], caplog: pytest.LogCaptureFixture
) -> None:
    (ward[2] / STATE_FILE).mkdir(parents=True)  # in the way, as a full disk would be
    engine = open_engine(ward)
    assert best(engine, "mất thẻ bhyt") == "bhyt-mat-the"
    assert "could not save the analysed documents" in caplog.text
    engine.close()


def test_a_state_from_another_version_is_not_even_unpickled(
    ward: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    open_engine(ward).close()
    monkeypatch.setattr(state_module, "FORMAT", state_module.FORMAT + 1)
    monkeypatch.setattr(state_module, "_Unpickler", None)  # would fail if reached
    counted = Counted(monkeypatch)
    engine = open_engine(ward)
    assert len(counted.read) == 5, "read and analysed afresh"
    assert best(engine, "mất thẻ bhyt") == "bhyt-mat-the"
    engine.close()


def test_an_upgrade_that_adds_an_abbreviation_analyses_the_documents_again(
    ward: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A notice written with a word that the next release reads as an abbreviation.
    (ward[1] / "2024-10-20-tiem-phong-dai.md").write_text(
        notice("Tiêm phòng dại cho chó mèo", "Tiêm miễn phí theo lịch pvd tại khu phố."),
        encoding="utf-8",
    )
    open_engine(ward).close()
    monkeypatch.setitem(BUILTIN_SYNONYMS, "pvd", "phòng vệ dịch")  # the upgrade
    counted = Counted(monkeypatch)
    engine = open_engine(ward)
    assert len(counted.analysed) > 5, "analysed afresh"
    answer = engine.ask("lịch phòng vệ dịch tiêm cho chó mèo")
    assert answer.answered and answer.best and answer.best.doc.id == "2024-10-20-tiem-phong-dai"
    engine.close()


def notice_bodies(engine: Engine) -> dict[str, str]:
    return {n.id: n.body for n in engine.corpus.announcements}


def test_a_restart_reads_each_notice_body_from_the_saved_state(
    ward: tuple[Path, Path, Path],
) -> None:
    first = open_engine(ward)
    bodies = notice_bodies(first)
    first.close()
    for path in ward[1].glob("*.md"):  # the notices stay what they were: nothing is re-read
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns))
    again = open_engine(ward)
    assert notice_bodies(again) == bodies
    assert all(bodies.values())
    again.close()


def test_bodies_read_back_survive_their_state_file_being_replaced_or_removed(
    ward: tuple[Path, Path, Path],
) -> None:
    _, content, data = ward
    open_engine(ward).close()
    engine = open_engine(ward)  # its notices read their bodies from the saved state
    bodies = notice_bodies(engine)
    # An edit makes the engine save a new state in place of the one it read...
    (content / "2024-10-25-thong-bao-moi.md").write_text(
        notice("Thông báo mới về học bổng", "Hồ sơ học bổng nộp trước ngày 30."),
        encoding="utf-8",
    )
    engine.reload()
    assert notice_bodies(engine)["2024-10-25-thong-bao-moi"].startswith("Hồ sơ học bổng")
    (data / STATE_FILE).unlink()  # ...and even with no state file at all
    assert {k: v for k, v in notice_bodies(engine).items() if k in bodies} == bodies
    engine.close()


def test_a_new_state_carries_the_bodies_read_from_the_old_one(
    ward: tuple[Path, Path, Path],
) -> None:
    open_engine(ward).close()
    engine = open_engine(ward)
    bodies = notice_bodies(engine)
    (ward[0]).write_text(ward[0].read_text(encoding="utf-8") + "\n", encoding="utf-8")
    engine.reload()  # an faq.yaml edit: the state is saved again, bodies from the old file
    engine.close()
    state = state_module.AnalysedState.load(ward[2])
    assert state is not None
    assert {n.id: n.body for _, n in state.files.values()} == bodies


def test_a_state_whose_bodies_are_cut_short_is_analysed_afresh(
    ward: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    open_engine(ward).close()
    path = ward[2] / STATE_FILE
    path.write_bytes(path.read_bytes()[:-10])
    counted = Counted(monkeypatch)
    engine = open_engine(ward)
    assert len(counted.read) == 5, "read and analysed afresh"
    assert all(notice_bodies(engine).values())
    assert best(engine, "mất thẻ bhyt") == "bhyt-mat-the"
    engine.close()


def test_notice_bodies_stay_on_disk_after_a_restart(tmp_path: Path) -> None:
    # A province's archive: the bodies are most of a notice. Loading the saved state
    # must not bring them into memory (they are read when a notice is shown).
    rng = random.Random(4)
    # Few words in random order: long bodies that deflate little but analyse small.
    words = ["hồ", "sơ", "nộp", "tại", "phường", "trước", "ngày", "hạn", "giấy", "tờ"]

    def ward(name: str, body_words: int) -> Path:
        root = tmp_path / name
        root.mkdir()
        faq, content = write_ward(root)
        for n in range(12):
            body = " ".join(rng.choice(words) for _ in range(body_words))
            (content / f"2024-09-{n % 28 + 1:02d}-so-{n}.md").write_text(
                notice(f"Thông báo số {n}", body), encoding="utf-8"
            )
        Engine.open(faq, content, root / "data", today=TODAY).close()
        return root / "data"

    short, long = ward("short", 400), ward("long", 20_000)

    def traced_load(data: Path) -> tuple[int, int]:
        tracemalloc.start()
        try:
            state = state_module.AnalysedState.load(data)
            size = tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()
        assert state is not None
        deflated = sum(len(kept_body(n)) for _, n in state.files.values())
        return size, deflated

    (short_size, _), (long_size, deflated) = traced_load(short), traced_load(long)
    assert deflated > 80_000
    assert long_size - short_size < deflated / 4, (long_size, short_size, deflated)
