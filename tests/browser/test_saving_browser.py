"""Nothing typed is ever lost (issue #8), in Chromium, each from a fresh login: an expired session,
the network going down, the server restarting, a closed tab, two people editing at once — and the
back button on a URL that htmx pushed."""

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from speechdraft.drafting.models import Speech
from tests.conftest import PASSWORD, browser_login
from tests.drafting.factories import make_speech, share

pytestmark = pytest.mark.django_db(transaction=True)

SAVED = "已保存"
OPENING = "#sections .sd-section[data-role=opening] .sd-body"
CLOSING = "#sections .sd-section[data-role=closing] .sd-body"


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def stored_text(speech) -> str:
    return Speech.objects.get(pk=speech.pk).as_text()


def record_states(page):
    """Keep every text the status badge shows from now on, to prove what it never said."""
    page.evaluate(
        """() => {
        window.sdStates = [];
        const badge = document.getElementById("save-state");
        new MutationObserver(() => window.sdStates.push(badge.textContent)).observe(badge, { childList: true, characterData: true, subtree: true });
    }"""
    )


def type_at_end(page, selector, text):
    page.locator(selector).press("End")
    page.keyboard.press("Control+End")
    page.keyboard.type(text)


def test_a_typing_after_the_session_ends_is_never_shown_as_saved_and_is_saved_after_relogin(page, drafter):
    from django.contrib.sessions.models import Session

    speech = make_speech(drafter)
    browser_login(page, drafter)
    page.goto(speech.get_absolute_url())
    type_at_end(page, OPENING, "登录期间写的。")
    expect(page.locator("#save-state")).to_have_text(SAVED, timeout=8_000)

    Session.objects.all().delete()  # expired, logged out elsewhere, password changed: all the same
    record_states(page)
    type_at_end(page, CLOSING, "过期以后写的一句。")
    expect(page.locator("#save-state")).to_have_text("未保存：登录已过期", timeout=8_000)
    expect(page.locator("#save-warning")).to_contain_text("重新登录")
    type_at_end(page, CLOSING, "又写了一句。")
    page.wait_for_timeout(2500)
    expect(page.locator("#save-state")).to_have_text("未保存：登录已过期")
    assert SAVED not in page.evaluate("window.sdStates")
    assert "过期以后写的一句。" not in stored_text(speech)

    # 重新登录 in a dialog, without leaving the page; the pending text is then saved.
    page.get_by_role("button", name="重新登录").click()
    dialog = page.locator("#login-dialog")
    expect(dialog.get_by_label("用户名")).to_have_value("wang")
    dialog.get_by_label("密码").fill(PASSWORD)
    dialog.get_by_role("button", name="登录并保存").click()
    expect(page.locator("#save-state")).to_have_text(SAVED, timeout=8_000)
    assert "过期以后写的一句。又写了一句。" in stored_text(speech)
    assert "登录期间写的。" in stored_text(speech)
    # The page goes on working with the new session's CSRF token.
    type_at_end(page, OPENING, "登录后接着写。")
    expect(page.locator("#save-state")).to_have_text(SAVED, timeout=8_000)
    assert "登录后接着写。" in stored_text(speech)


def test_b_offline_typing_shows_the_offline_state_and_saves_when_back_online(page, drafter):
    speech = make_speech(drafter)
    browser_login(page, drafter)
    page.goto(speech.get_absolute_url())
    page.context.set_offline(True)
    page.locator(CLOSING).press("Control+End")
    page.keyboard.type("断网时写的第一段。")
    page.keyboard.press("Enter")
    page.keyboard.type("断网时写的第二段。")
    expect(page.locator("#save-state")).to_have_text("离线", timeout=8_000)
    expect(page.locator("#save-warning")).to_contain_text("联网后会自动保存")
    assert "断网时写的第一段。" not in stored_text(speech)
    page.context.set_offline(False)
    expect(page.locator("#save-state")).to_have_text(SAVED, timeout=8_000)
    assert "断网时写的第一段。\n断网时写的第二段。" in stored_text(speech)


