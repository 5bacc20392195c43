"""One event: when, where, what, and QR codes for the visitor's calendar and for the event's page.

The calendar code must be readable on the kiosk's own screen (about 120 × 40 cells), so its text is
the richest form that fits: the complete iCalendar event first, then without the description, then
in the short form phone cameras read (times in UTC, no identifiers), then without the link, the
place's name, the address.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll

from kiosk.clock import BERLIN
from kiosk.content.html import html_to_text
from kiosk.i18n import _
from kiosk.qr import calendar_text
from kiosk.speech.readings import PASSAGE
from kiosk.speech.spoken import spoken_when
from kiosk.speech.utterance import Utterance
from kiosk.ui import hints
from kiosk.ui.destinations import EventAt
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets.feedback import feedback_bar
from kiosk.ui.widgets.takehome import CodeDeck
from kiosk.ui.widgets.takehome_offers import event_offers
from kiosk.ui.widgets.text import Prose
from kiosk.ui.wording import when

SIDE_SHARE = 0.6
# Header, status line, the code's caption and its margin take this many rows from the code.
_ROWS_TAKEN = 3 + 1 + 1 + 1


class EventScreen(KioskScreen):
    """An event in full; C switches between the calendar code and the event page's code."""

    def __init__(self, to: EventAt) -> None:
        super().__init__()
        self.occurrence = to.occurrence

    def title_text(self) -> str:
        return self.occurrence.event.title

    def hints(self) -> list[hints.Hint]:
        return [hints.scroll(), *self.deck_hints(), *hints.frame()]

    reads_paged = True

    def title_language(self) -> str:
        return self.listed_language()

    def listed_language(self) -> str:
        """The language the event is shown in (the visitor's, or a fallback)."""
        event = self.occurrence.event
        shown = next((s for s in self.kiosk.library.events() if s.item.id == event.id), None)
        return shown.language if shown else self.kiosk.language

    def spoken_passages(self) -> list[Utterance]:
        event, lang = self.occurrence.event, self.kiosk.language
        content = self.listed_language()
        today = self.kiosk.clock().astimezone(BERLIN).date()
        occurrence = self.occurrence
        said = [
            Utterance.of(
                spoken_when(occurrence.start, occurrence.end, event.all_day, lang, today), lang, PASSAGE
            )
        ]
        if event.only_weekdays:
            said.append(Utterance.of(_("Monday to Friday only"), lang, PASSAGE))
        where = ", ".join(p for p in (event.place_name, event.address.one_line()) if p)
        if where:
            said.append(Utterance.of(where, content, PASSAGE))
        if event.meeting_url:
            said.append(Utterance.of(self.online_words(), lang, PASSAGE))
        description = html_to_text(event.content_html) or event.excerpt
        said += [Utterance.of(line, content, PASSAGE) for line in description.splitlines() if line.strip()]
        return said

    def on_mount(self) -> None:
        super().on_mount()
        self.kiosk.record("event", language=self.kiosk.language, item=self.occurrence.event.title)

    def code_room(self) -> int:
        """How many QR modules wide a code may be on this screen."""
        width, height = self.app.size
        return max(1, min(int(width * SIDE_SHARE) - 2, 2 * (height - _ROWS_TAKEN)))

    def meeting_code(self) -> bool:
        """Whether the online event's meeting link may become a code (the link policy decides)."""
        link = self.occurrence.event.meeting_url
        return bool(link) and self.kiosk.link_policy.qr_target(link) is not None

    def online_words(self) -> str:
        """How an online event is joined: by its code, or by asking at the office."""
        if self.meeting_code():
            return _("Online: scan the code for the meeting link.")
        return _("Online. Please ask at the office for the meeting link.")

    def compose_body(self) -> ComposeResult:
        event = self.occurrence.event
        calendar = calendar_text(self.occurrence, self.kiosk.link_policy.max_length, self.code_room())
        meeting = self.occurrence.event.meeting_url if self.meeting_code() else ""
        deck = self.code_deck = CodeDeck(event_offers(self.kiosk, self.occurrence, calendar, meeting))
        # Promise the calendar only where its code fits this terminal (at 80 x 24 it does not).
        offered = {offer.kind for offer in deck.usable()}
        with Horizontal(id="page-layout"):
            with VerticalScroll(id="body", can_focus=True):
                yield Prose(Text(when(self.occurrence), style="bold"), classes="when")
                if event.only_weekdays:
                    yield Prose(_("Monday to Friday only"), classes="weekdays")
                where = " · ".join(p for p in (event.place_name, event.address.one_line()) if p)
                if where:
                    yield Prose(where, classes="address")
                if event.meeting_url:
                    yield Prose(Text(self.online_words(), style="bold"), classes="online")
                if "vevent" in offered:
                    yield Prose(
                        _("Scan the code with your phone's camera to add this date to your calendar."),
                        classes="block",
                    )
                description = html_to_text(event.content_html) or event.excerpt
                if description:
                    yield Prose(description, classes="block")
                shown = next((s for s in self.kiosk.library.events() if s.item.id == event.id), None)
                yield feedback_bar(self.kiosk, "event", shown)
            with Vertical(id="side", classes="codes") as side:
                # Inline, because the shared stylesheet keeps the side to half the width.
                side.styles.width = side.styles.max_width = f"{int(SIDE_SHARE * 100)}%"
                yield deck
