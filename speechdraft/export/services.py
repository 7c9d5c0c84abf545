"""The Django side of the export: office settings in, a builder call, bytes and a file name out."""

import datetime as dt

from django.conf import settings

from speechdraft.text.parser import parse_speech
from speechdraft.text.placeholders import bind_placeholders

from .builder import ExportFonts, ExportOptions, build_docx, document_from_parsed, export_filename


def export_options(
    *, profile: str = "standard", bold_subpoint_leads: bool = False, include_subtitle: bool = True
) -> ExportOptions:
    return ExportOptions(
        profile=profile,
        fonts=ExportFonts(**settings.SPEECHDRAFT_EXPORT_FONTS),
        bold_subpoint_leads=bold_subpoint_leads,
        include_subtitle=include_subtitle,
    )


def text_docx(text: str, options: ExportOptions) -> tuple[bytes, str]:
    """A plain-text speech, parsed like an import, as a .docx and the title it was given."""
    parsed = parse_speech(text)
    return build_docx(document_from_parsed(parsed), options), parsed.title


def speech_docx(speech, options: ExportOptions) -> tuple[bytes, str]:
    """A stored speech as a .docx and its download name (title and date)."""
    data, _ = text_docx(speech.as_text(), options)
    return data, export_filename(speech.title, speech.date if isinstance(speech.date, dt.date) else None)


def _guard_rows(speech, context_chars: int) -> list[dict]:
    """Every placeholder occurrence of the text as written, with its binding, value and section.

    Read from the unfilled text, where each occurrence is still visible and bound to its key.
    """
    printed = speech.printed(fill=False)
    text, spans = printed.text, printed.spans()
    values = speech.placeholder_values or {}
    labels = {s.pk: s for s in speech.sections.all()}
    rows = []
    for binding in bind_placeholders(text):
        section_id = next((sid for sid, start, end in spans if start <= binding.start < end), None)
        section = labels.get(section_id)
        rows.append(
            {
                "text": binding.text,
                "key": binding.key,
                "kind": binding.kind,
                "rule": binding.rule,
                "sure": binding.sure,
                "value": values.get(binding.key, ""),
                "section_id": section_id,
                "where": (section.heading.rstrip("。；，：！？") or section.get_role_display())
                if section
                else "标题或日期行",
                "before": text[max(0, binding.start - context_chars) : binding.start],
                "after": text[binding.end : binding.end + context_chars],
            }
        )
    return rows


def unfilled_placeholders(speech, context_chars: int = 12) -> list[dict]:
    """Placeholders still in the text that will be printed, with the section they stand in."""
    return [row for row in _guard_rows(speech, context_chars) if not row["value"]]


def unsure_placeholders(speech, context_chars: int = 12) -> list[dict]:
    """Filled placeholders whose binding was a guess from context: the value may stand where it
    does not belong (a person's name in 推动**人大工作), so the export guard asks to confirm them."""
    return [row for row in _guard_rows(speech, context_chars) if row["value"] and not row["sure"]]
