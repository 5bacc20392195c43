"""Headless UI figures of the kiosk on a filled store, in a process of its own (``--out`` gets JSON).

    .venv/bin/python -m benchmarks.ui_bench latency --state DIR --out latency.json
    .venv/bin/python -m benchmarks.ui_bench sessions --state DIR --sessions 1000 --out sessions.json

``latency``: navigation (topic list, topic page, the long page, events, places, the language picker,
back) and language switches through every configured language, timed key press -> first (and last)
frame of the screen they lead to (see ``ui_drive``); memory once every language was shown; then search
and garbage-collection pauses. The bare app's screen push and pop run first, in the same process, as
the floor the navigation goals are relative to. ``sessions``:
memory and live widgets around a run of visitor sessions that each end in the idle reset; it
measures no time, so ``benchmarks.run`` runs it beside the sync benchmark.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from benchmarks.bare_navigation import measure_bare
from benchmarks.pty_start import peak_rss_mib
from benchmarks.ui_drive import FrameClock, StepTime, drained, live_objects, press, timed_press, wait_until

#: A Monday morning (the office is open): the same screens every run. Early February, so that the
#: generated region's events (January to July 2026) fill the next 30 days of the events list.
NOW = datetime(2026, 2, 2, 10, 30, tzinfo=ZoneInfo("Europe/Berlin"))
#: Keys of the language picker in the order of its tiles, as a visitor types them (1–9, 0, then letters).
PICKER_KEYS = "1234567890abcdefghijklmnopqrstuvwxyz"
#: Home tiles that lead to a list, and what the list and its first entry are called in the figures.
LISTS = (("3", "open events list", "open event"), ("4", "open places list", "open place"))
#: The bare app's screen push is nearly free to measure: at least this many rounds, for a steadier p95.
BARE_ROUNDS = 20
SIZE = (120, 40)
Samples = dict[str, list[float]]


def rss_mib() -> float:
    """The current resident set size of this process (VmRSS) in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class FakeMonotonic:
    """A monotonic clock the benchmark moves by hand, so idle resets need no real waiting."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


_STARTED = time.perf_counter()


def progress(what: str) -> None:
    """One line on stderr, so a long run shows where it is."""
    print(f"  [{time.perf_counter() - _STARTED:6.1f} s] {what}", file=sys.stderr, flush=True)


def _note(samples: Samples, name: str, step: StepTime) -> None:
    samples.setdefault(name, []).append(step.first)
    samples.setdefault(f"{name} (settled)", []).append(step.settled)


async def _navigation(app: Any, clock: FrameClock, rounds: int, samples: Samples) -> None:
    """home -> topics -> a category -> a sub-category -> a topic page, and back out, ``rounds`` times."""
    from kiosk.ui.screens.page import PageScreen

    for round_no in range(rounds + 1):
        opened = 0
        for key in ("1", "1", "2", "1"):
            step, screen = await timed_press(app, clock, key)
            opened += 1
            if round_no:  # round 0 warms caches (CSS, layouts): not counted
                _note(
                    samples, "open topic page" if isinstance(screen, PageScreen) else "open topic list", step
                )
        for _ in range(opened):
            step, _screen = await timed_press(app, clock, "escape")
            if round_no:
                _note(samples, "back", step)


async def navigate_lists(app: Any, clock: FrameClock, rounds: int, samples: Samples) -> None:
    """home -> events list -> its first event, and back; home -> places list -> its first place, and back."""
    from kiosk.ui.widgets.tile_list import TileList

    for round_no in range(rounds + 1):
        for tile, list_name, item_name in LISTS:
            step, screen = await timed_press(app, clock, tile)
            if round_no:
                _note(samples, list_name, step)
            opened = 1
            if any(
                tiles.items for tiles in screen.query(TileList)
            ):  # an empty list (no events) opens nothing
                step, _screen = await timed_press(app, clock, "1")
                opened += 1
                if round_no:
                    _note(samples, item_name, step)
            for _ in range(opened):
                step, _screen = await timed_press(app, clock, "escape")
                if round_no:
                    _note(samples, "back", step)


async def switch_languages(
    app: Any,
    clock: FrameClock,
    codes: list[str],
    where: str,
    cycles: int,
    samples: Samples,
    *,
    tour: bool = False,
) -> None:
    """F2, then the language's key: the screen underneath re-renders in that language.

    Every configured language in turn, each followed by the first language again (``cycles`` times);
    with ``tour`` each once and the first only at the end, so a long screen is not rebuilt twice as
    often as needed. The switch counts from the key to the first frame of the screen underneath
    composed in the new language (the frames before it still show the old one).
    """
    keys = dict(zip(codes, PICKER_KEYS, strict=False))
    first, others = codes[0], codes[1:]
    targets = [*others, first] if tour else [t for code in others for t in (code, first)]
    seen = {app.language}
    for _ in range(cycles):
        for target in targets:
            kind = "first time" if where == "home" and target not in seen else "again"
            step = await _switch_to(app, clock, keys[target], target, samples)
            _note(samples, f"language switch on {where}, {kind}", step)
            seen.add(target)


def relabelled_in(target: str) -> Callable[[Any], bool]:
    """Whether a frame's screen is the one beneath the picker, composed in ``target`` (a step's end)."""
    from kiosk.ui.screens.language import LanguageScreen

    def relabelled(screen: Any) -> bool:
        return not isinstance(screen, LanguageScreen) and getattr(screen, "composed_language", "") == target

    return relabelled


async def _switch_to(app: Any, clock: FrameClock, key: str, target: str, samples: Samples) -> StepTime:
    """Open the picker (filed as a navigation) and choose ``target``; the switch's time is returned."""
    step, _picker = await timed_press(app, clock, "f2")
    _note(samples, "open language picker", step)
    step, _screen = await timed_press(app, clock, key, relabelled_in(target))
    if app.language != target:
        raise RuntimeError(f"key {key!r} on the picker chose {app.language!r}, not {target!r}")
    return step


