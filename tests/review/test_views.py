"""Review pages and fragments: the standard cases (works, invalid input, other user, anonymous, htmx)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from speechdraft.drafting.services import speech_data, speech_save
from speechdraft.export.services import export_options, speech_docx
from speechdraft.review import services
from speechdraft.review.models import Comment
from tests.drafting.factories import make_speech
from tests.review.docx_edit import ins, r, replace_run

pytestmark = pytest.mark.django_db

LEAD = "宪法规定，中华人民共和国一切权力属于人民。"


@pytest.fixture
def speech(drafter):
    return make_speech(drafter)


def test_the_panel_shows_the_stage_and_the_send_form_to_the_owner(client, speech, drafter, colleague):
    client.force_login(drafter)
    html = client.get(reverse("review:panel", args=[speech.pk])).content.decode()
    assert 'id="review-stage">起草中' in html
    assert "送审</button>" in html and "李科长" in html
    assert "<html" not in html


def test_the_editor_loads_the_panel_and_its_module_without_inline_script(client, speech, drafter):
    client.force_login(drafter)
    html = client.get(speech.get_absolute_url()).content.decode()
    assert reverse("review:panel", args=[speech.pk]) in html
    assert 'type="module" src="/static/js/review/comments.js"' in html


def test_other_users_and_anonymous_visitors_get_no_panel(client, speech, colleague):
    url = reverse("review:panel", args=[speech.pk])
    assert client.get(url).status_code == 302
    client.force_login(colleague)
    assert client.get(url).status_code == 404
    assert (
        client.post(reverse("review:send", args=[speech.pk]), {"reviewers": [colleague.pk]}).status_code
        == 404
    )


def test_sending_shows_waiting_for_review_on_the_reviewers_home_page(client, speech, drafter, colleague):
    client.force_login(drafter)
    response = client.post(
        reverse("review:send", args=[speech.pk]), {"reviewers": [colleague.pk], "note": "请把关"}
    )
    assert response.status_code == 302
    client.force_login(colleague)
    html = client.get(reverse("drafting:list")).content.decode()
    assert "待我审核" in html and 'id="pending-count">1<' in html and speech.title in html
    assert speech.title in client.get(reverse("review:inbox")).content.decode()


def test_sending_without_a_reviewer_says_what_to_do(client, speech, drafter):
    client.force_login(drafter)
    response = client.post(reverse("review:send", args=[speech.pk]), {}, follow=True)
    assert "请至少选择一位审核人" in response.content.decode()


def test_a_comment_by_htmx_returns_the_panel_with_the_comment(client, speech, colleague, drafter):
    services.review_send(speech=speech, user=drafter, reviewers=[colleague])
    part = speech.sections.all()[2]
    client.force_login(colleague)
    url = reverse("review:comment_add", args=[speech.pk])
    data = {"section_id": part.pk, "anchor_text": "一切权力属于人民", "anchor_offset": 12, "body": "核对原文"}
    html = client.post(url, data, headers={"HX-Request": "true"}).content.decode()
    assert html.lstrip().startswith('<aside class="card mt-3 sd-review" id="review-panel"')
    assert "核对原文" in html and "一切权力属于人民" in html
    bad = client.post(url, {**data, "body": ""}, headers={"HX-Request": "true"}).content.decode()
    assert "请填写批注内容" in bad
    assert Comment.objects.count() == 1


def test_only_the_owner_or_the_author_resolves_a_comment(client, speech, colleague, drafter, manager):
    part = speech.sections.all()[2]
    comment = services.comment_add(
        speech=speech, user=colleague, section_id=part.pk, anchor_text="", anchor_offset=0, body="意见"
    )
    client.force_login(manager)
    assert client.post(reverse("review:comment_resolve", args=[comment.pk])).status_code == 404
    client.force_login(drafter)
    client.post(reverse("review:comment_resolve", args=[comment.pk]), {"resolved": "1"})
    comment.refresh_from_db()
    assert comment.resolved_at is not None


def test_history_lists_every_stage_change(client, speech, drafter, colleague):
    services.review_send(speech=speech, user=drafter, reviewers=[colleague])
    services.review_decide(speech=speech, user=colleague, approve=False, note="再改改")
    client.force_login(drafter)
    html = client.get(reverse("drafting:history", args=[speech.pk])).content.decode()
    assert html.count('class="stage-change"') == 2
    assert "再改改" in html and "退回修改" in html


def test_the_preview_lists_open_comments(client, speech, drafter, colleague):
    part = speech.sections.all()[2]
    services.comment_add(
        speech=speech, user=colleague, section_id=part.pk, anchor_text="", anchor_offset=0, body="标题再斟酌"
    )
    client.force_login(drafter)
    html = client.get(reverse("export:preview", args=[speech.pk])).content.decode()
    assert "还有 1 条未解决的批注" in html and "标题再斟酌" in html
    assert "onload=" not in html


def test_importing_a_review_shows_each_change_and_applies_the_chosen_ones(client, speech, drafter):
    exported, _ = speech_docx(speech, export_options())
    data = replace_run(
        exported, LEAD, r("宪法") + ins("和法律") + r("规定，中华人民共和国一切权力属于人民。")
    )
    client.force_login(drafter)
    url = reverse("review:import", args=[speech.pk])
    html = client.post(url, {"file": SimpleUploadedFile("审阅稿.docx", data)}).content.decode()
    assert "<ins>和法律</ins>" in html and "全部接受" in html
    upload = html.split('name="upload" value="')[1].split('"')[0]
    response = client.post(url, {"upload": upload, "accept_all": "1"}, follow=True)
    assert "生成第 2 版" in response.content.decode()
    assert speech.sections.all()[2].body.startswith("宪法和法律规定")


def test_importing_another_speechs_file_says_so(client, speech, drafter):
    other = make_speech(drafter, title="另一篇")
    data, _ = speech_docx(other, export_options())
    client.force_login(drafter)
    response = client.post(
        reverse("review:import", args=[speech.pk]), {"file": SimpleUploadedFile("a.docx", data)}
    )
    assert response.status_code == 400
    assert "属于另一篇讲话稿" in response.content.decode()
    bad = client.post(reverse("review:import", args=[speech.pk]), {"file": SimpleUploadedFile("a.txt", b"x")})
    assert "请上传 .docx 格式的文件" in bad.content.decode()


def test_the_drafter_sees_on_the_home_page_what_came_back(client, speech, drafter, colleague):
    services.review_send(speech=speech, user=drafter, reviewers=[colleague])
    services.review_decide(speech=speech, user=colleague, approve=False, note="再改改")
    client.force_login(drafter)
    html = client.get(reverse("drafting:list")).content.decode()
    assert 'id="came-back"' in html and "退回修改" in html


def test_the_panel_says_that_editing_after_final_starts_the_next_draft(client, speech, drafter):
    services.review_finalize(speech=speech, user=drafter)
    client.force_login(drafter)
    url = reverse("review:panel", args=[speech.pk])
    assert "再修改会开始第2稿" in client.get(url).content.decode()
    data = speech_data(speech)
    data["sections"][1]["body"] = "改了开场。"
    speech_save(speech=speech, user=drafter, base_version=speech.version, data=data)
    html = client.get(url).content.decode()
    assert "定稿后的修改属于第2稿" in html and "定稿</button>" in html
