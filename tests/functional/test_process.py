"""The kiosk as a real process in a real terminal: systemd's notify socket, the watchdog, signals.

The kiosk runs in a pseudo-terminal of its own (or in tmux where the screen must be read), with
``NOTIFY_SOCKET`` bound to a unix datagram socket of the test, as systemd (via the kiosk session)
would give it.
"""

from __future__ import annotations

import fcntl
import itertools
import os
import pty
import shutil
import signal
import socket
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.i18n.catalogs import bundled_translations_dir, load_catalog
from tests.support.tmux import Tmux

REPO = Path(__file__).resolve().parents[2]
WATCHDOG_USEC = 2_000_000
WATCHDOG_S = WATCHDOG_USEC / 1_000_000
ENTER_ALT_SCREEN, LEAVE_ALT_SCREEN = b"\x1b[?1049h", b"\x1b[?1049l"
TAGLINE = "Help for newcomers in Mengede and Huckarde"

# Test-only start-up: SIGUSR1 makes the main thread, which runs the event loop, sleep. Other threads
# (input, output, workers) carry on, as they would while a bug blocks the loop.
BLOCKING_LAUNCHER = """
import signal, sys, time
block_s = float(sys.argv[1])
signal.signal(signal.SIGUSR1, lambda signum, frame: time.sleep(block_s))
from kiosk.cli import main
sys.argv = ["kiosk"]
raise SystemExit(main())
"""


class SystemdSocket:
    """Stands in for systemd's notify socket; remembers when each message arrived."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)

    def next(self, timeout: float) -> tuple[float, list[str]] | None:
        """The next message and its arrival time, or None if none comes within ``timeout``."""
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(4096)
        except TimeoutError:
            return None
        return time.monotonic(), data.decode().split("\n")

    def wait_for(self, line: str, timeout: float = 30.0) -> list[list[str]]:
        """Messages up to and including the first that holds ``line``."""
        deadline = time.monotonic() + timeout
        seen: list[list[str]] = []
        while (left := deadline - time.monotonic()) > 0:
            message = self.next(left)
            if message is None:
                break
            seen.append(message[1])
            if line in message[1]:
                return seen
        raise AssertionError(f"{line} did not arrive; got {seen}")

    def gather(self, seconds: float) -> list[tuple[float, list[str]]]:
        """Everything that arrives within ``seconds``."""
        deadline = time.monotonic() + seconds
        got = []
        while (left := deadline - time.monotonic()) > 0:
            message = self.next(left)
            if message is None:
                break
            got.append(message)
        return got

    def close(self) -> None:
        self.sock.close()


def kiosk_env(tmp_path: Path, systemd: SystemdSocket, **extra: str) -> dict[str, str]:
    config = tmp_path / "kiosk.toml"
    if not config.exists():
        config.write_text("", encoding="utf-8")
    return {
        "KIOSK_CONFIG": str(config),
        "KIOSK_PATHS__STATE_DIR": str(tmp_path / "state"),
        "KIOSK_PATHS__CACHE_DIR": str(tmp_path / "cache"),
        "NOTIFY_SOCKET": systemd.path,
        "WATCHDOG_USEC": str(WATCHDOG_USEC),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "HOME": str(tmp_path),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        **extra,
    }


class KioskInPty:
    """The kiosk with a pseudo-terminal as its controlling terminal; everything it writes is kept."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.master, self.slave = pty.openpty()
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        self.modes_before = termios.tcgetattr(self.slave)
        self.process = subprocess.Popen(
            command,
            stdin=self.slave,
            stdout=self.slave,
            stderr=self.slave,
            env=env,
            cwd=REPO,
            start_new_session=True,
            close_fds=True,
        )
        self._output = bytearray()
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self._lock:
                self._output += chunk

    @property
    def output(self) -> bytes:
        with self._lock:
            return bytes(self._output)

    def wait_for_output(self, text: bytes, timeout: float = 60.0, since: int = 0) -> int:
        """Wait until ``text`` is written (at or after byte ``since``); where the output ends then."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            output = self.output
            if text in output[since:]:
                return len(output)
            time.sleep(0.05)
        raise AssertionError(f"{text!r} never appeared in the terminal output")

    def type(self, data: bytes) -> None:
        os.write(self.master, data)

    def stop(self) -> None:
        """End the process if it is still there (by its own pid only), then release the terminal."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        os.close(self.slave)
        os.close(self.master)
        self._reader.join(timeout=5)


