"""The search screen, driven with Textual's Pilot: typing, results as you type, opening one, privacy."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest

from kiosk.clock import BERLIN
from kiosk.config import Settings
from kiosk.i18n import _
from kiosk.i18n.rtl import visual_line
from kiosk.search import SearchIndex
from kiosk.ui.app import KioskApp
from kiosk.ui.destinations import HomeAt
from kiosk.ui.runtime import UsageSink
from kiosk.ui.screens.event import EventScreen
from kiosk.ui.screens.idle import IdleScreen
from kiosk.ui.screens.page import PageScreen
from kiosk.ui.screens.place import PlaceScreen
from kiosk.ui.screens.search import SearchBox, SearchScreen
from kiosk.ui.screens.topics import TopicsScreen
from kiosk.ui.widgets.text import Prose
from kiosk.ui.wording import in_other_language
from tests.conftest import FakeMonotonic
from tests.support.screen import focused_tile, tiles
from tests.support.visitor import run_out
from tests.support.waiting import until
from tests.unit.test_search_queries import conformance_content

AppFactory = Callable[..., Any]
SECRET = "Kindergeld"


@pytest.fixture(autouse=True)
def quick_debounce(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SearchScreen, "DEBOUNCE_S", 0.05)


class RecordingUsage(UsageSink):
    def __init__(self) -> None:
        self.records: list[tuple[str, str, str]] = []

    def record(self, event: str, *, language: str = "", item: str = "") -> None:
        self.records.append((event, language, item))


async def open_search(app: KioskApp, pilot: Any, language: str) -> SearchScreen:
    await app.change_language(language)
    app.open(HomeAt())
    await pilot.pause()
    await pilot.press("slash")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, SearchScreen)
    return screen


async def type_and_wait(pilot: Any, screen: SearchScreen, *keys: str) -> None:
    await pilot.press(*keys)
    await until(lambda: screen.up_to_date, "search answered", pilot=pilot)


def notes(screen: SearchScreen) -> list[str]:
    return [tile.data.note for tile in tiles(screen)]


def titles(screen: SearchScreen) -> list[str]:
    return [tile.data.title for tile in tiles(screen)]


async def test_results_appear_as_you_type_and_enter_opens_one(make_app: AppFactory) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_search(app, pilot, "en")
        assert screen.focused is screen.query_one(SearchBox)
        await type_and_wait(pilot, screen, *"kindergelt")  # a typo, and a German word in English
        assert titles(screen)[0] == "A new baby"
        assert notes(screen)[0] == _("Topic")
        await pilot.press("down")
        on = focused_tile(app)
        assert on is not None and on.number == 1 and on.data.title == "A new baby"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PageScreen)
        assert app.screen.key == ("en", 303)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert screen.query_one(SearchBox).value == "kindergelt"


async def test_digits_and_slash_are_typed_while_the_box_has_focus(make_app: AppFactory) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_search(app, pilot, "de")
        await type_and_wait(pilot, screen, *"0231", "slash", "space")
        assert app.screen is screen
        assert screen.query_one(SearchBox).value == "0231/ "
        assert "Sprechzeiten und Kontakt" in titles(screen)
        await pilot.press("down")  # into the results: now digits choose
        await pilot.press("1")
        await pilot.pause()
        assert not isinstance(app.screen, SearchScreen)


async def test_letters_typed_on_a_result_go_on_with_the_search_and_up_returns_to_the_box(
    make_app: AppFactory,
) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_search(app, pilot, "de")
        box = screen.query_one(SearchBox)
        await type_and_wait(pilot, screen, *"kita")
        await pilot.press("down", "up")
        assert screen.focused is box
        await pilot.press("down", "backspace")  # erases, even from a result, and never leaves
        assert screen.focused is box and box.value == "kit"
        await pilot.press("down")
        await type_and_wait(pilot, screen, *"a platz")
        assert screen.focused is box
        assert box.value == "kita platz"
        assert titles(screen)[0] == "Einen Kita-Platz finden"
        await pilot.press("backspace", "backspace", "backspace", "backspace", "backspace", "backspace")
        assert box.value == "kita"
        for _press in range(6):
            await pilot.press("backspace")  # an empty box stays on the screen
        assert box.value == ""
        assert app.screen is screen


async def test_other_languages_are_marked_and_each_result_says_what_it_is(make_app: AppFactory) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_search(app, pilot, "tr")  # no Turkish content: German stands in
        await type_and_wait(pilot, screen, *SECRET)
        assert titles(screen)[0] == "Ein Baby ist da"
        assert notes(screen)[0] == f"{_('Topic')} · {in_other_language('de', 'tr')}"
        await pilot.press("escape")
        screen = await open_search(app, pilot, "ar")  # the German word finds the Arabic page
        await type_and_wait(pilot, screen, *SECRET)
        assert titles(screen)[0] == "وُلد طفل جديد"
        assert notes(screen)[0] == _("Topic")
        await pilot.press("escape")
        screen = await open_search(app, pilot, "en")
        await type_and_wait(pilot, screen, *"Caritas")
        chosen = notes(screen).index(_("Place"))
        assert _("Topic") in notes(screen)
        await pilot.press("down", *["down"] * chosen, "enter")
        await pilot.pause()
        assert isinstance(app.screen, PlaceScreen)


async def test_a_category_opens_its_topics(make_app: AppFactory) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_search(app, pilot, "de")
        await type_and_wait(pilot, screen, *"Schule")
        assert titles(screen)[0] == "Schule"
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, TopicsScreen)


async def test_events_are_found_and_open(settings: Settings, monotonic: FakeMonotonic) -> None:
    app = KioskApp(settings, conformance_content(), clock=lambda: datetime(2029, 12, 20, 10, tzinfo=BERLIN),
                   monotonic=monotonic, cycle_greeting=False)  # fmt: skip
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_search(app, pilot, "de")
        await type_and_wait(pilot, screen, *"Einmalige Veranstaltung")
        assert titles(screen)[0] == "Einmalige Veranstaltung"
        assert notes(screen)[0] == _("Event")
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, EventScreen)


async def test_arabic_typing_is_shown_shaped_right_to_left(make_app: AppFactory) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_search(app, pilot, "ar")
        box = screen.query_one(SearchBox)
        await type_and_wait(pilot, screen, *"مدرسه")  # haa typed for taa marbuta
        shown = box.render().plain  # type: ignore[union-attr]
        # Shaped, in visual order, against the right edge with the cursor at its (logical) end.
        assert shown.endswith("▏" + visual_line("مدرسه", "rtl"))
        assert len(shown) == box.content_size.width
        assert titles(screen)[0] == "المدرسة"


async def test_typed_markup_stays_text(make_app: AppFactory) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_search(app, pilot, "de")
        await type_and_wait(pilot, screen, *"[b]x[/b]")
        assert "[b]x[/b]" in screen.query_one(SearchBox).render().plain  # type: ignore[union-attr]


async def test_idle_reset_forgets_the_search_which_is_never_logged_or_counted(
    make_app: AppFactory, monotonic: FakeMonotonic, caplog: pytest.LogCaptureFixture
) -> None:
    usage = RecordingUsage()
    app: KioskApp = make_app(usage=usage)
    caplog.set_level(logging.DEBUG)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_search(app, pilot, "uk")
        await type_and_wait(pilot, screen, *SECRET)
        assert screen.results
        monotonic.advance(app.settings.display.idle_timeout_s + 1)
        app.check_visitor_idle()
        await pilot.pause()
        idle = app.screen
        assert isinstance(idle, IdleScreen)
        await run_out(pilot, idle)
        assert not any(isinstance(s, SearchScreen) for s in app.screen_stack)
        app.open(HomeAt())
        await pilot.pause()
        await pilot.press("slash")
        await pilot.pause()
        again = app.screen
        assert isinstance(again, SearchScreen) and again is not screen
        assert again.query_one(SearchBox).value == ""
        assert not tiles(again)
    assert not any(SECRET.casefold() in " ".join(r).casefold() for r in usage.records)
    assert not any(SECRET.casefold() in record.getMessage().casefold() for record in caplog.records)


async def test_new_content_gets_a_new_index_and_the_old_answers_meanwhile(make_app: AppFactory) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_search(app, pilot, "de")
        await type_and_wait(pilot, screen, *SECRET)
        first = app.runtime.search.current(app.content)
        assert first is not None
        german = app.content.by_language["de"]
        renamed = [replace(p, title="Kindergeld beantragen") if p.id == 303 else p for p in german.pages]
        content = replace(
            app.content, by_language={**app.content.by_language, "de": replace(german, pages=renamed)}
        )
        app.offer_content(content)
        assert app.runtime.search.current(app.content) is first  # still building: the old index answers
        assert await asyncio.to_thread(app.runtime.search.wait_for, app.content)
        assert app.runtime.search.current(app.content) is not first
        await pilot.press("escape")
        screen = await open_search(app, pilot, "de")
        await type_and_wait(pilot, screen, *SECRET)
        assert titles(screen)[0] == "Kindergeld beantragen"


async def test_a_search_that_cannot_be_built_says_so_calmly(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(content: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(SearchIndex, "build", broken)
    app: KioskApp = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_search(app, pilot, "en")
        await pilot.press(*"school")
        status = screen.query_one("#search-status", Prose)
        await until(lambda: "not available" in str(status.text), "search says why it is away", pilot=pilot)
        assert "Search is not available right now" in str(screen.query_one("#search-status", Prose).text)
        assert app.screen is screen
