"""Shared fixtures: three personas, hand-written factories, and a Chromium driven by Playwright."""

import os
from pathlib import Path

import pytest

SEED_DIR = Path(__file__).resolve().parent.parent / "speechdraft" / "library" / "seeds"
SEED_000 = SEED_DIR / "000_856e7c9bd6a7060d.txt"
SEED_004 = SEED_DIR / "004_4dc910b79fc57e09.txt"
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "correct-horse-battery"

# Playwright's sync API keeps an event loop running in the test thread; Django refuses ORM calls from
# such a thread unless told that this is deliberate. Only the tests' own thread is affected.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    """Mark tests by what they touch, so CI can re-run exactly the database-facing ones on PostgreSQL."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if "live_server" in fixtures or "page" in fixtures:
            item.add_marker(pytest.mark.browser)
            # A browser test owns a live server; keep each one on its worker (see `--dist loadgroup`).
        if fixtures & {"db", "transactional_db", "live_server"} or item.get_closest_marker("django_db"):
            item.add_marker(pytest.mark.db)


@pytest.fixture(autouse=True)
def _isolated_var(tmp_path_factory, settings):
    """Each test gets its own cache and 查重 index directory, never the developer's var/."""
    root = tmp_path_factory.mktemp("var")
    settings.SPEECHDRAFT_CACHE_DIR = root / "cache"
    settings.SPEECHDRAFT_INDEX_DIR = root / "index"
    # Personas are made for nearly every test; the production password hasher costs ≈ 0.4 s each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed_004_part(marker: str = "二、") -> str:
    """One run-in part of seed 004 as it stands in the file, e.g. the whole 二、认真履职… paragraph."""
    return next(line for line in SEED_004.read_text(encoding="utf-8").splitlines() if line.startswith(marker))


# ---- factories -------------------------------------------------------------------------------


def make_user(username="wang", *, manager=False, name=""):
    from django.contrib.auth.models import Group, User

    from speechdraft.roles import DRAFTER_GROUP, MANAGER_GROUP

    # A 管理员 works in the admin too, which needs is_staff; the group carries the permissions.
    user = User.objects.create_user(
        username=username, password=PASSWORD, first_name=name or username, is_staff=manager
    )
    user.groups.add(Group.objects.get_or_create(name=MANAGER_GROUP if manager else DRAFTER_GROUP)[0])
    return user


def make_document(
    text="各位代表：\n今天我们在这里召开座谈会。\n同志们，让我们共同努力！", *, title="测试讲话", **kwargs
):
    from speechdraft.library.models import CorpusDocument
    from speechdraft.library.services import normalised_hash
    from speechdraft.text.counting import count_chars

    return CorpusDocument.objects.create(
        title=title, text=text, sha256=normalised_hash(text), chars=count_chars(text), **kwargs
    )


def make_block(title="依法履职", body="人大代表要依法履职，认真审议各项报告。", **kwargs):
    from speechdraft.library.models import Block

    return Block.objects.create(title=title, body=body, **kwargs)


# ---- personas --------------------------------------------------------------------------------


@pytest.fixture
def drafter(db):
    """王秘书: an 起草人 who drafts speeches."""
    return make_user("wang", name="王秘书")


@pytest.fixture
def colleague(db):
    """李科长: another 起草人 in the same office."""
    return make_user("li", name="李科长")


@pytest.fixture
def manager(db):
    """赵主任: a 管理员 who manages corpus, templates, blocks and users."""
    return make_user("zhao", manager=True, name="赵主任")


@pytest.fixture
def defaults(db):
    """The shipped seeds, templates and blocks, loaded as `make run` loads them."""
    from speechdraft.library.defaults import load_defaults

    load_defaults()


# ---- browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            # This machine's network is closed; without these flags Chromium keeps dialling out.
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(_browser, live_server):
    context = _browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1400, "height": 900}
    )
    context.set_default_timeout(10_000)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def new_page(_browser, live_server):
    """A second, independent browser (another tab's session or a colleague's machine)."""
    contexts = []

    def factory():
        context = _browser.new_context(
            base_url=live_server.url, locale="zh-CN", viewport={"width": 1400, "height": 900}
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield factory
    for c in contexts:
        c.close()


def browser_login(page, user, password=PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
