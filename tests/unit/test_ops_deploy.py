"""The files docs/deploy.md tells admins to paste are valid as written."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from kiosk.config import load_settings
from kiosk.ops.pin import hash_pin, verify_pin, write_pin_hash

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "docs" / "deploy.md"


def pasted_file(path: str) -> str:
    """The fenced block in deploy.md whose first line is a comment naming ``path``."""
    text = DEPLOY.read_text(encoding="utf-8")
    for body in re.findall(r"^```\w*\n(.*?)^```", text, flags=re.DOTALL | re.MULTILINE):
        first = body.split("\n", 1)[0]
        if re.fullmatch(rf"(#|//) {re.escape(path)}( .*)?", first):
            return str(body)
    raise AssertionError(f"deploy.md has no block for {path}")


def test_the_example_settings_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "etc-kiosk.toml"
    path.write_text(pasted_file("/etc/kiosk/kiosk.toml"), encoding="utf-8")
    monkeypatch.setenv("KIOSK_CONFIG", str(path))
    monkeypatch.delenv("KIOSK_PATHS__STATE_DIR", raising=False)
    monkeypatch.delenv("KIOSK_PATHS__CACHE_DIR", raising=False)
    settings = load_settings()
    assert settings.api.base_url == "https://cms.integreat-app.de"
    assert settings.display.languages[:2] == ["de", "en"] and len(settings.display.languages) == 12
    assert settings.paths.state_dir == Path("/var/lib/kiosk")
    assert settings.staff.pin_hash is None


def test_set_pin_works_on_the_example_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "etc-kiosk.toml"
    example = pasted_file("/etc/kiosk/kiosk.toml")
    path.write_text(example, encoding="utf-8")
    write_pin_hash(path, hash_pin("2580", n=2**4))
    monkeypatch.setenv("KIOSK_CONFIG", str(path))
    pin_hash = load_settings().staff.pin_hash
    assert pin_hash is not None and verify_pin("2580", pin_hash)
    # Only the one line was added: every line of the example is still there, in order.
    assert [line for line in path.read_text(encoding="utf-8").splitlines() if "pin_hash =" not in line] == (
        example.splitlines()
    )


@pytest.mark.skipif(shutil.which("foot") is None, reason="foot is not installed (Debian package: foot)")
def test_foot_accepts_the_terminal_configuration(tmp_path: Path) -> None:
    path = tmp_path / "foot.ini"
    path.write_text(pasted_file("/etc/kiosk/foot.ini"), encoding="utf-8")
    result = subprocess.run(
        ["foot", "--check-config", f"--config={path}"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_the_unit_uses_the_documented_terminal_configuration() -> None:
    assert pasted_file("/etc/kiosk/foot.ini")
    assert "--config=/etc/kiosk/foot.ini" in (ROOT / "kiosk.service").read_text(encoding="utf-8")


def test_the_polkit_rule_allows_only_restart_and_reload_of_the_kiosk() -> None:
    rule = pasted_file("/etc/polkit-1/rules.d/50-kiosk-staff.rules")
    assert 'action.lookup("unit") === "kiosk.service"' in rule
    assert 'subject.isInGroup("kiosk-staff")' in rule
    assert set(re.findall(r'verb === "(\w+)"', rule)) == {"restart", "reload"}


@pytest.mark.parametrize(
    ("installed", "source"),
    [
        ("/etc/kiosk/kiosk.toml", "kiosk.toml"),
        ("/etc/kiosk/foot.ini", "foot.ini"),
        ("/etc/polkit-1/rules.d/50-kiosk-staff.rules", "50-kiosk-staff.rules"),
        ("/etc/systemd/logind.conf.d/kiosk.conf", "logind-kiosk.conf"),
    ],
)
def test_the_page_shows_exactly_what_install_sh_installs(installed: str, source: str) -> None:
    assert pasted_file(installed) == (ROOT / "deploy" / source).read_text(encoding="utf-8")
    assert f'"$SRC/deploy/{source}"' in (ROOT / "deploy" / "install.sh").read_text(encoding="utf-8")


def test_the_page_runs_the_install_script() -> None:
    assert "sudo /opt/kiosk/src/deploy/install.sh" in DEPLOY.read_text(encoding="utf-8")
