"""Text as Word (OOXML) can store it: the primitives every .docx writer of the project shares.

Pure Python, no Django: the 查重 report and the export both write .docx files from here.
"""

from __future__ import annotations

import re

from .genre import LINE_BREAKS

# Characters XML 1.0 forbids (a pasted form feed or a lone surrogate breaks a .docx).
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Text Word can store: XML-illegal control characters removed."""
    return XML_ILLEGAL.sub("", text or "")


def one_line(text: str) -> str:
    """Text safe for XML on one line: illegal control characters removed, line breaks made spaces."""
    return XML_ILLEGAL.sub("", LINE_BREAKS.sub(" ", text or ""))
