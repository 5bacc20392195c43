"""The kiosk app with its speech written to WAV files (or played through a paced player), and what
a listener would have heard, in order."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from kiosk.config import DEFAULT_LANGUAGES
from kiosk.speech.engine import Output, SpeechSetup, Spoken, WriteWavs
from kiosk.speech.system import check_speech
from kiosk.ui.app import KioskApp
from kiosk.ui.runtime import Runtime
from tests.support.speech import heard_wav, plausible_length

AppFactory = Callable[..., Any]


def speaking_app(
    make_app: AppFactory, output: Output, *, engine: str = "espeak-ng", **overrides: Any
) -> KioskApp:
    """The kiosk on the bundled content, speaking through ``output`` (no audio device needed)."""
    found = check_speech(True, "", list(DEFAULT_LANGUAGES), engine=engine, needs_player=False)
    app: KioskApp = make_app(runtime=Runtime(speech=SpeechSetup(found, output)), **overrides)
    return app


def wav_app(make_app: AppFactory, tmp_path: Path, **overrides: Any) -> KioskApp:
    return speaking_app(make_app, WriteWavs(tmp_path / "speech"), **overrides)


async def until(
    pilot: Pilot[None],
    condition: Callable[[], bool],
    what: str,
    timeout: float = 60.0,
    info: Callable[[], str] = lambda: "",
) -> None:
    """Let the app run until ``condition()``; a generous bound, never a fixed wait."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what} {info()}")
        await pilot.pause(0.02)


async def all_said(pilot: Pilot[None], app: KioskApp) -> None:
    """Wait until the kiosk has said everything it meant to say."""
    await pilot.pause()
    script = app.speech.script
    await until(
        pilot,
        lambda: script.finished and not _busy(app) and not app.speech.announcing,
        "speech to finish",
        info=lambda: (
            f"at {script.at} of {len(script.items)}, current {script._current}, timer {script._timer}"
        ),
    )


def _busy(app: KioskApp) -> bool:
    speaker = app.speech.speaker
    return speaker is not None and speaker.busy


@dataclass(frozen=True)
class Said:
    """One thing the kiosk said: what kind, in which language(s), the words."""

    kind: str
    languages: tuple[str, ...]
    text: str


def journal(app: KioskApp) -> list[Spoken]:
    speaker = app.speech.speaker
    assert speaker is not None, "speech is unavailable"
    return list(speaker.journal)


def said(app: KioskApp, since: int = 0) -> list[Said]:
    """What was said (to its end) since the ``since``-th request, in order."""
    return [
        Said(s.utterance.kind, s.utterance.languages, s.utterance.text)
        for s in journal(app)[since:]
        if s.completed
    ]


def mark(app: KioskApp) -> int:
    return len(journal(app))


def assert_heard(app: KioskApp, since: int = 0) -> None:
    """Every utterance said to its end left a WAV file of speech as long as its words need."""
    for spoken in journal(app)[since:]:
        if not spoken.completed:
            continue
        assert spoken.wav is not None and spoken.wav.exists(), spoken
        sound = heard_wav(spoken.wav)
        assert plausible_length(sound.seconds, spoken.utterance.text), (sound, spoken.utterance.text)
        assert sound.rms_db > -45, (sound, spoken.utterance.text)
