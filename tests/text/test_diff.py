"""The bounded word diff: correct pieces on real text, and bounded work on long paragraphs."""

from hypothesis import given, settings
from hypothesis import strategies as st

from speechdraft.text.diff import WORD_DIFF_LIMIT, sentences, word_diff
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
