"""Prose: the one widget through which every piece of visible text passes.

It wraps to its width in logical order, then (for right-to-left languages) shapes and reorders each
line, and aligns it to the reading-start side. Text is always plain: never parsed as markup.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import TypeVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.geometry import Size
from textual.reactive import reactive
from textual.widget import Widget

from kiosk.content.models import Direction
from kiosk.i18n.rtl import ZWJ, ZWNJ, layout, shaped, visual_line

_W = TypeVar("_W", bound=Widget)


#: The blocks that hold every right-to-left letter (bidi class R or AL), and the right-to-left mark.
#: Left-to-right text (Latin with „quotes“, Cyrillic) has no character in them: one C-speed search.
_RTL_BLOCKS = re.compile("[\u0590-\u08ff\u200f\ufb1d-\ufeff\U00010800-\U00010fff\U0001e800-\U0001efff]")


def has_rtl_letters(text: str) -> bool:
    """True if ``text`` holds any right-to-left letter (Arabic, Hebrew, ...).

    Only characters from the right-to-left blocks are looked up one by one: every block of every
    page passes through here when a page is wrapped, and a loop over all characters was half the cost.
    """
    return any(
        unicodedata.bidirectional(match.group()) in ("R", "AL") for match in _RTL_BLOCKS.finditer(text)
    )


def lines_for(text: str | Text, width: int, direction: Direction) -> list[Text]:
    """Wrapped display lines for ``text`` at ``width`` cells, in visual order.

    In a right-to-left session a text with no right-to-left letters (an untranslated message, a
    German page) keeps its own left-to-right order; it is still aligned to the right.
    """
    width = max(1, width)
    plain = text.plain if isinstance(text, Text) else text
    if has_rtl_letters(plain):
        # Shaped and put into visual order, in either direction (an Arabic name in a German list
        # too). Inline styles cannot survive the reordering: a style over the whole text does.
        style = _whole_style(text) if isinstance(text, Text) else ""
        return [Text(line, style=style) for line in layout(plain, width, direction)]
    rich_text = text if isinstance(text, Text) else Text(text)
    if rich_text.spans:
        # Keep inline styles (bold, links) for left-to-right text: wrap the styled Text itself.
        from rich.console import Console

        console = Console(width=width, legacy_windows=False)
        return list(rich_text.wrap(console, width, overflow="fold"))
    return [Text(line, style=rich_text.style) for line in layout(rich_text.plain, width, "ltr")]


def line_count(text: str | Text, width: int, direction: Direction) -> int:
    """How many lines :func:`lines_for` gives ``text`` at ``width``, mostly without wrapping it.

    A page's height needs every block's line count, but only the blocks in view need their lines:
    counting words on cell widths is many times cheaper than wrapping (and shaping and reordering),
    and the words are measured once for every width. Where counting could differ from the wrap (a
    telephone number or a quoted name kept whole, a word longer than the line, a character that
    wrapping cleans away) the text is wrapped after all.
    """
    width = max(1, width)
    plain = text.plain if isinstance(text, Text) else text
    spans = isinstance(text, Text) and bool(text.spans)
    # Rich leaves a text that says no_wrap unwrapped: rare enough to be wrapped to be counted.
    wraps = not (isinstance(text, Text) and text.no_wrap)
    measured = _measured(plain, spans) if plain and wraps else None
    if measured is None:
        return len(lines_for(text, width, direction))
    styled, lines = measured
    count = 0
    for words in lines:
        found = _styled_lines(words, width) if styled else _plain_lines(words, width)
        if found is None:
            return len(lines_for(text, width, direction))
        count += found
    return count


#: Styled (wrapped by Rich) or not, and the widths of the words of each line.
_Measured = tuple[bool, tuple[tuple[int, ...], ...]]


@lru_cache(maxsize=2048)
def _measured(plain: str, spans: bool) -> _Measured | None:
    """The words of each line of ``plain`` with their widths, as the wrap that lines_for picks sees
    them (None: counting could differ from that wrap).

    Styled left-to-right text is wrapped by Rich: for each of its words the width without, then with
    the spaces after it. Everything else by the right-to-left pipeline: each word's width as drawn.
    """
    if not has_rtl_letters(plain) and spans:
        if "\t" in plain:
            return None
        return True, tuple(
            tuple(
                cells
                for word in _RICH_WORD.findall(line)
                for cells in (cell_len(word.rstrip()), cell_len(word))
            )
            for line in plain.split("\n")
        )
    paragraphs: list[tuple[int, ...]] = []
    for paragraph in plain.split("\n"):
        if not _plain_paragraph(paragraph) or _KEPT_SPACE.search(paragraph):
            return None
        if _RTL_BLOCKS.search(paragraph) is None:
            if ZWNJ in paragraph or ZWJ in paragraph:
                paragraph = paragraph.replace(ZWNJ, "").replace(ZWJ, "")
            paragraphs.append(tuple(cell_len(word) for word in paragraph.split(" ") if word))
            continue
        if _QUOTES.search(paragraph):
            return None
        cells = (_word_cells(word) for word in paragraph.split(" "))
        paragraphs.append(tuple(cell for cell in cells if cell >= 0))
    return False, tuple(paragraphs)


#: A word as Rich's wrap sees it: the spaces before the first, and those after each.
_RICH_WORD = re.compile(r"\s*\S+\s*")
#: Spaces that wrapping may not break at: inside a telephone number ("0231 50 11 148").
_KEPT_SPACE = re.compile(r"\d\)? \d")
_QUOTES = re.compile("[«»‹›]")


def _styled_lines(words: tuple[int, ...], width: int) -> int | None:
    """Lines of one line of text as Rich's ``divide_line`` breaks it; None where it would fold a word."""
    lines, used = 1, 0
    for index, (cells, with_space) in enumerate(zip(words[::2], words[1::2], strict=True)):
        if width - used >= cells:
            used += with_space
        elif cells > width:
            return None
        elif used and index:
            lines += 1
            used = with_space
    return lines


