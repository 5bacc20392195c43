"""Issue 15: every item screen (topic page, event, place, office hours) offers a code to take home that a
phone reads off the rendered screen, at 80×24, 120×40 and 200×60, in German, Arabic and Ukrainian, on the
bundled content (no public links: the item's text) and on a region synced from a local CMS (its link).

A code counts as offered when it scans beside the item, or one key (0) away on a screen of its own;
C goes through the others. No screen ever asks the visitor to enlarge the window.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kiosk.config import Settings
from kiosk.content.library import Library
from kiosk.content.models import RegionContent
from kiosk.qr import LinkPolicy, qr_matrix
from kiosk.sources.snapshot import load_snapshot
from kiosk.store import Store
from kiosk.sync.round import sync_once
from kiosk.ui.app import KioskApp
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.screens.link import CodeScreen
from tests.conftest import MONDAY_MORNING, FakeMonotonic
from tests.support.api_server import ApiServer, sync_settings
from tests.support.qr_screen import decode_screen, screen_lines
from tests.support.synced_region import REGION, synced_routes

SIZES = [(80, 24), (120, 40), (200, 60)]
LANGUAGES = ["de", "ar", "uk"]
PHONE_LINE = "☎ 0231 50 11 148"  # the office's phone from the facts file, closing every text code
ENLARGE = ("Make the window larger", "Fenster größer")
POLICY = LinkPolicy(["integreat.app", "dortmund.de", "diakoniedortmund.de"])
#: Keys from the home screen (after the language is chosen) to each item screen.
ITEMS = {"page": ["1", "2", "2"], "place": ["4", "1"], "hours": ["2"], "event": ["3", "a", "1"]}


@dataclass(frozen=True)
class Region:
    name: str
    content: RegionContent
    linked: bool


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RegionContent]:
    """The bundled region served by a local CMS with public links, synced into a store and loaded."""
    state_dir: Path = tmp_path_factory.mktemp("synced-state")
    with ApiServer(synced_routes()) as server:
        settings = sync_settings(server.url, state_dir, region=REGION, languages=LANGUAGES)
        store = Store.open(state_dir)
        try:
            asyncio.run(sync_once(settings, store))
            content = store.load_region(REGION)
        finally:
            store.close()
    assert content is not None
    yield content


def kiosk(settings: Settings, content: RegionContent) -> KioskApp:
    display = settings.display.model_copy(update={"languages": LANGUAGES, "default_language": "de"})
    return KioskApp(
        settings.model_copy(update={"display": display}),
        content,
        clock=lambda: MONDAY_MORNING,
        monotonic=FakeMonotonic(),
        cycle_greeting=False,
    )


async def settle(pilot: Any) -> None:
    for _ in range(4):
        await pilot.pause()


async def press(pilot: Any, key: str) -> None:
    """Press ``key`` and wait until a new screen (if it opens one) is up and focused."""
    before = pilot.app.screen
    await pilot.press(key)
    for wait in range(200):
        await pilot.pause(0.025 if wait > 5 else None)
        if pilot.app.screen is not before and pilot.app.screen.is_mounted and pilot.app.focused:
            break
    await settle(pilot)


def text(app: KioskApp) -> str:
    return "\n".join(screen_lines(app))


async def offered(app: KioskApp, pilot: Any) -> dict[str, bool]:
    """Every code the item screen offers (C goes round): its text, and whether it scans beside the item
    (else it must scan alone, one key away)."""
    found: dict[str, bool] = {}
    for _turn in range(8):
        assert not any(words in text(app) for words in ENLARGE), "never asked to enlarge the window"
        beside = decode_screen(app)
        if beside and beside[0] in found:
            break  # C went round
        if beside:
            assert len(beside) == 1
            found[beside[0]] = True
        else:
            await pilot.press("0")
            await settle(pilot)
            assert isinstance(app.screen, CodeScreen), "a code that does not fit beside is one key away"
            alone = decode_screen(app)
            assert len(alone) == 1 and not any(words in text(app) for words in ENLARGE)
            if alone[0] in found:
                await pilot.press("escape")
                break
            found[alone[0]] = False
            await pilot.press("escape")
            await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
    return found


def is_text_code(code: str, title: str) -> bool:
    """A text code for the item ``title``: its title (maybe shortened) first, the office's phone last."""
    lines = code.split("\n")
    return len(lines) >= 2 and title.startswith(lines[0].removesuffix("…")) and lines[-1] == PHONE_LINE


def intended(kind: str, region: Region, app: KioskApp, codes: dict[str, bool]) -> None:
    """The item's take-home is among ``codes``: its public link, else its text, else the office's phone."""
    library = Library(region.content, app.language)
    screen = app.screen
    assert isinstance(screen, KioskScreen)
    title = screen.title_text()
    if kind == "hours":
        office = library.office()
        assert office is not None
        title, link = office.item.name, office.item.url
    elif kind == "place":
        link = next(s.item.url for s in library.places() if s.item.name == title)
    elif kind == "event":
        link = next(s.item.url for s in library.events() if s.item.title == title)
    else:
        shown = library.page(getattr(screen, "key"))  # noqa: B009 - PageScreen's own key
        assert shown is not None
        link = shown.item.url
    width, height = app.size
    target = POLICY.qr_target(link) if link else None
    if region.linked:
        assert target is not None, f"the synced {kind} has its public link"
    if target is not None and len(qr_matrix(target)) <= min(width, 2 * (height - 1)):
        assert target in codes, f"{kind}: its link {target} among {list(codes)}"
    else:
        texts = [code for code in codes if is_text_code(code, title)]
        assert texts or "tel:02315011148" in codes, f"{kind}: its text or the office's phone in {list(codes)}"


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40", "200x60"])
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("source", ["bundled", "synced"])
async def test_every_item_screen_offers_a_code_to_take_home(
    settings: Settings, synced: RegionContent, source: str, language: str, size: tuple[int, int]
) -> None:
    region = (
        Region("synced", synced, linked=True)
        if source == "synced"
        else Region("bundled", load_snapshot(), False)
    )
    app = kiosk(settings, region.content)
    async with app.run_test(size=size) as pilot:
        await press(pilot, "x")
        await press(pilot, str(LANGUAGES.index(language) + 1))
        assert app.language == language
        kinds = [kind for kind in ITEMS if kind != "event" or region.linked]  # the snapshot has no events
        for kind in kinds:
            for key in ITEMS[kind]:
                await press(pilot, key)
            codes = await offered(app, pilot)
            assert codes, f"{kind} offers a code"
            intended(kind, region, app, codes)
            await press(pilot, "home")
