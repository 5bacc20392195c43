"""The frame around every visitor screen: the header with its controls and the status line."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult, RenderResult
from textual.containers import Horizontal
from textual.geometry import Size
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button

from kiosk.i18n import _
from kiosk.i18n.locales import native_name
from kiosk.i18n.rtl import visual_line
from kiosk.ui.hints import Hint
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
        # Three rows: a long title wraps onto all of them, and only a very long one ends with "…".
        parts.append(Prose(Text(self.title_text, style="bold"), id="title", max_lines=3))
        speech = getattr(self.app, "speech", None)
        if speech is not None and speech.offered:
            # Large and always in the same place: the way into speech mode for a visitor who taps.
            label = speech.button_label()
            read_aloud = Button(visual(label), id="read-aloud", classes="header-button")
            # A tap must not take the focus from the item being said (F1 is the keyboard's way in).
            read_aloud.can_focus = False
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


class StatusLine(Widget):
    """Key hints for keyboard users and a quiet note about the content's age, at the foot of the screen.

    Each hint is laid out on its own, so a right-to-left line reads hint by hint from the right; hints
    that do not fit on one line go on to a second, never cut.
    """

    DEFAULT_CSS = """
    StatusLine { dock: bottom; height: auto; max-height: 3; padding: 0 1; }
    """

    def __init__(self, hints: list[Hint], status: str = "") -> None:
        super().__init__(id="status-line")
        self.hints = hints
        self.status = status

    @property
    def hint_text(self) -> str:
        """The hints in reading order, as one line (for tests and logs)."""
        return " · ".join(hint.text for hint in self.hints)

    def _lines(self, width: int) -> list[str]:
        rtl = getattr(self.app, "direction", "ltr") == "rtl"
        parts = [visual_line(hint.text, "rtl" if rtl else "ltr") for hint in self.hints]
        if self.status:
            parts.append(visual_line(self.status, "rtl" if rtl else "ltr"))
        lines: list[list[str]] = [[]]
        for part in parts:
            trial = " · ".join([*lines[-1], part])
            if lines[-1] and cell_len(trial) > width:
                lines.append([part])
            else:
                lines[-1].append(part)
        if rtl:
            return [" · ".join(reversed(line)) for line in lines]
        return [" · ".join(line) for line in lines]

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines(width))

    def render(self) -> RenderResult:
        width = self.content_size.width or self.size.width
        rtl = getattr(self.app, "direction", "ltr") == "rtl"
        lines = self._lines(width)
        out = Text(no_wrap=True, overflow="crop", end="")
        for index, line in enumerate(lines):
            if index:
                out.append("\n")
            if rtl:
                out.append(" " * max(0, width - cell_len(line)))
            out.append(line)
        return out
