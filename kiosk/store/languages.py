"""Languages read from the content store when they are asked for, a few kept in memory.

A region of 5,000 pages costs about ten megabytes per language as Python objects; twelve of them
held at once were most of the kiosk's memory. The store keeps in memory the languages it is told to
keep (the default and the fallbacks, which every visitor meets) and the few read last
(:class:`LanguageCache`); :class:`StoredLanguages` is a region's ``by_language`` that reads through it,
so a ``RegionContent`` names every stored language while holding only those.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence

from kiosk.content.models import LanguageContent, RegionContent

log = logging.getLogger("kiosk.store")  # one logger for the package: what staff filter the journal by

#: How many languages besides the kept ones stay in memory once read: the visitor's, and the one
#: before it (a visitor switching back and forth, a search in another script).
RECENT_LANGUAGES = 2

Read = Callable[[str, str], LanguageContent | None]


class LanguageCache:
    """Whole languages as read from the store, the kept ones and the ``recent`` read last; safe to
    share between threads. A write forgets what it changed (:meth:`forget`)."""

    def __init__(self, read: Read, recent: int = RECENT_LANGUAGES) -> None:
        self._read = read
        self._recent = recent
        self._keep: frozenset[str] = frozenset()
        self._held: OrderedDict[tuple[str, str], LanguageContent] = OrderedDict()
        self._lock = threading.Lock()
        #: Bumped by every :meth:`forget`: a read that began before it may hold old content.
        self._writes = 0

    def keep(self, codes: Collection[str]) -> None:
        """Keep these languages in memory once read (the others: only the ``recent`` last)."""
        with self._lock:
            self._keep = frozenset(codes)
            self._trim()

    def get(self, region: str, code: str) -> LanguageContent | None:
        """The language's content (None if the store has none), from memory if it is held."""
        key = (region, code)
        with self._lock:
            found = self._held.get(key)
            if found is not None:
                self._held.move_to_end(key)
                return found
            writes = self._writes
        # Read outside the lock: a slow read must not hold up another thread's held language.
        loaded = self._read(region, code)
        with self._lock:
            if loaded is not None and writes == self._writes:
                self._held[key] = loaded
                self._trim()
        return loaded

    def held(self, region: str) -> list[str]:
        """The languages of ``region`` in memory now, the least recently asked first."""
        with self._lock:
            return [code for held_region, code in self._held if held_region == region]

    def forget(self, region: str | None = None, code: str | None = None) -> None:
        """Drop what the store no longer has as it was: a language, a region's every one, or all."""
        with self._lock:
            self._writes += 1
            for key in list(self._held):
                if region in (None, key[0]) and code in (None, key[1]):
                    del self._held[key]

    def _trim(self) -> None:
        others = [key for key in self._held if key[1] not in self._keep]
        for key in others[: max(0, len(others) - self._recent)]:
            del self._held[key]


class StoredLanguages(Mapping[str, LanguageContent]):
    """A region's content by language, read from the store (through its :class:`LanguageCache`) when a
    language is asked for. Every stored language is a key; asking whether one is there reads nothing.

    A language that cannot be read (the disk failed meanwhile) is missing, as if not stored: logged.
    """

    def __init__(self, cache: LanguageCache, read_once: Read, region: str, codes: Sequence[str]) -> None:
        self._cache = cache
        self._read_once = read_once
        self._region = region
        self._codes = tuple(codes)

    def __getitem__(self, code: str) -> LanguageContent:
        if code not in self._codes:
            raise KeyError(code)
        found = self._cache.get(self._region, code)
        if found is None:
            raise KeyError(code)
        return found

    def __contains__(self, code: object) -> bool:
        return code in self._codes

    def __iter__(self) -> Iterator[str]:
        return iter(self._codes)

    def __len__(self) -> int:
        return len(self._codes)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, StoredLanguages):
            same = (self._cache, self._region, self._codes) == (other._cache, other._region, other._codes)
            return same or super().__eq__(other)
        return super().__eq__(other)

    __hash__ = None  # type: ignore[assignment]  # a mapping, as dict

    def __repr__(self) -> str:
        return f"StoredLanguages({self._region!r}, {list(self._codes)!r}, held={self.held()!r})"

    def held(self) -> list[str]:
        """The languages in memory now (the others are read when asked for)."""
        return [code for code in self._cache.held(self._region) if code in self._codes]

    def read_once(self, code: str) -> LanguageContent | None:
        """A language as stored, read for a single pass (the search index) without settling in memory:
        the held one if it is held."""
        if code not in self._codes:
            return None
        if code in self.held():
            return self.get(code)
        return self._read_once(self._region, code)


def stored_region(content: RegionContent) -> StoredLanguages | None:
    """The store-backed languages of ``content``, if that is how it holds them."""
    by_language = content.by_language
    return by_language if isinstance(by_language, StoredLanguages) else None
