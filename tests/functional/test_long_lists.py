"""A list of hundreds of topics opens at once and grows on request."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from kiosk.config import Settings
from kiosk.content.models import Language, LanguageContent, Page, RegionContent
from kiosk.ui.app import KioskApp
from kiosk.ui.screens.page import PageScreen
from kiosk.ui.screens.topics import TILES_AT_ONCE, TopicsScreen
from tests.support.screen import focused_tile, tiles
from tests.support.terminal import rows

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))


def many_topics(count: int) -> RegionContent:
    german = Language("de", "Deutsch")
    pages = [
        Page(id=i, title=f"Thema {i:04d}", content_html=f"<p>Text {i}</p>", order=i) for i in range(count)
    ]
    return RegionContent("test", [german], {"de": LanguageContent(german, pages)})


async def test_long_list_shows_a_first_part_and_grows(settings: Settings) -> None:
    app = KioskApp(settings, many_topics(130), clock=lambda: NOW, cycle_greeting=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("x", "1", "1")
        await pilot.pause()
        topics = app.screen
        assert isinstance(topics, TopicsScreen)
        listed = tiles(topics)
        assert len(listed) == TILES_AT_ONCE + 1
        assert "80" in listed[-1].data.subtitle  # 130 topics, 50 shown: 80 more
        listed[-1].focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is topics
        assert len(tiles(topics)) == 2 * TILES_AT_ONCE + 1
        tiles(topics)[TILES_AT_ONCE + 3].focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PageScreen)
        assert app.screen.key == ("de", TILES_AT_ONCE + 3)


async def test_the_arrow_keys_bring_the_chosen_tile_into_view(settings: Settings) -> None:
    app = KioskApp(settings, many_topics(130), clock=lambda: NOW, cycle_greeting=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("x", "1", "1")
        await pilot.pause()
        assert "Thema 0012" not in "\n".join(rows(app)), "far below the first screenful"
        await pilot.press(*["down"] * 12)
        await pilot.pause()
        on = focused_tile(app)
        assert on is not None and on.data.title == "Thema 0012"
        assert "Thema 0012" in "\n".join(rows(app))
        await pilot.press(*["up"] * 12)
        await pilot.pause()
        assert "1  Thema 0000" in "\n".join(rows(app))
