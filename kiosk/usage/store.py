"""The usage file: anonymous hourly counts and the feedback outbox, in ``state_dir/usage.sqlite3``.

Kept apart from the content store on purpose. Content can always be fetched again, so a damaged
content file is moved aside and refilled; this file holds the only copy of visitors' feedback until
the server has it. And its small writes must never wait behind a sync committing megabytes of
content. Counts are kept per day and hour in a table without row ids, so the file records no order
of events: nothing links one count to another, and nothing is finer than the hour.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, NamedTuple

from kiosk.clock import BERLIN
from kiosk.store.sqlite import SQLiteFile

log = logging.getLogger(__name__)

FILE_NAME = "usage.sqlite3"
SCHEMA_VERSION = 1
FeedbackKind = Literal["page", "event", "place"]
Rating = Literal["up", "down"]
FEEDBACK_KINDS: tuple[FeedbackKind, ...] = ("page", "event", "place")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS usage_counts (
    day TEXT NOT NULL, hour INTEGER NOT NULL, event TEXT NOT NULL, language TEXT NOT NULL,
    item TEXT NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (day, hour, event, language, item)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS feedback_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    region TEXT NOT NULL, language TEXT NOT NULL, kind TEXT NOT NULL, slug TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    given_hour TEXT NOT NULL,               -- "2026-11-23 10": nothing finer
    attempts INTEGER NOT NULL DEFAULT 0,
    next_try REAL NOT NULL DEFAULT 0,       -- seconds since the epoch: comparable across DST
    last_error TEXT
);
"""
_ADD_COUNT = (
    "INSERT INTO usage_counts (day, hour, event, language, item, n) VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (day, hour, event, language, item) DO UPDATE SET n = n + excluded.n"
)


class CountKey(NamedTuple):
    """One hourly bucket of one kind of event."""

    day: str  # ISO date in Berlin
    hour: int  # 0-23, Berlin
    event: str
    language: str = ""
    item: str = ""

    @classmethod
    def at(cls, when: datetime, event: str, language: str = "", item: str = "") -> CountKey:
        local = when.astimezone(BERLIN)
        return cls(local.date().isoformat(), local.hour, event, language, item)


class HourCount(NamedTuple):
    """A stored count: how often ``event`` happened in one hour."""

    day: str
    hour: int
    event: str
    language: str
    item: str
    n: int


@dataclass(frozen=True, slots=True)
class Feedback:
    """A visitor's answer to "Was this helpful?" about one page, event or place."""

    region: str
    language: str  # the language of the item rated (its slug belongs to that translation)
    kind: FeedbackKind
    slug: str
    rating: Rating


@dataclass(frozen=True, slots=True)
class Waiting:
    """Feedback in the outbox: not yet accepted by the server."""

    id: int
    feedback: Feedback
    given_hour: str
    attempts: int
    next_try: float
    last_error: str | None


class UsageStore(SQLiteFile):
    """The usage file; safe to share between the event loop and worker threads."""

    FILE_NAME = FILE_NAME
    SCHEMA = _SCHEMA
    SCHEMA_VERSION = SCHEMA_VERSION
    # synchronous=FULL (as every file here): feedback is on disk before the visitor is thanked.
    WHAT = "usage file"

    def add_counts(self, counts: Mapping[CountKey, int]) -> None:
        """Add hourly counts in one transaction; raises :class:`StoreWriteError` (logged once)."""
        if not counts:
            return
        with self._transaction("usage counts") as db:
            db.executemany(_ADD_COUNT, [(*key, n) for key, n in counts.items()])

    def put_feedback(self, feedback: Feedback, counted: CountKey) -> int:
        """Put feedback in the outbox and count it in its hour, in one commit; its id once on disk."""
        with self._transaction("feedback") as db:
            cursor = db.execute(
                "INSERT INTO feedback_outbox (region, language, kind, slug, rating, given_hour) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    feedback.region,
                    feedback.language,
                    feedback.kind,
                    feedback.slug,
                    feedback.rating,
                    f"{counted.day} {counted.hour:02d}",
                ),
            )
            db.execute(_ADD_COUNT, (*counted, 1))
            return int(cursor.lastrowid or 0)

    def delivered(self, feedback_id: int) -> None:
        """The server accepted it: out of the outbox."""
        with self._transaction("a delivered feedback") as db:
            db.execute("DELETE FROM feedback_outbox WHERE id = ?", (feedback_id,))

    def postpone(self, feedback_id: int, until: float, error: str) -> None:
        """Not accepted this time: try again at ``until`` (epoch seconds), remembering why."""
        with self._transaction("a feedback's next try") as db:
            db.execute(
                "UPDATE feedback_outbox SET attempts = attempts + 1, next_try = ?, last_error = ? "
                "WHERE id = ?",
                (until, error[:300], feedback_id),
            )

    # -- reading -----------------------------------------------------------------------------------

    def counts(self, first: date | None = None, last: date | None = None) -> list[HourCount]:
        """Stored counts from ``first`` to ``last`` (both included, either open), oldest first."""
        rows = self._query(
            "SELECT day, hour, event, language, item, n FROM usage_counts "
            "WHERE day >= ? AND day <= ? ORDER BY day, hour, event, language, item",
            ((first or date.min).isoformat(), (last or date.max).isoformat()),
        )
        return [HourCount(*row) for row in rows]

    def waiting(
        self, due_before: float | None = None, limit: int = 1000, *, or_after: float | None = None
    ) -> list[Waiting]:
        """Feedback in the outbox, oldest first: all, or that due before ``due_before`` (or set after
        ``or_after``: put off further than any wait the sender sets, as when the clock went back)."""
        rows = self._query(
            "SELECT id, region, language, kind, slug, rating, given_hour, attempts, next_try, last_error "
            "FROM feedback_outbox WHERE next_try <= ? OR next_try > ? ORDER BY next_try, id LIMIT ?",
            (
                float("inf") if due_before is None else due_before,
                float("inf") if or_after is None else or_after,
                limit,
            ),
        )
        return [
            Waiting(row[0], Feedback(row[1], row[2], row[3], row[4], row[5]), row[6], row[7], row[8], row[9])
            for row in rows
        ]

    def next_try(self) -> float | None:
        """When the outbox next has something due (epoch seconds), or None when it is empty."""
        rows = self._query("SELECT min(next_try) FROM feedback_outbox")
        return None if not rows or rows[0][0] is None else float(rows[0][0])

    def outbox_size(self) -> int:
        return int(self._query("SELECT count(*) FROM feedback_outbox")[0][0])


class UsageSink:
    """Where anonymous usage counts go (the statistics in the store); this base records nothing."""

    def record(self, event: str, *, language: str = "", item: str = "") -> None:
        """Count one ``event`` ("session", "language", "topic", "qr", ...) for the current hour."""

    def close(self) -> None:
        """Write what is still held in memory (the process is about to end)."""


__all__ = [
    "FEEDBACK_KINDS",
    "FILE_NAME",
    "CountKey",
    "Feedback",
    "FeedbackKind",
    "HourCount",
    "Rating",
    "UsageSink",
    "UsageStore",
    "Waiting",
]
