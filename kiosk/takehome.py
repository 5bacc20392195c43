"""What a visitor takes home from an item: its link, else its text, else the office's phone, as one QR code.

For a topic page, an event, a place or the office hours, in this order: (1) the item's public link
where the link policy allows it; (2) a text code: the title and the essentials in the visitor's
language, trimmed to what still fits the room on screen, ending with the office's phone number;
(3) the office's phone as a ``tel:`` code. Phone cameras show a text code and let the visitor save
or share it. The kiosk composes these texts itself, from content it cleans of every control and
invisible character first, so nothing from outside can steer the phone that reads them.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

import qrcode.util
from qrcode.constants import ERROR_CORRECT_M

from kiosk.clock import BERLIN
from kiosk.content.hours import local_datetime
from kiosk.content.html import html_to_document
from kiosk.content.models import Event, OpeningHours, Page, Place
from kiosk.i18n.catalogs import gettext_in
from kiosk.i18n.formatting import format_date, format_time, format_weekday
from kiosk.qr import QUIET_ZONE, LinkPolicy, qr_matrix, tel_link

CodeKind = Literal["link", "text", "tel"]

#: The largest code the kiosk composes as text: denser codes are hard to read off a screen.
MAX_VERSION = 12
#: A text code keeps at least this much of the title, else the phone code is the better offer.
MIN_TITLE = 12
_ESSENTIAL_LINES = 8
_ELLIPSIS = "…"
# Sunday first would be wrong in Germany: the week the visitor reads starts on Monday.
_A_MONDAY = date(2024, 1, 1)


@dataclass(frozen=True, slots=True)
class Essentials:
    """An item's title and the few lines a visitor needs at home, in one language, most important first."""

    title: str
    lines: tuple[str, ...]
    language: str


@dataclass(frozen=True, slots=True)
class TakeHomeCode:
    """The text a code encodes and what kind of offer it is (the caption tells the visitor which)."""

    data: str
    kind: CodeKind


def _clean(text: str) -> str:
    """One line of plain text: no control, format or odd space characters, runs of spaces as one."""
    plain = "".join(
        " " if unicodedata.category(char)[0] == "Z" or char in "\t\n\r" else char
        for char in unicodedata.normalize("NFC", text)
        if unicodedata.category(char)[0] != "C" or char in "\t\n\r"
    )
    return " ".join(plain.split())


def _utf8(text: str) -> int:
    return len(text.encode("utf-8"))


