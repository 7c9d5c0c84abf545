from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from speechdraft.downloads import docx_response
from speechdraft.drafting.services import get_speech_for
from speechdraft.library.models import CorpusDocument

from .models import SimilarityReport
from .presentation import marked_paragraphs, section_for, side_by_side
from .report_docx import report_docx
from .services import speech_check, text_lint


@require_POST
def run_check(request, speech_pk):
    speech = get_speech_for(request.user, speech_pk)
    report = speech_check(speech=speech, user=request.user)
    if request.htmx:
        return HttpResponseClientRedirect(report.get_absolute_url())
    return redirect(report)


def _report_for(user, pk) -> SimilarityReport:
    report = get_object_or_404(
        SimilarityReport.objects.select_related("speech", "revision", "created_by"), pk=pk
    )
    get_speech_for(user, report.speech_id)  # 404 unless the user may open the speech
    return report


def report_detail(request, pk):
    report = _report_for(request.user, pk)
    result = report.result
    matches = result["matches"]
    source_ids = {m["source_id"] for m in matches}
    sources = dict(CorpusDocument.objects.filter(pk__in=source_ids).values_list("pk", "text"))
    sections = result.get("sections", [])
    paragraphs = [
        {**p, "section": section_for(p["start"], sections), "text": report.text[p["start"] : p["end"]]}
        for p in result["paragraphs"]
    ]
    previous = report.speech.similarity_reports.filter(
        created_at__lte=report.created_at, pk__lt=report.pk
    ).first()
    context = {
        "report": report,
        "result": result,
        "speech": report.speech,
        "previous": previous,
        "paragraphs": paragraphs,
        "marked": marked_paragraphs(report.text, matches),
        "pairs": side_by_side(report.text, matches, sources),
    }
    return render(request, "checks/report.html", context)


def report_download(request, pk):
    report = _report_for(request.user, pk)
    return docx_response(
        report_docx(report), f"查重报告_{report.speech.title}_{report.created_at:%Y%m%d%H%M}.docx"
    )


def latest_report(request, speech_pk):
    speech = get_speech_for(request.user, speech_pk)
    report = speech.similarity_reports.first()
    if report is None:
        return render(request, "checks/no_report.html", {"speech": speech})
    return redirect(report)


def lint_page(request, speech_pk):
    """规范检查 of the speech as it stands; each finding links back to its section in the editor."""
    speech = get_speech_for(request.user, speech_pk)
    text, spans = speech.text_spans()
    sections = [{"id": sid, "start": start, "end": end} for sid, start, end in spans]
    findings = [
        {
            "finding": f,
            "excerpt": text[f.start : f.end] if f.rule != "length" else "",
            "before": text[max(0, f.start - 15) : f.start] if f.rule != "length" else "",
            "after": text[f.end : f.end + 15] if f.rule != "length" else "",
            "section": section_for(f.start, sections) if f.rule != "length" else None,
        }
        for f in text_lint(text)
    ]
    counts = {
        sev: sum(1 for f in findings if f["finding"].severity == sev) for sev in ("error", "warning", "info")
    }
    context = {"speech": speech, "findings": findings, "counts": counts}
    if request.htmx:
        return render(request, "checks/lint.html#lint-results", context)
    return render(request, "checks/lint.html", context)
