"""A child at the keyboard for ten minutes: a seeded storm of keys, taps and resizes; the journey still works.

At least 20,000 inputs go through the app with all the bundled content loaded. Keys are sent in bursts
the way a terminal delivers them (straight to the app's queue, no pause between keys), which is both
faster and harsher than one key at a time. The seed is printed; ``KIOSK_RANDOM_SEED`` replays a run and
``KIOSK_RANDOM_INPUTS`` changes its length.
"""

from __future__ import annotations

import logging
import os
import random
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from textual.pilot import Pilot

from kiosk.content.models import Event, RegionContent
from kiosk.ui.app import KioskApp
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.screens.event import EventScreen
from kiosk.ui.screens.events import EventsScreen
from kiosk.ui.screens.home import HomeScreen
from kiosk.ui.screens.hours import HoursScreen
from kiosk.ui.screens.idle import IdleScreen
from kiosk.ui.screens.language import LanguageScreen
from kiosk.ui.screens.link import CodeScreen
from kiosk.ui.screens.offices import OfficesScreen
from kiosk.ui.screens.page import PageScreen
from kiosk.ui.screens.pin_pad import PinPadScreen
from kiosk.ui.screens.place import PlaceScreen
from kiosk.ui.screens.search import SearchScreen
from kiosk.ui.screens.staff import StaffScreen
from kiosk.ui.screens.topics import TopicsScreen
from kiosk.ui.screens.welcome import WelcomeScreen
from tests.conftest import MONDAY_MORNING, FakeMonotonic
from tests.support.keys import burst
from tests.support.visitor import run_out, walk_away
from tests.support.waiting import settle

AppFactory = Callable[..., Any]
SEED = int(os.environ.get("KIOSK_RANDOM_SEED", "20261124"))
INPUTS = int(os.environ.get("KIOSK_RANDOM_INPUTS", "20000"))

# What a visitor's fingers find, weighted: digits and the ways back most, then arrows, letters (the
# search box), function keys and a few chords.
KEYS: list[tuple[str, int]] = [
    *((digit, 6) for digit in "123456789"),
    ("escape", 8), ("backspace", 4), ("enter", 6), ("space", 3), ("home", 3), ("up", 4), ("down", 5),
    ("left", 2), ("right", 2), ("pageup", 1), ("pagedown", 1), ("end", 1), ("tab", 2), ("shift+tab", 1),
    ("f2", 2), ("f3", 1), ("slash", 1), ("f1", 1), ("f5", 1), ("f12", 1), ("ctrl+c", 1), ("ctrl+q", 1),
    ("ctrl+p", 1), ("ctrl+z", 1), ("ctrl+f12", 1), *((letter, 1) for letter in "aeinrstwxäöüß"),
    ("alt+1", 1), ("ctrl+s", 1), ("delete", 1), ("insert", 1),
]  # fmt: skip
KEY_NAMES = [name for name, _weight in KEYS]
KEY_WEIGHTS = [weight for _name, weight in KEYS]


class Storm:
    """The random inputs, and a tally and the last few of them for the failure message."""

    def __init__(self, pilot: Pilot[None], app: KioskApp, monotonic: FakeMonotonic, seed: int) -> None:
        self.pilot = pilot
        self.app = app
        self.monotonic = monotonic
        self.rng = random.Random(seed)
        self.count = 0
        self.recent: list[str] = []

    def note(self, what: str) -> None:
        self.recent = [*self.recent[-30:], what]

    async def keys(self) -> None:
        """A burst of 10 to 60 keys, all queued before the app handles the first."""
        keys = self.rng.choices(KEY_NAMES, KEY_WEIGHTS, k=self.rng.randint(10, 60))
        self.note(" ".join(keys))
        await burst(self.pilot, self.app, keys)
        self.count += len(keys)

    async def taps(self) -> None:
        width, height = self.app.size
        for _ in range(self.rng.randint(1, 6)):
            x, y = self.rng.randrange(max(1, width)), self.rng.randrange(max(1, height))
            button, times = self.rng.choice([(1, 1), (1, 1), (1, 1), (1, 2), (1, 3), (3, 1)])
            self.note(f"tap {x},{y} button {button} x{times}")
            await self.pilot.click(offset=(x, y), button=button, times=times)
            self.count += 1

    async def resize(self) -> None:
        size = (self.rng.randint(80, 200), self.rng.randint(24, 60))
        self.note(f"resize {size}")
        await self.pilot.resize_terminal(*size)
        await self.pilot.pause()
        self.count += 1

    async def walk_away(self) -> None:
        """The visitor leaves: the countdown comes; half the time someone touches a key in time."""
        await settle(self.pilot, self.app)  # the last touch has been handled before the clock moves on
        self.monotonic.advance(self.app.settings.display.idle_timeout_s + 1)
        self.app.check_visitor_idle()
        await self.pilot.pause()
        idle = self.app.screen
        if isinstance(idle, IdleScreen):
            if self.rng.random() < 0.5:
                self.note("idle, then a key")
                await self.pilot.press("space")
            else:
                self.note("idle until the reset")
                await run_out(self.pilot, idle)
            self.count += 1

    async def step(self) -> None:
        roll = self.rng.random()
        if roll < 0.86:
            await self.keys()
        elif roll < 0.96:
            await self.taps()
        elif roll < 0.98:
            await self.resize()
        else:
            await self.walk_away()


