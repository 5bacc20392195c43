"""SQLite store of last-known-good content per region and language, with its sync metadata.

One file, ``state_dir/content.sqlite3``, in WAL mode with ``synchronous=FULL``: a language's new
content, its validators and its sync state commit in one transaction, so a crash (or power cut) at
any moment leaves either the old or the new content of a language, never a mix, and never new
validators over old content. (A round without new content commits without the fsync: see
:meth:`Store.record_round`.) Records are stored as the API's JSON, re-serialised from what the
parsers accepted, and read back through the same parsers. A corrupt file is moved aside (never
deleted) and the store starts fresh; a failed write raises :class:`StoreWriteError`, logged once.

Schema 3 keeps each page's HTML in a table of its own too (``page_html``, filled in the same
transaction as the pages), so a running kiosk can hold every language's topic tree in memory and read
a page's text only when it is shown (:class:`StoredPage`). A store of schema 2 gets the table filled
from its stored pages when it is opened.

Schema 4 keeps each language's pages once more, lean (``page_tree``: no HTML, links by id only,
written with the pages), which is what a running kiosk reads when a visitor chooses a language
(:meth:`Store.on_demand`): a tenth of the pages' JSON to parse. A store of schema 3 gets it when opened.

Schema 2 (the series, weekday-only and online events, step-free access, organizations, contacts'
hours, location categories): a store of schema 1 keeps every record it has, and forgets only its
validators, so the next sync fetches each resource in full instead of hearing "not modified" about
records stored without the new fields. Until that sync succeeds the old records are still shown.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from kiosk.content.models import (
    Event,
    Language,
    LanguageContent,
    Page,
    Place,
    PlaceCategory,
    RegionContent,
    shared_text,
)
from kiosk.memory import give_back_memory
from kiosk.sources.integreat.records import pages_from_records, records_json
from kiosk.sources.integreat.schema import (
    parse_events,
    parse_languages,
    parse_pages,
    parse_place_categories,
    parse_places,
)
from kiosk.store.languages import LanguageCache, StoredLanguages
from kiosk.store.pages import StoredLinks, StoredPage, link_ids
from kiosk.store.sqlite import SQLiteFile, StoreClosed, StoreError

log = logging.getLogger("kiosk.store")  # one logger for the package: what staff filter the journal by

FILE_NAME = "content.sqlite3"
SCHEMA_VERSION = 4
#: How many page texts a store keeps at hand: the pages a visitor has open, and a few back.
HTML_CACHE = 32
Kind = Literal["pages", "events", "locations"]
KINDS: tuple[Kind, ...] = ("pages", "events", "locations")
LANGUAGES = "languages"  # the kind of a region's language list, stored under language ""
#: A language's kinds of places; an extra, not counted among a language's content.
CATEGORIES = "location-categories"
Source = Literal["api", "snapshot"]
_PARSERS: dict[str, Callable[[Any], list[Any]]] = {
    "pages": parse_pages,
    "events": parse_events,
    "locations": parse_places,
    CATEGORIES: parse_place_categories,
    LANGUAGES: parse_languages,
}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS content (
    region TEXT NOT NULL, language TEXT NOT NULL, kind TEXT NOT NULL,
    count INTEGER NOT NULL, records TEXT NOT NULL,  -- the big column last: reading count skips it
    PRIMARY KEY (region, language, kind)
);
CREATE TABLE IF NOT EXISTS resource_state (
    region TEXT NOT NULL, language TEXT NOT NULL, kind TEXT NOT NULL,
    source TEXT, etag TEXT, last_modified TEXT, body_hash TEXT,
    fetched_at TEXT, confirmed_at TEXT, attempted_at TEXT, last_error TEXT,
    PRIMARY KEY (region, language, kind)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS page_html (
    region TEXT NOT NULL, language TEXT NOT NULL, id INTEGER NOT NULL, html TEXT NOT NULL,
    PRIMARY KEY (region, language, id)
);
CREATE TABLE IF NOT EXISTS page_tree (
    region TEXT NOT NULL, language TEXT NOT NULL, records TEXT NOT NULL, links TEXT NOT NULL,
    PRIMARY KEY (region, language)
);
"""
_PUT_HTML = "INSERT OR REPLACE INTO page_html (region, language, id, html) VALUES (?, ?, ?, ?)"
# Every stored page's HTML, from the pages' own records (the records are what the parsers accepted).
_FILL_HTML = """
INSERT OR REPLACE INTO page_html (region, language, id, html)
SELECT c.region, c.language, json_extract(j.value, '$.id'), json_extract(j.value, '$.content')
FROM content AS c, json_each(c.records) AS j
WHERE c.kind = 'pages' AND json_valid(c.records) AND json_type(c.records) = 'array'
  AND json_type(j.value, '$.id') = 'integer' AND typeof(json_extract(j.value, '$.id')) = 'integer'
  AND json_type(j.value, '$.content') = 'text'
"""
_SQLITE_INTEGERS = (-(2**63), 2**63 - 1)
# Each language's page records without their HTML and links, and beside them each page's links as
# {language: id} (see kiosk.store.pages): cut by SQLite from the stored pages, so Python never holds
# the texts and addresses, not even for a moment. Kept in ``page_tree`` (schema 4), written with the
# pages: reading a language then parses a tenth of what its pages are.
_LEAN_PAGES = """
SELECT region, language, json_group_array(json(record)), json_group_array(json(links)) FROM (
  SELECT c.region AS region, c.language AS language,
    json_set(j.value, '$.content', '', '$.available_languages', json('{}')) AS record,
    (SELECT json_group_object(l.key, json_extract(l.value, '$.id'))
     FROM json_each(j.value, '$.available_languages') AS l) AS links
  FROM content AS c, json_each(c.records) AS j
  WHERE c.kind = 'pages' AND json_valid(c.records) AND json_type(c.records) = 'array'
    AND (c.region, c.language) IN (SELECT region, language FROM content WHERE :which)
  ORDER BY c.region, c.language, j.key)
GROUP BY region, language
"""
_FILL_TREE = "INSERT OR REPLACE INTO page_tree (region, language, records, links) " + _LEAN_PAGES
_PUT_TREE = _FILL_TREE.replace(":which", "region = ? AND language = ?")
_STORED_PAGES = (
    "SELECT (SELECT records FROM page_tree WHERE region = ?1 AND language = ?2), "
    "(SELECT links FROM page_tree WHERE region = ?1 AND language = ?2)"
)
_LINK_ADDRESS = """
SELECT json_extract(l.value, '$.url'), json_extract(l.value, '$.path')
FROM content AS c, json_each(c.records) AS j, json_each(j.value, '$.available_languages') AS l
WHERE c.region = ? AND c.language = ? AND c.kind = 'pages' AND json_extract(j.value, '$.id') = ?
  AND l.key = ?
"""
_PUT_CONTENT = (
    "INSERT OR REPLACE INTO content (region, language, kind, count, records) VALUES (?, ?, ?, ?, ?)"
)


