"""The address card a place hands over: a vCard a phone reads, built safely from untrusted content."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kiosk.qr import DEFAULT_ALLOWED_HOSTS, LinkPolicy, QRPayload, address_card, qr_matrix, render_rows
from tests.support.qr_screen import decode_text_rows

POLICY = LinkPolicy(DEFAULT_ALLOWED_HOSTS)


def test_the_office_card_has_its_name_and_address_in_vcard_fields() -> None:
    card = address_card("lokal willkommen Westerfilde", "Westerfilder Straße 54", "44357", "Dortmund")
    assert card == (
        "BEGIN:VCARD\nVERSION:3.0\n"
        "N:lokal willkommen Westerfilde;;;;\nFN:lokal willkommen Westerfilde\n"
        "ADR:;;Westerfilder Straße 54;Dortmund;;44357;\nEND:VCARD"
    )
    assert POLICY.allow_payload(QRPayload("vcard", card)) == card
    # Small enough to sit beside the text at 120×40: a side panel holds 58 modules.
    assert len(qr_matrix(card)) <= 58


def test_vcard_specials_are_escaped_so_no_field_can_be_added() -> None:
    card = address_card("Caritas; Beratung, Büro \\ 2", "Weg 1;;;X", "", "Dortmund")
    assert card is not None
    assert "FN:Caritas\\; Beratung\\, Büro \\\\ 2\n" in card
    assert "ADR:;;Weg 1\\;\\;\\;X;Dortmund;;;\n" in card


def test_line_breaks_controls_and_odd_spaces_never_reach_the_card() -> None:
    card = address_card(
        "Büro\nTEL:+49 1\x1b[2J\u202e", "Straße\u00a054\r\nEMAIL:x@y.de", "44357", "Dort\u00admund"
    )
    assert card is not None
    assert card.count("\n") == 5, "exactly the six lines the kiosk writes"
    assert "FN:Büro TEL:+49 1[2J\n" in card
    assert "ADR:;;Straße 54 EMAIL:x@y.de;Dortmund;;44357;\n" in card
    assert POLICY.allow_payload(QRPayload("vcard", card)) == card


def test_no_card_without_an_address_and_none_without_a_name() -> None:
    assert address_card("lokal willkommen Eving", "", "", "") is None
    assert address_card("", "", "44357", " \u200b ") is None
    assert address_card("", "Westerfilder Straße 54", "", "") == (
        "BEGIN:VCARD\nVERSION:3.0\nADR:;;Westerfilder Straße 54;;;;\nEND:VCARD"
    )


def test_an_over_long_field_is_cut_so_the_code_stays_small() -> None:
    card = address_card("Amt " * 200, "Straße 1", "44357", "Dortmund")
    assert card is not None and len(card) < 400


@settings(max_examples=40, deadline=None)
@given(
    name=st.text(max_size=60),
    street=st.text(max_size=60),
    town=st.text(min_size=1, max_size=30),
)
def test_any_card_is_allowed_and_scans_back_exactly(name: str, street: str, town: str) -> None:
    card = address_card(name, street, "44357", town)
    assume(card is not None)  # nothing readable was left of the street or the town
    assert card is not None
    assert POLICY.allow_payload(QRPayload("vcard", card)) == card
    assert decode_text_rows(render_rows(qr_matrix(card), 1)) == [card]
