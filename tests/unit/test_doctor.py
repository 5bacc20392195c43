"""`kiosk doctor` against a healthy setup and against each broken setup it claims to detect."""

from __future__ import annotations

import io
import json
import os
import shutil
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest

from kiosk.cli.doctor import doctor_command, render_table
from kiosk.clock import BERLIN
from kiosk.config import Settings, load_settings
from kiosk.ops.doctor import (
    Check,
    catalog_completeness,
    check_api,
    check_content,
    check_directory,
    check_settings,
    check_staff_pin,
    check_store_integrity,
    check_systemd,
    check_terminal,
    check_translations,
)
from kiosk.ops.pin import hash_pin
from kiosk.sources.snapshot import load_snapshot
from kiosk.store import FILE_NAME, Changed, Failed, Store
from tests.support.api_server import free_port_url

NOW = datetime(2026, 11, 23, 10, 30, tzinfo=BERLIN)
LANGUAGES_JSON = [
    {"id": 1, "code": "de", "native_name": "Deutsch", "dir": "ltr"},
    {"id": 2, "code": "en", "native_name": "English", "dir": "ltr"},
]


@pytest.fixture(autouse=True)
def two_languages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIOSK_DISPLAY__LANGUAGES", '["de", "en"]')


def by_name(checks: list[Check]) -> dict[str, Check]:
    return {check.name: check for check in checks}


def fill_from_api(settings: Settings, at: datetime, *, error: str | None = None) -> None:
    """The snapshot's records stored as if the API had sent them at ``at``."""
    snapshot = load_snapshot()
    store = Store.open(settings.paths.state_dir)
    region = settings.api.region
    store.replace_language(region, "", [Changed("languages", snapshot.languages)], at)
    for code in ("de", "en"):
        content = snapshot.by_language[code]
        outcomes = [
            Changed("pages", content.pages),
            Changed("events", content.events),
            Changed("locations", content.places),
        ]
        store.replace_language(region, code, outcomes, at)
    if error:
        store.replace_language(region, "de", [Failed("events", error)], at + timedelta(minutes=1))
    store.close()


def seed_snapshot(settings: Settings) -> None:
    store = Store.open(settings.paths.state_dir)
    store.seed_from_snapshot()
    store.close()


def set_config(tmp_path: Path, text: str) -> Settings:
    (tmp_path / "kiosk.toml").write_text(text, encoding="utf-8")
    return load_settings()


# --- the whole command -----------------------------------------------------------------------------


