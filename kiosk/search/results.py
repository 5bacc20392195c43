"""Search hits turned into what a visitor can open, in their language wherever the content allows.

A hit in German or English stands for the visitor's own translation of the same page, event or place
where there is one (a German word from a letter then opens the Arabic page about it); otherwise it is
shown in the language it was found in, and the caller marks it. Hits the visitor could not open (a
page the library does not show, an event with no date ahead) are left out, and so are repeats.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from kiosk.content.library import FALLBACK_LANGUAGES, Library, PageKey, Shown
from kiosk.content.models import Event, Page, Place
from kiosk.content.recurrence import Occurrence, occurrences
from kiosk.search.index import UNCHECKED, Hit, Kind, SearchIndex

#: Events are found if they happen within this many days; the events list shows the next 30.
EVENT_DAYS_AHEAD = 90


@dataclass(frozen=True, slots=True)
class Found:
    """One search result: what it is, the language it is written in, and where it leads."""

    kind: Kind
    language: str
    title: str
    summary: str
    page: PageKey | None = None
    place_id: int | None = None
    occurrence: Occurrence | None = None


#: Languages written in a script other than Latin: what a visitor types in that script is searched
#: in them too, whatever the interface language (an Arabic word in a German session).
SCRIPT_LANGUAGES: dict[str, tuple[str, ...]] = {
    "ARABIC": ("ar", "fa", "ckb", "ps", "ur"),
    "CYRILLIC": ("uk", "ru", "bg", "sr", "mk", "be"),
    "HEBREW": ("he", "yi"),
    "GREEK": ("el",),
}


def search_languages(visitor: str, query: str = "") -> list[str]:
    """The languages searched, in order: the visitor's own, then German and English, then the
    languages of the script the query is typed in."""
    typed = {_script(char) for char in query if char.isalpha()}
    by_script = [code for script in sorted(typed) for code in SCRIPT_LANGUAGES.get(script, ())]
    return list(dict.fromkeys((visitor, *FALLBACK_LANGUAGES, *by_script)))


def _script(char: str) -> str:
    return unicodedata.name(char, "").split(" ", 1)[0]


def visitor_results(index: SearchIndex, query: str, library: Library, now: datetime,
                    limit: int = 30) -> list[Found]:  # fmt: skip
    """The best ``limit`` results for ``query`` that the visitor of ``library`` can open."""
    hits = index.search(query, search_languages(library.language, query), limit=limit * 2)
    return resolve(index, hits, library, now)[:limit]


def resolve(index: SearchIndex, hits: Iterable[Hit], library: Library, now: datetime) -> list[Found]:
    """Hits of ``index`` as results the visitor can open, in order, each thing once."""
    places = {shown.item.id: shown for shown in library.places()}
    events = {shown.item.id: shown for shown in library.events()}
    found: list[Found] = []
    seen: set[tuple[str, object]] = set()
    for hit in hits:
        result: Found | None = None
        if hit.kind == "place" and hit.item_id != UNCHECKED:
            # Places keep their id across languages: the one the library shows is the one to open.
            result = _place(hit.item_id, places)
        else:
            item = index.item(hit)
            if isinstance(item, Page):
                result = _page(item, hit.language, library)
            elif isinstance(item, Place):
                result = _place(item.id, places)
            elif isinstance(item, Event):
                result = _event(item, hit.language, events, library.language, now)
        if result is None:
            continue
        key = (result.kind, _identity(result))
        if key not in seen:
            seen.add(key)
            found.append(result)
    return found


def _page(page: Page, language: str, library: Library) -> Found | None:
    shown: Shown[Page] | None = None
    if language != library.language:
        translation = page.available_languages.get(library.language)
        if translation is not None:
            shown = library.page((library.language, translation.id))
    if shown is None:
        shown = library.page((language, page.id))
    if shown is None:
        return None
    return Found(
        "topic", shown.language, shown.item.title, shown.item.excerpt, page=(shown.language, shown.item.id)
    )


def _place(place_id: int, places: dict[int, Shown[Place]]) -> Found | None:
    # Places keep their id across languages; the library offers each in the visitor's language if it can.
    shown = places.get(place_id)
    if shown is None:
        return None
    summary = " · ".join(part for part in (shown.item.address.one_line(), shown.item.excerpt) if part)
    return Found("place", shown.language, shown.item.name, summary, place_id=shown.item.id)


def _event(event: Event, language: str, events: dict[int, Shown[Event]], visitor: str,
           now: datetime) -> Found | None:  # fmt: skip
    own = events.get(event.id)
    if language != visitor and own is not None and own.language == visitor:
        event, language = own.item, own.language
    upcoming = occurrences([event], now, now + timedelta(days=EVENT_DAYS_AHEAD))
    if not upcoming:
        return None
    summary = " · ".join(part for part in (event.place_name, event.excerpt) if part)
    return Found("event", language, event.title, summary, occurrence=upcoming[0])


def _identity(result: Found) -> object:
    if result.occurrence is not None:
        return (result.occurrence.event.id, result.occurrence.event.title, result.occurrence.start)
    return result.page if result.page is not None else result.place_id
