from django.core.serializers.json import DjangoJSONEncoder


class UnicodeJSONEncoder(DjangoJSONEncoder):
    """Stores Chinese as UTF-8 instead of \\uXXXX escapes: on SQLite a JSON column is text, and the
    escapes make every revision snapshot about three times larger than the speech it holds."""

    def __init__(self, *args, **kwargs):
        kwargs["ensure_ascii"] = False
        super().__init__(*args, **kwargs)
