"""Nobody gets in: every way out a visitor might try leaves the kiosk on a visitor screen (or behind the
staff PIN pad, which Ctrl+F12 and five corner taps open on purpose), and every connection the kiosk
makes verifies the server's certificate, with no setting to turn that off.
"""

from __future__ import annotations

import asyncio
import shutil
import ssl
import string
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import BaseModel, ValidationError
from textual._ansi_sequences import ANSI_SEQUENCES_KEYS
from textual.command import CommandPalette
from textual.pilot import Pilot

from kiosk.config import ConfigError, Settings, load_settings
from kiosk.content.html import html_to_document
from kiosk.sources.integreat.client import IntegreatClient, RetryPolicy
from kiosk.store import Store
from kiosk.sync.round import sync_once
from kiosk.ui.app import KioskApp
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.screens.home import HomeScreen
from kiosk.ui.screens.idle import IdleScreen
from kiosk.ui.screens.link import CodeScreen, LinkScreen
from kiosk.ui.screens.page import PageScreen
from kiosk.ui.screens.pin_pad import PinPadScreen
from kiosk.ui.screens.staff import StaffScreen
from kiosk.ui.screens.welcome import WelcomeScreen
from tests.conftest import MONDAY_MORNING, FakeMonotonic
from tests.support.api_server import ApiServer, sync_settings
from tests.support.hostile import row_widths
from tests.support.keys import burst
from tests.support.screen import tiles

AppFactory = Callable[..., Any]
VISITOR_SCREENS = (KioskScreen, WelcomeScreen, IdleScreen, CodeScreen)  # CodeScreen: one QR code, enlarged
SIZE = (100, 30)


def chords() -> list[str]:
    """Every Ctrl, Alt, Super and function-key chord a terminal can send, by Textual's key names."""
    from_terminal = {
        key.value
        for keys in ANSI_SEQUENCES_KEYS.values()
        if isinstance(keys, tuple)
        for key in keys
        if any(part in key.value for part in ("ctrl", "alt", "shift")) or key.value[:1] == "f"
    }
    specials = ["up", "down", "left", "right", "home", "end", "pageup", "pagedown", "insert", "delete",
                "enter", "escape", "backspace", "tab", "space", *(f"f{n}" for n in range(1, 13))]  # fmt: skip
    typed = [
        c if c.isalnum() else _name(c) for c in string.ascii_lowercase + string.digits + string.punctuation
    ]
    made = [f"{modifier}+{key}" for modifier in ("alt", "ctrl+alt", "super", "ctrl+shift") for key in typed]
    made += [f"{modifier}+{key}" for modifier in ("alt", "shift", "ctrl", "ctrl+alt") for key in specials]
    made += [f"alt+shift+{c}" for c in string.ascii_lowercase]
    return sorted(from_terminal | set(made))


def _name(char: str) -> str:
    from textual.keys import _character_to_key

    return _character_to_key(char)


def assert_on_a_visitor_screen(app: KioskApp, after: str, *, gate: bool = False) -> None:
    """Only visitor screens on the stack, the welcome screen at the bottom; with ``gate``, the staff PIN
    pad may be among them (it lets nobody through without the PIN)."""
    assert app.is_running and app.return_code is None, f"the kiosk ended after {after}"
    stack = app.screen_stack[1:]  # the first is Textual's own, never shown once ours is up
    allowed = (*VISITOR_SCREENS, PinPadScreen) if gate else VISITOR_SCREENS
    assert stack and all(isinstance(screen, allowed) for screen in stack), (after, app.screen_stack)
    assert isinstance(stack[0], WelcomeScreen), (after, app.screen_stack)
    assert not any(isinstance(screen, (CommandPalette, StaffScreen)) for screen in app.screen_stack), after


async def leave_the_pin_pad(pilot: Pilot[None], app: KioskApp) -> None:
    """Escape closes the staff PIN pad that a chord (Ctrl+F12) or five corner taps opened."""
    for _ in range(len(app.screen_stack)):
        if not any(isinstance(screen, PinPadScreen) for screen in app.screen_stack):
            break
        await pilot.press("escape")
        await pilot.pause()
    assert_on_a_visitor_screen(app, "leaving the PIN pad")


