"""Integreat API v3 JSON -> domain models, checked against real CMS responses of several versions."""

from __future__ import annotations

import copy
import logging
from datetime import datetime, time
from typing import Any

import pytest

from kiosk.clock import BERLIN
from kiosk.content.models import DayHours, TimeSlot
from kiosk.content.pages import PageTree
from kiosk.content.recurrence import occurrences
from kiosk.sources.integreat.schema import (
    SchemaError,
    parse_events,
    parse_languages,
    parse_page,
    parse_pages,
    parse_places,
    parse_region,
)
from tests.support.conformance import conformance_dir, conformance_json


def load(name: str) -> Any:
    """A conformance file, parsed; the test skips when shared/ is not beside the repository."""
    return conformance_json(name)


# -- languages and region ----------------------------------------------------------------------


def test_languages_with_native_names_and_direction() -> None:
    languages = parse_languages(load("augsburg_languages.json"))
    assert [(lang.code, lang.native_name, lang.direction) for lang in languages] == [
        ("de", "Deutsch", "ltr"),
        ("en", "English", "ltr"),
        ("ar", "العربية", "rtl"),
        ("fa", "فارسی", "rtl"),
    ]


def test_region_record_gives_name_slug_centre_and_the_same_languages() -> None:
    region = parse_region(load("regions_augsburg.json"))
    assert (region.slug, region.name) == ("augsburg", "Stadt Augsburg")
    assert region.latitude == pytest.approx(48.36882) and region.longitude == pytest.approx(10.8958715)
    assert list(region.languages) == parse_languages(load("augsburg_languages.json"))
    assert parse_languages(load("regions_augsburg.json")) == list(region.languages)


def test_language_direction_variants_unsafe_codes_and_duplicates() -> None:
    languages = parse_languages(
        [
            {"code": "ar", "native_name": "العربية"},  # no dir: known right-to-left language
            {"code": "uk", "native_name": "Українська", "dir": "ltr"},
            {"code": "fa", "native_name": "\u202eفارسی", "dir": "rtl"},
            {"code": "../../etc", "native_name": "x"},  # becomes a folder name: never accepted
            {"code": "de", "native_name": None, "dir": "LEFT_TO_RIGHT"},
            {"code": "de", "native_name": "Zweimal"},
            "not a record",
        ]
    )
    assert [(lang.code, lang.native_name, lang.direction) for lang in languages] == [
        ("ar", "العربية", "rtl"),
        ("uk", "Українська", "ltr"),
        ("fa", "فارسی", "rtl"),
        ("de", "de", "ltr"),
    ]


# -- pages -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("augsburg_de_pages.json", 21),
        ("augsburg_ar_pages.json", 14),
        ("augsburg_de_children_depth_2.json", 18),
    ],
)
def test_every_page_of_each_file_is_read(name: str, count: int) -> None:
    raw = load(name)
    pages = parse_pages(raw)
    assert len(raw) == count and len(pages) == count
    assert [p.id for p in pages] == [r["id"] for r in raw]
    for page in pages:
        assert page.title and "&#" not in page.title
        assert "&#" not in page.excerpt and "\r" not in page.excerpt
        assert page.last_updated is not None and page.last_updated.utcoffset() is not None


def test_page_fields() -> None:
    pages = {p.id: p for p in parse_pages(load("augsburg_de_pages.json"))}
    welcome = pages[75]
    assert welcome.title == "Willkommen"
    assert welcome.content_html == "<p>Willkommen in Augsburg</p>"
    assert welcome.excerpt == "Willkommen in Augsburg"
    assert welcome.path == "/augsburg/de/willkommen/"
    assert welcome.url == "http://localhost:8000/augsburg/de/willkommen/"
    assert welcome.order == 2 and welcome.parent_id is None
    assert welcome.last_updated == datetime(2019, 8, 12, 9, 57, 42, 456000, tzinfo=BERLIN)
    assert {code: t.id for code, t in welcome.available_languages.items()} == {"en": 7, "ar": 13, "fa": 11}
    assert welcome.available_languages["ar"].path == "/augsburg/ar/معلومات-الوصول/"
    health = pages[39]
    assert health.excerpt.startswith("Leistungen des Gesundheitsamtes:\nBeratung zur Gesundheitsfragen\n")
    assert pages[34].excerpt == "" and pages[100].content_html == ""


