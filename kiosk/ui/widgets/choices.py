"""Numbered choices: large tap targets that keys 1–9, arrows and Enter also reach."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget

from kiosk.ui.widgets.text import Prose


@dataclass
class ChoiceData:
    """What one choice shows: a title, an optional line beneath, and an optional marker."""

    title: str
    subtitle: str = ""
    note: str = ""


class Choice(Vertical, can_focus=True):
    """One numbered, focusable tile; Enter or a tap chooses it."""

    DEFAULT_CSS = """
    Choice { height: auto; min-height: 3; }
    """

    BINDINGS = [Binding("enter", "choose", show=False)]

    class Chosen(Message):
        def __init__(self, choice: Choice) -> None:
            super().__init__()
            self.choice = choice

    def __init__(self, number: int, data: ChoiceData, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="choice")
        self.number = number
        self.data = data

    def compose(self) -> ComposeResult:
        title = Text()
        if self.number <= 9:
            title.append(f"{self.number}  ", style="bold")
        title.append(self.data.title, style="bold")
        yield Prose(title, classes="choice-title")
        if self.data.subtitle:
            yield Prose(self.data.subtitle, classes="choice-subtitle")
        if self.data.note:
            yield Prose(self.data.note, classes="choice-note")

    def action_choose(self) -> None:
        self.post_message(self.Chosen(self))

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.focus()
        self.post_message(self.Chosen(self))


class ChoiceList(Vertical):
    """Choices in a column or grid; digits 1–9 choose directly, arrows move."""

    DEFAULT_CSS = """
    ChoiceList { height: auto; }
    """

    BINDINGS = [
        Binding("down,right", "move(1)", show=False),
        Binding("up,left", "move(-1)", show=False),
    ]

    def __init__(self, items: list[ChoiceData], *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.items = items

    def compose(self) -> ComposeResult:
        for number, data in enumerate(self.items, start=1):
            yield Choice(number, data)

    @property
    def choices(self) -> list[Choice]:
        return list(self.query_children(Choice))

    def action_move(self, step: int) -> None:
        choices = self.choices
        if not choices:
            return
        focused = self.screen.focused
        index = choices.index(focused) if isinstance(focused, Choice) and focused in choices else -1
        target = choices[(index + step) % len(choices)] if index >= 0 else choices[0]
        target.focus()
        target.scroll_visible(animate=False)

    def choose_number(self, number: int) -> bool:
        """Choose the ``number``-th item (1-based); False if there is none."""
        choices = self.choices
        if 1 <= number <= len(choices):
            choices[number - 1].focus()
            choices[number - 1].post_message(Choice.Chosen(choices[number - 1]))
            return True
        return False


def is_widget_choice(widget: Widget | None) -> bool:
    return isinstance(widget, Choice)
