"""Waiting for something to happen, however long a loaded machine takes, instead of for a fixed time."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

#: The generous bound: on a machine whose both cores are busy elsewhere, things take many times longer.
TIMEOUT_S = 60.0


async def until(
    happened: Callable[[], object], what: str, *, pilot: Any = None, timeout: float = TIMEOUT_S
) -> None:
    """Wait until ``happened()`` is true; fail naming ``what`` after ``timeout`` seconds.

    With a ``pilot`` the app runs in between (``pilot.pause``), else the event loop (``asyncio.sleep``).
    """
    deadline = time.monotonic() + timeout
    while not happened():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout:g} s")
        if pilot is not None:
            await pilot.pause(0.02)
        else:
            await asyncio.sleep(0.02)