def test_d_a_tab_closed_with_unsaved_text_offers_to_restore_it(page, drafter):
    speech = make_speech(drafter)
    browser_login(page, drafter)
    context = page.context
    page.goto(speech.get_absolute_url())
    # The network is down, so nothing of this reaches the server, not even the save the editor sends
    # as the tab closes.
    context.set_offline(True)
    type_at_end(page, OPENING, "关闭标签页之前写的。")
    expect(page.locator("#save-state")).to_have_text("离线", timeout=8_000)
    page.close()
    time.sleep(1)
    context.set_offline(False)
    assert "关闭标签页之前写的。" not in stored_text(speech)

    again = context.new_page()
    again.goto(speech.get_absolute_url())
    banner = again.locator("#local-copy")
    expect(banner).to_be_visible()
    expect(banner.locator("ins")).to_contain_text("关闭标签页之前写的。")
    again.get_by_role("button", name="恢复未保存的修改").click()
    expect(again.locator(OPENING)).to_have_value(re.compile("关闭标签页之前写的。$"))
    expect(again.locator("#save-state")).to_have_text(SAVED, timeout=8_000)
    assert "关闭标签页之前写的。" in stored_text(speech)
    # Acknowledged: the copy is gone, the next load offers nothing.
    again.reload()
    expect(again.locator("#editor")).to_be_visible()
    expect(again.locator("#local-copy")).to_be_hidden()


def test_e_two_people_editing_different_sections_at_once_both_keep_their_text(
    page, new_page, drafter, colleague
):
    speech = make_speech(drafter)
    share(speech, colleague, can_edit=True)
    browser_login(page, drafter)
    other = new_page()
    browser_login(other, colleague)
    page.goto(speech.get_absolute_url())
    other.goto(speech.get_absolute_url())

    type_at_end(page, OPENING, "王秘书补的开场。")
    type_at_end(other, CLOSING, "李科长补的结尾！")
    for p in (page, other):
        expect(p.locator("#save-state")).to_have_text(SAVED, timeout=8_000)
    text = stored_text(speech)
    assert "王秘书补的开场。" in text and "李科长补的结尾！" in text
    for p in (page, other):
        expect(p.locator("#conflict-message")).to_have_count(0)
    # Whoever saved second now sees the other's text too; the other page sees it on its next save.
    type_at_end(page, OPENING, "再补一句。")
    expect(page.locator("#save-state")).to_have_text(SAVED, timeout=8_000)
    expect(page.locator(CLOSING)).to_have_value(re.compile("李科长补的结尾！$"))

    # The same section changed in both: the conflict names that section and keeps both texts.
    heading = "#sections .sd-section[data-role=part] .sd-heading"
    page.locator(heading).first.fill("王秘书改的第一部分标题。")
    other.locator(heading).first.fill("李科长改的第一部分标题。")
    page.keyboard.press("Control+s")
    expect(page.locator("#save-state")).to_have_text(SAVED, timeout=8_000)
    other.keyboard.press("Control+s")
    message = other.locator("#conflict-message")
    expect(message).to_contain_text("也修改了部分“王秘书改的第一部分标题。”")
    expect(message.locator(".sd-mine")).to_contain_text("李科长改的第一部分标题。")
    expect(message.locator(".sd-theirs")).to_contain_text("王秘书改的第一部分标题。")
    assert "李科长改的第一部分标题。" in speech.revisions.filter(kind="conflict").first().as_text()
    other.get_by_role("button", name="采用对方版本").click()
    expect(other.locator("#save-state")).to_have_text(SAVED, timeout=8_000)
    expect(other.locator(heading).first).to_have_value("王秘书改的第一部分标题。")


def test_undo_of_a_deleted_section_brings_back_its_guidance_and_id(page, drafter):
    speech = make_speech(
        drafter,
        sections=[
            {"role": "opening", "body": "开场。"},
            {"role": "part", "heading": "依法履职。", "body": "正文。", "guidance": "写清履职要求"},
            {"role": "closing", "body": "结尾！"},
        ],
    )
    part = speech.sections.get(role="part")
    browser_login(page, drafter)
    page.goto(speech.get_absolute_url())
    page.locator(f"#sec-s{part.pk}").get_by_role("button", name="删除").click()
    expect(page.locator("#save-state")).to_have_text(SAVED, timeout=8_000)
    assert not Speech.objects.get(pk=speech.pk).sections.filter(role="part").exists()
    page.get_by_role("button", name="撤销").click()
    expect(page.locator("#save-state")).to_have_text(SAVED, timeout=8_000)
    back = Speech.objects.get(pk=speech.pk).sections.get(role="part")
    assert (back.pk, back.heading, back.guidance) == (part.pk, "依法履职。", "写清履职要求")
    page.reload()
    expect(page.locator(f"#sec-s{part.pk} details")).to_contain_text("写作提示")


