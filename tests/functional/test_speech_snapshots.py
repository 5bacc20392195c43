"""Snapshots of the header's Read aloud button: offered, on, and unavailable, left to right and right
to left. Update with `pytest tests/functional/test_speech_snapshots.py --snapshot-update`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kiosk.speech.engine import WriteWavs
from tests.support.speech import needs_espeak
from tests.support.speech_ui import speaking_app

pytestmark = needs_espeak


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize(("language", "key"), [("de", "1"), ("ar", "4")])
def test_the_button_in_the_header(
    snap_compare: Callable[..., bool],
    make_app: Callable[..., Any],
    tmp_path: Path,
    language: str,
    key: str,
    size: tuple[int, int],
) -> None:
    app = speaking_app(make_app, WriteWavs(tmp_path))
    assert snap_compare(app, press=["x", key], terminal_size=size)


def test_the_button_while_speech_is_on(
    snap_compare: Callable[..., bool], make_app: Callable[..., Any], tmp_path: Path
) -> None:
    app = speaking_app(make_app, WriteWavs(tmp_path))
    assert snap_compare(app, press=["x", "1", "f1"], terminal_size=(80, 24))


def test_the_button_without_an_engine(
    snap_compare: Callable[..., bool], make_app: Callable[..., Any], tmp_path: Path
) -> None:
    app = speaking_app(make_app, WriteWavs(tmp_path), engine=str(tmp_path / "no-espeak-ng"))
    assert snap_compare(app, press=["x", "1"], terminal_size=(80, 24))