def test_a_healthy_kiosk_passes_with_a_table_of_reasons(
    tmp_path: Path, settings: Settings, own_translations: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_config(tmp_path, f'[staff]\npin_hash = "{hash_pin("2468", n=2**4)}"\n')
    fill_from_api(settings, NOW)
    assert doctor_command([]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["OK", "configuration"]
    assert any(line.startswith("OK") and "store" in line and "integrity_check" in line for line in lines)
    assert any(line.split()[:3] == ["OK", "translation", "de"] for line in lines)
    assert "FAIL" not in out


def test_json_output_for_machines_and_a_failing_exit_status(
    tmp_path: Path, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.paths.state_dir.mkdir(parents=True)
    (settings.paths.state_dir / FILE_NAME).write_bytes(b"this is not SQLite at all" * 100)
    assert doctor_command(["--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    store = next(check for check in report["checks"] if check["name"] == "store")
    assert store["status"] == "FAIL"
    assert set(store) == {"name", "status", "reason"}


def test_an_invalid_configuration_fails_and_names_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "kiosk.toml").write_text("[display]\nidle_timeout = 30\n", encoding="utf-8")
    assert doctor_command([]) == 1
    first = capsys.readouterr().out.splitlines()[0]
    assert first.split()[:2] == ["FAIL", "configuration"]
    assert "kiosk.toml" in first and "idle_timeout" in first and "unknown key" in first


def test_a_configuration_that_is_not_toml_fails(tmp_path: Path) -> None:
    (tmp_path / "kiosk.toml").write_text("[display\n", encoding="utf-8")
    check, settings = check_settings()
    assert check.status == "FAIL" and "not valid TOML" in check.reason
    assert settings is None


def test_a_wrong_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert doctor_command(["--colour"]) == 2


def test_the_table_never_passes_control_characters_to_the_terminal() -> None:
    table = render_table([Check("API", "FAIL", "server said \x1b[2J\x1b]0;owned\x07 hello\nREADY=1")])
    assert "\x1b" not in table and "\x07" not in table and "\n" not in table
    assert "\\x1b[2J" in table


# --- staff PIN -------------------------------------------------------------------------------------


def test_a_missing_pin_is_a_warning_and_a_mangled_one_a_failure(tmp_path: Path) -> None:
    assert check_staff_pin(set_config(tmp_path, "")).status == "WARN"
    mangled = check_staff_pin(set_config(tmp_path, '[staff]\npin_hash = "2468"\n'))
    assert mangled.status == "FAIL" and "scrypt" in mangled.reason
    assert "2468" not in mangled.reason
    odd_cost = check_staff_pin(
        set_config(tmp_path, '[staff]\npin_hash = "scrypt$1000$8$1$c2FsdA==$aGFzaA=="\n')
    )
    assert odd_cost.status == "FAIL"
    good = check_staff_pin(set_config(tmp_path, f'[staff]\npin_hash = "{hash_pin("2468", n=2**4)}"\n'))
    assert good.status == "OK"


# --- directories -----------------------------------------------------------------------------------


def test_a_directory_that_is_a_file_fails(tmp_path: Path) -> None:
    blocker = tmp_path / "state"
    blocker.write_text("oops", encoding="utf-8")
    check = check_directory("state", blocker)
    assert check.status == "FAIL" and "not a directory" in check.reason


def test_a_directory_that_cannot_be_created_fails(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("", encoding="utf-8")
    check = check_directory("cache", tmp_path / "file" / "kiosk")
    assert check.status == "FAIL" and "cannot create" in check.reason


def test_a_missing_directory_that_can_be_created_is_fine_and_is_not_created(tmp_path: Path) -> None:
    check = check_directory("state", tmp_path / "new" / "kiosk")
    assert check.status == "OK" and "will create" in check.reason
    assert not (tmp_path / "new").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_a_read_only_directory_fails(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    check = check_directory("state", locked)
    assert check.status == "FAIL" and "not writable" in check.reason


def test_a_writable_directory_is_left_as_it_was(tmp_path: Path) -> None:
    assert check_directory("cache", tmp_path).status == "OK"
    assert [p.name for p in tmp_path.iterdir()] == ["kiosk.toml"]


# --- the store ---------------------------------------------------------------------------------------


def test_a_store_that_is_not_sqlite_fails_and_stays_where_it_is(settings: Settings) -> None:
    settings.paths.state_dir.mkdir(parents=True)
    path = settings.paths.state_dir / FILE_NAME
    path.write_bytes(b"garbage" * 1000)
    check = check_store_integrity(settings.paths.state_dir)
    assert check.status == "FAIL"
    assert path.read_bytes() == b"garbage" * 1000, "doctor only looks; it must not move the file aside"
    assert sorted(p.name for p in settings.paths.state_dir.iterdir()) == [FILE_NAME]


def test_a_store_with_damaged_pages_fails_integrity_check(settings: Settings) -> None:
    seed_snapshot(settings)
    path = settings.paths.state_dir / FILE_NAME
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    # Scribble over the b-tree page headers after the schema page: rows the index can no longer find.
    for page in range(1, len(data) // page_size):
        start = page * page_size
        data[start : start + 12] = b"\x0d\x00\x07\xff\xff\x00\x00\x00\x00\x00\x00\x00"
    path.write_bytes(bytes(data))
    check = check_store_integrity(settings.paths.state_dir)
    assert check.status == "FAIL"
    assert str(path) in check.reason


def test_a_missing_store_is_only_a_warning(settings: Settings) -> None:
    check = check_store_integrity(settings.paths.state_dir)
    assert check.status == "WARN" and "bundled" in check.reason
    assert not settings.paths.state_dir.exists()


def test_a_sound_store_passes(settings: Settings) -> None:
    seed_snapshot(settings)
    assert check_store_integrity(settings.paths.state_dir).status == "OK"


# --- content -------------------------------------------------------------------------------------


def test_fresh_api_content_is_ok_with_counts_and_age(settings: Settings) -> None:
    fill_from_api(settings, NOW - timedelta(minutes=20))
    checks = by_name(check_content(settings, NOW))
    assert set(checks) == {"content de", "content en"}
    assert checks["content de"].status == "OK"
    assert "pages" in checks["content de"].reason and "confirmed 20 min ago" in checks["content de"].reason


def test_content_older_than_a_day_is_a_warning(settings: Settings) -> None:
    fill_from_api(settings, NOW - timedelta(days=3))
    check = by_name(check_content(settings, NOW))["content en"]
    assert check.status == "WARN" and "3 days ago" in check.reason


def test_a_failing_resource_is_named(settings: Settings) -> None:
    fill_from_api(settings, NOW - timedelta(minutes=5), error="HTTP 500 from the server")
    checks = by_name(check_content(settings, NOW))
    assert checks["content de"].status == "WARN"
    assert "events: HTTP 500 from the server" in checks["content de"].reason
    assert checks["content en"].status == "OK"


def test_only_the_snapshot_while_an_api_is_configured_is_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = set_config(tmp_path, '[api]\nbase_url = "https://cms.example.org"\n')
    seed_snapshot(settings)
    checks = by_name(check_content(settings, NOW))
    assert checks["content de"].status == "WARN" and "never from the API" in checks["content de"].reason
    monkeypatch.setenv("KIOSK_API__BASE_URL", "")
    assert by_name(check_content(load_settings(), NOW))["content de"].status == "OK"


def test_a_language_without_content_warns_and_no_content_at_all_fails(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill_from_api(settings, NOW)
    monkeypatch.setenv("KIOSK_DISPLAY__LANGUAGES", '["de", "tr"]')
    checks = by_name(check_content(load_settings(), NOW))
    assert checks["content de"].status == "OK"
    assert checks["content tr"].status == "WARN" and "nothing stored" in checks["content tr"].reason
    monkeypatch.setenv("KIOSK_DISPLAY__LANGUAGES", '["tr", "pl"]')
    monkeypatch.setenv("KIOSK_DISPLAY__DEFAULT_LANGUAGE", "tr")
    (nothing,) = check_content(load_settings(), NOW)
    assert nothing.status == "FAIL" and "no content at all" in nothing.reason


# --- the API ---------------------------------------------------------------------------------------


def api_settings(monkeypatch: pytest.MonkeyPatch, base_url: str) -> Settings:
    monkeypatch.setenv("KIOSK_API__BASE_URL", base_url)
    return load_settings()


def answering(handler: Callable[[httpx.Request], httpx.Response]) -> httpx.MockTransport:
    return httpx.MockTransport(handler)


def json_answer(data: object) -> httpx.Response:
    body = json.dumps(data).encode()
    return httpx.Response(200, headers={"Content-Type": "application/json"}, stream=httpx.ByteStream(body))


async def test_no_api_configured_is_fine(settings: Settings) -> None:
    check = await check_api(settings)
    assert check.status == "OK" and "no content API" in check.reason


async def test_a_reachable_api_is_ok(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = api_settings(monkeypatch, "https://cms.example.org")
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return json_answer(LANGUAGES_JSON)

    check = await check_api(settings, transport=answering(handler))
    assert check.status == "OK" and "offers 2 languages" in check.reason
    assert seen == ["/api/v3/dortmund/languages/"]


async def test_a_refused_connection_fails_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    check = await check_api(api_settings(monkeypatch, free_port_url()), timeout_s=2)
    assert check.status == "FAIL" and "refused" in check.reason
    assert "1 attempt" in check.reason, "the doctor does not retry"


async def test_a_server_that_does_not_answer_in_time_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("too slow", request=request)

    check = await check_api(
        api_settings(monkeypatch, "https://cms.example.org"), transport=answering(handler)
    )
    assert check.status == "FAIL" and "no complete answer within 5 s" in check.reason


async def test_an_unknown_region_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = api_settings(monkeypatch, "https://cms.example.org")
    check = await check_api(settings, transport=answering(lambda request: httpx.Response(404)))
    assert check.status == "FAIL" and "'dortmund' not found" in check.reason


async def test_an_unusable_answer_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = api_settings(monkeypatch, "https://cms.example.org")
    check = await check_api(settings, transport=answering(lambda request: json_answer({"x": 1})))
    assert check.status == "FAIL" and "not usable" in check.reason


async def test_a_configured_language_the_region_lacks_is_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIOSK_DISPLAY__LANGUAGES", '["de", "en", "uk"]')
    settings = api_settings(monkeypatch, "https://cms.example.org")
    check = await check_api(settings, transport=answering(lambda r: json_answer(LANGUAGES_JSON)))
    assert check.status == "WARN" and check.reason.endswith("not uk")


# --- translations ----------------------------------------------------------------------------------


HEADER = """msgid ""
msgstr ""
"Language: {code}\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"
"Content-Type: text/plain; charset=utf-8\\n"

"""
MESSAGES = {"Back": "Zurück", "Start over": "Neu beginnen", "Welcome": "Willkommen"}


def po(directory: Path, code: str) -> Path:
    return directory / code / "LC_MESSAGES" / "kiosk.po"


def write_catalog(directory: Path, code: str, translated: Mapping[str, str]) -> None:
    path = po(directory, code)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "".join(f'msgid "{key}"\nmsgstr "{value}"\n\n' for key, value in translated.items())
    path.write_text(HEADER.format(code=code) + body, encoding="utf-8")


@pytest.fixture
def own_translations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A template with three messages, German and English catalogs translating all three."""
    directory = tmp_path / "translations"
    directory.mkdir()
    template = "".join(f'msgid "{key}"\nmsgstr ""\n\n' for key in MESSAGES)
    (directory / "kiosk.pot").write_text(HEADER.format(code="") + template, encoding="utf-8")
    write_catalog(directory, "de", MESSAGES)
    write_catalog(directory, "en", {key: key for key in MESSAGES})
    monkeypatch.setenv("KIOSK_PATHS__TRANSLATIONS_DIR", str(directory))
    return directory


def test_complete_catalogs_pass(own_translations: Path) -> None:
    checks = check_translations(load_settings())
    assert [(check.name, check.status) for check in checks] == [
        ("translation de", "OK"),
        ("translation en", "OK"),
    ]
    assert checks[0].reason == "100% translated (3 messages)"


def test_the_bundled_catalogs_load(settings: Settings) -> None:
    assert all(check.status != "FAIL" for check in check_translations(settings))


def test_a_catalog_with_a_syntax_error_fails(own_translations: Path) -> None:
    path = po(own_translations, "de")
    path.write_text(path.read_text(encoding="utf-8") + '\nmsgid "unterminated\n', encoding="utf-8")
    checks = by_name(check_translations(load_settings()))
    assert checks["translation de"].status == "FAIL" and "syntax error" in checks["translation de"].reason
    assert checks["translation en"].status == "OK"


def test_an_incomplete_catalog_warns_with_counts(own_translations: Path) -> None:
    # One message left out of the catalog though the template has it, one marked fuzzy.
    write_catalog(own_translations, "de", {"Back": "Zurück", "Start over": "Neu beginnen"})
    path = po(own_translations, "de")
    path.write_text(
        path.read_text(encoding="utf-8").replace('msgid "Back"', '#, fuzzy\nmsgid "Back"'), encoding="utf-8"
    )
    completeness = catalog_completeness(own_translations, "de")
    assert completeness is not None
    assert (completeness.total, completeness.untranslated, completeness.fuzzy) == (3, 1, 1)
    check = by_name(check_translations(load_settings()))["translation de"]
    assert check.status == "WARN" and check.reason == "33% translated (1 untranslated, 1 fuzzy)"


def test_a_translation_that_would_break_the_screen_is_named(own_translations: Path) -> None:
    write_catalog(own_translations, "de", {**MESSAGES, "Welcome": "Willkommen {name}"})
    check = by_name(check_translations(load_settings()))["translation de"]
    assert check.status == "WARN" and "1 ignored" in check.reason


def test_a_missing_catalog_warns(own_translations: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.rmtree(own_translations / "en")
    monkeypatch.setenv("KIOSK_DISPLAY__LANGUAGES", '["de", "tr", "en"]')
    checks = by_name(check_translations(load_settings()))
    assert checks["translation tr"].status == "WARN" and "read English" in checks["translation tr"].reason
    assert checks["translation en"].status == "OK", "English is the language the messages are written in"


def test_a_translations_dir_that_is_not_there_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIOSK_PATHS__TRANSLATIONS_DIR", str(tmp_path / "nowhere"))
    (check,) = check_translations(load_settings())
    assert check.status == "FAIL" and "nowhere" in check.reason


# --- the terminal ----------------------------------------------------------------------------------


class FakeTerminal(io.StringIO):
    def __init__(self, encoding: str = "utf-8") -> None:
        super().__init__()
        self._encoding = encoding

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._encoding

    def isatty(self) -> bool:
        return True


def terminal(env: Mapping[str, str], size: tuple[int, int] = (120, 40), encoding: str = "utf-8") -> Check:
    check = check_terminal(FakeTerminal(encoding), env, lambda: os.terminal_size(size))
    assert check is not None
    return check


def test_the_terminal_is_checked_only_on_a_tty() -> None:
    assert check_terminal(io.StringIO(), {"TERM": "xterm-256color"}) is None


def test_a_good_terminal_is_ok() -> None:
    check = terminal({"TERM": "foot", "COLORTERM": "truecolor"})
    assert check.status == "OK" and check.reason == "TERM=foot, truecolour, 120x40, UTF-8"


@pytest.mark.parametrize(
    ("env", "size", "encoding", "status", "says"),
    [
        ({"TERM": "dumb"}, (120, 40), "utf-8", "FAIL", "TERM=dumb"),
        ({}, (120, 40), "utf-8", "FAIL", "TERM=(unset)"),
        ({"TERM": "xterm"}, (120, 40), "utf-8", "WARN", "8 colours"),
        ({"TERM": "xterm-256color"}, (60, 20), "utf-8", "WARN", "60x20 (under 80x24)"),
        ({"TERM": "xterm-256color"}, (120, 40), "ascii", "FAIL", "not UTF-8"),
    ],
)
def test_terminal_problems(
    env: dict[str, str], size: tuple[int, int], encoding: str, status: str, says: str
) -> None:
    check = terminal(env, size, encoding)
    assert check.status == status and says in check.reason


# --- systemd ---------------------------------------------------------------------------------------

RUNNING = {
    "LoadState": "loaded",
    "ActiveState": "active",
    "SubState": "running",
    "Type": "notify",
    "WatchdogUSec": "1min",
    "NRestarts": "2",
}


def test_the_service_running_with_a_watchdog_is_ok() -> None:
    check = check_systemd(lambda unit: RUNNING)
    assert (
        check.status == "OK"
        and check.reason == "kiosk.service is active (running), watchdog 1min, 2 restart(s)"
    )


@pytest.mark.parametrize(
    ("found", "status", "says"),
    [
        ("systemctl not found: this is not a systemd machine", "WARN", "nothing restarts"),
        ({**RUNNING, "LoadState": "not-found"}, "WARN", "not installed"),
        ({**RUNNING, "ActiveState": "failed", "SubState": "failed"}, "FAIL", "has failed"),
        ({**RUNNING, "WatchdogUSec": "0"}, "WARN", "without a watchdog"),
        ({**RUNNING, "WatchdogUSec": "infinity"}, "WARN", "without a watchdog"),
        ({**RUNNING, "Type": "simple"}, "WARN", "ignored"),
        ({**RUNNING, "ActiveState": "inactive", "SubState": "dead"}, "WARN", "inactive (dead)"),
    ],
)
def test_systemd_problems(found: Mapping[str, str] | str, status: str, says: str) -> None:
    check = check_systemd(lambda unit: found)
    assert check.status == status and says in check.reason
