"""Links a visitor may take home as a QR code: the policy that decides which, and terminal rendering.

The policy is the only gate between content from outside and a code a visitor's phone will open, so it
refuses anything it cannot explain: only https links to the office's trusted hosts, plain phone
numbers, one plain e-mail address, or coordinates. Texts the kiosk composes itself (a vCard, an
iCalendar event) go through :meth:`LinkPolicy.allow_payload` instead: they are not links.

Terminal rendering uses half-block characters so that modules are square. Convention: a dark module
is drawn in the *foreground* colour on a *light background*, so "▀" means top dark, bottom light.
"""

from __future__ import annotations

import functools
import logging
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, TextIO
from urllib.parse import quote, urlsplit

from kiosk.content.calendar import calendar_forms
from kiosk.content.recurrence import Occurrence

log = logging.getLogger(__name__)

DEFAULT_ALLOWED_HOSTS = ("integreat.app", "dortmund.de", "diakoniedortmund.de")
QUIET_ZONE = 4

_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*\Z")
_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_HOST = re.compile(rf"{_LABEL}(?:\.{_LABEL})*\Z")
# re.ASCII: without it, IGNORECASE lets look-alikes such as the Kelvin sign "K" match [a-z].
_NETLOC = re.compile(
    rf"(?P<host>{_LABEL}(?:\.{_LABEL})*)(?::(?P<port>[0-9]{{1,5}}))?\Z", re.IGNORECASE | re.ASCII
)
_TEL = re.compile(r"[0-9 +\-/()]+\Z")
_MAILTO = re.compile(
    r"[a-z0-9._%+-]{1,64}@(?P<domain>[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63})+)\Z", re.IGNORECASE | re.ASCII
)
_GEO = re.compile(r"(-?[0-9]{1,3}(?:\.[0-9]{1,12})?),(-?[0-9]{1,3}(?:\.[0-9]{1,12})?)\Z")
# Printable ASCII a URI may not contain as is; browsers percent-encode them, so the link keeps its meaning.
_URI_UNSAFE = frozenset('"<>^`{|}')
_PAYLOAD_FRAMES = {
    "vcard": ("BEGIN:VCARD", "END:VCARD"),
    "vevent": ("BEGIN:VCALENDAR", "END:VCALENDAR"),
}
_LOGGED_LIMIT = 500


@dataclass(frozen=True)
class QRPayload:
    """A text the kiosk composed itself (a vCard or an iCalendar event), encoded as it is; never a link."""

    kind: Literal["vcard", "vevent"]
    text: str


class _Refused(Exception):
    """Why a link may not become a QR code, and the part of it that is safe to log."""

    def __init__(self, reason: str, shown: str = "", level: int = logging.WARNING) -> None:
        super().__init__(reason)
        self.reason = reason
        self.shown = shown
        self.level = level


def _normalise_host(host: str) -> str:
    value = host.strip().lower().rstrip(".")
    if (
        not host.isascii()
        or not _HOST.match(value)
        or any(label.startswith("xn--") for label in value.split("."))
    ):
        raise ValueError(f"not a plain host name: {host!r}")
    return value


def _has_invisible(text: str) -> bool:
    # Cc: control, Cf: format (bidi overrides, zero-width), Z*: any kind of space or line break.
    return any(unicodedata.category(char)[0] in "CZ" for char in text)


def tel_link(number: str) -> str | None:
    """``tel:`` link for a phone number as people write it ("0231 50-11148"), or None if it is not one."""
    if not _TEL.match(number):
        return None
    digits = re.sub(r"[^0-9+]", "", number)
    if "+" in digits[1:] or not 3 <= len(digits.lstrip("+")) <= 20:
        return None
    return f"tel:{digits}"


def mailto_link(address: str) -> str | None:
    """``mailto:`` link for one plain e-mail address, or None (several addresses, headers, odd names)."""
    match = _MAILTO.match(address)
    if match is None:
        return None
    labels = match["domain"].lower().split(".")
    if any(label.startswith("xn--") or label.startswith("-") or label.endswith("-") for label in labels):
        return None
    return f"mailto:{address}"


def geo_link(lat: float, lon: float) -> str:
    """``geo:`` link (RFC 5870) for a point; ValueError if it is not on Earth."""
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"not a position on Earth: {lat}, {lon}")
    return f"geo:{_coordinate(lat)},{_coordinate(lon)}"


_CARD_FIELD_LIMIT = 120  # a name or street longer than this is a content error; the code must stay small


def _card_text(value: str) -> str:
    """``value`` as one vCard text value: invisible characters gone, spaces plain, specials escaped."""
    plain = "".join(
        " " if unicodedata.category(char)[0] == "Z" or char in "\t\n\r" else char
        for char in unicodedata.normalize("NFC", value)
        if unicodedata.category(char)[0] != "C" or char in "\t\n\r"
    )
    plain = " ".join(plain.split())[:_CARD_FIELD_LIMIT].strip()
    return "".join("\\" + char if char in "\\,;" else char for char in plain)


