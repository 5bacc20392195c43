"""The speaker with the real espeak-ng: WAV files a person could listen to, volume steps measured as
sound, a new utterance cutting the old one off, and failures that never reach the caller."""

from __future__ import annotations

import array
import itertools
import subprocess
import wave
from pathlib import Path

from kiosk.speech.engine import VOLUME_STEPS, PlayTo, Speaker, WriteWavs
from kiosk.speech.system import Player
from kiosk.speech.utterance import Part, Utterance
from tests.support.speech import (
    envelope,
    envelope_distance,
    heard,
    heard_wav,
    needs_espeak,
    paced_player,
    plausible_length,
    samples_of,
    trimmed,
    wait_for,
)

pytestmark = needs_espeak

LONG_GERMAN = (
    "Sind Sie neu in Dortmund? Haben Sie eine Frage zu Schule, Arzt, Arbeit oder einem Brief? "
    "Dann kommen Sie zu uns. Wir helfen praktisch und schnell, in der offenen Sprechstunde am Montag."
)


def test_an_utterance_becomes_a_wav_file_of_speech(tmp_path: Path) -> None:
    speaker = Speaker(WriteWavs(tmp_path))
    try:
        spoken = speaker.say(Utterance.of("Sind Sie neu in Dortmund?", "de", "title"))
        assert speaker.wait_until_quiet(60)
    finally:
        speaker.close()
    assert spoken.completed and not spoken.error
    assert spoken.wav is not None and spoken.wav.parent == tmp_path
    with wave.open(str(spoken.wav), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 22050)
    sound = heard_wav(spoken.wav)
    assert plausible_length(sound.seconds, "Sind Sie neu in Dortmund?"), sound
    assert sound.rms_db > -40, f"hardly audible: {sound}"


def test_each_part_is_read_by_its_own_voice(tmp_path: Path) -> None:
    """German names in Arabic text: the German voice reads them, as espeak-ng does for German alone."""
    speaker = Speaker(WriteWavs(tmp_path))
    said = []
    try:
        for utterance in (
            Utterance((Part("مكتب لمنطقتي", "ar"), Part("Mengede und Huckarde", "de"))),
            Utterance((Part("Mengede und Huckarde", "de"),)),
            Utterance((Part("Mengede und Huckarde", "ar"),)),
        ):
            said.append(speaker.say(utterance))
            assert speaker.wait_until_quiet(60)  # one after the other: a new one would cut the last off
    finally:
        speaker.close()
    mixed, german, arabic_voice = said
    assert mixed.wav and german.wav and arabic_voice.wav
    german_alone = trimmed(_samples(german.wav))
    other_voice = trimmed(_samples(arabic_voice.wav))
    # The German part ends the mixed utterance: its sound follows the German voice's reading of the
    # words, not the Arabic voice's (espeak-ng's Arabic voice hands Latin script to English rules).
    tail = trimmed(_samples(mixed.wav))[-len(german_alone) :]
    like_german = envelope_distance(envelope(tail), envelope(german_alone))
    like_other = envelope_distance(envelope(tail), envelope(other_voice))
    assert like_german < like_other / 5, (like_german, like_other)


def _samples(path: Path) -> array.array[int]:
    with wave.open(str(path), "rb") as wav:
        return samples_of(wav.readframes(wav.getnframes()))


def test_the_volume_steps_span_more_than_12_db(tmp_path: Path) -> None:
    """EN 301 549 8.2.1.2: at least 12 dB between the quietest and the loudest volume."""
    speaker = Speaker(WriteWavs(tmp_path))
    levels = []
    try:
        for step in range(1, len(VOLUME_STEPS) + 1):
            speaker.set_volume(step)
            spoken = speaker.say(Utterance.of(LONG_GERMAN, "de"))
            assert speaker.wait_until_quiet(60)
            assert spoken.wav is not None
            levels.append(heard_wav(spoken.wav).rms_db)
    finally:
        speaker.close()
    assert levels == sorted(levels) and len(set(levels)) == len(levels), f"not louder step by step: {levels}"
    assert levels[-1] - levels[0] >= 12.0, f"only {levels[-1] - levels[0]:.1f} dB: {levels}"
    for quieter, louder in itertools.pairwise(levels):
        assert 2.0 <= louder - quieter <= 6.0, f"uneven steps: {levels}"


