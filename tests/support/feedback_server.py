"""A real HTTP server on 127.0.0.1 taking feedback like the Integreat CMS, and failing on request.

``POST /api/v3/{region}/{language}/feedback/{page|event|poi}/`` with the form fields ``slug`` and
``rating`` (up|down) is answered 201 and recorded in ``accepted`` (recorded first, then answered, as
the CMS commits before it answers); a bad rating or missing slug is a 400, a slug not in ``slugs``
(when given) a 404. ``plan([...])`` scripts the next answers, ``fail(mode)`` makes every answer one
of ``FAULTS`` until ``heal()``, and ``chaos(seed, weights)`` picks one at random per request.
"""

from __future__ import annotations

import random
import re
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Literal, Self
from urllib.parse import parse_qs

Mode = Literal["ok", "500", "503", "429", "timeout", "reset"]
FAULTS: tuple[Mode, ...] = ("500", "503", "429", "timeout", "reset")
_PATH = re.compile(r"^/api/v3/(?P<region>[\w-]+)/(?P<language>[\w-]+)/feedback/(?P<kind>page|event|poi)/?$")


@dataclass(frozen=True)
class Received:
    """One feedback the server accepted."""

    region: str
    language: str
    kind: str  # the API's name: page, event or poi
    slug: str
    rating: str


@dataclass
class _State:
    accepted: list[Received] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)  # path and form, as sent
    planned: deque[Mode] = field(default_factory=deque)
    failing: Mode | None = None
    chaos: tuple[random.Random, dict[Mode, float]] | None = None
    slugs: frozenset[str] | None = None
    hang_s: float = 5.0
    retry_after: int | None = None
    stopping: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self._send(405, b'{"error": "Invalid request."}')

    def do_POST(self) -> None:
        state = self.server.state
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace")
        with state.lock:
            state.requests.append(f"{self.path} {body}")
            mode = self._mode(state)
        if mode == "timeout":
            state.stopping.wait(state.hang_s)
            self.close_connection = True
            return
        if mode == "reset":
            self.close_connection = True
            return
        if mode != "ok":
            headers = {"Retry-After": str(state.retry_after)} if state.retry_after is not None else {}
            self._send(int(mode), b"<h1>Fehler</h1>", "text/html", headers)
            return
        self._accept(body)

    def _mode(self, state: _State) -> Mode:
        if state.planned:
            return state.planned.popleft()
        if state.failing is not None:
            return state.failing
        if state.chaos is not None:
            rng, weights = state.chaos
            draw = rng.random()
            for mode, weight in weights.items():
                if draw < weight:
                    return mode
                draw -= weight
        return "ok"

    def _accept(self, body: str) -> None:
        state = self.server.state
        match = _PATH.match(self.path)
        if match is None:
            self._send(404, b'{"error": "Not found."}')
            return
        form = {key: values[-1] for key, values in parse_qs(body).items()}
        rating, slug = form.get("rating"), form.get("slug", "")
        if rating not in ("up", "down") or not slug:
            self._send(400, b'{"error": "Invalid rating."}')
            return
        if state.slugs is not None and slug not in state.slugs:
            self._send(404, b'{"error": "No matching page found for slug."}')
            return
        with state.lock:
            state.accepted.append(Received(match["region"], match["language"], match["kind"], slug, rating))
        self._send(201, b'{"success": "Feedback successfully submitted"}')

    def _send(self, status: int, body: bytes, content_type: str = "application/json",
              headers: dict[str, str] | None = None) -> None:  # fmt: skip
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    state: _State

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that give up mid-request are what the faults are about


class FeedbackServer:
    """``with FeedbackServer() as server: server.url``; ``server.accepted`` lists what arrived."""

    def __init__(self, slugs: set[str] | None = None, *, hang_s: float = 5.0) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self.state = self._server.state = _State(slugs=frozenset(slugs) if slugs is not None else None)
        self.state.hang_s = hang_s
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="feedback-server", daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        self.state.stopping.set()
        self._server.shutdown()
        self._server.server_close()

    @property
    def accepted(self) -> list[Received]:
        with self.state.lock:
            return list(self.state.accepted)

    @property
    def requests(self) -> list[str]:
        with self.state.lock:
            return list(self.state.requests)

    def plan(self, modes: list[Mode]) -> None:
        """Answer the next requests like this, in order; afterwards as before."""
        with self.state.lock:
            self.state.planned.extend(modes)

    def fail(self, mode: Mode, retry_after: int | None = None) -> None:
        with self.state.lock:
            self.state.failing = mode
            self.state.retry_after = retry_after

    def chaos(self, seed: int, weights: dict[Mode, float]) -> None:
        """Answer each request with a fault drawn at random (weights are probabilities), else accept."""
        with self.state.lock:
            self.state.chaos = (random.Random(seed), dict(weights))

    def heal(self) -> None:
        with self.state.lock:
            self.state.failing = None
            self.state.chaos = None
            self.state.planned.clear()
            self.state.retry_after = None
