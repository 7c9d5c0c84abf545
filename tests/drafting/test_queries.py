"""Pages whose query count must not grow with the size of the speech or of the list."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import make_block
from tests.drafting.factories import make_speech, save_payload, share

pytestmark = pytest.mark.django_db

SENTENCE = "人大代表要依法履职，认真审议各项报告，积极提出意见建议，密切联系×区人民群众。"  # 40 characters


def big_speech(owner, n_sections: int, total_chars: int = 10_000):
    """A speech of ``n_sections`` sections (mostly parts, each from a block) and about ``total_chars``."""
    block = make_block(role="part")
    per_section = max(1, total_chars // n_sections // len(SENTENCE))
    sections = [{"role": "salutation", "body": "各位代表、同志们："}]
    for i in range(n_sections - 2):
        sections.append(
            {
                "role": "part",
                "heading": f"第{i}部分的标题",
                "body": SENTENCE * per_section,
                "source_block": block.pk,
            }
        )
    sections.append({"role": "closing", "body": "同志们，让我们共同努力！"})
    return make_speech(owner, sections=sections, placeholder_values={"区名": "云岩"})


def count_queries(client, method, url, data=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {})
    assert response.status_code == 200, response.content[:300]
    return len(queries)


def test_editor_runs_the_same_queries_for_6_and_60_sections(client, drafter):
    small, large = big_speech(drafter, 6), big_speech(drafter, 60)
    assert 9_000 <= len(large.as_text()) <= 11_000
    client.force_login(drafter)
    counts = [count_queries(client, "get", reverse("drafting:editor", args=[s.pk])) for s in (small, large)]
    # 6 for the page, plus the session's write (SESSION_SAVE_EVERY_REQUEST, sliding expiry): one
    # UPDATE, which the test's transaction wraps in a savepoint.
    assert counts[0] == counts[1] <= 9


def test_editor_of_a_shared_speech_runs_the_same_queries(client, drafter, colleague):
    small, large = big_speech(drafter, 6), big_speech(drafter, 60)
    share(small, colleague)
    share(large, colleague, can_edit=True)
    client.force_login(colleague)
    counts = [count_queries(client, "get", reverse("drafting:editor", args=[s.pk])) for s in (small, large)]
    assert counts[0] == counts[1]


def test_save_runs_the_same_queries_for_6_and_60_sections(client, drafter):
    client.force_login(drafter)
    counts = []
    for speech in (big_speech(drafter, 6), big_speech(drafter, 60)):
        payload = save_payload(speech)
        sections = json.loads(payload["sections"])
        for s in sections:
            s["body"] += "改。"  # every section changed
        sections.pop(1)  # one deleted
        sections.append({"key": "n1", "role": "part", "heading": "新", "body": "新。"})  # one added
        payload["sections"] = json.dumps(sections, ensure_ascii=False)
        counts.append(count_queries(client, "post", reverse("drafting:save", args=[speech.pk]), payload))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("name", ["drafting:preview", "drafting:placeholders", "drafting:history"])
def test_side_pages_do_not_query_per_section(client, drafter, name):
    client.force_login(drafter)
    counts = [count_queries(client, "get", reverse(name, args=[big_speech(drafter, n).pk])) for n in (6, 60)]
    assert counts[0] == counts[1]


def test_speech_list_runs_the_same_queries_for_3_and_30_speeches(client, drafter, colleague):
    client.force_login(drafter)
    for i in range(3):
        share(make_speech(colleague, title=f"共享{i}"), drafter)
    few = count_queries(client, "get", reverse("drafting:list"))
    for i in range(27):
        make_speech(drafter, title=f"讲话{i}")
    assert count_queries(client, "get", reverse("drafting:list")) == few
