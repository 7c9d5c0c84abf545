from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_sameorigin

from speechdraft.downloads import docx_response
from speechdraft.drafting.services import get_speech_for

from .forms import export_form
from .preview import PreviewError, render_pdf
from .services import (
    ExportError,
    speech_docx,
    speech_tracked_docx,
    unfilled_placeholders,
    unsure_placeholders,
)


def export_page(request, speech_pk):
    """Before the download: options, and the export guard listing placeholders nobody filled in."""
    speech = get_speech_for(request.user, speech_pk)
    form = export_form(request)
    return render(
        request,
        "export/export.html",
        {
            "speech": speech,
            "form": form,
            "placeholders": unfilled_placeholders(speech),
            "unsure": unsure_placeholders(speech),
            "chars": speech.printed().chars,
            "query": request.GET.urlencode(),
        },
    )


def export_docx(request, speech_pk):
    speech = get_speech_for(request.user, speech_pk)
    form = export_form(request)
    if not form.is_valid():
        return render(
            request, "export/export.html", {"speech": speech, "form": form, "placeholders": []}, status=400
        )
    tracked_from = form.cleaned_data.get("tracked_from")
    if tracked_from:
        try:
            data, filename = speech_tracked_docx(
                speech,
                form.options(),
                tracked_from=tracked_from,
                tracked_to=form.cleaned_data.get("tracked_to"),
            )
        except ExportError as exc:
            form.add_error("tracked_from", str(exc))
            return render(
                request,
                "export/export.html",
                {"speech": speech, "form": form, "placeholders": []},
                status=400,
            )
    else:
        data, filename = speech_docx(speech, form.options())
    return docx_response(data, filename)


def preview_page(request, speech_pk):
    speech = get_speech_for(request.user, speech_pk)
    return render(request, "export/preview.html", {"speech": speech, "query": request.GET.urlencode()})


@xframe_options_sameorigin
def preview_pdf(request, speech_pk):
    speech = get_speech_for(request.user, speech_pk)
    form = export_form(request)
    if not form.is_valid():
        return HttpResponse("导出选项无效。", status=400, content_type="text/plain; charset=utf-8")
    data, filename = speech_docx(speech, form.options())
    try:
        pdf = render_pdf(
            data, soffice=settings.SPEECHDRAFT_SOFFICE, timeout=settings.SPEECHDRAFT_PREVIEW_TIMEOUT
        )
    except PreviewError as exc:
        return render(
            request, "export/preview_error.html", {"speech": speech, "message": str(exc)}, status=503
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = "inline"
    return response
