"""'Did you mean ...?' for names a person may have misspelt."""

import difflib
from collections.abc import Iterable

from samskab.engine.messages import Msg, msg


def did_you_mean(word: str, candidates: Iterable[str]) -> Msg | None:
    candidates = list(candidates)
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    if close:
        return msg("did you mean `{word}`?", word=close[0])
    if candidates and len(candidates) <= 8:
        return msg("expected one of {items}", items=", ".join(f"`{c}`" for c in candidates))
    return None
