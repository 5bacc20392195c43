"""The search index of whatever content the kiosk shows now, built in a background thread.

While a new index is built (new content arrived) the last one answers; an index replaced here is
freed with its last reference, never closed under a running query.
"""

from __future__ import annotations

import logging
import threading

from kiosk.content.models import RegionContent
from kiosk.memory import give_back_memory
from kiosk.search.index import SearchIndex
from kiosk.store import StoreClosed

log = logging.getLogger(__name__)

#: How long a visitor's search may wait for the first index before saying search is unavailable.
WAIT_FOR_INDEX_S = 300.0


class LiveIndex:
    """The freshest ready index for the content last offered; safe to use from any thread."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._wanted: RegionContent | None = None
        self._index: SearchIndex | None = None
        self._indexed: RegionContent | None = None
        self._failed = False

    def current(self, content: RegionContent) -> SearchIndex | None:
        """The freshest ready index (None before the first); starts a build if ``content`` is new."""
        with self._changed:
            new = content is not self._wanted
            if new:
                self._wanted, self._failed = content, False
        if new:
            threading.Thread(target=self._build, args=(content,), name="search index", daemon=True).start()
        return self._index

    @property
    def failed(self) -> bool:
        """Building failed and there is no older index to answer instead."""
        return self._failed and self._index is None

    def wait(self, timeout: float = WAIT_FOR_INDEX_S) -> bool:
        """Block (in a worker thread, never the UI) until an index is ready or building failed."""
        with self._changed:
            return self._changed.wait_for(lambda: self._index is not None or self._failed, timeout)

    def wait_for(self, content: RegionContent, timeout: float = WAIT_FOR_INDEX_S) -> bool:
        """Block until the index of ``content`` itself is ready (or building it failed)."""
        self.current(content)
        with self._changed:
            return self._changed.wait_for(lambda: self._indexed is content or self._failed, timeout)

    def _build(self, content: RegionContent) -> None:
        try:
            index = SearchIndex.build(content)
            give_back_memory()  # what reading every page's text took for a moment
        except Exception as error:
            if isinstance(error, StoreClosed):
                log.info("search index not built: the content store was closed (the kiosk is stopping)")
            else:
                log.exception("search index could not be built; search answers from the last one, if any")
            with self._changed:
                self._failed = content is self._wanted
                self._changed.notify_all()
            return
        with self._changed:
            # Content that arrived meanwhile has its own build; this one is already old.
            if content is self._wanted:
                self._index, self._indexed = index, content
                self._changed.notify_all()
        log.info("search index ready: %d items in %d languages", len(index), len(index.languages))
