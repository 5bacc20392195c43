"""A page far longer than the screen: whatever part the visitor scrolls to shows the page's own lines.

The page text counts its lines to know its height and wraps a block only when it comes into view. The
visitor must not see the difference: read off the terminal, every screenful (the top, the middle, the
very end after the links) holds exactly the lines the whole page wraps to, in German and in Arabic, and
after a switch of language too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rich.text import Text
from textual.containers import VerticalScroll
from textual.pilot import Pilot

from kiosk.config import DEFAULT_LANGUAGES, Settings
from kiosk.content.models import Direction, Language, LanguageContent, Page, RegionContent, Translation
from kiosk.devtools.fill import long_content
from kiosk.ui.app import KioskApp
from kiosk.ui.screens.page import PageScreen
from kiosk.ui.widgets.page_text import PageText
from kiosk.ui.widgets.text import lines_for
from tests.support.terminal import cell_rows, rtl_faults, text_in, visible_region

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))

#: Blocks that take the slower ways through the wrap: a telephone number and a quoted name kept
#: whole, a word longer than the line, inline styles, a line break inside a paragraph.
TRICKY = {
    "de": "<p>Rufen Sie an: 0231 50 11 148 oder schreiben Sie an «lokal willkommen» Westerfilde.</p>"
    "<p>Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichenherstellerinnungsversammlungsprotokoll"
    "führerin</p><p><b>Wichtig:</b> bitte <i>mitbringen</i><br>Ausweis und Brief</p>",
    "ar": "<p>اتصل على 0231 50 11 148 أو اكتب إلى «lokal willkommen» Westerfilde في المدينة.</p>"
    "<p>لالالالالالالالالالالالالالالالالالالالالالالالالالالالالالالالالالالالالالالالالالالالالالالالالالالا</p>"
    "<p><b>مهم:</b> يرجى <i>إحضار</i><br>بطاقة الهوية والرسالة</p>",
}


def long_pages() -> RegionContent:
    names = {"de": "Deutsch", "ar": "العربية"}
    by_language = {}
    for code, name in names.items():
        html = TRICKY[code] + long_content(code, 120) + TRICKY[code]
        other = "ar" if code == "de" else "de"
        translation = Translation(2 if code == "de" else 1, f"/{other}/lang", f"/{other}/lang")
        page = Page(
            id=1 if code == "de" else 2,
            title=f"Lang {code}",
            content_html=html,
            order=0,
            available_languages={other: translation},
        )
        short = Page(id=3 if code == "de" else 4, title=f"Kurz {code}", content_html="<p>kurz</p>", order=1)
        by_language[code] = LanguageContent(Language(code, name), [page, short])
    return RegionContent("test", [Language(code, name) for code, name in names.items()], by_language)


def whole_page(widget: PageText, width: int, direction: Direction) -> list[str]:
    """Every line of the page wrapped at once, as the page looked before it was wrapped lazily."""
    lines: list[str] = []
    gap = 0
    for index, paragraph in enumerate(widget.paragraphs):
        lines += [""] * (max(gap, paragraph.above) if index else 0)
        lines += [line.plain for line in lines_for(paragraph.text, width, direction)]
        gap = paragraph.below
    return lines


def shown_lines(app: KioskApp, widget: PageText) -> tuple[int, list[str]]:
    """The first page line in view and the lines the terminal shows of the page text."""
    region, visible = visible_region(app, widget)
    rows = text_in(cell_rows(app), visible)
    return visible.y - region.y, [row.strip() for row in rows]


async def open_long_page(pilot: Pilot[Any], language: str) -> PageText:
    await pilot.press("x", str(DEFAULT_LANGUAGES.index(language) + 1))
    await pilot.pause()
    await pilot.press("1", "1")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, PageScreen), screen
    return screen.query_one(PageText)


async def assert_shows_the_whole_pages_lines(pilot: Pilot[Any], language: str) -> list[str]:
    app = pilot.app
    assert isinstance(app, KioskApp)
    widget = app.screen.query_one(PageText)
    expected = whole_page(widget, widget.content_size.width, app.direction)
    assert widget.virtual_size.height == len(expected) == widget.content_size.height
    first, shown = shown_lines(app, widget)
    assert shown, "no page text in view"
    assert shown == [line.strip() for line in expected[first : first + len(shown)]], (language, first)
    if app.direction == "rtl":
        assert not rtl_faults(shown)
    return shown


@pytest.mark.parametrize("language", ["de", "ar"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_every_part_of_a_long_page_shows_its_own_lines(
    language: str, size: tuple[int, int], settings: Settings
) -> None:
    app = KioskApp(settings, long_pages(), clock=lambda: NOW, cycle_greeting=False)
    async with app.run_test(size=size) as pilot:
        widget = await open_long_page(pilot, language)
        top = await assert_shows_the_whole_pages_lines(pilot, language)
        first = lines_for(widget.paragraphs[0].text, widget.content_size.width, app.direction)[0]
        assert top[0] == first.plain
        for _ in range(3):
            await pilot.press("pagedown")
        await pilot.press("down", "down", "down")
        await pilot.pause()
        middle = await assert_shows_the_whole_pages_lines(pilot, language)
        assert middle != top
        await pilot.press("end")
        await pilot.pause()
        body = app.screen.query_one("#body", VerticalScroll)
        assert body.scroll_y == body.max_scroll_y > 0
        end = await assert_shows_the_whole_pages_lines(pilot, language)
        # The very last line of the page is in view: the address of the last link.
        last = widget.paragraphs[-1].text
        assert isinstance(last, Text)
        assert end[-1] == last.plain.split("\n")[-1].strip()
        await pilot.press("pageup", "up")
        await pilot.pause()
        await assert_shows_the_whole_pages_lines(pilot, language)
        body.scroll_home(animate=False)  # "home" starts over; a visitor would page back up
        await pilot.pause()
        assert body.scroll_y == 0
        assert await assert_shows_the_whole_pages_lines(pilot, language) == top


async def test_a_language_switch_far_down_a_long_page_shows_the_other_languages_lines(
    settings: Settings,
) -> None:
    app = KioskApp(settings, long_pages(), clock=lambda: NOW, cycle_greeting=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_long_page(pilot, "de")
        for _ in range(5):
            await pilot.press("pagedown")
        await pilot.pause()
        german = await assert_shows_the_whole_pages_lines(pilot, "de")
        await pilot.press("f2", str(DEFAULT_LANGUAGES.index("ar") + 1))
        await pilot.pause()
        assert app.language == "ar"
        screen = app.screen
        assert isinstance(screen, PageScreen) and screen.key == ("ar", 2)
        arabic = await assert_shows_the_whole_pages_lines(pilot, "ar")
        assert arabic != german
        await pilot.press("end")
        await pilot.pause()
        await assert_shows_the_whole_pages_lines(pilot, "ar")
