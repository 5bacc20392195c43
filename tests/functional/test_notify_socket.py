"""sd_notify messages arrive on a real unix datagram socket, as systemd would receive them."""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Iterator
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
