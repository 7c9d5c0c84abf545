import json
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from speechdraft.library.forms import BlockForm
from speechdraft.library.models import Block, Role, SpeechTemplate
from speechdraft.library.recommend import RecommendIndexPending, recommend
from speechdraft.pages import from_script, login_required_json, render_page
from speechdraft.text.diff import word_diff
from speechdraft.text.genre import SENTENCE_END_CHARS
from speechdraft.text.placeholders import COMMON_KEYS
from speechdraft.text.printing import (
    PrintedSpeech,
    part_markers,
    placeholder_occurrences,
    placeholder_uses,
    speaking_time,
)

from . import services
from .forms import (
    HEADING_MAX,
    BlockPanelFilterForm,
    DiffForm,
    NewSpeechForm,
    RevisionNameForm,
    ShareForm,
    SpeechMetaForm,
    SpeechSaveForm,
    SpeechSearchForm,
)
from .models import TRASH_DAYS, Revision, Speech, SpeechSection, SpeechShare, display_name, section_key
from .services import get_speech_for

BLOCK_PANEL_SIZE = 20
REVISIONS_PER_PAGE = 50
# Markers handed to the browser so that a drag renumbers before the save returns; a speech with more
# parts than this still renumbers, from the save's answer.
BROWSER_MARKERS = 60
BROWSER_MARKER_JSON = {
    style: json.dumps(part_markers(BROWSER_MARKERS, style), ensure_ascii=False) for style in ("yi", "di")
}


def _count_label(chars: int) -> str:
    # The one word count of the app (text.counting): letters and digits, punctuation not counted.
    return f"{chars}字 · {speaking_time(chars, settings.SPEECHDRAFT_CHARS_PER_MINUTE)}"


def _total_label(chars: int) -> str:
    """The speech's total says what it counts, so it reads the same as 查重's 总字数 and 规范检查's."""
    return f"{chars}字（不含标点） · {speaking_time(chars, settings.SPEECHDRAFT_CHARS_PER_MINUTE)}"


# --- 我的讲话稿 ------------------------------------------------------------------------------------


@require_GET
def speech_list(request):
    form = SpeechSearchForm(request.GET or None)
    speeches = form.filter(
        Speech.objects.alive().accessible_to(request.user).select_related("owner").with_chars()
    )
    page = Paginator(speeches, 30).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "trash_count": Speech.objects.in_trash().filter(owner=request.user).count(),
    }
    return render_page(request, "drafting/speech_list.html", context, fragments={None: "speech-results"})


@require_GET
def trash_list(request):
    speeches = Speech.objects.in_trash().filter(owner=request.user).order_by("-deleted_at")
    rows = [(s, s.deleted_at + timedelta(days=TRASH_DAYS)) for s in speeches]
    return render(request, "drafting/trash.html", {"rows": rows, "trash_days": TRASH_DAYS})


@require_http_methods(["GET", "POST"])
def speech_new(request):
    choice = request.POST.get("template") or request.GET.get("template")
    template = None
    if choice and choice != "blank":
        if not choice.isdigit():
            raise Http404("没有找到这个模板。")
        template = get_object_or_404(SpeechTemplate.objects.active(), pk=int(choice))
    uses = services.template_placeholders(template) if template else []
    initial = {"title": f"在{template.kind}上的讲话" if template else "", "date": timezone.localdate()}
    form = NewSpeechForm(request.POST or None, placeholders=uses, initial=initial) if choice else None
    if request.method == "POST":
        if form is None:
            return redirect("drafting:new")
        if form.is_valid():
            speech = services.speech_create(user=request.user, template=template, data=form.cleaned_data)
            messages.success(request, "讲话稿已创建，修改会自动保存。")
            return redirect(speech)
    context = {
        "templates": SpeechTemplate.objects.active().prefetch_related("slots"),
        "template": template,
        "choice": choice,
        "form": form,
    }
    fragments = {None: "new-form"} if form is not None else None
    return render_page(request, "drafting/speech_new.html", context, fragments=fragments)


