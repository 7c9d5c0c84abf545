"""素材推荐: ranking blocks and corpus paragraphs for the section being written."""

import pytest
from django.urls import reverse

from speechdraft.library import recommend as service
from speechdraft.library.models import Block
from speechdraft.text.recommend import PassageIndex, corpus_paragraphs, query_words
from tests.conftest import make_block, make_document
from tests.drafting.factories import make_speech

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_index():
    # The index is cached per process by a signature of counts and ids, which a rolled-back test
    # database can repeat with other content.
    service._cached = None
    yield
    service._cached = None


LONG = "人大代表要密切联系群众，认真听取和反映人民群众的意见和要求，积极参加代表联络站活动。"


def test_passage_index_ranks_the_passage_sharing_the_rarest_words_first():
    index = PassageIndex(
        [
            (1, "人大代表要依法履职，认真审议各项报告。"),
            (2, "乡村振兴是区委中心工作，人大代表要围绕乡村振兴开展调研。"),
            (3, "同志们，让我们共同努力！"),
        ]
    )
    found = index.search(query_words("围绕乡村振兴开展专题调研"), limit=3)
    assert found[0].key == 2 and "乡村振兴" in found[0].words
    assert [r.key for r in index.search(["乡村振兴"], exclude=[2])] == []


def test_corpus_paragraphs_skip_short_lines_and_keep_offsets():
    text = "标题\n" + LONG + "\n同志们：\n  " + LONG
    spans = list(corpus_paragraphs(text))
    assert [text[a:b] for a, b in spans] == [LONG, LONG]


def test_recommend_marks_blocks_and_paragraphs_the_speech_already_holds(drafter):
    make_block(title="联系群众", body=LONG)
    make_document(title="某区讲话", text="在代表培训班上的讲话\n" + LONG.replace("代表联络站", "家站点"))
    found = service.recommend(
        heading="密切联系群众", guidance="", text="", speech_text="前文。" + LONG, used_blocks=set()
    )
    kinds = {(s.kind, s.used) for s in found}
    assert ("block", True) in kinds and ("corpus", False) in kinds
    assert all(s.words for s in found)


def test_recommend_panel_shows_guidance_example_and_insert_buttons(client, drafter, defaults):
    from speechdraft.drafting import services
    from speechdraft.library.models import SpeechTemplate

    template = SpeechTemplate.objects.get(name="人大代表培训班讲话")
    speech = services.speech_create(user=drafter, template=template, data={"title": "讲话"})
    section = speech.sections.filter(role="part").first()
    client.force_login(drafter)
    url = reverse("drafting:recommend", args=[speech.pk])
    response = client.get(
        url, {"section": section.pk, "heading": "认真履职，依法审议"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert 'id="recommend-results"' in html and "<html" not in html
    assert "写作提示" in html and "参考范文" in html and "宪法规定" in html
    assert "sd-rec-insert" in html and "插入" in html
    assert Block.objects.exists() and ('data-kind="block"' in html or 'data-kind="corpus"' in html)


def test_recommend_panel_of_other_users_speech_is_404(client, drafter, colleague):
    speech = make_speech(drafter)
    client.force_login(colleague)
    assert client.get(reverse("drafting:recommend", args=[speech.pk])).status_code == 404


def test_the_index_is_kept_on_disk_and_read_back_by_the_next_process(drafter, monkeypatch):
    make_block(title="联系群众", body=LONG)
    first = service.current_index()
    service._cached = None  # a restarted worker

    def no_build(*args, **kwargs):
        raise AssertionError("the index on disk should have been used")

    monkeypatch.setattr(service, "build_index", no_build)
    again = service.current_index()
    assert again.keys == first.keys and again.vocabulary == first.vocabulary
    assert [r.key for r in again.search(["群众"])] == [r.key for r in first.search(["群众"])]


@pytest.mark.django_db(transaction=True)
def test_a_large_corpus_is_indexed_in_the_background_while_the_panel_says_so(client, drafter, settings):
    # The build runs in another thread with its own connection: it must see committed rows.
    import time

    settings.SPEECHDRAFT_RECOMMEND_SYNC_CHARS = 0
    make_document(title="某区讲话", text="在代表培训班上的讲话\n" + LONG)
    speech = make_speech(drafter)
    client.force_login(drafter)
    url = reverse("drafting:recommend", args=[speech.pk])
    first = client.get(url, {"heading": "密切联系群众"}, headers={"HX-Request": "true"})
    assert first.status_code == 200 and "正在后台建立" in first.content.decode()
    deadline = time.monotonic() + 60
    while service.current_index() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    later = client.get(url, {"heading": "密切联系群众"}, headers={"HX-Request": "true"})
    assert "正在后台建立" not in later.content.decode() and 'data-kind="corpus"' in later.content.decode()
