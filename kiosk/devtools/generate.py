"""Synthetic Integreat API v3 content of any size, for benchmarks and load tests.

``generate_region`` builds a region in the API's own shapes (languages, pages with a tree and
language links, events with recurrence, locations with hours and contacts) and returns the request
paths with their JSON bodies; ``write_routes`` lays them out like ``shared/conformance/integreat``
(one file per route and a ``routes.json``), so the local test server can serve either.
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from kiosk.clock import BERLIN

NATIVE = {"de": "Deutsch", "en": "English", "uk": "Українська", "ar": "العربية", "fa": "فارسی",
          "ru": "Русский", "tr": "Türkçe", "fr": "Français", "pl": "Polski", "ro": "Română"}  # fmt: skip
RTL = frozenset({"ar", "fa"})
_VOCABULARY = {
    "de": "Beratung Anmeldung Wohnung Sprache Kurs Termin Familie Arbeit Schule Gesundheit Amt Hilfe",
    "en": "advice registration housing language course appointment family work school health office",
    "uk": "консультація реєстрація житло мова курс запис родина робота школа здоровя",
    "ar": "استشارة تسجيل سكن لغة دورة موعد عائلة عمل مدرسة صحة مكتب مساعدة",
    "fa": "مشاوره ثبت‌نام مسکن زبان دوره وقت خانواده کار مدرسه سلامت اداره کمک",
}
WORDS = {code: words.split() for code, words in _VOCABULARY.items()}
_EPOCH = datetime(2026, 1, 5, 9, 0, tzinfo=BERLIN)


@dataclass(frozen=True)
class GeneratedRegion:
    """A synthetic region: request path -> JSON body, and how many records each language has."""

    region: str
    languages: tuple[str, ...]
    routes: dict[str, bytes] = field(repr=False)
    counts: dict[str, dict[str, int]]

    @property
    def total_bytes(self) -> int:
        return sum(len(body) for body in self.routes.values())


def _words(rng: random.Random, language: str, count: int) -> str:
    vocabulary = WORDS.get(language, WORDS["en"])
    return " ".join(rng.choice(vocabulary) for _ in range(count))


def _link(base: str, path: str, record_id: int | None) -> dict[str, Any]:
    return {"id": record_id, "url": base + path, "path": path}


def _page_id(languages: tuple[str, ...], language: str, index: int, pages: int) -> int:
    return 1 + index + languages.index(language) * pages  # ids count translations, as in the CMS


def _page(rng: random.Random, region: str, language: str, languages: tuple[str, ...], index: int,
          pages: int, version: int, base: str) -> dict[str, Any]:  # fmt: skip
    # Page n's parent is (n - 1) // 8: a tree eight wide, four or five deep for 5,000 pages.
    parent = (index - 1) // 8 if index else None
    path = f"/{region}/{language}/topic-{index}/"
    parent_path = f"/{region}/{language}/topic-{parent}/" if parent is not None else None
    paragraphs = "".join(f"<p>{_words(rng, language, rng.randint(15, 40))}</p>" for _ in range(3))
    content = (
        f"<h2>{_words(rng, language, 3)}</h2>{paragraphs}"
        f"<ul><li>{_words(rng, language, 4)}</li><li>{_words(rng, language, 5)}</li></ul>"
        f'<p><a href="https://integreat.app/{region}/{language}/topic-{index}/">integreat.app</a></p>'
    )
    page_id = _page_id(languages, language, index, pages)
    return {
        "id": page_id,
        "url": base + path,
        "path": path,
        "title": f"{_words(rng, language, 2).title()} {index} &amp; v{version}",
        "modified_gmt": "2026-01-05T08:00:00.000Z",
        "last_updated": (_EPOCH + timedelta(minutes=index)).isoformat(),
        "excerpt": _words(rng, language, 25) + " &#8211; " + _words(rng, language, 5),
        "content": content,
        "parent": {"id": parent + 1 if parent is not None else 0,
                   "url": base + parent_path if parent_path else None, "path": parent_path},
        "order": index % 8,
        "available_languages": {
            other: _link(base, f"/{region}/{other}/topic-{index}/", _page_id(languages, other, index, pages))
            for other in languages
            if other != language
        },
        "thumbnail": None,
        "hash": None,
        "organization": None,
    }  # fmt: skip


def _location(index: int, region: str) -> dict[str, Any]:
    return {"id": index + 1, "name": f"Ort {index}", "address": f"Musterstraße {index % 200 + 1}",
            "town": region.title(), "state": None, "postcode": f"44{index % 1000:03d}", "region": None,
            "country": "Deutschland", "latitude": 51.5 + (index % 100) / 1000,
            "longitude": 7.4 + (index % 100) / 1000}  # fmt: skip


def _event(rng: random.Random, region: str, language: str, index: int, version: int,
           base: str) -> dict[str, Any]:  # fmt: skip
    start = _EPOCH + timedelta(days=index % 120, hours=index % 8)
    end = start + timedelta(hours=2)
    rule = None
    if index % 4 == 0:
        rule = f"DTSTART:{start:%Y%m%dT%H%M%S}\nRRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,WE;COUNT=20"
    path = f"/{region}/{language}/events/event-{index}/"
    return {
        "id": index + 1, "url": base + path, "path": path,
        "title": f"{_words(rng, language, 3).title()} {index} v{version}",
        "modified_gmt": "2026-01-05T08:00:00.000Z", "last_updated": _EPOCH.isoformat(),
        "excerpt": _words(rng, language, 20), "content": f"<p>{_words(rng, language, 40)}</p>",
        "available_languages": {}, "thumbnail": None,
        "location": _location(index % 50, region) if index % 3 else {"id": None, "name": None},
        "event": {"id": index + 1, "start": start.isoformat(), "end": end.isoformat(),
                  "all_day": index % 10 == 0, "recurrence_id": index + 1 if rule else None,
                  "timezone": "Europe/Berlin"},
        "recurrence_rule": rule,
    }  # fmt: skip


def _day(rng: random.Random) -> dict[str, Any]:
    kind = rng.random()
    if kind < 0.25:
        return {"allDay": False, "closed": True, "appointmentOnly": False, "timeSlots": []}
    if kind < 0.3:
        return {"allDay": False, "closed": False, "appointmentOnly": True, "timeSlots": []}
    slots = [{"start": "09:00", "end": "12:00"}, {"start": "13:30", "end": "16:00"}]
    return {"allDay": False, "closed": False, "appointmentOnly": False, "timeSlots": slots}


def _place(rng: random.Random, region: str, language: str, index: int, version: int,
           base: str) -> dict[str, Any]:  # fmt: skip
    path = f"/{region}/{language}/locations/place-{index}/"
    return {
        "id": index + 1, "url": base + path, "path": path,
        "title": f"{_words(rng, language, 2).title()} {index} v{version}",
        "modified_gmt": "2026-01-05T08:00:00.000Z", "last_updated": _EPOCH.isoformat(),
        "excerpt": _words(rng, language, 15), "content": f"<p>{_words(rng, language, 50)}</p>",
        "available_languages": {},
        "category": {"id": index % 5, "name": _words(rng, language, 1).title()},
        "temporarily_closed": index % 50 == 0,
        "opening_hours": [_day(rng) for _ in range(7)],
        "appointment_url": f"https://termine.example/{index}" if index % 7 == 0 else None,
        "contacts": [{"area_of_responsibility": None, "name": f"Empfang {index}",
                      "email": f"info{index}@example.org", "phone_number": f"0231 {index:05d}",
                      "mobile_number": "", "website": f"https://example.org/{index}"}],
        "location": _location(index, region),
    }  # fmt: skip


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def generate_region(
    region: str = "benchstadt",
    languages: tuple[str, ...] = ("de", "en", "uk", "ar", "fa"),
    pages: int = 5000,
    events: int = 500,
    locations: int = 200,
    *,
    seed: int = 0,
    version: int = 1,
    base: str = "https://integreat.app",
) -> GeneratedRegion:
    """A region with ``pages``/``events``/``locations`` records in each language; ``version`` marks titles."""
    rng = random.Random(seed)
    routes: dict[str, bytes] = {}
    language_records = [
        {"id": n + 1, "code": code, "bcp47_tag": code, "native_name": NATIVE.get(code, code),
         "dir": "RIGHT_TO_LEFT" if code in RTL else "LEFT_TO_RIGHT"}
        for n, code in enumerate(languages)
    ]  # fmt: skip
    routes[f"/api/v3/{region}/languages/"] = _json(language_records)
    routes[f"/api/v3/regions/{region}/"] = _json(
        {"id": 1, "name": region.title(), "path": f"/{region}/", "languages": language_records}
    )
    counts: dict[str, dict[str, int]] = {}
    for language in languages:
        prefix = f"/api/v3/{region}/{language}"
        routes[f"{prefix}/pages/"] = _json(
            [_page(rng, region, language, languages, n, pages, version, base) for n in range(pages)]
        )
        routes[f"{prefix}/events/"] = _json(
            [_event(rng, region, language, n, version, base) for n in range(events)]
        )
        routes[f"{prefix}/locations/"] = _json(
            [_place(rng, region, language, n, version, base) for n in range(locations)]
        )
        counts[language] = {"pages": pages, "events": events, "locations": locations}
    return GeneratedRegion(region, tuple(languages), routes, counts)


def write_routes(generated: GeneratedRegion, directory: Path) -> Path:
    """Write one file per route and a ``routes.json`` (the conformance layout); returns ``routes.json``."""
    directory.mkdir(parents=True, exist_ok=True)
    table: dict[str, str] = {}
    for path, body in generated.routes.items():
        name = path.strip("/").replace("/", "_") + ".json"
        (directory / name).write_bytes(body)
        table[path] = name
    routes_file = directory / "routes.json"
    routes_file.write_text(json.dumps(table, indent=1), encoding="utf-8")
    return routes_file


def main(argv: list[str] | None = None) -> int:
    """``python -m kiosk.devtools.generate OUT``: write a synthetic region for the test server."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--region", default="benchstadt")
    parser.add_argument("--languages", default="de,en,uk,ar,fa")
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--locations", type=int, default=200)
    parser.add_argument("--version", type=int, default=1)
    args = parser.parse_args(argv)
    generated = generate_region(args.region, tuple(args.languages.split(",")), args.pages, args.events,
                                args.locations, version=args.version)  # fmt: skip
    write_routes(generated, args.out)
    print(f"{len(generated.routes)} routes, {generated.total_bytes / 1e6:.1f} MB in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
