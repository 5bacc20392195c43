"""The benchmark harness on tiny inputs: statistics, the first-frame detector, the store filler."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, ClassVar

import pytest
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from benchmarks.pty_start import FrameWatcher, NoFirstFrame, first_frame, strip_terminal_codes, terminal_env
from benchmarks.report import Row, table
from benchmarks.stats import Goal, percentile, summarize
from benchmarks.ui_drive import FrameClock, key_event, live_objects, timed_press
from kiosk.devtools.fill import LONG_TOPIC, fill_store
from kiosk.store import Store

MARKER = "„lokal willkommen“ Westerfilde"


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
    within = Row.of("Navigation", "open topic list", "ms", [0.010, 0.012, 0.015], Goal(16, "ms"))
    beyond = Row.of("Navigation", "open topic page", "ms", [0.010, 0.012, 0.030], Goal(16, "ms"))
    assert within.verdict().startswith("ok") and within.to_json()["goal"]["met"] is True
    assert beyond.verdict().startswith("MISS") and beyond.to_json()["p95"] == 30.0
    text = table([within, beyond], ["a note"])
    assert text.splitlines()[0] == "Navigation"
    assert "MISS p95 ≤ 16 ms" in text and "note: a note" in text


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
