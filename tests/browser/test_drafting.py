"""A secretary drafts a speech in Chromium: template, blocks, drag-and-drop, autosave, history, conflicts."""

import re
import time

import pytest
from playwright.sync_api import expect

from speechdraft.drafting.models import CONFLICT_NOTE, Speech
from tests.conftest import browser_login, make_block
from tests.drafting.factories import make_speech, share

pytestmark = pytest.mark.django_db(transaction=True)

SAVED = "已保存"


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def outline_labels(page) -> list[str]:
    return [" ".join(t.split()) for t in page.locator("#outline .sd-outline-item").all_inner_texts()]


def drag(page, source, target):
    """Drag with real mouse moves, as SortableJS needs; drop on the upper edge of ``target``."""
    start, end = source.bounding_box(), target.bounding_box()
    x = start["x"] + start["width"] / 2
    page.mouse.move(x, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(x, start["y"] - 5, steps=5)
    page.mouse.move(x, end["y"] + 2, steps=20)
    page.mouse.up()


def section(page, label):
    """The section card whose outline entry reads ``label``."""
    key = page.locator("#outline .sd-outline-item", has_text=label).get_attribute("data-key")
    return page.locator(f"#sec-{key}")


def test_secretary_drafts_from_a_template_to_a_restored_revision(page, drafter, defaults):
    make_block(title="人大代表夜访活动", body="要坚持开展人大代表夜访活动，面对面倾听群众呼声。", role="part")
    browser_login(page, drafter)

    # 新建讲话稿 from 人大代表培训班讲话, with the district filled in.
    page.get_by_role("link", name="新建讲话稿").first.click()
    page.get_by_role("link", name="选用模板：人大代表培训班讲话").click()
    page.get_by_label("区名").fill("云岩")
    page.get_by_label("讲话人").fill("张主任")
    # Templates are skeletons now; this walk-through starts from the example text (以范文为底稿).
    page.get_by_label("以范文为底稿").check()
    page.get_by_role("button", name="创建并开始起草").click()
    expect(page.locator("#save-state")).to_have_text(SAVED)
    expect(page.locator("#outline .sd-outline-item")).to_have_count(6)
    preview = page.locator("#preview-body")
    expect(preview).to_contain_text("云岩区大局出发")
    expect(preview.locator(".sd-p-subtitle").first).to_have_text("张主任")
    speech = Speech.objects.get(owner=drafter)

    # 插入 a block from the side panel into the first part.
    first_part = section(page, "提高认识")
    first_part.locator(".sd-body").click()
    page.get_by_role("tab", name="段落素材库").click()
    page.get_by_label("搜索素材").fill("夜访")
    results = page.locator("#block-results .sd-block")
    # The first search loads jieba, which takes seconds on a busy machine.
    expect(results).to_have_count(1, timeout=20_000)
    results.get_by_role("button", name="插入", exact=True).click()
    # Generous waits: on a machine busy with parallel tests the server answers in seconds, not ms.
    expect(first_part.locator(".sd-body")).to_have_value(re.compile("面对面倾听群众呼声。$"), timeout=15_000)
    expect(page.locator("#save-state")).to_have_text(SAVED, timeout=15_000)

    # Drag the third part above the first: the numbers follow.
    assert outline_labels(page)[2:5] == [
        "一、 提高认识，增强当好人大代表的责任感。",
        "二、 认真履职，充分发挥人大代表作用。",
        "三、 勤于实践，争当人民满意的人大代表。",
    ]
    items = page.locator("#outline .sd-outline-item")
    drag(page, items.nth(4).locator(".sd-drag-handle"), items.nth(2))
    expect(items.nth(2)).to_have_text(re.compile(r"一、\s*勤于实践"))
    expect(items.nth(3)).to_have_text(re.compile(r"二、\s*提高认识"))
    expect(page.locator("#sections .sd-section").nth(2).locator(".sd-marker")).to_have_text("一、")
    expect(page.locator("#save-state")).to_have_text(SAVED)
    expect(preview.locator(".sd-p-run_in").first).to_contain_text("一、勤于实践，争当人民满意的人大代表。")

    # Edit a sentence; autosave reports 已保存 without pressing anything.
    body = section(page, "认真履职").locator(".sd-body")
    body.fill(body.input_value().replace("应重点发挥好“四个作用”", "应着力发挥好“四个作用”"))
    expect(page.locator("#save-state")).not_to_have_text(SAVED)
    expect(page.locator("#save-state")).to_have_text(SAVED, timeout=8_000)

    # Reload: everything is where it was left.
    page.reload()
    assert outline_labels(page)[2:5] == [
        "一、 勤于实践，争当人民满意的人大代表。",
        "二、 提高认识，增强当好人大代表的责任感。",
        "三、 认真履职，充分发挥人大代表作用。",
    ]
    expect(section(page, "认真履职").locator(".sd-body")).to_have_value(re.compile("应着力发挥好"))
    expect(section(page, "提高认识").locator(".sd-body")).to_have_value(re.compile("人大代表夜访活动"))

    # 历史版本: the last change is marked word by word; 恢复此版本 brings the template text back.
    page.get_by_role("link", name="历史版本").click()
    expect(page.locator("#diff-text ins").first).to_have_text(re.compile("着力"))
    expect(page.locator("#diff-text del").first).to_have_text(re.compile("重点"))
    page.get_by_role("link", name="第 1 版").click()
    page.get_by_role("button", name="恢复此版本").click()
    expect(page.locator(".alert-success")).to_contain_text("已恢复第1版")
    expect(section(page, "认真履职").locator(".sd-body")).to_have_value(re.compile("应重点发挥好"))
    assert outline_labels(page)[2].startswith("一、 提高认识")
    assert "夜访" not in Speech.objects.get(pk=speech.pk).as_text()
    # Autosaves of one writing session share a revision: created, the session, the restore.
    assert speech.revisions.count() >= 3


def test_two_browsers_editing_one_speech_keep_both_texts(page, new_page, drafter, colleague):
    speech = make_speech(drafter)
    share(speech, colleague, can_edit=True)
    browser_login(page, drafter)
    other = new_page()
    browser_login(other, colleague)
    page.goto(speech.get_absolute_url())
    other.goto(speech.get_absolute_url())

    opening = "#sections .sd-section[data-role=opening] .sd-body"
    page.locator(opening).fill("王秘书改写的开场。")
    page.keyboard.press("Control+s")
    expect(page.locator("#save-state")).to_have_text(SAVED)

    other.locator(opening).fill("李科长改写的开场。")
    other.keyboard.press("Control+s")
    message = other.locator("#conflict-message")
    expect(message).to_contain_text("王秘书也修改了开场")
    expect(message.locator(".sd-mine")).to_have_text("李科长改写的开场。")
    expect(message.locator(".sd-theirs")).to_have_text("王秘书改写的开场。")
    expect(other.locator("#save-state")).to_have_text("保存冲突")

    # Nothing was overwritten, and the refused text is kept as a revision.
    assert "王秘书改写的开场。" in Speech.objects.get(pk=speech.pk).as_text()
    refused = speech.revisions.get(note=CONFLICT_NOTE)
    assert refused.author == colleague and "李科长改写的开场。" in refused.as_text()

    # 保留我的版本: saved on top of the other version; the other version stays in the history.
    other.get_by_role("button", name="保留我的版本").click()
    expect(other.locator("#save-state")).to_have_text(SAVED)
    assert "李科长改写的开场。" in Speech.objects.get(pk=speech.pk).as_text()
    assert any("王秘书改写的开场。" in r.as_text() for r in speech.revisions.all())

    # The first browser is now behind and changes the same section again; 采用对方版本 takes the
    # colleague's text into the page without a reload.
    page.locator(opening).fill("王秘书再改一次。")
    page.keyboard.press("Control+s")
    page.get_by_role("button", name="采用对方版本").click()
    expect(page.locator(opening)).to_have_value("李科长改写的开场。")
    expect(page.locator("#save-state")).to_have_text(SAVED)


def test_placeholders_delete_undo_and_a_read_only_colleague(page, new_page, drafter, colleague):
    speech = make_speech(drafter)
    share(speech, colleague)
    browser_login(page, drafter)
    page.goto(speech.get_absolute_url())

    # 占位符: one value fills every ×区 and shows in the preview.
    page.get_by_role("tab", name=re.compile("占位符")).click()
    page.get_by_label(re.compile("区名")).fill("云岩")
    expect(page.locator("#save-state")).to_have_text(SAVED, timeout=8_000)
    expect(page.locator("#preview-body .sd-filled").first).to_have_text("云岩")
    assert Speech.objects.get(pk=speech.pk).placeholder_values == {"区名": "云岩"}

    # Delete a part, see the numbers close up, then 撤销.
    second = section(page, "认真履职")
    second.get_by_role("button", name="删除").click()
    expect(page.locator("#outline .sd-outline-item")).to_have_count(5)
    expect(page.locator("#outline .sd-outline-item", has_text="勤于实践")).to_contain_text("二、")
    page.get_by_role("button", name="撤销").click()
    expect(page.locator("#outline .sd-outline-item")).to_have_count(6)
    expect(page.locator("#outline .sd-outline-item", has_text="勤于实践")).to_contain_text("三、")
    expect(page.locator("#save-state")).to_have_text(SAVED)
    assert Speech.objects.get(pk=speech.pk).sections.filter(role="part").count() == 3

    # The server cannot be reached: a warning stays up while the editor retries, until the text is saved.
    warning = page.locator("#save-warning")
    page.route("**/save/", lambda route: route.abort())
    section(page, "结尾").locator(".sd-body").press("End")
    page.keyboard.type("网络断开时写的一句。")
    expect(warning).to_contain_text("保存失败", timeout=8_000)
    expect(page.locator("#save-state")).to_have_text("保存失败")
    page.unroute("**/save/")
    expect(page.locator("#save-state")).to_have_text(SAVED, timeout=10_000)
    expect(warning).to_be_hidden()
    assert "网络断开时写的一句。" in Speech.objects.get(pk=speech.pk).as_text()

    # Bad input is not retried: the message says what to fix.
    page.get_by_label("标题", exact=True).fill("")
    expect(warning).to_contain_text("标题不能为空", timeout=8_000)
    page.get_by_label("标题", exact=True).fill("在全区人大代表培训班上的讲话")
    expect(page.locator("#save-state")).to_have_text(SAVED, timeout=8_000)
    expect(warning).to_be_hidden()

    # Leaving the page right after typing still saves: the editor sends a keepalive request on pagehide.
    section(page, "勤于实践").locator(".sd-body").fill("离开页面前的最后一句。")
    page.get_by_title("返回我的讲话稿").click()
    expect(page.locator(".speech-row")).to_have_count(1)
    deadline = time.monotonic() + 5
    while "离开页面前的最后一句。" not in Speech.objects.get(pk=speech.pk).as_text():
        assert time.monotonic() < deadline, "the text typed before leaving the page was not saved"
        time.sleep(0.1)

    # A 可查看 colleague reads the same speech and cannot change it.
    viewer = new_page()
    browser_login(viewer, colleague)
    viewer.goto(speech.get_absolute_url())
    expect(viewer.get_by_text("只有查看权限")).to_be_visible()
    expect(viewer.get_by_role("button", name="保存")).to_have_count(0)
    expect(viewer.locator(".sd-body").first).not_to_be_editable()
    expect(viewer.locator(".sd-drag-handle")).to_have_count(0)
    expect(viewer.locator("#preview-body")).to_contain_text("云岩区")
