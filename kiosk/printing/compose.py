"""What goes on a slip: the item in the visitor's language and in German, the office, the date, the code.

Everything comes from the content and the catalogs: the office's name, address, phone and hours are
the office place's own (nothing invented), and nothing about the visitor is on it or kept.
"""

from __future__ import annotations

from datetime import date

from kiosk.content.models import Place
from kiosk.i18n.catalogs import gettext, gettext_in
from kiosk.i18n.formatting import format_date
from kiosk.i18n.locales import direction as direction_of
from kiosk.i18n.locales import name_in
from kiosk.printing.slip import Slip, SlipBlock
from kiosk.takehome import CodeKind, Essentials, hours_lines

GERMAN = "de"


def code_caption(kind: CodeKind, language: str) -> str:
    """What the code holds, in ``language``: the visitor decides whether to scan it."""
    if kind == "link":
        return gettext_in(language, "Scan the code: it opens this page on your phone.")
    if kind == "text":
        return gettext_in(language, "Scan the code: it holds the text of this page.")
    return gettext_in(language, "Scan the code: it calls the office.")


def short_caption(kind: CodeKind) -> str:
    """The same in the one line under a code on screen (at most 39 cells at 80 x 24), current language."""
    if kind == "link":
        return gettext("Opens this page on your phone")
    if kind == "text":
        return gettext("Holds the text of this page")
    return gettext("Calls the office")


def office_block(office: Place, language: str) -> SlipBlock:
    """The office's name, address, phone and consultation hours, in ``language``."""
    lines = [office.name, office.address.one_line()]
    if office.phone:
        lines.append(gettext_in(language, "Phone: {number}").format(number=office.phone))
    hours = hours_lines(office.opening_hours, language)
    if hours:
        lines.append(gettext_in(language, "Open consultation hours:"))
        lines.extend(hours)
    return SlipBlock(tuple(line for line in lines if line), direction_of(language))


def build_slip(
    item: Essentials,
    german: Essentials | None,
    office: Place | None,
    code: str,
    kind: CodeKind,
    today: date,
) -> Slip:
    """The slip for ``item`` in the visitor's language, with ``german`` below unless it is German."""
    language = item.language
    direction = direction_of(language)
    blocks = [SlipBlock((item.title, *item.lines), direction)]
    if german is not None and language != GERMAN:
        heading = name_in(GERMAN, GERMAN)
        blocks.append(SlipBlock((f"{heading}: {german.title}", *german.lines), "ltr"))
    footer: list[SlipBlock] = []
    if office is not None:
        footer.append(office_block(office, language))
    footer.append(SlipBlock((format_date(today, "long", lang=language),), direction, heading=False))
    return Slip(
        tuple(blocks),
        code=code,
        code_caption=SlipBlock((code_caption(kind, language),), direction, heading=False) if code else None,
        code_after=len(blocks),
        footer=tuple(footer),
    )
