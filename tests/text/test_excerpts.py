"""The words around a quoted passage, clipped at the text's edges."""

from speechdraft.text.excerpts import around
from speechdraft.text.printing import section_at


def test_around_gives_the_words_either_side_and_stops_at_the_edges():
    text = "各位代表、同志们：今天我们召开培训班。"
    start = text.index("今天")
    assert around(text, start, start + 2, 4) == ("同志们：", "我们召开")
    assert around(text, 0, 4, 10) == ("", "、同志们：今天我们召")
    assert around(text, len(text) - 1, len(text), 3) == ("培训班", "")


def test_section_at_names_the_section_holding_an_offset_and_an_empty_section_holds_its_start():
    spans = [(1, 0, 10), (2, 11, 11), (3, 12, 30)]
    assert section_at(spans, 0) == 1
    assert section_at(spans, 9) == 1
    assert section_at(spans, 10) is None  # the line break between sections
    assert section_at(spans, 11) == 2
    assert section_at(spans, 29) == 3
    assert section_at(spans, 30) is None
