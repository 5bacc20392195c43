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


async def settle(pilot: Any, app: Any, timeout: float = TIMEOUT_S) -> None:
    """Let the app run until it, every screen and every widget have handled all their messages.

    ``pilot.pause()`` alone waits for the messages queued when it was called and then for the process
    to look idle, which a process starved of CPU does at once; messages those posted (an ``Open`` a
    key's handler sent, say) may still be waiting. Here every queue must be empty twice in a row.
    """
    deadline = time.monotonic() + timeout
    quiet = 0
    while quiet < 2:
        await pilot.pause()
        nodes = [app, *(node for screen in app.screen_stack for node in screen.walk_children(with_self=True))]
        waiting = sum(node.message_queue_size for node in nodes)
        quiet = quiet + 1 if waiting == 0 else 0
        if time.monotonic() > deadline:
            raise AssertionError(f"the app still had {waiting} messages to handle after {timeout:g} s")
