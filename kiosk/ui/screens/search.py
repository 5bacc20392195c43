"""Search: a box to type in, results as you type, best first, each saying what it is.

What the visitor types is theirs: it lives in this screen only (the idle reset pops it), is never
logged or counted, never passes a cache of ours, and goes to the search worker inside a closure, not
as an argument a worker description would show. The index is built once per content, in a background
thread, and kept on the app's runtime (:class:`kiosk.search.live.LiveIndex`).
"""

from __future__ import annotations

import logging
import unicodedata
from typing import TYPE_CHECKING, ClassVar

import rich.cells
from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.app import ComposeResult, RenderResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.worker import get_current_worker

from kiosk.content.models import Direction
from kiosk.content.text import clean_text, short
from kiosk.i18n import _
from kiosk.i18n.rtl import visual_line
from kiosk.search import Found, visitor_results
from kiosk.search.live import LiveIndex
from kiosk.ui import hints
from kiosk.ui.destinations import EventAt, PageAt, PlaceAt, SearchAt, TopicsAt
from kiosk.ui.messages import Open
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets.choices import ChoiceData
from kiosk.ui.widgets.text import Prose, visual
from kiosk.ui.widgets.tile_list import TileList
from kiosk.ui.wording import in_other_language, when

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)

MAX_QUERY = 80  # characters; a pasted letter is not a search
_LAYOUT_UNCACHED = visual_line.__wrapped__  # the cached one would keep the visitor's words


def _forget_drawn_text() -> None:
    """Rich caches the widths and cuts of strings it drew; the visitor's words must not outlive the screen."""
    rich.cells.cached_cell_len.cache_clear()
    split_cells = getattr(Segment, "_split_cells", None)  # private to Rich: cleared where it exists
    if split_cells is not None and hasattr(split_cells, "cache_clear"):
        split_cells.cache_clear()


def _direction_of(text: str, default: Direction) -> Direction:
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return default


