"""What several screens say the same way, in the visitor's language: when an event is, whether a
place is open, and that an item is shown in another language."""

from __future__ import annotations

from datetime import datetime, timedelta

from kiosk.clock import BERLIN
from kiosk.content.hours import HoursStatus
from kiosk.content.models import Event, Place
from kiosk.content.recurrence import Occurrence
from kiosk.i18n import _
from kiosk.i18n.formatting import format_date, format_time, format_weekday
from kiosk.i18n.locales import name_in


def in_other_language(shown_language: str, visitor_language: str) -> str:
    """The short note that an item is not in the visitor's language ("In German")."""
    if shown_language == visitor_language:
        return ""
    return _("In {language}").format(language=name_in(shown_language, visitor_language))


def when(occurrence: Occurrence) -> str:
    """ "Tuesday, 3 March 2026, 18:00–20:00"; the end's date too when it is another day."""
    start, end = occurrence.start.astimezone(BERLIN), occurrence.end.astimezone(BERLIN)
    first = format_date(start.date(), "full")
    if occurrence.event.all_day:
        # An all-day end is the midnight after the last day.
        last_day = max(start.date(), (end - timedelta(days=1)).date())
        return first if last_day == start.date() else f"{first} – {format_date(last_day, 'full')}"
    if end <= start:
        return f"{first}, {format_time(start)}"
    if end.date() == start.date():
        return f"{first}, {format_time(start)}–{format_time(end)}"
    return f"{first}, {format_time(start)} – {format_date(end.date(), 'full')}, {format_time(end)}"


def event_notes(event: Event) -> list[str]:
    """Where and on which days, for a line of the events list: the place, "online", weekdays only."""
    notes = [event.place_name] if event.place_name else []
    if event.meeting_url:
        notes.append(_("online"))
    if event.only_weekdays:
        notes.append(_("Monday to Friday only"))
    return notes


def place_facts(place: Place) -> list[str]:
    """Step-free access (when the CMS says either way) and who runs the place."""
    facts = []
    if place.barrier_free is not None:
        facts.append(_("Step-free access") if place.barrier_free else _("Not step-free"))
    if place.organization is not None:
        facts.append(_("Run by {organization}").format(organization=place.organization.name))
    return facts


def describe_status(status: HoursStatus, now: datetime) -> str:
    """ "Open now until 12:00" / "Closed now · opens Tuesday at 13:00", in the current language."""
    if status.state == "open" and status.until is not None:
        if status.until.date() == now.date():
            return _("Open now until {time}").format(time=format_time(status.until))
        return _("Open now until {day} {time}").format(
            day=format_weekday(status.until.date()), time=format_time(status.until)
        )
    if status.state == "temporarily_closed":
        return _("Temporarily closed")
    if status.state == "appointment_only":
        return _("Today by appointment only")
    if status.next_open is None:
        return _("Closed now") if status.state == "closed" else ""
    opens = status.next_open
    if opens.date() == now.date():
        return _("Closed now · opens today at {time}").format(time=format_time(opens))
    if opens.date() == now.date() + timedelta(days=1):
        return _("Closed now · opens tomorrow at {time}").format(time=format_time(opens))
    return _("Closed now · opens {day} at {time}").format(
        day=format_weekday(opens.date()), time=format_time(opens)
    )
