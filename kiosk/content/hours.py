"""Whether a place is open at a given moment, and its week at a glance.

Opening hours are wall-clock times in Europe/Berlin. A wall time that does not exist (the spring
change skips 02:00-03:00) or exists twice (autumn repeats it) is read the way RFC 5545 reads it:
with the UTC offset in force before the change. "Now" is always passed in, never read here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from kiosk.clock import BERLIN
from kiosk.content.models import DayHours, OpeningHours, TimeSlot

# How far ahead "next opening" looks; beyond this the kiosk says nothing rather than guess.
HORIZON_DAYS = 14

HoursState = Literal["open", "closed", "appointment_only", "temporarily_closed", "unknown"]


@dataclass(frozen=True, slots=True)
class HoursStatus:
    """What a visitor needs to know right now: open until when, or closed until when."""

    state: HoursState
    until: datetime | None = None
    next_open: datetime | None = None
    appointment_only_today: bool = False


@dataclass(frozen=True, slots=True)
class DayView:
    """One row of the week table; the flags are exclusive and ``slots`` is empty unless hours apply."""

    date: date
    weekday: int
    is_today: bool
    closed: bool
    all_day: bool
    appointment_only: bool
    slots: tuple[TimeSlot, ...]


def local_datetime(day: date, at: time) -> datetime:
    """The aware Berlin datetime for a wall-clock time; gaps and repeats resolve as RFC 5545 says."""
    naive = datetime.combine(day, at.replace(tzinfo=None))
    # fold=0 takes the offset before the change; the UTC round trip turns 02:30 in the gap into 03:30.
    return naive.replace(tzinfo=BERLIN).astimezone(UTC).astimezone(BERLIN)


def _utc(day: date, at: time) -> datetime:
    return local_datetime(day, at).astimezone(UTC)


def _normalised(day: DayHours) -> DayView:
    """The day with its flags made exclusive: closed wins, then all day, then appointment only."""
    slots = tuple(sorted(day.slots, key=lambda slot: slot.start))
    closed = day.closed or not (day.all_day or day.appointment_only or slots)
    return DayView(
        date=date.min,
        weekday=day.weekday,
        is_today=False,
        closed=closed,
        all_day=day.all_day and not closed,
        appointment_only=day.appointment_only and not closed,
        slots=() if closed or day.all_day else slots,
    )


def _walk_in_intervals(hours: OpeningHours, first: date, last: date) -> list[tuple[datetime, datetime]]:
    """UTC [start, end) intervals a visitor can walk in, for days ``first`` to ``last``, sorted.

    UTC because Python compares two datetimes of the same zone by wall time, ignoring ``fold``.
    """
    intervals: list[tuple[datetime, datetime]] = []
    day = first
    while day <= last:
        view = _normalised(hours.days[day.weekday()])
        if not view.closed and not view.appointment_only:
            if view.all_day:
                intervals.append((_utc(day, time(0)), _utc(day + timedelta(1), time(0))))
            for slot in view.slots:
                # An end at or before the start runs past midnight; "00:00" is the end of the day.
                end_day = day + timedelta(1) if slot.end <= slot.start else day
                intervals.append((_utc(day, slot.start), _utc(end_day, slot.end)))
        day += timedelta(1)
    return sorted(interval for interval in intervals if interval[0] < interval[1])


def _merged(intervals: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Touching or overlapping intervals joined, so "open until" follows slots across midnight."""
    merged: list[tuple[datetime, datetime]] = []
    for start, end in intervals:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def status_at(hours: OpeningHours | None, now: datetime, temporarily_closed: bool = False) -> HoursStatus:
    """Whether the place is open at ``now`` (aware), until when, or when it opens next."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if temporarily_closed:
        return HoursStatus("temporarily_closed")
    if hours is None:
        return HoursStatus("unknown")
    today = now.astimezone(BERLIN).date()
    now = now.astimezone(UTC)
    horizon = now + timedelta(days=HORIZON_DAYS)
    appointment_today = _normalised(hours.days[today.weekday()]).appointment_only
    # Start a day early: last night's slot may still be running.
    intervals = _merged(_walk_in_intervals(hours, today - timedelta(1), today + timedelta(HORIZON_DAYS + 1)))
    for start, end in intervals:
        if start <= now < end:
            # Open past the horizon means open around the clock: no closing time to show.
            until = end.astimezone(BERLIN) if end <= horizon else None
            return HoursStatus("open", until=until, appointment_only_today=appointment_today)
    next_open = next((start.astimezone(BERLIN) for start, _ in intervals if now < start <= horizon), None)
    state: HoursState = "appointment_only" if appointment_today else "closed"
    return HoursStatus(state, next_open=next_open, appointment_only_today=appointment_today)


def week(hours: OpeningHours | None, today: date) -> list[DayView]:
    """The seven days Monday to Sunday of ``today``'s week, for the week table; empty if unknown."""
    if hours is None:
        return []
    monday = today - timedelta(days=today.weekday())
    views: list[DayView] = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        view = _normalised(hours.days[offset])
        views.append(
            DayView(
                date=day,
                weekday=offset,
                is_today=day == today,
                closed=view.closed,
                all_day=view.all_day,
                appointment_only=view.appointment_only,
                slots=view.slots,
            )
        )
    return views
