"""gettext catalogs (domain ``kiosk``) from ``<dir>/<lang>/LC_MESSAGES/kiosk.po`` or its compiled ``.mo``.

Message ids are English, so a message missing in the visitor's language is shown from the English
catalog or, failing that, as its English msgid: English never misses, and German is never needed
as a further step. Catalogs are files an admin edits: a broken one is refused with one log line,
and on :func:`reload` the catalog already in use stays.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.mofile import read_mo

from kiosk.i18n.checks import PoSyntaxError, parse_po, translation_problems
from kiosk.i18n.plurals import parse_plural_forms, plural_forms

log = logging.getLogger(__name__)

DOMAIN = "kiosk"
#: Where a message missing in the visitor's language is looked up next (then the msgid itself).
FALLBACK_CHAIN = ("en",)
_CONTEXT_SEPARATOR = "\x04"  # gettext's key for a message with msgctxt
_LANGUAGE_CODE = re.compile(r"[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})*(?:@[A-Za-z0-9]+)?")


class CatalogError(Exception):
    """A catalog file that exists but cannot be used."""


def bundled_translations_dir() -> Path:
    """The catalogs shipped with the kiosk: inside the wheel, or the checkout's ``translations/``."""
    inside = Path(__file__).resolve().parent.parent / "translations"
    if inside.is_dir():
        return inside
    return Path(__file__).resolve().parents[2] / "translations"


def catalog_path(directory: Path, code: str, suffix: str = ".po") -> Path:
    """``<directory>/<code>/LC_MESSAGES/kiosk<suffix>``."""
    return directory / code / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


@dataclass(frozen=True)
class Translations:
    """The usable translations of one language, read from ``source``."""

    code: str
    source: Path
    singular: dict[str, str]
    plural: dict[str, tuple[str, ...]]
    plural_index: Callable[[int], int]
    #: Translations refused because they would break the screen, as "line N: why" (empty for .mo).
    ignored: tuple[str, ...] = field(default=())

    def lookup(self, message: str) -> str | None:
        return self.singular.get(message) or None

    def lookup_plural(self, singular: str, n: int) -> str | None:
        forms = self.plural.get(singular)
        if not forms:
            return None
        try:
            index = self.plural_index(n)
        except Exception:  # an odd Plural-Forms expression (n/0) must not stop the screen
            return None
        return forms[index] if 0 <= index < len(forms) and forms[index] else None


def _plural_rule(header: str | None, code: str) -> Callable[[int], int]:
    try:
        return parse_plural_forms(header or plural_forms(code))[1]
    except ValueError as exc:
        raise CatalogError(f"Plural-Forms cannot be read: {exc}") from None


