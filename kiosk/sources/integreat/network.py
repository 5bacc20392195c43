"""The client's sockets on plain asyncio streams instead of anyio: a third of an unchanged round's CPU.

httpcore reaches the network through a backend; its default (anyio) pays for cancel scopes, a
socket attribute table rebuilt for every "is this idle connection still open?" check and a task
group per connection. The kiosk runs on asyncio only, so this backend does the same on asyncio's
own streams: TCP_NODELAY (asyncio's default), happy eyeballs like anyio, TLS with the caller's
context, a deadline per operation, and the errors httpcore expects (httpx turns them into its own).
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx
from httpcore._backends.base import SOCKET_OPTION, AsyncNetworkBackend, AsyncNetworkStream
from httpcore._utils import is_socket_readable

#: As anyio's connect_tcp: try the next address if one has not answered within this time.
HAPPY_EYEBALLS_DELAY_S = 0.25


class AsyncioStream(AsyncNetworkStream):
    """One connection (plain, or TLS after :meth:`start_tls`)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        try:
            async with asyncio.timeout(timeout):
                return await self._reader.read(max_bytes)  # b"" at the end, as httpcore expects
        except TimeoutError:
            raise httpcore.ReadTimeout(f"no data within {timeout:g} s") from None
        except OSError as error:  # reset, TLS errors (ssl.SSLError is one)
            raise httpcore.ReadError(str(error) or type(error).__name__) from error

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        try:
            async with asyncio.timeout(timeout):
                self._writer.write(buffer)
                await self._writer.drain()
        except TimeoutError:
            raise httpcore.WriteTimeout(f"could not send within {timeout:g} s") from None
        except OSError as error:
            raise httpcore.WriteError(str(error) or type(error).__name__) from error

    async def aclose(self) -> None:
        # As anyio does: close (sending what is buffered), one turn of the loop, then abort, so a
        # peer that reads nothing (or never answers a TLS close_notify) cannot hold the close.
        transport = self._writer.transport
        if not transport.is_closing():
            transport.close()
            await asyncio.sleep(0)
        transport.abort()

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                await self._writer.start_tls(
                    ssl_context, server_hostname=server_hostname, ssl_handshake_timeout=timeout
                )
        except TimeoutError:
            await self.aclose()
            raise httpcore.ConnectTimeout(f"no TLS handshake within {timeout:g} s") from None
        except OSError as error:  # certificate refused, handshake failed, connection lost
            await self.aclose()
            raise httpcore.ConnectError(str(error) or type(error).__name__) from error
        return self

    def _readable(self) -> bool:
        """What asyncio has already read tells it without a system call (httpcore asks often: for
        every idle connection, at every request); without that buffer, poll the socket as httpcore does."""
        reader = self._reader
        buffered = getattr(reader, "_buffer", None)  # StreamReader's, since Python 3.4
        if not isinstance(buffered, bytearray):
            return is_socket_readable(self._writer.get_extra_info("socket"))
        return (
            bool(buffered) or reader.at_eof() or reader.exception() is not None or self._writer.is_closing()
        )

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":  # readable while idle: the server closed it (or sent garbage)
            return self._readable()
        if info in ("ssl_object", "socket"):
            return self._writer.get_extra_info(info)
        if info == "client_addr":
            return self._writer.get_extra_info("sockname")
        if info == "server_addr":
            return self._writer.get_extra_info("peername")
        return None


class AsyncioBackend(AsyncNetworkBackend):
    """Opens :class:`AsyncioStream` connections; TCP only (the client needs no Unix sockets)."""

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SOCKET_OPTION] | None = None,
    ) -> AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_connection(
                    host,
                    port,
                    local_addr=(local_address, 0) if local_address else None,
                    happy_eyeballs_delay=HAPPY_EYEBALLS_DELAY_S,
                )
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"no connection within {timeout:g} s") from None
        except OSError as error:  # refused, unreachable, name not known (socket.gaierror is one)
            raise httpcore.ConnectError(str(error) or type(error).__name__) from error
        sock = writer.get_extra_info("socket")
        for option in socket_options or ():
            sock.setsockopt(*option)
        return AsyncioStream(reader, writer)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[SOCKET_OPTION] | None = None
    ) -> AsyncNetworkStream:
        raise httpcore.ConnectError("Unix sockets are not supported by this client")

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class AsyncioTransport(httpx.AsyncHTTPTransport):
    """httpx's HTTP/1.1 transport, its connection pool on :class:`AsyncioBackend`."""

    def __init__(self, ssl_context: ssl.SSLContext, limits: httpx.Limits) -> None:
        super().__init__(verify=ssl_context, limits=limits)
        # The pool httpx builds, the same settings, another backend (httpx offers no parameter for it).
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=AsyncioBackend(),
        )
