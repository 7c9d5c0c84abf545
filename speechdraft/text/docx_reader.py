"""Text of a .docx: paragraphs and table cells in document order, with Word's automatic
numbering turned back into the visible prefix ("一、", "（二）") that the parser looks for."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

from speechdraft.text.errors import DocumentError
from speechdraft.text.numerals import to_chinese_numeral

INVALID_DOCX_MESSAGE = (
    "不是有效的 Word 文档（.docx）：文件已损坏或并非 Word 格式。请用 Word 或 WPS 打开后另存为 .docx 再导入。"
)
# A .docx is a zip whose directory states sizes the archive need not honour, so every entry is
# inflated in small chunks and its real bytes counted before python-docx or lxml sees the file.
# lxml needs roughly twenty times an XML part's size in memory, so XML parts get a tighter cap than
# images, which python-docx only holds as bytes.
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_XML_PART_BYTES = 12 * 1024 * 1024
# Word's XML deflates about 10:1; a part inflating hundreds of times its stored size is a bomb.
MAX_COMPRESSION_RATIO = 200
_RATIO_APPLIES_ABOVE = 1024 * 1024
_CHUNK = 64 * 1024
# Word stores list start values up to 32767; anything else is nonsense from a crafted file.
MAX_LIST_VALUE = 32767
# "AAAA…" labels grow with the value; a label longer than this falls back to plain digits.
MAX_LABEL_CHARS = 12
RATIO_MESSAGE = (
    "Word 文档中有内容的压缩比异常（解压后是压缩时的数百倍，常见于恶意构造的文件），"
    "请用 Word 或 WPS 打开后另存为 .docx 再导入。"
)
TOO_LARGE_MESSAGE = (
    "Word 文档解压后过大（正文超过 12 MB 或全部内容超过 100 MB），请删除其中的图片或拆分文档后重新导入。"
)


class TooManyCharacters(DocumentError):
    """The document's text is longer than the caller allows."""


_TEXT_TAGS = {qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr"), qn("w:noBreakHyphen")}
# Content that Word does not show as part of the paragraph: deleted revisions, field codes,
# the legacy copy of drawings (mc:Fallback) and text boxes, whose paragraphs float outside the
# flow of the speech.
_SKIPPED_TAGS = {
    "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback",
    qn("w:del"),
    qn("w:moveFrom"),
    qn("w:instrText"),
    qn("w:delInstrText"),
    qn("w:txbxContent"),
    qn("w:pPr"),
    qn("w:rPr"),
}


def read_docx(data: bytes, *, max_chars: int | None = None) -> str:
    """Plain text of a .docx, one paragraph a line; raises DocumentError if it is not a .docx.

    With ``max_chars``, reading stops with TooManyCharacters as soon as the text grows past it, so a
    crafted file cannot build a huge string first.
    """
    check_zip(data)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises KeyError, ValueError, PackageNotFoundError …
        raise DocumentError(INVALID_DOCX_MESSAGE) from error
    numbering = _Numbering(
        _related_element(document.part, RT.NUMBERING), _related_element(document.part, RT.STYLES)
    )
    lines = _Lines(max_chars)
    _walk(document.element.body, numbering, lines)
    return "\n".join(lines)


class _Lines(list):
    """The document's lines, refusing to grow past a character budget."""

    def __init__(self, max_chars: int | None) -> None:
        super().__init__()
        self.max_chars = max_chars
        self.chars = 0

    def append(self, line: str) -> None:
        self.chars += len(line) + 1
        if self.max_chars is not None and self.chars > self.max_chars:
            raise TooManyCharacters(self.max_chars)
        super().append(line)


def check_zip(data: bytes) -> None:
    """Refuse what is not a .docx, or inflates beyond the caps, by inflating every entry in chunks."""
    total = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if "word/document.xml" not in names and "[Content_Types].xml" not in names:
                raise DocumentError(INVALID_DOCX_MESSAGE)
            for info in infos:
                is_xml = info.filename.lower().endswith((".xml", ".rels"))
                cap = MAX_XML_PART_BYTES if is_xml else MAX_UNCOMPRESSED_BYTES
                size = 0
                # The declared sizes are only a first, cheap refusal; the loop counts real bytes.
                if info.file_size > cap or total + info.file_size > MAX_UNCOMPRESSED_BYTES:
                    raise DocumentError(TOO_LARGE_MESSAGE)
                with archive.open(info) as entry:
                    while chunk := entry.read(_CHUNK):
                        size += len(chunk)
                        total += len(chunk)
                        if size > cap or total > MAX_UNCOMPRESSED_BYTES:
                            raise DocumentError(TOO_LARGE_MESSAGE)
                        if size > _RATIO_APPLIES_ABOVE and size > MAX_COMPRESSION_RATIO * max(
                            info.compress_size, 1
                        ):
                            raise DocumentError(RATIO_MESSAGE)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        EOFError,
        ValueError,
        OSError,
        zlib.error,
        NotImplementedError,  # zipfile's answer to a compression method it does not know
    ) as error:
        # Includes a CRC mismatch: an entry whose stated size is a lie ends early and fails its CRC.
        raise DocumentError(INVALID_DOCX_MESSAGE) from error


