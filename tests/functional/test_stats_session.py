"""Two visitors use the kiosk; the usage file ends up with their counts, per hour, and nothing else."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.ui.app import KioskApp
from kiosk.ui.screens.idle import IdleScreen
from kiosk.ui.screens.page import PageScreen
from kiosk.ui.screens.place import PlaceScreen
from kiosk.ui.screens.topics import TopicsScreen
from kiosk.ui.screens.welcome import WelcomeScreen
from kiosk.ui.widgets.handoff import HandOff
from kiosk.usage.counts import Usage
from kiosk.usage.store import UsageStore
from tests.conftest import MONDAY_MORNING, FakeMonotonic

AppFactory = Callable[..., Any]


async def test_a_scripted_morning_is_counted(
    make_app: AppFactory, monotonic: FakeMonotonic, tmp_path: Path
) -> None:
    store = UsageStore.open(tmp_path)
    usage = Usage(store, clock=lambda: MONDAY_MORNING)
    app: KioskApp = make_app(usage=usage)
    async with app.run_test(size=(100, 30)) as pilot:
        # The first visitor reads a help topic in English, then switches to Ukrainian and walks away.
        await pilot.press("space", "2")
        await pilot.pause()
        await pilot.press("1", "enter")
        await pilot.pause()
        while isinstance(app.screen, TopicsScreen):
            await pilot.press("1")
            await pilot.pause()
        page = app.screen
        assert isinstance(page, PageScreen)
        title = page.title_text()
        await pilot.press("f2", "3")
        await pilot.pause()
        assert app.language == "uk"
        monotonic.advance(app.settings.display.idle_timeout_s + 1)
        app.check_visitor_idle()
        await pilot.pause()
        idle = app.screen
        assert isinstance(idle, IdleScreen)
        for _ in range(idle.remaining):
            idle.tick()
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        # The second visitor chooses German, looks up an office and takes its codes home.
        await pilot.press("x", "1")
        await pilot.pause()
        await pilot.press("4", "1")
        await pilot.pause()
        place = app.screen
        assert isinstance(place, PlaceScreen)
        codes = Counter(handoff.kind for handoff in place.query(HandOff) if handoff.display)
        assert codes, "the office screen offers something to take home"
        shown = place.place()
        assert shown is not None
        name = shown.name
    assert usage.flush()

    counted = {(c.day, c.hour, c.event, c.language, c.item): c.n for c in store.counts()}
    expected = {
        ("2026-11-23", 10, "session", "en", ""): 1,
        ("2026-11-23", 10, "session", "de", ""): 1,
        ("2026-11-23", 10, "language", "en", ""): 1,
        ("2026-11-23", 10, "language", "uk", ""): 1,
        ("2026-11-23", 10, "language", "de", ""): 1,
        ("2026-11-23", 10, "topic", "en", title): 1,
        ("2026-11-23", 10, "idle_reset", "", ""): 1,
        ("2026-11-23", 10, "place", "de", name): 1,
        **{("2026-11-23", 10, "qr", "", kind): n for kind, n in codes.items()},
    }
    assert counted == expected
