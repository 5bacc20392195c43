"""Cold start in a real terminal: process start to the first frame that shows a given text.

The program runs on the slave side of a pseudo-terminal of a fixed size, as it would under foot;
the harness reads the master side, strips the terminal's control sequences and stops the clock
when the visible text contains the marker (e.g. the office name on the welcome screen).
"""

from __future__ import annotations

import codecs
import fcntl
import os
import re
import select
import struct
import subprocess
import termios
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

# CSI (cursor moves, colours, modes), OSC (titles, clipboard; ended by BEL or ST), DCS/APC/PM/SOS
# strings, then any other two-byte escape. Order matters: strings before the two-byte catch-all.
_CONTROL = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
    r"|\x1b[P_^X][^\x1b]*\x1b\\"
    r"|\x1b[@-Z\\-_]"
    r"|[\x00-\x08\x0b-\x1f\x7f]"
)
#: An escape sequence cut off at the end of a read: kept back until the rest arrives.
_PARTIAL = re.compile(r"\x1b(?:\[[0-?]*[ -/]*|\][^\x07\x1b]*|[P_^X][^\x1b]*)?\Z")
#: Sequences that move the cursor: text on either side is not side by side on the screen.
_MOVE = re.compile(r"\x1b\[[0-9;]*[A-HJKdf]|[\r\n]")


def strip_terminal_codes(text: str) -> str:
    """The visible text of ``text``: control sequences dropped, cursor moves as line breaks."""
    return _CONTROL.sub("", _MOVE.sub("\n", text))


class FrameWatcher:
    """Fed the raw bytes of a terminal stream in pieces; tells when ``marker`` has become visible.

    Pieces may split UTF-8 characters, escape sequences and the marker itself anywhere.
    """

    def __init__(self, marker: str) -> None:
        if not marker:
            raise ValueError("an empty marker would match before anything is drawn")
        self.marker = marker
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""
        self._visible = ""
        self.seen = False
        self.bytes_read = 0

    def feed(self, data: bytes) -> bool:
        """Take the next piece of output; True once the marker has been seen."""
        self.bytes_read += len(data)
        if self.seen:
            return True
        text = self._pending + self._decoder.decode(data)
        partial = _PARTIAL.search(text)
        cut = partial.start() if partial else len(text)
        self._pending = text[cut:]
        # Only the tail can still complete a marker that began in an earlier piece.
        self._visible = self._visible[-len(self.marker) :] + strip_terminal_codes(text[:cut])
        self.seen = self.marker in self._visible
        return self.seen


@dataclass(frozen=True)
class FirstFrame:
    """One cold start: seconds to the marker, and the process's peak RSS then (MiB, None if unknown)."""

    seconds: float
    peak_rss_mib: float | None
    bytes_read: int


class NoFirstFrame(Exception):
    """The program exited or timed out before showing the marker; the message has its last output."""


def peak_rss_mib(pid: int | None = None) -> float | None:
    """VmHWM (peak RSS) of a running process, this one if None, in MiB; None if it cannot be read."""
    try:
        for line in Path(f"/proc/{pid or 'self'}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _set_size(fd: int, columns: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))


def first_frame(
    command: Sequence[str],
    marker: str,
    *,
    env: Mapping[str, str] | None = None,
    size: tuple[int, int] = (120, 40),
    timeout_s: float = 60.0,
) -> FirstFrame:
    """Start ``command`` in a fresh pty of ``size`` (columns, rows); time until ``marker`` is on screen.

    The process is killed as soon as the marker is seen (or on timeout), and always reaped.
    """
    master, slave = os.openpty()
    _set_size(slave, *size)
    watcher = FrameWatcher(marker)
    tail = b""
    try:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(command),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=dict(env) if env is not None else None,
            start_new_session=True,  # its own session: the pty becomes its controlling terminal
            close_fds=True,
        )
        os.close(slave)
        slave = -1
        try:
            deadline = started + timeout_s
            while True:
                left = deadline - time.perf_counter()
                if left <= 0:
                    raise NoFirstFrame(f"{command[0]}: no {marker!r} within {timeout_s:g} s: {tail!r}")
                ready, _w, _x = select.select([master], [], [], left)
                if not ready:
                    continue
                try:
                    data = os.read(master, 65536)
                except OSError:  # EIO: every process on the slave side has gone
                    data = b""
                if not data:
                    raise NoFirstFrame(f"{command[0]} exited ({process.poll()}) before {marker!r}: {tail!r}")
                if watcher.feed(data):
                    seconds = time.perf_counter() - started
                    return FirstFrame(seconds, peak_rss_mib(process.pid), watcher.bytes_read)
                tail = (tail + data)[-400:]
        finally:
            process.kill()
            process.wait()
    finally:
        os.close(master)
        if slave >= 0:
            os.close(slave)


