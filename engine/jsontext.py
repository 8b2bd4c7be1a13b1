"""JSON text as samskab stores it and as the audit trail hashes it.

One form for both: keys sorted, no spaces, UTF-8 characters as they are. orjson writes
it about ten times faster than the standard library, and byte for byte the same for
every value a field holds (a test keeps the two in step), so digests written by either
verify with either. An integer beyond 64 bits, which orjson refuses to write and reads
as a float, is written and read by the standard library.
"""

import json
import re
from typing import Any

import orjson

_LONG_NUMBER = re.compile(r"\d{19}")
"""A run of digits that may be an integer beyond 64 bits (or just text: then the
standard library reads it, as exactly)."""


def loads(text: str | bytes) -> Any:
    if _LONG_NUMBER.search(text if isinstance(text, str) else text.decode()):
        return json.loads(text)
    return orjson.loads(text)


_standard = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def dumps(value: Any) -> str:
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
    except orjson.JSONEncodeError:
        return _standard(value)
