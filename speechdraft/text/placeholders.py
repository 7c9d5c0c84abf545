"""Redaction placeholders left in source speeches (**, ×区, XX, 某某 …) with their positions.

Each run of placeholder characters is its own placeholder: "区×届人大×次会议" gives two "×"
placeholders, "**区" gives "**". The surrounding unit (区, 届) stays ordinary text, because the
value a user fills in replaces only the redacted name or number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Placeholder:
    start: int
    end: int
    text: str
    # "asterisk" (* ＊), "cross" (× X x), "mou" (某某, 某区), "blank" (○ □ ＿): lets lint and the
    # editor say what kind of value is missing.
    kind: str = ""


# Administrative units after a single 某 make it a redaction ("某区", "某镇", "某市"); everything
# else after 某 (某些, 某种, 某个, 某一, 某市场) is ordinary vocabulary and must not be reported.
_MOU_UNITS = "省区县镇乡街村州旗"

_PATTERN = re.compile(
    r"(?P<asterisk>[*＊]+)"
    r"|(?P<cross>[×✕✖╳]+)"
    # Latin X/x only when not part of a Latin word or a number ("XXL", "Xbox", "3x"), and not the
    # established words X光 / X射线.
    r"|(?P<latin>(?<![A-Za-z0-9０-９])[XxＸｘ]+(?![A-Za-z0-9０-９])(?!光|射线))"
    r"|(?P<mou>某某+|某(?=[" + _MOU_UNITS + r"]|市(?!场)))"
    r"|(?P<blank>[○□]+|[_＿]{2,})"
)


def find_placeholders(text: str) -> list[Placeholder]:
    """All placeholders in ``text`` in order; offsets are Python string offsets into ``text``."""
    found = []
    for match in _PATTERN.finditer(text):
        kind = match.lastgroup or ""
        found.append(
            Placeholder(
                start=match.start(),
                end=match.end(),
                text=match.group(),
                kind="cross" if kind == "latin" else kind,
            )
        )
    return found
