"""Does a page cost what fits on the screen, or what it holds? The same page at three lengths.

    .venv/bin/python -m benchmarks.bench_page_length [--rounds 5] [--lengths 10,300,880] [--out FILE]

A region held in memory (no store: only the page's own cost counts) has one topic page per length,
made as ``kiosk.devtools.fill`` makes the long page (300 parts give the benchmark's 340 blocks). Headless
at 120×40, as ``benchmarks.ui_bench``: the key on the topic list -> the first frame of the page (the
first opening warms caches and is not counted), and a language switch on the page through every
language once (each a language the page was never shown in, so its HTML is read for the first time).
Every language is used once on the topic list first, and the lengths take turns. Prints medians and
p95 per length and the ratio of the longest page to the shortest; 1× is the goal.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from benchmarks.stats import summarize
from benchmarks.ui_bench import NOW, PICKER_KEYS, SIZE, relabelled_in
from benchmarks.ui_drive import FrameClock, press, timed_press, wait_until

Samples = dict[str, list[float]]


def region(lengths: list[int]) -> Any:
    """A region in every default language with one topic page of ``n`` fill parts per length."""
    from kiosk.config import DEFAULT_LANGUAGES
    from kiosk.content.models import Language, LanguageContent, Page, RegionContent, Translation
    from kiosk.devtools.fill import long_content

    languages = [Language(code, code) for code in DEFAULT_LANGUAGES]
    by_language = {}
    for number, language in enumerate(languages):
        pages = [
            Page(
                id=number * 100 + index,
                title=f"{parts} parts",
                content_html=long_content(language.code, parts),
                order=index,
                # The same page in every other language: a switch keeps the visitor on it.
                available_languages={
                    other.code: Translation(other_number * 100 + index, f"/{other.code}/{index}", "")
                    for other_number, other in enumerate(languages)
                    if other is not language
                },
            )
            for index, parts in enumerate(lengths)
        ]
        by_language[language.code] = LanguageContent(language, pages)
    return RegionContent("lengths", languages, by_language)


async def measure(lengths: list[int], rounds: int) -> dict[str, Any]:
    from kiosk.config import Settings
    from kiosk.ui.app import KioskApp
    from kiosk.ui.screens.page import PageScreen

    app = KioskApp(Settings(), region(lengths), clock=lambda: NOW, cycle_greeting=False)
    codes = list(app.settings.display.languages)
    keys = dict(zip(codes, PICKER_KEYS, strict=False))
    clock = FrameClock(app)
    clock.install()
    samples: Samples = {}
    blocks: dict[int, int] = {}
    async with app.run_test(size=SIZE):
        for key in ("space", keys[codes[0]], "1"):
            await press(app, key)
        # Every language once on the topic list first: a language's first use (its catalog) is not
        # the page's cost.
        for target in [*codes[1:], codes[0]]:
            await press(app, "f2")
            await press(app, keys[target])
            await wait_until(app, lambda chosen=target: app.language == chosen)
        # The lengths take turns, so that a slow moment of the machine falls on all of them.
        for attempt in range(rounds + 1):
            for index, parts in enumerate(lengths):
                step, screen = await timed_press(app, clock, str(index + 1))
                if not isinstance(screen, PageScreen):
                    raise RuntimeError(f"tile {index + 1} led to {screen!r}, not a topic page")
                blocks[parts] = len(screen.document.blocks)
                if attempt:  # the first opening warms caches, as in benchmarks.ui_bench
                    samples.setdefault(f"open {parts}", []).append(step.first)
                await press(app, "escape")
        for index, parts in enumerate(lengths):
            await press(app, str(index + 1))
            for target in [*codes[1:], codes[0]]:
                await press(app, "f2")
                step, _ = await timed_press(app, clock, keys[target], relabelled_in(target))
                await wait_until(app, lambda chosen=target: app.language == chosen)
                samples.setdefault(f"switch {parts}", []).append(step.first)
            await press(app, "escape")
    return {"blocks": blocks, "samples": samples}


def report(result: dict[str, Any], lengths: list[int]) -> str:
    samples, blocks = result["samples"], result["blocks"]
    lines = ["Page length (headless 120×40; ms: median / p95)"]
    for parts in lengths:
        shown = [f"{blocks[parts]:5d} blocks"]
        for what in ("open", "switch"):
            summary = summarize(samples[f"{what} {parts}"])
            shown.append(f"{what} {summary.median * 1000:6.1f} / {summary.p95 * 1000:6.1f}")
        lines.append("  " + "   ".join(shown))
    first, last = lengths[0], lengths[-1]
    for what in ("open", "switch"):
        ratio = summarize(samples[f"{what} {last}"]).median / summarize(samples[f"{what} {first}"]).median
        lines.append(f"  {what}: {blocks[last]} blocks / {blocks[first]} blocks (medians) {ratio:.2f}×")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("--rounds", type=int, default=5, help="openings counted per length")
    parser.add_argument("--lengths", default="10,300,880", help="fill parts (300: 340 blocks, 880: 999)")
    parser.add_argument("--out", type=Path, help="write the raw samples (seconds) as JSON")
    args = parser.parse_args(argv)
    lengths = [int(part) for part in args.lengths.split(",")]
    result = asyncio.run(measure(lengths, args.rounds))
    print(report(result, lengths))
    if args.out:
        args.out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
