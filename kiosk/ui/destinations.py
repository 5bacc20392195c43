"""Where a visitor can go: one small frozen value per kind of screen.

A screen or widget says where the visitor wants to go by posting ``Open(destination)``
(:mod:`kiosk.ui.messages`); the app holds the one table from destination to screen and decides how
to get there. So no screen imports another, and no widget imports a screen. No textual here.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.content.library import PageKey
from kiosk.content.recurrence import Occurrence


@dataclass(frozen=True, slots=True)
class HomeAt:
    """The home screen's tiles."""


@dataclass(frozen=True, slots=True)
class LanguagesAt:
    """The language picker; from the welcome screen it leads on to the home screen."""

    then_home: bool = False


@dataclass(frozen=True, slots=True)
class TopicsAt:
    """The help topics under ``parent`` (None: the top-level categories)."""

    parent: PageKey | None = None


@dataclass(frozen=True, slots=True)
class PageAt:
    """One help topic page."""

    key: PageKey


@dataclass(frozen=True, slots=True)
class LinkAt:
    """A link from a page, beside its QR code."""

    url: str
    text: str = ""


@dataclass(frozen=True, slots=True)
class CodeAt:
    """One QR code alone on the screen, as large as the terminal allows."""

    data: str
    caption: str = ""
    fallback: str | None = None


@dataclass(frozen=True, slots=True)
class HoursAt:
    """Opening hours and how to book: our office's (``place_id`` None) or another place's."""

    place_id: int | None = None


@dataclass(frozen=True, slots=True)
class EventsAt:
    """The events of the next 30 days."""


@dataclass(frozen=True, slots=True)
class EventAt:
    """One occurrence of an event."""

    occurrence: Occurrence


@dataclass(frozen=True, slots=True)
class OfficesAt:
    """The lokal willkommen offices (the region's places)."""


@dataclass(frozen=True, slots=True)
class PlaceAt:
    """One place in detail."""

    place_id: int


@dataclass(frozen=True, slots=True)
class SearchAt:
    """The search box and its results."""


@dataclass(frozen=True, slots=True)
class PinPadAt:
    """The staff PIN pad (the way into staff mode)."""


@dataclass(frozen=True, slots=True)
class StaffAt:
    """Staff mode, once the PIN was right; it takes the place of the pad."""


Destination = (
    HomeAt
    | LanguagesAt
    | TopicsAt
    | PageAt
    | LinkAt
    | CodeAt
    | HoursAt
    | EventsAt
    | EventAt
    | OfficesAt
    | PlaceAt
    | SearchAt
    | PinPadAt
    | StaffAt
)
