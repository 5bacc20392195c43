"""`kiosk i18n ...`: what an admin or translator sees when keeping the catalogs in step with the code."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from kiosk.cli.i18n import i18n_command
from kiosk.i18n.catalogs import bundled_translations_dir, catalog_path, load_catalog
from kiosk.i18n.checks import parse_po
from kiosk.i18n.locales import UI_LANGUAGES
from kiosk.i18n.plurals import PLURAL_FORMS, nplurals

SOURCE = """\
from kiosk.i18n import _, ngettext


def screen(n: int, name: str) -> list[str]:
    return [
        # TRANSLATORS: the greeting on the welcome screen
        _("Hello {name}").format(name=name),
        ngettext("{n} minute", "{n} minutes", n).format(n=n),
        _("[b]Open[/b] now, %(count)d places") % {"count": 3},
    ]
"""


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    status = i18n_command(list(args), out=out)
    return status, out.getvalue()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A package with translatable strings and an empty translations folder; returns that folder."""
    sources = tmp_path / "app"
    sources.mkdir()
    (sources / "screen.py").write_text(SOURCE, encoding="utf-8")
    directory = tmp_path / "translations"
    status, _ = run("--dir", str(directory), "extract", "--sources", str(sources))
    assert status == 0
    return directory


def translate(path: Path, replacements: dict[str, str]) -> None:
    text = path.read_text(encoding="utf-8")
    for before, after in replacements.items():
        assert before in text
        text = text.replace(before, after, 1)
    path.write_text(text, encoding="utf-8")


def test_extract_collects_messages_with_translator_comments(project: Path) -> None:
    pot = parse_po((project / "kiosk.pot").read_text(encoding="utf-8"))
    assert [entry.msgid for entry in pot.entries] == [
        "Hello {name}",
        "{n} minute",
        "[b]Open[/b] now, %(count)d places",
    ]
    assert pot.entries[1].msgid_plural == "{n} minutes"
    text = (project / "kiosk.pot").read_text(encoding="utf-8")
    assert "#. the greeting on the welcome screen" in text
    assert "#: app/screen.py\n" in text  # no line numbers: moving code does not churn the catalogs


def test_extract_leaves_an_unchanged_template_alone(project: Path, tmp_path: Path) -> None:
    pot = project / "kiosk.pot"
    os.utime(pot, (1_000_000, 1_000_000))
    status, out = run("--dir", str(project), "extract", "--sources", str(tmp_path / "app"))
    assert status == 0 and "unchanged, 3 messages" in out
    assert pot.stat().st_mtime == 1_000_000


@pytest.mark.parametrize("code", UI_LANGUAGES)
def test_add_starts_a_catalog_with_cldr_plural_forms(project: Path, code: str) -> None:
    status, out = run("--dir", str(project), "add", code)
    assert status == 0 and "created" in out
    po = parse_po(catalog_path(project, code).read_text(encoding="utf-8"))
    assert po.header["Plural-Forms"] == PLURAL_FORMS[code]
    assert po.header["Language"] == code
    assert [len(entry.strings) for entry in po.entries] == [1, nplurals(code), 1]
    assert not any(any(entry.strings) for entry in po.entries)


