"""The Print button and the P key: only with a printer configured; a slip reaches a network printer on
127.0.0.1 with the item's take-home code; an offline, refusing or stalling printer gives the visitor a calm
message in their language within a few seconds, and the kiosk answers keys meanwhile.
"""

from __future__ import annotations

import time
from typing import Any, cast

import pytest
import zxingcpp
from textual.widgets import Button

from kiosk.config import PrinterSettings, Settings
from kiosk.i18n.rtl import visual_line
from kiosk.sources.snapshot import load_snapshot
from kiosk.ui.app import KioskApp
from kiosk.ui.screens.page import PageScreen
from tests.conftest import MONDAY_MORNING, FakeMonotonic
from tests.support.fake_printer import Behaviour, FakePrinter, closed_port
from tests.support.qr_screen import screen_lines

PRINTED = "Your slip is printed. Please take it from the printer."
NOT_WORKING = "The printer is not working right now. Please scan the code or ask at the office."
NOT_WORKING_AR = "الطابعة لا تعمل الآن"
PRINTED_AR = "تمت طباعة ورقتكم"
TIMEOUT_S = 2.0


def kiosk(settings: Settings, port: int | None) -> KioskApp:
    if port is not None:
        printer = PrinterSettings(connection="network", host="127.0.0.1", port=port, timeout_s=TIMEOUT_S)
        settings = settings.model_copy(update={"printer": printer})
    return KioskApp(
        settings,
        load_snapshot(),
        clock=lambda: MONDAY_MORNING,
        monotonic=FakeMonotonic(),
        cycle_greeting=False,
    )


async def go(pilot: Any, language_key: str, *keys: str) -> None:
    for key in ("x", language_key, *keys):
        before = pilot.app.screen
        await pilot.press(key)
        for wait in range(200):
            await pilot.pause(0.025 if wait > 5 else None)
            if pilot.app.screen is not before and pilot.app.screen.is_mounted and pilot.app.focused:
                break


def text(app: KioskApp) -> str:
    """The screen's words, spaces removed: a message wrapped over two rows still reads as one."""
    return "".join("".join(screen_lines(app)).split())


async def until(pilot: Any, words: str, seconds: float) -> float:
    """Seconds until ``words`` are on screen (fails after ``seconds``)."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if "".join(words.split()) in text(pilot.app):
            return time.monotonic() - started
        await pilot.pause(0.05)
    raise AssertionError(f"{words!r} not on screen within {seconds} s")


async def test_without_a_printer_there_is_no_print_button_and_p_does_nothing(settings: Settings) -> None:
    app = kiosk(settings, None)
    async with app.run_test(size=(120, 40)) as pilot:
        await go(pilot, "2", "1", "2", "2")
        assert isinstance(app.screen, PageScreen)
        assert not [b for b in app.screen.query(Button) if b.id == "print"]
        assert "Print" not in text(app) and "Pprint" not in text(app)
        await pilot.press("p")
        await pilot.pause()
        assert "slip" not in text(app)


async def test_p_prints_the_page_with_its_code_and_says_so(settings: Settings) -> None:
    printer = FakePrinter("ok")
    try:
        app = kiosk(settings, printer.port)
        async with app.run_test(size=(120, 40)) as pilot:
            await go(pilot, "4", "1", "2", "3")  # Arabic, topics, school, enrol a child
            assert isinstance(app.screen, PageScreen) and app.language == "ar"
            assert [b for b in app.screen.query(Button) if b.id == "print"], "a Print button"
            await pilot.press("p")
            await until(pilot, visual_line(PRINTED_AR, "rtl"), TIMEOUT_S + 5)
            assert len(printer.jobs) == 1 and printer.jobs[0].cut
            slip = printer.jobs[0].image()
            found = zxingcpp.read_barcodes(slip.convert("L"))
            assert len(found) == 1
            code = found[0].text
            title = app.screen.title_text()
            assert code.startswith(title.split(" ")[0]) and code.endswith("☎ 0231 50 11 148")
    finally:
        printer.close()


@pytest.mark.parametrize("behaviour", ["offline", "no_paper", "stall", "refused"])
async def test_a_printer_in_trouble_gets_a_calm_message_and_the_kiosk_answers(
    settings: Settings, behaviour: str
) -> None:
    printer = None if behaviour == "refused" else FakePrinter(cast(Behaviour, behaviour), stall_after=2048)
    port = closed_port() if printer is None else printer.port
    try:
        app = kiosk(settings, port)
        async with app.run_test(size=(120, 40)) as pilot:
            await go(pilot, "2", "1", "2", "2")
            assert isinstance(app.screen, PageScreen)
            await pilot.press("p")
            await pilot.pause()
            # While the printer is being asked, the kiosk answers keys: F2 opens the language picker.
            await pilot.press("f2")
            await pilot.pause()
            assert not isinstance(app.screen, PageScreen), "the kiosk answered while printing"
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, PageScreen)
            waited = await until(pilot, NOT_WORKING, TIMEOUT_S + 5)
            assert waited < TIMEOUT_S + 5
            assert "".join(PRINTED.split()) not in text(app)
    finally:
        if printer is not None:
            printer.close()


async def test_the_message_is_in_the_visitors_language(settings: Settings) -> None:
    app = kiosk(settings, closed_port())
    async with app.run_test(size=(120, 40)) as pilot:
        await go(pilot, "4", "1", "2", "3")
        await pilot.press("p")
        # Arabic is drawn in visual order: look for the words as the RTL pipeline lays them out.
        await until(pilot, visual_line(NOT_WORKING_AR, "rtl"), TIMEOUT_S + 5)
