"""What a visitor sees in their language, and what German stands in for."""

from __future__ import annotations

from kiosk.content.library import Library
from kiosk.content.models import Language, LanguageContent, Page, RegionContent, Translation


def page(page_id: int, title: str, parent: int | None = None, **links: int) -> Page:
    return Page(
        id=page_id,
        title=title,
        content_html="<p>x</p>",
        parent_id=parent,
        available_languages={code: Translation(i, "", "") for code, i in links.items()},
    )


def region(de: list[Page], en: list[Page]) -> RegionContent:
    langs = [Language("de", "Deutsch"), Language("en", "English")]
    return RegionContent(
        "test",
        langs,
        {"de": LanguageContent(langs[0], de), "en": LanguageContent(langs[1], en)},
    )


def test_missing_translation_is_shown_in_german_under_the_translated_parent() -> None:
    de = [page(1, "Schule", en=11), page(2, "Anmeldung", parent=1), page(3, "Kita", en=13)]
    en = [page(11, "School", de=1), page(13, "Day care", de=3)]
    library = Library(region(de, en), "en")
    top = [(s.item.title, s.language) for s in library.topics()]
    assert top == [("Day care", "en"), ("School", "en")]  # same order value: by title
    under_school = [(s.item.title, s.language) for s in library.topics(("en", 11))]
    assert under_school == [("Anmeldung", "de")]


def test_a_listed_translation_that_is_not_in_the_content_does_not_hide_the_page() -> None:
    de = [page(1, "Ausländerbehörde", en=99)]
    en = [page(11, "School")]
    library = Library(region(de, en), "en")
    titles = {(s.item.title, s.language) for s in library.topics()}
    assert ("Ausländerbehörde", "de") in titles


def test_language_without_content_falls_back_entirely() -> None:
    de = [page(1, "Schule")]
    library = Library(region(de, []), "ru")
    assert [(s.item.title, s.language) for s in library.topics()] == [("Schule", "de")]


def test_parent_cycle_pages_still_reachable() -> None:
    de = [page(1, "A", parent=2), page(2, "B", parent=1), page(3, "C")]
    library = Library(region(de, []), "de")
    reachable: set[str] = set()
    stack: list[tuple[str, int] | None] = [None]
    while stack:
        key = stack.pop()
        for shown in library.topics(key):
            if shown.item.title not in reachable:
                reachable.add(shown.item.title)
                stack.append((shown.language, shown.item.id))
    assert reachable == {"A", "B", "C"}


def test_a_page_that_does_not_name_its_translation_is_found_from_the_other_side() -> None:
    """English page 11 names no German version, but German page 1 names it: a switch finds page 1."""
    de = [page(1, "Schule", en=11), page(2, "Kita")]
    en = [page(11, "School"), page(12, "Day care")]
    german = Library(region(de, en), "de")
    assert german.same_page(("en", 11), en[0]) == ("de", 1)
    assert german.same_page(("en", 12), en[1]) == ("en", 12)  # no German version: shown in English
    assert german.same_page(("uk", 5)) is None  # nothing here names it: the caller stays where it was
    assert german.same_page(("de", 2)) == ("de", 2)
