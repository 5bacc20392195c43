"""Keys that arrive together: a terminal delivers a burst before the app handles the first of them.

Each case is one the random-input storm found (seed 20261124): the second key of a burst met a screen
that the first had already closed. Textual's ``dismiss`` pops whatever is on top, so without care the
second key closed the screen beneath too, down past the welcome screen, or crashed the kiosk.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from kiosk.ui.app import KioskApp
from kiosk.ui.screens.home import HomeScreen
from kiosk.ui.screens.language import LanguageScreen
from kiosk.ui.screens.link import CodeScreen
from kiosk.ui.screens.offices import OfficesScreen
from kiosk.ui.screens.pin_pad import PinPadScreen
from kiosk.ui.screens.place import PlaceScreen
from tests.conftest import FakeMonotonic
from tests.support.keys import burst
from tests.support.visitor import walk_away

AppFactory = Callable[..., Any]


def kinds(app: KioskApp) -> list[str]:
    return [type(screen).__name__ for screen in app.screen_stack[1:]]


async def to_place(pilot: Pilot[None], app: KioskApp) -> None:
    await pilot.press("space", "2", "4")  # English, the offices
    assert isinstance(app.screen, OfficesScreen)
    await pilot.press("1")
    await pilot.pause()
    assert isinstance(app.screen, PlaceScreen)


async def test_two_keys_on_an_enlarged_code_close_it_once(make_app: AppFactory) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await to_place(pilot, app)
        await pilot.press("0")
        await pilot.pause()
        assert isinstance(app.screen, CodeScreen)
        await burst(pilot, app, ["x", "y", "z"])
        # Back on the place, not on the offices list (or further down) and still running.
        assert kinds(app) == ["WelcomeScreen", "HomeScreen", "OfficesScreen", "PlaceScreen"]
        assert app.is_running


async def test_a_language_chosen_behind_escape_does_not_replace_the_welcome_screen(
    make_app: AppFactory,
) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("space")
        assert isinstance(app.screen, LanguageScreen)
        await burst(pilot, app, ["2", "escape"])
        assert kinds(app) == ["WelcomeScreen"]
        # The next visitor's journey starts as always.
        await pilot.press("space", "2")
        assert kinds(app) == ["WelcomeScreen", "HomeScreen"]


async def test_the_pin_pad_takes_no_language_picker_and_no_second_pad(make_app: AppFactory) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("space", "2")
        await pilot.press("ctrl+f12")
        assert isinstance(app.screen, PinPadScreen)
        await burst(pilot, app, ["f2", "ctrl+f12", "f2", "ctrl+f12"])
        assert kinds(app) == ["WelcomeScreen", "HomeScreen", "PinPadScreen"]
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_a_countdown_tick_behind_a_key_does_not_reset_the_visitor(
    make_app: AppFactory, monotonic: FakeMonotonic
) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await to_place(pilot, app)
        idle = await walk_away(pilot, app, monotonic)
        idle.remaining = 1
        await pilot.press("space")  # the visitor is still there ...
        assert isinstance(app.screen, PlaceScreen)
        idle.tick()  # ... and the last tick, already queued, arrives after the countdown closed
        await pilot.pause()
        assert isinstance(app.screen, PlaceScreen), kinds(app)
        assert app.language == "en"
