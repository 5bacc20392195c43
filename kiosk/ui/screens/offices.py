"""The lokal willkommen offices in Dortmund (the region's places): one tile each."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll

from kiosk.content.library import Shown
from kiosk.content.models import Place
from kiosk.content.text import short
from kiosk.i18n import _
from kiosk.ui import hints
from kiosk.ui.destinations import OfficesAt, PlaceAt
from kiosk.ui.messages import Open
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets.choices import Choice, ChoiceData, ChoiceList
from kiosk.ui.widgets.text import Prose
from kiosk.ui.wording import in_other_language


class OfficesScreen(KioskScreen):
    def __init__(self, to: OfficesAt | None = None) -> None:
        super().__init__()
        self.places: list[Shown[Place]] = []

    def title_text(self) -> str:
        return _("lokal willkommen offices in Dortmund")

    def hints(self) -> list[hints.Hint]:
        return [hints.choose(), *hints.frame()] if self.places else hints.frame()

    def compose_body(self) -> ComposeResult:
        self.places = self.kiosk.library.places()
        with VerticalScroll(id="body"):
            if not self.places:
                yield Prose(_("No offices are listed right now. Please ask at the office."), classes="empty")
                return
            yield ChoiceList(
                [
                    ChoiceData(
                        shown.item.name,
                        short(
                            " · ".join(p for p in (shown.item.address.one_line(), shown.item.excerpt) if p)
                        ),
                        in_other_language(shown.language, self.kiosk.language),
                        language=shown.language,
                    )
                    for shown in self.places
                ],
                id="offices",
            )

    def on_choice_chosen(self, event: Choice.Chosen) -> None:
        event.stop()
        self.post_message(Open(PlaceAt(self.places[event.choice.number - 1].item.id)))
