"""Properties of the text pipeline on any mix of scripts: nothing lost, nothing doubled, every line fits."""

from __future__ import annotations

import unicodedata
from collections import Counter

from bidi.mirror import MIRRORED
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from kiosk.i18n.locales import Direction
from kiosk.i18n.rtl import layout
from tests.unit.test_rtl import unshape

ARABIC = "".join(chr(c) for c in range(0x0621, 0x063B)) + "".join(chr(c) for c in range(0x0641, 0x064B))
PERSIAN = "پچژگکی"
HARAKAT = "\u064b\u064e\u064f\u0650\u0651\u0652"
LATIN = "abcXYZäöüß"
DIGITS = "0123456789۰۱۲۳٠١٢"
PUNCTUATION = "()[]{}<>.,:;!?–-/+\"'«»"
OTHER = "中文👍"
INVISIBLE = "\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c\ufeff"
ALPHABET = ARABIC + PERSIAN + HARAKAT + LATIN + DIGITS + PUNCTUATION + OTHER + INVISIBLE + "  \n\t"

texts = st.text(alphabet=ALPHABET, max_size=120)
widths = st.integers(min_value=2, max_value=40)
directions = st.sampled_from(["ltr", "rtl"])
quick = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _visible(chars: str) -> Counter[str]:
    """Non-space, visible characters, with a bracket and its mirror image counted as the same."""
    counted: Counter[str] = Counter()
    for char in chars:
        if char.isspace() or unicodedata.category(char) in ("Cc", "Cf"):
            continue
        counted[min(char, MIRRORED.get(char, char))] += 1
    return counted


@quick
@given(texts, widths, directions)
def test_every_line_fits_its_width(text: str, width: int, direction: Direction) -> None:
    for line in layout(text, width, direction):
        assert cell_len(line) <= width, line


@quick
@given(texts, widths, directions)
@example("\u200dلآ", 2, "ltr")  # a stray joiner before a lam-alef ligature crashed arabic-reshaper
@example("\u200dلآء", 2, "ltr")  # ... or doubled the lam and lost the letter after the ligature
@example("ب\u200dلآء", 9, "rtl")
def test_no_text_is_lost_or_doubled(text: str, width: int, direction: Direction) -> None:
    lines = layout(text, width, direction)
    assert _visible(unshape("".join(lines))) == _visible(text)


@quick
@given(texts, widths, directions)
def test_no_invisible_character_is_printed(text: str, width: int, direction: Direction) -> None:
    for line in layout(text, width, direction):
        assert not [c for c in line if unicodedata.category(c) in ("Cc", "Cf")], line
        assert line == line.strip(" ")


@quick
@given(st.text(alphabet=ARABIC + PERSIAN + " ", max_size=80), widths)
def test_arabic_reads_right_to_left_line_after_line(text: str, width: int) -> None:
    lines = layout(text, width, "rtl")
    logical = "".join(unshape(line)[::-1] for line in lines).replace(" ", "")
    assert logical == text.replace(" ", "")


@quick
@given(st.text(alphabet=LATIN + DIGITS[:10] + ".,;:!?- \n", max_size=120), widths)
def test_left_to_right_text_keeps_its_order(text: str, width: int) -> None:
    lines = layout(text, width, "ltr")
    assert "".join(lines).replace(" ", "") == "".join(text.split())
    assert len([line for line in lines if line == ""]) >= text.strip(" ").count("\n\n")
