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
    anchors = set(re.findall(r'href="/speeches/\d+/\?find=[^"#]*#(sec-s\d+)"', html))
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


def test_one_click_fix_rewrites_the_words_in_their_section_and_leaves_a_revision(client, drafter):
    sections = make_sections()
    sections[3]["body"] = "审议一府两院的报告,推动落实。还要监督一府两院。"
    speech = make_speech(drafter, sections=sections)
    client.force_login(drafter)
    text = speech.as_text()
    second = text.index("一府两院", text.index("一府两院") + 1)
    response = client.post(
        reverse("checks:lint_fix", args=[speech.pk]),
        {"rule": "formulation", "start": second, "end": second + 4},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and "已将“一府两院”改为“一府一委两院”" in response.content.decode()
    body = speech.sections.get(order=3).body
    assert body == "审议一府两院的报告,推动落实。还要监督一府一委两院。"
    assert speech.revisions.first().note.startswith("规范检查")


def test_one_click_fix_of_a_finding_that_moved_changes_nothing(client, drafter, colleague):
    speech = make_speech(drafter)
    client.force_login(drafter)
    response = client.post(
        reverse("checks:lint_fix", args=[speech.pk]), {"rule": "formulation", "start": 3, "end": 7}
    )
    assert "已经变化" in response.content.decode() and speech.revisions.count() == 1
    client.force_login(colleague)
    assert client.post(reverse("checks:lint_fix", args=[speech.pk]), {}).status_code == 404


def test_lint_speech_command_on_a_stored_speech_reads_its_date_place_and_parts(drafter):
    import datetime

    sections = make_sections()
    sections[1]["body"] = "下面，我谈两点意见。总书记视察贵州时的要求，要为全面建成小康社会作贡献。"
    speech = make_speech(
        drafter, sections=sections, date=datetime.date(2024, 7, 20), placeholder_values={"区名": "海淀"}
    )
    out = StringIO()
    call_command("lint_speech", "--speech", str(speech.pk), "--format", "json", stdout=out)
    found = {f["rule"]: f for f in json.loads(out.getvalue())}
    assert {"announced_count", "foreign_place", "outdated_by_date"} <= set(found)
    assert found["announced_count"]["suggestion"] == "谈三点意见"
