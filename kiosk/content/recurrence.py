"""Event occurrences in a time window, and one event as an iCalendar file for a QR code.

Recurrence rules (RFC 5545) are expanded by python-dateutil in Berlin wall time, so a weekly
18:00 meeting stays at 18:00 across daylight-saving changes. The event's own start anchors the
series: a ``DTSTART`` inside the rule text is ignored, because the Integreat CMS writes it in UTC
without saying so ("DTSTART:20300101T120000" for an event at 13:00 CET).
"""

from __future__ import annotations

import heapq
import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrulestr

from kiosk.clock import BERLIN
from kiosk.content.models import Event

log = logging.getLogger(__name__)

# Caps so a hostile rule cannot stall the kiosk: occurrences shown per event and window, and
# instances walked from the series start (daily for ~27 years) before giving up.
MAX_OCCURRENCES_PER_EVENT = 500
MAX_INSTANCES_WALKED = 10_000
MAX_SERIES_SPAN = timedelta(days=50 * 365)
# Sub-daily repetition is never a real event here and is the cheap way to make dateutil spin.
ALLOWED_FREQ = frozenset({"DAILY", "WEEKLY", "MONTHLY", "YEARLY"})
ALLOWED_PARTS = frozenset({"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS", "WKST"})
_LONGEST_MONTH = {1: 31, 2: 29, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}
# A calendar file must stay small enough for a QR code a phone can read off a terminal.

_STAMP = re.compile(r"^(\d{8})(?:T(\d{6})(Z?))?$")
_WEEKDAY = re.compile(r"([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)")
_reported: set[tuple[int, str, str]] = set()


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One time an event takes place; ``start``/``end`` are aware Berlin datetimes."""

    event: Event
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class _Series:
    """A parsed rule: RRULE parts without COUNT/UNTIL (the kiosk bounds those itself), extra dates."""

    rules: tuple[tuple[str, ...], ...]
    count: int | None
    until: datetime | None  # naive Berlin wall time, inclusive
    exdates: frozenset[datetime]  # naive Berlin wall times
    exdays: frozenset[date]
    rdates: frozenset[datetime] = frozenset()  # naive Berlin wall times
    rdays: frozenset[date] = frozenset()  # at the series' own time of day


def occurrences(events: Iterable[Event], start: datetime, end: datetime) -> list[Occurrence]:
    """All occurrences overlapping [start, end), ongoing ones included, sorted by start."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("the window must be timezone-aware")
    found: dict[tuple[int, str, datetime, datetime], Occurrence] = {}
    for event in events:
        found_here = _event_occurrences(event, start.astimezone(UTC), end.astimezone(UTC))
        if event.only_weekdays:
            found_here = [run for o in found_here for run in _weekday_runs(o, start, end)]
        for occurrence in found_here:
            # The uncombined API lists every occurrence with the whole rule; expanding each repeats them.
            key = (event.id, event.title, occurrence.start.astimezone(UTC), occurrence.end.astimezone(UTC))
            found.setdefault(key, occurrence)
    return sorted(found.values(), key=lambda o: (o.start.astimezone(UTC), o.end.astimezone(UTC), o.event.id))


def _event_occurrences(event: Event, start: datetime, end: datetime) -> list[Occurrence]:
    try:
        first, length = _first_instance(event)
        single = [o for o in [_occurrence(event, first, length)] if _overlaps(o, start, end)]
    except (ValueError, OverflowError) as error:
        _report(event, f"start or end out of range ({error}); left out")
        return []
    series = _series_or_none(event)
    if series is None:
        return single
    try:
        return _expand(event, series, first, length, start, end)
    except (ValueError, TypeError, OverflowError, KeyError, IndexError) as error:
        _report(event, f"cannot expand recurrence rule ({error}); showing it once")
        return single


