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
from kiosk.ui.widgets.text import Prose, spoken_as, visual


class HeaderBar(Horizontal):
    """Title on the reading-start side; back, language and start-over controls."""

    class Pressed(Message):
        """A header control was used: ``action`` is "back", "language", "start_over" or "read_aloud"."""

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
            parts.append(spoken_as(Button(visual(_("Back")), id="back", classes="header-button"), _("Back")))
        parts.append(Prose(Text(self.title_text, style="bold"), id="title"))
        speech = getattr(self.app, "speech", None)
        if speech is not None and speech.offered:
            # Large and always in the same place: the way into speech mode for a visitor who taps.
            label = speech.button_label()
            read_aloud = Button(visual(label), id="read-aloud", classes="header-button")
            read_aloud.disabled = not speech.speaks(self.app.language)  # type: ignore[attr-defined]
            parts.append(spoken_as(read_aloud, label))
        language: str = self.app.language  # type: ignore[attr-defined]
        parts.append(
            spoken_as(
                Button(visual(native_name(language)), id="language", classes="header-button"),
                native_name(language),
            )
        )
        parts.append(
            spoken_as(
                Button(visual(_("Start over")), id="start-over", classes="header-button"), _("Start over")
            )
        )
        # Right-to-left readers start on the right: "back" belongs there.
        if self.app.direction == "rtl":  # type: ignore[attr-defined]
            parts.reverse()
        yield from parts

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        action = {
            "back": "back",
            "language": "language",
            "start-over": "start_over",
            "read-aloud": "read_aloud",
        }.get(event.button.id or "")
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
