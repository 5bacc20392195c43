"""Staff mode through Pilot: the hidden entry, the PIN pad (right, wrong, lockout), the staff screen."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.widgets import Button

from kiosk import __version__
from kiosk.config import Settings, StaffSettings
from kiosk.i18n import configure
from kiosk.i18n.catalogs import gettext_in
from kiosk.ops.notify import Notifier
from kiosk.ops.pin import hash_pin
from kiosk.sources.snapshot import load_snapshot
from kiosk.store import Store
from kiosk.ui.app import KioskApp
from kiosk.ui.runtime import Runtime, UsageSink
from kiosk.ui.screens.language import LanguageScreen
from kiosk.ui.screens.pin_pad import PinPadScreen
from kiosk.ui.screens.staff import StaffScreen
from kiosk.ui.screens.welcome import WelcomeScreen
from kiosk.ui.widgets.text import Prose
from kiosk.usage.store import HourCount
from tests.conftest import MONDAY_MORNING, FakeMonotonic
from tests.support.api_server import free_port_url
from tests.support.screen import screen_text
from tests.support.visitor import run_out, walk_away
from tests.support.waiting import until

PIN = "2468"


class Clock:
    """The app's wall clock, moved by hand."""

    def __init__(self) -> None:
        self.now = MONDAY_MORNING

    def __call__(self) -> datetime:
        return self.now


class RecordingNotifier(Notifier):
    def __init__(self) -> None:
        super().__init__("/nonexistent")
        self.sent: list[str] = []

    def send(self, *assignments: str) -> bool:
        self.sent.extend(assignments)
        return True


HEADER = """msgid ""
msgstr ""
"Language: {code}\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"
"Content-Type: text/plain; charset=utf-8\\n"

"""


def write_catalog(directory: Path, code: str, messages: dict[str, str]) -> Path:
    path = directory / code / "LC_MESSAGES" / "kiosk.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "".join(f'msgid "{key}"\nmsgstr "{value}"\n\n' for key, value in messages.items())
    path.write_text(HEADER.format(code=code) + body, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def catalogs(tmp_path: Path) -> Path:
    """Small catalogs of our own: the staff screen's words stay English, whatever is translated."""
    directory = tmp_path / "translations"
    write_catalog(directory, "de", {"Welcome": "Willkommen"})
    write_catalog(directory, "fr", {"Welcome": "Bienvenue"})
    (directory / "kiosk.pot").write_text(HEADER.format(code="") + 'msgid "Welcome"\nmsgstr ""\n', "utf-8")
    configure(directory)
    return directory


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def with_pin(settings: Settings) -> Settings:
    return settings.model_copy(update={"staff": StaffSettings(pin_hash=hash_pin(PIN, n=2**4))})


def kiosk_app(settings: Settings, clock: Clock, monotonic: FakeMonotonic, **options: Any) -> KioskApp:
    return KioskApp(
        settings, load_snapshot(), clock=clock, monotonic=monotonic, cycle_greeting=False, **options
    )


def shown(app: KioskApp) -> str:
    """Everything the current screen says in Prose widgets and on buttons."""
    texts = [screen_text(app), *(str(button.label) for button in app.screen.query(Button))]
    return "\n".join(texts)


def tap(app: KioskApp, x: int = 0, y: int = 0) -> None:
    """A touch as the terminal driver reports it: press and release at one cell."""
    for kind in (events.MouseDown, events.MouseUp):
        app.post_message(kind(None, x, y, 0, 0, 1, False, False, False, screen_x=x, screen_y=y))


async def enter(pilot: Any, pin: str) -> None:
    await pilot.press(*pin, "enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


# --- the hidden entry ---------------------------------------------------------------------------------


async def test_ctrl_f12_opens_the_pad_and_the_right_pin_opens_staff_mode(
    with_pin: Settings, clock: Clock, monotonic: FakeMonotonic
) -> None:
    app = kiosk_app(with_pin, clock, monotonic)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("ctrl+f12")
        assert isinstance(app.screen, PinPadScreen)
        await pilot.press("ctrl+f12")  # a second chord does not stack another pad
        assert sum(isinstance(s, PinPadScreen) for s in app.screen_stack) == 1
        await enter(pilot, PIN)
        assert isinstance(app.screen, StaffScreen)
        assert __version__ in shown(app)
        await pilot.press("escape")
        assert isinstance(app.screen, WelcomeScreen)


async def test_five_taps_in_the_corner_open_the_pad_and_digits_work_by_touch(
    with_pin: Settings, clock: Clock, monotonic: FakeMonotonic
) -> None:
    app = kiosk_app(with_pin, clock, monotonic)
    async with app.run_test(size=(100, 40)) as pilot:
        for _ in range(5):
            tap(app)
            monotonic.advance(0.5)
        await pilot.pause()
        assert isinstance(app.screen, PinPadScreen)
        for digit in PIN:
            await pilot.click(f"#digit-{digit}")
        await pilot.click("#pin-ok")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, StaffScreen)
        await pilot.click("#staff-leave")
        assert isinstance(app.screen, WelcomeScreen)


async def test_slow_or_too_few_corner_taps_do_nothing_at_all(
    with_pin: Settings, clock: Clock, monotonic: FakeMonotonic
) -> None:
    app = kiosk_app(with_pin, clock, monotonic)
    async with app.run_test(size=(100, 40)) as pilot:
        for _ in range(4):
            tap(app)
        await pilot.pause()
        monotonic.advance(3.5)
        tap(app)  # the fifth, but too late: the first four have expired
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen), "a corner tap is not even a visitor's tap"
        tap(app, 10, 10)  # elsewhere, a tap is a visitor's tap as always
        await pilot.pause()
        assert isinstance(app.screen, LanguageScreen)