@require_POST
def speech_duplicate_view(request, pk):
    # A 可查看 share lets a colleague read the text, not take a copy of it as their own.
    speech = get_speech_for(request.user, pk, write=True)
    copy = services.speech_duplicate(speech=speech, user=request.user)
    messages.success(request, f"已复制为《{copy.title}》。")
    return redirect(copy)


@require_http_methods(["GET", "POST"])
def speech_delete(request, pk):
    speech = get_speech_for(request.user, pk, owner=True)
    if request.method == "POST":
        services.speech_trash(speech=speech)
        messages.success(request, f"《{speech.title}》已移到回收站，{TRASH_DAYS} 天内可以恢复。")
        return redirect("drafting:list")
    return render(request, "drafting/speech_delete.html", {"speech": speech, "trash_days": TRASH_DAYS})


@require_POST
def speech_untrash_view(request, pk):
    speech = get_speech_for(request.user, pk, owner=True, trash=True)
    services.speech_untrash(speech=speech)
    messages.success(request, f"《{speech.title}》已恢复。")
    return redirect("drafting:trash")


@require_http_methods(["GET", "POST"])
def speech_share(request, pk):
    speech = get_speech_for(request.user, pk, owner=True)
    form = ShareForm(request.POST or None, speech=speech)
    if request.method == "POST" and form.is_valid():
        colleague, can_edit = form.cleaned_data["user"], form.cleaned_data["can_edit"]
        SpeechShare.objects.update_or_create(speech=speech, user=colleague, defaults={"can_edit": can_edit})
        name = display_name(colleague)
        messages.success(request, f"已共享给{name}（{'可编辑' if can_edit else '可查看'}）。")
        return redirect("drafting:share", pk=speech.pk)
    shares = speech.shares.select_related("user").order_by("user__username")
    return render(request, "drafting/share.html", {"speech": speech, "form": form, "shares": shares})


@require_POST
def share_remove(request, pk, share_pk):
    speech = get_speech_for(request.user, pk, owner=True)
    share = get_object_or_404(SpeechShare.objects.select_related("user"), pk=share_pk, speech=speech)
    share.delete()
    messages.success(request, f"已取消与{display_name(share.user)}的共享。")
    return redirect("drafting:share", pk=speech.pk)


# --- the editor -----------------------------------------------------------------------------------


def _role_options(selected: str) -> str:
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((v, " selected" if v == selected else "", label) for v, label in Role.choices),
    )


# The role <select> of a section card, one per role, built once: a loop of template tags per card was
# a fifth of the editor's render time on a 60-section speech.
ROLE_OPTIONS = {role: _role_options(role) for role in Role.values}


def section_row(
    *,
    key: str,
    id: int | None,
    role: str,
    heading: str,
    body: str,
    guidance: str = "",
    source_block: Block | None = None,
    source_url: str = "",
    marker: str = "",
    count: str = "",
    to_block_url: str = "",
) -> dict:
    """What the editor shows of a section, saved or just inserted (``id`` None until saved).

    A plain dict with every value computed up front: the template engine finds dict keys on its first
    try, where attributes and properties cost it a failed subscript each — a third of the render
    time of a 60-section speech.
    """
    label = Role(role).label
    return {
        "key": key,
        "id": id,
        "role": role,
        "role_label": label,
        "role_options": ROLE_OPTIONS[role],
        "outline_label": (heading or "（未命名部分）") if role == Role.PART else label,
        "heading": heading,
        "body": body,
        "guidance": guidance,
        "source_id": source_block.pk if source_block else None,
        "source_title": source_block.title if source_block else "",
        "source_url": source_url,
        "marker": marker,
        "count": count,
        "to_block_url": to_block_url,
    }


def _section_rows(speech: Speech, sections, printed: PrintedSpeech) -> list[dict]:
    by_key = {p.key: p for p in printed.sections}
    # One reverse() each for all rows: the URLs differ only by an id.
    to_block = reverse("drafting:section_to_block", args=[speech.pk, 0])
    block_url = reverse("library:block", args=[0])
    return [
        section_row(
            key=section_key(s.pk),
            id=s.pk,
            role=s.role,
            heading=s.heading,
            body=s.body,
            guidance=s.guidance,
            source_block=s.source_block,
            source_url=block_url.replace("/0/", f"/{s.source_block_id}/") if s.source_block_id else "",
            marker=by_key[s.pk].marker,
            count=_count_label(by_key[s.pk].chars),
            to_block_url=to_block.replace("/0/", f"/{s.pk}/"),
        )
        for s in sections
    ]


