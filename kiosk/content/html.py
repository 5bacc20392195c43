"""CMS page HTML -> readable blocks of styled text, with the page's links numbered.

Only the standard library's tolerant ``html.parser`` reads the markup; nothing in it is ever shown
as markup. Every piece of text passes ``clean_text``, whitespace is folded the way a browser folds
it, and broken or hostile input degrades to plain text instead of raising.
"""

from __future__ import annotations

import functools
import html
import logging
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Literal
from urllib.parse import urljoin

from kiosk.content.text import clean_text, one_line

log = logging.getLogger(__name__)

BlockKind = Literal["heading", "paragraph", "item", "quote", "pre"]


@dataclass(frozen=True, slots=True)
class Span:
    """A run of text with one style; ``link`` is the 1-based number of a ``Document.links`` entry."""

    text: str
    bold: bool = False
    italic: bool = False
    link: int | None = None


@dataclass(frozen=True, slots=True)
class Block:
    """A heading, paragraph, list item, quote or preformatted block; text may hold ``\\n`` from <br>.

    ``level`` is the heading level (1-6), the list depth for items (1 = top), the quote depth for
    quotes, 0 otherwise. ``marker`` is "•" or "3." on the first block of a list item, "" on its
    continuation blocks and on table rows.
    """

    kind: BlockKind
    spans: tuple[Span, ...]
    level: int = 0
    marker: str = ""

    @property
    def text(self) -> str:
        return "".join(span.text for span in self.spans)


@dataclass(frozen=True, slots=True)
class Link:
    number: int
    url: str
    text: str


@dataclass(frozen=True, slots=True)
class Document:
    blocks: tuple[Block, ...] = ()
    links: tuple[Link, ...] = ()


# Elements whose content a visitor never sees as text.
_SKIP = frozenset(
    {"script", "style", "iframe", "noscript", "template", "object", "svg", "math", "head", "title",
     "canvas", "audio", "video", "select", "textarea", "noembed", "noframes", "frameset", "applet"}
)  # fmt: skip
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
     "track", "wbr", "keygen", "frame"}
)  # fmt: skip
# Block-level elements that only separate text (they add no style of their own).
_BOUNDARY = frozenset(
    {"p", "div", "section", "article", "header", "footer", "main", "nav", "aside", "address",
     "figure", "figcaption", "hgroup", "details", "summary", "fieldset", "form", "center", "dl",
     "dt", "dd", "legend", "caption", "hr", "body", "html", "menu", "dir", "search"}
)  # fmt: skip
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_BOLD = frozenset({"strong", "b", "th"})
_ITALIC = frozenset({"em", "i", "cite", "var", "dfn"})
# What closes an open <p> implicitly (any block-level start); and where the search for it stops.
_CLOSES_P = _BOUNDARY | set(_HEADINGS) | {"ul", "ol", "li", "table", "blockquote", "pre"}
_SCOPE = frozenset({"li", "td", "th", "tr", "table", "blockquote", "ul", "ol", "div", "body"})
_UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")
_ASCII_WS = re.compile(r"[ \t\n\r\f]+")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_MAX_NEWLINES = 2


class _Open:
    """An element on the open-element stack, and what it changed (undone when it closes)."""

    __slots__ = ("bold", "boundary", "ctx", "italic", "link", "list", "tag")

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.bold = self.italic = self.link = self.list = self.ctx = self.boundary = False


class _Ctx:
    """A structural context that decides what kind of block text lands in."""

    __slots__ = ("kind", "level", "marker")

    def __init__(self, kind: str, level: int = 0, marker: str = "") -> None:
        self.kind = kind
        self.level = level
        self.marker = marker


class _Run:
    """Text of one style, gathered in pieces (joining once at the end keeps long blocks linear)."""

    __slots__ = ("bold", "italic", "link", "parts")

    def __init__(self, text: str, bold: bool, italic: bool, link: int | None) -> None:
        self.parts = [text]
        self.bold = bold
        self.italic = italic
        self.link = link

    def text(self) -> str:
        return "".join(self.parts)

    def rstrip_spaces(self) -> None:
        while self.parts:
            stripped = self.parts[-1].rstrip(" ")
            if stripped:
                self.parts[-1] = stripped
                return
            self.parts.pop()


class _Anchor:
    __slots__ = ("number", "owns", "url")

    def __init__(self, url: str | None) -> None:
        self.url = url
        self.number: int | None = None
        self.owns = False


