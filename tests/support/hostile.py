"""A hostile Integreat region: every kind of text a CMS editor or a broken API could send, as request routes.

``hostile_region()`` returns request path -> body for ``ApiServer``, in the shapes of Integreat API v3,
for the languages de, en and ar. The German pages carry the attacks (markup, escapes, controls, bidi,
zero-width, long words, deep and cyclic trees, duplicates, broken records); English has 10,000 pages
under one category; Arabic mixes right-to-left text with overrides. One resource (English events) is not
valid UTF-8 at all. ``MARKERS`` are the plain words each hostile title must still show on screen.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App

REGION = "feindstadt"
LANGUAGES = ("de", "en", "ar")
BASE = "https://integreat.app"

# -- the attacks, as text --------------------------------------------------------------------------

RICH_MARKUP = "[@click=app.quit]Beenden[/] [bold red]rot[/bold red] [link=https://evil.example]klick[/link]"
TEXTUAL_MARKUP = "[$accent]$variable[/] [b]fett[/b] [@click=screen.dismiss()]zu[/]"
CLEAR_SCREEN = "\x1b[2J\x1b[3J\x1b[H"
CURSOR_MOVES = "\x1b[10;10H\x1b[5A\x1b[2K\x1b7\x1b8\x1b[?1049l\x1b[?25l"
OSC8_LINK = "\x1b]8;;https://evil.example/osc8\x1b\\Verweis\x1b]8;;\x1b\\"
OSC52_PAYLOAD = "cm0gLXJmIC8gIyBrbGF1dA=="  # base64 of "rm -rf / # klaut"
OSC52_CLIPBOARD = f"\x1b]52;c;{OSC52_PAYLOAD}\x07"
OSC_TITLE = "\x1b]2;HACKED TITLE\x07\x1b]0;HACKED\x1b\\"
C0_CONTROLS = "".join(chr(c) for c in range(0x20) if chr(c) not in "\t\n\r") + "\x7f"
C1_CONTROLS = "".join(chr(c) for c in range(0x80, 0xA0))  # includes 8-bit CSI (0x9b) and OSC (0x9d)
BIDI_OVERRIDES = "\u202ekehrt um\u202c \u202dlinks\u202c \u2067iso\u2069 \u2066lri\u2069 \u2068fsi\u2069"
BIDI_MARKS = "\u200e\u200f\u061c\u202a\u202b"
ZERO_WIDTH = "\u200b\ufeff\u2060\u180e\u3164\uffa0\u2062"
LONG_WORD = "Donaudampfschifffahrt" * 95 + "X" * 5  # 2,000 characters, no space to break at
LONG_CJK = "漢字" * 1000  # 2,000 wide characters
EMOJI_CJK = "👩‍👩‍👧 Familie 家族 가족 ＡＢＣ 🇩🇪 ✋🏽 ﷺ"
LONE_SURROGATES = "\udfff\ud800\udbff"  # no two of them make a pair

#: Plain words that must still be readable on screen after the attacks around them are removed.
MARKERS = {
    "markup": "[bold red]",
    "escapes": "Bildschirm",
    "controls": "Steuerzeichen",
    "bidi": "Richtung",
    "zero_width": "Nullbreite",
    "long_word": "Langwort",
    "emoji": "家族",
    "surrogates": "Ersatzzeichen",
}


def _page(page_id: int | None, title: Any, *, language: str = "de", slug: str | None = None,
          parent: str | int | None = None, content: Any = "", excerpt: Any = "",
          order: int = 0) -> dict[str, Any]:  # fmt: skip
    """A page record as the CMS sends it; ``parent`` is the parent's slug (or a bare id)."""
    slug = slug or f"page-{page_id}"
    path = f"/{REGION}/{language}/{slug}/"
    record: dict[str, Any] = {
        "id": page_id,
        "url": BASE + path,
        "path": path,
        "title": title,
        "content": content,
        "excerpt": excerpt,
        "order": order,
        "last_updated": "2026-11-01T10:00:00+01:00",
        "available_languages": {},
        "thumbnail": None,
    }
    if isinstance(parent, str):
        parent_path = f"/{REGION}/{language}/{parent}/"
        record["parent"] = {"id": 1, "url": BASE + parent_path, "path": parent_path}
    else:
        record["parent"] = {"id": 0, "url": None, "path": None} if parent is None else parent
    return record


