"""The section-level three-way merge, by example and by property."""

from hypothesis import given, settings
from hypothesis import strategies as st

from speechdraft.text.merge import merge_fields, merge_sections, merge_value

BASE = [(1, "各位代表、同志们："), (2, "开场。"), (3, "一、提高认识。"), (4, "二、依法履职。"), (5, "结尾！")]


def replace(items, key, value):
    return [(k, value if k == key else v) for k, v in items]


def test_edits_to_different_sections_both_survive_without_conflict():
    mine = replace(BASE, 3, "一、提高认识，增强责任感。")
    theirs = replace(BASE, 4, "二、依法履职，认真审议。")
    merged = merge_sections(BASE, mine, theirs)
    assert merged.conflicts == []
    assert dict(merged.items)[3] == "一、提高认识，增强责任感。"
    assert dict(merged.items)[4] == "二、依法履职，认真审议。"


def test_the_same_section_changed_on_both_sides_is_a_conflict_naming_it_with_both_texts():
    merged = merge_sections(BASE, replace(BASE, 3, "我的。"), replace(BASE, 3, "对方的。"))
    [conflict] = merged.conflicts
    assert (conflict.key, conflict.mine, conflict.theirs, conflict.base) == (
        3,
        "我的。",
        "对方的。",
        "一、提高认识。",
    )
    assert dict(merged.items)[3] == "对方的。"


def test_the_same_change_on_both_sides_is_no_conflict():
    same = replace(BASE, 2, "同样的修改。")
    assert merge_sections(BASE, same, same).conflicts == []


def test_a_reorder_on_one_side_and_an_addition_on_the_other_merge():
    mine = [BASE[0], BASE[1], BASE[3], BASE[2], BASE[4]]  # 二 before 一
    theirs = [*BASE[:4], (6, "三、新的一部分。"), BASE[4]]
    merged = merge_sections(BASE, mine, theirs)
    # The new part stays right after the section it followed on its own side.
    assert [k for k, _ in merged.items] == [1, 2, 4, 6, 3, 5]
    assert merged.conflicts == []


def test_a_delete_on_one_side_and_an_edit_on_the_other_keeps_the_edit_and_asks():
    mine = [item for item in BASE if item[0] != 4]
    theirs = replace(BASE, 4, "二、改过的。")
    merged = merge_sections(BASE, mine, theirs)
    assert dict(merged.items)[4] == "二、改过的。"
    assert [(c.key, c.mine) for c in merged.conflicts] == [(4, None)]


def test_a_delete_on_one_side_of_an_untouched_section_is_a_delete():
    mine = [item for item in BASE if item[0] != 4]
    assert 4 not in dict(merge_sections(BASE, mine, BASE).items)


def test_fields_merge_by_name():
    base = {"title": "讲话", "speaker": "", "date": None}
    merged, clashes = merge_fields(base, {**base, "title": "新标题"}, {**base, "speaker": "张主任"})
    assert merged == {"title": "新标题", "speaker": "张主任", "date": None} and clashes == []


# ---- properties ------------------------------------------------------------------------------

texts = st.text(alphabet="人大代表依法履职。，", min_size=0, max_size=6)


@st.composite
def edits(draw, base, new_keys, reorder=True):
    """One person's edit of ``base``: changed values, deletions, additions, maybe a reorder."""
    items = [(k, draw(texts) if draw(st.booleans()) else v) for k, v in base if draw(st.integers(0, 5)) != 0]
    for key in new_keys[: draw(st.integers(0, len(new_keys)))]:
        items.insert(draw(st.integers(0, len(items))), (key, draw(texts)))
    if reorder and draw(st.booleans()):
        items = draw(st.permutations(items))
    return list(items)


bases = st.lists(texts, min_size=0, max_size=8).map(lambda vs: [(i, v) for i, v in enumerate(vs)])


@settings(max_examples=300, deadline=None)
@given(st.data(), bases)
def test_merging_never_drops_a_change_that_has_no_competing_change(data, base):
    mine = data.draw(edits(base, ["m1", "m2"]))
    theirs = data.draw(edits(base, ["t1", "t2"]))
    merged = merge_sections(base, mine, theirs)
    result, b, m, t = dict(merged.items), dict(base), dict(mine), dict(theirs)
    conflicted = {c.key for c in merged.conflicts}
    for side, other in ((m, t), (t, m)):
        for key, value in side.items():
            if key not in b:
                assert result[key] == value  # an addition is always kept
            elif value != b[key] and other.get(key) == b[key]:
                assert result[key] == value  # a one-sided change is kept
        for key in b:
            if key not in side and other.get(key) == b[key]:
                assert key not in result  # a one-sided delete is kept
    for key in b:
        if key in m and key in t and m[key] != b[key] and t[key] != b[key] and m[key] != t[key]:
            assert key in conflicted
    assert len(merged.items) == len(result)  # no section twice


@settings(max_examples=200, deadline=None)
@given(st.data(), bases)
def test_when_only_one_side_edited_the_merge_is_that_side_exactly(data, base):
    edit = data.draw(edits(base, ["n1", "n2"]))
    assert merge_sections(base, edit, base).items == edit
    assert merge_sections(base, base, edit).items == edit
    assert merge_sections(base, edit, base).conflicts == []


@settings(max_examples=200, deadline=None)
@given(st.data(), bases)
def test_a_reorder_on_one_side_keeps_its_order_whatever_the_other_adds(data, base):
    mine = data.draw(st.permutations(base))
    theirs = data.draw(edits(base, ["t1"], reorder=False))
    merged = merge_sections(base, list(mine), theirs)
    kept = [k for k, _ in merged.items if k in dict(base)]
    assert kept == [k for k, _ in mine if k in kept]


def test_one_value_takes_the_side_that_changed_it_and_refuses_two_different_changes():
    assert merge_value("依法履职", "依法履职", "认真依法履职") == "认真依法履职"
    assert merge_value("依法履职", "依法履职。", "依法履职") == "依法履职。"
    assert merge_value("依法履职", "同一改动", "同一改动") == "同一改动"
    assert merge_value("依法履职", "甲改", "乙改") is None
