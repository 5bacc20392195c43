"""foot's font size comes from the screen: enough cells for the kiosk's screens on any common size."""

from __future__ import annotations

import socket
import struct
import threading
from pathlib import Path

import pytest

from kiosk.ops.terminal import (
    MIN_COLUMNS,
    MIN_LINES,
    cells,
    configured_font,
    events,
    font_size_for,
    foot_command,
    output_size,
    with_size,
)


def test_foots_measured_cells_are_predicted() -> None:
    # foot 1.13 logged "cell width=14, height=29" at size 18 and "width=10, height=19" at size 12.
    assert cells(18, 1280, 694) == (91, 23)  # the issue: 1280x720 less foot's 26-pixel title bar
    assert cells(12, 1280, 719) == (128, 37)


@pytest.mark.parametrize(
    ("width", "height", "size"),
    [(1280, 719, 12), (1920, 1079, 18), (1366, 767, 12), (1024, 767, 11), (3840, 2159, 37)],
)
def test_the_largest_size_that_still_fits_the_screens(width: int, height: int, size: int) -> None:
    assert font_size_for(width, height) == size
    columns, lines = cells(size, width, height)
    assert columns >= MIN_COLUMNS and lines >= MIN_LINES
    bigger = cells(size + 1, width, height)
    assert bigger[0] < MIN_COLUMNS or bigger[1] < MIN_LINES


def test_a_tiny_screen_gets_the_smallest_size_not_an_error() -> None:
    assert font_size_for(320, 200) == 8


def test_every_font_of_the_list_gets_the_size() -> None:
    assert with_size("DejaVu Sans Mono:size=18, Noto Sans Arabic:size=18", 12) == (
        "DejaVu Sans Mono:size=12, Noto Sans Arabic:size=12"
    )
    assert with_size("monospace", 9) == "monospace:size=9"


def test_the_font_comes_from_foot_ini_and_goes_in_as_an_override(tmp_path: Path) -> None:
    ini = tmp_path / "foot.ini"
    ini.write_text("[main]\nterm=foot\nfont=DejaVu Sans Mono:size=18\n[colors]\nfont=x\n", encoding="utf-8")
    assert configured_font(ini) == "DejaVu Sans Mono:size=18"
    command = foot_command(["/usr/bin/foot", f"--config={ini}", "--", "kiosk"], 12)
    assert command == [
        "/usr/bin/foot",
        "--override=main.font=DejaVu Sans Mono:size=12",
        f"--config={ini}",
        "--",
        "kiosk",
    ]


def test_an_incomplete_message_is_not_read() -> None:
    message = struct.pack("=IHH", 2, 1, 12) + b"\x01\x00\x00\x00"
    assert list(events(message + message[:6])) == [(2, 1, b"\x01\x00\x00\x00")]


def _event(obj: int, opcode: int, args: bytes) -> bytes:
    return struct.pack("=IHH", obj, opcode, 8 + len(args)) + args


def _string(text: str) -> bytes:
    data = text.encode() + b"\0"
    return struct.pack("=I", len(data)) + data + b"\0" * (-len(data) % 4)


def test_the_screen_size_is_asked_of_the_compositor(tmp_path: Path) -> None:
    """A stand-in compositor answering as cage does: one wl_output, a 1920x1080 current mode, scale 1."""
    path = str(tmp_path / "wayland-0")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)
    requests: list[bytes] = []

    def compositor() -> None:
        conn, _ = server.accept()
        with conn:
            requests.append(conn.recv(4096))  # get_registry(2), sync(3)
            conn.sendall(
                _event(2, 0, struct.pack("=I", 7) + _string("wl_compositor") + struct.pack("=I", 4))
                + _event(2, 0, struct.pack("=I", 9) + _string("wl_output") + struct.pack("=I", 4))
                + _event(3, 0, struct.pack("=I", 0))
            )
            requests.append(conn.recv(4096))  # bind(9, wl_output, 2, 4), sync(5)
            conn.sendall(
                _event(4, 1, struct.pack("=Iiii", 0, 1280, 720, 60000))
                + _event(4, 1, struct.pack("=Iiii", 3, 1920, 1080, 60000))
                + _event(4, 3, struct.pack("=i", 1))
                + _event(5, 0, struct.pack("=I", 0))
            )

    thread = threading.Thread(target=compositor)
    thread.start()
    try:
        assert output_size(path) == (1920, 1080)
    finally:
        thread.join(10)
        server.close()
    bind = requests[1]
    assert struct.unpack_from("=IHH", bind) == (2, 0, len(bind) - 12)  # bind, then a 12-byte sync
    assert b"wl_output\0" in bind
