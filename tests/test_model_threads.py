"""The model embeds each text on the number of threads that has lately been faster:
two on an idle host, one once a neighbour holds a core (wardbot.model_threads)."""

from __future__ import annotations

from pathlib import Path

import pytest

from wardbot import model_threads
from wardbot.model_threads import WidthChooser


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def run(
    chooser: WidthChooser, clock: Clock, ms_by_width: dict[int, float], texts: int
) -> list[int]:
    """Embed `texts` 40-character texts taking `ms_by_width`; the widths used, in order."""
    used = []
    for _ in range(texts):
        width = chooser.width()
        clock.now += 0.5  # a question every half second
        chooser.record(width, 40, ms_by_width[width] / 1000)
        used.append(width)
    return used


def test_an_idle_host_embeds_on_both_threads() -> None:
    clock = Clock()
    chooser = WidthChooser(2, clock)
    used = run(chooser, clock, {2: 10.0, 1: 20.0}, 200)
    start = 2 * model_threads.RECENT
    assert used[:start] == [2, 1] * model_threads.RECENT  # each width measured in turn
    # After that two threads, but for a rare look at one thread.
    rest = used[start:]
    assert rest.count(2) >= len(rest) - len(rest) / model_threads.RECHECK_TEXTS - 1


def test_a_busy_host_embeds_on_one_thread() -> None:
    clock = Clock()
    chooser = WidthChooser(2, clock)
    used = run(chooser, clock, {2: 60.0, 1: 22.0}, 200)
    rest = used[2 * model_threads.RECENT :]
    assert rest.count(1) >= len(rest) - len(rest) / model_threads.RECHECK_TEXTS - 1


def test_a_neighbour_starting_moves_to_one_thread_within_a_few_texts() -> None:
    clock = Clock()
    chooser = WidthChooser(2, clock)
    run(chooser, clock, {2: 10.0, 1: 20.0}, 50)
    used = run(chooser, clock, {2: 80.0, 1: 22.0}, 50)
    assert used.index(1) <= 5  # a few slow answers, not a minute of them
    assert used[10:].count(1) >= 38


def test_a_neighbour_leaving_moves_back_to_two_threads() -> None:
    clock = Clock()
    chooser = WidthChooser(2, clock)
    run(chooser, clock, {2: 80.0, 1: 22.0}, 50)
    used = run(chooser, clock, {2: 10.0, 1: 20.0}, 100)
    # Two threads are looked at again after RECHECK_TEXTS texts and RECHECK_SECONDS, and
    # one fast look is enough: the old slow times told of another host.
    first = used.index(2)
    assert first <= max(model_threads.RECHECK_TEXTS, 2 * model_threads.RECHECK_SECONDS) + 1
    rest = used[first:]
    assert rest.count(2) >= len(rest) - len(rest) / model_threads.RECHECK_TEXTS - 1


def test_one_slow_text_does_not_switch() -> None:
    clock = Clock()
    chooser = WidthChooser(2, clock)
    run(chooser, clock, {2: 10.0, 1: 20.0}, 30)
    run(chooser, clock, {2: 45.0, 1: 20.0}, 1)  # a page fault, the collector
    assert run(chooser, clock, {2: 10.0, 1: 20.0}, 10) == [2] * 10


def test_rare_looks_at_the_slower_width() -> None:
    """A look at the slower width costs a resident a slower answer: at most one text in
    RECHECK_TEXTS, and not more often than RECHECK_SECONDS even when questions are few."""
    clock = Clock()
    chooser = WidthChooser(2, clock)
    used = run(chooser, clock, {2: 60.0, 1: 22.0}, 506)[2 * model_threads.RECENT :]
    assert used.count(2) <= len(used) / model_threads.RECHECK_TEXTS
    sparse = WidthChooser(2, clock)
    looks = 0
    for index in range(100):
        width = sparse.width()
        measuring = index < 2 * model_threads.RECENT
        clock.now += 0 if measuring else 60  # then a question a minute
        sparse.record(width, 40, {2: 0.06, 1: 0.022}[width])
        looks += not measuring and width == 2
    assert looks <= 100 / model_threads.RECHECK_TEXTS + 1


def test_a_long_text_is_not_judged_slow_for_its_length() -> None:
    clock = Clock()
    chooser = WidthChooser(2, clock)
    for _ in range(20):
        width = chooser.width()
        clock.now += 0.5
        # Two threads get the long messages and stay twice as fast per character.
        chars = 600 if width == 2 else 20
        chooser.record(
            width, chars, (chars + model_threads.FIXED_CHARS) * (0.25 if width == 2 else 0.5) / 1000
        )
    assert chooser.width() == 2


def test_one_core_never_chooses() -> None:
    chooser = WidthChooser(1, Clock())
    assert {chooser.width() for _ in range(30)} == {1}


