"""An async client for the Integreat CMS API v3 that fails calmly and never trusts what it gets.

It fetches raw JSON bodies; parsing is the caller's (``kiosk.sources.integreat.schema``), so an
unchanged resource (304) costs nothing but the request. Every request has a connect timeout and a
deadline for the whole exchange (a server dripping one byte a second cannot hold it), a size limit
counted while streaming and again after decompression (a gzip bomb is refused early), a limit on
redirects, and bounded retries with exponential backoff and jitter (tenacity) for the failures
that pass: timeouts, lost connections, 5xx and 429, honouring Retry-After up to a cap.
"""

from __future__ import annotations

import asyncio
import email.utils
import functools
import importlib.util
import logging
import math
import ssl
import sys
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Self

import httpx
from tenacity import AsyncRetrying, RetryCallState
from tenacity.wait import wait_random_exponential

from kiosk.sources.integreat.network import AsyncioTransport

log = logging.getLogger(__name__)

USER_AGENT = "lokal-willkommen-kiosk/0.1 (Integreat API v3 client)"
CONNECT_TIMEOUT_S = 5.0
MAX_REDIRECTS = 5
#: An error answer's body is read (and dropped) only this small and this quick, to keep the connection.
DRAIN_BYTES = 64 * 1024
DRAIN_S = 1.0
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})

# httpcore imports sniffio on every request to learn the async library, and falls back to asyncio
# when it is missing; without this marker each failed import searches sys.path again (about 1 ms
# per request). None in sys.modules makes the import fail at once, with the same outcome.
if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
    sys.modules["sniffio"] = None  # type: ignore[assignment]


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """httpx's own verifying context (certifi, or SSL_CERT_FILE/DIR), built once: loading CAs costs ~18 ms."""
    return httpx.create_ssl_context(verify=True)


class FetchError(Exception):
    """A resource could not be fetched; the message is one calm line for logs and reports."""


class NotFound(FetchError):
    """The server has no such resource (404): an unknown region or a language it does not offer."""


class TransientError(FetchError):
    """A failure worth another try: timeout, lost connection, 5xx or 429."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Validators:
    """What the server said identifies a version of a resource, for conditional requests."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass(frozen=True, slots=True)
