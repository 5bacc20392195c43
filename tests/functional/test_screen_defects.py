"""The defects a walk through the kiosk found (issue: the screen audit), each as a visitor meets it.

Every test drives the kiosk with keys from the welcome screen and reads the terminal cells, so each
one failed on the kiosk as it was when the defect was seen, and passes now.
"""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from kiosk.i18n.catalogs import gettext_in
from kiosk.i18n.rtl import visual_line
from kiosk.ui.app import KioskApp
from kiosk.usage.store import UsageSink
from tests.conftest import FakeMonotonic
from tests.support.terminal import rows, rtl_faults

AppFactory = Callable[..., Any]
#: The keys that pick each language on the picker, in the configured order.
PICK = {"de": "1", "en": "2", "uk": "3", "ar": "4", "fa": "5", "ru": "6", "tr": "7", "ku": "8", "ro": "9"}


def shown(app: KioskApp) -> str:
    return "\n".join(rows(app))


def header(app: KioskApp) -> str:
    """The header rows (the title is among the buttons)."""
    return "\n".join(rows(app)[:3])


async def keys(pilot: Pilot[None], *pressed: str) -> None:
    for key in pressed:
        await pilot.press(key)
        await pilot.pause()


def says(app: KioskApp, language: str, message: str) -> bool:
    """The screen shows ``message`` in ``language`` (in visual order, on one line)."""
    text = gettext_in(language, message)
    direction = "rtl" if language in ("ar", "fa") else "ltr"
    return visual_line(text, direction) in shown(app) or text in shown(app)


# 1 -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("start", "switch"), [("de", "ar"), ("de", "en"), ("de", "uk"), ("de", "fa"), ("uk", "tr")]
)
async def test_a_language_switch_on_a_page_shows_the_same_page(
    make_app: AppFactory, start: str, switch: str
) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await keys(pilot, "enter", PICK[start], "1", "2", "3")
        before = header(app)
        assert not says(app, start, "This page is no longer available.")
        await keys(pilot, "f2", PICK[switch])
        assert app.language == switch
        assert not says(app, switch, "This page is no longer available."), shown(app)
        title = app.screen.title_text()  # type: ignore[attr-defined]
        assert title.strip(), "the title is blank after the switch"
        await keys(pilot, "escape")
        assert not says(app, switch, "There are no topics here yet. Please ask at the office."), shown(app)
        await keys(pilot, "3", "f2", PICK[start])
        assert header(app) == before, "switching back does not show the same page"


# 2 -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("language", ["ar", "fa"])
async def test_the_welcome_greeting_reads_right_to_left(make_app: AppFactory, language: str) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        welcome = app.screen
        welcome.greeting_index = app.settings.display.languages.index(language)  # type: ignore[attr-defined]
        welcome.show_greeting()  # type: ignore[attr-defined]
        await pilot.pause()
        assert gettext_in(language, "Welcome") != "Welcome"
        assert rtl_faults(rows(app)) == []


async def test_the_pin_pad_reads_right_to_left_in_arabic(make_app: AppFactory) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await keys(pilot, "x", "4", "ctrl+f12")
        assert rtl_faults(rows(app)) == []


# 3 -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("language", ["ar", "fa"])
async def test_each_key_hint_stays_with_its_words_right_to_left(make_app: AppFactory, language: str) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await keys(pilot, "x", PICK[language], "1", "2", "3")
        footer = "\n".join(rows(app)[-2:])
        back = gettext_in(language, "Esc back")
        if back == "Esc back":  # catalogs of before the hints were one message each
            back = gettext_in(language, "Esc back · Home start page · F2 language").split(" · ")[0]
        assert back.startswith("Esc ")
        assert visual_line(back, "rtl") in footer, footer


# 6 -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_the_chosen_events_tab_shows_its_whole_name(
    make_app: AppFactory, size: tuple[int, int]
) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=size) as pilot:
        await keys(pilot, "x", "1", "3", "w")
        assert "● Diese Woche" in shown(app)


