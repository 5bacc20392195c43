"""The floor for cold start: a bare Textual app that shows one centred line and nothing else.

Same terminal, same interpreter, same Textual as the kiosk; the harness times it to the same marker.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static

MARKER = "„lokal willkommen“ Westerfilde"


class BareApp(App[None]):
    CSS = "Screen { align: center middle; } Static { width: auto; }"

    def compose(self) -> ComposeResult:
        yield Static(MARKER)


if __name__ == "__main__":
    BareApp().run()
