"""Sizes of files: read as a config writes them ("25 MB") and shown as people read them
("1,2 MB" in Danish, "1.2 MB" in English).

Units are decimal, as disks and most programs count them: 1 kB is 1,000 bytes, 1 MB
1,000,000 and 1 GB 1,000,000,000.
"""

import re
from decimal import Decimal

from samskab.engine.messages import Both

UNITS = {"b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9}
_SIZE = re.compile(r"(\d+(?:[.,]\d+)?)\s*([a-z]*)", re.IGNORECASE)


def parse(text: str) -> int:
    """The bytes in a size: ``25 MB``, ``500 kB``, ``1,5 GB``, ``2000`` (bytes).
    ValueError for anything else."""
    found = _SIZE.fullmatch(text.strip())
    unit = found[2].lower() if found else ""
    if not found or (unit and unit not in UNITS):
        raise ValueError(f"{text!r} is not a size")
    return int(Decimal(found[1].replace(",", ".")) * UNITS[unit or "b"])


def shown(size: int, lang: str) -> str:
    """``size`` bytes as people read it: 512 B, 340 kB, 1,2 MB, 25 MB (one decimal below
    ten, whole above)."""
    unit, said = "B", str(size)
    for name, factor in (("kB", 10**3), ("MB", 10**6), ("GB", 10**9)):
        if size < 1000 or (unit != "B" and float(said) < 1000):
            break
        amount = size / factor
        unit, said = name, f"{amount:.1f}" if amount < 9.95 else f"{amount:.0f}"
    return f"{said.replace('.', ',') if lang == 'da' else said} {unit}"


def both(size: int) -> Both:
    """``size`` shown in both languages, for a message."""
    return Both(shown(size, "da"), shown(size, "en"))
