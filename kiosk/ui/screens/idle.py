"""'Are you still there?': a countdown that any input cancels, then a fresh start for the next visitor."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen

from kiosk.i18n import _, ngettext
from kiosk.speech.utterance import Utterance
from kiosk.ui.screens.base import close
from kiosk.ui.widgets.text import Prose


class IdleScreen(ModalScreen[None]):
    """Counts down ``seconds``; the app dismisses it on any input, else ``on_timeout`` runs."""

    def __init__(self, seconds: int, on_timeout: Callable[[], None]) -> None:
        super().__init__(id="idle")
        self.remaining = seconds
        self.on_timeout = on_timeout

    def compose(self) -> ComposeResult:
        with Vertical(id="idle-box"):
            yield Prose(_("Are you still there?"), id="idle-question")
            yield Prose(self._countdown_text(), id="idle-countdown")
            yield Prose(_("Touch the screen or press any key to continue."), id="idle-hint")

    def _countdown_text(self) -> str:
        return ngettext(
            "Starting over in {n} second.", "Starting over in {n} seconds.", self.remaining
        ).format(n=self.remaining)

    def spoken_title(self) -> Utterance:
        """The warning, spoken too: a visitor who cannot see it must not lose their place unwarned."""
        lang = getattr(self.app, "language", "en")
        words = [
            _("Are you still there?"),
            self._countdown_text(),
            _("Touch the screen or press any key to continue."),
        ]
        return Utterance.of(" ".join(words), lang, "idle")

    def on_mount(self) -> None:
        self.set_interval(1.0, self.tick)

    def tick(self) -> None:
        """One second passed: count down, and start over at zero."""
        self.remaining -= 1
        if self.remaining <= 0:
            if close(self):  # not when a key already closed it and this tick was queued behind it
                self.on_timeout()
            return
        self.query_one("#idle-countdown", Prose).text = self._countdown_text()
