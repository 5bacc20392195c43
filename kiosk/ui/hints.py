"""The key hints in the status line: each says one key and what it does on this screen ("Esc back").

A screen lists only the hints that are true for it right now (no "1–9 link as QR code" on a page
without links), and each hint names the keys it promises, so tests (and speech) can hold it to that.
Each hint is one message, so that a right-to-left line can order them as its reader reads.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.i18n import _

DIGITS = tuple("123456789")


@dataclass(frozen=True, slots=True)
class Hint:
    """One key hint: its text in the visitor's language and the Textual keys it stands for."""

    text: str
    keys: tuple[str, ...]


def choose() -> Hint:
    return Hint(_("1–9 choose"), DIGITS)


def back() -> Hint:
    return Hint(_("Esc back"), ("escape",))


def start_page() -> Hint:
    return Hint(_("Home start page"), ("home",))


def language() -> Hint:
    return Hint(_("F2 language"), ("f2",))


def scroll() -> Hint:
    return Hint(_("Arrows scroll"), ("down", "up"))


def next_code() -> Hint:
    return Hint(_("C next code"), ("c",))


def frame() -> list[Hint]:
    """What every visitor screen offers: back, the start page, another language."""
    return [back(), start_page(), language()]
