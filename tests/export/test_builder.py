"""The .docx read back: with python-docx as Word users' tools see it, and as raw XML where python-docx
has no API (East Asian fonts, character-based indents, the line grid, fields)."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

from speechdraft.export.builder import (
    ExportDocument,
    ExportFonts,
    ExportOptions,
    ExportPart,
    build_docx,
    document_from_parsed,
    export_filename,
)
from speechdraft.text.loading import load_document
from speechdraft.text.parser import parse_speech

SEEDS = Path(__file__).resolve().parents[2] / "speechdraft/library/seeds"
THEME_ATTRIBUTES = re.compile(rb"w:(asciiTheme|eastAsiaTheme|hAnsiTheme|cstheme)=")

SPEECH = ExportDocument(
    title="在全区人大代表培训班上的讲话",
    subtitle_lines=("区人大常委会主任 ×××", "（2024年7月20日）"),
    salutation="各位代表、同志们：",
    opening=("经过大家的共同努力，我们圆满完成了集中培训任务。",),
    parts=(
        ExportPart(
            heading="一、提高认识，增强当好人大代表的责任感。",
            paragraphs=(
                "宪法规定，一切权力属于人民。一是要深刻认识人大代表是国家权力机关的主体。代表法规定。"
                "二是要深刻认识人大代表是一种职务。人大代表不是一种荣誉。",
                "（一）坚持党的领导",
                "1.加强学习。要牢固树立终身学习的理念。",
            ),
            run_in=True,
        ),
        ExportPart(heading="第二，要认真履职", paragraphs=("人大代表是人民代表大会的主体。",), run_in=False),
    ),
    closing=("同志们，人大代表职责神圣、使命光荣！",),
)


def open_docx(data: bytes):
    return Document(io.BytesIO(data))


def xml_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist() if name.endswith((".xml", ".rels"))}


def style_chain(style):
    while style is not None:
        yield style
        style = style.base_style


def east_asia_font(run, paragraph, document) -> str | None:
    """The East Asian font Word would use for ``run``: run, character style, paragraph style, defaults."""
    elements = [run._r.rPr]
    if run.style is not None and run._r.rPr is not None and run._r.rPr.rStyle is not None:
        elements += [style.element.rPr for style in style_chain(run.style)]
    elements += [style.element.rPr for style in style_chain(paragraph.style)]
    elements.append(document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}"))
    for rpr in elements:
        fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
        if fonts is not None and fonts.get(qn("w:eastAsia")):
            return fonts.get(qn("w:eastAsia"))
    return None


def size_pt(paragraph, run=None) -> float:
    for style in ([run.style] if run is not None and run.style is not None else []) + list(
        style_chain(paragraph.style)
    ):
        if style.font.size is not None:
            return style.font.size.pt
    raise AssertionError("no size on any style")


@pytest.fixture(scope="module")
def standard() -> bytes:
    return build_docx(SPEECH, ExportOptions(bold_subpoint_leads=True))


def test_page_is_a4_with_the_official_margins(standard):
    section = open_docx(standard).sections[0]
    for length, mm in [
        (section.page_width, 210),
        (section.page_height, 297),
        (section.top_margin, 37),
        (section.bottom_margin, 35),
        (section.left_margin, 28),
        (section.right_margin, 26),
        (section.footer_distance, 25.5),
    ]:
        assert length.mm == pytest.approx(mm, abs=0.1)
    margins = section._sectPr.find(qn("w:pgMar"))
    assert [margins.get(qn(f"w:{side}")) for side in ("top", "bottom", "left", "right")] == [
        "2098",
        "1984",
        "1587",
        "1474",
    ]


def test_body_style_is_16pt_exact_28_95pt_lines_on_a_line_grid(standard):
    document = open_docx(standard)
    normal = document.styles["Normal"]
    assert normal.font.size == Pt(16)
    fmt = normal.paragraph_format
    assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert fmt.line_spacing.twips == 579
    assert fmt.space_before == 0 and fmt.space_after == 0
    assert fmt.widow_control is False
    ppr = normal.element.pPr
    indent = ppr.find(qn("w:ind"))
    assert indent.get(qn("w:firstLine")) == "640" and indent.get(qn("w:firstLineChars")) == "200"
    assert ppr.find(qn("w:overflowPunct")).get(qn("w:val")) == "0"
    assert normal.element.rPr.find(qn("w:spacing")).get(qn("w:val")) == "-5"
    grid = document.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines" and grid.get(qn("w:linePitch")) == "579"
    defaults = document.styles.element.find(qn("w:docDefaults"))
    assert defaults.find(f".//{qn('w:spacing')}").get(qn("w:line")) == "579"
    assert defaults.find(f".//{qn('w:sz')}").get(qn("w:val")) == "32"


def test_no_theme_fonts_and_east_asian_fonts_on_every_style(standard):
    for name, xml in xml_parts(standard).items():
        assert not THEME_ATTRIBUTES.search(xml), name
    document = open_docx(standard)
    for style in document.styles:
        if style.style_id == "DefaultParagraphFont":
            continue
        fonts = [s.element.rPr.find(qn("w:rFonts")) for s in style_chain(style) if s.element.rPr is not None]
        fonts = [f for f in fonts if f is not None]
        assert fonts, style.name
        for attribute in ("ascii", "hAnsi", "eastAsia", "cs"):
            assert fonts[0].get(qn(f"w:{attribute}")), (style.name, attribute)
    assert b'w:eastAsia="zh-CN"' in xml_parts(standard)["word/settings.xml"]


def test_every_run_resolves_to_the_font_of_its_role(standard):
    document = open_docx(standard)
    seen = {}
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            font = east_asia_font(run, paragraph, document)
            assert font, run.text
            seen[run.text] = (font, size_pt(paragraph, run))
    assert seen["在全区人大代表培训班上的讲话"] == ("方正小标宋简体", 22)
    assert seen["（2024年7月20日）"] == ("楷体_GB2312", 16)
    assert seen["各位代表、同志们："] == ("仿宋_GB2312", 16)
    assert seen["一、提高认识，增强当好人大代表的责任感。"] == ("黑体", 16)
    assert seen["宪法规定，一切权力属于人民。"] == ("仿宋_GB2312", 16)
    assert seen["（一）坚持党的领导"] == ("楷体_GB2312", 16)
    assert seen["1.加强学习。"] == ("仿宋_GB2312", 16)
    assert seen["第二，要认真履职"] == ("黑体", 16)
    assert seen["同志们，人大代表职责神圣、使命光荣！"] == ("仿宋_GB2312", 16)


def test_title_and_date_are_centred_and_salutation_is_flush_left(standard):
    document = open_docx(standard)
    by_text = {p.text: p for p in document.paragraphs}
    for text in ("在全区人大代表培训班上的讲话", "（2024年7月20日）"):
        style = by_text[text].style
        assert style.paragraph_format.alignment == 1  # centre
        assert style.element.pPr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "0"
    title_ppr = by_text["在全区人大代表培训班上的讲话"].style.element.pPr
    assert title_ppr.find(qn("w:snapToGrid")).get(qn("w:val")) == "0"
    salutation = by_text["各位代表、同志们："].style.element.pPr.find(qn("w:ind"))
    assert salutation.get(qn("w:firstLine")) == "0" and salutation.get(qn("w:firstLineChars")) == "0"
    # One empty grid line between the title block and the salutation, and none anywhere else.
    texts = [p.text for p in document.paragraphs]
    assert texts[:5] == [
        "在全区人大代表培训班上的讲话",
        "区人大常委会主任 ×××",
        "（2024年7月20日）",
        "",
        "各位代表、同志们：",
    ]
    assert texts.count("") == 1


def test_run_in_heading_shares_its_paragraph_with_the_body(standard):
    document = open_docx(standard)
    paragraph = next(p for p in document.paragraphs if p.text.startswith("一、"))
    assert paragraph.style.name == "Normal"
    assert paragraph.runs[0].style.name == "一级标题字符"
    assert paragraph.text.startswith("一、提高认识，增强当好人大代表的责任感。宪法规定")
    own_line = next(p for p in document.paragraphs if p.text.startswith("第二，"))
    assert own_line.style.name == "一级标题" and own_line.text == "第二，要认真履职"
    assert own_line.paragraph_format.keep_with_next is None  # formatting comes from the style
    assert own_line.style.paragraph_format.keep_with_next is True
    assert own_line.style.element.pPr.find(qn("w:outlineLvl")).get(qn("w:val")) == "0"


def test_subpoint_leads_are_bold_only_when_asked(standard):
    document = open_docx(standard)
    bold = [r.text for p in document.paragraphs for r in p.runs if r.style.name == "分项要点"]
    assert bold == ["一是要深刻认识人大代表是国家权力机关的主体。", "二是要深刻认识人大代表是一种职务。"]
    assert document.styles["分项要点"].font.bold is True
    plain = open_docx(build_docx(SPEECH))
    assert not [r for p in plain.paragraphs for r in p.runs if r.style.name == "分项要点"]


def test_odd_and_even_footers_carry_a_page_field_on_opposite_sides(standard):
    document = open_docx(standard)
    assert document.settings.odd_and_even_pages_header_footer is True
    section = document.sections[0]
    for footer, alignment, indent_side in (
        (section.footer, "right", "right"),
        (section.even_page_footer, "left", "left"),
    ):
        assert not footer.is_linked_to_previous
        (paragraph,) = footer.paragraphs
        xml = paragraph._p
        kinds = [f.get(qn("w:fldCharType")) for f in xml.iter(qn("w:fldChar"))]
        assert kinds == ["begin", "separate", "end"]
        assert [i.text.strip() for i in xml.iter(qn("w:instrText"))] == ["PAGE"]
        assert paragraph.text == "— 1 —"
        style = paragraph.style
        assert style.element.pPr.find(qn("w:jc")).get(qn("w:val")) == alignment
        assert style.element.pPr.find(qn("w:ind")).get(qn(f"w:{indent_side}")) == "280"  # one 14 pt char
        run = paragraph.runs[0]
        assert east_asia_font(run, paragraph, document) == "宋体"
        assert size_pt(paragraph) == 14


def test_control_characters_are_dropped_and_markup_and_emoji_survive():
    doc = ExportDocument(
        title="关于<代表>&“建议”\x00的讲话\x07",
        opening=("第一段\x1b含有 <b>标签</b> & 符号 😀\ud800，还有\x0c分页。", "换行\r\n之后\u2028另起一段"),
    )
    data = build_docx(doc)
    texts = [p.text for p in open_docx(data).paragraphs]
    assert texts == [
        "关于<代表>&“建议”的讲话",
        "",
        "第一段含有 <b>标签</b> & 符号 😀，还有",
        "分页。",
        "换行",
        "之后",
        "另起一段",
    ]
    assert Document(io.BytesIO(data)).core_properties.title == "关于<代表>&“建议”的讲话"


def test_no_empty_trailing_paragraph_or_page_break(standard):
    document = open_docx(standard)
    assert document.paragraphs[-1].text == "同志们，人大代表职责神圣、使命光荣！"
    body = xml_parts(standard)["word/document.xml"]
    assert b'w:type="page"' not in body and b"pageBreakBefore" not in body


def test_empty_speech_still_opens():
    document = open_docx(build_docx(ExportDocument()))
    assert [p.text for p in document.paragraphs] == [""]


def test_large_profile_scales_type_and_grid():
    document = open_docx(build_docx(SPEECH, ExportOptions(profile="large")))
    normal = document.styles["Normal"]
    assert normal.font.size == Pt(18)
    assert normal.paragraph_format.line_spacing.twips == 670
    assert normal.element.pPr.find(qn("w:ind")).get(qn("w:firstLine")) == "720"
    assert normal.element.rPr.find(qn("w:spacing")).get(qn("w:val")) == "7"
    assert document.sections[0]._sectPr.find(qn("w:docGrid")).get(qn("w:linePitch")) == "670"
    assert document.styles["讲话标题"].font.size == Pt(24)


def test_office_font_names_are_settable():
    fonts = ExportFonts(body="仿宋", kai="楷体")
    data = build_docx(SPEECH, ExportOptions(fonts=fonts, include_subtitle=False))
    document = open_docx(data)
    texts = [p.text for p in document.paragraphs]
    assert "（2024年7月20日）" not in texts
    body = next(p for p in document.paragraphs if p.text.startswith("经过"))
    assert east_asia_font(body.runs[0], body, document) == "仿宋"
    font_table = xml_parts(data)["word/fontTable.xml"].decode()
    assert 'w:name="仿宋"' in font_table and 'w:charset w:val="86"' in font_table
    assert "仿宋_GB2312" not in font_table


def test_bad_options_are_refused_in_chinese():
    with pytest.raises(ValueError, match="未知的版式"):
        ExportOptions(profile="tiny")
    with pytest.raises(ValueError, match="字体名称无效"):
        ExportFonts(heading="  ")


@pytest.mark.parametrize(
    ("title", "date", "expected"),
    [
        (
            "在全区人大代表培训班上的讲话",
            dt.date(2024, 7, 20),
            "在全区人大代表培训班上的讲话_2024-07-20.docx",
        ),
        ('关于"代表"/建议:的\n讲话?', None, "关于代表建议的 讲话.docx"),
        ("  \x00 ", None, "讲话稿.docx"),
        ("长" * 200, None, "长" * 80 + ".docx"),
        ("con", None, "讲话稿_con.docx"),
    ],
)
def test_export_filename_keeps_chinese_and_drops_what_breaks_a_file_name(title, date, expected):
    assert export_filename(title, date) == expected


@pytest.mark.parametrize("seed", ["004_4dc910b79fc57e09.txt", "000_856e7c9bd6a7060d.txt"])
def test_parsed_seed_exports_every_source_paragraph(seed):
    loaded = load_document(seed, (SEEDS / seed).read_bytes())
    doc = document_from_parsed(parse_speech(loaded.text))
    assert len(doc.parts) == 3
    document = open_docx(build_docx(doc))
    exported = [p.text for p in document.paragraphs if p.text]
    source = [line.strip() for line in loaded.text.split("\n") if line.strip()]
    assert exported == source
    heading_runs = [p.runs[0] for p in document.paragraphs if p.text[:2] in ("一、", "二、", "三、")]
    heading_paragraphs = [p for p in document.paragraphs if p.style.name == "一级标题"]
    if seed.startswith("004"):
        assert [r.style.name for r in heading_runs] == ["一级标题字符"] * 3
    else:
        assert [p.text[:3] for p in heading_paragraphs] == ["第一、", "第二，", "第三，"]


def test_builder_does_not_import_django():
    code = (
        "import sys, speechdraft.export.builder, speechdraft.export.preview, speechdraft.export.layout;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_a_numbered_line_ends_its_heading_at_an_ascii_exclamation_mark_too():
    # One sentence-end set for the whole app (text/genre.py): "!" ends a heading sentence as "！" does.
    speech = ExportDocument(
        title="在全区人大代表培训班上的讲话",
        parts=(
            ExportPart(
                heading="一、提高认识",
                paragraphs=("1.加强学习!要牢固树立终身学习的理念。",),
                run_in=False,
            ),
        ),
    )
    document = open_docx(build_docx(speech))
    paragraph = next(p for p in document.paragraphs if p.text.startswith("1."))
    assert paragraph.runs[0].text == "1.加强学习!"
    assert paragraph.runs[0].style.name.startswith("三级标题")
    assert "要牢固树立终身学习的理念。" in paragraph.text[len("1.加强学习!") :]
