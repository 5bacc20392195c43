"""The kiosk's side of syncing: content at start, the background refresh, and the status line's facts."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kiosk.clock import BERLIN
from kiosk.config import Settings
from kiosk.content.models import RegionContent
from kiosk.sources.integreat.client import RetryPolicy
from kiosk.sources.snapshot import load_snapshot
from kiosk.store import Store
from kiosk.sync.loop import Syncer
from kiosk.sync.status import content_age, content_at_start
from tests.support.api_server import ApiServer, conformance_routes, free_port_url, sync_settings
from tests.support.waiting import until

NOW = datetime(2026, 3, 12, 14, 5, tzinfo=BERLIN)
QUICK = RetryPolicy(attempts=1)


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
    return sync_settings(server.url, tmp_path / "state", languages=("de", "ar"))


def test_first_start_shows_the_snapshot_and_says_so(settings: Settings) -> None:
    store = Store.open(settings.paths.state_dir)
    content = content_at_start(settings, store)  # region augsburg has nothing yet: the bundled content
    snapshot = load_snapshot()
    assert content is not None and content.region == snapshot.region and content.source == "snapshot"
    assert list(content.by_language) == ["de", "ar"]
    assert content_age(store, "augsburg") == ("snapshot", snapshot.fetched_at, None)


async def test_new_content_is_handed_over_only_when_something_changed(
    settings: Settings, server: ApiServer
) -> None:
    store = Store.open(settings.paths.state_dir)
    handed: list[RegionContent] = []
    clock = Clock()
    syncer = Syncer(settings, store, handed.append, clock, retry=QUICK)
    await syncer.run_once()
    assert len(handed) == 1
    first = handed[0]
    assert first.region == "augsburg" and first.source == "api" and list(first.by_language) == ["de", "ar"]
    clock.now += timedelta(minutes=15)
    report = await syncer.run_once()
    assert report is not None and report.ok and report.changed == [] and len(handed) == 1
    # The Arabic pages change: only Arabic is read again; German is the very same object.
    routes = conformance_routes()
    pages = json.loads(routes["/api/v3/augsburg/ar/pages/"])[:2]
    server.set_routes({**routes, "/api/v3/augsburg/ar/pages/": json.dumps(pages).encode()})
    await syncer.run_once()
    assert len(handed) == 2
    second = handed[1]
    assert second.by_language["de"] is first.by_language["de"]
    assert (
        len(second.by_language["ar"].pages) == 2
        and second.by_language["ar"].events == first.by_language["ar"].events
    )
    assert content_age(store, "augsburg") == ("api", NOW + timedelta(minutes=15), None)


async def test_an_unreachable_server_is_the_offline_status_with_the_last_good_time(
    settings: Settings,
) -> None:
    store = Store.open(settings.paths.state_dir)
    clock = Clock()
    await Syncer(settings, store, None, clock, retry=QUICK).run_once()
    offline = settings.model_copy(
        update={"api": settings.api.model_copy(update={"base_url": free_port_url()})}
    )
    clock.now += timedelta(hours=3)
    handed: list[RegionContent] = []
    report = await Syncer(offline, store, handed.append, clock, retry=QUICK).run_once()
    assert report is not None and not report.ok and handed == []
    status = content_age(store, "augsburg")
    assert status.source == "api" and status.fetched_at == NOW
    assert status.last_error == "cannot connect: connection refused (1 attempt)"


async def test_a_resource_that_keeps_failing_ages_its_language_only(
    settings: Settings, server: ApiServer
) -> None:
    store = Store.open(settings.paths.state_dir)
    clock = Clock()
    syncer = Syncer(settings, store, None, clock, retry=QUICK)
    await syncer.run_once()
    server.fail("500", "/api/v3/augsburg/ar/events/")
    clock.now += timedelta(hours=2)
    await syncer.run_once()
    assert content_age(store, "augsburg", "de") == ("api", NOW + timedelta(hours=2), None)
    assert content_age(store, "augsburg", "ar") == ("api", NOW, None)  # old, but the server is up


async def test_the_background_task_refreshes_until_cancelled(settings: Settings, server: ApiServer) -> None:
    store = Store.open(settings.paths.state_dir)
    handed: list[RegionContent] = []
    syncer = Syncer(settings, store, handed.append, retry=QUICK)
    task = asyncio.create_task(syncer.run())
    await until(lambda: handed, "the first round hands over the content")
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert len(handed) == 1 and syncer.last_report is not None and syncer.last_report.ok


async def test_without_an_api_the_background_task_ends_quietly(tmp_path: Path) -> None:
    settings = Settings(paths={"state_dir": tmp_path / "state"})
    store = Store.open(settings.paths.state_dir)
    await asyncio.wait_for(Syncer(settings, store).run(), timeout=5)
    assert await Syncer(settings, store).run_once() is None
