"""The kiosk application: a locked-down, full-screen visitor journey over the content core."""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import Callable
from importlib import import_module
from typing import Any
from weakref import WeakKeyDictionary

from textual import events, on, work
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from kiosk.clock import Clock, berlin_now
from kiosk.config import Settings
from kiosk.content.library import Library, PageKey
from kiosk.content.models import Direction, RegionContent
from kiosk.i18n import _, set_language
from kiosk.i18n.locales import direction as language_direction
from kiosk.ops.status import REFRESH_S as STATUS_REFRESH_S
from kiosk.ops.status import status_from_store
from kiosk.qr import LinkPolicy
from kiosk.store import Store
from kiosk.ui.destinations import (
    CodeAt,
    Destination,
    EventAt,
    EventsAt,
    HomeAt,
    HoursAt,
    LanguagesAt,
    LinkAt,
    OfficesAt,
    PageAt,
    PinPadAt,
    PlaceAt,
    SearchAt,
    StaffAt,
    TopicsAt,
)
from kiosk.ui.messages import LanguageChosen, Open, WorkerFailed
from kiosk.ui.runtime import (
    Runtime,
    UsageSink,
    install_signal_handlers,
    load_more_languages,
    reload_translations,
    reread_settings,
    terminal_gone,
)
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.screens.home import HomeScreen
from kiosk.ui.screens.idle import IdleScreen
from kiosk.ui.screens.language import LanguageScreen
from kiosk.ui.screens.welcome import WelcomeScreen
from kiosk.ui.speech import SpeechController
from kiosk.ui.themes import THEMES
from kiosk.ui.workers import ReportsFailedWorkers

log = logging.getLogger(__name__)

#: Where each destination leads: the one table of the kiosk's navigation. A screen's module (under
#: ``kiosk.ui.screens``) is imported when it is first opened, or in the background once the first
#: frame is up: the welcome screen should not wait for screens (and their libraries) nobody opened yet.
ROUTES: dict[type[Destination], tuple[str, str]] = {
    HomeAt: ("home", "HomeScreen"),
    LanguagesAt: ("language", "LanguageScreen"),
    TopicsAt: ("topics", "TopicsScreen"),
    PageAt: ("page", "PageScreen"),
    LinkAt: ("link", "LinkScreen"),
    CodeAt: ("link", "CodeScreen"),
    HoursAt: ("hours", "HoursScreen"),
    EventsAt: ("events", "EventsScreen"),
    EventAt: ("event", "EventScreen"),
    OfficesAt: ("offices", "OfficesScreen"),
    PlaceAt: ("place", "PlaceScreen"),
    SearchAt: ("search", "SearchScreen"),
    PinPadAt: ("pin_pad", "PinPadScreen"),
    StaffAt: ("staff", "StaffScreen"),
}
#: Screens that are opened without their destination (they have nothing to show of it).
WITHOUT_DESTINATION: frozenset[type[Destination]] = frozenset({PinPadAt, StaffAt})
#: Destinations that take the place of the screen on top instead of going over it.
REPLACING: frozenset[type[Destination]] = frozenset({StaffAt})
#: Staff screens: the PIN pad and what it opens.
STAFF: tuple[type[Destination], ...] = (PinPadAt, StaffAt)


def screen_for(to: Destination) -> Screen[None]:
    """A new screen for ``to``, its module imported on first use."""
    module, name = ROUTES[type(to)]
    screen_type: Callable[..., Screen[None]] = getattr(import_module(f"kiosk.ui.screens.{module}"), name)
    return screen_type() if type(to) in WITHOUT_DESTINATION else screen_type(to)


def import_screens() -> None:
    """Import every screen's module now (in a worker thread once the first frame is up), so that the
    first visitor to open one does not wait for it."""
    for module in sorted({module for module, _name in ROUTES.values()}):
        import_module(f"kiosk.ui.screens.{module}")


