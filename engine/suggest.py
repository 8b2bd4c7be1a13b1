"""'Did you mean ...?' for names a person may have misspelt."""

import difflib
from collections.abc import Iterable


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    candidates = list(candidates)
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    if close:
        return f"did you mean `{close[0]}`?"
    if candidates and len(candidates) <= 8:
        return "expected one of " + ", ".join(f"`{c}`" for c in candidates)
    return None
