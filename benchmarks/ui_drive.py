"""Driving a headless Textual app key by key and timing key press -> frame on screen.

Pilot's ``press`` sleeps at least 2 x 20 ms per key to wait for idleness, which would swamp a
16 ms goal. Here a key is posted to the app as the terminal driver posts it, the harness waits only
for the app's own message queues, and the time of each frame comes from the app's ``_display``
hook — where a real terminal would get its bytes, which the hook also produces.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from textual import events
from textual.app import App
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.widget import Widget

#: Keys whose character is not the key's name.
_CHARACTERS = {"space": " ", "escape": "\x1b", "enter": "\r", "tab": "\t", "backspace": "\x7f"}
#: How long the app must stay without a new frame before a step counts as finished (> 1/60 s).
QUIET_S = 0.05


def key_event(key: str) -> events.Key:
    """The Key event a terminal driver would post for ``key`` ("1", "escape", "f2", "pagedown")."""
    character = key if len(key) == 1 else _CHARACTERS.get(key)
    return events.Key(key, character)


@dataclass(frozen=True)
class Frame:
    """One frame sent to the terminal: when, and whether the screen was then what the step waits for."""

    at: float
    ready: bool


Ready = Callable[[Screen[object]], bool]


@dataclass
class FrameClock:
    """While armed, records when each frame reached the (headless) terminal and renders its bytes.

    Frames keep no reference to their screen, so timing never keeps a closed screen alive.
    """

    app: App[Any]
    frames: list[Frame] = field(default_factory=list)
    ready: Ready | None = None

    def install(self) -> None:
        original = self.app._display
        console = self.app.console

        def display(screen: Screen[object], renderable: object) -> None:
            render = getattr(renderable, "render_segments", None)
            if self.ready is not None and render is not None and not self.app._batch_count:
                render(console)  # the escape sequences a terminal would be sent: part of the frame's cost
                self.frames.append(Frame(time.perf_counter(), self.ready(screen)))
            original(screen, renderable)  # type: ignore[arg-type]

        self.app._display = display  # type: ignore[method-assign]

    def arm(self, ready: Ready) -> None:
        self.frames = []
        self.ready = ready

    def disarm(self) -> None:
        self.ready = None
        self.frames = []


async def drained(app: App[Any]) -> None:
    """Return once the app and every widget on its screen have handled what was queued before the call."""
    pumps: list[MessagePump] = [app, *app.screen.walk_children(with_self=True)]
    left = 0
    done = asyncio.Event()

    def one_done() -> None:
        nonlocal left
        left -= 1
        if left == 0:
            done.set()

    for pump in pumps:
        if pump.call_later(one_done):
            left += 1
    if left:
        await asyncio.wait_for(done.wait(), timeout=30)


async def wait_until(app: App[Any], condition: Callable[[], bool], timeout_s: float = 30.0) -> None:
    """Let the app work until ``condition`` holds."""
    deadline = time.perf_counter() + timeout_s
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"still on {app.screen!r} after {timeout_s:g} s")
        await drained(app)
        if not condition():
            await asyncio.sleep(0.001)


async def press(app: App[Any], key: str, *, changes_screen: bool = True) -> Screen[object]:
    """Press ``key``; wait (if ``changes_screen``) for a different screen and its queues to drain."""
    before = app.screen
    event = key_event(key)
    event.set_sender(app)
    app.post_message(event)
    if changes_screen:
        await wait_until(app, lambda: app.screen is not before)
    await drained(app)
    return app.screen


@dataclass(frozen=True)
class StepTime:
    """Seconds from a key press to the first frame showing its result, and to the last (settled) frame."""

    first: float
    settled: float


async def timed_press(
    app: App[Any], clock: FrameClock, key: str, ready: Ready | None = None, *, changes_screen: bool = True
) -> tuple[StepTime, Screen[object]]:
    """Press ``key`` and time the frames until the app has been quiet for ``QUIET_S``.

    ``ready`` says whether a frame's screen shows the result (default: it is not the screen the key
    was pressed on, or any frame if the key does not change the screen).
    """
    before = app.screen
    if ready is None:
        ready = (lambda screen: screen is not before) if changes_screen else (lambda screen: True)
    clock.arm(ready)
    started = time.perf_counter()
    try:
        await press(app, key, changes_screen=changes_screen)
        seen = -1
        deadline = started + 30
        while len(clock.frames) != seen or not any(frame.ready for frame in clock.frames):
            if time.perf_counter() > deadline:
                raise TimeoutError(f"no frame showing the result of {key!r} within 30 s")
            seen = len(clock.frames)
            await asyncio.sleep(QUIET_S)
            await drained(app)
        first = next(frame.at for frame in clock.frames if frame.ready)
        return StepTime(first - started, clock.frames[-1].at - started), app.screen
    finally:
        clock.disarm()


@dataclass(frozen=True)
class LiveObjects:
    """Widgets and screens still reachable after a full garbage collection."""

    widgets: int
    screens: int


def live_objects() -> LiveObjects:
    gc.collect()
    found = [obj for obj in gc.get_objects() if isinstance(obj, Widget)]
    return LiveObjects(len(found), sum(isinstance(obj, Screen) for obj in found))
