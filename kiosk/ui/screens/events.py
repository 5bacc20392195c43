"""Events in the next 30 days, recurring ones expanded."""

from __future__ import annotations

from datetime import timedelta

from textual.app import ComposeResult
from textual.containers import VerticalScroll

from kiosk.content.recurrence import Occurrence, occurrences
from kiosk.i18n import _
from kiosk.i18n.formatting import format_date, format_time
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.screens.topics import in_other_language, short
from kiosk.ui.widgets.choices import Choice, ChoiceData, ChoiceList
from kiosk.ui.widgets.text import Prose

DAYS_AHEAD = 30


def when(occurrence: Occurrence) -> str:
    if occurrence.event.all_day:
        return format_date(occurrence.start.date(), "full")
    day = format_date(occurrence.start.date(), "full")
    return f"{day}, {format_time(occurrence.start)}–{format_time(occurrence.end)}"


class EventsScreen(KioskScreen):
    def __init__(self) -> None:
        super().__init__()
        self.listed: list[tuple[Occurrence, str]] = []

    def title_text(self) -> str:
        return _("Events")

    def compose_body(self) -> ComposeResult:
        now = self.kiosk.clock()
        shown_events = self.kiosk.library.events()
        language_of = {id(s.item): s.language for s in shown_events}
        found = occurrences([s.item for s in shown_events], now, now + timedelta(days=DAYS_AHEAD))
        self.listed = [(o, language_of.get(id(o.event), self.kiosk.language)) for o in found]
        with VerticalScroll(id="body"):
            if not self.listed:
                yield Prose(
                    _(
                        "No events are planned in the next 30 days. "
                        "Ask us at the office about language cafés and information evenings."
                    ),
                    classes="empty",
                )
                return
            yield ChoiceList(
                [
                    ChoiceData(
                        o.event.title,
                        short(" · ".join(p for p in (when(o), o.event.place_name, o.event.excerpt) if p)),
                        in_other_language(lang, self.kiosk.language),
                    )
                    for o, lang in self.listed
                ],
                id="events",
            )

    def on_choice_chosen(self, event: Choice.Chosen) -> None:
        event.stop()
        from kiosk.ui.screens.event import EventScreen

        occurrence, _lang = self.listed[event.choice.number - 1]
        self.app.push_screen(EventScreen(occurrence))
