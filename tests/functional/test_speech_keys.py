"""Speech mode by keys and taps: the audio menu, paging through a page, pause, interruption, volume,
the header button, the idle reset, and a kiosk without its engine."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from kiosk.config import DEFAULT_LANGUAGES
from kiosk.i18n.locales import native_name
from kiosk.speech.engine import PlayTo, Spoken
from kiosk.ui.app import KioskApp
from kiosk.ui.runtime import UsageSink
from kiosk.ui.screens.home import HomeScreen
from kiosk.ui.screens.page import PageScreen
from kiosk.ui.screens.topics import TopicsScreen
from kiosk.ui.screens.welcome import WelcomeScreen
from tests.conftest import FakeMonotonic
from tests.support.speech import heard_wav, needs_espeak, paced_player
from tests.support.speech_ui import (
    Said,
    all_said,
    assert_heard,
    journal,
    mark,
    said,
    speaking_app,
    until,
    wav_app,
)
from tests.support.visitor import run_out, walk_away

pytestmark = needs_espeak

AppFactory = Callable[..., Any]


def screen_rows(app: KioskApp) -> list[str]:
    """The terminal's rows as the visitor sees them."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def german_home(pilot: Pilot[None], app: KioskApp, *, hear_out: bool = True) -> None:
    """The audio menu, German chosen, the home screen (heard out, unless the visitor hurries on)."""
    await pilot.press("f1")
    await until(pilot, lambda: len(journal(app)) >= 1, "the audio menu to begin")
    await pilot.press("1")
    await until(pilot, lambda: isinstance(app.screen, HomeScreen), "the home screen")
    if hear_out:
        await all_said(pilot, app)


async def german_page(pilot: Pilot[None], app: KioskApp) -> None:
    """Home, Help topics, the first category, its own page: a visitor who knows the way."""
    await german_home(pilot, app, hear_out=False)
    for key in ("1", "1", "1"):
        await pilot.press(key)
        await pilot.pause()
    await until(pilot, lambda: isinstance(app.screen, PageScreen), "the topic page")


# -- the audio menu -----------------------------------------------------------------------------------


async def test_the_audio_menu_says_every_language_in_itself_with_its_key(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app = wav_app(make_app, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f1")
        assert isinstance(app.screen, WelcomeScreen)
        await until(pilot, lambda: len(said(app)) >= 12, "all twelve languages")
        entries = said(app)[:12]
        assert [s.kind for s in entries] == [f"menu:{code}" for code in DEFAULT_LANGUAGES]
        for entry, code in zip(entries, DEFAULT_LANGUAGES, strict=True):
            assert entry.languages[0] == code and entry.text.startswith(native_name(code))
        # The keys of the language picker's tiles: 1–9, then 0, then letters.
        assert entries[0] == Said("menu:de", ("de",), "Deutsch: drücken Sie 1.")
        assert entries[3] == Said("menu:ar", ("ar",), "العربية: اِضْغَطْ 4.")
        assert entries[9] == Said("menu:bg", ("bg",), "Български: натиснете 0.")
        assert entries[11] == Said("menu:fr", ("fr",), "Français : appuyez sur B.")
        assert_heard(app)
        before = mark(app)
        await pilot.press("b")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen), "the home screen")
        assert app.language == "fr"
        await all_said(pilot, app)
        after = said(app, before)
        assert [s.kind for s in after] == ["help", "title", "focus"] and {s.languages[0] for s in after} == {
            "fr"
        }


async def test_enter_picks_the_language_being_offered(make_app: AppFactory, tmp_path: Path) -> None:
    app = wav_app(make_app, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f1")
        await all_said(pilot, app)  # both rounds; the menu waits on its last language
        await pilot.press("up", "up")  # back from French to Polish, to Bulgarian
        await all_said(pilot, app)
        assert said(app)[-1].kind == "menu:bg"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen), "the home screen")
        assert app.language == "bg"


