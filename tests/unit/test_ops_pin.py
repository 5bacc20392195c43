"""The staff PIN: hashed with scrypt, checked, locked after five wrong tries, set from the shell."""

from __future__ import annotations

import getpass
import logging
import os
import stat
import tomllib
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kiosk.cli.staff import set_pin_command, staff_command
from kiosk.clock import BERLIN
from kiosk.config import load_settings
from kiosk.ops.pin import PinGuard, hash_pin, verify_pin

PIN = "2580"  # deliberately not a substring of "scrypt$16384$8$1$"


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 10, 30, tzinfo=BERLIN)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture(scope="module")
def stored() -> str:
    return hash_pin(PIN)


def prompts(*values: str) -> tuple[list[str], Callable[[str], str]]:
    asked: list[str] = []
    replies = iter(values)

    def read_secret(prompt: str) -> str:
        asked.append(prompt)
        return next(replies)

    return asked, read_secret


# --- hashing ---------------------------------------------------------------------------------------


def test_the_hash_is_one_scrypt_string_without_the_pin(stored: str) -> None:
    scheme, n, r, p, salt, digest = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")
    assert salt and digest
    assert PIN not in stored


def test_the_right_pin_verifies_and_a_wrong_one_does_not(stored: str) -> None:
    assert verify_pin(PIN, stored)
    assert not verify_pin("2581", stored)
    assert not verify_pin("", stored)
    assert not verify_pin(PIN + "0", stored)


