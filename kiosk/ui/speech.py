"""Speech mode: the one controller that decides what the kiosk says and when.

Screens never call the engine. They offer words through three small methods (``spoken_title``,
``spoken_reading``, ``spoken_focus``; see :class:`~kiosk.ui.screens.base.KioskScreen`); this
controller listens to the app (screen changes, focus, keys, the idle reset) and plays a *script*:
a list of utterances and pauses, of which the reading part can be paged through with keys.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import events
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Button, Input

from kiosk.i18n.catalogs import gettext_in
from kiosk.speech.engine import Output, PlayTo, Speaker, SpeechSetup, Spoken
from kiosk.speech.readings import PASSAGE
from kiosk.speech.spoken import menu_entry
from kiosk.speech.system import SpeechCheck, check_speech
from kiosk.speech.utterance import Utterance
from kiosk.ui.widgets.choices import Choice
from kiosk.ui.widgets.text import spoken_as, visual

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp

log = logging.getLogger(__name__)

#: The silence after an audio-menu entry that is chosen with Enter: time to press it.
MENU_ENTER_PAUSE_S = 1.5
#: How many times the audio menu goes through the languages before it waits in silence.
MENU_ROUNDS = 2
Item = Utterance | float  # a float is a pause of that many seconds


@dataclass(frozen=True)
class Reading:
    """What a screen reads after its title; ``paged``: a text the visitor pages through with keys."""

    passages: tuple[Utterance, ...] = ()
    paged: bool = False


def key_name(key: str) -> str:
    """A key as a person says it: "f1" -> "F1", "ctrl+r" -> "Ctrl R"."""
    return " ".join(part.upper() if len(part) <= 3 else part.capitalize() for part in key.split("+"))


class SpeechController:
    """Speech mode for the whole app: on or off, the audio menu, the script being read."""

    def __init__(self, app: KioskApp) -> None:
        self.app = app
        self.check: SpeechCheck | None = None
        self.speaker: Speaker | None = None
        self.on = False
        #: The languages the audio menu offers while it runs on the welcome screen (None: no menu).
        self.menu: list[str] | None = None
        self._script: list[Item] = []
        self._at = -1
        self._current: Spoken | None = None
        self._interjecting = False
        self._paused = False
        self._paged = False
        self._timer: Timer | None = None
        self._told: set[str] = set()  # key help said once per visitor
        self._counted = False
        self._input_seen = False
        self._announce_due: Screen[Any] | None = None
        self._announced_focus: Widget | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    # -- setting up --------------------------------------------------------------------------------
    def start(self, setup: SpeechSetup | None) -> None:
        """Begin listening to the app; find out what the machine offers unless ``setup`` says."""
        self._loop = asyncio.get_running_loop()
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
        speech = settings.speech
        found = check_speech(speech.enabled, speech.player, settings.display.languages)
        if found.problems:
            log.warning("speech: %s", found.reason)
        output: Output | None = PlayTo(found.player) if found.player is not None else None
        if output is not None:
            self.app.call_from_thread(self.configure, found, output)
        else:
            self.app.call_from_thread(self._unavailable, found)

    def _unavailable(self, found: SpeechCheck) -> None:
        self.check = found
        self._show_state()

    def configure(self, found: SpeechCheck, output: Output) -> None:
        """Use ``output`` with what ``found`` says the machine offers (again after a reload)."""
        self.close()
        self.check = found
        settings = self.app.settings.speech
        if found.available and found.engine is not None:
            self.speaker = Speaker(
                output,
                engine=found.engine,
                rate=settings.rate,
                volume=settings.volume,
                on_done=self._from_worker,
            )
        self._show_state()

    def close(self) -> None:
        """Silence and end the worker (the app is leaving, or the output changes)."""
        if self.speaker is not None:
            self.speaker.close()
            self.speaker = None

    @property
    def available(self) -> bool:
        return self.speaker is not None and self.check is not None and self.check.available

    def speaks(self, language: str) -> bool:
        return self.available and self.check is not None and self.check.speaks(language)

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
        key = event.key
        self._input_seen = True
        if key == self.app.settings.speech.key:
            if _offers_menu(self.app.screen):
                self.start_menu()
            else:
                self.toggle()
            return True
        if self.menu is not None and _offers_menu(self.app.screen):
            return self._menu_key(key, event.character)
        if not self.on or isinstance(self.app.focused, Input):
            return False
        if key in ("plus", "minus"):
            self.change_volume(1 if key == "plus" else -1)
            return True
        if key == "space":
            self.pause_or_continue()
            return True
        if self._paged and not isinstance(self.app.focused, (Choice, Button)):
            if key in ("down", "up"):
                self.step(1 if key == "down" else -1)
                return True
            if key == "enter":
                self.repeat()
                return True
        return False

    def note_input(self) -> None:
        """A tap or a key: focus moves after it are the visitor's, and are said."""
        self._input_seen = True

    def toggle(self) -> None:
        """The speech key or the header button: speech on (with how it works), or off."""
        lang = self.app.language
        if self.on:
            self.on = False
            self._play([Utterance.of(gettext_in(lang, "Speech off."), lang, "state")])
            self._show_state()
            return
        if not self.speaks(lang):
            return
        self.on = True
        self._count(lang)
        intro = [Utterance.of(gettext_in(lang, "Speech on."), lang, "state")]
        if "mode" not in self._told:
            self._told.add("mode")
            help_text = gettext_in(
                lang, "Plus and minus: louder and softer. Space: pause. {key}: speech off."
            )
            intro.append(
                Utterance.of(help_text.format(key=key_name(self.app.settings.speech.key)), lang, "help")
            )
        self._show_state()
        self._announce(self.app.screen, intro)

    def start_menu(self) -> None:
        """On the welcome screen: each language, spoken in itself, with the number to press."""
        codes = [code for code in self.app.settings.display.languages if self.speaks(code)]
        if not codes:
            return
        self.on = True
        self.menu = codes
        items: list[Item] = []
        for number, code in enumerate(codes, start=1):
            items.append(
                Utterance.of(menu_entry(code, number if number <= 9 else None), code, f"menu:{code}")
            )
            if number > 9:
                items.append(MENU_ENTER_PAUSE_S)
        self._play(items * MENU_ROUNDS)

    def _menu_key(self, key: str, character: str | None) -> bool:
        assert self.menu is not None
        if character and character.isdigit() and character != "0":
            number = int(character)
            if number <= min(9, len(self.menu)):
                self._choose(self.menu[number - 1])
            return True
        if key == "enter":
            code = self._menu_code()
            if code is not None:
                self._choose(code)
            return True
        if key in ("down", "up"):
            current = self._menu_code()
            index = self.menu.index(current) if current in self.menu else -1
            code = self.menu[(index + (1 if key == "down" else -1)) % len(self.menu)]
            number = self.menu.index(code) + 1
            self._play(
                [Utterance.of(menu_entry(code, number if number <= 9 else None), code, f"menu:{code}")]
            )
            return True
        if key == "escape":
            self.reset()
            return True
        return False

    def _menu_code(self) -> str | None:
        """The language of the menu entry being said, or the last one said."""
        for item in reversed(self._script[: self._at + 1]):
            if isinstance(item, Utterance) and item.kind.startswith("menu:"):
                return item.kind.removeprefix("menu:")
        return None

    def _choose(self, code: str) -> None:
        self.menu = None
        self._count(code)
        self._stop()
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
        self._interject(Utterance.of(words, lang, "volume"))

    def pause_or_continue(self) -> None:
        if self._paused:
            self._paused = False
            self._play_at(max(self._at, 0))
        else:
            self._paused = True
            self._stop()

    def step(self, by: int) -> None:
        """The next or previous passage of the text being read."""
        first = self._first_passage()
        if first is None:
            return
        last = max(i for i, item in enumerate(self._script) if _is_passage(item))
        at = first if self._at < first else min(max(self._at + by, first), last)
        if by > 0 and self._at == last:
            lang = self.app.language
            self._interject(Utterance.of(gettext_in(lang, "End of the page."), lang, "state"), resume=False)
            return
        self._paused = False
        self._play_at(at)

    def repeat(self) -> None:
        first = self._first_passage()
        self._paused = False
        self._play_at(self._at if first is None or self._at >= first else first)

    def reset(self) -> None:
        """The next visitor: silence, speech mode off, the configured volume, key help told anew."""
        self._stop()
        self._script, self._at = [], -1
        self.on = False
        self.menu = None
        self._paged = self._paused = False
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
        self._input_seen = False
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
        if self.on and self._announce_due is screen and screen is self.app.screen:
            if getattr(screen, "composed_language", self.app.language) != self.app.language:
                return  # it re-renders in the new language first, and says so when done
            self._announce_due = None
            self._announce(screen, [])

    def focused(self, widget: Widget) -> None:
        """The visitor moved to ``widget``: say it (with its number) instead of what was being said."""
        if not self.on or self.menu is not None or not self._input_seen:
            return
        if widget is self._announced_focus or widget.screen is not self.app.screen:
            return
        spoken_focus = getattr(widget.screen, "spoken_focus", None)
        said = spoken_focus(widget) if spoken_focus is not None else None
        if said:
            self._announced_focus = widget
            self._paged = False
            self._play([said])

    # -- the script ------------------------------------------------------------------------------------
    def _announce(self, screen: Screen[Any], before: Sequence[Utterance]) -> None:
        items: list[Item] = list(before)
        title = getattr(screen, "spoken_title", None)
        if title is not None and (said := title()):
            items.append(said)
        reading_of = getattr(screen, "spoken_reading", None)
        reading: Reading = reading_of() if reading_of is not None else Reading()
        self._announced_focus = screen.focused
        if reading.passages:
            lang = self.app.language
            if reading.paged and "reading" not in self._told:
                self._told.add("reading")
                words = gettext_in(lang, "Arrow down: next paragraph. Arrow up: previous. Enter: repeat.")
                items.append(Utterance.of(words, lang, "help"))
            items.extend(reading.passages)
        elif screen.focused is not None:
            spoken_focus = getattr(screen, "spoken_focus", None)
            if spoken_focus is not None and (said := spoken_focus(screen.focused)):
                items.append(said)
        self._paged = reading.paged and bool(reading.passages)
        self._play(items)

    def _first_passage(self) -> int | None:
        return next((i for i, item in enumerate(self._script) if _is_passage(item)), None)

    def _play(self, items: list[Item]) -> None:
        self._script = items
        self._paused = False
        self._interjecting = False
        self._play_at(0)

    def _play_at(self, index: int) -> None:
        self._cancel_timer()
        self._at = index
        if self.speaker is None or self._paused:
            return
        if index >= len(self._script):
            self._current = None
            return
        item = self._script[index]
        if isinstance(item, float):
            self._current = None
            self._timer = self.app.set_timer(item, lambda: self._play_at(index + 1))
            return
        self._current = self.speaker.say(item)

    def _interject(self, utterance: Utterance, resume: bool = True) -> None:
        """Say ``utterance`` now, then (``resume``) the item it cut off from its start."""
        if self.speaker is None:
            return
        self._cancel_timer()
        self._interjecting = resume
        self._current = self.speaker.say(utterance)

    def _stop(self) -> None:
        self._cancel_timer()
        self._current = None
        if self.speaker is not None:
            self.speaker.stop()

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _from_worker(self, spoken: Spoken) -> None:
        """The speaker's thread finished ``spoken``; carry on in the app's own thread."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: the app is gone
                loop.call_soon_threadsafe(self._done, spoken)

    def _done(self, spoken: Spoken) -> None:
        if spoken is not self._current or not spoken.completed or self._paused:
            return
        if self._interjecting:
            self._interjecting = False
            self._play_at(max(self._at, 0))
            return
        self._play_at(self._at + 1)


def _is_passage(item: Item) -> bool:
    return isinstance(item, Utterance) and item.kind == PASSAGE


def _offers_menu(screen: Screen[Any]) -> bool:
    """The screen where the speech key starts the audio menu (the welcome screen says so)."""
    return bool(getattr(screen, "offers_audio_menu", False))
