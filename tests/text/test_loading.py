import codecs
import io
import random
import shutil
import subprocess
import zipfile

import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from speechdraft.text import loading
from speechdraft.text.docx_reader import format_number
from speechdraft.text.errors import DocumentError
from speechdraft.text.loading import load_document
from speechdraft.text.parser import parse_speech

from .conftest import CASES
from .test_cleaning import SEED_004_NOISE

CHINESE_LEVELS = [("chineseCounting", "%1、"), ("chineseCountingThousand", "（%2）"), ("decimal", "%3.")]


def _case(name: str) -> str:
    return (CASES / name).read_text("utf-8")


# --- plain text files -------------------------------------------------------------------------


def test_seed_004_loads_with_its_advertising_removed(seed_004_bytes):
    loaded = load_document("004_4dc910b79fc57e09.txt", seed_004_bytes)
    assert loaded.encoding == "utf-8"
    assert loaded.removed_lines == SEED_004_NOISE
    assert loaded.text.splitlines()[0] == "在全区人大代表培训班上的讲话"


def test_seed_000_loads_unchanged_apart_from_whitespace(seed_000_bytes):
    loaded = load_document("000_856e7c9bd6a7060d.txt", seed_000_bytes)
    assert loaded.encoding == "utf-8"
    assert loaded.removed_lines == ()
    assert loaded.text.splitlines()[0] == "各位代表、同志们："


@pytest.mark.parametrize(
    ("filename", "case", "codec", "encoding"),
    [
        ("座谈会讲话.txt", "no_title_own_line.txt", "gbk", "gb18030"),
        ("动员会讲话.TXT", "paren_runin_title_subtitles.txt", "utf-16", "utf-16"),
        ("聯絡站.txt", "traditional.txt", "utf-8-sig", "utf-8-sig"),
        ("培训会.Txt", "runin_di_subpoints.txt", "gb2312", "gb18030"),
        ("预备会议.txt", "numbering_gap_placeholders.txt", "gb18030", "gb18030"),
    ],
)
def test_text_files_in_each_encoding_load_to_the_same_text(filename, case, codec, encoding):
    loaded = load_document(filename, _case(case).encode(codec))
    assert loaded.encoding == encoding
    assert loaded.text == _case(case).strip()
    assert parse_speech(loaded.text) == parse_speech(_case(case).strip())


def test_short_gb2312_text_is_not_mistaken_for_big5():
    text = "各位代表：今天会议开得很好，谢谢大家。"
    assert len(text) == 19
    loaded = load_document("短稿.txt", text.encode("gb2312"))
    assert (loaded.text, loaded.encoding) == (text, "gb18030")


def test_windows_line_endings_and_bom_are_normalised():
    data = codecs.BOM_UTF8 + "各位代表：\r\n\r\n\u3000\u3000今天开会。\r\n".encode()
    loaded = load_document("a.txt", data)
    assert loaded.text == "各位代表：\n今天开会。"


# --- .docx ------------------------------------------------------------------------------------


def test_docx_auto_numbered_headings_get_their_visible_numbers(docx_builder):
    docx_builder.add_list(107, CHINESE_LEVELS)
    docx_builder.paragraph("在全区人大代表履职培训会上的讲话")
    docx_builder.paragraph("各位代表：")
    docx_builder.paragraph("这次培训安排紧凑，收获很大。")
    docx_builder.paragraph("提高认识，增强责任感。宪法规定一切权力属于人民。", num=(107, 0))
    docx_builder.paragraph("学深悟透", num=(107, 1))
    docx_builder.paragraph("学以致用", num=(107, 1))
    docx_builder.paragraph("认真履职，发挥代表作用。代表要积极参加闭会期间活动。", num=(107, 0))
    docx_builder.paragraph("参加视察", num=(107, 1))
    docx_builder.paragraph("第一步", num=(107, 2))
    docx_builder.paragraph("同志们，让我们共同努力！")
    loaded = load_document("培训会讲话.DOCX", docx_builder.to_bytes())
    assert loaded.encoding == "docx"
    assert loaded.text.splitlines()[3:9] == [
        "一、提高认识，增强责任感。宪法规定一切权力属于人民。",
        "（一）学深悟透",
        "（二）学以致用",
        "二、认真履职，发挥代表作用。代表要积极参加闭会期间活动。",
        "（一）参加视察",
        "1.第一步",
    ]
    parsed = parse_speech(loaded.text)
    assert [part.marker for part in parsed.parts] == ["一、", "二、"]
    assert parsed.parts[0].heading == "一、提高认识，增强责任感。"
    assert parsed.closing == "同志们，让我们共同努力！"


