"""Help topics: categories, then the topics inside them."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll

from kiosk.content.library import Shown
from kiosk.content.models import Page
from kiosk.content.text import short
from kiosk.i18n import _, ngettext
from kiosk.ui import hints
from kiosk.ui.destinations import PageAt, TopicsAt
from kiosk.ui.messages import Open
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets.choices import ChoiceData
from kiosk.ui.widgets.text import Prose
from kiosk.ui.widgets.tile_list import TileList
from kiosk.ui.wording import in_other_language

#: Tiles built at once; a longer list grows by this many with its last tile, "Show more".
TILES_AT_ONCE = 50


class TopicsScreen(KioskScreen):
    """The topics under ``parent`` (None: the top-level categories)."""

    def __init__(self, to: TopicsAt) -> None:
        super().__init__()
        self.parent_key = to.parent
        self.entries: list[Shown[Page]] = []
        self.shown_count = TILES_AT_ONCE

    def follow_language(self, previous: str) -> None:
        if self.parent_key is not None:
            self.parent_key = self.kiosk.same_page_in_language(self.parent_key, previous) or self.parent_key

    def title_text(self) -> str:
        if self.parent_key is not None:
            shown = self.kiosk.library.page(self.parent_key)
            if shown is not None:
                return shown.item.title
        return _("Help topics")

    def hints(self) -> list[hints.Hint]:
        return [hints.choose(), *hints.frame()] if self.entries else hints.frame()

    def title_language(self) -> str:
        shown = self.kiosk.library.page(self.parent_key) if self.parent_key is not None else None
        return shown.language if shown is not None else self.kiosk.language

    def compose_body(self) -> ComposeResult:
        library = self.kiosk.library
        self.entries = library.topics(self.parent_key)
        parent = library.page(self.parent_key) if self.parent_key is not None else None
        if parent is not None and parent.item.content_html.strip():
            # A category page with text of its own opens like a topic, listed first.
            self.entries.insert(0, parent)
        with VerticalScroll(id="body"):
            if not self.entries:
                yield Prose(_("There are no topics here yet. Please ask at the office."), classes="empty")
                return
            items = [
                ChoiceData(
                    shown.item.title,
                    short(shown.item.excerpt),
                    in_other_language(shown.language, self.kiosk.language),
                    language=shown.language,
                )
                for shown in self.entries[: self.shown_count]
            ]
            remaining = len(self.entries) - self.shown_count
            if remaining > 0:
                # A list of thousands would take minutes to build: it grows on request.
                items.append(
                    ChoiceData(
                        _("Show more"),
                        ngettext("{n} more topic", "{n} more topics", remaining).format(n=remaining),
                    )
                )
            yield TileList(items, id="topics")

    def on_tile_list_chosen(self, event: TileList.Chosen) -> None:
        event.stop()
        if event.number > self.shown_count:
            self.shown_count += TILES_AT_ONCE
            self.call_later(self.relabel)
            return
        shown = self.entries[event.number - 1]
        key = (shown.language, shown.item.id)
        if key != self.parent_key and self.kiosk.library.has_children(key):
            self.post_message(Open(TopicsAt(key)))
        else:
            self.post_message(Open(PageAt(key)))
