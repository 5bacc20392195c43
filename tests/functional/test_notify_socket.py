"""sd_notify messages arrive on a real unix datagram socket, as systemd would receive them."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk.ops.notify import Notifier


@pytest.fixture
def systemd_socket(tmp_path: Path) -> Iterator[tuple[socket.socket, str]]:
    """A stand-in for systemd's notify socket, bound to a path."""
    path = str(tmp_path / "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(10)
    yield sock, path
    sock.close()


def received(sock: socket.socket) -> list[str]:
    return sock.recv(4096).decode().split("\n")


def test_ready_status_watchdog_and_stopping_arrive(systemd_socket: tuple[socket.socket, str]) -> None:
    sock, path = systemd_socket
    notifier = Notifier.from_environ({"NOTIFY_SOCKET": path})
    notifier.ready()
    notifier.status("Inhalte aktuell — 12 Sprachen")
    notifier.watchdog()
    notifier.stopping()
    assert received(sock) == ["READY=1"]
    assert received(sock) == ["STATUS=Inhalte aktuell — 12 Sprachen"]
    assert received(sock) == ["WATCHDOG=1"]
    assert received(sock) == ["STOPPING=1"]


def test_reloading_carries_the_monotonic_timestamp(systemd_socket: tuple[socket.socket, str]) -> None:
    sock, path = systemd_socket
    before = time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000
    Notifier.from_environ({"NOTIFY_SOCKET": path}).reloading()
    after = time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000
    reloading, stamp = received(sock)
    assert reloading == "RELOADING=1"
    assert stamp.startswith("MONOTONIC_USEC=")
    assert before <= int(stamp.removeprefix("MONOTONIC_USEC=")) <= after


def test_reloading_sends_the_given_clock(systemd_socket: tuple[socket.socket, str]) -> None:
    sock, path = systemd_socket
    notifier = Notifier(path, clock_usec=lambda: 123_456_789)
    notifier.reloading()
    assert received(sock) == ["RELOADING=1", "MONOTONIC_USEC=123456789"]


def test_a_status_cannot_inject_a_second_assignment(systemd_socket: tuple[socket.socket, str]) -> None:
    sock, path = systemd_socket
    Notifier.from_environ({"NOTIFY_SOCKET": path}).status("offline\nREADY=1\x1b[2J")
    assert received(sock) == ["STATUS=offline READY=1 [2J"]


def test_abstract_socket_names_work(systemd_socket: tuple[socket.socket, str]) -> None:
    name = f"kiosk-test-{os.getpid()}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(b"\0" + name.encode())
        sock.settimeout(10)
        Notifier.from_environ({"NOTIFY_SOCKET": "@" + name}).ready()
        assert received(sock) == ["READY=1"]


def test_a_vanished_socket_is_logged_once_and_never_raises(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    notifier = Notifier.from_environ({"NOTIFY_SOCKET": str(tmp_path / "gone")})
    with caplog.at_level(logging.WARNING):
        assert notifier.send("WATCHDOG=1") is False
        notifier.watchdog()
        notifier.ready()
    assert len(caplog.records) == 1
    assert "cannot notify systemd" in caplog.records[0].getMessage()


# --- the kiosk session: cage -> kiosk under a relaying main process ---------------------------------

KIOSK_SCRIPT = """
import os, signal, sys
from pathlib import Path
from kiosk.ops.notify import Notifier

notifier = Notifier.from_environ()
Path(sys.argv[1]).write_text(str(os.getpid()))
mode = sys.argv[2]

def reload(signum, frame):
    notifier.reloading()
    notifier.ready()

signal.signal(signal.SIGHUP, reload)
if mode == "stubborn":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
notifier.status(f"watchdog={notifier.watchdog_interval()} runtime={os.environ['XDG_RUNTIME_DIR']}")
notifier.send("MAINPID=1", "READY=1")
notifier.watchdog()
if mode == "exit":
    sys.exit(3)
if mode == "killed":
    os.kill(os.getpid(), signal.SIGKILL)
while True:
    signal.pause()
"""

# Stands in for cage (and foot): the kiosk is a grandchild of the session, as in production.
# Like cage 0.1.4, it exits 0 when the kiosk was killed by a signal.
CAGE_SCRIPT = """
import os, subprocess, sys
from pathlib import Path
Path(sys.argv[1]).write_text(str(os.getpid()))
sys.exit(max(0, subprocess.run(sys.argv[2:]).returncode))
"""


class Session:
    """The session process with a fake systemd socket, a stand-in cage and a scripted kiosk."""

    def __init__(self, tmp_path: Path, systemd: socket.socket, systemd_path: str, mode: str, grace: str):
        self.systemd = systemd
        self.kiosk_pid_file = tmp_path / "kiosk.pid"
        self.cage_pid_file = tmp_path / "cage.pid"
        self.run_dir = tmp_path / "run"
        self.run_dir.mkdir()
        (tmp_path / "fake_kiosk.py").write_text(KIOSK_SCRIPT, encoding="utf-8")
        (tmp_path / "fake_cage.py").write_text(CAGE_SCRIPT, encoding="utf-8")
        env = {
            **os.environ,
            "NOTIFY_SOCKET": systemd_path,
            "WATCHDOG_USEC": "10000000",
            "RUNTIME_DIRECTORY": str(self.run_dir),
        }
        for inherited in ("WATCHDOG_PID", "JOURNAL_STREAM"):
            env.pop(inherited, None)
        kiosk = [sys.executable, str(tmp_path / "fake_kiosk.py"), str(self.kiosk_pid_file), mode]
        cage = [sys.executable, str(tmp_path / "fake_cage.py"), str(self.cage_pid_file), *kiosk]
        self.log_path = tmp_path / "session.log"
        with self.log_path.open("w") as log_file:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "kiosk.ops.session", "--stop-timeout", grace, "--", *cage],
                env=env,
                stderr=log_file,
            )

    def next_message(self) -> list[str]:
        return received(self.systemd)

    def wait(self) -> int:
        return self.process.wait(timeout=30)

    @property
    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8")


