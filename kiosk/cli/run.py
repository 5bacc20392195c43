"""`kiosk` (or `kiosk run`): the full-screen kiosk on the content it has."""

from __future__ import annotations

import argparse
import gc
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.config import ConfigError, Settings, load_settings

if TYPE_CHECKING:
    from kiosk.ui.runtime import Runtime

log = logging.getLogger("kiosk")


def run_command(args: list[str]) -> int:
    """``kiosk run [--dev]``: configuration errors end the start with one line and exit 2."""
    parser = argparse.ArgumentParser(prog="kiosk run", description="Start the kiosk full-screen.")
    parser.add_argument("--dev", action="store_true", help="developer mode: Ctrl+Q quits")
    try:
        options = parser.parse_args(args)
    except SystemExit as stop:
        return 0 if stop.code == 0 else 2
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"kiosk: configuration error: {exc}", file=sys.stderr)
        return 2
    return run_kiosk(settings, dev=bool(options.dev))


def run_kiosk(settings: Settings, *, dev: bool = False) -> int:
    """Start the full-screen kiosk on the content it has: the store, else the bundled snapshot."""
    from kiosk.i18n import configure
    from kiosk.ops.notify import Notifier
    from kiosk.store import Store, StoreError
    from kiosk.sync.status import content_at_start
    from kiosk.ui.app import KioskApp
    from kiosk.ui.runtime import Runtime, UsageSink
    from kiosk.usage.counts import Usage
    from kiosk.usage.outbox import FeedbackOutbox
    from kiosk.usage.store import UsageStore

    _log_away_from_the_screen(settings)
    configure(settings.paths.translations_dir)
    store: Store | None
    try:
        store = Store.open(settings.paths.state_dir)
    except StoreError as error:
        log.error("content store unavailable, showing the bundled content: %s", error)
        store = None
    # Only what the welcome screen shows (our office: the places of the default language); the rest
    # loads in the background once the welcome screen is up, so a large region does not delay it.
    first = [settings.display.default_language]
    content = content_at_start(settings, store, first, kinds=("locations",)) if store else None
    runtime = Runtime(store=store, notifier=Notifier.from_environ(), build_background=background(settings))
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
    if content is None:
        from kiosk.sources.snapshot import load_snapshot

        content = load_snapshot()
    # What is loaded now lives as long as the process: keep the garbage collector from walking it. A
    # collection first would find next to nothing (imports and the store leave few cycles) for 20 ms.
    gc.freeze()
    app = KioskApp(settings, content, dev=dev, runtime=runtime, usage=usage, handle_signals=True)
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


def background(settings: Settings) -> Callable[[Runtime], None]:
    """What the kiosk starts once its first frame is up: the content refresh and the feedback sender."""

    def build(runtime: Runtime) -> None:
        from kiosk.sync.loop import Syncer
        from kiosk.usage.sender import FeedbackSender

        if runtime.store is not None and settings.api.base_url:
            runtime.syncer = Syncer(settings, runtime.store)
        if runtime.outbox is not None:
            runtime.feedback_sender = FeedbackSender(
                runtime.outbox, settings.api.base_url, timeout_s=settings.api.timeout_s
            )

    return build


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
