"""The bundled content snapshot: API v3 shapes, one page tree in five languages, and only true facts.

Every phone number, e-mail address and link in the snapshot must come from the office's facts
(/work/shared/content/westerfilde-facts.md); the values are repeated here so the test needs nothing
outside the repository.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

SNAPSHOT = Path(__file__).resolve().parents[2] / "kiosk" / "data" / "snapshot"
LANGS = ("de", "en", "uk", "ar", "fa")
RTL = {"ar", "fa"}

DIAKONIE_URL = "https://www.diakoniedortmund.de/unser-angebot/migration-und-integration/lokal-willkommen"
OFFICE_EMAIL = "lokalwillkommen.mh@stadtdo.de"
OFFICE_PHONES = {"02315011148", "02315011149"}  # 0231 50 11 148 / 0231 50 11 149, digits only
ALLOWED_LINKS = {
    DIAKONIE_URL,
    f"mailto:{OFFICE_EMAIL}",
    "tel:+492315011148",
    "tel:+492315011149",
}
OFFICES = {
    "lokal willkommen Westerfilde": "Diakonisches Werk Dortmund und Lünen",
    "lokal willkommen Brackel/Aplerbeck": "Caritas",
    "lokal willkommen Eving/Scharnhorst": "DRK",
    "lokal willkommen Hörde/Hombruch": "AWO",
    "lokal willkommen Innenstadt Nord": "Der Paritätische Dortmund / VMDO e.V.",
    "lokal willkommen Innenstadt West und Ost": "Projekt Ankommen",
    "lokal willkommen Lütgendortmund": "EHC",
}

PAGE_KEYS = {
    "id", "url", "path", "title", "modified_gmt", "last_updated", "excerpt", "content",
    "parent", "order", "available_languages", "thumbnail", "organization", "hash",
}  # fmt: skip
LOCATION_KEYS = {
    "id", "url", "path", "title", "modified_gmt", "last_updated", "excerpt", "meta_description",
    "content", "appointment_url", "available_languages", "icon", "thumbnail", "website", "email",
    "phone_number", "contacts", "category", "temporarily_closed", "opening_hours", "location",
    "hash", "organization", "barrier_free",
}  # fmt: skip
ADDRESS_KEYS = {
    "id", "name", "address", "town", "state", "postcode", "region", "country", "latitude", "longitude",
}  # fmt: skip
CONTACT_KEYS = {"area_of_responsibility", "name", "email", "phone_number", "mobile_number", "website"}

LINK_RE = re.compile(r"(?:https?://|www\.|tel:|mailto:)[^\s\"'<>]*", re.IGNORECASE)
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A phone number: starts with 0 or +, then at least seven more digits, maybe grouped by spaces, / or -.
PHONE_RE = re.compile(r"(?<![\w.])(?:\+|0)\d(?:[ /-]?\d){6,}")
# Bidi embeddings, overrides and isolates would reorder the kiosk's own text around them.
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
VOID_TAGS = {"br", "hr", "img"}


def load(*parts: str) -> Any:
    return json.loads((SNAPSHOT.joinpath(*parts)).read_text(encoding="utf-8"))


def pages(lang: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = load(lang, "pages.json")
    return result


def locations(lang: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = load(lang, "locations.json")
    return result


def all_json_files() -> list[Path]:
    return sorted(SNAPSHOT.rglob("*.json"))


def strings_in(node: Any) -> Iterator[str]:
    """Every string value and key, at any depth."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from strings_in(value)
    elif isinstance(node, list):
        for item in node:
            yield from strings_in(item)


def ascii_digits(text: str) -> str:
    """Arabic-Indic and Persian digits as 0-9, so a number cannot hide in another script."""
    return "".join(str(unicodedata.digit(ch)) if ch.isdigit() and not ch.isascii() else ch for ch in text)


