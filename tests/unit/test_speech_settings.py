"""[speech] in the settings, the doctor's speech line, and speech sessions in ``kiosk stats``."""

from __future__ import annotations

import io
import os
import shutil
import stat
from datetime import date, datetime
from pathlib import Path

import pytest

from kiosk.cli.stats import stats_command
from kiosk.clock import BERLIN
from kiosk.config import ConfigError, load_settings
from kiosk.ops.doctor import check_speech_output
from kiosk.usage.counts import Usage
from kiosk.usage.store import UsageStore


@pytest.fixture(autouse=True)
def speech_as_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shared fixture switches speech off for screen tests; here the settings themselves count."""
    monkeypatch.delenv("KIOSK_SPEECH__ENABLED")


def write_config(tmp_path: Path, text: str) -> None:
    (tmp_path / "kiosk.toml").write_text(text, encoding="utf-8")


def test_speech_defaults_and_a_toml_section(tmp_path: Path) -> None:
    speech = load_settings().speech
    assert (speech.enabled, speech.key, speech.volume, speech.player) == (True, "f1", 4, "")
    write_config(tmp_path, '[speech]\nkey = "F4"\nvolume = 2\nplayer = "aplay -D hw:1 -t raw -r {rate}"\n')
    speech = load_settings().speech
    assert (speech.key, speech.volume, speech.player) == ("f4", 2, "aplay -D hw:1 -t raw -r {rate}")


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ('[speech]\nkey = "escape"', "already used"),
        ('[speech]\nkey = "5"', "already used"),
        ('[speech]\nkey = "f1; rm -rf /"', "key name"),
        ("[speech]\nvolume = 6", "volume"),
        ("[speech]\nvolume = 0", "volume"),
        ("[speech]\nloudness = 3", "unknown key"),
    ],
)
def test_bad_speech_settings_are_refused_with_the_key_named(tmp_path: Path, toml: str, expected: str) -> None:
    write_config(tmp_path, toml)
    with pytest.raises(ConfigError, match=expected) as caught:
        load_settings()
    assert "[speech]" in str(caught.value)


def test_the_doctor_names_a_missing_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    check = check_speech_output(load_settings(), {})
    assert check.status == "WARN" and check.name == "speech"
    assert "espeak-ng is not installed" in check.reason and "unavailable" in check.reason


def test_the_doctor_says_when_speech_is_switched_off(tmp_path: Path) -> None:
    write_config(tmp_path, "[speech]\nenabled = false\n")
    check = check_speech_output(load_settings(), {})
    assert check.status == "WARN" and "switched off" in check.reason


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_the_doctor_is_content_with_engine_voices_and_a_player(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    player = tmp_path / "bin" / "my-player"
    player.parent.mkdir()
    player.write_text("#!/bin/sh\ncat >/dev/null\n")
    player.chmod(player.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{player.parent}{os.pathsep}{os.environ['PATH']}")
    write_config(tmp_path, '[speech]\nplayer = "my-player --rate {rate}"\n')
    check = check_speech_output(load_settings(), {})
    assert check.status == "OK", check.reason
    assert "voices for all 12 languages" in check.reason and "[speech] player" in check.reason


def test_speech_sessions_are_counted_with_their_language_only() -> None:
    store = UsageStore.open(load_settings().paths.state_dir)
    usage = Usage(store, clock=lambda: datetime(2026, 11, 23, 10, 5, tzinfo=BERLIN))
    usage.record("speech", language="ar", item="what was read is never kept")
    usage.record("speech", language="de")
    usage.flush()
    kept = {(c.event, c.language, c.item): c.n for c in store.counts()}
    assert kept == {("speech", "ar", ""): 1, ("speech", "de", ""): 1}
    store.close()
    out = io.StringIO()
    assert (
        stats_command(["--from", "2026-11-23", "--to", "2026-11-23"], today=date(2026, 11, 24), out=out) == 0
    )
    assert "read aloud (speech sessions) 2" in out.getvalue()
