"""Opening-hours status in words, for the welcome and hours screens."""

from __future__ import annotations

from datetime import datetime, timedelta

from kiosk.content.hours import HoursStatus
from kiosk.i18n import _
from kiosk.i18n.formatting import format_time, format_weekday


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
