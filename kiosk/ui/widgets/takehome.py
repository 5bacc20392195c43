"""The take-home panel: one QR code at a time, fitted to the room it has, and a printed slip on request.

An item's take-home code (its link, else its text, else the office's phone; :mod:`kiosk.takehome`) is
chosen again whenever the panel's size changes, so at 80 x 24 it is a shorter text that still scans
and at 200 x 60 the whole first paragraph. Other codes (phone, e-mail, website) are in the same
place, one key (C) apart, and the panel says how many there are. A code that does not fit beside
the text but fits on a screen of its own is one key (0) away; one that fits nowhere is not offered,
so no visitor is ever asked to enlarge a window.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from rich.style import Style
from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.geometry import Size
from textual.strip import Strip
from textual.widgets import Button

from kiosk.i18n import _
from kiosk.qr import LinkPolicy, QRPayload, qr_matrix
from kiosk.ui.destinations import CodeAt
from kiosk.ui.messages import Open
from kiosk.ui.widgets.qr_code import QRCode
from kiosk.ui.widgets.text import Prose, visual

if TYPE_CHECKING:  # the slip and the take-home codes are built when a screen offers them
    from kiosk.printing.slip import Slip
    from kiosk.takehome import TakeHomeCode

log = logging.getLogger(__name__)

#: The rows under a code: its caption; the panel's own lines (hint, button) are outside the code.
_LABEL_ROWS = 1


@dataclass(frozen=True)
class Offer:
    """One code on offer: fixed ``data`` (a phone, an e-mail, a website, a vCard), or ``pick`` that
    chooses the item's take-home (link, text or phone) for the modules the panel and the screen hold."""

    caption: str
    kind: str
    data: str = ""
    payload: bool = False
    pick: Callable[[int, int], TakeHomeCode | None] | None = None
    #: The slip for this item, built when the visitor asks to print it.
    slip: Callable[[], Slip | None] | None = None


def _modules(size: Size) -> int:
    """How many QR modules wide a code may be in ``size`` cells with its caption below."""
    width, height = size
    return max(0, min(width, 2 * (height - _LABEL_ROWS)))


def _fits(data: str, modules: int) -> bool:
    try:
        return len(qr_matrix(data)) <= modules
    except ValueError:
        return False


class FittedCode(QRCode):
    """A QR code for an :class:`Offer`, whose text (for a take-home) is chosen to fit its own size."""

    def __init__(self, offer: Offer, *, screen_modules: int, id: str | None = None) -> None:
        self.offer = offer
        self.screen_modules = screen_modules
        self.chosen: TakeHomeCode | None = None
        self.counted: set[tuple[str, str]] = set()
        super().__init__(
            self._choose(screen_modules),
            offer.caption,
            hint=_("Touch here or press 0 to show the QR code."),
            id=id,
        )
        self._apply(self._data)

    def _choose(self, panel_modules: int) -> str:
        """The text to encode for a code at most ``panel_modules`` wide (a fixed offer's own data)."""
        if self.offer.pick is None:
            return self.offer.data
        self.chosen = self.offer.pick(panel_modules, self.screen_modules)
        return self.chosen.data if self.chosen else ""

    def _apply(self, data: str) -> None:
        """Encode ``data``; caption and the words shown when it does not fit follow what it is."""
        if data != self._data or not self._matrix:
            self._data = data
            try:
                self._matrix = qr_matrix(data) if data else ()
            except ValueError:
                self._matrix = ()
        self._label = self._caption()
        # A link is read as itself; a text, a card or a phone code by what it is for.
        link = self.chosen.kind == "link" if self.chosen else not self.offer.payload
        self._fallback = data if link else self.offer.caption

    def show(self, offer: Offer) -> None:
        """Show ``offer`` instead, fitted to this widget's size."""
        self.offer = offer
        self.chosen = None
        self._apply(self._choose(max(_modules(self.content_size), 1)))
        self._strips_key = None
        self.refresh(layout=True)

    def _caption(self) -> str:
        if self.chosen is not None:
            from kiosk.printing.compose import short_caption  # loaded by the screen that made the offer

            return short_caption(self.chosen.kind)
        return self.offer.caption

    def _render_strips(self, size: Size, style: Style) -> list[Strip]:
        if self.offer.pick is not None:
            self._apply(self._choose(max(_modules(size), 1)))
        strips = super()._render_strips(size, style)
        if self._layout(size)[0]:
            self._count()
        return strips

    def counted_kind(self) -> str:
        """What the usage count calls this code: the take-home's kind (link, text, tel), else the offer's."""
        return self.chosen.kind if self.chosen is not None else self.offer.kind

    def _count(self) -> None:
        """Count a code as shown once it is drawn (not when it only could be), once per code and screen."""
        # A take-home's text changes with the room while the screen settles: it is still one code.
        key = (self.counted_kind(), self.offer.data)
        if key not in self.counted:
            self.counted.add(key)
            self.app.record("qr", item=key[0])  # type: ignore[attr-defined]

    def enlarge_target(self) -> tuple[str, str]:
        """The code to show alone: for a take-home, the richest that fits the whole screen."""
        if self.offer.pick is not None:
            chosen = self.offer.pick(self.screen_modules, self.screen_modules)
            if chosen is not None:
                from kiosk.printing.compose import short_caption

                return chosen.data, short_caption(chosen.kind)
        return self._data, self._caption()


