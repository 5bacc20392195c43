"""Right-to-left text as a visitor sees it in a terminal that does no bidi: hand-checked visual lines.

Expected lines are written with ``rev(word)``: an Arabic or Persian word in visual order (its
letters right to left), and compared after ``unshape`` (presentation forms back to base letters),
so the expectations stay readable; the shaping itself is checked with exact code points.
"""

from __future__ import annotations

import unicodedata

import pytest
from arabic_reshaper.letters import LETTERS_ARABIC
from arabic_reshaper.ligatures import LIGATURES
from rich.cells import cell_len

from kiosk.i18n.rtl import layout, visual_line

_FORMS: dict[str, str] = {}
for _base, _forms in LETTERS_ARABIC.items():
    for _form in _forms:
        if _form and _form != _base:
            _FORMS[_form] = _base
for _name, (_letters, _ligature_forms) in LIGATURES:
    for _form in _ligature_forms:
        if _form:
            _FORMS[_form] = _letters[::-1]  # visual order: the ligature's letters right to left


def unshape(visual: str) -> str:
    """Presentation forms back to the base letters they show, keeping visual order."""
    return "".join(_FORMS.get(char, char) for char in visual)


def rev(word: str) -> str:
    """A logical word in visual order; vowel marks stay after their letter, as a terminal draws them."""
    clusters: list[str] = []
    for char in word:
        if clusters and unicodedata.category(char) == "Mn":
            clusters[-1] += char
        else:
            clusters.append(char)
    return "".join(reversed(clusters))


def test_arabic_phone_number_keeps_its_digit_groups_left_to_right() -> None:
    # "Call 0231 50 11 148 now": the number is dialled left to right, so its groups stay in order.
    lines = layout("اتصل على 0231 50 11 148 الآن", 80, "rtl")
    assert [unshape(line) for line in lines] == [f"{rev('الآن')} 0231 50 11 148 {rev('على')} {rev('اتصل')}"]


def test_international_phone_number_in_arabic() -> None:
    line = visual_line("الهاتف: +49 231 50 11 148", "rtl")
    assert unshape(line) == f"+49 231 50 11 148 :{rev('الهاتف')}"


def test_phone_number_is_not_broken_across_lines() -> None:
    lines = layout("اتصل على 0231 50 11 148", 16, "rtl")
    assert [unshape(line) for line in lines] == [f"{rev('على')} {rev('اتصل')}", "0231 50 11 148"]


def test_time_range_reads_right_to_left_like_the_sentence() -> None:
    # "Open 09:00–12:00 daily": as in any bidi renderer, the start time stands on the right,
    # where an Arabic reader meets it first.
    assert unshape(visual_line("مفتوح 09:00–12:00 يوميا", "rtl")) == (
        f"{rev('يوميا')} 12:00–09:00 {rev('مفتوح')}"
    )


def test_latin_word_in_brackets_is_mirrored_correctly() -> None:
    # "Ask (at the Jobcenter) here": each bracket opens towards the words it encloses.
    assert unshape(visual_line("اسأل (في Jobcenter) هنا", "rtl")) == (
        f"{rev('هنا')} (Jobcenter {rev('في')}) {rev('اسأل')}"
    )


def test_lone_bracket_in_arabic_is_mirrored() -> None:
    assert unshape(visual_line("(ملاحظة", "rtl")) == f"{rev('ملاحظة')})"


def test_url_stays_one_left_to_right_unit_and_the_full_stop_ends_the_sentence() -> None:
    line = visual_line("زوروا https://integreat.app/dortmund/ar/ للمزيد.", "rtl")
    assert unshape(line) == f".{rev('للمزيد')} https://integreat.app/dortmund/ar/ {rev('زوروا')}"


def test_farsi_with_persian_digits() -> None:
    # "Hours 09:00 to 12:00" with Persian digits.
    assert unshape(visual_line("ساعت ۰۹:۰۰ تا ۱۲:۰۰", "rtl")) == f"۱۲:۰۰ {rev('تا')} ۰۹:۰۰ {rev('ساعت')}"


def test_zwnj_separates_letters_and_is_not_printed() -> None:
    # "می‌خواهم" (I want), right to left: meem final, heh initial, alef isolated, waw final,
    # khah initial, Farsi yeh final, meem initial. ZWNJ ends "می" and starts "خواهم" afresh.
    line = visual_line("می\u200cخواهم", "rtl")
    assert line == "\ufee2\ufeeb\ufe8d\ufeee\ufea7\ufbfd\ufee3"
    # Without it the two words join: khah and yeh take their medial forms.
    joined = visual_line("میخواهم", "rtl")
    assert joined == "\ufee2\ufeeb\ufe8d\ufeee\ufea8\ufbff\ufee3"


def test_letters_are_joined_into_contextual_forms() -> None:
    # اتصل: alef isolated, teh initial, sad medial, lam final - shown right to left.
    assert visual_line("اتصل", "rtl") == "\ufede\ufebc\ufe97\ufe8d"


