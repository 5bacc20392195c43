"""Speech mode: the one controller that decides what the kiosk says and when.

Screens never call the engine. They offer words through three small methods (``spoken_title``,
``spoken_reading``, ``spoken_focus``; see :class:`~kiosk.ui.screens.base.KioskScreen`); this
controller listens to the app (screen changes, focus, keys, the idle reset) and plays a
:class:`~kiosk.ui.speech_script.Script` of them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import events
from textual.dom import NoScreen
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Input

from kiosk.i18n.catalogs import gettext_in
from kiosk.speech.engine import Output, PlayTo, Speaker, SpeechSetup
from kiosk.speech.spoken import menu_entry
from kiosk.speech.system import SpeechCheck, check_speech
from kiosk.speech.utterance import Utterance
from kiosk.ui.speech_script import Item, Script
from kiosk.ui.widgets.choices import EVERY_KEY, Choice
from kiosk.ui.widgets.text import spoken_as, visual
from kiosk.ui.widgets.tile_list import TileList

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp

log = logging.getLogger(__name__)

#: How many times the audio menu goes through the languages before it waits in silence.
MENU_ROUNDS = 2


@dataclass(frozen=True)
class Reading:
    """What a screen reads after its title; ``paged``: a text the visitor pages through with keys."""

    passages: tuple[Utterance, ...] = ()
    paged: bool = False


def key_name(key: str) -> str:
    """A key as a person says it: "f1" -> "F1", "ctrl+r" -> "Ctrl R"."""
    return " ".join(part.upper() if len(part) <= 3 else part.capitalize() for part in key.split("+"))


def _focus_identity(widget: Widget | None) -> object:
    """What the visitor is on: the focused widget, or in a long list (one widget) its cursor item."""
    if isinstance(widget, TileList):
        return (widget, widget.cursor)
    return widget


def _offers_menu(screen: Screen[Any]) -> bool:
    """The screen where the speech key starts the audio menu (the welcome screen says so)."""
    return bool(getattr(screen, "offers_audio_menu", False))


class SpeechController:
    """Speech mode for the whole app: on or off, the audio menu, and what is being said."""

    def __init__(self, app: KioskApp) -> None:
        self.app = app
        self.check: SpeechCheck | None = None
        self.speaker: Speaker | None = None
        self.script = Script(lambda delay, callback: app.set_timer(delay, callback), app.call_later)
        self.on = False
        #: The languages the audio menu offers while it runs on the welcome screen (None: no menu).
        self.menu: list[str] | None = None
        self._paged = False
        self._told: set[str] = set()  # key help said once per visitor
        self._counted = False
        self._input_seen = False
        self._announce_due: Screen[Any] | None = None
        #: What was last said as focused: a widget, or (a long list, its cursor) — see _focus_identity.
        self._announced_focus: object = None
        self._focus_told = False

    # -- setting up --------------------------------------------------------------------------------
    def start(self, setup: SpeechSetup | None) -> None:
        """Begin listening to the app; find out what the machine offers unless ``setup`` says."""
        self.app.screen_change_signal.subscribe(self.app, self.screen_changed, immediate=True)
        if setup is not None:
            self.configure(setup.check, setup.output)
        else:
            self.start_check()

    def start_check(self) -> None:
        """Ask the machine (in a thread: it runs espeak-ng) and speak through what it offers."""
        self.app.run_worker(self._look, thread=True, name="speech-check", group="speech", exit_on_error=False)

    def _look(self) -> None:
        settings = self.app.settings
        found = check_speech(settings.speech.enabled, settings.speech.player, settings.display.languages)
        if found.problems:
            log.warning("speech: %s", found.reason)
        output = PlayTo(found.player) if found.player is not None else None
        self.app.call_from_thread(self.configure, found, output)

    def configure(self, found: SpeechCheck, output: Output | None) -> None:
        """Speak through ``output`` with what ``found`` says the machine offers (again after a reload)."""
        self.close()
        self.check = found
        speech = self.app.settings.speech
        if found.available and found.engine is not None and output is not None:
            self.speaker = Speaker(
                output,
                engine=found.engine,
                rate=speech.rate,
                volume=speech.volume,
                on_done=self.script.from_worker,
            )
        self.script.attach(self.speaker, asyncio.get_running_loop())
        self._show_state()

    def close(self) -> None:
        """Silence and end the worker (the app is leaving, or the output changes)."""
        if self.speaker is not None:
            self.speaker.close()
            self.speaker = None

    @property
    def announcing(self) -> bool:
        """A screen has changed and its title is about to be said (once it is drawn)."""
        return self._announce_due is not None

    @property
    def offered(self) -> bool:
        """Speech is part of this kiosk (``[speech] enabled``), whether or not it can work right now."""
        return self.check.enabled if self.check is not None else self.app.settings.speech.enabled

    def speaks(self, language: str) -> bool:
        """Speech can start for a visitor in ``language`` (engine, voice and output are there)."""
        return self.speaker is not None and self.check is not None and self.check.speaks(language)

    def button_label(self) -> str:
        """What the header's speech button says, in the visitor's language."""
        lang = self.app.language
        if not self.speaks(lang):
            return gettext_in(lang, "Speech unavailable")
        return gettext_in(lang, "Stop reading") if self.on else gettext_in(lang, "Read aloud")

    def _show_state(self) -> None:
        label = self.button_label()
        for button in self.app.screen.query("#read-aloud").results(Button):
            button.label = visual(label)
            spoken_as(button, label)
            button.disabled = not self.speaks(self.app.language)

    # -- what the visitor does -----------------------------------------------------------------------
    def handle_key(self, event: events.Key) -> bool:
        """Speech keys, before anything else sees them; True when the key was one."""
        key, screen = event.key, self.app.screen
        self._input_seen = True
        if key == self.app.settings.speech.key:
            self.start_menu() if _offers_menu(screen) else self.toggle()
            return True
        if self.menu is not None and _offers_menu(screen):
            return self._menu_key(key, event.character)
        if not self.on or isinstance(self.app.focused, Input):
            return False
        if key in ("plus", "minus"):
            self.change_volume(1 if key == "plus" else -1)
            return True
        if key == "space":
            self.script.pause_or_continue()
            return True
        if self._paged and not isinstance(self.app.focused, (Choice, TileList, Button)):
            if key in ("down", "up"):
                lang = self.app.language
                self.script.step(
                    1 if key == "down" else -1,
                    Utterance.of(gettext_in(lang, "End of the page."), lang, "state"),
                )
                return True
            if key == "enter":
                self.script.repeat()
                return True
        return False

    def note_input(self) -> None:
        """A tap: focus moves after it are the visitor's, and are said."""
        self._input_seen = True

    def toggle(self) -> None:
        """The speech key or the header button: speech on (saying where the visitor is), or off."""
        lang = self.app.language
        if self.on:
            self.on = False
            self.script.play([Utterance.of(gettext_in(lang, "Speech off."), lang, "state")])
        elif self.speaks(lang):
            self.on = True
            self._count(lang)
            self._announce(self.app.screen, [Utterance.of(gettext_in(lang, "Speech on."), lang, "state")])
        self._show_state()

    def start_menu(self) -> None:
        """On the welcome screen: each language, spoken in itself, with the key to press (the same
        keys as the language picker's tiles: 1–9, then 0, then letters)."""
        codes = [code for code in self.app.settings.display.languages if self.speaks(code)]
        if not codes:
            return
        self.on, self.menu = True, codes
        items: list[Item] = [self._menu_entry(code) for code in codes]
        self.script.play(items * MENU_ROUNDS)

    def _menu_key_of(self, code: str) -> str:
        return EVERY_KEY[self.app.settings.display.languages.index(code)]

    def _menu_entry(self, code: str) -> Utterance:
        return Utterance.of(menu_entry(code, self._menu_key_of(code)), code, f"menu:{code}")

    def _menu_key(self, key: str, character: str | None) -> bool:
        menu = self.menu
        assert menu is not None
        current = self._menu_code()
        languages = self.app.settings.display.languages
        wanted = (character or "").upper()
        if len(wanted) == 1 and wanted in EVERY_KEY[: len(languages)]:
            self._choose(languages[EVERY_KEY.index(wanted)])
            return True
        if key == "enter":  # the language being offered (or the last one offered)
            if current is not None:
                self._choose(current)
            return True
        if key in ("down", "up"):
            index = menu.index(current) if current in menu else -1
            self.script.play([self._menu_entry(menu[(index + (1 if key == "down" else -1)) % len(menu)])])
            return True
        if key == "escape":
            self.reset()
            return True
        return False

    def _menu_code(self) -> str | None:
        """The language of the menu entry being said, or of the last one said."""
        for item in reversed(self.script.items[: self.script.at + 1]):
            if isinstance(item, Utterance) and item.kind.startswith("menu:"):
                return item.kind.removeprefix("menu:")
        return None

    def _choose(self, code: str) -> None:
        self.menu = None
        self._count(code)
        self.script.stop()
        self.app.call_later(self.app.start_in, code)

    def change_volume(self, step: int) -> None:
        """Louder or softer by one step; says so at the new volume, then goes on where it was."""
        if self.speaker is None:
            return
        before = self.speaker.volume
        now = self.speaker.set_volume(before + step)
        lang = self.app.language
        if now == before:
            words = gettext_in(lang, "Loudest.") if step > 0 else gettext_in(lang, "Quietest.")
        else:
            words = gettext_in(lang, "Louder.") if step > 0 else gettext_in(lang, "Softer.")
        self.script.interject(Utterance.of(words, lang, "volume"))

    def reset(self) -> None:
        """The next visitor: silence, speech mode off, the configured volume, key help told anew."""
        self.script.clear()
        self.on, self.menu, self._paged = False, None, False
        self._told.clear()
        self._counted = False
        if self.speaker is not None:
            self.speaker.set_volume(self.app.settings.speech.volume)
        self._show_state()

    def _count(self, lang: str) -> None:
        if not self._counted:
            self._counted = True
            self.app.record("speech", language=lang)

    # -- what the app tells us -----------------------------------------------------------------------
    def screen_changed(self, screen: Screen[Any]) -> None:
        """Another screen is on top: say its title (once it is drawn in the visitor's language)."""
        self._input_seen = self._focus_told = False
        self._show_state()
        if not self.on:
            return
        if self.menu is not None and not _offers_menu(screen):
            self.menu = None
        self._announce_due = screen
        self.app.call_after_refresh(self.screen_settled, screen)

    def screen_settled(self, screen: Screen[Any]) -> None:
        """``screen`` is drawn in the visitor's language (after a change or a relabel): announce it."""
        self._show_state()
        if not (self.on and self._announce_due is screen and screen is self.app.screen):
            return
        composed = getattr(screen, "composed_language", "")
        if composed and composed != self.app.language:
            return  # it re-renders in the new language first, and says so when done
        self._announce_due = None
        self._announce(screen, [])

    def focused(self, widget: Widget) -> None:
        """The visitor moved to ``widget``: say it (with its number) instead of what was being said.

        A screen that moves the focus itself just after it opened (the language picker to the
        visitor's language) is heard too, but only once its announcement has said a focused item:
        until then the announcement asks for the focus when its turn comes.
        """
        if not self.on or self.menu is not None:
            return
        if not self._input_seen and not self._focus_told:
            return
        try:
            screen = widget.screen
        except NoScreen:  # taken away meanwhile (a screen re-rendering in another language)
            return
        if _focus_identity(widget) == self._announced_focus or screen is not self.app.screen:
            return
        spoken_focus = getattr(screen, "spoken_focus", None)
        said = spoken_focus(widget) if spoken_focus is not None else None
        if said:
            self._announced_focus = _focus_identity(widget)
            self._paged = False
            self.script.play([said])

    def say(self, utterance: Utterance) -> None:
        """In speech mode, say ``utterance`` now (what a key just changed on screen: the code in view)."""
        if self.on and self.menu is None:
            self._paged = False
            self.script.play([utterance])

    # -- what is said ------------------------------------------------------------------------------------
    def _focus_of(self, screen: Screen[Any]) -> Utterance | None:
        spoken_focus = getattr(screen, "spoken_focus", None)
        if screen is not self.app.screen or screen.focused is None or spoken_focus is None:
            return None
        self._announced_focus = _focus_identity(screen.focused)
        self._focus_told = True
        said: Utterance | None = spoken_focus(screen.focused)
        return said

    def _announce(self, screen: Screen[Any], before: Sequence[Utterance]) -> None:
        """The screen's title, the key help not yet told, then its reading or its focused item."""
        lang = self.app.language
        items: list[Item] = list(before)
        if "mode" not in self._told:
            self._told.add("mode")
            words = gettext_in(lang, "Plus and minus: louder and softer. Space: pause. {key}: speech off.")
            items.append(Utterance.of(words.format(key=key_name(self.app.settings.speech.key)), lang, "help"))
        title = getattr(screen, "spoken_title", None)
        if title is not None and (said := title()):
            items.append(said)
        reading_of = getattr(screen, "spoken_reading", None)
        reading: Reading = reading_of() if reading_of is not None else Reading()
        self._announced_focus = _focus_identity(screen.focused)
        self._focus_told = False
        if reading.passages:
            if reading.paged and "reading" not in self._told:
                self._told.add("reading")
                items.append(
                    Utterance.of(
                        gettext_in(lang, "Arrow down: next paragraph. Arrow up: previous. Enter: repeat."),
                        lang,
                        "help",
                    )
                )
            items.extend(reading.passages)
        else:
            # Asked when its turn comes: a screen may still be moving the focus to its first item.
            items.append(lambda: self._focus_of(screen))
        self._paged = reading.paged and bool(reading.passages)
        self.script.play(items)