def _placeholder_rows(speech: Speech, printed: PrintedSpeech):
    """Each key with its value and every occurrence bound to it (section, context, rule), so the
    panel can show where a value will go and rebind an occurrence that was bound wrongly."""
    values = speech.placeholder_values or {}
    occurrences: dict[str, list] = {}
    for occurrence in placeholder_occurrences(s.as_data() for s in speech.sections.all()):
        occurrences.setdefault(occurrence.key, []).append(occurrence)
    return [
        (use, values.get(use.key, ""), [(o, section_key(o.section)) for o in occurrences.get(use.key, [])])
        for use in placeholder_uses(printed)
    ]


@require_GET
def editor(request, pk):
    speech = get_speech_for(request.user, pk)
    sections = list(speech.sections.select_related("source_block").defer("source_block__body"))
    # Printing reads the list just loaded: no query per section.
    speech._prefetched_objects_cache = {"sections": sections}
    printed = speech.printed()
    can_edit = speech.can_edit(request.user)
    placeholder_rows = _placeholder_rows(speech, printed)
    context = {
        "speech": speech,
        "can_edit": can_edit,
        "rows": _section_rows(speech, sections, printed),
        "printed": printed,
        "placeholder_rows": placeholder_rows,
        "rebind_keys": COMMON_KEYS,
        "unfilled_count": sum(1 for _, value, _ in placeholder_rows if not value),
        "total_label": _total_label(printed.chars),
        "cpm": settings.SPEECHDRAFT_CHARS_PER_MINUTE,
        "roles": Role.choices,
        "markers": BROWSER_MARKER_JSON,
        "meta_form": SpeechMetaForm(instance=speech, read_only=not can_edit),
        "login_url": settings.LOGIN_URL,
        "heading_max": HEADING_MAX,
    }
    return render(request, "drafting/editor.html", context)


@login_required_json
@require_POST
def speech_save_view(request, pk):
    """The editor's autosave: JSON in both directions.

    When the speech moved on since the editor's base version the save is merged section by section;
    the answer then carries the stored sections so the editor shows the other person's changes. Only
    a section changed on both sides is a 409, listing those sections.
    """
    speech = get_speech_for(request.user, pk, write=True)
    form = SpeechSaveForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": form.first_error()}, status=400)
    data = dict(form.cleaned_data)
    base_version = data.pop("base_version")
    kind = Revision.Kind.SAVE if data.pop("explicit") else Revision.Kind.AUTOSAVE
    resolutions = data.pop("resolutions")
    outcome = services.speech_save(
        speech=speech,
        user=request.user,
        base_version=base_version,
        data=data,
        kind=kind,
        resolutions=resolutions,
    )
    printed = outcome.printed
    if outcome.conflict:
        return JsonResponse(
            {
                "error": "conflict",
                "version": outcome.speech.version,
                "conflicts": [
                    {"key": c.key, "label": c.label, "mine": c.mine, "theirs": c.theirs}
                    for c in outcome.conflicts
                ],
                "html": _conflict_html(request, outcome),
            },
            status=409,
        )
    answer = {
        "version": outcome.speech.version,
        "revision": outcome.revision.number,
        "saved_at": timezone.localtime(outcome.revision.created_at).strftime("%H:%M:%S"),
        "ids": outcome.section_ids,
        "markers": {s.key: s.marker for s in printed.sections},
        "counts": {s.key: _count_label(s.chars) for s in printed.sections},
        "total": _total_label(printed.chars),
        "placeholders": [use.key for use in placeholder_uses(printed)],
        "merged": outcome.merged,
    }
    if outcome.merged:
        answer.update(_merged_answer(request, outcome, sent={s["key"] for s in data["sections"]}))
    return JsonResponse(answer)


@login_required_json
@require_GET
def session_status(request):
    """Who is logged in, with a CSRF token for them: the editor asks after a re-login, because the
    token rotates on login and the pending save must carry the new one."""
    return JsonResponse(
        {"user": request.user.pk, "name": display_name(request.user), "csrf": get_token(request)}
    )


