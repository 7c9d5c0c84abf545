from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from speechdraft.pages import render_page
from speechdraft.roles import is_manager, manager_required
from speechdraft.text.excerpts import around
from speechdraft.text.placeholders import facts_to_placeholders, find_source_facts

from .forms import (
    BlockFilterForm,
    BlockForm,
    ImportForm,
    TemplateForm,
    TemplateFromDocumentForm,
    TemplateSlotFormSet,
)
from .models import Block, CorpusDocument, Role, SpeechTemplate
from .search import search_terms
from .services import corpus_import_uploads, template_create_from_document

# A parsed document's segments use the section roles plus its title line; the labels are Role's own.
ROLE_LABELS = {"title": "标题", **dict(Role.choices)}


def document_list(request):
    documents = (
        CorpusDocument.objects.select_related("imported_by")
        .defer("text")
        .annotate(n_blocks=Count("blocks"))
        # Meta.ordering is dropped from GROUP BY queries: without this, pages could repeat documents.
        .order_by("-imported_at", "-id")
    )
    q = request.GET.get("q", "").strip()
    if q:
        documents = documents.filter(title__icontains=q)
    page = Paginator(documents, 50).get_page(request.GET.get("page"))
    return render(request, "library/document_list.html", {"page": page, "q": q})


def document_detail(request, pk):
    document = get_object_or_404(CorpusDocument, pk=pk)
    segments = [
        {
            **seg,
            "label": ROLE_LABELS.get(seg["role"], seg["role"]),
            "text": document.text[seg["start"] : seg["end"]],
        }
        for seg in document.segments
    ]
    return render(
        request,
        "library/document_detail.html",
        {
            "document": document,
            "segments": segments,
            "blocks": document.blocks.select_related("category"),
        },
    )


@manager_required
@require_http_methods(["GET", "POST"])
def corpus_import(request):
    """One view for the page and for each file the page uploads on its own (the htmx fragment).

    The browser sends files one per request so that a long batch shows progress and one broken file
    cannot take the others down with it; without JavaScript the form posts them all at once.
    """
    outcomes = []
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            outcomes = corpus_import_uploads(uploads=form.cleaned_data["files"], user=request.user)
        elif request.htmx:
            return render(request, "library/import.html#result-error", {"form": form}, status=400)
        if request.htmx:
            return render(request, "library/import.html#result-rows", {"outcomes": outcomes})
    else:
        form = ImportForm()
    context = {"form": form, "outcomes": outcomes, "max_upload_bytes": settings.SPEECHDRAFT_MAX_UPLOAD_BYTES}
    return render(request, "library/import.html", context)


def template_list(request):
    templates = SpeechTemplate.objects.active().prefetch_related("slots")
    return render(request, "library/template_list.html", {"templates": templates})


def _with_facts(text: str) -> list[dict]:
    """The example text cut into plain pieces and flagged facts, for the page to mark them."""
    pieces, pos = [], 0
    for fact in find_source_facts(text):
        if fact.start > pos:
            pieces.append({"text": text[pos : fact.start]})
        pieces.append({"text": fact.text, "fact": fact})
        pos = fact.end
    if pos < len(text):
        pieces.append({"text": text[pos:]})
    return pieces


def template_detail(request, pk):
    template = get_object_or_404(SpeechTemplate, pk=pk)
    slots = [
        {
            "slot": slot,
            "pieces": _with_facts(slot.example_text),
            "facts": find_source_facts(slot.example_text),
        }
        for slot in template.slots.select_related("suggested_block", "suggested_category")
    ]
    return render(request, "library/template_detail.html", {"template": template, "slots": slots})


@manager_required
@require_http_methods(["GET", "POST"])
def template_from_document(request, pk):
    """A 管理员 makes a template from any corpus document; the parser gives the parts."""
    document = get_object_or_404(CorpusDocument, pk=pk)
    form = TemplateFromDocumentForm(request.POST or None, initial={"name": document.title[:80]})
    if request.method == "POST" and form.is_valid():
        template = template_create_from_document(
            document=document, name=form.cleaned_data["name"], kind=form.cleaned_data["kind"]
        )
        messages.success(request, "模板已生成。请检查各部分的写作提示，并处理标出的来源事实。")
        return redirect("library:template_edit", pk=template.pk)
    return render(request, "library/template_from_document.html", {"form": form, "document": document})


@manager_required
@require_http_methods(["GET", "POST"])
def template_edit(request, pk):
    template = get_object_or_404(SpeechTemplate, pk=pk)
    form = TemplateForm(request.POST or None, instance=template)
    slots = TemplateSlotFormSet(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid() and slots.is_valid():
        with transaction.atomic():
            saved = form.save(commit=False)
            saved.version = template.version + 1
            saved.save()
            slots.save()
        messages.success(request, "模板已保存。")
        return redirect(saved)
    # Each part's example with the source's facts listed under it, as the detail page marks them.
    rows = [(f, find_source_facts(f.instance.example_text or "")) for f in slots.forms]
    return render(
        request,
        "library/template_form.html",
        {"form": form, "slots": slots, "rows": rows, "template": template},
    )


@manager_required
@require_http_methods(["POST"])
def template_facts_to_placeholders(request, pk):
    """Turn the flagged facts that have a kind (dates, counts, 届次 …) into typed placeholders."""
    template = get_object_or_404(SpeechTemplate, pk=pk)
    total = 0
    with transaction.atomic():
        for slot in template.slots.all():
            converted, count = facts_to_placeholders(slot.example_text)
            if count:
                slot.example_text = converted
                slot.save(update_fields=["example_text"])
                total += count
    messages.success(request, f"已把 {total} 处来源事实改为占位符；具名活动和过时表述请逐一修改。")
    return redirect(template)


def block_list(request):
    form = BlockFilterForm(request.GET or None)
    blocks = form.filter(Block.objects.select_related("category", "source_document").prefetch_related("tags"))
    page = Paginator(blocks, 30).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "terms": _terms(form)}
    return render_page(request, "library/block_list.html", context, fragments={None: "block-results"})


def _terms(form) -> list[str]:

    return search_terms(form.cleaned_data["q"]) if form.is_valid() and form.cleaned_data["q"] else []


def block_detail(request, pk):
    block = get_object_or_404(
        Block.objects.select_related("category", "source_document", "created_by"), pk=pk
    )
    source = block.source_document
    context = {"material": block}
    if source is not None and block.source_start is not None:
        before, after = around(source.text, block.source_start, block.source_end, 120)
        context.update(before=before, excerpt=block.source_excerpt, after=after)
    return render(request, "library/block_detail.html", context)


@require_http_methods(["GET", "POST"])
def block_edit(request, pk=None):
    block = get_object_or_404(Block, pk=pk) if pk else None
    if block is not None and not is_manager(request.user):
        # The shared library is curated by 管理员; everyone else adds, never rewrites others' blocks.
        return redirect(block)
    form = BlockForm(
        request.POST or None,
        instance=block,
        initial={"tag_names": " ".join(block.tags.values_list("name", flat=True))} if block else None,
    )
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        if block is None:
            saved.created_by = request.user
        saved.save()
        form.save_tags(saved)
        messages.success(request, "素材已保存。")
        return redirect(saved)
    return render(request, "library/block_form.html", {"form": form, "material": block})


@manager_required
@require_http_methods(["POST"])
def block_delete(request, pk):
    block = get_object_or_404(Block, pk=pk)
    block.delete()
    messages.success(request, f"已删除素材“{block.title}”。")
    return redirect("library:blocks")
