from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from speechdraft.drafting.models import Speech
from speechdraft.drafting.services import get_speech_for

from . import services
from .forms import CommentForm, DecisionForm, NoteForm, ReplyForm, SendForm, UploadForm
from .models import Comment, ReviewUpload
from .panel import panel_context
from .roundtrip import ReviewFileError, import_comments, review_apply, review_import


def _error_text(exc) -> str:
    return " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


def _back(speech):
    return redirect(speech.get_absolute_url())


def _panel(request, speech, **extra):
    return render(request, "review/panel.html", panel_context(request, speech, **extra))


@require_GET
def panel(request, speech_pk):
    return _panel(request, get_speech_for(request.user, speech_pk))


@require_GET
def inbox(request):
    return render(request, "review/inbox.html", {"assignments": services.pending_reviews(request.user)})


@require_POST
def send(request, speech_pk):
    speech = get_speech_for(request.user, speech_pk, owner=True)
    form = SendForm(request.POST, reviewers=services.reviewer_choices(speech))
    if not form.is_valid():
        messages.error(request, "送审失败：请至少选择一位审核人。")
        return _back(speech)
    try:
        services.review_send(
            speech=speech,
            user=request.user,
            reviewers=list(form.cleaned_data["reviewers"]),
            note=form.cleaned_data["note"],
            may_edit=form.cleaned_data["may_edit"],
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, f"送审失败：{_error_text(exc)}")
    else:
        messages.success(request, "已送审，审核人会在“待我审核”中看到这篇讲话稿。")
    return _back(speech)


@require_POST
def decide(request, speech_pk):
    speech = get_speech_for(request.user, speech_pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择退回修改或审核通过。")
        return _back(speech)
    approve = form.cleaned_data["action"] == "approve"
    try:
        services.review_decide(
            speech=speech, user=request.user, approve=approve, note=form.cleaned_data["note"]
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
        return _back(speech)
    messages.success(request, "已审核通过。" if approve else "已退回修改，起草人会看到您的意见和批注。")
    return redirect("review:inbox")


@require_POST
def finalize(request, speech_pk):
    speech = get_speech_for(request.user, speech_pk, owner=True)
    form = NoteForm(request.POST)
    form.is_valid()
    try:
        services.review_finalize(speech=speech, user=request.user, note=form.cleaned_data.get("note", ""))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, f"定稿失败：{_error_text(exc)}")
    else:
        messages.success(request, "已定稿，该版本已在历史版本中命名保存。之后的修改将开始新的稿次。")
    return _back(speech)


def _after_comment(request, speech, error=""):
    if request.htmx:
        return _panel(request, speech, comment_error=error)
    if error:
        messages.error(request, error)
    return _back(speech)


@require_POST
def comment_add(request, speech_pk):
    speech = get_speech_for(request.user, speech_pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _after_comment(request, speech, " ".join(e for errors in form.errors.values() for e in errors))
    data = form.cleaned_data
    try:
        services.comment_add(
            speech=speech,
            user=request.user,
            section_id=data["section_id"],
            anchor_text=data["anchor_text"],
            anchor_offset=data["anchor_offset"] or 0,
            body=data["body"],
        )
    except ValidationError as exc:
        return _after_comment(request, speech, _error_text(exc))
    return _after_comment(request, speech)


def _comment_for(request, pk) -> Comment:
    comment = get_object_or_404(Comment.objects.select_related("speech"), pk=pk)
    get_speech_for(request.user, comment.speech_id)  # 404 unless the user may open the speech
    return comment


@require_POST
def comment_reply(request, pk):
    comment = _comment_for(request, pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return _after_comment(request, comment.speech, "请填写回复内容。")
    services.comment_reply(comment=comment, user=request.user, body=form.cleaned_data["body"])
    return _after_comment(request, comment.speech)


@require_POST
def comment_resolve(request, pk):
    comment = _comment_for(request, pk)
    speech = comment.speech
    if request.user.pk not in (speech.owner_id, comment.author_id):
        return _after_comment(request, speech, "只有起草人或批注人可以解决或重新打开批注。")
    services.comment_resolve(comment=comment, user=request.user, resolved=request.POST.get("resolved") != "0")
    return _after_comment(request, speech)


@require_http_methods(["GET", "POST"])
def import_review(request, speech_pk):
    """导入审阅稿: upload, see each change and comment, apply the chosen ones as a new revision."""
    speech = get_speech_for(request.user, speech_pk, write=True)
    context = {"speech": speech, "form": UploadForm()}
    upload_id = request.POST.get("upload")
    if request.method == "POST" and upload_id:
        upload = get_object_or_404(ReviewUpload, pk=upload_id, speech=speech, user=request.user)
        return _apply(request, speech, upload)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            try:
                imp = review_import(speech=speech, data=form.cleaned_data["file"])
            except ReviewFileError as exc:
                context["error"] = str(exc)
            else:
                # One pending 审阅稿 per person and speech: an earlier upload never applied is dropped.
                ReviewUpload.objects.filter(speech=speech, user=request.user).delete()
                upload = ReviewUpload.objects.create(
                    speech=speech,
                    user=request.user,
                    name=request.FILES["file"].name[:200],
                    data=form.cleaned_data["file"],
                )
                context.update(imp=imp, upload=upload, rows=imp.change_rows())
        return render(request, "review/import.html", context, status=200 if "imp" in context else 400)
    return render(request, "review/import.html", context)


def _apply(request, speech: Speech, upload: ReviewUpload):
    try:
        imp = review_import(speech=speech, data=bytes(upload.data))
    except ReviewFileError as exc:
        messages.error(request, str(exc))
        return redirect(reverse("review:import", args=[speech.pk]))
    if request.POST.get("accept_all"):
        accepted = {i for i, _ in imp.change_rows()}
    else:
        accepted = {int(v) for v in request.POST.getlist("accept") if v.isdigit()}
    outcome = review_apply(imp=imp, user=request.user, accepted=accepted)
    comments = import_comments(imp=imp, user=request.user) if request.POST.get("comments", "1") == "1" else 0
    upload.delete()
    if outcome.revision:
        messages.success(
            request,
            f"已接受 {len(accepted)} 处修改，生成第 {outcome.revision.number} 版；导入批注 {comments} 条。",
        )
    else:
        messages.info(request, f"没有接受任何修改，正文未变；导入批注 {comments} 条。")
    if outcome.conflicts:
        messages.warning(
            request,
            "以下段落在导出后又在系统中修改过，未采用审阅稿的文字，请对照后手工修改："
            + "、".join(outcome.conflicts),
        )
    return _back(speech)