class SearchBox(Widget, can_focus=True):
    """One line to type in: plain text (never markup), shaped and in reading order, cursor at its end."""

    DEFAULT_CSS = """
    SearchBox { height: 3; width: 1fr; border: tall $panel; padding: 0 1; background: $surface; }
    SearchBox:focus { border: tall $accent; }
    """

    class Changed(Message):
        """The text changed; read it from the box (messages do not carry it, so nothing can log it)."""

    def __init__(self, value: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.value = value

    def set_value(self, value: str) -> None:
        value = clean_text(value).replace("\n", " ")[:MAX_QUERY]
        if value != self.value:
            self.value = value
            self.refresh()
            self.post_message(self.Changed())

    def on_key(self, event: events.Key) -> None:
        # Every printable key is text here, digits and "/" included; nothing else on the screen sees it.
        if event.is_printable and event.character:
            self.set_value(self.value + event.character)
        elif event.key == "backspace":
            # Inert when empty: holding the key down to clear the box must not leave the screen.
            self.set_value(self.value[:-1])
        elif event.key in ("ctrl+u", "delete"):
            self.set_value("")
        else:
            return
        event.stop()
        event.prevent_default()

    def on_focus(self) -> None:
        self.refresh()  # the cursor shows only while the box has focus

    def on_blur(self) -> None:
        self.refresh()

    def on_paste(self, event: events.Paste) -> None:
        event.stop()
        self.set_value(self.value + (event.text.splitlines() or [""])[0])

    def render(self) -> RenderResult:
        width = max(1, self.content_size.width)
        default: Direction = getattr(self.app, "direction", "ltr")
        if not self.value:
            placeholder = Text(
                visual(_("Type a word, for example from a letter"), default).plain, style="dim"
            )
            cursor = Text("▏" if self.has_focus else " ", style="bold")
            if default == "rtl":
                placeholder.append_text(cursor)
                placeholder.pad_left(max(0, width - placeholder.cell_len))
                return placeholder
            return cursor + placeholder
        direction = _direction_of(self.value, default)
        shown = _LAYOUT_UNCACHED(self.value, direction)
        room = max(1, width - 1)
        cursor = Text("▏" if self.has_focus else " ", style="bold")
        if direction == "rtl":
            # The logical end of right-to-left text is its left edge: the cursor goes there.
            line = cursor + Text(shown[:room])
            line.pad_left(max(0, width - len(line)))
            return line
        return Text(shown[-room:]) + cursor


class ResultList(TileList):
    """The results; Up from the first one goes back to the search box."""

    def action_move(self, step: int) -> None:
        if step < 0 and self.items and self.cursor == 0:
            self.screen.query_one(SearchBox).focus()
            return
        super().action_move(step)


class SearchScreen(KioskScreen):
    """Type a word; results in the visitor's language first, then German and English, marked as such."""

    DEBOUNCE_S: ClassVar[float] = 0.3
    BINDINGS = [
        Binding("down", "focus_results", show=False),
        Binding("enter", "focus_results", show=False),
    ]
    DEFAULT_CSS = """
    SearchScreen #search-box { margin: 0 1; }
    SearchScreen #search-status { margin: 0 0 1 0; }
    """

    def __init__(self, to: SearchAt | None = None) -> None:
        super().__init__()
        self.query_text = ""
        self.results: list[Found] = []
        self._debounce: Timer | None = None
        self._asked = 0  # numbers each search, so that a slow answer to older words is dropped
        self._answered = 0
        self._typing = False  # words typed that the debounce has not yet passed on
        self._waiting = False
        self._counted = False

    @property
    def up_to_date(self) -> bool:
        """The results shown answer what the box says (typing has paused and the search has returned)."""
        return not self._typing and self._answered == self._asked

    def title_text(self) -> str:
        return _("Search")

    def hints(self) -> list[hints.Hint]:
        return [
            hints.Hint(_("Type to search"), ()),
            hints.Hint(_("↓ results"), ("down",)),
            hints.Hint(_("Enter open"), ("enter",)),
            *hints.frame(),
        ]

    def compose_body(self) -> ComposeResult:
        yield SearchBox(self.query_text, id="search-box")
        with VerticalScroll(id="body"):
            yield Prose(self._status_text(), id="search-status")
            yield ResultList(self._choices(), id="results")

    def on_mount(self) -> None:
        super().on_mount()
        self.kiosk.runtime.search.current(self.kiosk.content)
        if self.query_text:
            self.search_now()

    def focus_first(self) -> None:
        for box in self.query(SearchBox):
            box.focus()

    async def relabel(self) -> None:
        if not self.is_attached:
            return  # popped by an idle reset while its resume was on the way
        await super().relabel()
        self.focus_first()
        self.search_now()  # in the new language, or over new content

    def on_unmount(self) -> None:
        _forget_drawn_text()

    # -- typing ---------------------------------------------------------------------------------------
    def on_search_box_changed(self, event: SearchBox.Changed) -> None:
        event.stop()
        self.query_text = self.query_one(SearchBox).value
        self._typing = True
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(self.DEBOUNCE_S, self.search_now)

    def on_key(self, event: events.Key) -> None:
        box = self.query_one(SearchBox)
        if not box.has_focus:
            # Typing while a result is chosen goes on with the search (digits still choose a result).
            if event.is_printable and event.character and event.character not in "123456789":
                box.set_value(box.value + event.character)
            elif event.key == "backspace":
                box.set_value(box.value[:-1])
            else:
                super().on_key(event)
                return
            event.stop()
            box.focus()
            return
        super().on_key(event)

    def action_focus_results(self) -> None:
        results = self.query_one(ResultList)
        if results.items and self.query_one(SearchBox).has_focus:
            results.focus(scroll_visible=False)
            results.move_to(0)

    # -- searching ------------------------------------------------------------------------------------
    def search_now(self) -> None:
        """Search for what the box says, in a worker thread; the answer replaces the results shown."""
        self._typing = False
        self._asked += 1
        asked, words = self._asked, self.query_text
        if len(words.strip()) < 2:
            self.results = []
            self.call_later(self._show, asked, [])
            return
        if not self._counted:
            # One search per visit to the screen is counted (never what was typed), however many
            # words the visitor tries.
            self._counted = True
            self.kiosk.record("search")
        indexes = self.kiosk.runtime.search
        index = indexes.current(self.kiosk.content)
        if index is None:
            if not indexes.failed:
                self._wait_for_index(indexes)
            self.call_later(self._show, asked, None)
            return
        library, now = self.kiosk.library, self.kiosk.clock()

        def find() -> None:
            worker = get_current_worker()
            found = visitor_results(index, words, library, now)
            if not worker.is_cancelled:
                self.app.call_from_thread(self.call_later, self._show, asked, found)

        self.run_worker(find, thread=True, group="search", exclusive=True, exit_on_error=False,
                        name="search", description="search")  # fmt: skip

    def _wait_for_index(self, indexes: LiveIndex) -> None:
        if self._waiting:
            return
        self._waiting = True

        def wait() -> None:
            indexes.wait()
            if not get_current_worker().is_cancelled:
                self.app.call_from_thread(self._index_ready)

        self.run_worker(wait, thread=True, group="search-wait", exit_on_error=False,
                        name="search index wait", description="search index wait")  # fmt: skip

    def _index_ready(self) -> None:
        self._waiting = False
        if self.is_attached:
            self.search_now()

    async def _show(self, asked: int, found: list[Found] | None) -> None:
        """Show results (None: the index is still being built), unless newer words were typed since."""
        if asked != self._asked or not self.shown:
            return
        if found is not None:
            self._answered = asked
        self.results = found or []
        status = self.query_one("#search-status", Prose)
        status.text = self._status_text(still_building=found is None)
        results = self.query_one(ResultList)
        results.set_items(self._choices())
        if self.shown:
            self.query_one("#body", VerticalScroll).scroll_home(animate=False, immediate=True)

    def _status_text(self, still_building: bool = False) -> str:
        if len(self.query_text.strip()) < 2:
            return _("Results appear as you type. Words from a letter in German work in every language.")
        if still_building:
            if self.kiosk.runtime.search.failed:
                return _("Search is not available right now. Please ask us at the office.")
            return _("Getting the search ready …")
        if not self.results:
            return _("Nothing found. Try another word, or ask us at the office.")
        return ""

    def _choices(self) -> list[ChoiceData]:
        kinds = {"topic": _("Topic"), "event": _("Event"), "place": _("Place")}
        choices = []
        for result in self.results:
            about = result.summary
            if result.occurrence is not None:
                about = " · ".join(part for part in (when(result.occurrence), result.summary) if part)
            note = " · ".join(
                part
                for part in (kinds[result.kind], in_other_language(result.language, self.kiosk.language))
                if part
            )
            choices.append(ChoiceData(result.title, short(about), note))
        return choices

    def on_tile_list_chosen(self, event: TileList.Chosen) -> None:
        event.stop()
        result = self.results[event.number - 1]
        if result.page is not None:
            if self.kiosk.library.has_children(result.page):
                self.post_message(Open(TopicsAt(result.page)))
            else:
                self.post_message(Open(PageAt(result.page)))
        elif result.place_id is not None:
            self.post_message(Open(PlaceAt(result.place_id)))
        elif result.occurrence is not None:
            self.post_message(Open(EventAt(result.occurrence)))
