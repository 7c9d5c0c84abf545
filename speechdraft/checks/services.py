"""查重 workflows: office settings in, the text engine's check, a stored report out."""

import dataclasses

from django.conf import settings
from django.db import transaction

from speechdraft.drafting.services import speech_data, speech_save
from speechdraft.library.models import CorpusDocument
from speechdraft.text.lint import lint_text
from speechdraft.text.printing import section_at
from speechdraft.text.similarity import CheckSettings, SimilarityReport, check

from .index import current_index
from .models import LintRule, SimilaritySettings
from .models import SimilarityReport as StoredReport


def office_check_settings(*, exclude_quotes: bool = False) -> CheckSettings:
    office = SimilaritySettings.current()
    boilerplate = frozenset(CorpusDocument.objects.filter(is_boilerplate=True).values_list("pk", flat=True))
    return CheckSettings(
        min_span_chars=office.min_span_chars,
        count_quotes=office.count_quotes and not exclude_quotes,
        count_common=office.count_common,
        common_doc_threshold=office.common_doc_threshold,
        boilerplate_ids=boilerplate,
    )


def _source_text(doc_id: int) -> str | None:
    # Documents taken out of 查重 since the index was saved are skipped, not reported.
    return CorpusDocument.objects.indexed().filter(pk=doc_id).values_list("text", flat=True).first()


def _source_texts(doc_ids: list[int]) -> dict[int, str]:
    # All candidates in a few queries (a long draft has hundreds), chunked under SQLite's variable limit.
    found: dict[int, str] = {}
    indexed = CorpusDocument.objects.indexed()
    for i in range(0, len(doc_ids), 500):
        found.update(indexed.filter(pk__in=doc_ids[i : i + 500]).values_list("pk", "text"))
    return found


def _source_title(doc_id: int) -> str:
    return (
        CorpusDocument.objects.filter(pk=doc_id).values_list("title", flat=True).first() or f"语料 #{doc_id}"
    )


def similarity_check_text(text: str, *, exclude_quotes: bool = False) -> SimilarityReport:
    """Check a draft against the office corpus with the office's settings."""
    return check(
        text,
        index=current_index(),
        source_text=_source_text,
        source_texts=_source_texts,
        source_title=_source_title,
        settings=office_check_settings(exclude_quotes=exclude_quotes),
    )


def speech_check(*, speech, user) -> StoredReport:
    """Check the speech as it stands now and keep the report with the revision it checked."""
    text, spans = speech.text_spans()
    report = similarity_check_text(text)
    result = report.to_dict()
    result["suspect_paragraphs"] = report.suspect_paragraphs
    result["copied_chars_excluding_quotes"] = report.copied_chars_excluding_quotes
    # Where each section stands in the checked text, so a paragraph of the report links back to it.
    result["sections"] = [{"id": sid, "start": start, "end": end} for sid, start, end in spans]
    settings = dataclasses.asdict(report.settings)
    settings["boilerplate_ids"] = sorted(settings["boilerplate_ids"])
    with transaction.atomic():
        stored = StoredReport(
            speech=speech,
            # The text checked is the stored speech: a refused conflict copy saved after it is not.
            revision=speech.revisions.latest_stored(),
            text=text,
            check_settings=settings,
            total_chars=report.total_chars,
            copied_chars=report.copied_chars,
            copy_ratio=report.copy_ratio,
            copy_ratio_excluding_quotes=report.copy_ratio_excluding_quotes,
            result=result,
            created_by=user,
        )
        stored.full_clean()
        stored.save()
    return stored


def text_lint(text: str, *, speech=None) -> list:
    """规范检查 of a plain text with the office's formulation rules and speaking speed.

    With the ``speech`` the text was printed from, the rules that read the speech know its date, its
    own district and place, and the values its placeholders were filled with.
    """

    context = {}
    if speech is not None:
        values = speech.placeholder_values or {}
        context = {
            "speech_date": speech.date,
            "own_places": [
                values.get("区名", ""),
                values.get("县名", ""),
                values.get("市名", ""),
                speech.place,
            ],
            "values": values,
            "written": speech.printed(fill=False).text,
        }
    return lint_text(
        text,
        formulations=LintRule.objects.formulations(),
        chars_per_minute=settings.SPEECHDRAFT_CHARS_PER_MINUTE,
        **context,
    )


def _replace_nth(haystack: str, needle: str, n: int, new: str) -> str | None:
    pos = -1
    for _ in range(n + 1):
        pos = haystack.find(needle, pos + 1)
        if pos < 0:
            return None
    return haystack[:pos] + new + haystack[pos + len(needle) :]


def lint_fix_apply(*, speech, user, text: str, spans, finding) -> bool:
    """Write ``finding.suggestion`` in place of the words it concerns; False when they cannot be found.

    The printed text adds part markers and joins paragraphs, so the words are located by their
    occurrence within their section (heading first, then body) rather than by offset.
    """

    old = text[finding.start : finding.end]
    section_id = section_at(spans, finding.start)
    if not old or section_id is None:
        return False
    section_start = next(a for sid, a, _b in spans if sid == section_id)
    n = text.count(old, section_start, finding.start)
    data = speech_data(speech)
    item = next((s for s in data["sections"] if s["id"] == section_id), None)
    if item is None:
        return False
    in_heading = item["heading"].count(old)
    if n < in_heading:
        item["heading"] = _replace_nth(item["heading"], old, n, finding.suggestion)
    else:
        body = _replace_nth(item["body"], old, n - in_heading, finding.suggestion)
        if body is None:
            return False
        item["body"] = body
    outcome = speech_save(
        speech=speech,
        user=user,
        base_version=speech.version,
        data=data,
        note=f"规范检查：{old}→{finding.suggestion}",
    )
    return not outcome.conflict