def _merged_answer(request, outcome, *, sent: set[str]) -> dict:
    """What the editor needs to show a merged save: the stored fields and sections, in order, with
    the card of every section it does not have yet (the other person's new sections)."""
    speech = outcome.speech
    block_ids = {s["source_block"] for s in outcome.sections if s["key"] not in sent and s["source_block"]}
    blocks = Block.objects.in_bulk(block_ids) if block_ids else {}
    sections = []
    for s in outcome.sections:
        item = {k: s[k] for k in ("key", "id", "role", "heading", "body")}
        if s["key"] not in sent:
            block = blocks.get(s["source_block"])
            row = section_row(
                key=s["key"],
                id=s["id"],
                role=s["role"],
                heading=s["heading"],
                body=s["body"],
                guidance=s.get("guidance", ""),
                source_block=block,
                source_url=block.get_absolute_url() if block else "",
                count=_count_label(0),
                to_block_url=reverse("drafting:section_to_block", args=[speech.pk, s["id"]]),
            )
            item["html"] = render_to_string(
                "drafting/editor.html#new-section",
                {"row": row, "can_edit": True, "heading_max": HEADING_MAX},
                request=request,
            )
        sections.append(item)
    fields = {name: getattr(speech, name) for name in ("title", "speaker", "occasion", "place", "status")}
    fields.update(
        date=speech.date.isoformat() if speech.date else "",
        numbering=speech.numbering,
        run_in_headings=speech.run_in_headings,
    )
    return {"sections": sections, "fields": fields, "placeholder_values": speech.placeholder_values}


def _conflict_html(request, outcome) -> str:
    current = outcome.speech
    last = (
        Revision.objects.stored()
        .filter(speech=current)
        .select_related("author")
        .defer("snapshot")
        .order_by("-number")
        .first()
    )
    conflicts = [(c, word_diff(c.theirs or "", c.mine or "")) for c in outcome.conflicts]
    return render_to_string(
        "drafting/editor.html#conflict",
        {"speech": current, "last": last, "refused": outcome.revision, "conflicts": conflicts},
        request=request,
    )


@login_required_json
@require_GET
def preview(request, pk):
    speech = get_speech_for(request.user, pk)
    printed = speech.printed()
    context = {
        "speech": speech,
        "printed": printed,
        "total_label": _total_label(printed.chars),
        "cpm": settings.SPEECHDRAFT_CHARS_PER_MINUTE,
    }
    return render_page(
        request, "drafting/preview_page.html", context, fragments={None: "drafting/editor.html#preview"}
    )


@login_required_json
@require_GET
def placeholders(request, pk):
    speech = get_speech_for(request.user, pk)
    context = {
        "speech": speech,
        "can_edit": speech.can_edit(request.user),
        "placeholder_rows": _placeholder_rows(speech, speech.printed()),
        "rebind_keys": COMMON_KEYS,
    }
    return render_page(
        request,
        "drafting/placeholders_page.html",
        context,
        fragments={None: "drafting/editor.html#placeholders"},
    )


@login_required_json
@require_GET
def block_panel(request, pk):
    """段落素材库 beside the editor: the library's own search, with 插入 buttons."""
    speech = get_speech_for(request.user, pk)
    form = BlockPanelFilterForm(request.GET or None)
    blocks = form.filter(Block.objects.select_related("category"))
    page = Paginator(blocks, BLOCK_PANEL_SIZE).get_page(request.GET.get("page"))
    context = {"speech": speech, "form": form, "page": page, "can_edit": speech.can_edit(request.user)}
    return render_page(
        request,
        "drafting/block_panel.html",
        context,
        fragments={"block-results": "block-results", None: "block-panel"},
    )