class Fetched:
    """A response: its body, or None when the server said the resource has not changed (304)."""

    body: bytes | None
    validators: Validators

    @property
    def unchanged(self) -> bool:
        return self.body is None


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently to try again: bounded attempts, full-jitter exponential waits."""

    attempts: int = 3
    first_wait_s: float = 1.0
    max_wait_s: float = 30.0
    max_retry_after_s: float = 120.0


Sleep = Callable[[float], Awaitable[None]]


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds to wait (delta-seconds or an HTTP date), or None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


def _decoder(encoding: str) -> zlib._Decompress | None:
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj(32 + zlib.MAX_WBITS)  # zlib or gzip header, detected
    raise FetchError(f"unsupported content encoding {encoding[:40]!r}")


class IntegreatClient:
    """Fetches ``{base_url}/api/v3/...`` for one region; use as ``async with``."""

    def __init__(
        self,
        base_url: str,
        region: str,
        timeout_s: float = 20.0,
        max_response_bytes: int = 20 * 1024 * 1024,
        *,
        retry: RetryPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.region = region
        self.timeout_s = timeout_s
        self.max_response_bytes = max_response_bytes
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._backoff = wait_random_exponential(multiplier=self.retry.first_wait_s, max=self.retry.max_wait_s)
        self._retrying = AsyncRetrying()  # only what a RetryCallState for the backoff needs
        # Two connections: a language's four requests still overlap with the server's work, and a
        # round pays for two TLS handshakes instead of four (over TLS: 14 -> 12 ms CPU per quiet round).
        limits = httpx.Limits(max_connections=2, max_keepalive_connections=2)
        # Requests go straight to a transport (see _send): the kiosk's own sockets, or the proxy the
        # environment names for a URL (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY), as httpx's
        # client reads them; its per-request auth, cookie and hook machinery is not needed.
        # TLS verification is always on and deliberately not configurable here.
        self._direct = transport or AsyncioTransport(_tls_context(), limits)
        self._http = httpx.AsyncClient(
            verify=_tls_context(),  # for the proxies' transports
            headers={"User-Agent": USER_AGENT, "Accept": "application/json", "Accept-Encoding": "gzip"},
            limits=limits,
        )
        # What every request carries (httpx's defaults merged with ours), and its timeouts: connecting
        # is bounded on its own; everything else by the deadline of the whole exchange (_attempt).
        self._prepared = _Prepared(
            tuple((key.decode("latin-1"), value.decode("latin-1")) for key, value in self._http.headers.raw),
            (("connect", min(CONNECT_TIMEOUT_S, timeout_s)), ("read", None), ("write", None), ("pool", None)),
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        try:
            await self._http.aclose()
        finally:
            await self._direct.aclose()

    # -- the API's resources ---------------------------------------------------------------------

    async def languages(self, validators: Validators | None = None) -> Fetched:
        """The region's languages; from ``regions/{region}/`` if the server lacks ``{region}/languages/``."""
        try:
            return await self.get(f"{self.region}/languages/", validators)
        except NotFound:
            pass
        try:
            return await self.get(f"regions/{self.region}/", validators)
        except NotFound:
            raise NotFound(f"region {self.region!r} not found on this server (404)") from None

    async def pages(self, language: str, validators: Validators | None = None) -> Fetched:
        return await self.get(f"{self.region}/{language}/pages/", validators)

    async def events(self, language: str, validators: Validators | None = None) -> Fetched:
        return await self.get(f"{self.region}/{language}/events/?combine_recurring=True", validators)

    async def locations(self, language: str, validators: Validators | None = None) -> Fetched:
        return await self.get(f"{self.region}/{language}/locations/", validators)

    async def location_categories(self, language: str, validators: Validators | None = None) -> Fetched:
        """The kinds of places; a server without them (404, older CMS versions) answers an empty list."""
        try:
            return await self.get(f"{self.region}/{language}/location-categories/", validators)
        except NotFound:
            return Fetched(b"[]", Validators())

    async def get(self, path: str, validators: Validators | None = None) -> Fetched:
        """GET ``{base}/api/v3/{path}`` with retries; raises :class:`FetchError` with a calm message."""
        sent = validators or Validators()
        request = _request(f"{self.base_url}/api/v3/{path}", sent, self._prepared)
        attempts = max(1, self.retry.attempts)
        # A plain loop, not tenacity's: most requests succeed at once, and a quiet round makes twenty.
        for attempt in range(1, attempts + 1):
            try:
                return await self._attempt(request, sent)
            except TransientError as error:
                if attempt == attempts:
                    raise FetchError(f"{error} ({attempt} attempt{'s' if attempt != 1 else ''})") from None
                # Debug only: the sync logs one line per failure episode, not one per retry.
                log.debug("attempt %d failed (%s); trying again", attempt, error)
                await self._sleep(self._wait(error, attempt))
        raise AssertionError("unreachable: the last attempt returns or raises")

    # -- one attempt -----------------------------------------------------------------------------

    async def _attempt(self, request: httpx.Request, sent: Validators) -> Fetched:
        try:
            async with asyncio.timeout(self.timeout_s):
                return await self._exchange(request, sent)
        except TimeoutError:
            raise TransientError(f"no complete answer within {self.timeout_s:g} s") from None
        except httpx.TimeoutException:
            raise TransientError(f"no complete answer within {self.timeout_s:g} s") from None
        except httpx.ConnectError as error:
            raise TransientError(f"cannot connect: {_why(error)}") from None
        except httpx.TooManyRedirects:
            raise FetchError(f"more than {MAX_REDIRECTS} redirects") from None
        except httpx.TransportError as error:  # connection lost, truncated body, protocol errors
            raise TransientError(f"connection failed: {_why(error)}") from None

    async def _exchange(self, request: httpx.Request, sent: Validators) -> Fetched:
        response = await self._send(request)
        try:
            status = response.status_code
            if status == 304:
                await response.aread()  # nothing to read, but only a finished answer frees the connection
                return Fetched(None, _validators(response) or sent)
            if status == 404:
                await _drain(response)  # an older CMS answers 404 for its categories every round
                raise NotFound("not found (404)")
            if status == 429 or status >= 500:
                retry_after = retry_after_seconds(response.headers.get("Retry-After"))
                label = "too many requests" if status == 429 else "server error"
                raise TransientError(f"{label} ({status})", retry_after)
            if status != 200:
                raise FetchError(f"unexpected answer ({status})")
            content_type = response.headers.get("Content-Type", "")
            if not _is_json(content_type):
                raise FetchError(f"not JSON but {content_type[:60] or 'no content type'!r}")
            body = await self._read(response)
            return Fetched(body, _validators(response) or Validators())
        finally:
            await response.aclose()

    async def _send(self, request: httpx.Request) -> httpx.Response:
        """The answer to ``request``, redirects followed (as httpx would, for a GET without cookies),
        through the transport httpx chooses for each URL; the caller closes it."""
        for _ in range(MAX_REDIRECTS + 1):
            self._refuse_plain_http(request.url)
            response = await self._transport_for(request.url).handle_async_request(request)
            response.request = request
            if not response.has_redirect_location:
                return response
            try:
                await _drain(response)  # a small body is read, so the connection serves the next hop
            finally:
                await response.aclose()
            request = _redirected(request, response)
        raise httpx.TooManyRedirects(f"more than {MAX_REDIRECTS} redirects", request=request)

    def _transport_for(self, url: httpx.URL) -> httpx.AsyncBaseTransport:
        """The proxy's transport if the environment names one for ``url``, else the direct one."""
        chosen = self._http._transport_for_url(url)
        return self._direct if chosen is self._http._transport else chosen

    async def _read(self, response: httpx.Response) -> bytes:
        limit = self.max_response_bytes
        too_large = FetchError(f"response larger than {limit / (1024 * 1024):g} MB")
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise too_large
        decoder = _decoder(response.headers.get("Content-Encoding", ""))
        body = bytearray()
        received = 0
        async for chunk in response.aiter_raw():
            received += len(chunk)
            if received > limit:
                raise too_large
            if decoder is None:
                body += chunk
                continue
            try:
                # Bounded output per call: a small chunk that inflates to gigabytes stops at the limit.
                while chunk:
                    body += decoder.decompress(chunk, limit - len(body) + 1)
                    if len(body) > limit:
                        raise FetchError(f"{too_large} once decompressed")
                    chunk = decoder.unconsumed_tail
            except zlib.error:
                raise FetchError("compressed body is corrupt") from None
        if decoder is not None and not decoder.eof:
            raise TransientError("compressed body ended early")
        return bytes(body)

    # -- policies --------------------------------------------------------------------------------

    def _wait(self, error: TransientError, attempt: int) -> float:
        """Seconds before the next attempt: the server's Retry-After (capped), else full-jitter backoff."""
        if error.retry_after is not None:
            return min(error.retry_after, self.retry.max_retry_after_s)
        state = RetryCallState(self._retrying, None, (), {})
        state.attempt_number = attempt
        wait = self._backoff(state)
        return wait if math.isfinite(wait) else self.retry.max_wait_s

    @staticmethod
    def _refuse_plain_http(url: httpx.URL) -> None:
        """A redirect may not leave TLS (plain http only to this machine, as the settings allow)."""
        if url.scheme != "https" and url.host not in _LOOPBACK:
            raise FetchError("redirected to a plain http:// address; refused")


