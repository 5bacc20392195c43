"""Every visitor screen in all twelve languages: it opens, speaks the language, and shows no raw markup."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kiosk.config import DEFAULT_LANGUAGES
from kiosk.i18n.catalogs import gettext_in
from kiosk.ui.app import KioskApp
from kiosk.ui.screens.base import KioskScreen
from tests.support.screen import SCREEN_KEYS, screen_text

SCREENS = {**SCREEN_KEYS, "search": ["5"]}


@pytest.mark.parametrize("language", DEFAULT_LANGUAGES)
async def test_every_screen_in(language: str, make_app: Callable[..., Any]) -> None:
    app: KioskApp = make_app()
    number = str(DEFAULT_LANGUAGES.index(language) + 1)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("x")
        if int(number) <= 9:
            await pilot.press(number)
        else:  # the tenth to twelfth language have no number key: arrows and Enter
            await pilot.press(*(["right"] * (int(number) - 1)), "enter")
        await pilot.pause()
        assert app.language == language
        for name, keys in SCREENS.items():
            await pilot.press("home")
            await pilot.pause()
            for key in keys:
                await pilot.press(key)
                await pilot.pause()
            screen = app.screen
            assert isinstance(screen, KioskScreen), f"{name} in {language}: {screen!r}"
            assert screen.composed_language == language
            # The frame speaks the visitor's language: the start-over button says so.
            label = str(screen.query_one("#start-over").label)  # type: ignore[attr-defined]
            assert label.strip(), f"{name} in {language}: empty start-over button"
            text = screen_text(app)
            assert "[/" not in text and "\x1b" not in text, f"{name} in {language}"
        expected = gettext_in(language, "Start over")
        if language not in ("en",):
            assert expected != "Start over", f"no translation of 'Start over' in {language}"
