"""Close spellings: one typo in a short word, two in a long one, and words inside longer words."""

from __future__ import annotations

import pytest

from kiosk.search.spelling import Vocabulary, typo_distance, typos_allowed

WORDS = [
    "kindergeld", "elterngeld", "geld", "kinder", "kind", "anmeldung", "abmeldung", "anmelden", "schule",
    "schale", "schulen", "jobcenter", "arzt", "amt", "ausländerbehörde", "школа", "школи", "مدرسه",
]  # fmt: skip


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return Vocabulary((word, 1) for word in WORDS)


@pytest.mark.parametrize(
    ("a", "b", "limit", "expected"),
    [
        ("kindergeld", "kindergeld", 2, 0),
        ("kindergelt", "kindergeld", 2, 1),  # wrong letter
        ("kindrgeld", "kindergeld", 2, 1),  # missing letter
        ("kinderrgeld", "kindergeld", 2, 1),  # extra letter
        ("kindegreld", "kindergeld", 2, 1),  # swapped neighbours count once
        ("kindregelt", "kindergeld", 2, 2),
        ("kndregelt", "kindergeld", 2, None),
        ("школа", "школи", 1, 1),
        ("abc", "abcdef", 2, None),
    ],
)
def test_typo_distance(a: str, b: str, limit: int, expected: int | None) -> None:
    assert typo_distance(a, b, limit) == expected


def test_short_words_must_be_typed_right_long_ones_may_carry_two_typos() -> None:
    assert typos_allowed("amt") == 0
    assert typos_allowed("arzt") == 1
    assert typos_allowed("schule") == 1
    assert typos_allowed("jobcenter") == 2
    assert typos_allowed("44357") == 0


def words_for(vocabulary: Vocabulary, typed: str) -> list[str]:
    return [alternative.word for alternative in vocabulary.alternatives(typed)]


def test_one_typo_finds_the_word(vocabulary: Vocabulary) -> None:
    assert "schule" in words_for(vocabulary, "schle")
    assert "arzt" in words_for(vocabulary, "artz")
    assert "школа" in words_for(vocabulary, "шкода")
    assert "مدرسه" in words_for(vocabulary, "مدرصه")


def test_two_typos_find_a_long_word_but_not_a_short_one(vocabulary: Vocabulary) -> None:
    assert "jobcenter" in words_for(vocabulary, "jopcentre")
    assert "kindergeld" in words_for(vocabulary, "kindregelt")
    assert "schule" not in words_for(vocabulary, "schlee")
    assert words_for(vocabulary, "amd") == []


def test_a_typed_word_finds_longer_words_containing_it(vocabulary: Vocabulary) -> None:
    found = words_for(vocabulary, "geld")
    assert {"kindergeld", "elterngeld"} <= set(found)
    assert "geld" not in found  # the word itself is matched as typed, not as an alternative


def test_closest_alternatives_come_first(vocabulary: Vocabulary) -> None:
    found = vocabulary.alternatives("anmeldunk")
    assert found[0].word == "anmeldung" and found[0].typos == 1
    assert [a.word for a in found if a.typos == 2] == ["abmeldung", "anmelden"]


def test_digits_have_no_alternatives() -> None:
    vocabulary = Vocabulary([("44357", 1), ("44359", 1), ("443570", 1)])
    assert vocabulary.alternatives("44357") == []
