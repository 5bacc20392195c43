"""Numbered choices: large tap targets that keys 1–9, arrows and Enter also reach.

``ChoiceList`` holds a widget per tile, for the short lists and the grids (home, the language
picker); long single-column lists are a ``TileList`` (kiosk.ui.widgets.tile_list), which draws
the same tiles from the same parts (:func:`tile_lines`) without a widget each.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import ComposeResult, RenderResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.geometry import Size
from textual.message import Message
from textual.renderables.digits import DIGITS, DIGITS3X3_BOLD
from textual.widget import Widget

from kiosk.content.models import Direction
from kiosk.ui.widgets.text import lines_for, stacked


@dataclass
class ChoiceData:
    """What one choice shows: a title, an optional line beneath, and an optional marker."""

    title: str
    subtitle: str = ""
    note: str = ""
    #: The language of title and subtitle when it is not the visitor's (content in a fallback language).
    language: str = ""


#: How many widths a tile keeps its wrapped lines for (a resize brings new ones; old ones go).
_WIDTHS_KEPT = 4


def tile_parts(data: ChoiceData, key: str) -> list[tuple[Text | str, str]]:
    """What a tile says, each part with the component class that colours it (key and title bold)."""
    title = Text()
    if key:
        title.append(f"{key}  ", style="bold")
    title.append(data.title, style="bold")
    parts: list[tuple[Text | str, str]] = [(title, "choice--title")]
    if data.subtitle:
        parts.append((data.subtitle, "choice--subtitle"))
    if data.note:
        parts.append((data.note, "choice--note"))
    return parts


def tile_text(data: ChoiceData, key: str) -> str:
    """Everything a tile says, one part per line (for tests and logs)."""
    return "\n".join(part.plain if isinstance(part, Text) else part for part, _ in tile_parts(data, key))


def tile_lines(data: ChoiceData, key: str, width: int, direction: Direction) -> list[tuple[Text, str]]:
    """A tile's display lines inside its border and padding, each with the component class of its part."""
    lines: list[tuple[Text, str]] = []
    for part, component in tile_parts(data, key):
        # As a paragraph of its own would: wrapped, in visual order, at least one line.
        lines += [(line, component) for line in lines_for(part, width, direction) or [Text()]]
    return lines


class Choice(Widget, can_focus=True):
    """One numbered, focusable tile; Enter or a tap chooses it.

    One widget whatever it shows (title, subtitle, note): every widget costs style matching, layout
    and a render on each screen change.
    """

    DEFAULT_CSS = """
    Choice { height: auto; min-height: 3; }
    """

    BINDINGS = [Binding("enter", "choose", show=False)]

    class Chosen(Message):
        def __init__(self, choice: Choice) -> None:
            super().__init__()
            self.choice = choice

    def __init__(
        self, number: int, data: ChoiceData, *, key: str = "", large: bool = False, id: str | None = None
    ) -> None:
        super().__init__(id=id, classes="choice")
        self.number = number
        #: Draw the key three rows high when the tile has room (the home screen on a large display).
        self.large = large
        #: The key that chooses this tile, shown before its title ("" for none).
        self.key = key
        self.data = data
        #: Wrapped lines by (width, direction): layout asks for several widths in one pass (with and
        #: without a scrollbar), and wrapping a styled title costs more than anything else on a tile.
        self._wrapped: dict[tuple[int, Direction], list[tuple[Text, str]]] = {}

    def parts(self) -> list[tuple[Text | str, str]]:
        """What the tile says, each part with the component class that colours it."""
        return tile_parts(self.data, self.key)

    @property
    def text(self) -> str:
        """Everything the tile says, one part per line (for tests and logs)."""
        return tile_text(self.data, self.key)

    @property
    def direction(self) -> Direction:
        return cast("Direction", getattr(self.app, "direction", "ltr"))

    def _lines(self, width: int) -> list[tuple[Text, str]]:
        direction = self.direction
        cached = self._wrapped.get((width, direction))
        if cached is not None:
            return cached
        lines = tile_lines(self.data, self.key, width, direction)
        if len(self._wrapped) >= _WIDTHS_KEPT:
            self._wrapped.clear()
        self._wrapped[(width, direction)] = lines
        return lines

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines(width))

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return max((cell_len(line) for line in self.text.splitlines()), default=1)

    def render(self) -> RenderResult:
        width = self.content_size.width or self.size.width
        lines: list[tuple[Text, Style | None]] = [
            (line, self._look(component)) for line, component in self._lines(width)
        ]
        big = big_key(self.key) if self.large else []
        if big and self.content_size.height >= len(lines) + len(big) + 3 and width >= 12:
            style = self._look("choice--title") + Style(bold=True)
            lines = [(Text(row), style) for row in big] + [(Text(), None)] + lines
        return stacked(self, lines, width, self.direction)

    def _look(self, component: str) -> Style:
        """The colour of one part of the tile, from its list's component classes (see ChoiceList)."""
        if component == "choice--title" and self.has_focus:
            component = "choice--title-focused"
        owner = self.parent
        return (
            owner.get_component_rich_style(component, partial=True)
            if isinstance(owner, ChoiceList)
            else Style()
        )

    def action_choose(self) -> None:
        self.post_message(self.Chosen(self))

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.focus()
        self.post_message(self.Chosen(self))


