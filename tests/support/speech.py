"""Helpers for speech tests: espeak-ng present or a clear skip, what a WAV sounds like, a paced player."""

from __future__ import annotations

import array
import math
import shutil
import sys
import time
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.speech.system import Player

needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None,
    reason="espeak-ng is not installed (Debian package espeak-ng; .ci/run installs it)",
)

PACED_PLAYER = Path(__file__).with_name("paced_player.py")


@dataclass(frozen=True)
class Heard:
    """What a recording sounds like: how long, how loud (RMS, dB below full scale), how loud at most."""

    seconds: float
    rms_db: float
    peak: int


def samples_of(data: bytes) -> array.array[int]:
    samples = array.array("h")
    samples.frombytes(data[: len(data) // 2 * 2])
    return samples


def heard(data: bytes, rate: int) -> Heard:
    """Raw 16-bit mono samples, measured."""
    samples = samples_of(data)
    if not samples:
        return Heard(0.0, -math.inf, 0)
    rms = math.sqrt(sum(s * s for s in samples) / len(samples))
    return Heard(
        len(samples) / rate, 20 * math.log10(rms / 32768) if rms else -math.inf, max(map(abs, samples))
    )


def heard_wav(path: Path) -> Heard:
    """A WAV file, measured; it must be the 16-bit mono kind espeak-ng writes."""
    with wave.open(str(path), "rb") as wav:
        assert wav.getnchannels() == 1 and wav.getsampwidth() == 2, f"{path}: not 16-bit mono"
        return heard(wav.readframes(wav.getnframes()), wav.getframerate())


def trimmed(samples: array.array[int], floor: int = 200) -> array.array[int]:
    """Without the silence at either end."""
    start = next((i for i, s in enumerate(samples) if abs(s) >= floor), len(samples))
    end = len(samples) - next((i for i, s in enumerate(reversed(samples)) if abs(s) >= floor), len(samples))
    return samples[start:end]


def envelope(samples: array.array[int], frame: int = 220) -> list[float]:
    """Loudness every 10 ms (at 22,050 Hz): the rhythm of the speech, which differs from voice to voice."""
    return [
        math.sqrt(sum(s * s for s in samples[i : i + frame]) / frame)
        for i in range(0, len(samples) - frame, frame)
    ]


def envelope_distance(a: list[float], b: list[float]) -> float:
    """Mean difference of two loudness envelopes, aligned at their start."""
    n = min(len(a), len(b))
    return sum(abs(a[i] - b[i]) for i in range(n)) / n if n else math.inf


def plausible_length(seconds: float, text: str) -> bool:
    """Speech at 80-300 words a minute lasts roughly 0.02-0.25 s a character (plus pauses)."""
    characters = len(text.strip())
    return 0.02 * characters <= seconds <= 0.25 * characters + 2.0


def paced_player(out_dir: Path) -> Player:
    """A player that takes as long as the audio lasts and keeps what it played in ``out_dir``."""
    return Player("paced test player", (sys.executable, str(PACED_PLAYER), str(out_dir), "{rate}"))


def wait_for(condition: Callable[[], bool], timeout: float = 30.0, what: str = "") -> None:
    """Block until ``condition()`` (generous bound; no test may depend on the machine's speed)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        time.sleep(0.01)