def test_the_model_really_runs_on_the_chosen_threads() -> None:
    """E5Embedder sets the engine's thread count before each text: once two threads have
    been slow, a question is embedded on one (read back from the engine's OpenMP)."""
    from wardbot.semantic import E5Embedder

    clock = Clock()
    model = E5Embedder(2, clock=clock)
    omp_threads = model._model._lib.omp_get_max_threads
    times = {2: 0.08, 1: 0.02}
    chooser = model.choosers["query"]
    record = chooser.record

    def timed(width: int, chars: int, seconds: float) -> None:
        clock.now += 0.5
        record(width, chars, times[width])

    chooser.record = timed  # type: ignore[method-assign]
    seen = []
    for question in ["giờ làm việc của phường", "làm căn cước ở đâu", "lệ phí cấp bản sao"] * 3:
        vector = model.embed([question], query=True)
        assert vector.shape == (1, 384)
        seen.append(omp_threads())
    assert seen[:6] == [2, 1] * 3  # each measured in turn, then the faster
    assert seen[6:] == [1] * 3


def test_a_slow_first_text_does_not_make_its_width_lose() -> None:
    """The first text is slow at any width (the threads start, pages load): measured
    first, two threads must not lose to one for that alone."""
    clock = Clock()
    chooser = WidthChooser(2, clock)
    first = True
    for _ in range(40):
        width = chooser.width()
        clock.now += 0.5
        ms = {2: 10.0, 1: 20.0}[width] * (8 if first else 1)
        chooser.record(width, 40, ms / 1000)
        first = False
    assert chooser.width() == 2


def cgroup(tmp_path: Path, name: str, files: dict[str, str]) -> Path:
    """A cgroup directory as a container sees it, with `files` (path: content)."""
    root = tmp_path / name
    for path, content in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(content + "\n")
    return root


@pytest.fixture
def eight_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model_threads.os, "sched_getaffinity", lambda pid: set(range(8)))


@pytest.mark.usefixtures("eight_cores")
def test_a_container_limited_to_one_cpu_never_embeds_on_two_threads(tmp_path: Path) -> None:
    """`docker run --cpus 1` on an eight-core host: the host's cores are not the
    container's; two threads spinning at their barriers would spend its quota twice as
    fast and the container would stand still for the rest of each period."""
    for name, files in {
        "v2": {"cpu.max": "100000 100000"},
        "v2-half": {"cpu.max": "50000 100000"},
        "v1": {"cpu/cpu.cfs_quota_us": "100000", "cpu/cpu.cfs_period_us": "100000"},
    }.items():
        assert model_threads.usable_cpus(cgroup(tmp_path, name, files)) == 1, name


@pytest.mark.usefixtures("eight_cores")
def test_a_fractional_or_absent_cpu_limit_leaves_room_to_measure(tmp_path: Path) -> None:
    """1.5 CPUs: two threads may be faster, and WidthChooser measures which; no limit
    (v2 "max", v1 quota -1, no cgroup files at all): the CPUs the process may run on."""
    for name, files, cpus in (
        ("v2-1.5", {"cpu.max": "150000 100000"}, 2),
        ("v1-2", {"cpu/cpu.cfs_quota_us": "200000", "cpu/cpu.cfs_period_us": "100000"}, 2),
        ("v2-none", {"cpu.max": "max 100000"}, 8),
        ("v1-none", {"cpu/cpu.cfs_quota_us": "-1", "cpu/cpu.cfs_period_us": "100000"}, 8),
        ("garbled", {"cpu.max": "unlimited"}, 8),
        ("absent", {}, 8),
    ):
        assert model_threads.usable_cpus(cgroup(tmp_path, name, files)) == cpus, name


def test_a_process_pinned_to_one_core_embeds_on_one_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`taskset -c 0`: one core to run on, whatever the host has."""
    monkeypatch.setattr(model_threads.os, "sched_getaffinity", lambda pid: {0})
    assert model_threads.usable_cpus(cgroup(tmp_path, "absent", {})) == 1


@pytest.mark.usefixtures("eight_cores")
def test_the_model_in_a_one_cpu_container_runs_on_one_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The model as the bot loads it (no thread count given), in a container limited to
    one CPU on an eight-core host: every text on one thread, none tried on two."""
    from wardbot.semantic import E5Embedder

    monkeypatch.setattr(
        model_threads, "CGROUP", cgroup(tmp_path, "one", {"cpu.max": "100000 100000"})
    )
    model = E5Embedder()
    omp_threads = model._model._lib.omp_get_max_threads
    seen = []
    for question in ["giờ làm việc của phường", "làm căn cước ở đâu"] * 30:
        model.embed([question], query=True)
        seen.append(omp_threads())
    assert set(seen) == {1}
