"""The bundled region as the city's CMS would serve it: every page and place with its public link on
integreat.app, and one event per language, as API routes for :class:`tests.support.api_server.ApiServer`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import kiosk

REGION = "dortmund"
SITE = "https://integreat.app"
SNAPSHOT = Path(kiosk.__file__).resolve().parent / "data" / "snapshot"
LANGUAGES = ("de", "ar", "uk")


def _event(language: str) -> dict[str, Any]:
    path = f"/{REGION}/{language}/events/sprachcafe/"
    return {
        "id": 1,
        "url": SITE + path,
        "path": path,
        "title": {"de": "Sprachcafé", "ar": "مقهى اللغة", "uk": "Мовне кафе"}[language],
        "excerpt": "",
        "content": "<p>Deutsch sprechen bei Kaffee und Kuchen.</p>",
        "event": {"id": 1, "start": "2026-11-24T15:00:00+01:00", "end": "2026-11-24T17:00:00+01:00",
                  "all_day": False, "timezone": "Europe/Berlin"},
        "location": {"id": 1, "name": "lokal willkommen Westerfilde", "address": "Westerfilder Straße 54",
                     "town": "Dortmund", "postcode": "44357"},
        "recurrence_rule": None,
    }  # fmt: skip


def _linked(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each record with its public link, as the CMS gives it (the snapshot leaves ``url`` empty)."""
    return [{**record, "url": SITE + record["path"]} for record in records]


def synced_routes() -> dict[str, bytes]:
    """The routes the kiosk's sync asks for, in German, Arabic and Ukrainian."""
    api = f"/api/v3/{REGION}"
    languages = json.loads((SNAPSHOT / "languages.json").read_text(encoding="utf-8"))
    routes = {
        f"{api}/languages/": json.dumps([lang for lang in languages if lang["code"] in LANGUAGES]).encode()
    }
    for language in LANGUAGES:
        for resource, name in (("pages", "pages.json"), ("locations", "locations.json")):
            records = json.loads((SNAPSHOT / language / name).read_text(encoding="utf-8"))
            routes[f"{api}/{language}/{resource}/"] = json.dumps(_linked(records)).encode()
        routes[f"{api}/{language}/events/"] = json.dumps([_event(language)]).encode()
    return routes