def _migrate(db: sqlite3.Connection, found: int) -> None:
    """Schema 1 -> 2: keep the content, forget the validators, so the next sync fetches it all anew.
    2 -> 3: each stored page's HTML into ``page_html``. 3 -> 4: each language's lean pages into
    ``page_tree``. Repeatable (a crash in between repeats it)."""
    if found < 2:
        db.execute("UPDATE resource_state SET etag = NULL, last_modified = NULL, body_hash = NULL")
        log.info("content store: schema %d -> %d; the next sync fetches every resource in full", found,
                 SCHEMA_VERSION)  # fmt: skip
    if found < 3:
        db.execute("DELETE FROM page_html")
        db.execute(_FILL_HTML)
    db.execute("DELETE FROM page_tree")
    db.execute(_FILL_TREE.replace(":which", "kind = 'pages'"))


@dataclass(frozen=True, slots=True)
class ResourceState:
    """What the store knows about one resource: where it came from, its validators, how it went."""

    region: str
    language: str
    kind: str
    source: Source | None = None
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    fetched_at: datetime | None = None
    confirmed_at: datetime | None = None
    attempted_at: datetime | None = None
    last_error: str | None = None


@dataclass(frozen=True, slots=True)
class Changed:
    """New content for a resource, with the validators and body hash it came with."""

    kind: str
    records: Sequence[Page | Event | Place | PlaceCategory | Language]
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None


@dataclass(frozen=True, slots=True)
class Unchanged:
    """The server confirmed the stored content is current (304, or the same body); new validators if any."""

    kind: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class Failed:
    """The resource could not be refreshed; its stored content stays."""

    kind: str
    error: str