def test_back_to_a_pushed_comparison_shows_the_whole_history_page(page, drafter):
    from speechdraft.drafting.services import speech_data, speech_save

    speech = make_speech(drafter)
    for version, title in ((1, "第二稿"), (2, "第三稿")):
        speech_save(
            speech=speech, user=drafter, base_version=version, data={**speech_data(speech), "title": title}
        )
    browser_login(page, drafter)
    page.goto(f"/speeches/{speech.pk}/history/")
    rows = page.locator("#revisions .sd-compare")
    expect(rows).to_have_count(3)
    for number in ("1", "2"):
        page.locator(f'.sd-compare[value="{number}"]').check()
    page.get_by_role("button", name="比较勾选的两个版本").click()
    expect(page.locator("#diff")).to_contain_text("第 1 版 → 第 2 版")
    # A third tick replaces the earliest one (2 was ticked by default, before 1).
    page.locator('.sd-compare[value="3"]').check()
    expect(page.locator('.sd-compare[value="2"]')).not_to_be_checked()
    page.get_by_role("button", name="比较勾选的两个版本").click()
    expect(page.locator("#diff")).to_contain_text("第 1 版 → 第 3 版")
    expect(page).to_have_url(re.compile(r"rev=1&rev=3|rev=3&rev=1"))

    # Back to a URL htmx pushed, with htmx's own page cache gone (full, or another tab's): htmx asks
    # the server, which must answer with the whole page, not the bare fragment.
    page.evaluate("localStorage.removeItem('htmx-history-cache')")
    page.go_back()
    expect(page.locator("#diff")).to_contain_text("第 1 版 → 第 2 版")
    expect(page.locator("nav.sd-navbar")).to_have_count(1)
    expect(page.locator("h1", has_text="历史版本")).to_be_visible()
    expect(page.locator("#revisions .revision-row")).to_have_count(3)

    # 只看改动 and the jumps.
    page.get_by_label("只看改动").check()
    page.get_by_role("button", name="下一处").click()
    expect(page.locator("#change-position")).to_contain_text("第 1 /")


# ---- (c) the server is killed and restarted mid-typing ------------------------------------------


ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OwnServer:
    """A real server process on its own file database: live_server cannot be killed and restarted."""

    def __init__(self, tmp_path):
        self.port = _free_port()
        self.db = tmp_path / "restart.sqlite3"
        self.env = {
            **os.environ,
            "SQLITE_PATH": str(self.db),
            "DATABASE_URL": "",
            "SECRET_KEY": "restart-test-key",
            "DEBUG": "0",
            "SPEECHDRAFT_CACHE_DIR": str(tmp_path / "cache"),
            "SPEECHDRAFT_INDEX_DIR": str(tmp_path / "index"),
        }
        self.process = None

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{self.port}"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise AssertionError("the server did not start")

    def kill(self):
        self.process.kill()
        self.process.wait(10)

    def text(self, speech_id: int) -> str:
        return self.manage(
            "shell",
            "-c",
            f"from speechdraft.drafting.models import Speech; print(Speech.objects.get(pk={speech_id}).as_text())",
        )


@pytest.fixture
def own_server(tmp_path):
    server = OwnServer(tmp_path)
    server.manage("migrate", "-v", "0")
    yield server
    if server.process and server.process.poll() is None:
        server.kill()


def test_c_killing_and_restarting_the_server_mid_typing_loses_nothing(_browser, own_server):
    speech_id = own_server.manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from tests.conftest import make_user; from tests.drafting.factories import make_speech; "
        "print(make_speech(make_user('wang', name='王秘书')).pk)",
    ).strip()
    own_server.start()
    context = _browser.new_context(base_url=f"http://127.0.0.1:{own_server.port}", locale="zh-CN")
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto("/accounts/login/")
        page.get_by_label("用户名").fill("wang")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.goto(f"/speeches/{speech_id}/")
        type_at_end(page, OPENING, "重启之前写的。")
        own_server.kill()  # mid-typing: the autosave of what was just typed has not gone out yet
        type_at_end(page, OPENING, "服务器停了还在写。")
        expect(page.locator("#save-state")).to_have_text("保存失败", timeout=8_000)
        own_server.start()
        expect(page.locator("#save-state")).to_have_text(SAVED, timeout=25_000)
        assert "重启之前写的。服务器停了还在写。" in own_server.text(speech_id)
    finally:
        context.close()
