"""Usage counting: per hour, anonymous, and never in the way of the kiosk."""

from __future__ import annotations

import logging
import sqlite3
import threading
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kiosk.clock import BERLIN
from kiosk.store import StoreWriteError
from kiosk.usage.counts import Usage
from kiosk.usage.store import CountKey, UsageStore


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def store(tmp_path: Path) -> UsageStore:
    return UsageStore.open(tmp_path)


def stored(store: UsageStore) -> dict[tuple[str, int, str, str, str], int]:
    return {(c.day, c.hour, c.event, c.language, c.item): c.n for c in store.counts()}


def test_counts_are_kept_per_hour_and_add_up_across_writes(store: UsageStore) -> None:
    clock = Clock(datetime(2026, 11, 23, 10, 5, tzinfo=BERLIN))
    usage = Usage(store, clock=clock)
    usage.record("session", language="uk")
    usage.record("topic", language="uk", item="Anmeldung")
    clock.now += timedelta(minutes=50)  # 10:55, the same hour
    usage.record("session", language="ar")
    assert usage.flush()
    clock.now += timedelta(minutes=10)  # 11:05
    usage.record("session", language="uk")
    usage.record("topic", language="uk", item="Anmeldung")
    assert usage.flush()
    assert stored(store) == {
        ("2026-11-23", 10, "session", "uk", ""): 1,
        ("2026-11-23", 10, "session", "ar", ""): 1,
        ("2026-11-23", 10, "topic", "uk", "Anmeldung"): 1,
        ("2026-11-23", 11, "session", "uk", ""): 1,
        ("2026-11-23", 11, "topic", "uk", "Anmeldung"): 1,
    }


def test_hours_are_berlin_hours_even_when_the_clock_is_utc(store: UsageStore) -> None:
    # 23:30 UTC on 31 March is 01:30 the next day in Berlin (summer time).
    usage = Usage(store, clock=lambda: datetime(2026, 3, 31, 23, 30, tzinfo=ZoneInfo("UTC")))
    usage.record("idle_reset")
    usage.flush()
    assert stored(store) == {("2026-04-01", 1, "idle_reset", "", ""): 1}


def test_nothing_about_the_visitor_is_kept_beyond_the_count(store: UsageStore) -> None:
    usage = Usage(store, clock=lambda: datetime(2026, 11, 23, 10, 5, tzinfo=BERLIN))
    usage.record("search", language="de", item="Aufenthaltstitel verlängern Herr Müller")
    usage.record("session", language="de", item="anything")
    usage.record("idle_reset", language="de", item="anything")
    usage.record("qr", item="phone")
    usage.record("visitor_name", item="Anna")  # not a usage event: ignored
    usage.flush()
    assert stored(store) == {
        ("2026-11-23", 10, "search", "", ""): 1,
        ("2026-11-23", 10, "session", "de", ""): 1,
        ("2026-11-23", 10, "idle_reset", "", ""): 1,
        ("2026-11-23", 10, "qr", "", "phone"): 1,
    }
    # No row ids: the file keeps no order in which things happened, so counts cannot be chained.
    db = sqlite3.connect(store.path)
    with pytest.raises(sqlite3.OperationalError):
        db.execute("SELECT rowid FROM usage_counts")
    db.close()


def test_titles_are_stored_inert_and_bounded(store: UsageStore) -> None:
    usage = Usage(store, clock=lambda: datetime(2026, 11, 23, 10, 5, tzinfo=BERLIN))
    usage.record("topic", language="de", item="Kita\x1b[31m rot\n" + "x" * 500)
    usage.flush()
    (count,) = store.counts()
    assert "\x1b" not in count.item and "\n" not in count.item
    assert count.item.startswith("Kita rot") and len(count.item) == 120


