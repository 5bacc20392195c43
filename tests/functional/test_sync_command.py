"""``kiosk sync --once [--json]``: the report staff read, and exit codes 0, 1 and 2."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.cli.sync import sync_command
from tests.support.api_server import ApiServer, conformance_routes, free_port_url


@pytest.fixture
def server() -> Iterator[ApiServer]:
    with ApiServer(conformance_routes()) as running:
        yield running


@pytest.fixture
def configured(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, server: ApiServer) -> Path:
    monkeypatch.setenv("KIOSK_API__BASE_URL", server.url)
    monkeypatch.setenv("KIOSK_API__REGION", "augsburg")
    monkeypatch.setenv("KIOSK_API__TIMEOUT_S", "1")
    monkeypatch.setenv("KIOSK_DISPLAY__LANGUAGES", '["de", "ar"]')
    monkeypatch.setenv("KIOSK_PATHS__STATE_DIR", str(tmp_path / "state"))
    return tmp_path / "state"


def test_all_fine_is_exit_0_with_one_line_per_language(
    configured: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert sync_command(["--once"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "augsburg/de: pages 21, events 1, locations 1",
        "augsburg/ar: pages 14, events 3, locations 1",  # 8 records: one series, two events
    ]
    assert err == ""


def test_a_failed_resource_is_exit_1_and_named(
    configured: Path, server: ApiServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert sync_command(["--once"]) == 0
    capsys.readouterr()
    server.fail("wrong_type", "/api/v3/augsburg/ar/events/")
    assert sync_command(["--once", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report == {
        "region": "augsburg",
        "languages": {
            "de": {"pages": 21, "events": 1, "locations": 1},
            "ar": {"pages": 14, "events": 3, "locations": 1},  # the last good events are still there
        },
        "errors": [{"resource": "ar/events", "error": "not JSON but 'text/html; charset=utf-8'"}],
    }
    assert sync_command(["--once"]) == 1
    assert "failed: ar/events: not JSON but 'text/html; charset=utf-8'" in capsys.readouterr().err


def test_an_unreachable_server_is_exit_1(
    configured: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KIOSK_API__BASE_URL", free_port_url())
    assert sync_command(["--once", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["languages"] == {}  # nothing known yet
    assert report["errors"] == [
        {"resource": "languages", "error": "cannot connect: connection refused (3 attempts)"}
    ]


def test_no_api_configured_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert sync_command(["--once"]) == 2
    assert capsys.readouterr().err == (
        "kiosk sync: no content API configured: set base_url in [api] (or KIOSK_API__BASE_URL)\n"
    )


def test_a_broken_configuration_is_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KIOSK_API__BASE_URL", "http://cms.example.org")
    assert sync_command(["--once"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kiosk sync: environment variable KIOSK_API__BASE_URL") and "https://" in err
    assert len(err.splitlines()) == 1


def test_without_once_or_with_unknown_options_is_exit_2(
    configured: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert sync_command([]) == 2
    assert sync_command(["--once", "--everything"]) == 2
    assert not (configured / "content.sqlite3").exists()
