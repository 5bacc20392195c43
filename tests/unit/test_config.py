"""Settings: defaults < TOML file < environment, and one clear message for every kind of mistake."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kiosk import config
from kiosk.config import ConfigError, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import os

    for key in list(os.environ):
        if key.startswith("KIOSK_"):
            monkeypatch.delenv(key)
    # Never read the machine's own /etc/kiosk/kiosk.toml in tests.
    (tmp_path / "empty.toml").write_text("", encoding="utf-8")
    monkeypatch.setenv("KIOSK_CONFIG", str(tmp_path / "empty.toml"))


def write(tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("KIOSK_CONFIG", str(path))
    return path


def test_defaults_without_a_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    write(tmp_path, "", monkeypatch)
    settings = load_settings()
    assert settings.api.base_url is None
    assert settings.api.refresh_minutes == 15
    assert settings.api.timeout_s == 20
    assert settings.api.max_response_mb == 20
    assert settings.display.default_language == "de"
    assert settings.display.idle_timeout_s == 90
    assert settings.display.languages[:5] == ["de", "en", "uk", "ar", "fa"]
    assert len(settings.display.languages) == 12


def test_toml_overrides_defaults_and_env_overrides_toml(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    write(
        tmp_path,
        '[api]\nbase_url = "https://cms.integreat-app.de"\nregion = "augsburg"\nrefresh_minutes = 30\n'
        "[display]\nidle_timeout_s = 120\n",
        monkeypatch,
    )
    monkeypatch.setenv("KIOSK_API__REFRESH_MINUTES", "5")
    settings = load_settings()
    assert settings.api.base_url == "https://cms.integreat-app.de"
    assert settings.api.region == "augsburg"  # from the file
    assert settings.api.refresh_minutes == 5  # the environment wins
    assert settings.display.idle_timeout_s == 120


def test_env_list_values_are_json(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KIOSK_DISPLAY__LANGUAGES", '["en", "ar"]')
    monkeypatch.setenv("KIOSK_DISPLAY__DEFAULT_LANGUAGE", "en")
    settings = load_settings()
    assert settings.display.languages == ["en", "ar"]


def test_missing_explicit_file_is_an_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KIOSK_CONFIG", str(tmp_path / "none.toml"))
    with pytest.raises(ConfigError, match=r"none\.toml: file not found"):
        load_settings()


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ("[api]\nrefresh_minutes = 'often'\n", r"kiosk\.toml: \[api\] refresh_minutes: .*integer"),
        ("[api]\nbogus = 1\n", r"kiosk\.toml: \[api\] bogus: unknown key"),
        ("[nonsense]\nx = 1\n", r"kiosk\.toml: \[nonsense\]:? .*unknown key"),
        ("[api\nbase_url = 1", r"kiosk\.toml: not valid TOML"),
        ('[api]\nbase_url = "http://example.org"\n', r"\[api\] base_url: must use https://"),
        ('[display]\nlanguages = ["de", "xx-nope"]\n', r"\[display\] languages: unknown language code"),
        (
            '[display]\ndefault_language = "tr"\nlanguages = ["de"]\n',
            r"default_language:? 'tr' is not in languages",
        ),
        ('[display]\ntheme = "pink"\n', r"\[display\] theme"),
    ],
)
def test_bad_file_names_file_and_key(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, toml: str, expected: str
) -> None:
    write(tmp_path, toml, monkeypatch)
    with pytest.raises(ConfigError, match=expected):
        load_settings()


def test_bad_env_value_names_the_variable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KIOSK_DISPLAY__IDLE_TIMEOUT_S", "soon")
    with pytest.raises(ConfigError, match="environment variable KIOSK_DISPLAY__IDLE_TIMEOUT_S"):
        load_settings()


def test_unreadable_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    folder = tmp_path / "dir.toml"
    folder.mkdir()
    monkeypatch.setenv("KIOSK_CONFIG", str(folder))
    with pytest.raises(ConfigError, match="cannot read the file"):
        load_settings()


def test_systemd_directories_are_the_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("STATE_DIRECTORY", "/var/lib/kiosk")
    monkeypatch.setenv("CACHE_DIRECTORY", "/var/cache/kiosk:/var/cache/other")
    settings = load_settings()
    assert settings.paths.state_dir == Path("/var/lib/kiosk")
    assert settings.paths.cache_dir == Path("/var/cache/kiosk")


#: Environments as admins write them, and some as they should not: each is read the same whether the
#: kiosk reads the plain ``KIOSK_<SECTION>__<KEY>`` form itself or pydantic-settings reads it all.
ENVIRONMENTS = [
    {"KIOSK_API__REFRESH_MINUTES": "5", "KIOSK_API__BASE_URL": "https://cms.example.org/"},
    {"kiosk_api__region": "lower", "Kiosk_Display__Theme": "contrast-light"},
    {"KIOSK_DISPLAY__LANGUAGES": '["en", "ar"]', "KIOSK_DISPLAY__DEFAULT_LANGUAGE": "en"},
    {"KIOSK_DISPLAY__LANGUAGES": "de,en"},
    {"KIOSK_DISPLAY__OFFICE_PLACE_ID": ""},
    {"KIOSK_DISPLAY__IDLE_TIMEOUT_S": "soon"},
    {"KIOSK_PRINTER__WIDTH_DOTS": "384"},
    {"KIOSK_PRINTER__CONNECTION": "file", "KIOSK_PRINTER__DEVICE": "/dev/usb/lp0"},
    {"KIOSK_SLOTS__SERVICE_IDS": "5"},
    {"KIOSK_SLOTS__SERVICE_IDS": "[5, 5]"},
    {"KIOSK_SPEECH__ENABLED": "no", "KIOSK_SPEECH__KEY": " F4 "},
    {"KIOSK_PATHS__STATE_DIR": "/var/lib/kiosk", "KIOSK_PATHS__TRANSLATIONS_DIR": "/srv/po"},
    {"KIOSK_API__VERIFY": "false"},
    {"KIOSK_API": '{"region": "x"}', "KIOSK_API__TIMEOUT_S": "3"},
    {"KIOSK_API__TIMEOUT_S__X": "1"},
    {"KIOSK_PATHS": "x"},
    {"KIOSK_RANDOM_SEED": "7", "KIOSK_": "x"},
    {"KIOSK_API__": "x"},
]


def outcome(monkeypatch: pytest.MonkeyPatch, environment: dict[str, str]) -> str:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    try:
        return load_settings().model_dump_json()
    except ConfigError as error:
        return f"ConfigError: {error}"


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_environment_reads_as_pydantic_settings_reads_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, environment: dict[str, str]
) -> None:
    write(tmp_path, '[api]\nregion = "fromfile"\n[display]\nidle_timeout_s = 120\n', monkeypatch)
    read_here = outcome(monkeypatch, environment)
    plain = config.plain_variables(os.environ)
    if plain is not None:  # what was read here is what pydantic-settings reads
        assert plain == config._variables_by_pydantic_settings()
    monkeypatch.setattr(config, "plain_variables", lambda environ: None)
    assert read_here == outcome(monkeypatch, environment)


def test_every_key_has_a_plain_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every setting can be given as ``KIOSK_<SECTION>__<KEY>`` without importing pydantic-settings."""
    for section, field in config.Settings.model_fields.items():
        assert field.annotation is not None
        for key in field.annotation.model_fields:
            listed = '["x"]' if key in ("languages", "allowed_hosts") else "[1]"
            value = listed if key in ("languages", "allowed_hosts", "service_ids") else "x"
            monkeypatch.setenv(f"KIOSK_{section}__{key}".upper(), value)
    plain = config.plain_variables(os.environ)
    assert plain is not None
    assert plain == config._variables_by_pydantic_settings()