# --- the PIN pad ----------------------------------------------------------------------------------------


async def test_the_pin_is_shown_as_stars_and_never_logged(
    with_pin: Settings, clock: Clock, monotonic: FakeMonotonic, caplog: pytest.LogCaptureFixture
) -> None:
    app = kiosk_app(with_pin, clock, monotonic)
    with caplog.at_level(logging.DEBUG):
        async with app.run_test(size=(100, 40)) as pilot:
            await pilot.press("ctrl+f12", *"1357")
            entered = app.screen.query_one("#pin-entered", Prose).text
            assert str(entered) == "* * * *"
            assert "1357" not in shown(app)
            await pilot.press("backspace")
            assert str(app.screen.query_one("#pin-entered", Prose).text) == "* * *"
            await enter(pilot, "9")  # 1359: wrong
            assert "Wrong PIN. 4 more tries." in shown(app)
            await enter(pilot, PIN)
            assert isinstance(app.screen, StaffScreen)
    logged = "\n".join(f"{r.getMessage()} {r.args}" for r in caplog.records)
    assert "wrong staff PIN (1 of 5)" in logged
    for secret in ("1359", "135", PIN):
        assert secret not in logged
    assert all(PIN not in str(worker.description) for worker in app.workers)


async def test_fewer_than_four_digits_is_not_an_attempt(
    with_pin: Settings, clock: Clock, monotonic: FakeMonotonic
) -> None:
    app = kiosk_app(with_pin, clock, monotonic)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("ctrl+f12")
        await enter(pilot, "12")
        assert "The PIN has 4 to 8 digits." in shown(app)
        await pilot.press("backspace", "backspace")
        await enter(pilot, "0000")
        assert "4 more tries" in shown(app)


async def test_five_wrong_pins_lock_the_pad_for_five_minutes(
    with_pin: Settings, clock: Clock, monotonic: FakeMonotonic
) -> None:
    app = kiosk_app(with_pin, clock, monotonic)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("ctrl+f12")
        for _ in range(5):
            await enter(pilot, "1111")
        assert "Too many wrong PINs. Locked until 10:35." in shown(app)
        assert all(button.disabled for button in app.screen.query(".digit"))
        await enter(pilot, PIN)  # even the right PIN, typed on the keyboard, is refused
        assert isinstance(app.screen, PinPadScreen)
        await pilot.press("escape")
        await pilot.press("ctrl+f12")  # closing and opening the pad again does not lift the lock
        assert "Locked until 10:35" in shown(app)

        clock.now += timedelta(minutes=4, seconds=59)
        await enter(pilot, PIN)
        assert isinstance(app.screen, PinPadScreen)
        clock.now += timedelta(seconds=1)
        # The pad looks at the clock every second (a timer, which runs late on a loaded machine).
        await until(lambda: not any(b.disabled for b in app.screen.query(".digit")), "unlocked", pilot=pilot)
        await enter(pilot, PIN)
        assert isinstance(app.screen, StaffScreen)


async def test_without_a_pin_set_nobody_gets_in_and_the_pad_says_why(
    settings: Settings, clock: Clock, monotonic: FakeMonotonic
) -> None:
    app = kiosk_app(settings, clock, monotonic)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("ctrl+f12")
        assert "Staff mode is not set up on this kiosk" in shown(app)
        assert "set-pin" not in shown(app)  # no shell command for whoever stands at the kiosk
        await enter(pilot, "0000")
        assert isinstance(app.screen, PinPadScreen)


# --- the staff screen -------------------------------------------------------------------------------------


async def open_staff(pilot: Any) -> StaffScreen:
    await pilot.press("ctrl+f12")
    await enter(pilot, PIN)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, StaffScreen)
    return screen


@pytest.fixture
def store(with_pin: Settings) -> Iterator[Store]:
    opened = Store.open(with_pin.paths.state_dir)
    opened.seed_from_snapshot()
    yield opened
    opened.close()


async def test_the_staff_screen_tells_how_the_kiosk_is_doing(
    with_pin: Settings, clock: Clock, monotonic: FakeMonotonic, store: Store
) -> None:
    app = kiosk_app(with_pin, clock, monotonic, runtime=Runtime(store=store))
    async with app.run_test(size=(120, 60)) as pilot:
        await open_staff(pilot)
        text = shown(app)
    assert f"kiosk version {__version__}" in text
    assert "de (Deutsch): bundled snapshot" in text
    assert "tr (Türkçe): no content" in text
    assert "No content API configured: nothing to refresh." in text
    assert "No content API configured." in text
    assert "de: 100% translated" in text and "fr: 100% translated" in text
    assert "uk: no catalog, English is shown" in text
    assert "Usage statistics are not available on this kiosk." in text


