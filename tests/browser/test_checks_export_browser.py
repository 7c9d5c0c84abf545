"""From the editor: 查重 shows the ratio, a highlighted passage and its source; 导出Word warns about
unfilled placeholders and downloads the file; 规范检查 lists findings."""

import pytest
from docx import Document
from playwright.sync_api import expect

from speechdraft.library.services import corpus_import_files
from tests.conftest import SEED_004, browser_login, seed_004_part
from tests.drafting.factories import make_sections, make_speech

pytestmark = pytest.mark.django_db(transaction=True)


def test_check_from_the_editor_shows_ratio_marked_passage_and_source(page, drafter):
    corpus_import_files(files=[("004.txt", SEED_004.read_bytes(), "004.txt")])
    heading, body = seed_004_part()[2:].split("。", 1)
    heading += "。"
    sections = make_sections()
    sections[3] = {"role": "part", "heading": heading, "body": body}
    speech = make_speech(drafter, title="在区人大代表履职培训会上的讲话", sections=sections)
    browser_login(page, drafter)
    page.goto(speech.get_absolute_url())

    # An edit that is not saved yet must be part of what is checked.
    opening = page.locator(".sd-section[data-role=opening] .sd-body")
    opening.fill("今天我们在这里召开履职培训会，这是全新写的一段开场白。")
    page.get_by_role("button", name="查重").click()

    expect(page.get_by_role("heading", name="文本复制检测报告单")).to_be_visible()
    ratio = page.locator("#copy-ratio")
    expect(ratio).to_contain_text("%")
    assert float(ratio.inner_text().rstrip("%")) > 30
    marked = page.locator("#tab-marked span.sd-mark-copied[data-match]").first
    expect(marked).to_be_visible()
    assert "在全区人大代表培训班上的讲话" in marked.get_attribute("title")
    expect(page.locator("#tab-marked")).to_contain_text("全新写的一段开场白")
    page.get_by_role("tab", name="全文对照").click()
    expect(page.locator("#pair-1")).to_contain_text("来源：在全区人大代表培训班上的讲话")
    expect(page.locator("#pair-1 .sd-mark-copied").nth(1)).to_contain_text("人大代表")


def test_export_warns_about_placeholders_then_downloads_the_docx(page, drafter):
    speech = make_speech(drafter)  # its second part mentions ×区
    browser_login(page, drafter)
    page.goto(speech.get_absolute_url())
    page.locator("#editor-actions").get_by_role("link", name="导出Word").click()
    expect(page.locator("#export-guard")).to_contain_text("还有 1 处占位符没有填写")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="仍然导出Word").click()
    download = download_info.value
    assert download.suggested_filename == "在全区人大代表培训班上的讲话.docx"
    text = "\n".join(p.text for p in Document(download.path()).paragraphs)
    assert "一、提高认识，增强当好人大代表的责任感。" in text


def test_lint_from_the_editor_lists_findings(page, drafter):
    sections = make_sections()
    sections[1]["body"] = "下面,我讲三点意见。"
    speech = make_speech(drafter, sections=sections)
    browser_login(page, drafter)
    page.goto(speech.get_absolute_url())
    page.get_by_role("link", name="规范检查").click()
    expect(page.locator(".lint-finding[data-rule=half_width_punctuation]")).to_contain_text("全角")
    expect(page.locator(".lint-finding[data-rule=placeholder]")).to_contain_text("尚未填写")
