"""The Django side of the export: office settings in, a builder call, bytes and a file name out."""

import datetime as dt

from django.conf import settings

from speechdraft.text.parser import parse_speech
from speechdraft.text.placeholders import find_placeholders

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


def unfilled_placeholders(speech, context_chars: int = 12) -> list[dict]:
    """Placeholders still in the text that will be printed, with the section they stand in."""
    text, spans = speech.text_spans()
    labels = {s.pk: s for s in speech.sections.all()}
    found = []
    for ph in find_placeholders(text):
        section_id = next((sid for sid, start, end in spans if start <= ph.start < end), None)
        section = labels.get(section_id)
        found.append(
            {
                "text": ph.text,
                "section_id": section_id,
                "where": (section.heading.rstrip("。；，：！？") or section.get_role_display())
                if section
                else "标题或日期行",
                "before": text[max(0, ph.start - context_chars) : ph.start],
                "after": text[ph.end : ph.end + context_chars],
            }
        )
    return found
