"""Which links may become a QR code: trusted https hosts, plain phone numbers, e-mail, coordinates."""

from __future__ import annotations

import logging
from urllib.parse import unquote

import pytest

from kiosk.qr import DEFAULT_ALLOWED_HOSTS, LinkPolicy, QRPayload, geo_link, mailto_link, tel_link


@pytest.fixture
def policy() -> LinkPolicy:
    return LinkPolicy(DEFAULT_ALLOWED_HOSTS)


@pytest.mark.parametrize(
    "link",
    [
        "https://integreat.app/dortmund/de/willkommen/",
        "https://www.dortmund.de/leben-in-dortmund/?id=12&lang=de#oeffnungszeiten",
        "https://diakoniedortmund.de/beratung/migrationsdienst",
        "https://dortmund.de:443/rathaus",
        "https://integreat.app/dortmund/uk/%D0%BF%D1%80%D0%B8%D0%B2%D1%96%D1%82",
        "https://stadtteil.west.dortmund.de/a_b~c(d)!$'*,;=:@/",
        "HTTPS://WWW.DORTMUND.DE/",
        "tel:+492315011148",
        "mailto:info@diakoniedortmund.de",
        "geo:51.5354,7.3982",
        "geo:-33.8688,151.2093",
    ],
)
def test_good_links_are_encoded_unchanged(policy: LinkPolicy, link: str) -> None:
    assert policy.qr_target(link) == link


@pytest.mark.parametrize(
    "link",
    [
        "",
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "http://www.dortmund.de/",
        "ftp://dortmund.de/file",
        "sms:+492315011148",
        "intent://dortmund.de#Intent;scheme=https;end",
        "https://example.com/",
        "https://evil-dortmund.de/",
        "https://notdortmund.de/",
        "https://dortmund.de.evil.com/",
        "https://integreat.app.evil.com/dortmund",
        "https://dortmund.de@example.com/",
        "https://user:secret@dortmund.de/",
        "https://www.dortmund.de:secret@example.com/",
        "https://xn--dortmnd-n2a.de/",
        "https://xn--80ak6aa92e.dortmund.de/",
        "https://dortmünd.de/",
        "https://dortmund.dé/",
        "https://\u212aiosk.dortmund.de/",  # Kelvin sign, lower-cases to an ASCII "k"
        "https://dortmund\uff0ede/",  # fullwidth full stop
        "https://evil.com\\@dortmund.de/",
        "https://dortmund.de\\@evil.com/",
        "https://dortmund.de/\\evil",
        "https://dortmund.de/\x1b[2Jcleared",
        "https://dortmund.de/a\nb",
        "https://dortmund.de/a b",
        "https://dortmund.de/\t",
        " https://dortmund.de/",
        "https://dortmund.de/\u202egnp.exe",  # right-to-left override
        "https://dort\u200bmund.de/",  # zero-width space
        "https://dortmund.de:8443/",
        "https://dortmund.de:80/",
        "https://dortmund.de:/",
        "https://dortmund.de%2eevil.com/",
        "https://[::1]/",
        "https://[::1/",
        "https:dortmund.de/",
        "https:/dortmund.de/",
        "//dortmund.de/",
        "dortmund.de",
        "https://dortmund.de/" + "a" * 1000,
        "tel:0231;ext=12",
        "tel:+49+231",
        "tel:12",
        "tel:*100#",
        "tel:",
        "mailto:",
        "mailto:a@dortmund.de,b@example.com",
        "mailto:a@dortmund.de?subject=Hallo&body=x",
        "mailto:Name <a@dortmund.de>",
        "mailto:a@dortmund",
        "mailto:a@xn--dortmnd-n2a.de",
        "mailto:ä@dortmund.de",
        "geo:91,7",
        "geo:51,181",
        "geo:51.5",
        "geo:51.5,7.4;u=30",
        "geo:51.5,7.4?q=Rathaus",
        "geo:nord,ost",
    ],
)
def test_hostile_or_unclear_links_are_refused(policy: LinkPolicy, link: str) -> None:
    assert policy.qr_target(link) is None


def test_subdomains_of_allowed_hosts_pass_but_look_alikes_do_not(policy: LinkPolicy) -> None:
    assert policy.qr_target("https://www.dortmund.de/") == "https://www.dortmund.de/"
    assert policy.qr_target("https://a.b.integreat.app/") == "https://a.b.integreat.app/"
    assert policy.qr_target("https://evil-dortmund.de/") is None
    assert policy.qr_target("https://dortmund.de.evil.com/") is None


def test_only_the_configured_hosts_are_trusted() -> None:
    policy = LinkPolicy(["Beratung.Example.org."])
    assert policy.qr_target("https://beratung.example.org/x") == "https://beratung.example.org/x"
    assert policy.qr_target("https://example.org/x") is None
    assert policy.qr_target("https://integreat.app/x") is None


