"""The sd_notify protocol, written by hand: tell systemd we are ready, alive, reloading or stopping.

A message is one datagram of ``KEY=value`` lines sent to the unix socket named in ``$NOTIFY_SOCKET``
(a path, or ``@name`` for the abstract namespace). Outside systemd every call does nothing.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import time
from collections.abc import Callable, Mapping

log = logging.getLogger(__name__)

#: Line breaks would let a status text smuggle in a second assignment (say ``READY=1``).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_STATUS_MAX = 1000


def monotonic_usec() -> int:
    """CLOCK_MONOTONIC in microseconds, the clock systemd compares ``MONOTONIC_USEC`` against."""
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000


def socket_address(value: str) -> str | bytes | None:
    """The address to send to for a ``$NOTIFY_SOCKET`` value; None when it is empty or unsupported."""
    if value.startswith("/"):
        return value
    if value.startswith("@") and len(value) > 1:
        return b"\0" + value[1:].encode()
    return None


class Notifier:
    """Sends sd_notify messages; a no-op when not started by systemd, and it never raises."""

    def __init__(
        self,
        address: str | bytes | None,
        *,
        watchdog_usec: int | None = None,
        clock_usec: Callable[[], int] = monotonic_usec,
    ) -> None:
        self.address = address
        self._watchdog_usec = watchdog_usec
        self._clock_usec = clock_usec
        self._socket: socket.socket | None = None
        self._failed_once = False

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] = os.environ, *, pid: int | None = None) -> Notifier:
        """Read ``NOTIFY_SOCKET``, ``WATCHDOG_USEC`` and ``WATCHDOG_PID`` (for this process, or ``pid``)."""
        raw = environ.get("NOTIFY_SOCKET", "")
        address = socket_address(raw)
        if raw and address is None:
            log.warning("NOTIFY_SOCKET=%r is not a socket this kiosk can use; not notifying systemd", raw)
        return cls(address, watchdog_usec=_watchdog_usec(environ, os.getpid() if pid is None else pid))

    @property
    def enabled(self) -> bool:
        """True when messages go somewhere, i.e. systemd is listening."""
        return self.address is not None

    def ready(self) -> None:
        """Start-up (or a reload) is complete."""
        self.send("READY=1")

    def status(self, text: str) -> None:
        """One line for ``systemctl status``; control characters become spaces."""
        self.send("STATUS=" + _CONTROL.sub(" ", text)[:_STATUS_MAX])

    def watchdog(self) -> None:
        """Still alive: call at least every :meth:`watchdog_interval` seconds."""
        self.send("WATCHDOG=1")

    def reloading(self) -> None:
        """A reload has begun; send :meth:`ready` when it is done (systemd >= 253 wants the timestamp)."""
        self.send("RELOADING=1", f"MONOTONIC_USEC={self._clock_usec()}")

    def stopping(self) -> None:
        """Shutting down on purpose."""
        self.send("STOPPING=1")

    def watchdog_interval(self) -> float | None:
        """Seconds between :meth:`watchdog` calls (half the timeout); None when no watchdog is set."""
        if not self.enabled or not self._watchdog_usec:
            return None
        return self._watchdog_usec / 2 / 1_000_000

    def send(self, *assignments: str) -> bool:
        """Send ``KEY=value`` lines as one message; True if it was handed to the socket."""
        if self.address is None:
            return False
        payload = "\n".join(assignments).encode("utf-8", "replace")
        try:
            if self._socket is None:
                self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
            # MSG_DONTWAIT: a busy service manager must never freeze the kiosk; a lost ping is harmless.
            self._socket.sendto(payload, socket.MSG_DONTWAIT | socket.MSG_NOSIGNAL, self.address)
        except OSError as exc:
            level = logging.DEBUG if self._failed_once else logging.WARNING
            self._failed_once = True
            log.log(level, "cannot notify systemd via %r: %s", self.address, exc)
            return False
        return True

    def close(self) -> None:
        """Release the socket (a later message opens a new one)."""
        if self._socket is not None:
            self._socket.close()
            self._socket = None


def _watchdog_usec(environ: Mapping[str, str], pid: int) -> int | None:
    # WATCHDOG_PID names the process the watchdog is meant for; a child that inherited the variables
    # must not think the watchdog is its own.
    watchdog_pid = environ.get("WATCHDOG_PID")
    if watchdog_pid and watchdog_pid != str(pid):
        return None
    try:
        usec = int(environ.get("WATCHDOG_USEC", ""))
    except ValueError:
        return None
    return usec if usec > 0 else None
