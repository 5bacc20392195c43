"""``kiosk print-test``: print a test slip on the configured receipt printer, for staff.

The slip is the office's own page in German and Arabic (so both scripts show whether the font works)
with the office's phone as its code. Exit 0 printed, 1 the printer failed, 2 no printer or bad setup.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from kiosk.clock import berlin_now
from kiosk.config import ConfigError, load_settings
from kiosk.i18n import configure


def print_test_command(args: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="kiosk print-test", description=__doc__)
    parser.add_argument("--language", default="ar", help="the visitor's language on the slip (default ar)")
    try:
        options = parser.parse_args(args)
    except SystemExit as stop:
        return 0 if stop.code == 0 else 2
    try:
        settings = load_settings()
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    if not settings.printer.enabled:
        print("no printer configured: set [printer] connection in the configuration", file=sys.stderr)
        return 2
    configure(settings.paths.translations_dir)
    from kiosk.printing.device import PrinterProblem, describe_state, print_image
    from kiosk.printing.fonts import FontMissing
    from kiosk.printing.sample import sample_slip

    try:
        image = sample_slip(options.language, settings.printer.width_dots, berlin_now().date())
    except (FontMissing, LookupError) as error:
        print(error, file=sys.stderr)
        return 2
    try:
        print_image(settings.printer, image)
    except PrinterProblem as problem:
        from kiosk.printing.device import PrinterState

        _status, line = describe_state(settings.printer, PrinterState(False, problem.reason, problem.detail))
        print(f"not printed: {line}", file=sys.stderr)
        return 1
    print(f"printed a test slip ({settings.printer.width_dots} dots wide) on {date.today():%Y-%m-%d}")
    return 0