def _related_element(part, reltype: str):
    try:
        return part.part_related_by(reltype).element
    except (KeyError, AttributeError):
        return None


def _walk(container, numbering: _Numbering, lines: list[str]) -> None:
    for child in container.iterchildren():
        if child.tag == qn("w:p"):
            lines.append(numbering.prefix(child) + _paragraph_text(child))
        elif child.tag == qn("w:tbl"):
            for row in child.iterchildren(qn("w:tr")):
                for cell in row.iterchildren(qn("w:tc")):
                    _walk(cell, numbering, lines)
                # Cells wrapped in content controls.
                for sdt in row.iterchildren(qn("w:sdt")):
                    for content in sdt.iterchildren(qn("w:sdtContent")):
                        for cell in content.iterchildren(qn("w:tc")):
                            _walk(cell, numbering, lines)
        elif child.tag == qn("w:sdt"):
            # Content controls (forms, tables of contents) wrap ordinary paragraphs.
            for content in child.iterchildren(qn("w:sdtContent")):
                _walk(content, numbering, lines)
        elif child.tag == qn("w:customXml"):
            _walk(child, numbering, lines)


def _paragraph_text(paragraph) -> str:
    pieces: list[str] = []

    def visit(element) -> None:
        for child in element.iterchildren():
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIPPED_TAGS:
                continue
            if tag in _TEXT_TAGS:
                if tag == qn("w:t"):
                    pieces.append(child.text or "")
                elif tag == qn("w:tab"):
                    pieces.append("\t")
                elif tag in (qn("w:br"), qn("w:cr")):
                    # A page break is not a paragraph boundary; a line break is one for the parser.
                    pieces.append("" if child.get(qn("w:type")) == "page" else "\n")
                elif tag == qn("w:noBreakHyphen"):
                    pieces.append("-")
                continue
            if tag == qn("w:r") and _is_hidden(child):
                continue
            visit(child)

    visit(paragraph)
    return "".join(pieces)


# --- automatic numbering --------------------------------------------------------------------

_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"
_CAPITAL_DIGITS = str.maketrans("一二三四五六七八九十百千", "壹贰叁肆伍陆柒捌玖拾佰仟")
_ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)
_CHINESE_FORMATS = {
    "chineseCounting",
    "chineseCountingThousand",
    "taiwaneseCounting",
    "taiwaneseCountingThousand",
    "japaneseCounting",
    "ideographDigital",
}


def format_number(value: int, num_fmt: str) -> str:
    """One level's number as Word displays it for ``w:numFmt``; plain digits when the label would be
    absurdly long (a crafted file's huge value in a letter format)."""
    label = _format_number(value, num_fmt)
    return label if len(label) <= MAX_LABEL_CHARS else str(value)


