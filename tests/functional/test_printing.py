"""Printed slips: what a network receipt printer on 127.0.0.1 receives is turned back into the slip's
image; its QR code is read with zxing-cpp and its Arabic text compared with the right-to-left pipeline's
lines drawn the same way. A printer that is off, refuses, is out of paper or stops mid-slip gives a
reason within a few seconds and never hangs the caller.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date

import pytest
import zxingcpp
from PIL import Image, ImageChops

from kiosk.config import PrinterSettings
from kiosk.content.models import Place
from kiosk.i18n.rtl import layout
from kiosk.printing.compose import build_slip
from kiosk.printing.device import PrinterProblem, print_image, printer_state
from kiosk.printing.fonts import FontMissing, find_font, load_fonts
from kiosk.printing.slip import MARGIN, columns, ink, line_image, render_slip, slip_modules
from kiosk.qr import LinkPolicy
from kiosk.sources.snapshot import load_snapshot
from kiosk.takehome import page_essentials, take_home
from tests.support.fake_printer import Behaviour, FakePrinter, closed_port

try:
    FONTS = load_fonts()
except FontMissing as missing:  # pragma: no cover - .ci/run installs fonts-dejavu-core
    pytest.skip(f"slip font missing: {missing}", allow_module_level=True)

SCHOOL_PAGE = 202  # "Ein Kind in der Schule anmelden": the same id in every language of the snapshot
TODAY = date(2026, 11, 30)


def office(language: str) -> Place:
    content = load_snapshot().get(language)
    assert content is not None
    return content.places[0]


def slip_image(language: str, width: int) -> tuple[Image.Image, str, str]:
    """The slip for the bundled page in ``language``, its code's text and the page's title."""
    snapshot = load_snapshot()
    content, german = snapshot.get(language), snapshot.get("de")
    assert content is not None and german is not None
    page = next(p for p in content.pages if p.id == SCHOOL_PAGE)
    german_page = next(p for p in german.pages if p.id == SCHOOL_PAGE)
    essentials = page_essentials(page, language)
    code = take_home(
        "",
        essentials,
        office(language).phone,
        LinkPolicy([]),
        panel_modules=slip_modules(width),
        screen_modules=slip_modules(width),
    )
    assert code is not None and code.kind == "text"
    slip = build_slip(
        essentials, page_essentials(german_page, "de"), office(language), code.data, code.kind, TODAY
    )
    return render_slip(slip, width, FONTS), code.data, page.title


@pytest.fixture
def printer() -> Iterator[FakePrinter]:
    fake = FakePrinter("ok")
    yield fake
    fake.close()


def network(port: int, timeout_s: float = 2) -> PrinterSettings:
    return PrinterSettings(connection="network", host="127.0.0.1", port=port, timeout_s=timeout_s)


def decoded(image: Image.Image) -> list[str]:
    found = zxingcpp.read_barcodes(
        image.convert("L"), formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode), try_invert=False
    )
    return [code.text for code in found]


@pytest.mark.parametrize("width", [384, 576])
@pytest.mark.parametrize("language", ["ar", "de", "uk"])
def test_the_printed_slip_is_the_slip_and_its_code_scans(
    printer: FakePrinter, language: str, width: int
) -> None:
    image, data, _title = slip_image(language, width)
    print_image(network(printer.port), image)
    assert len(printer.jobs) == 1 and printer.jobs[0].cut, "one slip, cut off"
    printed = printer.jobs[0].image()
    assert printed.size == (width, image.height)
    assert ImageChops.difference(printed.convert("L"), image.convert("L")).getbbox() is None
    assert decoded(printed) == [data]
    assert data.endswith("☎ 0231 50 11 148")


def find_row(slip: Image.Image, strip: Image.Image) -> int | None:
    """The y where ``strip`` appears in ``slip`` pixel for pixel, or None."""
    target = ink(strip)
    for y in range(slip.height - target.height + 1):
        band = slip.crop((0, y, slip.width, y + target.height))
        if ImageChops.difference(band.convert("L"), target.convert("L")).getbbox() is None:
            return y
    return None


def test_an_arabic_slip_is_printed_in_visual_order_right_aligned(printer: FakePrinter) -> None:
    image, _data, title = slip_image("ar", 576)
    print_image(network(printer.port), image)
    printed = printer.jobs[0].image()
    cols = columns(576, FONTS)
    first = layout(title, cols, "rtl")[0]
    expected = line_image(first, 576, "rtl", FONTS, bold=True)
    assert find_row(printed, expected) is not None, "the title as the RTL pipeline lays it out"
    # The same letters unshaped in logical order would be another picture: the test can fail.
    logical = line_image(title[: len(first)], 576, "rtl", FONTS, bold=True)
    assert find_row(printed, logical) is None
    # Right-aligned: the title's ink ends at the right margin.
    box = expected.convert("L").point(lambda v: 255 - v).getbbox()
    assert box is not None and box[2] > 576 - MARGIN - FONTS.cell


def test_the_german_part_and_the_office_are_on_every_slip(printer: FakePrinter) -> None:
    image, _data, _title = slip_image("ar", 576)
    cols = columns(576, FONTS)
    for text in ("Westerfilder Straße 54, 44357 Dortmund",):
        line = layout(text, cols, "rtl")[0]
        assert find_row(image, line_image(line, 576, "rtl", FONTS)) is not None


@pytest.mark.parametrize(
    ("behaviour", "reason"), [("offline", "offline"), ("no_paper", "no_paper"), ("stall", "stalled")]
)
def test_a_printer_in_trouble_gives_its_reason_within_seconds(behaviour: Behaviour, reason: str) -> None:
    fake = FakePrinter(behaviour, stall_after=2048)
    try:
        image, _data, _title = slip_image("de", 576)
        started = time.monotonic()
        with pytest.raises(PrinterProblem) as problem:
            print_image(network(fake.port, timeout_s=2), image)
        assert problem.value.reason == reason
        assert time.monotonic() - started < 2 + 1.5, "never longer than the timeout and a second"
    finally:
        fake.close()


def test_a_refused_connection_is_said_at_once() -> None:
    image, _data, _title = slip_image("de", 384)
    with pytest.raises(PrinterProblem) as problem:
        print_image(network(closed_port()), image)
    assert problem.value.reason == "refused"
    state = printer_state(network(closed_port()))
    assert not state.ok and state.reason == "refused"


def test_a_one_way_printer_prints_without_status(tmp_path: object) -> None:
    fake = FakePrinter("mute")
    try:
        image, data, _title = slip_image("uk", 384)
        print_image(network(fake.port), image)
        assert decoded(fake.jobs[0].image()) == [data]
        assert printer_state(network(fake.port)).reason == "ready_no_status"
    finally:
        fake.close()


def test_no_printer_configured_is_no_printer() -> None:
    assert not PrinterSettings().enabled
    assert printer_state(PrinterSettings()).reason == "not_configured"


def test_a_missing_font_names_the_package(tmp_path: object) -> None:
    from pathlib import Path

    with pytest.raises(FontMissing, match="fonts-dejavu-core"):
        find_font("DejaVuSansMono.ttf", (Path("/nonexistent"),))


def test_kiosk_print_test_prints_a_slip_and_says_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    from pathlib import Path

    from kiosk.cli import main

    fake = FakePrinter("ok")
    try:
        config = Path(str(tmp_path)) / "printer.toml"
        config.write_text(f'[printer]\nconnection = "network"\nhost = "127.0.0.1"\nport = {fake.port}\n')
        monkeypatch.setenv("KIOSK_CONFIG", str(config))
        assert main(["print-test"]) == 0
        assert decoded(fake.jobs[0].image()) == ["tel:02315011148"]
        config.write_text(f'[printer]\nconnection = "network"\nhost = "127.0.0.1"\nport = {closed_port()}\n')
        assert main(["print-test"]) == 1, "a refused printer is a failure staff see"
        config.write_text("")
        assert main(["print-test"]) == 2, "no printer configured"
    finally:
        fake.close()
