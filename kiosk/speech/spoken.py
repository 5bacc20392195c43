"""Spoken forms: what the screen writes as "Mo 9:00–12:00" said the way a person says it.

espeak-ng reads "9:00–12:00" as "nine colon zero zero twelve ...", so times, opening hours, event
dates and QR codes are put into words here, through gettext in the language that will speak them.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from urllib.parse import unquote, urlsplit

from babel.lists import format_list

from kiosk.clock import BERLIN
from kiosk.content.hours import DayView
from kiosk.content.models import TimeSlot
from kiosk.i18n.catalogs import gettext_in
from kiosk.i18n.formatting import format_date, format_weekday
from kiosk.i18n.locales import native_name

# A Monday, to name weekdays by number (0 = Monday).
_A_MONDAY = date(2024, 1, 1)


def weekday_name(weekday: int, lang: str) -> str:
    return format_weekday(_A_MONDAY + timedelta(days=weekday), lang=lang)


def and_list(items: Sequence[str], lang: str) -> str:
    """ "Monday, Tuesday and Friday" in ``lang`` (CLDR list patterns; English ones if it has none)."""
    if not items:
        return ""
    for locale in (lang.replace("-", "_"), "en"):
        with contextlib.suppress(Exception):  # babel has no list data for the language
            return str(format_list(list(items), locale=locale))
    return ", ".join(items)


def spoken_clock(at: time, lang: str) -> str:
    """A clock time as said aloud: "9 Uhr", "9 Uhr 30" (the digits are read by the voice)."""
    if at.minute == 0:
        # TRANSLATORS: spoken, never shown: a full hour, e.g. "9 Uhr". Keep the digits as {hour}.
        return gettext_in(lang, "{hour} o'clock").format(hour=at.hour)
    # TRANSLATORS: spoken, never shown: a time with minutes, e.g. "9 Uhr 30".
    return gettext_in(lang, "{hour} {minute}").format(hour=at.hour, minute=at.minute)


def spoken_span(slot: TimeSlot, lang: str) -> str:
    """An opening interval aloud: "9 bis 12 Uhr", or with minutes "9 Uhr bis 12 Uhr 30"."""
    if slot.start.minute == 0 and slot.end.minute == 0:
        # TRANSLATORS: spoken, never shown: hours on the hour, e.g. "9 bis 12 Uhr" ("nine to twelve").
        return gettext_in(lang, "{start} to {end} o'clock").format(start=slot.start.hour, end=slot.end.hour)
    # TRANSLATORS: spoken, never shown: {start} and {end} are already spoken times ("9 Uhr 30").
    return gettext_in(lang, "{start} to {end}").format(
        start=spoken_clock(slot.start, lang), end=spoken_clock(slot.end, lang)
    )


def _day_words(day: DayView, lang: str) -> str:
    if day.all_day:
        # TRANSLATORS: spoken, never shown: opening hours of a day that is open around the clock.
        return gettext_in(lang, "open all day")
    if day.appointment_only:
        # TRANSLATORS: spoken, never shown: opening hours of a day with visits by appointment only.
        return gettext_in(lang, "by appointment only")
    return and_list([spoken_span(slot, lang) for slot in day.slots], lang)


def spoken_week(days: Sequence[DayView], lang: str) -> list[str]:
    """Opening hours, one sentence per group of days with the same hours: "Montag und Freitag, 9 bis
    12 Uhr." Closed days are left out; no days at all gives no sentences."""
    groups: dict[str, list[int]] = {}
    for day in days:
        if not day.closed:
            groups.setdefault(_day_words(day, lang), []).append(day.weekday)
    # TRANSLATORS: spoken, never shown: {days} are weekdays ("Montag und Freitag"), {hours} their hours.
    template = gettext_in(lang, "{days}: {hours}.")
    return [
        template.format(days=and_list([weekday_name(d, lang) for d in weekdays], lang), hours=hours)
        for hours, weekdays in sorted(groups.items(), key=lambda group: group[1][0])
    ]