async def _session(app: Any, monotonic: FakeMonotonic, digit: str) -> None:
    """One visitor: picks a language, opens the help topics and a category, leaves; the kiosk resets."""
    from kiosk.ui.screens.idle import IdleScreen
    from kiosk.ui.screens.welcome import WelcomeScreen

    for key in ("space", digit, "1", "1"):
        await press(app, key)
    monotonic.now += app.settings.display.idle_timeout_s + 1
    app.check_visitor_idle()
    # Composed, not just pushed: tick() updates the countdown.
    await wait_until(
        app, lambda: isinstance(app.screen, IdleScreen) and bool(app.screen.query("#idle-countdown"))
    )
    idle = app.screen
    for _ in range(idle.remaining):
        idle.tick()
    await wait_until(app, lambda: isinstance(app.screen, WelcomeScreen))
    await drained(app)


@dataclass
class Kiosk:
    """The kiosk app on the filled store, started as ``kiosk`` starts it, with a frozen clock."""

    app: Any
    store: Any
    monotonic: FakeMonotonic
    codes: list[str]
    out: dict[str, Any]


def start_kiosk(state_dir: Path, region: str) -> Kiosk:
    """Open the store, load the first languages (as the ``kiosk`` command does) and build the app."""
    imported_at = time.perf_counter()
    from kiosk.config import Settings
    from kiosk.store import Store
    from kiosk.sync.status import content_at_start
    from kiosk.ui.app import KioskApp
    from kiosk.ui.runtime import Runtime

    out: dict[str, Any] = {"import_s": time.perf_counter() - imported_at, "rss_mib": {}}
    out["rss_mib"]["after imports"] = rss_mib()
    settings = Settings(
        api={"region": region}, paths={"state_dir": state_dir, "cache_dir": state_dir / "cache"}
    )
    codes = list(settings.display.languages)
    store = Store.open(state_dir)
    started = time.perf_counter()
    # What the welcome screen shows (the default language's places); the rest loads after it is up.
    content = content_at_start(settings, store, [settings.display.default_language], kinds=("locations",))
    out["load_first_languages_s"] = time.perf_counter() - started
    assert content is not None and content.region == region, "the store has no generated region"
    monotonic = FakeMonotonic()
    app = KioskApp(
        settings, content, clock=lambda: NOW, monotonic=monotonic, cycle_greeting=False,
        runtime=Runtime(store=store),
    )  # fmt: skip
    return Kiosk(app, store, monotonic, codes, out)


