"""What visitors type, and the page each query must find: in the bundled snapshot and in real API content.

Each row is (visitor language, what they type, the page they must get). The page must be among the
first three results, in the language given (the visitor's own wherever a translation exists).
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from kiosk.clock import BERLIN
from kiosk.content.library import Library
from kiosk.content.models import LanguageContent, RegionContent
from kiosk.search import Found, SearchIndex, visitor_results
from kiosk.sources.integreat.schema import parse_events, parse_languages, parse_pages, parse_places
from kiosk.sources.snapshot import load_snapshot
from tests.conftest import MONDAY_MORNING
from tests.support.conformance import conformance_dir

TOP = 3

SNAPSHOT_QUERIES = [
    # German, as written, misspelled, accents left out or spelled out
    ("de", "Kindergeld", ("de", 303)),
    ("de", "Kindergelt", ("de", 303)),
    ("de", "Kindregeld", ("de", 303)),
    ("de", "Anmeldung", ("de", 302)),
    ("de", "Gesundheitskarte", ("de", 401)),
    ("de", "Krankenversichrung", ("de", 401)),
    ("de", "Auslanderbehorde", ("de", 7)),
    ("de", "Auslaenderbehoerde", ("de", 7)),
    ("de", "Sprachcafe", ("de", 801)),
    ("de", "Energiehilfe", ("de", 602)),
    ("de", "Meldebescheinigung", ("de", 202)),
    ("de", "kita platz", ("de", 302)),
    ("de", "Widerspruch", ("de", 701)),
    ("de", "Fahrkarte", ("de", 603)),
    # German words from a letter, typed in a session in another language
    ("en", "Jobcenter", ("en", 501)),
    ("ar", "Kindergeld", ("ar", 303)),
    ("ar", "Anmeldung", ("ar", 302)),
    ("uk", "Jobcenter", ("uk", 501)),
    ("uk", "Krankenkasse", ("uk", 401)),
    ("fa", "Ausländerbehörde", ("fa", 501)),
    ("fa", "Gesundheitskarte", ("fa", 401)),
    ("en", "Widerspruch", ("en", 701)),
    # English
    ("en", "helth insurance", ("en", 401)),
    ("en", "doctor", ("en", 402)),
    ("en", "volunteer", ("en", 901)),
    ("en", "cafe", ("en", 801)),
    # Cyrillic: case, word forms, a Russian letter typed for a Ukrainian one
    ("uk", "школа", ("uk", 2)),
    ("uk", "ШКОЛИ", ("uk", 202)),
    ("uk", "лікар", ("uk", 402)),
    ("uk", "ликар", ("uk", 402)),
    ("uk", "страхування", ("uk", 401)),
    ("uk", "волонтерство", ("uk", 901)),
    # Arabic: taa marbuta / haa, article, harakat, tatweel, hamza seats, alef maqsura
    ("ar", "مدرسة", ("ar", 2)),
    ("ar", "مدرسه", ("ar", 2)),
    ("ar", "مَدْرَسَة", ("ar", 2)),
    ("ar", "مدرســة", ("ar", 2)),
    ("ar", "الطبيب", ("ar", 402)),
    ("ar", "الى الطبيب", ("ar", 402)),
    ("ar", "الإعتراف بالشهادات", ("ar", 502)),
    ("ar", "شهادات", ("ar", 502)),
    ("ar", "التامين الصحي", ("ar", 401)),
    # Persian: with and without the zero-width non-joiner, Arabic letters for Persian ones
    ("fa", "مدرسه", ("fa", 2)),
    ("fa", "ثبت نام", ("fa", 202)),
    ("fa", "ثبتنام", ("fa", 202)),
    ("fa", "ثبت\u200cنام", ("fa", 202)),
    ("fa", "پزشک", ("fa", 402)),
    ("fa", "يادگيري آلماني", ("fa", 8)),
    ("fa", "بيمه", ("fa", 401)),
]

CONFORMANCE_QUERIES = [
    ("de", "Ausländerbehörde", ("de", 36)),
    ("de", "Auslaenderbehoerde", ("de", 36)),
    ("de", "auslanderbehrde", ("de", 36)),
    ("de", "Gesundheitsammt", ("de", 39)),
    ("de", "dolmetchen", ("de", 70)),
    ("de", "ubersetzen", ("de", 70)),
    ("de", "Stadtpaln", ("de", 5)),
    ("de", "sprachkurse", ("de", 57)),
    ("ar", "Ausländerbehörde", ("ar", 38)),
    ("ar", "دائرة شؤون الأجانب", ("ar", 38)),
    ("ar", "دايره شوون الاجانب", ("ar", 38)),
    ("ar", "الترجمه", ("ar", 71)),
    ("ar", "دورة", ("ar", 54)),
    ("ar", "اوجسبرج", ("ar", 17)),
    ("ar", "Dolmetschen", ("ar", 71)),
    ("ar", "Gesundheitsamt", ("ar", 41)),
    # No English or Persian translation of these pages: the German ones stand in
    ("en", "Kontakt zum App-Team", ("de", 6)),
    ("fa", "Sprachkurse", ("de", 57)),
]


def conformance_content() -> RegionContent:
    """The Augsburg test region of the Integreat CMS, through the kiosk's own parsers (skips without it)."""
    conformance = conformance_dir()
    languages = parse_languages(json.loads((conformance / "augsburg_languages.json").read_text("utf-8")))
    by_language = {}
    for language in languages:
        parsed: dict[str, list] = {}  # type: ignore[type-arg]
        for name, parse in (("pages", parse_pages), ("events", parse_events), ("locations", parse_places)):
            path = conformance / f"augsburg_{language.code}_{name}.json"
            parsed[name] = parse(json.loads(path.read_text("utf-8"))) if path.exists() else []
        by_language[language.code] = LanguageContent(
            language, parsed["pages"], parsed["events"], parsed["locations"]
        )
    return RegionContent("augsburg", languages, by_language, source="conformance")


