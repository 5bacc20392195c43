"""PageText: a whole topic page's text as one widget that draws only the lines in view.

A page of 340 blocks as 340 widgets costs 340 style matches, layouts and renders on every open and
every language switch. Here the blocks are wrapped (and, right to left, shaped and reordered) once
per width into lines, and ``render_line`` hands Textual only the lines its scrolling container shows.
It looks exactly as the stack of text blocks it replaces: the same spacing between blocks (the larger
of the two margins, as Textual collapses them), headings and notices in their colours.

Opening a page or switching its language costs what a screenful costs, not what the page holds: the
page's height comes from counting each block's lines (:func:`line_count`, words on cell widths), and
a block is wrapped only when one of its lines comes into view.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

from kiosk.content.models import Direction
from kiosk.ui.widgets.text import line_count, lines_for


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One block of the page: its text, its look (a component class or ""), blank lines around it."""

    text: Text
    look: str = ""
    above: int = 0
    below: int = 1


#: How many widths a page keeps its display lines for (a resize brings new ones; old ones go).
_WIDTHS_KEPT = 4

_BLANK = Text()


@dataclass(slots=True)
class _Layout:
    """Where each paragraph's lines sit at one width, and the lines of those wrapped so far."""

    starts: list[int]
    counts: list[int]
    height: int
    wrapped: dict[int, list[Text]] = field(default_factory=dict)


class PageText(Widget):
    """Paragraphs, counted per width and wrapped when in view; only the lines in view are drawn."""

    COMPONENT_CLASSES = {"page-text--heading", "page-text--notice"}
    DEFAULT_CSS = """
    PageText { height: auto; width: 1fr; }
    PageText > .page-text--heading { color: $accent; }
    PageText > .page-text--notice { color: $warning; }
    """

    def __init__(self, paragraphs: Sequence[Paragraph], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.paragraphs = list(paragraphs)
        #: Line positions by (width, direction): layout asks for two widths in one pass (with and
        #: without a scrollbar), and neither may cost a wrap of the whole page.
        self._layouts: dict[tuple[int, Direction], _Layout] = {}
        if self.paragraphs:
            # The space after the last paragraph is a margin, so it collapses with what follows.
            self.styles.margin = (self.paragraphs[0].above, 0, self.paragraphs[-1].below, 0)

    @property
    def direction(self) -> Direction:
        return getattr(self.app, "direction", "ltr")

    def _layout(self, width: int) -> _Layout:
        width = max(1, width)
        direction = self.direction
        found = self._layouts.get((width, direction))
        if found is None:
            counts = [line_count(paragraph.text, width, direction) for paragraph in self.paragraphs]
            starts, height = self._positions(counts)
            found = _Layout(starts, counts, height)
            if len(self._layouts) >= _WIDTHS_KEPT:
                self._layouts.clear()
            self._layouts[(width, direction)] = found
        return found

    def _positions(self, counts: list[int]) -> tuple[list[int], int]:
        """Each paragraph's first line, and the height of them all."""
        starts: list[int] = []
        line = gap = 0
        for index, (paragraph, count) in enumerate(zip(self.paragraphs, counts, strict=True)):
            # Margins collapse as between widgets: the larger of below and above. The first
            # paragraph's space above and the last one's below are the widget's own margins.
            line += max(gap, paragraph.above) if index else 0
            starts.append(line)
            line += count
            gap = paragraph.below
        return starts, line

    def line(self, y: int, width: int) -> tuple[Text, str]:
        """Display line ``y`` at ``width`` with its look (a blank Text between paragraphs)."""
        layout = self._layout(width)
        index = bisect_right(layout.starts, y) - 1
        if index < 0 or y >= layout.starts[index] + layout.counts[index]:
            return _BLANK, ""
        lines = layout.wrapped.get(index)
        if lines is None:
            paragraph = self.paragraphs[index]
            lines = layout.wrapped[index] = lines_for(paragraph.text, max(1, width), self.direction)
            if len(lines) != layout.counts[index]:
                # Counted otherwise than wrapped: the wrap is what is shown; place the lines anew.
                layout.counts[index] = len(lines)
                layout.starts, layout.height = self._positions(layout.counts)
                self.refresh(layout=True)
                return self.line(y, width)
        return lines[y - layout.starts[index]], self.paragraphs[index].look

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self._layout(width).height

    def render_line(self, y: int) -> Strip:
        width = self.content_size.width
        base = self.rich_style
        # Blank cells carry the background only, as Textual pads a widget's own text.
        fill = Style(bgcolor=base.bgcolor)
        if not 0 <= y < self._layout(width).height:
            return Strip.blank(width, fill)
        line, look = self.line(y, width)
        if not line.plain:  # the space between paragraphs: a margin, background only
            return Strip.blank(width, fill)
        style = base + self.get_component_rich_style(look, partial=True) if look else base
        segments = list(line.render(self.app.console, end=""))
        segments = [
            Segment(text, style + seg_style if seg_style else style) for text, seg_style, _ in segments
        ]
        strip = Strip(segments).crop(0, width)
        if self.direction == "rtl":
            # Right to left reads from the right edge.
            strip = Strip([Segment(" " * max(0, width - strip.cell_length), style), *strip])
        return strip.adjust_cell_length(width, fill)
