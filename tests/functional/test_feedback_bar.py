"""The "Was this helpful?" bar in the running kiosk: large buttons, thanks only once the answer is kept."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Button

from kiosk.feedback import FeedbackOutbox
from kiosk.ui.app import KioskApp
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets.feedback import FeedbackBar
from kiosk.ui.widgets.text import Prose
from kiosk.usage_store import Feedback, FeedbackKind, Rating, UsageStore

AppFactory = Callable[..., Any]


class RatedItem(KioskScreen):
    """A screen with nothing but the bar, placed as a page places it: under the text."""

    def __init__(self, outbox: FeedbackOutbox | None, slug: str = "willkommen", language: str = "de") -> None:
        super().__init__()
        self.outbox = outbox
        self.slug = slug
        self.language = language

    def compose_body(self) -> ComposeResult:
        yield Prose("Willkommen in Westerfilde.")
        yield FeedbackBar(
            self.outbox, kind="page", slug=self.slug, language=self.language, title="Willkommen"
        )


class WatchedOutbox(FeedbackOutbox):
    """Notes what the visitor saw at the moment the answer reached the disk."""

    seen_while_writing: list[str]

    def give(self, kind: FeedbackKind, slug: str, language: str, rating: Rating, *, title: str = "") -> bool:
        stored = super().give(kind, slug, language, rating, title=title)
        bar = self.app.screen.query_one(FeedbackBar)
        self.seen_while_writing.append(question(bar))
        return stored

    app: KioskApp


def question(bar: FeedbackBar) -> str:
    text = bar.query_one(".feedback-question", Prose).text
    return text if isinstance(text, str) else text.plain


@pytest.fixture
def store(tmp_path: Path) -> UsageStore:
    return UsageStore.open(tmp_path / "usage")


async def show(app: KioskApp, pilot: Any, screen: KioskScreen, language: str = "de") -> FeedbackBar:
    await app.change_language(language)
    await app.push_screen(screen)
    await pilot.pause()
    return app.screen.query_one(FeedbackBar)


async def test_yes_is_kept_before_the_visitor_is_thanked(make_app: AppFactory, store: UsageStore) -> None:
    app: KioskApp = make_app()
    outbox = WatchedOutbox(store, "dortmund")
    outbox.seen_while_writing, outbox.app = [], app
    given: list[Message] = []
    async with app.run_test(size=(100, 30), message_hook=lambda m: given.append(m)) as pilot:
        bar = await show(app, pilot, RatedItem(outbox))
        assert question(bar) == "War das hilfreich?"
        await pilot.click("#feedback-yes")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert outbox.seen_while_writing == ["War das hilfreich?"], "no thanks before the answer is on disk"
        assert question(bar) == "Danke für Ihre Antwort!"
        assert not bar.query(Button), "one answer per visit: the buttons are gone"
    assert [w.feedback for w in store.waiting()] == [Feedback("dortmund", "de", "page", "willkommen", "up")]
    answers = [m for m in given if isinstance(m, FeedbackBar.Given)]
    assert [(m.rating, m.stored) for m in answers] == [("up", True)]


async def test_buttons_are_large_and_work_from_the_keyboard(make_app: AppFactory, store: UsageStore) -> None:
    app: KioskApp = make_app()
    outbox = FeedbackOutbox(store, "dortmund")
    async with app.run_test(size=(100, 30)) as pilot:
        bar = await show(app, pilot, RatedItem(outbox))
        yes, no = bar.query_one("#feedback-yes", Button), bar.query_one("#feedback-no", Button)
        assert yes.region.height >= 3 and no.region.height >= 3
        assert yes.region.x < no.region.x, "Yes first, on the reading-start side"
        no.focus()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("enter")  # a second press has nothing left to press
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert [(w.feedback.slug, w.feedback.rating) for w in store.waiting()] == [("willkommen", "down")]


async def test_right_to_left_visitors_find_yes_on_the_right(make_app: AppFactory, store: UsageStore) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        bar = await show(app, pilot, RatedItem(FeedbackOutbox(store, "dortmund"), language="ar"), "ar")
        yes, no = bar.query_one("#feedback-yes", Button), bar.query_one("#feedback-no", Button)
        assert yes.region.x > no.region.x


async def test_thanks_come_in_the_visitors_language(make_app: AppFactory, store: UsageStore) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        bar = await show(app, pilot, RatedItem(FeedbackOutbox(store, "dortmund"), language="uk"), "uk")
        assert question(bar) == "Це було корисно?"
        assert str(bar.query_one("#feedback-yes", Button).label) == "Так"
        await pilot.click("#feedback-no")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert question(bar) == "Дякуємо за Вашу відповідь!"
    assert [(w.feedback.language, w.feedback.rating) for w in store.waiting()] == [("uk", "down")]


async def test_an_unwritable_outbox_still_thanks_the_visitor(make_app: AppFactory, store: UsageStore) -> None:
    store.read_only = True
    app: KioskApp = make_app()
    given: list[Message] = []
    async with app.run_test(size=(100, 30), message_hook=lambda m: given.append(m)) as pilot:
        bar = await show(app, pilot, RatedItem(FeedbackOutbox(store, "dortmund")))
        await pilot.click("#feedback-yes")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert question(bar) == "Danke für Ihre Antwort!"
        assert app.is_running
    assert [(m.rating, m.stored) for m in given if isinstance(m, FeedbackBar.Given)] == [("up", False)]


@pytest.mark.parametrize(("with_outbox", "slug"), [(False, "willkommen"), (True, "")])
async def test_no_question_when_the_answer_could_go_nowhere(
    make_app: AppFactory, store: UsageStore, with_outbox: bool, slug: str
) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        outbox = FeedbackOutbox(store, "dortmund") if with_outbox else None
        bar = await show(app, pilot, RatedItem(outbox, slug=slug))
        assert not bar.display
        assert not bar.query(Button)
