"""``kiosk staff set-pin``: staff administration from the shell."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path

from kiosk.config import SYSTEM_CONFIG, ConfigError, config_path
from kiosk.ops.pin import PIN_PATTERN, hash_pin, write_pin_hash


def set_pin_command(
    config_file: Path,
    *,
    read_secret: Callable[[str], str] | None = None,
    say: Callable[[str], None] | None = None,
) -> int:
    """Ask twice for a new PIN (4 to 8 digits) and store its hash; the exit status for the shell."""
    read_secret = read_secret or getpass.getpass
    say = say or (lambda text: print(text, file=sys.stderr))
    try:
        pin = read_secret("New staff PIN (4 to 8 digits): ")
        if not PIN_PATTERN.fullmatch(pin):
            say("The PIN must be 4 to 8 digits (0-9) and nothing else. Nothing was changed.")
            return 1
        if read_secret("The same PIN again: ") != pin:
            say("The two PINs differ. Nothing was changed.")
            return 1
    except (EOFError, KeyboardInterrupt):
        say("\nCancelled. Nothing was changed.")
        return 1
    try:
        write_pin_hash(config_file, hash_pin(pin))
    except (ConfigError, OSError) as exc:
        say(f"Cannot save the PIN: {exc}")
        return 1
    say(f"The staff PIN is saved in {config_file}. Restart the kiosk to use it: systemctl restart kiosk")
    return 0


def staff_command(args: list[str]) -> int:
    """``kiosk staff ...``: staff administration from the shell; returns the exit status."""
    parser = argparse.ArgumentParser(prog="kiosk staff", description="Staff administration.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    set_pin = commands.add_parser("set-pin", help="set the staff PIN (asks twice, stores only a hash)")
    set_pin.add_argument(
        "--config",
        type=Path,
        default=None,
        help=f"the TOML file to write (default: $KIOSK_CONFIG, else {SYSTEM_CONFIG})",
    )
    try:
        options = parser.parse_args(args)
    except SystemExit as exc:  # argparse has printed the usage already
        return int(exc.code or 0)
    if options.command != "set-pin":
        parser.print_usage(sys.stderr)
        return 2
    return set_pin_command(options.config or config_path() or SYSTEM_CONFIG)
