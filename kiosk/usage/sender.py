"""The sender of visitors' "Was this helpful?" answers: it never gives up.

:class:`FeedbackSender` posts each answer to the content API's feedback endpoint (Integreat CMS v3:
``POST {base}/api/v3/{region}/{language}/feedback/{page|event|poi}/`` with the form fields ``slug``
and ``rating=up|down``) and removes it only after a 2xx answer. Delivery is at least once: the same
answer can arrive twice only if the server took it but its answer was lost (the process died between
the answer and the removal, a timeout, a dropped connection) or the removal could not be written.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote

import httpx

from kiosk.content.text import one_line
from kiosk.sources.integreat.client import CONNECT_TIMEOUT_S, USER_AGENT, retry_after_seconds
from kiosk.store import StoreError
from kiosk.usage.outbox import ENDPOINTS, FeedbackOutbox
from kiosk.usage.store import Feedback, Waiting

log = logging.getLogger(__name__)

BATCH = 20
_LANGUAGE_CODE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")


@dataclass(frozen=True, slots=True)
class Backoff:
    """How patiently to try again: the server failing, or refusing one answer (4xx)."""

    first_wait_s: float = 15.0
    max_wait_s: float = 15 * 60.0
    refused_wait_s: float = 6 * 3600.0
    max_retry_after_s: float = 3600.0

    def server_wait(self, failures: int, rng: Callable[[], float], retry_after: float | None = None) -> float:
        """Seconds to wait after ``failures`` failed rounds in a row: doubling, half of it random."""
        if retry_after is not None:
            return min(retry_after, self.max_retry_after_s)
        ceiling = min(self.max_wait_s, self.first_wait_s * 2.0 ** min(max(failures - 1, 0), 30))
        return ceiling / 2 + rng() * ceiling / 2


@dataclass(frozen=True, slots=True)
class _Answer:
    outcome: Literal["accepted", "failing", "refused"]
    why: str = ""
    retry_after: float | None = None


class FeedbackSender:
    """Sends the outbox in the background: ``await sender.run()`` until cancelled."""

    def __init__(
        self,
        outbox: FeedbackOutbox,
        base_url: str | None,
        *,
        timeout_s: float = 20.0,
        backoff: Backoff | None = None,
        idle_check_s: float = 300.0,
        transport: httpx.AsyncBaseTransport | None = None,
        now: Callable[[], float] = time.time,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.outbox = outbox
        self.store = outbox.store
        self.base_url = base_url.rstrip("/") if base_url else None
        self.timeout_s = timeout_s
        self.backoff = backoff or Backoff()
        self.idle_check_s = idle_check_s
        self._now = now
        self._rng = rng
        self._failures = 0
        self._resume_at = 0.0
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        # No redirects: a POST redirected becomes a GET, and the answer would be lost quietly.
        self._http = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_s, connect=min(CONNECT_TIMEOUT_S, timeout_s)),
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
            transport=transport,
        )

    # -- the loop -----------------------------------------------------------------------------------

    async def run(self) -> None:
        """Send what is due, then sleep until something is due or new; without an API, return at once."""
        if not self.base_url:
            log.info("no content API configured; feedback stays in the outbox (see kiosk stats)")
            await self.aclose()
            return
        self._loop = asyncio.get_running_loop()
        self.outbox.on_new = self.wake
        try:
            while True:
                await self.send_due()
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=await self._sleep_for())
        finally:
            self.outbox.on_new = None
            await self.aclose()

    def wake(self) -> None:
        """New feedback was stored (any thread): send it now, unless the server is being given a rest."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._wake.set)

    async def _sleep_for(self) -> float:
        try:
            due = await asyncio.to_thread(self.store.next_try)
        except StoreError:
            due = None
        if self.outbox.unsaved:
            due = self._now() + self.backoff.first_wait_s
        wake_at = max(due if due is not None else self._now() + self.idle_check_s, self._resume_at)
        return min(max(wake_at - self._now(), 0.05), self.idle_check_s)

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- one round ----------------------------------------------------------------------------------

    async def send_due(self) -> int:
        """Post every answer that is due, oldest first; stop at the first sign the server is failing."""
        if not self.base_url or self._now() < self._resume_at:
            return 0
        if self.outbox.unsaved:
            await asyncio.to_thread(self.outbox.save_unsaved)
        sent = 0
        while True:
            try:
                now = self._now()
                # A wait longer than any the sender sets means the clock went back (a Pi without a
                # real-time clock, before NTP): such answers are due now, not in days.
                horizon = now + 2 * max(self.backoff.refused_wait_s, self.backoff.max_retry_after_s)
                batch = await asyncio.to_thread(self.store.waiting, now, BATCH, or_after=horizon)
            except StoreError as error:
                log.error("feedback outbox unreadable: %s", error)
                return sent
            if not batch:
                return sent
            for item in batch:
                answer = await self._post(item.feedback)
                if not await self._settle(item, answer):
                    return sent
                sent += answer.outcome == "accepted"

    async def _settle(self, item: Waiting, answer: _Answer) -> bool:
        """Record how the answer went; False when this round should stop."""
        name = f"{item.feedback.kind}/{item.feedback.slug}"
        try:
            if answer.outcome == "accepted":
                await asyncio.to_thread(self.store.delivered, item.id)
                if self._failures:
                    log.info("feedback reaches the server again")
                self._failures = 0
                return True
            if answer.outcome == "refused":
                log.warning(
                    "feedback on %s refused by the server (%s); kept, tried again later", name, answer.why
                )
                later = self._now() + self.backoff.refused_wait_s
                await asyncio.to_thread(self.store.postpone, item.id, later, answer.why)
                return True
            self._failures += 1
            wait = self.backoff.server_wait(self._failures, self._rng, answer.retry_after)
            self._resume_at = self._now() + wait
            if self._failures == 1:
                log.warning("feedback cannot be sent (%s); kept in the outbox, trying again", answer.why)
            await asyncio.to_thread(self.store.postpone, item.id, self._resume_at, answer.why)
            return False
        except StoreError:
            # Logged once by the store. An accepted answer that cannot be removed will be sent again:
            # pause, so a broken disk does not turn into a stream of duplicates.
            self._resume_at = self._now() + self.backoff.max_wait_s
            return False

    async def _post(self, feedback: Feedback) -> _Answer:
        endpoint = ENDPOINTS.get(feedback.kind)
        if endpoint is None or not _LANGUAGE_CODE.match(feedback.language):
            return _Answer("refused", f"not sendable: {feedback.kind!r} in {feedback.language!r}")
        url = (f"{self.base_url}/api/v3/{quote(feedback.region, safe='')}/{quote(feedback.language, safe='')}"
               f"/feedback/{endpoint}/")  # fmt: skip
        form = {"slug": feedback.slug, "rating": feedback.rating}
        try:
            async with asyncio.timeout(self.timeout_s):
                async with self._http.stream("POST", url, data=form) as response:
                    status = response.status_code
                    retry_after = retry_after_seconds(response.headers.get("Retry-After"))
        except (TimeoutError, httpx.TimeoutException):
            return _Answer("failing", f"no answer within {self.timeout_s:g} s")
        except httpx.ConnectError as error:
            return _Answer("failing", f"cannot connect: {_why(error)}")
        except httpx.HTTPError as error:
            return _Answer("failing", f"connection failed: {_why(error)}")
        if 200 <= status < 300:
            return _Answer("accepted")
        if status in (408, 425, 429) or status >= 500:
            return _Answer("failing", f"server answered {status}", retry_after if status != 408 else None)
        return _Answer("refused", f"server answered {status}")


def _why(error: BaseException) -> str:
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        cause = cause.__cause__ or cause.__context__
    return one_line(str(error))[:160] or type(error).__name__


__all__ = ["Backoff", "FeedbackSender"]
