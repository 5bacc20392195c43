"""The harness's table and JSON: one row per figure, its median and p95, and its goal if it has one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from benchmarks.stats import Goal, Summary, summarize

#: How a figure is scaled from its raw unit (seconds, MiB, share of a core) for the table.
SCALE = {"ms": 1000.0, "s": 1.0, "MiB": 1.0, "×": 1.0, "%": 100.0}


@dataclass(frozen=True)
class Row:
    """One figure: a summary of repeated samples (or a single value), in raw units."""

    section: str
    name: str
    unit: str
    summary: Summary
    goal: Goal | None = None
    note: str = ""

    @classmethod
    def of(
        cls,
        section: str,
        name: str,
        unit: str,
        samples: Sequence[float],
        goal: Goal | None = None,
        note: str = "",
    ) -> Row:
        return cls(section, name, unit, summarize(samples), goal, note)

    def shown(self, value: float) -> float:
        return value * SCALE[self.unit]

    def judged(self) -> float | None:
        """The value the goal is about, in the table's unit (None without a goal)."""
        if self.goal is None:
            return None
        value = self.summary.median if self.goal.stat in ("median", "value") else self.summary.p95
        return self.shown(value)

    def verdict(self) -> str:
        judged = self.judged()
        if judged is None or self.goal is None:
            return ""
        return ("ok   " if self.goal.met_by(judged) else "MISS ") + self.goal.describe()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "section": self.section,
            "name": self.name,
            "unit": self.unit,
            "n": self.summary.n,
            "median": round(self.shown(self.summary.median), 3),
            "p95": round(self.shown(self.summary.p95), 3),
            "min": round(self.shown(self.summary.low), 3),
            "max": round(self.shown(self.summary.high), 3),
        }
        judged = self.judged()
        if self.goal is not None and judged is not None:
            out["goal"] = {"limit": self.goal.limit, "unit": self.goal.unit, "stat": self.goal.stat,
                           "met": self.goal.met_by(judged)}  # fmt: skip
        if self.note:
            out["note"] = self.note
        return out


def _number(value: float) -> str:
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def table(rows: Sequence[Row], notes: Sequence[str] = ()) -> str:
    """A plain-text table, grouped by section, with the goal and whether it was met."""
    name_width = max((len(row.name) for row in rows), default=10) + 2
    lines: list[str] = []
    section = None
    header = f"{'':{name_width}}{'n':>5} {'median':>9} {'p95':>9}  unit  goal"
    for row in rows:
        if row.section != section:
            section = row.section
            lines.extend(["", section, header])
        single = row.summary.n == 1
        median = _number(row.shown(row.summary.median))
        p95 = "" if single else _number(row.shown(row.summary.p95))
        figures = f"{row.summary.n:>5} {median:>9} {p95:>9}  {row.unit:<4}"
        line = f"  {row.name:{name_width - 2}}{figures}  {row.verdict()}"
        lines.append(line.rstrip())
        if row.note:
            lines.append(f"  {'':{name_width - 2}}  ({row.note})")
    lines.extend(f"note: {note}" for note in notes)
    return "\n".join(lines).lstrip("\n")
