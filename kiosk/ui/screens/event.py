"""One event: when, where, what, and QR codes for the visitor's calendar and for the event's page.

The calendar code must be readable on the kiosk's own screen (about 120 × 40 cells), so its text is
the richest form that fits: the complete iCalendar event first, then without the description, then
in the short form phone cameras read (times in UTC, no identifiers), then without the link, the
place's name, the address.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll

from kiosk.content.html import html_to_text
from kiosk.content.models import Address
from kiosk.content.recurrence import Occurrence, event_to_ical
from kiosk.i18n import _
from kiosk.qr import qr_matrix
from kiosk.ui.screens.appointments import Code, DeckButtons, HandOffDeck
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.screens.events import when
from kiosk.ui.screens.topics import short
from kiosk.ui.widgets.feedback import feedback_bar
from kiosk.ui.widgets.text import Prose

# Properties a phone does not need to put a date into its calendar; RFC 5545 wants them in files.
_IDENTIFIERS = frozenset({"PRODID", "UID", "DTSTAMP"})
# Header, status line, the code's caption and its margin take this many rows from the code.
_ROWS_TAKEN = 3 + 1 + 1 + 1
SIDE_SHARE = 0.6
SHORT_TITLE = 60


def _content_lines(text: str) -> list[str]:
    """The content lines of an iCalendar text, each with its folded continuation lines attached."""
    lines: list[str] = []
    for raw in text.split("\r\n"):
        if raw.startswith(" ") and lines:
            lines[-1] += "\r\n" + raw
        elif raw:
            lines.append(raw)
    return lines


def short_form(full: str, occurrence: Occurrence, *, with_url: bool) -> str:
    """``full`` without identifiers (and the link), with timed starts and ends in UTC."""
    kept: list[str] = []
    for line in _content_lines(full):
        name = line.split(":", 1)[0].split(";", 1)[0]
        if name in _IDENTIFIERS or (name == "URL" and not with_url):
            continue
        if name in ("DTSTART", "DTEND") and not occurrence.event.all_day:
            moment = occurrence.start if name == "DTSTART" else occurrence.end
            line = f"{name}:{moment.astimezone(UTC).strftime('%Y%m%dT%H%M%S')}Z"
        kept.append(line)
    return "".join(line + "\r\n" for line in kept)


def calendar_forms(occurrence: Occurrence) -> list[str]:
    """The calendar texts for one occurrence, richest first, shortest last."""
    event = occurrence.event
    bare = event_to_ical(event, occurrence, description_limit=0)
    address_only = replace(event, place_name="")
    title_only = replace(address_only, title=short(event.title, SHORT_TITLE), address=Address())
    return [
        event_to_ical(event, occurrence),
        bare,
        short_form(bare, occurrence, with_url=True),
        short_form(bare, occurrence, with_url=False),
        short_form(event_to_ical(address_only, occurrence, description_limit=0), occurrence, with_url=False),
        short_form(event_to_ical(title_only, occurrence, description_limit=0), occurrence, with_url=False),
    ]


def calendar_text(occurrence: Occurrence, max_length: int, max_modules: int) -> str:
    """The richest calendar text within ``max_length`` whose code is at most ``max_modules`` wide."""
    forms = [form for form in calendar_forms(occurrence) if len(form) <= max_length]
    for form in forms:
        try:
            if len(qr_matrix(form)) <= max_modules:
                return form
        except ValueError:
            continue
    # Nothing fits this screen: the shortest form, which the code widget offers to enlarge.
    return forms[-1] if forms else calendar_forms(occurrence)[-1]


class EventScreen(KioskScreen):
    """An event in full; C switches between the calendar code and the event page's code."""

    BINDINGS = [Binding("c", "next_code", show=False)]

    def __init__(self, occurrence: Occurrence) -> None:
        super().__init__()
        self.occurrence = occurrence

    def title_text(self) -> str:
        return self.occurrence.event.title

    def hints(self) -> str:
        return _("Arrows scroll · C next code · Esc back · Home start page · F2 language")

    def on_mount(self) -> None:
        super().on_mount()
        self.kiosk.record("event", language=self.kiosk.language, item=self.occurrence.event.title)

    def code_room(self) -> int:
        """How many QR modules wide a code may be on this screen."""
        width, height = self.app.size
        return max(1, min(int(width * SIDE_SHARE) - 2, 2 * (height - _ROWS_TAKEN)))

    def codes(self) -> list[Code]:
        ical = calendar_text(self.occurrence, self.kiosk.link_policy.max_length, self.code_room())
        return [
            Code(ical, _("Add to your calendar"), _("Calendar"), "vevent", payload="vevent"),
            Code(self.occurrence.event.url, _("Event page"), _("Event page"), "event"),
        ]

    def compose_body(self) -> ComposeResult:
        event = self.occurrence.event
        codes = self.codes()
        with Horizontal(id="page-layout"):
            with VerticalScroll(id="body", can_focus=True):
                yield Prose(Text(when(self.occurrence), style="bold"), classes="when")
                where = " · ".join(p for p in (event.place_name, event.address.one_line()) if p)
                if where:
                    yield Prose(where, classes="address")
                yield Prose(
                    _("Scan the code with your phone's camera to add this date to your calendar."),
                    classes="block",
                )
                yield DeckButtons("codes", codes)
                description = html_to_text(event.content_html) or event.excerpt
                if description:
                    yield Prose(description, classes="block")
                shown = next((s for s in self.kiosk.library.events() if s.item.id == event.id), None)
                yield feedback_bar(self.kiosk, "event", shown)
            with Vertical(id="side") as side:
                # Inline, because the shared stylesheet keeps the side to half the width.
                side.styles.max_width = f"{int(SIDE_SHARE * 100)}%"
                yield HandOffDeck(codes, id="codes")

    def action_next_code(self) -> None:
        self.query_one("#codes", HandOffDeck).show_next()
