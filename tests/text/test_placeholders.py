import pytest

from speechdraft.text.placeholders import find_placeholders

CASES = [
    ("刚才，**同志通报了工作情况", [("**", 3, "asterisk")]),
    ("围绕建设幸福*•魅力新**的目标任务", [("*", 6, "asterisk"), ("**", 11, "asterisk")]),
    ("人民幸福的×区大局出发", [("×", 5, "cross")]),
    ("区×届人大×次会议确定的目标", [("×", 1, "cross"), ("×", 5, "cross")]),
    ("××县人民政府", [("××", 0, "cross")]),
    ("XX同志、xx局、XXX单位", [("XX", 0, "cross"), ("xx", 5, "cross"), ("XXX", 9, "cross")]),
    ("受某某同志委托", [("某某", 1, "mou")]),
    ("某区某镇某市", [("某", 0, "mou"), ("某", 2, "mou"), ("某", 4, "mou")]),
    ("请＊＊同志发言", [("＊＊", 1, "asterisk")]),
    ("会议于○○月召开，地点□□□", [("○○", 3, "blank"), ("□□□", 11, "blank")]),
    ("签名：＿＿＿＿", [("＿＿＿＿", 3, "blank")]),
    # Ordinary words and Latin text are not placeholders.
    ("某些问题、某种程度、某个方面、某一时期", []),
    ("规范某市场主体的行为", []),
    ("开展X光检查和X射线防护", []),
    ("Xbox、XXL码、3x速度", []),
    ("第X次会议", [("X", 1, "cross")]),
    ("", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_find_placeholders(text, expected):
    found = find_placeholders(text)
    assert [(p.text, p.start, p.kind) for p in found] == expected
    assert all(text[p.start : p.end] == p.text for p in found)
