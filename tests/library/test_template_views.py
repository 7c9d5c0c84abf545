"""Templates as skeletons: the detail page, a template from a corpus document, the template editor."""

import pytest
from django.urls import reverse

from speechdraft.library.models import CorpusDocument, SpeechTemplate

pytestmark = pytest.mark.django_db


def test_template_page_shows_parts_with_guidance_example_and_flagged_facts(client, drafter, defaults):
    template = SpeechTemplate.objects.get(name="代表座谈会讲话")
    client.force_login(drafter)
    html = client.get(template.get_absolute_url()).content.decode()
    assert "写作提示" in html and "参考范文" in html and "标题样式" in html
    assert '<mark class="sd-fact" title="外省地名' in html and ">贵州</mark>" in html
    assert ">82.48%</mark>" in html
    assert "编辑模板" not in html  # a 起草人 reads templates, a 管理员 edits them


def test_manager_makes_a_template_from_a_corpus_document_and_lands_in_its_editor(client, manager, defaults):
    document = CorpusDocument.objects.get(title="在区人大代表座谈会上的讲话")
    client.force_login(manager)
    url = reverse("library:template_from_document", args=[document.pk])
    assert "由此生成模板" in client.get(document.get_absolute_url()).content.decode()
    response = client.post(url, {"name": "座谈会讲话（新）", "kind": "代表座谈会"})
    template = SpeechTemplate.objects.get(name="座谈会讲话（新）")
    assert response.status_code == 302 and response["Location"] == reverse(
        "library:template_edit", args=[template.pk]
    )
    slots = list(template.slots.all())
    assert [s.role for s in slots] == ["salutation", "opening", "part", "part", "part", "closing"]
    assert (
        slots[2].heading_pattern.startswith("要深入学习领会")
        and "习近平总书记高度重视" in slots[2].example_text
    )
    assert template.numbering == "di" and template.run_in_headings is False
    # The same name twice is refused with a message, not a database error.
    again = client.post(url, {"name": "座谈会讲话（新）", "kind": "代表座谈会"})
    assert again.status_code == 200 and "已有同名模板" in again.content.decode()


def test_drafter_cannot_make_or_edit_templates(client, drafter, defaults):
    template = SpeechTemplate.objects.first()
    client.force_login(drafter)
    assert client.get(reverse("library:template_edit", args=[template.pk])).status_code == 403
    assert client.post(reverse("library:template_facts", args=[template.pk])).status_code == 403
    document = CorpusDocument.objects.first()
    assert client.get(reverse("library:template_from_document", args=[document.pk])).status_code == 403


def test_manager_edits_a_part_in_the_browser_form(client, manager, defaults):
    template = SpeechTemplate.objects.get(name="人大代表培训班讲话")
    client.force_login(manager)
    url = reverse("library:template_edit", args=[template.pk])
    page = client.get(url)
    assert (
        '<mark class="sd-fact" title="具体日期">' in page.content.decode()
        or "来源事实" in page.content.decode()
    )
    form = page.context["slots"]
    data = {
        "name": template.name,
        "kind": template.kind,
        "description": template.description,
        "numbering": template.numbering,
        "run_in_headings": "on",
        "is_active": "on",
        "slots-TOTAL_FORMS": str(len(form.forms)),
        "slots-INITIAL_FORMS": str(form.initial_form_count()),
        "slots-MIN_NUM_FORMS": "0",
        "slots-MAX_NUM_FORMS": "1000",
    }
    for i, slot_form in enumerate(form.forms):
        slot = slot_form.instance
        if slot.pk is None:
            continue
        for name in ("order", "role", "title", "heading_pattern", "guidance", "example_text", "default_text"):
            data[f"slots-{i}-{name}"] = getattr(slot, name)
        data[f"slots-{i}-id"] = slot.pk
        data[f"slots-{i}-template"] = template.pk
    data["slots-2-guidance"] = "新的写作提示：讲代表的地位。"
    response = client.post(url, data)
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.slots.get(order=2).guidance == "新的写作提示：讲代表的地位。" and template.version == 2


def test_facts_with_a_kind_become_placeholders_in_the_examples(client, manager, defaults):
    template = SpeechTemplate.objects.get(name="代表座谈会讲话")
    client.force_login(manager)
    client.post(reverse("library:template_facts", args=[template.pk]))
    examples = "".join(s.example_text for s in template.slots.all())
    assert "82.48%" not in examples and "{{比例|数字}}" in examples and "{{数字}}名" in examples
    assert "贵州" not in examples