def test_a_new_utterance_cuts_off_the_one_being_played(tmp_path: Path) -> None:
    played = tmp_path / "played"
    speaker = Speaker(PlayTo(paced_player(played)))
    try:
        first = speaker.say(Utterance.of(LONG_GERMAN, "de"))
        wait_for(lambda: _played(played) > 8000, what="the first utterance to sound")
        second = speaker.say(Utterance.of("Halt.", "de"))
        assert speaker.wait_until_quiet(60)
    finally:
        speaker.close()
    assert first.interrupted and not first.completed
    assert second.completed and not second.error
    files = sorted(played.glob("*.raw"))
    assert len(files) == 2, files
    cut, whole = (heard(path.read_bytes(), 22050) for path in files)
    full_length = heard_wav(_write(tmp_path, LONG_GERMAN)).seconds
    assert cut.seconds < full_length / 2, (
        f"the first went on playing: {cut.seconds:.1f} of {full_length:.1f} s"
    )
    assert 0.2 < whole.seconds < 3, whole


def _played(directory: Path) -> int:
    return sum(path.stat().st_size for path in directory.glob("*.raw")) if directory.exists() else 0


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "reference.wav"
    subprocess.run(["espeak-ng", "-v", "de", "-s", "150", "-w", str(path), text], check=True)
    return path


def test_stop_silences_and_the_speaker_is_free_again(tmp_path: Path) -> None:
    speaker = Speaker(PlayTo(paced_player(tmp_path / "played")))
    try:
        spoken = speaker.say(Utterance.of(LONG_GERMAN, "de"))
        wait_for(lambda: _played(tmp_path / "played") > 8000, what="sound")
        speaker.stop()
        assert speaker.wait_until_quiet(30)
        assert not speaker.busy
        assert spoken.interrupted
        again = speaker.say(Utterance.of("Weiter.", "de"))
        assert speaker.wait_until_quiet(60)
        assert again.completed
    finally:
        speaker.close()


def test_a_missing_engine_is_an_error_on_the_utterance_not_a_crash(tmp_path: Path) -> None:
    speaker = Speaker(WriteWavs(tmp_path), engine=str(tmp_path / "no-such-espeak-ng"))
    try:
        first = speaker.say(Utterance.of("Hallo", "de"))
        assert speaker.wait_until_quiet(30)
        second = speaker.say(Utterance.of("Noch einmal", "de"))
        assert speaker.wait_until_quiet(30)
    finally:
        speaker.close()
    for spoken in (first, second):
        assert not spoken.completed and "no-such-espeak-ng" in spoken.error


def test_a_failing_player_is_reported_with_its_exit_code(tmp_path: Path) -> None:
    speaker = Speaker(PlayTo(Player("broken", ("false",))))
    try:
        spoken = speaker.say(Utterance.of("Hallo", "de"))
        assert speaker.wait_until_quiet(30)
    finally:
        speaker.close()
    assert not spoken.completed and spoken.error.startswith("false exited with 1")


def test_the_time_to_the_first_sound_is_recorded(tmp_path: Path) -> None:
    """The figure the latency benchmark reports: request to the first samples handed to the player."""
    speaker = Speaker(PlayTo(paced_player(tmp_path / "played")))
    try:
        spoken = speaker.say(Utterance.of("Vorlesen an.", "de"))
        assert speaker.wait_until_quiet(60)
    finally:
        speaker.close()
    assert spoken.started_at is not None and spoken.first_audio_at is not None
    assert spoken.requested_at <= spoken.started_at <= spoken.first_audio_at <= (spoken.finished_at or 0)
