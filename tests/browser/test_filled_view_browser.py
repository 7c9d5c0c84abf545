"""Filled placeholder values shown in the section text, with the tokens kept underneath."""

import pytest
from playwright.sync_api import expect

from tests.conftest import browser_login
from tests.drafting.factories import make_speech

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_filled_value_shows_in_the_text_and_the_token_stays_for_the_next_value(page, drafter):
    speech = make_speech(drafter)
    browser_login(page, drafter)
    page.goto(speech.get_absolute_url())
    expect(page.locator("#save-state")).to_have_text("已保存")
    section = page.locator(".sd-section", has_text="积极参加").first
    body = section.locator(".sd-body")
    view = section.locator(".sd-filled-view")
    expect(view).to_have_count(0)  # nothing filled yet: the plain textarea

    page.get_by_role("tab", name="占位符").click()
    page.locator(".sd-ph-input[data-key='区名']").fill("海淀")
    page.locator(".sd-ph-input[data-key='区名']").press("Tab")
    expect(page.locator("#save-state")).to_have_text("已保存", timeout=15_000)
    # The writer reads the value in the text…
    expect(view).to_be_visible()
    expect(view).to_contain_text("积极参加海淀区人民代表大会会议")
    expect(view.locator(".sd-filled")).to_have_text("海淀")
    # …while the text keeps the placeholder, so the value can still change everywhere at once.
    expect(body).to_have_value("人大代表是人民代表大会的主体，要积极参加×区人民代表大会会议。")

    # Typing shows the tokens; leaving the section shows the printed text again.
    body.click()
    expect(view).to_be_hidden()
    body.press("End")
    body.type("会后要及时反馈。")
    page.locator("#f-title").click()
    expect(page.locator("#save-state")).to_have_text("已保存", timeout=15_000)
    expect(view).to_contain_text("海淀区人民代表大会会议。会后要及时反馈。")

    page.get_by_role("tab", name="占位符").click()
    page.locator(".sd-ph-input[data-key='区名']").fill("朝阳")
    page.locator(".sd-ph-input[data-key='区名']").press("Tab")
    expect(view).to_contain_text("积极参加朝阳区人民代表大会会议", timeout=15_000)
    speech.refresh_from_db()
    assert "×区" in speech.sections.get(body__contains="积极参加").body
