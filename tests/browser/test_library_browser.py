"""A 管理员 imports files and a secretary searches the block library, in Chromium."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import SEED_004, browser_login

pytestmark = pytest.mark.django_db(transaction=True)


def test_import_one_good_and_one_broken_file(page, manager, tmp_path):
    broken = tmp_path / "损坏的文件.docx"
    broken.write_bytes(b"not a zip file")
    browser_login(page, manager)
    page.get_by_role("link", name="导入语料").click()
    page.get_by_label("语料文件").set_input_files([str(SEED_004), str(broken)])
    page.get_by_role("button", name="开始导入").click()
    expect(page.locator("#import-progress-label")).to_have_text("导入完成")
    rows = page.locator("tr.import-row")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("已导入")
    expect(rows.nth(0)).to_contain_text("在全区人大代表培训班上的讲话")
    expect(rows.nth(0)).to_contain_text("仅供学习 禁止外传")
    expect(rows.nth(1)).to_contain_text("错误")
    expect(rows.nth(1).locator(".import-error")).to_contain_text(re.compile("Word|docx"))


def test_search_blocks_and_open_one_to_see_its_source(page, drafter, defaults):
    browser_login(page, drafter)
    page.get_by_role("link", name="段落素材库").click()
    page.get_by_label("搜索").fill("代表法")
    page.get_by_role("button", name="搜索").click()
    expect(page.locator("#block-results")).to_contain_text("关键词：代表法")
    first = page.locator("a.block-item").first
    expect(first).to_contain_text("代表")
    first.click()
    source = page.locator("#block-source")
    expect(page.get_by_role("heading", name="来源")).to_be_visible()
    expect(source.get_by_role("link")).to_have_text(re.compile("讲话"))
    expect(source.locator("mark")).to_contain_text("代表法")