_BIG_GLYPHS: list[str] = list(DIGITS3X3_BOLD)  # three rows per glyph, in the order of DIGITS


def big_key(key: str) -> list[str]:
    """``key`` drawn three rows high ([] for a key the digit font lacks)."""
    rows = ["", "", ""]
    for char in key.upper():
        index = DIGITS.find(char)
        if index < 0 or not char.strip():
            return []
        glyph = _BIG_GLYPHS[index * 3 : index * 3 + 3]
        rows = [row + part.ljust(3) for row, part in zip(rows, glyph, strict=True)]
    return rows


class Gap(Widget):
    """An empty cell that keeps a mirrored grid's last row flush right."""

    DEFAULT_CSS = "Gap { height: 1; }"

    def render(self) -> RenderResult:
        return ""


#: Tiles 1 to 9 have a digit key each; a list can give more keys (the language picker: 0, A, B, ...).
DIGIT_KEYS = "123456789"
#: Keys for a list where every tile must have one: after 9 come 0, then letters.
EVERY_KEY = "1234567890ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def key_range(keys: str) -> str:
    """How a hint names these keys: "1–9", "1–9, 0, A, B"."""
    digits = keys[:9]
    named = f"{digits[0]}–{digits[-1]}" if len(digits) > 1 else digits
    return ", ".join([named, *keys[9:]])


class ChoiceList(Vertical):
    """Choices in a column or a grid of ``columns``; digits 1–9 choose directly, arrows move.

    In a right-to-left session a grid fills from the right, as the visitor reads: 1 top right.
    """

    #: The colours of a tile's parts. They live on the list, not on every tile: a component class
    #: costs a style match of its own, per tile, on every screen change. TileList shares them.
    COMPONENT_CLASSES = {"choice--title", "choice--title-focused", "choice--subtitle", "choice--note"}
    DEFAULT_CSS = """
    ChoiceList { height: auto; }
    """

    BINDINGS = [
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
        Binding("right", "move_across(1)", show=False),
        Binding("left", "move_across(-1)", show=False),
    ]

    def __init__(
        self,
        items: list[ChoiceData],
        *,
        columns: int = 1,
        keys: str = DIGIT_KEYS,
        large_keys: bool = False,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=f"{classes or ''} grid".strip() if columns > 1 else classes)
        self.items = items
        #: The keys of the first tiles, in order ("123456789": the tenth and later have none).
        self.keys = keys
        self.large_keys = large_keys
        self.columns = max(1, columns)
        if self.columns > 1:
            self.styles.grid_size_columns = self.columns
        self.mirrored = False

    def compose(self) -> ComposeResult:
        choices = [
            Choice(
                number,
                data,
                key=self.keys[number - 1] if number <= len(self.keys) else "",
                large=self.large_keys,
            )
            for number, data in enumerate(self.items, start=1)
        ]
        self.mirrored = self.columns > 1 and getattr(self.app, "direction", "ltr") == "rtl"
        if not self.mirrored:
            yield from choices
            return
        for start in range(0, len(choices), self.columns):
            row: list[Widget] = list(choices[start : start + self.columns])
            row += [Gap() for _ in range(self.columns - len(row))]
            yield from reversed(row)

    @property
    def choices(self) -> list[Choice]:
        """The choices by number (in a mirrored grid the order on screen differs)."""
        found = list(self.query_children(Choice))
        return sorted(found, key=lambda choice: choice.number) if self.mirrored else found

    def action_move_across(self, step: int) -> None:
        """Left and right follow the screen: in a mirrored grid, left leads on to the next number."""
        self.action_move(-step if self.mirrored else step)

    def action_move(self, step: int) -> None:
        choices = self.choices
        if not choices:
            return
        focused = self.screen.focused
        index = choices.index(focused) if isinstance(focused, Choice) and focused in choices else -1
        target = choices[(index + step) % len(choices)] if index >= 0 else choices[0]
        target.focus()
        target.scroll_visible(animate=False)

    def choose_key(self, character: str) -> bool:
        """Choose the tile whose key is ``character`` (digits, or letters where the list has them)."""
        wanted = character.upper()
        for choice in self.choices:
            if choice.key and choice.key.upper() == wanted:
                choice.focus()
                choice.post_message(Choice.Chosen(choice))
                return True
        return False


def is_widget_choice(widget: Widget | None) -> bool:
    return isinstance(widget, Choice)