def _attack_pages() -> list[dict[str, Any]]:
    """The German help topics: one category "Angriffe" whose pages each carry one attack."""
    escapes_html = (
        f"<p>Bildschirm {CLEAR_SCREEN}bleibt{CURSOR_MOVES} stehen.</p>"
        f"<p>{OSC8_LINK} und {OSC52_CLIPBOARD} und {OSC_TITLE}Ende.</p>"
        "<p>&#27;[31mrot als Zeichenreferenz&#27;[0m &amp;#27;[2J doppelt &#x9b;2J &#155;31m</p>"
        f'<p><a href="https://integreat.app/feindstadt/de/\x1b[2Jlink/">Link{CLEAR_SCREEN}text</a></p>'
    )
    markup_html = (
        f"<h2>{RICH_MARKUP}</h2><p>{TEXTUAL_MARKUP}</p>"
        '<p><a href="javascript:app.quit()">[@click=app.quit]js</a> '
        '<a href="https://integreat.app/feindstadt/de/[bold]x[/bold]/">[link=x]Link[/link]</a></p>'
        '<p><img alt="[@click=app.quit]Bild" src="x.png"> <script>[@click=app.quit]</script></p>'
    )
    return [
        _page(100, "Angriffe", slug="angriffe", content="", excerpt="Feindliche Inhalte", order=-1),
        _page(101, f"{RICH_MARKUP} Markup", parent="angriffe", slug="markup", order=1,
              excerpt=TEXTUAL_MARKUP, content=markup_html),
        _page(102, f"{CLEAR_SCREEN}Bildschirm{OSC52_CLIPBOARD} {OSC_TITLE}{OSC8_LINK}", parent="angriffe",
              slug="escapes", order=2, excerpt=f"{CURSOR_MOVES}Cursor{CLEAR_SCREEN}", content=escapes_html),
        _page(103, f"Steuer{C0_CONTROLS}zeichen{C1_CONTROLS}", parent="angriffe", slug="controls", order=3,
              excerpt=f"C0{C0_CONTROLS}C1{C1_CONTROLS}",
              content=f"<p>Steuer{C0_CONTROLS}zeichen</p><pre>{C1_CONTROLS}\tvor\tformatiert</pre>"),
        _page(104, f"Richtung {BIDI_OVERRIDES}{BIDI_MARKS}", parent="angriffe", slug="bidi", order=4,
              excerpt=f"{BIDI_MARKS}Richtung{BIDI_OVERRIDES}",
              content=f"<p>\u202eRichtung umgekehrt\u202c {BIDI_OVERRIDES}</p><p>مرحبا \u202dabc\u202c</p>"),
        _page(105, f"Null{ZERO_WIDTH}breite", parent="angriffe", slug="zero-width", order=5,
              excerpt=f"un{ZERO_WIDTH}sichtbar",
              content=f"<p>Null{ZERO_WIDTH}breite Zeichen\u200c\u200d</p>"),
        _page(106, f"Langwort {LONG_WORD}", parent="angriffe", slug="long-word", order=6,
              excerpt=LONG_WORD, content=f"<p>{LONG_WORD}</p><p>{LONG_CJK}</p><h1>{LONG_WORD}</h1>"
              f"<ul><li>{LONG_CJK}</li></ul><table><tr><td>{LONG_WORD}</td><td>{LONG_CJK}</td></tr></table>"),
        _page(107, f"Emoji {EMOJI_CJK}", parent="angriffe", slug="emoji", order=7,
              excerpt=EMOJI_CJK, content=f"<p>{EMOJI_CJK}</p><p>{LONG_CJK[:300]}</p>"),
        _page(108, f"Ersatz{LONE_SURROGATES}zeichen", parent="angriffe", slug="surrogates", order=8,
              excerpt=f"kaputt{LONE_SURROGATES}", content=f"<p>Ersatz{LONE_SURROGATES}zeichen im Text</p>"),
    ]  # fmt: skip


