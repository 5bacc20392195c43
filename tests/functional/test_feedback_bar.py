"""The "Was this helpful?" bar in the running kiosk: large buttons, thanks only once the answer is kept."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Button

from kiosk.content.models import Event, RegionContent
from kiosk.ui.app import KioskApp
from kiosk.ui.runtime import Runtime
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets.feedback import FeedbackBar
from kiosk.ui.widgets.text import Prose
from kiosk.usage.outbox import FeedbackOutbox, slug_from_path
from kiosk.usage.store import Feedback, FeedbackKind, Rating, UsageStore
from tests.conftest import MONDAY_MORNING

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


def with_a_cafe(content: RegionContent) -> RegionContent:
    """The bundled content plus a language café tomorrow, in German only (with its page's path)."""
    start = MONDAY_MORNING.replace(hour=15) + timedelta(days=1)
    cafe = Event(
        90_001, "Sprachcafé", start, start + timedelta(hours=2), path="/dortmund/de/events/sprachcafe/"
    )
    german = content.by_language["de"]
    return replace(content, by_language={**content.by_language, "de": replace(german, events=[cafe])})


async def answer_yes(app: KioskApp, pilot: Any) -> None:
    bar = app.screen.query_one(FeedbackBar)
    bar.query_one("#feedback-yes", Button).press()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_places_and_events_ask_too_and_name_what_was_rated(
    make_app: AppFactory, store: UsageStore
) -> None:
    outbox = FeedbackOutbox(store, "dortmund")
    app: KioskApp = make_app(runtime=Runtime(outbox=outbox))
    app.content = with_a_cafe(app.content)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "2", "4", "1")  # English, the offices, the first
        await pilot.pause()
        place = app.screen.query_one(FeedbackBar)
        assert place.display and question(place) == "Was this helpful?"
        await answer_yes(app, pilot)
        assert question(place) == "Thank you for your answer!"
        await pilot.press("home", "3", "1")  # the events, the café (German only: rated in German)
        await pilot.pause()
        await answer_yes(app, pilot)
    answers = [waiting.feedback for waiting in store.waiting()]
    first_place = app.library.places()[0]
    assert [(a.kind, a.language, a.rating) for a in answers] == [
        ("place", first_place.language, "up"),
        ("event", "de", "up"),
    ]
    assert answers[0].slug == slug_from_path(first_place.item.path or first_place.item.url) != ""
    assert answers[1].slug == "sprachcafe"


async def test_an_answer_given_just_before_leaving_is_kept_and_nothing_breaks(
    make_app: AppFactory, store: UsageStore
) -> None:
    outbox = FeedbackOutbox(store, "dortmund")
    app: KioskApp = make_app(runtime=Runtime(outbox=outbox))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "2", "4", "1")
        await pilot.pause()
        app.screen.query_one("#feedback-yes", Button).press()
        await pilot.press("escape")  # gone before the answer is on disk and the thanks can show
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running and type(app.screen).__name__ == "OfficesScreen"
    assert [waiting.feedback.kind for waiting in store.waiting()] == ["place"]
