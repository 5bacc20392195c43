"""Free slots from a ZMS citizen API (it-at-m/eappointment ``zmscitizenapi``, run by Munich and Berlin).

Three questions per service: its name (``offices-and-services/``), the days with free appointments
(``available-days-by-office/``, or ``available-days/`` on deployments older than it) and the times on
the first such day (``available-appointments-by-office/`` or ``available-appointments/``). Answers
come bare or wrapped as ``{meta, data}``; a refusal is ``{errors: [{errorCode, errorMessage, ...}]}``.
Answers are kept for ``cache_s`` seconds, so visitors opening the screen do not each cost requests.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

import httpx

from kiosk.clock import BERLIN, Clock
from kiosk.config import SlotSettings
from kiosk.content.text import one_line
from kiosk.slots import FreeDay, SlotAnswer, Unavailable

log = logging.getLogger(__name__)

USER_AGENT = "lokal-willkommen-kiosk/0.1 (ZMS citizen API client)"
MAX_BYTES = 4 * 1024 * 1024  # offices-and-services of a large city is about 1 MB
MAX_TIMES = 48
#: Days whose times are asked for before giving up on finding one still ahead today.
DAYS_WITH_TIMES = 2
#: How long a failed answer is kept: long enough not to hammer a server in trouble, short enough
#: that the next visitor may see slots again.
FAILURE_CACHE_S = 60
NAME_LIMIT = 80
#: Error codes that mean "nothing free", not "something is wrong".
NOTHING_FREE = frozenset({"noAppointmentForThisDay", "noAppointmentsAtLocation", "appointmentNotAvailable"})
#: Error codes a deployment without the route answers with.
NO_SUCH_ROUTE = frozenset({"notImplemented", "requestMethodNotAllowed"})


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
    """This deployment does not have the route (an older zmscitizenapi)."""


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
        self._names: tuple[float, dict[int, str]] | None = None
        #: None until known; False once the by-office routes turned out to be missing.
        self._by_office: bool | None = None
        self._failing = False

    @classmethod
    def from_settings(
        cls, settings: SlotSettings, *, clock: Clock, monotonic: Callable[[], float]
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
        """The next free days, with times for the first; never raises."""
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
            name = (await self._service_names(client)).get(service_id, "")
            days = await self._free_days(client, service_id, office_id)
            found: list[FreeDay] = []
            asked = 0
            detail = ""
            for day in days:
                if asked < DAYS_WITH_TIMES and not any(free.times for free in found):
                    asked += 1
                    try:
                        times = await self._free_times(client, day, service_id, office_id)
                    except _Failed as failure:
                        # The days are still worth showing without their times.
                        detail = f"times: {failure.detail}"
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
            return SlotAnswer(service_id, office_id, tuple(found), service_name=name, detail=detail)

    def _today(self) -> date:
        return self._clock().astimezone(BERLIN).date()

    async def _service_names(self, client: httpx.AsyncClient) -> dict[int, str]:
        """Service ids and names; names are a nicety, so any failure just leaves them out."""
        if self._names is not None and self._monotonic() - self._names[0] < max(self.cache_s, 1):
            return self._names[1]
        names: dict[int, str] = {}
        try:
            data = await self._get(client, "offices-and-services/", {})
            services = data.get("services") if isinstance(data, dict) else None
            for item in services if isinstance(services, list) else []:
                if isinstance(item, dict) and _is_id(item.get("id")) and isinstance(item.get("name"), str):
                    names[int(item["id"])] = one_line(item["name"])[:NAME_LIMIT]
        except (_Failed, _Refusal, _NoRoute) as problem:
            log.debug("free slots: no service names (%s)", problem)
        self._names = (self._monotonic(), names)
        return names

    async def _free_days(self, client: httpx.AsyncClient, service_id: int, office_id: int) -> list[date]:
        today = self._today()
        last = today + timedelta(days=self.days_ahead)
        params = {
            "startDate": today.isoformat(),
            "endDate": last.isoformat(),
            "officeId": str(office_id),
            "serviceId": str(service_id),
            "serviceCount": "1",
        }
        try:
            data = await self._get_either(client, "available-days-by-office/", "available-days/", params)
        except _Refusal as refusal:
            if set(refusal.codes) & NOTHING_FREE:
                return []
            raise _Failed("refused", f"available days: {refusal}") from None
        raw = data.get("availableDays") if isinstance(data, dict) else None
        if raw is None and isinstance(data, dict) and "availableDays" in data:
            return []
        if not isinstance(raw, list):
            raise _Failed("malformed", "available days: no availableDays list")
        days: set[date] = set()
        for item in raw:
            day = _day_of(item, office_id)
            if day is not None and today <= day <= last:
                days.add(day)
        return sorted(days)

    async def _free_times(
        self, client: httpx.AsyncClient, day: date, service_id: int, office_id: int
    ) -> tuple[datetime, ...]:
        params = {
            "date": day.isoformat(),
            "officeId": str(office_id),
            "serviceId": str(service_id),
            "serviceCount": "1",
        }
        try:
            data = await self._get_either(
                client, "available-appointments-by-office/", "available-appointments/", params
            )
        except _Refusal as refusal:
            if set(refusal.codes) & NOTHING_FREE:
                return ()
            raise _Failed("refused", f"available appointments: {refusal}") from None
        if not isinstance(data, dict):
            raise _Failed("malformed", "available appointments: not an object")
        stamps = _timestamps(data, office_id)
        if stamps is None:
            raise _Failed("malformed", "available appointments: no timestamps")
        now = self._clock()
        times = set()
        for stamp in stamps:
            moment = datetime.fromtimestamp(stamp, BERLIN)
            if moment.date() == day and moment > now:
                times.add(moment)
        return tuple(sorted(times))[:MAX_TIMES]

    # -- HTTP ---------------------------------------------------------------------------------------
    async def _get_either(
        self, client: httpx.AsyncClient, by_office: str, plain: str, params: Mapping[str, str]
    ) -> Any:
        if self._by_office is not False:
            try:
                data = await self._get(client, by_office, params)
            except _NoRoute:
                log.info("free slots: %s missing, using %s", by_office, plain)
                self._by_office = False
            else:
                self._by_office = True
                return data
        try:
            return await self._get(client, plain, params)
        except _NoRoute:
            raise _Failed("refused", f"{plain} not found either") from None

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
        errors = data.get("errors") if isinstance(data, dict) else None
        if isinstance(errors, list) and errors:
            codes = tuple(
                one_line(str(e.get("errorCode", "")))[:60] if isinstance(e, dict) else "?" for e in errors
            )
            if set(codes) & NO_SUCH_ROUTE:
                raise _NoRoute(route)
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


def _is_id(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return 0 < value < 2**31
    return isinstance(value, str) and value.isdigit() and 0 < int(value) < 2**31


def _day_of(item: object, office_id: int) -> date | None:
    """A day from ``"2026-03-03"`` or ``{"time": "2026-03-03", "providerIDs": "102522,54261"}``."""
    text = item
    if isinstance(item, dict):
        providers = item.get("providerIDs")
        if isinstance(providers, (str, int)) and str(office_id) not in str(providers).replace(" ", "").split(
            ","
        ):
            return None
        text = item.get("time")
    if not isinstance(text, str):
        return None
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def _timestamps(data: Mapping[str, Any], office_id: int) -> list[int] | None:
    """Epoch seconds from ``{appointmentTimestamps}`` or ``{offices: [{officeId, appointments}]}``."""
    raw: list[object] = []
    if "offices" in data:
        offices = data["offices"]
        if not isinstance(offices, list):
            return None
        for office in offices:
            if not isinstance(office, dict):
                continue
            ident = office.get("officeId", office.get("id"))
            if ident is not None and str(ident) != str(office_id):
                continue
            found = office.get("appointments", office.get("appointmentTimestamps"))
            if isinstance(found, list):
                raw.extend(found)
    elif "appointmentTimestamps" in data:
        value = data["appointmentTimestamps"]
        if value is not None and not isinstance(value, list):
            return None
        raw = list(value or [])
    else:
        return None
    stamps: list[int] = []
    for item in raw:
        if isinstance(item, bool):
            continue
        number = int(item) if isinstance(item, str) and item.isdigit() else item
        # Between 2000 and 2100: anything else is not a real appointment.
        if isinstance(number, int) and 946_684_800 <= number <= 4_102_444_800:
            stamps.append(number)
    return stamps