# 7 -------------------------------------------------------------------------------------------------------
async def test_back_at_the_welcome_screen_the_next_visitor_starts_in_german(make_app: AppFactory) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await keys(pilot, "x", "9", "escape")
        assert app.screen.id == "welcome"
        await keys(pilot, "x")
        assert "Wählen Sie Ihre Sprache" in header(app)


# 8 -------------------------------------------------------------------------------------------------------
async def test_every_language_on_the_picker_has_its_own_key(make_app: AppFactory) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await keys(pilot, "x")
        picker = shown(app)
        for key, name in (("0", "Български"), ("A", "Polski"), ("B", "Français")):
            assert f"{key}  {name}" in picker
        await keys(pilot, "a")
        assert app.language == "pl"


# 9 -------------------------------------------------------------------------------------------------------
class Counted(UsageSink):
    def __init__(self) -> None:
        self.events: list[str] = []

    def record(self, event: str, *, language: str = "", item: str = "") -> None:
        self.events.append(event)


async def test_a_search_is_counted(make_app: AppFactory) -> None:
    usage = Counted()
    app: KioskApp = make_app(usage=usage)
    async with app.run_test(size=(100, 30)) as pilot:
        await keys(pilot, "x", "1", "5", "s", "c", "h", "u", "l", "e")
        for _ in range(200):
            if "search" in usage.events:
                break
            await pilot.pause(0.05)
        assert usage.events.count("search") == 1


# 10 ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("KIOSK_DISPLAY__LANGUAGES", "[de,en]", "KIOSK_DISPLAY__LANGUAGES"),
        ("KIOSK_DISPLAY__DEFAULT_LANGUAGE", "xx", "KIOSK_DISPLAY__DEFAULT_LANGUAGE"),
    ],
)
def test_a_bad_environment_variable_is_one_line_naming_it(variable: str, value: str, named: str) -> None:
    env = {**os.environ, variable: value}
    result = subprocess.run(
        [sys.executable, "-m", "kiosk"], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert named in lines[0] and "Traceback" not in result.stderr


# 11 ------------------------------------------------------------------------------------------------------
async def test_arabic_typed_in_a_german_session_finds_pages(make_app: AppFactory) -> None:
    app: KioskApp = make_app()
    arabic = app.content.by_language["ar"].pages
    word = next(
        w
        for page in arabic
        for w in page.title.split()
        if len(w) > 4 and all(unicodedata.bidirectional(char) == "AL" for char in w)
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await keys(pilot, "x", "1", "5", *word)
        screen = app.screen
        for _ in range(400):
            if getattr(screen, "up_to_date", False) and screen.results:  # type: ignore[attr-defined]
                break
            await pilot.pause(0.05)
        assert screen.results, f"nothing found for {word!r}"  # type: ignore[attr-defined]


# 12 ------------------------------------------------------------------------------------------------------
async def test_the_pin_pad_shows_no_shell_command(make_app: AppFactory) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await keys(pilot, "x", "1", "ctrl+f12")
        assert "set-pin" not in shown(app) and "kiosk staff" not in shown(app)


# 13 ------------------------------------------------------------------------------------------------------
async def test_are_you_still_there_counts_down_twenty_seconds(
    make_app: AppFactory, monotonic: FakeMonotonic
) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await keys(pilot, "x", "1")
        monotonic.advance(app.settings.display.idle_timeout_s + 1)
        app.check_visitor_idle()
        await pilot.pause()
        assert "20 Sekunden" in shown(app)


# 14 ------------------------------------------------------------------------------------------------------
async def test_on_a_large_screen_the_home_tiles_fill_it(make_app: AppFactory) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await keys(pilot, "x", "1")
        lines = rows(app)
        body = lines[3:-1]
        with_tiles = [line for line in body if "▊" in line or "▎" in line]
        assert len(with_tiles) >= 0.8 * len(body), f"{len(with_tiles)} of {len(body)} rows"