def test_the_content_api_host_can_be_trusted_too() -> None:
    policy = LinkPolicy.including_api_host(DEFAULT_ALLOWED_HOSTS, "https://cms.integreat-app.de")
    assert (
        policy.qr_target("https://cms.integreat-app.de/dortmund/") == "https://cms.integreat-app.de/dortmund/"
    )
    assert policy.qr_target("https://dortmund.de/") == "https://dortmund.de/"
    without = LinkPolicy.including_api_host(DEFAULT_ALLOWED_HOSTS, None)
    assert without.qr_target("https://cms.integreat-app.de/dortmund/") is None


@pytest.mark.parametrize("host", ["dortmund.de/path", "xn--dortmnd-n2a.de", "dörtmund.de", "", "-a.de"])
def test_a_bad_allowed_host_in_the_settings_is_an_error(host: str) -> None:
    with pytest.raises(ValueError, match="host"):
        LinkPolicy([host])


def test_non_ascii_letters_in_the_path_are_percent_encoded(policy: LinkPolicy) -> None:
    link = "https://integreat.app/dortmund/ar/مرحبا/straße"
    target = policy.qr_target(link)
    assert target is not None
    assert target.isascii()
    assert unquote(target) == link


def test_phone_numbers_keep_only_digits_and_a_leading_plus(policy: LinkPolicy) -> None:
    assert policy.qr_target("tel:0231 / 50-11148") == "tel:02315011148"
    assert policy.qr_target("tel:+49 (231) 50-11148") == "tel:+492315011148"
    assert tel_link("0231 50 11 148") == "tel:02315011148"
    assert tel_link("0231 50 11 148 (Zentrale)") is None


def test_mailto_link_is_one_plain_address() -> None:
    assert mailto_link("beratung@diakoniedortmund.de") == "mailto:beratung@diakoniedortmund.de"
    assert mailto_link("a@b.de; c@d.de") is None
    assert mailto_link("a@-b.de") is None


def test_geo_link_writes_short_coordinates() -> None:
    assert geo_link(51.5354, 7.3982) == "geo:51.5354,7.3982"
    assert geo_link(51.123456789, 7.0) == "geo:51.123457,7"
    assert geo_link(-0.0000001, -180) == "geo:0,-180"
    for lat, lon in [(90.5, 0.0), (0.0, 180.5), (float("nan"), 0.0), (0.0, float("inf"))]:
        with pytest.raises(ValueError, match="Earth"):
            geo_link(lat, lon)


def test_a_refusal_logs_one_line_with_no_more_than_scheme_and_host(
    policy: LinkPolicy, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="kiosk.qr")
    assert policy.qr_target("https://dortmund.de@example.com/private/path?token=s3cret#frag") is None
    [record] = caplog.records
    message = record.getMessage()
    assert record.levelno == logging.WARNING
    assert "https://example.com" in message
    assert "user name" in message
    for secret in ("s3cret", "private", "frag", "dortmund.de@"):
        assert secret not in message


def test_a_log_line_never_carries_control_characters(
    policy: LinkPolicy, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="kiosk.qr")
    policy.qr_target("https://dort\x1b]0;owned\x07mund.de/")
    policy.qr_target("java\x1b[31mscript:alert(1)")
    assert len(caplog.records) == 2
    for record in caplog.records:
        assert all(char.isprintable() for char in record.getMessage())
        assert "owned" not in record.getMessage()


def test_the_same_bad_link_warns_once(policy: LinkPolicy, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="kiosk.qr")
    for _ in range(3):
        policy.qr_target("https://example.com/a")
    assert [record.levelno for record in caplog.records] == [logging.WARNING, logging.DEBUG, logging.DEBUG]


def test_an_empty_link_is_only_information(policy: LinkPolicy, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="kiosk.qr")
    assert policy.qr_target("") is None
    assert [record.levelno for record in caplog.records] == [logging.INFO]


VCARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:lokal willkommen Westerfilde\r\nTEL:+492315011148\r\nEND:VCARD"
VEVENT = "\r\n".join(
    [
        "BEGIN:VCALENDAR",
        "BEGIN:VEVENT",
        "SUMMARY:Sprachcafé",
        "DTSTART:20250301T100000",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
)


def test_payloads_the_kiosk_built_pass_unchanged(policy: LinkPolicy) -> None:
    assert policy.allow_payload(QRPayload("vcard", VCARD)) == VCARD
    assert policy.allow_payload(QRPayload("vevent", VEVENT)) == VEVENT


@pytest.mark.parametrize(
    "payload",
    [
        QRPayload("vcard", ""),
        QRPayload("vcard", VEVENT),
        QRPayload("vevent", VCARD),
        QRPayload("vcard", "https://example.com/"),
        QRPayload("vcard", VCARD.replace("FN:", "FN:\x1b[2J")),
        QRPayload("vcard", VCARD.replace("FN:", "FN:" + "x" * 1000)),
    ],
)
def test_malformed_payloads_are_refused(policy: LinkPolicy, payload: QRPayload) -> None:
    assert policy.allow_payload(payload) is None
