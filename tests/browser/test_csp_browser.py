"""Every page under the Content-Security-Policy (issue #11.5): Chromium reports no violation, and the
behaviour that used to be inline script (template cards, confirm before delete, import progress) still
works from the static modules."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from speechdraft.checks.services import speech_check
from tests.conftest import PASSWORD, browser_login, make_block, make_document
from tests.drafting.factories import make_speech

# Collected in the page itself: Playwright's init scripts are not subject to the page's CSP.
_RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def _pages(speech, block, document, template, report) -> list[str]:
    s = speech.pk
    return [
        "/speeches/",
        "/speeches/trash/",
        "/speeches/new/",
        f"/speeches/new/?template={template.pk}",
        "/speeches/new/?template=blank",
        f"/speeches/{s}/preview/",
        f"/speeches/{s}/placeholders/",
        f"/speeches/{s}/history/1/",
        f"/speeches/{s}/delete/",
        f"/speeches/{s}/share/",
        f"/speeches/{s}/sections/{speech.sections.first().pk}/to-block/",
        "/library/corpus/",
        f"/library/corpus/{document.pk}/",
        "/library/corpus/import/",
        "/library/templates/",
        f"/library/templates/{template.pk}/",
        "/library/blocks/",
        "/library/blocks/new/",
        f"/library/blocks/{block.pk}/",
        f"/library/blocks/{block.pk}/edit/",
        f"/checks/speech/{s}/lint/",
        f"/checks/report/{report.pk}/",
        f"/export/speech/{s}/",
        f"/export/speech/{s}/preview/",
        "/admin/",
        "/admin/library/block/",
        f"/admin/library/block/{block.pk}/change/",
        f"/admin/auth/user/{speech.owner_id}/change/",
    ]


def _visit(page, url) -> list[str]:
    """Violations on ``url``: from the console (what a developer sees) and from the page's own events."""
    console: list[str] = []

    def listen(message):
        if "Content Security Policy" in message.text:
            console.append(message.text)

    page.on("console", listen)
    try:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        return console + page.evaluate("window.__cspViolations || []")
    finally:
        page.remove_listener("console", listen)


@pytest.fixture
def site(db, defaults, settings):
    from speechdraft.library.models import SpeechTemplate

    settings.SPEECHDRAFT_SOFFICE = "/nonexistent/soffice"
    owner = User.objects.create_superuser("root", password=PASSWORD, first_name="系统管理员")
    speech = make_speech(owner)
    return {
        "owner": owner,
        "speech": speech,
        "block": make_block(),
        "document": make_document(),
        "template": SpeechTemplate.objects.filter(is_active=True).first(),
        "report": speech_check(speech=speech, user=owner),
    }


def test_every_page_loads_under_the_csp_without_a_violation(page, site):
    page.context.add_init_script(_RECORD_VIOLATIONS)
    browser_login(page, site["owner"])
    found = {}
    for url in _pages(site["speech"], site["block"], site["document"], site["template"], site["report"]):
        violations = _visit(page, url)
        if violations:
            found[url] = violations
    assert not found


def test_the_editor_and_history_load_under_the_csp_without_a_violation(page, site):
    page.context.add_init_script(_RECORD_VIOLATIONS)
    browser_login(page, site["owner"])
    pk = site["speech"].pk
    found = {url: v for url in (f"/speeches/{pk}/", f"/speeches/{pk}/history/") if (v := _visit(page, url))}
    assert not found


def test_the_login_and_no_role_pages_load_under_the_csp(page, db):
    page.context.add_init_script(_RECORD_VIOLATIONS)
    assert _visit(page, "/accounts/login/") == []
    User.objects.create_user("zhou", password=PASSWORD)
    page.get_by_label("用户名").fill("zhou")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_text("请联系管理员分配角色").wait_for()
    assert page.evaluate("window.__cspViolations") == []


def test_template_cards_and_delete_confirmation_work_from_static_modules(page, site):
    browser_login(page, site["owner"])
    page.goto("/speeches/new/")
    page.get_by_role("link", name="选用空白讲话稿").click()
    page.get_by_text("第二步：填写会议信息").wait_for()
    assert "selected" in page.locator('.sd-template-card[data-template="blank"]').get_attribute("class")
    page.goto(f"/library/blocks/{site['block'].pk}/")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="删除").click()
    page.wait_for_timeout(300)
    assert page.url.endswith(f"/library/blocks/{site['block'].pk}/")  # dismissed: nothing deleted
