"""``kiosk sync --once [--json]``: one refresh from the city's content API, for staff and cron."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from kiosk.config import ConfigError, load_settings
from kiosk.store import Store, StoreError
from kiosk.sync.round import SyncReport, sync_once


def _describe(report: SyncReport) -> list[str]:
    lines = []
    for code, counts in report.languages.items():
        parts = [f"{kind} {'-' if n is None else n}" for kind, n in counts.items()]
        lines.append(f"{report.region}/{code}: {', '.join(parts)}")
    return lines


def sync_command(args: list[str]) -> int:
    """``kiosk sync --once [--json]``: 0 all fine, 1 some resource failed, 2 configuration error."""
    parser = argparse.ArgumentParser(prog="kiosk sync", description="Refresh the content from the city API.")
    parser.add_argument("--once", action="store_true", help="one full round, then exit (required)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    try:
        options = parser.parse_args(args)
    except SystemExit as stop:
        return 0 if stop.code == 0 else 2
    if not options.once:
        print("kiosk sync: only --once is supported (the kiosk refreshes by itself)", file=sys.stderr)
        return 2
    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"kiosk sync: {error}", file=sys.stderr)
        return 2
    if not settings.api.base_url:
        print("kiosk sync: no content API configured: set base_url in [api] (or KIOSK_API__BASE_URL)",
              file=sys.stderr)  # fmt: skip
        return 2
    try:
        store = Store.open(settings.paths.state_dir)
        try:
            report = asyncio.run(sync_once(settings, store))
        finally:
            store.close()
    except StoreError as error:
        print(f"kiosk sync: {error}", file=sys.stderr)
        return 1
    if options.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        print("\n".join(_describe(report)) or f"{report.region}: nothing refreshed")
        for problem in report.errors:
            print(f"failed: {problem.resource}: {problem.message}", file=sys.stderr)
    return report.exit_code
