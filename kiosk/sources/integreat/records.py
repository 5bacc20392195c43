"""Domain models back into Integreat API v3 records, so the store keeps only validated content.

The store writes what the parsers accepted in the API's own shape and reads it back through the
same parsers; ``parse_*(records(parse_*(raw))) == parse_*(raw)`` holds, so a stored record means
exactly what it meant when it arrived. Pages, thousands per language, are read back by
:func:`pages_from_records`, the exact inverse of :func:`page_record`, six times faster than the parser;
anything it does not recognise sends the store back to the parser. Titles and excerpts are escaped
because the parsers decode HTML entities in them: text that once read "&lt;" must not come back as "<".
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, time
from typing import Any

from kiosk.clock import BERLIN
from kiosk.content.models import (
    Address,
    Contact,
    DayHours,
    Event,
    Language,
    OpeningHours,
    Page,
    Place,
    PlaceCategory,
    shared_text,
    shared_translation,
)


def _text(value: str) -> str:
    # Only what the parsers would decode or read as markup: "&" (entities) and "<" (tags).
    if "&" in value or "<" in value:
        return value.replace("&", "&amp;").replace("<", "&lt;")
    return value


def _untext(value: str) -> str:
    """The inverse of :func:`_text`."""
    if "&" in value:
        return value.replace("&lt;", "<").replace("&amp;", "&")
    return value


def _when(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _clock(value: time) -> str:
    return value.isoformat()


def language_record(language: Language) -> dict[str, Any]:
    return {
        "code": language.code,
        "native_name": language.native_name,
        "dir": "RIGHT_TO_LEFT" if language.direction == "rtl" else "LEFT_TO_RIGHT",
    }


def page_record(page: Page) -> dict[str, Any]:
    # The parent as a bare id (the oldest schema): it names the page exactly, where a path may not.
    return {
        "id": page.id,
        "url": page.url,
        "path": page.path,
        "title": _text(page.title),
        "content": page.content_html,
        "excerpt": _text(page.excerpt),
        "parent": page.parent_id,
        "order": page.order,
        "last_updated": _when(page.last_updated),
        "available_languages": {
            code: {"id": link.id, "url": link.url, "path": link.path}
            for code, link in page.available_languages.items()
        },
    }


def pages_from_records(records: list[dict[str, Any]]) -> list[Page]:
    """Pages back from what :func:`page_record` wrote, without validating them again.

    Raises (KeyError, TypeError, ValueError, AttributeError) on anything :func:`page_record` would not
    have written; the caller then reads the records through the parser instead.
    """
    if not isinstance(records, list):
        raise TypeError(f"expected a list of page records, got {type(records).__name__}")
    ids = {record["id"] for record in records}
    if len(ids) != len(records) or not all(type(page_id) is int for page_id in ids):
        raise ValueError("page ids are not unique integers")
    pages = []
    for record in records:
        parent, updated = record["parent"], record["last_updated"]
        pages.append(
            Page(
                id=record["id"],
                title=_untext(_str(record["title"])),
                content_html=_str(record["content"]),
                excerpt=_untext(_str(record["excerpt"])),
                url=shared_text(_str(record["url"])),
                path=shared_text(_str(record["path"])),
                parent_id=parent if parent in ids and parent != record["id"] else None,
                order=int(record["order"]),
                last_updated=None if updated is None else datetime.fromisoformat(updated).astimezone(BERLIN),
                available_languages={
                    shared_text(_str(code)): shared_translation(
                        int(link["id"]), _str(link["url"]), _str(link["path"])
                    )
                    for code, link in record["available_languages"].items()
                },
            )
        )
    return pages


def _str(value: object) -> str:
    if type(value) is not str:
        raise TypeError(f"expected text, got {type(value).__name__}")
    return value


def _location(address: Address, place_id: int | None, name: str) -> dict[str, Any]:
    return {
        "id": place_id,
        "name": name,
        "address": address.street,
        "postcode": address.postcode,
        "town": address.town,
        "latitude": address.latitude,
        "longitude": address.longitude,
    }


def event_record(event: Event) -> dict[str, Any]:
    return {
        "id": event.id,
        "url": event.url,
        "path": event.path,
        "title": _text(event.title),
        "content": event.content_html,
        "excerpt": _text(event.excerpt),
        "event": {
            "id": event.id,
            "start": event.start.isoformat(),
            "end": event.end.isoformat(),
            "all_day": event.all_day,
            "only_weekdays": event.only_weekdays,
        },
        "recurrence_rule": event.recurrence_rule,
        "location": _location(event.address, None, event.place_name),
        "meeting_url": event.meeting_url,
    }


def _day(day: DayHours) -> dict[str, Any]:
    return {
        "allDay": day.all_day,
        "closed": day.closed,
        "appointmentOnly": day.appointment_only,
        "timeSlots": [{"start": _clock(slot.start), "end": _clock(slot.end)} for slot in day.slots],
    }


def _hours(hours: OpeningHours | None) -> list[dict[str, Any]] | None:
    return None if hours is None else [_day(day) for day in hours.days]


def _contact(contact: Contact) -> dict[str, Any]:
    return {
        "name": contact.name,
        "area_of_responsibility": contact.area_of_responsibility,
        "email": contact.email,
        "phone_number": contact.phone,
        "mobile_number": contact.mobile,
        "website": contact.website,
        "opening_hours": _hours(contact.opening_hours),
        "appointment_url": contact.appointment_url,
    }


def _category(place: Place) -> dict[str, Any] | str:
    if place.category_id is None:
        return _text(place.category)
    return {"id": place.category_id, "name": _text(place.category)}


def category_record(category: PlaceCategory) -> dict[str, Any]:
    return {"id": category.id, "name": _text(category.name)}


def place_record(place: Place) -> dict[str, Any]:
    return {
        "id": place.id,
        "url": place.url,
        "path": place.path,
        "title": _text(place.name),
        "content": place.description_html,
        "excerpt": _text(place.excerpt),
        "category": _category(place),
        "location": _location(place.address, place.id, place.name),
        "opening_hours": _hours(place.opening_hours),
        "temporarily_closed": place.temporarily_closed,
        "appointment_url": place.appointment_url,
        "contacts": [_contact(contact) for contact in place.contacts],
        "website": place.website,
        "email": place.email,
        "phone_number": place.phone,
        "barrier_free": place.barrier_free,
        "organization": (
            None
            if place.organization is None
            else {"name": _text(place.organization.name), "website": place.organization.website}
        ),
    }


def records_json(records: Iterable[Page | Event | Place | PlaceCategory | Language]) -> str:
    """The records as one compact JSON array in the API's shape."""
    out: list[dict[str, Any]] = []
    for record in records:
        if isinstance(record, Page):
            out.append(page_record(record))
        elif isinstance(record, Event):
            out.append(event_record(record))
        elif isinstance(record, Place):
            out.append(place_record(record))
        elif isinstance(record, PlaceCategory):
            out.append(category_record(record))
        else:
            out.append(language_record(record))
    return json.dumps(out, ensure_ascii=False, separators=(",", ":"))


__all__ = [
    "category_record",
    "event_record",
    "language_record",
    "page_record",
    "place_record",
    "records_json",
]
