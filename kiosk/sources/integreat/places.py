"""Integreat locations and location categories -> the kiosk's :class:`Place` and :class:`PlaceCategory`.

A place keeps what a visitor needs: address, hours (its own and each contact's), step-free access,
who runs it, its kind. Optional parts that do not fit (a week of six days, an organization without
a name) are left out with one log line; the place stays.
"""

from __future__ import annotations

import logging
from datetime import datetime, time
from typing import Any

from kiosk.content.models import Contact, DayHours, OpeningHours, Organization, Place, PlaceCategory, TimeSlot
from kiosk.content.text import one_line
from kiosk.sources.integreat.convert import (
    address,
    excerpt_text,
    html_text,
    synthetic_id,
    title_text,
    url_text,
)
from kiosk.sources.integreat.wire import CategoryWire, PlaceWire, convert_each, validate_list

log = logging.getLogger("kiosk.sources.integreat.schema")


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


def opening_hours(raw: Any, whose: str) -> OpeningHours | None:
    """Seven days, Monday first, or None (logged with ``whose``) when they are missing or do not fit."""
    if not raw:
        return None
    try:
        if not isinstance(raw, list) or len(raw) != 7:
            raise ValueError(f"{len(raw) if isinstance(raw, list) else type(raw).__name__} days instead of 7")
        return OpeningHours(tuple(_day(weekday, day) for weekday, day in enumerate(raw)))
    except (ValueError, TypeError, AttributeError) as error:
        log.warning("%s: opening hours ignored, they do not fit: %s", whose, str(error)[:200])
        return None


def _contact(raw: Any, place_id: int) -> Contact | None:
    if not isinstance(raw, dict):
        return None

    def text(*keys: str) -> str:
        return next((one_line(str(raw[k])) for k in keys if isinstance(raw.get(k), str | int)), "")

    contact = Contact(text("name"), text("area_of_responsibility"), text("email"),
                      text("phone_number", "phone"), text("mobile_number", "mobile_phone_number"),
                      url_text(text("website")))  # fmt: skip
    if contact == Contact():
        return None
    hours = opening_hours(raw.get("opening_hours"), f"place {place_id}, contact {contact.name[:40]!r}")
    booking = url_text(raw["appointment_url"]) if isinstance(raw.get("appointment_url"), str) else ""
    if hours is None and not booking:
        return contact
    return Contact(contact.name, contact.area_of_responsibility, contact.email, contact.phone,
                   contact.mobile, contact.website, hours, booking)  # fmt: skip


def _organization(wire: PlaceWire) -> Organization | None:
    organization = wire.organization
    name = title_text(organization.name) if organization is not None else ""
    return Organization(name, url_text(organization.website)) if organization and name else None


def _place(wire: PlaceWire) -> Place:
    location = wire.location
    name = title_text(wire.title) or (one_line(location.name or "") if location else "")
    if not name:
        raise ValueError("place has no name")
    place_id = location.id if location and location.id is not None else wire.id
    if place_id is None:
        place_id = synthetic_id(wire.path, wire.url)
    contacts = tuple(c for c in (_contact(raw, place_id) for raw in wire.contacts or ()) if c is not None)
    # Newer CMS versions moved website/email/phone into contacts; the primary one has no area.
    primary = next((c for c in contacts if not c.area_of_responsibility), Contact())
    category = wire.category
    return Place(
        id=place_id,
        name=name,
        description_html=html_text(wire.content),
        excerpt=excerpt_text(wire.excerpt),
        url=url_text(wire.url),
        path=url_text(wire.path),
        category=title_text(category.name if isinstance(category, CategoryWire) else category),
        address=address(location),
        opening_hours=opening_hours(wire.opening_hours, f"place {place_id}"),
        temporarily_closed=bool(wire.temporarily_closed),
        appointment_url=url_text(wire.appointment_url),
        contacts=contacts,
        website=url_text(wire.website) or primary.website,
        email=one_line(wire.email or "") or primary.email,
        phone=one_line(wire.phone_number or "") or primary.phone,
        category_id=category.id if isinstance(category, CategoryWire) else None,
        barrier_free=wire.barrier_free,
        organization=_organization(wire),
    )


def parse_places(data: Any) -> list[Place]:
    """/{region}/{lang}/locations/: ``id`` is the location's id, the same in every language."""
    return convert_each(validate_list(data, PlaceWire, "places"), _place, "places")


def _category(wire: CategoryWire) -> PlaceCategory:
    name = title_text(wire.name)
    if wire.id is None or not name:
        raise ValueError("category without id or name")
    return PlaceCategory(wire.id, name)


def parse_place_categories(data: Any) -> list[PlaceCategory]:
    """/{region}/{lang}/location-categories/: each kind of place once, in the CMS's order."""
    categories = convert_each(validate_list(data, CategoryWire, "location categories"), _category,
                              "location categories")  # fmt: skip
    unique: dict[int, PlaceCategory] = {}
    for category in categories:
        unique.setdefault(category.id, category)
    return list(unique.values())
