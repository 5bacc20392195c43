"""Take-home codes: link first, else the item's text trimmed to the room on screen, else the office's phone.

Each code is read back with zxing-cpp from the rows the kiosk would draw, as a phone camera would.
"""

from __future__ import annotations

import pytest

from kiosk.content.models import Page
from kiosk.qr import LinkPolicy, qr_matrix, render_rows
from kiosk.sources.snapshot import load_snapshot
from kiosk.takehome import (
    Essentials,
    capacity,
    largest_version,
    page_essentials,
    phone_line,
    place_essentials,
    take_home,
    text_code,
)
from tests.support.qr_screen import decode_text_rows

POLICY = LinkPolicy(["integreat.app"])
OFFICE_PHONE = "0231 50 11 148"  # the facts file
LINK = "https://integreat.app/dortmund/de/schule/"
#: The room beside the text at 80×24, a code alone at 80×24, and beside the text at 200×60.
SMALL_PANEL, SMALL_SCREEN, LARGE_PANEL = 37, 45, 97


def scanned(text: str) -> list[str]:
    return decode_text_rows(render_rows(qr_matrix(text), 1))


def test_capacity_is_what_a_qr_code_of_that_version_holds() -> None:
    for version in range(1, 12):
        modules = 17 + 4 * version + 8
        assert largest_version(modules) == version and largest_version(modules - 1) == version - 1
        fits = "ж" * (capacity(version) // 2)
        assert len(qr_matrix(fits)) <= modules < len(qr_matrix(fits + "жж"))


def test_an_allowed_link_is_the_code() -> None:
    code = take_home(LINK, None, OFFICE_PHONE, POLICY, panel_modules=SMALL_PANEL, screen_modules=SMALL_SCREEN)
    assert code is not None and code.kind == "link" and scanned(code.data) == [LINK]


def test_a_refused_link_gives_way_to_the_text() -> None:
    essentials = Essentials("Schule", ("Kinder müssen zur Schule gehen.",), "de")
    code = take_home(
        "https://evil.example/x", essentials, OFFICE_PHONE, POLICY, panel_modules=61, screen_modules=61
    )
    assert code is not None and code.kind == "text"
    assert scanned(code.data) == [
        "Schule\nKinder müssen zur Schule gehen.\n" + phone_line(OFFICE_PHONE, "de")
    ]


@pytest.mark.parametrize("language", ["de", "ar", "uk"])
@pytest.mark.parametrize("modules", [SMALL_SCREEN, 61, LARGE_PANEL])
def test_every_bundled_page_has_a_text_code_that_fits_and_ends_with_the_phone(
    language: str, modules: int
) -> None:
    content = load_snapshot().get(language)
    assert content is not None
    for page in content.pages:
        essentials = page_essentials(page, language)
        text = text_code(essentials, phone_line(OFFICE_PHONE, language), modules)
        assert text is not None, page.title
        assert len(qr_matrix(text)) <= modules
        assert scanned(text) == [text]
        first, *_, last = text.split("\n")
        assert essentials.title.startswith(first.removesuffix("…"))
        assert last == phone_line(OFFICE_PHONE, language) and OFFICE_PHONE in last


def test_more_room_keeps_more_of_the_page() -> None:
    content = load_snapshot().get("de")
    assert content is not None
    page = max(content.pages, key=lambda p: len(p.content_html))
    essentials = page_essentials(page, "de")
    texts = [text_code(essentials, phone_line(OFFICE_PHONE, "de"), m) for m in (45, 61, 97)]
    assert all(texts)
    lengths = [len(t or "") for t in texts]
    assert lengths == sorted(lengths) and lengths[0] < lengths[-1]


def test_the_phone_code_is_the_last_resort() -> None:
    essentials = Essentials("Anmeldung eines Kindes in der Schule", ("…",), "ar")
    code = take_home("", essentials, OFFICE_PHONE, POLICY, panel_modules=33, screen_modules=33)
    assert code is not None and code.kind == "tel" and scanned(code.data) == ["tel:02315011148"]
    # Without a phone number in the content there is no phone code and no phone line: nothing invented.
    assert take_home("", None, "", POLICY, panel_modules=33, screen_modules=33) is None
    text = take_home("", essentials, "", POLICY, panel_modules=33, screen_modules=33)
    assert text is not None and text.kind == "text" and "\u260e" not in text.data


def test_content_cannot_smuggle_control_characters_into_a_text_code() -> None:
    page = Page(1, "Schule\u202e\x1b[31m", "<p>Text\u200b mit\x07 Steuerzeichen</p>")
    text = text_code(page_essentials(page, "de"), phone_line(OFFICE_PHONE, "de"), 61)
    assert text is not None
    assert not any(ord(char) < 32 and char != "\n" for char in text)
    assert "\u202e" not in text and "\u200b" not in text


def test_a_place_text_has_its_address_phone_and_hours() -> None:
    content = load_snapshot().get("de")
    assert content is not None
    office = content.places[0]
    text = text_code(place_essentials(office, "de"), phone_line(OFFICE_PHONE, "de"), LARGE_PANEL)
    assert text is not None
    assert "Westerfilder Straße 54, 44357 Dortmund" in text and "Montag: 09:00–12:00" in text
