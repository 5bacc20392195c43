"""The visitor walks away: the idle countdown comes, and (unless someone touches a key) runs out."""

from __future__ import annotations

from textual.pilot import Pilot

from kiosk.ui.app import KioskApp
from kiosk.ui.screens.idle import IdleScreen
from tests.conftest import FakeMonotonic
from tests.support.waiting import settle


async def walk_away(pilot: Pilot[None], app: KioskApp, monotonic: FakeMonotonic) -> IdleScreen:
    """Nobody touches the kiosk for longer than ``idle_timeout_s``: the countdown screen, now up."""
    await settle(pilot, app)  # the last touch has been handled in full before the clock moves on
    monotonic.advance(app.settings.display.idle_timeout_s + 1)
    app.check_visitor_idle()
    await pilot.pause()
    idle = app.screen
    assert isinstance(idle, IdleScreen), f"no countdown after the idle timeout, but {idle!r}"
    return idle


async def run_out(pilot: Pilot[None], idle: IdleScreen) -> None:
    """Every second of the countdown passes, without waiting for them."""
    for _ in range(idle.remaining):
        idle.tick()
    await pilot.pause()
