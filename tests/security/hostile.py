"""Hostile files built on demand (never committed): zip bombs, lying zip directories, crafted numbering."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
    b'"/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
    b'document.main+xml"/></Types>'
)
_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    b'2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
_PARAGRAPH = "<w:p><w:r><w:t>各位代表，今天我们召开会议。</w:t></w:r></w:p>".encode()


def inflating_docx(
    path: Path, real_bytes: int, *, declared_bytes: int | None = None, compresslevel: int = 1
) -> Path:
    """A .docx whose word/document.xml inflates to ``real_bytes`` of paragraphs; with ``declared_bytes``
    the zip directory states that size instead (the lie the issue's 3.7 MB file told)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        head = f'<?xml version="1.0" encoding="UTF-8"?><w:document {_W}><w:body>'.encode()
        tail = b"</w:body></w:document>"
        block = _PARAGRAPH * (1024 * 1024 // len(_PARAGRAPH))
        with archive.open("word/document.xml", "w", force_zip64=False) as entry:
            entry.write(head)
            written = len(head) + len(tail)
            while written + len(block) <= real_bytes:
                entry.write(block)
                written += len(block)
            entry.write(tail)
    if declared_bytes is not None:
        _declare_size(path, "word/document.xml", declared_bytes)
    return path


def _declare_size(path: Path, name: str, size: int) -> None:
    """Rewrite the uncompressed size of ``name`` in the local header and the central directory."""
    data = bytearray(path.read_bytes())
    encoded = name.encode()
    for signature, size_offset, name_offset in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = 0
        while (found := data.find(signature, start)) != -1:
            if data[found + name_offset : found + name_offset + len(encoded)] == encoded:
                struct.pack_into("<I", data, found + size_offset, size)
            start = found + 4
    path.write_bytes(bytes(data))


def numbered_docx(start: str, num_fmt: str = "upperLetter", paragraphs: int = 3) -> bytes:
    """A small .docx whose list starts at ``start`` (a crafted w:start value) in ``num_fmt``."""
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90"><w:lvl w:ilvl="0"><w:start w:val="{start}"/>'
            f'<w:numFmt w:val="{num_fmt}"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'
        ),
    )
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    document.add_paragraph("在全县人大工作会议上的讲话")
    document.add_paragraph("各位代表：")
    for i in range(paragraphs):
        paragraph = document.add_paragraph(f"第{i + 1}项工作要抓紧落实。")
        paragraph._p.get_or_add_pPr().append(
            parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="90"/></w:numPr>')
        )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def long_docx(chars: int) -> bytes:
    document = docx.Document()
    document.add_paragraph("各位代表：")
    sentence = "我们要认真履行宪法和法律赋予的职责，依法做好第{}项工作。"
    for i in range(chars // len(sentence) + 1):
        document.add_paragraph(sentence.format(i))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
