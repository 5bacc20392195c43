"""The kiosk session: the service's main process, which runs ``cage -> foot -> kiosk`` and speaks for it.

Why it exists: with ``PAMName=`` (needed for a logind seat session, so cage may use the screen and
input devices) systemd moves the main process into a logind session scope, and every process it
starts belongs to that scope only. systemd then ignores the kiosk's notifications even with
``NotifyAccess=all`` (see PAMName= in systemd.exec(5)), and does not kill the tree on stop. So this
process stays the main PID (``NotifyAccess=main``) and

* passes the kiosk's READY/STATUS/WATCHDOG/RELOADING/STOPPING on to systemd through its own socket,
  ``$RUNTIME_DIRECTORY/notify``, named to the children in ``$NOTIFY_SOCKET``;
* forwards SIGHUP (``systemctl reload kiosk``) to the kiosk: the process that last sent READY=1;
* on SIGTERM (stop) or SIGABRT (watchdog), or when cage exits, ends the kiosk and then cage, with
  SIGKILL for whatever outlives the grace period; cage also gets SIGTERM should this process die;
* exits non-zero when cage ended without being asked to (a killed or crashed kiosk), so systemd
  records a failure rather than "Deactivated successfully".

Run as ``python -m kiosk.ops.session [--stop-timeout S] -- /usr/bin/cage ... -- foot ... -- kiosk``.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import logging
import os
import select
import selectors
import signal
import socket
import struct
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

from kiosk.ops.logging import setup_logging
from kiosk.ops.notify import Notifier

log = logging.getLogger("kiosk.ops.session")  # not __main__ when run with -m

#: What the kiosk may tell systemd through the session; anything else (MAINPID=, FDSTORE=, ...) is dropped.
RELAYED_KEYS = frozenset(
    {"READY", "RELOADING", "STOPPING", "STATUS", "WATCHDOG", "MONOTONIC_USEC", "ERRNO", "EXTEND_TIMEOUT_USEC"}
)
SOCKET_NAME = "notify"
_UCRED = struct.Struct("3i")  # struct ucred: pid, uid, gid
_PR_SET_PDEATHSIG = 1
_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGABRT)
_DESCRIPTION = "Run cage -> foot -> kiosk as the service's main process and relay the kiosk's sd_notify."


def relayed_assignments(datagram: bytes) -> list[str]:
    """The lines of a notify message that may be passed on to systemd."""
    lines = datagram.decode("utf-8", "replace").split("\n")
    return [line for line in lines if line.partition("=")[0] in RELAYED_KEYS and "=" in line]


def unasked_end_status(status: int) -> int:
    """The session's exit status when cage ended without being asked to: never 0.

    Nothing but this session ends cage in production, so an end it did not ask for is a failure
    that monitoring must see. cage 0.1.4 exits 0 even when the kiosk inside foot was killed, which
    systemd would log as "Deactivated successfully"; a signal becomes 128 + its number, as in a shell.
    """
    if status < 0:
        return 128 - status
    return status or 1


def session_environment(
    environ: Mapping[str, str], *, notify_socket: str, watchdog_usec: int | None
) -> dict[str, str]:
    """The environment for cage and everything below it."""
    env = dict(environ)
    env["NOTIFY_SOCKET"] = notify_socket
    env.pop("WATCHDOG_PID", None)  # it names this process; the kiosk must see the watchdog as its own
    if watchdog_usec:
        env["WATCHDOG_USEC"] = str(watchdog_usec)
    else:
        env.pop("WATCHDOG_USEC", None)
    if environ.get("RUNTIME_DIRECTORY"):
        # ProtectHome= hides /run/user, where logind put XDG_RUNTIME_DIR; the Wayland socket goes here.
        env["XDG_RUNTIME_DIR"] = environ["RUNTIME_DIRECTORY"].split(":")[0]
    return env


class NotifyRelay:
    """A notify socket for the session's children; passes their messages on to ``upstream``."""

    def __init__(self, path: Path, upstream: Notifier) -> None:
        self.path = path
        self.upstream = upstream
        path.unlink(missing_ok=True)  # left by a previous run that was killed
        self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_NONBLOCK)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        self.socket.bind(str(path))
        path.chmod(0o600)
        self.kiosk_pidfd: int | None = None
        self.kiosk_pid: int | None = None

    def receive(self) -> None:
        """Handle every queued message: relay the allowed lines, remember who said READY=1."""
        while True:
            try:
                data, ancillary, _flags, _address = self.socket.recvmsg(65536, socket.CMSG_SPACE(_UCRED.size))
            except BlockingIOError:
                return
            sender = _sender_pid(ancillary)
            if sender is None:
                log.warning("dropped a notify message without sender credentials")
                continue
            assignments = relayed_assignments(data)
            if "READY=1" in assignments or self.kiosk_pid is None:
                self._track(sender)
            if assignments:
                self.upstream.send(*assignments)

    def _track(self, pid: int) -> None:
        if pid == self.kiosk_pid:
            return
        try:
            pidfd = os.pidfd_open(pid)
        except OSError:
            return  # gone already
        self.forget_kiosk()
        self.kiosk_pid, self.kiosk_pidfd = pid, pidfd
        log.info("kiosk process is %d", pid)

    def signal_kiosk(self, signum: int) -> bool:
        """Send ``signum`` to the kiosk; False when it is unknown or gone."""
        if self.kiosk_pidfd is None:
            return False
        try:
            signal.pidfd_send_signal(self.kiosk_pidfd, signum)
        except ProcessLookupError:
            return False
        return True

    def forget_kiosk(self) -> None:
        if self.kiosk_pidfd is not None:
            os.close(self.kiosk_pidfd)
        self.kiosk_pid = self.kiosk_pidfd = None

    def close(self) -> None:
        self.forget_kiosk()
        self.socket.close()
        self.path.unlink(missing_ok=True)


