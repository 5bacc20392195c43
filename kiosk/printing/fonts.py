"""The font a slip is drawn in: monospaced, with Arabic, Persian and Cyrillic letters (DejaVu Sans Mono).

Monospaced so that a slip line is a line of terminal cells: the right-to-left pipeline that wraps and
orders text for the screen does the same for paper, and what the visitor read is what they take home.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Pillow is imported when a slip is drawn
    from PIL import ImageFont

#: Where Debian's fonts-dejavu-core puts them, and where other systems commonly do.
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
    Path("/usr/local/share/fonts"),
)
REGULAR = "DejaVuSansMono.ttf"
BOLD = "DejaVuSansMono-Bold.ttf"
#: Pixels per em: 13 dots per cell, 2.7 mm high letters on a 203 dpi printer; 28 cells on 58 mm paper.
SIZE = 22


class FontMissing(Exception):
    """The slip font is not installed; the message says which package brings it."""


@dataclass(frozen=True)
class SlipFonts:
    """The regular and bold face at the slip's size, and the width of one cell in dots."""

    regular: ImageFont.FreeTypeFont
    bold: ImageFont.FreeTypeFont
    cell: int
    line_height: int


def find_font(name: str, dirs: tuple[Path, ...] = FONT_DIRS) -> Path:
    """The path of font file ``name``; :class:`FontMissing` naming the package if it is nowhere."""
    for directory in dirs:
        candidate = directory / name
        if candidate.is_file():
            return candidate
    searched = ", ".join(str(d) for d in dirs)
    raise FontMissing(
        f"font {name} not found (looked in {searched}); install it with: apt-get install fonts-dejavu-core"
    )


def load_fonts(dirs: tuple[Path, ...] = FONT_DIRS, size: int = SIZE) -> SlipFonts:
    """Both faces, ready to draw; :class:`FontMissing` if either is not installed or not readable."""
    from PIL import ImageFont

    faces = []
    for name in (REGULAR, BOLD):
        path = find_font(name, dirs)
        try:
            faces.append(ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC))
        except OSError as exc:
            raise FontMissing(f"font {path} cannot be read ({exc}); reinstall fonts-dejavu-core") from None
    regular, bold = faces
    cell = round(regular.getlength("M"))
    ascent, descent = regular.getmetrics()
    return SlipFonts(regular, bold, cell, ascent + descent + 4)
