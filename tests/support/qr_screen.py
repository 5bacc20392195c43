"""Read QR codes back from what the kiosk draws: the terminal cells a Textual app rendered, or plain rows.

Each terminal cell becomes two vertical pixels (the upper and lower half of the cell), coloured from the
half-block glyph and the cell's foreground/background colours, so a code is judged as a phone camera
would see it: inverted (light-on-dark) codes are not accepted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import zxingcpp
from PIL import Image
from rich.cells import cell_len
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from rich.terminal_theme import TerminalTheme

if TYPE_CHECKING:
    from textual.app import App

# Cells with default colours are judged as on a dark terminal (light text on black), the harder case.
DARK_TERMINAL = TerminalTheme((0, 0, 0), (229, 229, 229), [(0, 0, 0)] * 8)
_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
_TOP = frozenset("▀█")
_BOTTOM = frozenset("▄█")
_PIXEL = 4  # each half-cell becomes a PIXEL x PIXEL square: the decoder likes modules of a few pixels

RGB = tuple[int, int, int]
Cell = tuple[str, RGB, RGB]  # glyph, foreground, background


def _rgb(color: Color | None, foreground: bool) -> RGB:
    if color is None:
        color = Color.default()
    triplet = color.get_truecolor(DARK_TERMINAL, foreground=foreground)
    return (triplet.red, triplet.green, triplet.blue)


def _cells(segments: Iterable[Segment]) -> list[Cell]:
    cells: list[Cell] = []
    for segment in segments:
        if segment.control:
            continue
        style = segment.style or Style()
        fg, bg = _rgb(style.color, True), _rgb(style.bgcolor, False)
        if style.reverse:
            fg, bg = bg, fg
        for char in segment.text:
            width = cell_len(char)
            if width == 0 and cells:
                # A combining mark (an Arabic vowel sign) sits in the cell of the letter before it.
                last, last_fg, last_bg = cells[-1]
                cells[-1] = (last + char, last_fg, last_bg)
                continue
            # A wide character covers two cells; neither is a half block.
            cells.extend([(char, fg, bg)] * max(width, 1))
    return cells


def screen_cells(app: App[Any]) -> list[list[Cell]]:
    """The cells of the app's current screen as the terminal would show them, row by row."""
    strips = app.screen._compositor.render_strips()
    return [_cells(strip) for strip in strips]


def screen_lines(app: App[Any]) -> list[str]:
    """The text of the app's current screen, one string per terminal row."""
    return ["".join(char for char, _fg, _bg in row) for row in screen_cells(app)]


def _luma(rgb: RGB) -> int:
    red, green, blue = rgb
    return (299 * red + 587 * green + 114 * blue) // 1000


def _pixel_rows(cells: Sequence[Sequence[Cell]]) -> list[list[int]]:
    """Two rows of grey values (0 black .. 255 white) per row of cells."""
    width = max((len(row) for row in cells), default=0)
    light: Cell = (" ", (0, 0, 0), (255, 255, 255))
    pixels: list[list[int]] = []
    for row in cells:
        padded = list(row) + [light] * (width - len(row))
        top = [_luma(fg if char in _TOP else bg) for char, fg, bg in padded]
        bottom = [_luma(fg if char in _BOTTOM else bg) for char, fg, bg in padded]
        pixels.extend([top, bottom])
    return pixels


def _decode(pixels: list[list[int]]) -> list[str]:
    if not pixels or not pixels[0]:
        return []
    height, width = len(pixels), len(pixels[0])
    image = Image.new("L", (width, height))
    image.putdata([255 if value >= 128 else 0 for row in pixels for value in row])
    image = image.resize((width * _PIXEL, height * _PIXEL), Image.Resampling.NEAREST)
    found = zxingcpp.read_barcodes(
        image,
        formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode),
        try_invert=False,
        text_mode=zxingcpp.TextMode.Plain,
    )
    return [barcode.text for barcode in found]


def decode_screen(app: App[Any]) -> list[str]:
    """Every QR code text readable on the app's current screen."""
    return _decode(_pixel_rows(screen_cells(app)))


def strip_ansi(text: str) -> str:
    """``text`` without ANSI escape sequences (colours, cursor moves)."""
    return _ANSI_ESCAPE.sub("", text)


def decode_text_rows(rows: list[str]) -> list[str]:
    """Every QR code text in plain rows (from render_rows or print_qr): half blocks are dark on light."""
    black, white = (0, 0, 0), (255, 255, 255)
    cells = [[(char, black, white) for char in strip_ansi(row)] for row in rows]
    return _decode(_pixel_rows(cells))
