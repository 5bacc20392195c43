"""A full-text index of a region's pages, events and places in every language (SQLite FTS5, on disk).

Text is folded (``kiosk.search.normalise``) before FTS5 sees it, so its own tokenizer only splits it
into words. One FTS5 table per language keeps each language's ranking to itself. A query runs in tiers,
each in the visitor's language first, then German, then English:

0. every typed word, as typed or as the beginning of a word ("anmeld" finds "Anmeldung");
1. every typed word, or a word one or two typos away, or a longer word containing it;
2. (two or more words) any of them.

Within a tier and language, FTS5's bm25 ranks, with titles weighing most. Building takes seconds for
tens of thousands of pages: do it off the UI thread. Queries are serialised by a lock, so one index
may be shared by threads. Nothing about a query is kept after it returns.

The index lives in a private temporary SQLite file (SQLite deletes it when the index is closed or
freed) and holds no item: a hit names where its item is in the content the index was built from, and
:meth:`SearchIndex.item` reads it from there, from the store for a language not held in memory.
"""

from __future__ import annotations

import bisect
import html
import logging
import re
import sqlite3
import threading
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from kiosk.content.models import Event, LanguageContent, Page, Place, RegionContent
from kiosk.search.normalise import query_words, searchable, without_article
from kiosk.search.spelling import Vocabulary
from kiosk.store.languages import stored_region

log = logging.getLogger(__name__)

Kind = Literal["topic", "event", "place"]
Item = Page | Event | Place

#: bm25 weights of the title, summary (excerpt, category, venue) and body columns.
WEIGHTS = (10.0, 4.0, 1.0)
MIN_PREFIX = 2  # a one-letter beginning matches nearly every word
ALTERNATIVES_PER_WORD = 32


KINDS: tuple[Kind, ...] = ("topic", "event", "place")
#: An item id SQLite and the index cannot hold (outside 64 bits): its position is trusted unchecked.
UNCHECKED = -(2**63)


@dataclass(frozen=True, slots=True)
class Hit:
    """A page, event or place that matched; ``tier`` says how closely (0 best), see the module doc.

    ``position``: where the item is among its language's pages, events or places (``kind``) in the
    content the index was built from; :meth:`SearchIndex.item` gives the item itself.
    """

    kind: Kind
    language: str
    position: int
    item_id: int
    tier: int


# Only the words of a page matter here, so tags are cut out by pattern, about seventy times faster than
# kiosk.content.html (which keeps the structure a page needs on screen). Inline tags join the text
# around them ("Kinder<b>geld</b>"), all others separate it; hidden elements and comments go whole.
_HIDDEN = re.compile(
    r"<(script|style|template|noscript|svg|math|head|title|iframe|object)\b.*?</\1\s*>|<!--.*?(?:-->|$)",
    re.S | re.I,
)
_INLINE_TAG = re.compile(
    r"</?(?:a|abbr|b|bdi|bdo|cite|code|data|dfn|em|font|i|kbd|mark|q|s|samp|small|span|strong|sub|sup"
    r"|time|u|var|wbr)\b[^>]*>",
    re.I,
)
_TAG = re.compile(r"<[^>]*>")


def text_of(markup: str) -> str:
    """The words of CMS HTML as plain text, for indexing only (never shown)."""
    if "<" in markup:
        markup = _TAG.sub(" ", _INLINE_TAG.sub("", _HIDDEN.sub(" ", markup)))
    return html.unescape(markup) if "&" in markup else markup


