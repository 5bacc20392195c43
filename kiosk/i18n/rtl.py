"""The one text pipeline for right-to-left text in a terminal that does no bidi itself.

Text is wrapped in logical order (terminal cells, word boundaries), then each line is shaped
(Arabic letters joined, arabic-reshaper) and put into visual order (Unicode bidi levels from
python-bidi, reordered here with mirrored brackets and marks kept on their letters). The caller
only aligns: right for "rtl", left for "ltr". No invisible control character survives.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from arabic_reshaper import ArabicReshaper
from bidi import get_display
from bidi.mirror import MIRRORED
from rich.cells import cell_len

from kiosk.i18n.locales import Direction

_RESHAPER = ArabicReshaper(
    configuration={
        "language": "Arabic",  # covers the Persian letters too (پ چ ژ گ ک ی)
        "delete_harakat": False,  # vowel marks change meaning; terminals draw them on the letter
        "support_zwj": True,
        "shift_harakat_position": False,  # marks are kept after their letter by the reordering below
        "use_unshaped_instead_of_isolated": False,
        "support_ligatures": True,
        # ﷲ is drawn far wider than the one cell a terminal gives it.
        "ARABIC LIGATURE ALLAH": False,
    }
)

LRI, PDI = "\u2066", "\u2069"
ZWNJ, ZWJ = "\u200c", "\u200d"
#: The letter that forms the lam-alef ligature with a following alef.
LAM = "\u0644"
#: Characters that steer the bidi algorithm; they are used, then removed from the output.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

_NEWLINES = re.compile(r"\r\n|[\r\u2028\u2029\x85\x0b\x0c\x1c-\x1e]")
# Letters of scripts written right to left, and the controls that make text right to left.
_RTL_CLASS = (
    "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\u200f\u202b\u202e\u2067\u061c"
    "\U00010800-\U00010fff\U0001e800-\U0001efff"
)
_RTL_CHARS = re.compile(f"[{_RTL_CLASS}]")
# A stretch without right-to-left letters: where a Latin name in guillemets may sit.
_NON_RTL_RUN = re.compile(f"[^{_RTL_CLASS}\n]+")
_GUILLEMETS = "«»‹›"
# A telephone number with groups ("0231 50 11 148", "+49 231 123-45") reads left to right as one
# unit; the bidi algorithm alone would show its groups in reverse order inside Arabic text.
_PHONE = re.compile(r"(?<![\w+])\+?\(?\d+\)?(?:[ /-]\d+)+(?!\w)")
_URL = re.compile(r"(?:https?://|www\.)[^\s]+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?\"'»”’)]"


def _keep(char: str) -> bool:
    category = unicodedata.category(char)
    if category in ("Cc", "Cs"):
        return char == "\n"
    if category == "Cf":
        return char in BIDI_CONTROLS or char in (ZWNJ, ZWJ)
    return True


def _clean(text: str) -> str:
    """Normalise line breaks, turn tabs into spaces, drop control and invisible format characters."""
    text = _NEWLINES.sub("\n", text).replace("\t", " ")
    return "".join(char for char in text if _keep(char))


def _quoted_latin_spans(text: str) -> Iterator[tuple[int, int]]:
    """Latin text around guillemets, as in «lokal willkommen» Westerfilde inside a Farsi sentence.

    Guillemets are not bracket pairs for the bidi algorithm: at the start of a right-to-left line the
    opening one takes the line's direction and is drawn mirrored at its far end, so the name reads
    "lokal willkommen» Westerfilde»". Shown as one left-to-right unit, it reads as it was written.
    """
    for match in _NON_RTL_RUN.finditer(text):
        run = match.group()
        if not any(mark in run for mark in _GUILLEMETS):
            continue
        latin = [i for i, char in enumerate(run) if unicodedata.bidirectional(char) == "L"]
        if latin:
            ends = [i for i, char in enumerate(run) if char in _GUILLEMETS] + latin
            yield match.start() + min(ends), match.start() + max(ends) + 1


def _protected_spans(text: str) -> Iterator[tuple[int, int]]:
    """Telephone numbers, URLs and quoted Latin names: never broken at their spaces, always shown
    left to right."""
    if _RTL_CHARS.search(text):
        yield from _quoted_latin_spans(text)
    for match in _PHONE.finditer(text):
        if sum(char.isdigit() for char in match.group()) >= 6:
            yield match.span()
    for match in _URL.finditer(text):
        start, end = match.span()
        while end > start and text[end - 1] in _URL_TRAILING:
            if text[end - 1] == ")" and text.count("(", start, end) >= text.count(")", start, end):
                break
            end -= 1
        yield start, end


# A cluster is one character with the zero-width marks that follow it (harakat, variation
# selectors); it is never split from them, neither by wrapping nor by reordering.
_Cluster = tuple[str, bool]  # (characters, inside a protected span)


def _clusters(text: str) -> list[_Cluster]:
    protected = [False] * len(text)
    for start, end in _protected_spans(text):
        protected[start:end] = [True] * (end - start)
    clusters: list[_Cluster] = []
    for index, char in enumerate(text):
        if clusters and char != " " and clusters[-1][0] != " " and cell_len(char) == 0:
            clusters[-1] = (clusters[-1][0] + char, clusters[-1][1])
        else:
            clusters.append((char, protected[index]))
    return clusters


def _tokens(clusters: list[_Cluster]) -> Iterator[list[_Cluster]]:
    token: list[_Cluster] = []
    for cluster in clusters:
        if cluster[0] == " " and not cluster[1]:
            if token:
                yield token
            token = []
        else:
            token.append(cluster)
    if token:
        yield token


def _fitting_tokens(clusters: list[_Cluster], width: int) -> Iterator[list[_Cluster]]:
    """The tokens; a protected run wider than the line is split at its own spaces after all."""
    for token in _tokens(clusters):
        if sum(cell_len(text) for text, _ in token) <= width or not any(text == " " for text, _ in token):
            yield token
            continue
        part: list[_Cluster] = []
        for cluster in token:
            if cluster[0] == " ":
                if part:
                    yield part
                part = []
            else:
                part.append(cluster)
        if part:
            yield part


def _wrap(clusters: list[_Cluster], width: int) -> list[list[_Cluster]]:
    """Greedy wrapping at unprotected spaces; a token longer than the line is cut between clusters."""
    lines: list[list[_Cluster]] = []
    line: list[_Cluster] = []
    used = 0
    for token in _fitting_tokens(clusters, width):
        token_width = sum(cell_len(text) for text, _ in token)
        if line and used + 1 + token_width <= width:
            # Between two parts of one split protected run the space stays inside the run.
            line += [(" ", line[-1][1] and token[0][1]), *token]
            used += 1 + token_width
            continue
        if line:
            lines.append(line)
            line, used = [], 0
        for cluster in token:
            cluster_width = cell_len(cluster[0])
            if line and used + cluster_width > width:
                lines.append(line)
                line, used = [], 0
            line.append(cluster)
            used += cluster_width
    if line:
        lines.append(line)
    return lines


def _logical_line(line: list[_Cluster]) -> str:
    """The line's text with each protected run isolated left to right (LRI ... PDI)."""
    parts: list[str] = []
    isolated = False
    for text, protected in line:
        if protected != isolated:
            parts.append(LRI if protected else PDI)
            isolated = protected
        parts.append(text)
    if isolated:
        parts.append(PDI)
    return "".join(parts)


