"""What every visitor screen shares: the frame, numbered keys, back, and re-rendering in a new language."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button

from kiosk.speech.spoken import spoken_code
from kiosk.speech.utterance import Utterance
from kiosk.ui import hints
from kiosk.ui.destinations import SearchAt
from kiosk.ui.hints import Hint, next_code, print_slip
from kiosk.ui.messages import Open
from kiosk.ui.speech import Reading
from kiosk.ui.widgets.choices import Choice, ChoiceData, ChoiceList
from kiosk.ui.widgets.chrome import HeaderBar, StatusLine
from kiosk.ui.widgets.handoff import HandOff
from kiosk.ui.widgets.takehome import CodeDeck, FittedCode
from kiosk.ui.widgets.text import spoken_text
from kiosk.ui.widgets.tile_list import TileList
from kiosk.ui.workers import ReportsFailedWorkers

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp


def on_stack(screen: Screen[Any]) -> bool:
    """Still on the stack. An await in a handler can outlive its screen (Escape, an idle reset)."""
    return screen.is_attached and screen in screen.app.screen_stack


def release_closed_widgets() -> None:
    """Let the garbage collector free what closed widgets drew.

    Textual's ``StylesCache.get_inner_outer`` is an ``lru_cache(1024)`` on a method, so its keys keep
    up to 1,024 widgets' style caches alive, each with the rendered lines of a widget long closed:
    tens of thousands of strips that every full garbage collection walks (a UI pause growing with
    every screen a visitor opened). Emptying it when a screen closes costs one recomputation per
    visible widget.
    """
    from textual._styles_cache import StylesCache

    cache_clear = getattr(StylesCache.get_inner_outer, "cache_clear", None)
    if cache_clear is not None:
        cache_clear()


def close(screen: Screen[Any]) -> bool:
    """Dismiss ``screen`` if it is still on top; whether it was.

    Textual's ``dismiss`` pops whatever screen is on top. Two keys queued in one burst would both
    dismiss a screen that is already gone, and the second would take the screen beneath with it (down
    to the welcome screen), so every screen closes itself through here.
    """
    if not screen.is_active:
        return False
    screen.dismiss(None)
    return True


class KioskScreen(ReportsFailedWorkers, Screen[None]):
    """A visitor screen with header, body and status line; re-composes itself when the language changes."""

    BINDINGS = [
        Binding("escape,backspace", "back", show=False),
        Binding("slash,f3", "search", show=False),
        # The take-home panel (kiosk.ui.widgets.takehome), where a screen has one.
        Binding("c", "next_code", show=False),
        Binding("0", "enlarge_code", show=False),
        Binding("p", "print_slip", show=False),
    ]
    show_back = True
    # Focus is placed by focus_first; Textual's default would focus the first header button.
    AUTO_FOCUS = ""

    def __init__(self) -> None:
        super().__init__()
        self.composed_language = ""
        self.composed_generation = -1

    @property
    def kiosk(self) -> KioskApp:
        return cast("KioskApp", self.app)

    def title_text(self) -> str:
        return ""

    def compose(self) -> ComposeResult:
        self.composed_language = self.kiosk.language
        self.composed_generation = self.kiosk.content_generation
        yield HeaderBar(self.title_text(), show_back=self.show_back)
        yield from self.compose_body()
        yield StatusLine(self.hints(), self.kiosk.content_status())

    def compose_body(self) -> ComposeResult:
        yield from ()

    def follow_language(self, previous: str) -> None:
        """The visitor switched from ``previous`` to another language: find the same item in it.

        Screens that show one item (a page, a topic list) override this; the screen then re-renders.
        """

    def hints(self) -> list[hints.Hint]:
        """The keys this screen answers to right now, for the status line (composed after the body)."""
        return [hints.choose(), *hints.frame()]

    # -- what speech mode says here (the app's speech controller asks; screens never speak) ----------
    def spoken_title(self) -> Utterance | None:
        """Said when the screen opens: its title, in the language it is written in."""
        return Utterance.of(self.title_text(), self.title_language(), "title") or None

    def title_language(self) -> str:
        """The language of :meth:`title_text` (content shown in a fallback language has its own)."""
        return self.kiosk.language

    def spoken_reading(self) -> Reading:
        """Read after the title: nothing on lists (the focused item is said instead), else passages."""
        passages = self.spoken_passages() + self.spoken_codes()
        return Reading(tuple(passages), paged=self.reads_paged) if passages else Reading()

    #: True where the reading is a text the visitor pages through (arrow keys, Enter to repeat).
    reads_paged = False

    def spoken_passages(self) -> list[Utterance]:
        """The screen's text for speech mode, passage by passage; screens that show text override this."""
        return []

    def spoken_codes(self) -> list[Utterance]:
        """What each QR code on the screen holds."""
        lang = self.kiosk.language
        said: list[Utterance] = []
        for hand_off in self.query(HandOff):
            target = hand_off.target()
            if target is not None:
                said.append(Utterance.of(spoken_code(target, hand_off.caption, lang), lang, "passage"))
        # The take-home panel: the code in view, as the visitor sees it (C shows the next one).
        in_view = (self._spoken_fitted(code) for code in self.query(FittedCode))
        return said + [utterance for utterance in in_view if utterance is not None]

    def _spoken_fitted(self, code: FittedCode) -> Utterance | None:
        if not (code.data and code.matrix_size):
            return None
        lang = self.kiosk.language
        return Utterance.of(spoken_code(code.data, code.caption, lang), lang, "passage")

    def spoken_focus(self, widget: Widget) -> Utterance | None:
        """The focused item: a tile with its key ("3, Office hours"), a button by its words."""
        lang = self.kiosk.language
        if isinstance(widget, Choice):
            return self._spoken_tile(widget.data, widget.key)
        if isinstance(widget, TileList):
            # A long list is one widget: its cursor is the item in focus.
            current = widget.current
            return self._spoken_tile(current, widget.current_key) if current is not None else None
        if isinstance(widget, Button) and (words := spoken_text(widget)):
            return Utterance.of(words, lang, "focus")
        return None

    def _spoken_tile(self, data: ChoiceData, key: str) -> Utterance | None:
        lang = self.kiosk.language
        # The key that chooses it, where it has one: "3, Office hours".
        pieces = [(f"{key},", lang)] if key else []
        pieces.append((data.title, data.language or lang))
        if data.note:
            pieces.append((data.note, lang))
        return Utterance.joined(pieces, "focus")

    def on_tile_list_highlighted(self, event: TileList.Highlighted) -> None:
        """The cursor of a long list moved: speech mode says the item, as for a tile that took the focus."""
        event.stop()
        if event.tile_list.has_focus:
            self.kiosk.speech.focused(event.tile_list)

    def on_mount(self) -> None:
        self.focus_first()
        self.set_class(self.kiosk.direction == "rtl", "-rtl")

    def on_unmount(self) -> None:
        release_closed_widgets()

    def focus_first(self) -> None:
        """The first tile; else the body, so that Enter never presses a header button by surprise."""
        for widget in self.query("ChoiceList, TileList"):
            if isinstance(widget, ChoiceList) and widget.choices:
                widget.choices[0].focus()
                return
            if isinstance(widget, TileList) and widget.items:
                widget.focus(scroll_visible=False)
                return
        bodies = list(self.query("#body").results(VerticalScroll))
        if bodies:
            bodies[0].focus(scroll_visible=False)

    @property
    def shown(self) -> bool:
        return on_stack(self)

    def set_refresh_interval(self, seconds: float, callback: Callable[[], object]) -> None:
        """Call ``callback`` every ``seconds`` while this screen is mounted (Textual stops it after).

        The timer is started from the app's message loop, not from this screen's: asyncio keeps a
        cancelled sleep, with the context it was started in (which names the active screen), until its
        time comes. Started here, a 60 s refresh kept a closed events list and its 100+ tiles alive for
        a minute after each visit, and every full garbage collection walked them again.
        """

        def start() -> None:
            if self.is_attached:
                self.set_interval(seconds, callback)

        self.app.call_later(start)

    async def relabel(self) -> None:
        """Re-render in the current language, keeping the scroll position and the focused item."""
        if not self.shown:
            return  # removed meanwhile (an idle reset popped it)
        scrolls = [(s.id, s.scroll_y) for s in self.query(VerticalScroll)]
        focus_index = self._focus_index()
        cursors = [(tiles.id, tiles.cursor) for tiles in self.query(TileList)]
        if self.composed_language and self.composed_language != self.kiosk.language:
            self.follow_language(self.composed_language)
        await self.recompose()
        self.set_class(self.kiosk.direction == "rtl", "-rtl")
        for tiles in self.query(TileList):
            # The same item as before (lists keep their order in every language).
            cursor = next((at for list_id, at in cursors if list_id == tiles.id), 0)
            tiles.cursor = max(0, min(cursor, len(tiles.items) - 1))
        for scroll_id, y in scrolls:
            for scroll in self.query(VerticalScroll):
                if scroll.id == scroll_id:
                    scroll.scroll_to(y=y, animate=False, immediate=True)
        self._restore_focus(focus_index)
        self.kiosk.speech.screen_settled(self)

    def _focus_index(self) -> int | None:
        focusable = self.focus_chain
        return focusable.index(self.focused) if self.focused in focusable else None

    def _restore_focus(self, index: int | None) -> None:
        focusable = self.focus_chain
        if index is not None and index < len(focusable):
            focusable[index].focus(scroll_visible=False)
        else:
            self.focus_first()

    async def on_screen_resume(self, event: events.ScreenResume) -> None:
        stale_language = self.composed_language and self.composed_language != self.kiosk.language
        if stale_language or self.composed_generation != self.kiosk.content_generation:
            await self.relabel()

    def on_key(self, event: events.Key) -> None:
        character = event.character or ""
        if len(character) != 1 or not character.isalnum() or not character.isascii():
            return
        for choice_list in self.query("ChoiceList, TileList"):
            if isinstance(choice_list, (ChoiceList, TileList)) and choice_list.choose_key(character):
                event.stop()
                return
        if character in "123456789":
            self.on_number(int(character), event)

    def on_number(self, number: int, event: events.Key) -> None:
        """A digit with no numbered choice to take it; screens with other numbered items override this."""

    def on_header_bar_pressed(self, event: HeaderBar.Pressed) -> None:
        if event.action == "back":
            self.action_back()
        elif event.action == "language":
            self.kiosk.action_choose_language()
        elif event.action == "start_over":
            self.kiosk.start_over()
        elif event.action == "read_aloud":
            self.kiosk.speech.toggle()

    def action_back(self) -> None:
        self.kiosk.go_back()

    def deck_hints(self) -> list[Hint]:
        """C when the screen's code panel offers several codes, P when a printer can print the item."""
        deck: CodeDeck | None = getattr(self, "code_deck", None)
        if deck is None:
            return []
        offers = deck.usable()
        shown = [next_code()] if len(offers) > 1 else []
        if self.kiosk.settings.printer.enabled and any(offer.slip for offer in offers):
            shown.append(print_slip())
        return shown

    def _deck(self) -> CodeDeck | None:
        decks = list(self.query(CodeDeck))
        return decks[0] if decks and decks[0].display else None

    def action_next_code(self) -> None:
        if (deck := self._deck()) is not None:
            deck.show_next()
            # A listener hears which code is in view now.
            codes = list(deck.query(FittedCode))
            if codes and (said := self._spoken_fitted(codes[0])):
                self.kiosk.speech.say(said)

    def action_enlarge_code(self) -> None:
        if (deck := self._deck()) is not None:
            deck.enlarge()

    def action_print_slip(self) -> None:
        if (deck := self._deck()) is not None:
            deck.print_slip()

    def action_search(self) -> None:
        self.post_message(Open(SearchAt()))
