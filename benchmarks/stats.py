"""Median and p95 of repeated measurements, and goals to hold them against."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass
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


@dataclass(frozen=True)
class Goal:
    """A limit a figure should stay at or below, e.g. navigation p95 <= 16 ms."""

    limit: float
    unit: str
    stat: Stat = "p95"

    def met_by(self, value: float) -> bool:
        return value <= self.limit

    def describe(self) -> str:
        which = "" if self.stat == "value" else f"{self.stat} "
        return f"{which}≤ {self.limit:g} {self.unit}"
