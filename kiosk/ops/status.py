"""The one line staff read in ``systemctl status kiosk``: where the content is from, how old, the last sync.

The kiosk sends it as ``STATUS=`` (through the kiosk session) at start, when new content arrives and
every minute. Times are absolute, so the line does not go stale between updates.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from kiosk.config import Settings
from kiosk.store import LANGUAGES, ResourceState, Store, StoreError

log = logging.getLogger(__name__)

#: Seconds between two status lines while nothing else happens (sync rounds without news, age).
REFRESH_S = 60.0
_ERROR_MAX = 80


def status_line(
    states: Sequence[ResourceState],
    *,
    api_configured: bool,
    loaded: Sequence[str],
    configured: Sequence[str],
    now: datetime,
) -> str:
    """E.g. ``content from the API of 2 Dec 14:05, last sync 14:20 ok; languages 12/12: de en ...``."""
    api = [s for s in states if s.source == "api" and s.kind != LANGUAGES]
    confirmed = [s.confirmed_at for s in api if s.confirmed_at is not None]
    if confirmed:
        content = f"content from the API of {_when(min(confirmed), now)}"
    elif api_configured:
        content = "bundled content (nothing from the API yet)"
    else:
        content = "bundled content (no content API configured)"
    parts = [content]
    if api_configured:
        parts.append(_last_sync(states, now))
    shown = " ".join(loaded)
    return f"{', '.join(parts)}; languages {len(loaded)}/{len(configured)}: {shown}"


def _last_sync(states: Sequence[ResourceState], now: datetime) -> str:
    attempts = [s for s in states if s.attempted_at is not None]
    if not attempts:
        return "no sync yet"
    latest = max(attempts, key=lambda s: s.attempted_at or now)
    when = _when(latest.attempted_at or now, now)
    failing = [s for s in states if s.last_error]
    if not failing:
        return f"last sync {when} ok"
    error = " ".join(failing[0].last_error.split()) if failing[0].last_error else ""
    if len(error) > _ERROR_MAX:
        error = error[: _ERROR_MAX - 1] + "…"
    return f"last sync {when}: {len(failing)} of {len(states)} failed ({error})"


def _when(moment: datetime, now: datetime) -> str:
    local = moment.astimezone(now.tzinfo)
    if local.date() == now.date():
        return local.strftime("%H:%M")
    return f"{local.day} {local.strftime('%b %H:%M')}"


def status_from_store(store: Store | None, settings: Settings, loaded: Sequence[str], now: datetime) -> str:
    """:func:`status_line` for the configured region; never raises (a broken store is named instead)."""
    configured = settings.display.languages
    api_configured = bool(settings.api.base_url)
    if store is None:
        return status_line([], api_configured=api_configured, loaded=loaded, configured=configured, now=now)
    try:
        states = store.states(settings.api.region)
    except StoreError as error:
        log.warning("status line: the content store cannot be read: %s", error)
        return f"content store unreadable ({error}); languages {len(loaded)}/{len(configured)}"
    return status_line(states, api_configured=api_configured, loaded=loaded, configured=configured, now=now)
