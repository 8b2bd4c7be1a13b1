"""ISO 8601 durations (P3Y, P6W, P14D) as process files write deadlines, read by isodate."""

import datetime as dt

import isodate


def parse(text: str) -> dt.timedelta | isodate.Duration:
    return isodate.parse_duration(text)


def problem(text: str, *, zero_ok: bool = False) -> str | None:
    """Why ``text`` is not a usable duration, or None when it is."""
    try:
        duration = parse(text)
    except (isodate.ISO8601Error, ValueError):
        return f"`{text}` is not an ISO 8601 duration"
    start = dt.datetime(2000, 1, 1)
    if start + duration < start or (start + duration == start and not zero_ok):
        return f"`{text}` is not a positive duration"
    return None


def add(moment: dt.datetime, text: str) -> dt.datetime:
    return moment + parse(text)


def subtract(moment: dt.datetime, text: str) -> dt.datetime:
    return moment - parse(text)


def is_zero(text: str) -> bool:
    start = dt.datetime(2000, 1, 1)
    return start + parse(text) == start
