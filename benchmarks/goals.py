"""The goals of issue 18 ("Instant on lobby hardware"), as the harness holds its figures against them.

Relative goals are ratios to the bare Textual app measured in the same run (``benchmarks.bare_app``
for start and memory, a one-line screen push in ``benchmarks.ui_bench`` for navigation), so they hold
on a busy machine. They are printed beside the figures, never asserted.
"""

from __future__ import annotations

from benchmarks.stats import Goal

BARE_PUSH = "bare push p95"
BARE_RSS = "bare RSS at first frame"

COLD_START = Goal(1.5, "×", "median", label="cold start to first frame ≤ 1.5× bare")
NAVIGATION = Goal(2, "×", "p95", basis=BARE_PUSH, label="every navigation: p95 ≤ 2× bare screen push p95")
LANGUAGE_SWITCH = Goal(
    2, "×", "p95", basis=BARE_PUSH, label="every language switch: p95 ≤ 2× bare screen push p95"
)
RSS_FIRST_FRAME = Goal(2, "×", "median", label="RSS at the first frame ≤ 2× bare")
RSS_EVERY_LANGUAGE = Goal(
    2.5, "×", "value", basis=BARE_RSS, label="RSS with all 12 languages ≤ 2.5× bare first-frame RSS"
)
SESSION_CPU = Goal(150, "ms", "value", label="CPU per visitor session ≤ 150 ms")
UNCHANGED_ROUND = Goal(10, "ms", "median", label="a 304 (unchanged) sync round ≤ 10 ms")
SEARCH = Goal(5, "ms", "p95", label="search p95 ≤ 5 ms")
_FLAT = "long days flat: RSS growth ≤ 2 MiB, no widgets or screens left behind"
FLAT_RSS = Goal(2, "MiB", "value", label=_FLAT)
FLAT_LIVE = Goal(0, "", "value", label=_FLAT)

#: Kept from before issue 18: a full sync's CPU per language of 5,000 pages.
FULL_SYNC = Goal(1, "s", "median", label="full sync ≤ 1 s CPU per language (an older goal)")

#: The summary's lines, in the issue's order.
ISSUE_18 = [
    goal.label
    for goal in (
        COLD_START, NAVIGATION, LANGUAGE_SWITCH, RSS_FIRST_FRAME, RSS_EVERY_LANGUAGE, SESSION_CPU,
        UNCHANGED_ROUND, SEARCH, FLAT_RSS, FULL_SYNC,
    )
]  # fmt: skip