def _levels(text: str, base: str) -> list[int] | None:
    """The resolved bidi embedding level of every character (None if python-bidi cannot say)."""
    # python-bidi >= 0.5 reorders (rules L1-L2) but neither mirrors brackets (L4) nor keeps marks
    # on their letters (L3), so the levels are taken from its debug report and reordered here.
    report = str(get_display(text, base_dir=base, debug=True))
    start = report.find("\n    levels: [\n")
    end = report.find("\n    ],", start)
    if start < 0 or end < 0:
        return None
    per_byte = [int(level) for level in re.findall(r"Level\(\s*(\d+),?\s*\)", report[start:end])]
    levels: list[int] = []
    offset = 0
    for char in text:
        if offset >= len(per_byte):
            return None
        levels.append(per_byte[offset])
        offset += len(char.encode("utf-8"))
    return levels if offset == len(per_byte) else None


def _visual_order(text: str, base: str) -> str:
    """Reorder one logical line for display (UAX #9 rules L1-L4) and drop the bidi controls."""
    levels = _levels(text, base)
    if levels is None:  # pragma: no cover - only if python-bidi changes its report
        return "".join(char for char in str(get_display(text, base_dir=base)) if char not in BIDI_CONTROLS)
    base_level = 1 if base == "R" else 0
    # L1: trailing spaces and controls take the paragraph level.
    index = len(text) - 1
    while index >= 0 and (text[index] == " " or text[index] in BIDI_CONTROLS):
        levels[index] = base_level
        index -= 1
    runs: list[tuple[str, int]] = []
    for char, level in zip(text, levels, strict=True):
        if char in BIDI_CONTROLS:
            continue
        if runs and unicodedata.category(char) in ("Mn", "Me"):  # L3: a mark stays after its letter
            runs[-1] = (runs[-1][0] + char, runs[-1][1])
        elif level % 2 and char in MIRRORED:  # L4: "(" in right-to-left text is drawn ")"
            runs.append((MIRRORED[char], level))
        else:
            runs.append((char, level))
    if not runs:
        return ""
    # L2: from the highest level down to the lowest odd one, reverse every run at that level or above.
    highest = max(level for _, level in runs)
    lowest_odd = min(level for _, level in runs if level % 2) if any(lvl % 2 for _, lvl in runs) else 1
    for level in range(highest, lowest_odd - 1, -1):
        position = 0
        while position < len(runs):
            if runs[position][1] >= level:
                stop = position
                while stop < len(runs) and runs[stop][1] >= level:
                    stop += 1
                runs[position:stop] = runs[position:stop][::-1]
                position = stop
            else:
                position += 1
    return "".join(text for text, _ in runs)


