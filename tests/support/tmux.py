"""A command in a real terminal: a tmux server of its own, typed at with send-keys, read with capture-pane.

Each terminal gets a private tmux server (``-L``, no config file), so tests running side by side, or a
developer's own tmux sessions, never see each other. The command gets exactly the environment given.
Nothing here sleeps for a fixed time: every wait is for something on the screen, with a generous bound.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Self

#: How long a screen may take to show what a test waits for (a loaded machine can be slow).
WAIT_S = 60.0


class Tmux:
    """One command in a tmux pane of ``width`` x ``height`` cells; the pane stays after the command ends."""

    def __init__(
        self,
        command: Sequence[str],
        env: Mapping[str, str],
        *,
        width: int = 100,
        height: int = 30,
        cwd: Path | None = None,
    ) -> None:
        self.socket = f"kiosk-test-{uuid.uuid4().hex[:12]}"
        where = ["-c", str(cwd)] if cwd is not None else []
        size = ["-x", str(width), "-y", str(height)]
        variables = [f"{key}={value}" for key, value in env.items()]
        self.tmux("new-session", "-d", "-s", "kiosk", *size, *where, "env", "-i", *variables, *command)
        self.tmux("set-option", "-t", "kiosk", "remain-on-exit", "on")
        # env replaced itself with the command: the pane's process is the command.
        self.pid = int(self.tmux("display-message", "-p", "-t", "kiosk:0", "#{pane_pid}"))

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def tmux(self, *args: str) -> str:
        """Run a tmux command against this terminal's server; its output."""
        done = subprocess.run(
            ["tmux", "-f", "/dev/null", "-L", self.socket, *args], check=True, capture_output=True, text=True
        )
        return done.stdout

    def screen(self) -> str:
        """The visible cells as text, one line per row."""
        return self.tmux("capture-pane", "-p", "-t", "kiosk:0")

    def wait_for(self, text: str, timeout: float = WAIT_S) -> str:
        """The screen once it shows ``text``; fails with the screen as it was if it never does."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if text in screen:
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} did not appear in {timeout:g} s; the screen shows:\n{screen}")
            time.sleep(0.05)

    def send(self, *keys: str) -> None:
        """Type ``keys`` (tmux key names) one after the other, without waiting for anything."""
        for key in keys:
            self.tmux("send-keys", "-t", "kiosk:0", key)

    def press(self, key: str, timeout: float = WAIT_S) -> str:
        """Type ``key`` and wait until the screen has changed (the key was handled); the new screen.

        The next key then goes to whatever the key opened, however slow the machine is.
        """
        before = self.screen()
        self.send(key)
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if screen != before:
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{key} changed nothing in {timeout:g} s; the screen:\n{screen}")
            time.sleep(0.05)

    def alive(self) -> bool:
        """True while the command runs."""
        return self.tmux("list-panes", "-t", "kiosk:0", "-F", "#{pane_dead}").strip() == "0"

    def titles(self) -> str:
        """The titles of every pane (a program may set one with an escape sequence)."""
        return self.tmux("list-panes", "-a", "-F", "#{pane_title}")

    def buffers(self) -> str:
        """tmux's paste buffers (where a clipboard write through OSC 52 would land)."""
        return self.tmux("list-buffers")

    def close(self) -> None:
        """Stop the command (SIGTERM, SIGKILL after 10 s), then the tmux server."""
        # The command first, while its terminal still exists (a hung-up terminal would be its SIGHUP).
        try:
            if self.alive():
                os.kill(self.pid, signal.SIGTERM)
                deadline = time.monotonic() + 10
                while self.alive() and time.monotonic() < deadline:
                    time.sleep(0.05)
                if self.alive():
                    os.kill(self.pid, signal.SIGKILL)
        except (ProcessLookupError, subprocess.CalledProcessError):
            pass
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], check=False, capture_output=True)
