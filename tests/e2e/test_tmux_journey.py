"""End to end in a real terminal: start `kiosk` in tmux, walk the journey, try every way out."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

if shutil.which("tmux") is None:
    pytest.skip("tmux is not installed (apt-get install tmux); .ci/run installs it", allow_module_level=True)


class Terminal:
    """A tmux session running one command, read through capture-pane."""

    def __init__(self, command: list[str], env: dict[str, str], width: int, height: int) -> None:
        self.name = f"kiosk-e2e-{uuid.uuid4().hex[:8]}"
        env_args = [f"{k}={v}" for k, v in env.items()]
        subprocess.run(
            [
                "tmux",
                "new-session",
                "-d",
                "-s",
                self.name,
                "-x",
                str(width),
                "-y",
                str(height),
                "env",
                *env_args,
                *command,
            ],
            check=True,
        )
        subprocess.run(["tmux", "set-option", "-t", self.name, "remain-on-exit", "on"], check=True)

    def screen(self) -> str:
        return subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", self.name], check=True, capture_output=True, text=True
        ).stdout

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} did not appear on screen; the screen shows:\n{screen}")

    def press(self, *keys: str) -> None:
        for key in keys:
            subprocess.run(["tmux", "send-keys", "-t", self.name, key], check=True)
            time.sleep(0.3)

    def alive(self) -> bool:
        out = subprocess.run(
            ["tmux", "list-panes", "-t", self.name, "-F", "#{pane_dead}"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        return out == "0"

    def close(self) -> None:
        # Stop the kiosk itself first: killing the session only hangs up its terminal.
        pid = subprocess.run(
            ["tmux", "list-panes", "-t", self.name, "-F", "#{pane_pid}"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        if pid.isdigit():
            subprocess.run(["kill", "-TERM", pid], check=False)
            time.sleep(0.5)
        subprocess.run(["tmux", "kill-session", "-t", self.name], check=False, capture_output=True)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
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
    term = Terminal([sys.executable, "-m", "kiosk"], env, 100, 30)
    try:
        yield term
    finally:
        term.close()


def test_journey_and_no_way_out(terminal: Terminal) -> None:
    terminal.wait_for("lokal willkommen")
    terminal.press("x")  # any key leaves the welcome screen
    terminal.wait_for("English")
    terminal.press("2")  # English is the second language
    terminal.wait_for("Help topics")
    terminal.press("1")
    terminal.wait_for("Help topics")
    terminal.press("1", "1")  # a category, then its first topic (or the category's own page)
    before = terminal.screen()
    assert "Back" in before

    for key in ("C-c", "C-q", "C-z", "C-\\", "C-p"):
        terminal.press(key)
    time.sleep(1.0)
    assert terminal.alive(), "the kiosk process ended"
    after = terminal.screen()
    assert "Start over" in after, f"the kiosk is no longer on screen:\n{after}"
    assert "Back" in after
    # Still responsive: Home goes to the home screen.
    terminal.press("Home")
    terminal.wait_for("How can we help you?")