def test_hierarchy_follows_parent_paths_not_parent_ids() -> None:
    # A parent's "id" counts pages, "id" counts translations: ar page 15 is not the parent of 38.
    tree = PageTree(parse_pages(load("augsburg_ar_pages.json")))
    assert [p.id for p in tree.breadcrumbs(38)] == [43, 46, 38]
    assert [p.title for p in tree.roots()] == ["معلومات الوصول", "المصالح الحكومية والاستشارة",
                                               "اللغة الألمانية", "الحياة اليومية"]  # fmt: skip
    de = PageTree(parse_pages(load("augsburg_de_pages.json")))
    assert [p.title for p in de.children(75)] == [
        "Wissenswertes über Augsburg",
        "Über die App Integreat Augsburg",
        "Willkommen in Augsburg",
        "Stadtplan",
        "Kontakt zu App Team Augsburg",
    ]
    assert [p.title for p in de.breadcrumbs(36)] == ["Behörden und Beratung", "Behörden", "Ausländerbehörde"]
    assert [p.id for p in de.roots()] == [75, 34, 49, 61, 83, 94, 98, 100, 101]


def test_translations_point_at_pages_of_the_other_language() -> None:
    de = parse_pages(load("augsburg_de_pages.json"))
    ar_ids = {p.id for p in parse_pages(load("augsburg_ar_pages.json"))}
    linked = {t.id for p in de for code, t in p.available_languages.items() if code == "ar"}
    assert linked and linked <= ar_ids


def test_arabic_entities_are_decoded() -> None:
    pages = {p.id: p for p in parse_pages(load("augsburg_ar_pages.json"))}
    assert pages[38].title == "دائرة شؤون الأجانب"
    assert pages[38].excerpt.startswith("تعتبر Ausländerbehörde (مصلحة شؤون الأجانب)")
    assert pages[64].excerpt == (
        "This page does not exist in the selected language. "
        "It is however available in these languages:\nDeutsch"
    )


def test_single_pages_and_the_imprint() -> None:
    page = parse_page(load("augsburg_de_page_1.json"))
    assert (page.id, page.title, page.parent_id) == (75, "Willkommen", None)
    imprint = parse_page(load("augsburg_de_imprint.json"))
    assert imprint.title == "Rechtliches" and "<h4>" in imprint.content_html and imprint.parent_id is None
    with pytest.raises(SchemaError):
        parse_page([load("augsburg_de_page_1.json")])
    with pytest.raises(SchemaError):
        parse_page({"id": 1})


def test_a_broken_page_is_dropped_and_logged_once_with_its_id(caplog: pytest.LogCaptureFixture) -> None:
    raw = load("augsburg_de_pages.json")
    del raw[2]["title"]  # id 3
    raw[5] = "garbage"
    raw[7]["last_updated"] = "not a date"  # optional metadata: the page stays
    raw[7]["modified_gmt"] = None
    with caplog.at_level(logging.WARNING):
        pages = parse_pages(raw)
    assert len(pages) == 19
    assert 3 not in {p.id for p in pages}
    page_35 = next(p for p in pages if p.id == 35)
    assert page_35.last_updated is None
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "3" in warnings[0] and "2 of 21" in warnings[0]


@pytest.mark.parametrize("data", [{"pages": []}, None, 42, "not json", b'{"a": 1}', {"id": 1, "title": "x"}])
def test_wrong_shape_raises_schema_error(data: Any) -> None:
    for parse in (parse_pages, parse_events, parse_places, parse_languages):
        with pytest.raises(SchemaError):
            parse(data)


def test_raw_json_bytes_are_read_too() -> None:
    raw = (conformance_dir() / "augsburg_de_pages.json").read_bytes()
    assert parse_pages(raw) == parse_pages(load("augsburg_de_pages.json"))
    assert parse_pages([]) == []
    with pytest.raises(SchemaError):
        parse_region([])


def test_oldest_schema_parent_as_plain_id_and_missing_ids() -> None:
    pages = parse_pages(
        [
            {"id": 10, "title": "Wurzel", "parent": None, "path": "/r/"},
            {"id": 11, "title": "Kind", "parent": 10, "path": "/r/k/"},
            {"id": None, "title": "Ohne Id", "path": "/r/x/", "parent": {"id": 10, "path": "/r/"}},
            {"title": "Nichts", "content": "<p>x</p>"},  # neither id nor path: dropped
        ]
    )
    assert [(p.title, p.parent_id) for p in pages] == [("Wurzel", None), ("Kind", 10), ("Ohne Id", 10)]
    assert pages[2].id < 0  # stable synthetic id, never a real one
    assert parse_pages([{"id": None, "title": "Ohne Id", "path": "/r/x/"}])[0].id == pages[2].id


