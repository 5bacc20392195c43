"""FeedbackBar: "Was this helpful?" with Yes and No under a page, event or place; no free text.

The visitor is thanked only after the answer is on disk (the outbox write runs in a thread, so the
screen stays responsive meanwhile). Without an outbox, or for an item without a slug the server
could match, the bar is not shown at all: no question whose answer would go nowhere.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button

from kiosk.content.library import Shown
from kiosk.content.models import Event, Page, Place
from kiosk.i18n import _
from kiosk.ui.widgets.text import Prose, visual
from kiosk.usage.outbox import FeedbackOutbox, slug_from_path
from kiosk.usage.store import FeedbackKind, Rating

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp

log = logging.getLogger(__name__)


class FeedbackBar(Vertical):
    """Two large buttons; after an answer, thanks in the visitor's language instead."""

    DEFAULT_CSS = """
    FeedbackBar { height: auto; width: 1fr; margin: 1 0 1 0; }
    FeedbackBar .feedback-question { text-style: bold; margin: 0 0 1 0; }
    FeedbackBar .feedback-buttons { height: auto; width: 1fr; }
    FeedbackBar.-rtl .feedback-buttons { align-horizontal: right; }
    FeedbackBar Button { height: 3; min-width: 12; margin: 0 2 0 0; }
    FeedbackBar.-rtl Button { margin: 0 0 0 2; }
    """

    class Given(Message):
        """The visitor answered and the answer is stored (``stored`` False: held in memory only)."""

        def __init__(self, rating: Rating, stored: bool) -> None:
            super().__init__()
            self.rating = rating
            self.stored = stored

    def __init__(
        self,
        outbox: FeedbackOutbox | None,
        *,
        kind: FeedbackKind,
        slug: str,
        language: str,
        title: str = "",
        id: str | None = "feedback",
    ) -> None:
        super().__init__(id=id)
        self.outbox = outbox
        self.kind: FeedbackKind = kind
        self.slug = slug
        self.language = language
        self.title = title
        self.answer: Rating | None = None

    def compose(self) -> ComposeResult:
        if self.outbox is None or not self.slug:
            self.display = False
            return
        rtl = getattr(self.app, "direction", "ltr") == "rtl"
        self.set_class(rtl, "-rtl")
        yield Prose(_("Was this helpful?"), classes="feedback-question")
        buttons = [
            Button(visual(_("Yes")), id="feedback-yes"),
            Button(visual(_("No")), id="feedback-no"),
        ]
        with Horizontal(classes="feedback-buttons"):
            yield from (reversed(buttons) if rtl else buttons)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if self.answer is not None or self.outbox is None:
            return
        rating: Rating = "up" if event.button.id == "feedback-yes" else "down"
        self.answer = rating
        for button in self.query(Button):
            button.disabled = True
        outbox = self.outbox
        # The app's worker, not this widget's: a visitor who leaves at once removes the bar, and a
        # widget's workers are cancelled with it, before the answer reached the disk.
        self.app.run_worker(
            lambda: self._keep(outbox, rating),
            thread=True,
            group="feedback-answer",
            exit_on_error=False,
            description="keeping a feedback answer",
        )

    def _keep(self, outbox: FeedbackOutbox, rating: Rating) -> None:
        """Write the answer (an fsync: off the event loop), then thank the visitor."""
        try:
            stored = outbox.give(self.kind, self.slug, self.language, rating, title=self.title)
        except Exception:  # the visitor did their part; a bug here must not take the screen down
            log.exception("feedback could not be kept")
            stored = False
        self.app.call_from_thread(self._thank, rating, stored)

    def _thank(self, rating: Rating, stored: bool) -> None:
        if not self.is_attached:
            return  # the visitor left the page while the answer was written; it is kept all the same
        self.query(".feedback-buttons").remove()
        self.query_one(".feedback-question", Prose).text = _("Thank you for your answer!")
        self.post_message(self.Given(rating, stored))


def feedback_bar(
    kiosk: KioskApp, kind: FeedbackKind, shown: Shown[Page] | Shown[Event] | Shown[Place] | None
) -> FeedbackBar:
    """ "Was this helpful?" for the page, event or place on screen (hidden if it has no slug).

    The slug belongs to the translation shown, so its language goes with it.
    """
    if shown is None:
        return FeedbackBar(None, kind=kind, slug="", language="")
    item = shown.item
    title = item.name if isinstance(item, Place) else item.title
    return FeedbackBar(
        kiosk.runtime.outbox,
        kind=kind,
        slug=slug_from_path(item.path or item.url),
        language=shown.language,
        title=title,
    )
