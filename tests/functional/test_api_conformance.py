"""Real Integreat CMS responses, served over HTTP on 127.0.0.1, read completely by the client and the sync."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime, time
from pathlib import Path
from typing import Any

import pytest

import kiosk.sync.round
from kiosk.cli.sync import sync_command
from kiosk.clock import BERLIN
from kiosk.content.models import TimeSlot
from kiosk.content.pages import PageTree
from kiosk.sources.integreat.client import IntegreatClient, Validators
from kiosk.sources.integreat.schema import (
    parse_events,
    parse_languages,
    parse_page,
    parse_pages,
    parse_place_categories,
    parse_places,
    parse_region,
)
from kiosk.store import Store
from kiosk.sync.round import sync_once
from tests.support.api_server import ApiServer, conformance_routes, sync_settings

NOW = datetime(2026, 3, 12, 14, 5, tzinfo=BERLIN)
# Routes whose content the kiosk does not show; they are still fetched and must be JSON lists.
NOT_SHOWN = {"/api/v3/augsburg/de/extras/"}


def series_count(raw: list[dict[str, Any]]) -> int:
    """How many events a list holds when every series counts once (its records share recurrence_id)."""
    keys = set()
    for record in raw:
        times = record.get("event") or {}
        if times.get("recurrence_id") is not None:
            keys.add(("series", times["recurrence_id"]))
        elif times.get("id") is not None:
            keys.add(("event", times["id"]))
        else:
            keys.add(("record", record.get("path")))
    return len(keys)


def parser_for(route: str) -> Callable[[Any], Any]:
    if route.endswith("/location-categories/"):
        return parse_place_categories
    if route.startswith("/api/v3/regions/"):
        return parse_region
    if route.endswith("/languages/"):
        return parse_languages
    if "/page/" in route or route.endswith("/imprint/"):
        return parse_page
    if "/pages/" in route or "/children/" in route:
        return parse_pages
    if "/events/" in route:
        return parse_events
    return parse_places


@pytest.fixture(scope="module")
def routes() -> dict[str, bytes]:
    return conformance_routes()


@pytest.fixture
def server(routes: dict[str, bytes]) -> Iterator[ApiServer]:
    with ApiServer(routes) as running:
        yield running


async def test_every_file_is_served_and_every_record_read(
    server: ApiServer, routes: dict[str, bytes]
) -> None:
    async with IntegreatClient(server.url, "augsburg", 2.0, 2 * 1024 * 1024) as client:
        for route, expected in routes.items():
            fetched = await client.get(route.removeprefix("/api/v3/"))
            assert fetched.body == expected, route
            raw = json.loads(expected)
            if route in NOT_SHOWN:
                assert isinstance(raw, list) and raw
                continue
            parsed = parser_for(route)(fetched.body)
            if "/events/" in route:
                assert len(parsed) == series_count(raw) <= len(raw), route
            elif isinstance(raw, list):
                assert len(parsed) == len(raw), route
            else:
                assert parsed.title if hasattr(parsed, "title") else parsed.languages, route


async def test_a_sync_stores_exactly_what_the_files_say(
    server: ApiServer, routes: dict[str, bytes], tmp_path: Path
) -> None:
    store = Store.open(tmp_path / "state")
    report = await sync_once(sync_settings(server.url, tmp_path / "state"), store, lambda: NOW)
    content = store.load_region("augsburg")
    assert content is not None and content.source == "api" and content.fetched_at == NOW
    assert [(lang.code, lang.native_name, lang.direction) for lang in content.languages] == [
        ("de", "Deutsch", "ltr"), ("en", "English", "ltr"), ("ar", "العربية", "rtl"),
    ]  # fmt: skip

    def file(route: str) -> Any:
        return json.loads(routes[route])

    de, en, ar = (content.by_language[code] for code in ("de", "en", "ar"))
    # Every record, field for field, is what the parsers make of the files.
    assert de.pages == parse_pages(file("/api/v3/augsburg/de/pages/"))
    assert ar.pages == parse_pages(file("/api/v3/augsburg/ar/pages/"))
    assert de.events == parse_events(file("/api/v3/augsburg/de/events/?combine_recurring=True"))
    assert en.events == parse_events(file("/api/v3/augsburg/en/events/"))
    assert ar.events == parse_events(file("/api/v3/augsburg/ar/events/"))
    for code, language in (("de", de), ("en", en), ("ar", ar)):
        assert language.places == parse_places(file(f"/api/v3/augsburg/{code}/locations/"))

    # And a visitor would see: titles, hierarchy, language links, Arabic text.
    german = PageTree(de.pages)
    assert [p.title for p in german.breadcrumbs(36)] == [
        "Behörden und Beratung",
        "Behörden",
        "Ausländerbehörde",
    ]
    welcome = next(p for p in de.pages if p.title == "Willkommen")
    assert {code: link.id for code, link in welcome.available_languages.items()} == {
        "en": 7,
        "ar": 13,
        "fa": 11,
    }
    assert [p.id for p in PageTree(ar.pages).breadcrumbs(38)] == [43, 46, 38]
    assert next(p for p in ar.pages if p.id == 38).title == "دائرة شؤون الأجانب"
    # Events with dates and recurrence (one record per series with combine_recurring).
    series = de.events[0]
    assert series.start == datetime(2030, 1, 1, 13, 0, tzinfo=BERLIN)
    assert series.recurrence_rule is not None and "FREQ=WEEKLY" in series.recurrence_rule
    assert len(de.events) == 1 and len(en.events) == 3  # en: 8 records, the series's 6 are one event
    assert [c.name for c in de.categories] == ["Beratungsstelle", "Behörde/Amt", "Gastronomie"]
    assert en.categories == () and ar.categories == ()  # not served: a 404 reads as none
    # Locations with hours and coordinates, in every language.
    office = de.places[0]
    assert office.opening_hours is not None
    assert office.opening_hours.days[0].slots == (TimeSlot(time(10), time(13)), TimeSlot(time(15), time(18)))
    assert (office.address.latitude, office.address.longitude) == (48.3781092, 10.887578)
    assert ar.places[0].id == en.places[0].id == office.id
    # The region offers en pages and all of fa, but the server has none: reported, not invented.
    assert [problem.resource for problem in report.errors] == [
        "en/pages",
        "fa/pages",
        "fa/events",
        "fa/locations",
    ]
    assert all("404" in problem.message for problem in report.errors)


async def test_an_unchanged_round_costs_no_parsing(
    server: ApiServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = sync_settings(server.url, tmp_path / "state", languages=("de", "ar"))
    store = Store.open(tmp_path / "state")
    await sync_once(settings, store)
    server.forget_requests()
    parsed: list[str] = []
    original = kiosk.sync.round._parse

    def counting_parse(kind: str, body: bytes) -> list[Any]:
        parsed.append(kind)
        return original(kind, body)

    monkeypatch.setattr(kiosk.sync.round, "_parse", counting_parse)
    report = await sync_once(settings, store)
    assert report.ok and report.changed == [] and parsed == []
    seen = server.seen()
    # The language list, then pages, events, locations and location categories of de and ar; every
    # resource the server has is asked for conditionally (ar has no categories: a 404, nothing to ask).
    assert len(seen) == 9
    assert all(
        r.headers.get("If-None-Match") for r in seen if not r.path.endswith("/ar/location-categories/")
    )
    # A server without validators: the same body again is recognised and not parsed either.
    server.state.validators = "none"
    report = await sync_once(settings, store)
    assert report.ok and report.changed == [] and parsed == []


async def test_last_modified_alone_is_used_and_a_change_is_picked_up(
    server: ApiServer, routes: dict[str, bytes], tmp_path: Path
) -> None:
    server.state.validators = "last_modified"
    settings = sync_settings(server.url, tmp_path / "state", languages=("de",))
    store = Store.open(tmp_path / "state")
    await sync_once(settings, store)
    server.forget_requests()
    assert (await sync_once(settings, store)).changed == []
    assert all(r.headers.get("If-Modified-Since") and "If-None-Match" not in r.headers for r in server.seen())
    changed = json.loads(routes["/api/v3/augsburg/de/pages/"])[:3]
    changed[0]["title"] = "Willkommen (neu)"
    server.set_routes({**routes, "/api/v3/augsburg/de/pages/": json.dumps(changed).encode()})
    report = await sync_once(settings, store)
    assert report.changed == ["de"] and report.languages["de"]["pages"] == 3
    german = store.load_language("augsburg", "de")
    assert german is not None and german.pages[0].title == "Willkommen (neu)"


async def test_gzip_bodies_and_the_region_fallback_for_languages(
    server: ApiServer, routes: dict[str, bytes], tmp_path: Path
) -> None:
    server.state.gzip = True
    server.set_routes({route: body for route, body in routes.items() if not route.endswith("/languages/")})
    async with IntegreatClient(server.url, "augsburg", 2.0, 2 * 1024 * 1024) as client:
        fetched = await client.languages()
        assert [lang.code for lang in parse_languages(fetched.body)] == ["de", "en", "ar", "fa"]
        pages = await client.pages("de")
        assert pages.body == routes["/api/v3/augsburg/de/pages/"]
        again = await client.pages("de", pages.validators)
        assert again.unchanged and again.validators == pages.validators
        assert (await client.pages("de", Validators(etag='"other"'))).body is not None
    assert server.seen("/api/v3/augsburg/de/pages/")[0].headers["Accept-Encoding"] == "gzip"


def test_kiosk_sync_once_json_counts_match_the_files(
    server: ApiServer,
    routes: dict[str, bytes],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("KIOSK_API__BASE_URL", server.url)
    monkeypatch.setenv("KIOSK_API__REGION", "augsburg")
    monkeypatch.setenv("KIOSK_DISPLAY__LANGUAGES", '["de", "en", "ar", "fa"]')
    monkeypatch.setenv("KIOSK_PATHS__STATE_DIR", str(tmp_path / "state"))
    code = sync_command(["--once", "--json"])
    report = json.loads(capsys.readouterr().out)

    def count(route: str) -> int | None:
        return len(json.loads(routes[route])) if route in routes else None

    def series(route: str) -> int | None:
        return series_count(json.loads(routes[route])) if route in routes else None

    expected = {
        lang: {
            "pages": count(f"/api/v3/augsburg/{lang}/pages/"),
            "events": series(f"/api/v3/augsburg/{lang}/events/?combine_recurring=True")
            or series(f"/api/v3/augsburg/{lang}/events/"),
            "locations": count(f"/api/v3/augsburg/{lang}/locations/"),
        }
        for lang in ("de", "en", "ar", "fa")
    }
    assert report["region"] == "augsburg" and report["languages"] == expected
    assert expected["de"] == {"pages": 21, "events": 1, "locations": 1}
    # The files have no en pages and nothing in fa although the region lists both: exit 1, named.
    assert code == 1
    assert [error["resource"] for error in report["errors"]] == [
        "en/pages",
        "fa/pages",
        "fa/events",
        "fa/locations",
    ]
    assert (tmp_path / "state" / "content.sqlite3").is_file()
