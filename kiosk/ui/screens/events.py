"""Events in the next 30 days, recurring ones expanded: Today, This week or All; past ones leave."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Literal

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button

from kiosk.clock import BERLIN
from kiosk.content.hours import local_datetime
from kiosk.content.library import Shown
from kiosk.content.models import Event
from kiosk.content.recurrence import Occurrence, occurrences
from kiosk.content.text import short
from kiosk.i18n import _
from kiosk.speech.readings import PASSAGE
from kiosk.speech.utterance import Utterance
from kiosk.ui import hints
from kiosk.ui.destinations import EventAt, EventsAt
from kiosk.ui.messages import Open
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets.choices import ChoiceData
from kiosk.ui.widgets.code_deck import button_label
from kiosk.ui.widgets.text import Prose
from kiosk.ui.widgets.tile_list import LazyTiles, TileList
from kiosk.ui.wording import event_notes, in_other_language, when

DAYS_AHEAD = 30
#: How often the list looks at the clock again, so that events that are over leave it.
REFRESH_S = 60.0

#: Text lines of an event's tile not drawn yet: its title, its dates, a line of its excerpt.
TYPICAL_LINES = 3

EventFilter = Literal["today", "week", "all"]
FILTERS: tuple[EventFilter, ...] = ("today", "week", "all")


def window_end(chosen: EventFilter, now: datetime) -> datetime:
    """Where a filter's window ends: tonight's midnight, next Monday's, or 30 days from now."""
    today = now.astimezone(BERLIN).date()
    if chosen == "today":
        return local_datetime(today + timedelta(days=1), time(0))
    if chosen == "week":
        return local_datetime(today + timedelta(days=7 - today.weekday()), time(0))
    return now + timedelta(days=DAYS_AHEAD)


@dataclass(frozen=True, slots=True)
class Listed:
    """One line of the list: an occurrence and the language its event is written in."""

    occurrence: Occurrence
    language: str

    @property
    def key(self) -> tuple[int, str, datetime]:
        return (self.occurrence.event.id, self.occurrence.event.title, self.occurrence.start.astimezone(UTC))


def upcoming(shown: list[Shown[Event]], now: datetime, chosen: EventFilter) -> list[Listed]:
    """The occurrences still ahead (or under way) in the filter's window, soonest first."""
    language_of = {id(s.item): s.language for s in shown}
    found = occurrences([s.item for s in shown], now, window_end(chosen, now))
    return [Listed(o, language_of[id(o.event)]) for o in found]


