"""Home: the large numbered tiles that lead to everything else."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen

from kiosk.i18n import _
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets.choices import Choice, ChoiceData, ChoiceList


def search_screen() -> Screen[None]:
    from kiosk.ui.screens.search import SearchScreen

    return SearchScreen()


class HomeScreen(KioskScreen):
    show_back = False

    def title_text(self) -> str:
        return _("How can we help you?")

    def tiles(self) -> list[tuple[ChoiceData, Callable[[], Screen[None]]]]:
        from kiosk.ui.screens.events import EventsScreen
        from kiosk.ui.screens.hours import HoursScreen
        from kiosk.ui.screens.offices import OfficesScreen
        from kiosk.ui.screens.topics import TopicsScreen

        return [
            (ChoiceData(_("Help topics"), _("School, Kita, doctors, work, letters and more")), TopicsScreen),
            (
                ChoiceData(_("Office hours and appointments"), _("When we are open and how to book")),
                HoursScreen,
            ),
            (ChoiceData(_("Events"), _("Language cafés, information evenings and more")), EventsScreen),
            (
                ChoiceData(
                    _("lokal willkommen offices in Dortmund"), _("All seven offices and their partners")
                ),
                OfficesScreen,
            ),
            (ChoiceData(_("Search"), _("Type a word from a letter or a question")), search_screen),
        ]

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="body"):
            yield ChoiceList([data for data, _screen in self.tiles()], columns=2, id="tiles", classes="tiles")

    def on_choice_chosen(self, event: Choice.Chosen) -> None:
        event.stop()
        _data, make_screen = self.tiles()[event.choice.number - 1]
        self.app.push_screen(make_screen())
