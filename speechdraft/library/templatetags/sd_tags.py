from django import template

from speechdraft.roles import is_manager as _is_manager
from speechdraft.text.counting import percent as format_percent

register = template.Library()


@register.filter
def is_manager(user) -> bool:
    return _is_manager(user)


@register.filter
def percent(value) -> str:
    """Ratios are stored as fractions; CNKI reports show them as percentages with one decimal."""
    try:
        return format_percent(float(value))
    except (TypeError, ValueError):
        return "—"


@register.filter
def index(sequence, position):
    try:
        return sequence[position]
    except (IndexError, TypeError, KeyError):
        return None
