"""Office hours and appointments: the week with today marked, open now, and how to book."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll

from kiosk.content.hours import DayView, local_datetime, status_at, week
from kiosk.i18n import _
from kiosk.i18n.formatting import format_time, format_weekday
from kiosk.qr import mailto_link, tel_link
from kiosk.ui.hours_text import describe_status
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets.handoff import HandOff
from kiosk.ui.widgets.text import Prose


def day_line(day: DayView) -> Text:
    """ "Monday     09:00–12:00", today marked and bold."""
    if day.closed:
        hours = _("closed")
    elif day.all_day:
        hours = _("open all day")
    else:
        hours = ", ".join(
            format_time(local_datetime(day.date, slot.start))
            + "–"
            + format_time(local_datetime(day.date, slot.end))
            for slot in day.slots
        )
    if day.appointment_only:
        hours = (
            _("by appointment only") if day.closed or not day.slots else f"{hours} ({_('by appointment')})"
        )
    marker = "» " if day.is_today else "  "
    line = Text(f"{marker}{format_weekday(day.date)}: {hours}")
    if day.is_today:
        line.stylize("bold")
        line.append("  " + _("(today)"))
    return line


def place_hours(now_text: str, days: list[DayView]) -> list[Prose]:
    """The status line and the week table with today marked."""
    widgets = [Prose(Text(now_text, style="bold"), classes="open-status")] if now_text else []
    widgets.extend(Prose(day_line(day), classes="day today" if day.is_today else "day") for day in days)
    return widgets


class HoursScreen(KioskScreen):
    """Our office's week, its status now, and phone / e-mail as QR codes for booking."""

    def title_text(self) -> str:
        return _("Office hours and appointments")

    def hints(self) -> str:
        return _("Arrows scroll · Esc back · Home start page · F2 language")

    def compose_body(self) -> ComposeResult:
        office = self.kiosk.library.office(self.kiosk.settings.display.office_place_id)
        if office is None:
            yield Prose(_("The office hours are not available right now. Please ask at the office."))
            return
        place = office.item
        now = self.kiosk.clock()
        with Horizontal(id="page-layout"):
            with VerticalScroll(id="body", can_focus=True):
                yield Prose(Text(place.name, style="bold"), classes="place-name")
                if place.address.one_line():
                    yield Prose(place.address.one_line(), classes="address")
                if place.opening_hours is not None:
                    status = status_at(place.opening_hours, now, place.temporarily_closed)
                    yield from place_hours(
                        describe_status(status, now), week(place.opening_hours, now.date())
                    )
                yield Prose(Text(_("Appointments"), style="bold underline"), classes="block-heading")
                yield Prose(
                    _("You can also come by appointment. Call us or write an e-mail to make one."),
                    classes="block",
                )
                phones = [p for p in (place.phone, *(c.phone for c in place.contacts)) if p]
                emails = [e for e in (place.email, *(c.email for c in place.contacts)) if e]
                for phone in dict.fromkeys(phones):
                    yield Prose(_("Phone: {number}").format(number=phone), classes="contact")
                for email in dict.fromkeys(emails):
                    yield Prose(_("E-mail: {address}").format(address=email), classes="contact")
            with Vertical(id="side"):
                phone = next(iter(phones), "")
                email = next(iter(emails), "")
                if phone and (tel := tel_link(phone)):
                    yield HandOff(tel, _("Call us"), kind="phone")
                if email and (mail := mailto_link(email)):
                    yield HandOff(mail, _("Write an e-mail"), kind="email")
                if place.appointment_url:
                    yield HandOff(place.appointment_url, _("Book online"), kind="booking")
