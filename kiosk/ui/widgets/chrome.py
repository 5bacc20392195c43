"""The frame around every visitor screen: the header with its controls and the status line."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button

from kiosk.i18n import _
from kiosk.i18n.locales import native_name
from kiosk.ui.widgets.text import Prose, visual


class HeaderBar(Horizontal):
    """Title on the reading-start side; back, language and start-over controls."""

    class Pressed(Message):
        """A header control was used: ``action`` is "back", "language" or "start_over"."""

        def __init__(self, action: str) -> None:
            super().__init__()
            self.action = action

    def __init__(self, title: str, *, show_back: bool = True) -> None:
        super().__init__(id="header")
        self.title_text = title
        self.show_back = show_back

    def compose(self) -> ComposeResult:
        parts: list[Widget] = []
        if self.show_back:
            parts.append(Button(visual(_("Back")), id="back", classes="header-button"))
        parts.append(Prose(Text(self.title_text, style="bold"), id="title"))
        language: str = self.app.language  # type: ignore[attr-defined]
        parts.append(Button(visual(native_name(language)), id="language", classes="header-button"))
        parts.append(Button(visual(_("Start over")), id="start-over", classes="header-button"))
        # Right-to-left readers start on the right: "back" belongs there.
        if self.app.direction == "rtl":  # type: ignore[attr-defined]
            parts.reverse()
        yield from parts

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        action = {"back": "back", "language": "language", "start-over": "start_over"}.get(
            event.button.id or ""
        )
        if action:
            self.post_message(self.Pressed(action))


class StatusLine(Horizontal):
    """Key hints for keyboard users and a quiet note about the content's age."""

    def __init__(self, hints: str, status: str = "") -> None:
        super().__init__(id="status-line")
        self.hints = hints
        self.status = status

    def compose(self) -> ComposeResult:
        yield Prose(self.hints, id="hints")
        if self.status:
            yield Prose(self.status, id="content-status")
