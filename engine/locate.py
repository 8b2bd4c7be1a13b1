"""Find the line of a place such as ``actions[2].to`` in a TOML file's text.

``tomllib`` keeps no positions, so this reads the table headers (``[x]``, ``[[x]]``)
and ``key = value`` lines and records where each place starts. Good enough to point
a person at the right line; a list written over several lines (``deadlines = [`` with
one ``{ ... }`` a line) has each item's line; a place it cannot see falls back to the
nearest enclosing place it knows.
"""

import re

Place = tuple[str | int, ...]

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\.\"' ]+?)\s*=")


def _keys(dotted: str) -> list[str]:
    return [part.strip().strip("\"'") for part in dotted.split(".")]


def line_index(text: str) -> dict[Place, int]:
    """Map every place the file names to the 1-based line it starts on."""
    lines: dict[Place, int] = {}
    counts: dict[Place, int] = {}
    table: Place = ()
    listing: Place | None = None  # the list being read over several lines
    depth = items = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if listing is not None:
            if depth == 1 and line.lstrip().startswith("{"):
                lines.setdefault(listing + (items,), number)
                items += 1
            depth += _depth(line)
            if depth <= 0:
                listing = None
            continue
        header = _HEADER.match(line)
        if header:
            is_array = header.group(1) == "[["
            resolved: list[str | int] = []
            parts = _keys(header.group(2))
            for position, part in enumerate(parts):
                resolved.append(part)
                last = position == len(parts) - 1
                if last and is_array:
                    counts[tuple(resolved)] = counts.get(tuple(resolved), 0) + 1
                    resolved.append(counts[tuple(resolved)] - 1)
                elif tuple(resolved) in counts:
                    resolved.append(counts[tuple(resolved)] - 1)
            table = tuple(resolved)
            lines.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key and not line.lstrip().startswith("#"):
            place = table + tuple(_keys(key.group(1)))
            lines.setdefault(place, number)
            value = line[key.end() :]
            if value.lstrip().startswith("[") and _depth(value) > 0:
                listing, depth, items = place, _depth(value), 0
    return lines


def _depth(text: str) -> int:
    """How many more lists ``text`` opens than it closes (outside strings and comments)."""
    depth, quote = 0, None
    for char in text:
        if quote:
            quote = None if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "#":
            break
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
    return depth


def find_line(index: dict[Place, int], place: Place) -> int | None:
    for end in range(len(place), 0, -1):
        if place[:end] in index:
            return index[place[:end]]
    return None


def format_place(place: Place) -> str:
    text = ""
    for part in place:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text
