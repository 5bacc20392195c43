"""Kinds of places ("Advice centre", "Authority"): the ones a list of places has, to filter it by.

The region's list (``/location-categories/``) gives the order and the names in the visitor's
language; a place's own category stands in where that list lacks it (an older CMS has no list).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from kiosk.content.models import Place, PlaceCategory


def kinds_of(places: Iterable[Place], known: Sequence[PlaceCategory] = ()) -> list[PlaceCategory]:
    """The categories the places have, each once: in the region's order first, then as met."""
    used: dict[int, str] = {}
    for place in places:
        if place.category_id is not None and place.category:
            used.setdefault(place.category_id, place.category)
    listed = [category for category in known if category.id in used]
    seen = {category.id for category in listed}
    return listed + [PlaceCategory(ident, name) for ident, name in used.items() if ident not in seen]


def of_kind(places: Iterable[Place], category_id: int | None) -> list[Place]:
    """The places of one category (all of them for None)."""
    return [place for place in places if category_id is None or place.category_id == category_id]
