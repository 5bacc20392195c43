"""The feedback sender against a real local server that fails, hangs, refuses and recovers."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.usage.outbox import FeedbackOutbox
from kiosk.usage.sender import Backoff, FeedbackSender
from kiosk.usage.store import UsageStore
from tests.support.api_server import free_port_url
from tests.support.feedback_server import FeedbackServer, Received

FAST = Backoff(first_wait_s=10, max_wait_s=60, refused_wait_s=3600)


class Now:
    """Epoch seconds the test moves by hand, so backoff never means waiting."""

    def __init__(self) -> None:
        self.t = 1_800_000_000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def server() -> Iterator[FeedbackServer]:
    with FeedbackServer(hang_s=5.0) as running:
        yield running


@pytest.fixture
def outbox(tmp_path: Path) -> Iterator[FeedbackOutbox]:
    store = UsageStore.open(tmp_path)
    yield FeedbackOutbox(store, "dortmund")
    store.close()


def sender_for(outbox: FeedbackOutbox, url: str | None, now: Now, timeout_s: float = 2.0) -> FeedbackSender:
    return FeedbackSender(outbox, url, timeout_s=timeout_s, backoff=FAST, now=now, rng=lambda: 1.0)


async def test_each_kind_goes_to_its_endpoint_as_the_cms_expects(
    server: FeedbackServer, outbox: FeedbackOutbox
) -> None:
    outbox.give("page", "willkommen", "de", "up")
    outbox.give("event", "sprachcafe", "uk", "down")
    outbox.give("place", "lokal-willkommen-westerfilde", "ar", "up")
    sender = sender_for(outbox, server.url, Now())
    assert await sender.send_due() == 3
    await sender.aclose()
    assert server.accepted == [
        Received("dortmund", "de", "page", "willkommen", "up"),
        Received("dortmund", "uk", "event", "sprachcafe", "down"),
        Received("dortmund", "ar", "poi", "lokal-willkommen-westerfilde", "up"),
    ]
    assert server.requests[0] == "/api/v3/dortmund/de/feedback/page/ slug=willkommen&rating=up"
    assert outbox.store.outbox_size() == 0


async def test_server_errors_keep_the_answer_and_back_off_until_it_recovers(
    server: FeedbackServer, outbox: FeedbackOutbox, caplog: pytest.LogCaptureFixture
) -> None:
    outbox.give("page", "kita", "de", "down")
    outbox.give("page", "schule", "de", "up")
    now = Now()
    sender = sender_for(outbox, server.url, now)
    server.fail("500")
    with caplog.at_level(logging.INFO):
        assert await sender.send_due() == 0
        assert len(server.requests) == 1, "one failure ends the round: the server is not hammered"
        assert await sender.send_due() == 0
        assert len(server.requests) == 1, "nothing is sent while backing off"
        now.t += 10  # the first wait
        assert await sender.send_due() == 0
        assert len(server.requests) == 2
        waiting = outbox.store.waiting()
        assert {w.last_error for w in waiting} == {"server answered 500"}
        assert max(w.next_try for w in waiting) == now.t + 20, "the wait doubles"
        server.heal()
        now.t += 20
        assert await sender.send_due() == 2
    await sender.aclose()
    assert sorted(r.slug for r in server.accepted) == ["kita", "schule"]
    assert outbox.store.outbox_size() == 0
    assert sum("cannot be sent" in r.getMessage() for r in caplog.records) == 1, "one line per outage"
    assert "reaches the server again" in caplog.text


async def test_a_server_that_hangs_is_given_up_on_and_tried_again(
    server: FeedbackServer, outbox: FeedbackOutbox
) -> None:
    outbox.give("page", "kita", "de", "up")
    now = Now()
    sender = sender_for(outbox, server.url, now, timeout_s=0.3)
    server.plan(["timeout", "reset"])
    assert await sender.send_due() == 0
    (waiting,) = outbox.store.waiting()
    assert waiting.last_error == "no answer within 0.3 s" and waiting.attempts == 1
    now.t += 60
    assert await sender.send_due() == 0
    assert outbox.store.waiting()[0].last_error.startswith("connection failed")  # type: ignore[union-attr]
    now.t += 60
    assert await sender.send_due() == 1
    await sender.aclose()
    assert [r.slug for r in server.accepted] == ["kita"]


async def test_answers_wait_through_an_outage_and_a_restart(tmp_path: Path, server: FeedbackServer) -> None:
    store = UsageStore.open(tmp_path)
    outbox = FeedbackOutbox(store, "dortmund")
    outbox.give("page", "arbeit", "fa", "up")
    down = sender_for(outbox, free_port_url(), Now())
    assert await down.send_due() == 0
    await down.aclose()
    assert outbox.store.waiting()[0].last_error == "cannot connect: connection refused"
    store.close()

    # The kiosk restarts; the API is reachable again.
    store = UsageStore.open(tmp_path)
    later = Now()
    later.t += 3600
    sender = sender_for(FeedbackOutbox(store, "dortmund"), server.url, later)
    assert await sender.send_due() == 1
    await sender.aclose()
    store.close()
    assert [(r.language, r.slug) for r in server.accepted] == [("fa", "arbeit")]


async def test_a_refused_answer_is_kept_but_does_not_block_the_others(
    outbox: FeedbackOutbox, caplog: pytest.LogCaptureFixture
) -> None:
    with FeedbackServer(slugs={"schule"}) as server:
        outbox.give("page", "geloeschte-seite", "de", "down")
        outbox.give("page", "schule", "de", "up")
        now = Now()
        sender = sender_for(outbox, server.url, now)
        with caplog.at_level(logging.WARNING):
            assert await sender.send_due() == 1
        assert [r.slug for r in server.accepted] == ["schule"]
        (kept,) = outbox.store.waiting()
        assert kept.feedback.slug == "geloeschte-seite" and kept.last_error == "server answered 404"
        assert kept.next_try == now.t + FAST.refused_wait_s
        assert await sender.send_due() == 0 and len(server.requests) == 2, "not retried at once"
        now.t += FAST.refused_wait_s
        assert await sender.send_due() == 0 and len(server.requests) == 3, "but tried again later"
        await sender.aclose()
    assert "refused by the server (server answered 404)" in caplog.text


async def test_retry_after_is_honoured(server: FeedbackServer, outbox: FeedbackOutbox) -> None:
    outbox.give("page", "kita", "de", "up")
    now = Now()
    sender = sender_for(outbox, server.url, now)
    server.fail("429", retry_after=120)
    assert await sender.send_due() == 0
    await sender.aclose()
    assert outbox.store.waiting()[0].next_try == now.t + 120


async def test_without_an_api_feedback_stays_in_the_outbox(outbox: FeedbackOutbox) -> None:
    outbox.give("page", "kita", "de", "up")
    sender = sender_for(outbox, None, Now())
    await asyncio.wait_for(sender.run(), timeout=10)  # returns at once
    assert await sender.send_due() == 0
    assert outbox.store.outbox_size() == 1


async def test_the_running_sender_sends_new_answers_without_waiting_for_its_timer(
    server: FeedbackServer, outbox: FeedbackOutbox
) -> None:
    sender = FeedbackSender(outbox, server.url, timeout_s=2, backoff=FAST, idle_check_s=3600)
    task = asyncio.create_task(sender.run())
    try:
        await asyncio.sleep(0.1)  # the first round finds nothing and goes to sleep for an hour
        await asyncio.to_thread(outbox.give, "page", "kita", "de", "up")  # as the FeedbackBar does
        async with asyncio.timeout(10):
            while not server.accepted:
                await asyncio.sleep(0.02)
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert [r.slug for r in server.accepted] == ["kita"]
    assert outbox.on_new is None, "a stopped sender is no longer woken"


async def test_answers_put_off_by_a_clock_that_went_back_are_sent_now(
    server: FeedbackServer, outbox: FeedbackOutbox
) -> None:
    outbox.give("page", "kita", "de", "up")
    outbox.give("page", "schule", "de", "up")
    now = Now()
    kita, schule = outbox.store.waiting()
    outbox.store.postpone(
        kita.id, now.t + 30 * 86400, "server answered 503"
    )  # set before the clock fell back
    outbox.store.postpone(schule.id, now.t + FAST.refused_wait_s, "server answered 404")  # a real wait
    sender = sender_for(outbox, server.url, now)
    assert await sender.send_due() == 1
    await sender.aclose()
    assert [r.slug for r in server.accepted] == ["kita"]
    assert [w.feedback.slug for w in outbox.store.waiting()] == ["schule"]
