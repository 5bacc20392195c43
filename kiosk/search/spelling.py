"""Words of the content that are spelled close to a typed word, or that contain it.

A ``Vocabulary`` holds the distinct folded words of one language. For a typed word it finds words
within one typo (words of 4-6 letters) or two typos (7 letters and more), where a typo is a missing,
extra, wrong or swapped letter, and longer words that contain it ("geld" in "kindergeld"). Candidates
come from shared letter pairs, so only a few words are ever compared letter by letter.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

MIN_FUZZY = 4  # shorter words must be typed right: "Amt" one letter off is another word
TWO_TYPOS_FROM = 7
MIN_INSIDE = 4  # "in" or "amt" inside longer words would find nearly everything


def typos_allowed(word: str) -> int:
    """How many typos a typed word of this length may carry and still find its word."""
    if len(word) < MIN_FUZZY or word.isdigit():
        return 0
    return 1 if len(word) < TWO_TYPOS_FROM else 2


def _pairs(word: str) -> set[str]:
    padded = f"\x02{word}\x03"  # start and end marks make the first and last letters count too
    return {padded[i : i + 2] for i in range(len(padded) - 1)}


def typo_distance(a: str, b: str, limit: int) -> int | None:
    """Letters to add, drop, change or swap (neighbours) to turn ``a`` into ``b``; None above ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return None
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                best = min(best, before[j - 2] + 1)
            current[j] = best
        if min(current) > limit:
            return None
        before, previous = previous, current
    return previous[-1] if previous[-1] <= limit else None


@dataclass(frozen=True, slots=True)
class Alternative:
    """A word of the content that a typed word may have meant; ``typos`` 0 means it contains it."""

    word: str
    typos: int
    documents: int


class Vocabulary:
    """The distinct words of one language's content, with how many documents hold each."""

    def __init__(self, words: Iterable[tuple[str, int]]) -> None:
        self._words: list[str] = []
        self._documents: list[int] = []
        self._by_pair: dict[str, list[int]] = {}
        for word, documents in words:
            if len(word) < min(MIN_FUZZY, MIN_INSIDE) - 1 or word.isdigit():
                continue
            number = len(self._words)
            self._words.append(word)
            self._documents.append(documents)
            for pair in _pairs(word):
                self._by_pair.setdefault(pair, []).append(number)

    def __len__(self) -> int:
        return len(self._words)

    def alternatives(self, typed: str, limit: int = 32) -> list[Alternative]:
        """Words within the allowed typos of ``typed``, then longer words containing it; closest first."""
        allowed = typos_allowed(typed)
        inside = len(typed) >= MIN_INSIDE and not typed.isdigit()
        if not allowed and not inside:
            return []
        pairs = _pairs(typed)
        shared: Counter[int] = Counter()
        for pair in pairs:
            shared.update(self._by_pair.get(pair, ()))
        # One typo changes at most three letter pairs (a swap: three); a word containing ``typed``
        # shares every pair but the two at its ends.
        needed = max(1, len(pairs) - max(3 * allowed, 2 if inside else 0))
        close: list[Alternative] = []
        containing: list[Alternative] = []
        for number, count in shared.items():
            if count < needed:
                continue
            word = self._words[number]
            if word == typed:
                continue
            if inside and len(word) > len(typed) and typed in word:
                containing.append(Alternative(word, 0, self._documents[number]))
                continue
            if allowed:
                typos = typo_distance(typed, word, allowed)
                if typos is not None:
                    close.append(Alternative(word, typos, self._documents[number]))
        close.sort(key=lambda a: (a.typos, -a.documents, a.word))
        containing.sort(key=lambda a: (-a.documents, len(a.word), a.word))
        one_typo = [a for a in close if a.typos == 1]
        return (one_typo + containing + [a for a in close if a.typos > 1])[:limit]