def _weekday_runs(occurrence: Occurrence, start: datetime, end: datetime) -> list[Occurrence]:
    """An only-weekdays occurrence as its Monday-to-Friday stretches that overlap [start, end).

    Each stretch starts at the event's time of day (or its real start) and ends at its time of day
    on the Friday (or its real end), so a weekday course is never listed on a Saturday or Sunday.
    """
    event = occurrence.event
    first, last = _wall(occurrence.start), _wall(occurrence.end)
    if last <= first:
        return [occurrence] if first.weekday() < 5 else []
    last_day = (last - timedelta(seconds=1)).date()  # an end at midnight belongs to the day before
    # Only the weeks around the window: a year-long event costs what one week costs.
    low = max(first.date(), _wall(start).date() - timedelta(days=1))
    high = min(last_day, _wall(end).date() + timedelta(days=1))
    runs: list[Occurrence] = []
    monday = low - timedelta(days=low.weekday())
    while monday <= high:
        run_first, run_last = max(first.date(), monday), min(last_day, monday + timedelta(days=4))
        monday += timedelta(days=7)
        if run_first > run_last:
            continue
        run_start = first if run_first == first.date() else datetime.combine(run_first, first.time())
        if run_last == last_day:
            run_end = last
        elif last.time() == time(0):
            run_end = datetime.combine(run_last + timedelta(days=1), time(0))
        else:
            run_end = datetime.combine(run_last, last.time())
        if run_end <= run_start:
            run_end = datetime.combine(run_last + timedelta(days=1), time(0))
        run = Occurrence(event, _aware(run_start), _aware(run_end))
        if _overlaps(run, start, end):
            runs.append(run)
    return runs


def _expand(
    event: Event, series: _Series, first: datetime, length: timedelta, start: datetime, end: datetime
) -> list[Occurrence]:
    # One day past the window in wall time covers any offset change; it also ends dateutil's search,
    # as does the series limit, so a start in the year 1 cannot make it walk two thousand years.
    horizon = min(_wall(end) + timedelta(days=1), first + MAX_SERIES_SPAN)
    until = min(series.until, horizon) if series.until is not None else horizon
    stamp = _stamp(until)
    streams: list[Iterable[datetime]] = [
        rrulestr("RRULE:" + ";".join((*parts, f"UNTIL={stamp}")), dtstart=first, forceset=True)
        for parts in series.rules
    ]
    if series.rdates or series.rdays:
        extra = series.rdates | {datetime.combine(day, first.time()) for day in series.rdays}
        streams.append(sorted(moment for moment in extra if moment <= horizon))
    found: list[Occurrence] = []
    for walked, wall_start in enumerate(_instances(first, streams), start=1):
        if series.count is not None and walked > series.count:
            break
        if walked > MAX_INSTANCES_WALKED or len(found) >= MAX_OCCURRENCES_PER_EVENT:
            _report(event, "recurrence stopped at the expansion cap")
            break
        if wall_start in series.exdates or wall_start.date() in series.exdays:
            continue
        occurrence = _occurrence(event, wall_start, length)
        if _overlaps(occurrence, start, end):
            found.append(occurrence)
    return found


def _instances(first: datetime, streams: Sequence[Iterable[datetime]]) -> Iterator[datetime]:
    """The series start (RFC 5545: always the first instance), then each rule match once, in order."""
    yield first
    previous = first
    for wall_start in heapq.merge(*streams):
        if wall_start > previous:
            previous = wall_start
            yield wall_start


def _first_instance(event: Event) -> tuple[datetime, timedelta]:
    """The event's start as naive Berlin wall time and its wall-clock length (whole days if all day)."""
    first, last = _wall(event.start), _wall(event.end)
    if event.all_day:
        # The last day counts in full, unless the end already sits on the following midnight.
        if last.time() == time(0) and last.date() > first.date():
            end_day = last.date()
        else:
            end_day = max(last.date(), first.date()) + timedelta(days=1)
        first = datetime.combine(first.date(), time(0))
        last = datetime.combine(end_day, time(0))
    return first, max(last - first, timedelta(0))


