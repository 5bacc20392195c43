"""``kiosk i18n``: keep the translation catalogs in step with the code (babel does the PO work).

extract              collect the messages of the kiosk's sources into kiosk.pot
update               merge kiosk.pot into every catalog (changed messages become fuzzy)
add LANG             start a catalog for LANG with CLDR's Plural-Forms
compile              write kiosk.mo beside every kiosk.po that has no errors
stats                how far each catalog is translated
check [LANG ...]     list problems as file:line: message; exit 1 if there are any
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO, TextIO

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from rich.cells import cell_len

import kiosk
from kiosk.i18n.catalogs import DOMAIN, catalog_languages, catalog_path
from kiosk.i18n.checks import PoSyntaxError, check_po, parse_po
from kiosk.i18n.locales import UI_LANGUAGES, german_name, native_name
from kiosk.i18n.plurals import plural_forms
from kiosk.i18n.rtl import visual_line

KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "gettext_in": (2,),
}
COMMENT_TAGS = ("TRANSLATORS:",)


class Usage(Exception):
    """A mistake in how the command was called, or a state it cannot work from."""


def template_path(directory: Path) -> Path:
    return directory / f"{DOMAIN}.pot"


def sources_dir() -> Path:
    return Path(kiosk.__file__).resolve().parent


@contextmanager
def _replacing(path: Path, mode: str = "wb") -> Iterator[IO[bytes]]:
    """Write ``path`` through a temporary file so a running kiosk never reads half a catalog."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, mode) as stream:
            yield stream
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _po_text(catalog: Catalog, **options: bool) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, include_lineno=False, **options)
    return buffer.getvalue()


_CREATION_DATE = re.compile(rb'^"POT-Creation-Date: [^"]*"\n', re.MULTILINE)


def extract(directory: Path, sources: Path, out: TextIO) -> int:
    """Write ``kiosk.pot`` from the messages in ``sources``; leave it alone if only its date would change."""
    template = Catalog(
        project="kiosk",
        version=kiosk.__version__,
        copyright_holder="the kiosk authors",
        charset="utf-8",
        fuzzy=False,
    )
    for filename, lineno, message, comments, context in extract_from_dir(
        str(sources),
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,
        comment_tags=COMMENT_TAGS,
        strip_comment_tags=True,
    ):
        location = f"{sources.name}/{Path(filename).as_posix()}"
        template.add(message, None, [(location, lineno)], auto_comments=comments, context=context)
    text = _po_text(template)
    path = template_path(directory)
    if path.is_file() and _CREATION_DATE.sub(b"", path.read_bytes()) == _CREATION_DATE.sub(b"", text):
        print(f"{path}: unchanged, {len(template)} messages", file=out)
        return 0
    with _replacing(path) as stream:
        stream.write(text)
    print(f"{path}: {len(template)} messages", file=out)
    return 0


def _read_template(directory: Path) -> Catalog:
    path = template_path(directory)
    if not path.is_file():
        raise Usage(f"{path} does not exist: run `kiosk i18n extract` first")
    with path.open("rb") as handle:
        return read_po(handle)


def _po_languages(directory: Path) -> list[str]:
    codes = [code for code in catalog_languages(directory) if catalog_path(directory, code).is_file()]
    return sorted(codes, key=lambda c: (UI_LANGUAGES.index(c) if c in UI_LANGUAGES else len(UI_LANGUAGES), c))


def _syntax_error(path: Path) -> str | None:
    try:
        parse_po(path.read_text(encoding="utf-8"))
    except PoSyntaxError as exc:
        return f"{path}:{exc.line}: syntax error: {exc.message}"
    except (UnicodeDecodeError, OSError) as exc:
        return f"{path}:1: cannot be read: {exc}"
    return None


