"""Integreat CMS API v3 responses -> the kiosk's domain models.

The wire models (``kiosk.sources.integreat.wire``) read every CMS version seen so far. A record
that does not fit is dropped and logged, the rest kept; a response whose overall shape is wrong
raises ``SchemaError`` so the caller keeps its last good content. Titles and excerpts come out as
clean plain text; content stays HTML for ``kiosk.content.html``.
"""

from __future__ import annotations

import html
import logging
import re
import zlib
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import TypeAdapter, ValidationError

from kiosk.clock import BERLIN
from kiosk.content.html import html_to_text
from kiosk.content.models import (
    Address,
    Contact,
    DayHours,
    Direction,
    Event,
    Language,
    OpeningHours,
    Page,
    Place,
    TimeSlot,
    Translation,
)
from kiosk.content.text import clean_text, one_line
from kiosk.sources.integreat.wire import (
    CategoryWire,
    EventWire,
    LanguageWire,
    LinkWire,
    LocationWire,
    PageWire,
    PlaceWire,
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
_SURROGATES = re.compile("[\ud800-\udfff]")
_RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur", "ps", "ckb", "dv", "yi", "prs", "sd", "ug"})


@dataclass(frozen=True, slots=True)
class RegionInfo:
    """What /regions/{region}/ says about a region."""

    slug: str
    name: str
    languages: tuple[Language, ...] = ()
    latitude: float | None = None
    longitude: float | None = None


# -- small conversions -------------------------------------------------------------------------


def _localize(value: datetime, zone: ZoneInfo = BERLIN) -> datetime:
    """Aware, in Berlin time; a naive value is read as local time in ``zone``."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(BERLIN)


def _aware(value: datetime | None, zone: ZoneInfo = BERLIN) -> datetime | None:
    return None if value is None else _localize(value, zone)


def _title(value: str | None) -> str:
    return one_line(html.unescape(value)) if value else ""


def _excerpt(value: str | None) -> str:
    """Plain text, one line per paragraph: entities decoded, stray tags read as HTML."""
    if not value:
        return ""
    text = html_to_text(value) if "<" in value else clean_text(html.unescape(value))
    return "\n".join(line for line in (" ".join(raw.split()) for raw in text.split("\n")) if line)


def _html(value: str | None) -> str:
    """Content HTML as sent, less lone surrogates (JSON "\\ud800"): no UTF-8 file or database takes them."""
    return _SURROGATES.sub("", value) if value else ""


def _url(value: str | None) -> str:
    if not value:
        return ""
    # Nearly every link is plain printable ASCII: nothing to clean but spaces (a fast path at sync).
    if value.isascii() and value.isprintable():
        return value.replace(" ", "")
    return "".join(clean_text(value).split())


def _synthetic_id(*keys: str | None) -> int:
    """A stable negative id for a record the CMS sent without one (never clashes with real ids)."""
    key = next((k for k in keys if k), None)
    if key is None:
        raise ValueError("record has neither id nor path")
    return -(zlib.crc32(key.encode("utf-8", "surrogatepass")) & 0x7FFFFFFF) - 1


def _normal_path(value: str | None) -> str:
    if not value:
        return ""
    path = urlsplit(value.strip()).path if "://" in value else value.strip()
    return unquote(path).strip("/").casefold()


def _address(location: LocationWire | None) -> Address:
    if location is None:
        return Address()
    latitude, longitude = location.latitude, location.longitude
    if latitude is None or longitude is None or not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        latitude = longitude = None
    return Address(one_line(location.address or ""), one_line(location.postcode or ""),
                   one_line(location.town or ""), latitude, longitude)  # fmt: skip


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
    slug = _url(wire.path).strip("/")
    return RegionInfo(slug, one_line(wire.name), tuple(languages), wire.latitude, wire.longitude)


# -- pages -------------------------------------------------------------------------------------


def _page_id(wire: PageWire) -> int:
    return wire.id if wire.id is not None else _synthetic_id(wire.path, wire.url)


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
            translation_id = link.id if link.id is not None else _synthetic_id(link.path, link.url)
        except ValueError:
            continue
        out[code] = Translation(translation_id, _url(link.url), _url(link.path))
    return out


def _page(wire: PageWire, parents: dict[str, int], ids: set[int]) -> Page:
    page_id = _page_id(wire)
    parent_id: int | None = None
    parent = wire.parent
    if isinstance(parent, LinkWire) and parent.id != 0:
        # The parent's "id" counts pages, not page translations like "id" does: match by path.
        key = _normal_path(parent.path) or _normal_path(parent.url)
        if key:
            parent_id = parents.get(key)
        elif parent.id is not None and parent.id in ids:
            parent_id = parent.id
    elif isinstance(parent, int) and parent in ids:  # the oldest schema: a bare page id
        parent_id = parent
    return Page(
        id=page_id,
        title=_title(wire.title),
        content_html=_html(wire.content),
        excerpt=_excerpt(wire.excerpt),
        url=_url(wire.url),
        path=_url(wire.path),
        parent_id=parent_id if parent_id != page_id else None,
        order=wire.order or 0,
        last_updated=_aware(wire.last_updated or wire.modified_gmt),
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
        key = _normal_path(wire.path) or _normal_path(wire.url)
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


# -- events ------------------------------------------------------------------------------------


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name) if name else BERLIN
    except (ZoneInfoNotFoundError, ValueError):
        return BERLIN


def _event(wire: EventWire) -> Event:
    times = wire.event
    zone = _zone(times.timezone)
    if times.start is not None:
        start = _localize(times.start, zone)
    elif times.start_date is not None:
        start = _localize(datetime.combine(times.start_date, times.start_time or time(0)), zone)
    else:
        raise ValueError("event has no start")
    end = _aware(times.end, zone)
    if end is None and (times.end_date or times.end_time):
        end_day = times.end_date or start.astimezone(zone).date()
        end_time = times.end_time or (time(23, 59, 59) if times.all_day or times.end_date else time(0))
        end = _aware(datetime.combine(end_day, end_time), zone)
    if end is None or end < start:
        end = start
    location = wire.location
    event_id = times.id if times.id is not None else wire.id
    return Event(
        id=event_id if event_id is not None else _synthetic_id(wire.path, wire.url),
        title=_title(wire.title),
        start=start,
        end=end,
        all_day=times.all_day,
        content_html=_html(wire.content),
        excerpt=_excerpt(wire.excerpt),
        url=_url(wire.url),
        path=_url(wire.path),
        recurrence_rule=clean_text(wire.recurrence_rule or "").strip() or None,
        place_name=one_line(location.name or "") if location else "",
        address=_address(location),
    )


def parse_events(data: Any) -> list[Event]:
    """/{region}/{lang}/events/: one Event per record; ``id`` is the series' id, shared by languages."""
    return convert_each(validate_list(data, EventWire, "events"), _event, "events")


# -- places ------------------------------------------------------------------------------------


def _clock(value: Any) -> time:
    text = str(value).strip()
    if text in ("24:00", "24:00:00"):
        return time(0)
    try:
        return time.fromisoformat(text).replace(tzinfo=None)
    except ValueError:
        return datetime.fromisoformat(text).time()


def _day(weekday: int, raw: Any) -> DayHours:
    if not isinstance(raw, dict):
        raise ValueError(f"day {weekday} is not an object")
    all_day = bool(raw.get("allDay"))
    appointment_only = bool(raw.get("appointmentOnly"))
    slots = []
    for slot in raw.get("timeSlots") or ():
        start, end = slot.get("start") or slot.get("start_time"), slot.get("end") or slot.get("end_time")
        slots.append(TimeSlot(_clock(start), _clock(end)))
    closed = not all_day and (bool(raw.get("closed")) or (not slots and not appointment_only))
    ordered = () if closed or all_day else tuple(sorted(slots, key=lambda slot: slot.start))
    return DayHours(weekday, all_day=all_day, closed=closed, appointment_only=appointment_only, slots=ordered)


def _opening_hours(raw: list[Any] | None, place_id: int) -> OpeningHours | None:
    if not raw:
        return None
    try:
        if len(raw) != 7:
            raise ValueError(f"{len(raw)} days instead of 7")
        return OpeningHours(tuple(_day(weekday, day) for weekday, day in enumerate(raw)))
    except (ValueError, TypeError, AttributeError) as error:
        log.warning("place %s: opening hours ignored, they do not fit: %s", place_id, str(error)[:200])
        return None


def _contact(raw: Any) -> Contact | None:
    if not isinstance(raw, dict):
        return None

    def text(*keys: str) -> str:
        return next((one_line(str(raw[k])) for k in keys if isinstance(raw.get(k), str | int)), "")

    contact = Contact(text("name"), text("area_of_responsibility"), text("email"),
                      text("phone_number", "phone"), text("mobile_number", "mobile_phone_number"),
                      _url(text("website")))  # fmt: skip
    return contact if contact != Contact() else None


def _place(wire: PlaceWire) -> Place:
    location = wire.location
    name = _title(wire.title) or (one_line(location.name or "") if location else "")
    if not name:
        raise ValueError("place has no name")
    place_id = location.id if location and location.id is not None else wire.id
    if place_id is None:
        place_id = _synthetic_id(wire.path, wire.url)
    contacts = tuple(c for c in map(_contact, wire.contacts or ()) if c is not None)
    # Newer CMS versions moved website/email/phone into contacts; the primary one has no area.
    primary = next((c for c in contacts if not c.area_of_responsibility), Contact())
    category = wire.category
    return Place(
        id=place_id,
        name=name,
        description_html=_html(wire.content),
        excerpt=_excerpt(wire.excerpt),
        url=_url(wire.url),
        path=_url(wire.path),
        category=_title(category.name if isinstance(category, CategoryWire) else category),
        address=_address(location),
        opening_hours=_opening_hours(wire.opening_hours, place_id),
        temporarily_closed=bool(wire.temporarily_closed),
        appointment_url=_url(wire.appointment_url),
        contacts=contacts,
        website=_url(wire.website) or primary.website,
        email=one_line(wire.email or "") or primary.email,
        phone=one_line(wire.phone_number or "") or primary.phone,
    )


def parse_places(data: Any) -> list[Place]:
    """/{region}/{lang}/locations/: ``id`` is the location's id, the same in every language."""
    return convert_each(validate_list(data, PlaceWire, "places"), _place, "places")


__all__ = [
    "RegionInfo",
    "SchemaError",
    "parse_events",
    "parse_languages",
    "parse_page",
    "parse_pages",
    "parse_places",
    "parse_region",
]
