"""Entry point for imported files: bytes of a .txt/.docx/.doc → cleaned text + what was removed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from speechdraft.text import office
from speechdraft.text.cleaning import clean_text
from speechdraft.text.decoding import EMPTY_MESSAGE, decode_text, looks_like_text
from speechdraft.text.docx_reader import TooManyCharacters, read_docx
from speechdraft.text.errors import DocumentError, EmptyDocumentError

SUPPORTED_EXTENSIONS = (".txt", ".docx", ".doc")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# A long work report is about 30,000 characters; a corpus file ten times that is not one speech.
DEFAULT_MAX_CHARS = 300_000
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


def load_document(
    filename: str, data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, max_chars: int = DEFAULT_MAX_CHARS
) -> LoadedDocument:
    """Read, decode and clean an uploaded file; raises DocumentError with a Chinese message."""
    raw, encoding = read_document(filename, data, max_bytes=max_bytes, max_chars=max_chars)
    cleaned = clean_text(raw)
    if not cleaned.text:
        if cleaned.removed_lines:
            raise DocumentError("文件中只有广告或无关内容，没有找到讲话正文，请检查文件后重新导入。")
        raise EmptyDocumentError(EMPTY_MESSAGE)
    return LoadedDocument(text=cleaned.text, encoding=encoding, removed_lines=cleaned.removed_lines)


def check_upload(filename: str, size: int, *, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Refuse a file by its name and size alone, before anybody reads its bytes."""
    extension = Path(filename).suffix.lower()
    if extension not in SUPPORTED_EXTENSIONS:
        raise DocumentError(
            f"不支持的文件类型“{extension or '无扩展名'}”：只能导入 .txt、.docx、.doc 文件，请转换后重新导入。"
        )
    if size > max_bytes:
        raise DocumentError(f"文件过大：超过 {_format_size(max_bytes)} 的上限，请删除图片或拆分后重新导入。")


def too_many_chars_message(max_chars: int) -> str:
    return f"文件内容过长：超过 {max_chars:,} 字的上限，一篇讲稿不会这么长。请拆分文件或只保留讲话正文后重新导入。"


def read_document(
    filename: str, data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, max_chars: int = DEFAULT_MAX_CHARS
) -> tuple[str, str]:
    """The text of a file as decoded, before cleaning, and the encoding it was read with.

    查重 reports offsets into exactly this text (DESIGN §7), so it must not be cleaned.
    """
    check_upload(filename, len(data), max_bytes=max_bytes)
    if not data.strip():
        raise EmptyDocumentError(EMPTY_MESSAGE)
    extension = Path(filename).suffix.lower()
    try:
        if extension == ".txt":
            decoded = decode_text(data)
            text, encoding = decoded.text, decoded.encoding
        elif extension == ".docx" and not data.startswith(_OLE_MAGIC):
            text, encoding = read_docx(data, max_chars=max_chars), "docx"
        elif extension == ".doc" and data.startswith(_ZIP_MAGIC):
            # A .docx saved with a .doc name; no conversion needed.
            text, encoding = read_docx(data, max_chars=max_chars), "docx"
        else:
            # A .doc, or a legacy Word file renamed to .docx.
            text, encoding = read_doc(data, max_chars=max_chars), "doc"
    except TooManyCharacters:
        raise DocumentError(too_many_chars_message(max_chars)) from None
    if len(text) > max_chars:
        raise DocumentError(too_many_chars_message(max_chars))
    return text, encoding


def read_doc(data: bytes, *, max_chars: int | None = None) -> str:
    """Text of a legacy .doc through LibreOffice."""
    text = read_docx(convert_doc_to_docx(data), max_chars=max_chars)
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
