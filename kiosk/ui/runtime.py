"""What the running kiosk needs besides its screens: the store, background refresh, systemd, signals.

Kept apart from app.py so the app stays about visitors; everything here is optional (tests run without
a store or systemd).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from kiosk.clock import Clock

if TYPE_CHECKING:
    # Imported where they are first used, after the first frame: the refresh and the feedback sender
    # need httpx; the search index, the PIN (tomlkit), speech and slots are not on the welcome screen.
    from kiosk.ops.pin import PinGuard
    from kiosk.search.live import LiveIndex
    from kiosk.slots import SlotSource
    from kiosk.speech.engine import SpeechSetup
    from kiosk.sync.loop import Syncer
    from kiosk.usage.outbox import FeedbackOutbox
    from kiosk.usage.sender import FeedbackSender

from kiosk.config import ConfigError, Settings, SlotSettings, load_settings
from kiosk.content.library import FALLBACK_LANGUAGES
from kiosk.content.models import LanguageContent, RegionContent
from kiosk.i18n import _
from kiosk.i18n.catalogs import reload as reload_catalogs
from kiosk.i18n.formatting import format_datetime, format_relative
from kiosk.memory import give_back_memory
from kiosk.ops.notify import Notifier
from kiosk.store import Store, StoreError
from kiosk.store.languages import stored_region
from kiosk.sync.status import content_age
from kiosk.usage.store import UsageSink as UsageSink

log = logging.getLogger(__name__)

#: How long the status line may reuse its answer before asking the store again.
STATUS_CACHE_S = 30.0


@dataclass
class Runtime:
    """The store the content comes from, the systemd notifier, and the background refresh."""

    store: Store | None = None
    notifier: Notifier = field(default_factory=lambda: Notifier(None))
    syncer: Syncer | None = None
    #: Where "Was this helpful?" answers wait until the content API has them.
    outbox: FeedbackOutbox | None = None
    feedback_sender: FeedbackSender | None = None
    #: Builds what runs in the background (the refresh, the feedback sender) once the first frame is
    #: up, in a worker thread: they need httpx, and the welcome screen should not wait for it.
    build_background: Callable[[Runtime], None] | None = None
    #: A slot source given from outside (tests); else one is built from ``[slots]`` when first asked.
    slot_source: SlotSource | None = None
    #: How the kiosk speaks, given from outside (tests); else the machine is asked at start.
    speech: SpeechSetup | None = None
    _status: tuple[float, str, str] | None = None
    _search: LiveIndex | None = None
    _built_slots: tuple[SlotSettings, SlotSource] | None = None
    _pin_guard: tuple[str | None, PinGuard] | None = None

    @property
    def search(self) -> LiveIndex:
        """The search index of the content shown; built in the background, kept across visitors."""
        if self._search is None:
            from kiosk.search.live import LiveIndex

            self._search = LiveIndex()
        return self._search

    def slots(
        self, settings: SlotSettings, clock: Clock, monotonic: Callable[[], float]
    ) -> SlotSource | None:
        """The free-slot source: the one given, else one built from ``[slots]`` (kept while they hold).

        Kept, so its brief cache serves every visit to the hours screen.
        """
        if self.slot_source is not None:
            return self.slot_source
        if not settings.enabled:
            return None
        built = self._built_slots
        if built is None or built[0] != settings:
            from kiosk.slots.zms import ZmsSlotSource  # httpx and the adapter only when slots are on

            built = (settings, ZmsSlotSource.from_settings(settings, clock=clock, monotonic=monotonic))
            self._built_slots = built
        return built[1]

    def pin_guard(self, stored: str | None, clock: Clock) -> PinGuard:
        """The staff PIN guard, kept so that closing and reopening the pad does not lift a lockout;
        a new one only when the configured hash changed (a reload)."""
        from kiosk.ops.pin import PinGuard

        known = self._pin_guard
        if known is None or known[0] != stored:
            known = (stored, PinGuard(stored, clock))
            self._pin_guard = known
        return known[1]

    def visitor_status(self, settings: Settings, language: str, now: datetime, monotonic: float) -> str:
        """ "Updated 5 minutes ago" / "Offline — content from 12 March, 14:05"; nothing when bundled."""
        if self.store is None or not settings.api.base_url:
            return ""
        cached = self._status
        if cached is not None and cached[1] == language and monotonic - cached[0] < STATUS_CACHE_S:
            return cached[2]
        try:
            status = content_age(self.store, settings.api.region, language)
        except StoreError as error:
            log.warning("content status unavailable: %s", error)
            return ""
        text = ""
        if status.source == "api" and status.fetched_at is not None:
            if status.last_error:
                text = _("Offline — content from {when}").format(
                    when=format_datetime(status.fetched_at, "medium")
                )
            else:
                text = _("Updated {when}").format(when=format_relative(status.fetched_at, now))
        self._status = (monotonic, language, text)
        return text

    def forget_status(self) -> None:
        self._status = None

    @staticmethod
    def is_partial(content: RegionContent) -> bool:
        """Whether some language of ``content`` is only partly loaded (at start: the places alone).

        Content read from the store on demand is whole whenever a language is read: nothing is read
        to answer this."""
        if stored_region(content) is not None:
            return False
        return any(not loaded.complete for loaded in content.by_language.values())

    def abandon(self) -> None:
        """Our terminal is gone: close the store and end the process without touching the screen."""
        self.notifier.stopping()
        if self.store is not None:
            self.store.close()
        log.warning("the terminal hung up; exiting")
        logging.shutdown()
        os._exit(1)


def load_more_languages(
    store: Store, content: RegionContent, codes: list[str], default: str
) -> RegionContent:
    """``content``'s region with every language of ``codes`` read from the store when a visitor first
    asks for it; the ``default`` language and the fallbacks (which every visitor meets) read now and
    kept in memory, the others only while they are among the last few asked for. Runs in a worker
    thread. If the store cannot list its languages, ``content`` with those of ``codes`` read in full.
    """
    keep = list(dict.fromkeys((default, *FALLBACK_LANGUAGES)))
    store.keep_in_memory(keep)
    try:
        on_demand = store.on_demand(content.region, [*content.by_language, *codes])
    except StoreError as error:
        log.warning("the store's languages could not be listed: %s", error)
        on_demand = None
    if on_demand is None:
        content = _read_now(store, content, codes)
    else:
        for code in keep:
            on_demand.get(code)  # read now (if stored), so the visitor's first screens do not wait for it
        content = on_demand
    give_back_memory()  # what reading the languages took for a moment
    return content


def _read_now(store: Store, content: RegionContent, codes: list[str]) -> RegionContent:
    """``content`` with the languages in ``codes`` read in full where the store has them."""
    by_language: dict[str, LanguageContent] = dict(content.by_language)
    for code in codes:
        if code in by_language and by_language[code].complete:
            continue
        try:
            loaded = store.load_language(content.region, code, html_later=True)
        except StoreError as error:
            log.warning("language %s could not be read from the store: %s", code, error)
            continue
        if loaded is not None:
            by_language[code] = loaded
    try:
        offered = store.languages(content.region)
    except StoreError:
        offered = list(content.languages)
    languages = [lang for lang in offered if lang.code in by_language] or list(content.languages)
    return RegionContent(content.region, languages, by_language, content.source, content.fetched_at)


def reread_settings(current: Settings) -> Settings:
    """The configuration file again (for SIGHUP); a broken one is refused and ``current`` stays."""
    try:
        return load_settings()
    except ConfigError as error:
        log.error("configuration not reloaded, keeping the one in use: %s", error)
        return current


def reload_translations() -> None:
    for problem in reload_catalogs():
        log.warning("%s", problem)


def terminal_gone() -> bool:
    """True when our terminal has hung up (its device answers with an error)."""
    import sys
    import termios

    try:
        termios.tcgetattr(sys.__stdin__.fileno() if sys.__stdin__ else 0)
    except (OSError, termios.error, ValueError):
        return True
    return False


def install_signal_handlers(on_reload: object, on_stop: object) -> bool:
    """SIGHUP reloads, SIGTERM stops cleanly; False where the loop cannot take signals (tests, Windows)."""
    try:
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGHUP, on_reload)  # type: ignore[arg-type]
        loop.add_signal_handler(signal.SIGTERM, on_stop)  # type: ignore[arg-type]
    except (NotImplementedError, RuntimeError, ValueError):
        return False
    return True