def _languages_in_memory(app: Any) -> int:
    """How many languages the app holds as loaded content (those held in memory where it reads the
    others from the store on demand)."""
    by_language = getattr(app.content, "by_language", {})
    held = getattr(by_language, "held", None)
    return len(held()) if callable(held) else len(by_language)


async def settle_start_up(kiosk: Kiosk, settle_s: float = 2.0) -> None:
    """Wait for the background work after start-up (loading the other languages), as a visitor who
    arrives a while after the kiosk started would meet it.

    Done when every language is in memory, or when no worker of the app has run for ``settle_s`` (a
    kiosk that reads content from disk on demand loads nothing up front).
    """
    app, out = kiosk.app, kiosk.out
    started = time.perf_counter()
    quiet_since = [started]

    def settled() -> bool:
        now = time.perf_counter()
        if any(not worker.is_finished for worker in app.workers):
            quiet_since[0] = now
        everything = _languages_in_memory(app) == len(kiosk.codes)
        return everything or now - quiet_since[0] >= settle_s

    await wait_until(app, settled, timeout_s=600)
    out["load_other_languages_s"] = time.perf_counter() - started
    out["rss_mib"]["after start-up work"] = rss_mib()
    out["languages_loaded"] = _languages_in_memory(app)


async def measure_latency(
    state_dir: Path, region: str, rounds: int, switch_cycles: int = 2
) -> dict[str, Any]:
    """Navigation, language switches, the long page, search and GC pauses; raw samples in seconds."""
    from kiosk.ui.screens.page import PageScreen

    kiosk = start_kiosk(state_dir, region)
    app, out, codes = kiosk.app, kiosk.out, kiosk.codes
    clock = FrameClock(app)
    clock.install()
    samples: Samples = {}
    async with app.run_test(size=SIZE):
        await settle_start_up(kiosk)
        progress(f"start-up work done ({out['languages_loaded']} languages in memory); navigation")
        await press(app, "space")
        await press(app, "1")
        await _navigation(app, clock, rounds, samples)
        progress("events and places")
        await navigate_lists(app, clock, rounds, samples)
        progress(f"language switches on the home screen through all {len(codes)} languages")
        await switch_languages(app, clock, codes, "home", switch_cycles, samples)
        progress("the long topic page")
        openings = min(rounds, 3) + 1  # the first warms caches, as in every step
        for attempt in range(openings):
            for key in ("1", "1", "1"):
                step, screen = await timed_press(app, clock, key)
            if not isinstance(screen, PageScreen):
                raise RuntimeError(f"1, 1, 1 from home led to {screen!r}, not the long topic page")
            document = getattr(screen, "document", None)
            out["long_page_blocks"] = len(getattr(document, "blocks", ()))
            if attempt:
                _note(samples, "open long topic page", step)
            if attempt < openings - 1:
                for _ in range(3):
                    await press(app, "escape")
        for _ in range(3):
            await timed_press(app, clock, "pagedown", changes_screen=False)
        await switch_languages(app, clock, codes, "long topic page", 1, samples, tour=True)
        out["rss_mib"]["every language shown"] = rss_mib()
        out["languages_shown"] = len(codes)
        out["peak_rss_mib"] = peak_rss_mib() or float("nan")
    progress("search index and queries")
    out["search"] = _search(app.content, samples)
    samples["full collection"] = _collections()
    gc.freeze()  # what the kiosk could do once content is loaded: the collector then skips it
    samples["full collection after gc.freeze()"] = _collections()
    out["samples"] = samples
    kiosk.store.close()
    return out