@dataclass(frozen=True, slots=True)
class _Prepared:
    """What a client puts on every request: its headers (in order) and its timeouts."""

    headers: tuple[tuple[str, str], ...]
    timeouts: tuple[tuple[str, float | None], ...]


@functools.lru_cache(maxsize=256)
def _request(url: str, validators: Validators, prepared: _Prepared) -> httpx.Request:
    """A GET built (URL parsed and checked, headers encoded) once: every round asks for the same
    twenty URLs with the same validators again. Nothing along the way changes a sent request."""
    headers = [*prepared.headers, *validators.headers().items()]
    return httpx.Request("GET", url, headers=headers, extensions={"timeout": dict(prepared.timeouts)})


def _redirected(request: httpx.Request, response: httpx.Response) -> httpx.Request:
    """The GET a redirect asks for, as httpx builds it: the Location resolved against the URL that
    was asked for (keeping its fragment), the same headers but the Host, the same timeouts."""
    try:
        url = httpx.URL(response.headers["Location"])
    except httpx.InvalidURL as error:
        raise httpx.RemoteProtocolError(f"invalid redirect address: {error}", request=request) from None
    if url.scheme and not url.host:  # "absolute" but without a host (httpx issue 771)
        url = url.copy_with(host=request.url.host)
    if url.is_relative_url:
        url = request.url.join(url)
    if request.url.fragment and not url.fragment:
        url = url.copy_with(fragment=request.url.fragment)
    headers = [(key, value) for key, value in request.headers.raw if key.lower() != b"host"]
    return httpx.Request("GET", url, headers=headers, extensions=request.extensions)


async def _drain(response: httpx.Response) -> None:
    """Read a small declared body to its end, so the connection serves the next request instead of
    being closed (a new connection costs more than the request); anything else is left unread."""
    declared = response.headers.get("Content-Length", "")
    if not declared.isdigit() or int(declared) > DRAIN_BYTES:
        return
    try:
        async with asyncio.timeout(DRAIN_S):
            async for _ in response.aiter_raw():
                pass
    except (TimeoutError, httpx.HTTPError):
        pass  # the connection is closed instead: the answer itself is known already


def _validators(response: httpx.Response) -> Validators | None:
    etag = response.headers.get("ETag")
    modified = response.headers.get("Last-Modified")
    return Validators(etag, modified) if etag or modified else None


def _why(error: BaseException) -> str:
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ConnectionRefusedError) or "refused" in str(cause).lower():
            return "connection refused"
        cause = cause.__cause__ or cause.__context__
    text = str(error).strip() or type(error).__name__
    return " ".join(text.split())[:160]


__all__ = [
    "FetchError",
    "Fetched",
    "IntegreatClient",
    "NotFound",
    "RetryPolicy",
    "TransientError",
    "Validators",
    "retry_after_seconds",
]
