"""The lokal willkommen offices in Dortmund (the region's places): one tile each, and when the places
are of several kinds ("Advice centre", "Authority"), buttons to show one kind only."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button

from kiosk.content.categories import kinds_of
from kiosk.content.library import Shown
from kiosk.content.models import Place, PlaceCategory
from kiosk.content.text import short
from kiosk.i18n import _
from kiosk.ui import hints
from kiosk.ui.destinations import OfficesAt, PlaceAt
from kiosk.ui.messages import Open
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets.choices import ChoiceData
from kiosk.ui.widgets.code_deck import button_label
from kiosk.ui.widgets.text import Prose
from kiosk.ui.widgets.tile_list import TileList
from kiosk.ui.wording import in_other_language, place_facts


class OfficesScreen(KioskScreen):
    DEFAULT_CSS = """
    #place-kinds { height: auto; padding: 0 1; margin: 0 0 1 0; }
    #place-kinds Button { height: 3; min-width: 10; width: auto; margin: 0 1 0 0; }
    #place-kinds Button.-chosen { background: $accent; color: $background; text-style: bold; }
    """

    def __init__(self, to: OfficesAt | None = None) -> None:
        super().__init__()
        self.all_places: list[Shown[Place]] = []
        self.places: list[Shown[Place]] = []
        self.kinds: list[PlaceCategory] = []
        #: The kind shown (None: all).
        self.kind: int | None = None

    def title_text(self) -> str:
        return _("lokal willkommen offices in Dortmund")

    def hints(self) -> list[hints.Hint]:
        return [hints.choose(), *hints.frame()] if self.places else hints.frame()

    def compose_body(self) -> ComposeResult:
        self.all_places = self.kiosk.library.places()
        self.kinds = kinds_of((s.item for s in self.all_places), self.kiosk.library.categories())
        if len(self.kinds) < 2:
            self.kinds = []  # one kind (or none) is nothing to choose between
        self.places = self.of_kind()
        if self.kinds:
            with Horizontal(id="place-kinds"):
                for index, name in enumerate([_("All"), *(kind.name for kind in self.kinds)]):
                    yield Button(button_label(name, index == 0), id=f"kind-{index}",
                                 classes="-chosen" if index == 0 else "")  # fmt: skip
        with VerticalScroll(id="body"):
            yield from self.list_widgets()

    def of_kind(self) -> list[Shown[Place]]:
        return [s for s in self.all_places if self.kind is None or s.item.category_id == self.kind]

    def list_widgets(self) -> list[Widget]:
        if not self.places:
            return [Prose(_("No offices are listed right now. Please ask at the office."), classes="empty")]
        items = []
        for shown in self.places:
            place = shown.item
            about = " · ".join(p for p in (place.address.one_line(), *place_facts(place), place.excerpt) if p)
            items.append(
                ChoiceData(
                    place.name,
                    short(about),
                    in_other_language(shown.language, self.kiosk.language),
                    language=shown.language,
                )
            )
        return [TileList(items, id="offices")]

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        number = (event.button.id or "").removeprefix("kind-")
        if not number.isdigit() or not self.kinds:
            return
        event.stop()
        index = int(number)
        self.kind = self.kinds[index - 1].id if index else None
        names = [_("All"), *(kind.name for kind in self.kinds)]
        for other, button in enumerate(self.query("#place-kinds Button").results(Button)):
            button.set_class(other == index, "-chosen")
            button.label = button_label(names[other], other == index)
        self.places = self.of_kind()
        body = self.query_one("#body", VerticalScroll)
        await body.remove_children()
        await body.mount_all(self.list_widgets())
        body.scroll_home(animate=False, immediate=True)

    def on_tile_list_chosen(self, event: TileList.Chosen) -> None:
        event.stop()
        self.post_message(Open(PlaceAt(self.places[event.number - 1].item.id)))
