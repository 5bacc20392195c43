"""The way into staff mode: an on-screen PIN pad that works by touch and by keyboard.

The PIN typed is kept only in the pad, shown as stars, checked off the event loop, and never passed to
a worker's description, a log line or a widget. Five wrong PINs lock the pad for five minutes.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, cast

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import Screen
from textual.widgets import Button

from kiosk.i18n import _, ngettext
from kiosk.i18n.formatting import format_time
from kiosk.ops.pin import PIN_PATTERN, PinGuard
from kiosk.ui.destinations import StaffAt
from kiosk.ui.messages import Open
from kiosk.ui.screens.base import close
from kiosk.ui.widgets.text import Prose, visual

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp

log = logging.getLogger(__name__)

MAX_DIGITS = 8


class PinPadScreen(Screen[None]):
    """Ten digit buttons in four rows, delete, OK and cancel; works by touch and by keyboard."""

    DEFAULT_CSS = """
    PinPadScreen { align: center middle; }
    #pin-box { width: 40; height: auto; border: double $accent; padding: 0 1; }
    #pin-box Prose { text-align: center; }
    #pin-title { text-style: bold; color: $accent; }
    #pin-entered { text-style: bold; }
    #pin-message { color: $warning; }
    #pin-keys { grid-size: 3; grid-gutter: 0 1; height: auto; grid-rows: 3; margin: 1 0 0 0; }
    #pin-keys Button { width: 1fr; min-width: 6; }
    #pin-cancel { width: 1fr; margin: 1 0 0 0; }
    """
    BINDINGS = [Binding("escape", "cancel", show=False)]

    def __init__(self) -> None:
        super().__init__(id="pin-pad")
        self._entered: list[str] = []
        self._checking = False
        self._was_locked = False

    @property
    def kiosk(self) -> KioskApp:
        return cast("KioskApp", self.app)

    @property
    def guard(self) -> PinGuard:
        return self.kiosk.runtime.pin_guard(self.kiosk.settings.staff.pin_hash, self.kiosk.clock)

    def compose(self) -> ComposeResult:
        with Vertical(id="pin-box"):
            yield Prose(_("Staff"), id="pin-title")
            yield Prose(_("Enter the staff PIN"), id="pin-prompt")
            yield Prose(" ", id="pin-entered", direction="ltr")
            yield Prose(" ", id="pin-message")
            with Grid(id="pin-keys"):
                for digit in "123456789":
                    yield Button(digit, id=f"digit-{digit}", classes="digit")
                yield Button(visual(_("Delete")), id="pin-delete")
                yield Button("0", id="digit-0", classes="digit")
                yield Button(visual(_("OK")), id="pin-ok", variant="primary")
            yield Button(visual(_("Cancel")), id="pin-cancel")

    def on_mount(self) -> None:
        if not self.kiosk.settings.staff.pin_hash:
            self._say(_("Staff mode is not set up on this kiosk. Please ask the administrator."))
        self._show_lock()
        self.set_interval(1.0, self._show_lock)

    # -- input --------------------------------------------------------------------------------------
    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        button = event.button.id or ""
        if button.startswith("digit-"):
            self.add_digit(button.removeprefix("digit-"))
        elif button == "pin-delete":
            self.delete_digit()
        elif button == "pin-ok":
            self.submit()
        elif button == "pin-cancel":
            self.action_cancel()

    def on_key(self, event: events.Key) -> None:
        character = event.character or ""
        if len(character) == 1 and character.isdigit() and character.isascii():
            event.stop()
            self.add_digit(character)
        elif event.key == "backspace":
            event.stop()
            self.delete_digit()
        elif event.key == "enter":
            event.stop()
            self.submit()

    def add_digit(self, digit: str) -> None:
        if self._checking or self.guard.locked_until is not None or len(self._entered) >= MAX_DIGITS:
            return
        self._entered.append(digit)
        self._show_entered()

    def delete_digit(self) -> None:
        if self._entered and not self._checking:
            self._entered.pop()
            self._show_entered()

    def submit(self) -> None:
        """Check the PIN typed so far; fewer than four digits is not counted as an attempt."""
        if self._checking or self.guard.locked_until is not None:
            return
        if not PIN_PATTERN.fullmatch("".join(self._entered)):
            self._say(_("The PIN has 4 to 8 digits."))
            return
        self._checking = True
        entered, self._entered = "".join(self._entered), []
        self._show_entered()
        guard = self.guard

        def check() -> None:
            # scrypt takes tens of milliseconds: never on the event loop.
            result = guard.attempt(entered)
            self.app.call_from_thread(self._checked, result)

        self.run_worker(check, thread=True, group="pin", description="checking the staff PIN")

    def _checked(self, result: str) -> None:
        self._checking = False
        if not self.is_active:
            # Closed meanwhile (Escape, the idle countdown): switch_screen would replace whatever is
            # on top now, and there is no pad left to show a message on.
            if result == "ok":
                log.info("staff PIN accepted, but the pad was closed meanwhile: staff mode not opened")
            return
        if result == "ok":
            log.info("staff mode opened")
            self.post_message(Open(StaffAt()))
            return
        if result == "wrong":
            left = self.guard.attempts_left
            self._say(ngettext("Wrong PIN. {n} more try.", "Wrong PIN. {n} more tries.", left).format(n=left))
        self._show_lock()

    def action_cancel(self) -> None:
        self._entered = []
        close(self)

    # -- what the pad shows -------------------------------------------------------------------------
    def _say(self, text: str) -> None:
        # Not query_one: a pad closed by the next key before it mounted has no message line any more.
        for line in self.query("#pin-message").results(Prose):
            line.text = text or " "

    def _show_entered(self) -> None:
        # Stars only: the digits themselves never reach the screen.
        for line in self.query("#pin-entered").results(Prose):
            line.text = " ".join("*" * len(self._entered)) or " "

    def _show_lock(self) -> None:
        until = self.guard.locked_until
        locked = until is not None
        for button in self.query("#pin-keys Button"):
            button.disabled = locked
        if until is not None:
            self._entered = []
            self._show_entered()
            self._say(_("Too many wrong PINs. Locked until {time}.").format(time=format_time(until)))
        elif self._was_locked:
            self._say("")
        self._was_locked = locked