def _quoted(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _document(item: Item) -> tuple[str, str, str]:
    """Title, summary and body of an item, as it reads (not yet folded)."""
    if isinstance(item, Page):
        return item.title, item.excerpt, text_of(item.content_html)
    if isinstance(item, Event):
        body = " ".join((text_of(item.content_html), item.address.one_line()))
        return item.title, " ".join((item.excerpt, item.place_name)), body
    contacts = " ".join(f"{c.name} {c.area_of_responsibility}" for c in item.contacts)
    body = " ".join((text_of(item.description_html), item.address.one_line(), contacts))
    return item.name, " ".join((item.excerpt, item.category)), body


class _Language:
    """One language's FTS5 table and vocabulary, and which rowids are its pages, events and places."""

    def __init__(self, code: str, table: str, vocabulary: Vocabulary, first: int, counts: tuple[int, ...]
                 ) -> None:  # fmt: skip
        self.code = code
        self.table = table
        self.vocabulary = vocabulary
        #: The rowid of its first item; then ``counts`` pages, events and places, in that order.
        self.first = first
        self.counts = counts

    def where(self, rowid: int) -> tuple[Kind, int]:
        """The kind of the item at ``rowid`` and its position among the language's items of that kind."""
        position = rowid - self.first
        for kind, count in zip(KINDS, self.counts, strict=True):
            if position < count:
                return kind, position
            position -= count
        raise IndexError(rowid)


def _groups(content: LanguageContent) -> tuple[tuple[Kind, Sequence[Item]], ...]:
    return ("topic", content.pages), ("event", content.events), ("place", content.places)


def _add_language(connection: sqlite3.Connection, table: str, code: str, content: LanguageContent,
                  ids: array[int]) -> _Language:  # fmt: skip
    """One language's FTS5 table, filled; its items' ids join ``ids`` (rowid: position in ``ids`` + 1)."""
    # The table name comes from a counter, never from a language code (codes come from outside).
    # Contentless: the index keeps the words, not the text (the items are in the content).
    connection.execute(
        f"CREATE VIRTUAL TABLE {table} USING fts5(title, summary, body, content='', "
        "tokenize='unicode61 remove_diacritics 0')"
    )
    first = len(ids) + 1
    rows = []
    for _kind, group in _groups(content):
        for item in group:
            ids.append(item.id if UNCHECKED < item.id < 2**63 else UNCHECKED)
            rows.append((len(ids), *(searchable(text) for text in _document(item))))
    connection.execute("BEGIN")
    insert = f"INSERT INTO {table}(rowid, title, summary, body) VALUES (?, ?, ?, ?)"  # noqa: S608
    connection.executemany(insert, rows)
    connection.execute("COMMIT")
    connection.execute(f"CREATE VIRTUAL TABLE temp.vocabulary USING fts5vocab(main, {table}, 'row')")
    vocabulary = Vocabulary(connection.execute("SELECT term, doc FROM temp.vocabulary"))
    connection.execute("DROP TABLE temp.vocabulary")
    counts = (len(content.pages), len(content.events), len(content.places))
    return _Language(code, table, vocabulary, first, counts)


class SearchIndex:
    """Pages, events and places of one ``RegionContent``, searchable in any of its languages."""

    def __init__(self, connection: sqlite3.Connection, content: RegionContent, ids: array[int],
                 languages: dict[str, _Language]) -> None:  # fmt: skip
        self._connection = connection
        self._content = content
        self._ids = ids
        self._languages = languages
        #: The languages by their first rowid, for finding the language of a rowid.
        self._by_first = sorted(languages.values(), key=lambda language: language.first)
        self._firsts = [language.first for language in self._by_first]
        self._lock = threading.Lock()

    @classmethod
    def build(cls, content: RegionContent) -> SearchIndex:
        """Index every language of ``content``; seconds for large regions, so never on the UI thread.

        A language the store holds on disk is read for indexing and let go again (see
        :meth:`~kiosk.store.languages.StoredLanguages.read_once`): only the index's words stay, on disk.
        """
        try:
            # "": a private temporary file; SQLite keeps a few pages of it in memory, deletes it on close.
            return cls._build(content, "")
        except sqlite3.OperationalError as error:  # no temporary directory to write to
            log.warning("search index kept in memory: no temporary file for it (%s)", error)
            return cls._build(content, ":memory:")

    @classmethod
    def _build(cls, content: RegionContent, where: str) -> SearchIndex:
        connection = sqlite3.connect(where, check_same_thread=False, isolation_level=None)
        try:
            stored = stored_region(content)
            ids: array[int] = array("q")
            languages: dict[str, _Language] = {}
            for number, code in enumerate(sorted(content.by_language)):
                language = stored.read_once(code) if stored is not None else content.by_language[code]
                if language is not None:
                    languages[code] = _add_language(connection, f"docs_{number}", code, language, ids)
        except BaseException:
            connection.close()
            raise
        return cls(connection, content, ids, languages)

    @property
    def languages(self) -> list[str]:
        return sorted(self._languages)

    def __len__(self) -> int:
        return len(self._ids)

    def item(self, hit: Hit) -> Item | None:
        """The page, event or place ``hit`` found (None if the content no longer has it)."""
        content = self._content.get(hit.language)
        if content is None:
            return None
        group = dict(_groups(content))[hit.kind]
        if hit.position < len(group):
            found = group[hit.position]
            if hit.item_id in (UNCHECKED, found.id):
                return found
        # The store's content changed after the index was built (a new index is on its way).
        return next((item for item in group if item.id == hit.item_id), None)

    def size_bytes(self) -> int:
        """What the index takes on disk (SQLite pages; it keeps only a few of them in memory)."""
        with self._lock:
            row = self._connection.execute(
                "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size"
            )
            return int(row.fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    def search(self, query: str, languages: Sequence[str], limit: int = 30) -> list[Hit]:
        """Best matches for ``query``, in the order of ``languages`` within each tier; at most ``limit``."""
        typed = query_words(query)
        if sum(len(word.replace("-", "")) for word in typed) < MIN_PREFIX:
            return []
        order = [self._languages[code] for code in dict.fromkeys(languages) if code in self._languages]
        hits: list[Hit] = []
        seen: set[int] = set()
        with self._lock:
            for tier, expressions in enumerate(self._tiers(typed, order)):
                for language, expression in expressions:
                    # Within a language, items with every word in the title come first.
                    for where in (f"title : ({expression})", expression):
                        for rowid in self._match(language, where, limit):
                            if rowid in seen:
                                continue
                            seen.add(rowid)
                            hits.append(self._hit(rowid, tier))
                            if len(hits) >= limit:
                                return hits
        return hits

    def _hit(self, rowid: int, tier: int) -> Hit:
        language = self._by_first[bisect.bisect_right(self._firsts, rowid) - 1]
        kind, position = language.where(rowid)
        return Hit(kind, language.code, position, self._ids[rowid - 1], tier)

    def _match(self, language: _Language, expression: str, limit: int) -> list[int]:
        table = language.table
        sql = (
            f"SELECT rowid FROM {table} WHERE {table} MATCH ? "  # noqa: S608 - a name of our own
            f"ORDER BY bm25({table}, {', '.join(map(str, WEIGHTS))}) LIMIT ?"
        )
        try:
            return [row[0] for row in self._connection.execute(sql, (expression, limit))]
        except sqlite3.OperationalError:
            # A word FTS5 cannot take as a query (none should reach it): no hits rather than an error.
            return []

    def _tiers(self, typed: list[str], order: list[_Language]) -> Iterator[list[tuple[_Language, str]]]:
        """The MATCH expressions of each tier, per language."""
        as_typed = [self._as_typed(word) for word in typed]
        yield [(language, " AND ".join(as_typed)) for language in order]
        per_language: list[tuple[_Language, list[str]]] = []
        for language in order:
            groups = []
            for word, plain in zip(typed, as_typed, strict=True):
                alternatives = language.vocabulary.alternatives(word.replace("-", ""), ALTERNATIVES_PER_WORD)
                others = [_quoted(a.word) for a in alternatives]
                groups.append(f"({' OR '.join([plain, *others])})" if others else plain)
            per_language.append((language, groups))
        yield [(language, " AND ".join(groups)) for language, groups in per_language if groups != as_typed]
        if len(typed) > 1:
            yield [(language, " OR ".join(groups)) for language, groups in per_language]

    @staticmethod
    def _as_typed(word: str) -> str:
        """A typed word, or a word beginning with it; for joined words, also their parts."""
        parts = word.split("-")
        joined = "".join(parts)
        forms = [_prefix(form) for form in dict.fromkeys((joined, without_article(joined)))]
        if len(parts) > 1:
            forms.append("(" + " AND ".join(_prefix(part) for part in parts) + ")")
        return forms[0] if len(forms) == 1 else f"({' OR '.join(forms)})"


def _prefix(word: str) -> str:
    return _quoted(word) + ("*" if len(word) >= MIN_PREFIX else "")
