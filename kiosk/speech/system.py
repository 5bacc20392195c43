"""What this machine offers for speech: the espeak-ng engine, its voices, and a way to the speakers.

Asked once at start (and by ``kiosk doctor``); the answer says in one line what is missing, so the
visitor's button can say "speech unavailable" and staff can see why.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.i18n.locales import german_name

ESPEAK = "espeak-ng"
#: The sample rate espeak-ng's own voices speak at; the player is told the real one from the stream.
DEFAULT_RATE = 22050
ASOUND_CARDS = Path("/proc/asound/cards")


@dataclass(frozen=True)
class Player:
    """A command that plays raw audio (signed 16-bit little-endian, mono) from its standard input."""

    name: str
    command: tuple[str, ...]

    def argv(self, rate: int) -> list[str]:
        """The command for a stream at ``rate`` Hz (``{rate}`` in a configured command is filled in)."""
        return [part.replace("{rate}", str(rate)) for part in self.command]


def _pipewire_running(environ: Mapping[str, str]) -> bool:
    runtime = environ.get("PIPEWIRE_RUNTIME_DIR") or environ.get("XDG_RUNTIME_DIR")
    remote = environ.get("PIPEWIRE_REMOTE", "pipewire-0")
    return bool(runtime) and Path(runtime or "", remote).exists()


def _pulse_running(environ: Mapping[str, str]) -> bool:
    if environ.get("PULSE_SERVER"):
        return True
    runtime = environ.get("XDG_RUNTIME_DIR")
    return bool(runtime) and Path(runtime or "", "pulse", "native").exists()


def _alsa_card(cards: Path) -> bool:
    try:
        text = cards.read_text(errors="replace")
    except OSError:
        return False
    return re.search(r"^\s*\d+\s+\[", text, re.MULTILINE) is not None


def find_player(
    configured: str, environ: Mapping[str, str] | None = None, cards: Path = ASOUND_CARDS
) -> tuple[Player | None, str]:
    """The player to use and, if there is none, why: the configured command, else PipeWire,
    PulseAudio or ALSA, whichever this machine runs."""
    environ = os.environ if environ is None else environ
    if configured.strip():
        try:
            command = tuple(shlex.split(configured))
        except ValueError as error:
            return None, f"[speech] player is not a valid command line: {error}"
        if not command:
            return None, "[speech] player is empty"
        if shutil.which(command[0]) is None:
            return None, f"[speech] player: command not found: {command[0]}"
        return Player("[speech] player", command), ""
    raw = ("--format", "s16", "--rate", "{rate}", "--channels", "1", "-")
    candidates = [
        (_pipewire_running(environ), "pw-play", Player("PipeWire", ("pw-play", *raw))),
        (
            _pulse_running(environ),
            "paplay",
            Player("PulseAudio", ("paplay", "--raw", "--format=s16le", "--rate={rate}", "--channels=1")),
        ),
        (
            _alsa_card(cards),
            "aplay",
            Player("ALSA", ("aplay", "-q", "-t", "raw", "-f", "S16_LE", "-r", "{rate}", "-c", "1")),
        ),
    ]
    for running, program, player in candidates:
        if running and shutil.which(program) is not None:
            return player, ""
    servers = [program for running, program, _player in candidates if running]
    if servers:
        return None, f"an audio system runs but its player is not installed: {', '.join(servers)}"
    return None, "no audio output: no PipeWire or PulseAudio server and no ALSA sound card"


def installed_languages(espeak: str) -> frozenset[str]:
    """The languages espeak-ng has a voice for (its own voices; MBROLA ones need extra packages)."""
    try:
        listing = subprocess.run(
            [espeak, "--voices"], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    languages: set[str] = set()
    for line in listing.splitlines()[1:]:
        columns = line.split()
        if len(columns) >= 5 and not columns[4].startswith("mb/"):
            languages.add(columns[1].lower())
    return frozenset(languages)


def has_voice(languages: frozenset[str], code: str) -> bool:
    """True if one of ``languages`` (as espeak-ng lists them, e.g. "fr-fr") speaks ``code``."""
    code = code.lower()
    return code in languages or any(language.startswith(code + "-") for language in languages)


@dataclass(frozen=True)
class SpeechCheck:
    """The outcome: what was found, what is missing, and whether the kiosk can speak at all."""

    enabled: bool
    engine: str | None
    player: Player | None
    voices: frozenset[str] = frozenset()
    missing_voices: tuple[str, ...] = ()
    problems: tuple[str, ...] = field(default=())
    #: False when the audio goes to files, not to speakers (tests).
    needs_player: bool = True

    @property
    def available(self) -> bool:
        """Speech can start: switched on, engine present, a way to the speakers."""
        has_output = self.player is not None or not self.needs_player
        return self.enabled and self.engine is not None and has_output

    def speaks(self, language: str) -> bool:
        return self.available and language not in self.missing_voices

    @property
    def reason(self) -> str:
        """What is missing, in one line ("" when nothing is)."""
        return "; ".join(self.problems)


def check_speech(
    enabled: bool,
    player_setting: str,
    languages: list[str],
    *,
    engine: str = ESPEAK,
    environ: Mapping[str, str] | None = None,
    cards: Path = ASOUND_CARDS,
    needs_player: bool = True,
) -> SpeechCheck:
    """Look for the engine, a voice for each of ``languages`` and (``needs_player``) an audio output."""
    if not enabled:
        return SpeechCheck(False, None, None, problems=("switched off ([speech] enabled = false)",))
    problems: list[str] = []
    found = shutil.which(engine)
    voices: frozenset[str] = frozenset()
    missing: tuple[str, ...] = ()
    if found is None:
        problems.append(f"{engine} is not installed (Debian package espeak-ng)")
    else:
        voices = installed_languages(found)
        missing = tuple(code for code in languages if not has_voice(voices, code))
        if missing:
            names = ", ".join(f"{code} ({german_name(code)})" for code in missing)
            problems.append(f"no espeak-ng voice for {names}")
    player, why = find_player(player_setting, environ, cards)
    if player is None and needs_player:
        problems.append(why)
    return SpeechCheck(True, found, player, voices, missing, tuple(problems), needs_player)
