"""The QRCode widget on a real (headless) Textual screen: it scans at every size, in every theme."""

from __future__ import annotations

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.containers import Container
from textual.widgets import Static

from kiosk.i18n import _
from kiosk.qr import qr_matrix, render_rows, rows_needed
from kiosk.ui.widgets.qr_code import QRCode
from tests.support.qr_screen import decode_screen, screen_lines

LINK = "https://integreat.app/dortmund/de/willkommen/beratung"
THEMES = ["textual-dark", "textual-light"]


class QRApp(App[None]):
    """Only a QRCode, in a container of a given size (the whole screen by default)."""

    CSS = """
    #box { width: 100%; height: 100%; }
    #box.sized QRCode { width: 1fr; height: 1fr; }
    """

    def __init__(self, theme: str, data: str = LINK, label: str = "", sized: bool = True) -> None:
        super().__init__()
        self.theme_name = theme
        self.data, self.label, self.sized = data, label, sized

    def compose(self) -> ComposeResult:
        with Container(id="box", classes="sized" if self.sized else ""):
            yield QRCode(self.data, self.label)

    def on_mount(self) -> None:
        self.theme = self.theme_name


def squeezed(text: str) -> str:
    return "".join(text.split())


def assert_largest_scale(widget: QRCode) -> None:
    width, height = widget.content_size
    size, scale = widget.matrix_size, widget.scale
    assert scale >= 1
    assert size * scale <= width and rows_needed(size, scale) <= height
    assert size * (scale + 1) > width or rows_needed(size, scale + 1) > height


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 60)])
async def test_code_scans_at_the_largest_scale_that_fits(theme: str, size: tuple[int, int]) -> None:
    app = QRApp(theme)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert decode_screen(app) == [LINK]
        assert_largest_scale(app.query_one(QRCode))


@pytest.mark.parametrize("theme", THEMES)
async def test_too_small_shows_the_link_and_a_hint_never_a_cropped_code(theme: str) -> None:
    app = QRApp(theme)
    async with app.run_test(size=(30, 12)) as pilot:
        await pilot.pause()
        assert decode_screen(app) == []
        assert app.query_one(QRCode).scale == 0
        screen = squeezed("".join(screen_lines(app)))
        assert squeezed(LINK) in screen
        assert squeezed(_("Make the window larger to show the QR code.")) in screen
        assert not set("▀▄█") & set(screen)


async def test_text_too_long_for_any_code_is_shown_shortened() -> None:
    app = QRApp("textual-dark", data="https://dortmund.de/" + "a" * 3000)
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.pause()
        assert app.query_one(QRCode).scale == 0
        assert decode_screen(app) == []
        screen = squeezed("".join(screen_lines(app)))
        assert screen.startswith("https://dortmund.de/aaa")
        assert "…" in screen
        assert squeezed(_("Make the window larger to show the QR code.")) in screen


@pytest.mark.parametrize("theme", THEMES)
async def test_code_grows_and_shrinks_with_the_window(theme: str) -> None:
    app = QRApp(theme)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        widget = app.query_one(QRCode)
        small = widget.scale
        await pilot.resize_terminal(200, 60)
        await pilot.pause()
        assert widget.scale > small
        assert decode_screen(app) == [LINK]
        await pilot.resize_terminal(30, 12)
        await pilot.pause()
        assert widget.scale == 0
        assert decode_screen(app) == []


@pytest.mark.parametrize("theme", THEMES)
async def test_label_below_the_code(theme: str) -> None:
    app = QRApp(theme, label="Scan for the website")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert decode_screen(app) == [LINK]
        lines = screen_lines(app)
        label_row = next(y for y, line in enumerate(lines) if "Scan for the website" in line)
        last_code_row = max(y for y, line in enumerate(lines) if set("▀▄█") & set(line))
        # Right below the code's quiet zone (two rows at scale 1), centred under the code.
        assert last_code_row < label_row <= last_code_row + 3
        code_lines = [line for line in lines if set("▀▄█") & set(line)]
        code_left = min(len(line) - len(line.lstrip()) for line in code_lines)
        code_centre = (code_left + max(len(line.rstrip()) for line in code_lines)) / 2
        label_line = lines[label_row]
        label_centre = (len(label_line) - len(label_line.lstrip()) + len(label_line.rstrip())) / 2
        assert abs(code_centre - label_centre) <= 1


async def test_a_label_that_does_not_fit_gives_way_to_the_code() -> None:
    matrix_size = len(qr_matrix(LINK))
    app = QRApp("textual-dark", label="Scan me")
    # Exactly as many rows as the code needs: no room for the label.
    async with app.run_test(size=(80, rows_needed(matrix_size, 1))) as pilot:
        await pilot.pause()
        assert decode_screen(app) == [LINK]
        assert "Scan me" not in "".join(screen_lines(app))


@pytest.mark.parametrize("theme", THEMES)
async def test_default_size_is_the_code_at_scale_one(theme: str) -> None:
    app = QRApp(theme, label="Scan me", sized=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        widget = app.query_one(QRCode)
        matrix_size = len(qr_matrix(LINK))
        assert widget.size == (matrix_size, rows_needed(matrix_size, 1) + 1)
        assert decode_screen(app) == [LINK]


class SmallBoxApp(QRApp):
    CSS = "#box { width: 30; height: 12; }"


async def test_default_size_in_a_small_box_falls_back_instead_of_cropping() -> None:
    app = SmallBoxApp("textual-dark", sized=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        widget = app.query_one(QRCode)
        assert widget.size.width <= 30 and widget.size.height <= 12
        assert widget.scale == 0
        assert decode_screen(app) == []
        assert squeezed(LINK) in squeezed("".join(screen_lines(app)))


async def test_text_is_shown_literally_never_as_markup() -> None:
    data = "https://dortmund.de/[b]x[/b]\x1b[2J"
    app = QRApp("textual-dark", data=data, label="[red]Scan[/red]")
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        screen = "".join(screen_lines(app))
        assert "[b]x[/b]" in squeezed(screen)
        assert "\x1b" not in screen
    async with QRApp("textual-dark", data=data, label="[red]Scan[/red]").run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert decode_screen(pilot.app) == [data]
        assert "[red]Scan[/red]" in "".join(screen_lines(pilot.app))


class ThemeColouredApp(App[None]):
    """A code drawn in the theme's own colours: light modules on a dark ground."""

    def compose(self) -> ComposeResult:
        yield Static(Text("\n".join(render_rows(qr_matrix(LINK), 1))))

    def on_mount(self) -> None:
        self.theme = "textual-dark"


async def test_reader_refuses_a_code_in_theme_colours() -> None:
    # Guards the screen reader itself: a code that inverts in a dark theme must not count as scannable.
    app = ThemeColouredApp()
    async with app.run_test(size=(80, 30)) as pilot:
        await pilot.pause()
        assert any("█" in line for line in screen_lines(app))
        assert decode_screen(app) == []
