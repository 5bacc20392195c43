"""``kiosk qr TEXT``: print the QR code for TEXT, to test a screen with a phone."""

from __future__ import annotations

import argparse
import sys

from kiosk.qr import print_qr


def qr_command(args: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="kiosk qr", description=__doc__)
    parser.add_argument("text")
    try:
        options = parser.parse_args(args)
    except SystemExit as stop:
        return 0 if stop.code == 0 else 2
    print_qr(options.text, sys.stdout)
    return 0