def test_every_hash_has_its_own_salt() -> None:
    first, second = hash_pin(PIN, n=2**4), hash_pin(PIN, n=2**4)
    assert first != second
    assert verify_pin(PIN, first) and verify_pin(PIN, second)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "2580",
        "bcrypt$16384$8$1$c2FsdA==$aGFzaA==",
        "scrypt$16384$8$1$not base64$aGFzaA==",
        "scrypt$many$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA==",
        "scrypt$1000$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA==",  # n not a power of two
        "scrypt$1073741824$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA==",  # would take gigabytes
        "scrypt$16384$8$1$c2FsdHNhbHRzYWx0$",
    ],
)
def test_a_malformed_stored_hash_never_lets_anyone_in(bad: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert verify_pin(PIN, bad) is False
    assert "staff PIN hash" in caplog.text


# --- attempts and lockout --------------------------------------------------------------------------


def test_five_wrong_pins_lock_for_five_minutes(stored: str) -> None:
    clock = FakeClock()
    guard = PinGuard(stored, clock)
    assert [guard.attempt("0000") for _ in range(4)] == ["wrong"] * 4
    assert guard.attempts_left == 1
    assert guard.attempt("0000") == "locked"
    assert guard.locked_until == clock.now + timedelta(minutes=5)
    assert guard.attempt(PIN) == "locked"  # even the right PIN waits
    clock.advance(minutes=4, seconds=59)
    assert guard.attempt(PIN) == "locked"
    clock.advance(seconds=1)
    assert guard.attempts_left == 5
    assert guard.attempt(PIN) == "ok"


def test_after_the_lock_the_count_starts_again(stored: str) -> None:
    clock = FakeClock()
    guard = PinGuard(stored, clock)
    for _ in range(5):
        guard.attempt("1111")
    clock.advance(minutes=5)
    assert guard.locked_until is None
    assert guard.attempts_left == 5
    assert guard.attempt("1111") == "wrong"


def test_the_right_pin_resets_the_count_of_wrong_ones(stored: str) -> None:
    guard = PinGuard(stored, FakeClock())
    for _ in range(4):
        guard.attempt("1111")
    assert guard.attempt(PIN) == "ok"
    assert [guard.attempt("1111") for _ in range(4)] == ["wrong"] * 4


def test_without_a_stored_pin_nobody_gets_in() -> None:
    guard = PinGuard(None, FakeClock())
    assert guard.attempt("") == "wrong"
    assert guard.attempt("0000") == "wrong"


def test_pin_digits_never_reach_the_log(stored: str, caplog: pytest.LogCaptureFixture) -> None:
    guard = PinGuard(stored, FakeClock())
    with caplog.at_level(logging.DEBUG):
        for _ in range(5):
            guard.attempt("9137")
        guard.attempt(PIN)
    assert "locked" in caplog.text
    assert "9137" not in caplog.text
    assert PIN not in caplog.text


# --- kiosk staff set-pin ---------------------------------------------------------------------------


def run_set_pin(path: Path, *replies: str) -> tuple[int, list[str], list[str]]:
    asked, read_secret = prompts(*replies)
    said: list[str] = []
    status = set_pin_command(path, read_secret=read_secret, say=said.append)
    return status, asked, said


def test_set_pin_creates_a_missing_file_holding_only_the_hash(tmp_path: Path) -> None:
    path = tmp_path / "etc" / "kiosk.toml"
    status, asked, _ = run_set_pin(path, PIN, PIN)
    assert status == 0
    assert len(asked) == 2
    text = path.read_text(encoding="utf-8")
    assert PIN not in text
    assert text.startswith('[staff]\npin_hash = "scrypt$')
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_set_pin_keeps_the_rest_of_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "kiosk.toml"
    original = (
        "# lobby PC, Westerfilde\n"
        "[api]\n"
        'region = "dortmund"  # the city\n'
        "refresh_minutes = 30\n"
        "\n"
        "[staff]\n"
        'pin_hash = "scrypt$16384$8$1$old$old"  # replaced\n'
        "\n"
        "[display]\n"
        'languages = ["de", "en", "ar"]\n'
    )
    path.write_text(original, encoding="utf-8")
    path.chmod(0o600)
    assert run_set_pin(path, PIN, PIN)[0] == 0
    text = path.read_text(encoding="utf-8")
    assert text.startswith('# lobby PC, Westerfilde\n[api]\nregion = "dortmund"  # the city\n')
    assert text.endswith('[display]\nlanguages = ["de", "en", "ar"]\n')
    assert "old" not in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    monkeypatch.setenv("KIOSK_CONFIG", str(path))
    settings = load_settings()
    assert settings.api.refresh_minutes == 30
    assert settings.display.languages == ["de", "en", "ar"]
    assert settings.staff.pin_hash is not None
    assert verify_pin(PIN, settings.staff.pin_hash)


def test_set_pin_adds_the_staff_section_when_missing(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text('[links]\nallowed_hosts = ["dortmund.de"]', encoding="utf-8")  # no final newline
    assert run_set_pin(path, PIN, PIN)[0] == 0
    text = path.read_text(encoding="utf-8")
    assert text.startswith('[links]\nallowed_hosts = ["dortmund.de"]\n\n[staff]\npin_hash = "scrypt$')


def test_set_pin_adds_the_key_to_an_existing_staff_section(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text("[staff]\n# set with kiosk staff set-pin\n[api]\ntimeout_s = 5\n", encoding="utf-8")
    assert run_set_pin(path, PIN, PIN)[0] == 0
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "[staff]"
    assert lines[1].startswith('pin_hash = "scrypt$')
    assert lines[2:] == ["# set with kiosk staff set-pin", "[api]", "timeout_s = 5"]


@pytest.mark.parametrize(
    ("first", "second", "reason"),
    [
        ("2580", "2581", "differ"),
        ("123", "123", "4 to 8 digits"),
        ("123456789", "123456789", "4 to 8 digits"),
        ("12a4", "12a4", "4 to 8 digits"),
        ("١٢٣٤", "١٢٣٤", "4 to 8 digits"),  # Arabic-Indic digits: the PIN pad sends 0-9 only
        (" 2580", " 2580", "4 to 8 digits"),
    ],
)
def test_set_pin_refuses_and_changes_nothing(tmp_path: Path, first: str, second: str, reason: str) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text("[api]\ntimeout_s = 5\n", encoding="utf-8")
    status, _, said = run_set_pin(path, first, second)
    assert status == 1
    assert reason in said[-1]
    assert path.read_text(encoding="utf-8") == "[api]\ntimeout_s = 5\n"


def test_set_pin_refuses_a_file_that_is_not_toml(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text("[api\n", encoding="utf-8")
    status, _, said = run_set_pin(path, PIN, PIN)
    assert status == 1
    assert "not valid TOML" in said[-1]
    assert path.read_text(encoding="utf-8") == "[api\n"


def test_set_pin_will_not_guess_at_an_unusual_layout(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text('staff.pin_hash = "scrypt$1$1$1$a$b"\n', encoding="utf-8")
    status, _, said = run_set_pin(path, PIN, PIN)
    assert status == 1
    assert "by hand" in said[-1]
    assert path.read_text(encoding="utf-8") == 'staff.pin_hash = "scrypt$1$1$1$a$b"\n'


def test_set_pin_replaces_the_hash_in_an_inline_staff_table(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text('staff = { pin_hash = "scrypt$1$1$1$a$b" }  # inline\n[api]\ntimeout_s = 5\n', "utf-8")
    assert run_set_pin(path, PIN, PIN)[0] == 0
    text = path.read_text(encoding="utf-8")
    assert text.startswith('staff = { pin_hash = "scrypt$16384$') and "}  # inline\n" in text
    assert text.endswith("[api]\ntimeout_s = 5\n")
    assert verify_pin(PIN, tomllib.loads(text)["staff"]["pin_hash"])


def test_set_pin_will_not_guess_at_an_array_of_staff_tables(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text('[[staff]]\npin_hash = "a"\n', encoding="utf-8")
    status, _, said = run_set_pin(path, PIN, PIN)
    assert status == 1 and "by hand" in said[-1]
    assert path.read_text(encoding="utf-8") == '[[staff]]\npin_hash = "a"\n'


def test_set_pin_cancelled_with_ctrl_d(tmp_path: Path) -> None:
    path = tmp_path / "new.toml"

    def read_secret(prompt: str) -> str:
        raise EOFError

    assert set_pin_command(path, read_secret=read_secret, say=lambda text: None) == 1
    assert not path.exists()


def test_staff_set_pin_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "site.toml"
    replies = iter([PIN, PIN])
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(replies))
    assert staff_command(["set-pin", "--config", str(path)]) == 0
    assert "saved" in capsys.readouterr().err
    assert verify_pin(PIN, load_settings_from(path, monkeypatch))


def test_staff_set_pin_defaults_to_the_kiosk_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = Path(os.environ["KIOSK_CONFIG"])  # set for every test by conftest
    replies = iter([PIN, PIN])
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(replies))
    assert staff_command(["set-pin"]) == 0
    assert verify_pin(PIN, load_settings_from(path, monkeypatch))


def test_staff_without_a_subcommand_prints_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert staff_command([]) == 2
    assert "usage: kiosk staff" in capsys.readouterr().err
    assert staff_command(["reboot"]) == 2


def load_settings_from(path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("KIOSK_CONFIG", str(path))
    pin_hash = load_settings().staff.pin_hash
    assert pin_hash is not None
    return pin_hash
