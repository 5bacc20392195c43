"""Home: the large numbered tiles that lead to everything else."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll

from kiosk.i18n import _
from kiosk.ui import hints
from kiosk.ui.destinations import Destination, EventsAt, HomeAt, HoursAt, OfficesAt, SearchAt, TopicsAt
from kiosk.ui.messages import Open
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets.choices import Choice, ChoiceData, ChoiceList


class HomeScreen(KioskScreen):
    show_back = False

    def __init__(self, to: HomeAt | None = None) -> None:
        super().__init__()

    def title_text(self) -> str:
        return _("How can we help you?")

    def tiles(self) -> list[tuple[ChoiceData, Destination]]:
        return [
            (ChoiceData(_("Help topics"), _("School, Kita, doctors, work, letters and more")), TopicsAt()),
            (
                ChoiceData(_("Office hours and appointments"), _("When we are open and how to book")),
                HoursAt(),
            ),
            (ChoiceData(_("Events"), _("Language cafés, information evenings and more")), EventsAt()),
            (
                ChoiceData(
                    _("lokal willkommen offices in Dortmund"), _("All seven offices and their partners")
                ),
                OfficesAt(),
            ),
            (ChoiceData(_("Search"), _("Type a word from a letter or a question")), SearchAt()),
        ]

    def hints(self) -> list[hints.Hint]:
        # Home does nothing on the home screen; Esc leads back to the welcome screen.
        return [hints.choose(), hints.back(), hints.language()]

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="body"):
            yield ChoiceList(
                [data for data, _to in self.tiles()], columns=2, large_keys=True, id="tiles", classes="tiles"
            )

    def on_choice_chosen(self, event: Choice.Chosen) -> None:
        event.stop()
        _data, to = self.tiles()[event.choice.number - 1]
        self.post_message(Open(to))
