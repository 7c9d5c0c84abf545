"""Errors raised by the text engine; ``str(error)`` is a Chinese message meant for the user."""


class TextError(Exception):
    """Base class: the message says, in Chinese, what went wrong and what to do next."""


class DocumentError(TextError):
    """A file cannot be read: unknown type, bad encoding, broken .docx, empty or too big."""


class EmptyDocumentError(DocumentError):
    """The file holds no text at all; an import refuses it, a 查重 answers it with an empty report."""
