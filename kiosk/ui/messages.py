"""The messages that travel from screens and widgets up to the app, which decides what happens."""

from __future__ import annotations

from textual.message import Message
from textual.worker import Worker

from kiosk.ui.destinations import Destination


class Open(Message):
    """The visitor wants to go to ``to``; the app opens the screen for it (see ``KioskApp.ROUTES``)."""

    def __init__(self, to: Destination) -> None:
        super().__init__()
        self.to = to


class LanguageChosen(Message):
    """The visitor chose ``code`` on the language picker; ``then_home``: go on to the home screen."""

    def __init__(self, code: str, *, then_home: bool) -> None:
        super().__init__()
        self.code = code
        self.then_home = then_home


class WorkerFailed(Message):
    """A background worker ended with an error; the app logs it once and tells the visitor calmly."""

    def __init__(self, worker: Worker[object]) -> None:
        super().__init__()
        self.worker = worker
