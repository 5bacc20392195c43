"""The next free appointment for each service, asked for in the background: the screen is usable at
once and says plainly when free slots cannot be shown."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button

from kiosk.i18n import _
from kiosk.i18n.formatting import format_date, format_time
from kiosk.qr import LinkPolicy
from kiosk.slots import SlotAnswer, SlotSource
from kiosk.ui.widgets.code_deck import HandOffDeck
from kiosk.ui.widgets.text import Prose, visual

if TYPE_CHECKING:
    from textual.worker import Worker

log = logging.getLogger(__name__)


def describe_answer(answer: SlotAnswer, days_ahead: int) -> str:
    """ "Next free appointment: Tuesday, 3 March 2026, 10:30", or plainly why there is none."""
    if answer.unavailable == "online_only":
        # The office shows its free times only to a person on its booking page (a captcha).
        return _(
            "Booking for this office is online only: please use the booking page. "
            "Scan its code with your phone."
        )
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
        self.show_booking(int(service))

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
        if answer.unavailable == "online_only":
            self.show_booking(answer.service_id)  # the one way left: its code, in view at once

    def show_booking(self, service_id: int) -> None:
        """Show this service's booking page's code in the deck (if the deck offers it)."""
        link = self.booking.get(service_id, "")
        for deck in self.screen.query(f"#{self.deck_id}").results(HandOffDeck):
            for index, code in enumerate(deck.codes):
                if link and code.link == link:
                    deck.show(index)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        from textual.worker import WorkerState

        if event.state == WorkerState.ERROR:
            # A source that raises (it should not) still leaves a calm screen.
            log.error("free slots: the source failed: %s", event.worker.error)
            done = {answer.service_id for answer in self.answers}
            for service_id in self.service_ids:
                if service_id not in done:
                    self.show(SlotAnswer(service_id, self.office_id, unavailable="malformed"))
