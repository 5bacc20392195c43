"""An event as iCalendar text (RFC 5545), for the code a visitor scans into their phone's calendar.

The code must be readable on the kiosk's own screen, so besides the full form there are shorter ones:
without the description, in the short form phone cameras read (times in UTC, no identifiers), then
without the link, the place's name, the address.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from datetime import UTC, datetime, time

from kiosk.content.models import Address, Event
from kiosk.content.recurrence import (
    Occurrence,
    _aware,
    _first_instance,
    _Series,
    _series_or_none,
    _stamp,
    _wall,
)
from kiosk.content.text import short

DESCRIPTION_LIMIT = 120
TITLE_LIMIT = 150
UID_DOMAIN = "kiosk.lokal-willkommen"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Properties a phone does not need to put a date into its calendar; RFC 5545 wants them in files.
_IDENTIFIERS = frozenset({"PRODID", "UID", "DTSTAMP"})
SHORT_TITLE = 60


def _content_lines(text: str) -> list[str]:
    """The content lines of an iCalendar text, each with its folded continuation lines attached."""
    lines: list[str] = []
    for raw in text.split("\r\n"):
        if raw.startswith(" ") and lines:
            lines[-1] += "\r\n" + raw
        elif raw:
            lines.append(raw)
    return lines


def short_form(full: str, occurrence: Occurrence, *, with_url: bool) -> str:
    """``full`` without identifiers (and the link), with timed starts and ends in UTC."""
    kept: list[str] = []
    for line in _content_lines(full):
        name = line.split(":", 1)[0].split(";", 1)[0]
        if name in _IDENTIFIERS or (name == "URL" and not with_url):
            continue
        if name in ("DTSTART", "DTEND") and not occurrence.event.all_day:
            moment = occurrence.start if name == "DTSTART" else occurrence.end
            line = f"{name}:{moment.astimezone(UTC).strftime('%Y%m%dT%H%M%S')}Z"
        kept.append(line)
    return "".join(line + "\r\n" for line in kept)


def calendar_forms(occurrence: Occurrence) -> list[str]:
    """The calendar texts for one occurrence, richest first, shortest last."""
    event = occurrence.event
    bare = event_to_ical(event, occurrence, description_limit=0)
    address_only = replace(event, place_name="")
    title_only = replace(address_only, title=short(event.title, SHORT_TITLE), address=Address())
    return [
        event_to_ical(event, occurrence),
        bare,
        short_form(bare, occurrence, with_url=True),
        short_form(bare, occurrence, with_url=False),
        short_form(event_to_ical(address_only, occurrence, description_limit=0), occurrence, with_url=False),
        short_form(event_to_ical(title_only, occurrence, description_limit=0), occurrence, with_url=False),
    ]


def event_to_ical(
    event: Event,
    occurrence: Occurrence | None = None,
    *,
    stamp: datetime | None = None,
    description_limit: int = DESCRIPTION_LIMIT,
) -> str:
    """A VCALENDAR with one VEVENT (CRLF, folded at 75 octets), small enough for a QR code.

    With ``occurrence`` it describes that one date; otherwise the event with its RRULE, if readable.
    ``stamp`` (DTSTAMP) defaults to the start, so the same event always gives the same code.
    """
    series = None if occurrence is not None else _series_or_none(event)
    if occurrence is not None:
        start, end = occurrence.start, occurrence.end
    else:
        first, length = _first_instance(event)
        start, end = _aware(first), _aware(first + length)
    uid = f"event-{event.id}" + (f"-{_stamp(_wall(start))}" if occurrence is not None else "")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//lokal willkommen Westerfilde//Kiosk//DE",
        "BEGIN:VEVENT",
        f"UID:{uid}@{UID_DOMAIN}",
        f"DTSTAMP:{_stamp((stamp or start).astimezone(UTC))}Z",
        *_when("DTSTART", start, event.all_day),
        *_when("DTEND", end, event.all_day),
    ]
    if series is not None:
        lines += _rrule_lines(series, event.all_day, _wall(start).time())
    lines.append("SUMMARY:" + _text(_cut(event.title, TITLE_LIMIT)))
    location = ", ".join(dict.fromkeys(p for p in (event.place_name.strip(), event.address.one_line()) if p))
    if location:
        lines.append("LOCATION:" + _text(location))
    if re.fullmatch(r"https?://[^\s\x00-\x1f\x7f]+", event.url):
        lines.append("URL:" + event.url)
    # Excerpts are meant to be plain text but arrive with entities and the odd tag.
    description = _cut(re.sub(r"<[^>]*>", " ", html.unescape(event.excerpt)), description_limit)
    if description and description_limit > 0:
        lines.append("DESCRIPTION:" + _text(description))
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(_fold(line) + "\r\n" for line in lines)


def _when(name: str, moment: datetime, all_day: bool) -> list[str]:
    wall = _wall(moment)
    if all_day:
        return [f"{name};VALUE=DATE:{_stamp(wall)[:8]}"]
    return [f"{name};TZID=Europe/Berlin:{_stamp(wall)}"]


def _rrule_lines(series: _Series, all_day: bool, at: time) -> list[str]:
    """The rule as RFC 5545 wants it next to a TZID start: UNTIL in UTC (a DATE for all-day events).

    ``at`` is the series' time of day, for extra dates (RDATE) given as days only.
    """
    tail: list[str] = []
    if series.count is not None:
        tail.append(f"COUNT={series.count}")
    elif series.until is not None:
        until = series.until
        tail.append(
            f"UNTIL={_stamp(until)[:8]}" if all_day else f"UNTIL={_stamp(_aware(until).astimezone(UTC))}Z"
        )
    lines = ["RRULE:" + ";".join((*parts, *tail)) for parts in series.rules]
    extra = sorted(series.rdates | {datetime.combine(day, at) for day in series.rdays})
    if extra:
        head = "RDATE;VALUE=DATE:" if all_day else "RDATE;TZID=Europe/Berlin:"
        lines.append(head + ",".join(dict.fromkeys(_stamp(d)[:8] if all_day else _stamp(d) for d in extra)))
    if series.exdates and not all_day:
        stamps = ",".join(_stamp(d) for d in sorted(series.exdates))
        lines.append(f"EXDATE;TZID=Europe/Berlin:{stamps}")
    if series.exdays and all_day:
        lines.append(
            "EXDATE;VALUE=DATE:"
            + ",".join(_stamp(datetime.combine(d, time(0)))[:8] for d in sorted(series.exdays))
        )
    return lines


def _cut(text: str, limit: int) -> str:
    """``text`` as one line of at most ``limit`` characters, cut at a word with "…"."""
    plain = " ".join(text.split())
    if len(plain) <= limit:
        return plain
    head = plain[: limit - 1]
    return (head.rsplit(" ", 1)[0] if " " in head else head).rstrip(" ,.;:") + "…"


def _text(value: str) -> str:
    """An RFC 5545 TEXT value: backslash, semicolon, comma and newline escaped, control chars dropped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL.sub("", value.replace("\t", " "))
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets, never splitting a UTF-8 character."""
    pieces: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        # Continuation lines start with a space, which counts towards their 75 octets.
        if size + width > 75:
            pieces.append(current)
            current, size = " ", 1
        current += char
        size += width
    pieces.append(current)
    return "\r\n".join(pieces)
