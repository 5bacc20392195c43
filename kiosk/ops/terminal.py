"""Start foot with a font size chosen from the screen, so the kiosk gets enough cells on any screen.

cage runs ``python -m kiosk.ops.terminal -- /usr/bin/foot --config=/etc/kiosk/foot.ini -- kiosk``. This
asks the compositor for the screen's size (a few Wayland messages: the registry, then ``wl_output``'s
current mode and scale), picks the largest font size that still gives the kiosk at least
:data:`MIN_COLUMNS` x :data:`MIN_LINES` cells, and replaces itself with foot, passing the size as
``--override=main.font=...`` (the font families stay those of foot.ini). If the screen cannot be asked,
foot starts with foot.ini's size.
"""

from __future__ import annotations

import logging
import math
import os
import re
import socket
import struct
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from kiosk.ops.logging import setup_logging

log = logging.getLogger("kiosk.ops.terminal")

#: What the kiosk's screens are laid out for; fewer lines and a QR code no longer fits beside the text.
MIN_COLUMNS, MIN_LINES = 110, 36
MIN_SIZE, MAX_SIZE = 8, 72
#: foot.ini's ``[csd] size=1``: a one-pixel title bar keeps foot's window just short of the screen, the
#: one shape cage 0.1.4 repaints without waiting for input (docs/deploy.md, section 4).
TITLE_BAR_PX = 1
#: DejaVu Sans Mono, per point at foot's 96 dpi (dpi-aware=no): advance 1233/2048 em; ascent and
#: descent 1901/2048 and 483/2048 em, each rounded up by the font rasteriser.
_PX_PER_PT = 96 / 72
_ADVANCE, _ASCENT, _DESCENT = 1233 / 2048, 1901 / 2048, 483 / 2048
_SIZE = re.compile(r"size=\d+(\.\d+)?")
_HEADER = struct.Struct("=IHH")  # object id, opcode, message size
_MODE_CURRENT = 0x1


def cells(size: float, width: int, height: int) -> tuple[int, int]:
    """Columns and lines foot shows at font ``size`` (points) on ``width`` x ``height`` pixels."""
    px = size * _PX_PER_PT
    cell_width = max(1, round(px * _ADVANCE))
    cell_height = math.ceil(px * _ASCENT) + math.ceil(px * _DESCENT)
    return width // cell_width, height // cell_height


def font_size_for(width: int, height: int) -> int:
    """The largest font size that leaves at least MIN_COLUMNS x MIN_LINES cells (MIN_SIZE at worst)."""
    for size in range(MAX_SIZE, MIN_SIZE, -1):
        columns, lines = cells(size, width, height)
        if columns >= MIN_COLUMNS and lines >= MIN_LINES:
            return size
    return MIN_SIZE


def with_size(font: str, size: int) -> str:
    """foot's ``font=`` value with every ``size=`` set to ``size`` (added where a font has none)."""
    parts = [part.strip() for part in font.split(",") if part.strip()]
    out = [_SIZE.sub(f"size={size}", part) if _SIZE.search(part) else f"{part}:size={size}" for part in parts]
    return ", ".join(out)


def configured_font(config: Path) -> str:
    """The ``font=`` of foot.ini's ``[main]`` section (foot's own default if there is none)."""
    section = "main"
    for raw in config.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("["):
            section = line.strip("[]").strip()
        elif section == "main" and line.partition("=")[0].strip() == "font":
            return line.partition("=")[2].strip()
    return "monospace"


# -- asking the compositor ---------------------------------------------------------------------------


def _string(text: str) -> bytes:
    data = text.encode() + b"\0"
    return struct.pack("=I", len(data)) + data + b"\0" * (-len(data) % 4)


def _request(obj: int, opcode: int, args: bytes) -> bytes:
    return _HEADER.pack(obj, opcode, _HEADER.size + len(args)) + args