def _from_po(path: Path, code: str) -> Translations:
    try:
        po = parse_po(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise CatalogError(f"not UTF-8 text ({exc.reason})") from None
    except PoSyntaxError as exc:
        raise CatalogError(f"syntax error on line {exc.line}: {exc.message}") from None
    singular: dict[str, str] = {}
    plural: dict[str, tuple[str, ...]] = {}
    ignored: list[str] = []
    for entry in po.entries:
        if entry.fuzzy or not any(entry.strings):
            continue
        if problems := translation_problems(entry.msgid, entry.msgid_plural, entry.strings):
            ignored.append(f"line {entry.line}: {problems[0]}")
            continue
        key = entry.msgid if entry.context is None else entry.context + _CONTEXT_SEPARATOR + entry.msgid
        if entry.msgid_plural is None:
            singular[key] = entry.strings[0]
        else:
            plural[key] = tuple(entry.strings)
    rule = _plural_rule(po.header.get("Plural-Forms"), code)
    return Translations(code, path, singular, plural, rule, tuple(ignored))


def _from_mo(path: Path, code: str) -> Translations:
    try:
        with path.open("rb") as handle:
            catalog = read_mo(handle)
        rule = _plural_rule(catalog.plural_forms, code)
    except CatalogError:
        raise
    except Exception as exc:  # struct errors, bad magic, bad UTF-8: all mean "not a usable .mo"
        raise CatalogError(f"not a readable .mo file ({exc})") from None
    singular: dict[str, str] = {}
    plural: dict[str, tuple[str, ...]] = {}
    ignored: list[str] = []
    for message in catalog:
        ids, translated = message.id, message.string
        if not ids or message.context is not None:
            continue
        if isinstance(ids, str):
            pair: tuple[str, str | None] = (ids, None)
            strings = [translated] if isinstance(translated, str) else []
        else:
            pair = (str(ids[0]), str(ids[1]))
            strings = [str(s) for s in translated or ()] if not isinstance(translated, str) else []
        if not any(strings):
            continue
        if translation_problems(pair[0], pair[1], strings):
            ignored.append(repr(pair[0]))
        elif pair[1] is None:
            singular[pair[0]] = strings[0]
        else:
            plural[pair[0]] = tuple(strings)
    return Translations(code, path, singular, plural, rule, tuple(ignored))


def load_catalog(directory: Path, code: str) -> Translations | None:
    """The catalog of ``code``: the .mo when it is not older than the .po, else the .po compiled in memory.

    None when the language has no catalog; :class:`CatalogError` when the file cannot be used.
    """
    if not _LANGUAGE_CODE.fullmatch(code):  # never a path: "../x" must not read outside the folder
        return None
    po, mo = catalog_path(directory, code, ".po"), catalog_path(directory, code, ".mo")
    try:
        mo_time = mo.stat().st_mtime if mo.is_file() else None
        po_time = po.stat().st_mtime if po.is_file() else None
    except OSError as exc:
        raise CatalogError(f"cannot be read: {exc}") from None
    try:
        if mo_time is not None and (po_time is None or mo_time >= po_time):
            result = _from_mo(mo, code)
        elif po_time is not None:
            result = _from_po(po, code)
        else:
            return None
    except OSError as exc:
        raise CatalogError(f"cannot be read: {exc.strerror or exc}") from None
    if result.ignored:
        log.warning(
            "%s: %d translation(s) ignored, e.g. %s", result.source, len(result.ignored), result.ignored[0]
        )
    return result


def catalog_languages(directory: Path) -> list[str]:
    """The language codes that have a catalog (.po or .mo) in ``directory``."""
    if not directory.is_dir():
        return []
    return sorted(
        child.name
        for child in directory.iterdir()
        if catalog_path(directory, child.name).is_file()
        or catalog_path(directory, child.name, ".mo").is_file()
    )


class _State:
    directory: Path = bundled_translations_dir()
    language: str = "de"
    loaded: dict[str, Translations | None] = {}  # noqa: RUF012 - one process-wide cache
    lock = threading.Lock()


def configure(directory: Path | None) -> None:
    """Use the catalogs in ``directory`` (None: the bundled ones) and forget what was loaded."""
    with _State.lock:
        _State.directory = directory or bundled_translations_dir()
        _State.loaded = {}


def translations_dir() -> Path:
    """The folder catalogs are read from now."""
    return _State.directory


def translations(code: str) -> Translations | None:
    """The loaded catalog of ``code`` (read on first use); None when it has none or it is broken."""
    cached = _State.loaded
    if code in cached:
        return cached[code]
    with _State.lock:
        if code not in _State.loaded:
            try:
                found = load_catalog(_State.directory, code)
            except CatalogError as exc:
                log.warning("%s: %s; not using it", catalog_path(_State.directory, code), exc)
                found = None
            else:
                if found is None and code != "en":  # English is the messages' own language
                    log.warning(
                        "%s: no catalog for %s; its texts are shown in English",
                        catalog_path(_State.directory, code),
                        code,
                    )
            _State.loaded = {**_State.loaded, code: found}
        return _State.loaded[code]


def reload() -> list[str]:
    """Read every catalog again (for SIGHUP); a broken one is refused and the one in use stays.

    Returns one line per refused catalog, each also logged once.
    """
    problems: list[str] = []
    with _State.lock:
        directory = _State.directory
        fresh = dict(_State.loaded)
        for code in sorted(set(fresh) | set(catalog_languages(directory))):
            try:
                found = load_catalog(directory, code)
            except CatalogError as exc:
                problem = f"{catalog_path(directory, code)}: {exc}; keeping the catalog in use"
            else:
                if found is not None or fresh.get(code) is None:
                    fresh[code] = found
                    continue
                problem = f"{catalog_path(directory, code)}: has disappeared; keeping the catalog in use"
            log.warning("%s", problem)
            problems.append(problem)
        _State.loaded = fresh  # one assignment: readers see either the old or the new set
    return problems


def fallback_chain(code: str) -> tuple[str, ...]:
    """The catalogs asked for a message in ``code``, in order; the English msgid answers last."""
    return (code, *(c for c in FALLBACK_CHAIN if c != code))


def set_language(code: str) -> None:
    """Answer all further gettext calls in ``code``."""
    _State.language = code


def current_language() -> str:
    """The language gettext answers in."""
    return _State.language


def gettext(message: str) -> str:
    """``message`` (English) in the current language, else from the English catalog, else as it is."""
    return gettext_in(_State.language, message)


def gettext_in(language: str, message: str) -> str:
    """``message`` in ``language`` whatever the current language is (the welcome screen greets in all)."""
    for code in fallback_chain(language):
        catalog = translations(code)
        if catalog is not None and (found := catalog.lookup(message)) is not None:
            return found
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of ``singular``/``plural`` for the number ``n`` in the current language."""
    for code in fallback_chain(_State.language):
        catalog = translations(code)
        if catalog is not None and (found := catalog.lookup_plural(singular, n)) is not None:
            return found
    return singular if n == 1 else plural
