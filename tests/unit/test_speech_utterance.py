"""Utterances: parts in their own language, and content that cannot steer the engine."""

from __future__ import annotations

import subprocess
import wave
import xml.etree.ElementTree as ET
from pathlib import Path

from kiosk.speech.utterance import MAX_PART_CHARS, Part, Utterance, split_scripts, to_ssml, voice_text
from tests.support.speech import needs_espeak


def phonemes(ssml: str) -> str:
    """What espeak-ng will say for ``ssml``, as its phoneme mnemonics (a voice switch shows as "(xx)")."""
    done = subprocess.run(
        ["espeak-ng", "-m", "-q", "-x", "--stdin"], input=ssml, capture_output=True, text=True
    )
    return done.stdout


def test_latin_names_in_arabic_text_are_parts_for_the_german_voice() -> None:
    parts = split_scripts("مكتب «lokal willkommen» لمنطقتي Mengede و Huckarde.", "ar")
    assert [(p.language, p.text) for p in parts] == [
        ("ar", "مكتب «"),
        ("de", "lokal willkommen"),
        ("ar", "» لمنطقتي "),
        ("de", "Mengede"),
        ("ar", " و "),
        ("de", "Huckarde."),
    ]
    assert "".join(p.text for p in parts) == "مكتب «lokal willkommen» لمنطقتي Mengede و Huckarde."


def test_text_in_a_latin_script_language_stays_one_part() -> None:
    assert split_scripts("Büro lokal willkommen in Mengede", "tr") == [
        Part("Büro lokal willkommen in Mengede", "tr")
    ]
    assert split_scripts("   ", "de") == []


def test_neighbours_in_one_language_become_one_part() -> None:
    utterance = Utterance.joined([("3,", "de"), ("Sprechzeiten", "de"), ("Дортмунд", "uk")])
    assert utterance.parts == (Part("3, Sprechzeiten ", "de"), Part("Дортмунд", "uk"))
    assert utterance.text == "3, Sprechzeiten Дортмунд"
    assert utterance.language == "de" and utterance.languages == ("de", "uk")


def test_content_cannot_switch_voices_or_insert_markup() -> None:
    hostile = 'Hallo </voice><voice xml:lang="en">evil<break time="20s"/> & \x1b[31mrot\x1b[0m \u202ezurück'
    ssml = to_ssml(Utterance.of(hostile, "de"))
    root = ET.fromstring(ssml)  # well-formed: every < and & of the content is escaped
    voices = root.findall("voice")
    assert len(voices) == 1 and voices[0].get("{http://www.w3.org/XML/1998/namespace}lang") == "de"
    assert list(voices[0]) == [], "no element came from the content"
    text = voices[0].text or ""
    assert '</voice><voice xml:lang="en">evil<break time="20s"/> &' in text
    assert "\x1b" not in text and "\u202e" not in text


@needs_espeak
def test_an_injected_pause_is_read_as_words_not_obeyed(tmp_path: Path) -> None:
    path = tmp_path / "hostile.wav"
    ssml = to_ssml(Utterance.of('Eins <break time="20s"/> zwei', "de"))
    subprocess.run(["espeak-ng", "-m", "--stdin", "-w", str(path)], input=ssml, text=True, check=True)
    with wave.open(str(path), "rb") as wav:
        seconds = wav.getnframes() / wav.getframerate()
    assert seconds < 10, f"{seconds:.1f} s: the 20 s break was obeyed"


@needs_espeak
def test_german_names_in_arabic_are_pronounced_as_german() -> None:
    said = phonemes(to_ssml(Utterance.of("مكتب لمنطقتي Mengede و Huckarde", "ar")))
    assert "m'ENe:d@" in said and "h'Ukard@" in said, said
    alone = subprocess.run(
        ["espeak-ng", "-v", "ar", "-q", "-x", "مكتب لمنطقتي Mengede و Huckarde"],
        capture_output=True,
        text=True,
    ).stdout
    assert "(en)m'EndZd" in alone, "the Arabic voice alone reads them with English rules"


@needs_espeak
def test_ukrainian_one_letter_words_are_not_spelled_out() -> None:
    assert voice_text("Ми з вами й з ним", "uk") == "Ми із вами і із ним"
    said = phonemes(to_ssml(Utterance.of("Ми говоримо з вами", "uk")))
    assert "z'E" not in said, said  # "з" read as the letter's name
    assert voice_text("з", "ru") == "з"


def test_a_part_is_cut_to_a_bounded_length() -> None:
    (part,) = Utterance.of("Wort " * 5000, "de").parts
    assert len(part.text) <= MAX_PART_CHARS


def test_clock_times_in_content_are_said_as_words_say_them() -> None:
    assert voice_text("Montag und Freitag 9:00 bis 12:00 Uhr, Dienstag 13:30–16:00", "de") == (
        "Montag und Freitag 9 bis 12 Uhr, Dienstag 13 30 bis 16"
    )
    assert voice_text("вівторок 13:00–16:00", "uk") == "вівторок від 13 до 16"
    assert voice_text("Verhältnis 3:1, Zeit 10:15:20", "de") == "Verhältnis 3:1, Zeit 10:15:20"
