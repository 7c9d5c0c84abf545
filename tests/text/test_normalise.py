import random

from speechdraft.text.normalise import (
    countable_chars,
    normalise,
    normalise_char,
    quotation_spans,
)

MIXED = "各位代表、同志們：\u3000ＡＢＣ１２３ abc “四个意识”，《代表法》𠀀！\n第二段 Hello-World。"


def test_offset_map_points_every_normalised_char_at_its_original():
    norm = normalise(MIXED)
    assert len(norm.offsets) == len(norm.text)
    for i, ch in enumerate(norm.text):
        assert normalise_char(MIXED[norm.offsets[i]]) == ch
    dropped = set(range(len(MIXED))) - set(norm.offsets.tolist())
    assert all(normalise_char(MIXED[i]) == "" for i in dropped)
    assert list(norm.offsets) == sorted(norm.offsets)


def test_offset_map_on_random_text_round_trips_spans():
    rng = random.Random(5)
    alphabet = "人大代表同志們，。、；：“”《》 \n\u3000ＡａBb１2!?…—"
    text = "".join(rng.choice(alphabet) for _ in range(2000))
    norm = normalise(text)
    for _ in range(200):
        a = rng.randrange(len(norm))
        b = rng.randrange(a, len(norm)) + 1
        start, end = norm.original_span(a, b)
        assert normalise(text[start:end]).text == norm.text[a:b]
        assert norm.normalised_span(start, end) == (a, b)


def test_punctuation_and_whitespace_are_dropped_and_forms_folded():
    norm = normalise(MIXED)
    assert norm.text == "各位代表同志们abc123abc四个意识代表法𠀀第二段helloworld"


def test_traditional_characters_become_simplified():
    assert normalise("堅持黨的領導，發揮人大代表作用").text == "坚持党的领导发挥人大代表作用"


def test_countable_chars_counts_letters_and_digits_only():
    assert countable_chars("同志们，2024年！ ") == 8
    assert countable_chars("，。！？ \n") == 0
    assert countable_chars("") == 0


def test_empty_text():
    norm = normalise("")
    assert norm.text == "" and len(norm.offsets) == 0
    assert norm.original_span(0, 0) == (0, 0)


def test_quotation_spans_cover_marks_and_nested_quotes():
    text = '他说“要‘忠实’代表”，《宪法》和「代表法」"abc" 以及”多余的'
    spans = quotation_spans(text)
    assert [text[a:b] for a, b in spans] == ["“要‘忠实’代表”", "《宪法》", "「代表法」", '"abc"']


def test_unmatched_quotation_mark_quotes_nothing_and_never_spans_lines():
    assert quotation_spans("人民的根本利益。”我们") == []
    assert quotation_spans("“第一行\n第二行”") == []
