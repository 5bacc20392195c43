"""clean_text: nothing from outside may steer the terminal, but real writing survives intact."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.content.text import clean_text, one_line


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\x1b[2Jb", "ab"),  # clear screen
        ("\x1b[1;31mred\x1b[0m", "red"),  # SGR colour
        ("\x1b[?25lhidden cursor", "hidden cursor"),
        ("x\x1b]8;;https://evil.example\x07link\x1b]8;;\x07y", "xlinky"),  # OSC 8 hyperlink
        ("\x1b]0;window title\x1b\\after", "after"),  # OSC ended by ST
        ("\x1bPdevice control\x1b\\ok", "ok"),  # DCS
        ("\x1bc reset", " reset"),
        ("\x1b(B charset", " charset"),
        ("lone escape\x1b", "lone escape"),
        ("\x9b2J C1 CSI", "2J C1 CSI"),
    ],
)
def test_escape_sequences_are_removed_whole(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


def test_line_endings_become_newlines_and_tabs_spaces() -> None:
    assert clean_text("a\r\nb\rc\nd\te") == "a\nb\nc\nd e"
    assert clean_text("one\u2028two\u2029three") == "one\ntwo\nthree"


def test_controls_del_and_c1_are_dropped() -> None:
    assert clean_text("a\x00b\x07c\x08d\x0be\x7ff\x85g\x9fh") == "abcdefgh"


def test_bidi_overrides_isolates_and_marks_are_dropped() -> None:
    # "\u202e" would reverse what follows: a filename trick that must not work on the kiosk.
    raw = "\u202aa\u202bb\u202cc\u202dd\u202ee\u2066f\u2067g\u2068h\u2069i\u200ej\u200fk\u061cl"
    assert clean_text(raw) == "abcdefghijkl"


def test_invisible_and_invalid_code_points_are_dropped() -> None:
    assert clean_text("\ufeffzero\u200bwidth") == "zerowidth"
    assert clean_text("lone\ud800surrogate\udfff") == "lonesurrogate"
    assert clean_text("non\ufdd0char\ufffe\uffff\U0001fffe\U0010ffff") == "nonchar"


def test_persian_and_arabic_joiners_are_kept() -> None:
    persian = "می\u200cخواهم"  # ZWNJ is part of correct Persian spelling
    assert clean_text(persian) == persian
    assert clean_text("a\u200db") == "a\u200db"
    arabic = "مرحبًا بكم في مدينة أوجسبورج"
    assert clean_text(arabic) == arabic


def test_markup_like_text_stays_literal() -> None:
    assert clean_text("[bold red]x[/] <b>y</b>") == "[bold red]x[/] <b>y</b>"


def test_one_line_folds_all_whitespace() -> None:
    assert one_line("  Beratung\r\n\r\nzur\tGesundheit \u2028 ") == "Beratung zur Gesundheit"
    assert one_line("\x1b[2J") == ""


@given(st.text())
def test_no_unsafe_character_ever_survives(raw: str) -> None:
    cleaned = clean_text(raw)
    for char in cleaned:
        category = unicodedata.category(char)
        assert char == "\n" or category not in ("Cc", "Cs"), repr(char)
        assert char not in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
    assert clean_text(cleaned) == cleaned
