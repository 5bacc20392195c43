"""Hand-off: a QR code for a link the visitor takes home, shown only when the link policy allows it."""

from __future__ import annotations

from typing import Literal

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widget import Widget

from kiosk.i18n import _
from kiosk.qr import LinkPolicy, QRPayload
from kiosk.ui.destinations import CodeAt
from kiosk.ui.messages import Open
from kiosk.ui.widgets.qr_code import QRCode
from kiosk.ui.widgets.text import Prose

_UNJUDGED = object()


class HandOff(Vertical):
    """A caption and a QR code for ``link``; nothing at all when the link may not become a code.

    With ``fill`` the hand-off takes all the space its container gives it (in a scrolling panel: one
    panelful), the code the largest scale that fits, and the caption goes below it when there is room.
    ``fallback`` is what the visitor reads instead when even the smallest code does not fit (by default
    the link itself; for a payload only the hint to enlarge the window, unless the caller names its
    content).
    """

    DEFAULT_CSS = """
    HandOff { height: auto; width: auto; }
    """

    def __init__(
        self,
        link: str,
        caption: str,
        *,
        kind: str,
        payload: bool = False,
        fill: bool = False,
        fallback: str | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id, classes="handoff -fill" if fill else "handoff")
        self.link = link
        self.caption = caption
        self.kind = kind
        self.payload = payload
        self.fallback = fallback
        self._target: object = _UNJUDGED

    def target(self) -> str | None:
        """The text the code encodes, or None when the policy refuses the link (judged once)."""
        if self._target is _UNJUDGED:
            self._target = self._judge()
        return self._target if isinstance(self._target, str) else None

    def _judge(self) -> str | None:
        if not self.link:
            return None
        policy: LinkPolicy = self.app.link_policy  # type: ignore[attr-defined]
        if self.payload:
            kind: Literal["vcard", "vevent"] = "vcard" if self.link.startswith("BEGIN:VCARD") else "vevent"
            return policy.allow_payload(QRPayload(kind, self.link))
        return policy.qr_target(self.link)

    def on_mount(self) -> None:
        if self.display:
            self.app.record("qr", item=self.kind)  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        target = self.target()
        if target is None:
            self.display = False
            return
        if self.has_class("-fill"):
            # The caption goes below the code as its label, which gives way when the code needs the row;
            # the screens that fill a panel with codes show a code on its own with 0.
            hint = _("Touch here or press 0 to show the QR code.")
            yield QRCode(target, self.caption, fallback=self.fallback_text(), hint=hint)
        else:
            yield Prose(Text(self.caption, style="bold"), classes="handoff-caption")
            yield QRCode(target, fallback=self.fallback_text(), hint=_("Touch here to show the QR code."))

    def fallback_text(self) -> str | None:
        """What to read when the code does not fit: the caller's words, the link, or (payloads) nothing."""
        return self.fallback if self.fallback is not None or not self.payload else ""

    def enlarge(self) -> None:
        """Show this code on a screen of its own, as large as the terminal allows."""
        target = self.target()
        if target is not None:
            self.post_message(Open(CodeAt(target, self.caption, self.fallback_text())))

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.enlarge()


def offered(hand_offs: list[HandOff]) -> list[HandOff]:
    """The hand-offs whose link the policy allows, each encoded text once, in the order given."""
    kept: list[HandOff] = []
    seen: set[str] = set()
    for hand_off in hand_offs:
        target = hand_off.target()
        if target is not None and target not in seen:
            kept.append(hand_off)
            seen.add(target)
    return kept


def enlarge_code(screen: Screen[None]) -> None:
    """Show the code most in view on ``screen`` (in a panel of several: the one scrolled to) on its own."""
    best: tuple[int, HandOff] | None = None
    for hand_off in screen.query(HandOff):
        parent = hand_off.parent
        if hand_off.target() is None or not hand_off.display or not isinstance(parent, Widget):
            continue
        # The part of the hand-off its scrolling panel shows; nothing for one in a hidden deck.
        shown = hand_off.region.intersection(parent.region).area
        if shown and (best is None or shown > best[0]):
            best = (shown, hand_off)
    if best is not None:
        best[1].enlarge()