def _format_number(value: int, num_fmt: str) -> str:
    if num_fmt in _CHINESE_FORMATS:
        return to_chinese_numeral(value)
    if num_fmt in ("chineseLegalSimplified", "ideographLegalTraditional"):
        return to_chinese_numeral(value).translate(_CAPITAL_DIGITS)
    if num_fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= value <= len(_CIRCLED):
        return _CIRCLED[value - 1]
    if num_fmt == "ideographTraditional" and 1 <= value <= len(_TIANGAN):
        return _TIANGAN[value - 1]
    if num_fmt == "ideographZodiac" and 1 <= value <= len(_DIZHI):
        return _DIZHI[value - 1]
    if num_fmt in ("upperLetter", "lowerLetter") and value >= 1:
        # Word repeats the letter: 27 → AA, 28 → BB.
        letter = chr(ord("A") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter if num_fmt == "upperLetter" else letter.lower()
    if num_fmt in ("upperRoman", "lowerRoman") and value >= 1:
        roman = ""
        for amount, symbol in _ROMAN:
            count, value = divmod(value, amount)
            roman += symbol * count
        return roman if num_fmt == "upperRoman" else roman.lower()
    if num_fmt == "decimalFullWidth":
        return "".join(chr(ord(d) - ord("0") + ord("０")) for d in str(value))
    if num_fmt == "decimalZero":
        return f"{value:02d}"
    if num_fmt in ("none", "bullet"):
        return ""
    return str(value)


@dataclass
class _Level:
    num_fmt: str = "decimal"
    lvl_text: str = ""
    start: int = 1
    legal: bool = False
    restart: int | None = None  # w:lvlRestart; None = restart after any higher level


@dataclass
class _Numbering:
    # lxml elements (python-docx's oxml classes); lxml ships no type stubs.
    numbering_element: Any
    styles_element: Any
    counters: dict[str, dict[int, int]] = field(default_factory=dict)
    _levels_cache: dict[tuple[str, int], _Level | None] = field(default_factory=dict)

    def prefix(self, paragraph) -> str:
        """The visible number of ``paragraph`` ("一、"), advancing the list's counters."""
        if self.numbering_element is None:
            return ""
        found = self._num_pr(paragraph)
        if found is None:
            return ""
        num_id, ilvl = found
        level = self._level(num_id, ilvl)
        if level is None:
            return ""
        counters = self.counters.setdefault(num_id, {})
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else level.start
        for deeper in [lvl for lvl in counters if lvl > ilvl]:
            deeper_level = self._level(num_id, deeper)
            if deeper_level is None or deeper_level.restart is None or deeper_level.restart - 1 >= ilvl:
                del counters[deeper]

        def substitute(match: re.Match[str]) -> str:
            referenced = int(match.group(1)) - 1
            ref_level = self._level(num_id, referenced) or _Level()
            value = counters.get(referenced, ref_level.start)
            num_fmt = "decimal" if level.legal and referenced < ilvl else ref_level.num_fmt
            return format_number(value, num_fmt)

        if level.num_fmt == "bullet":
            return ""
        return re.sub(r"%([1-9])", substitute, level.lvl_text)

    def _num_pr(self, paragraph) -> tuple[str, int] | None:
        """(numId, ilvl) from the paragraph, falling back to its style chain."""
        num_id: str | None = None
        ilvl: str | int | None = None
        p_pr = paragraph.find(qn("w:pPr"))
        style_id = None
        if p_pr is not None:
            num_pr = p_pr.find(qn("w:numPr"))
            if num_pr is not None:
                num_id = _val(num_pr.find(qn("w:numId")))
                ilvl = _val(num_pr.find(qn("w:ilvl")))
            style_id = _val(p_pr.find(qn("w:pStyle")))
        if num_id is None or ilvl is None:
            style_num_id, style_ilvl = self._style_num_pr(style_id)
            num_id = num_id if num_id is not None else style_num_id
            if ilvl is None and num_id is not None:
                ilvl = style_ilvl if style_ilvl is not None else self._level_of_style(num_id, style_id)
        if num_id is None or num_id == "0":
            return None
        try:
            return num_id, int(ilvl or 0)
        except ValueError:
            return None

    def _style(self, style_id: str | None):
        if self.styles_element is None:
            return None
        if style_id is None:
            found = self.styles_element.xpath('w:style[@w:type="paragraph"][@w:default="1"]')
        else:
            found = self.styles_element.xpath(f'w:style[@w:styleId="{_xpath_safe(style_id)}"]')
        return found[0] if found else None

    def _style_num_pr(self, style_id: str | None) -> tuple[str | None, str | None]:
        seen = set()
        style = self._style(style_id)
        num_id = ilvl = None
        while style is not None and id(style) not in seen:
            seen.add(id(style))
            num_pr = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            if num_pr is not None:
                num_id = num_id if num_id is not None else _val(num_pr.find(qn("w:numId")))
                ilvl = ilvl if ilvl is not None else _val(num_pr.find(qn("w:ilvl")))
                if num_id is not None and ilvl is not None:
                    break
            based_on = _val(style.find(qn("w:basedOn")))
            style = self._style(based_on) if based_on else None
        return num_id, ilvl

    def _abstract(self, num_id: str, _depth: int = 0):
        """(w:num, w:abstractNum) for ``num_id``; follows a list style's w:numStyleLink to the
        abstractNum that holds the levels, as Word writes for multilevel list styles."""
        nums = self.numbering_element.xpath(f'w:num[@w:numId="{_xpath_safe(num_id)}"]')
        if not nums:
            return None, None
        abstract_id = _val(nums[0].find(qn("w:abstractNumId")))
        abstracts = self.numbering_element.xpath(
            f'w:abstractNum[@w:abstractNumId="{_xpath_safe(abstract_id or "")}"]'
        )
        abstract = abstracts[0] if abstracts else None
        link = _val(abstract.find(qn("w:numStyleLink"))) if abstract is not None else None
        if link and _depth < 3:
            linked_num_id, _ = self._style_num_pr(link)
            if linked_num_id is not None and linked_num_id != num_id:
                _, linked = self._abstract(linked_num_id, _depth + 1)
                if linked is not None:
                    abstract = linked
        return nums[0], abstract

    def _level_of_style(self, num_id: str, style_id: str | None) -> int:
        _, abstract = self._abstract(num_id)
        if abstract is not None and style_id:
            for lvl in abstract.iterchildren(qn("w:lvl")):
                if _val(lvl.find(qn("w:pStyle"))) == style_id:
                    raw = lvl.get(qn("w:ilvl"), "0")
                    return int(raw) if raw.isdigit() else 0
        return 0

    def _level(self, num_id: str, ilvl: int) -> _Level | None:
        key = (num_id, ilvl)
        if key not in self._levels_cache:
            self._levels_cache[key] = self._read_level(num_id, ilvl)
        return self._levels_cache[key]

    def _read_level(self, num_id: str, ilvl: int) -> _Level | None:
        num, abstract = self._abstract(num_id)
        if num is None or abstract is None:
            return None
        lvl = None
        start_override = None
        for override in num.iterchildren(qn("w:lvlOverride")):
            if override.get(qn("w:ilvl")) == str(ilvl):
                start_override = _val(override.find(qn("w:startOverride")))
                lvl = override.find(qn("w:lvl"))
        if lvl is None:
            lvl = next(
                (e for e in abstract.iterchildren(qn("w:lvl")) if e.get(qn("w:ilvl")) == str(ilvl)), None
            )
        if lvl is None:
            return None
        level = _Level(
            num_fmt=_val(lvl.find(qn("w:numFmt"))) or "decimal",
            lvl_text=_val(lvl.find(qn("w:lvlText"))) or "",
            start=_list_value(_val(lvl.find(qn("w:start")))),
            legal=lvl.find(qn("w:isLgl")) is not None and _val(lvl.find(qn("w:isLgl"))) not in ("0", "false"),
        )
        restart = _val(lvl.find(qn("w:lvlRestart")))
        if restart is not None and restart.isdigit():
            level.restart = int(restart)
        if start_override is not None:
            level.start = _list_value(start_override, default=level.start)
        return level


def _list_value(raw: str | None, default: int = 1) -> int:
    """A start value from the file, clamped to what Word allows; nonsense ("abc") means the default."""
    # ASCII digits only: Python's int() also accepts "９" and "1_0", which Word does not write.
    if raw is None or not re.fullmatch(r"-?[0-9]{1,12}", raw.strip()):
        return default
    return min(max(int(raw), 0), MAX_LIST_VALUE)


def _is_hidden(run) -> bool:
    vanish = run.find(f"{qn('w:rPr')}/{qn('w:vanish')}")
    return vanish is not None and _val(vanish) not in ("0", "false")


def _val(element) -> str | None:
    return None if element is None else element.get(qn("w:val"))


def _xpath_safe(value: str) -> str:
    # Ids come from the file; keep quotes out of the XPath expression.
    return value.replace('"', "")
