"""The [slots] settings: a ZMS server is named completely and safely, or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import ConfigError, Settings, load_settings


def settings_from(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> Settings:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("KIOSK_CONFIG", str(path))
    return load_settings()


def test_without_a_slots_section_no_slots_are_asked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_settings()
    assert settings.slots.enabled is False
    assert settings.slots.days_ahead == 14 and settings.slots.cache_s == 300


def test_a_complete_section_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = settings_from(
        tmp_path,
        monkeypatch,
        '[slots]\nbase_url = "https://termine.dortmund.de/api/citizen/"\noffice_id = 10470\n'
        "service_ids = [1063424, 1063441]\ndays_ahead = 30\n"
        'booking_url = "https://termine.dortmund.de/#/services/{service_id}/locations/{office_id}"\n',
    )
    slots = settings.slots
    assert slots.enabled
    assert slots.base_url == "https://termine.dortmund.de/api/citizen"
    assert slots.service_ids == [1063424, 1063441] and slots.days_ahead == 30


def test_environment_names_the_services(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIOSK_SLOTS__BASE_URL", "http://127.0.0.1:8080/api/citizen")
    monkeypatch.setenv("KIOSK_SLOTS__OFFICE_ID", "10470")
    monkeypatch.setenv("KIOSK_SLOTS__SERVICE_IDS", "[1063424]")
    assert load_settings().slots.service_ids == [1063424]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('base_url = "http://termine.dortmund.de"\noffice_id = 1\nservice_ids = [2]', "must use https://"),
        ('base_url = "https://termine.dortmund.de"', "office_id and service_ids are needed"),
        ('base_url = "https://t.de"\noffice_id = 1\nservice_ids = [2, 2]', "listed twice"),
        ("days_ahead = 0", "greater than or equal to 1"),
        ('booking_url = "https://t.de/{user}"', "placeholders"),
        ('booking_url = "http://t.de/{service_id}"', "https://"),
    ],
)
def test_mistakes_are_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match="slots") as caught:
        settings_from(tmp_path, monkeypatch, "[slots]\n" + text + "\n")
    assert message in str(caught.value)