def _sender_pid(ancillary: list[tuple[int, int, bytes]]) -> int | None:
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS and len(payload) >= _UCRED.size:
            pid, uid, _gid = _UCRED.unpack_from(payload)
            # Only this user (or root) may speak for the kiosk; the socket's mode already says so.
            return pid if uid in (os.getuid(), 0) else None
    return None


def _exited(pidfd: int, timeout: float) -> bool:
    """Wait up to ``timeout`` seconds for the process behind ``pidfd`` to end."""
    readable, _, _ = select.select([pidfd], [], [], timeout)
    return bool(readable)


def _die_with_parent() -> Callable[[], None]:
    """A preexec function: the child gets SIGTERM when this process dies, even by SIGKILL."""
    libc = ctypes.CDLL(None, use_errno=True)  # loaded before fork: no dlopen in the child
    parent = os.getpid()

    def preexec() -> None:
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return preexec


@contextlib.contextmanager
def _signal_pipe(signals: Sequence[signal.Signals]) -> Iterator[socket.socket]:
    """Deliver ``signals`` as bytes on a socket, so the main loop sees them in its select()."""
    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    previous = {signum: signal.signal(signum, lambda *_: None) for signum in signals}
    old_fd = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    try:
        yield reader
    finally:
        signal.set_wakeup_fd(old_fd)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        reader.close()
        writer.close()


def run_session(
    command: Sequence[str], *, environ: Mapping[str, str] | None = None, stop_timeout: float = 5.0
) -> int:
    """Run ``command`` (cage) as described in the module docstring; returns the exit status."""
    environ = os.environ if environ is None else environ
    upstream = Notifier.from_environ(environ)
    interval = upstream.watchdog_interval()
    status = 127
    with contextlib.ExitStack() as stack:
        runtime = environ.get("RUNTIME_DIRECTORY", "").split(":")[0]
        directory = Path(runtime or stack.enter_context(tempfile.TemporaryDirectory(prefix="kiosk-")))
        relay = NotifyRelay(directory / SOCKET_NAME, upstream)
        stack.callback(relay.close)
        wakeup = stack.enter_context(_signal_pipe([signal.SIGHUP, *_STOP_SIGNALS]))
        env = session_environment(
            environ,
            notify_socket=str(relay.path),
            watchdog_usec=int(interval * 2_000_000) if interval else None,
        )
        upstream.status(f"starting {Path(command[0]).name}")
        try:
            child = subprocess.Popen(command, env=env, preexec_fn=_die_with_parent())
        except OSError as exc:
            log.error("cannot start %s: %s", command[0], exc)
        else:
            status = _supervise(child, Path(command[0]).name, relay, wakeup, stop_timeout)
    return status


