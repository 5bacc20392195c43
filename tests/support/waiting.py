"""Waiting for something to happen, however long a loaded machine takes, instead of for a fixed time."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

#: The generous bound: on a machine whose both cores are busy elsewhere, things take many times longer.
TIMEOUT_S = 60.0


async def until(pilot: Any, happened: Callable[[], object], what: str, timeout: float = TIMEOUT_S) -> None:
    """Let the app run until ``happened()`` is true; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not happened():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout:g} s")
        await pilot.pause(0.02)
