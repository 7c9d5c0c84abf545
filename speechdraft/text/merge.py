"""Three-way merge of a speech by section: two people editing different parts of one speech is the
normal case in an office, not a conflict.

A speech here is an ordered sequence of ``(key, value)`` pairs: the key names a section for its
whole life (its stored id, or the editor's key while it is new), the value is whatever the section
holds (role, heading, body, source block). Against the common base:

- a section changed on one side only takes that side's value;
- a section changed on both sides to different values is a conflict — the result holds ``theirs``
  (what is stored) and the conflict carries both texts for the writer to choose;
- a section deleted on one side and untouched on the other is deleted; deleted on one side and
  changed on the other is a conflict (the changed text is kept until the writer decides);
- sections added on either side are kept, each after the section it followed on its own side;
- the order is the order of the side that reordered the sections (``mine`` when both did).

The same rules merge the speech's own fields (title, speaker …) with :func:`merge_fields`.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass(frozen=True)
class Conflict(Generic[K, V]):
    key: K
    base: V | None
    mine: V | None  # None: mine deleted it
    theirs: V | None  # None: theirs deleted it


@dataclass
class Merged(Generic[K, V]):
    items: list[tuple[K, V]]
    conflicts: list[Conflict[K, V]] = field(default_factory=list)


def _value3(base: V | None, mine: V | None, theirs: V | None, in_base: bool) -> tuple[V | None, bool]:
    """The merged value of one section and whether it conflicts; ``None`` means deleted."""
    if mine == theirs:
        return mine, False
    if not in_base and (mine is None or theirs is None):
        return (mine if theirs is None else theirs), False  # added on one side
    if in_base and mine == base:
        return theirs, False
    if in_base and theirs == base:
        return mine, False
    # Both changed it differently (or one deleted what the other changed): keep what exists,
    # preferring the stored side, and let the writer choose.
    return (theirs if theirs is not None else mine), True


def _order(base: list[K], mine: list[K], theirs: list[K], keep: set[K]) -> list[K]:
    common = [k for k in base if k in mine and k in theirs]
    mine_common = [k for k in mine if k in common]
    theirs_common = [k for k in theirs if k in common]
    # The side whose order of shared sections differs from the base is the side that reordered.
    if theirs_common != [k for k in base if k in common] and mine_common == [k for k in base if k in common]:
        primary, secondary = theirs, mine
    else:
        primary, secondary = mine, theirs
    result = [k for k in primary if k in keep]
    placed = set(result)
    for side in (secondary, base):
        for index, key in enumerate(side):
            if key in placed or key not in keep:
                continue
            # After the nearest section that preceded it on its own side and is already placed.
            at = 0
            for before in reversed(side[:index]):
                if before in placed:
                    at = result.index(before) + 1
                    break
            result.insert(at, key)
            placed.add(key)
    return result


def merge_sections(
    base: Sequence[tuple[K, V]], mine: Sequence[tuple[K, V]], theirs: Sequence[tuple[K, V]]
) -> Merged[K, V]:
    """Merge two edits of ``base`` section by section (see the module docstring for the rules)."""
    b, m, t = dict(base), dict(mine), dict(theirs)
    values: dict[K, V] = {}
    conflicts: list[Conflict[K, V]] = []
    for key in [*b, *(k for k in m if k not in b), *(k for k in t if k not in b and k not in m)]:
        value, clash = _value3(b.get(key), m.get(key), t.get(key), key in b)
        if clash:
            conflicts.append(Conflict(key, b.get(key), m.get(key), t.get(key)))
        if value is not None:
            values[key] = value
    order = _order([k for k, _ in base], [k for k, _ in mine], [k for k, _ in theirs], set(values))
    return Merged([(key, values[key]) for key in order], conflicts)


def merge_value(base: V, mine: V, theirs: V) -> V | None:
    """One value changed on two sides since ``base``: the side that changed it wins, ``None`` when both
    changed it differently (the caller reports a conflict). The 审阅稿 apply step merges a section's
    heading and body, and the title, with this rule."""
    value, clash = _value3(base, mine, theirs, True)
    return None if clash else value


def merge_fields(
    base: Mapping[str, Any], mine: Mapping[str, Any], theirs: Mapping[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """Merge the speech's own fields; returns the merged fields and the names changed on both sides
    (those keep ``mine``: the fields are short, and the writer who saves last sees them on screen)."""
    merged, clashes = {}, []
    for name in {*base, *mine, *theirs}:
        value, clash = _value3(base.get(name), mine.get(name), theirs.get(name), name in base)
        if clash:
            clashes.append(name)
            value = mine.get(name, value)
        merged[name] = value
    return merged, clashes
