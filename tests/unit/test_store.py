"""The content store: last-known-good per language, one transaction per language, survives damage."""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kiosk.clock import BERLIN
from kiosk.content.models import Event, Language, Page, Place
from kiosk.sources.snapshot import load_snapshot
from kiosk.store import FILE_NAME, Changed, Failed, Outcome, Store, StoreError, StoreWriteError, Unchanged
from kiosk.store.content import SCHEMA_VERSION
from kiosk.store.pages import StoredPage

NOW = datetime(2026, 3, 12, 14, 5, tzinfo=BERLIN)
GERMAN = Language("de", "Deutsch")
ARABIC = Language("ar", "العربية", "rtl")


def pages(*titles: str) -> list[Page]:
    return [Page(id=n + 1, title=title, content_html=f"<p>{title}</p>") for n, title in enumerate(titles)]


def event(title: str) -> Event:
    return Event(id=1, title=title, start=NOW, end=NOW + timedelta(hours=2))


def place(name: str) -> Place:
    return Place(id=4, name=name)


def fill(store: Store, version: str, at: datetime = NOW) -> None:
    store.replace_language("augsburg", "", [Changed("languages", [GERMAN, ARABIC], etag='"l"')], at)
    for code in ("de", "ar"):
        store.replace_language(
            "augsburg",
            code,
            [
                Changed("pages", pages(f"{code} {version} A", f"{code} {version} B"), etag=f'"p{version}"'),
                Changed(
                    "events", [event(f"{code} {version}")], last_modified="Thu, 12 Mar 2026 13:05:00 GMT"
                ),
                Changed("locations", [place(f"{code} {version}")]),
            ],
            at,
        )


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "state", clock=lambda: NOW)


def test_content_reads_back_with_languages_and_provenance(store: Store) -> None:
    fill(store, "v1")
    content = store.load_region("augsburg")
    assert content is not None
    assert [lang.code for lang in content.languages] == ["de", "ar"]
    assert content.source == "api" and content.fetched_at == NOW
    arabic = content.get("ar")
    assert arabic is not None and arabic.language.direction == "rtl"
    assert [p.title for p in arabic.pages] == ["ar v1 A", "ar v1 B"]
    assert [e.title for e in arabic.events] == ["ar v1"] and arabic.places[0].name == "ar v1"
    assert store.counts("augsburg") == {
        "de": {"pages": 2, "events": 1, "locations": 1},
        "ar": {"pages": 2, "events": 1, "locations": 1},
    }


def test_only_the_requested_languages_are_loaded(store: Store) -> None:
    fill(store, "v1")
    content = store.load_region("augsburg", ["ar", "fa"])
    assert content is not None and list(content.by_language) == ["ar"]
    assert store.load_region("nurnberg") is None
    assert store.load_language("augsburg", "fa") is None


def test_validators_and_errors_are_kept_per_resource(store: Store) -> None:
    fill(store, "v1")
    later = NOW + timedelta(minutes=15)
    store.replace_language(
        "augsburg", "de", [Unchanged("pages"), Failed("events", "server error (500)")], later
    )
    states = {(s.language, s.kind): s for s in store.states("augsburg")}
    assert states["de", "pages"].etag == '"pv1"' and states["de", "pages"].confirmed_at == later
    assert states["de", "pages"].fetched_at == NOW
    assert states["de", "events"].last_modified == "Thu, 12 Mar 2026 13:05:00 GMT"
    assert states["de", "events"].last_error == "server error (500)"
    assert states["de", "events"].confirmed_at == NOW  # a failure confirms nothing
    german = store.load_language("augsburg", "de")
    assert german is not None and german.events[0].title == "de v1"  # last-known-good stays
    store.replace_language("augsburg", "de", [Unchanged("events", etag='"e2"')], later)
    refreshed = {(s.language, s.kind): s for s in store.states("augsburg")}["de", "events"]
    assert refreshed.last_error is None and refreshed.etag == '"e2"'


