"""Log lines as ``LEVEL logger: message``: plain in files and pipes, coloured on a terminal, with
``<N>`` priority prefixes (sd-daemon(3)) when stderr is journald's stream, or sent to syslog.

Log messages often quote things from outside (API errors, file names); control characters in them
are shown escaped so they can never act on the terminal or forge a second journal line's priority.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
import socket
import sys
from collections.abc import Mapping
from typing import TextIO

#: The sd-daemon(3) prefixes: <2> critical, <3> error, <4> warning, <6> info, <7> debug.
_PRIORITIES = ((logging.CRITICAL, 2), (logging.ERROR, 3), (logging.WARNING, 4), (logging.INFO, 6))
_COLOURS = {logging.DEBUG: "2", logging.WARNING: "33", logging.ERROR: "31", logging.CRITICAL: "1;31"}
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_MARK = "_kiosk_handler"  # set on the handler this module installs, so a second call replaces it


def journal_priority(levelno: int) -> int:
    """The syslog priority for a logging level (custom levels round down to the next known one)."""
    return next((priority for level, priority in _PRIORITIES if levelno >= level), 7)


def escape_controls(text: str) -> str:
    """``text`` with control characters (except newline and tab) shown as ``\\x1b`` and the like."""
    return _UNSAFE.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


class KioskFormatter(logging.Formatter):
    """``LEVEL logger: message`` (traceback lines follow), optionally coloured or journal-prefixed."""

    def __init__(self, *, journal: bool = False, colour: bool = False) -> None:
        super().__init__("%(message)s")
        self.journal = journal
        self.colour = colour

    def format(self, record: logging.LogRecord) -> str:
        body = escape_controls(super().format(record))
        level = record.levelname
        if self.colour and record.levelno in _COLOURS:
            level = f"\x1b[{_COLOURS[record.levelno]}m{level}\x1b[0m"
        text = f"{level} {record.name}: {body}"
        if self.journal:
            # Every line gets the prefix: journald stores each line of a stream as its own entry.
            prefix = f"<{journal_priority(record.levelno)}>"
            text = "\n".join(prefix + line for line in text.split("\n"))
        return text


def stream_is_journal(stream: TextIO, environ: Mapping[str, str]) -> bool:
    """True when ``stream`` is the journal stream systemd named in ``$JOURNAL_STREAM`` (``dev:inode``).

    A child of the service (the kiosk inside its terminal) inherits the variable but not the stream.
    """
    expected = environ.get("JOURNAL_STREAM")
    if not expected:
        return False
    try:
        status = os.fstat(stream.fileno())
    except (OSError, ValueError, AttributeError):
        return False
    return expected == f"{status.st_dev}:{status.st_ino}"


def parse_level(level: int | str) -> int:
    """A logging level from a number or a name such as ``"info"``; ValueError for an unknown name."""
    if isinstance(level, int):
        return level
    try:
        return logging.getLevelNamesMapping()[level.strip().upper()]
    except KeyError:
        raise ValueError(f"unknown log level {level!r} (use debug, info, warning or error)") from None


def setup_logging(
    level: int | str = logging.INFO,
    *,
    environ: Mapping[str, str] = os.environ,
    stream: TextIO | None = None,
    syslog_address: str | None = None,
) -> logging.Handler:
    """Send the root logger's records at ``level`` and above to stderr (or ``stream``), or to syslog.

    ``syslog_address`` (e.g. ``/dev/log``) is for a process whose stderr is its screen: the kiosk UI.
    Calling again replaces the handler installed before. Returns the handler.
    """
    root = logging.getLogger()
    root.setLevel(parse_level(level))
    for old in [handler for handler in root.handlers if getattr(handler, _MARK, False)]:
        root.removeHandler(old)
        old.close()
    handler = _syslog_handler(syslog_address) if syslog_address else None
    if handler is None:
        stream = stream or sys.stderr
        journal = stream_is_journal(stream, environ)
        colour = (
            not journal and _is_tty(stream) and "NO_COLOR" not in environ and environ.get("TERM") != "dumb"
        )
        handler = logging.StreamHandler(stream)
        handler.setFormatter(KioskFormatter(journal=journal, colour=colour))
    setattr(handler, _MARK, True)
    root.addHandler(handler)
    return handler


class _SyslogHandler(logging.handlers.SysLogHandler):
    def handleError(self, record: logging.LogRecord) -> None:
        # The default prints a traceback to stderr, which for the kiosk is the visitor's screen.
        # The handler reconnects on the next record (journald restarted, say); this one is lost.
        pass


def _syslog_handler(address: str) -> logging.Handler | None:
    # SysLogHandler swallows a failed connect and would then fail on every record; check first.
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as probe:
            probe.connect(address)
    except OSError as exc:
        print(f"WARNING kiosk: cannot log to syslog at {address} ({exc}); logging to stderr", file=sys.stderr)
        return None
    handler = _SyslogHandler(address, facility=logging.handlers.SysLogHandler.LOG_DAEMON)
    handler.ident = f"kiosk[{os.getpid()}]: "
    handler.setFormatter(KioskFormatter())
    return handler


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (OSError, ValueError):
        return False
