"""Facts about languages from CLDR (via babel): names as visitors and staff write them, text direction."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from babel import Locale, UnknownLocaleError

Direction = Literal["ltr", "rtl"]

#: The languages the kiosk's own texts are translated into.
UI_LANGUAGES: tuple[str, ...] = ("de", "en", "uk", "ru", "ar", "fa", "tr", "ku", "ro", "bg", "pl", "fr")

# babel calls Kurmanji "kurdî (kurmancî)"; speakers write and look for "Kurdî".
_NATIVE_NAME_OVERRIDES = {"ku": "Kurdî"}


def _locale(code: str) -> Locale | None:
    try:
        return Locale.parse(code.replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        return None


def _capitalised(name: str) -> str:
    # CLDR writes many language names in lower case ("українська"); in a list of choices they start
    # a line, so the first letter is upper case. Scripts without case (Arabic) are unaffected.
    return name[:1].upper() + name[1:]


@lru_cache(maxsize=256)
def native_name(code: str) -> str:
    """The language's name in itself, as a visitor would look for it: "Deutsch", "Українська", "العربية"."""
    if code in _NATIVE_NAME_OVERRIDES:
        return _NATIVE_NAME_OVERRIDES[code]
    locale = _locale(code)
    name = locale.get_display_name(locale) if locale is not None else None
    return _capitalised(name) if name else code


@lru_cache(maxsize=256)
def german_name(code: str) -> str:
    """The language's name in German, for staff: "Arabisch", "Ukrainisch"."""
    return name_in(code, "de")


@lru_cache(maxsize=1024)
def name_in(code: str, reader: str) -> str:
    """The name of language ``code`` as a reader of ``reader`` writes it: ("de", "ru") -> "немецкий"."""
    locale = _locale(code)
    name = None
    if locale is not None:
        try:
            name = locale.get_display_name(reader.replace("-", "_"))
        except (ValueError, TypeError, UnknownLocaleError):
            name = None
    if not name:  # no CLDR data for the reader (Kurmanji has little): English is understood more widely
        name = locale.get_display_name("en") if locale is not None else None
    return _capitalised(name) if name else code


@lru_cache(maxsize=256)
def direction(code: str) -> Direction:
    """ "rtl" for languages written right to left (ar, fa, he, ur, ps, ckb, ...), else "ltr"."""
    locale = _locale(code)
    if locale is not None and locale.character_order == "right-to-left":
        return "rtl"
    return "ltr"


def is_rtl(code: str) -> bool:
    """True when ``code`` is written right to left."""
    return direction(code) == "rtl"
