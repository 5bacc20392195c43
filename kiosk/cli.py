"""The `kiosk` command: run the kiosk, and the tools staff and admins use around it."""

from __future__ import annotations

import argparse
import gc
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

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
    commands.add_parser(
        "stats", help="anonymous usage: stats [--from DATE] [--to DATE] [--csv]", add_help=False
    )
    commands.add_parser(
        "doctor", help="check this kiosk's setup: doctor [--json] [--timeout S]", add_help=False
    )
    commands.add_parser(
        "sync", help="refresh content from the city API once: sync --once [--json]", add_help=False
    )
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
    if args_list[:1] == ["sync"]:
        from kiosk.sync import sync_command

        return sync_command(args_list[1:])
    if args_list[:1] == ["stats"]:
        from kiosk.stats import stats_command

        return stats_command(args_list[1:])
    if args_list[:1] == ["doctor"]:
        from kiosk.ops.doctor import doctor_command

        return doctor_command(args_list[1:])
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
    """Start the full-screen kiosk on the content it has: the store, else the bundled snapshot."""
    from kiosk.feedback import FeedbackOutbox, FeedbackSender
    from kiosk.i18n import configure
    from kiosk.ops.notify import Notifier
    from kiosk.sources.snapshot import load_snapshot
    from kiosk.stats import Usage
    from kiosk.store import Store, StoreError
    from kiosk.sync import Syncer, content_at_start
    from kiosk.ui.app import KioskApp
    from kiosk.ui.runtime import Runtime, UsageSink
    from kiosk.usage_store import UsageStore

    _log_away_from_the_screen(settings)
    configure(settings.paths.translations_dir)
    store: Store | None
    try:
        store = Store.open(settings.paths.state_dir)
    except StoreError as error:
        log.error("content store unavailable, showing the bundled content: %s", error)
        store = None
    # The default language (and the fallbacks) first; the rest load in the background once the
    # welcome screen is up, so a large region does not delay the first frame.
    first = [settings.display.default_language, *(c for c in ("de", "en") if c in settings.display.languages)]
    content = content_at_start(settings, store, list(dict.fromkeys(first))) if store else None
    runtime = Runtime(store=store, notifier=Notifier.from_environ())
    if store is not None and settings.api.base_url:
        runtime.syncer = Syncer(settings, store)
    usage_store: UsageStore | None
    try:
        usage_store = UsageStore.open(settings.paths.state_dir)
    except StoreError as error:
        log.error("usage file unavailable: nothing counted, no feedback asked: %s", error)
        usage_store = None
    usage = UsageSink()
    if usage_store is not None:
        usage = Usage(usage_store).start()
        runtime.outbox = FeedbackOutbox(usage_store, settings.api.region)
        runtime.feedback_sender = FeedbackSender(
            runtime.outbox, settings.api.base_url, timeout_s=settings.api.timeout_s
        )
    # What is loaded now lives as long as the process: keep the garbage collector from walking it.
    gc.collect()
    gc.freeze()
    app = KioskApp(
        settings, content or load_snapshot(), dev=dev, runtime=runtime, usage=usage, handle_signals=True
    )
    try:
        app.run()
    finally:
        if isinstance(usage, Usage):
            usage.close()
        if usage_store is not None:
            usage_store.close()
        if store is not None:
            store.close()
    return 0


def _log_away_from_the_screen(settings: Settings) -> None:
    """The kiosk's stderr is the visitor's screen: log to syslog (journald), else to a file in cache_dir."""
    from kiosk.ops.logging import setup_logging

    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request is noise
    if Path("/dev/log").exists():
        setup_logging(logging.INFO, syslog_address="/dev/log")
        return
    try:
        settings.paths.cache_dir.mkdir(parents=True, exist_ok=True)
        stream = (settings.paths.cache_dir / "kiosk.log").open("a", encoding="utf-8")
    except OSError:
        logging.disable(logging.CRITICAL)  # nowhere safe to write; never onto the screen
        return
    setup_logging(logging.INFO, stream=stream)
