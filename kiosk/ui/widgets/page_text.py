"""PageText: a whole topic page's text as one widget that draws only the lines in view.

A page of 340 blocks as 340 widgets costs 340 style matches, layouts and renders on every open and
every language switch. Here the blocks are wrapped (and, right to left, shaped and reordered) once
per width into lines, and ``render_line`` hands Textual only the lines its scrolling container shows.
It looks exactly as the stack of text blocks it replaces: the same spacing between blocks (the larger
of the two margins, as Textual collapses them), headings and notices in their colours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

from kiosk.content.models import Direction
from kiosk.ui.widgets.text import lines_for


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One block of the page: its text, its look (a component class or ""), blank lines around it."""

    text: Text
    look: str = ""
    above: int = 0
    below: int = 1


#: How many widths a page keeps its display lines for (a resize brings new ones; old ones go).
_WIDTHS_KEPT = 4


class PageText(Widget):
    """Paragraphs, wrapped once per width; only the lines in view are drawn."""

    COMPONENT_CLASSES = {"page-text--heading", "page-text--notice"}
    DEFAULT_CSS = """
    PageText { height: auto; width: 1fr; }
    PageText > .page-text--heading { color: $accent; }
    PageText > .page-text--notice { color: $warning; }
    """

    def __init__(self, paragraphs: Sequence[Paragraph], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.paragraphs = list(paragraphs)
        #: Display lines by (width, direction): layout asks for two widths in one pass (with and
        #: without a scrollbar), and a long page must not be wrapped again for each of them.
        self._lines: dict[tuple[int, Direction], list[tuple[Text, str]]] = {}
        if self.paragraphs:
            # The space after the last paragraph is a margin, so it collapses with what follows.
            self.styles.margin = (self.paragraphs[0].above, 0, self.paragraphs[-1].below, 0)

    @property
    def direction(self) -> Direction:
        return getattr(self.app, "direction", "ltr")

    def lines(self, width: int) -> list[tuple[Text, str]]:
        """Every display line at ``width`` with its look; blank lines between paragraphs included."""
        width = max(1, width)
        direction = self.direction
        cached = self._lines.get((width, direction))
        if cached is not None:
            return cached
        lines: list[tuple[Text, str]] = []
        gap = 0
        for index, paragraph in enumerate(self.paragraphs):
            # Margins collapse as between widgets: the larger of below and above. The first
            # paragraph's space above and the last one's below are the widget's own margins.
            blank = max(gap, paragraph.above) if index else 0
            lines += [(Text(), "")] * blank
            lines += [(line, paragraph.look) for line in lines_for(paragraph.text, width, direction)]
            gap = paragraph.below
        if len(self._lines) >= _WIDTHS_KEPT:
            self._lines.clear()
        self._lines[(width, direction)] = lines
        return lines

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width))

    def render_line(self, y: int) -> Strip:
        width = self.content_size.width
        lines = self.lines(width)
        base = self.rich_style
        # Blank cells carry the background only, as Textual pads a widget's own text.
        fill = Style(bgcolor=base.bgcolor)
        if not 0 <= y < len(lines):
            return Strip.blank(width, fill)
        line, look = lines[y]
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
