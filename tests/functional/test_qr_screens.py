"""Every QR code on the visitor's screens scans back to exactly its text, at 80×24, 120×40 and 200×60, in
both themes; a code too large for the terminal is never drawn cropped, the visitor reads the link instead.

The bundled snapshot carries no page links, so the content here gives every page its public link on
integreat.app (as the city's CMS does), the Westerfilde office its coordinates, and adds one event.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from datetime import datetime
from typing import Any

import pytest
from textual.containers import ScrollableContainer

from kiosk.clock import BERLIN
from kiosk.config import Settings
from kiosk.content.models import Event, RegionContent
from kiosk.qr import address_card, rows_needed
from kiosk.sources.snapshot import load_snapshot
from kiosk.ui.app import KioskApp
from kiosk.ui.destinations import LinkAt
from kiosk.ui.screens.event import EventScreen
from kiosk.ui.screens.hours import HoursScreen
from kiosk.ui.screens.link import CodeScreen, LinkScreen
from kiosk.ui.screens.page import PageScreen
from kiosk.ui.screens.place import PlaceScreen
from kiosk.ui.widgets.qr_code import QRCode
from tests.conftest import MONDAY_MORNING, FakeMonotonic
from tests.support.qr_screen import decode_screen, decode_text_rows, screen_lines

SIZES = [(80, 24), (120, 40), (200, 60)]
THEMES = ["contrast-dark", "contrast-light"]
SMALL = (80, 24)

SITE = "https://integreat.app"
SCHOOL = f"{SITE}/dortmund/en/school/"  # 41 characters: 37 modules, fits the 20 rows of an 80×24 body
SCHOOL_SYSTEM = f"{SITE}/dortmund/en/school/the-school-system-in-nrw/"  # 66: 45 modules, 23 rows
OFFICE_HOURS = f"{SITE}/dortmund/en/lokal-willkommen-westerfilde/opening-hours-and-contact/"  # 89: 25 rows
EVENT_PAGE = f"{SITE}/dortmund/en/events/sprachcafe/"
GEO = "geo:51.5468,7.3912"
TEL = "tel:+492315011148"  # as the office's page links it
OFFICE_TEL = "tel:02315011148"  # from the place's "0231 50 11 148"
MAILTO = "mailto:lokalwillkommen.mh@stadtdo.de"
WEBSITE = "https://www.diakoniedortmund.de/unser-angebot/migration-und-integration/lokal-willkommen"
CARD = address_card("lokal willkommen Westerfilde", "Westerfilder Straße 54", "44357", "Dortmund")
ENLARGE = "Touch here or press 0 to show the QR code."
LARGER_WINDOW = "Make the window larger to show the QR code."
SPRACHCAFE = Event(
    1,
    "Sprachcafé",
    datetime(2026, 11, 24, 15, 0, tzinfo=BERLIN),
    datetime(2026, 11, 24, 17, 0, tzinfo=BERLIN),
    url=EVENT_PAGE,
    place_name="lokal willkommen Westerfilde",
)


def linked_content() -> RegionContent:
    """The snapshot with every page's public link, the office's coordinates and one event."""
    snapshot = load_snapshot()
    by_language = {}
    for code, content in snapshot.by_language.items():
        pages = [dataclasses.replace(page, url=SITE + page.path) for page in content.pages]
        places = [
            dataclasses.replace(
                place, address=dataclasses.replace(place.address, latitude=51.5468, longitude=7.3912)
            )
            if place.id == 1
            else place
            for place in content.places
        ]
        by_language[code] = dataclasses.replace(content, pages=pages, places=places, events=[SPRACHCAFE])
    return dataclasses.replace(snapshot, by_language=by_language)


def kiosk(settings: Settings, theme: str) -> KioskApp:
    display = settings.display.model_copy(update={"theme": theme})
    return KioskApp(
        settings.model_copy(update={"display": display}),
        linked_content(),
        clock=lambda: MONDAY_MORNING,
        monotonic=FakeMonotonic(),
        cycle_greeting=False,
    )


async def go(pilot: Any, *keys: str) -> None:
    """From the welcome screen, in English, through the numbered choices ``keys``."""
    for key in ("x", "2", *keys):
        before = pilot.app.screen
        await pilot.press(key)
        # Until the chosen screen is up and has focus to take the next key; a loaded machine may need
        # a while, so wait in small steps for up to about five seconds.
        for wait in range(200):
            await pilot.pause(0.025 if wait > 5 else None)
            if pilot.app.screen is not before and pilot.app.screen.is_mounted and pilot.app.focused:
                break


def squeezed(lines: list[str]) -> str:
    return "".join("".join(lines).split())


def text_of(app: KioskApp, code: QRCode) -> str:
    """What the visitor reads where ``code`` is (its cells only, not the text beside it), spaces removed."""
    region = code.region
    lines = screen_lines(app)[region.y : region.bottom]
    return squeezed([line[region.x : region.right] for line in lines])


def shown_codes(app: KioskApp) -> list[QRCode]:
    """The codes on the current screen that are not hidden (a deck shows one at a time)."""
    return [code for code in app.screen.query(QRCode) if code.display and code.parent and code.parent.display]


async def scan_one_by_one(app: KioskApp, pilot: Any) -> dict[str, bool]:
    """Bring each code into view in turn: whether it scans alone, as exactly its own text, by its text."""
    results: dict[str, bool] = {}
    for code in shown_codes(app):
        code.scroll_visible(animate=False, immediate=True)
        await pilot.pause()
        decoded = decode_screen(app)
        if code.scale:
            assert decoded == [code.data], f"the code in view reads as {decoded}"
            for panel in code.ancestors_with_self:
                if isinstance(panel, ScrollableContainer):
                    assert panel.scrollable_content_region.contains_region(code.region), "never cropped"
            width, height = code.content_size
            size = code.matrix_size
            assert size * (code.scale + 1) > width or rows_needed(size, code.scale + 1) > height, (
                "the code is drawn at the largest scale that fits"
            )
        else:
            assert decoded == [], "a code that does not fit is never drawn"
            assert not set("▀▄█") & set("".join(screen_lines(app))), "not even a cropped part of it"
        results[code.data] = bool(decoded)
    return results


# -- topic pages ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40", "200x60"])
async def test_a_topic_page_code_scans_beside_its_text(
    settings: Settings, size: tuple[int, int], theme: str
) -> None:
    app = kiosk(settings, theme)
    async with app.run_test(size=size) as pilot:
        await go(pilot, "1", "2", "1")  # Help topics, School, its own page listed first
        assert isinstance(app.screen, PageScreen)
        assert await scan_one_by_one(app, pilot) == {SCHOOL: True}
        text = "".join(screen_lines(app))
        assert "School is compulsory" in text, "the page's text is beside the code"


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40", "200x60"])
async def test_a_longer_page_link_scans_beside_the_text_or_on_its_own_step(
    settings: Settings, size: tuple[int, int], theme: str
) -> None:
    app = kiosk(settings, theme)
    async with app.run_test(size=size) as pilot:
        await go(pilot, "1", "2", "2")  # The school system in NRW
        assert isinstance(app.screen, PageScreen)
        if size == SMALL:
            # 45 modules need 23 rows; beside the text there are 20: the link and the way to a larger code.
            assert await scan_one_by_one(app, pilot) == {SCHOOL_SYSTEM: False}
            assert text_of(app, app.screen.query_one(QRCode)) == squeezed([SCHOOL_SYSTEM, ENLARGE])
            await pilot.press("0")
            await pilot.pause()
            assert isinstance(app.screen, CodeScreen)
            assert decode_screen(app) == [SCHOOL_SYSTEM]
            await pilot.press("escape")  # any key leads back
            await pilot.pause()
            assert isinstance(app.screen, PageScreen)
        else:
            assert decode_screen(app) == [SCHOOL_SYSTEM]


@pytest.mark.parametrize("theme", THEMES)
async def test_touching_a_code_shows_it_on_its_own_and_a_touch_leads_back(
    settings: Settings, theme: str
) -> None:
    app = kiosk(settings, theme)
    async with app.run_test(size=SMALL) as pilot:
        await go(pilot, "1", "2", "2")
        await pilot.click(QRCode)
        await pilot.pause()
        assert isinstance(app.screen, CodeScreen)
        assert decode_screen(app) == [SCHOOL_SYSTEM]
        assert "Take this page with you" in "".join(screen_lines(app)), "the caption below the code"
        await pilot.click(QRCode)
        await pilot.pause()
        assert isinstance(app.screen, PageScreen)


async def test_a_new_language_chosen_over_a_code_on_its_own_leads_back_to_the_page_in_it(
    settings: Settings,
) -> None:
    app = kiosk(settings, "contrast-dark")
    async with app.run_test(size=SMALL) as pilot:
        await go(pilot, "1", "2", "2")
        await pilot.press("0")
        await pilot.pause()
        assert isinstance(app.screen, CodeScreen)
        await pilot.press("f2", "1")  # Deutsch
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, PageScreen) and app.language == "de"
        assert "Zurück" in "".join(screen_lines(app)), "the page beneath re-rendered in German"


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40", "200x60"])
async def test_a_link_too_long_for_the_terminal_is_shown_as_text_never_cropped(
    settings: Settings, size: tuple[int, int], theme: str
) -> None:
    app = kiosk(settings, theme)
    async with app.run_test(size=size) as pilot:
        await go(pilot, "1", "1", "3")  # lokal willkommen Westerfilde (its own page first), Opening hours
        assert isinstance(app.screen, PageScreen)
        scans = size != SMALL  # 49 modules need 25 rows: more than an 80×24 terminal has at all
        assert await scan_one_by_one(app, pilot) == {OFFICE_HOURS: scans}
        if not scans:
            assert text_of(app, app.screen.query_one(QRCode)) == squeezed([OFFICE_HOURS, ENLARGE])
            await pilot.press("0")
            await pilot.pause()
            assert isinstance(app.screen, CodeScreen)
            assert decode_screen(app) == []
            assert text_of(app, app.screen.query_one(QRCode)) == squeezed([OFFICE_HOURS, LARGER_WINDOW])
            assert not set("▀▄█") & set("".join(screen_lines(app)))


# -- links from a page --------------------------------------------------------------------------------
@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40", "200x60"])
async def test_phone_and_e_mail_links_on_a_page_scan(
    settings: Settings, size: tuple[int, int], theme: str
) -> None:
    app = kiosk(settings, theme)
    async with app.run_test(size=size) as pilot:
        await go(pilot, "1", "1", "3")
        decoded: dict[str, bool] = {}
        for key in ("1", "3"):  # the office's first phone number, its e-mail address
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, LinkScreen)
            decoded |= await scan_one_by_one(app, pilot)
            await pilot.press("escape")
            await pilot.pause()
        assert decoded == {TEL: True, MAILTO: True}


async def test_a_refused_link_gets_no_code_and_says_so(settings: Settings) -> None:
    app = kiosk(settings, "contrast-dark")
    async with app.run_test(size=SMALL) as pilot:
        await go(pilot)
        app.open(LinkAt("http://example.com/login", "Login"))
        await pilot.pause()
        assert shown_codes(app) == [] and decode_screen(app) == []
        screen = squeezed(screen_lines(app))
        assert (
            squeezed(["http://example.com/login", "This link cannot be shown as a QR code here."]) in screen
        )


# -- places -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40", "200x60"])
async def test_a_place_offers_map_address_phone_e_mail_and_website(
    settings: Settings, size: tuple[int, int], theme: str
) -> None:
    app = kiosk(settings, theme)
    async with app.run_test(size=size) as pilot:
        await go(pilot, "4", "1")
        assert isinstance(app.screen, PlaceScreen)
        decoded = await scan_one_by_one(app, pilot)
        assert set(decoded) == {GEO, CARD, OFFICE_TEL, MAILTO, WEBSITE}, "one code each, the same number once"
        # At 80×24 the address card (57 modules) and the website (49) need more rows than there are.
        too_large = {CARD, WEBSITE} if size == SMALL else set()
        assert {text for text, scanned in decoded.items() if not scanned} == too_large


async def test_in_a_right_to_left_language_every_place_code_scans_too(settings: Settings) -> None:
    app = kiosk(settings, "contrast-dark")
    async with app.run_test(size=(120, 40)) as pilot:
        for key in ("x", "4", "4", "1"):  # Arabic, the offices, Westerfilde
            await pilot.press(key)
            await pilot.pause()
        assert isinstance(app.screen, PlaceScreen) and app.language == "ar"
        assert await scan_one_by_one(app, pilot) == dict.fromkeys(
            [GEO, CARD, OFFICE_TEL, MAILTO, WEBSITE], True
        )


async def test_a_place_code_that_does_not_fit_names_what_it_holds(settings: Settings) -> None:
    app = kiosk(settings, "contrast-light")
    async with app.run_test(size=SMALL) as pilot:
        await go(pilot, "4", "1")
        [card] = [code for code in shown_codes(app) if code.data == CARD]
        card.scroll_visible(animate=False, immediate=True)
        await pilot.pause()
        shown = text_of(app, card)
        assert shown == squeezed(["Westerfilder Straße 54, 44357 Dortmund", ENLARGE])
        assert "BEGIN:VCARD" not in squeezed(screen_lines(app)), "the address, not the card's code text"


# -- office hours and events (their screens show one code at a time; C shows the next) ----------------
@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40", "200x60"])
async def test_office_hours_phone_and_e_mail_codes_scan(
    settings: Settings, size: tuple[int, int], theme: str
) -> None:
    app = kiosk(settings, theme)
    async with app.run_test(size=size) as pilot:
        await go(pilot, "2")
        assert isinstance(app.screen, HoursScreen)
        decoded: dict[str, bool] = {}
        for _step in range(2):
            decoded |= await scan_one_by_one(app, pilot)
            await pilot.press("c")
            await pilot.pause()
        assert decoded == {OFFICE_TEL: True, MAILTO: True}


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40", "200x60"])
async def test_an_event_calendar_entry_and_page_codes_scan(
    settings: Settings, size: tuple[int, int], theme: str
) -> None:
    app = kiosk(settings, theme)
    async with app.run_test(size=size) as pilot:
        await go(pilot, "3", "a", "1")  # Events, all of them, the Sprachcafé
        assert isinstance(app.screen, EventScreen)
        decoded: dict[str, bool] = {}
        for _step in range(2):
            decoded |= await scan_one_by_one(app, pilot)
            await pilot.press("c")
            await pilot.pause()
        [calendar] = [text for text in decoded if text != EVENT_PAGE]
        assert calendar.startswith("BEGIN:VCALENDAR") and "SUMMARY:Sprachcafé" in calendar
        # The shortest calendar text still needs 53 modules, 27 rows: more than an 80×24 terminal has.
        assert decoded == {calendar: size != SMALL, EVENT_PAGE: True}


# -- the staff's test code ------------------------------------------------------------------------------
@pytest.mark.parametrize("text", [SCHOOL_SYSTEM, TEL, "BEGIN:VCARD\nFN:Büro\nEND:VCARD"])
def test_kiosk_qr_prints_a_code_that_scans(text: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "qr", text], capture_output=True, text=True, timeout=60, check=True
    )
    assert decode_text_rows(result.stdout.splitlines()) == [text]
