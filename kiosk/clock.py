"""The kiosk's one time zone and its clock: everything the visitor sees happens in Dortmund.

Time is always aware. Code that needs "now" takes a :data:`Clock` (tests pass a frozen one) and
defaults to :func:`berlin_now`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")

#: Something that says what time it is now (aware, any zone).
Clock = Callable[[], datetime]


def berlin_now() -> datetime:
    """Now, in Dortmund."""
    return datetime.now(BERLIN)
