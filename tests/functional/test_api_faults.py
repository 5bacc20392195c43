"""The client against a misbehaving server: calm errors, bounded retries, limits that hold."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from kiosk.sources.integreat.client import (
    FetchError,
    IntegreatClient,
    RetryPolicy,
    Validators,
    retry_after_seconds,
)
from tests.support.api_server import ApiServer, Fault, conformance_routes, free_port_url

PAGES = "/api/v3/augsburg/de/pages/"
FAST = RetryPolicy(attempts=3, first_wait_s=0.001, max_wait_s=0.01, max_retry_after_s=5)


@pytest.fixture
def server() -> Iterator[ApiServer]:
    with ApiServer(conformance_routes()) as running:
        yield running


class Waits(list[float]):
    """Records the waits between attempts instead of sleeping."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


def client(url: str, waits: Waits, timeout_s: float = 0.5, retry: RetryPolicy = FAST) -> IntegreatClient:
    return IntegreatClient(url, "augsburg", timeout_s, 1024 * 1024, retry=retry, sleep=waits)


# fault, what the error says, how many requests the server sees (retried or not)
CASES: list[tuple[Fault, str, int]] = [
    ("timeout", "no complete answer within 0.5 s (3 attempts)", 3),
    ("drip", "no complete answer within 0.5 s (3 attempts)", 3),
    ("reset", "connection failed", 3),
    ("truncated", "connection failed", 3),
    ("500", "server error (500) (3 attempts)", 3),
    ("huge", "response larger than 1 MB", 1),
    ("huge_declared", "response larger than 1 MB", 1),
    ("gzip_bomb", "response larger than 1 MB once decompressed", 1),
    ("redirect_loop", "more than 5 redirects", 6),
    ("wrong_type", "not JSON but 'text/html; charset=utf-8'", 1),
]


@pytest.mark.parametrize(("fault", "message", "requests"), CASES, ids=[case[0] for case in CASES])
async def test_fault_gives_one_clear_error_after_bounded_attempts(
    server: ApiServer, fault: Fault, message: str, requests: int
) -> None:
    server.fail(fault, PAGES)
    waits = Waits()
    async with client(server.url, waits) as api:
        with pytest.raises(FetchError) as caught:
            await api.pages("de")
        assert message in str(caught.value)
        assert len(server.seen(PAGES)) == requests
        assert len(waits) == (2 if requests == 3 else 0)
        assert all(0 <= wait <= FAST.max_wait_s for wait in waits)
        # The other resources are not affected.
        assert (await api.events("de")).body


async def test_connection_refused(tmp_path: object) -> None:
    waits = Waits()
    async with client(free_port_url(), waits) as api:
        with pytest.raises(FetchError, match=r"cannot connect: connection refused \(3 attempts\)"):
            await api.languages()
    assert len(waits) == 2


@pytest.mark.parametrize(
    ("fault", "label"), [("503", "server error (503)"), ("429", "too many requests (429)")]
)
async def test_retry_after_is_honoured_and_capped(server: ApiServer, fault: Fault, label: str) -> None:
    server.fail(fault, PAGES, retry_after=2)
    waits = Waits()
    async with client(server.url, waits) as api:
        with pytest.raises(FetchError, match=label.replace("(", r"\(").replace(")", r"\)")):
            await api.pages("de")
    assert waits == [2.0, 2.0]
    server.fail(fault, PAGES, retry_after=3600)  # an hour: waited only up to the cap
    capped = Waits()
    async with client(server.url, capped) as api:
        with pytest.raises(FetchError):
            await api.pages("de")
    assert capped == [FAST.max_retry_after_s] * 2


async def test_a_passing_failure_is_ridden_out(server: ApiServer) -> None:
    server.fail("503", PAGES)
    waits = Waits()

    async def heal_on_second_wait(seconds: float) -> None:
        await waits(seconds)
        if len(waits) == 2:
            server.heal()

    async with IntegreatClient(
        server.url, "augsburg", 0.5, 1024 * 1024, retry=FAST, sleep=heal_on_second_wait
    ) as api:
        fetched = await api.pages("de")
    assert fetched.body and len(server.seen(PAGES)) == 3


