"""A network receipt printer on 127.0.0.1 for tests: it reads ESC/POS, answers status requests, keeps
every raster image it was sent, and can misbehave the ways a lobby printer does.

Behaviours: "ok" (prints, answers status), "mute" (prints, never answers: a one-way link), "offline"
and "no_paper" (answers status with that fault), "stall" (answers the first status requests, then
stops reading after ``stall_after`` bytes and never answers again).
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Literal

from PIL import Image

Behaviour = Literal["ok", "mute", "offline", "no_paper", "stall"]
_DLE_EOT = b"\x10\x04"
_GS_V0 = b"\x1dv0"
_STATUS_FINE = 0x12
_STATUS_OFFLINE = 0x12 | 0x08
_STATUS_NO_PAPER = 0x12 | 0x60


@dataclass
class Job:
    """What one connection sent: the raster bands (as 1-bit images) and whether the paper was cut."""

    bands: list[Image.Image] = field(default_factory=list)
    cut: bool = False
    received: int = 0

    def image(self) -> Image.Image:
        """All bands one under the other: the slip as the printer would print it (black is dark)."""
        width = max((band.width for band in self.bands), default=1)
        height = sum(band.height for band in self.bands) or 1
        slip = Image.new("1", (width, height), 1)
        y = 0
        for band in self.bands:
            slip.paste(band, (0, y))
            y += band.height
        return slip


def raster_band(width_bytes: int, height: int, data: bytes) -> Image.Image:
    """A GS v 0 raster (1 bit per dot, 1 = black) as a black-on-white image."""
    return Image.frombytes("1", (width_bytes * 8, height), bytes(255 - b for b in data))


class FakePrinter:
    """A TCP listener speaking enough ESC/POS to print raster images and answer DLE EOT n."""

    def __init__(self, behaviour: Behaviour = "ok", *, stall_after: int = 4096) -> None:
        self.behaviour = behaviour
        self.stall_after = stall_after
        self.jobs: list[Job] = []
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # A small receive buffer, so that a printer that stops reading soon blocks the sender.
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(4)
        self.port: int = self._server.getsockname()[1]
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._accepting = threading.Thread(target=self._accept, daemon=True)
        self._accepting.start()

    def _accept(self) -> None:
        self._server.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except (TimeoutError, OSError):
                continue
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _answer(self, conn: socket.socket) -> None:
        if self.behaviour == "mute":
            return
        status = {"offline": _STATUS_OFFLINE, "no_paper": _STATUS_NO_PAPER}.get(self.behaviour, _STATUS_FINE)
        conn.sendall(bytes([status]))

    def _serve(self, conn: socket.socket) -> None:
        job = Job()
        self.jobs.append(job)
        buffer = b""
        conn.settimeout(0.1)
        with conn:
            while not self._stop.is_set():
                if self.behaviour == "stall" and job.received >= self.stall_after:
                    time.sleep(0.05)  # stopped: reads nothing more, answers nothing more
                    continue
                try:
                    chunk = conn.recv(1024)
                except TimeoutError:
                    continue
                except OSError:
                    return
                if not chunk:
                    return
                job.received += len(chunk)
                buffer = self._consume(conn, job, buffer + chunk)

    def _consume(self, conn: socket.socket, job: Job, buffer: bytes) -> bytes:
        """Handle every complete command at the start of ``buffer``; return what is left."""
        while buffer:
            if buffer.startswith(_DLE_EOT):
                if len(buffer) < 3:
                    return buffer
                if not (self.behaviour == "stall" and job.received >= self.stall_after):
                    self._answer(conn)
                buffer = buffer[3:]
            elif buffer.startswith(_GS_V0):
                if len(buffer) < 8:
                    return buffer
                width_bytes = buffer[4] + 256 * buffer[5]
                height = buffer[6] + 256 * buffer[7]
                end = 8 + width_bytes * height
                if len(buffer) < end:
                    return buffer
                job.bands.append(raster_band(width_bytes, height, buffer[8:end]))
                buffer = buffer[end:]
            elif buffer.startswith(b"\x1dV"):
                job.cut = True
                buffer = buffer[3:]
            else:
                buffer = buffer[1:]  # ESC @, feeds and the like: nothing to keep
        return buffer

    def close(self) -> None:
        self._stop.set()
        self._server.close()
        self._accepting.join(timeout=5)
        for thread in self._threads:
            thread.join(timeout=5)


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens: connecting is refused at once."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.bind(("127.0.0.1", 0))
    port: int = probe.getsockname()[1]
    probe.close()
    return port
