import re

import pytest
from django.urls import reverse

from speechdraft.checks.models import SimilarityReport
from speechdraft.checks.services import speech_check
from speechdraft.drafting import services as drafting
from speechdraft.library.services import corpus_import_files
from tests.conftest import SEED_004, seed_004_part
from tests.drafting.factories import make_sections, make_speech, share

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(db):
    (outcome,) = corpus_import_files(files=[("004.txt", SEED_004.read_bytes(), "004.txt")])
    return outcome.id


def copied_speech(owner):
    """A speech whose second part is seed 004's second part, word for word."""
    heading, body = seed_004_part()[2:].split("。", 1)
    sections = make_sections()
    sections[3] = {"role": "part", "heading": heading + "。", "body": body}
    return make_speech(owner, sections=sections)


def test_running_a_check_stores_a_report_for_the_latest_revision(client, drafter, corpus):
    speech = copied_speech(drafter)
    client.force_login(drafter)
    response = client.post(reverse("checks:run", args=[speech.pk]))
    report = SimilarityReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert report.revision == speech.revisions.order_by("-number").first()
    assert report.copy_ratio > 0.3
    assert report.result["max_single_source"]["source_id"] == corpus


def test_a_report_belongs_to_the_saved_revision_not_to_a_refused_conflict_copy(client, drafter, corpus):
    from speechdraft.drafting.services import speech_data, speech_save

    speech = copied_speech(drafter)
    stale = speech.version
    data = speech_data(speech)
    data["sections"][0]["body"] += "甲"
    speech_save(speech=speech, user=drafter, base_version=stale, data=data)
    # Only the same section changed differently on both sides is refused; other saves merge.
    data["sections"][0]["body"] += "乙"
    outcome = speech_save(speech=speech, user=drafter, base_version=stale, data=data)
    assert outcome.conflict
    client.force_login(drafter)
    client.post(reverse("checks:run", args=[speech.pk]))
    assert SimilarityReport.objects.get().revision.number == 2


def test_report_page_shows_figures_marked_text_and_sources(client, drafter, corpus):
    speech = copied_speech(drafter)
    client.force_login(drafter)
    client.post(reverse("checks:run", args=[speech.pk]))
    report = SimilarityReport.objects.get()
    html = client.get(report.get_absolute_url()).content.decode()
    for label in (
        "总文字复制比",
        "去除引用复制比",
        "单篇最大文字复制比",
        "重复字数 / 总字数",
        "疑似段落数 / 段落数",
        "全文标明",
        "全文对照",
    ):
        assert label in html
    assert 'class="sd-mark-copied"' in html
    assert "来源：《在全区人大代表培训班上的讲话》" in html
    assert "在编辑器中定位" in html
    # Each link lands on its section's card in the editor.
    anchors = set(re.findall(r'href="/speeches/\d+/#(sec-s\d+)"', html))
    assert anchors
    editor = client.get(speech.get_absolute_url()).content.decode()
    assert all(f'id="{anchor}"' in editor for anchor in anchors)


def test_the_next_check_shows_the_change(client, drafter, corpus):
    speech = copied_speech(drafter)
    client.force_login(drafter)
    client.post(reverse("checks:run", args=[speech.pk]))
    section = speech.sections.filter(role="part").order_by("order")[1]
    section.body = "结合我区实际，今年要重点抓好代表建议办理，让每一件建议都有回音、有落实。"
    section.save()
    client.post(reverse("checks:run", args=[speech.pk]))
    first, second = SimilarityReport.objects.order_by("pk")
    assert second.copy_ratio < first.copy_ratio
    html = client.get(second.get_absolute_url()).content.decode()
    assert "上次" in html and "本次" in html


