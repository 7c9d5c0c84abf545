"""Rendering helpers for printed text and diffs; a loop of template tags per run would dominate the
editor's server time on a long speech, so these build the HTML in Python (escaped, never raw input)."""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from speechdraft.drafting.models import display_name

register = template.Library()

_RUN_HTML = {
    "placeholder": '<mark class="sd-placeholder" title="占位符：请在“占位符”面板中填写">{}</mark>',
    "filled": '<span class="sd-filled" title="已替换的占位符">{}</span>',
}
_DIFF_HTML = {"insert", "delete"}


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


# Unchanged text longer than this keeps this much context on each side when 只看改动 hides the rest.
_CONTEXT = 40


def _equal_html(text: str) -> str:
    if len(text) <= 3 * _CONTEXT:
        return conditional_escape(text)
    return format_html(
        '{}<span class="sd-eq-more">{}</span><span class="sd-eq-gap" aria-hidden="true">……</span>{}',
        text[:_CONTEXT],
        text[_CONTEXT:-_CONTEXT],
        text[-_CONTEXT:],
    )


@register.filter
def diff(pieces) -> str:
    """Word diff pieces as HTML: insertions in <ins>, deletions in <del>, each change numbered
    (``data-change``) for the 下一处 jumps; long unchanged stretches can fold away (只看改动)."""
    html, change, previous = [], 0, "equal"
    for p in pieces:
        if p.op in _DIFF_HTML:
            # A replacement (delete then insert) is one change to jump to.
            if previous == "equal":
                change += 1
            tag = "ins" if p.op == "insert" else "del"
            html.append(
                format_html('<{} class="sd-change" data-change="{}">{}</{}>', tag, change, p.text, tag)
            )
        else:
            html.append(_equal_html(p.text))
        previous = "equal" if p.op == "equal" else "change"
    return mark_safe("".join(html))


@register.filter
def change_count(pieces) -> int:
    """How many changes a diff holds (a replacement counts once), as the 下一处 jumps count them."""
    count, previous = 0, "equal"
    for p in pieces:
        if p.op != "equal" and previous == "equal":
            count += 1
        previous = p.op if p.op == "equal" else "change"
    return count


@register.filter
def section_url(speech, section_id) -> str:
    return speech.section_url(section_id)


@register.filter(name="display_name")
def display_name_filter(user, default: str = "") -> str:
    """``{{ user|display_name:"—" }}``: see ``drafting.models.display_name``."""
    return display_name(user, default)
