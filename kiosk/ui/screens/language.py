"""Language picker: one large button per configured language, in its own script, German name beneath."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widget import Widget

from kiosk.i18n import _
from kiosk.i18n.locales import german_name, native_name
from kiosk.speech.utterance import Utterance
from kiosk.ui import hints
from kiosk.ui.destinations import LanguagesAt
from kiosk.ui.messages import LanguageChosen
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets.choices import EVERY_KEY, Choice, ChoiceData, ChoiceList, key_range


class LanguageScreen(KioskScreen):
    """Choosing a language; from the welcome screen it leads on to the home screen."""

    def __init__(self, to: LanguagesAt | None = None) -> None:
        super().__init__()
        self.then_home = to.then_home if to is not None else False
        self.codes: list[str] = []

    def on_mount(self) -> None:
        super().on_mount()
        current = self.codes.index(self.kiosk.language) if self.kiosk.language in self.codes else 0
        for languages in self.query(ChoiceList).results(ChoiceList):  # none if popped before mounting
            if languages.choices:
                languages.choices[current].focus()

    def title_text(self) -> str:
        return _("Choose your language")

    def spoken_focus(self, widget: Widget) -> Utterance | None:
        """Each language's name in its own voice (the tile shows it in display order, not readable)."""
        if isinstance(widget, Choice) and 1 <= widget.number <= len(self.codes):
            code = self.codes[widget.number - 1]
            return Utterance.joined(
                [(f"{widget.key},", self.kiosk.language), (native_name(code), code)], "focus"
            )
        return super().spoken_focus(widget)

    def compose_body(self) -> ComposeResult:
        self.codes = list(self.kiosk.settings.display.languages)
        items = [
            ChoiceData(
                title=native_name(code),
                subtitle=german_name(code) if code != "de" else "",
            )
            for code in self.codes
        ]
        with VerticalScroll(id="body"):
            # Every language has a key, however many there are: 1–9, then 0, then letters.
            yield ChoiceList(items, columns=3, keys=EVERY_KEY[: len(items)], id="languages")

    def hints(self) -> list[hints.Hint]:
        keys = EVERY_KEY[: len(self.codes)]
        choose = hints.Hint(_("{keys} choose").format(keys=key_range(keys)), tuple(keys.lower()))
        return [choose, *hints.frame()]

    def on_choice_chosen(self, event: Choice.Chosen) -> None:
        event.stop()
        if not self.is_active:
            return  # a tap that arrived after Escape (or the idle reset) took this screen away
        self.post_message(LanguageChosen(self.codes[event.choice.number - 1], then_home=self.then_home))
