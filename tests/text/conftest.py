"""Shared fixtures for the text-engine tests: the seed speeches, the case files, a .docx builder."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "speechdraft" / "library" / "seeds"
CASES = Path(__file__).resolve().parent / "cases"
SEED_000 = SEEDS / "000_856e7c9bd6a7060d.txt"
SEED_004 = SEEDS / "004_4dc910b79fc57e09.txt"


class DocxBuilder:
    """Builds small .docx files in memory, including Word automatic numbering definitions."""

    def __init__(self) -> None:
        self.document = docx.Document()
        self._numbering = self.document.part.numbering_part.element

    def add_list(
        self,
        num_id: int,
        levels: list[tuple[str, str]],
        *,
        abstract_id: int | None = None,
        start_overrides: dict[int, int] | None = None,
        num_style_link: str | None = None,
    ) -> int:
        """Define numbering ``num_id``; ``levels`` are (numFmt, lvlText) for ilvl 0, 1, …

        With ``num_style_link`` the abstract definition only points at a list style (Word's
        multilevel list styles), and ``levels`` is ignored.
        """
        abstract_id = num_id if abstract_id is None else abstract_id
        # python-docx's default template already defines lists 1–9; tests use their own ids.
        assert not self._numbering.xpath(f'w:num[@w:numId="{num_id}"]'), f"numId {num_id} is taken"
        if not self._numbering.xpath(f'w:abstractNum[@w:abstractNumId="{abstract_id}"]'):
            lvls = "".join(
                f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/></w:lvl>'
                for i, (fmt, text) in enumerate(levels)
            )
            if num_style_link:
                lvls = f'<w:numStyleLink w:val="{num_style_link}"/>'
            abstract = parse_xml(
                f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
                f'<w:multiLevelType w:val="multilevel"/>{lvls}</w:abstractNum>'
            )
            # The schema wants every abstractNum before the first num.
            first_num = self._numbering.find(qn("w:num"))
            if first_num is None:
                self._numbering.append(abstract)
            else:
                first_num.addprevious(abstract)
        overrides = "".join(
            f'<w:lvlOverride w:ilvl="{ilvl}"><w:startOverride w:val="{start}"/></w:lvlOverride>'
            for ilvl, start in (start_overrides or {}).items()
        )
        self._numbering.append(
            parse_xml(
                f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>{overrides}</w:num>'
            )
        )
        return num_id

    def add_list_style(self, style_id: str, num_id: int) -> None:
        """A numbering-type style whose list definition is ``num_id``."""
        self.document.styles.element.append(
            parse_xml(
                f'<w:style {nsdecls("w")} w:type="numbering" w:styleId="{style_id}"><w:name w:val="{style_id}"/>'
                f'<w:pPr><w:numPr><w:numId w:val="{num_id}"/></w:numPr></w:pPr></w:style>'
            )
        )

    def number_style(self, style_name: str, num_id: int, ilvl: int = 0) -> None:
        """Attach numbering to a paragraph style, as Word does for numbered heading styles."""
        p_pr = self.document.styles[style_name].element.get_or_add_pPr()
        p_pr.append(
            parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'
            )
        )

    def paragraph(self, text: str, *, num: tuple[int, int] | None = None, style: str | None = None) -> None:
        paragraph = self.document.add_paragraph(text, style=style)
        if num is not None:
            num_id, ilvl = num
            paragraph._p.get_or_add_pPr().append(
                parse_xml(
                    f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'
                )
            )

    def table(self, rows: list[list[str]]) -> None:
        table = self.document.add_table(rows=len(rows), cols=len(rows[0]))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.cell(r, c).text = text

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


@pytest.fixture
def docx_builder() -> DocxBuilder:
    return DocxBuilder()


@pytest.fixture(scope="session")
def seed_000_bytes() -> bytes:
    return SEED_000.read_bytes()


@pytest.fixture(scope="session")
def seed_004_bytes() -> bytes:
    return SEED_004.read_bytes()