async def test_arrows_walk_the_audio_menu_and_escape_leaves_it(make_app: AppFactory, tmp_path: Path) -> None:
    app = wav_app(make_app, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f1")
        await all_said(pilot, app)  # both rounds; the menu waits on its last language
        assert [s.kind for s in said(app)][-1] == "menu:fr" and len(said(app)) == 2 * len(DEFAULT_LANGUAGES)
        start = mark(app)
        for key in ("down", "down", "up"):  # round to the first, the second, back to the first
            await pilot.press(key)
            await all_said(pilot, app)
        assert [s.kind for s in said(app, start)] == ["menu:de", "menu:en", "menu:de"]
        await pilot.press("escape")
        await all_said(pilot, app)
        assert isinstance(app.screen, WelcomeScreen) and not app.speech.on and app.speech.menu is None
        before = mark(app)
        await pilot.press("2")  # an ordinary key again: the visual language picker
        await pilot.pause()
        assert not isinstance(app.screen, WelcomeScreen) and mark(app) == before


# -- paging through a page --------------------------------------------------------------------------


def playing(app: KioskApp) -> Spoken:
    """The utterance being played now (the paced player takes as long as the audio lasts)."""
    last = journal(app)[-1]
    assert last.finished_at is None, "nothing is being played"
    return last


async def test_keys_page_through_a_topic_pause_it_and_repeat(make_app: AppFactory, tmp_path: Path) -> None:
    played = tmp_path / "played"
    app = speaking_app(make_app, PlayTo(paced_player(played)))
    async with app.run_test(size=(120, 40)) as pilot:
        await german_page(pilot, app)

        def on_passage() -> bool:
            last = journal(app)[-1]
            return (
                last.utterance.kind == "passage" and last.first_audio_at is not None and not last.finished_at
            )

        await until(pilot, lambda: journal(app)[-1].utterance.kind == "title", "the page's title")
        await pilot.press("down")  # past the title and the key help, to the text itself
        await until(pilot, on_passage, "the first passage to sound")
        first = playing(app)
        page = app.screen
        assert isinstance(page, PageScreen)
        passages = list(page.spoken_reading().passages)
        assert first.utterance == passages[0]
        await pilot.press("down")
        await until(pilot, lambda: journal(app)[-1] is not first and on_passage(), "the next passage")
        second = playing(app)
        assert first.interrupted, "the first passage went on under the second"
        assert second.utterance == passages[1]

        await pilot.press("up")
        await until(pilot, lambda: journal(app)[-1] is not second and on_passage(), "the previous passage")
        assert playing(app).utterance == first.utterance and second.interrupted

        again = playing(app)
        await pilot.press("enter")
        await until(pilot, lambda: journal(app)[-1] is not again and on_passage(), "the passage again")
        assert playing(app).utterance == first.utterance and again.interrupted

        paused = playing(app)
        await pilot.press("space")
        await until(pilot, lambda: paused.finished_at is not None, "the pause to silence it")
        assert paused.interrupted and app.speech.speaker is not None and not app.speech.speaker.busy
        requests = mark(app)
        await pilot.pause(0.5)
        assert mark(app) == requests, "something was said during the pause"
        await pilot.press("space")
        await until(pilot, lambda: mark(app) > requests and on_passage(), "speech to go on")
        assert playing(app).utterance == first.utterance, "going on starts the paused passage again"


async def test_past_the_last_passage_the_end_of_the_page_is_said(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app = wav_app(make_app, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await german_page(pilot, app)
        await all_said(pilot, app)  # written as fast as espeak-ng makes it: the whole page
        start = mark(app)
        await pilot.press("down")
        await all_said(pilot, app)
        assert said(app, start) == [Said("state", ("de",), "Ende der Seite.")]
        await pilot.press("up")
        await all_said(pilot, app)
        page = app.screen
        assert isinstance(page, PageScreen)
        reading = said(app, start + 1)
        assert [s.text for s in reading] == [page.spoken_reading().passages[-1].text]  # the last one again
        assert_heard(app, start)


async def test_leaving_a_page_cuts_its_reading_off(make_app: AppFactory, tmp_path: Path) -> None:
    app = speaking_app(make_app, PlayTo(paced_player(tmp_path / "played")))
    async with app.run_test(size=(120, 40)) as pilot:
        await german_page(pilot, app)
        await until(pilot, lambda: journal(app)[-1].utterance.kind == "title", "the page's title")
        await pilot.press("down")
        await until(
            pilot,
            lambda: (
                journal(app)[-1].utterance.kind == "passage" and journal(app)[-1].first_audio_at is not None
            ),
            "the reading to sound",
        )
        reading = playing(app)
        await pilot.press("escape")
        await until(pilot, lambda: journal(app)[-1].utterance.kind == "title", "the topic list's title")
        assert isinstance(app.screen, TopicsScreen)
        assert reading.interrupted
        assert journal(app)[-1].utterance.text == "lokal willkommen Westerfilde"


# -- volume -----------------------------------------------------------------------------------------


async def test_plus_and_minus_change_the_volume_by_more_than_12_db(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app = wav_app(make_app, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await german_home(pilot, app)
        start = mark(app)
        for key in ("plus", "plus", "down", "up"):
            await pilot.press(key)
            await all_said(pilot, app)
        loud = journal(app)[-1]
        for key in ("minus",) * 5 + ("down", "up"):
            await pilot.press(key)
            await all_said(pilot, app)
        quiet = journal(app)[-1]
        words = [s.text for s in said(app, start)]
        assert words[:2] == ["Lauter.", "Am lautesten."]
        assert words[4:9] == ["Leiser.", "Leiser.", "Leiser.", "Leiser.", "Am leisesten."]
        assert loud.utterance == quiet.utterance and loud.utterance.text == "1, Hilfe-Themen"
        assert loud.wav is not None and quiet.wav is not None
        difference = heard_wav(loud.wav).rms_db - heard_wav(quiet.wav).rms_db
        assert difference >= 12.0, f"only {difference:.1f} dB between the loudest and the quietest"
        assert_heard(app, start)


# -- the header button, the count, the idle reset ---------------------------------------------------


class CountingUsage(UsageSink):
    def __init__(self) -> None:
        self.events: list[tuple[str, str, str]] = []

    def record(self, event: str, *, language: str = "", item: str = "") -> None:
        self.events.append((event, language, item))


async def tap_read_aloud(pilot: Pilot[None], app: KioskApp) -> None:
    """A tap on the button, once its last press has shown (Textual ignores taps while it does)."""
    button = app.screen.query_one("#read-aloud")
    await until(pilot, lambda: not button.has_class("-active"), "the button to be ready")
    await pilot.click("#read-aloud")


async def test_the_read_aloud_button_switches_speech_on_and_off(make_app: AppFactory, tmp_path: Path) -> None:
    usage = CountingUsage()
    app = wav_app(make_app, tmp_path, usage=usage)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "1")  # the visual way: the language picker, German
        await until(pilot, lambda: isinstance(app.screen, HomeScreen), "the home screen")
        assert any("Vorlesen" in row for row in screen_rows(app)[:3])
        assert mark(app) == 0, "nothing is said before the visitor asks"
        await tap_read_aloud(pilot, app)
        await until(pilot, lambda: app.speech.on, "the tap to switch speech on")
        await all_said(pilot, app)
        assert [s.kind for s in said(app)] == ["state", "help", "title", "focus"]
        assert said(app)[0] == Said("state", ("de",), "Vorlesen an.")
        assert any("Vorlesen aus" in row for row in screen_rows(app)[:3])
        start = mark(app)
        await tap_read_aloud(pilot, app)
        await until(pilot, lambda: not app.speech.on, "the tap to switch speech off")
        await all_said(pilot, app)
        assert said(app, start) == [Said("state", ("de",), "Vorlesen aus.")]
        await tap_read_aloud(pilot, app)
        await until(pilot, lambda: app.speech.on, "the tap to switch speech on again")
        await all_said(pilot, app)
        assert [e for e in usage.events if e[0] == "speech"] == [("speech", "de", "")], (
            "one session, one count"
        )


async def test_the_idle_warning_is_spoken_and_the_reset_silences_and_switches_off(
    make_app: AppFactory, tmp_path: Path, monotonic: FakeMonotonic
) -> None:
    app = speaking_app(make_app, PlayTo(paced_player(tmp_path / "played")))
    async with app.run_test(size=(120, 40)) as pilot:
        await german_page(pilot, app)
        idle = await walk_away(pilot, app, monotonic)
        await until(pilot, lambda: journal(app)[-1].utterance.kind == "idle", "the spoken warning")
        warning = journal(app)[-1]
        seconds = app.settings.display.idle_countdown_s
        assert warning.utterance.text == (
            f"Sind Sie noch da? In {seconds} Sekunden geht es zurück zum Anfang. "
            "Berühren Sie den Bildschirm oder drücken Sie eine Taste, um weiterzumachen."
        )
        assert warning.utterance.language == "de"
        await until(pilot, lambda: warning.first_audio_at is not None, "the warning to sound")
        await run_out(pilot, idle)
        await until(pilot, lambda: warning.finished_at is not None, "the reset to silence the warning")
        assert warning.interrupted, "the warning went on after the reset"
        assert isinstance(app.screen, WelcomeScreen) and not app.speech.on
        speaker = app.speech.speaker
        assert speaker is not None and not speaker.busy
        # The next visitor starts without speech.
        requests = mark(app)
        await pilot.press("space", "2")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen), "the next visitor's home screen")
        await pilot.pause(0.3)
        assert mark(app) == requests


# -- no engine ----------------------------------------------------------------------------------------


async def test_without_espeak_ng_the_button_says_so_and_nothing_breaks(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app = speaking_app(
        make_app, PlayTo(paced_player(tmp_path / "played")), engine=str(tmp_path / "no-espeak-ng")
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f1")  # on the welcome screen: no audio menu, and no crash
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("space", "1")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen), "the home screen")
        assert any("Vorlesen nicht möglich" in row for row in screen_rows(app)[:3])
        await pilot.press("f1")
        await pilot.click("#read-aloud")
        await pilot.press("1")
        await until(pilot, lambda: isinstance(app.screen, TopicsScreen), "the topics")
        assert not app.speech.on and app.speech.speaker is None
        assert not (tmp_path / "played").exists(), "something was played"