@pytest.fixture
def systemd(tmp_path: Path) -> Iterator[SystemdSocket]:
    sock = SystemdSocket(tmp_path / "notify")
    yield sock
    sock.close()


@pytest.fixture
def started(tmp_path: Path) -> Iterator[list[KioskInPty]]:
    kiosks: list[KioskInPty] = []
    yield kiosks
    for kiosk in kiosks:
        kiosk.stop()


def start_kiosk(
    started: list[KioskInPty], tmp_path: Path, systemd: SystemdSocket, command: list[str] | None = None
) -> KioskInPty:
    kiosk = KioskInPty(command or [sys.executable, "-m", "kiosk"], kiosk_env(tmp_path, systemd))
    started.append(kiosk)
    return kiosk


# --- readiness and the watchdog ---------------------------------------------------------------------


def test_ready_after_the_first_screen_then_watchdog_pings_that_stop_while_the_loop_is_blocked(
    tmp_path: Path, systemd: SystemdSocket, started: list[KioskInPty]
) -> None:
    launcher = tmp_path / "launch.py"
    launcher.write_text(BLOCKING_LAUNCHER, encoding="utf-8")
    block_s = 3 * WATCHDOG_S
    kiosk = start_kiosk(started, tmp_path, systemd, [sys.executable, str(launcher), str(block_s)])

    assert systemd.wait_for("READY=1") == [["READY=1"]], "READY=1 is the first thing systemd hears"
    assert ENTER_ALT_SCREEN in kiosk.output, "READY=1 only once the kiosk has taken the screen"
    kiosk.wait_for_output("Westerfilder Straße 54".encode())

    pings = [at for at, lines in systemd.gather(3 * WATCHDOG_S) if lines == ["WATCHDOG=1"]]
    assert len(pings) >= 3
    gaps = [later - earlier for earlier, later in itertools.pairwise(pings)]
    assert max(gaps) < WATCHDOG_S, f"pings {gaps} s apart would let systemd's watchdog fire"

    kiosk.process.send_signal(signal.SIGUSR1)  # the event loop stops for block_s seconds
    blocked_at = time.monotonic()
    during = systemd.gather(block_s - 0.5)
    late = [at - blocked_at for at, lines in during if lines == ["WATCHDOG=1"] and at - blocked_at > 0.5]
    assert not late, "a ping came from somewhere other than the blocked event loop"
    assert kiosk.process.poll() is None
    # Once the loop runs again, so do the pings: the kiosk was frozen, not dead.
    assert systemd.wait_for("WATCHDOG=1", timeout=10)[-1] == ["WATCHDOG=1"]


# --- SIGTERM ---------------------------------------------------------------------------------------------


def test_sigterm_exits_cleanly_within_two_seconds(
    tmp_path: Path, systemd: SystemdSocket, started: list[KioskInPty]
) -> None:
    kiosk = start_kiosk(started, tmp_path, systemd)
    systemd.wait_for("READY=1")
    # The first ping comes from the loop after start-up has finished, signal handlers included.
    systemd.wait_for("WATCHDOG=1")
    kiosk.wait_for_output("Westerfilder Straße 54".encode())
    wal = tmp_path / "state" / "content.sqlite3-wal"
    assert wal.exists(), "the store is open (in WAL mode) while the kiosk runs"
    assert termios.tcgetattr(kiosk.slave) != kiosk.modes_before, "the kiosk put the terminal in raw mode"

    kiosk.process.send_signal(signal.SIGTERM)
    assert kiosk.process.wait(timeout=2.0) == 0

    assert ["STOPPING=1"] in [lines for _, lines in systemd.gather(0.5)]
    output = kiosk.output
    assert output.rfind(LEAVE_ALT_SCREEN) > output.rfind(ENTER_ALT_SCREEN), "left the alternate screen"
    assert termios.tcgetattr(kiosk.slave) == kiosk.modes_before, "terminal modes restored"
    assert not wal.exists(), "the store was closed (SQLite folds the WAL back in on the last close)"


