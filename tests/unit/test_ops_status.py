"""The STATUS= line staff read in `systemctl status kiosk`: content source and age, last sync, languages."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from kiosk.ops.status import status_line
from kiosk.store import LANGUAGES, ResourceState

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 12, 2, 15, 30, tzinfo=BERLIN)
TWELVE = ["de", "en", "uk", "ar", "fa", "ru", "tr", "ku", "ro", "bg", "pl", "fr"]


def state(kind: str, language: str, *, confirmed: datetime | None, error: str | None = None) -> ResourceState:
    attempted = NOW - timedelta(minutes=5)
    return ResourceState(
        "dortmund", language, kind, "api", confirmed_at=confirmed, attempted_at=attempted, last_error=error
    )


def test_synced_content_names_its_oldest_part_and_the_last_sync() -> None:
    states = [
        state(LANGUAGES, "", confirmed=NOW - timedelta(minutes=5)),
        state("pages", "de", confirmed=NOW - timedelta(minutes=5)),
        state("events", "de", confirmed=NOW - timedelta(days=1, hours=2)),
    ]
    line = status_line(states, api_configured=True, loaded=["de", "en"], configured=TWELVE, now=NOW)
    assert line == "content from the API of 1 Dec 13:30, last sync 15:25 ok; languages 2/12: de en"


def test_a_failing_sync_says_how_many_failed_and_why_in_one_line() -> None:
    states = [
        state(LANGUAGES, "", confirmed=NOW - timedelta(hours=3), error="ConnectError:\nno route"),
        state("pages", "de", confirmed=NOW - timedelta(hours=3)),
    ]
    line = status_line(states, api_configured=True, loaded=["de"], configured=["de"], now=NOW)
    assert line == (
        "content from the API of 12:30, last sync 15:25: 1 of 2 failed "
        "(ConnectError: no route); languages 1/1: de"
    )
    assert "\n" not in line


def test_without_an_api_the_bundled_content_is_named() -> None:
    line = status_line([], api_configured=False, loaded=TWELVE[:3], configured=TWELVE, now=NOW)
    assert line == "bundled content (no content API configured); languages 3/12: de en uk"


def test_before_the_first_sync_staff_see_that_none_happened() -> None:
    line = status_line([], api_configured=True, loaded=["de"], configured=["de"], now=NOW)
    assert line == "bundled content (nothing from the API yet), no sync yet; languages 1/1: de"
