"""What a visitor reads on the terminal: the cells of the current screen, as a terminal would show them.

The kiosk's own widgets know what they mean to show; these helpers look only at what was drawn, the
characters and colours Textual hands the terminal (the compositor's strips), so that a widget holding
the right string while the screen shows it backwards, cut or not at all is caught.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont
from rich.cells import cell_len
from textual.app import App
from textual.geometry import Region
from textual.widget import Widget

from tests.support.qr_screen import Cell, screen_cells

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/noto"))


def rows(app: App[Any]) -> list[str]:
    """The screen's text, one string per terminal row (a wide character twice, a mark with its letter)."""
    return ["".join(char for char, _fg, _bg in row) for row in screen_cells(app)]


def cell_rows(app: App[Any]) -> list[list[str]]:
    """What each cell of each row shows (a letter with its marks in one cell)."""
    return [[char for char, _fg, _bg in row] for row in screen_cells(app)]


def visible_region(app: App[Any], widget: Widget) -> tuple[Region, Region]:
    """Where ``widget`` is on the screen, and the part of it its scrolling containers let show."""
    geometry = app.screen.find_widget(widget)
    return geometry.region, geometry.region.intersection(geometry.clip)


def text_in(cells: Sequence[Sequence[str]], region: Region) -> list[str]:
    """The rows of ``region`` (screen coordinates) as they were drawn (``cells`` from :func:`cell_rows`)."""
    x, y, width, height = region
    return ["".join(row[x : x + width]) for row in cells[y : y + height]]


# -- right to left -------------------------------------------------------------------------------------


@cache
def _form(char: str) -> str:
    """ "initial", "medial", "final" or "isolated" for an Arabic presentation form; "" otherwise."""
    name = unicodedata.name(char, "")
    if not name.startswith("ARABIC "):
        return ""
    for form in ("INITIAL", "MEDIAL", "FINAL", "ISOLATED"):
        if name.endswith(f" {form} FORM"):
            return form.lower()
    return ""


@cache
def is_unshaped_letter(char: str) -> bool:
    """An Arabic-script letter drawn as it is stored, not in the joined form a reader expects."""
    if unicodedata.bidirectional(char) != "AL" or unicodedata.category(char) != "Lo" or _form(char):
        return False
    name = unicodedata.name(char, "")
    try:
        unicodedata.lookup(f"{name} ISOLATED FORM")
    except KeyError:
        return False  # a letter without presentation forms: nothing to shape
    return True


TATWEEL = "\u0640"


def _arabic_words(line: str) -> Iterable[str]:
    word = ""
    for char in line:
        joins = _form(char) or is_unshaped_letter(char) or char == TATWEEL
        if joins or (word and unicodedata.category(char) == "Mn"):
            word += char
        else:
            if word:
                yield word
            word = ""
    if word:
        yield word


@dataclass(frozen=True)
class RtlFault:
    """A word in Arabic script that a visitor would not read as written."""

    row: int
    word: str
    why: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.word!r} {self.why}"


def rtl_faults(lines: Sequence[str]) -> list[RtlFault]:
    """Every word in Arabic script that is not shaped, or not in visual order.

    In visual order a word's first letter is its rightmost glyph, so that glyph is in its initial or
    isolated form, and the leftmost (its last letter) in its final or isolated form. A word in logical
    order has them the other way round; an unshaped word has base letters.
    """
    faults: list[RtlFault] = []
    for number, line in enumerate(lines):
        for word in _arabic_words(line):
            letters = [char for char in word if unicodedata.category(char) != "Mn"]
            if any(is_unshaped_letter(char) for char in letters):
                faults.append(RtlFault(number, word, "is not shaped"))
                continue
            # A tatweel (the joining stroke, as in "الـ") lets the letter beside it join towards it.
            left_join = letters[0] == TATWEEL
            right_join = letters[-1] == TATWEEL
            letters = [char for char in letters if char != TATWEEL]
            if not letters:
                continue
            first_ok = ("initial", "isolated", "medial", "final") if right_join else ("initial", "isolated")
            last_ok = ("final", "isolated", "initial", "medial") if left_join else ("final", "isolated")
            if _form(letters[-1]) not in first_ok or _form(letters[0]) not in last_ok:
                faults.append(RtlFault(number, word, "is not in visual order"))
    return faults


# -- pictures ------------------------------------------------------------------------------------------

_CELL_W, _CELL_H = 10, 20


@cache
def _font() -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for folder in FONT_DIRS:
        path = folder / "DejaVuSansMono.ttf"
        if path.exists():
            return ImageFont.truetype(str(path), 16)
    return ImageFont.load_default()


def picture(cells: Sequence[Sequence[Cell]]) -> Image.Image:
    """The cells as a person would see them on a terminal with DejaVu Sans Mono: a picture to look at."""
    height = len(cells)
    width = max((len(row) for row in cells), default=0)
    image = Image.new("RGB", (max(1, width * _CELL_W), max(1, height * _CELL_H)), (0, 0, 0))
    draw = ImageDraw.Draw(image)
    font = _font()
    for y, row in enumerate(cells):
        x = 0
        while x < len(row):
            char, fg, bg = row[x]
            span = max(1, cell_len(char[:1]))
            box = (x * _CELL_W, y * _CELL_H, (x + span) * _CELL_W - 1, (y + 1) * _CELL_H - 1)
            draw.rectangle(box, fill=bg)
            if char == "▀":
                draw.rectangle((box[0], box[1], box[2], box[1] + _CELL_H // 2 - 1), fill=fg)
            elif char == "▄":
                draw.rectangle((box[0], box[1] + _CELL_H // 2, box[2], box[3]), fill=fg)
            elif char == "█":
                draw.rectangle(box, fill=fg)
            elif char.strip():
                draw.text((box[0], box[1] + 1), char, fill=fg, font=font)
            x += span
    return image


def save_picture(app: App[Any], path: Path) -> Path:
    """Write the current screen as a PNG (for a person to look at) and its SVG beside it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    picture(screen_cells(app)).save(path)
    app.save_screenshot(filename=path.with_suffix(".svg").name, path=str(path.parent))
    return path
