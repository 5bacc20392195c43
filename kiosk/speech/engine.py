"""The speaker: espeak-ng turns utterances into sound in a worker thread; a new one cuts the old one off.

Nothing here runs on the caller's thread but a signal to a running process: synthesis, piping the
audio to the player and waiting for it all happen in one daemon thread. The player gets raw samples
(the WAV header is read here for the sample rate), which every player takes from a pipe.
"""

from __future__ import annotations

import contextlib
import logging
import subprocess
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from kiosk.speech.system import ESPEAK, Player, SpeechCheck
from kiosk.speech.utterance import Utterance, to_ssml

log = logging.getLogger(__name__)

#: espeak-ng amplitude per volume step (1 quietest .. 5 loudest): about 3.5 dB apart, 14 dB from the
#: quietest to the loudest (measured RMS in tests/unit/test_speech_engine.py; EN 301 549 asks 12 dB).
VOLUME_STEPS = (20, 30, 45, 67, 100)
WAV_HEADER_BYTES = 44
CHUNK_BYTES = 4096


@dataclass(frozen=True)
class PlayTo:
    """Play through ``player`` (the system's default output or the configured command)."""

    player: Player


@dataclass(frozen=True)
class WriteWavs:
    """Write each utterance to a numbered WAV file in ``directory`` instead of playing it (tests)."""

    directory: Path


Output = PlayTo | WriteWavs


@dataclass(frozen=True)
class SpeechSetup:
    """How the kiosk speaks when told from outside (tests): what the machine offers, and the output."""

    check: SpeechCheck
    output: Output


@dataclass
class Spoken:
    """One request to speak and what became of it; times are the speaker's clock (monotonic)."""

    utterance: Utterance
    ticket: int
    volume: int
    requested_at: float
    started_at: float | None = None
    #: When the first samples went to the player (or, for WAV files, when the file was complete).
    first_audio_at: float | None = None
    finished_at: float | None = None
    #: Played to its end; False when cut off by a newer utterance or stop(), or on an error.
    completed: bool = False
    wav: Path | None = None
    error: str = ""

    @property
    def interrupted(self) -> bool:
        return self.finished_at is not None and not self.completed and not self.error


