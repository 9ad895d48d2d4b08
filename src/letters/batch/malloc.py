"""glibc's allocator, tuned from Python (mallopt(3), malloc_trim(3)): the coordinator between a large
file's parts (parts.py) and a cluster worker when it joins (cluster_worker.py) want different
thresholds for the same reason, memory that stays flat over a long run. Elsewhere (musl, macOS)
these calls do not exist and nothing is done."""

from __future__ import annotations

import ctypes
import sys
from typing import Any

# mallopt(3) parameters.
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3


def _libc() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None)
    except OSError:
        return None
    return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


def set_thresholds(mmap: int, trim: int) -> None:
    """Buffers of ``mmap`` bytes and more get their own mapping; free memory above ``trim`` bytes at
    the top of the heap is returned. Setting them also stops glibc from raising them by itself."""
    libc = _libc()
    if libc is not None:
        libc.mallopt(_M_MMAP_THRESHOLD, mmap)
        libc.mallopt(_M_TRIM_THRESHOLD, trim)


def trim() -> None:
    """Free memory anywhere in the heap handed back to the system."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
