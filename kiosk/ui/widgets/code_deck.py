"""Several QR codes in the space of one: a lobby terminal has room for one readable code beside the
text, so the codes on offer share one place; :class:`DeckButtons` pick which one shows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.widgets import Button

from kiosk.qr import LinkPolicy, QRPayload
from kiosk.ui.widgets.handoff import HandOff
from kiosk.ui.widgets.text import visual


def button_label(text: str, chosen: bool) -> Text:
    """A button's label, marked with "●" when it is the one chosen: colour alone is not enough."""
    return visual(f"● {text}" if chosen else text)


@dataclass(frozen=True, slots=True)
class Code:
    """One QR code on offer: what it encodes, its caption, and the short name on its button."""

    link: str
    caption: str
    button: str
    kind: str
    payload: Literal["vevent", "vcard"] | None = None


def allowed(codes: list[Code], policy: LinkPolicy) -> list[Code]:
    """The codes the link policy lets through, each link once, in the order given."""
    kept: list[Code] = []
    seen: set[str] = set()
    for code in codes:
        if not code.link or code.link in seen:
            continue
        if code.payload is not None:
            ok = policy.allow_payload(QRPayload(code.payload, code.link)) is not None
        else:
            ok = policy.qr_target(code.link) is not None
        if ok:
            kept.append(code)
            seen.add(code.link)
    return kept


class HandOffDeck(Vertical):
    """Several QR codes in the space of one; :class:`DeckButtons` (anywhere on the screen) pick which."""

    DEFAULT_CSS = """
    HandOffDeck { height: auto; width: auto; }
    """

    def __init__(self, codes: list[Code], *, id: str) -> None:
        super().__init__(id=id)
        self.offered = codes
        self.codes: list[Code] = []
        self.shown = 0

    def compose(self) -> ComposeResult:
        self.codes = allowed(self.offered, self.app.link_policy)  # type: ignore[attr-defined]
        for index, code in enumerate(self.codes):
            hand_off = HandOff(code.link, code.caption, kind=code.kind, payload=code.payload is not None)
            hand_off.display = index == self.shown
            yield hand_off

    def show(self, index: int) -> None:
        """Show the ``index``-th code (wrapping around) and mark its button."""
        if not self.codes:
            return
        self.shown = index % len(self.codes)
        for number, hand_off in enumerate(self.query_children(HandOff)):
            hand_off.display = number == self.shown
        for buttons in self.screen.query(DeckButtons):
            if buttons.deck_id == self.id:
                buttons.mark(self.shown)

    def show_next(self) -> None:
        self.show(self.shown + 1)


class DeckButtons(Grid):
    """Large buttons, one per code of a :class:`HandOffDeck`; nothing when there is only one code."""

    DEFAULT_CSS = """
    DeckButtons { grid-size: 3; grid-gutter: 0 1; grid-rows: 3; height: auto; margin: 0 0 1 0; }
    DeckButtons Button { height: 3; width: 100%; }
    DeckButtons Button.-chosen { background: $accent; color: $background; text-style: bold; }
    """

    def __init__(self, deck_id: str, codes: list[Code]) -> None:
        super().__init__(id=f"{deck_id}-buttons")
        self.deck_id = deck_id
        self.offered = codes
        self.codes: list[Code] = []

    def compose(self) -> ComposeResult:
        self.codes = allowed(self.offered, self.app.link_policy)  # type: ignore[attr-defined]
        self.display = len(self.codes) > 1
        self.styles.grid_size_columns = max(1, min(3, len(self.codes)))
        for index, code in enumerate(self.codes):
            yield Button(
                button_label(code.button, index == 0),
                id=f"{self.deck_id}-{index}",
                classes="-chosen" if index == 0 else "",
            )

    def mark(self, index: int) -> None:
        for number, button in enumerate(self.query(Button)):
            button.set_class(number == index, "-chosen")
            button.label = button_label(self.codes[number].button, number == index)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        number = (event.button.id or "").removeprefix(f"{self.deck_id}-")
        if number.isdigit():
            self.screen.query_one(f"#{self.deck_id}", HandOffDeck).show(int(number))
