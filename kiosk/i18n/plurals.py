"""Plural-Forms headers that follow CLDR's integer plural rules.

babel's built-in table (``babel.messages.plurals``) is older than CLDR for some of the kiosk's
languages: it gives Persian and Turkish a single form (CLDR: "one" and "other") and swaps the
last two Arabic forms. Catalogs are written and checked with this table instead.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable

from babel.messages.plurals import get_plural

# The order of the forms is CLDR's order of categories: zero, one, two, few, many, other.
PLURAL_FORMS: dict[str, str] = {
    "de": "nplurals=2; plural=(n != 1);",
    "en": "nplurals=2; plural=(n != 1);",
    "uk": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : "
    "n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : "
    "n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "ar": "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : "
    "n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);",
    # CLDR: "one" is i = 0 or n = 1, so 0 and 1 share the singular.
    "fa": "nplurals=2; plural=(n > 1);",
    "tr": "nplurals=2; plural=(n != 1);",
    "ku": "nplurals=2; plural=(n != 1);",
    "ro": "nplurals=3; plural=(n==1 ? 0 : (n==0 || (n%100 > 0 && n%100 < 20)) ? 1 : 2);",
    "bg": "nplurals=2; plural=(n != 1);",
    "pl": "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    # CLDR's French "many" applies only to exact millions ("1 million de ..."); the kiosk never
    # counts that high, so French keeps gettext's usual two forms.
    "fr": "nplurals=2; plural=(n > 1);",
}


def plural_forms(code: str) -> str:
    """The Plural-Forms header value for ``code`` (babel's table for languages outside ours)."""
    if code in PLURAL_FORMS:
        return PLURAL_FORMS[code]
    try:
        return str(get_plural(code.replace("-", "_")).plural_forms)
    except Exception:  # an unknown code: the Germanic rule is gettext's own default
        return "nplurals=2; plural=(n != 1);"


def parse_plural_forms(header: str) -> tuple[int, Callable[[int], int]]:
    """``"nplurals=3; plural=(...);"`` -> (3, index function). Raises ValueError when malformed."""
    fields: dict[str, str] = {}
    for part in header.split(";"):
        name, sep, value = part.partition("=")
        if sep:
            fields[name.strip()] = value.strip()
    try:
        count = int(fields["nplurals"])
        expression = fields["plural"]
    except (KeyError, ValueError):
        raise ValueError(f"not a Plural-Forms header: {header!r}") from None
    if not 1 <= count <= 6:
        raise ValueError(f"nplurals={count} is out of range")
    return count, gettext.c2py(expression)


def nplurals(code: str) -> int:
    """How many plural forms a catalog for ``code`` has."""
    return parse_plural_forms(plural_forms(code))[0]


def same_rule(header_a: str, header_b: str, *, up_to: int = 1000) -> bool:
    """True when both headers have the same count and pick the same form for every n up to ``up_to``."""
    count_a, index_a = parse_plural_forms(header_a)
    count_b, index_b = parse_plural_forms(header_b)
    return count_a == count_b and all(index_a(n) == index_b(n) for n in range(up_to + 1))
