"""The Integreat CMS API v3 wire format as pydantic models, and validation record by record.

Fields differ between CMS versions, so almost everything is optional and unknown fields are
ignored; optional metadata that does not parse becomes None rather than costing the record.
``kiosk.sources.integreat.schema`` turns these into domain models.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from datetime import date, datetime, time
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError, WrapValidator
from pydantic_core.core_schema import ValidatorFunctionWrapHandler

log = logging.getLogger("kiosk.sources.integreat.schema")


class SchemaError(ValueError):
    """A response as a whole does not have the expected shape; keep the last good content."""


def _or_none(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """Optional metadata that does not parse becomes None instead of costing the whole record."""
    try:
        return handler(value)
    except ValidationError:
        return None


LenientDatetime = Annotated[datetime | None, WrapValidator(_or_none)]
LenientFloat = Annotated[float | None, WrapValidator(_or_none)]
LenientStr = Annotated[str | None, WrapValidator(_or_none)]
LenientBool = Annotated[bool | None, WrapValidator(_or_none)]
LenientInt = Annotated[int | None, WrapValidator(_or_none)]


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore")


class LinkWire(_Wire):
    id: int | None = None
    url: LenientStr = None
    path: LenientStr = None


class LanguageWire(_Wire):
    code: str
    native_name: LenientStr = None
    dir: LenientStr = None


class RegionWire(_Wire):
    name: str
    path: LenientStr = None
    latitude: LenientFloat = None
    longitude: LenientFloat = None
    languages: list[Any] | None = None


class _ContentWire(_Wire):
    id: int | None = None
    url: LenientStr = None
    path: LenientStr = None
    title: str | None = None
    content: LenientStr = None
    excerpt: LenientStr = None
    last_updated: LenientDatetime = None
    modified_gmt: LenientDatetime = None


class PageWire(_ContentWire):
    title: str
    # Parent and translation links that cannot be read leave a top-level page without links, not a lost one.
    parent: Annotated[LinkWire | int | None, WrapValidator(_or_none)] = None
    order: Annotated[int | None, WrapValidator(_or_none)] = None
    available_languages: Annotated[dict[str, Any] | list[Any] | None, WrapValidator(_or_none)] = None


class LocationWire(_Wire):
    id: int | None = None
    name: LenientStr = None
    address: LenientStr = None
    town: LenientStr = None
    postcode: LenientStr = None
    latitude: LenientFloat = None
    longitude: LenientFloat = None


class EventTimesWire(_Wire):
    id: int | None = None
    start: datetime | None = None
    end: LenientDatetime = None
    start_date: date | None = None
    start_time: time | None = None
    end_date: Annotated[date | None, WrapValidator(_or_none)] = None
    end_time: Annotated[time | None, WrapValidator(_or_none)] = None
    all_day: bool = False
    timezone: LenientStr = None
    only_weekdays: LenientBool = None
    #: Ties the occurrences of a series together when the API sends each as its own record.
    recurrence_id: LenientInt = None


class EventWire(_ContentWire):
    title: str
    event: EventTimesWire
    location: LocationWire | None = None
    recurrence_rule: LenientStr = None
    meeting_url: LenientStr = None


class CategoryWire(_Wire):
    id: LenientInt = None
    name: LenientStr = None


class OrganizationWire(_Wire):
    name: LenientStr = None
    website: LenientStr = None


class PlaceWire(_ContentWire):
    location: LocationWire | None = None
    category: Annotated[CategoryWire | str | None, WrapValidator(_or_none)] = None
    temporarily_closed: Annotated[bool | None, WrapValidator(_or_none)] = None
    opening_hours: list[Any] | None = None
    appointment_url: LenientStr = None
    website: LenientStr = None
    email: LenientStr = None
    phone_number: LenientStr = None
    contacts: list[Any] | None = None
    barrier_free: LenientBool = None
    organization: Annotated[OrganizationWire | None, WrapValidator(_or_none)] = None


W = TypeVar("W", bound=_Wire)
_ADAPTERS: dict[type[_Wire], TypeAdapter[list[Any]]] = {}


def decoded(data: Any) -> Any:
    """Raw JSON (bytes or str) decoded; anything else as it is."""
    if isinstance(data, bytes | bytearray | str):
        try:
            return json.loads(data)
        except ValueError as error:
            raise SchemaError(f"not JSON: {error}") from None
    return data


def validate_list(data: Any, model: type[W], what: str) -> list[W]:
    """Every record that fits ``model``; the ones that do not are dropped and logged in one line."""
    data = decoded(data)
    if not isinstance(data, list):
        raise SchemaError(f"{what}: expected a list, got {type(data).__name__}")
    adapter = _ADAPTERS.get(model)
    if adapter is None:
        adapter = _ADAPTERS[model] = TypeAdapter(list[model])  # type: ignore[valid-type]
    try:
        return adapter.validate_python(data)
    except ValidationError:
        pass  # some record is broken: find out which, keep the others
    kept: list[W] = []
    dropped: list[tuple[Any, str]] = []
    for record in data:
        try:
            kept.append(model.model_validate(record))
        except ValidationError as error:
            dropped.append((_record_id(record), reason(error)))
    _log_dropped(what, len(data), dropped)
    return kept


def convert_each(wires: Iterable[W], convert: Callable[[W], Any], what: str) -> list[Any]:
    """``convert`` applied to each record; a record it rejects (ValueError) is dropped and logged."""
    out: list[Any] = []
    dropped: list[tuple[Any, str]] = []
    count = 0
    for wire in wires:
        count += 1
        try:
            out.append(convert(wire))
        except (ValueError, TypeError, OverflowError) as error:
            dropped.append((getattr(wire, "id", None), str(error)[:200]))
    _log_dropped(what, count, dropped)
    return out


def _record_id(record: Any) -> Any:
    return record.get("id") if isinstance(record, dict) else f"<{type(record).__name__}>"


def reason(error: ValidationError) -> str:
    """The first problem of a validation error, without the (untrusted) input value."""
    first = error.errors(include_url=False, include_input=False)[0]
    return f"{'.'.join(str(part) for part in first['loc']) or 'record'}: {first['msg']}"


def _log_dropped(what: str, total: int, dropped: list[tuple[Any, str]]) -> None:
    if dropped:
        ids = ", ".join(repr(record_id) for record_id, _ in dropped[:20])
        log.warning("dropped %d of %d %s that did not fit (ids %s%s); first: %s", len(dropped), total, what,
                    ids, ", ..." if len(dropped) > 20 else "", dropped[0][1])  # fmt: skip
