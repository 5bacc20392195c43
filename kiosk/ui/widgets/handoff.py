"""Hand-off: a QR code for a link the visitor takes home, shown only when the link policy allows it."""

from __future__ import annotations

from typing import Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical

from kiosk.qr import LinkPolicy, QRPayload
from kiosk.ui.widgets.qr_code import QRCode
from kiosk.ui.widgets.text import Prose


class HandOff(Vertical):
    """A caption and a QR code for ``link``; nothing at all when the link may not become a code."""

    DEFAULT_CSS = """
    HandOff { height: auto; width: auto; }
    """

    def __init__(self, link: str, caption: str, *, kind: str, payload: bool = False) -> None:
        super().__init__(classes="handoff")
        self.link = link
        self.caption = caption
        self.kind = kind
        self.payload = payload

    def target(self) -> str | None:
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
        yield Prose(Text(self.caption, style="bold"), classes="handoff-caption")
        yield QRCode(target)