async def try_every_chord(pilot: Pilot[None], app: KioskApp, where: str) -> None:
    keys = chords()
    for start in range(0, len(keys), 25):
        batch = keys[start : start + 25]
        await burst(pilot, app, batch)
        assert_on_a_visitor_screen(app, f"{where}: one of {batch}", gate=True)
    await leave_the_pin_pad(pilot, app)


async def to_a_link_screen(pilot: Pilot[None], app: KioskApp) -> None:
    """Welcome, English, help topics, down to the first topic page with a link, that link as a QR code."""
    if not isinstance(app.screen, WelcomeScreen):
        app.start_over()  # as the header's "Start over" does
        await pilot.pause()
    await pilot.press("x", "2", "1")
    await pilot.pause()
    library = app.library
    parents: dict[tuple[str, int], tuple[str, int] | None] = {}
    queue: list[tuple[str, int] | None] = [None]
    target = None
    while queue and target is None:
        parent = queue.pop(0)
        for shown in library.topics(parent):
            key = (shown.language, shown.item.id)
            parents[key] = parent
            if html_to_document(shown.item.content_html).links and not library.has_children(key):
                target = key
                break
            queue.append(key)
    assert target is not None, "the bundled content has a topic page with a link"
    trail = [target]
    while (above := parents[trail[-1]]) is not None:
        trail.append(above)
    for key in reversed(trail):
        title = library.page(key).item.title  # type: ignore[union-attr]
        tile = next(t for t in tiles(app.screen) if t.data.title == title)
        tile.focus()
        await pilot.press("enter")
        await pilot.pause()
    assert isinstance(app.screen, PageScreen)
    await pilot.press("1")
    await pilot.pause()
    assert isinstance(app.screen, LinkScreen)


async def test_every_chord_on_every_kind_of_screen(make_app: AppFactory, monotonic: FakeMonotonic) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await try_every_chord(pilot, app, "welcome")
        await pilot.press("home")
        await to_a_link_screen(pilot, app)
        await try_every_chord(pilot, app, "a link's QR code")
        await pilot.press("home")
        await pilot.pause()
        if isinstance(app.screen, HomeScreen):
            await try_every_chord(pilot, app, "home")
        monotonic.advance(app.settings.display.idle_timeout_s + 1)
        app.check_visitor_idle()
        await pilot.pause()
        if isinstance(app.screen, IdleScreen):
            await try_every_chord(pilot, app, "are you still there?")
        # Still answering: Home leads home from wherever the chords left it.
        if isinstance(app.screen, WelcomeScreen):
            await pilot.press("x", "1")
        await pilot.press("home")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_escape_over_and_over(make_app: AppFactory) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await to_a_link_screen(pilot, app)
        await pilot.press(*["escape"] * 40)
        await pilot.pause()
        assert_on_a_visitor_screen(app, "forty escapes")
        await pilot.press(*["escape", "x"] * 10, *["escape"] * 10)
        await pilot.pause()
        assert_on_a_visitor_screen(app, "escapes between other keys")


async def test_the_command_palette_never_opens(make_app: AppFactory) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        for keys in (
            ["ctrl+p"],
            ["x", "2", "ctrl+p"],
            ["ctrl+backslash", "ctrl+p", "super+p", "ctrl+shift+p"],
        ):
            await pilot.press(*keys)
            await pilot.pause()
            assert_on_a_visitor_screen(app, f"{keys}")
        assert not app.ENABLE_COMMAND_PALETTE


