"""When and how content is refreshed: one round over the region's languages, and the background loop.

A round asks for the region's languages, then for pages, events and locations of every configured
language the region offers, conditionally where the store has validators. A resource that fails
keeps its last-known-good content; a body that is byte-for-byte what is stored is not parsed again.
Each resource's failure episode is logged once when it starts and once when it ends, never per
retry. ``sync_command`` is ``kiosk sync --once [--json]``.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import logging
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

import httpx

from kiosk.config import ConfigError, Settings, load_settings
from kiosk.content.models import Language, LanguageContent, RegionContent
from kiosk.content.text import one_line
from kiosk.sources.integreat import Fetched, FetchError, IntegreatClient, RetryPolicy, Sleep, Validators
from kiosk.sources.integreat_schema import BERLIN, parse_events, parse_languages, parse_pages, parse_places
from kiosk.store import (
    KINDS,
    LANGUAGES,
    Changed,
    Failed,
    Outcome,
    ResourceState,
    Source,
    Store,
    StoreError,
    StoreWriteError,
    Unchanged,
)

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
_PARSERS: dict[str, Callable[[Any], list[Any]]] = {
    LANGUAGES: parse_languages, "pages": parse_pages, "events": parse_events, "locations": parse_places,
}  # fmt: skip


def berlin_now() -> datetime:
    return datetime.now(BERLIN)


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
        digest = await asyncio.to_thread(_digest, fetched.body)
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
        try:
            await asyncio.to_thread(self.store.record_round, self.region, outcomes, self.at)
        except StoreWriteError as error:  # the store has logged it, once
            self.report.errors.append(SyncProblem(language, "store", str(error)))
            return False
        return True

    async def languages(self) -> list[Language]:
        outcome = await self.resource("", LANGUAGES, self.client.languages)
        if isinstance(outcome, Changed):
            if await self.save({"": [outcome]}):
                self.report.changed.append("")
            return list(outcome.records)  # type: ignore[arg-type]
        self.quiet[""] = [outcome]
        return await asyncio.to_thread(self.store.languages, self.region)

    async def language(self, code: str) -> None:
        """A language's three resources, fetched together; new content stored in one transaction."""
        client = self.client
        outcomes = await asyncio.gather(
            self.resource(code, "pages", lambda validators: client.pages(code, validators)),
            self.resource(code, "events", lambda validators: client.events(code, validators)),
            self.resource(code, "locations", lambda validators: client.locations(code, validators)),
        )
        if not any(isinstance(outcome, Changed) for outcome in outcomes):
            self.quiet[code] = list(outcomes)
        elif await self.save({code: list(outcomes)}, code):
            self.report.changed.append(code)


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
    previous = {(s.language, s.kind): s for s in await asyncio.to_thread(store.states, api.region)}
    client = IntegreatClient(
        api.base_url, api.region, api.timeout_s, api.max_response_mb * 1024 * 1024,
        retry=retry, sleep=sleep, transport=transport,
    )  # fmt: skip
    async with client:
        sync = _Round(client, store, api.region, previous, report, at)
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
        if sync.quiet:
            await sync.save(sync.quiet)
    order = {code: n for n, code in enumerate(["", *wanted])}
    kinds = {kind: n for n, kind in enumerate([LANGUAGES, *KINDS, "store"])}
    report.errors.sort(key=lambda problem: (order.get(problem.language, -1), kinds.get(problem.kind, -1)))
    counts = await asyncio.to_thread(store.counts, api.region)
    for code in wanted:
        stored = counts.get(code, {})
        report.languages[code] = {kind: stored.get(kind) for kind in KINDS}
    return report


# -- in the kiosk -------------------------------------------------------------------------------


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
    settings: Settings, store: Store, languages: Sequence[str] | None = None
) -> RegionContent | None:
    """What to show at start: the configured region from the store (seeded from the snapshot if empty)."""
    try:
        store.seed_from_snapshot()
    except StoreError as error:
        log.warning("cannot seed the content store from the snapshot: %s", error)
    wanted = list(languages if languages is not None else settings.display.languages)
    try:
        content = store.load_region(settings.api.region, wanted)
        if content is None:
            for region in store.regions():
                if region != settings.api.region and store.provenance(region)[0] == "snapshot":
                    content = store.load_region(region, wanted)
                    break
    except StoreError as error:  # the caller shows the bundled snapshot instead
        log.error("cannot read the content store, showing the bundled content: %s", error)
        return None
    return content


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
        """The region's content with only the changed languages read again from the store."""
        region = self.settings.api.region
        previous = self.content
        if previous is None or "" in changed:
            return self.store.load_region(region, self.settings.display.languages)
        by_language: dict[str, LanguageContent] = dict(previous.by_language)
        for code in changed:
            fresh = self.store.load_language(region, code)
            if fresh is not None:
                by_language[code] = fresh
        source, fetched_at = self.store.provenance(region)
        languages = [lang for lang in self.store.languages(region) if lang.code in by_language]
        return RegionContent(region, languages, {lang.code: by_language[lang.code] for lang in languages},
                             source, fetched_at)  # fmt: skip


# -- kiosk sync --once --------------------------------------------------------------------------


def _describe(report: SyncReport) -> list[str]:
    lines = []
    for code, counts in report.languages.items():
        parts = [f"{kind} {'-' if n is None else n}" for kind, n in counts.items()]
        lines.append(f"{report.region}/{code}: {', '.join(parts)}")
    return lines


def sync_command(args: list[str]) -> int:
    """``kiosk sync --once [--json]``: 0 all fine, 1 some resource failed, 2 configuration error."""
    parser = argparse.ArgumentParser(prog="kiosk sync", description="Refresh the content from the city API.")
    parser.add_argument("--once", action="store_true", help="one full round, then exit (required)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    try:
        options = parser.parse_args(args)
    except SystemExit as stop:
        return 0 if stop.code == 0 else 2
    if not options.once:
        print("kiosk sync: only --once is supported (the kiosk refreshes by itself)", file=sys.stderr)
        return 2
    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"kiosk sync: {error}", file=sys.stderr)
        return 2
    if not settings.api.base_url:
        print("kiosk sync: no content API configured: set base_url in [api] (or KIOSK_API__BASE_URL)",
              file=sys.stderr)  # fmt: skip
        return 2
    try:
        store = Store.open(settings.paths.state_dir)
        try:
            report = asyncio.run(sync_once(settings, store))
        finally:
            store.close()
    except StoreError as error:
        print(f"kiosk sync: {error}", file=sys.stderr)
        return 1
    if options.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        print("\n".join(_describe(report)) or f"{report.region}: nothing refreshed")
        for problem in report.errors:
            print(f"failed: {problem.resource}: {problem.message}", file=sys.stderr)
    return report.exit_code


__all__ = [
    "ContentStatus",
    "SyncConfigError",
    "SyncProblem",
    "SyncReport",
    "Syncer",
    "content_age",
    "content_at_start",
    "sync_command",
    "sync_once",
]
