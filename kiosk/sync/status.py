"""What the kiosk shows at start and how fresh it is: the store's content and its age."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from kiosk.config import Settings
from kiosk.content.models import RegionContent
from kiosk.store import KINDS, LANGUAGES, Kind, Source, Store, StoreError

log = logging.getLogger("kiosk.sync")  # one logger for the package: what staff filter the journal by


class ContentStatus(NamedTuple):
    """For the status line: where the content is from, how fresh, and why the server is unreachable."""

    source: Source
    fetched_at: datetime | None
    last_error: str | None


def content_age(store: Store, region: str, language: str | None = None) -> ContentStatus:
    """ "Updated 5 minutes ago" (no ``last_error``) or "Offline — content from 12 March, 14:05".

    ``fetched_at`` is the oldest confirmation among the stored resources (of ``language`` if given),
    so a resource that keeps failing ages the content honestly. ``last_error`` is set only while the
    server cannot be reached as a whole (its language list fails): a single missing resource is for
    staff (``kiosk sync`` reports it), not a reason to tell visitors the kiosk is offline.
    """
    states = store.states(region)
    listing = next((s for s in states if s.kind == LANGUAGES), None)
    last_error = listing.last_error if listing is not None else None
    offered = {lang.code for lang in store.languages(region)}
    confirmed = [
        s.confirmed_at
        for s in states
        if s.source == "api" and s.confirmed_at is not None and s.kind != LANGUAGES
        and s.language in offered and language in (None, s.language)
    ]  # fmt: skip
    if confirmed:
        return ContentStatus("api", min(confirmed), last_error)
    # Nothing from the API for this region yet: the kiosk shows the bundled snapshot.
    snapshot = [s.confirmed_at for s in store.states() if s.source == "snapshot" and s.confirmed_at]
    return ContentStatus("snapshot", max(snapshot, default=None), last_error)


def content_at_start(
    settings: Settings, store: Store, languages: Sequence[str] | None = None, kinds: Sequence[Kind] = KINDS
) -> RegionContent | None:
    """What to show at start: the configured region from the store (seeded from the snapshot if empty);
    only ``kinds`` of it if given (the rest loads once the first frame is up)."""
    try:
        store.seed_from_snapshot()
    except StoreError as error:
        log.warning("cannot seed the content store from the snapshot: %s", error)
    wanted = list(languages if languages is not None else settings.display.languages)
    try:
        content = store.load_region(settings.api.region, wanted, kinds)
        if content is None:
            for region in store.regions():
                if region != settings.api.region and store.provenance(region)[0] == "snapshot":
                    content = store.load_region(region, wanted, kinds)
                    break
    except StoreError as error:  # the caller shows the bundled snapshot instead
        log.error("cannot read the content store, showing the bundled content: %s", error)
        return None
    return content
