"""The kinds of places a visitor can filter the list by: the ones the places have, in the region's order."""

from __future__ import annotations

from dataclasses import replace

from kiosk.content.categories import kinds_of, of_kind
from kiosk.content.library import Library
from kiosk.content.models import Language, LanguageContent, Place, PlaceCategory, RegionContent
from kiosk.sources.integreat.schema import parse_place_categories, parse_places
from tests.support.conformance import conformance_json


def places_and_kinds() -> tuple[list[Place], list[PlaceCategory]]:
    office = parse_places(conformance_json("integreat", "augsburg_de_locations.json"))[0]  # Behörde/Amt (2)
    advice = parse_places(conformance_json("integreat", "nurnberg_de_locations.json"))[
        0
    ]  # Beratungsstelle (1)
    unsorted = replace(office, id=99, name="Ohne Art", category="", category_id=None)
    known = parse_place_categories(conformance_json("integreat", "augsburg_de_location_categories.json"))
    return [office, advice, unsorted], known


def test_only_the_kinds_that_have_places_in_the_regions_order() -> None:
    places, known = places_and_kinds()
    assert [c.name for c in known] == ["Beratungsstelle", "Behörde/Amt", "Gastronomie"]
    assert kinds_of(places, known) == [PlaceCategory(1, "Beratungsstelle"), PlaceCategory(2, "Behörde/Amt")]
    assert [p.name for p in of_kind(places, 2)] == ["Test-Ort"] and len(of_kind(places, None)) == 3
    # Without the region's list (an older CMS), the places' own categories, as met.
    assert kinds_of(places) == [PlaceCategory(2, "Behörde/Amt"), PlaceCategory(1, "Beratungsstelle")]


def test_the_library_names_kinds_in_the_language_its_places_are_shown_in() -> None:
    places, known = places_and_kinds()
    german = LanguageContent(Language("de", "Deutsch"), places=places, categories=known)
    arabic = LanguageContent(Language("ar", "العربية", "rtl"))
    content = RegionContent("augsburg", [german.language, arabic.language], {"de": german, "ar": arabic})
    # The Arabic visitor sees the German places (the fallback), so the German kinds name them.
    assert Library(content, "ar").categories() == known
    assert Library(content, "de").categories() == known
