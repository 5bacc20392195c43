"""Catalogs at run time: the visitor's language, the English fallback, .mo vs .po, reload on SIGHUP."""

from __future__ import annotations

import importlib.util
import io
import logging
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

import kiosk.i18n.catalogs as catalogs_module
from kiosk.i18n import _, configure, current_language, gettext, ngettext, set_language
from kiosk.i18n.catalogs import (
    bundled_translations_dir,
    catalog_path,
    fallback_chain,
    load_catalog,
    reload,
    translations,
)
from kiosk.i18n.plurals import PLURAL_FORMS


def write_catalog(directory: Path, code: str, body: str, plural_forms: str | None = None) -> Path:
    path = catalog_path(directory, code)
    path.parent.mkdir(parents=True, exist_ok=True)
    forms = plural_forms or PLURAL_FORMS[code]
    header = (
        f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Plural-Forms: {forms}\\n"\n\n'
    )
    path.write_text(header + body, encoding="utf-8")
    return path


def compile_mo(po: Path, code: str) -> Path:
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=code)
    mo = po.with_suffix(".mo")
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    mo.write_bytes(buffer.getvalue())
    return mo


UK = """\
msgid "Welcome"
msgstr "Ласкаво просимо"

msgid "Hello {name}"
msgstr "Привіт, {name}"

msgid "{n} minute"
msgid_plural "{n} minutes"
msgstr[0] "{n} хвилина"
msgstr[1] "{n} хвилини"
msgstr[2] "{n} хвилин"
"""
EN = 'msgid "Closed"\nmsgstr "Closed today"\n'
DE = 'msgid "Closed"\nmsgstr "Geschlossen"\n\nmsgid "Welcome"\nmsgstr "Willkommen"\n'


@pytest.fixture
def translations_dir(tmp_path: Path) -> Iterator[Path]:
    directory = tmp_path / "translations"
    write_catalog(directory, "uk", UK)
    write_catalog(directory, "en", EN)
    write_catalog(directory, "de", DE)
    configure(directory)
    set_language("uk")
    yield directory
    configure(None)
    set_language("de")


def test_messages_in_the_visitors_language(translations_dir: Path) -> None:
    assert current_language() == "uk"
    assert _("Welcome") == "Ласкаво просимо"
    assert gettext("Hello {name}").format(name="Olena") == "Привіт, Olena"
    set_language("de")
    assert _("Welcome") == "Willkommen"


def test_ukrainian_plurals(translations_dir: Path) -> None:
    assert [ngettext("{n} minute", "{n} minutes", n).format(n=n) for n in (1, 3, 5, 21)] == [
        "1 хвилина",
        "3 хвилини",
        "5 хвилин",
        "21 хвилина",
    ]


def test_missing_message_falls_back_to_english_catalog_then_to_the_english_msgid(
    translations_dir: Path,
) -> None:
    assert fallback_chain("uk") == ("uk", "en")
    assert _("Closed") == "Closed today"  # uk lacks it, the English catalog has a wording
    assert _("Open now") == "Open now"  # nobody has it: the msgid is English
    set_language("fr")  # no French catalog at all
    assert _("Welcome") == "Welcome"
    assert ngettext("{n} minute", "{n} minutes", 2) == "{n} minutes"
    assert ngettext("{n} minute", "{n} minutes", 1) == "{n} minute"


def test_a_language_code_is_never_a_path(translations_dir: Path) -> None:
    write_catalog(translations_dir.parent, "uk", UK)  # a catalog outside the translations folder
    assert load_catalog(translations_dir / "de", "../uk") is None
    set_language("../uk")
    assert _("Welcome") == "Welcome"


def test_fresh_mo_is_used_and_a_stale_one_is_not(translations_dir: Path) -> None:
    po = catalog_path(translations_dir, "uk")
    mo = compile_mo(po, "uk")
    write_catalog(translations_dir, "uk", UK.replace("Ласкаво просимо", "Вітаємо"))  # .po edited after
    os.utime(mo, (1_000_000, 1_000_000))
    os.utime(po, (2_000_000, 2_000_000))
    stale = load_catalog(translations_dir, "uk")
    assert stale is not None and stale.source == po and stale.lookup("Welcome") == "Вітаємо"
    os.utime(mo, (3_000_000, 3_000_000))
    fresh = load_catalog(translations_dir, "uk")
    assert fresh is not None and fresh.source == mo and fresh.lookup("Welcome") == "Ласкаво просимо"
    assert fresh.lookup_plural("{n} minute", 22) == "{n} хвилини"


def test_mo_without_po_is_used(translations_dir: Path) -> None:
    po = catalog_path(translations_dir, "uk")
    compile_mo(po, "uk")
    po.unlink()
    assert _("Welcome") == "Ласкаво просимо"


