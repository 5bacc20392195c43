"""Integreat CMS API v3 responses -> the kiosk's domain models: languages, region and pages here,
events in :mod:`.events`, places and their categories in :mod:`.places` (all importable from here).

The wire models (``kiosk.sources.integreat.wire``) read every CMS version seen so far. A record
that does not fit is dropped and logged, the rest kept; a response whose overall shape is wrong
raises ``SchemaError`` so the caller keeps its last good content. Titles and excerpts come out as
clean plain text; content stays HTML for ``kiosk.content.html``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from kiosk.content.models import Direction, Language, Page, Translation, shared_text, shared_translation
from kiosk.content.text import one_line
from kiosk.sources.integreat.convert import (
    aware,
    excerpt_text,
    html_text,
    normal_path,
    synthetic_id,
    title_text,
    url_text,
)
from kiosk.sources.integreat.events import parse_events
from kiosk.sources.integreat.places import parse_place_categories, parse_places
from kiosk.sources.integreat.wire import (
    LanguageWire,
    LinkWire,
    PageWire,
    RegionWire,
    SchemaError,
    convert_each,
    decoded,
    reason,
    validate_list,
)

log = logging.getLogger(__name__)

_LANGUAGE_CODE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")
R = TypeVar("R")
_RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur", "ps", "ckb", "dv", "yi", "prs", "sd", "ug"})


@dataclass(frozen=True, slots=True)
class RegionInfo:
    """What /regions/{region}/ says about a region."""

    slug: str
    name: str
    languages: tuple[Language, ...] = ()
    latitude: float | None = None
    longitude: float | None = None


# -- languages and region ----------------------------------------------------------------------


def _direction(code: str, raw: str | None) -> Direction:
    value = (raw or "").strip().upper()
    if value in ("RIGHT_TO_LEFT", "RTL"):
        return "rtl"
    if value in ("LEFT_TO_RIGHT", "LTR"):
        return "ltr"
    return "rtl" if re.split(r"[-_]", code)[0].lower() in _RTL_LANGUAGES else "ltr"


def _language(wire: LanguageWire) -> Language:
    code = wire.code.strip()
    if not _LANGUAGE_CODE.fullmatch(code):
        raise ValueError(f"not a language code: {code[:40]!r}")
    return Language(code, one_line(wire.native_name or "") or code, _direction(code, wire.dir))


def parse_languages(data: Any) -> list[Language]:
    """/{region}/languages/ (a list) or a region record with a "languages" list; first of a code wins."""
    data = decoded(data)
    if isinstance(data, dict) and isinstance(data.get("languages"), list):
        data = data["languages"]
    languages = convert_each(validate_list(data, LanguageWire, "languages"), _language, "languages")
    return _first_of_each(languages, lambda language: language.code, "languages", "code")


def _first_of_each(records: list[R], key: Callable[[R], Hashable], what: str, by: str = "id") -> list[R]:
    """The first record of each key; later ones are dropped, with one log line for the whole list."""
    unique: dict[Hashable, R] = {}
    again: list[Hashable] = []
    for record in records:
        if unique.setdefault(key(record), record) is not record:
            again.append(key(record))
    if again:
        log.warning("dropped %d of %d %s with the %s of an earlier one (the first kept): %s", len(again),
                    len(records), what, by, ", ".join(repr(k) for k in again[:20]))  # fmt: skip
    return list(unique.values())


def parse_region(data: Any) -> RegionInfo:
    """/regions/{region}/: the region's name, slug, languages and centre."""
    data = decoded(data)
    if not isinstance(data, dict):
        raise SchemaError(f"region: expected an object, got {type(data).__name__}")
    try:
        wire = RegionWire.model_validate(data)
    except ValidationError as error:
        raise SchemaError(f"region: {reason(error)}") from None
    languages = parse_languages(wire.languages) if wire.languages is not None else []
    slug = url_text(wire.path).strip("/")
    return RegionInfo(slug, one_line(wire.name), tuple(languages), wire.latitude, wire.longitude)


# -- pages -------------------------------------------------------------------------------------


def _page_id(wire: PageWire) -> int:
    return wire.id if wire.id is not None else synthetic_id(wire.path, wire.url)


_TRANSLATIONS: TypeAdapter[dict[str, LinkWire]] = TypeAdapter(dict[str, LinkWire])


def _translations(raw: dict[str, Any] | list[Any] | None) -> dict[str, Translation]:
    if not isinstance(raw, dict) or not raw:
        return {}
    try:
        links = _TRANSLATIONS.validate_python(raw)
    except ValidationError:  # keep the entries that fit
        links = {}
        for code, entry in raw.items():
            try:
                links[code] = LinkWire.model_validate(entry)
            except ValidationError:
                continue
    out: dict[str, Translation] = {}
    for code, link in links.items():
        if not _LANGUAGE_CODE.fullmatch(code):
            continue
        try:
            translation_id = link.id if link.id is not None else synthetic_id(link.path, link.url)
        except ValueError:
            continue
        out[code] = shared_translation(translation_id, url_text(link.url), url_text(link.path))
    return out


def _page(wire: PageWire, parents: dict[str, int], ids: set[int]) -> Page:
    page_id = _page_id(wire)
    parent_id: int | None = None
    parent = wire.parent
    if isinstance(parent, LinkWire) and parent.id != 0:
        # The parent's "id" counts pages, not page translations like "id" does: match by path.
        key = normal_path(parent.path) or normal_path(parent.url)
        if key:
            parent_id = parents.get(key)
        elif parent.id is not None and parent.id in ids:
            parent_id = parent.id
    elif isinstance(parent, int) and parent in ids:  # the oldest schema: a bare page id
        parent_id = parent
    return Page(
        id=page_id,
        title=title_text(wire.title),
        content_html=html_text(wire.content),
        excerpt=excerpt_text(wire.excerpt),
        url=shared_text(url_text(wire.url)),
        path=shared_text(url_text(wire.path)),
        parent_id=parent_id if parent_id != page_id else None,
        order=wire.order or 0,
        last_updated=aware(wire.last_updated or wire.modified_gmt),
        available_languages=_translations(wire.available_languages),
    )


def parse_pages(data: Any) -> list[Page]:
    """/{region}/{lang}/pages/ or /children/: pages with ``parent_id`` resolved within the list."""
    wires = validate_list(data, PageWire, "pages")
    parents: dict[str, int] = {}
    ids: set[int] = set()
    for wire in wires:
        try:
            page_id = _page_id(wire)
        except ValueError:
            continue
        ids.add(page_id)
        key = normal_path(wire.path) or normal_path(wire.url)
        if key:
            parents.setdefault(key, page_id)
    pages: list[Page] = convert_each(wires, lambda wire: _page(wire, parents, ids), "pages")
    return _first_of_each(pages, lambda page: page.id, "pages")


def parse_page(data: Any) -> Page:
    """/page/?id=, /imprint/: one page on its own (its parent cannot be resolved, so None)."""
    data = decoded(data)
    if not isinstance(data, dict):
        raise SchemaError(f"page: expected an object, got {type(data).__name__}")
    try:
        return _page(PageWire.model_validate(data), {}, set())
    except (ValidationError, ValueError) as error:
        why = reason(error) if isinstance(error, ValidationError) else str(error)
        raise SchemaError(f"page: {why}") from None


__all__ = [
    "RegionInfo",
    "SchemaError",
    "parse_events",
    "parse_languages",
    "parse_page",
    "parse_pages",
    "parse_place_categories",
    "parse_places",
    "parse_region",
]
