"""Event occurrences the kiosk lists, and the calendar file a visitor scans."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta

import pytest
from dateutil.rrule import rrulestr

from kiosk.clock import BERLIN
from kiosk.content.calendar import event_to_ical
from kiosk.content.models import Address, Event
from kiosk.content.recurrence import (
    MAX_OCCURRENCES_PER_EVENT,
    Occurrence,
    occurrences,
)

# As the Integreat API sends it: DTSTART is the UTC time of a 13:00 CET start, without a "Z".
INTEGREAT_RULE = "DTSTART:20300101T120000\nRRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL=20310101T235959;BYDAY=TU,TH"


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def event(
    start: datetime,
    end: datetime,
    rule: str | None = None,
    *,
    id: int = 1,
    title: str = "Sprachcafé",
    all_day: bool = False,
) -> Event:
    return Event(id=id, title=title, start=start, end=end, all_day=all_day, recurrence_rule=rule)


def starts(found: list[Occurrence]) -> list[datetime]:
    return [o.start for o in found]


def in_utc(moments: list[datetime]) -> list[datetime]:
    return [m.astimezone(UTC) for m in moments]


class TestIntegreatRules:
    def test_integreat_rule_gives_the_dates_the_api_lists(self) -> None:
        series = event(at(2030, 1, 1, 13), at(2030, 1, 1, 15), INTEGREAT_RULE)
        found = occurrences([series], at(2030, 1, 1), at(2030, 2, 1))
        # augsburg_de_events.json lists exactly these six occurrences, each 13:00-15:00.
        assert starts(found) == [at(2030, 1, d, 13) for d in (1, 3, 15, 17, 29, 31)]
        assert all(o.end - o.start == timedelta(hours=2) for o in found)

    def test_integreat_rule_stops_at_until(self) -> None:
        series = event(at(2030, 1, 1, 13), at(2030, 1, 1, 15), INTEGREAT_RULE)
        found = occurrences([series], at(2030, 12, 1), at(2031, 3, 1))
        # UNTIL is 1 January 2031, a Wednesday: the last meeting is Tuesday 31 December.
        assert found[-1].start == at(2030, 12, 31, 13)

    def test_uncombined_list_with_the_rule_on_every_record_is_not_doubled(self) -> None:
        records = [
            event(at(2030, 1, d, 13), at(2030, 1, d, 15), INTEGREAT_RULE) for d in (1, 3, 15, 17, 29, 31)
        ]
        found = occurrences(records, at(2030, 1, 1), at(2030, 2, 1))
        assert starts(found) == [at(2030, 1, d, 13) for d in (1, 3, 15, 17, 29, 31)]


class TestWeeklyAndMonthly:
    def test_weekly_meeting_keeps_18_00_across_spring_change(self) -> None:
        weekly = event(at(2026, 3, 17, 18), at(2026, 3, 17, 20), "RRULE:FREQ=WEEKLY")
        found = occurrences([weekly], at(2026, 3, 20), at(2026, 4, 5))
        assert [(o.start.hour, o.start.utcoffset()) for o in found] == [
            (18, timedelta(hours=1)),
            (18, timedelta(hours=2)),
        ]
        assert in_utc(starts(found)) == [
            datetime(2026, 3, 24, 17, tzinfo=UTC),
            datetime(2026, 3, 31, 16, tzinfo=UTC),
        ]
        assert all(o.end.hour == 20 for o in found)

    def test_weekly_meeting_keeps_18_00_across_autumn_change(self) -> None:
        weekly = event(at(2026, 10, 13, 18), at(2026, 10, 13, 20), "FREQ=WEEKLY;BYDAY=TU")
        found = occurrences([weekly], at(2026, 10, 19), at(2026, 11, 1))
        assert in_utc(starts(found)) == [
            datetime(2026, 10, 20, 16, tzinfo=UTC),
            datetime(2026, 10, 27, 17, tzinfo=UTC),
        ]

    def test_occurrence_in_the_skipped_hour_moves_to_3_30_summer_time(self) -> None:
        night = event(at(2026, 3, 22, 2, 30), at(2026, 3, 22, 4), "RRULE:FREQ=WEEKLY")
        (found,) = occurrences([night], at(2026, 3, 29), at(2026, 3, 30))
        assert found.start.astimezone(UTC) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
        assert (found.start.hour, found.start.minute) == (3, 30)

    def test_monthly_second_tuesday(self) -> None:
        monthly = event(at(2026, 1, 13, 10), at(2026, 1, 13, 12), "RRULE:FREQ=MONTHLY;BYDAY=2TU")
        found = occurrences([monthly], at(2026, 1, 1), at(2026, 5, 1))
        assert [o.start.date() for o in found] == [
            date(2026, 1, 13),
            date(2026, 2, 10),
            date(2026, 3, 10),
            date(2026, 4, 14),
        ]
        assert {o.start.hour for o in found} == {10}

    def test_monthly_last_friday(self) -> None:
        monthly = event(at(2026, 1, 30, 15), at(2026, 1, 30, 16), "FREQ=MONTHLY;BYDAY=-1FR")
        found = occurrences([monthly], at(2026, 2, 1), at(2026, 4, 1))
        assert [o.start.date() for o in found] == [date(2026, 2, 27), date(2026, 3, 27)]

    def test_interval_two_skips_every_other_week(self) -> None:
        fortnightly = event(at(2026, 5, 4, 9), at(2026, 5, 4, 10), "RRULE:FREQ=WEEKLY;INTERVAL=2")
        found = occurrences([fortnightly], at(2026, 5, 1), at(2026, 6, 1))
        assert [o.start.day for o in found] == [4, 18]

    @pytest.mark.parametrize("until", ["20260518", "20260518T090000", "20260518T070000Z", "20260518T235959"])
    def test_until_is_inclusive_in_every_form(self, until: str) -> None:
        weekly = event(at(2026, 5, 4, 9), at(2026, 5, 4, 10), f"RRULE:FREQ=WEEKLY;UNTIL={until}")
        found = occurrences([weekly], at(2026, 5, 1), at(2026, 7, 1))
        assert [o.start.day for o in found] == [4, 11, 18]

    def test_count_includes_the_first_date(self) -> None:
        course = event(at(2026, 5, 4, 9), at(2026, 5, 4, 10), "RRULE:FREQ=WEEKLY;COUNT=3")
        found = occurrences([course], at(2026, 1, 1), at(2027, 1, 1))
        assert [o.start.day for o in found] == [4, 11, 18]

    def test_count_still_applies_when_the_window_starts_later(self) -> None:
        course = event(at(2026, 5, 4, 9), at(2026, 5, 4, 10), "RRULE:FREQ=WEEKLY;COUNT=3")
        assert [o.start.day for o in occurrences([course], at(2026, 5, 12), at(2026, 7, 1))] == [18]

    def test_exdate_leaves_out_a_cancelled_date(self) -> None:
        rule = "RRULE:FREQ=WEEKLY;COUNT=3\nEXDATE;TZID=Europe/Berlin:20260511T090000"
        course = event(at(2026, 5, 4, 9), at(2026, 5, 4, 10), rule)
        assert [o.start.day for o in occurrences([course], at(2026, 5, 1), at(2026, 6, 1))] == [4, 18]


class TestDaysAndMidnight:
    def test_all_day_event_is_the_whole_day_and_still_listed_in_the_afternoon(self) -> None:
        fair = event(at(2026, 6, 6), at(2026, 6, 6, 23, 59), all_day=True)
        (found,) = occurrences([fair], at(2026, 6, 6, 14), at(2026, 6, 7, 14))
        assert (found.start, found.end) == (at(2026, 6, 6), at(2026, 6, 7))

    def test_all_day_end_on_next_midnight_is_not_an_extra_day(self) -> None:
        fair = event(at(2026, 6, 6), at(2026, 6, 7), all_day=True)
        assert occurrences([fair], at(2026, 6, 7), at(2026, 6, 8)) == []

    def test_weekly_all_day_event_on_the_short_spring_sunday_ends_at_midnight(self) -> None:
        sundays = event(at(2026, 3, 22), at(2026, 3, 22), "RRULE:FREQ=WEEKLY", all_day=True)
        found = occurrences([sundays], at(2026, 3, 29), at(2026, 3, 30))
        assert [(o.start, o.end) for o in found] == [(at(2026, 3, 29), at(2026, 3, 30))]
        assert found[0].end.astimezone(UTC) - found[0].start.astimezone(UTC) == timedelta(hours=23)

    def test_multi_day_event_is_ongoing_in_the_middle(self) -> None:
        festival = event(at(2026, 7, 3, 10), at(2026, 7, 5, 16))
        (found,) = occurrences([festival], at(2026, 7, 4, 12), at(2026, 7, 4, 13))
        assert (found.start, found.end) == (at(2026, 7, 3, 10), at(2026, 7, 5, 16))

    def test_weekly_multi_day_event_keeps_its_length(self) -> None:
        weekend = event(at(2026, 7, 3, 18), at(2026, 7, 5, 12), "RRULE:FREQ=WEEKLY;COUNT=2")
        found = occurrences([weekend], at(2026, 7, 1), at(2026, 8, 1))
        assert [(o.start, o.end) for o in found] == [
            (at(2026, 7, 3, 18), at(2026, 7, 5, 12)),
            (at(2026, 7, 10, 18), at(2026, 7, 12, 12)),
        ]

    def test_event_crossing_midnight_is_ongoing_after_midnight(self) -> None:
        party = event(at(2026, 10, 17, 22), at(2026, 10, 18, 1), "RRULE:FREQ=WEEKLY")
        found = occurrences([party], at(2026, 10, 25, 0, 30), at(2026, 10, 26))
        assert [(o.start, o.end) for o in found] == [(at(2026, 10, 24, 22), at(2026, 10, 25, 1))]

    def test_window_edges_are_half_open(self) -> None:
        talk = event(at(2026, 5, 4, 9), at(2026, 5, 4, 10))
        assert occurrences([talk], at(2026, 5, 4, 10), at(2026, 5, 5)) == []
        assert occurrences([talk], at(2026, 5, 3), at(2026, 5, 4, 9)) == []
        assert len(occurrences([talk], at(2026, 5, 4, 9, 59), at(2026, 5, 5))) == 1

    def test_occurrences_of_several_events_are_sorted_by_start(self) -> None:
        late = event(at(2026, 5, 4, 18), at(2026, 5, 4, 19), id=1, title="late")
        early = event(at(2026, 5, 5, 9), at(2026, 5, 5, 10), "RRULE:FREQ=DAILY", id=2, title="early")
        found = occurrences([early, late], at(2026, 5, 4), at(2026, 5, 7))
        assert [o.event.title for o in found] == ["late", "early", "early"]

    def test_naive_window_is_refused(self) -> None:
        with pytest.raises(ValueError):
            occurrences([], datetime(2026, 5, 4), datetime(2026, 5, 5))


class TestBadRules:
    @pytest.mark.parametrize(
        "rule",
        [
            "FREQ=SOMETIMES",
            "RRULE:FREQ=WEEKLY;BYDAY=XX",
            "just some words",
            "RRULE:FREQ=HOURLY",
            "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
            "RRULE:FREQ=MONTHLY;BYDAY=9TU",
            "RRULE:FREQ=WEEKLY;INTERVAL=0",
            "RRULE:FREQ=WEEKLY;COUNT=-1",
            "RRULE:FREQ=WEEKLY;UNTIL=tomorrow",
            "RRULE:FREQ=YEARLY;BYYEARDAY=400",
            "EXRULE:FREQ=WEEKLY",
        ],
    )
    def test_malformed_rule_shows_the_event_once_and_logs_once(
        self, rule: str, caplog: pytest.LogCaptureFixture
    ) -> None:
        broken = event(at(2026, 5, 4, 9), at(2026, 5, 4, 10), rule, id=4711)
        caplog.set_level(logging.WARNING, logger="kiosk.content.recurrence")
        for _ in range(3):
            found = occurrences([broken], at(2026, 5, 1), at(2026, 7, 1))
            assert starts(found) == [at(2026, 5, 4, 9)]
        assert len([r for r in caplog.records if "4711" in r.getMessage()]) == 1

    def test_series_from_the_year_1_ends_long_before_today(self) -> None:
        ancient = event(
            datetime(1, 1, 1, 9, tzinfo=BERLIN), datetime(1, 1, 1, 10, tzinfo=BERLIN), "FREQ=YEARLY"
        )
        assert occurrences([ancient], at(2026, 1, 1), at(2026, 3, 1)) == []

    def test_endless_daily_rule_is_capped(self) -> None:
        daily = event(at(2026, 1, 1, 9), at(2026, 1, 1, 10), "RRULE:FREQ=DAILY")
        found = occurrences([daily], at(2026, 1, 1), at(2036, 1, 1))
        assert len(found) == MAX_OCCURRENCES_PER_EVENT
        assert found[-1].start == at(2026, 1, 1, 9) + timedelta(days=MAX_OCCURRENCES_PER_EVENT - 1)


def unfold(ical: str) -> list[str]:
    """RFC 5545 unfolding: CRLF followed by one space joins lines."""
    assert "\n" not in ical.replace("\r\n", "")
    assert ical.endswith("\r\n")
    return ical[:-2].replace("\r\n ", "").split("\r\n")


def unescape(text: str) -> str:
    out, chars = [], iter(text)
    for char in chars:
        if char == "\\":
            nxt = next(chars)
            out.append("\n" if nxt in "nN" else nxt)
        else:
            out.append(char)
    return "".join(out)


def prop(ical: str, name: str) -> str:
    matches = [line.split(":", 1)[1] for line in unfold(ical) if line.split(":", 1)[0].split(";")[0] == name]
    assert len(matches) == 1, matches
    return matches[0]


def has(ical: str, name: str) -> bool:
    return any(line.split(":", 1)[0].split(";")[0] == name for line in unfold(ical))


class TestCalendarFile:
    weekly = Event(
        id=7,
        title="Sprachcafé",
        start=at(2026, 3, 17, 18),
        end=at(2026, 3, 17, 20),
        url="https://westerfilde.example/events/sprachcafe",
        recurrence_rule=INTEGREAT_RULE.replace("20310101T235959", "20261231T235959"),
        place_name="Stadtteilbüro",
        address=Address(street="Westerfilder Straße 54", postcode="44357", town="Dortmund"),
        excerpt="Deutsch üben bei Kaffee &amp; Tee.",
    )

    def test_series_has_wall_time_start_and_rule_with_until_in_utc(self) -> None:
        ical = event_to_ical(self.weekly)
        lines = unfold(ical)
        assert lines[:4] == ["BEGIN:VCALENDAR", "VERSION:2.0", lines[2], "BEGIN:VEVENT"]
        assert lines[-2:] == ["END:VEVENT", "END:VCALENDAR"]
        assert "DTSTART;TZID=Europe/Berlin:20260317T180000" in lines
        assert "DTEND;TZID=Europe/Berlin:20260317T200000" in lines
        assert prop(ical, "RRULE") == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;UNTIL=20261231T225959Z"
        assert prop(ical, "DTSTAMP").endswith("Z")
        assert prop(ical, "URL") == self.weekly.url
        assert unescape(prop(ical, "LOCATION")) == "Stadtteilbüro, Westerfilder Straße 54, 44357 Dortmund"
        assert unescape(prop(ical, "DESCRIPTION")) == "Deutsch üben bei Kaffee & Tee."

    def test_calendar_app_reading_the_rule_gets_the_kiosk_dates(self) -> None:
        ical = event_to_ical(self.weekly)
        text = f"DTSTART;TZID=Europe/Berlin:20260317T180000\nRRULE:{prop(ical, 'RRULE')}"
        theirs = list(rrulestr(text, tzids={"Europe/Berlin": BERLIN}, forceset=True))
        ours = occurrences([self.weekly], at(2026, 1, 1), at(2027, 6, 1))
        assert in_utc(theirs) == in_utc(starts(ours))

    def test_single_occurrence_has_no_rule_and_its_own_uid(self) -> None:
        later = occurrences([self.weekly], at(2026, 4, 1), at(2026, 4, 3))[0]
        ical = event_to_ical(self.weekly, later)
        assert not has(ical, "RRULE")
        assert prop(ical, "DTSTART") == "20260402T180000"  # summer time, still 18:00
        assert prop(ical, "UID") != prop(event_to_ical(self.weekly), "UID")

    def test_all_day_uses_dates_with_exclusive_end(self) -> None:
        fair = Event(id=3, title="Fest", start=at(2026, 6, 6), end=at(2026, 6, 7, 23, 59), all_day=True)
        lines = unfold(event_to_ical(fair))
        assert "DTSTART;VALUE=DATE:20260606" in lines
        assert "DTEND;VALUE=DATE:20260608" in lines

    def test_text_is_escaped_and_reads_back_unchanged(self) -> None:
        title = "Café, Tee; Kuchen \\ mehr"
        place = "Haus A\nRaum 2; 1. Stock"
        ical = event_to_ical(
            Event(id=1, title=title, start=at(2026, 5, 4, 9), end=at(2026, 5, 4, 10), place_name=place)
        )
        assert prop(ical, "SUMMARY") == "Café\\, Tee\\; Kuchen \\\\ mehr"
        assert unescape(prop(ical, "SUMMARY")) == title
        assert prop(ical, "LOCATION") == "Haus A\\nRaum 2\\; 1. Stock"
        assert unescape(prop(ical, "LOCATION")) == place

    def test_control_characters_and_odd_links_never_reach_the_file(self) -> None:
        hostile = Event(
            id=1,
            title="\x1b[31mRot\x07",
            start=at(2026, 5, 4, 9),
            end=at(2026, 5, 4, 10),
            url="javascript:alert(1)",
        )
        ical = event_to_ical(hostile)
        assert prop(ical, "SUMMARY") == "[31mRot"
        assert not has(ical, "URL")

    def test_long_lines_fold_at_75_octets_without_splitting_characters(self) -> None:
        title = " ".join(["دورة اللغة الألمانية للمبتدئين"] * 4)
        ical = event_to_ical(Event(id=1, title=title, start=at(2026, 5, 4, 9), end=at(2026, 5, 4, 10)))
        physical = ical.encode("utf-8").split(b"\r\n")
        assert max(len(line) for line in physical) <= 75
        assert all(line.decode("utf-8") for line in physical if line)  # no split UTF-8 sequences
        assert sum(line.startswith(b" ") for line in physical) >= 2
        assert unescape(prop(ical, "SUMMARY")) == title

    def test_long_description_is_cut_so_the_file_fits_a_qr_code(self) -> None:
        chatty = Event(
            id=1,
            title="Beratung",
            start=at(2026, 5, 4, 9),
            end=at(2026, 5, 4, 10),
            excerpt="Sehr lange Beschreibung mit vielen Worten. " * 40,
        )
        ical = event_to_ical(chatty)
        assert len(unescape(prop(ical, "DESCRIPTION"))) <= 120
        assert unescape(prop(ical, "DESCRIPTION")).endswith("…")
        assert len(ical.encode("utf-8")) < 600
        assert not has(event_to_ical(chatty, description_limit=0), "DESCRIPTION")

    def test_very_long_title_is_cut_too(self) -> None:
        rambling = Event(id=1, title="Wort " * 500, start=at(2026, 5, 4, 9), end=at(2026, 5, 4, 10))
        summary = unescape(prop(event_to_ical(rambling), "SUMMARY"))
        assert summary.startswith("Wort Wort") and summary.endswith("…") and len(summary) <= 150

    def test_same_event_gives_the_same_file(self) -> None:
        assert event_to_ical(self.weekly) == event_to_ical(self.weekly)
        stamped = event_to_ical(self.weekly, stamp=datetime(2026, 3, 1, 12, tzinfo=UTC))
        assert prop(stamped, "DTSTAMP") == "20260301T120000Z"
