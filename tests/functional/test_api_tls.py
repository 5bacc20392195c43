"""The client over TLS and over kept connections, against the real local server.

The client's sockets are its own (plain asyncio, ``kiosk.sources.integreat.network``): these tests
show that it verifies certificates, speaks TLS, asks conditionally there too, and keeps connections
open across answers, also after a 404, so a quiet round does not open a connection per request.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.sources.integreat import client as client_module
from kiosk.sources.integreat.client import FetchError, IntegreatClient, RetryPolicy
from kiosk.sources.integreat.network import AsyncioBackend
from tests.support.api_server import ApiServer, conformance_routes

TLS = Path(__file__).resolve().parents[1] / "support" / "tls"
LANGUAGES = "/api/v3/augsburg/languages/"
CATEGORIES = "/api/v3/augsburg/de/location-categories/"
ONCE = RetryPolicy(attempts=1)


def server_context(name: str) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(TLS / f"{name}.pem", TLS / f"{name}.key")
    return context


@pytest.fixture
def trusting_localhost(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The client trusts only the test certificate authority (``localhost.pem``), as SSL_CERT_FILE says."""
    monkeypatch.setenv("SSL_CERT_FILE", str(TLS / "localhost.pem"))
    client_module._tls_context.cache_clear()
    yield
    client_module._tls_context.cache_clear()


@pytest.mark.usefixtures("trusting_localhost")
async def test_fetches_over_tls_and_asks_conditionally() -> None:
    with ApiServer(conformance_routes(), tls=server_context("localhost")) as server:
        assert server.url.startswith("https://127.0.0.1:")
        async with IntegreatClient(server.url, "augsburg", 5.0, retry=ONCE) as api:
            first = await api.languages()
            assert first.body is not None and b'"code"' in first.body
            again = await api.languages(first.validators)
        assert again.unchanged
        seen = server.seen(LANGUAGES)
        assert [request.headers.get("If-None-Match") for request in seen] == [None, first.validators.etag]
        assert len({request.client for request in seen}) == 1  # one TLS connection for both


@pytest.mark.usefixtures("trusting_localhost")
async def test_refuses_a_certificate_it_does_not_trust() -> None:
    with ApiServer(conformance_routes(), tls=server_context("stranger")) as server:
        async with IntegreatClient(server.url, "augsburg", 5.0, retry=ONCE) as api:
            with pytest.raises(FetchError) as caught:
                await api.languages()
        assert "certificate verify failed" in str(caught.value)
        assert server.seen() == []  # nothing was sent to the stranger


async def test_keeps_the_connection_after_a_404() -> None:
    """An older CMS answers 404 for location categories every round: that must not cost a connection."""
    routes = {path: body for path, body in conformance_routes().items() if "location-categories" not in path}
    with ApiServer(routes) as server:
        async with IntegreatClient(server.url, "augsburg", 5.0, retry=ONCE) as api:
            for _ in range(3):
                missing = await api.location_categories("de")
                assert missing.body == b"[]"
                await api.pages("de")
        seen = server.seen()
        assert len(seen) == 6 and len(server.seen(CATEGORIES)) == 3
        assert len({request.client for request in seen}) == 1


@pytest.mark.parametrize("server_does", ["close", "talk"])
async def test_an_idle_connection_the_server_closed_or_talked_on_is_not_reused(server_does: str) -> None:
    """httpcore asks an idle connection "readable?" before reusing it: yes once the server has closed
    it or sent anything unasked (a late 408, say), never while it is quiet."""
    spoken = asyncio.Event()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await spoken.wait()
        if server_does == "talk":
            writer.write(b"HTTP/1.1 408 Request Timeout\r\n\r\n")
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    stream = await AsyncioBackend().connect_tcp("127.0.0.1", port, timeout=5)
    try:
        for _ in range(20):
            await asyncio.sleep(0.01)
            assert stream.get_extra_info("is_readable") is False  # quiet: fit for the next request
        spoken.set()
        for _ in range(500):  # until asyncio has seen it: generous, not a fixed wait
            if stream.get_extra_info("is_readable"):
                break
            await asyncio.sleep(0.01)
        assert stream.get_extra_info("is_readable") is True
    finally:
        await stream.aclose()
        server.close()
        await server.wait_closed()