def _broken_pages() -> list[Any]:
    """Records that do not fit: each is dropped (with one log line for the whole list) or repaired."""
    return [
        {"id": 900, "url": f"{BASE}/x/", "path": "/x/"},  # no title
        {"id": 901, "title": None, "path": "/feindstadt/de/null/"},  # null title
        {"id": "neunhundertzwei", "title": "Falscher Typ der id"},
        {"id": 903, "title": ["Liste", "statt", "Text"]},
        {"id": 904, "title": {"rendered": "Objekt"}},
        {"title": "Weder id noch Pfad"},
        42,
        "eine Zeichenkette",
        None,
        [],
        {"id": 2**80, "title": "Zu große Zahl"},
        # Fits after repair: wrong types in optional fields become nothing.
        _page(905, "Falsche Typen", parent="angriffe", slug="types", order=9, content=42, excerpt={"a": 1})
        | {"order": "erstens", "last_updated": "gestern", "available_languages": "de"},
        {"id": 906, "title": "Fehlende Felder"},  # only id and title: shown, as a top-level topic
    ]  # fmt: skip


def _tree_pages() -> list[dict[str, Any]]:
    """A chain 50 levels deep, a parent cycle, a page that is its own parent, and duplicate ids."""
    pages = [_page(2000, "Tiefe Ebene 0", slug="deep-0", order=2, content="")]
    pages += [
        _page(
            2000 + level,
            f"Tiefe Ebene {level}",
            slug=f"deep-{level}",
            parent=f"deep-{level - 1}",
            content="<p>Ganz unten angekommen.</p>" if level == 49 else "",
        )
        for level in range(1, 50)
    ]
    pages += [
        _page(3001, "Kreis A", slug="cycle-a", parent="cycle-b", content="<p>Kreis A Text</p>", order=3),
        _page(3002, "Kreis B", slug="cycle-b", parent="cycle-a", content="<p>Kreis B Text</p>", order=3),
        _page(3003, "Eigener Elternteil", slug="self", parent=3003, content="<p>selbst</p>", order=3),
        _page(3100, "Doppelte ID erste", slug="dup-1", content="<p>erste</p>", order=4),
        _page(3100, "Doppelte ID zweite", slug="dup-2", content="<p>zweite</p>", order=4),
    ]
    return pages


def _many_pages(count: int = 10_000) -> list[dict[str, Any]]:
    """English: one category with ``count`` topics in one list."""
    pages = [_page(50_000, "Ten thousand", language="en", slug="many", order=0, content="")]
    pages += [
        _page(
            50_001 + n,
            f"Topic {n:05d}",
            language="en",
            slug=f"many-{n}",
            parent="many",
            order=n,
            excerpt=f"Excerpt {n}",
            content=f"<p>Text of topic {n}</p>",
        )
        for n in range(count)
    ]
    return pages


def _arabic_pages() -> list[dict[str, Any]]:
    return [
        _page(7001, f"مساعدة \u202eevil\u202c {RICH_MARKUP}", language="ar", slug="help",
              excerpt=f"نص {CLEAR_SCREEN}عربي {BIDI_OVERRIDES}",
              content=f"<p>مرحبا بكم {OSC52_CLIPBOARD} في \u2067المدينة\u2069 {LONG_WORD[:300]}</p>"),
        _page(7002, f"{LONG_CJK[:200]} عربي", language="ar", slug="wide", content=f"<p>{EMOJI_CJK} نص</p>"),
    ]  # fmt: skip