def events(data: bytes) -> Iterator[tuple[int, int, bytes]]:
    """Split received bytes into (object, opcode, arguments); an incomplete tail is left out."""
    offset = 0
    while offset + _HEADER.size <= len(data):
        obj, opcode, size = _HEADER.unpack_from(data, offset)
        if size < _HEADER.size or offset + size > len(data):
            return
        yield obj, opcode, data[offset + _HEADER.size : offset + size]
        offset += size


def _read_until_done(sock: socket.socket, callback: int) -> list[tuple[int, int, bytes]]:
    data = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("the compositor closed the connection")
        data += chunk
        received = list(events(data))
        if any(obj == callback and opcode == 0 for obj, opcode, _ in received):
            return received


def output_size(path: str, timeout: float = 5.0) -> tuple[int, int] | None:
    """The first screen's current mode in logical pixels, asked of the compositor at ``path``."""
    registry, sync1, output, sync2 = 2, 3, 4, 5
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(path)
        sock.sendall(_request(1, 1, struct.pack("=I", registry)) + _request(1, 0, struct.pack("=I", sync1)))
        found = None
        for obj, opcode, args in _read_until_done(sock, sync1):
            if obj == registry and opcode == 0:
                name, length = struct.unpack_from("=II", args)
                interface = args[8 : 8 + length - 1].decode()
                version = struct.unpack_from("=I", args, 8 + length + (-length % 4))[0]
                if interface == "wl_output" and found is None:
                    found = (name, min(version, 2))
        if found is None:
            return None
        name, version = found
        bind = struct.pack("=I", name) + _string("wl_output") + struct.pack("=II", version, output)
        sock.sendall(_request(registry, 0, bind) + _request(1, 0, struct.pack("=I", sync2)))
        mode, scale = None, 1
        for obj, opcode, args in _read_until_done(sock, sync2):
            if obj == output and opcode == 1:
                flags, width, height, _refresh = struct.unpack_from("=Iiii", args)
                if flags & _MODE_CURRENT or mode is None:
                    mode = (width, height)
            elif obj == output and opcode == 3:
                scale = max(1, struct.unpack_from("=i", args)[0])
    if mode is None:
        return None
    return mode[0] // scale, mode[1] // scale


def wayland_socket(environ: dict[str, str]) -> str:
    display = environ.get("WAYLAND_DISPLAY", "wayland-0")
    return display if display.startswith("/") else os.path.join(environ.get("XDG_RUNTIME_DIR", ""), display)


def foot_command(command: Sequence[str], size: int) -> list[str]:
    """``command`` (foot and its arguments) with the font size put in as an override after foot itself."""
    config = next((arg.partition("=")[2] for arg in command if arg.startswith("--config=")), "")
    font = configured_font(Path(config)) if config else "monospace"
    return [command[0], f"--override=main.font={with_size(font, size)}", *command[1:]]


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m kiosk.ops.terminal -- /usr/bin/foot [ARGS...]``: exec foot with a fitting font size."""
    args = list(sys.argv[1:] if argv is None else argv)
    command = args[1:] if args[:1] == ["--"] else args
    if not command:
        print("usage: python -m kiosk.ops.terminal -- /usr/bin/foot [ARGS...]", file=sys.stderr)
        return 2
    setup_logging("info")
    try:
        size = output_size(wayland_socket(dict(os.environ)))
    except (OSError, ValueError, struct.error) as error:
        log.warning("cannot ask the compositor for the screen size (%s); foot.ini's font size applies", error)
        size = None
    if size is not None:
        size = (size[0], size[1] - TITLE_BAR_PX)
        font_size = font_size_for(*size)
        try:
            command = foot_command(command, font_size)
        except OSError as error:
            log.warning("cannot read foot's configuration (%s); foot.ini's font size applies", error)
        else:
            columns, lines = cells(font_size, *size)
            log.info("window %dx%d: font size %d, about %dx%d cells", *size, font_size, columns, lines)
    os.execv(command[0], command)  # noqa: S606 - foot replaces this process, as cage expects


if __name__ == "__main__":
    sys.exit(main())
