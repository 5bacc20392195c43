"""Anonymous usage counts: counted in memory by the kiosk, written per hour to the usage file.

``Usage.record`` only adds one to an in-memory counter: it never touches the disk, so counting
never slows the screen. A background thread writes the counters every ``flush_every_s``; a write
that fails loses those counts (logged once per episode), never the kiosk. ``stats_command`` is
``kiosk stats [--from DATE] [--to DATE] [--csv]``.
"""

from __future__ import annotations

import argparse
import csv
import logging
import sys
import threading
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TextIO

from kiosk.config import ConfigError, load_settings
from kiosk.content.text import one_line
from kiosk.stats_report import UsageReport, build_report, render_table
from kiosk.store import StoreError, StoreWriteError
from kiosk.usage_store import BERLIN, FILE_NAME, CountKey, HourCount, UsageSink, UsageStore

log = logging.getLogger(__name__)

#: What the kiosk counts; ``item`` is kept only where it says what was looked at, never who.
EVENTS = frozenset({"session", "language", "topic", "event", "place", "qr", "search", "idle_reset"})
_WITH_ITEM = frozenset({"topic", "event", "place", "qr"})
_WITH_LANGUAGE = frozenset({"session", "language", "topic", "event", "place"})
MAX_ITEM_CHARS = 120
#: Distinct hourly buckets held in memory between writes; beyond, counts are dropped (logged once).
MAX_BUFFERED_KEYS = 5000


def berlin_now() -> datetime:
    return datetime.now(BERLIN)


class Usage(UsageSink):
    """Counts usage events per hour; pass as ``KioskApp(..., usage=Usage(store).start())``."""

    def __init__(
        self,
        store: UsageStore,
        *,
        clock: Callable[[], datetime] = berlin_now,
        flush_every_s: float = 60.0,
    ) -> None:
        self.store = store
        self.clock = clock
        self.flush_every_s = flush_every_s
        self._pending: Counter[CountKey] = Counter()
        self._lock = threading.Lock()
        self._flushing = threading.Lock()  # one write at a time: the timer's and close()'s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._losing = False
        self._overflowing = False

    def record(self, event: str, *, language: str = "", item: str = "") -> None:
        """Add one to ``event``'s count for this hour; unknown events are ignored."""
        if event not in EVENTS:
            return
        language = language[:16] if event in _WITH_LANGUAGE else ""
        # A search is a count only: whatever was typed is never kept.
        item = one_line(item)[:MAX_ITEM_CHARS] if event in _WITH_ITEM else ""
        key = CountKey.at(self.clock(), event, language, item)
        with self._lock:
            if key not in self._pending and len(self._pending) >= MAX_BUFFERED_KEYS:
                if not self._overflowing:
                    log.warning("usage counts are not being written; dropping new ones")
                self._overflowing = True
                return
            self._pending[key] += 1

    def flush(self) -> bool:
        """Write what was counted since the last write; False if it could not be written (and is lost)."""
        with self._flushing:
            with self._lock:
                pending, self._pending = self._pending, Counter()
                self._overflowing = False
            try:
                self.store.add_counts(pending)
            except (StoreWriteError, StoreError) as error:
                if not self._losing:
                    log.error("usage counts lost, the kiosk carries on: %s", error)
                self._losing = True
                return False
            except Exception:  # counting must never take the kiosk down, whatever breaks
                log.exception("usage counts lost")
                return False
            if self._losing:
                log.info("usage counts are written again")
            self._losing = False
            return True

    def report(self, first: date, last: date) -> UsageReport:
        """The counts from ``first`` to ``last``, with those not yet written (for the staff screen; blocks
        on the file, so call it from a worker thread). Raises StoreError if the file cannot be read."""
        self.flush()
        return build_report(self.store.counts(first, last), self.store.waiting(), first, last)

    def start(self) -> Usage:
        """Write every ``flush_every_s`` from a background thread; returns self."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._write_regularly, name="usage-counts", daemon=True)
            self._thread.start()
        return self

    def close(self) -> None:
        """Stop the background writes and write what is left."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.flush()

    def _write_regularly(self) -> None:
        while not self._stop.wait(self.flush_every_s):
            self.flush()


# -- kiosk stats ----------------------------------------------------------------------------------

#: Spreadsheets run a cell that starts like a formula; a title from the CMS must stay text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str | int) -> str | int:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_csv(rows: list[HourCount], out: TextIO) -> None:
    """One line per hour and counted thing: day, hour, event, language, item, count."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["day", "hour", "event", "language", "item", "count"])
    for row in rows:
        writer.writerow([row.day, row.hour, _cell(row.event), _cell(row.language), _cell(row.item), row.n])


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD)") from None


def stats_command(args: list[str], *, today: date | None = None, out: TextIO | None = None) -> int:
    """``kiosk stats [--from DATE] [--to DATE] [--csv]``: 0 shown, 2 bad arguments or configuration."""
    out = out or sys.stdout
    parser = argparse.ArgumentParser(
        prog="kiosk stats",
        description="Anonymous usage of the kiosk: sessions, languages, topics, busy hours, feedback.",
    )
    parser.add_argument(
        "--from", dest="first", type=_date, metavar="DATE", help="first day (default: 30 days ago)"
    )
    parser.add_argument("--to", dest="last", type=_date, metavar="DATE", help="last day (default: today)")
    parser.add_argument("--csv", action="store_true", help="hourly counts as CSV, for a spreadsheet")
    try:
        options = parser.parse_args(args)
    except SystemExit as stop:
        return 0 if stop.code == 0 else 2
    last: date = options.last or today or berlin_now().date()
    first: date = options.first or last - timedelta(days=29)
    if first > last:
        print(f"kiosk stats: --from {first} is after --to {last}", file=sys.stderr)
        return 2
    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"kiosk stats: {error}", file=sys.stderr)
        return 2
    if not (settings.paths.state_dir / FILE_NAME).exists():
        rows, waiting = [], []
    else:
        try:
            store = UsageStore.open(settings.paths.state_dir)
            try:
                rows, waiting = store.counts(first, last), store.waiting()
            finally:
                store.close()
        except StoreError as error:
            print(f"kiosk stats: {error}", file=sys.stderr)
            return 1
    if options.csv:
        write_csv(rows, out)
    else:
        out.write(render_table(build_report(rows, waiting, first, last)))
    return 0


__all__ = ["EVENTS", "Usage", "stats_command", "write_csv"]