def is_running(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


@pytest.fixture
def session_factory(
    tmp_path: Path, systemd_socket: tuple[socket.socket, str]
) -> Iterator[Callable[..., Session]]:
    started: list[Session] = []

    def start(mode: str = "serve", grace: str = "5") -> Session:
        session = Session(tmp_path, *systemd_socket, mode=mode, grace=grace)
        started.append(session)
        return session

    yield start
    for session in started:
        if session.process.poll() is None:
            session.process.kill()
            session.process.wait()
        # A killed session leaves its kiosk to systemd, which stops the whole cgroup; here nobody would.
        for pid_file in (session.kiosk_pid_file, session.cage_pid_file):
            with contextlib.suppress(OSError, ValueError):  # never started, or already gone
                os.kill(int(pid_file.read_text()), signal.SIGKILL)


def test_the_kiosk_reaches_systemd_through_the_session(session_factory: Callable[..., Session]) -> None:
    session = session_factory()
    assert session.next_message()[0].startswith("STATUS=starting python")
    # The kiosk saw the watchdog as its own (half of 10 s) and the Wayland runtime directory.
    assert session.next_message() == [f"STATUS=watchdog=5.0 runtime={session.run_dir}"]
    assert session.next_message() == ["READY=1"]  # MAINPID=1 was dropped on the way
    assert session.next_message() == ["WATCHDOG=1"]

    session.process.send_signal(signal.SIGHUP)  # what systemctl reload kiosk does
    reloading, stamp = session.next_message()
    assert reloading == "RELOADING=1"
    assert stamp.startswith("MONOTONIC_USEC=")
    assert session.next_message() == ["READY=1"]

    session.process.send_signal(signal.SIGTERM)  # systemctl stop kiosk
    assert session.next_message() == ["STOPPING=1"]
    assert session.wait() == 0
    kiosk_pid = int(session.kiosk_pid_file.read_text())
    cage_pid = int(session.cage_pid_file.read_text())
    assert not is_running(kiosk_pid)
    assert not is_running(cage_pid)
    assert not (session.run_dir / "notify").exists()
    assert f"kiosk process is {kiosk_pid}" in session.log
    assert "reload: SIGHUP passed on to the kiosk" in session.log


def test_when_cage_exits_the_session_ends_with_its_status(session_factory: Callable[..., Session]) -> None:
    session = session_factory(mode="exit")
    messages = [session.next_message() for _ in range(5)]
    assert messages[2:] == [["READY=1"], ["WATCHDOG=1"], ["STOPPING=1"]]
    assert session.wait() == 3
    assert "exited with status 3" in session.log


def test_a_killed_kiosk_is_a_failure_though_cage_exits_0(session_factory: Callable[..., Session]) -> None:
    session = session_factory(mode="killed")
    while session.next_message() != ["STOPPING=1"]:
        pass
    # systemd must log a failure ("status=1/FAILURE"), not "Deactivated successfully".
    assert session.wait() == 1
    assert "exited with status 0" in session.log


def test_a_kiosk_ignoring_sigterm_is_killed(session_factory: Callable[..., Session]) -> None:
    session = session_factory(mode="stubborn", grace="0.5")
    while session.next_message() != ["WATCHDOG=1"]:
        pass
    session.process.send_signal(signal.SIGTERM)
    assert session.wait() == 0
    assert not is_running(int(session.kiosk_pid_file.read_text()))
    assert "the kiosk did not stop within 0.5 s; killing it" in session.log


def test_cage_does_not_outlive_a_killed_session(session_factory: Callable[..., Session]) -> None:
    session = session_factory()
    while session.next_message() != ["WATCHDOG=1"]:
        pass
    cage_pid = int(session.cage_pid_file.read_text())
    session.process.kill()
    session.wait()
    for _ in range(300):  # the kernel delivers the parent-death signal promptly; allow a slow machine
        if not is_running(cage_pid):
            break
        time.sleep(0.05)
    assert not is_running(cage_pid)


def test_a_missing_program_is_reported_not_hidden(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kiosk.ops.session", "--", str(tmp_path / "no-such-cage")],
        env={**os.environ, "RUNTIME_DIRECTORY": str(tmp_path), "NOTIFY_SOCKET": ""},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 127
    assert "cannot start" in result.stderr and "no-such-cage" in result.stderr
    assert not (tmp_path / "notify").exists()