def test_a_full_disk_midway_leaves_the_old_language_whole(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    fill(store, "v1")
    db = store._db
    pages_now = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count={pages_now + 2}")  # room for a little, not for all of it
    big = pages(*(f"de v2 {'x' * 2000} {n}" for n in range(60)))
    with caplog.at_level(logging.ERROR, logger="kiosk.store"):
        for _ in range(2):
            with pytest.raises(StoreWriteError, match="cannot write augsburg/de"):
                store.replace_language(
                    "augsburg", "de",
                    [Changed("events", [event("de v2")]), Changed("pages", big), Changed("locations", [])],
                )  # fmt: skip
    german = store.load_language("augsburg", "de")
    assert german is not None
    assert [e.title for e in german.events] == ["de v1"] and [p.title for p in german.pages] == [
        "de v1 A",
        "de v1 B",
    ]
    assert len([r for r in caplog.records if r.name == "kiosk.store"]) == 1  # reported once, not per write
    assert store.integrity_ok()


def test_a_read_only_store_still_reads(store: Store, caplog: pytest.LogCaptureFixture) -> None:
    fill(store, "v1")
    store._db.execute("PRAGMA query_only=ON")  # what a read-only file system looks like to SQLite
    with caplog.at_level(logging.INFO, logger="kiosk.store"):
        with pytest.raises(StoreWriteError):
            store.replace_language("augsburg", "de", [Unchanged("pages")])
        with pytest.raises(StoreWriteError):
            store.replace_language("augsburg", "ar", [Unchanged("pages")])
        content = store.load_region("augsburg")
        assert content is not None and content.get("de") is not None
        store._db.execute("PRAGMA query_only=OFF")
        store.replace_language("augsburg", "de", [Unchanged("pages")])
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 2 and "writable again" in messages[1]


@pytest.mark.parametrize("damage", ["garbage", "truncated", "newer"])
def test_a_damaged_file_is_moved_aside_and_the_store_starts_fresh(
    tmp_path: Path, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    state = tmp_path / "state"
    first = Store.open(state, clock=lambda: NOW)
    fill(first, "v1")
    first.close()
    path = state / FILE_NAME
    if damage == "garbage":
        path.write_bytes(b"this is not a database, it is a shopping list\n" * 200)
    elif damage == "truncated":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    else:
        with sqlite3.connect(path) as db:
            db.execute("PRAGMA user_version=99")
    damaged = path.read_bytes()
    with caplog.at_level(logging.ERROR, logger="kiosk.store"):
        store = Store.open(state, clock=lambda: NOW)
    aside = state / f"{FILE_NAME}.corrupt-20260312T140500"
    assert aside.read_bytes() == damaged  # kept for a post-mortem, never deleted
    assert store.is_empty() and store.integrity_ok()
    fill(store, "v2")
    content = store.load_region("augsburg")
    assert content is not None and content.by_language["de"].pages[0].title == "de v2 A"
    assert len(caplog.records) == 1 and "moved to" in caplog.records[0].getMessage()


def test_a_state_directory_that_cannot_be_created_is_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot create"):
        Store.open(blocker / "state")


def test_the_snapshot_seeds_an_empty_store_once(store: Store) -> None:
    assert store.seed_from_snapshot()
    snapshot = load_snapshot()
    content = store.load_region(snapshot.region)
    assert content is not None and content.source == "snapshot"
    assert content.fetched_at == snapshot.fetched_at
    assert [lang.code for lang in content.languages] == [lang.code for lang in snapshot.languages]
    for code, language in snapshot.by_language.items():
        assert content.by_language[code] == language
    assert not store.seed_from_snapshot()


def test_api_content_replaces_seeded_languages_one_by_one(store: Store) -> None:
    snapshot = load_snapshot()
    store.seed_from_snapshot(snapshot)
    region = snapshot.region
    store.replace_language(region, "de", [Changed("pages", pages("Neu"))], NOW)
    content = store.load_region(region)
    assert content is not None and content.source == "api"
    assert [p.title for p in content.by_language["de"].pages] == ["Neu"]
    assert content.by_language["de"].places == snapshot.by_language["de"].places
    assert content.by_language["en"] == snapshot.by_language["en"]


def _shown(content_pages: object) -> list[tuple[object, ...]]:
    """What a visitor can see of pages: every field, the HTML included."""
    assert isinstance(content_pages, list)
    return [(p.id, p.title, p.content_html, p.excerpt, p.url, p.parent_id, p.order) for p in content_pages]


def test_pages_read_with_their_html_left_in_the_store_show_the_same_text(store: Store) -> None:
    fill(store, "v1")
    eager = store.load_language("augsburg", "de")
    later = store.load_language("augsburg", "de", html_later=True)
    assert eager is not None and later is not None
    assert not any(isinstance(page, StoredPage) for page in eager.pages)
    assert all(isinstance(page, StoredPage) for page in later.pages)
    assert _shown(later.pages) == _shown(eager.pages) == _shown(pages("de v1 A", "de v1 B"))
    assert later.events == eager.events and later.places == eager.places
    # A sync that replaces the pages replaces their HTML in the same transaction.
    fill(store, "v2")
    again = store.load_language("augsburg", "de", html_later=True)
    assert again is not None and _shown(again.pages) == _shown(pages("de v2 A", "de v2 B"))


def test_a_language_whose_html_table_is_incomplete_keeps_its_html_in_memory(store: Store) -> None:
    fill(store, "v1")
    with sqlite3.connect(store.path) as db:
        db.execute("DELETE FROM page_html WHERE language = 'ar' AND id = 2")
    arabic = store.load_language("augsburg", "ar", html_later=True)
    german = store.load_language("augsburg", "de", html_later=True)
    assert arabic is not None and german is not None
    assert not any(isinstance(page, StoredPage) for page in arabic.pages)
    assert _shown(arabic.pages) == _shown(pages("ar v1 A", "ar v1 B"))
    assert all(isinstance(page, StoredPage) for page in german.pages)


def test_a_schema_2_store_gets_the_html_of_its_pages_when_opened(tmp_path: Path) -> None:
    first = Store.open(tmp_path / "state", clock=lambda: NOW)
    fill(first, "v1")
    first.close()
    # The store as schema 2 left it: no page HTML of its own (the validators are kept: no refetch).
    with sqlite3.connect(tmp_path / "state" / FILE_NAME) as db:
        db.execute("DROP TABLE page_html")
        db.execute("PRAGMA user_version=2")
    reopened = Store.open(tmp_path / "state", clock=lambda: NOW)
    later = reopened.load_language("augsburg", "ar", html_later=True)
    assert later is not None and all(isinstance(page, StoredPage) for page in later.pages)
    assert _shown(later.pages) == _shown(pages("ar v1 A", "ar v1 B"))
    assert all(s.etag or s.last_modified or s.kind == "locations" for s in reopened.states("augsburg"))
    with sqlite3.connect(tmp_path / "state" / FILE_NAME) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_page_id_beyond_sqlites_integers_keeps_its_language_html_in_memory(store: Store) -> None:
    huge = Page(id=2**70, title="Huge", content_html="<p>huge</p>")
    store.replace_language("augsburg", "", [Changed("languages", [GERMAN])], NOW)
    store.replace_language("augsburg", "de", [Changed("pages", [*pages("A"), huge])], NOW)
    german = store.load_language("augsburg", "de", html_later=True)
    assert german is not None and not any(isinstance(page, StoredPage) for page in german.pages)
    assert _shown(german.pages) == _shown([*pages("A"), huge])


def test_a_quiet_round_is_committed_and_new_content_is_synced_again(store: Store, tmp_path: Path) -> None:
    """A round without new content commits without an fsync; the next new content is synced as ever."""
    fill(store, "v1")
    later = NOW + timedelta(minutes=15)
    quiet: dict[str, list[Outcome]] = {
        "de": [Unchanged("pages", etag='"p-new"'), Failed("events", "server error (500)")]
    }
    store.record_round("augsburg", quiet, later)
    other = sqlite3.connect(tmp_path / "state" / FILE_NAME)  # another reader sees the commit at once
    rows = other.execute(
        "SELECT kind, etag, confirmed_at, attempted_at, last_error FROM resource_state "
        "WHERE language = 'de' AND kind IN ('pages', 'events') ORDER BY kind"
    ).fetchall()
    other.close()
    assert rows == [
        ("events", None, NOW.isoformat(), later.isoformat(), "server error (500)"),
        ("pages", '"p-new"', later.isoformat(), later.isoformat(), None),
    ]
    assert store._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL again for new content
    fill(store, "v2", later)
    assert store._db.execute("PRAGMA synchronous").fetchone()[0] == 2
