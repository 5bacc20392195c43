"""A real HTTP server on 127.0.0.1, in a thread, answering like an Integreat CMS and misbehaving on request.

Routes map a request path (with or without its query) to a JSON body, as in
``shared/conformance/integreat/routes.json``: a path with a query is answered from the exact entry
if there is one, else from the same path without its query; anything else is a 404. Every answer
carries an ETag and a Last-Modified and honours If-None-Match / If-Modified-Since with a 304; an
entry may be a :class:`Reply` with another status and headers (the conformance error bodies).
``fail(mode, path)`` makes one path (or all) misbehave in one of ``FAULTS`` until ``heal()``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Literal, Self
from urllib.parse import unquote, urlsplit

from kiosk.config import Settings
from tests.support.conformance import conformance_dir

Fault = Literal[
    "timeout", "reset", "500", "503", "429", "malformed", "truncated", "wrong_shape", "huge",
    "huge_declared", "gzip_bomb", "redirect_loop", "wrong_type", "drip",
]  # fmt: skip
FAULTS: tuple[Fault, ...] = (
    "timeout", "reset", "500", "503", "429", "malformed", "truncated", "wrong_shape", "huge",
    "huge_declared", "gzip_bomb", "redirect_loop", "wrong_type", "drip",
)  # fmt: skip
HUGE_BYTES = 50 * 1024 * 1024
BOMB_BYTES = 256 * 1024 * 1024
_bomb: bytes | None = None


def gzip_bomb() -> bytes:
    """A small gzip body (about 250 KB) that inflates to 256 MB; built once."""
    global _bomb
    if _bomb is None:
        packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        block = b" " * (1024 * 1024)
        parts = [
            packer.compress(b"["),
            *(packer.compress(block) for _ in range(BOMB_BYTES // len(block))),
            packer.flush(),
        ]
        _bomb = b"".join(parts)
    return _bomb


#: Ports held bound (never listening) for the life of the test process, so no other server gets them.
_REFUSING: list[socket.socket] = []


def free_port_url() -> str:
    """An http:// URL on 127.0.0.1 where nothing listens: connections are refused.

    The port stays bound without listening, so a server started by a test beside this one (another
    pytest worker) cannot take it in the meantime.
    """
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    _REFUSING.append(probe)
    return f"http://127.0.0.1:{probe.getsockname()[1]}"


@dataclass(frozen=True)
class SeenRequest:
    path: str
    headers: dict[str, str]
    at: float
    client: str = ""  # the client's address and port: which connection the request came on


@dataclass(frozen=True)
class Reply:
    """An answer other than a plain 200 JSON body: its status and headers (``Content-Type`` among them)."""

    body: bytes
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()


@dataclass
class _Route:
    body: bytes
    etag: str
    last_modified: str
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()


@dataclass
class _Failure:
    mode: Fault
    retry_after: int | None = None


@dataclass
class ServerState:
    routes: dict[str, _Route] = field(default_factory=dict)
    failures: dict[str | None, _Failure] = field(default_factory=dict)
    seen: list[SeenRequest] = field(default_factory=list)
    validators: Literal["both", "etag", "last_modified", "none"] = "both"
    gzip: bool = False
    stopping: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _route(answer: bytes | Reply, modified: float) -> _Route:
    reply = answer if isinstance(answer, Reply) else Reply(answer)
    body = reply.body
    return _Route(body, f'"{hashlib.sha256(body).hexdigest()[:20]}"', formatdate(modified, usegmt=True),
                  reply.status, reply.headers)  # fmt: skip


def _same(route: _Route, answer: bytes | Reply) -> bool:
    reply = answer if isinstance(answer, Reply) else Reply(answer)
    return (route.body, route.status, route.headers) == (reply.body, reply.status, reply.headers)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # As production servers do (nginx sets TCP_NODELAY): without it, a small body sent after its
    # headers waits for the client's delayed ACK on a kept-alive connection (40 ms).
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet: tests read ``seen`` instead

    def do_GET(self) -> None:
        state = self.server.state
        with state.lock:
            client = "{}:{}".format(*self.client_address[:2])
            state.seen.append(SeenRequest(self.path, dict(self.headers.items()), time.monotonic(), client))
            plain = urlsplit(self.path).path
            failure = state.failures.get(plain) or state.failures.get(None)
            # Routes are written as read ("ö"); a client sends them percent-encoded ("%C3%B6").
            route = next((state.routes[key] for key in (self.path, unquote(self.path), plain, unquote(plain))
                          if key in state.routes), None)  # fmt: skip
        if failure is not None:
            self._misbehave(failure, route)
        elif route is None:
            self._send(404, b'{"detail": "Not found."}')
        else:
            self._answer(route)

    def _answer(self, route: _Route) -> None:
        state = self.server.state
        if route.status != 200:
            extra = dict(route.headers)
            self._send(route.status, route.body, extra.pop("Content-Type", "application/json"), extra)
            return
        headers: dict[str, str] = {}
        if state.validators in ("both", "etag"):
            headers["ETag"] = route.etag
        if state.validators in ("both", "last_modified"):
            headers["Last-Modified"] = route.last_modified
        if self._not_modified(route, headers):
            self._send(304, b"", headers=headers)
            return
        body = route.body
        if state.gzip and "gzip" in self.headers.get("Accept-Encoding", ""):
            body, headers["Content-Encoding"] = gzip.compress(body, 1), "gzip"
        self._send(200, body, headers=headers)

    def _not_modified(self, route: _Route, headers: Mapping[str, str]) -> bool:
        match = self.headers.get("If-None-Match")
        if match is not None and "ETag" in headers:
            return route.etag in (tag.strip() for tag in match.split(","))
        since = self.headers.get("If-Modified-Since")
        if since is not None and "Last-Modified" in headers:
            try:
                return parsedate_to_datetime(route.last_modified) <= parsedate_to_datetime(since)
            except (TypeError, ValueError):
                return False
        return False

    def _send(self, status: int, body: bytes, content_type: str = "application/json",
              headers: Mapping[str, str] | None = None) -> None:  # fmt: skip
        self.send_response(status)
        if status != 304:
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _misbehave(self, failure: _Failure, route: _Route | None) -> None:
        mode, stopping = failure.mode, self.server.state.stopping
        body = route.body if route else b"[]"
        retry = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
        if mode == "timeout":
            stopping.wait(30)
            self.close_connection = True
        elif mode == "reset":
            self.close_connection = True
        elif mode in ("500", "503", "429"):
            self._send(int(mode), b"<h1>Fehler</h1>", "text/html", retry)
        elif mode == "malformed":
            self._send(200, b'[{"id": 1, "title": "Willkommen",, }')
        elif mode == "truncated":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.close_connection = True
        elif mode == "wrong_shape":
            self._send(200, json.dumps({"detail": "Bitte später", "results": None}).encode())
        elif mode == "huge":
            self._stream_huge()
        elif mode == "huge_declared":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(HUGE_BYTES))
            self.end_headers()
            self.close_connection = True
        elif mode == "gzip_bomb":
            self._send(200, gzip_bomb(), headers={"Content-Encoding": "gzip"})
        elif mode == "redirect_loop":
            host = self.headers.get("Host", "127.0.0.1")
            self._send(302, b"", "text/plain", {"Location": f"http://{host}{self.path}"})
        elif mode == "wrong_type":
            self._send(200, b"<html><body>Wartungsarbeiten</body></html>", "text/html; charset=utf-8")
        elif mode == "drip":
            self._drip(body)

    def _stream_huge(self) -> None:
        # Chunked, with no Content-Length: the client has to count while it reads.
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = b"[" + b" " * (1024 * 1024 - 1)
        try:
            for _ in range(HUGE_BYTES // len(chunk)):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                chunk = b" " * len(chunk)
            self.wfile.write(b"1\r\n]\r\n0\r\n\r\n")
        except OSError:
            pass  # the client hung up, as it should
        self.close_connection = True

    def _drip(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            for byte in body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                if self.server.state.stopping.wait(1.0):
                    break
        except OSError:
            pass
        self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    state: ServerState

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client hanging up mid-answer is what several faults are about; not worth a traceback


class ApiServer:
    """The local Integreat-like server; ``with ApiServer(routes) as server: server.url``."""

    def __init__(
        self, routes: Mapping[str, bytes | Reply] | None = None, *, tls: ssl.SSLContext | None = None
    ) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._tls = tls
        if tls is not None:  # https: every accepted connection does its handshake first
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self._server.state = ServerState()
        self.state = self._server.state
        self.set_routes(routes or {})
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="api-server", daemon=True
        )

    @classmethod
    def from_directory(cls, directory: Path) -> ApiServer:
        """Serve the files of a directory by its ``routes.json`` (the conformance layout)."""
        return cls(read_routes(directory))

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{'https' if self._tls else 'http'}://{host!s}:{port}"

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.state.stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        self.stop()

    def set_routes(self, routes: Mapping[str, bytes | Reply]) -> None:
        """Serve these bodies from now on; a changed body gets a new ETag and a later Last-Modified."""
        # Last-Modified counts whole seconds: a change must never share the second of the one before.
        modified = self._modified = max(time.time(), getattr(self, "_modified", 0.0) + 1)
        with self.state.lock:
            old = self.state.routes
            self.state.routes = {
                path: old[path] if path in old and _same(old[path], answer) else _route(answer, modified)
                for path, answer in routes.items()
            }

    def fail(
        self, mode: Fault, paths: str | Iterable[str] | None = None, retry_after: int | None = None
    ) -> None:
        """Misbehave on these paths (query ignored), or on every path when ``paths`` is None."""
        keys: Iterable[str | None] = [paths] if paths is None or isinstance(paths, str) else paths
        if mode == "gzip_bomb":
            gzip_bomb()  # built now, not while a client's deadline runs
        with self.state.lock:
            for key in keys:
                self.state.failures[key] = _Failure(mode, retry_after)

    def heal(self) -> None:
        with self.state.lock:
            self.state.failures.clear()

    def seen(self, path: str | None = None) -> list[SeenRequest]:
        """Requests so far (to ``path``, query ignored, if given)."""
        with self.state.lock:
            return [r for r in self.state.seen if path is None or urlsplit(r.path).path == path]

    def forget_requests(self) -> None:
        with self.state.lock:
            self.state.seen.clear()


def read_routes(directory: Path, table: str = "routes.json") -> dict[str, bytes]:
    """Request path -> body of the plain (200) entries of a routes table; see :func:`read_replies`."""
    replies = read_replies(directory, table)
    return {path: answer for path, answer in replies.items() if isinstance(answer, bytes)}


def read_replies(directory: Path, table: str = "routes.json") -> dict[str, bytes | Reply]:
    """Request path -> answer, from a routes table: ``"file"`` (relative to the table), or
    ``{"status", "file" | "body", "headers"}`` for any other answer."""
    entries = json.loads((directory / table).read_text(encoding="utf-8"))
    answers: dict[str, bytes | Reply] = {}
    for path, entry in entries.items():
        if isinstance(entry, str):
            answers[path] = (directory / entry).read_bytes()
            continue
        body = (directory / entry["file"]).read_bytes() if "file" in entry else entry["body"].encode()
        headers = tuple(sorted(entry.get("headers", {}).items()))
        answers[path] = Reply(body, int(entry.get("status", 200)), headers)
    return answers


# -- for the tests of the client and the sync ---------------------------------------------------


def conformance_routes(name: str = "integreat") -> dict[str, bytes]:
    """The conformance files by route; skips the test when ``shared/`` is not beside the repository."""
    return read_routes(conformance_dir(name))


def sync_settings(
    base_url: str,
    state_dir: Path,
    *,
    region: str = "augsburg",
    languages: Sequence[str] = ("de", "en", "ar", "fa"),
    timeout_s: float = 2.0,
    max_response_mb: int = 2,
) -> Settings:
    """Settings for a sync against the local server, with small timeouts and size limits."""
    return Settings(
        api={
            "base_url": base_url,
            "region": region,
            "timeout_s": timeout_s,
            "max_response_mb": max_response_mb,
        },
        display={"languages": list(languages), "default_language": languages[0]},
        paths={"state_dir": state_dir},
    )
