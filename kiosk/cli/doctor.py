"""``kiosk doctor [--json] [--timeout S]``: this kiosk's setup checked, one line per check."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys

from kiosk.clock import berlin_now
from kiosk.ops.doctor import Check, run_checks
from kiosk.ops.logging import escape_controls

_COLOURS = {"OK": "32", "WARN": "33", "FAIL": "1;31"}


def render_table(checks: list[Check], *, colour: bool = False) -> str:
    """The checks as aligned lines: status, name, reason (control characters made visible)."""
    width = max((len(check.name) for check in checks), default=0)
    lines = []
    for check in checks:
        status = f"{check.status:<4}"
        if colour:
            status = f"\x1b[{_COLOURS[check.status]}m{status}\x1b[0m"
        reason = escape_controls(check.reason).replace("\n", " ")
        lines.append(f"{status}  {check.name:<{width}}  {reason}")
    return "\n".join(lines)


def doctor_command(args: list[str]) -> int:
    """``kiosk doctor [--json] [--timeout S]``: 0 when nothing FAILs, 1 when something does, 2 on misuse."""
    parser = argparse.ArgumentParser(prog="kiosk doctor", description="Check this kiosk's setup.")
    parser.add_argument("--json", action="store_true", help="print the checks as JSON")
    parser.add_argument("--timeout", type=float, default=5.0, metavar="S", help="API timeout (default 5)")
    try:
        options = parser.parse_args(args)
    except SystemExit as stop:
        return 0 if stop.code == 0 else 2
    # The table says everything; log lines from the store or the client would only repeat it.
    logging.getLogger().addHandler(logging.NullHandler())
    checks = run_checks(
        now=berlin_now(), stream=sys.stdout, environ=os.environ, api_timeout_s=options.timeout
    )
    failed = any(check.status == "FAIL" for check in checks)
    if options.json:
        print(json.dumps({"ok": not failed, "checks": [c.to_json() for c in checks]}, ensure_ascii=False))
    else:
        print(render_table(checks, colour=sys.stdout.isatty() and "NO_COLOR" not in os.environ))
    return 1 if failed else 0
