"""Keeping a large ward's bot small: what a first build leaves, and the allocator."""

import datetime as dt

import pytest
from sample_ward import write_ward

from wardbot import library as library_module
from wardbot import memory
from wardbot.engine import Engine
from wardbot.state import AnalysedState

TODAY = dt.date(2025, 1, 15)


def counting(monkeypatch, owner, name):
    calls = []
    original = getattr(owner, name)

    def counted(*args, **kwargs):
        result = original(*args, **kwargs)
        calls.append(result)
        return result

    monkeypatch.setattr(owner, name, counted)
    return calls


def test_a_large_first_build_is_opened_again_from_what_it_saved(tmp_path, monkeypatch):
    faq, content = write_ward(tmp_path)
    monkeypatch.setattr(library_module, "COMPACT_DOCS", (5, 1000))  # the sample ward is "large"
    analysed = counting(monkeypatch, library_module, "analyse_all")
    loaded = counting(monkeypatch, AnalysedState, "load")
    engine = Engine.open(faq, content, tmp_path / "data", today=TODAY)
    try:
        assert len(analysed) == 1, "every document is analysed once, not twice"
        assert [state is not None for state in loaded] == [False, True], (
            "the second opening reads back the state the first build saved"
        )
        assert engine.ask("muc dong bhyt ho gia dinh").best.id == "bhyt-muc-dong"
    finally:
        engine.close()


@pytest.mark.parametrize("limits", [(1000, 2000), (2, 5)], ids=["small", "very large"])
def test_a_small_or_a_very_large_first_build_is_kept_as_it_is(tmp_path, monkeypatch, limits):
    faq, content = write_ward(tmp_path)
    monkeypatch.setattr(library_module, "COMPACT_DOCS", limits)
    loaded = counting(monkeypatch, AnalysedState, "load")
    engine = Engine.open(faq, content, tmp_path / "data", today=TODAY)
    try:
        assert loaded == [None], "opened once: nothing saved to read back"
        assert engine.ask("muc dong bhyt ho gia dinh").best.id == "bhyt-muc-dong"
    finally:
        engine.close()


def test_a_first_build_that_could_not_be_saved_is_not_analysed_again(tmp_path, monkeypatch):
    faq, content = write_ward(tmp_path)
    monkeypatch.setattr(library_module, "COMPACT_DOCS", (5, 1000))
    monkeypatch.setattr(AnalysedState, "save", lambda self, folder: False)  # a full disk
    analysed = counting(monkeypatch, library_module, "analyse_all")
    engine = Engine.open(faq, content, tmp_path / "data", today=TODAY)
    try:
        assert len(analysed) == 1
        assert engine.ask("muc dong bhyt ho gia dinh").best.id == "bhyt-muc-dong"
    finally:
        engine.close()


def test_large_buffers_are_kept_in_their_own_mappings(monkeypatch):
    calls = []
    monkeypatch.setattr(memory, "_glibc", lambda name: lambda *args: calls.append((name, args)))
    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_", raising=False)
    memory.tune_allocator()
    assert calls == [("mallopt", (memory.M_MMAP_THRESHOLD, 128 * 1024))]


def test_the_allocator_is_tuned_once_the_engine_is_open(tmp_path, monkeypatch):
    faq, content = write_ward(tmp_path)
    calls = []
    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_", raising=False)
    built = counting(monkeypatch, library_module, "analyse_all")

    def after_the_build(name):
        assert built, "not while building: mapping every large buffer slows a build"
        return lambda *args: calls.append(name)

    monkeypatch.setattr(memory, "_glibc", after_the_build)
    Engine.open(faq, content, tmp_path / "data", today=TODAY).close()
    assert "mallopt" in calls


def test_the_operators_own_allocator_setting_wins(monkeypatch):
    calls = []
    monkeypatch.setattr(memory, "_glibc", lambda name: lambda *args: calls.append(args))
    monkeypatch.setenv("MALLOC_MMAP_THRESHOLD_", "65536")
    memory.tune_allocator()
    assert calls == []


def test_without_glibc_nothing_is_tuned_or_trimmed(monkeypatch):
    monkeypatch.setattr(memory, "_glibc", lambda name: None)
    memory.tune_allocator()
    memory.give_back_memory()  # neither fails where malloc_trim or mallopt do not exist


def test_giving_memory_back_trims_the_heap(monkeypatch):
    calls = []
    monkeypatch.setattr(memory, "_glibc", lambda name: lambda *args: calls.append((name, args)))
    memory.give_back_memory()
    assert calls == [("malloc_trim", (0,))]


def test_a_large_first_build_gives_memory_back_before_writing_its_state(tmp_path, monkeypatch):
    # Writing the state holds a table of everything written: it goes into the memory the
    # analysis and the index build freed, not on top of it.
    faq, content = write_ward(tmp_path)
    monkeypatch.setattr(library_module, "COMPACT_DOCS", (5, 1000))
    events = []
    monkeypatch.setattr(library_module, "give_back_memory", lambda: events.append("give back"))
    save = AnalysedState.save

    def saved(self, folder):
        events.append("save")
        return save(self, folder)

    monkeypatch.setattr(AnalysedState, "save", saved)
    Engine.open(faq, content, tmp_path / "data", today=TODAY).close()
    assert events[:2] == ["give back", "save"]
