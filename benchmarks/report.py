"""The harness's table and JSON: one row per figure, its median and p95, and its goal if it has one.

Each goal's verdict says met or missed and by how much ("missed: 3.1× of 1.5×"); ``goals_summary``
then gives one line per goal of issue 18, judged by the worst of its rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from benchmarks.stats import Goal, Summary, Verdict, figure, summarize

#: How a figure is scaled from its raw unit (seconds, MiB, share of a core) for the table.
SCALE = {"ms": 1000.0, "s": 1.0, "MiB": 1.0, "×": 1.0, "%": 100.0, "": 1.0}


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

    def judgement(self) -> Verdict | None:
        judged = self.judged()
        if judged is None or self.goal is None:
            return None
        return self.goal.judge(judged, self.unit)

    def verdict(self) -> str:
        """The goal and how the figure fares ("met: 1.2× of 2× · p95 ≤ 2× bare push p95 (19.2 ms)"), or ""."""
        judgement = self.judgement()
        if judgement is None or self.goal is None:
            return ""
        return f"{judgement.text} · {self.goal.describe(self.unit)}"

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
        judgement = self.judgement()
        if self.goal is not None and judgement is not None:
            goal = self.goal
            out["goal"] = {
                "limit": goal.limit, "unit": goal.unit, "stat": goal.stat, "met": judgement.met,
                "verdict": judgement.text, "label": goal.label,
            }  # fmt: skip
            if goal.relative:
                out["goal"].update(basis=goal.basis, reference=goal.reference, ratio=judgement.figure)
        if self.note:
            out["note"] = self.note
        return out


def table(rows: Sequence[Row], notes: Sequence[str] = ()) -> str:
    """A plain-text table, grouped by section, with each goal and how the figure fares against it."""
    name_width = max((len(row.name) for row in rows), default=10) + 2
    lines: list[str] = []
    section = None
    header = f"{'':{name_width}}{'n':>5} {'median':>9} {'p95':>9}  unit  goal"
    for row in rows:
        if row.section != section:
            section = row.section
            lines.extend(["", section, header])
        single = row.summary.n == 1
        shown = figure if row.unit else (lambda value: f"{value:g}")  # no unit: a count
        median = shown(row.shown(row.summary.median))
        p95 = "" if single else shown(row.shown(row.summary.p95))
        figures = f"{row.summary.n:>5} {median:>9} {p95:>9}  {row.unit:<4}"
        line = f"  {row.name:{name_width - 2}}{figures}  {row.verdict()}"
        lines.append(line.rstrip())
        if row.note:
            lines.append(f"  {'':{name_width - 2}}  ({row.note})")
    lines.extend(f"note: {note}" for note in notes)
    return "\n".join(lines).lstrip("\n")


@dataclass(frozen=True)
class GoalLine:
    """One goal of issue 18 over all its rows: met when every row met it, else the worst miss."""

    label: str
    met: bool | None
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"goal": self.label, "met": self.met, "verdict": self.text}


def goals_summary(rows: Sequence[Row], labels: Sequence[str]) -> list[GoalLine]:
    """One line per goal label, in the order given; a goal without rows says it was not measured."""
    found: list[GoalLine] = []
    for label in labels:
        judged = [
            (row, verdict)
            for row in rows
            if row.goal is not None and row.goal.label == label
            for verdict in [row.judgement()]
            if verdict is not None
        ]
        if not judged:
            found.append(GoalLine(label, None, "not measured in this run"))
            continue
        missed = [(row, v) for row, v in judged if v.met is False]
        unjudged = [row for row, v in judged if v.met is None]
        if missed:
            row, worst = max(missed, key=lambda pair: pair[1].share or float("inf"))
            where = f"{row.name.strip()}" if len(judged) > 1 else ""
            of = f"; {len(missed)} of {len(judged)} missed" if len(judged) > 1 else ""
            text = f"{worst.text}" + (f" ({where}{of})" if where else "")
            found.append(GoalLine(label, False, text))
        elif unjudged:
            found.append(GoalLine(label, None, f"not judged: {unjudged[0].name.strip()}"))
        else:
            row, best = max(judged, key=lambda pair: pair[1].share or 0.0)
            closest = f" (closest: {row.name.strip()})" if len(judged) > 1 else ""
            found.append(GoalLine(label, True, f"{best.text}{closest}"))
    return found


def summary_table(lines: Sequence[GoalLine]) -> str:
    """The goals of issue 18, one per line, each with its verdict."""
    width = max((len(line.label) for line in lines), default=10) + 2
    out = ["Goals of issue 18 (printed, never asserted; ratios are to the bare Textual app in this run)"]
    out += [f"  {line.label:{width}}{line.text}" for line in lines]
    return "\n".join(out)
