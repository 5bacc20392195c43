"""The `kiosk` command as staff meet it: help, and one clear line for a bad configuration."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def run_kiosk(*args: str, config: Path) -> subprocess.CompletedProcess[str]:
    env = {"KIOSK_CONFIG": str(config), "PATH": "/usr/bin:/bin", "HOME": str(config.parent)}
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args], capture_output=True, text=True, env=env, timeout=60
    )


def test_help_lists_the_commands(tmp_path: Path) -> None:
    result = run_kiosk("--help", config=tmp_path / "kiosk.toml")
    assert result.returncode == 0
    for command in ("run", "qr", "i18n", "staff", "sync"):
        assert command in result.stdout


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ("[display]\nidle_timeout_s = 'long'\n", "[display] idle_timeout_s"),
        ("[display\n", "not valid TOML"),
        ("[paths]\nstate_directory = '/tmp'\n", "[paths] state_directory: unknown key"),
    ],
)
def test_bad_config_stops_with_one_line_and_exit_code_2(tmp_path: Path, toml: str, expected: str) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(toml, encoding="utf-8")
    result = run_kiosk(config=config)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(config) in lines[0]
    assert expected in lines[0]
    assert "Traceback" not in result.stderr


def test_missing_config_file_named_in_the_message(tmp_path: Path) -> None:
    result = run_kiosk(config=tmp_path / "absent.toml")
    assert result.returncode == 2
    assert "absent.toml: file not found" in result.stderr