VISITOR = (KioskScreen, WelcomeScreen, IdleScreen, CodeScreen)  # CodeScreen: one QR code, enlarged


def assert_kiosk_intact(app: KioskApp, where: str) -> None:
    assert app.is_running and app.return_code is None, f"the kiosk ended ({where})"
    stack = app.screen_stack[1:]
    # The staff PIN pad is a gate, not a way in: past it only with the PIN.
    assert stack and all(isinstance(screen, (*VISITOR, PinPadScreen)) for screen in stack), (
        where, app.screen_stack)  # fmt: skip
    assert isinstance(stack[0], WelcomeScreen), (where, app.screen_stack)
    assert not any(isinstance(screen, StaffScreen) for screen in app.screen_stack), where


def with_an_event(content: RegionContent) -> RegionContent:
    """The content with a language café tomorrow afternoon in every language."""
    start = MONDAY_MORNING.replace(hour=15, minute=0) + timedelta(days=1)
    cafe = Event(90_001, "Sprachcafé", start, start + timedelta(hours=2), content_html="<p>Kaffee</p>")
    by_language = {code: replace(lc, events=[*lc.events, cafe]) for code, lc in content.by_language.items()}
    return replace(content, by_language=by_language)


async def press(pilot: Pilot[None], *keys: str) -> None:
    await pilot.press(*keys)
    await pilot.pause()


async def every_screen_is_reachable(pilot: Pilot[None], app: KioskApp) -> list[str]:
    """From a fresh start, open every kind of visitor screen by key; the names of those reached."""
    reached: list[str] = []

    def seen(kind: type) -> None:
        assert isinstance(app.screen, kind), (kind.__name__, app.screen)
        reached.append(kind.__name__)

    if isinstance(app.screen, PinPadScreen):
        await press(pilot, "escape")
    app.start_over()  # as the header's "Start over" does
    await pilot.resize_terminal(100, 30)
    await pilot.pause()
    seen(WelcomeScreen)
    await press(pilot, "x")
    seen(LanguageScreen)
    await press(pilot, "2")  # English
    seen(HomeScreen)
    await press(pilot, "1")
    seen(TopicsScreen)
    while isinstance(app.screen, TopicsScreen):
        await press(pilot, "1")
    seen(PageScreen)
    for tile, listing, detail in (("2", HoursScreen, None), ("3", EventsScreen, EventScreen),
                                  ("4", OfficesScreen, PlaceScreen), ("5", SearchScreen, None)):  # fmt: skip
        await press(pilot, "home", tile)
        seen(listing)
        if detail is not None:
            await press(pilot, "1")
            seen(detail)
    await press(pilot, "home", "f2")
    seen(LanguageScreen)
    await press(pilot, "escape")
    seen(HomeScreen)
    return reached


async def test_a_storm_of_random_input_leaves_a_working_kiosk(
    make_app: AppFactory, monotonic: FakeMonotonic, caplog: pytest.LogCaptureFixture
) -> None:
    print(f"random input: seed {SEED} (replay with KIOSK_RANDOM_SEED={SEED})")
    caplog.set_level(logging.WARNING)
    app: KioskApp = make_app()
    app.content = with_an_event(app.content)  # the bundled snapshot has none; the storm should meet one
    storm: Storm | None = None
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            storm = Storm(pilot, app, monotonic, SEED)
            while storm.count < INPUTS:
                await storm.step()
                assert_kiosk_intact(app, f"after {storm.count} inputs")
            reached = await every_screen_is_reachable(pilot, app)
            assert len(reached) == 13, reached
            # The idle reset still takes the kiosk back to a clean welcome screen.
            await press(pilot, "3", "1")  # the last visitor reads something in Ukrainian
            await run_out(pilot, await walk_away(pilot, app, monotonic))
            assert isinstance(app.screen, WelcomeScreen) and len(app.screen_stack) == 2
            assert app.language == app.settings.display.default_language
    except BaseException as error:
        recent = "\n  ".join(storm.recent[-8:]) if storm else ""
        count = storm.count if storm else 0
        replay = f"replay with KIOSK_RANDOM_SEED={SEED}"
        raise AssertionError(
            f"random input failed after {count} inputs; {replay}; last:\n  {recent}"
        ) from error
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]
