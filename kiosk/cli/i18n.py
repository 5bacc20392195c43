"""``kiosk i18n extract|update|add LANG|compile|stats|check``: the translation workflow (babel)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from kiosk.i18n import admin
from kiosk.i18n.admin import Usage, add, check, compile_catalogs, extract, sources_dir, stats, update
from kiosk.i18n.catalogs import bundled_translations_dir


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk i18n", description=admin.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--dir",
        type=Path,
        default=None,
        help="the translations folder (default: the catalogs shipped with the kiosk)",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    extract_parser = commands.add_parser("extract", help="collect messages into kiosk.pot")
    extract_parser.add_argument("--sources", type=Path, default=None, help="the package to scan")
    commands.add_parser("update", help="merge kiosk.pot into every catalog")
    add_parser = commands.add_parser("add", help="start a catalog for a new language")
    add_parser.add_argument("lang")
    commands.add_parser("compile", help="write .mo files")
    commands.add_parser("stats", help="how far each catalog is translated")
    check_parser = commands.add_parser("check", help="list problems; exit 1 if there are any")
    check_parser.add_argument("langs", nargs="*")
    check_parser.add_argument(
        "--errors-only", action="store_true", help="do not report untranslated or fuzzy messages"
    )
    return parser


def i18n_command(args: list[str], out: TextIO | None = None) -> int:
    """Run ``kiosk i18n ARGS``; returns the exit status (0 ok, 1 problems found, 2 usage)."""
    stream = out or sys.stdout
    try:
        options = _parser().parse_args(args)
    except SystemExit as exc:  # argparse has printed the usage
        return int(exc.code or 0)
    directory: Path = options.dir or bundled_translations_dir()
    actions: dict[str, Callable[[], int]] = {
        "extract": lambda: extract(directory, options.sources or sources_dir(), stream),
        "update": lambda: update(directory, stream),
        "add": lambda: add(directory, options.lang, stream),
        "compile": lambda: compile_catalogs(directory, stream),
        "stats": lambda: stats(directory, stream),
        "check": lambda: check(directory, options.langs, options.errors_only, stream),
    }
    try:
        return actions[options.command]()
    except Usage as exc:
        print(f"kiosk i18n {options.command}: {exc}", file=sys.stderr)
        return 2
