"""TileList: a long single-column list of numbered tiles as one widget that draws only the tiles in view.

The events list of a city holds hundreds of occurrences; as one ``Choice`` widget each, opening it and
switching language cost hundreds of style matches, layouts and renders. Here a tile is a row range of
one widget: its lines are wrapped (and, right to left, shaped and reordered) only when it is drawn or
its exact place is needed, and cached per width and direction; tiles not drawn yet count with an
estimated height (exact for a part that fits on one line) until they are. The look is the one of
``Choice`` in a ``ChoiceList``: the tile's border, background and padding come from component classes
styled like ``Choice``, and are drawn by Textual's own styles renderer; the text parts share
:func:`~kiosk.ui.widgets.choices.tile_lines` with ``Choice``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import overload

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual._styles_cache import StylesCache
from textual.binding import Binding
from textual.color import Color
from textual.css.styles import RenderStyles
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from kiosk.content.models import Direction
from kiosk.ui.widgets.choices import DIGIT_KEYS, ChoiceData, tile_lines, tile_text

#: How many (width, direction) layouts a list keeps (layout asks for two widths in one pass: with and
#: without a scrollbar; a resize or a language brings new ones and old ones go).
_LAYOUTS_KEPT = 4
#: Blank rows between two tiles (a tile's bottom margin, as ``Choice`` has).
GAP = 1


@dataclass
class _Layout:
    """The tiles at one text width and direction: heights (exact or estimated), and the lines drawn."""

    heights: list[int]
    lines: dict[int, list[tuple[Text, str]]] = field(default_factory=dict)
    tops: list[int] = field(default_factory=list)

    def place(self) -> None:
        """Recompute where each tile starts."""
        tops, y = [], 0
        for height in self.heights:
            tops.append(y)
            y += height + GAP
        self.tops = tops

    @property
    def height(self) -> int:
        return sum(self.heights) + GAP * len(self.heights)

    def at(self, y: int) -> int:
        """The index of the tile whose rows (with the gap below it) hold row ``y``."""
        return max(0, bisect_right(self.tops, y) - 1)


def estimated_lines(text: str, width: int) -> int:
    """How many lines ``text`` wraps to at ``width``: exact when each paragraph fits on one line,
    else a greedy word wrap by cell widths (the real wrap refines it when the tile is drawn)."""
    count = 0
    for paragraph in text.split("\n"):
        if cell_len(paragraph) <= width:
            count += 1
            continue
        lines, used = 1, 0
        for word in paragraph.split():
            size = cell_len(word)
            if used and used + 1 + size > width:
                lines += 1
                used = 0
            if size > width:
                lines += (size - 1) // width
                size = (size - 1) % width + 1
            used = used + 1 + size if used else size
        count += lines
    return count


class LazyTiles(Sequence[ChoiceData]):
    """A list's items, each built when first asked for (its tile drawn, said or chosen).

    For lists whose items cost more to build than to draw (an event's dates, formatted for the
    visitor's language): until built, a tile counts ``lines`` text lines high.
    """

    def __init__(self, count: int, build: Callable[[int], ChoiceData], lines: int) -> None:
        self._count = count
        self._build = build
        self._built: dict[int, ChoiceData] = {}
        self.lines = lines

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> ChoiceData: ...
    @overload
    def __getitem__(self, index: slice) -> list[ChoiceData]: ...
    def __getitem__(self, index: int | slice) -> ChoiceData | list[ChoiceData]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._count))]
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError(index)
        item = self._built.get(index)
        if item is None:
            item = self._built[index] = self._build(index)
        return item

    def built(self, index: int) -> bool:
        return index in self._built


@dataclass(frozen=True)
class _Look:
    """What drawing a tile in one state needs: its styles, the colours beneath it, its text styles."""

    styles: RenderStyles
    base_background: Color
    background: Color
    blank: Style
    parts: dict[str, Style]
    #: The list's own background, between tiles.
    gap: Style


class TileList(Widget, can_focus=True):
    """Numbered tiles in one column; keys 1–9, arrows, Enter and a tap choose; only visible tiles are drawn.

    The list is one focus stop; its cursor is the tile a ``Choice`` list would have focused, and it
    is drawn as a focused ``Choice`` while the list has the focus.
    """

    COMPONENT_CLASSES = {
        "choice--title",
        "choice--title-focused",
        "choice--subtitle",
        "choice--note",
        "tile-list--tile",
        "tile-list--tile-hover",
        "tile-list--tile-cursor",
    }
    DEFAULT_CSS = """
    TileList { height: auto; }
    """
    BINDINGS = [
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
        Binding("enter", "choose", show=False),
    ]

    class Chosen(Message):
        """A tile was chosen (Enter, its key, a tap); ``number`` counts from 1."""

        def __init__(self, tile_list: TileList, number: int) -> None:
            super().__init__()
            self.tile_list = tile_list
            self.number = number

        @property
        def control(self) -> TileList:
            return self.tile_list

    class Highlighted(Message):
        """The cursor moved to another tile (speech mode says it)."""

        def __init__(self, tile_list: TileList) -> None:
            super().__init__()
            self.tile_list = tile_list

        @property
        def control(self) -> TileList:
            return self.tile_list

    def __init__(
        self,
        items: Sequence[ChoiceData],
        *,
        keys: str = DIGIT_KEYS,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.items: Sequence[ChoiceData] = items if isinstance(items, LazyTiles) else list(items)
        #: The keys of the first tiles, in order ("123456789": the tenth and later have none).
        self.keys = keys
        #: The index of the tile the visitor is on.
        self.cursor = 0
        self._hover: int | None = None
        self._layouts: dict[tuple[int, Direction], _Layout] = {}
        self._tile_cache = StylesCache()
        self._looks: dict[str, _Look] = {}
        #: The first row drawn last time (layout wraps the tiles from there, where the visitor looks).
        self._drawn_from = 0

    def allow_focus(self) -> bool:
        # An empty list (no search results yet) is no stop for the focus, as an empty ChoiceList was not.
        return bool(self.items)

    # -- what the list holds ----------------------------------------------------------------------------
    def key_of(self, index: int) -> str:
        return self.keys[index] if index < len(self.keys) else ""

    @property
    def current(self) -> ChoiceData | None:
        """The item under the cursor (None for an empty list)."""
        return self.items[self.cursor] if 0 <= self.cursor < len(self.items) else None

    @property
    def current_key(self) -> str:
        return self.key_of(self.cursor)

    def text_of(self, index: int) -> str:
        """Everything tile ``index`` says, one part per line (for tests and logs)."""
        return tile_text(self.items[index], self.key_of(index))

    def set_items(self, items: Sequence[ChoiceData], cursor: int = 0) -> None:
        """Show other items (the same list a minute later), the cursor on ``cursor``."""
        self.items = items if isinstance(items, LazyTiles) else list(items)
        self.cursor = max(0, min(cursor, len(self.items) - 1))
        self._hover = None
        self._layouts.clear()
        self.refresh(layout=True)

    # -- geometry ------------------------------------------------------------------------------------
    @property
    def direction(self) -> Direction:
        return getattr(self.app, "direction", "ltr")

    @property
    def _styled(self) -> bool:
        return "tile-list--tile" in self._component_styles

    def _tile_styles(self, look: str = "tile-list--tile") -> RenderStyles:
        return self.get_component_styles(look)

    def _text_width(self, width: int) -> int:
        return max(1, width - self._look("tile-list--tile").styles.gutter.width)

    def _layout(self, width: int) -> _Layout:
        key = (self._text_width(width), self.direction)
        layout = self._layouts.get(key)
        if layout is None:
            if len(self._layouts) >= _LAYOUTS_KEPT:
                self._layouts.clear()
            text_width = key[0]
            chrome = self._look("tile-list--tile").styles.gutter.height
            layout = _Layout([self._estimate(index, text_width) + chrome for index in range(len(self.items))])
            layout.place()
            self._layouts[key] = layout
        return layout

    def _estimate(self, index: int, width: int) -> int:
        """Tile ``index``'s text lines without wrapping it (see :func:`estimated_lines`)."""
        if isinstance(self.items, LazyTiles) and not self.items.built(index):
            return self.items.lines
        data, key = self.items[index], self.key_of(index)
        title = f"{key}  {data.title}" if key else data.title
        # Every part that is there is a paragraph of its own; the title always is (as tile_lines has it).
        parts = [title, *(part for part in (data.subtitle, data.note) if part)]
        return sum(max(1, estimated_lines(part, width)) for part in parts)

    def _lines(self, layout: _Layout, index: int, width: int) -> list[tuple[Text, str]]:
        """Tile ``index``'s display lines at text ``width``; wrapping it fixes its height for good."""
        lines = layout.lines.get(index)
        if lines is None:
            lines = tile_lines(self.items[index], self.key_of(index), width, self.direction)
            layout.lines[index] = lines
            height = len(lines) + self._look("tile-list--tile").styles.gutter.height
            if layout.heights[index] != height:
                layout.heights[index] = height
                layout.place()
        return lines

    def _settle(self, width: int, top: int, bottom: int) -> bool:
        """Wrap every tile that rows ``top``..``bottom`` show; whether any height changed."""
        layout = self._layout(width)
        text_width = self._text_width(width)
        changed = False
        for _round in range(8):  # a tile that turned out shorter brings the next one into view
            if not layout.heights:
                return changed
            before = layout.height
            first, last = layout.at(top), layout.at(max(top, bottom - 1))
            for index in range(first, last + 1):
                self._lines(layout, index, text_width)
            if layout.height == before:
                return changed
            changed = True
        return changed

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if not self._styled:
            return len(self.items) * 4
        self._settle(width, self._drawn_from, self._drawn_from + viewport.height)
        return self._layout(width).height

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width

    def tile_region(self, index: int) -> Region:
        """Where tile ``index`` is, with the gap below it, in this widget's rows."""
        width = self.size.width
        layout = self._layout(width)
        self._lines(layout, index, self._text_width(width))
        return Region(0, layout.tops[index], width, layout.heights[index] + GAP)

    def tiles_in(self, top: int, bottom: int) -> list[tuple[int, Region]]:
        """The tiles that rows ``top`` to ``bottom`` of this widget hold whole, and where (as laid out)."""
        layout = self._layout(self.size.width)
        if not layout.heights:
            return []
        found = []
        for index in range(layout.at(max(0, top)), len(layout.heights)):
            start, height = layout.tops[index], layout.heights[index]
            if start + height > bottom:
                break
            if start >= top:
                found.append((index, Region(0, start, self.size.width, height)))
        return found

    def shown_lines(self, index: int) -> list[Text]:
        """The display lines of tile ``index`` at the list's width, as drawn."""
        layout = self._layout(self.size.width)
        return [line for line, _part in self._lines(layout, index, self._text_width(self.size.width))]

    # -- drawing --------------------------------------------------------------------------------------
    def render_lines(self, crop: Region) -> list[Strip]:
        if not self._styled or not self.size.width:
            # Not styled yet (mounted in this very frame): nothing to draw but the background.
            return [Strip.blank(crop.width, Style(bgcolor=self.rich_style.bgcolor))] * crop.height
        self._drawn_from = crop.y
        if self._settle(self.size.width, crop.y, crop.bottom):
            # Tiles drawn for the first time were taller or shorter than estimated: lay out again.
            self.call_later(self.refresh, layout=True)
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        layout = self._layout(width)
        fill = self._look("tile-list--tile").gap
        if not layout.heights:
            return Strip.blank(width, fill)
        index = layout.at(y)
        row = y - layout.tops[index]
        if row >= layout.heights[index]:  # the gap below a tile
            return Strip.blank(width, fill)
        lines = self._lines(layout, index, self._text_width(width))
        return self._tile_row(index, lines, row, Size(width, layout.heights[index]))

    def _look(self, name: str) -> _Look:
        """How a tile in state ``name`` is drawn, worked out once (styles walk the whole DOM branch)."""
        look = self._looks.get(name)
        if look is None:
            styles = self._tile_styles(name)
            base_background = self.background_colors[1]
            text_style = self._text_style(styles)
            parts = {
                part: text_style + self.get_component_rich_style(part, partial=True)
                for part in ("choice--title", "choice--title-focused", "choice--subtitle", "choice--note")
            }
            look = _Look(
                styles,
                base_background,
                base_background + styles.background.tint(styles.background_tint),
                Style(bgcolor=text_style.bgcolor),
                parts,
                Style(bgcolor=self.rich_style.bgcolor),
            )
            self._looks[name] = look
        return look

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._looks.clear()

    def _tile_row(self, index: int, lines: list[tuple[Text, str]], row: int, size: Size) -> Strip:
        """One row of a tile, border and padding included, as Textual draws a ``Choice``."""
        cursor = index == self.cursor and self.has_focus
        name = "tile-list--tile-cursor" if cursor else "tile-list--tile"
        if not cursor and index == self._hover:
            name = "tile-list--tile-hover"
        look = self._look(name)
        styles = look.styles
        gutter = styles.gutter
        content = Size(max(0, size.width - gutter.width), max(0, size.height - gutter.height))

        def content_line(y: int) -> Strip:
            if not 0 <= y < len(lines):
                return Strip.blank(content.width, look.blank)
            line, part = lines[y]
            if part == "choice--title" and cursor:
                part = "choice--title-focused"
            return self._text_row(line, look.parts[part], content.width, y)

        cache = self._tile_cache
        cache._simple_strip = None
        return cache.render_line(
            styles,
            row,
            size,
            content,
            styles.padding,
            look.base_background,
            look.background,
            content_line,
            None,
            None,
            self.opacity,
            self.app.ansi_theme,
            self.app.native_ansi_color,
        )

    def _text_style(self, styles: RenderStyles) -> Style:
        """The tile's own text style (its colour over its background), as a ``Choice`` widget has:
        Textual's ``rich_style`` with the tile's styles as the last node."""
        background = Color(0, 0, 0, 0)
        color = Color(255, 255, 255, 0)
        style = Style()
        opacity = 1.0
        for node_styles in [*(node.styles for node in reversed(self.ancestors_with_self)), styles]:
            has_rule = node_styles.has_rule
            opacity *= node_styles.opacity
            own = node_styles.background.tint(node_styles.background_tint)
            text_background = background + own if has_rule("background") else background
            if has_rule("background"):
                background += own.multiply_alpha(opacity)
            if has_rule("color"):
                color = node_styles.color
            style += node_styles.text_style
            if has_rule("auto_color") and node_styles.auto_color:
                color = text_background.get_contrast_text(color.a)
        return style + Style.from_color(
            (background + color).rich_color if (background.a or color.a) else None,
            background.rich_color if background.a else None,
        )

    def _text_row(self, line: Text, style: Style, width: int, y: int) -> Strip:
        """Line ``y`` of a tile's text under ``style``, aligned to the reading start (as ``stacked``
        does), each piece marked with its offset in the text as Textual marks a widget's own text."""
        fill = Style(bgcolor=style.bgcolor)
        if not line.plain:
            return Strip.blank(width, fill)
        pieces: list[tuple[str, Style]] = []
        if self.direction == "rtl" and line.cell_len < width:
            pieces.append((" " * (width - line.cell_len), style))
        # Text.render leaves a line's own style (right-to-left lines are bold that way) to the caller.
        own = line.style if isinstance(line.style, Style) else Style.parse(line.style) if line.style else None
        line_style = style + own if own is not None else style
        pieces += [
            (text, line_style + seg_style if seg_style else line_style)
            for text, seg_style, _ in line.render(self.app.console, end="")
            if text
        ]
        segments, x = [], 0
        for text, piece_style in pieces:
            segments.append(Segment(text, piece_style + Style.from_meta({"offset": (x, y)})))
            x += cell_len(text)
        return Strip(segments).crop(0, width).adjust_cell_length(width, fill)

    # -- the visitor --------------------------------------------------------------------------------
    def move_to(self, index: int, *, scroll: bool = True, announce: bool = True) -> None:
        """Put the cursor on tile ``index``, bring it into view, and say so (speech mode listens) unless
        the tile is chosen at once (a key or a tap leads on to its screen, which is said instead)."""
        if not self.items:
            return
        index = max(0, min(index, len(self.items) - 1))
        moved = index != self.cursor
        self.cursor = index
        self.refresh()
        if scroll:
            self.scroll_to_tile(index)
        if moved and announce:
            self.post_message(self.Highlighted(self))

    def scroll_to_tile(self, index: int) -> None:
        """Scroll the list's container so that tile ``index`` and the gap below it are in view."""
        parent = self.parent
        if not isinstance(parent, Widget) or not self.items or not self.size.width:
            return
        tile = self.tile_region(index)
        parent.scroll_to_region(
            tile.translate(self.virtual_region.offset), animate=False, immediate=True, force=True
        )

    def action_move(self, step: int) -> None:
        if not self.items:
            return
        self.move_to((self.cursor + step) % len(self.items))

    def action_choose(self) -> None:
        if self.items:
            self.post_message(self.Chosen(self, self.cursor + 1))

    def choose_key(self, character: str) -> bool:
        """Choose the tile whose key is ``character``; whether there is one."""
        wanted = character.upper()
        for index in range(min(len(self.keys), len(self.items))):
            if self.keys[index].upper() == wanted:
                self.focus(scroll_visible=False)
                self.move_to(index, announce=False)
                self.post_message(self.Chosen(self, index + 1))
                return True
        return False

    def _tile_at(self, y: int) -> int | None:
        layout = self._layout(self.size.width)
        if not layout.heights or y < 0:
            return None
        index = layout.at(y)
        return index if y - layout.tops[index] < layout.heights[index] else None

    def on_click(self, event: events.Click) -> None:
        index = self._tile_at(event.y)
        if index is None:
            return
        event.stop()
        self.focus(scroll_visible=False)
        self.move_to(index, announce=False)
        self.post_message(self.Chosen(self, index + 1))

    def on_mouse_move(self, event: events.MouseMove) -> None:
        index = self._tile_at(event.y)
        if index != self._hover:
            self._hover = index
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self.refresh()

    def on_focus(self, event: events.Focus) -> None:
        self.refresh()

    def on_blur(self, event: events.Blur) -> None:
        self.refresh()