def test_broken_catalog_at_start_is_refused_with_one_log_line(
    translations_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write_catalog(translations_dir, "uk", 'msgid "Welcome"\nmsgstr "Ласкаво\n')
    with caplog.at_level(logging.WARNING, logger="kiosk.i18n.catalogs"):
        assert _("Welcome") == "Welcome"
        assert _("Welcome") == "Welcome"
    assert len(caplog.records) == 1
    assert "syntax error on line 7" in caplog.records[0].getMessage()


def test_reload_reads_changed_catalogs(translations_dir: Path) -> None:
    assert _("Welcome") == "Ласкаво просимо"
    write_catalog(translations_dir, "uk", UK.replace("Ласкаво просимо", "Вітаємо"))
    assert _("Welcome") == "Ласкаво просимо"  # nothing is re-read until asked
    assert reload() == []
    assert _("Welcome") == "Вітаємо"


def test_reload_keeps_the_catalog_in_use_when_the_new_one_is_broken(
    translations_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    before = translations("uk")
    assert _("Welcome") == "Ласкаво просимо"
    write_catalog(translations_dir, "uk", UK + '\nmsgid "Oops"\nmsgstr "unterminated\n')
    with caplog.at_level(logging.WARNING, logger="kiosk.i18n.catalogs"):
        problems = reload()
    assert len(problems) == 1
    assert "uk/LC_MESSAGES/kiosk.po" in problems[0] and "keeping the catalog in use" in problems[0]
    assert [r.getMessage() for r in caplog.records] == problems
    assert translations("uk") is before
    assert _("Welcome") == "Ласкаво просимо"


def test_reload_finds_catalogs_added_since_start(translations_dir: Path) -> None:
    set_language("fr")
    assert _("Welcome") == "Welcome"
    write_catalog(translations_dir, "fr", 'msgid "Welcome"\nmsgstr "Bienvenue"\n')
    assert reload() == []
    assert _("Welcome") == "Bienvenue"


def test_reload_keeps_a_catalog_whose_file_disappeared(translations_dir: Path) -> None:
    assert _("Welcome") == "Ласкаво просимо"
    catalog_path(translations_dir, "uk").unlink()
    problems = reload()
    assert len(problems) == 1 and "disappeared" in problems[0]
    assert _("Welcome") == "Ласкаво просимо"


def test_translation_that_would_break_the_screen_is_ignored(
    translations_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    body = UK.replace("Привіт, {name}", "Привіт, {nmae}").replace("Ласкаво просимо", "\\x1b[2JЛаскаво")
    write_catalog(translations_dir, "uk", body)
    with caplog.at_level(logging.WARNING, logger="kiosk.i18n.catalogs"):
        assert _("Hello {name}").format(name="Olena") == "Hello Olena"
        assert _("Welcome") == "Welcome"
    assert len(caplog.records) == 1 and "2 translation(s) ignored" in caplog.records[0].getMessage()
    assert ngettext("{n} minute", "{n} minutes", 5) == "{n} хвилин"


def test_fuzzy_and_empty_translations_are_not_shown(translations_dir: Path) -> None:
    write_catalog(
        translations_dir, "uk", '#, fuzzy\nmsgid "Welcome"\nmsgstr "Ласкаво"\n\nmsgid "Closed"\nmsgstr ""\n'
    )
    assert _("Welcome") == "Welcome"
    assert _("Closed") == "Closed today"


def test_plural_form_index_out_of_range_falls_back(translations_dir: Path) -> None:
    write_catalog(translations_dir, "uk", UK, plural_forms="nplurals=3; plural=(n==1 ? 0 : 7);")
    assert ngettext("{n} minute", "{n} minutes", 1) == "{n} хвилина"
    assert ngettext("{n} minute", "{n} minutes", 4) == "{n} minutes"


def test_bundled_catalogs_are_the_checkouts_translations_folder() -> None:
    configure(None)
    assert bundled_translations_dir() == Path(__file__).resolve().parents[2] / "translations"
    assert (bundled_translations_dir() / "kiosk.pot").is_file()


def test_installed_wheel_finds_its_catalogs_inside_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The wheel puts translations/ at kiosk/translations (pyproject force-include).
    package = tmp_path / "site-packages" / "kiosk"
    (package / "i18n").mkdir(parents=True)
    (package / "translations").mkdir()
    shutil.copy(catalogs_module.__file__, package / "i18n" / "catalogs.py")
    spec = importlib.util.spec_from_file_location("installed_catalogs", package / "i18n" / "catalogs.py")
    assert spec is not None and spec.loader is not None
    installed = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "installed_catalogs", installed)
    spec.loader.exec_module(installed)
    assert installed.bundled_translations_dir() == (package / "translations").resolve()
