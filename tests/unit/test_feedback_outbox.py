"""The feedback outbox: answers on disk before anyone is thanked, kept through restarts and bad files."""

from __future__ import annotations

import logging
from datetime import date, datetime
from pathlib import Path

import pytest

from kiosk.clock import BERLIN
from kiosk.store import StoreWriteError
from kiosk.usage.outbox import FeedbackOutbox, slug_from_path
from kiosk.usage.sender import Backoff
from kiosk.usage.store import FILE_NAME, Feedback, UsageStore

NOW = datetime(2026, 11, 23, 10, 30, tzinfo=BERLIN)


def open_store(state_dir: Path) -> UsageStore:
    return UsageStore.open(state_dir, clock=lambda: NOW)


@pytest.mark.parametrize(
    ("path", "slug"),
    [
        ("/augsburg/de/willkommen/", "willkommen"),
        ("/dortmund/de/ankommen/anmeldung-beim-buergeramt/", "anmeldung-beim-buergeramt"),
        ("https://integreat.app/dortmund/en/events/sprachcafe", "sprachcafe"),
        ("/dortmund/ar/%D9%85%D8%B1%D8%AD%D8%A8%D8%A7/", "مرحبا"),
        ("/dortmund/de/locations/lokal-willkommen-westerfilde/?x=1", "lokal-willkommen-westerfilde"),
        ("/", ""),
        ("", ""),
    ],
)
def test_the_slug_is_the_last_path_segment(path: str, slug: str) -> None:
    assert slug_from_path(path) == slug


def test_an_answer_survives_closing_and_reopening(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    outbox = FeedbackOutbox(store, "dortmund", clock=lambda: NOW)
    assert outbox.give("page", "willkommen", "de", "up", title="Willkommen") is True
    assert outbox.give("place", "lokal-willkommen-westerfilde", "uk", "down") is True
    store.close()

    again = open_store(tmp_path)
    waiting = again.waiting()
    assert [w.feedback for w in waiting] == [
        Feedback("dortmund", "de", "page", "willkommen", "up"),
        Feedback("dortmund", "uk", "place", "lokal-willkommen-westerfilde", "down"),
    ]
    assert {w.given_hour for w in waiting} == {"2026-11-23 10"}, "nothing finer than the hour"
    counted = {(c.event, c.language, c.item, c.n) for c in again.counts(date(2026, 11, 23))}
    assert counted == {
        ("helpful", "de", "Willkommen", 1),
        ("not_helpful", "uk", "place lokal-willkommen-westerfilde", 1),
    }


def test_the_sender_is_told_about_new_answers(tmp_path: Path) -> None:
    outbox = FeedbackOutbox(open_store(tmp_path), "dortmund")
    woken: list[int] = []
    outbox.on_new = lambda: woken.append(1)
    outbox.give("event", "sprachcafe", "de", "up")
    assert woken == [1]


@pytest.mark.parametrize(
    ("kind", "slug", "rating"), [("page", "", "up"), ("news", "x", "up"), ("page", "x", "meh")]
)
def test_a_malformed_answer_is_a_programming_error(tmp_path: Path, kind: str, slug: str, rating: str) -> None:
    outbox = FeedbackOutbox(open_store(tmp_path), "dortmund")
    with pytest.raises(ValueError):
        outbox.give(kind, slug, "de", rating)  # type: ignore[arg-type]
    assert outbox.store.outbox_size() == 0


def test_an_unwritable_file_keeps_answers_in_memory_until_it_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store(tmp_path)
    outbox = FeedbackOutbox(store, "dortmund")
    real_put = store.put_feedback

    def broken(*args: object, **kwargs: object) -> int:
        raise StoreWriteError("cannot write feedback: disk I/O error")

    monkeypatch.setattr(store, "put_feedback", broken)
    assert outbox.give("page", "kita", "de", "down") is False
    assert outbox.give("page", "schule", "de", "up") is False
    assert outbox.unsaved == 2 and store.outbox_size() == 0
    outbox.save_unsaved()
    assert outbox.unsaved == 2, "still failing: still held"

    monkeypatch.setattr(store, "put_feedback", real_put)
    outbox.save_unsaved()
    assert outbox.unsaved == 0
    assert [w.feedback.slug for w in store.waiting()] == ["kita", "schule"]


def test_a_damaged_file_is_moved_aside_not_deleted(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / FILE_NAME).write_bytes(b"this is not an SQLite file at all" * 200)
    with caplog.at_level(logging.ERROR):
        store = open_store(tmp_path)
    assert store.outbox_size() == 0
    kept = list(tmp_path.glob(f"{FILE_NAME}.corrupt-*"))
    assert len(kept) == 1 and kept[0].read_bytes().startswith(b"this is not")
    assert "damaged" in caplog.text


def test_a_file_that_cannot_be_written_refuses_answers_logged_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = open_store(tmp_path)
    store.read_only = True  # as when the file or its folder is not writable for the kiosk
    outbox = FeedbackOutbox(store, "dortmund")
    with caplog.at_level(logging.ERROR):
        assert outbox.give("page", "kita", "de", "up") is False
        assert outbox.give("page", "kita", "de", "up") is False
    assert sum("cannot write feedback" in r.getMessage() for r in caplog.records) == 1
    assert outbox.unsaved == 2
    store.read_only = False
    outbox.save_unsaved()
    assert store.outbox_size() == 2 and outbox.unsaved == 0


def test_backoff_doubles_up_to_its_cap_and_honours_retry_after() -> None:
    backoff = Backoff(first_wait_s=10, max_wait_s=60)
    highest = [backoff.server_wait(n, lambda: 1.0) for n in range(1, 6)]
    lowest = [backoff.server_wait(n, lambda: 0.0) for n in range(1, 6)]
    assert highest == [10, 20, 40, 60, 60]
    assert lowest == [5, 10, 20, 30, 30], "half of the wait is random, never zero"
    assert backoff.server_wait(3, lambda: 0.5, retry_after=120) == 120
    assert backoff.server_wait(3, lambda: 0.5, retry_after=10**9) == backoff.max_retry_after_s
