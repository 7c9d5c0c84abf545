"""Page geometry of the exported speech: the numbers of GB/T 9704-2012 and of the large-print profile.

Everything is kept in the units Word stores (twips = 1/20 pt, half-points for font sizes) so that the
builder writes exactly these integers and the tests read the same integers back. The lines a page and
characters a line are *derived* from the geometry rather than declared, so a change to a margin or a
font size that breaks the 22 × 28 grid shows up as a failing number instead of a silently wrong page.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

TWIPS_PER_PT = 20
TWIPS_PER_MM = 1440 / 25.4


def mm_to_twips(mm: float) -> int:
    return round(mm * TWIPS_PER_MM)


def twips_to_mm(twips: int) -> float:
    return twips / TWIPS_PER_MM


@dataclass(frozen=True)
class PageLayout:
    name: str
    label: str  # shown to users (profile picker, report)
    page_width_mm: float
    page_height_mm: float
    margin_top_mm: float
    margin_bottom_mm: float
    margin_left_mm: float
    margin_right_mm: float
    footer_distance_mm: float
    header_distance_mm: float
    body_size_pt: float
    title_size_pt: float
    page_number_size_pt: float
    # Exact line spacing and the docGrid pitch: one value, so every body line sits on the grid.
    line_pitch_twips: int
    # Letter spacing in twips (w:spacing on the run properties); it tunes how many characters fill a line.
    char_spacing_twips: int

    @property
    def page_width_twips(self) -> int:
        return mm_to_twips(self.page_width_mm)

    @property
    def page_height_twips(self) -> int:
        return mm_to_twips(self.page_height_mm)

    @property
    def margins_twips(self) -> dict[str, int]:
        return {
            "top": mm_to_twips(self.margin_top_mm),
            "bottom": mm_to_twips(self.margin_bottom_mm),
            "left": mm_to_twips(self.margin_left_mm),
            "right": mm_to_twips(self.margin_right_mm),
            "header": mm_to_twips(self.header_distance_mm),
            "footer": mm_to_twips(self.footer_distance_mm),
        }

    @property
    def text_width_twips(self) -> int:
        m = self.margins_twips
        return self.page_width_twips - m["left"] - m["right"]

    @property
    def text_height_twips(self) -> int:
        m = self.margins_twips
        return self.page_height_twips - m["top"] - m["bottom"]

    @property
    def body_size_twips(self) -> int:
        return round(self.body_size_pt * TWIPS_PER_PT)

    @property
    def char_advance_twips(self) -> int:
        """Width one full-width character takes on a body line, letter spacing included."""
        return self.body_size_twips + self.char_spacing_twips

    @property
    def chars_per_line(self) -> int:
        return self.text_width_twips // self.char_advance_twips

    @property
    def lines_per_page(self) -> int:
        return self.text_height_twips // self.line_pitch_twips

    @property
    def first_line_indent_twips(self) -> int:
        """Two characters of the body font: GB/T 9704 indents every body paragraph by 2 字."""
        return 2 * self.body_size_twips

    @property
    def page_number_indent_twips(self) -> int:
        """One character of the page-number font: odd numbers sit 1 字 in from the right, even from the left."""
        return round(self.page_number_size_pt * TWIPS_PER_PT)


# GB/T 9704-2012 §5.2: A4, type area 156 × 225 mm, top 37 mm, left 28 mm; 3号 仿宋, 22 lines × 28 chars.
# 28.95 pt is the largest pitch at which 22 lines fit 225 mm in LibreOffice (29 pt gives 21), and −0.25 pt
# letter spacing is what makes 28 characters of 16 pt fit 156 mm instead of 27.
STANDARD = PageLayout(
    name="standard",
    label="标准（3号字，每页22行×28字）",
    page_width_mm=210,
    page_height_mm=297,
    margin_top_mm=37,
    margin_bottom_mm=35,
    margin_left_mm=28,
    margin_right_mm=26,
    footer_distance_mm=25.5,
    header_distance_mm=15,
    body_size_pt=16,
    title_size_pt=22,
    page_number_size_pt=14,
    line_pitch_twips=579,
    char_spacing_twips=-5,
)

# Reading copy for the speaker: 小二 (18 pt) on the same type area. The pitch is the 16 → 18 pt scaling
# of 28.95 pt (32.6 pt) rounded up to 33.5 pt, the pitch at which a whole number of lines (19) fills the
# 225 mm type area; +0.35 pt letter spacing spreads 24 characters across the full 156 mm measure, so the
# reading copy keeps a regular grid of 19 lines × 24 characters.
LARGE = replace(
    STANDARD,
    name="large",
    label="大字号（小二号字，每页19行×24字）",
    body_size_pt=18,
    title_size_pt=24,
    line_pitch_twips=670,
    char_spacing_twips=7,
)

PROFILES: dict[str, PageLayout] = {layout.name: layout for layout in (STANDARD, LARGE)}


def get_layout(profile: str) -> PageLayout:
    try:
        return PROFILES[profile]
    except KeyError:
        names = "、".join(PROFILES)
        raise ValueError(f"未知的版式“{profile}”，请选择：{names}。") from None