class _DocumentBuilder(HTMLParser):
    def __init__(self, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self._base_url = base_url
        self._stack: list[_Open] = []
        self._skip_depth: int | None = None  # stack length at which skipped content began
        self._ctx: list[_Ctx] = []
        self._lists: list[list[int]] = []  # per open list: [ordered (0/1), next number]
        self._bold = 0
        self._italic = 0
        self._anchors: list[_Anchor] = []
        self._link_numbers: dict[str, int] = {}
        self._link_texts: list[list[str]] = []
        self._link_urls: list[str] = []
        self.blocks: list[Block] = []
        # The block being filled, as runs of one style each.
        self._runs: list[_Run] | None = None
        self._seen_text = False  # the block holds more than whitespace
        self._newlines = 0  # newlines at its end
        self._last = ""  # its last character
        self._kind: BlockKind = "paragraph"
        self._level = 0
        self._marker = ""
        self._pre_start = False
        self._cell_separator = False

    # -- parser callbacks -----------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip_depth is not None:
            if tag not in _VOID:
                self._stack.append(_Open(tag))
            return
        attributes = {name: value or "" for name, value in attrs}
        if tag in _VOID:
            self._void(tag, attributes)
            return
        self._close_implied(tag)
        entry = _Open(tag)
        self._stack.append(entry)
        if tag in _SKIP or "hidden" in attributes or _HIDDEN_STYLE.search(attributes.get("style", "")):
            self._skip_depth = len(self._stack)
            return
        self._open(entry, attributes)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "br" and self._skip_depth is None:
            self._void("br", {})  # browsers read a stray </br> as <br>
            return
        for index in range(len(self._stack) - 1, -1, -1):
            if self._stack[index].tag == tag:
                self._pop_to(index)
                return
        if tag == "p" and self._skip_depth is None:
            self._boundary()

    def handle_data(self, data: str) -> None:
        if self._skip_depth is not None or not data:
            return
        ctx = self._ctx[-1].kind if self._ctx else ""
        if ctx == "pre":
            text = clean_text(data.expandtabs(4))
            if self._pre_start:
                self._pre_start = False
                if text.startswith("\n"):
                    text = text[1:]
            if text:
                self._append(text, raw=True)
            return
        if "&" in data:
            # Editors double-escape; a visitor should never read "&nbsp;" or "&amp;".
            data = html.unescape(data)
        text = _ASCII_WS.sub(" ", clean_text(data))
        if text:
            self._append(text, raw=False)

    # -- elements -------------------------------------------------------------------------------

    def _void(self, tag: str, attributes: dict[str, str]) -> None:
        if tag == "br":
            inner = self._ctx[-1].kind if self._ctx else ""
            if inner in ("cell", "row"):
                self._append(" ", raw=False)
            else:
                self._newline(most=_MAX_NEWLINES)
        elif tag == "hr":
            self._boundary()
        elif tag == "img":
            alt = one_line(html.unescape(attributes.get("alt", "")))
            if alt:
                self._append(f" [{alt}] ", raw=False)

    def _open(self, entry: _Open, attributes: dict[str, str]) -> None:
        tag = entry.tag
        inner = self._ctx[-1].kind if self._ctx else ""
        if tag in _BOUNDARY:
            entry.boundary = True
            self._boundary()
        elif tag in _HEADINGS:
            if inner in ("cell", "row", "li", "pre", "heading"):
                entry.boundary = entry.bold = True
                self._boundary()
                self._bold += 1
            else:
                self._push_ctx(entry, _Ctx("heading", _HEADINGS[tag]))
        elif tag in ("ul", "ol", "menu"):
            self._flush()
            start = _int_attribute(attributes.get("start"), 1) if tag == "ol" else 1
            self._lists.append([1 if tag == "ol" else 0, start])
            entry.list = True
        elif tag == "li":
            if self._lists:
                current = self._lists[-1]
                number = _int_attribute(attributes.get("value"), current[1])
                marker = f"{number}." if current[0] else "•"
                current[1] = number + 1
            else:
                marker = "•"
            self._push_ctx(entry, _Ctx("li", max(1, len(self._lists)), marker))
        elif tag == "blockquote":
            depth = sum(1 for ctx in self._ctx if ctx.kind == "quote") + 1
            self._push_ctx(entry, _Ctx("quote", depth))
        elif tag == "pre":
            self._push_ctx(entry, _Ctx("pre"))
            self._pre_start = True
        elif tag == "table":
            self._push_ctx(entry, _Ctx("table"))
        elif tag == "tr":
            self._push_ctx(entry, _Ctx("row", max(1, len(self._lists) + 1)))
        elif tag in ("td", "th"):
            if inner == "row" or inner == "cell":
                self._cell_separator = self._has_text()
                self._ctx.append(_Ctx("cell", self._ctx[-1].level))
                entry.ctx = True
            else:
                entry.boundary = True
                self._boundary()
        if tag in _BOLD:
            entry.bold = True
            self._bold += 1
        elif tag in _ITALIC:
            entry.italic = True
            self._italic += 1
        elif tag == "a":
            entry.link = True
            self._anchors.append(_Anchor(self._safe_url(attributes.get("href"))))

    def _close(self, entry: _Open) -> None:
        if entry.bold:
            self._bold -= 1
        if entry.italic:
            self._italic -= 1
        if entry.link and self._anchors:
            self._anchors.pop()
        if entry.ctx:
            popped = self._ctx.pop()
            if popped.kind != "cell":
                self._flush()
        if entry.list:
            self._flush()
            if self._lists:
                self._lists.pop()
        if entry.boundary:
            self._boundary()

    def _pop_to(self, index: int) -> None:
        while len(self._stack) > index:
            entry = self._stack.pop()
            if self._skip_depth is not None:
                if len(self._stack) < self._skip_depth:
                    self._skip_depth = None  # the skipped element itself closes: nothing to undo
                continue
            self._close(entry)

    def _close_implied(self, tag: str) -> None:
        """Close what a browser closes implicitly: <p> before a block, <li> before <li>, cells."""
        if tag in _CLOSES_P:
            self._close_open("p", stop=_SCOPE)
        if tag == "li":
            self._close_open("li", stop={"ul", "ol", "menu", "table"})
        elif tag == "tr":
            self._close_open("tr", stop={"table"})
        elif tag in ("td", "th"):
            self._close_open("td", stop={"tr", "table"})
            self._close_open("th", stop={"tr", "table"})
        elif tag in _HEADINGS:
            for heading in _HEADINGS:
                self._close_open(heading, stop=_SCOPE)

    def _close_open(self, tag: str, stop: frozenset[str] | set[str]) -> None:
        for index in range(len(self._stack) - 1, -1, -1):
            found = self._stack[index].tag
            if found == tag:
                self._pop_to(index)
                return
            if found in stop:
                return

    def _push_ctx(self, entry: _Open, ctx: _Ctx) -> None:
        self._flush()
        self._ctx.append(ctx)
        entry.ctx = True

    # -- text and blocks ------------------------------------------------------------------------

    def _boundary(self) -> None:
        inner = self._ctx[-1].kind if self._ctx else ""
        if inner in ("li", "heading", "pre"):
            self._newline()
        elif inner in ("cell", "row"):
            self._append(" ", raw=False)
        else:
            self._flush()

    def _has_text(self) -> bool:
        return self._runs is not None and self._seen_text

    def _newline(self, most: int = 1) -> None:
        """End the current line; up to ``most`` newlines in a row (a <br><br> leaves a blank line)."""
        runs = self._runs
        if not runs or not self._seen_text:
            return
        runs[-1].rstrip_spaces()
        if self._newlines < most:
            runs[-1].parts.append("\n")
            self._newlines += 1
        self._last = "\n"

    def _start_block(self) -> list[_Run]:
        inner = self._ctx[-1] if self._ctx else None
        kind: BlockKind = "paragraph"
        level, marker = 0, ""
        if inner is not None:
            if inner.kind in ("row", "cell"):
                kind, level = "item", inner.level
            elif inner.kind == "pre":
                kind = "pre"
            elif inner.kind == "heading":
                kind, level = "heading", inner.level
            elif inner.kind == "li":
                kind, level, marker = "item", inner.level, inner.marker
                inner.marker = ""  # continuation blocks of the same item carry no marker
            elif inner.kind == "quote":
                kind, level = "quote", inner.level
        self._kind, self._level, self._marker = kind, level, marker
        self._runs = []
        self._seen_text = False
        self._newlines = 0
        self._last = ""
        return self._runs

    def _append(self, text: str, *, raw: bool) -> None:
        runs = self._runs
        if not raw:
            if runs is None or not self._seen_text or self._last in (" ", "\n"):
                text = text.lstrip(" ")
            if not text:
                return
        if runs is None:
            runs = self._start_block()
        link = self._link_for(text)
        if self._cell_separator and text.strip():
            self._cell_separator = False
            if runs:
                runs[-1].rstrip_spaces()
            runs.append(_Run(" — ", False, False, None))
            text = text.lstrip(" ")
        if text.strip():
            self._seen_text = True
            self._newlines = len(text) - len(text.rstrip("\n"))
        else:
            self._newlines += text.count("\n")
        bold, italic = self._bold > 0, self._italic > 0
        last = runs[-1] if runs else None
        if last is not None and (last.bold, last.italic, last.link) == (bold, italic, link):
            last.parts.append(text)
        else:
            runs.append(_Run(text, bold, italic, link))
        self._last = text[-1]

    def _link_for(self, text: str) -> int | None:
        anchor = self._anchors[-1] if self._anchors else None
        if anchor is None or anchor.url is None:
            return None
        if anchor.number is None:
            if not text.strip():
                return None
            number = self._link_numbers.get(anchor.url)
            if number is None:
                self._link_urls.append(anchor.url)
                self._link_texts.append([])
                number = self._link_numbers[anchor.url] = len(self._link_urls)
                anchor.owns = True
            anchor.number = number
        if anchor.owns:
            self._link_texts[anchor.number - 1].append(text)
        return anchor.number

    def _flush(self) -> None:
        runs, self._runs = self._runs, None
        self._cell_separator = False
        if not runs:
            return
        texts = [(run.text(), run) for run in runs]
        first = next((i for i, (text, _) in enumerate(texts) if text.strip()), None)
        if first is None:
            return
        last = max(i for i, (text, _) in enumerate(texts) if text.strip())
        texts = texts[first : last + 1]
        if self._kind == "pre":  # keep the indentation of the first line
            texts[0] = (texts[0][0].lstrip("\n"), texts[0][1])
        else:
            texts[0] = (texts[0][0].lstrip(), texts[0][1])
        texts[-1] = (texts[-1][0].rstrip(), texts[-1][1])
        spans = tuple(Span(text, run.bold, run.italic, run.link) for text, run in texts if text)
        self.blocks.append(Block(self._kind, spans, self._level, self._marker))

    def _safe_url(self, href: str | None) -> str | None:
        if not href:
            return None
        url = "".join(clean_text(href).split())
        lowered = url.lower()
        if not url or url.startswith("#") or lowered.startswith(_UNSAFE_SCHEMES):
            return None
        if self._base_url:
            url = urljoin(self._base_url, url)
        return url

    def finish(self) -> Document:
        self.close()
        self._pop_to(0)
        self._flush()
        links = tuple(
            Link(number, url, one_line("".join(texts)) or url)
            for number, (url, texts) in enumerate(zip(self._link_urls, self._link_texts, strict=True), 1)
        )
        return Document(tuple(self.blocks), links)


def _int_attribute(value: str | None, default: int) -> int:
    try:
        number = int((value or "").strip())
    except ValueError:
        return default
    return number if abs(number) < 1_000_000 else default


def html_to_document(markup: str, base_url: str = "") -> Document:
    """Turn CMS HTML into blocks and numbered links; never raises, whatever the input."""
    if not isinstance(markup, str) or not isinstance(base_url, str) or not markup.strip():
        return Document()
    return _convert(markup, base_url)


@functools.lru_cache(maxsize=64)
def _convert(markup: str, base_url: str) -> Document:
    builder = _DocumentBuilder(base_url)
    try:
        builder.feed(markup)
        return builder.finish()
    except Exception:  # a parser bug must never take a page down: fall back to its bare text
        log.exception("could not read page HTML; showing it as plain text")
        text = one_line(html.unescape(re.sub(r"<[^>]*>?", " ", markup)))
        return Document((Block("paragraph", (Span(text),)),) if text else ())


def html_to_text(markup: str) -> str:
    """Plain text of CMS HTML, one block per line: for excerpts and search."""
    return "\n".join(block.text for block in html_to_document(markup).blocks)


__all__ = ["Block", "BlockKind", "Document", "Link", "Span", "html_to_document", "html_to_text"]
