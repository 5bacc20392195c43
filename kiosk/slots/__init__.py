"""Free appointment slots: what a slot source answers, and the interface every source offers.

A source is asked for one service at one office and answers with the next free days (and the times
of the first of them), or says plainly that it cannot tell and why. It never raises: the kiosk shows
whatever it gets and carries on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, Protocol

#: Why a source could not tell: the server could not be reached or timed out; it answered with an
#: error (5xx); it refused the question (an ``errors`` answer: unknown service, ...); its answer could
#: not be read; or the office shows free times only to a person on its booking page (a captcha).
Unavailable = Literal["unreachable", "server_error", "refused", "malformed", "online_only"]


@dataclass(frozen=True, slots=True)
class FreeDay:
    """A day with free appointments; ``times`` (aware, Berlin) may be empty if they were not asked for."""

    day: date
    times: tuple[datetime, ...] = ()


@dataclass(frozen=True, slots=True)
class SlotAnswer:
    """Free days for one service at one office, earliest first; or why there is no answer.

    No days and no ``unavailable`` reason means the source was asked and has nothing free.
    """

    service_id: int
    office_id: int
    days: tuple[FreeDay, ...] = ()
    unavailable: Unavailable | None = None
    #: The service's name as the source calls it (plain text, may be empty).
    service_name: str = ""
    #: One line for the log, never shown to visitors.
    detail: str = ""

    @property
    def next_free(self) -> datetime | None:
        """The earliest free appointment time known, if any."""
        return next((day.times[0] for day in self.days if day.times), None)

    @property
    def next_free_day(self) -> date | None:
        return self.days[0].day if self.days else None


class SlotSource(Protocol):
    """Anything that can tell the next free appointments for a service at an office."""

    async def next_free(self, service_id: int, office_id: int) -> SlotAnswer:
        """The next free days and times; never raises, says ``unavailable`` instead."""
        ...
