"""Opening hours and appointments: a place's week with today marked, open now, and how to book.

The office's screen also lists the other places with opening hours, and, when a slot source is
configured, the next free appointment for each service. Booking is handed to the visitor's phone
as QR codes (phone, e-mail, booking page): nothing personal is ever typed into the kiosk.
"""

from __future__ import annotations

from datetime import date, datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll

from kiosk.clock import BERLIN
from kiosk.content.hours import status_at, week
from kiosk.content.library import Shown
from kiosk.content.models import Place
from kiosk.i18n import _
from kiosk.qr import mailto_link, tel_link
from kiosk.speech.readings import PASSAGE, contact_passages, hours_passages
from kiosk.speech.utterance import Utterance
from kiosk.ui import hints
from kiosk.ui.destinations import HoursAt
from kiosk.ui.messages import Open
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets.choices import ChoiceData
from kiosk.ui.widgets.code_deck import Code, DeckButtons, allowed
from kiosk.ui.widgets.free_appointments import FreeAppointments
from kiosk.ui.widgets.hours import place_hours
from kiosk.ui.widgets.takehome import CodeDeck
from kiosk.ui.widgets.takehome_offers import hours_offers
from kiosk.ui.widgets.text import Prose
from kiosk.ui.widgets.tile_list import TileList
from kiosk.ui.wording import describe_status, in_other_language

#: How often the screen looks at the clock again, so that "open now" does not go stale.
REFRESH_S = 60.0


def has_hours(place: Place) -> bool:
    return place.opening_hours is not None or place.temporarily_closed


def phones_and_emails(place: Place) -> tuple[list[str], list[str]]:
    """The place's phone numbers and e-mail addresses, its own first, each once."""
    phones = [p.strip() for p in (place.phone, *(c.phone for c in place.contacts)) if p.strip()]
    emails = [e.strip() for e in (place.email, *(c.email for c in place.contacts)) if e.strip()]
    return list(dict.fromkeys(phones)), list(dict.fromkeys(emails))