@login_required_json
@require_POST
def section_new(request, pk):
    """A new section (blank, or holding a block) for the editor to place; counts the block's use.

    The editor asks for JSON and gets the new card's HTML to place; without JavaScript the section
    is appended and saved at once, so the button still works.
    """
    speech = get_speech_for(request.user, pk, write=True)
    role = request.POST.get("role") or Role.PART
    block = None
    if request.POST.get("block"):
        if not request.POST["block"].isdigit():
            raise Http404("没有找到这条素材。")
        block = get_object_or_404(Block, pk=int(request.POST["block"]))
        section = services.section_from_block(block)
    elif role in Role.values:
        section = {"role": role, "heading": "", "body": "", "source_block": None}
    else:
        return JsonResponse({"error": "不认识的段落位置，请刷新页面后重试。"}, status=400)
    if block is not None:
        block.record_use()
    if from_script(request):
        row = section_row(
            key=f"n{uuid.uuid4().hex[:12]}",
            id=None,
            role=section["role"],
            heading=section["heading"],
            body=section["body"],
            source_block=block,
            source_url=block.get_absolute_url() if block else "",
            count=_count_label(0),
        )
        html = render_to_string(
            "drafting/editor.html#new-section",
            {"row": row, "can_edit": True, "heading_max": HEADING_MAX},
            request=request,
        )
        return JsonResponse({"html": html})
    data = services.speech_data(speech)
    data["sections"].append(section)
    outcome = services.speech_save(speech=speech, user=request.user, base_version=speech.version, data=data)
    if outcome.conflict:
        messages.error(request, "讲话稿刚被别人修改过，段落没有添加，请重试。")
    return redirect(speech)


@require_http_methods(["GET", "POST"])
def section_to_block(request, pk, section_pk):
    """存为素材: whoever may edit the speech may add a section to the shared library; it records who made
    it. A 可查看 share is not enough: it would copy the owner's text into the library."""
    speech = get_speech_for(request.user, pk, write=True)
    section = get_object_or_404(SpeechSection, pk=section_pk, speech=speech)
    printed = speech.printed()
    span = next(s for s in printed.sections if s.key == section.pk)
    initial = {
        "title": section.heading.rstrip(SENTENCE_END_CHARS)
        or printed.text[span.start : span.end][:30]
        or section.get_role_display(),
        "role": section.role,
        "body": printed.text[span.start : span.end],
    }
    form = BlockForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        block = form.save(commit=False)
        block.created_by = request.user
        block.save()
        form.save_tags(block)
        messages.success(request, f"已存为素材“{block.title}”，其他同事也可以在段落素材库中找到它。")
        return redirect(block)
    return render(
        request, "drafting/section_to_block.html", {"speech": speech, "section": section, "form": form}
    )


# --- 历史版本 ---------------------------------------------------------------------------------------


def _diff_context(speech: Speech, a: int | None, b: int | None) -> dict:
    numbers = [n for n in (a, b) if n]
    found = {r.number: r for r in Revision.objects.filter(speech=speech, number__in=numbers)}
    old, new = found.get(a), found.get(b)
    if old is None or new is None:
        return {"diff_error": "请选择两个存在的版本进行比较。", "a": a, "b": b}
    return {
        "old": old,
        "new": new,
        "pieces": word_diff(old.as_text(), new.as_text()),
        "a": a,
        "b": b,
    }


@require_GET
def history(request, pk):
    speech = get_speech_for(request.user, pk)
    # Autosaves of a writing session share one revision; the table pages through the rest and two
    # ticked rows (or two numbers) pick what to compare.
    revisions = speech.revisions.select_related("author").defer("snapshot").order_by("-number")
    page = Paginator(revisions, REVISIONS_PER_PAGE).get_page(request.GET.get("page"))
    asked = any(name in request.GET for name in ("a", "b", "rev"))
    form = DiffForm(request.GET if asked else None)
    status = 200
    if form.is_bound and form.is_valid():
        diff = _diff_context(speech, form.cleaned_data["a"], form.cleaned_data["b"])
    elif form.is_bound:
        # A malformed comparison (letters, a number no database column holds) is the client's error.
        status = 400
        diff = {"diff_error": form.errors.get("__all__", ["请选择两个存在的版本进行比较。"])[0]}
        if form.errors.keys() - {"__all__"}:
            diff["diff_error"] = "版本号必须是正整数，请重新选择要比较的两个版本。"
    else:
        # By default: what the latest save changed.
        latest = list(revisions.values_list("number", flat=True)[:2])
        diff = _diff_context(speech, latest[-1] if latest else None, latest[0] if latest else None)
    context = {"speech": speech, "can_edit": speech.can_edit(request.user), "page": page, **diff}
    return render_page(
        request,
        "drafting/history.html",
        context,
        fragments={"diff": "diff", None: "revision-table"},
        status=status,
    )


