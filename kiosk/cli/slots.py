"""``kiosk slots [--json]``: what the slot source answers right now for each configured service."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys

from kiosk.config import ConfigError, load_settings
from kiosk.slots.report import ask_slots


def slots_command(args: list[str]) -> int:
    """0 every service answered (nothing free and online only are answers), 1 some could not be
    asked, 2 no slot source configured or a bad configuration."""
    parser = argparse.ArgumentParser(prog="kiosk slots", description=__doc__)
    parser.add_argument("--json", action="store_true", help="print the answers as JSON")
    try:
        options = parser.parse_args(args)
    except SystemExit as stop:
        return 0 if stop.code == 0 else 2
    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"kiosk slots: {error}", file=sys.stderr)
        return 2
    if not settings.slots.enabled:
        print("kiosk slots: no slot source configured: set base_url, office_id and service_ids in [slots]",
              file=sys.stderr)  # fmt: skip
        return 2
    # The report says it all; the source's log lines would only repeat it.
    logging.getLogger("kiosk.slots").propagate = False
    report = asyncio.run(ask_slots(settings.slots))
    if options.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        print("\n".join(report.lines()))
    return 1 if report.failed else 0
