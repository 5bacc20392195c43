"""A sync killed (SIGKILL) at random moments leaves a sound store with every language whole."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.devtools.generate import GeneratedRegion, generate_region
from tests.support.api_server import ApiServer
from tests.support.stored import versions_by_language

REPO = Path(__file__).resolve().parents[2]
LANGUAGES = ("de", "uk", "ar")
SIZE = {"pages": 1500, "events": 120, "locations": 60}
SYNC = "import sys; from kiosk.cli.sync import sync_command; sys.exit(sync_command(['--once']))"


def region(version: int) -> GeneratedRegion:
    return generate_region(
        "crashstadt", LANGUAGES, SIZE["pages"], SIZE["events"], SIZE["locations"], version=version
    )


@pytest.fixture
def server() -> Iterator[ApiServer]:
    with ApiServer(region(1).routes) as running:
        yield running


def start_sync(server: ApiServer, state_dir: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "KIOSK_API__BASE_URL": server.url,
        "KIOSK_API__REGION": "crashstadt",
        "KIOSK_API__TIMEOUT_S": "20",
        "KIOSK_DISPLAY__LANGUAGES": '["de", "uk", "ar"]',
        "KIOSK_PATHS__STATE_DIR": str(state_dir),
    }
    return subprocess.Popen([sys.executable, "-c", SYNC], cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip


def test_killed_syncs_leave_old_or_new_never_mixed(server: ApiServer, tmp_path: Path) -> None:
    state_dir = tmp_path / "state"
    started = time.monotonic()
    first = start_sync(server, state_dir)
    assert first.wait(timeout=120) == 0
    duration = time.monotonic() - started
    assert versions_by_language(state_dir, "crashstadt", LANGUAGES, SIZE) == dict.fromkeys(LANGUAGES, 1)
    rng = random.Random(20260312)
    for version in range(2, 8):
        server.set_routes(region(version).routes)
        process = start_sync(server, state_dir)
        time.sleep(rng.uniform(0.1, 1.0) * duration)
        process.kill()
        process.wait(timeout=30)
        found = versions_by_language(state_dir, "crashstadt", LANGUAGES, SIZE)
        assert set(found.values()) <= set(range(1, version + 1))
    # Finally an undisturbed run brings everything to the newest version.
    assert start_sync(server, state_dir).wait(timeout=120) == 0
    assert versions_by_language(state_dir, "crashstadt", LANGUAGES, SIZE) == dict.fromkeys(LANGUAGES, 7)
