"""Every fault keeps the last-known-good content, is logged once per episode and reported clearly."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kiosk.clock import BERLIN
from kiosk.config import Settings
from kiosk.content.models import RegionContent
from kiosk.sources.integreat.client import RetryPolicy
from kiosk.store import Store
from kiosk.sync.round import SyncReport, sync_once
from kiosk.sync.status import content_age
from tests.support.api_server import (
    FAULTS,
    ApiServer,
    Fault,
    conformance_routes,
    free_port_url,
    sync_settings,
)

NOW = datetime(2026, 3, 12, 14, 5, tzinfo=BERLIN)
PAGES = "/api/v3/augsburg/de/pages/"
QUICK = RetryPolicy(attempts=2, first_wait_s=0.001, max_wait_s=0.01, max_retry_after_s=0.01)
# What the report says for a fault on one resource (after the resource's name).
SAYS: dict[str, str] = {
    "timeout": "no complete answer within 0.3 s (2 attempts)",
    "drip": "no complete answer within 0.3 s (2 attempts)",
    "reset": "connection failed: Server disconnected without sending a response. (2 attempts)",
    "500": "server error (500) (2 attempts)",
    "503": "server error (503) (2 attempts)",
    "429": "too many requests (429) (2 attempts)",
    "malformed": "unusable answer: not valid JSON (Expecting property name enclosed in double quotes",
    "truncated": "connection failed: peer closed connection without sending complete message body",
    "wrong_shape": "unusable answer: pages: expected a list, got dict",
    "huge": "response larger than 1 MB",
    "huge_declared": "response larger than 1 MB",
    "gzip_bomb": "response larger than 1 MB once decompressed",
    "redirect_loop": "more than 5 redirects",
    "wrong_type": "not JSON but 'text/html; charset=utf-8'",
}


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def server() -> Iterator[ApiServer]:
    with ApiServer(conformance_routes()) as running:
        yield running


@pytest.fixture
def settings(server: ApiServer, tmp_path: Path) -> Settings:
    return sync_settings(
        server.url, tmp_path / "state", languages=("de", "ar"), timeout_s=0.3, max_response_mb=1
    )


@pytest.fixture
async def synced(settings: Settings) -> tuple[Store, RegionContent]:
    """A store holding a good first round: the last-known-good every fault must leave alone."""
    store = Store.open(settings.paths.state_dir)
    report = await sync_once(settings, store, lambda: NOW, retry=QUICK)
    content = store.load_region("augsburg")
    assert report.ok and content is not None
    return store, content


async def no_sleep(seconds: float) -> None:
    pass


async def round_(settings: Settings, store: Store, clock: Clock) -> SyncReport:
    clock.now += timedelta(minutes=15)
    return await sync_once(settings, store, clock, retry=QUICK, sleep=no_sleep)


def unchanged(store: Store, before: RegionContent) -> bool:
    """The stored content is still exactly ``before`` (its freshness may have moved on)."""
    after = store.load_region("augsburg")
    if after is None:
        return False
    return after.languages == before.languages and after.by_language == before.by_language


def sync_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "kiosk.sync"]


def test_every_fault_of_the_brief_is_covered() -> None:
    assert set(SAYS) == set(FAULTS)


@pytest.mark.parametrize("fault", FAULTS)
async def test_a_failing_resource_keeps_its_content_and_logs_one_line_per_episode(
    fault: Fault,
    server: ApiServer,
    settings: Settings,
    synced: tuple[Store, RegionContent],
    caplog: pytest.LogCaptureFixture,
) -> None:
    store, before = synced
    clock = Clock()
    server.fail(fault, PAGES, retry_after=1)
    with caplog.at_level(logging.INFO, logger="kiosk.sync"):
        first = await round_(settings, store, clock)
        second = await round_(settings, store, clock)
        assert sync_lines(caplog) == [
            f"augsburg/de/pages: {first.errors[0].message}; keeping the last good content"
        ]
        server.heal()
        healed = await round_(settings, store, clock)
    for report in (first, second):
        assert [(problem.resource, problem.message[: len(SAYS[fault])]) for problem in report.errors] == [
            ("de/pages", SAYS[fault])
        ]
        assert report.exit_code == 1
        assert report.languages["de"] == {"pages": 21, "events": 1, "locations": 1}  # the kept content
    assert unchanged(store, before)  # nothing lost, nothing mixed
    assert healed.ok and sync_lines(caplog)[1:] == ["augsburg/de/pages: refreshed again"]
    states = {(s.language, s.kind): s for s in store.states("augsburg")}
    assert states["de", "pages"].last_error is None and states["de", "pages"].confirmed_at == clock.now


async def test_an_unreachable_server_is_one_error_and_one_line(
    settings: Settings, synced: tuple[Store, RegionContent], caplog: pytest.LogCaptureFixture
) -> None:
    store, before = synced
    unreachable = settings.model_copy(
        update={"api": settings.api.model_copy(update={"base_url": free_port_url()})}
    )
    clock = Clock()
    with caplog.at_level(logging.INFO, logger="kiosk.sync"):
        reports = [await round_(unreachable, store, clock) for _ in range(3)]
    for report in reports:
        assert report.to_json()["errors"] == [
            {"resource": "languages", "error": "cannot connect: connection refused (2 attempts)"}
        ]
        assert report.languages["ar"] == {"pages": 14, "events": 3, "locations": 1}
    assert len(sync_lines(caplog)) == 1
    assert unchanged(store, before)
    status = content_age(store, "augsburg")
    assert status.source == "api" and status.fetched_at == NOW
    assert status.last_error == "cannot connect: connection refused (2 attempts)"


async def test_a_server_failing_everywhere_is_not_asked_for_every_resource(
    server: ApiServer, settings: Settings, synced: tuple[Store, RegionContent]
) -> None:
    store, before = synced
    server.fail("500")
    server.forget_requests()
    report = await round_(settings, store, Clock())
    assert [problem.resource for problem in report.errors] == ["languages"]
    assert [request.path for request in server.seen()] == ["/api/v3/augsburg/languages/"] * 2
    assert unchanged(store, before)


async def test_a_response_whose_records_are_all_broken_keeps_the_old_ones(
    server: ApiServer, settings: Settings, synced: tuple[Store, RegionContent]
) -> None:
    store, before = synced
    routes = conformance_routes()
    server.set_routes({**routes, PAGES: b'[{"id": 1}, {"title": null}, "x"]'})
    report = await round_(settings, store, Clock())
    assert report.to_json()["errors"] == [
        {"resource": "de/pages", "error": "unusable answer: none of the 3 records is usable"}
    ]
    assert unchanged(store, before)


async def test_json_nested_too_deep_is_an_unusable_answer_not_a_crash(
    server: ApiServer, settings: Settings, synced: tuple[Store, RegionContent]
) -> None:
    store, before = synced
    server.set_routes({**conformance_routes(), PAGES: b"[" * 200_000 + b"]" * 200_000})
    report = await round_(settings, store, Clock())
    assert [(p.resource, p.message.split(":")[0]) for p in report.errors] == [("de/pages", "unusable answer")]
    assert unchanged(store, before)


async def test_a_language_the_region_drops_is_no_longer_fetched(
    server: ApiServer, settings: Settings, synced: tuple[Store, RegionContent]
) -> None:
    store, _ = synced
    routes = conformance_routes()
    server.set_routes(
        {**routes, "/api/v3/augsburg/languages/": b'[{"code": "de", "native_name": "Deutsch"}]'}
    )
    server.forget_requests()
    report = await round_(settings, store, Clock())
    assert report.ok and list(report.languages) == ["de"]
    assert not server.seen("/api/v3/augsburg/ar/pages/")
    content = store.load_region("augsburg")
    assert content is not None and [lang.code for lang in content.languages] == ["de"]


async def test_a_store_that_cannot_be_written_is_reported_once_not_raised(
    server: ApiServer,
    settings: Settings,
    synced: tuple[Store, RegionContent],
    caplog: pytest.LogCaptureFixture,
) -> None:
    store, before = synced
    routes = conformance_routes()
    server.set_routes({**routes, PAGES: routes[PAGES].replace(b"Willkommen", b"Hallo")})
    store._db.execute("PRAGMA query_only=ON")  # as a read-only file system or a full disk would
    with caplog.at_level(logging.ERROR, logger="kiosk.store"):
        reports = [await round_(settings, store, Clock()) for _ in range(2)]
    for report in reports:
        assert [problem.resource for problem in report.errors] == ["store", "de/store"]
        assert "cannot write augsburg/languages,ar" in report.errors[0].message
        assert "cannot write augsburg/de" in report.errors[1].message and report.changed == []
        assert report.exit_code == 1
    assert len(caplog.records) == 1
    assert unchanged(store, before)
    store._db.execute("PRAGMA query_only=OFF")
    assert (await round_(settings, store, Clock())).changed == ["de"]
