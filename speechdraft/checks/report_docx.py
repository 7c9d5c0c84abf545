"""The 查重 report as a Word file, for the paper trail that goes with a 送审稿."""

import io

from docx import Document
from docx.enum.text import WD_COLOR_INDEX, WD_UNDERLINE
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from speechdraft.text.counting import percent
from speechdraft.text.ooxml import xml_safe

from .presentation import marked_paragraphs


def _chinese_font(style, name: str = "宋体") -> None:
    style.font.name = name
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def report_docx(report) -> bytes:
    result = report.result
    doc = Document()
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Table Grid"):
        if name in [s.name for s in doc.styles]:
            _chinese_font(doc.styles[name], "黑体" if name != "Normal" and name != "Table Grid" else "宋体")
    doc.styles["Normal"].font.size = Pt(11)
    doc.add_heading("文本复制检测报告单", level=0)
    doc.add_paragraph(f"篇名：{xml_safe(report.speech.title)}")
    doc.add_paragraph(f"检测时间：{report.created_at:%Y-%m-%d %H:%M}    检测人：{report.created_by or '—'}")
    single = result.get("max_single_source")
    rows = [
        ("总文字复制比", percent(result["copy_ratio"])),
        ("去除引用复制比", percent(result["copy_ratio_excluding_quotes"])),
        ("单篇最大文字复制比", f"{percent(single['ratio'])}（{single['title']}）" if single else percent(0)),
        ("重复字数 / 总字数", f"{result['copied_chars']} / {result['total_chars']}"),
        ("疑似段落数 / 段落数", f"{result.get('suspect_paragraphs', 0)} / {len(result['paragraphs'])}"),
    ]
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, xml_safe(value)

    doc.add_heading("相似文献列表", level=1)
    if result["sources"]:
        for s in result["sources"]:
            doc.add_paragraph(
                f"{xml_safe(s['title'])}：{percent(s['ratio'])}（{s['copied_chars']} 字）",
                style="List Number",
            )
    else:
        doc.add_paragraph("未发现复制内容。")

    doc.add_heading("全文标明", level=1)
    doc.add_paragraph(
        "红色、实线下划线为与语料重复的文字；绿色、虚线下划线为引用（重复段落中的引用也以绿色标出）；"
        "灰色、点线下划线为常见表述（不计入复制比）。"
    )
    # Colour and underline style: the marks still read on a black-and-white printout.
    colours = {
        "copied": (RGBColor(0xC0, 0x00, 0x00), WD_UNDERLINE.SINGLE),
        "quoted": (RGBColor(0x00, 0x80, 0x00), WD_UNDERLINE.DASH),
        "common": (RGBColor(0x80, 0x80, 0x80), WD_UNDERLINE.DOTTED),
    }
    for paragraph in marked_paragraphs(report.text, result["matches"]):
        p = doc.add_paragraph()
        for piece in paragraph:
            run = p.add_run(xml_safe(piece.text))
            if piece.kind in colours:
                run.font.color.rgb, run.font.underline = colours[piece.kind]
                if piece.kind == "copied":
                    run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