class CodeDeck(Vertical):
    """One code of several at a time, the hint "Code 1 of 3 · C next code", and (with a printer) Print."""

    DEFAULT_CSS = """
    CodeDeck { width: 100%; height: 100%; }
    CodeDeck FittedCode { width: 1fr; height: 1fr; }
    CodeDeck .deck-hint { height: auto; text-style: bold; }
    CodeDeck .print-status { height: auto; }
    CodeDeck Button { width: 100%; height: 3; }
    """

    def __init__(self, offers: list[Offer], *, id: str | None = "code-deck") -> None:
        super().__init__(id=id)
        self.offered = offers
        self.offers: list[Offer] = []
        self.shown = 0
        self.printing = False

    def screen_modules(self) -> int:
        """How wide a code may be when shown alone on the whole screen (its caption below)."""
        return _modules(self.app.size)

    def panel_modules(self) -> int:
        """How wide a code may be in this panel, below it its caption, the hint and the print button."""
        width, height = self.content_size
        if not height:  # before the first layout: as if the panel had the whole screen
            return self.screen_modules()
        rows = height - (1 if len(self.offers) > 1 else 0) - (4 if self.can_print() else 0)
        return _modules(Size(width, rows))

    def usable(self, panel: int | None = None) -> list[Offer]:
        """The offers the link policy allows, each code once, that fit at least on a screen of their own.

        In the order given. The take-home is chosen for the panel (``panel`` modules); when it comes
        out as a code another offer already is (the office's phone), it is not offered twice.
        """
        policy: LinkPolicy = self.app.link_policy  # type: ignore[attr-defined]
        room = self.screen_modules()
        fixed: dict[int, Offer] = {}
        seen: set[str] = set()
        for index, offer in enumerate(self.offered):
            if offer.pick is not None:
                continue
            if offer.payload:
                kind: Literal["vcard", "vevent"] = (
                    "vcard" if offer.data.startswith("BEGIN:VCARD") else "vevent"
                )
                target = policy.allow_payload(QRPayload(kind, offer.data))
            else:
                target = policy.qr_target(offer.data) if offer.data else None
            if target is None or target in seen or not _fits(target, room):
                continue
            seen.add(target)
            fixed[index] = Offer(offer.caption, offer.kind, target, offer.payload, None, offer.slip)
        kept: list[Offer] = []
        for index, offer in enumerate(self.offered):
            if offer.pick is None:
                kept.extend([fixed[index]] if index in fixed else [])
                continue
            chosen = offer.pick(panel or room, room)
            if chosen is not None and chosen.data not in seen:
                kept.append(offer)
        return kept

    def on_resize(self) -> None:
        """Choose the offers again for the panel's new size; the count in the hint follows."""
        if not self.offers:
            return
        fresh = self.usable(self.panel_modules())
        if [(o.kind, o.data) for o in fresh] == [(o.kind, o.data) for o in self.offers] or not fresh:
            return
        current = self.offers[self.shown]
        self.offers = fresh
        self.shown = next(
            (i for i, o in enumerate(fresh) if (o.kind, o.data) == (current.kind, current.data)), 0
        )
        self.query_one(FittedCode).show(self.offers[self.shown])
        for hint in self.query(".deck-hint").results(Prose):
            hint.display = len(self.offers) > 1
        self._update_hint()

    def compose(self) -> ComposeResult:
        self.offers = self.usable()
        if not self.offers:
            self.display = False
            return
        self.shown = min(self.shown, len(self.offers) - 1)
        yield FittedCode(self.offers[self.shown], screen_modules=self.screen_modules())
        hint = Prose("", classes="deck-hint")
        hint.display = len(self.offers) > 1
        yield hint
        if self.can_print():
            yield Prose("", classes="print-status")
            yield Button(visual(_("Print")), id="print")

    def on_mount(self) -> None:
        self._update_hint()

    def _update_hint(self) -> None:
        for hint in self.query(".deck-hint").results(Prose):
            hint.text = _("Code {number} of {total} · C next code").format(
                number=self.shown + 1, total=len(self.offers)
            )

    def can_print(self) -> bool:
        """A printer is configured and the item has a slip."""
        settings = self.app.settings.printer  # type: ignore[attr-defined]
        return bool(settings.enabled and any(offer.slip for offer in self.offers))

    def show_next(self) -> None:
        """Show the next code (wrapping around)."""
        if len(self.offers) > 1:
            self._show((self.shown + 1) % len(self.offers))

    def show_code(self, data: str) -> None:
        """Show the offer that encodes ``data`` (a phone number, a booking page), if this deck has it."""
        for index, offer in enumerate(self.offers):
            if offer.data == data:
                self._show(index)

    def showing(self) -> str:
        """The text of the code in view (a take-home's as chosen for the panel)."""
        codes = list(self.query(FittedCode))
        return codes[0].data if codes else ""

    def _show(self, index: int) -> None:
        self.shown = index
        self.query_one(FittedCode).show(self.offers[index])
        self._update_hint()
        for buttons in self.screen.query(".deck-buttons"):
            if getattr(buttons, "deck_id", None) == self.id:
                buttons.mark(self.offers[index].data)  # type: ignore[attr-defined]

    def enlarge(self) -> None:
        """Show the code in view alone on the screen."""
        codes = list(self.query(FittedCode))
        if codes:
            data, caption = codes[0].enlarge_target()
            if data:
                self.post_message(Open(CodeAt(data, caption, codes[0].offer.caption)))

    # -- printing -----------------------------------------------------------------------------------
    def on_click(self, event: events.Click) -> None:
        # A touch on the code shows it alone; a touch on "Code 1 of 3 · C next code" shows the next.
        if isinstance(event.widget, FittedCode):
            event.stop()
            self.enlarge()
        elif event.widget is not None and event.widget.has_class("deck-hint"):
            event.stop()
            self.show_next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "print":
            event.stop()
            self.print_slip()

    def print_slip(self) -> None:
        """Print the item's slip in a thread; the visitor reads how it went within a few seconds."""
        if self.printing or not self.can_print():
            return
        offer = next(offer for offer in self.offers if offer.slip)
        assert offer.slip is not None
        slip = offer.slip()
        if slip is None:
            return
        self.printing = True
        self._say(_("Printing your slip…"))
        self._print(slip)

    @work(thread=True, exclusive=True, exit_on_error=False, group="print")
    def _print(self, slip: Slip) -> None:
        from kiosk.printing.device import PrinterProblem, print_image
        from kiosk.printing.fonts import FontMissing
        from kiosk.printing.slip import render_slip

        settings = self.app.settings.printer  # type: ignore[attr-defined]
        try:
            print_image(settings, render_slip(slip, settings.width_dots))
        except (PrinterProblem, FontMissing) as problem:
            log.warning("slip not printed: %s", problem)
            message = _("The printer is not working right now. Please scan the code or ask at the office.")
        else:
            message = _("Your slip is printed. Please take it from the printer.")
        self.app.call_from_thread(self._printed, message)

    def _printed(self, message: str) -> None:
        self.printing = False
        if self.is_attached:
            self._say(message)

    def _say(self, message: str) -> None:
        for status in self.query(".print-status").results(Prose):
            status.text = Text(message, style="bold")
