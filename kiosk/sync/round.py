"""One sync round over the region's languages.

A round asks for the region's languages, then for pages, events, locations and location categories
of every configured language the region offers, conditionally where the store has validators. A
resource that fails keeps its last-known-good content; a body that is byte-for-byte what is stored is
not parsed again. Each resource's failure episode is logged once when it starts and once when it
ends, never per retry.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

from kiosk.clock import Clock, berlin_now
from kiosk.config import Settings
from kiosk.content.models import Language
from kiosk.content.text import one_line
from kiosk.sources.integreat.client import (
    Fetched,
    FetchError,
    IntegreatClient,
    RetryPolicy,
    Sleep,
    Validators,
)
from kiosk.sources.integreat.schema import (
    parse_events,
    parse_languages,
    parse_pages,
    parse_place_categories,
    parse_places,
)
from kiosk.store import (
    CATEGORIES,
    KINDS,
    LANGUAGES,
    Changed,
    Failed,
    Outcome,
    ResourceState,
    Store,
    StoreWriteError,
    Unchanged,
)

log = logging.getLogger("kiosk.sync")  # one logger for the package: what staff filter the journal by

_PARSERS: dict[str, Callable[[Any], list[Any]]] = {
    LANGUAGES: parse_languages, "pages": parse_pages, "events": parse_events, "locations": parse_places,
    CATEGORIES: parse_place_categories,
}  # fmt: skip


#: Bodies up to this size are hashed on the event loop (well under a millisecond).
_INLINE_BYTES = 64 * 1024


class SyncConfigError(Exception):
    """Syncing is not possible with these settings (no API configured)."""


@dataclass(frozen=True, slots=True)
class SyncProblem:
    """One resource that could not be refreshed this round."""

    language: str  # "" for the region's language list
    kind: str
    message: str

    @property
    def resource(self) -> str:
        return f"{self.language}/{self.kind}" if self.language else self.kind

    def to_json(self) -> dict[str, str]:
        return {"resource": self.resource, "error": self.message}


@dataclass
class SyncReport:
    """What a round did: records stored per language afterwards, what failed, what changed."""

    region: str
    languages: dict[str, dict[str, int | None]] = field(default_factory=dict)
    errors: list[SyncProblem] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # languages with new content ("" = language list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def to_json(self) -> dict[str, Any]:
        return {
            "region": self.region,
            "languages": self.languages,
            "errors": [problem.to_json() for problem in self.errors],
        }


# -- one round --------------------------------------------------------------------------------


@dataclass
class _Round:
    client: IntegreatClient
    store: Store
    region: str
    previous: dict[tuple[str, str], ResourceState]
    stored_languages: list[Language]
    report: SyncReport
    at: datetime
    quiet: dict[str, list[Outcome]] = field(default_factory=dict)

    async def resource(self, language: str, kind: str, request: Callable[..., Awaitable[Fetched]]) -> Outcome:
        """Fetch, and parse only if the body is new; any failure becomes a :class:`Failed`."""
        state = self.previous.get((language, kind))
        validators = None
        if state is not None and state.source == "api":
            validators = Validators(state.etag, state.last_modified)
        try:
            fetched = await request(validators)
        except FetchError as error:
            return self.note(language, Failed(kind, one_line(str(error))))
        fresh = fetched.validators
        if fetched.body is None:
            return self.note(language, Unchanged(kind, fresh.etag, fresh.last_modified))
        body = fetched.body
        # A small body (an empty list of categories) is hashed at once; a thread hop costs more.
        digest = _digest(body) if len(body) <= _INLINE_BYTES else await asyncio.to_thread(_digest, body)
        if state is not None and state.source == "api" and state.body_hash == digest:
            return self.note(language, Unchanged(kind, fresh.etag, fresh.last_modified))
        try:
            records = await asyncio.to_thread(_parse, kind, fetched.body)
        except (ValueError, TypeError, RecursionError) as error:  # not JSON, wrong shape, nothing usable
            reason = one_line(str(error))[:200] or type(error).__name__
            return self.note(language, Failed(kind, f"unusable answer: {reason}"))
        except Exception as error:  # a parser bug must not end the round (nor the kiosk)
            log.exception("%s/%s/%s: the parser failed", self.region, language, kind)
            return self.note(language, Failed(kind, f"unreadable answer ({type(error).__name__})"))
        return self.note(language, Changed(kind, records, fresh.etag, fresh.last_modified, digest))

    def note(self, language: str, outcome: Outcome) -> Outcome:
        """Log the start and the end of a failure episode (the stored last_error says if one is open)."""
        state = self.previous.get((language, outcome.kind))
        was_failing = state is not None and state.last_error is not None
        name = f"{self.region}/{language}/{outcome.kind}" if language else f"{self.region}/{outcome.kind}"
        if isinstance(outcome, Failed):
            self.report.errors.append(SyncProblem(language, outcome.kind, outcome.error))
            if not was_failing:
                log.warning("%s: %s; keeping the last good content", name, outcome.error)
        elif was_failing:
            log.info("%s: refreshed again", name)
        return outcome

    async def save(self, outcomes: dict[str, list[Outcome]], language: str = "") -> bool:
        """Store outcomes (one transaction); a failed write is a problem in the report, not a crash."""
        return await asyncio.to_thread(self.record, outcomes, language)

    def record(self, outcomes: dict[str, list[Outcome]], language: str = "") -> bool:
        """:meth:`save` in the caller's thread."""
        try:
            self.store.record_round(self.region, outcomes, self.at)
        except StoreWriteError as error:  # the store has logged it, once
            self.report.errors.append(SyncProblem(language, "store", str(error)))
            return False
        return True

    def finish(self) -> dict[str, dict[str, int]]:
        """The quiet resources' confirmations stored, then what the store holds (one thread hop)."""
        if self.quiet:
            self.record(self.quiet)
        return self.store.counts(self.region)

    async def languages(self) -> list[Language]:
        outcome = await self.resource("", LANGUAGES, self.client.languages)
        if isinstance(outcome, Changed):
            if await self.save({"": [outcome]}):
                self.report.changed.append("")
            return list(outcome.records)  # type: ignore[arg-type]
        self.quiet[""] = [outcome]
        return self.stored_languages

    async def language(self, code: str) -> None:
        """A language's four resources, fetched together; new content stored in one transaction."""
        client = self.client
        outcomes = await asyncio.gather(
            self.resource(code, "pages", lambda validators: client.pages(code, validators)),
            self.resource(code, "events", lambda validators: client.events(code, validators)),
            self.resource(code, "locations", lambda validators: client.locations(code, validators)),
            self.resource(code, CATEGORIES, lambda validators: client.location_categories(code, validators)),
        )
        if not any(isinstance(outcome, Changed) for outcome in outcomes):
            self.quiet[code] = list(outcomes)
        elif await self.save({code: list(outcomes)}, code):
            self.report.changed.append(code)


