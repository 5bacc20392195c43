"""Dates, times and numbers as the visitor's language writes them (CLDR via babel), in Dortmund's time.

Every function takes the language from :func:`current_language` unless ``lang`` is given. Digits
stay Latin (babel's default) in every language: times, bus lines and phone numbers on signs in
Dortmund are written that way, and the visitor has to match them. A language whose CLDR data is
missing or broken is formatted with a related language, then English; it never raises.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Literal, TypeVar

from babel import Locale, dates, numbers

from kiosk.clock import BERLIN
from kiosk.i18n.catalogs import current_language

log = logging.getLogger(__name__)

DateStyle = Literal["full", "long", "medium", "short"]

# Where formats come from when a language's own CLDR data fails: a neighbour that writes dates
# the same way, then English.
FORMAT_FALLBACKS: dict[str, tuple[str, ...]] = {"ku": ("tr",), "ckb": ("fa", "ar")}

_T = TypeVar("_T")


@lru_cache(maxsize=64)
def _locale_chain(code: str) -> tuple[Locale, ...]:
    chain: list[Locale] = []
    for candidate in (code, *FORMAT_FALLBACKS.get(code, ()), "en"):
        try:
            chain.append(Locale.parse(candidate.replace("-", "_")))
        except Exception as exc:  # unknown or malformed code: try the next one
            log.debug("no CLDR locale %r: %s", candidate, exc)
    return tuple(chain)


def _formatted(lang: str | None, render: Callable[[Locale], _T]) -> _T:
    code = lang or current_language()
    chain = _locale_chain(code)
    for locale in chain[:-1]:
        try:
            return render(locale)
        except Exception as exc:  # missing CLDR data shows up as KeyError, AttributeError, ...
            log.debug("no %s format data for %s: %s", code, locale, exc)
    return render(chain[-1])


def _in_berlin(moment: datetime) -> datetime:
    """Aware times are converted to Dortmund's time; a naive one is taken as already being in it."""
    return moment.replace(tzinfo=BERLIN) if moment.tzinfo is None else moment.astimezone(BERLIN)


def format_time(moment: datetime, format: DateStyle = "short", *, lang: str | None = None) -> str:
    """The clock time: "09:05" (de), "9:05 AM" (en), "9:05 ص" (ar)."""
    local = _in_berlin(moment)
    return _formatted(lang, lambda loc: str(dates.format_time(local, format, tzinfo=BERLIN, locale=loc)))


def format_date(day: date | datetime, format: DateStyle = "medium", *, lang: str | None = None) -> str:
    """A calendar date: "Freitag, 14. März 2025" (full), "14.03.2025" (medium, de)."""
    plain = _in_berlin(day).date() if isinstance(day, datetime) else day
    return _formatted(lang, lambda loc: str(dates.format_date(plain, format, locale=loc)))


def format_weekday(
    day: date | datetime, width: Literal["wide", "abbreviated"] = "wide", *, lang: str | None = None
) -> str:
    """The day of the week: "Freitag", "пʼятниця", "الجمعة"; abbreviated: "Fr."."""
    plain = _in_berlin(day).date() if isinstance(day, datetime) else day
    pattern = "EEEE" if width == "wide" else "EEE"
    return _formatted(lang, lambda loc: str(dates.format_date(plain, pattern, locale=loc)))


def format_datetime(moment: datetime, format: DateStyle = "medium", *, lang: str | None = None) -> str:
    """Date and time together, in Dortmund's time."""
    local = _in_berlin(moment)
    return _formatted(lang, lambda loc: str(dates.format_datetime(local, format, tzinfo=BERLIN, locale=loc)))


def format_number(number: float | int, *, lang: str | None = None) -> str:
    """A number with the language's separators: "1.234,5" (de), "1,234.5" (en), "1 234,5" (fr)."""
    return _formatted(lang, lambda loc: str(numbers.format_decimal(number, locale=loc)))


def format_relative(moment: datetime, now: datetime, *, lang: str | None = None) -> str:
    """How long ago (or how soon) ``moment`` is, seen from ``now``: "vor 5 Minuten", "in 2 hours"."""
    delta: timedelta = _in_berlin(moment) - _in_berlin(now)
    return _formatted(
        lang,
        lambda loc: str(dates.format_timedelta(delta, granularity="minute", add_direction=True, locale=loc)),
    )
