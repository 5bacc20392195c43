"""One series is one series, and a weekday-only event is never listed on a weekend.

The records are the newer shapes of the Integreat CMS's own API tests (``conformance/integreat-more``):
occurrences sent one by one with ``id: null``, old field sets without a rule, ``end`` before ``start``.
"""

from __future__ import annotations

import copy
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from kiosk.clock import BERLIN
from kiosk.content.calendar import event_to_ical
from kiosk.content.models import Event
from kiosk.content.recurrence import occurrences
from kiosk.sources.integreat.records import records_json
from kiosk.sources.integreat.schema import parse_events
from tests.support.conformance import conformance_json

WHOLE_SERIES = (datetime(2029, 12, 1, tzinfo=BERLIN), datetime(2033, 1, 1, tzinfo=BERLIN))


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def more(name: str) -> Any:
    return conformance_json("integreat-more", name)


def dates(events: list[Event], start: datetime, end: datetime) -> list[datetime]:
    return [o.start for o in occurrences(events, start, end)]


@pytest.mark.parametrize(
    ("name", "records", "distinct"),
    [
        # Every occurrence its own record, id and event.id null: only recurrence_id ties them.
        ("augsburg_de_events.64040ad5.json", 6, 53),
        # Every occurrence its own record with event.id 2 and the whole rule.
        ("nurnberg_en_events.json", 6, 53),
        # Old schema: no rule at all, the first record with event.id, the rest with null ids.
        ("nurnberg_de_events.7b81e175.json", 6, 6),
        ("augsburg_ar_events.e2923496.json", 6, 6),
        # id null and, from the second record on, an end before the start (a CMS bug of that version).
        ("nurnberg_en_events.4465f013.json", 6, 6),
    ],
)
def test_a_series_sent_record_by_record_is_one_event_with_each_date_once(
    name: str, records: int, distinct: int
) -> None:
    raw = more(name)
    events = parse_events(raw)
    assert len(raw) == records and len(events) == 1
    found = occurrences(events, *WHOLE_SERIES)
    assert len(found) == distinct == len({o.start for o in found})
    # Each record's own date is one of the series' dates, at its own time, for the first one's length.
    listed = sorted(datetime.fromisoformat(r["event"].get("start") or _start(r["event"])) for r in raw)
    assert set(listed) <= {o.start for o in found}
    assert {o.end - o.start for o in found} == {timedelta(hours=2)}


def _start(times: dict[str, Any]) -> str:
    return f"{times['start_date']}T{times['start_time']}+01:00"


def test_the_made_up_occurrences_the_old_kiosk_showed_are_gone() -> None:
    # Before: every record got its own id and expanded the rule again: 303 lines for 53 dates.
    series = parse_events(more("augsburg_de_events.64040ad5.json"))
    assert len(occurrences(series, *WHOLE_SERIES)) == 53
    assert series[0].path == "/augsburg/de/events/test-veranstaltung/"  # the series, not "$2030-01-01"
    assert series[0].id < 0  # no id in any record: a stable one made from the recurrence id
    assert parse_events(more("augsburg_de_events.64040ad5.json"))[0].id == series[0].id


def test_a_series_without_a_rule_keeps_its_dates_as_rdate_for_the_calendar_file() -> None:
    series = parse_events(more("nurnberg_de_events.7b81e175.json"))[0]
    assert series.id == 2 and series.recurrence_rule is not None
    assert series.recurrence_rule.startswith("RDATE;TZID=Europe/Berlin:20310103T150000,")
    ical = event_to_ical(series)
    lines = ical.replace("\r\n ", "").split("\r\n")
    head, values = next(line for line in lines if line.startswith("RDATE")).split(":", 1)
    assert head == "RDATE;TZID=Europe/Berlin"
    assert prop(lines, "DTSTART;TZID=Europe/Berlin") == "20310101T150000"
    # A calendar app reading the file (DTSTART plus each RDATE, in Berlin time) gets the kiosk's dates.
    theirs = [at(2031, 1, 1, 15)] + [
        datetime.strptime(value, "%Y%m%dT%H%M%S").replace(tzinfo=BERLIN) for value in values.split(",")
    ]
    assert theirs == dates([series], *WHOLE_SERIES)


