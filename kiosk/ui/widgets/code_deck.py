"""Large buttons that pick which code a :class:`~kiosk.ui.widgets.takehome.CodeDeck` shows.

A lobby terminal has room for one readable QR code beside the text, so the codes on offer share one
place; on a touch screen these buttons pick one, as C does on the keyboard.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import Button

from kiosk.qr import LinkPolicy, QRPayload
from kiosk.ui.widgets.takehome import CodeDeck, Offer
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

    def offer(self) -> Offer:
        """The code as a deck's offer."""
        return Offer(self.caption, self.kind, self.link, payload=self.payload is not None)


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


class DeckButtons(Grid):
    """Large buttons, one per code the deck ``deck_id`` offers; nothing when it offers only one."""

    DEFAULT_CSS = """
    DeckButtons { grid-size: 3; grid-gutter: 0 1; grid-rows: 3; height: auto; margin: 0 0 1 0; }
    DeckButtons Button { height: 3; width: 100%; }
    DeckButtons Button.-chosen { background: $accent; color: $background; text-style: bold; }
    """

    def __init__(self, deck_id: str, codes: list[Code]) -> None:
        super().__init__(id=f"{deck_id}-buttons", classes="deck-buttons")
        self.deck_id = deck_id
        self.offered = codes
        self.codes: list[Code] = []

    def compose(self) -> ComposeResult:
        self.codes = allowed(self.offered, self.app.link_policy)  # type: ignore[attr-defined]
        self.display = len(self.codes) > 1
        self.styles.grid_size_columns = max(1, min(3, len(self.codes)))
        for index, code in enumerate(self.codes):
            yield Button(button_label(code.button, False), id=f"{self.deck_id}-{index}")

    def mark(self, data: str) -> None:
        """Mark the button of the code showing (``data``); none when the deck shows another."""
        for code, button in zip(self.codes, self.query(Button), strict=False):
            chosen = code.link == data
            button.set_class(chosen, "-chosen")
            button.label = button_label(code.button, chosen)

    def on_mount(self) -> None:
        for deck in self.screen.query(f"#{self.deck_id}").results(CodeDeck):
            self.mark(deck.showing())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        number = (event.button.id or "").removeprefix(f"{self.deck_id}-")
        if number.isdigit() and int(number) < len(self.codes):
            for deck in self.screen.query(f"#{self.deck_id}").results(CodeDeck):
                deck.show_code(self.codes[int(number)].link)
