"""Snapshot tests of every visitor screen at 80×24 and 120×40 in German, English, Ukrainian and Arabic.

Update after an intended change of the look with `pytest tests/functional/test_snapshots.py --snapshot-update`
and read the report before committing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support.screen import SCREEN_KEYS

LANGUAGE_KEY = {"de": "1", "en": "2", "uk": "3", "ar": "4"}


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("language", ["de", "en", "uk", "ar"])
@pytest.mark.parametrize("screen", list(SCREEN_KEYS))
def test_screen(
    snap_compare: Callable[..., bool],
    make_app: Callable[..., Any],
    screen: str,
    language: str,
    size: tuple[int, int],
) -> None:
    keys = ["x", LANGUAGE_KEY[language], *SCREEN_KEYS[screen]]
    assert snap_compare(make_app(), press=keys, terminal_size=size)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_welcome(
    snap_compare: Callable[..., bool], make_app: Callable[..., Any], size: tuple[int, int]
) -> None:
    assert snap_compare(make_app(), terminal_size=size)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_language_picker(
    snap_compare: Callable[..., bool], make_app: Callable[..., Any], size: tuple[int, int]
) -> None:
    assert snap_compare(make_app(), press=["x"], terminal_size=size)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_idle_countdown(
    snap_compare: Callable[..., bool], make_app: Callable[..., Any], monotonic: Any, size: tuple[int, int]
) -> None:
    app = make_app()

    async def go_idle(pilot: Any) -> None:
        await pilot.press("x", "2", "1")
        monotonic.advance(1000)
        app.check_visitor_idle()
        await pilot.pause()

    assert snap_compare(app, run_before=go_idle, terminal_size=size)
