"""Giving freed memory back to the system after a large load (content of every language, the search index).

CPython frees the load's temporary objects, but glibc keeps the pages they were in until asked;
``malloc_trim`` hands back what is free. Elsewhere than glibc it does nothing.
"""

from __future__ import annotations

import ctypes
import functools
import logging
from collections.abc import Callable

log = logging.getLogger(__name__)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        libc = ctypes.CDLL("libc.so.6")
        trim: Callable[[int], int] = libc.malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None
    return trim


def give_back_memory() -> None:
    """Return the heap's free pages to the system (a few milliseconds; call it off the UI thread)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
