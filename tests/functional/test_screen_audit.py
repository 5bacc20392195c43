"""The screen audit: every visitor screen, in all twelve languages, at three sizes, on the bundled content
and on a region synced from a local API server, read off the terminal cells as a visitor reads them.

On every screen:
- right to left: every word in Arabic script is shaped and in visual order (chrome included);
- nothing cut: every button, tile and text shows whole (or wrapped), nothing drawn over it;
- the footer promises only keys that do something there, and each one does;
- every "scan" promise has a code on screen, or one key (0) away, that decodes;
- the interface speaks the visitor's language (no English message left where a translation exists),
  and a page shown in another language says so;
- F2 to another language and back returns to the same item;
- nobody is told to enlarge a window.

``KIOSK_AUDIT_PICTURES=DIR`` writes every screen as a PNG (and SVG) into DIR, to look at.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Button

from kiosk.config import DEFAULT_LANGUAGES, Settings, StaffSettings
from kiosk.content.models import RegionContent
from kiosk.devtools.generate import generate_region
from kiosk.i18n.catalogs import gettext_in
from kiosk.ops.pin import hash_pin
from kiosk.sources.snapshot import load_snapshot
from kiosk.store import Store
from kiosk.sync.round import sync_once
from kiosk.ui.app import KioskApp
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.screens.idle import IdleScreen
from kiosk.ui.screens.link import CodeScreen
from kiosk.ui.screens.page import PageScreen
from kiosk.ui.screens.search import SearchScreen
from kiosk.ui.screens.topics import TopicsScreen
from kiosk.ui.screens.welcome import WelcomeScreen
from kiosk.ui.widgets.choices import Choice
from kiosk.ui.widgets.chrome import StatusLine
from kiosk.ui.widgets.text import Prose
from kiosk.ui.widgets.tile_list import TileList
from tests.conftest import MONDAY_MORNING, FakeMonotonic
from tests.support.api_server import ApiServer, sync_settings
from tests.support.qr_screen import decode_screen
from tests.support.screen import tiles
from tests.support.terminal import cell_rows, rows, rtl_faults, save_picture, text_in, visible_region
from tests.support.visitor import walk_away

SIZES = [(80, 24), (120, 40), (200, 60)]
CONTENTS = ["bundled", "synced"]
PIN = "2468"
PICTURES = os.environ.get("KIOSK_AUDIT_PICTURES")
#: The synced region: fewer languages than the kiosk offers, so fallbacks show too.
SYNCED_LANGUAGES = ("de", "en", "uk", "ar", "fa", "ru", "tr")

#: English messages that promise a QR code somewhere on the screen.
SCAN_PROMISES = (
    "Scan with your phone camera",
    "Scan the code with your phone's camera to add this date to your calendar.",
    "Take this page with you",
    "Touch here or press 0 to show the QR code.",
    "Touch here to show the QR code.",
)
NEVER = ("Make the window larger to show the QR code.",)


@pytest.fixture(scope="module")
def synced_region(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RegionContent]:
    """A region as the kiosk has it after a sync from a (local) Integreat server."""
    generated = generate_region("dortmund", SYNCED_LANGUAGES, pages=30, events=4, locations=4, version=1)
    state = tmp_path_factory.mktemp("synced")
    with ApiServer(generated.routes) as server:
        settings = sync_settings(server.url, state, region="dortmund", languages=SYNCED_LANGUAGES)
        store = Store.open(state)
        try:
            report = asyncio.run(sync_once(settings, store))
            assert report.ok, report.errors
            content = store.load_region("dortmund")
        finally:
            store.close()
    assert content is not None
    yield content


def english_leaks(language: str) -> list[str]:
    """English interface messages that must not show in ``language`` (they have a translation)."""
    if language == "en":
        return []
    from babel.messages.pofile import read_po

    from kiosk.i18n.catalogs import translations_dir

    path = translations_dir() / language / "LC_MESSAGES" / "kiosk.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    leaks = []
    for message in catalog:
        msgid = message.id
        if not isinstance(msgid, str) or not msgid or not message.string or message.string == msgid:
            continue
        words = re.findall(r"[A-Za-z]{3,}", msgid)
        if len(words) >= 2 and "{" not in msgid:
            leaks.append(msgid)
    return leaks


@dataclass
class Audit:
    """One walk through every screen; findings are collected, then reported together."""

    app: KioskApp
    pilot: Pilot[None]
    language: str
    size: tuple[int, int]
    label: str
    #: Also press every key the footer promises (slower: a few languages are enough).
    keys: bool = False
    #: Also switch to the next language and back on every item screen.
    trips: bool = False
    findings: list[str] = field(default_factory=list)
    _leaks: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._leaks = english_leaks(self.language)

    def fail(self, screen: str, what: str) -> None:
        self.findings.append(f"{self.label} {screen}: {what}")

    async def press(self, *keys: str) -> None:
        await self.pilot.press(*keys)

    async def settle(self) -> None:
        await self.pilot.pause()
        await self.pilot.pause()

    # -- what a visitor sees ----------------------------------------------------------------------------
    def look(self, name: str) -> list[str]:
        """Check what the screen shows now; returns its rows."""
        lines = rows(self.app)
        if PICTURES:
            folder = Path(PICTURES) / self.label.replace(" ", "-")
            save_picture(self.app, folder / f"{name}.png")
        checked = lines
        if isinstance(self.app.screen, IdleScreen):
            # A question over a dimmed screen: what a visitor reads is the question's box.
            box = self.app.screen.query_one("#idle-box").region
            checked = text_in(cell_rows(self.app), box)
        for fault in rtl_faults(checked)[:3]:
            self.fail(name, f"right to left: {fault}")
        self.check_whole(name, cell_rows(self.app))
        self.check_language(name, lines)
        self.check_never(name, lines)
        return lines

    def check_whole(self, name: str, cells: list[list[str]]) -> None:
        """Every button, tile and text block fully on screen shows all it says."""
        screen = self.app.screen
        for widget in screen.query("*"):
            if not widget.display or not widget.visible or not widget.is_attached:
                continue
            if isinstance(widget, TileList):
                self.check_tiles(name, widget, cells)
                continue
            if not isinstance(widget, (Button, Choice, Prose, StatusLine)):
                continue
            try:
                region, shown = visible_region(self.app, widget)
            except Exception:
                continue  # not on the screen at all (a hidden deck, scrolled away)
            if region.area == 0 or shown != region:
                continue
            drawn = "\n".join(text_in(cells, region))
            expected: list[str]
            if isinstance(widget, Button):
                expected = [str(widget.label).strip()]
            elif isinstance(widget, StatusLine):
                width = widget.content_size.width
                expected = [line.strip() for line in widget._lines(width)]
            elif isinstance(widget, Choice):
                width = widget.content_size.width
                expected = [line.plain.strip() for line, _part in widget._lines(width)]
            else:
                expected = [line.plain.strip() for line in widget._lines(widget.content_size.width)]
            for line in expected:
                if line and line not in drawn:
                    self.fail(name, f"{type(widget).__name__} {line!r} is not shown whole")
                    break

    def check_tiles(self, name: str, tile_list: TileList, cells: list[list[str]]) -> None:
        """Every tile of a long list (one widget) that is fully on screen shows all it says."""
        try:
            region, shown = visible_region(self.app, tile_list)
        except Exception:
            return  # not on the screen at all
        if shown.area == 0:
            return
        for index, tile in tile_list.tiles_in(shown.y - region.y, shown.bottom - region.y):
            drawn = "\n".join(text_in(cells, tile.translate(region.offset)))
            for line in tile_list.shown_lines(index):
                if line.plain.strip() and line.plain.strip() not in drawn:
                    self.fail(name, f"TileList {line.plain.strip()!r} is not shown whole")
                    break

    def check_language(self, name: str, lines: list[str]) -> None:
        joined = " ".join(" ".join(line.split()) for line in lines)
        for msgid in self._leaks:
            if msgid in joined:
                self.fail(name, f"English where {self.language} is expected: {msgid!r}")

    def check_never(self, name: str, lines: list[str]) -> None:
        joined = " ".join(" ".join(line.split()) for line in lines)
        for msgid in NEVER:
            said = " ".join(gettext_in(self.language, msgid).split())
            if said in joined or msgid in joined:
                self.fail(name, f"tells the visitor {msgid!r}")

    def promises_code(self) -> bool:
        texts = []
        for widget in self.app.screen.walk_children(with_self=False):
            if isinstance(widget, Prose) and widget.display:
                texts.append(str(widget.text))
        shown = "\n".join(texts)
        return any(gettext_in(self.language, promise) in shown for promise in SCAN_PROMISES)

    async def check_scan(self, name: str) -> None:
        """A screen that says "scan" has a code that decodes, here or one key (0) away."""
        if not self.promises_code():
            return
        if decode_screen(self.app):
            return
        before = self.app.screen
        await self.press("0")
        if self.app.screen is not before and isinstance(self.app.screen, CodeScreen):
            decoded = decode_screen(self.app)
            await self.press("escape")
            if decoded:
                return
        self.fail(name, "promises a QR code, but none on screen or behind 0 decodes")

    # -- keys ---------------------------------------------------------------------------------------
    async def check_keys(self, name: str, reopen: Callable[[], Awaitable[None]]) -> None:
        """Each key the footer names does something a visitor can see."""
        screen = self.app.screen
        if not isinstance(screen, KioskScreen):
            return
        for hint in screen.hints():
            if not hint.keys:
                continue
            key = hint.keys[0]
            before_screen, before = self.app.screen, rows(self.app)
            await self.press(key)
            changed = self.app.screen is not before_screen or rows(self.app) != before
            await reopen()
            if not changed and key not in ("down", "up"):  # nothing to scroll is fine
                # A tab already chosen (A: all, when all are shown) does nothing; after another tab it must.
                changed = await self.changes_after_another(screen, key, reopen)
            if not changed and key not in ("down", "up"):
                self.fail(name, f"the footer promises {hint.text!r}, but {key} does nothing")

    async def changes_after_another(
        self, screen: KioskScreen, key: str, reopen: Callable[[], Awaitable[None]]
    ) -> bool:
        others = [h.keys[0] for h in screen.hints() if h.keys and h.keys[0] != key]
        for other in others:
            if other in ("escape", "home", "f2", "down", "up") or other.isdigit():
                continue
            current = self.app.screen
            await self.press(other)
            if self.app.screen is not current:
                await reopen()
                continue
            before = rows(self.app)
            await self.press(key)
            changed = rows(self.app) != before
            await reopen()
            if changed:
                return True
        return False

    async def round_trip(self, name: str, reopen: Callable[[], Awaitable[None]]) -> None:
        """F2 to another language and back shows the same item."""
        screen = self.app.screen
        if not isinstance(screen, KioskScreen):
            return
        title = screen.title_text()
        kind = type(screen)
        codes = self.app.settings.display.languages
        here = codes.index(self.language)
        other = codes[(here + 1) % len(codes)]
        await self.choose_language(other)
        moved = self.app.screen
        if type(moved) is not kind or not isinstance(moved, KioskScreen) or not moved.title_text():
            self.fail(
                name, f"after F2 to {other}: {type(moved).__name__} {getattr(moved, 'title_text', str)()!r}"
            )
        elif any("empty" in w.classes for w in moved.query(Prose)) and not any(
            "empty" in w.classes for w in screen.query(Prose)
        ):
            self.fail(name, f"after F2 to {other} the item is gone")
        await self.choose_language(self.language)
        back = self.app.screen
        if not isinstance(back, KioskScreen) or back.title_text() != title:
            self.fail(
                name, f"F2 to {other} and back: {title!r} became {getattr(back, 'title_text', str)()!r}"
            )
        await reopen()

    async def choose_language(self, code: str) -> None:
        await self.press("f2")
        codes = self.app.settings.display.languages
        await self.press(*language_keys(codes.index(code)))


def language_keys(index: int) -> list[str]:
    """The keys that pick the ``index``-th language on the picker."""
    keys = "1234567890abcdefghijklmnopqrstuvwxyz"
    return [keys[index]]


def make_audit_app(
    content: str, synced: RegionContent, settings: Settings, monotonic: FakeMonotonic
) -> KioskApp:
    staff = settings.model_copy(update={"staff": StaffSettings(pin_hash=hash_pin(PIN, n=2**4))})
    region = load_snapshot() if content == "bundled" else synced
    return KioskApp(staff, region, clock=lambda: MONDAY_MORNING, monotonic=monotonic, cycle_greeting=False)


async def walk(audit: Audit) -> None:
    app, language = audit.app, audit.language
    codes = app.settings.display.languages
    # The welcome screen, greeting in this language.
    welcome = app.screen
    assert isinstance(welcome, WelcomeScreen)
    welcome.greeting_index = codes.index(language)
    welcome.show_greeting()
    await audit.settle()
    audit.look("welcome")
    await audit.press("x")
    audit.look("picker")
    await audit.press(*language_keys(codes.index(language)))
    assert app.language == language, f"{audit.label}: the picker did not choose {language}"

    async def home(*keys: str) -> None:
        await audit.press("home", *keys)

    async def visit(name: str, keys: list[str], *, trip: bool = False) -> None:
        await home(*keys)
        await audit.check_scan(name)
        audit.look(name)
        if audit.keys:
            await audit.check_keys(name, lambda: home(*keys))
        if trip and audit.trips:
            await audit.round_trip(name, lambda: home(*keys))

    await visit("home", [])
    await visit("topics", ["1"])
    # A category with topics under it, and a page in it: found from what the lists offer.
    await home("1")
    path = await find_page(audit)
    if path:
        *category, _page = path
        if category:
            await visit("category", ["1", *category], trip=True)
        await visit("page", ["1", *path], trip=True)
        await home("1", *path)
        page = app.screen
        if isinstance(page, PageScreen) and page.document.links:
            await visit("link", ["1", *path, "1"])
    await visit("hours", ["2"])
    await visit("events", ["3"])
    await home("3")
    if tiles(app.screen):
        await visit("event", ["3", "1"], trip=True)
    await visit("offices", ["4"])
    await home("4")
    if tiles(app.screen):
        await visit("place", ["4", "1"], trip=True)
        await home("4", "1")
        await audit.press("0")
        if isinstance(app.screen, CodeScreen):
            audit.look("code")
            if not decode_screen(app):
                audit.fail("code", "the code alone does not decode")
    await search(audit)
    # The idle countdown, over the home screen.
    await home()
    idle = await walk_away(audit.pilot, app, app.monotonic)  # type: ignore[arg-type]
    assert isinstance(idle, IdleScreen)
    audit.look("idle")
    await audit.press("x")
    # The PIN pad and staff mode.
    await audit.press("ctrl+f12")
    audit.look("pin")
    await audit.press(*PIN, "enter")
    await app.workers.wait_for_complete()
    await audit.settle()
    audit.look("staff")


async def find_page(audit: Audit) -> list[str]:
    """Keys from the topic list down to the first page under a category (or the first page)."""
    screen = audit.app.screen
    assert isinstance(screen, TopicsScreen)
    library = audit.app.library
    for number, shown in enumerate(screen.entries[:9], start=1):
        key = (shown.language, shown.item.id)
        if library.has_children(key):
            children = library.topics(key)
            for inner, child in enumerate(children[:9], start=1):
                if not library.has_children((child.language, child.item.id)):
                    offset = 1 if shown.item.content_html.strip() else 0
                    return [str(number), str(inner + offset)]
    return ["1"] if screen.entries else []


async def search(audit: Audit) -> None:
    app = audit.app
    await audit.press("home", "5")
    screen = app.screen
    assert isinstance(screen, SearchScreen)
    word = next((w for w in app.library.topics()[0].item.title.split() if len(w) > 3), "")
    for char in word[:5]:
        await audit.pilot.press(char)
    for _ in range(400):
        if screen.up_to_date and screen.results:
            break
        await asyncio.sleep(0.05)
    await audit.settle()
    audit.look("search")


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("language", DEFAULT_LANGUAGES)
@pytest.mark.parametrize("content", CONTENTS)
async def test_screen_audit(
    content: str,
    language: str,
    size: tuple[int, int],
    synced_region: RegionContent,
    settings: Settings,
    monotonic: FakeMonotonic,
) -> None:
    """What every screen shows, in every language and size; F2 and back at the smallest size."""
    app = make_audit_app(content, synced_region, settings, monotonic)
    async with app.run_test(size=size) as pilot:
        label = f"{content} {language} {size[0]}x{size[1]}"
        audit = Audit(app, pilot, language, size, label, trips=size == SIZES[0])
        await walk(audit)
    assert not audit.findings, "\n".join(audit.findings)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("language", ["de", "ar"])
@pytest.mark.parametrize("content", CONTENTS)
async def test_every_promised_key_works(
    content: str,
    language: str,
    size: tuple[int, int],
    synced_region: RegionContent,
    settings: Settings,
    monotonic: FakeMonotonic,
) -> None:
    """Each key the footer names does something, on every screen (left to right and right to left)."""
    app = make_audit_app(content, synced_region, settings, monotonic)
    async with app.run_test(size=size) as pilot:
        audit = Audit(app, pilot, language, size, f"{content} {language} {size[0]}x{size[1]} keys", keys=True)
        await walk(audit)
    assert not audit.findings, "\n".join(audit.findings)
