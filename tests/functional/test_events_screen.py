"""The events screen and one event, driven with Pilot: filters, entries, time passing, both QR codes."""

from __future__ import annotations

import gc
from datetime import datetime, timedelta
from typing import Any

from kiosk.clock import BERLIN
from kiosk.config import Settings
from kiosk.content.models import Address, Event, Language, LanguageContent, RegionContent
from kiosk.sources.integreat.schema import parse_events, parse_languages
from kiosk.ui.app import KioskApp
from kiosk.ui.destinations import EventsAt, HomeAt
from kiosk.ui.screens import events as events_screen
from kiosk.ui.screens.event import EventScreen
from kiosk.ui.screens.events import EventsScreen
from kiosk.ui.widgets.chrome import StatusLine
from kiosk.ui.widgets.tile_list import TileList
from tests.conftest import MONDAY_MORNING, FakeMonotonic
from tests.support.conformance import conformance_json
from tests.support.qr_screen import decode_screen
from tests.support.screen import focused_tile, screen_text, tiles
from tests.support.waiting import settle, until

HALL = Address(street="Westerfilder Straße 54", postcode="44357", town="Dortmund")
SITE = "https://integreat.app/dortmund/de/events"


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BERLIN)


def event(ident: int, title: str, start: datetime, end: datetime, **more: Any) -> Event:
    return Event(
        ident, title, start, end, url=f"{SITE}/{ident}/", place_name="lokal willkommen", address=HALL, **more
    )


# Monday 23 November 2026, 10:30 is "now".
EVENTS = [
    event(1, "Sprachcafé", at(3, 15), at(3, 17), recurrence_rule="RRULE:FREQ=WEEKLY;BYDAY=TU",
          excerpt="Deutsch sprechen bei Kaffee und Kuchen."),
    event(2, "Elternabend Kita", at(23, 18), at(23, 20)),
    event(3, "Nachtcafé", at(27, 22), at(28, 2)),
    event(4, "Flohmarkt", at(29, 0), at(29, 23, 59), all_day=True),
    event(5, "Ausstellung", at(5, 0, month=12), at(7, 23, 59, month=12), all_day=True),
    event(6, "Frühstück", at(23, 8), at(23, 10)),
    event(7, "Offene Beratung", at(23, 10), at(23, 11)),
]  # fmt: skip


def content(events: list[Event]) -> RegionContent:
    languages = [Language("de", "Deutsch"), Language("en", "English")]
    return RegionContent(
        "dortmund", languages, {lang.code: LanguageContent(lang, events=events) for lang in languages}
    )


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = MONDAY_MORNING) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def make(settings: Settings, region: RegionContent, clock: Clock) -> KioskApp:
    return KioskApp(settings, region, clock=clock, monotonic=FakeMonotonic(), cycle_greeting=False)


def titles(app: KioskApp) -> list[str]:
    return [tile.data.title for tile in tiles(app.screen)]


async def open_events(app: KioskApp, pilot: Any) -> EventsScreen:
    app.open(HomeAt())
    await pilot.pause()
    app.open(EventsAt())
    await pilot.pause()
    assert isinstance(app.screen, EventsScreen)
    return app.screen


async def test_filters_today_this_week_and_all_by_key_and_by_touch(settings: Settings) -> None:
    app = make(settings, content(EVENTS), Clock())
    async with app.run_test(size=(120, 40)) as pilot:
        await open_events(app, pilot)
        every = titles(app)
        assert every[:2] == ["Offene Beratung", "Elternabend Kita"], "under way first, then tonight"
        assert "Frühstück" not in every, "this morning's breakfast is over"
        assert every.count("Sprachcafé") == 5, "every Tuesday up to 30 days ahead"
        assert "Ausstellung" in every
        await pilot.press("t")
        await pilot.pause()
        assert titles(app) == ["Offene Beratung", "Elternabend Kita"]
        await pilot.press("w")
        await pilot.pause()
        assert titles(app) == ["Offene Beratung", "Elternabend Kita", "Sprachcafé", "Nachtcafé", "Flohmarkt"]
        await pilot.click("#filter-all")
        await pilot.pause()
        assert titles(app) == every
        await pilot.click("#filter-today")
        await pilot.pause()
        assert titles(app) == ["Offene Beratung", "Elternabend Kita"]
        hints = app.screen.query_one(StatusLine).hint_text
        assert hints.startswith("T ") and " · W " in hints and " · A " in hints, "the letter keys are named"


