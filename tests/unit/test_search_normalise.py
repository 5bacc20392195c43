"""Folding: what a visitor types and what the content says meet, whatever the accents, case or script."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.search.normalise import extra_words, fold, query_words, searchable, without_article, words

SAME_WORD = [
    # German umlauts and ß, written or left out
    ("Müller", "Mueller", "Muller", "MÜLLER"),
    ("Straße", "Strasse", "STRASSE"),
    ("Ausländerbehörde", "Auslaenderbehoerde", "Auslanderbehorde"),
    # French, Turkish, Romanian, Polish accents and case
    ("École", "ecole", "ÉCOLE"),
    ("şehir", "sehir", "ŞEHİR"),
    ("Işık", "isik", "IŞIK"),
    ("Școală", "scoala", "școala"),
    ("Łódź", "lodz"),
    # Cyrillic case and diacritics
    ("ШКОЛА", "школа", "Школа"),
    ("ёлка", "елка", "ЁЛКА"),
    ("Її", "її", "ЇЇ"),
    # Arabic: alef forms, taa marbuta / haa, alef maqsura / yaa, tatweel, harakat
    ("أحمد", "احمد", "إحمد", "آحمد", "ٱحمد"),
    ("مدرسة", "مدرسه", "مَدْرَسَةٌ", "مدرســة"),
    ("مستشفى", "مستشفي"),
    ("مسؤول", "مسوول"),
    # Persian letters typed on an Arabic keyboard and the other way round
    ("کار", "كار"),
    ("یادگیری", "يادگيري"),
    # Eastern digits
    ("١٢٣", "۱۲۳", "123"),
]


@pytest.mark.parametrize("spellings", SAME_WORD, ids=lambda s: s[0])
def test_spellings_of_one_word_fold_to_the_same_word(spellings: tuple[str, ...]) -> None:
    folded = {fold(spelling) for spelling in spellings}
    assert len(folded) == 1, folded


def test_different_words_stay_different() -> None:
    assert fold("Schule") != fold("Schale")
    assert fold("школа") != fold("школи")
    assert fold("كتاب") != fold("كاتب")


def test_joined_words_are_indexed_whole_and_as_parts() -> None:
    assert set(words(fold("Einen Kita-Platz finden"))) >= {"kita", "platz", "kitaplatz"}
    assert set(words(fold("сім’я"))) >= {"сім", "сімя"}
    assert set(words(fold("ثبت\u200cنام"))) >= {"ثبت", "نام", "ثبتنام"}


def test_arabic_words_are_also_indexed_without_their_article() -> None:
    assert "مدرسه" in words(fold("المدرسة"))
    assert "مدرسه" in words(fold("بالمدرسة"))
    assert "اطفال" in words(fold("للأطفال"))
    # Too little would remain: "والدين" (parents) is not "و" + "ال" + "دين" (religion).
    assert "دين" not in words(fold("والدين"))
    assert without_article("المدرسه") == "مدرسه"
    assert without_article("school") == "school"


def test_invisible_characters_inside_a_word_do_not_split_it() -> None:
    assert words(fold("Kinder\u00adgeld")) == ["kindergeld"]  # soft hyphen
    assert words(fold("Kinder\u200egeld")) == ["kindergeld"]  # left-to-right mark
    assert words(fold("Kinder\u200bgeld")) == ["kinder", "geld"]  # zero-width space is a break


def test_searchable_text_keeps_every_word_and_adds_the_extra_forms() -> None:
    # FTS5 splits the text at anything not a letter or digit, as ``words`` does.
    found = re.findall(r"[^\W_]+", searchable("Die Kita-Plätze in der Stadt"))
    assert found == ["die", "kita", "platze", "in", "der", "stadt", "kitaplatze"]
    assert extra_words(fold("Kita-Plätze")) == ["kitaplatze"]


def test_query_words_are_folded_deduplicated_and_free_of_search_syntax() -> None:
    assert query_words("Kindergeld KINDERGELD kindergeld") == ["kindergeld"]
    assert query_words('"Anmeldung" OR NEAR(x*) -y') == ["anmeldung", "or", "near", "x", "y"]
    assert query_words("Kita-Platz ثبت\u200cنام") == ["kita-platz", "ثبت-نام"]
    assert query_words("  ... !!! ") == []


@given(st.text(alphabet=st.characters(categories=["L"]), min_size=1, max_size=12))
def test_each_typed_beginning_folds_to_a_beginning_of_the_word(word: str) -> None:
    """Results as you type: the folded letters typed so far begin the folded word being typed."""
    whole = fold(word)
    for end in range(1, len(word)):
        assert whole.startswith(fold(word[:end])) or not fold(word[:end]).strip()