class KioskApp(ReportsFailedWorkers, App[None]):
    """The lobby kiosk. Nobody leaves it from the visitor's side; idle sessions reset themselves."""

    CSS_PATH = "kiosk.tcss"
    TITLE = "lokal willkommen"
    ENABLE_COMMAND_PALETTE = False
    ALLOW_SELECT = False
    # Priority bindings swallow every way out before any widget sees the key.
    BINDINGS = [
        Binding("ctrl+q", "developer_quit", show=False, priority=True, system=True),
        Binding("ctrl+c", "ignore", show=False, priority=True, system=True),
        Binding("ctrl+p", "ignore", show=False, priority=True, system=True),
        Binding("ctrl+z,ctrl+backslash,ctrl+s", "ignore", show=False, priority=True, system=True),
        Binding("f1,f4,f5,f6,f7,f8,f9,f10,f11,f12", "ignore", show=False, priority=True, system=True),
        # The hidden staff entry. Terminals report Ctrl+Alt+S as plain Ctrl+S, so a function key chord.
        Binding("ctrl+f12", "staff", show=False, priority=True, system=True),
        Binding("f2", "choose_language", show=False, priority=True),
        Binding("home", "go_home", show=False, priority=True),
    ]

    def __init__(
        self,
        settings: Settings,
        content: RegionContent,
        *,
        clock: Clock = berlin_now,
        monotonic: Callable[[], float] = time.monotonic,
        dev: bool = False,
        cycle_greeting: bool = True,
        runtime: Runtime | None = None,
        usage: UsageSink | None = None,
        handle_signals: bool = False,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.content = content
        #: Bumped whenever new content arrives; screens composed before re-render when shown again.
        self.content_generation = 0
        self.runtime = runtime or Runtime()
        self.usage = usage or UsageSink()
        self.handle_signals = handle_signals
        self.clock = clock
        self.monotonic = monotonic
        self.dev = dev
        self.cycle_greeting = cycle_greeting
        self.language = settings.display.default_language
        self._libraries: dict[str, Library] = {}
        self._german: Library | None = None
        self._last_input = monotonic()
        self._corner_taps: list[float] = []
        #: Which destination each screen on the stack was opened for.
        self._opened_for: WeakKeyDictionary[Screen[Any], Destination] = WeakKeyDictionary()
        self.link_policy = LinkPolicy.including_api_host(settings.links.allowed_hosts, settings.api.base_url)
        #: Reading aloud: what is said when, for the whole app (screens only offer the words).
        self.speech = SpeechController(self)
        set_language(self.language)

    # -- state the screens read -------------------------------------------------------------------
    @property
    def direction(self) -> Direction:
        return language_direction(self.language)

    #: How many languages' libraries stay built: the visitor's and the one before (a library holds its
    #: language's content and its fallback's, so more would hold more than the store keeps).
    LIBRARIES_KEPT = 2

    @property
    def library(self) -> Library:
        return self.library_in(self.language)

    def library_in(self, language: str) -> Library:
        """The content as a visitor in ``language`` sees it (built once per content; the last few kept,
        as each holds its language's content, which may otherwise go back to the store)."""
        libraries = self._libraries
        library = libraries.pop(language, None)
        if library is None:
            library = Library(self.content, language)
        libraries[language] = library  # the newest last
        while len(libraries) > self.LIBRARIES_KEPT:
            del libraries[next(iter(libraries))]
        return library

    @property
    def german_library(self) -> Library:
        """The content in German, the second language of every printed slip and take-home text (built
        once per content: German is always held, and building a library walks every page)."""
        if self._german is None:
            self._german = Library(self.content, "de")
        return self._german

    def same_page_in_language(self, key: PageKey, previous: str) -> PageKey | None:
        """The page a visitor had open in ``previous``, as the current language shows it (None: gone)."""
        old = self.library_in(previous).page(key)
        return self.library.same_page(key, old.item if old is not None else None)

    def content_status(self) -> str:
        return self.runtime.visitor_status(self.settings, self.language, self.clock(), self.monotonic())

    def record(self, event: str, *, language: str = "", item: str = "") -> None:
        """Count an anonymous usage event; counting never stops the kiosk."""
        try:
            self.usage.record(event, language=language, item=item)
        except Exception:
            log.exception("usage count lost")

    def offer_content(self, content: RegionContent) -> None:
        """Take new content. The screen on display keeps what it shows; the next screen shows the new."""
        # Loaded content is frozen out of the garbage collector's sight (a full collection over it
        # pauses the UI for a noticeable moment); the old content must be thawed to be freed.
        gc.unfreeze()
        was_partial = self.runtime.is_partial(self.content)
        self.content = content
        self._libraries = {}
        self._german = None
        gc.collect()
        gc.freeze()
        self.content_generation += 1
        self.runtime.forget_status()
        self.report_status()
        if not self.runtime.is_partial(content):
            self.runtime.search.current(content)  # ready before the first visitor searches
        screen = self.screen
        if was_partial and isinstance(screen, KioskScreen):
            # A visitor quicker than the start-up's loading saw a screen with part of the content.
            self.call_later(screen.relabel)

    # -- lifecycle ----------------------------------------------------------------------------------
    def on_mount(self) -> None:
        for theme in THEMES:
            self.register_theme(theme)
        self.theme = self.settings.display.theme
        self.speech.start(self.runtime.speech)
        self.push_screen(WelcomeScreen())
        self.set_interval(1.0, self.check_visitor_idle)
        self.call_after_refresh(self._first_frame_shown)

    def _first_frame_shown(self) -> None:
        """The welcome screen is up: tell systemd, start the watchdog, start background work."""
        gc.enable()  # `kiosk run` starts with the collector off (kiosk.cli): the start-up's garbage waited
        notifier = self.runtime.notifier
        # Handlers first: a SIGTERM right after READY=1 must find them in place.
        if self.handle_signals:
            install_signal_handlers(self.reload_from_disk, self.stop_cleanly)
        notifier.ready()
        self.report_status()
        self.set_interval(STATUS_REFRESH_S, self.report_status)
        interval = notifier.watchdog_interval()
        if interval:
            # Sent from the event loop itself, so a blocked loop stops the pings and systemd restarts us.
            self.set_interval(interval, notifier.watchdog)
        store = self.runtime.store
        if store is not None:
            loaded = self.content.by_language
            wanted = [c for c in self.settings.display.languages if c not in loaded or not loaded[c].complete]
            # The visitor's likely languages first (the default and the fallbacks), then the others.
            first = [c for c in wanted if c in (self.settings.display.default_language, "de", "en")]
            rest = [c for c in wanted if c not in first]
            if wanted:
                self._load_languages(store, [batch for batch in (first, rest) if batch])
        if all(loaded.complete for loaded in self.content.by_language.values()):
            self.runtime.search.current(self.content)  # ready before the first visitor searches
        self.run_worker(self._start_background(), name="background", group="background")

    async def _start_background(self) -> None:
        """Import the screens, build the refresh and the feedback sender (off the event loop: imports
        take a while), then run them."""
        runtime = self.runtime
        build, runtime.build_background = runtime.build_background, None
        await asyncio.to_thread(import_screens)  # before any visitor opens one
        if build is not None:
            await asyncio.to_thread(build, runtime)
        syncer = runtime.syncer
        if syncer is not None:
            syncer.on_new_content = self.offer_content
            self.run_worker(syncer.run(initial_delay_s=5.0), name="sync", group="sync", exclusive=True)
        sender = runtime.feedback_sender
        if sender is not None:
            self.run_worker(sender.run(), name="feedback", group="feedback-outbox", exclusive=True)

    @work(thread=True, group="languages", exclusive=True, exit_on_error=False)
    def _load_languages(self, store: Store, batches: list[list[str]]) -> None:
        """Every language of ``batches``, read from the store when a visitor first wants it; the default
        language and the fallbacks (which every visitor meets) read now and kept in memory."""
        codes = [code for batch in batches for code in batch]
        content = load_more_languages(store, self.content, codes, self.settings.display.default_language)
        self.call_from_thread(self.offer_content, content)

    def reload_from_disk(self) -> None:
        """SIGHUP: new settings and translations, without disturbing the visitor on screen."""
        if terminal_gone():
            # The terminal hung up (it sends SIGHUP too): nobody can see us any more, and Textual's
            # output thread would block on the dead terminal, so leave at once (systemd restarts us).
            self.usage.close()
            self.runtime.abandon()
            return
        notifier = self.runtime.notifier
        notifier.reloading()
        self.settings = reread_settings(self.settings)
        self.link_policy = LinkPolicy.including_api_host(
            self.settings.links.allowed_hosts, self.settings.api.base_url
        )
        reload_translations()
        if self.runtime.speech is None:
            self.speech.start_check()
        screen = self.screen
        if isinstance(screen, (KioskScreen, WelcomeScreen)):
            self.call_later(screen.relabel)
        notifier.ready()
        log.info("configuration and translations reloaded")

    def report_status(self) -> None:
        """The line staff read in `systemctl status kiosk` (content age, last sync, languages)."""
        if not self.runtime.notifier.enabled:
            return
        loaded = list(self.content.by_language)
        line = status_from_store(self.runtime.store, self.settings, loaded, self.clock())
        self.runtime.notifier.status(line)

    def stop_cleanly(self) -> None:
        """SIGTERM: leave the terminal as it was, close the store, exit."""
        self.runtime.notifier.stopping()
        self.speech.close()
        self.exit()

    def on_unmount(self) -> None:
        self.speech.close()  # no voice may go on speaking after the kiosk has gone

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent) and not event.is_forwarded:
            self.note_activity()
            # Speech keys come first: a visitor who cannot see the screen must reach them anywhere.
            if isinstance(event, events.Key) and self.speech.handle_key(event):
                event.stop()
                event.prevent_default()
                return
            if isinstance(event, (events.MouseDown, events.MouseUp)):
                self.speech.note_input()
                if self._corner_tap(event):
                    return
        await super().on_event(event)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.speech.focused(event.widget)

    def _corner_tap(self, event: events.MouseDown | events.MouseUp) -> bool:
        """Taps on the top-left cell only count towards the staff entry: five within 3 s open it."""
        if (event.screen_x, event.screen_y) != (0, 0):
            return False
        if isinstance(event, events.MouseDown):
            now = self.monotonic()
            self._corner_taps = [tap for tap in self._corner_taps if now - tap <= 3.0] + [now]
            if len(self._corner_taps) >= 5:
                self._corner_taps = []
                self.action_staff()
        return True

    def action_staff(self) -> None:
        """Ctrl+F12 or five corner taps: the staff PIN pad (once; never over the idle countdown)."""
        if isinstance(self.screen, IdleScreen):
            return
        if not any(self.opened_for(screen, *STAFF) for screen in self.screen_stack):
            self.open(PinPadAt())

    def note_activity(self) -> None:
        self._last_input = self.monotonic()
        if isinstance(self.screen, IdleScreen):
            self.screen.dismiss(None)

    def check_visitor_idle(self) -> None:
        """After ``idle_timeout_s`` without input, ask "Are you still there?" before resetting."""
        idle_for = self.monotonic() - self._last_input
        if idle_for < self.settings.display.idle_timeout_s:
            return
        if isinstance(self.screen, (IdleScreen, WelcomeScreen)) and self.language == (
            self.settings.display.default_language
        ):
            return
        if not isinstance(self.screen, IdleScreen):
            self.push_screen(
                IdleScreen(seconds=self.settings.display.idle_countdown_s, on_timeout=self.reset_session)
            )

    # -- navigation ---------------------------------------------------------------------------------
    def go_back(self) -> None:
        if len(self.screen_stack) > 2:
            self.pop_screen()

    @on(Open)
    def _on_open(self, message: Open) -> None:
        message.stop()
        self.open(message.to)

    def opened_for(self, screen: Screen[Any], *kinds: type[Destination]) -> bool:
        """Whether ``screen`` was opened for a destination of one of ``kinds``."""
        return isinstance(self._opened_for.get(screen), kinds)

    def open(self, to: Destination) -> None:
        """Show the screen for ``to``: over the one on top, or in its place (staff mode after the pad).

        A destination already on top (a double tap, a key held down) is not opened twice.
        """
        if self._opened_for.get(self.screen) == to:
            return
        screen = screen_for(to)
        self._opened_for[screen] = to
        if type(to) in REPLACING:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    @on(LanguageChosen)
    async def _on_language_chosen(self, message: LanguageChosen) -> None:
        message.stop()
        picker = self.screen
        await self.change_language(message.code)
        self.record("language", language=message.code)
        if not isinstance(picker, LanguageScreen) or not picker.is_active:
            return  # taken away meanwhile (Escape, the idle reset)
        if message.then_home:
            self.record("session", language=message.code)
            self.switch_screen(HomeScreen(HomeAt()))
        else:
            picker.dismiss(None)

    @on(WorkerFailed)
    def _on_worker_failed(self, message: WorkerFailed) -> None:
        """Every failed background task ends here: logged once; the visitor's screen stays calm."""
        message.stop()
        worker = message.worker
        log.error("background task %r failed", worker.name or worker.group, exc_info=worker.error)

    def action_go_home(self) -> None:
        if isinstance(self.screen, (WelcomeScreen, IdleScreen)):
            return
        while len(self.screen_stack) > 2 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()
        if not isinstance(self.screen, HomeScreen):
            self.open(HomeAt())

    def action_choose_language(self) -> None:
        if isinstance(self.screen, (LanguageScreen, IdleScreen)) or self.opened_for(self.screen, *STAFF):
            return
        self.open(LanguagesAt(then_home=isinstance(self.screen, WelcomeScreen)))

    def start_over(self) -> None:
        """The visitor pressed "Start over": the same clean slate as an idle reset."""
        self.reset_session(idle=False)

    async def change_language(self, code: str) -> None:
        """Switch the visitor's language; the screen beneath re-renders when it shows again."""
        self.language = code
        set_language(code)

    async def start_in(self, code: str) -> None:
        """The audio menu on the welcome screen chose ``code``: the visitor's session begins in it."""
        await self.change_language(code)
        self.record("language", language=code)
        self.record("session", language=code)
        if isinstance(self.screen, WelcomeScreen):
            self.open(HomeAt())

    def reset_session(self, idle: bool = True) -> None:
        """Forget everything about the last visitor: screens, language, scroll positions, speech."""
        self.speech.reset()
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.language = self.settings.display.default_language
        set_language(self.language)
        self._last_input = self.monotonic()
        if idle:
            self.record("idle_reset")
        screen = self.screen
        if isinstance(screen, WelcomeScreen):
            self.call_later(screen.relabel)

    def action_ignore(self) -> None:
        """Keys that would leave, suspend or open tools do nothing on a public terminal."""

    def action_developer_quit(self) -> None:
        if self.dev:
            self.exit()

    def visitor_screen(self) -> Screen[None] | None:
        screen = self.screen
        return screen if isinstance(screen, KioskScreen) else None

    def hint(self) -> str:
        return _("Touch the screen or press any key")