@require_GET
def revision_detail(request, pk, number):
    speech = get_speech_for(request.user, pk)
    revision = get_object_or_404(Revision.objects.select_related("author"), speech=speech, number=number)
    printed = revision.printed()
    return render(
        request,
        "drafting/revision_detail.html",
        {
            "speech": speech,
            "revision": revision,
            "printed": printed,
            "total_label": _total_label(printed.chars),
            "cpm": settings.SPEECHDRAFT_CHARS_PER_MINUTE,
            "can_edit": speech.can_edit(request.user),
        },
    )


@require_POST
def revision_restore_view(request, pk, number):
    speech = get_speech_for(request.user, pk, write=True)
    revision = get_object_or_404(Revision, speech=speech, number=number)
    outcome = services.revision_restore(speech=speech, revision=revision, user=request.user)
    if outcome.conflict:
        messages.error(request, "恢复时讲话稿正好被别人保存，没有恢复，请再试一次。")
        return redirect("drafting:revision", pk=speech.pk, number=number)
    messages.success(
        request,
        f"已恢复第{revision.number}版的内容，另存为第{outcome.revision.number}版；之前的版本都保留在历史版本中。",
    )
    return redirect(speech)


@require_POST
def revision_name(request, pk, number):
    speech = get_speech_for(request.user, pk, write=True)
    revision = get_object_or_404(
        Revision.objects.select_related("author").defer("snapshot"), speech=speech, number=number
    )
    form = RevisionNameForm(request.POST)
    if form.is_valid():
        revision.name = form.cleaned_data["name"]
        Revision.objects.filter(pk=revision.pk).update(name=revision.name)
    elif not request.htmx:
        messages.error(request, form.errors["name"][0])
    if request.htmx:
        context = {"speech": speech, "r": revision, "can_edit": True, "name_error": form.errors.get("name")}
        return render(
            request, "drafting/history.html#revision-row", context, status=200 if form.is_valid() else 400
        )
    return redirect(reverse("drafting:history", args=[speech.pk]))


@require_GET
def recommend_panel(request, pk):
    """素材推荐 for the section that has focus: the editor sends what is on screen (it may be unsaved).

    The slot's 写作提示 and 参考范文 come from the stored section; the ranking from
    ``library.recommend`` over blocks and corpus paragraphs.
    """
    speech = get_speech_for(request.user, pk)
    sections = list(speech.sections.all())
    section_id = request.GET.get("section", "")
    section = next((s for s in sections if section_id.isdigit() and s.pk == int(section_id)), None)
    heading = request.GET.get("heading", "")[:300]
    body = request.GET.get("body", "")[:5000]
    guidance = section.guidance if section else ""
    pending = False
    try:
        suggestions = recommend(
            heading=heading or (section.heading if section else ""),
            guidance=guidance,
            text=body or (section.body if section else ""),
            speech_text=speech.as_text(),
            used_blocks={s.source_block_id for s in sections if s.source_block_id},
        )
    except RecommendIndexPending:
        suggestions, pending = [], True
    example = _slot_example(speech, section)
    context = {
        "speech": speech,
        "suggestions": suggestions,
        "pending": pending,
        "section": section,
        "guidance": guidance,
        "example": example,
        "can_edit": speech.can_edit(request.user),
    }
    return render_page(
        request, "drafting/recommend_panel.html", context, fragments={None: "recommend-results"}
    )


def _slot_example(speech, section) -> list[str]:
    """参考范文 of the template slot a section came from, by role and position among its role."""
    if section is None or speech.template_id is None:
        return []
    same_role = [s.pk for s in speech.sections.all() if s.role == section.role]
    slots = [s for s in speech.template.slots.all() if s.role == section.role]
    index = same_role.index(section.pk) if section.pk in same_role else 0
    return slots[index].example_paragraphs if index < len(slots) else []
