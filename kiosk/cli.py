"""The `kiosk` command: run the kiosk, and the tools staff and admins use around it."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from kiosk import __version__
from kiosk.config import ConfigError, Settings, load_settings

log = logging.getLogger("kiosk")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="Self-service kiosk of lokal willkommen Westerfilde. "
        "Without a command it starts the kiosk.",
    )
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    parser.add_argument("--dev", action="store_true", help="developer mode: Ctrl+Q quits")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", help="start the kiosk (the default)").add_argument(
        "--dev", action="store_true", help="developer mode: Ctrl+Q quits"
    )
    qr = commands.add_parser("qr", help="print the QR code for TEXT, to test a screen with a phone")
    qr.add_argument("text")
    commands.add_parser(
        "i18n", help="translations: extract, update, add, compile, stats, check", add_help=False
    )
    commands.add_parser("staff", help="staff tools: set-pin", add_help=False)
    return parser


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        print(f"kiosk: configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `kiosk` console script."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    # Sub-tools with their own argument parsing get the rest of the line untouched.
    if args_list[:1] == ["i18n"]:
        from kiosk.i18n.admin import i18n_command

        return i18n_command(args_list[1:])
    if args_list[:1] == ["staff"]:
        from kiosk.ops.pin import staff_command

        return staff_command(args_list[1:])
    args = _parser().parse_args(args_list)
    if args.command == "qr":
        from kiosk.qr import print_qr

        print_qr(args.text, sys.stdout)
        return 0
    return run_kiosk(_settings(), dev=bool(args.dev))


def run_kiosk(settings: Settings, *, dev: bool = False) -> int:
    """Start the full-screen kiosk on the content it has."""
    from kiosk.i18n import configure
    from kiosk.sources.snapshot import load_snapshot
    from kiosk.ui.app import KioskApp

    configure(settings.paths.translations_dir)
    content = load_snapshot()
    KioskApp(settings, content, dev=dev).run()
    return 0
