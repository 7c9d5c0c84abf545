from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from speechdraft.downloads import docx_response
from speechdraft.drafting.models import section_key
from speechdraft.drafting.services import get_speech_for
from speechdraft.library.models import CorpusDocument
from speechdraft.pages import render_page
from speechdraft.text.excerpts import around
from speechdraft.text.printing import section_at

from .models import SimilarityReport
from .presentation import marked_paragraphs, section_for, section_marks, side_by_side
from .report_docx import report_docx
from .services import lint_fix_apply, speech_check, text_lint


@require_POST
def run_check(request, speech_pk):
    # The report becomes the speech's latest, which the owner sees: a 可查看 reader may not make one.
    speech = get_speech_for(request.user, speech_pk, write=True)
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
        "can_edit": report.speech.can_edit(request.user),
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
        context = {"speech": speech, "can_edit": speech.can_edit(request.user)}
        return render(request, "checks/no_report.html", context)
    return redirect(report)


def report_marks(request, speech_pk):
    """查重 marks of the last report, per section, for the editor's preview pane (a fragment)."""
    speech = get_speech_for(request.user, speech_pk)
    report = speech.similarity_reports.first()
    context = {"speech": speech, "report": report, "marks": []}
    if report is not None:
        text, spans = speech.text_spans()
        current = {sid: text[start:end] for sid, start, end in spans}
        context["marks"] = section_marks(report.text, report.result, current)
    return render(request, "checks/report_marks.html", context)


def lint_page(request, speech_pk):
    """规范检查 of the speech as it stands; each finding links back to its section in the editor."""
    speech = get_speech_for(request.user, speech_pk)
    return _lint_response(request, speech)


@require_POST
def lint_fix(request, speech_pk):
    """一键修改: apply one finding's suggestion to the section it is in, as an ordinary save.

    The finding is found again on the server from (rule, start, end), so the browser never sends
    text that will be written; a finding that moved (someone saved meanwhile) is reported, not guessed.
    """
    speech = get_speech_for(request.user, speech_pk, write=True)
    text, spans = speech.text_spans()
    wanted = (request.POST.get("rule", ""), request.POST.get("start", ""), request.POST.get("end", ""))
    finding = next(
        (
            f
            for f in text_lint(text, speech=speech)
            if (f.rule, str(f.start), str(f.end)) == wanted and f.suggestion
        ),
        None,
    )
    if finding is None or not lint_fix_apply(
        speech=speech, user=request.user, text=text, spans=spans, finding=finding
    ):
        messages.error(request, "这条问题已经变化（可能刚刚有人修改过），请看刷新后的检查结果再改。")
    else:
        messages.success(request, f"已将“{text[finding.start : finding.end]}”改为“{finding.suggestion}”。")
    return _lint_response(request, speech, refresh=True)


def _lint_response(request, speech, *, refresh: bool = False):
    if refresh:
        speech = get_speech_for(request.user, speech.pk)
    text, spans = speech.text_spans()
    sections = [{"id": sid, "start": start, "end": end} for sid, start, end in spans]
    findings = []
    for f in text_lint(text, speech=speech):
        located = f.rule != "length" and f.end > f.start
        section = section_at(spans, f.start) if located else None
        before, after = around(text, f.start, f.end, 15) if located else ("", "")
        item = {
            "finding": f,
            "excerpt": text[f.start : f.end] if located else "",
            "before": before,
            "after": after,
            "section": section,
        }
        if section is not None:
            start = next(s["start"] for s in sections if s["id"] == section)
            # The editor selects the n-th occurrence of the words within the section (heading, then
            # body): offsets into the printed text mean nothing in the editor's fields.
            query = urlencode({"find": item["excerpt"], "n": text.count(item["excerpt"], start, f.start)})
            item["goto"] = f"{speech.get_absolute_url()}?{query}#sec-{section_key(section)}"
        findings.append(item)
    counts = {
        sev: sum(1 for f in findings if f["finding"].severity == sev) for sev in ("error", "warning", "info")
    }
    context = {
        "speech": speech,
        "findings": findings,
        "counts": counts,
        "can_edit": speech.can_edit(request.user),
    }
    return render_page(request, "checks/lint.html", context, fragments={None: "lint-results"})