class HoursScreen(KioskScreen):
    """One place's hours (our office's without ``place_id``) and every way to book, as QR codes."""

    def __init__(self, to: HoursAt | None = None) -> None:
        super().__init__()
        self.place_id = to.place_id if to is not None else None
        self.others: list[Shown[Place]] = []
        self.shown_status: tuple[str, date] = ("", date.min)

    # -- what is shown --------------------------------------------------------------------------------
    def office(self) -> Place | None:
        shown = self.kiosk.library.office(self.kiosk.settings.display.office_place_id)
        return shown.item if shown else None

    def place(self) -> Place | None:
        if self.place_id is None:
            return self.office()
        return next((s.item for s in self.kiosk.library.places() if s.item.id == self.place_id), None)

    def is_office(self, place: Place) -> bool:
        office = self.office()
        return office is not None and office.id == place.id

    def title_text(self) -> str:
        place = self.place()
        if self.place_id is None or place is None:
            return _("Office hours and appointments")
        return place.name

    def hints(self) -> list[hints.Hint]:
        shown = [hints.scroll()]
        if self.others:
            shown.append(hints.Hint(_("1–9 other places"), hints.DIGITS[: len(self.others)]))
        return [*shown, *self.deck_hints(), *hints.frame()]

    def compose(self) -> ComposeResult:
        # The list of other places decides the hints, which the frame draws before the body.
        place = self.place()
        self.others = self.other_places(place) if self.place_id is None else []
        yield from super().compose()

    def other_places(self, place: Place | None) -> list[Shown[Place]]:
        own = place.id if place is not None else None
        return [s for s in self.kiosk.library.places() if s.item.id != own and has_hours(s.item)]

    def booking_codes(self, place: Place) -> list[Code]:
        phones, emails = phones_and_emails(place)
        codes: list[Code] = []
        if phones and (tel := tel_link(phones[0])):
            codes.append(Code(tel, _("Call us"), _("Phone"), "phone"))
        if emails and (mail := mailto_link(emails[0])):
            codes.append(Code(mail, _("Write an e-mail"), _("E-mail"), "email"))
        if place.appointment_url:
            codes.append(Code(place.appointment_url, _("Book online"), _("Booking page"), "booking"))
        links = [
            link
            for link in dict.fromkeys(self.service_booking(place).values())
            if link != place.appointment_url
        ]
        for number, link in enumerate(links, start=1):
            label = _("Booking page") if len(links) == 1 else f"{_('Booking page')} {number}"
            codes.append(Code(link, _("Book online"), label, "booking"))
        return codes

    def service_booking(self, place: Place) -> dict[int, str]:
        """Each configured service's booking page: from ``[slots] booking_url``, else the place's own."""
        slots = self.kiosk.settings.slots
        if not (self.is_office(place) and slots.enabled):
            return {}
        if slots.booking_url is None:
            return {sid: place.appointment_url for sid in slots.service_ids if place.appointment_url}
        return {
            sid: slots.booking_url.format(service_id=sid, office_id=slots.office_id)
            for sid in slots.service_ids
        }

    def compose_body(self) -> ComposeResult:
        place = self.place()
        if place is None:
            with VerticalScroll(id="body", can_focus=True):
                yield Prose(
                    _("The office hours are not available right now. Please ask at the office."),
                    classes="empty",
                )
                yield from self.other_places_list()
            return
        now = self.kiosk.clock()
        codes = self.booking_codes(place)
        with Horizontal(id="page-layout"):
            with VerticalScroll(id="body", can_focus=True):
                yield Prose(Text(place.name, style="bold"), classes="place-name")
                if place.address.one_line():
                    yield Prose(place.address.one_line(), classes="address")
                yield from self.hours_part(place, now)
                yield from self.appointments_part(place, codes)
                yield from self.other_places_list()
            with Vertical(id="side", classes="codes"):
                # The place to take home first (its text, else the office's phone), then how to book.
                self.code_deck = CodeDeck(
                    [*hours_offers(self.kiosk, place), *(code.offer() for code in codes)], id="booking"
                )
                yield self.code_deck

    def hours_part(self, place: Place, now: datetime) -> ComposeResult:
        if place.temporarily_closed:
            yield Prose(
                _("This place is temporarily closed. The usual opening hours are shown below."),
                classes="notice",
            )
        if place.opening_hours is None:
            if not place.temporarily_closed:
                yield Prose(_("The opening hours are not listed. Please ask at the office."), classes="block")
            return
        status = status_at(place.opening_hours, now, place.temporarily_closed)
        yield from place_hours(
            describe_status(status, now), week(place.opening_hours, now.astimezone(BERLIN).date())
        )

    def appointments_part(self, place: Place, codes: list[Code]) -> ComposeResult:
        yield Prose(Text(_("Appointments"), style="bold underline"), classes="block-heading")
        hours = place.opening_hours
        if hours is not None and any(day.appointment_only for day in hours.days):
            yield Prose(
                _("On days marked “by appointment only”, please make an appointment first."), classes="block"
            )
        phones, emails = phones_and_emails(place)
        booking = any(code.kind == "booking" for code in allowed(codes, self.kiosk.link_policy))
        if booking:
            yield Prose(
                _(
                    "To make an appointment, call, write an e-mail or use the booking page. "
                    "Scan a code with your phone's camera: you never type anything here."
                ),
                classes="block",
            )
        elif codes or phones or emails:
            # Promise only what the codes offer (issue 14, defect 5): no booking page, no word of one.
            yield Prose(
                _(
                    "To make an appointment, call or write an e-mail. "
                    "Scan a code with your phone's camera: you never type anything here."
                ),
                classes="block",
            )
        else:
            yield Prose(_("Please ask at the office how to make an appointment."), classes="block")
        for phone in phones:
            yield Prose(_("Phone: {number}").format(number=phone), classes="contact")
        for email in emails:
            yield Prose(_("E-mail: {address}").format(address=email), classes="contact")
        yield DeckButtons("booking", codes)
        slots = self.kiosk.settings.slots
        source = self.kiosk.runtime.slots(slots, self.kiosk.clock, self.kiosk.monotonic)
        if source is not None and self.is_office(place) and slots.office_id is not None:
            yield FreeAppointments(
                source,
                slots.office_id,
                slots.service_ids,
                slots.days_ahead,
                booking=self.service_booking(place),
                deck_id="booking",
            )

    def other_places_list(self) -> ComposeResult:
        if not self.others:
            return
        now = self.kiosk.clock()
        yield Prose(Text(_("Opening hours of other places"), style="bold underline"), classes="block-heading")
        yield TileList(
            [
                ChoiceData(
                    shown.item.name,
                    describe_status(
                        status_at(shown.item.opening_hours, now, shown.item.temporarily_closed), now
                    ),
                    in_other_language(shown.language, self.kiosk.language),
                    language=shown.language,
                )
                for shown in self.others
            ],
            id="places",
        )

    # -- behaviour ------------------------------------------------------------------------------------
    def on_mount(self) -> None:
        super().on_mount()
        self.shown_status = self.status_key()
        self.set_refresh_interval(REFRESH_S, self.refresh_status)

    def status_key(self) -> tuple[str, date]:
        """What the clock changes on this screen: the place's status line and which day is today."""
        place = self.place()
        now = self.kiosk.clock()
        if place is None or place.opening_hours is None:
            return ("", now.astimezone(BERLIN).date())
        status = status_at(place.opening_hours, now, place.temporarily_closed)
        return (describe_status(status, now), now.astimezone(BERLIN).date())

    async def refresh_status(self) -> None:
        """Redraw when "open now" turns into "closed" (or the day changes) while a visitor reads."""
        key = self.status_key()
        if key != self.shown_status:
            self.shown_status = key
            await self.relabel()

    reads_paged = True

    def title_language(self) -> str:
        place = self.place()
        if self.place_id is None or place is None:
            return self.kiosk.language
        return next(
            (s.language for s in self.kiosk.library.places() if s.item.id == place.id), self.kiosk.language
        )

    def spoken_passages(self) -> list[Utterance]:
        place, lang = self.place(), self.kiosk.language
        if place is None:
            return [
                Utterance.of(
                    _("The office hours are not available right now. Please ask at the office."), lang
                )
            ]
        content = next((s.language for s in self.kiosk.library.places() if s.item.id == place.id), lang)
        said = [Utterance.of(place.name, content, PASSAGE)]
        if place.address.one_line():
            said.append(Utterance.of(place.address.one_line(), content, PASSAGE))
        if place.temporarily_closed:
            closed = _("This place is temporarily closed. The usual opening hours are shown below.")
            said.append(Utterance.of(closed, lang, PASSAGE))
        said += hours_passages(place, self.kiosk.clock(), lang)
        phones, emails = phones_and_emails(place)
        return said + contact_passages(phones, emails, lang)

    def focus_first(self) -> None:
        # The week comes first: focusing the list of other places would scroll it out of sight.
        # Not query_one: a screen closed by the next key before it mounted has no body any more.
        for body in self.query("#body").results(VerticalScroll):
            body.focus(scroll_visible=False)

    def on_tile_list_chosen(self, event: TileList.Chosen) -> None:
        event.stop()
        number = event.number
        if 1 <= number <= len(self.others):
            self.post_message(Open(HoursAt(self.others[number - 1].item.id)))
