"""What the newer CMS fields show is also said: a visitor who listens hears that an event runs on
weekdays only and is online (and how to join), and that a place is step-free and who runs it."""

from __future__ import annotations

from pathlib import Path

from kiosk.config import DEFAULT_LANGUAGES, Settings
from kiosk.speech.engine import SpeechSetup, WriteWavs
from kiosk.speech.system import check_speech
from kiosk.ui.app import KioskApp
from kiosk.ui.destinations import EventsAt, PlaceAt
from kiosk.ui.runtime import Runtime
from kiosk.ui.screens.event import EventScreen
from kiosk.ui.screens.place import PlaceScreen
from tests.conftest import FakeMonotonic
from tests.functional.test_live_data_screens import (
    MONDAY,
    open_at,
    places,
    region,
    series_and_lasting,
    titles,
)
from tests.support.speech import needs_espeak
from tests.support.speech_ui import all_said, assert_heard, mark, said, until

pytestmark = needs_espeak


def speaking(settings: Settings, content: object, tmp_path: Path) -> KioskApp:
    found = check_speech(True, "", list(DEFAULT_LANGUAGES), needs_player=False)
    runtime = Runtime(speech=SpeechSetup(found, WriteWavs(tmp_path / "speech")))
    return KioskApp(
        settings,
        content,  # type: ignore[arg-type]
        clock=lambda: MONDAY,
        monotonic=FakeMonotonic(),
        cycle_greeting=False,
        runtime=runtime,
    )


async def test_a_weekday_online_event_is_heard_as_such(settings: Settings, tmp_path: Path) -> None:
    app = speaking(settings, region(series_and_lasting()), tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_at(app, pilot, EventsAt())
        await pilot.press("f1")  # speech on
        await all_said(pilot, app)
        for title, expected in (
            ("Dauerveranstaltung", "nur montags bis freitags"),
            ("Test-Veranstaltung", "Online: Scannen Sie den Code für den Link zum Treffen."),
        ):
            before = mark(app)
            await pilot.press(str(titles(app).index(title) + 1))
            await until(pilot, lambda: isinstance(app.screen, EventScreen), "the event")
            await all_said(pilot, app)
            assert expected in [s.text for s in said(app, before)]
            await pilot.press("escape")
            await until(pilot, lambda: not isinstance(app.screen, EventScreen), "the list")
            await all_said(pilot, app)
        assert_heard(app)


async def test_a_step_free_place_and_who_runs_it_are_heard(settings: Settings, tmp_path: Path) -> None:
    found, categories = places()
    app = speaking(settings, region(places=found, categories=categories), tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_at(app, pilot, PlaceAt(found[0].id))
        assert isinstance(app.screen, PlaceScreen)
        before = mark(app)
        await pilot.press("f1")
        await all_said(pilot, app)
        texts = [s.text for s in said(app, before)]
        assert "Barrierefreier Zugang" in texts
        assert "Träger: Nicht archivierte Organisation" in texts
