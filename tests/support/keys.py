"""Keys as a terminal delivers them: a whole burst queued before the app handles the first.

Pilot's ``press`` waits for the app to go idle after every key (about 15 ms each), which is both slow
for thousands of keys and kinder than a real terminal, whose one read can hold many keys.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

from textual import events
from textual.app import App
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key
from textual.pilot import Pilot

from tests.support.waiting import settle


def key_event(key: str) -> events.Key:
    """The event Pilot would send for ``key`` (a Textual key name or a single character)."""
    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    try:
        char: str | None = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


async def burst(pilot: Pilot[None], app: App[Any], keys: Iterable[str]) -> None:
    """Queue every key in ``keys`` at once, then wait until the app has handled them all."""
    driver = app._driver
    assert driver is not None, "the app is not running"
    for key in keys:
        driver.send_message(key_event(key))
    await settle(pilot, app)
