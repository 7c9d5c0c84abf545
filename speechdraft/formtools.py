"""Form helpers shared by every app: text the databases cannot store never reaches them.

PostgreSQL refuses NUL in text and in jsonb (``\\u0000``), and no database takes a lone UTF-16
surrogate (``\\ud800`` arrives through JSON escapes); either was a 500. They carry no meaning in a
speech, so forms strip them before validation, for plain fields and for JSON payloads alike.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import QueryDict

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def strip_unstorable(value: Any) -> Any:
    """``value`` with NUL and lone surrogates removed from every string in it (dicts, lists too)."""
    if isinstance(value, str):
        return _UNSTORABLE.sub("", value)
    if isinstance(value, list):
        return [strip_unstorable(v) for v in value]
    if isinstance(value, dict):
        return {strip_unstorable(k): strip_unstorable(v) for k, v in value.items()}
    return value


class StorableTextMixin:
    """Mix into a Form or ModelForm (before ``forms.Form``): bound data is cleaned on the way in."""

    def __init__(self, data=None, *args, **kwargs):
        if isinstance(data, QueryDict):
            cleaned = QueryDict(mutable=True)
            for key, values in data.lists():
                cleaned.setlist(strip_unstorable(key), [strip_unstorable(v) for v in values])
            data = cleaned
        elif isinstance(data, dict):
            data = strip_unstorable(data)
        super().__init__(data, *args, **kwargs)
