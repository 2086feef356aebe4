"""An event loop on a clock of its own: whenever nothing is ready, its time jumps to the
next timer, so a test sees a stop that waits a minute of timeouts in no time, and reads
how long it took off that clock (never the wall's)."""

from __future__ import annotations

import asyncio
import selectors

# Nothing is scheduled and nothing ready: a thread may still be about to wake the loop.
IDLE_WAIT = 10.0


class _Jumping(selectors.DefaultSelector):  # type: ignore[misc,valid-type]
    def __init__(self) -> None:
        super().__init__()
        self.loop: VirtualTimeLoop | None = None

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        ready = super().select(0)
        if ready or timeout == 0:
            return ready
        if timeout is None:  # no timer: only I/O or a thread can wake it
            ready = super().select(IDLE_WAIT)
            if not ready:
                raise RuntimeError("the code under test waits for something that never comes")
            return ready
        assert self.loop is not None
        self.loop.now += timeout
        return ready


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """`run_until_complete` as usual; `time()` counts the seconds the code waited."""

    def __init__(self) -> None:
        self.now = 0.0
        selector = _Jumping()
        super().__init__(selector)
        selector.loop = self

    def time(self) -> float:
        return self.now
