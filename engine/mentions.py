"""Where a person is mentioned: the texts that identify them (an e-mail address, names,
account ids), found and replaced only where they stand whole, ignoring case.

The store and the channels that keep personal data outside the database
(``engine.channels.KeepsPersonalData``) find a person this one way, so an export and an
erasure reach the same mentions everywhere.
"""

import re
from collections.abc import Iterable
from typing import Any

_EXTENSION = re.compile(r"(.+?)(\.[A-Za-z0-9]{1,5})?")


class Mentions:
    """A person's texts (an e-mail address, names) where they stand whole, ignoring case:
    ``anna@x.dk`` is not inside ``hanna@x.dk``, nor ``Anna`` inside ``Annalise``."""

    def __init__(self, texts: Iterable[str]):
        self.texts = sorted({t for t in texts if t}, key=len, reverse=True)
        alone = [rf"(?<![\w.@+-]){re.escape(t)}(?![\w@+-]|\.\w)" for t in self.texts]
        self.pattern = re.compile("|".join(alone), re.IGNORECASE) if alone else None

    def names(self, value: Any) -> bool:
        """Whether ``value`` (text, or JSON-like data holding text) names the person."""
        if isinstance(value, str):
            return self.pattern is not None and self.pattern.search(value) is not None
        if isinstance(value, dict):
            return any(self.names(v) for v in value.values())
        if isinstance(value, list):
            return any(self.names(v) for v in value)
        return False

    def replaced(self, value: Any, pseudonym: str) -> Any:
        """``value`` with every mention of the person replaced by ``pseudonym``."""
        if isinstance(value, str) and self.pattern is not None:
            return self.pattern.sub(pseudonym, value)
        if isinstance(value, dict):
            return {k: self.replaced(v, pseudonym) for k, v in value.items()}
        if isinstance(value, list):
            return [self.replaced(v, pseudonym) for v in value]
        return value

    def names_file(self, name: str) -> bool:
        """Whether a file's name names the person, its extension aside: ``Anna Jensen.pdf``
        does (where ``Anna Jensen.Hansen`` would be someone else's name or address)."""
        return self.names(name) or self.names(_split(name)[0])

    def file_replaced(self, name: str, pseudonym: str) -> str:
        """A file's name with every mention of the person replaced, its extension kept."""
        stem, extension = _split(name)
        return (
            self.replaced(stem, pseudonym) + extension if self.names(stem) else self.replaced(name, pseudonym)
        )


def _split(name: str) -> tuple[str, str]:
    """A file's name and its extension (``.pdf``; empty if none)."""
    found = _EXTENSION.fullmatch(name)
    return (found[1], found[2] or "") if found else (name, "")
