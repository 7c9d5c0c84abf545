"""File downloads every area serves (.docx from 查重 and from export): one copy, outside both areas."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_response(data: bytes, filename: str) -> HttpResponse:
    """A .docx download; the Chinese file name travels as RFC 6266 filename*."""
    response = HttpResponse(data, content_type=DOCX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Content-Length"] = str(len(data))
    return response
