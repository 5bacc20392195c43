"""``kiosk stats [--from DATE] [--to DATE] [--csv]``: anonymous usage per day and hour, feedback waiting."""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import date, timedelta
from typing import TextIO

from kiosk.clock import berlin_now
from kiosk.config import ConfigError, load_settings
from kiosk.store import StoreError
from kiosk.usage.report import build_report, render_table
from kiosk.usage.store import FILE_NAME, HourCount, UsageStore

#: Spreadsheets run a cell that starts like a formula; a title from the CMS must stay text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str | int) -> str | int:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_csv(rows: list[HourCount], out: TextIO) -> None:
    """One line per hour and counted thing: day, hour, event, language, item, count."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["day", "hour", "event", "language", "item", "count"])
    for row in rows:
        writer.writerow([row.day, row.hour, _cell(row.event), _cell(row.language), _cell(row.item), row.n])


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD)") from None


def stats_command(args: list[str], *, today: date | None = None, out: TextIO | None = None) -> int:
    """``kiosk stats [--from DATE] [--to DATE] [--csv]``: 0 shown, 2 bad arguments or configuration."""
    out = out or sys.stdout
    parser = argparse.ArgumentParser(
        prog="kiosk stats",
        description="Anonymous usage of the kiosk: sessions, languages, topics, busy hours, feedback.",
    )
    parser.add_argument(
        "--from", dest="first", type=_date, metavar="DATE", help="first day (default: 30 days ago)"
    )
    parser.add_argument("--to", dest="last", type=_date, metavar="DATE", help="last day (default: today)")
    parser.add_argument("--csv", action="store_true", help="hourly counts as CSV, for a spreadsheet")
    try:
        options = parser.parse_args(args)
    except SystemExit as stop:
        return 0 if stop.code == 0 else 2
    last: date = options.last or today or berlin_now().date()
    first: date = options.first or last - timedelta(days=29)
    if first > last:
        print(f"kiosk stats: --from {first} is after --to {last}", file=sys.stderr)
        return 2
    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"kiosk stats: {error}", file=sys.stderr)
        return 2
    if not (settings.paths.state_dir / FILE_NAME).exists():
        rows, waiting = [], []
    else:
        try:
            store = UsageStore.open(settings.paths.state_dir)
            try:
                rows, waiting = store.counts(first, last), store.waiting()
            finally:
                store.close()
        except StoreError as error:
            print(f"kiosk stats: {error}", file=sys.stderr)
            return 1
    if options.csv:
        write_csv(rows, out)
    else:
        out.write(render_table(build_report(rows, waiting, first, last)))
    return 0
