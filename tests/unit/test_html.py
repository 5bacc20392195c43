"""HTML -> blocks: what a visitor reads is the page's text, structured, never its markup."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.content.html import Block, Document, Span, html_to_document, html_to_text
from tests.support.conformance import CONFORMANCE, needs_conformance

ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
TAG = re.compile(r"<\s*/?\s*[A-Za-z]")


def kinds(doc: Document) -> list[tuple[str, int, str, str]]:
    return [(b.kind, b.level, b.marker, b.text) for b in doc.blocks]


def test_headings_paragraphs_and_inline_styles() -> None:
    doc = html_to_document("<h2>Termine</h2><p>Bitte <strong>vorher</strong> <em>anrufen</em>.</p>")
    assert kinds(doc) == [("heading", 2, "", "Termine"), ("paragraph", 0, "", "Bitte vorher anrufen.")]
    spans = doc.blocks[1].spans
    assert Span("vorher", bold=True) in spans
    assert Span("anrufen", italic=True) in spans


def test_whitespace_is_folded_like_a_browser() -> None:
    doc = html_to_document("<p>\r\n  Liebe   Neubürgerin,\n\tlieber <b> Neubürger </b> ,  </p>")
    assert doc.blocks[0].text == "Liebe Neubürgerin, lieber Neubürger ,"


def test_line_breaks_stay_inside_their_paragraph() -> None:
    doc = html_to_document("<p>Stadt Augsburg<br>Rathausplatz 1<br/>86150 Augsburg</p>")
    assert kinds(doc) == [("paragraph", 0, "", "Stadt Augsburg\nRathausplatz 1\n86150 Augsburg")]


def test_empty_and_nbsp_only_paragraphs_vanish() -> None:
    doc = html_to_document("<p>&nbsp;</p><p></p><p> <br> </p><p>Text</p>")
    assert kinds(doc) == [("paragraph", 0, "", "Text")]


def test_nested_lists_get_depth_and_markers() -> None:
    doc = html_to_document(
        "<ul><li>Ausweis<ul><li>Pass</li><li>Karte</li></ul></li>"
        "<li>Formulare<ol start='3'><li>A</li><li>B</li></ol>danach</li></ul>"
    )
    assert kinds(doc) == [
        ("item", 1, "•", "Ausweis"),
        ("item", 2, "•", "Pass"),
        ("item", 2, "•", "Karte"),
        ("item", 1, "•", "Formulare"),
        ("item", 2, "3.", "A"),
        ("item", 2, "4.", "B"),
        ("item", 1, "", "danach"),
    ]


def test_unclosed_list_items_close_each_other() -> None:
    doc = html_to_document("<ol><li>eins<li>zwei<li>drei</ol>")
    assert kinds(doc) == [("item", 1, "1.", "eins"), ("item", 1, "2.", "zwei"), ("item", 1, "3.", "drei")]


def test_paragraphs_inside_an_item_stay_in_that_item() -> None:
    doc = html_to_document("<ul><li><div><p>Zeile 1</p><p>Zeile 2</p></div></li></ul>")
    assert kinds(doc) == [("item", 1, "•", "Zeile 1\nZeile 2")]


def test_links_are_numbered_once_per_url() -> None:
    doc = html_to_document(
        '<p><a href="https://a.example/">A</a>, <a href="tel:+49231">Telefon</a>'
        ' und nochmal <a href="https://a.example/">hier</a></p>'
    )
    assert [(link.number, link.url, link.text) for link in doc.links] == [
        (1, "https://a.example/", "A"),
        (2, "tel:+49231", "Telefon"),
    ]
    linked = [(s.text, s.link) for s in doc.blocks[0].spans if s.link]
    assert linked == [("A", 1), ("Telefon", 2), ("hier", 1)]


def test_dangerous_and_empty_links_keep_their_text_but_get_no_number() -> None:
    doc = html_to_document(
        '<p><a href="javascript:alert(1)">js</a> <a href=" JaVaScRiPt:x">js2</a> <a href="#top">oben</a>'
        ' <a href="data:text/html,x">data</a> <a>plain</a> <a href="https://x.example"></a></p>'
    )
    assert doc.links == ()
    assert doc.blocks[0].text == "js js2 oben data plain"


def test_relative_links_resolve_against_a_base() -> None:
    doc = html_to_document('<a href="/augsburg/de/willkommen/">W</a>', base_url="https://cms.example/x/")
    assert doc.links[0].url == "https://cms.example/augsburg/de/willkommen/"


def test_blockquote_and_pre() -> None:
    doc = html_to_document(
        "<blockquote><p>Zitat</p><blockquote>innen</blockquote></blockquote><pre>\n a\n\tb  \n</pre>"
    )
    assert kinds(doc) == [("quote", 1, "", "Zitat"), ("quote", 2, "", "innen"), ("pre", 0, "", " a\n    b")]


def test_tables_become_one_line_per_row() -> None:
    doc = html_to_document(
        "<table><caption>Zeiten</caption><tr><th>Tag</th><th>Uhrzeit</th></tr>"
        "<tr><td>Montag</td><td></td><td>9–12 Uhr</td></tr>"
        "<tr><td><p>Di</p></td><td>geschlossen</td></tr></table>"
    )
    assert [b.text for b in doc.blocks] == [
        "Zeiten",
        "Tag — Uhrzeit",
        "Montag — 9–12 Uhr",
        "Di — geschlossen",
    ]
    assert all(b.kind == "item" and b.marker == "" for b in doc.blocks[1:])
    assert doc.blocks[1].spans[0] == Span("Tag", bold=True)


def test_images_become_their_alt_text_or_nothing() -> None:
    doc = html_to_document('<p>Karte: <img src="a.png" alt="Stadtplan"> <img src="deco.png"> Ende</p>')
    assert doc.blocks[0].text == "Karte: [Stadtplan] Ende"


def test_script_style_iframe_and_hidden_content_never_show() -> None:
    doc = html_to_document(
        "<p>vor</p><script>alert('x')</script><style>p{color:red}</style>"
        "<iframe src='https://x'>Ihr Browser</iframe><noscript>Bitte JS</noscript>"
        "<a style='display: none;' href='https://hidden'>Contact</a><div hidden>weg</div><p>nach</p>"
    )
    assert kinds(doc) == [("paragraph", 0, "", "vor"), ("paragraph", 0, "", "nach")]
    assert doc.links == ()


def test_unknown_tags_pass_their_text_through() -> None:
    doc = html_to_document(
        "<p><span class='x'>eins</span> <custom-tag>zwei</custom-tag> <font>drei</font></p>"
    )
    assert doc.blocks[0].text == "eins zwei drei"


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<p>[bold red]x[/] [link=https://e]y[/link]</p>", "[bold red]x[/] [link=https://e]y[/link]"),
        ("<p>\x1b[2Jweg\x1b]8;;https://e\x07link\x1b]8;;\x07</p>", "weglink"),
        ("<p>&#27;[31mrot</p>", "[31mrot"),
        ("<p>\u202eevil\u2066</p>", "evil"),
        ("<p>Ausl&#228;nderbeh&ouml;rde &amp; Amt &lt;b&gt;</p>", "Ausländerbehörde & Amt <b>"),
        ("<p>doppelt &amp;nbsp;escaped&amp;amp;</p>", "doppelt \xa0escaped&"),
    ],
)
def test_hostile_text_is_literal_and_inert(markup: str, text: str) -> None:
    doc = html_to_document(markup)
    assert doc.blocks[0].text == text
    assert "\x1b" not in html_to_text(markup)


def test_deep_nesting_does_not_recurse() -> None:
    lists = "<ul><li>x" * 50 + "</li></ul>" * 50
    doc = html_to_document(lists)
    assert [b.level for b in doc.blocks] == list(range(1, 51))
    divs = html_to_document("<div>" * 20_000 + "tief" + "</div>" * 20_000)
    assert kinds(divs) == [("paragraph", 0, "", "tief")]
    inline = html_to_document("<b><i>" * 5_000 + "fett" + "<p>neu")
    assert [b.text for b in inline.blocks] == ["fett", "neu"]


def test_unclosed_and_misnested_tags_recover() -> None:
    doc = html_to_document("<p>eins <b>fett <i>beides</b> kursiv</i> normal<p>zwei<div>drei")
    assert [b.text for b in doc.blocks] == ["eins fett beides kursiv normal", "zwei", "drei"]
    spans = doc.blocks[0].spans
    assert Span("beides", bold=True, italic=True) in spans
    assert spans[-1] == Span(" kursiv normal")  # closing <b> closes what it contains: no style leaks


def test_an_unclosed_script_hides_only_itself() -> None:
    assert html_to_text("<p>sichtbar</p><script>var a = '<p>nie</p>';") == "sichtbar"


def test_empty_and_broken_input_never_raises() -> None:
    for markup in (
        "",
        "   ",
        "<",
        "<<>>",
        "</p></li></ul>",
        "<a href='",
        "&",
        "&#xFFFFFFFF;",
        "<!-- x",
        "<![CDATA[x",
    ):
        assert isinstance(html_to_document(markup), Document)
    assert html_to_document(None) == Document()  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["<p>", "</p>", "<ul>", "<li>", "</ul>", "<b>", "</i>", "<a href='https://x'>", "</a>", "<br>",
             "<table>", "<td>", "<tr>", "<pre>", "</pre>", "<h3>", "<script>", "</script>", "<img alt='i'>",
             "&amp;", "&#1578;", "text", " ", "\n", "\x1b[2J", "<blockquote>", "<div hidden>", "</div>"]
        )
    ).map("".join)
)  # fmt: skip
def test_any_tag_soup_gives_clean_blocks(markup: str) -> None:
    doc = html_to_document(markup)
    for block in doc.blocks:
        assert isinstance(block, Block)
        assert block.text.strip()
        assert "\x1b" not in block.text
        assert not TAG.search(block.text)
        for span in block.spans:
            assert span.link is None or 1 <= span.link <= len(doc.links)


def conformance_contents() -> list[tuple[str, Any, str]]:
    """Every record with HTML content in the conformance files (none when they are missing)."""
    found = []
    for path in sorted(CONFORMANCE.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for record in data if isinstance(data, list) else [data]:
            if isinstance(record, dict) and record.get("content"):
                found.append((path.name, record.get("id"), record["content"]))
    return found


@needs_conformance
def test_conformance_files_have_content_to_convert() -> None:
    assert len(conformance_contents()) > 60


@needs_conformance
@pytest.mark.parametrize(("name", "record_id", "content"), conformance_contents())
def test_every_conformance_page_converts_to_clean_text(name: str, record_id: Any, content: str) -> None:
    text = html_to_text(content)
    assert text.strip(), (name, record_id)
    assert not TAG.search(text), (name, record_id)
    assert not ENTITY.search(text), (name, record_id)


def test_arabic_entity_content_is_decoded() -> None:
    doc = html_to_document(
        "<p>&#1578;&#1593;&#1578;&#1576;&#1585; <strong>Ausl&#228;nderbeh&#246;rde</strong></p>"
    )
    assert doc.blocks[0].text == "تعتبر Ausländerbehörde"


def test_contact_card_shows_address_and_hides_the_invisible_link() -> None:
    card = (
        '<div class="contact-card" dir="ltr"><a style="display: none;" href="http://x/contact/5/">Contact</a>\r\n'
        '<h4>Testkontakt</h4>\r\n<p><img src="pin.svg" alt="Address: "><a href="https://maps.example/?a=1&amp;b=2">'
        "Viktoriastraße 1, 86150 Augsburg</a></p></div>"
    )
    doc = html_to_document(card)
    assert kinds(doc) == [
        ("heading", 4, "", "Testkontakt"),
        ("paragraph", 0, "", "[Address:] Viktoriastraße 1, 86150 Augsburg"),
    ]
    assert [(link.url, link.text) for link in doc.links] == [
        ("https://maps.example/?a=1&b=2", "Viktoriastraße 1, 86150 Augsburg")
    ]


def test_html_to_text_joins_blocks_by_line() -> None:
    assert html_to_text("<h1>Titel</h1><ul><li>a</li><li>b</li></ul>") == "Titel\na\nb"
    assert html_to_text("") == ""
