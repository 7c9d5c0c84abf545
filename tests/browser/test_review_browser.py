"""A review round in Chromium: 送审 to a reviewer, 待我审核, a 批注 on selected words, 退回修改, the
drafter resolves it and 定稿, and 历史版本 shows every stage."""

import pytest
from playwright.sync_api import expect

from speechdraft.export.services import export_options, speech_docx
from speechdraft.review.models import Comment, Stage
from tests.conftest import browser_login
from tests.drafting.factories import make_speech
from tests.review.docx_edit import ins, r, replace_run

pytestmark = pytest.mark.django_db(transaction=True)


def select_words(page, section, words: str) -> None:
    """Select ``words`` in a section's body as a mouse drag would leave them selected."""
    body = section.locator(".sd-body")
    body.evaluate(
        """(el, words) => {
            const at = el.value.indexOf(words);
            el.focus();
            el.setSelectionRange(at, at + words.length);
            el.dispatchEvent(new Event('select', {bubbles: true}));
        }""",
        words,
    )


def test_a_review_round_from_sending_to_final(page, new_page, drafter, colleague):
    speech = make_speech(drafter)
    part = speech.sections.all()[2]

    # 王秘书 sends the speech to 李科长.
    browser_login(page, drafter)
    page.goto(speech.get_absolute_url())
    panel = page.locator("#review-panel")
    expect(panel.locator("#review-stage")).to_have_text("起草中")
    panel.get_by_label("李科长").check()
    panel.get_by_label("送审说明").fill("请李科长把关")
    panel.get_by_role("button", name="送审", exact=True).click()
    expect(page.locator("#review-stage")).to_have_text("送审中")

    # 李科长 sees it under 待我审核 on his home page, comments on selected words and returns it.
    reviewer = new_page()
    browser_login(reviewer, colleague)
    reviewer.goto("/")
    pending = reviewer.locator("#pending-reviews")
    expect(pending).to_contain_text("待我审核")
    expect(pending.locator("#pending-count")).to_have_text("1")
    pending.get_by_role("link", name=speech.title).click()
    expect(reviewer.locator("#comment-form")).to_be_visible()
    card = reviewer.locator(f"section.sd-section[data-id='{part.pk}']")
    select_words(reviewer, card, "一切权力属于人民")
    expect(reviewer.locator("#comment-anchor")).to_contain_text("一切权力属于人民")
    reviewer.get_by_label("批注内容").fill("请核对宪法原文的表述")
    reviewer.get_by_role("button", name="批注", exact=True).click()
    comment = reviewer.locator(".sd-comment")
    expect(comment).to_contain_text("请核对宪法原文的表述")
    expect(comment).to_contain_text("一切权力属于人民")
    reviewer.get_by_label("审核意见").fill("第一部分再核对一下")
    reviewer.get_by_role("button", name="退回修改").click()
    expect(reviewer.locator("#no-pending")).to_be_visible()

    # 王秘书 sees what came back, resolves the comment and makes the speech 定稿.
    page.goto(speech.get_absolute_url())
    expect(page.locator("#review-stage")).to_have_text("退回修改")
    comment = page.locator(".sd-comment")
    expect(comment).to_contain_text("请核对宪法原文的表述")
    comment.get_by_role("button", name="解决").click()
    expect(page.locator(".sd-comment")).to_contain_text("已解决")
    page.get_by_role("button", name="定稿").click()
    expect(page.locator("#review-stage")).to_have_text("定稿")
    assert Comment.objects.get().resolved_at is not None

    # 历史版本 shows every stage with who did it.
    page.goto(f"/speeches/{speech.pk}/history/")
    rows = page.locator("#stage-history .stage-change")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("起草中 → 送审中")
    expect(rows.nth(0)).to_contain_text("王秘书")
    expect(rows.nth(1)).to_contain_text("送审中 → 退回修改")
    expect(rows.nth(1)).to_contain_text("李科长")
    expect(rows.nth(1)).to_contain_text("第一部分再核对一下")
    expect(rows.nth(2)).to_contain_text("退回修改 → 定稿")
    expect(page.locator(".revision-name").first).to_have_text("第1稿定稿")
    assert speech.review.stage == Stage.FINAL


def test_the_drafter_imports_a_returned_review_and_accepts_it_all(page, drafter, tmp_path):
    speech = make_speech(drafter)
    exported, _ = speech_docx(speech, export_options())
    lead = "宪法规定，中华人民共和国一切权力属于人民。"
    path = tmp_path / "审阅稿.docx"
    path.write_bytes(
        replace_run(exported, lead, r("宪法") + ins("和法律") + r("规定，中华人民共和国一切权力属于人民。"))
    )

    browser_login(page, drafter)
    page.goto(speech.get_absolute_url())
    page.get_by_role("link", name="导入审阅稿").click()
    page.get_by_label("审阅稿（.docx）").set_input_files(str(path))
    page.get_by_role("button", name="导入审阅稿").click()
    changes = page.locator("#review-changes")
    expect(changes.locator("ins")).to_have_text("和法律")
    expect(changes).to_contain_text("张处长")
    page.get_by_role("button", name="全部接受").click()
    expect(page.locator(".alert-success")).to_contain_text("生成第 2 版")
    expect(page.locator("#print-sheet")).to_contain_text("宪法和法律规定")