def spoken_date(day: date, lang: str, today: date | None = None) -> str:
    """A date as said: the full CLDR form with the weekday ("Dienstag, 3. Dezember 2026"), the year
    left out when it is ``today``'s."""
    text = format_date(day, "full", lang=lang)
    # espeak-ng spells out the abbreviations of "year" ("р.", "г.") letter by letter.
    text = re.sub(r"(?<=\d)\s+[рг]\.$", "", text) if lang in ("uk", "ru") else text
    if today is not None and day.year == today.year:
        # The year with what hangs on it (",", "an" in Kurmanji), in whichever place the language puts it.
        text = re.sub(rf",?\s*\b{day.year}\w*(\s+[рг]\.)?", "", text).strip(" ,،")
    return text


def spoken_when(start: datetime, end: datetime, all_day: bool, lang: str, today: date | None = None) -> str:
    """When an event is: its date, and its hours unless it lasts all day."""
    start, end = start.astimezone(BERLIN), end.astimezone(BERLIN)
    day = spoken_date(start.date(), lang, today)
    if all_day:
        # TRANSLATORS: spoken, never shown: an event that lasts all day; {date} is its date.
        return gettext_in(lang, "{date}, all day").format(date=day)
    if end.date() != start.date():
        # TRANSLATORS: spoken, never shown: an event over several days; each part is a date and a time.
        return gettext_in(lang, "from {start} to {end}").format(
            start=f"{day}, {spoken_clock(start.time(), lang)}",
            end=f"{spoken_date(end.date(), lang, today)}, {spoken_clock(end.time(), lang)}",
        )
    span = spoken_span(TimeSlot(start.time(), end.time()), lang)
    # TRANSLATORS: spoken, never shown: {date} of an event and its hours ("9 bis 12 Uhr").
    return gettext_in(lang, "{date}, {hours}").format(date=day, hours=span)


def _kind_of(target: str) -> tuple[str, str]:
    """What kind of thing a QR code holds ("card", "calendar", "tel", "mailto", "link", "text"),
    with the part worth saying (the number, the host)."""
    if target.startswith("BEGIN:VCARD"):
        return "card", ""
    if target.startswith(("BEGIN:VCALENDAR", "BEGIN:VEVENT")):
        return "calendar", ""
    parts = urlsplit(target)
    if parts.scheme == "tel":
        return "tel", " ".join(ch for ch in unquote(parts.path) if ch.isdigit() or ch == "+")
    if parts.scheme == "mailto":
        return "mailto", ""
    host = (parts.hostname or "").removeprefix("www.")
    return ("link", host) if host else ("text", "")


def code_holds(target: str, lang: str) -> str:
    """What a QR code holds, in words: "a link to integreat.app", "a contact card", ..."""
    kind, detail = _kind_of(target)
    if kind == "card":
        # TRANSLATORS: spoken, never shown: what a QR code holds.
        return gettext_in(lang, "a contact card for your phone")
    if kind == "calendar":
        # TRANSLATORS: spoken, never shown: what a QR code holds.
        return gettext_in(lang, "a calendar entry for your phone")
    if kind == "tel":
        # TRANSLATORS: spoken, never shown: what a QR code holds; {number} is read digit by digit.
        return gettext_in(lang, "the phone number {number}").format(number=detail)
    if kind == "mailto":
        # TRANSLATORS: spoken, never shown: what a QR code holds.
        return gettext_in(lang, "an e-mail address")
    if kind == "link":
        # TRANSLATORS: spoken, never shown: what a QR code holds; {site} is a host name.
        return gettext_in(lang, "a link to {site}").format(site=detail)
    # TRANSLATORS: spoken, never shown: what a QR code holds when it is none of the above.
    return gettext_in(lang, "a text")


def spoken_code(target: str, caption: str, lang: str) -> str:
    """A QR code aloud: its caption and what it holds (a text code's caption says that already)."""
    if _kind_of(target)[0] == "text":
        # TRANSLATORS: spoken, never shown: {caption} says what the code is for and holds.
        return gettext_in(lang, "QR code: {caption}.").format(caption=caption)
    # TRANSLATORS: spoken, never shown: {caption} says what the code is for, {holds} what is in it.
    return gettext_in(lang, "QR code: {caption}. It holds {holds}.").format(
        caption=caption, holds=code_holds(target, lang)
    )


def menu_entry(code: str, key: str) -> str:
    """One line of the audio menu, in the language it offers: "Deutsch: drücken Sie 1."."""
    # TRANSLATORS: spoken, never shown, in the audio menu: {language} is the language's own name,
    # {number} the key to press (1–9, 0, or a letter).
    return gettext_in(code, "{language}: press {number}.").format(language=native_name(code), number=key)