def prop(lines: list[str], name: str) -> str:
    return next(line.split(":", 1)[1] for line in lines if line.split(":", 1)[0] == name)


def test_the_series_survives_the_store_exactly() -> None:
    for name in ("augsburg_de_events.64040ad5.json", "nurnberg_de_events.7b81e175.json",
                 "nurnberg_en_events.4465f013.json", "nurnberg_en_events.json"):  # fmt: skip
        events = parse_events(more(name))
        assert parse_events(records_json(events)) == events, name


def test_only_weekdays_and_the_meeting_link_are_read() -> None:
    raw = copy.deepcopy(more("nurnberg_en_events.json"))
    assert {r["event"]["only_weekdays"] for r in raw} == {False}
    assert parse_events(raw)[0].only_weekdays is False
    for record in raw:
        record["event"]["only_weekdays"] = True
        record["meeting_url"] = "https://meet.example/sprachcafe"
    series = parse_events(raw)[0]
    assert series.only_weekdays and series.meeting_url == "https://meet.example/sprachcafe"
    assert parse_events(records_json([series])) == [series]


# -- weekday-only events --------------------------------------------------------------------------


def lasting(**changes: Any) -> Event:
    """The shared set's "Dauerveranstaltung" (1 January to 31 December 2030, 13:00-15:00), weekdays only."""
    raw = conformance_json("integreat", "augsburg_de_events.json")
    record = next(r for r in raw if r["title"] == "Dauerveranstaltung")
    record["event"]["only_weekdays"] = True
    record["event"].update(changes)
    return parse_events([record])[0]


def test_a_weekday_only_event_is_not_listed_on_a_saturday_or_a_sunday() -> None:
    event = lasting()
    for day in (2, 3):  # Saturday 2 and Sunday 3 March 2030
        assert date(2030, 3, day).weekday() >= 5
        assert dates([event], at(2030, 3, day), at(2030, 3, day + 1)) == []
    # Without the flag the same event is under way on the Saturday.
    assert dates([lasting(only_weekdays=False)], at(2030, 3, 2), at(2030, 3, 3))


def test_it_is_listed_as_one_monday_to_friday_stretch_per_week() -> None:
    found = occurrences([lasting()], at(2030, 3, 6, 10), at(2030, 3, 25))
    assert [(o.start, o.end) for o in found] == [
        (at(2030, 3, 4, 13), at(2030, 3, 8, 15)),
        (at(2030, 3, 11, 13), at(2030, 3, 15, 15)),
        (at(2030, 3, 18, 13), at(2030, 3, 22, 15)),
    ]
    # The first week starts on the event's own first day (a Tuesday), the last ends on its last.
    first = occurrences([lasting()], at(2030, 1, 1), at(2030, 1, 6))
    assert [(o.start, o.end) for o in first] == [(at(2030, 1, 1, 13), at(2030, 1, 4, 15))]
    last = occurrences([lasting()], at(2030, 12, 30), at(2031, 1, 5))
    assert [(o.start, o.end) for o in last] == [(at(2030, 12, 30, 13), at(2030, 12, 31, 15))]


def test_weekday_only_all_day_and_recurring_events() -> None:
    fair = Event(id=9, title="Messe", start=at(2030, 3, 1), end=at(2030, 3, 12, 23, 59), all_day=True,
                 only_weekdays=True)  # fmt: skip
    found = occurrences([fair], at(2030, 3, 1), at(2030, 3, 20))
    assert [(o.start, o.end) for o in found] == [
        (at(2030, 3, 1), at(2030, 3, 2)),  # Friday
        (at(2030, 3, 4), at(2030, 3, 9)),  # Monday to Friday, to Saturday's midnight
        (at(2030, 3, 11), at(2030, 3, 13)),
    ]
    # A weekly Saturday-and-Monday rule on a weekday-only event: the Saturdays fall away.
    weekly = Event(id=10, title="Kurs", start=at(2030, 3, 2, 9), end=at(2030, 3, 2, 11),
                   recurrence_rule="RRULE:FREQ=WEEKLY;BYDAY=SA,MO", only_weekdays=True)  # fmt: skip
    assert dates([weekly], at(2030, 3, 1), at(2030, 3, 12)) == [at(2030, 3, 4, 9), at(2030, 3, 11, 9)]
