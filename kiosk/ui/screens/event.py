"""One event: when, where, what, and QR codes for its page and for the visitor's calendar."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll

from kiosk.content.html import html_to_text
from kiosk.content.recurrence import Occurrence, event_to_ical
from kiosk.i18n import _
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.screens.events import when
from kiosk.ui.widgets.handoff import HandOff
from kiosk.ui.widgets.text import Prose


class EventScreen(KioskScreen):
    def __init__(self, occurrence: Occurrence) -> None:
        super().__init__()
        self.occurrence = occurrence

    def title_text(self) -> str:
        return self.occurrence.event.title

    def hints(self) -> str:
        return _("Arrows scroll · Esc back · Home start page · F2 language")

    def on_mount(self) -> None:
        super().on_mount()
        self.kiosk.record("event", language=self.kiosk.language, item=self.occurrence.event.title)

    def compose_body(self) -> ComposeResult:
        event = self.occurrence.event
        with Horizontal(id="page-layout"):
            with VerticalScroll(id="body", can_focus=True):
                yield Prose(Text(when(self.occurrence), style="bold"), classes="when")
                where = " · ".join(p for p in (event.place_name, event.address.one_line()) if p)
                if where:
                    yield Prose(where, classes="address")
                description = html_to_text(event.content_html) or event.excerpt
                if description:
                    yield Prose(description, classes="block")
            with Vertical(id="side"):
                yield HandOff(event.url, _("Event page"), kind="event")
                yield HandOff(
                    event_to_ical(event, self.occurrence),
                    _("Add to your calendar"),
                    kind="calendar",
                    payload=True,
                )
