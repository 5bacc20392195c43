"""One place in detail: address, hours, contacts; its text, phone, e-mail, website and map as QR codes."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll

from kiosk.content.hours import status_at, week
from kiosk.content.html import html_to_text
from kiosk.content.library import Shown
from kiosk.content.models import Place
from kiosk.i18n import _
from kiosk.speech.readings import PASSAGE, contact_passages, hours_passages
from kiosk.speech.utterance import Utterance
from kiosk.ui import hints
from kiosk.ui.destinations import PlaceAt
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets.feedback import feedback_bar
from kiosk.ui.widgets.hours import place_hours
from kiosk.ui.widgets.takehome import CodeDeck
from kiosk.ui.widgets.takehome_offers import place_offers
from kiosk.ui.widgets.text import Prose
from kiosk.ui.wording import describe_status, place_facts


class PlaceScreen(KioskScreen):
    """One place: address, hours, contacts; its map position, phone and e-mail as QR codes."""

    def __init__(self, to: PlaceAt) -> None:
        super().__init__()
        self.place_id = to.place_id

    def shown_place(self) -> Shown[Place] | None:
        return next((s for s in self.kiosk.library.places() if s.item.id == self.place_id), None)

    def place(self) -> Place | None:
        shown = self.shown_place()
        return shown.item if shown else None

    def title_text(self) -> str:
        place = self.place()
        return place.name if place else ""

    def hints(self) -> list[hints.Hint]:
        return [hints.scroll(), *self.deck_hints(), *hints.frame()]

    reads_paged = True

    def title_language(self) -> str:
        shown = self.shown_place()
        return shown.language if shown else self.kiosk.language

    def spoken_passages(self) -> list[Utterance]:
        shown, lang = self.shown_place(), self.kiosk.language
        if shown is None:
            return []
        place, content = shown.item, shown.language
        said = [Utterance.of(place.address.one_line(), content, PASSAGE)] if place.address.one_line() else []
        # Step-free access and who runs it, as the screen shows them.
        said += [Utterance.of(fact, lang, PASSAGE) for fact in place_facts(place)]
        description = html_to_text(place.description_html) or place.excerpt
        said += [Utterance.of(line, content, PASSAGE) for line in description.splitlines() if line.strip()]
        said += hours_passages(place, self.kiosk.clock(), lang)
        said += [Utterance.of(c.name, content, PASSAGE) for c in place.contacts if c.name]
        phones = dict.fromkeys(p for p in (place.phone, *(c.phone for c in place.contacts)) if p)
        emails = dict.fromkeys(e for e in (place.email, *(c.email for c in place.contacts)) if e)
        return said + contact_passages(phones, emails, lang)

    def on_mount(self) -> None:
        super().on_mount()
        place = self.place()
        if place is not None:
            self.kiosk.record("place", language=self.kiosk.language, item=place.name)

    def compose_body(self) -> ComposeResult:
        place = self.place()
        if place is None:
            yield Prose(_("This place is no longer listed."), classes="empty")
            return
        now = self.kiosk.clock()
        with Horizontal(id="page-layout"):
            with VerticalScroll(id="body", can_focus=True):
                if place.address.one_line():
                    yield Prose(Text(place.address.one_line(), style="bold"), classes="address")
                if about := place_facts(place):
                    yield Prose(" · ".join(about), classes="facts")
                description = html_to_text(place.description_html) or place.excerpt
                if description:
                    yield Prose(description, classes="block")
                if place.opening_hours is not None:
                    status = status_at(place.opening_hours, now, place.temporarily_closed)
                    yield from place_hours(
                        describe_status(status, now), week(place.opening_hours, now.date())
                    )
                for contact in place.contacts:
                    parts = [contact.name, contact.phone, contact.email]
                    line = " · ".join(p for p in parts if p)
                    if line:
                        yield Prose(line, classes="contact")
                    if contact.opening_hours is not None:
                        # A desk of the place with hours of its own (newer CMS versions).
                        whose = contact.name or contact.area_of_responsibility or place.name
                        heading = _("Opening hours of {name}").format(name=whose)
                        yield Prose(Text(heading, style="bold"), classes="block-heading")
                        status = status_at(contact.opening_hours, now, place.temporarily_closed)
                        yield from place_hours(
                            describe_status(status, now), week(contact.opening_hours, now.date())
                        )
                yield feedback_bar(self.kiosk, "place", self.shown_place())
            shown = self.shown_place()
            if shown is not None:
                # One code at a time, as large as fits; C shows the next, and the panel says how many.
                with Vertical(id="side", classes="codes"):
                    self.code_deck = CodeDeck(place_offers(self.kiosk, shown))
                    yield self.code_deck
