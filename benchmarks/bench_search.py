"""Benchmark: search index build and query times over a large generated region.

    .venv/bin/python benchmarks/bench_search.py [--pages 5000 --events 500 --locations 200] [--profile]

The region (12 languages, ``kiosk.devtools.generate``) goes through the API parsers into domain
models first (not measured). Then the index is built once (wall, CPU, memory), and a fixed list of
queries runs in several visitor languages, each query ``--repeat`` times; p50 and p95 are over all
runs. The generated text has a dozen distinct words per language, so nearly every query matches
thousands of documents: a worst case for ranking. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

LANGUAGES = ("de", "en", "uk", "ar", "fa", "ru", "tr", "fr", "pl", "ro", "ku", "bg")
VISITOR_LANGUAGES = ("de", "ar", "uk", "tr")
#: What visitors type: whole words, beginnings, typos, missing accents, Arabic variants, numbers,
#: several words, and words the content does not have (every tier runs for those).
QUERIES = (
    "Anmeldung", "anmeld", "Anmeldnug", "Gesundheit", "gesundhiet", "Beratung Termin", "Schule",
    "Familie Arbeit Schule", "registration", "appointmnet", "housing", "реєстрація", "реестрация",
    "школа", "مدرسة", "مدرسه", "المدرسة", "استشاره", "مساعدة", "ثبت نام", "ثبت‌نام", "Kindergeld",
    "Jobcenter", "Zahnarzt", "xylophon", "4711", "Termin 42", "Musterstrasse", "Musterstraße", "ka",
)  # fmt: skip


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _content(pages: int, events: int, locations: int):  # type: ignore[no-untyped-def]
    from kiosk.content.models import LanguageContent, RegionContent
    from kiosk.devtools.generate import generate_region
    from kiosk.sources.integreat.schema import parse_events, parse_languages, parse_pages, parse_places

    region = generate_region("benchstadt", LANGUAGES, pages, events, locations)
    routes = {path: json.loads(body) for path, body in region.routes.items()}
    languages = parse_languages(routes["/api/v3/benchstadt/languages/"])
    by_language = {}
    for language in languages:
        prefix = f"/api/v3/benchstadt/{language.code}"
        by_language[language.code] = LanguageContent(
            language,
            parse_pages(routes.pop(f"{prefix}/pages/")),
            parse_events(routes.pop(f"{prefix}/events/")),
            parse_places(routes.pop(f"{prefix}/locations/")),
        )
    return RegionContent("benchstadt", languages, by_language, source="generated")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--locations", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="cProfile build and queries (to stderr)")
    args = parser.parse_args()

    from kiosk.search.index import SearchIndex

    started = time.perf_counter()
    content = _content(args.pages, args.events, args.locations)
    documents = sum(len(c.pages) + len(c.events) + len(c.places) for c in content.by_language.values())
    print(f"generated and parsed {len(LANGUAGES)} languages, {documents} documents "
          f"in {time.perf_counter() - started:.1f} s")  # fmt: skip

    profiler = cProfile.Profile() if args.profile else None
    rss_before = _rss_mb()
    wall, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    index = SearchIndex.build(content)
    build_wall, build_cpu = time.perf_counter() - wall, time.process_time() - cpu
    rss_after = _rss_mb()
    print(f"index build: wall {build_wall:.2f} s, CPU {build_cpu:.2f} s; "
          f"index {index.size_bytes() / 1e6:.0f} MB, RSS {rss_before:.0f} -> {rss_after:.0f} MB")  # fmt: skip

    from kiosk.content.library import Library
    from kiosk.search import visitor_results

    libraries = {code: Library(content, code) for code in VISITOR_LANGUAGES}
    now = datetime(2026, 1, 5, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    times: list[float] = []
    whole: list[float] = []  # the same query, resolved to what the visitor can open, as the screen asks
    per_query: dict[str, list[float]] = {}
    found: dict[str, int] = {}
    for _ in range(args.repeat):
        for visitor in VISITOR_LANGUAGES:
            languages = [visitor, "de", "en"]
            for query in QUERIES:
                start = time.perf_counter()
                hits = index.search(query, languages)
                elapsed = (time.perf_counter() - start) * 1000
                times.append(elapsed)
                per_query.setdefault(query, []).append(elapsed)
                found[query] = max(found.get(query, 0), len(hits))
                start = time.perf_counter()
                visitor_results(index, query, libraries[visitor], now)
                whole.append((time.perf_counter() - start) * 1000)
    if profiler:
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumtime").print_stats(30)
    print(f"queries: {len(QUERIES)} x {len(VISITOR_LANGUAGES)} visitor languages x {args.repeat} runs, "
          f"results capped at 30")  # fmt: skip
    print(f"  index only: p50 {statistics.median(times):.1f} ms, p95 {_percentile(times, 0.95):.1f} ms, "
          f"max {max(times):.1f} ms")  # fmt: skip
    print(f"  as the screen asks (visitor_results): p50 {statistics.median(whole):.1f} ms, "
          f"p95 {_percentile(whole, 0.95):.1f} ms, max {max(whole):.1f} ms")  # fmt: skip
    slowest = sorted(per_query.items(), key=lambda item: -statistics.median(item[1]))[:5]
    print("  slowest in the index (median): " + ", ".join(
        f"{query!r} {statistics.median(values):.1f} ms ({found[query]} hits)" for query, values in slowest
    ))  # fmt: skip
    index.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
