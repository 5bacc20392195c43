"""Help topics: categories, then the topics inside them."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll

from kiosk.content.library import PageKey, Shown
from kiosk.content.models import Page
from kiosk.content.text import one_line
from kiosk.i18n import _
from kiosk.i18n.locales import name_in
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets.choices import Choice, ChoiceData, ChoiceList
from kiosk.ui.widgets.text import Prose

EXCERPT_CHARS = 110


def in_other_language(shown_language: str, visitor_language: str) -> str:
    """The short note that an item is not in the visitor's language."""
    if shown_language == visitor_language:
        return ""
    return _("In {language}").format(language=name_in(shown_language, visitor_language))


def short(text: str, limit: int = EXCERPT_CHARS) -> str:
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class TopicsScreen(KioskScreen):
    """The topics under ``parent`` (None: the top-level categories)."""

    def __init__(self, parent: PageKey | None = None) -> None:
        super().__init__()
        self.parent_key = parent
        self.entries: list[Shown[Page]] = []

    def title_text(self) -> str:
        if self.parent_key is not None:
            shown = self.kiosk.library.page(self.parent_key)
            if shown is not None:
                return shown.item.title
        return _("Help topics")

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
            yield ChoiceList(
                [
                    ChoiceData(
                        shown.item.title,
                        short(shown.item.excerpt),
                        in_other_language(shown.language, self.kiosk.language),
                    )
                    for shown in self.entries
                ],
                id="topics",
            )

    def on_choice_chosen(self, event: Choice.Chosen) -> None:
        event.stop()
        from kiosk.ui.screens.page import PageScreen

        shown = self.entries[event.choice.number - 1]
        key = (shown.language, shown.item.id)
        if key != self.parent_key and self.kiosk.library.has_children(key):
            self.app.push_screen(TopicsScreen(key))
        else:
            self.app.push_screen(PageScreen(key))
