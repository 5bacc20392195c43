"""Languages read from the store when asked for: every one still there, only a few held, a sync seen.

The running kiosk names every stored language but holds in memory only the kept ones (the default and
the fallbacks) and the last few asked for; a language read again must be what the store holds.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from kiosk.config import DEFAULT_LANGUAGES
from kiosk.content.library import Library
from kiosk.content.models import LanguageContent, Page
from kiosk.devtools.fill import fill_store
from kiosk.search import SearchIndex, visitor_results
from kiosk.search.live import LiveIndex
from kiosk.search.normalise import query_words
from kiosk.store import Changed, Store, StoreClosed
from kiosk.store.languages import RECENT_LANGUAGES, StoredLanguages
from kiosk.store.pages import StoredPage

REGION = "benchstadt"
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    state = tmp_path_factory.mktemp("state")
    fill_store(state, region=REGION, pages=30, events=6, places=4, long_page_blocks=20)
    return state


@pytest.fixture
def store(filled: Path, tmp_path: Path) -> Store:
    copy = tmp_path / "state"
    copy.mkdir()
    (copy / "content.sqlite3").write_bytes((filled / "content.sqlite3").read_bytes())
    opened = Store.open(copy, clock=lambda: NOW)
    opened.keep_in_memory(["de", "en"])
    return opened


def _seen(content: LanguageContent) -> list[tuple[object, ...]]:
    """What a visitor can see of a language: its pages' titles, texts and places, events' titles."""
    pages = [(p.id, p.title, p.excerpt, p.url, p.parent_id, p.content_html) for p in content.pages]
    return [*pages, *((e.id, e.title) for e in content.events), *((p.id, p.name) for p in content.places)]


def _languages(store: Store) -> StoredLanguages:
    content = store.on_demand(REGION)
    assert content is not None and isinstance(content.by_language, StoredLanguages)
    return content.by_language


def test_every_language_is_there_but_only_the_kept_and_the_last_few_stay_in_memory(store: Store) -> None:
    languages = _languages(store)
    assert list(languages) == list(DEFAULT_LANGUAGES)
    assert languages.held() == []  # naming the languages read none of them
    for code in DEFAULT_LANGUAGES:
        shown = languages[code]
        again = store.load_language(REGION, code)
        assert again is not None and _seen(shown) == _seen(again), code
    last = [code for code in DEFAULT_LANGUAGES if code not in ("de", "en")][-RECENT_LANGUAGES:]
    assert sorted(languages.held()) == sorted(["de", "en", *last])
    # A language no longer held is read again, whole and as stored.
    first_other = next(code for code in DEFAULT_LANGUAGES if code not in ("de", "en", *last))
    assert first_other not in languages.held()
    back = languages[first_other]
    stored = store.load_language(REGION, first_other)
    assert stored is not None and _seen(back) == _seen(stored)
    assert first_other in languages.held()


def test_a_translation_is_followed_by_id_and_its_address_is_read_from_the_store(store: Store) -> None:
    languages = _languages(store)
    ukrainian = languages["uk"]
    page = ukrainian.pages[3]
    assert isinstance(page, StoredPage)
    eager = store.load_language(REGION, "uk")
    assert eager is not None
    original = next(p for p in eager.pages if p.id == page.id)
    assert dict(page.available_languages) == dict(original.available_languages)  # ids, urls and paths
    link = page.available_languages["ar"]
    arabic = Library(store.on_demand(REGION), "ar")  # type: ignore[arg-type]
    found = arabic.page(("ar", link.id))
    assert found is not None and found.language == "ar"
    assert found.item.url == link.url


def test_a_sync_that_lands_new_content_is_what_the_language_reads_next(store: Store) -> None:
    languages = _languages(store)
    before = languages["uk"]
    assert "uk" in languages.held()
    renamed = [
        Page(id=p.id, title=f"Neu {p.id}", content_html="<p>neu</p>", parent_id=p.parent_id)
        for p in before.pages
    ]
    store.replace_language(REGION, "uk", [Changed("pages", renamed)], NOW)
    after = languages["uk"]
    assert after is not before
    assert [p.title for p in after.pages] == [f"Neu {p.id}" for p in before.pages]
    assert after.pages[0].content_html == "<p>neu</p>"
    assert [e.title for e in after.events] == [e.title for e in before.events]


def test_search_finds_and_opens_an_item_of_a_language_not_held_in_memory(store: Store) -> None:
    content = store.on_demand(REGION)
    assert content is not None and isinstance(content.by_language, StoredLanguages)
    index = SearchIndex.build(content)
    try:
        # Building read every language once and kept none of them.
        assert content.by_language.held() == []
        for code in ("ro", "bg", "pl", "fr"):  # the visitors before: Turkish is no longer held
            Library(content, code)
        assert "tr" not in content.by_language.held()
        turkish = store.load_language(REGION, "tr")
        assert turkish is not None
        wanted = turkish.pages[5]
        words = " ".join(query_words(wanted.title)[:2])
        found = visitor_results(index, words, Library(content, "tr"), NOW)
        assert ("tr", wanted.id) in [result.page for result in found]
        result = next(result for result in found if result.page == ("tr", wanted.id))
        assert result.title == wanted.title and result.language == "tr"
    finally:
        index.close()


def test_a_store_of_schema_3_reads_the_same_pages_once_opened_again(store: Store) -> None:
    before = store.load_language(REGION, "fa", html_later=True)
    assert before is not None
    seen = _seen(before)
    path = store.path
    store.close()
    # The store as schema 3 left it: no lean pages of its own.
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE page_tree")
        db.execute("PRAGMA user_version=3")
    reopened = Store.open(path.parent, clock=lambda: NOW)
    try:
        after = reopened.load_language(REGION, "fa", html_later=True)
        assert after is not None and _seen(after) == seen
        assert all(isinstance(page, StoredPage) for page in after.pages)
        with sqlite3.connect(path) as db:
            assert db.execute("SELECT count(*) FROM page_tree").fetchone()[0] == len(DEFAULT_LANGUAGES)
    finally:
        reopened.close()


def test_a_sync_that_empties_a_language_leaves_none_of_its_old_pages(store: Store) -> None:
    assert _languages(store)["ro"].pages
    store.replace_language(REGION, "ro", [Changed("pages", [])], NOW)
    emptied = _languages(store)["ro"]
    assert list(emptied.pages) == [] and emptied.events


def test_search_works_where_no_temporary_file_can_be_written(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = sqlite3.connect

    def no_temporary_files(where: str, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        if where == "":
            raise sqlite3.OperationalError("unable to open database file")
        connection: sqlite3.Connection = real(where, *args, **kwargs)
        return connection

    monkeypatch.setattr("kiosk.search.index.sqlite3.connect", no_temporary_files)
    content = store.on_demand(REGION)
    assert content is not None
    index = SearchIndex.build(content)
    try:
        german = store.load_language(REGION, "de")
        assert german is not None
        wanted = german.pages[2]
        found = visitor_results(index, " ".join(query_words(wanted.title)[:2]), Library(content, "de"), NOW)
        assert ("de", wanted.id) in [result.page for result in found]
    finally:
        index.close()


def test_a_search_index_still_being_built_when_the_store_closes_stops_with_one_line(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    # At shutdown the store closes while the background build may still read pages: one calm line
    # in the journal, not a warning for every page of every language.
    content = store.on_demand(REGION)
    assert content is not None
    store.close()
    live = LiveIndex()
    with caplog.at_level(logging.INFO):
        assert live.wait_for(content, timeout=120)
    assert live.failed
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert [r.getMessage() for r in caplog.records if "store was closed" in r.getMessage()] == [
        "search index not built: the content store was closed (the kiosk is stopping)"
    ]
    with pytest.raises(StoreClosed):
        store.page_html(REGION, "de", content.by_language["de"].pages[0].id)