@pytest.fixture(scope="module")
def snapshot() -> tuple[RegionContent, SearchIndex]:
    content = load_snapshot()
    return content, SearchIndex.build(content)


@pytest.fixture(scope="module")
def conformance() -> tuple[RegionContent, SearchIndex]:
    content = conformance_content()
    return content, SearchIndex.build(content)


def pages_found(content: RegionContent, index: SearchIndex, language: str, query: str,
                now: datetime = MONDAY_MORNING) -> list[Found]:  # fmt: skip
    return visitor_results(index, query, Library(content, language), now)


@pytest.mark.parametrize(("language", "query", "page"), SNAPSHOT_QUERIES)
def test_snapshot_query_finds_its_page(
    snapshot: tuple[RegionContent, SearchIndex], language: str, query: str, page: tuple[str, int]
) -> None:
    found = pages_found(*snapshot, language, query)
    assert page in [result.page for result in found[:TOP]], [(r.page, r.title) for r in found[:TOP]]


@pytest.mark.parametrize(("language", "query", "page"), CONFORMANCE_QUERIES)
def test_conformance_query_finds_its_page(
    conformance: tuple[RegionContent, SearchIndex], language: str, query: str, page: tuple[str, int]
) -> None:
    found = pages_found(*conformance, language, query)
    assert page in [result.page for result in found[:TOP]], [(r.page, r.title) for r in found[:TOP]]


def test_a_result_in_another_language_says_so(snapshot: tuple[RegionContent, SearchIndex]) -> None:
    # Turkish has no pages in the snapshot: the German page stands in, and is marked German.
    found = pages_found(*snapshot, "tr", "Kindergeld")
    assert found[0].page == ("de", 303)
    assert found[0].language == "de"
    # In Arabic, the same German word leads to the Arabic translation, which needs no mark.
    assert pages_found(*snapshot, "ar", "Kindergeld")[0].language == "ar"


def test_the_visitors_language_comes_before_german_and_english(
    snapshot: tuple[RegionContent, SearchIndex],
) -> None:
    # "Kita" is written in the Arabic, German and English pages alike: the Arabic ones come first.
    found = pages_found(*snapshot, "ar", "Kita")
    assert found and all(result.language == "ar" for result in found)
    assert ("ar", 301) in [result.page for result in found[:TOP]]


def test_exact_words_rank_before_typo_matches(snapshot: tuple[RegionContent, SearchIndex]) -> None:
    found = pages_found(*snapshot, "de", "Schule")
    assert found[0].page == ("de", 2)  # the page called "Schule", before pages with "Schulen", "Schuld"


def test_places_and_events_are_found_and_say_what_they_are(
    snapshot: tuple[RegionContent, SearchIndex], conformance: tuple[RegionContent, SearchIndex]
) -> None:
    found = pages_found(*snapshot, "en", "Caritas")
    assert ("place", 2) in [(result.kind, result.place_id) for result in found]
    found = pages_found(*snapshot, "uk", "Lutgendortmund")
    assert ("place", 7) in [(result.kind, result.place_id) for result in found]
    assert pages_found(*conformance, "en", "Wolfgangstrasse")[0].place_id == 4

    before_the_events = datetime(2029, 12, 20, 10, 0, tzinfo=BERLIN)
    found = pages_found(*conformance, "de", "Veranstaltung", before_the_events)
    events = [result for result in found if result.kind == "event"]
    assert {result.title for result in events} >= {
        "Einmalige Veranstaltung",
        "Test-Veranstaltung mit neuem Titel",
    }
    assert all(result.occurrence is not None for result in events)
    assert pages_found(*conformance, "en", "Test-Event", before_the_events)[0].title == "Test-Event"


def test_events_long_past_are_not_found(conformance: tuple[RegionContent, SearchIndex]) -> None:
    after_the_events = datetime(2032, 1, 1, 10, 0, tzinfo=BERLIN)
    found = pages_found(*conformance, "de", "Veranstaltung", after_the_events)
    assert [result for result in found if result.kind == "event"] == []


@pytest.mark.parametrize("query", ["", " ", "x", "?!", '"', "*", "NEAR(", ") OR (", "AND", "-", "'", "^a"])
def test_odd_input_finds_nothing_or_something_and_never_fails(
    snapshot: tuple[RegionContent, SearchIndex], query: str
) -> None:
    found = pages_found(*snapshot, "de", query)
    assert isinstance(found, list)
    if len(query.strip("\"*()-'^?! ")) < 2:
        assert found == []


def test_nonsense_finds_nothing(snapshot: tuple[RegionContent, SearchIndex]) -> None:
    assert pages_found(*snapshot, "de", "xylophonquartett") == []
    assert pages_found(*snapshot, "ar", "قطقطقط") == []
