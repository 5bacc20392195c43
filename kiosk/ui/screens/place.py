"""One place in detail: address, hours, contacts; its map position, phone and e-mail as QR codes."""

from __future__ import annotations

from contextlib import suppress

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll

from kiosk.content.hours import status_at, week
from kiosk.content.html import html_to_text
from kiosk.content.library import Shown
from kiosk.content.models import Place
from kiosk.i18n import _
from kiosk.qr import address_card, geo_link, mailto_link, tel_link
from kiosk.speech.readings import PASSAGE, contact_passages, hours_passages
from kiosk.speech.utterance import Utterance
from kiosk.ui import hints
from kiosk.ui.destinations import PlaceAt
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets.feedback import feedback_bar
from kiosk.ui.widgets.handoff import HandOff, enlarge_code, offered
from kiosk.ui.widgets.hours import place_hours
from kiosk.ui.widgets.text import Prose
from kiosk.ui.wording import describe_status, place_facts


class PlaceScreen(KioskScreen):
    """One place: address, hours, contacts; its map position, phone and e-mail as QR codes."""

    BINDINGS = [Binding("0", "enlarge_code", show=False)]

    def __init__(self, to: PlaceAt) -> None:
        super().__init__()
        self.place_id = to.place_id

    def shown_place(self) -> Shown[Place] | None:
        return next((s for s in self.kiosk.library.places() if s.item.id == self.place_id), None)

    def place(self) -> Place | None:
        shown = self.shown_place()
        return shown.item if shown else None

    def title_text(self) -> str:
        place = self.place()
        return place.name if place else ""

    def hints(self) -> list[hints.Hint]:
        return [hints.scroll(), *hints.frame()]

    reads_paged = True

    def title_language(self) -> str:
        shown = self.shown_place()
        return shown.language if shown else self.kiosk.language

    def spoken_passages(self) -> list[Utterance]:
        shown, lang = self.shown_place(), self.kiosk.language
        if shown is None:
            return []
        place, content = shown.item, shown.language
        said = [Utterance.of(place.address.one_line(), content, PASSAGE)] if place.address.one_line() else []
        description = html_to_text(place.description_html) or place.excerpt
        said += [Utterance.of(line, content, PASSAGE) for line in description.splitlines() if line.strip()]
        said += hours_passages(place, self.kiosk.clock(), lang)
        said += [Utterance.of(c.name, content, PASSAGE) for c in place.contacts if c.name]
        phones = dict.fromkeys(p for p in (place.phone, *(c.phone for c in place.contacts)) if p)
        emails = dict.fromkeys(e for e in (place.email, *(c.email for c in place.contacts)) if e)
        return said + contact_passages(phones, emails, lang)

    def on_mount(self) -> None:
        super().on_mount()
        place = self.place()
        if place is not None:
            self.kiosk.record("place", language=self.kiosk.language, item=place.name)

    def compose_body(self) -> ComposeResult:
        place = self.place()
        if place is None:
            yield Prose(_("This place is no longer listed."), classes="empty")
            return
        now = self.kiosk.clock()
        with Horizontal(id="page-layout"):
            with VerticalScroll(id="body", can_focus=True):
                if place.address.one_line():
                    yield Prose(Text(place.address.one_line(), style="bold"), classes="address")
                if about := place_facts(place):
                    yield Prose(" · ".join(about), classes="facts")
                description = html_to_text(place.description_html) or place.excerpt
                if description:
                    yield Prose(description, classes="block")
                if place.opening_hours is not None:
                    status = status_at(place.opening_hours, now, place.temporarily_closed)
                    yield from place_hours(
                        describe_status(status, now), week(place.opening_hours, now.date())
                    )
                for contact in place.contacts:
                    parts = [contact.name, contact.phone, contact.email]
                    line = " · ".join(p for p in parts if p)
                    if line:
                        yield Prose(line, classes="contact")
                    if contact.opening_hours is not None:
                        # A desk of the place with hours of its own (newer CMS versions).
                        whose = contact.name or contact.area_of_responsibility or place.name
                        heading = _("Opening hours of {name}").format(name=whose)
                        yield Prose(Text(heading, style="bold"), classes="block-heading")
                        status = status_at(contact.opening_hours, now, place.temporarily_closed)
                        yield from place_hours(
                            describe_status(status, now), week(contact.opening_hours, now.date())
                        )
                yield feedback_bar(self.kiosk, "place", self.shown_place())
            hand_offs = offered(place_hand_offs(place))
            if hand_offs:
                # One code per panelful, each as large as fits; the visitor scrolls to the next.
                with VerticalScroll(id="side", classes="codes"):
                    yield from hand_offs

    def action_enlarge_code(self) -> None:
        enlarge_code(self)


def place_hand_offs(place: Place) -> list[HandOff]:
    """A place to take home: its map position, its address card, every phone number, e-mail and website."""
    address = place.address
    hand_offs: list[HandOff] = []
    if address.latitude is not None and address.longitude is not None:
        # Coordinates not on Earth get no map code; the address card still says where the place is.
        with suppress(ValueError):
            geo = geo_link(address.latitude, address.longitude)
            hand_offs.append(HandOff(geo, _("Map"), kind="geo", fill=True))
    card = address_card(place.name, address.street, address.postcode, address.town)
    if card is not None:
        hand_offs.append(
            HandOff(
                card, address.one_line(), kind="address", payload=True, fill=True, fallback=address.one_line()
            )
        )
    for phone in dict.fromkeys(p for p in (place.phone, *(c.phone for c in place.contacts)) if p):
        if tel := tel_link(phone):
            hand_offs.append(HandOff(tel, _("Phone: {number}").format(number=phone), kind="phone", fill=True))
    for email in dict.fromkeys(e for e in (place.email, *(c.email for c in place.contacts)) if e):
        if mail := mailto_link(email):
            hand_offs.append(
                HandOff(mail, _("E-mail: {address}").format(address=email), kind="email", fill=True)
            )
    for website in dict.fromkeys(w for w in (place.website, *(c.website for c in place.contacts)) if w):
        hand_offs.append(HandOff(website, _("Website"), kind="page", fill=True))
    for booking in dict.fromkeys(
        b for b in (place.appointment_url, *(c.appointment_url for c in place.contacts)) if b
    ):
        hand_offs.append(HandOff(booking, _("Book online"), kind="booking", fill=True))
    return hand_offs
