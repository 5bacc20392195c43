"""Speech: the time from the speech key's press to the first sound, and how much of it is the kiosk's.

    .venv/bin/python -m benchmarks.bench_speech [--rounds N]

The kiosk runs headless (Textual's Pilot) on the bundled content, German, on the home screen. Each
round presses the speech key (speech on: "Vorlesen an." and what the screen holds) and then again
(speech off). Measured per round:

- key press -> first samples handed to the player (the kiosk's share: key handling, the worker,
  espeak-ng starting and synthesising, the player starting), from the speaker's own record;
- key press -> first sound at the system's default output, when a PipeWire or PulseAudio server is
  reachable: the output's monitor is recorded (``parec``) and the first sample above silence after
  the press is the first sound. This includes the audio system's buffers and the recording's own,
  so it is an upper bound; the floor (``pw-play`` of a ready WAV file, the same way measured) is
  printed beside it.

Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import array
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

RATE = 22050
LOUD = 300  # |sample| above this is sound (espeak-ng speaks at thousands; a silent sink gives 0)
QUIET_BEFORE_S = 0.25  # an onset needs this much silence before it


@dataclass
class Monitor:
    """Records the default sink's monitor and notes when sound begins after silence."""

    onsets: list[float] = field(default_factory=list)
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> bool:
        if shutil.which("parec") is None:
            return False
        self.process = subprocess.Popen(
            ["parec", "-d", "@DEFAULT_MONITOR@", "--raw", "--format=s16le", f"--rate={RATE}", "--channels=1",
             "--latency-msec=5"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        threading.Thread(target=self._read, daemon=True).start()
        time.sleep(0.5)
        return self.process.poll() is None

    def _read(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        quiet_since: float | None = time.perf_counter()
        while chunk := self.process.stdout.read1(1024):  # type: ignore[attr-defined]
            arrived = time.perf_counter()
            samples = array.array("h")
            samples.frombytes(chunk[: len(chunk) // 2 * 2])
            for index, sample in enumerate(samples):
                at = arrived - (len(samples) - index) / RATE
                if abs(sample) > LOUD:
                    if quiet_since is not None and at - quiet_since >= QUIET_BEFORE_S:
                        self.onsets.append(at)
                    quiet_since = None
                elif quiet_since is None:
                    quiet_since = at

    def first_after(self, moment: float, timeout: float = 10.0) -> float | None:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            later = [onset for onset in self.onsets if onset >= moment]
            if later:
                return later[0] - moment
            time.sleep(0.005)
        return None

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()


def floor_latency(monitor: Monitor, rounds: int, wav: Path) -> list[float]:
    """``pw-play`` of a ready file: what the audio system alone takes to the monitor."""
    found: list[float] = []
    for _ in range(rounds):
        start = time.perf_counter()
        subprocess.run(["pw-play", str(wav)], check=False)
        onset = monitor.first_after(start, 5)
        if onset is not None:
            found.append(onset)
        time.sleep(QUIET_BEFORE_S * 2)
    return found


async def kiosk_latency(rounds: int, monitor: Monitor | None) -> tuple[list[float], list[float]]:
    from datetime import datetime

    from kiosk.clock import BERLIN
    from kiosk.config import load_settings
    from kiosk.sources.snapshot import load_snapshot
    from kiosk.speech.engine import PlayTo, SpeechSetup
    from kiosk.speech.system import Player, check_speech, find_player
    from kiosk.ui.app import KioskApp
    from kiosk.ui.runtime import Runtime
    from kiosk.ui.screens.home import HomeScreen

    settings = load_settings()
    player, _why = find_player("")
    if player is None or monitor is None:
        player = Player("discard", ("sh", "-c", "cat > /dev/null"))
    found = check_speech(True, "", settings.display.languages, needs_player=False)
    app = KioskApp(
        settings,
        load_snapshot(),
        clock=lambda: datetime(2026, 11, 23, 10, 30, tzinfo=BERLIN),
        cycle_greeting=False,
        runtime=Runtime(speech=SpeechSetup(found, PlayTo(player))),
    )
    to_player: list[float] = []
    to_sound: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "1")
        while not isinstance(app.screen, HomeScreen):
            await pilot.pause(0.05)
        speaker = app.speech.speaker
        assert speaker is not None
        for _ in range(rounds):
            before = len(speaker.journal)
            pressed = time.perf_counter()
            started = time.monotonic()  # the speaker's clock
            await pilot.press("f1")
            while len(speaker.journal) == before or speaker.journal[before].first_audio_at is None:
                await pilot.pause(0.005)
            first = speaker.journal[before]
            assert first.first_audio_at is not None
            to_player.append(first.first_audio_at - started)
            if monitor is not None:
                onset = monitor.first_after(pressed)
                if onset is not None:
                    to_sound.append(onset)
            await pilot.press("f1")  # off again ("Vorlesen aus.")
            while speaker.busy:
                await pilot.pause(0.05)
            await pilot.pause(QUIET_BEFORE_S * 2)
    return to_player, to_sound


def describe(name: str, values: list[float]) -> str:
    if not values:
        return f"{name:52} (not measured)"
    ms = sorted(v * 1000 for v in values)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"{name:52} median {statistics.median(ms):6.1f} ms  p95 {p95:6.1f} ms  (n={len(ms)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    options = parser.parse_args()
    os.environ.setdefault("KIOSK_CONFIG", "/dev/null")
    server = bool(os.environ.get("PULSE_SERVER") or os.environ.get("XDG_RUNTIME_DIR"))
    monitor = Monitor() if server else None
    if monitor is not None and not monitor.start():
        monitor = None
    floor: list[float] = []
    if monitor is not None and shutil.which("pw-play"):
        with tempfile.TemporaryDirectory() as scratch:
            wav = Path(scratch) / "floor.wav"
            subprocess.run(["espeak-ng", "-v", "de", "-w", str(wav), "Vorlesen an."], check=True)
            floor = floor_latency(monitor, options.rounds, wav)
    to_player, to_sound = asyncio.run(kiosk_latency(options.rounds, monitor))
    if monitor is not None:
        monitor.stop()
    print(describe("speech key -> first samples to the player", to_player))
    print(describe("speech key -> first sound at the default output", to_sound))
    print(describe("floor: pw-play of a ready WAV -> first sound", floor))


if __name__ == "__main__":
    main()