def test_report_exports_to_docx(client, drafter, corpus):
    from io import BytesIO

    from docx import Document

    speech = copied_speech(drafter)
    client.force_login(drafter)
    client.post(reverse("checks:run", args=[speech.pk]))
    report = SimilarityReport.objects.get()
    response = client.get(reverse("checks:report_docx", args=[report.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    text = "\n".join(p.text for p in Document(BytesIO(response.content)).paragraphs)
    assert "文本复制检测报告单" in text and "全文标明" in text


def test_checking_an_empty_speech_is_not_an_error(client, drafter, corpus):
    speech = make_speech(drafter, title="空白讲话稿", sections=[{"role": "opening", "body": ""}])
    client.force_login(drafter)
    response = client.post(reverse("checks:run", args=[speech.pk]), follow=True)
    assert response.status_code == 200
    assert SimilarityReport.objects.get().copy_ratio == 0


def test_other_users_speech_and_report_are_404(client, drafter, colleague, corpus):
    speech = copied_speech(drafter)
    client.force_login(drafter)
    client.post(reverse("checks:run", args=[speech.pk]))
    report = SimilarityReport.objects.get()
    client.force_login(colleague)
    assert client.post(reverse("checks:run", args=[speech.pk])).status_code == 404
    assert client.get(report.get_absolute_url()).status_code == 404
    assert client.get(reverse("checks:report_docx", args=[report.pk])).status_code == 404
    assert client.get(reverse("checks:latest", args=[speech.pk])).status_code == 404


def test_a_read_only_share_may_read_reports(client, drafter, colleague, corpus):
    speech = copied_speech(drafter)
    share(speech, colleague)
    client.force_login(drafter)
    client.post(reverse("checks:run", args=[speech.pk]))
    client.force_login(colleague)
    assert client.get(reverse("checks:latest", args=[speech.pk]), follow=True).status_code == 200


def test_anonymous_is_sent_to_login(client, drafter, corpus):
    speech = copied_speech(drafter)
    response = client.post(reverse("checks:run", args=[speech.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_htmx_run_redirects_the_client(client, drafter, corpus):
    speech = copied_speech(drafter)
    client.force_login(drafter)
    response = client.post(reverse("checks:run", args=[speech.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == SimilarityReport.objects.get().get_absolute_url()


def test_get_on_run_is_not_allowed(client, drafter, corpus):
    speech = copied_speech(drafter)
    client.force_login(drafter)
    assert client.get(reverse("checks:run", args=[speech.pk])).status_code == 405


def test_latest_without_a_report_offers_to_check(client, drafter, corpus):
    speech = copied_speech(drafter)
    client.force_login(drafter)
    html = client.get(reverse("checks:latest", args=[speech.pk])).content.decode()
    assert "还没有查过重" in html


def test_editor_marks_show_the_last_reports_passages_per_section_and_grey_changed_ones(client, drafter):
    corpus_import_files(files=[("004.txt", SEED_004.read_bytes(), "004.txt")])
    heading, body = seed_004_part()[2:].split("。", 1)
    sections = make_sections()
    sections[3] = {"role": "part", "heading": heading + "。", "body": body}
    speech = make_speech(drafter, sections=sections)
    client.force_login(drafter)
    url = reverse("checks:marks", args=[speech.pk])
    assert "还没有查重报告" in client.get(url).content.decode()
    speech_check(speech=speech, user=drafter)
    html = client.get(url).content.decode()
    copied = speech.sections.get(order=3)
    assert f'data-section="{copied.pk}"' in html and 'class="sd-mark-copied"' in html
    assert "sd-marks-stale" not in html
    data = drafting.speech_data(speech)
    data["sections"][3]["body"] = "完全改写的一段话。" + data["sections"][3]["body"]
    drafting.speech_save(speech=speech, user=drafter, base_version=speech.version, data=data)
    assert "sd-marks-stale" in client.get(url).content.decode()


QUOTING_PASSAGE = (
    "习近平总书记在中央人大工作会议上强调人大代表“要忠实代表人民利益和意志，依法参加行使国家权力”，"
    "我们每一位代表都要把这一要求当作履职的根本遵循，当好人民群众的“连心桥”，"
    "经常深入选区倾听群众呼声，把群众的急难愁盼带到常委会议上来，推动问题一件一件得到解决"
)


def test_a_quotation_inside_a_copied_passage_shows_green_and_underlines_tell_the_marks_apart(client, drafter):
    from io import BytesIO

    from docx import Document
    from docx.enum.text import WD_UNDERLINE

    from tests.conftest import make_document

    make_document("各位代表：\n" + QUOTING_PASSAGE + "。\n谢谢大家。", title="代表工作座谈会讲话")
    sections = make_sections()
    sections[3] = {"role": "part", "heading": "一、依法履职。", "body": QUOTING_PASSAGE + "。"}
    speech = make_speech(drafter, sections=sections)
    client.force_login(drafter)
    client.post(reverse("checks:run", args=[speech.pk]))
    report = SimilarityReport.objects.get()
    (match,) = [m for m in report.result["matches"] if not m["common"]]
    assert not match["quoted"] and len(match["quotes"]) == 1  # one passage with one 引用 inside
    html = client.get(report.get_absolute_url()).content.decode()
    quoted = re.findall(r'<span class="sd-mark-quoted" data-match[^>]*>([^<]*)</span>', html)
    assert quoted == ["要忠实代表人民利益和意志，依法参加行使国家权力"]
    copied = "".join(re.findall(r'<span class="sd-mark-copied" data-match[^>]*>([^<]*)</span>', html))
    assert "连心桥" in copied and "习近平总书记" in copied  # scare quotes stay copied text
    legend = re.search(r'id="marked-legend">(.*?)</p>', html).group(1)
    assert "实线下划线" in legend and "虚线下划线" in legend and "点线下划线" in legend
    assert 'data-kind="引用"' in html

    document = Document(BytesIO(client.get(reverse("checks:report_docx", args=[report.pk])).content))
    underlines = {run.text: run.font.underline for p in document.paragraphs for run in p.runs}
    assert underlines["要忠实代表人民利益和意志，依法参加行使国家权力"] == WD_UNDERLINE.DASH
    assert any(u == WD_UNDERLINE.SINGLE and "连心桥" in t for t, u in underlines.items())