def _plain_lines(words: tuple[int, ...], width: int) -> int | None:
    """Lines of one paragraph as the right-to-left pipeline wraps it; None where it cuts a word."""
    lines = 0
    used = -1  # cells used on the current line; -1: no line begun
    for cells in words:
        if cells > width:
            return None
        if used >= 0 and used + 1 + cells <= width:
            used += 1 + cells
        else:
            lines += 1
            used = cells
    return max(1, lines)


def _plain_paragraph(paragraph: str) -> bool:
    """Nothing in it that wrapping cleans away or measures in context (tabs, controls, emoji joins)."""
    if "\ufe0f" in paragraph:
        return False
    return paragraph.isprintable() or paragraph.replace(ZWNJ, "").replace(ZWJ, "").isprintable()


def _word_cells(word: str) -> int:
    """A word's width in cells as drawn: shaped if it has right-to-left letters, joiners gone
    (-1: nothing left of it, as wrapping sees it)."""
    if _RTL_BLOCKS.search(word):
        return _shaped_cells(word)
    if ZWNJ in word or ZWJ in word:
        word = word.replace(ZWNJ, "").replace(ZWJ, "")
    return cell_len(word) if word else -1


@lru_cache(maxsize=8192)
def _shaped_cells(word: str) -> int:
    # Arabic letters join only with letters of the same word (a space never joins), so a word is
    # shaped alone as it is in its sentence.
    return cell_len(shaped(word))


def _whole_style(text: Text) -> Style | str:
    """The style ``text`` has all over: its base style, and the spans' style if they share one and
    together cover the text (a tile's number and title, both bold)."""
    styles = {str(span.style) for span in text.spans}
    covered = sorted((span.start, span.end) for span in text.spans)
    reach = 0
    for start, end in covered:
        if start > reach:
            break
        reach = max(reach, end)
    if len(styles) != 1 or reach < len(text.plain):
        return text.style
    base = Style.parse(text.style) if isinstance(text.style, str) else text.style
    shared = text.spans[0].style
    return base + (Style.parse(shared) if isinstance(shared, str) else shared)


