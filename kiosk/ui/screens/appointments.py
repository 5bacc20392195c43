"""Ways to an appointment: free slots from the slot source, and QR codes to call, write or book.

A lobby terminal has room for one readable QR code beside the text, so several codes share one
place: :class:`HandOffDeck` shows one at a time, picked with the large :class:`DeckButtons`. Free
slots are asked for in a worker; the screen is usable at once and says plainly when slots cannot
be shown.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal
from weakref import WeakKeyDictionary

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.containers import Grid, Vertical
from textual.widgets import Button

from kiosk.config import SlotSettings
from kiosk.i18n import _
from kiosk.i18n.formatting import format_date, format_time
from kiosk.qr import LinkPolicy, QRPayload
from kiosk.slots import SlotAnswer, SlotSource
from kiosk.slots.zms import ZmsSlotSource
from kiosk.ui.widgets.handoff import HandOff
from kiosk.ui.widgets.text import Prose, visual

if TYPE_CHECKING:
    from textual.worker import Worker

    from kiosk.ui.app import KioskApp

log = logging.getLogger(__name__)

_sources: WeakKeyDictionary[App[None], tuple[SlotSettings, SlotSource]] = WeakKeyDictionary()


def slot_source(kiosk: KioskApp) -> SlotSource | None:
    """The app's slot source: one it was given (``slot_source``), else one built from ``[slots]``.

    A built source is kept per app, so its brief cache serves every visit to the screen.
    """
    given: SlotSource | None = getattr(kiosk, "slot_source", None)
    if given is not None:
        return given
    settings = kiosk.settings.slots
    if not settings.enabled:
        return None
    kept = _sources.get(kiosk)
    if kept is not None and kept[0] == settings:
        return kept[1]
    source = ZmsSlotSource.from_settings(settings, clock=kiosk.clock, monotonic=kiosk.monotonic)
    _sources[kiosk] = (settings, source)
    return source


# -- one QR code at a time ----------------------------------------------------------------------------
def button_label(text: str, chosen: bool) -> Text:
    """A button's label, marked with "●" when it is the one chosen: colour alone is not enough."""
    return visual(f"● {text}" if chosen else text)


@dataclass(frozen=True, slots=True)
class Code:
    """One QR code on offer: what it encodes, its caption, and the short name on its button."""

    link: str
    caption: str
    button: str
    kind: str
    payload: Literal["vevent", "vcard"] | None = None


def allowed(codes: list[Code], policy: LinkPolicy) -> list[Code]:
    """The codes the link policy lets through, each link once, in the order given."""
    kept: list[Code] = []
    seen: set[str] = set()
    for code in codes:
        if not code.link or code.link in seen:
            continue
        if code.payload is not None:
            ok = policy.allow_payload(QRPayload(code.payload, code.link)) is not None
        else:
            ok = policy.qr_target(code.link) is not None
        if ok:
            kept.append(code)
            seen.add(code.link)
    return kept


class HandOffDeck(Vertical):
    """Several QR codes in the space of one; :class:`DeckButtons` (anywhere on the screen) pick which."""

    DEFAULT_CSS = """
    HandOffDeck { height: auto; width: auto; }
    """

    def __init__(self, codes: list[Code], *, id: str) -> None:
        super().__init__(id=id)
        self.offered = codes
        self.codes: list[Code] = []
        self.shown = 0

    def compose(self) -> ComposeResult:
        self.codes = allowed(self.offered, self.app.link_policy)  # type: ignore[attr-defined]
        for index, code in enumerate(self.codes):
            hand_off = HandOff(code.link, code.caption, kind=code.kind, payload=code.payload is not None)
            hand_off.display = index == self.shown
            yield hand_off

    def show(self, index: int) -> None:
        """Show the ``index``-th code (wrapping around) and mark its button."""
        if not self.codes:
            return
        self.shown = index % len(self.codes)
        for number, hand_off in enumerate(self.query_children(HandOff)):
            hand_off.display = number == self.shown
        for buttons in self.screen.query(DeckButtons):
            if buttons.deck_id == self.id:
                buttons.mark(self.shown)

    def show_next(self) -> None:
        self.show(self.shown + 1)