def test_docx_numbering_inherited_from_the_heading_style(docx_builder):
    docx_builder.add_list(103, [("chineseCountingThousand", "第%1、")])
    docx_builder.number_style("Heading 1", 103)
    docx_builder.paragraph("同志们：")
    docx_builder.paragraph("今天开会。")
    docx_builder.paragraph("要加强学习", style="Heading 1")
    docx_builder.paragraph("学习是履职的前提。")
    docx_builder.paragraph("要密切联系群众", style="Heading 1")
    docx_builder.paragraph("群众是代表的根基。")
    text = load_document("讲话.docx", docx_builder.to_bytes()).text
    assert text.splitlines() == [
        "同志们：",
        "今天开会。",
        "第一、要加强学习",
        "学习是履职的前提。",
        "第二、要密切联系群众",
        "群众是代表的根基。",
    ]
    assert [part.style for part in parse_speech(text).parts] == ["di", "di"]


def test_docx_numbering_counts_per_list_and_honours_start_overrides(docx_builder):
    docx_builder.add_list(101, [("chineseCounting", "%1、")], abstract_id=140)
    docx_builder.add_list(102, [("chineseCounting", "%1、")], abstract_id=140, start_overrides={0: 1})
    docx_builder.add_list(104, [("decimal", "（%1）")], start_overrides={0: 3})
    docx_builder.paragraph("甲", num=(101, 0))
    docx_builder.paragraph("乙", num=(101, 0))
    docx_builder.paragraph("丙", num=(102, 0))
    docx_builder.paragraph("丁", num=(101, 0))
    docx_builder.paragraph("戊", num=(104, 0))
    docx_builder.paragraph("己", num=(0, 0))
    text = load_document("a.docx", docx_builder.to_bytes()).text
    assert text.splitlines() == ["一、甲", "二、乙", "一、丙", "三、丁", "（3）戊", "己"]


def test_docx_numbering_through_a_list_style_link(docx_builder):
    docx_builder.add_list(121, [("chineseCounting", "%1、"), ("chineseCounting", "（%2）")])
    docx_builder.add_list_style("SpeechList", 121)
    docx_builder.add_list(122, [], num_style_link="SpeechList")
    docx_builder.paragraph("总体要求", num=(122, 0))
    docx_builder.paragraph("指导思想", num=(122, 1))
    docx_builder.paragraph("主要任务", num=(122, 0))
    text = load_document("a.docx", docx_builder.to_bytes()).text
    assert text.splitlines() == ["一、总体要求", "（一）指导思想", "二、主要任务"]


def test_docx_tables_are_read_in_document_order(docx_builder):
    docx_builder.paragraph("各位代表：")
    docx_builder.paragraph("下面通报代表建议办理情况。")
    docx_builder.table([["承办单位", "件数"], ["区教育局", "12"]])
    docx_builder.paragraph("一、总体情况。今年共收到代表建议一百二十件。")
    text = load_document("通报.docx", docx_builder.to_bytes()).text
    assert text.splitlines() == [
        "各位代表：",
        "下面通报代表建议办理情况。",
        "承办单位",
        "件数",
        "区教育局",
        "12",
        "一、总体情况。今年共收到代表建议一百二十件。",
    ]


