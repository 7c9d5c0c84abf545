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
