"""Measure a rendered PDF the way a proof-reader with a ruler would: lines, their text and their boxes.

Uses poppler's ``pdftotext -bbox-layout`` (XHTML with one ``<line>`` per printed line, coordinates in
points from the top-left corner of the page).
"""

from __future__ import annotations

import subprocess
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

XHTML = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class Line:
    text: str  # the words of the line joined without spaces (CJK has none; pdftotext splits at font changes)
    x_min: float
    y_min: float
    x_max: float
    y_max: float


@dataclass(frozen=True)
class Page:
    number: int
    width: float
    height: float
    lines: tuple[Line, ...]  # top to bottom


def pdf_pages(pdf: bytes) -> list[Page]:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(pdf)
        target = Path(tmp) / "out.html"
        subprocess.run(["pdftotext", "-bbox-layout", str(source), str(target)], check=True, timeout=60)
        root = ET.parse(target).getroot()
    pages = []
    for number, page in enumerate(root.iter(f"{XHTML}page"), start=1):
        lines = []
        for line in page.iter(f"{XHTML}line"):
            text = "".join(word.text or "" for word in line.iter(f"{XHTML}word"))
            lines.append(
                Line(
                    text=text,
                    x_min=float(line.get("xMin")),
                    y_min=float(line.get("yMin")),
                    x_max=float(line.get("xMax")),
                    y_max=float(line.get("yMax")),
                )
            )
        lines.sort(key=lambda line: (round(line.y_min, 1), line.x_min))
        pages.append(Page(number, float(page.get("width")), float(page.get("height")), tuple(lines)))
    return pages


def pdf_font_names(pdf: bytes) -> list[str]:
    """Names of the fonts embedded in the PDF (subset prefix removed), from poppler's ``pdffonts``."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(pdf)
        result = subprocess.run(
            ["pdffonts", str(source)], check=True, capture_output=True, text=True, timeout=60
        )
    names = []
    for row in result.stdout.splitlines()[2:]:
        name = row.split()[0]
        names.append(name.split("+", 1)[-1])
    return names
