"""A 管理员's 规范检查 rule cannot hang the check (issue #11.6): patterns are tried when saved, and each
rule runs with a time limit."""

import pytest

from speechdraft.checks.models import LintRule
from speechdraft.text import lint
from speechdraft.text.lint import FormulationRule, lint_text

TEXT = "各位代表：今天召开人大代表座谈会。" + "代" * 25 + "！"


def test_the_admin_refuses_a_pattern_that_backtracks_for_ever(client, manager):
    client.force_login(manager)
    response = client.post(
        "/admin/checks/lintrule/add/",
        {
            "pattern": "(代|代)+$",
            "is_regex": "on",
            "message": "请核对",
            "severity": "warning",
            "is_active": "on",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "会运行很久" in page and "去掉嵌套的重复" in page
    assert not LintRule.objects.filter(pattern="(代|代)+$").exists()


def test_the_admin_refuses_a_broken_pattern_and_accepts_a_sound_one(client, manager):
    client.force_login(manager)
    form = {"is_regex": "on", "message": "请核对", "severity": "warning", "is_active": "on"}
    response = client.post("/admin/checks/lintrule/add/", {**form, "pattern": "(人大"})
    assert "正则表达式有误" in response.content.decode()
    response = client.post("/admin/checks/lintrule/add/", {**form, "pattern": "人大代表们?"})
    assert response.status_code == 302 and LintRule.objects.filter(pattern="人大代表们?").exists()


def test_the_issues_nested_quantifier_runs_on_the_regex_engine_and_finds_its_match():
    # `(代+)+$` took seconds on 25 characters with Python's re; the regex package does not backtrack here.
    rule = FormulationRule("(代+)+！", "连用“代”字", "", "warning", True)
    found = [f for f in lint_text(TEXT, formulations=[rule]) if f.rule == "formulation"]
    assert [TEXT[f.start : f.end] for f in found] == ["代" * 25 + "！"]


def test_a_rule_saved_before_validation_that_runs_too_long_is_skipped_not_waited_on(monkeypatch):
    monkeypatch.setattr(lint, "FORMULATION_TIMEOUT_SECONDS", 0.05)
    slow = FormulationRule("(代|代)+$", "慢规则", "", "warning", True)
    fine = FormulationRule("座谈会", "提示", "", "info", False)
    found = [
        f.message
        for f in lint_text(TEXT + "代" * 40 + "x", formulations=[slow, fine])
        if f.rule == "formulation"
    ]
    assert found == ["提示"]


@pytest.mark.parametrize("pattern", ["人大代表", "[（(]试行[)）]", r"\d{4}年"])
def test_ordinary_patterns_pass_validation(pattern):
    from speechdraft.checks.forms import pattern_problem

    assert pattern_problem(pattern) is None