class Speaker:
    """Speaks one utterance at a time through espeak-ng; ``say`` interrupts whatever is under way."""

    def __init__(
        self,
        output: Output,
        *,
        engine: str = ESPEAK,
        rate: int = 150,
        volume: int = 4,
        on_done: Callable[[Spoken], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        journal_size: int = 500,
    ) -> None:
        self.output = output
        self.engine = engine
        self.rate = rate
        self.volume = min(max(volume, 1), len(VOLUME_STEPS))
        self.on_done = on_done
        self.clock = clock
        #: The latest requests in order, with what became of each (for tests, logs and latency figures).
        self.journal: deque[Spoken] = deque(maxlen=journal_size)
        self._lock = threading.Condition()
        self._ticket = 0
        self._pending: Spoken | None = None
        self._current: Spoken | None = None
        self._processes: list[subprocess.Popen[bytes]] = []
        self._closed = False
        self._thread: threading.Thread | None = None

    # -- the caller's side (the UI thread) ---------------------------------------------------------
    def say(self, utterance: Utterance) -> Spoken:
        """Speak ``utterance`` as soon as possible, cutting off what is being said."""
        with self._lock:
            self._ticket += 1
            spoken = Spoken(utterance, self._ticket, self.volume, self.clock())
            self.journal.append(spoken)
            self._pending = spoken
            doomed, self._processes = self._processes, []
            self._start_thread()
            self._lock.notify_all()
        _kill(doomed)
        return spoken

    def stop(self) -> None:
        """Silence: cut off what is being said and forget what was waiting."""
        with self._lock:
            self._ticket += 1
            self._pending = None
            doomed, self._processes = self._processes, []
            self._lock.notify_all()
        _kill(doomed)

    @property
    def busy(self) -> bool:
        """Something is being said or waits to be."""
        with self._lock:
            return self._pending is not None or self._current is not None

    def wait_until_quiet(self, timeout: float) -> bool:
        """Block until nothing is being said (for tests and the command line); False on timeout."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._pending is not None or self._current is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._lock.wait(left)
        return True

    def set_volume(self, step: int) -> int:
        """Set the volume step (1..5, clamped) for what is said next; the step in effect."""
        self.volume = min(max(step, 1), len(VOLUME_STEPS))
        return self.volume

    @property
    def amplitude(self) -> int:
        return VOLUME_STEPS[self.volume - 1]

    def close(self, timeout: float = 5.0) -> None:
        """Stop speaking and end the worker thread."""
        self.stop()
        with self._lock:
            self._closed = True
            self._lock.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)

    # -- the worker thread ---------------------------------------------------------------------------
    def _start_thread(self) -> None:
        if self._thread is None and not self._closed:
            self._thread = threading.Thread(target=self._run, name="speech", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self._lock:
                while self._pending is None and not self._closed:
                    self._lock.wait()
                if self._closed:
                    return
                spoken, self._pending = self._pending, None
                self._current = spoken
            assert spoken is not None
            try:
                self._speak(spoken)
            except OSError as error:  # no engine or player to start: say why once per utterance
                log.warning("speech failed: %s", error)
                spoken.error = f"{type(error).__name__}: {error}"
            except Exception as error:  # the kiosk must go on whatever the engine does
                log.exception("speech failed")
                spoken.error = f"{type(error).__name__}: {error}"
            spoken.finished_at = self.clock()
            with self._lock:
                spoken.completed = not spoken.error and spoken.ticket == self._ticket
                self._current = None
                self._lock.notify_all()
            if self.on_done is not None:
                try:
                    self.on_done(spoken)
                except Exception:
                    log.exception("speech: on_done failed")

    def _keep(self, spoken: Spoken, process: subprocess.Popen[bytes]) -> bool:
        """Track ``process`` so a newer request can kill it; False (and killed) if one came already."""
        with self._lock:
            if spoken.ticket != self._ticket:
                _kill([process])
                return False
            self._processes.append(process)
            return True

    def _espeak(self, spoken: Spoken, extra: list[str]) -> subprocess.Popen[bytes] | None:
        amplitude = VOLUME_STEPS[spoken.volume - 1]
        argv = [self.engine, "-m", "--stdin", "-a", str(amplitude), "-s", str(self.rate)]
        process = subprocess.Popen(
            [*argv, *extra], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        spoken.started_at = self.clock()
        if not self._keep(spoken, process):
            process.wait()
            return None
        assert process.stdin is not None
        try:
            # espeak-ng reads all of its input before it speaks, so this cannot wait on its output.
            process.stdin.write(to_ssml(spoken.utterance).encode())
            process.stdin.close()
        except (BrokenPipeError, OSError):
            pass
        return process

    def _speak(self, spoken: Spoken) -> None:
        if isinstance(self.output, WriteWavs):
            self._write_wav(spoken, self.output.directory)
        else:
            self._play(spoken, self.output.player)

    def _write_wav(self, spoken: Spoken, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{spoken.ticket:05d}-{spoken.utterance.language or 'xx'}.wav"
        espeak = self._espeak(spoken, ["-w", str(path)])
        if espeak is None:
            return
        if espeak.wait() == 0 and path.exists():
            spoken.first_audio_at = self.clock()
            spoken.wav = path
        elif spoken.ticket == self._ticket:
            spoken.error = f"espeak-ng exited with {espeak.returncode}"

    def _play(self, spoken: Spoken, player: Player) -> None:
        espeak = self._espeak(spoken, ["--stdout"])
        if espeak is None:
            return
        assert espeak.stdout is not None
        try:
            header = _read_exactly(espeak.stdout, WAV_HEADER_BYTES)
            if len(header) < WAV_HEADER_BYTES:
                if spoken.ticket == self._ticket:
                    spoken.error = f"espeak-ng gave no audio (exit {espeak.wait()})"
                return
            rate = int.from_bytes(header[24:28], "little") if header[:4] == b"RIFF" else 22050
            with tempfile.TemporaryFile() as errors:
                self._pipe(spoken, espeak.stdout, player.argv(rate), errors)
        finally:
            espeak.stdout.close()
            if espeak.poll() is None:
                espeak.kill()
            espeak.wait()

    def _pipe(self, spoken: Spoken, audio: IO[bytes], argv: list[str], errors: IO[bytes]) -> None:
        """Feed ``audio`` to the player started from ``argv`` until it ends or is cut off."""
        player = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors)
        if not self._keep(spoken, player):
            player.wait()
            return
        assert player.stdin is not None
        try:
            while chunk := audio.read1(CHUNK_BYTES):  # type: ignore[attr-defined]
                player.stdin.write(chunk)
                player.stdin.flush()
                if spoken.first_audio_at is None:
                    spoken.first_audio_at = self.clock()
            player.stdin.close()
        except (BrokenPipeError, OSError, ValueError):
            pass  # the player ended (cut off, or failed: its exit code tells)
        code = player.wait()
        if code != 0 and spoken.ticket == self._ticket:
            errors.seek(0)
            said = errors.read()[-300:].decode(errors="replace").strip().replace("\n", " ")
            spoken.error = f"{argv[0]} exited with {code}" + (f": {said}" if said else "")


def _read_exactly(stream: IO[bytes], n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = stream.read(n - len(data))
        if not chunk:
            break
        data += chunk
    return data


def _kill(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            with contextlib.suppress(OSError):
                process.kill()