def update(directory: Path, out: TextIO) -> int:
    """Merge the template into every catalog, keeping translations and marking changed ones fuzzy."""
    template = _read_template(directory)
    status = 0
    for code in _po_languages(directory):
        path = catalog_path(directory, code)
        if error := _syntax_error(path):
            print(f"{error} (not updated)", file=out)
            status = 1
            continue
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=code)
        catalog.update(template, update_header_comment=False, keep_user_comments=True)
        with _replacing(path) as stream:
            # Obsolete entries are dropped: kept, they collide with a message that comes back later.
            stream.write(_po_text(catalog, include_previous=True, ignore_obsolete=True))
        print(f"{path}: updated", file=out)
    return status


def add(directory: Path, code: str, out: TextIO) -> int:
    """Start the catalog of ``code`` from the template, with CLDR's Plural-Forms."""
    try:
        locale = Locale.parse(code)
    except Exception:
        raise Usage(f"{code!r} is not a language code babel knows (e.g. uk, fa, ku)") from None
    path = catalog_path(directory, code)
    if path.exists():
        raise Usage(f"{path} already exists: use `kiosk i18n update`")
    # Read without a locale: babel's own plural table would cut Persian and Turkish to one form.
    catalog = _read_template(directory)
    catalog.locale = locale
    catalog.revision_date = datetime.now().astimezone()
    catalog.language_team = f"{german_name(code)} <{code}@li.org>"
    catalog.fuzzy = False
    catalog.mime_headers = [("Plural-Forms", plural_forms(code))]
    with _replacing(path) as stream:
        stream.write(_po_text(catalog))
    print(f"{path}: created ({plural_forms(code)})", file=out)
    return 0


def compile_catalogs(directory: Path, out: TextIO) -> int:
    """Write ``kiosk.mo`` beside each ``kiosk.po``; a catalog with errors is refused and says why."""
    status = 0
    for code in _po_languages(directory):
        path = catalog_path(directory, code)
        errors = [problem for problem in check_po(path, code) if problem.kind == "error"]
        if errors:
            for problem in errors:
                print(problem, file=out)
            print(f"{path}: not compiled ({len(errors)} error(s)); the previous .mo stays", file=out)
            status = 1
            continue
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=code)
        with _replacing(catalog_path(directory, code, ".mo")) as stream:
            write_mo(stream, catalog, use_fuzzy=False)
        print(f"{path}: compiled", file=out)
    return status


def stats(directory: Path, out: TextIO) -> int:
    """Print, per catalog: code, native name, translated %, fuzzy and untranslated counts."""
    rows = [("code", "language", "translated", "fuzzy", "untranslated")]
    tty = out.isatty()
    for code in _po_languages(directory):
        name = native_name(code)
        name = visual_line(name, "ltr") if tty else name
        try:
            entries = parse_po(catalog_path(directory, code).read_text(encoding="utf-8")).entries
        except (PoSyntaxError, UnicodeDecodeError, OSError):
            rows.append((code, name, "broken", "-", "-"))
            continue
        fuzzy = sum(entry.fuzzy for entry in entries)
        done = sum(not entry.fuzzy and all(entry.strings) for entry in entries)
        percent = f"{100 * done // len(entries)}%" if entries else "-"
        rows.append((code, name, percent, str(fuzzy), str(len(entries) - done - fuzzy)))
    widths = [max(cell_len(row[i]) for row in rows) for i in range(5)]
    for row in rows:
        cells = [row[0].ljust(widths[0]), row[1] + " " * (widths[1] - cell_len(row[1]))]
        cells += [value.rjust(width) for value, width in zip(row[2:], widths[2:], strict=True)]
        print("  ".join(cells).rstrip(), file=out)
    return 0


def check(directory: Path, codes: list[str], errors_only: bool, out: TextIO) -> int:
    """Print every problem as ``file:line: message``; 1 when anything was printed."""
    problems = []
    template = template_path(directory)
    if template.is_file() and (error := _syntax_error(template)):
        print(error, file=out)
        problems.append(error)
    for code in codes or _po_languages(directory):
        path = catalog_path(directory, code)
        if not path.is_file():
            raise Usage(f"{path} does not exist")
        for problem in check_po(path, code):
            if problem.kind == "error" or not errors_only:
                print(problem, file=out)
                problems.append(str(problem))
    return 1 if problems else 0
