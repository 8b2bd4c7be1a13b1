"""ISO 8601 durations (P3Y, P6W, P14D) as process files write deadlines, read by isodate."""

import datetime as dt

import isodate


def parse(text: str) -> dt.timedelta | isodate.Duration:
    return isodate.parse_duration(text)


LONGEST = dt.timedelta(days=100 * 366)


def problem(text: str, *, zero_ok: bool = False) -> str | None:
    """Why ``text`` is not a usable duration, or None when it is."""
    start = dt.datetime(2000, 1, 1)
    try:
        end = start + parse(text)
    except (isodate.ISO8601Error, ValueError, OverflowError, TypeError):
        return f"`{text}` is not an ISO 8601 duration in whole years, months, weeks, days or hours"
    if end < start or (end == start and not zero_ok):
        return f"`{text}` is not a positive duration"
    if end - start > LONGEST:
        return f"`{text}` is longer than 100 years"
    return None


def add(moment: dt.datetime, text: str) -> dt.datetime:
    return moment + parse(text)


def subtract(moment: dt.datetime, text: str) -> dt.datetime:
    return moment - parse(text)


def is_zero(text: str) -> bool:
    start = dt.datetime(2000, 1, 1)
    return start + parse(text) == start
