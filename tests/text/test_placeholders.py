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


# --- binding each occurrence to the key it is filled under ---------------------------------------

from speechdraft.text.placeholders import KINDS, bind_placeholders, make_token, printed_value  # noqa: E402

from .conftest import SEED_000, SEED_004  # noqa: E402

# (text, key of each occurrence in order, kind of the first, sure?)
BINDING_CASES = [
    ("刚才，**同志通报了区人大常委会工作情况", ["人名"], "人名", True),
    ("以代表工作的创新推动**人大工作的与时俱进", ["区名"], "区/县/市名", True),
    ("现场会在**召开，得到了省、市人大的肯定", ["地点"], "地名", True),
    ("以优异成绩助力**经济社会高质量发展！", ["区名"], "区/县/市名", True),
    ("围绕建设幸福*•魅力新**的目标任务", ["口号", "口号"], "其他", False),
    ("帮助群众正确认识**区改革发展中出现的问题", ["区名"], "区/县/市名", True),
    ("人民幸福的×区大局出发", ["区名"], "区/县/市名", True),
    ("区×届人大×次会议确定的目标任务", ["届次", "会次"], "届次", True),
    ("××县第×届人民代表大会第×次会议", ["县名", "届次", "会次"], "区/县/市名", True),
    ("会议由**主持", ["人名"], "人名", True),
    ("**主任作了讲话", ["人名"], "人名", True),
    ("共有**名代表参加培训", ["数字"], "数字", True),
    ("出席率达到**%", ["数字"], "数字", True),
    ("**年**月**日", ["日期", "日期", "日期"], "日期", True),
    ("请某某同志发言", ["人名"], "人名", True),
    ("区**局负责同志", ["单位"], "单位", True),
    ("{{通报人|人名}}同志作了通报，{{区名}}人大工作", ["通报人", "区名"], "人名", True),
    ("这是**。", ["**"], "其他", False),
]


@pytest.mark.parametrize(("text", "keys", "kind", "sure"), BINDING_CASES)
def test_each_occurrence_is_bound_by_its_context(text, keys, kind, sure):
    bindings = bind_placeholders(text)
    assert [b.key for b in bindings] == keys
    assert bindings[0].kind == kind
    assert bindings[0].sure is sure
    assert all(b.kind in KINDS and text[b.start : b.end] == b.text for b in bindings)


SEED_BINDINGS = {
    SEED_000: ["人名", "区名", "口号", "口号", "区名", "区名", "地点", "区名"],
    SEED_004: ["区名", "届次", "会次", "区名"],
}


@pytest.mark.parametrize("seed", list(SEED_BINDINGS), ids=lambda p: p.name[:3])
def test_every_redaction_in_the_seeds_gets_a_key_and_a_kind(seed):
    text = seed.read_text(encoding="utf-8")
    bindings = bind_placeholders(text)
    assert [b.key for b in bindings] == SEED_BINDINGS[seed]
    assert all(b.kind in KINDS and b.rule for b in bindings)
    assert len(bindings) == len(find_placeholders(text))


def test_a_district_bound_from_context_prints_with_its_unit_and_a_district_before_qu_does_not():
    text = "推动**人大工作，认识**区改革"
    first, second = bind_placeholders(text)
    assert printed_value(text, first, "海淀") == "海淀区"
    assert printed_value(text, second, "海淀") == "海淀"


def test_a_token_names_its_kind_only_when_the_key_does_not_say_it():
    assert make_token("区名", "区/县/市名") == "{{区名}}"
    assert make_token("通报人", "人名") == "{{通报人|人名}}"
    (binding,) = bind_placeholders(make_token("通报人", "人名"))
    assert (binding.key, binding.kind, binding.confidence) == ("通报人", "人名", 1.0)


# --- facts of the source speech, for templates ------------------------------------------------

from speechdraft.text.placeholders import facts_to_placeholders, find_source_facts  # noqa: E402

FACT_CASES = [
    ("区人大常委会2023年上半年工作", [("2023年", "具体日期")]),
    ("7月14日全区召开交流会", [("7月14日", "具体日期")]),
    ("我们当选的274名代表", [("274", "具体数量")]),
    ("代表占82.48%，多数", [("82.48%", "百分比")]),
    ("认真落实区九届人大常委会", [("九", "届次")]),
    ("总书记视察贵州重要讲话", [("贵州", "外省地名")]),
    ("开展“乡村振兴，代表在行动”主题活动", [("“乡村振兴，代表在行动”", "具名活动")]),
    ("为全面建成小康社会作贡献", [("全面建成小康社会", "可能过时的表述")]),
    ("前3年和三个方面", []),
    ("人大代表要依法履职", []),
]


@pytest.mark.parametrize(("text", "expected"), FACT_CASES)
def test_source_facts_are_found_with_their_reason(text, expected):
    assert [(f.text, f.reason) for f in find_source_facts(text)] == expected


def test_facts_with_a_kind_become_typed_placeholders_and_the_rest_stay_for_a_person():
    text = "2023年，274名区九届代表开展“四个一”活动。"
    converted, count = facts_to_placeholders(text)
    assert converted == "{{日期}}，{{数字}}名区{{届次}}届代表开展“四个一”活动。"
    assert count == 3
    assert [b.key for b in bind_placeholders(converted)] == ["日期", "数字", "届次"]