class EventsScreen(KioskScreen):
    """The list of events with three filters; keys T, W and A choose them, 1–9 open an event."""

    BINDINGS = [
        Binding("t", "filter('today')", show=False),
        Binding("w", "filter('week')", show=False),
        Binding("a", "filter('all')", show=False),
    ]
    DEFAULT_CSS = """
    #event-filters { height: auto; padding: 0 1; margin: 0 0 1 0; }
    #event-filters Button { height: 3; min-width: 14; width: auto; margin: 0 1 0 0; }
    #event-filters Button.-chosen { background: $accent; color: $background; text-style: bold; }
    EventsScreen.-rtl #event-filters { align-horizontal: right; }
    """

    def __init__(self, to: EventsAt | None = None) -> None:
        super().__init__()
        self.chosen: EventFilter = "all"
        self.listed: list[Listed] = []

    def title_text(self) -> str:
        return _("Events")

    def hints(self) -> list[hints.Hint]:
        filters = [
            hints.Hint(_("T today"), ("t",)),
            hints.Hint(_("W this week"), ("w",)),
            hints.Hint(_("A all"), ("a",)),
        ]
        return [*filters, *([hints.choose()] if self.listed else []), *hints.frame()]

    def filter_label(self, name: EventFilter) -> str:
        return {"today": _("Today"), "week": _("This week"), "all": _("All")}[name]

    def compose_body(self) -> ComposeResult:
        self.listed = self.compute()
        with Horizontal(id="event-filters"):
            # Tabs in reading order: from the right in a right-to-left language.
            for name in FILTERS if self.kiosk.direction == "ltr" else tuple(reversed(FILTERS)):
                yield Button(
                    button_label(self.filter_label(name), name == self.chosen),
                    id=f"filter-{name}",
                    classes="-chosen" if name == self.chosen else "",
                )
        with VerticalScroll(id="body"):
            yield from self.list_widgets()

    def spoken_passages(self) -> list[Utterance]:
        # An empty list has no item to focus: say why it is empty.
        empty = self.query(".empty").results(Prose)
        return [Utterance.of(str(widget.text), self.kiosk.language, PASSAGE) for widget in empty]

    def compute(self) -> list[Listed]:
        return upcoming(self.kiosk.library.events(), self.kiosk.clock(), self.chosen)

    def list_widgets(self) -> list[Widget]:
        if not self.listed:
            empty = {
                "today": _("No events today."),
                "week": _("No more events this week."),
                "all": _(
                    "No events are planned in the next 30 days. "
                    "Ask us at the office about language cafés and information evenings."
                ),
            }[self.chosen]
            return [Prose(empty, classes="empty")]
        visitor = self.kiosk.language
        listed = self.listed

        def tile(index: int) -> ChoiceData:
            occurrence, language = listed[index].occurrence, listed[index].language
            event = occurrence.event
            line = " · ".join((when(occurrence), *event_notes(event)))
            excerpt = short(event.excerpt)
            return ChoiceData(
                event.title,
                f"{line}\n{excerpt}" if excerpt else line,
                in_other_language(language, visitor),
                language=language,
            )

        # A tile's dates are formatted when it is first drawn: hundreds of events, a screenful shown.
        return [TileList(LazyTiles(len(listed), tile, TYPICAL_LINES), id="events")]

    def on_mount(self) -> None:
        super().on_mount()
        self.set_refresh_interval(REFRESH_S, self.refresh_listing)

    async def refresh_listing(self) -> None:
        """Look at the clock again; rebuild the list only if what it shows has changed."""
        fresh = self.compute()
        if [item.key for item in fresh] == [item.key for item in self.listed]:
            return
        listing = self.tile_list()
        in_list = listing is not None and self.focused is listing
        was = (
            self.listed[listing.cursor].key
            if listing is not None and listing.cursor < len(self.listed)
            else None
        )
        old_cursor = listing.cursor if listing is not None else 0
        self.listed = fresh
        await self.rebuild_list()
        if not self.shown or listing is None:
            return
        keys = [item.key for item in fresh]
        fresh_list = self.tile_list()
        if fresh_list is not None:
            # The visitor's item is still there: the cursor stays on it, whatever left above it.
            fresh_list.move_to(keys.index(was) if was in keys else old_cursor, scroll=False)
            if in_list:
                fresh_list.focus(scroll_visible=False)
        elif in_list:
            self.query_one(f"#filter-{self.chosen}", Button).focus()

    def tile_list(self) -> TileList | None:
        lists = list(self.query("#events").results(TileList))
        return lists[0] if lists else None

    async def rebuild_list(self) -> None:
        if not self.shown:
            return
        body = self.query_one("#body", VerticalScroll)
        y = body.scroll_y
        await body.remove_children()
        if self.shown:
            await body.mount_all(self.list_widgets())
            body.scroll_to(y=y, animate=False, immediate=True)

    async def action_filter(self, name: EventFilter) -> None:
        self.chosen = name
        for button_name in FILTERS:
            button = self.query_one(f"#filter-{button_name}", Button)
            button.set_class(button_name == name, "-chosen")
            button.label = button_label(self.filter_label(button_name), button_name == name)
            button.refresh(layout=True)  # the marked label is wider: the button grows with it
        self.listed = self.compute()
        await self.rebuild_list()
        if not self.shown:
            return
        self.query_one("#body", VerticalScroll).scroll_home(animate=False, immediate=True)
        if not isinstance(self.focused, Button):
            self.focus_first()

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        name = (event.button.id or "").removeprefix("filter-")
        if name in FILTERS:
            event.stop()
            await self.action_filter(name)

    def on_tile_list_chosen(self, event: TileList.Chosen) -> None:
        event.stop()
        number = event.number
        if 1 <= number <= len(self.listed):
            self.post_message(Open(EventAt(self.listed[number - 1].occurrence)))
