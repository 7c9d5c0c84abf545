import pytest

from speechdraft.text.lint import ERROR, INFO, FormulationRule, lint_text
from tests.conftest import SEED_000, SEED_004


def rules(findings):
    return [f.rule for f in findings]


def test_clean_speech_has_only_the_length_summary():
    text = "各位代表：\n一、提高认识。要认真学习。\n二、依法履职。要认真审议。\n同志们，让我们共同努力！"
    findings = lint_text(text)
    assert rules(findings) == ["length"]
    assert findings[-1].severity == INFO and "分钟" in findings[-1].message


def test_unfilled_placeholders_are_errors_with_their_span():
    text = "各位代表：\n今天，**同志通报了×区的工作情况。"
    found = [f for f in lint_text(text) if f.rule == "placeholder"]
    assert [text[f.start : f.end] for f in found] == ["**", "×"]
    assert all(f.severity == ERROR for f in found)


@pytest.mark.parametrize(
    ("text", "bad", "suggestion"),
    [
        ("一、提高认识。正文。\n三、依法履职。正文。", "三、", "二、"),
        ("一、提高认识。正文。\n二、依法履职。正文。\n二、为民服务。正文。", "二、", "三、"),
    ],
)
def test_part_numbering_gaps_and_repeats(text, bad, suggestion):
    (finding,) = [f for f in lint_text(text) if f.rule == "part_numbering"]
    assert text[finding.start : finding.end] == bad
    assert finding.suggestion == suggestion


def test_subpoint_numbering_gap_is_found():
    text = "一、提高认识。要加强学习。一是要学习宪法，掌握代表法的规定。三是要学习党章，坚定理想信念。"
    (finding,) = [f for f in lint_text(text) if f.rule == "subpoint_numbering"]
    assert text[finding.start : finding.end] == "三是"


def test_half_width_punctuation_in_chinese_gets_the_full_width_suggestion():
    text = "各位代表,同志们:今天开会(座谈)。Version 2.0, fine."
    found = [f for f in lint_text(text) if f.rule == "half_width_punctuation"]
    assert [(text[f.start : f.end], f.suggestion) for f in found] == [
        (",", "，"),
        (":", "："),
        ("(", "（"),
        (")", "）"),
    ]


def test_duplicated_sentences_are_reported_once_at_the_repeat():
    sentence = "人大代表要密切联系群众，认真听取和反映群众意见。"
    text = f"各位代表：\n{sentence}这很重要。\n{sentence}"
    (finding,) = [f for f in lint_text(text) if f.rule == "duplicate_sentence"]
    assert finding.start == text.rindex(sentence)


def test_office_formulation_rules_are_applied():
    rule = FormulationRule("一府两院", "监察体制改革后应表述为“一府一委两院”。", "一府一委两院")
    text = "审议一府两院的工作报告。"
    (finding,) = [f for f in lint_text(text, formulations=[rule]) if f.rule == "formulation"]
    assert text[finding.start : finding.end] == "一府两院" and finding.suggestion == "一府一委两院"


def test_a_broken_regular_expression_rule_is_ignored():
    assert rules(lint_text("正文。", formulations=[FormulationRule("(", "坏规则", regex=True)])) == ["length"]


def test_speaking_time_over_the_limit_is_a_warning():
    finding = lint_text("各位代表：\n" + "人大代表要依法履职。" * 300, max_minutes=10)[-1]
    assert finding.rule == "length" and finding.severity == "warning" and "建议压缩" in finding.message


def test_seed_speeches_numbering_is_consistent():
    for seed in (SEED_000, SEED_004):
        text = seed.read_text(encoding="utf-8")
        assert not [f for f in lint_text(text) if f.rule == "part_numbering"]


# --- rules that read the speech ---------------------------------------------------------------

from datetime import date  # noqa: E402

FOUR_PARTS = (
    "各位代表：\n下面，我谈三点意见。\n一、提高认识。正文。\n二、依法履职。正文。\n"
    "三、为民服务。正文。\n四、改进作风。正文。\n同志们，让我们共同努力！"
)


def _only(findings, rule):
    return [f for f in findings if f.rule == rule]