def test_a_store_that_cannot_be_written_loses_counts_not_the_kiosk(
    store: UsageStore, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    usage = Usage(store, clock=lambda: datetime(2026, 11, 23, 10, 5, tzinfo=BERLIN))
    real = store.add_counts
    store.read_only = True
    with caplog.at_level(logging.ERROR):
        for _ in range(3):
            usage.record("session", language="de")
            assert usage.flush() is False
    assert sum("usage counts lost" in r.getMessage() for r in caplog.records) == 1, "logged once"

    def explode(counts: object) -> None:
        raise RuntimeError("a bug in the store")

    monkeypatch.setattr(store, "add_counts", explode)
    usage.record("session", language="de")
    assert usage.flush() is False  # even an unexpected error is only lost counts

    monkeypatch.setattr(store, "add_counts", real)
    store.read_only = False
    usage.record("session", language="en")
    assert usage.flush() is True
    assert stored(store) == {("2026-11-23", 10, "session", "en", ""): 1}, "lost counts stay lost"


def test_counting_goes_on_while_a_write_is_stuck(store: UsageStore, monkeypatch: pytest.MonkeyPatch) -> None:
    usage = Usage(store, clock=lambda: datetime(2026, 11, 23, 10, 5, tzinfo=BERLIN))
    release = threading.Event()
    writing = threading.Event()
    real = store.add_counts

    def slow(counts: dict[CountKey, int]) -> None:
        writing.set()
        release.wait(10)
        real(counts)

    monkeypatch.setattr(store, "add_counts", slow)
    usage.record("session", language="de")
    flusher = threading.Thread(target=usage.flush)
    flusher.start()
    assert writing.wait(10)
    counted = threading.Event()

    def visitor() -> None:
        usage.record("session", language="fa")
        counted.set()

    threading.Thread(target=visitor).start()
    try:
        assert counted.wait(10), "record() waited for the disk"
    finally:
        release.set()
        flusher.join(10)
    usage.flush()
    assert sum(c.n for c in store.counts() if c.event == "session") == 2


def test_the_background_writer_writes_and_close_writes_the_rest(tmp_path: Path) -> None:
    store = UsageStore.open(tmp_path)
    usage = Usage(store, clock=lambda: datetime(2026, 11, 23, 10, 5, tzinfo=BERLIN), flush_every_s=3600)
    assert usage.start() is usage
    usage.record("session", language="tr")
    usage.close()
    store.close()
    reader = UsageStore.open(tmp_path)
    assert [(c.event, c.language, c.n) for c in reader.counts(date(2026, 11, 23), date(2026, 11, 23))] == [
        ("session", "tr", 1)
    ]


def test_the_memory_buffer_is_bounded(store: UsageStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kiosk.usage.counts.MAX_BUFFERED_KEYS", 3)
    usage = Usage(store, clock=lambda: datetime(2026, 11, 23, 10, 5, tzinfo=BERLIN))
    for n in range(10):
        usage.record("topic", language="de", item=f"Seite {n}")
    usage.record("topic", language="de", item="Seite 0")  # an existing bucket still counts
    usage.flush()
    assert {c.item: c.n for c in store.counts()} == {"Seite 0": 2, "Seite 1": 1, "Seite 2": 1}


def test_add_counts_reports_a_failed_write(tmp_path: Path) -> None:
    store = UsageStore.open(tmp_path)
    store.read_only = True
    with pytest.raises(StoreWriteError):
        store.add_counts({CountKey("2026-11-23", 10, "session"): 1})


def test_todays_report_includes_what_is_not_yet_written(store: UsageStore) -> None:
    day = date(2026, 11, 23)
    usage = Usage(store, clock=lambda: datetime(2026, 11, 23, 10, 5, tzinfo=BERLIN))
    usage.record("session", language="uk")
    usage.record("language", language="uk")
    usage.record("search")
    report = usage.report(day, day)
    assert report.sessions == 1 and report.languages == {"uk": 1} and report.totals["search"] == 1


def test_a_current_usage_file_is_not_written_to_when_opened(tmp_path: Path) -> None:
    """The kiosk starts often (every boot, every restart): opening a file of the current schema only
    reads it, and what it counts is still there."""
    first = UsageStore.open(tmp_path)
    first.add_counts({CountKey("2026-11-23", 10, "session", "de"): 2})
    first.close()
    wal = tmp_path / "usage.sqlite3-wal"
    assert not wal.exists() or wal.stat().st_size == 0  # the last close checkpointed everything
    again = UsageStore.open(tmp_path)
    try:
        assert not wal.exists() or wal.stat().st_size == 0
        assert stored(again) == {("2026-11-23", 10, "session", "de", ""): 2}
    finally:
        again.close()
