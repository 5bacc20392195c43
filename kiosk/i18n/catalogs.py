"""gettext catalogs (domain ``kiosk``), loaded from ``translations/<lang>/LC_MESSAGES/kiosk.po``.

Message ids are English. A message missing in the visitor's language falls back to English, then
German.
"""

from __future__ import annotations

import gettext as _gettext
import io
import logging
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

log = logging.getLogger(__name__)

DOMAIN = "kiosk"
FALLBACK_CHAIN = ("en", "de")


def bundled_translations_dir() -> Path:
    """The catalogs shipped with the kiosk: inside the wheel, or the checkout's ``translations/``."""
    inside = Path(__file__).resolve().parent.parent / "translations"
    if inside.is_dir():
        return inside
    return Path(__file__).resolve().parents[2] / "translations"


class _State:
    directory: Path = bundled_translations_dir()
    language: str = "de"
    cache: dict[str, _gettext.NullTranslations] = {}  # noqa: RUF012 - one process-wide cache


def configure(directory: Path | None) -> None:
    """Use the catalogs in ``directory`` (None: the bundled ones) and forget what was loaded."""
    _State.directory = directory or bundled_translations_dir()
    _State.cache = {}


def _load(code: str) -> _gettext.NullTranslations:
    po_path = _State.directory / code / "LC_MESSAGES" / f"{DOMAIN}.po"
    try:
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=code)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        return _gettext.GNUTranslations(buffer)
    except FileNotFoundError:
        return _gettext.NullTranslations()
    except Exception as exc:  # a broken catalog must never stop the kiosk
        log.warning("translation catalog %s cannot be used: %s", po_path, exc)
        return _gettext.NullTranslations()


def translations_for(code: str) -> _gettext.NullTranslations:
    """The catalog chain for ``code``: the language itself, then English, then German."""
    if code not in _State.cache:
        chain = [code, *[c for c in FALLBACK_CHAIN if c != code]]
        head = _load(chain[0])
        for fallback in chain[1:]:
            head.add_fallback(_load(fallback))
        _State.cache[code] = head
    return _State.cache[code]


def set_language(code: str) -> None:
    """Answer all further gettext calls in ``code``."""
    _State.language = code


def current_language() -> str:
    return _State.language


def gettext(message: str) -> str:
    return translations_for(_State.language).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations_for(_State.language).ngettext(singular, plural, n)
