"""What a screen says, read from its widgets (the words, not the terminal cells)."""

from __future__ import annotations

from typing import Any

from textual.app import App

from kiosk.ui.widgets.choices import Choice
from kiosk.ui.widgets.page_text import PageText
from kiosk.ui.widgets.text import Prose

#: Keys from the home screen to each kind of visitor screen (the language picker is F2).
SCREEN_KEYS: dict[str, list[str]] = {
    "home": [],
    "topics": ["1"],
    "category": ["1", "2"],
    "page": ["1", "2", "2"],
    "hours": ["2"],
    "events": ["3"],
    "offices": ["4"],
    "place": ["4", "1"],
}


def screen_text(app: App[Any]) -> str:
    """Everything the current screen says in its text blocks and tiles, in screen order, one per line."""
    parts: list[str] = []
    for widget in app.screen.walk_children(with_self=False):
        if isinstance(widget, Prose):
            parts.append(widget.text.plain if hasattr(widget.text, "plain") else str(widget.text))
        elif isinstance(widget, Choice):
            parts.append(widget.text)
        elif isinstance(widget, PageText):
            parts.extend(paragraph.text.plain for paragraph in widget.paragraphs)
    return "\n".join(parts)
