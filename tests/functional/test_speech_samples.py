"""The sample recordings a person listens to (``python -m kiosk.ui.speech_samples``) are the kiosk's
own speech: a Farsi walk by ear leaves a WAV file of plausible length for every line of its transcript."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.ui.speech_samples import main
from tests.support.speech import heard_wav, needs_espeak, plausible_length

pytestmark = needs_espeak


def test_the_sample_walk_writes_what_was_said_in_farsi(tmp_path: Path) -> None:
    assert main([str(tmp_path), "--languages", "fa"]) == 0
    lines = (tmp_path / "fa" / "said.txt").read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t") for line in lines]
    kinds = [kind for _, kind, _, _ in rows]
    assert "menu:fa" in kinds and "title" in kinds and "passage" in kinds
    # The office hours in Farsi words, the office's German address in the German voice.
    assert any(langs == "de" and "Westerfilder Straße 54" in text for _, _, langs, text in rows)
    assert any(kind == "title" and langs == "fa" for _, kind, langs, _ in rows)
    for name, _, _, text in rows:
        sound = heard_wav(tmp_path / "fa" / name)
        assert plausible_length(sound.seconds, text), (name, text, sound)
    assert sorted(p.name for p in (tmp_path / "fa").glob("*.wav")) == sorted(name for name, *_ in rows)


def test_an_unknown_language_is_one_clear_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "out"), "--languages", "xx"]) == 2
    assert (
        capsys.readouterr().err
        == "unknown language 'xx'; one of de, en, uk, ar, fa, ru, tr, ku, ro, bg, pl, fr\n"
    )
    assert not (tmp_path / "out").exists()