def _occurrence(event: Event, wall_start: datetime, length: timedelta) -> Occurrence:
    return Occurrence(event, _aware(wall_start), _aware(wall_start + length))


def _overlaps(occurrence: Occurrence, start: datetime, end: datetime) -> bool:
    # Compare in UTC: same-zone datetimes compare by wall time and ignore the autumn fold.
    o_start, o_end = occurrence.start.astimezone(UTC), occurrence.end.astimezone(UTC)
    return o_start < end and (o_end > start or (o_end <= o_start and o_start >= start))


def _wall(moment: datetime) -> datetime:
    """Naive Berlin wall time; a naive input is taken to be Berlin time already."""
    if moment.tzinfo is None:
        return moment.replace(microsecond=0)
    return moment.astimezone(BERLIN).replace(tzinfo=None, microsecond=0)


def _aware(wall: datetime) -> datetime:
    # fold=0 is RFC 5545's reading of a skipped or repeated wall time; via UTC to get the real offset.
    return wall.replace(tzinfo=BERLIN).astimezone(UTC).astimezone(BERLIN)


def _report(event: Event, message: str) -> None:
    """Log a problem with an event once, not on every refresh of the event list."""
    key = (event.id, event.recurrence_rule or "", message)
    if key not in _reported:
        if len(_reported) > 1000:
            _reported.clear()
        _reported.add(key)
        log.warning("event %s: %s", event.id, message)


def _series_or_none(event: Event) -> _Series | None:
    if not event.recurrence_rule or not event.recurrence_rule.strip():
        return None
    try:
        return _parse_series(event.recurrence_rule)
    except ValueError as error:
        _report(event, f"malformed recurrence rule ({error}); showing it once")
        return None


def _parse_series(text: str) -> _Series:
    """Read RRULE, RDATE and EXDATE lines of a rule text; DTSTART is ignored, anything else is refused."""
    rules: list[tuple[str, ...]] = []
    count: int | None = None
    until: datetime | None = None
    exdates: set[datetime] = set()
    exdays: set[date] = set()
    rdates: set[datetime] = set()
    rdays: set[date] = set()
    for line in _unfolded(text):
        head, colon, value = line.partition(":")
        if not colon:
            head, value = "RRULE", line
        name, *params = head.strip().split(";")
        name = name.upper()
        if name == "DTSTART":
            continue
        if name in ("EXDATE", "RDATE"):
            times, days = (exdates, exdays) if name == "EXDATE" else (rdates, rdays)
            for item in value.split(","):
                stamp = _parse_stamp(item.strip(), params)
                if isinstance(stamp, datetime):
                    times.add(stamp)
                else:
                    days.add(stamp)
            if len(rdates) + len(rdays) > MAX_INSTANCES_WALKED:
                raise ValueError("too many RDATEs")
        elif name == "RRULE":
            parts, rule_count, rule_until = _parse_rrule(value)
            rules.append(parts)
            count = rule_count if rule_count is not None else count
            until = rule_until if rule_until is not None else until
        else:
            raise ValueError(f"unsupported property {name[:20]!r}")
    if not rules and not rdates and not rdays:
        raise ValueError("no RRULE or RDATE")
    return _Series(tuple(rules), count, until, frozenset(exdates), frozenset(exdays),
                   frozenset(rdates), frozenset(rdays))  # fmt: skip


