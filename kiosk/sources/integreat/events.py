"""Integreat events -> the kiosk's :class:`Event`: one per event or series, however the API sends it.

Asked without ``combine_recurring`` (and by CMS versions before it), the API lists every upcoming
occurrence of a series as its own record, each repeating the whole rule, with ``id`` and
``event.id`` null in the newest versions; only ``event.recurrence_id`` ties them together. Such
records become ONE event again: the earliest occurrence with the rule, or, when the records carry
no rule (the oldest versions), the earliest with the other dates as RFC 5545 ``RDATE``. Expanding
each record's rule again would show the same date up to six times.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from dataclasses import replace
from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kiosk.clock import BERLIN
from kiosk.content.models import Event
from kiosk.content.text import clean_text, one_line
from kiosk.sources.integreat.convert import (
    address,
    aware,
    excerpt_text,
    html_text,
    localize,
    synthetic_id,
    title_text,
    url_text,
)
from kiosk.sources.integreat.wire import EventWire, convert_each, validate_list

#: More listed dates than this for one series are not kept (the kiosk never shows that many).
MAX_DATES = 500
# "/augsburg/de/events/kochkurs$2030-01-03/": one occurrence's address; the series lives without "$date".
_OCCURRENCE_SUFFIX = re.compile(r"\$\d{4}-\d{2}-\d{2}(?=/?$)")


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name) if name else BERLIN
    except (ZoneInfoNotFoundError, ValueError):
        return BERLIN


def _series_link(value: str) -> str:
    return _OCCURRENCE_SUFFIX.sub("", value)


def _event(wire: EventWire) -> Event:
    times = wire.event
    zone = _zone(times.timezone)
    if times.start is not None:
        start = localize(times.start, zone)
    elif times.start_date is not None:
        start = localize(datetime.combine(times.start_date, times.start_time or time(0)), zone)
    else:
        raise ValueError("event has no start")
    end = aware(times.end, zone)
    if end is None and (times.end_date or times.end_time):
        end_day = times.end_date or start.astimezone(zone).date()
        end_time = times.end_time or (time(23, 59, 59) if times.all_day or times.end_date else time(0))
        end = aware(datetime.combine(end_day, end_time), zone)
    if end is None or end < start:
        end = start
    location = wire.location
    event_id = times.id if times.id is not None else wire.id
    return Event(
        id=event_id if event_id is not None else synthetic_id(wire.path, wire.url),
        title=title_text(wire.title),
        start=start,
        end=end,
        all_day=times.all_day,
        content_html=html_text(wire.content),
        excerpt=excerpt_text(wire.excerpt),
        url=_series_link(url_text(wire.url)),
        path=_series_link(url_text(wire.path)),
        recurrence_rule=clean_text(wire.recurrence_rule or "").strip() or None,
        place_name=one_line(location.name or "") if location else "",
        address=address(location),
        only_weekdays=bool(times.only_weekdays),
        meeting_url=url_text(wire.meeting_url),
    )


def _keyed(wire: EventWire) -> tuple[Hashable, Event, bool]:
    """The record as an event, the key of the series it belongs to, and whether it named the event."""
    event = _event(wire)
    times = wire.event
    if times.recurrence_id is not None:
        key: Hashable = ("series", times.recurrence_id)
    elif times.id is not None:
        key = ("event", times.id)
    else:
        key = ("record", event.id)
    return key, event, times.id is not None


def _stamp(moment: datetime, all_day: bool) -> str:
    wall = moment.astimezone(BERLIN)
    return wall.strftime("%Y%m%d") if all_day else wall.strftime("%Y%m%dT%H%M%S")


def _dates_rule(first: Event, others: list[Event]) -> str | None:
    """The other listed dates of a series without a rule, as one RFC 5545 RDATE line."""
    stamps = list(dict.fromkeys(_stamp(e.start, first.all_day) for e in others if e.start != first.start))
    if not stamps:
        return None
    head = "RDATE;VALUE=DATE:" if first.all_day else "RDATE;TZID=Europe/Berlin:"
    return head + ",".join(stamps[:MAX_DATES])


def _series(key: Hashable, members: list[tuple[Event, bool]]) -> Event:
    """One event for all records of a series: the earliest, with the rule or the other dates."""
    if len(members) == 1 and not (isinstance(key, tuple) and key[0] == "series"):
        return members[0][0]
    events = sorted((event for event, _ in members), key=lambda e: (e.start.astimezone(UTC), e.id))
    first = events[0]
    named = [event.id for event, named in members if named]
    if named:
        ident = named[0]
    elif isinstance(key, tuple) and key[0] == "series":
        # Stable across syncs and languages: the CMS's recurrence rule has one id everywhere.
        ident = synthetic_id(f"recurrence/{key[1]}")
    else:
        ident = first.id
    rule = next((event.recurrence_rule for event in events if event.recurrence_rule), None)
    if rule is None:
        rule = _dates_rule(first, events[1:])
    return replace(first, id=ident, recurrence_rule=rule)


def parse_events(data: Any) -> list[Event]:
    """/{region}/{lang}/events/: one Event per event or series, in the order the API lists them."""
    groups: dict[Hashable, list[tuple[Event, bool]]] = {}
    for key, event, named in convert_each(validate_list(data, EventWire, "events"), _keyed, "events"):
        groups.setdefault(key, []).append((event, named))
    return [_series(key, members) for key, members in groups.items()]
