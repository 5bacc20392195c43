"""Typed content the kiosk shows: languages, topic pages, events and places.

These are the kiosk's own shapes, independent of where content comes from; ``kiosk.sources`` turns
API responses and the bundled snapshot into them. All datetimes are timezone-aware.
"""

from __future__ import annotations

import sys
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Literal

Direction = Literal["ltr", "rtl"]


@dataclass(frozen=True, slots=True)
class Language:
    """A content language the region offers."""

    code: str
    native_name: str
    direction: Direction = "ltr"


@dataclass(frozen=True, slots=True, weakref_slot=True)
class Translation:
    """Where the same page lives in another language."""

    id: int
    url: str
    path: str


#: Every page names its translations in every other language, so a region in twelve languages holds
#: each link eleven times over; shared, the links of every language cost what one language's do.
_TRANSLATIONS: weakref.WeakValueDictionary[tuple[int, str, str], Translation] = weakref.WeakValueDictionary()


def shared_translation(page_id: int, url: str, path: str) -> Translation:
    """A :class:`Translation` equal to ``Translation(page_id, url, path)``, shared with every other
    page that names the same one (its texts shared with the page's own, see :func:`shared_text`).

    Two threads asking at once may each make one: equal either way, only less shared.
    """
    key = (page_id, shared_text(url), shared_text(path))  # the key holds no copies of its own
    found = _TRANSLATIONS.get(key)
    if found is None:
        found = Translation(*key)
        _TRANSLATIONS[key] = found
    return found


def shared_text(text: str) -> str:
    """``text`` as the one copy every equal address shares (freed with its last user)."""
    return sys.intern(text)


@dataclass(frozen=True, slots=True)
class Page:
    """A help topic page; pages form a tree through ``parent_id`` (None at the top)."""

    id: int
    title: str
    content_html: str
    excerpt: str = ""
    url: str = ""
    path: str = ""
    parent_id: int | None = None
    order: int = 0
    last_updated: datetime | None = None
    available_languages: Mapping[str, Translation] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TimeSlot:
    """One opening interval within a day; ``end`` at or before ``start`` runs past midnight."""

    start: time
    end: time


@dataclass(frozen=True, slots=True)
class DayHours:
    """Opening hours of one weekday (0 = Monday)."""

    weekday: int
    all_day: bool = False
    closed: bool = True
    appointment_only: bool = False
    slots: tuple[TimeSlot, ...] = ()


@dataclass(frozen=True, slots=True)
class OpeningHours:
    """A week of opening hours, Monday first, always seven days."""

    days: tuple[DayHours, ...]

    def __post_init__(self) -> None:
        if len(self.days) != 7 or [d.weekday for d in self.days] != list(range(7)):
            raise ValueError("opening hours need exactly seven days, Monday first")


@dataclass(frozen=True, slots=True)
class Contact:
    """A person or desk to reach, with its own hours and booking page if it has them; all may be empty."""

    name: str = ""
    area_of_responsibility: str = ""
    email: str = ""
    phone: str = ""
    mobile: str = ""
    website: str = ""
    opening_hours: OpeningHours | None = None
    appointment_url: str = ""


@dataclass(frozen=True, slots=True)
class Organization:
    """Who runs a place (a charity, an authority); its website may be empty."""

    name: str
    website: str = ""


@dataclass(frozen=True, slots=True)
class PlaceCategory:
    """A kind of place ("Advice centre", "Authority"), by the CMS's id and its name in one language."""

    id: int
    name: str


@dataclass(frozen=True, slots=True)
class Address:
    street: str = ""
    postcode: str = ""
    town: str = ""
    latitude: float | None = None
    longitude: float | None = None

    def one_line(self) -> str:
        """ "Westerfilder Straße 54, 44357 Dortmund", leaving out what is missing."""
        town = " ".join(part for part in (self.postcode, self.town) if part)
        return ", ".join(part for part in (self.street, town) if part)


@dataclass(frozen=True, slots=True)
class Place:
    """A location (POI): an office, a counselling service, a venue."""

    id: int
    name: str
    description_html: str = ""
    excerpt: str = ""
    url: str = ""
    path: str = ""
    category: str = ""
    address: Address = field(default_factory=Address)
    opening_hours: OpeningHours | None = None
    temporarily_closed: bool = False
    appointment_url: str = ""
    contacts: tuple[Contact, ...] = ()
    website: str = ""
    email: str = ""
    phone: str = ""
    #: The category's id (the same in every language), None when the place has none.
    category_id: int | None = None
    #: Step-free access: True or False as the CMS says, None when it does not say.
    barrier_free: bool | None = None
    organization: Organization | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """An event, or the first occurrence of a series described by ``recurrence_rule`` (RFC 5545).

    ``only_weekdays``: a long-running event that takes place Monday to Friday only. ``meeting_url``:
    where an online event takes place (it may have a place as well).
    """

    id: int
    title: str
    start: datetime
    end: datetime
    all_day: bool = False
    content_html: str = ""
    excerpt: str = ""
    url: str = ""
    path: str = ""
    recurrence_rule: str | None = None
    place_name: str = ""
    address: Address = field(default_factory=Address)
    only_weekdays: bool = False
    meeting_url: str = ""


@dataclass(frozen=True, slots=True)
class LanguageContent:
    """Everything the region has in one language."""

    language: Language
    pages: Sequence[Page] = ()
    events: Sequence[Event] = ()
    places: Sequence[Place] = ()
    #: The region's kinds of places, in the CMS's order (empty if it did not say).
    categories: Sequence[PlaceCategory] = ()
    #: False while only part of it is loaded (at start: the places, for the welcome screen).
    complete: bool = True


@dataclass(frozen=True, slots=True)
class RegionContent:
    """A region's content in every language it offers, and where it came from."""

    region: str
    languages: Sequence[Language]
    by_language: Mapping[str, LanguageContent]
    source: str = "snapshot"
    fetched_at: datetime | None = None

    def get(self, code: str) -> LanguageContent | None:
        return self.by_language.get(code)