def _parse_rrule(value: str) -> tuple[tuple[str, ...], int | None, datetime | None]:
    """The parts dateutil expands, COUNT and UNTIL; refuses what could make dateutil search for years."""
    parts: dict[str, str] = {}
    count: int | None = None
    until: datetime | None = None
    for part in value.upper().split(";"):
        key, equals, item = part.strip().partition("=")
        if not key:
            continue
        if not equals or not item or key in parts:
            raise ValueError(f"bad rule part {part[:20]!r}")
        if key == "COUNT":
            count = _bounded_int(item, 1, MAX_INSTANCES_WALKED)
        elif key == "UNTIL":
            stamp = _parse_stamp(item, [])
            until = stamp if isinstance(stamp, datetime) else datetime.combine(stamp, time(23, 59, 59))
        elif key not in ALLOWED_PARTS:
            # BYHOUR, BYWEEKNO, BYYEARDAY, ... never come from an events CMS; refusing them keeps
            # dateutil's search for a matching day short.
            raise ValueError(f"unsupported rule part {key[:12]!r}")
        else:
            parts[key] = item
    if parts.get("FREQ") not in ALLOWED_FREQ:
        raise ValueError("FREQ missing or not DAILY/WEEKLY/MONTHLY/YEARLY")
    _bounded_int(parts.get("INTERVAL", "1"), 1, 1000)
    months = [_bounded_int(m, 1, 12) for m in parts["BYMONTH"].split(",")] if "BYMONTH" in parts else []
    days = [_bounded_int(d, -31, 31) for d in parts["BYMONTHDAY"].split(",")] if "BYMONTHDAY" in parts else []
    if 0 in days:
        raise ValueError("BYMONTHDAY=0")
    # "30 February" never happens; dateutil would look for it until the year 9999.
    if months and days and not any(d < 0 or d <= _LONGEST_MONTH[m] for m in months for d in days):
        raise ValueError("BYMONTH and BYMONTHDAY never meet")
    # "2TU" is a weekday within the month (or year); dateutil fails late on an impossible ordinal.
    most = 5 if parts["FREQ"] == "MONTHLY" or months else 53 if parts["FREQ"] == "YEARLY" else 0
    for weekday in parts["BYDAY"].split(",") if "BYDAY" in parts else ():
        match = _WEEKDAY.fullmatch(weekday)
        if not match or (match[1] and not 1 <= abs(int(match[1])) <= most):
            raise ValueError(f"bad BYDAY {weekday[:10]!r}")
    rule = tuple(f"{k}={v}" for k, v in parts.items())
    rrulestr("RRULE:" + ";".join(rule), dtstart=datetime(2000, 1, 1), forceset=True)  # refuses the rest
    return rule, count, until


def _bounded_int(text: str, low: int, high: int) -> int:
    number = int(text)
    if not low <= number <= high:
        raise ValueError(f"{number} not within {low}..{high}")
    return number


def _unfolded(text: str) -> list[str]:
    lines: list[str] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if raw[:1] in (" ", "\t") and lines:
            lines[-1] += raw[1:]
        elif raw.strip():
            lines.append(raw.strip())
    return lines


def _parse_stamp(value: str, params: list[str]) -> datetime | date:
    """A DATE or DATE-TIME value as a date or naive Berlin wall time (UTC "Z" and TZID converted)."""
    match = _STAMP.match(value.upper())
    if not match:
        raise ValueError(f"bad date {value[:20]!r}")
    day_text, clock, utc = match.groups()
    day = datetime.strptime(day_text, "%Y%m%d").date()
    if clock is None:
        return day
    wall = datetime.combine(day, datetime.strptime(clock, "%H%M%S").time())
    zone_name = next((p.split("=", 1)[1] for p in params if p.startswith("TZID=")), None)
    if utc:
        return _wall(wall.replace(tzinfo=UTC))
    if zone_name and zone_name.upper() != "EUROPE/BERLIN":
        try:
            return _wall(wall.replace(tzinfo=ZoneInfo(zone_name.strip('"'))))
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown TZID {zone_name[:30]!r}") from error
    return wall


def _stamp(moment: datetime) -> str:
    """YYYYMMDDTHHMMSS of the wall time; strftime("%Y") does not pad years before 1000."""
    return moment.replace(tzinfo=None).isoformat(timespec="seconds").replace("-", "").replace(":", "")
