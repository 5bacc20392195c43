"""The `kiosk` command: run the kiosk, and the tools staff and admins use around it.

Each subcommand lives in its own module here (``kiosk/cli/<name>.py``) with a ``<name>_command(args)``
that parses its own arguments and returns the exit status. Only what a subcommand needs is imported.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
from collections.abc import Callable, Sequence

from kiosk import __version__

#: Subcommand -> the usage line `kiosk --help` shows for it.
SUBCOMMANDS: dict[str, str] = {
    "run": "start the kiosk (the default): run [--dev]",
    "sync": "refresh content from the city API once: sync --once [--json]",
    "doctor": "check this kiosk's setup: doctor [--json] [--timeout S]",
    "stats": "anonymous usage: stats [--from DATE] [--to DATE] [--csv]",
    "qr": "print the QR code for TEXT, to test a screen with a phone: qr TEXT",
    "i18n": "translations: i18n extract|update|add LANG|compile|stats|check",
    "staff": "staff tools: staff set-pin",
    "print-test": "print a test slip on the configured receipt printer: print-test [--language CODE]",
    "slots": "free appointments the slot source tells right now, per service: slots [--json]",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="Self-service kiosk of lokal willkommen Westerfilde. "
        "Without a command it starts the kiosk.",
    )
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    parser.add_argument("--dev", action="store_true", help="developer mode: Ctrl+Q quits")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, usage in SUBCOMMANDS.items():
        commands.add_parser(name, help=usage, add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `kiosk` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    # Each subcommand parses the rest of the line itself.
    if args[:1] and args[0] in SUBCOMMANDS:
        name = args[0].replace("-", "_")
        if name == "run":
            return _start(args[1:])
        module = importlib.import_module(f"kiosk.cli.{name}")
        command: Callable[[list[str]], int] = getattr(module, f"{name}_command")
        return command(args[1:])
    options = _parser().parse_args(args)
    return _start(["--dev"] if options.dev else [])


def _start(args: list[str]) -> int:
    """``kiosk run``, with the garbage collector off until the first frame is up (the app turns it on
    then): collecting during the start-up found next to nothing, for a tenth of its time."""
    gc.disable()
    try:
        from kiosk.cli.run import run_command

        return run_command(args)
    finally:
        gc.enable()
