"""Small conversions every Integreat record needs: clean text, aware times, links, ids, addresses.

Shared by the parsers of pages, places (:mod:`.schema`) and events (:mod:`.events`). Text from the
CMS is untrusted: titles become one clean line, links lose whitespace and control characters.
"""

from __future__ import annotations

import html
import re
import zlib
from datetime import datetime
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from kiosk.clock import BERLIN
from kiosk.content.html import html_to_text
from kiosk.content.models import Address
from kiosk.content.text import clean_text, one_line
from kiosk.sources.integreat.wire import LocationWire

_SURROGATES = re.compile("[\ud800-\udfff]")


def localize(value: datetime, zone: ZoneInfo = BERLIN) -> datetime:
    """Aware, in Berlin time; a naive value is read as local time in ``zone``."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(BERLIN)


def aware(value: datetime | None, zone: ZoneInfo = BERLIN) -> datetime | None:
    return None if value is None else localize(value, zone)


def title_text(value: str | None) -> str:
    return one_line(html.unescape(value)) if value else ""


def excerpt_text(value: str | None) -> str:
    """Plain text, one line per paragraph: entities decoded, stray tags read as HTML."""
    if not value:
        return ""
    text = html_to_text(value) if "<" in value else clean_text(html.unescape(value))
    return "\n".join(line for line in (" ".join(raw.split()) for raw in text.split("\n")) if line)


def html_text(value: str | None) -> str:
    """Content HTML as sent, less lone surrogates (JSON "\\ud800"): no UTF-8 file or database takes them."""
    return _SURROGATES.sub("", value) if value else ""


def url_text(value: str | None) -> str:
    if not value:
        return ""
    # Nearly every link is plain printable ASCII: nothing to clean but spaces (a fast path at sync).
    if value.isascii() and value.isprintable():
        return value.replace(" ", "")
    return "".join(clean_text(value).split())


def synthetic_id(*keys: str | None) -> int:
    """A stable negative id for a record the CMS sent without one (never clashes with real ids)."""
    key = next((k for k in keys if k), None)
    if key is None:
        raise ValueError("record has neither id nor path")
    return -(zlib.crc32(key.encode("utf-8", "surrogatepass")) & 0x7FFFFFFF) - 1


def normal_path(value: str | None) -> str:
    if not value:
        return ""
    path = urlsplit(value.strip()).path if "://" in value else value.strip()
    return unquote(path).strip("/").casefold()


def address(location: LocationWire | None) -> Address:
    if location is None:
        return Address()
    latitude, longitude = location.latitude, location.longitude
    if latitude is None or longitude is None or not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        latitude = longitude = None
    return Address(one_line(location.address or ""), one_line(location.postcode or ""),
                   one_line(location.town or ""), latitude, longitude)  # fmt: skip
