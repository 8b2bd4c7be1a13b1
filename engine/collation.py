"""Danish text for search and sorting: case folded for æ, ø and å too (``ældre`` finds
"Ældre Sagen"), and ordered as Danish is (Æ, Ø, Å after Z; AA as Å)."""

import unicodedata
from collections.abc import Mapping
from typing import Any

_AFTER_Z = str.maketrans({"æ": "\U0010fff0", "ø": "\U0010fff1", "å": "\U0010fff2"})
"""Æ, Ø and Å as the last letters, in that order."""


def fold(text: str) -> str:
    """``text`` without case, as search compares it."""
    return text.casefold()


def key(text: str) -> str:
    """What sorts ``text`` in Danish order: other accents count for nothing (é as e)."""
    danish = fold(text).replace("aa", "å").translate(_AFTER_Z)
    return "".join(c for c in unicodedata.normalize("NFKD", danish) if not unicodedata.combining(c))


def compare(a: str, b: str) -> int:
    """A SQLite collation of Danish order (-1, 0, 1)."""
    ka, kb = key(a), key(b)
    return (ka > kb) - (ka < kb)


def searched(title: str, fields: Mapping[str, Any]) -> list[str]:
    """What a search of cases looks in: the case's title and each field value, folded."""
    return [fold(title), *(fold(str(v)) for v in fields.values() if v is not None)]


SEPARATOR = "\x1f"
"""Between a case's texts in :func:`search_text`: no search can match across two."""


def search_text(title: str, fields: Mapping[str, Any]) -> str:
    """The case's texts to search (:func:`searched`) as one text, for a store's index."""
    return SEPARATOR.join(searched(title, fields))


def mentions(needle: str, title: str, fields: Mapping[str, Any]) -> bool:
    """Whether the case's title or one of its field values holds ``needle`` (folded)."""
    wanted = fold(needle)
    return any(wanted in text for text in searched(title, fields))
