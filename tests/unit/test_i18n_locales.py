"""Language names and writing direction shown in the language picker."""

import pytest

from kiosk.i18n.locales import UI_LANGUAGES, direction, german_name, is_rtl, native_name


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("de", "Deutsch"),
        ("en", "English"),
        ("uk", "Українська"),
        ("ru", "Русский"),
        ("ar", "العربية"),
        ("fa", "فارسی"),
        ("tr", "Türkçe"),
        ("ku", "Kurdî"),
        ("ro", "Română"),
        ("bg", "Български"),
        ("pl", "Polski"),
        ("fr", "Français"),
    ],
)
def test_native_name_is_written_as_speakers_write_it(code: str, name: str) -> None:
    assert native_name(code) == name


def test_every_ui_language_has_a_distinct_native_and_german_name() -> None:
    assert len({native_name(code) for code in UI_LANGUAGES}) == len(UI_LANGUAGES)
    assert len({german_name(code) for code in UI_LANGUAGES}) == len(UI_LANGUAGES)
    assert all(native_name(code) != code for code in UI_LANGUAGES)


@pytest.mark.parametrize(
    ("code", "name"),
    [("ar", "Arabisch"), ("uk", "Ukrainisch"), ("fa", "Persisch"), ("ku", "Kurdisch"), ("en", "Englisch")],
)
def test_german_name_is_for_staff(code: str, name: str) -> None:
    assert german_name(code) == name


@pytest.mark.parametrize("code", ["ar", "fa", "he", "ur", "ps", "ckb", "ar_SY", "fa-IR"])
def test_right_to_left_languages(code: str) -> None:
    assert direction(code) == "rtl"
    assert is_rtl(code)


@pytest.mark.parametrize("code", ["de", "en", "uk", "ru", "tr", "ku", "ro", "bg", "pl", "fr"])
def test_left_to_right_languages(code: str) -> None:
    assert direction(code) == "ltr"
    assert not is_rtl(code)


@pytest.mark.parametrize("code", ["xx", "", "not a code"])
def test_unknown_codes_do_not_crash(code: str) -> None:
    assert direction(code) == "ltr"
    assert native_name(code) == code
    assert german_name(code) == code