def test_add_refuses_existing_and_unknown_languages(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("--dir", str(project), "add", "uk")[0] == 0
    assert run("--dir", str(project), "add", "uk")[0] == 2
    assert "already exists" in capsys.readouterr().err
    assert run("--dir", str(project), "add", "qq")[0] == 2
    assert "not a language code" in capsys.readouterr().err


def test_add_without_template_says_to_extract_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("--dir", str(tmp_path), "add", "uk")[0] == 2
    assert "run `kiosk i18n extract` first" in capsys.readouterr().err


def test_update_keeps_translations_and_marks_changed_messages_fuzzy(project: Path, tmp_path: Path) -> None:
    run("--dir", str(project), "add", "fr")
    path = catalog_path(project, "fr")
    translate(path, {'msgid "Hello {name}"\nmsgstr ""': 'msgid "Hello {name}"\nmsgstr "Bonjour {name}"'})
    source = tmp_path / "app" / "screen.py"
    source.write_text(SOURCE.replace("Hello {name}", "Hello, {name}!") + '\n_("Goodbye")\n', encoding="utf-8")
    run("--dir", str(project), "extract", "--sources", str(tmp_path / "app"))
    status, out = run("--dir", str(project), "update")
    assert status == 0 and "updated" in out
    entries = {entry.msgid: entry for entry in parse_po(path.read_text(encoding="utf-8")).entries}
    assert entries["Hello, {name}!"].fuzzy
    assert entries["Hello, {name}!"].strings == ["Bonjour {name}"]
    assert entries["Goodbye"].strings == [""]
    assert "Hello {name}" not in entries
    assert parse_po(path.read_text(encoding="utf-8")).header["Plural-Forms"] == PLURAL_FORMS["fr"]


def test_update_does_not_touch_a_broken_catalog(project: Path) -> None:
    run("--dir", str(project), "add", "fr")
    path = catalog_path(project, "fr")
    path.write_text(
        path.read_text(encoding="utf-8") + '\nmsgid "x"\nmsgstr "unterminated\n', encoding="utf-8"
    )
    before = path.read_bytes()
    status, out = run("--dir", str(project), "update")
    assert status == 1 and "syntax error" in out and "not updated" in out
    assert path.read_bytes() == before


def test_compile_writes_mo_that_the_kiosk_then_uses(project: Path) -> None:
    run("--dir", str(project), "add", "uk")
    translate(
        catalog_path(project, "uk"),
        {
            'msgid "Hello {name}"\nmsgstr ""': 'msgid "Hello {name}"\nmsgstr "Привіт, {name}"',
            'msgstr[0] ""\nmsgstr[1] ""\nmsgstr[2] ""': 'msgstr[0] "{n} хвилина"\nmsgstr[1] "{n} хвилини"\n'
            'msgstr[2] "{n} хвилин"',
        },
    )
    status, out = run("--dir", str(project), "compile")
    assert status == 0 and "compiled" in out
    catalog = load_catalog(project, "uk")
    assert catalog is not None and catalog.source == catalog_path(project, "uk", ".mo")
    assert catalog.lookup("Hello {name}") == "Привіт, {name}"
    assert catalog.lookup_plural("{n} minute", 5) == "{n} хвилин"


def test_compile_refuses_a_catalog_with_errors_and_keeps_the_old_mo(project: Path) -> None:
    run("--dir", str(project), "add", "uk")
    run("--dir", str(project), "compile")
    mo = catalog_path(project, "uk", ".mo")
    before = mo.read_bytes()
    translate(
        catalog_path(project, "uk"),
        {'msgid "Hello {name}"\nmsgstr ""': 'msgid "Hello {name}"\nmsgstr "{nmae}"'},
    )
    status, out = run("--dir", str(project), "compile")
    assert status == 1
    assert re.search(r"uk/LC_MESSAGES/kiosk\.po:\d+: msgstr placeholders differ", out)
    assert "not compiled (1 error(s)); the previous .mo stays" in out
    assert mo.read_bytes() == before


def test_stats_shows_progress_per_language(project: Path) -> None:
    for code in ("de", "ar"):
        run("--dir", str(project), "add", code)
    translate(
        catalog_path(project, "de"),
        {'msgid "Hello {name}"\nmsgstr ""': 'msgid "Hello {name}"\nmsgstr "Hallo {name}"'},
    )
    translate(
        catalog_path(project, "ar"),
        {'msgid "Hello {name}"\nmsgstr ""': '#, fuzzy\nmsgid "Hello {name}"\nmsgstr "مرحبا {name}"'},
    )
    status, out = run("--dir", str(project), "stats")
    assert status == 0
    assert [line.split() for line in out.splitlines()] == [
        ["code", "language", "translated", "fuzzy", "untranslated"],
        ["de", "Deutsch", "33%", "0", "2"],
        ["ar", "العربية", "0%", "1", "2"],
    ]


def test_check_is_clean_for_a_finished_catalog_and_lists_problems_otherwise(project: Path) -> None:
    run("--dir", str(project), "add", "fa")
    path = catalog_path(project, "fa")
    status, out = run("--dir", str(project), "check")
    assert status == 1 and out.count("untranslated") == 3
    assert run("--dir", str(project), "check", "--errors-only") == (0, "")
    translate(
        path,
        {
            'msgid "Hello {name}"\nmsgstr ""': 'msgid "Hello {name}"\nmsgstr "سلام {name}"',
            'msgstr[0] ""\nmsgstr[1] ""': 'msgstr[0] "{n} دقیقه"\nmsgstr[1] "{n} دقیقه"',
            'places"\nmsgstr ""': 'places"\nmsgstr "[b]باز[/b] است، %(count)d مکان"',
        },
    )
    assert run("--dir", str(project), "check") == (0, "")
    translate(path, {"[b]باز[/b]": "[i]باز[/i]"})
    status, out = run("--dir", str(project), "check", "fa")
    assert status == 1
    assert re.fullmatch(rf"{re.escape(str(path))}:\d+: msgstr markup tags differ from the msgid: .*\n", out)


def test_check_of_a_missing_language_is_a_usage_error(project: Path) -> None:
    assert run("--dir", str(project), "check", "fr")[0] == 2


def test_unknown_subcommand_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert i18n_command(["frobnicate"]) == 2
    assert "invalid choice" in capsys.readouterr().err


MSGFMT = shutil.which("msgfmt")
needs_msgfmt = pytest.mark.skipif(
    MSGFMT is None, reason="GNU msgfmt is not installed (apt-get install gettext)"
)


def msgfmt_check(path: Path) -> subprocess.CompletedProcess[str]:
    assert MSGFMT is not None
    return subprocess.run([MSGFMT, "--check", "-o", os.devnull, str(path)], capture_output=True, text=True)


@needs_msgfmt
@pytest.mark.parametrize("code", UI_LANGUAGES)
def test_gnu_msgfmt_accepts_generated_and_translated_catalogs(project: Path, code: str) -> None:
    run("--dir", str(project), "add", code)
    path = catalog_path(project, code)
    assert msgfmt_check(path).returncode == 0, msgfmt_check(path).stderr
    # Filled in, every plural form exists and the Plural-Forms expression passes msgfmt's own checks.
    empty_forms = "\n".join(f'msgstr[{i}] ""' for i in range(nplurals(code)))
    full_forms = "\n".join(f'msgstr[{i}] "{{n}} form {i}"' for i in range(nplurals(code)))
    translate(
        path,
        {
            empty_forms: full_forms,
            'msgid "Hello {name}"\nmsgstr ""': 'msgid "Hello {name}"\nmsgstr "Hi {name}"',
        },
    )
    result = msgfmt_check(path)
    assert result.returncode == 0, result.stderr
    assert run("--dir", str(project), "check", "--errors-only", code) == (0, "")


@needs_msgfmt
def test_gnu_msgfmt_accepts_the_shipped_catalogs() -> None:
    directory = bundled_translations_dir()
    codes = [code for code in UI_LANGUAGES if catalog_path(directory, code).is_file()]
    assert codes == list(UI_LANGUAGES)
    for code in codes:
        result = msgfmt_check(catalog_path(directory, code))
        assert result.returncode == 0, result.stderr
    assert i18n_command(["check", "--errors-only"], out=io.StringIO()) == 0
