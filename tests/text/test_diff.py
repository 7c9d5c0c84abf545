"""The bounded word diff: correct pieces on real text, and bounded work on long paragraphs."""

from hypothesis import given, settings
from hypothesis import strategies as st

from speechdraft.text.diff import WORD_DIFF_LIMIT, DiffPiece, sentences, word_diff
from tests.conftest import SEED_004


def spell(pieces, side):
    skip = "insert" if side == "old" else "delete"
    return "".join(p.text for p in pieces if p.op != skip)


def test_a_changed_word_in_a_seed_paragraph_is_marked_as_that_word():
    old = SEED_004.read_text(encoding="utf-8")
    new = old.replace("依法履职", "依法尽责", 1)
    changes = [(p.op, p.text) for p in word_diff(old, new) if p.op != "equal"]
    assert ("delete", "依法履职") in changes or any("履职" in t for op, t in changes if op == "delete")
    assert all(len(t) < 20 for _, t in changes)


def test_sentences_keep_every_character_and_end_at_sentence_marks():
    text = "一、提高认识。宪法规定！\n他说：“是的。”好"
    assert "".join(sentences(text)) == text
    assert sentences(text)[:2] == ["一、提高认识。", "宪法规定！"]


def test_a_long_rewrite_beyond_the_limit_is_shown_as_replaced_whole():
    old = "甲" * (WORD_DIFF_LIMIT + 10)
    new = "乙" * (WORD_DIFF_LIMIT + 10)
    assert [p.op for p in word_diff(old, new)] == ["delete", "insert"]


def test_one_edit_in_a_200k_character_paragraph_is_found_exactly():
    old = "人大代表要依法履职，认真审议各项报告。" * 10_500
    at = 19 * 5263  # a sentence start near the middle
    new = old[:at] + "新增一句。" + old[at:]
    pieces = word_diff(old, new)
    assert [p.text for p in pieces if p.op == "insert"] == ["新增一句。"]
    assert spell(pieces, "old") == old and spell(pieces, "new") == new


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="代表履职。，！\n的和", max_size=60),
    st.text(alphabet="代表履职。，！\n的和", max_size=60),
)
def test_the_pieces_spell_both_texts(old, new):
    pieces = word_diff(old, new)
    assert spell(pieces, "old") == old
    assert spell(pieces, "new") == new


def test_word_diff_marks_inserted_and_deleted_words():
    old, new = (
        "人大代表要依法履职。代表要认真审议报告。",
        "人大代表要认真依法履职，接受监督。代表要审议报告。",
    )
    ops = [(p.op, p.text) for p in word_diff(old, new)]
    assert ("insert", "认真") in ops
    assert ("delete", "认真") in ops
    # Words are never split: the pieces rebuild both texts exactly.
    assert "".join(t for op, t in ops if op != "insert") == old
    assert "".join(t for op, t in ops if op != "delete") == new


def test_word_diff_across_paragraphs_keeps_untouched_ones_whole():
    old = "第一段不变。\n第二段，代表要依法履职。\n第三段不变。"
    new = "第一段不变。\n第二段，代表要认真依法履职。\n新增一段。\n第三段不变。"
    pieces = word_diff(old, new)
    assert pieces[0].op == "equal" and pieces[0].text.startswith("第一段不变。\n")
    assert ("insert", "认真") in [(p.op, p.text) for p in pieces]
    assert any(p.op == "insert" and "新增一段。" in p.text for p in pieces)
    assert pieces[-1] == DiffPiece("equal", "第三段不变。")
    assert "".join(p.text for p in pieces if p.op != "insert") == old
    assert "".join(p.text for p in pieces if p.op != "delete") == new
    assert word_diff(old, old) == [DiffPiece("equal", old)]
