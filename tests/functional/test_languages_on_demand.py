"""A visitor's language is read from the store when chosen: after every language has been shown, one
no longer held in memory still shows the same page, in that language, as the store has it."""

from __future__ import annotations

import pytest

from kiosk.config import DEFAULT_LANGUAGES, load_settings
from kiosk.devtools.fill import fill_store
from kiosk.i18n.locales import direction
from kiosk.store import Store
from kiosk.store.languages import stored_region
from kiosk.sync.status import content_at_start
from kiosk.ui.app import KioskApp
from kiosk.ui.destinations import PageAt
from kiosk.ui.messages import LanguageChosen
from kiosk.ui.runtime import Runtime
from kiosk.ui.screens.language import LanguageScreen
from kiosk.ui.screens.page import PageScreen
from tests.conftest import MONDAY_MORNING, FakeMonotonic
from tests.support.terminal import rows
from tests.support.waiting import until

REGION = "benchstadt"


async def test_the_same_page_in_every_language_and_again_in_one_no_longer_held(
    monkeypatch: pytest.MonkeyPatch, monotonic: FakeMonotonic
) -> None:
    monkeypatch.setenv("KIOSK_API__REGION", REGION)
    settings = load_settings()
    fill_store(settings.paths.state_dir, region=REGION, pages=30, events=6, places=4, long_page_blocks=20)
    store = Store.open(settings.paths.state_dir)
    try:
        start = content_at_start(settings, store, [settings.display.default_language], kinds=("locations",))
        assert start is not None
        app = KioskApp(settings, start, clock=lambda: MONDAY_MORNING, monotonic=monotonic,
                       cycle_greeting=False, runtime=Runtime(store=store))  # fmt: skip
        # The page in every language, as the store has it (read here, apart from the kiosk).
        stored = {code: store.load_language(REGION, code) for code in DEFAULT_LANGUAGES}
        german = stored["de"]
        assert german is not None
        page = german.pages[4]
        titles, keys = {"de": page.title}, {"de": ("de", page.id)}
        for code, link in page.available_languages.items():
            content = stored[code]
            assert content is not None
            titles[code] = next(p.title for p in content.pages if p.id == link.id)
            keys[code] = (code, link.id)
        assert set(titles) == set(DEFAULT_LANGUAGES)

        def shows(code: str) -> bool:
            """The page in ``code`` is on screen (its title in the cells, where they read left to right)."""
            screen = app.screen
            if not isinstance(screen, PageScreen) or screen.composed_language != code:
                return False
            readable = direction(code) == "rtl" or titles[code] in "\n".join(rows(app))
            return screen.key == keys[code] and screen.title_text() == titles[code] and readable

        async with app.run_test(size=(100, 30)) as pilot:
            await until(lambda: stored_region(app.content) is not None, "languages on demand", pilot=pilot)
            await pilot.press("x")
            await pilot.pause()
            app.open(PageAt(("de", page.id)))
            await until(lambda: shows("de"), "the German page", pilot=pilot)

            async def switch_to(code: str) -> None:
                app.action_choose_language()
                await until(lambda: isinstance(app.screen, LanguageScreen), "the picker", pilot=pilot)
                app.screen.post_message(LanguageChosen(code, then_home=False))
                await until(lambda: shows(code), f"the page in {code}", pilot=pilot)

            tour = [code for code in DEFAULT_LANGUAGES if code != "de"]
            for code in tour:
                await switch_to(code)
            on_demand = stored_region(app.content)
            assert on_demand is not None
            first_other = tour[1]  # Ukrainian: shown long ago, no longer in memory
            assert first_other not in on_demand.held()
            await switch_to(first_other)
            assert app.language == first_other and shows(first_other)
            assert titles["fr"] not in "\n".join(rows(app))
    finally:
        store.close()