class DeckButtons(Grid):
    """Large buttons, one per code of a :class:`HandOffDeck`; nothing when there is only one code."""

    DEFAULT_CSS = """
    DeckButtons { grid-size: 3; grid-gutter: 0 1; grid-rows: 3; height: auto; margin: 0 0 1 0; }
    DeckButtons Button { height: 3; width: 100%; }
    DeckButtons Button.-chosen { background: $accent; color: $background; text-style: bold; }
    """

    def __init__(self, deck_id: str, codes: list[Code]) -> None:
        super().__init__(id=f"{deck_id}-buttons")
        self.deck_id = deck_id
        self.offered = codes
        self.codes: list[Code] = []

    def compose(self) -> ComposeResult:
        self.codes = allowed(self.offered, self.app.link_policy)  # type: ignore[attr-defined]
        self.display = len(self.codes) > 1
        self.styles.grid_size_columns = max(1, min(3, len(self.codes)))
        for index, code in enumerate(self.codes):
            yield Button(
                button_label(code.button, index == 0),
                id=f"{self.deck_id}-{index}",
                classes="-chosen" if index == 0 else "",
            )

    def mark(self, index: int) -> None:
        for number, button in enumerate(self.query(Button)):
            button.set_class(number == index, "-chosen")
            button.label = button_label(self.codes[number].button, number == index)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        number = (event.button.id or "").removeprefix(f"{self.deck_id}-")
        if number.isdigit():
            self.screen.query_one(f"#{self.deck_id}", HandOffDeck).show(int(number))


# -- free slots -------------------------------------------------------------------------------------------
def describe_answer(answer: SlotAnswer, days_ahead: int) -> str:
    """ "Next free appointment: Tuesday, 3 March 2026, 10:30", or plainly why there is none."""
    if answer.unavailable is not None:
        return _("Free appointments cannot be shown right now. Please call us or use the booking page.")
    moment = answer.next_free
    if moment is not None:
        return _("Next free appointment: {when}").format(
            when=f"{format_date(moment.date(), 'full')}, {format_time(moment)}"
        )
    day = answer.next_free_day
    if day is not None:
        return _("Next free day: {day}").format(day=format_date(day, "full"))
    return _("No free appointments in the next {days} days.").format(days=days_ahead)


class FreeAppointments(Vertical):
    """The next free appointment for each service, asked for in the background.

    ``booking`` maps a service to its booking page; its button shows that page's code in the deck
    ``deck_id``.
    """

    DEFAULT_CSS = """
    FreeAppointments { height: auto; }
    FreeAppointments .slot-service { margin: 1 0 0 0; }
    FreeAppointments Button { height: 3; min-width: 16; width: auto; margin: 1 0 0 0; }
    """

    def __init__(
        self,
        source: SlotSource,
        office_id: int,
        service_ids: list[int],
        days_ahead: int,
        *,
        booking: dict[int, str] | None = None,
        deck_id: str = "",
    ) -> None:
        super().__init__(id="free-appointments")
        self.source = source
        self.office_id = office_id
        self.service_ids = list(service_ids)
        self.days_ahead = days_ahead
        self.booking = booking or {}
        self.deck_id = deck_id
        self.answers: list[SlotAnswer] = []

    def compose(self) -> ComposeResult:
        yield Prose(Text(_("Free appointments"), style="bold underline"), classes="block-heading")
        policy: LinkPolicy = self.app.link_policy  # type: ignore[attr-defined]
        for service_id in self.service_ids:
            name = Prose("", id=f"slot-name-{service_id}", classes="slot-service")
            name.display = False
            yield name
            yield Prose(_("Looking for free appointments…"), id=f"slot-{service_id}", classes="slot")
            link = self.booking.get(service_id, "")
            if self.deck_id and link and policy.qr_target(link) is not None:
                yield Button(visual(_("Show the booking code")), id=f"slot-book-{service_id}")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        service = (event.button.id or "").removeprefix("slot-book-")
        if not service.isdigit():
            return
        event.stop()
        link = self.booking.get(int(service), "")
        for deck in self.screen.query(f"#{self.deck_id}").results(HandOffDeck):
            for index, code in enumerate(deck.codes):
                if code.link == link:
                    deck.show(index)

    def on_mount(self) -> None:
        self.fetch()

    @work(exclusive=True, exit_on_error=False, group="slots")
    async def fetch(self) -> None:
        """Ask for every service in turn; each line updates as soon as its answer is in."""
        for service_id in self.service_ids:
            answer = await self.source.next_free(service_id, self.office_id)
            self.answers.append(answer)
            self.show(answer)

    def show(self, answer: SlotAnswer) -> None:
        name = self.query_one(f"#slot-name-{answer.service_id}", Prose)
        name.text = Text(answer.service_name, style="bold")
        name.display = bool(answer.service_name)
        self.query_one(f"#slot-{answer.service_id}", Prose).text = describe_answer(answer, self.days_ahead)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        from textual.worker import WorkerState

        if event.state == WorkerState.ERROR:
            # A source that raises (it should not) still leaves a calm screen.
            log.error("free slots: the source failed: %s", event.worker.error)
            done = {answer.service_id for answer in self.answers}
            for service_id in self.service_ids:
                if service_id not in done:
                    self.show(SlotAnswer(service_id, self.office_id, unavailable="malformed"))