class _HtmlReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.hrefs: list[str] = []
        self.open: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")
        if tag not in VOID_TAGS:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.errors.append(f"</{tag}> does not close {self.open[-1:] or 'anything'}")
        else:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def read_html(html: str) -> _HtmlReader:
    reader = _HtmlReader()
    reader.feed(html)
    reader.close()
    return reader


def plain(html: str) -> str:
    return " ".join(read_html(html).text)


# Names that stay in Latin letters in every language.
PROPER_NAMES = re.compile(
    r"lokal willkommen|Diakoni\w*|Werk|Dortmund|Lünen|Westerfilde\w*|Straße|Mengede|Huckarde|Nette|Nebenan|"
    r"Bodelschwingh|Noah|Brackel|Aplerbeck|Eving|Scharnhorst|Hörde|Hombruch|Innenstadt|Nord|West|und|Ost|"
    r"Lütgendortmund|Caritas|DRK|AWO|Der Paritätische|VMDO|e\.V\.|Projekt Ankommen|EHC|NRW|Jobcenter|"
    r"Begegnung vor Ort|Kita"
)


def script_share(text: str, lo: int, hi: int) -> float:
    """Share of the letters in ``text``, proper names aside, that lie in the code point range [lo, hi]."""
    letters = [ch for ch in PROPER_NAMES.sub(" ", text) if ch.isalpha()]
    return sum(lo <= ord(ch) <= hi for ch in letters) / max(len(letters), 1)


# --- files and shapes ---------------------------------------------------------------------------


def test_every_snapshot_file_is_valid_json() -> None:
    expected = {"manifest.json", "languages.json"} | {
        f"{lang}/{name}" for lang in LANGS for name in ("pages.json", "events.json", "locations.json")
    }
    found = {path.relative_to(SNAPSHOT).as_posix() for path in all_json_files()}
    assert found == expected
    for path in all_json_files():
        json.loads(path.read_text(encoding="utf-8"))


def test_manifest_names_region_and_date() -> None:
    assert load("manifest.json") == {"region": "dortmund", "created": "2026-11-24"}


def test_languages_have_the_api_shape_and_direction() -> None:
    languages = load("languages.json")
    assert [lang["code"] for lang in languages] == list(LANGS)
    for lang in languages:
        assert set(lang) == {"id", "code", "bcp47_tag", "native_name", "dir"}
        assert lang["native_name"].strip()
        assert lang["dir"] == ("RIGHT_TO_LEFT" if lang["code"] in RTL else "LEFT_TO_RIGHT")


@pytest.mark.parametrize("lang", LANGS)
def test_no_events_without_known_dates(lang: str) -> None:
    # No event date is among the facts, so events come only from the live API.
    assert load(lang, "events.json") == []


@pytest.mark.parametrize("lang", LANGS)
def test_pages_have_the_api_shape(lang: str) -> None:
    others = {code for code in LANGS if code != lang}
    for page in pages(lang):
        assert set(page) >= PAGE_KEYS, page["id"]
        assert isinstance(page["id"], int) and page["id"] > 0
        assert isinstance(page["order"], int)
        assert set(page["parent"]) == {"id", "url", "path"}
        assert page["path"].startswith(f"/dortmund/{lang}/") and page["path"].endswith("/")
        assert datetime.fromisoformat(page["last_updated"]).utcoffset() is not None
        assert set(page["available_languages"]) == others
        for code, link in page["available_languages"].items():
            assert link["id"] == page["id"]
            assert link["path"].startswith(f"/dortmund/{code}/")


@pytest.mark.parametrize("lang", LANGS)
def test_locations_have_the_api_shape(lang: str) -> None:
    for place in locations(lang):
        assert set(place) >= LOCATION_KEYS, place["id"]
        assert set(place["location"]) == ADDRESS_KEYS
        assert {"id", "name"} <= set(place["category"])
        assert place["category"]["id"] == 1 and place["category"]["name"] == "lokal willkommen"
        for contact in place["contacts"]:
            assert set(contact) >= CONTACT_KEYS


