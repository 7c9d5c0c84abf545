"""The drafting views: each works, refuses bad input in Chinese, and answers htmx with a fragment only."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from speechdraft.drafting.models import Revision, Speech, SpeechShare
from speechdraft.library.models import Block, SpeechTemplate
from tests.conftest import make_block
from tests.drafting.factories import make_sections, make_speech, save_payload, share

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
JSON = {"Accept": "application/json"}


def is_fragment(response) -> bool:
    return "<html" not in response.content.decode()


def plain(html: str) -> str:
    """Diff HTML without the change numbers the 下一处 jumps use."""
    return re.sub(r' class="sd-change" data-change="\d+"', "", html)


@pytest.fixture
def speech(drafter):
    return make_speech(drafter)


@pytest.fixture
def logged_in(client, drafter):
    client.force_login(drafter)
    return client


# --- 我的讲话稿, 回收站 -------------------------------------------------------------------------------


def test_list_shows_own_and_shared_speeches_but_not_others_or_trashed(logged_in, drafter, colleague, manager):
    make_speech(drafter, title="我的讲话")
    shared = make_speech(colleague, title="同事共享的讲话")
    share(shared, drafter, can_edit=True)
    make_speech(manager, title="别人的讲话")
    trashed = make_speech(drafter, title="删掉的讲话")
    Speech.objects.filter(pk=trashed.pk).update(deleted_at="2026-01-01T00:00:00Z")
    html = logged_in.get(reverse("drafting:list")).content.decode()
    assert "我的讲话" in html and "同事共享的讲话" in html and "李科长共享 · 可编辑" in html
    assert "别人的讲话" not in html and "删掉的讲话" not in html
    assert "新建讲话稿" in html and "回收站" in html


def test_list_search_and_htmx_fragment(logged_in, drafter):
    make_speech(drafter, title="在代表座谈会上的讲话")
    make_speech(drafter, title="在培训班上的讲话", speaker="张主任")
    response = logged_in.get(reverse("drafting:list"), {"q": "张主任"}, headers=HTMX)
    html = response.content.decode()
    assert is_fragment(response) and "在培训班上的讲话" in html and "座谈会" not in html
    assert "没有找到" in logged_in.get(reverse("drafting:list"), {"q": "航天"}).content.decode()


def test_list_search_looks_inside_the_speech_text_word_by_word(logged_in, drafter):
    sections = make_sections()
    sections[3]["body"] = "要围绕乡村振兴开展专题调研，听取群众意见。"
    make_speech(drafter, title="在代表座谈会上的讲话", sections=sections)
    make_speech(drafter, title="在培训班上的讲话")
    # jieba terms, each found somewhere in the speech (not necessarily together): 乡村振兴 … 调研
    page = logged_in.get(reverse("drafting:list"), {"q": "乡村振兴调研"}).context["page"]
    assert [s.title for s in page] == ["在代表座谈会上的讲话"]
    assert not list(logged_in.get(reverse("drafting:list"), {"q": "乡村振兴航天"}).context["page"])


def test_one_word_count_in_the_list_the_editor_and_the_export_page(logged_in, drafter):
    speech = make_speech(drafter)
    chars = speech.printed().chars
    label = f"{chars}字（不含标点）"
    assert label in logged_in.get(reverse("drafting:list")).content.decode()
    assert label in logged_in.get(speech.get_absolute_url()).content.decode()
    assert (
        f"全文 {chars} 字（不含标点）"
        in logged_in.get(reverse("export:page", args=[speech.pk])).content.decode()
    )


def test_list_sorts_by_last_change_then_title(logged_in, drafter):
    first, second = make_speech(drafter, title="乙讲话"), make_speech(drafter, title="甲讲话")
    Speech.objects.filter(pk=first.pk).update(updated_at="2030-01-01T00:00:00Z")
    recent = [s.title for s in logged_in.get(reverse("drafting:list")).context["page"]]
    assert recent == ["乙讲话", "甲讲话"]
    by_title = [s.title for s in logged_in.get(reverse("drafting:list"), {"sort": "title"}).context["page"]]
    assert by_title == sorted(by_title)
    assert second.pk
    # An unknown sort is bad input: the list still shows, in the default order.
    assert logged_in.get(reverse("drafting:list"), {"sort": "drop table"}).status_code == 200


def test_delete_asks_first_then_moves_to_trash_and_restores(logged_in, speech):
    url = reverse("drafting:delete", args=[speech.pk])
    assert "确认删除" in logged_in.get(url).content.decode()
    assert Speech.objects.alive().filter(pk=speech.pk).exists()
    response = logged_in.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("drafting:list")
    html = logged_in.get(reverse("drafting:trash")).content.decode()
    assert speech.title in html and "彻底删除" in html
    logged_in.post(reverse("drafting:untrash", args=[speech.pk]))
    assert Speech.objects.alive().filter(pk=speech.pk).exists()


def test_duplicate_makes_an_own_copy_from_an_editable_share(client, speech, colleague):
    share(speech, colleague, can_edit=True)
    client.force_login(colleague)
    response = client.post(reverse("drafting:duplicate", args=[speech.pk]))
    copy = Speech.objects.get(owner=colleague)
    assert response["Location"] == copy.get_absolute_url()
    assert copy.title == f"{speech.title}（副本）" and copy.sections.count() == speech.sections.count()


def test_share_adds_changes_and_removes_a_colleague(logged_in, speech, colleague):
    url = reverse("drafting:share", args=[speech.pk])
    assert "李科长" in logged_in.get(url).content.decode()
    logged_in.post(url, {"user": colleague.pk, "can_edit": "0"})
    logged_in.post(url, {"user": colleague.pk, "can_edit": "1"})
    assert SpeechShare.objects.get(speech=speech, user=colleague).can_edit is True
    share_pk = speech.shares.get().pk
    logged_in.post(reverse("drafting:share_remove", args=[speech.pk, share_pk]))
    assert not speech.shares.exists()


def test_removing_a_share_of_another_speech_is_404(logged_in, speech, drafter, colleague):
    other = make_speech(drafter, title="另一篇")
    foreign = share(other, colleague)
    assert logged_in.post(reverse("drafting:share_remove", args=[speech.pk, foreign.pk])).status_code == 404
    assert SpeechShare.objects.filter(pk=foreign.pk).exists()


def test_trash_lists_only_own_deleted_speeches_with_their_expiry(logged_in, drafter, colleague):
    mine, theirs = make_speech(drafter, title="我删的"), make_speech(colleague, title="同事删的")
    Speech.objects.filter(pk__in=[mine.pk, theirs.pk]).update(deleted_at="2026-01-01T00:00:00Z")
    html = logged_in.get(reverse("drafting:trash")).content.decode()
    assert "我删的" in html and "同事删的" not in html and "2026-01-31 后彻底删除" in html


def test_share_refuses_the_owner_and_unknown_users(logged_in, speech, drafter):
    url = reverse("drafting:share", args=[speech.pk])
    for user in (drafter.pk, 9999, "abc"):
        response = logged_in.post(url, {"user": user, "can_edit": "1"})
        assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()
    assert not speech.shares.exists()


# --- 新建讲话稿 ---------------------------------------------------------------------------------------


def test_new_shows_template_cards_and_a_blank_choice(logged_in, defaults):
    html = logged_in.get(reverse("drafting:new")).content.decode()
    assert "人大代表培训班讲话" in html and "代表座谈会讲话" in html and "空白讲话稿" in html
    assert "培训班结业时的讲话" in html  # the description
    assert "提高认识，增强当好人大代表的责任感" in html  # the outline


def test_new_form_asks_for_the_templates_placeholders_as_htmx_fragment(logged_in, defaults):
    template = SpeechTemplate.objects.get(name="代表座谈会讲话")
    response = logged_in.get(reverse("drafting:new"), {"template": template.pk}, headers=HTMX)
    html = response.content.decode()
    assert (
        is_fragment(response) and "区名" in html and "占位符“人名”" in html and "在代表座谈会上的讲话" in html
    )


def test_new_from_a_template_creates_the_speech_with_its_placeholder_values(logged_in, defaults, drafter):
    template = SpeechTemplate.objects.get(name="人大代表培训班讲话")
    response = logged_in.post(
        reverse("drafting:new"),
        {
            "template": template.pk,
            "title": "在全区人大代表培训班上的讲话",
            "speaker": "张主任",
            "date": "2024-07-20",
            "district": "云岩区",
        },
    )
    speech = Speech.objects.get(owner=drafter)
    assert response["Location"] == speech.get_absolute_url()
    assert speech.placeholder_values == {"区名": "云岩"}
    assert speech.template == template and speech.sections.count() == 6
    assert "（2024年7月20日）" in speech.as_text()


def test_new_blank_speech(logged_in, drafter):
    logged_in.post(reverse("drafting:new"), {"template": "blank", "title": "在某会议上的讲话"})
    assert Speech.objects.get(owner=drafter).sections.count() == 4


def test_new_without_title_shows_the_error(logged_in, defaults, drafter):
    template = SpeechTemplate.objects.get(name="人大代表培训班讲话")
    response = logged_in.post(reverse("drafting:new"), {"template": template.pk, "title": "", "date": "昨天"})
    html = response.content.decode()
    assert response.status_code == 200 and "这个字段是必填项" in html and "输入一个有效的日期" in html
    assert not Speech.objects.exists()


def test_new_with_an_unknown_template_is_404(logged_in):
    assert logged_in.get(reverse("drafting:new"), {"template": "999"}).status_code == 404
    assert logged_in.post(reverse("drafting:new"), {"template": "x", "title": "t"}).status_code == 404


# --- the editor -------------------------------------------------------------------------------------


def test_editor_shows_outline_sections_preview_and_toolbar(logged_in, speech):
    html = logged_in.get(speech.get_absolute_url()).content.decode()
    assert html.count('class="list-group-item sd-outline-item"') == 6
    assert html.count('<section class="card sd-section') == 6
    assert "一、提高认识" not in html or "sd-p-heading" in html
    assert '<span class="sd-p-heading">一、提高认识，增强当好人大代表的责任感。</span>' in html
    assert 'id="editor-actions"' in html and "历史版本" in html and "保存" in html and "段落素材库" in html
    assert 'data-version="1"' in html and "全文 " in html and "分" in html


def test_save_stores_sections_and_answers_markers_counts_and_new_ids(logged_in, speech):
    payload = save_payload(speech)
    sections = json.loads(payload["sections"])
    sections.insert(2, {"key": "n1", "id": None, "role": "part", "heading": "新增部分", "body": "新增正文。"})
    payload["sections"] = json.dumps(sections)
    response = logged_in.post(reverse("drafting:save", args=[speech.pk]), payload)
    data = response.json()
    assert response.status_code == 200 and data["version"] == 2 and data["revision"] == 2
    new_id = data["ids"]["n1"]
    assert speech.sections.get(pk=new_id).heading == "新增部分"
    assert data["markers"]["n1"] == "一、" and data["markers"][sections[3]["key"]] == "二、"
    assert data["counts"]["n1"].startswith("9字")  # 一、新增部分。新增正文。 without punctuation
    assert data["placeholders"] == ["区名"]


def test_save_remembers_placeholder_values(logged_in, speech):
    payload = save_payload(speech, placeholder_values={"区名": "云岩区", "**": ""})
    assert logged_in.post(reverse("drafting:save", args=[speech.pk]), payload).status_code == 200
    speech.refresh_from_db()
    assert speech.placeholder_values == {"区名": "云岩"}
    assert "积极参加云岩区人民代表大会会议" in speech.as_text()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": ""}, "标题不能为空"),
        ({"sections": "not json"}, "段落数据格式不正确"),
        ({"sections": json.dumps([{"role": "preface", "body": "x"}])}, "段落数据格式不正确"),
        ({"sections": json.dumps([{"role": "part", "heading": "长" * 301}])}, "最多 300 字"),
        ({"placeholder_values": "[1, 2]"}, "占位符"),
        ({"date": "2024年7月"}, "日期格式不正确"),
        ({"base_version": "abc"}, "整数"),
    ],
)
def test_save_refuses_bad_input_with_a_chinese_message(logged_in, speech, change, message):
    response = logged_in.post(reverse("drafting:save", args=[speech.pk]), {**save_payload(speech), **change})
    assert response.status_code == 400
    assert message in response.json()["error"]
    speech.refresh_from_db()
    assert speech.version == 1


def _edit(payload, index, body):
    sections = json.loads(payload["sections"])
    sections[index]["body"] = body
    return {**payload, "sections": json.dumps(sections, ensure_ascii=False)}


@pytest.fixture
def colleague_saved_opening(speech, colleague):
    """A colleague with edit rights saved a new 开场 from the same base the writer still holds;
    returns (that base payload, the save URL)."""
    share(speech, colleague, can_edit=True)
    other = Client()
    other.force_login(colleague)
    base = save_payload(speech)
    url = reverse("drafting:save", args=[speech.pk])
    assert other.post(url, _edit(base, 1, "同事写的开场。")).status_code == 200
    return base, url


def test_a_stale_save_to_another_section_is_merged_without_asking(logged_in, speech, colleague_saved_opening):
    base, url = colleague_saved_opening
    response = logged_in.post(url, _edit(base, -1, "我写的结尾！"))
    data = response.json()
    assert response.status_code == 200 and data["merged"] and data["version"] == 3
    bodies = [s["body"] for s in data["sections"]]
    assert "同事写的开场。" in bodies and "我写的结尾！" in bodies
    text = Speech.objects.get(pk=speech.pk).as_text()
    assert "同事写的开场。" in text and "我写的结尾！" in text


def test_the_same_section_changed_on_both_sides_is_a_409_naming_it_with_both_texts(
    logged_in, speech, colleague_saved_opening
):
    base, url = colleague_saved_opening
    response = logged_in.post(url, _edit(_edit(base, 1, "我写的开场。"), -1, "我写的结尾！"))
    assert response.status_code == 409
    data = response.json()
    [conflict] = data["conflicts"]
    assert conflict["mine"] == "我写的开场。" and conflict["theirs"] == "同事写的开场。"
    assert conflict["label"].startswith("开场")
    assert "李科长" in data["html"] and "没有保存" in data["html"] and "第 3 版" in data["html"]
    assert "保留我的版本" in data["html"] and "采用对方版本" in data["html"]
    assert Revision.objects.get(speech=speech, number=3).note == "未保存的冲突版本"
    # The writer chooses per section; the save then merges on the same base.
    chosen = {
        **_edit(_edit(base, 1, "我写的开场。"), -1, "我写的结尾！"),
        "resolutions": json.dumps({conflict["key"]: "theirs"}),
    }
    again = logged_in.post(url, chosen)
    assert again.status_code == 200 and again.json()["merged"]
    text = Speech.objects.get(pk=speech.pk).as_text()
    assert "同事写的开场。" in text and "我写的开场。" not in text and "我写的结尾！" in text


def test_a_save_from_an_expired_session_is_401_json_never_a_redirect(client, speech):
    response = client.post(reverse("drafting:save", args=[speech.pk]), save_payload(speech), headers=JSON)
    assert response.status_code == 401 and response.json()["error"] == "login"
    assert Speech.objects.get(pk=speech.pk).version == 1
    # A navigation still goes to the login page.
    assert client.get(reverse("drafting:preview", args=[speech.pk]))["Location"].startswith(
        "/accounts/login/"
    )
    assert client.get(reverse("drafting:preview", args=[speech.pk]), headers=HTMX).status_code == 401


def test_session_status_gives_a_fresh_csrf_token(logged_in, client):
    data = logged_in.get(reverse("drafting:session"), headers=JSON).json()
    assert data["name"] == "王秘书" and len(data["csrf"]) >= 32


@pytest.mark.parametrize("junk", ["\x00", "\ud800", "\udfff"])
def test_nul_and_lone_surrogates_in_a_save_are_stripped_not_a_500(logged_in, speech, junk):
    payload = save_payload(speech)
    sections = json.loads(payload["sections"])
    sections[1]["body"] = f"开场{junk}白。"
    payload["sections"] = json.dumps(sections)  # ASCII escapes, as a script could send them
    payload["title"] = "标题\x00"
    payload["placeholder_values"] = json.dumps({f"区名{junk}": "云岩"})
    response = logged_in.post(reverse("drafting:save", args=[speech.pk]), payload)
    assert response.status_code == 200
    stored = Speech.objects.get(pk=speech.pk)
    assert stored.title == "标题" and stored.placeholder_values == {"区名": "云岩"}
    assert stored.sections.get(role="opening").body == "开场白。"
    assert "开场白。" in json.dumps(stored.revisions.order_by("-number").first().snapshot, ensure_ascii=False)


def test_nul_in_the_new_speech_form_is_stripped(logged_in):
    response = logged_in.post(reverse("drafting:new"), {"template": "blank", "title": "新\x00讲话"})
    assert response.status_code == 302 and Speech.objects.get().title == "新讲话"


def test_preview_page_and_fragment(logged_in, speech):
    Speech.objects.filter(pk=speech.pk).update(placeholder_values={"区名": "云岩"})
    url = reverse("drafting:preview", args=[speech.pk])
    assert "打印本页" in logged_in.get(url).content.decode()
    response = logged_in.get(url, headers=HTMX)
    html = response.content.decode()
    assert is_fragment(response)
    assert '<span class="sd-filled" title="已替换的占位符">云岩</span>区' in html
    assert '<p class="sd-p sd-p-title">' in html and "sd-p-run_in" in html


def test_preview_escapes_what_users_typed(logged_in, drafter):
    speech = make_speech(drafter, sections=[{"role": "opening", "body": "<script>alert(1)</script>×区"}])
    html = logged_in.get(reverse("drafting:preview", args=[speech.pk]), headers=HTMX).content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert '<mark class="sd-placeholder"' in html


def test_placeholder_panel_lists_each_name_once_with_its_count(logged_in, drafter):
    speech = make_speech(
        drafter,
        sections=[{"role": "opening", "body": "在×区召开。**同志出席。为**区作贡献。"}],
        placeholder_values={"区名": "云岩"},
    )
    url = reverse("drafting:placeholders", args=[speech.pk])
    response = logged_in.get(url, headers=HTMX)
    html = response.content.decode()
    assert is_fragment(response)
    assert html.count('class="mb-2 sd-ph"') == 2
    assert "共 2 处" in html and 'value="云岩"' in html
    assert "占位符" in logged_in.get(url).content.decode()


def test_block_panel_searches_the_library_and_offers_insert(logged_in, speech):
    make_block(title="依法履职", body="人大代表要依法履职，认真审议各项报告。")
    make_block(title="联系群众", body="要密切联系人民群众。")
    url = reverse("drafting:blocks", args=[speech.pk])
    panel = logged_in.get(url, headers=HTMX)
    assert is_fragment(panel) and 'name="q"' in panel.content.decode()
    results = logged_in.get(url, {"q": "审议"}, headers={**HTMX, "HX-Target": "block-results"})
    html = results.content.decode()
    assert 'name="q"' not in html and "依法履职" in html and "联系群众" not in html
    assert ">插入</button>" in html and "插入为新段落" in html
    assert "段落素材库" in logged_in.get(url).content.decode()
    assert logged_in.get(url, {"category": "abc"}, headers=HTMX).status_code == 200


def test_block_panel_of_a_read_only_share_has_no_insert(client, speech, colleague):
    make_block()
    share(speech, colleague)
    client.force_login(colleague)
    html = client.get(reverse("drafting:blocks", args=[speech.pk]), headers=HTMX).content.decode()
    assert "依法履职" in html and "sd-insert" not in html


def test_section_new_from_a_block_splits_its_heading_and_counts_the_use(logged_in, speech):
    block = make_block(
        title="提高认识", body="一、提高认识，增强责任感。宪法规定，一切权力属于人民。", role="part"
    )
    response = logged_in.post(
        reverse("drafting:section_new", args=[speech.pk]), {"block": block.pk}, headers=JSON
    )
    html = response.json()["html"]
    assert 'data-role="part"' in html
    assert 'value="提高认识，增强责任感。"' in html and ">宪法规定，一切权力属于人民。</textarea>" in html
    assert f'data-source-block="{block.pk}"' in html
    assert Block.objects.get(pk=block.pk).usage_count == 1


def test_section_new_blank_and_bad_role(logged_in, speech):
    url = reverse("drafting:section_new", args=[speech.pk])
    html = logged_in.post(url, {"role": "closing"}, headers=JSON).json()["html"]
    assert 'data-role="closing"' in html and "<textarea" in html
    assert logged_in.post(url, {"role": "preface"}, headers=JSON).status_code == 400
    assert logged_in.post(url, {"block": "999"}, headers=JSON).status_code == 404


def test_section_new_without_javascript_appends_and_saves(logged_in, speech):
    block = make_block(role="closing")
    response = logged_in.post(reverse("drafting:section_new", args=[speech.pk]), {"block": block.pk})
    assert response["Location"] == speech.get_absolute_url()
    last = speech.sections.order_by("-order").first()
    assert last.source_block == block and last.body == block.body
    assert Speech.objects.get(pk=speech.pk).version == 2


def test_section_to_block_saves_the_printed_section_with_its_author(logged_in, speech, drafter):
    section = speech.sections.filter(role="part").first()
    url = reverse("drafting:section_to_block", args=[speech.pk, section.pk])
    html = logged_in.get(url).content.decode()
    assert "一、提高认识，增强当好人大代表的责任感。宪法规定" in html
    response = logged_in.post(
        url, {"title": "提高认识", "role": "part", "body": "一、提高认识。正文。", "tag_names": "认识"}
    )
    block = Block.objects.get(title="提高认识")
    assert response["Location"] == block.get_absolute_url()
    assert block.created_by == drafter and list(block.tags.values_list("name", flat=True)) == ["认识"]


def test_section_to_block_without_title_shows_the_error(logged_in, speech):
    section = speech.sections.first()
    response = logged_in.post(
        reverse("drafting:section_to_block", args=[speech.pk, section.pk]), {"role": "part", "body": ""}
    )
    assert response.status_code == 200 and "这个字段是必填项" in response.content.decode()
    assert not Block.objects.exists()


def test_section_of_another_speech_is_404(logged_in, speech, colleague):
    foreign = make_speech(colleague).sections.first()
    assert (
        logged_in.get(reverse("drafting:section_to_block", args=[speech.pk, foreign.pk])).status_code == 404
    )


# --- 历史版本 ---------------------------------------------------------------------------------------


@pytest.fixture
def edited(logged_in, speech):
    payload = save_payload(speech)
    sections = json.loads(payload["sections"])
    sections[1]["body"] = "经过大家的共同努力，我们顺利完成了集中培训任务。"
    payload["sections"] = json.dumps(sections, ensure_ascii=False)
    assert logged_in.post(reverse("drafting:save", args=[speech.pk]), payload).status_code == 200
    return speech


def test_history_lists_revisions_and_shows_the_last_change(logged_in, edited):
    html = logged_in.get(reverse("drafting:history", args=[edited.pk])).content.decode()
    assert html.count('class="revision-row') == 2 and "王秘书" in html
    assert "<del>圆满完成</del><ins>顺利完成</ins>" in plain(html)


def test_history_diff_between_chosen_revisions_as_fragment(logged_in, edited):
    url = reverse("drafting:history", args=[edited.pk])
    to_diff = {**HTMX, "HX-Target": "diff"}
    response = logged_in.get(url, {"a": 2, "b": 1}, headers=to_diff)
    html = response.content.decode()
    assert is_fragment(response) and "<ins>圆满完成</ins>" in plain(html) and "revision-row" not in html
    assert response["Vary"] == "HX-Request" or "HX-Request" in response["Vary"]
    assert "请选择两个存在的版本" in logged_in.get(url, {"a": 1, "b": 99}, headers=to_diff).content.decode()
    bad = logged_in.get(url, {"a": "x", "b": 1}, headers=to_diff)
    assert bad.status_code == 400 and "正整数" in bad.content.decode()


def test_history_compares_two_ticked_rows(logged_in, edited):
    url = reverse("drafting:history", args=[edited.pk])
    html = logged_in.get(url, {"rev": ["2", "1"]}, headers={**HTMX, "HX-Target": "diff"}).content.decode()
    assert "第 1 版 → 第 2 版" in html and "<ins>顺利完成</ins>" in plain(html)
    one = logged_in.get(url, {"rev": ["2"]}, headers={**HTMX, "HX-Target": "diff"})
    assert one.status_code == 400 and "请勾选两个版本" in one.content.decode()


@pytest.mark.parametrize("absurd", ["99999999999999999999999", "-1", "1e9", "\x00", "二"])
def test_an_absurd_version_number_in_the_diff_url_is_a_400_not_a_500(logged_in, edited, absurd):
    response = logged_in.get(reverse("drafting:history", args=[edited.pk]), {"a": absurd, "b": 1})
    assert response.status_code == 400 and "历史版本" in response.content.decode()


def test_history_pages_through_many_revisions(logged_in, speech, drafter):
    from speechdraft.drafting.services import speech_data, speech_save

    for version in range(1, 56):
        speech_save(speech=speech, user=drafter, base_version=version, data=speech_data(speech))
    url = reverse("drafting:history", args=[speech.pk])
    first = logged_in.get(url).content.decode()
    assert first.count('class="revision-row') == 50 and "第 56 版" in first and "较早的版本" in first
    older = logged_in.get(url, {"page": 2}, headers={**HTMX, "HX-Target": "revision-table"})
    html = older.content.decode()
    assert (
        is_fragment(older)
        and html.count('class="revision-row') == 6
        and "第 1 版" in html
        and "<ins>" not in html
    )


def test_revision_detail_and_restore(logged_in, edited):
    url = reverse("drafting:revision", args=[edited.pk, 1])
    html = logged_in.get(url).content.decode()
    assert "恢复此版本" in html and "圆满完成" in html
    assert logged_in.get(reverse("drafting:revision", args=[edited.pk, 9])).status_code == 404
    response = logged_in.post(reverse("drafting:revision_restore", args=[edited.pk, 1]))
    assert response["Location"] == edited.get_absolute_url()
    assert "圆满完成" in Speech.objects.get(pk=edited.pk).as_text()
    assert Revision.objects.filter(speech=edited).count() == 3


def test_naming_a_revision(logged_in, edited):
    url = reverse("drafting:revision_name", args=[edited.pk, 2])
    response = logged_in.post(url, {"name": "送审稿"}, headers=HTMX)
    assert (
        is_fragment(response) and "送审稿" in response.content.decode() and "<tr" in response.content.decode()
    )
    assert Revision.objects.get(speech=edited, number=2).name == "送审稿"
    too_long = logged_in.post(url, {"name": "长" * 61}, headers=HTMX)
    assert too_long.status_code == 400 and "版本名称最多 60 个字" in too_long.content.decode()
    assert logged_in.post(url, {"name": ""})["Location"] == reverse("drafting:history", args=[edited.pk])
    assert Revision.objects.get(speech=edited, number=2).name == ""


def test_placeholder_panel_lists_every_occurrence_with_context_and_a_rebind_choice(logged_in, drafter):
    sections = make_sections()
    sections[1]["body"] = "刚才，**同志通报了情况。推动**人大工作的与时俱进。"
    speech = make_speech(drafter, sections=sections)
    html = logged_in.get(reverse("drafting:placeholders", args=[speech.pk]), headers=HTMX).content.decode()
    assert html.count('class="sd-ph-occurrence') == 3  # 人名, 区名 here and the factory's ×区
    assert "刚才，**同志通报了情况" in html and 'data-field="body"' in html
    assert (
        'class="form-select form-select-sm w-auto sd-ph-rebind"' in html and '<option value="地点">' in html
    )


@pytest.mark.parametrize("name", ["drafting:list", "drafting:new"])
def test_page_or_fragment_views_answer_a_history_restore_with_the_whole_page(logged_in, name):
    url = reverse(name)
    params = {"template": "blank"} if name == "drafting:new" else {"q": "讲话"}
    fragment = logged_in.get(url, params, headers=HTMX)
    restore = logged_in.get(url, params, headers={**HTMX, "HX-History-Restore-Request": "true"})
    assert is_fragment(fragment) and not is_fragment(restore)
    assert "HX-Request" in fragment["Vary"] and "HX-Request" in restore["Vary"]
