import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from tests.drafting.factories import make_sections, make_speech

pytestmark = pytest.mark.django_db


def test_lint_page_lists_findings_with_links_to_sections(client, drafter):
    sections = make_sections()
    sections[1]["body"] = "我们要认真审议一府两院的工作报告,推动工作落实。"
    speech = make_speech(drafter, sections=sections)
    client.force_login(drafter)
    html = client.get(reverse("checks:lint", args=[speech.pk])).content.decode()
    assert "一府一委两院" in html  # the shipped formulation rule
    assert 'data-rule="half_width_punctuation"' in html
    assert 'data-rule="placeholder"' in html  # the factory's ×区
    anchors = set(re.findall(r'href="/speeches/\d+/#(sec-s\d+)"', html))
    assert "去修改" in html and anchors
    editor = client.get(speech.get_absolute_url()).content.decode()
    assert all(f'id="{anchor}"' in editor for anchor in anchors)


def test_lint_over_htmx_returns_only_the_results(client, drafter):
    speech = make_speech(drafter)
    client.force_login(drafter)
    html = client.get(
        reverse("checks:lint", args=[speech.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert 'id="lint-results"' in html and "<html" not in html


def test_lint_of_other_users_speech_is_404_and_anonymous_goes_to_login(client, drafter, colleague):
    speech = make_speech(drafter)
    url = reverse("checks:lint", args=[speech.pk])
    assert client.get(url).status_code == 302
    client.force_login(colleague)
    assert client.get(url).status_code == 404


def test_lint_speech_command_json_matches_the_contract(tmp_path):
    path = tmp_path / "draft.txt"
    path.write_text(
        "各位代表：\n一、提高认识。审议一府两院报告。\n三、依法履职。**同志讲话。", encoding="utf-8"
    )
    out = StringIO()
    call_command("lint_speech", str(path), "--format", "json", stdout=out)
    findings = json.loads(out.getvalue())
    assert all(set(f) == {"rule", "severity", "message", "start", "end", "suggestion"} for f in findings)
    assert {"formulation", "part_numbering", "placeholder", "length"} <= {f["rule"] for f in findings}
    text = path.read_text(encoding="utf-8")
    ph = next(f for f in findings if f["rule"] == "placeholder")
    assert text[ph["start"] : ph["end"]] == "**"


def test_lint_speech_command_on_a_stored_speech_and_bad_input(tmp_path, drafter):
    speech = make_speech(drafter)
    out = StringIO()
    call_command("lint_speech", "--speech", str(speech.pk), stdout=out)
    assert "占位符" in out.getvalue()
    with pytest.raises(CommandError, match="二选一"):
        call_command("lint_speech")
    with pytest.raises(CommandError, match="找不到编号"):
        call_command("lint_speech", "--speech", "999")


def test_admin_refuses_a_broken_regular_expression(client, manager):
    client.force_login(manager)
    response = client.post(
        reverse("admin:checks_lintrule_add"),
        {"pattern": "(", "is_regex": "on", "message": "x", "severity": "warning", "is_active": "on"},
    )
    assert response.status_code == 200 and "正则表达式有误" in response.content.decode()
