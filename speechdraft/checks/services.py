"""查重 workflows: office settings in, the text engine's check, a stored report out."""

import dataclasses

from django.db import transaction

from speechdraft.drafting.models import CONFLICT_NOTE
from speechdraft.library.models import CorpusDocument
from speechdraft.text.similarity import CheckSettings, SimilarityReport, check

from .index import current_index
from .models import SimilarityReport as StoredReport
from .models import SimilaritySettings


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
            revision=speech.revisions.exclude(note=CONFLICT_NOTE).order_by("-number").first(),
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


def text_lint(text: str) -> list:
    """规范检查 of a plain text with the office's formulation rules and speaking speed."""
    from django.conf import settings

    from speechdraft.text.lint import lint_text

    from .models import LintRule

    return lint_text(
        text,
        formulations=LintRule.objects.formulations(),
        chars_per_minute=settings.SPEECHDRAFT_CHARS_PER_MINUTE,
    )
