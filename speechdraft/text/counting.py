"""The one word count (字数) of the app: what the editor, 查重, 规范检查, export and the list show.

An office counts a speech the way CNKI counts a report: letters and digits, no punctuation and no
whitespace. Every screen says so next to the figure (``COUNT_LABEL``), so two screens never disagree
about one version.
"""

from __future__ import annotations

from .normalise import countable_chars

COUNT_LABEL = "字数（不含标点）"


def count_chars(text: str) -> int:
    """Characters that count: hanzi, Latin letters and digits; punctuation and whitespace do not."""
    return countable_chars(text)


def percent(ratio: float) -> str:
    """A ratio stored as a fraction, shown as CNKI reports show it: a percentage with one decimal
    ("12.3%"). The 查重 page, its .docx report and the command line all print it with this."""
    return f"{ratio * 100:.1f}%"
