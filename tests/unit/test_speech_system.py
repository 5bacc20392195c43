"""What the machine offers for speech: engine, voices, a way to the speakers, and why not."""

from __future__ import annotations

import os
import socket
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.config import DEFAULT_LANGUAGES
from kiosk.speech.system import check_speech, find_player, has_voice, installed_languages
from tests.support.speech import needs_espeak


@pytest.fixture
def bin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A PATH with only the programs a test puts there (plus the real espeak-ng where wanted)."""
    directory = tmp_path / "bin"
    directory.mkdir()
    monkeypatch.setenv("PATH", str(directory))
    yield directory


def install(directory: Path, name: str) -> None:
    program = directory / name
    program.write_text("#!/bin/sh\nexit 0\n")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)


def no_cards(tmp_path: Path) -> Path:
    cards = tmp_path / "cards"
    cards.write_text("--- no soundcards ---\n")
    return cards


def test_pipewire_is_used_when_its_server_runs(tmp_path: Path, bin_dir: Path) -> None:
    install(bin_dir, "pw-play")
    runtime = tmp_path / "run"
    runtime.mkdir()
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(runtime / "pipewire-0"))
        player, why = find_player("", {"XDG_RUNTIME_DIR": str(runtime)}, no_cards(tmp_path))
    assert player is not None and player.name == "PipeWire" and not why
    # Raw samples: pw-play takes a WAV stream from a pipe only partly (PipeWire 0.3.65).
    assert player.argv(22050)[:2] == ["pw-play", "--format"] and "22050" in player.argv(22050)


def test_pulseaudio_then_alsa_when_there_is_no_pipewire(tmp_path: Path, bin_dir: Path) -> None:
    install(bin_dir, "paplay")
    install(bin_dir, "aplay")
    cards = tmp_path / "cards"
    cards.write_text(" 0 [PCH            ]: HDA-Intel - HDA Intel PCH\n")
    player, _ = find_player("", {"PULSE_SERVER": "unix:/run/pulse"}, cards)
    assert player is not None and player.name == "PulseAudio"
    player, _ = find_player("", {}, cards)
    assert player is not None and player.name == "ALSA"
    assert player.argv(16000) == ["aplay", "-q", "-t", "raw", "-f", "S16_LE", "-r", "16000", "-c", "1"]


def test_no_audio_device_is_named_as_the_reason(tmp_path: Path, bin_dir: Path) -> None:
    install(bin_dir, "aplay")
    player, why = find_player("", {}, no_cards(tmp_path))
    assert player is None and "no audio output" in why


def test_a_running_server_without_its_player_says_what_to_install(tmp_path: Path, bin_dir: Path) -> None:
    player, why = find_player("", {"PULSE_SERVER": "x"}, no_cards(tmp_path))
    assert player is None and "paplay" in why


def test_the_configured_player_is_used_as_written(tmp_path: Path, bin_dir: Path) -> None:
    install(bin_dir, "aplay")
    player, _ = find_player("aplay -D plughw:1,0 -t raw -f S16_LE -r {rate} -c 1", {}, no_cards(tmp_path))
    assert player is not None
    assert player.argv(22050) == [
        "aplay",
        "-D",
        "plughw:1,0",
        "-t",
        "raw",
        "-f",
        "S16_LE",
        "-r",
        "22050",
        "-c",
        "1",
    ]
    missing, why = find_player("my-speaker --loud", {}, no_cards(tmp_path))
    assert missing is None and "command not found: my-speaker" in why
    broken, why = find_player('aplay "unclosed', {}, no_cards(tmp_path))
    assert broken is None and "not a valid command line" in why


def test_a_missing_engine_makes_speech_unavailable_and_says_so(tmp_path: Path, bin_dir: Path) -> None:
    found = check_speech(True, "", ["de", "ar"], environ={}, cards=no_cards(tmp_path))
    assert not found.available and not found.speaks("de")
    assert "espeak-ng is not installed" in found.reason and "no audio output" in found.reason


def test_switched_off_is_unavailable() -> None:
    found = check_speech(False, "", ["de"])
    assert not found.available and "switched off" in found.reason


@needs_espeak
def test_debians_espeak_ng_has_a_voice_for_every_ui_language() -> None:
    languages = installed_languages("espeak-ng")
    missing = [code for code in DEFAULT_LANGUAGES if not has_voice(languages, code)]
    assert not missing, f"no espeak-ng voice for {missing}"
    assert has_voice(frozenset({"fr-fr"}), "fr") and not has_voice(frozenset({"fr-fr"}), "f")


@needs_espeak
def test_a_language_without_a_voice_is_named(tmp_path: Path) -> None:
    found = check_speech(
        True, "", ["de", "ckb", "am"], environ={}, cards=no_cards(tmp_path), needs_player=False
    )
    assert found.available and found.speaks("de")
    assert not found.speaks("ckb") and "ckb" in found.reason
    assert found.missing_voices == ("ckb",)


@needs_espeak
def test_writing_files_needs_no_audio_device(tmp_path: Path) -> None:
    found = check_speech(True, "", ["de"], environ={}, cards=no_cards(tmp_path), needs_player=False)
    assert found.available and found.player is None and found.engine is not None
    assert os.path.basename(found.engine) == "espeak-ng"
