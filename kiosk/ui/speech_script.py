"""A script: what speech mode is saying now and what comes next, played one utterance at a time.

The speaker tells (from its own thread) when an utterance has ended; the script then goes on with
the next item, unless the visitor paused, or a newer script took its place. The reading part of a
script (a page's paragraphs) can be paged through: next, previous, repeat.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from kiosk.speech.engine import Speaker, Spoken
from kiosk.speech.readings import PASSAGE
from kiosk.speech.utterance import Utterance

#: A float is a pause of that many seconds; a callable is asked at its turn (what has the focus then).
Item = Utterance | float | Callable[[], Utterance | None]
#: Starts a timer on the app's loop; returns something with ``stop()``.
SetTimer = Callable[[float, Callable[[], None]], object]
#: Runs a callback with its argument among the app's own messages (where its timers work).
Schedule = Callable[[Callable[[Spoken], None], Spoken], object]


class Script:
    """Plays a list of items through ``speaker``; every method runs on the app's own thread."""

    def __init__(self, set_timer: SetTimer, schedule: Schedule) -> None:
        self.set_timer = set_timer
        self.schedule = schedule
        self.speaker: Speaker | None = None
        self.items: list[Item] = []
        self.at = -1
        self.paused = False
        self._current: Spoken | None = None
        self._resume_after: bool = False
        self._timer: object | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def attach(self, speaker: Speaker | None, loop: asyncio.AbstractEventLoop) -> None:
        self.speaker, self._loop = speaker, loop

    @property
    def finished(self) -> bool:
        """Everything said (or nothing to say): no item playing, none waiting, no pause running."""
        done = self.paused or not self.items or self.at >= len(self.items)
        return self._current is None and self._timer is None and done

    # -- playing ---------------------------------------------------------------------------------------
    def play(self, items: list[Item]) -> None:
        """Say ``items`` from the first, cutting off whatever was being said."""
        self.items = items
        self.paused = False
        self._resume_after = False
        self.play_at(0)

    def play_at(self, index: int) -> None:
        self._cancel_timer()
        self.at = index
        if self.speaker is None or self.paused or index >= len(self.items):
            self._current = None
            return
        item = self.items[index]
        if isinstance(item, float):
            self._current = None
            self._timer = self.set_timer(item, lambda: self.play_at(index + 1))
            return
        if not isinstance(item, Utterance):
            said = item()
            if not said:
                self.play_at(index + 1)
                return
            self.items[index] = item = said
        self._current = self.speaker.say(item)

    def interject(self, utterance: Utterance, *, resume: bool = True) -> None:
        """Say ``utterance`` now; then (``resume``) the item it cut off, from its start."""
        if self.speaker is None:
            return
        self._cancel_timer()
        self.paused = False
        self._resume_after = resume
        self._current = self.speaker.say(utterance)

    def stop(self) -> None:
        """Silence, keeping the place (pause) or not (the script is replaced next)."""
        self._cancel_timer()
        self._current = None
        if self.speaker is not None:
            self.speaker.stop()

    def clear(self) -> None:
        self.stop()
        self.items, self.at, self.paused = [], -1, False

    def pause_or_continue(self) -> None:
        """Pause; or go on, with the item that was cut off said again from its start."""
        if self.paused:
            self.paused = False
            self.play_at(max(self.at, 0))
        else:
            self.paused = True
            self.stop()

    # -- paging through the reading --------------------------------------------------------------------
    def passages(self) -> list[int]:
        return [
            i for i, item in enumerate(self.items) if isinstance(item, Utterance) and item.kind == PASSAGE
        ]

    def step(self, by: int, at_end: Utterance) -> None:
        """The next (``by`` 1) or previous (-1) passage; past the last one, ``at_end`` is said."""
        passages = self.passages()
        if not passages:
            return
        if self.at < passages[0]:
            target = passages[0]
        elif by > 0 and self.at >= passages[-1]:
            self.interject(at_end, resume=False)
            return
        else:
            target = min(max(self.at + by, passages[0]), passages[-1])
        self.paused = False
        self.play_at(target)

    def repeat(self) -> None:
        """The passage being read (or the first one, before the reading began) from its start."""
        passages = self.passages()
        self.paused = False
        self.play_at(self.at if not passages or self.at >= passages[0] else passages[0])

    # -- the speaker's side ------------------------------------------------------------------------------
    def from_worker(self, spoken: Spoken) -> None:
        """Called in the speaker's thread when ``spoken`` ended: carry on in the app's thread."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: the app is gone
                loop.call_soon_threadsafe(self.schedule, self.ended, spoken)

    def ended(self, spoken: Spoken) -> None:
        if spoken is not self._current or self.paused or spoken.interrupted:
            return  # cut off, or replaced by something newer (a failed one is passed over)
        if self._resume_after:
            self._resume_after = False
            self.play_at(max(self.at, 0))
        else:
            self.play_at(self.at + 1)

    def _cancel_timer(self) -> None:
        timer, self._timer = self._timer, None
        stop = getattr(timer, "stop", None)
        if callable(stop):
            stop()