async def test_the_mouse_on_every_corner_and_edge(make_app: AppFactory) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        width, height = SIZE
        spots = [(x, y) for x in (0, width // 2, width - 1) for y in (0, height // 2, height - 1)]
        for start in (None, "home", "link"):
            if start == "home":
                await pilot.press("x", "2")
            elif start == "link":
                await pilot.press("home")
                await to_a_link_screen(pilot, app)
            for x, y in spots:
                for button, times in ((1, 1), (1, 2), (1, 3), (2, 1), (3, 1)):  # taps, double, triple
                    await pilot.click(offset=(x, y), button=button, times=times)
                await pilot.click(offset=(x, y), shift=True, control=True, meta=True)
                await pilot.hover(offset=(x, y))
                assert_on_a_visitor_screen(app, f"clicks at {(x, y)}", gate=True)
            await leave_the_pin_pad(pilot, app)


async def test_a_one_cell_terminal_and_back(make_app: AppFactory) -> None:
    app: KioskApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await to_a_link_screen(pilot, app)
        for size in ((1, 1), (2, 1), (1, 2), (0, 0), (1, 1)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await pilot.press("escape", "1", "enter", "tab")
            assert_on_a_visitor_screen(app, f"a {size} terminal")
        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        assert_on_a_visitor_screen(app, "the terminal back to full size")
        assert row_widths(app) == [SIZE[0]] * SIZE[1], "the frame fills the terminal again"
        await pilot.press("home")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


# -- TLS --------------------------------------------------------------------------------------------


def _fields(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    for name, field in model.model_fields.items():
        yield f"{prefix}{name}"
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from _fields(annotation, f"{prefix}{name}.")


def test_no_setting_turns_tls_verification_off(monkeypatch: pytest.MonkeyPatch) -> None:
    names = list(_fields(Settings))
    assert "api.base_url" in names and "slots.base_url" in names  # the walk does reach the sections
    suspicious = [
        n for n in names if any(w in n.lower() for w in ("verify", "insecure", "tls", "ssl", "cert"))
    ]
    assert suspicious == []
    for section in ("api", "slots"):
        with pytest.raises(ValidationError):
            Settings(**{section: {"verify": False}})
        with pytest.raises(ValidationError):
            Settings(**{section: {"base_url": "http://cms.example.org"}})
    monkeypatch.setenv("KIOSK_API__VERIFY", "false")
    with pytest.raises(ConfigError, match="unknown key"):
        load_settings()


def _verifies(client: httpx.AsyncClient) -> bool:
    context: ssl.SSLContext = client._transport._pool._ssl_context  # type: ignore[attr-defined]
    return context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname


async def test_every_http_client_of_the_kiosk_verifies_certificates(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from kiosk.usage.outbox import FeedbackOutbox
    from kiosk.usage.sender import FeedbackSender
    from kiosk.usage.store import UsageStore

    built: list[httpx.AsyncClient] = []
    original = httpx.AsyncClient.__init__

    def recording(self: httpx.AsyncClient, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        built.append(self)

    monkeypatch.setattr(httpx.AsyncClient, "__init__", recording)
    async with IntegreatClient("https://cms.integreat-app.de", "dortmund"):
        pass
    usage = UsageStore.open(tmp_path)
    sender = FeedbackSender(FeedbackOutbox(usage, "dortmund"), "https://cms.integreat-app.de")
    await sender.aclose()
    usage.close()
    assert len(built) == 2
    assert all(_verifies(client) for client in built)


# -- against a server whose certificate nobody vouches for -------------------------------------------


@pytest.fixture
def self_signed_server(tmp_path: Path) -> Iterator[ApiServer]:
    """The local API server behind TLS with a self-signed certificate for 127.0.0.1."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server = ApiServer({"/api/v3/dortmund/languages/": b'[{"code": "de", "native_name": "Deutsch"}]'})
    server._server.socket = context.wrap_socket(server._server.socket, server_side=True)
    with server:
        yield server


def test_the_content_sync_refuses_an_unverified_certificate(
    self_signed_server: ApiServer, tmp_path: Path
) -> None:
    url = self_signed_server.url.replace("http://", "https://")
    store = Store.open(tmp_path)
    report = asyncio.run(
        sync_once(sync_settings(url, tmp_path, region="dortmund", languages=("de",)), store,
                  retry=RetryPolicy(attempts=1))
    )  # fmt: skip
    assert not report.ok
    assert "certificate" in report.errors[0].message.lower(), report.errors
    assert store.languages("dortmund") == [] and self_signed_server.seen() == []
    store.close()


async def test_free_slots_refuse_an_unverified_certificate(self_signed_server: ApiServer) -> None:
    from kiosk.slots.zms import ZmsSlotSource

    url = self_signed_server.url.replace("http://", "https://")
    source = ZmsSlotSource(url, clock=lambda: MONDAY_MORNING, timeout_s=5)
    answer = await source.next_free(1, 1)
    assert answer.unavailable is not None and answer.next_free is None
    assert self_signed_server.seen() == []
