"""A link from a page, shown as a QR code so the visitor can open it on their phone."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen

from kiosk.i18n import _
from kiosk.speech.spoken import spoken_code
from kiosk.speech.utterance import Utterance
from kiosk.ui import hints
from kiosk.ui.destinations import CodeAt, LinkAt
from kiosk.ui.screens.base import KioskScreen, close
from kiosk.ui.widgets.handoff import HandOff, enlarge_code
from kiosk.ui.widgets.qr_code import QRCode
from kiosk.ui.widgets.text import Prose


class LinkScreen(KioskScreen):
    """The link's words and address beside its code; 0 or a touch on the code shows it on its own."""

    BINDINGS = [Binding("0", "enlarge_code", show=False)]

    def __init__(self, to: LinkAt) -> None:
        super().__init__()
        self.url = to.url
        self.link_text = to.text

    def title_text(self) -> str:
        return self.link_text or _("Link")

    def hints(self) -> list[hints.Hint]:
        return hints.frame()

    def compose_body(self) -> ComposeResult:
        hand_off = HandOff(self.url, _("Scan with your phone camera"), kind="link", fill=True)
        with Horizontal(id="page-layout"):
            with VerticalScroll(id="body"):
                if self.link_text and self.link_text != self.url:
                    yield Prose(Text(self.link_text, style="bold"), classes="block")
                yield Prose(self.url, classes="link-url block")
                if hand_off.target() is None:
                    yield Prose(_("This link cannot be shown as a QR code here."), classes="notice")
            if hand_off.target() is not None:
                with Vertical(id="side", classes="codes"):
                    yield hand_off

    def on_number(self, number: int, event: events.Key) -> None:
        event.stop()

    def action_enlarge_code(self) -> None:
        enlarge_code(self)


class CodeScreen(Screen[None]):
    """One QR code on the whole screen, with nothing around it: the largest code this terminal can show.

    A long link that is unreadable beside the text often still scans here (at 80 × 24 a code of up
    to 84 characters instead of 42). Any key or touch leads back.
    """

    DEFAULT_CSS = """
    CodeScreen { background: $background; }
    CodeScreen QRCode { width: 1fr; height: 1fr; }
    """

    def __init__(self, to: CodeAt) -> None:
        super().__init__()
        self.data = to.data
        self.caption = to.caption
        self.fallback = to.fallback
        self.composed_language = ""

    def compose(self) -> ComposeResult:
        self.composed_language = getattr(self.app, "language", "")
        back = _("Touch the screen or press any key to continue.")
        yield QRCode(self.data, f"{self.caption} · {back}" if self.caption else back, fallback=self.fallback)

    def spoken_title(self) -> Utterance:
        """What the code holds, and the way back."""
        lang = getattr(self.app, "language", "en")
        back = _("Touch the screen or press any key to continue.")
        return Utterance.of(f"{spoken_code(self.data, self.caption, lang)} {back}", lang, "title")

    def on_key(self, event: events.Key) -> None:
        event.stop()
        close(self)

    def on_click(self, event: events.Click) -> None:
        event.stop()
        close(self)

    def on_screen_resume(self) -> None:
        # Back from choosing another language: the screen beneath re-renders in it, this caption cannot.
        if getattr(self.app, "language", "") != self.composed_language:
            close(self)
