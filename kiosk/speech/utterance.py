"""What the kiosk says: utterances made of parts, each part in its own language (language of parts).

Text from outside (the content API, the snapshot) reaches espeak-ng only through :func:`to_ssml`, which
cleans it and escapes it, so no content can switch voices, insert pauses or read files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from kiosk.content.text import one_line
from kiosk.i18n.catalogs import gettext_in

#: Languages whose own script is not Latin: Latin-script words in their text are names and places of
#: Dortmund ("Mengede", "Diakonisches Werk") and are read by the German voice, not the Arabic one.
NON_LATIN_SCRIPT = frozenset({"ar", "fa", "uk", "ru", "bg", "ckb", "el", "he", "ur", "ps", "ti", "am"})
#: A part longer than this is cut (espeak-ng reads ~15 characters a second: over five minutes).
MAX_PART_CHARS = 5000

# A run of Latin-script words, with the spaces, numbers and punctuation between them (an address:
# "Westerfilder Straße 54, 44357 Dortmund"), not at its ends.
_LATIN_RUN = re.compile(
    r"[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f0-9.'’\-]*"
    r"(?:(?:[\s,&/]+\d+)*[\s,&/]+[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f0-9.'’\-]*)*"
)
_CLOCK = r"(?<![\d:.])([01]?\d|2[0-3]):([0-5]\d)(?![\d:])"
_TIME = re.compile(_CLOCK)
_TIME_RANGE = re.compile(_CLOCK + r"\s*[–—-]\s*" + _CLOCK)
# Ukrainian's euphonic variants: espeak-ng spells the one-letter words out ("з" as "ze", "й" as "jot"),
# so the kiosk says the equivalent longer forms ("із", "і"), which mean the same.
_UK_ONE_LETTER = (
    (re.compile(r"(?<![\w'’])з(?![\w'’])"), "із"),
    (re.compile(r"(?<![\w'’])З(?![\w'’])"), "Із"),
    (re.compile(r"(?<![\w'’])й(?![\w'’])"), "і"),
)


@dataclass(frozen=True)
class Part:
    """A stretch of text and the language whose voice reads it."""

    text: str
    language: str


@dataclass(frozen=True)
class Utterance:
    """One thing said at once: a title, a list item, a paragraph. ``kind`` says which, for tests and logs."""

    parts: tuple[Part, ...]
    kind: str = ""

    @classmethod
    def of(cls, text: str, language: str, kind: str = "") -> Utterance:
        """A single-language utterance; Latin-script names in non-Latin text get the German voice."""
        return cls(tuple(split_scripts(text, language)), kind)

    @classmethod
    def joined(cls, pieces: Iterable[tuple[str, str]], kind: str = "") -> Utterance:
        """Pieces ``(text, language)`` in order, each split by script like :meth:`of`."""
        parts: list[Part] = []
        for text, language in pieces:
            if parts and text.strip() and not re.search(r"\w", text):
                # Punctuation alone (".", ")") belongs to what it follows; no voice of its own.
                parts[-1] = Part(parts[-1].text + text.strip(), parts[-1].language)
                continue
            for number, part in enumerate(split_scripts(text, language)):
                # Pieces are words apart; the parts of one piece keep the spacing they had.
                gap = " " if number == 0 and parts else ""
                if parts and parts[-1].language == part.language:
                    # One voice for neighbours in one language: no needless pause between them.
                    parts[-1] = Part(parts[-1].text + gap + part.text, part.language)
                else:
                    if gap:
                        parts[-1] = Part(parts[-1].text + gap, parts[-1].language)
                    parts.append(part)
        return cls(tuple(parts), kind)

    @property
    def text(self) -> str:
        """Everything said, as plain text (for logs and tests; never shown to a visitor)."""
        return "".join(part.text for part in self.parts).strip()

    @property
    def language(self) -> str:
        """The language of the first part: the one the utterance is in, for the visitor."""
        return self.parts[0].language if self.parts else ""

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(part.language for part in self.parts)

    def __bool__(self) -> bool:
        return any(part.text for part in self.parts)


def speakable(text: str) -> str:
    """``text`` on one line, without control or bidi characters, cut to :data:`MAX_PART_CHARS`."""
    return one_line(text)[:MAX_PART_CHARS]


def split_scripts(text: str, language: str, latin_language: str = "de") -> list[Part]:
    """``text`` in ``language``, its Latin-script runs given to ``latin_language`` if ``language``'s
    script is not Latin; empty text gives no parts. The parts put together are the text again."""
    text = speakable(text)
    if not text:
        return []
    if language.split("-")[0] not in NON_LATIN_SCRIPT:
        return [Part(text, language)]
    pieces: list[tuple[str, str]] = []
    last = 0
    for match in _LATIN_RUN.finditer(text):
        pieces += [(text[last : match.start()], language), (match.group(), latin_language)]
        last = match.end()
    pieces.append((text[last:], language))
    parts: list[Part] = []
    for piece, piece_language in pieces:
        if not piece:
            continue
        if not re.search(r"\w", piece) and parts:
            # Spaces and punctuation alone ("» ", ".") read as nothing: they go with what they follow.
            parts[-1] = Part(parts[-1].text + piece, parts[-1].language)
        elif parts and not re.search(r"\w", parts[-1].text):
            parts[-1] = Part(parts[-1].text + piece, piece_language)
        else:
            parts.append(Part(piece, piece_language))
    return parts


def _bare_time(hour: str, minute: str) -> str:
    return str(int(hour)) if minute == "00" else f"{int(hour)} {minute}"


def spoken_times(text: str, language: str) -> str:
    """Clock times in content said as words say them: "9:00–12:00" as "9 bis 12", "9:30" as "9 30"
    (espeak-ng would say "nine colon zero zero")."""
    if ":" not in text:
        return text
    text = _TIME_RANGE.sub(
        # The same words the kiosk's own hours use (kiosk.speech.spoken.spoken_span).
        lambda m: gettext_in(language, "{start} to {end}").format(
            start=_bare_time(m[1], m[2]), end=_bare_time(m[3], m[4])
        ),
        text,
    )
    return _TIME.sub(lambda m: _bare_time(m[1], m[2]), text)


def voice_text(text: str, language: str) -> str:
    """``text`` as ``language``'s voice should get it (small fixes for espeak-ng's known misreadings)."""
    text = spoken_times(text, language)
    if language.split("-")[0] == "uk":
        for pattern, replacement in _UK_ONE_LETTER:
            text = pattern.sub(replacement, text)
    return text


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def to_ssml(utterance: Utterance, voice_for: dict[str, str] | None = None) -> str:
    """The utterance as SSML for ``espeak-ng -m``: one ``<voice>`` per part, all text escaped.

    ``voice_for`` maps a language to the espeak-ng language to ask for (default: the same code).
    """
    voice_for = voice_for or {}
    body = "".join(
        f'<voice xml:lang="{_escape(voice_for.get(part.language, part.language))}">'
        f"{_escape(voice_text(speakable(part.text), part.language))}</voice> "
        for part in utterance.parts
    )
    return f"<speak>{body.strip()}</speak>"
