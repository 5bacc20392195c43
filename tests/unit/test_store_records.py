"""What the store keeps (records re-serialised after validation) reads back as exactly what was accepted."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kiosk.content.models import Event, Page, Place
from kiosk.devtools.generate import generate_region
from kiosk.sources.integreat.records import pages_from_records, records_json
from kiosk.sources.integreat.schema import parse_events, parse_languages, parse_pages, parse_places
from kiosk.sources.snapshot import DEFAULT_DIRECTORY
from kiosk.store import Store
from tests.support.conformance import conformance_dir
from tests.support.hostile import REGION as HOSTILE
from tests.support.hostile import hostile_region

PARSERS: dict[str, Callable[[Any], list[Any]]] = {
    "pages": parse_pages, "events": parse_events, "locations": parse_places, "languages": parse_languages,
}  # fmt: skip
FILES = {
    "augsburg_languages.json": "languages",
    "augsburg_de_pages.json": "pages",
    "augsburg_ar_pages.json": "pages",
    "augsburg_de_children_depth_2.json": "pages",
    "augsburg_de_events.json": "events",
    "augsburg_en_events.json": "events",
    "augsburg_ar_events.json": "events",
    "augsburg_de_events_combine_recurring.json": "events",
    "nurnberg_de_events.json": "events",
    "augsburg_de_locations.json": "locations",
    "augsburg_en_locations.json": "locations",
    "augsburg_ar_locations.json": "locations",
    "nurnberg_de_locations.json": "locations",
}


def round_trip(kind: str, data: Any) -> tuple[list[Any], list[Any]]:
    """What the parser accepted, and what the store reads back; pages by both of its read paths."""
    parse = PARSERS[kind]
    accepted = parse(data)
    stored = json.loads(records_json(accepted))
    again = parse(stored)
    if kind == "pages":
        fast = pages_from_records(stored)
        assert fast == again
        # Equal datetimes may differ in their zone; the fast path must not.
        assert [str(page.last_updated) for page in fast] == [str(page.last_updated) for page in again]
    return accepted, again


@pytest.mark.parametrize(("name", "kind"), FILES.items())
def test_every_conformance_file_reads_back_the_same(name: str, kind: str) -> None:
    accepted, again = round_trip(kind, json.loads((conformance_dir() / name).read_text(encoding="utf-8")))
    assert accepted and again == accepted


@pytest.mark.parametrize("language", ["de", "en", "uk", "ar", "fa"])
def test_the_bundled_snapshot_reads_back_the_same(language: str) -> None:
    for kind in ("pages", "events", "locations"):
        data = json.loads((DEFAULT_DIRECTORY / language / f"{kind}.json").read_text(encoding="utf-8"))
        accepted, again = round_trip(kind, data)
        assert again == accepted


def test_generated_region_reads_back_the_same() -> None:
    region = generate_region(languages=("de", "ar"), pages=300, events=40, locations=20)
    for language in region.languages:
        for kind in ("pages", "events", "locations"):
            accepted, again = round_trip(
                kind, json.loads(region.routes[f"/api/v3/benchstadt/{language}/{kind}/"])
            )
            assert len(accepted) == region.counts[language][kind] and again == accepted


def test_text_that_looks_like_markup_or_entities_stays_literal() -> None:
    # After the first parse the title reads "A &lt; B <b>" (an escaped entity, literal angle brackets);
    # re-reading must not decode it a second time or drop the "tag".
    raw = [{"id": 1, "title": "A &amp;lt; B &lt;b&gt;", "excerpt": "x &amp;amp; y &lt;i&gt;", "path": "/a/"}]
    accepted, again = round_trip("pages", raw)
    page = again[0]
    assert isinstance(page, Page)
    assert (page.title, page.excerpt) == ("A &lt; B <b>", "x &amp; y <i>")
    assert again == accepted


def test_parents_and_synthetic_ids_survive() -> None:
    raw = [
        {"id": None, "title": "Wurzel", "path": "/r/", "parent": None},
        {"id": 7, "title": "Kind", "path": "/r/k/", "parent": {"id": 99, "path": "/r/"}},
        {"id": 8, "title": "Enkel", "path": "/r/k/e/", "parent": {"id": 98, "path": "/r/k/"}},
    ]
    accepted, again = round_trip("pages", raw)
    assert [(p.id, p.parent_id) for p in again] == [(accepted[0].id, None), (7, accepted[0].id), (8, 7)]
    assert accepted[0].id < 0


def test_events_and_places_keep_times_hours_and_contacts() -> None:
    conformance = conformance_dir()
    _, events = round_trip("events", json.loads((conformance / "nurnberg_de_events.json").read_bytes()))
    event = events[0]
    assert isinstance(event, Event)
    assert event.place_name == "Test-Ort" and event.start.utcoffset() is not None
    data = json.loads((conformance / "augsburg_de_locations.json").read_bytes())
    data[0]["contacts"] = [{"name": "Empfang", "email": "info@x.de", "phone_number": "0231 0"}]
    _, places = round_trip("locations", data)
    place = places[0]
    assert isinstance(place, Place) and place.opening_hours is not None
    assert [d.closed for d in place.opening_hours.days] == [False, False, True, False, False, True, True]
    assert (place.email, place.contacts[0].name) == ("info@x.de", "Empfang")


@pytest.mark.parametrize("route", ["de/pages", "en/pages", "ar/pages"])
def test_hostile_pages_read_back_the_same(route: str) -> None:
    region = hostile_region(many=300)
    accepted, again = round_trip("pages", json.loads(region.routes[f"/api/v3/{HOSTILE}/{route}/"]))
    assert accepted and again == accepted


@pytest.mark.parametrize(
    "damage",
    [
        lambda records: records[0].pop("title"),
        lambda records: records[0].update(title=None),
        lambda records: records[0].update(id="7"),
        lambda records: records[1].update(id=records[0]["id"]),
        lambda records: records[0].update(last_updated="gestern"),
        lambda records: records[0].update(available_languages=[]),
        lambda records: records.append("not a page"),
    ],
)
def test_stored_pages_the_fast_path_does_not_know_go_through_the_parser(
    tmp_path: Path, damage: Callable[[list[Any]], object], caplog: pytest.LogCaptureFixture
) -> None:
    store = Store.open(tmp_path)
    store.seed_from_snapshot()
    region = store.regions()[0]
    pages = store.stored_json(region, "de", "pages")
    damage(pages)
    with store._transaction("damage") as db:
        db.execute(
            "UPDATE content SET records = ? WHERE region = ? AND language = 'de' AND kind = 'pages'",
            (json.dumps(pages), region),
        )
    loaded = store.load_language(region, "de")
    assert loaded is not None and loaded.pages, "the parser keeps what it can"
    assert "read through the parser" in caplog.text
    store.close()


def test_links_between_languages_are_held_once_however_many_pages_name_them(tmp_path: Path) -> None:
    """Twelve languages name each page's translations eleven times over; read back, each is one object."""
    from kiosk.devtools.fill import fill_store

    fill_store(tmp_path, languages=("de", "en", "ar"), pages=40, events=1, places=1, long_page_blocks=0)
    store = Store.open(tmp_path)
    try:
        content = store.load_region("benchstadt")
    finally:
        store.close()
    assert content is not None
    pages = {(code, page.id): page for code, lc in content.by_language.items() for page in lc.pages}
    links = [(code, link) for page in pages.values() for code, link in page.available_languages.items()]
    assert len(links) >= len(pages)  # every page names the other languages' versions
    assert len({id(link) for _code, link in links}) <= len(pages)
    for code, link in links:
        target = pages[(code, link.id)]
        assert link.url == target.url and link.url is target.url and link.path is target.path
