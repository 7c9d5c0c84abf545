"""The page geometry: GB/T 9704's numbers in, the 22 × 28 grid out."""

import pytest

from speechdraft.export.layout import LARGE, STANDARD, get_layout, mm_to_twips, twips_to_mm


def test_standard_geometry_is_the_official_one():
    assert (STANDARD.page_width_twips, STANDARD.page_height_twips) == (11906, 16838)
    margins = STANDARD.margins_twips
    assert (margins["top"], margins["bottom"], margins["left"], margins["right"]) == (2098, 1984, 1587, 1474)
    assert twips_to_mm(STANDARD.text_width_twips) == pytest.approx(156, abs=0.1)
    assert twips_to_mm(STANDARD.text_height_twips) == pytest.approx(225, abs=0.1)


def test_standard_grid_is_22_lines_of_28_characters():
    assert STANDARD.lines_per_page == 22
    assert STANDARD.chars_per_line == 28
    assert STANDARD.first_line_indent_twips == 640


def test_large_print_grid_is_19_lines_of_24_characters():
    assert LARGE.body_size_pt == 18
    assert LARGE.lines_per_page == 19
    assert LARGE.chars_per_line == 24
    # The pitch grows at least in proportion to the type, so lines do not crowd.
    assert LARGE.line_pitch_twips / STANDARD.line_pitch_twips >= LARGE.body_size_pt / STANDARD.body_size_pt


def test_29pt_lines_would_lose_the_22nd_line():
    # Why the pitch is 28.95 pt and not the rounder 29 pt (DESIGN §6).
    assert STANDARD.text_height_twips // (29 * 20) == 21


def test_unknown_profile_names_the_known_ones():
    with pytest.raises(ValueError, match="standard、large"):
        get_layout("huge")


def test_mm_round_trip():
    assert mm_to_twips(25.5) == 1446
    assert twips_to_mm(mm_to_twips(37)) == pytest.approx(37, abs=0.02)