def test_docx_text_is_what_word_shows(docx_builder):
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    docx_builder.paragraph("")
    paragraph = docx_builder.document.paragraphs[-1]._p
    paragraph.append(parse_xml(f"<w:r {nsdecls('w')}><w:t>代表</w:t></w:r>"))
    paragraph.append(
        parse_xml(
            f'<w:del {nsdecls("w")} w:id="1" w:author="a"><w:r><w:delText>旧词</w:delText></w:r></w:del>'
        )
    )
    paragraph.append(
        parse_xml(f'<w:ins {nsdecls("w")} w:id="2" w:author="a"><w:r><w:t>履职</w:t></w:r></w:ins>')
    )
    assert load_document("a.docx", docx_builder.to_bytes()).text == "代表履职"


def test_docx_content_controls_and_nested_tables_are_read(docx_builder):
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    docx_builder.paragraph("各位代表：")
    body = docx_builder.document.element.body
    body.insert(
        len(body) - 1,
        parse_xml(
            f"<w:sdt {nsdecls('w')}><w:sdtContent><w:p><w:r><w:t>控件里的段落。</w:t></w:r></w:p>"
            "</w:sdtContent></w:sdt>"
        ),
    )
    docx_builder.table([["外层"]])
    cell = docx_builder.document.tables[-1].cell(0, 0)
    cell.add_table(rows=1, cols=1).cell(0, 0).text = "内层表格"
    text = load_document("a.docx", docx_builder.to_bytes()).text
    assert text.splitlines() == ["各位代表：", "控件里的段落。", "外层", "内层表格"]


@pytest.mark.parametrize(
    ("value", "num_fmt", "shown"),
    [
        (1, "chineseCounting", "一"),
        (11, "chineseCountingThousand", "十一"),
        (3, "ideographTraditional", "丙"),
        (2, "chineseLegalSimplified", "贰"),
        (4, "decimalEnclosedCircle", "④"),
        (12, "decimal", "12"),
        (3, "decimalZero", "03"),
        (4, "upperRoman", "IV"),
        (28, "lowerLetter", "bb"),
        (2, "decimalFullWidth", "２"),
        (1, "bullet", ""),
    ],
)
def test_format_number(value, num_fmt, shown):
    assert format_number(value, num_fmt) == shown


def test_empty_docx_is_reported_as_empty(docx_builder):
    docx_builder.paragraph("   ")
    with pytest.raises(DocumentError, match="文件为空"):
        load_document("空白.docx", docx_builder.to_bytes())


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        "各位代表：这其实是一个文本文件。".encode(),
        b"PK\x03\x04 truncated",
        _zip({"hello.txt": b"not a word document"}),
        _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<broken"}),
    ],
    ids=["text", "truncated-zip", "zip-without-document", "broken-xml"],
)
def test_files_that_are_not_docx_are_refused(data):
    with pytest.raises(DocumentError, match=r"不是有效的 Word 文档（\.docx）"):
        load_document("讲话.docx", data)