async def measure_sessions(state_dir: Path, region: str, sessions: int, warm_up: int = 20) -> dict[str, Any]:
    """RSS and live widgets after ``warm_up`` visitor sessions and after ``sessions`` more."""
    from kiosk.ui.screens.welcome import WelcomeScreen

    kiosk = start_kiosk(state_dir, region)
    app, out, codes = kiosk.app, kiosk.out, kiosk.codes
    async with app.run_test(size=SIZE):
        await settle_start_up(kiosk)
        out["live_after_load"] = vars(live_objects())
        await wait_until(app, lambda: isinstance(app.screen, WelcomeScreen))
        digits = [str(n) for n in range(1, min(9, len(codes)) + 1)]
        for n in range(warm_up):
            await _session(app, kiosk.monotonic, digits[n % len(digits)])
        out["after_warm_up"] = {"rss_mib": rss_mib(), **vars(live_objects()), "sessions": warm_up}
        started, cpu = time.perf_counter(), time.process_time()
        for n in range(sessions):
            await _session(app, kiosk.monotonic, digits[n % len(digits)])
            if (n + 1) % 100 == 0:
                out.setdefault("rss_every_100_mib", []).append(rss_mib())
                progress(f"{n + 1} sessions, RSS {rss_mib():.0f} MiB")
        out["session_s"] = (time.perf_counter() - started) / max(1, sessions)
        out["session_cpu_s"] = (time.process_time() - cpu) / max(1, sessions)
        out["after_sessions"] = {"rss_mib": rss_mib(), **vars(live_objects()), "sessions": sessions}
    out["peak_rss_mib"] = peak_rss_mib() or float("nan")
    kiosk.store.close()
    return out


def _search(content: Any, samples: Samples, repeat: int = 3) -> dict[str, Any]:
    """Build the search index over every language and time ``bench_search``'s queries, if search exists."""
    try:
        from kiosk.search.index import SearchIndex
    except ImportError:
        return {"skipped": "the kiosk has no search module"}
    from benchmarks.bench_search import QUERIES, VISITOR_LANGUAGES

    before = rss_mib()
    wall, cpu = time.perf_counter(), time.process_time()
    index = SearchIndex.build(content)
    out = {"build_s": time.perf_counter() - wall, "build_cpu_s": time.process_time() - cpu,
           "index_mib": index.size_bytes() / 2**20, "rss_growth_mib": rss_mib() - before,
           "documents": len(index), "queries": len(QUERIES) * len(VISITOR_LANGUAGES)}  # fmt: skip
    for _ in range(repeat):
        for visitor in VISITOR_LANGUAGES:
            for query in QUERIES:
                started = time.perf_counter()
                index.search(query, [visitor, "de", "en"])
                samples.setdefault("search query", []).append(time.perf_counter() - started)
    index.close()
    return out


def _collections(times: int = 3) -> list[float]:
    """Seconds each full garbage collection takes: a pause of the whole UI when Python decides to run one."""
    pauses = []
    for _ in range(times):
        started = time.perf_counter()
        gc.collect()
        pauses.append(time.perf_counter() - started)
    return pauses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("part", choices=("latency", "sessions"))
    parser.add_argument("--state", type=Path, required=True)
    parser.add_argument("--region", default="benchstadt")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--warm-up", type=int, default=20, help="sessions before the counted ones")
    parser.add_argument("--switch-cycles", type=int, default=2, help="rounds through the languages on home")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.part == "sessions":
        result = asyncio.run(measure_sessions(args.state, args.region, args.sessions, args.warm_up))
    else:
        # The bare app first: the kiosk's run leaves a big heap behind.
        bare = asyncio.run(measure_bare(max(args.rounds, BARE_ROUNDS), SIZE))
        result = asyncio.run(measure_latency(args.state, args.region, args.rounds, args.switch_cycles))
        result["samples"].update(bare)
    args.out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
