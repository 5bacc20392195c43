"""The kiosk application: a locked-down, full-screen visitor journey over the content core."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from kiosk.config import Settings
from kiosk.content.library import Library
from kiosk.content.models import Direction, RegionContent
from kiosk.i18n import _, set_language
from kiosk.i18n.locales import direction as language_direction
from kiosk.qr import LinkPolicy
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.screens.idle import IdleScreen
from kiosk.ui.screens.welcome import WelcomeScreen
from kiosk.ui.themes import THEMES

BERLIN = ZoneInfo("Europe/Berlin")
Clock = Callable[[], datetime]


def berlin_now() -> datetime:
    return datetime.now(BERLIN)


class KioskApp(App[None]):
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
        Binding("f1,f3,f4,f5,f6,f7,f8,f9,f10,f11,f12", "ignore", show=False, priority=True, system=True),
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
    ) -> None:
        super().__init__()
        self.settings = settings
        self.content = content
        self.clock = clock
        self.monotonic = monotonic
        self.dev = dev
        self.cycle_greeting = cycle_greeting
        self.language = settings.display.default_language
        self._libraries: dict[str, Library] = {}
        self._last_input = monotonic()
        self.link_policy = LinkPolicy.including_api_host(settings.links.allowed_hosts, settings.api.base_url)
        set_language(self.language)

    # -- state the screens read -------------------------------------------------------------------
    @property
    def direction(self) -> Direction:
        return language_direction(self.language)

    @property
    def library(self) -> Library:
        if self.language not in self._libraries:
            self._libraries[self.language] = Library(self.content, self.language)
        return self._libraries[self.language]

    def content_status(self) -> str:
        return ""

    # -- lifecycle ----------------------------------------------------------------------------------
    def on_mount(self) -> None:
        for theme in THEMES:
            self.register_theme(theme)
        self.theme = self.settings.display.theme
        self.push_screen(WelcomeScreen())
        self.set_interval(1.0, self.check_visitor_idle)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent) and not event.is_forwarded:
            self.note_activity()
        await super().on_event(event)

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
            self.push_screen(IdleScreen(seconds=10, on_timeout=self.reset_session))

    # -- navigation ---------------------------------------------------------------------------------
    def go_back(self) -> None:
        if len(self.screen_stack) > 2:
            self.pop_screen()

    def action_go_home(self) -> None:
        from kiosk.ui.screens.home import HomeScreen

        if isinstance(self.screen, (WelcomeScreen, IdleScreen)):
            return
        while len(self.screen_stack) > 2 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()
        if not isinstance(self.screen, HomeScreen):
            self.push_screen(HomeScreen())

    def action_choose_language(self) -> None:
        from kiosk.ui.screens.language import LanguageScreen

        if isinstance(self.screen, (LanguageScreen, IdleScreen)):
            return
        self.push_screen(LanguageScreen(then_home=isinstance(self.screen, WelcomeScreen)))

    def start_over(self) -> None:
        self.reset_session()

    async def change_language(self, code: str) -> None:
        """Switch the visitor's language; the screen beneath re-renders when it shows again."""
        self.language = code
        set_language(code)

    def reset_session(self) -> None:
        """Forget everything about the last visitor: screens, language, scroll positions."""
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.language = self.settings.display.default_language
        set_language(self.language)
        self._last_input = self.monotonic()
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
