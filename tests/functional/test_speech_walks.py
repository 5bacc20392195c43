"""Visitors who cannot read the screen walk through the kiosk by ear, in German, Arabic, Ukrainian and
Turkish: what they hear, in order, each passage in its own language's voice, as real WAV files."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from kiosk.clock import BERLIN
from kiosk.content.models import Address, Event, RegionContent
from kiosk.i18n.locales import native_name
from kiosk.sources.snapshot import load_snapshot
from kiosk.ui.app import KioskApp
from kiosk.ui.screens.event import EventScreen
from kiosk.ui.screens.home import HomeScreen
from kiosk.ui.screens.hours import HoursScreen
from kiosk.ui.screens.page import PageScreen
from kiosk.ui.screens.place import PlaceScreen
from kiosk.ui.widgets.choices import Choice
from tests.support.speech import needs_espeak
from tests.support.speech_ui import Said, all_said, assert_heard, mark, said, until, wav_app

pytestmark = needs_espeak

AppFactory = Callable[..., Any]


async def press(pilot: Pilot[None], app: KioskApp, *keys: str) -> list[Said]:
    """Press ``keys`` one after the other, each heard out; what was said after the last one."""
    for key in keys:
        before = mark(app)
        await pilot.press(key)
        await all_said(pilot, app)
    return said(app, before)


async def choose_in_audio_menu(pilot: Pilot[None], app: KioskApp, number: str) -> list[Said]:
    """The speech key on the welcome screen, and the language's number once the menu is speaking."""
    await pilot.press("f1")
    await until(pilot, lambda: len(said(app)) >= 1, "the audio menu to begin")
    return await press(pilot, app, number)