Outcome = Changed | Unchanged | Failed


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class Store(SQLiteFile):
    """The content store; safe to share between the event loop and worker threads."""

    FILE_NAME = FILE_NAME
    SCHEMA = _SCHEMA
    SCHEMA_VERSION = SCHEMA_VERSION
    WHAT = "content store"
    # Big pages suit a few large records: 2-3x faster writes than 4 KiB (new files only).
    PAGE_SIZE = 16384
    MIGRATE = _migrate
    # A full disk cannot take the -wal and -shm files WAL needs even to read (IOERR or FULL at open):
    # the content is still there to show, read-only.
    READ_ONLY_CODES = SQLiteFile.READ_ONLY_CODES | {sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR}
    READ_ONLY_QUERIES = ("mode=ro", "mode=ro&immutable=1")
    REOPEN_FOR_WRITES = True
    ON_WRITE_FAILURE = "; keeping what is stored"

    def __init__(self, path: Path, *, clock: Callable[[], datetime] | None = None) -> None:
        #: The page texts read last, newest last: (region, language, id) -> HTML.
        self._html: OrderedDict[tuple[str, str, int], str] = OrderedDict()
        #: Whole languages as :meth:`on_demand` regions read them, a few kept in memory.
        self._held = LanguageCache(self._read_language)
        super().__init__(path, clock=clock)

    # -- writing -----------------------------------------------------------------------------------

    def replace_language(
        self, region: str, language: str, outcomes: Sequence[Outcome], at: datetime | None = None
    ) -> None:
        """Apply one sync round's outcomes for a language in ONE transaction (old or new, never mixed).

        ``language`` "" with kind ``languages`` is the region's language list.
        """
        self.record_round(region, {language: outcomes}, at)

    def record_round(
        self, region: str, outcomes: Mapping[str, Sequence[Outcome]], at: datetime | None = None
    ) -> None:
        """Apply the outcomes of several languages in one transaction (one commit for a quiet round).

        Without new content the commit is not synced to disk: it only says when the stored content was
        confirmed (or failed to be), and a power cut that undoes that leaves older, still true, state
        for the next round to renew. New content is synced before this returns.
        """
        at = at or self._clock()
        rows = [
            (language, outcome, records_json(outcome.records) if isinstance(outcome, Changed) else None)
            for language, language_outcomes in outcomes.items()
            for outcome in language_outcomes
        ]
        durable = any(text is not None for _, _, text in rows)
        what = f"{region}/{','.join(code or LANGUAGES for code in outcomes)}"
        with self._transaction(what, durable=durable) as db:
            for language, outcome, text in rows:
                self._apply(db, region, language, outcome, text, at)
        # After the commit: a language read again from now on is the new one.
        for language in {language for language, _, text in rows if text is not None}:
            self._held.forget(region, language or None)  # the language list: its names are in every one

    def _apply(
        self,
        db: sqlite3.Connection,
        region: str,
        language: str,
        outcome: Outcome,
        text: str | None,
        at: datetime,
    ) -> None:
        key = (region, language, outcome.kind)
        when = at.isoformat()
        if isinstance(outcome, Changed):
            db.execute(_PUT_CONTENT, (*key, len(outcome.records), text))
            if outcome.kind == "pages":
                self._put_html(db, region, language, outcome.records)
                self._put_tree(db, region, language)
            db.execute(
                "INSERT OR REPLACE INTO resource_state VALUES (?, ?, ?, 'api', ?, ?, ?, ?, ?, ?, NULL)",
                (*key, outcome.etag, outcome.last_modified, outcome.body_hash, when, when, when),
            )
            return
        db.execute("INSERT OR IGNORE INTO resource_state (region, language, kind) VALUES (?, ?, ?)", key)
        if isinstance(outcome, Unchanged):
            db.execute(
                "UPDATE resource_state SET confirmed_at = ?, attempted_at = ?, last_error = NULL, "
                "etag = coalesce(?, etag), last_modified = coalesce(?, last_modified) "
                "WHERE region = ? AND language = ? AND kind = ?",
                (when, when, outcome.etag, outcome.last_modified, *key),
            )
        else:
            db.execute(
                "UPDATE resource_state SET attempted_at = ?, last_error = ? "
                "WHERE region = ? AND language = ? AND kind = ?",
                (when, outcome.error, *key),
            )

    def _put_html(self, db: sqlite3.Connection, region: str, language: str, pages: Sequence[object]) -> None:
        """A language's pages' HTML in ``page_html``, in the transaction that stores the pages."""
        db.execute("DELETE FROM page_html WHERE region = ? AND language = ?", (region, language))
        # An id SQLite cannot hold (outside 64 bits) leaves its page out: the language then keeps its
        # HTML in memory (see _html_stored), as every language did before.
        rows = [
            (region, language, page.id, page.content_html)
            for page in pages
            if isinstance(page, Page) and _SQLITE_INTEGERS[0] <= page.id <= _SQLITE_INTEGERS[1]
        ]
        db.executemany(_PUT_HTML, rows)
        self._html.clear()  # texts read before may be gone or changed now

    @staticmethod
    def _put_tree(db: sqlite3.Connection, region: str, language: str) -> None:
        """A language's lean pages in ``page_tree``, from its pages just stored (none: no row)."""
        db.execute("DELETE FROM page_tree WHERE region = ? AND language = ?", (region, language))
        db.execute(_PUT_TREE, (region, language))

    def seed_from_snapshot(self, snapshot: RegionContent | None = None) -> bool:
        """Fill an empty store from the bundled snapshot; True if it did. A non-empty store is left alone."""
        if not self.is_empty():
            return False
        if snapshot is None:
            from kiosk.sources.snapshot import load_snapshot

            snapshot = load_snapshot()
        when = (snapshot.fetched_at or self._clock()).isoformat()
        blocks = [("", LANGUAGES, records_json(snapshot.languages), len(snapshot.languages))]
        for code, content in snapshot.by_language.items():
            for kind, records in (
                ("pages", content.pages),
                ("events", content.events),
                ("locations", content.places),
                (CATEGORIES, content.categories),
            ):
                blocks.append((code, kind, records_json(records), len(records)))
        with self._transaction(f"the snapshot of {snapshot.region}") as db:
            for code, content in snapshot.by_language.items():
                self._put_html(db, snapshot.region, code, content.pages)
            for language, kind, text, count in blocks:
                key = (snapshot.region, language, kind)
                db.execute(_PUT_CONTENT, (*key, count, text))
                if kind == "pages":
                    self._put_tree(db, snapshot.region, language)
                db.execute(
                    "INSERT OR REPLACE INTO resource_state (region, language, kind, source, fetched_at, "
                    "confirmed_at) VALUES (?, ?, ?, 'snapshot', ?, ?)",
                    (*key, when, when),
                )
        self._held.forget()
        return True

    # -- reading -----------------------------------------------------------------------------------

    def is_empty(self) -> bool:
        return not self._query("SELECT 1 FROM content WHERE kind = ? LIMIT 1", (LANGUAGES,))

    def regions(self) -> list[str]:
        return [row[0] for row in self._query("SELECT region FROM content WHERE kind = ?", (LANGUAGES,))]

    def _records(self, region: str, language: str, kind: str, *, html: bool = True) -> list[Any] | None:
        """A resource's records as the kiosk's objects; pages without their HTML if not ``html``."""
        stored = self.stored_json(region, language, kind) if html else self._pages_json(region, language)
        if stored is None:
            return None
        if kind == "pages":
            try:
                return pages_from_records(stored)
            except (KeyError, TypeError, ValueError, AttributeError) as error:
                log.warning("stored pages of %s/%s read through the parser (%s)", region, language, error)
        return _PARSERS[kind](stored)

    def languages(self, region: str) -> list[Language]:
        """The region's languages as last stored, in the region's order ([] if unknown)."""
        return self._records(region, "", LANGUAGES) or []

    def load_language(
        self,
        region: str,
        language: Language | str,
        kinds: Sequence[Kind] = KINDS,
        *,
        html_later: bool = False,
    ) -> LanguageContent | None:
        """One language's content (only ``kinds`` of it if given), or None if nothing is stored for it.

        ``html_later``: pages as :class:`StoredPage`, their HTML left in the store until it is read
        (what a running kiosk holds: every language's topic tree, the text of none).
        """
        if isinstance(language, str):
            found = next((lang for lang in self.languages(region) if lang.code == language), None)
            if found is None:
                return None
            language = found
        code = language.code
        later = html_later and "pages" in kinds and self._html_stored(region, code)
        stored: list[Any] | None = self._stored_pages(region, code) if later else None
        loaded = {
            kind: stored
            if kind == "pages" and stored is not None
            else self._records(region, code, kind, html=not later or kind != "pages")
            for kind in kinds
        }
        if all(records is None for records in loaded.values()):
            return None
        if later and stored is None:
            loaded["pages"] = [StoredPage.of(page, self, region, code) for page in loaded["pages"] or ()]
        categories = tuple(self._records(region, language.code, CATEGORIES) or ())
        return LanguageContent(
            language,
            loaded.get("pages") or [],
            loaded.get("events") or [],
            loaded.get("locations") or [],
            categories,
            complete=set(kinds) >= set(KINDS),
        )

    def load_region(
        self,
        region: str,
        languages: Sequence[str] | None = None,
        kinds: Sequence[Kind] = KINDS,
        *,
        html_later: bool = False,
    ) -> RegionContent | None:
        """The region's content (only ``languages`` and ``kinds`` if given), or None if nothing is stored.

        ``html_later``: as for :meth:`load_language`."""
        offered = self.languages(region)
        by_language: dict[str, LanguageContent] = {}
        for language in offered:
            if languages is None or language.code in languages:
                content = self.load_language(region, language, kinds, html_later=html_later)
                if content is not None:
                    by_language[language.code] = content
        if not by_language:
            return None
        source, fetched_at = self.provenance(region)
        return RegionContent(
            region=region,
            languages=[lang for lang in offered if lang.code in by_language],
            by_language=by_language,
            source=source,
            fetched_at=fetched_at,
        )

    def on_demand(self, region: str, languages: Sequence[str] | None = None) -> RegionContent | None:
        """The region's content (only ``languages`` if given) with each language read from the store
        when first asked for; None if nothing is stored. Page HTML stays in the store until shown.

        What the running kiosk holds: every language's name, the content of the kept ones (see
        :meth:`keep_in_memory`) and of the few asked for last. A sync's new content is what a language
        read after it shows.
        """
        offered = self.languages(region)
        rows = self._query(
            "SELECT DISTINCT language FROM content WHERE region = ? AND kind IN (?, ?, ?)", (region, *KINDS)
        )
        wanted = {row[0] for row in rows} & {lang.code for lang in offered}
        if languages is not None:
            wanted &= set(languages)
        codes = [lang.code for lang in offered if lang.code in wanted]
        if not codes:
            return None
        source, fetched_at = self.provenance(region)
        by_language = StoredLanguages(self._held, self._read_language, region, codes)
        return RegionContent(region, [lang for lang in offered if lang.code in codes], by_language, source,
                             fetched_at)  # fmt: skip

    def keep_in_memory(self, languages: Sequence[str]) -> None:
        """Keep these languages in memory once read (those a visitor is most likely to want: the
        default and the fallbacks); of the others only the last few read stay."""
        self._held.keep(languages)

    def _read_language(self, region: str, code: str) -> LanguageContent | None:
        try:
            return self.load_language(region, code, html_later=True)
        except StoreClosed:
            raise  # the kiosk is stopping: whoever still reads stops, without a line per language
        except StoreError as error:
            log.warning("language %s/%s could not be read from the store: %s", region, code, error)
            return None
        finally:
            # Reading took several times what the language keeps, and languages come and go: without
            # this the heap keeps the high-water mark of every read (60 MiB over twelve of 5,000
            # pages); a few milliseconds beside the read's hundreds.
            give_back_memory()

    def _html_stored(self, region: str, language: str) -> bool:
        """Whether ``page_html`` holds the HTML of every stored page of the language."""
        try:
            rows = self._query(
                "SELECT (SELECT count FROM content WHERE region = ? AND language = ? AND kind = 'pages') "
                "= (SELECT count(*) FROM page_html WHERE region = ? AND language = ?)",
                (region, language, region, language),
            )
        except StoreError:  # a store read-only from before schema 3: the pages keep their HTML
            return False
        return bool(rows) and rows[0][0] == 1

    def _pages_json(self, region: str, language: str) -> Any:
        """A language's stored page records with their HTML left out (""), cut by SQLite: Python never
        holds the texts, not even for a moment."""
        rows = self._query(
            "SELECT json_group_array(json(record)) FROM (SELECT json_set(j.value, '$.content', '') AS record "
            "FROM content AS c, json_each(c.records) AS j "
            "WHERE c.region = ? AND c.language = ? AND c.kind = 'pages' ORDER BY j.key)",
            (region, language),
        )
        return None if not rows or rows[0][0] is None else json.loads(rows[0][0])

    def _stored_pages(self, region: str, language: str) -> list[StoredPage] | None:
        """A language's pages as a running kiosk holds them: no HTML, links by id (:class:`StoredLinks`);
        None if there are none or they are not as :func:`records_json` wrote them (read in full then)."""
        try:
            rows = self._query(_STORED_PAGES, (region, language))
        except StoreError:  # a store read-only from before schema 4: read in full
            return None
        if not rows or rows[0][0] is None:
            return None
        records, links = json.loads(rows[0][0]), json.loads(rows[0][1])
        try:
            pages = pages_from_records(records)
            where = (self, region, language)
            languages: dict[tuple[str, ...], tuple[str, ...]] = {}
            stored = []
            for page, link in zip(pages, links, strict=True):
                codes = tuple(shared_text(code) for code in link)
                ids = list(link.values())
                if not all(type(page_id) is int for page_id in ids):
                    raise TypeError("a link without an integer id")
                codes = languages.setdefault(codes, codes)
                stored.append(StoredPage.of(page, self, region, language,
                                            StoredLinks(codes, link_ids(ids), where, page.id)))  # fmt: skip
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            log.warning("stored pages of %s/%s read in full (%s)", region, language, error)
            return None
        return stored

    def link_address(self, region: str, language: str, page_id: int, code: str) -> tuple[str, str]:
        """The url and path of a stored page's translation in ``code`` ("" if no longer stored)."""
        try:
            rows = self._query(_LINK_ADDRESS, (region, language, page_id, code))
        except StoreClosed:
            raise
        except (StoreError, OverflowError) as error:
            log.warning(
                "page %s/%s/%d: its %s link cannot be read: %s", region, language, page_id, code, error
            )
            return "", ""
        if not rows:
            return "", ""
        url, path = rows[0]
        return (url if isinstance(url, str) else ""), (path if isinstance(path, str) else "")

    def page_html(self, region: str, language: str, page_id: int) -> str:
        """A stored page's HTML ("" if the store no longer has it or cannot be read: logged)."""
        key = (region, language, page_id)
        with self._lock:  # so a write cannot slip between the read and the cache
            found = self._html.get(key)
            if found is not None:
                self._html.move_to_end(key)
                return found
            try:
                rows = self._query(
                    "SELECT html FROM page_html WHERE region = ? AND language = ? AND id = ?", key
                )
            except StoreClosed:
                raise  # not a warning per page of a search index still being built at shutdown
            except StoreError as error:
                log.warning("page %s/%s/%d: its text cannot be read: %s", region, language, page_id, error)
                return ""
            if not rows:
                log.warning("page %s/%s/%d: its text is no longer stored", region, language, page_id)
                return ""
            html: str = rows[0][0]
            self._html[key] = html
            while len(self._html) > HTML_CACHE:
                self._html.popitem(last=False)
            return html

    def provenance(self, region: str) -> tuple[Source, datetime | None]:
        """Where the region's content came from ("api" once any of it did) and when it was last confirmed."""
        states = self.states(region)
        source: Source = "api" if any(s.source == "api" for s in states) else "snapshot"
        confirmed = [s.confirmed_at for s in states if s.confirmed_at is not None and s.source == source]
        return source, max(confirmed, default=None)

    def states(self, region: str | None = None) -> list[ResourceState]:
        """Sync metadata of every resource of the region (of every region if None)."""
        if region is None:
            rows = self._query("SELECT * FROM resource_state")
        else:
            rows = self._query("SELECT * FROM resource_state WHERE region = ?", (region,))
        return [
            ResourceState(
                row[0],
                row[1],
                row[2],
                row[3],
                row[4],
                row[5],
                row[6],
                _time(row[7]),
                _time(row[8]),
                _time(row[9]),
                row[10],
            )
            for row in rows
        ]

    def counts(self, region: str) -> dict[str, dict[str, int]]:
        """How many pages, events and locations are stored: {language: {kind: n}}."""
        out: dict[str, dict[str, int]] = {}
        rows = self._query("SELECT language, kind, count FROM content WHERE region = ?", (region,))
        for language, kind, count in rows:
            if kind in KINDS:
                out.setdefault(language, {})[kind] = count
        return out

    def stored_json(self, region: str, language: str, kind: str) -> Any:
        """A resource's stored JSON as it is (for tests and ``kiosk doctor``), or None."""
        rows = self._query(
            "SELECT records FROM content WHERE region = ? AND language = ? AND kind = ?",
            (region, language, kind),
        )
        return None if not rows else json.loads(rows[0][0])

    def integrity_ok(self) -> bool:
        """True if SQLite's full ``PRAGMA integrity_check`` finds nothing wrong."""
        try:
            rows = self._query("PRAGMA integrity_check")
        except StoreError:
            return False
        return [tuple(row) for row in rows] == [("ok",)]
