"""Welcome: a greeting that cycles through the languages; any key or tap begins."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import Screen

from kiosk.content.hours import status_at
from kiosk.content.library import Shown
from kiosk.content.models import Place
from kiosk.i18n import _
from kiosk.i18n.catalogs import gettext_in
from kiosk.i18n.locales import direction
from kiosk.ui.widgets.text import Prose
from kiosk.ui.wording import describe_status

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp

GREETING_SECONDS = 3.0


class WelcomeScreen(Screen[None]):
    """The first thing a visitor sees; it carries nothing of any earlier visitor."""

    #: The speech key here starts the audio menu: each language in itself, with the number to press.
    offers_audio_menu = True

    def __init__(self) -> None:
        super().__init__(id="welcome")
        self.greeting_index = 0

    @property
    def kiosk(self) -> KioskApp:
        return cast("KioskApp", self.app)

    def compose(self) -> ComposeResult:
        # Kept by reference: query_one results are cached per screen and would keep old widgets alive
        # across the recompose that every visitor's reset brings.
        self.greeting = Prose("", id="greeting", direction="ltr")
        self.hint = Prose("", id="welcome-hint", direction="ltr")
        with Center(id="welcome-center"), Vertical(id="welcome-box"):
            yield self.greeting
            yield Prose(Text("„lokal willkommen“ Westerfilde", style="bold"), id="office-name")
            yield Prose(_("Help for newcomers in Mengede and Huckarde"), id="office-tagline")
            yield Prose(self._address(), id="office-address")
            yield Prose(self._open_status(), id="open-status")
            yield self.hint

    def _office(self) -> Shown[Place] | None:
        return self.kiosk.library.office(self.kiosk.settings.display.office_place_id)

    def _address(self) -> str:
        office = self._office()
        return office.item.address.one_line() if office else ""

    def _open_status(self) -> str:
        office = self._office()
        if office is None:
            return ""
        now = self.kiosk.clock()
        status = status_at(office.item.opening_hours, now, office.item.temporarily_closed)
        return describe_status(status, now)

    def on_mount(self) -> None:
        self.show_greeting()
        if self.kiosk.cycle_greeting:
            self.set_interval(GREETING_SECONDS, self.next_greeting)

    def on_screen_resume(self) -> None:
        # However the visitor got back here (Esc, Back, the idle reset), the next one starts afresh.
        if self.kiosk.language != self.kiosk.settings.display.default_language:
            self.kiosk.reset_session(idle=False)

    async def relabel(self) -> None:
        await self.recompose()
        self.greeting_index = 0
        self.show_greeting()

    def next_greeting(self) -> None:
        self.greeting_index = (self.greeting_index + 1) % len(self.kiosk.settings.display.languages)
        self.show_greeting()

    def show_greeting(self) -> None:
        """Show the greeting and the hint in one language, in its own script and direction."""
        code = self.kiosk.settings.display.languages[self.greeting_index]
        text_direction = direction(code)
        # Each in its own language's direction, whatever the visitor's language is.
        self.greeting.direction_override = text_direction
        self.greeting.text = Text(gettext_in(code, "Welcome"), style="bold")
        self.hint.direction_override = text_direction
        self.hint.text = gettext_in(code, "Touch the screen or press any key to start")

    def on_key(self, event: events.Key) -> None:
        event.stop()
        self.kiosk.action_choose_language()

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.kiosk.action_choose_language()