def _shape(text: str) -> str:
    """Join Arabic letters into their contextual forms, then drop ZWNJ/ZWJ (they did their work)."""
    text = _no_joiner_before_mark(text)
    if ZWJ in text and LAM in text:
        # arabic-reshaper 3.0 drops a ZWJ it cannot use and then looks for the lam-alef ligature at
        # the old indices: it fails ("\u200dلآ") or doubles the lam and loses the next letter
        # ("\u200dلآء"). A joiner's forced form is worth less than the letters: shape without it.
        text = text.replace(ZWJ, "")
    try:
        shaped = str(_RESHAPER.reshape(text))
    except IndexError:  # any other index slip of the reshaper: shape without the joiners
        shaped = str(_RESHAPER.reshape(text.replace(ZWJ, "")))
    return shaped.replace(ZWNJ, "").replace(ZWJ, "")


def shaped(text: str) -> str:
    """``text`` with its Arabic letters joined as they are drawn, joiners gone: what wrapping measures."""
    return _shape(text)


def _no_joiner_before_mark(text: str) -> str:
    """``text`` without a ZWJ/ZWNJ directly before a combining mark: arabic-reshaper drops the mark
    there (or moves it), and a joiner cannot carry a vowel sign anyway."""
    if ZWJ not in text and ZWNJ not in text:
        return text
    kept = [
        char
        for index, char in enumerate(text)
        if char not in (ZWJ, ZWNJ) or index + 1 >= len(text) or unicodedata.category(text[index + 1]) != "Mn"
    ]
    return "".join(kept)


def _without_controls(text: str) -> str:
    return "".join(char for char in text if char not in BIDI_CONTROLS)


def _needs_bidi(text: str, direction: Direction) -> bool:
    return direction == "rtl" or _RTL_CHARS.search(text) is not None


@lru_cache(maxsize=4096)
def _layout(text: str, width: int, direction: Direction) -> tuple[str, ...]:
    lines: list[str] = []
    base = "R" if direction == "rtl" else "L"
    for paragraph in _clean(text).split("\n"):
        bidi = _needs_bidi(paragraph, direction)
        shaped = _shape(paragraph) if bidi else paragraph.replace(ZWNJ, "").replace(ZWJ, "")
        wrapped = _wrap(_clusters(shaped), width)
        if not wrapped:
            lines.append("")
            continue
        for line in wrapped:
            if bidi:
                lines.append(_visual_order(_logical_line(line), base).strip(" "))
            else:
                lines.append(_without_controls("".join(t for t, _ in line)).strip(" "))
    return tuple(lines)


def layout(text: str, width: int, direction: Direction) -> list[str]:
    """Wrap ``text`` to ``width`` terminal cells and return display-ready lines, first line first.

    Paragraphs break at "\\n" (an empty paragraph gives an empty line). For "rtl" the lines are shaped
    and in visual order, to be right-aligned. A single character wider than ``width`` gets a line
    of its own.
    """
    if not text:
        return []
    return list(_layout(text, max(1, width), direction))


@lru_cache(maxsize=4096)
def visual_line(text: str, direction: Direction) -> str:
    """A one-line label (menu entry, button) ready to print: line breaks become spaces."""
    single = " ".join(_clean(text).split("\n"))
    if not _needs_bidi(single, direction):
        return _without_controls(single.replace(ZWNJ, "").replace(ZWJ, ""))
    clusters = _clusters(_shape(single))
    return _visual_order(_logical_line(clusters), "R" if direction == "rtl" else "L")
