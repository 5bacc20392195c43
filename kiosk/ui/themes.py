"""High-contrast themes: every text colour meets WCAG AA (4.5:1) on its background."""

from __future__ import annotations

from textual.theme import Theme

CONTRAST_DARK = Theme(
    name="contrast-dark",
    primary="#ffd54f",  # amber on near-black: 13:1
    secondary="#90caf9",
    accent="#ffd54f",
    foreground="#ffffff",
    background="#0d0d0d",
    surface="#1a1a1a",
    panel="#262626",
    success="#81c784",
    warning="#ffb74d",
    error="#ff8a80",
    dark=True,
    variables={"footer-background": "#262626", "block-cursor-text-style": "bold"},
)

CONTRAST_LIGHT = Theme(
    name="contrast-light",
    primary="#0b3d91",  # dark blue on white: 11:1
    secondary="#5c2d91",
    accent="#0b3d91",
    foreground="#000000",
    background="#ffffff",
    surface="#f2f2f2",
    panel="#e0e0e0",
    success="#1b5e20",
    warning="#8a4b00",
    error="#b00020",
    dark=False,
    variables={"footer-background": "#e0e0e0", "block-cursor-text-style": "bold"},
)

THEMES = (CONTRAST_DARK, CONTRAST_LIGHT)
