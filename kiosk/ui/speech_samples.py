"""Sample recordings of the kiosk reading itself aloud, for a person to listen to.

    .venv/bin/python -m kiosk.ui.speech_samples OUT_DIR [--languages de,ar,fa,uk]

For each language a visitor walks the bundled content by ear, headless, with espeak-ng writing WAV
files instead of playing them: the audio menu entry, the home screen, the office hours, and the
first topic page. OUT_DIR/<lang>/ gets the WAV files in the order they were said and ``said.txt``
(file, kind, languages, words), so a listener knows what each file should say.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from kiosk.config import DEFAULT_LANGUAGES, load_settings
from kiosk.sources.snapshot import load_snapshot
from kiosk.speech.engine import SpeechSetup, Spoken, WriteWavs
from kiosk.speech.system import check_speech
from kiosk.ui.app import KioskApp
from kiosk.ui.runtime import Runtime
from kiosk.ui.widgets.choices import EVERY_KEY

#: The longest the walk waits for anything to be said (espeak-ng is fast; a busy machine is not).
PATIENCE_S = 120.0


async def _until(pilot: Pilot[None], condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + PATIENCE_S
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"no {what} within {PATIENCE_S:.0f} s")
        await pilot.pause(0.05)


def _journal(app: KioskApp) -> list[Spoken]:
    speaker = app.speech.speaker
    return list(speaker.journal) if speaker is not None else []


async def _quiet(pilot: Pilot[None], app: KioskApp) -> None:
    """Until the kiosk has said everything it meant to say after the last key."""
    await pilot.pause()
    script = app.speech.script
    speaker = app.speech.speaker

    def done() -> bool:
        busy = speaker is not None and speaker.busy
        return script.finished and not busy and not app.speech.announcing

    await _until(pilot, done, "end of speech")


async def _walk(app: KioskApp, language: str) -> list[Spoken]:
    """The walk; what was said (the speaker goes when the app ends)."""
    async with app.run_test(size=(120, 40)) as pilot:
        await _until(pilot, lambda: app.speech.speaker is not None, "speech engine")
        await pilot.press(app.settings.speech.key)  # the audio menu on the welcome screen
        # One round of the menu (every language in itself), then the visitor's key.
        rounds = len(app.settings.display.languages)
        await _until(pilot, lambda: sum(s.completed for s in _journal(app)) >= rounds, "audio menu")
        await pilot.press(EVERY_KEY[app.settings.display.languages.index(language)])
        await _quiet(pilot, app)
        for key in ("2", "escape", "1", "1"):  # office hours, back, help topics, the first topic
            await pilot.press(key)
            await _quiet(pilot, app)
        # A topic with subtopics: go on to the first page below it.
        for _ in range(3):
            if getattr(app.screen, "reads_paged", False):
                break
            await pilot.press("1")
            await _quiet(pilot, app)
        return _journal(app)


def record(out: Path, language: str) -> Path:
    """Walk the kiosk by ear in ``language``; the WAV files and their transcript in ``out/language``."""
    found = check_speech(True, "", list(DEFAULT_LANGUAGES), needs_player=False)
    if not found.available:
        raise SystemExit(f"cannot speak: {found.reason}")
    target = out / language
    shutil.rmtree(target, ignore_errors=True)
    with tempfile.TemporaryDirectory() as state:
        settings = load_settings()
        paths = settings.paths.model_copy(update={"state_dir": Path(state)})
        settings = settings.model_copy(update={"paths": paths})
        runtime = Runtime(speech=SpeechSetup(found, WriteWavs(target)))
        app = KioskApp(settings, load_snapshot(), runtime=runtime, cycle_greeting=False)
        journal = asyncio.run(_walk(app, language))
    lines = [
        f"{s.wav.name}\t{s.utterance.kind}\t{','.join(s.utterance.languages)}\t{s.utterance.text}"
        for s in journal
        if s.completed and s.wav is not None
    ]
    for stale in set(target.glob("*.wav")) - {s.wav for s in journal if s.completed}:
        stale.unlink()  # cut off by the next key before it was heard
    (target / "said.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--languages", default="de,ar,fa,uk")
    args = parser.parse_args(argv)
    for language in args.languages.split(","):
        if language not in DEFAULT_LANGUAGES:
            print(f"unknown language {language!r}; one of {', '.join(DEFAULT_LANGUAGES)}", file=sys.stderr)
            return 2
        target = record(args.out, language)
        print(f"{language}: {len(list(target.glob('*.wav')))} WAV files in {target} (see said.txt)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
