"""The background refresh: a sync round every ``refresh_minutes``, new content handed to the kiosk."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence

import httpx

from kiosk.clock import Clock, berlin_now
from kiosk.config import Settings
from kiosk.content.models import RegionContent
from kiosk.sources.integreat.client import RetryPolicy
from kiosk.store import Store, StoreError
from kiosk.sync.round import SyncConfigError, SyncReport, sync_once

log = logging.getLogger("kiosk.sync")  # one logger for the package: what staff filter the journal by


class Syncer:
    """Refreshes every ``refresh_minutes`` in the background; hands new content to ``on_new_content``.

    The callback runs on the event loop after a round that changed something; the UI decides when
    to show the new content (at the next navigation, never under a reader's eyes).
    """

    def __init__(
        self,
        settings: Settings,
        store: Store,
        on_new_content: Callable[[RegionContent], None] | None = None,
        clock: Clock | None = None,
        *,
        content: RegionContent | None = None,
        retry: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.on_new_content = on_new_content
        self.clock = clock or berlin_now
        self.content = content if content is not None and content.region == settings.api.region else None
        self.last_report: SyncReport | None = None
        self._retry = retry
        self._transport = transport
        self._skipped: str | None = None

    async def run(self, initial_delay_s: float = 0.0) -> None:
        """Refresh forever (cancel the task to stop); returns at once if no API is configured."""
        if not self.settings.api.base_url:
            log.info("no content API configured; showing the bundled content")
            return
        await asyncio.sleep(initial_delay_s)
        while True:
            await self.run_once()
            await asyncio.sleep(self.settings.api.refresh_minutes * 60)

    async def run_once(self) -> SyncReport | None:
        """One round; never raises (a broken round is logged and the kiosk carries on)."""
        try:
            report = await sync_once(self.settings, self.store, self.clock, retry=self._retry,
                                     transport=self._transport)  # fmt: skip
        except (SyncConfigError, StoreError) as error:
            if str(error) != self._skipped:  # once per cause, not every refresh_minutes
                log.error("content refresh skipped: %s", error)
            self._skipped = str(error)
            return None
        except Exception:
            log.exception("content refresh failed unexpectedly")
            return None
        self._skipped = None
        self.last_report = report
        if report.changed and self.on_new_content is not None:
            content = await asyncio.to_thread(self._reload, report.changed)
            if content is not None:
                self.content = content
                try:
                    self.on_new_content(content)
                except Exception:
                    log.exception("on_new_content failed")
        return report

    def _reload(self, changed: Sequence[str]) -> RegionContent | None:
        """The region's content as stored now, each language read when it is first asked for: the
        store reads the ``changed`` ones anew and keeps what it holds of the others."""
        return self.store.on_demand(self.settings.api.region, self.settings.display.languages)
