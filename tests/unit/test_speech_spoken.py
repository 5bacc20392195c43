"""Spoken forms: hours, dates and codes said the way a person says them, in every UI language."""

from __future__ import annotations

import subprocess
from datetime import date, datetime, time

import pytest

from kiosk.clock import BERLIN
from kiosk.config import DEFAULT_LANGUAGES
from kiosk.content.html import html_to_document
from kiosk.content.library import Library
from kiosk.content.models import Place, TimeSlot
from kiosk.i18n.locales import native_name
from kiosk.sources.snapshot import load_snapshot
from kiosk.speech.readings import document_passages, hours_passages, phone_words
from kiosk.speech.spoken import code_holds, menu_entry, spoken_code, spoken_date, spoken_span, spoken_when
from tests.conftest import MONDAY_MORNING
from tests.support.speech import needs_espeak


def office(lang: str) -> Place:
    shown = Library(load_snapshot(), lang).office(None)
    assert shown is not None
    return shown.item


def test_the_offices_week_in_german_as_a_person_says_it() -> None:
    said = [u.text for u in hours_passages(office("de"), MONDAY_MORNING, "de")]
    assert said == [
        "Jetzt geöffnet bis 12 Uhr",
        "Montag und Freitag: 9 bis 12 Uhr.",
        "Dienstag: 13 bis 16 Uhr.",
        "Donnerstag: 14 bis 17 Uhr.",
    ]
    assert all(u.language == "de" for u in hours_passages(office("de"), MONDAY_MORNING, "de"))


@pytest.mark.parametrize("lang", DEFAULT_LANGUAGES)
def test_every_language_says_the_hours_in_its_own_words_without_clock_notation(lang: str) -> None:
    said = " ".join(u.text for u in hours_passages(office(lang), MONDAY_MORNING, lang))
    assert ":00" not in said and "–" not in said
    assert "9" in said and "12" in said and "17" in said
    if lang != "en":
        english = " ".join(u.text for u in hours_passages(office("en"), MONDAY_MORNING, "en"))
        assert said != english and "o'clock" not in said and " to " not in said


@needs_espeak
def test_the_voice_hears_nine_to_twelve_not_colons_and_zeros() -> None:
    spoken = hours_passages(office("de"), MONDAY_MORNING, "de")[1].text
    phonemes = subprocess.run(
        ["espeak-ng", "-v", "de", "-q", "-x", spoken], capture_output=True, text=True
    ).stdout
    printed = subprocess.run(
        ["espeak-ng", "-v", "de", "-q", "-x", "Montag 9:00–12:00"], capture_output=True, text=True
    ).stdout
    assert "n'Ul" in printed  # "null null": what the screen's notation would sound like
    assert "n'Ul" not in phonemes and "n'OYn" in phonemes and "tsv'Wlf" in phonemes and "u:r" in phonemes


def test_times_with_minutes_and_days_by_appointment() -> None:
    assert spoken_span(TimeSlot(time(9), time(12, 30)), "de") == "9 Uhr bis 12 Uhr 30"
    assert spoken_span(TimeSlot(time(9), time(12)), "tr") == "saat 9 ile 12 arası"
    assert spoken_span(TimeSlot(time(8, 15), time(9, 45)), "fr") == "de 8 heures 15 à 9 heures 45"


def test_event_dates_leave_out_the_current_year() -> None:
    start = datetime(2026, 12, 3, 18, tzinfo=BERLIN)
    end = datetime(2026, 12, 3, 20, tzinfo=BERLIN)
    assert (
        spoken_when(start, end, False, "de", date(2026, 11, 23)) == "Donnerstag, 3. Dezember, 18 bis 20 Uhr"
    )
    assert spoken_when(start, end, True, "uk", date(2026, 11, 23)) == "четвер, 3 грудня, увесь день"
    assert spoken_date(date(2027, 1, 5), "ru", date(2026, 11, 23)) == "вторник, 5 января 2027"  # no "г."
    longer = spoken_when(start, datetime(2026, 12, 4, 12, tzinfo=BERLIN), False, "de", date(2026, 11, 23))
    assert longer == "von Donnerstag, 3. Dezember, 18 Uhr bis Freitag, 4. Dezember, 12 Uhr"


def test_what_a_code_holds() -> None:
    assert code_holds("BEGIN:VCARD\nFN:x\nEND:VCARD", "de") == "eine Kontaktkarte für Ihr Handy"
    assert code_holds("BEGIN:VCALENDAR\nEND:VCALENDAR", "en") == "a calendar entry for your phone"
    assert code_holds("tel:+492315011148", "de") == "die Telefonnummer + 4 9 2 3 1 5 0 1 1 1 4 8"
    assert code_holds("mailto:a@b.de", "fr") == "une adresse e-mail"
    assert code_holds("https://www.dortmund.de/x", "ar") == "رابط إلى dortmund.de"
    said = spoken_code("https://integreat.app/dortmund/de/x", "Nehmen Sie diese Seite mit", "de")
    assert said == "QR-Code: Nehmen Sie diese Seite mit. Er enthält einen Link zu integreat.app."


def test_a_text_code_is_said_by_its_caption_alone() -> None:
    # "Holds the text of this page. It holds a text." says the same thing twice.
    said = spoken_code("Beratung\n☎ 0231 50 11 148", "Enthält den Text dieser Seite", "de")
    assert said == "QR-Code: Enthält den Text dieser Seite."
    assert spoken_code("tel:+4923150111148", "Anrufen", "de").endswith(
        "Telefonnummer + 4 9 2 3 1 5 0 1 1 1 1 4 8."
    )


@pytest.mark.parametrize("lang", DEFAULT_LANGUAGES)
def test_the_audio_menu_offers_each_language_in_itself(lang: str) -> None:
    entry = menu_entry(lang, "4")
    assert entry.startswith(native_name(lang)) and "4" in entry
    if lang != "en":
        assert "press" not in entry
    assert "B" in menu_entry(lang, "B")


def test_phone_numbers_are_read_digit_by_digit_in_their_groups() -> None:
    assert phone_words("0231 50 11 148") == "0 2 3 1, 5 0, 1 1, 1 4 8"
    assert phone_words("+49 (231) 123") == "+ 4 9, 2 3 1, 1 2 3"


def test_a_page_is_read_block_by_block_with_its_links_numbered() -> None:
    document = html_to_document(
        "<h2>Kita</h2><p>Fragen Sie das <a href='https://www.dortmund.de/kita'>Jugendamt</a>.</p>"
        "<ul><li>Anmeldung</li><li>Kosten</li></ul>"
    )
    passages = document_passages(document, "ar", "de")
    assert [p.text for p in passages] == [
        "Kita",
        "Fragen Sie das Jugendamt (الرابط 1).",
        "Anmeldung",
        "Kosten",
        "الروابط في هذه الصفحة: 1: Jugendamt",
    ]
    assert all(p.kind == "passage" for p in passages)
    # The German page inside an Arabic session: German voice for the text, Arabic for the kiosk's words.
    assert passages[0].languages == ("de",)
    assert passages[1].languages == ("de", "ar")
