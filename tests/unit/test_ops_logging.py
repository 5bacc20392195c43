"""Log lines as an admin reads them: in journalctl, on a terminal, in a pipe, via syslog."""

from __future__ import annotations

import io
import logging
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.ops.logging import KioskFormatter, journal_priority, parse_level, setup_logging


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def restore_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def test_plain_lines_in_a_pipe() -> None:
    stream = io.StringIO()
    setup_logging("info", environ={}, stream=stream)
    logging.getLogger("kiosk.sync").warning("API unreachable, showing content from %s", "Monday")
    logging.getLogger("kiosk.sync").debug("not shown at info")
    assert stream.getvalue() == "WARNING kiosk.sync: API unreachable, showing content from Monday\n"


def test_journal_lines_carry_the_priority_prefix(tmp_path: Path) -> None:
    with (tmp_path / "journal").open("w", encoding="utf-8") as stream:
        status = os.fstat(stream.fileno())
        environ = {"JOURNAL_STREAM": f"{status.st_dev}:{status.st_ino}"}
        setup_logging(logging.DEBUG, environ=environ, stream=stream)
        log = logging.getLogger("kiosk.ops")
        log.debug("d")
        log.info("i")
        log.warning("w")
        log.error("e")
        log.critical("c")
    assert (tmp_path / "journal").read_text(encoding="utf-8").splitlines() == [
        "<7>DEBUG kiosk.ops: d",
        "<6>INFO kiosk.ops: i",
        "<4>WARNING kiosk.ops: w",
        "<3>ERROR kiosk.ops: e",
        "<2>CRITICAL kiosk.ops: c",
    ]


def test_every_traceback_line_keeps_the_error_priority(tmp_path: Path) -> None:
    with (tmp_path / "journal").open("w", encoding="utf-8") as stream:
        status = os.fstat(stream.fileno())
        setup_logging(environ={"JOURNAL_STREAM": f"{status.st_dev}:{status.st_ino}"}, stream=stream)
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            logging.getLogger("kiosk").exception("sync failed")
    lines = (tmp_path / "journal").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "<3>ERROR kiosk: sync failed"
    assert lines[-1] == "<3>RuntimeError: boom"
    assert all(line.startswith("<3>") for line in lines)


def test_an_inherited_journal_stream_variable_is_not_trusted() -> None:
    # The kiosk runs inside its terminal: it inherits JOURNAL_STREAM, but its stderr is the screen.
    stream = io.StringIO()
    setup_logging(environ={"JOURNAL_STREAM": "8:12345"}, stream=stream)
    logging.getLogger("kiosk").warning("w")
    assert stream.getvalue() == "WARNING kiosk: w\n"


def test_colour_only_on_a_terminal() -> None:
    terminal = Terminal()
    setup_logging(environ={"TERM": "xterm-256color"}, stream=terminal)
    logging.getLogger("kiosk").error("e")
    assert terminal.getvalue() == "\x1b[31mERROR\x1b[0m kiosk: e\n"
    for environ in ({"NO_COLOR": "1"}, {"TERM": "dumb"}):
        terminal = Terminal()
        setup_logging(environ=environ, stream=terminal)
        logging.getLogger("kiosk").error("e")
        assert terminal.getvalue() == "ERROR kiosk: e\n"


def test_control_characters_from_outside_are_shown_escaped() -> None:
    stream = io.StringIO()
    setup_logging(environ={}, stream=stream)
    logging.getLogger("kiosk.sources").warning("bad title %r", "x\x1b]0;pwned\x07y")
    logging.getLogger("kiosk.sources").warning("forged\r<2>CRITICAL line")
    lines = stream.getvalue().splitlines()
    assert "\x1b" not in stream.getvalue() and "\r" not in stream.getvalue()
    assert lines == [
        "WARNING kiosk.sources: bad title 'x\\x1b]0;pwned\\x07y'",
        "WARNING kiosk.sources: forged\\x0d<2>CRITICAL line",
    ]


def test_calling_again_replaces_the_handler_instead_of_doubling_lines() -> None:
    first, second = io.StringIO(), io.StringIO()
    setup_logging(environ={}, stream=first)
    setup_logging(environ={}, stream=second)
    logging.getLogger("kiosk").warning("once")
    assert first.getvalue() == ""
    assert second.getvalue() == "WARNING kiosk: once\n"


def test_syslog_for_the_kiosk_whose_stderr_is_the_screen(tmp_path: Path) -> None:
    path = str(tmp_path / "dev-log")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as syslog:
        syslog.bind(path)
        syslog.settimeout(10)
        setup_logging(environ={}, syslog_address=path)
        logging.getLogger("kiosk.ui").warning("reloaded translations")
        message = syslog.recv(4096).decode()
    daemon_warning = 3 * 8 + 4
    assert message == f"<{daemon_warning}>kiosk[{os.getpid()}]: WARNING kiosk.ui: reloaded translations\x00"


def test_syslog_missing_falls_back_to_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    handler = setup_logging(environ={}, syslog_address=str(tmp_path / "no-such-socket"))
    assert isinstance(handler, logging.StreamHandler)
    assert "cannot log to syslog" in capsys.readouterr().err


def test_levels_by_name_and_number() -> None:
    assert parse_level("debug") == logging.DEBUG
    assert parse_level(" WARNING ") == logging.WARNING
    assert parse_level(15) == 15
    with pytest.raises(ValueError, match="unknown log level"):
        parse_level("loud")
    assert journal_priority(15) == 7
    assert journal_priority(25) == 6


def test_formatter_alone_gives_the_documented_shape() -> None:
    record = logging.LogRecord("kiosk.store", logging.INFO, __file__, 1, "saved %d pages", (12,), None)
    assert KioskFormatter().format(record) == "INFO kiosk.store: saved 12 pages"