def test_a_docx_named_doc_is_read_without_conversion(docx_builder, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    docx_builder.paragraph("各位代表：")
    loaded = load_document("讲话.doc", docx_builder.to_bytes())
    assert (loaded.text, loaded.encoding) == ("各位代表：", "docx")


# --- .doc -------------------------------------------------------------------------------------

OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


@pytest.mark.parametrize("filename", ["旧稿.doc", "旧稿.DOC", "改了扩展名.docx"])
def test_doc_without_libreoffice_gives_a_clear_message(filename, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(
        DocumentError, match=r"服务器未安装 LibreOffice，无法读取 \.doc 文件，请.*另存为 \.docx 后导入"
    ):
        load_document(filename, OLE_HEADER)


@pytest.mark.soffice
def test_doc_is_read_through_libreoffice_when_installed(docx_builder, tmp_path):
    if shutil.which("soffice") is None:
        # Without LibreOffice a real .doc cannot even be built; the refusal must then be clear.
        with pytest.raises(DocumentError, match="服务器未安装 LibreOffice"):
            load_document("旧稿.doc", OLE_HEADER)
        return
    docx_builder.add_list(105, CHINESE_LEVELS)
    docx_builder.paragraph("在全镇人大代表述职会上的讲话")
    docx_builder.paragraph("各位代表：")
    docx_builder.paragraph("今天的述职活动组织得很好。")
    docx_builder.paragraph("述职要讲实情。述职报告要实事求是。", num=(105, 0))
    docx_builder.paragraph("评议要讲真话。选民评议要认真负责。", num=(105, 0))
    (tmp_path / "source.docx").write_bytes(docx_builder.to_bytes())
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "doc",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "source.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    data = (tmp_path / "source.doc").read_bytes()
    assert data.startswith(OLE_HEADER[:8])

    loaded = load_document("述职会讲话.doc", data)
    assert loaded.encoding == "doc"
    parsed = parse_speech(loaded.text)
    assert parsed.title == "在全镇人大代表述职会上的讲话"
    assert [part.heading for part in parsed.parts] == ["一、述职要讲实情。", "二、评议要讲真话。"]

    garbage = OLE_HEADER[:8] + random.Random(3).randbytes(4096)
    with pytest.raises(DocumentError, match=r"无法读取 \.doc 文件"):
        load_document("坏文件.doc", garbage)


# --- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize("filename", ["讲话.pdf", "讲话.wps", "讲话", "讲话.txt.exe"])
def test_unknown_extensions_are_refused_listing_the_supported_types(filename):
    with pytest.raises(DocumentError, match=r"不支持的文件类型.*\.txt、\.docx、\.doc"):
        load_document(filename, "各位代表：".encode())


@pytest.mark.parametrize("filename", ["空.txt", "空.docx", "空.doc"])
@pytest.mark.parametrize("data", [b"", b" \r\n\t"])
def test_empty_files_are_refused(filename, data):
    with pytest.raises(DocumentError, match="文件为空"):
        load_document(filename, data)


def test_random_bytes_named_txt_are_refused():
    with pytest.raises(DocumentError, match="无法识别文件编码.*UTF-8 或 GBK"):
        load_document("讲话.txt", random.Random(11).randbytes(2048))


def test_files_over_the_limit_are_refused_naming_the_limit():
    with pytest.raises(DocumentError, match="超过 20 MB"):
        load_document("大.txt", b"a" * (20 * 1024 * 1024 + 1))
    with pytest.raises(DocumentError, match="超过 1 KB"):
        load_document("大.txt", "代表".encode() * 200, max_bytes=1024)
    assert load_document("小.txt", "代表".encode() * 100, max_bytes=1024).text == "代表" * 100


def test_a_file_of_nothing_but_advertising_is_refused():
    data = "仅供学习 禁止外传\n会员群：123\n免费QQ群：456".encode()
    with pytest.raises(DocumentError, match="只有广告"):
        load_document("广告.txt", data)


def test_every_refusal_is_a_chinese_message(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    attempts = [
        ("a.pdf", b"x"),
        ("a.txt", b""),
        ("a.txt", bytes(range(256)) * 4),
        ("a.docx", b"xyz"),
        ("a.doc", OLE_HEADER),
    ]
    for filename, data in attempts:
        with pytest.raises(DocumentError) as raised:
            load_document(filename, data)
        message = str(raised.value)
        assert sum("\u4e00" <= c <= "\u9fff" for c in message) >= 10, message
        assert "请" in message, message


def test_soffice_timeout_is_a_clear_error(monkeypatch, tmp_path):
    script = tmp_path / "soffice"
    script.write_text("#!/bin/sh\nsleep 30\n")
    script.chmod(0o755)
    monkeypatch.setattr(shutil, "which", lambda name: str(script))
    with pytest.raises(DocumentError, match="超时"):
        loading.convert_doc_to_docx(OLE_HEADER, timeout=0.5)


# --- parts written as Word list items or laid out in tables (#10.7) -----------------------------

_OPENING = "经过大家的共同努力，我们圆满完成了集中培训任务。下面，我讲三点意见。"
_PARTS = [
    ("提高认识，增强当好人大代表的责任感。", "宪法规定，中华人民共和国一切权力属于人民。"),
    ("认真履职，充分发挥人大代表作用。", "人大代表要积极参加人民代表大会会议，认真审议各项报告。"),
    ("勤于实践，争当人民满意的人大代表。", "人大代表要以群众满意作为第一标准。"),
]
_CLOSING = "同志们，让我们共同努力，为全县经济社会发展作出新的更大贡献！"


def _listed_speech(docx_builder, levels, num_id):
    docx_builder.add_list(num_id, levels)
    docx_builder.paragraph("在全县人大代表培训班上的讲话")
    docx_builder.paragraph("各位代表、同志们：")
    docx_builder.paragraph(_OPENING)
    for heading, body in _PARTS:
        docx_builder.paragraph(heading, num=(num_id, 0))
        docx_builder.paragraph(body)
    docx_builder.paragraph(_CLOSING)
    return parse_speech(load_document("讲话.docx", docx_builder.to_bytes()).text)


@pytest.mark.parametrize(
    ("levels", "markers"),
    [
        ([("decimal", "%1.")], ["1.", "2.", "3."]),
        ([("decimal", "%1、")], ["1、", "2、", "3、"]),
        ([("chineseCounting", "%1、")], ["一、", "二、", "三、"]),
        ([("chineseCounting", "（%1）")], ["（一）", "（二）", "（三）"]),
    ],
    ids=["decimal-dot", "decimal-dunhao", "yi", "paren"],
)
def test_parts_written_as_word_list_items_are_parts_not_opening(docx_builder, levels, markers):
    # Before, "1./2./3." list items were filed entirely under 开场 with the closing.
    parsed = _listed_speech(docx_builder, levels, 120)
    assert parsed.opening == _OPENING
    assert [p.heading for p in parsed.parts] == [m + h for m, (h, _) in zip(markers, _PARTS, strict=True)]
    assert [p.body for p in parsed.parts] == [b for _, b in _PARTS]
    assert parsed.closing == _CLOSING


def test_arabic_numbers_that_do_not_count_from_one_stay_in_the_opening():
    text = "各位代表：\n今年要做好几件事。\n3.加强监督。\n5.改进作风。\n同志们，让我们共同努力！"
    parsed = parse_speech(text)
    assert parsed.parts == () and "3.加强监督。" in parsed.opening


def test_parts_laid_out_in_a_table_of_heading_and_body_cells(docx_builder):
    docx_builder.add_list(121, [("chineseCounting", "%1、")])
    docx_builder.paragraph("在全县人大代表培训班上的讲话")
    docx_builder.paragraph("各位代表、同志们：")
    docx_builder.paragraph(_OPENING)
    docx_builder.table([[heading, body] for heading, body in _PARTS])
    # The heading cells are list items too, numbered by Word.
    for row in docx_builder.document.tables[0].rows:
        cell_paragraph = row.cells[0].paragraphs[0]
        cell_paragraph._p.get_or_add_pPr().append(
            parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="121"/></w:numPr>')
        )
    docx_builder.paragraph(_CLOSING)
    parsed = parse_speech(load_document("讲话.docx", docx_builder.to_bytes()).text)
    assert [p.heading for p in parsed.parts] == [
        f"{n}、{h}" for n, (h, _) in zip("一二三", _PARTS, strict=True)
    ]
    assert [p.body for p in parsed.parts] == [b for _, b in _PARTS]
    assert (parsed.opening, parsed.closing) == (_OPENING, _CLOSING)


def test_a_data_table_inside_a_part_stays_in_that_part(docx_builder):
    docx_builder.add_list(122, [("decimal", "%1.")])
    docx_builder.paragraph("各位代表、同志们：")
    docx_builder.paragraph(_OPENING)
    docx_builder.paragraph(_PARTS[0][0], num=(122, 0))
    docx_builder.paragraph(_PARTS[0][1])
    docx_builder.table([["项目", "件数"], ["代表建议", "126"]])
    docx_builder.paragraph(_PARTS[1][0], num=(122, 0))
    docx_builder.paragraph(_PARTS[1][1])
    docx_builder.paragraph(_CLOSING)
    parsed = parse_speech(load_document("讲话.docx", docx_builder.to_bytes()).text)
    assert [p.heading for p in parsed.parts] == ["1." + _PARTS[0][0], "2." + _PARTS[1][0]]
    assert parsed.parts[0].body == f"{_PARTS[0][1]}\n项目\n件数\n代表建议\n126"
    assert parsed.closing == _CLOSING
