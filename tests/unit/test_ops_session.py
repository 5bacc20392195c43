"""What the kiosk session passes on to systemd, and the environment it gives cage and the kiosk."""

from __future__ import annotations

import pytest

from kiosk.ops.session import main, relayed_assignments, session_environment, unasked_end_status


def test_only_status_keys_reach_systemd() -> None:
    datagram = b"READY=1\nMAINPID=1\nSTATUS=Inhalte aktuell\nFDSTORE=1\nWATCHDOG=1\nnonsense"
    assert relayed_assignments(datagram) == ["READY=1", "STATUS=Inhalte aktuell", "WATCHDOG=1"]


def test_reloading_keeps_its_timestamp() -> None:
    assert relayed_assignments(b"RELOADING=1\nMONOTONIC_USEC=42") == ["RELOADING=1", "MONOTONIC_USEC=42"]


def test_bad_utf8_does_not_break_the_relay() -> None:
    assert relayed_assignments(b"STATUS=\xff\xfe ok\nREADY") == ["STATUS=\ufffd\ufffd ok"]


def test_children_get_the_session_socket_and_the_watchdog_as_their_own() -> None:
    environ = {
        "NOTIFY_SOCKET": "/run/systemd/notify",
        "WATCHDOG_USEC": "30000000",
        "WATCHDOG_PID": "812",
        "RUNTIME_DIRECTORY": "/run/kiosk",
        "XDG_RUNTIME_DIR": "/run/user/998",
        "LANG": "C.UTF-8",
    }
    env = session_environment(environ, notify_socket="/run/kiosk/notify", watchdog_usec=30_000_000)
    assert env == {
        "NOTIFY_SOCKET": "/run/kiosk/notify",
        "WATCHDOG_USEC": "30000000",
        "RUNTIME_DIRECTORY": "/run/kiosk",
        "XDG_RUNTIME_DIR": "/run/kiosk",
        "LANG": "C.UTF-8",
    }


def test_without_a_watchdog_children_are_not_told_of_one() -> None:
    environ = {"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1", "XDG_RUNTIME_DIR": "/run/user/1000"}
    env = session_environment(environ, notify_socket="/tmp/x/notify", watchdog_usec=None)
    assert env == {"NOTIFY_SOCKET": "/tmp/x/notify", "XDG_RUNTIME_DIR": "/run/user/1000"}


def test_a_command_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--"])
    assert exit_info.value.code == 2
    assert "a command to run is required" in capsys.readouterr().err


def test_an_end_nobody_asked_for_is_never_reported_as_success() -> None:
    assert unasked_end_status(0) == 1  # cage 0.1.4 after the kiosk was killed
    assert unasked_end_status(3) == 3
    assert unasked_end_status(-9) == 137  # cage itself killed
