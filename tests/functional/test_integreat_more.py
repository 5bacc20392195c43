"""The 24 further real Integreat CMS outputs (``conformance/integreat-more``), served over HTTP on
127.0.0.1: every file read by the client and the parsers, two regions synced, and what a visitor
would then see: pages, events once per date, weekday-only events absent on weekends, online events
with their link, places with step-free access, organization and categories."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kiosk.clock import BERLIN
from kiosk.content.library import Library
from kiosk.content.models import RegionContent
from kiosk.content.recurrence import occurrences
from kiosk.sources.integreat.client import IntegreatClient, NotFound
from kiosk.sources.integreat.schema import (
    SchemaError,
    parse_events,
    parse_page,
    parse_pages,
    parse_place_categories,
    parse_places,
    parse_region,
)
from kiosk.store import Store
from kiosk.store.content import SCHEMA_VERSION
from kiosk.sync.round import sync_once
from tests.support.api_server import ApiServer, Reply, read_replies, sync_settings
from tests.support.conformance import conformance_dir

NOW = datetime(2029, 12, 20, 10, tzinfo=BERLIN)
WHOLE_SERIES = (datetime(2029, 12, 1, tzinfo=BERLIN), datetime(2033, 1, 1, tzinfo=BERLIN))

#: What each file holds once read: records the kiosk keeps (events: one per series).
EXPECTED: dict[str, int] = {
    "augsburg_ar_events.e2923496.json": 1,
    "augsburg_ar_location_categories.json": 3,
    "augsburg_ar_locations.a798337c.json": 1,
    "augsburg_de_children.json": 5,
    "augsburg_de_children_archived_descendants.json": 3,
    "augsburg_de_events.64040ad5.json": 1,
    "augsburg_de_locations.9c5de94e.json": 1,
    "augsburg_de_pages.cde7ce54.json": 16,
    "augsburg_en_location_categories.json": 3,
    "nurnberg_de_events.7b81e175.json": 1,
    "nurnberg_de_locations.e5c45eec.json": 1,
    "nurnberg_en_events.4465f013.json": 1,
    "nurnberg_en_events.json": 1,
    "nurnberg_en_locations.e02c1ce8.json": 1,
    "nurnberg_en_locations.json": 1,
}
#: Files the kiosk reads but does not list (one page, a region, an error body, push notifications).
OTHERS = {
    "augsburg_en_imprint.json", "augsburg_de_page_archived.json", "augsburg_non-existing_locations.json",
    "nurnberg_de_fcm.json", "nurnberg_en_fcm.json", "regions.json", "regions_live.json",
    "regions_augsburg.7b841d72.json", "regions_berlin.json", "regions_nurnberg.json",
}  # fmt: skip


@pytest.fixture(scope="module")
def folder() -> Path:
    return conformance_dir("integreat-more")


@pytest.fixture
def server(folder: Path) -> Iterator[ApiServer]:
    routes: dict[str, bytes | Reply] = dict(read_replies(folder))
    # Every file also at a path of its own, so the parser-only versions go over HTTP too.
    for path in folder.glob("*.json"):
        if path.name != "routes.json":
            routes[f"/api/v3/files/{path.name}"] = path.read_bytes()
    with ApiServer(routes) as running:
        yield running


def read(name: str, body: bytes) -> list[Any] | Any:
    if "events" in name:
        return parse_events(body)
    if "location_categories" in name:
        return parse_place_categories(body)
    if "locations" in name:
        return parse_places(body)
    if "children" in name or "pages" in name:
        return parse_pages(body)
    if name.startswith("regions_"):
        return parse_region(body)
    return parse_page(body)


async def test_every_file_comes_over_http_and_reads_as_expected(server: ApiServer, folder: Path) -> None:
    names = sorted(p.name for p in folder.glob("*.json") if p.name != "routes.json")
    assert len(names) == 25 and set(names) == set(EXPECTED) | OTHERS
    async with IntegreatClient(server.url, "augsburg", 2.0, 2 * 1024 * 1024) as client:
        for name in names:
            body = (await client.get(f"files/{name}")).body
            assert body == (folder / name).read_bytes(), name
            if name in EXPECTED:
                assert len(read(name, body)) == EXPECTED[name], name
            elif name in ("regions.json", "regions_live.json"):
                assert [r["path"] for r in json.loads(body)] == ["augsburg", "nurnberg"]
            elif name.startswith("regions_"):
                region = parse_region(body)
                assert region.name and [lang.code for lang in region.languages][:2] in (
                    ["de", "en"],
                    ["en", "de"],
                )
            elif name == "augsburg_en_imprint.json":
                imprint = parse_page(body)  # id null, German text as the English fallback
                assert imprint.title == "Rechtliches" and imprint.id < 0
            elif "fcm" in name:
                assert isinstance(json.loads(body), list)  # push notifications: not shown on a kiosk
            else:  # the two error bodies, read as what they are
                with pytest.raises(SchemaError):
                    read(name, body)


async def test_the_404_error_bodies_are_not_found_not_content(server: ApiServer) -> None:
    async with IntegreatClient(server.url, "augsburg", 2.0, 2 * 1024 * 1024) as client:
        with pytest.raises(NotFound):
            await client.locations("non-existing")
        with pytest.raises(NotFound):
            await client.get("../../augsburg/de/wp-json/extensions/v3/page/?url=/augsburg/de/"
                             "behörden-und-beratung/behörden/archiviertes-amt/")  # fmt: skip
        # A subtree whose parent is not in the list: its top page stands at the top, the rest below it.
        subtree = parse_pages(
            (
                await client.get(
                    "augsburg/de/children/?depth=3&url=/augsburg/de/behörden-und-beratung/behörden/"
                )
            ).body
        )
        assert [(p.id, p.parent_id) for p in subtree] == [(35, None), (36, 35), (39, 35)]


async def synced(server: ApiServer, tmp_path: Path, region: str) -> tuple[Store, RegionContent]:
    store = Store.open(tmp_path / "state")
    settings = sync_settings(server.url, tmp_path / "state", region=region, languages=("de", "en", "ar"))
    await sync_once(settings, store, lambda: NOW)
    content = store.load_region(region)
    assert content is not None
    return store, content


async def test_augsburg_as_a_visitor_sees_it(server: ApiServer, tmp_path: Path) -> None:
    store, content = await synced(server, tmp_path, "augsburg")
    # Languages from the region record (no /languages/ route); the files have nothing in en but the
    # imprint and the categories, so en has no content to show (each 404 reported, none invented).
    assert [lang.code for lang in content.languages] == ["de", "ar"]
    de, ar = content.by_language["de"], content.by_language["ar"]
    assert (len(de.pages), len(de.events), len(de.places)) == (16, 1, 1)
    assert (len(ar.pages), len(ar.events), len(ar.places)) == (14, 1, 1)
    german = Library(content, "de")
    # The series sent as six id-less records: 53 dates, each once, the first on 1 January 2030.
    dates = [o.start for o in occurrences([s.item for s in german.events()], *WHOLE_SERIES)]
    assert len(dates) == 53 == len(set(dates)) and dates[0] == datetime(2030, 1, 1, 13, tzinfo=BERLIN)
    # The arabic list (old schema, date and time fields only, no rule): its six dates, each once.
    arabic = [o.start for o in occurrences(ar.events, *WHOLE_SERIES)]
    assert len(arabic) == 6 == len(set(arabic))
    # Places: step-free, run by an organization (without a website in this version), of a category.
    place = de.places[0]
    assert (place.name, place.barrier_free, place.category_id, place.category) == (
        "Test-Ort",
        True,
        2,
        "Behörde/Amt",
    )
    assert place.organization is not None and place.organization.name == "Test Organization"
    assert place.opening_hours is not None and not any(d.appointment_only for d in place.opening_hours.days)
    # The Arabic place (translation id null) is the same place: its id comes from location.id.
    assert ar.places[0].id == place.id == 4 and ar.places[0].organization is not None
    # Categories in each language's own words, from /location-categories/ (en is not offered here).
    assert [c.name for c in ar.categories] == ["Beratungsstelle", "Behörde/Amt", "Gastronomie"]
    # What was stored reads back exactly as parsed from the files.
    assert de.events == parse_events(server_file("augsburg_de_events.64040ad5.json"))
    assert de.places == parse_places(server_file("augsburg_de_locations.9c5de94e.json"))
    store.close()


def server_file(name: str) -> bytes:
    return (conformance_dir("integreat-more") / name).read_bytes()


async def test_nurnberg_as_a_visitor_sees_it(server: ApiServer, tmp_path: Path) -> None:
    _, content = await synced(server, tmp_path, "nurnberg")
    de, en = content.by_language["de"], content.by_language["en"]
    # The real API answers a language without pages with an empty list (a stub route here).
    assert (len(de.pages), len(de.events), len(de.places)) == (0, 1, 1)
    assert (len(en.pages), len(en.events), len(en.places)) == (0, 1, 1)
    # de: the old schema (no start/end, modified_gmt only, no rule), six records of one series.
    assert len(occurrences(de.events, *WHOLE_SERIES)) == 6
    # en: every occurrence with event.id 2 and the whole rule: 53 dates, not 6 x 53.
    english = occurrences(en.events, *WHOLE_SERIES)
    assert len(english) == 53 == len({o.start for o in english})
    # Places without category, step-free information or organization: nothing made up.
    assert (de.places[0].category_id, de.places[0].barrier_free, de.places[0].organization) == (
        None,
        None,
        None,
    )
    assert (en.places[0].category, en.places[0].category_id) == ("Advice Center", 1)
    assert en.places[0].opening_hours is None and en.places[0].website == ""


async def test_weekday_only_and_online_events_as_the_cms_would_send_them(
    server: ApiServer, folder: Path, tmp_path: Path
) -> None:
    # No file has a weekday-only or an online event: the same en records, with the two fields set.
    raw = json.loads((folder / "nurnberg_en_events.json").read_text(encoding="utf-8"))
    lasting = json.loads((conformance_dir() / "augsburg_en_events.json").read_text(encoding="utf-8"))[-1]
    lasting["event"]["only_weekdays"] = True
    for record in raw:
        record["meeting_url"] = "https://meet.integreat-app.de/sprachcafe"
    routes = dict(read_replies(folder))
    routes["/api/v3/nurnberg/en/events/"] = json.dumps([*raw, lasting]).encode()
    server.set_routes(routes)
    _, content = await synced(server, tmp_path, "nurnberg")
    events = content.by_language["en"].events
    online = next(e for e in events if e.title == "Test-Event")
    assert online.meeting_url == "https://meet.integreat-app.de/sprachcafe"
    weekdays = next(e for e in events if e.only_weekdays)
    saturday = datetime(2030, 3, 2, tzinfo=BERLIN)
    assert saturday.weekday() == 5
    assert occurrences([weekdays], saturday, saturday + timedelta(days=2)) == []
    monday = occurrences([weekdays], saturday + timedelta(days=2), saturday + timedelta(days=3))
    assert [o.start for o in monday] == [datetime(2030, 3, 4, 13, tzinfo=BERLIN)]


async def test_a_schema_1_store_keeps_its_content_and_fetches_everything_anew(
    server: ApiServer, tmp_path: Path
) -> None:
    store, before = await synced(server, tmp_path, "augsburg")
    store.close()
    # Make it the store an older kiosk left: schema 1, validators that would get "304 Not Modified".
    path = tmp_path / "state" / "content.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version=1")
    reopened = Store.open(tmp_path / "state")
    assert reopened.load_region("augsburg") == before, "nothing of the last good content is lost"
    assert all(s.etag is None and s.body_hash is None for s in reopened.states("augsburg"))
    server.forget_requests()
    settings = sync_settings(server.url, tmp_path / "state", region="augsburg", languages=("de", "en", "ar"))
    report = await sync_once(settings, reopened, lambda: NOW + timedelta(minutes=15))
    assert not any("If-None-Match" in r.headers for r in server.seen()), "every resource fetched in full"
    assert "de" in report.changed and reopened.load_region("augsburg") is not None
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
