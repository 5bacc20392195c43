"""The store keeps a place exactly as read, new fields included: step-free access, who runs it, its
kind by id, each desk's own hours and booking page (the records are the CMS's own shape)."""

from __future__ import annotations

import copy
import glob
from pathlib import Path

from kiosk.content.models import Organization
from kiosk.sources.integreat.records import place_record, records_json
from kiosk.sources.integreat.schema import parse_place_categories, parse_places
from tests.support.conformance import conformance_dir, conformance_json


def test_every_conformance_place_and_category_survives_the_store() -> None:
    names = [Path(p) for p in glob.glob(str(conformance_dir() / "*locations*.json"))]
    more = glob.glob(str(conformance_dir("integreat-more") / "*locations*.json"))
    names += [Path(p) for p in more if "non-existing" not in p]  # that one is an error body
    read = 0
    for path in names:
        places = parse_places(path.read_text(encoding="utf-8"))
        assert parse_places(records_json(places)) == places, path.name
        read += len(places)
    assert read >= 8
    for folder in ("integreat", "integreat-more"):
        for path in conformance_dir(folder).glob("*location_categories.json"):
            categories = parse_place_categories(path.read_text(encoding="utf-8"))
            assert len(categories) == 3 and parse_place_categories(records_json(categories)) == categories


def test_a_desk_with_hours_and_a_booking_page_survives_the_store() -> None:
    raw = copy.deepcopy(conformance_json("integreat", "augsburg_de_locations.json")[0])
    week = raw["opening_hours"]
    raw["contacts"] = [
        {"name": "Sozialberatung", "area_of_responsibility": "Beratung", "email": "sb@example.org",
         "phone_number": "0231 1", "mobile_number": None, "website": None, "opening_hours": week,
         "appointment_url": "https://termine.dortmund.de/sozialberatung"},
        {"name": "Empfang", "area_of_responsibility": None, "email": "info@example.org",
         "phone_number": None, "mobile_number": None, "website": "https://example.org",
         "opening_hours": None, "appointment_url": None},
    ]  # fmt: skip
    place = parse_places([raw])[0]
    desk = place.contacts[0]
    assert desk.opening_hours is not None and desk.opening_hours == place.opening_hours
    assert desk.appointment_url == "https://termine.dortmund.de/sozialberatung"
    assert place.organization == Organization("Nicht archivierte Organisation", "https://integreat-app.de/")
    assert (place.barrier_free, place.category_id, place.category) == (True, 2, "Behörde/Amt")
    assert parse_places(records_json([place])) == [place]
    # The record says it the API's way: a category object, the organization, each desk's week.
    record = place_record(place)
    assert record["category"] == {"id": 2, "name": "Behörde/Amt"} and record["barrier_free"] is True
    assert record["contacts"][0]["opening_hours"][0]["timeSlots"][0] == {
        "start": "10:00:00",
        "end": "13:00:00",
    }


def test_hostile_new_fields_are_plain_text_or_left_out() -> None:
    raw = copy.deepcopy(conformance_json("integreat", "augsburg_de_locations.json")[0])
    raw["organization"] = {"name": "[bold red]Träger\x1b[31m\u202e", "website": "javascript:alert(1)\n"}
    raw["barrier_free"] = "perhaps"
    raw["category"] = {"id": "zwei", "name": "<b>Amt</b>"}
    raw["contacts"] = [{"name": "X", "opening_hours": [{"allDay": "x"}] * 6}]
    place = parse_places([raw])[0]
    assert place.organization is not None and "\x1b" not in place.organization.name
    assert "\u202e" not in place.organization.name and "\n" not in place.organization.website
    assert place.barrier_free is None and place.category_id is None and place.category == "<b>Amt</b>"
    assert place.contacts[0].opening_hours is None  # six days: left out, the desk stays
    assert parse_places(records_json([place])) == [place]
