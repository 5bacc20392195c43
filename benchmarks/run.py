"""``make bench``: how fast the kiosk answers a visitor, beside a bare Textual app on the same machine.

    .venv/bin/python -m benchmarks.run [--quick] [--sessions N] [--out bench-results.json]

Fills a content store with a generated region (5,000 pages, 500 events, 200 places in each of the
twelve UI languages), then measures cold start in a real pty (kiosk and bare app taking turns),
the headless UI (``benchmarks.ui_bench``: navigation, language switches, search, memory), and
sync (``benchmarks.bench_sync``) while visitor sessions run in the background (they measure
memory, not time). Prints a table and writes the figures as JSON. Goals are printed beside the
figures, never asserted: a noisy machine must not fail a build.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # also runnable as a file, like the other benchmarks

from benchmarks.bare_app import MARKER  # noqa: E402
from benchmarks.pty_start import FirstFrame, NoFirstFrame, first_frame, idle_cpu, terminal_env  # noqa: E402
from benchmarks.report import Row, table  # noqa: E402
from benchmarks.stats import Goal  # noqa: E402

REGION = "benchstadt"
GOALS = {
    "cold start": Goal(1.3, "×", "median"),
    "navigation": Goal(16, "ms"),
    "language switch": Goal(50, "ms"),
    "search": Goal(5, "ms"),
    "full sync": Goal(1, "s", "median"),
    "304 round": Goal(20, "ms"),
    "rss": Goal(70, "MiB", "value"),
}
COLD = "Cold start (pty 120×40: process start -> first frame of the welcome screen)"


@dataclass(frozen=True)
class Plan:
    """How much to measure: the full run, or ``--quick`` for trying the harness itself."""

    pages: int = 5000
    events: int = 500
    places: int = 200
    start_runs: int = 10
    ui_rounds: int = 20
    sessions: int = 1000
    full_syncs: int = 3
    unchanged_rounds: int = 10


QUICK = Plan(
    pages=500, events=50, places=20, start_runs=3, ui_rounds=3, sessions=20, full_syncs=1, unchanged_rounds=3
)
_STARTED = time.perf_counter()


def progress(what: str) -> None:
    print(f"[{time.perf_counter() - _STARTED:6.1f} s] {what}", file=sys.stderr, flush=True)


def kiosk_env(work: Path, state_dir: Path, **extra: str) -> dict[str, str]:
    config = work / "kiosk.toml"
    config.write_text("", encoding="utf-8")
    paths = {"KIOSK_PATHS__STATE_DIR": str(state_dir), "KIOSK_PATHS__CACHE_DIR": str(work / "cache")}
    return terminal_env(KIOSK_CONFIG=str(config), **paths, **extra)


def cold_start(work: Path, state_dir: Path, runs: int) -> tuple[list[Row], dict[str, Any]]:
    """Process start -> first frame of the welcome screen, kiosk and bare app taking turns."""
    kiosk = [str(Path(sys.executable).parent / "kiosk")]
    bare = [sys.executable, str(REPO / "benchmarks" / "bare_app.py")]
    env = kiosk_env(work, state_dir, KIOSK_API__REGION=REGION)
    times: dict[str, list[float]] = {"kiosk": [], "bare": []}
    rss: dict[str, list[float]] = {"kiosk": [], "bare": []}
    failures: list[str] = []
    for run in range(runs + 1):
        order = (("kiosk", kiosk), ("bare", bare)) if run % 2 else (("bare", bare), ("kiosk", kiosk))
        for name, command in order:
            frame = _first_frame_retrying(command, env, failures)
            if run:  # run 0 brings files into the page cache: a kiosk boots once, then runs for days
                times[name].append(frame.seconds)
                rss[name].append(frame.peak_rss_mib or float("nan"))
    ratios = [k / b for k, b in zip(times["kiosk"], times["bare"], strict=True)]
    rows = [
        Row.of(COLD, "kiosk, full store", "ms", times["kiosk"]),
        Row.of(COLD, "bare Textual app", "ms", times["bare"]),
        Row.of(COLD, "kiosk / bare (per pair)", "×", ratios, GOALS["cold start"]),
        Row.of(COLD, "kiosk peak RSS at its first frame", "MiB", rss["kiosk"], GOALS["rss"]),
        Row.of(COLD, "bare app peak RSS at its first frame", "MiB", rss["bare"]),
    ]
    # Idle CPU does not depend on the content's size: the bundled snapshot keeps start-up short.
    snapshot_env = kiosk_env(work, work / "snapshot-state")
    idle = [idle_cpu(kiosk, MARKER, env=snapshot_env), idle_cpu(bare, MARKER, env=snapshot_env)]
    section = "Idle on the welcome screen (greeting cycling; bundled content)"
    rows += [
        Row.of(section, "kiosk CPU", "%", [idle[0]]),
        Row.of(section, "bare app CPU", "%", [idle[1]]),
    ]
    return rows, {"seconds": times, "peak_rss_mib": rss, "idle_cpu": idle, "failures": failures}


def _first_frame_retrying(command: list[str], env: dict[str, str], failures: list[str]) -> FirstFrame:
    """One cold start; a run killed from outside (the machine is shared) is noted and run again, once."""
    try:
        return first_frame(command, MARKER, env=env)
    except NoFirstFrame as error:
        failures.append(str(error))
        progress(f"retrying a cold start: {error}")
        return first_frame(command, MARKER, env=env)


def _ui_command(part: str, state_dir: Path, out: Path, plan: Plan) -> list[str]:
    return [
        *(sys.executable, "-m", "benchmarks.ui_bench", part, "--state", str(state_dir)),
        *("--region", REGION, "--rounds", str(plan.ui_rounds), "--sessions", str(plan.sessions)),
        *("--out", str(out)),
    ]


def latency(state_dir: Path, work: Path, plan: Plan) -> tuple[list[Row], dict[str, Any]]:
    """Navigation, language switches, memory, search and GC pauses, from ``benchmarks.ui_bench``."""
    out = work / "latency.json"
    subprocess.run(_ui_command("latency", state_dir, out, plan), check=True, cwd=REPO, env=terminal_env())
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    samples: dict[str, list[float]] = result["samples"]
    rows: list[Row] = []
    nav = "Navigation (headless 120×40: key press -> first frame of the next screen)"
    steps = ("open topic list", "open topic page", "back", "open language picker", "open long topic page")
    for name in steps:
        note = f"{result['long_page_blocks']} blocks" if "long" in name else ""
        rows.append(Row.of(nav, name, "ms", samples[name], GOALS["navigation"], note))
        rows.append(Row.of(nav, "  … settled (last frame)", "ms", samples[f"{name} (settled)"]))
    rows.append(Row.of(nav, "bare Textual: push a screen", "ms", samples["bare push screen"]))
    rows.append(Row.of(nav, "bare Textual: pop a screen", "ms", samples["bare pop screen"]))
    switch = "Language switch (digit on the picker -> first frame of the screen beneath, relabelled)"
    for where in ("home, first time", "home, again", "long topic page, again"):
        name = f"language switch on {where}"
        note = "builds the language's topic tree" if "first" in where else ""
        rows.append(Row.of(switch, f"on {where}", "ms", samples[name], GOALS["language switch"], note))
        rows.append(Row.of(switch, "  … settled (last frame)", "ms", samples[f"{name} (settled)"]))
    rows += _search_rows(result["search"], samples)
    memory = "Memory (headless kiosk, every language loaded)"
    rss = result["rss_mib"]
    rows += [
        Row.of(memory, "RSS after imports", "MiB", [rss["after imports"]]),
        Row.of(memory, "RSS, every language loaded", "MiB", [rss["every language loaded"]], GOALS["rss"]),
        Row.of(memory, "peak RSS (VmHWM) over navigation", "MiB", [result["peak_rss_mib"]], GOALS["rss"]),
        Row.of(memory, "full garbage collection (a UI pause)", "ms", samples["full collection"]),
        Row.of(memory, "  … after gc.freeze()", "ms", samples["full collection after gc.freeze()"]),
    ]
    loads = "Loading content from the store"
    rows += [
        Row.of(loads, "first languages, before the first frame", "s", [result["load_first_languages_s"]]),
        Row.of(loads, "the other languages, in the background", "s", [result["load_other_languages_s"]]),
    ]
    return rows, result


def _search_rows(search: dict[str, Any], samples: dict[str, list[float]]) -> list[Row]:
    section = "Search (every language indexed; bench_search's queries in 4 visitor languages)"
    if "skipped" in search:
        return [Row.of(section, "skipped", "ms", [0.0], note=search["skipped"])]
    return [
        Row.of(section, "query", "ms", samples["search query"], GOALS["search"]),
        Row.of(
            section, "index build, wall", "s", [search["build_s"]], note=f"{search['documents']} documents"
        ),
        Row.of(section, "index build, CPU", "s", [search["build_cpu_s"]]),
        Row.of(section, "index size (SQLite pages)", "MiB", [search["index_mib"]]),
        Row.of(section, "RSS growth from the index", "MiB", [search["rss_growth_mib"]]),
    ]


def session_figures(process: subprocess.Popen[bytes], out: Path) -> tuple[list[Row], dict[str, Any]]:
    if process.wait() != 0:
        raise RuntimeError(f"the sessions benchmark failed ({process.returncode})")
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    warm, end = result["after_warm_up"], result["after_sessions"]
    section = f"Visitor sessions (language, topics, idle reset): {end['sessions']} after {warm['sessions']}"
    alive = "{widgets} widgets, {screens} screens alive"
    return [
        Row.of(section, "RSS after warm-up", "MiB", [warm["rss_mib"]], note=alive.format(**warm)),
        Row.of(
            section, f"RSS after {end['sessions']} more", "MiB", [end["rss_mib"]], note=alive.format(**end)
        ),
        Row.of(section, "RSS growth", "MiB", [end["rss_mib"] - warm["rss_mib"]]),
        *_second_half(section, result.get("rss_every_100_mib", [])),
        Row.of(section, "peak RSS (VmHWM)", "MiB", [result["peak_rss_mib"]], GOALS["rss"]),
        Row.of(section, "one session, CPU", "s", [result["session_cpu_s"]]),
    ], result


def _second_half(section: str, checkpoints: list[float]) -> list[Row]:
    """RSS growth over the second half of the sessions: zero once caches are full, more if something leaks."""
    if len(checkpoints) < 2:
        return []
    half = len(checkpoints) // 2
    growth = checkpoints[-1] - checkpoints[half - 1]
    name = f"RSS growth, sessions {half * 100}–{len(checkpoints) * 100}"
    return [Row.of(section, name, "MiB", [growth])]


def sync_figures(work: Path, plan: Plan, beside: Callable[[], object]) -> tuple[list[Row], dict[str, Any]]:
    """Full and unchanged (304) rounds against the local test server, each in a fresh process.

    The first full round and the unchanged rounds run alone (wall time counts for a 304 round);
    ``beside`` is then started, and the other full rounds (judged on CPU time) run next to it.
    """
    from benchmarks import bench_sync
    from kiosk.devtools.generate import generate_region
    from tests.support.api_server import ApiServer

    region = generate_region("benchstadt", bench_sync.LANGUAGES, plan.pages, plan.events, plan.places)
    with ApiServer(region.routes) as server:
        full = [bench_sync.run_child("full", server.url, work / "sync-0")]
        rounds = plan.unchanged_rounds + 1
        unchanged = bench_sync.run_child("unchanged", server.url, work / "sync-0", rounds=rounds)
        beside()
        for run in range(1, plan.full_syncs):
            full.append(bench_sync.run_child("full", server.url, work / f"sync-{run}"))
    languages = len(bench_sync.LANGUAGES)
    cpu = [run["cpu_s"][0] for run in full]
    section = (
        f"Sync (local HTTP server; {languages} languages × {plan.pages} pages, "
        f"{plan.events} events, {plan.places} places)"
    )
    per_language = f"full round per language ({plan.pages} pages), CPU"
    return [
        Row.of(section, "full round, CPU", "s", cpu),
        Row.of(section, "full round, wall", "s", [run["wall_s"][0] for run in full]),
        Row.of(section, per_language, "s", [c / languages for c in cpu], GOALS["full sync"]),
        Row.of(section, "peak RSS of a full round", "MiB", [run["peak_rss_mb"] for run in full]),
        Row.of(section, "unchanged round (all 304), wall", "ms", unchanged["wall_s"][1:], GOALS["304 round"]),
        Row.of(section, "unchanged round (all 304), CPU", "ms", unchanged["cpu_s"][1:]),
    ], {"full": full, "unchanged": unchanged}


def machine() -> dict[str, Any]:
    from importlib.metadata import version

    return {
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "python": platform.python_version(),
        "textual": version("textual"),
        "platform": platform.platform(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small region, few runs: to try the harness")
    parser.add_argument("--sessions", type=int, help="visitor sessions to run (default 1000)")
    parser.add_argument("--out", type=Path, default=REPO / "bench-results.json")
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else Plan()
    if args.sessions is not None:
        plan = replace(plan, sessions=args.sessions)
    from kiosk.devtools.fill import fill_store

    results: dict[str, Any] = {"started": datetime.now(UTC).isoformat(), "plan": vars(plan)}
    results["machine"] = machine()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        work = Path(tmp)
        state_dir = work / "state"
        progress(f"filling a store: {plan.pages} pages, {plan.events} events, {plan.places} places × 12")
        filled = fill_store(
            state_dir, region=REGION, pages=plan.pages, events=plan.events, places=plan.places
        )
        results["store_mib"] = filled.path.stat().st_size / 2**20
        progress(f"cold start: {plan.start_runs} runs each of the kiosk and the bare app")
        found, results["cold_start"] = cold_start(work, state_dir, plan.start_runs)
        rows += found
        progress(f"headless UI: {plan.ui_rounds} rounds of navigation; language switches; search")
        found, results["latency"] = latency(state_dir, work, plan)
        rows += found
        progress(f"sync; {plan.sessions} visitor sessions in the background once timing allows")
        background: list[subprocess.Popen[bytes]] = []
        sessions_out = work / "sessions.json"

        def start_sessions() -> None:
            progress(f"{plan.sessions} visitor sessions (background), further full syncs")
            command = _ui_command("sessions", state_dir, sessions_out, plan)
            background.append(subprocess.Popen(command, cwd=REPO, env=terminal_env()))

        try:
            found, results["sync"] = sync_figures(work, plan, start_sessions)
            rows += found
            found, results["sessions"] = session_figures(background[0], sessions_out)
            rows += found
        finally:
            for process in background:
                if process.poll() is None:
                    process.kill()
                    process.wait()
    load_at_end = os.getloadavg()
    results["machine"]["load_average_at_end"] = load_at_end
    results["seconds"] = time.perf_counter() - _STARTED
    notes = [
        f"store file {results['store_mib']:.0f} MiB; whole run {results['seconds']:.0f} s",
        f"load average {results['machine']['load_average'][0]:.1f} at start, {load_at_end[0]:.1f} at end, "
        f"on {results['machine']['cpus']} CPUs (above the CPU count, other work skews the figures)",
    ]
    results["rows"] = [row.to_json() for row in rows]
    results["notes"] = notes
    print(table(rows, notes))
    args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"\nwritten: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
