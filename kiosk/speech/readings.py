"""What a screen reads aloud after its title, as utterances: a page's paragraphs, a place's hours,
an event's date and place. Pure functions over the content, so every screen says things alike.

``lang`` is the visitor's language (the kiosk's own words); ``content_lang`` the language the item
is shown in (German fallback content in an Arabic session is read by the German voice).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from kiosk.clock import BERLIN
from kiosk.content.hours import HoursStatus, status_at, week
from kiosk.content.html import Block, Document
from kiosk.content.models import Place
from kiosk.i18n.catalogs import gettext_in
from kiosk.i18n.formatting import format_weekday
from kiosk.speech.spoken import spoken_week
from kiosk.speech.utterance import Utterance

PASSAGE = "passage"


def phone_words(number: str) -> str:
    """A phone number for the voice: digit by digit in its groups ("0 2 3 1, 5 0, 1 1")."""
    groups = ["".join(ch for ch in group if ch.isdigit() or ch == "+") for group in number.split()]
    return ", ".join(" ".join(group) for group in groups if group)


def _block_pieces(block: Block, lang: str, content_lang: str) -> list[tuple[str, str]]:
    """A block's words in the content's language, each link's number in the visitor's."""
    pieces: list[tuple[str, str]] = []
    for span in block.spans:
        pieces.append((span.text, content_lang))
        if span.link is not None:
            # TRANSLATORS: spoken, never shown: after a link's words on a page; {n} is the key that shows it.
            pieces.append(("(" + gettext_in(lang, "link {n}").format(n=span.link) + ")", lang))
    return pieces


def document_passages(document: Document, lang: str, content_lang: str) -> list[Utterance]:
    """A page paragraph by paragraph (headings, list items and table rows each one), then its links."""
    passages: list[Utterance] = []
    for block in document.blocks:
        passage = Utterance.joined(_block_pieces(block, lang, content_lang), PASSAGE)
        if passage:
            passages.append(passage)
    if document.links:
        pieces = [(gettext_in(lang, "Links on this page") + ":", lang)]
        for link in document.links:
            pieces += [(f"{link.number}:", lang), (link.text or "", content_lang)]
        passages.append(Utterance.joined(pieces, PASSAGE))
    return passages


def spoken_status(status: HoursStatus, now: datetime, lang: str) -> str:
    """ "Open now until 12": the hours screen's status line, its times as a voice reads them well."""
    # The screen's " · " separates two statements; a voice needs a full stop to pause there.
    return _status_words(status, now, lang).replace(" · ", ". ")


def _status_words(status: HoursStatus, now: datetime, lang: str) -> str:
    def clock(moment: datetime) -> str:
        # Bare digits ("12", "16 30"): the status templates already carry the word for the hour
        # where their language needs it ("bis {time} Uhr", "الساعة {time}").
        at = moment.astimezone(BERLIN)
        return f"{at.hour}" if at.minute == 0 else f"{at.hour} {at.minute:02d}"

    if status.state == "open" and status.until is not None:
        if status.until.date() == now.date():
            return gettext_in(lang, "Open now until {time}").format(time=clock(status.until))
        return gettext_in(lang, "Open now until {day} {time}").format(
            day=format_weekday(status.until.date(), lang=lang), time=clock(status.until)
        )
    if status.state == "temporarily_closed":
        return gettext_in(lang, "Temporarily closed")
    if status.state == "appointment_only":
        return gettext_in(lang, "Today by appointment only")
    if status.next_open is None:
        return gettext_in(lang, "Closed now") if status.state == "closed" else ""
    opens = status.next_open
    if opens.date() == now.date():
        template = gettext_in(lang, "Closed now · opens today at {time}")
    elif (opens.date() - now.date()).days == 1:
        template = gettext_in(lang, "Closed now · opens tomorrow at {time}")
    else:
        template = gettext_in(lang, "Closed now · opens {day} at {time}")
    return template.format(day=format_weekday(opens.date(), lang=lang), time=clock(opens))


def hours_passages(place: Place, now: datetime, lang: str) -> list[Utterance]:
    """Open now or not, then the week in words, days with the same hours together."""
    if place.opening_hours is None:
        return []
    status = spoken_status(status_at(place.opening_hours, now, place.temporarily_closed), now, lang)
    days = week(place.opening_hours, now.astimezone(BERLIN).date())
    sentences = [status, *spoken_week(days, lang)] if status else spoken_week(days, lang)
    return [Utterance.of(sentence, lang, PASSAGE) for sentence in sentences]


def contact_passages(phones: Iterable[str], emails: Iterable[str], lang: str) -> list[Utterance]:
    """Phone numbers digit by digit, e-mail addresses as written."""
    said = [
        Utterance.of(gettext_in(lang, "Phone: {number}").format(number=phone_words(phone)), lang, PASSAGE)
        for phone in phones
        if phone_words(phone)
    ]
    said += [
        Utterance.of(gettext_in(lang, "E-mail: {address}").format(address=email), lang, PASSAGE)
        for email in emails
    ]
    return said
