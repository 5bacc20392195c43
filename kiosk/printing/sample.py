"""The sample slip ``kiosk print-test`` prints: the office's own page from the bundled content."""

from __future__ import annotations

from datetime import date

from PIL import Image

from kiosk.printing.compose import build_slip
from kiosk.printing.slip import render_slip
from kiosk.qr import tel_link
from kiosk.sources.snapshot import load_snapshot
from kiosk.takehome import page_essentials

OFFICE_PAGE = 1


def sample_slip(language: str, width: int, today: date) -> Image.Image:
    """The slip for the office's page in ``language`` (LookupError if the snapshot lacks it)."""
    snapshot = load_snapshot()
    content, german = snapshot.get(language), snapshot.get("de")
    if content is None or german is None or not content.places:
        raise LookupError(f"the bundled content has no {language!r} text to print; try --language de")
    page = next((p for p in content.pages if p.id == OFFICE_PAGE), None)
    german_page = next((p for p in german.pages if p.id == OFFICE_PAGE), None)
    if page is None or german_page is None:
        raise LookupError("the bundled content has no office page")
    office = content.places[0]
    code = tel_link(office.phone) or ""
    slip = build_slip(
        page_essentials(page, language), page_essentials(german_page, "de"), office, code, "tel", today
    )
    return render_slip(slip, width)