async def test_an_unreachable_api_is_named(
    with_pin: Settings, clock: Clock, monotonic: FakeMonotonic
) -> None:
    settings = with_pin.model_copy(
        update={"api": with_pin.api.model_copy(update={"base_url": free_port_url()})}
    )
    app = kiosk_app(settings, clock, monotonic)
    async with app.run_test(size=(120, 60)) as pilot:
        await open_staff(pilot)
        assert "Not reachable:" in shown(app) and "refused" in shown(app)


class CountingUsage(UsageSink):
    """Stands in for the statistics: a store with today's hourly counts."""

    def __init__(self, rows: list[HourCount], *, broken: bool = False) -> None:
        self.rows = rows
        self.broken = broken
        self.store = self
        self.flushed = 0

    def flush(self) -> bool:
        self.flushed += 1
        return True

    def counts(self, first: date | None = None, last: date | None = None) -> list[HourCount]:
        if self.broken:
            raise RuntimeError("the statistics file is gone")
        return [row for row in self.rows if first is None or row.day >= first.isoformat()]


async def test_todays_usage_is_shown_when_the_statistics_exist(
    with_pin: Settings, clock: Clock, monotonic: FakeMonotonic
) -> None:
    day = MONDAY_MORNING.date().isoformat()
    usage = CountingUsage([
        HourCount(day, 9, "session", "ar", "", 3),
        HourCount(day, 10, "session", "uk", "", 2),
        HourCount(day, 9, "language", "ar", "", 3),
        HourCount(day, 10, "language", "uk", "", 2),
        HourCount(day, 10, "qr", "", "page", 4),
        HourCount("2026-11-22", 10, "session", "de", "", 40),
    ])  # fmt: skip
    app = kiosk_app(with_pin, clock, monotonic, usage=usage)
    async with app.run_test(size=(120, 60)) as pilot:
        await open_staff(pilot)
        text = shown(app)
    assert "Visitors (sessions): 5" in text
    assert "QR codes shown: 4" in text
    assert "Languages chosen: ar 3, uk 2" in text
    assert usage.flushed == 1, "the counts of the last minute are written first"


async def test_broken_statistics_are_a_line_not_a_crash(
    with_pin: Settings, clock: Clock, monotonic: FakeMonotonic
) -> None:
    app = kiosk_app(with_pin, clock, monotonic, usage=CountingUsage([], broken=True))
    async with app.run_test(size=(120, 60)) as pilot:
        await open_staff(pilot)
        assert "Usage statistics are not available on this kiosk." in shown(app)
        assert isinstance(app.screen, StaffScreen)


async def test_reload_translations_takes_a_changed_catalog_and_refuses_a_broken_one(
    with_pin: Settings, clock: Clock, monotonic: FakeMonotonic, catalogs: Path
) -> None:
    app = kiosk_app(with_pin, clock, monotonic)
    async with app.run_test(size=(120, 60)) as pilot:
        assert gettext_in("de", "Welcome") == "Willkommen"
        await open_staff(pilot)
        write_catalog(catalogs, "de", {"Welcome": "Herzlich willkommen"})
        await pilot.click("#staff-reload")
        await pilot.pause()
        assert gettext_in("de", "Welcome") == "Herzlich willkommen"
        (catalogs / "fr" / "LC_MESSAGES" / "kiosk.po").write_text('msgid "broken\n', encoding="utf-8")
        await pilot.click("#staff-reload")
        await pilot.pause()
        assert "kiosk.po: syntax error on line 1" in shown(app)
        assert "keeping the catalog in use" in shown(app)
        assert "fr: cannot be used" in shown(app)
        assert gettext_in("fr", "Welcome") == "Bienvenue"


async def test_restart_exits_so_systemd_starts_the_kiosk_again(
    with_pin: Settings, clock: Clock, monotonic: FakeMonotonic
) -> None:
    notifier = RecordingNotifier()
    app = kiosk_app(with_pin, clock, monotonic, runtime=Runtime(notifier=notifier))
    async with app.run_test(size=(120, 60)) as pilot:
        await open_staff(pilot)
        await pilot.click("#staff-restart")
        await pilot.pause()
    assert not app.is_running
    assert app.return_code == 0
    assert "STATUS=restarting on staff request" in notifier.sent


async def test_staff_mode_ends_on_idle_like_any_session(
    with_pin: Settings, clock: Clock, monotonic: FakeMonotonic
) -> None:
    app = kiosk_app(with_pin, clock, monotonic)
    async with app.run_test(size=(120, 60)) as pilot:
        await open_staff(pilot)
        await run_out(pilot, await walk_away(pilot, app, monotonic))
        assert isinstance(app.screen, WelcomeScreen)
        assert not any(isinstance(s, (StaffScreen, PinPadScreen)) for s in app.screen_stack)
