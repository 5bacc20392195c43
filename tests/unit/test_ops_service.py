"""kiosk.service: systemd accepts it as it is, and it keeps the settings the deployment relies on."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
from pathlib import Path

import pytest

UNIT = Path(__file__).resolve().parents[2] / "kiosk.service"
Unit = dict[str, dict[str, list[str]]]


def parse_unit(text: str) -> Unit:
    """Sections -> key -> every value given (systemd allows a key more than once)."""
    unit: Unit = {}
    section: dict[str, list[str]] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = unit.setdefault(line.strip("[]"), {})
            continue
        key, _, value = line.partition("=")
        section.setdefault(key.strip(), []).append(value.strip())
    return unit


@pytest.fixture(scope="module")
def unit() -> Unit:
    return parse_unit(UNIT.read_text(encoding="utf-8"))


def executables(unit: Unit) -> list[str]:
    """The program of every Exec*= line, without systemd's prefixes such as "+" and "-"."""
    programs = []
    for key, values in unit["Service"].items():
        if key.startswith("Exec"):
            programs += [value.lstrip("@-:+!|").split()[0] for value in values]
    return programs


def make_root(root: Path, unit: Unit) -> None:
    """A file system root holding the unit, this machine's system units, and stand-ins for the programs.

    With --root, systemd-analyze looks up units and programs there, so the check does not depend on
    cage, foot or /opt/kiosk being installed where the test runs.
    """
    (root / "usr/lib/systemd").mkdir(parents=True)
    (root / "lib").symlink_to("usr/lib")  # merged /usr, as on Debian 12
    for system_units in (Path("/usr/lib/systemd/system"), Path("/lib/systemd/system")):
        target = root / str(system_units).lstrip("/")
        if system_units.is_dir() and not target.exists():
            shutil.copytree(system_units, target, symlinks=True)
    (root / "etc/systemd/system").mkdir(parents=True)
    shutil.copy(UNIT, root / "etc/systemd/system/kiosk.service")
    for program in executables(unit):
        stub = root / program.lstrip("/")
        stub.parent.mkdir(parents=True, exist_ok=True)
        stub.write_text("#!/bin/sh\n", encoding="utf-8")
        stub.chmod(0o755)


@pytest.mark.skipif(
    shutil.which("systemd-analyze") is None,
    reason="systemd-analyze is not installed (Debian package: systemd)",
)
def test_systemd_analyze_verify_prints_nothing(tmp_path: Path, unit: Unit) -> None:
    root = tmp_path / "root"
    make_root(root, unit)
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", f"--root={root}", "kiosk.service"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.stdout + result.stderr == ""
    assert result.returncode == 0


def test_programs_are_absolute_paths(unit: Unit) -> None:
    assert executables(unit) == ["/opt/kiosk/venv/bin/python", "/bin/kill"]
    start = unit["Service"]["ExecStart"][0].split()
    assert start[:3] == ["/opt/kiosk/venv/bin/python", "-m", "kiosk.ops.session"]
    assert importlib.util.find_spec("kiosk.ops.session") is not None
    assert importlib.util.find_spec("kiosk.ops.terminal") is not None
    # cage runs (the font-size step that becomes) foot runs the kiosk, all by absolute path (PATH is
    # minimal under systemd)
    assert [word for word in start if word.startswith("/")] == [
        "/opt/kiosk/venv/bin/python",
        "/usr/bin/cage",
        "/opt/kiosk/venv/bin/python",
        "/usr/bin/foot",
        "/opt/kiosk/venv/bin/kiosk",
    ]
    assert start[start.index("/usr/bin/cage") + 1 :][:4] == [
        "--",
        "/opt/kiosk/venv/bin/python",
        "-m",
        "kiosk.ops.terminal",
    ]
    assert "--config=/etc/kiosk/foot.ini" in start


def test_cage_without_server_side_decorations(unit: Unit) -> None:
    # cage 0.1.4 -d: foot stays at 700x500 and nothing is drawn until the first touch (issue 20).
    start = unit["Service"]["ExecStart"][0].split()
    assert start[start.index("/usr/bin/cage") + 1] == "--"


def test_a_reload_does_not_touch_the_terminal(unit: Unit) -> None:
    # systemd applies these to ExecReload's kill too: tty1 hung up (a second SIGHUP) and reset (black).
    for key in ("TTYReset", "TTYVHangup", "TTYVTDisallocate"):
        assert key not in unit["Service"], key


def test_notify_watchdog_and_reload_go_through_the_session(unit: Unit) -> None:
    service = unit["Service"]
    assert service["Type"] == ["notify"]
    assert service["NotifyAccess"] == ["main"]
    assert re.fullmatch(r"\d+s", service["WatchdogSec"][0])
    # Run without PAM (+), aimed at the session, which passes SIGHUP to the kiosk; never at cage.
    assert service["ExecReload"] == ["+/bin/kill -HUP $MAINPID"]


def test_runs_on_tty1_without_login(unit: Unit) -> None:
    service = unit["Service"]
    for key, value in {
        "User": "kiosk",
        "PAMName": "login",
        "TTYPath": "/dev/tty1",
        "StandardInput": "tty",
        "StandardError": "journal",
    }.items():
        assert service[key] == [value], key
    assert unit["Unit"]["Conflicts"] == ["getty@tty1.service"]
    after = " ".join(unit["Unit"]["After"]).split()
    assert {"systemd-user-sessions.service", "plymouth-quit-wait.service", "getty@tty1.service"} <= set(after)
    assert unit["Install"]["WantedBy"] == ["graphical.target"]


def test_restarts_but_not_forever(unit: Unit) -> None:
    assert unit["Service"]["Restart"] == ["always"]
    assert unit["Unit"]["StartLimitIntervalSec"] and unit["Unit"]["StartLimitBurst"]


def test_directories_and_hardening(unit: Unit) -> None:
    service = unit["Service"]
    for key in ("StateDirectory", "CacheDirectory", "ConfigurationDirectory", "RuntimeDirectory"):
        assert service[key] == ["kiosk"], key
    for key in (
        "NoNewPrivileges",
        "ProtectHome",
        "PrivateTmp",
        "ProtectKernelTunables",
        "ProtectKernelModules",
        "ProtectKernelLogs",
        "ProtectControlGroups",
        "LockPersonality",
    ):
        assert service[key] == ["yes"], key
    assert service["ProtectSystem"] == ["strict"]
    assert service["RestrictAddressFamilies"] == ["AF_UNIX AF_INET AF_INET6 AF_NETLINK"]
    # cage's graphics stack may need writable+executable memory (Mesa's llvmpipe JIT)
    assert "MemoryDenyWriteExecute" not in service
