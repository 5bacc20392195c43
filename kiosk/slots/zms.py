"""Free slots from a ZMS citizen API (it-at-m/eappointment ``zmscitizenapi``, run by Munich and Berlin).

Per service: its name and whether the office wants a captcha (``offices-and-services/``), then the
free days and times. Since release muc46 one route answers both (``available-calendar/``); before,
``available-days[-by-office]/`` told the days and ``available-appointments[-by-office]/`` the times of
one day (the ``-by-office`` forms since muc21). The source asks the newest first and remembers which
one the server has: a route that is gone answers 404 (``notFound``, or an HTML page before muc23),
which is not a refusal. Answers come bare or wrapped as ``{meta, data}``; a refusal is
``{errors: [{errorCode, ...}]}``. Answers are kept for ``cache_s`` seconds, so visitors opening the
screen do not each cost requests. An office that wants a captcha is "online only": the kiosk cannot
and must not solve one, so it says so and offers the booking page instead.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from typing import Any, Literal

import httpx

from kiosk.clock import BERLIN, Clock
from kiosk.config import SlotSettings
from kiosk.slots import FreeDay, SlotAnswer, Unavailable
from kiosk.slots.zms_answers import (
    CAPTCHA,
    NO_SUCH_ROUTE,
    NOTHING_FREE,
    Directory,
    calendar,
    day_of,
    directory,
    error_codes,
    timestamps,
)

log = logging.getLogger(__name__)

USER_AGENT = "lokal-willkommen-kiosk/0.1 (ZMS citizen API client)"
MAX_BYTES = 4 * 1024 * 1024  # offices-and-services of a large city is about 1 MB
MAX_TIMES = 48
#: Days whose times are asked for (on releases before muc46) before giving up on one still ahead today.
DAYS_WITH_TIMES = 2
#: How long a failed answer is kept: long enough not to hammer a server in trouble, short enough
#: that the next visitor may see slots again.
FAILURE_CACHE_S = 60

#: The availability APIs, newest first: one calendar route (muc46-), the by-office pair (muc21-45),
#: the plain pair (before muc21, and kept until muc45).
Api = Literal["calendar", "by_office", "plain"]
APIS: tuple[Api, ...] = ("calendar", "by_office", "plain")
_DAYS_ROUTE = {"by_office": "available-days-by-office/", "plain": "available-days/"}
_TIMES_ROUTE = {"by_office": "available-appointments-by-office/", "plain": "available-appointments/"}
API_NAMES: Mapping[Api, str] = {
    "calendar": "available-calendar/ (muc46 and later)",
    "by_office": "available-days-by-office/ (muc21 to muc45)",
    "plain": "available-days/ (before muc46)",
}


class _Failed(Exception):
    """The question could not be answered: why (for the visitor) and one line for the log."""

    def __init__(self, reason: Unavailable, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


class _Refusal(Exception):
    """The server answered with an ``errors`` list; the caller decides what the codes mean."""

    def __init__(self, codes: tuple[str, ...], status: int) -> None:
        super().__init__(", ".join(codes))
        self.codes = codes
        self.status = status


class _NoRoute(Exception):
    """This deployment does not have the route (an older or a newer zmscitizenapi)."""


class ZmsSlotSource:
    """A :class:`kiosk.slots.SlotSource` over one ZMS citizen API."""

    def __init__(
        self,
        base_url: str,
        *,
        clock: Clock,
        days_ahead: int = 14,
        cache_s: float = 300,
        timeout_s: float = 10,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base_url = base_url.rstrip("/") + "/"
        self.days_ahead = days_ahead
        self.cache_s = cache_s
        self.timeout_s = timeout_s
        self._clock = clock
        self._monotonic = monotonic
        self._answers: dict[tuple[int, int], tuple[float, SlotAnswer]] = {}
        self._directory: tuple[float, Directory] | None = None
        #: The availability API this server answered last; None until one did.
        self.api: Api | None = None
        self._failing = False

    @classmethod
    def from_settings(
        cls, settings: SlotSettings, *, clock: Clock, monotonic: Callable[[], float] = time.monotonic
    ) -> ZmsSlotSource:
        if settings.base_url is None:
            raise ValueError("[slots] base_url is not set")
        return cls(
            settings.base_url,
            clock=clock,
            days_ahead=settings.days_ahead,
            cache_s=settings.cache_s,
            timeout_s=settings.timeout_s,
            monotonic=monotonic,
        )

    async def next_free(self, service_id: int, office_id: int) -> SlotAnswer:
        """The next free days, with times where the server tells them; never raises."""
        key = (service_id, office_id)
        cached = self._answers.get(key)
        now = self._monotonic()
        if cached is not None:
            kept_for = FAILURE_CACHE_S if cached[1].unavailable else self.cache_s
            if now - cached[0] < min(kept_for, self.cache_s):
                return cached[1]
        try:
            # Each request has its own timeout; this bounds the whole conversation as well.
            async with asyncio.timeout(self.timeout_s * 3):
                answer = await self._ask(service_id, office_id)
        except _Failed as failure:
            answer = SlotAnswer(service_id, office_id, unavailable=failure.reason, detail=failure.detail)
        except TimeoutError:
            answer = SlotAnswer(service_id, office_id, unavailable="unreachable", detail="no answer in time")
        except Exception as error:  # a bug here must not take the screen down
            log.exception("free slots: unexpected failure")
            answer = SlotAnswer(service_id, office_id, unavailable="malformed", detail=type(error).__name__)
        self._report(answer)
        self._answers[key] = (self._monotonic(), answer)
        return answer

    def _report(self, answer: SlotAnswer) -> None:
        """One log line when slots stop coming, one when they come back."""
        if answer.unavailable and not self._failing:
            log.warning(
                "free slots unavailable (%s) for service %s: %s",
                answer.unavailable,
                answer.service_id,
                answer.detail,
            )
        elif not answer.unavailable and self._failing:
            log.info("free slots available again")
        self._failing = answer.unavailable is not None

    # -- the conversation ---------------------------------------------------------------------------
    async def _ask(self, service_id: int, office_id: int) -> SlotAnswer:
        timeout = httpx.Timeout(self.timeout_s, connect=min(5.0, self.timeout_s))
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        async with httpx.AsyncClient(
            base_url=self.base_url, timeout=timeout, headers=headers, follow_redirects=False
        ) as client:
            known = await self._known(client)
            name = known.services.get(service_id, "")
            if office_id in known.captcha_offices:
                return SlotAnswer(service_id, office_id, unavailable="online_only", service_name=name,
                                  detail=f"office {office_id} asks for a captcha")  # fmt: skip
            try:
                found, detail = await self._free(client, service_id, office_id)
            except _Failed as failure:
                if failure.reason != "online_only":
                    raise
                return SlotAnswer(service_id, office_id, unavailable="online_only", service_name=name,
                                  detail=failure.detail)  # fmt: skip
            return SlotAnswer(service_id, office_id, tuple(found), service_name=name, detail=detail)

    def _today(self) -> date:
        return self._clock().astimezone(BERLIN).date()

    async def _known(self, client: httpx.AsyncClient) -> Directory:
        """Service names and captcha offices; a nicety, so any failure just leaves them out."""
        if self._directory is not None and self._monotonic() - self._directory[0] < max(self.cache_s, 1):
            return self._directory[1]
        known = Directory()
        try:
            known = directory(await self._get(client, "offices-and-services/", {}))
        except (_Failed, _Refusal, _NoRoute) as problem:
            log.debug("free slots: no office directory (%s)", problem)
        self._directory = (self._monotonic(), known)
        return known

    async def _free(
        self, client: httpx.AsyncClient, service_id: int, office_id: int
    ) -> tuple[list[FreeDay], str]:
        """Free days (and times) from whichever availability API the server has, the known one first."""
        order = APIS if self.api is None else (self.api, *(api for api in APIS if api != self.api))
        for api in order:
            try:
                if api == "calendar":
                    found = await self._from_calendar(client, service_id, office_id)
                else:
                    found = await self._from_days(client, api, service_id, office_id)
            except _NoRoute as missing:
                log.debug("free slots: %s is not offered here", missing)
                continue
            if api != self.api:
                log.info("free slots: this ZMS answers %s", API_NAMES[api])
                self.api = api
            return found
        self.api = None
        tried = "; ".join(API_NAMES.values())
        raise _Failed("refused", f"none of the availability routes exists ({tried})")

    def _window(self) -> tuple[date, date]:
        today = self._today()
        return today, today + timedelta(days=self.days_ahead)

    def _times(self, stamps: list[int], day: date) -> tuple[datetime, ...]:
        now = self._clock()
        moments = {datetime.fromtimestamp(stamp, BERLIN) for stamp in stamps}
        return tuple(sorted(m for m in moments if m.date() == day and m > now))[:MAX_TIMES]

    async def _from_calendar(
        self, client: httpx.AsyncClient, service_id: int, office_id: int
    ) -> tuple[list[FreeDay], str]:
        first, last = self._window()
        params = {
            "officeIds": str(office_id),
            "serviceIds": str(service_id),
            "serviceCounts": "1",
            "startDate": first.isoformat(),
            "endDate": last.isoformat(),
            "slotsStartDate": first.isoformat(),
            "slotsEndDate": last.isoformat(),
        }
        try:
            data = await self._get(client, "available-calendar/", params)
        except _Refusal as refusal:
            if set(refusal.codes) & NOTHING_FREE:
                return [], ""
            raise _Failed("refused", f"available calendar: {refusal}") from None
        days = calendar(data, office_id)
        if days is None:
            raise _Failed("malformed", "available calendar: no availableDays list")
        found: list[FreeDay] = []
        for day in sorted(d for d in days if first <= d <= last):
            times = self._times(days[day], day)
            if times:
                found.append(FreeDay(day, times))
            elif day != first or not days[day]:
                # Today counts only while a time is still ahead (when the server told the times).
                found.append(FreeDay(day))
        return found, ""

    async def _from_days(
        self, client: httpx.AsyncClient, api: Api, service_id: int, office_id: int
    ) -> tuple[list[FreeDay], str]:
        found: list[FreeDay] = []
        detail = ""
        asked = 0
        for day in await self._free_days(client, api, service_id, office_id):
            if asked < DAYS_WITH_TIMES and not any(free.times for free in found):
                asked += 1
                try:
                    times = await self._free_times(client, api, day, service_id, office_id)
                except (_Failed, _NoRoute) as failure:
                    if isinstance(failure, _Failed) and failure.reason == "online_only":
                        raise
                    # The days are still worth showing without their times.
                    detail = f"times: {failure}"
                    found.append(FreeDay(day))
                    asked = DAYS_WITH_TIMES
                    continue
                if times:
                    found.append(FreeDay(day, times))
                elif day != self._today():
                    found.append(FreeDay(day))
                # Today without a time still ahead is no longer a free day.
            else:
                found.append(FreeDay(day))
        return found, detail

    async def _free_days(
        self, client: httpx.AsyncClient, api: Api, service_id: int, office_id: int
    ) -> list[date]:
        first, last = self._window()
        params = {
            "startDate": first.isoformat(),
            "endDate": last.isoformat(),
            "officeId": str(office_id),
            "serviceId": str(service_id),
            "serviceCount": "1",
        }
        try:
            data = await self._get(client, _DAYS_ROUTE[api], params)
        except _Refusal as refusal:
            if set(refusal.codes) & NOTHING_FREE:
                return []
            raise _Failed("refused", f"available days: {refusal}") from None
        raw = data.get("availableDays") if isinstance(data, dict) else None
        if raw is None and isinstance(data, dict) and "availableDays" in data:
            return []
        if not isinstance(raw, list):
            raise _Failed("malformed", "available days: no availableDays list")
        days = {day for day in (day_of(item, office_id) for item in raw) if day is not None}
        return sorted(day for day in days if first <= day <= last)

    async def _free_times(
        self, client: httpx.AsyncClient, api: Api, day: date, service_id: int, office_id: int
    ) -> tuple[datetime, ...]:
        params = {
            "date": day.isoformat(),
            "officeId": str(office_id),
            "serviceId": str(service_id),
            "serviceCount": "1",
        }
        try:
            data = await self._get(client, _TIMES_ROUTE[api], params)
        except _Refusal as refusal:
            if set(refusal.codes) & NOTHING_FREE:
                return ()
            raise _Failed("refused", f"available appointments: {refusal}") from None
        if not isinstance(data, dict):
            raise _Failed("malformed", "available appointments: not an object")
        stamps = timestamps(data, office_id)
        if stamps is None:
            raise _Failed("malformed", "available appointments: no timestamps")
        return self._times(stamps, day)

    # -- HTTP ---------------------------------------------------------------------------------------
    async def _get(self, client: httpx.AsyncClient, route: str, params: Mapping[str, str]) -> Any:
        """The answer's payload (unwrapped from ``{meta, data}``), or one of the exceptions above."""
        try:
            async with client.stream("GET", route, params=dict(params)) as response:
                body = await _read_limited(response, route)
                status = response.status_code
        except httpx.TimeoutException:
            raise _Failed("unreachable", f"{route}: timed out") from None
        except httpx.HTTPError as error:
            raise _Failed("unreachable", f"{route}: {type(error).__name__}") from None
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            data = None
            if status == 200:
                raise _Failed("malformed", f"{route}: not JSON") from None
        codes = error_codes(data)
        if codes:
            if set(codes) & NO_SUCH_ROUTE:
                raise _NoRoute(route)
            if set(codes) & CAPTCHA:
                raise _Failed("online_only", f"{route}: wants a captcha ({', '.join(codes)})")
            if status >= 500 and not set(codes) & NOTHING_FREE:
                raise _Failed("server_error", f"{route}: HTTP {status} ({', '.join(codes)})")
            raise _Refusal(codes, status)
        if status in (404, 405, 501):
            raise _NoRoute(route)
        if status >= 500:
            raise _Failed("server_error", f"{route}: HTTP {status}")
        if status != 200:
            raise _Failed("refused", f"{route}: HTTP {status}")
        if isinstance(data, dict) and "meta" in data and "data" in data:
            return data["data"]
        return data


async def _read_limited(response: httpx.Response, route: str) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > MAX_BYTES:
        raise _Failed("malformed", f"{route}: answer too large")
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > MAX_BYTES:
            raise _Failed("malformed", f"{route}: answer too large")
        chunks.append(chunk)
    return b"".join(chunks)
