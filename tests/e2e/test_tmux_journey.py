"""End to end in a real terminal: start `kiosk` in tmux, walk the journey, try every way out."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.tmux import Tmux

pytestmark = pytest.mark.e2e

if shutil.which("tmux") is None:
    pytest.skip("tmux is not installed (apt-get install tmux); .ci/run installs it", allow_module_level=True)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Tmux]:
    config = tmp_path / "kiosk.toml"
    config.write_text("", encoding="utf-8")
    env = {
        "KIOSK_CONFIG": str(config),
        "KIOSK_PATHS__STATE_DIR": str(tmp_path / "state"),
        "KIOSK_PATHS__CACHE_DIR": str(tmp_path / "cache"),
        "TERM": "xterm-256color",
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
    }
    with Tmux([sys.executable, "-m", "kiosk"], env, width=100, height=30) as term:
        yield term


def test_journey_and_no_way_out(terminal: Tmux) -> None:
    terminal.wait_for("lokal willkommen")
    terminal.press("x")  # any key leaves the welcome screen
    terminal.wait_for("English")
    terminal.press("2")  # English is the second language
    terminal.wait_for("Help topics")
    terminal.press("1")
    terminal.wait_for("Help topics")
    terminal.press("1")  # a category, then its first topic (or the category's own page)
    before = terminal.press("1")
    assert "Back" in before

    for key in ("C-c", "C-q", "C-z", "C-\\", "C-p"):
        terminal.send(key)
    after = terminal.screen()
    assert terminal.alive(), "the kiosk process ended"
    assert "Start over" in after, f"the kiosk is no longer on screen:\n{after}"
    assert "Back" in after
    # Still responsive: Home goes to the home screen. Keys are handled in order, so once it has, every
    # chord before it was handled too, and none ended, suspended or covered the kiosk.
    terminal.press("Home")
    terminal.wait_for("How can we help you?")
    assert terminal.alive(), "the kiosk process ended"
