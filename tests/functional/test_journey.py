"""The visitor's journey through the app, by keyboard and by touch, driven with Textual's Pilot."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.widgets import Button

from kiosk.ui.app import KioskApp
from kiosk.ui.screens.home import HomeScreen
from kiosk.ui.screens.hours import HoursScreen
from kiosk.ui.screens.idle import IdleScreen
from kiosk.ui.screens.language import LanguageScreen
from kiosk.ui.screens.offices import OfficesScreen
from kiosk.ui.screens.page import PageScreen
from kiosk.ui.screens.place import PlaceScreen
from kiosk.ui.screens.topics import TopicsScreen
from kiosk.ui.screens.welcome import WelcomeScreen
from kiosk.ui.widgets.choices import Choice
from tests.conftest import FakeMonotonic
from tests.support.screen import focused_tile, screen_text, tiles
from tests.support.terminal import rows

AppFactory = Callable[..., Any]


async def test_keyboard_journey_welcome_to_topic_page_and_back(make_app: AppFactory) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, WelcomeScreen)
        assert "Westerfilder Straße 54" in screen_text(app)
        await pilot.press("space")
        assert isinstance(app.screen, LanguageScreen)
        await pilot.press("2")  # English
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.language == "en"
        assert "Help topics" in screen_text(app)
        await pilot.press("1")
        assert isinstance(app.screen, TopicsScreen)
        await pilot.press("down", "up", "enter")  # arrows and Enter open the first category
        await pilot.pause()
        while isinstance(app.screen, TopicsScreen):
            await pilot.press("1")
            await pilot.pause()
        assert isinstance(app.screen, PageScreen)
        assert app.screen.document.blocks, "the topic page shows its text"
        await pilot.press("escape")
        assert isinstance(app.screen, TopicsScreen)
        await pilot.press("backspace")
        await pilot.press("home")
        assert isinstance(app.screen, HomeScreen)


async def test_every_home_tile_opens_its_screen(make_app: AppFactory) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("x", "1")  # German
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        for key, screen_type in (("1", TopicsScreen), ("2", HoursScreen), ("4", OfficesScreen)):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, screen_type)
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)


async def test_hours_screen_shows_today_and_open_status(make_app: AppFactory) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("x", "2", "2")  # English, office hours
        await pilot.pause()
        assert isinstance(app.screen, HoursScreen)
        text = screen_text(app)
        assert "Open now until 12:00" in text
        assert "Monday" in text and "(today)" in text
        assert "0231 50 11 148" in text


async def test_offices_lists_all_seven(make_app: AppFactory) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("x", "2", "4")
        await pilot.pause()
        assert isinstance(app.screen, OfficesScreen)
        assert len(tiles(app.screen)) == 7
        text = screen_text(app)
        for partner in ("Caritas", "DRK", "AWO", "EHC", "Projekt Ankommen"):
            assert partner in text
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, PlaceScreen)


async def test_a_tap_on_a_tile_of_a_long_list_opens_that_one(make_app: AppFactory) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("x", "2", "4")
        await pilot.pause()
        offices = app.screen
        assert isinstance(offices, OfficesScreen)
        wanted = offices.places[2].item  # the third tile, tapped where its name is drawn
        shown = rows(app)
        y = next(y for y, row in enumerate(shown) if wanted.name in row)
        await pilot.click(offset=(shown[y].index(wanted.name) + 2, y))
        await pilot.pause()
        assert isinstance(app.screen, PlaceScreen) and app.screen.place_id == wanted.id
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is offices
        on = focused_tile(app)
        assert on is not None and on.number == 3, "back on the tile that was tapped"


async def test_journey_by_touch_alone(make_app: AppFactory) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.click("#welcome-box")
        assert isinstance(app.screen, LanguageScreen)
        choices = list(app.screen.query(Choice))
        await pilot.click(choices[1])  # English
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.click(list(app.screen.query(Choice))[0])
        await pilot.pause()
        assert isinstance(app.screen, TopicsScreen)
        await pilot.click("#back")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.click("#language")
        await pilot.pause()
        assert isinstance(app.screen, LanguageScreen)
        await pilot.click(list(app.screen.query(Choice))[0])  # Deutsch
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.language == "de"
        assert "Hilfe-Themen" in screen_text(app) or app.screen.query_one("#start-over", Button)
        await pilot.click("#start-over")
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)


async def test_f2_switches_language_in_place(make_app: AppFactory) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("x", "2", "1")  # English, Help topics
        await pilot.pause()
        topics = app.screen
        assert isinstance(topics, TopicsScreen)
        await pilot.press("down")
        focused_before = topics.focus_chain.index(topics.focused) if topics.focused else None
        await pilot.press("f2")
        assert isinstance(app.screen, LanguageScreen)
        await pilot.press("3")  # Ukrainian
        await pilot.pause()
        assert app.screen is topics, "the same screen, not a new one"
        assert app.language == "uk"
        assert topics.focused is not None
        assert topics.focus_chain.index(topics.focused) == focused_before


async def test_idle_reset_forgets_the_visitor(make_app: AppFactory, monotonic: FakeMonotonic) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("x", "4", "1", "1")  # Arabic, help topics, a category
        await pilot.pause()
        assert app.language == "ar"
        assert len(app.screen_stack) > 3
        monotonic.advance(app.settings.display.idle_timeout_s + 1)
        app.check_visitor_idle()
        await pilot.pause()
        idle = app.screen
        assert isinstance(idle, IdleScreen)
        for _ in range(idle.remaining):
            idle.tick()
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        assert app.language == "de"
        assert len(app.screen_stack) == 2


async def test_any_input_cancels_the_countdown(make_app: AppFactory, monotonic: FakeMonotonic) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("x", "2", "1")
        await pilot.pause()
        topics = app.screen
        monotonic.advance(1000)
        app.check_visitor_idle()
        await pilot.pause()
        assert isinstance(app.screen, IdleScreen)
        await pilot.press("a")
        await pilot.pause()
        assert app.screen is topics
        assert app.language == "en"


async def test_no_key_leaves_the_kiosk(make_app: AppFactory) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("escape")  # escape on the first screen does not quit either
        await pilot.press("x", "2", "1")
        await pilot.pause()
        screen = app.screen
        for key in ("ctrl+c", "ctrl+q", "ctrl+z", "ctrl+backslash", "ctrl+p", "f1", "f10", "f12", "ctrl+s"):
            await pilot.press(key)
            await pilot.pause()
        assert app.is_running
        assert app.return_code is None
        assert app.screen is screen


async def test_dev_mode_quits_with_ctrl_q(make_app: AppFactory) -> None:
    app: KioskApp = make_app(dev=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running or app.return_code == 0


async def test_in_arabic_the_home_grid_fills_from_the_right(make_app: AppFactory) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("space", "4")  # Arabic
        assert isinstance(app.screen, HomeScreen)
        tiles = {choice.number: choice.region for choice in app.screen.query(Choice)}
        assert tiles[1].x > tiles[2].x and tiles[1].y == tiles[2].y  # 1 top right, 2 to its left
        assert tiles[3].x > tiles[4].x and tiles[5].x == tiles[1].x  # the odd one out stays right
        focused = app.screen.focused
        assert isinstance(focused, Choice) and focused.number == 1
        await pilot.press("left")  # towards the next tile on screen
        assert isinstance(app.screen.focused, Choice) and app.screen.focused.number == 2
        await pilot.press("5")
        await pilot.pause()
        assert type(app.screen).__name__ == "SearchScreen"
        await pilot.press("escape", "f2", "2")  # English: the grid reads left to right again
        await pilot.pause()
        tiles = {choice.number: choice.region for choice in app.screen.query(Choice)}
        assert tiles[1].x < tiles[2].x
