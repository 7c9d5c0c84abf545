"""The exported seed speech rendered by LibreOffice and measured on the page (pdftotext -bbox-layout).

Each profile is rendered once per module; every test reads the same PDF. The seed's body is pure CJK,
so one character is one cell of the 28-character (or 24-character) line.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from speechdraft.export.builder import ExportOptions, build_docx, document_from_parsed
from speechdraft.export.layout import PROFILES, PageLayout
from speechdraft.export.preview import render_pdf
from speechdraft.text.loading import load_document
from speechdraft.text.parser import parse_speech
from tests.export.pdf_measure import Line, Page, pdf_font_names, pdf_pages

pytestmark = pytest.mark.soffice

SEED_004 = Path(__file__).resolve().parents[2] / "speechdraft/library/seeds/004_4dc910b79fc57e09.txt"
DATE_LINE = "（2024年7月20日）"

# 避头尾: characters a line may not start with, and characters it may not end with (GB/T 15834 usage).
NO_LINE_START = set("。，、；：？！）】」』》〉”’…—·％")
NO_LINE_END = set("（【「『《〈“‘")
TOLERANCE = 0.6  # pt; pdftotext rounds glyph boxes to ~0.1 pt, LibreOffice positions to twips


@dataclasses.dataclass(frozen=True)
class Rendering:
    layout: PageLayout
    paragraphs: tuple[str, ...]  # every printed paragraph, in order, as exported
    pages: list[Page]
    fonts: list[str]

    def pt(self, twips: int) -> float:
        return twips / 20

    @property
    def left(self) -> float:
        return self.pt(self.layout.margins_twips["left"])

    @property
    def right(self) -> float:
        return self.pt(self.layout.page_width_twips - self.layout.margins_twips["right"])

    @property
    def top(self) -> float:
        return self.pt(self.layout.margins_twips["top"])

    @property
    def bottom(self) -> float:
        return self.pt(self.layout.page_height_twips - self.layout.margins_twips["bottom"])

    def body_lines(self, page: Page) -> list[Line]:
        return [line for line in page.lines if line.y_min < self.bottom]

    def footer_lines(self, page: Page) -> list[Line]:
        return [line for line in page.lines if line.y_min >= self.bottom]


@pytest.fixture(scope="module", params=sorted(PROFILES))
def rendered(request) -> Rendering:
    loaded = load_document(SEED_004.name, SEED_004.read_bytes())
    doc = document_from_parsed(parse_speech(loaded.text))
    # The seed has no date line; a real speech usually does, and it exercises the 楷体 mapping.
    doc = dataclasses.replace(doc, subtitle_lines=(DATE_LINE,))
    options = ExportOptions(profile=request.param, bold_subpoint_leads=request.param == "large")
    pdf = render_pdf(build_docx(doc, options))
    paragraphs = [doc.title, *doc.subtitle_lines, doc.salutation, *doc.opening]
    for part in doc.parts:
        paragraphs.extend(
            part.paragraphs if not part.run_in else (part.heading + part.paragraphs[0], *part.paragraphs[1:])
        )
    paragraphs.extend(doc.closing)
    return Rendering(options.layout, tuple(paragraphs), pdf_pages(pdf), pdf_font_names(pdf))


def test_the_whole_text_is_printed_once_in_order(rendered):
    printed = "".join(line.text for page in rendered.pages for line in rendered.body_lines(page))
    assert printed == "".join(rendered.paragraphs).replace(" ", "")


def test_every_full_page_holds_the_grid_of_lines(rendered):
    layout = rendered.layout
    full_pages = rendered.pages[:-1]
    assert len(full_pages) >= 3
    # The grid is the same on every page; page 2 starts with a body line, so it fixes the origin.
    origin = rendered.body_lines(rendered.pages[1])[0].y_min
    pitch = layout.line_pitch_twips / 20
    for page in full_pages:
        lines = rendered.body_lines(page)
        slots = [(line.y_min - origin) / pitch for line in lines]
        assert all(abs(slot - round(slot)) < 0.15 for slot in slots), (page.number, slots)
        assert [round(slot) for slot in slots] == sorted({round(slot) for slot in slots})
        assert round(slots[-1]) == layout.lines_per_page - 1, page.number
        # Page 1 leaves one grid line empty between the title block and the salutation.
        expected = layout.lines_per_page - (1 if page.number == 1 else 0)
        assert len(lines) == expected, page.number


def cells(text: str) -> float:
    """Width of a line in character cells: Latin-1 letters, digits and × print half-width."""
    return sum(0.5 if ord(char) < 0x2000 else 1 for char in text)


def test_full_body_lines_hold_the_designed_number_of_characters(rendered):
    layout = rendered.layout
    lines = [line for page in rendered.pages for line in rendered.body_lines(page)]
    indent = 2 * layout.body_size_twips / 20
    counted = exact = 0
    for line, following in zip(lines, lines[1:], strict=False):
        if line.x_max < rendered.right - 1.5:
            continue  # the last line of a paragraph, the title or the salutation
        if abs(line.x_min - rendered.left) < 1:
            expected = layout.chars_per_line
        elif abs(line.x_min - rendered.left - indent) < 1:
            expected = layout.chars_per_line - 2  # first line, indented by two characters
        else:
            pytest.fail(f"justified line starts neither at the margin nor at the indent: {line}")
        counted += 1
        shortfall = expected - cells(line.text)
        assert 0 <= shortfall < 2, line
        if shortfall == 0:
            exact += 1
        elif shortfall < 1:
            assert cells(line.text) != len(line.text), line  # only a half-width character leaves half a cell
        else:
            # One character fewer only where 避头尾 carried it over: the next line starts with an opening
            # mark, or its second character is one a line may not start with.
            assert following.text[0] in NO_LINE_END or following.text[1] in NO_LINE_START, (line, following)
    assert counted > 60
    assert exact / counted > 0.8


def test_page_numbers_sit_one_character_in_right_on_odd_and_left_on_even_pages(rendered):
    layout = rendered.layout
    one_char = layout.page_number_indent_twips / 20
    footer_floor = rendered.pages[0].height - layout.footer_distance_mm * 72 / 25.4
    for page in rendered.pages:
        (number,) = rendered.footer_lines(page)
        assert number.text.replace(" ", "") == f"—{page.number}—"
        assert rendered.bottom < number.y_min
        assert number.y_max == pytest.approx(footer_floor, abs=1.5)  # footer distance ≈ 25.5 mm
        if page.number % 2:
            assert number.x_max == pytest.approx(rendered.right - one_char, abs=1.5)
        else:
            assert number.x_min == pytest.approx(rendered.left + one_char, abs=1.5)


def test_nothing_is_printed_outside_the_margins(rendered):
    for page in rendered.pages:
        for line in page.lines:
            assert rendered.left - TOLERANCE <= line.x_min and line.x_max <= rendered.right + TOLERANCE, line
        for line in rendered.body_lines(page):
            assert rendered.top - TOLERANCE <= line.y_min and line.y_max <= rendered.bottom + TOLERANCE, line


def test_the_title_is_centred_and_the_last_page_is_not_empty(rendered):
    title = rendered.pages[0].lines[0]
    assert title.text == rendered.paragraphs[0]
    assert (title.x_min + title.x_max) / 2 == pytest.approx((rendered.left + rendered.right) / 2, abs=1)
    last_lines = rendered.body_lines(rendered.pages[-1])
    assert last_lines and last_lines[-1].text.endswith(rendered.paragraphs[-1][-5:])


def test_each_official_font_is_rendered_with_its_own_mapped_face(rendered):
    fonts = rendered.fonts
    assert any("UMing" in name for name in fonts)  # 仿宋_GB2312 body
    assert any("UKai" in name for name in fonts)  # 楷体_GB2312 date line
    assert any("NotoSansCJK" in name for name in fonts)  # 黑体 part headings
    assert any("NotoSerifCJK" in name and "Bold" in name for name in fonts)  # 方正小标宋简体 title
    assert any("NotoSerifCJK" in name and "Regular" in name for name in fonts)  # 宋体 page numbers
    assert not any("DejaVu" in name for name in fonts)  # nothing fell back to the default face