# --- the hidden staff entry in a real terminal ------------------------------------------------------------


def test_ctrl_f12_and_corner_taps_reach_the_pin_pad_in_a_real_terminal(
    tmp_path: Path, systemd: SystemdSocket, started: list[KioskInPty]
) -> None:
    kiosk = start_kiosk(started, tmp_path, systemd)
    systemd.wait_for("READY=1")
    welcome = "Westerfilder Straße 54".encode()
    shown = kiosk.wait_for_output(welcome)
    kiosk.type(b"\x1b[24;5~")  # Ctrl+F12 as xterm and foot send it
    shown = kiosk.wait_for_output(b"PIN", since=shown)  # the PIN pad is up: digits go to it
    kiosk.type(b"135")
    shown = kiosk.wait_for_output(b"* * *", since=shown)
    kiosk.type(b"\x1b")  # Escape: back to the welcome screen
    shown = kiosk.wait_for_output(welcome, since=shown)
    # Five taps on the top-left cell, as SGR mouse reports (1-based: column 1, row 1).
    for _ in range(5):
        kiosk.type(b"\x1b[<0;1;1M\x1b[<0;1;1m")
        time.sleep(0.1)
    shown = kiosk.wait_for_output(b"PIN", since=shown)
    kiosk.type(b"2468")
    kiosk.wait_for_output(b"* * * *", since=shown)


# --- SIGHUP, read off the screen in tmux -----------------------------------------------------------------


def pid_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_sighup_reloads_configuration_and_translations_without_restarting(
    tmp_path: Path, systemd: SystemdSocket
) -> None:
    translations = tmp_path / "translations"
    shutil.copytree(bundled_translations_dir(), translations)
    german = load_catalog(translations, "de")
    assert german is not None
    before = german.lookup(TAGLINE)
    assert before, "the German catalog translates the welcome screen's tagline"
    env = kiosk_env(tmp_path, systemd, KIOSK_PATHS__TRANSLATIONS_DIR=str(translations))
    with Tmux([sys.executable, "-m", "kiosk"], env, cwd=REPO) as kiosk:
        kiosk.wait_for(before)
        assert "Westerfilder Straße 54" in kiosk.screen()
        systemd.wait_for("READY=1")
        systemd.wait_for("WATCHDOG=1")  # start-up has finished: SIGHUP is handled from here on

        po = translations / "de" / "LC_MESSAGES" / "kiosk.po"
        po.write_text(po.read_text(encoding="utf-8").replace(before, "Neu hier? Wir helfen gern."), "utf-8")
        # Another office as "ours": it has no street address, so the address line goes away.
        (tmp_path / "kiosk.toml").write_text("[display]\noffice_place_id = 2\n", encoding="utf-8")
        os.kill(kiosk.pid, signal.SIGHUP)

        after = kiosk.wait_for("Neu hier? Wir helfen gern.")
        assert before not in after
        assert "Westerfilder Straße 54" not in after, "the new configuration is in use"
        reload = systemd.wait_for("READY=1")
        assert reload[-2][0] == "RELOADING=1" and reload[-2][1].startswith("MONOTONIC_USEC=")
        assert pid_exists(kiosk.pid), "reloaded in place, not restarted"
        log = (tmp_path / "cache" / "kiosk.log").read_text(encoding="utf-8")
        assert "configuration and translations reloaded" in log
