"""The words around a passage, as every screen that quotes one shows them (查重 pairs, 规范检查
findings, the placeholder guard of export, a block's place in its source document).

One helper so that the clipping at the text's start and end is written once. Pure Python.
"""

from __future__ import annotations


def around(text: str, start: int, end: int, chars: int) -> tuple[str, str]:
    """(before, after): up to ``chars`` characters of ``text`` on each side of ``text[start:end]``."""
    return text[max(0, start - chars) : max(0, start)], text[end : end + chars]