def _event(event_id: int, title: Any, **extra: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": event_id,
        "url": f"{BASE}/{REGION}/de/events/e-{event_id}/",
        "path": f"/{REGION}/de/events/e-{event_id}/",
        "title": title,
        "excerpt": f"{CLEAR_SCREEN}Veranstaltung {RICH_MARKUP}",
        "content": f"<p>{OSC52_CLIPBOARD}Inhalt {RICH_MARKUP} {LONG_WORD}</p>",
        "event": {"id": event_id, "start": "2026-11-24T18:00:00+01:00", "end": "2026-11-24T20:00:00+01:00",
                  "all_day": False, "timezone": "Europe/Berlin"},
        "location": {"id": 1, "name": f"Ort {CLEAR_SCREEN}[bold]Saal[/bold]", "address": "Weg 1\x1b[2J",
                     "town": "Dortmund", "postcode": "44357", "latitude": 91.0, "longitude": "x"},
        "recurrence_rule": None,
    }  # fmt: skip
    record.update(extra)
    return record


def _events() -> list[Any]:
    return [
        _event(1, f"{RICH_MARKUP} Abend"),
        _event(2, f"Sekündlich {CLEAR_SCREEN}",
               recurrence_rule="DTSTART:20261124T170000\nRRULE:FREQ=SECONDLY"),
        _event(3, f"Täglich {OSC8_LINK}", recurrence_rule="RRULE:FREQ=DAILY;COUNT=99999999;INTERVAL=1"),
        _event(4, "Regel kaputt", recurrence_rule="RRULE:FREQ=[bold]DAILY\x1b[2J;BYDAY=XX"),
        _event(5, "Ohne Beginn", event={"id": 5, "all_day": False}),
        _event(6, "Falscher Beginn", event={"id": 6, "start": "morgen", "all_day": "vielleicht"}),
        _event(7, f"Langwort {LONG_WORD}"),
        {"id": 8, "title": None},
        "keine Veranstaltung",
    ]  # fmt: skip


def _place(place_id: int, title: Any, **extra: Any) -> dict[str, Any]:
    day = {"allDay": False, "closed": False, "appointmentOnly": False,
           "timeSlots": [{"start": "09:00", "end": "12:00"}]}  # fmt: skip
    record: dict[str, Any] = {
        "id": place_id,
        "url": f"{BASE}/{REGION}/de/locations/p-{place_id}/",
        "path": f"/{REGION}/de/locations/p-{place_id}/",
        "title": title,
        "excerpt": f"{RICH_MARKUP} {C1_CONTROLS}",
        "content": f"<p>{CLEAR_SCREEN}Beschreibung {RICH_MARKUP}</p>",
        "category": {"id": 1, "name": f"[bold red]Kategorie{CLEAR_SCREEN}"},
        "opening_hours": [day] * 7,
        "temporarily_closed": False,
        "appointment_url": "javascript:alert(1)",
        "website": f"https://example.org/\x1b]52;c;{OSC52_PAYLOAD}\x07",
        "email": f"info{CLEAR_SCREEN}@example.org",
        "phone_number": f"0231 {CLEAR_SCREEN}12345",
        "contacts": [{"name": f"[@click=app.quit]Frau {OSC8_LINK}", "phone_number": "0231\x9b2J 1"},
                     17, None],
        "location": {"id": place_id, "name": "Ort", "address": f"Straße {BIDI_OVERRIDES}", "town": "Dortmund",
                     "postcode": "44357", "latitude": 51.5, "longitude": 7.4},
    }  # fmt: skip
    record.update(extra)
    return record


def _places() -> list[Any]:
    return [
        _place(1, f"{RICH_MARKUP} Büro"),
        _place(2, f"Zeiten kaputt {CLEAR_SCREEN}", opening_hours=[{"allDay": "x"}, 3, None]),
        _place(3, f"Langwort {LONG_WORD}", opening_hours="immer"),
        _place(4, None, location={"id": 4, "name": None}),
        {"id": 5},
        17,
    ]