def address_card(name: str, street: str, postcode: str, town: str) -> str | None:
    """A vCard 3.0 with a place's name and postal address, or None if there is no address.

    A phone offers to save it as a contact whose address opens in its maps app; unlike ``geo:``,
    every phone camera understands it. Lines end in LF, not the CRLF of files: phones read both, and
    the shorter text keeps the code small enough for the kiosk's screen.
    """
    fields = [_card_text(part) for part in (name, street, postcode, town)]
    card_name, card_street, card_postcode, card_town = fields
    if not (card_street or card_town):
        return None
    lines = ["BEGIN:VCARD", "VERSION:3.0"]
    if card_name:
        lines += [f"N:{card_name};;;;", f"FN:{card_name}"]
    lines += [f"ADR:;;{card_street};{card_town};;{card_postcode};", "END:VCARD"]
    return "\n".join(lines)


def _coordinate(value: float) -> str:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


class LinkPolicy:
    """Which links may become a QR code: https to trusted hosts (and their subdomains), tel, mailto, geo."""

    def __init__(self, allowed_hosts: Iterable[str], max_length: int = 1000) -> None:
        self.allowed_hosts = tuple(dict.fromkeys(_normalise_host(host) for host in allowed_hosts))
        self.max_length = max_length
        self._logged: set[tuple[str, str]] = set()

    @classmethod
    def including_api_host(
        cls, allowed_hosts: Iterable[str], api_base_url: str | None, max_length: int = 1000
    ) -> LinkPolicy:
        """A policy that also trusts the host of the content API (links into the CMS itself)."""
        hosts = list(allowed_hosts)
        host = urlsplit(api_base_url).hostname if api_base_url else None
        if host:
            hosts.append(host)
        return cls(hosts, max_length)

    def qr_target(self, link: str) -> str | None:
        """The exact text to encode for ``link``, or None (with one log line saying why) if it is refused."""
        try:
            return self._judge(link)
        except _Refused as refusal:
            self._log(refusal)
            return None

    def allow_payload(self, payload: QRPayload) -> str | None:
        """The payload's text if it is a well-formed, reasonably short vCard/iCalendar text, else None."""
        text = payload.text
        begin, end = _PAYLOAD_FRAMES[payload.kind]
        lines = text.replace("\r\n", "\n").strip("\n").split("\n")
        if not text or len(text) > self.max_length:
            self._log(_Refused(f"{payload.kind} payload empty or too long", payload.kind))
            return None
        if lines[0] != begin or lines[-1] != end:
            self._log(_Refused(f"{payload.kind} payload is not framed by {begin}/{end}", payload.kind))
            return None
        if any(_has_invisible(line.replace("\t", " ").replace(" ", "")) for line in lines):
            self._log(_Refused(f"{payload.kind} payload contains control characters", payload.kind))
            return None
        return text

    def _judge(self, link: str) -> str:
        if not link:
            raise _Refused("no link", level=logging.INFO)
        scheme, colon, rest = link.partition(":")
        scheme = scheme.lower() if scheme.isascii() else ""
        shown = f"{scheme}:" if colon and _SCHEME.match(scheme) else "(no scheme)"
        if len(link) > self.max_length:
            raise _Refused(f"longer than {self.max_length} characters", shown)
        # Each of these has its own strict pattern (a phone number may contain spaces).
        if scheme == "tel":
            return _or_refuse(tel_link(rest), "not a plain phone number", shown)
        if scheme == "mailto":
            return _or_refuse(mailto_link(rest), "not one plain e-mail address", shown)
        if scheme == "geo":
            return self._geo(rest, shown)
        if _has_invisible(link):
            raise _Refused("contains whitespace or control characters", shown)
        if "\\" in link:
            raise _Refused("contains a backslash", shown)
        if scheme != "https":
            raise _Refused("scheme not allowed", shown)
        return self._https(link)

    def _geo(self, rest: str, shown: str) -> str:
        match = _GEO.match(rest)
        if match is None:
            raise _Refused("not plain geo coordinates", shown)
        lat, lon = float(match[1]), float(match[2])
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise _Refused("coordinates out of range", shown)
        return f"geo:{rest}"

    def _https(self, link: str) -> str:
        if not link[:8].lower() == "https://":
            raise _Refused("not of the form https://host/...", "https:")
        try:
            netloc = urlsplit(link).netloc
        except ValueError:  # e.g. a broken [IPv6] literal, or characters that normalise to "/?#@:"
            raise _Refused("not a readable URL", "https:") from None
        if "@" in netloc:
            host = netloc.rpartition("@")[2].partition(":")[0]
            raise _Refused("contains a user name", _shown_host(host))
        match = _NETLOC.match(netloc)
        if match is None:
            raise _Refused("host is not a plain host name", _shown_host(netloc.partition(":")[0]))
        host = match["host"].lower()
        shown = f"https://{host}"
        if match["port"] is not None and match["port"] != "443":
            raise _Refused("port other than 443", shown)
        if any(label.startswith("xn--") for label in host.split(".")):
            raise _Refused("internationalised (punycode) host name", shown)
        if not any(host == allowed or host.endswith("." + allowed) for allowed in self.allowed_hosts):
            raise _Refused("host not allowed", shown)
        # Non-ASCII letters in the path are fine once percent-encoded (as a browser would send them).
        encoded = "".join(
            quote(char, safe="") if ord(char) > 0x7E or char in _URI_UNSAFE else char for char in link
        )
        if len(encoded) > self.max_length:
            raise _Refused(f"longer than {self.max_length} characters", shown)
        return encoded

    def _log(self, refusal: _Refused) -> None:
        # A bad link in the content is refused on every visit; tell the admin once per link kind.
        key = (refusal.reason, refusal.shown)
        if key in self._logged:
            level = logging.DEBUG
        else:
            level = refusal.level
            if len(self._logged) < _LOGGED_LIMIT:
                self._logged.add(key)
        log.log(level, "QR code refused (%s) for %s", refusal.reason, refusal.shown or "an empty link")


