"""Templates as skeletons in the browser, 素材推荐 beside a section, and 去修改 from 规范检查."""

import pytest
from playwright.sync_api import expect

from speechdraft.library.models import SpeechTemplate
from tests.conftest import browser_login
from tests.drafting.factories import make_speech

pytestmark = pytest.mark.django_db(transaction=True)

TEMPLATES = ["代表座谈会讲话", "人大代表培训班讲话"]


def _values(page, selector):
    return page.locator(selector).evaluate_all("(els) => els.map((el) => el.value)")


def _new_speech(page, name, *, use_example):
    template = SpeechTemplate.objects.get(name=name)
    page.goto(f"/speeches/new/?template={template.pk}")
    page.get_by_label("标题").fill("在全区人大代表会议上的讲话")
    if use_example:
        page.get_by_label("以范文为底稿").check()
    page.get_by_role("button", name="创建并开始起草").click()
    expect(page.locator("#save-state")).to_have_text("已保存")


@pytest.mark.parametrize("name", TEMPLATES)
def test_a_speech_from_a_template_starts_as_a_skeleton_and_is_not_a_copy(page, defaults, drafter, name):
    browser_login(page, drafter)
    _new_speech(page, name, use_example=False)
    # Every part is empty with its 写作提示 at hand; the seed text is not in the speech.
    assert all(not body for body in _values(page, ".sd-section[data-role=part] .sd-body"))
    expect(page.locator(".sd-section[data-role=part] details").first).to_contain_text("写作提示")
    page.get_by_role("button", name="查重").click()
    ratio = page.locator("#copy-ratio")
    expect(ratio).to_contain_text("%")
    assert float(ratio.inner_text().rstrip("%")) <= 10


@pytest.mark.parametrize("name", TEMPLATES)
def test_based_on_the_example_the_seed_text_is_there_and_the_guard_lists_placeholders(
    page, defaults, drafter, name
):
    browser_login(page, drafter)
    _new_speech(page, name, use_example=True)
    seed_words = "习近平总书记高度重视代表工作" if name == "代表座谈会讲话" else "宪法规定"
    bodies = "".join(_values(page, ".sd-section .sd-body"))
    assert seed_words in bodies
    page.locator("#editor-actions").get_by_role("link", name="导出Word").click()
    expect(page.locator("#export-guard")).to_contain_text("处占位符没有填写")
    expect(page.locator("#export-guard li").first).to_be_visible()


def test_recommend_panel_offers_the_example_and_material_for_the_focused_part(page, defaults, drafter):
    browser_login(page, drafter)
    _new_speech(page, "人大代表培训班讲话", use_example=False)
    page.get_by_role("tab", name="素材推荐").click()
    part = page.locator(".sd-section[data-role=part]").first
    part.locator(".sd-heading").fill("认真履职，依法审议")
    part.locator(".sd-body").click()
    panel = page.locator("#recommend-results")
    expect(panel).to_contain_text("参考范文")
    expect(panel.locator(".sd-rec").first).to_be_visible()
    panel.locator(".sd-example-paragraph .sd-rec-insert").first.click()
    expect(part.locator(".sd-body")).not_to_have_value("")
    expect(page.locator("#save-state")).to_have_text("已保存")


LINE = "人大代表要依法履职，认真参加代表大会会议，积极参加闭会期间的视察、调研和执法检查活动。"


def test_go_to_fix_brings_the_words_of_a_finding_in_the_last_section_into_view_selected(page, drafter):
    paragraphs = "\n".join([LINE] * 26)
    sections = [{"role": "salutation", "body": "各位代表、同志们："}]
    sections += [{"role": "part", "heading": f"第{i}部分的标题", "body": paragraphs} for i in range(1, 10)]
    sections.append(
        {"role": "closing", "body": paragraphs + "\n同志们，让我们为全面建成小康社会作出新的贡献！"}
    )
    speech = make_speech(drafter, sections=sections)
    assert speech.printed().chars >= 10_000
    browser_login(page, drafter)
    page.goto(f"/checks/speech/{speech.pk}/lint/")
    page.locator("li[data-rule=outdated_by_date]").get_by_role("link", name="去修改").click()
    last = page.locator(".sd-section[data-role=closing] .sd-body")
    page.wait_for_function(
        """() => {
            const el = document.activeElement;
            return el && el.classList.contains("sd-body") && el.closest(".sd-section").dataset.role === "closing"
                && el.value.slice(el.selectionStart, el.selectionEnd) === "全面建成小康社会";
        }"""
    )
    # The selected words are on screen: measure their line the way the editor does.
    in_view = last.evaluate(
        """async (el) => {
            const { lineTop } = await import("/static/js/editor/goto.js");
            const y = lineTop(el, el.selectionStart) - window.scrollY;
            return y >= 0 && y < window.innerHeight;
        }"""
    )
    assert in_view


def test_rebinding_one_occurrence_fills_it_with_the_other_keys_value(page, drafter):
    sections = [
        {"role": "salutation", "body": "各位代表："},
        {"role": "opening", "body": "推动×区人大工作。现场会在**召开。"},
    ]
    speech = make_speech(drafter, sections=sections, placeholder_values={"区名": "海淀"})
    browser_login(page, drafter)
    page.goto(speech.get_absolute_url())
    page.get_by_role("tab", name="占位符").click()
    place = page.locator('.sd-ph[data-key="地点"] .sd-ph-occurrence')
    expect(place).to_contain_text("现场会在**召开")
    place.locator(".sd-ph-rebind").select_option("区名")
    expect(page.locator("#save-state")).to_have_text("已保存")
    expect(page.locator('.sd-ph[data-key="区名"] .sd-ph-occurrence')).to_have_count(2)
    expect(page.locator("#preview-body")).to_contain_text("现场会在海淀区召开")
    assert "{{区名}}" in page.locator(".sd-section[data-role=opening] .sd-body").input_value()


def test_the_last_reports_marks_show_in_the_preview_pane_and_grey_once_rewritten(page, drafter):
    from speechdraft.library.services import corpus_import_files
    from tests.conftest import SEED_004, seed_004_part
    from tests.drafting.factories import make_sections

    corpus_import_files(files=[("004.txt", SEED_004.read_bytes(), "004.txt")])
    heading, body = seed_004_part()[2:].split("。", 1)
    sections = make_sections()
    sections[3] = {"role": "part", "heading": heading + "。", "body": body}
    speech = make_speech(drafter, sections=sections)
    browser_login(page, drafter)
    page.goto(speech.get_absolute_url())
    page.get_by_role("button", name="查重").click()
    expect(page.locator("#copy-ratio")).to_contain_text("%")
    page.goto(speech.get_absolute_url())
    marked = page.locator("#report-marks .sd-marks-section").first
    expect(marked.locator(".sd-mark-copied").first).to_be_visible()
    page.locator(".sd-section .sd-body").nth(3).fill("完全重写的一段。")
    expect(page.locator("#save-state")).to_have_text("已保存")
    expect(page.locator("#report-marks .sd-marks-stale")).to_have_count(1)