class Prose(Widget):
    """Plain text, wrapped and ordered for the visitor's language."""

    DEFAULT_CSS = """
    Prose { height: auto; width: 1fr; }
    """

    text: reactive[str | Text] = reactive("", layout=True)

    def __init__(
        self,
        text: str | Text = "",
        *,
        direction: Direction | None = None,
        max_lines: int | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._direction = direction
        #: At most this many lines; a longer text ends with "…" on the last (for a fixed-height title).
        self.max_lines = max_lines
        self.set_reactive(Prose.text, text)
        # Layout asks for the height several times per frame at the same width: wrap once.
        self._wrapped: tuple[object, int, Direction, list[Text]] | None = None

    @property
    def direction(self) -> Direction:
        if self._direction is not None:
            return self._direction
        return getattr(self.app, "direction", "ltr")

    @property
    def direction_override(self) -> Direction | None:
        """The direction this text has whatever the visitor's language (None: the visitor's)."""
        return self._direction

    @direction_override.setter
    def direction_override(self, direction: Direction | None) -> None:
        self._direction = direction
        self._wrapped = None

    def _lines(self, width: int) -> list[Text]:
        text, direction = self.text, self.direction
        cached = self._wrapped
        if cached is not None and cached[0] is text and cached[1] == width and cached[2] == direction:
            return cached[3]
        lines = lines_for(text, width, direction)
        if self.max_lines is not None and len(lines) > self.max_lines:
            lines = lines[: self.max_lines]
            last = lines[-1].copy()
            last.truncate(max(1, width - 1))
            # The cut is at the end of the reading: the left edge of a right-to-left line.
            lines[-1] = Text("…") + last if direction == "rtl" else last + Text("…")
        self._wrapped = (text, width, direction, lines)
        return lines

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(1, len(self._lines(width)))

    def get_content_width(self, container: Size, viewport: Size) -> int:
        plain = self.text.plain if isinstance(self.text, Text) else self.text
        from rich.cells import cell_len

        return max((cell_len(line) for line in plain.splitlines()), default=1)

    def render(self) -> RenderResult:
        width = self.content_size.width or self.size.width
        return stacked(self, [(line, None) for line in self._lines(width)], width, self.direction)


def stacked(
    widget: Widget, lines: Sequence[tuple[Text, Style | None]], width: int, direction: Direction
) -> Text:
    """Display lines as one renderable, each under its own base style (None: the widget's).

    Textual applies text-align itself; right-to-left text is padded here so that it reads from the
    right edge even where the stylesheet says nothing.
    """
    pad_right = direction == "rtl" and str(widget.styles.text_align) in ("left", "start")
    out = Text(no_wrap=True, overflow="crop", end="")
    for index, (line, style) in enumerate(lines):
        if index:
            out.append("\n")
        if pad_right:
            out.append(" " * max(0, width - line.cell_len), style=style)
        if style is not None:
            line = line.copy()
            line.stylize_before(style)
        out.append_text(line)
    return out


def visual(text: str, direction: Direction | None = None) -> Text:
    """A one-line label in display order for the current language, as plain (never markup) Text."""
    if direction is None:
        from kiosk.i18n import current_language
        from kiosk.i18n.locales import direction as language_direction

        direction = language_direction(current_language())
    if direction == "rtl" and not has_rtl_letters(text):
        direction = "ltr"
    return Text(visual_line(text, direction))


def spoken_as(widget: _W, text: str) -> _W:
    """Remember what ``widget`` says in speech mode: its words in reading order (a label is drawn in
    display order, which in Arabic or Farsi is not what a voice can read)."""
    widget.spoken_text = text  # type: ignore[attr-defined]
    return widget


def spoken_text(widget: Widget) -> str:
    """What :func:`spoken_as` gave ``widget``, else "" (nothing safe to say)."""
    text = getattr(widget, "spoken_text", "")
    return text if isinstance(text, str) else ""
