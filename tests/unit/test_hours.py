"""Open-now and the week table for the office hours a visitor sees on the kiosk."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest

from kiosk.clock import BERLIN
from kiosk.content.hours import HoursStatus, local_datetime, status_at, week
from kiosk.content.models import DayHours, OpeningHours, TimeSlot


def at(year: int, month: int, day: int, hour: int, minute: int = 0, fold: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN, fold=fold)


def slots(*pairs: tuple[str, str]) -> tuple[TimeSlot, ...]:
    return tuple(TimeSlot(time.fromisoformat(start), time.fromisoformat(end)) for start, end in pairs)


def hours_of(**days: DayHours) -> OpeningHours:
    """A week closed every day except those given as mon=..., tue=..., ... (their weekday is set here)."""
    names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    return OpeningHours(
        tuple(replace(days.get(name, DayHours(weekday=i)), weekday=i) for i, name in enumerate(names))
    )


def open_day(*pairs: tuple[str, str]) -> DayHours:
    return DayHours(weekday=0, closed=False, slots=slots(*pairs))


# The Westerfilde office: Mon 9-12, Tue 13-16, Wed closed, Thu 14-17, Fri 9-12, weekend closed.
WESTERFILDE = hours_of(
    mon=open_day(("09:00", "12:00")),
    tue=open_day(("13:00", "16:00")),
    thu=open_day(("14:00", "17:00")),
    fri=open_day(("09:00", "12:00")),
)


class TestWesterfildeOffice:
    def test_monday_morning_is_open_until_noon(self) -> None:
        assert status_at(WESTERFILDE, at(2026, 3, 23, 10, 30)) == HoursStatus(
            "open", until=at(2026, 3, 23, 12)
        )

    def test_opening_minute_is_open_and_closing_minute_is_closed(self) -> None:
        assert status_at(WESTERFILDE, at(2026, 3, 23, 9)).state == "open"
        after = status_at(WESTERFILDE, at(2026, 3, 23, 12))
        assert after.state == "closed"
        assert after.next_open == at(2026, 3, 24, 13)

    def test_monday_afternoon_says_opens_tuesday_13(self) -> None:
        status = status_at(WESTERFILDE, at(2026, 3, 23, 15))
        assert status == HoursStatus("closed", next_open=at(2026, 3, 24, 13))
        assert status.next_open is not None and status.next_open.strftime("%A %H:%M") == "Tuesday 13:00"

    def test_closed_wednesday_points_to_thursday_afternoon(self) -> None:
        assert status_at(WESTERFILDE, at(2026, 3, 25, 10)).next_open == at(2026, 3, 26, 14)

    def test_friday_open_then_weekend_closed_until_monday_9(self) -> None:
        assert status_at(WESTERFILDE, at(2026, 3, 27, 11, 59)).until == at(2026, 3, 27, 12)
        saturday = status_at(WESTERFILDE, at(2026, 3, 28, 10))
        assert saturday == HoursStatus("closed", next_open=at(2026, 3, 30, 9))

    def test_next_open_after_spring_change_is_in_summer_time(self) -> None:
        # Saturday before the change; Monday 9:00 is CEST (+02:00), not 8:00 or 10:00.
        next_open = status_at(WESTERFILDE, at(2026, 3, 28, 10)).next_open
        assert next_open is not None and next_open.utcoffset() == timedelta(hours=2)
        assert next_open.astimezone(UTC) == datetime(2026, 3, 30, 7, tzinfo=UTC)

    def test_now_in_another_zone_is_read_as_berlin_time(self) -> None:
        # 08:30 UTC on a winter Monday is 09:30 in Berlin: open.
        assert status_at(WESTERFILDE, datetime(2026, 1, 5, 8, 30, tzinfo=UTC)).state == "open"

    def test_naive_now_is_refused(self) -> None:
        with pytest.raises(ValueError):
            status_at(WESTERFILDE, datetime(2026, 1, 5, 10))


class TestOvernightAndMidnight:
    def test_slot_past_midnight_is_open_after_midnight_and_closes_next_day(self) -> None:
        bar = hours_of(fri=open_day(("22:00", "02:00")))
        assert status_at(bar, at(2026, 3, 27, 23)).until == at(2026, 3, 28, 2)
        status = status_at(bar, at(2026, 3, 28, 1, 30))  # Saturday, from Friday's slot
        assert status == HoursStatus("open", until=at(2026, 3, 28, 2))
        assert status_at(bar, at(2026, 3, 28, 2)).state == "closed"

    def test_sunday_night_slot_reaches_into_monday(self) -> None:
        late = hours_of(sun=open_day(("20:00", "01:00")))
        assert status_at(late, at(2026, 3, 23, 0, 30)).until == at(2026, 3, 23, 1)

    def test_end_midnight_means_end_of_day_and_follows_next_days_slot(self) -> None:
        shifts = hours_of(mon=open_day(("18:00", "00:00")), tue=open_day(("00:00", "06:00")))
        assert status_at(shifts, at(2026, 3, 23, 19)).until == at(2026, 3, 24, 6)

    def test_consecutive_slots_are_followed_but_a_gap_is_not(self) -> None:
        split = hours_of(mon=open_day(("09:00", "12:00"), ("12:00", "14:00"), ("15:00", "18:00")))
        assert status_at(split, at(2026, 3, 23, 10)).until == at(2026, 3, 23, 14)
        lunch = status_at(split, at(2026, 3, 23, 14, 30))
        assert lunch == HoursStatus("closed", next_open=at(2026, 3, 23, 15))

    def test_all_day_on_consecutive_days_is_open_until_the_last_midnight(self) -> None:
        fair = hours_of(
            fri=DayHours(weekday=4, closed=False, all_day=True),
            sat=DayHours(weekday=5, closed=False, all_day=True),
        )
        assert status_at(fair, at(2026, 3, 27, 8)) == HoursStatus("open", until=at(2026, 3, 29, 0))

    def test_all_day_every_day_is_open_without_a_closing_time(self) -> None:
        always = OpeningHours(tuple(DayHours(weekday=i, closed=False, all_day=True) for i in range(7)))
        assert status_at(always, at(2026, 3, 23, 3)) == HoursStatus("open", until=None)

    def test_all_day_place_across_the_spring_change_closes_at_monday_midnight(self) -> None:
        weekend = hours_of(
            sat=DayHours(weekday=5, closed=False, all_day=True),
            sun=DayHours(weekday=6, closed=False, all_day=True),
        )
        status = status_at(weekend, at(2026, 3, 29, 12))
        assert status.until == at(2026, 3, 30, 0)
        assert status.until is not None and status.until.utcoffset() == timedelta(hours=2)


class TestDaylightSavingChanges:
    # 29 March 2026: 02:00 CET jumps to 03:00 CEST. 25 October 2026: 03:00 CEST falls back to 02:00 CET.
    night = hours_of(sat=open_day(("22:00", "06:00")))

    def test_spring_night_slot_is_one_hour_shorter_in_real_time(self) -> None:
        status = status_at(self.night, at(2026, 3, 29, 1, 30))
        assert status.state == "open"
        assert status.until == at(2026, 3, 29, 6)
        # Subtract in UTC: Python subtracts same-zone datetimes by wall time.
        opened = at(2026, 3, 28, 22).astimezone(UTC)
        assert status.until is not None and status.until.astimezone(UTC) - opened == timedelta(hours=7)

    def test_spring_instant_just_after_the_jump_is_open(self) -> None:
        just_after = datetime(2026, 3, 29, 1, 0, tzinfo=UTC)  # 03:00 CEST
        assert status_at(self.night, just_after).state == "open"

    def test_spring_slot_starting_in_the_gap_opens_at_3_30_summer_time(self) -> None:
        early = hours_of(sun=open_day(("02:30", "05:00")))
        status = status_at(early, at(2026, 3, 29, 1))
        assert status.next_open == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
        assert status.next_open is not None and status.next_open.astimezone(BERLIN).hour == 3

    def test_autumn_night_slot_is_open_in_both_passes_of_2_30(self) -> None:
        first = at(2026, 10, 25, 2, 30, fold=0)  # CEST
        second = at(2026, 10, 25, 2, 30, fold=1)  # CET, an hour later
        assert first.astimezone(UTC) + timedelta(hours=1) == second.astimezone(UTC)
        night = hours_of(sat=open_day(("22:00", "06:00")))
        for now in (first, second):
            assert status_at(night, now) == HoursStatus("open", until=at(2026, 10, 25, 6))
        until = status_at(night, first).until
        opened = at(2026, 10, 24, 22).astimezone(UTC)
        assert until is not None and until.astimezone(UTC) - opened == timedelta(hours=9)

    def test_autumn_slot_ending_in_the_repeated_hour_ends_at_the_first_pass(self) -> None:
        short = hours_of(sun=open_day(("01:00", "02:30")))
        assert status_at(short, at(2026, 10, 25, 2, 15, fold=0)).state == "open"
        assert status_at(short, at(2026, 10, 25, 2, 15, fold=1)).state == "closed"

    def test_monday_office_after_autumn_change_opens_at_9_winter_time(self) -> None:
        next_open = status_at(WESTERFILDE, at(2026, 10, 24, 12)).next_open
        assert next_open == at(2026, 10, 26, 9)
        assert next_open is not None and next_open.utcoffset() == timedelta(hours=1)

    def test_local_datetime_reads_gap_and_repeat_like_rfc_5545(self) -> None:
        assert local_datetime(date(2026, 3, 29), time(2, 30)).astimezone(UTC).hour == 1
        assert local_datetime(date(2026, 10, 25), time(2, 30)).utcoffset() == timedelta(hours=2)


class TestAppointmentsAndClosures:
    with_appointments = hours_of(
        mon=open_day(("09:00", "12:00")),
        tue=DayHours(weekday=1, closed=False, appointment_only=True, slots=slots(("10:00", "14:00"))),
    )

    def test_appointment_only_day_is_not_open_even_within_its_slots(self) -> None:
        status = status_at(self.with_appointments, at(2026, 3, 24, 11))
        assert status.state == "appointment_only"
        assert status.appointment_only_today
        assert status.next_open == at(2026, 3, 30, 9)

    def test_appointment_flag_is_only_set_on_that_day(self) -> None:
        monday = status_at(self.with_appointments, at(2026, 3, 23, 10))
        assert monday == HoursStatus("open", until=at(2026, 3, 23, 12), appointment_only_today=False)

    def test_all_day_by_appointment_is_still_by_appointment(self) -> None:
        booked = hours_of(wed=DayHours(weekday=2, closed=False, all_day=True, appointment_only=True))
        assert status_at(booked, at(2026, 3, 25, 12)).state == "appointment_only"

    def test_closed_flag_wins_over_appointments_and_slots(self) -> None:
        shut = hours_of(
            mon=DayHours(weekday=0, closed=True, appointment_only=True, slots=slots(("09:00", "12:00")))
        )
        assert status_at(shut, at(2026, 3, 23, 10)) == HoursStatus("closed")

    def test_temporarily_closed_overrides_open_hours(self) -> None:
        status = status_at(WESTERFILDE, at(2026, 3, 23, 10), temporarily_closed=True)
        assert status == HoursStatus("temporarily_closed")

    def test_no_hours_is_unknown(self) -> None:
        assert status_at(None, at(2026, 3, 23, 10)) == HoursStatus("unknown")

    def test_never_open_within_two_weeks_has_no_next_opening(self) -> None:
        never = OpeningHours(tuple(DayHours(weekday=i) for i in range(7)))
        assert status_at(never, at(2026, 3, 23, 10)) == HoursStatus("closed", next_open=None)


class TestWeekTable:
    def test_week_runs_monday_to_sunday_with_today_marked(self) -> None:
        days = week(WESTERFILDE, date(2026, 3, 26))  # a Thursday
        assert [d.date for d in days] == [date(2026, 3, 23) + timedelta(days=i) for i in range(7)]
        assert [d.weekday for d in days] == list(range(7))
        assert [d.is_today for d in days] == [False, False, False, True, False, False, False]
        assert [d.closed for d in days] == [False, False, True, False, False, True, True]
        assert days[1].slots == slots(("13:00", "16:00"))

    def test_week_on_sunday_still_starts_that_monday(self) -> None:
        days = week(WESTERFILDE, date(2026, 3, 29))
        assert days[0].date == date(2026, 3, 23) and days[6].is_today

    def test_week_flags_are_exclusive_and_slots_sorted(self) -> None:
        mixed = hours_of(
            mon=DayHours(weekday=0, closed=False, slots=slots(("15:00", "18:00"), ("09:00", "12:00"))),
            tue=DayHours(weekday=1, closed=True, all_day=True, slots=slots(("09:00", "12:00"))),
            wed=DayHours(weekday=2, closed=False, all_day=True, slots=slots(("09:00", "12:00"))),
            thu=DayHours(weekday=3, closed=False, appointment_only=True),
            fri=DayHours(weekday=4, closed=False),  # no slots at all: nothing to show but "closed"
        )
        mon, tue, wed, thu, fri, *_ = week(mixed, date(2026, 3, 23))
        assert mon.slots == slots(("09:00", "12:00"), ("15:00", "18:00"))
        assert (tue.closed, tue.all_day, tue.slots) == (True, False, ())
        assert (wed.all_day, wed.slots) == (True, ())
        assert (thu.appointment_only, thu.closed) == (True, False)
        assert fri.closed

    def test_unknown_hours_give_no_table(self) -> None:
        assert week(None, date(2026, 3, 23)) == []
