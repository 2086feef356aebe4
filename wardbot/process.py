"""What the whole process is set up with, once, before anything heavy is imported.

`bot.py` calls `prepare()` first thing; the benchmarks' workers call it too, so they
measure the process the bot really is. (How memory is handed out once the engine is open
is set by `Engine.open`: see wardbot.memory.)
"""

from __future__ import annotations

import glob
import os
from pathlib import Path


def prepare() -> None:
    # Small vector products (a question against every document) are fastest on one
    # thread, and extra BLAS threads stall on a busy host; numpy reads this on import.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def remove_killed_partials(path: Path) -> None:
    """Delete the partial copies of `path` (`.NAME.PID.tmp`, each process writing its own)
    that processes killed while writing them left: nothing else would, and a bot killed
    over and over at that moment (out of memory after a large build) filled its disk."""
    prefix = f".{path.name}."
    for partial in path.parent.glob(f"{glob.escape(prefix)}*.tmp"):
        pid = partial.name[len(prefix) : -len(".tmp")]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue  # our own is written over
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:  # gone: what it left is no one's
            partial.unlink(missing_ok=True)
        except OSError:  # alive (another user's), or cannot tell
            continue
