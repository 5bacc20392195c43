"""Visitors' "Was this helpful?" answers, kept durably until the content API has them.

:meth:`FeedbackOutbox.give` returns only once the answer is committed to the usage file (an fsync),
so the visitor is thanked for something that survives a crash or a power cut; the sender
(:mod:`kiosk.usage.sender`) takes them from there.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from urllib.parse import unquote, urlsplit

from kiosk.clock import berlin_now
from kiosk.content.text import one_line
from kiosk.store import StoreError
from kiosk.usage.report import HELPFUL, NOT_HELPFUL
from kiosk.usage.store import FEEDBACK_KINDS, CountKey, Feedback, FeedbackKind, Rating, UsageStore

log = logging.getLogger(__name__)

#: The kiosk's kinds of things to rate, and the API's name for each (a place is a POI there).
ENDPOINTS: dict[str, str] = {"page": "page", "event": "event", "place": "poi"}
#: Answers kept in memory while the usage file cannot be written (lost only if the kiosk stops first).
MAX_UNSAVED = 500


def slug_from_path(path: str) -> str:
    """The item's slug, the last segment of its path or URL: "/augsburg/de/willkommen/" -> "willkommen"."""
    segments = [segment for segment in urlsplit(path).path.split("/") if segment]
    return unquote(segments[-1]) if segments else ""


class FeedbackOutbox:
    """Answers waiting for the server, in the usage file; one per region the kiosk shows."""

    def __init__(
        self, store: UsageStore, region: str, *, clock: Callable[[], datetime] | None = None
    ) -> None:
        self.store = store
        self.region = region
        self._clock = clock or berlin_now
        self._lock = threading.Lock()
        self._unsaved: list[tuple[Feedback, CountKey]] = []
        #: Called (from any thread) after an answer is stored: the sender's wake-up.
        self.on_new: Callable[[], None] | None = None

    def give(self, kind: FeedbackKind, slug: str, language: str, rating: Rating, *, title: str = "") -> bool:
        """Store an answer (and count it); True once it is on disk, False if it is only held in memory."""
        if kind not in FEEDBACK_KINDS or rating not in ("up", "down") or not slug:
            raise ValueError(f"not an answer: {kind!r} {slug!r} {rating!r}")
        feedback = Feedback(self.region, language, kind, slug, rating)
        event = HELPFUL if rating == "up" else NOT_HELPFUL
        counted = CountKey.at(self._clock(), event, language, one_line(title or f"{kind} {slug}")[:120])
        try:
            self.store.put_feedback(feedback, counted)
        except StoreError:  # logged once by the store
            with self._lock:
                if len(self._unsaved) < MAX_UNSAVED:
                    self._unsaved.append((feedback, counted))
            return False
        if self.on_new is not None:
            self.on_new()
        return True

    def save_unsaved(self) -> None:
        """Write answers held in memory since the file failed; those that still fail stay held."""
        with self._lock:
            unsaved, self._unsaved = self._unsaved, []
        for index, (feedback, counted) in enumerate(unsaved):
            try:
                self.store.put_feedback(feedback, counted)
            except StoreError:
                with self._lock:
                    self._unsaved[:0] = unsaved[index:]
                return

    @property
    def unsaved(self) -> int:
        with self._lock:
            return len(self._unsaved)


__all__ = ["ENDPOINTS", "FeedbackOutbox", "slug_from_path"]