def test_announced_count_that_differs_from_the_parts_is_an_error_with_the_right_number():
    (finding,) = _only(lint_text(FOUR_PARTS), "announced_count")
    assert FOUR_PARTS[finding.start : finding.end] == "谈三点意见"
    assert finding.suggestion == "谈四点意见" and "四个部分" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        FOUR_PARTS.replace("谈三点意见", "谈四点意见"),
        FOUR_PARTS.replace("谈三点意见", "提几点要求"),
        SEED_000.read_text(encoding="utf-8"),
        SEED_004.read_text(encoding="utf-8"),
    ],
    ids=["matching", "jidian-four-parts", "seed000", "seed004"],
)
def test_announced_count_that_matches_or_says_jidian_is_fine(text):
    assert _only(lint_text(text), "announced_count") == []


def test_xiaokang_as_a_current_task_after_2021_is_outdated():
    text = "各位代表：\n要为全面建成小康社会作出新贡献。"
    (finding,) = _only(lint_text(text, speech_date=date(2024, 7, 20)), "outdated_by_date")
    assert text[finding.start : finding.end] == "全面建成小康社会"
    assert finding.suggestion == "全面建设社会主义现代化国家"


@pytest.mark.parametrize(
    ("text", "when"),
    [
        ("要为全面建成小康社会作出新贡献。", date(2019, 5, 1)),
        ("我们如期全面建成小康社会，实现了第一个百年奋斗目标。", date(2024, 7, 20)),
        ("全面建成小康社会取得伟大历史性成就。", date(2024, 7, 20)),
    ],
)
def test_xiaokang_before_2021_or_as_history_is_fine(text, when):
    assert _only(lint_text(text, speech_date=when), "outdated_by_date") == []


def test_nineteenth_congress_as_current_is_outdated_after_the_twentieth_and_fine_as_history():
    current = "要深入学习贯彻党的十九大精神。"
    (finding,) = _only(lint_text(current, speech_date=date(2024, 1, 1)), "outdated_by_date")
    assert finding.suggestion == "二十大"
    assert _only(lint_text(current, speech_date=date(2021, 1, 1)), "outdated_by_date") == []
    history = "党的十九大以来，人大工作取得新进展。"
    assert _only(lint_text(history, speech_date=date(2024, 1, 1)), "outdated_by_date") == []


def test_places_foreign_to_the_speechs_own_district_are_flagged():
    text = "各位代表：\n总书记视察贵州时指出，要在朝阳区和海淀区推广经验，全区代表要深入社区。"
    found = _only(lint_text(text, own_places=["海淀"]), "foreign_place")
    assert [text[f.start : f.end] for f in found] == ["贵州", "朝阳区"]


def test_own_places_and_words_of_the_genre_are_not_foreign():
    text = "各位代表：\n总书记视察贵州时指出，要在海淀区推广经验，全区代表要深入辖区和社区。"
    assert _only(lint_text(text, own_places=["海淀", "贵州省"]), "foreign_place") == []
    # Without a known place there is nothing to compare with.
    assert _only(lint_text(text), "foreign_place") == []


def test_a_value_that_does_not_fit_its_key_is_an_error():
    found = _only(
        lint_text("正文。", values={"人名": "海淀区", "届次": "第九届", "区名": "海淀"}), "placeholder_kind"
    )
    assert [f.message.split("”")[0] for f in found] == ["占位符“人名", "占位符“届次"]
    assert _only(lint_text("正文。", values={"人名": "李明", "届次": "九"}), "placeholder_kind") == []


def test_length_says_what_it_counts():
    (length,) = _only(lint_text("各位代表：\n今天开会。"), "length")
    assert "全文约 8 字（不含标点）" in length.message


def test_a_placeholder_bound_by_hand_against_its_context_is_flagged():
    written = "要推动{{人名}}人大工作，请{{人名}}同志讲话。"
    found = _only(lint_text("正文。", written=written), "placeholder_kind")
    assert len(found) == 1 and "区/县/市名" in found[0].message and "推动{{人名}}人大" in found[0].message
    fine = "要推动{{区名}}人大工作，请{{通报人|人名}}同志讲话。"
    assert _only(lint_text("正文。", written=fine), "placeholder_kind") == []
