"""Profiles of what a visitor waits for: the cold start and the long (340-block) topic page.

    .venv/bin/python -m benchmarks.profiling [--quick] [--cpus 0] [--tool pyinstrument|cprofile] [--out DIR]

Fills a store as ``make bench`` does (or takes ``--state``), then writes, per profile, a text tree
(``.txt``) and, with pyinstrument, an HTML page (``.html``, open it in a browser) and the session
(``.pyisession``: ``pyinstrument --load FILE``); with cProfile, the stats (``.prof``: ``python -m pstats``).

- ``cold-start``: the ``kiosk`` command in a real 120×40 pty, from before its imports to the first
  frame that shows the welcome screen's office name (the profiler pauses while the harness looks).
- ``long-page-open``: key press -> settled frames of the 340-block page, headless (after one opening
  to warm Textual's caches, as the benchmark counts it).
- ``long-page-language-switch``: the key on the picker -> the long page re-rendered in Ukrainian.

Only the main thread is sampled; wall time, so waiting shows as time in ``select``. Figures under a
profiler are slower than without one: read the shares, not the seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import subprocess
import sys
import tempfile
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, Protocol

REPO = Path(__file__).resolve().parents[1]
Tool = Literal["pyinstrument", "cprofile"]
#: The long page's language switch goes to the second language on the picker (Ukrainian by default:
#: another script's width, and a language not yet shown on that page).
SWITCH_KEY = "3"


class Recorder(Protocol):
    """A profiler that can be paused and resumed, then writes its files beside ``stem``."""

    def start(self) -> None: ...

    def pause(self) -> None: ...

    def write(self, stem: Path, title: str) -> list[Path]: ...


class PyinstrumentRecorder:
    """pyinstrument, sampling the main thread every millisecond (wall time, async-agnostic)."""

    def __init__(self, origin: types.FrameType | None) -> None:
        from pyinstrument import Profiler

        self.profiler = Profiler(interval=0.001, async_mode="disabled")
        self.origin = origin

    def start(self) -> None:
        self.profiler.start(caller_frame=self.origin)

    def pause(self) -> None:
        if self.profiler.is_running:
            self.profiler.stop()

    def write(self, stem: Path, title: str) -> list[Path]:
        self.pause()
        session = self.profiler.last_session
        if session is None:
            raise RuntimeError("the profiler recorded nothing")
        from pyinstrument.renderers import ConsoleRenderer, HTMLRenderer
        from pyinstrument.session import Session

        paths = [stem.with_suffix(".txt"), stem.with_suffix(".html"), stem.with_suffix(".pyisession")]
        session.save(str(paths[2]))
        # Rendered from the saved session, as `pyinstrument --load` shows it: rendered from the live
        # one, a profile started inside a coroutine can come out as its root line alone.
        saved = Session.load(str(paths[2]))
        text = ConsoleRenderer(unicode=True, color=False).render(saved)
        paths[0].write_text(f"{title}\n{text}", encoding="utf-8")
        paths[1].write_text(HTMLRenderer().render(saved), encoding="utf-8")
        return paths


class CProfileRecorder:
    """cProfile: every call, deterministic; heavier than sampling, so the seconds grow more."""

    def __init__(self, origin: types.FrameType | None = None) -> None:
        self.profile = cProfile.Profile()

    def start(self) -> None:
        self.profile.enable()

    def pause(self) -> None:
        self.profile.disable()

    def write(self, stem: Path, title: str) -> list[Path]:
        self.pause()
        paths = [stem.with_suffix(".txt"), stem.with_suffix(".prof")]
        self.profile.dump_stats(paths[1])
        listing = io.StringIO()
        pstats.Stats(self.profile, stream=listing).sort_stats("cumulative").print_stats(60)
        paths[0].write_text(f"{title}\n\n{listing.getvalue()}", encoding="utf-8")
        return paths


def default_tool() -> Tool:
    """pyinstrument where it is installed (the dev dependencies), else cProfile from the standard library."""
    try:
        import pyinstrument  # noqa: F401
    except ImportError:
        return "cprofile"
    return "pyinstrument"


def recorder(tool: Tool, origin: types.FrameType | None = None) -> Recorder:
    return PyinstrumentRecorder(origin) if tool == "pyinstrument" else CProfileRecorder(origin)


# -- the cold start, in a child process in a pty ----------------------------------------------------


def _cold_start_child(stem: Path, tool: Tool) -> int:
    """Run the ``kiosk`` command under the profiler; at the first frame showing the marker, write the
    profile and leave at once (the terminal is the harness's throw-away pty)."""
    from textual.app import App

    from benchmarks.bare_app import MARKER
    from benchmarks.pty_start import FrameWatcher

    profile = recorder(tool, sys._getframe())
    watcher = FrameWatcher(MARKER)
    original = App._display

    def display(app: App[Any], screen: Any, renderable: Any) -> None:
        original(app, screen, renderable)
        profile.pause()  # looking for the marker is the harness's work, not the kiosk's
        render: Callable[[Any], str] | None = getattr(renderable, "render_segments", None)
        if render is not None and not app._batch_count and watcher.feed(render(app.console).encode()):
            took = time.perf_counter() - started
            title = f"cold start: process start (after the profiler's import) -> first frame, {took:.3f} s"
            profile.write(stem, f"{title} under {tool}")
            os._exit(0)
        profile.start()

    App._display = display  # type: ignore[method-assign, assignment]
    started = time.perf_counter()
    profile.start()
    from kiosk.cli import main

    main([])
    return 3  # the kiosk ended without ever showing the welcome screen


def profile_cold_start(state_dir: Path, region: str, out_dir: Path, tool: Tool) -> list[Path]:
    """The ``kiosk`` command on the store in ``state_dir``, profiled in a real pty to its first frame."""
    from benchmarks.pty_start import kiosk_env, run_in_pty

    stem = out_dir / "cold-start"
    with tempfile.TemporaryDirectory(prefix="kiosk-profile-") as work:
        env = kiosk_env(Path(work), state_dir, KIOSK_API__REGION=region)
        command = [sys.executable, "-m", "benchmarks.profiling", "--child-cold-start", str(stem)]
        command += ["--tool", tool]
        code, tail = run_in_pty(command, env={**env, "PYTHONPATH": str(REPO)}, timeout_s=300)
    if code != 0 or not stem.with_suffix(".txt").exists():
        raise RuntimeError(f"the profiled cold start failed ({code}): {tail[-600:]!r}")
    return sorted(out_dir.glob("cold-start.*"))


# -- the long page, headless ------------------------------------------------------------------------


async def _long_page(state_dir: Path, region: str, out_dir: Path, tool: Tool) -> list[Path]:
    from benchmarks.ui_bench import SIZE, relabelled_in, settle_start_up, start_kiosk
    from benchmarks.ui_drive import FrameClock, press, timed_press

    kiosk = start_kiosk(state_dir, region)
    app = kiosk.app
    clock = FrameClock(app)
    clock.install()
    written: list[Path] = []
    async with app.run_test(size=SIZE):
        await settle_start_up(kiosk)
        # welcome -> picker -> home -> topics -> category -> the long page once, back to its category
        for key in ("space", "1", "1", "1", "1", "escape"):
            await press(app, key)
        profile = recorder(tool, sys._getframe())
        profile.start()
        step, screen = await timed_press(app, clock, "1")
        blocks = len(getattr(getattr(screen, "document", None), "blocks", ()))
        took = f"first frame {step.first:.3f} s, settled {step.settled:.3f} s"
        title = f"open the long topic page ({blocks} blocks): {took}"
        written += profile.write(out_dir / "long-page-open", f"{title} under {tool}")
        await press(app, "f2")
        target = kiosk.codes[int(SWITCH_KEY) - 1]
        profile = recorder(tool, sys._getframe())
        profile.start()
        step, screen = await timed_press(app, clock, SWITCH_KEY, relabelled_in(target))
        took = f"first frame {step.first:.3f} s, settled {step.settled:.3f} s"
        title = f"language switch to {target} on the long page: {took}"
        written += profile.write(out_dir / "long-page-language-switch", f"{title} under {tool}")
    kiosk.store.close()
    return written


def profile_long_page(state_dir: Path, region: str, out_dir: Path, tool: Tool) -> list[Path]:
    """Opening the long page, and switching its language, each profiled in this process."""
    return asyncio.run(_long_page(state_dir, region, out_dir, tool))


def profile_all(state_dir: Path, region: str, out_dir: Path, tool: Tool | None = None) -> list[Path]:
    """Every profile, into ``out_dir``; the long page in a child process, so this one stays small."""
    from benchmarks.pty_start import terminal_env

    out_dir.mkdir(parents=True, exist_ok=True)
    chosen = tool or default_tool()
    written = profile_cold_start(state_dir, region, out_dir, chosen)
    command = [sys.executable, "-m", "benchmarks.profiling", "--child-long-page", str(out_dir),
               "--state", str(state_dir), "--region", region, "--tool", chosen]  # fmt: skip
    subprocess.run(command, check=True, cwd=REPO, env=terminal_env())
    return [*written, *sorted(out_dir.glob("long-page-*"))]


def _head(path: Path, lines: int = 45) -> str:
    """The first ``lines`` lines of a text profile, to print."""
    text = path.read_text(encoding="utf-8").splitlines()
    more = f"\n  … {len(text) - lines} more lines in {path}" if len(text) > lines else ""
    return "\n".join(text[:lines]) + more


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.profiling", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    parser.add_argument("--quick", action="store_true", help="500 pages per language instead of 5,000")
    parser.add_argument(
        "--state", type=Path, help="a store filled before (kiosk.devtools.fill), not a new one"
    )
    parser.add_argument("--region", default="benchstadt")
    parser.add_argument(
        "--tool", choices=("pyinstrument", "cprofile"), help="default: pyinstrument if installed"
    )
    parser.add_argument(
        "--cpus", metavar="LIST", help="pinned to these CPUs (taskset style), like benchmarks.run"
    )
    parser.add_argument("--out", type=Path, default=REPO / "bench-profiles", help="default: bench-profiles/")
    parser.add_argument("--child-cold-start", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-long-page", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    tool: Tool = args.tool or default_tool()
    if args.child_cold_start:
        return _cold_start_child(args.child_cold_start, tool)
    if args.child_long_page:
        profile_long_page(args.state, args.region, args.child_long_page, tool)
        return 0
    from benchmarks.cpus import CpuListError, current_affinity, pin

    try:
        affinity = pin(args.cpus) if args.cpus else current_affinity()
    except CpuListError as error:
        parser.error(f"--cpus {error}")
    print(affinity.describe(), file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="kiosk-profile-") as tmp:
        state_dir = args.state
        if state_dir is None:
            from kiosk.devtools.fill import fill_store

            pages = 500 if args.quick else 5000
            print(f"filling a store: {pages} pages × 12 languages", file=sys.stderr)
            state_dir = Path(tmp) / "state"
            fill_store(state_dir, region=args.region, pages=pages, events=pages // 10, places=pages // 25)
        written = profile_all(state_dir, args.region, args.out, tool)
    for path in written:
        if path.suffix == ".txt":
            print(f"\n{_head(path)}")
    print("\nwritten:\n" + "\n".join(f"  {path}" for path in written))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
