"""Long days: thousands of visitor sessions in one kiosk process, and whether memory or widgets pile up.

Each session is what a visitor does: picks a language, opens the help topics down to a page, shows a
link of it as a QR code and enlarges the code, looks at an office and its codes, then walks away; the
countdown runs out and the kiosk resets. After a warm-up, and again at the end, the benchmark reports
the process's RSS and the widgets and screens still alive after a full garbage collection, and the
object types that grew in between.

    .venv/bin/python -m benchmarks.bench_long_day [--sessions 10000] [--warm-up 100] [--json out.json]

Goal: RSS growth at most 2 MiB, and no growth in live widgets or screens. Exit code 1 if missed.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from benchmarks.ui_drive import drained, live_objects, press, wait_until

SIZE = (100, 30)
NOW = datetime(2026, 11, 23, 10, 30, tzinfo=ZoneInfo("Europe/Berlin"))
GOAL_RSS_GROWTH_MIB = 2.0


def rss_mib() -> float:
    """Resident set size of this process (VmRSS), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def object_types() -> Counter[str]:
    """Live objects by type name after a full collection (gc-tracked objects only)."""
    gc.collect()
    return Counter(type(obj).__qualname__ for obj in gc.get_objects())


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def visitor_session(app: Any, monotonic: FakeMonotonic, language_key: str, n: int) -> dict[str, int]:
    """One visitor, start to reset; which screens it reached (for the report)."""
    from kiosk.ui.screens.home import HomeScreen
    from kiosk.ui.screens.idle import IdleScreen
    from kiosk.ui.screens.link import CodeScreen, LinkScreen
    from kiosk.ui.screens.page import PageScreen
    from kiosk.ui.screens.place import PlaceScreen
    from kiosk.ui.screens.topics import TopicsScreen
    from kiosk.ui.screens.welcome import WelcomeScreen
    from kiosk.ui.widgets.handoff import HandOff

    def current() -> Any:  # the screen now (a function, so no narrowing outlives an await)
        return app.screen

    reached: Counter[str] = Counter()

    async def enlarge() -> None:
        """Key 0: the QR code in view on a screen of its own; any key leads back."""
        if current().query(HandOff):
            await press(app, "0", changes_screen=False)
            await wait_until(app, lambda: isinstance(current(), CodeScreen))
            reached["enlarged QR"] += 1
            await press(app, "space")

    await press(app, "space")  # the welcome screen leads to the languages
    await press(app, language_key)
    assert isinstance(current(), HomeScreen), app.screen
    await press(app, "1")
    for level in range(10):  # down through the categories to a topic page, a different one each time
        if not isinstance(current(), TopicsScreen):
            break
        choices = min(9, len(current().entries))
        await press(app, str((n // (level + 1)) % choices + 1) if choices else "escape")
    if isinstance(current(), PageScreen):
        reached["page"] += 1
        await enlarge()  # the page's own code
        if isinstance(current(), PageScreen) and current().document.links:
            await press(app, "1")  # the first link as a QR code
            if isinstance(current(), LinkScreen):
                reached["link QR"] += 1
                await enlarge()
    await press(app, "home", changes_screen=not isinstance(current(), HomeScreen))
    await press(app, "4")  # the offices
    await press(app, "1")
    if isinstance(current(), PlaceScreen):
        reached["place QR"] += 1
        await enlarge()  # its map code
    monotonic.now += app.settings.display.idle_timeout_s + 1
    app.check_visitor_idle()
    await wait_until(
        app, lambda: isinstance(current(), IdleScreen) and bool(current().query("#idle-countdown"))
    )
    idle: Any = app.screen
    for _ in range(idle.remaining):
        idle.tick()
    await wait_until(app, lambda: isinstance(current(), WelcomeScreen) and len(app.screen_stack) == 2)
    await drained(app)
    return dict(reached)


def snapshot_state(app: Any, sessions: int) -> dict[str, Any]:
    live = live_objects()
    return {
        "sessions": sessions,
        "rss_mib": round(rss_mib(), 2),
        "widgets": live.widgets,
        "screens": live.screens,
        # Textual keeps watch() callbacks on the watched object, the app, after their widget is gone.
        "app_watchers": sum(len(callbacks) for callbacks in getattr(app, "__watchers", {}).values()),
    }


async def long_day(sessions: int, warm_up: int, progress_every: int) -> dict[str, Any]:
    os.environ.setdefault("KIOSK_CONFIG", os.devnull)
    from kiosk.config import Settings
    from kiosk.sources.snapshot import load_snapshot
    from kiosk.ui.app import KioskApp

    settings = Settings()
    monotonic = FakeMonotonic()
    app = KioskApp(settings, load_snapshot(), clock=lambda: NOW, monotonic=monotonic, cycle_greeting=False)
    languages = [str(n) for n in range(1, min(9, len(settings.display.languages)) + 1)]
    out: dict[str, Any] = {"languages": settings.display.languages[: len(languages)], "reached": Counter()}
    async with app.run_test(size=SIZE):
        for n in range(warm_up):
            out["reached"].update(await visitor_session(app, monotonic, languages[n % len(languages)], n))
        out["after_warm_up"] = snapshot_state(app, warm_up)
        types_before = object_types()
        started, cpu = time.perf_counter(), time.process_time()
        for n in range(sessions):
            out["reached"].update(await visitor_session(app, monotonic, languages[n % len(languages)], n))
            if progress_every and (n + 1) % progress_every == 0:
                elapsed = time.perf_counter() - started
                print(f"  {n + 1} sessions, RSS {rss_mib():.1f} MiB, {elapsed / (n + 1) * 1000:.0f} ms each",
                      file=sys.stderr, flush=True)  # fmt: skip
        out["session_ms"] = round((time.perf_counter() - started) / max(1, sessions) * 1000, 1)
        out["session_cpu_ms"] = round((time.process_time() - cpu) / max(1, sessions) * 1000, 1)
        out["at_end"] = snapshot_state(app, warm_up + sessions)
        grown = object_types() - types_before
        out["types_grown"] = dict(grown.most_common(15))
    out["reached"] = dict(out["reached"])
    before, after = out["after_warm_up"], out["at_end"]
    out["rss_growth_mib"] = round(after["rss_mib"] - before["rss_mib"], 2)
    out["widget_growth"] = after["widgets"] - before["widgets"]
    out["screen_growth"] = after["screens"] - before["screens"]
    before_watchers, after_watchers = before["app_watchers"], after["app_watchers"]
    out["goal_met"] = (
        out["rss_growth_mib"] <= GOAL_RSS_GROWTH_MIB
        and out["widget_growth"] <= 0
        and out["screen_growth"] <= 0
        and after_watchers <= before_watchers
    )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--warm-up", type=int, default=100)
    parser.add_argument(
        "--progress", type=int, default=500, help="a progress line every N sessions (0: none)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    out = asyncio.run(long_day(args.sessions, args.warm_up, args.progress))
    before, after = out["after_warm_up"], out["at_end"]
    print(f"sessions:        {args.sessions} after {args.warm_up} to warm up; {out['session_ms']} ms each "
          f"({out['session_cpu_ms']} ms CPU)")  # fmt: skip
    print(f"reached:         {out['reached']}")
    growth = f"{out['rss_growth_mib']:+} MiB, goal <= {GOAL_RSS_GROWTH_MIB:+} MiB"
    print(f"RSS:             {before['rss_mib']} MiB -> {after['rss_mib']} MiB ({growth})")
    print(f"live widgets:    {before['widgets']} -> {after['widgets']} ({out['widget_growth']:+})")
    print(f"live screens:    {before['screens']} -> {after['screens']} ({out['screen_growth']:+})")
    print(f"app watchers:    {before['app_watchers']} -> {after['app_watchers']}")
    print(f"types grown:     {out['types_grown']}")
    print("goal met" if out["goal_met"] else "GOAL MISSED")
    if args.json:
        args.json.write_text(json.dumps(out, indent=1), encoding="utf-8")
    return 0 if out["goal_met"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
