import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from speechdraft.library.models import CorpusDocument
from tests.conftest import SEED_004, make_block, make_document

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name", ["library:documents", "library:templates", "library:blocks", "library:import"]
)
def test_anonymous_is_sent_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_login_page_is_chinese(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_import_page_is_for_managers_only(client, drafter):
    client.force_login(drafter)
    assert client.get(reverse("library:import")).status_code == 403


def test_import_posts_several_files_and_lists_each_result(client, manager):
    client.force_login(manager)
    files = [
        SimpleUploadedFile("004.txt", SEED_004.read_bytes()),
        SimpleUploadedFile("broken.docx", b"PK\x03\x04 broken"),
    ]
    response = client.post(reverse("library:import"), {"files": files})
    html = response.content.decode()
    assert response.status_code == 200
    assert "已导入" in html and "错误" in html
    assert "仅供学习 禁止外传" in html  # removed noise lines are shown
    assert CorpusDocument.objects.count() == 1


def test_import_htmx_request_gets_only_the_result_rows(client, manager):
    client.force_login(manager)
    response = client.post(
        reverse("library:import"),
        {"files": [SimpleUploadedFile("a.txt", "各位代表：\n正文一段。".encode())]},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert 'class="import-row"' in html
    assert "<html" not in html


def test_import_without_files_is_an_error_not_a_crash(client, manager):
    client.force_login(manager)
    response = client.post(reverse("library:import"), {})
    assert response.status_code == 200
    assert "请选择至少一个文件" in response.content.decode()


def test_document_view_shows_parts(client, drafter, defaults):
    client.force_login(drafter)
    doc = CorpusDocument.objects.get(title="在全区人大代表培训班上的讲话")
    html = client.get(doc.get_absolute_url()).content.decode()
    assert "一、提高认识，增强当好人大代表的责任感。" in html
    assert html.count('data-role="part"') == 3


def test_missing_document_is_404(client, drafter):
    client.force_login(drafter)
    assert client.get(reverse("library:document", args=[999])).status_code == 404


def test_block_search_finds_words_from_seed_004(client, drafter, defaults):
    client.force_login(drafter)
    html = client.get(reverse("library:blocks"), {"q": "国家权力机关"}).content.decode()
    assert "要深刻认识人大代表是国家权力机关的主体" in html
    none = client.get(reverse("library:blocks"), {"q": "航天飞机"}).content.decode()
    assert "没有找到符合条件的素材" in none


def test_block_search_over_htmx_returns_the_results_fragment(client, drafter, defaults):
    client.force_login(drafter)
    response = client.get(reverse("library:blocks"), {"q": "履职"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "block-item" in html and "<form" not in html


def test_block_filters_by_category(client, drafter, defaults):
    from speechdraft.library.models import Category

    client.force_login(drafter)
    closing = Category.objects.get(name="结尾")
    html = client.get(reverse("library:blocks"), {"category": closing.pk}).content.decode()
    assert "结尾：" in html and "开场：" not in html


def test_block_view_shows_its_source_passage(client, drafter, defaults):
    from speechdraft.library.models import Block

    client.force_login(drafter)
    block = Block.objects.filter(source_document__title="在全区人大代表培训班上的讲话", role="part").first()
    html = client.get(block.get_absolute_url()).content.decode()
    assert "在全区人大代表培训班上的讲话" in html
    assert '<mark class="sd-hit">' in html


def test_drafter_may_add_a_block_but_not_edit_others(client, drafter):
    client.force_login(drafter)
    response = client.post(
        reverse("library:block_new"),
        {
            "title": "我的素材",
            "role": "part",
            "body": "要加强学习。",
            "tag_names": "学习，履职",
        },
    )
    from speechdraft.library.models import Block

    block = Block.objects.get(title="我的素材")
    assert response.status_code == 302
    assert block.created_by == drafter
    assert sorted(block.tags.values_list("name", flat=True)) == ["学习", "履职"]
    other = make_block()
    assert (
        client.post(
            reverse("library:block_edit", args=[other.pk]), {"title": "x", "role": "part", "body": "y"}
        ).status_code
        == 302
    )
    other.refresh_from_db()
    assert other.title == "依法履职"
    assert client.post(reverse("library:block_delete", args=[other.pk])).status_code == 403


def test_block_list_query_count_does_not_grow_with_blocks(client, drafter):
    client.force_login(drafter)
    doc = make_document()
    for i in range(3):
        make_block(title=f"素材{i}", source_document=doc)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("library:blocks"))
    for i in range(3, 30):
        make_block(title=f"素材{i}", source_document=doc)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("library:blocks"))
    assert len(many) == len(few)
