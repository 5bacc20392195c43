"""The codes an item offers to take home, and its slip: built from the app's content for one screen."""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING

from kiosk.content.library import Library, Shown
from kiosk.content.models import Page, Place
from kiosk.content.recurrence import Occurrence
from kiosk.i18n import _
from kiosk.printing.compose import build_slip
from kiosk.printing.slip import Slip, slip_modules
from kiosk.qr import address_card, geo_link, mailto_link, tel_link
from kiosk.takehome import (
    Essentials,
    TakeHomeCode,
    event_essentials,
    page_essentials,
    place_essentials,
    take_home,
)
from kiosk.ui.widgets.takehome import Offer

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp


def office(app: KioskApp) -> Place | None:
    shown = app.library.office(app.settings.display.office_place_id)
    return shown.item if shown else None


def _german(app: KioskApp) -> Library:
    return app.german_library


def item_offer(
    app: KioskApp, link: str, essentials: Essentials, german: Essentials | None, caption: str
) -> Offer:
    """The item's take-home code (link, text or phone, chosen for the room) and its slip."""
    place = office(app)
    phone = place.phone if place else ""
    policy = app.link_policy

    def pick(panel: int, screen: int) -> TakeHomeCode | None:
        return take_home(link, essentials, phone, policy, panel_modules=panel, screen_modules=screen)

    def slip() -> Slip | None:
        room = slip_modules(app.settings.printer.width_dots)
        code = pick(room, room)
        if code is None:
            return None
        return build_slip(essentials, german, place, code.data, code.kind, app.clock().date())

    return Offer(caption, "takehome", pick=pick, slip=slip)


def page_offers(app: KioskApp, shown: Shown[Page]) -> list[Offer]:
    """A topic page: its take-home code."""
    page = shown.item
    german_shown = _german(app).page(("de", page.id)) if shown.language != "de" else shown
    translation = page.available_languages.get("de")
    if shown.language != "de" and translation is not None:
        german_shown = _german(app).page(("de", translation.id))
    german = page_essentials(german_shown.item, "de") if german_shown else None
    return [item_offer(app, page.url, page_essentials(page, shown.language), german, page.title)]


def place_offers(app: KioskApp, shown: Shown[Place]) -> list[Offer]:
    """A place: its take-home code first, then its phone numbers, e-mail, website, address card and map."""
    place = shown.item
    german_place = next((s.item for s in _german(app).places() if s.item.id == place.id), None)
    german = place_essentials(german_place, "de") if german_place else None
    offers = [item_offer(app, place.url, place_essentials(place, shown.language), german, place.name)]
    for phone in dict.fromkeys(p for p in (place.phone, *(c.phone for c in place.contacts)) if p):
        if tel := tel_link(phone):
            offers.append(Offer(_("Phone: {number}").format(number=phone), "phone", tel))
    for email in dict.fromkeys(e for e in (place.email, *(c.email for c in place.contacts)) if e):
        if mail := mailto_link(email):
            offers.append(Offer(_("E-mail: {address}").format(address=email), "email", mail))
    for website in dict.fromkeys(w for w in (place.website, *(c.website for c in place.contacts)) if w):
        offers.append(Offer(_("Website"), "page", website))
    for booking in dict.fromkeys(
        b for b in (place.appointment_url, *(c.appointment_url for c in place.contacts)) if b
    ):
        offers.append(Offer(_("Book online"), "booking", booking))
    address = place.address
    card = address_card(place.name, address.street, address.postcode, address.town)
    if card is not None:
        offers.append(Offer(address.one_line(), "address", card, payload=True))
    if address.latitude is not None and address.longitude is not None:
        with suppress(ValueError):
            offers.append(Offer(_("Map"), "geo", geo_link(address.latitude, address.longitude)))
    return offers


def event_offers(app: KioskApp, occurrence: Occurrence, calendar: str, meeting: str = "") -> list[Offer]:
    """An event: the calendar entry (where it fits), an online event's meeting link, and its take-home
    code (its page, else its text)."""
    event = occurrence.event
    language = app.language
    german_event = next((s.item for s in _german(app).events() if s.item.id == event.id), None)
    german = event_essentials(german_event, occurrence.start, occurrence.end, "de") if german_event else None
    essentials = event_essentials(event, occurrence.start, occurrence.end, language)
    return [
        Offer(_("Add to your calendar"), "vevent", calendar, payload=True),
        *([Offer(_("Meeting link"), "meeting", meeting)] if meeting else []),
        item_offer(app, event.url, essentials, german, event.title),
    ]


def hours_offers(app: KioskApp, place: Place) -> list[Offer]:
    """Office hours: the place's take-home code (its address, phone and week as text)."""
    german_place = next((s.item for s in _german(app).places() if s.item.id == place.id), None)
    german = place_essentials(german_place, "de") if german_place else None
    return [item_offer(app, place.url, place_essentials(place, app.language), german, place.name)]
