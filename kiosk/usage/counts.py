"""Anonymous usage counts: counted in memory by the kiosk, written per hour to the usage file.

``Usage.record`` only adds one to an in-memory counter: it never touches the disk, so counting
never slows the screen. A background thread writes the counters every ``flush_every_s``; a write
that fails loses those counts (logged once per episode), never the kiosk.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime

from kiosk.clock import berlin_now
from kiosk.content.text import one_line
from kiosk.store import StoreError, StoreWriteError
from kiosk.usage.report import UsageReport, build_report
from kiosk.usage.store import CountKey, UsageSink, UsageStore

log = logging.getLogger(__name__)

#: What the kiosk counts; ``item`` is kept only where it says what was looked at, never who.
#: A "speech" is one visitor switching reading aloud on (its language only, never what was read).
EVENTS = frozenset({"session", "language", "topic", "event", "place", "qr", "search", "idle_reset", "speech"})
_WITH_ITEM = frozenset({"topic", "event", "place", "qr"})
_WITH_LANGUAGE = frozenset({"session", "language", "topic", "event", "place", "speech"})
MAX_ITEM_CHARS = 120
#: Distinct hourly buckets held in memory between writes; beyond, counts are dropped (logged once).
MAX_BUFFERED_KEYS = 5000


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


__all__ = ["EVENTS", "Usage"]