def _supervise(
    child: subprocess.Popen[bytes], name: str, relay: NotifyRelay, wakeup: socket.socket, grace: float
) -> int:
    child_fd = os.pidfd_open(child.pid)
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(relay.socket, selectors.EVENT_READ, "notify")
            selector.register(wakeup, selectors.EVENT_READ, "signal")
            selector.register(child_fd, selectors.EVENT_READ, "child")
            while True:
                for key, _ in selector.select():
                    if key.data == "notify":
                        relay.receive()
                    elif key.data == "signal":
                        stop = _handle_signals(_drain(wakeup), relay)
                        if stop is not None:
                            log.info("stopping the kiosk session (%s)", stop.name)
                            relay.upstream.stopping()
                            _end_tree(child, name, relay, grace)
                            return 0
                    else:
                        relay.receive()  # whatever the kiosk said before the end still counts
                        status = child.wait()
                        log.warning("%s exited with status %d; ending the kiosk session", name, status)
                        relay.upstream.stopping()
                        _end_tree(child, name, relay, grace)
                        return unasked_end_status(status)
    finally:
        os.close(child_fd)


def _drain(wakeup: socket.socket) -> bytes:
    try:
        return wakeup.recv(64)
    except BlockingIOError:
        return b""


def _handle_signals(received: bytes, relay: NotifyRelay) -> signal.Signals | None:
    """Act on SIGHUP now; return the stop signal if one arrived."""
    for number in received:
        signum = signal.Signals(number)
        if signum in _STOP_SIGNALS:
            return signum
        if relay.signal_kiosk(signal.SIGHUP):
            log.info("reload: SIGHUP passed on to the kiosk (pid %s)", relay.kiosk_pid)
        else:
            log.warning("reload requested, but the kiosk has not said READY=1 yet; ignored")
    return None


def _end_tree(child: subprocess.Popen[bytes], name: str, relay: NotifyRelay, grace: float) -> None:
    """The kiosk first (so it can finish writing), then cage; SIGKILL after ``grace`` seconds each."""
    pidfd = relay.kiosk_pidfd
    if pidfd is not None and relay.signal_kiosk(signal.SIGTERM) and not _exited(pidfd, grace):
        log.warning("the kiosk did not stop within %.1f s; killing it", grace)
        relay.signal_kiosk(signal.SIGKILL)
    if child.poll() is None:
        child.terminate()
        try:
            child.wait(grace)
        except subprocess.TimeoutExpired:
            log.warning("%s did not stop within %.1f s; killing it", name, grace)
            child.kill()
            child.wait()
    relay.signal_kiosk(signal.SIGKILL)  # still there only if cage's exit did not take it along


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m kiosk.ops.session [--stop-timeout S] -- COMMAND [ARGS...]``."""
    parser = argparse.ArgumentParser(prog="python -m kiosk.ops.session", description=_DESCRIPTION)
    parser.add_argument("--stop-timeout", type=float, default=5.0, help="seconds before SIGKILL (default 5)")
    parser.add_argument("--log-level", default="info")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- cage [ARGS...]")
    options = parser.parse_args(argv)
    command = options.command[1:] if options.command[:1] == ["--"] else options.command
    if not command:
        parser.error("a command to run is required, e.g. -- /usr/bin/cage -d -- /usr/bin/foot -- kiosk")
    setup_logging(options.log_level)
    return run_session(command, stop_timeout=options.stop_timeout)


if __name__ == "__main__":
    sys.exit(main())
