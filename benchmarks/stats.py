"""Median and p95 of repeated measurements, and goals to hold them against."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any, Literal


@dataclass(frozen=True)
class Summary:
    """Repeated samples of one figure, in the figure's unit."""

    n: int
    median: float
    p95: float
    low: float
    high: float

    def to_json(self) -> dict[str, Any]:
        return {
            key: round(value, 6) if isinstance(value, float) else value for key, value in asdict(self).items()
        }


def percentile(samples: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile: the smallest sample with at least ``fraction`` of samples at or below it.

    Nearest-rank never invents a value between samples, so a p95 of 20 runs is the 19th slowest run.
    """
    if not samples:
        raise ValueError("no samples")
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must be in (0, 1], not {fraction}")
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def summarize(samples: Sequence[float]) -> Summary:
    """Median, p95 (nearest rank), lowest and highest of ``samples``."""
    if not samples:
        raise ValueError("no samples")
    return Summary(
        len(samples), statistics.median(samples), percentile(samples, 0.95), min(samples), max(samples)
    )


Stat = Literal["median", "p95", "value"]


def figure(value: float) -> str:
    """A figure with as many digits as it needs to be read at a glance: 1234, 61.3, 4.40, 0.84."""
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _factor(value: float, limit: float | None = None) -> str:
    """A ratio as the table says it: 3.1×, 21.6×, 0.84×; never rounded onto a limit it misses."""
    for digits in (3, 4, 5, 6):
        shown = f"{value:.{digits}g}"
        if limit is None or value <= limit or float(shown) != limit:
            break
    return f"{shown}×"


@dataclass(frozen=True)
class Verdict:
    """How a figure fares against its goal: met or not, and by how much (``share`` = figure / limit)."""

    met: bool | None  # None: could not be judged (the bare figure it is relative to is missing)
    figure: float  # in the goal's terms: a ratio for a relative goal, else the value itself
    share: float | None
    text: str


@dataclass(frozen=True)
class Goal:
    """A limit a figure should stay at or below: absolute (search p95 <= 5 ms) or relative to a figure
    of the bare Textual app measured in the same run (navigation p95 <= 2x the bare screen push p95).

    A relative goal names its ``basis`` and gets the basis's value for the run with ``against``; the
    ratio, not the raw figure, is then held against ``limit``. ``label`` is the goal as issue 18 words
    it; rows that share a label are summarised together.
    """

    limit: float
    unit: str
    stat: Stat = "p95"
    basis: str = ""
    reference: float | None = None
    label: str = ""

    @property
    def relative(self) -> bool:
        return bool(self.basis)

    def against(self, reference: float | None) -> Goal:
        """This goal with the basis's value in this run (in the figure's unit), to judge ratios by."""
        return replace(self, reference=reference)

    def met_by(self, value: float) -> bool:
        return self.judge(value).met is True

    def judge(self, value: float, unit: str = "") -> Verdict:
        """Met or missed, and by how much: "missed: 3.1× of 1.5×", "met: 4.4 ms of 5 ms"."""
        unit = unit or self.unit
        if self.relative:
            if self.reference is None or not self.reference > 0 or math.isnan(value):
                return Verdict(None, math.nan, None, f"not judged: no {self.basis} figure in this run")
            ratio = value / self.reference
            met = ratio <= self.limit
            text = f"{_factor(ratio, self.limit)} of {self.limit:g}×"
            return Verdict(met, ratio, ratio / self.limit, f"{'met' if met else 'missed'}: {text}")
        if math.isnan(value):
            return Verdict(None, value, None, "not judged: no figure")
        met = value <= self.limit
        share = value / self.limit if self.limit > 0 else None
        if self.unit == "×":
            text = f"{_factor(value, self.limit)} of {self.limit:g}×"
        else:
            spaced = f" {self.unit}" if self.unit else ""
            shown = figure(value) if self.unit else f"{value:g}"  # no unit: a count
            text = f"{shown}{spaced} of {self.limit:g}{spaced}"
            if not met and share is not None:
                text += f" ({_factor(share)})"
        return Verdict(met, value, share, f"{'met' if met else 'missed'}: {text}")

    def describe(self, unit: str = "") -> str:
        """The goal itself: "p95 ≤ 2× bare push p95 (19.2 ms)", "median ≤ 1.5×", "≤ 150 ms"."""
        which = "" if self.stat == "value" else f"{self.stat} "
        if self.relative:
            shown = ""
            if self.reference is not None:
                shown = f" ({figure(self.reference)}{f' {unit}' if unit else ''})"
            return f"{which}≤ {self.limit:g}× {self.basis}{shown}"
        spaced = "×" if self.unit == "×" else (f" {self.unit}" if self.unit else "")
        return f"{which}≤ {self.limit:g}{spaced}"
