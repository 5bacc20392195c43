"""A content store filled with a synthetic region, written the way a sync writes it.

``fill_store`` generates a region with :func:`kiosk.devtools.generate.generate_region`, reads each
resource through the API parsers and commits it with :meth:`Store.replace_language`, one language
per transaction, as ``kiosk.sync`` does. Topic 0 of every language is made long (hundreds of
blocks), so benchmarks have a long topic page to scroll and re-render.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.config import DEFAULT_LANGUAGES
from kiosk.devtools.generate import WORDS, generate_region
from kiosk.sources.integreat.schema import parse_events, parse_languages, parse_pages, parse_places
from kiosk.store import LANGUAGES, Changed, Store

#: The id-independent path of the page that ``fill_store`` makes long.
LONG_TOPIC = "topic-0"


@dataclass(frozen=True)
class FilledStore:
    """What ``fill_store`` wrote: where, for which region, and how many records per language."""

    path: Path
    region: str
    counts: dict[str, dict[str, int]]
    json_bytes: int


def long_content(language: str, blocks: int) -> str:
    """HTML of a long topic: ``blocks`` headings, paragraphs and list items, a link every 20 blocks."""
    words = WORDS.get(language, WORDS["en"])
    parts: list[str] = []
    for n in range(blocks):
        text = " ".join(words[(n + k) % len(words)] for k in range(12 + n % 30))
        if n % 20 == 0:
            parts.append(f"<h2>{n // 20 + 1}. {text[:40]}</h2>")
        elif n % 7 == 0:
            parts.append(f"<ul><li>{text}</li><li>{text[::-1]}</li></ul>")
        elif n % 20 == 19:
            parts.append(f'<p>{text} <a href="https://integreat.app/{language}/long/{n}">{words[0]}</a></p>')
        else:
            parts.append(f"<p>{text}</p>")
    return "".join(parts)


def _lengthen(pages: list[dict[str, Any]], language: str, blocks: int) -> None:
    for page in pages:
        if str(page.get("path", "")).rstrip("/").endswith("/" + LONG_TOPIC):
            page["content"] = long_content(language, blocks)


def fill_store(
    state_dir: Path,
    *,
    region: str = "benchstadt",
    languages: Sequence[str] = tuple(DEFAULT_LANGUAGES),
    pages: int = 5000,
    events: int = 500,
    places: int = 200,
    long_page_blocks: int = 300,
    seed: int = 0,
) -> FilledStore:
    """Write a generated region into the store in ``state_dir`` (replacing what it had for ``region``)."""
    generated = generate_region(region, tuple(languages), pages, events, places, seed=seed)
    routes = generated.routes
    store = Store.open(state_dir)
    try:
        offered = parse_languages(json.loads(routes[f"/api/v3/{region}/languages/"]))
        store.replace_language(region, "", [Changed(LANGUAGES, offered)])
        counts: dict[str, dict[str, int]] = {}
        for code in languages:
            prefix = f"/api/v3/{region}/{code}"
            page_records = json.loads(routes[f"{prefix}/pages/"])
            if long_page_blocks:
                _lengthen(page_records, code, long_page_blocks)
            outcomes = [
                Changed("pages", parse_pages(page_records)),
                Changed("events", parse_events(json.loads(routes[f"{prefix}/events/"]))),
                Changed("locations", parse_places(json.loads(routes[f"{prefix}/locations/"]))),
            ]
            store.replace_language(region, code, outcomes)
            counts[code] = {outcome.kind: len(outcome.records) for outcome in outcomes}
    finally:
        store.close()
    return FilledStore(store.path, region, counts, generated.total_bytes)


def main(argv: list[str] | None = None) -> int:
    """``python -m kiosk.devtools.fill STATE_DIR``: a store with a generated region, for trying the kiosk."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("state_dir", type=Path)
    parser.add_argument("--region", default="benchstadt")
    parser.add_argument("--languages", default=",".join(DEFAULT_LANGUAGES))
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--places", type=int, default=200)
    args = parser.parse_args(argv)
    filled = fill_store(
        args.state_dir,
        region=args.region,
        languages=tuple(args.languages.split(",")),
        pages=args.pages,
        events=args.events,
        places=args.places,
    )
    print(f"{filled.path}: region {filled.region!r}, {len(filled.counts)} languages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
