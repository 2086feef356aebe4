"""Giving memory back to the system after a large allocation that has passed.

A first build analyses every document and a first vector pass stacks every vector;
Python frees those objects, but glibc's allocator keeps the freed pages, so the process
stays as large as its peak and the next peak (answering, the embedding model working)
stacks on top of it. `malloc_trim` hands the free pages back.

Large buffers (the model's working memory, numpy arrays) are another way RSS creeps up:
glibc serves them by mmap, but after the first is freed it raises its threshold and
serves the next ones from the heap, where they stay stuck behind small objects made
later. `tune_allocator()`, called once the engine is open (Engine.open), keeps every
buffer of 128 KB or more in its own mapping from then on, returned whole when freed: at
10,000 notices the bot grew by 18 MB instead of 48 MB over its first 320 questions with
the embedding model, and questions are as fast (see bench/bench_search.py). Not before:
a first build makes and frees large buffers by the thousand, and mapping each afresh
made a 100,000-notice build 9 s slower.
"""

from __future__ import annotations

import ctypes
import functools
import gc
import os
from collections.abc import Callable

# mallopt's parameter number for the mmap threshold (glibc's malloc.h).
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_BYTES = 128 * 1024


@functools.cache
def _glibc(name: str) -> Callable[..., int] | None:
    try:
        return getattr(ctypes.CDLL(None), name)  # type: ignore[no-any-return]
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to tune
        return None


def tune_allocator() -> None:
    """Serve large buffers from their own mappings, always (see the module's docstring).

    Where the environment already sets MALLOC_MMAP_THRESHOLD_, that wins.
    """
    mallopt = _glibc("mallopt")
    if mallopt is not None and "MALLOC_MMAP_THRESHOLD_" not in os.environ:
        mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)


def give_back_memory() -> None:
    """Collect garbage, then return the heap's free pages to the system where possible."""
    gc.collect()
    trim = _glibc("malloc_trim")
    if trim is not None:
        trim(0)
