"""line_count: a page's height is counted, not wrapped; the count must be the wrap's, line for line.

A count one line short hides a page's last line from the visitor; one too many leaves a gap. So the
count is compared with the wrap itself on every kind of text a page holds: generated pages in all
languages, the bundled snapshot, and text made to hit the rules that keep words together.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rich.style import Style
from rich.text import Text

from kiosk.config import DEFAULT_LANGUAGES
from kiosk.content.html import html_to_document
from kiosk.content.models import Direction
from kiosk.devtools.fill import long_content
from kiosk.i18n.locales import direction
from kiosk.sources.snapshot import load_snapshot
from kiosk.ui.screens.page import block_text
from kiosk.ui.widgets.text import line_count, lines_for

WIDTHS = (1, 2, 5, 13, 38, 56, 76, 78, 116, 118, 196)


def _page_texts() -> Iterator[tuple[str, Text]]:
    for language in DEFAULT_LANGUAGES:
        for block in html_to_document(long_content(language, 60)).blocks:
            yield language, block_text(block)
    content = load_snapshot()
    for language, pages in content.by_language.items():
        for page in pages.pages:
            for block in html_to_document(page.content_html).blocks:
                yield language, block_text(block)


@cache
def page_texts() -> list[tuple[str, Text]]:
    return list(_page_texts())


@pytest.mark.parametrize("width", [w for w in WIDTHS if w > 10])
def test_every_page_block_counts_as_many_lines_as_it_wraps_to(width: int) -> None:
    texts = page_texts()
    assert len({language for language, _ in texts}) >= 12
    for language, text in texts:
        for shown_in in {direction(language), "ltr", "rtl"}:
            wrapped = lines_for(text, width, shown_in)
            assert line_count(text, width, shown_in) == len(wrapped), (language, width, text.plain)
            # The same words without their styles take the other way through the wrap.
            plain = text.plain
            assert line_count(plain, width, shown_in) == len(lines_for(plain, width, shown_in))


@pytest.mark.parametrize(
    "text",
    [
        "Rufen Sie an: 0231 50 11 148 oder +49 231 123-45 67, montags bis freitags.",
        "اتصل على 0231 50 11 148 من الاثنين إلى الجمعة",
        "مرحبا بكم في «lokal willkommen» Westerfilde والمدينة",
        "Sprachkurs « lokal willkommen » in Dortmund",
        "Eine Adresse: https://integreat.app/dortmund/de/sprache/kurse-fuer-erwachsene/anmeldung",
        "لا إله لأن لإ لآ السلام عليكم ورحمة الله",
        "می\u200cخواهم به\u200cزودی برگردم\u200c",
        "Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichen und mehr",
        "  • eingerückter Punkt mit  zwei   Leerzeichen ",
        "中文字幕 和 日本語 のテキスト",
        "Zeile eins\nZeile zwei\n\nnach einer Leerzeile\n",
        "Tab\tgetrennt und\u00a0geschützt",
        "\u200c \u200d ",
        "Familie 👨\u200d👩\u200d👧 und ❤\ufe0f",
    ],
)
@pytest.mark.parametrize("width", WIDTHS)
def test_texts_that_keep_words_together_count_as_they_wrap(text: str, width: int) -> None:
    for shown_in in ("ltr", "rtl"):
        assert line_count(text, width, shown_in) == len(lines_for(text, width, shown_in))
        bold = Text(text, style=Style(bold=True))
        bold.stylize(Style(italic=True), 0, 3)
        assert line_count(bold, width, shown_in) == len(lines_for(bold, width, shown_in))


#: Characters that steer wrapping: spaces, digits and separators of telephone numbers, guillemets,
#: Arabic letters that join and form ligatures, vowel marks, joiners, wide and zero-width characters.
_TRICKY = st.sampled_from(list("ab é 09 ()+-/ «» ‹› لاأإآسم ی \u064e\u0301\u200c\u200d 漢 \n\u00a0.,:"))


@settings(max_examples=300, deadline=None)
@given(
    st.text(_TRICKY, max_size=60),
    st.integers(min_value=4, max_value=40),
    st.sampled_from(["ltr", "rtl"]),
    st.booleans(),
)
@example("0231 50 11 148 لا", 6, "rtl", False)
def test_any_text_counts_as_it_wraps(plain: str, width: int, shown_in: Direction, bold: bool) -> None:
    text: str | Text = Text.assemble((plain[:3], "bold"), plain[3:]) if bold else plain
    assert line_count(text, width, shown_in) == len(lines_for(text, width, shown_in))


def test_a_text_that_says_no_wrap_counts_as_rich_leaves_it() -> None:
    text = Text.assemble(
        ("Ein sehr langer", "bold"), " Satz ohne Umbruch\nund eine zweite Zeile", no_wrap=True
    )
    for width in (5, 20, 80):
        assert line_count(text, width, "ltr") == len(lines_for(text, width, "ltr"))
