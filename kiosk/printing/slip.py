"""A take-home slip as an image: the item in the visitor's language and in German, the office, the date
and the item's QR code, black on white at the printer's width.

ESC/POS code pages have no Arabic letters, so the whole slip is a picture. Text goes through the
kiosk's right-to-left pipeline (:func:`kiosk.i18n.rtl.layout`: wrapped, shaped, in visual order)
and is drawn cell by cell in a monospaced font, exactly as the screen shows it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rich.cells import cell_len

from kiosk.content.models import Direction
from kiosk.i18n.rtl import layout
from kiosk.printing.fonts import SlipFonts, load_fonts
from kiosk.qr import qr_matrix

if TYPE_CHECKING:  # Pillow is imported when a slip is drawn: the first frame does not need it
    from PIL import Image, ImageDraw

MARGIN = 8  # dots left and right; printers do not print to the very edge
GAP = 12  # dots between blocks
MODULE_MAX = 8  # dots per QR module: larger does not scan better, only wastes paper
MODULE_MIN = 5  # 0.6 mm at 203 dpi: smaller modules a phone camera reads badly off thermal paper


@dataclass(frozen=True, slots=True)
class SlipBlock:
    """Lines of one language: the first in bold when ``heading``; each string wraps on its own."""

    lines: tuple[str, ...]
    direction: Direction = "ltr"
    heading: bool = True


@dataclass(frozen=True, slots=True)
class Slip:
    """What a slip says, top to bottom; a rule is drawn between blocks, the code after ``code_after``."""

    blocks: tuple[SlipBlock, ...]
    code: str = ""
    code_caption: SlipBlock | None = None
    code_after: int = 0
    footer: tuple[SlipBlock, ...] = field(default=())


def columns(width: int, fonts: SlipFonts) -> int:
    """How many cells of text fit across a slip ``width`` dots wide."""
    return max(1, (width - 2 * MARGIN) // fonts.cell)


def draw_cells(
    draw: ImageDraw.ImageDraw, line: str, x: int, y: int, fonts: SlipFonts, *, bold: bool = False
) -> None:
    """Draw ``line`` (in visual order) one character per terminal cell from ``x``, as a terminal would."""
    font = fonts.bold if bold else fonts.regular
    cell = 0
    for char in line:
        width = cell_len(char)
        # A combining mark sits on the letter before it, in that letter's cell.
        at = x + (cell if width else max(0, cell - 1)) * fonts.cell
        draw.text((at, y), char, font=font, fill=0)
        cell += width


def line_image(
    line: str, width: int, direction: Direction, fonts: SlipFonts, *, bold: bool = False
) -> Image.Image:
    """One visual line as a strip of the slip: right-aligned for right-to-left text."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (width, fonts.line_height), 255)
    draw = ImageDraw.Draw(image)
    cells = cell_len(line)
    x = width - MARGIN - cells * fonts.cell if direction == "rtl" else MARGIN
    draw_cells(draw, line, x, 0, fonts, bold=bold)
    return image


def block_lines(block: SlipBlock, cols: int) -> list[tuple[str, bool]]:
    """The visual lines of ``block`` at ``cols`` cells, each with whether it is bold."""
    lines: list[tuple[str, bool]] = []
    for index, text in enumerate(block.lines):
        for line in layout(text, cols, block.direction) or [""]:
            lines.append((line, block.heading and index == 0))
    return lines


def slip_modules(width: int) -> int:
    """How many QR modules wide a slip's code may be, so that each is at least 5 dots."""
    return (width - 2 * MARGIN) // MODULE_MIN


def code_image(data: str, width: int) -> Image.Image:
    """The QR code for ``data`` (quiet zone included), as large as fits ``width``, at most 8 dots a module."""
    from PIL import Image, ImageDraw

    matrix = qr_matrix(data)
    module = max(1, min(MODULE_MAX, (width - 2 * MARGIN) // len(matrix)))
    side = module * len(matrix)
    image = Image.new("L", (side, side), 255)
    draw = ImageDraw.Draw(image)
    for row, modules in enumerate(matrix):
        for col, dark in enumerate(modules):
            if dark:
                draw.rectangle(
                    (col * module, row * module, (col + 1) * module - 1, (row + 1) * module - 1), fill=0
                )
    return image


def render_slip(slip: Slip, width: int, fonts: SlipFonts | None = None) -> Image.Image:
    """The slip as a 1-bit image ``width`` dots wide (384 or 576), ready for ESC/POS raster printing."""
    from PIL import Image, ImageDraw

    fonts = fonts or load_fonts()
    cols = columns(width, fonts)
    parts: list[Image.Image] = []

    def add_block(block: SlipBlock) -> None:
        for line, bold in block_lines(block, cols):
            parts.append(line_image(line, width, block.direction, fonts, bold=bold))

    def add_rule() -> None:
        rule = Image.new("L", (width, GAP * 2), 255)
        ImageDraw.Draw(rule).line((MARGIN, GAP, width - MARGIN, GAP), fill=0, width=2)
        parts.append(rule)

    for index, block in enumerate(slip.blocks):
        if index:
            add_rule()
        add_block(block)
        if slip.code and index + 1 == slip.code_after:
            parts.append(Image.new("L", (width, GAP), 255))
            code = code_image(slip.code, width)
            row = Image.new("L", (width, code.height), 255)
            row.paste(code, ((width - code.width) // 2, 0))
            parts.append(row)
            if slip.code_caption is not None:
                add_block(slip.code_caption)
    for block in slip.footer:
        add_rule()
        add_block(block)
    parts.append(Image.new("L", (width, GAP * 4), 255))  # room above the cutter
    height = sum(part.height for part in parts)
    slip_image = Image.new("L", (width, height), 255)
    y = 0
    for part in parts:
        slip_image.paste(part, (0, y))
        y += part.height
    return ink(slip_image)


def ink(image: Image.Image) -> Image.Image:
    """``image`` as the printer prints it: each dot black or white, grey from anti-aliasing cut at half."""
    return image.point(lambda value: 0 if value < 128 else 255).convert("1")


def all_text(slip: Slip) -> Sequence[str]:
    """Every text on the slip, logical order, for logs and tests that read what it says."""
    blocks = [*slip.blocks, *([slip.code_caption] if slip.code_caption else []), *slip.footer]
    return [line for block in blocks for line in block.lines]