async def test_malformed_and_wrong_shape_bodies_arrive_for_the_parser_to_refuse(server: ApiServer) -> None:
    # The client checks transport and type; judging the JSON is the parser's job (see the sync tests).
    server.fail("malformed", PAGES)
    async with client(server.url, Waits()) as api:
        fetched = await api.pages("de")
    assert fetched.body is not None and fetched.body.startswith(b'[{"id": 1')


async def test_a_404_is_not_retried(server: ApiServer) -> None:
    async with client(server.url, Waits()) as api:
        with pytest.raises(FetchError, match=r"not found \(404\)"):
            await api.pages("fa")
    assert len(server.seen("/api/v3/augsburg/fa/pages/")) == 1


async def test_a_redirect_may_not_leave_tls() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "http://cms.example.org/api/v3/augsburg/languages/"})

    transport = httpx.MockTransport(handler)
    api = IntegreatClient("https://cms.example.org", "augsburg", 1.0, 1024, retry=FAST, transport=transport)
    async with api:
        with pytest.raises(FetchError, match="plain http"):
            await api.languages()


async def test_a_moved_api_is_followed_with_the_same_conditional_request() -> None:
    """A CMS that moved answers from its new address; the validators go along, the Host is the new one."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.host == "old.example.org":  # absolute, to another host
            return httpx.Response(301, headers={"Location": "https://cms.example.org/v3/augsburg/de/pages/"})
        if request.url.path.startswith("/v3/"):  # relative, on the same host
            return httpx.Response(308, headers={"Location": "/api/v3/augsburg/de/pages/"})
        return httpx.Response(304, headers={"ETag": '"new"'})

    transport = httpx.MockTransport(handler)
    api = IntegreatClient("https://old.example.org", "augsburg", 1.0, 1024, retry=FAST, transport=transport)
    async with api:
        fetched = await api.pages("de", Validators(etag='"v1"'))
    assert fetched.unchanged and fetched.validators == Validators(etag='"new"')
    assert [str(request.url) for request in seen] == [
        "https://old.example.org/api/v3/augsburg/de/pages/",
        "https://cms.example.org/v3/augsburg/de/pages/",
        "https://cms.example.org/api/v3/augsburg/de/pages/",
    ]
    assert [request.headers["Host"] for request in seen] == ["old.example.org", *["cms.example.org"] * 2]
    assert {request.headers["If-None-Match"] for request in seen} == {'"v1"'}


async def test_a_proxy_from_the_environment_carries_the_requests(
    server: ApiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lobby PC behind the city's proxy: HTTP_PROXY is honoured (the server here plays the proxy)."""
    for name in (
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
        "http_proxy",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", server.url)
    unreachable = free_port_url()  # asked directly, this would refuse the connection
    async with client(unreachable, Waits()) as api:
        fetched = await api.pages("de")
    assert fetched.body is not None and fetched.body.startswith(b"[")
    # The proxy was asked for the whole address (absolute form), as a proxy is.
    assert [request.path for request in server.seen()] == [f"{unreachable}/api/v3/augsburg/de/pages/"]


def test_retry_after_in_seconds_or_as_a_date() -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 3, 12, 13, 0, tzinfo=UTC)
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds("Thu, 12 Mar 2026 13:01:30 GMT", now) == 90.0
    assert retry_after_seconds("Thu, 12 Mar 2026 12:00:00 GMT", now) == 0.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


async def test_an_unknown_region_is_named_after_both_ways_of_asking(server: ApiServer) -> None:
    async with IntegreatClient(server.url, "nowhere", 0.5, 1024 * 1024, retry=FAST) as api:
        with pytest.raises(FetchError, match="region 'nowhere' not found on this server"):
            await api.languages()
    assert [request.path for request in server.seen()] == [
        "/api/v3/nowhere/languages/",
        "/api/v3/regions/nowhere/",
    ]