def terminal_env(**extra: str) -> dict[str, str]:
    """This process's environment as a program in a modern terminal (foot-like) would see it, plus ``extra``.

    Textual's developer switches, the kiosk's own settings and fixed sizes are left out.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TEXTUAL", "KIOSK_", "COLUMNS", "LINES"))
    }
    env.update(TERM="xterm-256color", COLORTERM="truecolor", LANG="C.UTF-8", LC_ALL="C.UTF-8")
    env.update(extra)
    return env


def kiosk_env(work: Path, state_dir: Path, **extra: str) -> dict[str, str]:
    """``terminal_env`` for a kiosk on the store in ``state_dir``: an empty config, caches in ``work``.

    The kiosk's bytecode is compiled first, as an installed kiosk has it: a checkout run with
    PYTHONDONTWRITEBYTECODE=1 (or one never imported before) would compile each of its modules at
    every start, while Textual and the other libraries start from their installed bytecode.
    """
    compile_kiosk()
    config = work / "kiosk.toml"
    config.write_text("", encoding="utf-8")
    paths = {"KIOSK_PATHS__STATE_DIR": str(state_dir), "KIOSK_PATHS__CACHE_DIR": str(work / "cache")}
    return terminal_env(KIOSK_CONFIG=str(config), **paths, **extra)


def compile_kiosk() -> None:
    """Bring the kiosk package's bytecode up to date (quick when it is)."""
    import compileall

    import kiosk

    compileall.compile_dir(Path(kiosk.__file__).parent, quiet=1)


def run_in_pty(
    command: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    size: tuple[int, int] = (120, 40),
    timeout_s: float = 180.0,
) -> tuple[int, bytes]:
    """Run ``command`` to its end in a fresh pty of ``size``, reading (and dropping) what it draws.

    Returns its exit code and the last bytes it wrote; killed (and reported as such) after ``timeout_s``.
    """
    master, slave = os.openpty()
    _set_size(slave, *size)
    process = subprocess.Popen(
        list(command), stdin=slave, stdout=slave, stderr=slave, env=dict(env) if env is not None else None,
        start_new_session=True, close_fds=True,
    )  # fmt: skip
    os.close(slave)
    tail = b""
    try:
        deadline = time.perf_counter() + timeout_s
        while time.perf_counter() < deadline:
            ready, _w, _x = select.select([master], [], [], 0.1)
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: every process on the slave side has gone
                data = b""
            if not data:
                break
            tail = (tail + data)[-2000:]
        else:
            raise TimeoutError(f"{command[0]}: still running after {timeout_s:g} s: {tail[-400:]!r}")
        return process.wait(timeout=timeout_s), tail
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        os.close(master)


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def idle_cpu(
    command: Sequence[str],
    marker: str,
    *,
    env: Mapping[str, str] | None = None,
    size: tuple[int, int] = (120, 40),
    settle_s: float = 1.0,
    seconds: float = 5.0,
    timeout_s: float = 60.0,
) -> float:
    """Share of one core (0..1) that ``command`` uses on its first screen, ``settle_s`` after it appeared.

    Its output is read (and dropped) all along, as a terminal would, so it never blocks on writing.
    """
    master, slave = os.openpty()
    _set_size(slave, *size)
    watcher = FrameWatcher(marker)
    process = subprocess.Popen(
        list(command), stdin=slave, stdout=slave, stderr=slave, env=dict(env) if env is not None else None,
        start_new_session=True, close_fds=True,
    )  # fmt: skip
    os.close(slave)
    try:
        deadline = time.perf_counter() + timeout_s
        shown_at: float | None = None
        measuring: tuple[float, float] | None = None  # (since, CPU seconds then)
        while True:
            now = time.perf_counter()
            if measuring is not None and now - measuring[0] >= seconds:
                return (_cpu_seconds(process.pid) - measuring[1]) / (now - measuring[0])
            if shown_at is None and now > deadline:
                raise NoFirstFrame(f"{command[0]}: no {marker!r} within {timeout_s:g} s")
            if shown_at is not None and measuring is None and now - shown_at >= settle_s:
                measuring = (now, _cpu_seconds(process.pid))
            ready, _w, _x = select.select([master], [], [], 0.05)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:
                    data = b""
                if not data:
                    raise NoFirstFrame(f"{command[0]} exited ({process.poll()}) while idle")
                if watcher.feed(data) and shown_at is None:
                    shown_at = time.perf_counter()
    finally:
        process.kill()
        process.wait()
        os.close(master)
