"""The benchmark harness on tiny inputs: statistics, the first-frame detector, the store filler."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, ClassVar

import pytest
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from benchmarks.cpus import CpuListError, parse_cpu_list
from benchmarks.pty_start import FrameWatcher, NoFirstFrame, first_frame, strip_terminal_codes, terminal_env
from benchmarks.report import Row, goals_summary, summary_table, table
from benchmarks.stats import Goal, percentile, summarize
from benchmarks.ui_drive import FrameClock, key_event, live_objects, timed_press
from kiosk.devtools.fill import LONG_TOPIC, fill_store
from kiosk.store import Store

MARKER = "„lokal willkommen“ Westerfilde"
REPO = Path(__file__).resolve().parents[2]


# -- statistics ------------------------------------------------------------------------------------


def test_p95_of_twenty_runs_is_the_second_slowest() -> None:
    runs = [float(n) for n in range(20, 0, -1)]
    assert percentile(runs, 0.95) == 19.0
    summary = summarize(runs)
    assert (summary.n, summary.median, summary.p95, summary.low, summary.high) == (20, 10.5, 19.0, 1.0, 20.0)


def test_one_sample_is_its_own_median_and_p95() -> None:
    summary = summarize([0.25])
    assert summary.median == summary.p95 == 0.25


def test_no_samples_is_an_error_not_a_zero() -> None:
    with pytest.raises(ValueError, match="no samples"):
        summarize([])


def test_row_judges_its_goal_in_the_tables_unit() -> None:
    within = Row.of("Search", "query", "ms", [0.002, 0.003, 0.0044], Goal(5, "ms"))
    beyond = Row.of("Search", "query, cold", "ms", [0.002, 0.003, 0.0093], Goal(5, "ms"))
    assert within.verdict() == "met: 4.40 ms of 5 ms · p95 ≤ 5 ms"
    assert within.to_json()["goal"]["met"] is True
    assert beyond.verdict() == "missed: 9.30 ms of 5 ms (1.86×) · p95 ≤ 5 ms"
    assert beyond.to_json()["p95"] == 9.3 and beyond.to_json()["goal"]["met"] is False
    text = table([within, beyond], ["a note"])
    assert text.splitlines()[0] == "Search"
    assert "missed: 9.30 ms of 5 ms (1.86×)" in text and "note: a note" in text


def test_a_ratio_goal_says_by_how_much_it_is_missed() -> None:
    pairs = Row.of("Cold start", "kiosk / bare (per pair)", "×", [3.0, 3.1, 3.4], Goal(1.5, "×", "median"))
    assert pairs.verdict() == "missed: 3.1× of 1.5× · median ≤ 1.5×"
    # A miss is never rounded onto the limit.
    just = Row.of("Cold start", "RSS kiosk / bare (per pair)", "×", [2.0004], Goal(2, "×", "median"))
    assert just.verdict() == "missed: 2.0004× of 2× · median ≤ 2×"


def test_a_relative_goal_is_judged_against_the_bare_figure_of_the_same_run() -> None:
    goal = Goal(2, "×", "p95", basis="bare push p95")
    slow = Row.of("Navigation", "open long topic page", "ms", [0.020, 0.031], goal.against(10.0))
    fast = Row.of("Navigation", "back", "ms", [0.004, 0.015], goal.against(10.0))
    assert slow.verdict() == "missed: 3.1× of 2× · p95 ≤ 2× bare push p95 (10.0 ms)"
    assert fast.verdict().startswith("met: 1.5× of 2×")
    assert slow.to_json()["goal"] | {"ratio": round(slow.to_json()["goal"]["ratio"], 6)} == {
        "limit": 2, "unit": "×", "stat": "p95", "met": False, "verdict": "missed: 3.1× of 2×",
        "label": "", "basis": "bare push p95", "reference": 10.0, "ratio": 3.1,
    }  # fmt: skip
    # Without the bare figure (its run failed) nothing is claimed either way.
    unknown = Row.of("Navigation", "back", "ms", [0.015], goal.against(None))
    assert unknown.verdict().startswith("not judged: no bare push p95 figure")
    assert unknown.to_json()["goal"]["met"] is None


def test_the_summary_names_each_goal_once_with_its_worst_row() -> None:
    nav = Goal(2, "×", "p95", basis="bare push p95", label="every navigation").against(10.0)
    search = Goal(5, "ms", label="search p95 ≤ 5 ms")
    rows = [
        Row.of("Navigation", "open topic list", "ms", [0.012], nav),
        Row.of("Navigation", "open long topic page", "ms", [0.210], nav),
        Row.of("Navigation", "open places list", "ms", [0.040], nav),
        Row.of("Search", "query", "ms", [0.001, 0.002], search),
    ]
    lines = goals_summary(rows, ["every navigation", "search p95 ≤ 5 ms", "a 304 round ≤ 10 ms"])
    assert [(line.label, line.met) for line in lines] == [
        ("every navigation", False), ("search p95 ≤ 5 ms", True), ("a 304 round ≤ 10 ms", None),
    ]  # fmt: skip
    assert lines[0].text == "missed: 21× of 2× (open long topic page; 2 of 3 missed)"
    assert lines[1].text == "met: 2.00 ms of 5 ms"
    assert lines[2].text == "not measured in this run"
    shown = summary_table(lines)
    assert "every navigation" in shown and "missed: 21× of 2×" in shown


def test_counts_are_shown_as_whole_numbers() -> None:
    added = Row.of("Long day", "live widgets added", "", [3], Goal(0, "", "value"))
    assert added.verdict() == "missed: 3 of 0 · ≤ 0"
    assert "    3" in table([added])


# -- which CPUs ---------------------------------------------------------------------------------------


def test_cpu_lists_are_read_as_taskset_reads_them() -> None:
    assert parse_cpu_list("0") == {0}
    assert parse_cpu_list("0-2, 4") == {0, 1, 2, 4}
    for bad in ("", "a", "3-1", "0,,1", "-1"):
        with pytest.raises(CpuListError):
            parse_cpu_list(bad)


def _run_python(code: str, *prefix: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*prefix, sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120
    )


def test_pinning_holds_for_the_processes_the_harness_starts() -> None:
    # In a child: pinning this test process would slow the rest of the suite.
    code = (
        "import os, subprocess, sys; from benchmarks.cpus import pin; print(pin('0').describe()); "
        "print(subprocess.run([sys.executable, '-c', 'import os; print(sorted(os.sched_getaffinity(0)))'],"
        " capture_output=True, text=True).stdout.strip())"
    )
    done = _run_python(code)
    assert done.returncode == 0, done.stderr
    described, child = done.stdout.splitlines()
    assert described.startswith("CPU affinity: CPU 0 — 1 of ")
    assert described.endswith("CPUs, pinned with --cpus")
    assert child == "[0]"


@pytest.mark.skipif(shutil.which("taskset") is None, reason="taskset (util-linux) is not installed")
@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one CPU: nothing to pin from outside")
def test_a_run_pinned_from_outside_says_so() -> None:
    code = "from benchmarks.cpus import current_affinity; print(current_affinity().describe())"
    done = _run_python(code, "taskset", "-c", "0")
    assert done.returncode == 0, done.stderr
    assert "CPU 0 — 1 of" in done.stdout and "pinned from outside (taskset or a cgroup)" in done.stdout


def test_a_cpu_that_is_not_there_is_one_clear_error() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--quick", "--cpus", "4096"],
        capture_output=True, text=True, cwd=REPO, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines()[-1].endswith(
        "--cpus '4096': CPU 4096 is not available here (usable: "
        + ",".join(map(str, sorted(os.sched_getaffinity(0))))
        + ")"
    )


# -- the first frame in a pty ------------------------------------------------------------------------


def test_strip_terminal_codes_keeps_what_a_terminal_shows() -> None:
    drawn = "\x1b[?1049h\x1b]0;title\x07\x1b[17;19H\x1b[1;38;2;255;255;255mWelcome\x1b[0m\x1b[18;1Hnext"
    assert strip_terminal_codes(drawn) == "\nWelcome\nnext"


def test_watcher_sees_the_marker_split_anywhere_but_not_before_it_is_complete() -> None:
    stream = f"\x1b[?25l\x1b[17;19H\x1b[48;2;13;13;13m   \x1b[1m{MARKER}\x1b[0m".encode()
    watcher = FrameWatcher(MARKER)
    results = [watcher.feed(stream[i : i + 1]) for i in range(len(stream))]
    last_marker_byte = stream.index(MARKER.encode()) + len(MARKER.encode()) - 1
    assert results.index(True) == last_marker_byte
    assert watcher.bytes_read == len(stream)


def test_watcher_does_not_join_text_across_a_cursor_move() -> None:
    watcher = FrameWatcher("Westerfilde")
    assert not watcher.feed(b"Wester\x1b[5;1Hfilde")


def _python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_first_frame_is_timed_in_a_pty_of_the_given_size() -> None:
    program = (
        "import os, time; size = os.get_terminal_size(); "
        "print(f'\\x1b[2J\\x1b[1;1Hsize {size.columns}x{size.lines}', flush=True); time.sleep(30)"
    )
    frame = first_frame(_python(program), "size 100x30", env=terminal_env(), size=(100, 30), timeout_s=20)
    # The program sleeps 30 s after drawing: returning at all means it was stopped at the marker.
    assert 0 < frame.seconds < 20
    assert frame.peak_rss_mib is not None and frame.peak_rss_mib > 0


def test_a_program_that_exits_without_the_marker_is_reported() -> None:
    with pytest.raises(NoFirstFrame, match="exited"):
        first_frame(_python("print('something else')"), MARKER, env=terminal_env(), timeout_s=20)


def test_terminal_env_leaves_out_the_kiosks_own_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIOSK_API__REGION", "elsewhere")
    monkeypatch.setenv("TEXTUAL_FPS", "5")
    env = terminal_env(KIOSK_PATHS__STATE_DIR="/tmp/x")
    assert "KIOSK_API__REGION" not in env and "TEXTUAL_FPS" not in env
    assert env["KIOSK_PATHS__STATE_DIR"] == "/tmp/x" and env["TERM"] == "xterm-256color"


# -- key press -> frame, headless -------------------------------------------------------------------


def test_keys_are_posted_with_the_character_a_terminal_sends() -> None:
    assert (key_event("1").key, key_event("1").character) == ("1", "1")
    assert key_event("escape").character == "\x1b"
    assert key_event("f2").character is None


class _Page(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Static("page")


class _TwoScreens(App[None]):
    BINDINGS: ClassVar = [("1", "open", "open"), ("escape", "close", "close")]

    def compose(self) -> ComposeResult:
        yield Static("home")

    def action_open(self) -> None:
        self.push_screen(_Page())

    def action_close(self) -> None:
        self.pop_screen()


async def test_timed_press_waits_for_a_frame_of_the_new_screen() -> None:
    app = _TwoScreens()
    clock = FrameClock(app)
    clock.install()
    async with app.run_test(size=(40, 10)):
        step, screen = await timed_press(app, clock, "1")
        assert isinstance(screen, _Page) and app.screen is screen
        assert 0 < step.first <= step.settled
        step, screen = await timed_press(app, clock, "escape")
        assert not isinstance(screen, _Page)
        assert clock.frames == [] and clock.ready is None  # disarmed: keeps no frames between steps


async def test_the_bare_floor_is_timed_like_the_kiosk() -> None:
    from benchmarks.bare_navigation import measure_bare

    samples = await measure_bare(2, (40, 10))  # a warm-up round, then two counted
    assert {name: len(found) for name, found in samples.items()} == {
        "bare push screen": 2, "bare push screen (settled)": 2, "bare pop screen": 2,
        "bare pop screen (settled)": 2,
    }  # fmt: skip
    assert all(0 < first <= settled for first, settled in zip(
        samples["bare push screen"], samples["bare push screen (settled)"], strict=True))  # fmt: skip


async def test_live_objects_counts_the_screens_still_reachable() -> None:
    app = _TwoScreens()
    async with app.run_test(size=(40, 10)) as pilot:
        before = live_objects()
        await pilot.press("1")
        assert live_objects().screens == before.screens + 1


# -- the generated store -----------------------------------------------------------------------------


def test_fill_store_writes_every_language_as_the_kiosk_reads_it(tmp_path: Path) -> None:
    filled = fill_store(
        tmp_path, region="tinystadt", languages=("de", "en", "ar"), pages=20, events=3, places=2,
        long_page_blocks=60,
    )  # fmt: skip
    assert filled.counts == {code: {"pages": 20, "events": 3, "locations": 2} for code in ("de", "en", "ar")}
    store = Store.open(tmp_path)
    try:
        content: Any = store.load_region("tinystadt")
    finally:
        store.close()
    assert [language.code for language in content.languages] == ["de", "en", "ar"]
    pages = content.by_language["ar"].pages
    long_page = next(page for page in pages if page.path.rstrip("/").endswith(LONG_TOPIC))
    others = [page for page in pages if page is not long_page]
    assert long_page.content_html.count("<p>") > 20
    assert all(page.content_html.count("<p>") <= 4 for page in others)


async def test_the_long_day_walks_whole_sessions_and_counts_what_stays_alive() -> None:
    from benchmarks.bench_long_day import long_day

    out = await long_day(sessions=3, warm_up=1, progress_every=0)
    # Every session reached a topic page and a place's QR code, and went through the idle reset.
    assert out["reached"]["page"] == 4 and out["reached"]["place QR"] == 4, out["reached"]
    assert out["at_end"]["sessions"] == 4
    # Live screens are counted (a closing screen may still be alive for a moment: not asserted here).
    assert out["at_end"]["screens"] >= 2 and out["after_warm_up"]["screens"] >= 2
    assert isinstance(out["rss_growth_mib"], float)
    assert out["at_end"]["app_watchers"] == out["after_warm_up"]["app_watchers"] == 0


def test_the_long_day_figures_carry_the_session_cpu_and_flatness_goals() -> None:
    from benchmarks import goals
    from benchmarks.days import long_day_rows

    result = {
        "after_warm_up": {"sessions": 2, "rss_mib": 80.0, "widgets": 40, "screens": 2, "app_watchers": 0},
        "at_end": {"sessions": 7, "rss_mib": 80.5, "widgets": 43, "screens": 2, "app_watchers": 0},
        "session_ms": 900.0, "session_cpu_ms": 620.0, "rss_growth_mib": 0.5, "widget_growth": 3,
        "screen_growth": 0, "types_grown": {"Choice": 3},
    }  # fmt: skip
    rows = {row.name: row for row in long_day_rows(result)}
    assert rows["one session, CPU"].verdict().startswith("missed: 620 ms of 150 ms (4.13×)")
    assert rows["RSS growth"].verdict().startswith("met: 0.50 MiB of 2 MiB")
    assert rows["live widgets added"].verdict().startswith("missed: 3 of 0")
    flat = goals_summary(list(rows.values()), [goals.FLAT_RSS.label])[0]
    assert flat.met is False and flat.text.startswith("missed: 3 of 0 (live widgets added; 1 of 4 missed)")


# -- the headless walk and the profiles, on a tiny store ---------------------------------------------


def _tiny_store(state_dir: Path) -> None:
    fill_store(
        state_dir, region="tinystadt", languages=("de", "en", "uk"), pages=20, events=10, places=3,
        long_page_blocks=60,
    )  # fmt: skip


async def test_ui_bench_walks_events_places_and_a_tour_of_the_languages(tmp_path: Path) -> None:
    from benchmarks.ui_bench import SIZE, navigate_lists, settle_start_up, start_kiosk, switch_languages
    from benchmarks.ui_drive import press

    _tiny_store(tmp_path)
    kiosk = start_kiosk(tmp_path, "tinystadt")
    app = kiosk.app
    clock = FrameClock(app)
    clock.install()
    samples: dict[str, list[float]] = {}
    try:
        async with app.run_test(size=SIZE):
            await settle_start_up(kiosk)
            await press(app, "space")
            await press(app, "1")
            home = app.screen
            await navigate_lists(app, clock, 1, samples)  # round 0 warms up, round 1 counts
            counted = {name: len(found) for name, found in samples.items() if "settled" not in name}
            # The list of events is not empty on the benchmark's day, so an event opens too.
            assert counted == {
                "open events list": 1, "open event": 1, "open places list": 1, "open place": 1, "back": 4,
            }  # fmt: skip
            assert app.screen is home
            await switch_languages(app, clock, kiosk.codes[:3], "home", 1, samples, tour=True)
            assert len(samples["language switch on home, first time"]) == 2  # en, uk
            assert len(samples["language switch on home, again"]) == 1  # back to de
            assert app.language == "de" and app.screen is home
    finally:
        kiosk.store.close()


def test_profiles_of_the_cold_start_and_the_long_page(tmp_path: Path) -> None:
    from benchmarks.profiling import profile_all, profile_cold_start

    _tiny_store(tmp_path / "state")
    out = tmp_path / "profiles"
    written = {path.name for path in profile_all(tmp_path / "state", "tinystadt", out, "pyinstrument")}
    for stem in ("cold-start", "long-page-open", "long-page-language-switch"):
        assert {f"{stem}.txt", f"{stem}.html", f"{stem}.pyisession"} <= written
    cold = (out / "cold-start.txt").read_text(encoding="utf-8")
    assert cold.startswith("cold start: process start") and "kiosk/cli/run.py" in cold
    page = (out / "long-page-open.txt").read_text(encoding="utf-8")
    assert page.startswith("open the long topic page (") and "kiosk/ui/" in page
    switch = (out / "long-page-language-switch.txt").read_text(encoding="utf-8")
    assert switch.startswith("language switch to uk on the long page") and "kiosk/ui/" in switch
    # cProfile, for a machine without pyinstrument: the same start, every call counted.
    plain = tmp_path / "cprofile"
    plain.mkdir()
    assert {path.name for path in profile_cold_start(tmp_path / "state", "tinystadt", plain, "cprofile")} == {
        "cold-start.prof", "cold-start.txt",
    }  # fmt: skip
    assert "run_kiosk" in (plain / "cold-start.txt").read_text(encoding="utf-8")


def test_the_whole_harness_runs_on_a_tiny_region_and_judges_every_goal(tmp_path: Path) -> None:
    """`benchmarks.run` end to end, every part once (--smoke): what `make bench` does, on 20 pages."""
    from benchmarks import goals

    out = tmp_path / "bench.json"
    command = [sys.executable, "-m", "benchmarks.run", "--smoke", "--out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=1800)
    assert done.returncode == 0, done.stderr[-4000:]
    results = json.loads(out.read_text(encoding="utf-8"))
    names = {row["name"] for row in results["rows"]}
    assert {
        "open topic list", "open topic page", "open long topic page", "open events list", "open event",
        "open places list", "open place", "open language picker", "back", "on long topic page, again",
    } <= names  # fmt: skip
    judged = {row["goal"]["label"] for row in results["rows"] if "goal" in row}
    assert set(goals.ISSUE_18) <= judged  # every goal has a figure held against it
    assert [line["goal"] for line in results["goals"]] == goals.ISSUE_18
    # Met or missed, each with a figure: never "not judged" for want of the bare app's figures.
    verdicts = [line["verdict"] for line in results["goals"]]
    assert all(verdict.startswith(("met: ", "missed: ")) for verdict in verdicts), verdicts
    assert "Goals of issue 18" in done.stdout and "CPU affinity: " in done.stdout
    assert results["machine"]["affinity"]["cpus"] == sorted(os.sched_getaffinity(0))
