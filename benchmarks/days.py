"""Visitor sessions run in the background of ``make bench``: memory over many sessions on the filled
store (``ui_bench sessions``) and the long day (``bench_long_day``: CPU per session, and whether
memory, widgets or screens pile up). Both measure memory and CPU time, never wall time, so they may
run beside the sync benchmark.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from benchmarks import goals
from benchmarks.pty_start import terminal_env
from benchmarks.report import Row

REPO = Path(__file__).resolve().parents[1]


def session_figures(process: subprocess.Popen[bytes], out: Path) -> tuple[list[Row], dict[str, Any]]:
    """Rows from ``ui_bench sessions`` once its process has ended."""
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
        Row.of(section, "peak RSS (VmHWM)", "MiB", [result["peak_rss_mib"]]),
        Row.of(section, "one session, CPU", "ms", [result["session_cpu_s"]]),
    ], result


def _second_half(section: str, checkpoints: list[float]) -> list[Row]:
    """RSS growth over the second half of the sessions: zero once caches are full, more if something leaks."""
    if len(checkpoints) < 2:
        return []
    half = len(checkpoints) // 2
    growth = checkpoints[-1] - checkpoints[half - 1]
    name = f"RSS growth, sessions {half * 100}–{len(checkpoints) * 100}"
    return [Row.of(section, name, "MiB", [growth], goals.FLAT_RSS, "once caches are full")]


def start_long_day(sessions: int, warm_up: int, out: Path) -> subprocess.Popen[bytes]:
    """``bench_long_day`` in a process of its own, writing its figures to ``out``."""
    command = [
        *(sys.executable, "-m", "benchmarks.bench_long_day", "--sessions", str(sessions)),
        *("--warm-up", str(warm_up), "--progress", "0", "--json", str(out)),
    ]
    return subprocess.Popen(command, cwd=REPO, env=terminal_env(), stdout=subprocess.DEVNULL)


def long_day_figures(process: subprocess.Popen[bytes], out: Path) -> tuple[list[Row], dict[str, Any]]:
    """Rows from ``bench_long_day``; its exit code 1 only says that its own goal was missed."""
    code = process.wait()
    if not out.exists():
        raise RuntimeError(f"the long-day benchmark failed ({code}) and wrote no figures")
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return long_day_rows(result), result


def long_day_rows(result: dict[str, Any]) -> list[Row]:
    """CPU per session, and what grew over the day, from ``bench_long_day``'s figures."""
    before, after = result["after_warm_up"], result["at_end"]
    sessions = after["sessions"] - before["sessions"]
    section = (
        f"Long day (bench_long_day, bundled content): {sessions} visitor sessions after "
        f"{before['sessions']} — language, topics to a page, QR codes, an office, idle reset"
    )
    grown = ", ".join(f"{name} +{count}" for name, count in list(result.get("types_grown", {}).items())[:4])
    return [
        Row.of(section, "one session, CPU", "ms", [result["session_cpu_ms"] / 1000], goals.SESSION_CPU),
        Row.of(section, "one session, wall (beside other work)", "ms", [result["session_ms"] / 1000]),
        Row.of(section, "RSS growth", "MiB", [result["rss_growth_mib"]], goals.FLAT_RSS,
               f"{before['rss_mib']} -> {after['rss_mib']} MiB"),
        Row.of(section, "live widgets added", "", [result["widget_growth"]], goals.FLAT_LIVE,
               f"object types grown: {grown}" if grown else ""),
        Row.of(section, "live screens added", "", [result["screen_growth"]], goals.FLAT_LIVE),
        Row.of(section, "app watchers added", "", [after["app_watchers"] - before["app_watchers"]],
               goals.FLAT_LIVE),
    ]  # fmt: skip
