"""A link from a page, shown as a QR code so the visitor can open it on their phone."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical

from kiosk.i18n import _
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets.handoff import HandOff
from kiosk.ui.widgets.text import Prose


class LinkScreen(KioskScreen):
    def __init__(self, url: str, text: str) -> None:
        super().__init__()
        self.url = url
        self.link_text = text

    def title_text(self) -> str:
        return self.link_text or _("Link")

    def hints(self) -> str:
        return _("Esc back · Home start page · F2 language")

    def compose_body(self) -> ComposeResult:
        with Vertical(id="body"):
            yield Prose(self.url, classes="link-url")
            handoff = HandOff(self.url, _("Scan with your phone camera"), kind="link")
            if handoff.target() is None:
                yield Prose(_("This link cannot be shown as a QR code here."), classes="notice")
            yield handoff

    def on_number(self, number: int, event: events.Key) -> None:
        event.stop()
