"""At start the kiosk reads only what the welcome screen shows; the rest follows once it is up.

A region of 5,000 pages in twelve languages took most of a second to read before the first frame.
Now only the default language's places (our office's hours on the welcome screen) are read first.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kiosk.config import Settings
from kiosk.content.models import Language, LanguageContent
from kiosk.store import KINDS, Kind, Store
from kiosk.sync.status import content_at_start
from kiosk.ui.app import KioskApp
from kiosk.ui.runtime import Runtime
from tests.conftest import MONDAY_MORNING, FakeMonotonic
from tests.support.terminal import rows
from tests.support.waiting import until


class HeldStore(Store):
    """A store whose full reads wait until the test lets them go (a slow disk, a large region)."""

    release = threading.Event()

    def load_language(
        self,
        region: str,
        language: Language | str,
        kinds: Sequence[Kind] = KINDS,
        *,
        html_later: bool = False,
    ) -> LanguageContent | None:
        if set(kinds) >= set(KINDS):
            self.release.wait(timeout=120)
        return super().load_language(region, language, kinds, html_later=html_later)


def start_content(settings: Settings, store: Store) -> Any:
    store.seed_from_snapshot()
    return content_at_start(settings, store, [settings.display.default_language], kinds=("locations",))


def test_before_the_first_frame_only_the_places_of_the_default_language(
    settings: Settings, tmp_path: Path
) -> None:
    store = Store.open(tmp_path)
    try:
        content = start_content(settings, store)
    finally:
        store.close()
    assert list(content.by_language) == ["de"]
    german = content.by_language["de"]
    assert german.places and not german.pages and not german.complete


async def test_the_rest_arrives_after_the_first_frame_and_a_quick_visitor_sees_it(
    settings: Settings, monotonic: FakeMonotonic, tmp_path: Path
) -> None:
    HeldStore.release.clear()
    store = HeldStore.open(tmp_path)
    try:
        app = KioskApp(
            settings,
            start_content(settings, store),
            clock=lambda: MONDAY_MORNING,
            monotonic=monotonic,
            cycle_greeting=False,
            runtime=Runtime(store=store),
        )
        async with app.run_test(size=(100, 30)) as pilot:
            # The welcome screen has our office's hours from the places alone.
            assert "Westerfilder Straße 54" in "\n".join(rows(app))
            # A visitor quicker than the loading: German, the help topics, before the pages are read.
            await pilot.press("x", "1", "1")
            await pilot.pause()
            first_topic = store.load_language("dortmund", "de", ("pages",))
            assert first_topic is not None
            title = next(page.title for page in first_topic.pages if page.parent_id is None)
            assert title not in "\n".join(rows(app))
            HeldStore.release.set()
            await until(lambda: title in "\n".join(rows(app)), "the topics appear without a key", pilot=pilot)
            assert all(loaded.complete for loaded in app.content.by_language.values())
    finally:
        HeldStore.release.set()
        store.close()
