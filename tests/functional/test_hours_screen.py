"""The hours and appointments screen, driven with Pilot: the week, open now, booking codes, free slots."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time
from typing import Any

import pytest
from textual.widgets import Input

from kiosk.clock import BERLIN
from kiosk.config import Settings, SlotSettings
from kiosk.content.models import (
    Address,
    DayHours,
    Language,
    LanguageContent,
    OpeningHours,
    Place,
    RegionContent,
    TimeSlot,
)
from kiosk.sources.integreat.schema import parse_languages, parse_places
from kiosk.sources.snapshot import load_snapshot
from kiosk.ui.app import KioskApp
from kiosk.ui.destinations import HomeAt, HoursAt
from kiosk.ui.screens.home import HomeScreen
from kiosk.ui.screens.hours import HoursScreen
from kiosk.ui.widgets.free_appointments import FreeAppointments
from kiosk.ui.widgets.text import Prose
from tests.conftest import MONDAY_MORNING, FakeMonotonic
from tests.support.conformance import conformance_json
from tests.support.qr_screen import decode_screen
from tests.support.screen import screen_text, tiles
from tests.support.zms_server import ZmsServer

SERVICE, OFFICE = 1063424, 10470
BOOKING = "https://termine.dortmund.de/#/services/{service_id}/locations/{office_id}"


def day(weekday: int, *slots: tuple[int, int], **flags: bool) -> DayHours:
    closed = flags.pop("closed", not slots and not flags.get("all_day") and not flags.get("appointment_only"))
    return DayHours(
        weekday, closed=closed, slots=tuple(TimeSlot(time(a), time(b)) for a, b in slots), **flags
    )


# Monday morning hours, Tuesday by appointment only, Wednesday in the afternoon by appointment,
# Thursday all day, Friday into the night, closed at the weekend.
COUNSELLING = Place(
    20,
    "Migrationsberatung",
    address=Address("Bahnhofstraße 1", "44357", "Dortmund"),
    opening_hours=OpeningHours(
        (
            day(0, (9, 12)),
            day(1, appointment_only=True),
            day(2, (14, 17), appointment_only=True),
            day(3, all_day=True),
            day(4, (20, 2)),
            day(5),
            day(6),
        )
    ),
    appointment_url="https://integreat.app/dortmund/de/termine/",
    phone="0231 123 45 67",
    email="beratung@dortmund.de",
)
CLOSED_CAFE = Place(
    21, "Café International", opening_hours=COUNSELLING.opening_hours, temporarily_closed=True
)


def region(places: list[Place]) -> RegionContent:
    languages = [Language("de", "Deutsch"), Language("en", "English")]
    return RegionContent(
        "dortmund", languages, {lang.code: LanguageContent(lang, places=places) for lang in languages}
    )


def make(settings: Settings, content: RegionContent, now: datetime = MONDAY_MORNING) -> KioskApp:
    return KioskApp(settings, content, clock=lambda: now, monotonic=FakeMonotonic(), cycle_greeting=False)


async def open_hours(
    app: KioskApp, pilot: Any, place_id: int | None = None, language: str = "en"
) -> HoursScreen:
    await app.change_language(language)
    app.open(HomeAt())
    await pilot.pause()
    app.open(HoursAt(place_id))
    await pilot.pause()
    assert isinstance(app.screen, HoursScreen)
    return app.screen


async def test_the_office_week_with_today_marked_and_open_now(make_app: Any) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_hours(app, pilot)
        text = screen_text(app)
        assert "Open now until 12:00\u202fPM" in text
        assert "▶ Monday: 9:00\u202fAM–12:00\u202fPM  (today)" in text
        assert "Wednesday: closed" in text and "Sunday: closed" in text
        assert text.count("(today)") == 1
        assert not app.screen.query(Input), "nothing personal is ever typed in"


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 11, 23, 12, 30, tzinfo=BERLIN), "Closed now · opens tomorrow at 1:00\u202fPM"),
        (datetime(2026, 11, 24, 20, 0, tzinfo=BERLIN), "Closed now · opens Thursday at 2:00\u202fPM"),
        (datetime(2026, 11, 26, 8, 59, tzinfo=BERLIN), "Closed now · opens today at 2:00\u202fPM"),
    ],
)
async def test_closed_says_when_it_opens_next(settings: Settings, now: datetime, expected: str) -> None:
    app = make(settings, load_snapshot(), now)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_hours(app, pilot)
        assert expected in screen_text(app)


async def test_phone_email_and_booking_page_are_codes_one_at_a_time(settings: Settings) -> None:
    app = make(settings, region([COUNSELLING]))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_hours(app, pilot)
        [text] = decode_screen(app)  # first the place to take home: its address and week as text
        assert text.startswith("Migrationsberatung\nBahnhofstraße 1, 44357 Dortmund\n")
        assert text.endswith("\n☎ 0231 123 45 67") and text.count("123 45 67") == 1
        await pilot.press("c")
        await pilot.pause()
        assert decode_screen(app) == ["tel:02311234567"]
        await pilot.press("c")
        await pilot.pause()
        assert decode_screen(app) == ["mailto:beratung@dortmund.de"]
        await pilot.click("#booking-2")
        await pilot.pause()
        assert decode_screen(app) == ["https://integreat.app/dortmund/de/termine/"]
        await pilot.press("c")
        await pilot.pause()
        assert decode_screen(app) == [text], "the codes go round"


async def test_open_now_turns_to_closed_while_the_visitor_reads(settings: Settings) -> None:
    clock = {"now": datetime(2026, 11, 23, 11, 59, tzinfo=BERLIN)}
    app = KioskApp(
        settings, load_snapshot(), clock=lambda: clock["now"], monotonic=FakeMonotonic(), cycle_greeting=False
    )
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_hours(app, pilot)
        assert "Open now until 12:00\u202fPM" in screen_text(app)
        await screen.refresh_status()
        clock["now"] = datetime(2026, 11, 23, 12, 1, tzinfo=BERLIN)
        await screen.refresh_status()
        await pilot.pause()
        assert "Closed now · opens tomorrow at 1:00\u202fPM" in screen_text(app)


async def test_appointment_only_all_day_and_overnight_days_are_told(settings: Settings) -> None:
    app = make(settings, region([COUNSELLING]))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_hours(app, pilot)
        text = screen_text(app)
        assert "Tuesday: by appointment only" in text
        assert "Wednesday: 2:00\u202fPM–5:00\u202fPM (by appointment)" in text
        assert "Thursday: open all day" in text
        assert "Friday: 8:00\u202fPM–2:00\u202fAM" in text
        assert "Saturday: closed" in text
        assert "please make an appointment first" in text


async def test_open_across_midnight_says_until_when(settings: Settings) -> None:
    saturday_night = datetime(2026, 11, 28, 1, 0, tzinfo=BERLIN)
    app = make(settings, region([COUNSELLING]), saturday_night)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_hours(app, pilot)
        assert "Open now until 2:00\u202fAM" in screen_text(app)


async def test_a_temporarily_closed_place_says_so_above_its_usual_week(settings: Settings) -> None:
    app = make(settings, region([COUNSELLING, CLOSED_CAFE]))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_hours(app, pilot, place_id=CLOSED_CAFE.id)
        text = screen_text(app)
        assert "temporarily closed" in text and "Temporarily closed" in text
        assert "Monday: 9:00\u202fAM–12:00\u202fPM" in text
        assert "Please ask at the office how to make an appointment." in text
        [code] = decode_screen(app)  # no way to book, but its week to take home, and whom to call
        assert code.startswith("Café International\nTemporarily closed\nMonday: 9:00 AM–12:00 PM")
        assert code.endswith("☎ 0231 123 45 67")


async def test_the_office_leads_to_every_other_place_with_hours(settings: Settings) -> None:
    app = make(settings, region([COUNSELLING, CLOSED_CAFE]))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_hours(app, pilot)
        assert [t.data.title for t in tiles(screen)] == ["Café International"]
        assert tiles(screen)[0].data.subtitle == "Temporarily closed"
        assert "Migrationsberatung" in screen_text(app) and "Monday" in screen_text(app)
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, HoursScreen) and app.screen.place_id == CLOSED_CAFE.id
        await pilot.press("escape")
        assert app.screen is screen


async def show_every_place(app: KioskApp, pilot: Any, content: RegionContent, languages: list[str]) -> None:
    """Open the hours of every place of ``content`` in each language, one after the other."""
    app.open(HomeAt())
    for language in languages:
        await app.change_language(language)
        for place in content.by_language[language].places:
            app.open(HoursAt(place.id))
            await pilot.pause()
            assert_hours_shown(app, place)
            app.pop_screen()


async def test_hours_for_every_place_in_the_bundled_snapshot(settings: Settings) -> None:
    content = load_snapshot()
    app = make(settings, content)
    async with app.run_test(size=(120, 40)) as pilot:
        await show_every_place(app, pilot, content, ["de", "ar"])


def conformance_region() -> RegionContent:
    """The places of the conformance files (the test skips when shared/ is not beside the repository)."""
    read = conformance_json
    languages = {lang.code: lang for lang in parse_languages(read("augsburg_languages.json"))}
    places = {code: parse_places(read(f"augsburg_{code}_locations.json")) for code in ("de", "en", "ar")}
    places["de"] += parse_places(read("nurnberg_de_locations.json"))
    return RegionContent(
        "augsburg",
        [languages[code] for code in places],
        {code: LanguageContent(languages[code], places=found) for code, found in places.items()},
        source="api",
    )


async def test_hours_for_every_place_in_the_conformance_data(settings: Settings) -> None:
    content = conformance_region()
    app = make(settings, content, datetime(2030, 1, 7, 11, 0, tzinfo=BERLIN))
    async with app.run_test(size=(120, 40)) as pilot:
        await show_every_place(app, pilot, content, ["de", "en", "ar"])
        await open_hours(app, pilot, None, "en")
        assert "Open now until 1:00\u202fPM" in screen_text(app), "Monday 10–13 and 15–18 in Augsburg"


def assert_hours_shown(app: KioskApp, place: Place) -> None:
    assert isinstance(app.screen, HoursScreen)
    days = [p for p in app.screen.query(Prose) if "day" in p.classes]
    text = screen_text(app)
    assert place.name in text
    if place.opening_hours is None:
        assert not days
        return
    assert len(days) == 7
    assert len([p for p in days if "today" in p.classes]) == 1
    assert app.screen.query(".open-status")


# -- free appointments ----------------------------------------------------------------------------------
@pytest.fixture
def zms() -> Iterator[ZmsServer]:
    free = {(SERVICE, OFFICE): [datetime(2026, 11, 24, 10, 30, tzinfo=BERLIN)]}
    with ZmsServer(free, {SERVICE: "Anmeldung einer Wohnung"}) as server:
        yield server


def with_slots(settings: Settings, url: str, **more: Any) -> Settings:
    slots = SlotSettings(base_url=url, office_id=OFFICE, service_ids=[SERVICE], booking_url=BOOKING, **more)
    return settings.model_copy(update={"slots": slots})


async def wait_for_slots(app: KioskApp, pilot: Any) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_next_free_appointment_per_service_with_its_booking_code(
    settings: Settings, zms: ZmsServer
) -> None:
    app = make(with_slots(settings, zms.url), load_snapshot())
    async with app.run_test(size=(120, 40)) as pilot:
        await open_hours(app, pilot)
        await wait_for_slots(app, pilot)
        text = screen_text(app)
        assert "Anmeldung einer Wohnung" in text
        assert "Next free appointment: Tuesday, November 24, 2026, 10:30\u202fAM" in text
        assert "Open now until 12:00\u202fPM" in text, "the hours stay on the screen"
        await pilot.click(f"#slot-book-{SERVICE}")
        await pilot.pause()
        assert decode_screen(app) == [f"https://termine.dortmund.de/#/services/{SERVICE}/locations/{OFFICE}"]


@pytest.mark.parametrize("fault", ["errors_500", "500", "malformed", "timeout"])
async def test_when_slots_cannot_be_had_the_screen_says_so_and_works(
    settings: Settings, zms: ZmsServer, fault: str
) -> None:
    zms.fail(fault, "available-days-by-office")  # type: ignore[arg-type]
    app = make(with_slots(settings, zms.url, timeout_s=0.5), load_snapshot())
    async with app.run_test(size=(120, 40)) as pilot:
        await open_hours(app, pilot)
        await wait_for_slots(app, pilot)
        text = screen_text(app)
        assert "Free appointments cannot be shown right now." in text
        assert "Open now until 12:00\u202fPM" in text
        [takehome] = decode_screen(app)
        assert takehome.startswith("lokal willkommen Westerfilde\n")
        await pilot.press("c")
        await pilot.pause()
        assert decode_screen(app) == ["tel:02315011148"]
        await pilot.press("c")
        await pilot.pause()
        assert decode_screen(app) == ["mailto:lokalwillkommen.mh@stadtdo.de"]


async def test_leaving_while_slots_are_asked_for_is_calm(settings: Settings, zms: ZmsServer) -> None:
    zms.fail("timeout")
    app = make(with_slots(settings, zms.url, timeout_s=5), load_snapshot())
    async with app.run_test(size=(120, 40)) as pilot:
        await open_hours(app, pilot)
        assert "Looking for free appointments…" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await app.workers.wait_for_complete()


async def test_without_a_slot_source_only_hours_and_the_booking_hand_off(settings: Settings) -> None:
    app = make(settings, load_snapshot())
    async with app.run_test(size=(120, 40)) as pilot:
        await open_hours(app, pilot)
        assert not app.screen.query(FreeAppointments)
        [takehome] = decode_screen(app)
        assert takehome.startswith("lokal willkommen Westerfilde\nWesterfilder Straße 54, 44357 Dortmund\n")
        await pilot.press("c")
        await pilot.pause()
        assert decode_screen(app) == ["tel:02315011148"]