# --- one page tree in every language --------------------------------------------------------------


def tree(lang: str) -> dict[int, tuple[int, int]]:
    return {page["id"]: (page["parent"]["id"], page["order"]) for page in pages(lang)}


def test_same_page_ids_and_parents_in_every_language() -> None:
    german = tree("de")
    for lang in LANGS[1:]:
        assert tree(lang) == german, lang


@pytest.mark.parametrize("lang", LANGS)
def test_pages_form_two_levels(lang: str) -> None:
    by_id = {page["id"]: page for page in pages(lang)}
    assert len(by_id) == len(pages(lang)), "page ids repeat"
    top = [page for page in by_id.values() if page["parent"]["id"] == 0]
    assert len(top) >= 8
    for page in top:
        assert page["parent"] == {"id": 0, "url": None, "path": None}
    for page in by_id.values():
        parent_id = page["parent"]["id"]
        if parent_id:
            parent = by_id[parent_id]
            assert parent["parent"]["id"] == 0, f"page {page['id']} is deeper than two levels"
            assert page["parent"]["path"] == parent["path"]
            assert page["path"].startswith(parent["path"])
    for parent in top:
        children = [p for p in by_id.values() if p["parent"]["id"] == parent["id"]]
        assert 1 <= len(children) <= 3, parent["title"]


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_has_title_excerpt_and_content(lang: str) -> None:
    for page in pages(lang):
        assert page["title"].strip(), page["id"]
        assert page["excerpt"].strip(), page["id"]
        assert "<" not in page["excerpt"], "excerpts are plain text"
        assert plain(page["content"]).strip(), page["id"]


@pytest.mark.parametrize("lang", LANGS)
def test_html_tags_are_balanced(lang: str) -> None:
    for item in pages(lang) + locations(lang):
        reader = read_html(item["content"])
        assert not reader.errors and not reader.open, (item["id"], reader.errors, reader.open)


# --- only facts: phone numbers, e-mail addresses, links ------------------------------------------


