"""Reading systemd's notify and watchdog variables; doing nothing outside systemd."""

from __future__ import annotations

import logging

import pytest

from kiosk.ops.notify import Notifier, socket_address


def test_outside_systemd_every_call_is_a_quiet_no_op(caplog: pytest.LogCaptureFixture) -> None:
    notifier = Notifier.from_environ({})
    with caplog.at_level(logging.DEBUG):
        notifier.ready()
        notifier.status("syncing")
        notifier.watchdog()
        notifier.reloading()
        notifier.stopping()
    assert not notifier.enabled
    assert notifier.send("READY=1") is False
    assert notifier.watchdog_interval() is None
    assert caplog.records == []


def test_paths_and_abstract_names_are_understood() -> None:
    assert socket_address("/run/systemd/notify") == "/run/systemd/notify"
    assert socket_address("@kiosk/notify") == b"\0kiosk/notify"
    assert socket_address("relative/path") is None
    assert socket_address("@") is None
    assert socket_address("vsock:2:1234") is None


def test_an_unusable_socket_is_reported_once_and_disables_notifying(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        notifier = Notifier.from_environ({"NOTIFY_SOCKET": "vsock:2:1234"})
    assert not notifier.enabled
    assert "NOTIFY_SOCKET" in caplog.text


def test_watchdog_interval_is_half_the_timeout() -> None:
    environ = {"NOTIFY_SOCKET": "@x", "WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "4242"}
    assert Notifier.from_environ(environ, pid=4242).watchdog_interval() == 15.0


def test_watchdog_meant_for_another_process_is_ignored() -> None:
    environ = {"NOTIFY_SOCKET": "@x", "WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"}
    assert Notifier.from_environ(environ, pid=4242).watchdog_interval() is None


def test_watchdog_without_pid_applies_to_whoever_reads_it() -> None:
    environ = {"NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "2000000"}
    assert Notifier.from_environ(environ, pid=7).watchdog_interval() == 1.0


@pytest.mark.parametrize("value", ["", "0", "-5", "soon"])
def test_a_missing_or_bad_watchdog_timeout_means_no_watchdog(value: str) -> None:
    environ = {"NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": value}
    assert Notifier.from_environ(environ).watchdog_interval() is None


def test_a_watchdog_without_a_socket_to_ping_means_no_watchdog() -> None:
    assert Notifier.from_environ({"WATCHDOG_USEC": "2000000"}).watchdog_interval() is None