def capacity(version: int) -> int:
    """How many bytes a QR code of ``version`` holds (byte mode, error correction M)."""
    bits = qrcode.util.BIT_LIMIT_TABLE[ERROR_CORRECT_M][version]
    length_bits = 8 if version < 10 else 16
    return int((bits - 4 - length_bits) // 8)


def largest_version(max_modules: int) -> int:
    """The largest QR version whose code, quiet zone included, is at most ``max_modules`` wide (0: none)."""
    version = (max_modules - 2 * QUIET_ZONE - 17) // 4
    return max(0, min(version, 40))


def _cut(text: str, budget: int) -> str:
    """``text`` cut to ``budget`` UTF-8 bytes at a word boundary, ending in "…" ("" if nothing fits)."""
    if _utf8(text) <= budget:
        return text
    room = budget - _utf8(_ELLIPSIS)
    if room <= 0:
        return ""
    kept = text.encode("utf-8")[:room].decode("utf-8", errors="ignore")
    # Drop combining marks left without their letter, then the half word.
    while kept and unicodedata.combining(kept[-1]):
        kept = kept[:-1]
    space = kept.rfind(" ")
    if space >= len(kept) // 2:
        kept = kept[:space]
    kept = kept.rstrip(" ,;:·-–")
    return kept + _ELLIPSIS if kept else ""


@functools.lru_cache(maxsize=512)
def _text_for_budget(title: str, lines: tuple[str, ...], closing: str, budget: int) -> str | None:
    """The richest "title / lines / closing" text within ``budget`` bytes, or None without a title."""
    fixed = [closing] if closing else []
    room = budget - _utf8(closing) - (1 if closing else 0)
    shown_title = _cut(title, room)
    if len(shown_title.rstrip(_ELLIPSIS)) < min(MIN_TITLE, len(title)):
        return None
    room -= _utf8(shown_title)
    body: list[str] = []
    for line in lines:
        needed = _utf8(line) + 1
        if needed <= room:
            body.append(line)
            room -= needed
            continue
        cut = _cut(line, room - 1)
        if len(cut) > 12:  # a few words are worth it; a stub of a word is not
            body.append(cut)
        break
    return "\n".join([shown_title, *body, *fixed])


def text_code(essentials: Essentials, closing: str, max_modules: int) -> str | None:
    """The text code for ``essentials`` that fits ``max_modules`` (quiet zone included), or None.

    ``closing`` (the office's phone) always ends it; lines are dropped from the end and the last kept
    line shortened to fit; the title may be shortened but keeps its first words.
    """
    version = min(largest_version(max_modules), MAX_VERSION)
    if version < 1:
        return None
    title = _clean(essentials.title)
    lines = tuple(line for line in (_clean(line) for line in essentials.lines) if line)
    text = _text_for_budget(title, lines, _clean(closing), capacity(version))
    if text is None:
        return None
    # The table is exact for byte mode; qrcode may pick a denser mode for parts, never a larger code.
    return text if len(qr_matrix(text)) <= max_modules else None


def take_home(
    link: str,
    essentials: Essentials | None,
    office_phone: str,
    policy: LinkPolicy,
    *,
    panel_modules: int,
    screen_modules: int,
) -> TakeHomeCode | None:
    """The code an item offers: its link (if it scans at least on a screen of its own), else its text
    fitting the panel, else the office's phone. None when there is nothing true to offer."""
    target = policy.qr_target(link) if link else None
    if target is not None:
        try:
            if len(qr_matrix(target)) <= screen_modules:
                return TakeHomeCode(target, "link")
        except ValueError:
            pass
    closing = phone_line(office_phone, essentials.language) if essentials and office_phone else ""
    if essentials is not None:
        if closing:  # the office's own number is the closing line: once is enough
            lines = tuple(line for line in essentials.lines if _clean(office_phone) not in _clean(line))
            essentials = Essentials(essentials.title, lines, essentials.language)
        text = text_code(essentials, closing, panel_modules)
        if text is not None:
            return TakeHomeCode(text, "text")
    tel = tel_link(office_phone) if office_phone else None
    if tel is not None and len(qr_matrix(tel)) <= max(panel_modules, screen_modules):
        return TakeHomeCode(tel, "tel")
    return None


def phone_line(number: str, language: str = "") -> str:
    """The closing line of every text code: the office's phone behind a telephone sign.

    The sign reads the same in every language and costs 3 bytes where "Questions? Call us" in
    Ukrainian costs 50: at 80 x 24 that is the difference between a title and no text code at all.
    """
    return f"\u260e {_clean(number)}"


# -- the essentials of each kind of item -------------------------------------------------------------------
def page_essentials(page: Page, language: str) -> Essentials:
    """A topic page's title and its first paragraph, or its steps when the page starts with a list."""
    blocks = [b for b in html_to_document(page.content_html).blocks if b.kind != "heading" and b.text.strip()]
    first_item = next((i for i, b in enumerate(blocks[:4]) if b.kind == "item"), None)
    lines: list[str] = []
    if first_item is None:
        lines = [blocks[0].text] if blocks else []
    else:
        # The steps, with the sentence that introduces them.
        lines = [blocks[first_item - 1].text] if first_item else []
        for block in blocks[first_item:]:
            if block.kind != "item" or len(lines) >= _ESSENTIAL_LINES:
                break
            lines.append(f"{block.marker or '•'} {block.text}")
    if not lines and page.excerpt:
        lines.append(page.excerpt)
    return Essentials(page.title, tuple(_clean(line) for line in lines), language)


def hours_lines(hours: OpeningHours | None, language: str) -> list[str]:
    """ "Mon: 09:00–12:00" for each open day of the week, in ``language``; nothing for closed days."""
    if hours is None:
        return []
    lines = []
    for day in hours.days:
        on = _A_MONDAY + timedelta(days=day.weekday)
        name = format_weekday(on, lang=language)
        if day.all_day:
            times = gettext_in(language, "open all day")
        elif day.closed or not day.slots:
            if not day.appointment_only:
                continue
            times = gettext_in(language, "by appointment only")
        else:
            times = ", ".join(
                f"{format_time(local_datetime(on, s.start), lang=language)}–"
                f"{format_time(local_datetime(on, s.end), lang=language)}"
                for s in day.slots
            )
        lines.append(f"{name}: {times}")
    return lines


def place_essentials(place: Place, language: str) -> Essentials:
    """A place's name, address, phone and opening hours (said first when it is temporarily closed)."""
    lines = [place.address.one_line()]
    if place.temporarily_closed:  # the week below is the usual one, not this one
        lines.insert(0, gettext_in(language, "Temporarily closed"))
    if place.phone:
        lines.append(gettext_in(language, "Phone: {number}").format(number=place.phone))
    lines.extend(hours_lines(place.opening_hours, language))
    return Essentials(place.name, tuple(line for line in lines if line), language)


def event_essentials(event: Event, start: datetime, end: datetime, language: str) -> Essentials:
    """An event's title, its date and time, and where it is."""
    first, last = start.astimezone(BERLIN), end.astimezone(BERLIN)
    day = format_date(first.date(), "full", lang=language)
    if event.all_day:
        when = day
    elif last > first and last.date() == first.date():
        when = f"{day}, {format_time(first, lang=language)}–{format_time(last, lang=language)}"
    else:
        when = f"{day}, {format_time(first, lang=language)}"
    lines = [when, event.place_name, event.address.one_line()]
    return Essentials(event.title, tuple(line for line in lines if line), language)


def essentials_text(essentials: Essentials) -> Sequence[str]:
    """Title and lines as the visitor reads them on paper (nothing cut)."""
    return [essentials.title, *essentials.lines]