def _json(data: Any) -> bytes:
    # ensure_ascii keeps the lone surrogates as \\ud800 escapes: valid JSON that decodes to broken text.
    return json.dumps(data, ensure_ascii=True).encode("ascii")


def _languages() -> list[Any]:
    return [
        {"id": 1, "code": "de", "native_name": f"Deutsch{CLEAR_SCREEN}", "dir": "LEFT_TO_RIGHT"},
        {"id": 2, "code": "en", "native_name": "[bold red]English[/]", "dir": "LEFT_TO_RIGHT"},
        {"id": 3, "code": "ar", "native_name": "\u202eالعربية", "dir": "RIGHT_TO_LEFT"},
        {"id": 4, "code": "../../etc/passwd", "native_name": "Pfad"},
        {"id": 5, "code": "xx\x1b[2J", "native_name": "Escape"},
        {"id": 6, "native_name": "ohne Code"},
        {"id": 7, "code": "de", "native_name": "Deutsch doppelt"},
    ]


@dataclass(frozen=True)
class HostileRegion:
    routes: dict[str, bytes]
    #: How many records each resource holds that cannot be shown at all (dropped, with one log line).
    dropped: dict[str, int]


def hostile_region(many: int = 10_000) -> HostileRegion:
    """The region's routes; ``many`` is the size of the English list."""
    api = f"/api/v3/{REGION}"
    de_pages = [*_attack_pages(), *_broken_pages(), *_tree_pages()]
    routes = {
        f"{api}/languages/": _json(_languages()),
        f"{api}/de/pages/": _json(de_pages),
        f"{api}/de/events/": _json(_events()),
        f"{api}/de/locations/": _json(_places()),
        f"{api}/en/pages/": _json(_many_pages(many)),
        # Not UTF-8 at all: the whole answer is refused, nothing else of the language is harmed.
        f"{api}/en/events/": b'[{"id": 1, "title": "\xff\xfe kaputt \xc3\x28", "event": {}}]',
        f"{api}/en/locations/": _json([]),
        f"{api}/ar/pages/": _json(_arabic_pages()),
        f"{api}/ar/events/": _json([]),
        f"{api}/ar/locations/": _json([_place(1, f"مكتب {RICH_MARKUP}")]),
    }
    # Dropped by the parsers: 11 broken page records (the 12th and 13th are repaired), the events
    # without a start, with a broken start, without a title and not an object, places without a name.
    dropped = {"languages": 3, "de/pages": 11, "de/events": 4, "de/locations": 3}
    return HostileRegion(routes, dropped)


# -- what reaches the terminal ---------------------------------------------------------------------

_SGR = re.compile(r"\x1b\[[0-9;:]*m")  # Textual's own colours and styles: the only escapes allowed
#: Invisible characters the text pipeline keeps on purpose (Persian and Arabic spelling needs them).
_JOINERS = frozenset("\u200c\u200d")


def terminal_frame(app: App[Any]) -> list[str]:
    """The rows Textual would write to the terminal for the current screen, escape sequences included."""
    strips = app.screen._compositor.render_strips()
    return [strip.render(app.console) for strip in strips]


def row_widths(app: App[Any]) -> list[int]:
    """How many terminal cells each row of the current screen takes."""
    return [strip.cell_length for strip in app.screen._compositor.render_strips()]


def unsafe_in_frame(rows: list[str]) -> list[tuple[int, str]]:
    """(row, character) for every control, format or escape character besides Textual's own styling."""
    found = []
    for number, row in enumerate(rows):
        for char in _SGR.sub("", row):
            category = unicodedata.category(char)
            if category in ("Cc", "Cs", "Co", "Cn") or (category == "Cf" and char not in _JOINERS):
                found.append((number, f"U+{ord(char):04X}"))
    return found
