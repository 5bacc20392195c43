"""Make untrusted text inert for a terminal: no control, escape or bidi-override characters survive.

Everything that comes from outside (API JSON, the snapshot, HTML) passes through ``clean_text``
before it can reach the screen. Zero-width (non-)joiners stay: Persian and Arabic spelling needs them.
"""

from __future__ import annotations

import re

# Terminal escape sequences are removed whole, so no parameter bytes are left behind as text:
# CSI (ESC [ ... final), string commands OSC/DCS/SOS/PM/APC (up to BEL or ESC \ or line end),
# and the short two-or-three-byte escapes (ESC 7, ESC ( B, ...). A lone ESC goes too.
_ESCAPE = re.compile(
    r"\x1b\[[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
    r"|\x1b[\]PX^_][^\x07\x1b\n]*(?:\x07|\x1b\\)?"
    r"|\x1b[\x20-\x2f]*[\x30-\x7e]?"
)

# C0 (but tab, newline, carriage return, which are mapped first), DEL, C1; zero-width space, word
# joiner, invisible operators, Mongolian vowel separator and BOM; Hangul fillers and interlinear
# annotation marks (invisible, yet terminals and Rich disagree on their width, which shifts a row);
# bidi marks, embeddings, overrides, isolates and the deprecated format characters; lone
# surrogates; noncharacters of the first plane.
_REMOVE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
    "\u061c\u115f\u1160\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"
    "\u3164\uffa0\ufff9-\ufffb\ufeff"
    "\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
)
# Noncharacters of the other planes. A class listing them is ten times slower to search than one
# range, so the range decides first whether the precise pattern is needed at all.
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_ASTRAL_NONCHARACTERS = re.compile(
    "[" + "".join(chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(1, 17)) + "]"
)

_MAPPED = re.compile("[\r\t\u2028\u2029]")
_WHITESPACE = re.compile(r"\s+")


def clean_text(s: str) -> str:
    """Return ``s`` without anything a terminal would interpret; newlines stay, tabs become spaces."""
    if "\x1b" in s:
        s = _ESCAPE.sub("", s)
    if _MAPPED.search(s):
        # str.replace beats str.translate many times over on non-ASCII text
        s = s.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
        s = s.replace("\u2028", "\n").replace("\u2029", "\n")
    s = _REMOVE.sub("", s)
    if _ASTRAL.search(s):
        s = _ASTRAL_NONCHARACTERS.sub("", s)
    return s


def one_line(s: str) -> str:
    """``clean_text`` folded onto one line: every run of whitespace becomes one space, ends trimmed."""
    return _WHITESPACE.sub(" ", clean_text(s)).strip()


#: How much of an excerpt a tile shows.
EXCERPT_CHARS = 110


def short(text: str, limit: int = EXCERPT_CHARS) -> str:
    """``text`` on one line, cut at ``limit`` characters with "…"."""
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
