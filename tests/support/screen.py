"""What a screen says, read from its widgets (the words, not the terminal cells)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from textual.app import App
from textual.dom import DOMNode
from textual.widget import Widget

from kiosk.ui.widgets.choices import Choice, ChoiceData
from kiosk.ui.widgets.page_text import PageText
from kiosk.ui.widgets.text import Prose
from kiosk.ui.widgets.tile_list import TileList

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
        elif isinstance(widget, TileList):
            parts.extend(widget.text_of(index) for index in range(len(widget.items)))
        elif isinstance(widget, PageText):
            parts.extend(paragraph.text.plain for paragraph in widget.paragraphs)
    return "\n".join(parts)


@dataclass(frozen=True)
class Tile:
    """One numbered tile as a visitor meets it: a ``Choice`` widget, or an item of a long ``TileList``."""

    number: int
    key: str
    data: ChoiceData
    text: str
    #: The widget that draws it (the Choice, or the TileList it is an item of).
    widget: Widget = field(compare=False, repr=False)

    def focus(self) -> None:
        """Put the visitor on this tile, as arrow keys would."""
        if isinstance(self.widget, TileList):
            self.widget.focus(scroll_visible=False)
            self.widget.move_to(self.number - 1)
        else:
            self.widget.focus()


def tiles(root: DOMNode) -> list[Tile]:
    """Every tile under ``root`` (a screen or a widget), in screen order, numbered as shown."""
    found: list[Tile] = []
    for widget in root.walk_children(with_self=False):
        if isinstance(widget, Choice):
            found.append(Tile(widget.number, widget.key, widget.data, widget.text, widget))
        elif isinstance(widget, TileList):
            found += [
                Tile(index + 1, widget.key_of(index), data, widget.text_of(index), widget)
                for index, data in enumerate(widget.items)
            ]
    return found


def focused_tile(app: App[Any]) -> Tile | None:
    """The tile the visitor is on: the focused ``Choice``, or the cursor of the focused ``TileList``."""
    widget = app.focused
    if isinstance(widget, Choice):
        return Tile(widget.number, widget.key, widget.data, widget.text, widget)
    if isinstance(widget, TileList) and widget.current is not None:
        return Tile(
            widget.cursor + 1, widget.current_key, widget.current, widget.text_of(widget.cursor), widget
        )
    return None
