"""Text folded for matching, so that what a visitor types meets what the content says.

Both sides (the indexed content and the typed query) go through ``fold``: case is folded in every
script, accents and marks are dropped (é→e, ü→u, ş→s, й→и, Arabic harakat and hamza seats), German
umlaut spellings meet (ü, ue and u all become u), Arabic and Persian letter variants meet (alef forms,
taa marbuta/haa, alef maqsura/yaa, Persian yeh and kaf), tatweel disappears and Eastern digits become
0-9. ``words`` then splits folded text into words; a word joined by a hyphen, an apostrophe or a
zero-width non-joiner ("Kita-Platz", "сім'я", "ثبت‌نام") is kept both as its parts and as one word.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata

# Letters that neither case folding nor compatibility decomposition brings together.
_LETTERS = {
    "\u0671": "\u0627",  # alef wasla -> alef (hamza and madda seats decompose to alef + mark)
    "\u0649": "\u064a",  # alef maqsura -> yaa
    "\u06cc": "\u064a",  # Persian yeh -> Arabic yaa
    "\u06d2": "\u064a",  # yeh barree
    "\u0629": "\u0647",  # taa marbuta -> haa
    "\u06d5": "\u0647",  # ae (what heh with yeh above decomposes to) -> haa
    "\u06c1": "\u0647",  # heh goal
    "\u06a9": "\u0643",  # Persian keheh -> kaf
    "\u0131": "i",  # Turkish dotless i
    "\u0142": "l",  # Polish ł
    "\u00f8": "o",
    "\u0111": "d",
    "\u00f0": "d",
    "\u0127": "h",
    "\u00e6": "ae",
    "\u0153": "oe",
    "\u00fe": "th",
}
# Tatweel stretches a word and means nothing; a soft hyphen or bidi mark inside a word splits nothing.
_DROPPED = "\u0640\u00ad\u200e\u200f\u061c\u2060\ufeff"
_SPACES = "\u200b"  # a zero-width space is a place to break between words
#: Characters inside a word that join its parts: hyphens, apostrophes, ZWNJ/ZWJ, middle dot.
JOINERS = "-\u2010\u2011'\u2019\u02bc\u00b4`\u200c\u200d\u00b7"
_JOINER_CLASS = f"[{re.escape(JOINERS)}]"
_PLAIN = re.compile(r"[^\W_]+")
_WORD = re.compile(rf"[^\W_]+(?:{_JOINER_CLASS}+[^\W_]+)*")
_JOINED = re.compile(rf"[^\W_]+(?:{_JOINER_CLASS}+[^\W_]+)+")
_ANY_JOINER = re.compile(_JOINER_CLASS)
_JOINER = re.compile(rf"{_JOINER_CLASS}+")
# The Arabic article, alone or with a particle written onto it ("المدرسة", "بالمدرسة"): a word is
# also indexed without it, so "مدرسة" finds it. Enough must remain that "والدين" (parents) stays whole.
_BARE = re.compile(
    "(?<![^\\W_])(?:[\u0648\u0628\u0641\u0643]\u0627\u0644(?=[^\\W_]{4})|\u0627\u0644(?=[^\\W_]{3})"
    "|\u0644\u0644(?=[^\\W_]{3}))([^\\W_]+)"
)
# German umlauts written out (Mueller, Muenchen) meet the folded umlaut (Müller -> Muller).
_DIGRAPHS = (("ae", "a"), ("oe", "o"), ("ue", "u"))


@functools.cache
def _table() -> dict[int, str | None]:
    """The translation table: marks dropped, variants mapped. Built once, on first use (about 0.15 s)."""
    table: dict[int, str | None] = {
        code: None for code in range(sys.maxunicode + 1) if unicodedata.category(chr(code)) == "Mn"
    }
    table.update({ord(source): target for source, target in _LETTERS.items()})
    table.update({ord(char): None for char in _DROPPED})
    table.update({ord(char): " " for char in _SPACES})
    for zero in (0x0660, 0x06F0, 0x07C0, 0x0966):  # Arabic-Indic, Persian, N'Ko, Devanagari digits
        table.update({zero + n: str(n) for n in range(10)})
    return table


def fold(text: str) -> str:
    """``text`` with case, marks and spelling variants folded away; word boundaries stay where they were."""
    folded = unicodedata.normalize("NFKD", text.casefold()).translate(_table())
    for written, plain in _DIGRAPHS:
        folded = folded.replace(written, plain)
    return folded


def extra_words(folded: str) -> list[str]:
    """Words of folded text that splitting at spaces and punctuation misses: joined words as one
    ("kita-platz" -> "kitaplatz") and Arabic words without their article ("المدرسه" -> "مدرسه")."""
    found: list[str] = []
    if _ANY_JOINER.search(folded):
        found.extend(_JOINER.sub("", word) for word in _JOINED.findall(folded))
    if "\u0627\u0644" in folded or "\u0644\u0644" in folded:
        found.extend(_BARE.findall(folded))
    return found


def searchable(text: str) -> str:
    """``text`` as the index takes it: folded, with its extra word forms added at the end."""
    folded = fold(text)
    extra = extra_words(folded)
    return f"{folded} {' '.join(extra)}" if extra else folded


def words(folded: str) -> list[str]:
    """The words of already folded text, with the extra forms: what the index holds for it."""
    return _PLAIN.findall(folded) + extra_words(folded)


def without_article(word: str) -> str:
    """An Arabic word without its article ("المدرسه" -> "مدرسه"); other words as they are."""
    bare = _BARE.fullmatch(word)
    return bare.group(1) if bare else word


def query_words(query: str) -> list[str]:
    """The words of what the visitor typed, folded, without repeats, in the order typed.

    A joined word keeps its parts apart with "-" ("Kita-Platz" -> "kita-platz", "ثبت‌نام" -> "ثبت-نام"):
    the content may write it joined, with the joiner, or as two words.
    """
    seen: dict[str, None] = {}
    for word in _WORD.findall(fold(query)):
        seen.setdefault(_JOINER.sub("-", word), None)
    return list(seen)
