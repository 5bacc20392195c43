"""What the slot source answers right now, per configured service: for staff (``kiosk slots``) and
for ``kiosk doctor``. Asked afresh (no cache), with the configured office and services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kiosk.clock import Clock, berlin_now
from kiosk.config import SlotSettings
from kiosk.slots import SlotAnswer
from kiosk.slots.zms import API_NAMES, ZmsSlotSource

#: Why there is no answer, in words staff understand.
WHY: dict[str, str] = {
    "unreachable": "the slot server cannot be reached or did not answer in time",
    "server_error": "the slot server answered with an error",
    "refused": "the slot server refused the question (is the service offered at this office?)",
    "malformed": "the slot server's answer could not be read",
    "online_only": "this office shows free times only on its booking page (captcha): online only",
}
DAYS_SHOWN = 5


@dataclass(frozen=True, slots=True)
class SlotsReport:
    """The answers for every configured service, and which API the server speaks."""

    office_id: int
    answers: tuple[SlotAnswer, ...]
    api: str = ""

    @property
    def failed(self) -> bool:
        """True when some service could not be asked at all (online only is an answer, not a failure)."""
        return any(a.unavailable not in (None, "online_only") for a in self.answers)

    def to_json(self) -> dict[str, Any]:
        return {
            "office_id": self.office_id,
            "api": self.api,
            "services": [
                {
                    "service_id": a.service_id,
                    "name": a.service_name,
                    "unavailable": a.unavailable,
                    "why": WHY.get(a.unavailable or "", ""),
                    "detail": a.detail,
                    "days": [
                        {"date": d.day.isoformat(), "times": [t.isoformat() for t in d.times]} for d in a.days
                    ],
                }
                for a in self.answers
            ],
        }

    def lines(self) -> list[str]:
        """One line per service: its next free days (with times where known), or why none."""
        out = [f"office {self.office_id}" + (f", {self.api}" if self.api else "")]
        for answer in self.answers:
            name = f"service {answer.service_id}" + (
                f" ({answer.service_name})" if answer.service_name else ""
            )
            out.append(f"{name}: {describe(answer)}")
        return out


def describe(answer: SlotAnswer) -> str:
    if answer.unavailable is not None:
        return f"none: {WHY[answer.unavailable]}" + (f" [{answer.detail}]" if answer.detail else "")
    if not answer.days:
        return "nothing free in the days asked for"
    parts = []
    for day in answer.days[:DAYS_SHOWN]:
        times = " ".join(t.strftime("%H:%M") for t in day.times[:6])
        parts.append(f"{day.day.isoformat()}" + (f" {times}" if times else ""))
    more = f" (+{len(answer.days) - DAYS_SHOWN} more days)" if len(answer.days) > DAYS_SHOWN else ""
    return "; ".join(parts) + more


async def ask_slots(
    settings: SlotSettings, clock: Clock = berlin_now, timeout_s: float | None = None
) -> SlotsReport:
    """Ask the configured source about every configured service, one after the other."""
    office = settings.office_id
    if not settings.enabled or office is None:
        raise ValueError("[slots] is not configured: base_url, office_id and service_ids are needed")
    if timeout_s is not None:
        settings = settings.model_copy(update={"timeout_s": min(timeout_s, settings.timeout_s), "cache_s": 0})
    source = ZmsSlotSource.from_settings(settings, clock=clock)
    answers = []
    for service_id in settings.service_ids:
        answers.append(await source.next_free(service_id, office))
    api = API_NAMES[source.api] if source.api is not None else ""
    return SlotsReport(office, tuple(answers), api)
