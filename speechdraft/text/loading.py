"""Entry point for imported files: bytes of a .txt/.docx/.doc → cleaned text + what was removed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from speechdraft.text import office
from speechdraft.text.cleaning import clean_text
from speechdraft.text.decoding import EMPTY_MESSAGE, decode_text, looks_like_text
from speechdraft.text.docx_reader import read_docx
from speechdraft.text.errors import DocumentError, EmptyDocumentError

SUPPORTED_EXTENSIONS = (".txt", ".docx", ".doc")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# LibreOffice's first start in a fresh profile takes several seconds on a 2-core machine.
SOFFICE_TIMEOUT_SECONDS = 120

NO_SOFFICE_MESSAGE = "服务器未安装 LibreOffice，无法读取 .doc 文件，请用 Word 或 WPS 另存为 .docx 后导入。"
_BROKEN_DOC_MESSAGE = "无法读取 .doc 文件：文件可能已损坏，请用 Word 或 WPS 打开后另存为 .docx 再导入。"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class LoadedDocument:
    text: str
    encoding: str  # "utf-8", "utf-8-sig", "gb18030", "utf-16", "docx" or "doc"
    removed_lines: tuple[str, ...]


def load_document(filename: str, data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> LoadedDocument:
    """Read, decode and clean an uploaded file; raises DocumentError with a Chinese message."""
    raw, encoding = read_document(filename, data, max_bytes=max_bytes)
    cleaned = clean_text(raw)
    if not cleaned.text:
        if cleaned.removed_lines:
            raise DocumentError("文件中只有广告或无关内容，没有找到讲话正文，请检查文件后重新导入。")
        raise EmptyDocumentError(EMPTY_MESSAGE)
    return LoadedDocument(text=cleaned.text, encoding=encoding, removed_lines=cleaned.removed_lines)


def read_document(filename: str, data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, str]:
    """The text of a file as decoded, before cleaning, and the encoding it was read with.

    查重 reports offsets into exactly this text (DESIGN §7), so it must not be cleaned.
    """
    extension = Path(filename).suffix.lower()
    if extension not in SUPPORTED_EXTENSIONS:
        raise DocumentError(
            f"不支持的文件类型“{extension or '无扩展名'}”：只能导入 .txt、.docx、.doc 文件，请转换后重新导入。"
        )
    if len(data) > max_bytes:
        raise DocumentError(f"文件过大：超过 {_format_size(max_bytes)} 的上限，请删除图片或拆分后重新导入。")
    if not data.strip():
        raise EmptyDocumentError(EMPTY_MESSAGE)

    if extension == ".txt":
        decoded = decode_text(data)
        return decoded.text, decoded.encoding
    if extension == ".docx" and not data.startswith(_OLE_MAGIC):
        return read_docx(data), "docx"
    if extension == ".doc" and data.startswith(_ZIP_MAGIC):
        # A .docx saved with a .doc name; no conversion needed.
        return read_docx(data), "docx"
    # A .doc, or a legacy Word file renamed to .docx.
    return read_doc(data), "doc"


def read_doc(data: bytes) -> str:
    """Text of a legacy .doc through LibreOffice."""
    text = read_docx(convert_doc_to_docx(data))
    # LibreOffice imports any unreadable file as plain text instead of failing, so garbage in a
    # .doc comes back as a page of random characters.
    if text.strip() and not looks_like_text(text, multibyte_legacy=True):
        raise DocumentError(_BROKEN_DOC_MESSAGE)
    return text


def convert_doc_to_docx(data: bytes, *, timeout: float = SOFFICE_TIMEOUT_SECONDS) -> bytes:
    """Convert a legacy .doc to .docx with LibreOffice; raises DocumentError when that fails."""
    try:
        return office.convert(
            data, source_name="document.doc", convert_to="docx", output_suffix=".docx", timeout=timeout
        )
    except office.OfficeUnavailable:
        raise DocumentError(NO_SOFFICE_MESSAGE) from None
    except office.OfficeTimeout:
        raise DocumentError("读取 .doc 文件超时，请用 Word 或 WPS 另存为 .docx 后导入。") from None
    except office.OfficeError:
        raise DocumentError(_BROKEN_DOC_MESSAGE) from None


def _format_size(size: int) -> str:
    if size >= 1024 * 1024 and size % (1024 * 1024) == 0:
        return f"{size // (1024 * 1024)} MB"
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size // 1024} KB"
    return f"{size} 字节"
