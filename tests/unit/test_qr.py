"""QR matrix and terminal rows: what a phone camera reads back must be exactly the link."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.qr import (
    DEFAULT_ALLOWED_HOSTS,
    LinkPolicy,
    best_scale,
    print_qr,
    qr_matrix,
    render_rows,
    rows_needed,
)
from tests.support.qr_screen import decode_text_rows, strip_ansi

LINK = "https://integreat.app/dortmund/de/willkommen/beratung"


def test_matrix_is_square_with_a_light_quiet_zone_of_four_modules() -> None:
    matrix = qr_matrix(LINK)
    size = len(matrix)
    assert all(len(row) == size for row in matrix)
    for i in range(4):
        assert not any(matrix[i]) and not any(matrix[size - 1 - i])
        assert not any(row[i] for row in matrix) and not any(row[size - 1 - i] for row in matrix)
    assert matrix[4][4]  # the corner of the top-left finder pattern is dark


def test_text_too_long_for_any_qr_code_is_an_error() -> None:
    with pytest.raises(ValueError, match="does not fit"):
        qr_matrix("x" * 3000)


def test_half_blocks_draw_dark_modules_in_the_foreground() -> None:
    matrix = [[True, False], [False, True]]
    assert render_rows(matrix, 1) == ["▀▄"]
    assert render_rows(matrix, 2) == ["██  ", "  ██"]
    assert render_rows([[True, True], [False, False], [True, False]], 1) == ["▀▀", "▀ "]


def test_rows_are_square_modules_at_every_scale() -> None:
    matrix = qr_matrix(LINK)
    size = len(matrix)
    for scale in (1, 2, 3):
        rows = render_rows(matrix, scale)
        assert len(rows) == rows_needed(size, scale) == (size * scale + 1) // 2
        assert {len(row) for row in rows} == {size * scale}
        assert set("".join(rows)) <= set(" ▀▄█")
    with pytest.raises(ValueError, match="scale"):
        render_rows(matrix, 0)


@pytest.mark.parametrize("scale", [1, 2, 3])
def test_rows_decode_to_the_link(scale: int) -> None:
    assert decode_text_rows(render_rows(qr_matrix(LINK), scale)) == [LINK]


def test_an_inverted_code_is_not_accepted_by_the_reader() -> None:
    # Guards the helper itself: light modules on dark ground fail on many phones, so they must fail here.
    swap = str.maketrans("▀▄█ ", "▄▀ █")
    inverted = [row.translate(swap) for row in render_rows(qr_matrix(LINK), 2)]
    assert decode_text_rows(inverted) == []


@pytest.mark.parametrize(
    ("size", "width", "height", "scale"),
    [
        (41, 80, 24, 1),
        (41, 82, 41, 2),
        (41, 200, 60, 2),
        (41, 200, 62, 3),
        (41, 81, 20, 0),  # 21 rows needed
        (41, 40, 100, 0),
    ],
)
def test_best_scale_is_the_largest_that_fits(size: int, width: int, height: int, scale: int) -> None:
    assert best_scale(size, width, height) == scale
    if scale:
        assert size * scale <= width and rows_needed(size, scale) <= height
    assert size * (scale + 1) > width or rows_needed(size, scale + 1) > height


def test_no_scale_for_an_empty_matrix() -> None:
    assert best_scale(0, 80, 24) == 0


def test_print_qr_is_black_on_white_with_the_text_below() -> None:
    out = io.StringIO()
    print_qr(LINK, out)
    lines = out.getvalue().splitlines()
    code_rows = rows_needed(len(qr_matrix(LINK)), 1)
    assert all(line.startswith("\x1b[38;5;16;48;5;231m") for line in lines[:code_rows])
    assert all(line.endswith("\x1b[0m") for line in lines[:code_rows])
    assert lines[code_rows:] == [LINK]
    assert decode_text_rows(lines) == [LINK]


def test_print_qr_without_colour_and_with_a_multi_line_payload() -> None:
    vcard = "BEGIN:VCARD\nFN:Büro Westerfilde\nEND:VCARD"
    out = io.StringIO()
    print_qr(vcard, out, color=False)
    assert "\x1b" not in out.getvalue()
    assert out.getvalue().endswith("BEGIN:VCARD\nFN:Büro Westerfilde\nEND:VCARD\n")
    assert decode_text_rows(out.getvalue().splitlines()) == [vcard]


def test_print_qr_never_writes_control_characters_from_the_text() -> None:
    out = io.StringIO()
    print_qr("https://dortmund.de/\x1b[2J\x07", out)
    assert strip_ansi(out.getvalue()) == out.getvalue().replace("\x1b[38;5;16;48;5;231m", "").replace(
        "\x1b[0m", ""
    )
    assert "\x07" not in out.getvalue()
    assert out.getvalue().splitlines()[-1] == "https://dortmund.de/\ufffd[2J\ufffd"


_PATH_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/?#[]@!$&'()*+,;=%:"
_labels = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=20)


@st.composite
def allowed_links(draw: st.DrawFn) -> str:
    host = draw(st.sampled_from(DEFAULT_ALLOWED_HOSTS))
    subdomains = draw(st.lists(_labels, max_size=2))
    authority = ".".join([*subdomains, host])
    room = 300 - len("https://") - len(authority) - 1
    path = draw(st.text(_PATH_CHARS, max_size=room))
    return f"https://{authority}/{path}"


@settings(max_examples=60, deadline=None)
@given(link=allowed_links(), scale=st.integers(min_value=1, max_value=2))
def test_any_allowed_link_round_trips_through_the_terminal_rows(link: str, scale: int) -> None:
    assert len(link) <= 300
    target = LinkPolicy(DEFAULT_ALLOWED_HOSTS).qr_target(link)
    assert target == link
    assert decode_text_rows(render_rows(qr_matrix(target), scale)) == [link]
