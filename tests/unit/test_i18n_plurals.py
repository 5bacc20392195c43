"""Plural forms: the catalogs' Plural-Forms pick the CLDR form a translator expects for every count."""

from __future__ import annotations

import pytest
from babel import Locale

from kiosk.i18n.locales import UI_LANGUAGES
from kiosk.i18n.plurals import PLURAL_FORMS, nplurals, parse_plural_forms, plural_forms, same_rule

CLDR_ORDER = ("zero", "one", "two", "few", "many", "other")


@pytest.mark.parametrize("code", UI_LANGUAGES)
def test_plural_forms_follow_cldr_for_whole_numbers(code: str) -> None:
    locale = Locale.parse(code)
    counts = range(0, 1001)
    used = sorted({locale.plural_form(n) for n in counts}, key=CLDR_ORDER.index)
    count, index = parse_plural_forms(PLURAL_FORMS[code])
    assert count == len(used)
    assert [index(n) for n in counts] == [used.index(locale.plural_form(n)) for n in counts]


@pytest.mark.parametrize(
    ("code", "count", "forms"),
    [
        # count -> form index, the cases translators get wrong most often
        ("uk", 3, {1: 0, 2: 1, 5: 2, 11: 2, 21: 0, 22: 1, 112: 2}),
        ("pl", 3, {1: 0, 2: 1, 5: 2, 21: 2, 22: 1}),
        ("ar", 6, {0: 0, 1: 1, 2: 2, 3: 3, 10: 3, 11: 4, 99: 4, 100: 5, 102: 5, 103: 3}),
        ("fa", 2, {0: 0, 1: 0, 2: 1}),
        ("fr", 2, {0: 0, 1: 0, 2: 1}),
        ("tr", 2, {1: 0, 2: 1}),
        ("ro", 3, {1: 0, 0: 1, 19: 1, 20: 2, 101: 1}),
    ],
)
def test_plural_form_examples(code: str, count: int, forms: dict[int, int]) -> None:
    parsed_count, index = parse_plural_forms(plural_forms(code))
    assert parsed_count == count == nplurals(code)
    assert {n: index(n) for n in forms} == forms


def test_languages_outside_the_table_get_babels_rule() -> None:
    assert nplurals("he") >= 2
    assert plural_forms("not-a-language") == "nplurals=2; plural=(n != 1);"


@pytest.mark.parametrize(
    "header", ["", "nplurals=2", "plural=(n != 1);", "nplurals=x; plural=n;", "nplurals=9; plural=n;"]
)
def test_malformed_headers_are_refused(header: str) -> None:
    with pytest.raises(ValueError):
        parse_plural_forms(header)


def test_same_rule_compares_what_the_rules_do_not_how_they_are_written() -> None:
    assert same_rule("nplurals=2; plural=n != 1;", "nplurals=2; plural=(n != 1);")
    assert not same_rule("nplurals=2; plural=(n > 1);", PLURAL_FORMS["de"])
    assert not same_rule("nplurals=1; plural=0;", PLURAL_FORMS["fa"])