def _stored(store: Store, region: str) -> tuple[list[ResourceState], list[Language]]:
    """What a round starts from: each resource's state and the region's languages as stored."""
    return store.states(region), store.languages(region)


def _digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _parse(kind: str, body: bytes) -> list[Any]:
    try:
        data = json.loads(body)
    except json.JSONDecodeError as error:
        raise ValueError(f"not valid JSON ({error.msg}, line {error.lineno} column {error.colno})") from None
    records = _PARSERS[kind](data)
    if not records and (not isinstance(data, list) or data or kind == LANGUAGES):
        total = len(data) if isinstance(data, list) else 0
        raise ValueError(f"none of the {total} records is usable" if total else "no languages")
    return records


async def sync_once(
    settings: Settings,
    store: Store,
    clock: Clock | None = None,
    *,
    retry: RetryPolicy | None = None,
    sleep: Sleep = asyncio.sleep,
    transport: httpx.AsyncBaseTransport | None = None,
) -> SyncReport:
    """One full round for every configured language the region offers.

    Raises SyncConfigError without an API, StoreError if the store cannot even be read; everything
    else (network, server, content, a store that cannot be written) is a problem in the report.
    """
    api = settings.api
    if not api.base_url:
        raise SyncConfigError("no content API configured: set base_url in [api] (or KIOSK_API__BASE_URL)")
    at = (clock or berlin_now)()
    report = SyncReport(api.region)
    states, stored_languages = await asyncio.to_thread(_stored, store, api.region)
    previous = {(s.language, s.kind): s for s in states}
    client = IntegreatClient(
        api.base_url, api.region, api.timeout_s, api.max_response_mb * 1024 * 1024,
        retry=retry, sleep=sleep, transport=transport,
    )  # fmt: skip
    async with client:
        sync = _Round(client, store, api.region, previous, stored_languages, report, at)
        offered = await sync.languages()
        codes = {language.code for language in offered}
        wanted = [code for code in settings.display.languages if code in codes]
        if not offered:
            pass  # the language list failed and nothing is stored: nothing to refresh
        elif any(problem.kind == LANGUAGES for problem in report.errors):
            pass  # the server is failing: one error this round, not one per resource
        elif not wanted:
            configured = ", ".join(settings.display.languages)
            problem = f"the region offers none of the configured languages ({configured})"
            report.errors.append(SyncProblem("", LANGUAGES, problem))
        else:
            # One language at a time: it bounds memory (bodies and parsed records of one language),
            # and parsing is CPU-bound anyway, so more at once only made the whole round slower.
            for code in wanted:
                await sync.language(code)
        counts = await asyncio.to_thread(sync.finish)
    order = {code: n for n, code in enumerate(["", *wanted])}
    kinds = {kind: n for n, kind in enumerate([LANGUAGES, *KINDS, CATEGORIES, "store"])}
    report.errors.sort(key=lambda problem: (order.get(problem.language, -1), kinds.get(problem.kind, -1)))
    for code in wanted:
        stored = counts.get(code, {})
        report.languages[code] = {kind: stored.get(kind) for kind in KINDS}
    return report
