"""A place's week of opening hours, today marked, under its "open now" line."""

from __future__ import annotations

from rich.text import Text

from kiosk.content.hours import DayView, local_datetime
from kiosk.i18n import _
from kiosk.i18n.formatting import format_time, format_weekday
from kiosk.ui.widgets.text import Prose


def day_line(day: DayView) -> Text:
    """ "Monday: 09:00–12:00", today marked and bold."""
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
    marker = "▶ " if day.is_today else "  "
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
