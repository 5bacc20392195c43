"""A fake ZMS citizen API on 127.0.0.1, in a thread: the published answer shapes, and faults on request.

It knows which times are free for which (service, office) and answers ``offices-and-services/`` and
the availability routes of one release from that, as zmscitizenapi does: bare objects (or
``{meta, data}`` with ``wrapped=True``), ``{errors: [...]}`` refusals with the API's error codes.
``release``: "muc47" has only ``available-calendar/`` (the four older routes answer ``notFound``, as
since muc46), "muc45" (the default) the four routes and the ``notFound`` catch-all, "muc20" the two
plain routes and an HTML 404 for the rest (``by_office=False`` says the same). Offices in
``captcha_offices`` say so in ``offices-and-services/`` and refuse availability without a token.
``fail(mode, route)`` makes one route (or all) misbehave until ``heal()``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Literal, Self
from urllib.parse import parse_qs, urlsplit

from kiosk.clock import BERLIN

PREFIX = "/api/citizen"
Fault = Literal["errors", "errors_500", "500", "timeout", "malformed", "wrong_shape"]


def zms_error(code: str, message: str, status: int) -> dict[str, Any]:
    return {"errors": [{"errorCode": code, "errorMessage": message, "statusCode": status}]}


NOTHING_FREE = zms_error("noAppointmentForThisDay", "No available days found for the given criteria.", 404)
BAD_COMBINATION = zms_error(
    "invalidLocationAndServiceCombination", "The provided service(s) do not exist at the given location.", 400
)
CAPTCHA = zms_error("captchaVerificationFailed", "Captcha verification failed.", 400)
INTERNAL = zms_error("internalError", "An internal error occurred. Please try again later.", 500)
NOT_FOUND = zms_error("notFound", "Endpoint not found.", 404)
CAPTCHA_MISSING = zms_error("captchaMissing", "Missing captcha token.", 400)
Release = Literal["muc47", "muc45", "muc20"]


@dataclass
class ZmsState:
    free: dict[tuple[int, int], list[datetime]]
    services: dict[int, str]
    offices: dict[int, str]
    release: Release = "muc45"
    captcha_offices: frozenset[int] = frozenset()
    wrapped: bool = False
    failures: dict[str | None, Fault] = field(default_factory=dict)
    seen: list[str] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        state = self.server.state
        parts = urlsplit(self.path)
        route = parts.path.removeprefix(PREFIX).strip("/")
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        with state.lock:
            state.seen.append(route)
            failure = state.failures.get(route) or state.failures.get(None)
        if failure is not None:
            self._misbehave(failure)
            return
        status, payload = self._answer(state, route, query)
        if payload is None and state.release != "muc20":
            status, payload = 404, NOT_FOUND  # the JSON catch-all for unknown routes, since muc23
        if payload is None:
            self._send(status, b"<html><body><h1>404 Not Found</h1></body></html>", "text/html")
            return
        if state.wrapped and "errors" not in payload:
            payload = {"meta": {"error": False, "generated": "2026-11-23T10:30:00+01:00"}, "data": payload}
        self._send(status, json.dumps(payload).encode())

    def _answer(self, state: ZmsState, route: str, query: Mapping[str, str]) -> tuple[int, Any]:
        if route == "offices-and-services":
            return 200, {
                "offices": [
                    {
                        "id": i,
                        "name": n,
                        "address": {"city": "Dortmund"},
                        "scope": {"id": i, "captchaActivatedRequired": i in state.captcha_offices},
                    }
                    for i, n in state.offices.items()
                ],
                "services": [
                    {"id": i, "name": n, "maxQuantity": 1, "combinable": None}
                    for i, n in state.services.items()
                ],
                "relations": [{"officeId": o, "serviceId": s, "slots": 1} for s, o in state.free],
            }
        if route == "available-calendar":
            return self._calendar(state, query) if state.release == "muc47" else (404, None)
        by_office = route.endswith("-by-office")
        if state.release == "muc47" or (by_office and state.release == "muc20"):
            return 404, None
        base = route.removesuffix("-by-office")
        if base not in ("available-days", "available-appointments"):
            return 404, None
        try:
            key = (int(query["serviceId"]), int(query["officeId"]))
        except (KeyError, ValueError):
            return 400, zms_error("invalidRequest", "Invalid request.", 400)
        if key[1] in state.captcha_offices:
            return 400, CAPTCHA_MISSING
        if key not in state.free:
            return 400, BAD_COMBINATION
        times = sorted(state.free[key])
        if base == "available-days":
            start, end = date.fromisoformat(query["startDate"]), date.fromisoformat(query["endDate"])
            days = sorted({d for d in (t.astimezone(BERLIN).date() for t in times) if start <= d <= end})
            if not days:
                return 404, NOTHING_FREE
            if by_office:
                return 200, {
                    "availableDays": [{"time": d.isoformat(), "providerIDs": str(key[1])} for d in days]
                }
            return 200, {"availableDays": [d.isoformat() for d in days]}
        day = date.fromisoformat(query["date"])
        stamps = [int(t.timestamp()) for t in times if t.astimezone(BERLIN).date() == day]
        if not stamps:
            return 404, NOTHING_FREE
        if by_office:
            return 200, {"offices": [{"officeId": key[1], "appointments": stamps}]}
        return 200, {"appointmentTimestamps": stamps}

    def _calendar(self, state: ZmsState, query: Mapping[str, str]) -> tuple[int, Any]:
        """``available-calendar/`` as since muc46: plural CSV parameters, every day with its times."""
        try:
            office, service = int(query["officeIds"]), int(query["serviceIds"])
            start, end = date.fromisoformat(query["startDate"]), date.fromisoformat(query["endDate"])
        except (KeyError, ValueError):
            return 400, zms_error("invalidRequest", "Invalid request.", 400)
        if office in state.captcha_offices:
            return 400, CAPTCHA_MISSING
        if (service, office) not in state.free:
            return 400, BAD_COMBINATION
        by_day: dict[date, list[int]] = {}
        for moment in sorted(state.free[(service, office)]):
            day = moment.astimezone(BERLIN).date()
            if start <= day <= end:
                by_day.setdefault(day, []).append(int(moment.timestamp()))
        return 200, {
            "startDate": start.isoformat(),
            "endDate": end.isoformat(),
            "availableDays": [
                {"date": d.isoformat(), "providerIDs": str(office),
                 "offices": [{"officeId": str(office), "appointments": stamps}]}
                for d, stamps in sorted(by_day.items())
            ],
        }  # fmt: skip

    def _misbehave(self, mode: Fault) -> None:
        if mode == "timeout":
            self.server.state.stopping.wait(30)
            self.close_connection = True
        elif mode == "errors":
            self._send(400, json.dumps(CAPTCHA).encode())
        elif mode == "errors_500":
            self._send(500, json.dumps(INTERNAL).encode())
        elif mode == "500":
            self._send(500, b"<h1>Internal Server Error</h1>", "text/html")
        elif mode == "malformed":
            self._send(200, b'{"availableDays": [{"time": "2026-11-24",, }')
        elif mode == "wrong_shape":
            self._send(200, b'{"message": "Wartungsarbeiten"}')

    def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: ZmsState) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = state


class ZmsServer:
    """``with ZmsServer(free, services) as zms:`` and point a slot source at ``zms.url``."""

    def __init__(
        self,
        free: Mapping[tuple[int, int], Sequence[datetime]],
        services: Mapping[int, str] | None = None,
        offices: Mapping[int, str] | None = None,
        *,
        by_office: bool = True,
        release: Release = "muc45",
        captcha_offices: frozenset[int] = frozenset(),
        wrapped: bool = False,
    ) -> None:
        self.state = ZmsState(
            {key: list(times) for key, times in free.items()},
            dict(services or {}),
            dict(offices or {}),
            release=release if by_office else "muc20",
            captcha_offices=captcha_offices,
            wrapped=wrapped,
        )
        self._server = _Server(self.state)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{PREFIX}"

    @property
    def seen(self) -> list[str]:
        """The routes asked for so far, in order (without the API prefix and slashes)."""
        with self.state.lock:
            return list(self.state.seen)

    def fail(self, mode: Fault, route: str | None = None) -> None:
        with self.state.lock:
            self.state.failures[route] = mode

    def heal(self) -> None:
        with self.state.lock:
            self.state.failures.clear()

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.state.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