@pytest.mark.parametrize("path", all_json_files(), ids=lambda p: p.relative_to(SNAPSHOT).as_posix())
def test_links_emails_and_phones_come_from_the_facts(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    for text in strings_in(data):
        text = ascii_digits(text)
        for link in LINK_RE.findall(text):
            assert link in ALLOWED_LINKS, f"{path.name}: unknown link {link!r}"
        for email in EMAIL_RE.findall(text):
            assert email == OFFICE_EMAIL, f"{path.name}: unknown e-mail {email!r}"
        for phone in PHONE_RE.findall(text):
            digits = re.sub(r"\D", "", phone)
            digits = "0" + digits[2:] if phone.startswith("+49") else digits
            assert digits in OFFICE_PHONES, f"{path.name}: unknown phone number {phone!r}"
        if "<a" in text:
            for href in read_html(text).hrefs:
                assert href in ALLOWED_LINKS, f"{path.name}: unknown href {href!r}"


def test_the_office_page_links_the_diakonie_page_and_both_phone_numbers() -> None:
    for lang in LANGS:
        content = " ".join(page["content"] for page in pages(lang))
        hrefs = set(read_html(content).hrefs)
        assert hrefs == ALLOWED_LINKS, lang


# --- the seven offices and Westerfilde's hours ---------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_seven_offices_with_their_partners(lang: str) -> None:
    places = locations(lang)
    assert {place["title"]: place["id"] for place in places}["lokal willkommen Westerfilde"] == 1
    assert {place["title"] for place in places} == set(OFFICES)
    for place in places:
        partner = OFFICES[place["title"]]
        assert partner in place["excerpt"] or partner in place["content"], place["title"]
        if place["id"] != 1:
            # Only Westerfilde's address and hours are known.
            assert place["opening_hours"] is None
            assert place["location"]["address"] == "" and place["location"]["postcode"] == ""
            assert place["phone_number"] is None and place["email"] is None and place["contacts"] == []


def slots(day: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(s["start"], s["end"], s["timezone"]) for s in day["timeSlots"]]


@pytest.mark.parametrize("lang", LANGS)
def test_westerfilde_office_matches_the_facts(lang: str) -> None:
    office = next(place for place in locations(lang) if place["id"] == 1)
    berlin = "Europe/Berlin"
    week = office["opening_hours"]
    assert len(week) == 7
    assert [slots(day) for day in week] == [
        [("09:00", "12:00", berlin)],
        [("13:00", "16:00", berlin)],
        [],
        [("14:00", "17:00", berlin)],
        [("09:00", "12:00", berlin)],
        [],
        [],
    ]
    assert [day["closed"] for day in week] == [False, False, True, False, False, True, True]
    assert not any(day["allDay"] or day["appointmentOnly"] for day in week)
    assert office["location"]["address"] == "Westerfilder Straße 54"
    assert office["location"]["postcode"] == "44357" and office["location"]["town"] == "Dortmund"
    assert office["location"]["latitude"] is None and office["location"]["longitude"] is None
    assert office["website"] == DIAKONIE_URL and office["email"] == OFFICE_EMAIL
    assert re.sub(r"\D", "", office["phone_number"]) in OFFICE_PHONES
    assert office["contacts"] and office["contacts"][0]["email"] == OFFICE_EMAIL


def test_westerfilde_description_mentions_appointments() -> None:
    words = {"de": "Vereinbarung", "en": "appointment", "uk": "домовленістю", "ar": "بموعد", "fa": "وقت قبلی"}
    for lang, word in words.items():
        office = next(place for place in locations(lang) if place["id"] == 1)
        assert word in office["content"], lang


# --- scripts and characters ----------------------------------------------------------------------

ARABIC_SCRIPT = (0x0600, 0x06FF)
CYRILLIC = (0x0400, 0x04FF)
SCRIPTS = {"ar": ARABIC_SCRIPT, "fa": ARABIC_SCRIPT, "uk": CYRILLIC}


@pytest.mark.parametrize("lang", sorted(SCRIPTS))
def test_translations_are_written_in_their_script(lang: str) -> None:
    lo, hi = SCRIPTS[lang]
    items = [(p["id"], p["title"], p["excerpt"], plain(p["content"])) for p in pages(lang)]
    items += [(p["id"], "", p["excerpt"], plain(p["content"])) for p in locations(lang)]
    for item_id, title, excerpt, body in items:
        if title:
            assert script_share(title, lo, hi) > 0, (item_id, title)
        # Proper names (Westerfilder Straße, Diakonie) stay in Latin letters; the rest is translated.
        assert script_share(excerpt + " " + body, lo, hi) > 0.8, (item_id, title)


def test_farsi_uses_persian_letters_and_arabic_does_not() -> None:
    farsi = json.dumps(load("fa", "pages.json"), ensure_ascii=False)
    arabic = json.dumps(load("ar", "pages.json"), ensure_ascii=False)
    assert "\u064a" not in farsi and "\u0643" not in farsi, "Farsi needs ی and ک, not Arabic ي and ك"
    assert not set("\u06cc\u06a9\u067e\u0686\u06af\u0698") & set(arabic), "Persian letters in Arabic text"


@pytest.mark.parametrize("path", all_json_files(), ids=lambda p: p.relative_to(SNAPSHOT).as_posix())
def test_no_control_characters(path: Path) -> None:
    for text in strings_in(json.loads(path.read_text(encoding="utf-8"))):
        bad = {ch for ch in text if unicodedata.category(ch) == "Cc" or ch in BIDI_CONTROLS}
        assert not bad, f"{path.name}: {sorted(map(hex, map(ord, bad)))} in {text[:40]!r}"