async def test_each_entry_says_when_and_where_in_the_visitors_language(settings: Settings) -> None:
    app = make(settings, content(EVENTS), Clock())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_events(app, pilot)
        text = screen_text(app)
        assert "Dienstag, 24. November 2026, 15:00–17:00 · lokal willkommen" in text
        assert "Deutsch sprechen bei Kaffee und Kuchen." in text
        assert "Freitag, 27. November 2026, 22:00 – Samstag, 28. November 2026, 02:00" in text
        assert "Sonntag, 29. November 2026 ·" in text, "an all-day event has no clock time"
        assert "Samstag, 5. Dezember 2026 – Montag, 7. Dezember 2026" in text
        await app.change_language("en")
        await screen.relabel()
        assert "Tuesday, November 24, 2026, 3:00\u202fPM–5:00\u202fPM" in screen_text(app)


async def test_past_occurrences_leave_while_the_visitor_keeps_their_place(settings: Settings) -> None:
    clock = Clock()
    app = make(settings, content(EVENTS), clock)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_events(app, pilot)
        await pilot.press("down", "down")  # onto the first Sprachcafé
        on = focused_tile(app)
        assert on is not None and on.data.title == "Sprachcafé"
        clock.now = at(23, 11, 1)
        await screen.refresh_listing()
        await pilot.pause()
        assert "Offene Beratung" not in titles(app)
        on = focused_tile(app)
        assert on is not None and on.data.title == "Sprachcafé"
        assert "24. November" in on.data.subtitle, "still the same date"
        assert on.number == 2, "its number moved up with the list"
        await pilot.press("up")  # onto tonight's parents' evening, then let it end
        on = focused_tile(app)
        assert on is not None and on.data.title == "Elternabend Kita"
        clock.now = at(23, 20, 1)
        await screen.refresh_listing()
        await pilot.pause()
        assert titles(app)[0] == "Sprachcafé"
        on = focused_tile(app)
        assert on is not None and on.number == 1, "focus stays where it was"


async def test_an_unchanged_list_is_left_alone(settings: Settings) -> None:
    clock = Clock()
    app = make(settings, content(EVENTS), clock)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_events(app, pilot)
        before = list(app.screen.query(TileList))
        shown = tiles(app.screen)
        clock.now += timedelta(minutes=5)
        await screen.refresh_listing()
        assert list(app.screen.query(TileList)) == before
        assert tiles(app.screen) == shown


async def test_an_event_shows_everything_and_two_codes_that_scan(settings: Settings) -> None:
    app = make(settings, content(EVENTS), Clock())
    async with app.run_test(size=(120, 40)) as pilot:  # the kiosk's own screen
        await open_events(app, pilot)
        await pilot.press("3")  # Tuesday's Sprachcafé
        await pilot.pause()
        assert isinstance(app.screen, EventScreen)
        text = screen_text(app)
        assert "Dienstag, 24. November 2026, 15:00–17:00" in text
        assert "Westerfilder Straße 54, 44357 Dortmund" in text
        [calendar] = decode_screen(app)
        assert calendar.startswith("BEGIN:VCALENDAR") and "BEGIN:VEVENT" in calendar
        assert "SUMMARY:Sprachcafé" in calendar
        assert "DTSTART:20261124T140000Z" in calendar, "15:00 in Dortmund is 14:00 UTC in November"
        assert "DTEND:20261124T160000Z" in calendar
        assert "LOCATION:lokal willkommen\\, Westerfilder Straße 54" in calendar
        assert "RRULE" not in calendar, "the code adds the date the visitor chose, not the series"
        await pilot.press("c")
        await pilot.pause()
        assert decode_screen(app) == [f"{SITE}/1/"]
        assert "Code 2 von 2 · C nächster Code" in screen_text(app)
        await pilot.click(".deck-hint")  # a touch on the hint shows the next code, as C does
        await pilot.pause()
        assert decode_screen(app) == [calendar]
        await pilot.press("escape")
        assert isinstance(app.screen, EventsScreen)


