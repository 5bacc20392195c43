"""A topic page: its text from HTML, the links on it numbered beneath, a QR code to take it home."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll

from kiosk.content.html import Block, Document, html_to_document
from kiosk.i18n import _
from kiosk.i18n.locales import name_in
from kiosk.speech.readings import PASSAGE, document_passages
from kiosk.speech.utterance import Utterance
from kiosk.ui import hints
from kiosk.ui.destinations import LinkAt, PageAt
from kiosk.ui.messages import Open
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets.feedback import feedback_bar
from kiosk.ui.widgets.page_text import PageText, Paragraph
from kiosk.ui.widgets.takehome import CodeDeck
from kiosk.ui.widgets.takehome_offers import page_offers
from kiosk.ui.widgets.text import Prose

HEADING = Style(bold=True, underline=True)
HEADING_LOOK = "page-text--heading"
NOTICE = "page-text--notice"
#: A span's style by (bold, italic), made once: a long page has hundreds of spans.
_SPAN_STYLES = {
    (bold, italic): Style(bold=bold or None, italic=italic or None)
    for bold in (False, True)
    for italic in (False, True)
}
_LINK_NUMBER = Style(bold=True)


def block_text(block: Block) -> Text:
    """One block as styled plain text; links carry their number, e.g. "Jobcenter [2]"."""
    text = Text()
    if block.kind == "item":
        text.append("  " * max(0, block.level - 1) + (block.marker or "•") + " ")
    for span in block.spans:
        text.append(span.text, style=_SPAN_STYLES[bool(span.bold), bool(span.italic)])
        if span.link is not None:
            text.append(f" [{span.link}]", style=_LINK_NUMBER)
    if block.kind == "heading":
        text.stylize(HEADING)
    return text


class PageScreen(KioskScreen):
    """One help topic, scrollable; keys 1–9 show the numbered links as QR codes."""

    def __init__(self, to: PageAt) -> None:
        super().__init__()
        self.key = to.key
        self.document = Document(blocks=(), links=())

    def follow_language(self, previous: str) -> None:
        self.key = self.kiosk.same_page_in_language(self.key, previous) or self.key

    def title_text(self) -> str:
        shown = self.kiosk.library.page(self.key)
        return shown.item.title if shown else ""

    def hints(self) -> list[hints.Hint]:
        links = self.document.links
        shown = [hints.Hint(_("1–9 link as QR code"), hints.DIGITS[: len(links)])] if links else []
        return [hints.scroll(), *shown, *self.deck_hints(), *hints.frame()]

    reads_paged = True

    def title_language(self) -> str:
        shown = self.kiosk.library.page(self.key)
        return shown.language if shown else self.kiosk.language

    def spoken_passages(self) -> list[Utterance]:
        shown = self.kiosk.library.page(self.key)
        if shown is None:
            return []
        lang = self.kiosk.language
        said = []
        if shown.language != lang:
            notice = _("This page is not available in your language. It is shown in {language}.")
            said.append(Utterance.of(notice.format(language=name_in(shown.language, lang)), lang, PASSAGE))
        return said + document_passages(self.document, lang, shown.language)

    def compose_body(self) -> ComposeResult:
        shown = self.kiosk.library.page(self.key)
        if shown is None:
            yield Prose(_("This page is no longer available."), classes="empty")
            return
        self.document = html_to_document(shown.item.content_html)
        with Horizontal(id="page-layout"):
            with VerticalScroll(id="body", can_focus=True):
                # One widget for the whole text, drawing only the lines in view: a long page costs
                # what a screenful costs.
                yield PageText(self.paragraphs(shown.language), id="page-text")
                yield feedback_bar(self.kiosk, "page", shown)
            with Vertical(id="side", classes="codes"):
                self.code_deck = CodeDeck(page_offers(self.kiosk, shown))
                yield self.code_deck

    def paragraphs(self, language: str) -> list[Paragraph]:
        """The page as the text widget shows it: the notice, the blocks, the links; with their spacing."""
        found: list[Paragraph] = []
        if language != self.kiosk.language:
            notice = _("This page is not available in your language. It is shown in {language}.")
            found.append(
                Paragraph(Text(notice.format(language=name_in(language, self.kiosk.language))), NOTICE)
            )
        for block in self.document.blocks:
            if block.kind == "heading":
                found.append(Paragraph(block_text(block), HEADING_LOOK, above=1, below=1))
            else:
                found.append(Paragraph(block_text(block), below=0 if block.kind == "item" else 1))
        if self.document.links:
            title = Text(_("Links on this page"), style="bold underline")
            found.append(Paragraph(title, HEADING_LOOK, above=1, below=1))
            found += [
                Paragraph(Text(f"{link.number}  {link.text or link.url}\n    {link.url}"))
                for link in self.document.links
            ]
        return found

    def on_mount(self) -> None:
        super().on_mount()
        shown = self.kiosk.library.page(self.key)
        if shown is not None:
            self.kiosk.record("topic", language=shown.language, item=shown.item.title)
        bodies = self.query("#body")
        if bodies:
            bodies.first().focus()

    def focus_first(self) -> None:
        bodies = self.query("#body")
        if bodies:
            bodies.first().focus()

    def on_number(self, number: int, event: events.Key) -> None:
        links = self.document.links
        if 1 <= number <= len(links):
            event.stop()
            self.post_message(Open(LinkAt(links[number - 1].url, links[number - 1].text)))
