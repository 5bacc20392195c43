"""Reading what a ZMS citizen API answers: the office directory, free days, free times, refusals.

Every release since muc20 is read: ``available-days`` (``["2026-03-03", ...]``), its ``-by-office``
form (``[{time, providerIDs}]``), ``available-appointments`` (``{appointmentTimestamps}``) and its
``-by-office`` form (``{offices: [{officeId, appointments}]}``), and since muc46 the one
``available-calendar`` answer (``availableDays: [{date, providerIDs, offices: [...]}]``). Pure
functions over decoded JSON; anything unexpected reads as "nothing" or None, never an exception.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kiosk.content.text import one_line

NAME_LIMIT = 80
#: Error codes that mean "nothing free", not "something is wrong".
NOTHING_FREE = frozenset({
    "noAppointmentForThisDay", "noAppointmentsAtLocation", "appointmentNotAvailable",
    "noAppointmentForThisScope",
})  # fmt: skip
#: Error codes of a route the deployment does not have. ``notFound`` is the catch-all for unknown
#: routes since muc23 (``Endpoint not found``); the removed availability routes answer it since muc46.
NO_SUCH_ROUTE = frozenset({"notFound", "notImplemented", "requestMethodNotAllowed"})
#: Error codes of an office that wants a captcha token before it tells free times.
CAPTCHA = frozenset({
    "captchaMissing", "captchaInvalid", "captchaExpired", "captchaVerificationFailed",
    "captchaVerificationError",
})  # fmt: skip


@dataclass(frozen=True, slots=True)
class Directory:
    """What ``offices-and-services/`` says: service names, and the offices that want a captcha."""

    services: Mapping[int, str] = field(default_factory=dict)
    captcha_offices: frozenset[int] = frozenset()


def is_id(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return 0 < value < 2**31
    return isinstance(value, str) and value.strip().isdigit() and 0 < int(value) < 2**31


def error_codes(data: object) -> tuple[str, ...]:
    """The ``errorCode`` of each entry of an ``{errors: [...]}`` answer (empty if it is none)."""
    errors = data.get("errors") if isinstance(data, dict) else None
    if not isinstance(errors, list) or not errors:
        return ()
    return tuple(one_line(str(e.get("errorCode", "")))[:60] if isinstance(e, dict) else "?" for e in errors)


def directory(data: object) -> Directory:
    """Service names and captcha offices from ``offices-and-services/``; what does not fit is left out."""
    names: dict[int, str] = {}
    captcha: set[int] = set()
    services = data.get("services") if isinstance(data, dict) else None
    for item in services if isinstance(services, list) else []:
        if isinstance(item, dict) and is_id(item.get("id")) and isinstance(item.get("name"), str):
            names[int(item["id"])] = one_line(item["name"])[:NAME_LIMIT]
    offices = data.get("offices") if isinstance(data, dict) else None
    for office in offices if isinstance(offices, list) else []:
        if not isinstance(office, dict) or not is_id(office.get("id")):
            continue
        scope = office.get("scope")
        if isinstance(scope, dict) and scope.get("captchaActivatedRequired") is True:
            captcha.add(int(office["id"]))
    return Directory(names, frozenset(captcha))


def _lists_office(item: Mapping[str, Any], office_id: int) -> bool:
    providers = item.get("providerIDs")
    if isinstance(providers, str | int) and not isinstance(providers, bool):
        return str(office_id) in str(providers).replace(" ", "").split(",")
    return True


def day_of(item: object, office_id: int) -> date | None:
    """A day from ``"2026-03-03"``, ``{"time": ..., "providerIDs": ...}`` or ``{"date": ..., ...}``."""
    text = item
    if isinstance(item, dict):
        if not _lists_office(item, office_id):
            return None
        text = item.get("date", item.get("time"))
    if not isinstance(text, str):
        return None
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def timestamps(data: Mapping[str, Any], office_id: int) -> list[int] | None:
    """Epoch seconds from ``{appointmentTimestamps}`` or ``{offices: [{officeId, appointments}]}``."""
    raw: list[object] = []
    if "offices" in data:
        offices = data["offices"]
        if not isinstance(offices, list):
            return None
        for office in offices:
            if not isinstance(office, dict):
                continue
            ident = office.get("officeId", office.get("id"))
            if ident is not None and str(ident).strip() != str(office_id):
                continue
            found = office.get("appointments", office.get("appointmentTimestamps"))
            if isinstance(found, list):
                raw.extend(found)
    elif "appointmentTimestamps" in data:
        value = data["appointmentTimestamps"]
        if value is not None and not isinstance(value, list):
            return None
        raw = list(value or [])
    else:
        return None
    stamps: list[int] = []
    for item in raw:
        if isinstance(item, bool):
            continue
        number = int(item) if isinstance(item, str) and item.isdigit() else item
        # Between 2000 and 2100: anything else is not a real appointment.
        if isinstance(number, int) and 946_684_800 <= number <= 4_102_444_800:
            stamps.append(number)
    return stamps


def calendar(data: object, office_id: int) -> dict[date, list[int]] | None:
    """``available-calendar/``: each free day of the office with its times (None if it is not that answer)."""
    if not isinstance(data, dict) or "availableDays" not in data:
        return None
    raw = data["availableDays"]
    if raw is None:
        return {}
    if not isinstance(raw, list):
        return None
    days: dict[date, list[int]] = {}
    for item in raw:
        day = day_of(item, office_id)
        if day is None:
            continue
        stamps = timestamps(item, office_id) if isinstance(item, dict) and "offices" in item else []
        days.setdefault(day, []).extend(stamps or [])
    return days
