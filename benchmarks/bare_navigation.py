"""The floor for navigation: a bare Textual app whose key pushes a one-line screen and Escape pops it,
timed key press -> frame exactly as ``benchmarks.ui_bench`` times the kiosk (``benchmarks.ui_drive``).
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from benchmarks.ui_drive import FrameClock, timed_press


class _Page(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Static("A page\n" * 20)


class _BareNavigation(App[None]):
    """The floor for navigation: a key pushes a screen with one Static, Escape pops it."""

    BINDINGS: ClassVar = [("1", "open", "open"), ("escape", "close", "close")]

    def compose(self) -> ComposeResult:
        yield Static("Home")

    def action_open(self) -> None:
        self.push_screen(_Page())

    def action_close(self) -> None:
        if len(self.screen_stack) > 1:
            self.pop_screen()


async def measure_bare(rounds: int, size: tuple[int, int]) -> dict[str, list[float]]:
    """Push and pop of a one-line screen: the floor of a screen change in this Textual, this process."""
    app = _BareNavigation()
    clock = FrameClock(app)
    clock.install()
    samples: dict[str, list[float]] = {}
    async with app.run_test(size=size):
        for round_no in range(rounds + 1):
            for key, name in (("1", "bare push screen"), ("escape", "bare pop screen")):
                step, _ = await timed_press(app, clock, key)
                if round_no:
                    samples.setdefault(name, []).append(step.first)
                    samples.setdefault(f"{name} (settled)", []).append(step.settled)
    return samples