# -- events ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "records", "count"),
    [
        # Six records of one series (as the API lists it without combine_recurring), and two events.
        ("augsburg_de_events.json", 8, 3),
        ("augsburg_en_events.json", 8, 3),
        ("augsburg_ar_events.json", 8, 3),
        ("augsburg_de_events_combine_recurring.json", 1, 1),
        ("nurnberg_de_events.json", 6, 1),
    ],
)
def test_every_event_of_each_file_is_read_one_series_as_one(name: str, records: int, count: int) -> None:
    raw = load(name)
    events = parse_events(raw)
    assert len(raw) == records and len(events) == count
    for event in events:
        assert event.title and event.start.tzinfo is not None and event.end >= event.start


def test_event_dates_recurrence_and_series_id() -> None:
    events = parse_events(load("augsburg_de_events.json"))
    first = events[0]
    assert first.title == "Test-Veranstaltung mit neuem Titel"
    assert first.start == datetime(2030, 1, 1, 13, 0, tzinfo=BERLIN)
    assert first.end == datetime(2030, 1, 1, 15, 0, tzinfo=BERLIN)
    assert first.all_day is False
    assert first.recurrence_rule == (
        "DTSTART:20300101T120000\nRRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL=20310101T235959;BYDAY=TU,TH"
    )
    assert first.place_name == "" and first.address.one_line() == ""
    # The six records were six dates of one series; the series names them all, once each.
    january = occurrences([first], datetime(2030, 1, 1, tzinfo=BERLIN), datetime(2030, 2, 1, tzinfo=BERLIN))
    assert [o.start.day for o in january] == [1, 3, 15, 17, 29, 31]
    assert first.path == "/augsburg/de/events/test-veranstaltung/"  # the series, not one of its dates
    lasting = events[2]
    assert (lasting.title, lasting.recurrence_rule) == ("Dauerveranstaltung", None)
    assert lasting.end == datetime(2030, 12, 31, 15, 0, tzinfo=BERLIN)
    # The series keeps one id in every language, even where the translation record has none.
    english = parse_events(load("augsburg_en_events.json"))
    assert [e.id for e in english] == [e.id for e in events] == [1, 3, 4]


def test_event_venue_with_address_and_coordinates() -> None:
    event = parse_events(load("nurnberg_de_events.json"))[0]
    assert event.place_name == "Test-Ort"
    assert event.address.one_line() == "Test-Straße 3, 12345 Nürnberg"
    assert (event.address.latitude, event.address.longitude) == (1.0, 1.0)
    assert event.start == datetime(2031, 1, 1, 15, 0, tzinfo=BERLIN)


def test_older_event_schema_with_separate_dates_and_naive_times() -> None:
    events = parse_events(
        [
            {"id": 1, "title": "Frühstück", "event": {"start_date": "2030-03-30", "start_time": "09:00:00",
                                                      "end_date": "2030-03-30", "end_time": "11:00:00"}},
            {"id": 2, "title": "Fest", "event": {"start": "2030-07-01T10:00:00",
                                                 "end": "2030-07-01T09:00:00"}},
            {"id": 3, "title": "Ganztags", "event": {"all_day": True, "start_date": "2030-10-26",
                                                     "end_date": "2030-10-27"}},
            {"id": 4, "title": "Ohne Start", "event": {"end": "2030-01-01T10:00:00+01:00"}},
            {"id": 5, "title": "Ohne event"},
        ]
    )  # fmt: skip
    assert [e.id for e in events] == [1, 2, 3]
    assert events[0].start == datetime(2030, 3, 30, 9, 0, tzinfo=BERLIN)
    assert events[0].end == datetime(2030, 3, 30, 11, 0, tzinfo=BERLIN)
    assert events[1].start == datetime(2030, 7, 1, 10, 0, tzinfo=BERLIN)  # naive means Berlin time
    assert events[1].end == events[1].start  # an end before the start is not believed
    assert events[2].all_day and events[2].end == datetime(2030, 10, 27, 23, 59, 59, tzinfo=BERLIN)


# -- places ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["augsburg_de_locations.json", "augsburg_en_locations.json", "augsburg_ar_locations.json",
     "nurnberg_de_locations.json"],
)  # fmt: skip
def test_every_location_file_is_read(name: str) -> None:
    places = parse_places(load(name))
    assert len(places) == len(load(name)) == 1


