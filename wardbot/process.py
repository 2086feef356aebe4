"""What the whole process is set up with, once, before anything heavy is imported.

`bot.py` calls `prepare()` first thing; the benchmarks' workers call it too, so they
measure the process the bot really is. (How memory is handed out once the engine is open
is set by `Engine.open`: see wardbot.memory.)
"""

from __future__ import annotations

import os


def prepare() -> None:
    # Small vector products (a question against every document) are fastest on one
    # thread, and extra BLAS threads stall on a busy host; numpy reads this on import.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
