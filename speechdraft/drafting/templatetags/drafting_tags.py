"""Rendering helpers for printed text and diffs; a loop of template tags per run would dominate the
editor's server time on a long speech, so these build the HTML in Python (escaped, never raw input)."""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()

_RUN_HTML = {
    "placeholder": '<mark class="sd-placeholder" title="占位符：请在“占位符”面板中填写">{}</mark>',
    "filled": '<span class="sd-filled" title="已替换的占位符">{}</span>',
}
_DIFF_HTML = {"insert": "<ins>{}</ins>", "delete": "<del>{}</del>"}


@register.filter
def runs(value) -> str:
    """Runs of a printed paragraph as HTML: unfilled placeholders highlighted, filled values marked."""
    return mark_safe(
        "".join(
            format_html(_RUN_HTML[r.mark], r.text) if r.mark else conditional_escape(r.text) for r in value
        )
    )


@register.filter
def paragraphs(printed) -> str:
    """The printed speech as <p> elements: one class per kind (title, heading, run_in …) for the
    print-like CSS, the heading sentence in its own span so that it shows bold."""
    html = []
    for p in printed.paragraphs:
        section = format_html(' data-section="{}"', p.section) if p.section else ""
        heading = format_html('<span class="sd-p-heading">{}</span>', runs(p.heading)) if p.heading else ""
        html.append(format_html('<p class="sd-p sd-p-{}"{}>{}{}</p>', p.kind, section, heading, runs(p.body)))
    return mark_safe("\n".join(html))


@register.filter
def diff(pieces) -> str:
    """Word diff pieces as HTML: insertions in <ins>, deletions in <del>."""
    return mark_safe(
        "".join(
            format_html(_DIFF_HTML[p.op], p.text) if p.op in _DIFF_HTML else conditional_escape(p.text)
            for p in pieces
        )
    )


@register.filter
def section_url(speech, section_id) -> str:
    return speech.section_url(section_id)