async def test_on_a_large_screen_the_calendar_code_is_the_complete_event(settings: Settings) -> None:
    app = make(settings, content(EVENTS), Clock())
    async with app.run_test(size=(220, 80)) as pilot:
        await open_events(app, pilot)
        await pilot.press("3")
        await pilot.pause()
        [calendar] = decode_screen(app)
        assert "DTSTART;TZID=Europe/Berlin:20261124T150000" in calendar
        assert "UID:event-1-20261124T150000@" in calendar
        assert "DESCRIPTION:Deutsch sprechen bei Kaffee und Kuchen." in calendar


async def test_a_long_event_still_gets_a_calendar_code(settings: Settings) -> None:
    long = event(9, "Info " * 29 + "Ende", at(24, 18), at(24, 19), excerpt="Sehr " * 300)
    app = make(settings, content([long]), Clock())
    async with app.run_test(size=(120, 40)) as pilot:
        await open_events(app, pilot)
        await pilot.press("1")
        await pilot.pause()
        [calendar] = decode_screen(app)
        assert calendar.startswith("BEGIN:VCALENDAR") and "SUMMARY:Info Info" in calendar


async def test_outside_text_is_never_markup(settings: Settings) -> None:
    sly = event(
        8, "[bold red]Party[/]", at(24, 18), at(24, 19), excerpt="[link=https://evil.example]x[/link]"
    )
    app = make(settings, content([sly]), Clock())
    async with app.run_test(size=(120, 40)) as pilot:
        await open_events(app, pilot)
        assert titles(app) == ["[bold red]Party[/]"]
        assert "[link=https://evil.example]x[/link]" in screen_text(app)


async def test_no_events_in_the_bundled_snapshot_says_so(make_app: Any) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.change_language("en")
        await open_events(app, pilot)
        assert "No events are planned in the next 30 days." in screen_text(app)
        assert not titles(app)
        await pilot.press("t")
        await pilot.pause()
        assert "No events today." in screen_text(app)
        assert not titles(app)


async def test_conformance_events_each_date_once(settings: Settings) -> None:
    files = {code: conformance_json(f"augsburg_{code}_events.json") for code in ("de", "en")}
    languages = {lang.code: lang for lang in parse_languages(conformance_json("augsburg_languages.json"))}
    region = RegionContent(
        "augsburg",
        list(languages.values()),
        {code: LanguageContent(languages[code], events=parse_events(raw)) for code, raw in files.items()},
        source="api",
    )
    app = make(settings, region, Clock(datetime(2030, 1, 1, 10, tzinfo=BERLIN)))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_events(app, pilot)
        listed = [(t.data.title, t.data.subtitle.split(",")[1].strip()) for t in tiles(app.screen)]
        assert [t for t, _ in listed].count("Test-Veranstaltung mit neuem Titel") == 5
        assert len(set(listed)) == len(listed), "the uncombined API repeats the series; each date shows once"
        assert {"Einmalige Veranstaltung", "Dauerveranstaltung"} <= {t for t, _ in listed}


async def test_the_list_looks_at_the_clock_by_itself(settings: Settings, monkeypatch: Any) -> None:
    """The refresh runs on its own timer (started from the app's loop, see KioskScreen)."""
    monkeypatch.setattr(events_screen, "REFRESH_S", 0.05)
    clock = Clock()
    app = make(settings, content(EVENTS), clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_events(app, pilot)
        assert "Offene Beratung" in titles(app)
        clock.now = at(23, 11, 1)  # it ended a minute ago
        await until(
            lambda: "Offene Beratung" not in titles(app), "the ended event left the list", pilot=pilot
        )


async def test_a_closed_list_and_its_tiles_are_freed_at_once(settings: Settings, monkeypatch: Any) -> None:
    """Nothing holds a closed events list until its refresh timer would have woken (here an hour)."""
    monkeypatch.setattr(events_screen, "REFRESH_S", 3600.0)
    app = make(settings, content(EVENTS), Clock())
    async with app.run_test(size=(120, 40)) as pilot:
        await open_events(app, pilot)
        await pilot.press("escape")
        await settle(pilot, app)
        assert not isinstance(app.screen, EventsScreen)

        def freed() -> bool:
            gc.collect()
            return not any(isinstance(obj, EventsScreen) for obj in gc.get_objects())

        await until(freed, "the closed events list was freed", pilot=pilot, timeout=30)