async def test_a_german_visitor_hears_the_home_tiles_and_the_office_hours_in_words(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app = wav_app(make_app, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        home = await choose_in_audio_menu(pilot, app, "1")
        assert isinstance(app.screen, HomeScreen) and app.language == "de"
        assert home == [
            Said("help", ("de",), "Plus und Minus: lauter und leiser. Leertaste: Pause. F1: Vorlesen aus."),
            Said("title", ("de",), "Wie können wir Ihnen helfen?"),
            Said("focus", ("de",), "1, Hilfe-Themen"),
        ]
        assert await press(pilot, app, "down") == [Said("focus", ("de",), "2, Öffnungszeiten und Termine")]
        hours = await press(pilot, app, "enter")
        assert isinstance(app.screen, HoursScreen)
        assert [s.text for s in hours] == [
            "Öffnungszeiten und Termine",
            "Pfeil nach unten: nächster Absatz. Pfeil nach oben: voriger. Enter: wiederholen.",
            "lokal willkommen Westerfilde",
            "Westerfilder Straße 54, 44357 Dortmund",
            "Jetzt geöffnet bis 12 Uhr",
            "Montag und Freitag: 9 bis 12 Uhr.",
            "Dienstag: 13 bis 16 Uhr.",
            "Donnerstag: 14 bis 17 Uhr.",
            "Telefon: 0 2 3 1, 5 0, 1 1, 1 4 8",
            "E-Mail: lokalwillkommen.mh@stadtdo.de",
            # The take-home panel's code in view: the office hours as text.
            "QR-Code: Enthält den Text dieser Seite.",
        ]
        assert {s.languages for s in hours} == {("de",)}
        # C shows the next code, and a listener hears which.
        assert [s.text for s in await press(pilot, app, "c")] == [
            "QR-Code: Rufen Sie uns an. Er enthält die Telefonnummer 0 2 3 1 5 0 1 1 1 4 8."
        ]
        assert_heard(app)


def without_arabic_page(page_id: int) -> RegionContent:
    """The bundled content with one Arabic page missing: the German one stands in for it."""
    content = load_snapshot()
    arabic = content.by_language["ar"]
    pages = [page for page in arabic.pages if page.id != page_id]
    by_language = {**content.by_language, "ar": dataclasses.replace(arabic, pages=pages)}
    return dataclasses.replace(content, by_language=by_language)


async def test_an_arabic_visitor_hears_a_german_fallback_page_in_the_german_voice(
    make_app: AppFactory, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setattr("kiosk.sources.snapshot.load_snapshot", lambda: without_arabic_page(302))
    app = wav_app(make_app, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        home = await choose_in_audio_menu(pilot, app, "4")
        assert app.language == "ar" and [s.kind for s in home] == ["help", "title", "focus"]
        assert home[1] == Said("title", ("ar",), "كيف يمكننا مساعدتكم؟")
        topics = await press(pilot, app, "1")
        assert topics == [
            Said("title", ("ar",), "مواضيع المساعدة"),
            # The office's name is German inside the Arabic title: the German voice says it.
            Said("focus", ("ar", "de"), "1, مكتب lokal willkommen Westerfilde"),
        ]
        kita = await press(pilot, app, "3")
        assert kita[0] == Said("title", ("ar",), "الروضة والعائلة")
        tiles = await press(pilot, app, "down", "down")
        # The number and the note in Arabic, the German title in the German voice.
        assert tiles == [Said("focus", ("ar", "de", "ar"), "3, Einen Kita-Platz finden باللغة الألمانية")]
        page = await press(pilot, app, "enter")
        assert isinstance(app.screen, PageScreen)
        assert page[0] == Said("title", ("de",), "Einen Kita-Platz finden")
        assert page[1].kind == "help" and page[1].languages[0] == "ar"
        assert page[2] == Said("passage", ("ar",), "هذه الصفحة غير متوفرة بلغتكم. نعرضها باللغة الألمانية.")
        passages = page[3:]
        assert passages[0] == Said("passage", ("de",), "So gehen Sie vor")
        *body, code = passages
        assert len(body) >= 8 and all(s.languages == ("de",) for s in body), passages
        # The code in view is described by the kiosk, in the visitor's voice.
        assert code.languages[0] == "ar" and code.text.startswith("رمز QR"), code
        assert_heard(app)


def with_ukrainian_event(now: datetime) -> RegionContent:
    content = load_snapshot()
    event = Event(
        id=9001,
        title="Мовне кафе",
        start=datetime(2026, 11, 26, 18, tzinfo=BERLIN),
        end=datetime(2026, 11, 26, 19, 30, tzinfo=BERLIN),
        content_html="<p>Говоримо німецькою за чаєм.</p><p>Приходьте без запису.</p>",
        place_name="Бюро lokal willkommen",
        address=Address(street="Westerfilder Straße 54", postcode="44357", town="Dortmund"),
    )
    ukrainian = content.by_language["uk"]
    by_language = {**content.by_language, "uk": dataclasses.replace(ukrainian, events=[event])}
    return dataclasses.replace(content, by_language=by_language)


async def test_a_ukrainian_visitor_hears_an_events_date_time_and_place(
    make_app: AppFactory, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setattr("kiosk.sources.snapshot.load_snapshot", lambda: with_ukrainian_event(datetime.now()))
    app = wav_app(make_app, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await choose_in_audio_menu(pilot, app, "3")
        assert app.language == "uk"
        events = await press(pilot, app, "3")
        assert events == [
            Said("title", ("uk",), "Заходи"),
            Said("focus", ("uk",), "1, Мовне кафе"),
        ]
        event = await press(pilot, app, "1")
        assert isinstance(app.screen, EventScreen)
        texts = [s.text for s in event]
        assert texts[0] == "Мовне кафе" and event[0].languages == ("uk",)
        assert texts[2] == "четвер, 26 листопада, від 18 години до 19 30"
        assert texts[3] == "Бюро lokal willkommen, Westerfilder Straße 54, 44357 Dortmund"
        assert event[3].languages == ("uk", "de")  # the German address in the German voice
        assert texts[4:6] == ["Говоримо німецькою за чаєм.", "Приходьте без запису."]
        assert texts[6] == "QR-код: Додати у свій календар. У ньому запис для календаря вашого телефона."
        assert_heard(app)


async def test_a_turkish_visitor_hears_an_office_in_turkish_words_and_german_content(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """The bundled content has no Turkish: the place is German, the kiosk's own words Turkish."""
    app = wav_app(make_app, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await choose_in_audio_menu(pilot, app, "7")
        assert app.language == "tr"
        offices = await press(pilot, app, "4")
        assert offices[0] == Said("title", ("tr",), "Dortmund'daki lokal willkommen ofisleri")
        assert offices[1].text.startswith("1, lokal willkommen Westerfilde") and offices[1].languages[:2] == (
            "tr",
            "de",
        )
        place = await press(pilot, app, "1")
        assert isinstance(app.screen, PlaceScreen)
        assert place[0] == Said("title", ("de",), "lokal willkommen Westerfilde")
        by_text = {s.text: s.languages for s in place}
        # German content, its clock times said as words (not "neun Uhr null null").
        hours_in_content = next(s for s in place if s.text.startswith("Offene Sprechzeiten"))
        assert hours_in_content.languages == ("de",) and "9:00" in hours_in_content.text
        assert by_text["Pazartesi ve Cuma: saat 9 ile 12 arası."] == ("tr",)
        assert by_text["Şu an açık. kapanış: 12"] == ("tr",)
        assert by_text["Telefon: 0 2 3 1, 5 0, 1 1, 1 4 8"] == ("tr",)
        # The code in view is described in Turkish; C shows (and says) the next one.
        assert [by_text[t] for t in by_text if t.startswith("QR kodu:")] == [("tr",)]
        heard = []
        for _ in range(8):
            heard += [s.text for s in await press(pilot, app, "c")]
            if any(t.startswith("QR kodu: Web sitesi. İçinde diakoniedortmund.de") for t in heard):
                break
        else:
            raise AssertionError(f"the website's code was never said: {heard}")
        assert_heard(app)


async def test_switching_language_with_f2_goes_on_speaking_in_the_new_one(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app = wav_app(make_app, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await choose_in_audio_menu(pilot, app, "4")
        picker = await press(pilot, app, "f2")
        focused = app.focused
        assert isinstance(focused, Choice)
        code = app.settings.display.languages[focused.number - 1]
        # The key in the visitor's voice, the language's name in its own.
        assert picker == [
            Said("title", ("ar",), "اختاروا لغتكم"),
            Said("focus", ("ar", code), f"{focused.key}, {native_name(code)}"),
        ]
        moved = await press(pilot, app, "down")
        below = app.focused
        assert isinstance(below, Choice) and below is not focused
        other = app.settings.display.languages[below.number - 1]
        assert moved == [Said("focus", ("ar", other), f"{below.key}, {native_name(other)}")]
        home = await press(pilot, app, "1")
        assert app.language == "de" and isinstance(app.screen, HomeScreen)
        tile = app.focused
        assert isinstance(tile, Choice)
        assert home == [
            Said("title", ("de",), "Wie können wir Ihnen helfen?"),
            Said("focus", ("de",), f"{tile.key}, {tile.data.title}"),  # the tile the focus is on
        ]
        assert_heard(app)
