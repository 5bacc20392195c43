"""A stand-in for the speakers in tests: plays raw 16-bit mono audio from stdin at the pace a sound
card would, and keeps what it played in a numbered file (what was cut off is missing from its end).

Usage: python paced_player.py OUT_DIR RATE
"""

from __future__ import annotations

import os
import sys
import time

#: How far ahead of the "sound" the player may read, as a sound card's buffer would.
BUFFER_S = 0.05


def main() -> None:
    out_dir, rate = sys.argv[1], int(sys.argv[2])
    os.makedirs(out_dir, exist_ok=True)
    number = 0
    while True:
        try:
            fd = os.open(os.path.join(out_dir, f"{number:04d}.raw"), os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            break
        except FileExistsError:
            number += 1
    start = time.monotonic()
    played = 0
    stdin = sys.stdin.buffer
    while chunk := stdin.read1(4096):  # type: ignore[union-attr]
        os.write(fd, chunk)
        played += len(chunk)
        ahead = played / (2 * rate) - (time.monotonic() - start)
        if ahead > BUFFER_S:
            time.sleep(ahead - BUFFER_S)
    left = played / (2 * rate) - (time.monotonic() - start)
    if left > 0:
        time.sleep(left)  # the last samples still have to sound
    os.close(fd)


if __name__ == "__main__":
    main()