def test_lam_alef_becomes_one_cell() -> None:
    line = visual_line("لا", "rtl")
    assert line == "\ufefb"
    assert cell_len(line) == 1


def test_vowel_marks_are_kept_on_their_letters() -> None:
    line = visual_line("مُحَمَّد", "rtl")
    assert unshape(line) == rev("مُحَمَّد")
    assert line.endswith("\ufee3\u064f")  # the first meem, with its damma, at the right end


def test_paragraph_starts_with_its_first_words_on_the_first_line() -> None:
    text = "هذا نص طويل يتم تقسيمه على عدة أسطر في الشاشة"
    lines = layout(text, 12, "rtl")
    assert [unshape(line) for line in lines] == [
        f"{rev('طويل')} {rev('نص')} {rev('هذا')}",
        f"{rev('تقسيمه')} {rev('يتم')}",
        f"{rev('أسطر')} {rev('عدة')} {rev('على')}",
        f"{rev('الشاشة')} {rev('في')}",
    ]
    assert all(cell_len(line) <= 12 for line in lines)


def test_paragraph_breaks_are_kept() -> None:
    lines = layout("مرحبا\n\nأهلا", 20, "rtl")
    assert [unshape(line) for line in lines] == [rev("مرحبا"), "", rev("أهلا")]


def test_arabic_name_inside_german_text() -> None:
    assert (
        unshape(visual_line("Sprache: العربية (Arabisch)", "ltr")) == f"Sprache: {rev('العربية')} (Arabisch)"
    )


def test_left_to_right_text_is_only_wrapped() -> None:
    assert layout("Bitte warten Sie (kurz) hier", 12, "ltr") == ["Bitte warten", "Sie (kurz)", "hier"]


def test_word_longer_than_the_line_is_split() -> None:
    assert layout("Integrationskursangebote", 10, "ltr") == ["Integratio", "nskursange", "bote"]


def test_wide_characters_count_two_cells() -> None:
    assert layout("中文字符 ok", 5, "ltr") == ["中文", "字符", "ok"]
    assert layout("👍👍👍", 4, "ltr") == ["👍👍", "👍"]


def test_invisible_and_control_characters_never_reach_the_terminal() -> None:
    text = "a\x1b[2Jb\u202ec\u200dd\ufeff\u00ad e\tf\r\ng\u2028h"
    for direction in ("ltr", "rtl"):
        lines = layout(text, 40, direction)
        assert lines, direction
        for line in lines:
            assert not [c for c in line if unicodedata.category(c) in ("Cc", "Cf")], (direction, line)
    # Escape sequences lose their ESC, joiners and soft hyphens vanish, tabs and breaks are kept as such.
    assert layout("a\x1b[2Jb c\u200dd\ufeff\u00ad e\tf\r\ng\u2028h", 40, "ltr") == ["a[2Jb cd e f", "g", "h"]
    # A right-to-left override in the content still does what it says, then disappears.
    assert layout("ab \u202ecd ef", 40, "ltr") == ["ab fe dc"]


@pytest.mark.parametrize("direction", ["ltr", "rtl"])
def test_empty_text_has_no_lines(direction: str) -> None:
    assert layout("", 10, direction) == []  # type: ignore[arg-type]


def test_returned_lines_can_be_changed_by_the_caller() -> None:
    first = layout("eins zwei drei", 5, "ltr")
    first.clear()
    assert layout("eins zwei drei", 5, "ltr") == ["eins", "zwei", "drei"]


FARSI_OFFICE = "«lokal willkommen» Westerfilde جایی برای کمک است."


def test_a_latin_name_in_guillemets_reads_as_written_inside_farsi() -> None:
    # Alone, the bidi algorithm draws the opening guillemet mirrored at the far end of the line:
    # "... lokal willkommen» Westerfilde»".
    (line,) = layout(FARSI_OFFICE, 80, "rtl")
    assert line.endswith("«lokal willkommen» Westerfilde")
    assert line.count("«") == 1 and line.count("»") == 1


def test_a_quoted_latin_name_still_wraps_at_its_spaces_in_order() -> None:
    lines = layout(FARSI_OFFICE, 12, "rtl")
    assert lines[:3] == ["«lokal", "willkommen»", "Westerfilde"]
    assert layout(FARSI_OFFICE, 20, "rtl")[0] == "«lokal willkommen»"


def test_guillemets_around_farsi_words_are_left_to_the_bidi_algorithm() -> None:
    assert layout("«سلام» دنیا", 80, "rtl") == [visual_line("«سلام» دنیا", "rtl")]
    assert layout("Das «Haus» ist rot", 80, "ltr") == ["Das «Haus» ist rot"]


def test_a_phone_number_wider_than_the_line_breaks_between_its_groups_in_order() -> None:
    lines = layout("اتصل على 0231 50 11 148 الآن", 12, "rtl")
    assert "0231 50 11" in lines and any(line.endswith("148") for line in lines)
