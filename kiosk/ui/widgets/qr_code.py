"""A QR code drawn with half blocks, as large as its space allows, always black on white.

The widget draws whatever text it is given: deciding which links may become a code is the job of
:class:`kiosk.qr.LinkPolicy`, before the widget is made. Given a definite size (``width: 1fr; height:
1fr``) it fills it; with ``auto`` size it is the code at scale 1, never wider than its container.
"""

from __future__ import annotations

import unicodedata

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

from kiosk.content.models import Direction
from kiosk.i18n import _
from kiosk.qr import best_scale, qr_matrix, render_rows, rows_needed
from kiosk.ui.widgets.text import lines_for

# Fixed colours, not theme colours: phone cameras read dark modules on a light ground, whatever the theme.
CODE_STYLE = Style(color=Color.from_rgb(0, 0, 0), bgcolor=Color.from_rgb(255, 255, 255))
_LABEL_STYLE = Style(bold=True)
_FALLBACK_WIDTH = 40
_ANY_HEIGHT = 10_000
_ANY_WIDTH = 10_000
_MAX_TEXT_LINES = 3  # the fallback names the link; a visitor will not copy a whole paragraph of URL


def _enlarge_hint() -> str:
    return _("Make the window larger to show the QR code.")


def _printable(text: str) -> str:
    """``text`` with control, format and line-break characters shown as plain spaces."""
    return "".join(" " if unicodedata.category(char)[0] in "CZ" else char for char in text)


class QRCode(Widget):
    """A QR code for ``data`` with an optional one-line ``label`` below it.

    The code is drawn at the largest whole scale that fits the content region. When not even scale 1
    fits, the widget shows ``fallback`` (by default the text itself) and ``hint`` (by default: enlarge
    the window) instead: never a cropped, unreadable code.
    """

    DEFAULT_CSS = """
    QRCode {
        width: auto;
        height: auto;
        max-width: 100%;
        max-height: 100%;
    }
    """

    def __init__(
        self,
        data: str,
        label: str = "",
        *,
        fallback: str | None = None,
        hint: str | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._data = data
        self._label = _printable(label).strip()
        # A vCard or calendar text is no help to read: the caller names what it holds instead.
        self._fallback = _printable(data if fallback is None else fallback)
        self._hint = hint
        try:
            self._matrix = qr_matrix(data)
        except ValueError:  # too long for any QR code: the text fallback is all we can offer
            self._matrix = ()
        self._strips: list[Strip] = []
        self._strips_key: tuple[object, ...] | None = None

    @property
    def data(self) -> str:
        """The text the code encodes."""
        return self._data

    @property
    def caption(self) -> str:
        """The words under the code (what it is for)."""
        return self._label

    @property
    def matrix_size(self) -> int:
        """Modules per side, quiet zone included (0 if the data does not fit into a QR code)."""
        return len(self._matrix)

    @property
    def scale(self) -> int:
        """Cells per module at the current size; 0 while the text fallback is shown."""
        return self._layout(self.content_size)[0]

    def _layout(self, size: Size) -> tuple[int, bool]:
        """The scale that fits ``size`` and whether the label fits below the code too."""
        width, height = size
        if self._label:
            scale = best_scale(self.matrix_size, width, height - 1)
            if scale:
                return scale, True
        return best_scale(self.matrix_size, width, height), False

    def get_content_width(self, container: Size, viewport: Size) -> int:
        wanted = self.matrix_size or _FALLBACK_WIDTH
        # An auto-sized code wider than its container would be cropped: take the container's width,
        # where the text fallback shows instead.
        return min(wanted, container.width) if container.width > 0 else wanted

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if self.matrix_size and width >= self.matrix_size:
            return rows_needed(self.matrix_size, 1) + (1 if self._label else 0)
        return len(self._fallback_lines(width, _ANY_HEIGHT, self.rich_style))

    def _hint_text(self) -> str:
        return self._hint if self._hint is not None else _enlarge_hint()

    @property
    def _direction(self) -> Direction:
        return getattr(self.app, "direction", "ltr")

    def render_line(self, y: int) -> Strip:
        size = self.content_size
        style = self.rich_style
        key = (size, style, self._hint_text(), self._direction)
        if key != self._strips_key:
            self._strips = self._render_strips(size, style)
            self._strips_key = key
        if 0 <= y < len(self._strips):
            return self._strips[y]
        return Strip.blank(size.width, style)

    def _render_strips(self, size: Size, style: Style) -> list[Strip]:
        width, height = size
        scale, with_label = self._layout(size)
        if scale:
            code_rows = render_rows(self._matrix, scale)
            code_width = self.matrix_size * scale
            left = (width - code_width) // 2
            lines = [
                Strip(
                    [
                        Segment(" " * left, style),
                        Segment(row, CODE_STYLE),
                        Segment(" " * (width - left - code_width), style),
                    ],
                    width,
                )
                for row in code_rows
            ]
            if with_label:
                label = lines_for(self._label, _ANY_WIDTH, self._direction)[0]
                label.style = style + _LABEL_STYLE
                label.truncate(width, overflow="ellipsis", pad=False)
                lines.append(self._text_strip(label, width, style, center=True))
        else:
            lines = [
                self._text_strip(line, width, style) for line in self._fallback_lines(width, height, style)
            ]
        top = max(0, (height - len(lines)) // 2)
        blank = Strip.blank(width, style)
        return [blank] * top + lines + [blank] * (height - top - len(lines))

    def _fallback_lines(self, width: int, height: int, style: Style) -> list[Text]:
        """The fallback text (cut with "…" when it is too long) and the hint to enlarge the window."""
        if width < 1 or height < 1:
            return []
        console = self.app.console
        hint_lines = lines_for(self._hint_text(), width, self._direction)
        for line in hint_lines:
            line.style = style
        data_lines = (
            list(Text(self._fallback, style=style).wrap(console, width, overflow="fold"))
            if self._fallback.strip()
            else []
        )
        room = max(1, min(_MAX_TEXT_LINES, height - len(hint_lines)))
        if len(data_lines) > room:
            data_lines = data_lines[:room]
            last = data_lines[-1]
            last.append("…")
            last.truncate(width, overflow="ellipsis")
        return (data_lines + hint_lines)[:height]

    def _text_strip(self, text: Text, width: int, style: Style, center: bool = False) -> Strip:
        console = self.app.console
        segments = list(text.render(console))
        strip = Strip(segments).crop(0, width)
        left = (width - strip.cell_length) // 2 if center else 0
        if left:
            strip = Strip([Segment(" " * left, style), *strip])
        return strip.adjust_cell_length(width, style)
