"""What a visitor sees of the newer CMS fields, driven with Pilot over content read from the real
conformance files: each date of a series once, weekday-only events gone at the weekend, online events
with their meeting link as a code, places with step-free access, who runs them, each desk's hours, a
filter by kind of place, and an office whose free times are online only."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from textual.widgets import Button

from kiosk.clock import BERLIN
from kiosk.config import Settings, SlotSettings
from kiosk.content.models import Language, LanguageContent, Place, RegionContent
from kiosk.sources.integreat.schema import parse_events, parse_place_categories, parse_places
from kiosk.ui.app import KioskApp
from kiosk.ui.destinations import EventsAt, HomeAt, HoursAt, OfficesAt, PlaceAt
from kiosk.ui.screens.event import EventScreen
from kiosk.ui.screens.events import EventsScreen
from kiosk.ui.screens.offices import OfficesScreen
from tests.conftest import FakeMonotonic
from tests.support.conformance import conformance_json
from tests.support.qr_screen import decode_screen
from tests.support.screen import screen_text, tiles
from tests.support.zms_server import ZmsServer

SATURDAY = datetime(2030, 3, 2, 10, 0, tzinfo=BERLIN)
MONDAY = datetime(2030, 3, 4, 10, 0, tzinfo=BERLIN)
MEETING = "https://konferenz.dortmund.de/sprachcafe"  # a host the link policy trusts


def region(events: Any = (), places: list[Place] | None = None, categories: Any = ()) -> RegionContent:
    german = Language("de", "Deutsch")
    content = LanguageContent(german, events=list(events), places=places or [], categories=tuple(categories))
    return RegionContent("augsburg", [german], {"de": content})


def series_and_lasting(meeting: str = MEETING) -> list[Any]:
    """The six id-less records of one series (made an online event), and the long event, weekdays only."""
    records = conformance_json("integreat-more", "augsburg_de_events.64040ad5.json")
    for record in records:
        record["meeting_url"] = meeting
    lasting = next(
        r
        for r in conformance_json("integreat", "augsburg_de_events.json")
        if r["title"] == "Dauerveranstaltung"
    )
    lasting["event"]["only_weekdays"] = True
    return parse_events([*records, lasting])


def make(settings: Settings, content: RegionContent, now: datetime) -> KioskApp:
    return KioskApp(settings, content, clock=lambda: now, monotonic=FakeMonotonic(), cycle_greeting=False)


def titles(app: KioskApp) -> list[str]:
    return [tile.data.title for tile in tiles(app.screen)]


async def open_at(app: KioskApp, pilot: Any, destination: Any) -> None:
    app.open(HomeAt())
    await pilot.pause()
    app.open(destination)
    await pilot.pause()


# -- events -----------------------------------------------------------------------------------------


async def test_a_weekday_only_event_is_not_listed_on_a_saturday(settings: Settings) -> None:
    app = make(settings, region(series_and_lasting()), SATURDAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_at(app, pilot, EventsAt())
        assert isinstance(app.screen, EventsScreen)
        await pilot.press("t")
        await pilot.pause()
        assert "Dauerveranstaltung" not in titles(app)
        await pilot.press("w")  # what is left of this week: Saturday and Sunday
        await pilot.pause()
        assert "Dauerveranstaltung" not in titles(app)
    monday = make(settings, region(series_and_lasting()), MONDAY)
    async with monday.run_test(size=(120, 40)) as pilot:
        await open_at(monday, pilot, EventsAt())
        await pilot.press("t")
        await pilot.pause()
        assert titles(monday) == ["Dauerveranstaltung"]
        text = screen_text(monday)
        assert "Montag, 4. März 2030, 13:00 – Freitag, 8. März 2030, 15:00 · nur montags bis freitags" in text


async def test_each_date_of_a_series_once_and_online_said_in_the_list(settings: Settings) -> None:
    app = make(settings, region(series_and_lasting()), SATURDAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_at(app, pilot, EventsAt())
        listed = [tile for tile in tiles(app.screen) if tile.data.title == "Test-Veranstaltung"]
        # Every other Tuesday and Thursday within 30 days of 2 March 2030: 12, 14, 26, 28 March, once each.
        subtitles = [tile.data.subtitle.splitlines()[0] for tile in listed]
        assert subtitles == [
            "Dienstag, 12. März 2030, 13:00–15:00 · online",
            "Donnerstag, 14. März 2030, 13:00–15:00 · online",
            "Dienstag, 26. März 2030, 13:00–15:00 · online",
            "Donnerstag, 28. März 2030, 13:00–15:00 · online",
        ]


async def test_an_online_event_offers_its_meeting_link_as_a_code(settings: Settings) -> None:
    app = make(settings, region(series_and_lasting()), SATURDAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_at(app, pilot, EventsAt())
        number = titles(app).index("Test-Veranstaltung") + 1
        await pilot.press(str(number))
        await pilot.pause()
        assert isinstance(app.screen, EventScreen)
        assert "Online: Scannen Sie den Code für den Link zum Treffen." in screen_text(app)
        [calendar] = decode_screen(app)
        assert calendar.startswith("BEGIN:VCALENDAR")
        await pilot.press("c")
        await pilot.pause()
        assert decode_screen(app) == [MEETING]
        await pilot.press("c")
        await pilot.pause()
        # The test server's event page (http://localhost) is no link code (the policy wants https), so
        # the event's take-home is its text: title, date and time.
        [text] = decode_screen(app)
        assert text.startswith("Test-Veranstaltung") and "13:00" in text
        await pilot.press("c")
        await pilot.pause()
        assert decode_screen(app) == [calendar]


async def test_a_meeting_link_the_policy_refuses_is_no_code_but_a_word(settings: Settings) -> None:
    app = make(settings, region(series_and_lasting("https://meet.example.net/raum-42")), SATURDAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_at(app, pilot, EventsAt())
        await pilot.press(str(titles(app).index("Test-Veranstaltung") + 1))
        await pilot.pause()
        assert "Online. Bitte fragen Sie im Büro nach dem Link zum Treffen." in screen_text(app)
        seen = set(decode_screen(app))
        for _ in range(3):
            await pilot.press("c")
            await pilot.pause()
            seen.update(decode_screen(app))
        assert not any("meet.example.net" in code for code in seen)


# -- places -----------------------------------------------------------------------------------------


def places() -> tuple[list[Place], Any]:
    office = parse_places(conformance_json("integreat", "augsburg_de_locations.json"))[0]
    raw_advice = conformance_json("integreat", "nurnberg_de_locations.json")[0]
    week = conformance_json("integreat", "augsburg_de_locations.json")[0]["opening_hours"]
    raw_advice["contacts"] = [
        {"name": "Sozialberatung", "area_of_responsibility": "Beratung", "email": "", "phone_number": "",
         "mobile_number": "", "website": "", "opening_hours": week, "appointment_url": None},
    ]  # fmt: skip
    advice = replace(parse_places([raw_advice])[0], name="Beratungsstelle Nord")
    categories = parse_place_categories(conformance_json("integreat", "augsburg_de_location_categories.json"))
    return [office, advice], categories


async def test_places_say_step_free_and_who_runs_them_and_filter_by_kind(settings: Settings) -> None:
    found, categories = places()
    app = make(settings, region(places=found, categories=categories), MONDAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_at(app, pilot, OfficesAt())
        assert isinstance(app.screen, OfficesScreen)
        assert [str(b.label) for b in app.screen.query("#place-kinds Button").results(Button)] == [
            "● Alle", "Beratungsstelle", "Behörde/Amt",
        ]  # fmt: skip
        assert titles(app) == ["Test-Ort", "Beratungsstelle Nord"]
        assert "Barrierefreier Zugang · Träger: Nicht archivierte Organisation" in screen_text(app)
        await pilot.click("#kind-1")
        await pilot.pause()
        assert titles(app) == ["Beratungsstelle Nord"]
        await pilot.click("#kind-2")
        await pilot.pause()
        assert titles(app) == ["Test-Ort"]
        await pilot.click("#kind-0")
        await pilot.pause()
        assert titles(app) == ["Test-Ort", "Beratungsstelle Nord"]


async def test_one_kind_of_place_needs_no_filter(settings: Settings) -> None:
    found, categories = places()
    app = make(settings, region(places=found[:1], categories=categories), MONDAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_at(app, pilot, OfficesAt())
        assert not app.screen.query("#place-kinds")


async def test_a_place_shows_each_desks_own_hours(settings: Settings) -> None:
    found, _ = places()
    app = make(settings, region(places=found), MONDAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_at(app, pilot, PlaceAt(found[1].id))
        text = screen_text(app)
        assert "Öffnungszeiten: Sozialberatung" in text
        assert "Montag: 10:00–13:00, 15:00–18:00" in text
        assert "Barrierefrei" not in text, "nurnberg's place does not say: nothing is claimed"


# -- an office whose free times are online only --------------------------------------------------------

SERVICE, OFFICE = 1063424, 10470
BOOKING = "https://termine.dortmund.de/#/services/{service_id}/locations/{office_id}"


async def test_a_captcha_office_is_online_only_with_the_booking_code_in_view(settings: Settings) -> None:
    office = replace(places()[0][0], phone="0231 50 11148")
    with ZmsServer({(SERVICE, OFFICE): [MONDAY]}, {SERVICE: "Anmeldung"}, {OFFICE: "Bürgerbüro"},
                   release="muc47", captcha_offices=frozenset({OFFICE})) as zms:  # fmt: skip
        slots = SlotSettings(base_url=zms.url, office_id=OFFICE, service_ids=[SERVICE], booking_url=BOOKING)
        configured = settings.model_copy(update={"slots": slots})
        app = make(configured, region(places=[office]), MONDAY)
        async with app.run_test(size=(120, 40)) as pilot:
            await open_at(app, pilot, HoursAt())
            await app.workers.wait_for_complete()
            await pilot.pause()
            text = screen_text(app)
            assert "Termine für dieses Amt gibt es nur online: Bitte nutzen Sie die Buchungsseite." in text
            assert decode_screen(app) == [BOOKING.format(service_id=SERVICE, office_id=OFFICE)]
        assert "available-calendar" not in zms.seen, "no captcha is tried: the kiosk only says so"