def test_place_hours_address_category_and_id() -> None:
    place = parse_places(load("augsburg_de_locations.json"))[0]
    assert (place.id, place.name, place.category) == (4, "Test-Ort", "Behörde/Amt")
    assert place.address.one_line() == "Wolfgangstraße 2, 86153 Augsburg"
    assert (place.address.latitude, place.address.longitude) == (48.3781092, 10.887578)
    assert place.excerpt == "Beschreibung des Test-Ortes"
    assert place.contacts == () and not place.temporarily_closed and place.appointment_url == ""
    hours = place.opening_hours
    assert hours is not None
    morning_afternoon = (TimeSlot(time(10), time(13)), TimeSlot(time(15), time(18)))
    assert hours.days[0] == DayHours(0, closed=False, slots=morning_afternoon)
    assert hours.days[2] == DayHours(2, closed=True)
    assert hours.days[4].slots == (TimeSlot(time(10), time(14)),)
    assert [d.closed for d in hours.days] == [False, False, True, False, False, True, True]


def test_place_id_and_category_name_follow_the_language() -> None:
    english = parse_places(load("augsburg_en_locations.json"))[0]
    arabic = parse_places(load("augsburg_ar_locations.json"))[0]  # its translation id is null
    assert english.id == arabic.id == 4
    assert english.category == "Authority/Office" and english.name == "Test location"
    nurnberg = parse_places(load("nurnberg_de_locations.json"))[0]
    assert nurnberg.opening_hours is None and nurnberg.website == "" and nurnberg.phone == ""


def newest_place(**changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = copy.deepcopy(load("augsburg_de_locations.json")[0])
    record.update(changes)
    return record


def test_contacts_and_where_website_email_and_phone_come_from() -> None:
    contacts = [
        {"area_of_responsibility": "Beratung", "name": "Frau A", "email": "a@x.de", "phone_number": "0231 1",
         "mobile_number": "0170 1", "website": "https://a.example", "opening_hours": None},
        {"area_of_responsibility": None, "name": "Empfang", "email": "info@x.de", "phone_number": "0231 0",
         "mobile_number": "", "website": "https://x.example"},
        "broken",
        {"area_of_responsibility": None, "name": "", "email": "", "phone_number": ""},
    ]  # fmt: skip
    place = parse_places([newest_place(contacts=contacts)])[0]
    assert [c.name for c in place.contacts] == ["Frau A", "Empfang"]
    assert place.contacts[0].mobile == "0170 1" and place.contacts[0].area_of_responsibility == "Beratung"
    # No top-level fields (that schema version): the primary contact, the one without an area, speaks.
    assert (place.website, place.email, place.phone) == ("https://x.example", "info@x.de", "0231 0")
    older = parse_places([newest_place(contacts=[], website="https://w.example", email="w@x.de",
                                       phone_number="0231 9")])[0]  # fmt: skip
    assert (older.website, older.email, older.phone) == ("https://w.example", "w@x.de", "0231 9")


def test_day_variants_and_broken_hours() -> None:
    days: list[dict[str, Any]] = [
        {"allDay": True, "closed": False, "appointmentOnly": False, "timeSlots": []},
        {"allDay": False, "closed": False, "appointmentOnly": True, "timeSlots": []},
        {"allDay": False, "closed": False, "appointmentOnly": False,
         "timeSlots": [{"start": "18:00", "end": "24:00", "timezone": "Europe/Berlin"},
                       {"start": "08:00:00", "end": "12:30"}]},
        *[{"allDay": False, "closed": True, "appointmentOnly": False, "timeSlots": []}] * 4,
    ]  # fmt: skip
    place = parse_places([newest_place(opening_hours=days, temporarily_closed=True,
                                       appointment_url="https://termine.example")])[0]  # fmt: skip
    hours = place.opening_hours
    assert hours is not None
    assert hours.days[0].all_day and not hours.days[0].closed
    assert hours.days[1].appointment_only and not hours.days[1].closed
    assert hours.days[2].slots == (TimeSlot(time(8), time(12, 30)), TimeSlot(time(18), time(0)))
    assert place.temporarily_closed and place.appointment_url == "https://termine.example"
    six_days = parse_places([newest_place(opening_hours=days[:6])])[0]
    bad_time = parse_places(
        [newest_place(opening_hours=[{**days[2], "timeSlots": [{"start": "x"}]}, *days[1:]])]
    )
    assert six_days.opening_hours is None and six_days.name == "Test-Ort"  # the place stays, hours do not
    assert bad_time[0].opening_hours is None


def test_a_place_without_any_name_is_dropped(caplog: pytest.LogCaptureFixture) -> None:
    nameless = newest_place(title=None, location=None, id=77)
    with caplog.at_level(logging.WARNING):
        places = parse_places([nameless, newest_place()])
    assert [p.id for p in places] == [4]
    assert "77" in caplog.text
