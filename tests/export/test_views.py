import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from docx import Document

from tests.conftest import SEED_004
from tests.drafting.factories import make_sections, make_speech, share

pytestmark = pytest.mark.django_db


def docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def test_export_page_lists_unfilled_placeholders_with_where_they_are(client, drafter):
    speech = make_speech(drafter)  # the factory's second part mentions ×区
    client.force_login(drafter)
    html = client.get(reverse("export:page", args=[speech.pk])).content.decode()
    assert "还有 1 处占位符没有填写" in html
    assert '<mark class="sd-placeholder">×</mark>' in html
    assert "认真履职，充分发挥人大代表作用：" in html  # the section it stands in, without its full stop
    assert "仍然导出Word" in html
    (anchor,) = set(re.findall(r'href="/speeches/\d+/#(sec-s\d+)"', html))
    assert f'id="{anchor}"' in client.get(speech.get_absolute_url()).content.decode()


def test_filled_placeholders_are_not_listed(client, drafter):
    speech = make_speech(drafter, placeholder_values={"区名": "城关"})
    client.force_login(drafter)
    html = client.get(reverse("export:page", args=[speech.pk])).content.decode()
    assert "没有未填写的占位符" in html


def test_export_downloads_a_docx_named_after_title_and_date(client, drafter):
    import datetime as dt

    speech = make_speech(drafter, date=dt.date(2024, 7, 20))
    client.force_login(drafter)
    response = client.get(
        reverse("export:docx", args=[speech.pk]), {"profile": "standard", "include_subtitle": "on"}
    )
    assert response.status_code == 200
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert "2024-07-20.docx" in response["Content-Disposition"]
    text = docx_text(response.content)
    assert "在全区人大代表培训班上的讲话" in text
    assert "一、提高认识，增强当好人大代表的责任感。" in text
    assert "（2024年7月20日）" in text


def test_export_with_invalid_profile_is_a_400_with_the_form(client, drafter):
    speech = make_speech(drafter)
    client.force_login(drafter)
    response = client.get(reverse("export:docx", args=[speech.pk]), {"profile": "tiny"})
    assert response.status_code == 400
    assert "导出Word" in response.content.decode()


def test_text_with_markup_control_characters_and_emoji_exports_and_opens(client, drafter):
    sections = make_sections()
    sections[1]["body"] = "a<b & c>d\x0c\x07 表情😀仍在。"
    speech = make_speech(drafter, sections=sections)
    client.force_login(drafter)
    response = client.get(reverse("export:docx", args=[speech.pk]))
    text = docx_text(response.content)
    # The form feed ends a paragraph as it would in Word; the bell character is dropped.
    assert "a<b & c>d\n表情😀仍在。" in text and "\x07" not in text


def test_other_users_speech_is_404_everywhere(client, drafter, colleague):
    speech = make_speech(drafter)
    client.force_login(colleague)
    for name in ("export:page", "export:docx", "export:preview", "export:preview_pdf"):
        assert client.get(reverse(name, args=[speech.pk])).status_code == 404


def test_a_read_only_share_may_export(client, drafter, colleague):
    speech = make_speech(drafter)
    share(speech, colleague)
    client.force_login(colleague)
    assert client.get(reverse("export:docx", args=[speech.pk])).status_code == 200


def test_anonymous_is_sent_to_login(client, drafter):
    speech = make_speech(drafter)
    response = client.get(reverse("export:docx", args=[speech.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_preview_without_libreoffice_explains_what_to_do(client, drafter, settings):
    settings.SPEECHDRAFT_SOFFICE = "/nonexistent/soffice"
    speech = make_speech(drafter)
    client.force_login(drafter)
    response = client.get(reverse("export:preview_pdf", args=[speech.pk]))
    assert response.status_code == 503
    html = response.content.decode()
    assert "LibreOffice" in html and "直接导出Word" in html


@pytest.mark.soffice
def test_preview_renders_a_pdf_with_libreoffice(client, drafter):
    speech = make_speech(drafter)
    client.force_login(drafter)
    page = client.get(reverse("export:preview", args=[speech.pk])).content.decode()
    assert "打印预览" in page and "preview.pdf" in page
    response = client.get(reverse("export:preview_pdf", args=[speech.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_export_docx_command_from_a_text_file(tmp_path):
    out = tmp_path / "out.docx"
    call_command("export_docx", str(SEED_004), "-o", str(out), "--profile", "large")
    text = docx_text(out.read_bytes())
    assert text.startswith("在全区人大代表培训班上的讲话")
    assert "仅供学习" not in text


def test_export_docx_command_from_a_stored_speech(tmp_path, drafter):
    speech = make_speech(drafter)
    out = tmp_path / "speech.docx"
    call_command("export_docx", "--speech", str(speech.pk), "-o", str(out))
    assert "三、勤于实践，争当人民满意的人大代表。" in docx_text(out.read_bytes())


def test_export_docx_command_refuses_bad_input(tmp_path):
    with pytest.raises(CommandError, match="二选一"):
        call_command("export_docx", "-o", str(tmp_path / "x.docx"))
    with pytest.raises(CommandError, match="找不到编号"):
        call_command("export_docx", "--speech", "999", "-o", str(tmp_path / "x.docx"))
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"no zip")
    with pytest.raises(CommandError):
        call_command("export_docx", str(broken), "-o", str(tmp_path / "x.docx"))
