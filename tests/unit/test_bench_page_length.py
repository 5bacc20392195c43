"""The page-length benchmark runs end to end on tiny pages, so it cannot rot unseen (no timing judged)."""

from __future__ import annotations

import asyncio

from benchmarks.bench_page_length import measure, report


def test_every_length_is_opened_and_switched_through_every_language() -> None:
    result = asyncio.run(measure([1, 4], rounds=1))
    blocks, samples = result["blocks"], result["samples"]
    assert blocks[1] < blocks[4]
    assert len(samples["open 1"]) == len(samples["open 4"]) == 1
    assert len(samples["switch 1"]) == len(samples["switch 4"]) == 12  # every language, back to the first
    assert all(seconds > 0 for values in samples.values() for seconds in values)
    shown = report(result, [1, 4])
    assert f"{blocks[4]} blocks / {blocks[1]} blocks" in shown
