"""Dates, times and numbers in the visitor's language, always in Dortmund's time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from babel import dates

from kiosk.clock import BERLIN
from kiosk.i18n import set_language
from kiosk.i18n.formatting import (
    format_date,
    format_datetime,
    format_number,
    format_relative,
    format_time,
    format_weekday,
)

FRIDAY = datetime(2025, 3, 14, 9, 5, tzinfo=BERLIN)


@pytest.fixture(autouse=True)
def german_afterwards() -> Iterator[None]:
    yield
    set_language("de")


def test_language_comes_from_the_current_visitor() -> None:
    set_language("de")
    assert format_date(FRIDAY, "full") == "Freitag, 14. März 2025"
    set_language("fr")
    assert format_date(FRIDAY, "full") == "vendredi 14 mars 2025"
    assert format_date(FRIDAY, "full", lang="uk") == "пʼятниця, 14 березня 2025\u202fр."


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("de", "09:05"), ("en", "9:05\u202fAM"), ("ar", "9:05 ص"), ("tr", "09:05"), ("ku", "09:05")],
)
def test_clock_time(lang: str, expected: str) -> None:
    assert format_time(FRIDAY, lang=lang).replace("\u202f", " ") == expected.replace("\u202f", " ")


def test_times_are_shown_in_berlin_whatever_zone_they_come_in() -> None:
    winter = datetime(2025, 1, 10, 8, 0, tzinfo=UTC)  # CET, UTC+1
    summer = datetime(2025, 7, 10, 8, 0, tzinfo=UTC)  # CEST, UTC+2
    assert format_time(winter, lang="de") == "09:00"
    assert format_time(summer, lang="de") == "10:00"
    late = datetime(2025, 7, 10, 22, 30, tzinfo=UTC)  # already the next day in Dortmund
    assert format_date(late, "medium", lang="de") == "11.07.2025"
    assert format_weekday(late, lang="de") == "Freitag"


def test_naive_time_is_taken_as_berlin_time() -> None:
    assert format_time(datetime(2025, 7, 10, 8, 0), lang="de") == "08:00"


@pytest.mark.parametrize(
    ("lang", "wide"), [("de", "Freitag"), ("uk", "пʼятниця"), ("ar", "الجمعة"), ("fa", "جمعه"), ("ku", "În")]
)
def test_weekday(lang: str, wide: str) -> None:
    assert format_weekday(date(2025, 3, 14), lang=lang).casefold().startswith(wide.casefold())


def test_medium_dates() -> None:
    assert format_date(date(2025, 3, 14), lang="de") == "14.03.2025"
    assert format_date(date(2025, 3, 14), lang="en") == "Mar 14, 2025"
    assert format_date(date(2025, 3, 14), lang="pl") == "14 mar 2025"


def test_datetime_together() -> None:
    assert format_datetime(FRIDAY, lang="de") == "14.03.2025, 09:05:00"


def test_numbers_use_the_languages_separators_and_latin_digits() -> None:
    assert format_number(1234.5, lang="de") == "1.234,5"
    assert format_number(1234.5, lang="en") == "1,234.5"
    assert format_number(1234.5, lang="fa") == "1,234.5"
    assert format_number(1234.5, lang="fr").replace("\u202f", " ") == "1 234,5"


@pytest.mark.parametrize(
    ("lang", "minutes", "expected"),
    [
        ("de", -5, "vor 5 Minuten"),
        ("en", -5, "5 minutes ago"),
        ("en", 120, "in 2 hours"),
        ("uk", -5, "5 хвилин тому"),
        ("ar", -5, "قبل 5 دقائق"),
    ],
)
def test_relative_time(lang: str, minutes: int, expected: str) -> None:
    now = datetime(2025, 3, 14, 12, 0, tzinfo=BERLIN)
    assert format_relative(now + timedelta(minutes=minutes), now, lang=lang) == expected


def test_language_without_usable_data_borrows_from_a_neighbour(monkeypatch: pytest.MonkeyPatch) -> None:
    real = dates.format_date

    def without_kurdish(*args: Any, **kwargs: Any) -> str:
        if str(kwargs.get("locale")) == "ku":
            raise KeyError("months")
        return str(real(*args, **kwargs))

    monkeypatch.setattr(dates, "format_date", without_kurdish)
    assert format_date(FRIDAY, "full", lang="ku") == format_date(FRIDAY, "full", lang="tr")
    assert format_date(FRIDAY, "full", lang="tr") == "14 Mart 2025 Cuma"


def test_unknown_language_is_formatted_in_english() -> None:
    assert format_date(FRIDAY, "full", lang="xx") == "Friday, March 14, 2025"
    assert format_time(FRIDAY, lang="xx") == "9:05\u202fAM"