def _or_refuse(value: str | None, reason: str, shown: str) -> str:
    if value is None:
        raise _Refused(reason, shown)
    return value


def _shown_host(host: str) -> str:
    """``https://host`` if ``host`` is a plain host name (safe to log), else a placeholder."""
    try:
        return f"https://{_normalise_host(host)}"
    except ValueError:
        return "https://(unreadable host)"


Matrix = tuple[tuple[bool, ...], ...]


@functools.lru_cache(maxsize=256)
def qr_matrix(text: str) -> Matrix:
    """The QR modules for ``text`` (error correction M), quiet zone included; True is dark.

    Raises ValueError if the text does not fit into any QR code. Cached: choosing the mask pattern
    takes 15 ms, and every visitor who opens the office page asks for the same few codes.
    """
    # qrcode (and the imaging library it brings) loads with the first code, not with the kiosk.
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M
    from qrcode.exceptions import DataOverflowError

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE)
    code.add_data(text)
    try:
        code.make(fit=True)
    except (DataOverflowError, ValueError):  # qrcode raises either, depending on where it overflows
        raise ValueError(f"text of {len(text)} characters does not fit into a QR code") from None
    return tuple(tuple(bool(module) for module in row) for row in code.get_matrix())


_HALF_BLOCKS = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}


def render_rows(matrix: Sequence[Sequence[bool]], scale: int) -> list[str]:
    """Terminal rows for ``matrix``: dark modules in the foreground colour on a light background.

    Each module becomes ``scale`` cells wide and ``scale`` half-cells tall; an odd last half-row is light.
    """
    if scale < 1:
        raise ValueError("scale must be at least 1")
    pixels = [[dark for dark in row for _ in range(scale)] for row in matrix for _ in range(scale)]
    if len(pixels) % 2:
        pixels.append([False] * (len(pixels[0]) if pixels else 0))
    return [
        "".join(_HALF_BLOCKS[pair] for pair in zip(top, bottom, strict=True))
        for top, bottom in zip(pixels[0::2], pixels[1::2], strict=True)
    ]


def rows_needed(matrix_size: int, scale: int) -> int:
    """Terminal rows that :func:`render_rows` produces for a ``matrix_size`` matrix at ``scale``."""
    return (matrix_size * scale + 1) // 2


def best_scale(matrix_size: int, width: int, height: int) -> int:
    """The largest scale at which the code fits ``width`` x ``height`` cells; 0 if not even scale 1."""
    if matrix_size < 1:
        return 0
    scale = min(width // matrix_size, (2 * height) // matrix_size)
    return max(scale, 0)


# 256-colour cube entries for pure black (16) and pure white (231): terminal themes do not remap them.
_BLACK_ON_WHITE = "\x1b[38;5;16;48;5;231m"
_RESET = "\x1b[0m"


def print_qr(text: str, out: TextIO, *, color: bool = True) -> None:
    """Write the QR code for ``text`` (black on white whatever the terminal theme) and the text below it."""
    for row in render_rows(qr_matrix(text), 1):
        out.write(f"{_BLACK_ON_WHITE}{row}{_RESET}\n" if color else f"{row}\n")
    for line in text.splitlines() or [""]:
        out.write("".join("\ufffd" if _has_invisible(char) and char != " " else char for char in line))
        out.write("\n")


def calendar_text(occurrence: Occurrence, max_length: int, max_modules: int) -> str:
    """The richest calendar text within ``max_length`` whose code is at most ``max_modules`` wide."""
    forms = [form for form in calendar_forms(occurrence) if len(form) <= max_length]
    for form in forms:
        try:
            if len(qr_matrix(form)) <= max_modules:
                return form
        except ValueError:
            continue
    # Nothing fits this screen: the shortest form, which the code widget offers to enlarge.
    return forms[-1] if forms else calendar_forms(occurrence)[-1]
