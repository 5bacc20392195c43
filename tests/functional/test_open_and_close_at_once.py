"""A screen closed by the very next key, before it has even mounted: a loaded machine makes it happen.

Found by the random-input storm on a loaded machine (seed 20261124, after 16,474 inputs): "2" opened
the hours screen and a key right behind it closed that screen before it mounted; its ``on_mount``
then looked for its own body, which was already gone, and the kiosk ended. Here the second key's
effect (closing the screen) comes in the same turn of the event loop as the opening, as it does when
the machine is slow to get round to mounting.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kiosk.ui.app import KioskApp
from kiosk.ui.destinations import (
    CodeAt,
    Destination,
    EventsAt,
    HoursAt,
    LanguagesAt,
    LinkAt,
    OfficesAt,
    PinPadAt,
    SearchAt,
    TopicsAt,
)
from kiosk.ui.screens.home import HomeScreen

AppFactory = Callable[..., Any]

DESTINATIONS = [
    TopicsAt(), HoursAt(), EventsAt(), OfficesAt(), SearchAt(), LanguagesAt(), PinPadAt(),
    CodeAt("https://www.dortmund.de/"), LinkAt("https://www.dortmund.de/", "Stadt Dortmund"),
]  # fmt: skip


@pytest.mark.parametrize("to", DESTINATIONS, ids=lambda to: type(to).__name__)
async def test_a_screen_closed_before_it_mounted_leaves_the_kiosk_running(
    make_app: AppFactory, to: Destination
) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("x", "2")  # English: the home screen
        home = app.screen
        assert isinstance(home, HomeScreen)
        app.open(to)
        app.pop_screen()  # what the next key does on a slow machine: before the screen has mounted
        await pilot.pause()
        await pilot.pause()
        assert app.is_running and app.return_code is None, f"opening and closing {to} ended the kiosk"
        assert app.screen is home
